/*
 * error module: codes, descriptions, the per-thread last error.
 */
#include "testutil.h"
#include "internal.h"

#include <pthread.h>

START_TEST(test_codes_are_stable)
{
	/* The numeric values are ABI: never renumber. */
	ck_assert_int_eq(OHS_OK, 0);
	ck_assert_int_eq(OHS_ERROR, -1);
	ck_assert_int_eq(OHS_EINVAL, -2);
	ck_assert_int_eq(OHS_ENOMEM, -3);
	ck_assert_int_eq(OHS_ENOTFOUND, -4);
	ck_assert_int_eq(OHS_ECONFLICT, -5);
	ck_assert_int_eq(OHS_EPERM, -6);
	ck_assert_int_eq(OHS_EENGINE, -7);
	ck_assert_int_eq(OHS_EUNREACHABLE, -8);
	ck_assert_int_eq(OHS_ETIMEOUT, -9);
	ck_assert_int_eq(OHS_EPOLICY, -10);
	ck_assert_int_eq(OHS_ENOTSUPPORTED, -11);
	ck_assert_int_eq(OHS_EIO, -12);
	ck_assert_int_eq(OHS_EPROTOCOL, -13);
	ck_assert_int_eq(OHS_ESTATE, -14);
	ck_assert_int_eq(OHS_ETLS, -15);
	ck_assert_int_eq(OHS_ECANCELED, -16);
	/* The other public enumerations and flags are ABI too (abidiff does
	 * not flag a changed enumerator value behind opaque handles). */
	ck_assert_int_eq(OHS_MOUNT_BIND, 0);
	ck_assert_int_eq(OHS_MOUNT_VOLUME, 1);
	ck_assert_int_eq(OHS_MOUNT_RW, 0);
	ck_assert_int_eq(OHS_MOUNT_RO, 1);
	ck_assert_int_eq(OHS_PROFILE_PERMISSIVE, 0);
	ck_assert_int_eq(OHS_PROFILE_DEFAULT, 1);
	ck_assert_int_eq(OHS_PROFILE_HARDENED, 2);
	ck_assert_int_eq(OHS_MODE_ENFORCE, 0);
	ck_assert_int_eq(OHS_MODE_WARN, 1);
	ck_assert_int_eq(OHS_REAP_ALL, 1);
	ck_assert_int_eq(OHS_REAP_DRY_RUN, 2);
	ck_assert_int_eq(OHS_POOL_MAX_SIZE, 256);
}
END_TEST

START_TEST(test_strerror_distinct)
{
	int a, b;

	for (a = 0; a >= OHS_ECANCELED; a--) {
		ck_assert_ptr_nonnull(ohs_strerror(a));
		ck_assert_str_ne(ohs_strerror(a), "unknown error code");
		for (b = a - 1; b >= OHS_ECANCELED; b--)
			ck_assert_str_ne(ohs_strerror(a), ohs_strerror(b));
	}
	ck_assert_str_eq(ohs_strerror(-999), "unknown error code");
	ck_assert_str_eq(ohs_strerror(42), "unknown error code");
}
END_TEST

START_TEST(test_last_error_set_and_clear)
{
	ohs_error_clear();
	ck_assert_ptr_null(ohs_error_last());
	ck_assert_int_eq(ohs_error_last_code(), 0);
	ck_assert_int_eq(ohs__error_set(OHS_EINVAL, "value \"%s\" is bad", "x"), OHS_EINVAL);
	ck_assert_str_eq(ohs_error_last(), "value \"x\" is bad");
	ck_assert_int_eq(ohs_error_last_code(), OHS_EINVAL);
	ck_assert_int_eq(ohs_error_last_http_status(), 0);
	ck_assert_int_eq(ohs__error_set_http(OHS_ENOTFOUND, 404, "no such container: %s", "abc"), OHS_ENOTFOUND);
	ck_assert_int_eq(ohs_error_last_http_status(), 404);
	ck_assert_int_eq(ohs_error_last_code(), OHS_ENOTFOUND);
	ohs_error_clear();
	ck_assert_ptr_null(ohs_error_last());
	ck_assert_int_eq(ohs_error_last_http_status(), 0);
}
END_TEST

START_TEST(test_prefix)
{
	ohs__error_set_http(OHS_EINVAL, 400, "bad value");
	ohs__error_prefix("SANDBOX_X");
	ck_assert_str_eq(ohs_error_last(), "SANDBOX_X: bad value");
	ck_assert_int_eq(ohs_error_last_code(), OHS_EINVAL);
	ck_assert_int_eq(ohs_error_last_http_status(), 400);
	ohs_error_clear();
	ohs__error_prefix("ignored");
	ck_assert_ptr_null(ohs_error_last());
}
END_TEST

START_TEST(test_long_messages_truncate)
{
	char big[5000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ohs__error_set(OHS_EINVAL, "%s", big);
	ck_assert_uint_lt(strlen(ohs_error_last()), sizeof(big));
	ohs__error_prefix("PREFIX");
	ck_assert(strncmp(ohs_error_last(), "PREFIX: aaa", 11) == 0);
	ck_assert_uint_lt(strlen(ohs_error_last()), sizeof(big));
}
END_TEST

static void *other_thread(void *arg)
{
	int *seen = arg;

	seen[0] = ohs_error_last() == NULL;
	ohs__error_set(OHS_ETIMEOUT, "thread error");
	seen[1] = ohs_error_last_code() == OHS_ETIMEOUT;
	return NULL;
}

START_TEST(test_per_thread)
{
	pthread_t t;
	int seen[2] = { 0, 0 };

	ohs__error_set(OHS_EPERM, "main thread error");
	ck_assert_int_eq(pthread_create(&t, NULL, other_thread, seen), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(seen[0], 1); /* the other thread starts with no error */
	ck_assert_int_eq(seen[1], 1);
	ck_assert_str_eq(ohs_error_last(), "main thread error"); /* untouched here */
	ck_assert_int_eq(ohs_error_last_code(), OHS_EPERM);
}
END_TEST

START_TEST(test_version)
{
	ck_assert_str_eq(ohs_version(), OHS_VERSION);
	ck_assert_int_eq(ohs_version_number(), OHS_VERSION_NUMBER);
	ck_assert_int_eq(OHS_VERSION_NUMBER,
		(OHS_VERSION_MAJOR << 16) | (OHS_VERSION_MINOR << 8) | OHS_VERSION_PATCH);
	ohs_free(NULL);
}
END_TEST

START_TEST(test_strvec_buf)
{
	ohs__strvec sv = { 0 }, copy = { 0 };
	ohs__buf b = { 0 };
	char *s;
	int i;

	for (i = 0; i < 100; i++)
		ck_assert_int_eq(ohs__strvec_push(&sv, "x"), 0);
	ck_assert_uint_eq(sv.n, 100);
	ck_assert_int_eq(ohs__strvec_dup(&copy, &sv), 0);
	ck_assert_str_eq(ohs__strvec_at(&copy, 99), "x");
	ck_assert_ptr_null(ohs__strvec_at(&copy, 100));
	ohs__strvec_clear(&sv);
	ohs__strvec_clear(&copy);
	ck_assert_uint_eq(sv.n, 0);

	s = ohs__buf_detach(&b);
	ck_assert_str_eq(s, "");
	free(s);
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(ohs__buf_puts(&b, "ab"), 0);
	ck_assert_uint_eq(b.len, 2000);
	ck_assert_uint_eq(strlen(b.data), 2000);
	s = ohs__buf_detach(&b);
	ck_assert_ptr_null(b.data);
	free(s);
	ohs__buf_clear(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("error");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_codes_are_stable);
	tcase_add_test(tc, test_strerror_distinct);
	tcase_add_test(tc, test_last_error_set_and_clear);
	tcase_add_test(tc, test_prefix);
	tcase_add_test(tc, test_long_messages_truncate);
	tcase_add_test(tc, test_per_thread);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_strvec_buf);
	suite_add_tcase(s, tc);
	return ohs_test_run(s);
}
