/*
 * dashboard.h: the HTML dashboard of `nostr-report html`: one self-contained
 * page (inline CSS, SVG charts, a few lines of script, no fetches) with six
 * views: Overview, Trending, Network, Users, Relays and Zaps.
 *
 * The page asks no SQL of its own: it renders the report layer's tables
 * (report.h), the same that nostr-report prints, so the two always agree on
 * totals, trending hashtags, viral notes, users and their names, zap sizes
 * and relays.  A view whose scores are missing says so and falls back to raw
 * counts (report.h's hashtag counts, users by followers), so the page is
 * useful right after the first nostr-load.
 *
 * Rows and cards carry their figures as data-* attributes (data-figure and
 * data-value on cards, data-COLUMN on rows, data-sizes on the zap-size
 * panel), valued as nostr-report -f json prints them, for programs.
 *
 * Every string from the network (note content, profile fields, hashtags,
 * relay URLs and notices) goes through html.h: escaped, controls and bidi
 * overrides replaced, links only for http(s) URLs.  The page's
 * Content-Security-Policy admits only its own style and script.
 */
#ifndef NP_DASHBOARD_H
#define NP_DASHBOARD_H

#include <stddef.h>
#include <stdint.h>

#include "store/dbq.h"

#include "base/buf.h"

/* Defaults for struct dashboard_options fields left 0. */
#define DASHBOARD_HOURS 24.0
#define DASHBOARD_LIMIT 10
#define DASHBOARD_DAYS 30      /* days in the daily charts */
#define DASHBOARD_MAX_HOURS 168 /* hourly charts show at most a week */
#define DASHBOARD_MAX_RELAYS 1000 /* relays in the relay view */

struct dashboard_options {
	/*
	 * The reference time ("now") for windows.  0 picks the newest
	 * network_stats window_end (the last nostr-score run), or else the
	 * newest event's created_at, or else the clock: a dashboard of an old
	 * dump shows that dump's last day, not an empty today.
	 */
	int64_t now;
	double hours;              /* window of the "last N hours" figures (0: 24) */
	size_t limit;              /* rows per leaderboard (0: 10) */
	unsigned refresh_seconds;  /* reload the page every N seconds (0: never) */
	const char *generator;     /* shown in the footer, e.g. "nostr-report 0.1.0" */
};

/*
 * dashboard_write: queries db and appends the whole page to out.  Returns 0,
 * or -1 after a database error: its message is appended to err (if not NULL)
 * and out holds a partial page that must not be published.  Reads only, in
 * one transaction: run it on a database that nostr-load is writing (WAL) and
 * every figure comes from the same snapshot.
 */
int dashboard_write(struct dbq *db, const struct dashboard_options *opt, struct buf *out,
    struct buf *err);

/*
 * dashboard_save: writes the len bytes at data to path so that a reader (a
 * browser refreshing the page) sees the old file or the new one, never half
 * of one: a temporary file in the same directory, flushed, then renamed over
 * path.  The file gets mode 0644.  A path that exists and is no regular
 * file (a FIFO, /dev/stdout) is written to as it is, never replaced.
 * Returns 0, or -1 with errno set (the temporary file is removed).
 */
int dashboard_save(const char *path, const void *data, size_t len);

/*
 * dashboard_kind_name: a short English name for well-known event kinds
 * ("note", "reaction", "zap receipt"), or NULL.
 */
const char *dashboard_kind_name(int64_t kind);

#endif
