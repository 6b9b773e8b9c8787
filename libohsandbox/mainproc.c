/*
 * mainproc: the sandbox's main process.  Images such as ubuntu, python or
 * node have a shell or an interpreter as their command; without a terminal
 * it exits at once and the sandbox is gone before the first exec.  The
 * library replaces such a command by a keep-alive (SANDBOX_OVERRIDE_COMMAND,
 * ohs_config_set_override_command(3)), and a call that finds the container
 * exited anyway says so plainly (runmain.c).  See ohsandbox(7), "MAIN PROCESS".
 *
 * This file decides; it needs no session (session.c calls it at create).
 */
#include "internal.h"
#include "mainproc_int.h"
#include "engine_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Programs that, started without arguments and without a terminal, read
 * their input until EOF and exit: shells and interpreters.  A name matches
 * exactly, or as a prefix followed by a version ("python3.12", "pypy3").
 */
static const char *const interactive_exact[] = {
	"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "fish", "csh", "tcsh", "busybox",
	"node", "nodejs", "deno", "bun", "irb", "ruby", "perl", "php", "lua", "luajit", "R",
	"julia", "ghci", "iex", "erl", "jshell", "bc", "cat",
};
static const char *const interactive_prefix[] = { "python", "pypy", "perl5", "lua5", "ruby" };

static const char *base_name(const char *w)
{
	const char *s = strrchr(w, '/');

	return s ? s + 1 : w;
}

static int is_interactive(const char *word)
{
	const char *b;
	size_t i;

	if (!word)
		return 0;
	b = base_name(word);
	for (i = 0; i < OHS_ARRAY_SIZE(interactive_exact); i++)
		if (strcmp(b, interactive_exact[i]) == 0)
			return 1;
	for (i = 0; i < OHS_ARRAY_SIZE(interactive_prefix); i++) {
		size_t n = strlen(interactive_prefix[i]);

		if (strncmp(b, interactive_prefix[i], n) == 0 &&
		    strspn(b + n, "0123456789.") == strlen(b + n))
			return 1;
	}
	return 0;
}

static int has_command(json_t *v)
{
	return json_is_array(v) ? json_array_size(v) > 0 : (json_is_string(v) && *json_string_value(v));
}

/* Last word of an argv array (or the string itself), NULL when empty. */
static const char *last_word(json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_array(v) && json_array_size(v) > 0)
		return json_string_value(json_array_get(v, json_array_size(v) - 1));
	return NULL;
}

static const char *first_word(json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_array(v) && json_array_size(v) > 0)
		return json_string_value(json_array_get(v, 0));
	return NULL;
}

/*
 * The image asks for readiness: a HEALTHCHECK whose test is not NONE (the
 * engine then probes the image's own command, a server).  A config that
 * disables it (Healthcheck.Test ["NONE"] in the body) does not ask.
 */
static int asks_readiness(json_t *body, json_t *icfg)
{
	json_t *hc = json_object_get(body, "Healthcheck");
	json_t *t;

	if (!json_is_object(hc))
		hc = json_object_get(icfg, "Healthcheck");
	t = json_object_get(hc, "Test");
	if (!json_is_array(t) || json_array_size(t) == 0)
		return 0;
	return !json_is_string(json_array_get(t, 0)) ||
		strcmp(json_string_value(json_array_get(t, 0)), "NONE") != 0;
}

static json_t *keepalive_argv(void)
{
	return json_pack("[s,s,s,s]", "/bin/sh", "-c", OHS_KEEPALIVE_SCRIPT, OHS_KEEPALIVE_NAME);
}

int ohs__mainproc_apply(json_t *body, json_t *image_info, const char *const *cmd,
	ohs_override_command mode, int *overridden)
{
	json_t *icfg = json_object_get(image_info, "Config");
	json_t *ep, *cm;
	int override;
	size_t i;

	*overridden = 0;
	if (cmd && cmd[0]) {
		/* a command the caller asked for is never replaced */
		mode = OHS_OVERRIDE_FALSE;
		json_t *a = json_array();

		for (i = 0; a && cmd[i]; i++)
			if (json_array_append_new(a, json_string(cmd[i])) < 0) {
				json_decref(a);
				a = NULL;
			}
		if (!a || json_object_set_new(body, "Cmd", a) < 0)
			return ohs__error_oom();
	}

	/* The effective command, as the engine merges it: the body's
	 * Entrypoint replaces the image's and then drops the image's Cmd. */
	ep = json_object_get(body, "Entrypoint");
	if (has_command(ep)) {
		cm = json_object_get(body, "Cmd");
	} else {
		ep = json_object_get(icfg, "Entrypoint");
		cm = json_object_get(body, "Cmd");
		if (!has_command(cm))
			cm = json_object_get(icfg, "Cmd");
	}

	switch (mode) {
	case OHS_OVERRIDE_FALSE:
		override = 0;
		break;
	case OHS_OVERRIDE_TRUE:
		override = 1;
		break;
	default:
		/* A command the caller named is kept, and so is one the image
		 * probes for readiness; otherwise replace what would exit at
		 * once: nothing, or a shell/interpreter last. */
		if (has_command(json_object_get(body, "Cmd")) ||
		    has_command(json_object_get(body, "Entrypoint")) ||
		    asks_readiness(body, icfg))
			override = 0;
		else if (has_command(cm))
			override = is_interactive(last_word(cm));
		else if (has_command(ep))
			override = is_interactive(last_word(ep));
		else
			override = 1;
		break;
	}
	if (!override)
		return 0;

	/* An ENTRYPOINT that is a program of its own (a set-up script that
	 * ends with exec "$@", tini) still runs and hands over to the
	 * keep-alive; one that is itself a shell or interpreter is replaced. */
	if (has_command(ep) && !is_interactive(first_word(ep))) {
		json_t *a = keepalive_argv();

		if (!a || json_object_set_new(body, "Cmd", a) < 0)
			return ohs__error_oom();
		if (!has_command(json_object_get(body, "Entrypoint")))
			json_object_del(body, "Entrypoint");
	} else {
		json_t *a = keepalive_argv(), *empty = json_array();

		if (!a || !empty || json_object_set_new(body, "Entrypoint", a) < 0 ||
		    json_object_set_new(body, "Cmd", empty) < 0) {
			if (!a)
				json_decref(empty);
			return ohs__error_oom();
		}
	}
	*overridden = 1;
	return 0;
}

int ohs__mainproc_check_shell(ohs_client *c, const char *cid, const char *image)
{
	int rc = ohs__engine_path_stat(c, cid, "/bin/sh", "stat /bin/sh");

	if (rc < 0 && ohs__engine_err_last() == OHS__ENG_NOT_FOUND)
		return ohs__error_set(OHS_EINVAL, "image \"%s\" has no /bin/sh, which the keep-alive "
			"(SANDBOX_OVERRIDE_COMMAND) needs: use SANDBOX_OVERRIDE_COMMAND=false "
			"(ohs_config_set_override_command) with an image whose own command runs "
			"for as long as the sandbox", image);
	return rc < 0 ? rc : 0;
}
