/*
 * pgprune.h: retention in PostgreSQL (nostr-load --prune with a
 * postgresql:// URL): what store/prune.h removes from SQLite, by the same
 * rules (replaceable and addressable heads and deletions stay, with the
 * rows derived from them; the summaries and every other table stay), and
 * the cutoff recorded in retention the same way.
 *
 * A month partition of nostr_events that lies wholly before the cutoff is
 * not emptied row by row: in one transaction the rows derived from its
 * pruned events are deleted by range, the partition is detached and
 * dropped, and a new one for the month receives the few rows that stay
 * (nostr_events_prune_month in schema-pg.sql).  The month the cutoff cuts
 * is pruned in transactions of at most batch events, through the delete
 * trigger, as in SQLite.  Each transaction holds the prunes' lock
 * (PG_LOCK_PRUNE: it waits for the loaders' batches in progress, which hold
 * it shared, and keeps new ones from starting) and the loaders' lock
 * (PG_LOCK_LOAD, and PG_LOCK_PARTITION for a month's), so a loader running
 * beside the prune waits for one transaction at most, and an interrupted
 * prune keeps what it committed.
 */
#ifndef NP_PGPRUNE_H
#define NP_PGPRUNE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "store/prune.h"

/*
 * pg_prune_events: removes from the database at url the events created
 * before `before` (see above), stopping between two transactions once
 * *stop is set (stop may be NULL).  Fills st (events, batches: the
 * transactions, months: the partitions rebuilt; pages not used).  Returns
 * 0, or -1 with the reason in err (errlen bytes, never the password); what
 * was committed before stays removed.
 */
int pg_prune_events(const char *url, int64_t before, long batch,
    const volatile sig_atomic_t *stop, struct prune_stats *st, char *err, size_t errlen);

#endif
