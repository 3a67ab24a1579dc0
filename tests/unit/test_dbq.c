/*
 * test_dbq.c: store/dbq.h without a server: SQLite's ?N become $N outside
 * quoted text, the highest N is the parameter count; on SQLite dbq runs
 * what query.h runs, dbq_each giving one row at a time and stopping when
 * told; dbq_batch_upsert replaces a stored row's other columns and keeps
 * the rest.
 */
#include "store/dbq.h"
#include "tap.h"

#include "base/buf.h"
#include "store/dbqbatch.h"

static void
test_pg_sql(void)
{
	struct buf b = BUF_INIT;
	int n = -1;

	dbq_pg_sql("SELECT ?1, ?12 FROM t WHERE a = ?2", &b, &n);
	CHECK_EQ_STR(b.data, "SELECT $1, $12 FROM t WHERE a = $2");
	CHECK_EQ_INT(n, 12);
	/* A ? in a literal or an identifier is text, not a parameter. */
	dbq_pg_sql("SELECT '?1', \"?2\" FROM t WHERE x LIKE '%?%' AND y = ?3", &b, &n);
	CHECK_EQ_STR(b.data, "SELECT '?1', \"?2\" FROM t WHERE x LIKE '%?%' AND y = $3");
	CHECK_EQ_INT(n, 3);
	dbq_pg_sql("SELECT 'it''s ?1', ?", &b, &n);
	CHECK_EQ_STR(b.data, "SELECT 'it''s ?1', ?");
	CHECK_EQ_INT(n, 0);
	buf_free(&b);
}

/* count_until: counts rows, stopping (returning 7) at the third. */
static int
count_until(void *arg, const struct table *row)
{
	int *n = arg;

	CHECK_EQ_INT(row->nrows, 1);
	return ++*n == 3 ? 7 : 0;
}

static void
test_sqlite(void)
{
	static const struct column cols[] = {
		{ "k", CELL_INT, 0, 0, 0 }, { "v", CELL_TEXT, 0, 0, 0 },
	};
	sqlite3 *db = NULL;
	struct dbq q;
	struct table *t;
	int64_t v = 0;
	int n = 0;

	CHECK_EQ_INT(sqlite3_open(":memory:", &db), SQLITE_OK);
	q = (struct dbq)DBQ_SQLITE(db);
	CHECK_EQ_INT(dbq_exec(&q, "CREATE TABLE t (k INTEGER, v BLOB)", NULL), 0);
	for (int i = 1; i <= 5; i++) {
		struct query_arg a[] = { Q_INT(i), Q_BLOB("\x01\xab", 2), Q_END };

		CHECK_EQ_INT(dbq_exec(&q, "INSERT INTO t VALUES (?1, ?2)", a), 0);
	}
	CHECK_EQ_INT(dbq_int(&q, "SELECT sum(k) FROM t", NULL, &v), 0);
	CHECK_EQ_INT(v, 15);
	t = dbq_table(&q, cols, 2, "SELECT k, v FROM t ORDER BY k", NULL);
	CHECK(t != NULL && t->nrows == 5);
	if (t != NULL && t->nrows == 5)
		CHECK_EQ_STR(table_text(t, 4, 1), "01ab");  /* a BLOB as its hex */
	table_free(t);
	CHECK_EQ_INT(dbq_each(&q, cols, 2, "SELECT k, v FROM t", NULL, count_until, &n), 7);
	CHECK_EQ_INT(n, 3);
	CHECK_EQ_INT(dbq_int(&q, "SELECT missing FROM t", NULL, &v), -1);
	CHECK_EQ_STR(dbq_errmsg(&q), "no such column: missing");
	CHECK_EQ_STR(dbq_pick(&q, "lite", "pg"), "lite");
	dbq_close(&q);
	CHECK(q.lite == NULL);
}

/* upsert_rows: rows (k1, k2, v) through one dbq_batch_upsert; its result. */
static int
upsert_rows(struct dbq *q, const int64_t (*rows)[3], size_t n)
{
	static const char *const cols[] = { "k1", "k2", "v" };
	struct dbq_batch b;
	size_t i;
	int rc = 0;

	if (dbq_batch_upsert(&b, q, "u", cols, 3, 2) != 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		struct query_arg row[] = { Q_INT(rows[i][0]), Q_INT(rows[i][1]), Q_INT(rows[i][2]) };

		rc = dbq_batch_add(&b, row);
	}
	return dbq_batch_close(&b, rc != 0) == 0 ? rc : -1;
}

static void
test_upsert(void)
{
	static const int64_t first[][3] = { { 1, 1, 10 }, { 1, 2, 20 }, { 2, 1, 30 } };
	static const int64_t again[][3] = { { 1, 2, 21 }, { 3, 3, 40 } };
	static const char *const bad[] = { "k1", "missing" };
	sqlite3 *db = NULL;
	struct dbq q;
	struct dbq_batch b;
	int64_t v = 0;

	CHECK_EQ_INT(sqlite3_open(":memory:", &db), SQLITE_OK);
	q = (struct dbq)DBQ_SQLITE(db);
	CHECK_EQ_INT(dbq_exec(&q, "CREATE TABLE u (k1 INTEGER, k2 INTEGER, v INTEGER,"
	    " PRIMARY KEY (k1, k2))", NULL), 0);
	CHECK_EQ_INT(upsert_rows(&q, first, 3), 0);
	CHECK_EQ_INT(upsert_rows(&q, again, 2), 0);
	CHECK_EQ_INT(dbq_int(&q, "SELECT count(*) FROM u", NULL, &v), 0);
	CHECK_EQ_INT(v, 4);
	CHECK_EQ_INT(dbq_int(&q, "SELECT v FROM u WHERE k1 = 1 AND k2 = 2", NULL, &v), 0);
	CHECK_EQ_INT(v, 21);
	CHECK_EQ_INT(dbq_int(&q, "SELECT sum(v) FROM u", NULL, &v), 0);
	CHECK_EQ_INT(v, 10 + 21 + 30 + 40);
	/* A column the table lacks: an error, and nothing left open. */
	CHECK_EQ_INT(dbq_batch_upsert(&b, &q, "u", bad, 2, 1), -1);
	dbq_close(&q);
}

int
main(void)
{
	TEST(test_pg_sql);
	TEST(test_upsert);
	TEST(test_sqlite);
	return tap_done();
}
