/*
 * table.h: the result table of a query: a list of columns (name, type,
 * display hints) and rows whose cells hold a typed value: NULL, an integer,
 * a real or text.  The query layer (store/query.h) fills tables from SQL;
 * the formats (render/format.h) and the dashboard render them.  Nothing in a
 * table depends on where its rows came from.
 *
 * Ownership: the table owns everything in it.  table_new() copies the column
 * names; the cell setters copy text.  table_free() releases it all.  Memory
 * runs out only through buf.h's x* allocators (the process ends there).
 *
 * Column names with dots ("profile.name") become nested objects in JSON and
 * NDJSON ({"profile":{"name":...}}); columns that share a prefix must be
 * adjacent.
 */
#ifndef NP_TABLE_H
#define NP_TABLE_H

#include <stddef.h>
#include <stdint.h>

enum cell_type { CELL_NULL = 0, CELL_INT, CELL_REAL, CELL_TEXT };

/* A column: name (dotted for nesting), the type its cells usually hold (numbers
 * align right in tables), the widest display width a table gives it (0: no
 * limit; longer text is cut and ends in "\u2026"), the digits shown after the
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

/* table_clear: drops t's rows, keeping its columns (and room for rows). */
void table_clear(struct table *t);

/* table_free: releases t and all it holds; t may be NULL. */
void table_free(struct table *t);

/* table_set_title: sets the caption shown above the table format (copied). */
void table_set_title(struct table *t, const char *title);

/* table_add_row: appends a row of NULL cells and returns its index. */
size_t table_add_row(struct table *t);

/* table_set_*: set the cell (row, col); text is copied, s may hold any bytes.
 * A real that is not finite (NaN, infinity) leaves the cell NULL. */
void table_set_null(struct table *t, size_t row, size_t col);
void table_set_int(struct table *t, size_t row, size_t col, int64_t v);
void table_set_real(struct table *t, size_t row, size_t col, double v);
void table_set_text(struct table *t, size_t row, size_t col, const char *s, size_t len);

/* table_cell: the cell at (row, col). */
const struct cell *table_cell(const struct table *t, size_t row, size_t col);

/* table_column: the index of the column named name, or -1. */
int table_column(const struct table *t, const char *name);

/* table_number: the cell at (row, col) as a double (text and NULL: 0). */
double table_number(const struct table *t, size_t row, size_t col);

/* table_text: the text of the cell at (row, col), or NULL when it holds no
 * text. */
const char *table_text(const struct table *t, size_t row, size_t col);

#endif
