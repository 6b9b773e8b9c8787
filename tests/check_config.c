/*
 * config: defaults, every setter's good and bad input, the exact create
 * body, ohs_config_to_json, dup independence.
 */
#include "config_int.h"
#include "image_int.h"
#include "testutil.h"

#include <jansson.h>
#include <unistd.h>

static ohs_config *new_cfg(void)
{
	ohs_config *c = NULL;

	ck_assert_ohs_ok(ohs_config_new(&c));
	ck_assert_ptr_nonnull(c);
	return c;
}

static char *body_of(const ohs_config *c)
{
	char *s = NULL;

	ck_assert_ohs_ok(ohs_config_create_body(&s, c));
	ck_assert_ptr_nonnull(s);
	return s;
}

/* ------------------------------------------------------------ defaults */

START_TEST(test_defaults)
{
	ohs_config *c = new_cfg();
	char user[64];

	snprintf(user, sizeof(user), "%u:%u", (unsigned)getuid(), (unsigned)getgid());
	ck_assert_str_eq(ohs_config_image(c), OHS_DEFAULT_IMAGE);
	ck_assert_str_eq(ohs_config_user(c), user);
	ck_assert_str_eq(ohs_config_workdir(c), "/workspace");
	ck_assert_int_eq(ohs_config_init(c), 1);
	ck_assert_uint_eq(ohs_config_env_count(c), 0);
	ck_assert_uint_eq(ohs_config_label_count(c), 0);
	ck_assert_uint_eq(ohs_config_warning_count(c), 0);
	ck_assert_uint_eq(ohs_config_command_count(c), 0);
	ck_assert_int_eq(ohs_config_memory_limit(c), 0);
	ck_assert_int_eq(ohs_config_nano_cpus(c), 0);
	ck_assert_int_eq(ohs_config_pids_limit(c), 0);
	ck_assert_ptr_nonnull(ohs_config_volumes(c));
	ck_assert_uint_eq(ohs_volumes_count(ohs_config_volumes(c)), 0);
	ck_assert_ptr_nonnull(ohs_config_netpolicy(c));
	ck_assert_str_eq(ohs_netpolicy_mode(ohs_config_netpolicy(c)), "bridge");
	ck_assert_ptr_null(ohs_config_env(c, 0));
	ck_assert_ptr_null(ohs_config_label_key(c, 0));
	ck_assert_ptr_null(ohs_config_label_value(c, 0));
	ck_assert_ptr_null(ohs_config_warning(c, 0));
	ck_assert_ptr_null(ohs_config_command(c, 0));
	ohs_config_free(c);
}
END_TEST

START_TEST(test_null_args)
{
	ohs_config *c = new_cfg(), *d = (ohs_config *)0x1;
	ohs_volumes *v = NULL;
	ohs_netpolicy *np = NULL;
	char *s = (char *)0x1;

	ck_assert_ohs_error(ohs_config_new(NULL), OHS_EINVAL, "ohs_config_new: out is NULL");
	ck_assert_ohs_error(ohs_config_dup(NULL, c), OHS_EINVAL, "ohs_config_dup: out is NULL");
	ck_assert_ohs_error(ohs_config_dup(&d, NULL), OHS_EINVAL, "ohs_config_dup: cfg is NULL");
	ck_assert_ptr_null(d);
	ck_assert_ohs_error(ohs_config_set_image(NULL, "a"), OHS_EINVAL, "ohs_config_set_image: cfg is NULL");
	ck_assert_ohs_error(ohs_config_set_image(c, NULL), OHS_EINVAL, "ohs_config_set_image: ref is NULL");
	ck_assert_ohs_error(ohs_config_set_user(NULL, "1"), OHS_EINVAL, "ohs_config_set_user: cfg is NULL");
	ck_assert_ohs_error(ohs_config_set_user(c, NULL), OHS_EINVAL, "ohs_config_set_user: user is NULL");
	ck_assert_ohs_error(ohs_config_set_workdir(NULL, "/"), OHS_EINVAL, "ohs_config_set_workdir: cfg is NULL");
	ck_assert_ohs_error(ohs_config_set_workdir(c, NULL), OHS_EINVAL, "ohs_config_set_workdir: path is NULL");
	ck_assert_ohs_error(ohs_config_set_command(NULL, NULL), OHS_EINVAL, "ohs_config_set_command: cfg is NULL");
	ck_assert_ohs_error(ohs_config_set_env(NULL, "A", "b"), OHS_EINVAL, "ohs_config_set_env: cfg is NULL");
	ck_assert_ohs_error(ohs_config_set_env(c, NULL, "b"), OHS_EINVAL, "ohs_config_set_env: name is NULL");
	ck_assert_ohs_error(ohs_config_set_env(c, "A", NULL), OHS_EINVAL, "ohs_config_set_env: value is NULL");
	ck_assert_ohs_error(ohs_config_set_label(NULL, "k", "v"), OHS_EINVAL, "ohs_config_set_label: cfg is NULL");
	ck_assert_ohs_error(ohs_config_set_label(c, NULL, "v"), OHS_EINVAL, "ohs_config_set_label: key is NULL");
	ck_assert_ohs_error(ohs_config_set_label(c, "k", NULL), OHS_EINVAL, "ohs_config_set_label: value is NULL");
	ck_assert_ohs_error(ohs_config_set_volumes(NULL, v), OHS_EINVAL, "ohs_config_set_volumes: cfg is NULL");
	ck_assert_ohs_error(ohs_config_set_volumes(c, NULL), OHS_EINVAL, "ohs_config_set_volumes: vols is NULL");
	ck_assert_ohs_error(ohs_config_set_netpolicy(NULL, np), OHS_EINVAL, "ohs_config_set_netpolicy: cfg is NULL");
	ck_assert_ohs_error(ohs_config_set_netpolicy(c, NULL), OHS_EINVAL, "ohs_config_set_netpolicy: np is NULL");
	ck_assert_ohs_error(ohs_config_set_memory_limit(NULL, 1), OHS_EINVAL, "ohs_config_set_memory_limit: cfg is NULL");
	ck_assert_ohs_error(ohs_config_set_nano_cpus(NULL, 1), OHS_EINVAL, "ohs_config_set_nano_cpus: cfg is NULL");
	ck_assert_ohs_error(ohs_config_set_pids_limit(NULL, 1), OHS_EINVAL, "ohs_config_set_pids_limit: cfg is NULL");
	ck_assert_ohs_error(ohs_config_set_init(NULL, 1), OHS_EINVAL, "ohs_config_set_init: cfg is NULL");
	ck_assert_ohs_error(ohs_config_add_warning(NULL, "w"), OHS_EINVAL, "ohs_config_add_warning: cfg is NULL");
	ck_assert_ohs_error(ohs_config_add_warning(c, NULL), OHS_EINVAL, "ohs_config_add_warning: text is NULL");
	ck_assert_ohs_error(ohs_config_create_body(NULL, c), OHS_EINVAL, "ohs_config_create_body: out is NULL");
	ck_assert_ohs_error(ohs_config_create_body(&s, NULL), OHS_EINVAL, "ohs_config_create_body: cfg is NULL");
	ck_assert_ptr_null(s);
	s = (char *)0x1;
	ck_assert_ohs_error(ohs_config_to_json(NULL, c), OHS_EINVAL, "ohs_config_to_json: out is NULL");
	ck_assert_ohs_error(ohs_config_to_json(&s, NULL), OHS_EINVAL, "ohs_config_to_json: cfg is NULL");
	ck_assert_ptr_null(s);

	/* getters on NULL */
	ck_assert_ptr_null(ohs_config_image(NULL));
	ck_assert_ptr_null(ohs_config_user(NULL));
	ck_assert_ptr_null(ohs_config_workdir(NULL));
	ck_assert_ptr_null(ohs_config_volumes(NULL));
	ck_assert_ptr_null(ohs_config_netpolicy(NULL));
	ck_assert_uint_eq(ohs_config_env_count(NULL), 0);
	ck_assert_uint_eq(ohs_config_label_count(NULL), 0);
	ck_assert_uint_eq(ohs_config_warning_count(NULL), 0);
	ck_assert_uint_eq(ohs_config_command_count(NULL), 0);
	ck_assert_int_eq(ohs_config_init(NULL), 0);
	ck_assert_int_eq(ohs_config_memory_limit(NULL), 0);
	ohs_config_free(NULL);
	ohs_config_free(c);
}
END_TEST

/* ------------------------------------------------------------ image */

static const char *const good_images[] = {
	"ubuntu",
	"ubuntu:22.04",
	"library/ubuntu:latest",
	"docker.openhands.dev/openhands/runtime:0.62-nikolaik",
	"ghcr.io/openhands/agent-server:1.0.0-python",
	"localhost/foo",
	"localhost:5000/foo/bar:v1",
	"127.0.0.1:5000/ohs-test:latest",
	"[::1]:5000/foo",
	"[fe80::1]/foo:tag",
	"Registry.Example.COM/foo",  /* upper case is fine in the registry */
	"Foo/bar",                   /* ... including a registry without a dot */
	"ns/a.b_c__d-e--f",
	"foo:_tag",
	"foo:TAG.with-dots_and-DASHES",
	"foo@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"foo:tag@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"foo@sha512+x.y:0123456789abcdef0123456789abcdef",
	"ohs-test:latest",
	"localhost:5000",            /* a name "localhost" with tag "5000" */
};

START_TEST(test_image_good)
{
	ohs_config *c = new_cfg();
	const char *ref = good_images[_i];

	ck_assert_ohs_ok(ohs_config_set_image(c, ref));
	ck_assert_str_eq(ohs_config_image(c), ref);
	ohs_config_free(c);
}
END_TEST

struct bad_case {
	const char *in;
	const char *needle;
};

static const struct bad_case bad_images[] = {
	{ "", "image reference \"\": must not be empty" },
	{ "Ubuntu", "path component \"Ubuntu\" must be lowercase" },
	{ "Ubuntu", "(upper case is not allowed)" },
	{ "foo/Bar", "path component \"Bar\" must be lowercase" },
	{ "foo bar", "contains whitespace" },
	{ " foo", "at offset 0" },
	{ "foo\xc3\xa9", "non-ASCII" },
	{ "foo:", "tag \"\" must be 1 to 128" },
	{ "foo:-x", "tag \"-x\" must be" },
	{ "foo:.x", "not starting with '.' or '-'" },
	{ "foo:a/b", "registry port \"a\"" },
	{ "foo:bad!tag", "tag \"bad!tag\"" },
	{ "foo//bar", "has an empty component" },
	{ "foo/", "has an empty component" },
	{ "/foo", "has an empty component" },
	{ ":tag", "the repository name is empty" },
	{ "foo_-bar", "path component \"foo_-bar\"" },
	{ "foo___bar", "path component \"foo___bar\"" },
	{ "foo.", "path component \"foo.\"" },
	{ "-foo", "path component \"-foo\"" },
	{ "foo@", "digest \"\" must be ALGORITHM:HEX" },
	{ "foo@sha256", "digest \"sha256\" must be ALGORITHM:HEX" },
	{ "foo@sha256:xyz", "digest \"sha256:xyz\"" },
	{ "foo@sha256:0123456789abcdef0123456789abcdef", "sha256 digest must have 64 hex digits, not 32" },
	{ "foo@sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "sha512 digest must have 128 hex digits" },
	{ "foo@:0123456789abcdef0123456789abcdef", "must be ALGORITHM:HEX" },
	{ "foo@1sha:0123456789abcdef0123456789abcdef", "must be ALGORITHM:HEX" },
	{ "foo@sha256:abc@sha256:def", "more than one '@'" },
	{ "my-.registry.com/foo", "registry \"my-.registry.com\" must be a host name" },
	{ "-reg.com/foo", "registry \"-reg.com\"" },
	{ "reg.com:port/foo", "registry port \"port\" must be a number in 1..65535" },
	{ "reg.com:70000/foo", "registry port \"70000\"" },
	{ "reg.com:/foo", "registry port \"\"" },
	{ "[::1/foo", "registry \"[::1\"" },
	{ "[zz::1]:5000/foo", "registry \"[zz::1]:5000\"" },
	{ "[::1]x/foo", "registry \"[::1]x\"" },
	{ "reg.com:5000/Foo", "path component \"Foo\"" },
};

START_TEST(test_image_bad)
{
	ohs_config *c = new_cfg();
	const struct bad_case *b = &bad_images[_i];
	char quoted[512];

	ck_assert_ohs_error(ohs_config_set_image(c, b->in), OHS_EINVAL, b->needle);
	/* every message quotes the whole reference */
	snprintf(quoted, sizeof(quoted), "image reference \"%s\"", b->in);
	ck_assert_ohs_error(ohs_config_set_image(c, b->in), OHS_EINVAL, quoted);
	/* and the config is unchanged */
	ck_assert_str_eq(ohs_config_image(c), OHS_DEFAULT_IMAGE);
	ohs_config_free(c);
}
END_TEST

START_TEST(test_image_long_name)
{
	ohs_config *c = new_cfg();
	char ref[300];

	memset(ref, 'a', 256);
	ref[256] = '\0';
	ck_assert_ohs_error(ohs_config_set_image(c, ref), OHS_EINVAL,
		"the repository name is longer than 255 characters");
	ref[255] = '\0';
	ck_assert_ohs_ok(ohs_config_set_image(c, ref));
	/* tags: at most 128 characters */
	memcpy(ref, "foo:", 4);
	memset(ref + 4, 't', 129);
	ref[4 + 129] = '\0';
	ck_assert_ohs_error(ohs_config_set_image(c, ref), OHS_EINVAL, "tag \"tttt");
	ref[4 + 128] = '\0';
	ck_assert_ohs_ok(ohs_config_set_image(c, ref));
	ohs_config_free(c);
}
END_TEST

/* ------------------------------------------------------------ user */

static const char *const good_users[] = {
	"0", "1000", "1000:1000", "0:0", "2147483647", "2147483647:2147483647",
	"root", "root:root", "openhands", "_apt", "user-1", "user_x:grp-y",
	"1000:staff", "nobody:65534",
};

START_TEST(test_user_good)
{
	ohs_config *c = new_cfg();

	ck_assert_ohs_ok(ohs_config_set_user(c, good_users[_i]));
	ck_assert_str_eq(ohs_config_user(c), good_users[_i]);
	ohs_config_free(c);
}
END_TEST

static const struct bad_case bad_users[] = {
	{ "", "user \"\": user \"\" must be a decimal id 0..2147483647 or a name" },
	{ "2147483648", "user \"2147483648\" must be a decimal id 0..2147483647" },
	{ "99999999999", "user \"99999999999\" must be" },
	{ "-1", "user \"-1\" must be" },
	{ "+1", "user \"+1\" must be" },
	{ "1x", "user \"1x\" must be" },
	{ "Root", "[a-z_][a-z0-9_-]*" },
	{ "a b", "user \"a b\" must be" },
	{ "1000:", "group \"\" must be a decimal id" },
	{ "1000:2147483648", "group \"2147483648\"" },
	{ "1000:Staff", "group \"Staff\"" },
	{ "1:2:3", "group \"2:3\"" },
	{ ":1000", "user \"\" must be" },
	{ "root:", "expected USER[:GROUP]" },
};

START_TEST(test_user_bad)
{
	ohs_config *c = new_cfg();
	char *before = strdup(ohs_config_user(c));

	ck_assert_ohs_error(ohs_config_set_user(c, bad_users[_i].in), OHS_EINVAL, bad_users[_i].needle);
	ck_assert_str_eq(ohs_config_user(c), before);
	free(before);
	ohs_config_free(c);
}
END_TEST

/* ------------------------------------------------------------ workdir, env, labels, limits */

START_TEST(test_workdir)
{
	ohs_config *c = new_cfg();

	ck_assert_ohs_ok(ohs_config_set_workdir(c, "/home/agent/src"));
	ck_assert_str_eq(ohs_config_workdir(c), "/home/agent/src");
	ck_assert_ohs_ok(ohs_config_set_workdir(c, "/"));
	ck_assert_ohs_error(ohs_config_set_workdir(c, "workspace"), OHS_EINVAL,
		"working directory \"workspace\" must be an absolute container path");
	ck_assert_ohs_error(ohs_config_set_workdir(c, ""), OHS_EINVAL,
		"working directory \"\" must be an absolute");
	ck_assert_ohs_error(ohs_config_set_workdir(c, "/bad\xff"), OHS_EINVAL, "is not valid UTF-8");
	ck_assert_str_eq(ohs_config_workdir(c), "/");
	ohs_config_free(c);
}
END_TEST

START_TEST(test_env)
{
	ohs_config *c = new_cfg();

	ck_assert_ohs_ok(ohs_config_set_env(c, "FOO", "1"));
	ck_assert_ohs_ok(ohs_config_set_env(c, "_bar2", "a=b=c"));
	ck_assert_ohs_ok(ohs_config_set_env(c, "EMPTY", ""));
	ck_assert_ohs_ok(ohs_config_set_env(c, "FO", "prefix of FOO"));
	ck_assert_ohs_ok(ohs_config_set_env(c, "FOO", "2")); /* replaces in place */
	ck_assert_uint_eq(ohs_config_env_count(c), 4);
	ck_assert_str_eq(ohs_config_env(c, 0), "FOO=2");
	ck_assert_str_eq(ohs_config_env(c, 1), "_bar2=a=b=c");
	ck_assert_str_eq(ohs_config_env(c, 2), "EMPTY=");
	ck_assert_str_eq(ohs_config_env(c, 3), "FO=prefix of FOO");
	ck_assert_ptr_null(ohs_config_env(c, 4));

	ck_assert_ohs_error(ohs_config_set_env(c, "", "x"), OHS_EINVAL,
		"environment variable name \"\" must match [A-Za-z_][A-Za-z0-9_]*");
	ck_assert_ohs_error(ohs_config_set_env(c, "1A", "x"), OHS_EINVAL, "name \"1A\" must match");
	ck_assert_ohs_error(ohs_config_set_env(c, "A-B", "x"), OHS_EINVAL, "name \"A-B\" must match");
	ck_assert_ohs_error(ohs_config_set_env(c, "A=B", "x"), OHS_EINVAL, "name \"A=B\" must match");
	ck_assert_ohs_error(ohs_config_set_env(c, "A", "\xc3("), OHS_EINVAL,
		"environment variable A: the value is not valid UTF-8 (not shown: it may be a secret)");
	ck_assert_ptr_null(strstr(ohs_error_last(), "\xc3(")); /* the value is never echoed */
	ck_assert_uint_eq(ohs_config_env_count(c), 4);
	ohs_config_free(c);
}
END_TEST

START_TEST(test_labels)
{
	ohs_config *c = new_cfg();

	ck_assert_ohs_ok(ohs_config_set_label(c, "org.example.a", "1"));
	ck_assert_ohs_ok(ohs_config_set_label(c, "b", ""));
	ck_assert_ohs_ok(ohs_config_set_label(c, "org.example.a", "2"));
	ck_assert_uint_eq(ohs_config_label_count(c), 2);
	ck_assert_str_eq(ohs_config_label_key(c, 0), "org.example.a");
	ck_assert_str_eq(ohs_config_label_value(c, 0), "2");
	ck_assert_str_eq(ohs_config_label_key(c, 1), "b");
	ck_assert_str_eq(ohs_config_label_value(c, 1), "");
	ck_assert_ptr_null(ohs_config_label_key(c, 2));
	ck_assert_ohs_error(ohs_config_set_label(c, "", "x"), OHS_EINVAL, "label key \"\" must not be empty");
	ck_assert_ohs_error(ohs_config_set_label(c, "k\xff", "x"), OHS_EINVAL, "label key \"k\xff\" is not valid UTF-8");
	ck_assert_ohs_error(ohs_config_set_label(c, "k", "\xed\xa0\x80"), OHS_EINVAL, "label k: value");
	ck_assert_uint_eq(ohs_config_label_count(c), 2);
	ohs_config_free(c);
}
END_TEST

START_TEST(test_limits_init_warnings)
{
	ohs_config *c = new_cfg();

	ck_assert_ohs_ok(ohs_config_set_memory_limit(c, 512LL << 20));
	ck_assert_ohs_ok(ohs_config_set_nano_cpus(c, 1500000000LL));
	ck_assert_ohs_ok(ohs_config_set_pids_limit(c, 256));
	ck_assert_int_eq(ohs_config_memory_limit(c), 512LL << 20);
	ck_assert_int_eq(ohs_config_nano_cpus(c), 1500000000LL);
	ck_assert_int_eq(ohs_config_pids_limit(c), 256);
	ck_assert_ohs_error(ohs_config_set_memory_limit(c, -1), OHS_EINVAL,
		"ohs_config_set_memory_limit: memory limit (bytes) -1 must be 0 (unlimited) or positive");
	ck_assert_ohs_error(ohs_config_set_nano_cpus(c, -5), OHS_EINVAL,
		"ohs_config_set_nano_cpus: CPU limit (nano CPUs) -5 must be 0");
	ck_assert_ohs_error(ohs_config_set_pids_limit(c, INT64_MIN), OHS_EINVAL,
		"ohs_config_set_pids_limit: pids limit -9223372036854775808 must be 0");
	ck_assert_int_eq(ohs_config_memory_limit(c), 512LL << 20);
	ck_assert_ohs_ok(ohs_config_set_pids_limit(c, 0));
	ck_assert_int_eq(ohs_config_pids_limit(c), 0);

	ck_assert_ohs_ok(ohs_config_set_init(c, 0));
	ck_assert_int_eq(ohs_config_init(c), 0);
	ck_assert_ohs_ok(ohs_config_set_init(c, 42));
	ck_assert_int_eq(ohs_config_init(c), 1);

	ck_assert_ohs_ok(ohs_config_add_warning(c, "first"));
	ck_assert_ohs_ok(ohs_config_add_warning(c, "second"));
	ck_assert_uint_eq(ohs_config_warning_count(c), 2);
	ck_assert_str_eq(ohs_config_warning(c, 1), "second");
	ck_assert_ohs_error(ohs_config_add_warning(c, "\x80"), OHS_EINVAL, "is not valid UTF-8");
	ohs_config_free(c);
}
END_TEST

START_TEST(test_command)
{
	ohs_config *c = new_cfg();
	const char *argv[] = { "sleep", "infinity", NULL };
	const char *bad[] = { "sh", "\xff", NULL };
	const char *empty[] = { NULL };
	char *s;

	ck_assert_ohs_ok(ohs_config_set_command(c, argv));
	ck_assert_uint_eq(ohs_config_command_count(c), 2);
	ck_assert_str_eq(ohs_config_command(c, 0), "sleep");
	ck_assert_str_eq(ohs_config_command(c, 1), "infinity");
	ck_assert_ptr_null(ohs_config_command(c, 2));
	ck_assert_ohs_ok(ohs_config_set_image(c, "ohs-test:latest"));
	ck_assert_ohs_ok(ohs_config_set_user(c, "0:0"));
	s = body_of(c);
	ck_assert_str_eq(s,
		"{\"Image\":\"ohs-test:latest\",\"User\":\"0:0\",\"WorkingDir\":\"/workspace\","
		"\"Cmd\":[\"sleep\",\"infinity\"],\"Env\":[],\"Labels\":{},"
		"\"HostConfig\":{\"Mounts\":[],\"PortBindings\":{},\"NetworkMode\":\"bridge\",\"Init\":true}}");
	ohs_free(s);
	ck_assert_ohs_error(ohs_config_set_command(c, bad), OHS_EINVAL,
		"command argument 1 (\"\xff\") is not valid UTF-8");
	ck_assert_uint_eq(ohs_config_command_count(c), 2);
	ck_assert_ohs_ok(ohs_config_set_command(c, empty));
	ck_assert_uint_eq(ohs_config_command_count(c), 0);
	ck_assert_ohs_ok(ohs_config_set_command(c, argv));
	ck_assert_ohs_ok(ohs_config_set_command(c, NULL));
	ck_assert_uint_eq(ohs_config_command_count(c), 0);
	ohs_config_free(c);
}
END_TEST

/* ------------------------------------------------------------ create body */

START_TEST(test_body_minimal)
{
	ohs_config *c = new_cfg();
	char *s;

	ck_assert_ohs_ok(ohs_config_set_image(c, "ohs-test:latest"));
	ck_assert_ohs_ok(ohs_config_set_user(c, "1000:1000"));
	s = body_of(c);
	ck_assert_str_eq(s,
		"{\"Image\":\"ohs-test:latest\",\"User\":\"1000:1000\",\"WorkingDir\":\"/workspace\","
		"\"Env\":[],\"Labels\":{},"
		"\"HostConfig\":{\"Mounts\":[],\"PortBindings\":{},\"NetworkMode\":\"bridge\",\"Init\":true}}");
	ohs_free(s);
	ohs_config_free(c);
}
END_TEST

START_TEST(test_body_full)
{
	ohs_config *c = new_cfg();
	ohs_netpolicy *np;
	ohs_volumes *v;
	char *s;

	ck_assert_ohs_ok(ohs_config_set_image(c, "127.0.0.1:5000/ohs-test:v1"));
	ck_assert_ohs_ok(ohs_config_set_user(c, "openhands"));
	ck_assert_ohs_ok(ohs_config_set_workdir(c, "/workspace/project"));
	ck_assert_ohs_ok(ohs_config_set_env(c, "LANG", "C.UTF-8"));
	ck_assert_ohs_ok(ohs_config_set_env(c, "QUOTE", "say \"hi\"\n"));
	ck_assert_ohs_ok(ohs_config_set_label(c, "org.example.team", "ai"));
	ck_assert_ohs_ok(ohs_config_set_label(c, "empty", ""));
	v = ohs_config_volumes(c);
	ck_assert_ohs_ok(ohs_volumes_add(v, OHS_MOUNT_BIND, "/home/u/code", "/workspace", OHS_MOUNT_RW));
	ck_assert_ohs_ok(ohs_volumes_add(v, OHS_MOUNT_VOLUME, "ohs-cache", "/cache", OHS_MOUNT_RO));
	np = ohs_config_netpolicy(c);
	ck_assert_ohs_ok(ohs_netpolicy_set_mode(np, "ohs-test-net"));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 8000, NULL, "127.0.0.1", 0));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 9000, "udp", "::1", 9001));
	ck_assert_ohs_ok(ohs_config_set_memory_limit(c, 1073741824));
	ck_assert_ohs_ok(ohs_config_set_nano_cpus(c, 2000000000));
	ck_assert_ohs_ok(ohs_config_set_pids_limit(c, 512));
	ck_assert_ohs_ok(ohs_config_set_init(c, 0));
	s = body_of(c);
	ck_assert_str_eq(s,
		"{\"Image\":\"127.0.0.1:5000/ohs-test:v1\",\"User\":\"openhands\","
		"\"WorkingDir\":\"/workspace/project\","
		"\"Env\":[\"LANG=C.UTF-8\",\"QUOTE=say \\\"hi\\\"\\n\"],"
		"\"Labels\":{\"org.example.team\":\"ai\",\"empty\":\"\"},"
		"\"ExposedPorts\":{\"8000/tcp\":{},\"9000/udp\":{}},"
		"\"HostConfig\":{"
		"\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/home/u/code\",\"Target\":\"/workspace\",\"ReadOnly\":false},"
		"{\"Type\":\"volume\",\"Source\":\"ohs-cache\",\"Target\":\"/cache\",\"ReadOnly\":true}],"
		"\"PortBindings\":{\"8000/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}],"
		"\"9000/udp\":[{\"HostIp\":\"::1\",\"HostPort\":\"9001\"}]},"
		"\"NetworkMode\":\"ohs-test-net\",\"Init\":false,"
		"\"Memory\":1073741824,\"NanoCpus\":2000000000,\"PidsLimit\":512},"
		"\"NetworkingConfig\":{\"EndpointsConfig\":{\"ohs-test-net\":{}}}}");
	ohs_free(s);
	ohs_config_free(c);
}
END_TEST

START_TEST(test_body_host_binding)
{
	ohs_config *c = new_cfg();
	ohs_netpolicy *np;
	char *s;

	ck_assert_ohs_ok(ohs_config_set_image(c, "ohs-test:latest"));
	ck_assert_ohs_ok(ohs_config_set_user(c, "0"));
	np = ohs_config_netpolicy(c);
	ck_assert_ohs_ok(ohs_netpolicy_set_binding_address(np, "127.0.0.1"));
	/* no host IP: the binding address */
	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 8000, NULL, NULL, 0));
	ck_assert_ohs_ok(ohs_netpolicy_add_network(np, "ohs-test-side"));
	ck_assert_ohs_ok(ohs_config_set_memory_limit(c, 1));
	s = body_of(c);
	/* additional networks are connected after create, never in the body;
	 * built-in modes get no NetworkingConfig; only set limits appear */
	ck_assert_str_eq(s,
		"{\"Image\":\"ohs-test:latest\",\"User\":\"0\",\"WorkingDir\":\"/workspace\","
		"\"Env\":[],\"Labels\":{},\"ExposedPorts\":{\"8000/tcp\":{}},"
		"\"HostConfig\":{\"Mounts\":[],"
		"\"PortBindings\":{\"8000/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}]},"
		"\"NetworkMode\":\"bridge\",\"Init\":true,\"Memory\":1}}");
	ohs_free(s);

	ck_assert_ohs_ok(ohs_netpolicy_set_mode(np, "host"));
	s = body_of(c);
	ck_assert_ptr_nonnull(strstr(s, "\"NetworkMode\":\"host\",\"Init\":true"));
	ck_assert_ptr_null(strstr(s, "NetworkingConfig"));
	ohs_free(s);
	ck_assert_ohs_ok(ohs_netpolicy_set_mode(np, "none"));
	s = body_of(c);
	ck_assert_ptr_nonnull(strstr(s, "\"NetworkMode\":\"none\""));
	ck_assert_ptr_null(strstr(s, "NetworkingConfig"));
	ohs_free(s);
	ohs_config_free(c);
}
END_TEST

/* A Windows-style source stays intact in Mounts. */
START_TEST(test_body_windows_source)
{
	ohs_config *c = new_cfg();
	ohs_volumes *v = NULL;
	char *s;

	ck_assert_ohs_ok(ohs_volumes_parse(&v, "C:\\dev\\OpenHands:/workspace:rw", "/h", "/c"));
	ck_assert_ohs_ok(ohs_config_set_volumes(c, v));
	ohs_volumes_free(v);
	s = body_of(c);
	ck_assert_ptr_nonnull(strstr(s,
		"\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"C:\\\\dev\\\\OpenHands\","
		"\"Target\":\"/workspace\",\"ReadOnly\":false}]"));
	ohs_free(s);
	ohs_config_free(c);
}
END_TEST

/* ------------------------------------------------------------ to_json */

START_TEST(test_to_json)
{
	static const char *const keys[] = {
		"image", "user", "workdir", "command", "volumes", "network", "env", "labels",
		"limits", "init", "override_command", "warnings", "security", "floor", "origins", "create_body",
	};
	static const char *const net_keys[] = {
		"mode", "binding_address", "internal", "additional_networks", "ports",
	};
	ohs_config *c = new_cfg();
	ohs_netpolicy *np = ohs_config_netpolicy(c);
	json_t *root, *body, *v, *net;
	json_error_t jerr;
	const char *key;
	char *s, *b;
	size_t i;

	ck_assert_ohs_ok(ohs_config_set_image(c, "ohs-test:latest"));
	ck_assert_ohs_ok(ohs_config_set_user(c, "1:2"));
	ck_assert_ohs_ok(ohs_volumes_add(ohs_config_volumes(c), OHS_MOUNT_BIND, "/src", "/workspace", OHS_MOUNT_RO));
	ck_assert_ohs_ok(ohs_volumes_add(ohs_config_volumes(c), OHS_MOUNT_VOLUME, "vol1", "/data", OHS_MOUNT_RW));
	ck_assert_ohs_ok(ohs_netpolicy_set_binding_address(np, "127.0.0.1"));
	ck_assert_ohs_ok(ohs_netpolicy_set_internal(np, 1));
	ck_assert_ohs_ok(ohs_netpolicy_add_network(np, "side"));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(np, 8000, NULL, NULL, 8080));
	ck_assert_ohs_ok(ohs_config_set_env(c, "A", "1"));
	ck_assert_ohs_ok(ohs_config_set_label(c, "k", "v"));
	ck_assert_ohs_ok(ohs_config_set_pids_limit(c, 64));
	ck_assert_ohs_ok(ohs_config_add_warning(c, "careful"));
	ck_assert_ohs_ok(ohs_config_to_json(&s, c));
	ck_assert_ptr_null(strchr(s, '\n')); /* compact */
	root = json_loads(s, 0, &jerr);
	ck_assert_msg(root != NULL, "to_json output is not JSON: %s", jerr.text);
	ck_assert_uint_eq(json_object_size(root), OHS_ARRAY_SIZE(keys));
	i = 0;
	json_object_foreach(root, key, v) {
		ck_assert_str_eq(key, keys[i]);
		i++;
	}
	ck_assert_str_eq(json_string_value(json_object_get(root, "image")), "ohs-test:latest");
	ck_assert_str_eq(json_string_value(json_object_get(root, "user")), "1:2");
	ck_assert_str_eq(json_string_value(json_object_get(root, "workdir")), "/workspace");
	v = json_object_get(root, "volumes");
	ck_assert_uint_eq(json_array_size(v), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v, 0), "type")), "bind");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v, 0), "source")), "/src");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v, 0), "target")), "/workspace");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v, 0), "mode")), "ro");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v, 1), "type")), "volume");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v, 1), "mode")), "rw");
	net = json_object_get(root, "network");
	i = 0;
	json_object_foreach(net, key, v) {
		ck_assert_str_eq(key, net_keys[i]);
		i++;
	}
	ck_assert_uint_eq(i, OHS_ARRAY_SIZE(net_keys));
	ck_assert_str_eq(json_string_value(json_object_get(net, "mode")), "bridge");
	ck_assert_str_eq(json_string_value(json_object_get(net, "binding_address")), "127.0.0.1");
	ck_assert(json_is_true(json_object_get(net, "internal")));
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(net, "additional_networks"), 0)), "side");
	v = json_array_get(json_object_get(net, "ports"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(v, "container_port")), 8000);
	ck_assert_str_eq(json_string_value(json_object_get(v, "protocol")), "tcp");
	ck_assert_str_eq(json_string_value(json_object_get(v, "host_ip")), "127.0.0.1");
	ck_assert_int_eq(json_integer_value(json_object_get(v, "host_port")), 8080);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(root, "env"), 0)), "A=1");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(root, "labels"), "k")), "v");
	v = json_object_get(root, "limits");
	ck_assert_int_eq(json_integer_value(json_object_get(v, "memory")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(v, "nano_cpus")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(v, "pids")), 64);
	ck_assert(json_is_true(json_object_get(root, "init")));
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(root, "warnings"), 0)), "careful");
	ck_assert_uint_eq(json_array_size(json_object_get(root, "command")), 0);

	/* create_body is the object itself, identical to ohs_config_create_body() */
	body = json_object_get(root, "create_body");
	ck_assert(json_is_object(body));
	b = json_dumps(body, JSON_COMPACT);
	{
		char *expect = body_of(c);

		ck_assert_str_eq(b, expect);
		ohs_free(expect);
	}
	free(b);
	json_decref(root);
	ohs_free(s);
	ohs_config_free(c);
}
END_TEST

/* ------------------------------------------------------------ dup, set_volumes, set_netpolicy */

START_TEST(test_dup_independent)
{
	ohs_config *c = new_cfg(), *d = NULL;
	char *s1, *s2;

	ck_assert_ohs_ok(ohs_config_set_image(c, "ohs-test:latest"));
	ck_assert_ohs_ok(ohs_config_set_env(c, "A", "1"));
	ck_assert_ohs_ok(ohs_config_set_label(c, "k", "v"));
	ck_assert_ohs_ok(ohs_config_add_warning(c, "w"));
	ck_assert_ohs_ok(ohs_config_set_pids_limit(c, 7));
	ck_assert_ohs_ok(ohs_volumes_add(ohs_config_volumes(c), OHS_MOUNT_BIND, "/a", "/workspace", OHS_MOUNT_RW));
	ck_assert_ohs_ok(ohs_netpolicy_add_port(ohs_config_netpolicy(c), 8000, NULL, NULL, 0));
	ck_assert_ohs_ok(ohs_config_dup(&d, c));
	s1 = body_of(c);
	s2 = body_of(d);
	ck_assert_str_eq(s1, s2);
	ohs_free(s2);
	ck_assert_ptr_ne(ohs_config_volumes(c), ohs_config_volumes(d));
	ck_assert_ptr_ne(ohs_config_netpolicy(c), ohs_config_netpolicy(d));
	ck_assert_str_eq(ohs_config_warning(d, 0), "w");

	/* change everything on the copy: the original does not move */
	ck_assert_ohs_ok(ohs_config_set_image(d, "other"));
	ck_assert_ohs_ok(ohs_config_set_env(d, "A", "2"));
	ck_assert_ohs_ok(ohs_config_set_label(d, "k", "w"));
	ck_assert_ohs_ok(ohs_config_set_pids_limit(d, 8));
	ck_assert_ohs_ok(ohs_volumes_add(ohs_config_volumes(d), OHS_MOUNT_BIND, "/b", "/data", OHS_MOUNT_RO));
	ck_assert_ohs_ok(ohs_netpolicy_set_mode(ohs_config_netpolicy(d), "none"));
	ck_assert_ohs_ok(ohs_config_add_warning(d, "w2"));
	s2 = body_of(c);
	ck_assert_str_eq(s1, s2);
	ck_assert_uint_eq(ohs_config_warning_count(c), 1);
	ohs_free(s2);
	ohs_config_free(c);
	/* and the copy outlives the original */
	ck_assert_str_eq(ohs_config_env(d, 0), "A=2");
	ck_assert_uint_eq(ohs_volumes_count(ohs_config_volumes(d)), 2);
	ohs_free(s1);
	ohs_config_free(d);
}
END_TEST

START_TEST(test_set_volumes_netpolicy_copy)
{
	ohs_config *c = new_cfg();
	ohs_volumes *v = NULL;
	ohs_netpolicy *np = NULL;

	ck_assert_ohs_ok(ohs_volumes_parse(&v, "/a:/workspace,/b:/data:ro", "/h", "/c"));
	ck_assert_ohs_ok(ohs_config_set_volumes(c, v));
	ck_assert_ohs_ok(ohs_volumes_add(v, OHS_MOUNT_BIND, "/x", "/x", OHS_MOUNT_RW));
	ck_assert_uint_eq(ohs_volumes_count(ohs_config_volumes(c)), 2);
	ck_assert_str_eq(ohs_volumes_source(ohs_config_volumes(c), 1), "/b");
	/* setting its own list is a no-op */
	ck_assert_ohs_ok(ohs_config_set_volumes(c, ohs_config_volumes(c)));
	ck_assert_uint_eq(ohs_volumes_count(ohs_config_volumes(c)), 2);
	ohs_volumes_free(v);

	ck_assert_ohs_ok(ohs_netpolicy_new(&np));
	ck_assert_ohs_ok(ohs_netpolicy_set_mode(np, "host"));
	ck_assert_ohs_ok(ohs_config_set_netpolicy(c, np));
	ck_assert_ohs_ok(ohs_netpolicy_set_mode(np, "none"));
	ck_assert_str_eq(ohs_netpolicy_mode(ohs_config_netpolicy(c)), "host");
	ck_assert_ohs_ok(ohs_config_set_netpolicy(c, ohs_config_netpolicy(c)));
	ck_assert_str_eq(ohs_netpolicy_mode(ohs_config_netpolicy(c)), "host");
	ohs_netpolicy_free(np);
	ohs_config_free(c);
}
END_TEST

/* ------------------------------------------------------------ internal helpers */

START_TEST(test_merge_host_config)
{
	ohs_config *c = NULL, *d = NULL;
	char *body = NULL;

	ck_assert_ohs_ok(ohs_config_new(&c));
	ck_assert_ptr_null(ohs_config_host_config_extra(c));
	ck_assert_ohs_ok(ohs_config_set_image(c, "ohs-test:latest"));
	ck_assert_ohs_ok(ohs_config_merge_host_config(c, "{\"ShmSize\":1048576,\"Init\":false}"));
	ck_assert_ohs_ok(ohs_config_merge_host_config(c, "{\"CapAdd\":[\"NET_ADMIN\"]}"));
	ck_assert_str_eq(ohs_config_host_config_extra(c),
		"{\"ShmSize\":1048576,\"Init\":false,\"CapAdd\":[\"NET_ADMIN\"]}");
	ck_assert_ohs_ok(ohs_config_create_body(&body, c));
	/* merged after the library's own fields: its keys win */
	ck_assert_ptr_nonnull(strstr(body, "\"Init\":false"));
	ck_assert_ptr_null(strstr(body, "\"Init\":true"));
	ck_assert_ptr_nonnull(strstr(body, "\"CapAdd\":[\"NET_ADMIN\"]"));
	ohs_free(body);
	ck_assert_ohs_ok(ohs_config_dup(&d, c));
	ck_assert_str_eq(ohs_config_host_config_extra(d), ohs_config_host_config_extra(c));
	ohs_config_free(d);

	ck_assert_ohs_error(ohs_config_merge_host_config(c, "[1]"), OHS_EINVAL, "\"[1]\" is not a JSON object");
	ck_assert_ohs_error(ohs_config_merge_host_config(c, "{bad"), OHS_EINVAL, "is not JSON");
	ck_assert_ohs_error(ohs_config_merge_host_config(c, "{\"a\":1,\"a\":2}"), OHS_EINVAL, "is not JSON");
	ck_assert_ohs_error(ohs_config_merge_host_config(c, NULL), OHS_EINVAL, "json is NULL");
	ck_assert_ohs_error(ohs_config_merge_host_config(NULL, "{}"), OHS_EINVAL, "cfg is NULL");

	/* what is merged goes through the policy */
	ck_assert_ohs_ok(ohs_config_merge_host_config(c, "{\"Privileged\":true}"));
	ck_assert_ohs_error(ohs_config_apply_policy(NULL, NULL, c), OHS_EPOLICY, "5.4");
	ohs_config_free(c);
}
END_TEST

/* Review 2A through the merge: a key the engine folds cannot hide a field (default and hardened). */
START_TEST(test_merge_hidden_keys)
{
	static const struct {
		const char *extra, *needle;
	} m[] = {
		{ "{\"Bind\xc5\xbf\":[\"/:/host:ro\"]}", "key \"Bind\xc5\xbf\" in HostConfig is not ASCII" },
		{ "{\"Networ\xe2\x84\xaaMode\":\"host\"}", "key \"Networ\xe2\x84\xaaMode\" in HostConfig is not ASCII" },
		{ "{\"UT\xc5\xbfMode\":\"host\"}", "key \"UT\xc5\xbfMode\" in HostConfig is not ASCII" },
		/* the library's own NetworkMode and a second spelling of it */
		{ "{\"networkmode\":\"host\"}", "keys \"NetworkMode\" and \"networkmode\" in HostConfig" },
	};
	static const char *const profiles[] = { "default", "hardened" };
	size_t i, j;

	for (i = 0; i < OHS_ARRAY_SIZE(m); i++) {
		for (j = 0; j < OHS_ARRAY_SIZE(profiles); j++) {
			ohs_config *c = NULL;
			ohs_policy *p = NULL;
			char *body = (char *)"x";

			ck_assert_ohs_ok(ohs_config_new(&c));
			ck_assert_ohs_ok(ohs_config_set_image(c, "ohs-test:latest"));
			ck_assert_ohs_ok(ohs_config_set_user(c, "1000:1000"));
			ck_assert_ohs_ok(ohs_policy_new(&p, profiles[j], "enforce"));
			ck_assert_ohs_ok(ohs_config_set_policy(c, p));
			ck_assert_ohs_ok(ohs_config_merge_host_config(c, m[i].extra));
			ck_assert_ohs_error(ohs_config_apply_policy(&body, NULL, c), OHS_EINVAL, m[i].needle);
			ck_assert_ptr_null(body);
			ohs_policy_free(p);
			ohs_config_free(c);
		}
	}
}
END_TEST

/* Host network: refused by default and hardened in enforce mode, passes in warn mode or permissive. */
START_TEST(test_host_network_policy)
{
	static const struct {
		const char *profile, *mode;
		int refused;
	} m[] = {
		{ "default", "enforce", 1 }, { "hardened", "enforce", 1 },
		{ "default", "warn", 0 }, { "permissive", "enforce", 0 },
	};
	size_t i;

	for (i = 0; i < OHS_ARRAY_SIZE(m); i++) {
		ohs_config *c = NULL;
		ohs_policy *p = NULL;
		ohs_netpolicy *np = NULL;
		char *body = NULL;

		ck_assert_ohs_ok(ohs_config_new(&c));
		ck_assert_ohs_ok(ohs_config_set_image(c, "ohs-test:latest"));
		ck_assert_ohs_ok(ohs_config_set_user(c, "1000:1000"));
		ck_assert_ohs_ok(ohs_netpolicy_new(&np));
		ck_assert_ohs_ok(ohs_netpolicy_set_mode(np, "host"));
		ck_assert_ohs_ok(ohs_config_set_netpolicy(c, np));
		ck_assert_ohs_ok(ohs_policy_new(&p, m[i].profile, m[i].mode));
		ck_assert_ohs_ok(ohs_config_set_policy(c, p));
		if (m[i].refused) {
			ck_assert_ohs_error(ohs_config_apply_policy(&body, NULL, c), OHS_EPOLICY,
				"5.9 HostConfig.NetworkMode=\"host\"");
			ck_assert_ptr_null(body);
		} else {
			ck_assert_ohs_ok(ohs_config_apply_policy(&body, NULL, c));
			ck_assert_ptr_nonnull(strstr(body, "\"NetworkMode\":\"host\""));
			ohs_free(body);
		}
		ohs_netpolicy_free(np);
		ohs_policy_free(p);
		ohs_config_free(c);
	}
}
END_TEST

START_TEST(test_utf8)
{
	ck_assert(ohs__utf8_ok(""));
	ck_assert(ohs__utf8_ok("plain"));
	ck_assert(ohs__utf8_ok("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
	ck_assert(!ohs__utf8_ok("\xc3"));
	ck_assert(!ohs__utf8_ok("\xc0\xaf"));          /* overlong */
	ck_assert(!ohs__utf8_ok("\xed\xa0\x80"));      /* surrogate */
	ck_assert(!ohs__utf8_ok("\xf4\x90\x80\x80"));  /* > U+10FFFF */
	ck_assert(!ohs__utf8_ok("\xff"));
}
END_TEST

START_TEST(test_image_parts)
{
	char *repo = NULL, *tag = NULL;

	ck_assert_ohs_ok(ohs__image_check_repository("ghcr.io/openhands/agent-server"));
	ck_assert_ohs_ok(ohs__image_check_repository("127.0.0.1:5000/x"));
	ck_assert_ohs_error(ohs__image_check_repository("foo:1"), OHS_EINVAL,
		"image repository \"foo:1\": must not contain a tag (\":1\")");
	ck_assert_ohs_error(ohs__image_check_repository("foo@sha256:0"), OHS_EINVAL,
		"must not contain a digest");
	ck_assert_ohs_error(ohs__image_check_repository("Foo"), OHS_EINVAL, "path component \"Foo\"");
	ck_assert_ohs_ok(ohs__image_check_tag("1.0.0-python"));
	ck_assert_ohs_error(ohs__image_check_tag(""), OHS_EINVAL, "image tag \"\": must be 1 to 128");
	ck_assert_ohs_error(ohs__image_check_tag("a:b"), OHS_EINVAL, "image tag \"a:b\"");
	ck_assert_ohs_ok(ohs__image_split_default(&repo, &tag));
	{
		char *joined = ohs__sprintf("%s:%s", repo, tag);

		/* the default has a tag and no digest in every sane build */
		if (strchr(OHS_DEFAULT_IMAGE, '@') == NULL && strrchr(OHS_DEFAULT_IMAGE, ':') >
		    strrchr(OHS_DEFAULT_IMAGE, '/'))
			ck_assert_str_eq(joined, OHS_DEFAULT_IMAGE);
		free(joined);
	}
	free(repo);
	free(tag);
}
END_TEST

/* ------------------------------------------------------------ API 1.1 */

START_TEST(test_const_getters)
{
	ohs_config *cfg = NULL;
	const ohs_config *ro;

	ck_assert_ohs_ok(ohs_config_new(&cfg));
	ro = cfg;
	ck_assert_ptr_nonnull(ohs_config_volumes_const(ro));
	ck_assert_ptr_eq(ohs_config_volumes_const(ro), ohs_config_volumes(cfg));
	ck_assert_ptr_eq(ohs_config_netpolicy_const(ro), ohs_config_netpolicy(cfg));
	ck_assert_ptr_eq(ohs_config_policy_const(ro), ohs_config_policy(cfg));
	ck_assert_str_eq(ohs_policy_profile(ohs_config_policy_const(ro)), "default");
	ck_assert_str_eq(ohs_netpolicy_mode(ohs_config_netpolicy_const(ro)), ohs_netpolicy_mode(ohs_config_netpolicy(cfg)));
	ck_assert_ptr_null(ohs_config_volumes_const(NULL));
	ck_assert_ptr_null(ohs_config_netpolicy_const(NULL));
	ck_assert_ptr_null(ohs_config_policy_const(NULL));
	ohs_config_free(cfg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_const_getters);
	tcase_add_test(tc, test_null_args);
	tcase_add_loop_test(tc, test_image_good, 0, (int)OHS_ARRAY_SIZE(good_images));
	tcase_add_loop_test(tc, test_image_bad, 0, (int)OHS_ARRAY_SIZE(bad_images));
	tcase_add_test(tc, test_image_long_name);
	tcase_add_loop_test(tc, test_user_good, 0, (int)OHS_ARRAY_SIZE(good_users));
	tcase_add_loop_test(tc, test_user_bad, 0, (int)OHS_ARRAY_SIZE(bad_users));
	tcase_add_test(tc, test_workdir);
	tcase_add_test(tc, test_env);
	tcase_add_test(tc, test_labels);
	tcase_add_test(tc, test_limits_init_warnings);
	tcase_add_test(tc, test_command);
	tcase_add_test(tc, test_body_minimal);
	tcase_add_test(tc, test_body_full);
	tcase_add_test(tc, test_body_host_binding);
	tcase_add_test(tc, test_body_windows_source);
	tcase_add_test(tc, test_to_json);
	tcase_add_test(tc, test_dup_independent);
	tcase_add_test(tc, test_set_volumes_netpolicy_copy);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_merge_host_config);
	tcase_add_test(tc, test_merge_hidden_keys);
	tcase_add_test(tc, test_host_network_policy);
	tcase_add_test(tc, test_image_parts);
	suite_add_tcase(s, tc);
	return ohs_test_run(s);
}
