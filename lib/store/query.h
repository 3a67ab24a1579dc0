/*
 * query.h: the one way library code runs SQL on SQLite: prepare, bind
 * parameters, step, and read results into a struct table (store/table.h).
 * What runs on either engine (the reports, the dashboard, export and
 * nostr-score's reads) goes through store/dbq.h, which runs this on SQLite.
 * Every statement gets its values by binding (text from relays is hostile
 * and is never spliced into SQL) and every error is reported the same way.
 *
 * Parameters are given as an array of struct query_arg ended by Q_END and
 * bound in order to ?1, ?2, ...; a statement may use fewer (the rest are
 * not bound).  Text is copied
 * by SQLite (SQLITE_TRANSIENT), so the caller's strings need not outlive
 * the call.
 *
 * Errors: a function that fails returns NULL or -1 and leaves SQLite's own
 * message in sqlite3_errmsg(db) ("no such table: relay_metrics"); it prints
 * nothing and ends no transaction.  The statement of a failed call is
 * finalized, except for those the caller passed in.  Memory runs out only
 * through buf.h's x* allocators.
 */
#ifndef NP_QUERY_H
#define NP_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store/table.h"

/* A value bound to a statement parameter. */
struct query_arg {
	enum { QUERY_END, QUERY_INT, QUERY_REAL, QUERY_TEXT, QUERY_NULL, QUERY_BLOB } type;
	int64_t i;       /* QUERY_INT: the value; QUERY_BLOB: the length */
	double r;
	const char *s;   /* QUERY_TEXT: NUL-terminated; QUERY_BLOB: the bytes */
};

#define Q_INT(v) { QUERY_INT, (v), 0, NULL }
#define Q_REAL(v) { QUERY_REAL, 0, (v), NULL }
#define Q_TEXT(v) { QUERY_TEXT, 0, 0, (v) }
#define Q_NULL { QUERY_NULL, 0, 0, NULL }
#define Q_BLOB(p, n) { QUERY_BLOB, (n), 0, (const char *)(p) }
#define Q_END { QUERY_END, 0, 0, NULL }

/*
 * query_prepare: compiles sql and binds args (NULL: none) to ?1, ?2, ...
 * Returns the statement (sqlite3_finalize it), or NULL when sql does not
 * compile or a value cannot be bound.
 */
sqlite3_stmt *query_prepare(sqlite3 *db, const char *sql, const struct query_arg *args);

/* query_bind: binds args to st's ?1, ?2, ... after clearing its bindings.
 * Returns 0, or -1 (SQLite's message in sqlite3_errmsg). */
int query_bind(sqlite3_stmt *st, const struct query_arg *args);

/*
 * query_step_done: steps st, a statement that returns no rows (INSERT,
 * DELETE), to its end, then resets it and clears its bindings for the next
 * use.  Returns 0, or -1 when it did not reach SQLITE_DONE.
 */
int query_step_done(sqlite3_stmt *st);

/*
 * query_step_row: steps st once.  Returns 1 for a row, 0 at the end, -1 on
 * an error.
 */
int query_step_row(sqlite3_stmt *st);

/* query_exec: prepares sql with args, runs it to its end, finalizes it.
 * For statements without rows (BEGIN, DELETE ...).  Returns 0 or -1. */
int query_exec(sqlite3 *db, const char *sql, const struct query_arg *args);

/*
 * query_int: the first column of the first row of sql with args into *out;
 * *out is left as it is when there is no row or the value is NULL.
 * Returns 0 or -1.
 */
int query_int(sqlite3 *db, const char *sql, const struct query_arg *args, int64_t *out);

/*
 * query_table: runs sql with args and appends each result row to a new table
 * of the ncols columns cols, result column i filling table column i and
 * keeping SQLite's type of each value (INTEGER, REAL, TEXT with its bytes,
 * NULL), except that a BLOB (a stored id, pubkey or signature) becomes its
 * lower-case hex as TEXT: every output speaks hex.  Result columns past
 * ncols are not read.  Returns the table (free with table_free), or NULL
 * after an error.
 */
struct table *query_table(sqlite3 *db, const struct column *cols, size_t ncols,
    const char *sql, const struct query_arg *args);

/* query_row_into: st's current row as a new row of t, typed as query_table
 * keeps them; columns past t's are not read. */
void query_row_into(struct table *t, sqlite3_stmt *st);

/* query_key: column col of st's row into key: a 32-byte BLOB as it is, or
 * text decoded from 64 hex digits.  Returns 0, or -1 when it is neither. */
int query_key(sqlite3_stmt *st, int col, uint8_t key[32]);

#endif
