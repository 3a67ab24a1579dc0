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

int
export_events(sqlite3 *db, const struct export_filter *f, export_fn fn, void *arg)
{
	struct buf kinds = BUF_INIT;
	const char *k = kinds_json(f, &kinds);
	const struct query_arg args[] = {
		Q_INT(f->since), Q_INT(f->until ? f->until : INT64_MAX),
		k ? (struct query_arg)Q_TEXT(k) : (struct query_arg)Q_NULL,
		Q_INT(f->naming_relays != 0), Q_END,
	};
	sqlite3_stmt *st = query_prepare(db, EXPORT_SQL, args);  /* copies k */
	int rc = -1, row;

	buf_free(&kinds);
	if (st == NULL)
		return -1;
	while ((row = query_step_row(st)) == 1) {
		const char *json = (const char *)sqlite3_column_text(st, 0);
		int stop = fn(arg, json ? json : "{}", (size_t)sqlite3_column_bytes(st, 0));

		if (stop != 0) {
			rc = stop;
			break;
		}
	}
	if (row == 0)
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

/* ?1..?2 the created_at bounds, ?3 the kinds as a JSON array (or NULL).  The
 * one statement that knows how ids are stored. */
static const char HAVE_SQL[] =
    "SELECT created_at || ' ' || lower(hex(id)) FROM nostr_events"
    " WHERE created_at BETWEEN ?1 AND ?2"
    "   AND (?3 IS NULL OR kind IN (SELECT value FROM json_each(?3)))"
    " ORDER BY created_at, id";

int
export_have(sqlite3 *db, const struct export_filter *f, FILE *out)
{
	struct buf kinds = BUF_INIT;
	const char *k = kinds_json(f, &kinds);
	const struct query_arg args[] = {
		Q_INT(f->since), Q_INT(f->until ? f->until : INT64_MAX),
		k ? (struct query_arg)Q_TEXT(k) : (struct query_arg)Q_NULL, Q_END,
	};
	sqlite3_stmt *st = query_prepare(db, HAVE_SQL, args);  /* copies k */
	int rc = -1, row;

	buf_free(&kinds);
	if (st == NULL)
		return -1;
	while ((row = query_step_row(st)) == 1) {
		const unsigned char *line = sqlite3_column_text(st, 0);

		if (line != NULL && fprintf(out, "%s\n", (const char *)line) < 0) {
			rc = 1;
			break;
		}
	}
	if (row == 0)
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

/* The latest eose or failed record of each relay. */
static const char OUTCOME_SQL[] =
    "SELECT relay, state = 'eose' FROM relay_metrics r"
    " WHERE state IN ('eose', 'failed')"
    "   AND time = (SELECT max(time) FROM relay_metrics l"
    "               WHERE l.relay = r.relay AND l.state IN ('eose', 'failed'))"
    " GROUP BY relay ORDER BY relay";

int
export_relay_outcomes(sqlite3 *db, export_outcome_fn fn, void *arg)
{
	const struct query_arg args[] = { Q_END };
	sqlite3_stmt *st = query_prepare(db, OUTCOME_SQL, args);
	int rc = -1, row;

	if (st == NULL)
		return -1;
	while ((row = query_step_row(st)) == 1) {
		const char *relay = (const char *)sqlite3_column_text(st, 0);
		int stop = relay ? fn(arg, relay, sqlite3_column_int(st, 1)) : 0;

		if (stop != 0) {
			rc = stop;
			break;
		}
	}
	if (row == 0)
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}
