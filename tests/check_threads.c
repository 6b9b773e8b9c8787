/*
 * Thread safety against a real engine: one ohs_client shared by 16 threads
 * that each create, start, exec in and remove sandboxes concurrently; every
 * exec output is checked, the last error stays per thread, and nothing is
 * left afterwards.
 *
 * Every sandbox carries the label org.ohsandbox.test=<run id>, so the
 * leftover check only looks at this run.
 */
#include "testutil.h"
#include "internal.h"
#include "session_int.h"

#include <pthread.h>
#include <unistd.h>

#define TEST_LABEL "org.ohsandbox.test"
#define NTHREADS 16
#define ROUNDS 2   /* sandboxes per thread, one after another */
#define EXECS 3    /* commands per sandbox */

static char run_id[32];
static ohs_client *cli;
static ohs_config *cfg;
static pthread_barrier_t barrier;

static size_t count_ours(void)
{
	char *f = ohs__sprintf("{\"label\":[\"%s=%s\"]}", TEST_LABEL, run_id);
	char *e = ohs__client_escape(f), *path = ohs__sprintf("/containers/json?all=1&filters=%s", e);
	json_t *list = NULL;
	size_t n;

	ck_assert_ohs_ok(ohs__client_json(cli, "GET", path, NULL, &list, "list containers"));
	ck_assert(json_is_array(list));
	n = json_array_size(list);
	json_decref(list);
	free(f);
	free(e);
	free(path);
	return n;
}

typedef struct {
	int idx;
	int fails;
	int execs_ok;
	char msg[1024];
} thr;

#define FAIL(t, ...) do { \
	if (!(t)->fails++) \
		snprintf((t)->msg, sizeof((t)->msg), __VA_ARGS__); \
} while (0)

static void one_sandbox(thr *t, int round)
{
	ohs_session *s = NULL;
	ohs_exec_result *r = NULL;
	char cmd[128], want[128];
	const char *out;
	size_t len;
	int k;

	if (ohs_session_create(&s, cli, cfg, NULL, NULL) < 0) {
		FAIL(t, "create: %s", ohs_error_last());
		return;
	}
	if (ohs_session_start(s) < 0) {
		FAIL(t, "start: %s", ohs_error_last());
		ohs_session_free(s);
		return;
	}
	for (k = 0; k < EXECS; k++) {
		/* output on both streams, sized so that frames differ per thread */
		snprintf(cmd, sizeof(cmd), "printf 't%d-r%d-k%d-%%0%dd\\n' 0; echo err-%d >&2; exit %d",
			t->idx, round, k, t->idx + 1, t->idx, t->idx % 5);
		snprintf(want, sizeof(want), "t%d-r%d-k%d-%0*d\n", t->idx, round, k, t->idx + 1, 0);
		if (ohs_session_exec_shell(&r, s, cmd, NULL) < 0) {
			FAIL(t, "exec %d: %s", k, ohs_error_last());
			continue;
		}
		out = ohs_exec_result_stdout(r, &len);
		if (len != strlen(want) || memcmp(out, want, len) != 0) {
			FAIL(t, "exec %d: stdout \"%.*s\", expected \"%s\"", k, (int)len, out, want);
		} else {
			char werr[32];

			snprintf(werr, sizeof(werr), "err-%d\n", t->idx);
			out = ohs_exec_result_stderr(r, &len);
			if (len != strlen(werr) || memcmp(out, werr, len) != 0)
				FAIL(t, "exec %d: stderr \"%.*s\", expected \"%s\"", k, (int)len, out, werr);
			else if (ohs_exec_result_exit_code(r) != t->idx % 5)
				FAIL(t, "exec %d: exit code %d, expected %d", k,
					ohs_exec_result_exit_code(r), t->idx % 5);
			else
				t->execs_ok++;
		}
		ohs_exec_result_free(r);
		r = NULL;
	}
	if (ohs_session_remove(s) < 0)
		FAIL(t, "remove: %s", ohs_error_last());
	ohs_session_free(s);
}

static void *worker(void *arg)
{
	thr *t = arg;
	ohs_session *s = NULL;
	char id[64], *want;
	int round;

	pthread_barrier_wait(&barrier);
	for (round = 0; round < ROUNDS; round++)
		one_sandbox(t, round);

	/* the last error is per thread: raise one naming this thread, let the
	 * others run, and read it back unchanged */
	snprintf(id, sizeof(id), "ohs-test-%s-missing-%d", run_id, t->idx);
	if (ohs_session_open(&s, cli, id) != OHS_ENOTFOUND)
		FAIL(t, "open %s: expected OHS_ENOTFOUND", id);
	pthread_barrier_wait(&barrier);
	if (ohs_client_ping(cli) < 0)
		FAIL(t, "ping: %s", ohs_error_last());
	want = ohs__sprintf("no container \"%s\"", id);
	if (!ohs_error_last() || !strstr(ohs_error_last(), want))
		FAIL(t, "last error \"%s\" does not name this thread's input \"%s\"",
			ohs_error_last() ? ohs_error_last() : "(none)", id);
	free(want);
	return NULL;
}

START_TEST(test_shared_client_16_threads)
{
	pthread_t tid[NTHREADS];
	thr t[NTHREADS];
	int i, total = 0;

	ck_assert_ohs_ok(ohs_client_new(&cli, NULL));
	ck_assert_ohs_ok(ohs_config_new(&cfg));
	ck_assert_ohs_ok(ohs_config_set_image(cfg, ohs_test_image()));
	ck_assert_ohs_ok(ohs_config_set_label(cfg, TEST_LABEL, run_id));
	ck_assert_int_eq(pthread_barrier_init(&barrier, NULL, NTHREADS), 0);
	for (i = 0; i < NTHREADS; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].idx = i;
		ck_assert_int_eq(pthread_create(&tid[i], NULL, worker, &t[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++)
		ck_assert_int_eq(pthread_join(tid[i], NULL), 0);
	for (i = 0; i < NTHREADS; i++) {
		ck_assert_msg(t[i].fails == 0, "thread %d: %d failures, first: %s", i, t[i].fails, t[i].msg);
		total += t[i].execs_ok;
	}
	ck_assert_int_eq(total, NTHREADS * ROUNDS * EXECS);
	ck_assert_uint_eq(count_ours(), 0);
	pthread_barrier_destroy(&barrier);
	ohs_config_free(cfg);
	ohs_client_free(cli);
	cfg = NULL;
	cli = NULL;
}
END_TEST

/* A pool shared by the same threads that also make sandboxes of their own. */
static ohs_pool *shared_pool;

static void *pool_worker(void *arg)
{
	thr *t = arg;
	ohs_session *s = NULL;
	ohs_exec_result *r = NULL;
	char cmd[64], want[64];
	const char *out;
	size_t len;

	if (ohs_pool_acquire(&s, shared_pool, 120000) < 0) {
		FAIL(t, "acquire: %s", ohs_error_last());
		return NULL;
	}
	snprintf(cmd, sizeof(cmd), "echo pool-%d", t->idx);
	snprintf(want, sizeof(want), "pool-%d\n", t->idx);
	if (ohs_session_exec_shell(&r, s, cmd, NULL) < 0) {
		FAIL(t, "exec: %s", ohs_error_last());
	} else {
		out = ohs_exec_result_stdout(r, &len);
		if (len != strlen(want) || memcmp(out, want, len) != 0)
			FAIL(t, "stdout \"%.*s\", expected \"%s\"", (int)len, out, want);
		else
			t->execs_ok++;
		ohs_exec_result_free(r);
	}
	if (t->idx % 2)
		ohs_session_free(s);
	else if (ohs_pool_release(shared_pool, s) < 0)
		FAIL(t, "release: %s", ohs_error_last());
	return NULL;
}

START_TEST(test_shared_pool_16_threads)
{
	pthread_t tid[NTHREADS];
	thr t[NTHREADS];
	int i;

	ck_assert_ohs_ok(ohs_client_new(&cli, NULL));
	ck_assert_ohs_ok(ohs_config_new(&cfg));
	ck_assert_ohs_ok(ohs_config_set_image(cfg, ohs_test_image()));
	ck_assert_ohs_ok(ohs_config_set_label(cfg, TEST_LABEL, run_id));
	ck_assert_ohs_ok(ohs_pool_new(&shared_pool, cli, cfg, 4));
	for (i = 0; i < NTHREADS; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].idx = i;
		ck_assert_int_eq(pthread_create(&tid[i], NULL, pool_worker, &t[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++)
		ck_assert_int_eq(pthread_join(tid[i], NULL), 0);
	for (i = 0; i < NTHREADS; i++)
		ck_assert_msg(t[i].fails == 0 && t[i].execs_ok == 1, "thread %d: %s", i, t[i].msg);
	ohs_pool_free(shared_pool);
	shared_pool = NULL;
	ck_assert_uint_eq(count_ours(), 0);
	ohs_config_free(cfg);
	ohs_client_free(cli);
	cfg = NULL;
	cli = NULL;
}
END_TEST

int main(void)
{
	Suite *s = suite_create("threads");
	TCase *tc = tcase_create("engine");

	ohs_test_require_engine();
	snprintf(run_id, sizeof(run_id), "threads-%ld", (long)getpid());
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_shared_client_16_threads);
	tcase_add_test(tc, test_shared_pool_16_threads);
	suite_add_tcase(s, tc);
	return ohs_test_run(s);
}
