/*
 * libohsandbox - sandbox configuration and the engine create body.
 * See ohs_config_new(3).
 *
 * Not thread-safe while being modified; a config that is no longer modified
 * may be read (and used to create sessions) from many threads at once.
 */
#ifndef OHSANDBOX_CONFIG_H
#define OHSANDBOX_CONFIG_H

#include "common.h"
#include "volume.h"
#include "netpolicy.h"
#include "policy.h"
#include "floor.h"

OHS_BEGIN_DECL

typedef struct ohs_config ohs_config;

/**
 * A config with the defaults: the build's default image, the calling
 * process's uid:gid, working directory /workspace, no mounts, the default
 * network policy, an init process.
 */
OHS_EXTERN(int) ohs_config_new(ohs_config **out);
OHS_EXTERN(int) ohs_config_dup(ohs_config **out, const ohs_config *cfg);
OHS_EXTERN(void) ohs_config_free(ohs_config *cfg);

/** Image reference, validated ("[registry/]name[:tag][@digest]"). */
OHS_EXTERN(int) ohs_config_set_image(ohs_config *cfg, const char *ref);
OHS_EXTERN(const char *) ohs_config_image(const ohs_config *cfg);

/** "UID[:GID]" (decimal) or a user name known inside the image. */
OHS_EXTERN(int) ohs_config_set_user(ohs_config *cfg, const char *user);
OHS_EXTERN(const char *) ohs_config_user(const ohs_config *cfg);

/**
 * The sandbox's main command (create body "Cmd"): a NULL-terminated argv,
 * or NULL/empty to use the image's default command.  Agent commands run
 * beside it through ohs_session_exec(); it only has to keep running.
 */
OHS_EXTERN(int) ohs_config_set_command(ohs_config *cfg, const char *const *argv);
OHS_EXTERN(size_t) ohs_config_command_count(const ohs_config *cfg);
OHS_EXTERN(const char *) ohs_config_command(const ohs_config *cfg, size_t i);

/** Absolute container path; default /workspace. */
OHS_EXTERN(int) ohs_config_set_workdir(ohs_config *cfg, const char *path);
OHS_EXTERN(const char *) ohs_config_workdir(const ohs_config *cfg);

/** Container environment; setting a name again replaces its value. */
OHS_EXTERN(int) ohs_config_set_env(ohs_config *cfg, const char *name, const char *value);
OHS_EXTERN(size_t) ohs_config_env_count(const ohs_config *cfg);
/** Entry i as "NAME=value". */
OHS_EXTERN(const char *) ohs_config_env(const ohs_config *cfg, size_t i);

/** Container labels; setting a key again replaces its value. */
OHS_EXTERN(int) ohs_config_set_label(ohs_config *cfg, const char *key, const char *value);
OHS_EXTERN(size_t) ohs_config_label_count(const ohs_config *cfg);
OHS_EXTERN(const char *) ohs_config_label_key(const ohs_config *cfg, size_t i);
OHS_EXTERN(const char *) ohs_config_label_value(const ohs_config *cfg, size_t i);

/** Mounts: borrowed, owned by the config; modify in place or replace with a copy. */
OHS_EXTERN(ohs_volumes *) ohs_config_volumes(ohs_config *cfg);
OHS_EXTERN(int) ohs_config_set_volumes(ohs_config *cfg, const ohs_volumes *vols);

/** Network policy: borrowed, owned by the config; modify in place or replace with a copy. */
OHS_EXTERN(ohs_netpolicy *) ohs_config_netpolicy(ohs_config *cfg);
OHS_EXTERN(int) ohs_config_set_netpolicy(ohs_config *cfg, const ohs_netpolicy *np);

/** Resource limits; 0 means unlimited (the default). */
OHS_EXTERN(int) ohs_config_set_memory_limit(ohs_config *cfg, int64_t bytes);
OHS_EXTERN(int64_t) ohs_config_memory_limit(const ohs_config *cfg);
OHS_EXTERN(int) ohs_config_set_nano_cpus(ohs_config *cfg, int64_t nano_cpus);
OHS_EXTERN(int64_t) ohs_config_nano_cpus(const ohs_config *cfg);
OHS_EXTERN(int) ohs_config_set_pids_limit(ohs_config *cfg, int64_t pids);
OHS_EXTERN(int64_t) ohs_config_pids_limit(const ohs_config *cfg);

/** Run an init process as PID 1 (HostConfig.Init); default on. */
OHS_EXTERN(int) ohs_config_set_init(ohs_config *cfg, int enabled);
OHS_EXTERN(int) ohs_config_init(const ohs_config *cfg);

/** Who decides the container's main process; the values are part of the ABI. */
typedef enum {
	OHS_OVERRIDE_AUTO = 0,  /* replace it only when the image's would exit at once (default) */
	OHS_OVERRIDE_TRUE = 1,  /* always a keep-alive (the ENTRYPOINT still runs) */
	OHS_OVERRIDE_FALSE = 2  /* always the image's (or the config's) own command */
} ohs_override_command;

/**
 * SANDBOX_OVERRIDE_COMMAND: whether ohs_session_create() replaces the
 * container's main process by a keep-alive, so that images whose default
 * command exits at once (a shell, an interpreter) stay up for exec.  See
 * ohsandbox(7) for the "auto" rule.  A value out of range is OHS_EINVAL.
 */
OHS_EXTERN(int) ohs_config_set_override_command(ohs_config *cfg, ohs_override_command mode);
OHS_EXTERN(ohs_override_command) ohs_config_override_command(const ohs_config *cfg);
/** "auto", "true" or "false" (also "1"/"0", any case) to the enum; else OHS_EINVAL. */
OHS_EXTERN(int) ohs_override_command_from_name(ohs_override_command *out, const char *name);
/** Canonical name ("auto", "true", "false"); NULL out of range. */
OHS_EXTERN(const char *) ohs_override_command_name(ohs_override_command mode);

/** Warnings gathered while the config was built (deprecated or ignored variables). */
OHS_EXTERN(size_t) ohs_config_warning_count(const ohs_config *cfg);
OHS_EXTERN(const char *) ohs_config_warning(const ohs_config *cfg, size_t i);
OHS_EXTERN(int) ohs_config_add_warning(ohs_config *cfg, const char *text);

/**
 * Extra HostConfig fields for what the config has no setter for
 * (CapAdd, Devices, SecurityOpt, ...): `json` is a JSON object merged into
 * the create body's HostConfig after the library's own fields (its keys
 * win; later calls add to earlier ones).  Everything merged goes through
 * the security policy like the rest of the body.
 */
OHS_EXTERN(int) ohs_config_merge_host_config(ohs_config *cfg, const char *json);
/** The merged extra fields as compact JSON, or NULL when none. */
OHS_EXTERN(const char *) ohs_config_host_config_extra(const ohs_config *cfg);

/**
 * Security policy sessions of this config are created under: borrowed,
 * owned by the config (default: profile "default", mode "enforce"; the env
 * module reads SANDBOX_SECURITY_PROFILE / SANDBOX_SECURITY_MODE).
 */
OHS_EXTERN(ohs_policy *) ohs_config_policy(ohs_config *cfg);
OHS_EXTERN(int) ohs_config_set_policy(ohs_config *cfg, const ohs_policy *policy);

/**
 * Run the config's create body through its policy (ohs_policy_apply(3)):
 * *out_body (may be NULL) receives the body to send - rewritten under the
 * hardened profile - and *out_findings (may be NULL) the findings.  In
 * enforce mode a refused finding makes it fail with OHS_EPOLICY; the
 * findings are still returned then.  Free with ohs_free() and
 * ohs_findings_free().
 */
OHS_EXTERN(int) ohs_config_apply_policy(char **out_body, ohs_findings **out_findings,
	const ohs_config *cfg);

/**
 * Add the operator's floor (ohs_floor_load(3)): the config keeps a copy,
 * merged with any floor it already has (stricter of each key; a floor is
 * never removed or lowered).  ohs_config_apply_policy(3) and every session
 * created from the config then refuse a policy weaker than the floor,
 * bind sources outside its host_paths, networks it does not list and a
 * runtime other than its own (which is set when the body names none).
 */
OHS_EXTERN(int) ohs_config_set_floor(ohs_config *cfg, const ohs_floor *floor);
/** The config's floor (borrowed), or NULL when it has none. */
OHS_EXTERN(const ohs_floor *) ohs_config_floor(const ohs_config *cfg);

/**
 * Where a setting came from: "image", "user", "volumes", "env", "network",
 * "binding_address", "internal", "additional_networks", "profile", "mode"
 * (the variable(s) ohs_env_load(3) read, "ohs_config_set_policy", or a
 * policy file), "host_paths", "networks", "runtime" (the floor's origin);
 * "default" when nothing set it; NULL for an unknown setting name.
 * Settings are numbered 0..ohs_config_origin_count()-1.
 */
OHS_EXTERN(const char *) ohs_config_origin(const ohs_config *cfg, const char *setting);
OHS_EXTERN(size_t) ohs_config_origin_count(const ohs_config *cfg);
OHS_EXTERN(const char *) ohs_config_origin_setting(const ohs_config *cfg, size_t i);

/**
 * The exact JSON body of POST /containers/create for this config
 * (compact, keys in a fixed order).  Free *out with ohs_free().
 */
OHS_EXTERN(int) ohs_config_create_body(char **out, const ohs_config *cfg);

/**
 * The whole resolved configuration as one JSON object: image, user,
 * workdir, volumes, network, env, warnings, security (profile, mode,
 * refused, findings) and create_body - the body that would be sent, i.e.
 * after the policy's rewrite (the unmodified body when the policy refuses
 * it).  Free with ohs_free().
 */
OHS_EXTERN(int) ohs_config_to_json(char **out, const ohs_config *cfg);

/* ------------------------------------------------------------ API 1.1 additions */

/**
 * Read-only views of the config's volumes, network policy and security
 * policy, for a const config (borrowed, as ohs_config_volumes() and the
 * others; NULL for NULL).
 */
OHS_EXTERN(const ohs_volumes *) ohs_config_volumes_const(const ohs_config *cfg);
OHS_EXTERN(const ohs_netpolicy *) ohs_config_netpolicy_const(const ohs_config *cfg);
OHS_EXTERN(const ohs_policy *) ohs_config_policy_const(const ohs_config *cfg);

OHS_END_DECL

#endif
