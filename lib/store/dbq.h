/*
 * dbq.h: read queries that run on either engine: an open SQLite database or
 * a PostgreSQL connection, behind one handle, so that nostr-report, the
 * dashboard and export ask each question once and get the same table from
 * both.
 *
 * SQL is written once with SQLite's numbered parameters (?1, ?2, ...); on
 * PostgreSQL they become $1, $2, ... (outside quoted text), and each value
 * goes with its type: an integer as bigint, a real as double precision, text
 * as text, a BLOB as bytea, NULL as the type the statement gives it.  Where
 * the dialects differ a caller picks its text with dbq_pick().
 *
 * Results become struct table cells of the same kind on both engines: SQLite
 * keeps its value types; from PostgreSQL, integers and booleans (1, 0) are
 * INT, float4 and float8 REAL, numeric (what sum() of bigints returns) INT
 * when it is a whole number that fits, else REAL, bytea the lower-case hex
 * of its bytes (every output speaks hex), everything else TEXT.
 *
 * Errors: a function that fails returns NULL or -1; dbq_errmsg says why (on
 * PostgreSQL without any password of the connection).  Nothing is printed.
 */
#ifndef NP_DBQ_H
#define NP_DBQ_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "store/dbpath.h"
#include "store/query.h"
#include "store/table.h"

struct dbq {
	enum db_engine engine;
	sqlite3 *lite;          /* DB_ENGINE_SQLITE */
	PGconn *pg;             /* DB_ENGINE_POSTGRESQL */
	char error[512];        /* PostgreSQL's last message */
};

/* A handle over a database its owner opened and closes. */
#define DBQ_SQLITE(db) { DB_ENGINE_SQLITE, (db), NULL, "" }
#define DBQ_PG(conn) { DB_ENGINE_POSTGRESQL, NULL, (conn), "" }

struct db_options;

/*
 * dbq_open: opens the database where names for q: SQLite as db_open_sqlite
 * does with opt, PostgreSQL with pg_connect, where the schema must be there
 * already (nostr-load makes it).  Returns 0, or -1 with the reason in err
 * (no password in it).  Close with dbq_close.
 */
int dbq_open(struct dbq *q, const struct db_path *where, const struct db_options *opt,
    char *err, size_t errlen);

/* dbq_close: closes what dbq_open opened; q may be closed already. */
void dbq_close(struct dbq *q);

/* dbq_pick: the text for q's engine: lite on SQLite, pg on PostgreSQL. */
#define dbq_pick(q, lite, pg) ((q)->engine == DB_ENGINE_POSTGRESQL ? (pg) : (lite))

/* dbq_in_transaction: whether q has a transaction open (or failed, on
 * PostgreSQL, waiting for ROLLBACK). */
int dbq_in_transaction(const struct dbq *q);

/* dbq_errmsg: why the last call on q failed. */
const char *dbq_errmsg(const struct dbq *q);

/*
 * dbq_table: runs sql with args (ended by Q_END; NULL: none) and returns its
 * rows as a new table of the ncols columns cols (result column i into table
 * column i, columns past ncols not read), or NULL after an error.
 */
struct table *dbq_table(struct dbq *q, const struct column *cols, size_t ncols,
    const char *sql, const struct query_arg *args);

/* dbq_int: the first column of the first row into *out, left as it is when
 * there is no row or the value is NULL.  Returns 0 or -1. */
int dbq_int(struct dbq *q, const char *sql, const struct query_arg *args, int64_t *out);

/* dbq_exec: runs sql, a statement without rows (BEGIN, COMMIT).  0 or -1. */
int dbq_exec(struct dbq *q, const char *sql, const struct query_arg *args);

/*
 * dbq_each: runs sql with args and calls fn once per result row with a table
 * of the ncols columns cols holding that row alone (as dbq_table would fill
 * it; valid during the call).  Rows stream: a result of millions does not
 * sit in memory.  Returns 0 at the end, fn's non-zero value when it stopped
 * the loop, or -1 after a database error.
 */
typedef int (*dbq_row_fn)(void *arg, const struct table *row);
int dbq_each(struct dbq *q, const struct column *cols, size_t ncols, const char *sql,
    const struct query_arg *args, dbq_row_fn fn, void *arg);

/*
 * dbq_pg_sql: sql with ?N (outside quotes) as $N into out (a buffer the
 * caller frees); *nparams the highest N.  For the PostgreSQL side and its
 * tests.
 */
struct buf;
void dbq_pg_sql(const char *sql, struct buf *out, int *nparams);

#endif
