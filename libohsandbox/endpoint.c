/*
 * endpoint: the ohs_client object, i.e. which engine to talk to and how.
 *
 * DOCKER_HOST (unix socket or tcp), TLS like the Docker CLI
 * (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH), the API version (the engine's
 * /_ping Api-Version, or DOCKER_API_VERSION), the client's warnings,
 * getters and timeouts.  The requests
 * themselves are client.c's; hijacked connections are conn.c's.
 */
#include "transport_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------------------- helpers */

/*
 * DOCKER_HOST as it may be shown in a message: any user information
 * ("user:password@") replaced by "***".  Everything from after "scheme://"
 * (or from the start when there is no scheme) up to the last '@' is masked,
 * so that a password containing '/' or '@' is masked too; a unix:// value
 * whose path is absolute has no user information.  NULL on OOM.
 */
static char *mask_host(const char *v)
{
	const char *sep = strstr(v, "://");
	const char *start = sep ? sep + 3 : v;
	const char *at = strrchr(start, '@');

	if (!at || *start == '/')
		return ohs__strdup(v);
	return ohs__sprintf("%.*s***%s", (int)(start - v), v, at);
}

/* Parse "1.NN" into NN; -1 when malformed. */
static int parse_api_version(const char *v)
{
	char *end;
	long minor;

	if (!v || strncmp(v, "1.", 2) != 0 || v[2] < '0' || v[2] > '9')
		return -1;
	errno = 0;
	minor = strtol(v + 2, &end, 10);
	if (errno || *end || minor < 0 || minor > 999)
		return -1;
	return (int)minor;
}

/* ---------------------------------------------------------------- ping and version */

int ohs__client_is_podman(const ohs_client *c)
{
	return c && c->podman;
}

int ohs_client_ping(ohs_client *client)
{
	if (!client)
		return ohs__error_set(OHS_EINVAL, "ohs_client_ping: client is NULL");
	return ohs__client_ping(client, NULL);
}

static int negotiate(ohs_client *c, const char *override)
{
	char *engine = NULL;
	int rc, minor;

	rc = ohs__client_ping(c, &engine);
	if (rc < 0)
		return rc;
	if (override) {
		free(engine);
		minor = parse_api_version(override);
		if (minor < 0)
			return ohs__error_set(OHS_EINVAL,
				"DOCKER_API_VERSION (\"%s\"): expected a version of the form 1.NN, e.g. 1.41",
				override);
		if (minor < OHS_API_MIN_MINOR || minor > OHS_API_MAX_MINOR)
			return ohs__error_set(OHS_ENOTSUPPORTED,
				"DOCKER_API_VERSION (\"%s\"): supported API versions are 1.%d to 1.%d",
				override, OHS_API_MIN_MINOR, OHS_API_MAX_MINOR);
		snprintf(c->api_version, sizeof(c->api_version), "1.%d", minor);
		return 0;
	}
	if (!engine || !*engine) {
		free(engine);
		return ohs__error_set(OHS_EPROTOCOL,
			"the Docker engine at %s did not report its API version "
			"(no Api-Version header in the answer to /_ping); set DOCKER_API_VERSION",
			c->host);
	}
	minor = parse_api_version(engine);
	if (minor < 0) {
		rc = ohs__error_set(OHS_EPROTOCOL,
			"the Docker engine at %s reported a malformed API version \"%s\" "
			"(expected 1.NN)", c->host, engine);
		free(engine);
		return rc;
	}
	if (minor < OHS_API_MIN_MINOR) {
		rc = ohs__error_set(OHS_ENOTSUPPORTED,
			"the Docker engine at %s: engine API version %s is older than the oldest "
			"supported 1.%d", c->host, engine, OHS_API_MIN_MINOR);
		free(engine);
		return rc;
	}
	free(engine);
	if (minor > OHS_API_MAX_MINOR)
		minor = OHS_API_MAX_MINOR;
	snprintf(c->api_version, sizeof(c->api_version), "1.%d", minor);
	return 0;
}

/* ---------------------------------------------------------------- construction */

static int file_readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* Takes `text` (NULL: out of memory). */
static int add_warning(ohs_client *c, char *text)
{
	return ohs__strvec_push_owned(&c->warnings, text);
}

/*
 * TLS the way the Docker CLI does it: DOCKER_TLS_VERIFY set to any
 * non-empty value (even "0" or "false") verifies the engine against
 * DOCKER_CERT_PATH/ca.pem (default ~/.docker) and nothing else;
 * DOCKER_CERT_PATH alone encrypts without verifying (a warning).
 */
static int setup_tls(ohs_client *c, const char *const *envp)
{
	const char *verify = ohs__env_lookup(envp, "DOCKER_TLS_VERIFY");
	const char *dir = ohs__env_lookup(envp, "DOCKER_CERT_PATH");
	const char *home;
	char *ca, *cert, *key;
	int has_cert, has_key;

	if (!(verify && *verify) && !(dir && *dir))
		return 0;
	c->tls = 1;
	c->tls_verify = verify && *verify;
	if (dir && *dir) {
		c->cert_dir = ohs__strdup(dir);
	} else {
		home = ohs__env_lookup(envp, "HOME");
		if (!home || !*home)
			return ohs__error_set(OHS_ETLS,
				"DOCKER_TLS_VERIFY is set but neither DOCKER_CERT_PATH nor HOME is, "
				"so the certificates (ca.pem, cert.pem, key.pem) cannot be found");
		c->cert_dir = ohs__sprintf("%s/.docker", home);
	}
	if (!c->cert_dir)
		return ohs__error_oom();
	ca = ohs__sprintf("%s/ca.pem", c->cert_dir);
	cert = ohs__sprintf("%s/cert.pem", c->cert_dir);
	key = ohs__sprintf("%s/key.pem", c->cert_dir);
	if (!ca || !cert || !key) {
		free(ca), free(cert), free(key);
		return ohs__error_oom();
	}
	if (c->tls_verify && !file_readable(ca)) {
		int err = errno;

		ohs__error_set(OHS_ETLS, "DOCKER_TLS_VERIFY is set but the CA certificate %s "
			"cannot be read (%s); expected ca.pem, cert.pem and key.pem in %s%s",
			ca, strerror(err), c->cert_dir, dir && *dir ? " (DOCKER_CERT_PATH)" : "");
		free(ca), free(cert), free(key);
		return OHS_ETLS;
	}
	has_cert = file_readable(cert);
	has_key = file_readable(key);
	if (has_cert != has_key) {
		ohs__error_set(OHS_ETLS, "TLS client certificate: %s %s but %s %s; "
			"expected both cert.pem and key.pem in %s, or neither",
			cert, has_cert ? "is readable" : "cannot be read",
			key, has_key ? "is readable" : "cannot be read", c->cert_dir);
		free(ca), free(cert), free(key);
		return OHS_ETLS;
	}
	/* Without verification no CA is used at all: say so, not "the CA". */
	if (c->tls_verify)
		c->ca_file = ca;
	else
		free(ca);
	if (has_cert) {
		c->cert_file = cert;
		c->key_file = key;
	} else {
		free(cert);
		free(key);
	}
	return 0;
}

static int parse_host(ohs_client *c, const char *dh, const char *const *envp)
{
	const char *v = dh && *dh ? dh : "unix://" OHS_DEFAULT_SOCKET;
	char *shown = mask_host(v); /* never print a password */
	int rc;

	if (!shown)
		return ohs__error_oom();
	c->origin = dh && *dh ? ohs__sprintf("DOCKER_HOST=\"%s\"", shown) : ohs__strdup("DOCKER_HOST unset");
	if (!c->origin) {
		rc = ohs__error_oom();
		goto out;
	}
	if (strncmp(v, "unix://", 7) == 0) {
		const char *p = v + 7;

		if (*p != '/') {
			rc = ohs__error_set(OHS_EINVAL,
				"DOCKER_HOST (\"%s\"): expected an absolute socket path after unix://, "
				"e.g. unix:///var/run/docker.sock", shown);
			goto out;
		}
		c->sock_path = ohs__strdup(p);
		c->host = ohs__strdup(v);
		c->base_url = ohs__strdup("http://localhost");
		c->host_hdr = ohs__strdup("localhost");
		rc = !c->sock_path || !c->host || !c->base_url || !c->host_hdr ? ohs__error_oom() : 0;
		goto out;
	}
	if (strncmp(v, "tcp://", 6) == 0) {
		const char *hp = v + 6;
		size_t n = strlen(hp);
		const char *colon;
		char *hostport;

		while (n && hp[n - 1] == '/')
			n--;
		if (memchr(hp, '@', n)) {
			rc = ohs__error_set(OHS_EINVAL,
				"DOCKER_HOST (\"%s\"): user information (user:password@) is not supported; "
				"expected tcp://HOST:PORT, e.g. tcp://127.0.0.1:2376", shown);
			goto out;
		}
		if (n == 0 || memchr(hp, '/', n) || memchr(hp, '?', n)) {
			rc = ohs__error_set(OHS_EINVAL,
				"DOCKER_HOST (\"%s\"): expected tcp://HOST:PORT, e.g. tcp://127.0.0.1:2376", shown);
			goto out;
		}
		if ((rc = setup_tls(c, envp)) < 0)
			goto out;
		hostport = ohs__strndup(hp, n);
		if (!hostport) {
			rc = ohs__error_oom();
			goto out;
		}
		/* Port given?  (An IPv6 address is written [addr]:port.) */
		colon = strrchr(hostport, ':');
		if (colon && strchr(colon, ']'))
			colon = NULL;
		if (colon) {
			char *end;
			long port = strtol(colon + 1, &end, 10);

			if (colon[1] == '\0' || *end || port < 1 || port > 65535) {
				rc = ohs__error_set(OHS_EINVAL,
					"DOCKER_HOST (\"%s\"): port \"%s\" is not a number from 1 to 65535",
					shown, colon + 1);
				free(hostport);
				goto out;
			}
			c->host_hdr = hostport;
		} else {
			c->host_hdr = ohs__sprintf("%s:%d", hostport, c->tls ? 2376 : 2375);
			free(hostport);
		}
		if (!c->host_hdr) {
			rc = ohs__error_oom();
			goto out;
		}
		c->host = ohs__sprintf("tcp://%s", c->host_hdr);
		c->base_url = ohs__sprintf("%s://%s", c->tls ? "https" : "http", c->host_hdr);
		if (!c->host || !c->base_url) {
			rc = ohs__error_oom();
			goto out;
		}
		if (!c->tls)
			rc = add_warning(c, ohs__sprintf("the Docker engine at %s is reached over plain TCP "
				"(DOCKER_TLS_VERIFY and DOCKER_CERT_PATH unset): the connection is neither "
				"encrypted nor authenticated; set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH",
				c->host));
		else if (!c->tls_verify)
			rc = add_warning(c, ohs__sprintf("the Docker engine at %s is reached over TLS "
				"without verification (DOCKER_CERT_PATH set, DOCKER_TLS_VERIFY unset): "
				"the engine's certificate is not checked; set DOCKER_TLS_VERIFY=1 to "
				"trust only %s/ca.pem", c->host, c->cert_dir));
		goto out;
	}
	rc = ohs__error_set(OHS_ENOTSUPPORTED,
		"DOCKER_HOST (\"%s\"): this scheme is not supported; supported forms are "
		"unix:///path/to/socket (default unix://%s) and tcp://HOST:PORT "
		"(with TLS when DOCKER_TLS_VERIFY or DOCKER_CERT_PATH is set)",
		shown, OHS_DEFAULT_SOCKET);
out:
	free(shown);
	return rc;
}

void ohs_client_free(ohs_client *client)
{
	if (!client)
		return;
	while (client->nidle)
		curl_easy_cleanup(client->idle[--client->nidle]);
	pthread_mutex_destroy(&client->lock);
	free(client->host);
	free(client->origin);
	free(client->sock_path);
	free(client->base_url);
	free(client->host_hdr);
	free(client->cert_dir);
	free(client->ca_file);
	free(client->cert_file);
	free(client->key_file);
	ohs__strvec_clear(&client->warnings);
	free(client);
}

int ohs_client_new(ohs_client **out, const char *const *envp)
{
	ohs_client *c;
	const char *override;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_client_new: out is NULL");
	*out = NULL;
	if ((rc = ohs__curl_init()) < 0)
		return rc;
	c = calloc(1, sizeof(*c));
	if (!c)
		return ohs__error_oom();
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		return ohs__error_set(OHS_ERROR, "ohs_client_new: cannot create a mutex");
	}
	c->connect_ms = OHS_DEFAULT_CONNECT_MS;
	c->request_ms = 0;
	if ((rc = parse_host(c, ohs__env_lookup(envp, "DOCKER_HOST"), envp)) < 0)
		goto fail;
	override = ohs__env_lookup(envp, "DOCKER_API_VERSION");
	if (override && !*override)
		override = NULL;
	if (override && parse_api_version(override) < 0) {
		rc = ohs__error_set(OHS_EINVAL,
			"DOCKER_API_VERSION (\"%s\"): expected a version of the form 1.NN, e.g. 1.41",
			override);
		goto fail;
	}
	if (c->sock_path && (rc = ohs__client_diagnose_unix(c)) < 0)
		goto fail;
	if ((rc = negotiate(c, override)) < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	ohs_client_free(c);
	return rc;
}

const char *ohs_client_api_version(const ohs_client *client)
{
	return client ? client->api_version : NULL;
}

const char *ohs_client_host(const ohs_client *client)
{
	return client ? client->host : NULL;
}

size_t ohs_client_warning_count(const ohs_client *client)
{
	return client ? client->warnings.n : 0;
}

const char *ohs_client_warning(const ohs_client *client, size_t i)
{
	return client ? ohs__strvec_at(&client->warnings, i) : NULL;
}

int ohs_client_set_timeouts(ohs_client *client, long connect_ms, long request_ms)
{
	if (!client)
		return ohs__error_set(OHS_EINVAL, "ohs_client_set_timeouts: client is NULL");
	if (connect_ms < 0)
		return ohs__error_set(OHS_EINVAL,
			"ohs_client_set_timeouts: connect_ms (%ld) must be 0 (none) or positive", connect_ms);
	if (request_ms < 0)
		return ohs__error_set(OHS_EINVAL,
			"ohs_client_set_timeouts: request_ms (%ld) must be 0 (none) or positive", request_ms);
	pthread_mutex_lock(&client->lock);
	client->connect_ms = connect_ms;
	client->request_ms = request_ms;
	pthread_mutex_unlock(&client->lock);
	return 0;
}
