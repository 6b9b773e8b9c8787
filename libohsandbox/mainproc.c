/*
 * mainproc: the sandbox's main process.  Images such as ubuntu, python or
 * node have a shell or an interpreter as their command; without a terminal
 * it exits at once and the sandbox is gone before the first exec.  The
 * library replaces such a command by a keep-alive (SANDBOX_OVERRIDE_COMMAND,
 * ohs_config_set_override_command(3)), and a call that finds the container
 * exited anyway says so plainly.  See ohsandbox(7), "MAIN PROCESS".
 */
#include "internal.h"
#include "mainproc_int.h"
#include "session_int.h"
#include "exec_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Programs that, started without arguments and without a terminal, read
 * their input until EOF and exit: shells and interpreters.  A name matches
 * exactly, or as a prefix followed by a version ("python3.12", "pypy3").
 */
static const char *const interactive_exact[] = {
	"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "fish", "csh", "tcsh", "busybox",
	"node", "nodejs", "deno", "bun", "irb", "ruby", "perl", "php", "lua", "luajit", "R",
	"julia", "ghci", "iex", "erl", "jshell", "bc", "cat",
};
static const char *const interactive_prefix[] = { "python", "pypy", "perl5", "lua5", "ruby" };

static const char *base_name(const char *w)
{
	const char *s = strrchr(w, '/');

	return s ? s + 1 : w;
}

static int is_interactive(const char *word)
{
	const char *b;
	size_t i;

	if (!word)
		return 0;
	b = base_name(word);
	for (i = 0; i < OHS_ARRAY_SIZE(interactive_exact); i++)
		if (strcmp(b, interactive_exact[i]) == 0)
			return 1;
	for (i = 0; i < OHS_ARRAY_SIZE(interactive_prefix); i++) {
		size_t n = strlen(interactive_prefix[i]);

		if (strncmp(b, interactive_prefix[i], n) == 0 &&
		    strspn(b + n, "0123456789.") == strlen(b + n))
			return 1;
	}
	return 0;
}

static int has_command(json_t *v)
{
	return json_is_array(v) ? json_array_size(v) > 0 : (json_is_string(v) && *json_string_value(v));
}

/* Last word of an argv array (or the string itself), NULL when empty. */
static const char *last_word(json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_array(v) && json_array_size(v) > 0)
		return json_string_value(json_array_get(v, json_array_size(v) - 1));
	return NULL;
}

static const char *first_word(json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_array(v) && json_array_size(v) > 0)
		return json_string_value(json_array_get(v, 0));
	return NULL;
}

/*
 * The image asks for readiness: a HEALTHCHECK whose test is not NONE (the
 * engine then probes the image's own command, a server).  A config that
 * disables it (Healthcheck.Test ["NONE"] in the body) does not ask.
 */
static int asks_readiness(json_t *body, json_t *icfg)
{
	json_t *hc = json_object_get(body, "Healthcheck");
	json_t *t;

	if (!json_is_object(hc))
		hc = json_object_get(icfg, "Healthcheck");
	t = json_object_get(hc, "Test");
	if (!json_is_array(t) || json_array_size(t) == 0)
		return 0;
	return !json_is_string(json_array_get(t, 0)) ||
		strcmp(json_string_value(json_array_get(t, 0)), "NONE") != 0;
}

static json_t *keepalive_argv(void)
{
	return json_pack("[s,s,s,s]", "/bin/sh", "-c", OHS_KEEPALIVE_SCRIPT, OHS_KEEPALIVE_NAME);
}

int ohs__mainproc_apply(json_t *body, json_t *image_info, const char *const *cmd,
	ohs_override_command mode, int *overridden)
{
	json_t *icfg = json_object_get(image_info, "Config");
	json_t *ep, *cm;
	int override;
	size_t i;

	*overridden = 0;
	if (cmd && cmd[0]) {
		/* a command the caller asked for is never replaced */
		mode = OHS_OVERRIDE_FALSE;
		json_t *a = json_array();

		for (i = 0; a && cmd[i]; i++)
			if (json_array_append_new(a, json_string(cmd[i])) < 0) {
				json_decref(a);
				a = NULL;
			}
		if (!a || json_object_set_new(body, "Cmd", a) < 0)
			return ohs__error_oom();
	}

	/* The effective command, as the engine merges it: the body's
	 * Entrypoint replaces the image's and then drops the image's Cmd. */
	ep = json_object_get(body, "Entrypoint");
	if (has_command(ep)) {
		cm = json_object_get(body, "Cmd");
	} else {
		ep = json_object_get(icfg, "Entrypoint");
		cm = json_object_get(body, "Cmd");
		if (!has_command(cm))
			cm = json_object_get(icfg, "Cmd");
	}

	switch (mode) {
	case OHS_OVERRIDE_FALSE:
		override = 0;
		break;
	case OHS_OVERRIDE_TRUE:
		override = 1;
		break;
	default:
		/* A command the caller named is kept, and so is one the image
		 * probes for readiness; otherwise replace what would exit at
		 * once: nothing, or a shell/interpreter last. */
		if (has_command(json_object_get(body, "Cmd")) ||
		    has_command(json_object_get(body, "Entrypoint")) ||
		    asks_readiness(body, icfg))
			override = 0;
		else if (has_command(cm))
			override = is_interactive(last_word(cm));
		else if (has_command(ep))
			override = is_interactive(last_word(ep));
		else
			override = 1;
		break;
	}
	if (!override)
		return 0;

	/* An ENTRYPOINT that is a program of its own (a set-up script that
	 * ends with exec "$@", tini) still runs and hands over to the
	 * keep-alive; one that is itself a shell or interpreter is replaced. */
	if (has_command(ep) && !is_interactive(first_word(ep))) {
		json_t *a = keepalive_argv();

		if (!a || json_object_set_new(body, "Cmd", a) < 0)
			return ohs__error_oom();
		if (!has_command(json_object_get(body, "Entrypoint")))
			json_object_del(body, "Entrypoint");
	} else {
		json_t *a = keepalive_argv(), *empty = json_array();

		if (!a || !empty || json_object_set_new(body, "Entrypoint", a) < 0 ||
		    json_object_set_new(body, "Cmd", empty) < 0) {
			if (!a)
				json_decref(empty);
			return ohs__error_oom();
		}
	}
	*overridden = 1;
	return 0;
}

int ohs__mainproc_check_shell(ohs_client *c, const char *cid, const char *image)
{
	char *path = ohs__client_path("/containers/", cid, "/archive?path=%2Fbin%2Fsh");
	ohs__response r = {0};
	int rc;

	if (!path)
		return OHS_ENOMEM;
	rc = ohs__client_request(c, "HEAD", path, NULL, NULL, 0, &r, "stat /bin/sh");
	free(path);
	ohs__response_clear(&r);
	if (rc == OHS_ENOTFOUND)
		return ohs__error_set(OHS_EINVAL, "image \"%s\" has no /bin/sh, which the keep-alive "
			"(SANDBOX_OVERRIDE_COMMAND) needs: use SANDBOX_OVERRIDE_COMMAND=false "
			"(ohs_config_set_override_command) with an image whose own command runs "
			"for as long as the sandbox", image);
	return rc < 0 ? rc : 0;
}

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
	char *path;
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

		if (!(path = ohs__client_path("/containers/", cid, "/json"))) {
			ohs__error_restore(st);
			return 0;
		}
		rc = ohs__client_json(c, "GET", path, NULL, &info, "inspect container");
		free(path);
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
	char *path = ohs__client_path("/containers/", cid, "/kill");
	ohs__error_state *st = ohs__error_save();

	if (path)
		ohs__client_request(c, "POST", path, NULL, NULL, 0, NULL, "kill container");
	free(path);
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
	char *path = NULL, buf[16384];
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
	if (!(path = ohs__client_path("/containers/", cid, "/attach?stream=1&stdout=1&stderr=1"))) {
		rc = ohs__error_oom();
		goto done;
	}
	if ((rc = ohs__client_hijack(c, "POST", path, NULL, &conn, "attach to the main process")) < 0) {
		ohs__error_prefix(fn);
		goto done;
	}
	if ((rc = ohs_session_start(s)) < 0) {
		/* a command the runtime cannot start: the shell's 127/126, as
		 * for an exec (the engine answers 400 with the OCI text) */
		const char *m = ohs_error_last();

		if (rc == OHS_EINVAL || rc == OHS_EENGINE) {
			if (m && (strstr(m, "OCI runtime") || strstr(m, "exec:"))) {
				char *e = ohs__sprintf("%s\n", m);

				if (!e) {
					rc = ohs__error_oom();
					goto done;
				}
				if (run.cb)
					run.cb(2, e, strlen(e), run.payload);
				rc = ohs__exec_result_new(out, ohs__oci_exit_code(m), NULL, 0, e,
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
	free(path);
	if (!(path = ohs__client_path("/containers/", cid, "/wait"))) {
		rc = ohs__error_oom();
		goto done;
	}
	if ((rc = ohs__client_json(c, "POST", path, NULL, &waited, "wait for the main process")) < 0) {
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
	free(path);
	return rc;
}
