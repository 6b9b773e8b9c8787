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
 * When the netpolicy asks for an internal network (SANDBOX_NETWORK_INTERNAL)
 * on a network mode that can never be internal ("bridge", "default": the
 * engine's default bridge; "host"): OHS_EINVAL naming the network and what
 * to set instead.  0 otherwise (not internal, "none", or a user network,
 * which the session checks against the engine).
 */
int ohs__netpolicy_check_internal(const ohs_netpolicy *np) OHS_INTERNAL;

#endif
