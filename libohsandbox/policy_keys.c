/*
 * policy_keys: the checks of the HostConfig keys other than mounts
 * (capabilities, namespaces, security options, ports, limits, devices,
 * groups, system paths, runtime and other fields, user and environment),
 * whether a User runs as root, and the hardened profile's rewrite of the
 * body.  Used by policy.c only.
 */
#include "policy_impl_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *const port_keys[] = { "HostIp", "HostPort" };
static const char *const device_keys[] = { "PathOnHost" };

/*
 * Whether a User value ("user[:group]") runs as uid 0.  The engine and runc
 * parse a numeric user with Go's strconv.Atoi, which takes one leading sign
 * and any number of zeros: "0", "00", "+0", "-0" and "+00:+0" are all uid 0.
 * A name other than "root" that the image maps to uid 0 cannot be seen here.
 */
int ohs__policy_user_is_root(const char *user)
{
	size_t n, i = 0;

	if (!user || !*user)
		return 1;
	n = strcspn(user, ":");
	if (n == 4 && strncmp(user, "root", 4) == 0)
		return 1;
	if (n == 0)
		return 1; /* ":gid" runs as the image's user: root unless the image says otherwise */
	if (user[0] == '+' || user[0] == '-')
		i = 1;
	if (i == n)
		return 0; /* "+" or "-" alone: a (strange) name */
	for (; i < n; i++)
		if (user[i] != '0')
			return 0;
	return 1;
}

/* ------------------------------------------------------------ normalisation */

/* Capability name: upper case, "CAP_" prefix removed.  Owned. */
static char *cap_norm(const char *s)
{
	char *out;
	size_t i;

	if (strncasecmp(s, "CAP_", 4) == 0)
		s += 4;
	if (!(out = ohs__strdup(s)))
		return NULL;
	for (i = 0; out[i]; i++)
		out[i] = (char)toupper((unsigned char)out[i]);
	return out;
}

static const char *const default_caps[] = {
	"CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
	"SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
};

/*
 * Capabilities the default profile refuses in CapAdd: each is a known way
 * out of a container (mount, ptrace of other processes, kernel modules, the
 * network stack, reading any file by handle, raw I/O ports, BPF).
 */
static const char *const strict_caps[] = {
	"ALL", "SYS_ADMIN", "SYS_PTRACE", "SYS_MODULE", "NET_ADMIN", "DAC_READ_SEARCH", "SYS_RAWIO", "BPF",
};

/* What the hardened profile adds back after CapDrop ["ALL"]. */
static const char *const hardened_caps[] = {
	"CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
};


/*
 * SecurityOpt entry "key=value", "key:value" or "key": key lower-cased into
 * kbuf, value pointer (NULL when none).
 */
static const char *secopt_split(char *kbuf, size_t kcap, const char *opt)
{
	size_t n = strcspn(opt, "=:"), i;

	if (n >= kcap)
		n = kcap - 1;
	for (i = 0; i < n; i++)
		kbuf[i] = (char)tolower((unsigned char)opt[i]);
	kbuf[n] = '\0';
	return opt[n] ? opt + n + 1 : NULL;
}

/* no-new-privileges value: 1 true; 0 false or not parseable. */
static int nnp_value(const char *v)
{
	if (!v || strcasecmp(v, "true") == 0 || strcasecmp(v, "t") == 0 || strcmp(v, "1") == 0)
		return 1;
	return 0;
}

int ohs__policy_check_caps(ctx *c, json_t *hc)
{
	json_t *add_arr, *drop;
	size_t i;
	int rc, has_all = 0;

	if ((rc = ohs__policy_get_array(&add_arr, hc, "CapAdd", "HostConfig.CapAdd")) < 0 ||
	    (rc = ohs__policy_get_array(&drop, hc, "CapDrop", "HostConfig.CapDrop")) < 0)
		return rc;
	for (i = 0; add_arr && i < json_array_size(add_arr); i++) {
		const char *s;
		char *cap;

		if ((rc = ohs__policy_array_str(&s, add_arr, i, "HostConfig.CapAdd")) < 0)
			return rc;
		if (!(cap = cap_norm(s)))
			return ohs__error_oom();
		if (!ohs__policy_in_list(cap, default_caps, OHS_ARRAY_SIZE(default_caps))) {
			char *field = ohs__sprintf("HostConfig.CapAdd[%zu]", i);

			rc = field ? ohs__policy_findings_add(c->f, C_CAPADD, field, s, 0,
				ohs__policy_in_list(cap, strict_caps, OHS_ARRAY_SIZE(strict_caps))) : ohs__error_oom();
			free(field);
		}
		free(cap);
		if (rc < 0)
			return rc;
	}
	for (i = 0; drop && i < json_array_size(drop); i++) {
		const char *s;
		char *cap;

		if ((rc = ohs__policy_array_str(&s, drop, i, "HostConfig.CapDrop")) < 0)
			return rc;
		if (!(cap = cap_norm(s)))
			return ohs__error_oom();
		has_all |= strcmp(cap, "ALL") == 0;
		free(cap);
	}
	if (!has_all) {
		char *v = drop ? json_dumps(drop, JSON_COMPACT) : NULL;

		if (drop && !v)
			return ohs__error_oom();
		rc = ohs__policy_add(c, C_CAPDROP, "HostConfig.CapDrop", v ? v : "");
		free(v);
	}
	return rc;
}

/*
 * A custom seccomp profile (JSON text) whose default action lets every
 * system call through that no rule names: as good as "unconfined".
 */
static int seccomp_allows_all(const char *profile)
{
	json_t *j = json_loads(profile, 0, NULL);
	const char *act = json_string_value(json_object_get(j, "defaultAction"));
	int all = act && (strcasecmp(act, "SCMP_ACT_ALLOW") == 0 || strcasecmp(act, "SCMP_ACT_LOG") == 0 ||
		strncasecmp(act, "SCMP_ACT_TRACE", 14) == 0 || strncasecmp(act, "SCMP_ACT_NOTIFY", 15) == 0);

	json_decref(j);
	return all;
}

/* label=disable, or an SELinux type that is not confined (spc_t, unconfined_t). */
static int label_unconfined(const char *v)
{
	if (strcasecmp(v, "disable") == 0)
		return 1;
	return strncasecmp(v, "type:", 5) == 0 &&
		(strcmp(v + 5, "spc_t") == 0 || strcmp(v + 5, "unconfined_t") == 0);
}

int ohs__policy_check_secopts(ctx *c, json_t *hc)
{
	json_t *arr;
	size_t i;
	int rc, nnp = 0;
	const char *nnp_text = "";
	char nnp_field[64] = "HostConfig.SecurityOpt";

	if ((rc = ohs__policy_get_array(&arr, hc, "SecurityOpt", "HostConfig.SecurityOpt")) < 0)
		return rc;
	for (i = 0; arr && i < json_array_size(arr); i++) {
		const char *s, *v;
		char key[32];
		enum check k = C__COUNT;

		if ((rc = ohs__policy_array_str(&s, arr, i, "HostConfig.SecurityOpt")) < 0)
			return rc;
		v = secopt_split(key, sizeof(key), s);
		if (strcmp(key, "no-new-privileges") == 0) {
			nnp = nnp_value(v);
			nnp_text = s;
			snprintf(nnp_field, sizeof(nnp_field), "HostConfig.SecurityOpt[%zu]", i);
			continue;
		}
		if (!v)
			continue;
		if (strcmp(key, "seccomp") == 0)
			k = strcasecmp(v, "unconfined") == 0 || seccomp_allows_all(v) ? C_SECCOMP :
				strcmp(v, "builtin") == 0 ? C__COUNT : C_CUSTOM_SECCOMP;
		else if (strcmp(key, "apparmor") == 0)
			k = strcasecmp(v, "unconfined") == 0 ? C_APPARMOR :
				strcmp(v, "docker-default") == 0 ? C__COUNT : C_CUSTOM_APPARMOR;
		else if (strcmp(key, "label") == 0 && label_unconfined(v))
			k = C_LABEL;
		else if (strcmp(key, "systempaths") == 0 && strcasecmp(v, "unconfined") == 0)
			k = C_SYSPATHS;
		if (k != C__COUNT) {
			/* a profile is JSON text: show its beginning only */
			char *shown = strlen(s) > 80 ? ohs__sprintf("%.72s...", s) : NULL;

			if (strlen(s) > 80 && !shown)
				return ohs__error_oom();
			rc = ohs__policy_add_at(c, k, "HostConfig.SecurityOpt", i, NULL, shown ? shown : s);
			free(shown);
			if (rc < 0)
				return rc;
		}
	}
	if (!nnp)
		rc = ohs__policy_add(c, C_NNP, nnp_field, nnp_text);
	return rc;
}

int ohs__policy_check_ns(ctx *c, json_t *hc, json_t *body)
{
	static const struct {
		const char *key;
		enum check k;
	} ns[] = {
		{ "NetworkMode", C_NET }, { "PidMode", C_PID }, { "IpcMode", C_IPC },
		{ "UTSMode", C_UTS }, { "UsernsMode", C_USERNS }, { "CgroupnsMode", C_CGROUPNS },
	};
	json_t *nc, *eps;
	size_t i;
	int rc;

	for (i = 0; i < OHS_ARRAY_SIZE(ns); i++) {
		char field[64];
		const char *v;

		snprintf(field, sizeof(field), "HostConfig.%s", ns[i].key);
		if ((rc = ohs__policy_get_str(&v, hc, ns[i].key, field)) < 0)
			return rc;
		if (v && strcasecmp(v, "host") == 0 && (rc = ohs__policy_add(c, ns[i].k, field, v)) < 0)
			return rc;
		/* only these three take "container:<id>"; the engine refuses it elsewhere */
		if (v && strncasecmp(v, "container:", 10) == 0 &&
		    (ns[i].k == C_NET || ns[i].k == C_PID || ns[i].k == C_IPC) &&
		    (rc = ohs__policy_add(c, C_CONTAINER_NS, field, v)) < 0)
			return rc;
	}
	if ((rc = ohs__policy_get_object(&nc, body, "NetworkingConfig", "NetworkingConfig")) < 0 ||
	    (rc = ohs__policy_get_object(&eps, nc, "EndpointsConfig", "NetworkingConfig.EndpointsConfig")) < 0)
		return rc;
	if (eps && json_object_get(eps, "host"))
		rc = ohs__policy_add(c, C_NET, "NetworkingConfig.EndpointsConfig", "host");
	return rc;
}

/* Any spelling of "every interface" (see ohs__hostpath_ip_kind). */
static int hostip_all(const char *ip)
{
	return ohs__hostpath_ip_kind(ip) == OHS__IP_ANY;
}

/* Host port: "" / missing (random) -> 0; "N" or "N-M" -> N; else -1. */
static long hostport_value(const char *s)
{
	char *end;
	long v;

	if (!s || !*s)
		return 0;
	if (!isdigit((unsigned char)s[0]))
		return -1;
	v = strtol(s, &end, 10);
	if (*end == '-' && isdigit((unsigned char)end[1])) {
		strtol(end + 1, &end, 10);
	}
	if (*end || v > 65535)
		return -1;
	return v;
}

int ohs__policy_check_ports(ctx *c, json_t *hc)
{
	json_t *pb, *arr;
	const char *key;
	int rc, all;

	if ((rc = ohs__policy_get_bool(&all, hc, "PublishAllPorts", "HostConfig.PublishAllPorts")) < 0)
		return rc;
	if (all && (rc = ohs__policy_add(c, C_PUBLISH_ALL, "HostConfig.PublishAllPorts", "true")) < 0)
		return rc;
	if ((rc = ohs__policy_get_object(&pb, hc, "PortBindings", "HostConfig.PortBindings")) < 0 || !pb)
		return rc;
	json_object_foreach(pb, key, arr) {
		size_t i;
		char *base = ohs__sprintf("HostConfig.PortBindings[\"%s\"]", key);

		if (!base)
			return ohs__error_oom();
		if (!json_is_null(arr) && !json_is_array(arr)) {
			rc = ohs__policy_type_error(base, "an array", arr);
			free(base);
			return rc;
		}
		for (i = 0; rc == 0 && json_is_array(arr) && i < json_array_size(arr); i++) {
			json_t *b = json_array_get(arr, i);
			char *f = ohs__sprintf("%s[%zu]", base, i);
			char *fip = ohs__sprintf("%s[%zu].HostIp", base, i);
			char *fport = ohs__sprintf("%s[%zu].HostPort", base, i);
			const char *ip = NULL, *port = NULL;
			long pv;

			if (!f || !fip || !fport)
				rc = ohs__error_oom();
			else if (!json_is_object(b))
				rc = ohs__policy_type_error(f, "an object", b);
			else if ((rc = KEYS_EXACT(b, f, port_keys)) == 0 &&
				 (rc = ohs__policy_get_str(&ip, b, "HostIp", fip)) == 0 &&
				 (rc = ohs__policy_get_str(&port, b, "HostPort", fport)) == 0) {
				pv = hostport_value(port);
				if (pv < 0)
					rc = ohs__error_set(OHS_EINVAL, "create body: %s (\"%s\") must be a port "
						"number, a range \"N-M\" or empty", fport, port);
				else if (hostip_all(ip))
					rc = ohs__policy_add(c, C_PORT_ALL, fip, ip ? ip : "");
				else if (ohs__hostpath_ip_kind(ip) == OHS__IP_OTHER)
					rc = ohs__policy_add(c, C_PORT_ADDR, fip, ip);
				if (rc == 0 && pv > 0 && pv < 1025)
					rc = ohs__policy_add(c, C_PORT_PRIV, fport, port);
			}
			free(f);
			free(fip);
			free(fport);
		}
		free(base);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int ohs__policy_check_limits(ctx *c, json_t *hc)
{
	json_int_t mem, nano, quota, pids;
	const char *cpuset;
	int rc;

	if ((rc = ohs__policy_get_int(&mem, hc, "Memory", "HostConfig.Memory")) < 0 ||
	    (rc = ohs__policy_get_int(&nano, hc, "NanoCpus", "HostConfig.NanoCpus")) < 0 ||
	    (rc = ohs__policy_get_int(&quota, hc, "CpuQuota", "HostConfig.CpuQuota")) < 0 ||
	    (rc = ohs__policy_get_str(&cpuset, hc, "CpusetCpus", "HostConfig.CpusetCpus")) < 0 ||
	    (rc = ohs__policy_get_int(&pids, hc, "PidsLimit", "HostConfig.PidsLimit")) < 0)
		return rc;
	if (mem <= 0 && (rc = ohs__policy_add(c, C_MEMORY, "HostConfig.Memory", mem ? "unlimited" : "0")) < 0)
		return rc;
	if (nano <= 0 && quota <= 0 && (!cpuset || !*cpuset) &&
	    (rc = ohs__policy_add(c, C_CPU, "HostConfig.NanoCpus", "0")) < 0)
		return rc;
	if (pids <= 0 && (rc = ohs__policy_add(c, C_PIDS, "HostConfig.PidsLimit", pids ? "unlimited" : "0")) < 0)
		return rc;
	return 0;
}

int ohs__policy_check_devices(ctx *c, json_t *hc)
{
	static const char *const keys[] = { "Devices", "DeviceRequests", "DeviceCgroupRules" };
	size_t k, i;
	int rc;

	for (k = 0; k < OHS_ARRAY_SIZE(keys); k++) {
		char path[64];
		json_t *arr;

		snprintf(path, sizeof(path), "HostConfig.%s", keys[k]);
		if ((rc = ohs__policy_get_array(&arr, hc, keys[k], path)) < 0)
			return rc;
		for (i = 0; arr && i < json_array_size(arr); i++) {
			json_t *e = json_array_get(arr, i);
			json_t *poh = json_is_object(e) ? json_object_get(e, "PathOnHost") : NULL;
			char *v;

			if ((rc = KEYS_EXACT(e, path, device_keys)) < 0)
				return rc;
			if (json_is_string(poh))
				v = ohs__strdup(json_string_value(poh));
			else if (json_is_string(e))
				v = ohs__strdup(json_string_value(e));
			else
				v = json_dumps(e, JSON_COMPACT | JSON_ENCODE_ANY);
			if (!v)
				return ohs__error_oom();
			rc = ohs__policy_add_at(c, C_DEVICES, path, i, NULL, v);
			free(v);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/*
 * A group that opens the host: gid 0, the engine socket's group, shadow
 * (by number or name; "+0" and "-0" are 0, as the runtime's Atoi reads
 * them).  Names and the socket's group are looked up only on a local engine.
 */
static int group_privileged(const ohs_policy *p, const char *g)
{
	static const char *const names[] = { "root", "shadow", "docker" };
	const char *d = g + (g[0] == '+' || g[0] == '-');
	gid_t gid, x;
	size_t i;

	if (!*g)
		return 0;
	if (*d && strspn(d, "0123456789") == strlen(d)) {
		if (strspn(d, "0") == strlen(d))
			return 1;
		if (strlen(d) > 10)
			return 0;
		gid = (gid_t)strtoul(d, NULL, 10);
	} else {
		if (ohs__policy_in_list(g, names, OHS_ARRAY_SIZE(names)))
			return 1;
		if (p->remote || ohs__hostpath_group_gid(&gid, g) < 0)
			return 0;
		if (gid == 0)
			return 1;
	}
	if (p->remote)
		return 0;
	if (ohs__hostpath_group_gid(&x, "shadow") == 0 && x == gid)
		return 1;
	if (p->engine_socket)
		return ohs__hostpath_file_gid(&x, p->engine_socket) == 0 && x == gid;
	for (i = 0; i < OHS_ARRAY_SIZE(ohs__policy_default_sockets); i++)
		if (ohs__hostpath_file_gid(&x, ohs__policy_default_sockets[i]) == 0 && x == gid)
			return 1;
	return 0;
}

int ohs__policy_check_groups(ctx *c, json_t *body, json_t *hc)
{
	const char *user = json_string_value(json_object_get(body, "User"));
	const char *colon = user ? strchr(user, ':') : NULL;
	json_t *ga;
	size_t i;
	int rc;

	/* a root user is 4.1 already (and the hardened rewrite replaces it) */
	if (colon && !ohs__policy_user_is_root(user) && group_privileged(c->p, colon + 1) &&
	    (rc = ohs__policy_add(c, C_GROUP, "User", user)) < 0)
		return rc;
	if ((rc = ohs__policy_get_array(&ga, hc, "GroupAdd", "HostConfig.GroupAdd")) < 0)
		return rc;
	for (i = 0; ga && i < json_array_size(ga); i++) {
		const char *g;

		if ((rc = ohs__policy_array_str(&g, ga, i, "HostConfig.GroupAdd")) < 0)
			return rc;
		if (group_privileged(c->p, g) &&
		    (rc = ohs__policy_add_at(c, C_GROUP, "HostConfig.GroupAdd", i, NULL, g)) < 0)
			return rc;
	}
	return 0;
}

/* Docker's defaults the engine applies when MaskedPaths / ReadonlyPaths are missing or null. */
static const char *const default_masked[] = {
	"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
};
static const char *const default_readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/*
 * A MaskedPaths or ReadonlyPaths list replaces Docker's (an empty one
 * unmasks everything, like systempaths=unconfined): each default path must
 * be in it, or under an entry of it.
 */
static int check_syspath_list(ctx *c, json_t *hc, const char *key, const char *const *defs, size_t ndefs)
{
	char field[64];
	json_t *arr;
	size_t i, j;
	int rc;

	snprintf(field, sizeof(field), "HostConfig.%s", key);
	if ((rc = ohs__policy_get_array(&arr, hc, key, field)) < 0 || !arr)
		return rc;
	for (i = 0; i < ndefs; i++) {
		int found = 0;

		for (j = 0; j < json_array_size(arr) && !found; j++) {
			const char *s;
			char *clean;
			int oom;

			if ((rc = ohs__policy_array_str(&s, arr, j, field)) < 0)
				return rc;
			clean = ohs__path_clean(s, &oom);
			if (oom)
				return ohs__error_oom();
			found = clean && ohs__path_under(defs[i], clean);
			free(clean);
		}
		if (!found) {
			char *v = json_dumps(arr, JSON_COMPACT);

			if (!v)
				return ohs__error_oom();
			rc = ohs__policy_add(c, C_MASKED_PATHS, field, strlen(v) > 80 ? "[...]" : v);
			free(v);
			return rc;
		}
	}
	return 0;
}

int ohs__policy_check_fields(ctx *c, json_t *hc)
{
	const char *rt, *cgp;
	json_int_t oom;
	int rc;

	if ((rc = check_syspath_list(c, hc, "MaskedPaths", default_masked,
			OHS_ARRAY_SIZE(default_masked))) < 0 ||
	    (rc = check_syspath_list(c, hc, "ReadonlyPaths", default_readonly,
			OHS_ARRAY_SIZE(default_readonly))) < 0 ||
	    (rc = ohs__policy_get_str(&rt, hc, "Runtime", "HostConfig.Runtime")) < 0 ||
	    (rc = ohs__policy_get_str(&cgp, hc, "CgroupParent", "HostConfig.CgroupParent")) < 0 ||
	    (rc = ohs__policy_get_int(&oom, hc, "OomScoreAdj", "HostConfig.OomScoreAdj")) < 0)
		return rc;
	if (rt && *rt && strcmp(rt, "runc") != 0 &&
	    (rc = ohs__policy_add(c, C_RUNTIME, "HostConfig.Runtime", rt)) < 0)
		return rc;
	if (cgp && *cgp && (rc = ohs__policy_add(c, C_CGROUP_PARENT, "HostConfig.CgroupParent", cgp)) < 0)
		return rc;
	if (oom < 0) {
		char v[32];

		snprintf(v, sizeof(v), "%lld", (long long)oom);
		if ((rc = ohs__policy_add(c, C_OOM_SCORE, "HostConfig.OomScoreAdj", v)) < 0)
			return rc;
	}
	return 0;
}

int ohs__policy_check_user_env(ctx *c, json_t *body)
{
	static const char *const words[] = { "TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY" };
	const char *user;
	json_t *env;
	size_t i, k;
	int rc;

	if ((rc = ohs__policy_get_str(&user, body, "User", "User")) < 0)
		return rc;
	if (ohs__policy_user_is_root(user) && (rc = ohs__policy_add(c, C_ROOT_USER, "User", user ? user : "")) < 0)
		return rc;
	if ((rc = ohs__policy_get_array(&env, body, "Env", "Env")) < 0)
		return rc;
	for (i = 0; env && i < json_array_size(env); i++) {
		const char *s;
		char *name;
		size_t n, j;

		if ((rc = ohs__policy_array_str(&s, env, i, "Env")) < 0)
			return rc;
		n = strcspn(s, "=");
		if (!(name = ohs__strndup(s, n)))
			return ohs__error_oom();
		for (j = 0; j < n; j++)
			name[j] = (char)toupper((unsigned char)name[j]);
		for (k = 0; k < OHS_ARRAY_SIZE(words); k++)
			if (strstr(name, words[k]))
				break;
		if (k < OHS_ARRAY_SIZE(words)) {
			memcpy(name, s, n); /* report the name as written, never the value */
			rc = ohs__policy_add_at(c, C_SECRET_ENV, "Env", i, NULL, name);
		}
		free(name);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------ hardened rewrite */

static int set_new(json_t *obj, const char *key, json_t *v)
{
	return v && json_object_set_new(obj, key, v) == 0 ? 0 : ohs__error_oom();
}

static int rewrite_ports(json_t *body, json_t *hc)
{
	json_t *pb = json_object_get(hc, "PortBindings");
	json_t *exposed = json_object_get(body, "ExposedPorts");
	const char *key;
	json_t *arr;
	int rc;

	if (json_is_true(json_object_get(hc, "PublishAllPorts"))) {
		/* Publish every exposed port on 127.0.0.1 (random host port) instead. */
		if ((rc = set_new(hc, "PublishAllPorts", json_false())) < 0)
			return rc;
		if (!json_is_object(pb)) {
			if ((rc = set_new(hc, "PortBindings", json_object())) < 0)
				return rc;
			pb = json_object_get(hc, "PortBindings");
		}
		if (json_is_object(exposed)) {
			json_t *v;

			json_object_foreach(exposed, key, v) {
				json_t *cur = json_object_get(pb, key);

				if (json_is_array(cur) && json_array_size(cur) > 0)
					continue;
				if ((rc = set_new(pb, key, json_pack("[{s:s, s:s}]", "HostIp", "127.0.0.1",
						"HostPort", ""))) < 0)
					return rc;
			}
		}
	}
	if (!json_is_object(pb))
		return 0;
	json_object_foreach(pb, key, arr) {
		size_t i, j;

		if (!json_is_array(arr))
			continue;
		for (i = 0; i < json_array_size(arr); i++) {
			json_t *b = json_array_get(arr, i);

			if (hostip_all(json_string_value(json_object_get(b, "HostIp"))) &&
			    (rc = set_new(b, "HostIp", json_string("127.0.0.1"))) < 0)
				return rc;
		}
		/* 0.0.0.0 and :: bindings of one port now collide: keep one. */
		for (i = 0; i < json_array_size(arr); i++) {
			for (j = i + 1; j < json_array_size(arr);) {
				if (json_equal(json_array_get(arr, i), json_array_get(arr, j)))
					json_array_remove(arr, j);
				else
					j++;
			}
		}
	}
	return 0;
}

static int rewrite_caps(json_t *hc)
{
	json_t *add_arr = json_object_get(hc, "CapAdd");
	json_t *drop = json_object_get(hc, "CapDrop");
	json_t *na = json_array(), *nd = NULL;
	ohs__strvec dropped = {0};
	size_t i;
	int rc = 0;

	if (!na)
		return ohs__error_oom();
	for (i = 0; json_is_array(drop) && i < json_array_size(drop); i++) {
		char *cap = cap_norm(json_string_value(json_array_get(drop, i)));

		if ((rc = ohs__strvec_push_owned(&dropped, cap)) < 0)
			goto out;
	}
	/*
	 * The minimal set, minus what the body dropped itself (nothing when the
	 * body already drops ALL: its CapAdd is then the chosen set) ...
	 */
	for (i = 0; !ohs__policy_in_list("ALL", (const char *const *)dropped.v, dropped.n) &&
	     i < OHS_ARRAY_SIZE(hardened_caps); i++) {
		if (ohs__policy_in_list(hardened_caps[i], (const char *const *)dropped.v, dropped.n))
			continue;
		if (json_array_append_new(na, json_string(hardened_caps[i]))) {
			rc = ohs__error_oom();
			goto out;
		}
	}
	/* ... plus what the body added (extra ones stay, and stay reported). */
	for (i = 0; json_is_array(add_arr) && i < json_array_size(add_arr); i++) {
		char *cap = cap_norm(json_string_value(json_array_get(add_arr, i)));
		size_t j;
		int dup = 0;

		if (!cap) {
			rc = ohs__error_oom();
			goto out;
		}
		for (j = 0; j < json_array_size(na); j++)
			dup |= strcmp(json_string_value(json_array_get(na, j)), cap) == 0;
		rc = dup ? 0 : json_array_append_new(na, json_string(cap)) ? ohs__error_oom() : 0;
		free(cap);
		if (rc < 0)
			goto out;
	}
	nd = json_pack("[s]", "ALL");
	if ((rc = set_new(hc, "CapDrop", nd)) < 0) {
		nd = NULL;
		goto out;
	}
	rc = set_new(hc, "CapAdd", na);
	na = NULL;
out:
	json_decref(na);
	ohs__strvec_clear(&dropped);
	return rc;
}

static int rewrite_secopt(json_t *hc)
{
	json_t *arr = json_object_get(hc, "SecurityOpt");
	size_t i;
	int rc;

	if (!json_is_array(arr)) {
		if ((rc = set_new(hc, "SecurityOpt", json_array())) < 0)
			return rc;
		arr = json_object_get(hc, "SecurityOpt");
	}
	for (i = 0; i < json_array_size(arr);) {
		char key[32];

		secopt_split(key, sizeof(key), json_string_value(json_array_get(arr, i)));
		if (strcmp(key, "no-new-privileges") == 0)
			json_array_remove(arr, i);
		else
			i++;
	}
	return json_array_append_new(arr, json_string("no-new-privileges:true")) ? ohs__error_oom() : 0;
}

static int rewrite_limits(const ohs_policy *p, json_t *hc)
{
	json_int_t mem = json_integer_value(json_object_get(hc, "Memory"));
	json_int_t swap = json_integer_value(json_object_get(hc, "MemorySwap"));
	json_int_t nano = json_integer_value(json_object_get(hc, "NanoCpus"));
	json_int_t quota = json_integer_value(json_object_get(hc, "CpuQuota"));
	json_int_t period = json_integer_value(json_object_get(hc, "CpuPeriod"));
	json_int_t pids = json_integer_value(json_object_get(hc, "PidsLimit"));
	const char *cpuset = json_string_value(json_object_get(hc, "CpusetCpus"));
	int rc;

	if (mem <= 0 && p->memory > 0) {
		json_int_t m = p->memory;

		/* The engine refuses MemorySwap below Memory. */
		if (swap > 0 && swap < m)
			m = swap;
		if ((rc = set_new(hc, "Memory", json_integer(m))) < 0)
			return rc;
	}
	/* NanoCpus conflicts with CpuQuota/CpuPeriod: set it only when neither is. */
	if (nano <= 0 && quota <= 0 && period <= 0 && (!cpuset || !*cpuset) && p->nano_cpus > 0 &&
	    (rc = set_new(hc, "NanoCpus", json_integer(p->nano_cpus))) < 0)
		return rc;
	if (pids <= 0 && p->pids > 0 && (rc = set_new(hc, "PidsLimit", json_integer(p->pids))) < 0)
		return rc;
	return 0;
}

int ohs__policy_rewrite_hardened(const ohs_policy *p, json_t *body)
{
	json_t *hc = json_object_get(body, "HostConfig");
	int rc;

	/* missing or null (the checks accept both) */
	if (!json_is_object(hc)) {
		if ((rc = set_new(body, "HostConfig", json_object())) < 0)
			return rc;
		hc = json_object_get(body, "HostConfig");
	}
	if ((rc = rewrite_ports(body, hc)) < 0 ||
	    (rc = rewrite_caps(hc)) < 0 ||
	    (rc = rewrite_secopt(hc)) < 0 ||
	    (rc = rewrite_limits(p, hc)) < 0)
		return rc;
	if (p->user && ohs__policy_user_is_root(json_string_value(json_object_get(body, "User"))) &&
	    (rc = set_new(body, "User", json_string(p->user))) < 0)
		return rc;
	return 0;
}
