/*
 * Transport tests.
 *
 * Part 1 ("offline") needs no engine: argument checks, DOCKER_HOST parsing,
 * socket errors, TLS setup errors, and a scripted fake engine (fakeengine.c)
 * for the faults a real engine cannot produce.
 * Part 2 ("engine") runs against the real engine (skipped with exit 77
 * when none answers, unless OHS_REQUIRE_ENGINE is set).
 */
#include "internal.h"
#include "client_int.h"
#include "engine_int.h"
#include "testutil.h"
#include "fakeengine.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---------------------------------------------------------------- helpers */

/* A NULL-terminated envp of up to 7 entries, built from printf formats. */
typedef struct {
	char *v[8];
	int n;
} test_env;

static void env_add(test_env *e, const char *name, const char *value)
{
	ck_assert_int_lt(e->n, 7);
	e->v[e->n] = ohs__sprintf("%s=%s", name, value);
	ck_assert_ptr_nonnull(e->v[e->n]);
	e->n++;
	e->v[e->n] = NULL;
}

static const char *const *env_get(test_env *e)
{
	return (const char *const *)e->v;
}

static void env_clear(test_env *e)
{
	int i;

	for (i = 0; i < e->n; i++)
		free(e->v[i]);
	memset(e, 0, sizeof(*e));
}

static ohs_client *fake_client(fake_engine *fe)
{
	test_env e = {0};
	ohs_client *c = NULL;

	env_add(&e, "DOCKER_HOST", fake_engine_host(fe));
	ck_assert_ohs_ok(ohs_client_new(&c, env_get(&e)));
	env_clear(&e);
	return c;
}

struct sink {
	ohs__buf all;
	ohs__buf out[4];
	int abort_with;
	ohs__demux demux;
	int demux_rc;
};

static int sink_data(const char *data, size_t len, void *payload)
{
	struct sink *s = payload;

	ck_assert_int_eq(ohs__buf_append(&s->all, data, len), 0);
	return s->abort_with;
}

static int sink_frame(int stream, const char *data, size_t len, void *payload)
{
	struct sink *s = payload;

	ck_assert_int_eq(ohs__buf_append(&s->out[stream], data, len), 0);
	return 0;
}

static int sink_demux(const char *data, size_t len, void *payload)
{
	struct sink *s = payload;

	return ohs__demux_feed(&s->demux, data, len);
}

static void sink_init(struct sink *s)
{
	memset(s, 0, sizeof(*s));
	ohs__demux_init(&s->demux, sink_frame, s);
}

static void sink_clear(struct sink *s)
{
	int i;

	ohs__buf_clear(&s->all);
	for (i = 0; i < 4; i++)
		ohs__buf_clear(&s->out[i]);
}

static const char *sout(struct sink *s, int stream)
{
	return s->out[stream].data ? s->out[stream].data : "";
}

/* ---------------------------------------------------------------- arguments and DOCKER_HOST */

START_TEST(test_null_args)
{
	ohs__response r;
	ohs__conn *conn;

	ck_assert_ohs_error(ohs_client_new(NULL, NULL), OHS_EINVAL, "out is NULL");
	ck_assert_ohs_error(ohs_client_ping(NULL), OHS_EINVAL, "client is NULL");
	ck_assert_ohs_error(ohs_client_set_timeouts(NULL, 1, 1), OHS_EINVAL, "client is NULL");
	ck_assert_ptr_null(ohs_client_api_version(NULL));
	ck_assert_ptr_null(ohs_client_host(NULL));
	ohs_client_free(NULL);
	ck_assert_ohs_error(ohs__client_request(NULL, "GET", "/x", NULL, NULL, 0, &r, "w"),
		OHS_EINVAL, "client is NULL");
	ck_assert_ptr_null(r.body);
	ck_assert_ohs_error(ohs__client_json(NULL, "GET", "/x", NULL, NULL, "w"),
		OHS_EINVAL, "client is NULL");
	ck_assert_ohs_error(ohs__client_stream(NULL, "GET", "/x", NULL, NULL, 0, sink_data, NULL, 0, "w"),
		OHS_EINVAL, "client is NULL");
	ck_assert_ohs_error(ohs__client_upload(NULL, "PUT", "/x", NULL, NULL, NULL, "w"),
		OHS_EINVAL, "client is NULL");
	ck_assert_ohs_error(ohs__client_hijack(NULL, "POST", "/x", NULL, &conn, "w"),
		OHS_EINVAL, "client is NULL");
	ck_assert_ptr_null(conn);
	ck_assert_ohs_error(ohs__conn_send(NULL, "x", 1), OHS_EINVAL, "conn is NULL");
	ck_assert_ohs_error((int)ohs__conn_recv(NULL, &r, 1, 0), OHS_EINVAL, "conn is NULL");
	ck_assert_ohs_error(ohs__conn_close_write(NULL), OHS_EINVAL, "conn is NULL");
	ohs__conn_free(NULL);
	ohs__response_clear(NULL);
}
END_TEST

static const struct {
	const char *host;
	int code;
	const char *needle;
} bad_hosts[] = {
	{ "ssh://user@example", OHS_ENOTSUPPORTED, "DOCKER_HOST (\"ssh://***@example\"): this scheme is not supported" },
	{ "npipe:////./pipe/docker_engine", OHS_ENOTSUPPORTED, "npipe:" },
	{ "fd://", OHS_ENOTSUPPORTED, "supported forms are unix:///path/to/socket" },
	{ "garbage", OHS_ENOTSUPPORTED, "tcp://HOST:PORT" },
	{ "http://127.0.0.1:2375", OHS_ENOTSUPPORTED, "\"http://127.0.0.1:2375\"" },
	{ "unix://relative.sock", OHS_EINVAL, "absolute socket path" },
	{ "tcp://", OHS_EINVAL, "expected tcp://HOST:PORT" },
	{ "tcp://127.0.0.1:2375/path", OHS_EINVAL, "expected tcp://HOST:PORT" },
	{ "tcp://127.0.0.1:99999", OHS_EINVAL, "port \"99999\" is not a number from 1 to 65535" },
	{ "tcp://127.0.0.1:x", OHS_EINVAL, "port \"x\"" },
	{ "unix:///nonexistent.sock", OHS_EUNREACHABLE,
	  "cannot connect to the Docker engine at unix:///nonexistent.sock "
	  "(DOCKER_HOST=\"unix:///nonexistent.sock\"): No such file or directory" },
	{ "tcp://127.0.0.1:1", OHS_EUNREACHABLE, "cannot connect to the Docker engine at tcp://127.0.0.1:1" },
};

START_TEST(test_bad_docker_host)
{
	test_env e = {0};
	ohs_client *c = (ohs_client *)&e;

	env_add(&e, "DOCKER_HOST", bad_hosts[_i].host);
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), bad_hosts[_i].code, bad_hosts[_i].needle);
	ck_assert_ptr_null(c);
	env_clear(&e);
}
END_TEST

START_TEST(test_not_a_socket)
{
	char path[] = "/tmp/ohs-notsock-XXXXXX";
	int fd = mkstemp(path);
	test_env e = {0};
	ohs_client *c = NULL;
	char *host = ohs__sprintf("unix://%s", path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	env_add(&e, "DOCKER_HOST", host);
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_EUNREACHABLE, "is not a socket");
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_EUNREACHABLE, path);
	unlink(path);
	free(host);
	env_clear(&e);
}
END_TEST

/* A socket file nobody listens on: connection refused. */
START_TEST(test_refused)
{
	char dir[] = "/tmp/ohs-refused-XXXXXX";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	test_env e = {0};
	ohs_client *c = NULL;
	char *host;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/s.sock", dir);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	host = ohs__sprintf("unix://%s", sa.sun_path);
	env_add(&e, "DOCKER_HOST", host);
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_EUNREACHABLE, "Connection refused");
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_EUNREACHABLE, sa.sun_path);
	unlink(sa.sun_path);
	rmdir(dir);
	free(host);
	env_clear(&e);
}
END_TEST

/*
 * A socket without permission.  root passes every permission check, so as
 * root the check runs in a child process that drops to uid/gid 65534.
 */
static int try_eperm(const char *host, const char *sock)
{
	test_env e = {0};
	ohs_client *c = NULL;
	int rc;
	const char *msg;

	env_add(&e, "DOCKER_HOST", host);
	rc = ohs_client_new(&c, env_get(&e));
	env_clear(&e);
	msg = ohs_error_last();
	if (rc != OHS_EPERM || !msg || !strstr(msg, sock) ||
	    !strstr(msg, "permission denied on the Docker engine socket") || !strstr(msg, "DOCKER_HOST=")) {
		fprintf(stderr, "try_eperm: rc %d, message %s\n", rc, msg ? msg : "(none)");
		ohs_client_free(c);
		return 1;
	}
	return 0;
}

START_TEST(test_socket_permission)
{
	fake_engine *fe = fake_engine_start();
	int status;
	pid_t pid;

	ck_assert_ptr_nonnull(fe);
	ck_assert_int_eq(chmod(fake_engine_socket(fe), 0), 0);
	if (geteuid() != 0) {
		ck_assert_int_eq(try_eperm(fake_engine_host(fe), fake_engine_socket(fe)), 0);
	} else {
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			if (setgid(65534) < 0 || setuid(65534) < 0)
				_exit(2);
			_exit(try_eperm(fake_engine_host(fe), fake_engine_socket(fe)));
		}
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			"child as uid 65534 did not get OHS_EPERM naming the socket (status %d)", status);
	}
	fake_engine_stop(fe);
}
END_TEST

START_TEST(test_tls_setup_errors)
{
	char dir[] = "/tmp/ohs-certs-XXXXXX";
	test_env e = {0};
	ohs_client *c = NULL;
	char *p;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* verify without ca.pem */
	env_add(&e, "DOCKER_HOST", "tcp://127.0.0.1:1");
	env_add(&e, "DOCKER_TLS_VERIFY", "1");
	env_add(&e, "DOCKER_CERT_PATH", dir);
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_ETLS, "ca.pem");
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_ETLS, "DOCKER_CERT_PATH");
	env_clear(&e);
	/* no DOCKER_CERT_PATH: $HOME/.docker */
	env_add(&e, "DOCKER_HOST", "tcp://127.0.0.1:1");
	env_add(&e, "DOCKER_TLS_VERIFY", "1");
	env_add(&e, "HOME", dir);
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_ETLS, ".docker/ca.pem");
	env_clear(&e);
	/* cert.pem without key.pem */
	p = ohs__sprintf("%s/cert.pem", dir);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	env_add(&e, "DOCKER_HOST", "tcp://127.0.0.1:1");
	env_add(&e, "DOCKER_CERT_PATH", dir);
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_ETLS, "key.pem cannot be read");
	env_clear(&e);
	unlink(p);
	free(p);
	/* DOCKER_TLS_VERIFY=0 or =false verifies, as with the Docker CLI (W4 T5, T6):
	 * the CA is required, it is not plain TCP */
	env_add(&e, "DOCKER_HOST", "tcp://127.0.0.1:1");
	env_add(&e, "DOCKER_TLS_VERIFY", "0");
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_ETLS,
		"DOCKER_TLS_VERIFY is set but neither DOCKER_CERT_PATH nor HOME is");
	env_clear(&e);
	env_add(&e, "DOCKER_HOST", "tcp://127.0.0.1:1");
	env_add(&e, "DOCKER_TLS_VERIFY", "false");
	env_add(&e, "DOCKER_CERT_PATH", dir);
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_ETLS,
		"DOCKER_TLS_VERIFY is set but the CA certificate");
	env_clear(&e);
	/* empty DOCKER_TLS_VERIFY: unset, plain TCP (then unreachable) */
	env_add(&e, "DOCKER_HOST", "tcp://127.0.0.1:1");
	env_add(&e, "DOCKER_TLS_VERIFY", "");
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_EUNREACHABLE, "tcp://127.0.0.1:1");
	env_clear(&e);
	rmdir(dir);
	ck_assert_ptr_null(c);
}
END_TEST

/* W5: user information in DOCKER_HOST is never echoed (masked as ***). */
static const struct {
	const char *host;
	int code;
	const char *needle;
} secret_hosts[] = {
	{ "tcp://admin:hunter2-SECRET@127.0.0.1:2376", OHS_EINVAL,
	  "DOCKER_HOST (\"tcp://***@127.0.0.1:2376\"): user information (user:password@) is not supported" },
	{ "tcp://hunter2-SECRET@127.0.0.1", OHS_EINVAL, "\"tcp://***@127.0.0.1\"" },
	{ "tcp://u:p/a@ss-SECRET@h:1/x", OHS_EINVAL, "\"tcp://***@h:1/x\"" },
	{ "ssh://root:hunter2-SECRET@host", OHS_ENOTSUPPORTED,
	  "DOCKER_HOST (\"ssh://***@host\"): this scheme is not supported" },
	{ "https://u:hunter2-SECRET@host:2376", OHS_ENOTSUPPORTED, "\"https://***@host:2376\"" },
	{ "u:hunter2-SECRET@host:2375", OHS_ENOTSUPPORTED, "DOCKER_HOST (\"***@host:2375\")" },
	{ "unix://u:hunter2-SECRET@/var/run/docker.sock", OHS_EINVAL,
	  "DOCKER_HOST (\"unix://***@/var/run/docker.sock\"): expected an absolute socket path" },
	{ "tcp://u:hunter2-SECRET@h:99999", OHS_EINVAL, "\"tcp://***@h:99999\"" },
};

START_TEST(test_docker_host_secret_masked)
{
	test_env e = {0};
	ohs_client *c = (ohs_client *)&e;

	env_add(&e, "DOCKER_HOST", secret_hosts[_i].host);
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), secret_hosts[_i].code, secret_hosts[_i].needle);
	ck_assert_ptr_null(strstr(ohs_error_last(), "SECRET"));
	ck_assert_ptr_null(strstr(ohs_error_last(), "hunter2"));
	ck_assert_ptr_null(c);
	env_clear(&e);
}
END_TEST

/* A unix socket path with an '@' in it is a path, not user information. */
START_TEST(test_docker_host_unix_at_kept)
{
	test_env e = {0};
	ohs_client *c = NULL;

	env_add(&e, "DOCKER_HOST", "unix:///nonexistent/a@b.sock");
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_EUNREACHABLE,
		"(DOCKER_HOST=\"unix:///nonexistent/a@b.sock\")");
	env_clear(&e);
}
END_TEST

/* W4: plain tcp:// works but leaves a one-line warning; a unix socket none. */
START_TEST(test_plain_tcp_warning)
{
	fake_engine *fe = fake_engine_start_tcp();
	ohs_client *c;
	char *expect;

	ck_assert_ptr_nonnull(fe);
	ck_assert_ptr_nonnull(strstr(fake_engine_host(fe), "tcp://127.0.0.1:"));
	c = fake_client(fe);
	ck_assert_ohs_ok(ohs_client_ping(c));
	ck_assert_str_eq(ohs_client_host(c), fake_engine_host(fe));
	ck_assert_uint_eq(ohs_client_warning_count(c), 1);
	expect = ohs__sprintf("the Docker engine at %s is reached over plain TCP "
		"(DOCKER_TLS_VERIFY and DOCKER_CERT_PATH unset): the connection is neither "
		"encrypted nor authenticated; set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH",
		fake_engine_host(fe));
	ck_assert_str_eq(ohs_client_warning(c, 0), expect);
	ck_assert_ptr_null(strchr(ohs_client_warning(c, 0), '\n'));
	ck_assert_ptr_null(ohs_client_warning(c, 1));
	free(expect);
	ohs_client_free(c);
	fake_engine_stop(fe);

	fe = fake_engine_start();
	ck_assert_ptr_nonnull(fe);
	c = fake_client(fe);
	ck_assert_uint_eq(ohs_client_warning_count(c), 0);
	ck_assert_ptr_null(ohs_client_warning(c, 0));
	ohs_client_free(c);
	fake_engine_stop(fe);
	ck_assert_uint_eq(ohs_client_warning_count(NULL), 0);
	ck_assert_ptr_null(ohs_client_warning(NULL, 0));
}
END_TEST

START_TEST(test_escape)
{
	char *s = ohs__client_escape("a b/c?d=e&f");

	ck_assert_str_eq(s, "a%20b%2Fc%3Fd%3De%26f");
	free(s);
	s = ohs__client_escape("ohs-test_1.x~");
	ck_assert_str_eq(s, "ohs-test_1.x~");
	free(s);
	ck_assert_ptr_null(ohs__client_escape(NULL));
}
END_TEST

/* ---------------------------------------------------------------- fake engine */

START_TEST(test_fake_basic)
{
	fake_engine *fe = fake_engine_start();
	ohs_client *c;
	json_t *in, *out = NULL;
	char *req;
	int i;

	ck_assert_ptr_nonnull(fe);
	c = fake_client(fe);
	ck_assert_str_eq(ohs_client_api_version(c), "1.41");
	ck_assert_str_eq(ohs_client_host(c), fake_engine_host(fe));
	fake_engine_add_body(fe, "POST /v1.41/containers/create?name=x", 201, "application/json",
		"{\"Id\":\"abc\",\"Warnings\":[]}", (size_t)-1);
	in = json_pack("{s:s}", "Image", "img");
	ck_assert_ohs_ok(ohs__client_json(c, "POST", "/containers/create?name=x", in, &out, "create"));
	ck_assert_str_eq(json_string_value(json_object_get(out, "Id")), "abc");
	req = fake_engine_last_request(fe);
	ck_assert_ptr_nonnull(strstr(req, "Content-Type: application/json\r\n"));
	ck_assert_ptr_nonnull(strstr(req, "\r\n\r\n{\"Image\":\"img\"}"));
	free(req);
	json_decref(in);
	json_decref(out);
	/* keep-alive: many requests, one connection */
	for (i = 0; i < 10; i++)
		ck_assert_ohs_ok(ohs_client_ping(c));
	ck_assert_int_eq(ohs__client_num_connects(c), 1);
	ohs_client_free(c);
	fake_engine_stop(fe);
}
END_TEST

static const struct {
	int status;
	int code;
} status_map[] = {
	{ 400, OHS_EINVAL }, { 401, OHS_EPERM }, { 403, OHS_EPERM }, { 404, OHS_ENOTFOUND },
	{ 409, OHS_ECONFLICT }, { 418, OHS_ERROR }, { 500, OHS_EENGINE }, { 503, OHS_EENGINE },
};

START_TEST(test_fake_status_map)
{
	fake_engine *fe = fake_engine_start();
	ohs_client *c = fake_client(fe);
	char body[64], needle[64];
	ohs__response r;
	json_t *out = (json_t *)c;

	snprintf(body, sizeof(body), "{\"message\":\"fake says %d\"}\n", status_map[_i].status);
	fake_engine_add_body(fe, "/things", status_map[_i].status, "application/json", body, (size_t)-1);
	snprintf(needle, sizeof(needle), "do things: fake says %d", status_map[_i].status);
	ck_assert_ohs_error(ohs__client_request(c, "GET", "/things", NULL, NULL, 0, &r, "do things"),
		status_map[_i].code, needle);
	ck_assert_int_eq(ohs_error_last_http_status(), status_map[_i].status);
	ck_assert_int_eq(r.status, status_map[_i].status);
	ck_assert_ptr_nonnull(strstr(r.body, "fake says"));
	ohs__response_clear(&r);
	ck_assert_ohs_error(ohs__client_json(c, "GET", "/things", NULL, &out, "do things"),
		status_map[_i].code, needle);
	ck_assert_ptr_null(out);
	ohs_client_free(c);
	fake_engine_stop(fe);
}
END_TEST

/* Podman's error bodies ({"cause","message","response"}) as Docker's. */
static const struct {
	long status;
	const char *body;
	int code;
	int http;
	const char *needle;
} podman_errors[] = {
	{ 404, "{\"cause\":\"no such container\",\"message\":\"no container with name or ID \\\"ohs-x\\\" "
		"found: no such container\",\"response\":404}", OHS_ENOTFOUND, 404, "inspect: No such container: ohs-x" },
	{ 404, "{\"cause\":\"no such exec session\",\"message\":\"no exec session with ID e1 found: "
		"no such exec session\",\"response\":404}", OHS_ENOTFOUND, 404, "inspect: No such exec instance: e1" },
	{ 404, "{\"cause\":\"network not found\",\"message\":\"unable to find network with name or ID n1: "
		"network not found\",\"response\":404}", OHS_ENOTFOUND, 404, "inspect: network n1 not found" },
	{ 404, "{\"cause\":\"no such volume\",\"message\":\"volume with name v1 not found: no such volume\","
		"\"response\":404}", OHS_ENOTFOUND, 404, "inspect: get v1: no such volume" },
	{ 500, "{\"cause\":\"that name is already in use\",\"message\":\"creating container storage: the "
		"container name \\\"a\\\" is already in use by 12: that name is already in use\",\"response\":500}",
		OHS_ECONFLICT, 409, "inspect: creating container storage: the container name \"a\" is already in use" },
	{ 500, "{\"cause\":\"network is being used\",\"message\":\"\\\"n1\\\" has associated containers with it: "
		"network is being used\",\"response\":500}", OHS_ECONFLICT, 409, "has associated containers" },
	{ 500, "{\"cause\":\"container state improper\",\"message\":\"can only create exec sessions on running "
		"containers: container state improper\",\"response\":500}", OHS_ECONFLICT, 409,
		"inspect: the container is not running (can only create exec sessions on running containers)" },
	{ 500, "{\"cause\":\"invalid argument\",\"message\":\"names must match [a-zA-Z0-9]: invalid argument\","
		"\"response\":500}", OHS_EINVAL, 400, "inspect: names must match" },
	/* an unknown cause stays an engine error with Podman's message */
	{ 500, "{\"cause\":\"something else\",\"message\":\"it broke: something else\",\"response\":500}",
		OHS_EENGINE, 500, "inspect: it broke: something else" },
	/* Docker's body without "cause": untouched */
	{ 500, "{\"message\":\"network is being used\"}", OHS_EENGINE, 500, "inspect: network is being used" },
};

START_TEST(test_podman_errors)
{
	const char *b = podman_errors[_i].body;

	ck_assert_ohs_error(ohs__client_status_error(podman_errors[_i].status, b, strlen(b), "inspect"),
		podman_errors[_i].code, podman_errors[_i].needle);
	ck_assert_int_eq(ohs_error_last_http_status(), podman_errors[_i].http);
}
END_TEST

START_TEST(test_fake_bodies)
{
	fake_engine *fe = fake_engine_start();
	ohs_client *c = fake_client(fe);
	ohs__response r;
	json_t *out = NULL;

	/* not JSON: the raw body */
	fake_engine_add_body(fe, "/plain", 500, "text/plain", "plain text failure\n", (size_t)-1);
	ck_assert_ohs_error(ohs__client_json(c, "GET", "/plain", NULL, &out, "get plain"),
		OHS_EENGINE, "get plain: plain text failure");
	ck_assert_int_eq(ohs_error_last_http_status(), 500);
	/* empty body */
	fake_engine_add_body(fe, "/empty", 502, "text/plain", "", 0);
	ck_assert_ohs_error(ohs__client_json(c, "GET", "/empty", NULL, NULL, "get empty"),
		OHS_EENGINE, "get empty: the engine answered HTTP 502");
	/* 304 is not an error */
	fake_engine_add(fe, "/started", FAKE_REPLY, "HTTP/1.1 304 Not Modified\r\n\r\n", (size_t)-1);
	ck_assert_ohs_ok(ohs__client_request(c, "POST", "/started", NULL, NULL, 0, &r, "start"));
	ck_assert_int_eq(r.status, 304);
	ohs__response_clear(&r);
	ck_assert_ohs_ok(ohs__client_json(c, "POST", "/started", NULL, &out, "start"));
	ck_assert_ptr_null(out);
	/* 204 without a body: out stays NULL */
	fake_engine_add(fe, "/nocontent", FAKE_REPLY, "HTTP/1.1 204 No Content\r\n\r\n", (size_t)-1);
	ck_assert_ohs_ok(ohs__client_json(c, "DELETE", "/nocontent", NULL, &out, "remove"));
	ck_assert_ptr_null(out);
	/* invalid JSON where JSON is expected */
	fake_engine_add_body(fe, "/badjson", 200, "application/json", "{\"Id\": ", (size_t)-1);
	ck_assert_ohs_error(ohs__client_json(c, "GET", "/badjson", NULL, &out, "inspect"),
		OHS_EPROTOCOL, "inspect: the engine's answer is not valid JSON");
	ck_assert_ohs_error(ohs__client_json(c, "GET", "/badjson", NULL, &out, "inspect"),
		OHS_EPROTOCOL, "\"{\"Id\": \"");
	ck_assert_ptr_null(out);
	/* the client still works */
	ck_assert_ohs_ok(ohs_client_ping(c));
	ohs_client_free(c);
	fake_engine_stop(fe);
}
END_TEST

START_TEST(test_fake_connection_faults)
{
	fake_engine *fe = fake_engine_start();
	ohs_client *c = fake_client(fe);
	ohs__response r;

	/* closed without an answer */
	fake_engine_add(fe, "/close", FAKE_CLOSE, NULL, 0);
	ck_assert_ohs_error(ohs__client_request(c, "GET", "/close", NULL, NULL, 0, &r, "list"),
		OHS_EPROTOCOL, "list: the Docker engine at unix://");
	ck_assert_ohs_error(ohs__client_request(c, "GET", "/close", NULL, NULL, 0, &r, "list"),
		OHS_EPROTOCOL, "closed the connection without answering");
	ck_assert_ptr_null(r.body);
	/* body shorter than its Content-Length */
	fake_engine_add(fe, "/short", FAKE_REPLY_CLOSE,
		"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"a\":", (size_t)-1);
	ck_assert_ohs_error(ohs__client_request(c, "GET", "/short", NULL, NULL, 0, NULL, "get"),
		OHS_EPROTOCOL, "get: malformed or truncated answer");
	/* no answer at all: the request timeout */
	fake_engine_add(fe, "/hang", FAKE_HANG, NULL, 0);
	ck_assert_ohs_error(ohs_client_set_timeouts(c, -1, 0), OHS_EINVAL, "connect_ms (-1)");
	ck_assert_ohs_error(ohs_client_set_timeouts(c, 0, -5), OHS_EINVAL, "request_ms (-5)");
	ck_assert_ohs_ok(ohs_client_set_timeouts(c, 1000, 300));
	ck_assert_ohs_error(ohs__client_request(c, "GET", "/hang", NULL, NULL, 0, NULL, "wait"),
		OHS_ETIMEOUT, "wait: no answer from the Docker engine");
	ck_assert_ohs_error(ohs__client_request(c, "GET", "/hang", NULL, NULL, 0, NULL, "wait"),
		OHS_ETIMEOUT, "within 300 ms");
	/* and the client is usable afterwards */
	ck_assert_ohs_ok(ohs_client_ping(c));
	ohs_client_free(c);
	fake_engine_stop(fe);
}
END_TEST

START_TEST(test_fake_versions)
{
	fake_engine *fe = fake_engine_start();
	test_env e = {0};
	ohs_client *c = NULL;
	char *req;

	env_add(&e, "DOCKER_HOST", fake_engine_host(fe));
	fake_engine_set_api_version(fe, "1.24");
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_ENOTSUPPORTED,
		"engine API version 1.24 is older than the oldest supported 1.40");
	ck_assert_ptr_null(c);
	fake_engine_set_api_version(fe, NULL);
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_EPROTOCOL, "no Api-Version header");
	fake_engine_set_api_version(fe, "banana");
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_EPROTOCOL, "malformed API version \"banana\"");
	/* a newer engine: our newest */
	fake_engine_set_api_version(fe, "1.99");
	ck_assert_ohs_ok(ohs_client_new(&c, env_get(&e)));
	ck_assert_str_eq(ohs_client_api_version(c), "1.47");
	ohs_client_free(c);
	fake_engine_set_api_version(fe, "1.40");
	ck_assert_ohs_ok(ohs_client_new(&c, env_get(&e)));
	ck_assert_str_eq(ohs_client_api_version(c), "1.40");
	ohs_client_free(c);
	/* DOCKER_API_VERSION overrides, and is used in the path */
	env_add(&e, "DOCKER_API_VERSION", "1.43");
	ck_assert_ohs_ok(ohs_client_new(&c, env_get(&e)));
	ck_assert_str_eq(ohs_client_api_version(c), "1.43");
	fake_engine_add_body(fe, "/info", 200, "application/json", "{}", 2);
	ck_assert_ohs_ok(ohs__client_json(c, "GET", "/info", NULL, NULL, "info"));
	req = fake_engine_last_request(fe);
	ck_assert_msg(strncmp(req, "GET /v1.43/info HTTP/1.1\r\n", 26) == 0, "request: %s", req);
	free(req);
	ohs_client_free(c);
	env_clear(&e);
	env_add(&e, "DOCKER_HOST", fake_engine_host(fe));
	env_add(&e, "DOCKER_API_VERSION", "v1.41");
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_EINVAL,
		"DOCKER_API_VERSION (\"v1.41\"): expected a version of the form 1.NN");
	env_clear(&e);
	env_add(&e, "DOCKER_HOST", fake_engine_host(fe));
	env_add(&e, "DOCKER_API_VERSION", "1.12");
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_ENOTSUPPORTED,
		"DOCKER_API_VERSION (\"1.12\"): supported API versions are 1.40 to 1.47");
	env_clear(&e);
	fake_engine_stop(fe);
}
END_TEST

START_TEST(test_fake_stream)
{
	static const char frames[] =
		"\1\0\0\0\0\0\0\3out" "\2\0\0\0\0\0\0\3err" "\1\0\0\0\0\0\0\x10trunc";
	fake_engine *fe = fake_engine_start();
	ohs_client *c = fake_client(fe);
	char *raw;
	struct sink s;

	/* a stream whose last frame is cut short */
	raw = ohs__sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
		"Content-Length: %zu\r\n\r\n", sizeof(frames) - 1);
	ck_assert_ptr_nonnull(raw);
	{
		ohs__buf b = {0};

		ohs__buf_append(&b, raw, strlen(raw));
		ohs__buf_append(&b, frames, sizeof(frames) - 1);
		fake_engine_add(fe, "/logs", FAKE_REPLY, b.data, b.len);
		ohs__buf_clear(&b);
	}
	free(raw);
	sink_init(&s);
	ck_assert_ohs_ok(ohs__client_stream(c, "GET", "/logs", NULL, NULL, 0, sink_demux, &s, 2000, "logs"));
	ck_assert_str_eq(sout(&s, 1), "outtrunc");
	ck_assert_str_eq(sout(&s, 2), "err");
	ck_assert_int_ne(ohs__demux_partial(&s.demux), 0);
	sink_clear(&s);
	/* the callback stops the transfer with its own error */
	sink_init(&s);
	s.abort_with = OHS_ESTATE;
	ck_assert_int_eq(ohs__client_stream(c, "GET", "/logs", NULL, NULL, 0, sink_data, &s, 2000, "logs"),
		OHS_ESTATE);
	s.abort_with = 7;
	ck_assert_ohs_error(ohs__client_stream(c, "GET", "/logs", NULL, NULL, 0, sink_data, &s, 2000, "logs"),
		OHS_ERROR, "logs: stopped by the data callback");
	sink_clear(&s);
	/* an error answer: the engine's message, never the callback */
	fake_engine_add_body(fe, "/gone", 404, "application/json", "{\"message\":\"No such container: x\"}", (size_t)-1);
	sink_init(&s);
	ck_assert_ohs_error(ohs__client_stream(c, "GET", "/gone", NULL, NULL, 0, sink_data, &s, 2000,
		"logs of x"), OHS_ENOTFOUND, "logs of x: No such container: x");
	ck_assert_int_eq(ohs_error_last_http_status(), 404);
	ck_assert_uint_eq(s.all.len, 0);
	sink_clear(&s);
	/* a stream that never ends: its timeout */
	fake_engine_add(fe, "/follow", FAKE_HANG, NULL, 0);
	sink_init(&s);
	ck_assert_ohs_error(ohs__client_stream(c, "GET", "/follow", NULL, NULL, 0, sink_data, &s, 300,
		"follow logs"), OHS_ETIMEOUT, "follow logs: no answer");
	sink_clear(&s);
	ohs_client_free(c);
	fake_engine_stop(fe);
}
END_TEST

struct reader {
	const char *data;
	size_t len, off;
	int fail_at_end;
};

static long reader_cb(char *buf, size_t size, void *payload)
{
	struct reader *r = payload;
	size_t k = r->len - r->off;

	if (k == 0 && r->fail_at_end)
		return ohs__error_set(OHS_EIO, "reading the test file failed");
	if (k > size)
		k = size;
	if (k > 7) /* small pieces: several chunks */
		k = 7;
	memcpy(buf, r->data + r->off, k);
	r->off += k;
	return (long)k;
}

START_TEST(test_fake_upload)
{
	fake_engine *fe = fake_engine_start();
	ohs_client *c = fake_client(fe);
	struct reader rd = { "0123456789abcdefghij", 20, 0, 0 };
	char *req;

	fake_engine_add(fe, "PUT /v1.41/containers/x/archive", FAKE_REPLY,
		"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", (size_t)-1);
	ck_assert_ohs_ok(ohs__client_upload(c, "PUT", "/containers/x/archive?path=%2Ftmp",
		"application/x-tar", reader_cb, &rd, "upload"));
	req = fake_engine_last_request(fe);
	ck_assert_ptr_nonnull(strstr(req, "Transfer-Encoding: chunked"));
	ck_assert_ptr_nonnull(strstr(req, "Content-Type: application/x-tar"));
	ck_assert_ptr_nonnull(strstr(req, "\r\n7\r\n0123456\r\n7\r\n789abcd\r\n6\r\nefghij\r\n0\r\n\r\n"));
	free(req);
	/* the reader fails: its error comes back */
	rd.off = 0;
	rd.fail_at_end = 1;
	ck_assert_ohs_error(ohs__client_upload(c, "PUT", "/containers/x/archive?path=%2Ftmp",
		"application/x-tar", reader_cb, &rd, "upload"), OHS_EIO, "reading the test file failed");
	/* the engine refuses */
	fake_engine_add_body(fe, "PUT /v1.41/containers/y/archive", 403, "application/json",
		"{\"message\":\"container rootfs is marked read-only\"}", (size_t)-1);
	rd.off = 0;
	rd.fail_at_end = 0;
	ck_assert_ohs_error(ohs__client_upload(c, "PUT", "/containers/y/archive?path=%2F",
		"application/x-tar", reader_cb, &rd, "upload to y"), OHS_EPERM,
		"upload to y: container rootfs is marked read-only");
	ohs_client_free(c);
	fake_engine_stop(fe);
}
END_TEST

START_TEST(test_fake_hijack)
{
	static const char upgraded[] =
		"HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
		"Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n" "\1\0\0\0\0\0\0\5early";
	static const char ok200[] =
		"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n" "\2\0\0\0\0\0\0\2e2";
	fake_engine *fe = fake_engine_start();
	ohs_client *c = fake_client(fe);
	ohs__conn *conn = NULL;
	struct sink s;
	char buf[64], *req;
	long n;

	fake_engine_add(fe, "/exec/e1/start", FAKE_REPLY_CLOSE, upgraded, sizeof(upgraded) - 1);
	ck_assert_ohs_ok(ohs__client_hijack(c, "POST", "/exec/e1/start", "{\"Detach\":false}", &conn, "start"));
	req = fake_engine_last_request(fe);
	ck_assert_msg(strncmp(req, "POST /v1.41/exec/e1/start HTTP/1.1\r\n", 36) == 0, "%s", req);
	ck_assert_ptr_nonnull(strstr(req, "\r\nConnection: Upgrade\r\n"));
	ck_assert_ptr_nonnull(strstr(req, "\r\nUpgrade: tcp\r\n"));
	ck_assert_ptr_nonnull(strstr(req, "\r\nContent-Length: 16\r\n"));
	ck_assert_ptr_nonnull(strstr(req, "\r\n\r\n{\"Detach\":false}"));
	free(req);
	sink_init(&s);
	while ((n = ohs__conn_recv(conn, buf, 3, 2000)) > 0)
		ck_assert_int_eq(ohs__demux_feed(&s.demux, buf, (size_t)n), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_str_eq(sout(&s, 1), "early");
	ck_assert_int_eq(ohs__demux_partial(&s.demux), 0);
	sink_clear(&s);
	ohs__conn_free(conn);

	/* 200 OK instead of 101 is accepted */
	fake_engine_add(fe, "/exec/e2/start", FAKE_REPLY_CLOSE, ok200, sizeof(ok200) - 1);
	ck_assert_ohs_ok(ohs__client_hijack(c, "POST", "/exec/e2/start", NULL, &conn, "start"));
	sink_init(&s);
	while ((n = ohs__conn_recv(conn, buf, sizeof(buf), 2000)) > 0)
		ck_assert_int_eq(ohs__demux_feed(&s.demux, buf, (size_t)n), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_str_eq(sout(&s, 2), "e2");
	sink_clear(&s);
	ohs__conn_free(conn);

	/* an error answer */
	fake_engine_add_body(fe, "/exec/e3/start", 404, "application/json",
		"{\"message\":\"No such exec instance: e3\"}", (size_t)-1);
	ck_assert_ohs_error(ohs__client_hijack(c, "POST", "/exec/e3/start", "{}", &conn, "start exec e3"),
		OHS_ENOTFOUND, "start exec e3: No such exec instance: e3");
	ck_assert_int_eq(ohs_error_last_http_status(), 404);
	ck_assert_ptr_null(conn);
	/* closed without an answer, and an unexpected status */
	fake_engine_add(fe, "/exec/e4/start", FAKE_CLOSE, NULL, 0);
	ck_assert_ohs_error(ohs__client_hijack(c, "POST", "/exec/e4/start", "{}", &conn, "start exec e4"),
		OHS_EPROTOCOL, "start exec e4: the Docker engine at unix://");
	fake_engine_add(fe, "/exec/e5/start", FAKE_REPLY, "HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n", (size_t)-1);
	ck_assert_ohs_error(ohs__client_hijack(c, "POST", "/exec/e5/start", "{}", &conn, "start exec e5"),
		OHS_EPROTOCOL, "answered HTTP 302 instead of 101 UPGRADED");
	/* no answer: the request timeout */
	fake_engine_add(fe, "/exec/e6/start", FAKE_HANG, NULL, 0);
	ck_assert_ohs_ok(ohs_client_set_timeouts(c, 1000, 300));
	ck_assert_ohs_error(ohs__client_hijack(c, "POST", "/exec/e6/start", "{}", &conn, "start exec e6"),
		OHS_ETIMEOUT, "start exec e6: no answer");
	/* a recv timeout on an upgraded connection that stays silent */
	fake_engine_add(fe, "/exec/e7/start", FAKE_REPLY,
		"HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n", (size_t)-1);
	ck_assert_ohs_ok(ohs__client_hijack(c, "POST", "/exec/e7/start", "{}", &conn, "start exec e7"));
	ck_assert_ohs_error((int)ohs__conn_recv(conn, buf, sizeof(buf), 100), OHS_ETIMEOUT, "within 100 ms");
	ck_assert_ohs_ok(ohs__conn_send(conn, "x", 1));
	ck_assert_ohs_ok(ohs__conn_close_write(conn));
	ohs__conn_free(conn);
	ohs_client_free(c);
	fake_engine_stop(fe);
}
END_TEST


/* ---------------------------------------------------------------- TLS (openssl s_server) */

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p, (void)ud;
	return size * n;
}

/*
 * A TLS endpoint for the client: `openssl s_server -www` on 127.0.0.1 with
 * a server certificate for IP:127.0.0.1 from a test CA, requiring a client
 * certificate.  It answers every GET with "HTTP/1.0 200 ok" and a status
 * page (no Api-Version header), which is enough to prove the handshake, the
 * verification and the error paths.  Skipped when openssl is missing.
 */
struct tls_fixture {
	char dir[64];
	char other[80];  /* a second CA that did not sign the server */
	char capath[80]; /* a hashed CA directory holding the other CA */
	int port;
	pid_t pid;
	int rogue_port;  /* a server whose certificate the other CA signed */
	pid_t rogue_pid;
};

static int sh(const char *cmd)
{
	int rc = system(cmd);

	return rc == 0 ? 0 : -1;
}

static int free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* `openssl s_server` with PREFIXserver.pem on a free port, once it accepts. */
static pid_t s_server(const char *dir, const char *prefix, int *portp)
{
	pid_t pid;
	int i, rc;

	*portp = free_port();
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char port[32], cert[64], key[64];
		int fd = open("/dev/null", O_RDWR);

		dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
		snprintf(port, sizeof(port), "127.0.0.1:%d", *portp);
		snprintf(cert, sizeof(cert), "%sserver.pem", prefix);
		snprintf(key, sizeof(key), "%sserver-key.pem", prefix);
		if (chdir(dir) == 0)
			execlp("openssl", "openssl", "s_server", "-quiet", "-accept", port, "-cert", cert,
				"-key", key, "-CAfile", "ca.pem", "-Verify", "1", "-www", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100; i++) {
		struct sockaddr_in sa = { .sin_family = AF_INET };
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sa.sin_port = htons((uint16_t)*portp);
		rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
		close(fd);
		if (rc == 0)
			return pid;
		usleep(50000);
	}
	ck_abort_msg("openssl s_server did not start");
	return -1;
}

static int tls_fixture_start(struct tls_fixture *t)
{
	char *cmd;
	int rc;

	memset(t, 0, sizeof(*t));
	if (sh("command -v openssl >/dev/null 2>&1") < 0)
		return -1;
	strcpy(t->dir, "/tmp/ohs-tls-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	snprintf(t->other, sizeof(t->other), "%s/other", t->dir);
	snprintf(t->capath, sizeof(t->capath), "%s/capath", t->dir);
	cmd = ohs__sprintf("cd %s && mkdir other && exec >/dev/null 2>&1 && "
		"openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 2 -subj /CN=ohs-test-ca && "
		"openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr -subj /CN=127.0.0.1 && "
		"printf 'subjectAltName=IP:127.0.0.1\\n' > server.ext && "
		"openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server.pem -days 2 -extfile server.ext && "
		"openssl req -newkey rsa:2048 -nodes -keyout key.pem -out client.csr -subj /CN=client && "
		"printf 'extendedKeyUsage=clientAuth\\n' > client.ext && "
		"openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out cert.pem -days 2 -extfile client.ext && "
		"openssl req -x509 -newkey rsa:2048 -nodes -keyout other/ca-key.pem -out other/ca.pem -days 2 -subj /CN=other-ca && "
		"cp cert.pem key.pem other/ && mkdir nocert && cp ca.pem nocert/ && "
		"openssl req -newkey rsa:2048 -nodes -keyout other/server-key.pem -out other/server.csr -subj /CN=127.0.0.1 && "
		"openssl x509 -req -in other/server.csr -CA other/ca.pem -CAkey other/ca-key.pem -CAcreateserial "
		"-out other/server.pem -days 2 -extfile server.ext && "
		"mkdir capath && cp other/ca.pem capath/\"$(openssl x509 -hash -noout -in other/ca.pem)\".0", t->dir);
	rc = sh(cmd);
	free(cmd);
	ck_assert_msg(rc == 0, "making test certificates failed");
	t->pid = s_server(t->dir, "", &t->port);
	t->rogue_pid = s_server(t->dir, "other/", &t->rogue_port);
	return 0;
}

static void tls_fixture_stop(struct tls_fixture *t)
{
	char *cmd;

	if (t->pid > 0) {
		kill(t->pid, SIGTERM);
		waitpid(t->pid, NULL, 0);
	}
	if (t->rogue_pid > 0) {
		kill(t->rogue_pid, SIGTERM);
		waitpid(t->rogue_pid, NULL, 0);
	}
	cmd = ohs__sprintf("rm -rf %s", t->dir);
	ck_assert_int_eq(sh(cmd), 0);
	free(cmd);
}

START_TEST(test_tls)
{
	struct tls_fixture t;
	test_env e = {0};
	ohs_client *c = NULL;
	ohs__conn *conn = NULL;
	char host[64];

	if (tls_fixture_start(&t) < 0) {
		ohs_test_skip("test_tls", "openssl not found");
		return;
	}
	snprintf(host, sizeof(host), "tcp://127.0.0.1:%d", t.port);
	/* verified, with a client certificate: the handshake works (the fake
	 * answers without Api-Version, so pin the version) */
	env_add(&e, "DOCKER_HOST", host);
	env_add(&e, "DOCKER_TLS_VERIFY", "1");
	env_add(&e, "DOCKER_CERT_PATH", t.dir);
	env_add(&e, "DOCKER_API_VERSION", "1.41");
	ck_assert_ohs_ok(ohs_client_new(&c, env_get(&e)));
	ck_assert_str_eq(ohs_client_host(c), host);
	ck_assert_uint_eq(ohs_client_warning_count(c), 0); /* verified: no warning */
	ck_assert_ohs_ok(ohs_client_ping(c));
	/* a hijacked TLS connection cannot be half-closed */
	ck_assert_ohs_ok(ohs__client_hijack(c, "GET", "/", NULL, &conn, "attach"));
	ck_assert_ohs_error(ohs__conn_close_write(conn), OHS_ENOTSUPPORTED, "TLS");
	ohs__conn_free(conn);
	ohs_client_free(c);
	env_clear(&e);
	/* without the pinned version: TLS worked, the answer has no Api-Version */
	env_add(&e, "DOCKER_HOST", host);
	env_add(&e, "DOCKER_TLS_VERIFY", "1");
	env_add(&e, "DOCKER_CERT_PATH", t.dir);
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_EPROTOCOL, "no Api-Version header");
	env_clear(&e);
	/* a CA that did not sign the server: refused, naming the files */
	env_add(&e, "DOCKER_HOST", host);
	env_add(&e, "DOCKER_TLS_VERIFY", "1");
	env_add(&e, "DOCKER_CERT_PATH", t.other);
	env_add(&e, "DOCKER_API_VERSION", "1.41");
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_ETLS, "TLS with the Docker engine at tcp://127.0.0.1");
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_ETLS, "other/ca.pem");
	env_clear(&e);
	/* no client certificate, which the server requires */
	{
		char *nocert = ohs__sprintf("%s/nocert", t.dir);

		env_add(&e, "DOCKER_HOST", host);
		env_add(&e, "DOCKER_TLS_VERIFY", "1");
		env_add(&e, "DOCKER_CERT_PATH", nocert);
		env_add(&e, "DOCKER_API_VERSION", "1.41");
		ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_ETLS, "certificate (none)");
		env_clear(&e);
		free(nocert);
	}
	/* DOCKER_CERT_PATH without DOCKER_TLS_VERIFY: encrypted, not verified
	 * (even ca.pem is not used), with a one-line warning */
	env_add(&e, "DOCKER_HOST", host);
	env_add(&e, "DOCKER_CERT_PATH", t.other);
	env_add(&e, "DOCKER_API_VERSION", "1.41");
	ck_assert_ohs_ok(ohs_client_new(&c, env_get(&e)));
	ck_assert_uint_eq(ohs_client_warning_count(c), 1);
	{
		char *expect = ohs__sprintf("the Docker engine at %s is reached over TLS without "
			"verification (DOCKER_CERT_PATH set, DOCKER_TLS_VERIFY unset): the engine's "
			"certificate is not checked; set DOCKER_TLS_VERIFY=1 to trust only %s/ca.pem",
			host, t.other);

		ck_assert_str_eq(ohs_client_warning(c, 0), expect);
		free(expect);
	}
	ohs_client_free(c);
	env_clear(&e);
	/* plain HTTP to a TLS port: the server hangs up */
	env_add(&e, "DOCKER_HOST", host);
	env_add(&e, "DOCKER_API_VERSION", "1.41");
	ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_EPROTOCOL, "closed the connection");
	ck_assert_ptr_null(c);
	env_clear(&e);
	tls_fixture_stop(&t);
}
END_TEST

/*
 * W4: with DOCKER_TLS_VERIFY only DOCKER_CERT_PATH/ca.pem is trusted.  A
 * rogue server's certificate comes from a CA that sits in a hashed CA
 * directory - what libcurl's built-in CApath (/etc/ssl/certs) is.  Plain
 * libcurl given that directory accepts the rogue server; the client's
 * handle set-up, applied on top of it, refuses it, and so does every value
 * of DOCKER_TLS_VERIFY (T2, T5, T6).
 */
START_TEST(test_tls_only_cert_path_ca)
{
	struct tls_fixture t;
	test_env e = {0};
	ohs_client *c = NULL;
	char host[64], rogue[64], good_url[64], rogue_url[64], errbuf[CURL_ERROR_SIZE];
	char *ca, *cert, *key;
	const char *verify_values[] = { "1", "0", "false", "no" };
	CURL *easy;
	size_t i;

	if (tls_fixture_start(&t) < 0) {
		fprintf(stderr, "test_tls_only_cert_path_ca: openssl not found, TLS test skipped\n");
		return;
	}
	snprintf(host, sizeof(host), "tcp://127.0.0.1:%d", t.port);
	snprintf(rogue, sizeof(rogue), "tcp://127.0.0.1:%d", t.rogue_port);
	snprintf(good_url, sizeof(good_url), "https://127.0.0.1:%d/", t.port);
	snprintf(rogue_url, sizeof(rogue_url), "https://127.0.0.1:%d/", t.rogue_port);
	ca = ohs__sprintf("%s/ca.pem", t.dir);
	cert = ohs__sprintf("%s/cert.pem", t.dir);
	key = ohs__sprintf("%s/key.pem", t.dir);
#if LIBCURL_VERSION_NUM >= 0x075400 /* 7.84.0: CURLINFO_CAPATH */
	{
		char *def = NULL;

		easy = curl_easy_init();
		ck_assert_ptr_nonnull(easy);
		if (curl_easy_getinfo(easy, CURLINFO_CAPATH, &def) == CURLE_OK)
			fprintf(stderr, "test_tls_only_cert_path_ca: libcurl's built-in CA path: %s\n",
				def ? def : "(none)");
		curl_easy_cleanup(easy);
	}
#endif

	/* control: a CA directory holding the rogue CA makes libcurl accept it */
	easy = curl_easy_init();
	ck_assert_ptr_nonnull(easy);
	curl_easy_setopt(easy, CURLOPT_URL, rogue_url);
	curl_easy_setopt(easy, CURLOPT_CAINFO, ca);
	curl_easy_setopt(easy, CURLOPT_CAPATH, t.capath);
	curl_easy_setopt(easy, CURLOPT_SSLCERT, cert);
	curl_easy_setopt(easy, CURLOPT_SSLKEY, key);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
	ck_assert_int_eq(curl_easy_perform(easy), CURLE_OK);
	curl_easy_cleanup(easy);

	/* the client's set-up on a handle carrying that CA directory: refused */
	env_add(&e, "DOCKER_HOST", host);
	env_add(&e, "DOCKER_TLS_VERIFY", "1");
	env_add(&e, "DOCKER_CERT_PATH", t.dir);
	env_add(&e, "DOCKER_API_VERSION", "1.41");
	ck_assert_ohs_ok(ohs_client_new(&c, env_get(&e)));
	env_clear(&e);
	easy = curl_easy_init();
	ck_assert_ptr_nonnull(easy);
	curl_easy_setopt(easy, CURLOPT_CAPATH, t.capath);
	ck_assert_ohs_ok(ohs__client_setup_handle(c, easy, rogue_url, errbuf));
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
	ck_assert_int_eq(curl_easy_perform(easy), CURLE_PEER_FAILED_VERIFICATION);
	/* ... while the engine signed by ca.pem is still accepted */
	curl_easy_setopt(easy, CURLOPT_CAPATH, t.capath);
	ck_assert_ohs_ok(ohs__client_setup_handle(c, easy, good_url, errbuf));
	ck_assert_int_eq(curl_easy_perform(easy), CURLE_OK);
	curl_easy_cleanup(easy);
	ohs_client_free(c);

	/* through ohs_client_new: the rogue engine is refused for every value */
	for (i = 0; i < OHS_ARRAY_SIZE(verify_values); i++) {
		env_add(&e, "DOCKER_HOST", rogue);
		env_add(&e, "DOCKER_TLS_VERIFY", verify_values[i]);
		env_add(&e, "DOCKER_CERT_PATH", t.dir);
		env_add(&e, "DOCKER_API_VERSION", "1.41");
		ck_assert_ohs_error(ohs_client_new(&c, env_get(&e)), OHS_ETLS, "TLS with the Docker engine at");
		ck_assert_ptr_null(c);
		env_clear(&e);
	}
	/* DOCKER_CERT_PATH alone: accepted (not verified), with the warning */
	env_add(&e, "DOCKER_HOST", rogue);
	env_add(&e, "DOCKER_CERT_PATH", t.dir);
	env_add(&e, "DOCKER_API_VERSION", "1.41");
	ck_assert_ohs_ok(ohs_client_new(&c, env_get(&e)));
	ck_assert_uint_eq(ohs_client_warning_count(c), 1);
	ck_assert_ptr_nonnull(strstr(ohs_client_warning(c, 0), "over TLS without verification"));
	ohs_client_free(c);
	env_clear(&e);
	free(ca), free(cert), free(key);
	tls_fixture_stop(&t);
}
END_TEST

/* ---------------------------------------------------------------- real engine */

#define NAME_PREFIX "ohs-test-client-"

static char *test_name(const char *what)
{
	return ohs__sprintf(NAME_PREFIX "%ld-%s", (long)getpid(), what);
}

static ohs_client *engine_client(void)
{
	ohs_client *c = NULL;

	ck_assert_ohs_ok(ohs_client_new(&c, NULL));
	return c;
}

/* Create a container; returns its id (free()). */
static char *create_container(ohs_client *c, const char *name, json_t *cmd)
{
	json_t *body = json_pack("{s:s,s:o}", "Image", ohs_test_image(), "Cmd", cmd);
	json_t *out = NULL;
	char *path = ohs__sprintf("/containers/create?name=%s", name), *id;

	ck_assert_ohs_ok(ohs__client_json(c, "POST", path, body, &out, "create container"));
	id = ohs__strdup(json_string_value(json_object_get(out, "Id")));
	ck_assert_ptr_nonnull(id);
	json_decref(out);
	json_decref(body);
	free(path);
	return id;
}

static void remove_container(ohs_client *c, const char *id)
{
	char *path = ohs__sprintf("/containers/%s?force=1&v=1", id);

	ck_assert_ohs_ok(ohs__client_request(c, "DELETE", path, NULL, NULL, 0, NULL, "remove container"));
	free(path);
}

static size_t count_ours(ohs_client *c)
{
	json_t *out = NULL;
	char *filter = ohs__client_escape("{\"name\":[\"" NAME_PREFIX "\"]}");
	char *path = ohs__sprintf("/containers/json?all=1&filters=%s", filter);
	size_t n;

	ck_assert_ohs_ok(ohs__client_json(c, "GET", path, NULL, &out, "list containers"));
	ck_assert(json_is_array(out));
	n = json_array_size(out);
	json_decref(out);
	free(path);
	free(filter);
	return n;
}

START_TEST(test_engine_basics)
{
	ohs_client *c = engine_client();
	json_t *out = NULL;
	test_env e = {0};
	const char *dh = getenv("DOCKER_HOST");
	ohs_client *c2 = NULL;
	int i;

	ck_assert_ohs_ok(ohs_client_ping(c));
	ck_assert_int_ge(strlen(ohs_client_api_version(c)), 4);
	ck_assert_str_eq(ohs_client_host(c), dh && *dh ? dh : "unix:///var/run/docker.sock");
	ck_assert_ohs_ok(ohs__client_json(c, "GET", "/containers/json", NULL, &out, "list containers"));
	ck_assert(json_is_array(out));
	json_decref(out);
	ck_assert_ohs_ok(ohs__client_json(c, "GET", "/version", NULL, &out, "version"));
	ck_assert(json_is_string(json_object_get(out, "ApiVersion")));
	json_decref(out);
	/* keep-alive: one connection for all of this */
	for (i = 0; i < 10; i++)
		ck_assert_ohs_ok(ohs_client_ping(c));
	ck_assert_int_eq(ohs__client_num_connects(c), 1);
	ohs_client_free(c);

	/* DOCKER_API_VERSION */
	if (dh && *dh)
		env_add(&e, "DOCKER_HOST", dh);
	env_add(&e, "DOCKER_API_VERSION", "1.40");
	ck_assert_ohs_ok(ohs_client_new(&c2, env_get(&e)));
	ck_assert_str_eq(ohs_client_api_version(c2), "1.40");
	ck_assert_ohs_ok(ohs__client_json(c2, "GET", "/containers/json", NULL, &out, "list containers"));
	json_decref(out);
	ohs_client_free(c2);
	env_clear(&e);
}
END_TEST

START_TEST(test_engine_not_found)
{
	ohs_client *c = engine_client();
	json_t *out = (json_t *)c;

	ck_assert_ohs_error(ohs__client_json(c, "GET", "/containers/ohs-test-client-missing/json", NULL, &out,
		"inspect container \"ohs-test-client-missing\""), OHS_ENOTFOUND,
		"inspect container \"ohs-test-client-missing\": No such container: ohs-test-client-missing");
	ck_assert_int_eq(ohs_error_last_http_status(), 404);
	ck_assert_ptr_null(out);
	ohs_client_free(c);
}
END_TEST

START_TEST(test_engine_conflict)
{
	ohs_client *c = engine_client();
	char *name = test_name("conflict");
	char *id = create_container(c, name, json_pack("[s]", "true"));
	json_t *body = json_pack("{s:s}", "Image", ohs_test_image());
	char *path = ohs__sprintf("/containers/create?name=%s", name);

	ck_assert_ohs_error(ohs__client_json(c, "POST", path, body, NULL, "create container"),
		OHS_ECONFLICT, "is already in use");
	ck_assert_int_eq(ohs_error_last_http_status(), 409);
	ck_assert_ohs_error(ohs__client_json(c, "POST", path, body, NULL, "create container"),
		OHS_ECONFLICT, "create container: ");
	/* a 400: an invalid name */
	free(path);
	path = ohs__sprintf("/containers/create?name=%s", "ohs-test-client%20bad!");
	/* Podman's message does not repeat the name: the library cannot word it as Docker does */
	ck_assert_ohs_error(ohs__client_json(c, "POST", path, body, NULL, "create container"),
		OHS_EINVAL, ohs__client_is_podman(c) ? "create container: container create: running "
		"container create option: names must match" :
		"create container: Invalid container name (ohs-test-client bad!)");
	ck_assert_int_eq(ohs_error_last_http_status(), 400);
	remove_container(c, id);
	ck_assert_int_eq(count_ours(c), 0);
	free(id);
	free(path);
	free(name);
	json_decref(body);
	ohs_client_free(c);
}
END_TEST

START_TEST(test_engine_logs_stream)
{
	ohs_client *c = engine_client();
	char *name = test_name("logs");
	char *id = create_container(c, name, json_pack("[s,s,s]", "sh", "-c", "echo out; echo err >&2"));
	char *path;
	json_t *out = NULL;
	struct sink s;

	path = ohs__sprintf("/containers/%s/start", id);
	ck_assert_ohs_ok(ohs__client_request(c, "POST", path, NULL, NULL, 0, NULL, "start container"));
	free(path);
	path = ohs__sprintf("/containers/%s/wait", id);
	ck_assert_ohs_ok(ohs__client_json(c, "POST", path, NULL, &out, "wait for container"));
	ck_assert_int_eq(json_integer_value(json_object_get(out, "StatusCode")), 0);
	json_decref(out);
	free(path);
	path = ohs__sprintf("/containers/%s/logs?stdout=1&stderr=1", id);
	sink_init(&s);
	ck_assert_ohs_ok(ohs__client_stream(c, "GET", path, NULL, NULL, 0, sink_demux, &s, 10000, "logs"));
	ck_assert_str_eq(sout(&s, 1), "out\n");
	ck_assert_str_eq(sout(&s, 2), "err\n");
	ck_assert_int_eq(ohs__demux_partial(&s.demux), 0);
	sink_clear(&s);
	free(path);
	/* a stream of a missing container */
	sink_init(&s);
	ck_assert_ohs_error(ohs__client_stream(c, "GET", "/containers/ohs-test-client-missing/logs?stdout=1",
		NULL, NULL, 0, sink_demux, &s, 10000, "logs"), OHS_ENOTFOUND, "logs: No such container");
	sink_clear(&s);
	remove_container(c, id);
	free(id);
	free(name);
	ohs_client_free(c);
}
END_TEST

/* A one-file ustar archive. */
static void tar_one(ohs__buf *b, const char *name, const char *data, size_t len)
{
	unsigned char h[512] = {0};
	unsigned sum = 0;
	size_t i;
	char zeros[1024] = {0};

	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "0000644");
	snprintf((char *)h + 108, 8, "0000000");
	snprintf((char *)h + 116, 8, "0000000");
	snprintf((char *)h + 124, 12, "%011zo", len);
	snprintf((char *)h + 136, 12, "%011o", 0);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
	ohs__buf_append(b, h, 512);
	ohs__buf_append(b, data, len);
	ohs__buf_append(b, zeros, (512 - len % 512) % 512);
	ohs__buf_append(b, zeros, 1024);
}

START_TEST(test_engine_upload)
{
	ohs_client *c = engine_client();
	char *name = test_name("upload");
	char *id = create_container(c, name, json_pack("[s]", "true"));
	static const char content[] = "uploaded through ohs__client_upload\n";
	ohs__buf tar = {0};
	struct reader rd = {0};
	struct sink s;
	char *path;

	tar_one(&tar, "hello.txt", content, sizeof(content) - 1);
	rd.data = tar.data;
	rd.len = tar.len;
	path = ohs__sprintf("/containers/%s/archive?path=%%2Ftmp", id);
	ck_assert_ohs_ok(ohs__client_upload(c, "PUT", path, "application/x-tar", reader_cb, &rd, "upload"));
	free(path);
	/* read it back as a tar stream */
	path = ohs__sprintf("/containers/%s/archive?path=%%2Ftmp%%2Fhello.txt", id);
	sink_init(&s);
	ck_assert_ohs_ok(ohs__client_stream(c, "GET", path, NULL, NULL, 0, sink_data, &s, 10000, "download"));
	ck_assert_ptr_nonnull(memmem(s.all.data, s.all.len, content, sizeof(content) - 1));
	sink_clear(&s);
	free(path);
	/* into a missing directory: refused by every engine (Podman would create
	 * it; the engine layer asks first there) */
	rd.off = 0;
	ck_assert_ohs_error(ohs__engine_archive_put(c, id, "/no/such/dir", reader_cb, &rd,
		"upload to /no/such/dir"), OHS_ENOTFOUND, "upload to /no/such/dir: ");
	ck_assert_int_eq(ohs__engine_err_last(), OHS__ENG_NOT_FOUND);
	ohs__buf_clear(&tar);
	remove_container(c, id);
	free(id);
	free(name);
	ohs_client_free(c);
}
END_TEST

START_TEST(test_engine_hijack)
{
	ohs_client *c = engine_client();
	char *name = test_name("hijack");
	char *id = create_container(c, name, json_pack("[s,s]", "sleep", "60"));
	char *path, *eid, buf[4096];
	json_t *body, *out = NULL;
	ohs__conn *conn = NULL;
	struct sink s;
	long n;

	path = ohs__sprintf("/containers/%s/start", id);
	ck_assert_ohs_ok(ohs__client_request(c, "POST", path, NULL, NULL, 0, NULL, "start container"));
	free(path);
	path = ohs__sprintf("/containers/%s/exec", id);
	body = json_pack("{s:b,s:b,s:b,s:[s,s,s]}", "AttachStdin", 1, "AttachStdout", 1,
		"AttachStderr", 1, "Cmd", "sh", "-c", "cat; echo done >&2");
	ck_assert_ohs_ok(ohs__client_json(c, "POST", path, body, &out, "create exec"));
	json_decref(body);
	free(path);
	eid = ohs__strdup(json_string_value(json_object_get(out, "Id")));
	json_decref(out);
	ck_assert_ptr_nonnull(eid);
	path = ohs__sprintf("/exec/%s/start", eid);
	ck_assert_ohs_ok(ohs__client_hijack(c, "POST", path, "{\"Detach\":false,\"Tty\":false}", &conn, "start exec"));
	free(path);
	ck_assert_ohs_ok(ohs__conn_send(conn, "hello\n", 6));
	ck_assert_ohs_ok(ohs__conn_close_write(conn));
	sink_init(&s);
	while ((n = ohs__conn_recv(conn, buf, sizeof(buf), 10000)) > 0)
		ck_assert_int_eq(ohs__demux_feed(&s.demux, buf, (size_t)n), 0);
	ck_assert_msg(n == 0, "recv: %ld %s", n, ohs_error_last());
	ck_assert_str_eq(sout(&s, 1), "hello\n");
	ck_assert_str_eq(sout(&s, 2), "done\n");
	ck_assert_int_eq(ohs__demux_partial(&s.demux), 0);
	sink_clear(&s);
	ohs__conn_free(conn);
	path = ohs__sprintf("/exec/%s/json", eid);
	ck_assert_ohs_ok(ohs__client_json(c, "GET", path, NULL, &out, "inspect exec"));
	ck_assert_int_eq(json_integer_value(json_object_get(out, "ExitCode")), 0);
	json_decref(out);
	free(path);
	free(eid);
	/* hijack of a missing exec */
	ck_assert_ohs_error(ohs__client_hijack(c, "POST", "/exec/ohs-test-client-nope/start", "{}", &conn,
		"start exec"), OHS_ENOTFOUND, "start exec: No such exec instance");
	remove_container(c, id);
	free(id);
	free(name);
	ohs_client_free(c);
}
END_TEST

static void *thread_requests(void *arg)
{
	ohs_client *c = arg;
	long fails = 0;
	int i;

	for (i = 0; i < 25; i++) {
		json_t *out = NULL;

		if (ohs__client_json(c, "GET", "/containers/json", NULL, &out, "list") < 0 || !json_is_array(out))
			fails++;
		json_decref(out);
		if (ohs_client_ping(c) < 0)
			fails++;
	}
	return (void *)fails;
}

START_TEST(test_engine_threads)
{
	ohs_client *c = engine_client();
	pthread_t t[4];
	void *r;
	int i;

	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, thread_requests, c), 0);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(pthread_join(t[i], &r), 0);
		ck_assert_int_eq((long)r, 0);
	}
	/* Threads make their requests in parallel, each on a kept-alive
	 * connection: never more connections than threads. */
	ck_assert_int_ge(ohs__client_num_connects(c), 1);
	ck_assert_int_le(ohs__client_num_connects(c), 4);
	ohs_client_free(c);
}
END_TEST

START_TEST(test_engine_none_left)
{
	ohs_client *c = engine_client();

	ck_assert_int_eq(count_ours(c), 0);
	ohs_client_free(c);
}
END_TEST

/* ---------------------------------------------------------------- main */

int main(void)
{
	Suite *s = suite_create("client");
	TCase *tc = tcase_create("offline");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_null_args);
	tcase_add_loop_test(tc, test_bad_docker_host, 0, (int)OHS_ARRAY_SIZE(bad_hosts));
	tcase_add_test(tc, test_not_a_socket);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_socket_permission);
	tcase_add_test(tc, test_tls_setup_errors);
	tcase_add_loop_test(tc, test_docker_host_secret_masked, 0, (int)OHS_ARRAY_SIZE(secret_hosts));
	tcase_add_test(tc, test_docker_host_unix_at_kept);
	tcase_add_test(tc, test_plain_tcp_warning);
	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_fake_basic);
	tcase_add_loop_test(tc, test_fake_status_map, 0, (int)OHS_ARRAY_SIZE(status_map));
	tcase_add_test(tc, test_fake_bodies);
	tcase_add_loop_test(tc, test_podman_errors, 0, (int)(sizeof(podman_errors) / sizeof(podman_errors[0])));
	tcase_add_test(tc, test_fake_connection_faults);
	tcase_add_test(tc, test_fake_versions);
	tcase_add_test(tc, test_fake_stream);
	tcase_add_test(tc, test_fake_upload);
	tcase_add_test(tc, test_fake_hijack);
	tcase_add_test(tc, test_tls);
	tcase_add_test(tc, test_tls_only_cert_path_ca);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (failed)
		return EXIT_FAILURE;

	ohs_test_require_engine();
	s = suite_create("client-engine");
	tc = tcase_create("engine");
	tcase_add_test(tc, test_engine_basics);
	tcase_add_test(tc, test_engine_not_found);
	tcase_add_test(tc, test_engine_conflict);
	tcase_add_test(tc, test_engine_logs_stream);
	tcase_add_test(tc, test_engine_upload);
	tcase_add_test(tc, test_engine_hijack);
	tcase_add_test(tc, test_engine_threads);
	tcase_add_test(tc, test_engine_none_left);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return ohs_test_run(s);
}
