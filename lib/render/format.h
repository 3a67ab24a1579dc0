/*
 * format.h: result tables and the formats they are written in: an aligned
 * table for people, JSON, NDJSON, CSV and TSV for programs.
 *
 * A struct table is a list of columns (name, type, display hints) and a list of
 * rows whose cells hold a typed value: NULL, an integer, a real or text.  Query
 * code (lib/report) fills a table; format_write() renders it.  Nothing in a table
 * depends on where the rows came from, so every formatter (and the HTML
 * dashboard) can render any table.
 *
 * Ownership: the table owns everything in it.  table_new() copies the column
 * names; the cell setters copy text.  table_free() releases it all.
 *
 * Column names with dots ("profile.name") become nested objects in JSON and
 * NDJSON ({"profile":{"name":...}}); columns that share a prefix must be
 * adjacent.  Other formats print the dotted name as it is.
 *
 * Text from the network is hostile.  The table format strips every control
 * character (C0, DEL, C1), every bidirectional-override or isolate character
 * (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) and every other code
 * point wcwidth(3) calls non-printable, turns invalid UTF-8 into U+FFFD, and
 * lays columns out by display width (so CJK and emoji line up).  JSON escapes
 * what JSON requires; CSV quotes per RFC 4180 and keeps the bytes; TSV puts a
 * space for each tab, newline and carriage return, as TSV has no quoting.
 */
#ifndef NP_FORMAT_H
#define NP_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"

enum cell_type { CELL_NULL = 0, CELL_INT, CELL_REAL, CELL_TEXT };

enum format {
	FORMAT_TABLE,
	FORMAT_JSON,    /* one array of objects */
	FORMAT_NDJSON,  /* one object per line */
	FORMAT_CSV,     /* RFC 4180: header line, CRLF line ends */
	FORMAT_TSV,     /* header line, LF line ends */
	FORMAT_HTML,    /* rendered by the dashboard (issue 6), not by format_write */
};

/* A column: name (dotted for nesting), the type its cells usually hold (numbers
 * align right in tables), the widest display width a table gives it (0: no
 * limit; longer text is cut and ends in "…"), the digits shown after the
 * point for reals in tables (0: 3), and COLUMN_* flags. */
struct column {
	const char *name;
	enum cell_type type;
	int max_width;
	int precision;
	unsigned flags;
};

/* Column flags.  COLUMN_TIME: an integer of unix seconds, which the table
 * format shows as UTC "YYYY-MM-DD HH:MM:SS" (other formats keep the number). */
#define COLUMN_TIME 0x1

struct cell {
	enum cell_type type;
	int64_t i;
	double r;
	char *text;     /* NUL-terminated copy; may also hold NULs, see len */
	size_t len;
};

struct table {
	char *title;             /* optional caption (NULL), shown above tables */
	size_t ncols;
	struct column *cols;     /* names copied */
	size_t nrows, rows_cap;
	struct cell *cells;      /* nrows * ncols, row-major */
	int vertical;            /* one record: the table format lists name: value */
};

/* table_new: an empty table with copies of the ncols columns. */
struct table *table_new(const struct column *cols, size_t ncols);

/* table_free: releases t and all it holds; t may be NULL. */
void table_free(struct table *t);

/* table_set_title: sets the caption shown above the table format (copied). */
void table_set_title(struct table *t, const char *title);

/* table_add_row: appends a row of NULL cells and returns its index. */
size_t table_add_row(struct table *t);

/* table_set_*: set the cell (row, col); text is copied, s may hold any bytes. */
void table_set_null(struct table *t, size_t row, size_t col);
void table_set_int(struct table *t, size_t row, size_t col, int64_t v);
void table_set_real(struct table *t, size_t row, size_t col, double v);
void table_set_text(struct table *t, size_t row, size_t col, const char *s, size_t len);

/* table_cell: the cell at (row, col). */
const struct cell *table_cell(const struct table *t, size_t row, size_t col);

/* table_column: the index of the column named name, or -1. */
int table_column(const struct table *t, const char *name);

/* format_parse: "table", "json", "ndjson", "csv", "tsv" or "html" into *f;
 * returns 0, or -1 for another name. */
int format_parse(const char *name, enum format *f);

/*
 * format_write: writes t to out in format f (not FORMAT_HTML).  Returns 0, or
 * -1 when writing failed (errno is set) or f is FORMAT_HTML.
 */
int format_write(FILE *out, const struct table *t, enum format f);

/*
 * format_locale_init: setlocale(LC_CTYPE, "") so that wcwidth(3) knows the
 * user's character set; when that is not UTF-8, LC_CTYPE falls back to
 * C.UTF-8, since the pipeline's text is always UTF-8.  LC_NUMERIC stays "C",
 * so numbers always print with a '.'.  Call once in main().
 */
void format_locale_init(void);

/*
 * text_sanitize: appends to out the len bytes of s made safe for a terminal
 * (see above), cut to at most max_width display columns with "…" as the last
 * one when it had to be cut (max_width 0: no limit).  Tabs and line ends become
 * spaces.  Returns the display width of what it appended.
 */
int text_sanitize(struct buf *out, const char *s, size_t len, int max_width);

/* text_display_width: the display width text_sanitize would give s uncut. */
int text_display_width(const char *s, size_t len);

/*
 * utf8_decode: decodes one code point at s[0..len) into *cp and returns its
 * length in bytes (1..4), or 0 for invalid UTF-8 (overlong, surrogate, past
 * U+10FFFF, truncated): then *cp is U+FFFD and the caller skips one byte.
 */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* text_is_unsafe_codepoint: true for what text_sanitize removes. */
int text_is_unsafe_codepoint(uint32_t cp);

#endif
