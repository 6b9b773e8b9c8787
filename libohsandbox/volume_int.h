/*
 * volume: the host-path resolution of SANDBOX_VOLUMES, for env.c (the
 * deprecated WORKSPACE_BASE / WORKSPACE_MOUNT_PATH resolve the same way).
 * Not installed.
 */
#ifndef OHS_VOLUME_INT_H
#define OHS_VOLUME_INT_H

#include "internal.h"

/*
 * Resolve the host path s (len bytes) of a bind: a Windows drive path
 * ("C:\..." or "C:/...") is kept verbatim; an absolute path is normalised
 * lexically; "~" and "~/x" expand against home (NULL: getenv("HOME"); it
 * must be absolute); "~user" is refused; a relative path joins cwd (NULL:
 * getcwd()).  *out is a new string.  OHS_EINVAL (or OHS_EIO when the
 * current directory cannot be read) with a message naming the path.
 */
int ohs__volumes_resolve_host(char **out, const char *s, size_t len, const char *home, const char *cwd)
	OHS_INTERNAL;

#endif
