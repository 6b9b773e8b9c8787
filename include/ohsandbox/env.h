/*
 * libohsandbox - configuration from OpenHands environment variables.
 * See ohs_env_load(3) and ohsandbox(7) for every variable.
 */
#ifndef OHSANDBOX_ENV_H
#define OHSANDBOX_ENV_H

#include "common.h"
#include "config.h"

OHS_BEGIN_DECL

/**
 * Build a config from an environment: `envp` is a NULL-terminated array of
 * "NAME=value" strings, or NULL for the process environment.  HOME is taken
 * from the same environment; relative host paths resolve against the
 * process's current directory.  Warnings are stored on the config
 * (ohs_config_warning()); nothing is printed.  On error *out is NULL and
 * ohs_error_last() names the variable and what was expected.
 */
OHS_EXTERN(int) ohs_env_load(ohs_config **out, const char *const *envp);

/**
 * ohs_env_load() with one more trusted floor (ohs_floor_load(3)) added on
 * top of the system one, never in its place; NULL adds nothing.  The system
 * floor, ohs_floor_system_path(3), is read first by both; the environment
 * can neither name nor disable it.
 */
OHS_EXTERN(int) ohs_env_load_floor(ohs_config **out, const char *const *envp, const ohs_floor *floor);

/** Value of `name` in `envp` (NULL: the process environment), or NULL. */
OHS_EXTERN(const char *) ohs_env_get(const char *const *envp, const char *name);

OHS_END_DECL

#endif
