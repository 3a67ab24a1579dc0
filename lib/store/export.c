#include "store/export.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hex.h"
#include "base/json.h"

/*
 * The stored fields of the selected events, ?1..?2 the created_at bounds,
 * ?3 the kinds as a JSON array (or NULL), ?4 naming_relays; content_raw is
 * PostgreSQL's exact content when it held U+0000 (text there cannot).
 * SQLite's LIKE ignores the case of ASCII letters, as ILIKE does.
 */
static const char *const EXPORT_SQL[] = {
	[DB_ENGINE_SQLITE] =
	    "SELECT e.id, k.pubkey, e.created_at, e.kind, e.tags, e.content, NULL, e.sig"
	    " FROM nostr_events e JOIN pubkeys k ON k.aid = e.aid"
	    " WHERE e.created_at BETWEEN ?1 AND ?2"
	    "   AND (?3 IS NULL OR e.kind IN (SELECT value FROM json_each(?3))"
	    "        OR (?4 <> 0 AND (e.tags LIKE '%\"ws://%' OR e.tags LIKE '%\"wss://%')))"
	    " ORDER BY e.created_at, e.id",
	[DB_ENGINE_POSTGRESQL] =
	    "SELECT e.id, k.pubkey, e.created_at, e.kind, e.tags, e.content, e.content_raw, e.sig"
	    " FROM nostr_events e JOIN pubkeys k ON k.aid = e.aid"
	    " WHERE e.created_at BETWEEN ?1 AND ?2"
	    "   AND (?3 IS NULL OR e.kind IN (SELECT CAST(json_array_elements_text(CAST(?3 AS json))"
	    "        AS integer))"
	    "        OR (?4 <> 0 AND (e.tags ILIKE '%\"ws://%' OR e.tags ILIKE '%\"wss://%')))"
	    " ORDER BY e.created_at, e.id",
};
static const struct column event_cols[] = {
	{ "id", CELL_TEXT, 0, 0, 0 }, { "pubkey", CELL_TEXT, 0, 0, 0 },
	{ "created_at", CELL_INT, 0, 0, 0 }, { "kind", CELL_INT, 0, 0, 0 },
	{ "tags", CELL_TEXT, 0, 0, 0 }, { "content", CELL_TEXT, 0, 0, 0 },
	{ "content_raw", CELL_TEXT, 0, 0, 0 }, { "sig", CELL_TEXT, 0, 0, 0 },
};

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

/* each_selected: dbq_each over sql, whose ?1..?2 are f's created_at bounds,
 * ?3 its kinds as a JSON array (or NULL), ?4 its naming_relays. */
static int
each_selected(struct dbq *db, const char *sql, const struct column *cols, size_t ncols,
    const struct export_filter *f, dbq_row_fn fn, void *arg)
{
	struct buf kinds = BUF_INIT;
	const struct query_arg args[] = {
		Q_INT(f->since), Q_INT(f->until ? f->until : INT64_MAX),
		Q_TEXT(kinds_json(f, &kinds)), Q_INT(f->naming_relays != 0), Q_END,
	};
	int rc = dbq_each(db, cols, ncols, sql, args, fn, arg);

	buf_free(&kinds);
	return rc;
}

struct event_sink {
	export_fn fn;
	void *arg;
	struct buf line;
};

/* put_text: column c of row (text) as a JSON string. */
static void
put_text(struct buf *b, const struct table *row, size_t c)
{
	const struct cell *v = table_cell(row, 0, c);

	json_quote(b, v->type == CELL_TEXT ? v->text : "", v->type == CELL_TEXT ? v->len : 0);
}

/* put_content: the content, the exact bytes of content_raw (hex) where it is set. */
static void
put_content(struct buf *b, const struct table *row)
{
	const struct cell *raw = table_cell(row, 0, 6);
	size_t n = raw->type == CELL_TEXT ? raw->len / 2 : 0;
	uint8_t *bytes;

	if (n == 0 || raw->len % 2 != 0) {
		put_text(b, row, 5);
		return;
	}
	bytes = xmalloc(n);
	if (hex_decode(raw->text, bytes, n) == 0)
		json_quote(b, (const char *)bytes, n);
	else
		put_text(b, row, 5);
	free(bytes);
}

/* event_row: one event as NIP-01 JSON, built the same from either engine. */
static int
event_row(void *arg, const struct table *row)
{
	struct event_sink *sink = arg;
	struct buf *b = &sink->line;
	const char *tags = table_text(row, 0, 4);

	buf_reset(b);
	buf_puts(b, "{\"id\":");
	put_text(b, row, 0);
	buf_puts(b, ",\"pubkey\":");
	put_text(b, row, 1);
	buf_printf(b, ",\"created_at\":%" PRId64 ",\"kind\":%" PRId64 ",\"tags\":",
	    (int64_t)table_number(row, 0, 2), (int64_t)table_number(row, 0, 3));
	buf_puts(b, tags != NULL && *tags != '\0' ? tags : "[]");
	buf_puts(b, ",\"content\":");
	put_content(b, row);
	buf_puts(b, ",\"sig\":");
	put_text(b, row, 7);
	buf_putc(b, '}');
	return sink->fn(sink->arg, b->data, b->len);
}

int
export_events(struct dbq *db, const struct export_filter *f, export_fn fn, void *arg)
{
	struct event_sink sink = { fn, arg, BUF_INIT };
	int rc = each_selected(db, EXPORT_SQL[db->engine], event_cols,
	    sizeof event_cols / sizeof event_cols[0], f, event_row, &sink);

	buf_free(&sink.line);
	return rc;
}

/* ?1..?2 the created_at bounds, ?3 the kinds as a JSON array (or NULL). */
static const char *const HAVE_SQL[] = {
	[DB_ENGINE_SQLITE] =
	    "SELECT created_at, id FROM nostr_events"
	    " WHERE created_at BETWEEN ?1 AND ?2"
	    "   AND (?3 IS NULL OR kind IN (SELECT value FROM json_each(?3)))"
	    " ORDER BY created_at, id",
	[DB_ENGINE_POSTGRESQL] =
	    "SELECT created_at, id FROM nostr_events"
	    " WHERE created_at BETWEEN ?1 AND ?2"
	    "   AND (?3 IS NULL OR kind IN (SELECT CAST(json_array_elements_text(CAST(?3 AS json))"
	    "        AS integer)))"
	    " ORDER BY created_at, id",
};

/* have_row: writes the row's line to the FILE arg; 1 when it cannot. */
static int
have_row(void *arg, const struct table *row)
{
	const char *id = table_text(row, 0, 1);

	return id != NULL &&
	    fprintf(arg, "%" PRId64 " %s\n", (int64_t)table_number(row, 0, 0), id) < 0;
}

int
export_have(struct dbq *db, const struct export_filter *f, FILE *out)
{
	static const struct column cols[] = {
		{ "created_at", CELL_INT, 0, 0, 0 }, { "id", CELL_TEXT, 0, 0, 0 },
	};

	return each_selected(db, HAVE_SQL[db->engine], cols, 2, f, have_row, out);
}

/* The latest eose or failed record of each relay; eose where both are. */
static const char OUTCOME_SQL[] =
    "SELECT relay, max(CASE WHEN state = 'eose' THEN 1 ELSE 0 END) FROM relay_metrics r"
    " WHERE state IN ('eose', 'failed')"
    "   AND time = (SELECT max(time) FROM relay_metrics l"
    "               WHERE l.relay = r.relay AND l.state IN ('eose', 'failed'))"
    " GROUP BY relay ORDER BY relay";

struct outcome_sink {
	export_outcome_fn fn;
	void *arg;
};

static int
outcome_row(void *arg, const struct table *row)
{
	const struct outcome_sink *sink = arg;
	const char *relay = table_text(row, 0, 0);

	return relay ? sink->fn(sink->arg, relay, table_number(row, 0, 1) != 0) : 0;
}

int
export_relay_outcomes(struct dbq *db, export_outcome_fn fn, void *arg)
{
	static const struct column cols[] = {
		{ "relay", CELL_TEXT, 0, 0, 0 }, { "answered", CELL_INT, 0, 0, 0 },
	};
	struct outcome_sink sink = { fn, arg };

	return dbq_each(db, cols, 2, OUTCOME_SQL, NULL, outcome_row, &sink);
}
