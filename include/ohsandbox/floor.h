/*
 * libohsandbox - the operator's floor: a trusted policy file the sandbox
 * environment cannot lower.  See ohs_floor_load(3) and the FLOOR section of
 * ohsandbox-policy(7).
 *
 * A floor pins, each optionally: the weakest security profile and mode a
 * config may use, the host paths bind mounts must lie under, the networks a
 * sandbox may join and the OCI runtime it must run under.  ohs_env_load(3)
 * reads the system floor, $(sysconfdir)/ohsandbox/policy.json, before any
 * SANDBOX_* variable; nothing in the environment can name, replace or
 * disable it.  Floors only ever add up: merging two floors keeps the
 * stricter of each key.
 *
 * Thread safety: a floor that is no longer modified may be read from many
 * threads at once.
 */
#ifndef OHSANDBOX_FLOOR_H
#define OHSANDBOX_FLOOR_H

#include "common.h"

OHS_BEGIN_DECL

typedef struct ohs_floor ohs_floor;

/**
 * Read a floor from a JSON file (trusted: the caller chose the path):
 * {"profile": "hardened", "mode": "enforce", "host_paths": ["/srv/code"],
 *  "networks": ["sandbox-net"], "runtime": "runsc"}, every key optional.
 * A missing or unreadable file, invalid JSON, a duplicate, unknown or
 * wrongly typed key, or a bad value is an error naming the file and the key
 * (OHS_ENOTFOUND for a missing file, OHS_EIO for an unreadable one,
 * OHS_EINVAL for the content).
 */
OHS_EXTERN(int) ohs_floor_load(ohs_floor **out, const char *path);

/**
 * The same from a JSON text; `origin` names it in messages and provenance
 * (NULL: "floor JSON").
 */
OHS_EXTERN(int) ohs_floor_parse(ohs_floor **out, const char *json, const char *origin);

/**
 * The system floor, ohs_floor_system_path(): *out is NULL (and 0 returned)
 * when the file does not exist; any other problem is an error as for
 * ohs_floor_load(), and so is a world-writable file.
 */
OHS_EXTERN(int) ohs_floor_system(ohs_floor **out);
/** $(sysconfdir)/ohsandbox/policy.json of this build. */
OHS_EXTERN(const char *) ohs_floor_system_path(void);

OHS_EXTERN(int) ohs_floor_dup(ohs_floor **out, const ohs_floor *f);
OHS_EXTERN(void) ohs_floor_free(ohs_floor *f);

/**
 * Add `src` to `dst`: the stricter profile and mode, the intersection of
 * host_paths and of networks (when both give them), one runtime (two
 * different runtimes are OHS_EINVAL).  On error `dst` is unchanged.
 */
OHS_EXTERN(int) ohs_floor_merge(ohs_floor *dst, const ohs_floor *src);

/** Pinned profile / mode / runtime name, or NULL when the floor leaves it free. */
OHS_EXTERN(const char *) ohs_floor_profile(const ohs_floor *f);
OHS_EXTERN(const char *) ohs_floor_mode(const ohs_floor *f);
OHS_EXTERN(const char *) ohs_floor_runtime(const ohs_floor *f);

/**
 * Whether the floor restricts host paths / networks (1) or not (0); a
 * restricting floor may list none (nothing allowed).
 */
OHS_EXTERN(int) ohs_floor_has_host_paths(const ohs_floor *f);
OHS_EXTERN(size_t) ohs_floor_host_path_count(const ohs_floor *f);
OHS_EXTERN(const char *) ohs_floor_host_path(const ohs_floor *f, size_t i);
OHS_EXTERN(int) ohs_floor_has_networks(const ohs_floor *f);
OHS_EXTERN(size_t) ohs_floor_network_count(const ohs_floor *f);
OHS_EXTERN(const char *) ohs_floor_network(const ohs_floor *f, size_t i);

/**
 * Where `key` ("profile", "mode", "host_paths", "networks", "runtime") was
 * pinned, e.g. "policy file /etc/ohsandbox/policy.json"; NULL when the
 * floor does not pin it or the key is unknown.
 */
OHS_EXTERN(const char *) ohs_floor_origin(const ohs_floor *f, const char *key);

OHS_END_DECL

#endif
