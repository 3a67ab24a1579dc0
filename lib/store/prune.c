#include "store/prune.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/buf.h"

/*
 * The next batch: the events to remove from created_at ?1 on, oldest first.
 * The cursor (?1, the created_at of the batch before's last event) keeps
 * each batch from reading again the kept heads and deletions that lie
 * before it, which would make a prune of many batches quadratic; only those
 * of the cursor's own second are read again.  nostr_events_created is named
 * so that the kind index, which the kind test might suggest, is never used.
 */
static const char BATCH_SQL[] =
    "SELECT eid, created_at FROM nostr_events INDEXED BY nostr_events_created"
    " WHERE created_at >= ?1 AND created_at < ?2 AND d_tag IS NULL AND kind <> 5"
    " ORDER BY created_at LIMIT ?3";

/* The cutoff, which nostr-load then applies to what comes in (store/db.h). */
static const char CUTOFF_SQL[] =
    "INSERT INTO retention(id, pruned_before) VALUES (1, ?1) ON CONFLICT(id)"
    " DO UPDATE SET pruned_before = max(pruned_before, excluded.pruned_before)";

/* One event, and through the trigger nostr_events_cleanup its derived rows. */
static const char DELETE_SQL[] = "DELETE FROM nostr_events WHERE eid = ?1";

struct pruner {
	sqlite3 *db;
	sqlite3_stmt *batch, *del, *cutoff;  /* cutoff: until the first batch wrote it */
	int64_t *eids;          /* the batch in hand */
	size_t n, cap;
	int64_t cursor;
};

/* collect: reads the next batch's eids; moves the cursor. -1 on error. */
static int
collect(struct pruner *p, int64_t before, long batch)
{
	int rc;

	p->n = 0;
	sqlite3_bind_int64(p->batch, 1, p->cursor);
	sqlite3_bind_int64(p->batch, 2, before);
	sqlite3_bind_int64(p->batch, 3, batch);
	while ((rc = sqlite3_step(p->batch)) == SQLITE_ROW) {
		p->eids = xgrow(p->eids, &p->cap, p->n + 1, sizeof *p->eids);
		p->eids[p->n++] = sqlite3_column_int64(p->batch, 0);
		p->cursor = sqlite3_column_int64(p->batch, 1);
	}
	sqlite3_reset(p->batch);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* remove_batch: deletes the batch in hand.  -1 on error. */
static int
remove_batch(struct pruner *p)
{
	for (size_t i = 0; i < p->n; i++) {
		sqlite3_bind_int64(p->del, 1, p->eids[i]);
		if (sqlite3_step(p->del) != SQLITE_DONE) {
			sqlite3_reset(p->del);
			return -1;
		}
		sqlite3_reset(p->del);
	}
	return 0;
}

/* pragma_int: the value of a PRAGMA that returns one integer, or -1. */
static int64_t
pragma_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* one_batch: a transaction that removes the next batch; 1 when it removed
 * some, 0 when none was left, -1 on error (rolled back, the reason in err). */
static int
one_batch(struct pruner *p, int64_t before, long batch, char *err, size_t errlen)
{
	if (sqlite3_exec(p->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(p->db));
		return -1;
	}
	if (p->cutoff != NULL) {
		/* With the first batch: a loader sees it once events go. */
		sqlite3_bind_int64(p->cutoff, 1, before);
		if (sqlite3_step(p->cutoff) != SQLITE_DONE) {
			snprintf(err, errlen, "%s", sqlite3_errmsg(p->db));
			sqlite3_exec(p->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		sqlite3_finalize(p->cutoff);
		p->cutoff = NULL;
	}
	if (collect(p, before, batch) < 0 || remove_batch(p) < 0 ||
	    sqlite3_exec(p->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		/* Read before ROLLBACK, which would replace it. */
		snprintf(err, errlen, "%s", sqlite3_errmsg(p->db));
		if (!sqlite3_get_autocommit(p->db))
			sqlite3_exec(p->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return p->n > 0;
}

int
prune_events(sqlite3 *db, int64_t before, long batch,
    const volatile sig_atomic_t *stop, struct prune_stats *st, char *err, size_t errlen)
{
	struct pruner p = { .db = db, .cursor = INT64_MIN };
	int r = 0;

	st->events = st->batches = st->months = 0;
	if (sqlite3_prepare_v2(db, BATCH_SQL, -1, &p.batch, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, DELETE_SQL, -1, &p.del, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, CUTOFF_SQL, -1, &p.cutoff, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		r = -1;
		goto done;
	}
	while ((stop == NULL || !*stop) && (r = one_batch(&p, before, batch, err, errlen)) > 0) {
		st->events += (uint64_t)p.n;
		st->batches++;
	}
done:
	sqlite3_finalize(p.batch);
	sqlite3_finalize(p.del);
	sqlite3_finalize(p.cutoff);
	free(p.eids);
	st->free_pages = pragma_int(db, "PRAGMA freelist_count");
	st->pages = pragma_int(db, "PRAGMA page_count");
	return r < 0 ? -1 : 0;
}
