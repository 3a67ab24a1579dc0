/*
 * usercounts.h: the per-author counts behind user_metrics that nostr-score
 * keeps between runs, so that a run counts only what changed since the
 * last one (tables score_authors, score_targets, score_sources and
 * score_counts_state in schema.sql).
 *
 * The counts are those of a mark (a --now and the newest eid then stored):
 * for each author (pubkeys.aid) the stored events up to the mark's eid, the
 * kind-1 posts among them created at or before its now, and the replies,
 * reactions and reposts (rows of those tables created at or before now)
 * whose target is one of the author's stored events.  score_targets holds
 * each target's counts and which stored event, if any, it is;
 * score_sources each counted row by its author, so that what a removed
 * event had counted can be taken back out.
 *
 * A run moves the mark to its own: removals first (the authors of new
 * replacements and deletions are the only ones whose events nostr-load
 * removes; when their lost events do not add up to every removal, or a
 * prune happened, the counts are rebuilt), then the old rows whose time has
 * come, then the new events and their rows.  Functions return 0, or -1
 * after an SQLite error (its message in sqlite3_errmsg(db)).
 */
#ifndef NP_USERCOUNTS_H
#define NP_USERCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store/dbq.h"

/* One author's counts. */
struct author_counts {
	int64_t events, posts, replies, reactions, reposts;
};

/* Every author's counts, indexed by aid (0..n-1; aids past n have none). */
struct user_counts {
	struct author_counts *a;
	size_t n;
	int rebuilt;          /* 1: counted from scratch; 0: moved from the last mark */
	const char *reason;   /* why rebuilt (static text), or NULL */
	int64_t new_events;   /* events counted as new (when not rebuilt) */
	int64_t removed;      /* events removed since the last mark (likewise) */
};

/*
 * user_counts_update: brings the stored counts to the mark (now, the newest
 * eid stored), from the last mark or, when full gives a reason (static
 * text, kept as c->reason) or that cannot be done, from scratch, in one transaction of its own; fills *c (free with
 * user_counts_free).  After an error the transaction is left open, for
 * the caller to read the message and roll back.
 */
int user_counts_update(sqlite3 *db, int64_t now, const char *full,
    struct user_counts *c);

/*
 * user_counts_query: every author's counts at (now, all events stored) by
 * SQL aggregation, from scratch, on either engine, storing nothing: what
 * PostgreSQL, which keeps no counts between runs, gives nostr-score.  The
 * counts of user_counts_update from scratch, as one snapshot sees them
 * (reason: c->reason).  0, or -1 with the reason in dbq_errmsg(db).
 */
int user_counts_query(struct dbq *db, int64_t now, const char *reason,
    struct user_counts *c);

void user_counts_free(struct user_counts *c);

#endif
