/*
 * scorerun.h: what nostr-score's last run covered (the score_runs table of
 * schema.sql) and what has changed in the database since, so that a run
 * recomputes only what those changes reach.
 *
 * A run's state is the newest stored eid with that event's id, the number of
 * stored events and of stored contact lists (kind 3).  eids are max + 1, so
 * while the newest event of the last run is still stored under its eid,
 * every event stored since has a larger one; when it is gone its eid may
 * have been given to a later event and nothing can be told apart: the run is
 * a full one.  Functions return 0, or -1 after a database error (its message
 * in dbq_errmsg(db)).
 */
#ifndef NP_SCORERUN_H
#define NP_SCORERUN_H

#include <stdint.h>

#include "store/dbq.h"

struct score_run {
	int64_t now;
	double hours;
	int64_t min_zaps;
	int64_t last_eid;         /* 0: no event was stored */
	uint8_t last_id[32];
	int64_t events;           /* stored events */
	int64_t contacts;         /* stored kind-3 events */
};

struct score_changes {
	int incremental;          /* 0: recompute everything, for the reason below */
	const char *reason;       /* why not incremental (static text), or NULL */
	int64_t new_events;       /* events stored since the last run */
	int64_t removed;          /* events removed since (replaced, deleted) */
	int follows_changed;      /* the follow graph may differ from the last run's */
	struct score_run last;    /* the last run, when incremental */
};

/* score_run_state: the database's state now, with o's options, into *r. */
int score_run_state(struct dbq *db, int64_t now, double hours, int64_t min_zaps,
    struct score_run *r);

/* score_run_changes: what changed between the last recorded run and cur (a
 * run with cur's options); not incremental without a last run, with other
 * --hours or --min-zaps, with an earlier --now, or when the mark is gone. */
int score_run_changes(struct dbq *db, const struct score_run *cur, struct score_changes *ch);

/*
 * score_run_current: *current = 1 when the last recorded run had these now,
 * hours and min_zaps and nothing was stored or removed since (the same
 * newest event under the same eid, as many events and contact lists): then
 * the rows it stored are the ones a run now would store, else 0.
 */
int score_run_current(struct dbq *db, int64_t now, double hours, int64_t min_zaps,
    int *current);

/* score_run_record: stores r as the last run (one statement). */
int score_run_record(struct dbq *db, const struct score_run *r);

#endif
