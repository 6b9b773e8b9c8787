/*
 * config: internal helpers shared with env (image grammar) and with the
 * modules that consume the create body (session, policy).  Not installed.
 */
#ifndef OHS_CONFIG_INT_H
#define OHS_CONFIG_INT_H

#include "internal.h" /* first: build-config.h sets the feature macros */
#include <jansson.h>

/*
 * Validate a full image reference ("[domain[:port]/]path[:tag][@digest]").
 * On error sets a message `image reference "REF": <what is wrong>` and
 * returns OHS_EINVAL.
 */
int ohs__image_check(const char *ref) OHS_INTERNAL;

/* Validate a repository name only (no tag, no digest). */
int ohs__image_check_repository(const char *repo) OHS_INTERNAL;

/* Validate a tag only. */
int ohs__image_check_tag(const char *tag) OHS_INTERNAL;

/*
 * Split the build's default image into repository and tag (at the last ':'
 * after the last '/'; a digest is dropped; no tag gives "latest").  Both
 * strings are newly allocated; returns 0 or OHS_ENOMEM.
 */
int ohs__image_split_default(char **repo, char **tag) OHS_INTERNAL;

/*
 * The create body as a new jansson object (the same object that
 * ohs_config_create_body() serialises).  0 or a negative OHS_E* with the
 * error set; *out is NULL on error.
 */
int ohs__config_create_body_json(json_t **out, const ohs_config *cfg) OHS_INTERNAL;

/*
 * When the netpolicy asks for an internal network (SANDBOX_NETWORK_INTERNAL)
 * on a network mode that can never be internal ("bridge", "default": the
 * engine's default bridge; "host"): OHS_EINVAL naming the network and what
 * to set instead.  0 otherwise (not internal, "none", or a user network,
 * which the session checks against the engine).
 */
int ohs__netpolicy_check_internal(const ohs_netpolicy *np) OHS_INTERNAL;

#endif
