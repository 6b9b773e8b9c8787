/*
 * Shared helpers for the Check suites.
 */
#ifndef OHS_TESTUTIL_H
#define OHS_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ohsandbox.h"

/* Assert that `expr` returned `code` and that the last error names `needle`. */
#define ck_assert_ohs_error(expr, code, needle) do { \
	int ohs_rc_ = (expr); \
	const char *ohs_msg_ = ohs_error_last(); \
	ck_assert_msg(ohs_rc_ == (code), "%s returned %d (%s), expected %d (%s); message: %s", \
		#expr, ohs_rc_, ohs_strerror(ohs_rc_), (code), ohs_strerror(code), \
		ohs_msg_ ? ohs_msg_ : "(none)"); \
	ck_assert_msg(ohs_msg_ != NULL, "%s: no error message", #expr); \
	ck_assert_msg(strstr(ohs_msg_, (needle)) != NULL, \
		"%s: message \"%s\" does not contain \"%s\"", #expr, ohs_msg_, (needle)); \
} while (0)

/* Assert success, printing the last error otherwise. */
#define ck_assert_ohs_ok(expr) do { \
	int ohs_rc_ = (expr); \
	ck_assert_msg(ohs_rc_ == 0, "%s failed: %d (%s): %s", #expr, ohs_rc_, \
		ohs_strerror(ohs_rc_), ohs_error_last() ? ohs_error_last() : "(no message)"); \
} while (0)

/* Run a suite; exit status for automake (0 pass, 1 fail). */
static inline int ohs_test_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/*
 * Whether engine-dependent tests must run (OHS_REQUIRE_ENGINE set and not 0,
 * as in CI): then a test that cannot run fails instead of skipping.
 */
static inline int ohs_test_engine_required(void)
{
	const char *req = getenv("OHS_REQUIRE_ENGINE");

	return req && *req && strcmp(req, "0") != 0;
}

/*
 * Integration suites call this first: returns when an engine answers;
 * otherwise exits 77 (skip) with a reason, or fails when OHS_REQUIRE_ENGINE
 * is set (CI).
 */
static inline void ohs_test_require_engine(void)
{
	ohs_client *c = NULL;
	int rc = ohs_client_new(&c, NULL);
	if (rc == 0) {
		ohs_client_free(c);
		return;
	}
	if (ohs_test_engine_required()) {
		fprintf(stderr, "no engine, and OHS_REQUIRE_ENGINE is set: %s\n",
			ohs_error_last() ? ohs_error_last() : ohs_strerror(rc));
		exit(EXIT_FAILURE);
	}
	fprintf(stderr, "SKIP: no Docker engine reachable (%s); set OHS_REQUIRE_ENGINE=1 to fail instead\n",
		ohs_error_last() ? ohs_error_last() : ohs_strerror(rc));
	exit(77);
}

/* Whether the test runs under valgrind (timings are not meaningful then). */
static inline int ohs_test_under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");

	return p && strstr(p, "vgpreload") != NULL;
}

/* Whether the test was built with ASan/TSan (resident memory and timings
 * are not meaningful then: the sanitizers keep freed memory in quarantine). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
# define OHS_TEST_SANITIZED 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#  define OHS_TEST_SANITIZED 1
# endif
#endif
#ifndef OHS_TEST_SANITIZED
# define OHS_TEST_SANITIZED 0
#endif

/*
 * Time bounds in pass/fail tests.  Speed is bench/'s business; a test bounds
 * time only where a timeout must fire or a death must be noticed, and then
 * loosely: the bound derives from the timeout under test (four times it, plus
 * ten seconds for the engine round trips of a loaded 2-core machine), times
 * CK_TIMEOUT_MULTIPLIER (the sanitizer runs set it) and at least 5 under
 * valgrind or a sanitizer.  The measured value is always printed, so a log
 * shows how close a run came.
 */
static inline long ohs_test_bound_ms(long timeout_ms)
{
	const char *m = getenv("CK_TIMEOUT_MULTIPLIER");
	long mult = m && atol(m) > 0 ? atol(m) : 1;

	if ((ohs_test_under_valgrind() || OHS_TEST_SANITIZED) && mult < 5)
		mult = 5;
	return (4 * timeout_ms + 10000) * mult;
}

/* Assert that `elapsed_ms` is within ohs_test_bound_ms(timeout_ms), printing it. */
#define ohs_test_assert_within(elapsed_ms, timeout_ms, what) do { \
	long ohs_el_ = (long)(elapsed_ms), ohs_to_ = (long)(timeout_ms); \
	long ohs_bd_ = ohs_test_bound_ms(ohs_to_); \
	fprintf(stderr, "%s: %s took %ld ms (timeout under test %ld ms, bound %ld ms)\n", \
		__func__, (what), ohs_el_, ohs_to_, ohs_bd_); \
	ck_assert_msg(ohs_el_ < ohs_bd_, "%s took %ld ms, more than the bound %ld ms " \
		"derived from the timeout %ld ms", (what), ohs_el_, ohs_bd_, ohs_to_); \
} while (0)

/*
 * A test (or a group of tests) that cannot run here: fails when the engine
 * is required; otherwise prints a line "OHS-SKIP: WHAT: WHY" that
 * scripts/test.sh counts in its per-suite summary, and the caller returns.
 */
#define ohs_test_skip(what, why) do { \
	ck_assert_msg(!ohs_test_engine_required(), "%s cannot run, and OHS_REQUIRE_ENGINE " \
		"is set: %s", (what), (why)); \
	fprintf(stderr, "OHS-SKIP: %s: %s\n", (what), (why)); \
} while (0)

/*
 * The same outside a test (in main, deciding which test cases to add):
 * exits 1 when the engine is required.
 */
static inline void ohs_test_skip_group(const char *what, const char *why)
{
	if (ohs_test_engine_required()) {
		fprintf(stderr, "%s cannot run, and OHS_REQUIRE_ENGINE is set: %s\n", what, why);
		exit(EXIT_FAILURE);
	}
	fprintf(stderr, "OHS-SKIP: %s: %s\n", what, why);
}

/* The local test image (built by scripts/test-image.sh). */
static inline const char *ohs_test_image(void)
{
	const char *img = getenv("OHS_TEST_IMAGE");
	return img && *img ? img : "ohs-test:latest";
}

#endif
