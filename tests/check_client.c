#include "testutil.h"

START_TEST(test_placeholder_client)
{
	ck_assert_str_eq(ohs_version(), OHS_VERSION);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("client");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_placeholder_client);
	suite_add_tcase(s, tc);
	return ohs_test_run(s);
}
