/*
 * session: one sandbox container: create (pull, networks, labels), start,
 * ports, readiness, open, keep, stop/pause/resume, logs, remove.
 */
#include "internal.h"
#include "session_int.h"
#include "config_int.h"
#include "policy_int.h"
#include "mainproc_int.h"
#include "hostpath_int.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct {
	int container_port;
	char *protocol;
	char *host_ip;
	int host_port;
} session_port;

struct ohs_session {
	ohs_client *client;   /* borrowed */
	char *id;             /* container id */
	char *name;           /* container name, no leading '/' */
	char *sid;            /* session id, 32 hex digits */
	ohs__strvec networks; /* networks this session created */
	session_port *ports;
	size_t nports;
	int keep;
	int removed;
	ohs_findings *findings; /* the policy's findings at create (NULL if opened) */
};

/* ------------------------------------------------------------ helpers shared with reap.c */

ohs_client *ohs__session_client(const ohs_session *s)
{
	return s ? s->client : NULL;
}

const ohs_findings *ohs_session_findings(const ohs_session *s)
{
	return s ? s->findings : NULL;
}

const char *ohs__session_sid(const ohs_session *s)
{
	return s ? s->sid : NULL;
}

int ohs__proc_starttime(pid_t pid, unsigned long long *out)
{
	char path[64], buf[4096], *p, *end;
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return ohs__error_set(errno == ENOENT ? OHS_ENOTFOUND : OHS_EIO,
			"%s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return ohs__error_set(OHS_EIO, "%s: cannot read", path);
	buf[n] = '\0';
	/* the command name (field 2) may hold spaces and ')': skip past the last ')' */
	if (!(p = strrchr(buf, ')')))
		return ohs__error_set(OHS_EPROTOCOL, "%s: no ')' after the command name", path);
	p++;
	for (field = 3; field < 22; field++) {
		while (*p == ' ')
			p++;
		while (*p && *p != ' ')
			p++;
		if (!*p)
			return ohs__error_set(OHS_EPROTOCOL, "%s: fewer than 22 fields", path);
	}
	errno = 0;
	*out = strtoull(p, &end, 10);
	if (errno || end == p)
		return ohs__error_set(OHS_EPROTOCOL, "%s: field 22 (starttime) is not a number", path);
	return 0;
}

void ohs__hostname(char *buf, size_t len)
{
	if (!len)
		return;
	if (gethostname(buf, len) < 0)
		buf[0] = '\0';
	buf[len - 1] = '\0';
}

/* First line of `path` into buf, kept only when it is `len` characters of
 * [0-9a-f-] (the machine id and the boot id); else "". */
static void read_id_file(const char *path, char *buf, size_t len)
{
	char tmp[64];
	ssize_t n;
	size_t i;
	int fd;

	buf[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, tmp, sizeof(tmp) - 1);
	close(fd);
	if (n <= 0)
		return;
	tmp[n] = '\0';
	tmp[strcspn(tmp, "\n")] = '\0';
	if (strlen(tmp) != len - 1)
		return;
	for (i = 0; tmp[i]; i++)
		if (!((tmp[i] >= '0' && tmp[i] <= '9') || (tmp[i] >= 'a' && tmp[i] <= 'f') || tmp[i] == '-'))
			return;
	memcpy(buf, tmp, len);
}

void ohs__host_id_get(ohs__host_id *h)
{
	struct stat st;
	FILE *f;
	char line[256];

	memset(h, 0, sizeof(*h));
	read_id_file("/etc/machine-id", h->machine, sizeof(h->machine));
	if (!h->machine[0])
		read_id_file("/var/lib/dbus/machine-id", h->machine, sizeof(h->machine));
	read_id_file("/proc/sys/kernel/random/boot_id", h->boot, sizeof(h->boot));
	if (stat("/proc/self/ns/pid", &st) == 0)
		snprintf(h->pidns, sizeof(h->pidns), "%llu", (unsigned long long)st.st_ino);
	ohs__hostname(h->host, sizeof(h->host));
	if ((f = fopen("/proc/stat", "re"))) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "btime %lld", &h->btime) == 1)
				break;
		fclose(f);
	}
}

const char *ohs__label(json_t *labels, const char *key)
{
	return json_is_object(labels) ? json_string_value(json_object_get(labels, key)) : NULL;
}

/* A decimal label without sign, spaces or leading zeros, at most `max`. */
static int parse_label_num(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;
	const char *p;

	if (!s || !*s || (s[0] == '0' && s[1]) || strlen(s) > 20)
		return -1;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (v > (max - (unsigned long long)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	*out = v;
	return 0;
}

#define PID_MAX_LIMIT_ 4194304ull /* the kernel's PID_MAX_LIMIT on 64-bit */

ohs__owner_verdict ohs__owner_judge(json_t *labels, const ohs__host_id *me,
	long long created, const char **why)
{
	const char *machine = ohs__label(labels, OHS_LABEL_MACHINE);
	const char *boot = ohs__label(labels, OHS_LABEL_BOOT);
	const char *pidns = ohs__label(labels, OHS_LABEL_PIDNS);
	const char *host = ohs__label(labels, OHS_LABEL_HOST);
	const char *pid_s = ohs__label(labels, OHS_LABEL_OWNER_PID);
	const char *start_s = ohs__label(labels, OHS_LABEL_OWNER_START);
	unsigned long long pid, want = 0, start;
	const char *dummy;
	int rc;

	if (!why)
		why = &dummy;
	if (!machine) {
		/* 0.1.0 labels: only a host name, which does not identify a host */
		*why = "made by libohsandbox 0.1.0 (no machine id label)";
		return host && me->host[0] && strcmp(host, me->host) == 0 ? OHS__OWNER_OLD : OHS__OWNER_FOREIGN;
	}
	if (!me->machine[0] || !me->boot[0] || !me->pidns[0] || !machine[0]) {
		*why = "machine id, boot id or pid namespace unknown (here or at create)";
		return OHS__OWNER_FOREIGN;
	}
	if (strcmp(machine, me->machine) != 0) {
		*why = "made on another machine";
		return OHS__OWNER_FOREIGN;
	}
	if (!boot || !pidns) {
		*why = "owner label without boot id or pid namespace";
		return OHS__OWNER_UNKNOWN;
	}
	if (strcmp(boot, me->boot) != 0) {
		/* no process survives a reboot, but a machine id can be cloned:
		 * only a sandbox made before this boot began is judged */
		if (me->btime > 0 && created > 0 && created < me->btime) {
			*why = "owner's boot of this machine has ended";
			return OHS__OWNER_GONE;
		}
		*why = "owner in another boot, sandbox made after this boot began (cloned machine id?)";
		return OHS__OWNER_UNKNOWN;
	}
	if (strcmp(pidns, me->pidns) != 0) {
		*why = "owner in another pid namespace";
		return OHS__OWNER_OTHER_NS;
	}
	if (parse_label_num(pid_s, PID_MAX_LIMIT_, &pid) < 0 || pid == 0) {
		*why = "owner pid label is not a process id";
		return OHS__OWNER_UNKNOWN;
	}
	if (pid == 1) {
		/* pid 1 lives as long as its namespace: a pid-1 owner that
		 * looks gone means the labels do not describe this namespace */
		*why = "owner is pid 1";
		return OHS__OWNER_UNKNOWN;
	}
	if (start_s && parse_label_num(start_s, ~0ull, &want) < 0) {
		*why = "owner start-time label is not a number";
		return OHS__OWNER_UNKNOWN;
	}
	if ((rc = ohs__proc_starttime((pid_t)pid, &start)) < 0) {
		if (rc != OHS_ENOTFOUND) {
			*why = "owner process cannot be read";
			return OHS__OWNER_UNKNOWN;
		}
		*why = "owner process is gone";
		return OHS__OWNER_GONE;
	}
	if (!start_s || want == 0) {
		*why = "owner process exists (no start time to tell pid reuse)";
		return OHS__OWNER_ALIVE;
	}
	if (start != want) {
		*why = "owner pid reused by another process";
		return OHS__OWNER_GONE;
	}
	*why = "owner process is alive";
	return OHS__OWNER_ALIVE;
}

int ohs__owner_alive(json_t *labels)
{
	ohs__host_id me;

	ohs__host_id_get(&me);
	return ohs__owner_judge(labels, &me, 0, NULL) != OHS__OWNER_GONE;
}

int ohs__name_is_kept(const char *name)
{
	if (!name)
		return 0;
	if (*name == '/')
		name++;
	return strncmp(name, OHS_KEEP_PREFIX, strlen(OHS_KEEP_PREFIX)) == 0;
}

/* ------------------------------------------------------------ small local helpers */

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int random_hex(char *out, size_t bytes)
{
	unsigned char raw[32];
	size_t i, got = 0;

	if (bytes > sizeof(raw))
		return ohs__error_set(OHS_EINVAL, "random_hex: too many bytes");
	while (got < bytes) {
		ssize_t n = getrandom(raw + got, bytes - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return ohs__error_set(OHS_ERROR, "getrandom: %s", strerror(errno));
		}
		got += (size_t)n;
	}
	for (i = 0; i < bytes; i++)
		sprintf(out + 2 * i, "%02x", raw[i]);
	out[2 * bytes] = '\0';
	return 0;
}

/* Path component escaped for the engine; NULL on OOM (error set). */
static char *esc(const char *s)
{
	char *e = ohs__client_escape(s);

	if (!e)
		ohs__error_oom();
	return e;
}

static int set_label(json_t *labels, const char *key, const char *value)
{
	if (json_object_set_new(labels, key, json_string(value)) < 0)
		return ohs__error_oom();
	return 0;
}

static void ports_clear(ohs_session *s)
{
	size_t i;

	for (i = 0; i < s->nports; i++) {
		free(s->ports[i].protocol);
		free(s->ports[i].host_ip);
	}
	free(s->ports);
	s->ports = NULL;
	s->nports = 0;
}

static int session_ensure_live(const ohs_session *s, const char *fn)
{
	if (!s)
		return ohs__error_set(OHS_EINVAL, "%s: session is NULL", fn);
	if (s->removed)
		return ohs__error_set(OHS_ESTATE, "%s: sandbox \"%s\" was removed", fn, s->name);
	return 0;
}

/* GET /containers/{id}/json */
static int inspect_container(ohs_client *c, const char *id, json_t **out, const char *what)
{
	char *path = ohs__client_path("/containers/", id, "/json");
	int rc;

	if (!path)
		return OHS_ENOMEM;
	rc = ohs__client_json(c, "GET", path, NULL, out, what);
	free(path);
	if (rc == 0 && !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return ohs__error_set(OHS_EPROTOCOL, "%s: the engine's answer is not a JSON object", what);
	}
	return rc;
}

/* Read NetworkSettings.Ports of an inspect answer into s->ports. */
static int read_ports(ohs_session *s, json_t *info)
{
	json_t *ports = json_object_get(json_object_get(info, "NetworkSettings"), "Ports");
	const char *key;
	json_t *bindings;
	size_t count = 0, i;
	session_port *v;

	ports_clear(s);
	if (!json_is_object(ports))
		return 0;
	json_object_foreach(ports, key, bindings)
		if (json_is_array(bindings))
			count += json_array_size(bindings);
	if (!count)
		return 0;
	if (!(v = calloc(count, sizeof(*v))))
		return ohs__error_oom();
	s->ports = v;
	json_object_foreach(ports, key, bindings) {
		json_t *b;
		char *end;
		long cport = strtol(key, &end, 10);
		const char *proto = *end == '/' ? end + 1 : "tcp";

		if (!json_is_array(bindings))
			continue;
		json_array_foreach(bindings, i, b) {
			session_port *p = &s->ports[s->nports];
			const char *ip = jstr(b, "HostIp");
			const char *hp = jstr(b, "HostPort");

			p->container_port = (int)cport;
			p->protocol = ohs__strdup(proto);
			/* Podman reports the every-address binding as "" */
			if ((!ip || !*ip) && ohs__client_is_podman(s->client))
				ip = "0.0.0.0";
			p->host_ip = ohs__strdup(ip ? ip : "");
			p->host_port = hp ? atoi(hp) : 0;
			s->nports++;
			if (!p->protocol || !p->host_ip)
				return ohs__error_oom();
		}
	}
	return 0;
}

/* ------------------------------------------------------------ networks */

static int is_user_network(const char *mode)
{
	return mode && *mode && strcmp(mode, "none") && strcmp(mode, "bridge") &&
		strcmp(mode, "host") && strcmp(mode, "default") &&
		strncmp(mode, "container:", 10) != 0;
}

/* GET /networks/NAME: 1 exists (*out: the answer), 0 missing, < 0 error. */
static int network_inspect(ohs_client *c, const char *name, json_t **out)
{
	char *path = ohs__client_path("/networks/", name, NULL);
	int rc;

	*out = NULL;
	if (!path)
		return OHS_ENOMEM;
	rc = ohs__client_json(c, "GET", path, NULL, out, "inspect network");
	free(path);
	if (rc == OHS_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return ohs__error_set(OHS_EPROTOCOL, "inspect network \"%s\": the engine's answer is "
			"not a JSON object", name);
	}
	return 1;
}

/* ------------------------------------------------------------ outside findings */

/* Whether the policy's profile refuses a finding of this severity (as policy.c). */
static int profile_refuses(const ohs_config *cfg, const char *severity)
{
	const char *prof = ohs_policy_profile(ohs_config_policy((ohs_config *)cfg));

	if (!prof)
		return 1;
	if (!strcmp(prof, "hardened"))
		return !strcmp(severity, "high") || !strcmp(severity, "critical");
	if (!strcmp(prof, "default"))
		return !strcmp(severity, "critical");
	return 0;
}

/* Whether f already holds finding (id, field, value). */
static int findings_has(const ohs_findings *f, const char *id, const char *field, const char *value)
{
	size_t i;

	for (i = 0; i < ohs_findings_count(f); i++)
		if (!strcmp(ohs_findings_id(f, i), id) && !strcmp(ohs_findings_field(f, i), field) &&
				!strcmp(ohs_findings_value(f, i), value ? value : ""))
			return 1;
	return 0;
}

/*
 * In enforce mode, OHS_EPOLICY naming every refused finding from index
 * `from` on (the ones the session added after the policy judged the body).
 */
static int session_refusal(const ohs_config *cfg, const ohs_findings *f, size_t from)
{
	ohs_policy *p = ohs_config_policy((ohs_config *)cfg);
	ohs__buf b = {0};
	size_t i, k = 0;
	int rc;

	if (!p || strcmp(ohs_policy_mode(p), "enforce") != 0)
		return 0;
	for (i = from; i < ohs_findings_count(f); i++) {
		char *one;

		if (!ohs_findings_refused(f, i))
			continue;
		one = ohs__sprintf("%s%s", k++ ? "; " : "", ohs_findings_message(f, i));
		if (!one || ohs__buf_puts(&b, one) < 0) {
			free(one);
			ohs__buf_clear(&b);
			return ohs__error_oom();
		}
		free(one);
	}
	if (!k)
		return 0;
	rc = ohs__error_set(OHS_EPOLICY, "security profile \"%s\" (mode \"%s\") refuses the sandbox: "
		"%zu refused finding%s: %s", ohs_policy_profile(p), ohs_policy_mode(p), k, k == 1 ? "" : "s",
		b.data);
	ohs__buf_clear(&b);
	return rc;
}

/* ------------------------------------------------------------ networks (judged) */

#define NET_EXISTING_ID "ohs-network-existing"
#define NET_EXISTING_TITLE "the sandbox joins a network the library did not create for it " \
	"(every container on that network can reach the sandbox, and the reverse)"
#define NET_EXISTING_FIX "let the library create the session's own network (SANDBOX_NETWORK naming a " \
	"network that does not exist yet), or list the networks that may be joined in the operator's policy file"

/*
 * A network that exists and that this session did not create (`what` is
 * "network" or "additional network"): with SANDBOX_NETWORK_INTERNAL=true it
 * must be internal (else OHS_EINVAL naming it: never silent egress); it is
 * always the finding ohs-network-existing (medium, not refused).
 */
static int judge_existing_network(ohs_findings *f, const ohs_netpolicy *np, const char *name,
	json_t *info, const char *field, const char *what)
{
	const char *real = jstr(info, "Name");

	if (ohs_netpolicy_internal(np) > 0 && !json_is_true(json_object_get(info, "Internal")))
		return ohs__error_set(OHS_EINVAL, "SANDBOX_NETWORK_INTERNAL=true cannot be honoured: %s \"%s\"%s%s%s "
			"already exists and is not internal (the sandbox would reach outside the host); "
			"use a network that is internal, or let the library create one (SANDBOX_NETWORK naming "
			"a network that does not exist yet)", what, name, real && strcmp(real, name) ? " (\"" : "",
			real && strcmp(real, name) ? real : "", real && strcmp(real, name) ? "\")" : "");
	if (!f || findings_has(f, NET_EXISTING_ID, field, name))
		return 0;
	return ohs__findings_add(f, NET_EXISTING_ID, "medium", field, name, NET_EXISTING_TITLE,
		NET_EXISTING_FIX, 0);
}

/* The error for a missing additional network, with the Compose hint. */
static int missing_network_error(ohs_client *c, const char *name)
{
	json_t *list = NULL, *n;
	size_t i, nlen = strlen(name);
	char *hint = NULL;

	if (ohs__client_json(c, "GET", "/networks", NULL, &list, "list networks") == 0 &&
			json_is_array(list)) {
		json_array_foreach(list, i, n) {
			const char *nn = jstr(n, "Name");
			const char *cl = ohs__label(json_object_get(n, "Labels"), "com.docker.compose.network");
			size_t l = nn ? strlen(nn) : 0;

			if (!nn)
				continue;
			if ((cl && strcmp(cl, name) == 0) ||
					(l > nlen + 1 && nn[l - nlen - 1] == '_' &&
					strcmp(nn + l - nlen, name) == 0)) {
				hint = ohs__strdup(nn);
				break;
			}
		}
	}
	json_decref(list);
	if (hint) {
		ohs__error_set(OHS_ENOTFOUND, "SANDBOX_ADDITIONAL_NETWORKS: network \"%s\" not found; "
			"Docker Compose created \"%s\" \xe2\x80\x94 use SANDBOX_ADDITIONAL_NETWORKS='[\"%s\"]'",
			name, hint, hint);
		free(hint);
		return OHS_ENOTFOUND;
	}
	return ohs__error_set(OHS_ENOTFOUND, "SANDBOX_ADDITIONAL_NETWORKS: network \"%s\" not found; "
		"create it first (docker network create %s) or remove it from the list", name, name);
}

static int add_owner_labels(json_t *labels, const char *sid)
{
	ohs__host_id me;
	char buf[256];
	unsigned long long start = 0;
	int rc;

	if ((rc = set_label(labels, OHS_LABEL_MANAGED, "true")) < 0 ||
			(rc = set_label(labels, OHS_LABEL_SESSION, sid)) < 0)
		return rc;
	snprintf(buf, sizeof(buf), "%ld", (long)getpid());
	if ((rc = set_label(labels, OHS_LABEL_OWNER_PID, buf)) < 0)
		return rc;
	if (ohs__proc_starttime(getpid(), &start) < 0)
		start = 0;
	snprintf(buf, sizeof(buf), "%llu", start);
	if ((rc = set_label(labels, OHS_LABEL_OWNER_START, buf)) < 0)
		return rc;
	ohs__host_id_get(&me);
	/* recorded even when empty: "" (unknown) is never judged, and a
	 * missing label means 0.1.0 */
	if ((rc = set_label(labels, OHS_LABEL_MACHINE, me.machine)) < 0 ||
			(rc = set_label(labels, OHS_LABEL_BOOT, me.boot)) < 0 ||
			(rc = set_label(labels, OHS_LABEL_PIDNS, me.pidns)) < 0)
		return rc;
	return set_label(labels, OHS_LABEL_HOST, me.host);
}

static int create_network(ohs_session *s, const char *name, int internal)
{
	json_t *body = NULL, *labels = json_object(), *out = NULL;
	int rc;

	if (!labels)
		return ohs__error_oom();
	if ((rc = add_owner_labels(labels, s->sid)) < 0 ||
			(rc = set_label(labels, OHS_LABEL_NETWORK, s->sid)) < 0) {
		json_decref(labels);
		return rc;
	}
	body = json_pack("{s:s, s:b, s:s, s:b, s:o}", "Name", name, "CheckDuplicate", 1,
		"Driver", "bridge", "Internal", internal ? 1 : 0, "Labels", labels);
	if (!body)
		return ohs__error_oom();
	rc = ohs__client_json(s->client, "POST", "/networks/create", body, &out, "create network");
	json_decref(body);
	json_decref(out);
	if (rc == OHS_ECONFLICT)
		return 1; /* made meanwhile by someone else: the caller judges it; do not own it */
	if (rc < 0) {
		char *pfx = ohs__sprintf("network \"%s\"", name);

		if (pfx)
			ohs__error_prefix(pfx);
		free(pfx);
		return rc;
	}
	return ohs__strvec_push(&s->networks, name);
}

int ohs__container_remove(ohs_client *c, const char *id)
{
	char *path = ohs__client_path("/containers/", id, "?force=1&v=1");
	int rc;

	if (!path)
		return OHS_ENOMEM;
	rc = ohs__client_request(c, "DELETE", path, NULL, NULL, 0, NULL, "remove container");
	free(path);
	return rc == OHS_ENOTFOUND ? 0 : rc;
}

int ohs__network_remove(ohs_client *c, const char *name)
{
	char *path = ohs__client_path("/networks/", name, NULL);
	int rc;

	if (!path)
		return OHS_ENOMEM;
	rc = ohs__client_request(c, "DELETE", path, NULL, NULL, 0, NULL, "remove network");
	free(path);
	if (rc == OHS_ENOTFOUND)
		return 0;
	return rc;
}

static int connect_network(ohs_session *s, const char *name)
{
	char *path = ohs__client_path("/networks/", name, "/connect");
	json_t *body;
	int rc;

	if (!path)
		return OHS_ENOMEM;
	if (!(body = json_pack("{s:s}", "Container", s->id))) {
		free(path);
		return ohs__error_oom();
	}
	rc = ohs__client_json(s->client, "POST", path, body, NULL, "connect network");
	json_decref(body);
	free(path);
	if (rc == OHS_ENOTFOUND)
		return missing_network_error(s->client, name);
	return rc;
}

/* ------------------------------------------------------------ named volumes (judged) */

/*
 * A named volume of the "local" driver can mount anything the daemon can:
 * a bind of a host path (o=bind, device=PATH), an overlay of host
 * directories (type=overlay, o=lowerdir=..,upperdir=..,workdir=..), a block
 * device or image file (type=ext4, device=/dev/vda), or a kernel file
 * system (type=proc).  The session asks the engine what each volume is
 * (GET /volumes/NAME), and judges every host path it mounts exactly like
 * a bind of that path: the policy checks a copy of the body in which the
 * volume mount is replaced by that bind (same target, same read-only), and
 * its findings for that mount are added to the session's findings.
 */

#define VOL_DRIVER_ID "ohs-volume-driver"
#define VOL_DRIVER_TITLE "named volume of a driver other than \"local\": what it mounts cannot be judged"
#define VOL_DRIVER_FIX "use a bind mount of a checked host path, or a volume of the \"local\" driver"
#define VOL_OPTS_ID "ohs-volume-options"
#define VOL_OPTS_TITLE "local volume whose options mount something that cannot be judged"
#define VOL_OPTS_FIX "use a plain local volume (no options), or a bind mount of a checked host path"

typedef struct {
	char *path;      /* absolute host path the volume mounts */
	const char *opt; /* the option that names it ("device", "lowerdir", ...) */
	int ro;
} vol_path;

typedef struct {
	vol_path *v;
	size_t n, cap;
	int unjudged;    /* options that mount something not judgeable */
	char why[160];
} vol_paths;

static void vol_paths_clear(vol_paths *vp)
{
	size_t i;

	for (i = 0; i < vp->n; i++)
		free(vp->v[i].path);
	free(vp->v);
	memset(vp, 0, sizeof(*vp));
}

static int vol_paths_add(vol_paths *vp, const char *path, size_t len, const char *opt, int ro)
{
	if (!len || path[0] != '/') {
		vp->unjudged = 1;
		snprintf(vp->why, sizeof(vp->why), "%s=%.*s is not an absolute host path", opt,
			(int)(len > 100 ? 100 : len), path);
		return 0;
	}
	if (vp->n == vp->cap) {
		size_t cap = vp->cap ? vp->cap * 2 : 4;
		vol_path *v = realloc(vp->v, cap * sizeof(*v));

		if (!v)
			return ohs__error_oom();
		vp->v = v;
		vp->cap = cap;
	}
	if (!(vp->v[vp->n].path = ohs__strndup(path, len)))
		return ohs__error_oom();
	vp->v[vp->n].opt = opt;
	vp->v[vp->n].ro = ro;
	vp->n++;
	return 0;
}

/* Whether the comma-separated option list `o` holds `word` (exactly). */
static int opt_has(const char *o, const char *word)
{
	size_t n = strlen(word);

	while (o && *o) {
		size_t len = strcspn(o, ",");

		if (len == n && strncmp(o, word, n) == 0)
			return 1;
		o += len;
		if (*o == ',')
			o++;
	}
	return 0;
}

/* Value of "key=" in the option list `o` (length in *len), or NULL. */
static const char *opt_value(const char *o, const char *key, size_t *len)
{
	size_t n = strlen(key);

	while (o && *o) {
		size_t l = strcspn(o, ",");

		if (l > n && strncmp(o, key, n) == 0 && o[n] == '=') {
			*len = l - n - 1;
			return o + n + 1;
		}
		o += l;
		if (*o == ',')
			o++;
	}
	return NULL;
}

/* Kernel file systems the daemon would mount from its own (the host's) view. */
static const char *kernel_fs_path(const char *type)
{
	static const struct { const char *type, *path; } fs[] = {
		{ "proc", "/proc" }, { "sysfs", "/sys" }, { "cgroup", "/sys/fs/cgroup" },
		{ "cgroup2", "/sys/fs/cgroup" }, { "debugfs", "/sys/kernel/debug" },
		{ "tracefs", "/sys/kernel/tracing" }, { "securityfs", "/sys/kernel/security" },
		{ "bpf", "/sys/fs/bpf" }, { "configfs", "/sys/kernel/config" },
		{ "efivarfs", "/sys/firmware/efi/efivars" }, { "pstore", "/sys/fs/pstore" },
		{ "fusectl", "/sys/fs/fuse/connections" }, { "devpts", "/dev/pts" },
		{ "devtmpfs", "/dev" }, { "mqueue", "/dev/mqueue" }, { "hugetlbfs", "/dev/hugepages" },
	};
	size_t i;

	for (i = 0; i < OHS_ARRAY_SIZE(fs); i++)
		if (!strcmp(type, fs[i].type))
			return fs[i].path;
	return NULL;
}

/*
 * The host paths a "local" volume's Options mount (the daemon runs
 * mount(device, dir, type, o)); `ro` is the mount's own read-only flag.
 */
static int local_volume_paths(vol_paths *vp, json_t *opts, int ro)
{
	const char *type = jstr(opts, "type"), *o = jstr(opts, "o"), *dev = jstr(opts, "device");
	const char *key, *v;
	json_t *val;
	size_t len;
	int rc, vro;

	if (!json_is_object(opts))
		return 0;
	json_object_foreach(opts, key, val) {
		if (!json_is_string(val)) {
			vp->unjudged = 1;
			snprintf(vp->why, sizeof(vp->why), "option \"%.60s\" is not a string", key);
			return 0;
		}
	}
	if (!type && !o && !dev)
		return 0; /* a plain volume: a directory the engine manages */
	vro = ro || opt_has(o, "ro");
	if ((type && !strcmp(type, "overlay")) || opt_value(o, "lowerdir", &len)) {
		static const char *const rw_dirs[] = { "upperdir", "workdir" };
		size_t i;

		if ((v = opt_value(o, "lowerdir", &len))) {
			/* lowerdir=A:B:C, never written by overlayfs */
			while (len) {
				size_t l = 0;

				while (l < len && v[l] != ':')
					l++;
				if ((rc = vol_paths_add(vp, v, l, "lowerdir", 1)) < 0)
					return rc;
				if (l == len)
					break;
				v += l + 1;
				len -= l + 1;
			}
		}
		for (i = 0; i < OHS_ARRAY_SIZE(rw_dirs); i++)
			if ((v = opt_value(o, rw_dirs[i], &len)) &&
					(rc = vol_paths_add(vp, v, len, rw_dirs[i], vro)) < 0)
				return rc;
		return 0;
	}
	if (opt_has(o, "bind") || opt_has(o, "rbind"))
		return vol_paths_add(vp, dev ? dev : "", dev ? strlen(dev) : 0, "device", vro);
	if (type && (!strcmp(type, "tmpfs") || !strcmp(type, "ramfs")))
		return 0; /* memory only */
	if (type && (!strcmp(type, "nfs") || !strcmp(type, "nfs4") || !strcmp(type, "cifs") ||
			!strcmp(type, "smb3")))
		return 0; /* a remote share: no host path */
	if (type && (v = kernel_fs_path(type)))
		return vol_paths_add(vp, v, strlen(v), "type", vro);
	if (dev && dev[0] == '/')
		return vol_paths_add(vp, dev, strlen(dev), "device", vro); /* block device, image file */
	vp->unjudged = 1;
	snprintf(vp->why, sizeof(vp->why), "type=%.40s device=%.60s", type ? type : "(none)",
		dev ? dev : "(none)");
	return 0;
}

/* One volume mount of the body: where it is and what it says. */
typedef struct {
	const char *field;  /* "HostConfig.Mounts[i]" or "HostConfig.Binds[i]" */
	size_t index;
	int is_bind;        /* a Binds string "NAME:TARGET[:OPTS]" */
	const char *name;   /* NULL or "" for an anonymous volume */
	const char *target;
	int ro;
	json_t *inline_cfg; /* Mounts[i].VolumeOptions.DriverConfig (or NULL) */
} vol_mount;

/* Judge host path vp of volume m like a bind of it; add the findings to f. */
static int judge_volume_path(ohs_findings *f, const ohs_config *cfg, json_t *body,
	const vol_mount *m, const vol_path *vp)
{
	json_t *copy = json_deep_copy(body), *hc, *arr;
	ohs_findings *cf = NULL;
	char *text = NULL;
	size_t i, flen = strlen(m->field);
	int rc = 0;

	if (!copy)
		return ohs__error_oom();
	hc = json_object_get(copy, "HostConfig");
	arr = json_object_get(hc, m->is_bind ? "Binds" : "Mounts");
	if (m->is_bind) {
		char *b = ohs__sprintf("%s:%s:%s", vp->path, m->target, vp->ro ? "ro" : "rw");

		rc = !b || json_array_set_new(arr, m->index, json_string(b)) < 0 ? ohs__error_oom() : 0;
		free(b);
	} else {
		json_t *o = json_pack("{s:s, s:s, s:b}", "Type", "bind", "Source", vp->path,
			"ReadOnly", vp->ro);

		if (o && m->target)
			json_object_set_new(o, "Target", json_string(m->target));
		rc = !o || json_array_set_new(arr, m->index, o) < 0 ? ohs__error_oom() : 0;
	}
	if (rc == 0 && !(text = json_dumps(copy, JSON_COMPACT)))
		rc = ohs__error_oom();
	json_decref(copy);
	if (rc == 0)
		rc = ohs_policy_check(&cf, ohs_config_policy((ohs_config *)cfg), text);
	free(text);
	for (i = 0; rc == 0 && i < ohs_findings_count(cf); i++) {
		const char *field = ohs_findings_field(cf, i), *id = ohs_findings_id(cf, i);
		const char *msg = ohs_findings_message(cf, i), *value = ohs_findings_value(cf, i);
		char *title;

		if (strncmp(field, m->field, flen) != 0 || (field[flen] && field[flen] != '.' &&
				field[flen] != '['))
			continue;
		if (findings_has(f, id, field, value))
			continue;
		/* "ID (SEV): TITLE: FIELD=..." -> TITLE, plus where the path came from */
		{
			const char *t = strstr(msg, "): ");
			const char *end = strstr(msg, field);

			t = t ? t + 3 : msg;
			if (!end || end < t + 2)
				end = t + strlen(t) + 2;
			title = ohs__sprintf("%.*s (%s volume \"%s\" mounts host path %s through its option %s)",
				(int)(end - t - 2), t, m->name && *m->name ? "named" : "anonymous",
				m->name ? m->name : "", vp->path, vp->opt);
		}
		rc = title ? ohs__findings_add(f, id, ohs_findings_severity(cf, i), field, value, title,
			ohs_findings_remediation(cf, i), ohs_findings_refused(cf, i)) : ohs__error_oom();
		free(title);
	}
	ohs_findings_free(cf);
	return rc;
}

/* Judge one driver + options (an existing volume's, or the inline ones). */
static int judge_volume_opts(ohs_findings *f, const ohs_config *cfg, json_t *body,
	const vol_mount *m, const char *driver, json_t *opts)
{
	vol_paths vp = {0};
	char *value;
	size_t i;
	int rc = 0;

	if (driver && *driver && strcmp(driver, "local") != 0) {
		value = ohs__sprintf("%s (driver \"%s\")", m->name && *m->name ? m->name : "(anonymous)", driver);
		if (!value)
			return ohs__error_oom();
		if (!findings_has(f, VOL_DRIVER_ID, m->field, value))
			rc = ohs__findings_add(f, VOL_DRIVER_ID, "high", m->field, value, VOL_DRIVER_TITLE,
				VOL_DRIVER_FIX, profile_refuses(cfg, "high"));
		free(value);
		return rc;
	}
	if ((rc = local_volume_paths(&vp, opts, m->ro)) < 0)
		goto out;
	if (vp.unjudged) {
		if (!(value = ohs__sprintf("%s (%s)", m->name && *m->name ? m->name : "(anonymous)", vp.why))) {
			rc = ohs__error_oom();
			goto out;
		}
		if (!findings_has(f, VOL_OPTS_ID, m->field, value))
			rc = ohs__findings_add(f, VOL_OPTS_ID, "high", m->field, value, VOL_OPTS_TITLE,
				VOL_OPTS_FIX, profile_refuses(cfg, "high"));
		free(value);
	}
	for (i = 0; rc == 0 && i < vp.n; i++) {
		if (m->is_bind && strpbrk(vp.v[i].path, ":,")) {
			/* cannot be spelled as a Binds entry: judged as not judgeable */
			if (!(value = ohs__sprintf("%s (%s=%s)", m->name, vp.v[i].opt, vp.v[i].path))) {
				rc = ohs__error_oom();
				break;
			}
			rc = ohs__findings_add(f, VOL_OPTS_ID, "high", m->field, value, VOL_OPTS_TITLE,
				VOL_OPTS_FIX, profile_refuses(cfg, "high"));
			free(value);
			continue;
		}
		rc = judge_volume_path(f, cfg, body, m, &vp.v[i]);
	}
out:
	vol_paths_clear(&vp);
	return rc;
}

/* GET /volumes/NAME, then judge what it mounts (and the inline options). */
static int judge_volume(ohs_client *c, ohs_findings *f, const ohs_config *cfg, json_t *body,
	const vol_mount *m)
{
	json_t *info = NULL;
	int rc = 0;

	if (m->name && *m->name) {
		char *path = ohs__client_path("/volumes/", m->name, NULL);

		if (!path)
			return OHS_ENOMEM;
		rc = ohs__client_json(c, "GET", path, NULL, &info, "inspect volume");
		free(path);
		if (rc == OHS_ENOTFOUND) {
			rc = 0; /* the engine creates it: empty, or from the inline options below */
		} else if (rc < 0) {
			char *pfx = ohs__sprintf("%s: volume \"%s\"", m->field, m->name);

			if (pfx)
				ohs__error_prefix(pfx);
			free(pfx);
			return rc;
		} else if (!json_is_object(info)) {
			json_decref(info);
			return ohs__error_set(OHS_EPROTOCOL, "inspect volume \"%s\": the engine's answer is "
				"not a JSON object", m->name);
		} else {
			rc = judge_volume_opts(f, cfg, body, m, jstr(info, "Driver"),
				json_object_get(info, "Options"));
		}
		json_decref(info);
	}
	if (rc == 0 && m->inline_cfg) {
		const char *drv = jstr(m->inline_cfg, "Name");

		rc = judge_volume_opts(f, cfg, body, m, drv && *drv ? drv : "local",
			json_object_get(m->inline_cfg, "Options"));
	}
	return rc;
}

/* Docker's volume-name rule: [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
static int volume_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n < 2 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
			(s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (i = 1; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
				ch == '_' || ch == '.' || ch == '-'))
			return 0;
	}
	return 1;
}

/* Every volume mount of the raw body (Mounts of Type "volume", Binds "NAME:..."). */
static int judge_volumes(ohs_client *c, ohs_findings *f, const ohs_config *cfg, json_t *body)
{
	json_t *hc = json_object_get(body, "HostConfig");
	json_t *mounts = json_object_get(hc, "Mounts"), *binds = json_object_get(hc, "Binds"), *e;
	char field[64];
	size_t i;
	int rc = 0;

	json_array_foreach(mounts, i, e) {
		vol_mount m = { field, i, 0, jstr(e, "Source"), jstr(e, "Target"),
			json_is_true(json_object_get(e, "ReadOnly")), NULL };
		const char *type = jstr(e, "Type");

		if (!type || strcmp(type, "volume") != 0)
			continue;
		m.inline_cfg = json_object_get(json_object_get(e, "VolumeOptions"), "DriverConfig");
		if (!json_is_object(m.inline_cfg))
			m.inline_cfg = NULL;
		snprintf(field, sizeof(field), "HostConfig.Mounts[%zu]", i);
		if ((rc = judge_volume(c, f, cfg, body, &m)) < 0)
			return rc;
	}
	json_array_foreach(binds, i, e) {
		const char *s = json_string_value(e), *c1, *c2;
		char *name, *target;
		vol_mount m = { field, i, 1, NULL, NULL, 0, NULL };

		if (!s || !(c1 = strchr(s, ':')) || !volume_name_ok(s, (size_t)(c1 - s)))
			continue;
		c2 = strchr(c1 + 1, ':');
		name = ohs__strndup(s, (size_t)(c1 - s));
		target = c2 ? ohs__strndup(c1 + 1, (size_t)(c2 - c1 - 1)) : ohs__strdup(c1 + 1);
		if (!name || !target) {
			free(name);
			free(target);
			return ohs__error_oom();
		}
		m.name = name;
		m.target = target;
		m.ro = c2 && opt_has(c2 + 1, "ro");
		snprintf(field, sizeof(field), "HostConfig.Binds[%zu]", i);
		rc = judge_volume(c, f, cfg, body, &m);
		free(name);
		free(target);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------ image and pull */

typedef struct {
	const char *image;
	ohs_progress_cb cb;
	void *payload;
	ohs__buf line;
	char *error;
	int cancelled;
} pull_state;

static int pull_line(pull_state *ps, const char *line, size_t len)
{
	json_t *msg, *detail;
	const char *err;
	int ret = 0;

	while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	if (!len)
		return 0;
	if (!(msg = json_loadb(line, len, 0, NULL)))
		return 0; /* not JSON: ignore */
	if ((err = jstr(msg, "error")) != NULL) {
		if (!ps->error)
			ps->error = ohs__strdup(err);
	} else if (ps->cb) {
		const char *status = jstr(msg, "status");
		const char *id = jstr(msg, "id");
		int64_t cur = 0, total = 0;

		detail = json_object_get(msg, "progressDetail");
		if (json_is_integer(json_object_get(detail, "current")))
			cur = json_integer_value(json_object_get(detail, "current"));
		if (json_is_integer(json_object_get(detail, "total")))
			total = json_integer_value(json_object_get(detail, "total"));
		if (ps->cb(status ? status : "", id ? id : "", cur, total, ps->payload) != 0) {
			ps->cancelled = 1;
			ret = OHS_ERROR;
		}
	}
	json_decref(msg);
	return ret;
}

static int pull_data(const char *data, size_t len, void *payload)
{
	pull_state *ps = payload;
	size_t i, start = 0;
	int rc;

	for (i = 0; i < len; i++) {
		if (data[i] != '\n')
			continue;
		if (ps->line.len) {
			if ((rc = ohs__buf_append(&ps->line, data + start, i - start)) < 0)
				return rc;
			rc = pull_line(ps, ps->line.data, ps->line.len);
			ps->line.len = 0;
		} else {
			rc = pull_line(ps, data + start, i - start);
		}
		if (rc)
			return rc;
		start = i + 1;
	}
	if (start < len)
		return ohs__buf_append(&ps->line, data + start, len - start);
	return 0;
}

/* Split REF into repository and tag (or digest) for /images/create. */
static int split_ref(const char *ref, char **repo, char **tag)
{
	const char *at = strchr(ref, '@'), *slash, *colon;

	if (at) {
		*repo = ohs__strndup(ref, (size_t)(at - ref));
		*tag = ohs__strdup(at + 1);
	} else {
		slash = strrchr(ref, '/');
		colon = strrchr(slash ? slash : ref, ':');
		if (colon) {
			*repo = ohs__strndup(ref, (size_t)(colon - ref));
			*tag = ohs__strdup(colon + 1);
		} else {
			*repo = ohs__strdup(ref);
			*tag = ohs__strdup("latest");
		}
	}
	if (!*repo || !*tag) {
		free(*repo);
		free(*tag);
		*repo = *tag = NULL;
		return ohs__error_oom();
	}
	return 0;
}

static int pull_image(ohs_client *c, const char *image, ohs_progress_cb cb, void *payload)
{
	pull_state ps = { image, cb, payload, {0}, NULL, 0 };
	char *repo = NULL, *tag = NULL, *erepo = NULL, *etag = NULL, *path = NULL;
	int rc;

	if ((rc = split_ref(image, &repo, &tag)) < 0)
		return rc;
	erepo = esc(repo);
	etag = esc(tag);
	if (erepo && etag)
		path = ohs__sprintf("/images/create?fromImage=%s&tag=%s", erepo, etag);
	if (!path) {
		rc = ohs__error_oom();
		goto out;
	}
	rc = ohs__client_stream(c, "POST", path, NULL, NULL, 0, pull_data, &ps, 0, "pull image");
	if (rc == 0 && ps.line.len)
		rc = pull_line(&ps, ps.line.data, ps.line.len);
	if (ps.cancelled) {
		rc = ohs__error_set(OHS_ERROR, "pull of image \"%s\" cancelled by the progress callback", image);
	} else if (ps.error) {
		int code = (strstr(ps.error, "not found") || strstr(ps.error, "manifest unknown") ||
			strstr(ps.error, "does not exist")) ? OHS_ENOTFOUND : OHS_EENGINE;
		rc = ohs__error_set(code, "pull image \"%s\": %s", image, ps.error);
	} else if (rc < 0) {
		char *pfx = ohs__sprintf("image \"%s\"", image);

		if (pfx)
			ohs__error_prefix(pfx);
		free(pfx);
	}
out:
	ohs__buf_clear(&ps.line);
	free(ps.error);
	free(repo);
	free(tag);
	free(erepo);
	free(etag);
	free(path);
	return rc;
}

/* Inspect the image, pulling it when missing; *config gets the image's Config. */
static int ensure_image(ohs_client *c, const char *image, ohs_progress_cb cb, void *payload,
	json_t **info)
{
	char *path = ohs__sprintf("/images/%s/json", image);
	int rc;

	if (!path)
		return ohs__error_oom();
	rc = ohs__client_json(c, "GET", path, NULL, info, "inspect image");
	if (rc == OHS_ENOTFOUND) {
		if ((rc = pull_image(c, image, cb, payload)) == 0)
			rc = ohs__client_json(c, "GET", path, NULL, info, "inspect image");
	}
	free(path);
	return rc;
}

/* ------------------------------------------------------------ create */

static ohs_session *session_alloc(ohs_client *client)
{
	ohs_session *s = calloc(1, sizeof(*s));

	if (!s) {
		ohs__error_oom();
		return NULL;
	}
	s->client = client;
	return s;
}

static void session_destroy(ohs_session *s)
{
	if (!s)
		return;
	free(s->id);
	free(s->name);
	free(s->sid);
	ohs__strvec_clear(&s->networks);
	ports_clear(s);
	ohs_findings_free(s->findings);
	free(s);
}

/* Remove the container and created networks, ignoring errors. */
static int session_teardown(ohs_session *s)
{
	int rc = 0, r;
	size_t i;

	if (s->id && (r = ohs__container_remove(s->client, s->id)) < 0)
		rc = r;
	if (rc < 0)
		return rc;
	for (i = 0; i < s->networks.n; i++) {
		r = ohs__network_remove(s->client, s->networks.v[i]);
		/* still in use by another sandbox: leave it to the last user / ohs_reap */
		if (r < 0 && r != OHS_ECONFLICT && r != OHS_EPERM && rc == 0)
			rc = r;
	}
	return rc;
}

/*
 * Podman 4.3 (netavark) takes a port binding's HostIp "0.0.0.0" literally: the
 * port then answers on no address at all.  There "" means every address, as
 * "0.0.0.0" does for Docker.
 */
static void podman_port_bindings(json_t *body)
{
	json_t *pb = json_object_get(json_object_get(body, "HostConfig"), "PortBindings");
	const char *key;
	json_t *arr, *b;
	size_t i;

	json_object_foreach(pb, key, arr) {
		json_array_foreach(arr, i, b) {
			const char *ip = jstr(b, "HostIp");

			if (ip && strcmp(ip, "0.0.0.0") == 0)
				json_object_set_new(b, "HostIp", json_string(""));
		}
	}
}

int ohs__session_create_cmd(ohs_session **out, ohs_client *client,
	const ohs_config *cfg, const char *const *cmd,
	ohs_progress_cb progress, void *payload)
{
	ohs_session *s = NULL;
	ohs_netpolicy *np;
	char *body_s = NULL, *path = NULL;
	json_t *body = NULL, *labels, *image_info = NULL, *created = NULL;
	ohs_findings *findings = NULL;
	const char *image, *mode;
	char sid[33], *raw_s = NULL;
	json_t *raw;
	size_t i, nnet, nfind;
	int rc, own_exists = 0, overridden = 0;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_session_create: out is NULL");
	*out = NULL;
	if (!client)
		return ohs__error_set(OHS_EINVAL, "ohs_session_create: client is NULL");
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_session_create: cfg is NULL");

	np = ohs_config_netpolicy((ohs_config *)cfg);
	mode = np ? ohs_netpolicy_mode(np) : NULL;
	nnet = np ? ohs_netpolicy_network_count(np) : 0;

	/* an internal network that can never be internal: a config error first */
	if ((rc = ohs__netpolicy_check_internal(np)) < 0)
		return rc;

	/*
	 * Every create goes through the config's security policy: the body
	 * sent is the policy's (rewritten under the hardened profile), and a
	 * refusal stops here, before the engine is contacted.
	 */
	if ((rc = ohs__policy_apply_client(&body_s, &findings, cfg, ohs_client_host(client))) < 0) {
		ohs_findings_free(findings);
		return rc;
	}
	body = json_loads(body_s, 0, NULL);
	ohs_free(body_s);
	if (!json_is_object(body)) {
		json_decref(body);
		ohs_findings_free(findings);
		return ohs__error_set(OHS_EINVAL, "ohs_session_create: the config's create body is not a JSON object");
	}
	image = jstr(body, "Image");
	if (!image)
		image = ohs_config_image(cfg);
	if (!image || !*image) {
		json_decref(body);
		ohs_findings_free(findings);
		return ohs__error_set(OHS_EINVAL, "ohs_session_create: the config names no image");
	}

	/*
	 * Judge what the body alone does not show, before anything is made:
	 * the networks (SANDBOX_NETWORK_INTERNAL must hold; joining a network
	 * the library did not create is a finding) and the named volumes (a
	 * local volume binding a host path is judged like that bind).
	 */
	nfind = ohs_findings_count(findings);
	if (is_user_network(mode)) {
		json_t *ninfo = NULL;

		if ((rc = network_inspect(client, mode, &ninfo)) < 0)
			goto fail;
		own_exists = rc;
		rc = own_exists ? judge_existing_network(findings, np, mode, ninfo,
			"HostConfig.NetworkMode", "network") : 0;
		json_decref(ninfo);
		if (rc < 0)
			goto fail;
	}
	/* additional networks must exist */
	for (i = 0; i < nnet; i++) {
		const char *n = ohs_netpolicy_network(np, i);
		json_t *ninfo = NULL;
		char *field;

		if (mode && strcmp(n, mode) == 0)
			continue;
		if ((rc = network_inspect(client, n, &ninfo)) < 0)
			goto fail;
		if (rc == 0) {
			rc = missing_network_error(client, n);
			goto fail;
		}
		field = ohs__sprintf("NetworkingConfig.EndpointsConfig.%s", n);
		rc = field ? judge_existing_network(findings, np, n, ninfo, field, "additional network")
			: ohs__error_oom();
		free(field);
		json_decref(ninfo);
		if (rc < 0)
			goto fail;
	}
	if ((rc = ohs_config_create_body(&raw_s, cfg)) < 0)
		goto fail;
	raw = json_loads(raw_s, 0, NULL);
	ohs_free(raw_s);
	if (!raw) {
		rc = ohs__error_set(OHS_EINVAL, "ohs_session_create: the config's create body is not JSON");
		goto fail;
	}
	rc = judge_volumes(client, findings, cfg, raw);
	json_decref(raw);
	if (rc < 0 || (rc = session_refusal(cfg, findings, nfind)) < 0)
		goto fail;

	if ((rc = ensure_image(client, image, progress, payload, &image_info)) < 0)
		goto fail;

	if (!(s = session_alloc(client))) {
		rc = OHS_ENOMEM;
		goto fail;
	}
	s->findings = findings;
	findings = NULL;
	if ((rc = random_hex(sid, 16)) < 0)
		goto fail;
	if (!(s->sid = ohs__strdup(sid)) ||
			!(s->name = ohs__sprintf(OHS_NAME_PREFIX "%.12s", sid))) {
		rc = ohs__error_oom();
		goto fail;
	}

	/* labels: the config's, then ours (ours win) */
	labels = json_object_get(body, "Labels");
	if (!json_is_object(labels)) {
		if (!(labels = json_object()) || json_object_set_new(body, "Labels", labels) < 0) {
			rc = ohs__error_oom();
			goto fail;
		}
	}
	if ((rc = add_owner_labels(labels, sid)) < 0 ||
			(rc = set_label(labels, OHS_LABEL_KEEP, "false")) < 0)
		goto fail;

	/* the main process: the command asked for, or the keep-alive (mainproc.c) */
	if ((rc = ohs__mainproc_apply(body, image_info, cmd, ohs_config_override_command(cfg),
			&overridden)) < 0)
		goto fail;

	/* additional networks are connected after create, not in the body */
	{
		json_t *eps = json_object_get(json_object_get(body, "NetworkingConfig"), "EndpointsConfig");

		for (i = 0; json_is_object(eps) && i < nnet; i++) {
			const char *n = ohs_netpolicy_network(np, i);

			if (!mode || strcmp(n, mode) != 0)
				json_object_del(eps, n);
		}
	}

	if (ohs__client_is_podman(client))
		podman_port_bindings(body);

	/* the session's own network */
	if (is_user_network(mode) && !own_exists) {
		if ((rc = create_network(s, mode, ohs_netpolicy_internal(np) > 0)) < 0)
			goto fail;
		if (rc == 1) {
			/* made meanwhile by someone else: judged like any existing network */
			json_t *ninfo = NULL;

			if ((rc = network_inspect(client, mode, &ninfo)) < 0)
				goto fail;
			rc = rc ? judge_existing_network(s->findings, np, mode, ninfo,
				"HostConfig.NetworkMode", "network") : ohs__error_set(OHS_ENOTFOUND,
				"network \"%s\" was reported to exist, then not found", mode);
			json_decref(ninfo);
			if (rc < 0)
				goto fail;
		}
	}

	if (!(path = ohs__sprintf("/containers/create?name=%s", s->name))) {
		rc = ohs__error_oom();
		goto fail;
	}
	rc = ohs__client_json(client, "POST", path, body, &created, "create container");
	if (rc < 0) {
		char *pfx = ohs__sprintf("sandbox from image \"%s\"", image);

		if (pfx)
			ohs__error_prefix(pfx);
		free(pfx);
		goto fail;
	}
	if (!jstr(created, "Id")) {
		rc = ohs__error_set(OHS_EPROTOCOL, "create container: the engine's answer has no \"Id\"");
		goto fail;
	}
	if (!(s->id = ohs__strdup(jstr(created, "Id")))) {
		rc = ohs__error_oom();
		goto fail;
	}
	if (overridden && (rc = ohs__mainproc_check_shell(client, s->id, image)) < 0)
		goto fail;

	for (i = 0; i < nnet; i++) {
		const char *n = ohs_netpolicy_network(np, i);

		if (mode && strcmp(n, mode) == 0)
			continue;
		if ((rc = connect_network(s, n)) < 0)
			goto fail;
	}

	json_decref(created);
	json_decref(image_info);
	json_decref(body);
	free(path);
	*out = s;
	return 0;

fail:
	if (s) {
		/* Errors of the cleanup are ignored: keep the first error. */
		ohs__error_state *st = ohs__error_save();

		session_teardown(s);
		ohs__error_restore(st);
	}
	session_destroy(s);
	ohs_findings_free(findings);
	json_decref(created);
	json_decref(image_info);
	json_decref(body);
	free(path);
	return rc;
}

int ohs_session_create(ohs_session **out, ohs_client *client,
	const ohs_config *cfg, ohs_progress_cb progress, void *payload)
{
	return ohs__session_create_cmd(out, client, cfg, NULL, progress, payload);
}

/* ------------------------------------------------------------ simple container actions */

static int container_post(ohs_session *s, const char *action, const char *query,
	const char *what)
{
	char *e = esc(s->id), *path;
	int rc;

	if (!e)
		return OHS_ENOMEM;
	path = ohs__sprintf("/containers/%s/%s%s", e, action, query ? query : "");
	free(e);
	if (!path)
		return ohs__error_oom();
	rc = ohs__client_request(s->client, "POST", path, NULL, NULL, 0, NULL, what);
	free(path);
	if (rc < 0) {
		char *pfx = ohs__sprintf("sandbox \"%s\"", s->name);

		if (pfx)
			ohs__error_prefix(pfx);
		free(pfx);
	}
	return rc;
}

static int refresh_ports(ohs_session *s)
{
	json_t *info = NULL;
	int rc;

	if ((rc = inspect_container(s->client, s->id, &info, "inspect container")) < 0)
		return rc;
	rc = read_ports(s, info);
	json_decref(info);
	return rc;
}

int ohs_session_start(ohs_session *s)
{
	int rc;

	if ((rc = session_ensure_live(s, "ohs_session_start")) < 0)
		return rc;
	if ((rc = container_post(s, "start", NULL, "start container")) < 0)
		return rc;
	return refresh_ports(s);
}

int ohs_session_stop(ohs_session *s, int timeout_s)
{
	char q[32];
	int rc;

	if ((rc = session_ensure_live(s, "ohs_session_stop")) < 0)
		return rc;
	if (timeout_s < 0)
		return ohs__error_set(OHS_EINVAL, "ohs_session_stop: timeout_s %d must be >= 0", timeout_s);
	snprintf(q, sizeof(q), "?t=%d", timeout_s);
	if ((rc = container_post(s, "stop", q, "stop container")) < 0)
		return rc;
	ports_clear(s);
	return 0;
}

int ohs_session_pause(ohs_session *s)
{
	int rc;

	if ((rc = session_ensure_live(s, "ohs_session_pause")) < 0)
		return rc;
	return container_post(s, "pause", NULL, "pause container");
}

int ohs_session_resume(ohs_session *s)
{
	int rc;

	if ((rc = session_ensure_live(s, "ohs_session_resume")) < 0)
		return rc;
	return container_post(s, "unpause", NULL, "resume container");
}

int ohs_session_remove(ohs_session *s)
{
	int rc;

	if (!s)
		return ohs__error_set(OHS_EINVAL, "ohs_session_remove: session is NULL");
	if (s->removed)
		return 0;
	if ((rc = session_teardown(s)) < 0) {
		char *pfx = ohs__sprintf("remove sandbox \"%s\"", s->name);

		if (pfx)
			ohs__error_prefix(pfx);
		free(pfx);
		return rc;
	}
	s->removed = 1;
	ports_clear(s);
	return 0;
}

int ohs_session_set_keep(ohs_session *s, int keep)
{
	char *name, *q, *e;
	int rc;

	if ((rc = session_ensure_live(s, "ohs_session_set_keep")) < 0)
		return rc;
	keep = keep ? 1 : 0;
	name = ohs__sprintf("%s%.12s", keep ? OHS_KEEP_PREFIX : OHS_NAME_PREFIX, s->sid);
	if (!name)
		return ohs__error_oom();
	if (strcmp(name, s->name) == 0) {
		free(name);
		s->keep = keep;
		return 0;
	}
	e = esc(name);
	q = e ? ohs__sprintf("?name=%s", e) : NULL;
	free(e);
	if (!q) {
		free(name);
		return ohs__error_oom();
	}
	rc = container_post(s, "rename", q, "rename container");
	free(q);
	if (rc < 0) {
		free(name);
		return rc;
	}
	free(s->name);
	s->name = name;
	s->keep = keep;
	return 0;
}

void ohs_session_free(ohs_session *s)
{
	if (!s)
		return;
	if (!s->removed && !s->keep)
		(void)ohs_session_remove(s);
	session_destroy(s);
}

const char *ohs_session_id(const ohs_session *s)
{
	return s ? s->id : NULL;
}

const char *ohs_session_name(const ohs_session *s)
{
	return s ? s->name : NULL;
}

size_t ohs_session_port_count(const ohs_session *s)
{
	return s ? s->nports : 0;
}

int ohs_session_port_container(const ohs_session *s, size_t i)
{
	if (!s || i >= s->nports)
		return ohs__error_set(OHS_EINVAL, "ohs_session_port_container: index %zu out of range (%zu ports)",
			i, s ? s->nports : 0);
	return s->ports[i].container_port;
}

const char *ohs_session_port_host_ip(const ohs_session *s, size_t i)
{
	if (!s || i >= s->nports)
		return NULL;
	return s->ports[i].host_ip;
}

int ohs_session_port_host(const ohs_session *s, size_t i)
{
	if (!s || i >= s->nports)
		return ohs__error_set(OHS_EINVAL, "ohs_session_port_host: index %zu out of range (%zu ports)",
			i, s ? s->nports : 0);
	return s->ports[i].host_port;
}

/* ------------------------------------------------------------ open */

/* Networks labelled as created for session `sid` (so remove can clean them). */
static int find_session_networks(ohs_session *s)
{
	char *filter, *e, *path;
	json_t *list = NULL, *n;
	size_t i;
	int rc;

	if (!(filter = ohs__sprintf("{\"label\":[\"" OHS_LABEL_NETWORK "=%s\"]}", s->sid)))
		return ohs__error_oom();
	e = esc(filter);
	free(filter);
	if (!e)
		return OHS_ENOMEM;
	path = ohs__sprintf("/networks?filters=%s", e);
	free(e);
	if (!path)
		return ohs__error_oom();
	rc = ohs__client_json(s->client, "GET", path, NULL, &list, "list networks");
	free(path);
	if (rc < 0)
		return rc;
	json_array_foreach(list, i, n) {
		const char *name = jstr(n, "Name");

		if (name && (rc = ohs__strvec_push(&s->networks, name)) < 0)
			break;
	}
	json_decref(list);
	return rc;
}

int ohs_session_open(ohs_session **out, ohs_client *client, const char *id)
{
	ohs_session *s;
	json_t *info = NULL, *labels;
	const char *cid, *name, *sid;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_session_open: out is NULL");
	*out = NULL;
	if (!client)
		return ohs__error_set(OHS_EINVAL, "ohs_session_open: client is NULL");
	if (!id)
		return ohs__error_set(OHS_EINVAL, "ohs_session_open: id is NULL");
	if (!*id)
		return ohs__error_set(OHS_EINVAL, "ohs_session_open: id is empty; expected a container id or name");
	rc = inspect_container(client, id, &info, "inspect container");
	if (rc == OHS_ENOTFOUND)
		return ohs__error_set(OHS_ENOTFOUND, "ohs_session_open: no container \"%s\"", id);
	if (rc < 0)
		return rc;
	labels = json_object_get(json_object_get(info, "Config"), "Labels");
	if (!ohs__label(labels, OHS_LABEL_MANAGED) ||
			strcmp(ohs__label(labels, OHS_LABEL_MANAGED), "true") != 0) {
		json_decref(info);
		return ohs__error_set(OHS_EINVAL, "ohs_session_open: container \"%s\" is not a sandbox "
			"of this library (no label " OHS_LABEL_MANAGED "=true)", id);
	}
	cid = jstr(info, "Id");
	name = jstr(info, "Name");
	sid = ohs__label(labels, OHS_LABEL_SESSION);
	if (!cid || !name) {
		json_decref(info);
		return ohs__error_set(OHS_EPROTOCOL, "ohs_session_open: container \"%s\": no Id or Name in the engine's answer", id);
	}
	if (*name == '/')
		name++;
	if (!(s = session_alloc(client))) {
		json_decref(info);
		return OHS_ENOMEM;
	}
	s->id = ohs__strdup(cid);
	s->name = ohs__strdup(name);
	s->sid = ohs__strdup(sid ? sid : cid);
	if (!s->id || !s->name || !s->sid) {
		rc = ohs__error_oom();
		goto fail;
	}
	s->keep = ohs__name_is_kept(name) ||
		(ohs__label(labels, OHS_LABEL_KEEP) && strcmp(ohs__label(labels, OHS_LABEL_KEEP), "true") == 0);
	if ((rc = read_ports(s, info)) < 0 || (rc = find_session_networks(s)) < 0)
		goto fail;
	json_decref(info);
	*out = s;
	return 0;
fail:
	json_decref(info);
	session_destroy(s);
	return rc;
}

/* ------------------------------------------------------------ OOM kills */

/* The "oom_kill N" line of a memory cgroup file (v2 memory.events, v1 memory.oom_control). */
static int64_t parse_oom_kill(const char *text)
{
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, "oom_kill ", 9) == 0)
			return strtoll(p + 9, NULL, 10);
		if ((p = strchr(p, '\n')))
			p++;
	}
	return -1;
}

int ohs_session_oom_kills(int64_t *count, ohs_session *s)
{
	static const char *const argv[] = { "cat", "/sys/fs/cgroup/memory.events",
		"/sys/fs/cgroup/memory/memory.oom_control", NULL };
	json_t *info = NULL, *state;
	ohs_exec_result *r = NULL;
	int flag, running, rc;
	int64_t n;

	if (!count)
		return ohs__error_set(OHS_EINVAL, "ohs_session_oom_kills: count is NULL");
	*count = 0;
	if ((rc = session_ensure_live(s, "ohs_session_oom_kills")) < 0)
		return rc;
	if ((rc = inspect_container(s->client, s->id, &info, "inspect container")) < 0) {
		ohs__error_prefix("ohs_session_oom_kills");
		return rc;
	}
	state = json_object_get(info, "State");
	flag = json_is_true(json_object_get(state, "OOMKilled"));
	running = json_is_true(json_object_get(state, "Running")) &&
		!json_is_true(json_object_get(state, "Paused"));
	json_decref(info);
	if (!running) {
		/* no exec possible: the engine's flag (set when the main process was killed) */
		*count = flag;
		return 0;
	}
	/* the kernel counts every OOM kill in the container's memory cgroup,
	 * exec'd processes included (State.OOMKilled only covers the main one) */
	if ((rc = ohs_session_exec(&r, s, argv, NULL)) < 0) {
		ohs__error_prefix("ohs_session_oom_kills");
		return rc;
	}
	n = parse_oom_kill(ohs_exec_result_stdout(r, NULL));
	if (n < 0 && !flag) {
		rc = ohs__error_set(OHS_ENOTSUPPORTED, "ohs_session_oom_kills: sandbox \"%s\": no "
			"\"oom_kill\" counter in %s or %s (exit code %d: %s)", s->name, argv[1], argv[2],
			ohs_exec_result_exit_code(r), ohs_exec_result_stderr(r, NULL));
		ohs_exec_result_free(r);
		return rc;
	}
	ohs_exec_result_free(r);
	*count = n > 0 ? n : flag;
	return 0;
}

/* ------------------------------------------------------------ logs */

typedef struct {
	ohs_output_cb cb;
	void *payload;
	int ret;
} logs_state;

static int logs_frame(int stream, const char *data, size_t len, void *payload)
{
	logs_state *ls = payload;

	if (stream != 1 && stream != 2)
		return 0;
	if ((ls->ret = ls->cb(stream, data, len, ls->payload)) != 0)
		return 1;
	return 0;
}

static int logs_data(const char *data, size_t len, void *payload)
{
	ohs__demux *d = payload;

	return ohs__demux_feed(d, data, len) ? 1 : 0;
}

int ohs_session_logs(ohs_session *s, int tail, ohs_output_cb cb, void *payload)
{
	logs_state ls = { cb, payload, 0 };
	ohs__demux d;
	char *e, *path, tailbuf[32];
	int rc;

	if ((rc = session_ensure_live(s, "ohs_session_logs")) < 0)
		return rc;
	if (!cb)
		return ohs__error_set(OHS_EINVAL, "ohs_session_logs: cb is NULL");
	if (tail < 0)
		return ohs__error_set(OHS_EINVAL, "ohs_session_logs: tail %d must be >= 0 (0: all)", tail);
	if (tail)
		snprintf(tailbuf, sizeof(tailbuf), "%d", tail);
	else
		strcpy(tailbuf, "all");
	if (!(e = esc(s->id)))
		return OHS_ENOMEM;
	path = ohs__sprintf("/containers/%s/logs?stdout=1&stderr=1&tail=%s", e, tailbuf);
	free(e);
	if (!path)
		return ohs__error_oom();
	ohs__demux_init(&d, logs_frame, &ls);
	rc = ohs__client_stream(s->client, "GET", path, NULL, NULL, 0, logs_data, &d, 0,
		"container logs");
	free(path);
	if (ls.ret)
		return ls.ret < 0 ? ls.ret : 0; /* stopped by the callback */
	return rc;
}

/* ------------------------------------------------------------ readiness */

static int collect_log(int stream, const char *data, size_t len, void *payload)
{
	(void)stream;
	return ohs__buf_append(payload, data, len) < 0 ? -1 : 0;
}

/* OHS_ESTATE naming the state and the last log lines. */
static int not_running_error(ohs_session *s, json_t *state, const char *url)
{
	ohs__buf log = {0};
	const char *status = jstr(state, "Status");
	long long code = json_integer_value(json_object_get(state, "ExitCode"));

	(void)ohs_session_logs(s, 10, collect_log, &log);
	ohs__error_set(OHS_ESTATE, "sandbox \"%s\" is not running (%s, exit code %lld) while waiting "
		"for %s; last log lines:\n%s", s->name, status ? status : "unknown", code, url,
		log.len ? log.data : "(none)");
	ohs__buf_clear(&log);
	return OHS_ESTATE;
}


static size_t discard_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	(void)ptr;
	(void)ud;
	return size * nmemb;
}

int ohs_session_wait_http(ohs_session *s, int container_port,
	const char *path, long timeout_ms, long interval_ms)
{
	const session_port *p = NULL;
	const char *ip;
	char *url = NULL, last[CURL_ERROR_SIZE + 64] = "no attempt";
	CURL *h = NULL;
	long deadline;
	size_t i;
	int rc;

	if ((rc = session_ensure_live(s, "ohs_session_wait_http")) < 0)
		return rc;
	if (!path)
		path = "/";
	if (*path != '/')
		return ohs__error_set(OHS_EINVAL, "ohs_session_wait_http: path \"%s\" must start with '/'", path);
	if (timeout_ms < 0 || interval_ms < 0)
		return ohs__error_set(OHS_EINVAL, "ohs_session_wait_http: timeout_ms and interval_ms must be >= 0");
	if (interval_ms == 0)
		interval_ms = 100;
	/* prefer an IPv4 binding; any binding of the port otherwise */
	for (i = 0; i < s->nports; i++) {
		if (s->ports[i].container_port != container_port || strcmp(s->ports[i].protocol, "tcp"))
			continue;
		if (!p || (strchr(p->host_ip, ':') && !strchr(s->ports[i].host_ip, ':')))
			p = &s->ports[i];
	}
	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_session_wait_http: container port %d/tcp is not "
			"published by sandbox \"%s\" (%zu published bindings; was it started?)",
			container_port, s->name, s->nports);
	ip = p->host_ip;
	if (!*ip || strcmp(ip, "0.0.0.0") == 0)
		ip = "127.0.0.1";
	else if (strcmp(ip, "::") == 0)
		ip = "::1";
	url = strchr(ip, ':') ? ohs__sprintf("http://[%s]:%d%s", ip, p->host_port, path)
		: ohs__sprintf("http://%s:%d%s", ip, p->host_port, path);
	if (!url)
		return ohs__error_oom();
	if (!(h = curl_easy_init())) {
		free(url);
		return ohs__error_oom();
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTP);
#endif
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard_body);

	deadline = ohs__now_ms() + timeout_ms;
	for (;;) {
		json_t *info = NULL, *state;
		char errbuf[CURL_ERROR_SIZE] = "";
		long status = 0, left = deadline - ohs__now_ms(), attempt;
		CURLcode cc;

		attempt = left < 100 ? 100 : left > 5000 ? 5000 : left;
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, attempt);
		curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, attempt);
		curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
		cc = curl_easy_perform(h);
		if (cc == CURLE_OK) {
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
			if (status >= 200 && status < 300) {
				rc = 0;
				break;
			}
			snprintf(last, sizeof(last), "HTTP %ld", status);
		} else {
			snprintf(last, sizeof(last), "%s", *errbuf ? errbuf : curl_easy_strerror(cc));
		}
		if ((rc = inspect_container(s->client, s->id, &info, "inspect container")) < 0)
			break;
		state = json_object_get(info, "State");
		if (!json_is_true(json_object_get(state, "Running"))) {
			rc = not_running_error(s, state, url);
			json_decref(info);
			break;
		}
		json_decref(info);
		left = deadline - ohs__now_ms();
		if (left <= 0) {
			rc = ohs__error_set(OHS_ETIMEOUT, "ohs_session_wait_http: %s did not answer 2xx "
				"within %ld ms (last attempt: %s)", url, timeout_ms, last);
			break;
		}
		{
			long nap = interval_ms < left ? interval_ms : left;
			struct timespec ts = { nap / 1000, (nap % 1000) * 1000000L };

			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
		}
	}
	curl_easy_cleanup(h);
	free(url);
	return rc;
}

/* ------------------------------------------------------------ API 1.1 additions */

int ohs_session_keep(const ohs_session *s)
{
	if (!s)
		return ohs__error_set(OHS_EINVAL, "ohs_session_keep: session is NULL");
	return s->keep ? 1 : 0;
}

const char *ohs_session_port_protocol(const ohs_session *s, size_t i)
{
	if (!s || i >= s->nports)
		return NULL;
	return s->ports[i].protocol;
}

int ohs_session_stop_ms(ohs_session *s, long timeout_ms)
{
	long secs;

	if (!s)
		return ohs__error_set(OHS_EINVAL, "ohs_session_stop_ms: session is NULL");
	if (timeout_ms < 0)
		return ohs__error_set(OHS_EINVAL, "ohs_session_stop_ms: timeout_ms %ld must be >= 0", timeout_ms);
	/* the engine counts whole seconds: round up, never stop sooner than asked */
	secs = timeout_ms / 1000 + (timeout_ms % 1000 ? 1 : 0);
	if (secs > 2147483647L) /* INT_MAX of the platforms we build on */
		secs = 2147483647L;
	return ohs_session_stop(s, (int)secs);
}
