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
 * Integration suites call this first: returns when an engine answers;
 * otherwise exits 77 (skip) with a reason, or fails when OHS_REQUIRE_ENGINE
 * is set (CI).
 */
static inline void ohs_test_require_engine(void)
{
	ohs_client *c = NULL;
	int rc = ohs_client_new(&c, NULL);
	const char *req = getenv("OHS_REQUIRE_ENGINE");

	if (rc == 0) {
		ohs_client_free(c);
		return;
	}
	if (req && *req && strcmp(req, "0") != 0) {
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

/* The local test image (built by scripts/test-image.sh). */
static inline const char *ohs_test_image(void)
{
	const char *img = getenv("OHS_TEST_IMAGE");
	return img && *img ? img : "ohs-test:latest";
}

#endif
