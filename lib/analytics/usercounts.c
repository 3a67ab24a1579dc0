#include "analytics/usercounts.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "store/query.h"

/* What a set of counts covers: rows created at or before now, events
 * stored up to last_eid (last_id: that event's id, to tell it is still the
 * same one), how many events were stored, and the retention cutoff then. */
struct mark {
	int64_t now, last_eid, events, pruned_before;
	uint8_t last_id[32];
	int id_bad;   /* the newest event's id is not a 32-byte key: nothing to hold to */
};

/* The roles of a counted row, in score_sources.role. */
enum role { ROLE_REPLY, ROLE_REACTION, ROLE_REPOST, NROLES };

/* Per role: its rows whose time came since the last mark (?1 the last
 * now, ?2 now, ?3 the last eid), and its new rows (?1 the earliest new
 * created_at, ?2 now, ?3 the last eid, ?4 this mark's). */
#define ROWS(table, col) \
	{ "SELECT aid, eid, " col " FROM " table \
	  " WHERE created_at > ?1 AND created_at <= ?2 AND eid <= ?3", \
	  "SELECT aid, eid, " col " FROM " table \
	  " WHERE created_at >= ?1 AND created_at <= ?2 AND eid > ?3 AND eid <= ?4" }
static const struct { const char *due, *added; } role_rows[NROLES] = {
	ROWS("replies", "reply_to"), ROWS("reactions", "target_id"), ROWS("reposts", "target_id"),
};
#undef ROWS

/* The statements of an update from the last mark, prepared once. */
enum stmt {
	S_SOURCE_ADD, S_TARGET_ADD, S_FIND, S_ATTRIBUTE,
	S_OLD_EVENTS, S_SOURCES_OF, S_EIDS_OF, S_TARGET_SUB, S_TARGET_ZERO, S_SOURCE_DEL,
	S_CREDITED_OF, S_UNATTRIBUTE, S_POSTS_OF, NSTMTS,
};
static const char *const stmt_sql[NSTMTS] = {
	[S_SOURCE_ADD] = "INSERT INTO score_sources(aid, eid, role, target) VALUES (?1, ?2, ?3, ?4)",
	[S_TARGET_ADD] = "INSERT INTO score_targets(target, replies, reactions, reposts, eid, aid)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(target) DO UPDATE"
	    " SET replies = replies + excluded.replies, reactions = reactions + excluded.reactions,"
	    " reposts = reposts + excluded.reposts"
	    " RETURNING eid, aid, replies + reactions + reposts",
	[S_FIND] = "SELECT eid, aid FROM nostr_events WHERE id = ?1 AND eid <= ?2",
	[S_ATTRIBUTE] = "UPDATE score_targets SET eid = ?2, aid = ?3 WHERE target = ?1",
	[S_OLD_EVENTS] = "SELECT count(*) FROM nostr_events WHERE aid = ?1 AND eid <= ?2",
	[S_SOURCES_OF] = "SELECT eid, role, target FROM score_sources WHERE aid = ?1",
	/* The author index holds the eids: no event row is read. */
	[S_EIDS_OF] = "SELECT eid FROM nostr_events INDEXED BY nostr_events_author WHERE aid = ?1",
	[S_TARGET_SUB] = "UPDATE score_targets SET replies = replies - (?2 = 0),"
	    " reactions = reactions - (?2 = 1), reposts = reposts - (?2 = 2) WHERE target = ?1"
	    " RETURNING aid",
	[S_TARGET_ZERO] = "DELETE FROM score_targets WHERE target = ?1 AND replies = 0"
	    " AND reactions = 0 AND reposts = 0",
	[S_SOURCE_DEL] = "DELETE FROM score_sources WHERE aid = ?1 AND eid = ?2 AND role = ?3",
	[S_CREDITED_OF] = "SELECT target, eid, replies, reactions, reposts FROM score_targets"
	    " WHERE aid = ?1",
	[S_UNATTRIBUTE] = "UPDATE score_targets SET eid = NULL, aid = NULL WHERE target = ?1",
	/* The author's events, not every post up to ?2 (the kind index). */
	[S_POSTS_OF] = "SELECT count(*) FROM nostr_events INDEXED BY nostr_events_author"
	    " WHERE aid = ?1 AND kind = 1 AND created_at <= ?2 AND eid <= ?3",
};

/* A new event, as the update needs it. */
struct new_event {
	int64_t eid, aid, kind, created_at;
	uint8_t id[32];
};

/* An update in progress: the counts, which authors' rows changed, the
 * statements, and the two marks. */
struct update {
	sqlite3 *db;
	struct user_counts *c;
	unsigned char *touched;   /* by aid */
	sqlite3_stmt *st[NSTMTS];
	struct mark last, cur;
	const struct new_event **by_id;  /* the new events in id order */
	size_t nnew;
};


void
user_counts_free(struct user_counts *c)
{
	free(c->a);
	memset(c, 0, sizeof(*c));
}

/* ---- marks ---- */

/* mark_now: the database's mark as of now, in the open transaction. */
static int
mark_now(sqlite3 *db, int64_t now, struct mark *m)
{
	sqlite3_stmt *st;
	int rc;

	memset(m, 0, sizeof(*m));
	m->now = now;
	if ((st = query_prepare(db, "SELECT eid, id FROM nostr_events ORDER BY eid DESC LIMIT 1",
	    NULL)) == NULL)
		return -1;
	if ((rc = query_step_row(st)) == 1) {
		m->last_eid = sqlite3_column_int64(st, 0);
		m->id_bad = query_key(st, 1, m->last_id) != 0;
	}
	sqlite3_finalize(st);
	if (rc < 0 ||
	    query_int(db, "SELECT count(*) FROM nostr_events", NULL, &m->events) != 0 ||
	    query_int(db, "SELECT coalesce(max(pruned_before), 0) FROM retention", NULL,
	    &m->pruned_before) != 0)
		return -1;
	return 0;
}

/* mark_read: the stored counts' mark into *m; 1 when there is one. */
static int
mark_read(sqlite3 *db, struct mark *m)
{
	sqlite3_stmt *st = query_prepare(db, "SELECT now, last_eid, last_id, events,"
	    " pruned_before FROM score_counts_state WHERE one = 1", NULL);
	int rc;

	if (st == NULL)
		return -1;
	memset(m, 0, sizeof(*m));
	if ((rc = query_step_row(st)) == 1) {
		m->now = sqlite3_column_int64(st, 0);
		m->last_eid = sqlite3_column_int64(st, 1);
		if (m->last_eid != 0 && query_key(st, 2, m->last_id) != 0)
			rc = 0;  /* a mark that cannot be checked is none */
		m->events = sqlite3_column_int64(st, 3);
		m->pruned_before = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	return rc;
}

static int
mark_write(sqlite3 *db, const struct mark *m)
{
	struct query_arg args[] = {
		Q_INT(m->now), Q_INT(m->last_eid), Q_BLOB(m->last_id, 32), Q_INT(m->events),
		Q_INT(m->pruned_before), Q_END,
	};

	/* A mark with an eid and no id reads back as none (mark_read). */
	if (m->last_eid == 0 || m->id_bad)
		args[2] = (struct query_arg)Q_NULL;
	return query_exec(db, "INSERT OR REPLACE INTO score_counts_state(one, now, last_eid,"
	    " last_id, events, pruned_before) VALUES (1, ?1, ?2, ?3, ?4, ?5)", args);
}

/* why_not_from: why the counts cannot be moved from last to cur (NULL: they
 * can), into *why. */
static int
why_not_from(sqlite3 *db, int have, const struct mark *last, const struct mark *cur,
    const char **why)
{
	struct query_arg args[] = { Q_INT(last->last_eid), Q_BLOB(last->last_id, 32), Q_END };
	int64_t n = 0;

	*why = NULL;
	if (!have)
		*why = "no counts yet";
	else if (cur->now < last->now)
		*why = "--now before the counts'";
	else if (cur->pruned_before != last->pruned_before)
		*why = "pruned since";
	if (*why != NULL || last->last_eid == 0)
		return 0;
	if (query_int(db, "SELECT count(*) FROM nostr_events WHERE eid = ?1 AND id = ?2",
	    args, &n) != 0)
		return -1;
	if (n != 1)
		*why = "the counts' newest event is gone";
	return 0;
}

/* ---- the counts in memory ---- */

static int
counts_alloc(sqlite3 *db, struct user_counts *c)
{
	int64_t max = 0;

	if (query_int(db, "SELECT coalesce(max(aid), 0) FROM pubkeys", NULL, &max) != 0)
		return -1;
	c->n = (size_t)max + 1;
	c->a = xcalloc(c->n, sizeof(*c->a));
	return 0;
}

/* counts_load: score_authors into c. */
static int
counts_load(sqlite3 *db, struct user_counts *c)
{
	sqlite3_stmt *st = query_prepare(db, "SELECT aid, events, posts, replies, reactions,"
	    " reposts FROM score_authors", NULL);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = query_step_row(st)) == 1) {
		int64_t aid = sqlite3_column_int64(st, 0);
		struct author_counts *a;

		if (aid < 0 || (size_t)aid >= c->n)
			continue;  /* no such pubkey: not a row of ours */
		a = &c->a[aid];
		a->events = sqlite3_column_int64(st, 1);
		a->posts = sqlite3_column_int64(st, 2);
		a->replies = sqlite3_column_int64(st, 3);
		a->reactions = sqlite3_column_int64(st, 4);
		a->reposts = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

static int
is_zero(const struct author_counts *a)
{
	return a->events == 0 && a->posts == 0 && a->replies == 0 && a->reactions == 0 &&
	    a->reposts == 0;
}

/* counts_write: the authors whose touched is set (all when NULL) into
 * score_authors; an author with nothing has no row. */
static int
counts_write(sqlite3 *db, const struct user_counts *c, const unsigned char *touched)
{
	sqlite3_stmt *put = query_prepare(db, "INSERT OR REPLACE INTO score_authors(aid, events,"
	    " posts, replies, reactions, reposts) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", NULL);
	sqlite3_stmt *del = query_prepare(db, "DELETE FROM score_authors WHERE aid = ?1", NULL);
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && put != NULL && del != NULL && i < c->n; i++) {
		const struct author_counts *a = &c->a[i];

		if (touched != NULL && !touched[i])
			continue;
		if (is_zero(a)) {
			struct query_arg args[] = { Q_INT((int64_t)i), Q_END };

			if (touched != NULL)
				rc = query_bind(del, args) == 0 && query_step_done(del) == 0 ? 0 : -1;
		} else {
			struct query_arg args[] = {
				Q_INT((int64_t)i), Q_INT(a->events), Q_INT(a->posts), Q_INT(a->replies),
				Q_INT(a->reactions), Q_INT(a->reposts), Q_END,
			};

			rc = query_bind(put, args) == 0 && query_step_done(put) == 0 ? 0 : -1;
		}
	}
	if (put == NULL || del == NULL)
		rc = -1;
	sqlite3_finalize(put);
	sqlite3_finalize(del);
	return rc;
}

/* credit: adds sign times the counts of role (or of all three, role
 * NROLES: n[0..2]) to author aid. */
static void
credit(struct update *u, int64_t aid, const int64_t n[NROLES], int sign)
{
	struct author_counts *a;

	if (aid < 0 || (size_t)aid >= u->c->n)
		return;
	a = &u->c->a[aid];
	a->replies += sign * n[ROLE_REPLY];
	a->reactions += sign * n[ROLE_REACTION];
	a->reposts += sign * n[ROLE_REPOST];
	u->touched[aid] = 1;
}

/* ---- from scratch ---- */

static const char rebuild_sql[] =
    "DELETE FROM score_sources; DELETE FROM score_targets; DELETE FROM score_authors;"
    "INSERT INTO score_sources(aid, eid, role, target)"
    " SELECT aid, eid, 0, reply_to FROM replies WHERE created_at <= ?1 AND eid <= ?2"
    " UNION ALL SELECT aid, eid, 1, target_id FROM reactions"
    "  WHERE created_at <= ?1 AND eid <= ?2"
    " UNION ALL SELECT aid, eid, 2, target_id FROM reposts"
    "  WHERE created_at <= ?1 AND eid <= ?2"
    " ORDER BY 1, 2, 3;"
    "INSERT INTO score_targets(target, replies, reactions, reposts, eid, aid)"
    " SELECT t.target, t.replies, t.reactions, t.reposts, e.eid, e.aid FROM"
    " (SELECT target, sum(role = 0) AS replies, sum(role = 1) AS reactions,"
    "  sum(role = 2) AS reposts FROM score_sources GROUP BY target) t"
    " LEFT JOIN nostr_events e ON e.id = t.target AND e.eid <= ?2 ORDER BY t.target;";

/* exec_all: runs each statement of sql (?1 now, ?2 the last eid). */
static int
exec_all(sqlite3 *db, const char *sql, const struct query_arg *args)
{
	const char *tail = sql;

	while (*tail != '\0') {
		sqlite3_stmt *st = NULL;
		const char *next;

		if (sqlite3_prepare_v2(db, tail, -1, &st, &next) != SQLITE_OK)
			return -1;
		tail = next;
		if (st == NULL)
			continue;  /* white space at the end */
		if (query_bind(st, args) != 0 || query_step_done(st) != 0) {
			sqlite3_finalize(st);
			return -1;
		}
		sqlite3_finalize(st);
	}
	return 0;
}

/* rebuild_authors: each author's events and posts from the indexes (the
 * author index gives every eid's author, the kind index the posts' eids,
 * so no event row is read), and received from score_targets. */
static int
rebuild_authors(sqlite3 *db, const struct mark *m, struct user_counts *c)
{
	struct query_arg args[] = { Q_INT(m->now), Q_INT(m->last_eid), Q_END };
	uint32_t *author_of = xcalloc((size_t)m->last_eid + 1, sizeof(*author_of));
	sqlite3_stmt *st;
	int rc = -1;

	if ((st = query_prepare(db, "SELECT aid, eid FROM nostr_events"
	    " INDEXED BY nostr_events_author WHERE eid <= ?2", args)) == NULL)
		goto out;
	while ((rc = query_step_row(st)) == 1) {
		int64_t aid = sqlite3_column_int64(st, 0), eid = sqlite3_column_int64(st, 1);

		if (aid <= 0 || (size_t)aid >= c->n || eid <= 0 || eid > m->last_eid)
			continue;
		author_of[eid] = (uint32_t)aid;
		c->a[aid].events++;
	}
	sqlite3_finalize(st);
	if (rc != 0 || (st = query_prepare(db, "SELECT eid FROM nostr_events"
	    " INDEXED BY nostr_events_kind WHERE kind = 1 AND created_at <= ?1 AND eid <= ?2",
	    args)) == NULL)
		goto fail;
	while ((rc = query_step_row(st)) == 1) {
		int64_t eid = sqlite3_column_int64(st, 0);

		if (eid > 0 && eid <= m->last_eid && author_of[eid] != 0)
			c->a[author_of[eid]].posts++;
	}
	sqlite3_finalize(st);
	if (rc != 0 || (st = query_prepare(db, "SELECT aid, replies, reactions, reposts"
	    " FROM score_targets NOT INDEXED WHERE aid IS NOT NULL", NULL)) == NULL)
		goto fail;
	while ((rc = query_step_row(st)) == 1) {
		int64_t aid = sqlite3_column_int64(st, 0);

		if (aid <= 0 || (size_t)aid >= c->n)
			continue;
		c->a[aid].replies += sqlite3_column_int64(st, 1);
		c->a[aid].reactions += sqlite3_column_int64(st, 2);
		c->a[aid].reposts += sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	if (rc != 0)
		goto fail;
	rc = counts_write(db, c, NULL);
	goto out;
fail:
	rc = -1;
out:
	free(author_of);
	return rc;
}

static int
rebuild(sqlite3 *db, const struct mark *m, struct user_counts *c)
{
	struct query_arg args[] = { Q_INT(m->now), Q_INT(m->last_eid), Q_END };

	c->rebuilt = 1;
	return exec_all(db, rebuild_sql, args) == 0 && rebuild_authors(db, m, c) == 0 ? 0 : -1;
}

/* ---- from the last mark ---- */

static void
update_free(struct update *u)
{
	size_t i;

	for (i = 0; i < NSTMTS; i++)
		sqlite3_finalize(u->st[i]);
	free(u->touched);
	free(u->by_id);
}

static int
by_event_id(const void *a, const void *b)
{
	return memcmp((*(const struct new_event *const *)a)->id,
	    (*(const struct new_event *const *)b)->id, 32);
}

/* new_sort: u->by_id for ev. */
static void
new_sort(struct update *u, const struct new_event *ev, size_t n)
{
	size_t i;

	u->by_id = xcalloc(n ? n : 1, sizeof(*u->by_id));
	for (i = 0; i < n; i++)
		u->by_id[i] = &ev[i];
	qsort(u->by_id, n, sizeof(*u->by_id), by_event_id);
	u->nnew = n;
}

/* new_find: the new event of id, or NULL. */
static const struct new_event *
new_find(const struct update *u, const uint8_t id[32])
{
	size_t lo = 0, hi = u->nnew;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(u->by_id[mid]->id, id, 32);

		if (c == 0)
			return u->by_id[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
update_prepare(struct update *u)
{
	size_t i;

	for (i = 0; i < NSTMTS; i++)
		if ((u->st[i] = query_prepare(u->db, stmt_sql[i], NULL)) == NULL)
			return -1;
	return 0;
}

/* run1: binds args to statement s, steps it once; 1 with a row (read it,
 * then sqlite3_reset), 0 without (reset already), -1 on error. */
static int
run1(struct update *u, enum stmt s, const struct query_arg *args)
{
	sqlite3_stmt *st = u->st[s];
	int rc;

	if (query_bind(st, args) != 0)
		return -1;
	if ((rc = query_step_row(st)) != 1)
		sqlite3_reset(st);
	return rc;
}

/* count1: the one integer statement s gives for args. */
static int
count1(struct update *u, enum stmt s, const struct query_arg *args, int64_t *n)
{
	int rc = run1(u, s, args);

	*n = 0;
	if (rc < 0)
		return -1;
	if (rc == 1) {
		*n = sqlite3_column_int64(u->st[s], 0);
		sqlite3_reset(u->st[s]);
	}
	return 0;
}

/* new_events: the events stored since the last mark, up to this one. */
static int
new_events(struct update *u, struct new_event **out, size_t *n)
{
	struct query_arg args[] = { Q_INT(u->last.last_eid), Q_INT(u->cur.last_eid), Q_END };
	sqlite3_stmt *st = query_prepare(u->db, "SELECT eid, aid, kind, created_at, id"
	    " FROM nostr_events WHERE eid > ?1 AND eid <= ?2", args);
	struct new_event *v = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL, *n = 0;
	if (st == NULL)
		return -1;
	while ((rc = query_step_row(st)) == 1) {
		v = xgrow(v, &cap, *n + 1, sizeof(*v));
		v[*n].eid = sqlite3_column_int64(st, 0);
		v[*n].aid = sqlite3_column_int64(st, 1);
		v[*n].kind = sqlite3_column_int64(st, 2);
		v[*n].created_at = sqlite3_column_int64(st, 3);
		if (query_key(st, 4, v[*n].id) == 0)
			(*n)++;
	}
	sqlite3_finalize(st);
	*out = v;
	return rc == 0 ? 0 : -1;
}

/* removes_older: whether an event of kind, when stored, can have removed an
 * older one of its author (NIP-01 replaceable and addressable kinds, NIP-09
 * deletions): nostr-load removes events for no other reason. */
static int
removes_older(int64_t kind)
{
	return kind == 0 || kind == 3 || kind == 5 || (kind >= 10000 && kind < 20000) ||
	    (kind >= 30000 && kind < 40000);
}

/* A counted row or credited target of a losing author, read before it is changed. */
struct held {
	int64_t eid, role, n[NROLES];
	uint8_t target[32];
};

/* held_read: the rows statement s gives for aid (columns by what): sources
 * (eid, role, target) or credited targets (target, eid, counts). */
static int
held_read(struct update *u, enum stmt s, int64_t aid, struct held **out, size_t *n)
{
	struct query_arg args[] = { Q_INT(aid), Q_END };
	sqlite3_stmt *st = u->st[s];
	struct held *v = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL, *n = 0;
	if (query_bind(st, args) != 0)
		return -1;
	while ((rc = query_step_row(st)) == 1) {
		struct held *h;

		v = xgrow(v, &cap, *n + 1, sizeof(*v));
		h = &v[*n];
		memset(h, 0, sizeof(*h));
		if (s == S_SOURCES_OF) {
			h->eid = sqlite3_column_int64(st, 0);
			h->role = sqlite3_column_int64(st, 1);
			if (query_key(st, 2, h->target) != 0 || h->role < 0 || h->role >= NROLES)
				continue;
		} else {
			if (query_key(st, 0, h->target) != 0)
				continue;
			h->eid = sqlite3_column_int64(st, 1);
			h->n[ROLE_REPLY] = sqlite3_column_int64(st, 2);
			h->n[ROLE_REACTION] = sqlite3_column_int64(st, 3);
			h->n[ROLE_REPOST] = sqlite3_column_int64(st, 4);
		}
		(*n)++;
	}
	sqlite3_reset(st);
	*out = v;
	return rc == 0 ? 0 : -1;
}

static int
by_eid(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* eids_of: the eids of aid's stored events, sorted, into *out. */
static int
eids_of(struct update *u, int64_t aid, int64_t **out, size_t *n)
{
	struct query_arg args[] = { Q_INT(aid), Q_END };
	sqlite3_stmt *st = u->st[S_EIDS_OF];
	int64_t *v = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL, *n = 0;
	if (query_bind(st, args) != 0)
		return -1;
	while ((rc = query_step_row(st)) == 1) {
		v = xgrow(v, &cap, *n + 1, sizeof(*v));
		v[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (*n > 0)
		qsort(v, *n, sizeof(*v), by_eid);
	*out = v;
	return rc == 0 ? 0 : -1;
}

/* stored: whether eid is among the sorted eids (one author's stored events). */
static int
stored(const int64_t *eids, size_t n, int64_t eid)
{
	return n > 0 && bsearch(&eid, eids, n, sizeof(*eids), by_eid) != NULL;
}

/* source_gone: takes a counted row of a removed event back out. */
static int
source_gone(struct update *u, int64_t aid, const struct held *h)
{
	struct query_arg sub[] = { Q_BLOB(h->target, 32), Q_INT(h->role), Q_END };
	struct query_arg zero[] = { Q_BLOB(h->target, 32), Q_END };
	struct query_arg del[] = { Q_INT(aid), Q_INT(h->eid), Q_INT(h->role), Q_END };
	int64_t one[NROLES] = { 0 };
	int rc;

	one[h->role] = 1;
	if ((rc = run1(u, S_TARGET_SUB, sub)) < 0)
		return -1;
	if (rc == 1) {
		if (sqlite3_column_type(u->st[S_TARGET_SUB], 0) != SQLITE_NULL)
			credit(u, sqlite3_column_int64(u->st[S_TARGET_SUB], 0), one, -1);
		if (query_step_done(u->st[S_TARGET_SUB]) != 0)
			return -1;
	}
	return query_bind(u->st[S_TARGET_ZERO], zero) == 0 &&
	    query_step_done(u->st[S_TARGET_ZERO]) == 0 &&
	    query_bind(u->st[S_SOURCE_DEL], del) == 0 &&
	    query_step_done(u->st[S_SOURCE_DEL]) == 0 ? 0 : -1;
}

/* author_lost: takes what aid's removed events counted back out: their
 * rows from their targets, their own received engagement, and, when aid
 * deleted (kind 5), their posts: a note is regular (NIP-01), so only a
 * deletion removes one, and a replacement leaves the posts as they were. */
static int
author_lost(struct update *u, int64_t aid, int64_t old_events, int deleted)
{
	struct query_arg posts[] = { Q_INT(aid), Q_INT(u->last.now), Q_INT(u->last.last_eid),
		Q_END };
	struct held *h = NULL;
	int64_t *eids = NULL;
	size_t n, neids, i;

	/* Whether each row's event is still stored, from one read of the
	 * author's eids rather than a probe per row. */
	if (eids_of(u, aid, &eids, &neids) != 0 || held_read(u, S_SOURCES_OF, aid, &h, &n) != 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (!stored(eids, neids, h[i].eid) && source_gone(u, aid, &h[i]) != 0)
			goto fail;
	free(h);
	if (held_read(u, S_CREDITED_OF, aid, &h, &n) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		struct query_arg args[] = { Q_BLOB(h[i].target, 32), Q_END };

		if (stored(eids, neids, h[i].eid))
			continue;
		credit(u, aid, h[i].n, -1);
		if (query_bind(u->st[S_UNATTRIBUTE], args) != 0 ||
		    query_step_done(u->st[S_UNATTRIBUTE]) != 0)
			goto fail;
	}
	free(h);
	free(eids);
	u->c->a[aid].events = old_events;
	u->touched[aid] = 1;
	return deleted ? count1(u, S_POSTS_OF, posts, &u->c->a[aid].posts) : 0;
fail:
	free(h);
	free(eids);
	return -1;
}

enum { SEEN = 1, DELETED = 2 };

/* An author who lost events: aid, and how many of its events are held now. */
struct loser {
	int64_t aid, old;
};

/* removals: takes removed events out (see the header); *whole is 0 when
 * they are not all of the authors of new replacements and deletions, and
 * nothing was changed. */
static int
removals(struct update *u, const struct new_event *ev, size_t nev, int64_t removed,
    int *whole)
{
	unsigned char *seen = xcalloc(u->c->n, 1);
	struct loser *losers = NULL;
	int64_t lost = 0;
	size_t nlost = 0, cap = 0, i;
	int rc = -1;

	*whole = 1;
	/* seen: SEEN once an author is probed, DELETED when one deleted. */
	for (i = 0; i < nev && removed > 0; i++)
		if (ev[i].kind == 5 && ev[i].aid > 0 && (size_t)ev[i].aid < u->c->n)
			seen[ev[i].aid] |= DELETED;
	for (i = 0; i < nev && removed > 0; i++) {
		struct query_arg args[] = { Q_INT(ev[i].aid), Q_INT(u->last.last_eid), Q_END };
		int64_t aid = ev[i].aid, now_old;

		if (!removes_older(ev[i].kind) || aid <= 0 || (size_t)aid >= u->c->n ||
		    (seen[aid] & SEEN))
			continue;
		seen[aid] |= SEEN;
		if (count1(u, S_OLD_EVENTS, args, &now_old) != 0)
			goto out;
		if (now_old >= u->c->a[aid].events)
			continue;
		losers = xgrow(losers, &cap, nlost + 1, sizeof(*losers));
		losers[nlost].aid = aid, losers[nlost++].old = now_old;
		lost += u->c->a[aid].events - now_old;
	}
	if (lost != removed) {
		*whole = 0;
		rc = 0;
		goto out;
	}
	for (i = 0; i < nlost; i++)
		if (author_lost(u, losers[i].aid, losers[i].old, seen[losers[i].aid] & DELETED) != 0)
			goto out;
	rc = 0;
out:
	free(seen);
	free(losers);
	return rc;
}

/* A row to count: aid's event eid, of role, aimed at target. */
struct row {
	int64_t aid, eid, role;
	uint8_t target[32];
};

/* The rows of a step, gathered to be counted in an order that keeps each
 * table's B-tree pages together: targets by target, sources by key. */
struct rows {
	struct row *v;
	size_t n, cap;
};

/* target_add: counts n[] (rows by role, all aimed at target) in target's
 * counts, and for the target's author when the target is stored. */
static int
target_add(struct update *u, const uint8_t target[32], const int64_t n[NROLES])
{
	/* Most targets are recent: a new event's is found without an index
	 * probe, and a first row for it is written attributed. */
	const struct new_event *e = new_find(u, target);
	struct query_arg add[] = { Q_BLOB(target, 32), Q_INT(n[ROLE_REPLY]),
		Q_INT(n[ROLE_REACTION]), Q_INT(n[ROLE_REPOST]),
		e ? (struct query_arg)Q_INT(e->eid) : (struct query_arg)Q_NULL,
		e ? (struct query_arg)Q_INT(e->aid) : (struct query_arg)Q_NULL, Q_END };
	struct query_arg find[] = { Q_BLOB(target, 32), Q_INT(u->cur.last_eid), Q_END };
	sqlite3_stmt *st = u->st[S_TARGET_ADD];
	int64_t total, teid, taid;
	int rc, attributed;

	if (run1(u, S_TARGET_ADD, add) != 1)
		return -1;
	attributed = sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (attributed)
		credit(u, sqlite3_column_int64(st, 1), n, 1);
	total = sqlite3_column_int64(st, 2);
	if (query_step_done(st) != 0)
		return -1;
	/* A target seen before and not attributed then is not stored: new
	 * events were attributed before any new row was counted. */
	if (attributed || total > n[ROLE_REPLY] + n[ROLE_REACTION] + n[ROLE_REPOST])
		return 0;
	if ((rc = run1(u, S_FIND, find)) <= 0)
		return rc;
	teid = sqlite3_column_int64(u->st[S_FIND], 0);
	taid = sqlite3_column_int64(u->st[S_FIND], 1);
	sqlite3_reset(u->st[S_FIND]);
	{
		struct query_arg attr[] = { Q_BLOB(target, 32), Q_INT(teid), Q_INT(taid), Q_END };

		if (query_bind(u->st[S_ATTRIBUTE], attr) != 0 ||
		    query_step_done(u->st[S_ATTRIBUTE]) != 0)
			return -1;
		credit(u, taid, n, 1);
	}
	return 0;
}

static int
by_target(const void *a, const void *b)
{
	return memcmp(((const struct row *)a)->target, ((const struct row *)b)->target, 32);
}

static int
by_source(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->aid != y->aid)
		return x->aid < y->aid ? -1 : 1;
	if (x->eid != y->eid)
		return x->eid < y->eid ? -1 : 1;
	return x->role < y->role ? -1 : x->role > y->role;
}

/* rows_read: the rows of sql (aid, eid, target) with args, of role, into r. */
static int
rows_read(struct update *u, const char *sql, const struct query_arg *args, int64_t role,
    struct rows *r)
{
	sqlite3_stmt *st = query_prepare(u->db, sql, args);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = query_step_row(st)) == 1) {
		struct row *w;

		r->v = xgrow(r->v, &r->cap, r->n + 1, sizeof(*r->v));
		w = &r->v[r->n];
		if (query_key(st, 2, w->target) != 0)
			continue;
		w->aid = sqlite3_column_int64(st, 0);
		w->eid = sqlite3_column_int64(st, 1);
		w->role = role;
		r->n++;
	}
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

/* rows_count: counts each row of r in score_targets (and its target's
 * author) and in score_sources; frees r's rows. */
static int
rows_count(struct update *u, struct rows *r)
{
	size_t i, j;
	int rc = 0;

	/* No rows: r->v may be NULL, which qsort must not be given. */
	if (r->n > 0)
		qsort(r->v, r->n, sizeof(*r->v), by_target);
	/* One upsert per target, of all of its rows. */
	for (i = 0; rc == 0 && i < r->n; i = j) {
		int64_t n[NROLES] = { 0 };

		for (j = i; j < r->n && memcmp(r->v[j].target, r->v[i].target, 32) == 0; j++)
			n[r->v[j].role]++;
		rc = target_add(u, r->v[i].target, n);
	}
	if (r->n > 0)
		qsort(r->v, r->n, sizeof(*r->v), by_source);
	for (i = 0; rc == 0 && i < r->n; i++) {
		struct query_arg src[] = {
			Q_INT(r->v[i].aid), Q_INT(r->v[i].eid), Q_INT(r->v[i].role),
			Q_BLOB(r->v[i].target, 32), Q_END,
		};

		rc = query_bind(u->st[S_SOURCE_ADD], src) == 0 &&
		    query_step_done(u->st[S_SOURCE_ADD]) == 0 ? 0 : -1;
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
	return rc;
}

/* due: the old rows and posts whose created_at passed into (last now, now]. */
static int
due(struct update *u)
{
	struct query_arg args[] = { Q_INT(u->last.now), Q_INT(u->cur.now),
		Q_INT(u->last.last_eid), Q_END };
	struct rows r = { 0 };
	sqlite3_stmt *st;
	int64_t role;
	int rc;

	if (u->cur.now == u->last.now)
		return 0;
	for (role = 0; role < NROLES; role++)
		if (rows_read(u, role_rows[role].due, args, role, &r) != 0) {
			free(r.v);
			return -1;
		}
	if (rows_count(u, &r) != 0)
		return -1;
	if ((st = query_prepare(u->db, "SELECT aid FROM nostr_events WHERE kind = 1"
	    " AND created_at > ?1 AND created_at <= ?2 AND eid <= ?3", args)) == NULL)
		return -1;
	while ((rc = query_step_row(st)) == 1) {
		int64_t aid = sqlite3_column_int64(st, 0);

		if (aid > 0 && (size_t)aid < u->c->n) {
			u->c->a[aid].posts++;
			u->touched[aid] = 1;
		}
	}
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

/* event_new: counts a new event for its author. */
static void
event_new(struct update *u, const struct new_event *e)
{
	if (e->aid <= 0 || (size_t)e->aid >= u->c->n)
		return;
	u->c->a[e->aid].events++;
	if (e->kind == 1 && e->created_at <= u->cur.now)
		u->c->a[e->aid].posts++;
	u->touched[e->aid] = 1;
}

/* A target counted before its event was stored. */
struct unstored {
	uint8_t target[32];
	int64_t n[NROLES];
};

/* unstored_read: the targets not stored at the last mark that are new
 * events (through their partial index: a few, whatever the new events). */
static int
unstored_read(struct update *u, struct unstored **out, size_t *n)
{
	sqlite3_stmt *st = query_prepare(u->db, "SELECT target, replies, reactions, reposts"
	    " FROM score_targets INDEXED BY score_targets_unstored WHERE eid IS NULL", NULL);
	struct unstored *v = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL, *n = 0;
	if (st == NULL)
		return -1;
	while ((rc = query_step_row(st)) == 1) {
		v = xgrow(v, &cap, *n + 1, sizeof(*v));
		if (query_key(st, 0, v[*n].target) != 0 || new_find(u, v[*n].target) == NULL)
			continue;
		v[*n].n[ROLE_REPLY] = sqlite3_column_int64(st, 1);
		v[*n].n[ROLE_REACTION] = sqlite3_column_int64(st, 2);
		v[*n].n[ROLE_REPOST] = sqlite3_column_int64(st, 3);
		(*n)++;
	}
	sqlite3_finalize(st);
	*out = v;
	return rc == 0 ? 0 : -1;
}

/* events_credited: credits each new event with what was counted for it
 * before it was stored. */
static int
events_credited(struct update *u)
{
	struct unstored *v;
	size_t n, i;
	int rc = 0;

	if (unstored_read(u, &v, &n) != 0)
		return -1;
	for (i = 0; rc == 0 && i < n; i++) {
		const struct new_event *e = new_find(u, v[i].target);
		struct query_arg attr[] = { Q_BLOB(e->id, 32), Q_INT(e->eid), Q_INT(e->aid), Q_END };

		if (e->aid <= 0 || (size_t)e->aid >= u->c->n)
			continue;
		rc = query_bind(u->st[S_ATTRIBUTE], attr) == 0 &&
		    query_step_done(u->st[S_ATTRIBUTE]) == 0 ? 0 : -1;
		credit(u, e->aid, v[i].n, 1);
	}
	free(v);
	return rc;
}

/* added: the new events, then their rows. */
static int
added(struct update *u, const struct new_event *ev, size_t nev)
{
	int64_t earliest = INT64_MAX, role;
	size_t i;

	for (i = 0; i < nev; i++) {
		event_new(u, &ev[i]);
		if (ev[i].created_at < earliest)
			earliest = ev[i].created_at;
	}
	if (nev == 0)
		return 0;
	if (events_credited(u) != 0)
		return -1;
	{
		struct query_arg args[] = { Q_INT(earliest), Q_INT(u->cur.now),
			Q_INT(u->last.last_eid), Q_INT(u->cur.last_eid), Q_END };
		struct rows r = { 0 };

		for (role = 0; role < NROLES; role++)
			if (rows_read(u, role_rows[role].added, args, role, &r) != 0) {
				free(r.v);
				return -1;
			}
		return rows_count(u, &r);
	}
}

/* from_last: moves the counts from u->last to u->cur; *done 0 when that
 * cannot be done (removals not all accounted for), nothing changed. */
static int
from_last(struct update *u, int *done)
{
	struct new_event *ev = NULL;
	size_t nev = 0;
	int64_t removed;
	int rc = -1;

	*done = 0;
	u->touched = xcalloc(u->c->n, 1);
	if (update_prepare(u) != 0 || counts_load(u->db, u->c) != 0 ||
	    new_events(u, &ev, &nev) != 0)
		goto out;
	removed = u->last.events + (int64_t)nev - u->cur.events;
	new_sort(u, ev, nev);
	u->c->new_events = (int64_t)nev;
	u->c->removed = removed;
	if (removals(u, ev, nev, removed, done) != 0)
		goto out;
	if (!*done) {
		rc = 0;
		goto out;
	}
	if (due(u) != 0 || added(u, ev, nev) != 0 || counts_write(u->db, u->c, u->touched) != 0)
		goto out;
	rc = 0;
out:
	free(ev);
	return rc;
}

int
user_counts_update(sqlite3 *db, int64_t now, const char *full, struct user_counts *c)
{
	struct update u = { .db = db, .c = c };
	int have, done = 0, rc = -1;

	memset(c, 0, sizeof(*c));
	if (query_exec(db, "BEGIN IMMEDIATE", NULL) != 0)
		return -1;
	if (mark_now(db, now, &u.cur) != 0 || (have = mark_read(db, &u.last)) < 0 ||
	    why_not_from(db, have, &u.last, &u.cur, &c->reason) != 0 || counts_alloc(db, c) != 0)
		goto out;
	if (full != NULL)
		c->reason = full;
	if (c->reason == NULL) {
		if (from_last(&u, &done) != 0)
			goto out;
		if (!done) {
			c->reason = "removals not all from replacements and deletions";
			memset(c->a, 0, c->n * sizeof(*c->a));
		}
	}
	if (!done && rebuild(db, &u.cur, c) != 0)
		goto out;
	if (mark_write(db, &u.cur) != 0)
		goto out;
	rc = query_exec(db, "COMMIT", NULL);
out:
	update_free(&u);
	if (rc != 0)
		user_counts_free(c);
	return rc;
}

/* ---- by SQL, from scratch ---- */

/* Each author's events and posts, and what their events received. */
static const char authored_sql[] =
    "SELECT aid, count(*), count(*) FILTER (WHERE kind = 1 AND created_at <= ?1)"
    " FROM nostr_events GROUP BY aid";
static const char received_sql[] =
    "SELECT e.aid, count(*) FILTER (WHERE s.role = 0), count(*) FILTER (WHERE s.role = 1),"
    " count(*) FILTER (WHERE s.role = 2) FROM"
    " (SELECT reply_to AS target, 0 AS role FROM replies WHERE created_at <= ?1"
    "  UNION ALL SELECT target_id, 1 FROM reactions WHERE created_at <= ?1"
    "  UNION ALL SELECT target_id, 2 FROM reposts WHERE created_at <= ?1) s"
    " JOIN nostr_events e ON e.id = s.target GROUP BY e.aid";

static const struct column counted_cols[] = {
	{ "aid", CELL_INT, 0, 0, 0 }, { "a", CELL_INT, 0, 0, 0 },
	{ "b", CELL_INT, 0, 0, 0 }, { "c", CELL_INT, 0, 0, 0 },
};

/* counted: the author of row's first column, or NULL when not one of c's. */
static struct author_counts *
counted(struct user_counts *c, const struct table *row)
{
	const struct cell *v = table_cell(row, 0, 0);

	if (v->type != CELL_INT || v->i <= 0 || (size_t)v->i >= c->n)
		return NULL;
	return &c->a[v->i];
}

static int64_t
counted_int(const struct table *row, size_t col)
{
	return (int64_t)table_number(row, 0, col);
}

static int
authored_row(void *arg, const struct table *row)
{
	struct author_counts *a = counted(arg, row);

	if (a != NULL)
		a->events = counted_int(row, 1), a->posts = counted_int(row, 2);
	return 0;
}

static int
received_row(void *arg, const struct table *row)
{
	struct author_counts *a = counted(arg, row);

	if (a != NULL) {
		a->replies = counted_int(row, 1);
		a->reactions = counted_int(row, 2);
		a->reposts = counted_int(row, 3);
	}
	return 0;
}

int
user_counts_query(struct dbq *db, int64_t now, const char *reason, struct user_counts *c)
{
	struct query_arg args[] = { Q_INT(now), Q_END };
	int64_t max = 0;

	memset(c, 0, sizeof(*c));
	c->rebuilt = 1, c->reason = reason;
	if (dbq_int(db, "SELECT coalesce(max(aid), 0) FROM pubkeys", NULL, &max) != 0)
		return -1;
	c->n = (size_t)max + 1;
	c->a = xcalloc(c->n, sizeof(*c->a));
	if (dbq_each(db, counted_cols, 3, authored_sql, args, authored_row, c) != 0 ||
	    dbq_each(db, counted_cols, 4, received_sql, args, received_row, c) != 0) {
		user_counts_free(c);
		return -1;
	}
	return 0;
}
