/*
 * exec and file transfer: option validation (unit) and real runs against
 * the engine (integration: skipped with 77 when no engine answers, unless
 * OHS_REQUIRE_ENGINE is set).
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "client_int.h"
#include "fakeengine.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/sysmacros.h>

/*
 * Every session of this run carries this label (value: check_exec-<pid of
 * the runner>, so parallel runs leave each other alone); teardown removes them.
 */
#define TEST_LABEL "org.ohsandbox.test"
static char run_label[64];

static ohs_client *client;
static ohs_session *sess;

/* ------------------------------------------------------------ unit: options */

START_TEST(test_opts_valid)
{
	ohs_exec_opts *o = NULL;

	ck_assert_ohs_ok(ohs_exec_opts_new(&o));
	ck_assert_ohs_ok(ohs_exec_opts_set_env(o, "FOO", "bar"));
	ck_assert_ohs_ok(ohs_exec_opts_set_env(o, "FOO", "baz"));      /* replaces */
	ck_assert_ohs_ok(ohs_exec_opts_set_env(o, "_x1", ""));
	ck_assert_ohs_ok(ohs_exec_opts_set_workdir(o, "/tmp"));
	ck_assert_ohs_ok(ohs_exec_opts_set_user(o, "1000"));
	ck_assert_ohs_ok(ohs_exec_opts_set_user(o, "1000:1000"));
	ck_assert_ohs_ok(ohs_exec_opts_set_user(o, "nobody"));
	ck_assert_ohs_ok(ohs_exec_opts_set_timeout(o, 0));
	ck_assert_ohs_ok(ohs_exec_opts_set_timeout(o, 1500));
	ck_assert_ohs_ok(ohs_exec_opts_set_output_cap(o, 0));
	ck_assert_ohs_ok(ohs_exec_opts_set_output_cb(o, NULL, NULL));
	ohs_exec_opts_free(o);
	ohs_exec_opts_free(NULL);
}
END_TEST

static const struct {
	const char *name;
	const char *needle;
} bad_env[] = {
	{ "", "name \"\" is not a valid variable name" },
	{ "1A", "name \"1A\" is not a valid variable name" },
	{ "A-B", "name \"A-B\" is not a valid" },
	{ "A=B", "name \"A=B\" is not a valid" },
	{ "A B", "name \"A B\" is not a valid" },
	{ "OHS_EXEC_ID", "\"OHS_EXEC_ID\" is reserved" },
};

START_TEST(test_opts_bad_env)
{
	ohs_exec_opts *o = NULL;

	ck_assert_ohs_ok(ohs_exec_opts_new(&o));
	ck_assert_ohs_error(ohs_exec_opts_set_env(o, bad_env[_i].name, "v"), OHS_EINVAL,
		bad_env[_i].needle);
	ohs_exec_opts_free(o);
}
END_TEST

static const struct {
	const char *user;
	const char *needle;
} bad_user[] = {
	{ "", "user \"\" is invalid" },
	{ ":1000", "user \":1000\" is invalid" },
	{ "1000:", "user \"1000:\" is invalid" },
	{ "a:b:c", "user \"a:b:c\" is invalid" },
	{ "a b", "user \"a b\" contains whitespace" },
	{ "a\tb", "contains whitespace or control characters" },
};

START_TEST(test_opts_bad_user)
{
	ohs_exec_opts *o = NULL;

	ck_assert_ohs_ok(ohs_exec_opts_new(&o));
	ck_assert_ohs_error(ohs_exec_opts_set_user(o, bad_user[_i].user), OHS_EINVAL,
		bad_user[_i].needle);
	ohs_exec_opts_free(o);
}
END_TEST

START_TEST(test_opts_bad_args)
{
	ohs_exec_opts *o = NULL;

	ck_assert_ohs_error(ohs_exec_opts_new(NULL), OHS_EINVAL, "out is NULL");
	ck_assert_ohs_ok(ohs_exec_opts_new(&o));
	ck_assert_ohs_error(ohs_exec_opts_set_env(NULL, "A", "b"), OHS_EINVAL, "set_env: o is NULL");
	ck_assert_ohs_error(ohs_exec_opts_set_env(o, NULL, "b"), OHS_EINVAL, "name is NULL");
	ck_assert_ohs_error(ohs_exec_opts_set_env(o, "A", NULL), OHS_EINVAL, "value of \"A\" is NULL");
	ck_assert_ohs_error(ohs_exec_opts_set_workdir(NULL, "/"), OHS_EINVAL, "set_workdir: o is NULL");
	ck_assert_ohs_error(ohs_exec_opts_set_workdir(o, NULL), OHS_EINVAL, "path is NULL");
	ck_assert_ohs_error(ohs_exec_opts_set_workdir(o, "tmp"), OHS_EINVAL,
		"path \"tmp\" must be absolute");
	ck_assert_ohs_error(ohs_exec_opts_set_workdir(o, ""), OHS_EINVAL, "path \"\" must be absolute");
	ck_assert_ohs_error(ohs_exec_opts_set_user(NULL, "0"), OHS_EINVAL, "set_user: o is NULL");
	ck_assert_ohs_error(ohs_exec_opts_set_user(o, NULL), OHS_EINVAL, "user is NULL");
	ck_assert_ohs_error(ohs_exec_opts_set_timeout(NULL, 1), OHS_EINVAL, "set_timeout: o is NULL");
	ck_assert_ohs_error(ohs_exec_opts_set_timeout(o, -1), OHS_EINVAL,
		"timeout_ms -1 must be >= 0");
	ck_assert_ohs_error(ohs_exec_opts_set_output_cap(NULL, 1), OHS_EINVAL,
		"set_output_cap: o is NULL");
	ck_assert_ohs_error(ohs_exec_opts_set_output_cb(NULL, NULL, NULL), OHS_EINVAL,
		"set_output_cb: o is NULL");
	ohs_exec_opts_free(o);
}
END_TEST

START_TEST(test_result_null_safe)
{
	size_t len = 99;

	ck_assert_int_eq(ohs_exec_result_exit_code(NULL), -1);
	ck_assert_ptr_null(ohs_exec_result_stdout(NULL, &len));
	ck_assert_uint_eq(len, 0);
	len = 99;
	ck_assert_ptr_null(ohs_exec_result_stderr(NULL, &len));
	ck_assert_uint_eq(len, 0);
	ck_assert_ptr_null(ohs_exec_result_stdout(NULL, NULL));
	ck_assert_int_eq(ohs_exec_result_truncated(NULL), 0);
	ck_assert_int_eq(ohs_exec_result_timed_out(NULL), 0);
	ohs_exec_result_free(NULL);
}
END_TEST

START_TEST(test_exec_bad_args)
{
	ohs_exec_result *r = (ohs_exec_result *)1;
	const char *argv[] = { "true", NULL };
	const char *empty[] = { NULL };
	const char *blank[] = { "", NULL };
	ohs_session *fake = (ohs_session *)&r; /* never dereferenced: checks come first */

	ck_assert_ohs_error(ohs_session_exec(NULL, fake, argv, NULL), OHS_EINVAL,
		"ohs_session_exec: out is NULL");
	ck_assert_ohs_error(ohs_session_exec(&r, NULL, argv, NULL), OHS_EINVAL,
		"ohs_session_exec: s is NULL");
	ck_assert_ptr_null(r);
	ck_assert_ohs_error(ohs_session_exec(&r, fake, NULL, NULL), OHS_EINVAL, "argv is NULL");
	ck_assert_ohs_error(ohs_session_exec(&r, fake, empty, NULL), OHS_EINVAL, "argv is empty");
	ck_assert_ohs_error(ohs_session_exec(&r, fake, blank, NULL), OHS_EINVAL, "argv[0] is empty");
	ck_assert_ohs_error(ohs_session_exec_shell(NULL, fake, "true", NULL), OHS_EINVAL,
		"ohs_session_exec_shell: out is NULL");
	ck_assert_ohs_error(ohs_session_exec_shell(&r, NULL, "true", NULL), OHS_EINVAL,
		"ohs_session_exec_shell: s is NULL");
	ck_assert_ohs_error(ohs_session_exec_shell(&r, fake, NULL, NULL), OHS_EINVAL, "command is NULL");
	ck_assert_ptr_null(r);

	ck_assert_ohs_error(ohs_session_upload(NULL, "/etc/hostname", "/tmp"), OHS_EINVAL,
		"ohs_session_upload: s is NULL");
	ck_assert_ohs_error(ohs_session_upload(fake, NULL, "/tmp"), OHS_EINVAL, "local_path is NULL");
	ck_assert_ohs_error(ohs_session_upload(fake, "/etc/hostname", NULL), OHS_EINVAL,
		"dest_dir is NULL");
	ck_assert_ohs_error(ohs_session_upload(fake, "/etc/hostname", "tmp"), OHS_EINVAL,
		"dest_dir \"tmp\" must be an absolute");
	ck_assert_ohs_error(ohs_session_download(NULL, "/etc", "/tmp"), OHS_EINVAL,
		"ohs_session_download: s is NULL");
	ck_assert_ohs_error(ohs_session_download(fake, NULL, "/tmp"), OHS_EINVAL, "src is NULL");
	ck_assert_ohs_error(ohs_session_download(fake, "/etc", NULL), OHS_EINVAL, "dest_dir is NULL");
	ck_assert_ohs_error(ohs_session_download(fake, "etc", "/tmp"), OHS_EINVAL,
		"src \"etc\" must be an absolute");
}
END_TEST

/* ------------------------------------------------------------ engine fixtures */

/* Force-remove every container carrying the test label; returns how many there were. */
static int remove_test_containers(void)
{
	ohs_client *c = NULL;
	json_t *list = NULL, *it;
	size_t i;
	int n = 0;

	if (ohs_client_new(&c, NULL) < 0)
		return -1;
	{
		char *filter = ohs__sprintf("{\"label\":[\"%s=%s\"]}", TEST_LABEL, run_label);
		char *esc = ohs__client_escape(filter);
		char *path = ohs__sprintf("/containers/json?all=1&filters=%s", esc);
		int rc = ohs__client_json(c, "GET", path, NULL, &list, "list");

		free(filter);
		free(esc);
		free(path);
		if (rc < 0) {
			ohs_client_free(c);
			return -1;
		}
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
	const char *cmd[] = { "sleep", "3600", NULL };

	ck_assert_ohs_ok(ohs_client_new(&client, NULL));
	ck_assert_ohs_ok(ohs_config_new(&cfg));
	ck_assert_ohs_ok(ohs_config_set_image(cfg, ohs_test_image()));
	ck_assert_ohs_ok(ohs_config_set_command(cfg, cmd));
	ck_assert_ohs_ok(ohs_config_set_label(cfg, TEST_LABEL, run_label));
	ck_assert_ohs_ok(ohs_session_create(&sess, client, cfg, NULL, NULL));
	ohs_config_free(cfg);
	ck_assert_ohs_ok(ohs_session_start(sess));
}

static void engine_teardown(void)
{
	if (sess) {
		ohs_session_remove(sess);
		ohs_session_free(sess);
		sess = NULL;
	}
	ohs_client_free(client);
	client = NULL;
}

/* Unchecked (runs in the parent, also after a failed test): nothing may be left. */
static void engine_final(void)
{
	remove_test_containers();
}

static ohs_exec_result *sh(const char *command, const ohs_exec_opts *o)
{
	ohs_exec_result *r = NULL;

	ck_assert_ohs_ok(ohs_session_exec_shell(&r, sess, command, o));
	ck_assert_ptr_nonnull(r);
	return r;
}

/* ------------------------------------------------------------ engine: exec */

START_TEST(test_exec_streams_apart)
{
	ohs_exec_result *r = sh("echo out; echo err >&2; echo more; exit 3", NULL);
	size_t olen = 0, elen = 0;
	const char *o = ohs_exec_result_stdout(r, &olen), *e = ohs_exec_result_stderr(r, &elen);

	ck_assert_int_eq(ohs_exec_result_exit_code(r), 3);
	ck_assert_str_eq(o, "out\nmore\n");
	ck_assert_uint_eq(olen, 9);
	ck_assert_str_eq(e, "err\n");
	ck_assert_uint_eq(elen, 4);
	ck_assert_int_eq(ohs_exec_result_truncated(r), 0);
	ck_assert_int_eq(ohs_exec_result_timed_out(r), 0);
	ohs_exec_result_free(r);
}
END_TEST

START_TEST(test_exec_argv_no_shell)
{
	const char *argv[] = { "echo", "$HOME", "a  b", "*", NULL };
	ohs_exec_result *r = NULL;

	ck_assert_ohs_ok(ohs_session_exec(&r, sess, argv, NULL));
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 0);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "$HOME a  b *\n");
	ck_assert_str_eq(ohs_exec_result_stderr(r, NULL), "");
	ohs_exec_result_free(r);
}
END_TEST

START_TEST(test_exec_env_workdir_user)
{
	ohs_exec_opts *o = NULL;
	ohs_exec_result *r;

	ck_assert_ohs_ok(ohs_exec_opts_new(&o));
	ck_assert_ohs_ok(ohs_exec_opts_set_env(o, "FOO", "bar baz"));
	ck_assert_ohs_ok(ohs_exec_opts_set_workdir(o, "/tmp"));
	ck_assert_ohs_ok(ohs_exec_opts_set_user(o, "1234:2345"));
	r = sh("echo \"$FOO\"; pwd; id -u; id -g; test -n \"$OHS_EXEC_ID\" && echo tagged", o);
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 0);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "bar baz\n/tmp\n1234\n2345\ntagged\n");
	ohs_exec_result_free(r);
	ohs_exec_opts_free(o);
}
END_TEST

/* Exit codes, through the engine's OCI error (argv) and through the shell. */
static const struct {
	const char *argv0;   /* argv form, or NULL */
	const char *shell;   /* shell form, or NULL */
	int code;
	const char *err;     /* stderr must contain */
} codes[] = {
	{ "nosuchcmd-ohs", NULL, 127, "executable file not found" },
	{ "/no/such/file", NULL, 127, "no such file or directory" },
	{ "/", NULL, 126, "permission denied" },
	{ "/etc/passwd-not-exec", NULL, 127, "no such file" },
	{ NULL, "nosuchcmd-ohs", 127, "not found" },
	{ NULL, "/tmp", 126, "Permission denied" },
	{ NULL, "exit 0", 0, "" },
	{ NULL, "exit 1", 1, "" },
	{ NULL, "exit 255", 255, "" },
	{ NULL, "kill -TERM $$", 143, "" },
};

START_TEST(test_exec_exit_codes)
{
	ohs_exec_result *r = NULL;

	if (codes[_i].argv0) {
		const char *argv[] = { codes[_i].argv0, NULL };

		ck_assert_ohs_ok(ohs_session_exec(&r, sess, argv, NULL));
	} else {
		r = sh(codes[_i].shell, NULL);
	}
	ck_assert_msg(ohs_exec_result_exit_code(r) == codes[_i].code, "%s: exit %d, expected %d (stderr %s)",
		codes[_i].argv0 ? codes[_i].argv0 : codes[_i].shell, ohs_exec_result_exit_code(r),
		codes[_i].code, ohs_exec_result_stderr(r, NULL));
	ck_assert_msg(strstr(ohs_exec_result_stderr(r, NULL), codes[_i].err) != NULL,
		"stderr \"%s\" lacks \"%s\"", ohs_exec_result_stderr(r, NULL), codes[_i].err);
	/* the engine's error text is moved out of stdout */
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "");
	ohs_exec_result_free(r);
}
END_TEST

typedef struct {
	ohs__buf out, err;
	int calls, bad_stream, abort_after;
} cbdata;

static int collect(int stream, const char *data, size_t len, void *payload)
{
	cbdata *d = payload;

	d->calls++;
	if (stream == 1)
		ohs__buf_append(&d->out, data, len);
	else if (stream == 2)
		ohs__buf_append(&d->err, data, len);
	else
		d->bad_stream = 1;
	if (d->abort_after && d->calls >= d->abort_after)
		return -42;
	return 0;
}

START_TEST(test_exec_tty)
{
	ohs_exec_opts *o = NULL;
	ohs_exec_result *r;
	const char *out;
	size_t elen = 1;

	ck_assert_ohs_ok(ohs_exec_opts_new(&o));
	ck_assert_ohs_ok(ohs_exec_opts_set_tty(o, 1));
	r = sh("[ -t 1 ] && echo on-a-tty; echo to-stderr >&2; exit 4", o);
	out = ohs_exec_result_stdout(r, NULL);
	/* one raw stream: everything is stdout, with terminal line endings */
	ck_assert_ptr_nonnull(strstr(out, "on-a-tty\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "to-stderr"));
	ohs_exec_result_stderr(r, &elen);
	ck_assert_uint_eq(elen, 0);
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 4);
	ohs_exec_result_free(r);

	/* without: no terminal, streams apart */
	ck_assert_ohs_ok(ohs_exec_opts_set_tty(o, 0));
	r = sh("[ -t 1 ] || echo no-tty", o);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "no-tty\n");
	ohs_exec_result_free(r);
	ohs_exec_opts_free(o);
	ck_assert_ohs_error(ohs_exec_opts_set_tty(NULL, 1), OHS_EINVAL, "o is NULL");
}
END_TEST

START_TEST(test_exec_output_cb)
{
	ohs_exec_opts *o = NULL;
	ohs_exec_result *r;
	cbdata d;

	memset(&d, 0, sizeof(d));
	ck_assert_ohs_ok(ohs_exec_opts_new(&o));
	ck_assert_ohs_ok(ohs_exec_opts_set_output_cb(o, collect, &d));
	r = sh("for i in 1 2 3; do echo line$i; echo e$i >&2; done", o);
	ck_assert_int_eq(d.bad_stream, 0);
	ck_assert_int_ge(d.calls, 2);
	ck_assert_str_eq(d.out.data, "line1\nline2\nline3\n");
	ck_assert_str_eq(d.err.data, "e1\ne2\ne3\n");
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), d.out.data);
	ck_assert_str_eq(ohs_exec_result_stderr(r, NULL), d.err.data);
	ohs_exec_result_free(r);
	ohs__buf_clear(&d.out);
	ohs__buf_clear(&d.err);

	/* the OCI error reaches the callback as stderr, and the exit code is
	 * told from the whole text even with a one-byte output cap */
	{
		const char *argv[] = { "nosuchcmd-ohs", NULL };

		ck_assert_ohs_ok(ohs_exec_opts_set_output_cap(o, 1));
		memset(&d, 0, sizeof(d));
		ck_assert_ohs_ok(ohs_session_exec(&r, sess, argv, o));
		ck_assert_int_eq(ohs_exec_result_exit_code(r), 127);
		ck_assert_ptr_null(d.out.data);
		ck_assert_ptr_nonnull(strstr(d.err.data, "executable file not found"));
		ohs_exec_result_free(r);
		ohs__buf_clear(&d.err);
	}

	/* a callback that aborts: error returned, no result, the command is killed */
	memset(&d, 0, sizeof(d));
	d.abort_after = 1;
	r = (ohs_exec_result *)1;
	ck_assert_ohs_error(ohs_session_exec_shell(&r, sess, "echo go; exec sleep 999", o), -42,
		"output callback returned -42");
	ck_assert_ptr_null(r);
	ohs__buf_clear(&d.out);
	ohs__buf_clear(&d.err);
	ohs_exec_opts_free(o);

	r = sh("for p in /proc/[0-9]*; do cat $p/cmdline 2>/dev/null | tr '\\0' ' '; echo; done | grep -c '^sleep 999' || true", NULL);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "0\n");
	ohs_exec_result_free(r);
}
END_TEST

START_TEST(test_exec_timeout)
{
	ohs_exec_opts *o = NULL;
	ohs_exec_result *r = NULL;
	struct timespec t0, t1;
	double secs;

	ck_assert_ohs_ok(ohs_exec_opts_new(&o));
	ck_assert_ohs_ok(ohs_exec_opts_set_timeout(o, 1000));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* a child in the background too: it must die as well */
	ck_assert_ohs_ok(ohs_session_exec_shell(&r, sess, "echo started; sleep 1001 & sleep 1000", o));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* not early (a correctness bound), and loosely not late */
	ck_assert_msg(secs >= 0.9, "the 1000 ms timeout fired after %.2f s", secs);
	ohs_test_assert_within(secs * 1000, 1000, "the 1000 ms timeout");
	ck_assert_int_eq(ohs_exec_result_timed_out(r), 1);
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 137);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "started\n");
	ohs_exec_result_free(r);

	/* the argv form, as another user */
	{
		const char *argv[] = { "sleep", "1002", NULL };

		ck_assert_ohs_ok(ohs_exec_opts_set_user(o, "1000"));
		ck_assert_ohs_ok(ohs_session_exec(&r, sess, argv, o));
		ck_assert_int_eq(ohs_exec_result_timed_out(r), 1);
		ohs_exec_result_free(r);
	}
	ohs_exec_opts_free(o);

	/* the session stays usable, and no sleep is left */
	r = sh("for p in /proc/[0-9]*; do cat $p/cmdline 2>/dev/null | tr '\\0' ' '; echo; done | grep -c '^sleep 100' || true", NULL);
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 0);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "0\n");
	ohs_exec_result_free(r);

	/* a command that ends before its deadline is not flagged */
	ck_assert_ohs_ok(ohs_exec_opts_new(&o));
	ck_assert_ohs_ok(ohs_exec_opts_set_timeout(o, 10000));
	r = sh("echo quick", o);
	ck_assert_int_eq(ohs_exec_result_timed_out(r), 0);
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 0);
	ohs_exec_result_free(r);
	ohs_exec_opts_free(o);
}
END_TEST

START_TEST(test_exec_output_cap)
{
	ohs_exec_opts *o = NULL;
	ohs_exec_result *r;
	struct rusage ru;
	size_t len = 0, elen = 0;
	const char *out;
	size_t i;

	ck_assert_ohs_ok(ohs_exec_opts_new(&o));
	ck_assert_ohs_ok(ohs_exec_opts_set_output_cap(o, 1024 * 1024));
	r = sh("head -c 52428800 /dev/zero | tr '\\0' x; echo done >&2", o);
	out = ohs_exec_result_stdout(r, &len);
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 0);
	ck_assert_uint_eq(len, 1024 * 1024);
	ck_assert_int_eq(ohs_exec_result_truncated(r), 1);
	for (i = 0; i < len; i++)
		if (out[i] != 'x')
			ck_abort_msg("byte %zu is %d", i, out[i]);
	ck_assert_int_eq(out[len], '\0');
	ck_assert_str_eq(ohs_exec_result_stderr(r, &elen), "done\n");
	ohs_exec_result_free(r);
	ohs_exec_opts_free(o);
	/* 50 MB went through; memory stayed near the cap (not meaningful under valgrind) */
	getrusage(RUSAGE_SELF, &ru);
	if (!ohs_test_under_valgrind())
		ck_assert_msg(ru.ru_maxrss < 40 * 1024, "max RSS %ld KiB: output not bounded",
			ru.ru_maxrss);

	/* under the cap: not truncated */
	r = sh("head -c 1000 /dev/zero", NULL);
	ohs_exec_result_stdout(r, &len);
	ck_assert_uint_eq(len, 1000);
	ck_assert_int_eq(ohs_exec_result_truncated(r), 0);
	ohs_exec_result_free(r);
}
END_TEST

START_TEST(test_exec_stopped_session)
{
	ohs_exec_result *r = (ohs_exec_result *)1;
	int rc;

	ck_assert_ohs_ok(ohs_session_pause(sess));
	ck_assert_ohs_error(ohs_session_exec_shell(&r, sess, "true", NULL), OHS_ESTATE, "is paused");
	ck_assert_ptr_null(r);
	ck_assert_ohs_ok(ohs_session_resume(sess));
	r = sh("echo back", NULL);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "back\n");
	ohs_exec_result_free(r);

	ck_assert_ohs_ok(ohs_session_stop(sess, 0));
	/* the message says the sandbox exited, how, and what to do */
	ck_assert_ohs_error(rc = ohs_session_exec_shell(&r, sess, "true", NULL), OHS_ESTATE,
		"is not running: its main process exited");
	ck_assert_ptr_null(r);
	ck_assert_ptr_nonnull(strstr(ohs_error_last(), "ohs_session_exec: sandbox \""));
	ck_assert_ptr_nonnull(strstr(ohs_error_last(), "it was stopped or killed"));
}
END_TEST

/*
 * Review 2C (A4): in a hardened sandbox an exec (or a shell) as root is
 * refused before the exec exists; the sandbox's own user still works.  The
 * fixture's default-profile session may exec as root.
 */
START_TEST(test_exec_hardened_refuses_root)
{
	static const char *const root[] = { "0", "root", "+0", "-0", "0:0", "root:root" };
	const char *cmd[] = { "sleep", "3600", NULL };
	const char *argv[] = { "id", "-u", NULL };
	ohs_config *cfg = NULL;
	ohs_policy *pol = NULL;
	ohs_session *hs = NULL;
	ohs_exec_opts *o = NULL;
	ohs_exec_result *r = NULL;
	ohs_shell *shl = (ohs_shell *)1;
	size_t i;

	ck_assert_ohs_ok(ohs_config_new(&cfg));
	ck_assert_ohs_ok(ohs_config_set_image(cfg, ohs_test_image()));
	ck_assert_ohs_ok(ohs_config_set_command(cfg, cmd));
	ck_assert_ohs_ok(ohs_config_set_label(cfg, TEST_LABEL, run_label));
	ck_assert_ohs_ok(ohs_policy_new(&pol, "hardened", "enforce"));
	ck_assert_ohs_ok(ohs_config_set_policy(cfg, pol));
	ck_assert_ohs_ok(ohs_session_create(&hs, client, cfg, NULL, NULL));
	ohs_policy_free(pol);
	ohs_config_free(cfg);
	ck_assert_ohs_ok(ohs_session_start(hs));

	ck_assert_ohs_ok(ohs_exec_opts_new(&o));
	for (i = 0; i < OHS_ARRAY_SIZE(root); i++) {
		char *needle = ohs__sprintf("ohs_session_exec: security profile \"hardened\" refuses exec user \"%s\"",
			root[i]);

		ck_assert_ohs_ok(ohs_exec_opts_set_user(o, root[i]));
		r = (ohs_exec_result *)1;
		ck_assert_ohs_error(ohs_session_exec(&r, hs, argv, o), OHS_EPOLICY, needle);
		ck_assert_ptr_null(r);
		free(needle);
	}
	ck_assert_ohs_error(ohs_shell_open(&shl, hs, o), OHS_EPOLICY,
		"ohs_shell_open: security profile \"hardened\" refuses exec user \"root:root\"");
	ck_assert_ptr_null(shl);
	ohs_exec_opts_free(o);

	/* the sandbox's own (non-root) user */
	ck_assert_ohs_ok(ohs_session_exec(&r, hs, argv, NULL));
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 0);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "65534\n");
	ohs_exec_result_free(r);

	ck_assert_ohs_ok(ohs_session_remove(hs));
	ohs_session_free(hs);

	/* the default profile does not refuse it */
	ck_assert_ohs_ok(ohs_exec_opts_new(&o));
	ck_assert_ohs_ok(ohs_exec_opts_set_user(o, "0"));
	ck_assert_ohs_ok(ohs_session_exec(&r, sess, argv, o));
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "0\n");
	ohs_exec_result_free(r);
	ohs_exec_opts_free(o);
}
END_TEST

/* ------------------------------------------------------------ engine: files */

static char tmpdir[64];

static void mkpath(const char *rel)
{
	char *p = ohs__sprintf("%s/%s", tmpdir, rel);

	ck_assert_int_eq(mkdir(p, 0755), 0);
	free(p);
}

static void write_file(const char *rel, const void *data, size_t len, mode_t mode)
{
	char *p = ohs__sprintf("%s/%s", tmpdir, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	chmod(p, mode);
	free(p);
}

static char *read_file(const char *rel, size_t *len)
{
	char *p = ohs__sprintf("%s/%s", tmpdir, rel);
	FILE *f = fopen(p, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s: %s", p, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	free(p);
	*len = (size_t)n;
	return buf;
}

static void files_setup(void)
{
	strcpy(tmpdir, "/tmp/ohs-test-exec-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	engine_setup();
}

static void files_teardown(void)
{
	char *cmd = ohs__sprintf("rm -rf '%s'", tmpdir);

	engine_teardown();
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	free(cmd);
}

START_TEST(test_files_roundtrip_5mb)
{
	size_t n = 5 * 1024 * 1024, got = 0, len;
	char *data = malloc(n), *back, *p;
	ohs_exec_result *r;

	while (got < n)
		got += (size_t)getrandom(data + got, n - got, 0);
	write_file("big.bin", data, n, 0640);
	p = ohs__sprintf("%s/big.bin", tmpdir);
	ck_assert_ohs_ok(ohs_session_upload(sess, p, "/tmp"));
	free(p);

	r = sh("wc -c < /tmp/big.bin; stat -c %a /tmp/big.bin", NULL);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "5242880\n640\n");
	ohs_exec_result_free(r);

	mkpath("back");
	p = ohs__sprintf("%s/back", tmpdir);
	ck_assert_ohs_ok(ohs_session_download(sess, "/tmp/big.bin", p));
	free(p);
	back = read_file("back/big.bin", &len);
	ck_assert_uint_eq(len, n);
	ck_assert_int_eq(memcmp(data, back, n), 0);
	free(back);
	free(data);
}
END_TEST

START_TEST(test_files_directory)
{
	ohs_exec_result *r;
	char *p, *c;
	size_t len;
	struct stat st;

	mkpath("tree");
	mkpath("tree/sub");
	mkpath("tree/sub/deeper");
	mkpath("tree/empty");
	write_file("tree/a.txt", "alpha\n", 6, 0644);
	write_file("tree/sub/run.sh", "#!/bin/sh\necho ran\n", 19, 0755);
	write_file("tree/sub/deeper/z", "", 0, 0600);
	p = ohs__sprintf("%s/tree/link", tmpdir);
	ck_assert_int_eq(symlink("sub/run.sh", p), 0);
	free(p);

	p = ohs__sprintf("%s/tree", tmpdir);
	ck_assert_ohs_ok(ohs_session_upload(sess, p, "/tmp"));
	free(p);
	r = sh("cat /tmp/tree/a.txt; /tmp/tree/link; ls /tmp/tree/empty | wc -l; "
		"stat -c %a /tmp/tree/sub/deeper/z; readlink /tmp/tree/link", NULL);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "alpha\nran\n0\n600\nsub/run.sh\n");
	ohs_exec_result_free(r);

	/* change it in the container and bring it back */
	r = sh("echo beta > /tmp/tree/sub/deeper/new && rm /tmp/tree/a.txt", NULL);
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 0);
	ohs_exec_result_free(r);
	mkpath("back");
	p = ohs__sprintf("%s/back/", tmpdir);
	{
		size_t skipped = 9;

		/* the relative symlink stays inside: kept when asked for */
		ck_assert_ohs_ok(ohs_session_download_ex(sess, "/tmp/tree", p, OHS_DOWNLOAD_SYMLINKS,
			&skipped));
		ck_assert_uint_eq(skipped, 0);
	}
	free(p);
	c = read_file("back/tree/sub/deeper/new", &len);
	ck_assert_uint_eq(len, 5);
	ck_assert_int_eq(memcmp(c, "beta\n", 5), 0);
	free(c);
	c = read_file("back/tree/sub/run.sh", &len);
	ck_assert_uint_eq(len, 19);
	free(c);
	p = ohs__sprintf("%s/back/tree/sub/run.sh", tmpdir);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0755);
	free(p);
	p = ohs__sprintf("%s/back/tree/a.txt", tmpdir);
	ck_assert_int_ne(access(p, F_OK), 0);
	free(p);
	p = ohs__sprintf("%s/back/tree/empty", tmpdir);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	free(p);
	{
		char target[64] = {0};

		p = ohs__sprintf("%s/back/tree/link", tmpdir);
		ck_assert_int_gt(readlink(p, target, sizeof(target) - 1), 0);
		ck_assert_str_eq(target, "sub/run.sh");
		free(p);
	}
}
END_TEST

START_TEST(test_files_errors)
{
	char *p, *q;

	p = ohs__sprintf("%s/missing.txt", tmpdir);
	ck_assert_ohs_error(ohs_session_upload(sess, p, "/tmp"), OHS_ENOTFOUND, p);
	free(p);

	write_file("f.txt", "x", 1, 0644);
	p = ohs__sprintf("%s/f.txt", tmpdir);
	ck_assert_ohs_error(ohs_session_upload(sess, p, "/no/such/dir"), OHS_ENOTFOUND,
		"container directory \"/no/such/dir\" not found");
	ck_assert_ohs_error(ohs_session_upload(sess, "/", "/tmp"), OHS_EINVAL, "has no name");

	ck_assert_ohs_error(ohs_session_download(sess, "/no/such/file", tmpdir), OHS_ENOTFOUND,
		"container path \"/no/such/file\" not found");
	q = ohs__sprintf("%s/nodir", tmpdir);
	ck_assert_ohs_error(ohs_session_download(sess, "/etc", q), OHS_ENOTFOUND, q);
	free(q);
	ck_assert_ohs_error(ohs_session_download(sess, "/etc", p), OHS_EINVAL, "is not a directory");
	free(p);
}
END_TEST

/* ------------------------------------------------------------ download: hostile archives */

/* Host path under tmpdir. */
static char *tpath(const char *rel)
{
	return ohs__sprintf("%s/%s", tmpdir, rel);
}

/* lstat of tmpdir/rel: 0 when it exists (st filled), -1 when it does not. */
static int tlstat(const char *rel, struct stat *st)
{
	char *p = tpath(rel);
	int rc = lstat(p, st);

	free(p);
	return rc;
}

typedef struct {
	const char *name;
	unsigned type;           /* AE_IF* */
	unsigned perm;
	const char *symlink;
	const char *hardlink;
	long uid;
	const char *data;
} tar_member;

/* A pax tar of the members, malloc'd. */
static char *make_tar(const tar_member *m, size_t n, size_t *len)
{
	size_t cap = 1024 * 1024, i;
	char *buf = malloc(cap);
	struct archive *a = archive_write_new();

	ck_assert_ptr_nonnull(buf);
	archive_write_set_format_pax_restricted(a);
	archive_write_set_bytes_in_last_block(a, 1);
	ck_assert_int_eq(archive_write_open_memory(a, buf, cap, len), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		size_t dlen = m[i].data ? strlen(m[i].data) : 0;

		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_filetype(e, m[i].type);
		archive_entry_set_perm(e, m[i].perm);
		archive_entry_set_uid(e, m[i].uid);
		archive_entry_set_gid(e, m[i].uid);
		if (m[i].type == AE_IFCHR || m[i].type == AE_IFBLK)
			archive_entry_set_rdev(e, makedev(7, 0));
		if (m[i].symlink)
			archive_entry_set_symlink(e, m[i].symlink);
		if (m[i].hardlink)
			archive_entry_set_hardlink(e, m[i].hardlink);
		archive_entry_set_size(e, (la_int64_t)dlen);
		ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
		if (dlen)
			ck_assert_int_eq(archive_write_data(a, m[i].data, dlen), (la_ssize_t)dlen);
		archive_entry_free(e);
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	return buf;
}

#define FAKE_INSPECT "{\"Id\":\"fakeid\",\"Name\":\"/ohs-fake\",\"State\":{\"Running\":true}," \
	"\"Config\":{\"Labels\":{\"org.ohsandbox.managed\":\"true\",\"org.ohsandbox.session\":\"0123abcd\"}}," \
	"\"NetworkSettings\":{\"Ports\":{}}}"

static fake_engine *fe;
static ohs_client *fcli;
static ohs_session *fsess;

static void fake_setup(void)
{
	char *env[2];

	strcpy(tmpdir, "/tmp/ohs-test-exec-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	ck_assert_ptr_nonnull(fe = fake_engine_start());
	env[0] = ohs__sprintf("DOCKER_HOST=%s", fake_engine_host(fe));
	env[1] = NULL;
	ck_assert_ohs_ok(ohs_client_new(&fcli, (const char *const *)env));
	free(env[0]);
	fake_engine_add_body(fe, "GET /v1.41/containers/fakeid/json", 200, "application/json",
		FAKE_INSPECT, (size_t)-1);
	fake_engine_add_body(fe, "GET /v1.41/networks", 200, "application/json", "[]", 2);
	ck_assert_ohs_ok(ohs_session_open(&fsess, fcli, "fakeid"));
}

static void fake_teardown(void)
{
	char *cmd = ohs__sprintf("rm -rf '%s'", tmpdir);

	ohs_session_free(fsess);
	fsess = NULL;
	ohs_client_free(fcli);
	fcli = NULL;
	fake_engine_stop(fe);
	fe = NULL;
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	free(cmd);
}

static void serve_tar(const tar_member *m, size_t n)
{
	size_t len;
	char *tar = make_tar(m, n, &len);

	fake_engine_add_body(fe, "GET /v1.41/containers/fakeid/archive", 200, "application/x-tar",
		tar, len);
	free(tar);
}

/* Nothing below tmpdir/d is anything but a regular file or directory
 * without setuid/setgid/sticky bits, owned by us; returns the number seen. */
static int only_plain(const char *rel)
{
	char *cmd = ohs__sprintf("find '%s/%s' ! -type f ! -type d -o -perm /7000 -o ! -user %ld",
		tmpdir, rel, (long)getuid());
	FILE *f = popen(cmd, "r");
	char line[4096];
	int bad = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		fprintf(stderr, "planted: %s", line);
		bad++;
	}
	pclose(f);
	free(cmd);
	return bad;
}

static const tar_member hostile[] = {
	{ "x", AE_IFDIR, 02777 | 01000, NULL, NULL, 4242, NULL },
	{ "x/ok.txt", AE_IFREG, 0644, NULL, NULL, 4242, "fine\n" },
	{ "x/suid", AE_IFREG, 04755, NULL, NULL, 0, "#!/bin/sh\n" },
	{ "x/sgid", AE_IFREG, 02755, NULL, NULL, 0, "x" },
	{ "x/chr", AE_IFCHR, 0666, NULL, NULL, 0, NULL },
	{ "x/blk", AE_IFBLK, 0666, NULL, NULL, 0, NULL },
	{ "x/fifo", AE_IFIFO, 0666, NULL, NULL, 0, NULL },
	{ "x/abs", AE_IFLNK, 0777, "/etc/passwd", NULL, 0, NULL },
	{ "x/esc", AE_IFLNK, 0777, "../../../etc/passwd", NULL, 0, NULL },
	{ "x/esc2", AE_IFLNK, 0777, "../..", NULL, 0, NULL },
	{ "x/self", AE_IFLNK, 0777, ".", NULL, 0, NULL },
	{ "x/viaself", AE_IFLNK, 0777, "self/..", NULL, 0, NULL },
	{ "x/rel", AE_IFLNK, 0777, "ok.txt", NULL, 0, NULL },
	{ "x/up", AE_IFLNK, 0777, "../x/ok.txt", NULL, 0, NULL },
	{ "x/hard", AE_IFREG, 0644, NULL, "x/ok.txt", 0, NULL },
	{ "x/hardlink-to-link", AE_IFREG, 0644, NULL, "x/rel", 0, NULL },
	{ "x/setgid-dir", AE_IFDIR, 02775, NULL, NULL, 0, NULL },
	{ "x/setgid-dir/in", AE_IFREG, 06777, NULL, NULL, 1, "in" },
};

START_TEST(test_download_hostile_default)
{
	struct stat st;
	size_t skipped = 99;
	char *d = tpath("d");
	mode_t um = umask(022);

	serve_tar(hostile, OHS_ARRAY_SIZE(hostile));
	ck_assert_int_eq(mkdir(d, 0755), 0);
	ck_assert_ohs_ok(ohs_session_download_ex(fsess, "/x", d, 0, &skipped));
	/* chr, blk, fifo, 7 symlinks, the hard link to a symlink (tar has no sockets) */
	ck_assert_uint_eq(skipped, 11);
	ck_assert_int_eq(only_plain("d"), 0);
	ck_assert_int_eq(tlstat("d/x/ok.txt", &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	ck_assert_int_eq(tlstat("d/x/suid", &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07777, 0755);
	ck_assert_int_eq(tlstat("d/x/sgid", &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0755);
	ck_assert_int_eq(tlstat("d/x", &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07000, 0);
	ck_assert_uint_eq(st.st_uid, getuid());
	ck_assert_int_eq(tlstat("d/x/setgid-dir", &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0755);
	ck_assert_int_eq(tlstat("d/x/setgid-dir/in", &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0755);
	ck_assert_int_eq(tlstat("d/x/hard", &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_nlink, 2);
	ck_assert_int_ne(tlstat("d/x/chr", &st), 0);
	ck_assert_int_ne(tlstat("d/x/blk", &st), 0);
	ck_assert_int_ne(tlstat("d/x/fifo", &st), 0);
	ck_assert_int_ne(tlstat("d/x/abs", &st), 0);
	ck_assert_int_ne(tlstat("d/x/esc", &st), 0);
	ck_assert_int_ne(tlstat("d/x/rel", &st), 0);
	ck_assert_int_ne(tlstat("d/x/hardlink-to-link", &st), 0);

	/* the plain call behaves the same (and counts nowhere) */
	free(d);
	d = tpath("d2");
	ck_assert_int_eq(mkdir(d, 0755), 0);
	ck_assert_ohs_ok(ohs_session_download(fsess, "/x", d));
	ck_assert_int_eq(only_plain("d2"), 0);
	ck_assert_int_eq(tlstat("d2/x/ok.txt", &st), 0);
	free(d);
	umask(um);
}
END_TEST

START_TEST(test_download_hostile_symlinks_opt_in)
{
	struct stat st;
	size_t skipped = 0;
	char *d = tpath("d"), target[64] = {0}, *p;

	serve_tar(hostile, OHS_ARRAY_SIZE(hostile));
	ck_assert_int_eq(mkdir(d, 0755), 0);
	ck_assert_ohs_ok(ohs_session_download_ex(fsess, "/x", d, OHS_DOWNLOAD_SYMLINKS, &skipped));
	/* chr, blk, fifo, abs, esc, esc2, viaself, the hard link to a symlink */
	ck_assert_uint_eq(skipped, 8);
	ck_assert_int_eq(tlstat("d/x/rel", &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	p = tpath("d/x/rel");
	ck_assert_int_gt(readlink(p, target, sizeof(target) - 1), 0);
	ck_assert_str_eq(target, "ok.txt");
	free(p);
	ck_assert_int_eq(tlstat("d/x/up", &st), 0);
	ck_assert_int_eq(tlstat("d/x/self", &st), 0);
	ck_assert_int_ne(tlstat("d/x/abs", &st), 0);
	ck_assert_int_ne(tlstat("d/x/esc", &st), 0);
	ck_assert_int_ne(tlstat("d/x/esc2", &st), 0);
	ck_assert_int_ne(tlstat("d/x/viaself", &st), 0);
	ck_assert_int_ne(tlstat("d/x/chr", &st), 0);
	ck_assert_int_ne(tlstat("d/x/fifo", &st), 0);
	ck_assert_int_ne(tlstat("d/x/hardlink-to-link", &st), 0);

	ck_assert_ohs_error(ohs_session_download_ex(fsess, "/x", d, 0x10, NULL), OHS_EINVAL,
		"ohs_session_download_ex: unknown flags 0x10");
	free(d);
}
END_TEST

START_TEST(test_download_traversal_refused)
{
	static const tar_member dotdot[] = {
		{ "x/../../escaped", AE_IFREG, 0644, NULL, NULL, 0, "no" },
	};
	static const tar_member hard_out[] = {
		{ "x/h", AE_IFREG, 0644, NULL, "../../etc/passwd", 0, NULL },
	};
	struct stat st;
	char *d = tpath("d");

	ck_assert_int_eq(mkdir(d, 0755), 0);
	serve_tar(dotdot, 1);
	ck_assert_ohs_error(ohs_session_download(fsess, "/x", d), OHS_EIO,
		"archive member \"x/../../escaped\" would be written outside");
	ck_assert_int_ne(tlstat("escaped", &st), 0);
	serve_tar(hard_out, 1);
	ck_assert_ohs_error(ohs_session_download(fsess, "/x", d), OHS_EIO,
		"archive member \"x/h\" would be written outside");
	free(d);
}
END_TEST

/* The transfer is cut in the middle of the tar: the transport's error is
 * reported, not the tar reader's complaint about the short stream. */
START_TEST(test_download_cut_reports_transport)
{
	static const tar_member big[] = {
		{ "x", AE_IFREG, 0644, NULL, NULL, 0,
		  "0123456789012345678901234567890123456789012345678901234567890123456789" },
	};
	size_t len;
	char *tar = make_tar(big, 1, &len), *head;
	char *d = tpath("d");
	ohs__buf b = {0};

	ck_assert_int_eq(mkdir(d, 0755), 0);
	head = ohs__sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\n"
		"Content-Length: %zu\r\n\r\n", len);
	ck_assert_int_eq(ohs__buf_append(&b, head, strlen(head)), 0);
	ck_assert_int_eq(ohs__buf_append(&b, tar, 700), 0);
	fake_engine_add(fe, "GET /v1.41/containers/fakeid/archive", FAKE_REPLY_CLOSE, b.data, b.len);
	ck_assert_ohs_error(ohs_session_download(fsess, "/x", d), OHS_EPROTOCOL,
		"ohs_session_download: container path \"/x\" to");
	ck_assert_ptr_null(strstr(ohs_error_last(), "tar stream"));
	ohs__buf_clear(&b);
	free(head);
	free(tar);
	free(d);
}
END_TEST

/*
 * W1 against the real engine: a root sandbox under the default profile
 * makes a device node, a FIFO, a setuid binary, a setgid directory and
 * symlinks out; the download plants none of them on the host.
 */
START_TEST(test_download_plants_nothing)
{
	ohs_exec_result *r;
	struct stat st;
	size_t skipped = 0;
	char *d = tpath("back");

	r = sh("set -e; mkdir -p /tmp/w1/sg; cd /tmp/w1; echo data > plain; "
		"mknod disk b 7 0; mknod tty c 5 0; chmod 666 disk; mkfifo fifo; "
		"cp /bin/busybox bb; chmod 4755 bb; chmod 2775 sg; chmod 1777 .; "
		"ln -s /etc/passwd pw; ln -s ../../../../etc esc; ln -s plain rel; echo ok", NULL);
	ck_assert_str_eq(ohs_exec_result_stdout(r, NULL), "ok\n");
	ohs_exec_result_free(r);
	ck_assert_int_eq(mkdir(d, 0755), 0);
	ck_assert_ohs_ok(ohs_session_download_ex(sess, "/tmp/w1", d, 0, &skipped));
	ck_assert_uint_eq(skipped, 6); /* disk, tty, fifo, pw, esc, rel */
	ck_assert_int_eq(only_plain("back"), 0);
	ck_assert_int_eq(tlstat("back/w1/bb", &st), 0);
	ck_assert_int_eq(st.st_mode & 07000, 0);
	ck_assert_int_eq(tlstat("back/w1/sg", &st), 0);
	ck_assert_int_eq(st.st_mode & 07000, 0);
	ck_assert_int_eq(tlstat("back/w1", &st), 0);
	ck_assert_int_eq(st.st_mode & 07000, 0);
	ck_assert_int_eq(tlstat("back/w1/plain", &st), 0);
	ck_assert_int_ne(tlstat("back/w1/disk", &st), 0);
	ck_assert_int_ne(tlstat("back/w1/tty", &st), 0);
	ck_assert_int_ne(tlstat("back/w1/fifo", &st), 0);
	ck_assert_int_ne(tlstat("back/w1/pw", &st), 0);
	ck_assert_int_ne(tlstat("back/w1/esc", &st), 0);

	/* with symlinks asked for: only the one that stays inside */
	free(d);
	d = tpath("back2");
	ck_assert_int_eq(mkdir(d, 0755), 0);
	ck_assert_ohs_ok(ohs_session_download_ex(sess, "/tmp/w1", d, OHS_DOWNLOAD_SYMLINKS, &skipped));
	ck_assert_uint_eq(skipped, 5);
	ck_assert_int_eq(tlstat("back2/w1/rel", &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_ne(tlstat("back2/w1/pw", &st), 0);
	ck_assert_int_ne(tlstat("back2/w1/esc", &st), 0);
	free(d);
}
END_TEST

/*
 * The same under both profiles, with what any sandbox user can make: a
 * FIFO, a setuid/setgid file of its own, a sticky directory and symlinks
 * out (device nodes too where the profile lets root keep CAP_MKNOD).
 */
static const char *const dl_profiles[] = { "default", "hardened" };

START_TEST(test_download_plants_nothing_profiles)
{
	ohs_config *cfg = NULL;
	ohs_policy *pol = NULL;
	ohs_session *ps = NULL;
	ohs_exec_result *r = NULL;
	const char *cmd[] = { "sleep", "3600", NULL };
	size_t skipped = 0;
	struct stat st;
	char *d;
	int devs;

	/* the fixture's client and tmpdir; a session of this profile */
	ck_assert_ohs_ok(ohs_config_new(&cfg));
	ck_assert_ohs_ok(ohs_config_set_image(cfg, ohs_test_image()));
	ck_assert_ohs_ok(ohs_config_set_command(cfg, cmd));
	ck_assert_ohs_ok(ohs_config_set_label(cfg, TEST_LABEL, run_label));
	ck_assert_ohs_ok(ohs_policy_new(&pol, dl_profiles[_i], "enforce"));
	ck_assert_ohs_ok(ohs_config_set_policy(cfg, pol));
	ohs_policy_free(pol);
	ck_assert_ohs_ok(ohs_session_create(&ps, client, cfg, NULL, NULL));
	ohs_config_free(cfg);
	ck_assert_ohs_ok(ohs_session_start(ps));

	ck_assert_ohs_ok(ohs_session_exec_shell(&r, ps,
		"set -e; mkdir -p /tmp/w1/sg; cd /tmp/w1; echo data > plain; mkfifo fifo; "
		"cp /bin/busybox bb; chmod 4755 bb; chmod 2775 sg; chmod 1777 .; "
		"ln -s /etc/passwd pw; ln -s ../../../../etc esc; "
		"if mknod disk b 7 0 2>/dev/null; then echo dev; else echo nodev; fi", NULL));
	ck_assert_int_eq(ohs_exec_result_exit_code(r), 0);
	devs = !strcmp(ohs_exec_result_stdout(r, NULL), "dev\n");
	ck_assert_msg(devs || !strcmp(ohs_exec_result_stdout(r, NULL), "nodev\n"), "setup: %s %s",
		ohs_exec_result_stdout(r, NULL), ohs_exec_result_stderr(r, NULL));
	ohs_exec_result_free(r);

	d = tpath("back");
	ck_assert_int_eq(mkdir(d, 0755), 0);
	ck_assert_ohs_ok(ohs_session_download_ex(ps, "/tmp/w1", d, 0, &skipped));
	ck_assert_uint_eq(skipped, (size_t)(3 + devs)); /* fifo, pw, esc (+ disk) */
	ck_assert_int_eq(only_plain("back"), 0);
	ck_assert_int_eq(tlstat("back/w1/bb", &st), 0);
	ck_assert_int_eq(st.st_mode & 07000, 0);
	ck_assert_int_eq(tlstat("back/w1/sg", &st), 0);
	ck_assert_int_eq(st.st_mode & 07000, 0);
	ck_assert_int_eq(tlstat("back/w1/plain", &st), 0);
	ck_assert_int_ne(tlstat("back/w1/fifo", &st), 0);
	ck_assert_int_ne(tlstat("back/w1/pw", &st), 0);
	ck_assert_int_ne(tlstat("back/w1/disk", &st), 0);
	free(d);

	ohs_session_remove(ps);
	ohs_session_free(ps);
}
END_TEST

START_TEST(test_none_left)
{
	/* runs last in its own case: every earlier session was removed */
	ck_assert_int_eq(remove_test_containers(), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("exec");
	TCase *unit = tcase_create("unit");
	TCase *ex = tcase_create("exec");
	TCase *files = tcase_create("files");
	TCase *hostile_tc = tcase_create("download-fake");
	TCase *last = tcase_create("cleanup");

	tcase_add_test(unit, test_opts_valid);
	tcase_add_loop_test(unit, test_opts_bad_env, 0, (int)OHS_ARRAY_SIZE(bad_env));
	tcase_add_loop_test(unit, test_opts_bad_user, 0, (int)OHS_ARRAY_SIZE(bad_user));
	tcase_add_test(unit, test_opts_bad_args);
	tcase_add_test(unit, test_result_null_safe);
	tcase_add_test(unit, test_exec_bad_args);
	suite_add_tcase(s, unit);

	tcase_add_checked_fixture(hostile_tc, fake_setup, fake_teardown);
	tcase_add_test(hostile_tc, test_download_hostile_default);
	tcase_add_test(hostile_tc, test_download_hostile_symlinks_opt_in);
	tcase_add_test(hostile_tc, test_download_traversal_refused);
	tcase_add_test(hostile_tc, test_download_cut_reports_transport);
	suite_add_tcase(s, hostile_tc);

	snprintf(run_label, sizeof(run_label), "check_exec-%ld", (long)getpid());
	if (getenv("OHS_EXEC_UNIT_ONLY") == NULL) {
		ohs_test_require_engine();

		tcase_set_timeout(ex, 120);
		tcase_add_checked_fixture(ex, engine_setup, engine_teardown);
		tcase_add_unchecked_fixture(ex, NULL, engine_final);
		tcase_add_test(ex, test_exec_streams_apart);
		tcase_add_test(ex, test_exec_argv_no_shell);
		tcase_add_test(ex, test_exec_env_workdir_user);
		tcase_add_loop_test(ex, test_exec_exit_codes, 0, (int)OHS_ARRAY_SIZE(codes));
		tcase_add_test(ex, test_exec_output_cb);
		tcase_add_test(ex, test_exec_tty);
		tcase_add_test(ex, test_exec_timeout);
		tcase_add_test(ex, test_exec_output_cap);
		tcase_add_test(ex, test_exec_stopped_session);
		tcase_add_test(ex, test_exec_hardened_refuses_root);
		suite_add_tcase(s, ex);

		tcase_set_timeout(files, 120);
		tcase_add_checked_fixture(files, files_setup, files_teardown);
		tcase_add_unchecked_fixture(files, NULL, engine_final);
		tcase_add_test(files, test_files_roundtrip_5mb);
		tcase_add_test(files, test_files_directory);
		tcase_add_test(files, test_files_errors);
		tcase_add_test(files, test_download_plants_nothing);
		tcase_add_loop_test(files, test_download_plants_nothing_profiles, 0,
			(int)OHS_ARRAY_SIZE(dl_profiles));
		suite_add_tcase(s, files);

		tcase_add_test(last, test_none_left);
		suite_add_tcase(s, last);
	} else {
		ohs_test_skip_group("check_exec engine tests", "OHS_EXEC_UNIT_ONLY is set");
	}
	return ohs_test_run(s);
}
