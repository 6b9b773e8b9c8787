/*
 * fuzz_floor: the operator's policy file parser, ohs_floor_parse(), on
 * arbitrary text (cut at the first newline-NUL pair into two floors that are
 * then merged).  Invariants: a parse failure is OHS_EINVAL with a message
 * that names the origin; a parsed floor's getters are consistent (counts
 * match the entries, every host path is absolute); a merge fails only with
 * OHS_EINVAL or OHS_EPOLICY (two runtimes) and leaves a usable floor; dup
 * gives the same answers.
 */
#include "fuzz_common.h"

#include <string.h>

static void check_floor(const ohs_floor *f)
{
	size_t i, n;

	n = ohs_floor_host_path_count(f);
	for (i = 0; i < n; i++) {
		const char *p = ohs_floor_host_path(f, i);

		if (!p || p[0] != '/')
			fuzz_fail("host path %zu is not absolute: %s", i, p ? p : "(null)");
	}
	if (ohs_floor_host_path(f, n) != NULL)
		fuzz_fail("host path past the count");
	n = ohs_floor_network_count(f);
	for (i = 0; i < n; i++)
		if (!ohs_floor_network(f, i))
			fuzz_fail("network %zu is NULL", i);
	if (n && !ohs_floor_has_networks(f))
		fuzz_fail("networks listed but has_networks is 0");
	(void)ohs_floor_profile(f);
	(void)ohs_floor_mode(f);
	(void)ohs_floor_runtime(f);
	(void)ohs_floor_origin(f, "profile");
}

static ohs_floor *parse(const char *text)
{
	ohs_floor *f = NULL;
	int rc;

	ohs_error_clear();
	rc = ohs_floor_parse(&f, text, "fuzz floor");
	fuzz_check_error(rc, "ohs_floor_parse");
	if (rc < 0) {
		if (rc != OHS_EINVAL && rc != OHS_ENOMEM)
			fuzz_fail("parse failed with %d: %s", rc, ohs_error_last());
		if (rc == OHS_EINVAL && !strstr(ohs_error_last(), "fuzz floor"))
			fuzz_fail("the error does not name the origin: %s", ohs_error_last());
		if (f)
			fuzz_fail("a failed parse returned a floor");
		return NULL;
	}
	check_floor(f);
	return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size), *second = strchr(text, '\n');
	ohs_floor *a, *b = NULL, *d = NULL;

	if (second)
		*second++ = '\0';
	a = parse(text);
	if (second)
		b = parse(second);
	if (a && b) {
		int rc;

		ohs_error_clear();
		rc = ohs_floor_merge(a, b);
		fuzz_check_error(rc, "ohs_floor_merge");
		if (rc < 0 && rc != OHS_EINVAL && rc != OHS_EPOLICY && rc != OHS_ENOMEM)
			fuzz_fail("merge failed with %d: %s", rc, ohs_error_last());
		check_floor(a);
	}
	if (a) {
		if (ohs_floor_dup(&d, a) < 0)
			fuzz_fail("dup: %s", ohs_error_last());
		check_floor(d);
		if (ohs_floor_host_path_count(d) != ohs_floor_host_path_count(a) ||
		    ohs_floor_network_count(d) != ohs_floor_network_count(a))
			fuzz_fail("dup differs");
	}
	ohs_floor_free(d);
	ohs_floor_free(a);
	ohs_floor_free(b);
	free(text);
	return 0;
}
