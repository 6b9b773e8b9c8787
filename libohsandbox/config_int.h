/*
 * config: internal helpers for the modules that consume the create body
 * (session; the fuzz and unit tests) and the network-policy check that
 * netpolicy.c defines for config.  The image grammar is in image_int.h.
 * Not installed.
 */
#ifndef OHS_CONFIG_INT_H
#define OHS_CONFIG_INT_H

#include "internal.h" /* first: build-config.h sets the feature macros */
#include <jansson.h>

/*
 * The create body as a new jansson object (the same object that
 * ohs_config_create_body() serialises).  0 or a negative OHS_E* with the
 * error set; *out is NULL on error.
 */
int ohs__config_create_body_json(json_t **out, const ohs_config *cfg) OHS_INTERNAL;

/*
 * Whether a network mode names a user-defined network (not "none",
 * "bridge", "host", "default" or "container:..."; NULL and "" are not).
 * netpolicy.c; used by config_render.c and session.c.
 */
int ohs__netpolicy_is_user_network(const char *mode) OHS_INTERNAL;

/*
 * When the netpolicy asks for an internal network (SANDBOX_NETWORK_INTERNAL)
 * on a network mode that can never be internal ("bridge", "default": the
 * engine's default bridge; "host"): OHS_EINVAL naming the network and what
 * to set instead.  0 otherwise (not internal, "none", or a user network,
 * which the session checks against the engine).
 */
int ohs__netpolicy_check_internal(const ohs_netpolicy *np) OHS_INTERNAL;

/* Set the origin of a setting (NULL origin: back to "default"); env.c records its own. */
int ohs__config_set_origin(ohs_config *cfg, const char *setting, const char *origin) OHS_INTERNAL;

/*
 * ohs_config_apply_policy with the locality of the engine the session's
 * client talks to (its ohs_client_host): a remote engine is judged with
 * locality off, a local unix socket becomes the policy's engine socket
 * unless the caller set one (see ohs__policy_for_host).  Used by session.c.
 */
int ohs__config_apply_policy_client(char **out_body, ohs_findings **out_findings, const ohs_config *cfg,
	const char *docker_host) OHS_INTERNAL;

/*
 * ohs_policy_check of a create body with the config's policy, adjusted for
 * the engine behind `docker_host` as ohs__config_apply_policy_client does
 * (the session judges the body it sends again after its own changes).
 * *out NULL and 0 when the config has no policy.  Used by judge.c.
 */
int ohs__config_check_body_client(ohs_findings **out, const ohs_config *cfg, const char *body,
	const char *docker_host) OHS_INTERNAL;

#endif
