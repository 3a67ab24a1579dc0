/*
 * Fuzz target: lib/format's text sanitizer and the table, JSON, NDJSON, CSV
 * and TSV writers, on any bytes as cell text.
 *
 * The first byte picks the cut width; the rest, split at 0xff bytes, fills
 * the text cells of a few rows.  Whatever the bytes:
 *   - text_sanitize gives valid UTF-8 with no C0, DEL or C1 control, no
 *     bidirectional override, isolate or mark, no code point that
 *     text_is_unsafe_codepoint rejects, and no more display columns than the
 *     width asked for;
 *   - the table format holds no control character but its line ends, and is
 *     valid UTF-8;
 *   - JSON parses back (cJSON) as an array of one object per row, NDJSON as
 *     one object per line;
 *   - CSV quotes balance, and TSV has one line per row with a tab between
 *     each pair of columns.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "render/format.h"
#include "base/json.h"

#define MAX_ROWS 4

/* Is cp one of the characters no terminal may receive from the network? */
static int
forbidden(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

/* check_text: abort unless s is valid UTF-8 free of forbidden characters
 * (allow_newline: a line end is the table's own). */
static void
check_text(const char *s, size_t len, int allow_newline)
{
	size_t i = 0;

	if (!utf8_valid(s, len))
		abort();
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (n == 0)
			abort();
		if (!(allow_newline && cp == '\n') && forbidden(cp))
			abort();
		i += n;
	}
}

static void
check_sanitized(const char *s, size_t len, int width)
{
	struct buf b = { 0 };
	size_t i = 0;
	int w = text_sanitize(&b, s, len, width);

	check_text(b.data, b.len, 0);
	while (i < b.len) {
		uint32_t cp;

		i += utf8_decode(b.data + i, b.len - i, &cp);
		if (text_is_unsafe_codepoint(cp))
			abort();
	}
	if (w < 0 || (width > 0 && w > width))
		abort();
	if (width == 0 && w != text_display_width(s, len))
		abort();
	buf_free(&b);
}

/* render: t in format f, as a NUL-terminated string the caller frees. */
static char *
render(const struct table *t, enum format f, size_t *len)
{
	char *p = NULL;
	FILE *out = open_memstream(&p, len);

	if (out == NULL)
		abort();
	if (format_write(out, t, f) != 0)
		abort();
	fclose(out);
	return p;
}

static void
check_formats(const struct table *t)
{
	size_t len, i, lines = 0, tabs = 0, quotes = 0;
	char *p, *line, *next;
	cJSON *j;

	p = render(t, FORMAT_TABLE, &len);
	check_text(p, len, 1);
	free(p);

	p = render(t, FORMAT_JSON, &len);
	if ((j = cJSON_ParseWithLength(p, len)) == NULL || !cJSON_IsArray(j) ||
	    (size_t)cJSON_GetArraySize(j) != t->nrows)
		abort();
	cJSON_Delete(j);
	free(p);

	p = render(t, FORMAT_NDJSON, &len);
	for (line = p; line < p + len; line = next + 1) {
		if ((next = memchr(line, '\n', (size_t)(p + len - line))) == NULL)
			abort();
		if ((j = cJSON_ParseWithLength(line, (size_t)(next - line))) == NULL ||
		    !cJSON_IsObject(j))
			abort();
		cJSON_Delete(j);
		lines++;
	}
	if (lines != t->nrows)
		abort();
	free(p);

	p = render(t, FORMAT_CSV, &len);
	for (i = 0; i < len; i++)
		quotes += p[i] == '"';
	if (quotes % 2 != 0)
		abort();
	free(p);

	p = render(t, FORMAT_TSV, &len);
	for (i = 0, lines = 0; i < len; i++) {
		lines += p[i] == '\n';
		tabs += p[i] == '\t';
		if (p[i] == '\r')
			abort();
	}
	if (lines != t->nrows + 1 || tabs != lines * (t->ncols - 1))
		abort();
	free(p);
}

/* fill: a table of up to MAX_ROWS rows from the text [s, end), rows split at
 * 0xff bytes; vertical: one record, as stats and user show. */
static struct table *
fill(const char *s, const char *end, int width, int vertical)
{
	static const struct column cols[] = {
		{ "name", CELL_TEXT, 0, 0, 0 },
		{ "count", CELL_INT, 0, 0, 0 },
		{ "profile.about", CELL_TEXT, 12, 0, 0 },
		{ "profile.score", CELL_REAL, 0, 2, 0 },
		{ "note", CELL_TEXT, 0, 0, 0 },
	};
	struct table *t = table_new(cols, sizeof(cols) / sizeof(cols[0]));
	const char *cut;
	size_t r;

	table_set_title(t, "fuzz");
	t->vertical = vertical;
	for (r = 0; r < (vertical ? 1 : MAX_ROWS) && s <= end; r++) {
		size_t row = table_add_row(t);

		cut = memchr(s, 0xff, (size_t)(end - s));
		if (cut == NULL)
			cut = end;
		table_set_text(t, row, 0, s, (size_t)(cut - s));
		table_set_int(t, row, 1, (int64_t)(cut - s) * (r % 2 ? -1 : 1));
		table_set_text(t, row, 2, s, (size_t)(cut - s) / 2);
		if (r == 1)
			table_set_null(t, row, 3);
		else
			table_set_real(t, row, 3, (double)width / 7.0);
		table_set_text(t, row, 4, cut - (cut - s) / 3, (size_t)(cut - s) / 3);
		s = cut + 1;
	}
	return t;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int locale_done;
	const char *s, *end;
	struct table *t;
	int width;

	if (!locale_done) {
		format_locale_init();
		locale_done = 1;
	}
	if (size == 0)
		return 0;
	width = data[0] % 64;
	s = (const char *)data + 1;
	end = (const char *)data + size;
	check_sanitized(s, (size_t)(end - s), width);
	check_sanitized(s, (size_t)(end - s), 0);
	t = fill(s, end, width, 0);
	check_formats(t);
	table_free(t);
	t = fill(s, end, width, 1);
	check_formats(t);
	table_free(t);
	return 0;
}
