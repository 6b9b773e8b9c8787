/*
 * fuzz_volumes: the SANDBOX_VOLUMES grammar (ohs_volumes_parse) with a fixed
 * home and working directory.  A successful parse must give a list whose
 * entries are all readable, absolute in the container, and that survives
 * ohs_volumes_dup() unchanged.
 */
#include "fuzz_common.h"

static void check_same(const ohs_volumes *a, const ohs_volumes *b)
{
	size_t i, n = ohs_volumes_count(a);

	if (ohs_volumes_count(b) != n)
		fuzz_fail("dup changed the count");
	for (i = 0; i < n; i++) {
		if (ohs_volumes_type(a, i) != ohs_volumes_type(b, i) ||
		    ohs_volumes_mode(a, i) != ohs_volumes_mode(b, i) ||
		    strcmp(ohs_volumes_source(a, i), ohs_volumes_source(b, i)) ||
		    strcmp(ohs_volumes_target(a, i), ohs_volumes_target(b, i)))
			fuzz_fail("dup changed entry %zu", i);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = fuzz_strndup(data, size);
	ohs_volumes *vols = (ohs_volumes *)0x1, *copy = NULL;
	size_t i, n;
	int rc;

	ohs_error_clear();
	rc = ohs_volumes_parse(&vols, spec, "/home/fuzz", "/work/fuzz-cwd");
	fuzz_check_error(rc, "ohs_volumes_parse");
	if (rc < 0) {
		if (vols != NULL)
			fuzz_fail("ohs_volumes_parse failed (%d) but *out is not NULL", rc);
		free(spec);
		return 0;
	}
	n = ohs_volumes_count(vols);
	for (i = 0; i < n; i++) {
		const char *src = ohs_volumes_source(vols, i);
		const char *dst = ohs_volumes_target(vols, i);
		int type = ohs_volumes_type(vols, i), mode = ohs_volumes_mode(vols, i);

		if (!src || !dst)
			fuzz_fail("entry %zu has a NULL source or target", i);
		if (dst[0] != '/')
			fuzz_fail("entry %zu: container path \"%s\" is not absolute", i, dst);
		if (type != OHS_MOUNT_BIND && type != OHS_MOUNT_VOLUME)
			fuzz_fail("entry %zu: type %d", i, type);
		if (mode != OHS_MOUNT_RW && mode != OHS_MOUNT_RO)
			fuzz_fail("entry %zu: mode %d", i, mode);
		/* Host paths are absolute: "/..." or a Windows drive "C:\..." / "C:/...". */
		if (type == OHS_MOUNT_BIND && src[0] != '/' &&
		    !(((src[0] | 0x20) >= 'a' && (src[0] | 0x20) <= 'z') && src[1] == ':' &&
		      (src[2] == '\\' || src[2] == '/')))
			fuzz_fail("entry %zu: host path \"%s\" is not absolute", i, src);
	}
	if (ohs_volumes_source(vols, n) || ohs_volumes_target(vols, n) ||
	    ohs_volumes_type(vols, n) != -1 || ohs_volumes_mode(vols, n) != -1)
		fuzz_fail("getters past the end do not return NULL / -1");
	(void)ohs_volumes_workspace(vols);

	rc = ohs_volumes_dup(&copy, vols);
	if (rc < 0)
		fuzz_fail("ohs_volumes_dup failed: %s", ohs_error_last());
	check_same(vols, copy);
	ohs_volumes_free(copy);
	ohs_volumes_free(vols);
	free(spec);
	return 0;
}
