/*
 * A scripted fake Docker engine for transport tests: a server thread on a
 * unix socket in a temporary directory that answers each request with the
 * raw bytes of the last rule whose `match` occurs in the request line.
 * It produces faults a real engine cannot: broken JSON, hangs, truncation.
 */
#ifndef OHS_FAKEENGINE_H
#define OHS_FAKEENGINE_H

#include <stddef.h>

typedef struct fake_engine fake_engine;

typedef enum {
	FAKE_REPLY,        /* send the response, keep the connection */
	FAKE_REPLY_CLOSE,  /* send the response, then close */
	FAKE_CLOSE,        /* close without answering */
	FAKE_HANG          /* never answer (until the client gives up) */
} fake_action;

/* Start a fake engine; /_ping answers 200 with "Api-Version: 1.41". NULL on failure. */
fake_engine *fake_engine_start(void);
/* The same on 127.0.0.1 over plain TCP: the host is "tcp://127.0.0.1:PORT". */
fake_engine *fake_engine_start_tcp(void);
/* Stop the thread, close every connection, remove the socket and directory. */
void fake_engine_stop(fake_engine *fe);

/* "unix:///tmp/.../docker.sock" */
const char *fake_engine_host(const fake_engine *fe);
/* The socket path and its directory. */
const char *fake_engine_socket(const fake_engine *fe);
const char *fake_engine_dir(const fake_engine *fe);

/* Add a rule; later rules win.  `raw` is a whole HTTP response (may be NULL
 * for FAKE_CLOSE / FAKE_HANG); len (size_t)-1 means strlen(raw). */
void fake_engine_add(fake_engine *fe, const char *match, fake_action action,
	const char *raw, size_t len);
/* Add a rule answering `status` with a body and a Content-Length. */
void fake_engine_add_body(fake_engine *fe, const char *match, int status,
	const char *content_type, const char *body, size_t len);
/* Make /_ping report this Api-Version (NULL: no header at all). */
void fake_engine_set_api_version(fake_engine *fe, const char *version);

/* Requests answered so far, and the last request line received. */
int fake_engine_requests(fake_engine *fe);
/* Copy of the last full request (head + body), malloc'd. */
char *fake_engine_last_request(fake_engine *fe);
/* Copy of the last request (head + body) the latest rule added with exactly
 * this `match` answered, malloc'd; NULL when it answered none. */
char *fake_engine_rule_request(fake_engine *fe, const char *match);

#endif
