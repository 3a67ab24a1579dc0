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

static const char fill_sql[] =
    "DELETE FROM events_hourly; DELETE FROM languages_hourly;"
    "DELETE FROM zaps_hourly; DELETE FROM event_zap_totals;"
    "INSERT INTO events_hourly(hour, kind, events)"
    " SELECT " HOUR("created_at") ", kind, count(*) FROM nostr_events GROUP BY 1, 2;"
    "INSERT INTO languages_hourly(hour, lang, events)"
    " SELECT " HOUR("created_at") ", coalesce(lang, 'und'), count(*) FROM nostr_events"
    " WHERE kind IN (" SUMMARY_CONTENT_KINDS ") GROUP BY 1, 2;"
    "INSERT INTO zaps_hourly(hour, valid, bucket, zaps, sats)"
    " SELECT " HOUR("created_at") ", valid, CASE WHEN sats IS NULL THEN -1"
    "  WHEN sats >= 100000 THEN 100000 WHEN sats >= 50000 THEN 50000"
    "  WHEN sats >= 10000 THEN 10000 WHEN sats >= 5000 THEN 5000"
    "  WHEN sats >= 1000 THEN 1000 WHEN sats >= 500 THEN 500 WHEN sats >= 100 THEN 100"
    "  WHEN sats >= 50 THEN 50 WHEN sats >= 10 THEN 10 WHEN sats >= 5 THEN 5"
    "  WHEN sats >= 1 THEN 1 ELSE 0 END, count(*), coalesce(sum(sats), 0)"
    " FROM zaps GROUP BY 1, 2, 3;"
    "INSERT INTO event_zap_totals(event_id, zaps, sats)"
    " SELECT event_id, count(*), coalesce(sum(sats), 0) FROM zaps"
    " WHERE valid = 1 AND event_id IS NOT NULL GROUP BY event_id;"
    SUMMARY_STATE_SQL ";";

/* Whether rows came that the summaries have not counted. */
static const char stale_sql[] =
    "SELECT coalesce((SELECT max(eid) FROM nostr_events), 0) >"
    " coalesce((SELECT events_eid FROM summaries_state), 0)"
    " OR coalesce((SELECT max(eid) FROM zaps), 0) >"
    " coalesce((SELECT zaps_eid FROM summaries_state), 0)";

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
summary_fill(sqlite3 *sql)
{
	return sqlite3_exec(sql, fill_sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int
summary_is_stale(sqlite3 *sql)
{
	sqlite3_stmt *st = NULL;
	int stale = -1;

	if (sqlite3_prepare_v2(sql, stale_sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		stale = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return stale;
}

int
summary_refresh(sqlite3 *sql)
{
	int stale = summary_is_stale(sql);

	if (stale <= 0)
		return stale;
	if (sqlite3_exec(sql, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	/* Another may have filled them while this one waited for the lock. */
	if ((stale = summary_is_stale(sql)) != 0 && (stale < 0 || summary_fill(sql) != 0)) {
		sqlite3_exec(sql, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return sqlite3_exec(sql, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}
