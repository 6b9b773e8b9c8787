/*
 * engine: the Docker/Podman verbs the sandbox modules use.
 *
 * Each function owns one REST path, its JSON body, the parsing of the
 * answer and the engine quirks that go with it; the error answers are
 * classified (engine_err.c) into OHS_E* codes and typed kinds.  The
 * transport (client.c) only moves HTTP.
 */
#include "internal.h"
#include "engine_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "/containers/{cid}/archive?path={path}", both escaped; NULL on OOM. */
static char *archive_path(const char *cid, const char *path)
{
	char *ecid = ohs__client_escape(cid), *epath = ohs__client_escape(path), *p;

	p = ecid && epath ? ohs__sprintf("/containers/%s/archive?path=%s", ecid, epath) : NULL;
	free(ecid);
	free(epath);
	return p;
}

/* A JSON request on `prefix` + escaped `arg` + `suffix`. */
static int json_on(ohs_client *c, const char *method, const char *prefix, const char *arg,
	const char *suffix, json_t *body, json_t **out, const char *what)
{
	char *path = ohs__client_path(prefix, arg, suffix);
	int rc;

	if (!path)
		return ohs__error_oom();
	rc = ohs__client_json(c, method, path, body, out, what);
	free(path);
	return rc;
}

/* POST prefix+arg+suffix on a hijacked connection (101 UPGRADED). */
static int hijack_on(ohs_client *c, const char *prefix, const char *arg, const char *suffix,
	const char *body, ohs__conn **conn, const char *what)
{
	char *path = ohs__client_path(prefix, arg, suffix);
	int rc;

	if (!path)
		return ohs__error_oom();
	rc = ohs__client_hijack(c, "POST", path, body, conn, what);
	free(path);
	return rc;
}

/* GET `base` filtered by one filter (`key` "label"/"network", `value`); an array. */
static int list_filtered(ohs_client *c, const char *base, const char *key, const char *value,
	json_t **out, const char *what)
{
	json_t *f;
	char *filter, *e, *path;
	int rc;

	*out = NULL;
	if (!key) {
		rc = ohs__client_json(c, "GET", base, NULL, out, what);
		goto check;
	}
	if (!(f = json_pack("{s:[s]}", key, value)))
		return ohs__error_oom();
	filter = json_dumps(f, JSON_COMPACT);
	json_decref(f);
	if (!filter)
		return ohs__error_oom();
	e = ohs__client_escape(filter);
	free(filter);
	if (!e)
		return ohs__error_oom();
	path = ohs__sprintf("%s%sfilters=%s", base, strchr(base, '?') ? "&" : "?", e);
	free(e);
	if (!path)
		return ohs__error_oom();
	rc = ohs__client_json(c, "GET", path, NULL, out, what);
	free(path);
check:
	if (rc == 0 && !json_is_array(*out)) {
		json_decref(*out);
		*out = NULL;
		return ohs__error_set(OHS_EPROTOCOL, "%s: the engine's answer is not a JSON array", what);
	}
	return rc;
}

/* ------------------------------------------------------------ exec */

int ohs__engine_exec_create(char **exec_id, ohs_client *c, const char *cid,
	const char *const *argv, const ohs__strvec *env, const char *extra_env,
	const char *workdir, const char *user, int tty, int attach_stdin, const char *what)
{
	json_t *body, *cmd, *jenv, *resp = NULL, *jid;
	size_t i;
	int rc = 0;

	*exec_id = NULL;
	body = json_object();
	cmd = json_array();
	jenv = json_array();
	if (!body || !cmd || !jenv) {
		json_decref(body);
		json_decref(cmd);
		json_decref(jenv);
		return ohs__error_oom();
	}
	for (i = 0; argv[i]; i++)
		json_array_append_new(cmd, json_string(argv[i]));
	for (i = 0; env && i < env->n; i++)
		json_array_append_new(jenv, json_string(env->v[i]));
	if (extra_env)
		json_array_append_new(jenv, json_string(extra_env));
	json_object_set_new(body, "AttachStdin", json_boolean(attach_stdin));
	json_object_set_new(body, "AttachStdout", json_true());
	json_object_set_new(body, "AttachStderr", json_true());
	json_object_set_new(body, "Tty", json_boolean(tty));
	json_object_set_new(body, "Cmd", cmd);
	json_object_set_new(body, "Env", jenv);
	if (workdir)
		json_object_set_new(body, "WorkingDir", json_string(workdir));
	if (user)
		json_object_set_new(body, "User", json_string(user));

	if ((rc = json_on(c, "POST", "/containers/", cid, "/exec", body, &resp, what)) < 0)
		goto done;
	jid = json_object_get(resp, "Id");
	if (!json_is_string(jid) || !*json_string_value(jid)) {
		rc = ohs__error_set(OHS_EPROTOCOL, "%s: the engine's answer has no \"Id\"", what);
		goto done;
	}
	if (!(*exec_id = ohs__strdup(json_string_value(jid))))
		rc = ohs__error_oom();
done:
	json_decref(body);
	json_decref(resp);
	return rc;
}

int ohs__engine_exec_inspect(ohs_client *c, const char *exec_id, ohs__exec_state *st,
	const char *what)
{
	json_t *resp = NULL, *v;
	int rc;

	if ((rc = json_on(c, "GET", "/exec/", exec_id, "/json", NULL, &resp, what)) < 0)
		return rc;
	st->running = json_is_true(json_object_get(resp, "Running"));
	v = json_object_get(resp, "ExitCode");
	st->exit_code = json_is_integer(v) ? (int)json_integer_value(v) : -1;
	v = json_object_get(resp, "Pid");
	st->pid = json_is_integer(v) ? (long)json_integer_value(v) : -1;
	json_decref(resp);
	return 0;
}

static const char start_plain[] = "{\"Detach\":false,\"Tty\":false}";
static const char start_tty[] = "{\"Detach\":false,\"Tty\":true}";

int ohs__engine_exec_start(ohs_client *c, const char *exec_id, int tty,
	ohs__data_cb on_data, void *payload, long timeout_ms, const char *what)
{
	char *path = ohs__client_path("/exec/", exec_id, "/start");
	int rc;

	if (!path)
		return ohs__error_oom();
	rc = ohs__client_stream(c, "POST", path, "application/json",
		tty ? start_tty : start_plain, tty ? sizeof(start_tty) - 1 : sizeof(start_plain) - 1,
		on_data, payload, timeout_ms, what);
	free(path);
	return rc;
}

int ohs__engine_exec_attach(ohs_client *c, const char *exec_id, ohs__conn **conn,
	const char *what)
{
	return hijack_on(c, "/exec/", exec_id, "/start", start_plain, conn, what);
}

/* ------------------------------------------------------------ containers */

int ohs__engine_container_inspect(ohs_client *c, const char *cid, json_t **out, const char *what)
{
	int rc = json_on(c, "GET", "/containers/", cid, "/json", NULL, out, what);

	if (rc == 0 && !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return ohs__error_set(OHS_EPROTOCOL, "%s: the engine's answer is not a JSON object", what);
	}
	return rc;
}

int ohs__engine_container_kill(ohs_client *c, const char *cid, const char *what)
{
	return ohs__engine_container_post(c, cid, "kill", NULL, what);
}

int ohs__engine_container_attach(ohs_client *c, const char *cid, ohs__conn **conn,
	const char *what)
{
	return hijack_on(c, "/containers/", cid, "/attach?stream=1&stdout=1&stderr=1", NULL, conn, what);
}

int ohs__engine_container_wait(ohs_client *c, const char *cid, json_t **out, const char *what)
{
	return json_on(c, "POST", "/containers/", cid, "/wait", NULL, out, what);
}

int ohs__engine_container_list(ohs_client *c, const char *key, const char *value,
	json_t **out, const char *what)
{
	return list_filtered(c, "/containers/json?all=1", key, value, out, what);
}

int ohs__engine_container_create(ohs_client *c, const char *name, json_t *body, json_t **out,
	const char *what)
{
	char *e = ohs__client_escape(name), *path;
	int rc;

	if (!e)
		return ohs__error_oom();
	path = ohs__sprintf("/containers/create?name=%s", e);
	free(e);
	if (!path)
		return ohs__error_oom();
	rc = ohs__client_json(c, "POST", path, body, out, what);
	free(path);
	return rc;
}

int ohs__engine_container_post(ohs_client *c, const char *cid, const char *action,
	const char *query, const char *what)
{
	char *e = ohs__client_escape(cid), *path;
	int rc;

	if (!e)
		return ohs__error_oom();
	path = ohs__sprintf("/containers/%s/%s%s", e, action, query ? query : "");
	free(e);
	if (!path)
		return ohs__error_oom();
	rc = ohs__client_request(c, "POST", path, NULL, NULL, 0, NULL, what);
	free(path);
	return rc;
}

int ohs__engine_container_remove(ohs_client *c, const char *cid, const char *what)
{
	char *path = ohs__client_path("/containers/", cid, "?force=1&v=1");
	int rc;

	if (!path)
		return ohs__error_oom();
	rc = ohs__client_request(c, "DELETE", path, NULL, NULL, 0, NULL, what);
	free(path);
	return rc == OHS_ENOTFOUND ? 0 : rc;
}

int ohs__engine_container_logs(ohs_client *c, const char *cid, int tail,
	ohs__data_cb on_data, void *payload, const char *what)
{
	char *e = ohs__client_escape(cid), *path, tailbuf[24];
	int rc;

	if (!e)
		return ohs__error_oom();
	if (tail > 0)
		snprintf(tailbuf, sizeof(tailbuf), "%d", tail);
	else
		strcpy(tailbuf, "all");
	path = ohs__sprintf("/containers/%s/logs?stdout=1&stderr=1&tail=%s", e, tailbuf);
	free(e);
	if (!path)
		return ohs__error_oom();
	rc = ohs__client_stream(c, "GET", path, NULL, NULL, 0, on_data, payload, 0, what);
	free(path);
	return rc;
}

/* ------------------------------------------------------------ files */

int ohs__engine_path_stat(ohs_client *c, const char *cid, const char *path, const char *what)
{
	char *p = archive_path(cid, path);
	ohs__response r = {0};
	int rc;

	if (!p)
		return ohs__error_oom();
	rc = ohs__client_request(c, "HEAD", p, NULL, NULL, 0, &r, what);
	free(p);
	ohs__response_clear(&r);
	/* a HEAD answer has no body: the status is all there is */
	if (rc == OHS_ENOTFOUND)
		ohs__error_set_kind(OHS__ENG_NOT_FOUND);
	return rc;
}

int ohs__engine_archive_put(ohs_client *c, const char *cid, const char *dir,
	ohs__read_cb read_cb, void *payload, const char *what)
{
	char *p;
	int rc;

	/*
	 * Podman (4.3) creates a missing destination directory where Docker
	 * answers 404.  Ask first (HEAD on the same path), so both engines
	 * refuse it.
	 */
	if (ohs__client_is_podman(c)) {
		rc = ohs__engine_path_stat(c, cid, dir, what);
		if (rc == OHS_ENOTFOUND) {
			rc = ohs__error_set_http(OHS_ENOTFOUND, 404,
				"%s: Could not find the file %s in container %s", what, dir, cid);
			ohs__error_set_kind(OHS__ENG_NOT_FOUND);
			return rc;
		}
		if (rc < 0)
			return rc;
	}
	if (!(p = archive_path(cid, dir)))
		return ohs__error_oom();
	rc = ohs__client_upload(c, "PUT", p, "application/x-tar", read_cb, payload, what);
	free(p);
	return rc;
}

int ohs__engine_archive_get(ohs_client *c, const char *cid, const char *path,
	ohs__data_cb on_data, void *payload, const char *what)
{
	char *p = archive_path(cid, path);
	int rc;

	if (!p)
		return ohs__error_oom();
	rc = ohs__client_stream(c, "GET", p, NULL, NULL, 0, on_data, payload, 0, what);
	free(p);
	return rc;
}

/* ------------------------------------------------------------ images, networks */

int ohs__engine_image_inspect(ohs_client *c, const char *name, json_t **out, const char *what)
{
	/* not escaped: a reference's '/' and ':' are part of the route
	 * ("/images/127.0.0.1:5000/x:tag/json"); references are validated
	 * (image grammar) */
	char *path = ohs__sprintf("/images/%s/json", name);
	int rc;

	if (!path)
		return ohs__error_oom();
	rc = ohs__client_json(c, "GET", path, NULL, out, what);
	free(path);
	return rc;
}

int ohs__engine_image_inspect_id(ohs_client *c, const char *id, json_t **out, const char *what)
{
	return json_on(c, "GET", "/images/", id, "/json", NULL, out, what);
}

int ohs__engine_network_inspect(ohs_client *c, const char *name, json_t **out, const char *what)
{
	return json_on(c, "GET", "/networks/", name, NULL, NULL, out, what);
}

int ohs__engine_network_list(ohs_client *c, const char *key, const char *value,
	json_t **out, const char *what)
{
	return list_filtered(c, "/networks", key, value, out, what);
}

int ohs__engine_image_pull(ohs_client *c, const char *repo, const char *tag,
	ohs__data_cb on_data, void *payload, const char *what)
{
	char *erepo = ohs__client_escape(repo), *etag = ohs__client_escape(tag), *path = NULL;
	int rc;

	if (erepo && etag)
		path = ohs__sprintf("/images/create?fromImage=%s&tag=%s", erepo, etag);
	free(erepo);
	free(etag);
	if (!path)
		return ohs__error_oom();
	rc = ohs__client_stream(c, "POST", path, NULL, NULL, 0, on_data, payload, 0, what);
	free(path);
	return rc;
}

int ohs__engine_network_create(ohs_client *c, json_t *body, json_t **out, const char *what)
{
	return ohs__client_json(c, "POST", "/networks/create", body, out, what);
}

int ohs__engine_network_remove(ohs_client *c, const char *name, const char *what)
{
	char *path = ohs__client_path("/networks/", name, NULL);
	int rc;

	if (!path)
		return ohs__error_oom();
	rc = ohs__client_request(c, "DELETE", path, NULL, NULL, 0, NULL, what);
	free(path);
	return rc == OHS_ENOTFOUND ? 0 : rc;
}

int ohs__engine_network_connect(ohs_client *c, const char *name, const char *cid, const char *what)
{
	json_t *body = json_pack("{s:s}", "Container", cid);
	int rc;

	if (!body)
		return ohs__error_oom();
	rc = json_on(c, "POST", "/networks/", name, "/connect", body, NULL, what);
	json_decref(body);
	return rc;
}

int ohs__engine_volume_inspect(ohs_client *c, const char *name, json_t **out, const char *what)
{
	return json_on(c, "GET", "/volumes/", name, NULL, NULL, out, what);
}

const char *ohs__engine_port_host_ip(ohs_client *c, const char *ip)
{
	/* Podman reports the every-address binding as "" */
	if ((!ip || !*ip) && ohs__client_is_podman(c))
		return "0.0.0.0";
	return ip;
}

const char *ohs__engine_image_display(ohs_client *c, const char *image)
{
	if (image && ohs__client_is_podman(c) && strncmp(image, "localhost/", 10) == 0)
		return image + 10;
	return image;
}
