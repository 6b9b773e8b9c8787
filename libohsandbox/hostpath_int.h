/*
 * hostpath: facts about the host that the security policy needs when the
 * engine runs on this machine (what a bind source resolves to and is, the
 * engine socket's inode and group, the password and group databases).
 * The policy does host I/O only through this module, and only when the
 * engine is local.  Not installed; nothing here is exported.
 */
#ifndef OHS_HOSTPATH_INT_H
#define OHS_HOSTPATH_INT_H

#include "internal.h"

#include <sys/types.h>

/* What a host path is on this host. */
typedef struct {
	char *resolved; /* canonical path; NULL when it could not be resolved */
	int err;        /* errno of the failed resolution (resolved NULL) */
	int exists;     /* the whole path exists (else resolved ends in the missing rest) */
	int is_socket, is_device, is_fifo;
	dev_t dev;      /* of the file, when it exists */
	ino_t ino;
} ohs__hostpath;

/*
 * Resolve an absolute, lexically clean path: realpath() of its longest
 * existing prefix (every symlink of it followed) plus the components that do
 * not exist yet (the engine creates those as directories).  A dangling
 * symlink, a loop or a component that cannot be searched leaves resolved
 * NULL with err set.  Fails only with OHS_ENOMEM.
 */
int ohs__hostpath_resolve(ohs__hostpath *out, const char *path);
void ohs__hostpath_clear(ohs__hostpath *h);

/* Canonical path of an existing file (owned), NULL when there is none. */
char *ohs__hostpath_realpath(const char *path);

/* Whether h (existing) is the same file as `path` (st_dev/st_ino). */
int ohs__hostpath_same_file(const ohs__hostpath *h, const char *path);

/* The group of the file at path (followed); 0 when found, -1 when not. */
int ohs__hostpath_file_gid(gid_t *out, const char *path);

/* The gid of group `name`; 0 when found, -1 when not. */
int ohs__hostpath_group_gid(gid_t *out, const char *name);

/*
 * Every absolute home directory of the password database (getpwent),
 * appended to out (owned copies).  Serialised by a lock of this module.
 */
int ohs__hostpath_passwd_homes(ohs__strvec *out);

/*
 * Home of a uid or user name ("1000", "alice"): an owned copy, NULL when
 * unknown (or not absolute).  *oom set on allocation failure.
 */
char *ohs__hostpath_home_of(const char *user, int *oom);
char *ohs__hostpath_home_of_uid(uid_t uid, int *oom);

/*
 * Whether a DOCKER_HOST value names an engine on this machine: NULL/empty
 * or unix:// (1, *sock set to an owned copy of the socket path when sock is
 * not NULL), tcp:// to 127.0.0.0/8, ::1 or localhost (1), anything else 0.
 * Returns OHS_ENOMEM on allocation failure.
 */
int ohs__hostpath_docker_host_local(const char *docker_host, char **sock);

/*
 * Kind of a host IP as the engine reads HostIp: OHS__IP_ANY for every
 * spelling of "all interfaces" (empty, 0.0.0.0, ::, [::], ::ffff:0.0.0.0,
 * ::ffff:0:0, "0", ... and anything inet_pton cannot parse, failing
 * closed), OHS__IP_LOOPBACK for 127.0.0.0/8, ::1 and ::ffff:127.x.y.z,
 * OHS__IP_OTHER for any other specific address.  Pure.
 */
enum { OHS__IP_ANY, OHS__IP_LOOPBACK, OHS__IP_OTHER };
int ohs__hostpath_ip_kind(const char *ip);

#endif
