/*
 * bench_lifecycle: the library against a raw-engine baseline.
 *
 * The baseline ("raw") is written here with libcurl only, NOT the library:
 * one easy handle (so one kept-alive connection) per thread, issuing the
 * engine calls of one lifecycle with the same create body the library's
 * config renders (bind mount, user, network none, no init, a label):
 *   POST /containers/create, POST /containers/{id}/start,
 *   POST /containers/{id}/exec, POST /exec/{id}/start, GET /exec/{id}/json,
 *   DELETE /containers/{id}?force=1&v=1
 *
 * Measurements (all in one run, same image, same work):
 *   cold   one lifecycle (create -> start -> `echo hi` -> remove), library
 *          and raw interleaved; medians
 *   pool   ohs_pool_acquire() of a warm pool; median
 *   tput   32 lifecycles over 8 threads (one shared ohs_client vs one raw
 *          connection per thread); throughput, median over repeats
 *   heap   heap bytes per idle (created and started) session, from
 *          mallinfo2() deltas around creating N sessions in one thread
 *
 * Usage: bench_lifecycle [COLD_N [POOL_ROUNDS [TPUT_REPEATS [HEAP_N]]]]
 * Environment: OHS_TEST_IMAGE (default ohs-test:latest), OHS_BENCH_WS (the
 * bind-mounted directory, default /tmp/ohs-bench-ws), DOCKER_HOST (unix only
 * for the baseline).
 *
 * Output: lines "ROW\tname\tlibrary\tbaseline\tratio\ttarget\tresult" that
 * bench/run.sh turns into one table, and "#"-comment lines with details.
 */
#include <curl/curl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ohsandbox.h"

#define BENCH_LABEL "org.ohsandbox.bench"
#define TPUT_TOTAL 32
#define TPUT_THREADS 8

static const char *image;
static const char *ws;
static const char *sock = "/var/run/docker.sock";
static const char *api = "1.41";
static char run_label[64];

/* ------------------------------------------------------------ small helpers */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmpd);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die_ohs(const char *what, int rc)
{
	fprintf(stderr, "bench_lifecycle: %s: %s: %s\n", what, ohs_strerror(rc),
		ohs_error_last() ? ohs_error_last() : "");
	exit(1);
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "bench_lifecycle: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

/* ------------------------------------------------------------ raw baseline (libcurl only) */

typedef struct {
	CURL *h;
	char *buf;
	size_t len, cap;
	struct curl_slist *hdrs;
} raw_conn;

static size_t raw_write(char *p, size_t size, size_t n, void *ud)
{
	raw_conn *c = ud;
	size_t k = size * n;

	if (c->len + k + 1 > c->cap) {
		size_t cap = (c->len + k + 1) * 2;
		char *b = realloc(c->buf, cap);

		if (!b)
			return 0;
		c->buf = b;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, p, k);
	c->len += k;
	c->buf[c->len] = '\0';
	return k;
}

static void raw_open(raw_conn *c)
{
	memset(c, 0, sizeof(*c));
	if (!(c->h = curl_easy_init()))
		die("curl_easy_init failed%s", "");
	c->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	c->hdrs = curl_slist_append(c->hdrs, "Expect:");
}

static void raw_close(raw_conn *c)
{
	curl_easy_cleanup(c->h);
	curl_slist_free_all(c->hdrs);
	free(c->buf);
}

/* One request on the kept-alive handle; returns the HTTP status. */
static long raw_req(raw_conn *c, const char *method, const char *path, const char *body)
{
	char url[512];
	long status = 0;
	CURLcode rc;

	snprintf(url, sizeof(url), "http://localhost/v%s%s", api, path);
	c->len = 0;
	if (c->buf)
		c->buf[0] = '\0';
	curl_easy_reset(c->h);
	curl_easy_setopt(c->h, CURLOPT_URL, url);
	curl_easy_setopt(c->h, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, raw_write);
	curl_easy_setopt(c->h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, c->hdrs);
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE, (long)(body ? strlen(body) : 0));
	} else if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(c->h, CURLOPT_CUSTOMREQUEST, method);
	}
	if ((rc = curl_easy_perform(c->h)) != CURLE_OK)
		die("raw request failed: %s", curl_easy_strerror(rc));
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

/* The value of "Id" in a JSON answer (64 hex digits). */
static void raw_id(raw_conn *c, char *out, size_t n)
{
	const char *p = c->buf ? strstr(c->buf, "\"Id\":\"") : NULL;
	size_t k;

	if (!p)
		die("no Id in the engine's answer: %s", c->buf ? c->buf : "");
	p += 6;
	k = strcspn(p, "\"");
	if (k >= n)
		die("Id too long: %s", p);
	memcpy(out, p, k);
	out[k] = '\0';
}

static void raw_lifecycle(raw_conn *c)
{
	char body[2048], path[256], cid[128], eid[128];
	long st;

	snprintf(body, sizeof(body),
		"{\"Image\":\"%s\",\"Cmd\":[\"/bin/sleep\",\"3600\"],\"User\":\"1000:1000\","
		"\"WorkingDir\":\"/workspace\",\"Env\":[],\"Labels\":{\"%s\":\"%s\"},"
		"\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"%s\",\"Target\":\"/workspace\","
		"\"ReadOnly\":false}],\"NetworkMode\":\"none\",\"Init\":false}}",
		image, BENCH_LABEL, run_label, ws);
	if ((st = raw_req(c, "POST", "/containers/create", body)) != 201)
		die("raw create: %s", c->buf);
	raw_id(c, cid, sizeof(cid));
	snprintf(path, sizeof(path), "/containers/%s/start", cid);
	if ((st = raw_req(c, "POST", path, NULL)) != 204)
		die("raw start: %s", c->buf);
	snprintf(path, sizeof(path), "/containers/%s/exec", cid);
	if ((st = raw_req(c, "POST", path, "{\"Cmd\":[\"/bin/echo\",\"hi\"],\"AttachStdout\":true,"
			"\"AttachStderr\":true}")) != 201)
		die("raw exec create: %s", c->buf);
	raw_id(c, eid, sizeof(eid));
	snprintf(path, sizeof(path), "/exec/%s/start", eid);
	if ((st = raw_req(c, "POST", path, "{\"Detach\":false,\"Tty\":false}")) != 200 ||
			c->len != 11 || memcmp(c->buf + 8, "hi\n", 3) != 0)
		die("raw exec start: unexpected output%s", "");
	snprintf(path, sizeof(path), "/exec/%s/json", eid);
	if ((st = raw_req(c, "GET", path, NULL)) != 200 || !strstr(c->buf, "\"ExitCode\":0"))
		die("raw exec inspect: %s", c->buf);
	snprintf(path, sizeof(path), "/containers/%s?force=1&v=1", cid);
	if ((st = raw_req(c, "DELETE", path, NULL)) != 204)
		die("raw remove: %s", c->buf);
}

/* ------------------------------------------------------------ library */

static ohs_client *cli;
static ohs_config *cfg;

static void make_config(void)
{
	const char *cmd[] = { "/bin/sleep", "3600", NULL };
	ohs_volumes *vols = NULL;
	ohs_netpolicy *np = NULL;
	int rc;

	if ((rc = ohs_config_new(&cfg)) < 0 ||
			(rc = ohs_config_set_image(cfg, image)) < 0 ||
			(rc = ohs_config_set_user(cfg, "1000:1000")) < 0 ||
			(rc = ohs_config_set_workdir(cfg, "/workspace")) < 0 ||
			(rc = ohs_config_set_command(cfg, cmd)) < 0 ||
			(rc = ohs_config_set_init(cfg, 0)) < 0 ||
			(rc = ohs_config_set_label(cfg, BENCH_LABEL, run_label)) < 0 ||
			(rc = ohs_volumes_new(&vols)) < 0 ||
			(rc = ohs_volumes_add(vols, OHS_MOUNT_BIND, ws, "/workspace", OHS_MOUNT_RW)) < 0 ||
			(rc = ohs_config_set_volumes(cfg, vols)) < 0 ||
			(rc = ohs_netpolicy_new(&np)) < 0 ||
			(rc = ohs_netpolicy_set_mode(np, "none")) < 0 ||
			(rc = ohs_config_set_netpolicy(cfg, np)) < 0)
		die_ohs("config", rc);
	ohs_volumes_free(vols);
	ohs_netpolicy_free(np);
}

static void check_hi(ohs_exec_result *r)
{
	size_t len;
	const char *out = ohs_exec_result_stdout(r, &len);

	if (ohs_exec_result_exit_code(r) != 0 || len != 3 || memcmp(out, "hi\n", 3) != 0)
		die("library exec: unexpected output%s", "");
}

static void lib_lifecycle(void)
{
	const char *argv[] = { "/bin/echo", "hi", NULL };
	ohs_session *s = NULL;
	ohs_exec_result *r = NULL;
	int rc;

	if ((rc = ohs_session_create(&s, cli, cfg, NULL, NULL)) < 0)
		die_ohs("create", rc);
	if ((rc = ohs_session_start(s)) < 0)
		die_ohs("start", rc);
	if ((rc = ohs_session_exec(&r, s, argv, NULL)) < 0)
		die_ohs("exec", rc);
	check_hi(r);
	ohs_exec_result_free(r);
	if ((rc = ohs_session_remove(s)) < 0)
		die_ohs("remove", rc);
	ohs_session_free(s);
}

/* ------------------------------------------------------------ 1. cold lifecycle */

static void bench_cold(int n)
{
	double *lib = calloc((size_t)n, sizeof(double)), *raw = calloc((size_t)n, sizeof(double));
	double ml, mr, t0;
	raw_conn rc;
	int i;

	raw_open(&rc);
	lib_lifecycle(); /* warm up both: image cache, connections */
	raw_lifecycle(&rc);
	for (i = 0; i < n; i++) {
		/* interleaved, alternating who goes first, so drift hits both alike */
		if (i % 2) {
			t0 = now_ms(); raw_lifecycle(&rc); raw[i] = now_ms() - t0;
			t0 = now_ms(); lib_lifecycle(); lib[i] = now_ms() - t0;
		} else {
			t0 = now_ms(); lib_lifecycle(); lib[i] = now_ms() - t0;
			t0 = now_ms(); raw_lifecycle(&rc); raw[i] = now_ms() - t0;
		}
	}
	raw_close(&rc);
	ml = median(lib, n);
	mr = median(raw, n);
	printf("# cold lifecycle: N=%d, library median %.1f ms (min %.1f), raw median %.1f ms (min %.1f)\n",
		n, ml, lib[0], mr, raw[0]);
	printf("ROW\tcold lifecycle, median (ms)\t%.1f\t%.1f (raw C)\t%.3fx\t<= 1.03x\t%s\n",
		ml, mr, ml / mr, ml / mr <= 1.03 ? "met" : "MISSED");
	fflush(stdout);
	free(lib);
	free(raw);
}

/* ------------------------------------------------------------ 2. pool acquire */

static void bench_pool(int rounds)
{
	const size_t size = 4;
	double *v = calloc((size_t)rounds * size, sizeof(double)), med, t0, tw;
	ohs_session *s[4];
	ohs_pool *p = NULL;
	int r, rc, n = 0;
	size_t i;

	if ((rc = ohs_pool_new(&p, cli, cfg, size)) < 0)
		die_ohs("pool new", rc);
	t0 = now_ms();
	if ((rc = ohs_pool_wait(p, size, 120000)) < 0)
		die_ohs("pool wait", rc);
	tw = now_ms() - t0;
	for (r = 0; r < rounds; r++) {
		if ((rc = ohs_pool_wait(p, size, 120000)) < 0)
			die_ohs("pool wait", rc);
		for (i = 0; i < size; i++) {
			t0 = now_ms();
			rc = ohs_pool_acquire(&s[i], p, 0);
			v[n++] = now_ms() - t0;
			if (rc < 0)
				die_ohs("pool acquire", rc);
		}
		for (i = 0; i < size; i++)
			ohs_pool_release(p, s[i]);
	}
	ohs_pool_free(p);
	med = median(v, n);
	printf("# pool acquire: %d acquires of a warm pool of %zu, median %.4f ms, max %.4f ms; "
		"first fill of %zu took %.0f ms\n", n, size, med, v[n - 1], size, tw);
	printf("ROW\tpool acquire, median (ms)\t%.4f\t-\t-\t<= 1 ms\t%s\n", med, med <= 1.0 ? "met" : "MISSED");
	fflush(stdout);
	free(v);
}

/* ------------------------------------------------------------ 3. throughput over threads */

static int tput_raw;

static void *tput_thread(void *arg)
{
	int i, per = TPUT_TOTAL / TPUT_THREADS;
	raw_conn c;

	(void)arg;
	if (tput_raw) {
		raw_open(&c);
		for (i = 0; i < per; i++)
			raw_lifecycle(&c);
		raw_close(&c);
	} else {
		for (i = 0; i < per; i++)
			lib_lifecycle();
	}
	return NULL;
}

static double tput_run(int raw)
{
	pthread_t t[TPUT_THREADS];
	double t0;
	int i;

	tput_raw = raw;
	t0 = now_ms();
	for (i = 0; i < TPUT_THREADS; i++)
		if (pthread_create(&t[i], NULL, tput_thread, NULL) != 0)
			die("pthread_create failed%s", "");
	for (i = 0; i < TPUT_THREADS; i++)
		pthread_join(t[i], NULL);
	return TPUT_TOTAL / ((now_ms() - t0) / 1000.0); /* lifecycles per second */
}

static void bench_tput(int repeats)
{
	double *lib = calloc((size_t)repeats, sizeof(double)), *raw = calloc((size_t)repeats, sizeof(double));
	double ml, mr;
	int i;

	for (i = 0; i < repeats; i++) {
		if (i % 2) {
			raw[i] = tput_run(1);
			lib[i] = tput_run(0);
		} else {
			lib[i] = tput_run(0);
			raw[i] = tput_run(1);
		}
	}
	ml = median(lib, repeats);
	mr = median(raw, repeats);
	printf("# throughput: %d lifecycles over %d threads, %d repeats: library %.1f/s, raw %.1f/s\n",
		TPUT_TOTAL, TPUT_THREADS, repeats, ml, mr);
	printf("ROW\t%d lifecycles / %d threads (lifecycles/s)\t%.1f\t%.1f (raw C)\t%.3fx\t>= 0.95x\t%s\n",
		TPUT_TOTAL, TPUT_THREADS, ml, mr, ml / mr, ml / mr >= 0.95 ? "met" : "MISSED");
	fflush(stdout);
	free(lib);
	free(raw);
}

/* ------------------------------------------------------------ 4. heap per idle session */

static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static void bench_heap(int n)
{
	ohs_session **s = calloc((size_t)n, sizeof(*s));
	size_t before, after;
	double per;
	int i, rc;

	lib_lifecycle(); /* warm up: connection, curl and jansson state */
	malloc_trim(0);
	before = heap_in_use();
	for (i = 0; i < n; i++) {
		if ((rc = ohs_session_create(&s[i], cli, cfg, NULL, NULL)) < 0)
			die_ohs("create", rc);
		if ((rc = ohs_session_start(s[i])) < 0)
			die_ohs("start", rc);
	}
	after = heap_in_use();
	for (i = 0; i < n; i++)
		ohs_session_free(s[i]);
	per = ((double)after - (double)before) / n;
	printf("# heap: %d idle sessions: %zu -> %zu bytes in use (mallinfo2), %.0f bytes each\n",
		n, before, after, per);
	printf("ROW\theap per idle session (KiB)\t%.2f\t-\t-\t<= 64 KiB\t%s\n", per / 1024.0,
		per <= 64 * 1024 ? "met" : "MISSED");
	fflush(stdout);
	free(s);
}

/* ------------------------------------------------------------ main */

int main(int argc, char **argv)
{
	int cold_n = argc > 1 ? atoi(argv[1]) : 15;
	int pool_rounds = argc > 2 ? atoi(argv[2]) : 10;
	int tput_rep = argc > 3 ? atoi(argv[3]) : 3;
	int heap_n = argc > 4 ? atoi(argv[4]) : 16;
	const char *dh = getenv("DOCKER_HOST");
	int rc;

	image = getenv("OHS_TEST_IMAGE");
	if (!image || !*image)
		image = "ohs-test:latest";
	ws = getenv("OHS_BENCH_WS");
	if (!ws || !*ws)
		ws = "/tmp/ohs-bench-ws";
	mkdir(ws, 0777);
	if (dh && *dh) {
		if (strncmp(dh, "unix://", 7) != 0)
			die("the raw baseline needs a unix:// DOCKER_HOST, not \"%s\"", dh);
		sock = dh + 7;
	}
	snprintf(run_label, sizeof(run_label), "bench-%ld", (long)getpid());
	curl_global_init(CURL_GLOBAL_ALL);
	if ((rc = ohs_client_new(&cli, NULL)) < 0)
		die_ohs("client", rc);
	api = ohs_client_api_version(cli); /* same API version for both */
	make_config();
	printf("# image %s, bind mount %s, library %s, API %s\n", image, ws, ohs_version(), api);
	fflush(stdout);

	if (cold_n > 0)
		bench_cold(cold_n);
	if (pool_rounds > 0)
		bench_pool(pool_rounds);
	if (tput_rep > 0)
		bench_tput(tput_rep);
	if (heap_n > 0)
		bench_heap(heap_n);

	ohs_config_free(cfg);
	ohs_client_free(cli);
	curl_global_cleanup();
	return 0;
}
