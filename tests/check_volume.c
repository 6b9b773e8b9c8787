/*
 * volume: SANDBOX_VOLUMES grammar, ohs_volumes_add validation, getters.
 */
#include "internal.h"
#include "testutil.h"

#include <unistd.h>

#define B OHS_MOUNT_BIND
#define V OHS_MOUNT_VOLUME
#define RW OHS_MOUNT_RW
#define RO OHS_MOUNT_RO

struct want_mount {
	int type;
	const char *source;
	const char *target;
	int mode;
};

struct good_case {
	const char *spec;
	const char *home;
	const char *cwd;
	size_t n;
	struct want_mount m[4];
};

static const struct good_case good[] = {
	/* empty and blank specs, empty entries */
	{ "", "/h", "/c", 0, {{0}} },
	{ "   ", "/h", "/c", 0, {{0}} },
	{ ",", "/h", "/c", 0, {{0}} },
	{ " , ,, \t", "/h", "/c", 0, {{0}} },
	/* the basic forms, default mode rw */
	{ "/a:/workspace", "/h", "/c", 1, {{B, "/a", "/workspace", RW}} },
	{ "/a:/workspace:rw", "/h", "/c", 1, {{B, "/a", "/workspace", RW}} },
	{ "/path/to/reference/code:/data:ro", "/h", "/c", 1,
		{{B, "/path/to/reference/code", "/data", RO}} },
	{ "/home/u/projects:/workspace:rw,/path/to/large/dataset:/data:ro", "/h", "/c", 2,
		{{B, "/home/u/projects", "/workspace", RW}, {B, "/path/to/large/dataset", "/data", RO}} },
	{ "/path1:/workspace/path1,/path2:/workspace/path2:ro", "/h", "/c", 2,
		{{B, "/path1", "/workspace/path1", RW}, {B, "/path2", "/workspace/path2", RO}} },
	{ "/mnt/c/dev/OpenHands:/workspace:rw", NULL, NULL, 1,
		{{B, "/mnt/c/dev/OpenHands", "/workspace", RW}} },
	/* whitespace around entries, empty entries in between and at the end */
	{ "  /a:/b:ro  ,  /c:/d  ", "/h", "/c", 2, {{B, "/a", "/b", RO}, {B, "/c", "/d", RW}} },
	{ "\t/a:/b\n", "/h", "/c", 1, {{B, "/a", "/b", RW}} },
	{ "/a:/b,,/c:/d,", "/h", "/c", 2, {{B, "/a", "/b", RW}, {B, "/c", "/d", RW}} },
	{ ",,/a:/b, ,", "/h", "/c", 1, {{B, "/a", "/b", RW}} },
	{ "/my dir:/data dir", "/h", "/c", 1, {{B, "/my dir", "/data dir", RW}} },
	/* lexical normalisation of host and container paths */
	{ "/a//b/./c/../d/:/x//y/./z/", "/h", "/c", 1, {{B, "/a/b/d", "/x/y/z", RW}} },
	{ "/..:/x", "/h", "/c", 1, {{B, "/", "/x", RW}} },
	{ "/a/../../b:/x", "/h", "/c", 1, {{B, "/b", "/x", RW}} },
	{ "//srv//data:/data/", "/h", "/c", 1, {{B, "/srv/data", "/data", RW}} },
	{ "/a:/data/.", "/h", "/c", 1, {{B, "/a", "/data", RW}} },
	{ "/a:/.data", "/h", "/c", 1, {{B, "/a", "/.data", RW}} },
	{ "/...:/w", "/h", "/c", 1, {{B, "/...", "/w", RW}} },
	/* ~ expansion */
	{ "~:/w", "/home/u", "/c", 1, {{B, "/home/u", "/w", RW}} },
	{ "~/:/w", "/home/u", "/c", 1, {{B, "/home/u", "/w", RW}} },
	{ "~/code:/w:ro", "/home/u", "/c", 1, {{B, "/home/u/code", "/w", RO}} },
	{ "~/code:/w", "/home/u/", "/c", 1, {{B, "/home/u/code", "/w", RW}} },
	{ "~/../v/./x:/w", "/home/u", "/c", 1, {{B, "/home/v/x", "/w", RW}} },
	/* relative host paths resolve against cwd */
	{ "code:/w", "/h", "/srv", 1, {{B, "/srv/code", "/w", RW}} },
	{ "./code:/w", "/h", "/srv", 1, {{B, "/srv/code", "/w", RW}} },
	{ "../x:/w", "/h", "/srv/app", 1, {{B, "/srv/x", "/w", RW}} },
	{ ".:/w", "/h", "/srv/", 1, {{B, "/srv", "/w", RW}} },
	{ "a/b/../c/:/w", "/h", "/srv", 1, {{B, "/srv/a/c", "/w", RW}} },
	{ "x~:/w", "/h", "/srv", 1, {{B, "/srv/x~", "/w", RW}} },
	{ "./volume:/w", "/h", "/srv", 1, {{B, "/srv/volume", "/w", RW}} },
	{ "./a:/w", "/h", "/srv", 1, {{B, "/srv/a", "/w", RW}} },
	/* Windows drive paths: kept verbatim, never resolved */
	{ "C:\\dev\\OpenHands:/workspace:rw", "/h", "/c", 1,
		{{B, "C:\\dev\\OpenHands", "/workspace", RW}} },
	{ "C:/dev/x:/data:ro", "/h", "/c", 1, {{B, "C:/dev/x", "/data", RO}} },
	{ "d:\\:/data", "/h", "/c", 1, {{B, "d:\\", "/data", RW}} },
	{ " z:/a/../b:/data/ ", "/h", "/c", 1, {{B, "z:/a/../b", "/data", RW}} },
	/* named volumes */
	{ "volume:mydata:/data", "/h", "/c", 1, {{V, "mydata", "/data", RW}} },
	{ "volume:my_data.v-1:/data:ro", "/h", "/c", 1, {{V, "my_data.v-1", "/data", RO}} },
	{ "volume:0a:/data", "/h", "/c", 1, {{V, "0a", "/data", RW}} },
	/* everything together */
	{ " ~/src:/workspace , volume:cache:/root/.cache:rw,, C:\\ref:/ref:ro , lib:/opt/lib/ ",
		"/home/u", "/srv", 4,
		{{B, "/home/u/src", "/workspace", RW}, {V, "cache", "/root/.cache", RW},
		 {B, "C:\\ref", "/ref", RO}, {B, "/srv/lib", "/opt/lib", RW}} },
};

static void check_mounts(const ohs_volumes *vols, const struct good_case *c)
{
	size_t j;

	ck_assert_msg(ohs_volumes_count(vols) == c->n, "\"%s\": %zu mounts, expected %zu",
		c->spec, ohs_volumes_count(vols), c->n);
	for (j = 0; j < c->n; j++) {
		ck_assert_msg(ohs_volumes_type(vols, j) == c->m[j].type, "\"%s\" #%zu: type %d, expected %d",
			c->spec, j, ohs_volumes_type(vols, j), c->m[j].type);
		ck_assert_msg(strcmp(ohs_volumes_source(vols, j), c->m[j].source) == 0,
			"\"%s\" #%zu: source \"%s\", expected \"%s\"",
			c->spec, j, ohs_volumes_source(vols, j), c->m[j].source);
		ck_assert_msg(strcmp(ohs_volumes_target(vols, j), c->m[j].target) == 0,
			"\"%s\" #%zu: target \"%s\", expected \"%s\"",
			c->spec, j, ohs_volumes_target(vols, j), c->m[j].target);
		ck_assert_msg(ohs_volumes_mode(vols, j) == c->m[j].mode, "\"%s\" #%zu: mode %d, expected %d",
			c->spec, j, ohs_volumes_mode(vols, j), c->m[j].mode);
	}
	ck_assert_ptr_null(ohs_volumes_source(vols, c->n));
	ck_assert_int_eq(ohs_volumes_type(vols, c->n), -1);
}

START_TEST(test_parse_good)
{
	const struct good_case *c = &good[_i];
	ohs_volumes *vols = NULL;

	ck_assert_ohs_ok(ohs_volumes_parse(&vols, c->spec, c->home, c->cwd));
	ck_assert_ptr_nonnull(vols);
	check_mounts(vols, c);
	ohs_volumes_free(vols);
}
END_TEST

struct bad_case {
	const char *spec;
	const char *home;
	const char *cwd;
	int code;
	const char *needle[3];
};

static const struct bad_case bad[] = {
	/* the example of the issue */
	{ "/x:/workspace,/data:data:ro", "/h", "/c", OHS_EINVAL,
		{ "SANDBOX_VOLUMES entry 2 (\"/data:data:ro\"): container path \"data\" must be absolute" } },
	/* wrong number of fields */
	{ "/a", "/h", "/c", OHS_EINVAL,
		{ "SANDBOX_VOLUMES entry 1 (\"/a\"): ", "host_path:container_path[:mode]" } },
	{ "/a:/b:rw:x", "/h", "/c", OHS_EINVAL,
		{ "entry 1 (\"/a:/b:rw:x\")", "host_path:container_path[:mode]", "too many" } },
	{ "/w:/workspace, /a:/b:ro:rw ", "/h", "/c", OHS_EINVAL,
		{ "entry 2 (\"/a:/b:ro:rw\")", "host_path:container_path[:mode]" } },
	{ "C:\\x", "/h", "/c", OHS_EINVAL,
		{ "entry 1 (\"C:\\x\")", "host_path:container_path[:mode]" } },
	{ "volume:abc", "/h", "/c", OHS_EINVAL,
		{ "entry 1 (\"volume:abc\")", "volume:NAME:container_path[:mode]",
		  "host_path:container_path[:mode]" } },
	{ "volume:a:/b:ro:x", "/h", "/c", OHS_EINVAL,
		{ "entry 1 (\"volume:a:/b:ro:x\")", "host_path:container_path[:mode]" } },
	/* mode */
	{ "/a:/b:RW", "/h", "/c", OHS_EINVAL,
		{ "entry 1 (\"/a:/b:RW\")", "mode \"RW\"", "\"rw\" (read-write, the default) or \"ro\"" } },
	{ "/a:/b:", "/h", "/c", OHS_EINVAL, { "entry 1 (\"/a:/b:\")", "mode \"\"", "\"ro\"" } },
	{ "/a:/b:rx", "/h", "/c", OHS_EINVAL, { "mode \"rx\" is invalid", "\"rw\"", "\"ro\"" } },
	{ "/ok:/w,/\xbbsrv:/workspace:rw", "/h", "/c", OHS_EINVAL,
	  { "SANDBOX_VOLUMES entry 2", "not valid UTF-8" } },
	{ "/a:/b:ro ,/c:/d:readonly", "/h", "/c", OHS_EINVAL,
		{ "entry 2 (\"/c:/d:readonly\")", "mode \"readonly\"", "\"ro\"" } },
	{ "/a:/b: ro", "/h", "/c", OHS_EINVAL, { "mode \" ro\"" } },
	/* host path */
	{ ":/b", "/h", "/c", OHS_EINVAL, { "entry 1 (\":/b\")", "host path is empty", "absolute" } },
	{ "~bob/x:/b", "/h", "/c", OHS_EINVAL,
		{ "entry 1 (\"~bob/x:/b\")", "\"~bob\"", "expected \"~\", \"~/path\"" } },
	{ "~bob:/b", "/h", "/c", OHS_EINVAL, { "\"~bob\"" } },
	{ "~/x:/b", "", "/c", OHS_EINVAL, { "entry 1 (\"~/x:/b\")", "HOME (\"\")", "absolute" } },
	{ "~/x:/b", "rel/home", "/c", OHS_EINVAL, { "HOME (\"rel/home\") must be an absolute" } },
	{ "code:/b", "/h", "rel", OHS_EINVAL,
		{ "entry 1 (\"code:/b\")", "host path \"code\" is relative", "(\"rel\") is not absolute" } },
	/* container path */
	{ "/a:", "/h", "/c", OHS_EINVAL, { "entry 1 (\"/a:\")", "container path is empty", "absolute" } },
	{ "/a:/", "/h", "/c", OHS_EINVAL, { "entry 1 (\"/a:/\")", "container path \"/\"", "root" } },
	{ "/a://", "/h", "/c", OHS_EINVAL, { "container path \"//\"", "root" } },
	{ "/a:/./", "/h", "/c", OHS_EINVAL, { "container path \"/./\"", "root" } },
	{ "/a:/x/..", "/h", "/c", OHS_EINVAL, { "container path \"/x/..\"", "\"..\"" } },
	{ "/a:/x/../y:ro", "/h", "/c", OHS_EINVAL,
		{ "entry 1 (\"/a:/x/../y:ro\")", "container path \"/x/../y\" must not contain a \"..\"" } },
	{ "/a:/..", "/h", "/c", OHS_EINVAL, { "\"..\"" } },
	{ "/a: /b", "/h", "/c", OHS_EINVAL, { "container path \" /b\" must be absolute" } },
	{ "C:\\x:data", "/h", "/c", OHS_EINVAL,
		{ "entry 1 (\"C:\\x:data\")", "container path \"data\" must be absolute" } },
	{ "/a:C:\\data", "/h", "/c", OHS_EINVAL, { "container path \"C\" must be absolute" } },
	/* named volumes */
	{ "volume:x:/data", "/h", "/c", OHS_EINVAL,
		{ "entry 1 (\"volume:x:/data\")", "volume name \"x\" is invalid", "[a-zA-Z0-9][a-zA-Z0-9_.-]+" } },
	{ "volume:-ab:/data", "/h", "/c", OHS_EINVAL, { "volume name \"-ab\"" } },
	{ "volume:a b:/data", "/h", "/c", OHS_EINVAL, { "volume name \"a b\"" } },
	{ "volume:a/b:/data", "/h", "/c", OHS_EINVAL, { "volume name \"a/b\"" } },
	{ "volume::/data", "/h", "/c", OHS_EINVAL, { "volume name \"\"" } },
	{ "volume:ok:data", "/h", "/c", OHS_EINVAL, { "container path \"data\" must be absolute" } },
	/* the same container path twice names both entries */
	{ "/a:/data,/b:/data/", "/h", "/c", OHS_EINVAL,
		{ "SANDBOX_VOLUMES entry 2 (\"/b:/data/\")",
		  "container path \"/data\" is already mounted by entry 1 (\"/a:/data\")", "at most once" } },
	{ "/a:/workspace:rw, ,,/c:/x, volume:v1:/workspace/.:ro", "/h", "/c", OHS_EINVAL,
		{ "entry 3 (\"volume:v1:/workspace/.:ro\")", "by entry 1 (\"/a:/workspace:rw\")" } },
	/* empty entries are not counted; the text is the trimmed entry */
	{ ", ,/a:/x,, \t  /b:b  ,", "/h", "/c", OHS_EINVAL,
		{ "SANDBOX_VOLUMES entry 2 (\"/b:b\"): container path \"b\"" } },
	/* the first bad entry is reported */
	{ "/a:b,/c:d", "/h", "/c", OHS_EINVAL, { "entry 1 (\"/a:b\")" } },
};

START_TEST(test_parse_bad)
{
	const struct bad_case *c = &bad[_i];
	ohs_volumes *vols = (ohs_volumes *)1;
	size_t k;

	ohs_error_clear();
	ck_assert_ohs_error(ohs_volumes_parse(&vols, c->spec, c->home, c->cwd), c->code,
		"SANDBOX_VOLUMES entry ");
	ck_assert_ptr_null(vols);
	for (k = 0; k < OHS_ARRAY_SIZE(c->needle) && c->needle[k]; k++)
		ck_assert_msg(strstr(ohs_error_last(), c->needle[k]) != NULL,
			"\"%s\": message \"%s\" does not contain \"%s\"",
			c->spec, ohs_error_last(), c->needle[k]);
}
END_TEST

START_TEST(test_parse_args)
{
	ohs_volumes *vols = (ohs_volumes *)1;

	ck_assert_ohs_error(ohs_volumes_parse(NULL, "/a:/b", "/h", "/c"), OHS_EINVAL,
		"ohs_volumes_parse: out is NULL");
	ck_assert_ohs_error(ohs_volumes_parse(&vols, NULL, "/h", "/c"), OHS_EINVAL,
		"ohs_volumes_parse: spec is NULL");
	ck_assert_ptr_null(vols);
	ck_assert_ohs_error(ohs_volumes_new(NULL), OHS_EINVAL, "ohs_volumes_new: out is NULL");
}
END_TEST

/* home == NULL reads $HOME; cwd == NULL uses getcwd(). */
START_TEST(test_parse_process_defaults)
{
	ohs_volumes *vols = NULL;
	char *here = getcwd(NULL, 0);
	char *want;
	const char *old = getenv("HOME");
	char *saved = old ? strdup(old) : NULL;

	ck_assert_ptr_nonnull(here);
	ck_assert_int_eq(setenv("HOME", "/tmp/ohs-home/", 1), 0);
	ck_assert_ohs_ok(ohs_volumes_parse(&vols, "~/x:/a,sub/dir:/b", NULL, NULL));
	ck_assert_uint_eq(ohs_volumes_count(vols), 2);
	ck_assert_str_eq(ohs_volumes_source(vols, 0), "/tmp/ohs-home/x");
	want = ohs__sprintf("%s/sub/dir", strcmp(here, "/") == 0 ? "" : here);
	ck_assert_str_eq(ohs_volumes_source(vols, 1), want);
	free(want);
	ohs_volumes_free(vols);

	/* no HOME at all: only an error when "~" is used */
	ck_assert_int_eq(unsetenv("HOME"), 0);
	ck_assert_ohs_ok(ohs_volumes_parse(&vols, "/a:/b", NULL, NULL));
	ohs_volumes_free(vols);
	vols = (ohs_volumes *)1;
	ck_assert_ohs_error(ohs_volumes_parse(&vols, "/a:/b,~:/w", NULL, "/c"), OHS_EINVAL,
		"SANDBOX_VOLUMES entry 2 (\"~:/w\"): host path \"~\" needs HOME");
	ck_assert_ptr_null(vols);
	ck_assert_msg(strstr(ohs_error_last(), "HOME is not set") != NULL, "%s", ohs_error_last());
	ck_assert_int_eq(setenv("HOME", "", 1), 0);
	ck_assert_ohs_error(ohs_volumes_parse(&vols, "~/x:/w", NULL, "/c"), OHS_EINVAL,
		"HOME is not set");

	if (saved)
		setenv("HOME", saved, 1);
	else
		unsetenv("HOME");
	free(saved);
	free(here);
}
END_TEST

START_TEST(test_getters_out_of_range)
{
	ohs_volumes *vols = NULL;

	ck_assert_uint_eq(ohs_volumes_count(NULL), 0);
	ck_assert_int_eq(ohs_volumes_type(NULL, 0), -1);
	ck_assert_int_eq(ohs_volumes_mode(NULL, 0), -1);
	ck_assert_ptr_null(ohs_volumes_source(NULL, 0));
	ck_assert_ptr_null(ohs_volumes_target(NULL, 0));
	ck_assert_ptr_null(ohs_volumes_workspace(NULL));

	ck_assert_ohs_ok(ohs_volumes_new(&vols));
	ck_assert_uint_eq(ohs_volumes_count(vols), 0);
	ck_assert_int_eq(ohs_volumes_type(vols, 0), -1);
	ck_assert_int_eq(ohs_volumes_mode(vols, 0), -1);
	ck_assert_ptr_null(ohs_volumes_source(vols, 0));
	ck_assert_ptr_null(ohs_volumes_target(vols, 0));
	ck_assert_ptr_null(ohs_volumes_workspace(vols));
	ohs_volumes_free(vols);

	ck_assert_ohs_ok(ohs_volumes_parse(&vols, "/a:/b:ro", NULL, NULL));
	ck_assert_int_eq(ohs_volumes_type(vols, 0), OHS_MOUNT_BIND);
	ck_assert_int_eq(ohs_volumes_mode(vols, 0), OHS_MOUNT_RO);
	ck_assert_int_eq(ohs_volumes_type(vols, 1), -1);
	ck_assert_int_eq(ohs_volumes_mode(vols, 1), -1);
	ck_assert_ptr_null(ohs_volumes_source(vols, 1));
	ck_assert_ptr_null(ohs_volumes_target(vols, 1));
	ck_assert_ptr_null(ohs_volumes_source(vols, (size_t)-1));
	ohs_volumes_free(vols);

	ohs_volumes_free(NULL);
}
END_TEST

START_TEST(test_workspace)
{
	ohs_volumes *vols = NULL;

	ck_assert_ohs_ok(ohs_volumes_parse(&vols, "/ref:/data:ro,/code:/workspace/", NULL, NULL));
	ck_assert_str_eq(ohs_volumes_workspace(vols), "/code");
	ohs_volumes_free(vols);

	ck_assert_ohs_ok(ohs_volumes_parse(&vols, "/ref:/data:ro,/code:/workspace/sub", NULL, NULL));
	ck_assert_ptr_null(ohs_volumes_workspace(vols));
	ohs_volumes_free(vols);

	ck_assert_ohs_ok(ohs_volumes_parse(&vols, "volume:ws:/workspace", NULL, NULL));
	ck_assert_str_eq(ohs_volumes_workspace(vols), "ws");
	ohs_volumes_free(vols);

	ck_assert_ohs_ok(ohs_volumes_parse(&vols, "C:\\dev\\OpenHands:/workspace:rw", NULL, NULL));
	ck_assert_str_eq(ohs_volumes_workspace(vols), "C:\\dev\\OpenHands");
	ohs_volumes_free(vols);
}
END_TEST

START_TEST(test_dup)
{
	static const struct good_case c = {
		"/a:/workspace, volume:v1:/v:ro, C:/x:/x", NULL, NULL, 4,
		{{B, "/a", "/workspace", RW}, {V, "v1", "/v", RO}, {B, "C:/x", "/x", RW},
		 {B, "/added", "/added", RO}}
	};
	ohs_volumes *vols = NULL, *copy = (ohs_volumes *)1, *empty = NULL;

	ck_assert_ohs_ok(ohs_volumes_parse(&vols, c.spec, NULL, NULL));
	ck_assert_ohs_ok(ohs_volumes_add(vols, OHS_MOUNT_BIND, "/added", "/added", OHS_MOUNT_RO));
	ck_assert_ohs_ok(ohs_volumes_dup(&copy, vols));
	ck_assert_ptr_ne(copy, vols);
	ohs_volumes_free(vols);
	check_mounts(copy, &c);
	ck_assert_str_eq(ohs_volumes_workspace(copy), "/a");
	/* the copy keeps the entry texts for its own error messages */
	ck_assert_ohs_error(ohs_volumes_add(copy, OHS_MOUNT_BIND, "/z", "/v/", OHS_MOUNT_RW),
		OHS_EINVAL, "already mounted by entry 2 (\"volume:v1:/v:ro\")");
	ck_assert_ohs_error(ohs_volumes_add(copy, OHS_MOUNT_BIND, "/z", "/added", OHS_MOUNT_RW),
		OHS_EINVAL, "already mounted by entry 4 (\"/added:/added:ro\")");
	ohs_volumes_free(copy);

	ck_assert_ohs_ok(ohs_volumes_new(&empty));
	ck_assert_ohs_ok(ohs_volumes_dup(&copy, empty));
	ck_assert_uint_eq(ohs_volumes_count(copy), 0);
	ohs_volumes_free(copy);

	copy = (ohs_volumes *)1;
	ck_assert_ohs_error(ohs_volumes_dup(&copy, NULL), OHS_EINVAL, "ohs_volumes_dup: vols is NULL");
	ck_assert_ptr_null(copy);
	ck_assert_ohs_error(ohs_volumes_dup(NULL, empty), OHS_EINVAL, "ohs_volumes_dup: out is NULL");
	ohs_volumes_free(empty);
}
END_TEST

START_TEST(test_add)
{
	ohs_volumes *vols = NULL;

	ck_assert_ohs_ok(ohs_volumes_parse(&vols, "/code:/workspace", "/h", "/c"));
	ck_assert_ohs_ok(ohs_volumes_add(vols, OHS_MOUNT_BIND, "/srv//ref/./x/../y/", "/ref/", OHS_MOUNT_RO));
	ck_assert_ohs_ok(ohs_volumes_add(vols, OHS_MOUNT_VOLUME, "cache", "/root/.cache", OHS_MOUNT_RW));
	ck_assert_ohs_ok(ohs_volumes_add(vols, OHS_MOUNT_BIND, "C:\\dev\\x", "/win", OHS_MOUNT_RW));
	ck_assert_ohs_error(ohs_volumes_add(vols, OHS_MOUNT_BIND, "/\xbbsrv", "/t", OHS_MOUNT_RW),
		OHS_EINVAL, "source is not valid UTF-8");
	ck_assert_ohs_error(ohs_volumes_add(vols, OHS_MOUNT_BIND, "/srv", "/t\xff", OHS_MOUNT_RW),
		OHS_EINVAL, "target is not valid UTF-8");
	ck_assert_uint_eq(ohs_volumes_count(vols), 4);
	ck_assert_str_eq(ohs_volumes_source(vols, 1), "/srv/ref/y");
	ck_assert_str_eq(ohs_volumes_target(vols, 1), "/ref");
	ck_assert_int_eq(ohs_volumes_mode(vols, 1), OHS_MOUNT_RO);
	ck_assert_int_eq(ohs_volumes_type(vols, 2), OHS_MOUNT_VOLUME);
	ck_assert_str_eq(ohs_volumes_source(vols, 2), "cache");
	ck_assert_str_eq(ohs_volumes_source(vols, 3), "C:\\dev\\x");

	/* every failure leaves the list as it was */
	ck_assert_ohs_error(ohs_volumes_add(NULL, OHS_MOUNT_BIND, "/a", "/b", OHS_MOUNT_RW),
		OHS_EINVAL, "ohs_volumes_add: vols is NULL");
	ck_assert_ohs_error(ohs_volumes_add(vols, OHS_MOUNT_BIND, NULL, "/b", OHS_MOUNT_RW),
		OHS_EINVAL, "ohs_volumes_add: source is NULL");
	ck_assert_ohs_error(ohs_volumes_add(vols, OHS_MOUNT_BIND, "/a", NULL, OHS_MOUNT_RW),
		OHS_EINVAL, "ohs_volumes_add: target is NULL");
	ck_assert_ohs_error(ohs_volumes_add(vols, (ohs_mount_type)7, "/a", "/b", OHS_MOUNT_RW),
		OHS_EINVAL, "ohs_volumes_add: type 7 is invalid: expected OHS_MOUNT_BIND");
	ck_assert_ohs_error(ohs_volumes_add(vols, OHS_MOUNT_BIND, "/a", "/b", (ohs_mount_mode)-1),
		OHS_EINVAL, "ohs_volumes_add: mode -1 is invalid: expected OHS_MOUNT_RW");
	ck_assert_ohs_error(ohs_volumes_add(vols, OHS_MOUNT_BIND, "code", "/b", OHS_MOUNT_RW),
		OHS_EINVAL, "ohs_volumes_add: host path \"code\" must be absolute");
	ck_assert_ohs_error(ohs_volumes_add(vols, OHS_MOUNT_BIND, "~/x", "/b", OHS_MOUNT_RW),
		OHS_EINVAL, "ohs_volumes_add: host path \"~/x\" must be absolute");
	ck_assert_ohs_error(ohs_volumes_add(vols, OHS_MOUNT_BIND, "", "/b", OHS_MOUNT_RW),
		OHS_EINVAL, "ohs_volumes_add: host path is empty");
	ck_assert_ohs_error(ohs_volumes_add(vols, OHS_MOUNT_VOLUME, "x", "/b", OHS_MOUNT_RW),
		OHS_EINVAL, "ohs_volumes_add: volume name \"x\" is invalid");
	ck_assert_ohs_error(ohs_volumes_add(vols, OHS_MOUNT_VOLUME, "/abs", "/b", OHS_MOUNT_RW),
		OHS_EINVAL, "ohs_volumes_add: volume name \"/abs\" is invalid");
	ck_assert_ohs_error(ohs_volumes_add(vols, OHS_MOUNT_BIND, "/a", "data", OHS_MOUNT_RW),
		OHS_EINVAL, "ohs_volumes_add: container path \"data\" must be absolute");
	ck_assert_ohs_error(ohs_volumes_add(vols, OHS_MOUNT_BIND, "/a", "", OHS_MOUNT_RW),
		OHS_EINVAL, "ohs_volumes_add: container path is empty");
	ck_assert_ohs_error(ohs_volumes_add(vols, OHS_MOUNT_BIND, "/a", "//", OHS_MOUNT_RW),
		OHS_EINVAL, "ohs_volumes_add: container path \"//\" is the container's root");
	ck_assert_ohs_error(ohs_volumes_add(vols, OHS_MOUNT_BIND, "/a", "/x/../y", OHS_MOUNT_RW),
		OHS_EINVAL, "ohs_volumes_add: container path \"/x/../y\" must not contain a \"..\"");
	ck_assert_ohs_error(ohs_volumes_add(vols, OHS_MOUNT_BIND, "/a", "/workspace/./", OHS_MOUNT_RO),
		OHS_EINVAL, "ohs_volumes_add: container path \"/workspace\" is already mounted by "
		"entry 1 (\"/code:/workspace\")");
	ck_assert_ohs_error(ohs_volumes_add(vols, OHS_MOUNT_VOLUME, "v2", "/root/.cache", OHS_MOUNT_RO),
		OHS_EINVAL, "already mounted by entry 3 (\"volume:cache:/root/.cache:rw\")");
	ck_assert_uint_eq(ohs_volumes_count(vols), 4);
	ck_assert_str_eq(ohs_volumes_workspace(vols), "/code");
	ohs_volumes_free(vols);
}
END_TEST

/* Many entries: the list grows past its first allocation. */
START_TEST(test_many)
{
	ohs__buf spec = {0};
	ohs_volumes *vols = NULL;
	char *s;
	size_t i;

	for (i = 0; i < 40; i++) {
		char *e = ohs__sprintf("%s/src/%zu:/mnt/%zu%s", i ? "," : "", i, i, i % 2 ? ":ro" : "");

		ck_assert_ptr_nonnull(e);
		ck_assert_int_eq(ohs__buf_puts(&spec, e), 0);
		free(e);
	}
	s = ohs__buf_detach(&spec);
	ck_assert_ohs_ok(ohs_volumes_parse(&vols, s, NULL, NULL));
	ck_assert_uint_eq(ohs_volumes_count(vols), 40);
	ck_assert_str_eq(ohs_volumes_source(vols, 39), "/src/39");
	ck_assert_str_eq(ohs_volumes_target(vols, 39), "/mnt/39");
	ck_assert_int_eq(ohs_volumes_mode(vols, 39), OHS_MOUNT_RO);
	ck_assert_int_eq(ohs_volumes_mode(vols, 38), OHS_MOUNT_RW);
	ohs_volumes_free(vols);
	free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("volume");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_parse_good, 0, (int)OHS_ARRAY_SIZE(good));
	tcase_add_loop_test(tc, test_parse_bad, 0, (int)OHS_ARRAY_SIZE(bad));
	tcase_add_test(tc, test_parse_args);
	tcase_add_test(tc, test_parse_process_defaults);
	tcase_add_test(tc, test_getters_out_of_range);
	tcase_add_test(tc, test_workspace);
	tcase_add_test(tc, test_dup);
	tcase_add_test(tc, test_add);
	tcase_add_test(tc, test_many);
	suite_add_tcase(s, tc);
	return ohs_test_run(s);
}
