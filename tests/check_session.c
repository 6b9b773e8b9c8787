/*
 * Session lifecycle, networks, ports, readiness, keep/open, listing and
 * reaping against a real engine.
 *
 * Everything a test makes carries this run's id (label org.ohsandbox.test
 * on sessions, "ohs-test-<run>-" in names), so the leftover check only
 * looks at this run and other suites may use the engine at the same time.
 */
#include "testutil.h"
#include "internal.h"
#include "session_int.h"
#include "session_priv.h"
#include "policy_int.h"
#include "mainproc_int.h"
#include "fakeengine.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_LABEL "org.ohsandbox.test"

static char run_id[16];
static ohs_client *cli;

/* ------------------------------------------------------------ helpers */

static void cleanup_run(void);

static void setup(void)
{
	ck_assert_ohs_ok(ohs_client_new(&cli, NULL));
	cleanup_run(); /* a failed test does not run its teardown */
}

/* Best-effort removal of whatever a failed test of this run left behind. */
static void cleanup_run(void)
{
	char *l1 = ohs__sprintf("{\"label\":[\"" TEST_LABEL "=%s\"]}", run_id);
	char *l2 = ohs__sprintf("{\"label\":[\"" OHS_LABEL_OWNER_PID "=%ld\"]}", (long)getpid());
	char *prefix = ohs__sprintf("ohs-test-%s-", run_id);
	const char *filters[] = { l1, l2 };
	json_t *list, *o;
	size_t i, k;

	for (k = 0; k < 2; k++) {
		char *e = ohs__client_escape(filters[k]), *path = ohs__sprintf("/containers/json?all=1&filters=%s", e);

		list = NULL;
		ohs__client_json(cli, "GET", path, NULL, &list, "cleanup");
		json_array_foreach(list, i, o) {
			char *p = ohs__sprintf("/containers/%s?force=1&v=1", json_string_value(json_object_get(o, "Id")));

			ohs__client_request(cli, "DELETE", p, NULL, NULL, 0, NULL, "cleanup");
			free(p);
		}
		json_decref(list);
		free(e);
		free(path);
	}
	list = NULL;
	ohs__client_json(cli, "GET", "/networks", NULL, &list, "cleanup");
	json_array_foreach(list, i, o) {
		const char *name = json_string_value(json_object_get(o, "Name"));
		const char *pid = ohs__label(json_object_get(o, "Labels"), OHS_LABEL_OWNER_PID);
		char *p;

		if (!name || (strncmp(name, prefix, strlen(prefix)) != 0 &&
				!(pid && atol(pid) == (long)getpid())))
			continue;
		p = ohs__sprintf("/networks/%s", name);
		ohs__client_request(cli, "DELETE", p, NULL, NULL, 0, NULL, "cleanup");
		free(p);
	}
	json_decref(list);
	/* volumes this run made (by label) */
	{
		char *e = ohs__client_escape(l1), *path = ohs__sprintf("/volumes?filters=%s", e);

		list = NULL;
		ohs__client_json(cli, "GET", path, NULL, &list, "cleanup");
		json_array_foreach(json_object_get(list, "Volumes"), i, o) {
			char *p = ohs__sprintf("/volumes/%s", json_string_value(json_object_get(o, "Name")));

			ohs__client_request(cli, "DELETE", p, NULL, NULL, 0, NULL, "cleanup");
			free(p);
		}
		json_decref(list);
		free(e);
		free(path);
	}
	{
		char *img = ohs__sprintf("/images/ohs-test-%s-commit:latest?force=1", run_id);

		ohs__client_request(cli, "DELETE", img, NULL, NULL, 0, NULL, "cleanup"); /* test_reap_committed_image */
		free(img);
	}
	free(l1);
	free(l2);
	free(prefix);
}

static void teardown(void)
{
	cleanup_run();
	ohs_client_free(cli);
	cli = NULL;
}

/* Once, after the last test, in the runner process. */
static void final_cleanup(void)
{
	if (ohs_client_new(&cli, NULL) == 0)
		cleanup_run();
	ohs_client_free(cli);
	cli = NULL;
}

static ohs_config *test_config(void)
{
	ohs_config *cfg = NULL;

	ck_assert_ohs_ok(ohs_config_new(&cfg));
	ck_assert_ohs_ok(ohs_config_set_image(cfg, ohs_test_image()));
	ck_assert_ohs_ok(ohs_config_set_label(cfg, TEST_LABEL, run_id));
	return cfg;
}

static char *tname(const char *what)
{
	char *n = ohs__sprintf("ohs-test-%s-%s", run_id, what);

	ck_assert_ptr_nonnull(n);
	return n;
}

/* GET PREFIX<escaped arg>SUFFIX */
static json_t *get_json3(const char *prefix, const char *arg, const char *suffix, int *rc_out)
{
	char *e = ohs__client_escape(arg), *path = ohs__sprintf("%s%s%s", prefix, e, suffix);
	json_t *out = NULL;
	int rc = ohs__client_json(cli, "GET", path, NULL, &out, "test GET");

	free(e);
	free(path);
	if (rc_out)
		*rc_out = rc;
	return out;
}

static json_t *inspect(const char *id)
{
	int rc;
	json_t *j = get_json3("/containers/", id, "/json", &rc);

	ck_assert_msg(rc == 0, "inspect %s: %s", id, ohs_error_last());
	return j;
}

static int container_exists(const char *id)
{
	int rc;
	json_t *j = get_json3("/containers/", id, "/json", &rc);

	json_decref(j);
	ck_assert_msg(rc == 0 || rc == OHS_ENOTFOUND, "inspect %s: %s", id, ohs_error_last());
	return rc == 0;
}

static int network_exists(const char *name)
{
	int rc;
	json_t *j = get_json3("/networks/", name, "", &rc);

	json_decref(j);
	ck_assert_msg(rc == 0 || rc == OHS_ENOTFOUND, "inspect network %s: %s", name, ohs_error_last());
	return rc == 0;
}

/* Containers or networks matching one label filter. */
static size_t count_by_label(const char *kind, const char *label)
{
	char *f = ohs__sprintf("{\"label\":[\"%s\"]}", label);
	json_t *list = get_json3(kind, f, "", NULL);
	size_t n;

	ck_assert_msg(json_is_array(list), "list %s by %s: %s", kind, label, ohs_error_last());
	n = json_array_size(list);
	json_decref(list);
	free(f);
	return n;
}

static size_t count_networks_named(const char *prefix)
{
	json_t *list = NULL, *n;
	size_t i, count = 0;

	ck_assert_ohs_ok(ohs__client_json(cli, "GET", "/networks", NULL, &list, "list networks"));
	json_array_foreach(list, i, n) {
		const char *name = json_string_value(json_object_get(n, "Name"));

		if (name && strncmp(name, prefix, strlen(prefix)) == 0)
			count++;
	}
	json_decref(list);
	return count;
}

/* Nothing of this run is left: containers, networks (by label and by name). */
static void assert_clean_pid(long pid)
{
	char *l1 = ohs__sprintf(TEST_LABEL "=%s", run_id);
	char *l2 = ohs__sprintf(OHS_LABEL_OWNER_PID "=%ld", pid);
	char *prefix = ohs__sprintf("ohs-test-%s-", run_id);

	ck_assert_msg(count_by_label("/containers/json?all=1&filters=", l1) == 0,
		"a container labelled %s is left", l1);
	ck_assert_msg(count_by_label("/containers/json?all=1&filters=", l2) == 0,
		"a container labelled %s is left", l2);
	ck_assert_msg(count_by_label("/networks?filters=", l2) == 0,
		"a network labelled %s is left", l2);
	ck_assert_msg(count_networks_named(prefix) == 0, "a network named %s* is left", prefix);
	free(l1);
	free(l2);
	free(prefix);
}

static void assert_clean(void)
{
	assert_clean_pid((long)getpid());
}

/* A raw exec through the transport: sh -c CMD; returns the exit code. */
struct exec_out {
	ohs__buf out, err;
};

static int on_frame(int stream, const char *data, size_t len, void *payload)
{
	struct exec_out *o = payload;

	ohs__buf_append(stream == 2 ? &o->err : &o->out, data, len);
	return 0;
}

static int on_data(const char *data, size_t len, void *payload)
{
	return ohs__demux_feed(payload, data, len) ? 1 : 0;
}

static int raw_exec(ohs_session *s, const char *user, const char *cmd, char **out)
{
	json_t *body = json_pack("{s:b, s:b, s:[s,s,s]}", "AttachStdout", 1, "AttachStderr", 1,
		"Cmd", "sh", "-c", cmd), *created = NULL, *info = NULL;
	char *path = ohs__sprintf("/containers/%s/exec", ohs_session_id(s)), *p2;
	struct exec_out o = { {0}, {0} };
	ohs__demux d;
	int code;
	const char *start = "{\"Detach\":false,\"Tty\":false}";

	if (user)
		json_object_set_new(body, "User", json_string(user));
	ck_assert_ohs_ok(ohs__client_json(cli, "POST", path, body, &created, "exec create"));
	free(path);
	json_decref(body);
	ohs__demux_init(&d, on_frame, &o);
	p2 = ohs__sprintf("/exec/%s/start", json_string_value(json_object_get(created, "Id")));
	ck_assert_ohs_ok(ohs__client_stream(cli, "POST", p2, "application/json", start, strlen(start),
		on_data, &d, 30000, "exec start"));
	free(p2);
	p2 = ohs__sprintf("/exec/%s/json", json_string_value(json_object_get(created, "Id")));
	ck_assert_ohs_ok(ohs__client_json(cli, "GET", p2, NULL, &info, "exec inspect"));
	code = (int)json_integer_value(json_object_get(info, "ExitCode"));
	free(p2);
	json_decref(info);
	json_decref(created);
	if (out)
		*out = ohs__buf_detach(&o.out);
	ohs__buf_clear(&o.out);
	ohs__buf_clear(&o.err);
	return code;
}

/* Create a network or a container directly (sidecars, decoys). */
static void raw_network(const char *name, const char *compose_label)
{
	json_t *body = json_pack("{s:s, s:{s:s}}", "Name", name, "Labels", TEST_LABEL, run_id);

	if (compose_label)
		json_object_set_new(json_object_get(body, "Labels"), "com.docker.compose.network",
			json_string(compose_label));
	ck_assert_ohs_ok(ohs__client_json(cli, "POST", "/networks/create", body, NULL, "test network"));
	json_decref(body);
}

static void raw_delete(const char *kind, const char *name)
{
	char *path = ohs__sprintf("/%s/%s%s", kind, name,
		strcmp(kind, "containers") == 0 ? "?force=1&v=1" : "");
	int rc = ohs__client_request(cli, "DELETE", path, NULL, NULL, 0, NULL, "test delete");

	free(path);
	ck_assert_msg(rc == 0 || rc == OHS_ENOTFOUND, "delete %s %s: %s", kind, name, ohs_error_last());
}

static char *raw_container(const char *name, const char *network, const char *cmd)
{
	json_t *body = json_pack("{s:s, s:[s,s,s], s:{s:s}, s:{s:b}}",
		"Image", ohs_test_image(), "Cmd", "sh", "-c", cmd, "Labels", TEST_LABEL, run_id,
		"HostConfig", "Init", 1), *out = NULL;
	char *path = ohs__sprintf("/containers/create?name=%s", name), *id;

	if (network)
		json_object_set_new(json_object_get(body, "HostConfig"), "NetworkMode", json_string(network));
	ck_assert_ohs_ok(ohs__client_json(cli, "POST", path, body, &out, "test container"));
	free(path);
	json_decref(body);
	id = ohs__strdup(json_string_value(json_object_get(out, "Id")));
	json_decref(out);
	path = ohs__sprintf("/containers/%s/start", id);
	ck_assert_ohs_ok(ohs__client_request(cli, "POST", path, NULL, NULL, 0, NULL, "test start"));
	free(path);
	return id;
}

/* A session whose main command is `cmd` (NULL: none, the image has none either). */
static ohs_session *new_session(ohs_config *cfg, const char *const *cmd)
{
	ohs_session *s = NULL;

	ck_assert_ohs_ok(ohs_config_set_command(cfg, cmd));
	ck_assert_ohs_ok(ohs_session_create(&s, cli, cfg, NULL, NULL));
	ck_assert_ptr_nonnull(s);
	return s;
}

/* ------------------------------------------------------------ argument checks */

START_TEST(test_args)
{
	ohs_session *s = (ohs_session *)1;
	ohs_config *cfg = test_config();
	char *json = (char *)1;

	ck_assert_ohs_error(ohs_session_create(NULL, cli, cfg, NULL, NULL), OHS_EINVAL, "out is NULL");
	ck_assert_ohs_error(ohs_session_create(&s, NULL, cfg, NULL, NULL), OHS_EINVAL, "client is NULL");
	ck_assert_ptr_null(s);
	ck_assert_ohs_error(ohs_session_create(&s, cli, NULL, NULL, NULL), OHS_EINVAL, "cfg is NULL");
	ck_assert_ohs_error(ohs_session_open(NULL, cli, "x"), OHS_EINVAL, "out is NULL");
	ck_assert_ohs_error(ohs_session_open(&s, NULL, "x"), OHS_EINVAL, "client is NULL");
	ck_assert_ohs_error(ohs_session_open(&s, cli, NULL), OHS_EINVAL, "id is NULL");
	ck_assert_ohs_error(ohs_session_open(&s, cli, ""), OHS_EINVAL, "id is empty");
	ck_assert_ohs_error(ohs_session_start(NULL), OHS_EINVAL, "ohs_session_start: session is NULL");
	ck_assert_ohs_error(ohs_session_stop(NULL, 1), OHS_EINVAL, "ohs_session_stop: session is NULL");
	ck_assert_ohs_error(ohs_session_pause(NULL), OHS_EINVAL, "ohs_session_pause: session is NULL");
	ck_assert_ohs_error(ohs_session_resume(NULL), OHS_EINVAL, "ohs_session_resume: session is NULL");
	ck_assert_ohs_error(ohs_session_remove(NULL), OHS_EINVAL, "ohs_session_remove: session is NULL");
	ck_assert_ohs_error(ohs_session_set_keep(NULL, 1), OHS_EINVAL, "ohs_session_set_keep: session is NULL");
	ck_assert_ohs_error(ohs_session_wait_http(NULL, 80, "/", 1, 1), OHS_EINVAL, "session is NULL");
	ck_assert_ohs_error(ohs_session_logs(NULL, 0, NULL, NULL), OHS_EINVAL, "session is NULL");
	ck_assert_ohs_error(ohs_reap(NULL, 0, NULL), OHS_EINVAL, "ohs_reap: client is NULL");
	ck_assert_ohs_error(ohs_reap(cli, 0x10, NULL), OHS_EINVAL, "unknown flags 0x10");
	ck_assert_ohs_error(ohs_reap(cli, 0x4, NULL), OHS_EINVAL,
		"ohs_reap: unknown flags 0x4 (expected OHS_REAP_ALL and/or OHS_REAP_DRY_RUN)");
	ck_assert_ohs_error(ohs_reap_each(NULL, OHS_REAP_DRY_RUN, NULL, NULL, NULL), OHS_EINVAL,
		"ohs_reap: client is NULL");
	ck_assert_ohs_error(ohs_session_list(NULL, cli), OHS_EINVAL, "json_out is NULL");
	ck_assert_ohs_error(ohs_session_list(&json, NULL), OHS_EINVAL, "client is NULL");
	ck_assert_ptr_null(json);
	ck_assert_ptr_null(ohs_session_id(NULL));
	ck_assert_ptr_null(ohs_session_name(NULL));
	ck_assert_uint_eq(ohs_session_port_count(NULL), 0);
	ck_assert_ptr_null(ohs_session_port_host_ip(NULL, 0));
	ohs_session_free(NULL);
	ohs_config_free(cfg);
}
END_TEST

START_TEST(test_proc_starttime)
{
	unsigned long long a = 0, b = 0;

	ck_assert_ohs_ok(ohs__proc_starttime(getpid(), &a));
	ck_assert_ohs_ok(ohs__proc_starttime(getpid(), &b));
	ck_assert(a > 0 && a == b);
	ck_assert_ohs_error(ohs__proc_starttime(0x3fffffff, &a), OHS_ENOTFOUND, "/proc/1073741823/stat");
	ck_assert(ohs__name_is_kept("/ohs-keep-0123456789ab"));
	ck_assert(ohs__name_is_kept("ohs-keep-0123456789ab"));
	ck_assert(!ohs__name_is_kept("/ohs-0123456789ab"));
}
END_TEST

/* ------------------------------------------------------------ lifecycle */

static int count_lines(int stream, const char *data, size_t len, void *payload)
{
	ohs__buf *b = payload;

	ohs__buf_puts(b, stream == 1 ? "[1]" : "[2]");
	ohs__buf_append(b, data, len);
	return 0;
}

START_TEST(test_lifecycle)
{
	static const char *const cmd[] = { "sh", "-c", "echo out-line; echo err-line >&2; exec sleep 1000", NULL };
	ohs_config *cfg = test_config();
	ohs_session *s = NULL;
	json_t *info, *labels, *list;
	char host[256], pidbuf[32], startbuf[32], *id, *json = NULL;
	unsigned long long start;
	const char *sid;
	size_t i;
	int found = 0, tries;
	ohs__buf log = {0};

	/* the internal variant that overrides the command (the CLI's run) */
	ck_assert_ohs_ok(ohs__session_create_cmd(&s, cli, cfg, cmd, NULL, NULL));
	id = ohs__strdup(ohs_session_id(s));
	ck_assert_int_eq(strlen(id), 64);
	ck_assert_str_eq(ohs_session_name(s) + 0, ohs_session_name(s));
	ck_assert(strncmp(ohs_session_name(s), "ohs-", 4) == 0 && strlen(ohs_session_name(s)) == 16);
	ck_assert_ohs_ok(ohs_session_start(s));

	info = inspect(id);
	labels = json_object_get(json_object_get(info, "Config"), "Labels");
	ck_assert_str_eq(ohs__label(labels, OHS_LABEL_MANAGED), "true");
	sid = ohs__label(labels, OHS_LABEL_SESSION);
	ck_assert_ptr_nonnull(sid);
	ck_assert_int_eq(strlen(sid), 32);
	ck_assert_str_eq(sid, ohs__session_sid(s));
	ck_assert(strncmp(ohs_session_name(s) + 4, sid, 12) == 0);
	snprintf(pidbuf, sizeof(pidbuf), "%ld", (long)getpid());
	ck_assert_str_eq(ohs__label(labels, OHS_LABEL_OWNER_PID), pidbuf);
	ck_assert_ohs_ok(ohs__proc_starttime(getpid(), &start));
	snprintf(startbuf, sizeof(startbuf), "%llu", start);
	ck_assert_str_eq(ohs__label(labels, OHS_LABEL_OWNER_START), startbuf);
	ohs__hostname(host, sizeof(host));
	ck_assert_str_eq(ohs__label(labels, OHS_LABEL_HOST), host);
	ck_assert_str_eq(ohs__label(labels, OHS_LABEL_KEEP), "false");
	ck_assert_str_eq(ohs__label(labels, TEST_LABEL), run_id);
	ck_assert(json_is_true(json_object_get(json_object_get(info, "HostConfig"), "Init")));
	ck_assert(json_is_true(json_object_get(json_object_get(info, "State"), "Running")));
	ck_assert(ohs__owner_alive(labels));
	json_decref(info);

	/* logs: stdout and stderr apart */
	for (tries = 0; tries < 50; tries++) {
		log.len = 0;
		ck_assert_ohs_ok(ohs_session_logs(s, 0, count_lines, &log));
		if (log.len && strstr(log.data, "err-line"))
			break;
		usleep(100000);
	}
	ck_assert_ptr_nonnull(strstr(log.data, "[1]out-line\n"));
	ck_assert_ptr_nonnull(strstr(log.data, "[2]err-line\n"));
	ohs__buf_clear(&log);
	ck_assert_ohs_error(ohs_session_logs(s, 0, NULL, NULL), OHS_EINVAL, "cb is NULL");
	ck_assert_ohs_error(ohs_session_logs(s, -1, count_lines, &log), OHS_EINVAL, "tail -1");

	/* listing */
	ck_assert_ohs_ok(ohs_session_list(&json, cli));
	list = json_loads(json, 0, NULL);
	ck_assert(json_is_array(list));
	for (i = 0; i < json_array_size(list); i++) {
		json_t *o = json_array_get(list, i);

		if (strcmp(json_string_value(json_object_get(o, "id")), id) != 0)
			continue;
		found = 1;
		ck_assert_str_eq(json_string_value(json_object_get(o, "name")), ohs_session_name(s));
		ck_assert_str_eq(json_string_value(json_object_get(o, "session")), ohs__session_sid(s));
		ck_assert_str_eq(json_string_value(json_object_get(o, "state")), "running");
		ck_assert_str_eq(json_string_value(json_object_get(o, "host")), host);
		ck_assert_int_eq(json_integer_value(json_object_get(o, "owner_pid")), getpid());
		ck_assert(json_is_true(json_object_get(o, "owner_alive")));
		ck_assert(json_is_false(json_object_get(o, "keep")));
		ck_assert(json_integer_value(json_object_get(o, "created")) > 0);
		ck_assert_str_eq(json_string_value(json_object_get(o, "image")), ohs_test_image());
	}
	ck_assert_msg(found, "session %s not in the list %s", id, json);
	json_decref(list);
	ohs_free(json);

	/* pause, resume, stop */
	ck_assert_ohs_ok(ohs_session_pause(s));
	info = inspect(id);
	ck_assert(json_is_true(json_object_get(json_object_get(info, "State"), "Paused")));
	json_decref(info);
	ck_assert_ohs_ok(ohs_session_resume(s));
	info = inspect(id);
	ck_assert(json_is_false(json_object_get(json_object_get(info, "State"), "Paused")));
	json_decref(info);
	ck_assert_ohs_error(ohs_session_stop(s, -1), OHS_EINVAL, "timeout_s -1");
	ck_assert_ohs_ok(ohs_session_stop(s, 5));
	info = inspect(id);
	ck_assert(json_is_false(json_object_get(json_object_get(info, "State"), "Running")));
	json_decref(info);
	ck_assert_ohs_ok(ohs_session_stop(s, 5)); /* already stopped: fine */

	/* live owner: a reap leaves it alone */
	ck_assert_ohs_ok(ohs_reap(cli, 0, NULL));
	ck_assert(container_exists(id));

	ck_assert_ohs_ok(ohs_session_remove(s));
	ck_assert(!container_exists(id));
	ck_assert_ohs_ok(ohs_session_remove(s)); /* idempotent */
	ck_assert_ohs_error(ohs_session_start(s), OHS_ESTATE, "was removed");
	ohs_session_free(s);
	ohs_config_free(cfg);
	free(id);
	assert_clean();
}
END_TEST

START_TEST(test_free_removes)
{
	ohs_config *cfg = test_config();
	ohs_session *s = new_session(cfg, NULL); /* image without a command: kept alive */
	char *id = ohs__strdup(ohs_session_id(s));
	json_t *info;

	ck_assert_ohs_ok(ohs_session_start(s));
	info = inspect(id);
	ck_assert(json_is_true(json_object_get(json_object_get(info, "State"), "Running")));
	ck_assert_str_eq(json_string_value(json_array_get(
		json_object_get(json_object_get(info, "Config"), "Cmd"), 0)), "sleep");
	json_decref(info);
	ohs_session_free(s);
	ck_assert(!container_exists(id));
	free(id);
	ohs_config_free(cfg);
	assert_clean();
}
END_TEST

START_TEST(test_keep_open)
{
	ohs_config *cfg = test_config();
	ohs_session *s = new_session(cfg, NULL), *o = NULL;
	char *id = ohs__strdup(ohs_session_id(s)), *name, *plain, *plain_id, *keepname;

	ck_assert_ohs_ok(ohs_session_start(s));
	ck_assert_ohs_ok(ohs_session_set_keep(s, 1));
	keepname = ohs__sprintf("ohs-keep-%.12s", ohs__session_sid(s));
	ck_assert_str_eq(ohs_session_name(s), keepname);
	ck_assert_ohs_ok(ohs_session_set_keep(s, 1)); /* again: no change */
	name = ohs__strdup(ohs_session_name(s));
	ohs_session_free(s); /* kept: stays */
	ck_assert(container_exists(id));

	/* open by name: keep inherited; free keeps it */
	ck_assert_ohs_ok(ohs_session_open(&o, cli, name));
	ck_assert_str_eq(ohs_session_id(o), id);
	ck_assert_str_eq(ohs_session_name(o), keepname);
	ohs_session_free(o);
	ck_assert(container_exists(id));

	/* open by id, un-keep: renamed back, free removes */
	ck_assert_ohs_ok(ohs_session_open(&o, cli, id));
	ck_assert_ohs_ok(ohs_session_set_keep(o, 0));
	ck_assert(strncmp(ohs_session_name(o), "ohs-", 4) == 0 && strncmp(ohs_session_name(o), "ohs-keep-", 9) != 0);
	ohs_session_free(o);
	ck_assert(!container_exists(id));

	/* not ours, not there */
	plain = tname("plain");
	plain_id = raw_container(plain, NULL, "exec sleep 1000");
	ck_assert_ohs_error(ohs_session_open(&o, cli, plain), OHS_EINVAL, "is not a sandbox of this library");
	ck_assert_ptr_null(o);
	raw_delete("containers", plain_id);
	ck_assert_ohs_error(ohs_session_open(&o, cli, plain), OHS_ENOTFOUND, plain);

	free(plain);
	free(plain_id);
	free(name);
	free(keepname);
	free(id);
	ohs_config_free(cfg);
	assert_clean();
}
END_TEST

/* ------------------------------------------------------------ mounts and user */

static char *make_tmpdir(void)
{
	char *d = strdup("/tmp/ohs-test-sesXXXXXX");

	ck_assert_ptr_nonnull(mkdtemp(d));
	ck_assert_int_eq(chmod(d, 0777), 0);
	return d;
}

static void rm_tmpdir(const char *d)
{
	char *cmd = ohs__sprintf("rm -rf '%s'", d);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

START_TEST(test_mounts_and_user)
{
	ohs_config *cfg = test_config();
	char *rw = make_tmpdir(), *ro = make_tmpdir(), *f, *out = NULL;
	ohs_volumes *v = ohs_config_volumes(cfg);
	ohs_session *s;
	struct stat st;

	ck_assert_ohs_ok(ohs_volumes_add(v, OHS_MOUNT_BIND, rw, "/workspace", OHS_MOUNT_RW));
	ck_assert_ohs_ok(ohs_volumes_add(v, OHS_MOUNT_BIND, ro, "/data", OHS_MOUNT_RO));
	ck_assert_ohs_ok(ohs_config_set_user(cfg, "12345:12345"));
	s = new_session(cfg, NULL);
	ck_assert_ohs_ok(ohs_session_start(s));

	ck_assert_int_eq(raw_exec(s, NULL, "id -u; echo hello > /workspace/made-inside", &out), 0);
	ck_assert_str_eq(out, "12345\n");
	free(out);
	f = ohs__sprintf("%s/made-inside", rw);
	ck_assert_int_eq(stat(f, &st), 0);
	ck_assert_int_eq(st.st_uid, 12345);
	ck_assert_int_eq(st.st_gid, 12345);
	ck_assert_int_eq(st.st_size, 6);
	free(f);

	ck_assert_int_ne(raw_exec(s, NULL, "touch /data/nope", NULL), 0);
	ck_assert_int_ne(raw_exec(s, "0:0", "touch /data/nope", NULL), 0); /* even as root */
	f = ohs__sprintf("%s/nope", ro);
	ck_assert_int_ne(stat(f, &st), 0);
	free(f);

	ohs_session_free(s);
	ohs_config_free(cfg);
	rm_tmpdir(rw);
	rm_tmpdir(ro);
	free(rw);
	free(ro);
	assert_clean();
}
END_TEST

/* ------------------------------------------------------------ security policy */

START_TEST(test_policy_enforce_refuses)
{
	ohs_config *cfg = test_config();
	ohs_session *s = (ohs_session *)1;
	char *before = ohs__sprintf(TEST_LABEL "=%s", run_id);

	/* a privileged sandbox (merged HostConfig field): refused before the engine */
	ck_assert_ohs_ok(ohs_config_merge_host_config(cfg, "{\"Privileged\":true}"));
	ck_assert_ohs_error(ohs_session_create(&s, cli, cfg, NULL, NULL), OHS_EPOLICY, "5.4");
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(ohs_error_last(), "HostConfig.Privileged"));
	ck_assert_uint_eq(count_by_label("/containers/json?all=1&filters=", before), 0);
	ohs_config_free(cfg);

	/* a Docker socket mount, even read-only */
	cfg = test_config();
	ck_assert_ohs_ok(ohs_volumes_add(ohs_config_volumes(cfg), OHS_MOUNT_BIND,
		"/var/run/docker.sock", "/var/run/docker.sock", OHS_MOUNT_RO));
	s = (ohs_session *)1;
	ck_assert_ohs_error(ohs_session_create(&s, cli, cfg, NULL, NULL), OHS_EPOLICY, "5.31");
	ck_assert_ptr_null(s);
	ck_assert_uint_eq(count_by_label("/containers/json?all=1&filters=", before), 0);

	/* warn mode lets the same one through, and the session has the findings */
	{
		ohs_policy *p = NULL;
		const ohs_findings *f;
		size_t i, seen = 0;

		ck_assert_ohs_ok(ohs_policy_new(&p, "default", "warn"));
		ck_assert_ohs_ok(ohs_config_set_policy(cfg, p));
		ohs_policy_free(p);
		s = new_session(cfg, NULL);
		f = ohs_session_findings(s);
		ck_assert_ptr_nonnull(f);
		for (i = 0; i < ohs_findings_count(f); i++)
			if (!strcmp(ohs_findings_id(f, i), "5.31"))
				seen++;
		ck_assert_uint_eq(seen, 1);
		ohs_session_free(s);
	}
	ohs_config_free(cfg);
	free(before);
	assert_clean();
}
END_TEST

START_TEST(test_policy_hardened)
{
	ohs_config *cfg = test_config();
	ohs_policy *p = NULL;
	char *ws = make_tmpdir(), *f, *out = NULL;
	json_t *info, *hc, *v;
	ohs_session *s;
	struct stat st;
	size_t i;
	int nnp = 0;

	ck_assert_int_eq(chmod(ws, 0777), 0);
	ck_assert_ohs_ok(ohs_policy_new(&p, "hardened", "enforce"));
	ck_assert_ohs_ok(ohs_config_set_policy(cfg, p));
	ohs_policy_free(p);
	ck_assert_ohs_ok(ohs_volumes_add(ohs_config_volumes(cfg), OHS_MOUNT_BIND, ws, "/workspace", OHS_MOUNT_RW));
	ck_assert_ohs_ok(ohs_config_set_user(cfg, "0:0"));   /* rewritten to a non-root user */
	ck_assert_ohs_ok(ohs_netpolicy_set_binding_address(ohs_config_netpolicy(cfg), "0.0.0.0"));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(ohs_config_netpolicy(cfg), 8080, NULL, NULL, 0));
	s = new_session(cfg, NULL);
	ck_assert_ptr_nonnull(ohs_session_findings(s));
	ck_assert_uint_eq(ohs_findings_refused_count(ohs_session_findings(s)), 0);
	ck_assert_ohs_ok(ohs_session_start(s));

	/* the engine's own view: the hardened HostConfig */
	info = inspect(ohs_session_id(s));
	hc = json_object_get(info, "HostConfig");
	/* Docker keeps CapDrop ["ALL"]; Podman lists the capabilities it dropped.
	 * The bounding set inside the sandbox is checked below either way. */
	if (!ohs__client_is_podman(cli))
		ck_assert_str_eq(json_string_value(json_array_get(json_object_get(hc, "CapDrop"), 0)), "ALL");
	json_array_foreach(json_object_get(hc, "SecurityOpt"), i, v)
		if (!strncmp(json_string_value(v), "no-new-privileges", 17))
			nnp = 1;
	ck_assert_int_eq(nnp, 1);
	ck_assert_int_gt(json_integer_value(json_object_get(hc, "Memory")), 0);
	ck_assert_int_gt(json_integer_value(json_object_get(hc, "NanoCpus")), 0);
	ck_assert_int_gt(json_integer_value(json_object_get(hc, "PidsLimit")), 0);
	ck_assert_int_eq(json_is_true(json_object_get(hc, "Privileged")), 0);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
		json_object_get(json_object_get(hc, "PortBindings"), "8080/tcp"), 0), "HostIp")), "127.0.0.1");
	ck_assert_str_ne(json_string_value(json_object_get(json_object_get(info, "Config"), "User")), "0:0");
	json_decref(info);
	for (i = 0; i < ohs_session_port_count(s); i++)
		ck_assert_str_eq(ohs_session_port_host_ip(s, i), "127.0.0.1");

	/* only the minimal capabilities are left: CHOWN, DAC_OVERRIDE, FOWNER,
	 * FSETID, KILL, SETGID, SETUID (bits 0, 1, 3-7) */
	ck_assert_int_eq(raw_exec(s, NULL, "grep CapBnd /proc/self/status", &out), 0);
	ck_assert_msg(strstr(out, "00000000000000fb") != NULL, "bounding set: %s", out);
	free(out);
	out = NULL;

	/* a command still runs, as a non-root user, and can write the rw workspace */
	ck_assert_int_eq(raw_exec(s, NULL, "id -u; echo hardened > /workspace/h.txt", &out), 0);
	ck_assert_str_ne(out, "0\n");
	free(out);
	f = ohs__sprintf("%s/h.txt", ws);
	ck_assert_int_eq(stat(f, &st), 0);
	ck_assert_int_ne(st.st_uid, 0);
	free(f);

	ohs_session_free(s);
	ohs_config_free(cfg);
	rm_tmpdir(ws);
	free(ws);
	assert_clean();
}
END_TEST

/* ------------------------------------------------------------ ports and readiness */

static const char *const httpd_cmd[] = { "sh", "-c",
	"mkdir -p /tmp/www && echo ready > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www", NULL };

START_TEST(test_ports_loopback)
{
	ohs_config *cfg = test_config();
	ohs_netpolicy *np = ohs_config_netpolicy(cfg);
	ohs_session *s;
	size_t i;

	ck_assert_ohs_ok(ohs_netpolicy_set_binding_address(np, "127.0.0.1"));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 8080, NULL, NULL, 0));
	s = new_session(cfg, httpd_cmd);
	ck_assert_uint_eq(ohs_session_port_count(s), 0);
	ck_assert_ohs_ok(ohs_session_start(s));
	ck_assert_uint_ge(ohs_session_port_count(s), 1);
	for (i = 0; i < ohs_session_port_count(s); i++) {
		ck_assert_int_eq(ohs_session_port_container(s, i), 8080);
		ck_assert_str_eq(ohs_session_port_host_ip(s, i), "127.0.0.1");
		ck_assert_int_gt(ohs_session_port_host(s, i), 0);
	}
	ck_assert_ptr_null(ohs_session_port_host_ip(s, 99));
	ck_assert_ohs_error(ohs_session_port_host(s, 99), OHS_EINVAL, "index 99 out of range");
	ck_assert_ohs_ok(ohs_session_wait_http(s, 8080, "/index.html", 10000, 50));
	ck_assert_ohs_ok(ohs_session_wait_http(s, 8080, NULL, 10000, 50));
	ck_assert_ohs_error(ohs_session_wait_http(s, 9999, "/", 100, 10), OHS_EINVAL, "container port 9999/tcp is not published");
	ck_assert_ohs_error(ohs_session_wait_http(s, 8080, "x", 100, 10), OHS_EINVAL, "path \"x\" must start with '/'");
	/* answers, but not 2xx */
	ck_assert_ohs_error(ohs_session_wait_http(s, 8080, "/missing", 300, 50), OHS_ETIMEOUT, "HTTP 404");
	ohs_session_free(s);
	ohs_config_free(cfg);
	assert_clean();
}
END_TEST

START_TEST(test_ports_default_binding)
{
	ohs_config *cfg = test_config();
	ohs_session *s;
	size_t i, v4 = 0;

	ck_assert_ohs_ok(ohs_netpolicy_add_port(ohs_config_netpolicy(cfg), 8080, NULL, NULL, 0));
	s = new_session(cfg, httpd_cmd);
	ck_assert_ohs_ok(ohs_session_start(s));
	for (i = 0; i < ohs_session_port_count(s); i++) {
		const char *ip = ohs_session_port_host_ip(s, i);

		ck_assert_msg(strcmp(ip, "0.0.0.0") == 0 || strcmp(ip, "::") == 0, "host ip %s", ip);
		v4 += strcmp(ip, "0.0.0.0") == 0;
	}
	ck_assert_uint_eq(v4, 1);
	/* reached through loopback only */
	ck_assert_ohs_ok(ohs_session_wait_http(s, 8080, "/", 10000, 50));
	ohs_session_free(s);
	ohs_config_free(cfg);
	assert_clean();
}
END_TEST

START_TEST(test_wait_http_exit_and_timeout)
{
	static const char *const dying[] = { "sh", "-c", "echo bye-from-sandbox; sleep 1; exit 3", NULL };
	ohs_config *cfg = test_config();
	ohs_session *s;

	ck_assert_ohs_ok(ohs_netpolicy_set_binding_address(ohs_config_netpolicy(cfg), "127.0.0.1"));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(ohs_config_netpolicy(cfg), 8080, NULL, NULL, 0));
	s = new_session(cfg, dying);
	ck_assert_ohs_ok(ohs_session_start(s));
	ck_assert_ohs_error(ohs_session_wait_http(s, 8080, "/", 20000, 100), OHS_ESTATE, "bye-from-sandbox");
	ck_assert_ohs_error(ohs_session_wait_http(s, 8080, "/", 20000, 100), OHS_ESTATE, "exit code 3");
	ohs_session_free(s);

	s = new_session(cfg, NULL); /* nothing listens */
	ck_assert_ohs_ok(ohs_session_start(s));
	ck_assert_ohs_error(ohs_session_wait_http(s, 8080, "/", 300, 50), OHS_ETIMEOUT, "did not answer 2xx within 300 ms");
	ohs_session_free(s);
	ohs_config_free(cfg);
	assert_clean();
}
END_TEST

/* ------------------------------------------------------------ networks */

START_TEST(test_own_network)
{
	ohs_config *cfg = test_config();
	char *net = tname("own");
	ohs_session *s;
	json_t *info;
	int rc;

	ck_assert_ohs_ok(ohs_netpolicy_set_mode(ohs_config_netpolicy(cfg), net));
	ck_assert_ohs_ok(ohs_netpolicy_set_internal(ohs_config_netpolicy(cfg), 1));
	s = new_session(cfg, NULL);
	info = get_json3("/networks/", net, "", &rc);
	ck_assert_ohs_ok(rc);
	ck_assert(json_is_true(json_object_get(info, "Internal")));
	ck_assert_str_eq(ohs__label(json_object_get(info, "Labels"), OHS_LABEL_NETWORK), ohs__session_sid(s));
	json_decref(info);
	ck_assert_ohs_ok(ohs_session_start(s));
	info = inspect(ohs_session_id(s));
	ck_assert_ptr_nonnull(json_object_get(json_object_get(json_object_get(info, "NetworkSettings"),
		"Networks"), net));
	json_decref(info);
	ck_assert_ohs_ok(ohs_session_remove(s));
	ck_assert(!network_exists(net));
	ohs_session_free(s);
	ohs_config_free(cfg);
	free(net);
	assert_clean();
}
END_TEST

START_TEST(test_sidecar)
{
	ohs_config *cfg = test_config();
	char *net = tname("extra"), *side = tname("sidecar"), *side_id, *cmd, *out = NULL;
	ohs_session *s;
	json_t *info, *nets;
	int code = -1, tries;

	raw_network(net, NULL);
	side_id = raw_container(side, net,
		"mkdir -p /tmp/www && echo hello-sidecar > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www");
	ck_assert_ohs_ok(ohs_netpolicy_add_network(ohs_config_netpolicy(cfg), net));
	s = new_session(cfg, NULL);
	ck_assert_ohs_ok(ohs_session_start(s));
	info = inspect(ohs_session_id(s));
	nets = json_object_get(json_object_get(info, "NetworkSettings"), "Networks");
	ck_assert_ptr_nonnull(json_object_get(nets, net));
	/* the default bridge network: "podman" on Podman */
	ck_assert(json_object_get(nets, "bridge") || json_object_get(nets, "podman"));
	json_decref(info);
	cmd = ohs__sprintf("wget -qO- http://%s:8080/", side);
	for (tries = 0; tries < 50; tries++) {
		free(out);
		out = NULL;
		if ((code = raw_exec(s, NULL, cmd, &out)) == 0)
			break;
		usleep(100000);
	}
	ck_assert_int_eq(code, 0);
	ck_assert_str_eq(out, "hello-sidecar\n");
	free(out);
	free(cmd);
	ohs_session_free(s);
	raw_delete("containers", side_id);
	/* an additional network is not the session's: it stays */
	ck_assert(network_exists(net));
	raw_delete("networks", net);
	free(side_id);
	free(side);
	free(net);
	ohs_config_free(cfg);
	assert_clean();
}
END_TEST

START_TEST(test_missing_network)
{
	ohs_config *cfg = test_config();
	char *missing = tname("missing"), *own = tname("own2");
	ohs_session *s = (ohs_session *)1;

	ck_assert_ohs_ok(ohs_netpolicy_set_mode(ohs_config_netpolicy(cfg), own));
	ck_assert_ohs_ok(ohs_netpolicy_add_network(ohs_config_netpolicy(cfg), missing));
	ck_assert_ohs_error(ohs_session_create(&s, cli, cfg, NULL, NULL), OHS_ENOTFOUND, missing);
	ck_assert_ptr_null(s);
	ck_assert_ohs_error(ohs_session_create(&s, cli, cfg, NULL, NULL), OHS_ENOTFOUND,
		"SANDBOX_ADDITIONAL_NETWORKS: network \"ohs-test-");
	ck_assert_ohs_error(ohs_session_create(&s, cli, cfg, NULL, NULL), OHS_ENOTFOUND, "not found; create it first");
	ck_assert(!network_exists(own));
	free(missing);
	free(own);
	ohs_config_free(cfg);
	assert_clean();
}
END_TEST

START_TEST(test_compose_hint)
{
	ohs_config *cfg = test_config();
	char *ask = ohs__sprintf("xtra%s", run_id), *proj = ohs__sprintf("ohs-test-%s-proj_%s", run_id, ask);
	char *ask2 = ohs__sprintf("lbl%s", run_id), *lbl = tname("lblnet"), *want;
	ohs_session *s = NULL;

	raw_network(proj, NULL);
	raw_network(lbl, ask2);
	ck_assert_ohs_ok(ohs_netpolicy_add_network(ohs_config_netpolicy(cfg), ask));
	want = ohs__sprintf("SANDBOX_ADDITIONAL_NETWORKS: network \"%s\" not found; Docker Compose created "
		"\"%s\" \xe2\x80\x94 use SANDBOX_ADDITIONAL_NETWORKS='[\"%s\"]'", ask, proj, proj);
	ck_assert_ohs_error(ohs_session_create(&s, cli, cfg, NULL, NULL), OHS_ENOTFOUND, want);
	free(want);
	ohs_config_free(cfg);

	cfg = test_config();
	ck_assert_ohs_ok(ohs_netpolicy_add_network(ohs_config_netpolicy(cfg), ask2));
	want = ohs__sprintf("use SANDBOX_ADDITIONAL_NETWORKS='[\"%s\"]'", lbl);
	ck_assert_ohs_error(ohs_session_create(&s, cli, cfg, NULL, NULL), OHS_ENOTFOUND, want);
	free(want);
	raw_delete("networks", proj);
	raw_delete("networks", lbl);
	free(ask);
	free(ask2);
	free(proj);
	free(lbl);
	ohs_config_free(cfg);
	assert_clean();
}
END_TEST

/* ------------------------------------------------------------ networks fail closed (review B5) */

static ohs_config *profile_config(const char *profile)
{
	ohs_config *cfg = test_config();
	ohs_policy *p = NULL;

	ck_assert_ohs_ok(ohs_policy_new(&p, profile, "enforce"));
	ck_assert_ohs_ok(ohs_config_set_policy(cfg, p));
	ohs_policy_free(p);
	return cfg;
}

/* Index of the finding (id, field), or -1. */
static long finding_index(const ohs_findings *f, const char *id, const char *field)
{
	size_t i;

	for (i = 0; i < ohs_findings_count(f); i++)
		if (!strcmp(ohs_findings_id(f, i), id) && (!field || !strcmp(ohs_findings_field(f, i), field)))
			return (long)i;
	return -1;
}

static void raw_network_internal(const char *name, int internal)
{
	json_t *body = json_pack("{s:s, s:b, s:{s:s}}", "Name", name, "Internal", internal,
		"Labels", TEST_LABEL, run_id);

	ck_assert_ohs_ok(ohs__client_json(cli, "POST", "/networks/create", body, NULL, "test network"));
	json_decref(body);
}

/* Whether /proc/net/route inside the sandbox has a default route (destination 0). */
static int has_default_route(ohs_session *s)
{
	char *out = NULL, *line, *save = NULL;
	int found = 0;

	ck_assert_int_eq(raw_exec(s, NULL, "cat /proc/net/route", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "Destination")); /* the header: the file was read */
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char iface[64], dest[64];

		if (sscanf(line, "%63s %63s", iface, dest) == 2 && !strcmp(dest, "00000000"))
			found = 1;
	}
	free(out);
	return found;
}

/*
 * The sandbox has no way out: it is attached to network `net` only, which
 * is internal.  Docker 20.10 still gives it a default route to the internal
 * bridge's gateway and drops what would leave the bridge with iptables
 * (DOCKER-ISOLATION-STAGE-1 "! -d SUBNET -i br-ID -j DROP"); newer engines
 * give no default route at all.  Both are checked where they can be.
 */
static void assert_no_egress(ohs_session *s, const char *net)
{
	json_t *info = inspect(ohs_session_id(s)), *nets, *ninfo;
	const char *key, *subnet, *gw;
	json_t *v;
	char *out = NULL, *line, *save = NULL, want_gw[16] = "";
	int rc, n = 0;
	FILE *ipt;

	nets = json_object_get(json_object_get(info, "NetworkSettings"), "Networks");
	json_object_foreach(nets, key, v) {
		ck_assert_msg(!strcmp(key, net), "the sandbox is also attached to network %s", key);
		n++;
	}
	ck_assert_int_eq(n, 1);
	json_decref(info);
	ninfo = get_json3("/networks/", net, "", &rc);
	ck_assert_ohs_ok(rc);
	ck_assert(json_is_true(json_object_get(ninfo, "Internal")));
	subnet = json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(ninfo,
		"IPAM"), "Config"), 0), "Subnet"));
	gw = json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(ninfo,
		"IPAM"), "Config"), 0), "Gateway"));
	if (gw) {
		unsigned a, b, c, d;

		if (sscanf(gw, "%u.%u.%u.%u", &a, &b, &c, &d) == 4)
			snprintf(want_gw, sizeof(want_gw), "%02X%02X%02X%02X", d, c, b, a);
	}
	/* a default route, if any, only leads to the internal bridge's gateway */
	ck_assert_int_eq(raw_exec(s, NULL, "cat /proc/net/route", &out), 0);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char iface[64], dest[64], via[64];

		if (sscanf(line, "%63s %63s %63s", iface, dest, via) == 3 && !strcmp(dest, "00000000"))
			ck_assert_msg(*want_gw && !strcmp(via, want_gw),
				"default route via %s, not the internal gateway %s", via, gw ? gw : "?");
	}
	free(out);
	/* and the engine drops what would leave the bridge (root with iptables only) */
	if (geteuid() == 0 && subnet && !ohs__client_is_podman(cli) &&
			(ipt = popen("iptables -S DOCKER-ISOLATION-STAGE-1 2>/dev/null", "r")) != NULL) {
		char buf[512], *want = ohs__sprintf("! -d %s -i br-%.12s -j DROP", subnet,
			json_string_value(json_object_get(ninfo, "Id")));
		int seen = 0, lines = 0;

		while (fgets(buf, sizeof(buf), ipt)) {
			lines++;
			seen |= strstr(buf, want) != NULL;
		}
		pclose(ipt);
		if (lines)
			ck_assert_msg(seen, "no iptables rule \"%s\"", want);
		free(want);
	}
	json_decref(ninfo);
}

START_TEST(test_internal_existing_network)
{
	static const char *const profiles[] = { "default", "hardened" };
	char *net = tname("open"), *inet = tname("closed"), *before = ohs__sprintf(TEST_LABEL "=%s", run_id);
	size_t k;

	raw_network_internal(net, 0);
	raw_network_internal(inet, 1);
	for (k = 0; k < 2; k++) {
		ohs_config *cfg = profile_config(profiles[k]);
		ohs_session *s = (ohs_session *)1;
		char *want = ohs__sprintf("network \"%s\" already exists and is not internal", net);

		/* L11b: SANDBOX_NETWORK=<existing non-internal network> + internal */
		ck_assert_ohs_ok(ohs_netpolicy_set_mode(ohs_config_netpolicy(cfg), net));
		ck_assert_ohs_ok(ohs_netpolicy_set_internal(ohs_config_netpolicy(cfg), 1));
		ck_assert_ohs_error(ohs_session_create(&s, cli, cfg, NULL, NULL), OHS_EINVAL, want);
		ck_assert_ohs_error(ohs_session_create(&s, cli, cfg, NULL, NULL), OHS_EINVAL,
			"SANDBOX_NETWORK_INTERNAL=true cannot be honoured");
		ck_assert_ptr_null(s);
		ck_assert_uint_eq(count_by_label("/containers/json?all=1&filters=", before), 0);
		ck_assert(network_exists(net)); /* not ours: left alone */
		free(want);

		/* an additional network that is not internal breaks it as well */
		ck_assert_ohs_ok(ohs_netpolicy_set_mode(ohs_config_netpolicy(cfg), "none"));
		ck_assert_ohs_ok(ohs_netpolicy_add_network(ohs_config_netpolicy(cfg), net));
		want = ohs__sprintf("additional network \"%s\" already exists and is not internal", net);
		s = (ohs_session *)1;
		ck_assert_ohs_error(ohs_session_create(&s, cli, cfg, NULL, NULL), OHS_EINVAL, want);
		ck_assert_ptr_null(s);
		ck_assert_uint_eq(count_by_label("/containers/json?all=1&filters=", before), 0);
		free(want);
		ohs_config_free(cfg);

		/* an existing internal network is accepted (and reported as joined) */
		cfg = profile_config(profiles[k]);
		ck_assert_ohs_ok(ohs_netpolicy_set_mode(ohs_config_netpolicy(cfg), inet));
		ck_assert_ohs_ok(ohs_netpolicy_set_internal(ohs_config_netpolicy(cfg), 1));
		s = new_session(cfg, NULL);
		ck_assert_int_ge(finding_index(ohs_session_findings(s), "ohs-network-existing",
			"HostConfig.NetworkMode"), 0);
		ck_assert_ohs_ok(ohs_session_start(s));
		assert_no_egress(s, inet);
		ohs_session_free(s);
		ck_assert(network_exists(inet));
		ohs_config_free(cfg);
	}
	raw_delete("networks", net);
	raw_delete("networks", inet);
	free(net);
	free(inet);
	free(before);
	assert_clean();
}
END_TEST

START_TEST(test_internal_default_bridge)
{
	static const char *const profiles[] = { "default", "hardened" };
	static const char *const modes[] = { "bridge", "default", "host" };
	char *before = ohs__sprintf(TEST_LABEL "=%s", run_id);
	size_t k, m;

	for (k = 0; k < 2; k++) {
		/* L11: SANDBOX_NETWORK_INTERNAL=true alone: refused at config time */
		const char *envp[] = { "SANDBOX_NETWORK_INTERNAL=true", NULL, NULL, NULL };
		char *prof = ohs__sprintf("SANDBOX_SECURITY_PROFILE=%s", profiles[k]);
		ohs_config *cfg = (ohs_config *)1;

		envp[1] = prof;
		ck_assert_ohs_error(ohs_env_load(&cfg, envp), OHS_EINVAL,
			"SANDBOX_NETWORK_INTERNAL=true cannot be honoured on network \"bridge\"");
		envp[2] = "SANDBOX_USE_HOST_NETWORK=true";
		ck_assert_ohs_error(ohs_env_load(&cfg, envp), OHS_EINVAL, "network \"host\"");
		envp[2] = "SANDBOX_NETWORK=none"; /* no network at all: internal holds */
		ck_assert_ohs_ok(ohs_env_load(&cfg, envp));
		ohs_config_free(cfg);
		free(prof);

		/* the API: refused at create, before the engine makes anything */
		for (m = 0; m < OHS_ARRAY_SIZE(modes); m++) {
			ohs_session *s = (ohs_session *)1;
			char *want = ohs__sprintf("network \"%s\"", modes[m]);

			cfg = profile_config(profiles[k]);
			ck_assert_ohs_ok(ohs_netpolicy_set_mode(ohs_config_netpolicy(cfg), modes[m]));
			ck_assert_ohs_ok(ohs_netpolicy_set_internal(ohs_config_netpolicy(cfg), 1));
			ck_assert_ohs_error(ohs_session_create(&s, cli, cfg, NULL, NULL), OHS_EINVAL, want);
			ck_assert_ohs_error(ohs_session_create(&s, cli, cfg, NULL, NULL), OHS_EINVAL,
				"cannot be honoured");
			ck_assert_ptr_null(s);
			ck_assert_uint_eq(count_by_label("/containers/json?all=1&filters=", before), 0);
			free(want);
			ohs_config_free(cfg);
		}
	}
	free(before);
	assert_clean();
}
END_TEST

START_TEST(test_internal_no_route)
{
	static const char *const profiles[] = { "default", "hardened" };
	size_t k;

	/* the control: the default bridge has a default route (L11) */
	{
		ohs_config *cfg = test_config();
		ohs_session *s = new_session(cfg, NULL);

		ck_assert_ohs_ok(ohs_session_start(s));
		ck_assert(has_default_route(s));
		ohs_session_free(s);
		ohs_config_free(cfg);
	}
	for (k = 0; k < 2; k++) {
		ohs_config *cfg = profile_config(profiles[k]);
		char *net = tname(profiles[k]);
		ohs_session *s;
		json_t *info;
		int rc;

		ck_assert_ohs_ok(ohs_netpolicy_set_mode(ohs_config_netpolicy(cfg), net));
		ck_assert_ohs_ok(ohs_netpolicy_set_internal(ohs_config_netpolicy(cfg), 1));
		s = new_session(cfg, NULL);
		/* created by the session: no "existing network" finding */
		ck_assert_int_eq(finding_index(ohs_session_findings(s), "ohs-network-existing", NULL), -1);
		info = get_json3("/networks/", net, "", &rc);
		ck_assert_ohs_ok(rc);
		ck_assert(json_is_true(json_object_get(info, "Internal")));
		json_decref(info);
		ck_assert_ohs_ok(ohs_session_start(s));
		assert_no_egress(s, net);
		ohs_session_free(s);
		ck_assert(!network_exists(net));
		ohs_config_free(cfg);
		free(net);
	}
	assert_clean();
}
END_TEST

START_TEST(test_existing_network_finding)
{
	static const char *const profiles[] = { "default", "hardened" };
	char *net = tname("joined"), *field = ohs__sprintf("NetworkingConfig.EndpointsConfig.%s", net);
	size_t k;

	raw_network(net, NULL);
	for (k = 0; k < 2; k++) {
		ohs_config *cfg = profile_config(profiles[k]);
		const ohs_findings *f;
		ohs_session *s;
		long i;

		/* SANDBOX_NETWORK naming a network the library did not create */
		ck_assert_ohs_ok(ohs_netpolicy_set_mode(ohs_config_netpolicy(cfg), net));
		s = new_session(cfg, NULL);
		f = ohs_session_findings(s);
		i = finding_index(f, "ohs-network-existing", "HostConfig.NetworkMode");
		ck_assert_int_ge(i, 0);
		ck_assert_str_eq(ohs_findings_value(f, (size_t)i), net);
		ck_assert_str_eq(ohs_findings_severity(f, (size_t)i), "medium");
		ck_assert_int_eq(ohs_findings_refused(f, (size_t)i), 0);
		ck_assert_ptr_nonnull(strstr(ohs_findings_message(f, (size_t)i), "did not create"));
		ohs_session_free(s);
		ck_assert(network_exists(net)); /* not the session's: left alone */
		ohs_config_free(cfg);

		/* SANDBOX_ADDITIONAL_NETWORKS */
		cfg = profile_config(profiles[k]);
		ck_assert_ohs_ok(ohs_netpolicy_add_network(ohs_config_netpolicy(cfg), net));
		s = new_session(cfg, NULL);
		f = ohs_session_findings(s);
		i = finding_index(f, "ohs-network-existing", field);
		ck_assert_int_ge(i, 0);
		ck_assert_str_eq(ohs_findings_value(f, (size_t)i), net);
		ck_assert_int_eq(ohs_findings_refused(f, (size_t)i), 0);
		ohs_session_free(s);
		ohs_config_free(cfg);
	}
	raw_delete("networks", net);
	free(net);
	free(field);
	assert_clean();
}
END_TEST

/* ------------------------------------------------------------ named volumes (review B6, A6) */

/* Create a volume object through the engine API (never mounted by the tests). */
static void raw_volume(const char *name, const char *driver, const char *opts_json)
{
	json_t *opts = opts_json ? json_loads(opts_json, 0, NULL) : json_object();
	json_t *body = json_pack("{s:s, s:s, s:o, s:{s:s}}", "Name", name, "Driver", driver,
		"DriverOpts", opts, "Labels", TEST_LABEL, run_id);

	ck_assert_ptr_nonnull(body);
	ck_assert_ohs_ok(ohs__client_json(cli, "POST", "/volumes/create", body, NULL, "test volume"));
	json_decref(body);
}

static size_t count_test_volumes(void)
{
	char *f = ohs__sprintf("{\"label\":[\"" TEST_LABEL "=%s\"]}", run_id);
	json_t *list = get_json3("/volumes?filters=", f, "", NULL);
	size_t n = json_array_size(json_object_get(list, "Volumes"));

	json_decref(list);
	free(f);
	return n;
}

/* Session create refused: EPOLICY naming `id` and `needle`; nothing left. */
static void assert_volume_refused(ohs_config *cfg, const char *id, const char *needle)
{
	char *before = ohs__sprintf(TEST_LABEL "=%s", run_id);
	ohs_session *s = (ohs_session *)1;

	ck_assert_ohs_error(ohs_session_create(&s, cli, cfg, NULL, NULL), OHS_EPOLICY, id);
	ck_assert_ohs_error(ohs_session_create(&s, cli, cfg, NULL, NULL), OHS_EPOLICY, needle);
	ck_assert_ptr_null(s);
	ck_assert_uint_eq(count_by_label("/containers/json?all=1&filters=", before), 0);
	free(before);
}

START_TEST(test_volume_host_root)
{
	static const char *const profiles[] = { "default", "hardened" };
	char *vol = tname("hostroot"), *spec = ohs__sprintf("SANDBOX_VOLUMES=volume:%s:/h:ro", vol);
	char *want = ohs__sprintf("named volume \"%s\" mounts host path / through its option device", vol);
	size_t k;

	/* L9: docker volume create -o type=none -o o=bind -o device=/ hostroot */
	raw_volume(vol, "local", "{\"type\":\"none\",\"o\":\"bind\",\"device\":\"/\"}");
	for (k = 0; k < 2; k++) {
		char *prof = ohs__sprintf("SANDBOX_SECURITY_PROFILE=%s", profiles[k]);
		const char *envp[] = { spec, prof, NULL };
		ohs_config *cfg = NULL;
		char *mounts;

		/* SANDBOX_VOLUMES=volume:hostroot:/h:ro */
		ck_assert_ohs_ok(ohs_env_load(&cfg, envp));
		ck_assert_ohs_ok(ohs_config_set_image(cfg, ohs_test_image()));
		ck_assert_ohs_ok(ohs_config_set_label(cfg, TEST_LABEL, run_id));
		assert_volume_refused(cfg, "5.5", want);
		assert_volume_refused(cfg, "HostConfig.Mounts[0]=\"/\"", "refuses the sandbox");
		ohs_config_free(cfg);
		free(prof);

		/* the API: a Mounts entry of Type volume */
		cfg = profile_config(profiles[k]);
		mounts = ohs__sprintf("{\"Mounts\":[{\"Type\":\"volume\",\"Source\":\"%s\",\"Target\":\"/h\","
			"\"ReadOnly\":true}]}", vol);
		ck_assert_ohs_ok(ohs_config_merge_host_config(cfg, mounts));
		assert_volume_refused(cfg, "5.5", want);
		free(mounts);
		ohs_config_free(cfg);

		/* the API: a Binds entry "NAME:/h:ro" */
		cfg = profile_config(profiles[k]);
		mounts = ohs__sprintf("{\"Binds\":[\"%s:/h:ro\"]}", vol);
		ck_assert_ohs_ok(ohs_config_merge_host_config(cfg, mounts));
		assert_volume_refused(cfg, "HostConfig.Binds[0]", want);
		free(mounts);
		ohs_config_free(cfg);
	}
	raw_delete("volumes", vol);
	ck_assert_uint_eq(count_test_volumes(), 0);
	free(vol);
	free(spec);
	free(want);
	assert_clean();
}
END_TEST

START_TEST(test_volume_overlay_and_device)
{
	static const char *const profiles[] = { "default", "hardened" };
	char *ovl = tname("overlay"), *blk = tname("blockdev"), *prc = tname("procfs");
	size_t k;

	/* A6: an overlay whose lower directory is the host's /etc */
	raw_volume(ovl, "local", "{\"type\":\"overlay\",\"device\":\"overlay\","
		"\"o\":\"lowerdir=/etc,upperdir=/tmp/ohs-test-u,workdir=/tmp/ohs-test-w\"}");
	/* the host's disk (created, never mounted: every test refuses it first) */
	raw_volume(blk, "local", "{\"type\":\"ext4\",\"device\":\"/dev/vda\"}");
	/* a kernel file system, from the daemon's (the host's) view */
	raw_volume(prc, "local", "{\"type\":\"proc\",\"device\":\"proc\"}");
	for (k = 0; k < 2; k++) {
		ohs_config *cfg;
		char *want;

		cfg = profile_config(profiles[k]);
		ck_assert_ohs_ok(ohs_volumes_add(ohs_config_volumes(cfg), OHS_MOUNT_VOLUME, ovl, "/h", OHS_MOUNT_RO));
		want = ohs__sprintf("\"%s\" mounts host path /etc through its option lowerdir", ovl);
		assert_volume_refused(cfg, "5.5", want);
		free(want);
		ohs_config_free(cfg);

		cfg = profile_config(profiles[k]);
		ck_assert_ohs_ok(ohs_volumes_add(ohs_config_volumes(cfg), OHS_MOUNT_VOLUME, blk, "/h", OHS_MOUNT_RW));
		assert_volume_refused(cfg, "5.5", "HostConfig.Mounts[0]=\"/dev/vda\"");
		ohs_config_free(cfg);

		cfg = profile_config(profiles[k]);
		ck_assert_ohs_ok(ohs_volumes_add(ohs_config_volumes(cfg), OHS_MOUNT_VOLUME, prc, "/h", OHS_MOUNT_RO));
		assert_volume_refused(cfg, "5.5", "through its option type");
		ohs_config_free(cfg);

		/* A6 inline: an anonymous volume created with overlay options in Mounts */
		cfg = profile_config(profiles[k]);
		ck_assert_ohs_ok(ohs_config_merge_host_config(cfg, "{\"Mounts\":[{\"Type\":\"volume\","
			"\"Target\":\"/h\",\"VolumeOptions\":{\"DriverConfig\":{\"Name\":\"local\",\"Options\":"
			"{\"type\":\"overlay\",\"device\":\"overlay\",\"o\":\"lowerdir=/srv:/etc,upperdir=/tmp/u,"
			"workdir=/tmp/w\"}}}}]}"));
		assert_volume_refused(cfg, "5.5", "anonymous volume \"\" mounts host path /etc through its option lowerdir");
		ohs_config_free(cfg);
	}
	raw_delete("volumes", ovl);
	raw_delete("volumes", blk);
	raw_delete("volumes", prc);
	ck_assert_uint_eq(count_test_volumes(), 0);
	free(ovl);
	free(blk);
	free(prc);
	assert_clean();
}
END_TEST

START_TEST(test_volume_plain_and_driver)
{
	char *plain = tname("plain"), *fresh = tname("fresh"), *mounts;
	ohs_config *cfg = profile_config("hardened");
	ohs_session *s;
	size_t i;

	/* a plain local volume, and one that does not exist yet: no volume finding */
	raw_volume(plain, "local", NULL);
	ck_assert_ohs_ok(ohs_volumes_add(ohs_config_volumes(cfg), OHS_MOUNT_VOLUME, plain, "/a", OHS_MOUNT_RW));
	ck_assert_ohs_ok(ohs_volumes_add(ohs_config_volumes(cfg), OHS_MOUNT_VOLUME, fresh, "/b", OHS_MOUNT_RW));
	s = new_session(cfg, NULL);
	for (i = 0; i < ohs_findings_count(ohs_session_findings(s)); i++)
		ck_assert_msg(strncmp(ohs_findings_field(ohs_session_findings(s), i), "HostConfig.Mounts", 17) != 0,
			"unexpected finding %s", ohs_findings_message(ohs_session_findings(s), i));
	ohs_session_free(s);
	raw_delete("volumes", fresh); /* made by the engine at create */
	ohs_config_free(cfg);

	/* a driver other than local cannot be judged: high, refused by hardened */
	cfg = profile_config("hardened");
	mounts = ohs__sprintf("{\"Mounts\":[{\"Type\":\"volume\",\"Source\":\"%s-x\",\"Target\":\"/h\","
		"\"VolumeOptions\":{\"DriverConfig\":{\"Name\":\"ohs-no-such-plugin\"}}}]}", fresh);
	ck_assert_ohs_ok(ohs_config_merge_host_config(cfg, mounts));
	assert_volume_refused(cfg, "ohs-volume-driver", "driver \"ohs-no-such-plugin\"");
	ohs_config_free(cfg);
	/* default: reported, not refused (the engine then fails on the missing plugin) */
	cfg = profile_config("default");
	ck_assert_ohs_ok(ohs_config_merge_host_config(cfg, mounts));
	s = (ohs_session *)1;
	{
		int rc = ohs_session_create(&s, cli, cfg, NULL, NULL);

		ck_assert_int_ne(rc, OHS_EPOLICY);
		if (ohs__client_is_podman(cli)) {
			/* Podman 4.3 accepts a volume of an unknown driver at create */
			ck_assert_msg(rc == 0, "Podman create: %d (%s)", rc, ohs_error_last());
			ohs_session_free(s);
		} else {
			/* Docker 20.10 fails the create on the missing plugin */
			ck_assert_int_lt(rc, 0);
			ck_assert_ptr_null(s);
		}
	}
	free(mounts);
	ohs_config_free(cfg);

	/* local options that cannot be judged: a relative bind device */
	cfg = profile_config("hardened");
	ck_assert_ohs_ok(ohs_config_merge_host_config(cfg, "{\"Mounts\":[{\"Type\":\"volume\",\"Target\":\"/h\","
		"\"VolumeOptions\":{\"DriverConfig\":{\"Options\":{\"type\":\"none\",\"o\":\"bind\","
		"\"device\":\"../../etc\"}}}}]}"));
	assert_volume_refused(cfg, "ohs-volume-options", "device=../../etc is not an absolute host path");
	ohs_config_free(cfg);

	raw_delete("volumes", plain);
	ck_assert_uint_eq(count_test_volumes(), 0);
	free(plain);
	free(fresh);
	assert_clean();
}
END_TEST

/* ------------------------------------------------------------ findings from outside the table */

START_TEST(test_findings_add)
{
	ohs_policy *p = NULL;
	ohs_findings *f = NULL;
	char *js = NULL;

	ck_assert_ohs_ok(ohs_policy_new(&p, "hardened", NULL));
	ck_assert_ohs_ok(ohs_policy_check(&f, p, "{}"));
	{
		size_t n = ohs_findings_count(f), r = ohs_findings_refused_count(f);

		ck_assert_ohs_error(ohs__findings_add(f, "x", "severe", "F", "v", "m", "r", 0), OHS_EINVAL,
			"severity \"severe\" is unknown");
		ck_assert_ohs_error(ohs__findings_add(f, NULL, "low", "F", "v", "m", "r", 0), OHS_EINVAL,
			"NULL");
		ck_assert_uint_eq(ohs_findings_count(f), n);
		ck_assert_ohs_ok(ohs__findings_add(f, "ohs-test-id", "medium", "A.B", "val", "a title", "fix it", 1));
		ck_assert_uint_eq(ohs_findings_count(f), n + 1);
		ck_assert_uint_eq(ohs_findings_refused_count(f), r + 1);
		ck_assert_str_eq(ohs_findings_id(f, n), "ohs-test-id");
		ck_assert_str_eq(ohs_findings_severity(f, n), "medium");
		ck_assert_str_eq(ohs_findings_field(f, n), "A.B");
		ck_assert_str_eq(ohs_findings_value(f, n), "val");
		ck_assert_str_eq(ohs_findings_message(f, n), "ohs-test-id (medium): a title: A.B=\"val\"");
		ck_assert_str_eq(ohs_findings_remediation(f, n), "fix it");
		ck_assert_int_eq(ohs_findings_refused(f, n), 1);
		ck_assert_int_eq(ohs_findings_fixed(f, n), 0);
		ck_assert_ohs_ok(ohs_findings_to_json(&js, f));
		ck_assert_ptr_nonnull(strstr(js, "{\"id\":\"ohs-test-id\",\"severity\":\"medium\",\"field\":\"A.B\","
			"\"value\":\"val\",\"message\":\"ohs-test-id (medium): a title: A.B=\\\"val\\\"\","
			"\"remediation\":\"fix it\",\"refused\":true,\"fixed\":false}"));
		ohs_free(js);
	}
	ohs_findings_free(f);
	ohs_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------ the body judged is the body sent */

/*
 * The session changes the policy's body (owner labels, the keep-alive main
 * process): the engine must receive, byte for byte, the body the policy
 * judged last.  A fake engine records the create request.
 */
START_TEST(test_body_judged_is_sent)
{
	static const char create[] = "POST /v1.41/containers/create";
	fake_engine *fe;
	ohs_client *fc = NULL;
	ohs_session *s = NULL;
	ohs_config *cfg = test_config();
	ohs_policy *p = NULL;
	const char *judged, *sent;
	char *env[2], *req;

	ck_assert_ptr_nonnull(fe = fake_engine_start());
	env[0] = ohs__sprintf("DOCKER_HOST=%s", fake_engine_host(fe));
	env[1] = NULL;
	ck_assert_ohs_ok(ohs_client_new(&fc, (const char *const *)env));
	free(env[0]);
	/* the image's command is a shell: the keep-alive replaces it after the policy's first look */
	fake_engine_add_body(fe, "GET /v1.41/images/", 200, "application/json",
		"{\"Id\":\"sha256:fake\",\"Config\":{\"Cmd\":[\"/bin/sh\"]}}", (size_t)-1);
	fake_engine_add_body(fe, create, 201, "application/json",
		"{\"Id\":\"fakeid\",\"Warnings\":[]}", (size_t)-1);
	fake_engine_add_body(fe, "HEAD /v1.41/containers/fakeid/archive", 200, "application/json", "", 0);
	fake_engine_add_body(fe, "DELETE /v1.41/containers/fakeid", 204, NULL, "", 0);

	ck_assert_ohs_ok(ohs_policy_new(&p, "hardened", "enforce"));
	ck_assert_ohs_ok(ohs_config_set_policy(cfg, p));
	ck_assert_ohs_ok(ohs_session_create(&s, fc, cfg, NULL, NULL));
	judged = ohs__session_judged_body(s);
	ck_assert_ptr_nonnull(judged);
	/* what the session added after the policy's first judgement was judged too */
	ck_assert_ptr_nonnull(strstr(judged, "\"" OHS_LABEL_OWNER_PID "\""));
	ck_assert_ptr_nonnull(strstr(judged, OHS_KEEPALIVE_NAME));
	req = fake_engine_rule_request(fe, create);
	ck_assert_ptr_nonnull(req);
	sent = strstr(req, "\r\n\r\n");
	ck_assert_ptr_nonnull(sent);
	ck_assert_str_eq(sent + 4, judged);
	free(req);

	ohs_session_free(s);
	ohs_config_free(cfg);
	ohs_policy_free(p);
	ohs_client_free(fc);
	fake_engine_stop(fe);
}
END_TEST

/* A finding the session's own change brings is added, and refused in enforce mode. */
START_TEST(test_body_rejudged_refuses)
{
	ohs_config *cfg = NULL;
	ohs_policy *p = NULL;
	ohs_findings *f = NULL;
	size_t n, i, hit = 0;

	ck_assert_ohs_ok(ohs_config_new(&cfg));
	ck_assert_ohs_ok(ohs_config_set_image(cfg, "ohs-test:latest"));
	ck_assert_ohs_ok(ohs_policy_new(&p, "default", "enforce"));
	ck_assert_ohs_ok(ohs_config_set_policy(cfg, p));
	ck_assert_ohs_ok(ohs_policy_check(&f, p, "{\"Image\":\"ohs-test:latest\"}"));
	n = ohs_findings_count(f);
	/* judged again: nothing new, nothing refused */
	ck_assert_ohs_ok(ohs__body_rejudge(f, cfg, "{\"Image\":\"ohs-test:latest\"}", NULL));
	ck_assert_uint_eq(ohs_findings_count(f), n);
	ck_assert_ohs_ok(ohs__session_refusal(cfg, f, n));
	/* a change that makes the sandbox privileged: a new, refused finding */
	ck_assert_ohs_ok(ohs__body_rejudge(f, cfg,
		"{\"Image\":\"ohs-test:latest\",\"HostConfig\":{\"Privileged\":true}}", NULL));
	ck_assert_uint_gt(ohs_findings_count(f), n);
	for (i = n; i < ohs_findings_count(f); i++)
		if (!strcmp(ohs_findings_field(f, i), "HostConfig.Privileged")) {
			hit++;
			ck_assert_int_eq(ohs_findings_refused(f, i), 1);
			ck_assert_ptr_nonnull(strstr(ohs_findings_message(f, i),
				"a change the session made to the body after the policy's first judgement"));
		}
	ck_assert_uint_eq(hit, 1);
	ck_assert_ohs_error(ohs__session_refusal(cfg, f, n), OHS_EPOLICY, "HostConfig.Privileged");
	ohs_findings_free(f);
	ohs_policy_free(p);
	ohs_config_free(cfg);
}
END_TEST

/* ------------------------------------------------------------ reaping */

/* Child: two sessions (one kept) in an own network, report them, die by SIGKILL. */
static void reap_child(int fd, char *net)
{
	ohs_client *c = NULL;
	ohs_config *cfg = test_config();
	ohs_session *a = NULL, *b = NULL;
	char line[256];

	if (ohs_client_new(&c, NULL) < 0 ||
			ohs_netpolicy_set_mode(ohs_config_netpolicy(cfg), net) < 0 ||
			ohs_session_create(&a, c, cfg, NULL, NULL) < 0 || ohs_session_start(a) < 0 ||
			ohs_session_create(&b, c, cfg, NULL, NULL) < 0 || ohs_session_start(b) < 0 ||
			ohs_session_set_keep(b, 1) < 0) {
		snprintf(line, sizeof(line), "error %s\n", ohs_error_last());
	} else {
		snprintf(line, sizeof(line), "%s %s\n", ohs_session_id(a), ohs_session_id(b));
	}
	ohs_config_free(cfg); /* the sessions and the client die with the process */
	free(net);
	if (write(fd, line, strlen(line)) < 0)
		_exit(1);
	raise(SIGKILL);
	_exit(1);
}

START_TEST(test_reap)
{
	ohs_config *cfg = test_config();
	ohs_session *live, *kept = NULL;
	char *net = tname("reap"), buf[512] = "", ida[65], idb[65];
	int fds[2], status;
	size_t removed = 99, n = 0;
	ssize_t r;
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		reap_child(fds[1], net);
	}
	close(fds[1]);
	while ((r = read(fds[0], buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert_msg(sscanf(buf, "%64s %64s", ida, idb) == 2 && strcmp(ida, "error"), "child: %s", buf);
	ck_assert(container_exists(ida));
	ck_assert(network_exists(net));
	live = new_session(cfg, NULL); /* made after the fork: the child has no copy */
	ck_assert_ohs_ok(ohs_session_start(live));

	ck_assert_ohs_ok(ohs_reap(cli, 0, &removed));
	ck_assert_uint_ge(removed, 1);
	ck_assert(!container_exists(ida));
	ck_assert(container_exists(idb));       /* kept */
	ck_assert(container_exists(ohs_session_id(live))); /* live owner */
	ck_assert(network_exists(net));          /* the kept one still uses it */

	/* un-keep the dead child's kept session: now it is reaped, with the network */
	ck_assert_ohs_ok(ohs_session_open(&kept, cli, idb));
	ck_assert_ohs_ok(ohs_session_set_keep(kept, 0));
	ohs_session_free(kept); /* opened, not kept: free removes */
	ck_assert(!container_exists(idb));
	/* the network (labelled with the first session's id) is now unused */
	ck_assert_ohs_ok(ohs_reap(cli, 0, NULL));
	ck_assert(!network_exists(net));
	ck_assert(container_exists(ohs_session_id(live)));

	ohs_session_free(live);
	ohs_config_free(cfg);
	free(net);
	assert_clean_pid((long)pid);
	assert_clean();
}
END_TEST

START_TEST(test_reap_network_only)
{
	/* the owner died after its container was removed but before the network was:
	 * the reaper removes the orphan network */
	char *net = tname("orphan");
	int fds[2], status;
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		ohs_client *cl = NULL;
		ohs_config *cfg = test_config();
		ohs_session *s = NULL;
		char *path;

		close(fds[0]);
		if (ohs_client_new(&cl, NULL) == 0 &&
				ohs_netpolicy_set_mode(ohs_config_netpolicy(cfg), net) == 0 &&
				ohs_session_create(&s, cl, cfg, NULL, NULL) == 0) {
			path = ohs__sprintf("/containers/%s?force=1", ohs_session_id(s));
			ohs__client_request(cl, "DELETE", path, NULL, NULL, 0, NULL, "rm");
			free(path);
			if (write(fds[1], "k", 1) < 0)
				_exit(1);
		}
		ohs_config_free(cfg);
		raise(SIGKILL);
	}
	close(fds[1]);
	ck_assert_int_eq(read(fds[0], &c, 1), 1);
	close(fds[0]);
	waitpid(pid, &status, 0);
	ck_assert(network_exists(net));
	ck_assert_ohs_ok(ohs_reap(cli, 0, NULL));
	ck_assert(!network_exists(net));
	free(net);
	assert_clean_pid((long)pid);
	assert_clean();
}
END_TEST

/* ------------------------------------------------------------ pull (needs OHS_TEST_REGISTRY) */

struct progress {
	int calls, with_total;
	int cancel_after;
};

static int on_progress(const char *status, const char *id, int64_t cur, int64_t total, void *payload)
{
	struct progress *p = payload;

	ck_assert_ptr_nonnull(status);
	ck_assert_ptr_nonnull(id);
	ck_assert(cur >= 0 && total >= 0);
	p->calls++;
	if (total > 0)
		p->with_total++;
	return p->cancel_after && p->calls >= p->cancel_after;
}

static int ignore_data(const char *data, size_t len, void *payload)
{
	(void)data;
	(void)len;
	(void)payload;
	return 0;
}

static void push_to_registry(const char *reg, const char *repo, const char *tag)
{
	char *path, *full = ohs__sprintf("%s/%s", reg, repo), *e = ohs__client_escape(full);
	char *img = ohs__client_escape(ohs_test_image());

	path = ohs__sprintf("/images/%s/tag?repo=%s&tag=%s", img, e, tag);
	ck_assert_ohs_ok(ohs__client_request(cli, "POST", path, NULL, NULL, 0, NULL, "tag"));
	free(path);
	path = ohs__sprintf("/images/%s/push?tag=%s", full, tag);
	ck_assert_ohs_ok(ohs__client_stream(cli, "POST", path, "application/json", "{}", 2,
		ignore_data, NULL, 60000, "push"));
	free(path);
	path = ohs__sprintf("/images/%s:%s", full, tag);
	ck_assert_ohs_ok(ohs__client_request(cli, "DELETE", path, NULL, NULL, 0, NULL, "untag"));
	free(path);
	free(full);
	free(e);
	free(img);
}

START_TEST(test_pull)
{
	const char *reg = getenv("OHS_TEST_REGISTRY");
	char *tag, *ref, *path;
	ohs_config *cfg;
	ohs_session *s = NULL;
	struct progress p = { 0, 0, 0 };
	int rc;

	if (!reg || !*reg) {
		ohs_test_skip("test_pull", "OHS_TEST_REGISTRY (a registry to push to) is not set");
		return;
	}
	tag = ohs__sprintf("pull-%s", run_id);
	ref = ohs__sprintf("%s/ohs-test:%s", reg, tag);
	push_to_registry(reg, "ohs-test", tag);
	cfg = test_config();
	ck_assert_ohs_ok(ohs_config_set_image(cfg, ref));

	/* cancelled by the callback */
	p.cancel_after = 1;
	ck_assert_ohs_error(ohs_session_create(&s, cli, cfg, on_progress, &p), OHS_ERROR, "cancelled by the progress callback");
	ck_assert_ptr_null(s);

	/* pulled, progress reported (the image may be partly there after the cancel) */
	rc = ohs__client_request(cli, "DELETE", (path = ohs__sprintf("/images/%s", ref)), NULL, NULL, 0, NULL, "rmi");
	free(path);
	ck_assert(rc == 0 || rc == OHS_ENOTFOUND);
	memset(&p, 0, sizeof(p));
	ck_assert_ohs_ok(ohs_session_create(&s, cli, cfg, on_progress, &p));
	ck_assert_int_gt(p.calls, 0);
	ck_assert_ohs_ok(ohs_session_start(s));
	ohs_session_free(s);
	path = ohs__sprintf("/images/%s", ref);
	ck_assert_ohs_ok(ohs__client_request(cli, "DELETE", path, NULL, NULL, 0, NULL, "rmi"));
	free(path);

	/* a tag the registry does not have */
	ck_assert_ohs_ok(ohs_config_set_image(cfg, (path = ohs__sprintf("%s/ohs-test:absent-%s", reg, run_id))));
	free(path);
	rc = ohs_session_create(&s, cli, cfg, NULL, NULL);
	ck_assert_msg(rc == OHS_ENOTFOUND, "rc %d: %s", rc, ohs_error_last());
	ck_assert_ptr_nonnull(strstr(ohs_error_last(), "absent-"));
	ohs_config_free(cfg);
	free(tag);
	free(ref);
	assert_clean();
}
END_TEST

/* ------------------------------------------------------------ reap: only our own sandboxes */

/* Child: one session (started or not; on network `net` when not NULL),
 * its id to fd, then death by SIGKILL: a dead owner on this host. */
static pid_t dead_owner_session(const char *net, int start, char *id, size_t idlen)
{
	char buf[256] = "";
	int fds[2], status;
	ssize_t r, n = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		ohs_client *c = NULL;
		ohs_config *cfg = test_config();
		ohs_session *s = NULL;
		char line[256];

		close(fds[0]);
		if (ohs_client_new(&c, NULL) < 0 ||
				(net && ohs_netpolicy_set_mode(ohs_config_netpolicy(cfg), net) < 0) ||
				ohs_session_create(&s, c, cfg, NULL, NULL) < 0 ||
				(start && ohs_session_start(s) < 0))
			snprintf(line, sizeof(line), "error %s\n", ohs_error_last());
		else
			snprintf(line, sizeof(line), "%s\n", ohs_session_id(s));
		if (write(fds[1], line, strlen(line)) < 0)
			_exit(1);
		raise(SIGKILL);
		_exit(1);
	}
	close(fds[1]);
	while ((r = read(fds[0], buf + n, sizeof(buf) - 1 - (size_t)n)) > 0)
		n += r;
	buf[n] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert_msg(strncmp(buf, "error", 5) != 0 && sscanf(buf, "%64s", id) == 1, "child: %s", buf);
	ck_assert_uint_lt(strlen(id), idlen);
	return pid;
}

/* Dry-run collector: "kind name: reason\n" per item. */
static int collect_reap(const char *kind, const char *id, const char *name, const char *reason,
	void *payload)
{
	ohs__buf *b = payload;
	char *line = ohs__sprintf("%s %s %s: %s\n", kind, name, id, reason);

	ohs__buf_append(b, line, strlen(line));
	free(line);
	return 0;
}

/* The dry run's listing (malloc'd, "" when empty) and its count. */
static char *dry_run(unsigned flags, size_t *count)
{
	ohs__buf b = { 0 };
	char *out;

	ck_assert_ohs_ok(ohs_reap_each(cli, flags | OHS_REAP_DRY_RUN, collect_reap, &b, count));
	ohs__buf_append(&b, "", 1);
	out = ohs__buf_detach(&b);
	ck_assert_ptr_nonnull(out);
	return out;
}

/* ps (ohs_session_list) lists container `id`. */
static int ps_lists(const char *id)
{
	char *json = NULL;
	int found;

	ck_assert_ohs_ok(ohs_session_list(&json, cli));
	found = strstr(json, id) != NULL;
	ohs_free(json);
	return found;
}

/* `docker run --name NAME IMAGE`: a plain container of `image` (inherits its labels). */
static char *run_from_image(const char *name, const char *image)
{
	json_t *body = json_pack("{s:s, s:{s:s}}", "Image", image, "Labels", TEST_LABEL, run_id), *out = NULL;
	char *path = ohs__sprintf("/containers/create?name=%s", name), *id;

	ck_assert_ohs_ok(ohs__client_json(cli, "POST", path, body, &out, "test run from image"));
	free(path);
	json_decref(body);
	id = ohs__strdup(json_string_value(json_object_get(out, "Id")));
	json_decref(out);
	path = ohs__sprintf("/containers/%s/start", id);
	ck_assert_ohs_ok(ohs__client_request(cli, "POST", path, NULL, NULL, 0, NULL, "test start"));
	free(path);
	return id;
}

/* Remove container `id` and wait until it is gone (a removal already in
 * progress, e.g. by a concurrent reaper of an older build, is fine). */
static void delete_until_gone(const char *id)
{
	char *path = ohs__sprintf("/containers/%s?force=1&v=1", id);
	int i;

	(void)ohs__client_request(cli, "DELETE", path, NULL, NULL, 0, NULL, "test delete");
	free(path);
	for (i = 0; i < 100 && container_exists(id); i++)
		usleep(100000);
	ck_assert_msg(!container_exists(id), "container %s is not removed", id);
}

START_TEST(test_reap_committed_image)
{
	/* review W3, R-live: `docker commit` of a sandbox, then `docker run` of
	 * that image: the container inherits every org.ohsandbox.* label, with
	 * an owner that is dead.  It is not a sandbox: ps, the dry run and reap
	 * leave it alone. */
	char orig[65], *repo = tname("commit"), *userdb = tname("userdb"), *path, *ida, *idb, *list;
	char *img_id, sname[32];
	json_t *out = NULL, *info, *labels;
	size_t n = 0;
	pid_t pid = dead_owner_session(NULL, 1, orig, sizeof(orig));

	path = ohs__sprintf("/commit?container=%s&repo=%s&tag=latest", orig, repo);
	info = json_object();
	ck_assert_ohs_ok(ohs__client_json(cli, "POST", path, info, &out, "test commit"));
	json_decref(info);
	free(path);
	img_id = ohs__strdup(json_string_value(json_object_get(out, "Id")));
	json_decref(out);
	ck_assert_ptr_nonnull(img_id);

	ida = run_from_image(userdb, img_id);
	info = inspect(ida);
	labels = json_object_get(json_object_get(info, "Config"), "Labels");
	/* the attack's premise: every owner label is inherited, the owner is dead */
	ck_assert_str_eq(ohs__label(labels, OHS_LABEL_MANAGED), "true");
	{
		char pidbuf[32];

		snprintf(pidbuf, sizeof(pidbuf), "%ld", (long)pid);
		ck_assert_str_eq(ohs__label(labels, OHS_LABEL_OWNER_PID), pidbuf);
	}
	ck_assert_ptr_nonnull(ohs__label(labels, OHS_LABEL_MACHINE));
	snprintf(sname, sizeof(sname), "ohs-%.12s", ohs__label(labels, OHS_LABEL_SESSION));
	json_decref(info);

	/* the real (dead-owner) sandbox goes, the inherited one is not listed */
	ck_assert(ps_lists(orig));
	ck_assert(!ps_lists(ida));
	list = dry_run(0, &n);
	ck_assert_msg(strstr(list, orig) && strstr(list, "owner process is gone"), "dry run: %s", list);
	ck_assert_msg(!strstr(list, ida) && !strstr(list, userdb), "dry run lists %s: %s", userdb, list);
	free(list);
	ck_assert(container_exists(orig)); /* the dry run removed nothing */
	ck_assert_ohs_ok(ohs_reap(cli, 0, NULL));
	ck_assert(!container_exists(orig));
	ck_assert(container_exists(ida));

	/* even named like the sandbox it was committed from */
	idb = run_from_image(sname, img_id);
	ck_assert(!ps_lists(idb));
	list = dry_run(0, &n);
	ck_assert_msg(!strstr(list, idb), "dry run lists %s: %s", sname, list);
	free(list);
	ck_assert_ohs_ok(ohs_reap(cli, 0, NULL));
	ck_assert(container_exists(ida));
	ck_assert(container_exists(idb));
	/* --all is "every sandbox of this machine": still not these */
	list = dry_run(OHS_REAP_ALL, &n);
	ck_assert_msg(!strstr(list, ida) && !strstr(list, idb), "dry run --all: %s", list);
	free(list);

	delete_until_gone(ida);
	delete_until_gone(idb);
	path = ohs__sprintf("/images/%s?force=1", img_id);
	ck_assert_ohs_ok(ohs__client_request(cli, "DELETE", path, NULL, NULL, 0, NULL, "test rmi"));
	free(path);
	free(ida);
	free(idb);
	free(img_id);
	free(repo);
	free(userdb);
	assert_clean_pid((long)pid);
	assert_clean();
}
END_TEST

START_TEST(test_reap_network_still_attached)
{
	/* review W3: the network of a dead owner's session is not removed while
	 * another container, stopped, is still attached to it */
	char *net = tname("attached"), *other = tname("attached-c"), *list, *path, id[65];
	size_t n = 99;
	pid_t pid = dead_owner_session(net, 0, id, sizeof(id));
	char *cid;

	raw_delete("containers", id); /* the session is gone, its network stays */
	ck_assert(network_exists(net));
	cid = raw_container(other, net, "exit 0");
	path = ohs__sprintf("/containers/%s/wait", cid);
	ck_assert_ohs_ok(ohs__client_request(cli, "POST", path, NULL, NULL, 0, NULL, "test wait"));
	free(path);
	{
		json_t *info = inspect(cid);

		ck_assert(!json_is_true(json_object_get(json_object_get(info, "State"), "Running")));
		json_decref(info);
	}

	list = dry_run(0, &n);
	ck_assert_msg(!strstr(list, net), "dry run lists the attached network: %s", list);
	free(list);
	ck_assert_ohs_ok(ohs_reap(cli, 0, NULL));
	ck_assert(network_exists(net));
	ck_assert(container_exists(cid));

	/* detached (the container removed): now it goes, and the dry run says so first */
	raw_delete("containers", cid);
	list = dry_run(0, &n);
	ck_assert_msg(strstr(list, "network ") && strstr(list, net) &&
		strstr(list, "no container attached; owner process is gone"),
		"dry run: \"%s\" (network %s %s)", list, net,
		network_exists(net) ? "exists" : "was removed by someone else: a concurrent older reaper?");
	free(list);
	ck_assert(network_exists(net));
	ck_assert_ohs_ok(ohs_reap(cli, 0, NULL));
	ck_assert(!network_exists(net));
	free(cid);
	free(other);
	free(net);
	assert_clean_pid((long)pid);
	assert_clean();
}
END_TEST

START_TEST(test_reap_dry_run)
{
	/* the dry run names each container and network that would go, with the
	 * reason, removes nothing, and counts like the real run */
	char *net = tname("dry"), *list, id[65], line[256];
	size_t n = 0, removed = 0;
	pid_t pid = dead_owner_session(net, 1, id, sizeof(id));
	ohs_config *cfg = test_config();
	ohs_session *live = new_session(cfg, NULL);

	list = dry_run(0, &n);
	snprintf(line, sizeof(line), " %s: owner process is gone\n", id);
	ck_assert_msg(strstr(list, line) && strstr(list, "container ohs-"), "dry run lacks \"%s\": %s",
		line, list);
	ck_assert_msg(strstr(list, "network ") && strstr(list, net), "dry run lacks the network: %s", list);
	ck_assert_msg(!strstr(list, ohs_session_id(live)), "dry run lists the live owner's: %s", list);
	ck_assert_uint_ge(n, 1);
	ck_assert(container_exists(id));
	ck_assert(network_exists(net));
	ck_assert(container_exists(ohs_session_id(live)));
	free(list);

	/* --all lists the live owner's sandbox too, still removing nothing */
	list = dry_run(OHS_REAP_ALL, &n);
	ck_assert_msg(strstr(list, ohs_session_id(live)) && strstr(list, "--all: owner process is alive"),
		"dry run --all: %s", list);
	ck_assert(container_exists(ohs_session_id(live)));
	free(list);

	ck_assert_ohs_ok(ohs_reap(cli, 0, &removed));
	ck_assert_uint_ge(removed, 1);
	ck_assert(!container_exists(id));
	ck_assert(!network_exists(net));
	ck_assert(container_exists(ohs_session_id(live)));
	ohs_session_free(live);
	ohs_config_free(cfg);
	free(net);
	assert_clean_pid((long)pid);
	assert_clean();
}
END_TEST

/* ------------------------------------------------------------ API 1.1 */

START_TEST(test_api11_getters)
{
	/* keep, the protocol of each published binding, stop in ms, the typed
	 * list, reap under its module-verb name */
	ohs_config *cfg = test_config();
	ohs_netpolicy *np = ohs_config_netpolicy(cfg);
	ohs_session *s, *o = NULL;
	ohs_sessions *l = NULL;
	char *id;
	size_t i, n, tcp = 0, udp = 0, removed = 99, found = 0;
	long t0;

	ck_assert_ohs_error(ohs_session_keep(NULL), OHS_EINVAL, "ohs_session_keep: session is NULL");
	ck_assert_ptr_null(ohs_session_port_protocol(NULL, 0));
	ck_assert_ohs_error(ohs_session_stop_ms(NULL, 0), OHS_EINVAL, "ohs_session_stop_ms: session is NULL");
	ck_assert_ohs_error(ohs_sessions_list(NULL, cli), OHS_EINVAL, "ohs_sessions_list: out is NULL");
	ck_assert_ohs_error(ohs_sessions_list(&l, NULL), OHS_EINVAL, "ohs_sessions_list: client is NULL");
	ck_assert_ptr_null(l);
	ck_assert_uint_eq(ohs_sessions_count(NULL), 0);
	ck_assert_ptr_null(ohs_sessions_id(NULL, 0));
	ck_assert_int_eq(ohs_sessions_owner_alive(NULL, 0), -1);
	ohs_sessions_free(NULL);

	ck_assert_ohs_ok(ohs_netpolicy_set_binding_address(np, "127.0.0.1"));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 8080, NULL, NULL, 0));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 5353, "udp", NULL, 0));
	s = new_session(cfg, NULL);
	id = ohs__strdup(ohs_session_id(s));
	ck_assert_int_eq(ohs_session_keep(s), 0);
	ck_assert_ohs_ok(ohs_session_start(s));
	n = ohs_session_port_count(s);
	for (i = 0; i < n; i++) {
		const char *proto = ohs_session_port_protocol(s, i);

		ck_assert_ptr_nonnull(proto);
		if (ohs_session_port_container(s, i) == 8080) {
			ck_assert_str_eq(proto, "tcp");
			tcp++;
		} else {
			ck_assert_int_eq(ohs_session_port_container(s, i), 5353);
			ck_assert_str_eq(proto, "udp");
			udp++;
		}
	}
	ck_assert_uint_ge(tcp, 1);
	ck_assert_uint_ge(udp, 1);
	ck_assert_ptr_null(ohs_session_port_protocol(s, n));

	ck_assert_ohs_ok(ohs_session_set_keep(s, 1));
	ck_assert_int_eq(ohs_session_keep(s), 1);

	/* the typed list holds it, as the JSON one does */
	ck_assert_ohs_ok(ohs_sessions_list(&l, cli));
	for (i = 0; i < ohs_sessions_count(l); i++) {
		if (strcmp(ohs_sessions_id(l, i), id) != 0)
			continue;
		found++;
		ck_assert_str_eq(ohs_sessions_name(l, i), ohs_session_name(s));
		ck_assert_str_eq(ohs_sessions_session(l, i), ohs__session_sid(s));
		ck_assert_str_eq(ohs_sessions_state(l, i), "running");
		ck_assert_ptr_nonnull(ohs_sessions_image(l, i));
		ck_assert_ptr_nonnull(ohs_sessions_host(l, i));
		ck_assert_int_eq(ohs_sessions_owner_pid(l, i), (int64_t)getpid());
		ck_assert_int_eq(ohs_sessions_owner_alive(l, i), 1);
		ck_assert_int_eq(ohs_sessions_keep(l, i), 1);
		ck_assert_int_gt(ohs_sessions_created(l, i), 1700000000);
	}
	ck_assert_uint_eq(found, 1);
	n = ohs_sessions_count(l);
	ck_assert_ptr_null(ohs_sessions_id(l, n));
	ck_assert_ptr_null(ohs_sessions_state(l, n));
	ck_assert_int_eq(ohs_sessions_keep(l, n), 0);
	ck_assert_int_eq(ohs_sessions_owner_alive(l, n), -1);
	ohs_sessions_free(l);

	/* reopened: kept is read back from the engine */
	ohs_session_free(s);
	ck_assert_ohs_ok(ohs_session_open(&o, cli, id));
	ck_assert_int_eq(ohs_session_keep(o), 1);

	/* stop in milliseconds (rounded up to the engine's seconds) */
	ck_assert_ohs_error(ohs_session_stop_ms(o, -1), OHS_EINVAL, "ohs_session_stop_ms: timeout_ms -1 must be >= 0");
	t0 = ohs__now_ms();
	ck_assert_ohs_ok(ohs_session_stop_ms(o, 1));
	ohs_test_assert_within(ohs__now_ms() - t0, 11000, "a stop with a 1 ms grace");
	ck_assert_uint_eq(ohs_session_port_count(o), 0);

	/* the alias and the module-verb name do the same: a live owner's
	 * sandbox is not reaped */
	ck_assert_ohs_ok(ohs_reap_run(cli, OHS_REAP_DRY_RUN, &removed));
	ck_assert(container_exists(id));
	ck_assert_ohs_ok(ohs_session_set_keep(o, 0));
	ck_assert_int_eq(ohs_session_keep(o), 0);
	ohs_session_free(o);
	ck_assert(!container_exists(id));
	free(id);
	ohs_config_free(cfg);
	assert_clean();
}
END_TEST

/* ------------------------------------------------------------ main */

int main(void)
{
	Suite *s = suite_create("session");
	TCase *unit = tcase_create("unit"), *tc = tcase_create("engine"), *fake = tcase_create("fake");
	unsigned char r[4];
	int fd;

	ohs_test_require_engine();
	fd = open("/dev/urandom", O_RDONLY);
	if (fd < 0 || read(fd, r, sizeof(r)) != (ssize_t)sizeof(r))
		return EXIT_FAILURE;
	close(fd);
	snprintf(run_id, sizeof(run_id), "%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);

	tcase_add_checked_fixture(unit, setup, teardown);
	tcase_add_test(unit, test_args);
	tcase_add_test(unit, test_proc_starttime);
	tcase_add_test(unit, test_findings_add);
	suite_add_tcase(s, unit);

	tcase_add_test(fake, test_body_judged_is_sent);
	tcase_add_test(fake, test_body_rejudged_refuses);
	suite_add_tcase(s, fake);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_unchecked_fixture(tc, NULL, final_cleanup);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_lifecycle);
	tcase_add_test(tc, test_free_removes);
	tcase_add_test(tc, test_keep_open);
	tcase_add_test(tc, test_api11_getters);
	tcase_add_test(tc, test_mounts_and_user);
	tcase_add_test(tc, test_policy_enforce_refuses);
	tcase_add_test(tc, test_policy_hardened);
	tcase_add_test(tc, test_ports_loopback);
	tcase_add_test(tc, test_ports_default_binding);
	tcase_add_test(tc, test_wait_http_exit_and_timeout);
	tcase_add_test(tc, test_own_network);
	tcase_add_test(tc, test_sidecar);
	tcase_add_test(tc, test_missing_network);
	tcase_add_test(tc, test_compose_hint);
	tcase_add_test(tc, test_internal_existing_network);
	tcase_add_test(tc, test_internal_default_bridge);
	tcase_add_test(tc, test_internal_no_route);
	tcase_add_test(tc, test_existing_network_finding);
	tcase_add_test(tc, test_volume_host_root);
	tcase_add_test(tc, test_volume_overlay_and_device);
	tcase_add_test(tc, test_volume_plain_and_driver);
	tcase_add_test(tc, test_reap);
	tcase_add_test(tc, test_reap_network_only);
	tcase_add_test(tc, test_reap_committed_image);
	tcase_add_test(tc, test_reap_network_still_attached);
	tcase_add_test(tc, test_reap_dry_run);
	tcase_add_test(tc, test_pull);
	suite_add_tcase(s, tc);
	return ohs_test_run(s);
}
