/*
 * libohsandbox - Docker Engine API transport.  See ohs_client_new(3).
 *
 * One ohs_client may be shared by many threads: each plain request takes an
 * idle kept-alive connection (a single thread always reuses the same one;
 * concurrent threads get one each), streams use connections of their own.
 */
#ifndef OHSANDBOX_CLIENT_H
#define OHSANDBOX_CLIENT_H

#include "common.h"

OHS_BEGIN_DECL

typedef struct ohs_client ohs_client;

/**
 * A client for the engine named by DOCKER_HOST (unix://PATH, default
 * unix:///var/run/docker.sock, or tcp://HOST:PORT), read from `envp` (NULL:
 * the process environment).  DOCKER_TLS_VERIFY set to any non-empty value:
 * TLS verified against DOCKER_CERT_PATH/ca.pem (default ~/.docker) and no
 * other CA.  DOCKER_CERT_PATH alone: TLS without verification, and plain
 * tcp://: no TLS; both work with a warning (ohs_client_warning()).  Pings the
 * engine and negotiates the API version (DOCKER_API_VERSION overrides).
 */
OHS_EXTERN(int) ohs_client_new(ohs_client **out, const char *const *envp);

OHS_EXTERN(void) ohs_client_free(ohs_client *client);

/** API version in use, e.g. "1.41". */
OHS_EXTERN(const char *) ohs_client_api_version(const ohs_client *client);

/** The engine address in use, e.g. "unix:///var/run/docker.sock". */
OHS_EXTERN(const char *) ohs_client_host(const ohs_client *client);

/**
 * Warnings about the connection, one line each: plain tcp:// without TLS,
 * or TLS without verification.  ohs_client_warning() returns NULL when i is
 * out of range; the strings live as long as the client.
 */
OHS_EXTERN(size_t) ohs_client_warning_count(const ohs_client *client);
OHS_EXTERN(const char *) ohs_client_warning(const ohs_client *client, size_t i);

/** Connect timeout and per-request timeout in milliseconds (0: none). */
OHS_EXTERN(int) ohs_client_set_timeouts(ohs_client *client, long connect_ms, long request_ms);

/** GET /_ping. */
OHS_EXTERN(int) ohs_client_ping(ohs_client *client);

OHS_END_DECL

#endif
