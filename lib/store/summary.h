/*
 * summary.h: the summaries of schema.sql (events_hourly, languages_hourly,
 * zaps_hourly, event_zap_totals, zap_sender_totals, zap_recipient_totals,
 * follower_totals, authors_hourly, authors_daily): how an event is counted
 * in them, and their filling from the stored events.
 *
 * nostr-load counts each event it stores and takes back out each one it
 * removes (lib/store/db.c); follower_totals is kept by triggers.  Each
 * family of summaries records what it has counted (summaries_state,
 * summary_marks).  summary_refresh fills a family that has no such record
 * (made before it existed, or upgraded from version 1 or 2) and counts in
 * the others only the rows above their record (written by other means), so
 * that what they hold of pruned events stays.
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

/* The statement that records, at nostr-load's commit, that the summaries of
 * summary_marks have counted every stored row. */
#define SUMMARY_MARKS_SQL \
	"UPDATE summary_marks SET eid = CASE summary" \
	" WHEN 'zap_parties' THEN coalesce((SELECT max(eid) FROM zaps), 0)" \
	" ELSE coalesce((SELECT max(eid) FROM nostr_events), 0) END"

/* summary_is_stale: 1 when a summary family has no record of what it
 * counted, or nostr_events or zaps hold an eid above it (rows written by
 * other means than nostr-load), 0 when not, -1 on error. */
int summary_is_stale(sqlite3 *sql);

/* summary_refresh: when stale, in a transaction of its own, fills the
 * families with no record and counts in the others the rows above theirs.
 * Returns 0, or -1 (sqlite3_errmsg). */
int summary_refresh(sqlite3 *sql);

#endif
