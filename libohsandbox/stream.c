/*
 * stream: the engine's multiplexed stream format.
 *
 * Without a TTY, attach/exec/logs streams are a sequence of frames: an
 * 8-byte header [stream type, 0, 0, 0, size as big-endian uint32] followed
 * by `size` bytes.  Stream type 0 is stdin, 1 stdout, 2 stderr, 3 an error
 * message from the engine.  Frames may arrive in any chunking.
 */
#include "internal.h"
#include "client_int.h"

#include <string.h>

void ohs__demux_init(ohs__demux *d, ohs__frame_cb cb, void *payload)
{
	memset(d, 0, sizeof(*d));
	d->cb = cb;
	d->payload = payload;
}

int ohs__demux_feed(ohs__demux *d, const char *data, size_t len)
{
	int rc;

	if (!d || (!data && len))
		return ohs__error_set(OHS_EINVAL, "ohs__demux_feed: %s is NULL", d ? "data" : "d");
	while (len) {
		if (d->remaining == 0 && d->hdr_have < 8) {
			size_t k = 8 - d->hdr_have;

			if (k > len)
				k = len;
			memcpy(d->hdr + d->hdr_have, data, k);
			d->hdr_have += k;
			data += k;
			len -= k;
			if (d->hdr_have < 8)
				break;
			if (d->hdr[0] > 3)
				return ohs__error_set(OHS_EPROTOCOL,
					"malformed engine stream: frame header has stream type %u "
					"(expected 0 stdin, 1 stdout, 2 stderr or 3 error)",
					(unsigned)d->hdr[0]);
			d->stream = d->hdr[0];
			d->remaining = ((size_t)d->hdr[4] << 24) | ((size_t)d->hdr[5] << 16) |
				((size_t)d->hdr[6] << 8) | (size_t)d->hdr[7];
			if (d->remaining == 0) {
				/* An empty frame: nothing to deliver. */
				d->hdr_have = 0;
				continue;
			}
		}
		if (d->remaining && len) {
			size_t k = d->remaining < len ? d->remaining : len;

			d->remaining -= k;
			if (d->remaining == 0)
				d->hdr_have = 0;
			if (d->cb && (rc = d->cb(d->stream, data, k, d->payload)) != 0)
				return rc;
			data += k;
			len -= k;
		}
	}
	return 0;
}

int ohs__demux_partial(const ohs__demux *d)
{
	return d && (d->remaining > 0 || (d->hdr_have > 0 && d->hdr_have < 8));
}
