/*
 * Private to the transport: shared by client.c (plain HTTP requests over
 * libcurl), endpoint.c (the ohs_client object: DOCKER_HOST, TLS files,
 * version negotiation) and conn.c (hijacked connections).  Everything
 * declared here is defined in client.c: endpoint.c and conn.c call into it,
 * never the other way (no circle).  No other module includes it: they use
 * client_int.h.  Not installed.
 */
#ifndef OHS_TRANSPORT_INT_H
#define OHS_TRANSPORT_INT_H

#include <curl/curl.h>
#include <pthread.h>
#include "internal.h"
#include "client_int.h"

#define OHS_DEFAULT_SOCKET "/var/run/docker.sock"
#define OHS_API_MIN_MINOR 40
#define OHS_API_MAX_MINOR 47
#define OHS_DEFAULT_CONNECT_MS 10000L
#define OHS_BODY_SNIPPET 200
#define OHS_MAX_IDLE 16 /* idle kept-alive handles kept for plain requests */

struct ohs_client {
	char *host;        /* "unix:///var/run/docker.sock", "tcp://h:p" */
	char *origin;      /* "DOCKER_HOST unset" or "DOCKER_HOST=\"...\"" (user info masked) */
	char *sock_path;   /* unix only */
	char *base_url;    /* "http://localhost", "https://h:p" */
	char *host_hdr;    /* value of the Host header for hijacks */
	int tls;
	int tls_verify;
	char *cert_dir;
	char *ca_file, *cert_file, *key_file; /* NULL when not used */
	ohs__strvec warnings; /* plain tcp://, TLS without verification */
	char api_version[16];
	int podman;        /* the engine is Podman's compat API (Libpod-Api-Version) */
	long connect_ms;
	long request_ms;
	long num_connects;
	pthread_mutex_t lock; /* guards idle/nidle, num_connects, timeouts */
	CURL *idle[OHS_MAX_IDLE];
	size_t nidle;
};

/* ---- client.c */

/* curl_global_init() once per process; OHS_ERROR when it failed. */
int ohs__curl_init(void);

/*
 * GET /_ping (unversioned) on a kept-alive handle.  With api_version not
 * NULL: *api_version gets the Api-Version header (NULL when absent; free
 * it) and the client records whether the engine is Podman.
 */
int ohs__client_ping(ohs_client *c, char **api_version);

/* The client's timeouts, read under its lock (either pointer may be NULL). */
void ohs__client_timeouts(ohs_client *c, long *connect_ms, long *request_ms);

/*
 * A fresh easy handle set up for `url` with the client's options (TLS,
 * socket, connect timeout) and `timeout_ms` (0: none); NULL with *rc set.
 * `errbuf` has CURL_ERROR_SIZE bytes.
 */
CURL *ohs__client_easy_new(ohs_client *c, const char *url, char *errbuf,
	long timeout_ms, int *rc);

/*
 * Why the client's unix socket cannot be used (stat, access, connect), as
 * OHS_EUNREACHABLE / OHS_EPERM / OHS_EINVAL with a message; 0 when it
 * looks fine.
 */
int ohs__client_diagnose_unix(const ohs_client *c);

/* A libcurl failure as OHS_E* with a message naming `what` and the engine. */
int ohs__client_curl_error(const ohs_client *c, CURLcode rc, const char *errbuf,
	const char *what, long timeout_ms);

#endif
