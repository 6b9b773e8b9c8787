/*
 * A downstream user of an installed libohsandbox, built with nothing but
 * `pkg-config --cflags --libs libohsandbox` (see tests/downstream.sh).
 *
 * Prints the run-time library version on the first line, then the engine
 * create body that an environment gives.  The environment is argv[1..]
 * ("NAME=value" entries) or, without arguments, a built-in sample.
 */
#include <stdio.h>
#include <stdlib.h>

#include <ohsandbox.h>

#if !defined(OHS_VERSION_NUMBER) || OHS_VERSION_NUMBER < 0x000100
# error "libohsandbox >= 0.1.0 is needed"
#endif

int main(int argc, char **argv)
{
	static const char *const sample[] = {
		"HOME=/tmp",
		"SANDBOX_VOLUMES=/tmp:/workspace:ro",
		"SANDBOX_USER_ID=1000",
		"SANDBOX_RUNTIME_BINDING_ADDRESS=127.0.0.1",
		"AGENT_SERVER_IMAGE_REPOSITORY=ohs-test",
		"AGENT_SERVER_IMAGE_TAG=latest",
		NULL
	};
	const char *const *envp = argc > 1 ? (const char *const *)argv + 1 : sample;
	ohs_config *cfg = NULL;
	char *body = NULL;
	int rc;

	printf("libohsandbox %s (headers %s)\n", ohs_version(), OHS_VERSION);
	if (ohs_version_number() < OHS_VERSION_NUMBER) {
		fprintf(stderr, "demo: run-time library %s is older than the headers %s\n",
			ohs_version(), OHS_VERSION);
		return 1;
	}
	if ((rc = ohs_env_load(&cfg, envp)) < 0 ||
	    (rc = ohs_config_create_body(&body, cfg)) < 0) {
		const char *msg = ohs_error_last();

		fprintf(stderr, "demo: %s\n", msg ? msg : ohs_strerror(rc));
		ohs_config_free(cfg);
		return 2;
	}
	printf("%s\n", body);
	ohs_free(body);
	ohs_config_free(cfg);
	return 0;
}
