/*
 * A scripted fake Docker engine on a unix socket; see fakeengine.h.
 */
#define _GNU_SOURCE
#include "fakeengine.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define FAKE_MAX_RULES 64
#define FAKE_MAX_CONNS 16

struct fake_rule {
	char *match;
	fake_action action;
	char *raw;
	size_t len;
	char *last; /* the last request this rule answered (head + body) */
};

struct fake_conn {
	int fd;
	int hung;
	char *buf;
	size_t len, cap;
};

struct fake_engine {
	char dir[64];
	char sock[128];
	char host[160];
	int lfd;
	int stop_pipe[2];
	pthread_t thread;
	pthread_mutex_t lock;
	struct fake_rule rules[FAKE_MAX_RULES];
	int nrules;
	int requests;
	char *last_request;
	struct fake_conn conns[FAKE_MAX_CONNS];
};

static void conn_close(struct fake_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->hung = 0;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Length of one complete request at the start of buf, 0 when incomplete. */
static size_t request_length(const char *buf, size_t len)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4);
	size_t head, clen = 0;
	const char *p;

	if (!end)
		return 0;
	head = (size_t)(end - buf) + 4;
	for (p = buf; p && p < end; p = memchr(p, '\n', (size_t)(end - p))) {
		if (*p == '\n')
			p++;
		if (strncasecmp(p, "Content-Length:", 15) == 0)
			clen = strtoul(p + 15, NULL, 10);
		if (strncasecmp(p, "Transfer-Encoding: chunked", 26) == 0) {
			const char *t = memmem(end + 4, len - head, "\r\n0\r\n\r\n", 7);

			if (len - head >= 5 && memcmp(end + 4, "0\r\n\r\n", 5) == 0)
				return head + 5;
			return t ? (size_t)(t - buf) + 7 : 0;
		}
	}
	return len >= head + clen ? head + clen : 0;
}

/* Serve the complete requests in c's buffer; 0 to keep the connection. */
static int serve(fake_engine *fe, struct fake_conn *c)
{
	size_t rl;

	while (!c->hung && (rl = request_length(c->buf, c->len)) > 0) {
		size_t line = strcspn(c->buf, "\r\n");
		struct fake_rule r = { 0 };
		int i, found = 0;

		pthread_mutex_lock(&fe->lock);
		fe->requests++;
		free(fe->last_request);
		fe->last_request = strndup(c->buf, rl);
		for (i = fe->nrules - 1; i >= 0; i--) {
			char *m = memmem(c->buf, line, fe->rules[i].match, strlen(fe->rules[i].match));

			if (m) {
				free(fe->rules[i].last);
				fe->rules[i].last = strndup(c->buf, rl);
				r = fe->rules[i];
				found = 1;
				break;
			}
		}
		if (found && r.raw) {
			char *copy = malloc(r.len);

			memcpy(copy, r.raw, r.len);
			r.raw = copy;
		}
		pthread_mutex_unlock(&fe->lock);
		memmove(c->buf, c->buf + rl, c->len - rl);
		c->len -= rl;
		if (!found) {
			static const char nf[] = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
				"Content-Length: 34\r\n\r\n{\"message\":\"page not found (fake)\"}";
			write_all(c->fd, nf, sizeof(nf) - 1);
			continue;
		}
		switch (r.action) {
		case FAKE_REPLY:
			write_all(c->fd, r.raw, r.len);
			free(r.raw);
			break;
		case FAKE_REPLY_CLOSE:
			write_all(c->fd, r.raw, r.len);
			free(r.raw);
			return -1;
		case FAKE_CLOSE:
			free(r.raw);
			return -1;
		case FAKE_HANG:
			free(r.raw);
			c->hung = 1;
			break;
		}
	}
	return 0;
}

static void *fake_thread(void *arg)
{
	fake_engine *fe = arg;

	for (;;) {
		struct pollfd p[FAKE_MAX_CONNS + 2];
		int map[FAKE_MAX_CONNS + 2];
		int n = 0, i;

		p[n].fd = fe->stop_pipe[0], p[n].events = POLLIN, map[n++] = -1;
		p[n].fd = fe->lfd, p[n].events = POLLIN, map[n++] = -2;
		for (i = 0; i < FAKE_MAX_CONNS; i++)
			if (fe->conns[i].fd >= 0) {
				p[n].fd = fe->conns[i].fd;
				p[n].events = POLLIN;
				map[n++] = i;
			}
		if (poll(p, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents)
			break;
		if (p[1].revents & POLLIN) {
			int cfd = accept4(fe->lfd, NULL, NULL, SOCK_CLOEXEC);

			if (cfd >= 0) {
				for (i = 0; i < FAKE_MAX_CONNS && fe->conns[i].fd >= 0; i++)
					;
				if (i == FAKE_MAX_CONNS)
					close(cfd);
				else
					fe->conns[i].fd = cfd;
			}
		}
		for (i = 2; i < n; i++) {
			struct fake_conn *c = &fe->conns[map[i]];
			char tmp[8192];
			ssize_t r;

			if (!p[i].revents)
				continue;
			r = recv(c->fd, tmp, sizeof(tmp), 0);
			if (r <= 0) {
				conn_close(c);
				continue;
			}
			if (c->hung)
				continue;
			if (c->len + (size_t)r + 1 > c->cap) {
				c->cap = (c->len + (size_t)r + 1) * 2;
				c->buf = realloc(c->buf, c->cap);
			}
			memcpy(c->buf + c->len, tmp, (size_t)r);
			c->len += (size_t)r;
			c->buf[c->len] = '\0';
			if (serve(fe, c) < 0)
				conn_close(c);
		}
	}
	return NULL;
}

static fake_engine *start(int tcp)
{
	fake_engine *fe = calloc(1, sizeof(*fe));
	struct sockaddr_un sa;
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	int i;

	if (!fe)
		return NULL;
	for (i = 0; i < FAKE_MAX_CONNS; i++)
		fe->conns[i].fd = -1;
	pthread_mutex_init(&fe->lock, NULL);
	strcpy(fe->dir, "/tmp/ohs-fake-XXXXXX");
	if (!mkdtemp(fe->dir))
		goto fail;
	chmod(fe->dir, 0755);
	if (tcp) {
		/* 127.0.0.1, a port the kernel picks; fe->sock stays empty */
		fe->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fe->lfd < 0)
			goto fail;
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(fe->lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
		    getsockname(fe->lfd, (struct sockaddr *)&sin, &slen) < 0 || listen(fe->lfd, 16) < 0)
			goto fail;
		snprintf(fe->host, sizeof(fe->host), "tcp://127.0.0.1:%d", ntohs(sin.sin_port));
	} else {
		snprintf(fe->sock, sizeof(fe->sock), "%s/docker.sock", fe->dir);
		snprintf(fe->host, sizeof(fe->host), "unix://%s", fe->sock);
		fe->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fe->lfd < 0)
			goto fail;
		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		strcpy(sa.sun_path, fe->sock);
		if (bind(fe->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fe->lfd, 16) < 0)
			goto fail;
	}
	if (pipe(fe->stop_pipe) < 0)
		goto fail;
	fake_engine_set_api_version(fe, "1.41");
	if (pthread_create(&fe->thread, NULL, fake_thread, fe) != 0)
		goto fail;
	return fe;
fail:
	perror("fake_engine_start");
	free(fe);
	return NULL;
}

fake_engine *fake_engine_start(void)
{
	return start(0);
}

fake_engine *fake_engine_start_tcp(void)
{
	return start(1);
}

void fake_engine_stop(fake_engine *fe)
{
	int i;

	if (!fe)
		return;
	if (write(fe->stop_pipe[1], "x", 1) != 1)
		perror("fake_engine_stop");
	pthread_join(fe->thread, NULL);
	for (i = 0; i < FAKE_MAX_CONNS; i++)
		conn_close(&fe->conns[i]);
	close(fe->stop_pipe[0]);
	close(fe->stop_pipe[1]);
	close(fe->lfd);
	if (fe->sock[0])
		unlink(fe->sock);
	rmdir(fe->dir);
	for (i = 0; i < fe->nrules; i++) {
		free(fe->rules[i].match);
		free(fe->rules[i].raw);
		free(fe->rules[i].last);
	}
	free(fe->last_request);
	pthread_mutex_destroy(&fe->lock);
	free(fe);
}

const char *fake_engine_host(const fake_engine *fe)
{
	return fe->host;
}

const char *fake_engine_socket(const fake_engine *fe)
{
	return fe->sock;
}

const char *fake_engine_dir(const fake_engine *fe)
{
	return fe->dir;
}

void fake_engine_add(fake_engine *fe, const char *match, fake_action action,
	const char *raw, size_t len)
{
	struct fake_rule *r;

	pthread_mutex_lock(&fe->lock);
	if (fe->nrules < FAKE_MAX_RULES) {
		r = &fe->rules[fe->nrules++];
		r->match = strdup(match);
		r->action = action;
		if (raw) {
			r->len = len == (size_t)-1 ? strlen(raw) : len;
			r->raw = malloc(r->len ? r->len : 1);
			memcpy(r->raw, raw, r->len);
		}
	}
	pthread_mutex_unlock(&fe->lock);
}

void fake_engine_add_body(fake_engine *fe, const char *match, int status,
	const char *content_type, const char *body, size_t len)
{
	char *raw = NULL;
	int n;

	if (len == (size_t)-1)
		len = strlen(body);
	n = asprintf(&raw, "HTTP/1.1 %d Fake\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		"Api-Version: 1.41\r\n\r\n", status, content_type, len);
	if (n < 0)
		return;
	raw = realloc(raw, (size_t)n + len);
	memcpy(raw + n, body, len);
	fake_engine_add(fe, match, FAKE_REPLY, raw, (size_t)n + len);
	free(raw);
}

void fake_engine_set_api_version(fake_engine *fe, const char *version)
{
	char *raw = NULL;

	if (asprintf(&raw, "HTTP/1.1 200 OK\r\n%s%s%sContent-Type: text/plain\r\n"
		"Content-Length: 2\r\n\r\nOK", version ? "Api-Version: " : "",
		version ? version : "", version ? "\r\n" : "") < 0)
		return;
	fake_engine_add(fe, "/_ping", FAKE_REPLY, raw, (size_t)-1);
	free(raw);
}

int fake_engine_requests(fake_engine *fe)
{
	int n;

	pthread_mutex_lock(&fe->lock);
	n = fe->requests;
	pthread_mutex_unlock(&fe->lock);
	return n;
}

char *fake_engine_last_request(fake_engine *fe)
{
	char *s;

	pthread_mutex_lock(&fe->lock);
	s = fe->last_request ? strdup(fe->last_request) : NULL;
	pthread_mutex_unlock(&fe->lock);
	return s;
}

char *fake_engine_rule_request(fake_engine *fe, const char *match)
{
	char *s = NULL;
	int i;

	pthread_mutex_lock(&fe->lock);
	for (i = fe->nrules - 1; i >= 0; i--)
		if (strcmp(fe->rules[i].match, match) == 0) {
			s = fe->rules[i].last ? strdup(fe->rules[i].last) : NULL;
			break;
		}
	pthread_mutex_unlock(&fe->lock);
	return s;
}
