/*
 * fuzz_engine: whole library operations against a scripted engine.
 *
 * run.sh links this target WITHOUT the transport's objects (the line below
 * tells it so):
 * OHS-FUZZ-WITHOUT: client.o endpoint.o conn.o
 * The transport functions of libohsandbox/client_int.h are replaced here by
 * stubs that answer each request with the next response taken from the
 * input, so that the JSON
 * parsing of session/exec/reap/shell code runs exactly as with a real
 * engine, but without any socket.  nanosleep() is replaced too (exec's
 * inspect polling would otherwise sleep).
 *
 * Input: byte 0 selects the operation, byte 1 is a parameter (stream chunk
 * size, flags), the rest is a list of responses separated by NUL bytes;
 * each response is one status byte (index into `statuses`) and the body.
 * When the responses run out every further request fails like an engine
 * that went away (OHS_EENGINE).
 *
 * Operations: ohs_session_list, ohs_reap, ohs_session_open + ports + logs +
 * exec + remove, ohs_session_create (with the image pull and its progress
 * stream, which the callback cancels when byte 1 has 0x40) + start + free,
 * ohs_shell_open + run.
 */
#include "fuzz_common.h"
#include "internal.h"
#include "client_int.h"

#include <errno.h>
#include <time.h>

/* ---------------------------------------------------------------- scripted transport */

#define MAX_RESPONSES 24

static const long statuses[] = { 200, 201, 204, 304, 101, 400, 404, 409, 500, 200, 200, 200 };

static struct {
	const uint8_t *p, *end;
	int used;
	size_t chunk;
} script;

struct ohs_client { int dummy; };
static struct ohs_client the_client;

/* Next scripted response: 1 with status/body/len, 0 when none is left. */
static int next_response(long *status, const char **body, size_t *len)
{
	const uint8_t *nul;

	if (script.p >= script.end || script.used >= MAX_RESPONSES)
		return 0;
	script.used++;
	nul = memchr(script.p, 0, (size_t)(script.end - script.p));
	if (!nul)
		nul = script.end;
	if (nul == script.p) { /* no status byte: 200 with an empty body */
		*status = 200;
		*body = (const char *)script.p;
		*len = 0;
	} else {
		*status = statuses[script.p[0] % (sizeof(statuses) / sizeof(statuses[0]))];
		*body = (const char *)script.p + 1;
		*len = (size_t)(nul - script.p) - 1;
	}
	script.p = nul < script.end ? nul + 1 : script.end;
	return 1;
}

/* FUZZ_ENGINE_TRACE=1: print each request and its scripted status. */
static void trace(const char *method, const char *path, long status)
{
	static int on = -1;

	if (on < 0)
		on = getenv("FUZZ_ENGINE_TRACE") != NULL;
	if (on)
		fprintf(stderr, "fuzz engine: %s %s -> %ld\n", method, path, status);
}

static int engine_gone(const char *what)
{
	return ohs__error_set(OHS_EENGINE, "%s: fuzz engine: no more responses", what ? what : "request");
}

static int map_status(long status, const char *body, size_t len, const char *what)
{
	(void)body;
	(void)len;
	if (status < 400)
		return 0;
	return ohs__error_set_http(status == 404 ? OHS_ENOTFOUND : status == 409 ? OHS_ECONFLICT :
		status == 400 ? OHS_EINVAL : OHS_EENGINE, (int)status, "%s: fuzz engine answered %ld",
		what ? what : "request", status);
}

void ohs__response_clear(ohs__response *r)
{
	if (!r)
		return;
	free(r->body);
	memset(r, 0, sizeof(*r));
}

char *ohs__client_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, n = 0;
	char *out;

	if (!s)
		return NULL;
	if (!(out = malloc(strlen(s) * 3 + 1)))
		return NULL;
	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			out[n++] = (char)c;
		} else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	out[n] = '\0';
	return out;
}

char *ohs__client_path(const char *prefix, const char *arg, const char *suffix)
{
	char *e = ohs__client_escape(arg), *path;

	path = e ? ohs__sprintf("%s%s%s", prefix, e, suffix ? suffix : "") : NULL;
	free(e);
	if (!path)
		ohs__error_oom();
	return path;
}

int ohs__client_request(ohs_client *c, const char *method, const char *path,
	const char *content_type, const char *body, size_t body_len,
	ohs__response *resp, const char *what)
{
	long status;
	const char *rbody;
	size_t rlen;

	(void)content_type;
	if (resp)
		memset(resp, 0, sizeof(*resp));
	if (c != &the_client)
		fuzz_fail("request with a foreign client pointer %p", (void *)c);
	if (!method || !path)
		fuzz_fail("request without a method or path");
	if (body_len && !body)
		fuzz_fail("request body length %zu without a body", body_len);
	if (!next_response(&status, &rbody, &rlen)) {
		trace(method, path, 0);
		return engine_gone(what);
	}
	trace(method, path, status);
	if (resp) {
		resp->status = status;
		resp->len = rlen;
		/* Like the real transport: NUL-terminated, len is exact. */
		if (!(resp->body = malloc(rlen + 1)))
			return ohs__error_oom();
		memcpy(resp->body, rbody, rlen);
		resp->body[rlen] = '\0';
	}
	return map_status(status, rbody, rlen, what);
}

int ohs__client_json(ohs_client *c, const char *method, const char *path,
	json_t *body, json_t **out, const char *what)
{
	ohs__response r;
	char *dump = NULL;
	int rc;

	if (out)
		*out = NULL;
	if (body && !(dump = json_dumps(body, JSON_COMPACT)))
		return ohs__error_set(OHS_EINVAL, "%s: body cannot be encoded", what ? what : path);
	rc = ohs__client_request(c, method, path, body ? "application/json" : NULL,
		dump, dump ? strlen(dump) : 0, &r, what);
	free(dump);
	if (rc < 0) {
		ohs__response_clear(&r);
		return rc;
	}
	if (out && r.len > 0 && r.status != 204 && r.status != 304) {
		json_t *j = json_loadb(r.body, r.len, 0, NULL);

		if (!j) {
			ohs__response_clear(&r);
			return ohs__error_set_http(OHS_EPROTOCOL, (int)r.status,
				"%s: the engine's answer is not valid JSON", what ? what : path);
		}
		*out = j;
	}
	ohs__response_clear(&r);
	return 0;
}

int ohs__client_stream(ohs_client *c, const char *method, const char *path,
	const char *content_type, const char *body, size_t body_len,
	ohs__data_cb on_data, void *payload, long timeout_ms, const char *what)
{
	long status;
	const char *rbody;
	size_t rlen, off = 0;
	int rc;

	(void)content_type;
	(void)timeout_ms;
	if (c != &the_client || !method || !path || (body_len && !body))
		fuzz_fail("bad stream request");
	if (!next_response(&status, &rbody, &rlen)) {
		trace(method, path, 0);
		return engine_gone(what);
	}
	trace(method, path, status);
	if ((rc = map_status(status, rbody, rlen, what)) < 0)
		return rc;
	while (off < rlen) {
		size_t n = script.chunk < rlen - off ? script.chunk : rlen - off;
		char *piece = malloc(n);

		if (!piece)
			abort();
		memcpy(piece, rbody + off, n);
		rc = on_data ? on_data(piece, n, payload) : 0;
		free(piece);
		off += n;
		if (rc != 0)
			return rc < 0 ? rc : ohs__error_set(OHS_ERROR, "%s: aborted by the callback",
				what ? what : path);
	}
	return 0;
}

int ohs__client_upload(ohs_client *c, const char *method, const char *path,
	const char *content_type, ohs__read_cb read_cb, void *payload, const char *what)
{
	char buf[4096];
	long n, total = 0;
	long status;
	const char *rbody;
	size_t rlen;

	(void)content_type;
	if (c != &the_client || !method || !path || !read_cb)
		fuzz_fail("bad upload request");
	while ((n = read_cb(buf, sizeof(buf), payload)) > 0 && total < (1L << 24))
		total += n;
	if (n < 0)
		return (int)n;
	if (!next_response(&status, &rbody, &rlen)) {
		trace(method, path, 0);
		return engine_gone(what);
	}
	trace(method, path, status);
	return map_status(status, rbody, rlen, what);
}

struct ohs__conn {
	char *data;
	size_t len, off;
};

int ohs__client_hijack(ohs_client *c, const char *method, const char *path,
	const char *body, ohs__conn **out, const char *what)
{
	long status;
	const char *rbody;
	size_t rlen;
	ohs__conn *conn;
	int rc;

	(void)body;
	if (out)
		*out = NULL;
	if (c != &the_client || !method || !path || !out)
		fuzz_fail("bad hijack request");
	if (!next_response(&status, &rbody, &rlen)) {
		trace(method, path, 0);
		return engine_gone(what);
	}
	trace(method, path, status);
	if ((rc = map_status(status, rbody, rlen, what)) < 0)
		return rc;
	if (!(conn = calloc(1, sizeof(*conn))) || !(conn->data = malloc(rlen ? rlen : 1)))
		abort();
	memcpy(conn->data, rbody, rlen);
	conn->len = rlen;
	*out = conn;
	return 0;
}

int ohs__conn_send(ohs__conn *conn, const void *buf, size_t len)
{
	if (!conn || (len && !buf))
		fuzz_fail("bad conn_send");
	return 0;
}

long ohs__conn_recv(ohs__conn *conn, void *buf, size_t len, long timeout_ms)
{
	size_t n;

	(void)timeout_ms;
	if (!conn || !buf || !len)
		fuzz_fail("bad conn_recv");
	n = conn->len - conn->off;
	if (n > script.chunk)
		n = script.chunk;
	if (n > len)
		n = len;
	memcpy(buf, conn->data + conn->off, n);
	conn->off += n;
	return (long)n; /* 0: end of stream */
}

int ohs__conn_close_write(ohs__conn *conn)
{
	return conn ? 0 : ohs__error_set(OHS_EINVAL, "conn is NULL");
}

void ohs__conn_free(ohs__conn *conn)
{
	if (conn) {
		free(conn->data);
		free(conn);
	}
}

/* The stand-in engine speaks Docker's dialect. */
/* The scripted engine is local (session create judges host paths with it). */
const char *ohs_client_host(const ohs_client *c)
{
	(void)c;
	return "unix:///var/run/docker.sock";
}

int ohs__client_is_podman(const ohs_client *c)
{
	(void)c;
	return 0;
}

long ohs__client_num_connects(ohs_client *c)
{
	(void)c;
	return 1;
}

/* No waiting in polling loops. */
int nanosleep(const struct timespec *req, struct timespec *rem)
{
	(void)req;
	if (rem)
		rem->tv_sec = rem->tv_nsec = 0;
	return 0;
}

/* ---------------------------------------------------------------- operations */

/*
 * A failed create must report its first error, not one raised by its
 * clean-up (this target found that bug: the code and message disagreed).
 */
static void check_create_error(int rc)
{
	fuzz_check_error(rc, "ohs_session_create");
}

static int on_output(int stream, const char *data, size_t len, void *payload)
{
	(void)payload;
	if (stream != 1 && stream != 2)
		fuzz_fail("output callback got stream %d", stream);
	if (len && !data)
		fuzz_fail("output callback got NULL data");
	return 0;
}

/* payload: NULL, or a call counter that cancels the pull at 1000 calls. */
static int on_progress(const char *status, const char *id, int64_t cur, int64_t total, void *payload)
{
	size_t *calls = payload;

	(void)cur;
	(void)total;
	if (!status || !id)
		fuzz_fail("progress callback got a NULL string");
	return calls && ++*calls >= 1000; /* exercises the cancel path */
}

static void check_list(void)
{
	char *json = NULL;
	json_t *j;
	int rc;

	ohs_error_clear();
	rc = ohs_session_list(&json, &the_client);
	fuzz_check_error(rc, "ohs_session_list");
	if (rc < 0) {
		if (json)
			fuzz_fail("ohs_session_list failed but set *json_out");
		return;
	}
	if (!(j = json_loads(json, 0, NULL)) || !json_is_array(j))
		fuzz_fail("ohs_session_list output is not a JSON array: %s", json);
	json_decref(j);
	ohs_free(json);
}

static void check_reap(uint8_t param)
{
	size_t removed = (size_t)-1;
	int rc;

	ohs_error_clear();
	rc = ohs_reap(&the_client, (param & 1) ? OHS_REAP_ALL : 0, &removed);
	fuzz_check_error(rc, "ohs_reap");
	if (removed == (size_t)-1)
		fuzz_fail("ohs_reap did not set *removed (rc %d)", rc);
}

static void check_session(ohs_session *s, uint8_t param)
{
	static const char *const argv[] = { "echo", "hi", NULL };
	ohs_exec_opts *o = NULL;
	ohs_exec_result *r = NULL;
	size_t i, n, len;
	int rc;

	if (!ohs_session_id(s) || !ohs_session_name(s))
		fuzz_fail("session without id or name");
	n = ohs_session_port_count(s);
	for (i = 0; i < n; i++) {
		if (!ohs_session_port_host_ip(s, i))
			fuzz_fail("port %zu: NULL host ip", i);
		(void)ohs_session_port_container(s, i);
		(void)ohs_session_port_host(s, i);
	}
	ohs_error_clear();
	rc = ohs_session_logs(s, 10, on_output, NULL);
	fuzz_check_error(rc, "ohs_session_logs");

	if (ohs_exec_opts_new(&o) < 0 || ohs_exec_opts_set_timeout(o, 1000) < 0 ||
	    ohs_exec_opts_set_output_cap(o, (size_t)(param % 64) + 1) < 0)
		fuzz_fail("exec opts: %s", ohs_error_last());
	ohs_error_clear();
	rc = ohs_session_exec(&r, s, argv, o);
	fuzz_check_error(rc, "ohs_session_exec");
	if (rc == 0) {
		const char *out = ohs_exec_result_stdout(r, &len);

		if (!out || strlen(out) != len)
			fuzz_fail("exec stdout is NULL or its length is wrong");
		if (!ohs_exec_result_stderr(r, &len))
			fuzz_fail("exec stderr is NULL");
		(void)ohs_exec_result_exit_code(r);
	} else if (r) {
		fuzz_fail("ohs_session_exec failed (%d) but set *out", rc);
	}
	ohs_exec_result_free(r);
	ohs_exec_opts_free(o);
}

static void check_open(uint8_t param)
{
	ohs_session *s = NULL;
	int rc;

	ohs_error_clear();
	rc = ohs_session_open(&s, &the_client, "0123456789ab");
	fuzz_check_error(rc, "ohs_session_open");
	if (rc < 0) {
		if (s)
			fuzz_fail("ohs_session_open failed but set *out");
		return;
	}
	check_session(s, param);
	ohs_error_clear();
	rc = ohs_session_remove(s);
	fuzz_check_error(rc, "ohs_session_remove");
	ohs_session_free(s);
}

/* param 0x40: the progress callback cancels a long pull. */
static void check_create(uint8_t param)
{
	ohs_config *cfg = NULL;
	ohs_session *s = NULL;
	size_t calls = 0;
	int rc;

	if (ohs_config_new(&cfg) < 0 || ohs_config_set_image(cfg, "ohs-test:latest") < 0)
		fuzz_fail("config: %s", ohs_error_last());
	if ((param & 2) && ohs_netpolicy_parse_port(ohs_config_netpolicy(cfg), "8000") < 0)
		fuzz_fail("port: %s", ohs_error_last());
	if ((param & 4) && ohs_netpolicy_add_network(ohs_config_netpolicy(cfg), "ohs-test-extra") < 0)
		fuzz_fail("network: %s", ohs_error_last());
	ohs_error_clear();
	rc = ohs_session_create(&s, &the_client, cfg, on_progress, (param & 0x40) ? &calls : NULL);
	check_create_error(rc);
	if (rc == 0) {
		ohs_error_clear();
		rc = ohs_session_start(s);
		fuzz_check_error(rc, "ohs_session_start");
		if (rc == 0)
			check_session(s, param);
		ohs_session_free(s);
	} else if (s) {
		fuzz_fail("ohs_session_create failed but set *out");
	}
	ohs_config_free(cfg);
}

static void check_shell(uint8_t param)
{
	ohs_session *s = NULL;
	ohs_shell *sh = NULL;
	ohs_exec_result *r = NULL;
	int rc;

	if (ohs_session_open(&s, &the_client, "0123456789ab") < 0)
		return;
	ohs_error_clear();
	rc = ohs_shell_open(&sh, s, NULL);
	fuzz_check_error(rc, "ohs_shell_open");
	if (rc == 0) {
		ohs_error_clear();
		rc = ohs_shell_run(&r, sh, "echo hi", 1000);
		fuzz_check_error(rc, "ohs_shell_run");
		ohs_exec_result_free(r);
		(void)ohs_shell_alive(sh);
		ohs_shell_free(sh);
	}
	(void)param;
	ohs_session_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	script.p = data + 2;
	script.end = data + size;
	script.used = 0;
	script.chunk = (size_t)(data[1] % 16) + 1;
	switch (data[0] % 5) {
	case 0: check_list(); break;
	case 1: check_reap(data[1]); break;
	case 2: check_open(data[1]); break;
	case 3: check_create(data[1]); break;
	case 4: check_shell(data[1]); break;
	}
	return 0;
}
