#include "store/export.h"

#include <inttypes.h>

#include "base/buf.h"
#include "store/query.h"

/* ?1..?2 the created_at bounds, ?3 the kinds as a JSON array (or NULL), ?4 naming_relays. */
static const char EXPORT_SQL[] =
    "SELECT json_object('id', lower(hex(e.id)), 'pubkey', lower(hex(k.pubkey)),"
    " 'created_at', e.created_at, 'kind', e.kind, 'tags', json(e.tags),"
    " 'content', e.content, 'sig', lower(hex(e.sig)))"
    " FROM nostr_events e JOIN pubkeys k ON k.aid = e.aid"
    " WHERE e.created_at BETWEEN ?1 AND ?2"
    "   AND (?3 IS NULL OR e.kind IN (SELECT value FROM json_each(?3))"
    "        OR (?4 AND (e.tags LIKE '%\"ws://%' OR e.tags LIKE '%\"wss://%')))"
    " ORDER BY e.created_at, e.id";

/* kinds_json: the filter's kinds as a JSON array into b, or NULL for every kind. */
static const char *
kinds_json(const struct export_filter *f, struct buf *b)
{
	if (f->kinds == NULL)
		return NULL;
	buf_putc(b, '[');
	for (size_t i = 0; i < f->nkinds; i++)
		buf_printf(b, "%s%" PRIu32, i ? "," : "", f->kinds[i]);
	buf_putc(b, ']');
	return b->data;
}

/* row_fn: gets one result row of st; a non-zero return stops the loop. */
typedef int (*row_fn)(void *arg, sqlite3_stmt *st);

/* each_row: runs sql with args, calling fn for each row.  Returns 0 at the
 * end, fn's non-zero value when it stopped, or -1 after a database error. */
static int
each_row(sqlite3 *db, const char *sql, const struct query_arg *args, row_fn fn, void *arg)
{
	sqlite3_stmt *st = query_prepare(db, sql, args);
	int rc = -1, row;

	if (st == NULL)
		return -1;
	while ((row = query_step_row(st)) == 1)
		if ((rc = fn(arg, st)) != 0)
			break;
	if (row == 0)
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

/* each_selected: each_row over sql, whose ?1..?2 are f's created_at bounds,
 * ?3 its kinds as a JSON array (or NULL), ?4 its naming_relays. */
static int
each_selected(sqlite3 *db, const char *sql, const struct export_filter *f, row_fn fn,
    void *arg)
{
	struct buf kinds = BUF_INIT;
	const struct query_arg args[] = {
		Q_INT(f->since), Q_INT(f->until ? f->until : INT64_MAX),
		Q_TEXT(kinds_json(f, &kinds)), Q_INT(f->naming_relays != 0), Q_END,
	};
	int rc = each_row(db, sql, args, fn, arg);

	buf_free(&kinds);
	return rc;
}

struct event_sink {
	export_fn fn;
	void *arg;
};

static int
event_row(void *arg, sqlite3_stmt *st)
{
	const struct event_sink *sink = arg;
	const char *json = (const char *)sqlite3_column_text(st, 0);

	return sink->fn(sink->arg, json ? json : "{}", (size_t)sqlite3_column_bytes(st, 0));
}

int
export_events(sqlite3 *db, const struct export_filter *f, export_fn fn, void *arg)
{
	struct event_sink sink = { fn, arg };

	return each_selected(db, EXPORT_SQL, f, event_row, &sink);
}

/* ?1..?2 the created_at bounds, ?3 the kinds as a JSON array (or NULL).  The
 * one statement that knows how ids are stored. */
static const char HAVE_SQL[] =
    "SELECT created_at || ' ' || lower(hex(id)) FROM nostr_events"
    " WHERE created_at BETWEEN ?1 AND ?2"
    "   AND (?3 IS NULL OR kind IN (SELECT value FROM json_each(?3)))"
    " ORDER BY created_at, id";

/* have_row: writes the row's line to the FILE arg; 1 when it cannot. */
static int
have_row(void *arg, sqlite3_stmt *st)
{
	const unsigned char *line = sqlite3_column_text(st, 0);

	return line != NULL && fprintf(arg, "%s\n", (const char *)line) < 0;
}

int
export_have(sqlite3 *db, const struct export_filter *f, FILE *out)
{
	return each_selected(db, HAVE_SQL, f, have_row, out);
}

/* The latest eose or failed record of each relay. */
static const char OUTCOME_SQL[] =
    "SELECT relay, state = 'eose' FROM relay_metrics r"
    " WHERE state IN ('eose', 'failed')"
    "   AND time = (SELECT max(time) FROM relay_metrics l"
    "               WHERE l.relay = r.relay AND l.state IN ('eose', 'failed'))"
    " GROUP BY relay ORDER BY relay";

struct outcome_sink {
	export_outcome_fn fn;
	void *arg;
};

static int
outcome_row(void *arg, sqlite3_stmt *st)
{
	const struct outcome_sink *sink = arg;
	const char *relay = (const char *)sqlite3_column_text(st, 0);

	return relay ? sink->fn(sink->arg, relay, sqlite3_column_int(st, 1)) : 0;
}

int
export_relay_outcomes(sqlite3 *db, export_outcome_fn fn, void *arg)
{
	struct outcome_sink sink = { fn, arg };

	return each_row(db, OUTCOME_SQL, NULL, outcome_row, &sink);
}
