/*
 * env: every OpenHands variable from envp arrays, precedence rules, warning
 * texts, and every error path (code + message naming the variable).
 */
#include "config_int.h"
#include "image_int.h"
#include "testutil.h"

#include <pwd.h>
#include <unistd.h>

#define ENVP(...) ((const char *const[]){ __VA_ARGS__, NULL })

static ohs_config *load(const char *const *envp)
{
	ohs_config *c = NULL;

	ck_assert_ohs_ok(ohs_env_load(&c, envp));
	ck_assert_ptr_nonnull(c);
	return c;
}

/* Assert the warnings, in order, exactly. */
static void assert_warnings(const ohs_config *c, const char *const *want)
{
	size_t i;

	for (i = 0; want && want[i]; i++) {
		ck_assert_msg(i < ohs_config_warning_count(c), "missing warning %zu: %s", i, want[i]);
		ck_assert_str_eq(ohs_config_warning(c, i), want[i]);
	}
	ck_assert_msg(ohs_config_warning_count(c) == i, "%zu warnings, expected %zu; first extra: %s",
		ohs_config_warning_count(c), i, ohs_config_warning(c, i) ? ohs_config_warning(c, i) : "");
}

/* ------------------------------------------------------------ ohs_env_get */

START_TEST(test_env_get)
{
	const char *const *e = ENVP("A=1", "AB=2", "EMPTY=", "A=shadowed", "NOEQ", "C=x=y");

	ck_assert_str_eq(ohs_env_get(e, "A"), "1");
	ck_assert_str_eq(ohs_env_get(e, "AB"), "2");
	ck_assert_str_eq(ohs_env_get(e, "EMPTY"), "");
	ck_assert_str_eq(ohs_env_get(e, "C"), "x=y");
	ck_assert_ptr_null(ohs_env_get(e, "NOEQ"));
	ck_assert_ptr_null(ohs_env_get(e, "B"));
	ck_assert_ptr_null(ohs_env_get(e, ""));
	ck_assert_ptr_null(ohs_env_get(e, NULL));
	ck_assert_ptr_null(ohs_env_get(e, "A=1"));
	ck_assert_ptr_null(ohs_env_get(ENVP(NULL), "A"));

	setenv("OHS_TEST_ENV_GET", "from-process", 1);
	ck_assert_str_eq(ohs_env_get(NULL, "OHS_TEST_ENV_GET"), "from-process");
	unsetenv("OHS_TEST_ENV_GET");
	ck_assert_ptr_null(ohs_env_get(NULL, "OHS_TEST_ENV_GET"));
}
END_TEST

/* ------------------------------------------------------------ defaults, empty = unset */

START_TEST(test_defaults_and_empty)
{
	ohs_config *def = NULL, *c;
	char *a, *b;

	ck_assert_ohs_ok(ohs_config_new(&def));
	ck_assert_ohs_ok(ohs_config_to_json(&a, def));
	/* nothing set */
	c = load(ENVP("PATH=/bin", "HOME=/home/u"));
	ck_assert_ohs_ok(ohs_config_to_json(&b, c));
	ck_assert_str_eq(a, b);
	ohs_free(b);
	ohs_config_free(c);
	/* every variable set to "" is the same as unset */
	c = load(ENVP("SANDBOX_VOLUMES=", "WORKSPACE_BASE=", "WORKSPACE_MOUNT_PATH=",
		"WORKSPACE_MOUNT_PATH_IN_SANDBOX=", "SANDBOX_RUNTIME_CONTAINER_IMAGE=",
		"AGENT_SERVER_IMAGE_REPOSITORY=", "AGENT_SERVER_IMAGE_TAG=", "SANDBOX_USER_ID=",
		"SANDBOX_GROUP_ID=", "SANDBOX_ENV_FOO=", "SANDBOX_ENV_=",
		"SANDBOX_RUNTIME_BINDING_ADDRESS=", "SANDBOX_NETWORK=", "SANDBOX_USE_HOST_NETWORK=",
		"SANDBOX_NETWORK_INTERNAL=", "SANDBOX_ADDITIONAL_NETWORKS=",
		"SANDBOX_SECURITY_PROFILE=", "SANDBOX_SECURITY_MODE="));
	ck_assert_ohs_ok(ohs_config_to_json(&b, c));
	ck_assert_str_eq(a, b);
	ohs_free(b);
	ohs_config_free(c);
	ohs_free(a);
	ohs_config_free(def);

	ck_assert_ohs_error(ohs_env_load(NULL, ENVP("A=1")), OHS_EINVAL, "ohs_env_load: out is NULL");
}
END_TEST

/* ------------------------------------------------------------ image */

START_TEST(test_image)
{
	ohs_config *c;
	char *repo = NULL, *tag = NULL, want[512];

	ck_assert_ohs_ok(ohs__image_split_default(&repo, &tag));

	c = load(ENVP("SANDBOX_RUNTIME_CONTAINER_IMAGE=ohs-test:latest"));
	ck_assert_str_eq(ohs_config_image(c), "ohs-test:latest");
	assert_warnings(c, NULL);
	ohs_config_free(c);

	c = load(ENVP("AGENT_SERVER_IMAGE_REPOSITORY=127.0.0.1:5000/agent", "AGENT_SERVER_IMAGE_TAG=1.2-py"));
	ck_assert_str_eq(ohs_config_image(c), "127.0.0.1:5000/agent:1.2-py");
	ohs_config_free(c);

	/* either half alone combines with the other half of the default */
	c = load(ENVP("AGENT_SERVER_IMAGE_REPOSITORY=ghcr.io/openhands/agent-server"));
	snprintf(want, sizeof(want), "ghcr.io/openhands/agent-server:%s", tag);
	ck_assert_str_eq(ohs_config_image(c), want);
	ohs_config_free(c);

	c = load(ENVP("AGENT_SERVER_IMAGE_TAG=custom"));
	snprintf(want, sizeof(want), "%s:custom", repo);
	ck_assert_str_eq(ohs_config_image(c), want);
	ohs_config_free(c);

	/* the full reference wins, with a warning naming the ignored ones */
	c = load(ENVP("AGENT_SERVER_IMAGE_TAG=t", "SANDBOX_RUNTIME_CONTAINER_IMAGE=img:1",
		"AGENT_SERVER_IMAGE_REPOSITORY=r"));
	ck_assert_str_eq(ohs_config_image(c), "img:1");
	assert_warnings(c, ENVP("SANDBOX_RUNTIME_CONTAINER_IMAGE is set; ignored "
		"AGENT_SERVER_IMAGE_REPOSITORY and AGENT_SERVER_IMAGE_TAG"));
	ohs_config_free(c);
	c = load(ENVP("SANDBOX_RUNTIME_CONTAINER_IMAGE=img:1", "AGENT_SERVER_IMAGE_TAG=t"));
	assert_warnings(c, ENVP("SANDBOX_RUNTIME_CONTAINER_IMAGE is set; ignored AGENT_SERVER_IMAGE_TAG"));
	ohs_config_free(c);
	c = load(ENVP("SANDBOX_RUNTIME_CONTAINER_IMAGE=img:1", "AGENT_SERVER_IMAGE_REPOSITORY=r"));
	assert_warnings(c, ENVP("SANDBOX_RUNTIME_CONTAINER_IMAGE is set; ignored AGENT_SERVER_IMAGE_REPOSITORY"));
	ohs_config_free(c);
	/* a full reference wins even over a bad AGENT_SERVER_* (they are ignored) */
	c = load(ENVP("SANDBOX_RUNTIME_CONTAINER_IMAGE=img:1", "AGENT_SERVER_IMAGE_TAG=bad tag"));
	ck_assert_str_eq(ohs_config_image(c), "img:1");
	ohs_config_free(c);

	free(repo);
	free(tag);
}
END_TEST

/* ------------------------------------------------------------ user */

START_TEST(test_user)
{
	ohs_config *c;
	struct passwd *pw;
	char want[64];

	/* uid 0 exists on every host: its primary group */
	pw = getpwuid(0);
	ck_assert_ptr_nonnull(pw);
	snprintf(want, sizeof(want), "0:%u", (unsigned)pw->pw_gid);
	c = load(ENVP("SANDBOX_USER_ID=0"));
	ck_assert_str_eq(ohs_config_user(c), want);
	ohs_config_free(c);

	/* unknown uid: the uid itself */
	ck_assert_ptr_null(getpwuid(1999999999));
	c = load(ENVP("SANDBOX_USER_ID=1999999999"));
	ck_assert_str_eq(ohs_config_user(c), "1999999999:1999999999");
	ohs_config_free(c);

	c = load(ENVP("SANDBOX_USER_ID=1000", "SANDBOX_GROUP_ID=2147483647"));
	ck_assert_str_eq(ohs_config_user(c), "1000:2147483647");
	ohs_config_free(c);

	c = load(ENVP("SANDBOX_USER_ID=2147483647", "SANDBOX_GROUP_ID=0"));
	ck_assert_str_eq(ohs_config_user(c), "2147483647:0");
	ohs_config_free(c);

	/* unset: the calling process */
	snprintf(want, sizeof(want), "%u:%u", (unsigned)getuid(), (unsigned)getgid());
	c = load(ENVP("X=1"));
	ck_assert_str_eq(ohs_config_user(c), want);
	assert_warnings(c, NULL);
	ohs_config_free(c);

	/* a group alone is ignored, with a warning */
	c = load(ENVP("SANDBOX_GROUP_ID=5"));
	ck_assert_str_eq(ohs_config_user(c), want);
	assert_warnings(c, ENVP("SANDBOX_GROUP_ID is set without SANDBOX_USER_ID; ignored "
		"(the sandbox runs as the calling process's uid:gid)"));
	ohs_config_free(c);
}
END_TEST

/* ------------------------------------------------------------ SANDBOX_ENV_* */

START_TEST(test_container_env)
{
	ohs_config *c;

	c = load(ENVP("SANDBOX_ENV_ZED=last", "SANDBOX_ENV_A=1", "SANDBOX_ENV_Ab=x=y",
		"SANDBOX_ENV_EMPTY=", "SANDBOX_ENV_A=shadowed", "SANDBOX_ENVX=no",
		"SANDBOX_ENV_lower_case=ok", "OTHER=1"));
	ck_assert_uint_eq(ohs_config_env_count(c), 4);
	/* sorted by name (byte order) */
	ck_assert_str_eq(ohs_config_env(c, 0), "A=1");
	ck_assert_str_eq(ohs_config_env(c, 1), "Ab=x=y");
	ck_assert_str_eq(ohs_config_env(c, 2), "ZED=last");
	ck_assert_str_eq(ohs_config_env(c, 3), "lower_case=ok");
	ohs_config_free(c);

	/* a name that is a prefix of another sorts first */
	c = load(ENVP("SANDBOX_ENV_AB=2", "SANDBOX_ENV_A=1"));
	ck_assert_str_eq(ohs_config_env(c, 0), "A=1");
	ck_assert_str_eq(ohs_config_env(c, 1), "AB=2");
	ohs_config_free(c);
}
END_TEST

/* ------------------------------------------------------------ volumes */

START_TEST(test_volumes)
{
	ohs_config *c;
	ohs_volumes *v;

	c = load(ENVP("HOME=/home/u", "SANDBOX_VOLUMES=~/code:/workspace:rw,volume:cache:/cache:ro"));
	v = ohs_config_volumes(c);
	ck_assert_uint_eq(ohs_volumes_count(v), 2);
	ck_assert_str_eq(ohs_volumes_source(v, 0), "/home/u/code");
	ck_assert_str_eq(ohs_volumes_target(v, 0), "/workspace");
	ck_assert_int_eq(ohs_volumes_mode(v, 0), OHS_MOUNT_RW);
	ck_assert_int_eq(ohs_volumes_type(v, 1), OHS_MOUNT_VOLUME);
	ck_assert_str_eq(ohs_volumes_source(v, 1), "cache");
	ck_assert_int_eq(ohs_volumes_mode(v, 1), OHS_MOUNT_RO);
	ck_assert_str_eq(ohs_config_workdir(c), "/workspace");
	assert_warnings(c, NULL);
	ohs_config_free(c);
}
END_TEST

START_TEST(test_workspace_deprecated)
{
	ohs_config *c;
	ohs_volumes *v;
	char cwd[4096], want[4200];

	/* WORKSPACE_BASE alone */
	c = load(ENVP("WORKSPACE_BASE=/src/proj"));
	v = ohs_config_volumes(c);
	ck_assert_uint_eq(ohs_volumes_count(v), 1);
	ck_assert_int_eq(ohs_volumes_type(v, 0), OHS_MOUNT_BIND);
	ck_assert_str_eq(ohs_volumes_source(v, 0), "/src/proj");
	ck_assert_str_eq(ohs_volumes_target(v, 0), "/workspace");
	ck_assert_int_eq(ohs_volumes_mode(v, 0), OHS_MOUNT_RW);
	assert_warnings(c, ENVP("WORKSPACE_BASE/WORKSPACE_MOUNT_PATH are deprecated; use "
		"SANDBOX_VOLUMES=/src/proj:/workspace:rw"));
	ohs_config_free(c);

	/* WORKSPACE_MOUNT_PATH wins over WORKSPACE_BASE; custom target */
	c = load(ENVP("WORKSPACE_BASE=/base", "WORKSPACE_MOUNT_PATH=/mnt/c/dev/x",
		"WORKSPACE_MOUNT_PATH_IN_SANDBOX=/opt/ws"));
	v = ohs_config_volumes(c);
	ck_assert_uint_eq(ohs_volumes_count(v), 1);
	ck_assert_str_eq(ohs_volumes_source(v, 0), "/mnt/c/dev/x");
	ck_assert_str_eq(ohs_volumes_target(v, 0), "/opt/ws");
	assert_warnings(c, ENVP("WORKSPACE_BASE/WORKSPACE_MOUNT_PATH are deprecated; use "
		"SANDBOX_VOLUMES=/mnt/c/dev/x:/opt/ws:rw"));
	ohs_config_free(c);

	/* ~ uses HOME from the same envp; a relative path resolves against the cwd */
	c = load(ENVP("HOME=/home/u", "WORKSPACE_MOUNT_PATH=~/ws"));
	ck_assert_str_eq(ohs_volumes_source(ohs_config_volumes(c), 0), "/home/u/ws");
	ohs_config_free(c);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	c = load(ENVP("WORKSPACE_BASE=rel/dir"));
	snprintf(want, sizeof(want), "%s/rel/dir", strcmp(cwd, "/") ? cwd : "");
	ck_assert_str_eq(ohs_volumes_source(ohs_config_volumes(c), 0), want);
	ohs_config_free(c);
	/* a Windows path stays as it is */
	c = load(ENVP("WORKSPACE_BASE=C:\\dev\\OpenHands"));
	ck_assert_str_eq(ohs_volumes_source(ohs_config_volumes(c), 0), "C:\\dev\\OpenHands");
	ohs_config_free(c);

	/* SANDBOX_VOLUMES wins; the warning names the ignored variables */
	c = load(ENVP("SANDBOX_VOLUMES=/new:/workspace", "WORKSPACE_BASE=/old",
		"WORKSPACE_MOUNT_PATH_IN_SANDBOX=/x"));
	v = ohs_config_volumes(c);
	ck_assert_uint_eq(ohs_volumes_count(v), 1);
	ck_assert_str_eq(ohs_volumes_source(v, 0), "/new");
	assert_warnings(c, ENVP("SANDBOX_VOLUMES is set; ignored the deprecated WORKSPACE_BASE, "
		"WORKSPACE_MOUNT_PATH_IN_SANDBOX"));
	ohs_config_free(c);
	c = load(ENVP("SANDBOX_VOLUMES=/new:/workspace", "WORKSPACE_MOUNT_PATH=/old"));
	assert_warnings(c, ENVP("SANDBOX_VOLUMES is set; ignored the deprecated WORKSPACE_MOUNT_PATH"));
	ohs_config_free(c);
	c = load(ENVP("SANDBOX_VOLUMES=/new:/workspace", "WORKSPACE_MOUNT_PATH=/old",
		"WORKSPACE_BASE=/b", "WORKSPACE_MOUNT_PATH_IN_SANDBOX=/x"));
	assert_warnings(c, ENVP("SANDBOX_VOLUMES is set; ignored the deprecated WORKSPACE_BASE, "
		"WORKSPACE_MOUNT_PATH, WORKSPACE_MOUNT_PATH_IN_SANDBOX"));
	ohs_config_free(c);

	/* only the target: nothing mounted, a warning */
	c = load(ENVP("WORKSPACE_MOUNT_PATH_IN_SANDBOX=/opt/ws"));
	ck_assert_uint_eq(ohs_volumes_count(ohs_config_volumes(c)), 0);
	assert_warnings(c, ENVP("WORKSPACE_MOUNT_PATH_IN_SANDBOX is set but neither "
		"WORKSPACE_MOUNT_PATH nor WORKSPACE_BASE is; ignored"));
	ohs_config_free(c);
}
END_TEST

/* ------------------------------------------------------------ network */

START_TEST(test_network)
{
	ohs_config *c;
	ohs_netpolicy *np;

	c = load(ENVP("SANDBOX_RUNTIME_BINDING_ADDRESS=127.0.0.1", "SANDBOX_NETWORK=ohs-test-net",
		"SANDBOX_NETWORK_INTERNAL=TRUE", "SANDBOX_ADDITIONAL_NETWORKS=[\"a\", \"b\"]"));
	np = ohs_config_netpolicy(c);
	ck_assert_str_eq(ohs_netpolicy_binding_address(np), "127.0.0.1");
	ck_assert_str_eq(ohs_netpolicy_mode(np), "ohs-test-net");
	ck_assert_int_eq(ohs_netpolicy_internal(np), 1);
	ck_assert_uint_eq(ohs_netpolicy_network_count(np), 2);
	ck_assert_str_eq(ohs_netpolicy_network(np, 0), "a");
	ck_assert_str_eq(ohs_netpolicy_network(np, 1), "b");
	assert_warnings(c, NULL);
	ohs_config_free(c);

	/* the Python-literal form OpenHands accepts, IPv6 binding address */
	c = load(ENVP("SANDBOX_ADDITIONAL_NETWORKS=['openhands-sccache']",
		"SANDBOX_RUNTIME_BINDING_ADDRESS=::1", "SANDBOX_NETWORK_INTERNAL=0"));
	np = ohs_config_netpolicy(c);
	ck_assert_str_eq(ohs_netpolicy_network(np, 0), "openhands-sccache");
	ck_assert_str_eq(ohs_netpolicy_binding_address(np), "::1");
	ck_assert_int_eq(ohs_netpolicy_internal(np), 0);
	ohs_config_free(c);

	/* host networking */
	c = load(ENVP("SANDBOX_USE_HOST_NETWORK=true"));
	ck_assert_str_eq(ohs_netpolicy_mode(ohs_config_netpolicy(c)), "host");
	assert_warnings(c, NULL);
	ohs_config_free(c);
	c = load(ENVP("SANDBOX_USE_HOST_NETWORK=1", "SANDBOX_NETWORK=host"));
	ck_assert_str_eq(ohs_netpolicy_mode(ohs_config_netpolicy(c)), "host");
	assert_warnings(c, NULL);
	ohs_config_free(c);
	c = load(ENVP("SANDBOX_USE_HOST_NETWORK=True", "SANDBOX_NETWORK=none"));
	ck_assert_str_eq(ohs_netpolicy_mode(ohs_config_netpolicy(c)), "host");
	assert_warnings(c, ENVP("SANDBOX_USE_HOST_NETWORK=true overrides SANDBOX_NETWORK=\"none\"; "
		"the sandbox uses the host network"));
	ohs_config_free(c);
	c = load(ENVP("SANDBOX_USE_HOST_NETWORK=fAlSe", "SANDBOX_NETWORK=none"));
	ck_assert_str_eq(ohs_netpolicy_mode(ohs_config_netpolicy(c)), "none");
	ohs_config_free(c);
	c = load(ENVP("SANDBOX_USE_HOST_NETWORK=0"));
	ck_assert_str_eq(ohs_netpolicy_mode(ohs_config_netpolicy(c)), "bridge");
	ohs_config_free(c);
}
END_TEST

/* ------------------------------------------------------------ errors */

struct err_case {
	const char *env[4];
	const char *needle[3];
};

static const struct err_case errors[] = {
	/* image */
	{ { "SANDBOX_RUNTIME_CONTAINER_IMAGE=Bad/Image" },
	  { "SANDBOX_RUNTIME_CONTAINER_IMAGE: image reference \"Bad/Image\"", "path component \"Image\"" } },
	{ { "SANDBOX_RUNTIME_CONTAINER_IMAGE=img:" },
	  { "SANDBOX_RUNTIME_CONTAINER_IMAGE: ", "tag \"\"" } },
	{ { "AGENT_SERVER_IMAGE_REPOSITORY=UPPER" },
	  { "AGENT_SERVER_IMAGE_REPOSITORY: image reference \"UPPER\"", "must be lowercase" } },
	{ { "AGENT_SERVER_IMAGE_REPOSITORY=repo:tag", "AGENT_SERVER_IMAGE_TAG=t" },
	  { "AGENT_SERVER_IMAGE_REPOSITORY: image repository \"repo:tag\": must not contain a tag" } },
	{ { "AGENT_SERVER_IMAGE_REPOSITORY=repo@sha256:00" },
	  { "AGENT_SERVER_IMAGE_REPOSITORY: ", "must not contain a digest" } },
	{ { "AGENT_SERVER_IMAGE_TAG=-bad" },
	  { "AGENT_SERVER_IMAGE_TAG: image tag \"-bad\": must be 1 to 128" } },
	{ { "AGENT_SERVER_IMAGE_REPOSITORY=ok/repo", "AGENT_SERVER_IMAGE_TAG=a/b" },
	  { "AGENT_SERVER_IMAGE_TAG: image tag \"a/b\"" } },
	/* user */
	{ { "SANDBOX_USER_ID=abc" },
	  { "SANDBOX_USER_ID: \"abc\" is not a decimal id in the range 0..2147483647" } },
	{ { "SANDBOX_USER_ID=-1" }, { "SANDBOX_USER_ID: \"-1\"", "0..2147483647" } },
	{ { "SANDBOX_USER_ID=2147483648" }, { "SANDBOX_USER_ID: \"2147483648\"", "0..2147483647" } },
	{ { "SANDBOX_USER_ID=99999999999999999999" }, { "SANDBOX_USER_ID: \"99999999999999999999\"" } },
	{ { "SANDBOX_USER_ID= 1000" }, { "SANDBOX_USER_ID: \" 1000\"" } },
	{ { "SANDBOX_USER_ID=+5" }, { "SANDBOX_USER_ID: \"+5\"" } },
	{ { "SANDBOX_USER_ID=1000", "SANDBOX_GROUP_ID=x" },
	  { "SANDBOX_GROUP_ID: \"x\" is not a decimal id in the range 0..2147483647" } },
	{ { "SANDBOX_GROUP_ID=2147483648" }, { "SANDBOX_GROUP_ID: \"2147483648\"" } },
	/* SANDBOX_ENV_ */
	{ { "SANDBOX_ENV_=x" },
	  { "SANDBOX_ENV_: the variable name after SANDBOX_ENV_ is empty" } },
	{ { "SANDBOX_ENV_A-B=x" },
	  { "SANDBOX_ENV_A-B: environment variable name \"A-B\" must match [A-Za-z_][A-Za-z0-9_]*" } },
	{ { "SANDBOX_ENV_1X=x" }, { "SANDBOX_ENV_1X: ", "name \"1X\"" } },
	{ { "SANDBOX_ENV_V=\xff" }, { "SANDBOX_ENV_V: environment variable V: the value is not valid UTF-8 "
	  "(not shown: it may be a secret); expected a UTF-8 string" } },
	/* volumes */
	{ { "SANDBOX_VOLUMES=/data:data:ro" },
	  { "SANDBOX_VOLUMES entry 1 (\"/data:data:ro\")", "must be absolute" } },
	{ { "SANDBOX_VOLUMES=/a:/b:rx" }, { "SANDBOX_VOLUMES entry 1", "\"rx\"" } },
	{ { "WORKSPACE_BASE=/src", "WORKSPACE_MOUNT_PATH_IN_SANDBOX=rel" },
	  { "WORKSPACE_MOUNT_PATH_IN_SANDBOX: ", "container path \"rel\" must be absolute" } },
	{ { "WORKSPACE_BASE=/src", "WORKSPACE_MOUNT_PATH_IN_SANDBOX=/" },
	  { "WORKSPACE_MOUNT_PATH_IN_SANDBOX: " } },
	{ { "WORKSPACE_BASE=/src", "WORKSPACE_MOUNT_PATH_IN_SANDBOX=/a/../b" },
	  { "WORKSPACE_MOUNT_PATH_IN_SANDBOX: ", "\"..\"" } },
	/* WORKSPACE_* host paths resolve as SANDBOX_VOLUMES ones (one resolver, volume.c) */
	{ { "WORKSPACE_MOUNT_PATH=~/x", "HOME=" },
	  { "WORKSPACE_MOUNT_PATH: host path \"~/x\": HOME (\"\") must be an absolute path to expand \"~\"" } },
	{ { "WORKSPACE_BASE=~" }, { "WORKSPACE_BASE: host path \"~\"", "HOME" } },
	{ { "WORKSPACE_BASE=~", "HOME=relative" },
	  { "WORKSPACE_BASE: host path \"~\": HOME (\"relative\") must be an absolute path" } },
	{ { "WORKSPACE_BASE=~alice/src", "HOME=/home/u" },
	  { "WORKSPACE_BASE: host path \"~alice/src\": \"~alice\" (another user's home) is not supported" } },
	{ { "SANDBOX_VOLUMES=~/x:/workspace" }, { "SANDBOX_VOLUMES entry 1 (\"~/x:/workspace\")", "HOME" } },
	{ { "SANDBOX_VOLUMES=~/x:/workspace", "HOME=" }, { "SANDBOX_VOLUMES entry 1", "HOME" } },
	/* network */
	{ { "SANDBOX_RUNTIME_BINDING_ADDRESS=localhost" },
	  { "SANDBOX_RUNTIME_BINDING_ADDRESS: ", "\"localhost\"", "IPv4 or IPv6" } },
	{ { "SANDBOX_RUNTIME_BINDING_ADDRESS=1.2.3.400" },
	  { "SANDBOX_RUNTIME_BINDING_ADDRESS: ", "\"1.2.3.400\"" } },
	{ { "SANDBOX_NETWORK=bad name" }, { "SANDBOX_NETWORK: ", "\"bad name\"" } },
	{ { "SANDBOX_NETWORK=container:abc" }, { "SANDBOX_NETWORK: ", "not supported" } },
	{ { "SANDBOX_USE_HOST_NETWORK=yes" },
	  { "SANDBOX_USE_HOST_NETWORK: \"yes\" is not a boolean; expected true, false, 1 or 0 (any case)" } },
	{ { "SANDBOX_USE_HOST_NETWORK=on" }, { "SANDBOX_USE_HOST_NETWORK: \"on\"" } },
	{ { "SANDBOX_USE_HOST_NETWORK= true" }, { "SANDBOX_USE_HOST_NETWORK: \" true\"" } },
	{ { "SANDBOX_NETWORK_INTERNAL=2" },
	  { "SANDBOX_NETWORK_INTERNAL: \"2\" is not a boolean", "true, false, 1 or 0" } },
	{ { "SANDBOX_NETWORK_INTERNAL=no" }, { "SANDBOX_NETWORK_INTERNAL: \"no\"" } },
	{ { "SANDBOX_ADDITIONAL_NETWORKS=net1,net2" },
	  { "SANDBOX_ADDITIONAL_NETWORKS (\"net1,net2\")", "expected a JSON array" } },
	{ { "SANDBOX_ADDITIONAL_NETWORKS=[\"bad name\"]" },
	  { "SANDBOX_ADDITIONAL_NETWORKS", "\"bad name\"" } },
	/* the first bad variable stops the load, whatever else is fine */
	{ { "SANDBOX_RUNTIME_CONTAINER_IMAGE=ohs-test:latest", "SANDBOX_ENV_OK=1", "SANDBOX_NETWORK_INTERNAL=maybe" },
	  { "SANDBOX_NETWORK_INTERNAL: \"maybe\"" } },
};

/*
 * W5: a SANDBOX_ENV_* value is a secret: no error message shows it, whether
 * the value itself is bad (not UTF-8) or the name is (empty, invalid).
 */
static const char *const secret_env_cases[][2] = {
	{ "SANDBOX_ENV_API_TOKEN=sk-live-SECRETVALUE\xff", "SANDBOX_ENV_API_TOKEN: environment variable API_TOKEN: "
	  "the value is not valid UTF-8 (not shown: it may be a secret)" },
	{ "SANDBOX_ENV_=sk-live-SECRETVALUE", "SANDBOX_ENV_: the variable name after SANDBOX_ENV_ is empty" },
	{ "SANDBOX_ENV_BAD-NAME=sk-live-SECRETVALUE", "SANDBOX_ENV_BAD-NAME: environment variable name \"BAD-NAME\"" },
};

START_TEST(test_secret_env_not_in_errors)
{
	const char *env[] = { secret_env_cases[_i][0], NULL };
	ohs_config *c = (ohs_config *)0x1;

	ck_assert_ohs_error(ohs_env_load(&c, env), OHS_EINVAL, secret_env_cases[_i][1]);
	ck_assert_ptr_null(strstr(ohs_error_last(), "SECRETVALUE"));
	ck_assert_ptr_null(strstr(ohs_error_last(), "sk-live"));
	ck_assert_ptr_null(c);
	/* the C API says the same, naming the variable only */
	ck_assert_ohs_ok(ohs_config_new(&c));
	ck_assert_ohs_error(ohs_config_set_env(c, "API_TOKEN", "sk-live-SECRETVALUE\xff"), OHS_EINVAL,
		"environment variable API_TOKEN: the value is not valid UTF-8");
	ck_assert_ptr_null(strstr(ohs_error_last(), "SECRETVALUE"));
	ohs_config_free(c);
}
END_TEST

START_TEST(test_errors)
{
	const struct err_case *e = &errors[_i];
	ohs_config *c = (ohs_config *)0x1;
	size_t k;

	ck_assert_ohs_error(ohs_env_load(&c, e->env), OHS_EINVAL, e->needle[0]);
	ck_assert_ptr_null(c);
	for (k = 1; k < OHS_ARRAY_SIZE(e->needle) && e->needle[k]; k++)
		ck_assert_ohs_error(ohs_env_load(&c, e->env), OHS_EINVAL, e->needle[k]);
	/* the prefix is there exactly once */
	{
		const char *msg = ohs_error_last();
		const char *colon = strstr(msg, ": ");

		if (colon) {
			size_t n = (size_t)(colon - msg) + 2;
			char *again = strndup(msg, n);

			ck_assert_msg(strncmp(msg + n, again, n) != 0, "doubled prefix: %s", msg);
			free(again);
		}
	}
}
END_TEST

/* ------------------------------------------------------------ process environment */

START_TEST(test_process_environment)
{
	ohs_config *c;

	ck_assert_int_eq(clearenv(), 0);
	setenv("SANDBOX_RUNTIME_CONTAINER_IMAGE", "ohs-test:latest", 1);
	setenv("SANDBOX_USER_ID", "1234", 1);
	setenv("SANDBOX_GROUP_ID", "99", 1);
	setenv("SANDBOX_ENV_B", "2", 1);
	setenv("SANDBOX_ENV_A", "1", 1);
	setenv("HOME", "/home/proc", 1);
	setenv("SANDBOX_VOLUMES", "~/w:/workspace", 1);
	c = load(NULL);
	ck_assert_str_eq(ohs_config_image(c), "ohs-test:latest");
	ck_assert_str_eq(ohs_config_user(c), "1234:99");
	ck_assert_uint_eq(ohs_config_env_count(c), 2);
	ck_assert_str_eq(ohs_config_env(c, 0), "A=1");
	ck_assert_str_eq(ohs_config_env(c, 1), "B=2");
	ck_assert_str_eq(ohs_volumes_source(ohs_config_volumes(c), 0), "/home/proc/w");
	ohs_config_free(c);

	setenv("SANDBOX_ENV_", "x", 1);
	ck_assert_ohs_error(ohs_env_load(&c, NULL), OHS_EINVAL, "SANDBOX_ENV_");
	ck_assert_ptr_null(c);
	ck_assert_int_eq(clearenv(), 0);
}
END_TEST

/* ------------------------------------------------------------ end to end */

START_TEST(test_create_body_from_env)
{
	ohs_config *c;
	char *s;

	c = load(ENVP("SANDBOX_RUNTIME_CONTAINER_IMAGE=ohs-test:latest", "SANDBOX_USER_ID=1000",
		"SANDBOX_GROUP_ID=1000", "SANDBOX_VOLUMES=/home/u/code:/workspace:rw,/data:/data:ro",
		"SANDBOX_ENV_LANG=C.UTF-8", "SANDBOX_RUNTIME_BINDING_ADDRESS=127.0.0.1",
		"SANDBOX_NETWORK=ohs-test-net", "SANDBOX_ADDITIONAL_NETWORKS=[\"side\"]"));
	ck_assert_ohs_ok(ohs_config_create_body(&s, c));
	ck_assert_str_eq(s,
		"{\"Image\":\"ohs-test:latest\",\"User\":\"1000:1000\",\"WorkingDir\":\"/workspace\","
		"\"Env\":[\"LANG=C.UTF-8\"],\"Labels\":{},"
		"\"HostConfig\":{\"Mounts\":["
		"{\"Type\":\"bind\",\"Source\":\"/home/u/code\",\"Target\":\"/workspace\",\"ReadOnly\":false},"
		"{\"Type\":\"bind\",\"Source\":\"/data\",\"Target\":\"/data\",\"ReadOnly\":true}],"
		"\"PortBindings\":{},\"NetworkMode\":\"ohs-test-net\",\"Init\":true},"
		"\"NetworkingConfig\":{\"EndpointsConfig\":{\"ohs-test-net\":{}}}}");
	ohs_free(s);
	ohs_config_free(c);
}
END_TEST

/* ------------------------------------------------------------ security policy */

START_TEST(test_security_policy)
{
	ohs_config *c;
	ohs_findings *f = NULL;
	char *body = NULL;
	size_t i, refused = 0;

	/* Default: profile "default", mode "enforce". */
	c = load(ENVP("HOME=/home/u"));
	ck_assert_str_eq(ohs_policy_profile(ohs_config_policy(c)), "default");
	ck_assert_str_eq(ohs_policy_mode(ohs_config_policy(c)), "enforce");
	ck_assert_str_eq(ohs_policy_home(ohs_config_policy(c)), "/home/u");
	ck_assert_ohs_ok(ohs_config_apply_policy(&body, &f, c));
	ck_assert_ptr_nonnull(body);
	ohs_free(body);
	ohs_findings_free(f);
	ohs_config_free(c);

	/* The default profile refuses a docker.sock mount, before any engine. */
	c = load(ENVP("HOME=/home/u", "SANDBOX_VOLUMES=/var/run/docker.sock:/var/run/docker.sock"));
	ck_assert_ohs_error(ohs_config_apply_policy(&body, &f, c), OHS_EPOLICY, "5.31");
	ck_assert_ptr_null(body);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_ge(ohs_findings_refused_count(f), 1);
	ohs_findings_free(f);
	ohs_config_free(c);

	/* ... and its writable $HOME mount. */
	c = load(ENVP("HOME=/home/u", "SANDBOX_VOLUMES=/home/u:/workspace:rw"));
	ck_assert_ohs_error(ohs_config_apply_policy(NULL, NULL, c), OHS_EPOLICY, "HostConfig.Mounts");
	ohs_config_free(c);

	/* Warn mode reports the same finding and lets it through. */
	c = load(ENVP("HOME=/home/u", "SANDBOX_SECURITY_MODE=warn",
		"SANDBOX_VOLUMES=/var/run/docker.sock:/var/run/docker.sock"));
	ck_assert_ohs_ok(ohs_config_apply_policy(&body, &f, c));
	ck_assert_ptr_nonnull(body);
	for (i = 0; i < ohs_findings_count(f); i++)
		if (!strcmp(ohs_findings_id(f, i), "5.31"))
			refused++;
	ck_assert_uint_eq(refused, 1);
	ohs_free(body);
	ohs_findings_free(f);
	ohs_config_free(c);

	/* Hardened rewrites the body. */
	c = load(ENVP("HOME=/home/u", "SANDBOX_SECURITY_PROFILE=hardened", "SANDBOX_USER_ID=1000",
		"SANDBOX_RUNTIME_BINDING_ADDRESS=0.0.0.0"));
	ck_assert_str_eq(ohs_policy_profile(ohs_config_policy(c)), "hardened");
	ck_assert_ohs_ok(ohs_netpolicy_add_port(ohs_config_netpolicy(c), 8000, NULL, NULL, 0));
	ck_assert_ohs_ok(ohs_config_apply_policy(&body, NULL, c));
	ck_assert_ptr_nonnull(strstr(body, "\"CapDrop\":[\"ALL\"]"));
	ck_assert_ptr_nonnull(strstr(body, "no-new-privileges"));
	ck_assert_ptr_nonnull(strstr(body, "\"HostIp\":\"127.0.0.1\""));
	ck_assert_ptr_null(strstr(body, "0.0.0.0"));
	ohs_free(body);
	ohs_config_free(c);
}
END_TEST

START_TEST(test_security_errors)
{
	ohs_config *c = (ohs_config *)1;

	ck_assert_ohs_error(ohs_env_load(&c, ENVP("SANDBOX_SECURITY_PROFILE=paranoid")), OHS_EINVAL,
		"SANDBOX_SECURITY_PROFILE");
	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(strstr(ohs_error_last(), "\"paranoid\""));
	ck_assert_ptr_nonnull(strstr(ohs_error_last(), "hardened"));
	ck_assert_ohs_error(ohs_env_load(&c, ENVP("SANDBOX_SECURITY_MODE=allow")), OHS_EINVAL,
		"SANDBOX_SECURITY_MODE");
	ck_assert_ptr_nonnull(strstr(ohs_error_last(), "\"allow\""));
	ck_assert_ohs_error(ohs_env_load(&c, ENVP("SANDBOX_SECURITY_PROFILE=Hardened")), OHS_EINVAL,
		"SANDBOX_SECURITY_PROFILE");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("env");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_env_get);
	tcase_add_test(tc, test_defaults_and_empty);
	tcase_add_test(tc, test_image);
	tcase_add_test(tc, test_user);
	tcase_add_test(tc, test_container_env);
	tcase_add_test(tc, test_volumes);
	tcase_add_test(tc, test_workspace_deprecated);
	tcase_add_test(tc, test_network);
	tcase_add_loop_test(tc, test_errors, 0, (int)OHS_ARRAY_SIZE(errors));
	tcase_add_loop_test(tc, test_secret_env_not_in_errors, 0, (int)OHS_ARRAY_SIZE(secret_env_cases));
	tcase_add_test(tc, test_create_body_from_env);
	tcase_add_test(tc, test_security_policy);
	tcase_add_test(tc, test_security_errors);
	/* last: it clears the process environment */
	tcase_add_test(tc, test_process_environment);
	suite_add_tcase(s, tc);
	return ohs_test_run(s);
}
