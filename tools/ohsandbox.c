/*
 * ohsandbox - command-line front end of libohsandbox.
 *
 * A thin user of the public API: every decision about configuration,
 * engines and sandboxes is the library's; this file parses arguments,
 * prints, and maps errors to exit statuses (see ohsandbox(1)).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ohsandbox.h"

/* Exit statuses, as docker run uses them. */
#define EXIT_USAGE 2      /* invalid configuration or usage */
#define EXIT_POLICY 3     /* the security policy refuses the configuration */
#define EXIT_ENGINE 125   /* engine or sandbox error */
#define EXIT_CANNOT 126   /* command cannot run */
#define EXIT_NOTFOUND 127 /* command not found */
#define EXIT_TIMEOUT 124  /* --timeout expired (as timeout(1)) */

static const char *prog = "ohsandbox";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s <command> [options]\n"
		"\n"
		"commands:\n"
		"  config [--json] [--show-secrets] [--floor FILE]\n"
		"                       show the sandbox configuration resolved from the environment\n"
		"                       (SANDBOX_ENV_* values are masked unless --show-secrets)\n"
		"  check [--json] [--floor FILE]\n"
		"                       check it against the security policy (exit 3 when refused)\n"
		"  run [--floor FILE] [--image REF] [-p [IP:]HOSTPORT:CONTAINERPORT]... [--keep] [--timeout S] [--] CMD [ARG...]\n"
		"                       run CMD in a new sandbox and exit with its status\n"
		"  ps [--json]          list this library's sandboxes\n"
		"  reap [--all] [--dry-run]\n"
		"                       remove sandboxes whose owner process is gone (--all: every one of this\n"
		"                       machine; --dry-run: list what would go and why, remove nothing)\n"
		"  version              print the library version\n"
		"\n"
		"\n"
		"--floor FILE adds an operator floor (ohsandbox-policy(7)) on top of %s;\n"
		"it never replaces it.  See ohsandbox(1) and, for the environment variables, ohsandbox(7).\n",
		prog, ohs_floor_system_path());
}

/* Print the library's last error, prefixed, and return `status`. */
static int fail(int status, int rc, const char *what)
{
	const char *msg = ohs_error_last();

	if (what)
		fprintf(stderr, "%s: %s: %s\n", prog, what, msg ? msg : ohs_strerror(rc));
	else
		fprintf(stderr, "%s: %s\n", prog, msg ? msg : ohs_strerror(rc));
	return status;
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see '%s --help')\n", prog);
	return EXIT_USAGE;
}

/* Configuration errors are the caller's (2, 3 for the policy); anything else is the engine's (125). */
static int status_for(int rc)
{
	return rc == OHS_EPOLICY ? EXIT_POLICY : rc == OHS_EINVAL ? EXIT_USAGE : EXIT_ENGINE;
}

/* ------------------------------------------------------------ floor and origins */

/*
 * The config from the environment, with the system floor and, when given,
 * one more floor file on top (--floor; it can only add).  Returns 0 or the
 * exit status after printing the error.
 */
static int load_config(ohs_config **cfg, const char *floor_path)
{
	ohs_floor *fl = NULL;
	int rc;

	if (floor_path && (rc = ohs_floor_load(&fl, floor_path)) < 0)
		return fail(EXIT_USAGE, rc, "--floor");
	rc = ohs_env_load_floor(cfg, NULL, fl);
	ohs_floor_free(fl);
	if (rc < 0)
		return fail(rc == OHS_EPOLICY ? EXIT_POLICY : EXIT_USAGE, rc, NULL);
	return 0;
}

/* "origin:  SETTING  FROM" for every setting the library records. */
static void print_origins(FILE *f, const ohs_config *cfg, int security_only)
{
	size_t i, n = ohs_config_origin_count(cfg);

	for (i = 0; i < n; i++) {
		const char *k = ohs_config_origin_setting(cfg, i);

		if (security_only && strcmp(k, "profile") && strcmp(k, "mode") && strcmp(k, "host_paths") &&
		    strcmp(k, "networks") && strcmp(k, "runtime"))
			continue;
		fprintf(f, "origin:    %-19s %s\n", k, ohs_config_origin(cfg, k));
	}
}

/* The floor in force, one line per pinned key. */
static void print_floor(FILE *f, const ohs_config *cfg)
{
	const ohs_floor *fl = ohs_config_floor(cfg);
	size_t i;

	if (!fl) {
		fprintf(f, "floor:     none (no %s)\n", ohs_floor_system_path());
		return;
	}
	if (ohs_floor_profile(fl))
		fprintf(f, "floor:     profile %s (%s)\n", ohs_floor_profile(fl), ohs_floor_origin(fl, "profile"));
	if (ohs_floor_mode(fl))
		fprintf(f, "floor:     mode %s (%s)\n", ohs_floor_mode(fl), ohs_floor_origin(fl, "mode"));
	if (ohs_floor_has_host_paths(fl)) {
		fprintf(f, "floor:     host_paths");
		for (i = 0; i < ohs_floor_host_path_count(fl); i++)
			fprintf(f, " %s", ohs_floor_host_path(fl, i));
		fprintf(f, "%s (%s)\n", ohs_floor_host_path_count(fl) ? "" : " (none: no bind mounts)",
			ohs_floor_origin(fl, "host_paths"));
	}
	if (ohs_floor_has_networks(fl)) {
		fprintf(f, "floor:     networks none");
		for (i = 0; i < ohs_floor_network_count(fl); i++)
			fprintf(f, " %s", ohs_floor_network(fl, i));
		fprintf(f, " (%s)\n", ohs_floor_origin(fl, "networks"));
	}
	if (ohs_floor_runtime(fl))
		fprintf(f, "floor:     runtime %s (%s)\n", ohs_floor_runtime(fl), ohs_floor_origin(fl, "runtime"));
}

/* ------------------------------------------------------------ policy */

/* Print the findings, one per line, refusing ones first marked. */
static void print_findings(FILE *f, const ohs_findings *fs, int only_refused)
{
	size_t i, n = ohs_findings_count(fs);

	for (i = 0; i < n; i++) {
		int refused = ohs_findings_refused(fs, i) > 0;

		if (only_refused && !refused)
			continue;
		fprintf(f, "%s %s\n", refused ? "REFUSED" : ohs_findings_fixed(fs, i) > 0 ? "fixed  " : "warning",
			ohs_findings_message(fs, i));
		fprintf(f, "        remediation: %s\n", ohs_findings_remediation(fs, i));
	}
}

/*
 * Run the policy over the config; on refusal print each refusing check on
 * stderr and return EXIT_POLICY; 0 when accepted; other failures 2.
 */
static int policy_gate(const ohs_config *cfg)
{
	ohs_findings *fs = NULL;
	int rc = ohs_config_apply_policy(NULL, &fs, cfg);

	if (rc == OHS_EPOLICY) {
		fprintf(stderr, "%s: the security policy (profile %s, mode %s) refuses this configuration:\n",
			prog, ohs_policy_profile(ohs_config_policy_const(cfg)),
			ohs_policy_mode(ohs_config_policy_const(cfg)));
		if (ohs_error_last() && !strncmp(ohs_error_last(), "floor", 5))
			fprintf(stderr, "REFUSED %s\n", ohs_error_last()); /* the operator's floor */
		print_findings(stderr, fs, 1);
		ohs_findings_free(fs);
		return EXIT_POLICY;
	}
	ohs_findings_free(fs);
	if (rc < 0)
		return fail(EXIT_USAGE, rc, NULL);
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "floor", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	ohs_config *cfg = NULL;
	ohs_findings *fs = NULL;
	const char *floor_path = NULL;
	char *refusal = NULL;
	int json = 0, c, rc, status;

	while ((c = getopt_long(argc, argv, "+jf:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'f': floor_path = optarg; break;
		case 'h': usage(stdout); return 0;
		default: return usage_error("check: unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("check: unexpected argument \"%s\"", argv[optind]);
	if ((rc = load_config(&cfg, floor_path)) != 0)
		return rc;
	rc = ohs_config_apply_policy(NULL, &fs, cfg);
	if (rc == OHS_EPOLICY && ohs_error_last())
		refusal = strdup(ohs_error_last());
	if (rc < 0 && rc != OHS_EPOLICY) {
		ohs_config_free(cfg);
		return fail(EXIT_USAGE, rc, NULL);
	}
	status = rc == OHS_EPOLICY ? EXIT_POLICY : 0;
	if (json) {
		char *out = NULL;

		if (ohs_findings_to_json(&out, fs) == 0) {
			/* the findings plus where profile, mode and the floor's keys came from */
			json_t *o = json_loads(out, 0, NULL), *org = json_object();
			size_t i;

			for (i = 0; org && i < ohs_config_origin_count(cfg); i++)
				json_object_set_new(org, ohs_config_origin_setting(cfg, i),
					json_string(ohs_config_origin(cfg, ohs_config_origin_setting(cfg, i))));
			json_object_set_new(o, "origins", org);
			if (refusal)
				json_object_set_new(o, "refusal", json_string(refusal));
			char *s2 = o ? json_dumps(o, JSON_COMPACT) : NULL;

			printf("%s\n", s2 ? s2 : out);
			free(s2);
			json_decref(o);
		}
		ohs_free(out);
	} else {
		printf("profile %s, mode %s: %zu finding%s, %zu refused\n",
			ohs_policy_profile(ohs_config_policy(cfg)), ohs_policy_mode(ohs_config_policy(cfg)),
			ohs_findings_count(fs), ohs_findings_count(fs) == 1 ? "" : "s",
			ohs_findings_refused_count(fs));
		print_origins(stdout, cfg, 1);
		print_floor(stdout, cfg);
		if (refusal && !strncmp(refusal, "floor", 5))
			printf("REFUSED %s\n", refusal); /* the operator's floor, not a finding */
		print_findings(stdout, fs, 0);
	}
	if (status)
		fprintf(stderr, "%s: refused by the security policy: %s\n", prog,
			refusal ? refusal : ohs_strerror(OHS_EPOLICY));
	free(refusal);
	ohs_findings_free(fs);
	ohs_config_free(cfg);
	return status;
}

/*
 * A client for DOCKER_HOST; its warnings (plain tcp://, TLS without
 * verification) go to stderr, one line each.  Every command opens at most
 * one client, so they are printed once per run.
 */
static int open_client(ohs_client **out)
{
	size_t i;
	int rc = ohs_client_new(out, NULL);

	if (rc < 0)
		return rc;
	for (i = 0; i < ohs_client_warning_count(*out); i++)
		fprintf(stderr, "%s: warning: %s\n", prog, ohs_client_warning(*out, i));
	return 0;
}

/* ------------------------------------------------------------ config */

/*
 * SANDBOX_ENV_* values are often credentials (API tokens): `config` shows
 * the names and masks the values unless --show-secrets is given.
 */
#define SECRET_MASK "***"

static void print_env_entry(const char *entry, int show_secrets)
{
	if (show_secrets)
		printf("  %s\n", entry);
	else
		printf("  %.*s=" SECRET_MASK "\n", (int)strcspn(entry, "="), entry);
}

/* Replace every "NAME=value" string of `arr` by "NAME=***"; -1 on OOM. */
static int mask_env_array(json_t *arr)
{
	size_t i;
	json_t *it;

	json_array_foreach(arr, i, it) {
		const char *entry = json_string_value(it);
		char *masked;
		size_t n;

		if (!entry)
			continue;
		n = strcspn(entry, "=");
		if (!(masked = malloc(n + sizeof("=" SECRET_MASK))))
			return -1;
		memcpy(masked, entry, n);
		memcpy(masked + n, "=" SECRET_MASK, sizeof("=" SECRET_MASK));
		if (json_array_set_new(arr, i, json_string(masked)) < 0) {
			free(masked);
			return -1;
		}
		free(masked);
	}
	return 0;
}

/* ohs_config_to_json() with the env values masked ("env" and create_body.Env). */
static char *config_json_masked(const char *full)
{
	json_t *doc = json_loads(full, 0, NULL);
	char *out = NULL;

	if (!doc)
		return NULL;
	if (mask_env_array(json_object_get(doc, "env")) == 0 &&
	    mask_env_array(json_object_get(json_object_get(doc, "create_body"), "Env")) == 0)
		out = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return out;
}

static void print_config_human(const ohs_config *cfg, int show_secrets)
{
	const ohs_netpolicy *np = ohs_config_netpolicy_const(cfg);
	const ohs_volumes *vols = ohs_config_volumes_const(cfg);
	size_t i, n;

	printf("image:     %s\n", ohs_config_image(cfg));
	printf("user:      %s\n", ohs_config_user(cfg));
	printf("workdir:   %s\n", ohs_config_workdir(cfg));
	n = ohs_config_command_count(cfg);
	if (n) {
		printf("command:  ");
		for (i = 0; i < n; i++)
			printf(" %s", ohs_config_command(cfg, i));
		printf("\n");
	}
	n = ohs_volumes_count(vols);
	printf("volumes:%s\n", n ? "" : "   (none)");
	for (i = 0; i < n; i++)
		printf("  %-6s %s -> %s (%s)\n",
			ohs_volumes_type(vols, i) == OHS_MOUNT_VOLUME ? "volume" : "bind",
			ohs_volumes_source(vols, i), ohs_volumes_target(vols, i),
			ohs_volumes_mode(vols, i) == OHS_MOUNT_RO ? "ro" : "rw");
	{
		/* "internal" only where it can hold: a network the library creates
		 * internal (an existing one must already be), or none at all */
		const char *m = ohs_netpolicy_mode(np), *note = "";

		if (ohs_netpolicy_internal(np) > 0)
			note = !strcmp(m, "none") ? " (internal: no network)" :
				!strcmp(m, "bridge") || !strcmp(m, "default") || !strcmp(m, "host") ?
				" (internal cannot be honoured here: a session is refused)" :
				" (internal: created internal, or refused if it exists and is not)";
		printf("network:   mode %s%s, binding address %s\n", m, note,
			ohs_netpolicy_binding_address(np));
	}
	n = ohs_netpolicy_network_count(np);
	for (i = 0; i < n; i++)
		printf("  additional network %s\n", ohs_netpolicy_network(np, i));
	n = ohs_netpolicy_port_count(np);
	for (i = 0; i < n; i++) {
		const char *ip = ohs_netpolicy_port_host_ip(np, i);
		int host = ohs_netpolicy_port_host(np, i);

		printf("  port %s%s%s:%d -> %d/%s%s\n", strchr(ip, ':') ? "[" : "", ip,
			strchr(ip, ':') ? "]" : "", host, ohs_netpolicy_port_container(np, i),
			ohs_netpolicy_port_protocol(np, i), host == 0 ? " (engine picks the host port)" : "");
	}
	n = ohs_config_env_count(cfg);
	printf("env:%s\n", n ? "" : "       (none)");
	for (i = 0; i < n; i++)
		print_env_entry(ohs_config_env(cfg, i), show_secrets);
	if (n && !show_secrets)
		printf("  (values masked; ohsandbox config --show-secrets shows them)\n");
	n = ohs_config_warning_count(cfg);
	for (i = 0; i < n; i++)
		printf("warning:   %s\n", ohs_config_warning(cfg, i));
	print_origins(stdout, cfg, 0);
	print_floor(stdout, cfg);
	{
		ohs_findings *fs = NULL;
		int rc = ohs_config_apply_policy(NULL, &fs, cfg);

		if (fs) {
			printf("security:  profile %s, mode %s, %zu finding%s, %zu refused%s\n",
				ohs_policy_profile(ohs_config_policy_const(cfg)),
				ohs_policy_mode(ohs_config_policy_const(cfg)),
				ohs_findings_count(fs), ohs_findings_count(fs) == 1 ? "" : "s",
				ohs_findings_refused_count(fs),
				rc == OHS_EPOLICY ? " (a session would be refused; see ohsandbox check)" : "");
			print_findings(stdout, fs, 0);
		}
		ohs_findings_free(fs);
	}
}

static int cmd_config(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "floor", required_argument, NULL, 'f' },
		{ "show-secrets", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	ohs_config *cfg = NULL;
	const char *floor_path = NULL;
	int json = 0, show_secrets = 0, c, rc;

	while ((c = getopt_long(argc, argv, "+jf:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'f': floor_path = optarg; break;
		case 'S': show_secrets = 1; break;
		case 'h': usage(stdout); return 0;
		default: return usage_error("config: unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("config: unexpected argument \"%s\"", argv[optind]);

	if ((rc = load_config(&cfg, floor_path)) != 0)
		return rc;
	if (json) {
		char *out = NULL;

		if ((rc = ohs_config_to_json(&out, cfg)) < 0) {
			ohs_config_free(cfg);
			return fail(EXIT_USAGE, rc, NULL);
		}
		if (show_secrets) {
			printf("%s\n", out);
		} else {
			char *masked = config_json_masked(out);

			if (!masked) {
				ohs_free(out);
				ohs_config_free(cfg);
				fprintf(stderr, "%s: config: out of memory masking the environment values\n", prog);
				return EXIT_ENGINE;
			}
			printf("%s\n", masked);
			free(masked);
		}
		ohs_free(out);
	} else {
		print_config_human(cfg, show_secrets);
	}
	ohs_config_free(cfg);
	return 0;
}

/* ------------------------------------------------------------ run */

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

static int progress_line(const char *status, const char *id, int64_t current,
	int64_t total, void *payload)
{
	(void)payload;
	if (interrupted)
		return 1;
	if (!isatty(STDERR_FILENO))
		return 0;
	if (total > 0)
		fprintf(stderr, "\r\033[K%s %s %lld/%lld MB", status, id,
			(long long)(current >> 20), (long long)(total >> 20));
	else
		fprintf(stderr, "\r\033[K%s %s", status, id);
	fflush(stderr);
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int stream_output(int stream, const char *data, size_t len, void *payload)
{
	(void)payload;
	if (interrupted)
		return 1;
	write_all(stream == 2 ? STDERR_FILENO : STDOUT_FILENO, data, len);
	return 0;
}

static int parse_timeout(const char *s, long *out_ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > (double)LONG_MAX / 1000)
		return -1;
	*out_ms = (long)(v * 1000.0);
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "floor", required_argument, NULL, 'f' },
		{ "image", required_argument, NULL, 'i' },
		{ "publish", required_argument, NULL, 'p' },
		{ "keep", no_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *image = NULL, *floor_path = NULL;
	char **ports = calloc((size_t)argc + 1, sizeof(*ports));
	size_t nports = 0, i;
	int keep = 0, oneshot, c, rc, status = EXIT_ENGINE;
	long timeout_ms = 0;
	const char *timeout_arg = NULL;
	ohs_config *cfg = NULL;
	ohs_client *client = NULL;
	ohs_session *s = NULL;
	ohs_exec_opts *eo = NULL;
	ohs_exec_result *res = NULL;
	struct sigaction sa;

	if (!ports)
		return fail(EXIT_ENGINE, OHS_ENOMEM, NULL);
	while ((c = getopt_long(argc, argv, "+f:i:p:kt:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': floor_path = optarg; break;
		case 'i': image = optarg; break;
		case 'p': ports[nports++] = optarg; break;
		case 'k': keep = 1; break;
		case 't':
			timeout_arg = optarg;
			if (parse_timeout(optarg, &timeout_ms) < 0) {
				free(ports);
				return usage_error("run: --timeout \"%s\": expected a number of seconds >= 0", optarg);
			}
			break;
		case 'h': free(ports); usage(stdout); return 0;
		default:
			free(ports);
			return usage_error("run: unknown option or missing value: %s", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		free(ports);
		return usage_error("run: no command given%s", "; expected: run [options] [--] CMD [ARG...]");
	}

	/* Everything about the configuration is checked before the engine is contacted. */
	if ((status = load_config(&cfg, floor_path)) != 0)
		goto out;
	if (image && (rc = ohs_config_set_image(cfg, image)) < 0) {
		status = fail(EXIT_USAGE, rc, "--image");
		goto out;
	}
	for (i = 0; i < nports; i++) {
		if ((rc = ohs_netpolicy_parse_port(ohs_config_netpolicy(cfg), ports[i])) < 0) {
			status = fail(EXIT_USAGE, rc, "-p");
			goto out;
		}
	}
	for (i = 0; i < ohs_config_warning_count(cfg); i++)
		fprintf(stderr, "%s: warning: %s\n", prog, ohs_config_warning(cfg, i));
	if ((status = policy_gate(cfg)) != 0)
		goto out;
	status = EXIT_ENGINE;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	if ((rc = open_client(&client)) < 0) {
		status = fail(EXIT_ENGINE, rc, NULL);
		goto out;
	}
	/*
	 * One-shot (no --keep, no published port to report): CMD is the
	 * container's own main process, attached before start, as `docker run
	 * --rm` does - no exec needed.  Otherwise a sandbox that stays up and
	 * an exec into it.
	 */
	oneshot = !keep && nports == 0;
	if (oneshot)
		rc = ohs_session_create_main(&s, client, cfg, (const char *const *)argv + optind,
			progress_line, NULL);
	else
		rc = ohs_session_create(&s, client, cfg, progress_line, NULL);
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[K");
	if (rc < 0) {
		status = fail(status_for(rc), rc, "cannot create the sandbox");
		goto out;
	}
	if ((rc = ohs_exec_opts_new(&eo)) < 0 ||
	    (rc = ohs_exec_opts_set_output_cb(eo, stream_output, NULL)) < 0 ||
	    (rc = ohs_exec_opts_set_output_cap(eo, 1)) < 0 ||
	    (timeout_ms && (rc = ohs_exec_opts_set_timeout(eo, timeout_ms)) < 0)) {
		status = fail(EXIT_ENGINE, rc, NULL);
		goto out;
	}
	if (oneshot) {
		rc = ohs_session_run_main(&res, s, eo);
		goto finished;
	}
	if ((rc = ohs_session_start(s)) < 0) {
		status = fail(EXIT_ENGINE, rc, "cannot start the sandbox");
		goto out;
	}
	for (i = 0; i < ohs_session_port_count(s); i++) {
		const char *ip = ohs_session_port_host_ip(s, i);

		fprintf(stderr, "%s: port %d published on %s%s%s:%d\n", prog,
			ohs_session_port_container(s, i), strchr(ip, ':') ? "[" : "", ip,
			strchr(ip, ':') ? "]" : "", ohs_session_port_host(s, i));
	}
	rc = ohs_session_exec(&res, s, (const char *const *)argv + optind, eo);
finished:
	if (interrupted) {
		fprintf(stderr, "%s: interrupted; removing the sandbox\n", prog);
		status = 128 + interrupted;
	} else if (res && ohs_exec_result_timed_out(res)) {
		fprintf(stderr, "%s: %s: timed out after %s s (--timeout) and was stopped\n", prog,
			argv[optind], timeout_arg);
		status = EXIT_TIMEOUT;
	} else if (rc < 0) {
		status = fail(EXIT_ENGINE, rc, argv[optind]);
	} else {
		status = ohs_exec_result_exit_code(res);
		if (status == EXIT_NOTFOUND || status == EXIT_CANNOT) {
			size_t elen = 0;

			ohs_exec_result_stderr(res, &elen);
			if (elen == 0)
				fprintf(stderr, "%s: %s: %s\n", prog, argv[optind],
					status == EXIT_NOTFOUND ? "command not found in the sandbox"
								: "command cannot be run in the sandbox");
		}
	}

out:
	if (s) {
		if (keep && !interrupted) {
			ohs_session_set_keep(s, 1);
			fprintf(stderr, "%s: kept sandbox %s (remove it with docker rm -f, or reap --all)\n",
				prog, ohs_session_name(s));
		} else if ((rc = ohs_session_remove(s)) < 0) {
			fail(0, rc, "cannot remove the sandbox");
			if (status == 0)
				status = EXIT_ENGINE;
		}
	}
	ohs_exec_result_free(res);
	ohs_exec_opts_free(eo);
	ohs_session_free(s);
	ohs_client_free(client);
	ohs_config_free(cfg);
	free(ports);
	return status;
}

/* ------------------------------------------------------------ ps, reap */

static int cmd_ps(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	ohs_client *client = NULL;
	char *list = NULL;
	json_t *arr, *it;
	size_t i;
	int json = 0, c, rc;

	while ((c = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': usage(stdout); return 0;
		default: return usage_error("ps: unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("ps: unexpected argument \"%s\"", argv[optind]);
	if ((rc = open_client(&client)) < 0)
		return fail(EXIT_ENGINE, rc, NULL);
	rc = ohs_session_list(&list, client);
	ohs_client_free(client);
	if (rc < 0)
		return fail(EXIT_ENGINE, rc, NULL);
	if (json) {
		printf("%s\n", list);
		ohs_free(list);
		return 0;
	}
	arr = json_loads(list, 0, NULL);
	ohs_free(list);
	printf("%-14s %-20s %-10s %-8s %-6s %s\n", "ID", "NAME", "STATE", "OWNER", "KEEP", "IMAGE");
	json_array_foreach(arr, i, it) {
		const char *id = json_string_value(json_object_get(it, "id"));

		printf("%-14.12s %-20s %-10s %-8lld %-6s %s\n", id ? id : "",
			json_string_value(json_object_get(it, "name")) ?: "",
			json_string_value(json_object_get(it, "state")) ?: "",
			(long long)json_integer_value(json_object_get(it, "owner_pid")),
			json_is_true(json_object_get(it, "keep")) ? "yes" : "no",
			json_string_value(json_object_get(it, "image")) ?: "");
	}
	json_decref(arr);
	return 0;
}

/* reap --dry-run: one line per container or network that would go */
static int print_reap_item(const char *kind, const char *id, const char *name,
	const char *reason, void *payload)
{
	(void)payload;
	printf("would remove %s %s (%.12s): %s\n", kind, name, id, reason);
	return 0;
}

static int cmd_reap(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	ohs_client *client = NULL;
	unsigned flags = 0;
	size_t removed = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+anh", opts, NULL)) != -1) {
		switch (c) {
		case 'a': flags |= OHS_REAP_ALL; break;
		case 'n': flags |= OHS_REAP_DRY_RUN; break;
		case 'h': usage(stdout); return 0;
		default: return usage_error("reap: unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("reap: unexpected argument \"%s\"", argv[optind]);
	if ((rc = open_client(&client)) < 0)
		return fail(EXIT_ENGINE, rc, NULL);
	rc = ohs_reap_each(client, flags, (flags & OHS_REAP_DRY_RUN) ? print_reap_item : NULL, NULL,
		&removed);
	ohs_client_free(client);
	if (rc < 0)
		return fail(EXIT_ENGINE, rc, NULL);
	printf("%s %zu sandbox%s\n", (flags & OHS_REAP_DRY_RUN) ? "would remove" : "removed",
		removed, removed == 1 ? "" : "es");
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("ohsandbox %s (libohsandbox %s)\n", OHS_VERSION, ohs_version());
		return 0;
	}
	argc--;
	argv++;
	optind = 1;
	if (!strcmp(cmd, "config"))
		return cmd_config(argc, argv);
	if (!strcmp(cmd, "check"))
		return cmd_check(argc, argv);
	if (!strcmp(cmd, "run"))
		return cmd_run(argc, argv);
	if (!strcmp(cmd, "ps"))
		return cmd_ps(argc, argv);
	if (!strcmp(cmd, "reap"))
		return cmd_reap(argc, argv);
	return usage_error("unknown command \"%s\"", cmd);
}
