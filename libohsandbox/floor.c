/*
 * floor: the operator's policy file, a floor the (untrusted) environment
 * cannot lower.  See ohs_floor_load(3) and ohsandbox-policy(7), FLOOR.
 *
 * Parsing fails closed: invalid JSON, a duplicate, unknown or wrongly
 * typed key or a bad value is an error naming the file and the key.  The
 * checks on the create body run in ohs_config_apply_policy() (config_render.c),
 * where the body and the network policy meet.
 */
#include "floor_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef OHS_SYSCONFDIR
# define OHS_SYSCONFDIR "/etc"
#endif
#define SYSTEM_PATH OHS_SYSCONFDIR "/ohsandbox/policy.json"
#define FLOOR_MAX_BYTES (1024 * 1024)
#define KEYS_EXPECTED "\"profile\", \"mode\", \"host_paths\", \"networks\", \"runtime\""

enum { K_PROFILE, K_MODE, K_HOST_PATHS, K_NETWORKS, K_RUNTIME, K__COUNT };
static const char *const key_names[K__COUNT] = { "profile", "mode", "host_paths", "networks", "runtime" };

struct ohs_floor {
	int profile;            /* -1: free */
	int mode;               /* -1: free */
	char *runtime;          /* NULL: free */
	int has_host_paths;
	ohs__strvec host_paths; /* absolute, lexically clean */
	int has_networks;
	ohs__strvec networks;
	char *origin[K__COUNT];
};

/* ------------------------------------------------------------ helpers */

static ohs_floor *floor_alloc(void)
{
	ohs_floor *f = calloc(1, sizeof(*f));

	if (f)
		f->profile = f->mode = -1;
	return f;
}

void ohs_floor_free(ohs_floor *f)
{
	size_t k;

	if (!f)
		return;
	free(f->runtime);
	ohs__strvec_clear(&f->host_paths);
	ohs__strvec_clear(&f->networks);
	for (k = 0; k < K__COUNT; k++)
		free(f->origin[k]);
	free(f);
}

/* Lexically clean an absolute path (see ohs__path_clean); NULL on OOM. */
static char *path_clean(const char *in)
{
	int oom;

	return ohs__path_clean(in, &oom);
}

#define path_under ohs__path_under

/* Docker's network / runtime name rule: [A-Za-z0-9][A-Za-z0-9_.-]*, at most 255. */
static int name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 255)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
			return 0;
	}
	return 1;
}

static const char *jtype(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/* ------------------------------------------------------------ parsing */

static int parse_names(ohs__strvec *out, json_t *v, const char *origin, const char *key, int paths)
{
	size_t i;
	int rc;

	if (!json_is_array(v))
		return ohs__error_set(OHS_EINVAL, "%s: key \"%s\" is %s; expected an array of %s",
			origin, key, jtype(v), paths ? "absolute host paths" : "network names");
	for (i = 0; i < json_array_size(v); i++) {
		json_t *e = json_array_get(v, i);
		const char *s = json_string_value(e);

		if (!json_is_string(e))
			return ohs__error_set(OHS_EINVAL, "%s: key \"%s\" entry %zu is %s; expected a string",
				origin, key, i + 1, jtype(e));
		if (paths) {
			char *c;

			if (s[0] != '/')
				return ohs__error_set(OHS_EINVAL, "%s: key \"%s\" entry %zu (\"%s\") is not an "
					"absolute path; expected a host directory such as \"/srv/code\"",
					origin, key, i + 1, s);
			if (!(c = path_clean(s)))
				return ohs__error_oom();
			rc = ohs__strvec_push_owned(out, c);
		} else {
			if (!name_ok(s))
				return ohs__error_set(OHS_EINVAL, "%s: key \"%s\" entry %zu (\"%s\") is not a network "
					"name; expected [A-Za-z0-9][A-Za-z0-9_.-]*", origin, key, i + 1, s);
			rc = ohs__strvec_push(out, s);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int parse_obj(ohs_floor *f, json_t *root, const char *origin)
{
	const char *key;
	json_t *v;
	int rc;

	if (!json_is_object(root))
		return ohs__error_set(OHS_EINVAL, "%s: the top level is %s; expected an object with the keys "
			KEYS_EXPECTED, origin, jtype(root));
	json_object_foreach(root, key, v) {
		size_t k;

		for (k = 0; k < K__COUNT; k++)
			if (strcmp(key, key_names[k]) == 0)
				break;
		if (k == K__COUNT)
			return ohs__error_set(OHS_EINVAL, "%s: key \"%s\" is unknown; expected " KEYS_EXPECTED
				" (a floor never ignores what it does not understand)", origin, key);
		if ((k == K_PROFILE || k == K_MODE || k == K_RUNTIME) && !json_is_string(v))
			return ohs__error_set(OHS_EINVAL, "%s: key \"%s\" is %s; expected a string",
				origin, key, jtype(v));
		switch (k) {
		case K_PROFILE: {
			ohs_security_profile p;

			if (ohs_policy_profile_from_name(&p, json_string_value(v)) < 0)
				return ohs__error_set(OHS_EINVAL, "%s: key \"profile\": \"%s\" is unknown; expected "
					"\"permissive\", \"default\" or \"hardened\"", origin, json_string_value(v));
			f->profile = (int)p;
			break;
		}
		case K_MODE: {
			ohs_security_mode m;

			if (ohs_policy_mode_from_name(&m, json_string_value(v)) < 0)
				return ohs__error_set(OHS_EINVAL, "%s: key \"mode\": \"%s\" is unknown; expected "
					"\"enforce\" or \"warn\"", origin, json_string_value(v));
			f->mode = (int)m;
			break;
		}
		case K_RUNTIME:
			if (!name_ok(json_string_value(v)))
				return ohs__error_set(OHS_EINVAL, "%s: key \"runtime\": \"%s\" is not a runtime name; "
					"expected [A-Za-z0-9][A-Za-z0-9_.-]* such as \"runsc\"", origin,
					json_string_value(v));
			if (!(f->runtime = ohs__strdup(json_string_value(v))))
				return ohs__error_oom();
			break;
		case K_HOST_PATHS:
			f->has_host_paths = 1;
			if ((rc = parse_names(&f->host_paths, v, origin, key, 1)) < 0)
				return rc;
			break;
		case K_NETWORKS:
			f->has_networks = 1;
			if ((rc = parse_names(&f->networks, v, origin, key, 0)) < 0)
				return rc;
			break;
		}
		if (!(f->origin[k] = ohs__strdup(origin)))
			return ohs__error_oom();
	}
	return 0;
}

static int parse_text(ohs_floor **out, const char *text, size_t len, const char *origin)
{
	json_error_t err;
	json_t *root;
	ohs_floor *f;
	int rc;

	*out = NULL;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		if (json_error_code(&err) == json_error_duplicate_key) {
			const char *near = strstr(err.text, "near '");

			return ohs__error_set(OHS_EINVAL, "%s: key %.*s appears more than once (line %d); "
				"expected each key at most once", origin,
				near ? (int)strcspn(near + 6, "'") : 3, near ? near + 6 : "\"?\"", err.line);
		}
		return ohs__error_set(OHS_EINVAL, "%s: not valid JSON (line %d, column %d: %s); expected an "
			"object with the keys " KEYS_EXPECTED, origin, err.line, err.column, err.text);
	}
	if (!(f = floor_alloc())) {
		json_decref(root);
		return ohs__error_oom();
	}
	rc = parse_obj(f, root, origin);
	json_decref(root);
	if (rc < 0) {
		ohs_floor_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

int ohs_floor_parse(ohs_floor **out, const char *json, const char *origin)
{
	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_floor_parse: out is NULL");
	*out = NULL;
	if (!json)
		return ohs__error_set(OHS_EINVAL, "ohs_floor_parse: json is NULL");
	return parse_text(out, json, strlen(json), origin && *origin ? origin : "floor JSON");
}

/* Read and parse; *out NULL with 0 for a missing file when `optional`. */
static int load_file(ohs_floor **out, const char *path, int optional, int system)
{
	struct stat st;
	char *buf = NULL, *origin;
	size_t len = 0;
	int fd, rc;

	*out = NULL;
	if (!(origin = ohs__sprintf("policy file %s", path)))
		return ohs__error_oom();
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		int e = errno;

		if (e == ENOENT && optional)
			rc = 0;
		else
			rc = ohs__error_set(e == ENOENT ? OHS_ENOTFOUND : OHS_EIO,
				"%s: cannot be read: %s; the floor fails closed", origin, strerror(e));
		free(origin);
		return rc;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = ohs__error_set(OHS_EIO, "%s: not a regular file; expected a JSON file", origin);
		goto out;
	}
	if (system && (st.st_mode & S_IWOTH)) {
		rc = ohs__error_set(OHS_EPERM, "%s: is writable by every user, so it cannot be trusted; "
			"expected a file only its owner can write (chmod o-w)", origin);
		goto out;
	}
	if (st.st_size > FLOOR_MAX_BYTES) {
		rc = ohs__error_set(OHS_EINVAL, "%s: is %lld bytes; expected at most %d", origin,
			(long long)st.st_size, FLOOR_MAX_BYTES);
		goto out;
	}
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		rc = ohs__error_oom();
		goto out;
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ohs__error_set(OHS_EIO, "%s: cannot be read: %s; the floor fails closed",
				origin, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	rc = parse_text(out, buf, len, origin);
out:
	close(fd);
	free(buf);
	free(origin);
	return rc;
}

int ohs_floor_load(ohs_floor **out, const char *path)
{
	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_floor_load: out is NULL");
	*out = NULL;
	if (!path || !*path)
		return ohs__error_set(OHS_EINVAL, "ohs_floor_load: path is NULL or empty; expected a file");
	return load_file(out, path, 0, 0);
}

int ohs__floor_load_optional(ohs_floor **out, const char *path, int system)
{
	return load_file(out, path, 1, system);
}

const char *ohs__floor_test_system_path = NULL;

const char *ohs_floor_system_path(void)
{
	return ohs__floor_test_system_path ? ohs__floor_test_system_path : SYSTEM_PATH;
}

int ohs_floor_system(ohs_floor **out)
{
	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_floor_system: out is NULL");
	return load_file(out, ohs_floor_system_path(), 1, 1);
}

/* ------------------------------------------------------------ copy and merge */

int ohs_floor_dup(ohs_floor **out, const ohs_floor *f)
{
	ohs_floor *d;
	size_t k;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_floor_dup: out is NULL");
	*out = NULL;
	if (!f)
		return ohs__error_set(OHS_EINVAL, "ohs_floor_dup: f is NULL");
	if (!(d = floor_alloc()))
		return ohs__error_oom();
	d->profile = f->profile;
	d->mode = f->mode;
	d->has_host_paths = f->has_host_paths;
	d->has_networks = f->has_networks;
	if ((f->runtime && !(d->runtime = ohs__strdup(f->runtime))) ||
	    ohs__strvec_dup(&d->host_paths, &f->host_paths) < 0 ||
	    ohs__strvec_dup(&d->networks, &f->networks) < 0)
		goto oom;
	for (k = 0; k < K__COUNT; k++)
		if (f->origin[k] && !(d->origin[k] = ohs__strdup(f->origin[k])))
			goto oom;
	*out = d;
	return 0;
oom:
	ohs_floor_free(d);
	return ohs__error_oom();
}

int ohs__floor_mode_rank(int mode)
{
	return mode == OHS_MODE_ENFORCE ? 1 : mode == OHS_MODE_WARN ? 0 : -1;
}

/* "A" or "A + B" when both pinned the key and B adds to it. */
static int origin_join(char **dst, const char *a, const char *b)
{
	char *s = a && b && strcmp(a, b) != 0 ? ohs__sprintf("%s + %s", a, b) : ohs__strdup(a ? a : b);

	if (!s)
		return ohs__error_oom();
	free(*dst);
	*dst = s;
	return 0;
}

static int origin_take(char **dst, const char *src)
{
	char *s = ohs__strdup(src);

	if (!s)
		return ohs__error_oom();
	free(*dst);
	*dst = s;
	return 0;
}

int ohs_floor_merge(ohs_floor *dst, const ohs_floor *src)
{
	ohs_floor *m = NULL;
	size_t i, j;
	int rc;

	if (!dst || !src)
		return ohs__error_set(OHS_EINVAL, "ohs_floor_merge: %s is NULL", dst ? "src" : "dst");
	if (dst->runtime && src->runtime && strcmp(dst->runtime, src->runtime) != 0)
		return ohs__error_set(OHS_EINVAL, "%s: key \"runtime\": \"%s\" conflicts with \"%s\" of %s; "
			"a sandbox runs under one runtime", src->origin[K_RUNTIME], src->runtime, dst->runtime,
			dst->origin[K_RUNTIME]);
	if ((rc = ohs_floor_dup(&m, dst)) < 0)
		return rc;
	if (src->profile > m->profile) {
		m->profile = src->profile;
		if ((rc = origin_take(&m->origin[K_PROFILE], src->origin[K_PROFILE])) < 0)
			goto fail;
	}
	if (src->mode >= 0 && ohs__floor_mode_rank(src->mode) > ohs__floor_mode_rank(m->mode)) {
		m->mode = src->mode;
		if ((rc = origin_take(&m->origin[K_MODE], src->origin[K_MODE])) < 0)
			goto fail;
	}
	if (src->runtime && !m->runtime) {
		if (!(m->runtime = ohs__strdup(src->runtime))) {
			rc = ohs__error_oom();
			goto fail;
		}
		if ((rc = origin_take(&m->origin[K_RUNTIME], src->origin[K_RUNTIME])) < 0)
			goto fail;
	}
	if (src->has_host_paths) {
		if (!m->has_host_paths) {
			rc = ohs__strvec_dup(&m->host_paths, &src->host_paths);
		} else {
			/* Intersection of two sets of subtrees: the deeper of each nested pair. */
			ohs__strvec v = {0};

			rc = 0;
			for (i = 0; rc == 0 && i < m->host_paths.n; i++)
				for (j = 0; rc == 0 && j < src->host_paths.n; j++)
					if (path_under(m->host_paths.v[i], src->host_paths.v[j]))
						rc = ohs__strvec_push(&v, m->host_paths.v[i]);
					else if (path_under(src->host_paths.v[j], m->host_paths.v[i]))
						rc = ohs__strvec_push(&v, src->host_paths.v[j]);
			ohs__strvec_clear(&m->host_paths);
			m->host_paths = v;
		}
		m->has_host_paths = 1;
		if (rc < 0 || (rc = origin_join(&m->origin[K_HOST_PATHS], m->origin[K_HOST_PATHS],
				src->origin[K_HOST_PATHS])) < 0)
			goto fail;
	}
	if (src->has_networks) {
		if (!m->has_networks) {
			rc = ohs__strvec_dup(&m->networks, &src->networks);
		} else {
			ohs__strvec v = {0};

			rc = 0;
			for (i = 0; rc == 0 && i < m->networks.n; i++)
				for (j = 0; rc == 0 && j < src->networks.n; j++)
					if (strcmp(m->networks.v[i], src->networks.v[j]) == 0)
						rc = ohs__strvec_push(&v, m->networks.v[i]);
			ohs__strvec_clear(&m->networks);
			m->networks = v;
		}
		m->has_networks = 1;
		if (rc < 0 || (rc = origin_join(&m->origin[K_NETWORKS], m->origin[K_NETWORKS],
				src->origin[K_NETWORKS])) < 0)
			goto fail;
	}
	/* Commit: swap the merged contents into dst. */
	{
		ohs_floor tmp = *dst;

		*dst = *m;
		*m = tmp;
	}
	ohs_floor_free(m);
	return 0;
fail:
	ohs_floor_free(m);
	return rc;
}

/* ------------------------------------------------------------ getters */

const char *ohs_floor_profile(const ohs_floor *f)
{
	return f && f->profile >= 0 ? ohs_policy_profile_name((ohs_security_profile)f->profile) : NULL;
}

const char *ohs_floor_mode(const ohs_floor *f)
{
	return f && f->mode >= 0 ? ohs_policy_mode_name((ohs_security_mode)f->mode) : NULL;
}

const char *ohs_floor_runtime(const ohs_floor *f)
{
	return f ? f->runtime : NULL;
}

int ohs_floor_has_host_paths(const ohs_floor *f)
{
	return f ? f->has_host_paths : 0;
}

size_t ohs_floor_host_path_count(const ohs_floor *f)
{
	return f ? f->host_paths.n : 0;
}

const char *ohs_floor_host_path(const ohs_floor *f, size_t i)
{
	return f ? ohs__strvec_at(&f->host_paths, i) : NULL;
}

int ohs_floor_has_networks(const ohs_floor *f)
{
	return f ? f->has_networks : 0;
}

size_t ohs_floor_network_count(const ohs_floor *f)
{
	return f ? f->networks.n : 0;
}

const char *ohs_floor_network(const ohs_floor *f, size_t i)
{
	return f ? ohs__strvec_at(&f->networks, i) : NULL;
}

const char *ohs_floor_origin(const ohs_floor *f, const char *key)
{
	size_t k;

	if (!f || !key)
		return NULL;
	for (k = 0; k < K__COUNT; k++)
		if (strcmp(key, key_names[k]) == 0)
			return f->origin[k];
	return NULL;
}

int ohs__floor_profile(const ohs_floor *f)
{
	return f ? f->profile : -1;
}

int ohs__floor_mode(const ohs_floor *f)
{
	return f ? f->mode : -1;
}

/* ------------------------------------------------------------ checks */

int ohs__floor_check_policy(const ohs_floor *f, const ohs_policy *p)
{
	ohs_security_profile pr;
	ohs_security_mode mo;

	if (!f || !p)
		return 0;
	if (ohs_policy_profile_from_name(&pr, ohs_policy_profile(p)) < 0 ||
	    ohs_policy_mode_from_name(&mo, ohs_policy_mode(p)) < 0)
		return ohs__error_set(OHS_EINVAL, "the config's policy has no valid profile or mode");
	if (f->profile >= 0 && (int)pr < f->profile)
		return ohs__error_set(OHS_EPOLICY, "floor-profile: security profile \"%s\" is weaker than "
			"the floor \"%s\" of %s; expected \"%s\" or stricter", ohs_policy_profile(p),
			ohs_floor_profile(f), f->origin[K_PROFILE], ohs_floor_profile(f));
	if (f->mode >= 0 && ohs__floor_mode_rank((int)mo) < ohs__floor_mode_rank(f->mode))
		return ohs__error_set(OHS_EPOLICY, "floor-mode: security mode \"%s\" is weaker than the "
			"floor \"%s\" of %s; expected \"%s\"", ohs_policy_mode(p), ohs_floor_mode(f),
			f->origin[K_MODE], ohs_floor_mode(f));
	return 0;
}

/*
 * Whether a JSON key names `name` the way the engine's decoder matches it:
 * ASCII case-insensitively, with U+017F (long s) and U+212A (Kelvin sign)
 * folding to 's' and 'k'.
 */
static int key_is(const char *key, const char *name)
{
	const unsigned char *k = (const unsigned char *)key;
	const char *n = name;

	while (*n) {
		char c = (char)(*n >= 'A' && *n <= 'Z' ? *n + 32 : *n);

		if (c == 's' && k[0] == 0xc5 && k[1] == 0xbf)
			k += 2;
		else if (c == 'k' && k[0] == 0xe2 && k[1] == 0x84 && k[2] == 0xaa)
			k += 3;
		else if (*k && (char)(*k >= 'A' && *k <= 'Z' ? *k + 32 : *k) == c)
			k++;
		else
			return 0;
		n++;
	}
	return *k == '\0';
}

/* Every member of obj whose key matches name (the engine keeps one; we check all). */
#define FOREACH_KEY(obj, name, k, v) \
	json_object_foreach(obj, k, v) if (key_is(k, name))

static int refuse(const char *id, const char *field, const char *value, const char *why,
	const char *origin)
{
	return ohs__error_set(OHS_EPOLICY, "%s: %s \"%s\" %s (floor of %s)", id, field, value, why, origin);
}

/* A bind source against host_paths: spelled (clean) and resolved. */
static int check_source(const ohs_floor *f, const char *field, const char *src)
{
	const char *origin = f->origin[K_HOST_PATHS];
	char *clean, resolved[PATH_MAX];
	int spelled_ok = 0, real_ok = 0;
	size_t i;

	if (!src || src[0] != '/')
		return refuse("floor-host-paths", field, src ? src : "", "is not an absolute host path; "
			"expected a directory under the floor's host_paths", origin);
	if (!(clean = path_clean(src)))
		return ohs__error_oom();
	if (!realpath(src, resolved)) {
		int e = errno;
		int rc = ohs__error_set(OHS_EPOLICY, "floor-host-paths: %s \"%s\" cannot be resolved (%s); "
			"the floor judges a host path by what it resolves to and refuses what it cannot "
			"resolve (floor of %s)", field, src, strerror(e), origin);

		free(clean);
		return rc;
	}
	for (i = 0; i < f->host_paths.n; i++) {
		const char *h = f->host_paths.v[i];
		char hreal[PATH_MAX];

		if (path_under(clean, h))
			spelled_ok = 1;
		if (path_under(resolved, realpath(h, hreal) ? hreal : h))
			real_ok = 1;
	}
	if (!spelled_ok || !real_ok) {
		int rc;

		if (spelled_ok)
			rc = ohs__error_set(OHS_EPOLICY, "floor-host-paths: %s \"%s\" resolves to \"%s\", which "
				"is not under the floor's host_paths (floor of %s)", field, src, resolved, origin);
		else
			rc = refuse("floor-host-paths", field, src, "is not under the floor's host_paths",
				origin);
		free(clean);
		return rc;
	}
	free(clean);
	return 0;
}

static int check_mounts(const ohs_floor *f, json_t *hc)
{
	const char *k, *k2;
	json_t *v, *v2;
	char field[96];
	size_t i;
	int rc;

	FOREACH_KEY(hc, "Binds", k, v) {
		if (json_is_null(v))
			continue;
		if (!json_is_array(v))
			return refuse("floor-host-paths", "HostConfig.Binds", "", "is not an array", f->origin[K_HOST_PATHS]);
		for (i = 0; i < json_array_size(v); i++) {
			const char *s = json_string_value(json_array_get(v, i));
			char *src;

			snprintf(field, sizeof(field), "HostConfig.Binds[%zu]", i);
			if (!s)
				return refuse("floor-host-paths", field, "", "is not a string", f->origin[K_HOST_PATHS]);
			if (s[0] != '/')
				return refuse("floor-host-paths", field, s, "names a volume; the floor's host_paths "
					"allow bind mounts of listed host directories only (a volume can bind any host "
					"path)", f->origin[K_HOST_PATHS]);
			if (!(src = ohs__strndup(s, strcspn(s, ":"))))
				return ohs__error_oom();
			rc = check_source(f, field, src);
			free(src);
			if (rc < 0)
				return rc;
		}
	}
	FOREACH_KEY(hc, "Mounts", k, v) {
		if (json_is_null(v))
			continue;
		if (!json_is_array(v))
			return refuse("floor-host-paths", "HostConfig.Mounts", "", "is not an array", f->origin[K_HOST_PATHS]);
		for (i = 0; i < json_array_size(v); i++) {
			json_t *m = json_array_get(v, i);
			const char *type = NULL, *src = NULL;
			int ntype = 0, nsrc = 0;

			snprintf(field, sizeof(field), "HostConfig.Mounts[%zu]", i);
			if (!json_is_object(m))
				return refuse("floor-host-paths", field, "", "is not an object", f->origin[K_HOST_PATHS]);
			FOREACH_KEY(m, "Type", k2, v2) {
				type = json_string_value(v2);
				ntype++;
			}
			FOREACH_KEY(m, "Source", k2, v2) {
				src = json_string_value(v2);
				nsrc++;
			}
			if (ntype != 1 || nsrc > 1 || !type)
				return refuse("floor-host-paths", field, "", "has no single string Type and Source",
					f->origin[K_HOST_PATHS]);
			if (strcmp(type, "tmpfs") == 0)
				continue;
			if (strcmp(type, "bind") != 0) {
				snprintf(field, sizeof(field), "HostConfig.Mounts[%zu].Type", i);
				return refuse("floor-host-paths", field, type, "is not allowed: the floor's host_paths "
					"allow bind mounts of listed host directories and tmpfs only (a volume can bind "
					"any host path)", f->origin[K_HOST_PATHS]);
			}
			snprintf(field, sizeof(field), "HostConfig.Mounts[%zu].Source", i);
			if ((rc = check_source(f, field, src)) < 0)
				return rc;
		}
	}
	FOREACH_KEY(hc, "VolumesFrom", k, v) {
		if (json_is_array(v) && json_array_size(v) > 0)
			return refuse("floor-host-paths", "HostConfig.VolumesFrom",
				json_string_value(json_array_get(v, 0)) ? json_string_value(json_array_get(v, 0)) : "",
				"is not allowed: another container's mounts cannot be checked against the floor's "
				"host_paths", f->origin[K_HOST_PATHS]);
	}
	return 0;
}

/* "none" always; "bridge" (also "default" and "") and any other name only when listed. */
static int network_allowed(const ohs_floor *f, const char *name)
{
	size_t i;

	if (strcmp(name, "none") == 0)
		return 1;
	if (!*name || strcmp(name, "default") == 0)
		name = "bridge";
	for (i = 0; i < f->networks.n; i++)
		if (strcmp(f->networks.v[i], name) == 0)
			return 1;
	return 0;
}

static int check_network(const ohs_floor *f, const char *field, const char *name)
{
	if (network_allowed(f, name))
		return 0;
	return refuse("floor-networks", field, name, "is not one of the floor's networks", f->origin[K_NETWORKS]);
}

static int check_networks(const ohs_floor *f, json_t *body, json_t *hc, const ohs_netpolicy *np)
{
	const char *k, *k2;
	json_t *v, *v2;
	size_t i;
	int rc, seen = 0;

	FOREACH_KEY(hc, "NetworkMode", k, v) {
		seen = 1;
		if (!json_is_string(v) && !json_is_null(v))
			return refuse("floor-networks", "HostConfig.NetworkMode", "", "is not a string",
				f->origin[K_NETWORKS]);
		if ((rc = check_network(f, "HostConfig.NetworkMode", json_is_string(v) ? json_string_value(v) : "")) < 0)
			return rc;
	}
	if (!seen && (rc = check_network(f, "HostConfig.NetworkMode", "")) < 0)
		return rc;
	FOREACH_KEY(body, "NetworkingConfig", k, v) {
		FOREACH_KEY(v, "EndpointsConfig", k2, v2) {
			const char *name;
			json_t *ep;

			json_object_foreach(v2, name, ep) {
				if ((rc = check_network(f, "NetworkingConfig.EndpointsConfig", name)) < 0)
					return rc;
			}
		}
	}
	for (i = 0; np && i < ohs_netpolicy_network_count(np); i++)
		if ((rc = check_network(f, "additional network (SANDBOX_ADDITIONAL_NETWORKS)",
				ohs_netpolicy_network(np, i))) < 0)
			return rc;
	return 0;
}

static int check_runtime(const ohs_floor *f, json_t *hc)
{
	const char *k;
	json_t *v;
	void *it;

	/* Every spelling the engine would read as Runtime must name the floor's runtime. */
	for (it = json_object_iter(hc); it; ) {
		k = json_object_iter_key(it);
		v = json_object_iter_value(it);
		it = json_object_iter_next(hc, it);
		if (!key_is(k, "Runtime"))
			continue;
		if (json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
			json_object_del(hc, k); /* unset: replaced below */
			continue;
		}
		if (!json_is_string(v) || strcmp(json_string_value(v), f->runtime) != 0 || strcmp(k, "Runtime") != 0)
			return refuse("floor-runtime", "HostConfig.Runtime",
				json_is_string(v) ? json_string_value(v) : "(not a string)",
				strcmp(k, "Runtime") != 0 && json_is_string(v) &&
				strcmp(json_string_value(v), f->runtime) == 0 ?
				"is spelled with another key; expected HostConfig.Runtime" :
				"is not the floor's runtime", f->origin[K_RUNTIME]);
	}
	if (!json_object_get(hc, "Runtime") &&
	    json_object_set_new(hc, "Runtime", json_string(f->runtime)) != 0)
		return ohs__error_oom();
	return 0;
}

int ohs__floor_apply(json_t *body, const ohs_floor *f, const ohs_netpolicy *np)
{
	json_t *hc = NULL, *v;
	const char *k;
	int rc, n = 0;

	if (!f)
		return 0;
	FOREACH_KEY(body, "HostConfig", k, v) {
		hc = v;
		n++;
	}
	if (n > 1 || (hc && !json_is_object(hc)))
		return ohs__error_set(OHS_EPOLICY, "floor: the create body has %s HostConfig; "
			"expected one object", n > 1 ? "more than one" : "a non-object");
	if (!hc) {
		if (!(hc = json_object()) || json_object_set_new(body, "HostConfig", hc) != 0)
			return ohs__error_oom();
	}
	if (f->has_host_paths && (rc = check_mounts(f, hc)) < 0)
		return rc;
	if (f->has_networks && (rc = check_networks(f, body, hc, np)) < 0)
		return rc;
	if (f->runtime && (rc = check_runtime(f, hc)) < 0)
		return rc;
	return 0;
}
