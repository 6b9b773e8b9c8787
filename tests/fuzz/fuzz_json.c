/*
 * fuzz_json: JSON the library reads from the engine or from its caller,
 * through the library's headers: the policy engine (ohs_policy_check /
 * ohs_policy_apply) on arbitrary create bodies, the error-body mapper
 * ohs__client_status_error (client_int.h), and the owner-label check
 * ohs__owner_alive (session_int.h).  The engine's answers that only a
 * session reads (the pull progress stream, the ports of an inspect) are
 * fuzzed through the public API against a scripted engine by fuzz_engine
 * (operations "pull" and "open").
 *
 * Input: byte 0 selects the parser, byte 1 is a parameter (profile/mode,
 * HTTP status), the rest is the JSON text.
 */
#include "fuzz_common.h"
#include "internal.h"
#include "session_int.h"

#include <jansson.h>

static void must_be_object(const char *text, const char *what)
{
	json_t *j = json_loads(text, 0, NULL);

	if (!json_is_object(j))
		fuzz_fail("%s is not a JSON object: %s", what, text);
	json_decref(j);
}

/* ---------------------------------------------------------------- policy */

static void fuzz_policy(uint8_t param, const char *body)
{
	static const char *const profiles[] = { "permissive", "default", "hardened" };
	static const char *const modes[] = { "enforce", "warn" };
	const char *profile = profiles[param % 3], *mode = modes[(param / 3) % 2];
	ohs_policy *p = NULL;
	ohs_findings *f = NULL, *f2 = NULL;
	char *out = NULL, *out2 = NULL, *fjson = NULL;
	size_t i, n;
	int rc;

	if (ohs_policy_new(&p, profile, mode) < 0 || ohs_policy_set_home(p, "/home/fuzz") < 0 ||
	    ohs_policy_set_default_user(p, (param & 0x40) ? "1000:1000" : NULL) < 0)
		fuzz_fail("policy setup: %s", ohs_error_last());

	ohs_error_clear();
	rc = ohs_policy_check(&f, p, body);
	fuzz_check_error(rc, "ohs_policy_check");
	if (rc < 0) {
		if (rc != OHS_EINVAL)
			fuzz_fail("ohs_policy_check returned %d (expected 0 or OHS_EINVAL)", rc);
		if (f)
			fuzz_fail("ohs_policy_check failed but set *out");
	} else {
		n = ohs_findings_count(f);
		if (ohs_findings_refused_count(f) > n)
			fuzz_fail("more refused findings than findings");
		for (i = 0; i < n; i++)
			if (!ohs_findings_id(f, i) || !ohs_findings_severity(f, i) ||
			    !ohs_findings_field(f, i) || !ohs_findings_value(f, i) ||
			    !ohs_findings_message(f, i) || !ohs_findings_remediation(f, i))
				fuzz_fail("finding %zu has a NULL string", i);
		if (ohs_findings_to_json(&fjson, f) < 0)
			fuzz_fail("ohs_findings_to_json: %s", ohs_error_last());
		json_t *j = json_loads(fjson, 0, NULL);
		if (!j)
			fuzz_fail("findings JSON does not parse: %s", fjson);
		json_decref(j);
		ohs_free(fjson);
		ohs_findings_free(f);
		f = NULL;
	}

	ohs_error_clear();
	rc = ohs_policy_apply(&out, &f, p, body);
	fuzz_check_error(rc, "ohs_policy_apply");
	if (rc == 0) {
		if (!out || !f)
			fuzz_fail("ohs_policy_apply succeeded without a body or findings");
		must_be_object(out, "applied body");
		/* Applying the policy to its own output must be stable. */
		if (!strcmp(profile, "hardened")) {
			ohs_error_clear();
			rc = ohs_policy_apply(&out2, &f2, p, out);
			if (rc < 0)
				fuzz_fail("re-applying the hardened policy to its output failed (%s)\n"
					"in:  %s\nout: %s", ohs_error_last(), body, out);
			if (strcmp(out, out2))
				fuzz_fail("hardened rewrite is not idempotent:\n1: %s\n2: %s", out, out2);
		}
	} else {
		if (out)
			fuzz_fail("ohs_policy_apply failed (%d) but set the body", rc);
		if (rc == OHS_EPOLICY) {
			if (!f || !ohs_findings_refused_count(f))
				fuzz_fail("OHS_EPOLICY without refused findings");
		} else if (f) {
			fuzz_fail("ohs_policy_apply failed (%d) but set the findings", rc);
		}
	}
	ohs_free(out);
	ohs_free(out2);
	ohs_findings_free(f);
	ohs_findings_free(f2);
	ohs_policy_free(p);
}

/* ---------------------------------------------------------------- error bodies, labels */

static void fuzz_status(uint8_t param, const char *text, size_t len)
{
	long status = 400 + (long)param * 2; /* 400..910 */
	int rc;

	ohs_error_clear();
	rc = ohs__client_status_error(status, text, len, "fuzz");
	if (rc >= 0)
		fuzz_fail("status %ld mapped to %d", status, rc);
	fuzz_check_error(rc, "ohs__client_status_error");
	if (ohs_error_last_http_status() != status)
		fuzz_fail("status %ld recorded as %d", status, ohs_error_last_http_status());
}

static void fuzz_labels(const char *text)
{
	json_t *labels = json_loads(text, JSON_DECODE_ANY, NULL);
	int alive;

	alive = ohs__owner_alive(labels);
	if (alive != 0 && alive != 1)
		fuzz_fail("ohs__owner_alive returned %d", alive);
	(void)ohs__label(labels, OHS_LABEL_SESSION);
	(void)ohs__name_is_kept(json_string_value(json_object_get(labels, OHS_LABEL_KEEP)));
	json_decref(labels);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	size_t len;

	if (size < 2)
		return 0;
	text = fuzz_strndup(data + 2, size - 2);
	len = size - 2;
	switch (data[0] % 3) {
	case 0: fuzz_policy(data[1], text); break;
	case 1: fuzz_status(data[1], (const char *)data + 2, len); break;
	case 2: fuzz_labels(text); break;
	}
	free(text);
	return 0;
}
