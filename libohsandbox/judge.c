/*
 * judge: what the create body alone does not show the policy, judged
 * before anything is made: the named volumes (a "local" volume mounting a
 * host path is judged like a bind of that path; other drivers and options
 * that cannot be judged are findings), and the refusal of the findings the
 * session adds after the policy judged the body (these and network.c's
 * ohs-network-existing), and the body the session sends judged again
 * after its own changes (ohs__body_rejudge).  User: session.c (create);
 * network.c (ohs__findings_has).  Asks the engine only GET /volumes/NAME.
 */
#include "internal.h"
#include "session_priv.h"
#include "engine_int.h"
#include "config_int.h"
#include "policy_int.h"
#include "hostpath_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


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

/* The check's title in finding i's message "ID (SEV): TITLE: FIELD=...": *len bytes from the result. */
static const char *findings_title(const ohs_findings *f, size_t i, int *len)
{
	const char *msg = ohs_findings_message(f, i);
	const char *t = strstr(msg, "): ");
	const char *end = strstr(msg, ohs_findings_field(f, i));

	t = t ? t + 3 : msg;
	if (!end || end < t + 2)
		end = t + strlen(t) + 2;
	*len = (int)(end - t - 2);
	return t;
}

/* Whether f already holds finding (id, field, value). */
int ohs__findings_has(const ohs_findings *f, const char *id, const char *field, const char *value)
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
int ohs__session_refusal(const ohs_config *cfg, const ohs_findings *f, size_t from)
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
	const char *type = ohs__jstr(opts, "type"), *o = ohs__jstr(opts, "o"), *dev = ohs__jstr(opts, "device");
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
		const char *value = ohs_findings_value(cf, i), *t;
		char *title;
		int tlen;

		if (strncmp(field, m->field, flen) != 0 || (field[flen] && field[flen] != '.' &&
				field[flen] != '['))
			continue;
		if (ohs__findings_has(f, id, field, value))
			continue;
		/* the check's title, plus where the path came from */
		t = findings_title(cf, i, &tlen);
		title = ohs__sprintf("%.*s (%s volume \"%s\" mounts host path %s through its option %s)",
			tlen, t, m->name && *m->name ? "named" : "anonymous",
			m->name ? m->name : "", vp->path, vp->opt);
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
		if (!ohs__findings_has(f, VOL_DRIVER_ID, m->field, value))
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
		if (!ohs__findings_has(f, VOL_OPTS_ID, m->field, value))
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
		rc = ohs__engine_volume_inspect(c, m->name, &info, "inspect volume");
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
			rc = judge_volume_opts(f, cfg, body, m, ohs__jstr(info, "Driver"),
				json_object_get(info, "Options"));
		}
		json_decref(info);
	}
	if (rc == 0 && m->inline_cfg) {
		const char *drv = ohs__jstr(m->inline_cfg, "Name");

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
int ohs__volumes_judge(ohs_client *c, ohs_findings *f, const ohs_config *cfg, json_t *body)
{
	json_t *hc = json_object_get(body, "HostConfig");
	json_t *mounts = json_object_get(hc, "Mounts"), *binds = json_object_get(hc, "Binds"), *e;
	char field[64];
	size_t i;
	int rc = 0;

	json_array_foreach(mounts, i, e) {
		vol_mount m = { field, i, 0, ohs__jstr(e, "Source"), ohs__jstr(e, "Target"),
			json_is_true(json_object_get(e, "ReadOnly")), NULL };
		const char *type = ohs__jstr(e, "Type");

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

/* ------------------------------------------------------------ the body sent, judged again */

int ohs__body_rejudge(ohs_findings *f, const ohs_config *cfg, const char *text,
	const char *docker_host)
{
	ohs_findings *cf = NULL;
	size_t i, j;
	int rc;

	if ((rc = ohs__config_check_body_client(&cf, cfg, text, docker_host)) < 0) {
		ohs__error_prefix("the body sent to the engine");
		return rc;
	}
	for (i = 0; rc == 0 && f && i < ohs_findings_count(cf); i++) {
		const char *id = ohs_findings_id(cf, i), *field = ohs_findings_field(cf, i), *t;
		char *title;
		int tlen, known = 0;

		/* judged already (its value may differ: Podman's "" for "0.0.0.0") */
		for (j = 0; !known && j < ohs_findings_count(f); j++)
			known = !strcmp(ohs_findings_id(f, j), id) && !strcmp(ohs_findings_field(f, j), field);
		if (known)
			continue;
		t = findings_title(cf, i, &tlen);
		title = ohs__sprintf("%.*s (a change the session made to the body after the policy's "
			"first judgement)", tlen, t);
		rc = title ? ohs__findings_add(f, id, ohs_findings_severity(cf, i), field,
			ohs_findings_value(cf, i), title, ohs_findings_remediation(cf, i),
			ohs_findings_refused(cf, i)) : ohs__error_oom();
		free(title);
	}
	ohs_findings_free(cf);
	return rc;
}
