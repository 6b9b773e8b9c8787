/*
 * fuzz_env: the whole environment -> configuration path.  The input is cut
 * into lines (each "NAME=value", normally a SANDBOX_* variable) that form
 * envp; ohs_env_load() builds a config, and the create body and the
 * configuration JSON must then render and parse back with jansson, a dup
 * must render the same create body, and the policy check must accept the
 * library's own create body.
 */
#include "fuzz_common.h"

#include <jansson.h>

#define MAX_VARS 64

static void must_parse(const char *text, const char *what)
{
	json_error_t jerr;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);

	if (!j)
		fuzz_fail("%s is not valid JSON (%s at %d): %s", what, jerr.text, jerr.position, text);
	if (!json_is_object(j))
		fuzz_fail("%s is not a JSON object: %s", what, text);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size), *p, *nl;
	const char *envp[MAX_VARS + 2];
	size_t n = 0;
	ohs_config *cfg = (ohs_config *)0x1, *copy = NULL;
	char *body = NULL, *json = NULL, *body2 = NULL;
	ohs_policy *pol = NULL;
	ohs_findings *findings = NULL;
	int rc;

	/* A fixed HOME first; a HOME line of the input comes later and wins or not,
	 * whichever ohs_env_get() picks: both are fine. */
	envp[n++] = "HOME=/home/fuzz";
	for (p = text; *p && n < MAX_VARS + 1; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (*p)
			envp[n++] = p;
		if (!nl)
			break;
	}
	envp[n] = NULL;

	ohs_error_clear();
	rc = ohs_env_load(&cfg, envp);
	fuzz_check_error(rc, "ohs_env_load");
	if (rc < 0) {
		if (cfg != NULL)
			fuzz_fail("ohs_env_load failed (%d) but *out is not NULL", rc);
		goto out;
	}

	ohs_error_clear();
	if ((rc = ohs_config_create_body(&body, cfg)) < 0) {
		fuzz_fail("ohs_config_create_body failed on a loaded config: %s", ohs_error_last());
	}
	must_parse(body, "create body");
	if ((rc = ohs_config_to_json(&json, cfg)) < 0)
		fuzz_fail("ohs_config_to_json failed on a loaded config: %s", ohs_error_last());
	must_parse(json, "config JSON");

	if ((rc = ohs_config_dup(&copy, cfg)) < 0)
		fuzz_fail("ohs_config_dup failed: %s", ohs_error_last());
	if ((rc = ohs_config_create_body(&body2, copy)) < 0)
		fuzz_fail("ohs_config_create_body failed on a dup: %s", ohs_error_last());
	if (strcmp(body, body2))
		fuzz_fail("dup renders a different create body:\n%s\n%s", body, body2);

	/* The library's own body must be checkable (findings are fine). */
	if (ohs_policy_new(&pol, "default", "warn") < 0)
		fuzz_fail("ohs_policy_new: %s", ohs_error_last());
	ohs_error_clear();
	rc = ohs_policy_check(&findings, pol, body);
	if (rc < 0)
		fuzz_fail("ohs_policy_check rejects the library's own create body (%s): %s",
			ohs_error_last(), body);

out:
	ohs_findings_free(findings);
	ohs_policy_free(pol);
	ohs_free(body2);
	ohs_free(json);
	ohs_free(body);
	ohs_config_free(copy);
	if (cfg != (ohs_config *)0x1)
		ohs_config_free(cfg);
	free(text);
	return 0;
}
