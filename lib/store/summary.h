/*
 * summary.h: the summaries of schema.sql (events_hourly, languages_hourly,
 * zaps_hourly, event_zap_totals): how an event is counted in them, and
 * their filling from the stored events.
 *
 * nostr-load counts each event it stores and takes back out each one it
 * removes (lib/store/db.c); summary_fill makes them from scratch for a
 * database whose rows they have not all counted (written by other means,
 * made before they existed, or upgraded from version 1 or 2).
 */
#ifndef NP_SUMMARY_H
#define NP_SUMMARY_H

#include <stdint.h>

#include <sqlite3.h>

/* The content kinds languages_hourly counts (score.h's SCORE_CONTENT_KINDS:
 * keep the lists equal). */
#define SUMMARY_CONTENT_KINDS "1, 20, 1111, 30023"

/* summary_hour: the start of created_at's UTC hour (created_at >= 0). */
int64_t summary_hour(int64_t created_at);

/* summary_is_content_kind: whether languages_hourly counts kind. */
int summary_is_content_kind(int64_t kind);

/* summary_zap_bucket: zaps_hourly.bucket of a receipt of sats (ignored when
 * !has_sats): the lowest sats of its size bucket, -1 for no amount. */
int64_t summary_zap_bucket(int has_sats, int64_t sats);

/* The statement that records what the summaries have counted: the highest
 * eid of nostr_events and of zaps (summaries_state). */
#define SUMMARY_STATE_SQL \
	"INSERT OR REPLACE INTO summaries_state VALUES (1," \
	" coalesce((SELECT max(eid) FROM nostr_events), 0)," \
	" coalesce((SELECT max(eid) FROM zaps), 0))"

/*
 * summary_fill: empties the summaries and counts every stored event in
 * them, in the caller's transaction.  Returns 0, or -1 (sqlite3_errmsg).
 */
int summary_fill(sqlite3 *sql);

/* summary_is_stale: 1 when nostr_events or zaps hold an eid above the last
 * one summaries_state says was counted (rows written by other means than
 * nostr-load), 0 when not, -1 on error. */
int summary_is_stale(sqlite3 *sql);

/* summary_refresh: fills the summaries in a transaction of its own when
 * they are stale.  Returns 0, or -1 (sqlite3_errmsg). */
int summary_refresh(sqlite3 *sql);

#endif
