/*
 * exec: run a command in a session's container and collect its output.
 *
 * An exec without stdin needs no hijack: POST /containers/{id}/exec, then
 * POST /exec/{id}/start {"Detach":false,"Tty":false} answers with the
 * 8-byte-framed stream as its body; GET /exec/{id}/json gives the exit code.
 *
 * Timeouts: every exec carries a unique OHS_EXEC_ID=<hex> in its
 * environment, inherited by its children.  When the deadline passes the
 * stream is dropped and a second exec (as the same user, so it may read the
 * processes' /proc/PID/environ and signal them without extra capabilities)
 * SIGKILLs every process carrying that variable.  The session stays usable.
 *
 * Also the OOM count (ohs_session_oom_kills), which reads the memory
 * cgroup's counter through an exec.  The engine's verbs are engine.c's.
 */
#include "internal.h"
#include "session_int.h"
#include "exec_int.h"
#include "mainproc_int.h"
#include "engine_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define OHS_EXEC_ERRTEXT_MAX ((size_t)64 * 1024)
#define OHS_EXEC_ID_VAR "OHS_EXEC_ID"

/* struct ohs_exec_opts and struct ohs_exec_result: exec_int.h (shared with shell.c) */

/* ------------------------------------------------------------ options */

int ohs_exec_opts_new(ohs_exec_opts **out)
{
	ohs_exec_opts *o;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_exec_opts_new: out is NULL");
	*out = NULL;
	if (!(o = calloc(1, sizeof(*o))))
		return ohs__error_oom();
	*out = o;
	return 0;
}

void ohs_exec_opts_free(ohs_exec_opts *o)
{
	if (!o)
		return;
	ohs__strvec_clear(&o->env);
	free(o->workdir);
	free(o->user);
	free(o);
}

int ohs_exec_opts_set_env(ohs_exec_opts *o, const char *name, const char *value)
{
	size_t i, nlen;
	char *kv;

	if (!o)
		return ohs__error_set(OHS_EINVAL, "ohs_exec_opts_set_env: o is NULL");
	if (!name)
		return ohs__error_set(OHS_EINVAL, "ohs_exec_opts_set_env: name is NULL");
	if (!value)
		return ohs__error_set(OHS_EINVAL, "ohs_exec_opts_set_env: value of \"%s\" is NULL", name);
	if (!ohs__env_name_ok(name))
		return ohs__error_set(OHS_EINVAL,
			"ohs_exec_opts_set_env: name \"%s\" is not a valid variable name "
			"(expected letters, digits and '_', not starting with a digit)", name);
	if (strcmp(name, OHS_EXEC_ID_VAR) == 0)
		return ohs__error_set(OHS_EINVAL,
			"ohs_exec_opts_set_env: name \"%s\" is reserved by the library", name);
	if (!(kv = ohs__sprintf("%s=%s", name, value)))
		return ohs__error_oom();
	nlen = strlen(name);
	for (i = 0; i < o->env.n; i++) {
		if (strncmp(o->env.v[i], name, nlen) == 0 && o->env.v[i][nlen] == '=') {
			free(o->env.v[i]);
			o->env.v[i] = kv;
			return 0;
		}
	}
	return ohs__strvec_push_owned(&o->env, kv);
}

int ohs_exec_opts_set_workdir(ohs_exec_opts *o, const char *path)
{
	char *d;

	if (!o)
		return ohs__error_set(OHS_EINVAL, "ohs_exec_opts_set_workdir: o is NULL");
	if (!path)
		return ohs__error_set(OHS_EINVAL, "ohs_exec_opts_set_workdir: path is NULL");
	if (path[0] != '/')
		return ohs__error_set(OHS_EINVAL,
			"ohs_exec_opts_set_workdir: path \"%s\" must be absolute (start with '/')", path);
	if (!(d = ohs__strdup(path)))
		return ohs__error_oom();
	free(o->workdir);
	o->workdir = d;
	return 0;
}

int ohs_exec_opts_set_user(ohs_exec_opts *o, const char *user)
{
	const char *p, *colon;
	char *d;

	if (!o)
		return ohs__error_set(OHS_EINVAL, "ohs_exec_opts_set_user: o is NULL");
	if (!user)
		return ohs__error_set(OHS_EINVAL, "ohs_exec_opts_set_user: user is NULL");
	colon = strchr(user, ':');
	if (!*user || user[0] == ':' || (colon && (!colon[1] || strchr(colon + 1, ':'))))
		return ohs__error_set(OHS_EINVAL,
			"ohs_exec_opts_set_user: user \"%s\" is invalid (expected USER, UID, USER:GROUP or UID:GID)",
			user);
	for (p = user; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return ohs__error_set(OHS_EINVAL,
				"ohs_exec_opts_set_user: user \"%s\" contains whitespace or control characters "
				"(expected USER, UID, USER:GROUP or UID:GID)", user);
	if (!(d = ohs__strdup(user)))
		return ohs__error_oom();
	free(o->user);
	o->user = d;
	return 0;
}

int ohs_exec_opts_set_timeout(ohs_exec_opts *o, long timeout_ms)
{
	if (!o)
		return ohs__error_set(OHS_EINVAL, "ohs_exec_opts_set_timeout: o is NULL");
	if (timeout_ms < 0)
		return ohs__error_set(OHS_EINVAL,
			"ohs_exec_opts_set_timeout: timeout_ms %ld must be >= 0 (0: no timeout)", timeout_ms);
	o->timeout_ms = timeout_ms;
	return 0;
}

int ohs_exec_opts_set_tty(ohs_exec_opts *o, int tty)
{
	if (!o)
		return ohs__error_set(OHS_EINVAL, "ohs_exec_opts_set_tty: o is NULL");
	o->tty = tty != 0;
	return 0;
}

int ohs_exec_opts_set_output_cap(ohs_exec_opts *o, size_t bytes)
{
	if (!o)
		return ohs__error_set(OHS_EINVAL, "ohs_exec_opts_set_output_cap: o is NULL");
	o->cap = bytes;
	return 0;
}

int ohs_exec_opts_set_output_cb(ohs_exec_opts *o, ohs_output_cb cb, void *payload)
{
	if (!o)
		return ohs__error_set(OHS_EINVAL, "ohs_exec_opts_set_output_cb: o is NULL");
	o->cb = cb;
	o->payload = cb ? payload : NULL;
	return 0;
}

/* ------------------------------------------------------------ result */

void ohs_exec_result_free(ohs_exec_result *r)
{
	if (!r)
		return;
	free(r->out);
	free(r->err);
	free(r);
}

int ohs_exec_result_exit_code(const ohs_exec_result *r)
{
	return r ? r->exit_code : -1;
}

const char *ohs_exec_result_stdout(const ohs_exec_result *r, size_t *len)
{
	if (len)
		*len = r ? r->out_len : 0;
	return r ? r->out : NULL;
}

const char *ohs_exec_result_stderr(const ohs_exec_result *r, size_t *len)
{
	if (len)
		*len = r ? r->err_len : 0;
	return r ? r->err : NULL;
}

int ohs_exec_result_truncated(const ohs_exec_result *r)
{
	return r ? r->truncated : 0;
}

int ohs_exec_result_timed_out(const ohs_exec_result *r)
{
	return r ? r->timed_out : 0;
}

/* ------------------------------------------------------------ running */




typedef struct {
	ohs__demux demux;
	ohs__capbuf out, err, etext;     /* etext: engine error frames (stream 3) */
	ohs__capbuf hold;                /* the held first stdout frame, whole (not capped) */
	ohs_output_cb cb;
	void *payload;
	int cb_rc;                  /* non-zero: the user callback aborted */
	int held;                   /* first stdout frame held back (maybe an OCI error) */
	int seen_stdout;
	int oom;
	int tty;                    /* raw stream, no frames */
} exec_run;

static int deliver(exec_run *r, int stream, const char *data, size_t len)
{
	int rc;

	if (!r->cb || !len || r->cb_rc)
		return 0;
	if ((rc = r->cb(stream, data, len, r->payload)) != 0) {
		r->cb_rc = rc;
		return 1;
	}
	return 0;
}

static int on_frame(int stream, const char *data, size_t len, void *payload)
{
	exec_run *r = payload;

	switch (stream) {
	case 1:
		/*
		 * An exec that cannot start: engine 20.10 sends the OCI error
		 * text as stdout.  Hold back a first frame that looks like one
		 * until the exit code tells (see finish()).
		 */
		if (!r->seen_stdout && ohs__engine_exec_text_starts_oci(data, len))
			r->held = 1;
		if (r->held && r->seen_stdout) {
			/* more output: a real program; release what was held */
			r->held = 0;
			if (ohs__capbuf_add(&r->out, r->hold.data, r->hold.len) < 0) {
				r->oom = 1;
				return 1;
			}
			if (deliver(r, 1, r->hold.data, r->hold.len))
				return 1;
		}
		r->seen_stdout = 1;
		/* Held text is kept whole, whatever the output cap, so that
		 * the exit code can be told from it (see finish()). */
		if (ohs__capbuf_add(r->held ? &r->hold : &r->out, data, len) < 0) {
			r->oom = 1;
			return 1;
		}
		if (!r->held && deliver(r, 1, data, len))
			return 1;
		return 0;
	case 2:
		if (ohs__capbuf_add(&r->err, data, len) < 0) {
			r->oom = 1;
			return 1;
		}
		return deliver(r, 2, data, len);
	case 3:
		if (ohs__capbuf_add(&r->etext, data, len) < 0) {
			r->oom = 1;
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

static int on_data(const char *data, size_t len, void *payload)
{
	exec_run *r = payload;

	/* With a terminal the engine sends one raw stream: it is all stdout. */
	if (r->tty)
		return on_frame(1, data, len, r) != 0 ? 1 : 0;
	return ohs__demux_feed(&r->demux, data, len) != 0 ? 1 : 0;
}



/* POST /containers/{cid}/exec; *exec_id receives the new exec's id. */
static int exec_create(char **exec_id, ohs_client *c, const char *cid,
	const char *const *argv, const ohs__strvec *env, const char *xid,
	const char *workdir, const char *user, int tty)
{
	char *tag = ohs__sprintf(OHS_EXEC_ID_VAR "=%s", xid);
	int rc;

	*exec_id = NULL;
	if (!tag)
		return ohs__error_oom();
	rc = ohs__engine_exec_create(exec_id, c, cid, argv, env, tag, workdir, user, tty, 0,
		"create exec");
	free(tag);
	return rc;
}

/* The exec's running flag, exit code, pid (-1 when absent). */
static int exec_inspect(ohs_client *c, const char *exec_id, int *running, int *exit_code, long *pid)
{
	ohs__exec_state st;
	int rc;

	if ((rc = ohs__engine_exec_inspect(c, exec_id, &st, "inspect exec")) < 0)
		return rc;
	*running = st.running;
	*exit_code = st.exit_code;
	*pid = st.pid;
	return 0;
}

/* Poll inspect until Running is false or `wait_ms` passed (then *running stays 1). */
static int exec_wait(ohs_client *c, const char *exec_id, long wait_ms,
	int *running, int *exit_code, long *pid)
{
	long deadline = ohs__now_ms() + wait_ms, delay = 5;
	int rc;

	for (;;) {
		if ((rc = exec_inspect(c, exec_id, running, exit_code, pid)) < 0)
			return rc;
		if (!*running || ohs__now_ms() >= deadline)
			return 0;
		ohs__sleep_ms(delay);
		if (delay < 200)
			delay *= 2;
	}
}

static int discard_data(const char *data, size_t len, void *payload)
{
	return 0;
}

static const char kill_script[] =
	"n=0; while [ $n -lt 20 ]; do found=0; "
	"for d in /proc/[0-9]*; do p=${d#/proc/}; [ \"$p\" = \"$$\" ] && continue; "
	"if tr '\\0' '\\n' 2>/dev/null <\"$d/environ\" | grep -qx \"" OHS_EXEC_ID_VAR "=$1\"; "
	"then kill -KILL \"$p\" 2>/dev/null && found=1; fi; done; "
	"[ $found = 0 ] && exit 0; n=$((n+1)); done; exit 1";

/*
 * SIGKILL every process of the container whose environment carries
 * OHS_EXEC_ID=xid.  Runs as `user` (the exec's own user): reading another
 * user's /proc/PID/environ would need CAP_SYS_PTRACE, which containers
 * normally lack.
 */
static int exec_kill(ohs_client *c, const char *cid, const char *xid, const char *user)
{
	const char *argv[] = { "/bin/sh", "-c", kill_script, "ohs-kill", xid, NULL };
	char kid[33], *kexec = NULL;
	int rc, running = 1, code = -1;
	long pid;

	if ((rc = ohs__random_hex(kid, 16, "ohs_session_exec")) < 0)
		return rc;
	if ((rc = exec_create(&kexec, c, cid, argv, NULL, kid, NULL, user, 0)) < 0)
		return rc;
	rc = ohs__engine_exec_start(c, kexec, 0, discard_data, NULL, 30000, "start exec (kill)");
	if (rc == 0)
		rc = exec_wait(c, kexec, 5000, &running, &code, &pid);
	free(kexec);
	return rc;
}

/* docker run's convention for a command that cannot start. */

int ohs_session_exec(ohs_exec_result **out, ohs_session *s,
	const char *const *argv, const ohs_exec_opts *opts)
{
	static const ohs_exec_opts defaults = { {0}, NULL, NULL, 0, 0, NULL, NULL, 0 };
	ohs_client *c;
	const char *cid;
	char xid[33], *exec_id = NULL;
	exec_run run;
	ohs_exec_result *res = NULL;
	long t0, deadline = 0, pid = -1;
	int rc, src, running = 0, code = -1, timed_out = 0;
	size_t cap;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_session_exec: out is NULL");
	*out = NULL;
	if (!s)
		return ohs__error_set(OHS_EINVAL, "ohs_session_exec: s is NULL");
	if (!argv)
		return ohs__error_set(OHS_EINVAL, "ohs_session_exec: argv is NULL");
	if (!argv[0] || !argv[0][0])
		return ohs__error_set(OHS_EINVAL,
			"ohs_session_exec: argv[0] is %s (expected the command to run)",
			argv[0] ? "empty" : "NULL (argv is empty)");
	if (!opts)
		opts = &defaults;
	if (!(c = ohs__session_client(s)) || !(cid = ohs_session_id(s)) || !*cid)
		return ohs__error_set(OHS_ESTATE,
			"ohs_session_exec: the session has no container (create it first)");

	if ((rc = ohs__policy_check_exec_user(ohs_session_findings(s), opts->user, "ohs_session_exec")) < 0)
		return rc;

	cap = opts->cap ? opts->cap : OHS_EXEC_DEFAULT_CAP;
	memset(&run, 0, sizeof(run));
	run.out.limit = run.err.limit = cap;
	run.etext.limit = OHS_EXEC_ERRTEXT_MAX;
	run.hold.limit = OHS_EXEC_ERRTEXT_MAX;
	run.tty = opts->tty;
	run.cb = opts->cb;
	run.payload = opts->payload;
	ohs__demux_init(&run.demux, on_frame, &run);

	t0 = ohs__now_ms();
	if (opts->timeout_ms > 0)
		deadline = t0 + opts->timeout_ms;
	if ((rc = ohs__random_hex(xid, 16, "ohs_session_exec")) < 0)
		goto done;
	if ((rc = exec_create(&exec_id, c, cid, argv, &opts->env, xid,
			opts->workdir, opts->user, opts->tty)) < 0) {
		ohs__eng_err kind = ohs__engine_err_last();
		const char *m = ohs_error_last();

		/* engine 20.10 answers 409, or 500 right after a stop */
		if (rc != OHS_ENOMEM && ohs__session_exited_error(s, "ohs_session_exec") == OHS_ESTATE) {
			rc = OHS_ESTATE;
		} else if (kind == OHS__ENG_NOT_RUNNING && m) {
			char *copy = ohs__strdup(m);

			rc = ohs__error_set_http(OHS_ESTATE, ohs_error_last_http_status(),
				"ohs_session_exec: the sandbox cannot run commands: %s", copy ? copy : m);
			free(copy);
		} else {
			ohs__error_prefix("ohs_session_exec");
		}
		goto done;
	}
	{
		long tmo = 0;

		if (deadline) {
			tmo = deadline - ohs__now_ms();
			if (tmo < 1)
				tmo = 1;
		}
		src = ohs__engine_exec_start(c, exec_id, opts->tty, on_data, &run, tmo, "start exec");
	}

	if (run.oom) {
		rc = ohs__error_oom();
		exec_kill(c, cid, xid, opts->user);
		goto done;
	}
	if (run.cb_rc) {
		exec_kill(c, cid, xid, opts->user);
		rc = run.cb_rc < 0 ? run.cb_rc : OHS_ERROR;
		ohs__error_set(rc, "ohs_session_exec: the output callback returned %d; "
			"the command \"%s\" was killed", run.cb_rc, argv[0]);
		goto done;
	}
	if (src < 0) {
		if (src == OHS_ETIMEOUT || (deadline && ohs__now_ms() >= deadline)) {
			timed_out = 1;
			if ((rc = exec_kill(c, cid, xid, opts->user)) < 0) {
				ohs__error_prefix("ohs_session_exec: timeout: killing the command failed");
				goto done;
			}
		} else {
			/* the transfer broke: do not leave the command running */
			char *msg = ohs__strdup(ohs_error_last());

			exec_kill(c, cid, xid, opts->user);
			rc = ohs__error_set(src, "ohs_session_exec: %s", msg ? msg : ohs_strerror(src));
			free(msg);
			/* the container's main process exited under the command */
			if (ohs__session_exited_error(s, "ohs_session_exec") == OHS_ESTATE)
				rc = OHS_ESTATE;
			goto done;
		}
	}

	/* a stream that ended cleanly but inside a frame lost output: say so */
	if (!timed_out && ohs__demux_partial(&run.demux)) {
		rc = ohs__error_set(OHS_EPROTOCOL, "ohs_session_exec: \"%s\": the engine's output "
			"stream ended inside a frame (truncated output)", argv[0]);
		goto done;
	}

	/* the stream ended (or the command was killed): wait for the exit code */
	if ((rc = exec_wait(c, exec_id, timed_out ? 10000 : 5000, &running, &code, &pid)) < 0) {
		ohs__error_prefix("ohs_session_exec");
		goto done;
	}
	if (running) {
		if (!timed_out) {
			rc = ohs__error_set(OHS_ETIMEOUT,
				"ohs_session_exec: \"%s\": the output ended but the engine still reports "
				"the command running", argv[0]);
			goto done;
		}
		code = 137;
	}

	/* An exec that could not start (engine 20.10: ExitCode 126, Pid 0, OCI text)
	 * because the container's main process has exited meanwhile. */
	if (pid <= 0 && (code == 126 || code == 127 || run.held) &&
	    ohs__session_exited_error(s, "ohs_session_exec") == OHS_ESTATE) {
		rc = OHS_ESTATE;
		goto done;
	}
	/* An exec that could not start (engine 20.10: ExitCode 126, Pid 0, OCI text). */
	if (run.held && pid <= 0) {
		code = ohs__engine_oci_exit_code(run.hold.data ? run.hold.data : "");
		ohs__capbuf_add(&run.err, run.hold.data, run.hold.len);
		deliver(&run, 2, run.hold.data, run.hold.len);
		run.held = 0;
	} else if (run.held) {
		run.held = 0;
		ohs__capbuf_add(&run.out, run.hold.data, run.hold.len);
		deliver(&run, 1, run.hold.data, run.hold.len);
	}
	if (run.etext.len) {
		const char *t = run.etext.data;

		if (ohs__engine_exec_text_kind(t) == OHS__ENG_OCI) {
			code = ohs__engine_oci_exit_code(t);
			ohs__capbuf_add(&run.err, t, run.etext.len);
			deliver(&run, 2, t, run.etext.len);
		} else {
			rc = ohs__error_set(OHS_EENGINE, "ohs_session_exec: \"%s\": engine error: %s",
				argv[0], t);
			goto done;
		}
	}

	if (!(res = calloc(1, sizeof(*res)))) {
		rc = ohs__error_oom();
		goto done;
	}
	res->exit_code = code;
	res->timed_out = timed_out;
	res->truncated = run.out.truncated || run.err.truncated;
	res->out_len = run.out.len;
	res->err_len = run.err.len;
	res->out = ohs__capbuf_detach(&run.out);
	res->err = ohs__capbuf_detach(&run.err);
	if (!res->out || !res->err) {
		ohs_exec_result_free(res);
		res = NULL;
		rc = ohs__error_oom();
		goto done;
	}
	*out = res;
	rc = 0;
done:
	free(run.out.data);
	free(run.err.data);
	free(run.etext.data);
	free(run.hold.data);
	free(exec_id);
	return rc;
}

int ohs_session_exec_shell(ohs_exec_result **out, ohs_session *s,
	const char *command, const ohs_exec_opts *opts)
{
	const char *argv[4] = { "/bin/sh", "-c", NULL, NULL };

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_session_exec_shell: out is NULL");
	*out = NULL;
	if (!s)
		return ohs__error_set(OHS_EINVAL, "ohs_session_exec_shell: s is NULL");
	if (!command)
		return ohs__error_set(OHS_EINVAL, "ohs_session_exec_shell: command is NULL");
	argv[2] = command;
	return ohs_session_exec(out, s, argv, opts);
}

/* ------------------------------------------------------------ OOM kills */

/* The "oom_kill N" line of a memory cgroup file (v2 memory.events, v1 memory.oom_control). */
static int64_t parse_oom_kill(const char *text)
{
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, "oom_kill ", 9) == 0)
			return strtoll(p + 9, NULL, 10);
		if ((p = strchr(p, '\n')))
			p++;
	}
	return -1;
}

/* Lives with exec (it runs one), not with the session lifecycle, so that
 * session.c needs nothing from exec.c. */
int ohs_session_oom_kills(int64_t *count, ohs_session *s)
{
	static const char *const argv[] = { "cat", "/sys/fs/cgroup/memory.events",
		"/sys/fs/cgroup/memory/memory.oom_control", NULL };
	json_t *info = NULL, *state;
	ohs_exec_result *r = NULL;
	int flag, running, rc;
	int64_t n;

	if (!count)
		return ohs__error_set(OHS_EINVAL, "ohs_session_oom_kills: count is NULL");
	*count = 0;
	if ((rc = ohs__session_live(s, "ohs_session_oom_kills")) < 0)
		return rc;
	if ((rc = ohs__engine_container_inspect(ohs__session_client(s), ohs_session_id(s), &info,
			"inspect container")) < 0) {
		ohs__error_prefix("ohs_session_oom_kills");
		return rc;
	}
	state = json_object_get(info, "State");
	flag = json_is_true(json_object_get(state, "OOMKilled"));
	running = json_is_true(json_object_get(state, "Running")) &&
		!json_is_true(json_object_get(state, "Paused"));
	json_decref(info);
	if (!running) {
		/* no exec possible: the engine's flag (set when the main process was killed) */
		*count = flag;
		return 0;
	}
	/* the kernel counts every OOM kill in the container's memory cgroup,
	 * exec'd processes included (State.OOMKilled only covers the main one) */
	if ((rc = ohs_session_exec(&r, s, argv, NULL)) < 0) {
		ohs__error_prefix("ohs_session_oom_kills");
		return rc;
	}
	n = parse_oom_kill(ohs_exec_result_stdout(r, NULL));
	if (n < 0 && !flag) {
		rc = ohs__error_set(OHS_ENOTSUPPORTED, "ohs_session_oom_kills: sandbox \"%s\": no "
			"\"oom_kill\" counter in %s or %s (exit code %d: %s)", ohs_session_name(s), argv[1], argv[2],
			ohs_exec_result_exit_code(r), ohs_exec_result_stderr(r, NULL));
		ohs_exec_result_free(r);
		return rc;
	}
	ohs_exec_result_free(r);
	*count = n > 0 ? n : flag;
	return 0;
}
