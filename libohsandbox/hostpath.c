/*
 * hostpath: host facts for the security policy (see hostpath_int.h).
 * Everything here touches the host (realpath, stat, the password and group
 * databases) except ohs__hostpath_ip_kind and the DOCKER_HOST parser.
 */
#include "hostpath_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* getpwent() walks one process-wide stream. */
static pthread_mutex_t pw_lock = PTHREAD_MUTEX_INITIALIZER;

void ohs__hostpath_clear(ohs__hostpath *h)
{
	if (!h)
		return;
	free(h->resolved);
	memset(h, 0, sizeof(*h));
}

static void fill_type(ohs__hostpath *h)
{
	struct stat st;

	if (stat(h->resolved, &st) != 0)
		return;
	h->exists = 1;
	h->dev = st.st_dev;
	h->ino = st.st_ino;
	h->is_socket = S_ISSOCK(st.st_mode);
	h->is_device = S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode);
	h->is_fifo = S_ISFIFO(st.st_mode);
}

int ohs__hostpath_resolve(ohs__hostpath *out, const char *path)
{
	char *cur;
	size_t rest; /* path + rest: the components that do not exist */

	memset(out, 0, sizeof(*out));
	if (!path || path[0] != '/') {
		out->err = EINVAL;
		return 0;
	}
	if (!(cur = ohs__strdup(path)))
		return ohs__error_oom();
	rest = strlen(path);
	for (;;) {
		struct stat st;
		char *rp = realpath(cur, NULL), *slash;

		if (rp) {
			if (path[rest] == '\0')
				out->resolved = rp;
			else {
				out->resolved = ohs__sprintf("%s%s", strcmp(rp, "/") ? rp : "", path + rest);
				free(rp);
			}
			break;
		}
		if (errno == ENOMEM) {
			free(cur);
			return ohs__error_oom();
		}
		if (errno != ENOENT || strcmp(cur, "/") == 0 || lstat(cur, &st) == 0) {
			/* not searchable, a loop, or a dangling symlink: what the engine meets is unknown */
			out->err = errno != ENOENT ? errno : ENOENT;
			free(cur);
			return 0;
		}
		slash = strrchr(cur, '/');
		rest = (size_t)(slash - cur);
		if (rest == 0)
			strcpy(cur, "/");
		else
			*slash = '\0';
	}
	free(cur);
	if (!out->resolved)
		return ohs__error_oom();
	fill_type(out);
	return 0;
}

char *ohs__hostpath_realpath(const char *path)
{
	return path ? realpath(path, NULL) : NULL;
}

int ohs__hostpath_same_file(const ohs__hostpath *h, const char *path)
{
	struct stat st;

	if (!h->exists || !path || stat(path, &st) != 0)
		return 0;
	return st.st_dev == h->dev && st.st_ino == h->ino;
}

int ohs__hostpath_file_gid(gid_t *out, const char *path)
{
	struct stat st;

	if (!path || stat(path, &st) != 0)
		return -1;
	*out = st.st_gid;
	return 0;
}

int ohs__hostpath_group_gid(gid_t *out, const char *name)
{
	struct group gr, *res = NULL;
	char buf[16384];

	if (!name || !*name || getgrnam_r(name, &gr, buf, sizeof(buf), &res) != 0 || !res)
		return -1;
	*out = res->gr_gid;
	return 0;
}

int ohs__hostpath_passwd_homes(ohs__strvec *out)
{
	struct passwd *pw;
	int rc = 0;

	pthread_mutex_lock(&pw_lock);
	setpwent();
	while (rc == 0 && (pw = getpwent()) != NULL) {
		if (pw->pw_dir && pw->pw_dir[0] == '/')
			rc = ohs__strvec_push(out, pw->pw_dir);
	}
	endpwent();
	pthread_mutex_unlock(&pw_lock);
	return rc;
}

static char *home_copy(const struct passwd *pw, int *oom)
{
	char *s;

	if (!pw || !pw->pw_dir || pw->pw_dir[0] != '/')
		return NULL;
	if (!(s = ohs__strdup(pw->pw_dir)))
		*oom = 1;
	return s;
}

char *ohs__hostpath_home_of_uid(uid_t uid, int *oom)
{
	struct passwd pw, *res = NULL;
	char buf[16384];

	*oom = 0;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0)
		return NULL;
	return home_copy(res, oom);
}

char *ohs__hostpath_home_of(const char *user, int *oom)
{
	struct passwd pw, *res = NULL;
	char buf[16384];
	char *end;
	unsigned long v;

	*oom = 0;
	if (!user || !*user)
		return NULL;
	errno = 0;
	v = strtoul(user, &end, 10);
	if (user[0] >= '0' && user[0] <= '9' && *end == '\0' && errno == 0 && v <= (unsigned long)INT_MAX)
		return ohs__hostpath_home_of_uid((uid_t)v, oom);
	if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) != 0)
		return NULL;
	return home_copy(res, oom);
}

/* ------------------------------------------------------------ addresses (pure) */

int ohs__hostpath_ip_kind(const char *ip)
{
	unsigned char a[16];
	char tmp[INET6_ADDRSTRLEN + 8];
	size_t n;

	if (!ip || !*ip)
		return OHS__IP_ANY;
	n = strlen(ip);
	if (ip[0] == '[' && n >= 2 && ip[n - 1] == ']') {
		ip++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(tmp))
		return OHS__IP_ANY;
	memcpy(tmp, ip, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, a) == 1) {
		if (a[0] == 127)
			return OHS__IP_LOOPBACK;
		return (a[0] | a[1] | a[2] | a[3]) ? OHS__IP_OTHER : OHS__IP_ANY;
	}
	if (inet_pton(AF_INET6, tmp, a) == 1) {
		static const unsigned char mapped[12] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };
		static const unsigned char zero[16];
		static const unsigned char one[16] = { [15] = 1 };

		if (memcmp(a, zero, 16) == 0)
			return OHS__IP_ANY;
		if (memcmp(a, one, 16) == 0)
			return OHS__IP_LOOPBACK;
		if (memcmp(a, mapped, 12) == 0) {
			if (a[12] == 127)
				return OHS__IP_LOOPBACK;
			return (a[12] | a[13] | a[14] | a[15]) ? OHS__IP_OTHER : OHS__IP_ANY;
		}
		/* ::a.b.c.d (IPv4-compatible, deprecated): ::0.0.0.0 is :: above */
		return OHS__IP_OTHER;
	}
	/* "0", "0.0", zone ids, names: not a literal the checks can judge; fail closed. */
	return OHS__IP_ANY;
}

int ohs__hostpath_docker_host_local(const char *dh, char **sock)
{
	const char *h, *at, *end;
	char host[256];
	size_t n;

	if (sock)
		*sock = NULL;
	if (!dh || !*dh)
		return 1;
	if (strncmp(dh, "unix://", 7) == 0) {
		if (sock && dh[7] == '/' && !(*sock = ohs__strdup(dh + 7)))
			return ohs__error_oom();
		return 1;
	}
	if (strncmp(dh, "tcp://", 6) != 0)
		return 0;
	h = dh + 6;
	n = strcspn(h, "/?#");
	if ((at = memchr(h, '@', n)) != NULL) {
		n -= (size_t)(at + 1 - h);
		h = at + 1;
	}
	if (h[0] == '[') {
		end = memchr(h, ']', n);
		if (!end)
			return 0;
		h++;
		n = (size_t)(end - h);
	} else {
		const char *c = memchr(h, ':', n);

		if (c && !memchr(c + 1, ':', n - (size_t)(c + 1 - h)))
			n = (size_t)(c - h); /* host:port */
	}
	if (n == 0 || n >= sizeof(host))
		return 0;
	memcpy(host, h, n);
	host[n] = '\0';
	if (strcasecmp(host, "localhost") == 0 || strcasecmp(host, "localhost.") == 0)
		return 1;
	return ohs__hostpath_ip_kind(host) == OHS__IP_LOOPBACK; /* only a literal is loopback */
}
