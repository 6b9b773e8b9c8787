/*
 * floor: internal hooks used by env.c (system floor, profile/mode requests)
 * and config_render.c (the checks on the final create body).  The floor
 * knows nothing of ohs_config: it judges a body and a netpolicy.  Not
 * installed.
 */
#ifndef OHS_FLOOR_INT_H
#define OHS_FLOOR_INT_H

#include "internal.h" /* first: build-config.h sets the feature macros */
#include <jansson.h>

/*
 * Read the floor at `path`; *out is NULL (and 0 returned) when the file
 * does not exist.  `system` adds the world-writable refusal.
 */
int ohs__floor_load_optional(ohs_floor **out, const char *path, int system) OHS_INTERNAL;

/*
 * Unit tests only: when set, the system floor is read from this path instead
 * of $(sysconfdir)/ohsandbox/policy.json.  Hidden (not exported from the
 * shared library), so neither the environment nor a program can reach it.
 */
extern const char *ohs__floor_test_system_path OHS_INTERNAL;

/* Pinned profile / mode as enum values, -1 when free. */
int ohs__floor_profile(const ohs_floor *f) OHS_INTERNAL;
int ohs__floor_mode(const ohs_floor *f) OHS_INTERNAL;

/* Whether a mode is at least as strict as another (enforce > warn). */
int ohs__floor_mode_rank(int mode) OHS_INTERNAL;

/*
 * OHS_EPOLICY when the policy's profile or mode is weaker than the floor
 * (message names the floor's origin); 0 otherwise or when f is NULL.
 */
int ohs__floor_check_policy(const ohs_floor *f, const ohs_policy *p) OHS_INTERNAL;

/*
 * The floor's checks on the final create body (after the policy's rewrite)
 * and the config's network policy: bind sources under host_paths (spelled
 * and resolved), networks joined, runtime (set when absent).  Modifies
 * body (HostConfig.Runtime).  OHS_EPOLICY with a message naming the check
 * id, the field, the value and the floor's origin.
 */
int ohs__floor_apply(json_t *body, const ohs_floor *f, const ohs_netpolicy *np) OHS_INTERNAL;

#endif
