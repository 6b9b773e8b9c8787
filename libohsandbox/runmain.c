/*
 * runmain: the main process seen from a live session: the error a call
 * gets when it has exited (ohs__session_exited_error, used by exec.c and
 * shell.c) and the one-shot run (ohs_session_create_main,
 * ohs_session_run_main).  Split from mainproc.c, whose decisions session
 * creation uses, so that no circle runs session.c <-> mainproc.c.
 * See ohsandbox(7), "MAIN PROCESS".
 */
#include "internal.h"
#include "mainproc_int.h"
#include "session_int.h"
#include "exec_int.h"
#include "engine_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ exited */

static int collect(int stream, const char *data, size_t len, void *payload)
{
	(void)stream;
	return ohs__buf_append(payload, data, len) < 0 ? -1 : 0;
}

/* Append an argv array as a shell-like word list. */
static void words(ohs__buf *b, json_t *v)
{
	size_t i;
	json_t *w;

	if (json_is_string(v)) {
		ohs__buf_puts(b, json_string_value(v));
		return;
	}
	json_array_foreach(v, i, w) {
		if (b->len)
			ohs__buf_puts(b, " ");
		if (json_is_string(w))
			ohs__buf_puts(b, json_string_value(w));
	}
}

int ohs__session_exited_error(ohs_session *s, const char *fn)
{
	ohs_client *c = ohs__session_client(s);
	const char *cid = ohs_session_id(s);
	json_t *info = NULL, *state, *cfg;
	ohs__buf log = {0}, cmd = {0};
	const char *status;
	long long code;
	int rc, kept_alive;

	if (!c || !cid || !*cid)
		return 0;
	{
		/* the caller's error is the one to keep if this fails */
		ohs__error_state *st = ohs__error_save();

		rc = ohs__engine_container_inspect(c, cid, &info, "inspect container");
		state = json_object_get(info, "State");
		if (rc < 0 || !json_is_object(state) || json_is_true(json_object_get(state, "Running"))) {
			json_decref(info);
			ohs__error_restore(st);
			return 0;
		}
		ohs__error_restore(st);
	}
	status = json_string_value(json_object_get(state, "Status"));
	code = json_integer_value(json_object_get(state, "ExitCode"));
	cfg = json_object_get(info, "Config");
	words(&cmd, json_object_get(cfg, "Entrypoint"));
	words(&cmd, json_object_get(cfg, "Cmd"));
	kept_alive = cmd.len && strstr(cmd.data, OHS_KEEPALIVE_NAME) != NULL;
	{
		ohs__error_state *st = ohs__error_save();

		(void)ohs_session_logs(s, 10, collect, &log);
		ohs__error_restore(st);
	}
	while (log.len && log.data[log.len - 1] == '\n')
		log.data[--log.len] = '\0';
	ohs__error_set(OHS_ESTATE, "%s: sandbox \"%s\" is not running: its main process exited "
		"(%s, exit code %lld); command: %s; last log lines: %s; %s",
		fn, ohs_session_name(s), status ? status : "unknown", code,
		cmd.len ? cmd.data : "(none)", log.len ? log.data : "(none)",
		code > 128 && code < 160 ? "it was stopped or killed (a signal ended it): start it "
			"again (ohs_session_start) or create a new sandbox"
		: kept_alive ? "the keep-alive itself exited: the image's ENTRYPOINT may not hand "
			"over to its arguments (exec \"$@\"); try SANDBOX_OVERRIDE_COMMAND=false "
			"with a long-running command"
			: "to keep it alive for commands, set SANDBOX_OVERRIDE_COMMAND=true "
			"(ohs_config_set_override_command)");
	ohs__buf_clear(&log);
	ohs__buf_clear(&cmd);
	json_decref(info);
	return OHS_ESTATE;
}

/* ------------------------------------------------------------ one-shot run */

int ohs_session_create_main(ohs_session **out, ohs_client *client,
	const ohs_config *cfg, const char *const *argv, ohs_progress_cb progress, void *payload)
{
	if (out)
		*out = NULL;
	if (!argv || !argv[0] || !argv[0][0])
		return ohs__error_set(OHS_EINVAL, "ohs_session_create_main: argv %s (expected the "
			"command to run as the main process)", !argv ? "is NULL" :
			!argv[0] ? "is empty" : "starts with an empty word");
	return ohs__session_create_cmd(out, client, cfg, argv, progress, payload);
}

typedef struct {
	ohs__capbuf out, err;
	ohs_output_cb cb;
	void *payload;
	int cb_rc;
	int oom;
} main_run;

static int main_frame(int stream, const char *data, size_t len, void *payload)
{
	main_run *r = payload;
	ohs__capbuf *b = stream == 2 ? &r->err : &r->out;

	if (stream != 1 && stream != 2)
		return 0;
	if (ohs__capbuf_add(b, data, len) < 0) {
		r->oom = 1;
		return 1;
	}
	if (r->cb && (r->cb_rc = r->cb(stream, data, len, r->payload)) != 0)
		return 1;
	return 0;
}

static void kill_container(ohs_client *c, const char *cid)
{
	ohs__error_state *st = ohs__error_save();

	(void)ohs__engine_container_kill(c, cid, "kill container");
	ohs__error_restore(st);
}

int ohs_session_run_main(ohs_exec_result **out, ohs_session *s, const ohs_exec_opts *opts)
{
	static const char fn[] = "ohs_session_run_main";
	ohs_client *c;
	const char *cid;
	ohs__conn *conn = NULL;
	ohs__demux dm;
	main_run run;
	char buf[16384];
	json_t *waited = NULL;
	long deadline = 0;
	int rc, timed_out = 0, code = -1;
	size_t cap;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "%s: out is NULL", fn);
	*out = NULL;
	if (!s)
		return ohs__error_set(OHS_EINVAL, "%s: s is NULL", fn);
	if (!(c = ohs__session_client(s)) || !(cid = ohs_session_id(s)) || !*cid)
		return ohs__error_set(OHS_ESTATE, "%s: the session has no container (create it first)", fn);
	if (opts && (opts->tty || opts->env.n || opts->user || opts->workdir))
		return ohs__error_set(OHS_EINVAL, "%s: the main process takes no %s from exec options "
			"(set it on the config)", fn, opts->tty ? "terminal" : opts->env.n ? "environment" :
			opts->user ? "user" : "working directory");

	memset(&run, 0, sizeof(run));
	cap = opts && opts->cap ? opts->cap : OHS_EXEC_DEFAULT_CAP;
	run.out.limit = run.err.limit = cap;
	run.cb = opts ? opts->cb : NULL;
	run.payload = opts ? opts->payload : NULL;
	ohs__demux_init(&dm, main_frame, &run);

	/* attach before start, so that no output is lost */
	if ((rc = ohs__engine_container_attach(c, cid, &conn, "attach to the main process")) < 0) {
		ohs__error_prefix(fn);
		goto done;
	}
	if ((rc = ohs_session_start(s)) < 0) {
		/* a command the runtime cannot start: the shell's 127/126, as
		 * for an exec (the engine answers 400 with the OCI text) */
		const char *m = ohs_error_last();

		if (rc == OHS_EINVAL || rc == OHS_EENGINE) {
			if (m && ohs__engine_err_last() == OHS__ENG_OCI) {
				char *e = ohs__sprintf("%s\n", m);

				if (!e) {
					rc = ohs__error_oom();
					goto done;
				}
				if (run.cb)
					run.cb(2, e, strlen(e), run.payload);
				rc = ohs__exec_result_new(out, ohs__engine_oci_exit_code(m), NULL, 0, e,
					strlen(e), 0, 0);
			}
		}
		goto done;
	}
	if (opts && opts->timeout_ms > 0)
		deadline = ohs__now_ms() + opts->timeout_ms;

	for (;;) {
		long tmo = -1, n;

		if (deadline) {
			tmo = deadline - ohs__now_ms();
			if (tmo < 1)
				tmo = 1;
		}
		n = ohs__conn_recv(conn, buf, sizeof(buf), tmo);
		if (n == 0)
			break;
		if (n == OHS_ETIMEOUT && deadline && ohs__now_ms() >= deadline) {
			timed_out = 1;
			kill_container(c, cid);
			break;
		}
		if (n < 0) {
			rc = (int)n;
			ohs__error_prefix(fn);
			kill_container(c, cid);
			goto done;
		}
		if (ohs__demux_feed(&dm, buf, (size_t)n) != 0) {
			kill_container(c, cid);
			if (run.oom) {
				rc = ohs__error_oom();
			} else {
				rc = run.cb_rc < 0 ? run.cb_rc : OHS_ERROR;
				ohs__error_set(rc, "%s: the output callback returned %d; the sandbox's "
					"main process was killed", fn, run.cb_rc);
			}
			goto done;
		}
	}
	ohs__conn_free(conn);
	conn = NULL;

	/* the stream ended: the main process exited (or was killed) */
	if ((rc = ohs__engine_container_wait(c, cid, &waited, "wait for the main process")) < 0) {
		ohs__error_prefix(fn);
		goto done;
	}
	if (!json_is_integer(json_object_get(waited, "StatusCode"))) {
		rc = ohs__error_set(OHS_EPROTOCOL, "%s: the engine's answer to wait has no \"StatusCode\"", fn);
		goto done;
	}
	code = (int)json_integer_value(json_object_get(waited, "StatusCode"));
	if (timed_out)
		code = 137;
	{
		size_t ol = run.out.len, el = run.err.len;
		int trunc = run.out.truncated || run.err.truncated;
		char *o = ohs__capbuf_detach(&run.out), *e = ohs__capbuf_detach(&run.err);

		rc = ohs__exec_result_new(out, code, o, ol, e, el, trunc, timed_out);
	}
done:
	ohs__conn_free(conn);
	ohs__capbuf_reset(&run.out);
	ohs__capbuf_reset(&run.err);
	json_decref(waited);
	return rc;
}
