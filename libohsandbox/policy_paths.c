/*
 * policy_paths: the mount checks.  Binds and Mounts normalised to clean host
 * paths (Windows drive paths too), judged against the sensitive paths,
 * engine sockets, homes and credential directories, with the host facts of
 * hostpath.c when the engine is local.  Used by policy.c
 * (ohs__policy_check_mounts) only.
 */
#include "policy_impl_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *const mount_keys[] = { "Type", "Source", "ReadOnly", "BindOptions", "VolumeOptions" };
static const char *const bindopt_keys[] = { "Propagation" };
static const char *const volopt_keys[] = { "DriverConfig" };
static const char *const drvcfg_keys[] = { "Options" };

/* ------------------------------------------------------------ paths */


/*
 * path (clean) is the same as or an ancestor of a path matching pattern,
 * whose "*" components match any one component.
 */
static int path_covers_pattern(const char *path, const char *pattern)
{
	const char *a = path, *b = pattern;

	if (strcmp(path, "/") == 0)
		return 1;
	for (;;) {
		size_t na, nb;

		while (*a == '/')
			a++;
		while (*b == '/')
			b++;
		if (!*a)
			return 1;
		if (!*b)
			return 0;
		na = strcspn(a, "/");
		nb = strcspn(b, "/");
		if (!(nb == 1 && b[0] == '*') && (na != nb || strncmp(a, b, na) != 0))
			return 0;
		a += na;
		b += nb;
	}
}

/*
 * A mount is sensitive when its source is, is inside or contains one of
 * these (system trees, engine and runtime state and socket directories).
 */
static const char *const sensitive_paths[] = {
	"/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr",
	"/bin", "/sbin", "/lib64", "/lib32", "/libx32",
	"/var/lib/docker", "/var/lib/containerd", "/var/lib/containers", "/var/lib/kubelet",
	"/run/docker", "/var/run/docker", "/run/containerd", "/var/run/containerd",
	"/run/podman", "/var/run/podman", "/run/k3s", "/var/run/k3s", "/run/crio", "/var/run/crio",
	"/run/buildkit", "/var/run/buildkit", "/var/spool/cron", "/var/log",
};

/* Always homes, whatever the password database says. */
static const char *const fixed_homes[] = { "/root", "/home" };

/* Writable, these run code on the host as the user (or change what runs). */
static const char *const home_dotfiles[] = {
	".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", ".zshrc", ".zshenv",
	".zprofile", ".zlogin", ".cshrc", ".tcshrc", ".login", ".kshrc", ".inputrc", ".pam_environment",
	".xprofile", ".xinitrc", ".xsession", ".gitconfig", ".config", ".local/bin", ".local/share/systemd",
	".vimrc", ".emacs", ".emacs.d", ".npmrc", ".pypirc",
};

static const char *const socket_paths[] = {
	"/var/run/docker.sock", "/run/docker.sock",
	"/run/user/*/docker.sock",
	"/run/podman/podman.sock", "/var/run/podman/podman.sock",
	"/run/user/*/podman/podman.sock",
	"/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock",
	"/run/crio/crio.sock", "/var/run/crio/crio.sock",
	"/run/buildkit/buildkitd.sock",
};

static const char *const socket_names[] = {
	"docker.sock", "podman.sock", "containerd.sock", "crio.sock", "buildkitd.sock",
	"cri-dockerd.sock", "dockershim.sock",
};

static const char *const credential_dirs[] = {
	".ssh", ".docker", ".aws", ".kube", ".gnupg", ".azure", ".config/gcloud", ".config/gh",
	".netrc", ".git-credentials",
};

static int is_sensitive(const char *path)
{
	size_t i;

	if (strcmp(path, "/") == 0)
		return 1;
	for (i = 0; i < OHS_ARRAY_SIZE(sensitive_paths); i++)
		if (ohs__path_under(path, sensitive_paths[i]) || ohs__path_under(sensitive_paths[i], path))
			return 1;
	return 0;
}

static int is_socket(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	for (i = 0; i < OHS_ARRAY_SIZE(socket_paths); i++)
		if (path_covers_pattern(path, socket_paths[i]))
			return 1;
	base = base ? base + 1 : path;
	for (i = 0; i < OHS_ARRAY_SIZE(socket_names); i++)
		if (strcmp(base, socket_names[i]) == 0)
			return 1;
	return 0;
}

/* A mount, from a Binds string or a Mounts object. */
typedef struct {
	char *field;      /* JSON path */
	const char *text; /* offending value shown (Binds string or Source) */
	char *source;     /* clean absolute host path; NULL for volumes, tmpfs */
	int windows;      /* source is a Windows drive path, as "/c:/lower/case" */
	int writable;
	int shared;       /* shared/rshared propagation */
} mount_t;

static void mounts_clear(mount_t *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(m[i].field);
		free(m[i].source);
	}
	free(m);
}

/* "C:\\..." or "C:/..." (Docker Desktop maps it to the Windows drive). */
static int win_drive(const char *s)
{
	return isalpha((unsigned char)s[0]) && s[1] == ':' && (s[2] == '\\' || s[2] == '/');
}

/*
 * A Windows drive path of n bytes as "/c:/rest", lower case, "\\" as "/",
 * lexically clean: Windows paths are case-insensitive and never resolved here.
 */
static char *win_clean(const char *s, size_t n, int *oom)
{
	char *t = malloc(n + 2), *c;
	size_t i;

	*oom = 0;
	if (!t) {
		*oom = 1;
		return NULL;
	}
	t[0] = '/';
	for (i = 0; i < n; i++)
		t[i + 1] = s[i] == '\\' ? '/' : (char)tolower((unsigned char)s[i]);
	t[n + 1] = '\0';
	c = ohs__path_clean(t, oom);
	free(t);
	return c;
}

static int bind_parse(mount_t *m, const char *s, const char *field)
{
	const char *c1 = strchr(win_drive(s) ? s + 2 : s, ':'), *c2, *opts;
	int oom;

	if (!c1 || c1 == s || c1[1] == '\0' || c1[1] == ':')
		return ohs__error_set(OHS_EINVAL, "create body: %s (\"%s\") must be \"source:target[:options]\"",
			field, s);
	c2 = strchr(c1 + 1, ':');
	if (c2 && strchr(c2 + 1, ':'))
		return ohs__error_set(OHS_EINVAL, "create body: %s (\"%s\") has too many \":\"; "
			"expected \"source:target[:options]\"", field, s);
	opts = c2 ? c2 + 1 : "";
	m->writable = 1;
	while (*opts) {
		size_t n = strcspn(opts, ",");

		if (n == 2 && strncmp(opts, "ro", 2) == 0)
			m->writable = 0;
		else if ((n == 6 && strncmp(opts, "shared", 6) == 0) ||
			 (n == 7 && strncmp(opts, "rshared", 7) == 0))
			m->shared = 1;
		opts += n;
		if (*opts == ',')
			opts++;
	}
	if (win_drive(s)) {
		m->windows = 1;
		m->source = win_clean(s, (size_t)(c1 - s), &oom);
		if (oom)
			return ohs__error_oom();
	} else if (s[0] == '/') {
		char *src = ohs__strndup(s, (size_t)(c1 - s));

		if (!src)
			return ohs__error_oom();
		m->source = ohs__path_clean(src, &oom);
		free(src);
		if (oom)
			return ohs__error_oom();
	}
	return 0;
}

static int mount_obj_parse(mount_t *m, json_t *o, const char *field)
{
	const char *type, *src, *prop = NULL;
	json_t *bo;
	int ro, rc, oom;
	char *sub;

	if (!json_is_object(o))
		return ohs__policy_type_error(field, "an object", o);
	if ((rc = KEYS_EXACT(o, field, mount_keys)) < 0)
		return rc;
	bo = json_object_get(o, "VolumeOptions");
	if ((rc = KEYS_EXACT(bo, "VolumeOptions", volopt_keys)) < 0 ||
	    (rc = KEYS_EXACT(json_object_get(bo, "DriverConfig"), "DriverConfig", drvcfg_keys)) < 0 ||
	    (rc = KEYS_EXACT(json_object_get(o, "BindOptions"), "BindOptions", bindopt_keys)) < 0)
		return rc;
	if (!(sub = ohs__sprintf("%s.Type", field)))
		return ohs__error_oom();
	rc = ohs__policy_get_str(&type, o, "Type", sub);
	free(sub);
	if (rc < 0)
		return rc;
	if (!(sub = ohs__sprintf("%s.Source", field)))
		return ohs__error_oom();
	rc = ohs__policy_get_str(&src, o, "Source", sub);
	free(sub);
	if (rc < 0)
		return rc;
	if (!(sub = ohs__sprintf("%s.ReadOnly", field)))
		return ohs__error_oom();
	rc = ohs__policy_get_bool(&ro, o, "ReadOnly", sub);
	free(sub);
	if (rc < 0)
		return rc;
	if (!(sub = ohs__sprintf("%s.BindOptions", field)))
		return ohs__error_oom();
	rc = ohs__policy_get_object(&bo, o, "BindOptions", sub);
	if (rc == 0 && bo) {
		char *sub2 = ohs__sprintf("%s.Propagation", sub);

		rc = sub2 ? ohs__policy_get_str(&prop, bo, "Propagation", sub2) : ohs__error_oom();
		free(sub2);
	}
	free(sub);
	if (rc < 0)
		return rc;
	m->text = src ? src : "";
	m->writable = !ro;
	m->shared = prop && (strcmp(prop, "shared") == 0 || strcmp(prop, "rshared") == 0);
	/* A missing Type with an absolute Source is treated as a bind (fail closed). */
	if ((!type || strcmp(type, "bind") == 0) && src && win_drive(src)) {
		m->windows = 1;
		m->source = win_clean(src, strlen(src), &oom);
		if (oom)
			return ohs__error_oom();
	} else if ((!type || strcmp(type, "bind") == 0) && src && src[0] == '/') {
		m->source = ohs__path_clean(src, &oom);
		if (oom)
			return ohs__error_oom();
	} else if (type && strcmp(type, "volume") == 0) {
		/* A local volume created inline with o=bind is a bind of its device. */
		json_t *opts = json_object_get(json_object_get(json_object_get(o, "VolumeOptions"),
			"DriverConfig"), "Options");
		const char *dev = json_string_value(json_object_get(opts, "device"));
		const char *bo_opt = json_string_value(json_object_get(opts, "o"));

		if (dev && dev[0] == '/' && bo_opt && strstr(bo_opt, "bind")) {
			m->text = dev;
			m->source = ohs__path_clean(dev, &oom);
			if (oom)
				return ohs__error_oom();
		}
	}
	return 0;
}

/* Collect Binds and Mounts. */
static int mounts_collect(mount_t **out, size_t *n_out, json_t *hc)
{
	json_t *binds, *mounts;
	size_t nb, nm, i, n = 0;
	mount_t *m;
	int rc;

	*out = NULL;
	*n_out = 0;
	if ((rc = ohs__policy_get_array(&binds, hc, "Binds", "HostConfig.Binds")) < 0 ||
	    (rc = ohs__policy_get_array(&mounts, hc, "Mounts", "HostConfig.Mounts")) < 0)
		return rc;
	nb = binds ? json_array_size(binds) : 0;
	nm = mounts ? json_array_size(mounts) : 0;
	if (nb + nm == 0)
		return 0;
	if (!(m = calloc(nb + nm, sizeof(*m))))
		return ohs__error_oom();
	for (i = 0; i < nb; i++, n++) {
		const char *s;

		if (!(m[n].field = ohs__sprintf("HostConfig.Binds[%zu]", i))) {
			rc = ohs__error_oom();
			goto fail;
		}
		if ((rc = ohs__policy_array_str(&s, binds, i, "HostConfig.Binds")) < 0 ||
		    (rc = bind_parse(&m[n], s, m[n].field)) < 0)
			goto fail;
		m[n].text = s;
	}
	for (i = 0; i < nm; i++, n++) {
		if (!(m[n].field = ohs__sprintf("HostConfig.Mounts[%zu]", i))) {
			rc = ohs__error_oom();
			goto fail;
		}
		if ((rc = mount_obj_parse(&m[n], json_array_get(mounts, i), m[n].field)) < 0)
			goto fail;
	}
	*out = m;
	*n_out = n;
	return 0;
fail:
	mounts_clear(m, nb + nm);
	return rc;
}

/* ------------------------------------------------------------ checks */

/*
 * Host facts for the mount and group checks: homes and engine sockets.
 * Only what is static (fixed homes, the policy's home, the spelled socket
 * paths) when the engine is remote; the password database, the caller's and
 * the sandbox user's homes and the sockets' real paths when it is local.
 */
typedef struct {
	ohs__strvec own;     /* the caller's, the sandbox user's and the policy's homes */
	ohs__strvec other;   /* /root, /home and every home of the password database */
	ohs__strvec sockets; /* engine sockets as spelled, plus their real paths (local) */
	size_t nspelled;     /* sockets.v[0 .. nspelled) are the spelled ones */
} facts;

const char *const ohs__policy_default_sockets[2] = { "/var/run/docker.sock", "/run/docker.sock" };

static void facts_clear(facts *h)
{
	ohs__strvec_clear(&h->own);
	ohs__strvec_clear(&h->other);
	ohs__strvec_clear(&h->sockets);
}

static int push_clean(ohs__strvec *v, char *s)
{
	int oom;
	char *c;

	if (!s)
		return 0;
	c = ohs__path_clean(s, &oom);
	free(s);
	if (oom)
		return ohs__error_oom();
	return c ? ohs__strvec_push_owned(v, c) : 0;
}

static int facts_get(facts *h, const ohs_policy *p, json_t *body)
{
	const char *user = json_string_value(json_object_get(body, "User"));
	size_t i, n;
	int rc = 0, oom = 0;
	char *s;

	memset(h, 0, sizeof(*h));
	if (p->home && (rc = ohs__strvec_push(&h->own, p->home)) < 0)
		goto fail;
	for (i = 0; i < OHS_ARRAY_SIZE(fixed_homes); i++)
		if ((rc = ohs__strvec_push(&h->other, fixed_homes[i])) < 0)
			goto fail;
	if (p->engine_socket)
		rc = ohs__strvec_push(&h->sockets, p->engine_socket);
	for (i = 0; rc == 0 && !p->engine_socket && i < OHS_ARRAY_SIZE(ohs__policy_default_sockets); i++)
		rc = ohs__strvec_push(&h->sockets, ohs__policy_default_sockets[i]);
	if (rc < 0)
		goto fail;
	h->nspelled = h->sockets.n;
	if (p->remote)
		return 0;
	s = ohs__hostpath_home_of_uid(getuid(), &oom);
	if (oom || (rc = push_clean(&h->own, s)) < 0)
		goto fail;
	if (user && *user) {
		char *name = ohs__strndup(user, strcspn(user, ":"));

		if (!name)
			goto oom;
		s = ohs__hostpath_home_of(name, &oom);
		free(name);
		if (oom || (rc = push_clean(&h->own, s)) < 0)
			goto fail;
	}
	n = h->other.n;
	if ((rc = ohs__hostpath_passwd_homes(&h->other)) < 0)
		goto fail;
	for (i = n; i < h->other.n; i++) {
		char *c = ohs__path_clean(h->other.v[i], &oom);

		if (oom || !c)
			goto oom;
		free(h->other.v[i]);
		h->other.v[i] = c;
	}
	for (i = 0; i < h->nspelled; i++)
		if ((s = ohs__hostpath_realpath(h->sockets.v[i])) != NULL &&
		    (rc = ohs__strvec_push_owned(&h->sockets, s)) < 0)
			goto fail;
	return 0;
oom:
	rc = ohs__error_oom();
fail:
	if (oom && rc == 0)
		rc = ohs__error_oom();
	facts_clear(h);
	return rc;
}

static int in_vec(const ohs__strvec *v, const char *s)
{
	return ohs__policy_in_list(s, (const char *const *)v->v, v->n);
}

/* What the rules say about one spelling of a source (clean, absolute). */
enum {
	F_SOCKET = 1 << 0, F_SENSITIVE = 1 << 1, F_HOME_RW = 1 << 2, F_CRED = 1 << 3,
	F_DOTFILE = 1 << 4,
};

/* base + "/" + rel; NULL on OOM. */
static char *path_join(const char *base, const char *rel)
{
	return ohs__sprintf("%s%s%s", base, strcmp(base, "/") ? "/" : "", rel);
}

static int home_rules(int *flags, const char *src, const char *h, int writable)
{
	size_t k;

	if (writable && ohs__path_under(h, src))
		*flags |= F_HOME_RW;
	for (k = 0; k < OHS_ARRAY_SIZE(credential_dirs); k++) {
		char *cred = path_join(h, credential_dirs[k]);

		if (!cred)
			return ohs__error_oom();
		if (ohs__path_under(src, cred) || ohs__path_under(cred, src))
			*flags |= F_CRED;
		free(cred);
	}
	for (k = 0; writable && !ohs__path_under(h, src) && k < OHS_ARRAY_SIZE(home_dotfiles); k++) {
		char *dot = path_join(h, home_dotfiles[k]);

		if (!dot)
			return ohs__error_oom();
		if (ohs__path_under(src, dot) || ohs__path_under(dot, src))
			*flags |= F_DOTFILE;
		free(dot);
	}
	return 0;
}

static int path_rules(int *flags, const char *src, int writable, const facts *h)
{
	size_t i;
	int rc;

	if (is_socket(src))
		*flags |= F_SOCKET;
	if (is_sensitive(src))
		*flags |= F_SENSITIVE;
	if (writable && strcmp(src, "/") == 0)
		*flags |= F_HOME_RW;
	for (i = h->nspelled; i < h->sockets.n; i++)
		if (ohs__path_under(h->sockets.v[i], src))
			*flags |= F_SOCKET; /* holds the engine's socket */
	for (i = 0; i < h->own.n; i++)
		if ((rc = home_rules(flags, src, h->own.v[i], writable)) < 0)
			return rc;
	for (i = 0; i < h->other.n; i++) {
		if ((rc = home_rules(flags, src, h->other.v[i], writable)) < 0)
			return rc;
		/* another user's home (or /home, /root) is private even read-only */
		if (!in_vec(&h->own, h->other.v[i]) && ohs__path_under(h->other.v[i], src))
			*flags |= F_SENSITIVE;
	}
	return 0;
}

/* Windows drive paths ("/c:/..." here), lexically, like the Linux rules. */
static int windows_rules(int *flags, const char *src, int writable)
{
	static const char *const sys[] = { "/*:/windows", "/*:/program files", "/*:/program files (x86)",
		"/*:/programdata" };
	const char *rest = strlen(src) >= 3 ? src + 3 : ""; /* after "/c:" ("c:/.." is "/") */
	size_t i;

	if (!*rest) {
		*flags |= F_SENSITIVE | (writable ? F_HOME_RW : 0); /* the whole drive */
		return 0;
	}
	for (i = 0; i < OHS_ARRAY_SIZE(sys); i++)
		if (ohs__path_under(rest, sys[i] + 3) || ohs__path_under(sys[i] + 3, rest))
			*flags |= F_SENSITIVE;
	if (strcmp(rest, "/users") == 0) {
		*flags |= F_SENSITIVE | (writable ? F_HOME_RW : 0);
	} else if (strncmp(rest, "/users/", 7) == 0) {
		char *home = ohs__strndup(rest, 7 + strcspn(rest + 7, "/"));
		int rc;

		if (!home)
			return ohs__error_oom();
		rc = home_rules(flags, rest, home, writable);
		free(home);
		return rc;
	}
	return 0;
}

static const char *errno_text(int e)
{
	switch (e) {
	case ENOENT: return "a dangling symbolic link";
	case ELOOP: return "a symbolic link loop";
	case EACCES: return "a directory the caller cannot search";
	case ENOTDIR: return "a file used as a directory";
	case ENAMETOOLONG: return "a name too long";
	default: return "an error";
	}
}

static int check_one_mount(ctx *c, const mount_t *m, const facts *h)
{
	ohs__hostpath hp = {0};
	int flags = 0, rc = 0;
	char *note = NULL;
	size_t i;

	if (m->windows) {
		if ((rc = windows_rules(&flags, m->source, m->writable)) < 0)
			return rc;
	} else {
		if ((rc = path_rules(&flags, m->source, m->writable, h)) < 0)
			return rc;
		if (!c->p->remote) {
			if ((rc = ohs__hostpath_resolve(&hp, m->source)) < 0)
				return rc;
			if (hp.resolved && strcmp(hp.resolved, m->source) != 0) {
				if ((rc = path_rules(&flags, hp.resolved, m->writable, h)) < 0)
					goto out;
				if (!(note = ohs__sprintf("resolves to %s", hp.resolved))) {
					rc = ohs__error_oom();
					goto out;
				}
			}
			for (i = 0; hp.resolved && i < h->nspelled; i++)
				if (ohs__hostpath_same_file(&hp, h->sockets.v[i]))
					flags |= F_SOCKET;
		}
	}
#define ADD_IF(cond, k) \
	if ((cond) && (rc = ohs__policy_findings_add_note(c->f, k, m->field, m->text, note, 0, 0)) < 0) \
		goto out
	ADD_IF(flags & F_SOCKET, C_SOCKET);
	ADD_IF(hp.is_socket && !(flags & F_SOCKET), C_HOST_SOCKET);
	ADD_IF(hp.is_device, C_DEVICE_NODE);
	ADD_IF(flags & F_SENSITIVE, C_SENSITIVE);
	ADD_IF(flags & F_HOME_RW, C_HOME_RW);
	ADD_IF((flags & F_DOTFILE) && !(flags & F_HOME_RW), C_HOME_DOTFILE);
	ADD_IF(flags & F_CRED, C_CREDENTIALS);
#undef ADD_IF
	if (!m->windows && !c->p->remote && !hp.resolved)
		rc = ohs__policy_findings_add_note(c->f, C_UNRESOLVED, m->field, m->text, errno_text(hp.err), 0, 0);
	else if (m->windows || c->p->remote)
		rc = ohs__policy_add(c, C_LEXICAL, m->field, m->text);
out:
	free(note);
	ohs__hostpath_clear(&hp);
	return rc;
}

int ohs__policy_check_mounts(ctx *c, json_t *hc, json_t *body)
{
	mount_t *m;
	facts h;
	size_t n, i;
	int rc;

	if ((rc = mounts_collect(&m, &n, hc)) < 0)
		return rc;
	if (n == 0)
		return 0;
	if ((rc = facts_get(&h, c->p, body)) < 0) {
		mounts_clear(m, n);
		return rc;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (m[i].shared && (rc = ohs__policy_add(c, C_PROPAGATION, m[i].field, m[i].text)) < 0)
			break;
		if (m[i].source)
			rc = check_one_mount(c, &m[i], &h);
	}
	facts_clear(&h);
	mounts_clear(m, n);
	return rc;
}
