/*
 * config: the opaque sandbox configuration, its setters and getters.
 *
 * A config owns its image, user, working directory, container environment,
 * labels, limits, mounts (ohs_volumes), network policy (ohs_netpolicy),
 * security policy (ohs_policy), operator floor (ohs_floor), the origin of
 * each setting, plus the warnings gathered while it was built.  The create
 * body, the policy's verdict on it and the JSON view are in config_render.c.
 * Used by applications and the bindings (ohsandbox/config.h), env.c (builds
 * a config from the environment), session.c and tools/ohsandbox.c.
 */
#include "config_obj_int.h"
#include "image_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Settings whose origin is recorded (ohs_config_origin); the floor's own come from the floor. */
static const char *const origin_settings[] = {
	"image", "user", "volumes", "env", "network", "binding_address", "internal",
	"additional_networks", "profile", "mode", "host_paths", "networks", "runtime",
};

/* ------------------------------------------------------------ lifecycle */

int ohs_config_new(ohs_config **out)
{
	ohs_config *cfg;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_config_new: out is NULL");
	*out = NULL;
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return ohs__error_oom();
	cfg->init = 1;
	cfg->image = ohs__strdup(OHS_DEFAULT_IMAGE);
	cfg->user = ohs__sprintf("%u:%u", (unsigned)getuid(), (unsigned)getgid());
	cfg->workdir = ohs__strdup("/workspace");
	if (!cfg->image || !cfg->user || !cfg->workdir) {
		rc = ohs__error_oom();
		goto fail;
	}
	if ((rc = ohs_volumes_new(&cfg->vols)) < 0)
		goto fail;
	if ((rc = ohs_netpolicy_new(&cfg->np)) < 0)
		goto fail;
	if ((rc = ohs_policy_new(&cfg->policy, NULL, NULL)) < 0)
		goto fail;
	*out = cfg;
	return 0;
fail:
	ohs_config_free(cfg);
	return rc;
}

void ohs_config_free(ohs_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	free(cfg->image);
	free(cfg->user);
	free(cfg->workdir);
	ohs__strvec_clear(&cfg->cmd);
	ohs__strvec_clear(&cfg->env);
	ohs__strvec_clear(&cfg->label_keys);
	ohs__strvec_clear(&cfg->label_values);
	ohs__strvec_clear(&cfg->warnings);
	ohs_volumes_free(cfg->vols);
	ohs_netpolicy_free(cfg->np);
	ohs_policy_free(cfg->policy);
	free(cfg->hc_extra);
	ohs_floor_free(cfg->floor);
	for (i = 0; i < OHS_ARRAY_SIZE(cfg->origins); i++)
		free(cfg->origins[i]);
	free(cfg);
}

int ohs_config_dup(ohs_config **out, const ohs_config *cfg)
{
	ohs_config *c;
	size_t i;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_config_dup: out is NULL");
	*out = NULL;
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_dup: cfg is NULL");
	c = calloc(1, sizeof(*c));
	if (!c)
		return ohs__error_oom();
	c->memory = cfg->memory;
	c->nano_cpus = cfg->nano_cpus;
	c->pids = cfg->pids;
	c->init = cfg->init;
	c->override_cmd = cfg->override_cmd;
	c->image = ohs__strdup(cfg->image);
	c->user = ohs__strdup(cfg->user);
	c->workdir = ohs__strdup(cfg->workdir);
	if (!c->image || !c->user || !c->workdir) {
		rc = ohs__error_oom();
		goto fail;
	}
	if ((rc = ohs__strvec_dup(&c->cmd, &cfg->cmd)) < 0 ||
	    (rc = ohs__strvec_dup(&c->env, &cfg->env)) < 0 ||
	    (rc = ohs__strvec_dup(&c->label_keys, &cfg->label_keys)) < 0 ||
	    (rc = ohs__strvec_dup(&c->label_values, &cfg->label_values)) < 0 ||
	    (rc = ohs__strvec_dup(&c->warnings, &cfg->warnings)) < 0 ||
	    (rc = ohs_volumes_dup(&c->vols, cfg->vols)) < 0 ||
	    (rc = ohs_netpolicy_dup(&c->np, cfg->np)) < 0 ||
	    (rc = ohs_policy_dup(&c->policy, cfg->policy)) < 0)
		goto fail;
	if (cfg->hc_extra && !(c->hc_extra = ohs__strdup(cfg->hc_extra))) {
		rc = ohs__error_oom();
		goto fail;
	}
	if (cfg->floor && (rc = ohs_floor_dup(&c->floor, cfg->floor)) < 0)
		goto fail;
	for (i = 0; i < OHS_ARRAY_SIZE(cfg->origins); i++) {
		if (cfg->origins[i] && !(c->origins[i] = ohs__strdup(cfg->origins[i]))) {
			rc = ohs__error_oom();
			goto fail;
		}
	}
	*out = c;
	return 0;
fail:
	ohs_config_free(c);
	return rc;
}

/* Replace *slot with a copy of s. */
static int replace_str(char **slot, const char *s)
{
	char *d = ohs__strdup(s);

	if (!d)
		return ohs__error_oom();
	free(*slot);
	*slot = d;
	return 0;
}

/* ------------------------------------------------------------ image, user, workdir */

int ohs_config_set_image(ohs_config *cfg, const char *ref)
{
	int rc;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_image: cfg is NULL");
	if (!ref)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_image: ref is NULL");
	if ((rc = ohs__image_check(ref)) < 0)
		return rc;
	return replace_str(&cfg->image, ref);
}

const char *ohs_config_image(const ohs_config *cfg)
{
	return cfg ? cfg->image : NULL;
}

#define OHS_ID_MAX 2147483647L

/* One half of a user spec: a decimal id 0..2147483647 or [a-z_][a-z0-9_-]*. */
static int user_part_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	if (s[0] >= '0' && s[0] <= '9') {
		long v = 0;

		if (n > 10)
			return 0;
		for (i = 0; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return 0;
			v = v * 10 + (s[i] - '0');
		}
		return v <= OHS_ID_MAX;
	}
	if (!((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

int ohs_config_set_user(ohs_config *cfg, const char *user)
{
	const char *colon;
	size_t ulen;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_user: cfg is NULL");
	if (!user)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_user: user is NULL");
	colon = strchr(user, ':');
	ulen = colon ? (size_t)(colon - user) : strlen(user);
	if (!user_part_ok(user, ulen))
		return ohs__error_set(OHS_EINVAL,
			"user \"%s\": user \"%.*s\" must be a decimal id 0..2147483647 or a name matching "
			"[a-z_][a-z0-9_-]*; expected USER[:GROUP]", user, (int)ulen, user);
	if (colon && !user_part_ok(colon + 1, strlen(colon + 1)))
		return ohs__error_set(OHS_EINVAL,
			"user \"%s\": group \"%s\" must be a decimal id 0..2147483647 or a name matching "
			"[a-z_][a-z0-9_-]*; expected USER[:GROUP]", user, colon + 1);
	return replace_str(&cfg->user, user);
}

const char *ohs_config_user(const ohs_config *cfg)
{
	return cfg ? cfg->user : NULL;
}

int ohs_config_set_command(ohs_config *cfg, const char *const *argv)
{
	ohs__strvec v = {0};
	size_t i;
	int rc;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_command: cfg is NULL");
	for (i = 0; argv && argv[i]; i++) {
		if (!ohs__utf8_ok(argv[i])) {
			ohs__strvec_clear(&v);
			return ohs__error_set(OHS_EINVAL,
				"command argument %zu (\"%s\") is not valid UTF-8", i, argv[i]);
		}
		if ((rc = ohs__strvec_push(&v, argv[i])) < 0) {
			ohs__strvec_clear(&v);
			return rc;
		}
	}
	ohs__strvec_clear(&cfg->cmd);
	cfg->cmd = v;
	return 0;
}

size_t ohs_config_command_count(const ohs_config *cfg)
{
	return cfg ? cfg->cmd.n : 0;
}

const char *ohs_config_command(const ohs_config *cfg, size_t i)
{
	return cfg ? ohs__strvec_at(&cfg->cmd, i) : NULL;
}

int ohs_config_set_workdir(ohs_config *cfg, const char *path)
{
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_workdir: cfg is NULL");
	if (!path)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_workdir: path is NULL");
	if (path[0] != '/')
		return ohs__error_set(OHS_EINVAL,
			"working directory \"%s\" must be an absolute container path (starting with '/')",
			path);
	if (!ohs__utf8_ok(path))
		return ohs__error_set(OHS_EINVAL,
			"working directory \"%s\" is not valid UTF-8", path);
	return replace_str(&cfg->workdir, path);
}

const char *ohs_config_workdir(const ohs_config *cfg)
{
	return cfg ? cfg->workdir : NULL;
}

/* ------------------------------------------------------------ env, labels */

int ohs_config_set_env(ohs_config *cfg, const char *name, const char *value)
{
	size_t i, nlen;
	char *entry;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_env: cfg is NULL");
	if (!name)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_env: name is NULL");
	if (!value)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_env: value is NULL");
	if (!ohs__env_name_ok(name))
		return ohs__error_set(OHS_EINVAL,
			"environment variable name \"%s\" must match [A-Za-z_][A-Za-z0-9_]*", name);
	/* The value may be a secret (an API token): name it, never show it. */
	if (!ohs__utf8_ok(value))
		return ohs__error_set(OHS_EINVAL,
			"environment variable %s: the value is not valid UTF-8 (not shown: it may be a secret); "
			"expected a UTF-8 string", name);
	entry = ohs__sprintf("%s=%s", name, value);
	if (!entry)
		return ohs__error_oom();
	nlen = strlen(name);
	for (i = 0; i < cfg->env.n; i++) {
		if (!strncmp(cfg->env.v[i], name, nlen) && cfg->env.v[i][nlen] == '=') {
			free(cfg->env.v[i]);
			cfg->env.v[i] = entry;
			return 0;
		}
	}
	return ohs__strvec_push_owned(&cfg->env, entry);
}

size_t ohs_config_env_count(const ohs_config *cfg)
{
	return cfg ? cfg->env.n : 0;
}

const char *ohs_config_env(const ohs_config *cfg, size_t i)
{
	return cfg ? ohs__strvec_at(&cfg->env, i) : NULL;
}

int ohs_config_set_label(ohs_config *cfg, const char *key, const char *value)
{
	size_t i;
	int rc;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_label: cfg is NULL");
	if (!key)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_label: key is NULL");
	if (!value)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_label: value is NULL");
	if (!*key)
		return ohs__error_set(OHS_EINVAL, "label key \"\" must not be empty");
	if (!ohs__utf8_ok(key))
		return ohs__error_set(OHS_EINVAL, "label key \"%s\" is not valid UTF-8", key);
	if (!ohs__utf8_ok(value))
		return ohs__error_set(OHS_EINVAL,
			"label %s: value \"%s\" is not valid UTF-8", key, value);
	for (i = 0; i < cfg->label_keys.n; i++)
		if (!strcmp(cfg->label_keys.v[i], key))
			return replace_str(&cfg->label_values.v[i], value);
	if ((rc = ohs__strvec_push(&cfg->label_keys, key)) < 0)
		return rc;
	if ((rc = ohs__strvec_push(&cfg->label_values, value)) < 0) {
		free(cfg->label_keys.v[--cfg->label_keys.n]);
		return rc;
	}
	return 0;
}

size_t ohs_config_label_count(const ohs_config *cfg)
{
	return cfg ? cfg->label_keys.n : 0;
}

const char *ohs_config_label_key(const ohs_config *cfg, size_t i)
{
	return cfg ? ohs__strvec_at(&cfg->label_keys, i) : NULL;
}

const char *ohs_config_label_value(const ohs_config *cfg, size_t i)
{
	return cfg ? ohs__strvec_at(&cfg->label_values, i) : NULL;
}

/* ------------------------------------------------------------ volumes, network */

ohs_volumes *ohs_config_volumes(ohs_config *cfg)
{
	return cfg ? cfg->vols : NULL;
}

int ohs_config_set_volumes(ohs_config *cfg, const ohs_volumes *vols)
{
	ohs_volumes *copy = NULL;
	int rc;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_volumes: cfg is NULL");
	if (!vols)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_volumes: vols is NULL");
	if (vols == cfg->vols)
		return 0;
	if ((rc = ohs_volumes_dup(&copy, vols)) < 0)
		return rc;
	ohs_volumes_free(cfg->vols);
	cfg->vols = copy;
	return 0;
}

ohs_netpolicy *ohs_config_netpolicy(ohs_config *cfg)
{
	return cfg ? cfg->np : NULL;
}

int ohs_config_set_netpolicy(ohs_config *cfg, const ohs_netpolicy *np)
{
	ohs_netpolicy *copy = NULL;
	int rc;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_netpolicy: cfg is NULL");
	if (!np)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_netpolicy: np is NULL");
	if (np == cfg->np)
		return 0;
	if ((rc = ohs_netpolicy_dup(&copy, np)) < 0)
		return rc;
	ohs_netpolicy_free(cfg->np);
	cfg->np = copy;
	return 0;
}

/* ------------------------------------------------------------ limits, init */

static int set_limit(ohs_config *cfg, int64_t *slot, int64_t v, const char *fn, const char *what)
{
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "%s: cfg is NULL", fn);
	if (v < 0)
		return ohs__error_set(OHS_EINVAL,
			"%s: %s %lld must be 0 (unlimited) or positive", fn, what, (long long)v);
	*slot = v;
	return 0;
}

int ohs_config_set_memory_limit(ohs_config *cfg, int64_t bytes)
{
	return set_limit(cfg, cfg ? &cfg->memory : NULL, bytes,
		"ohs_config_set_memory_limit", "memory limit (bytes)");
}

int64_t ohs_config_memory_limit(const ohs_config *cfg)
{
	return cfg ? cfg->memory : 0;
}

int ohs_config_set_nano_cpus(ohs_config *cfg, int64_t nano_cpus)
{
	return set_limit(cfg, cfg ? &cfg->nano_cpus : NULL, nano_cpus,
		"ohs_config_set_nano_cpus", "CPU limit (nano CPUs)");
}

int64_t ohs_config_nano_cpus(const ohs_config *cfg)
{
	return cfg ? cfg->nano_cpus : 0;
}

int ohs_config_set_pids_limit(ohs_config *cfg, int64_t pids)
{
	return set_limit(cfg, cfg ? &cfg->pids : NULL, pids,
		"ohs_config_set_pids_limit", "pids limit");
}

int64_t ohs_config_pids_limit(const ohs_config *cfg)
{
	return cfg ? cfg->pids : 0;
}

int ohs_config_set_init(ohs_config *cfg, int enabled)
{
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_init: cfg is NULL");
	cfg->init = enabled ? 1 : 0;
	return 0;
}

int ohs_config_init(const ohs_config *cfg)
{
	return cfg ? cfg->init : 0;
}

/* ------------------------------------------------------------ override command */

static const char *const override_names[] = { "auto", "true", "false" };

int ohs_config_set_override_command(ohs_config *cfg, ohs_override_command mode)
{
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_override_command: cfg is NULL");
	if ((int)mode < OHS_OVERRIDE_AUTO || (int)mode > OHS_OVERRIDE_FALSE)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_override_command: mode %d is out of "
			"range (expected OHS_OVERRIDE_AUTO, OHS_OVERRIDE_TRUE or OHS_OVERRIDE_FALSE)", (int)mode);
	cfg->override_cmd = mode;
	return 0;
}

ohs_override_command ohs_config_override_command(const ohs_config *cfg)
{
	return cfg ? cfg->override_cmd : OHS_OVERRIDE_AUTO;
}

int ohs_override_command_from_name(ohs_override_command *out, const char *name)
{
	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_override_command_from_name: out is NULL");
	if (name && !strcasecmp(name, "auto"))
		*out = OHS_OVERRIDE_AUTO;
	else if (name && (!strcasecmp(name, "true") || !strcmp(name, "1")))
		*out = OHS_OVERRIDE_TRUE;
	else if (name && (!strcasecmp(name, "false") || !strcmp(name, "0")))
		*out = OHS_OVERRIDE_FALSE;
	else
		return ohs__error_set(OHS_EINVAL, "override command \"%s\": expected \"auto\", \"true\" or \"false\"",
			name ? name : "(null)");
	return 0;
}

const char *ohs_override_command_name(ohs_override_command mode)
{
	if ((int)mode < OHS_OVERRIDE_AUTO || (int)mode > OHS_OVERRIDE_FALSE)
		return NULL;
	return override_names[mode];
}

/* ------------------------------------------------------------ warnings */

size_t ohs_config_warning_count(const ohs_config *cfg)
{
	return cfg ? cfg->warnings.n : 0;
}

const char *ohs_config_warning(const ohs_config *cfg, size_t i)
{
	return cfg ? ohs__strvec_at(&cfg->warnings, i) : NULL;
}

int ohs_config_add_warning(ohs_config *cfg, const char *text)
{
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_add_warning: cfg is NULL");
	if (!text)
		return ohs__error_set(OHS_EINVAL, "ohs_config_add_warning: text is NULL");
	if (!ohs__utf8_ok(text))
		return ohs__error_set(OHS_EINVAL,
			"ohs_config_add_warning: text \"%s\" is not valid UTF-8", text);
	return ohs__strvec_push(&cfg->warnings, text);
}

int ohs_config_merge_host_config(ohs_config *cfg, const char *json)
{
	json_error_t jerr;
	json_t *obj, *merged;
	char *text;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_merge_host_config: cfg is NULL");
	if (!json)
		return ohs__error_set(OHS_EINVAL, "ohs_config_merge_host_config: json is NULL");
	obj = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj)
		return ohs__error_set(OHS_EINVAL,
			"ohs_config_merge_host_config: \"%.200s\" is not JSON (%s at %d:%d): "
			"expected an object of HostConfig fields such as {\"CapAdd\":[\"NET_ADMIN\"]}",
			json, jerr.text, jerr.line, jerr.column);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return ohs__error_set(OHS_EINVAL,
			"ohs_config_merge_host_config: \"%.200s\" is not a JSON object: "
			"expected an object of HostConfig fields such as {\"CapAdd\":[\"NET_ADMIN\"]}", json);
	}
	/* later merges add to (and override) earlier ones */
	merged = cfg->hc_extra ? json_loads(cfg->hc_extra, 0, NULL) : json_object();
	if (!merged || json_object_update(merged, obj) != 0) {
		json_decref(obj);
		json_decref(merged);
		return ohs__error_oom();
	}
	json_decref(obj);
	text = json_dumps(merged, JSON_COMPACT);
	json_decref(merged);
	if (!text)
		return ohs__error_oom();
	free(cfg->hc_extra);
	cfg->hc_extra = text;
	return 0;
}

const char *ohs_config_host_config_extra(const ohs_config *cfg)
{
	return cfg ? cfg->hc_extra : NULL;
}

ohs_policy *ohs_config_policy(ohs_config *cfg)
{
	return cfg ? cfg->policy : NULL;
}

int ohs_config_set_policy(ohs_config *cfg, const ohs_policy *policy)
{
	ohs_policy *copy = NULL;
	int rc;

	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_policy: cfg is NULL");
	if (!policy)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_policy: policy is NULL");
	if ((rc = ohs_policy_dup(&copy, policy)) < 0)
		return rc;
	if ((rc = ohs__config_set_origin(cfg, "profile", "ohs_config_set_policy")) < 0 ||
	    (rc = ohs__config_set_origin(cfg, "mode", "ohs_config_set_policy")) < 0) {
		ohs_policy_free(copy);
		return rc;
	}
	ohs_policy_free(cfg->policy);
	cfg->policy = copy;
	return 0;
}

/* ------------------------------------------------------------ floor and origins */

int ohs_config_set_floor(ohs_config *cfg, const ohs_floor *floor)
{
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_floor: cfg is NULL");
	if (!floor)
		return ohs__error_set(OHS_EINVAL, "ohs_config_set_floor: floor is NULL; a floor can only be "
			"added to, never removed");
	if (!cfg->floor)
		return ohs_floor_dup(&cfg->floor, floor);
	return ohs_floor_merge(cfg->floor, floor);
}

const ohs_floor *ohs_config_floor(const ohs_config *cfg)
{
	return cfg ? cfg->floor : NULL;
}

static int origin_index(const char *setting)
{
	size_t i;

	for (i = 0; setting && i < OHS_ARRAY_SIZE(origin_settings); i++)
		if (strcmp(setting, origin_settings[i]) == 0)
			return (int)i;
	return -1;
}

const char *ohs_config_origin(const ohs_config *cfg, const char *setting)
{
	int i = origin_index(setting);

	if (!cfg || i < 0)
		return NULL;
	if (strcmp(setting, "host_paths") == 0 || strcmp(setting, "networks") == 0 ||
	    strcmp(setting, "runtime") == 0) {
		const char *o = ohs_floor_origin(cfg->floor, setting);

		return o ? o : "default";
	}
	return cfg->origins[i] ? cfg->origins[i] : "default";
}

size_t ohs_config_origin_count(const ohs_config *cfg)
{
	return cfg ? OHS_ARRAY_SIZE(origin_settings) : 0;
}

const char *ohs_config_origin_setting(const ohs_config *cfg, size_t i)
{
	return cfg && i < OHS_ARRAY_SIZE(origin_settings) ? origin_settings[i] : NULL;
}

int ohs__config_set_origin(ohs_config *cfg, const char *setting, const char *origin)
{
	int i = origin_index(setting);
	char *s = NULL;

	if (!cfg || i < 0)
		return ohs__error_set(OHS_EINVAL, "unknown setting \"%s\"", setting ? setting : "(null)");
	if (origin && !(s = ohs__strdup(origin)))
		return ohs__error_oom();
	free(cfg->origins[i]);
	cfg->origins[i] = s;
	return 0;
}

/* ------------------------------------------------------------ API 1.1 additions */

const ohs_volumes *ohs_config_volumes_const(const ohs_config *cfg)
{
	return cfg ? cfg->vols : NULL;
}

const ohs_netpolicy *ohs_config_netpolicy_const(const ohs_config *cfg)
{
	return cfg ? cfg->np : NULL;
}

const ohs_policy *ohs_config_policy_const(const ohs_config *cfg)
{
	return cfg ? cfg->policy : NULL;
}
