/*
 * fuzz_download: the download side of the archive module
 * (ohs__download_extract_mem, the code ohs_session_download_ex() runs on
 * the engine's tar stream).  Input: byte 0 = flags (bit 0:
 * OHS_DOWNLOAD_SYMLINKS), the rest = the tar stream.  Every run extracts
 * into a fresh directory P/d (P from mkdtemp) and then checks that:
 *   - nothing was written in P beside d (nothing outside the destination);
 *   - below d there are only regular files and directories (and, with the
 *     flag, symlinks that are relative and resolve inside d), none with a
 *     setuid, setgid or sticky bit, all owned by the caller;
 *   - a failure leaves a message naming the problem.
 * P is removed after each run.
 */
#define _GNU_SOURCE
#include "fuzz_common.h"
#include "internal.h"
#include "session_int.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[PATH_MAX];   /* P */
static char dest[PATH_MAX];   /* P/d */
static unsigned cur_flags;

static int check_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)type;
	(void)f;
	if (S_ISLNK(st->st_mode)) {
		char target[PATH_MAX], *real;
		ssize_t n;

		if (!(cur_flags & OHS_DOWNLOAD_SYMLINKS))
			fuzz_fail("symlink %s planted without OHS_DOWNLOAD_SYMLINKS", path);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			fuzz_fail("readlink %s: %s", path, strerror(errno));
		target[n] = '\0';
		if (target[0] == '/')
			fuzz_fail("absolute symlink %s -> %s", path, target);
		if ((real = realpath(path, NULL)) != NULL) {
			size_t dl = strlen(dest);

			if (strncmp(real, dest, dl) != 0 || (real[dl] != '/' && real[dl] != '\0'))
				fuzz_fail("symlink %s -> %s resolves to %s, outside %s", path, target, real, dest);
			free(real);
		}
		return 0;
	}
	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode))
		fuzz_fail("special file %s (mode 0%o)", path, (unsigned)st->st_mode);
	if (st->st_mode & 07000)
		fuzz_fail("%s has mode 0%o", path, (unsigned)(st->st_mode & 07777));
	if (st->st_uid != getuid())
		fuzz_fail("%s is owned by uid %u", path, (unsigned)st->st_uid);
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	if (type == FTW_DP)
		chmod(path, 0700);
	if (remove(path) < 0 && errno != ENOENT)
		fuzz_fail("cannot remove %s: %s", path, strerror(errno));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t skipped = 0;
	DIR *d;
	struct dirent *de;
	int rc;

	if (size < 1)
		return 0;
	cur_flags = data[0] & 1 ? OHS_DOWNLOAD_SYMLINKS : 0;
	strcpy(root, "/tmp/ohs-fuzz-dl-XXXXXX");
	if (!mkdtemp(root))
		abort();
	snprintf(dest, sizeof(dest), "%s/d", root);
	if (mkdir(dest, 0755) < 0)
		abort();

	ohs_error_clear();
	rc = ohs__download_extract_mem(data + 1, size - 1, dest, cur_flags, &skipped);
	if (rc < 0)
		fuzz_check_error(rc, "ohs__download_extract_mem");

	/* nothing beside d */
	if (!(d = opendir(root)))
		abort();
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || !strcmp(de->d_name, "d"))
			continue;
		fuzz_fail("%s/%s was written outside the destination", root, de->d_name);
	}
	closedir(d);
	nftw(dest, check_one, 16, FTW_PHYS);
	/* the directories may have lost u+w/x: give them back before removing */
	nftw(root, remove_one, 16, FTW_PHYS | FTW_DEPTH);
	return 0;
}
