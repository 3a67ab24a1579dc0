#include "store/query.h"

#include <string.h>

#include "base/hex.h"

int
query_bind(sqlite3_stmt *st, const struct query_arg *args)
{
	int i, rc = SQLITE_OK, n = sqlite3_bind_parameter_count(st);

	sqlite3_clear_bindings(st);
	for (i = 0; args != NULL && args[i].type != QUERY_END && i < n && rc == SQLITE_OK; i++) {
		switch (args[i].type) {
		case QUERY_INT:
			rc = sqlite3_bind_int64(st, i + 1, args[i].i);
			break;
		case QUERY_REAL:
			rc = sqlite3_bind_double(st, i + 1, args[i].r);
			break;
		case QUERY_TEXT:
			rc = args[i].s == NULL ? sqlite3_bind_null(st, i + 1) :
			    sqlite3_bind_text(st, i + 1, args[i].s, -1, SQLITE_TRANSIENT);
			break;
		case QUERY_BLOB:
			rc = sqlite3_bind_blob64(st, i + 1, args[i].s, (sqlite3_uint64)args[i].i,
			    SQLITE_TRANSIENT);
			break;
		default:
			rc = sqlite3_bind_null(st, i + 1);
			break;
		}
	}
	return rc == SQLITE_OK ? 0 : -1;
}

sqlite3_stmt *
query_prepare(sqlite3 *db, const char *sql, const struct query_arg *args)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return NULL;
	}
	if (query_bind(st, args) != 0) {
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

int
query_step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	/* sqlite3_errmsg keeps the step's error through the reset. */
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
query_step_row(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

int
query_exec(sqlite3 *db, const char *sql, const struct query_arg *args)
{
	sqlite3_stmt *st = query_prepare(db, sql, args);
	int rc;

	if (st == NULL)
		return -1;
	rc = query_step_done(st);
	sqlite3_finalize(st);
	return rc;
}

int
query_int(sqlite3 *db, const char *sql, const struct query_arg *args, int64_t *out)
{
	sqlite3_stmt *st = query_prepare(db, sql, args);
	int rc;

	if (st == NULL)
		return -1;
	rc = query_step_row(st);
	if (rc == 1 && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* blob_into: a BLOB (a stored id, pubkey or signature) as its lower-case hex. */
static void
blob_into(struct table *t, size_t r, size_t c, sqlite3_stmt *st)
{
	const uint8_t *p = sqlite3_column_blob(st, (int)c);
	size_t n = (size_t)sqlite3_column_bytes(st, (int)c);
	char hex[129];

	if (n > 64) {
		table_set_null(t, r, c);  /* no key is longer: not one of ours */
		return;
	}
	hex_encode(p, n, hex);
	table_set_text(t, r, c, hex, 2 * n);
}

void
query_row_into(struct table *t, sqlite3_stmt *st)
{
	size_t r = table_add_row(t), c, n = (size_t)sqlite3_column_count(st);

	for (c = 0; c < t->ncols && c < n; c++) {
		switch (sqlite3_column_type(st, (int)c)) {
		case SQLITE_INTEGER:
			table_set_int(t, r, c, sqlite3_column_int64(st, (int)c));
			break;
		case SQLITE_FLOAT:
			table_set_real(t, r, c, sqlite3_column_double(st, (int)c));
			break;
		case SQLITE_NULL:
			break;
		case SQLITE_BLOB:
			blob_into(t, r, c, st);
			break;
		default:
			table_set_text(t, r, c, (const char *)sqlite3_column_text(st, (int)c),
			    (size_t)sqlite3_column_bytes(st, (int)c));
			break;
		}
	}
}

struct table *
query_table(sqlite3 *db, const struct column *cols, size_t ncols, const char *sql,
    const struct query_arg *args)
{
	sqlite3_stmt *st = query_prepare(db, sql, args);
	struct table *t;
	int rc;

	if (st == NULL)
		return NULL;
	t = table_new(cols, ncols);
	while ((rc = query_step_row(st)) == 1)
		query_row_into(t, st);
	sqlite3_finalize(st);
	if (rc != 0) {
		table_free(t);
		return NULL;
	}
	return t;
}

int
query_key(sqlite3_stmt *st, int col, uint8_t key[32])
{
	const char *s;

	if (sqlite3_column_type(st, col) == SQLITE_BLOB) {
		if (sqlite3_column_bytes(st, col) != 32)
			return -1;
		memcpy(key, sqlite3_column_blob(st, col), 32);
		return 0;
	}
	s = (const char *)sqlite3_column_text(st, col);
	if (s == NULL || sqlite3_column_bytes(st, col) != 64)
		return -1;
	return hex_decode(s, key, 32);
}
