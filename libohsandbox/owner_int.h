/*
 * Owner labels and host identity (owner.c): the labels every sandbox and
 * every network the library creates carries, and the judgement of whether
 * the owner they name is still alive.  Users: session.c and network.c
 * (write the labels at create), reap.c (judges them), and through
 * session_int.h everything that includes it.  Pure apart from reading
 * /proc and /etc; never talks to the engine.  Not installed.
 */
#ifndef OHS_OWNER_INT_H
#define OHS_OWNER_INT_H

#include <jansson.h>
#include <sys/types.h>

/* Label keys every sandbox of this library carries. */
#define OHS_LABEL_MANAGED     "org.ohsandbox.managed"
#define OHS_LABEL_SESSION     "org.ohsandbox.session"
#define OHS_LABEL_OWNER_PID   "org.ohsandbox.owner.pid"
#define OHS_LABEL_OWNER_START "org.ohsandbox.owner.start"
#define OHS_LABEL_HOST        "org.ohsandbox.host"
#define OHS_LABEL_KEEP        "org.ohsandbox.keep"
/* Host identity of the owner (since 0.2): /etc/machine-id, the kernel's
 * boot id, and the inode of the owner's pid namespace. */
#define OHS_LABEL_MACHINE     "org.ohsandbox.machine"
#define OHS_LABEL_BOOT        "org.ohsandbox.boot"
#define OHS_LABEL_PIDNS       "org.ohsandbox.owner.pidns"
/* On networks the library created. */
#define OHS_LABEL_NETWORK     "org.ohsandbox.network"

/*
 * Container names: "ohs-" + the first 12 hex digits of the session id.
 * A kept session is renamed to "ohs-keep-" + the same 12 digits: labels
 * cannot change after create, the name can, and the reaper sees it.
 */
#define OHS_NAME_PREFIX       "ohs-"
#define OHS_KEEP_PREFIX       "ohs-keep-"

/* Start time of process `pid` (field 22 of /proc/PID/stat, clock ticks). */
int ohs__proc_starttime(pid_t pid, unsigned long long *out);

/* This host's name as recorded in OHS_LABEL_HOST ("" when unknown). */
void ohs__hostname(char *buf, size_t len);

/* This process's host identity, as recorded in the owner labels. */
typedef struct {
	char machine[33];  /* /etc/machine-id (else /var/lib/dbus/machine-id); "" unknown */
	char boot[37];     /* /proc/sys/kernel/random/boot_id; "" unknown */
	char pidns[24];    /* inode of /proc/self/ns/pid, decimal; "" unknown */
	char host[256];    /* host name (display, and 0.1.0 labels) */
	long long btime;   /* this boot's start, seconds since the epoch; 0 unknown */
} ohs__host_id;

void ohs__host_id_get(ohs__host_id *h);

/*
 * Set the owner labels (managed, session `sid`, owner pid and start time,
 * machine, boot, pid namespace, host) in the object `labels`.
 */
int ohs__owner_labels_add(json_t *labels, const char *sid);

typedef enum {
	OHS__OWNER_ALIVE,    /* the owner process runs here */
	OHS__OWNER_GONE,     /* the owner is certainly dead: may be reaped */
	OHS__OWNER_UNKNOWN,  /* this machine, but the labels cannot be judged */
	OHS__OWNER_OTHER_NS, /* this machine and boot, another pid namespace */
	OHS__OWNER_OLD,      /* 0.1.0 labels naming this host name */
	OHS__OWNER_FOREIGN   /* another machine (or identity unknown) */
} ohs__owner_verdict;

/*
 * Judge the owner recorded in `labels` (object of strings) from host `me`;
 * `created` is the object's creation time (seconds since the epoch, 0
 * unknown).  *why (may be NULL) receives a static phrase.  Only GONE
 * allows a reap without OHS_REAP_ALL; a label that cannot be parsed is
 * UNKNOWN, never GONE.
 */
ohs__owner_verdict ohs__owner_judge(json_t *labels, const ohs__host_id *me,
	long long created, const char **why);

/* 1 unless the owner in `labels` is certainly gone (ohs__owner_judge). */
int ohs__owner_alive(json_t *labels);

/* Whether a container (name with or without the leading '/') is kept. */
int ohs__name_is_kept(const char *name);

/* Labels object's string value or NULL. */
const char *ohs__label(json_t *labels, const char *key);

#endif
