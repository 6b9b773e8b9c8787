/*
 * Unit tests of the 8-byte frame demultiplexer (no engine).
 */
#include "internal.h"
#include "client_int.h"
#include "testutil.h"

/* What the callback collected: bytes per stream, number of calls. */
struct collect {
	ohs__buf out[4];
	int calls;
	int stop_after;  /* return 1 after this many calls (0: never) */
};

static int collect_cb(int stream, const char *data, size_t len, void *payload)
{
	struct collect *c = payload;

	ck_assert_int_ge(stream, 0);
	ck_assert_int_le(stream, 3);
	ck_assert_uint_gt(len, 0);
	ck_assert_int_eq(ohs__buf_append(&c->out[stream], data, len), 0);
	c->calls++;
	return c->stop_after && c->calls >= c->stop_after ? 1 : 0;
}

static void collect_clear(struct collect *c)
{
	int i;

	for (i = 0; i < 4; i++)
		ohs__buf_clear(&c->out[i]);
	memset(c, 0, sizeof(*c));
}

static const char *got(struct collect *c, int stream)
{
	return c->out[stream].data ? c->out[stream].data : "";
}

/* Append one frame to b. */
static void frame(ohs__buf *b, int stream, const char *data, size_t len)
{
	unsigned char h[8] = { (unsigned char)stream, 0, 0, 0,
		(unsigned char)(len >> 24), (unsigned char)(len >> 16),
		(unsigned char)(len >> 8), (unsigned char)len };

	ck_assert_int_eq(ohs__buf_append(b, h, 8), 0);
	if (len)
		ck_assert_int_eq(ohs__buf_append(b, data, len), 0);
}

/* stdout "hello\n", stderr "oops", empty stdout frame, stdout "world" */
static void sample(ohs__buf *b)
{
	frame(b, 1, "hello\n", 6);
	frame(b, 2, "oops", 4);
	frame(b, 1, "", 0);
	frame(b, 1, "world", 5);
}

START_TEST(test_demux_whole)
{
	ohs__buf b = {0};
	struct collect c = {0};
	ohs__demux d;

	sample(&b);
	ohs__demux_init(&d, collect_cb, &c);
	ck_assert_int_eq(ohs__demux_feed(&d, b.data, b.len), 0);
	ck_assert_str_eq(got(&c, 1), "hello\nworld");
	ck_assert_str_eq(got(&c, 2), "oops");
	ck_assert_int_eq(c.calls, 3); /* the empty frame is not delivered */
	ck_assert_int_eq(ohs__demux_partial(&d), 0);
	collect_clear(&c);
	ohs__buf_clear(&b);
}
END_TEST

/* Split the stream in two at every byte boundary. */
START_TEST(test_demux_split_everywhere)
{
	ohs__buf b = {0};
	size_t cut;

	sample(&b);
	for (cut = 0; cut <= b.len; cut++) {
		struct collect c = {0};
		ohs__demux d;

		ohs__demux_init(&d, collect_cb, &c);
		ck_assert_int_eq(ohs__demux_feed(&d, b.data, cut), 0);
		/* Frame boundaries: 0, 14, 26, 34, 47. */
		ck_assert_msg(!ohs__demux_partial(&d) ==
			(cut == 0 || cut == 14 || cut == 26 || cut == 34 || cut == b.len),
			"cut %zu: partial %d", cut, ohs__demux_partial(&d));
		ck_assert_int_eq(ohs__demux_feed(&d, b.data + cut, b.len - cut), 0);
		ck_assert_str_eq(got(&c, 1), "hello\nworld");
		ck_assert_str_eq(got(&c, 2), "oops");
		ck_assert_int_eq(ohs__demux_partial(&d), 0);
		collect_clear(&c);
	}
	ohs__buf_clear(&b);
}
END_TEST

/* One byte at a time. */
START_TEST(test_demux_byte_by_byte)
{
	ohs__buf b = {0};
	struct collect c = {0};
	ohs__demux d;
	size_t i;

	sample(&b);
	ohs__demux_init(&d, collect_cb, &c);
	for (i = 0; i < b.len; i++)
		ck_assert_int_eq(ohs__demux_feed(&d, b.data + i, 1), 0);
	ck_assert_str_eq(got(&c, 1), "hello\nworld");
	ck_assert_str_eq(got(&c, 2), "oops");
	ck_assert_int_eq(ohs__demux_partial(&d), 0);
	collect_clear(&c);
	ohs__buf_clear(&b);
}
END_TEST

START_TEST(test_demux_large_frame)
{
	ohs__buf b = {0};
	struct collect c = {0};
	ohs__demux d;
	size_t n = 70000 + 300, i;
	char *big = malloc(n);

	for (i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	frame(&b, 1, big, n); /* size needs three bytes of the header */
	ohs__demux_init(&d, collect_cb, &c);
	for (i = 0; i < b.len; i += 4096)
		ck_assert_int_eq(ohs__demux_feed(&d, b.data + i, b.len - i < 4096 ? b.len - i : 4096), 0);
	ck_assert_uint_eq(c.out[1].len, n);
	ck_assert_int_eq(memcmp(c.out[1].data, big, n), 0);
	ck_assert_int_eq(ohs__demux_partial(&d), 0);
	free(big);
	collect_clear(&c);
	ohs__buf_clear(&b);
}
END_TEST

START_TEST(test_demux_engine_error_and_stdin)
{
	ohs__buf b = {0};
	struct collect c = {0};
	ohs__demux d;

	frame(&b, 0, "in", 2);
	frame(&b, 3, "exec failed: no such file", 25);
	ohs__demux_init(&d, collect_cb, &c);
	ck_assert_int_eq(ohs__demux_feed(&d, b.data, b.len), 0);
	ck_assert_str_eq(got(&c, 0), "in");
	ck_assert_str_eq(got(&c, 3), "exec failed: no such file");
	collect_clear(&c);
	ohs__buf_clear(&b);
}
END_TEST

START_TEST(test_demux_invalid_type)
{
	static const unsigned char types[] = { 4, 9, 0x48 /* 'H' of "HTTP/1.1" */, 255 };
	size_t i;

	for (i = 0; i < OHS_ARRAY_SIZE(types); i++) {
		ohs__buf b = {0};
		struct collect c = {0};
		ohs__demux d;
		char needle[32];

		frame(&b, 1, "ok", 2);
		frame(&b, types[i], "bad", 3);
		ohs__demux_init(&d, collect_cb, &c);
		snprintf(needle, sizeof(needle), "stream type %u", types[i]);
		ck_assert_ohs_error(ohs__demux_feed(&d, b.data, b.len), OHS_EPROTOCOL, needle);
		ck_assert_str_eq(got(&c, 1), "ok");
		collect_clear(&c);
		ohs__buf_clear(&b);
	}
}
END_TEST

START_TEST(test_demux_partial)
{
	ohs__buf b = {0};
	struct collect c = {0};
	ohs__demux d;

	frame(&b, 1, "hello", 5);
	ohs__demux_init(&d, collect_cb, &c);
	ck_assert_int_eq(ohs__demux_partial(&d), 0);
	/* header only partly */
	ck_assert_int_eq(ohs__demux_feed(&d, b.data, 3), 0);
	ck_assert_int_ne(ohs__demux_partial(&d), 0);
	/* header complete, body missing */
	ck_assert_int_eq(ohs__demux_feed(&d, b.data + 3, 5), 0);
	ck_assert_int_ne(ohs__demux_partial(&d), 0);
	/* body partly */
	ck_assert_int_eq(ohs__demux_feed(&d, b.data + 8, 2), 0);
	ck_assert_int_ne(ohs__demux_partial(&d), 0);
	ck_assert_str_eq(got(&c, 1), "he");
	ck_assert_int_eq(ohs__demux_feed(&d, b.data + 10, 3), 0);
	ck_assert_int_eq(ohs__demux_partial(&d), 0);
	ck_assert_str_eq(got(&c, 1), "hello");
	ck_assert_int_eq(ohs__demux_partial(NULL), 0);
	collect_clear(&c);
	ohs__buf_clear(&b);
}
END_TEST

START_TEST(test_demux_stop)
{
	ohs__buf b = {0};
	struct collect c = {0};
	ohs__demux d;

	sample(&b);
	c.stop_after = 1;
	ohs__demux_init(&d, collect_cb, &c);
	ck_assert_int_eq(ohs__demux_feed(&d, b.data, b.len), 1);
	ck_assert_int_eq(c.calls, 1);
	ck_assert_str_eq(got(&c, 1), "hello\n");
	collect_clear(&c);
	ohs__buf_clear(&b);
}
END_TEST

START_TEST(test_demux_args)
{
	ohs__demux d;

	ohs__demux_init(&d, NULL, NULL);
	ck_assert_ohs_error(ohs__demux_feed(NULL, "x", 1), OHS_EINVAL, "d is NULL");
	ck_assert_ohs_error(ohs__demux_feed(&d, NULL, 1), OHS_EINVAL, "data is NULL");
	ck_assert_int_eq(ohs__demux_feed(&d, NULL, 0), 0);
	/* No callback: frames are consumed silently. */
	ck_assert_int_eq(ohs__demux_feed(&d, "\1\0\0\0\0\0\0\2hi", 10), 0);
	ck_assert_int_eq(ohs__demux_partial(&d), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stream");
	TCase *tc = tcase_create("demux");

	tcase_add_test(tc, test_demux_whole);
	tcase_add_test(tc, test_demux_split_everywhere);
	tcase_add_test(tc, test_demux_byte_by_byte);
	tcase_add_test(tc, test_demux_large_frame);
	tcase_add_test(tc, test_demux_engine_error_and_stdin);
	tcase_add_test(tc, test_demux_invalid_type);
	tcase_add_test(tc, test_demux_partial);
	tcase_add_test(tc, test_demux_stop);
	tcase_add_test(tc, test_demux_args);
	suite_add_tcase(s, tc);
	return ohs_test_run(s);
}
