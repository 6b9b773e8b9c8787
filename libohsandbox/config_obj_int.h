/*
 * config_obj_int.h: the fields of ohs_config, for the two files of the
 * config module only: config.c (the object, its setters and getters) and
 * config_render.c (the create body, the policy's verdict, the JSON view).
 * Every other module goes through the public getters.  Not installed.
 */
#ifndef OHS_CONFIG_OBJ_INT_H
#define OHS_CONFIG_OBJ_INT_H

#include "config_int.h"

struct ohs_config {
	char *image;
	char *user;
	char *workdir;
	ohs__strvec cmd;          /* argv of the main command; empty: the image's */
	ohs__strvec env;          /* "NAME=value" */
	ohs__strvec label_keys;
	ohs__strvec label_values;
	ohs_volumes *vols;
	ohs_netpolicy *np;
	int64_t memory;
	int64_t nano_cpus;
	int64_t pids;
	int init;
	ohs_override_command override_cmd;
	ohs__strvec warnings;
	ohs_policy *policy;
	char *hc_extra;           /* extra HostConfig fields, a JSON object; NULL: none */
	ohs_floor *floor;         /* the operator's floor; NULL: none */
	char *origins[13];        /* where each of origin_settings came from; NULL: "default" */
};

#endif
