/*
 * shell: a persistent /bin/sh attached to a session's container.
 *
 * One exec runs /bin/sh with stdin attached; its stdin, stdout and stderr
 * go through one hijacked connection (8-byte frames from the engine).
 *
 * Every command is sent as two lines that the shell itself runs:
 *
 *   \unset -f command printf read unalias __ohs_set __ohs_run; \unalias -a
 *   <__ohs_set, __ohs_run, the USR1 and EXIT traps, defined again>;
 *   __ohs_d='@OHD_<16 hex>';__ohs_e='<16 hex>';__ohs_s=<previous $?>;
 *   __ohs_c='<command, single-quoted>';__ohs_run </dev/null 9<&-;__ohs_x=$?;
 *   \printf '%s%s' "$__ohs_d" "$__ohs_e"; IFS=' ' \read -r __ohs_a __ohs_b;
 *   \printf '%s%s %d\n' "$__ohs_a" "$__ohs_b" "$__ohs_x"; (and >&2)
 *
 * The command is single-quoted, so nothing in it can end the eval early;
 * it runs in the shell (cd and export persist) with stdin from /dev/null
 * and no fd 9: the shell's own stdin (the protocol stream) is only kept in
 * a close-on-exec descriptor while the command runs, so neither the
 * command nor anything it leaves behind inherits it.  The words of the
 * protocol are quoted (no alias applies), aliases are dropped in the first
 * line before the second is parsed, and the functions and traps the
 * protocol uses are defined again for every command.
 *
 * After the command, the shell prints the "done" token (public: the
 * command can see it) and reads the end marker from its stdin; the library
 * sends the marker only when it sees the done token.  The marker, 128
 * random bits, new for every command, is therefore never in the shell
 * while the command runs: not in its variables, its input or a trace.  A
 * command that prints the done token early only makes the marker wait in
 * the pipe until the shell reads it.  The shell prints the marker on BOTH
 * stdout and stderr, right after the output (no newline needed before it)
 * and followed by " STATUS\n"; it never appears whole in a `set -x`/
 * `set -v` trace (the halves are separate words), so output cannot end a
 * command early: text that looks like a marker, NUL bytes, missing final
 * newlines and huge outputs are all plain data.  A stream matcher finds the
 * tokens in any chunking; output past the cap is dropped (flagged) but
 * still scanned.
 *
 * Limits (see ohs_shell_run(3)): a process running as the shell's user in
 * the container can still open /proc/<shell>/fd/0 or ptrace the shell, and
 * a command can change what later commands do (functions, PATH, a trap it
 * sets and then exits through, background jobs writing to the output):
 * the persistent shell keeps the agent's state by design.
 *
 * `exit N` in a command: the EXIT trap does the same exchange with status N
 * and the flag "x", then re-executes /bin/sh on its stdin.  The
 * working directory and exported variables survive; plain variables,
 * functions, traps and options do not (ohs_shell_restarted() is 1).
 *
 * Timeout: every process below the shell (by parent pid, read from /proc
 * by a separate exec as the same user) is SIGKILLed; the shell then prints
 * the marker as usual (status 137).  When it does not within 2 s (the
 * shell itself is busy, e.g. a builtin loop), the shell is killed and a new
 * one started (state lost, ohs_shell_restarted() 1).
 *
 * A shell whose process ended (end of stream, or an idle second where the
 * engine reports the exec stopped) gives OHS_ESTATE.
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

#define SHELL_DEFAULT_CAP ((size_t)16 * 1024 * 1024)
#define SHELL_ETEXT_MAX ((size_t)4096)
#define MARK_PREFIX "@OHS_"          /* '@' occurs nowhere else in a marker */
#define DONE_PREFIX "@OHD_"          /* the done token: same length, differs at [3] */
#define MARK_PREFIX_LEN (sizeof(MARK_PREFIX) - 1)
#define MARK_HALF 16                 /* hex digits per half */
#define MARK_LEN (MARK_PREFIX_LEN + 2 * MARK_HALF)
#define READY_MS 30000L
#define KILL_GRACE_MS 2000L
#define IDLE_CHECK_MS 1000L
#define RECV_SIZE 65536

typedef struct {
	size_t matched;      /* token bytes matched at the end of the data so far */
	int cand;            /* tokens still matching: 1 marker, 2 done token */
	int in_trailer;
	int done;
	char trailer[32];
	size_t tlen;
} matcher;

struct ohs_shell {
	ohs_session *session;
	ohs_client *client;
	char *cid;
	ohs__strvec env;
	char *workdir, *user;
	size_t cap;

	char *exec_id;
	ohs__conn *conn;
	long pid;            /* the shell's pid in the container */
	int alive;
	int restarted;
	int exit_code;       /* of a dead shell, -1 unknown */
	int last_status;     /* $? of the previous command */

	ohs__demux demux;
	int matching;
	int want_mark;       /* the done token was seen: send the marker */
	int mark_sent;
	char mark[MARK_LEN + 1];
	char done[MARK_LEN + 1];
	matcher m[2];        /* stdout, stderr */
	ohs__capbuf out[2];
	ohs__capbuf etext;        /* engine error frames */
	int oom;

	ohs__buf line;
	char rbuf[RECV_SIZE];
};

/* ------------------------------------------------------------ helpers */





static int new_marker(char *mark, const char *prefix)
{
	memcpy(mark, prefix, MARK_PREFIX_LEN);
	return ohs__random_hex(mark + MARK_PREFIX_LEN, MARK_HALF, "ohs_shell");
}

/* ------------------------------------------------------------ framing */

static int keep(ohs_shell *sh, int i, const char *data, size_t len)
{
	if (ohs__capbuf_add(&sh->out[i], data, len) < 0) {
		sh->oom = 1;
		return 1;
	}
	return 0;
}

/*
 * Scan one stream's bytes for the marker (and, on stdout, the done token);
 * everything else before the marker is output.
 */
static int feed(ohs_shell *sh, int i, const char *d, size_t len)
{
	matcher *m = &sh->m[i];
	const char *mark = sh->mark, *done = sh->done;
	size_t k = 0;

	if (!sh->matching)
		return keep(sh, i, d, len);
	while (k < len) {
		if (m->done)
			return 0;       /* after the marker: nobody's output */
		if (m->in_trailer) {
			char c = d[k++];

			if (c == '\n') {
				m->trailer[m->tlen] = '\0';
				m->done = 1;
			} else if (m->tlen < sizeof(m->trailer) - 1) {
				m->trailer[m->tlen++] = c;
			}
			continue;
		}
		if (m->matched) {
			while (k < len && m->matched < MARK_LEN) {
				int nc = 0;

				if ((m->cand & 1) && d[k] == mark[m->matched])
					nc |= 1;
				if ((m->cand & 2) && d[k] == done[m->matched])
					nc |= 2;
				if (!nc)
					break;
				m->cand = nc;
				m->matched++;
				k++;
			}
			if (m->matched == MARK_LEN) {
				m->matched = 0;
				if (m->cand & 1) {
					m->in_trailer = 1;
					m->tlen = 0;
				} else {
					sh->want_mark = 1; /* protocol, not output */
				}
				continue;
			}
			if (k == len)
				return 0;
			/* mismatch: the held bytes (a common prefix) were output */
			if (keep(sh, i, (m->cand & 1) ? mark : done, m->matched))
				return 1;
			m->matched = 0;
			continue;
		}
		{
			const char *at = memchr(d + k, '@', len - k);
			size_t upto = at ? (size_t)(at - d) : len;

			if (upto > k && keep(sh, i, d + k, upto - k))
				return 1;
			k = upto;
			if (at) {
				m->matched = 1;
				m->cand = i == 0 ? 3 : 1;
				k++;
			}
		}
	}
	return 0;
}

static int on_frame(int stream, const char *data, size_t len, void *payload)
{
	ohs_shell *sh = payload;

	if (stream == 1 || stream == 2)
		return feed(sh, stream - 1, data, len);
	if (stream == 3 && ohs__capbuf_add(&sh->etext, data, len) < 0) {
		sh->oom = 1;
		return 1;
	}
	return 0;
}

static void start_matching(ohs_shell *sh)
{
	memset(sh->m, 0, sizeof(sh->m));
	sh->matching = 1;
	sh->want_mark = 0;
	sh->mark_sent = 0;
}

/* The shell printed the done token: send it the marker (once per command). */
static long send_mark(ohs_shell *sh)
{
	char line[MARK_LEN + 3];

	sh->want_mark = 0;
	if (sh->mark_sent)
		return 0;
	sh->mark_sent = 1;
	snprintf(line, sizeof(line), "%.*s %s\n", (int)(MARK_PREFIX_LEN + MARK_HALF), sh->mark,
		sh->mark + MARK_PREFIX_LEN + MARK_HALF);
	return ohs__conn_send(sh->conn, line, strlen(line));
}

/* " STATUS[ FLAG]" -> status, flag char (0 when none). */
static void parse_trailer(const matcher *m, long *status, char *flag)
{
	const char *p = m->trailer;
	char *end;

	*status = strtol(p, &end, 10);
	if (end == p)
		*status = -1;
	while (*end == ' ')
		end++;
	*flag = *end;
}

/* ------------------------------------------------------------ engine side */

static int exec_inspect(ohs_shell *sh, int *running, int *code)
{
	ohs__exec_state st;
	int rc;

	if ((rc = ohs__engine_exec_inspect(sh->client, sh->exec_id, &st, "inspect shell exec")) < 0)
		return rc;
	*running = st.running;
	*code = st.exit_code;
	return 0;
}

/* The shell's process ended: record it and say so. */
static int shell_died(ohs_shell *sh, const char *what)
{
	int running = 1, code = -1, i;

	ohs__conn_free(sh->conn);
	sh->conn = NULL;
	sh->alive = 0;
	sh->matching = 0;
	for (i = 0; i < 20 && sh->exec_id; i++) {
		if (exec_inspect(sh, &running, &code) < 0 || !running)
			break;
		ohs__sleep_ms(50);
	}
	sh->exit_code = running ? -1 : code;
	return ohs__error_set(OHS_ESTATE,
		"%s: the shell process ended (exit status %d)%s%.*s; its state is lost "
		"(ohs_shell_restart() starts a new shell)",
		what, sh->exit_code, sh->etext.len ? ": engine: " : "",
		(int)sh->etext.len, sh->etext.data ? sh->etext.data : "");
}

/*
 * Read until both markers were seen (1), `until` (absolute ms, 0: never)
 * passed (0), the shell died (OHS_ESTATE) or the connection failed.
 */
static int pump(ohs_shell *sh, long until, const char *what)
{
	for (;;) {
		long slice = IDLE_CHECK_MS, n;

		if (sh->m[0].done && sh->m[1].done)
			return 1;
		if (until) {
			long left = until - ohs__now_ms();

			if (left <= 0)
				return 0;
			if (left < slice)
				slice = left;
		}
		n = ohs__conn_recv(sh->conn, sh->rbuf, sizeof(sh->rbuf), slice);
		if (n > 0) {
			ohs__demux_feed(&sh->demux, sh->rbuf, (size_t)n);
			if (sh->oom) {
				sh->oom = 0;
				return ohs__error_oom();
			}
			if (sh->want_mark && (n = send_mark(sh)) < 0)
				goto broken;
			continue;
		}
		if (n == 0)
			return shell_died(sh, what);
		if (n == OHS_ETIMEOUT) {
			int running = 1, code, rc;

			/* an idle second: is the shell still there? */
			if ((rc = exec_inspect(sh, &running, &code)) < 0) {
				ohs__error_prefix(what);
				return rc;
			}
			if (!running)
				return shell_died(sh, what);
			continue;
		}
		/* the connection broke: the shell is unreachable for good */
broken:
		{
			char *msg = ohs__strdup(ohs_error_last());
			int rc = (int)n;

			ohs__conn_free(sh->conn);
			sh->conn = NULL;
			sh->alive = 0;
			sh->matching = 0;
			ohs__error_set(rc, "%s: %s", what, msg ? msg : ohs_strerror(rc));
			free(msg);
			return rc;
		}
	}
}

/*
 * After the command (or in the EXIT trap): the done token, then the marker
 * read from stdin, printed with the status on stdout and stderr.  Only
 * quoted builtins (no alias; `unset -f` ran first, special builtins cannot
 * be functions).  FLAG: "" or " x" (exit) or " r" (ready, status = pid).
 */
#define END_EXCHANGE(STATUS, FLAG) \
	"\\printf '%s%s' \"$__ohs_d\" \"$__ohs_e\";" \
	"IFS=' ' \\read -r __ohs_a __ohs_b;" \
	"\\printf '%s%s %d" FLAG "\\n' \"$__ohs_a\" \"$__ohs_b\" " STATUS ";" \
	"\\printf '%s%s %d" FLAG "\\n' \"$__ohs_a\" \"$__ohs_b\" " STATUS " >&2;" \
	"__ohs_a= __ohs_b="

/* The first line of every command: drop what could rewrite the second. */
static const char reset_line[] =
	"\\unset -f command printf read unalias __ohs_set __ohs_run 2>/dev/null;"
	"\\unalias -a 2>/dev/null\n";

/* Definitions the second line starts with (a command may have changed them). */
static const char defs[] =
	"__ohs_set() { return \"$1\"; };"
	"__ohs_run() { __ohs_in=1; __ohs_set \"$__ohs_s\"; eval \"$__ohs_c\"; };"
	"\\trap 'case $__ohs_in in 1) return 137;; esac' USR1;"
	"\\trap '__ohs_x=$?; \\unset -f command printf read 2>/dev/null; "
	"\\printf \"%s%s\" \"$__ohs_d\" \"$__ohs_e\"; "
	"IFS=\" \" \\read -r __ohs_a __ohs_b; "
	"\\printf \"%s%s %d x\\n\" \"$__ohs_a\" \"$__ohs_b\" \"$__ohs_x\"; "
	"\\printf \"%s%s %d x\\n\" \"$__ohs_a\" \"$__ohs_b\" \"$__ohs_x\" >&2; "
	"\\exec /bin/sh' EXIT;";

/* Append the done token assignment "__ohs_d='H1';__ohs_e='H2';". */
static int put_done(ohs__buf *b, const char *done)
{
	char tmp[MARK_LEN + 40];

	snprintf(tmp, sizeof(tmp), "__ohs_d='%.*s';__ohs_e='%s';",
		(int)(MARK_PREFIX_LEN + MARK_HALF), done, done + MARK_PREFIX_LEN + MARK_HALF);
	return ohs__buf_puts(b, tmp);
}

/* Fresh marker and done token for the next exchange. */
static int new_tokens(ohs_shell *sh)
{
	int rc;

	if ((rc = new_marker(sh->mark, MARK_PREFIX)) < 0 || (rc = new_marker(sh->done, DONE_PREFIX)) < 0)
		return rc;
	return 0;
}

static void line_reset(ohs__buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Send the preamble and wait until the shell answers with its pid. */
static int shell_init(ohs_shell *sh, const char *what)
{
	long status;
	char flag;
	int rc;

	line_reset(&sh->line);
	if ((rc = new_tokens(sh)) < 0)
		return rc;
	if ((rc = put_done(&sh->line, sh->done)) < 0 ||
	    (rc = ohs__buf_puts(&sh->line, END_EXCHANGE("$$", " r") "\n")) < 0)
		return rc;
	start_matching(sh);
	if ((rc = ohs__conn_send(sh->conn, sh->line.data, sh->line.len)) < 0) {
		ohs__error_prefix(what);
		return rc;
	}
	rc = pump(sh, ohs__now_ms() + READY_MS, what);
	sh->matching = 0;
	if (rc == 0)
		return ohs__error_set(OHS_ETIMEOUT, "%s: /bin/sh did not answer within %ld ms",
			what, READY_MS);
	if (rc < 0) {
		if (rc == OHS_ESTATE && (sh->out[0].len || sh->out[1].len)) {
			char *msg = ohs__strdup(ohs_error_last());

			ohs__error_set(OHS_ESTATE, "%s; its output: %.*s%.*s", msg ? msg : what,
				(int)(sh->out[1].len > 512 ? 512 : sh->out[1].len),
				sh->out[1].data ? sh->out[1].data : "",
				(int)(sh->out[0].len > 512 ? 512 : sh->out[0].len),
				sh->out[0].data ? sh->out[0].data : "");
			free(msg);
		}
		ohs__capbuf_reset(&sh->out[0]);
		ohs__capbuf_reset(&sh->out[1]);
		return rc;
	}
	parse_trailer(&sh->m[0], &status, &flag);
	sh->pid = status;
	sh->last_status = 0;
	/* whatever the shell printed while starting is nobody's output */
	ohs__capbuf_reset(&sh->out[0]);
	ohs__capbuf_reset(&sh->out[1]);
	if (flag != 'r' || status <= 0)
		return ohs__error_set(OHS_EPROTOCOL, "%s: unexpected answer from /bin/sh: \"%s\"",
			what, sh->m[0].trailer);
	return 0;
}

/* Create the exec, attach to it and initialise the shell. */
static int shell_start(ohs_shell *sh, const char *what)
{
	static const char *const argv[] = { "/bin/sh", NULL };
	int rc;

	free(sh->exec_id);
	sh->exec_id = NULL;
	ohs__conn_free(sh->conn);
	sh->conn = NULL;
	sh->alive = 0;
	sh->exit_code = -1;
	ohs__capbuf_reset(&sh->etext);
	ohs__capbuf_reset(&sh->out[0]);
	ohs__capbuf_reset(&sh->out[1]);

	if ((rc = ohs__engine_exec_create(&sh->exec_id, sh->client, sh->cid, argv, &sh->env, NULL,
			sh->workdir, sh->user, 0, 1, "create shell exec")) < 0) {
		ohs__eng_err kind = ohs__engine_err_last();
		const char *m = ohs_error_last();

		if (rc != OHS_ENOMEM && sh->session &&
				ohs__session_exited_error(sh->session, what) == OHS_ESTATE) {
			rc = OHS_ESTATE;
		} else if (kind == OHS__ENG_NOT_RUNNING && m) {
			char *copy = ohs__strdup(m);

			rc = ohs__error_set_http(OHS_ESTATE, ohs_error_last_http_status(),
				"%s: the sandbox cannot run a shell: %s", what, copy ? copy : m);
			free(copy);
		} else {
			ohs__error_prefix(what);
		}
		return rc;
	}
	if ((rc = ohs__engine_exec_attach(sh->client, sh->exec_id, &sh->conn, "start shell exec")) < 0) {
		ohs__error_prefix(what);
		return rc;
	}
	ohs__demux_init(&sh->demux, on_frame, sh);
	sh->alive = 1;
	if ((rc = shell_init(sh, what)) < 0) {
		ohs__conn_free(sh->conn);
		sh->conn = NULL;
		sh->alive = 0;
	}
	return rc;
}

/*
 * SIGKILL every process below the shell (pid $1), walking parent pids in
 * /proc; with $2 = "all" the shell too.
 */
static const char kill_script[] =
	"sp=$1; mode=$2; n=0\n"
	"[ \"$mode\" = all ] || kill -USR1 \"$sp\" 2>/dev/null\n"
	"while [ $n -lt 20 ]; do found=0\n"
	" for d in /proc/[0-9]*; do p=${d#/proc/}\n"
	"  [ \"$p\" = \"$$\" ] && continue; [ \"$p\" = \"$sp\" ] && continue\n"
	"  q=$p; k=0\n"
	"  while [ $k -lt 64 ]; do\n"
	"   read -r l 2>/dev/null <\"/proc/$q/stat\" || break\n"
	"   l=${l##*) }; set -- $l; q=$2\n"
	"   if [ \"$q\" = \"$sp\" ]; then kill -KILL \"$p\" 2>/dev/null && found=1; break; fi\n"
	"   [ \"$q\" -gt 1 ] 2>/dev/null || break\n"
	"   k=$((k+1))\n"
	"  done\n"
	" done\n"
	" [ $found = 0 ] && break; n=$((n+1))\n"
	"done\n"
	"[ \"$mode\" = all ] && kill -KILL \"$sp\" 2>/dev/null\n"
	"exit 0\n";

static int kill_below(ohs_shell *sh, int all)
{
	char pid[24];
	const char *argv[] = { "/bin/sh", "-c", kill_script, "ohs-shell-kill", pid,
		all ? "all" : "children", NULL };
	ohs_exec_opts *o = NULL;
	ohs_exec_result *r = NULL;
	int rc;

	snprintf(pid, sizeof(pid), "%ld", sh->pid);
	if ((rc = ohs_exec_opts_new(&o)) < 0)
		return rc;
	if (sh->user && (rc = ohs_exec_opts_set_user(o, sh->user)) < 0)
		goto done;
	ohs_exec_opts_set_timeout(o, 20000);
	rc = ohs_session_exec(&r, sh->session, argv, o);
done:
	ohs_exec_result_free(r);
	ohs_exec_opts_free(o);
	return rc;
}

/* ------------------------------------------------------------ API */

int ohs_shell_open(ohs_shell **out, ohs_session *s, const ohs_exec_opts *opts)
{
	ohs_shell *sh;
	const char *cid;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_shell_open: out is NULL");
	*out = NULL;
	if (!s)
		return ohs__error_set(OHS_EINVAL, "ohs_shell_open: s is NULL");
	if (!ohs__session_client(s) || !(cid = ohs_session_id(s)) || !*cid)
		return ohs__error_set(OHS_ESTATE,
			"ohs_shell_open: the session has no container (create and start it first)");
	if (opts && (rc = ohs__policy_check_exec_user(ohs_session_findings(s), opts->user, "ohs_shell_open")) < 0)
		return rc;
	if (!(sh = calloc(1, sizeof(*sh))))
		return ohs__error_oom();
	sh->session = s;
	sh->client = ohs__session_client(s);
	sh->exit_code = -1;
	sh->cap = SHELL_DEFAULT_CAP;
	if (!(sh->cid = ohs__strdup(cid)))
		goto oom;
	if (opts) {
		if (ohs__strvec_dup(&sh->env, &opts->env) < 0)
			goto oom;
		if (opts->workdir && !(sh->workdir = ohs__strdup(opts->workdir)))
			goto oom;
		if (opts->user && !(sh->user = ohs__strdup(opts->user)))
			goto oom;
		if (opts->cap)
			sh->cap = opts->cap;
	}
	sh->out[0].limit = sh->out[1].limit = sh->cap;
	sh->etext.limit = SHELL_ETEXT_MAX;
	if ((rc = shell_start(sh, "ohs_shell_open")) < 0) {
		ohs_shell_free(sh);
		return rc;
	}
	*out = sh;
	return 0;
oom:
	ohs_shell_free(sh);
	return ohs__error_oom();
}

/* Append `s` single-quoted for sh: ' becomes '\''. */
static int put_quoted(ohs__buf *b, const char *s)
{
	const char *q;
	int rc;

	if ((rc = ohs__buf_append(b, "'", 1)) < 0)
		return rc;
	while ((q = strchr(s, '\'')) != NULL) {
		if ((rc = ohs__buf_append(b, s, (size_t)(q - s))) < 0 ||
		    (rc = ohs__buf_append(b, "'\\''", 4)) < 0)
			return rc;
		s = q + 1;
	}
	if ((rc = ohs__buf_puts(b, s)) < 0)
		return rc;
	return ohs__buf_append(b, "'", 1);
}

static int build_line(ohs_shell *sh, const char *command)
{
	char num[32];
	int rc;

	line_reset(&sh->line);
	snprintf(num, sizeof(num), "__ohs_s=%d;__ohs_c=", sh->last_status & 255);
	if ((rc = ohs__buf_puts(&sh->line, reset_line)) < 0 ||
	    (rc = ohs__buf_puts(&sh->line, defs)) < 0 ||
	    (rc = put_done(&sh->line, sh->done)) < 0 ||
	    (rc = ohs__buf_puts(&sh->line, num)) < 0 ||
	    (rc = put_quoted(&sh->line, command)) < 0 ||
	    (rc = ohs__buf_puts(&sh->line,
		";__ohs_run </dev/null 9<&-;__ohs_x=$?;__ohs_in=0;"
		END_EXCHANGE("\"$__ohs_x\"", "") "\n")) < 0)
		return rc;
	return 0;
}

int ohs_shell_run(ohs_exec_result **out, ohs_shell *sh, const char *command, long timeout_ms)
{
	static const char what[] = "ohs_shell_run";
	long status = -1;
	char flag = 0;
	int rc, timed_out = 0, truncated;
	size_t olen, elen;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_shell_run: out is NULL");
	*out = NULL;
	if (!sh)
		return ohs__error_set(OHS_EINVAL, "ohs_shell_run: sh is NULL");
	if (!command)
		return ohs__error_set(OHS_EINVAL, "ohs_shell_run: command is NULL");
	if (timeout_ms < 0)
		return ohs__error_set(OHS_EINVAL,
			"ohs_shell_run: timeout_ms %ld must be >= 0 (0: no timeout)", timeout_ms);
	if (!sh->alive || !sh->conn) {
		if (sh->exit_code >= 0)
			return ohs__error_set(OHS_ESTATE,
				"ohs_shell_run: the shell is not running (it ended with exit status %d); "
				"ohs_shell_restart() starts a new shell", sh->exit_code);
		return ohs__error_set(OHS_ESTATE,
			"ohs_shell_run: the shell is not running (closed or lost); "
			"ohs_shell_restart() starts a new shell");
	}
	sh->restarted = 0;
	sh->out[0].limit = sh->out[1].limit = sh->cap;
	if ((rc = new_tokens(sh)) < 0 || (rc = build_line(sh, command)) < 0)
		return rc;
	start_matching(sh);
	if ((rc = ohs__conn_send(sh->conn, sh->line.data, sh->line.len)) < 0) {
		ohs__error_prefix(what);
		ohs__conn_free(sh->conn);
		sh->conn = NULL;
		sh->alive = 0;
		goto fail;
	}
	rc = pump(sh, timeout_ms > 0 ? ohs__now_ms() + timeout_ms : 0, what);
	if (rc == 0) {
		/* timeout: end what the command started, keep the shell */
		timed_out = 1;
		if (kill_below(sh, 0) == 0)
			rc = pump(sh, ohs__now_ms() + KILL_GRACE_MS, what);
		if (rc == 0 || rc == OHS_ESTATE) {
			/* the shell itself is stuck: replace it */
			ohs__capbuf keep_out = sh->out[0], keep_err = sh->out[1];

			memset(&sh->out, 0, sizeof(sh->out));
			kill_below(sh, 1);
			rc = shell_start(sh, what);
			ohs__capbuf_reset(&sh->out[0]);
			ohs__capbuf_reset(&sh->out[1]);
			sh->out[0] = keep_out;
			sh->out[1] = keep_err;
			if (rc < 0) {
				ohs__error_prefix("timeout: the stuck shell could not be replaced");
				goto fail;
			}
			sh->restarted = 1;
			status = 137;
		}
	}
	if (rc < 0)
		goto fail;
	sh->matching = 0;
	if (!sh->restarted) {
		parse_trailer(&sh->m[0], &status, &flag);
		if (status < 0 || status > 255)
			status = 255;
		sh->last_status = (int)status;
	} else {
		sh->last_status = 0;
	}
	if (flag == 'x') {
		/* the command ran `exit`: the trap re-executed /bin/sh */
		sh->restarted = 1;
		sh->last_status = 0;
	}

	truncated = sh->out[0].truncated || sh->out[1].truncated;
	olen = sh->out[0].len;
	elen = sh->out[1].len;
	rc = ohs__exec_result_new(out, (int)status, sh->out[0].data, olen, sh->out[1].data, elen,
		truncated, timed_out);
	sh->out[0].data = sh->out[1].data = NULL;
	ohs__capbuf_reset(&sh->out[0]);
	ohs__capbuf_reset(&sh->out[1]);
	if (rc < 0)
		return rc;
	if (flag == 'x' && (rc = shell_init(sh, what)) < 0) {
		/* report the command's result; the next run says the shell is gone */
		ohs__conn_free(sh->conn);
		sh->conn = NULL;
		sh->alive = 0;
	}
	return 0;
fail:
	sh->matching = 0;
	ohs__capbuf_reset(&sh->out[0]);
	ohs__capbuf_reset(&sh->out[1]);
	return rc;
}

int ohs_shell_set_output_cap(ohs_shell *sh, size_t bytes)
{
	if (!sh)
		return ohs__error_set(OHS_EINVAL, "ohs_shell_set_output_cap: sh is NULL");
	sh->cap = bytes ? bytes : SHELL_DEFAULT_CAP;
	return 0;
}

int ohs_shell_alive(const ohs_shell *sh)
{
	return sh && sh->alive && sh->conn ? 1 : 0;
}

int ohs_shell_restarted(const ohs_shell *sh)
{
	return sh ? sh->restarted : 0;
}

int ohs_shell_exit_code(const ohs_shell *sh)
{
	return sh && !sh->alive ? sh->exit_code : -1;
}

int ohs_shell_restart(ohs_shell *sh)
{
	int rc;

	if (!sh)
		return ohs__error_set(OHS_EINVAL, "ohs_shell_restart: sh is NULL");
	if (sh->alive && sh->conn)
		ohs_shell_close(sh);
	if ((rc = shell_start(sh, "ohs_shell_restart")) < 0)
		return rc;
	sh->restarted = 1;
	return 0;
}

int ohs_shell_close(ohs_shell *sh)
{
	static const char bye[] = "\\trap - EXIT; \\exit 0\n";
	long until;

	if (!sh)
		return ohs__error_set(OHS_EINVAL, "ohs_shell_close: sh is NULL");
	if (sh->conn) {
		sh->matching = 0;
		if (sh->alive && ohs__conn_send(sh->conn, bye, sizeof(bye) - 1) == 0) {
			/* wait (briefly) for the end of the stream */
			until = ohs__now_ms() + 1000;
			for (;;) {
				long left = until - ohs__now_ms(), n;

				if (left <= 0)
					break;
				n = ohs__conn_recv(sh->conn, sh->rbuf, sizeof(sh->rbuf), left);
				if (n <= 0)
					break;
			}
		}
		ohs__conn_free(sh->conn);
		sh->conn = NULL;
	}
	sh->alive = 0;
	ohs__capbuf_reset(&sh->out[0]);
	ohs__capbuf_reset(&sh->out[1]);
	return 0;
}

void ohs_shell_free(ohs_shell *sh)
{
	if (!sh)
		return;
	ohs_shell_close(sh);
	ohs__capbuf_reset(&sh->etext);
	ohs__strvec_clear(&sh->env);
	ohs__buf_clear(&sh->line);
	free(sh->workdir);
	free(sh->user);
	free(sh->cid);
	free(sh->exec_id);
	free(sh);
}
