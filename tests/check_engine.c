/*
 * engine layer, unit part (no engine): an engine's error answer (status +
 * body, Docker's or Podman's) becomes the public code, message and HTTP
 * status, and the typed kind the sandbox modules switch on.
 */
#include "testutil.h"
#include "internal.h"
#include "engine_int.h"

static const struct {
	long status;
	const char *body;
	int code;
	int http;
	ohs__eng_err kind;
	const char *needle;
} answers[] = {
	/* Docker 20.10 / 24 */
	{ 404, "{\"message\":\"No such container: ohs-x\"}", OHS_ENOTFOUND, 404,
	  OHS__ENG_NOT_FOUND, "w: No such container: ohs-x" },
	{ 404, "{\"message\":\"No such exec instance: e1\"}", OHS_ENOTFOUND, 404,
	  OHS__ENG_EXEC_NOT_FOUND, "w: No such exec instance: e1" },
	{ 409, "{\"message\":\"Container 0123 is not running\"}", OHS_ECONFLICT, 409,
	  OHS__ENG_NOT_RUNNING, "w: Container 0123 is not running" },
	/* 20.10 right after a stop */
	{ 500, "{\"message\":\"Container 0123 is not running\"}", OHS_EENGINE, 500,
	  OHS__ENG_NOT_RUNNING, "w: Container 0123 is not running" },
	{ 409, "{\"message\":\"Container 0123 is paused, unpause the container before exec\"}",
	  OHS_ECONFLICT, 409, OHS__ENG_NOT_RUNNING, "is paused" },
	{ 409, "{\"message\":\"Conflict. The container name \\\"/ohs-a\\\" is already in use by container \\\"12\\\".\"}",
	  OHS_ECONFLICT, 409, OHS__ENG_NAME_IN_USE, "is already in use" },
	{ 409, "{\"message\":\"error while removing network: network n1 id 12 has active endpoints\"}",
	  OHS_ECONFLICT, 409, OHS__ENG_IN_USE, "has active endpoints" },
	{ 409, "{\"message\":\"something else conflicts\"}", OHS_ECONFLICT, 409,
	  OHS__ENG_CONFLICT, "w: something else conflicts" },
	{ 400, "{\"message\":\"failed to create shim task: OCI runtime create failed: runc create failed: "
	  "exec: \\\"nope\\\": executable file not found in $PATH: unknown\"}", OHS_EINVAL, 400,
	  OHS__ENG_OCI, "OCI runtime create failed" },
	{ 400, "{\"message\":\"invalid reference format\"}", OHS_EINVAL, 400,
	  OHS__ENG_BAD_REQUEST, "w: invalid reference format" },
	{ 403, "{\"message\":\"authorization denied\"}", OHS_EPERM, 403,
	  OHS__ENG_DENIED, "w: authorization denied" },
	{ 500, "{\"message\":\"it broke\"}", OHS_EENGINE, 500, OHS__ENG_SERVER, "w: it broke" },
	/* not JSON: the body itself */
	{ 502, "bad gateway\n", OHS_EENGINE, 502, OHS__ENG_SERVER, "w: bad gateway" },
	/* Podman 4.3: causes and wording mapped to Docker's */
	{ 404, "{\"cause\":\"no such exec session\",\"message\":\"no exec session with ID e1 found: "
	  "no such exec session\",\"response\":404}", OHS_ENOTFOUND, 404,
	  OHS__ENG_EXEC_NOT_FOUND, "w: No such exec instance: e1" },
	{ 500, "{\"cause\":\"container state improper\",\"message\":\"can only create exec sessions on running "
	  "containers: container state improper\",\"response\":500}", OHS_ECONFLICT, 409,
	  OHS__ENG_NOT_RUNNING, "w: the container is not running" },
	{ 500, "{\"cause\":\"that name is already in use\",\"message\":\"creating container storage: the "
	  "container name \\\"a\\\" is already in use by 12: that name is already in use\",\"response\":500}",
	  OHS_ECONFLICT, 409, OHS__ENG_NAME_IN_USE, "is already in use" },
	{ 500, "{\"cause\":\"network is being used\",\"message\":\"\\\"n1\\\" has associated containers with it: "
	  "network is being used\",\"response\":500}", OHS_ECONFLICT, 409, OHS__ENG_IN_USE,
	  "has associated containers" },
	{ 500, "{\"cause\":\"invalid argument\",\"message\":\"names must match: invalid argument\","
	  "\"response\":500}", OHS_EINVAL, 400, OHS__ENG_BAD_REQUEST, "w: names must match" },
};

START_TEST(test_answer_kinds)
{
	const char *b = answers[_i].body;

	ohs_error_clear();
	ck_assert_ohs_error(ohs__engine_answer_error(answers[_i].status, b, strlen(b), "w"),
		answers[_i].code, answers[_i].needle);
	ck_assert_int_eq(ohs_error_last_http_status(), answers[_i].http);
	ck_assert_msg(ohs__engine_err_last() == answers[_i].kind, "answer %d: kind \"%s\", expected \"%s\"",
		_i, ohs__engine_err_name(ohs__engine_err_last()), ohs__engine_err_name(answers[_i].kind));
}
END_TEST

START_TEST(test_kind_lifetime)
{
	static const char body[] = "{\"message\":\"Container 0123 is not running\"}";
	ohs__error_state *st;

	/* below 400: no error, no kind */
	ohs_error_clear();
	ck_assert_int_eq(ohs__engine_answer_error(204, NULL, 0, "w"), 0);
	ck_assert_ptr_null(ohs_error_last());
	ck_assert_int_eq(ohs__engine_err_last(), OHS__ENG_OTHER);

	/* a prefix keeps the kind; save/restore carries it */
	ohs__engine_answer_error(409, body, sizeof(body) - 1, "create exec");
	ohs__error_prefix("ohs_session_exec");
	ck_assert_int_eq(ohs__engine_err_last(), OHS__ENG_NOT_RUNNING);
	st = ohs__error_save();
	ohs__engine_answer_error(404, "{\"message\":\"No such container: x\"}", 34, "inspect");
	ck_assert_int_eq(ohs__engine_err_last(), OHS__ENG_NOT_FOUND);
	ohs__error_restore(st);
	ck_assert_int_eq(ohs__engine_err_last(), OHS__ENG_NOT_RUNNING);
	ck_assert_str_eq(ohs_error_last(), "ohs_session_exec: create exec: Container 0123 is not running");

	/* any later error resets it */
	ohs__error_set(OHS_EINVAL, "not from the engine");
	ck_assert_int_eq(ohs__engine_err_last(), OHS__ENG_OTHER);
	ohs__engine_answer_error(409, body, sizeof(body) - 1, "w");
	ohs_error_clear();
	ck_assert_int_eq(ohs__engine_err_last(), OHS__ENG_OTHER);
}
END_TEST

START_TEST(test_exec_text)
{
	static const char oci[] = "OCI runtime exec failed: exec failed: unable to start container "
		"process: exec: \"nope\": executable file not found in $PATH: unknown";
	static const char perm[] = "OCI runtime exec failed: exec failed: unable to start container "
		"process: exec: \"/etc\": permission denied: unknown";

	ck_assert_int_eq(ohs__engine_exec_text_kind(oci), OHS__ENG_OCI);
	ck_assert_int_eq(ohs__engine_exec_text_kind("hello"), OHS__ENG_OTHER);
	ck_assert_int_eq(ohs__engine_exec_text_kind(NULL), OHS__ENG_OTHER);
	ck_assert(ohs__engine_exec_text_starts_oci(oci, sizeof(oci) - 1));
	ck_assert(!ohs__engine_exec_text_starts_oci(oci, 10));
	ck_assert(!ohs__engine_exec_text_starts_oci("x OCI runtime exec failed", 25));
	ck_assert_int_eq(ohs__engine_oci_exit_code(oci), 127);
	ck_assert_int_eq(ohs__engine_oci_exit_code(perm), 126);
}
END_TEST

START_TEST(test_classify_names)
{
	int k;

	/* every kind has a name of its own */
	for (k = OHS__ENG_OTHER; k <= OHS__ENG_SERVER; k++)
		ck_assert_str_ne(ohs__engine_err_name((ohs__eng_err)k), "unknown");
	ck_assert_int_eq(ohs__engine_classify(200, "is not running", NULL), OHS__ENG_OTHER);
	ck_assert_int_eq(ohs__engine_classify(404, NULL, NULL), OHS__ENG_NOT_FOUND);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("answers");

	tcase_add_loop_test(tc, test_answer_kinds, 0, (int)(sizeof(answers) / sizeof(answers[0])));
	tcase_add_test(tc, test_kind_lifetime);
	tcase_add_test(tc, test_exec_text);
	tcase_add_test(tc, test_classify_names);
	suite_add_tcase(s, tc);
	return ohs_test_run(s);
}
