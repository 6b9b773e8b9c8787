/*
 * env: build an ohs_config from the OpenHands environment variables.
 *
 * Every variable is documented in ohsandbox(7).  Rules shared by all of
 * them: an empty value is the same as an unset variable; every error names
 * the variable, quotes the value and says what was expected; warnings
 * (deprecated or ignored variables) are stored on the config, never printed.
 */
#include "config_int.h"
#include "image_int.h"
#include "floor_int.h"
#include "hostpath_int.h"
#include "volume_int.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

extern char **environ;

#define OHS_ID_MAX 2147483647L
#define BOOL_EXPECTED "expected true, false, 1 or 0 (any case)"

const char *ohs_env_get(const char *const *envp, const char *name)
{
	return ohs__env_lookup(envp, name);
}

/* The value of `name`, or NULL when it is unset or empty. */
static const char *get(const char *const *envp, const char *name)
{
	const char *v = ohs_env_get(envp, name);

	return v && *v ? v : NULL;
}

/* Prefix the last error with "VAR: " unless it already starts with VAR. */
static int prefixed(int rc, const char *var)
{
	const char *msg = ohs_error_last();
	size_t n = strlen(var);

	if (rc == OHS_ENOMEM)
		return rc;
	if (!msg || strncmp(msg, var, n) != 0 || (msg[n] != ':' && msg[n] != ' '))
		ohs__error_prefix(var);
	return rc;
}

/* Add a warning built with printf-style formatting. */
static int warn(ohs_config *cfg, const char *fmt, ...) OHS_PRINTF(2, 3);
static int warn(ohs_config *cfg, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int rc;

	va_start(ap, fmt);
	s = ohs__vsprintf(fmt, ap);
	va_end(ap);
	if (!s)
		return ohs__error_oom();
	rc = ohs_config_add_warning(cfg, s);
	free(s);
	return rc;
}

/* true/false/1/0 in any case. */
static int get_bool(int *out, const char *const *envp, const char *var)
{
	const char *v = get(envp, var);

	*out = -1; /* unset */
	if (!v)
		return 0;
	if (!strcasecmp(v, "true") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcasecmp(v, "false") || !strcmp(v, "0"))
		*out = 0;
	else
		return ohs__error_set(OHS_EINVAL, "%s: \"%s\" is not a boolean; " BOOL_EXPECTED,
			var, v);
	return 0;
}

/* A decimal id in 0..2147483647 (no sign, no spaces). */
static int get_id(long *out, const char *const *envp, const char *var)
{
	const char *v = get(envp, var);
	long id = 0;
	size_t i;

	*out = -1; /* unset */
	if (!v)
		return 0;
	for (i = 0; v[i]; i++) {
		if (v[i] < '0' || v[i] > '9' || i >= 10)
			goto bad;
		id = id * 10 + (v[i] - '0');
	}
	if (id > OHS_ID_MAX)
		goto bad;
	*out = id;
	return 0;
bad:
	return ohs__error_set(OHS_EINVAL,
		"%s: \"%s\" is not a decimal id in the range 0..2147483647", var, v);
}

/* ------------------------------------------------------------ image */

static int load_image(ohs_config *cfg, const char *const *envp)
{
	const char *full = get(envp, "SANDBOX_RUNTIME_CONTAINER_IMAGE");
	const char *repo = get(envp, "AGENT_SERVER_IMAGE_REPOSITORY");
	const char *tag = get(envp, "AGENT_SERVER_IMAGE_TAG");
	char *drepo = NULL, *dtag = NULL, *ref;
	int rc;

	if (full) {
		if ((rc = ohs_config_set_image(cfg, full)) < 0)
			return prefixed(rc, "SANDBOX_RUNTIME_CONTAINER_IMAGE");
		if (repo || tag)
			return warn(cfg, "SANDBOX_RUNTIME_CONTAINER_IMAGE is set; ignored %s%s%s",
				repo ? "AGENT_SERVER_IMAGE_REPOSITORY" : "",
				repo && tag ? " and " : "",
				tag ? "AGENT_SERVER_IMAGE_TAG" : "");
		return 0;
	}
	if (!repo && !tag)
		return 0; /* the build's default, already set by ohs_config_new */
	if (repo && (rc = ohs__image_check_repository(repo)) < 0)
		return prefixed(rc, "AGENT_SERVER_IMAGE_REPOSITORY");
	if (tag && (rc = ohs__image_check_tag(tag)) < 0)
		return prefixed(rc, "AGENT_SERVER_IMAGE_TAG");
	if ((rc = ohs__image_split_default(&drepo, &dtag)) < 0)
		return rc;
	ref = ohs__sprintf("%s:%s", repo ? repo : drepo, tag ? tag : dtag);
	free(drepo);
	free(dtag);
	if (!ref)
		return ohs__error_oom();
	rc = ohs_config_set_image(cfg, ref);
	free(ref);
	if (rc < 0)
		return prefixed(rc, repo && tag ? "AGENT_SERVER_IMAGE_REPOSITORY/AGENT_SERVER_IMAGE_TAG" :
			repo ? "AGENT_SERVER_IMAGE_REPOSITORY" : "AGENT_SERVER_IMAGE_TAG");
	return 0;
}

/* ------------------------------------------------------------ user */

static int load_user(ohs_config *cfg, const char *const *envp)
{
	long uid, gid;
	char user[48];
	int rc;

	if ((rc = get_id(&uid, envp, "SANDBOX_USER_ID")) < 0)
		return rc;
	if ((rc = get_id(&gid, envp, "SANDBOX_GROUP_ID")) < 0)
		return rc;
	if (uid < 0) {
		if (gid >= 0)
			return warn(cfg, "SANDBOX_GROUP_ID is set without SANDBOX_USER_ID; ignored "
				"(the sandbox runs as the calling process's uid:gid)");
		return 0; /* ohs_config_new already set the caller's uid:gid */
	}
	if (gid < 0) {
		struct passwd pw, *res = NULL;
		long sz = sysconf(_SC_GETPW_R_SIZE_MAX);
		char *buf;

		if (sz < 1024)
			sz = 16384;
		if (!(buf = malloc((size_t)sz)))
			return ohs__error_oom();
		if (getpwuid_r((uid_t)uid, &pw, buf, (size_t)sz, &res) == 0 && res)
			gid = (long)res->pw_gid;
		else
			gid = uid; /* not known on this host: the same number */
		free(buf);
	}
	snprintf(user, sizeof(user), "%ld:%ld", uid, gid);
	if ((rc = ohs_config_set_user(cfg, user)) < 0)
		return prefixed(rc, "SANDBOX_USER_ID");
	return 0;
}

/* ------------------------------------------------------------ volumes */

static int load_volumes(ohs_config *cfg, const char *const *envp)
{
	const char *spec = get(envp, "SANDBOX_VOLUMES");
	const char *base = get(envp, "WORKSPACE_BASE");
	const char *mount = get(envp, "WORKSPACE_MOUNT_PATH");
	const char *in_sandbox = get(envp, "WORKSPACE_MOUNT_PATH_IN_SANDBOX");
	/* HOME strictly from the same environment: an explicit envp without
	 * HOME cannot expand "~" (ohs_volumes_parse refuses a relative or
	 * empty home); NULL asks for the process's HOME. */
	const char *home = envp ? (ohs_env_get(envp, "HOME") ? ohs_env_get(envp, "HOME") : "") : NULL;
	const char *hostvar = mount ? "WORKSPACE_MOUNT_PATH" : "WORKSPACE_BASE";
	const char *host = mount ? mount : base;
	const char *target = in_sandbox ? in_sandbox : "/workspace";
	ohs_volumes *vols = NULL;
	char *src = NULL;
	int rc;

	if (spec) {
		if ((rc = ohs_volumes_parse(&vols, spec, home, NULL)) < 0)
			return prefixed(rc, "SANDBOX_VOLUMES");
		rc = ohs_config_set_volumes(cfg, vols);
		ohs_volumes_free(vols);
		if (rc < 0)
			return rc;
		if (base || mount || in_sandbox)
			return warn(cfg, "SANDBOX_VOLUMES is set; ignored the deprecated %s%s%s%s%s",
				base ? "WORKSPACE_BASE" : "",
				base && (mount || in_sandbox) ? ", " : "",
				mount ? "WORKSPACE_MOUNT_PATH" : "",
				mount && in_sandbox ? ", " : "",
				in_sandbox ? "WORKSPACE_MOUNT_PATH_IN_SANDBOX" : "");
		return 0;
	}
	if (!host) {
		if (in_sandbox)
			return warn(cfg, "WORKSPACE_MOUNT_PATH_IN_SANDBOX is set but neither "
				"WORKSPACE_MOUNT_PATH nor WORKSPACE_BASE is; ignored");
		return 0;
	}
	if ((rc = ohs__volumes_resolve_host(&src, host, strlen(host), home, NULL)) < 0)
		return prefixed(rc, hostvar);
	if ((rc = ohs_volumes_add(ohs_config_volumes(cfg), OHS_MOUNT_BIND, src, target,
			OHS_MOUNT_RW)) < 0) {
		/* a bad target is WORKSPACE_MOUNT_PATH_IN_SANDBOX's fault, anything else the host's */
		const char *msg = ohs_error_last();
		const char *var = in_sandbox && msg && strstr(msg, "container path") ?
			"WORKSPACE_MOUNT_PATH_IN_SANDBOX" : hostvar;

		free(src);
		return prefixed(rc, var);
	}
	rc = warn(cfg, "WORKSPACE_BASE/WORKSPACE_MOUNT_PATH are deprecated; use "
		"SANDBOX_VOLUMES=%s:%s:rw", ohs_volumes_source(ohs_config_volumes(cfg), 0),
		ohs_volumes_target(ohs_config_volumes(cfg), 0));
	free(src);
	return rc;
}

/* ------------------------------------------------------------ container environment */

struct env_pair {
	const char *name;  /* points after SANDBOX_ENV_ (not terminated at '=') */
	size_t nlen;
	const char *value;
};

static int pair_cmp(const void *a, const void *b)
{
	const struct env_pair *x = a, *y = b;
	size_t n = x->nlen < y->nlen ? x->nlen : y->nlen;
	int c = memcmp(x->name, y->name, n);

	if (c)
		return c;
	return x->nlen < y->nlen ? -1 : x->nlen > y->nlen;
}

static int load_container_env(ohs_config *cfg, const char *const *envp)
{
	static const char pfx[] = "SANDBOX_ENV_";
	const size_t plen = sizeof(pfx) - 1;
	const char *const *e = envp ? envp : (const char *const *)environ;
	struct env_pair *pairs = NULL;
	size_t n = 0, cap = 0, i, j;
	int rc = 0;

	for (; e && *e; e++) {
		const char *eq;
		struct env_pair p;
		int dup = 0;

		if (strncmp(*e, pfx, plen) || !(eq = strchr(*e, '=')))
			continue;
		p.name = *e + plen;
		p.nlen = (size_t)(eq - p.name);
		p.value = eq + 1;
		if (!*p.value)
			continue; /* empty: unset */
		if (p.nlen == 0) {
			/* the value is not shown: it may be a secret */
			rc = ohs__error_set(OHS_EINVAL,
				"SANDBOX_ENV_: the variable name after SANDBOX_ENV_ is empty; "
				"expected SANDBOX_ENV_<NAME>=value with NAME matching [A-Za-z_][A-Za-z0-9_]*");
			goto out;
		}
		for (j = 0; j < n; j++)
			if (pairs[j].nlen == p.nlen && !memcmp(pairs[j].name, p.name, p.nlen))
				dup = 1; /* the first occurrence wins, as in ohs_env_get() */
		if (dup)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct env_pair *np = realloc(pairs, ncap * sizeof(*np));

			if (!np) {
				rc = ohs__error_oom();
				goto out;
			}
			pairs = np;
			cap = ncap;
		}
		pairs[n++] = p;
	}
	if (n > 1)
		qsort(pairs, n, sizeof(*pairs), pair_cmp);
	for (i = 0; i < n; i++) {
		char *name = ohs__strndup(pairs[i].name, pairs[i].nlen);

		if (!name) {
			rc = ohs__error_oom();
			goto out;
		}
		rc = ohs_config_set_env(cfg, name, pairs[i].value);
		if (rc < 0) {
			char *var = ohs__sprintf("%s%s", pfx, name);

			if (rc != OHS_ENOMEM && var)
				ohs__error_prefix(var);
			free(var);
		}
		free(name);
		if (rc < 0)
			goto out;
	}
out:
	free(pairs);
	return rc;
}

/* ------------------------------------------------------------ network */

static int load_network(ohs_config *cfg, const char *const *envp)
{
	ohs_netpolicy *np = ohs_config_netpolicy(cfg);
	const char *addr = get(envp, "SANDBOX_RUNTIME_BINDING_ADDRESS");
	const char *mode = get(envp, "SANDBOX_NETWORK");
	const char *nets = get(envp, "SANDBOX_ADDITIONAL_NETWORKS");
	int use_host, internal, rc;

	if ((rc = get_bool(&use_host, envp, "SANDBOX_USE_HOST_NETWORK")) < 0)
		return rc;
	if ((rc = get_bool(&internal, envp, "SANDBOX_NETWORK_INTERNAL")) < 0)
		return rc;
	if (addr && (rc = ohs_netpolicy_set_binding_address(np, addr)) < 0)
		return prefixed(rc, "SANDBOX_RUNTIME_BINDING_ADDRESS");
	if (mode && (rc = ohs_netpolicy_set_mode(np, mode)) < 0)
		return prefixed(rc, "SANDBOX_NETWORK");
	if (use_host == 1) {
		if (mode && strcmp(mode, "host") != 0 &&
		    (rc = warn(cfg, "SANDBOX_USE_HOST_NETWORK=true overrides SANDBOX_NETWORK=\"%s\"; "
				"the sandbox uses the host network", mode)) < 0)
			return rc;
		if ((rc = ohs_netpolicy_set_mode(np, "host")) < 0)
			return prefixed(rc, "SANDBOX_USE_HOST_NETWORK");
	}
	if (internal >= 0 && (rc = ohs_netpolicy_set_internal(np, internal)) < 0)
		return prefixed(rc, "SANDBOX_NETWORK_INTERNAL");
	if (nets && (rc = ohs_netpolicy_parse_networks(np, nets)) < 0)
		return prefixed(rc, "SANDBOX_ADDITIONAL_NETWORKS");
	/* fail closed at config time when "internal" can never hold */
	return ohs__netpolicy_check_internal(np);
}

/* ------------------------------------------------------------ security policy */

/*
 * SANDBOX_SECURITY_PROFILE (permissive, default, hardened) and
 * SANDBOX_SECURITY_MODE (enforce, warn); unknown names fail closed.  HOME
 * from the same environment only adds a home to those of the password
 * database.  DOCKER_HOST says whether the engine is local (unset, unix://,
 * tcp:// to a loopback address) and which socket it listens on.
 */
static int floor_security(ohs_config *cfg, const char **prof, const char **mode, const char **origin);

static int load_security(ohs_config *cfg, const char *const *envp)
{
	const char *prof = get(envp, "SANDBOX_SECURITY_PROFILE");
	const char *mode = get(envp, "SANDBOX_SECURITY_MODE");
	const char *home = get(envp, "HOME");
	const char *dh = get(envp, "DOCKER_HOST");
	char *sock = NULL;
	ohs_security_profile p;
	ohs_security_mode m;
	ohs_policy *pol = NULL;
	const char *origin[2] = { NULL, NULL };
	int rc;

	if (prof && (rc = ohs_policy_profile_from_name(&p, prof)) < 0)
		return prefixed(rc, "SANDBOX_SECURITY_PROFILE");
	if (mode && (rc = ohs_policy_mode_from_name(&m, mode)) < 0)
		return prefixed(rc, "SANDBOX_SECURITY_MODE");
	if ((rc = floor_security(cfg, &prof, &mode, origin)) < 0)
		return rc;
	if ((rc = ohs_policy_new(&pol, prof, mode)) < 0)
		return rc;
	if (envp && (rc = ohs_policy_set_home(pol, home && home[0] == '/' ? home : NULL)) < 0) {
		ohs_policy_free(pol);
		return prefixed(rc, "HOME");
	}
	if ((rc = ohs__hostpath_docker_host_local(dh, &sock)) < 0 ||
	    (rc = ohs_policy_set_engine_local(pol, rc)) < 0 ||
	    (sock && (rc = ohs_policy_set_engine_socket(pol, sock)) < 0)) {
		free(sock);
		ohs_policy_free(pol);
		return rc;
	}
	free(sock);
	rc = ohs_config_set_policy(cfg, pol);
	ohs_policy_free(pol);
	if (rc == 0 && (rc = ohs__config_set_origin(cfg, "profile", origin[0])) == 0)
		rc = ohs__config_set_origin(cfg, "mode", origin[1]);
	return rc;
}

/* ------------------------------------------------------------ main process */

/* SANDBOX_OVERRIDE_COMMAND=auto|true|false: who decides the main process. */
static int load_override(ohs_config *cfg, const char *const *envp)
{
	const char *v = get(envp, "SANDBOX_OVERRIDE_COMMAND");
	ohs_override_command m;
	int rc;

	if (!v)
		return 0;
	if ((rc = ohs_override_command_from_name(&m, v)) < 0 ||
	    (rc = ohs_config_set_override_command(cfg, m)) < 0)
		return prefixed(rc, "SANDBOX_OVERRIDE_COMMAND");
	return 0;
}

/*
 * The operator's floor (floor.c): the environment may ask for a stricter
 * profile or mode, never a weaker one (an error naming the variable and the
 * floor); unset, the floor's own applies.  Records where each came from.
 */
static int floor_security(ohs_config *cfg, const char **prof, const char **mode, const char **origin)
{
	const ohs_floor *f = ohs_config_floor(cfg);
	int fp = ohs__floor_profile(f), fm = ohs__floor_mode(f);
	ohs_security_profile p = OHS_PROFILE_DEFAULT;
	ohs_security_mode m = OHS_MODE_ENFORCE;

	if (*prof)
		ohs_policy_profile_from_name(&p, *prof);
	if (*mode)
		ohs_policy_mode_from_name(&m, *mode);
	if (*prof && fp >= 0 && (int)p < fp)
		return ohs__error_set(OHS_EPOLICY, "SANDBOX_SECURITY_PROFILE: \"%s\" is weaker than the floor "
			"\"%s\" of %s; expected \"%s\" or stricter (the environment cannot lower the floor)",
			*prof, ohs_floor_profile(f), ohs_floor_origin(f, "profile"), ohs_floor_profile(f));
	if (*mode && fm >= 0 && ohs__floor_mode_rank((int)m) < ohs__floor_mode_rank(fm))
		return ohs__error_set(OHS_EPOLICY, "SANDBOX_SECURITY_MODE: \"%s\" is weaker than the floor "
			"\"%s\" of %s; expected \"%s\" (the environment cannot lower the floor)",
			*mode, ohs_floor_mode(f), ohs_floor_origin(f, "mode"), ohs_floor_mode(f));
	origin[0] = *prof && (fp < 0 || (int)p > fp) ? "SANDBOX_SECURITY_PROFILE" :
		fp >= 0 ? ohs_floor_origin(f, "profile") : NULL;
	origin[1] = *mode && (fm < 0 || m != (ohs_security_mode)fm) ? "SANDBOX_SECURITY_MODE" :
		fm >= 0 ? ohs_floor_origin(f, "mode") : NULL;
	if (!*prof && fp >= 0)
		*prof = ohs_floor_profile(f);
	if (!*mode && fm >= 0)
		*mode = ohs_floor_mode(f);
	return 0;
}

/* ------------------------------------------------------------ entry point */

/* ------------------------------------------------------------ provenance of env settings */

/* Record where ohs_env_load took each setting from (config origins). */
static int env_origins(ohs_config *cfg, const char *const *envp)
{
	static const struct {
		const char *setting;
		const char *vars[4];
	} tab[] = {
		{ "image", { "SANDBOX_RUNTIME_CONTAINER_IMAGE", "AGENT_SERVER_IMAGE_REPOSITORY",
			"AGENT_SERVER_IMAGE_TAG", NULL } },
		{ "user", { "SANDBOX_USER_ID", NULL } },
		{ "volumes", { "SANDBOX_VOLUMES", "WORKSPACE_MOUNT_PATH", "WORKSPACE_BASE", NULL } },
		{ "network", { "SANDBOX_USE_HOST_NETWORK", "SANDBOX_NETWORK", NULL } },
		{ "binding_address", { "SANDBOX_RUNTIME_BINDING_ADDRESS", NULL } },
		{ "internal", { "SANDBOX_NETWORK_INTERNAL", NULL } },
		{ "additional_networks", { "SANDBOX_ADDITIONAL_NETWORKS", NULL } },
	};
	size_t i, j;
	int rc;

	for (i = 0; i < OHS_ARRAY_SIZE(tab); i++) {
		ohs__buf b = {0};

		for (j = 0; tab[i].vars[j]; j++) {
			const char *v = ohs__env_lookup(envp, tab[i].vars[j]);

			if (!v || !*v)
				continue;
			/* SANDBOX_RUNTIME_CONTAINER_IMAGE and SANDBOX_VOLUMES win over the rest */
			if (b.len && (j == 1 || j == 2) && (i == 0 || i == 2) &&
			    strcmp(b.data, tab[i].vars[0]) == 0)
				continue;
			/* SANDBOX_USE_HOST_NETWORK only counts when true */
			if (i == 3 && j == 0 && strcasecmp(v, "true") != 0 && strcmp(v, "1") != 0)
				continue;
			if (i == 3 && j == 1 && b.len)
				continue;
			if ((b.len && ohs__buf_puts(&b, "/") < 0) || ohs__buf_puts(&b, tab[i].vars[j]) < 0) {
				ohs__buf_clear(&b);
				return ohs__error_oom();
			}
		}
		rc = b.len ? ohs__config_set_origin(cfg, tab[i].setting, b.data) : 0;
		ohs__buf_clear(&b);
		if (rc < 0)
			return rc;
	}
	/* SANDBOX_ENV_* */
	{
		const char *const *e = envp ? envp : (const char *const *)environ;

		for (; e && *e; e++)
			if (strncmp(*e, "SANDBOX_ENV_", 12) == 0 && strchr(*e, '=') && strchr(*e, '=')[1])
				return ohs__config_set_origin(cfg, "env", "SANDBOX_ENV_*");
	}
	return 0;
}


int ohs_env_load(ohs_config **out, const char *const *envp)
{
	return ohs_env_load_floor(out, envp, NULL);
}

int ohs_env_load_floor(ohs_config **out, const char *const *envp, const ohs_floor *floor)
{
	ohs_config *cfg = NULL;
	ohs_floor *sys = NULL;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_env_load: out is NULL");
	*out = NULL;
	if ((rc = ohs_config_new(&cfg)) < 0)
		return rc;
	/* The operator's floor, before any variable: the system file, then the caller's on top. */
	if ((rc = ohs_floor_system(&sys)) < 0 ||
	    (sys && (rc = ohs_config_set_floor(cfg, sys)) < 0) ||
	    (floor && (rc = ohs_config_set_floor(cfg, floor)) < 0)) {
		ohs_floor_free(sys);
		goto fail;
	}
	ohs_floor_free(sys);
	if ((rc = load_image(cfg, envp)) < 0 ||
	    (rc = load_user(cfg, envp)) < 0 ||
	    (rc = load_volumes(cfg, envp)) < 0 ||
	    (rc = load_container_env(cfg, envp)) < 0 ||
	    (rc = load_network(cfg, envp)) < 0 ||
	    (rc = load_override(cfg, envp)) < 0)
		goto fail;

	/* Last, so that the policy is the one the session will apply. */
	if ((rc = load_security(cfg, envp)) < 0 ||
	    (rc = env_origins(cfg, envp)) < 0)
		goto fail;

	*out = cfg;
	return 0;
fail:
	ohs_config_free(cfg);
	return rc;
}
