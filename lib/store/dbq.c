#include "store/dbq.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "store/db.h"
#include "store/pgconn.h"

/* The type OIDs of pg_type that results are read by. */
enum {
	OID_BOOL = 16, OID_BYTEA = 17, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23,
	OID_TEXT = 25, OID_OID = 26, OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_NUMERIC = 1700
};

const char *
dbq_errmsg(const struct dbq *q)
{
	if (q->engine == DB_ENGINE_SQLITE)
		return sqlite3_errmsg(q->lite);
	return q->error[0] ? q->error : "unknown error";
}

int
dbq_in_transaction(const struct dbq *q)
{
	if (q->engine == DB_ENGINE_SQLITE)
		return !sqlite3_get_autocommit(q->lite);
	return PQtransactionStatus(q->pg) != PQTRANS_IDLE;
}

int
dbq_open(struct dbq *q, const struct db_path *where, const struct db_options *opt,
    char *err, size_t errlen)
{
	PGresult *res;
	int have;

	memset(q, 0, sizeof(*q));
	q->engine = where->engine;
	if (where->engine == DB_ENGINE_SQLITE) {
		q->lite = db_open_sqlite(where->path, opt, err, errlen);
		return q->lite != NULL ? 0 : -1;
	}
	if ((q->pg = pg_connect(where->path, err, errlen)) == NULL)
		return -1;
	res = PQexec(q->pg, "SELECT to_regclass('schema_version') IS NOT NULL");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_message(q->pg, res, err, errlen);
		PQclear(res);
		dbq_close(q);
		return -1;
	}
	have = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (!have) {
		snprintf(err, errlen, "no nostr-pipeline schema in this database"
		    " (create it with nostr-load)");
		dbq_close(q);
		return -1;
	}
	return 0;
}

void
dbq_close(struct dbq *q)
{
	if (q->lite != NULL)
		sqlite3_close(q->lite);
	if (q->pg != NULL)
		PQfinish(q->pg);
	q->lite = NULL, q->pg = NULL;
}

void
dbq_pg_sql(const char *sql, struct buf *out, int *nparams)
{
	const char *p = sql;
	char quote = 0;

	*nparams = 0;
	buf_reset(out);
	for (; *p != '\0'; p++) {
		if (quote != 0) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '?' && p[1] >= '0' && p[1] <= '9') {
			int n = 0;

			buf_putc(out, '$');
			while (p[1] >= '0' && p[1] <= '9' && n < 100000) {
				n = n * 10 + (p[1] - '0');
				buf_putc(out, *++p);
			}
			if (n > *nparams)
				*nparams = n;
			continue;
		}
		buf_putc(out, *p);
	}
	buf_putc(out, '\0');
}

/* The parameters of one PostgreSQL statement, as libpq takes them. */
struct pg_params {
	int n;
	Oid *types;
	const char **values;
	int *lengths, *formats;
	char (*text)[32];       /* numbers written out */
};

/* params_make: args as p's n parameters ($1..$n); those past args are NULL. */
static void
params_make(struct pg_params *p, const struct query_arg *args, int n)
{
	int i, end = 0;

	p->n = n;
	p->types = xcalloc((size_t)n + 1, sizeof(*p->types));
	p->values = xcalloc((size_t)n + 1, sizeof(*p->values));
	p->lengths = xcalloc((size_t)n + 1, sizeof(*p->lengths));
	p->formats = xcalloc((size_t)n + 1, sizeof(*p->formats));
	p->text = xcalloc((size_t)n + 1, sizeof(*p->text));
	for (i = 0; i < n; i++) {
		const struct query_arg *a = args != NULL && !end ? &args[i] : NULL;

		if (a != NULL && a->type == QUERY_END)
			end = 1, a = NULL;
		if (a == NULL)
			continue;
		switch (a->type) {
		case QUERY_INT:
			p->types[i] = OID_INT8;
			snprintf(p->text[i], sizeof p->text[i], "%" PRId64, a->i);
			p->values[i] = p->text[i];
			break;
		case QUERY_REAL:
			p->types[i] = OID_FLOAT8;
			snprintf(p->text[i], sizeof p->text[i], "%.17g", a->r);
			p->values[i] = p->text[i];
			break;
		case QUERY_TEXT:
			p->types[i] = OID_TEXT;
			p->values[i] = a->s;
			break;
		case QUERY_BLOB:
			p->types[i] = OID_BYTEA;
			p->values[i] = a->s;
			p->lengths[i] = (int)a->i;
			p->formats[i] = 1;
			break;
		default:
			break;
		}
	}
}

static void
params_free(struct pg_params *p)
{
	free(p->types);
	free(p->values);
	free(p->lengths);
	free(p->formats);
	free(p->text);
}

/* pg_send: sends sql with args; 0, or -1 with the reason in q->error. */
static int
pg_send(struct dbq *q, const char *sql, const struct query_arg *args, int single_rows)
{
	struct buf text = BUF_INIT;
	struct pg_params p;
	int n, ok;

	dbq_pg_sql(sql, &text, &n);
	params_make(&p, args, n);
	ok = PQsendQueryParams(q->pg, text.data, p.n, p.types, p.values, p.lengths, p.formats,
	    0);
	params_free(&p);
	buf_free(&text);
	if (ok && single_rows)
		PQsetSingleRowMode(q->pg);
	if (!ok)
		pg_message(q->pg, NULL, q->error, sizeof q->error);
	return ok ? 0 : -1;
}

/* number_into: numeric text as INT when it is a whole number that fits, else REAL. */
static void
number_into(struct table *t, size_t r, size_t c, const char *s)
{
	const char *d = s + (*s == '-');
	char *end;
	long long v;

	if (*d != '\0' && strspn(d, "0123456789") == strlen(d)) {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno == 0 && *end == '\0') {
			table_set_int(t, r, c, (int64_t)v);
			return;
		}
	}
	table_set_real(t, r, c, strtod(s, NULL));
}

/* bytea_into: bytea's text form ("\x" and hex digits) as the hex. */
static void
bytea_into(struct table *t, size_t r, size_t c, const char *s, size_t len)
{
	if (len >= 2 && s[0] == '\\' && s[1] == 'x')
		table_set_text(t, r, c, s + 2, len - 2);
	else
		table_set_null(t, r, c);  /* not the hex output format: not ours to read */
}

/* pg_row_into: row i of res as a new row of t. */
static void
pg_row_into(struct table *t, const PGresult *res, int i)
{
	size_t r = table_add_row(t), c, n = (size_t)PQnfields(res);

	for (c = 0; c < t->ncols && c < n; c++) {
		const char *v = PQgetvalue(res, i, (int)c);
		size_t len = (size_t)PQgetlength(res, i, (int)c);

		if (PQgetisnull(res, i, (int)c))
			continue;
		switch (PQftype(res, (int)c)) {
		case OID_BOOL:
			table_set_int(t, r, c, v[0] == 't');
			break;
		case OID_INT2:
		case OID_INT4:
		case OID_INT8:
		case OID_OID:
			table_set_int(t, r, c, (int64_t)strtoll(v, NULL, 10));
			break;
		case OID_FLOAT4:
		case OID_FLOAT8:
			table_set_real(t, r, c, strtod(v, NULL));
			break;
		case OID_NUMERIC:
			number_into(t, r, c, v);
			break;
		case OID_BYTEA:
			bytea_into(t, r, c, v, len);
			break;
		default:
			table_set_text(t, r, c, v, len);
			break;
		}
	}
}

/*
 * pg_rows: reads the results of the statement sent, giving each row to fn
 * with t (cleared before each when fn is set; else rows pile up in t).
 * Returns 0, fn's non-zero value (the rest of the results are drained), or
 * -1 with the reason in q->error.
 */
static int
pg_rows(struct dbq *q, struct table *t, dbq_row_fn fn, void *arg)
{
	PGresult *res;
	int rc = 0, i;

	while ((res = PQgetResult(q->pg)) != NULL) {
		ExecStatusType s = PQresultStatus(res);

		if (s != PGRES_TUPLES_OK && s != PGRES_SINGLE_TUPLE && s != PGRES_COMMAND_OK) {
			if (rc == 0) {
				pg_message(q->pg, res, q->error, sizeof q->error);
				rc = -1;
			}
		}
		for (i = 0; rc == 0 && t != NULL && i < PQntuples(res); i++) {
			if (fn != NULL)
				table_clear(t);
			pg_row_into(t, res, i);
			if (fn != NULL)
				rc = fn(arg, t);
		}
		PQclear(res);
	}
	return rc;
}

struct table *
dbq_table(struct dbq *q, const struct column *cols, size_t ncols, const char *sql,
    const struct query_arg *args)
{
	struct table *t;

	if (q->engine == DB_ENGINE_SQLITE)
		return query_table(q->lite, cols, ncols, sql, args);
	if (pg_send(q, sql, args, 0) != 0)
		return NULL;
	t = table_new(cols, ncols);
	if (pg_rows(q, t, NULL, NULL) != 0) {
		table_free(t);
		return NULL;
	}
	return t;
}

int
dbq_int(struct dbq *q, const char *sql, const struct query_arg *args, int64_t *out)
{
	static const struct column one[] = { { "value", CELL_INT, 0, 0, 0 } };
	struct table *t;

	if (q->engine == DB_ENGINE_SQLITE)
		return query_int(q->lite, sql, args, out);
	if ((t = dbq_table(q, one, 1, sql, args)) == NULL)
		return -1;
	if (t->nrows > 0 && table_cell(t, 0, 0)->type != CELL_NULL)
		*out = (int64_t)table_number(t, 0, 0);
	table_free(t);
	return 0;
}

int
dbq_exec(struct dbq *q, const char *sql, const struct query_arg *args)
{
	if (q->engine == DB_ENGINE_SQLITE)
		return query_exec(q->lite, sql, args);
	if (pg_send(q, sql, args, 0) != 0)
		return -1;
	return pg_rows(q, NULL, NULL, NULL) == 0 ? 0 : -1;
}

/* lite_each: dbq_each on SQLite. */
static int
lite_each(sqlite3 *db, struct table *t, const char *sql, const struct query_arg *args,
    dbq_row_fn fn, void *arg)
{
	sqlite3_stmt *st = query_prepare(db, sql, args);
	int rc = 0, row;

	if (st == NULL)
		return -1;
	while ((row = query_step_row(st)) == 1) {
		table_clear(t);
		query_row_into(t, st);
		if ((rc = fn(arg, t)) != 0)
			break;
	}
	if (row < 0)
		rc = -1;
	sqlite3_finalize(st);
	return rc;
}

int
dbq_each(struct dbq *q, const struct column *cols, size_t ncols, const char *sql,
    const struct query_arg *args, dbq_row_fn fn, void *arg)
{
	struct table *t = table_new(cols, ncols);
	int rc;

	if (q->engine == DB_ENGINE_SQLITE)
		rc = lite_each(q->lite, t, sql, args, fn, arg);
	else
		rc = pg_send(q, sql, args, 1) != 0 ? -1 : pg_rows(q, t, fn, arg);
	table_free(t);
	return rc;
}
