/*
 * report.h: the read-only queries behind nostr-report (and the dashboard):
 * each returns a struct table (format.h) that any formatter can render.
 *
 * Column names are the JSON field names (dotted names nest: "users.total" is
 * {"users":{"total":..}}), following the seed's API where it had one:
 * hashtag, mention_count, unique_authors, trend_score; event_id,
 * zap_total_sats; profile.name, activity.total_events; users.total.
 *
 * db is a connection from db_open_sqlite (db.h), whose schema holds the
 * indexes these queries name.
 *
 * Every function returns a new table that the caller frees with table_free(),
 * or NULL after an SQLite error (sqlite3_errmsg(db) says which).  They only
 * read, with bound parameters, and use the indexes of schema.sql, so each
 * answers in under 200 ms on a database of a million events (bench/report.sh).
 */
#ifndef NP_REPORT_H
#define NP_REPORT_H

#include <stdint.h>

#include <sqlite3.h>

#include "render/format.h"

struct report_options {
	int64_t now;       /* reference time for windows */
	int now_given;     /* --now was given: compute live rather than read stored scores */
	double hours;      /* window length; <= 0: the command's default */
	int64_t limit;     /* rows at most */
	double trending_default_hours;  /* trending's default window (TRENDING_WINDOW_HOURS) */
};

/* report_stats: one record of totals (events.*, users.*, zaps.*, ...). */
struct table *report_stats(sqlite3 *db, const struct report_options *o);

/* report_trending: hashtags by trend_score: stored by nostr-score for the
 * window length when there are such rows and --now was not given, else
 * computed now with the same code. */
struct table *report_trending(sqlite3 *db, const struct report_options *o);

/* report_top_zapped: events by valid zap sats (window: all time unless hours). */
struct table *report_top_zapped(sqlite3 *db, const struct report_options *o);

/* report_viral: events by virality from nostr-score's latest run. */
struct table *report_viral(sqlite3 *db, const struct report_options *o);

/* report_users: users by influence from nostr-score's latest run. */
struct table *report_users(sqlite3 *db, const struct report_options *o);

/* report_user: one record for pubkey (64 lower-case hex): profile, activity,
 * follows, zaps in and out, influence and rank; no row when nothing in the
 * database knows the pubkey. */
struct table *report_user(sqlite3 *db, const struct report_options *o, const char *pubkey);

/* report_relays: each relay's latest status record, with record counts. */
struct table *report_relays(sqlite3 *db, const struct report_options *o);

/* report_zap_sizes, report_top_zappers, report_top_recipients: valid zaps by
 * size bucket, by sender and by recipient (window: all time unless hours). */
struct table *report_zap_sizes(sqlite3 *db, const struct report_options *o);
struct table *report_top_zappers(sqlite3 *db, const struct report_options *o);
struct table *report_top_recipients(sqlite3 *db, const struct report_options *o);

/* report_languages: events per language (meta.lang) in the window (all time
 * unless hours). */
struct table *report_languages(sqlite3 *db, const struct report_options *o);

/* report_growth: network_stats of the latest run, newest first, for windows
 * of period_hours (1 or 24). */
struct table *report_growth(sqlite3 *db, const struct report_options *o, double period_hours);

#endif
