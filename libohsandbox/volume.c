/*
 * volume: SANDBOX_VOLUMES specs ("host:container[:mode],...").  See
 * ohs_volumes_new(3) for the grammar.  Pure: no I/O besides getcwd() and
 * getenv("HOME") when the caller passes no cwd / home.
 */
#include "volume_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VOL_VAR "SANDBOX_VOLUMES"
#define VOL_FORM "host_path:container_path[:mode]"
#define VOL_MODES "\"rw\" (read-write, the default) or \"ro\" (read-only)"

struct ohs_vol_entry {
	ohs_mount_type type;
	ohs_mount_mode mode;
	char *source;
	char *target;
	char *text; /* the entry as written (parse) or as rebuilt (add) */
};

struct ohs_volumes {
	struct ohs_vol_entry *v;
	size_t n, cap;
};

/* A parsed (pointer, length) field of an entry. */
typedef struct {
	const char *p;
	size_t len;
} vol_field;

static void entry_clear(struct ohs_vol_entry *e)
{
	free(e->source);
	free(e->target);
	free(e->text);
	memset(e, 0, sizeof(*e));
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

/* "C:\..." or "C:/..." */
static int has_drive_prefix(const char *s)
{
	return is_alpha(s[0]) && s[1] == ':' && (s[2] == '\\' || s[2] == '/');
}

/*
 * Lexically normalise an absolute POSIX path: collapse "//", drop "."
 * components, resolve ".." against the previous component (".." at the root
 * stays at the root) and drop a trailing slash.  Returns a new string or NULL
 * on OOM.
 */
static char *path_normalise(const char *path, size_t len)
{
	char *out = malloc(len + 2);
	size_t o = 0, i = 0;

	if (!out)
		return NULL;
	while (i < len) {
		size_t start, clen;

		while (i < len && path[i] == '/')
			i++;
		start = i;
		while (i < len && path[i] != '/')
			i++;
		clen = i - start;
		if (clen == 0 || (clen == 1 && path[start] == '.'))
			continue;
		if (clen == 2 && path[start] == '.' && path[start + 1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--; /* the '/' before the dropped component */
			continue;
		}
		out[o++] = '/';
		memcpy(out + o, path + start, clen);
		o += clen;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

static int has_dotdot(const char *path, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t start;

		while (i < len && path[i] == '/')
			i++;
		start = i;
		while (i < len && path[i] != '/')
			i++;
		if (i - start == 2 && path[start] == '.' && path[start + 1] == '.')
			return 1;
	}
	return 0;
}

/* Docker's volume-name rule: [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
static int volume_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len < 2 || !is_alnum(s[0]))
		return 0;
	for (i = 1; i < len; i++) {
		if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return 0;
	}
	return 1;
}

static int check_volume_name(char **out, const char *s, size_t len)
{
	if (!volume_name_ok(s, len))
		return ohs__error_set(OHS_EINVAL,
			"volume name \"%.*s\" is invalid: expected a letter or digit followed by "
			"one or more letters, digits, \"_\", \".\" or \"-\" ([a-zA-Z0-9][a-zA-Z0-9_.-]+)",
			(int)len, s);
	if (!(*out = ohs__strndup(s, len)))
		return ohs__error_oom();
	return 0;
}

/* Validate and normalise a container path. */
static int check_target(char **out, const char *s, size_t len)
{
	char *t;

	if (len == 0)
		return ohs__error_set(OHS_EINVAL,
			"container path is empty: expected an absolute path such as \"/workspace\"");
	if (s[0] != '/')
		return ohs__error_set(OHS_EINVAL,
			"container path \"%.*s\" must be absolute (start with \"/\"), e.g. \"/workspace\"",
			(int)len, s);
	if (has_dotdot(s, len))
		return ohs__error_set(OHS_EINVAL,
			"container path \"%.*s\" must not contain a \"..\" component", (int)len, s);
	if (!(t = path_normalise(s, len)))
		return ohs__error_oom();
	if (strcmp(t, "/") == 0) {
		free(t);
		return ohs__error_set(OHS_EINVAL,
			"container path \"%.*s\" is the container's root \"/\": expected a directory "
			"below it, such as \"/workspace\"", (int)len, s);
	}
	*out = t;
	return 0;
}

/* An absolute (or Windows drive) host path, as ohs_volumes_add takes it. */
static int check_abs_source(char **out, const char *s, size_t len)
{
	if (len == 0)
		return ohs__error_set(OHS_EINVAL,
			"host path is empty: expected an absolute path");
	if (has_drive_prefix(s)) {
		if (!(*out = ohs__strndup(s, len)))
			return ohs__error_oom();
		return 0;
	}
	if (s[0] != '/')
		return ohs__error_set(OHS_EINVAL,
			"host path \"%.*s\" must be absolute (start with \"/\" or a drive such as \"C:\\\")",
			(int)len, s);
	if (!(*out = path_normalise(s, len)))
		return ohs__error_oom();
	return 0;
}

/* Join an absolute base and a relative rest, then normalise. */
static int join_normalise(char **out, const char *base, const char *rest, size_t rlen)
{
	char *joined = ohs__sprintf("%s/%.*s", base, (int)rlen, rest);

	if (!joined)
		return ohs__error_oom();
	*out = path_normalise(joined, strlen(joined));
	free(joined);
	return *out ? 0 : ohs__error_oom();
}

/* A host path of a SANDBOX_VOLUMES entry: drive, absolute, ~, ~/x or relative. */
int ohs__volumes_resolve_host(char **out, const char *s, size_t len, const char *home, const char *cwd)
{
	if (len == 0)
		return ohs__error_set(OHS_EINVAL,
			"host path is empty: expected an absolute path, \"~\", \"~/path\" or a path "
			"relative to the current directory");
	if (len >= 3 && has_drive_prefix(s)) {
		/* Windows drive path: kept verbatim, never resolved. */
		if (!(*out = ohs__strndup(s, len)))
			return ohs__error_oom();
		return 0;
	}
	if (s[0] == '/') {
		if (!(*out = path_normalise(s, len)))
			return ohs__error_oom();
		return 0;
	}
	if (s[0] == '~') {
		size_t ulen = 1;

		while (ulen < len && s[ulen] != '/')
			ulen++;
		if (ulen > 1)
			return ohs__error_set(OHS_EINVAL,
				"host path \"%.*s\": \"%.*s\" (another user's home) is not supported: "
				"expected \"~\", \"~/path\" or an absolute path",
				(int)len, s, (int)ulen, s);
		if (!home) {
			home = getenv("HOME");
			if (!home || !*home)
				return ohs__error_set(OHS_EINVAL,
					"host path \"%.*s\" needs HOME to expand \"~\", but HOME is not set: "
					"set HOME or use an absolute path", (int)len, s);
		}
		if (home[0] != '/')
			return ohs__error_set(OHS_EINVAL,
				"host path \"%.*s\": HOME (\"%s\") must be an absolute path to expand \"~\"",
				(int)len, s, home);
		return join_normalise(out, home, s + 1, len - 1);
	}
	/* relative */
	if (cwd) {
		if (cwd[0] != '/')
			return ohs__error_set(OHS_EINVAL,
				"host path \"%.*s\" is relative, and the directory to resolve it against "
				"(\"%s\") is not absolute", (int)len, s, cwd);
		return join_normalise(out, cwd, s, len);
	} else {
		char *here = getcwd(NULL, 0);
		int rc;

		if (!here)
			return ohs__error_set(errno == ENOMEM ? OHS_ENOMEM : OHS_EIO,
				"host path \"%.*s\" is relative, and the current directory cannot be "
				"determined (%s): use an absolute path", (int)len, s, strerror(errno));
		rc = join_normalise(out, here, s, len);
		free(here);
		return rc;
	}
}

static int check_mode(ohs_mount_mode *out, const char *s, size_t len)
{
	if (len == 2 && s[0] == 'r' && s[1] == 'w')
		*out = OHS_MOUNT_RW;
	else if (len == 2 && s[0] == 'r' && s[1] == 'o')
		*out = OHS_MOUNT_RO;
	else
		return ohs__error_set(OHS_EINVAL,
			"mode \"%.*s\" is invalid: expected " VOL_MODES, (int)len, s);
	return 0;
}

/*
 * Parse one trimmed, non-empty entry into `e` (all fields but text).  Sets a
 * message without the "SANDBOX_VOLUMES entry N" prefix.
 */
static int parse_entry(struct ohs_vol_entry *e, const char *text,
	const char *home, const char *cwd)
{
	vol_field f[3];
	const char *rest = text, *p;
	size_t nf = 0, drive = 0;
	int rc;

	e->type = OHS_MOUNT_BIND;
	e->mode = OHS_MOUNT_RW;
	if (!ohs__utf8_ok(text))
		return ohs__error_set(OHS_EINVAL,
			"not valid UTF-8: expected paths in UTF-8 (they are sent to the engine as JSON strings)");
	if (has_drive_prefix(text)) {
		drive = 2;
		rest = text + 2;
	} else if (strncmp(text, "volume:", 7) == 0) {
		e->type = OHS_MOUNT_VOLUME;
		rest = text + 7;
	}

	for (p = rest;; ) {
		const char *c = strchr(p, ':');
		size_t flen = c ? (size_t)(c - p) : strlen(p);

		if (nf == 3) {
			nf++;
			break;
		}
		f[nf].p = p;
		f[nf].len = flen;
		nf++;
		if (!c)
			break;
		p = c + 1;
	}
	if (nf < 2 || nf > 3) {
		if (e->type == OHS_MOUNT_VOLUME)
			return ohs__error_set(OHS_EINVAL,
				"expected volume:NAME:container_path[:mode] (the form "
				VOL_FORM " with a named volume)");
		return ohs__error_set(OHS_EINVAL,
			"expected " VOL_FORM " (%s), e.g. \"/path/to/code:/workspace:rw\"",
			nf < 2 ? "no container path" : "too many \":\"-separated fields");
	}

	if (drive) {
		/* Windows drive path: kept verbatim, never resolved. */
		if (!(e->source = ohs__strndup(text, drive + f[0].len)))
			return ohs__error_oom();
	} else if (e->type == OHS_MOUNT_VOLUME) {
		if ((rc = check_volume_name(&e->source, f[0].p, f[0].len)) < 0)
			return rc;
	} else if ((rc = ohs__volumes_resolve_host(&e->source, f[0].p, f[0].len, home, cwd)) < 0) {
		return rc;
	}
	if ((rc = check_target(&e->target, f[1].p, f[1].len)) < 0)
		return rc;
	if (nf == 3 && (rc = check_mode(&e->mode, f[2].p, f[2].len)) < 0)
		return rc;
	return 0;
}

static int vols_reserve(ohs_volumes *vols)
{
	if (vols->n == vols->cap) {
		size_t cap = vols->cap ? vols->cap * 2 : 4;
		struct ohs_vol_entry *v = realloc(vols->v, cap * sizeof(*v));

		if (!v)
			return ohs__error_oom();
		vols->v = v;
		vols->cap = cap;
	}
	return 0;
}

/* Index of the entry mounted on `target`, or -1. */
static long find_target(const ohs_volumes *vols, const char *target)
{
	size_t i;

	for (i = 0; i < vols->n; i++) {
		if (strcmp(vols->v[i].target, target) == 0)
			return (long)i;
	}
	return -1;
}

int ohs_volumes_new(ohs_volumes **out)
{
	ohs_volumes *vols;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_volumes_new: out is NULL");
	*out = NULL;
	if (!(vols = calloc(1, sizeof(*vols))))
		return ohs__error_oom();
	*out = vols;
	return 0;
}

void ohs_volumes_free(ohs_volumes *vols)
{
	size_t i;

	if (!vols)
		return;
	for (i = 0; i < vols->n; i++)
		entry_clear(&vols->v[i]);
	free(vols->v);
	free(vols);
}

int ohs_volumes_parse(ohs_volumes **out, const char *spec,
	const char *home, const char *cwd)
{
	ohs_volumes *vols = NULL;
	const char *p;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_volumes_parse: out is NULL");
	*out = NULL;
	if (!spec)
		return ohs__error_set(OHS_EINVAL, "ohs_volumes_parse: spec is NULL");
	if ((rc = ohs_volumes_new(&vols)) < 0)
		return rc;

	for (p = spec; ; ) {
		const char *comma = strchr(p, ',');
		const char *s = p, *end = comma ? comma : p + strlen(p);
		struct ohs_vol_entry e = {0};
		long other;

		while (s < end && is_space(*s))
			s++;
		while (end > s && is_space(end[-1]))
			end--;
		if (end > s) {
			size_t pos = vols->n + 1; /* non-empty entries are numbered 1, 2, ... */

			if (!(e.text = ohs__strndup(s, (size_t)(end - s)))) {
				rc = ohs__error_oom();
				goto fail;
			}
			rc = parse_entry(&e, e.text, home, cwd);
			if (rc == 0 && (other = find_target(vols, e.target)) >= 0)
				rc = ohs__error_set(OHS_EINVAL,
					"container path \"%s\" is already mounted by entry %ld (\"%s\"): "
					"expected each container path at most once",
					e.target, other + 1, vols->v[other].text);
			if (rc < 0) {
				if (rc != OHS_ENOMEM) {
					char *prefix = ohs__sprintf(VOL_VAR " entry %zu (\"%s\")", pos, e.text);

					if (prefix)
						ohs__error_prefix(prefix);
					free(prefix);
				}
				entry_clear(&e);
				goto fail;
			}
			if ((rc = vols_reserve(vols)) < 0) {
				entry_clear(&e);
				goto fail;
			}
			vols->v[vols->n++] = e;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = vols;
	return 0;

fail:
	ohs_volumes_free(vols);
	return rc;
}

int ohs_volumes_add(ohs_volumes *vols, ohs_mount_type type,
	const char *source, const char *target, ohs_mount_mode mode)
{
	struct ohs_vol_entry e = {0};
	long other;
	int rc;

	if (!vols)
		return ohs__error_set(OHS_EINVAL, "ohs_volumes_add: vols is NULL");
	if (!source)
		return ohs__error_set(OHS_EINVAL, "ohs_volumes_add: source is NULL");
	if (!target)
		return ohs__error_set(OHS_EINVAL, "ohs_volumes_add: target is NULL");
	if (type != OHS_MOUNT_BIND && type != OHS_MOUNT_VOLUME)
		return ohs__error_set(OHS_EINVAL,
			"ohs_volumes_add: type %d is invalid: expected OHS_MOUNT_BIND (0) or "
			"OHS_MOUNT_VOLUME (1)", (int)type);
	if (mode != OHS_MOUNT_RW && mode != OHS_MOUNT_RO)
		return ohs__error_set(OHS_EINVAL,
			"ohs_volumes_add: mode %d is invalid: expected OHS_MOUNT_RW (0, \"rw\") or "
			"OHS_MOUNT_RO (1, \"ro\")", (int)mode);
	if (!ohs__utf8_ok(source) || !ohs__utf8_ok(target))
		return ohs__error_set(OHS_EINVAL,
			"ohs_volumes_add: %s is not valid UTF-8: expected paths in UTF-8 "
			"(they are sent to the engine as JSON strings)",
			ohs__utf8_ok(source) ? "target" : "source");

	e.type = type;
	e.mode = mode;
	if (type == OHS_MOUNT_VOLUME)
		rc = check_volume_name(&e.source, source, strlen(source));
	else
		rc = check_abs_source(&e.source, source, strlen(source));
	if (rc == 0)
		rc = check_target(&e.target, target, strlen(target));
	if (rc == 0 && (other = find_target(vols, e.target)) >= 0)
		rc = ohs__error_set(OHS_EINVAL,
			"container path \"%s\" is already mounted by entry %ld (\"%s\"): "
			"expected each container path at most once",
			e.target, other + 1, vols->v[other].text);
	if (rc == 0 && !(e.text = ohs__sprintf("%s%s:%s:%s",
			type == OHS_MOUNT_VOLUME ? "volume:" : "", e.source, e.target,
			mode == OHS_MOUNT_RO ? "ro" : "rw")))
		rc = ohs__error_oom();
	if (rc == 0)
		rc = vols_reserve(vols);
	if (rc < 0) {
		if (rc != OHS_ENOMEM)
			ohs__error_prefix("ohs_volumes_add");
		entry_clear(&e);
		return rc;
	}
	vols->v[vols->n++] = e;
	return 0;
}

int ohs_volumes_dup(ohs_volumes **out, const ohs_volumes *vols)
{
	ohs_volumes *copy = NULL;
	size_t i;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_volumes_dup: out is NULL");
	*out = NULL;
	if (!vols)
		return ohs__error_set(OHS_EINVAL, "ohs_volumes_dup: vols is NULL");
	if ((rc = ohs_volumes_new(&copy)) < 0)
		return rc;
	if (vols->n) {
		if (!(copy->v = calloc(vols->n, sizeof(*copy->v)))) {
			ohs_volumes_free(copy);
			return ohs__error_oom();
		}
		copy->cap = vols->n;
	}
	for (i = 0; i < vols->n; i++) {
		const struct ohs_vol_entry *src = &vols->v[i];
		struct ohs_vol_entry *dst = &copy->v[i];

		dst->type = src->type;
		dst->mode = src->mode;
		dst->source = ohs__strdup(src->source);
		dst->target = ohs__strdup(src->target);
		dst->text = ohs__strdup(src->text);
		copy->n++;
		if (!dst->source || !dst->target || !dst->text) {
			ohs_volumes_free(copy);
			return ohs__error_oom();
		}
	}
	*out = copy;
	return 0;
}

size_t ohs_volumes_count(const ohs_volumes *vols)
{
	return vols ? vols->n : 0;
}

int ohs_volumes_type(const ohs_volumes *vols, size_t i)
{
	return vols && i < vols->n ? (int)vols->v[i].type : -1;
}

const char *ohs_volumes_source(const ohs_volumes *vols, size_t i)
{
	return vols && i < vols->n ? vols->v[i].source : NULL;
}

const char *ohs_volumes_target(const ohs_volumes *vols, size_t i)
{
	return vols && i < vols->n ? vols->v[i].target : NULL;
}

int ohs_volumes_mode(const ohs_volumes *vols, size_t i)
{
	return vols && i < vols->n ? (int)vols->v[i].mode : -1;
}

const char *ohs_volumes_workspace(const ohs_volumes *vols)
{
	long i;

	if (!vols)
		return NULL;
	i = find_target(vols, "/workspace");
	return i >= 0 ? vols->v[i].source : NULL;
}
