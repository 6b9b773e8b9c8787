/*
 * fuzz_cli: the ohsandbox CLI's argument parsing.  run.sh compiles
 * tools/ohsandbox.c on its own with main renamed to ohs_cli_main (the line
 * below tells it to link that object):
 * OHS-FUZZ-WITH: ohsandbox-cli.o
 * argv comes from the input split on NUL bytes.  Only commands that cannot
 * reach an engine run: "config", "version", "help" and unknown words;
 * "run", "ps" and "reap" are skipped, and DOCKER_HOST points at a socket
 * that does not exist anyway.
 *
 * Output: fd 1 goes to /dev/null once at start, and during each call the
 * stderr stream is a /dev/null stream (fuzz_cli_null below) instead of
 * closing fd 2, so that sanitizer and libFuzzer reports stay visible.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"

/* tools/ohsandbox.c's main, renamed (the CLI has no header of its own). */
int ohs_cli_main(int argc, char **argv);

/* tools/ohsandbox.c: the exit status of a usage error. */
#define EXIT_USAGE 2

static FILE *fuzz_cli_null;

#define MAX_ARGS 32

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd;

	(void)argc;
	(void)argv;
	setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock", 1);
	unsetenv("DOCKER_TLS_VERIFY");
	unsetenv("DOCKER_CERT_PATH");
	setenv("HOME", "/home/fuzz", 1);
	if (!(fuzz_cli_null = fopen("/dev/null", "w")))
		abort();
	fflush(stdout);
	if ((fd = open("/dev/null", O_WRONLY)) < 0 || dup2(fd, 1) < 0)
		abort();
	close(fd);
	return 0;
}

static int engine_command(const char *cmd)
{
	return !strcmp(cmd, "run") || !strcmp(cmd, "ps") || !strcmp(cmd, "reap");
}

/* Reset getopt's hidden state: glibc re-initialises (and forgets any
 * half-parsed "-abc" cluster of the previous argv) when optind is 0. */
static void reset_getopt(void)
{
	static char arg0[] = "fuzz";
	char *dummy[] = { arg0, NULL };

	optind = 0;
	opterr = 0;
	(void)getopt(1, dummy, "+");
	opterr = 1;
	optind = 1;
#ifdef HAVE_OPTRESET
	optreset = 1;
#endif
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *argv[MAX_ARGS + 2], *p, *end;
	FILE *saved_stderr;
	int argc = 0, rc;

	buf = malloc(size + 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	static char arg0[] = "ohsandbox";

	argv[argc++] = arg0;
	for (p = buf, end = buf + size; p < end && argc < MAX_ARGS + 1; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;

	if (argc >= 2 && engine_command(argv[1])) {
		free(buf);
		return 0;
	}
	reset_getopt();
	saved_stderr = stderr;
	stderr = fuzz_cli_null; /* glibc's stderr is an assignable variable */
	rc = ohs_cli_main(argc, argv);
	stderr = saved_stderr;
	fflush(stdout);
	if (rc != 0 && rc != EXIT_USAGE)
		fuzz_fail("ohs_cli_main(\"%s\", %d arguments) exited %d", argc > 1 ? argv[1] : "",
			argc - 1, rc);
	free(buf);
	return 0;
}
