#include "store/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

struct table *
table_new(const struct column *cols, size_t ncols)
{
	struct table *t = xcalloc(1, sizeof(*t));
	size_t i;

	t->ncols = ncols;
	t->cols = xcalloc(ncols ? ncols : 1, sizeof(*t->cols));
	for (i = 0; i < ncols; i++) {
		t->cols[i] = cols[i];
		t->cols[i].name = xstrdup(cols[i].name);
	}
	return t;
}

void
table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i].text);
	for (i = 0; i < t->ncols; i++)
		free((char *)t->cols[i].name);
	free(t->cols);
	free(t->cells);
	free(t->title);
	free(t);
}

void
table_clear(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i].text);
	t->nrows = 0;
}

void
table_set_title(struct table *t, const char *title)
{
	free(t->title);
	t->title = title ? xstrdup(title) : NULL;
}

size_t
table_add_row(struct table *t)
{
	/* A row is ncols cells: the array grows by rows. */
	t->cells = xgrow(t->cells, &t->rows_cap, t->nrows + 1,
	    (t->ncols ? t->ncols : 1) * sizeof(*t->cells));
	memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof(*t->cells));
	return t->nrows++;
}

static struct cell *
cell_at(struct table *t, size_t row, size_t col)
{
	struct cell *c = &t->cells[row * t->ncols + col];

	free(c->text);
	memset(c, 0, sizeof(*c));
	return c;
}

const struct cell *
table_cell(const struct table *t, size_t row, size_t col)
{
	return &t->cells[row * t->ncols + col];
}

int
table_column(const struct table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

void
table_set_null(struct table *t, size_t row, size_t col)
{
	cell_at(t, row, col);
}

void
table_set_int(struct table *t, size_t row, size_t col, int64_t v)
{
	struct cell *c = cell_at(t, row, col);

	c->type = CELL_INT;
	c->i = v;
}

void
table_set_real(struct table *t, size_t row, size_t col, double v)
{
	struct cell *c = cell_at(t, row, col);

	/* JSON has no NaN or infinity: a value that is not a number is unknown. */
	if (!isfinite(v))
		return;
	c->type = CELL_REAL;
	c->r = v;
}

void
table_set_text(struct table *t, size_t row, size_t col, const char *s, size_t len)
{
	struct cell *c = cell_at(t, row, col);

	c->type = CELL_TEXT;
	c->text = xmalloc(len + 1);
	memcpy(c->text, s, len);
	c->text[len] = '\0';
	c->len = len;
}

double
table_number(const struct table *t, size_t row, size_t col)
{
	const struct cell *c = table_cell(t, row, col);

	return c->type == CELL_INT ? (double)c->i : c->type == CELL_REAL ? c->r : 0;
}

const char *
table_text(const struct table *t, size_t row, size_t col)
{
	const struct cell *c = table_cell(t, row, col);

	return c->type == CELL_TEXT ? c->text : NULL;
}
