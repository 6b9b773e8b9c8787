/*
 * libohsandbox - security policy over the create body.  See ohs_policy_new(3),
 * ohs_policy_check(3), ohs_findings_count(3)
 * and ohsandbox-policy(7) for every check.
 *
 * Pure: no I/O and no engine.  A policy checks the exact JSON body of
 * POST /containers/create against a profile (permissive, default, hardened)
 * and reports findings (stable id, severity, JSON field, offending value,
 * remediation); ohs_policy_apply() also rewrites the body to the hardened
 * form (hardened profile) and, in enforce mode, refuses what the profile
 * refuses.  ohs_session_create(3) sends exactly the body its policy judged
 * last (its own additions are judged again).  Everything fails closed: an unknown profile or mode name, or a
 * body that cannot be parsed, is an error, never "allow".
 *
 * Thread safety: a policy that is no longer modified may be used from many
 * threads at once; findings are read-only once returned.
 */
#ifndef OHSANDBOX_POLICY_H
#define OHSANDBOX_POLICY_H

#include "common.h"

OHS_BEGIN_DECL

typedef struct ohs_policy ohs_policy;
typedef struct ohs_findings ohs_findings;

/** Security profiles; the values are part of the ABI. */
typedef enum {
	OHS_PROFILE_PERMISSIVE = 0, /* report everything, refuse nothing */
	OHS_PROFILE_DEFAULT = 1,    /* OpenHands-compatible: refuse the critical findings and host breakouts */
	OHS_PROFILE_HARDENED = 2    /* rewrite to the hardened form, refuse high and critical */
} ohs_security_profile;

/** Modes; the values are part of the ABI. */
typedef enum {
	OHS_MODE_ENFORCE = 0, /* refusals make ohs_policy_apply() fail with OHS_EPOLICY */
	OHS_MODE_WARN = 1     /* refusals are only reported */
} ohs_security_mode;

/**
 * "permissive", "default" or "hardened" (exact, lower case) to the enum.
 * Anything else, "" included, is OHS_EINVAL with a message naming the value
 * and listing the accepted names.
 */
OHS_EXTERN(int) ohs_policy_profile_from_name(ohs_security_profile *out, const char *name);
/** "enforce" or "warn"; otherwise OHS_EINVAL as above. */
OHS_EXTERN(int) ohs_policy_mode_from_name(ohs_security_mode *out, const char *name);
/** Canonical name of a profile / mode; NULL for a value out of range. */
OHS_EXTERN(const char *) ohs_policy_profile_name(ohs_security_profile profile);
OHS_EXTERN(const char *) ohs_policy_mode_name(ohs_security_mode mode);

/**
 * A policy with the named profile and mode (NULL means "default" and
 * "enforce"), $HOME from the environment, the default limits (4 GiB,
 * 2 CPUs, 4096 pids) and the default non-root user "65534:65534".
 */
OHS_EXTERN(int) ohs_policy_new(ohs_policy **out, const char *profile, const char *mode);
OHS_EXTERN(int) ohs_policy_dup(ohs_policy **out, const ohs_policy *p);
OHS_EXTERN(void) ohs_policy_free(ohs_policy *p);

/** Canonical profile / mode name of the policy; NULL when p is NULL. */
OHS_EXTERN(const char *) ohs_policy_profile(const ohs_policy *p);
OHS_EXTERN(const char *) ohs_policy_mode(const ohs_policy *p);

/**
 * An extra host home directory for the home checks (absolute; normalised),
 * in addition to the homes of the password database (the caller's, the
 * sandbox user's, every user's), /root and /home.  NULL forgets it; it
 * never disables the other homes.
 */
OHS_EXTERN(int) ohs_policy_set_home(ohs_policy *p, const char *home);
OHS_EXTERN(const char *) ohs_policy_home(const ohs_policy *p);

/**
 * Whether the engine runs on this machine (the default): bind sources are
 * then resolved and stat'ed on this host (symlinks, hard links, sockets,
 * device nodes) and the password database is consulted.  0 judges host
 * paths lexically only and says so in a finding.  ohs_env_load sets it from
 * DOCKER_HOST.
 */
OHS_EXTERN(int) ohs_policy_set_engine_local(ohs_policy *p, int local);
OHS_EXTERN(int) ohs_policy_engine_local(const ohs_policy *p);

/**
 * The engine's socket, whose inode (st_dev, st_ino) and group the checks
 * compare with; NULL means /var/run/docker.sock and /run/docker.sock.
 * ohs_policy_engine_socket returns the path set, or NULL for the default.
 */
OHS_EXTERN(int) ohs_policy_set_engine_socket(ohs_policy *p, const char *path);
OHS_EXTERN(const char *) ohs_policy_engine_socket(const ohs_policy *p);

/**
 * Limits the hardened rewrite supplies when the body sets none
 * (HostConfig.Memory in bytes, NanoCpus, PidsLimit); 0 leaves that limit
 * unset, negative values are OHS_EINVAL.
 */
OHS_EXTERN(int) ohs_policy_set_default_limits(ohs_policy *p, int64_t memory_bytes,
	int64_t nano_cpus, int64_t pids);
OHS_EXTERN(int) ohs_policy_default_limits(int64_t *memory_bytes, int64_t *nano_cpus,
	int64_t *pids, const ohs_policy *p);

/**
 * User ("UID[:GID]" or a name, not root) the hardened rewrite puts in
 * place of an empty or root User; NULL or "" disables that rewrite (a root
 * user is then refused by the hardened profile).
 */
OHS_EXTERN(int) ohs_policy_set_default_user(ohs_policy *p, const char *user);
OHS_EXTERN(const char *) ohs_policy_default_user(const ohs_policy *p);

/**
 * Check a create body as it is (no rewrite).  Returns 0 with the findings,
 * whatever the profile refuses; OHS_EINVAL when the body is not valid JSON
 * or a checked field has the wrong type.  Free with ohs_findings_free().
 */
OHS_EXTERN(int) ohs_policy_check(ohs_findings **out, const ohs_policy *p, const char *create_body);

/**
 * The body to send: hardened profile: the body rewritten to the hardened
 * form, otherwise an identical copy.  Then, in enforce mode, OHS_EPOLICY
 * when a refused finding remains, with a message listing each refused
 * check (id, field, value).  out_findings (optional) receives the findings
 * also when OHS_EPOLICY is returned (then *out_body is NULL); on any other
 * error both are NULL.  Free with ohs_free() and ohs_findings_free().
 */
OHS_EXTERN(int) ohs_policy_apply(char **out_body, ohs_findings **out_findings,
	const ohs_policy *p, const char *create_body);

OHS_EXTERN(void) ohs_findings_free(ohs_findings *f);
OHS_EXTERN(size_t) ohs_findings_count(const ohs_findings *f);
/** Findings the profile refuses (whatever the mode). */
OHS_EXTERN(size_t) ohs_findings_refused_count(const ohs_findings *f);

/*
 * Finding i (borrowed strings; NULL / 0 when i is out of range):
 * id ("5.4", "ohs-home-writable"), severity ("critical", "high", "medium",
 * "low"), field (JSON path, e.g. "HostConfig.Binds[0]"), value (offending
 * value as text, never a secret's value), message, remediation, refused
 * (1 when the profile refuses it), fixed (1 when the hardened rewrite
 * removed it; a fixed finding is never refused).
 */
OHS_EXTERN(const char *) ohs_findings_id(const ohs_findings *f, size_t i);
OHS_EXTERN(const char *) ohs_findings_severity(const ohs_findings *f, size_t i);
OHS_EXTERN(const char *) ohs_findings_field(const ohs_findings *f, size_t i);
OHS_EXTERN(const char *) ohs_findings_value(const ohs_findings *f, size_t i);
OHS_EXTERN(const char *) ohs_findings_message(const ohs_findings *f, size_t i);
OHS_EXTERN(const char *) ohs_findings_remediation(const ohs_findings *f, size_t i);
OHS_EXTERN(int) ohs_findings_refused(const ohs_findings *f, size_t i);
OHS_EXTERN(int) ohs_findings_fixed(const ohs_findings *f, size_t i);

/**
 * {"profile":..,"mode":..,"refused":N,"findings":[{"id","severity","field",
 * "value","message","remediation","refused","fixed"},..]}, compact.
 * Free with ohs_free().
 */
OHS_EXTERN(int) ohs_findings_to_json(char **out, const ohs_findings *f);

/* ------------------------------------------------------------ API 1.1 additions */

/**
 * ohs_policy_new() taking the enums: OHS_EINVAL for a value out of range
 * (message naming it and the accepted values).
 */
OHS_EXTERN(int) ohs_policy_new_enum(ohs_policy **out, ohs_security_profile profile,
	ohs_security_mode mode);

/** Name of the profile / mode the findings were made under; NULL for NULL. */
OHS_EXTERN(const char *) ohs_findings_profile(const ohs_findings *f);
OHS_EXTERN(const char *) ohs_findings_mode(const ohs_findings *f);

OHS_END_DECL

#endif
