/*
 * engine_err: what an engine's error answer means.
 *
 * Pure (no I/O): an HTTP status and the body the engine answered become
 * the public OHS_E* code and message, and a typed kind (ohs__eng_err) that
 * the callers switch on instead of searching the message.  The transport
 * calls ohs__engine_answer_error() for every status >= 400; Podman's
 * answers are mapped to Docker's code, status and wording first, so one
 * behaviour is seen whichever engine answers.
 */
#include "internal.h"
#include "engine_int.h"

#include <stdlib.h>
#include <string.h>

/* Bytes of a non-JSON error body kept in the message. */
#define OHS_BODY_SNIPPET 200

/*
 * Podman's Docker-compatible API answers errors as {"cause", "message",
 * "response"}.  Some conditions Docker reports as 409 come as 500 there, and
 * some messages are worded differently: map both to Docker's (code, HTTP
 * status and wording).
 */
static const struct {
	const char *cause;
	int code;
	long status;
	ohs__eng_err kind;
} podman_causes[] = {
	{ "that name is already in use", OHS_ECONFLICT, 409, OHS__ENG_NAME_IN_USE }, /* create with a taken name */
	{ "network is being used", OHS_ECONFLICT, 409, OHS__ENG_IN_USE },       /* remove a network in use */
	{ "volume is being used", OHS_ECONFLICT, 409, OHS__ENG_IN_USE },
	{ "container state improper", OHS_ECONFLICT, 409, OHS__ENG_NOT_RUNNING }, /* exec in a stopped container */
	{ "invalid argument", OHS_EINVAL, 400, OHS__ENG_BAD_REQUEST },           /* e.g. a malformed name */
};

/* The part of S between PREFIX and SUFFIX, or NULL. */
static char *between(const char *s, const char *prefix, const char *suffix)
{
	size_t n = strlen(s), pl = strlen(prefix), sl = strlen(suffix);

	if (n < pl + sl || strncmp(s, prefix, pl) || strcmp(s + n - sl, suffix))
		return NULL;
	return ohs__strndup(s + pl, n - pl - sl);
}

/* Docker's wording of a Podman not-found message, or NULL to keep it. */
static char *podman_message(const char *msg)
{
	static const struct {
		const char *prefix, *suffix, *docker_prefix, *docker_suffix;
	} m[] = {
		{ "no container with name or ID \"", "\" found: no such container", "No such container: ", "" },
		{ "no exec session with ID ", " found: no such exec session", "No such exec instance: ", "" },
		{ "unable to find network with name or ID ", ": network not found", "network ", " not found" },
		{ "volume with name ", " not found: no such volume", "get ", ": no such volume" },
		/* exec in a stopped container; Docker: "Container ID is not running" */
		{ "can only create exec sessions on running containers", ": container state improper",
		  "the container is not running (can only create exec sessions on running containers)", "" },
	};
	size_t i;

	for (i = 0; i < OHS_ARRAY_SIZE(m); i++) {
		char *id = between(msg, m[i].prefix, m[i].suffix), *out;

		if (!id)
			continue;
		out = ohs__sprintf("%s%s%s", m[i].docker_prefix, id, m[i].docker_suffix);
		free(id);
		return out;
	}
	return NULL;
}

ohs__eng_err ohs__engine_err_last(void)
{
	return (ohs__eng_err)ohs__error_last_kind();
}

const char *ohs__engine_err_name(ohs__eng_err kind)
{
	switch (kind) {
	case OHS__ENG_OTHER: return "other";
	case OHS__ENG_NOT_FOUND: return "not found";
	case OHS__ENG_EXEC_NOT_FOUND: return "exec not found";
	case OHS__ENG_CONFLICT: return "conflict";
	case OHS__ENG_NAME_IN_USE: return "name in use";
	case OHS__ENG_IN_USE: return "in use";
	case OHS__ENG_NOT_RUNNING: return "not running";
	case OHS__ENG_OCI: return "OCI runtime";
	case OHS__ENG_BAD_REQUEST: return "bad request";
	case OHS__ENG_DENIED: return "denied";
	case OHS__ENG_SERVER: return "server error";
	}
	return "unknown";
}

ohs__eng_err ohs__engine_classify(long status, const char *message, const char *podman_cause)
{
	const char *m = message ? message : "";
	size_t i;

	if (status < 400)
		return OHS__ENG_OTHER;
	if (podman_cause)
		for (i = 0; i < OHS_ARRAY_SIZE(podman_causes); i++)
			if (strcmp(podman_cause, podman_causes[i].cause) == 0)
				return podman_causes[i].kind;
	if (status == 404)
		return strncmp(m, "No such exec instance", 21) == 0 ||
			(podman_cause && strcmp(podman_cause, "no such exec session") == 0) ?
			OHS__ENG_EXEC_NOT_FOUND : OHS__ENG_NOT_FOUND;
	/* Docker: "Container ID is not running" (409; 500 right after a stop on
	 * 20.10), "Container ID is paused, unpause the container before exec" */
	if (strstr(m, "is not running") || strstr(m, "is paused"))
		return OHS__ENG_NOT_RUNNING;
	/* a start (400/500) whose command the runtime cannot run:
	 * "failed to create shim task: OCI runtime create failed: ... exec: ..." */
	if ((status == 400 || status >= 500) && (strstr(m, "OCI runtime") || strstr(m, "exec:")))
		return OHS__ENG_OCI;
	if (status == 409) {
		if (strstr(m, "is already in use"))
			return OHS__ENG_NAME_IN_USE;
		if (strstr(m, "has active endpoints") || strstr(m, "volume is in use"))
			return OHS__ENG_IN_USE;
		return OHS__ENG_CONFLICT;
	}
	if (status == 400)
		return OHS__ENG_BAD_REQUEST;
	if (status == 401 || status == 403)
		return OHS__ENG_DENIED;
	if (status >= 500)
		return OHS__ENG_SERVER;
	return OHS__ENG_OTHER;
}

int ohs__engine_answer_error(long status, const char *body, size_t len, const char *what)
{
	int code;
	json_t *j = NULL, *m;
	const char *cause = NULL;
	char *msg = NULL;
	ohs__eng_err kind;
	int rc;

	if (status < 400)
		return 0;
	if (status == 400)
		code = OHS_EINVAL;
	else if (status == 401 || status == 403)
		code = OHS_EPERM;
	else if (status == 404)
		code = OHS_ENOTFOUND;
	else if (status == 409)
		code = OHS_ECONFLICT;
	else if (status >= 500)
		code = OHS_EENGINE;
	else
		code = OHS_ERROR;
	if (body && len)
		j = json_loadb(body, len, 0, NULL);
	m = j ? json_object_get(j, "message") : NULL;
	if (json_is_string(m) && json_is_string(json_object_get(j, "cause"))) {
		/* Podman */
		size_t i;

		cause = json_string_value(json_object_get(j, "cause"));
		if (status >= 500)
			for (i = 0; i < OHS_ARRAY_SIZE(podman_causes); i++)
				if (strcmp(cause, podman_causes[i].cause) == 0) {
					code = podman_causes[i].code;
					status = podman_causes[i].status;
				}
		if (!(msg = podman_message(json_string_value(m))))
			msg = ohs__strdup(json_string_value(m));
	} else if (json_is_string(m))
		msg = ohs__strdup(json_string_value(m));
	else if (body && len)
		msg = ohs__strndup(body, len > OHS_BODY_SNIPPET ? OHS_BODY_SNIPPET : len);
	if (msg) {
		size_t n = strlen(msg);

		while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || msg[n - 1] == ' '))
			msg[--n] = '\0';
	}
	kind = ohs__engine_classify(status, msg, cause);
	if (msg && *msg)
		rc = ohs__error_set_http(code, (int)status, "%s: %s", what ? what : "request", msg);
	else
		rc = ohs__error_set_http(code, (int)status, "%s: the engine answered HTTP %ld",
			what ? what : "request", status);
	ohs__error_set_kind(kind);
	json_decref(j);
	free(msg);
	return rc;
}

/* ------------------------------------------------------------ pull progress */

ohs__eng_err ohs__engine_pull_text_kind(const char *text)
{
	if (text && (strstr(text, "not found") || strstr(text, "manifest unknown") ||
			strstr(text, "does not exist")))
		return OHS__ENG_NOT_FOUND;
	return OHS__ENG_SERVER;
}

/* ------------------------------------------------------------ exec output */

#define OHS_OCI_PREFIX "OCI runtime exec failed"

ohs__eng_err ohs__engine_exec_text_kind(const char *text)
{
	if (text && (strstr(text, "OCI runtime") || strstr(text, "exec failed")))
		return OHS__ENG_OCI;
	return OHS__ENG_OTHER;
}

int ohs__engine_exec_text_starts_oci(const char *data, size_t len)
{
	return data && len >= sizeof(OHS_OCI_PREFIX) - 1 &&
		memcmp(data, OHS_OCI_PREFIX, sizeof(OHS_OCI_PREFIX) - 1) == 0;
}

int ohs__engine_oci_exit_code(const char *text)
{
	if (text && (strstr(text, "executable file not found") || strstr(text, "no such file or directory")))
		return 127;
	return 126;
}
