/*
 * Internal transport API: plain requests (client.c), the client object
 * (endpoint.c), hijacked connections (conn.c) and the frame demultiplexer
 * (stream.c).  Requests are made by the engine layer (engine.c) only; the
 * hijacked connection and the demultiplexer are read by exec.c, shell.c,
 * runmain.c and session.c (logs); session.c asks ohs__client_is_podman.
 * Also used by the unit tests and fuzz targets.  The transport's own
 * shared internals are in transport_int.h.  Not installed; nothing here is
 * exported.
 */
#ifndef OHS_CLIENT_INT_H
#define OHS_CLIENT_INT_H

#include <jansson.h>
#include "ohsandbox/client.h"

/* A response: HTTP status and the whole body (NUL-terminated). */
typedef struct {
	long status;
	char *body;
	size_t len;
} ohs__response;

void ohs__response_clear(ohs__response *r);

/*
 * One request on the client's kept-alive connection.  `path` is the API
 * path without the version prefix, e.g. "/containers/create?name=x"; the
 * client adds "/v1.41".  `body` may be NULL.  A status >= 400 is turned into
 * the matching OHS_E* code with the engine's "message" in the last error
 * (prefixed by `what`, e.g. "create container"); *resp is filled either way
 * when resp is not NULL.
 */
int ohs__client_request(ohs_client *c, const char *method, const char *path,
	const char *content_type, const char *body, size_t body_len,
	ohs__response *resp, const char *what);

/* JSON in, JSON out (`*out` may be NULL on empty bodies; out may be NULL). */
int ohs__client_json(ohs_client *c, const char *method, const char *path,
	json_t *body, json_t **out, const char *what);

/*
 * A request whose response body is streamed to `on_data` as it arrives
 * (logs, exec start without stdin, pull progress, archive download).
 * Returning non-zero from on_data aborts the transfer (the call then
 * returns that value if negative, else OHS_ERROR).  `timeout_ms` 0: none.
 * Uses a connection of its own.
 */
typedef int (*ohs__data_cb)(const char *data, size_t len, void *payload);
int ohs__client_stream(ohs_client *c, const char *method, const char *path,
	const char *content_type, const char *body, size_t body_len,
	ohs__data_cb on_data, void *payload, long timeout_ms, const char *what);

/*
 * A request whose request body is read from `read_cb` as it is sent (archive
 * upload).  read_cb returns bytes written into buf, 0 at the end, or a
 * negative OHS_E* code to abort.
 */
typedef long (*ohs__read_cb)(char *buf, size_t size, void *payload);
int ohs__client_upload(ohs_client *c, const char *method, const char *path,
	const char *content_type, ohs__read_cb read_cb, void *payload,
	const char *what);

/*
 * A hijacked connection (101 UPGRADED) for attach / exec with stdin.
 * Sends `method path` with the JSON body and "Connection: Upgrade",
 * "Upgrade: tcp"; on success the raw stream is ready.
 */
typedef struct ohs__conn ohs__conn;
int ohs__client_hijack(ohs_client *c, const char *method, const char *path,
	const char *body, ohs__conn **out, const char *what);
/* Write all of buf. */
int ohs__conn_send(ohs__conn *conn, const void *buf, size_t len);
/* Read up to len bytes; waits at most timeout_ms (-1: forever). Returns
 * bytes read (> 0), 0 at end of stream, OHS_ETIMEOUT, or another OHS_E*. */
long ohs__conn_recv(ohs__conn *conn, void *buf, size_t len, long timeout_ms);
/* Half-close the write side (stdin EOF) where the transport allows it. */
int ohs__conn_close_write(ohs__conn *conn);
void ohs__conn_free(ohs__conn *conn);

/*
 * The engine's 8-byte stream frame demultiplexer.  Feed it bytes in any
 * chunking; it calls on_frame(stream, data, len) with stream 0 stdin,
 * 1 stdout, 2 stderr, 3 engine error.  A non-zero return stops feeding.
 */
typedef int (*ohs__frame_cb)(int stream, const char *data, size_t len, void *payload);
typedef struct {
	unsigned char hdr[8];
	size_t hdr_have;
	int stream;
	size_t remaining;
	ohs__frame_cb cb;
	void *payload;
} ohs__demux;
void ohs__demux_init(ohs__demux *d, ohs__frame_cb cb, void *payload);
int ohs__demux_feed(ohs__demux *d, const char *data, size_t len);
/* Non-zero when the stream ended inside a frame (truncated stream). */
int ohs__demux_partial(const ohs__demux *d);

/*
 * Map an HTTP status >= 400 and its body to OHS_E* (400 EINVAL, 401/403
 * EPERM, 404 ENOTFOUND, 409 ECONFLICT, 5xx EENGINE, else ERROR) with the
 * message "<what>: <engine's message>" and the status recorded; 0 below 400.
 */
int ohs__client_status_error(long status, const char *body, size_t len, const char *what);

/* New connections the client's kept-alive handle has opened so far (tests). */
long ohs__client_num_connects(ohs_client *c);

/*
 * Set up the libcurl easy handle `easy` (a CURL *) for `url` exactly as the
 * client does before every request (TLS files, verification, no CA
 * directory), on top of whatever options it already has (tests).
 * `errbuf` has CURL_ERROR_SIZE bytes.
 */
int ohs__client_setup_handle(ohs_client *c, void *easy, const char *url, char *errbuf);

/* 1 when the engine is Podman's Docker-compatible API (seen at the version
 * negotiation: a Libpod-Api-Version header), else 0. */
int ohs__client_is_podman(const ohs_client *c);

/* URL-escape one path or query component; free with free(). */
char *ohs__client_escape(const char *s);

/*
 * An API path: `prefix`, then `arg` URL-escaped, then `suffix` (may be
 * NULL), e.g. ohs__client_path("/containers/", id, "/json").  Free with
 * free(); NULL (with OHS_ENOMEM set) when out of memory.
 */
char *ohs__client_path(const char *prefix, const char *arg, const char *suffix);

#endif
