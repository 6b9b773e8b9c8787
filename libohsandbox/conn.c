/*
 * conn: hijacked connections (101 UPGRADED) for attach and exec with stdin.
 *
 * libcurl stays in charge of the connection (CURLOPT_CONNECT_ONLY), so unix
 * sockets and TLS work as for plain requests: the HTTP request is written
 * with curl_easy_send(), the response head and then the raw stream are read
 * with curl_easy_recv(), waiting on CURLINFO_ACTIVESOCKET with poll().
 * Each connection has an easy handle of its own.
 */
#include "transport_int.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

struct ohs__conn {
	ohs_client *client;
	CURL *easy;
	int tls;
	char *pending;     /* bytes read past the response head */
	size_t pending_len, pending_off;
};

static long elapsed_ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000L + (t.tv_nsec - t0->tv_nsec) / 1000000L;
}

/* ---------------------------------------------------------------- hijacked connections */

static int conn_socket(ohs__conn *conn)
{
	curl_socket_t fd = CURL_SOCKET_BAD;

	if (curl_easy_getinfo(conn->easy, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK)
		return -1;
	return fd == CURL_SOCKET_BAD ? -1 : (int)fd;
}

/* Wait until the socket is readable/writable; at most timeout_ms after t0 (< 0: forever). */
static int conn_wait(ohs__conn *conn, short events, const struct timespec *t0, long timeout_ms)
{
	struct pollfd p;
	int fd = conn_socket(conn), r;
	long left;

	if (fd < 0)
		return ohs__error_set(OHS_EUNREACHABLE, "connection to the Docker engine is closed");
	for (;;) {
		left = -1;
		if (timeout_ms >= 0) {
			left = timeout_ms - elapsed_ms_since(t0);
			if (left < 0)
				left = 0;
		}
		p.fd = fd;
		p.events = events;
		p.revents = 0;
		r = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (r > 0)
			return 0;
		if (r == 0)
			return OHS_ETIMEOUT;
		if (errno != EINTR)
			return ohs__error_set(OHS_ERROR, "poll: %s", strerror(errno));
	}
}

int ohs__conn_send(ohs__conn *conn, const void *buf, size_t len)
{
	const char *p = buf;
	struct timespec t0;
	CURLcode crc;
	size_t n;
	int rc;

	if (!conn || (!buf && len))
		return ohs__error_set(OHS_EINVAL, "ohs__conn_send: %s is NULL", conn ? "buf" : "conn");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (len) {
		n = 0;
		crc = curl_easy_send(conn->easy, p, len, &n);
		if (crc == CURLE_AGAIN) {
			if ((rc = conn_wait(conn, POLLOUT, &t0, -1)) < 0)
				return rc;
			continue;
		}
		if (crc != CURLE_OK)
			return ohs__error_set(OHS_EUNREACHABLE,
				"sending to the Docker engine at %s failed: %s",
				conn->client->host, curl_easy_strerror(crc));
		p += n;
		len -= n;
	}
	return 0;
}

static long conn_recv_raw(ohs__conn *conn, void *buf, size_t len, const struct timespec *t0,
	long timeout_ms)
{
	CURLcode crc;
	size_t n;
	int rc;

	for (;;) {
		n = 0;
		crc = curl_easy_recv(conn->easy, buf, len, &n);
		if (crc == CURLE_OK)
			return (long)n;
		if (crc == CURLE_AGAIN) {
			if ((rc = conn_wait(conn, POLLIN, t0, timeout_ms)) < 0)
				return rc;
			continue;
		}
		if (crc == CURLE_UNSUPPORTED_PROTOCOL) /* connection already gone */
			return 0;
		return ohs__error_set(OHS_EUNREACHABLE,
			"reading from the Docker engine at %s failed: %s",
			conn->client->host, curl_easy_strerror(crc));
	}
}

long ohs__conn_recv(ohs__conn *conn, void *buf, size_t len, long timeout_ms)
{
	struct timespec t0;
	long n;

	if (!conn || !buf)
		return ohs__error_set(OHS_EINVAL, "ohs__conn_recv: %s is NULL", conn ? "buf" : "conn");
	if (len == 0)
		return ohs__error_set(OHS_EINVAL, "ohs__conn_recv: len is 0");
	if (conn->pending_off < conn->pending_len) {
		size_t k = conn->pending_len - conn->pending_off;

		if (k > len)
			k = len;
		memcpy(buf, conn->pending + conn->pending_off, k);
		conn->pending_off += k;
		if (conn->pending_off == conn->pending_len) {
			free(conn->pending);
			conn->pending = NULL;
			conn->pending_len = conn->pending_off = 0;
		}
		return (long)k;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = conn_recv_raw(conn, buf, len, &t0, timeout_ms);
	if (n == OHS_ETIMEOUT)
		return ohs__error_set(OHS_ETIMEOUT,
			"no data from the Docker engine at %s within %ld ms",
			conn->client->host, timeout_ms);
	return n;
}

int ohs__conn_close_write(ohs__conn *conn)
{
	int fd;

	if (!conn)
		return ohs__error_set(OHS_EINVAL, "ohs__conn_close_write: conn is NULL");
	if (conn->tls)
		return ohs__error_set(OHS_ENOTSUPPORTED,
			"closing the write side of a TLS connection to the Docker engine at %s "
			"is not supported (a TLS half-close is not possible with libcurl)",
			conn->client->host);
	fd = conn_socket(conn);
	if (fd < 0)
		return ohs__error_set(OHS_EUNREACHABLE,
			"connection to the Docker engine at %s is closed", conn->client->host);
	if (shutdown(fd, SHUT_WR) < 0)
		return ohs__error_set(OHS_EIO, "shutdown of the connection to %s: %s",
			conn->client->host, strerror(errno));
	return 0;
}

void ohs__conn_free(ohs__conn *conn)
{
	if (!conn)
		return;
	if (conn->easy)
		curl_easy_cleanup(conn->easy);
	free(conn->pending);
	free(conn);
}

/* Content-Length from a response head, -1 when absent. */
static long head_content_length(const char *head)
{
	const char *p = head;

	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, "Content-Length:", 15) == 0)
			return strtol(p + 15, NULL, 10);
	}
	return -1;
}

int ohs__client_hijack(ohs_client *c, const char *method, const char *path,
	const char *body, ohs__conn **out, const char *what)
{
	char errbuf[CURL_ERROR_SIZE];
	ohs__conn *conn = NULL;
	ohs__buf head = {0};
	char *url = NULL, *req = NULL, *end;
	size_t body_len = body ? strlen(body) : 0;
	long connect_ms, request_ms, status = 0, n;
	struct timespec t0;
	CURLcode crc;
	int rc;

	if (out)
		*out = NULL;
	if (!c || !method || !path || !out)
		return ohs__error_set(OHS_EINVAL, "ohs__client_hijack: %s is NULL",
			!c ? "client" : !method ? "method" : !path ? "path" : "out");
	if (!what)
		what = path;
	ohs__client_timeouts(c, &connect_ms, &request_ms);
	url = ohs__sprintf("%s/", c->base_url);
	conn = calloc(1, sizeof(*conn));
	if (!url || !conn) {
		rc = ohs__error_oom();
		goto fail;
	}
	conn->client = c;
	conn->tls = c->tls;
	conn->easy = ohs__client_easy_new(c, url, errbuf, 0, &rc);
	if (!conn->easy)
		goto fail;
	curl_easy_setopt(conn->easy, CURLOPT_CONNECT_ONLY, 1L);
	crc = curl_easy_perform(conn->easy);
	if (crc != CURLE_OK) {
		rc = ohs__client_curl_error(c, crc, errbuf, what, connect_ms);
		goto fail;
	}
	curl_easy_setopt(conn->easy, CURLOPT_ERRORBUFFER, NULL);
	req = ohs__sprintf("%s /v%s%s HTTP/1.1\r\n"
		"Host: %s\r\n"
		"User-Agent: libohsandbox/%s\r\n"
		"Content-Type: application/json\r\n"
		"Content-Length: %zu\r\n"
		"Connection: Upgrade\r\n"
		"Upgrade: tcp\r\n"
		"\r\n",
		method, c->api_version, path, c->host_hdr, ohs_version(), body_len);
	if (!req) {
		rc = ohs__error_oom();
		goto fail;
	}
	if ((rc = ohs__conn_send(conn, req, strlen(req))) < 0)
		goto fail_prefix;
	if (body_len && (rc = ohs__conn_send(conn, body, body_len)) < 0)
		goto fail_prefix;

	/* The response head. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		char tmp[4096];

		if (head.len > 64 * 1024) {
			rc = ohs__error_set(OHS_EPROTOCOL, "%s: response head from the engine "
				"is larger than 64 KiB", what);
			goto fail;
		}
		n = conn_recv_raw(conn, tmp, sizeof(tmp), &t0, request_ms > 0 ? request_ms : -1);
		if (n == OHS_ETIMEOUT) {
			rc = ohs__error_set(OHS_ETIMEOUT, "%s: no answer from the Docker engine at %s "
				"within %ld ms", what, c->host, request_ms);
			goto fail;
		}
		if (n < 0) {
			rc = (int)n;
			goto fail_prefix;
		}
		if (n == 0) {
			rc = ohs__error_set(OHS_EPROTOCOL, "%s: the Docker engine at %s closed the "
				"connection %s", what, c->host,
				head.len ? "inside the response head" : "without answering");
			goto fail;
		}
		if ((rc = ohs__buf_append(&head, tmp, (size_t)n)) < 0)
			goto fail;
		if ((end = strstr(head.data, "\r\n\r\n")) != NULL)
			break;
	}
	{
		size_t hlen = (size_t)(end - head.data) + 4;
		char *sp;

		if (strncmp(head.data, "HTTP/1.", 7) != 0 || !(sp = strchr(head.data, ' '))) {
			rc = ohs__error_set(OHS_EPROTOCOL, "%s: malformed response from the engine: \"%.*s\"",
				what, (int)(strcspn(head.data, "\r\n") > 100 ? 100 : strcspn(head.data, "\r\n")),
				head.data);
			goto fail;
		}
		status = strtol(sp + 1, NULL, 10);
		if (status == 101 || status == 200) {
			if (head.len > hlen) {
				conn->pending_len = head.len - hlen;
				conn->pending = malloc(conn->pending_len);
				if (!conn->pending) {
					rc = ohs__error_oom();
					goto fail;
				}
				memcpy(conn->pending, head.data + hlen, conn->pending_len);
			}
			ohs__buf_clear(&head);
			free(url);
			free(req);
			*out = conn;
			return 0;
		}
		if (status >= 400) {
			long clen = head_content_length(head.data);
			char tmp[4096];

			/* Read the error body: Content-Length bytes, or until EOF / 2 s. */
			clock_gettime(CLOCK_MONOTONIC, &t0);
			while (clen < 0 || head.len - hlen < (size_t)clen) {
				n = conn_recv_raw(conn, tmp, sizeof(tmp), &t0, 2000);
				if (n <= 0 || ohs__buf_append(&head, tmp, (size_t)n) < 0)
					break;
				if (head.len - hlen > 64 * 1024)
					break;
			}
			rc = ohs__client_status_error(status, head.data + hlen, head.len - hlen, what);
			goto fail;
		}
		rc = ohs__error_set_http(OHS_EPROTOCOL, (int)status,
			"%s: the engine answered HTTP %ld instead of 101 UPGRADED", what, status);
		goto fail;
	}
fail_prefix:
	ohs__error_prefix(what);
fail:
	ohs__buf_clear(&head);
	ohs__conn_free(conn);
	free(url);
	free(req);
	return rc;
}
