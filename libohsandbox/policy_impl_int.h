/*
 * policy_impl_int.h: what the files of the policy module share, and only
 * they (policy.c, policy_report.c, policy_body.c, policy_paths.c,
 * policy_keys.c): the policy and findings objects, the check table's types,
 * the body-access helpers and each file's entry points.  Other modules use
 * ohsandbox/policy.h and policy_int.h.  Calls go one way only, from the top:
 * policy.c -> policy_paths.c, policy_keys.c -> policy_body.c ->
 * policy_report.c.  Not installed.
 */
#ifndef OHS_POLICY_IMPL_INT_H
#define OHS_POLICY_IMPL_INT_H

#include "internal.h"
#include "policy_int.h"
#include "hostpath_int.h"

#include <jansson.h>

struct ohs_policy {
	ohs_security_profile profile;
	ohs_security_mode mode;
	char *home;
	char *user;
	int remote;          /* the engine runs elsewhere: paths judged lexically only */
	char *engine_socket; /* NULL: the default sockets */
	int64_t memory, nano_cpus, pids;
};

enum sev { SEV_LOW = 1, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };

/* Every check; the order is the order of the man7 page. */
enum check {
	C_PRIVILEGED,
	C_SOCKET,
	C_SENSITIVE,
	C_HOME_RW,
	C_HOST_SOCKET,
	C_DEVICE_NODE,
	C_HOME_DOTFILE,
	C_UNRESOLVED,
	C_LEXICAL,
	C_PID,
	C_CAPADD,
	C_CAPDROP,
	C_NET,
	C_IPC,
	C_UTS,
	C_USERNS,
	C_CGROUPNS,
	C_SECCOMP,
	C_APPARMOR,
	C_LABEL,
	C_SYSPATHS,
	C_NNP,
	C_ROOTFS,
	C_PORT_ALL,
	C_PORT_ADDR,
	C_PUBLISH_ALL,
	C_PORT_PRIV,
	C_MEMORY,
	C_CPU,
	C_PIDS,
	C_DEVICES,
	C_PROPAGATION,
	C_ROOT_USER,
	C_GROUP,
	C_CREDENTIALS,
	C_SECRET_ENV,
	C_VOLUMES_FROM,
	C_MASKED_PATHS,
	C_CUSTOM_SECCOMP,
	C_CUSTOM_APPARMOR,
	C_CONTAINER_NS,
	C_RUNTIME,
	C_CGROUP_PARENT,
	C_OOM_SCORE,
	C__COUNT
};

typedef struct {
	const char *id;
	enum sev sev;
	const char *title;
	const char *remediation;
} check_def;

typedef struct {
	enum check check; /* C__COUNT: added from outside the table (def holds it) */
	char *field;
	char *value;
	char *note;    /* e.g. "resolves to /run/docker.sock"; NULL when none */
	char *message;
	int refused;
	int fixed;
	check_def *ext;   /* owned; only for check C__COUNT (ohs__findings_add) */
	int strict; /* refused under the default profile too, whatever its severity */
} finding;

struct ohs_findings {
	ohs_security_profile profile;
	ohs_security_mode mode;
	finding *v;
	size_t n, cap;
	size_t refused;
};
typedef struct {
	const ohs_policy *p;
	ohs_findings *f;
} ctx;

#define KEYS_EXACT(obj, path, names) ohs__policy_keys_exact(obj, path, names, OHS_ARRAY_SIZE(names))

/* The engine sockets the policy judges when the caller names none (policy_paths.c). */
extern const char *const ohs__policy_default_sockets[2];

/* The check table, one entry per enum check (policy_report.c). */
extern const check_def ohs__policy_checks[C__COUNT];

/* ---- policy_report.c: profile and mode names, the check table, the findings */

/* The check a finding reports: the table's, or its own (ohs__findings_add). */
const check_def *ohs__policy_def_of(const finding *x);

int ohs__policy_findings_add(ohs_findings *f, enum check c, const char *field, const char *value, int fixed,
	int strict);

/*
 * Append a finding (takes nothing; copies field, value and note).  strict:
 * refused by the default profile whatever the check's severity.
 */
int ohs__policy_findings_add_note(ohs_findings *f, enum check c, const char *field, const char *value,
	const char *note, int fixed, int strict);

ohs_findings *ohs__policy_findings_new(const ohs_policy *p);

/* ---- policy_body.c: typed access to the create body */

int ohs__policy_add(ctx *c, enum check k, const char *field, const char *value);

/* add() with a formatted field "prefix[i]suffix". */
int ohs__policy_add_at(ctx *c, enum check k, const char *prefix, size_t i, const char *suffix,
	const char *value);

/* Element i of an array, which must be a string. */
int ohs__policy_array_str(const char **out, json_t *arr, size_t i, const char *path);

int ohs__policy_type_error(const char *path, const char *expected, const json_t *v);

int ohs__policy_get_array(json_t **out, json_t *obj, const char *key, const char *path);

int ohs__policy_get_bool(int *out, json_t *obj, const char *key, const char *path);

int ohs__policy_get_int(json_int_t *out, json_t *obj, const char *key, const char *path);

int ohs__policy_get_object(json_t **out, json_t *obj, const char *key, const char *path);

int ohs__policy_get_str(const char **out, json_t *obj, const char *key, const char *path);

int ohs__policy_in_list(const char *s, const char *const *list, size_t n);

/*
 * Go's encoding/json matches a key to a struct field case-insensitively,
 * and for non-ASCII keys with Unicode folding that depends on the Go version
 * (U+017F long s is "s", U+212A Kelvin sign is "k"; newer versions also fold
 * U+0131 and U+0130 to "i").  So in every object decoded into a struct: a key with a byte
 * >= 0x80 is refused (no field of the Engine API has one), and two keys
 * that are equal ignoring ASCII case are refused (the engine would take the
 * later one).  Map objects (map_members) keep any key; their values are
 * walked.  The walk covers the whole body, not only the members the checks
 * read, so no spelling can reach a field unseen.
 */
int ohs__policy_keys_walk(json_t *v, const char *path, int is_map);

/*
 * The engine (Go) matches JSON keys case-insensitively, so "privileged"
 * would set HostConfig.Privileged unseen: refuse any other spelling of a
 * key the checks read.
 */
int ohs__policy_keys_exact(json_t *obj, const char *path, const char *const *names, size_t n);

/* ---- policy_paths.c: mounts and host paths */

int ohs__policy_check_mounts(ctx *c, json_t *hc, json_t *body);

/* ---- policy_keys.c: the HostConfig key checks and the hardened rewrite */

int ohs__policy_check_caps(ctx *c, json_t *hc);

int ohs__policy_check_devices(ctx *c, json_t *hc);

int ohs__policy_check_fields(ctx *c, json_t *hc);

int ohs__policy_check_groups(ctx *c, json_t *body, json_t *hc);

int ohs__policy_check_limits(ctx *c, json_t *hc);

int ohs__policy_check_ns(ctx *c, json_t *hc, json_t *body);

int ohs__policy_check_ports(ctx *c, json_t *hc);

int ohs__policy_check_secopts(ctx *c, json_t *hc);

int ohs__policy_check_user_env(ctx *c, json_t *body);

int ohs__policy_rewrite_hardened(const ohs_policy *p, json_t *body);

/*
 * Whether a User value ("user[:group]") runs as uid 0.  The engine and runc
 * parse a numeric user with Go's strconv.Atoi, which takes one leading sign
 * and any number of zeros: "0", "00", "+0", "-0" and "+00:+0" are all uid 0.
 * A name other than "root" that the image maps to uid 0 cannot be seen here.
 */
int ohs__policy_user_is_root(const char *user);

#endif
