/*
 * policy: CIS-based checks over the exact create body, profiles, modes and
 * the hardened rewrite.  Pure except for the host facts of hostpath.c
 * (bind sources resolved and stat'ed, engine socket inode and group, the
 * password and group databases), which it asks for only when the engine is
 * local; getenv("HOME") at ohs_policy_new.  See ohs_policy_new(3) and
 * ohsandbox-policy(7).
 *
 * This file: the policy object (profile, mode, home, engine facts, default
 * limits and user), the walk of a body through every check
 * (ohs_policy_check), the verdict (ohs_policy_apply) and the policy for the
 * engine a session really talks to (ohs__policy_for_host).  The checks are
 * in policy_paths.c (mounts) and policy_keys.c (every other key), names and
 * findings in policy_report.c.  Used by config.c and config_render.c (a
 * config holds a policy and applies it), env.c (builds one), exec.c (the
 * exec user check), the CLI and the bindings.
 */
#include "policy_impl_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define DEF_MEMORY (4LL * 1024 * 1024 * 1024)
#define DEF_NANO_CPUS (2LL * 1000 * 1000 * 1000)
#define DEF_PIDS 4096
#define DEF_USER "65534:65534"


/* Members the create body may have (every other one is refused). */
static const char *const top_keys[] = { "User", "Env", "ExposedPorts", "HostConfig", "NetworkingConfig" };
static const char *const hc_keys[] = {
	"Privileged", "Binds", "Mounts", "CapAdd", "CapDrop", "NetworkMode", "PidMode", "IpcMode",
	"UTSMode", "UsernsMode", "CgroupnsMode", "SecurityOpt", "ReadonlyRootfs", "PortBindings",
	"PublishAllPorts", "Memory", "MemorySwap", "NanoCpus", "CpuQuota", "CpuPeriod", "CpusetCpus",
	"PidsLimit", "Devices", "DeviceRequests", "DeviceCgroupRules", "VolumesFrom", "GroupAdd",
	"MaskedPaths", "ReadonlyPaths", "Runtime", "CgroupParent", "OomScoreAdj",
};
static const char *const nc_keys[] = { "EndpointsConfig" };

/* ------------------------------------------------------------ policy */

static int set_str(char **dst, const char *s)
{
	char *d = NULL;

	if (s && !(d = ohs__strdup(s)))
		return ohs__error_oom();
	free(*dst);
	*dst = d;
	return 0;
}

int ohs_policy_new(ohs_policy **out, const char *profile, const char *mode)
{
	ohs_policy *p;
	ohs_security_profile pr = OHS_PROFILE_DEFAULT;
	ohs_security_mode mo = OHS_MODE_ENFORCE;
	const char *home = getenv("HOME");
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_new: out is NULL");
	*out = NULL;
	if (profile && (rc = ohs_policy_profile_from_name(&pr, profile)) < 0)
		return rc;
	if (mode && (rc = ohs_policy_mode_from_name(&mo, mode)) < 0)
		return rc;
	if (!(p = calloc(1, sizeof(*p))))
		return ohs__error_oom();
	p->profile = pr;
	p->mode = mo;
	p->memory = DEF_MEMORY;
	p->nano_cpus = DEF_NANO_CPUS;
	p->pids = DEF_PIDS;
	if ((rc = set_str(&p->user, DEF_USER)) < 0) {
		ohs_policy_free(p);
		return rc;
	}
	/* A relative or empty $HOME is ignored: the home checks then cover "/" only. */
	if (home && home[0] == '/' && (rc = ohs_policy_set_home(p, home)) < 0) {
		ohs_policy_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int ohs_policy_dup(ohs_policy **out, const ohs_policy *p)
{
	ohs_policy *d;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_dup: out is NULL");
	*out = NULL;
	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_dup: p is NULL");
	if (!(d = calloc(1, sizeof(*d))))
		return ohs__error_oom();
	*d = *p;
	d->home = NULL;
	d->user = NULL;
	d->engine_socket = NULL;
	if (set_str(&d->home, p->home) < 0 || set_str(&d->user, p->user) < 0 ||
	    set_str(&d->engine_socket, p->engine_socket) < 0) {
		ohs_policy_free(d);
		return OHS_ENOMEM;
	}
	*out = d;
	return 0;
}

void ohs_policy_free(ohs_policy *p)
{
	if (!p)
		return;
	free(p->home);
	free(p->user);
	free(p->engine_socket);
	free(p);
}

const char *ohs_policy_profile(const ohs_policy *p)
{
	return p ? ohs_policy_profile_name(p->profile) : NULL;
}

const char *ohs_policy_mode(const ohs_policy *p)
{
	return p ? ohs_policy_mode_name(p->mode) : NULL;
}

int ohs_policy_set_home(ohs_policy *p, const char *home)
{
	char *clean;
	int oom;

	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_home: p is NULL");
	if (!home) {
		free(p->home);
		p->home = NULL;
		return 0;
	}
	clean = ohs__path_clean(home, &oom);
	if (oom)
		return ohs__error_oom();
	if (!clean)
		return ohs__error_set(OHS_EINVAL,
			"ohs_policy_set_home: home \"%s\" must be an absolute path", home);
	free(p->home);
	p->home = clean;
	return 0;
}

const char *ohs_policy_home(const ohs_policy *p)
{
	return p ? p->home : NULL;
}

int ohs_policy_set_engine_local(ohs_policy *p, int local)
{
	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_engine_local: p is NULL");
	p->remote = !local;
	return 0;
}

int ohs_policy_engine_local(const ohs_policy *p)
{
	return p ? !p->remote : 0;
}

int ohs_policy_set_engine_socket(ohs_policy *p, const char *path)
{
	char *clean;
	int oom;

	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_engine_socket: p is NULL");
	if (!path || !*path)
		return set_str(&p->engine_socket, NULL);
	clean = ohs__path_clean(path, &oom);
	if (oom)
		return ohs__error_oom();
	if (!clean)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_engine_socket: socket path \"%s\" must be "
			"absolute, e.g. /var/run/docker.sock", path);
	free(p->engine_socket);
	p->engine_socket = clean;
	return 0;
}

const char *ohs_policy_engine_socket(const ohs_policy *p)
{
	return p ? p->engine_socket : NULL;
}

int ohs_policy_set_default_limits(ohs_policy *p, int64_t memory_bytes, int64_t nano_cpus, int64_t pids)
{
	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_default_limits: p is NULL");
	if (memory_bytes < 0)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_default_limits: memory_bytes %lld is negative; "
			"expected 0 (no default) or a positive byte count", (long long)memory_bytes);
	if (nano_cpus < 0)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_default_limits: nano_cpus %lld is negative; "
			"expected 0 (no default) or a positive count of 1e-9 CPUs", (long long)nano_cpus);
	if (pids < 0)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_default_limits: pids %lld is negative; "
			"expected 0 (no default) or a positive process count", (long long)pids);
	p->memory = memory_bytes;
	p->nano_cpus = nano_cpus;
	p->pids = pids;
	return 0;
}

int ohs_policy_default_limits(int64_t *memory_bytes, int64_t *nano_cpus, int64_t *pids, const ohs_policy *p)
{
	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_default_limits: p is NULL");
	if (memory_bytes)
		*memory_bytes = p->memory;
	if (nano_cpus)
		*nano_cpus = p->nano_cpus;
	if (pids)
		*pids = p->pids;
	return 0;
}

int ohs__policy_check_exec_user(const ohs_findings *f, const char *user, const char *fn)
{
	if (!f || !user || !*user || f->profile != OHS_PROFILE_HARDENED || f->mode != OHS_MODE_ENFORCE ||
	    !ohs__policy_user_is_root(user))
		return 0;
	return ohs__error_set(OHS_EPOLICY, "%s: security profile \"hardened\" refuses exec user \"%s\" "
		"(it runs as root, uid 0); expected a non-root \"UID[:GID]\" or user name, or no user "
		"(the sandbox's own)", fn, user);
}

int ohs_policy_set_default_user(ohs_policy *p, const char *user)
{
	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_default_user: p is NULL");
	if (user && *user && ohs__policy_user_is_root(user))
		return ohs__error_set(OHS_EINVAL, "ohs_policy_set_default_user: user \"%s\" is root; "
			"expected a non-root \"UID[:GID]\" or user name", user);
	return set_str(&p->user, user && *user ? user : NULL);
}

const char *ohs_policy_default_user(const ohs_policy *p)
{
	return p ? p->user : NULL;
}

static int check_body(ohs_findings *f, const ohs_policy *p, json_t *body)
{
	ctx c = { p, f };
	json_t *hc, *vf;
	int rc, b;
	size_t i;

	if (!json_is_object(body))
		return ohs__policy_type_error("the body", "a JSON object", body);
	if ((rc = ohs__policy_keys_walk(body, "the body", 0)) < 0 ||
	    (rc = KEYS_EXACT(body, "the body", top_keys)) < 0 ||
	    (rc = ohs__policy_get_object(&hc, body, "HostConfig", "HostConfig")) < 0 ||
	    (rc = KEYS_EXACT(hc, "HostConfig", hc_keys)) < 0 ||
	    (rc = KEYS_EXACT(json_object_get(body, "NetworkingConfig"), "NetworkingConfig", nc_keys)) < 0)
		return rc;
	if ((rc = ohs__policy_get_bool(&b, hc, "Privileged", "HostConfig.Privileged")) < 0)
		return rc;
	if (b && (rc = ohs__policy_add(&c, C_PRIVILEGED, "HostConfig.Privileged", "true")) < 0)
		return rc;
	if ((rc = ohs__policy_check_mounts(&c, hc, body)) < 0 ||
	    (rc = ohs__policy_check_caps(&c, hc)) < 0 ||
	    (rc = ohs__policy_check_ns(&c, hc, body)) < 0 ||
	    (rc = ohs__policy_check_secopts(&c, hc)) < 0)
		return rc;
	if ((rc = ohs__policy_get_bool(&b, hc, "ReadonlyRootfs", "HostConfig.ReadonlyRootfs")) < 0)
		return rc;
	if (!b && (rc = ohs__policy_add(&c, C_ROOTFS, "HostConfig.ReadonlyRootfs", "false")) < 0)
		return rc;
	if ((rc = ohs__policy_check_ports(&c, hc)) < 0 ||
	    (rc = ohs__policy_check_limits(&c, hc)) < 0 ||
	    (rc = ohs__policy_check_devices(&c, hc)) < 0 ||
	    (rc = ohs__policy_check_user_env(&c, body)) < 0 ||
	    (rc = ohs__policy_check_groups(&c, body, hc)) < 0 ||
	    (rc = ohs__policy_check_fields(&c, hc)) < 0)
		return rc;
	if ((rc = ohs__policy_get_array(&vf, hc, "VolumesFrom", "HostConfig.VolumesFrom")) < 0)
		return rc;
	for (i = 0; vf && i < json_array_size(vf); i++) {
		const char *s;

		if ((rc = ohs__policy_array_str(&s, vf, i, "HostConfig.VolumesFrom")) < 0 ||
		    (rc = ohs__policy_add_at(&c, C_VOLUMES_FROM, "HostConfig.VolumesFrom", i, NULL, s)) < 0)
			return rc;
	}
	return 0;
}

static int parse_body(json_t **out, const char *fn, const char *body)
{
	json_error_t err;

	*out = json_loads(body, JSON_REJECT_DUPLICATES, &err);
	if (!*out)
		return ohs__error_set(OHS_EINVAL, "%s: create body is not valid JSON "
			"(line %d, column %d: %s); refusing to check it", fn, err.line, err.column, err.text);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return ohs__error_set(OHS_EINVAL, "%s: create body must be a JSON object", fn);
	}
	return 0;
}

static int run_checks(ohs_findings **out, const ohs_policy *p, json_t *body, const char *fn)
{
	ohs_findings *f = ohs__policy_findings_new(p);
	int rc;

	*out = NULL;
	if (!f)
		return ohs__error_oom();
	if ((rc = check_body(f, p, body)) < 0) {
		ohs_findings_free(f);
		ohs__error_prefix(fn);
		return rc;
	}
	*out = f;
	return 0;
}

int ohs_policy_check(ohs_findings **out, const ohs_policy *p, const char *create_body)
{
	json_t *body;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_check: out is NULL");
	*out = NULL;
	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_check: p is NULL");
	if (!create_body)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_check: create_body is NULL");
	if ((rc = parse_body(&body, "ohs_policy_check", create_body)) < 0)
		return rc;
	rc = run_checks(out, p, body, "ohs_policy_check");
	json_decref(body);
	return rc;
}

static int same_finding(const finding *a, const finding *b)
{
	return a->check == b->check && strcmp(a->field, b->field) == 0 && strcmp(a->value, b->value) == 0;
}

/*
 * Findings of the rewritten body, in the order of the original ones; an
 * original finding that the rewrite removed is kept, marked fixed.
 */
static int merge_findings(ohs_findings **out, const ohs_policy *p, const ohs_findings *before,
	const ohs_findings *after)
{
	ohs_findings *m = ohs__policy_findings_new(p);
	char *used = calloc(after->n + 1, 1);
	size_t i, j;
	int rc = 0;

	*out = NULL;
	if (!m || !used) {
		ohs_findings_free(m);
		free(used);
		return ohs__error_oom();
	}
	for (i = 0; i < before->n && rc == 0; i++) {
		const finding *a = &before->v[i];

		for (j = 0; j < after->n; j++)
			if (!used[j] && same_finding(a, &after->v[j]))
				break;
		if (j < after->n)
			used[j] = 1;
		rc = ohs__policy_findings_add_note(m, a->check, a->field, a->value, a->note, j == after->n, a->strict);
	}
	for (j = 0; j < after->n && rc == 0; j++)
		if (!used[j])
			rc = ohs__policy_findings_add_note(m, after->v[j].check, after->v[j].field, after->v[j].value,
				after->v[j].note, 0, after->v[j].strict);
	free(used);
	if (rc < 0) {
		ohs_findings_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

/* OHS_EPOLICY with every refused finding named. */
static int refusal_error(const ohs_policy *p, const ohs_findings *f)
{
	ohs__buf b = {0};
	size_t i, k = 0;
	int rc;

	for (i = 0; i < f->n; i++) {
		const finding *x = &f->v[i];
		char *s;

		if (!x->refused)
			continue;
		s = ohs__sprintf("%s%s %s=\"%s\" (%s)", k++ ? "; " : "", ohs__policy_def_of(x)->id, x->field,
			x->value, ohs__policy_def_of(x)->title);
		if (!s || ohs__buf_puts(&b, s) < 0) {
			free(s);
			ohs__buf_clear(&b);
			return ohs__error_oom();
		}
		free(s);
	}
	rc = ohs__error_set(OHS_EPOLICY, "security profile \"%s\" (mode \"%s\") refuses the sandbox: %zu "
		"refused finding%s: %s", ohs_policy_profile_name(p->profile), ohs_policy_mode_name(p->mode),
		f->refused, f->refused == 1 ? "" : "s", b.data ? b.data : "");
	ohs__buf_clear(&b);
	return rc;
}

int ohs_policy_apply(char **out_body, ohs_findings **out_findings, const ohs_policy *p,
	const char *create_body)
{
	static const char fn[] = "ohs_policy_apply";
	json_t *body = NULL;
	ohs_findings *before = NULL, *after = NULL, *f = NULL;
	char *out = NULL;
	int rc;

	if (out_findings)
		*out_findings = NULL;
	if (!out_body)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_apply: out_body is NULL");
	*out_body = NULL;
	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_apply: p is NULL");
	if (!create_body)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_apply: create_body is NULL");
	if ((rc = parse_body(&body, fn, create_body)) < 0)
		return rc;
	if ((rc = run_checks(&before, p, body, fn)) < 0)
		goto out;
	if (p->profile == OHS_PROFILE_HARDENED) {
		if ((rc = ohs__policy_rewrite_hardened(p, body)) < 0 ||
		    (rc = run_checks(&after, p, body, fn)) < 0 ||
		    (rc = merge_findings(&f, p, before, after)) < 0)
			goto out;
		if (!(out = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
			rc = ohs__error_oom();
			goto out;
		}
	} else {
		f = before;
		before = NULL;
		if (!(out = ohs__strdup(create_body))) {
			rc = ohs__error_oom();
			goto out;
		}
	}
	if (p->mode == OHS_MODE_ENFORCE && f->refused > 0) {
		rc = refusal_error(p, f);
		free(out);
		out = NULL;
		if (rc == OHS_EPOLICY && out_findings) {
			*out_findings = f;
			f = NULL;
		}
		goto out;
	}
	*out_body = out;
	out = NULL;
	if (out_findings) {
		*out_findings = f;
		f = NULL;
	}
out:
	free(out);
	ohs_findings_free(before);
	ohs_findings_free(after);
	ohs_findings_free(f);
	json_decref(body);
	return rc;
}

/* ------------------------------------------------------------ the engine judged */

int ohs__policy_for_host(ohs_policy **out, const ohs_policy *p, const char *docker_host)
{
	char *sock = NULL;
	int local, rc;

	*out = NULL;
	if ((local = ohs__hostpath_docker_host_local(docker_host, &sock)) < 0)
		return local;
	/* Judge with the facts of the engine the session really talks to. */
	if (p->remote || (local && (!sock || p->engine_socket ||
	    ohs__policy_in_list(sock, ohs__policy_default_sockets, OHS_ARRAY_SIZE(ohs__policy_default_sockets))))) {
		free(sock);
		return 0;
	}
	if ((rc = ohs_policy_dup(out, p)) == 0) {
		rc = local ? ohs_policy_set_engine_socket(*out, sock) : ohs_policy_set_engine_local(*out, 0);
		if (rc < 0) {
			ohs_policy_free(*out);
			*out = NULL;
		}
	}
	free(sock);
	return rc;
}

/* ------------------------------------------------------------ API 1.1 additions */

int ohs_policy_new_enum(ohs_policy **out, ohs_security_profile profile, ohs_security_mode mode)
{
	const char *pn = ohs_policy_profile_name(profile), *mn = ohs_policy_mode_name(mode);

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_new_enum: out is NULL");
	*out = NULL;
	if (!pn)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_new_enum: profile %d is not an "
			"ohs_security_profile (0 permissive, 1 default, 2 hardened)", (int)profile);
	if (!mn)
		return ohs__error_set(OHS_EINVAL, "ohs_policy_new_enum: mode %d is not an "
			"ohs_security_mode (0 enforce, 1 warn)", (int)mode);
	return ohs_policy_new(out, pn, mn);
}

const char *ohs_findings_profile(const ohs_findings *f)
{
	return f ? ohs_policy_profile_name(f->profile) : NULL;
}

const char *ohs_findings_mode(const ohs_findings *f)
{
	return f ? ohs_policy_mode_name(f->mode) : NULL;
}
