#include "store/dbqbatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

/* values_sql: "(?1, ?2), (?3, ?4)": rows of ncols numbered parameters. */
static void
values_sql(struct buf *out, size_t rows, size_t ncols)
{
	size_t r, c, n = 1;
	char num[32];

	for (r = 0; r < rows; r++) {
		buf_puts(out, r == 0 ? "(" : ", (");
		for (c = 0; c < ncols; c++, n++) {
			snprintf(num, sizeof num, "%s?%zu", c == 0 ? "" : ", ", n);
			buf_puts(out, num);
		}
		buf_putc(out, ')');
	}
}

/* statement: head VALUES rows tail, NUL-terminated in out. */
static void
statement(const struct dbq_batch *b, struct buf *out, size_t rows)
{
	buf_reset(out);
	buf_puts(out, b->head);
	buf_puts(out, " VALUES ");
	values_sql(out, rows, b->ncols);
	buf_puts(out, b->tail);
	buf_putc(out, '\0');
}

int
dbq_batch_open(struct dbq_batch *b, struct dbq *q, const char *head, size_t ncols,
    const char *tail)
{
	memset(b, 0, sizeof(*b));
	b->q = q, b->head = xstrdup(head), b->tail = xstrdup(tail), b->ncols = ncols;
	if (q->engine == DB_ENGINE_SQLITE) {
		struct buf sql = BUF_INIT;

		statement(b, &sql, 1);
		b->st = query_prepare(q->lite, sql.data, NULL);
		buf_free(&sql);
		b->args = xcalloc(ncols + 1, sizeof(*b->args));
		if (b->st == NULL) {
			dbq_batch_close(b, 1);
			return -1;
		}
		return 0;
	}
	b->max_rows = 65535 / (ncols ? ncols : 1);
	if (b->max_rows > DBQ_BATCH_ROWS)
		b->max_rows = DBQ_BATCH_ROWS;
	b->args = xcalloc(b->max_rows * ncols + 1, sizeof(*b->args));
	b->texts = xcalloc(b->max_rows * ncols + 1, sizeof(*b->texts));
	return 0;
}

/* column_list: "(a, b, c)": the n names of cols. */
static void
column_list(struct buf *out, const char *const *cols, size_t n)
{
	size_t c;

	buf_putc(out, '(');
	for (c = 0; c < n; c++) {
		buf_puts(out, c == 0 ? "" : ", ");
		buf_puts(out, cols[c]);
	}
	buf_putc(out, ')');
}

int
dbq_batch_upsert(struct dbq_batch *b, struct dbq *q, const char *table,
    const char *const *cols, size_t ncols, size_t nkeys)
{
	struct buf head = BUF_INIT, tail = BUF_INIT;
	size_t c;
	int rc;

	buf_puts(&head, "INSERT INTO ");
	buf_puts(&head, table);
	buf_putc(&head, ' ');
	column_list(&head, cols, ncols);
	buf_putc(&head, '\0');
	buf_puts(&tail, " ON CONFLICT ");
	column_list(&tail, cols, nkeys);
	buf_puts(&tail, nkeys < ncols ? " DO UPDATE SET " : " DO NOTHING");
	for (c = nkeys; c < ncols; c++) {
		buf_puts(&tail, c == nkeys ? "" : ", ");
		buf_puts(&tail, cols[c]);
		buf_puts(&tail, " = excluded.");
		buf_puts(&tail, cols[c]);
	}
	buf_putc(&tail, '\0');
	rc = dbq_batch_open(b, q, head.data, ncols, tail.data);
	buf_free(&head);
	buf_free(&tail);
	return rc;
}

/* texts_free: the copies of the rows sent. */
static void
texts_free(struct dbq_batch *b)
{
	size_t i;

	for (i = 0; i < b->ntexts; i++)
		free(b->texts[i]);
	b->ntexts = 0;
}

/* flush: the waiting rows as one statement. */
static int
flush(struct dbq_batch *b)
{
	struct buf sql = BUF_INIT;
	int rc;

	if (b->nrows == 0)
		return 0;
	statement(b, &sql, b->nrows);
	b->args[b->nrows * b->ncols] = (struct query_arg)Q_END;
	rc = dbq_exec(b->q, sql.data, b->args);
	buf_free(&sql);
	texts_free(b);
	b->nrows = 0;
	return rc;
}

int
dbq_batch_add(struct dbq_batch *b, const struct query_arg *row)
{
	struct query_arg *to;
	size_t c;

	if (b->st != NULL) {
		memcpy(b->args, row, b->ncols * sizeof(*b->args));
		b->args[b->ncols] = (struct query_arg)Q_END;
		return query_bind(b->st, b->args) == 0 && query_step_done(b->st) == 0 ? 0 : -1;
	}
	to = &b->args[b->nrows * b->ncols];
	memcpy(to, row, b->ncols * sizeof(*to));
	for (c = 0; c < b->ncols; c++)
		if ((to[c].type == QUERY_TEXT || to[c].type == QUERY_BLOB) && to[c].s != NULL) {
			size_t len = to[c].type == QUERY_TEXT ? strlen(to[c].s) + 1 : (size_t)to[c].i;
			char *copy = xcalloc(len ? len : 1, 1);

			memcpy(copy, to[c].s, len);
			b->texts[b->ntexts++] = copy;
			to[c].s = copy;
		}
	if (++b->nrows == b->max_rows)
		return flush(b);
	return 0;
}

int
dbq_batch_close(struct dbq_batch *b, int discard)
{
	int rc = 0;

	if (b->st != NULL)
		sqlite3_finalize(b->st);
	else if (!discard)
		rc = flush(b);
	texts_free(b);
	free(b->args);
	free(b->texts);
	free(b->head);
	free(b->tail);
	memset(b, 0, sizeof(*b));
	return rc;
}
