/*
 * test_db_open.c: db_open_sqlite, the one way every tool opens the database:
 * it creates the schema, completes a schema that lacks an object, and opens
 * an up-to-date database without writing to it.
 */
#include "store/db.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

static char dir[] = "/tmp/np-test-db-open.XXXXXX";
static char path[64];

static long long
query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
test_creates_schema(void)
{
	char err[256] = "";
	sqlite3 *db = db_open_sqlite(path, NULL, err, sizeof err);

	CHECK(db != NULL);
	if (db == NULL)
		return;
	CHECK_EQ_INT(query_int(db, "PRAGMA user_version"), 3);
	CHECK_EQ_INT(query_int(db, "SELECT count(*) FROM sqlite_schema"
	    " WHERE name IN ('nostr_events', 'zaps_valid_event', 'user_influence')"), 3);
	CHECK_EQ_INT(query_int(db, "PRAGMA journal_mode = WAL") >= 0, 1);
	sqlite3_close(db);
}

/* Another connection's data_version moves when anyone else commits: it must
 * not move when an up-to-date database is opened again. */
static void
test_current_schema_is_not_written(void)
{
	char err[256] = "";
	sqlite3 *watch = NULL, *db;
	long long before;

	CHECK_EQ_INT(sqlite3_open(path, &watch), SQLITE_OK);
	before = query_int(watch, "PRAGMA data_version");
	db = db_open_sqlite(path, NULL, err, sizeof err);
	CHECK(db != NULL);
	CHECK_EQ_INT(query_int(watch, "PRAGMA data_version"), before);
	/* The check itself: a write by the other connection does show. */
	CHECK_EQ_INT(sqlite3_exec(db, "PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
	CHECK(query_int(watch, "PRAGMA data_version") != before);
	sqlite3_close(db);
	sqlite3_close(watch);
}

static void
test_missing_object_is_made(void)
{
	char err[256] = "";
	sqlite3 *db;

	CHECK_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_EQ_INT(sqlite3_exec(db, "DROP INDEX zaps_valid_event; DROP VIEW zap_totals",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	db = db_open_sqlite(path, NULL, err, sizeof err);
	CHECK(db != NULL);
	if (db == NULL)
		return;
	CHECK_EQ_INT(query_int(db, "SELECT count(*) FROM sqlite_schema"
	    " WHERE name IN ('zaps_valid_event', 'zap_totals')"), 2);
	/* And an older user_version is brought up to date. */
	CHECK_EQ_INT(sqlite3_exec(db, "PRAGMA user_version = 0", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	db = db_open_sqlite(path, NULL, err, sizeof err);
	CHECK(db != NULL);
	CHECK_EQ_INT(query_int(db, "PRAGMA user_version"), 3);
	sqlite3_close(db);
}

static void
test_errors(void)
{
	char err[256] = "";
	char bad[80];

	snprintf(bad, sizeof bad, "%s/no/such/dir/x.db", dir);
	CHECK(db_open_sqlite(bad, NULL, err, sizeof err) == NULL);
	CHECK(err[0] != '\0');
}

int
main(void)
{
	char f[96];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/t.db", dir);
	TEST(test_creates_schema);
	TEST(test_current_schema_is_not_written);
	TEST(test_missing_object_is_made);
	TEST(test_errors);
	snprintf(f, sizeof f, "%s-wal", path);
	unlink(f);
	snprintf(f, sizeof f, "%s-shm", path);
	unlink(f);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
