/*
 * shell: argument checks (unit) and a persistent /bin/sh in a real sandbox
 * (integration: skipped with 77 when no engine answers, unless
 * OHS_REQUIRE_ENGINE is set).
 */
#include "testutil.h"

#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "client_int.h"

#define TEST_LABEL "org.ohsandbox.test"
static char run_label[64];

static ohs_client *client;
static ohs_session *sess;
static ohs_shell *sh;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ unit */

START_TEST(test_bad_args)
{
	ohs_exec_result *r = (ohs_exec_result *)1;

	ck_assert_ohs_error(ohs_shell_open(NULL, NULL, NULL), OHS_EINVAL, "ohs_shell_open: out is NULL");
	{
		ohs_shell *x = (ohs_shell *)1;

		ck_assert_ohs_error(ohs_shell_open(&x, NULL, NULL), OHS_EINVAL, "ohs_shell_open: s is NULL");
		ck_assert_ptr_null(x);
	}
	ck_assert_ohs_error(ohs_shell_run(NULL, NULL, "true", 0), OHS_EINVAL, "ohs_shell_run: out is NULL");
	ck_assert_ohs_error(ohs_shell_run(&r, NULL, "true", 0), OHS_EINVAL, "ohs_shell_run: sh is NULL");
	ck_assert_ptr_null(r);
	ck_assert_ohs_error(ohs_shell_set_output_cap(NULL, 1), OHS_EINVAL,
		"ohs_shell_set_output_cap: sh is NULL");
	ck_assert_ohs_error(ohs_shell_restart(NULL), OHS_EINVAL, "ohs_shell_restart: sh is NULL");
	ck_assert_ohs_error(ohs_shell_close(NULL), OHS_EINVAL, "ohs_shell_close: sh is NULL");
	ck_assert_int_eq(ohs_shell_alive(NULL), 0);
	ck_assert_int_eq(ohs_shell_restarted(NULL), 0);
	ck_assert_int_eq(ohs_shell_exit_code(NULL), -1);
	ohs_shell_free(NULL);
}
END_TEST

/* ------------------------------------------------------------ engine fixtures */

static int remove_test_containers(void)
{
	ohs_client *c = NULL;
	json_t *list = NULL, *it;
	size_t i;
	int n = 0, rc;
	char *filter, *esc, *path;

	if (ohs_client_new(&c, NULL) < 0)
		return -1;
	filter = ohs__sprintf("{\"label\":[\"%s=%s\"]}", TEST_LABEL, run_label);
	esc = ohs__client_escape(filter);
	path = ohs__sprintf("/containers/json?all=1&filters=%s", esc);
	rc = ohs__client_json(c, "GET", path, NULL, &list, "list");
	free(filter);
	free(esc);
	free(path);
	if (rc < 0) {
		ohs_client_free(c);
		return -1;
	}
	json_array_foreach(list, i, it) {
		const char *id = json_string_value(json_object_get(it, "Id"));
		char *p = id ? ohs__sprintf("/containers/%s?force=1&v=1", id) : NULL;

		if (p)
			ohs__client_request(c, "DELETE", p, NULL, NULL, 0, NULL, "remove");
		free(p);
		n++;
	}
	json_decref(list);
	ohs_client_free(c);
	return n;
}

static void engine_setup(void)
{
	ohs_config *cfg = NULL;
	ohs_exec_opts *o = NULL;
	const char *cmd[] = { "sleep", "3600", NULL };

	ck_assert_ohs_ok(ohs_client_new(&client, NULL));
	ck_assert_ohs_ok(ohs_config_new(&cfg));
	ck_assert_ohs_ok(ohs_config_set_image(cfg, ohs_test_image()));
	ck_assert_ohs_ok(ohs_config_set_command(cfg, cmd));
	ck_assert_ohs_ok(ohs_config_set_label(cfg, TEST_LABEL, run_label));
	ck_assert_ohs_ok(ohs_session_create(&sess, client, cfg, NULL, NULL));
	ohs_config_free(cfg);
	ck_assert_ohs_ok(ohs_session_start(sess));
	ck_assert_ohs_ok(ohs_exec_opts_new(&o));
	ck_assert_ohs_ok(ohs_exec_opts_set_env(o, "OHS_GREETING", "hello world"));
	ck_assert_ohs_ok(ohs_exec_opts_set_workdir(o, "/tmp"));
	ck_assert_ohs_ok(ohs_shell_open(&sh, sess, o));
	ohs_exec_opts_free(o);
	ck_assert_int_eq(ohs_shell_alive(sh), 1);
	ck_assert_int_eq(ohs_shell_restarted(sh), 0);
}

static void engine_teardown(void)
{
	ohs_shell_free(sh);
	sh = NULL;
	if (sess) {
		ohs_session_remove(sess);
		ohs_session_free(sess);
		sess = NULL;
	}
	ohs_client_free(client);
	client = NULL;
}

static void engine_final(void)
{
	remove_test_containers();
}

/* Run `cmd`; the result must be there. */
static ohs_exec_result *run(const char *cmd, long timeout_ms)
{
	ohs_exec_result *r = NULL;

	ck_assert_ohs_ok(ohs_shell_run(&r, sh, cmd, timeout_ms));
	ck_assert_ptr_nonnull(r);
	return r;
}

static void expect(const char *cmd, int code, const char *out, const char *err)
{
	ohs_exec_result *r = run(cmd, 10000);
	size_t len;

	ck_assert_msg(ohs_exec_result_exit_code(r) == code, "%s: exit code %d, expected %d", cmd,
		ohs_exec_result_exit_code(r), code);
	ck_assert_str_eq(ohs_exec_result_stdout(r, &len), out);
	ck_assert_uint_eq(len, strlen(out));
	ck_assert_str_eq(ohs_exec_result_stderr(r, &len), err);
	ck_assert_uint_eq(len, strlen(err));
	ck_assert_int_eq(ohs_exec_result_timed_out(r), 0);
	ck_assert_int_eq(ohs_exec_result_truncated(r), 0);
	ck_assert_int_eq(ohs_shell_restarted(sh), 0);
	ohs_exec_result_free(r);
}

/* ------------------------------------------------------------ integration */

START_TEST(test_persistence)
{
	expect("pwd", 0, "/tmp\n", "");
	expect("echo \"$OHS_GREETING\"", 0, "hello world\n", "");
	expect("mkdir -p /tmp/ohs-d && cd /tmp/ohs-d", 0, "", "");
	expect("pwd", 0, "/tmp/ohs-d\n", "");
	expect("export OHS_V='it''s'; PLAIN=1", 0, "", "");
	expect("echo \"$OHS_V $PLAIN\"; sh -c 'echo child:$OHS_V'", 0, "its 1\nchild:its\n", "");
	expect("f() { echo \"in f $1\"; }", 0, "", "");
	expect("f x", 0, "in f x\n", "");
	/* $? carries over from the previous command, as in a terminal */
	expect("false", 1, "", "");
	expect("echo $?", 0, "1\n", "");
	/* quotes and multi-line commands are passed as they are */
	expect("echo 'a'\"b\"'\\'; echo \"'\"", 0, "ab\\\n'\n", "");
	expect("x=1\nif [ $x = 1 ]; then\n echo yes\nfi", 0, "yes\n", "");
	expect("cat <<'EOF'\nhere $doc\nEOF", 0, "here $doc\n", "");
}
END_TEST

static const struct {
	const char *cmd;
	int code;
	const char *out, *err;
} codes[] = {
	{ "true", 0, "", "" },
	{ "false", 1, "", "" },
	{ "(exit 42)", 42, "", "" },
	{ "sh -c 'exit 255'", 255, "", "" },
	{ "echo out; echo err >&2; (exit 7)", 7, "out\n", "err\n" },
	{ "printf 'no newline'", 0, "no newline", "" },
	{ "printf 'e' >&2", 0, "", "e" },
	{ "ohs_no_such_command_x 2>/dev/null", 127, "", "" },
	{ "", 0, "", "" },
	{ "read x || echo \"eof [$x]\"", 0, "eof []\n", "" },  /* stdin is /dev/null */
	{ "return 9; echo no", 9, "", "" },
	{ "cat", 0, "", "" },
	{ "echo @@OHS_", 0, "@@OHS_\n", "" },
	{ "printf '@'", 0, "@", "" },
	{ "printf '@OHS_0123456789abcdef0123456789abcdef 0\\n'", 0,
		"@OHS_0123456789abcdef0123456789abcdef 0\n", "" },
};

START_TEST(test_exit_codes)
{
	size_t i;

	/* one shell for the whole table (a sandbox per row would be slow) */
	for (i = 0; i < OHS_ARRAY_SIZE(codes); i++) {
		expect(codes[i].cmd, codes[i].code, codes[i].out, codes[i].err);
		/* the shell is still fine after each */
		expect("echo ok", 0, "ok\n", "");
	}
}
END_TEST

START_TEST(test_marker_lookalikes)
{
	ohs_exec_result *r;
	const char *o;
	size_t len;

	/* print this shell's own marker variables and a trace of the framing line */
	r = run("echo \"$__ohs_a\" \"$__ohs_b\"; set; set -x; echo traced; set +x", 10000);
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 0);
	o = ohs_exec_result_stdout(r, &len);
	/* the marker is not in the shell while the command runs (W2) */
	ck_assert_ptr_null(strstr(o, "@OHS_"));
	ck_assert_ptr_nonnull(strstr(o, "__ohs_c="));
	ck_assert_ptr_nonnull(strstr(o, "traced\n"));
	ohs_exec_result_free(r);
	/* with -x left on, the framing is traced to stderr: still framed right */
	r = run("set -x; echo x1", 10000);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "x1\n");
	ohs_exec_result_free(r);
	r = run("echo x2; set +x", 10000);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "x2\n");
	ohs_exec_result_free(r);
	/* -v echoes input lines (with the marker halves) to stderr */
	r = run("set -v", 10000);
	ohs_exec_result_free(r);
	r = run("echo v1", 10000);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "v1\n");
	ohs_exec_result_free(r);
	r = run("set +v", 10000);
	ohs_exec_result_free(r);
	/* a marker-looking '@' split across reads: many of them */
	r = run("i=0; while [ $i -lt 3000 ]; do printf '@OHS_@O@'; i=$((i+1)); done", 10000);
	o = ohs_exec_result_stdout(r, &len);
	ck_assert_uint_eq(len, 3000 * 8);
	ck_assert_int_eq(memcmp(o, "@OHS_@O@@OHS_@O@", 16), 0);
	ohs_exec_result_free(r);
	expect("echo after", 0, "after\n", "");
}
END_TEST

START_TEST(test_binary)
{
	ohs_exec_result *r = run("printf 'a\\000b'; printf '\\000\\001' >&2", 10000);
	const char *o;
	size_t len;

	o = ohs_exec_result_stdout(r, &len);
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(memcmp(o, "a\0b", 3), 0);
	o = ohs_exec_result_stderr(r, &len);
	ck_assert_uint_eq(len, 2);
	ck_assert_int_eq(memcmp(o, "\0\1", 2), 0);
	ohs_exec_result_free(r);
	expect("echo fine", 0, "fine\n", "");
}
END_TEST

START_TEST(test_large_capped)
{
	ohs_exec_result *r;
	size_t len;
	const char *o;

	ck_assert_ohs_ok(ohs_shell_set_output_cap(sh, 1024 * 1024));
	/* 20 MiB of 'x' and a line without newline at the end */
	r = run("dd if=/dev/zero bs=1048576 count=20 2>/dev/null | tr '\\000' x; printf END", 60000);
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 0);
	ck_assert_int_eq(ohs_exec_result_truncated(r), 1);
	o = ohs_exec_result_stdout(r, &len);
	ck_assert_uint_eq(len, 1024 * 1024);
	ck_assert_int_eq(o[0], 'x');
	ck_assert_int_eq(o[len - 1], 'x');
	ohs_exec_result_free(r);
	expect("echo next", 0, "next\n", "");
	/* under the cap: all of it, exactly */
	ck_assert_ohs_ok(ohs_shell_set_output_cap(sh, 0));
	r = run("dd if=/dev/zero bs=1048576 count=3 2>/dev/null | tr '\\000' y; printf END", 60000);
	o = ohs_exec_result_stdout(r, &len);
	ck_assert_uint_eq(len, 3 * 1024 * 1024 + 3);
	ck_assert_int_eq(memcmp(o + len - 3, "END", 3), 0);
	ck_assert_int_eq(ohs_exec_result_truncated(r), 0);
	ohs_exec_result_free(r);
}
END_TEST

START_TEST(test_timeout_child)
{
	ohs_exec_result *r;
	long t0;

	expect("cd /tmp && export KEEP=1 PLAIN=2", 0, "", "");
	t0 = now_ms();
	r = run("echo before; sleep 1000; echo never", 1000);
	ohs_test_assert_within(now_ms() - t0, 1000, "the 1000 ms timeout");
	ck_assert_int_eq(ohs_exec_result_timed_out(r), 1);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "before\n");
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 137);
	ck_assert_int_eq(ohs_shell_restarted(sh), 0);
	ohs_exec_result_free(r);
	/* same shell, all state kept, no sleep left */
	expect("echo $KEEP $PLAIN; pwd", 0, "1 2\n/tmp\n", "");
	expect("ps | grep -c '[s]leep 1000' || true", 0, "0\n", "");
}
END_TEST

START_TEST(test_timeout_builtin_loop)
{
	ohs_exec_result *r;
	long t0;

	expect("cd /tmp && PLAIN=2", 0, "", "");
	t0 = now_ms();
	r = run("echo spin; while :; do :; done; echo never", 500);
	ohs_test_assert_within(now_ms() - t0, 500, "the 500 ms timeout");
	ck_assert_int_eq(ohs_exec_result_timed_out(r), 1);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "spin\n");
	ck_assert_int_eq(ohs_shell_restarted(sh), 0);
	ohs_exec_result_free(r);
	expect("echo $PLAIN", 0, "2\n", "");
}
END_TEST

START_TEST(test_timeout_stuck_restarts)
{
	ohs_exec_result *r;
	long t0;

	expect("cd /tmp && export KEEP=1", 0, "", "");
	t0 = now_ms();
	/* the command ignores the interrupt: the shell is replaced */
	r = run("trap '' USR1; echo spin; while :; do :; done", 500);
	/* the timeout, then the kill grace (2 s in shell.c), then a new shell */
	ohs_test_assert_within(now_ms() - t0, 500 + 2000, "the 500 ms timeout and a restart");
	ck_assert_int_eq(ohs_exec_result_timed_out(r), 1);
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 137);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "spin\n");
	ck_assert_int_eq(ohs_shell_restarted(sh), 1);
	ohs_exec_result_free(r);
	/* a new shell: state lost, but usable */
	ck_assert_int_eq(ohs_shell_alive(sh), 1);
	expect("echo \"[$KEEP]\"; pwd", 0, "[]\n/tmp\n", "");
}
END_TEST

START_TEST(test_exit_command)
{
	ohs_exec_result *r;

	expect("cd /tmp && export KEEP=1 && PLAIN=2", 0, "", "");
	r = run("echo bye; exit 3", 10000);
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 3);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "bye\n");
	ck_assert_int_eq(ohs_shell_restarted(sh), 1);
	ck_assert_int_eq(ohs_shell_alive(sh), 1);
	ohs_exec_result_free(r);
	/* cwd and exported variables survive `exit`, plain variables do not */
	expect("echo \"$KEEP [$PLAIN]\"; pwd", 0, "1 []\n/tmp\n", "");
	/* a syntax error (fatal in a non-interactive sh) is handled the same way */
	r = run("if then", 10000);
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 2);
	ck_assert_ptr_nonnull(strstr(ohs_exec_result_stderr(r, NULL), "syntax error"));
	ohs_exec_result_free(r);
	expect("echo $KEEP", 0, "1\n", "");
	/* set -e + a failure */
	r = run("set -e; false; echo not", 10000);
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 1);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "");
	ohs_exec_result_free(r);
	expect("false; echo still", 0, "still\n", "");
}
END_TEST

START_TEST(test_shell_killed)
{
	ohs_exec_result *r = NULL;
	long t0 = now_ms();

	ck_assert_ohs_error(ohs_shell_run(&r, sh, "echo x; kill -9 $$", 0), OHS_ESTATE,
		"the shell process ended (exit status 137)");
	/* noticed at the end of the stream: no timeout involved */
	ohs_test_assert_within(now_ms() - t0, 0, "noticing the death");
	ck_assert_ptr_null(r);
	ck_assert_int_eq(ohs_shell_alive(sh), 0);
	ck_assert_int_eq(ohs_shell_exit_code(sh), 137);
	ck_assert_ohs_error(ohs_shell_run(&r, sh, "true", 0), OHS_ESTATE,
		"the shell is not running (it ended with exit status 137)");
	/* restart: a new shell */
	ck_assert_ohs_ok(ohs_shell_restart(sh));
	ck_assert_int_eq(ohs_shell_alive(sh), 1);
	ck_assert_int_eq(ohs_shell_restarted(sh), 1);
	expect("echo back", 0, "back\n", "");
}
END_TEST

START_TEST(test_shell_killed_with_child)
{
	ohs_exec_result *r = NULL;
	long t0 = now_ms();

	/* a child keeps the output pipes open: found dead by the idle check */
	ck_assert_ohs_error(ohs_shell_run(&r, sh, "sleep 30 & kill -9 $$", 0), OHS_ESTATE,
		"the shell process ended");
	/* noticed by the idle check (IDLE_CHECK_MS, 1 s in shell.c) */
	ohs_test_assert_within(now_ms() - t0, 1000, "noticing the death by the idle check");
	ck_assert_int_eq(ohs_shell_alive(sh), 0);
}
END_TEST

START_TEST(test_close)
{
	ohs_exec_result *r = NULL;

	ck_assert_ohs_ok(ohs_shell_close(sh));
	ck_assert_int_eq(ohs_shell_alive(sh), 0);
	ck_assert_ohs_error(ohs_shell_run(&r, sh, "true", 0), OHS_ESTATE, "the shell is not running");
	ck_assert_ohs_ok(ohs_shell_close(sh)); /* twice is fine */
	ck_assert_ohs_error(ohs_shell_run(&r, sh, NULL, 0), OHS_EINVAL, "ohs_shell_run: command is NULL");
	ck_assert_ohs_error(ohs_shell_run(&r, sh, "x", -1), OHS_EINVAL, "timeout_ms -1 must be >= 0");
}
END_TEST

START_TEST(test_thousand)
{
	char cmd[64], want[64];
	int i;

	for (i = 0; i < 1000; i++) {
		ohs_exec_result *r;

		snprintf(cmd, sizeof(cmd), "echo %d; echo e%d >&2; (exit %d)", i, i, i % 256);
		snprintf(want, sizeof(want), "%d\n", i);
		r = run(cmd, 10000);
		ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), want);
		snprintf(want, sizeof(want), "e%d\n", i);
		ck_assert_str_eq(ohs_exec_result_stderr(r, NULL), want);
		ck_assert_int_eq(ohs_exec_result_exit_code(r), i % 256);
		ohs_exec_result_free(r);
	}
}
END_TEST

START_TEST(test_open_errors)
{
	ohs_exec_opts *o = NULL;
	ohs_shell *x = (ohs_shell *)1;

	/* a user that does not exist: the exec cannot start */
	ck_assert_ohs_ok(ohs_exec_opts_new(&o));
	ck_assert_ohs_ok(ohs_exec_opts_set_user(o, "ohs_no_such_user"));
	ck_assert_int_lt(ohs_shell_open(&x, sess, o), 0);
	ck_assert_ptr_null(x);
	ohs_exec_opts_free(o);
	/* a stopped sandbox */
	ck_assert_ohs_ok(ohs_session_stop(sess, 0));
	ck_assert_ohs_error(ohs_shell_open(&x, sess, NULL), OHS_ESTATE, "ohs_shell_open");
	ck_assert_ptr_null(x);
}
END_TEST

/* ------------------------------------------------------------ W2: forged results */

static const char *const w2_profiles[] = { "default", "hardened" };

static ohs_session *w2_sess;
static ohs_shell *w2_sh;

static void w2_open(const char *profile)
{
	ohs_config *cfg = NULL;
	ohs_policy *p = NULL;
	const char *cmd[] = { "sleep", "3600", NULL };

	ck_assert_ohs_ok(ohs_client_new(&client, NULL));
	ck_assert_ohs_ok(ohs_config_new(&cfg));
	ck_assert_ohs_ok(ohs_config_set_image(cfg, ohs_test_image()));
	ck_assert_ohs_ok(ohs_config_set_command(cfg, cmd));
	ck_assert_ohs_ok(ohs_config_set_label(cfg, TEST_LABEL, run_label));
	ck_assert_ohs_ok(ohs_policy_new(&p, profile, "enforce"));
	ck_assert_ohs_ok(ohs_config_set_policy(cfg, p));
	ohs_policy_free(p);
	ck_assert_ohs_ok(ohs_session_create(&w2_sess, client, cfg, NULL, NULL));
	ohs_config_free(cfg);
	ck_assert_ohs_ok(ohs_session_start(w2_sess));
	ck_assert_ohs_ok(ohs_shell_open(&w2_sh, w2_sess, NULL));
}

static void w2_close(void)
{
	ohs_shell_free(w2_sh);
	w2_sh = NULL;
	ohs_session_remove(w2_sess);
	ohs_session_free(w2_sess);
	w2_sess = NULL;
	ohs_client_free(client);
	client = NULL;
}

static void w2_expect_real(void)
{
	ohs_exec_result *r = NULL;

	ck_assert_ohs_ok(ohs_shell_run(&r, w2_sh, "echo REAL-OUTPUT; false", 10000));
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "REAL-OUTPUT\n");
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 1);
	ck_assert_int_eq(ohs_exec_result_timed_out(r), 0);
	ohs_exec_result_free(r);
}

/*
 * The review's W2: the agent's command leaves a reader on fd 9 (the
 * protocol stream, in the old shell) that answers the next command with
 * forged output and status, prints what it can see of the marker, prints
 * the done token early so the library sends the marker, and stops the
 * shell.  The next command must give its real result.
 */
START_TEST(test_w2_reader_and_stopped_shell)
{
	static const char attack[] =
		"( exec 2>/dev/null; while IFS= read -r l <&9 || IFS= read -r l; do "
		"m=$(echo \"$l\" | sed -n \"s/.*\\(@OHS_[0-9a-f]*\\)';__ohs_b='\\([0-9a-f]*\\).*/\\1\\2/p\"); "
		"if [ -n \"$m\" ]; then printf 'ALL TESTS PASSED\\n%s 0\\n' \"$m\"; printf '%s 0\\n' \"$m\" >&2; fi; "
		"done ) & "
		"printf '%s%s 0\\n' \"$__ohs_a\" \"$__ohs_b\"; printf '%s%s 0\\n' \"$__ohs_a\" \"$__ohs_b\" >&2; "
		"printf '%s%s' \"$__ohs_d\" \"$__ohs_e\"; sleep 0.3; kill -STOP $$";
	ohs_exec_result *r = NULL;

	w2_open(w2_profiles[_i]);
	/* the reader has nothing to read: the command hangs until its timeout */
	ck_assert_ohs_ok(ohs_shell_run(&r, w2_sh, attack, 3000));
	ck_assert_int_eq(ohs_exec_result_timed_out(r), 1);
	ck_assert_ptr_null(strstr(ohs_exec_result_stdout(r, NULL), "ALL TESTS PASSED"));
	ohs_exec_result_free(r);
	ck_assert_int_eq(ohs_shell_restarted(w2_sh), 1);
	w2_expect_real();
	w2_expect_real();
	w2_close();
}
END_TEST

/* The command cannot see the marker or the protocol stream. */
START_TEST(test_w2_no_marker_no_stream)
{
	ohs_exec_result *r = NULL;

	w2_open(w2_profiles[_i]);
	/* what it can see of a marker does not end it early */
	ck_assert_ohs_ok(ohs_shell_run(&r, w2_sh,
		"printf '%s%s 0\\n' \"$__ohs_a\" \"$__ohs_b\"; printf '%s%s 0\\n' \"$__ohs_a\" \"$__ohs_b\" >&2; "
		"printf '%s%s' \"$__ohs_d\" \"$__ohs_e\"; set | grep -c '@OHS''_'; echo after; false", 10000));
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), " 0\n0\nafter\n");
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 1);
	ohs_exec_result_free(r);
	/* no fd 9, stdin is /dev/null, in the command and in what it starts */
	ck_assert_ohs_ok(ohs_shell_run(&r, w2_sh,
		"ls /proc/self/fd | tr '\\n' ' '; readlink /proc/self/fd/0; "
		"(ls /proc/self/fd | tr '\\n' ' ') & wait", 10000));
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "0 1 2 3 /dev/null\n0 1 2 3 ");
	ohs_exec_result_free(r);
	/* aliases and functions named like the protocol's words change nothing */
	ck_assert_ohs_ok(ohs_shell_run(&r, w2_sh,
		"alias __ohs_run='echo ALL TESTS PASSED; true'; "
		"printf() { echo forged; }; read() { :; }; command() { :; }", 10000));
	ohs_exec_result_free(r);
	w2_expect_real();
	w2_close();
}
END_TEST

START_TEST(test_none_left)
{
	ck_assert_int_eq(remove_test_containers(), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("shell");
	TCase *unit = tcase_create("unit");
	TCase *tc = tcase_create("shell");
	TCase *w2 = tcase_create("w2");
	TCase *last = tcase_create("cleanup");

	tcase_add_test(unit, test_bad_args);
	suite_add_tcase(s, unit);

	snprintf(run_label, sizeof(run_label), "check_shell-%ld", (long)getpid());
	if (getenv("OHS_SHELL_UNIT_ONLY") == NULL) {
		ohs_test_require_engine();
		tcase_set_timeout(tc, 180);
		tcase_add_checked_fixture(tc, engine_setup, engine_teardown);
		tcase_add_unchecked_fixture(tc, NULL, engine_final);
		tcase_add_test(tc, test_persistence);
		tcase_add_test(tc, test_exit_codes);
		tcase_add_test(tc, test_marker_lookalikes);
		tcase_add_test(tc, test_binary);
		tcase_add_test(tc, test_large_capped);
		tcase_add_test(tc, test_timeout_child);
		tcase_add_test(tc, test_timeout_builtin_loop);
		tcase_add_test(tc, test_timeout_stuck_restarts);
		tcase_add_test(tc, test_exit_command);
		tcase_add_test(tc, test_shell_killed);
		tcase_add_test(tc, test_shell_killed_with_child);
		tcase_add_test(tc, test_close);
		tcase_add_test(tc, test_thousand);
		tcase_add_test(tc, test_open_errors);
		tcase_add_loop_test(w2, test_w2_reader_and_stopped_shell, 0,
			(int)OHS_ARRAY_SIZE(w2_profiles));
		tcase_add_loop_test(w2, test_w2_no_marker_no_stream, 0,
			(int)OHS_ARRAY_SIZE(w2_profiles));
		suite_add_tcase(s, tc);
		tcase_set_timeout(w2, 120);
		tcase_add_unchecked_fixture(w2, NULL, engine_final);
		suite_add_tcase(s, w2);

		tcase_add_test(last, test_none_left);
		suite_add_tcase(s, last);
	} else {
		ohs_test_skip_group("check_shell engine tests", "OHS_SHELL_UNIT_ONLY is set");
	}
	return ohs_test_run(s);
}
