#include "analytics/scorerun.h"

#include <string.h>

#include "base/hex.h"

/* The columns score_runs is read into (score_run_state reads its first two). */
static const struct column run_cols[] = {
	{ "now", CELL_INT, 0, 0, 0 }, { "hours", CELL_REAL, 0, 0, 0 },
	{ "min_zaps", CELL_INT, 0, 0, 0 }, { "last_eid", CELL_INT, 0, 0, 0 },
	{ "last_id", CELL_TEXT, 0, 0, 0 }, { "events", CELL_INT, 0, 0, 0 },
	{ "contacts", CELL_INT, 0, 0, 0 },
};

/* cell_int: column c of t's first row as an integer (NULL: 0). */
static int64_t
cell_int(const struct table *t, size_t c)
{
	return (int64_t)table_number(t, 0, c);
}

/* cell_key: column c of t's first row (an id as hex) into key; 0 or -1. */
static int
cell_key(const struct table *t, size_t c, uint8_t key[32])
{
	const struct cell *v = table_cell(t, 0, c);

	return v->type == CELL_TEXT && v->len == 64 ? hex_decode(v->text, key, 32) : -1;
}

/* kept_counts: event_counts into r on PostgreSQL; 1 when it was there, 0
 * when not (a database schema-pg.sql made before it), -1 on error. */
static int
kept_counts(struct dbq *db, struct score_run *r)
{
	static const struct column cols[] = {
		{ "events", CELL_INT, 0, 0, 0 }, { "contacts", CELL_INT, 0, 0, 0 },
	};
	struct table *t;
	int64_t there = 0;
	int rc;

	if (dbq_int(db, "SELECT count(*) FROM pg_class WHERE oid = to_regclass('event_counts')",
	    NULL, &there) != 0)
		return -1;
	if (there == 0)
		return 0;
	if ((t = dbq_table(db, cols, 2, "SELECT events, contacts FROM event_counts", NULL)) == NULL)
		return -1;
	if ((rc = t->nrows == 1) == 1)
		r->events = cell_int(t, 0), r->contacts = cell_int(t, 1);
	table_free(t);
	return rc;
}

/* stored_counts: the events stored and their kind-3 ones into r: counted on
 * SQLite, from the counts nostr-load keeps on PostgreSQL, where a count is a
 * scan (0.75 s at 3M events). */
static int
stored_counts(struct dbq *db, struct score_run *r)
{
	int rc;

	if (db->engine == DB_ENGINE_POSTGRESQL && (rc = kept_counts(db, r)) != 0)
		return rc < 0 ? -1 : 0;
	if (dbq_int(db, "SELECT count(*) FROM nostr_events", NULL, &r->events) != 0 ||
	    dbq_int(db, "SELECT count(*) FROM nostr_events WHERE kind = 3", NULL,
	    &r->contacts) != 0)
		return -1;
	return 0;
}

int
score_run_state(struct dbq *db, int64_t now, double hours, int64_t min_zaps,
    struct score_run *r)
{
	static const struct column cols[] = {
		{ "eid", CELL_INT, 0, 0, 0 }, { "id", CELL_TEXT, 0, 0, 0 },
	};
	struct table *t;

	memset(r, 0, sizeof(*r));
	r->now = now, r->hours = hours, r->min_zaps = min_zaps;
	if ((t = dbq_table(db, cols, 2, "SELECT eid, id FROM nostr_events"
	    " ORDER BY eid DESC LIMIT 1", NULL)) == NULL)
		return -1;
	if (t->nrows == 1) {
		r->last_eid = cell_int(t, 0);
		if (cell_key(t, 1, r->last_id) != 0)
			r->last_eid = 0;  /* not an id nostr-load wrote: nothing to hold to */
	}
	table_free(t);
	return stored_counts(db, r);
}

/* run_read: the recorded run into *r; 1 when there is one, 0 when not. */
static int
run_read(struct dbq *db, struct score_run *r)
{
	struct table *t = dbq_table(db, run_cols, sizeof run_cols / sizeof run_cols[0],
	    "SELECT now, hours, min_zaps, last_eid, last_id, events, contacts"
	    " FROM score_runs WHERE id = 1", NULL);
	int rc;

	if (t == NULL)
		return -1;
	memset(r, 0, sizeof(*r));
	if ((rc = t->nrows > 0) == 1) {
		r->now = cell_int(t, 0);
		r->hours = table_number(t, 0, 1);
		r->min_zaps = cell_int(t, 2);
		r->last_eid = cell_int(t, 3);
		if (r->last_eid != 0 && cell_key(t, 4, r->last_id) != 0)
			r->last_eid = -1;  /* a mark that cannot be checked */
		r->events = cell_int(t, 5);
		r->contacts = cell_int(t, 6);
	}
	table_free(t);
	return rc;
}

/* mark_holds: whether last's newest event is still stored under its eid. */
static int
mark_holds(struct dbq *db, const struct score_run *last, int *holds)
{
	struct query_arg args[] = { Q_INT(last->last_eid), Q_BLOB(last->last_id, 32), Q_END };
	int64_t n = 0;

	*holds = last->last_eid == 0;
	if (last->last_eid <= 0)
		return 0;
	if (dbq_int(db, "SELECT count(*) FROM nostr_events WHERE eid = ?1 AND id = ?2",
	    args, &n) != 0)
		return -1;
	*holds = n == 1;
	return 0;
}

int
score_run_changes(struct dbq *db, const struct score_run *cur, struct score_changes *ch)
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
	if (dbq_int(db, "SELECT count(*) FROM nostr_events WHERE eid > ?1", args,
	    &ch->new_events) != 0 ||
	    dbq_int(db, "SELECT count(*) FROM nostr_events WHERE eid > ?1"
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
score_run_record(struct dbq *db, const struct score_run *r)
{
	struct query_arg args[] = {
		Q_INT(r->now), Q_REAL(r->hours), Q_INT(r->min_zaps), Q_INT(r->last_eid),
		Q_BLOB(r->last_id, 32), Q_INT(r->events), Q_INT(r->contacts), Q_END,
	};

	if (r->last_eid == 0)
		args[4] = (struct query_arg)Q_NULL;
	/* An upsert both engines speak. */
	return dbq_exec(db, "INSERT INTO score_runs (id, now, hours, min_zaps,"
	    " last_eid, last_id, events, contacts) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " ON CONFLICT (id) DO UPDATE SET now = excluded.now, hours = excluded.hours,"
	    " min_zaps = excluded.min_zaps, last_eid = excluded.last_eid,"
	    " last_id = excluded.last_id, events = excluded.events,"
	    " contacts = excluded.contacts", args);
}

int
score_run_current(struct dbq *db, int64_t now, double hours, int64_t min_zaps, int *current)
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
