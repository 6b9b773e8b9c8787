/*
 * config_render: what a config becomes.
 *
 * Renders the exact body of POST /containers/create with jansson (insertion
 * order is kept, so the key order below is the order on the wire), applies
 * the config's security policy and the operator's floor to it
 * (ohs_config_apply_policy; ohs__config_apply_policy_client for the engine
 * a session really talks to), and the JSON view of the whole config
 * (ohs_config_to_json).  Used by session.c (the body it sends), the CLI and
 * the bindings (ohsandbox/config.h), the fuzz targets and the unit tests.
 */
#include "config_obj_int.h"
#include "floor_int.h"
#include "policy_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ rendering */

/*
 * Rendering state: *ok is 1 while all is well, 0 after an allocation
 * failure, -1 after a string that is not valid UTF-8 (error already set).
 */
static json_t *jstr(const char *s, int *ok)
{
	json_t *v;

	if (!s)
		s = "";
	v = json_string(s);
	if (!v && *ok == 1 && !ohs__utf8_ok(s)) {
		ohs__error_set(OHS_EINVAL, "string \"%s\" is not valid UTF-8 and cannot be sent as JSON", s);
		*ok = -1;
	}
	return v;
}

/* An "ENV=value" entry: a failure names the variable, never the value. */
static json_t *jenv(const char *entry, int *ok)
{
	json_t *v = json_string(entry);

	if (!v && *ok == 1 && !ohs__utf8_ok(entry)) {
		ohs__error_set(OHS_EINVAL, "environment variable %.*s: the value is not valid UTF-8 "
			"(not shown: it may be a secret) and cannot be sent as JSON",
			(int)strcspn(entry, "="), entry);
		*ok = -1;
	}
	return v;
}

/* Add `v` to `obj` under `key` (v NULL: a failure already happened). */
static void put(json_t *obj, const char *key, json_t *v, int *ok)
{
	if (!v) {
		if (*ok == 1)
			*ok = 0;
		return;
	}
	if (!obj || json_object_set_new(obj, key, v) != 0) {
		if (!obj)
			json_decref(v);
		if (*ok == 1)
			*ok = ohs__utf8_ok(key) ? 0 : -1;
		if (*ok == -1)
			ohs__error_set(OHS_EINVAL, "key \"%s\" is not valid UTF-8 and cannot be sent as JSON", key);
	}
}

static void append(json_t *arr, json_t *v, int *ok)
{
	if (!v) {
		if (*ok == 1)
			*ok = 0;
		return;
	}
	if (!arr || json_array_append_new(arr, v) != 0) {
		if (!arr)
			json_decref(v);
		if (*ok == 1)
			*ok = 0;
	}
}

/* Finish a render: the error code for a failed *ok. */
static int render_error(int ok)
{
	return ok == -1 ? OHS_EINVAL : ohs__error_oom();
}

static char *port_key(const ohs_netpolicy *np, size_t i)
{
	const char *proto = ohs_netpolicy_port_protocol(np, i);

	return ohs__sprintf("%d/%s", ohs_netpolicy_port_container(np, i), proto ? proto : "tcp");
}

int ohs__config_create_body_json(json_t **out, const ohs_config *cfg)
{
	json_t *body = json_object(), *arr, *obj, *hc, *mounts, *pb;
	const char *mode = ohs_netpolicy_mode(cfg->np);
	size_t i, nports = ohs_netpolicy_port_count(cfg->np);
	int ok = body != NULL;

	*out = NULL;
	if (!ok)
		return ohs__error_oom();
	put(body, "Image", jstr(cfg->image, &ok), &ok);
	put(body, "User", jstr(cfg->user, &ok), &ok);
	put(body, "WorkingDir", jstr(cfg->workdir, &ok), &ok);
	if (cfg->cmd.n > 0) {
		arr = json_array();
		for (i = 0; arr && i < cfg->cmd.n; i++)
			append(arr, jstr(cfg->cmd.v[i], &ok), &ok);
		put(body, "Cmd", arr, &ok);
	}

	arr = json_array();
	for (i = 0; arr && i < cfg->env.n; i++)
		append(arr, jenv(cfg->env.v[i], &ok), &ok);
	put(body, "Env", arr, &ok);

	obj = json_object();
	for (i = 0; obj && i < cfg->label_keys.n; i++)
		put(obj, cfg->label_keys.v[i], jstr(cfg->label_values.v[i], &ok), &ok);
	put(body, "Labels", obj, &ok);

	if (nports > 0) {
		obj = json_object();
		for (i = 0; obj && i < nports; i++) {
			char *key = port_key(cfg->np, i);

			if (!key) {
				ok = 0;
				break;
			}
			put(obj, key, json_object(), &ok);
			free(key);
		}
		put(body, "ExposedPorts", obj, &ok);
	}

	hc = json_object();
	put(body, "HostConfig", hc, &ok);
	if (ok != 1)
		goto fail;

	mounts = json_array();
	for (i = 0; mounts && i < ohs_volumes_count(cfg->vols); i++) {
		json_t *m = json_object();

		if (!m) {
			ok = 0;
			break;
		}
		put(m, "Type", jstr(ohs_volumes_type(cfg->vols, i) == OHS_MOUNT_VOLUME ?
			"volume" : "bind", &ok), &ok);
		put(m, "Source", jstr(ohs_volumes_source(cfg->vols, i), &ok), &ok);
		put(m, "Target", jstr(ohs_volumes_target(cfg->vols, i), &ok), &ok);
		put(m, "ReadOnly", json_boolean(ohs_volumes_mode(cfg->vols, i) == OHS_MOUNT_RO), &ok);
		append(mounts, m, &ok);
	}
	put(hc, "Mounts", mounts, &ok);
	if (ok != 1)
		goto fail;

	pb = json_object();
	for (i = 0; pb && i < nports; i++) {
		char *key = port_key(cfg->np, i);
		int hp = ohs_netpolicy_port_host(cfg->np, i);
		const char *ip = ohs_netpolicy_port_host_ip(cfg->np, i);
		char hps[16] = "";
		json_t *b, *list;

		if (!key) {
			ok = 0;
			break;
		}
		if (hp > 0)
			snprintf(hps, sizeof(hps), "%d", hp);
		b = json_object();
		if (b) {
			put(b, "HostIp", jstr(ip ? ip : "", &ok), &ok);
			put(b, "HostPort", jstr(hps, &ok), &ok);
		}
		/* one binding per container port: ohs_netpolicy refuses duplicates */
		list = json_array();
		if (list)
			append(list, b, &ok);
		else
			json_decref(b);
		put(pb, key, list, &ok);
		free(key);
	}
	put(hc, "PortBindings", pb, &ok);
	put(hc, "NetworkMode", jstr(mode ? mode : "bridge", &ok), &ok);
	put(hc, "Init", json_boolean(cfg->init), &ok);
	if (cfg->memory > 0)
		put(hc, "Memory", json_integer((json_int_t)cfg->memory), &ok);
	if (cfg->nano_cpus > 0)
		put(hc, "NanoCpus", json_integer((json_int_t)cfg->nano_cpus), &ok);
	if (cfg->pids > 0)
		put(hc, "PidsLimit", json_integer((json_int_t)cfg->pids), &ok);
	if (cfg->hc_extra && hc && ok == 1) {
		json_t *extra = json_loads(cfg->hc_extra, 0, NULL);

		if (!extra || json_object_update(hc, extra) != 0)
			ok = 0;
		json_decref(extra);
	}

	if (ohs__netpolicy_is_user_network(mode)) {
		json_t *nc = json_object(), *ec = json_object();

		if (ec)
			put(ec, mode, json_object(), &ok);
		if (nc)
			put(nc, "EndpointsConfig", ec, &ok);
		else
			json_decref(ec);
		put(body, "NetworkingConfig", nc, &ok);
	}
	if (ok != 1)
		goto fail;
	*out = body;
	return 0;
fail:
	json_decref(body);
	return render_error(ok);
}

static int dump(char **out, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT);

	json_decref(v);
	if (!s)
		return ohs__error_oom();
	/* jansson allocates with malloc by default; copy anyway so that
	 * ohs_free() is right even if an application changed jansson's
	 * allocators. */
	*out = ohs__strdup(s);
	free(s);
	if (!*out)
		return ohs__error_oom();
	return 0;
}

int ohs_config_create_body(char **out, const ohs_config *cfg)
{
	json_t *body;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_config_create_body: out is NULL");
	*out = NULL;
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_create_body: cfg is NULL");
	if ((rc = ohs__config_create_body_json(&body, cfg)) < 0)
		return rc;
	return dump(out, body);
}

/*
 * The floor's checks on the body the policy accepted (it may add
 * HostConfig.Runtime); on refusal *body is freed.
 */
static int apply_floor(char **body, const ohs_config *cfg)
{
	json_t *b;
	int rc;

	if (!cfg->floor || !*body)
		return 0;
	if (!(b = json_loads(*body, JSON_REJECT_DUPLICATES, NULL))) {
		rc = ohs__error_set(OHS_EPOLICY, "floor: the create body cannot be parsed; refusing it");
		goto refuse;
	}
	rc = ohs__floor_apply(b, cfg->floor, cfg->np);
	if (rc == 0) {
		char *s = json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER);
		char *d = s ? ohs__strdup(s) : NULL;

		free(s);
		json_decref(b);
		if (!d) {
			rc = ohs__error_oom();
			goto refuse;
		}
		free(*body);
		*body = d;
		return 0;
	}
	json_decref(b);
refuse:
	free(*body);
	*body = NULL;
	return rc;
}

int ohs_config_apply_policy(char **out_body, ohs_findings **out_findings, const ohs_config *cfg)
{
	char *raw = NULL, *body = NULL;
	ohs_findings *f = NULL;
	int rc;

	if (out_body)
		*out_body = NULL;
	if (out_findings)
		*out_findings = NULL;
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_apply_policy: cfg is NULL");
	if ((rc = ohs_config_create_body(&raw, cfg)) < 0)
		return rc;
	/* The floor first: a policy weaker than it never decides (findings are still reported). */
	if ((rc = ohs__floor_check_policy(cfg->floor, cfg->policy)) < 0) {
		ohs__error_state *st = ohs__error_save();

		if (ohs_policy_check(&f, cfg->policy, raw) < 0)
			f = NULL;
		ohs__error_restore(st);
	} else {
		rc = ohs_policy_apply(&body, &f, cfg->policy, raw);
		if (rc == 0)
			rc = apply_floor(&body, cfg);
	}
	free(raw);
	if (out_findings)
		*out_findings = f;
	else
		ohs_findings_free(f);
	if (out_body)
		*out_body = body;
	else
		free(body);
	return rc;
}

/* The "security" object of ohs_config_to_json; replaces *body with the
 * policy's body when the policy accepts it. */
static int security_json(json_t **out, json_t **body, const ohs_config *cfg)
{
	char *applied = NULL, *fjson = NULL, *refusal = NULL;
	ohs_findings *f = NULL;
	json_t *sec, *nb;
	int rc, refused, ok = 1;

	*out = NULL;
	rc = ohs_config_apply_policy(&applied, &f, cfg);
	if (rc < 0 && rc != OHS_EPOLICY) {
		ohs_findings_free(f);
		return rc;
	}
	refused = rc == OHS_EPOLICY;
	if (refused && !(refusal = ohs__strdup(ohs_error_last() ? ohs_error_last() : ""))) {
		ohs_findings_free(f);
		free(applied);
		return ohs__error_oom();
	}
	if ((rc = ohs_findings_to_json(&fjson, f)) < 0) {
		free(refusal);
		ohs_findings_free(f);
		free(applied);
		return rc;
	}
	/* {profile, mode, refused, findings: [...]} plus whether it blocks. */
	sec = json_loads(fjson, 0, NULL);
	free(fjson);
	if (!sec) {
		free(refusal);
		ohs_findings_free(f);
		free(applied);
		return ohs__error_oom();
	}
	put(sec, "blocked", json_boolean(refused), &ok);
	if (refusal)
		put(sec, "refusal", jstr(refusal, &ok), &ok);
	free(refusal);
	ohs_findings_free(f);
	if (applied && (nb = json_loads(applied, 0, NULL)) != NULL) {
		json_decref(*body);
		*body = nb;
	}
	free(applied);
	if (ok != 1) {
		json_decref(sec);
		return render_error(ok);
	}
	*out = sec;
	return 0;
}

/* {"system_file", "profile", "mode", "host_paths", "networks", "runtime"}: null when free. */
static json_t *floor_json(const ohs_config *cfg, int *ok)
{
	const ohs_floor *f = cfg->floor;
	json_t *o = json_object(), *arr;
	size_t i;

	if (!o)
		return NULL;
	put(o, "system_file", jstr(ohs_floor_system_path(), ok), ok);
	put(o, "profile", ohs_floor_profile(f) ? jstr(ohs_floor_profile(f), ok) : json_null(), ok);
	put(o, "mode", ohs_floor_mode(f) ? jstr(ohs_floor_mode(f), ok) : json_null(), ok);
	arr = ohs_floor_has_host_paths(f) ? json_array() : json_null();
	for (i = 0; json_is_array(arr) && i < ohs_floor_host_path_count(f); i++)
		append(arr, jstr(ohs_floor_host_path(f, i), ok), ok);
	put(o, "host_paths", arr, ok);
	arr = ohs_floor_has_networks(f) ? json_array() : json_null();
	for (i = 0; json_is_array(arr) && i < ohs_floor_network_count(f); i++)
		append(arr, jstr(ohs_floor_network(f, i), ok), ok);
	put(o, "networks", arr, ok);
	put(o, "runtime", ohs_floor_runtime(f) ? jstr(ohs_floor_runtime(f), ok) : json_null(), ok);
	return o;
}

int ohs_config_to_json(char **out, const ohs_config *cfg)
{
	json_t *o, *arr, *obj, *net, *ports, *lim, *body;
	size_t i;
	int ok, rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_config_to_json: out is NULL");
	*out = NULL;
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_config_to_json: cfg is NULL");
	if ((rc = ohs__config_create_body_json(&body, cfg)) < 0)
		return rc;
	o = json_object();
	ok = o != NULL;
	if (!ok) {
		json_decref(body);
		return ohs__error_oom();
	}
	put(o, "image", jstr(cfg->image, &ok), &ok);
	put(o, "user", jstr(cfg->user, &ok), &ok);
	put(o, "workdir", jstr(cfg->workdir, &ok), &ok);
	arr = json_array();
	for (i = 0; arr && i < cfg->cmd.n; i++)
		append(arr, jstr(cfg->cmd.v[i], &ok), &ok);
	put(o, "command", arr, &ok);

	arr = json_array();
	for (i = 0; arr && i < ohs_volumes_count(cfg->vols); i++) {
		json_t *v = json_object();

		if (!v) {
			ok = 0;
			break;
		}
		put(v, "type", jstr(ohs_volumes_type(cfg->vols, i) == OHS_MOUNT_VOLUME ?
			"volume" : "bind", &ok), &ok);
		put(v, "source", jstr(ohs_volumes_source(cfg->vols, i), &ok), &ok);
		put(v, "target", jstr(ohs_volumes_target(cfg->vols, i), &ok), &ok);
		put(v, "mode", jstr(ohs_volumes_mode(cfg->vols, i) == OHS_MOUNT_RO ?
			"ro" : "rw", &ok), &ok);
		append(arr, v, &ok);
	}
	put(o, "volumes", arr, &ok);

	net = json_object();
	put(o, "network", net, &ok);
	if (net) {
		const char *ba = ohs_netpolicy_binding_address(cfg->np);
		const char *mode = ohs_netpolicy_mode(cfg->np);

		put(net, "mode", jstr(mode ? mode : "bridge", &ok), &ok);
		put(net, "binding_address", jstr(ba ? ba : "", &ok), &ok);
		put(net, "internal", json_boolean(ohs_netpolicy_internal(cfg->np) > 0), &ok);
		arr = json_array();
		for (i = 0; arr && i < ohs_netpolicy_network_count(cfg->np); i++)
			append(arr, jstr(ohs_netpolicy_network(cfg->np, i), &ok), &ok);
		put(net, "additional_networks", arr, &ok);
		ports = json_array();
		for (i = 0; ports && i < ohs_netpolicy_port_count(cfg->np); i++) {
			json_t *p = json_object();
			const char *proto = ohs_netpolicy_port_protocol(cfg->np, i);
			const char *ip = ohs_netpolicy_port_host_ip(cfg->np, i);

			if (!p) {
				ok = 0;
				break;
			}
			put(p, "container_port", json_integer(ohs_netpolicy_port_container(cfg->np, i)), &ok);
			put(p, "protocol", jstr(proto ? proto : "tcp", &ok), &ok);
			put(p, "host_ip", jstr(ip ? ip : "", &ok), &ok);
			put(p, "host_port", json_integer(ohs_netpolicy_port_host(cfg->np, i)), &ok);
			append(ports, p, &ok);
		}
		put(net, "ports", ports, &ok);
	}

	arr = json_array();
	for (i = 0; arr && i < cfg->env.n; i++)
		append(arr, jenv(cfg->env.v[i], &ok), &ok);
	put(o, "env", arr, &ok);

	obj = json_object();
	for (i = 0; obj && i < cfg->label_keys.n; i++)
		put(obj, cfg->label_keys.v[i], jstr(cfg->label_values.v[i], &ok), &ok);
	put(o, "labels", obj, &ok);

	lim = json_object();
	if (lim) {
		put(lim, "memory", json_integer((json_int_t)cfg->memory), &ok);
		put(lim, "nano_cpus", json_integer((json_int_t)cfg->nano_cpus), &ok);
		put(lim, "pids", json_integer((json_int_t)cfg->pids), &ok);
	}
	put(o, "limits", lim, &ok);
	put(o, "init", json_boolean(cfg->init), &ok);
	put(o, "override_command", jstr(ohs_override_command_name(cfg->override_cmd), &ok), &ok);

	arr = json_array();
	for (i = 0; arr && i < cfg->warnings.n; i++)
		append(arr, jstr(cfg->warnings.v[i], &ok), &ok);
	put(o, "warnings", arr, &ok);
	if ((rc = security_json(&obj, &body, cfg)) < 0) {
		json_decref(o);
		json_decref(body);
		return rc;
	}
	put(o, "security", obj, &ok);
	put(o, "floor", floor_json(cfg, &ok), &ok);
	obj = json_object();
	for (i = 0; obj && i < ohs_config_origin_count(cfg); i++) {
		const char *setting = ohs_config_origin_setting(cfg, i);

		put(obj, setting, jstr(ohs_config_origin(cfg, setting), &ok), &ok);
	}
	put(o, "origins", obj, &ok);
	put(o, "create_body", body, &ok);
	if (ok != 1) {
		json_decref(o);
		return render_error(ok);
	}
	return dump(out, o);
}

int ohs__config_apply_policy_client(char **out_body, ohs_findings **out_findings, const ohs_config *cfg,
	const char *docker_host)
{
	ohs_policy *adjusted = NULL;
	ohs_config *d = NULL;
	int rc;

	if (!cfg || !cfg->policy)
		return ohs_config_apply_policy(out_body, out_findings, cfg);
	if ((rc = ohs__policy_for_host(&adjusted, cfg->policy, docker_host)) < 0)
		return rc;
	if (!adjusted)
		return ohs_config_apply_policy(out_body, out_findings, cfg);
	if ((rc = ohs_config_dup(&d, cfg)) == 0) {
		ohs_policy_free(d->policy);
		d->policy = adjusted;
		adjusted = NULL;
		rc = ohs_config_apply_policy(out_body, out_findings, d);
	}
	ohs_policy_free(adjusted);
	ohs_config_free(d);
	return rc;
}

int ohs__config_check_body_client(ohs_findings **out, const ohs_config *cfg, const char *body,
	const char *docker_host)
{
	ohs_policy *adjusted = NULL;
	int rc;

	*out = NULL;
	if (!cfg || !cfg->policy)
		return 0;
	if ((rc = ohs__policy_for_host(&adjusted, cfg->policy, docker_host)) < 0)
		return rc;
	rc = ohs_policy_check(out, adjusted ? adjusted : cfg->policy, body);
	ohs_policy_free(adjusted);
	return rc;
}
