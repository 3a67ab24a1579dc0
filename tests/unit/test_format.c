/*
 * test_format.c: lib/format: terminal-safe text, display widths, and each output
 * format on small tables, compared byte for byte.
 */
#include "render/format.h"
#include "tap.h"

#include <stdlib.h>

/* render: t in format f as a NUL-terminated heap string. */
static char *
render(const struct table *t, enum format f)
{
	char *data = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&data, &size);

	if (mem == NULL || format_write(mem, t, f) != 0)
		abort();
	fclose(mem);
	return data;
}

static char *
sanitize(const char *s, size_t len, int max_width, int *width)
{
	struct buf b = BUF_INIT;

	*width = text_sanitize(&b, s, len, max_width);
	buf_putc(&b, '\0');
	return b.data;
}

static void
test_sanitize_controls(void)
{
	/* C0, DEL, C1 (U+009B, the 8-bit CSI), a bidi override, an isolate. */
	const char in[] = "a\x1b[31mb\x7f" "c\xc2\x9b" "2Jd\xe2\x80\xae" "e\xe2\x81\xa6" "f";
	int w;
	char *s = sanitize(in, sizeof(in) - 1, 0, &w);

	CHECK_EQ_STR(s, "a[31mbc2Jdef");
	CHECK_EQ_INT(w, 12);
	free(s);
}

static void
test_sanitize_whitespace_and_nul(void)
{
	const char in[] = "a\tb\nc\rd\0e";
	int w;
	char *s = sanitize(in, sizeof(in) - 1, 0, &w);

	CHECK_EQ_STR(s, "a b c de");
	CHECK_EQ_INT(w, 8);
	free(s);
}

static void
test_sanitize_invalid_utf8(void)
{
	/* A lone continuation byte, an overlong slash, a surrogate. */
	const char in[] = "x\x80y\xc0\xafz\xed\xa0\x80";
	int w;
	char *s = sanitize(in, sizeof(in) - 1, 0, &w);

	CHECK_EQ_STR(s, "x\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbdz"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_EQ_INT(w, 9);
	free(s);
}

static void
test_width_wide(void)
{
	/* Two CJK ideographs (2 columns each) and an emoji (2). */
	const char in[] = "\xe6\x97\xa5\xe6\x9c\xac\xf0\x9f\x98\x80";

	CHECK_EQ_INT(text_display_width(in, sizeof(in) - 1), 6);
	CHECK_EQ_INT(text_display_width("abc", 3), 3);
	/* A combining accent takes no column. */
	CHECK_EQ_INT(text_display_width("e\xcc\x81", 3), 1);
}

static void
test_cut(void)
{
	int w;
	char *s = sanitize("hello world", 11, 6, &w);

	CHECK_EQ_STR(s, "hello\xe2\x80\xa6");
	CHECK_EQ_INT(w, 6);
	free(s);
	s = sanitize("hello", 5, 5, &w);
	CHECK_EQ_STR(s, "hello");
	CHECK_EQ_INT(w, 5);
	free(s);
	/* A wide character that would straddle the limit is left out whole. */
	s = sanitize("a\xe6\x97\xa5\xe6\x9c\xac", 7, 3, &w);
	CHECK_EQ_STR(s, "a\xe2\x80\xa6");
	CHECK_EQ_INT(w, 2);
	free(s);
}

static struct table *
sample(void)
{
	static const struct column cols[] = {
		{ "name", CELL_TEXT, 8, 0, 0 },
		{ "n", CELL_INT, 0, 0, 0 },
		{ "score", CELL_REAL, 0, 2, 0 },
	};
	struct table *t = table_new(cols, 3);
	size_t r;

	r = table_add_row(t);
	table_set_text(t, r, 0, "a,\"b\"", 5);
	table_set_int(t, r, 1, 42);
	table_set_real(t, r, 2, 1.5);
	r = table_add_row(t);
	table_set_text(t, r, 0, "\xe6\x97\xa5\xe6\x9c\xac\tx", 8);
	table_set_int(t, r, 1, -7);
	table_set_null(t, r, 2);
	return t;
}

static void
test_table(void)
{
	struct table *t = sample();
	char *s = render(t, FORMAT_TABLE);

	CHECK_EQ_STR(s,
	    "name     n  score\n"
	    "------  --  -----\n"
	    "a,\"b\"   42   1.50\n"
	    "\xe6\x97\xa5\xe6\x9c\xac x  -7\n");
	free(s);
	table_free(t);
}

static void
test_json(void)
{
	struct table *t = sample();
	char *s = render(t, FORMAT_JSON);

	CHECK_EQ_STR(s,
	    "[\n{\"name\":\"a,\\\"b\\\"\",\"n\":42,\"score\":1.5},\n"
	    "{\"name\":\"\xe6\x97\xa5\xe6\x9c\xac\\tx\",\"n\":-7,\"score\":null}\n]\n");
	free(s);
	s = render(t, FORMAT_NDJSON);
	CHECK_EQ_STR(s,
	    "{\"name\":\"a,\\\"b\\\"\",\"n\":42,\"score\":1.5}\n"
	    "{\"name\":\"\xe6\x97\xa5\xe6\x9c\xac\\tx\",\"n\":-7,\"score\":null}\n");
	free(s);
	table_free(t);
}

static void
test_json_empty(void)
{
	static const struct column cols[] = { { "x", CELL_INT, 0, 0, 0 } };
	struct table *t = table_new(cols, 1);
	char *s = render(t, FORMAT_JSON);

	CHECK_EQ_STR(s, "[]\n");
	free(s);
	table_free(t);
}

static void
test_json_nested(void)
{
	static const struct column cols[] = {
		{ "pubkey", CELL_TEXT, 0, 0, 0 },
		{ "profile.name", CELL_TEXT, 0, 0, 0 },
		{ "profile.about", CELL_TEXT, 0, 0, 0 },
		{ "activity.total_events", CELL_INT, 0, 0, 0 },
		{ "activity.zaps.in", CELL_INT, 0, 0, 0 },
		{ "activity.zaps.out", CELL_INT, 0, 0, 0 },
		{ "rank", CELL_INT, 0, 0, 0 },
	};
	struct table *t = table_new(cols, 7);
	size_t r = table_add_row(t);
	char *s;

	table_set_text(t, r, 0, "ab", 2);
	table_set_text(t, r, 1, "n", 1);
	table_set_text(t, r, 2, "\xff", 1);  /* invalid UTF-8 still yields JSON */
	table_set_int(t, r, 3, 3);
	table_set_int(t, r, 4, 1);
	table_set_int(t, r, 5, 2);
	table_set_int(t, r, 6, 9);
	s = render(t, FORMAT_NDJSON);
	CHECK_EQ_STR(s, "{\"pubkey\":\"ab\",\"profile\":{\"name\":\"n\",\"about\":\"\xef\xbf\xbd\"},"
	    "\"activity\":{\"total_events\":3,\"zaps\":{\"in\":1,\"out\":2}},\"rank\":9}\n");
	free(s);
	table_free(t);
}

static void
test_csv_tsv(void)
{
	struct table *t = sample();
	char *s = render(t, FORMAT_CSV);

	CHECK_EQ_STR(s, "name,n,score\r\n\"a,\"\"b\"\"\",42,1.5\r\n"
	    "\xe6\x97\xa5\xe6\x9c\xac\tx,-7,\r\n");
	free(s);
	s = render(t, FORMAT_TSV);
	CHECK_EQ_STR(s, "name\tn\tscore\na,\"b\"\t42\t1.5\n\xe6\x97\xa5\xe6\x9c\xac x\t-7\t\n");
	free(s);
	table_free(t);
}

static void
test_vertical(void)
{
	static const struct column cols[] = {
		{ "events", CELL_INT, 0, 0, 0 },
		{ "users.total", CELL_INT, 0, 0, 0 },
		{ "name", CELL_TEXT, 4, 0, 0 },
	};
	struct table *t = table_new(cols, 3);
	size_t r = table_add_row(t);
	char *s;

	t->vertical = 1;
	table_set_title(t, "stats");
	table_set_int(t, r, 0, 10);
	table_set_int(t, r, 1, 2);
	table_set_text(t, r, 2, "\xe2\x80\xae" "abcdef", 9);
	s = render(t, FORMAT_TABLE);
	CHECK_EQ_STR(s, "stats\nevents:      10\nusers.total: 2\nname:        abc\xe2\x80\xa6\n");
	free(s);
	table_free(t);
}

static void
test_real_nonfinite(void)
{
	static const struct column cols[] = { { "x", CELL_REAL, 0, 0, 0 } };
	struct table *t = table_new(cols, 1);
	size_t r = table_add_row(t);
	char *s;

	table_set_real(t, r, 0, 1.0 / 0.0);
	s = render(t, FORMAT_JSON);
	CHECK_EQ_STR(s, "[\n{\"x\":null}\n]\n");
	free(s);
	table_free(t);
}

static void
test_time_column(void)
{
	static const struct column cols[] = { { "at", CELL_INT, 0, 0, COLUMN_TIME } };
	struct table *t = table_new(cols, 1);
	size_t r = table_add_row(t);
	char *s;

	table_set_int(t, r, 0, 1700000000);
	s = render(t, FORMAT_TABLE);
	CHECK_EQ_STR(s, "                 at\n-------------------\n2023-11-14 22:13:20\n");
	free(s);
	s = render(t, FORMAT_CSV);
	CHECK_EQ_STR(s, "at\r\n1700000000\r\n");
	free(s);
	table_free(t);
}

static void
test_format_parse(void)
{
	enum format f;

	CHECK(format_parse("csv", &f) == 0 && f == FORMAT_CSV);
	CHECK(format_parse("ndjson", &f) == 0 && f == FORMAT_NDJSON);
	CHECK(format_parse("xml", &f) == -1);
}

int
main(void)
{
	format_locale_init();
	TEST(test_sanitize_controls);
	TEST(test_sanitize_whitespace_and_nul);
	TEST(test_sanitize_invalid_utf8);
	TEST(test_width_wide);
	TEST(test_cut);
	TEST(test_table);
	TEST(test_json);
	TEST(test_json_empty);
	TEST(test_json_nested);
	TEST(test_csv_tsv);
	TEST(test_vertical);
	TEST(test_real_nonfinite);
	TEST(test_time_column);
	TEST(test_format_parse);
	return tap_done();
}
