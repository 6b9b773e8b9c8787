/*
 * floor: the operator's policy file.  The parser (every malformed case:
 * code + message naming the file and the key), the environment asking for
 * a weaker or stricter profile/mode, host_paths (symlink and ".." escapes,
 * volumes), networks, runtime, merging, and where each setting came from.
 * Review item B0: each escape is refused under "default" and "hardened".
 */
#include "floor_int.h"
#include "testutil.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#define ENVP(...) ((const char *const[]){ __VA_ARGS__, NULL })

static char tmp[256];

static void setup(void)
{
	char path[300];

	snprintf(tmp, sizeof(tmp), "/tmp/ohs-floor-%d-XXXXXX", (int)getpid());
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(path, sizeof(path), "%s/code", tmp);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/code/proj", tmp);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/other", tmp);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	/* a symlink inside host_paths that leaves it */
	snprintf(path, sizeof(path), "%s/code/escape", tmp);
	{
		char target[300];

		snprintf(target, sizeof(target), "%s/other", tmp);
		ck_assert_int_eq(symlink(target, path), 0);
	}
	/* a symlink outside host_paths that points into it */
	snprintf(path, sizeof(path), "%s/into", tmp);
	{
		char target[300];

		snprintf(target, sizeof(target), "%s/code/proj", tmp);
		ck_assert_int_eq(symlink(target, path), 0);
	}
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	ck_assert_int_eq(system(cmd), 0);
}

/* Write text to tmp/name; returns the path (static buffer). */
static const char *write_file(const char *name, const char *text, size_t len)
{
	static char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	fclose(f);
	return path;
}

static const char *write_str(const char *name, const char *text)
{
	return write_file(name, text, strlen(text));
}

static ohs_floor *floor_of(const char *json)
{
	ohs_floor *f = NULL;
	const char *p = write_file("floor.json", json, strlen(json));

	ck_assert_ohs_ok(ohs_floor_load(&f, p));
	ck_assert_ptr_nonnull(f);
	return f;
}

/* A config from envp with the floor given as JSON (host paths: %s = tmp). */
static int load_with(ohs_config **out, const char *const *envp, const char *floor_json)
{
	ohs_floor *f = floor_json ? floor_of(floor_json) : NULL;
	int rc = ohs_env_load_floor(out, envp, f);

	ohs_floor_free(f);
	return rc;
}

static char *fmt(const char *f, ...) OHS_PRINTF(1, 2);
static char *fmt(const char *f, ...)
{
	static char buf[8][1024];
	static int n;
	va_list ap;
	char *b = buf[n++ % 8];

	va_start(ap, f);
	vsnprintf(b, 1024, f, ap);
	va_end(ap);
	return b;
}

/* ------------------------------------------------------------ parser */

START_TEST(test_parse_full)
{
	ohs_floor *f = floor_of("{\"profile\": \"hardened\", \"mode\": \"enforce\", "
		"\"host_paths\": [\"/srv/code/\", \"/srv//data/./x/..\"], \"networks\": [\"sandbox-net\"], "
		"\"runtime\": \"runsc\"}");
	char *origin = fmt("policy file %s/floor.json", tmp);

	ck_assert_str_eq(ohs_floor_profile(f), "hardened");
	ck_assert_str_eq(ohs_floor_mode(f), "enforce");
	ck_assert_str_eq(ohs_floor_runtime(f), "runsc");
	ck_assert_int_eq(ohs_floor_has_host_paths(f), 1);
	ck_assert_uint_eq(ohs_floor_host_path_count(f), 2);
	ck_assert_str_eq(ohs_floor_host_path(f, 0), "/srv/code");
	ck_assert_str_eq(ohs_floor_host_path(f, 1), "/srv/data");
	ck_assert_ptr_null(ohs_floor_host_path(f, 2));
	ck_assert_int_eq(ohs_floor_has_networks(f), 1);
	ck_assert_uint_eq(ohs_floor_network_count(f), 1);
	ck_assert_str_eq(ohs_floor_network(f, 0), "sandbox-net");
	ck_assert_str_eq(ohs_floor_origin(f, "profile"), origin);
	ck_assert_str_eq(ohs_floor_origin(f, "runtime"), origin);
	ck_assert_ptr_null(ohs_floor_origin(f, "colour"));
	ohs_floor_free(f);

	/* every key optional */
	f = floor_of("{}");
	ck_assert_ptr_null(ohs_floor_profile(f));
	ck_assert_ptr_null(ohs_floor_mode(f));
	ck_assert_ptr_null(ohs_floor_runtime(f));
	ck_assert_int_eq(ohs_floor_has_host_paths(f), 0);
	ck_assert_int_eq(ohs_floor_has_networks(f), 0);
	ck_assert_ptr_null(ohs_floor_origin(f, "profile"));
	ohs_floor_free(f);

	/* an empty list restricts to nothing */
	f = floor_of("{\"host_paths\": [], \"networks\": []}");
	ck_assert_int_eq(ohs_floor_has_host_paths(f), 1);
	ck_assert_uint_eq(ohs_floor_host_path_count(f), 0);
	ck_assert_int_eq(ohs_floor_has_networks(f), 1);
	ohs_floor_free(f);

	{
		const char *sp = ohs_floor_system_path();
		size_t n = strlen(sp);

		ck_assert_msg(sp[0] == '/' && n > 22 && !strcmp(sp + n - 22, "/ohsandbox/policy.json"),
			"system path %s", sp);
	}
}
END_TEST

static const struct {
	const char *json;
	const char *key;  /* what the message must name besides the file */
} bad[] = {
	{ "{\"profile\": \"hardened\",}", "not valid JSON" },
	{ "", "not valid JSON" },
	{ "{\"profile\": \"hardened\"} {}", "not valid JSON" },
	{ "[\"hardened\"]", "the top level is an array" },
	{ "\"hardened\"", "not valid JSON" },
	{ "{\"profil\": \"hardened\"}", "key \"profil\" is unknown" },
	{ "{\"Profile\": \"hardened\"}", "key \"Profile\" is unknown" },
	{ "{\"profile\": 2}", "key \"profile\" is an integer; expected a string" },
	{ "{\"profile\": null}", "key \"profile\" is null" },
	{ "{\"profile\": \"strict\"}", "key \"profile\": \"strict\" is unknown" },
	{ "{\"profile\": \"\"}", "key \"profile\": \"\" is unknown" },
	{ "{\"mode\": \"audit\"}", "key \"mode\": \"audit\" is unknown" },
	{ "{\"mode\": true}", "key \"mode\" is a boolean" },
	{ "{\"host_paths\": \"/srv/code\"}", "key \"host_paths\" is a string; expected an array" },
	{ "{\"host_paths\": [\"srv/code\"]}", "key \"host_paths\" entry 1 (\"srv/code\") is not an absolute path" },
	{ "{\"host_paths\": [\"/srv\", 7]}", "key \"host_paths\" entry 2 is an integer" },
	{ "{\"host_paths\": [\"\"]}", "key \"host_paths\" entry 1 (\"\") is not an absolute path" },
	{ "{\"networks\": {\"a\": 1}}", "key \"networks\" is an object" },
	{ "{\"networks\": [\"bad name\"]}", "key \"networks\" entry 1 (\"bad name\") is not a network name" },
	{ "{\"networks\": [\"-x\"]}", "key \"networks\" entry 1 (\"-x\")" },
	{ "{\"runtime\": \"\"}", "key \"runtime\": \"\" is not a runtime name" },
	{ "{\"runtime\": \"run sc\"}", "key \"runtime\": \"run sc\" is not a runtime name" },
	{ "{\"runtime\": [\"runsc\"]}", "key \"runtime\" is an array" },
	{ "{\"profile\": \"hardened\", \"profile\": \"permissive\"}", "key \"profile\" appears more than once" },
	{ "{\"networks\": [], \"host_paths\": [], \"networks\": [\"x\"]}", "key \"networks\" appears more than once" },
};

START_TEST(test_parse_malformed)
{
	ohs_floor *f = (ohs_floor *)1;
	const char *p = write_file("bad.json", bad[_i].json, strlen(bad[_i].json));
	char *file = fmt("policy file %s/bad.json", tmp);
	int rc = ohs_floor_load(&f, p);

	ck_assert_msg(rc == OHS_EINVAL, "%s: rc %d (%s)", bad[_i].json, rc, ohs_error_last());
	ck_assert_ptr_null(f);
	ck_assert_msg(strstr(ohs_error_last(), file) != NULL, "%s: message does not name the file: %s",
		bad[_i].json, ohs_error_last());
	ck_assert_msg(strstr(ohs_error_last(), bad[_i].key) != NULL, "%s: message does not say '%s': %s",
		bad[_i].json, bad[_i].key, ohs_error_last());
	/* the same through the JSON entry point names its origin */
	ck_assert_ohs_error(ohs_floor_parse(&f, bad[_i].json, "my floor"), OHS_EINVAL, "my floor: ");
	ck_assert_ptr_null(f);
}
END_TEST

START_TEST(test_parse_nul_and_size)
{
	ohs_floor *f = NULL;
	const char *p = write_file("nul.json", "{\"runtime\": \"run\\u0000sc\"}", 26);

	ck_assert_ohs_error(ohs_floor_load(&f, p), OHS_EINVAL, "not valid JSON");
	p = write_file("nul2.json", "{\"runtime\": \"runsc\"}\0{}", 23);
	ck_assert_ohs_error(ohs_floor_load(&f, p), OHS_EINVAL, "nul2.json: not valid JSON");
	ck_assert_ptr_null(f);
}
END_TEST

START_TEST(test_missing_and_unreadable)
{
	ohs_floor *f = (ohs_floor *)1;
	char *missing = fmt("%s/nope/policy.json", tmp);
	const char *file;

	/* explicit file: must exist */
	ck_assert_ohs_error(ohs_floor_load(&f, missing), OHS_ENOTFOUND, missing);
	ck_assert_ptr_null(f);
	/* system file: missing = no floor */
	f = (ohs_floor *)1;
	ck_assert_ohs_ok(ohs__floor_load_optional(&f, missing, 1));
	ck_assert_ptr_null(f);
	/* an existing path that cannot be read as a file fails closed */
	ck_assert_ohs_error(ohs__floor_load_optional(&f, tmp, 1), OHS_EIO, "not a regular file");
	file = write_file("plain", "{}", 2);
	ck_assert_ohs_error(ohs__floor_load_optional(&f, fmt("%s/policy.json", file), 1), OHS_EIO,
		"cannot be read");
	if (geteuid() != 0) {
		file = write_file("secret.json", "{}", 2);
		ck_assert_int_eq(chmod(file, 0), 0);
		ck_assert_ohs_error(ohs__floor_load_optional(&f, file, 1), OHS_EIO, "cannot be read");
	}
	/* a system file anyone can write is not trusted */
	file = write_file("open.json", "{\"profile\": \"hardened\"}", 23);
	ck_assert_int_eq(chmod(file, 0666), 0);
	ck_assert_ohs_error(ohs__floor_load_optional(&f, file, 1), OHS_EPERM, "writable by every user");
	/* a malformed system file is an error for ohs_env_load as well (fail closed) */
	ck_assert_ohs_error(ohs_floor_load(&f, NULL), OHS_EINVAL, "path");
}
END_TEST

/* ------------------------------------------------------------ the system floor through ohs_env_load */

START_TEST(test_system_floor)
{
	char *sys = fmt("%s/system.json", tmp);
	char *origin = fmt("policy file %s", sys);
	ohs_config *c = NULL;
	ohs_floor *weak = NULL;
	const char *p;

	ohs__floor_test_system_path = sys;
	/* missing: no floor */
	ck_assert_ohs_ok(ohs_env_load(&c, ENVP("SANDBOX_SECURITY_PROFILE=permissive")));
	ck_assert_ptr_null(ohs_config_floor(c));
	ohs_config_free(c);
	/* present: the environment cannot lower it */
	p = write_str("system.json", "{\"profile\": \"hardened\", \"mode\": \"enforce\"}");
	ck_assert_str_eq(p, sys);
	ck_assert_ohs_error(ohs_env_load(&c, ENVP("SANDBOX_SECURITY_PROFILE=permissive")), OHS_EPOLICY,
		fmt("SANDBOX_SECURITY_PROFILE: \"permissive\" is weaker than the floor \"hardened\" of %s", origin));
	ck_assert_ohs_error(ohs_env_load(&c, ENVP("SANDBOX_SECURITY_MODE=warn")), OHS_EPOLICY, origin);
	/* a caller's floor adds, never replaces: a permissive one leaves the system's in force */
	ck_assert_ohs_ok(ohs_floor_parse(&weak, "{\"profile\": \"permissive\", \"mode\": \"warn\"}", "weak"));
	ck_assert_ohs_error(ohs_env_load_floor(&c, ENVP("SANDBOX_SECURITY_PROFILE=permissive"), weak), OHS_EPOLICY,
		origin);
	ck_assert_ohs_ok(ohs_env_load_floor(&c, ENVP("X=1"), weak));
	ck_assert_str_eq(ohs_policy_profile(ohs_config_policy(c)), "hardened");
	ck_assert_str_eq(ohs_policy_mode(ohs_config_policy(c)), "enforce");
	ck_assert_str_eq(ohs_config_origin(c, "profile"), origin);
	ohs_config_free(c);
	ohs_floor_free(weak);
	/* malformed or untrusted: ohs_env_load fails closed, naming the file and the key */
	write_str("system.json", "{\"profile\": \"hardened\", \"mode\": \"relaxed\"}");
	ck_assert_ohs_error(ohs_env_load(&c, ENVP("X=1")), OHS_EINVAL, fmt("%s: key \"mode\"", origin));
	ck_assert_ptr_null(c);
	write_str("system.json", "{\"profile\": \"hardened\"}");
	ck_assert_int_eq(chmod(sys, 0666), 0);
	ck_assert_ohs_error(ohs_env_load(&c, ENVP("X=1")), OHS_EPERM, origin);
	ck_assert_int_eq(unlink(sys), 0);
	ck_assert_int_eq(mkdir(sys, 0755), 0);
	ck_assert_ohs_error(ohs_env_load(&c, ENVP("X=1")), OHS_EIO, origin);
	ohs__floor_test_system_path = NULL;
}
END_TEST

/* ------------------------------------------------------------ profile and mode */

START_TEST(test_env_weaker_refused)
{
	static const char *const fl = "{\"profile\": \"hardened\", \"mode\": \"enforce\"}";
	char *origin = fmt("policy file %s/floor.json", tmp);
	ohs_config *c = (ohs_config *)1;

	ck_assert_ohs_error(load_with(&c, ENVP("SANDBOX_SECURITY_PROFILE=permissive"), fl), OHS_EPOLICY,
		"SANDBOX_SECURITY_PROFILE: \"permissive\" is weaker than the floor \"hardened\"");
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(ohs_error_last(), origin), "message does not name the floor: %s", ohs_error_last());
	ck_assert_ohs_error(load_with(&c, ENVP("SANDBOX_SECURITY_PROFILE=default"), fl), OHS_EPOLICY,
		"SANDBOX_SECURITY_PROFILE: \"default\" is weaker");
	ck_assert_ohs_error(load_with(&c, ENVP("SANDBOX_SECURITY_MODE=warn"), fl), OHS_EPOLICY,
		"SANDBOX_SECURITY_MODE: \"warn\" is weaker than the floor \"enforce\"");
	ck_assert_msg(strstr(ohs_error_last(), origin), "message does not name the floor: %s", ohs_error_last());
	/* a mode-only floor */
	ck_assert_ohs_error(load_with(&c, ENVP("SANDBOX_SECURITY_PROFILE=hardened", "SANDBOX_SECURITY_MODE=warn"),
		"{\"mode\": \"enforce\"}"), OHS_EPOLICY, "SANDBOX_SECURITY_MODE");
	/* an unknown name is still an error of its own */
	ck_assert_ohs_error(load_with(&c, ENVP("SANDBOX_SECURITY_PROFILE=off"), fl), OHS_EINVAL,
		"SANDBOX_SECURITY_PROFILE");
}
END_TEST

START_TEST(test_env_stricter_allowed)
{
	ohs_config *c = NULL;
	char *origin = fmt("policy file %s/floor.json", tmp);

	/* unset: the floor's own */
	ck_assert_ohs_ok(load_with(&c, ENVP("HOME=/nonexistent"), "{\"profile\": \"hardened\", \"mode\": \"enforce\"}"));
	ck_assert_str_eq(ohs_policy_profile(ohs_config_policy(c)), "hardened");
	ck_assert_str_eq(ohs_policy_mode(ohs_config_policy(c)), "enforce");
	ck_assert_str_eq(ohs_config_origin(c, "profile"), origin);
	ck_assert_str_eq(ohs_config_origin(c, "mode"), origin);
	ohs_config_free(c);
	/* stricter than the floor: the variable's */
	ck_assert_ohs_ok(load_with(&c, ENVP("SANDBOX_SECURITY_PROFILE=hardened"), "{\"profile\": \"default\", \"mode\": \"warn\"}"));
	ck_assert_str_eq(ohs_policy_profile(ohs_config_policy(c)), "hardened");
	ck_assert_str_eq(ohs_config_origin(c, "profile"), "SANDBOX_SECURITY_PROFILE");
	ck_assert_str_eq(ohs_policy_mode(ohs_config_policy(c)), "warn");
	ck_assert_str_eq(ohs_config_origin(c, "mode"), origin);
	ohs_config_free(c);
	ck_assert_ohs_ok(load_with(&c, ENVP("SANDBOX_SECURITY_MODE=enforce"), "{\"mode\": \"warn\"}"));
	ck_assert_str_eq(ohs_config_origin(c, "mode"), "SANDBOX_SECURITY_MODE");
	ck_assert_str_eq(ohs_config_origin(c, "profile"), "default");
	ohs_config_free(c);
	/* no floor at all: the variables as before */
	ck_assert_ohs_ok(load_with(&c, ENVP("SANDBOX_SECURITY_PROFILE=permissive", "SANDBOX_SECURITY_MODE=warn"), NULL));
	ck_assert_str_eq(ohs_policy_profile(ohs_config_policy(c)), "permissive");
	ck_assert_str_eq(ohs_config_origin(c, "profile"), "SANDBOX_SECURITY_PROFILE");
	ck_assert_str_eq(ohs_config_origin(c, "host_paths"), "default");
	ohs_config_free(c);
}
END_TEST

/* A trusted caller that swaps in a weaker policy later is refused at apply time. */
START_TEST(test_api_policy_weaker_refused)
{
	ohs_config *c = NULL;
	ohs_policy *p = NULL;
	ohs_findings *fs = NULL;
	char *body = NULL;

	ck_assert_ohs_ok(load_with(&c, ENVP("SANDBOX_USER_ID=1000"), "{\"profile\": \"hardened\", \"mode\": \"enforce\"}"));
	ck_assert_ohs_ok(ohs_policy_new(&p, "permissive", "warn"));
	ck_assert_ohs_ok(ohs_config_set_policy(c, p));
	ck_assert_str_eq(ohs_config_origin(c, "profile"), "ohs_config_set_policy");
	ck_assert_ohs_error(ohs_config_apply_policy(&body, &fs, c), OHS_EPOLICY,
		"floor-profile: security profile \"permissive\" is weaker than the floor \"hardened\"");
	ck_assert_ptr_null(body);
	ck_assert_ptr_nonnull(fs); /* the findings are still reported */
	ohs_findings_free(fs);
	ohs_policy_free(p);
	ck_assert_ohs_ok(ohs_policy_new(&p, "hardened", "warn"));
	ck_assert_ohs_ok(ohs_config_set_policy(c, p));
	ck_assert_ohs_error(ohs_config_apply_policy(NULL, NULL, c), OHS_EPOLICY, "floor-mode: security mode \"warn\"");
	ohs_policy_free(p);
	ohs_config_free(c);
}
END_TEST

/* ------------------------------------------------------------ host_paths */

static const char *const profiles[] = { "default", "hardened" };

/* apply_policy under profile `prof` for SANDBOX_VOLUMES=vols, floor host_paths [tmp/code]. */
static int apply_volumes(const char *prof, const char *vols, const char *extra_hc)
{
	ohs_config *c = NULL;
	char *body = NULL;
	int rc;

	ck_assert_ohs_ok(load_with(&c, ENVP(fmt("SANDBOX_SECURITY_PROFILE=%s", prof), "SANDBOX_USER_ID=1000",
		vols ? fmt("SANDBOX_VOLUMES=%s", vols) : "X=1"), fmt("{\"host_paths\": [\"%s/code\"]}", tmp)));
	if (extra_hc)
		ck_assert_ohs_ok(ohs_config_merge_host_config(c, extra_hc));
	rc = ohs_config_apply_policy(&body, NULL, c);
	ck_assert_msg(rc == 0 ? body != NULL : body == NULL, "body and rc disagree");
	ohs_free(body);
	ohs_config_free(c);
	return rc;
}

START_TEST(test_host_paths)
{
	const char *prof = profiles[_i];

	ck_assert_ohs_ok(apply_volumes(prof, fmt("%s/code:/workspace", tmp), NULL));
	ck_assert_ohs_ok(apply_volumes(prof, fmt("%s/code/proj:/workspace:ro", tmp), NULL));
	ck_assert_ohs_ok(apply_volumes(prof, NULL, NULL));
	/* a symlink outside that points inside: spelled outside, refused */
	ck_assert_ohs_error(apply_volumes(prof, fmt("%s/into:/workspace", tmp), NULL), OHS_EPOLICY,
		"is not under the floor's host_paths");
	ck_assert_ohs_error(apply_volumes(prof, fmt("%s/other:/workspace", tmp), NULL), OHS_EPOLICY,
		fmt("floor-host-paths: HostConfig.Mounts[0].Source \"%s/other\" is not under", tmp));
	/* the escapes of review B0: a symlink inside host_paths, "..", a missing path */
	ck_assert_ohs_error(apply_volumes(prof, fmt("%s/code/escape:/workspace", tmp), NULL), OHS_EPOLICY,
		fmt("resolves to \"%s/other\", which is not under the floor's host_paths", tmp));
	ck_assert_ohs_error(apply_volumes(prof, fmt("%s/code/../other:/workspace", tmp), NULL), OHS_EPOLICY,
		"is not under the floor's host_paths");
	/* (the profile may refuse an unresolvable source first: refused either way) */
	ck_assert_int_eq(apply_volumes(prof, fmt("%s/code/missing:/workspace", tmp), NULL), OHS_EPOLICY);
	/* named volumes: refused when host_paths is given */
	ck_assert_ohs_error(apply_volumes(prof, NULL, "{\"Mounts\": [{\"Type\": \"volume\", \"Source\": \"myvol\", "
		"\"Target\": \"/data\"}]}"), OHS_EPOLICY,
		"floor-host-paths: HostConfig.Mounts[0].Type \"volume\" is not allowed");
	/* what the caller merges into HostConfig is checked the same way */
	ck_assert_ohs_error(apply_volumes(prof, NULL, fmt("{\"Binds\": [\"%s/other:/o:ro\"]}", tmp)), OHS_EPOLICY,
		fmt("HostConfig.Binds[0] \"%s/other\" is not under", tmp));
	ck_assert_ohs_error(apply_volumes(prof, NULL, fmt("{\"Binds\": [\"%s/code/escape:/x\"]}", tmp)), OHS_EPOLICY,
		fmt("resolves to \"%s/other\"", tmp));
	ck_assert_ohs_error(apply_volumes(prof, NULL, "{\"Binds\": [\"vol:/x\"]}"), OHS_EPOLICY, "names a volume");
	ck_assert_ohs_error(apply_volumes(prof, NULL, "{\"VolumesFrom\": [\"other\"]}"), OHS_EPOLICY,
		"HostConfig.VolumesFrom");
	ck_assert_ohs_ok(apply_volumes(prof, NULL, "{\"Mounts\": [{\"Type\": \"tmpfs\", \"Target\": \"/t\"}]}"));
	ck_assert_ohs_ok(apply_volumes(prof, NULL, fmt("{\"Binds\": [\"%s/code:/w:ro\"]}", tmp)));
}
END_TEST

START_TEST(test_host_paths_empty)
{
	ohs_config *c = NULL;

	ck_assert_ohs_ok(load_with(&c, ENVP(fmt("SANDBOX_VOLUMES=%s/code:/workspace", tmp)), "{\"host_paths\": []}"));
	ck_assert_ohs_error(ohs_config_apply_policy(NULL, NULL, c), OHS_EPOLICY, "is not under the floor's host_paths");
	ohs_config_free(c);
}
END_TEST

/* ------------------------------------------------------------ networks */

static int apply_net(const char *prof, const char *floor_nets, const char *const *extra_env,
	const char *extra_hc)
{
	const char *envp[8] = { NULL };
	ohs_config *c = NULL;
	size_t i, n = 0;
	int rc;

	envp[n++] = fmt("SANDBOX_SECURITY_PROFILE=%s", prof);
	envp[n++] = "SANDBOX_USER_ID=1000";
	for (i = 0; extra_env && extra_env[i]; i++)
		envp[n++] = extra_env[i];
	ck_assert_ohs_ok(load_with(&c, envp, fmt("{\"networks\": %s}", floor_nets)));
	if (extra_hc)
		ck_assert_ohs_ok(ohs_config_merge_host_config(c, extra_hc));
	rc = ohs_config_apply_policy(NULL, NULL, c);
	ohs_config_free(c);
	return rc;
}

START_TEST(test_networks)
{
	const char *prof = profiles[_i];
	const char *nets = "[\"sandbox-net\"]";

	/* the default bridge counts as "bridge" */
	ck_assert_ohs_error(apply_net(prof, nets, NULL, NULL), OHS_EPOLICY,
		"floor-networks: HostConfig.NetworkMode \"bridge\" is not one of the floor's networks");
	ck_assert_ohs_ok(apply_net(prof, "[\"bridge\"]", NULL, NULL));
	/* none is always allowed */
	ck_assert_ohs_ok(apply_net(prof, "[]", ENVP("SANDBOX_NETWORK=none"), NULL));
	ck_assert_ohs_ok(apply_net(prof, nets, ENVP("SANDBOX_NETWORK=sandbox-net"), NULL));
	ck_assert_ohs_error(apply_net(prof, nets, ENVP("SANDBOX_NETWORK=other-net"), NULL), OHS_EPOLICY,
		"HostConfig.NetworkMode \"other-net\"");
	ck_assert_ohs_error(apply_net(prof, nets, ENVP("SANDBOX_NETWORK=sandbox-net",
		"SANDBOX_ADDITIONAL_NETWORKS=[\"sandbox-net\", \"db-net\"]"), NULL), OHS_EPOLICY,
		"additional network (SANDBOX_ADDITIONAL_NETWORKS) \"db-net\" is not one of the floor's networks");
	ck_assert_ohs_ok(apply_net(prof, "[\"sandbox-net\", \"db-net\"]", ENVP("SANDBOX_NETWORK=sandbox-net",
		"SANDBOX_ADDITIONAL_NETWORKS=[\"db-net\"]"), NULL));
	/* host: the profile may refuse it first; refused either way */
	ck_assert_int_eq(apply_net(prof, nets, ENVP("SANDBOX_USE_HOST_NETWORK=true"), NULL), OHS_EPOLICY);
	ck_assert_ohs_error(apply_net(prof, nets, ENVP("SANDBOX_NETWORK=sandbox-net"),
		"{\"NetworkMode\": \"container:abc\"}"), OHS_EPOLICY, "\"container:abc\"");
}
END_TEST

/* The floor's own checks on a body, whatever the profile would say first. */
static int floor_body(const char *floor_json, const char *body_json, char **out)
{
	ohs_floor *f = NULL;
	json_t *b = json_loads(body_json, 0, NULL);
	int rc;

	ck_assert_ptr_nonnull(b);
	ck_assert_ohs_ok(ohs_floor_parse(&f, floor_json, "F"));
	rc = ohs__floor_apply(b, f, NULL);
	if (out)
		*out = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(b);
	ohs_floor_free(f);
	return rc;
}

START_TEST(test_floor_body_spellings)
{
	char *out = NULL;

	ck_assert_ohs_error(floor_body("{\"networks\": [\"n\"]}", "{\"HostConfig\": {\"networkmode\": \"host\"}}", NULL),
		OHS_EPOLICY, "HostConfig.NetworkMode \"host\" is not one of the floor's networks (floor of F)");
	ck_assert_ohs_error(floor_body("{\"networks\": [\"n\"]}", "{\"HostConfig\": {\"NetworkMode\": \"host\"}}", NULL),
		OHS_EPOLICY, "\"host\" is not one of the floor's networks");
	/* U+212A KELVIN SIGN folds to k for the engine */
	ck_assert_ohs_error(floor_body("{\"networks\": [\"n\"]}",
		"{\"HostConfig\": {\"NetworkMode\": \"n\", \"Networ\u212aMode\": \"host\"}}", NULL),
		OHS_EPOLICY, "\"host\"");
	ck_assert_ohs_ok(floor_body("{\"networks\": [\"n\"]}", "{\"HostConfig\": {\"NetworkMode\": \"n\"}, "
		"\"NetworkingConfig\": {\"EndpointsConfig\": {\"n\": {}}}}", NULL));
	ck_assert_ohs_error(floor_body("{\"networks\": [\"n\"]}", "{\"HostConfig\": {\"NetworkMode\": \"n\"}, "
		"\"NetworkingConfig\": {\"EndpointsConfig\": {\"m\": {}}}}", NULL),
		OHS_EPOLICY, "NetworkingConfig.EndpointsConfig \"m\"");
	/* U+017F LATIN SMALL LETTER LONG S folds to s: "Mount\u017f" is Mounts */
	ck_assert_ohs_error(floor_body("{\"host_paths\": [\"/srv\"]}",
		"{\"HostConfig\": {\"Mount\u017f\": [{\"Type\": \"bind\", \"Source\": \"/etc\"}]}}", NULL),
		OHS_EPOLICY, "\"/etc\" is not under");
	ck_assert_ohs_error(floor_body("{\"host_paths\": [\"/srv\"]}",
		"{\"HostConfig\": {\"binds\": [\"/etc:/e\"]}}", NULL), OHS_EPOLICY, "\"/etc\" is not under");
	ck_assert_ohs_error(floor_body(fmt("{\"host_paths\": [\"%s/code\"]}", tmp),
		fmt("{\"HostConfig\": {\"Binds\": [\"%s/code/missing:/e\"]}}", tmp), NULL), OHS_EPOLICY,
		fmt("HostConfig.Binds[0] \"%s/code/missing\" cannot be resolved", tmp));
	ck_assert_ohs_error(floor_body(fmt("{\"host_paths\": [\"%s/code\"]}", tmp),
		fmt("{\"HostConfig\": {\"Binds\": [\"%s/code/escape/x:/e\"]}}", tmp), NULL), OHS_EPOLICY,
		"cannot be resolved");
	ck_assert_ohs_ok(floor_body(fmt("{\"host_paths\": [\"%s/code\"]}", tmp),
		fmt("{\"HostConfig\": {\"Mounts\": [{\"Type\": \"bind\", \"Source\": \"%s/code/proj/\"}]}}", tmp), NULL));
	ck_assert_ohs_error(floor_body("{\"runtime\": \"runsc\"}",
		"{\"HostConfig\": {\"Runtime\": \"runsc\", \"runtimE\": \"runc\"}}", NULL), OHS_EPOLICY, "floor-runtime");
	/* no HostConfig at all: the runtime is still set */
	ck_assert_ohs_ok(floor_body("{\"runtime\": \"runsc\"}", "{}", &out));
	ck_assert_str_eq(out, "{\"HostConfig\":{\"Runtime\":\"runsc\"}}");
	free(out);
	ck_assert_ohs_error(floor_body("{\"runtime\": \"runsc\"}", "{\"HostConfig\": 1}", NULL), OHS_EPOLICY,
		"non-object HostConfig");
}
END_TEST

/* ------------------------------------------------------------ runtime */

static int apply_rt(char **body, const char *prof, const char *extra_hc)
{
	ohs_config *c = NULL;
	int rc;

	ck_assert_ohs_ok(load_with(&c, ENVP(fmt("SANDBOX_SECURITY_PROFILE=%s", prof), "SANDBOX_USER_ID=1000"),
		"{\"runtime\": \"runsc\"}"));
	if (extra_hc)
		ck_assert_ohs_ok(ohs_config_merge_host_config(c, extra_hc));
	rc = ohs_config_apply_policy(body, NULL, c);
	ohs_config_free(c);
	return rc;
}

START_TEST(test_runtime)
{
	const char *prof = profiles[_i];
	char *body = NULL;

	ck_assert_ohs_ok(apply_rt(&body, prof, NULL));
	ck_assert_msg(strstr(body, "\"Runtime\":\"runsc\""), "runtime not set: %s", body);
	ohs_free(body);
	ck_assert_ohs_ok(apply_rt(&body, prof, "{\"Runtime\": \"runsc\"}"));
	ck_assert_msg(strstr(body, "\"Runtime\":\"runsc\""), "runtime lost: %s", body);
	ohs_free(body);
	ck_assert_ohs_ok(apply_rt(&body, prof, "{\"Runtime\": \"\"}"));
	ck_assert_msg(strstr(body, "\"Runtime\":\"runsc\""), "empty runtime not replaced: %s", body);
	ohs_free(body);
	ck_assert_ohs_error(apply_rt(&body, prof, "{\"Runtime\": \"runc\"}"), OHS_EPOLICY,
		"floor-runtime: HostConfig.Runtime \"runc\" is not the floor's runtime");
	ck_assert_ptr_null(body);
	/* another spelling of the key: the policy refuses it before the floor
	 * (a body it cannot read as the engine does is not checked at all) */
	ck_assert_ohs_error(apply_rt(&body, prof, "{\"runtime\": \"runc\"}"), OHS_EINVAL,
		"key \"runtime\" in HostConfig must be spelled \"Runtime\"");
	ck_assert_ohs_error(apply_rt(&body, prof, "{\"RUNTIME\": \"runsc\"}"), OHS_EINVAL,
		"key \"RUNTIME\" in HostConfig must be spelled \"Runtime\"");
	/* no floor: the body names no runtime */
	{
		ohs_config *c = NULL;

		ck_assert_ohs_ok(ohs_env_load_floor(&c, ENVP("X=1"), NULL));
		ck_assert_ohs_ok(ohs_config_apply_policy(&body, NULL, c));
		ck_assert_ptr_null(strstr(body, "Runtime"));
		ohs_free(body);
		ohs_config_free(c);
	}
}
END_TEST

/* ------------------------------------------------------------ merging: floors only add up */

START_TEST(test_merge)
{
	ohs_floor *a = NULL, *b = NULL, *d = NULL;
	ohs_config *c = NULL;

	ck_assert_ohs_ok(ohs_floor_parse(&a, "{\"profile\": \"hardened\", \"mode\": \"warn\", "
		"\"host_paths\": [\"/srv\", \"/data/a\"], \"networks\": [\"n1\", \"n2\"]}", "A"));
	ck_assert_ohs_ok(ohs_floor_parse(&b, "{\"profile\": \"permissive\", \"mode\": \"enforce\", "
		"\"host_paths\": [\"/srv/code\", \"/data\"], \"networks\": [\"n2\", \"n3\"], \"runtime\": \"runsc\"}", NULL));
	ck_assert_ohs_ok(ohs_floor_dup(&d, a));
	ck_assert_ohs_ok(ohs_floor_merge(d, b));
	ck_assert_str_eq(ohs_floor_profile(d), "hardened");
	ck_assert_str_eq(ohs_floor_origin(d, "profile"), "A");
	ck_assert_str_eq(ohs_floor_mode(d), "enforce");
	ck_assert_str_eq(ohs_floor_origin(d, "mode"), "floor JSON");
	ck_assert_uint_eq(ohs_floor_host_path_count(d), 2);
	ck_assert_str_eq(ohs_floor_host_path(d, 0), "/srv/code");
	ck_assert_str_eq(ohs_floor_host_path(d, 1), "/data/a");
	ck_assert_str_eq(ohs_floor_origin(d, "host_paths"), "A + floor JSON");
	ck_assert_uint_eq(ohs_floor_network_count(d), 1);
	ck_assert_str_eq(ohs_floor_network(d, 0), "n2");
	ck_assert_str_eq(ohs_floor_runtime(d), "runsc");
	ohs_floor_free(b);
	/* two runtimes conflict; dst stays as it was */
	ck_assert_ohs_ok(ohs_floor_parse(&b, "{\"runtime\": \"kata\", \"profile\": \"permissive\"}", "B"));
	ck_assert_ohs_error(ohs_floor_merge(d, b), OHS_EINVAL, "B: key \"runtime\": \"kata\" conflicts with \"runsc\"");
	ck_assert_str_eq(ohs_floor_runtime(d), "runsc");
	ck_assert_str_eq(ohs_floor_profile(d), "hardened");
	/* a config's floor is only ever added to */
	ck_assert_ohs_ok(ohs_config_new(&c));
	ck_assert_ptr_null(ohs_config_floor(c));
	ck_assert_ohs_error(ohs_config_set_floor(c, NULL), OHS_EINVAL, "never removed");
	ck_assert_ohs_ok(ohs_config_set_floor(c, a));
	ohs_floor_free(b);
	ck_assert_ohs_ok(ohs_floor_parse(&b, "{\"profile\": \"permissive\"}", "weaker"));
	ck_assert_ohs_ok(ohs_config_set_floor(c, b));
	ck_assert_str_eq(ohs_floor_profile(ohs_config_floor(c)), "hardened");
	{
		ohs_config *c2 = NULL;

		ck_assert_ohs_ok(ohs_config_dup(&c2, c));
		ck_assert_str_eq(ohs_floor_profile(ohs_config_floor(c2)), "hardened");
		ohs_config_free(c2);
	}
	ohs_config_free(c);
	ohs_floor_free(a);
	ohs_floor_free(b);
	ohs_floor_free(d);
}
END_TEST

/* ------------------------------------------------------------ provenance */

START_TEST(test_origins)
{
	ohs_config *c = NULL;
	char *json = NULL;
	char *origin = fmt("policy file %s/floor.json", tmp);

	ck_assert_ohs_ok(load_with(&c, ENVP("SANDBOX_VOLUMES=/srv:/workspace", "SANDBOX_USER_ID=5",
		"AGENT_SERVER_IMAGE_TAG=x1", "SANDBOX_ENV_A=b", "SANDBOX_NETWORK=none",
		"SANDBOX_SECURITY_PROFILE=hardened"), "{\"runtime\": \"runsc\", \"networks\": []}"));
	ck_assert_str_eq(ohs_config_origin(c, "volumes"), "SANDBOX_VOLUMES");
	ck_assert_str_eq(ohs_config_origin(c, "user"), "SANDBOX_USER_ID");
	ck_assert_str_eq(ohs_config_origin(c, "image"), "AGENT_SERVER_IMAGE_TAG");
	ck_assert_str_eq(ohs_config_origin(c, "env"), "SANDBOX_ENV_*");
	ck_assert_str_eq(ohs_config_origin(c, "network"), "SANDBOX_NETWORK");
	ck_assert_str_eq(ohs_config_origin(c, "binding_address"), "default");
	ck_assert_str_eq(ohs_config_origin(c, "profile"), "SANDBOX_SECURITY_PROFILE");
	ck_assert_str_eq(ohs_config_origin(c, "mode"), "default");
	ck_assert_str_eq(ohs_config_origin(c, "runtime"), origin);
	ck_assert_str_eq(ohs_config_origin(c, "networks"), origin);
	ck_assert_str_eq(ohs_config_origin(c, "host_paths"), "default");
	ck_assert_ptr_null(ohs_config_origin(c, "colour"));
	ck_assert_uint_eq(ohs_config_origin_count(c), 13);
	ck_assert_str_eq(ohs_config_origin_setting(c, 0), "image");
	ck_assert_ptr_null(ohs_config_origin_setting(c, 13));
	ck_assert_ohs_ok(ohs_config_to_json(&json, c));
	ck_assert_msg(strstr(json, fmt("\"runtime\":\"%s\"", origin)), "no runtime origin: %s", json);
	ck_assert_msg(strstr(json, "\"floor\":{\"system_file\":\""), "no floor: %s", json);
	ck_assert_msg(strstr(json, "\"networks\":[]"), "floor networks: %s", json);
	ck_assert_msg(strstr(json, "\"Runtime\":\"runsc\""), "create_body without the runtime: %s", json);
	ohs_free(json);
	ohs_config_free(c);
	/* a floor refusal shows in to_json as blocked, with the reason */
	ck_assert_ohs_ok(load_with(&c, ENVP("X=1"), "{\"networks\": [\"n\"]}"));
	ck_assert_ohs_ok(ohs_config_to_json(&json, c));
	ck_assert_msg(strstr(json, "\"blocked\":true,\"refusal\":\"floor-networks"), "not blocked: %s", json);
	ohs_free(json);
	ohs_config_free(c);
}
END_TEST

static Suite *floor_suite(void)
{
	Suite *s = suite_create("floor");
	TCase *tc = tcase_create("floor");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_parse_full);
	tcase_add_loop_test(tc, test_parse_malformed, 0, (int)OHS_ARRAY_SIZE(bad));
	tcase_add_test(tc, test_parse_nul_and_size);
	tcase_add_test(tc, test_missing_and_unreadable);
	tcase_add_test(tc, test_system_floor);
	tcase_add_test(tc, test_env_weaker_refused);
	tcase_add_test(tc, test_env_stricter_allowed);
	tcase_add_test(tc, test_api_policy_weaker_refused);
	tcase_add_loop_test(tc, test_host_paths, 0, 2);
	tcase_add_test(tc, test_host_paths_empty);
	tcase_add_loop_test(tc, test_networks, 0, 2);
	tcase_add_loop_test(tc, test_runtime, 0, 2);
	tcase_add_test(tc, test_floor_body_spellings);
	tcase_add_test(tc, test_merge);
	tcase_add_test(tc, test_origins);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ohs_test_run(floor_suite());
}
