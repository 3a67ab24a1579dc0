/*
 * test_html_dashboard.c: dashboard.h on in-memory databases: the reference
 * time rule, scored and unscored views, an SQLite error leaving no open
 * transaction, kind names, and dashboard_save's atomic replacement.
 */
#include "render/dashboard.h"
#include "store/db.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static sqlite3 *
fresh_db(void)
{
	sqlite3 *db = NULL;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, np_schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
		printf("# cannot create the schema: %s\n", db ? sqlite3_errmsg(db) : "?");
		exit(1);
	}
	return db;
}

static void
exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		printf("# %s: %s\n", sql, sqlite3_errmsg(db));
		exit(1);
	}
}

static int
has(const struct buf *b, const char *needle)
{
	return b->data != NULL && strstr(b->data, needle) != NULL;
}

/* render: the page of db with options now and hours; 0 or -1 as dashboard_write. */
static int
render(sqlite3 *db, int64_t now, double hours, struct buf *page, struct buf *err)
{
	struct dashboard_options o = { 0 };
	struct dbq q = DBQ_SQLITE(db);

	o.now = now;
	o.hours = hours;
	buf_reset(page);
	buf_reset(err);
	return dashboard_write(&q, &o, page, err);
}

static void
test_reference_time(void)
{
	struct buf page = BUF_INIT, err = BUF_INIT;
	sqlite3 *db = fresh_db();

	/* Empty: the clock (so at least the year is now's, not 1970's). */
	CHECK_EQ_INT(render(db, 0, 0, &page, &err), 0);
	CHECK(!has(&page, "Data up to 1970"));
	/* Events: the newest created_at. */
	exec(db, "INSERT INTO pubkeys VALUES (2, zeroblob(32))");
	exec(db, "INSERT INTO nostr_events (eid, id, aid, created_at, kind, content, tags, sig)"
	    " VALUES (1, CAST(printf('%032d', 1) AS BLOB), 2, 1700000000, 1, 'hi', '[]', zeroblob(64))");
	CHECK_EQ_INT(render(db, 0, 0, &page, &err), 0);
	CHECK(has(&page, "Data up to 2023-11-14 22:13 UTC \xc2\xb7 window 24 h"));
	/* A scoring run: its window_end, even if events are newer. */
	exec(db, "INSERT INTO network_stats (window_end, window_hours, events, posts, reactions,"
	    " reposts, zaps, zap_sats, active_users, new_users, total_users)"
	    " VALUES (1699999200, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)");
	CHECK_EQ_INT(render(db, 0, 6, &page, &err), 0);
	CHECK(has(&page, "Data up to 2023-11-14 22:00 UTC \xc2\xb7 window 6 h"));
	/* An explicit time wins. */
	CHECK_EQ_INT(render(db, 1700006400, 1.5, &page, &err), 0);
	CHECK(has(&page, "Data up to 2023-11-15 00:00 UTC \xc2\xb7 window 1.5 h"));
	CHECK(has(&page, "Events in the last 1.5 h"));
	sqlite3_close(db);
	buf_free(&page);
	buf_free(&err);
}

static void
test_scored_and_raw(void)
{
	struct buf page = BUF_INIT, err = BUF_INIT;
	sqlite3 *db = fresh_db();

	exec(db, "INSERT INTO pubkeys VALUES (2, zeroblob(32))");
	exec(db, "INSERT INTO nostr_events (eid, id, aid, created_at, kind, content, tags, sig)"
	    " VALUES (1, CAST(printf('%032d', 1) AS BLOB), 2, 1700000000, 1, '#<b>', '[]', zeroblob(64))");
	exec(db, "INSERT INTO hashtags (eid, hashtag, aid, created_at, kind)"
	    " VALUES (1, '<b>', 2, 1700000000, 1)");
	CHECK_EQ_INT(render(db, 1700003600, 0, &page, &err), 0);
	CHECK(has(&page, "Not scored yet (run nostr-score): events per hashtag in the last 24 h."));
	CHECK(has(&page, "<bdi>#&lt;b&gt;</bdi>"));
	CHECK(!has(&page, "<b>"));
	CHECK(has(&page, "Not scored yet (run nostr-score): by followers."));
	exec(db, "INSERT INTO trending_topics VALUES (1700003600, 24, '<b>', 1, 1, 0, 0.5, 1)");
	CHECK_EQ_INT(render(db, 1700003600, 0, &page, &err), 0);
	CHECK(has(&page, "Trend score over the 24 h up to 2023-11-14 23:13 UTC (nostr-score)."));
	/* No velocity row: the hashtag is new in its window. */
	CHECK(has(&page, "<span class=\"badge\">new</span>"));
	/* Viral notes: content is shown by its length, U+0000 and all. */
	exec(db, "INSERT INTO nostr_events (eid, id, aid, created_at, kind, content, tags, sig)"
	    " VALUES (5, CAST(printf('%032d', 5) AS BLOB), 2, 1700000000, 1,"
	    " 'a' || char(0) || '<i>z', '[]', zeroblob(64))");
	exec(db, "INSERT INTO content_metrics (eid, aid, kind, created_at, computed_at,"
	    " virality) VALUES (5, 2, 1, 1700000000, 1700003600, 2.5)");
	CHECK_EQ_INT(render(db, 1700003600, 0, &page, &err), 0);
	CHECK(has(&page, "<bdi>a\xef\xbf\xbd&lt;i&gt;z</bdi>"));
	CHECK(has(&page, "virality 2.5 \xc2\xb7 0 replies"));
	/* A --now before the scoring run does not see its window. */
	CHECK_EQ_INT(render(db, 1690000000, 0, &page, &err), 0);
	CHECK(has(&page, "Not scored yet"));
	sqlite3_close(db);
	buf_free(&page);
	buf_free(&err);
}

static void
test_error(void)
{
	struct buf page = BUF_INIT, err = BUF_INIT;
	sqlite3 *db = fresh_db();

	exec(db, "DROP TABLE relay_metrics");
	CHECK_EQ_INT(render(db, 1700000000, 0, &page, &err), -1);
	CHECK_EQ_STR(err.data, "no such table: relay_metrics");
	/* The read transaction was closed: the connection is usable. */
	CHECK(sqlite3_get_autocommit(db) != 0);
	exec(db, "CREATE TABLE t (x)");
	sqlite3_close(db);
	buf_free(&page);
	buf_free(&err);
}

static void
test_kind_names(void)
{
	CHECK_EQ_STR(dashboard_kind_name(1), "note");
	CHECK_EQ_STR(dashboard_kind_name(7), "reaction");
	CHECK_EQ_STR(dashboard_kind_name(9735), "zap receipt");
	CHECK(dashboard_kind_name(2) == NULL);
	CHECK(dashboard_kind_name(-1) == NULL);
}

static void
test_save(void)
{
	char dir[] = "/tmp/np-test-save.XXXXXX", path[64], bad[96], cmd[128];
	struct stat st;
	FILE *f;
	char got[16] = { 0 };

	if (mkdtemp(dir) == NULL) {
		CHECK(!"mkdtemp");
		return;
	}
	snprintf(path, sizeof path, "%s/page.html", dir);
	CHECK_EQ_INT(dashboard_save(path, "old", 3), 0);
	CHECK_EQ_INT(dashboard_save(path, "new page", 8), 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644 && st.st_size == 8);
	if ((f = fopen(path, "r")) != NULL) {
		CHECK(fread(got, 1, sizeof got - 1, f) == 8);
		fclose(f);
	}
	CHECK_EQ_STR(got, "new page");
	/* A directory that is not there: -1, errno, and nothing left behind. */
	snprintf(bad, sizeof bad, "%s/none/page.html", dir);
	errno = 0;
	CHECK_EQ_INT(dashboard_save(bad, "x", 1), -1);
	CHECK_EQ_INT(errno, ENOENT);
	/* Only page.html remains: no temporary file. */
	snprintf(cmd, sizeof cmd, "test \"$(ls -A %s)\" = page.html", dir);
	CHECK_EQ_INT(system(cmd), 0);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	TEST(test_reference_time);
	TEST(test_scored_and_raw);
	TEST(test_error);
	TEST(test_kind_names);
	TEST(test_save);
	return tap_done();
}
