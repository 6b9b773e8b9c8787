/*
 * session: the sandbox object and its lifecycle: create (the policy's
 * body, then labels, main process, networks; see pull.c, network.c,
 * judge.c), start, stop/pause/resume, keep, remove, open, ports, logs.
 * Readiness is in ready.c, owner labels in owner.c, the OOM count in exec.c
 * (it runs an exec); the engine's verbs are engine.c's.  Users: the public
 * API; exec.c, shell.c, archive.c, pool.c, runmain.c and reap.c through
 * session_int.h.
 */
#include "internal.h"
#include "session_priv.h"
#include "config_int.h"
#include "image_int.h"
#include "policy_int.h"
#include "mainproc_int.h"
#include "hostpath_int.h"
#include "engine_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

/* ------------------------------------------------------------ helpers shared with reap.c */

ohs_client *ohs__session_client(const ohs_session *s)
{
	return s ? s->client : NULL;
}

const ohs_findings *ohs_session_findings(const ohs_session *s)
{
	return s ? s->findings : NULL;
}

const char *ohs__session_sid(const ohs_session *s)
{
	return s ? s->sid : NULL;
}

const char *ohs__session_judged_body(const ohs_session *s)
{
	return s ? s->judged : NULL;
}

/* ------------------------------------------------------------ small local helpers */

static void ports_clear(ohs_session *s)
{
	size_t i;

	for (i = 0; i < s->nports; i++) {
		free(s->ports[i].protocol);
		free(s->ports[i].host_ip);
	}
	free(s->ports);
	s->ports = NULL;
	s->nports = 0;
}

int ohs__session_live(const ohs_session *s, const char *fn)
{
	if (!s)
		return ohs__error_set(OHS_EINVAL, "%s: session is NULL", fn);
	if (s->removed)
		return ohs__error_set(OHS_ESTATE, "%s: sandbox \"%s\" was removed", fn, s->name);
	return 0;
}

/* GET /containers/{id}/json */
int ohs__container_inspect(ohs_client *c, const char *id, json_t **out, const char *what)
{
	return ohs__engine_container_inspect(c, id, out, what);
}

/* Read NetworkSettings.Ports of an inspect answer into s->ports. */
static int read_ports(ohs_session *s, json_t *info)
{
	json_t *ports = json_object_get(json_object_get(info, "NetworkSettings"), "Ports");
	const char *key;
	json_t *bindings;
	size_t count = 0, i;
	session_port *v;

	ports_clear(s);
	if (!json_is_object(ports))
		return 0;
	json_object_foreach(ports, key, bindings)
		if (json_is_array(bindings))
			count += json_array_size(bindings);
	if (!count)
		return 0;
	if (!(v = calloc(count, sizeof(*v))))
		return ohs__error_oom();
	s->ports = v;
	json_object_foreach(ports, key, bindings) {
		json_t *b;
		char *end;
		long cport = strtol(key, &end, 10);
		const char *proto = *end == '/' ? end + 1 : "tcp";

		if (!json_is_array(bindings))
			continue;
		json_array_foreach(bindings, i, b) {
			session_port *p = &s->ports[s->nports];
			const char *ip = ohs__jstr(b, "HostIp");
			const char *hp = ohs__jstr(b, "HostPort");

			p->container_port = (int)cport;
			p->protocol = ohs__strdup(proto);
			ip = ohs__engine_port_host_ip(s->client, ip);
			p->host_ip = ohs__strdup(ip ? ip : "");
			p->host_port = hp ? atoi(hp) : 0;
			s->nports++;
			if (!p->protocol || !p->host_ip)
				return ohs__error_oom();
		}
	}
	return 0;
}

/* ------------------------------------------------------------ create */

static ohs_session *session_alloc(ohs_client *client)
{
	ohs_session *s = calloc(1, sizeof(*s));

	if (!s) {
		ohs__error_oom();
		return NULL;
	}
	s->client = client;
	s->publishes = 1;
	return s;
}

static void session_destroy(ohs_session *s)
{
	if (!s)
		return;
	free(s->id);
	free(s->name);
	free(s->sid);
	ohs__strvec_clear(&s->networks);
	ports_clear(s);
	ohs_findings_free(s->findings);
	free(s->judged);
	free(s);
}

/* Remove the container and created networks, ignoring errors. */
static int session_teardown(ohs_session *s)
{
	int rc = 0, r;
	size_t i;

	if (s->id && (r = ohs__engine_container_remove(s->client, s->id, "remove container")) < 0)
		rc = r;
	if (rc < 0)
		return rc;
	for (i = 0; i < s->networks.n; i++) {
		r = ohs__engine_network_remove(s->client, s->networks.v[i], "remove network");
		/* still in use by another sandbox: leave it to the last user / ohs_reap */
		if (r < 0 && r != OHS_ECONFLICT && r != OHS_EPERM && rc == 0)
			rc = r;
	}
	return rc;
}

/*
 * Podman 4.3 (netavark) takes a port binding's HostIp "0.0.0.0" literally: the
 * port then answers on no address at all.  There "" means every address, as
 * "0.0.0.0" does for Docker.
 */
static void podman_port_bindings(json_t *body)
{
	json_t *pb = json_object_get(json_object_get(body, "HostConfig"), "PortBindings");
	const char *key;
	json_t *arr, *b;
	size_t i;

	json_object_foreach(pb, key, arr) {
		json_array_foreach(arr, i, b) {
			const char *ip = ohs__jstr(b, "HostIp");

			if (ip && strcmp(ip, "0.0.0.0") == 0)
				json_object_set_new(b, "HostIp", json_string(""));
		}
	}
}

int ohs__session_create_cmd(ohs_session **out, ohs_client *client,
	const ohs_config *cfg, const char *const *cmd,
	ohs_progress_cb progress, void *payload)
{
	ohs_session *s = NULL;
	ohs_netpolicy *np;
	char *body_s = NULL;
	json_t *body = NULL, *labels, *image_info = NULL, *created = NULL;
	ohs_findings *findings = NULL;
	const char *image, *mode;
	char sid[33], *raw_s = NULL;
	json_t *raw;
	size_t i, nnet, nfind;
	int rc, own_exists = 0, overridden = 0;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_session_create: out is NULL");
	*out = NULL;
	if (!client)
		return ohs__error_set(OHS_EINVAL, "ohs_session_create: client is NULL");
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_session_create: cfg is NULL");

	np = ohs_config_netpolicy((ohs_config *)cfg);
	mode = np ? ohs_netpolicy_mode(np) : NULL;
	nnet = np ? ohs_netpolicy_network_count(np) : 0;

	/* an internal network that can never be internal: a config error first */
	if ((rc = ohs__netpolicy_check_internal(np)) < 0)
		return rc;

	/*
	 * Every create goes through the config's security policy: the body
	 * sent is the policy's (rewritten under the hardened profile), and a
	 * refusal stops here, before the engine is contacted.
	 */
	if ((rc = ohs__config_apply_policy_client(&body_s, &findings, cfg, ohs_client_host(client))) < 0) {
		ohs_findings_free(findings);
		return rc;
	}
	body = json_loads(body_s, 0, NULL);
	ohs_free(body_s);
	if (!json_is_object(body)) {
		json_decref(body);
		ohs_findings_free(findings);
		return ohs__error_set(OHS_EINVAL, "ohs_session_create: the config's create body is not a JSON object");
	}
	image = ohs__jstr(body, "Image");
	if (!image)
		image = ohs_config_image(cfg);
	if (!image || !*image) {
		json_decref(body);
		ohs_findings_free(findings);
		return ohs__error_set(OHS_EINVAL, "ohs_session_create: the config names no image");
	}

	/*
	 * Judge what the body alone does not show, before anything is made:
	 * the networks (SANDBOX_NETWORK_INTERNAL must hold; joining a network
	 * the library did not create is a finding) and the named volumes (a
	 * local volume binding a host path is judged like that bind).
	 */
	nfind = ohs_findings_count(findings);
	if (ohs__netpolicy_is_user_network(mode)) {
		json_t *ninfo = NULL;

		if ((rc = ohs__network_inspect(client, mode, &ninfo)) < 0)
			goto fail;
		own_exists = rc;
		rc = own_exists ? ohs__network_judge_existing(findings, np, mode, ninfo,
			"HostConfig.NetworkMode", "network") : 0;
		json_decref(ninfo);
		if (rc < 0)
			goto fail;
	}
	/* additional networks must exist */
	for (i = 0; i < nnet; i++) {
		const char *n = ohs_netpolicy_network(np, i);
		json_t *ninfo = NULL;
		char *field;

		if (mode && strcmp(n, mode) == 0)
			continue;
		if ((rc = ohs__network_inspect(client, n, &ninfo)) < 0)
			goto fail;
		if (rc == 0) {
			rc = ohs__network_missing_error(client, n);
			goto fail;
		}
		field = ohs__sprintf("NetworkingConfig.EndpointsConfig.%s", n);
		rc = field ? ohs__network_judge_existing(findings, np, n, ninfo, field, "additional network")
			: ohs__error_oom();
		free(field);
		json_decref(ninfo);
		if (rc < 0)
			goto fail;
	}
	if ((rc = ohs_config_create_body(&raw_s, cfg)) < 0)
		goto fail;
	raw = json_loads(raw_s, 0, NULL);
	ohs_free(raw_s);
	if (!raw) {
		rc = ohs__error_set(OHS_EINVAL, "ohs_session_create: the config's create body is not JSON");
		goto fail;
	}
	rc = ohs__volumes_judge(client, findings, cfg, raw);
	json_decref(raw);
	if (rc < 0 || (rc = ohs__session_refusal(cfg, findings, nfind)) < 0)
		goto fail;

	if ((rc = ohs__image_ensure(client, image, progress, payload, &image_info)) < 0)
		goto fail;

	if (!(s = session_alloc(client))) {
		rc = OHS_ENOMEM;
		goto fail;
	}
	s->findings = findings;
	findings = NULL;
	if ((rc = ohs__random_hex(sid, 16, NULL)) < 0)
		goto fail;
	if (!(s->sid = ohs__strdup(sid)) ||
			!(s->name = ohs__sprintf(OHS_NAME_PREFIX "%.12s", sid))) {
		rc = ohs__error_oom();
		goto fail;
	}

	/* labels: the config's, then ours (ours win) */
	labels = json_object_get(body, "Labels");
	if (!json_is_object(labels)) {
		if (!(labels = json_object()) || json_object_set_new(body, "Labels", labels) < 0) {
			rc = ohs__error_oom();
			goto fail;
		}
	}
	if ((rc = ohs__owner_labels_add(labels, sid)) < 0 ||
			(rc = json_object_set_new(labels, OHS_LABEL_KEEP, json_string("false")) < 0 ?
			ohs__error_oom() : 0) < 0)
		goto fail;

	/* the main process: the command asked for, or the keep-alive (mainproc.c) */
	if ((rc = ohs__mainproc_apply(body, image_info, cmd, ohs_config_override_command(cfg),
			&overridden)) < 0)
		goto fail;

	/* additional networks are connected after create, not in the body */
	{
		json_t *eps = json_object_get(json_object_get(body, "NetworkingConfig"), "EndpointsConfig");

		for (i = 0; json_is_object(eps) && i < nnet; i++) {
			const char *n = ohs_netpolicy_network(np, i);

			if (!mode || strcmp(n, mode) != 0)
				json_object_del(eps, n);
		}
	}

	if (ohs__client_is_podman(client))
		podman_port_bindings(body);
	/* nothing published: start need not ask the engine for ports */
	{
		json_t *hc = json_object_get(body, "HostConfig");

		s->publishes = json_object_size(json_object_get(hc, "PortBindings")) > 0 ||
			json_is_true(json_object_get(hc, "PublishAllPorts"));
	}

	/*
	 * The body the policy judged is the body sent: the changes above
	 * (owner labels, the main process, the additional networks left out,
	 * Podman's port address) are judged again on the exact text sent,
	 * before anything is made; nothing changes the body after this.
	 */
	if (!(s->judged = json_dumps(body, JSON_COMPACT))) {
		rc = ohs__error_oom();
		goto fail;
	}
	nfind = ohs_findings_count(s->findings);
	if ((rc = ohs__body_rejudge(s->findings, cfg, s->judged, ohs_client_host(client))) < 0 ||
			(rc = ohs__session_refusal(cfg, s->findings, nfind)) < 0)
		goto fail;

	/* the session's own network */
	if (ohs__netpolicy_is_user_network(mode) && !own_exists) {
		if ((rc = ohs__network_create(client, &s->networks, s->sid, mode,
				ohs_netpolicy_internal(np) > 0)) < 0)
			goto fail;
		if (rc == 1) {
			/* made meanwhile by someone else: judged like any existing network */
			json_t *ninfo = NULL;

			if ((rc = ohs__network_inspect(client, mode, &ninfo)) < 0)
				goto fail;
			rc = rc ? ohs__network_judge_existing(s->findings, np, mode, ninfo,
				"HostConfig.NetworkMode", "network") : ohs__error_set(OHS_ENOTFOUND,
				"network \"%s\" was reported to exist, then not found", mode);
			json_decref(ninfo);
			if (rc < 0)
				goto fail;
		}
	}

	rc = ohs__engine_container_create(client, s->name, body, &created, "create container");
	if (rc < 0) {
		char *pfx = ohs__sprintf("sandbox from image \"%s\"", image);

		if (pfx)
			ohs__error_prefix(pfx);
		free(pfx);
		goto fail;
	}
	if (!ohs__jstr(created, "Id")) {
		rc = ohs__error_set(OHS_EPROTOCOL, "create container: the engine's answer has no \"Id\"");
		goto fail;
	}
	if (!(s->id = ohs__strdup(ohs__jstr(created, "Id")))) {
		rc = ohs__error_oom();
		goto fail;
	}
	if (overridden && (rc = ohs__mainproc_check_shell(client, s->id, image)) < 0)
		goto fail;

	for (i = 0; i < nnet; i++) {
		const char *n = ohs_netpolicy_network(np, i);

		if (mode && strcmp(n, mode) == 0)
			continue;
		if ((rc = ohs__network_connect(s->client, s->id, n)) < 0)
			goto fail;
	}

	json_decref(created);
	json_decref(image_info);
	json_decref(body);
	*out = s;
	return 0;

fail:
	if (s) {
		/* Errors of the cleanup are ignored: keep the first error. */
		ohs__error_state *st = ohs__error_save();

		session_teardown(s);
		ohs__error_restore(st);
	}
	session_destroy(s);
	ohs_findings_free(findings);
	json_decref(created);
	json_decref(image_info);
	json_decref(body);
	return rc;
}

int ohs_session_create(ohs_session **out, ohs_client *client,
	const ohs_config *cfg, ohs_progress_cb progress, void *payload)
{
	return ohs__session_create_cmd(out, client, cfg, NULL, progress, payload);
}

/* ------------------------------------------------------------ simple container actions */

static int container_post(ohs_session *s, const char *action, const char *query,
	const char *what)
{
	int rc = ohs__engine_container_post(s->client, s->id, action, query, what);

	if (rc < 0) {
		char *pfx = ohs__sprintf("sandbox \"%s\"", s->name);

		if (pfx)
			ohs__error_prefix(pfx);
		free(pfx);
	}
	return rc;
}

static int refresh_ports(ohs_session *s)
{
	json_t *info = NULL;
	int rc;

	if ((rc = ohs__container_inspect(s->client, s->id, &info, "inspect container")) < 0)
		return rc;
	rc = read_ports(s, info);
	json_decref(info);
	return rc;
}

int ohs_session_start(ohs_session *s)
{
	int rc;

	if ((rc = ohs__session_live(s, "ohs_session_start")) < 0)
		return rc;
	if ((rc = container_post(s, "start", NULL, "start container")) < 0)
		return rc;
	/* an inspect right after start waits for the engine's container lock,
	 * which a command that exits at once holds while it is torn down */
	return s->publishes ? refresh_ports(s) : 0;
}

int ohs_session_stop(ohs_session *s, int timeout_s)
{
	char q[32];
	int rc;

	if ((rc = ohs__session_live(s, "ohs_session_stop")) < 0)
		return rc;
	if (timeout_s < 0)
		return ohs__error_set(OHS_EINVAL, "ohs_session_stop: timeout_s %d must be >= 0", timeout_s);
	snprintf(q, sizeof(q), "?t=%d", timeout_s);
	if ((rc = container_post(s, "stop", q, "stop container")) < 0)
		return rc;
	ports_clear(s);
	return 0;
}

int ohs_session_pause(ohs_session *s)
{
	int rc;

	if ((rc = ohs__session_live(s, "ohs_session_pause")) < 0)
		return rc;
	return container_post(s, "pause", NULL, "pause container");
}

int ohs_session_resume(ohs_session *s)
{
	int rc;

	if ((rc = ohs__session_live(s, "ohs_session_resume")) < 0)
		return rc;
	return container_post(s, "unpause", NULL, "resume container");
}

int ohs_session_remove(ohs_session *s)
{
	int rc;

	if (!s)
		return ohs__error_set(OHS_EINVAL, "ohs_session_remove: session is NULL");
	if (s->removed)
		return 0;
	if ((rc = session_teardown(s)) < 0) {
		char *pfx = ohs__sprintf("remove sandbox \"%s\"", s->name);

		if (pfx)
			ohs__error_prefix(pfx);
		free(pfx);
		return rc;
	}
	s->removed = 1;
	ports_clear(s);
	return 0;
}

int ohs_session_set_keep(ohs_session *s, int keep)
{
	char *name, *q, *e;
	int rc;

	if ((rc = ohs__session_live(s, "ohs_session_set_keep")) < 0)
		return rc;
	keep = keep ? 1 : 0;
	name = ohs__sprintf("%s%.12s", keep ? OHS_KEEP_PREFIX : OHS_NAME_PREFIX, s->sid);
	if (!name)
		return ohs__error_oom();
	if (strcmp(name, s->name) == 0) {
		free(name);
		s->keep = keep;
		return 0;
	}
	e = ohs__esc(name);
	q = e ? ohs__sprintf("?name=%s", e) : NULL;
	free(e);
	if (!q) {
		free(name);
		return ohs__error_oom();
	}
	rc = container_post(s, "rename", q, "rename container");
	free(q);
	if (rc < 0) {
		free(name);
		return rc;
	}
	free(s->name);
	s->name = name;
	s->keep = keep;
	return 0;
}

void ohs_session_free(ohs_session *s)
{
	if (!s)
		return;
	if (!s->removed && !s->keep)
		(void)ohs_session_remove(s);
	session_destroy(s);
}

const char *ohs_session_id(const ohs_session *s)
{
	return s ? s->id : NULL;
}

const char *ohs_session_name(const ohs_session *s)
{
	return s ? s->name : NULL;
}

size_t ohs_session_port_count(const ohs_session *s)
{
	return s ? s->nports : 0;
}

int ohs_session_port_container(const ohs_session *s, size_t i)
{
	if (!s || i >= s->nports)
		return ohs__error_set(OHS_EINVAL, "ohs_session_port_container: index %zu out of range (%zu ports)",
			i, s ? s->nports : 0);
	return s->ports[i].container_port;
}

const char *ohs_session_port_host_ip(const ohs_session *s, size_t i)
{
	if (!s || i >= s->nports)
		return NULL;
	return s->ports[i].host_ip;
}

int ohs_session_port_host(const ohs_session *s, size_t i)
{
	if (!s || i >= s->nports)
		return ohs__error_set(OHS_EINVAL, "ohs_session_port_host: index %zu out of range (%zu ports)",
			i, s ? s->nports : 0);
	return s->ports[i].host_port;
}

/* ------------------------------------------------------------ open */

int ohs_session_open(ohs_session **out, ohs_client *client, const char *id)
{
	ohs_session *s;
	json_t *info = NULL, *labels;
	const char *cid, *name, *sid;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_session_open: out is NULL");
	*out = NULL;
	if (!client)
		return ohs__error_set(OHS_EINVAL, "ohs_session_open: client is NULL");
	if (!id)
		return ohs__error_set(OHS_EINVAL, "ohs_session_open: id is NULL");
	if (!*id)
		return ohs__error_set(OHS_EINVAL, "ohs_session_open: id is empty; expected a container id or name");
	rc = ohs__container_inspect(client, id, &info, "inspect container");
	if (rc == OHS_ENOTFOUND)
		return ohs__error_set(OHS_ENOTFOUND, "ohs_session_open: no container \"%s\"", id);
	if (rc < 0)
		return rc;
	labels = json_object_get(json_object_get(info, "Config"), "Labels");
	if (!ohs__label(labels, OHS_LABEL_MANAGED) ||
			strcmp(ohs__label(labels, OHS_LABEL_MANAGED), "true") != 0) {
		json_decref(info);
		return ohs__error_set(OHS_EINVAL, "ohs_session_open: container \"%s\" is not a sandbox "
			"of this library (no label " OHS_LABEL_MANAGED "=true)", id);
	}
	cid = ohs__jstr(info, "Id");
	name = ohs__jstr(info, "Name");
	sid = ohs__label(labels, OHS_LABEL_SESSION);
	if (!cid || !name) {
		json_decref(info);
		return ohs__error_set(OHS_EPROTOCOL, "ohs_session_open: container \"%s\": no Id or Name in the engine's answer", id);
	}
	if (*name == '/')
		name++;
	if (!(s = session_alloc(client))) {
		json_decref(info);
		return OHS_ENOMEM;
	}
	s->id = ohs__strdup(cid);
	s->name = ohs__strdup(name);
	s->sid = ohs__strdup(sid ? sid : cid);
	if (!s->id || !s->name || !s->sid) {
		rc = ohs__error_oom();
		goto fail;
	}
	s->keep = ohs__name_is_kept(name) ||
		(ohs__label(labels, OHS_LABEL_KEEP) && strcmp(ohs__label(labels, OHS_LABEL_KEEP), "true") == 0);
	if ((rc = read_ports(s, info)) < 0 || (rc = ohs__network_find_session(s->client, s->sid, &s->networks)) < 0)
		goto fail;
	json_decref(info);
	*out = s;
	return 0;
fail:
	json_decref(info);
	session_destroy(s);
	return rc;
}

/* ------------------------------------------------------------ logs */

typedef struct {
	ohs_output_cb cb;
	void *payload;
	int ret;
} logs_state;

static int logs_frame(int stream, const char *data, size_t len, void *payload)
{
	logs_state *ls = payload;

	if (stream != 1 && stream != 2)
		return 0;
	if ((ls->ret = ls->cb(stream, data, len, ls->payload)) != 0)
		return 1;
	return 0;
}

static int logs_data(const char *data, size_t len, void *payload)
{
	ohs__demux *d = payload;

	return ohs__demux_feed(d, data, len) ? 1 : 0;
}

int ohs_session_logs(ohs_session *s, int tail, ohs_output_cb cb, void *payload)
{
	logs_state ls = { cb, payload, 0 };
	ohs__demux d;
	int rc;

	if ((rc = ohs__session_live(s, "ohs_session_logs")) < 0)
		return rc;
	if (!cb)
		return ohs__error_set(OHS_EINVAL, "ohs_session_logs: cb is NULL");
	if (tail < 0)
		return ohs__error_set(OHS_EINVAL, "ohs_session_logs: tail %d must be >= 0 (0: all)", tail);
	ohs__demux_init(&d, logs_frame, &ls);
	rc = ohs__engine_container_logs(s->client, s->id, tail, logs_data, &d, "container logs");
	if (ls.ret)
		return ls.ret < 0 ? ls.ret : 0; /* stopped by the callback */
	return rc;
}

/* ------------------------------------------------------------ API 1.1 additions */

int ohs_session_keep(const ohs_session *s)
{
	if (!s)
		return ohs__error_set(OHS_EINVAL, "ohs_session_keep: session is NULL");
	return s->keep ? 1 : 0;
}

const char *ohs_session_port_protocol(const ohs_session *s, size_t i)
{
	if (!s || i >= s->nports)
		return NULL;
	return s->ports[i].protocol;
}

int ohs_session_stop_ms(ohs_session *s, long timeout_ms)
{
	long secs;

	if (!s)
		return ohs__error_set(OHS_EINVAL, "ohs_session_stop_ms: session is NULL");
	if (timeout_ms < 0)
		return ohs__error_set(OHS_EINVAL, "ohs_session_stop_ms: timeout_ms %ld must be >= 0", timeout_ms);
	/* the engine counts whole seconds: round up, never stop sooner than asked */
	secs = timeout_ms / 1000 + (timeout_ms % 1000 ? 1 : 0);
	if (secs > 2147483647L) /* INT_MAX of the platforms we build on */
		secs = 2147483647L;
	return ohs_session_stop(s, (int)secs);
}
