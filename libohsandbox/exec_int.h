/*
 * Internal exec API: the option and result structs (exec.c, shell.c,
 * runmain.c) and the capped output buffer (capbuf.c; used by exec.c,
 * shell.c, runmain.c).  Not installed.
 */
#ifndef OHS_EXEC_INT_H
#define OHS_EXEC_INT_H

#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "ohsandbox/session.h"

/* Bytes of output kept per stream when the options set no cap. */
#define OHS_EXEC_DEFAULT_CAP ((size_t)16 * 1024 * 1024)

struct ohs_exec_opts {
	ohs__strvec env;        /* "NAME=VALUE" */
	char *workdir;
	char *user;
	long timeout_ms;
	size_t cap;
	ohs_output_cb cb;
	void *payload;
	int tty;                /* allocate a terminal: one raw stream, no frames */
};

struct ohs_exec_result {
	int exit_code;
	char *out, *err;
	size_t out_len, err_len;
	int truncated;
	int timed_out;
};

/* A capped output buffer: at most `limit` bytes are kept, NUL-terminated. */
typedef struct {
	char *data;
	size_t len, alloc, limit;
	int truncated;   /* bytes were dropped */
} ohs__capbuf;

int ohs__capbuf_add(ohs__capbuf *b, const char *data, size_t len);
/* Hand over the NUL-terminated data ("" when empty); NULL on OOM. */
char *ohs__capbuf_detach(ohs__capbuf *b);
/* Free the data and empty the buffer (the limit stays). */
void ohs__capbuf_reset(ohs__capbuf *b);

/*
 * A new result that takes `out`/`err` (malloc'd, NUL-terminated; NULL is
 * taken as ""); on failure both are freed.
 */
static inline int ohs__exec_result_new(ohs_exec_result **res, int exit_code,
	char *out, size_t out_len, char *err, size_t err_len, int truncated, int timed_out)
{
	ohs_exec_result *r = calloc(1, sizeof(*r));

	if (!out && (out = calloc(1, 1)) != NULL)
		out_len = 0;
	if (!err && (err = calloc(1, 1)) != NULL)
		err_len = 0;
	if (!r || !out || !err) {
		free(r);
		free(out);
		free(err);
		*res = NULL;
		return ohs__error_oom();
	}
	r->exit_code = exit_code;
	r->out = out;
	r->out_len = out_len;
	r->err = err;
	r->err_len = err_len;
	r->truncated = truncated;
	r->timed_out = timed_out;
	*res = r;
	return 0;
}

#endif
