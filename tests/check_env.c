#include "testutil.h"

START_TEST(test_placeholder_env)
{
	ck_assert_str_eq(ohs_version(), OHS_VERSION);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("env");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_placeholder_env);
	suite_add_tcase(s, tc);
	return ohs_test_run(s);
}
