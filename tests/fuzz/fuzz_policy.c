/*
 * fuzz_policy: ohs_policy_check() and ohs_policy_apply() on arbitrary create
 * bodies, under every profile in both modes.  Invariants: a failure is
 * OHS_EINVAL (bad body) or OHS_EPOLICY (refused, enforce only) with a
 * message; check and apply agree on whether the body is checkable; the
 * findings' refused count matches the flags and their JSON parses; outside
 * hardened the body comes back unchanged; the hardened body parses, checks
 * again, and has no finding the rewrite fixes (root user, no-new-privileges,
 * all-interface ports).
 */
#include "fuzz_common.h"

#include <jansson.h>

static const char *const profiles[] = { "permissive", "default", "hardened" };
static const char *const modes[] = { "enforce", "warn" };

static size_t check_findings(const ohs_findings *f, const char *what)
{
	size_t i, refused = 0;
	char *js = NULL;
	json_t *j;

	for (i = 0; i < ohs_findings_count(f); i++) {
		if (!ohs_findings_id(f, i) || !ohs_findings_message(f, i) || !ohs_findings_field(f, i) ||
		    !ohs_findings_value(f, i) || !ohs_findings_severity(f, i) || !ohs_findings_remediation(f, i))
			fuzz_fail("%s: finding %zu has a NULL part", what, i);
		refused += ohs_findings_refused(f, i) ? 1 : 0;
	}
	if (refused != ohs_findings_refused_count(f))
		fuzz_fail("%s: %zu findings flagged refused, count says %zu", what, refused,
			ohs_findings_refused_count(f));
	if (ohs_findings_to_json(&js, f) < 0)
		fuzz_fail("%s: ohs_findings_to_json failed: %s", what, ohs_error_last());
	if (!(j = json_loads(js, 0, NULL)))
		fuzz_fail("%s: findings JSON does not parse: %s", what, js);
	json_decref(j);
	free(js);
	return refused;
}

static int has_finding(const ohs_findings *f, const char *id, int unfixed)
{
	size_t i;

	for (i = 0; i < ohs_findings_count(f); i++)
		if (strcmp(ohs_findings_id(f, i), id) == 0 && (!unfixed || !ohs_findings_fixed(f, i)))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = fuzz_strndup(data, size);
	size_t pi, mi;

	for (pi = 0; pi < 3; pi++) {
		for (mi = 0; mi < 2; mi++) {
			ohs_policy *p = NULL;
			ohs_findings *fc = NULL, *fa = NULL, *f2 = NULL;
			char *out = NULL, *out2 = NULL;
			int rc_c, rc_a, rc2;
			size_t refused = 0;

			if (ohs_policy_new(&p, profiles[pi], modes[mi]) < 0 || ohs_policy_set_home(p, "/home/fuzz") < 0)
				fuzz_fail("ohs_policy_new: %s", ohs_error_last());
			ohs_error_clear();
			rc_c = ohs_policy_check(&fc, p, body);
			fuzz_check_error(rc_c, "ohs_policy_check");
			if (rc_c < 0 && (rc_c != OHS_EINVAL || fc))
				fuzz_fail("ohs_policy_check: %d (%s), findings %p", rc_c, ohs_error_last(), (void *)fc);
			if (rc_c == 0)
				refused = check_findings(fc, "check");

			ohs_error_clear();
			rc_a = ohs_policy_apply(&out, &fa, p, body);
			fuzz_check_error(rc_a, "ohs_policy_apply");
			if ((rc_c == OHS_EINVAL) != (rc_a == OHS_EINVAL))
				fuzz_fail("%s/%s: check %d but apply %d (%s)", profiles[pi], modes[mi], rc_c, rc_a,
					ohs_error_last());
			if (rc_a < 0 && rc_a != OHS_EINVAL && rc_a != OHS_EPOLICY)
				fuzz_fail("ohs_policy_apply: unexpected %d (%s)", rc_a, ohs_error_last());
			if (rc_a == OHS_EPOLICY && (mi == 1 || pi == 0 || !fa || out))
				fuzz_fail("ohs_policy_apply refused under %s/%s", profiles[pi], modes[mi]);
			if (fa)
				check_findings(fa, "apply");
			if (pi < 2 && rc_c == 0) {
				/* no rewrite: the same findings, the same body */
				int want = mi == 0 && refused > 0 ? OHS_EPOLICY : 0;

				if (rc_a != want)
					fuzz_fail("%s/%s: %zu refused by check, apply gave %d", profiles[pi],
						modes[mi], refused, rc_a);
				if (ohs_findings_count(fa) != ohs_findings_count(fc))
					fuzz_fail("check and apply disagree on the findings");
				if (rc_a == 0 && strcmp(out, body) != 0)
					fuzz_fail("%s changed the body", profiles[pi]);
			}
			if (pi == 2 && rc_a == 0) {
				json_t *j = json_loads(out, JSON_REJECT_DUPLICATES, NULL);

				if (!json_is_object(j))
					fuzz_fail("hardened body is not a JSON object: %s", out);
				json_decref(j);
				ohs_error_clear();
				rc2 = ohs_policy_check(&f2, p, out);
				if (rc2 < 0)
					fuzz_fail("hardened body does not check again (%s): %s", ohs_error_last(), out);
				if (has_finding(f2, "4.1", 0) || has_finding(f2, "5.25", 0) || has_finding(f2, "5.13", 0) ||
				    has_finding(f2, "ohs-publish-all", 0))
					fuzz_fail("hardened body keeps a finding the rewrite fixes: %s", out);
				if (has_finding(fa, "4.1", 1) || has_finding(fa, "5.13", 1))
					fuzz_fail("hardened findings keep an unfixed 4.1 or 5.13");
				/* applying twice changes nothing more */
				if (ohs_policy_apply(&out2, NULL, p, out) < 0)
					fuzz_fail("hardened body is refused the second time (%s): %s", ohs_error_last(), out);
				ohs_free(out2);
				ohs_findings_free(f2);
			}
			ohs_free(out);
			ohs_findings_free(fc);
			ohs_findings_free(fa);
			ohs_policy_free(p);
		}
	}
	free(body);
	return 0;
}
