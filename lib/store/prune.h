/*
 * prune.h: retention: the raw events older than a cutoff leave the
 * database, with the rows derived from them.
 *
 * What goes: every stored event created before the cutoff, except
 *   - replaceable and addressable events (d_tag set: kinds 0, 3,
 *     10000-19999, 30000-39999): the database holds only their newest
 *     version, so each is a head, kept whatever its age, and with it the
 *     profile (user_profiles) and follow list (follows) read from it;
 *   - deletions (kind 5), and so their rows in deletions: a deleted event
 *     can arrive again at any time, and only the deletion keeps it out.
 * The rows derived from a pruned event (hashtags, mentions, refs, replies,
 * reactions, reposts, zaps, content_metrics) go with it, through the
 * delete trigger on nostr_events (schema.sql).  Nothing else is touched:
 * replaceable_heads, users and pubkeys, nostr-score's tables (network_stats,
 * trending_topics, user_metrics, ...), relay_metrics, and any summary table
 * stay as they are, so the statistics of past windows survive their events.
 *
 * The cutoff is recorded (table retention), and nostr-load refuses from then
 * on the events older than it that a prune would remove: what was pruned
 * stays pruned, and whatever counts events as they are stored (summary
 * tables) does not count them twice.
 *
 * The deletion runs in transactions of at most batch events, oldest first,
 * so that a large prune never holds the write lock for long: a loader
 * running beside it (nostr-pipeline run) waits for one batch at most, and
 * readers, in WAL mode, never wait.  An interrupted prune keeps the batches
 * it committed; running it again finishes the job.  The pages freed stay in
 * the file, on SQLite's free list, and are reused by the events loaded next
 * (the file stops growing until they are used up) rather than returned to
 * the file system: see nostr-pipeline(7).
 */
#ifndef NP_PRUNE_H
#define NP_PRUNE_H

#include <signal.h>
#include <stdint.h>

#include <sqlite3.h>

/* What a prune did. */
struct prune_stats {
	uint64_t events;        /* events removed */
	uint64_t batches;       /* transactions committed */
	uint64_t months;        /* PostgreSQL: month partitions dropped and made anew */
	int64_t free_pages;     /* pages on the free list afterwards */
	int64_t pages;          /* pages in the file afterwards */
};

/*
 * prune_events: removes from db the events with created_at < before (see
 * above), oldest first, at most batch (>= 1) per transaction.
 * Stops between two batches once *stop is set (stop may be NULL).  Fills st.
 * Returns 0, or -1 on a database error with SQLite's message in err (errlen
 * bytes); the batches committed before it stay removed.
 */
int prune_events(sqlite3 *db, int64_t before, long batch,
    const volatile sig_atomic_t *stop, struct prune_stats *st, char *err, size_t errlen);

#endif
