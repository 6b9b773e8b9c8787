/*
 * owner: the owner labels every sandbox and network of the library carries
 * (who made it: pid and start time, machine id, boot id, pid namespace,
 * host name), this process's host identity, and the judgement of whether
 * a recorded owner is still alive.  Users: session.c and network.c write
 * the labels at create (ohs__owner_labels_add); reap.c judges them
 * (ohs__owner_judge, ohs__host_id_get); session.c reads the keep marks.
 * Reads /proc and /etc only; never talks to the engine.
 */
#include "internal.h"
#include "owner_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* ------------------------------------------------------------ labels written at create */

static int set_label(json_t *labels, const char *key, const char *value)
{
	if (json_object_set_new(labels, key, json_string(value)) < 0)
		return ohs__error_oom();
	return 0;
}

int ohs__owner_labels_add(json_t *labels, const char *sid)
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
