#include "render/format.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wchar.h>

#include "base/json.h"

#define ELLIPSIS "\xe2\x80\xa6"   /* U+2026, one column wide */
#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */
#define TABLE_GAP 2                /* spaces between table columns */
#define REAL_PRECISION_DEFAULT 3

int
format_parse(const char *name, enum format *f)
{
	static const struct { const char *name; enum format f; } names[] = {
		{ "table", FORMAT_TABLE }, { "json", FORMAT_JSON },
		{ "ndjson", FORMAT_NDJSON }, { "csv", FORMAT_CSV },
		{ "tsv", FORMAT_TSV }, { "html", FORMAT_HTML },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i].name) == 0) {
			*f = names[i].f;
			return 0;
		}
	return -1;
}

void
format_locale_init(void)
{
	const char *codeset;

	/* LC_CTYPE only: wcwidth needs the character set, but numbers in JSON,
	 * CSV and tables must keep the '.' decimal point whatever LC_NUMERIC is. */
	setlocale(LC_CTYPE, "");
	codeset = nl_langinfo(CODESET);
	if (codeset == NULL || (strcasecmp(codeset, "UTF-8") != 0 &&
	    strcasecmp(codeset, "utf8") != 0))
		setlocale(LC_CTYPE, "C.UTF-8");
}

size_t
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c, min;
	size_t n, i;

	*cp = 0xfffd;
	if (len == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xe0) == 0xc0)
		n = 2, c = u[0] & 0x1f, min = 0x80;
	else if ((u[0] & 0xf0) == 0xe0)
		n = 3, c = u[0] & 0x0f, min = 0x800;
	else if ((u[0] & 0xf8) == 0xf0)
		n = 4, c = u[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

int
text_is_unsafe_codepoint(uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
		return 1;
	/* Bidirectional marks, embeddings, overrides and isolates reorder the
	 * text around them on a terminal (the "Trojan Source" trick). */
	if (cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return 1;
	/* Line and paragraph separators break lines on some terminals. */
	if (cp == 0x2028 || cp == 0x2029)
		return 1;
	return 0;
}

/* codepoint_width: display columns of a code point that is not unsafe, or -1
 * when wcwidth(3) calls it non-printable. */
static int
codepoint_width(uint32_t cp)
{
	/* Zero-width joiners and variation selectors take no column. */
	if (cp == 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f))
		return 0;
	return wcwidth((wchar_t)cp);
}

/*
 * The walk both text functions share: for each code point, what to print and
 * its width.  Whitespace controls become a space so words stay apart; other
 * unsafe and non-printable code points are dropped; bad bytes become U+FFFD.
 */
static size_t
next_display(const char *s, size_t len, const char **out, size_t *out_len, int *width)
{
	uint32_t cp;
	size_t n = utf8_decode(s, len, &cp);

	if (n == 0) {
		*out = REPLACEMENT, *out_len = 3, *width = 1;
		return 1;
	}
	if (cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029) {
		*out = " ", *out_len = 1, *width = 1;
		return n;
	}
	if (text_is_unsafe_codepoint(cp) || (*width = codepoint_width(cp)) < 0) {
		*out = NULL, *out_len = 0, *width = 0;
		return n;
	}
	*out = s, *out_len = n;
	return n;
}

int
text_display_width(const char *s, size_t len)
{
	size_t i = 0, piece_len;
	const char *piece;
	int width, total = 0;

	while (i < len) {
		i += next_display(s + i, len - i, &piece, &piece_len, &width);
		total += width;
	}
	return total;
}

int
text_sanitize(struct buf *out, const char *s, size_t len, int max_width)
{
	size_t i = 0, piece_len;
	const char *piece;
	int width, total = 0;

	if (max_width > 0 && text_display_width(s, len) > max_width) {
		/* Keep what fits in max_width - 1 columns, then the ellipsis. */
		while (i < len) {
			size_t n = next_display(s + i, len - i, &piece, &piece_len, &width);

			if (total + width > max_width - 1)
				break;
			buf_append(out, piece, piece_len);
			total += width;
			i += n;
		}
		buf_puts(out, ELLIPSIS);
		return total + 1;
	}
	while (i < len) {
		i += next_display(s + i, len - i, &piece, &piece_len, &width);
		buf_append(out, piece, piece_len);
		total += width;
	}
	return total;
}

/* real_text: a real in the shortest form that reads back the same to 15
 * digits, as JSON, CSV and TSV carry it. */
static void
real_text(struct buf *out, double v)
{
	buf_printf(out, "%.15g", v);
}

/* cell_plain: the cell's value as plain text (NULL as nothing). */
static void
cell_plain(struct buf *out, const struct cell *c)
{
	switch (c->type) {
	case CELL_NULL:
		break;
	case CELL_INT:
		buf_printf(out, "%lld", (long long)c->i);
		break;
	case CELL_REAL:
		real_text(out, c->r);
		break;
	case CELL_TEXT:
		buf_append(out, c->text, c->len);
		break;
	}
}

/* cell_display: the cell as the table format shows it, sanitized and cut;
 * returns its width. */
static int
cell_display(struct buf *out, const struct cell *c, const struct column *col)
{
	struct buf tmp = BUF_INIT;
	int width;

	switch (c->type) {
	case CELL_NULL:
		return 0;
	case CELL_REAL:
		buf_printf(&tmp, "%.*f",
		    col->precision > 0 ? col->precision : REAL_PRECISION_DEFAULT, c->r);
		break;
	case CELL_INT:
		if (col->flags & COLUMN_TIME) {
			time_t t = (time_t)c->i;
			struct tm tm;
			char when[32];

			if (gmtime_r(&t, &tm) != NULL &&
			    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) > 0) {
				buf_puts(&tmp, when);
				break;
			}
		}
		cell_plain(&tmp, c);
		break;
	default:
		cell_plain(&tmp, c);
		break;
	}
	width = text_sanitize(out, tmp.data ? tmp.data : "", tmp.len, col->max_width);
	buf_free(&tmp);
	return width;
}

static int
is_numeric(const struct column *col)
{
	return col->type == CELL_INT || col->type == CELL_REAL;
}

static void
pad(struct buf *out, int n)
{
	while (n-- > 0)
		buf_putc(out, ' ');
}

static void
write_table_vertical(struct buf *out, const struct table *t)
{
	int name_width = 0, w;
	size_t r, c;

	for (c = 0; c < t->ncols; c++)
		if ((w = text_display_width(t->cols[c].name, strlen(t->cols[c].name))) >
		    name_width)
			name_width = w;
	for (r = 0; r < t->nrows; r++) {
		if (r > 0)
			buf_putc(out, '\n');
		for (c = 0; c < t->ncols; c++) {
			w = text_sanitize(out, t->cols[c].name, strlen(t->cols[c].name), 0);
			buf_putc(out, ':');
			pad(out, name_width - w + 1);
			cell_display(out, table_cell(t, r, c), &t->cols[c]);
			buf_putc(out, '\n');
		}
	}
}

static void
write_table(struct buf *out, const struct table *t)
{
	struct buf *cells;
	int *cell_width, *col_width;
	size_t r, c, n = t->nrows * t->ncols;

	if (t->title != NULL) {
		text_sanitize(out, t->title, strlen(t->title), 0);
		buf_putc(out, '\n');
	}
	if (t->vertical) {
		write_table_vertical(out, t);
		return;
	}
	cells = xcalloc(n ? n : 1, sizeof(*cells));
	cell_width = xcalloc(n ? n : 1, sizeof(*cell_width));
	col_width = xcalloc(t->ncols ? t->ncols : 1, sizeof(*col_width));
	for (c = 0; c < t->ncols; c++)
		col_width[c] = text_display_width(t->cols[c].name, strlen(t->cols[c].name));
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t i = r * t->ncols + c;

			cell_width[i] = cell_display(&cells[i], &t->cells[i], &t->cols[c]);
			if (cell_width[i] > col_width[c])
				col_width[c] = cell_width[i];
		}
	for (c = 0; c < t->ncols; c++) {
		int w = text_display_width(t->cols[c].name, strlen(t->cols[c].name));
		int last = c + 1 == t->ncols;

		if (is_numeric(&t->cols[c]))
			pad(out, col_width[c] - w);
		text_sanitize(out, t->cols[c].name, strlen(t->cols[c].name), 0);
		if (!last)
			pad(out, (is_numeric(&t->cols[c]) ? 0 : col_width[c] - w) + TABLE_GAP);
	}
	buf_putc(out, '\n');
	for (c = 0; c < t->ncols; c++) {
		int i;

		for (i = 0; i < col_width[c]; i++)
			buf_putc(out, '-');
		if (c + 1 < t->ncols)
			pad(out, TABLE_GAP);
	}
	buf_putc(out, '\n');
	for (r = 0; r < t->nrows; r++) {
		size_t row_start = out->len;

		for (c = 0; c < t->ncols; c++) {
			size_t i = r * t->ncols + c;
			int gap = col_width[c] - cell_width[i];

			if (is_numeric(&t->cols[c]))
				pad(out, gap);
			if (cells[i].len)
				buf_append(out, cells[i].data, cells[i].len);
			/* No trailing blanks after the last column. */
			if (c + 1 < t->ncols)
				pad(out, (is_numeric(&t->cols[c]) ? 0 : gap) + TABLE_GAP);
			buf_free(&cells[i]);
		}
		/* No trailing blanks when the last cells are empty. */
		while (out->len > row_start && out->data[out->len - 1] == ' ')
			out->len--;
		buf_putc(out, '\n');
	}
	free(cells);
	free(cell_width);
	free(col_width);
}

/* json_text: a JSON string of s, with invalid UTF-8 replaced so that the
 * output is always valid JSON. */
static void
json_text(struct buf *out, const char *s, size_t len)
{
	struct buf fixed = BUF_INIT;
	size_t i = 0;

	if (utf8_valid(s, len)) {
		json_quote(out, s, len);
		return;
	}
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (n == 0) {
			buf_puts(&fixed, REPLACEMENT);
			i++;
		} else {
			buf_append(&fixed, s + i, n);
			i += n;
		}
	}
	json_quote(out, fixed.data, fixed.len);
	buf_free(&fixed);
}

static void
json_cell(struct buf *out, const struct cell *c)
{
	switch (c->type) {
	case CELL_NULL:
		buf_puts(out, "null");
		break;
	case CELL_INT:
		buf_printf(out, "%lld", (long long)c->i);
		break;
	case CELL_REAL:
		real_text(out, c->r);
		break;
	case CELL_TEXT:
		json_text(out, c->text, c->len);
		break;
	}
}

/* segment: the n-th dot-separated part of name into *s, *len; 0 when absent. */
static int
segment(const char *name, size_t n, const char **s, size_t *len)
{
	const char *p = name, *dot;

	while (n-- > 0) {
		if ((p = strchr(p, '.')) == NULL)
			return 0;
		p++;
	}
	dot = strchr(p, '.');
	*s = p;
	*len = dot ? (size_t)(dot - p) : strlen(p);
	return 1;
}

static size_t
segments(const char *name)
{
	size_t n = 1;

	for (; *name; name++)
		n += *name == '.';
	return n;
}

/* json_object: one row as an object, opening and closing nested objects as the
 * dotted column names go in and out of a prefix. */
static void
json_object(struct buf *out, const struct table *t, size_t r)
{
	size_t c, depth = 0, k;
	const char *prev = NULL;

	buf_putc(out, '{');
	for (c = 0; c < t->ncols; c++) {
		const char *name = t->cols[c].name;
		size_t nseg = segments(name), common = 0;
		const char *a, *b;
		size_t alen, blen;

		/* How many leading object levels this column shares with the last. */
		if (prev != NULL)
			while (common < depth && common + 1 < nseg &&
			    segment(prev, common, &a, &alen) &&
			    segment(name, common, &b, &blen) &&
			    alen == blen && memcmp(a, b, alen) == 0)
				common++;
		for (; depth > common; depth--)
			buf_putc(out, '}');
		if (c > 0)
			buf_putc(out, ',');
		for (k = depth; k + 1 < nseg; k++) {
			segment(name, k, &b, &blen);
			json_text(out, b, blen);
			buf_puts(out, ":{");
			depth++;
		}
		segment(name, nseg - 1, &b, &blen);
		json_text(out, b, blen);
		buf_putc(out, ':');
		json_cell(out, table_cell(t, r, c));
		prev = name;
	}
	for (; depth > 0; depth--)
		buf_putc(out, '}');
	buf_putc(out, '}');
}

static void
write_json(struct buf *out, const struct table *t, int ndjson)
{
	size_t r;

	if (!ndjson)
		buf_putc(out, '[');
	for (r = 0; r < t->nrows; r++) {
		if (!ndjson && r > 0)
			buf_putc(out, ',');
		if (!ndjson)
			buf_putc(out, '\n');
		json_object(out, t, r);
		if (ndjson)
			buf_putc(out, '\n');
	}
	if (!ndjson)
		buf_puts(out, t->nrows ? "\n]\n" : "]\n");
}

static void
csv_field(struct buf *out, const char *s, size_t len)
{
	size_t i;

	if (len == 0 || strcspn(s, ",\"\r\n") >= len) {
		buf_append(out, s, len);
		return;
	}
	buf_putc(out, '"');
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			buf_putc(out, '"');
		buf_putc(out, s[i]);
	}
	buf_putc(out, '"');
}

static void
tsv_field(struct buf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf_putc(out, s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
}

static void
write_delimited(struct buf *out, const struct table *t, int csv)
{
	struct buf tmp = BUF_INIT;
	const char *eol = csv ? "\r\n" : "\n";
	size_t r, c;

	for (c = 0; c < t->ncols; c++) {
		if (c > 0)
			buf_putc(out, csv ? ',' : '\t');
		(csv ? csv_field : tsv_field)(out, t->cols[c].name, strlen(t->cols[c].name));
	}
	buf_puts(out, eol);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			if (c > 0)
				buf_putc(out, csv ? ',' : '\t');
			buf_reset(&tmp);
			cell_plain(&tmp, table_cell(t, r, c));
			(csv ? csv_field : tsv_field)(out, tmp.data ? tmp.data : "", tmp.len);
		}
		buf_puts(out, eol);
	}
	buf_free(&tmp);
}

int
format_write(FILE *out, const struct table *t, enum format f)
{
	struct buf b = BUF_INIT;
	int rc = 0;

	switch (f) {
	case FORMAT_TABLE:
		write_table(&b, t);
		break;
	case FORMAT_JSON:
	case FORMAT_NDJSON:
		write_json(&b, t, f == FORMAT_NDJSON);
		break;
	case FORMAT_CSV:
	case FORMAT_TSV:
		write_delimited(&b, t, f == FORMAT_CSV);
		break;
	case FORMAT_HTML:
		errno = EINVAL;
		return -1;
	}
	if (b.len && fwrite(b.data, 1, b.len, out) != b.len)
		rc = -1;
	buf_free(&b);
	return rc;
}
