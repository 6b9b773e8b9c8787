/*
 * bench_shell: one command, `exec` vs the persistent shell.
 *
 * In one run, one sandbox: N round trips of `true` through ohs_shell_run()
 * and N through ohs_session_exec() (argv ["true"]); prints median, p90 and
 * the ratio as a table.  Usage: bench_shell [N] (default 500).
 * Image: $OHS_TEST_IMAGE or ohs-test:latest (must have /bin/sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ohsandbox.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
	int i = (int)(p * (n - 1) + 0.5);

	return v[i];
}

static int fail(const char *what, int rc)
{
	fprintf(stderr, "bench_shell: %s: %s (%s)\n", what, ohs_strerror(rc),
		ohs_error_last() ? ohs_error_last() : "");
	return 1;
}

int main(int argc, char **argv)
{
	const char *img = getenv("OHS_TEST_IMAGE");
	const char *cmd[] = { "sleep", "3600", NULL };
	const char *targv[] = { "true", NULL };
	int n = argc > 1 ? atoi(argv[1]) : 500, i, rc, status = 1;
	ohs_client *c = NULL;
	ohs_config *cfg = NULL;
	ohs_session *s = NULL;
	ohs_shell *sh = NULL;
	double *ts, *te, t0, med_s, med_e;

	if (n < 1)
		n = 500;
	if (!img || !*img)
		img = "ohs-test:latest";
	ts = calloc((size_t)n, sizeof(*ts));
	te = calloc((size_t)n, sizeof(*te));
	if (!ts || !te)
		return 1;
	if ((rc = ohs_client_new(&c, NULL)) < 0) {
		status = fail("client", rc);
		goto done;
	}
	if ((rc = ohs_config_new(&cfg)) < 0 || (rc = ohs_config_set_image(cfg, img)) < 0 ||
	    (rc = ohs_config_set_command(cfg, cmd)) < 0) {
		status = fail("config", rc);
		goto done;
	}
	if ((rc = ohs_session_create(&s, c, cfg, NULL, NULL)) < 0 ||
	    (rc = ohs_session_start(s)) < 0) {
		status = fail("session", rc);
		goto done;
	}
	if ((rc = ohs_shell_open(&sh, s, NULL)) < 0) {
		status = fail("ohs_shell_open", rc);
		goto done;
	}

	/* warm-up */
	for (i = 0; i < 20; i++) {
		ohs_exec_result *r = NULL;

		if ((rc = ohs_shell_run(&r, sh, "true", 10000)) < 0) {
			status = fail("ohs_shell_run", rc);
			goto done;
		}
		ohs_exec_result_free(r);
	}
	for (i = 0; i < n; i++) {
		ohs_exec_result *r = NULL;

		t0 = now_ms();
		rc = ohs_shell_run(&r, sh, "true", 10000);
		ts[i] = now_ms() - t0;
		if (rc < 0 || ohs_exec_result_exit_code(r) != 0) {
			status = fail("ohs_shell_run", rc);
			goto done;
		}
		ohs_exec_result_free(r);
	}
	for (i = 0; i < n; i++) {
		ohs_exec_result *r = NULL;

		t0 = now_ms();
		rc = ohs_session_exec(&r, s, targv, NULL);
		te[i] = now_ms() - t0;
		if (rc < 0 || ohs_exec_result_exit_code(r) != 0) {
			status = fail("ohs_session_exec", rc);
			goto done;
		}
		ohs_exec_result_free(r);
	}
	qsort(ts, (size_t)n, sizeof(*ts), cmp);
	qsort(te, (size_t)n, sizeof(*te), cmp);
	med_s = pct(ts, n, 0.5);
	med_e = pct(te, n, 0.5);
	printf("one command (`true`), N=%d, image %s\n", n, img);
	printf("%-26s %12s %12s %12s\n", "path", "median ms", "p90 ms", "vs shell");
	printf("%-26s %12.3f %12.3f %11.1fx\n", "ohs_shell_run", med_s, pct(ts, n, 0.9), 1.0);
	printf("%-26s %12.3f %12.3f %11.1fx\n", "ohs_session_exec", med_e, pct(te, n, 0.9),
		med_e / med_s);
	printf("target: shell median <= 0.5 ms: %s\n", med_s <= 0.5 ? "met" : "MISSED");
	status = 0;
done:
	ohs_shell_free(sh);
	if (s) {
		ohs_session_remove(s);
		ohs_session_free(s);
	}
	ohs_config_free(cfg);
	ohs_client_free(c);
	free(ts);
	free(te);
	return status;
}
