/*
 * capbuf: a capped output buffer (at most `limit` bytes kept), for the
 * output of execs, the persistent shell and the one-shot main process.
 * Declared in exec_int.h.  Its own file so that mainproc.c and shell.c
 * need nothing from exec.c.
 */
#include "internal.h"
#include "exec_int.h"

#include <stdlib.h>
#include <string.h>

int ohs__capbuf_add(ohs__capbuf *b, const char *data, size_t len)
{
	size_t room = b->len >= b->limit ? 0 : b->limit - b->len;

	if (len > room) {
		b->truncated = 1;
		len = room;
	}
	if (!len)
		return 0;
	if (b->len + len + 1 > b->alloc) {
		size_t want = b->alloc ? b->alloc * 2 : 4096;
		char *d;

		if (want < b->len + len + 1)
			want = b->len + len + 1;
		if (want > b->limit + 1)
			want = b->limit + 1;
		if (!(d = realloc(b->data, want)))
			return ohs__error_oom();
		b->data = d;
		b->alloc = want;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

char *ohs__capbuf_detach(ohs__capbuf *b)
{
	char *d = b->data;

	if (!d)
		d = calloc(1, 1);
	b->data = NULL;
	b->len = b->alloc = 0;
	return d;
}

void ohs__capbuf_reset(ohs__capbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
	b->truncated = 0;
}
