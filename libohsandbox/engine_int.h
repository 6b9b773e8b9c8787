/*
 * The engine layer: every Docker/Podman verb (REST path, JSON body,
 * response parsing, engine quirks) and the typed errors its answers carry.
 * Not installed; nothing here is exported.
 *
 * Two files:
 *   engine_err.c  pure: an error answer (HTTP status + body) -> OHS_E* code,
 *                 message, HTTP status and a typed kind (ohs__eng_err);
 *                 Podman's causes and wording mapped to Docker's.  Called by
 *                 the transport (client.c) for every status >= 400, so no
 *                 caller of the transport ever sees Podman's wording.
 *   engine.c      the verbs, on top of the transport (client_int.h).
 *
 * Users: exec.c, shell.c, archive.c, reap.c, mainproc.c (verbs and kinds);
 * client.c (ohs__engine_answer_error only).  Callers switch on
 * ohs__engine_err_last(), never on the text of an error message.
 */
#ifndef OHS_ENGINE_INT_H
#define OHS_ENGINE_INT_H

#include <jansson.h>
#include "internal.h"
#include "client_int.h"

/* ------------------------------------------------------------ typed errors */

/*
 * What an engine's error answer means, beyond its HTTP status.  Recorded
 * with the per-thread last error (ohs__error_set_kind) by the classifier;
 * any later error resets it to OHS__ENG_OTHER; ohs__error_save/restore and
 * ohs__error_prefix keep it.
 */
typedef enum {
	OHS__ENG_OTHER = 0,      /* no engine answer, or none of the kinds below */
	OHS__ENG_NOT_FOUND,      /* 404: no such container, image, network, volume, path */
	OHS__ENG_EXEC_NOT_FOUND, /* 404: no such exec instance */
	OHS__ENG_CONFLICT,       /* 409 of no kind below */
	OHS__ENG_NAME_IN_USE,    /* create: the name is taken */
	OHS__ENG_IN_USE,         /* remove: a network or volume still in use */
	OHS__ENG_NOT_RUNNING,    /* container not running or paused (Podman: "container state improper") */
	OHS__ENG_OCI,            /* the OCI runtime could not start the process (exec/start) */
	OHS__ENG_BAD_REQUEST,    /* 400 of no kind above */
	OHS__ENG_DENIED,         /* 401/403 */
	OHS__ENG_SERVER          /* 5xx of no kind above */
} ohs__eng_err;

/* The kind of the calling thread's last error (OHS__ENG_OTHER when none). */
ohs__eng_err ohs__engine_err_last(void);

/* A short name of a kind ("not running"), for messages and tests. */
const char *ohs__engine_err_name(ohs__eng_err kind);

/*
 * Map an engine's error answer (status >= 400, body as received) to OHS_E*
 * (400 EINVAL, 401/403 EPERM, 404 ENOTFOUND, 409 ECONFLICT, 5xx EENGINE,
 * else ERROR), with the message "<what>: <engine's message>", the status
 * and the kind recorded.  Podman's answers ({"cause","message","response"})
 * are first mapped to Docker's code, status and wording.  0 below 400.
 */
int ohs__engine_answer_error(long status, const char *body, size_t len, const char *what);

/*
 * The kind of an answer with `status` and (Docker-worded) `message`; pure.
 * `podman_cause` is Podman's "cause" or NULL.
 */
ohs__eng_err ohs__engine_classify(long status, const char *message, const char *podman_cause);

/*
 * The "error" of a pull's progress stream (the answer was 200, the pull
 * failed): OHS__ENG_NOT_FOUND when the registry has no such image or tag,
 * else OHS__ENG_SERVER.
 */
ohs__eng_err ohs__engine_pull_text_kind(const char *text);

/*
 * Text the engine wrote into an exec's output stream (stream 3, or the
 * first stdout frame of engine 20.10) when the process could not start:
 * OHS__ENG_OCI when it is the OCI runtime's refusal, else OHS__ENG_OTHER.
 */
ohs__eng_err ohs__engine_exec_text_kind(const char *text);
/* Whether `data` (len bytes, a first output frame) starts like the OCI
 * runtime's refusal and must be held back until the exit code is known. */
int ohs__engine_exec_text_starts_oci(const char *data, size_t len);

/* The shell's status for a command the OCI runtime could not start (`text`
 * its refusal): 127 not found, else 126. */
int ohs__engine_oci_exit_code(const char *text);

/* ------------------------------------------------------------ exec */

typedef struct {
	int running;
	int exit_code;   /* -1 when absent */
	long pid;        /* -1 when absent */
} ohs__exec_state;

/*
 * POST /containers/{cid}/exec: argv, env ("NAME=VALUE", may be NULL) plus
 * `extra_env` (one more, may be NULL), workdir/user (may be NULL), tty,
 * stdin attached or not.  *exec_id (free()) on success.  Errors are
 * prefixed by `what` ("create exec") and carry the kind.
 */
int ohs__engine_exec_create(char **exec_id, ohs_client *c, const char *cid,
	const char *const *argv, const ohs__strvec *env, const char *extra_env,
	const char *workdir, const char *user, int tty, int attach_stdin, const char *what);

/* GET /exec/{id}/json. */
int ohs__engine_exec_inspect(ohs_client *c, const char *exec_id, ohs__exec_state *st,
	const char *what);

/* POST /exec/{id}/start without stdin: the framed (or, with tty, raw) output
 * is streamed to on_data; timeout_ms 0: none. */
int ohs__engine_exec_start(ohs_client *c, const char *exec_id, int tty,
	ohs__data_cb on_data, void *payload, long timeout_ms, const char *what);

/* POST /exec/{id}/start on a hijacked connection (stdin attached). */
int ohs__engine_exec_attach(ohs_client *c, const char *exec_id, ohs__conn **conn,
	const char *what);

/* ------------------------------------------------------------ containers */

/* GET /containers/{cid}/json (*out a JSON object, else OHS_EPROTOCOL). */
int ohs__engine_container_inspect(ohs_client *c, const char *cid, json_t **out, const char *what);

/* POST /containers/{cid}/kill (SIGKILL). */
int ohs__engine_container_kill(ohs_client *c, const char *cid, const char *what);

/* POST /containers/{cid}/attach?stream=1&stdout=1&stderr=1, hijacked. */
int ohs__engine_container_attach(ohs_client *c, const char *cid, ohs__conn **conn,
	const char *what);

/* POST /containers/{cid}/wait: the engine's answer ({"StatusCode": N, ...}). */
int ohs__engine_container_wait(ohs_client *c, const char *cid, json_t **out, const char *what);

/* GET /containers/json?all=1 (every state) filtered by `key` ("label",
 * "network") = `value`; *out is a JSON array. */
int ohs__engine_container_list(ohs_client *c, const char *key, const char *value,
	json_t **out, const char *what);

/* POST /containers/create?name=NAME with the (judged) create body. */
int ohs__engine_container_create(ohs_client *c, const char *name, json_t *body, json_t **out,
	const char *what);

/* POST /containers/{cid}/{action}{query} ("start", "stop", "?t=10"; query may be NULL). */
int ohs__engine_container_post(ohs_client *c, const char *cid, const char *action,
	const char *query, const char *what);

/* DELETE /containers/{cid}?force=1&v=1; one already gone is not an error. */
int ohs__engine_container_remove(ohs_client *c, const char *cid, const char *what);

/* GET /containers/{cid}/logs?stdout=1&stderr=1&tail=N (tail 0: all), framed. */
int ohs__engine_container_logs(ohs_client *c, const char *cid, int tail,
	ohs__data_cb on_data, void *payload, const char *what);

/* ------------------------------------------------------------ files */

/* HEAD /containers/{cid}/archive?path=PATH: 0 when it exists, OHS_ENOTFOUND
 * (kind NOT_FOUND) when not, another OHS_E* on failure. */
int ohs__engine_path_stat(ohs_client *c, const char *cid, const char *path, const char *what);

/*
 * PUT /containers/{cid}/archive?path=DIR with the tar stream read from
 * read_cb.  A missing DIR is OHS_ENOTFOUND on every engine (Podman 4.3
 * would create it: asked first there).
 */
int ohs__engine_archive_put(ohs_client *c, const char *cid, const char *dir,
	ohs__read_cb read_cb, void *payload, const char *what);

/* GET /containers/{cid}/archive?path=PATH: the tar stream to on_data. */
int ohs__engine_archive_get(ohs_client *c, const char *cid, const char *path,
	ohs__data_cb on_data, void *payload, const char *what);

/* ------------------------------------------------------------ images, networks */

/* GET /images/{name}/json (name a validated reference, not escaped). */
int ohs__engine_image_inspect(ohs_client *c, const char *name, json_t **out, const char *what);
/* The same for an engine's image id ("sha256:..."), escaped as one component. */
int ohs__engine_image_inspect_id(ohs_client *c, const char *id, json_t **out, const char *what);

/* GET /networks/{name}. */
int ohs__engine_network_inspect(ohs_client *c, const char *name, json_t **out, const char *what);

/* GET /networks filtered by `key` = `value` (key NULL: all); *out is a JSON array. */
int ohs__engine_network_list(ohs_client *c, const char *key, const char *value,
	json_t **out, const char *what);

/* POST /images/create?fromImage=REPO&tag=TAG: the progress stream (JSON lines). */
int ohs__engine_image_pull(ohs_client *c, const char *repo, const char *tag,
	ohs__data_cb on_data, void *payload, const char *what);

/* POST /networks/create with `body`. */
int ohs__engine_network_create(ohs_client *c, json_t *body, json_t **out, const char *what);

/* DELETE /networks/{name}; one already gone is not an error. */
int ohs__engine_network_remove(ohs_client *c, const char *name, const char *what);

/* POST /networks/{name}/connect {"Container": cid}. */
int ohs__engine_network_connect(ohs_client *c, const char *name, const char *cid, const char *what);

/* GET /volumes/{name}. */
int ohs__engine_volume_inspect(ohs_client *c, const char *name, json_t **out, const char *what);

/* A published port's HostIp as Docker reports it (Podman answers "" for
 * every address: "0.0.0.0"); `ip` itself otherwise (may be NULL). */
const char *ohs__engine_port_host_ip(ohs_client *c, const char *ip);

/* The image name as the user wrote it: Podman records an unqualified local
 * image as "localhost/NAME" (a pointer into `image`). */
const char *ohs__engine_image_display(ohs_client *c, const char *image);

#endif
