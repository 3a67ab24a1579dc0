#include "analytics/scorerun.h"

#include <string.h>

#include "store/query.h"

int
score_run_state(sqlite3 *db, int64_t now, double hours, int64_t min_zaps,
    struct score_run *r)
{
	struct query_arg none[] = { Q_END };
	sqlite3_stmt *st;
	int rc;

	memset(r, 0, sizeof(*r));
	r->now = now, r->hours = hours, r->min_zaps = min_zaps;
	if ((st = query_prepare(db, "SELECT eid, id FROM nostr_events"
	    " ORDER BY eid DESC LIMIT 1", none)) == NULL)
		return -1;
	if ((rc = query_step_row(st)) == 1) {
		r->last_eid = sqlite3_column_int64(st, 0);
		if (query_key(st, 1, r->last_id) != 0)
			r->last_eid = 0;  /* not an id nostr-load wrote: nothing to hold to */
	}
	sqlite3_finalize(st);
	if (rc < 0 ||
	    query_int(db, "SELECT count(*) FROM nostr_events", none, &r->events) != 0 ||
	    query_int(db, "SELECT count(*) FROM nostr_events WHERE kind = 3", none,
	    &r->contacts) != 0)
		return -1;
	return 0;
}

/* run_read: the recorded run into *r; 1 when there is one, 0 when not. */
static int
run_read(sqlite3 *db, struct score_run *r)
{
	sqlite3_stmt *st = query_prepare(db, "SELECT now, hours, min_zaps, last_eid, last_id,"
	    " events, contacts FROM score_runs WHERE id = 1", NULL);
	int rc;

	if (st == NULL)
		return -1;
	memset(r, 0, sizeof(*r));
	if ((rc = query_step_row(st)) == 1) {
		r->now = sqlite3_column_int64(st, 0);
		r->hours = sqlite3_column_double(st, 1);
		r->min_zaps = sqlite3_column_int64(st, 2);
		r->last_eid = sqlite3_column_int64(st, 3);
		if (r->last_eid != 0 && query_key(st, 4, r->last_id) != 0)
			r->last_eid = -1;  /* a mark that cannot be checked */
		r->events = sqlite3_column_int64(st, 5);
		r->contacts = sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	return rc;
}

/* mark_holds: whether last's newest event is still stored under its eid. */
static int
mark_holds(sqlite3 *db, const struct score_run *last, int *holds)
{
	struct query_arg args[] = { Q_INT(last->last_eid), Q_BLOB(last->last_id, 32), Q_END };
	int64_t n = 0;

	*holds = last->last_eid == 0;
	if (last->last_eid <= 0)
		return 0;
	if (query_int(db, "SELECT count(*) FROM nostr_events WHERE eid = ?1 AND id = ?2",
	    args, &n) != 0)
		return -1;
	*holds = n == 1;
	return 0;
}

int
score_run_changes(sqlite3 *db, const struct score_run *cur, struct score_changes *ch)
{
	struct score_run last;
	struct query_arg args[] = { Q_INT(0), Q_END };
	int64_t graph = 0;
	int rc, holds;

	memset(ch, 0, sizeof(*ch));
	if ((rc = run_read(db, &last)) < 0)
		return -1;
	if (rc == 0)
		ch->reason = "no earlier run";
	else if (last.hours != cur->hours || last.min_zaps != cur->min_zaps)
		ch->reason = "other --hours or --min-zaps than the last run";
	else if (cur->now < last.now)
		ch->reason = "--now before the last run's";
	if (ch->reason != NULL)
		return 0;
	if (mark_holds(db, &last, &holds) != 0)
		return -1;
	if (!holds) {
		ch->reason = "the last run's newest event is gone";
		return 0;
	}
	args[0] = (struct query_arg)Q_INT(last.last_eid);
	if (query_int(db, "SELECT count(*) FROM nostr_events WHERE eid > ?1", args,
	    &ch->new_events) != 0 ||
	    query_int(db, "SELECT count(*) FROM nostr_events WHERE eid > ?1"
	    " AND kind IN (3, 5)", args, &graph) != 0)
		return -1;
	ch->incremental = 1;
	ch->removed = last.events + ch->new_events - cur->events;
	/* A contact list replaced comes with a new one, one deleted with a
	 * deletion; the count catches one removed otherwise. */
	ch->follows_changed = graph > 0 || cur->contacts != last.contacts;
	ch->last = last;
	return 0;
}

int
score_run_record(sqlite3 *db, const struct score_run *r)
{
	struct query_arg args[] = {
		Q_INT(r->now), Q_REAL(r->hours), Q_INT(r->min_zaps), Q_INT(r->last_eid),
		Q_BLOB(r->last_id, 32), Q_INT(r->events), Q_INT(r->contacts), Q_END,
	};

	if (r->last_eid == 0)
		args[4] = (struct query_arg)Q_NULL;
	return query_exec(db, "INSERT OR REPLACE INTO score_runs (id, now, hours, min_zaps,"
	    " last_eid, last_id, events, contacts) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	    args);
}

int
score_run_current(sqlite3 *db, int64_t now, double hours, int64_t min_zaps, int *current)
{
	struct score_run last, cur;
	int rc;

	*current = 0;
	if ((rc = run_read(db, &last)) <= 0)
		return rc;
	if (last.now != now || last.hours != hours || last.min_zaps != min_zaps ||
	    last.last_eid < 0)
		return 0;
	if (score_run_state(db, now, hours, min_zaps, &cur) != 0)
		return -1;
	*current = cur.last_eid == last.last_eid && cur.events == last.events &&
	    cur.contacts == last.contacts &&
	    (cur.last_eid == 0 || memcmp(cur.last_id, last.last_id, 32) == 0);
	return 0;
}
