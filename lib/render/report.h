/*
 * report.h: the read-only queries behind nostr-report (and the dashboard):
 * each returns a struct table (format.h) that any formatter can render.
 *
 * Column names are the JSON field names (dotted names nest: "users.total" is
 * {"users":{"total":..}}), following the seed's API where it had one:
 * hashtag, mention_count, unique_authors, trend_score; event_id,
 * zap_total_sats; profile.name, activity.total_events; users.total.
 *
 * db is either engine's database (store/dbq.h: SQLite from db_open_sqlite,
 * PostgreSQL from pg_connect), whose schema (schema.sql, schema-pg.sql)
 * holds the indexes these queries use; both give the same tables.
 *
 * These functions are the one definition of each question: nostr-report
 * prints their tables and the dashboard (dashboard.h) renders the same
 * tables, so the two never disagree.  A person's name is always the
 * profile's display_name, else its name (NIP-24), empty ones skipped.
 *
 * Every function returns a new table that the caller frees with table_free(),
 * or NULL after a database error (dbq_errmsg(db) says which).  They only
 * read, with bound parameters, and use the indexes of schema.sql, so each
 * answers in under 200 ms on a database of a million events (bench/report.sh).
 */
#ifndef NP_REPORT_H
#define NP_REPORT_H

#include <stdint.h>


#include "render/format.h"
#include "store/dbq.h"

struct report_options {
	int64_t now;       /* reference time for windows */
	int now_given;     /* --now was given: compute live rather than read stored scores */
	double hours;      /* window length; <= 0: the command's default */
	int64_t limit;     /* rows at most */
	double trending_default_hours;  /* trending's default window (TRENDING_WINDOW_HOURS) */
	int wide;          /* also the columns only the dashboard shows (marked "wide") */
};

/* The time series of report_series. */
enum report_series {
	REPORT_SERIES_EVENTS,     /* events */
	REPORT_SERIES_NEW_USERS,  /* users first seen */
	REPORT_SERIES_ZAP_SATS,   /* sats of valid zaps */
};

/* report_stats: one record of totals (events.*, users.*, zaps.*, ...); the
 * window is the last 24 hours unless hours.  wide: window_zap_sats, the sats
 * of valid zaps in the window. */
struct table *report_stats(struct dbq *db, const struct report_options *o);

/* report_trending: hashtags by trend_score: report_trending_stored's rows
 * when there are any and either --now was not given or the last nostr-score
 * run is current for it (score_run_current, min_zaps 0), else computed at
 * now with nostr-score's code (score_trending_compute). */
struct table *report_trending(struct dbq *db, const struct report_options *o);

/* report_trending_stored: the rows nostr-score stored for the window length
 * (hours, else trending_default_hours, else 24) in its latest window ending
 * at or before now; no row when there is none. */
struct table *report_trending_stored(struct dbq *db, const struct report_options *o);

/* report_hashtag_counts: hashtags by uses in the window (as trending's), then
 * authors: what the dashboard shows before nostr-score ran. */
struct table *report_hashtag_counts(struct dbq *db, const struct report_options *o);

/* report_top_zapped: events by valid zap sats (window: all time unless hours). */
struct table *report_top_zapped(struct dbq *db, const struct report_options *o);

/* report_viral: notes by virality from nostr-score's latest run: those with
 * virality > 0 that are still stored.  wide: the author's name. */
struct table *report_viral(struct dbq *db, const struct report_options *o);

/* report_users: users by influence from nostr-score's latest run.  wide:
 * nip05, website, posts. */
struct table *report_users(struct dbq *db, const struct report_options *o);

/* report_users_by_followers: users with followers, most first (rank, pubkey,
 * name, followers, nip05, website): the dashboard's view before nostr-score. */
struct table *report_users_by_followers(struct dbq *db, const struct report_options *o);

/* report_user: one record for pubkey (64 lower-case hex): profile, activity,
 * follows, zaps in and out, influence and rank; no row when nothing in the
 * database knows the pubkey. */
struct table *report_user(struct dbq *db, const struct report_options *o, const char *pubkey);

/* report_relays: each relay's latest status record, with record counts, by
 * relay URL; time in whole unix seconds (shown as a date, as every time). */
struct table *report_relays(struct dbq *db, const struct report_options *o);

/* report_zap_sizes, report_top_zappers, report_top_recipients: valid zaps by
 * size bucket, by sender and by recipient (window: all time unless hours). */
struct table *report_zap_sizes(struct dbq *db, const struct report_options *o);
struct table *report_top_zappers(struct dbq *db, const struct report_options *o);
struct table *report_top_recipients(struct dbq *db, const struct report_options *o);

/* report_languages: events per language (meta.lang) in the window (all time
 * unless hours). */
struct table *report_languages(struct dbq *db, const struct report_options *o);

/* report_growth: network_stats of the latest run, newest first, for windows
 * of period_hours (1 or 24). */
struct table *report_growth(struct dbq *db, const struct report_options *o, double period_hours);

/* report_kinds: events per kind in the window (all time unless hours), most
 * first. */
struct table *report_kinds(struct dbq *db, const struct report_options *o);

/*
 * report_series: n buckets of step seconds ending at now, as rows (time,
 * value): bucket i holds (base + i*step, base + (i+1)*step] with base = now -
 * n*step, time is its start, empty buckets are 0.  Rolling buckets rather
 * than calendar hours and days, so the last one is whole like the others.
 */
struct table *report_series(struct dbq *db, const struct report_options *o,
    enum report_series which, size_t n, int64_t step);

/*
 * report_authors_series: the distinct authors of the n UTC hours (step 3600)
 * or days (86400) up to the one now falls in, as rows (time, value): time
 * is the period's start; the last period counts its events up to now.  A
 * distinct count is no sum of rolling buckets, so these are calendar
 * periods, from the summaries (authors_hourly, authors_daily).  NULL for
 * another step.
 */
struct table *report_authors_series(struct dbq *db, const struct report_options *o,
    size_t n, int64_t step);

/* report_reference_time: the end of the last nostr-score run (the newest
 * network_stats window_end), else the newest event's created_at, else 0,
 * into *out.  Returns 0 or -1. */
int report_reference_time(struct dbq *db, int64_t *out);

#endif
