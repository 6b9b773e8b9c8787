/*
 * fuzz_merge: ohs_config_merge_host_config() with arbitrary HostConfig
 * extras (the input, cut at the first NUL or newline into two merges), then
 * ohs_config_create_body(), ohs_config_apply_policy() under every profile
 * and ohs_config_to_json().  Invariants: a merge failure is OHS_EINVAL and
 * leaves the extras as they were; a merged config always renders a create
 * body that parses; applying the policy fails only with OHS_EINVAL (a body
 * the policy cannot check, e.g. a hidden key) or OHS_EPOLICY (refused, with
 * the findings returned), and an accepted body parses.
 */
#include "fuzz_common.h"

#include <jansson.h>

static const char *const profiles[] = { "permissive", "default", "hardened" };

static void merge(ohs_config *cfg, const char *json)
{
	const char *before = ohs_config_host_config_extra(cfg);
	char *saved = before ? strdup(before) : NULL;
	int rc;

	ohs_error_clear();
	rc = ohs_config_merge_host_config(cfg, json);
	fuzz_check_error(rc, "ohs_config_merge_host_config");
	if (rc < 0) {
		const char *after = ohs_config_host_config_extra(cfg);

		if (rc != OHS_EINVAL)
			fuzz_fail("merge failed with %d: %s", rc, ohs_error_last());
		if ((saved == NULL) != (after == NULL) || (saved && strcmp(saved, after) != 0))
			fuzz_fail("a failed merge changed the extras");
	}
	free(saved);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size), *second = strchr(text, '\n');
	ohs_config *cfg = NULL;
	char *body = NULL;
	json_t *j;
	size_t i;

	if (second)
		*second++ = '\0';
	if (ohs_config_new(&cfg) < 0 || ohs_config_set_image(cfg, "ohs-test:latest") < 0 ||
	    ohs_config_set_user(cfg, "1000:1000") < 0)
		fuzz_fail("config setup: %s", ohs_error_last());
	merge(cfg, text);
	if (second)
		merge(cfg, second);

	ohs_error_clear();
	if (ohs_config_create_body(&body, cfg) < 0)
		fuzz_fail("create body after a merge: %s", ohs_error_last());
	j = json_loads(body, 0, NULL);
	if (!json_is_object(j))
		fuzz_fail("create body does not parse: %s", body);
	json_decref(j);
	ohs_free(body);

	for (i = 0; i < 3; i++) {
		ohs_policy *p = NULL;
		ohs_findings *f = NULL;
		char *out = NULL, *js = NULL;
		int rc;

		if (ohs_policy_new(&p, profiles[i], "enforce") < 0 || ohs_policy_set_home(p, "/home/fuzz") < 0 ||
		    ohs_config_set_policy(cfg, p) < 0)
			fuzz_fail("policy setup: %s", ohs_error_last());
		ohs_error_clear();
		rc = ohs_config_apply_policy(&out, &f, cfg);
		fuzz_check_error(rc, "ohs_config_apply_policy");
		if (rc < 0 && rc != OHS_EINVAL && rc != OHS_EPOLICY)
			fuzz_fail("apply under %s: unexpected %d (%s)", profiles[i], rc, ohs_error_last());
		if (rc == OHS_EPOLICY && (i == 0 || !f || out))
			fuzz_fail("refused under %s without findings, or with a body", profiles[i]);
		if (rc == OHS_EINVAL && (f || out))
			fuzz_fail("a body the policy cannot check still gave findings or a body");
		if (rc == 0) {
			j = json_loads(out, 0, NULL);
			if (!json_is_object(j))
				fuzz_fail("accepted body does not parse: %s", out);
			json_decref(j);
		}
		ohs_free(out);
		ohs_findings_free(f);
		ohs_error_clear();
		rc = ohs_config_to_json(&js, cfg);
		fuzz_check_error(rc, "ohs_config_to_json");
		if (rc < 0 && rc != OHS_EINVAL)
			fuzz_fail("ohs_config_to_json under %s: %d (%s)", profiles[i], rc, ohs_error_last());
		ohs_free(js);
		ohs_policy_free(p);
	}
	ohs_config_free(cfg);
	free(text);
	return 0;
}
