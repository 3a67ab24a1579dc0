#include "store/summary.h"

#include <stddef.h>

/* The zap size buckets, lowest sats first (report.c's zap sizes). */
static const int64_t zap_buckets[] = {
	0, 1, 5, 10, 50, 100, 500, 1000, 5000, 10000, 50000, 100000,
};
#define NBUCKETS (sizeof zap_buckets / sizeof zap_buckets[0])

/* The same counts in SQL, over the stored rows: SQL's % keeps the sign of
 * its left side, and created_at is never negative. */
#define HOUR(t) "(" t " - " t " % 3600)"

/*
 * Each summary family: what empties it, and what counts in it the stored
 * rows above a mark (?1: nostr_events.eid, ?2: zaps.eid), adding to what is
 * there.  A fill is an emptying and a count from the start; a database whose
 * rows came by other means is brought up to date by a count from its marks,
 * which leaves the counts of pruned events as they were (a fill would lose
 * them: their rows are gone).
 */
#define ADD(col) " DO UPDATE SET " col " = " col " + excluded." col
static const char hourly_reset_sql[] =
    "DELETE FROM events_hourly; DELETE FROM languages_hourly;"
    "DELETE FROM zaps_hourly; DELETE FROM event_zap_totals;";
static const char hourly_count_sql[] =
    "INSERT INTO events_hourly(hour, kind, events)"
    " SELECT " HOUR("created_at") ", kind, count(*) FROM nostr_events WHERE eid > ?1"
    " GROUP BY 1, 2 ON CONFLICT(hour, kind)" ADD("events") ";"
    "INSERT INTO languages_hourly(hour, lang, events)"
    " SELECT " HOUR("created_at") ", coalesce(lang, 'und'), count(*) FROM nostr_events"
    " WHERE eid > ?1 AND kind IN (" SUMMARY_CONTENT_KINDS ") GROUP BY 1, 2"
    " ON CONFLICT(hour, lang)" ADD("events") ";"
    "INSERT INTO zaps_hourly(hour, valid, bucket, zaps, sats)"
    " SELECT " HOUR("created_at") ", valid, CASE WHEN sats IS NULL THEN -1"
    "  WHEN sats >= 100000 THEN 100000 WHEN sats >= 50000 THEN 50000"
    "  WHEN sats >= 10000 THEN 10000 WHEN sats >= 5000 THEN 5000"
    "  WHEN sats >= 1000 THEN 1000 WHEN sats >= 500 THEN 500 WHEN sats >= 100 THEN 100"
    "  WHEN sats >= 50 THEN 50 WHEN sats >= 10 THEN 10 WHEN sats >= 5 THEN 5"
    "  WHEN sats >= 1 THEN 1 ELSE 0 END, count(*), coalesce(sum(sats), 0)"
    " FROM zaps WHERE eid > ?2 GROUP BY 1, 2, 3"
    " ON CONFLICT(hour, valid, bucket)" ADD("zaps") "," " sats = sats + excluded.sats;"
    "INSERT INTO event_zap_totals(event_id, zaps, sats)"
    " SELECT event_id, count(*), coalesce(sum(sats), 0) FROM zaps"
    " WHERE eid > ?2 AND valid = 1 AND event_id IS NOT NULL GROUP BY event_id"
    " ON CONFLICT(event_id)" ADD("zaps") ", sats = sats + excluded.sats;"
    SUMMARY_STATE_SQL ";";

static const char parties_reset_sql[] =
    "DELETE FROM zap_sender_totals; DELETE FROM zap_recipient_totals;";
#define PARTY_COUNT(table, party) \
    "INSERT INTO " table "(aid, zaps, sats)" \
    " SELECT " party ", count(*), coalesce(sum(sats), 0) FROM zaps" \
    " WHERE eid > ?2 AND valid = 1 AND " party " IS NOT NULL GROUP BY " party \
    " ON CONFLICT(aid)" ADD("zaps") ", sats = sats + excluded.sats;"
static const char parties_count_sql[] =
    PARTY_COUNT("zap_sender_totals", "sender")
    PARTY_COUNT("zap_recipient_totals", "recipient")
    "INSERT OR REPLACE INTO summary_marks VALUES ('zap_parties',"
    " coalesce((SELECT max(eid) FROM zaps), 0));";

/* Kept as follows changes once there (schema.sql): filled, never counted
 * from a mark. */
static const char followers_reset_sql[] = "DELETE FROM follower_totals;";
static const char followers_count_sql[] =
    "INSERT INTO follower_totals(aid, followers)"
    " SELECT followed, count(*) FROM follows GROUP BY followed;"
    "INSERT OR REPLACE INTO summary_marks VALUES ('follower_totals',"
    " coalesce((SELECT max(eid) FROM nostr_events), 0));";

/*
 * Distinct authors per period (P seconds) of the stored rows above ?1 that
 * have no event at or below it in that period, added.  Each statement reads
 * the period's rows of the author through nostr_events_author.  With them,
 * each author's users.last_event, raised to its newest row above ?1.
 */
#define AUTHORS_COUNT(table, col, p) \
    "INSERT INTO " table "(" col ", authors)" \
    " SELECT e.created_at - e.created_at % " p ", count(DISTINCT e.aid)" \
    " FROM nostr_events e WHERE e.eid > ?1 AND NOT EXISTS (SELECT 1 FROM nostr_events o" \
    "  WHERE o.aid = e.aid AND o.eid <= ?1" \
    "  AND o.created_at >= e.created_at - e.created_at % " p \
    "  AND o.created_at < e.created_at - e.created_at % " p " + " p ")" \
    " GROUP BY 1 ON CONFLICT(" col ")" ADD("authors") ";"
static const char authors_reset_sql[] =
    "DELETE FROM authors_hourly; DELETE FROM authors_daily; UPDATE users SET last_event = NULL;";
static const char authors_count_sql[] =
    AUTHORS_COUNT("authors_hourly", "hour", "3600")
    AUTHORS_COUNT("authors_daily", "day", "86400")
    "UPDATE users SET last_event = n.t FROM (SELECT aid, max(created_at) AS t"
    " FROM nostr_events WHERE eid > ?1 GROUP BY aid) n"
    " WHERE users.aid = n.aid AND coalesce(users.last_event, -1) < n.t;"
    "INSERT OR REPLACE INTO summary_marks VALUES ('authors',"
    " coalesce((SELECT max(eid) FROM nostr_events), 0));";

/*
 * Where each family stands: -1 when it has no mark (to be filled), else
 * its marks, which a count from them would use.  A family that has counted
 * every stored row reads as current.
 */
static const char marks_sql[] =
    "WITH m(events, zaps) AS (SELECT coalesce((SELECT max(eid) FROM nostr_events), 0),"
    "  coalesce((SELECT max(eid) FROM zaps), 0))"
    " SELECT coalesce((SELECT events_eid FROM summaries_state), -1),"
    "  coalesce((SELECT zaps_eid FROM summaries_state), -1),"
    "  coalesce((SELECT eid FROM summary_marks WHERE summary = 'zap_parties'), -1),"
    "  coalesce((SELECT eid FROM summary_marks WHERE summary = 'follower_totals'), -1),"
    "  coalesce((SELECT eid FROM summary_marks WHERE summary = 'authors'), -1),"
    "  m.events, m.zaps FROM m";

enum { M_EVENTS, M_ZAPS, M_PARTIES, M_FOLLOWERS, M_AUTHORS, M_MAX_EVENTS, M_MAX_ZAPS,
	M_COUNT };

struct family {
	const char *reset, *count;
	int events_mark, zaps_mark;     /* M_*, or -1: not counted from one */
};

static const struct family families[] = {
	{ hourly_reset_sql, hourly_count_sql, M_EVENTS, M_ZAPS },
	{ parties_reset_sql, parties_count_sql, -1, M_PARTIES },
	{ followers_reset_sql, followers_count_sql, M_FOLLOWERS, -1 },
	{ authors_reset_sql, authors_count_sql, M_AUTHORS, -1 },
};
#define NFAMILIES (sizeof families / sizeof families[0])

/* read_marks: marks_sql's row into m.  0, or -1. */
static int
read_marks(sqlite3 *sql, int64_t m[M_COUNT])
{
	sqlite3_stmt *st = NULL;
	int rc = -1, i;

	if (sqlite3_prepare_v2(sql, marks_sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < M_COUNT; i++)
			m[i] = sqlite3_column_int64(st, i);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * family_state: what family f needs, by the marks m: 2 a fill (it has no
 * mark; nostr-load's commits keep both marks of the hourly family), 1 a
 * count from its marks (rows above them), 0 nothing.
 */
static int
family_state(const struct family *f, const int64_t m[M_COUNT])
{
	int behind = 0;

	if ((f->events_mark >= 0 && m[f->events_mark] < 0) ||
	    (f->zaps_mark >= 0 && m[f->zaps_mark] < 0))
		return 2;
	if (f->events_mark == M_FOLLOWERS)
		return 0;  /* kept as follows changes */
	if (f->events_mark >= 0 && m[M_MAX_EVENTS] > m[f->events_mark])
		behind = 1;
	if (f->zaps_mark >= 0 && m[M_MAX_ZAPS] > m[f->zaps_mark])
		behind = 1;
	return behind;
}

/* exec_from: runs each statement of sql, ?1 bound to events and ?2 to zaps
 * where it has them.  0, or -1. */
static int
exec_from(sqlite3 *sql, const char *text, int64_t events, int64_t zaps)
{
	sqlite3_stmt *st;
	const char *tail = text;
	int rc;

	while (*tail != '\0') {
		if (sqlite3_prepare_v2(sql, tail, -1, &st, &tail) != SQLITE_OK)
			return -1;
		if (st == NULL)
			continue;  /* white space at the end */
		if (sqlite3_bind_parameter_count(st) >= 1)
			sqlite3_bind_int64(st, 1, events);
		if (sqlite3_bind_parameter_count(st) >= 2)
			sqlite3_bind_int64(st, 2, zaps);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}

/* bring: does what family_state said f needs (the caller's transaction). */
static int
bring(sqlite3 *sql, const struct family *f, const int64_t m[M_COUNT], int state)
{
	int64_t events = INT64_MIN, zaps = INT64_MIN;

	if (state == 0)
		return 0;
	if (state == 2)
		return sqlite3_exec(sql, f->reset, NULL, NULL, NULL) == SQLITE_OK &&
		    exec_from(sql, f->count, events, zaps) == 0 ? 0 : -1;
	if (f->events_mark >= 0)
		events = m[f->events_mark];
	if (f->zaps_mark >= 0)
		zaps = m[f->zaps_mark];
	return exec_from(sql, f->count, events, zaps);
}

int64_t
summary_hour(int64_t created_at)
{
	int64_t r = created_at % 3600;

	return r < 0 ? created_at - r - 3600 : created_at - r;
}

int
summary_is_content_kind(int64_t kind)
{
	return kind == 1 || kind == 20 || kind == 1111 || kind == 30023;
}

int64_t
summary_zap_bucket(int has_sats, int64_t sats)
{
	size_t i = NBUCKETS;

	if (!has_sats)
		return -1;
	while (i > 1 && sats < zap_buckets[i - 1])
		i--;
	return zap_buckets[i - 1];
}

int
summary_is_stale(sqlite3 *sql)
{
	int64_t m[M_COUNT];
	size_t i;

	if (read_marks(sql, m) != 0)
		return -1;
	for (i = 0; i < NFAMILIES; i++)
		if (family_state(&families[i], m) != 0)
			return 1;
	return 0;
}

int
summary_refresh(sqlite3 *sql)
{
	int64_t m[M_COUNT];
	int stale = summary_is_stale(sql);
	size_t i;

	if (stale <= 0)
		return stale;
	if (sqlite3_exec(sql, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	/* Read again under the lock: another may have counted them meanwhile. */
	if (read_marks(sql, m) != 0)
		goto fail;
	for (i = 0; i < NFAMILIES; i++)
		if (bring(sql, &families[i], m, family_state(&families[i], m)) != 0)
			goto fail;
	/* Each has counted every row now, as after a commit of nostr-load's. */
	if (sqlite3_exec(sql, SUMMARY_STATE_SQL ";" SUMMARY_MARKS_SQL, NULL, NULL, NULL) !=
	    SQLITE_OK)
		goto fail;
	return sqlite3_exec(sql, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
fail:
	sqlite3_exec(sql, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}
