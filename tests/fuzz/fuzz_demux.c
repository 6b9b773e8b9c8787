/*
 * fuzz_demux: the engine's 8-byte stream frame demultiplexer
 * (ohs__demux_feed).  Input: byte 0 = number of chunk-size bytes K (mod 16),
 * bytes 1..K = chunk sizes, the rest = the raw stream.  The stream is fed
 * once whole and once cut into chunks of those sizes (each chunk in its own
 * exactly-sized heap block so that ASan sees any read past it); both runs
 * must deliver the same bytes per stream, return the same code and agree
 * on ohs__demux_partial().  A third run stops from the callback after a
 * number of frames to check that a non-zero return stops feeding.
 */
#include "fuzz_common.h"
#include "internal.h"
#include "client_int.h"

typedef struct {
	ohs__buf out[4];
	size_t calls;
	size_t stop_after; /* 0: never */
} sink;

static int on_frame(int stream, const char *data, size_t len, void *payload)
{
	sink *s = payload;

	if (stream < 0 || stream > 3)
		fuzz_fail("callback got stream %d", stream);
	if (len == 0)
		fuzz_fail("callback got an empty piece");
	if (ohs__buf_append(&s->out[stream], data, len) < 0)
		abort();
	s->calls++;
	if (s->stop_after && s->calls >= s->stop_after)
		return 42;
	return 0;
}

static void sink_clear(sink *s)
{
	int i;

	for (i = 0; i < 4; i++)
		ohs__buf_clear(&s->out[i]);
}

static int feed_chunked(ohs__demux *d, const uint8_t *stream, size_t len,
	const uint8_t *sizes, size_t nsizes)
{
	size_t off = 0, k = 0;
	int rc = 0;

	while (off < len) {
		size_t n = nsizes ? sizes[k++ % nsizes] : 1;
		char *chunk;

		if (n == 0) { /* an empty feed must be harmless */
			if ((rc = ohs__demux_feed(d, NULL, 0)) != 0)
				return rc;
			n = 1;
		}
		if (n > len - off)
			n = len - off;
		chunk = malloc(n);
		if (!chunk)
			abort();
		memcpy(chunk, stream + off, n);
		rc = ohs__demux_feed(d, chunk, n);
		free(chunk);
		off += n;
		if (rc != 0)
			return rc;
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sizes, *stream;
	size_t nsizes, len;
	ohs__demux d1, d2, d3;
	sink s1 = {0}, s2 = {0}, s3 = {0};
	char *whole;
	int rc1, rc2, rc3, i, p1, p2;

	if (size < 1)
		return 0;
	nsizes = data[0] % 16;
	if (nsizes > size - 1)
		nsizes = size - 1;
	sizes = data + 1;
	stream = data + 1 + nsizes;
	len = size - 1 - nsizes;

	whole = malloc(len ? len : 1);
	if (!whole)
		abort();
	memcpy(whole, stream, len);
	ohs__demux_init(&d1, on_frame, &s1);
	rc1 = ohs__demux_feed(&d1, whole, len);
	free(whole);
	p1 = ohs__demux_partial(&d1);

	ohs__demux_init(&d2, on_frame, &s2);
	rc2 = feed_chunked(&d2, stream, len, sizes, nsizes);
	p2 = ohs__demux_partial(&d2);

	if (rc1 != rc2)
		fuzz_fail("whole feed returned %d, chunked feed %d", rc1, rc2);
	for (i = 0; i < 4; i++)
		if (s1.out[i].len != s2.out[i].len ||
		    (s1.out[i].len && memcmp(s1.out[i].data, s2.out[i].data, s1.out[i].len)))
			fuzz_fail("stream %d differs between the whole and the chunked feed", i);
	if (rc1 == 0 && p1 != p2)
		fuzz_fail("partial differs: whole %d, chunked %d", p1, p2);
	if (rc1 < 0 && ohs_error_last_code() != rc1)
		fuzz_fail("demux returned %d but the last error's code is %d", rc1, ohs_error_last_code());

	/* Stop from the callback: feeding must stop at once with our code. */
	if (s1.calls > 0) {
		ohs__demux_init(&d3, on_frame, &s3);
		s3.stop_after = 1 + (nsizes ? sizes[0] : 0) % s1.calls;
		rc3 = feed_chunked(&d3, stream, len, sizes, nsizes);
		if (rc3 != 42)
			fuzz_fail("callback asked to stop after %zu calls, feed returned %d",
				s3.stop_after, rc3);
		if (s3.calls != s3.stop_after)
			fuzz_fail("callback called %zu times after asking to stop at %zu",
				s3.calls, s3.stop_after);
	}

	sink_clear(&s1);
	sink_clear(&s2);
	sink_clear(&s3);
	return 0;
}
