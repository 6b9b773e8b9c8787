/*
 * libohsandbox - volume specs (SANDBOX_VOLUMES).  See ohs_volumes_new(3).
 *
 * An ohs_volumes is an ordered, validated list of mounts.  Not thread-safe:
 * use one handle from one thread at a time (distinct handles are independent).
 */
#ifndef OHSANDBOX_VOLUME_H
#define OHSANDBOX_VOLUME_H

#include "common.h"

OHS_BEGIN_DECL

typedef struct ohs_volumes ohs_volumes;

typedef enum {
	OHS_MOUNT_BIND = 0,   /* a host path */
	OHS_MOUNT_VOLUME = 1  /* a named Docker volume ("volume:NAME") */
} ohs_mount_type;

typedef enum {
	OHS_MOUNT_RW = 0,
	OHS_MOUNT_RO = 1
} ohs_mount_mode;

/** A new, empty list. */
OHS_EXTERN(int) ohs_volumes_new(ohs_volumes **out);

/**
 * Parse a SANDBOX_VOLUMES value ("host:container[:mode],...").  `home`
 * expands "~" (NULL: $HOME of the process); `cwd` resolves relative host
 * paths (NULL: the process's current directory).  On error *out is NULL and
 * ohs_error_last() names the entry's position and text.
 */
OHS_EXTERN(int) ohs_volumes_parse(ohs_volumes **out, const char *spec,
	const char *home, const char *cwd);

/**
 * Append one mount.  `source` is an absolute host path (BIND) or a volume
 * name (VOLUME); `target` an absolute container path.  Same rules as parse.
 */
OHS_EXTERN(int) ohs_volumes_add(ohs_volumes *vols, ohs_mount_type type,
	const char *source, const char *target, ohs_mount_mode mode);

/** Deep copy. */
OHS_EXTERN(int) ohs_volumes_dup(ohs_volumes **out, const ohs_volumes *vols);

OHS_EXTERN(void) ohs_volumes_free(ohs_volumes *vols);

OHS_EXTERN(size_t) ohs_volumes_count(const ohs_volumes *vols);

/* Getters for entry i (0-based); NULL / -1 when i is out of range. */
OHS_EXTERN(int) ohs_volumes_type(const ohs_volumes *vols, size_t i);
OHS_EXTERN(const char *) ohs_volumes_source(const ohs_volumes *vols, size_t i);
OHS_EXTERN(const char *) ohs_volumes_target(const ohs_volumes *vols, size_t i);
OHS_EXTERN(int) ohs_volumes_mode(const ohs_volumes *vols, size_t i);

/** Host source of the entry mounted on /workspace, or NULL when none. */
OHS_EXTERN(const char *) ohs_volumes_workspace(const ohs_volumes *vols);

OHS_END_DECL

#endif
