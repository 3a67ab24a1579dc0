/*
 * test_query.c: store/query.h and store/table.h on an in-memory database:
 * values bound in order and never spliced into SQL, result types kept,
 * text with NUL bytes kept whole, step-until-done, errors as SQLite's
 * message with no statement left behind.
 */
#include "store/query.h"
#include "tap.h"

#include <math.h>
#include <stdlib.h>

static sqlite3 *
memory_db(void)
{
	sqlite3 *db = NULL;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, "CREATE TABLE t (k INTEGER, v TEXT, r REAL)", NULL, NULL,
	    NULL) != SQLITE_OK) {
		printf("# cannot create the table\n");
		exit(1);
	}
	return db;
}

static void
test_exec_and_bind(void)
{
	sqlite3 *db = memory_db();
	/* Hostile text stays a value: the quote ends nothing. */
	struct query_arg row[] = { Q_INT(1), Q_TEXT("x'); DROP TABLE t; --"), Q_REAL(0.5), Q_END };
	struct query_arg two[] = { Q_INT(2), Q_NULL, Q_REAL(1.5), Q_END };
	struct query_arg key[] = { Q_INT(1), Q_INT(99), Q_END };
	sqlite3_stmt *st;
	int64_t n = -1;

	CHECK_EQ_INT(query_exec(db, "INSERT INTO t VALUES (?1, ?2, ?3)", row), 0);
	/* One statement, used twice: query_step_done resets it. */
	st = query_prepare(db, "INSERT INTO t VALUES (?, ?, ?)", two);
	CHECK(st != NULL);
	CHECK_EQ_INT(query_step_done(st), 0);
	CHECK_EQ_INT(query_bind(st, two), 0);
	CHECK_EQ_INT(query_step_done(st), 0);
	sqlite3_finalize(st);
	CHECK_EQ_INT(query_int(db, "SELECT count(*) FROM t", NULL, &n), 0);
	CHECK_EQ_INT(n, 3);
	/* More values than parameters: the rest are not bound. */
	CHECK_EQ_INT(query_int(db, "SELECT count(*) FROM t WHERE k = ?1", key, &n), 0);
	CHECK_EQ_INT(n, 1);
	/* No row, or NULL: *out is left as it was. */
	n = 7;
	CHECK_EQ_INT(query_int(db, "SELECT k FROM t WHERE k = 42", NULL, &n), 0);
	CHECK_EQ_INT(n, 7);
	CHECK_EQ_INT(query_int(db, "SELECT max(k) FROM t WHERE k > 42", NULL, &n), 0);
	CHECK_EQ_INT(n, 7);
	sqlite3_close(db);
}

static void
test_table(void)
{
	static const struct column cols[] = {
		{ "k", CELL_INT, 0, 0, 0 },
		{ "v", CELL_TEXT, 0, 0, 0 },
	};
	sqlite3 *db = memory_db();
	struct query_arg lim[] = { Q_INT(2), Q_END };
	struct table *t;

	CHECK_EQ_INT(query_exec(db, "INSERT INTO t VALUES (1, 'a' || char(0) || 'b', 0.25),"
	    " (2, NULL, NULL), (3, 'c', 1e300 * 1e300)", NULL), 0);
	/* Three result columns into two: the third is not read. */
	t = query_table(db, cols, 2, "SELECT k, v, r FROM t ORDER BY k LIMIT ?1", lim);
	CHECK(t != NULL);
	if (t == NULL)
		return;
	CHECK_EQ_INT(t->nrows, 2);
	CHECK_EQ_INT(t->ncols, 2);
	CHECK_EQ_INT(table_cell(t, 0, 0)->type, CELL_INT);
	CHECK_EQ_INT(table_cell(t, 0, 1)->type, CELL_TEXT);
	CHECK_EQ_INT(table_cell(t, 0, 1)->len, 3);
	CHECK_EQ_MEM(table_cell(t, 0, 1)->text, "a\0b", 3);
	CHECK_EQ_INT(table_cell(t, 1, 1)->type, CELL_NULL);
	CHECK(table_text(t, 1, 1) == NULL);
	CHECK(table_number(t, 1, 0) == 2.0);
	CHECK_EQ_INT(table_column(t, "v"), 1);
	CHECK_EQ_INT(table_column(t, "r"), -1);
	table_free(t);
	/* A real that is not finite is unknown: NULL. */
	t = query_table(db, (const struct column[]){ { "r", CELL_REAL, 0, 0, 0 } }, 1,
	    "SELECT r FROM t WHERE k = 3", NULL);
	CHECK(t != NULL && t->nrows == 1 && table_cell(t, 0, 0)->type == CELL_NULL);
	table_free(t);
	sqlite3_close(db);
}

static void
test_errors(void)
{
	static const struct column cols[] = { { "x", CELL_INT, 0, 0, 0 } };
	sqlite3 *db = memory_db();
	sqlite3_stmt *st;
	int64_t n = 0;

	CHECK(query_prepare(db, "SELECT * FROM nowhere", NULL) == NULL);
	CHECK_EQ_STR(sqlite3_errmsg(db), "no such table: nowhere");
	CHECK(query_table(db, cols, 1, "SELECT x FROM nowhere", NULL) == NULL);
	CHECK_EQ_INT(query_int(db, "SELEC 1", NULL, &n), -1);
	CHECK_EQ_INT(query_exec(db, "INSERT INTO nowhere VALUES (1)", NULL), -1);
	/* A step error: SQLite's message survives the reset. */
	CHECK_EQ_INT(query_exec(db, "CREATE TABLE u (x UNIQUE)", NULL), 0);
	st = query_prepare(db, "INSERT INTO u VALUES (1)", NULL);
	CHECK_EQ_INT(query_step_done(st), 0);
	CHECK_EQ_INT(query_step_done(st), -1);
	CHECK_EQ_STR(sqlite3_errmsg(db), "UNIQUE constraint failed: u.x");
	sqlite3_finalize(st);
	/* A statement with rows is not done after one step. */
	st = query_prepare(db, "SELECT 1", NULL);
	CHECK_EQ_INT(query_step_row(st), 1);
	CHECK_EQ_INT(query_step_row(st), 0);
	sqlite3_finalize(st);
	/* Nothing was left unfinalized: close succeeds. */
	CHECK_EQ_INT(sqlite3_close(db), SQLITE_OK);
}

int
main(void)
{
	TEST(test_exec_and_bind);
	TEST(test_table);
	TEST(test_errors);
	return tap_done();
}
