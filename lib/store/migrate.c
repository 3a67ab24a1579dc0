#include "store/migrate.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/hex.h"
#include "enrich/meta.h"

/* The tables whose layout version 3 changed, renamed to old_NAME while
 * their rows are copied. */
static const char *const changed[] = {
	"nostr_events", "replaceable_heads", "users", "user_profiles", "follows",
	"hashtags", "mentions", "refs", "replies", "reactions", "reposts", "zaps",
	"deletions", "content_metrics", "user_metrics", "user_influence",
};
#define NCHANGED (sizeof changed / sizeof changed[0])

/*
 * The copy, table by table.  np_key(x): the BLOB that 64 (or 128) lower-case
 * hex digits spell, else NULL; np_ref(x): np_key(x) for an event id, x
 * itself for an address; np_meta_rest(x): what version 3 keeps of a meta.
 * Pubkeys are numbered authors first, in the order of their users rows.
 */
static const char copy_sql[] =
    "INSERT OR IGNORE INTO pubkeys(pubkey) SELECT np_key(pubkey) FROM old_users"
    " WHERE np_key(pubkey) IS NOT NULL ORDER BY rowid;"
    "INSERT OR IGNORE INTO pubkeys(pubkey) SELECT k FROM (SELECT np_key(x) AS k FROM ("
    " SELECT pubkey AS x FROM old_nostr_events UNION ALL SELECT follower FROM old_follows"
    " UNION ALL SELECT followed FROM old_follows UNION ALL SELECT mentioned FROM old_mentions"
    " UNION ALL SELECT target_pubkey FROM old_reactions"
    " UNION ALL SELECT target_pubkey FROM old_reposts UNION ALL SELECT provider FROM old_zaps"
    " UNION ALL SELECT sender FROM old_zaps UNION ALL SELECT recipient FROM old_zaps"
    " UNION ALL SELECT pubkey FROM old_replaceable_heads"
    " UNION ALL SELECT pubkey FROM old_user_profiles UNION ALL SELECT pubkey FROM old_deletions"
    " UNION ALL SELECT pubkey FROM old_user_metrics UNION ALL SELECT pubkey FROM old_user_influence"
    " UNION ALL SELECT pubkey FROM old_content_metrics)) WHERE k IS NOT NULL;"
    "INSERT INTO nostr_events(eid, id, aid, created_at, kind, content, tags, sig, d_tag, lang,"
    " words, pow, client, relay, received_at, meta)"
    " SELECT o.rowid, np_key(o.id), k.aid, o.created_at, o.kind, o.content, o.tags,"
    " coalesce(np_key(o.sig), x''), o.d_tag, o.lang, o.words, o.pow, o.client, o.relay,"
    " o.received_at, np_meta_rest(o.meta)"
    " FROM old_nostr_events o JOIN pubkeys k ON k.pubkey = np_key(o.pubkey) ORDER BY o.rowid;"
    "INSERT INTO replaceable_heads SELECT k.aid, o.kind, o.d_tag, np_key(o.event_id),"
    " o.created_at FROM old_replaceable_heads o JOIN pubkeys k ON k.pubkey = np_key(o.pubkey)"
    " WHERE np_key(o.event_id) IS NOT NULL;"
    /* last_event is set by the authors summary's fill, which a database
     * made here gets on its first open (store/summary.h). */
    "INSERT INTO users(aid, first_seen, last_seen) SELECT k.aid, o.first_seen, o.last_seen"
    " FROM old_users o JOIN pubkeys k ON k.pubkey = np_key(o.pubkey);"
    "INSERT INTO user_profiles SELECT k.aid,"
    " coalesce(e.eid, -row_number() OVER (ORDER BY o.pubkey)), o.created_at, o.name,"
    " o.display_name, o.about, o.picture, o.banner, o.nip05, o.lud16, o.lud06, o.website,"
    " o.json_ok FROM old_user_profiles o JOIN pubkeys k ON k.pubkey = np_key(o.pubkey)"
    " LEFT JOIN nostr_events e ON e.id = np_key(o.event_id);"
    "INSERT OR IGNORE INTO follows SELECT a.aid, b.aid,"
    " coalesce(e.eid, -dense_rank() OVER (ORDER BY o.event_id)), o.created_at, o.relay,"
    " o.petname FROM old_follows o JOIN pubkeys a ON a.pubkey = np_key(o.follower)"
    " JOIN pubkeys b ON b.pubkey = np_key(o.followed)"
    " LEFT JOIN nostr_events e ON e.id = np_key(o.event_id);"
    "INSERT OR IGNORE INTO hashtags SELECT o.created_at, e.eid, o.hashtag, e.aid, o.kind"
    " FROM old_hashtags o JOIN nostr_events e ON e.id = np_key(o.event_id);"
    "INSERT OR IGNORE INTO mentions SELECT o.created_at, e.eid, m.aid, e.aid, o.kind"
    " FROM old_mentions o JOIN nostr_events e ON e.id = np_key(o.event_id)"
    " JOIN pubkeys m ON m.pubkey = np_key(o.mentioned);"
    "INSERT OR IGNORE INTO refs SELECT o.created_at, e.eid, np_ref(o.ref), e.aid, o.kind"
    " FROM old_refs o JOIN nostr_events e ON e.id = np_key(o.event_id);"
    "INSERT OR IGNORE INTO replies SELECT o.created_at, e.eid, np_key(o.reply_to),"
    " np_key(o.root), e.aid FROM old_replies o JOIN nostr_events e ON e.id = np_key(o.event_id)"
    " WHERE np_key(o.reply_to) IS NOT NULL;"
    "INSERT OR IGNORE INTO reactions SELECT o.created_at, e.eid, np_key(o.target_id), t.aid,"
    " o.reaction, e.aid FROM old_reactions o JOIN nostr_events e ON e.id = np_key(o.event_id)"
    " LEFT JOIN pubkeys t ON t.pubkey = np_key(o.target_pubkey)"
    " WHERE np_key(o.target_id) IS NOT NULL;"
    "INSERT OR IGNORE INTO reposts SELECT o.created_at, e.eid, np_key(o.target_id), t.aid,"
    " o.kind, e.aid FROM old_reposts o JOIN nostr_events e ON e.id = np_key(o.event_id)"
    " LEFT JOIN pubkeys t ON t.pubkey = np_key(o.target_pubkey)"
    " WHERE np_key(o.target_id) IS NOT NULL;"
    "INSERT OR IGNORE INTO zaps SELECT coalesce(e.eid, -row_number() OVER (ORDER BY o.receipt_id)),"
    " p.aid, s.aid, r.aid,"
    " np_key(o.event_id), o.address, o.msat, o.sats, o.comment, o.valid, o.problems,"
    " o.created_at FROM old_zaps o JOIN pubkeys p ON p.pubkey = np_key(o.provider)"
    " LEFT JOIN pubkeys s ON s.pubkey = np_key(o.sender)"
    " LEFT JOIN pubkeys r ON r.pubkey = np_key(o.recipient)"
    " LEFT JOIN nostr_events e ON e.id = np_key(o.receipt_id);"
    "INSERT OR IGNORE INTO deletions SELECT e.eid, np_ref(o.target), e.aid, o.created_at,"
    " o.reason FROM old_deletions o JOIN nostr_events e ON e.id = np_key(o.deletion_id);"
    "INSERT OR IGNORE INTO content_metrics SELECT e.eid, e.aid, o.kind, o.created_at,"
    " o.computed_at, o.replies, o.reposts, o.reactions, o.zaps, o.zap_sats, o.engagement,"
    " o.virality, o.quality, o.spam_score FROM old_content_metrics o"
    " JOIN nostr_events e ON e.id = np_key(o.event_id);"
    "INSERT OR IGNORE INTO user_metrics SELECT k.aid, o.computed_at, o.followers, o.following,"
    " o.posts, o.replies_received, o.reactions_received, o.reposts_received, o.zaps_received,"
    " o.zap_sats_received, o.influence, o.quality, o.spam_score FROM old_user_metrics o"
    " JOIN pubkeys k ON k.pubkey = np_key(o.pubkey);"
    "INSERT OR IGNORE INTO user_influence SELECT k.aid, o.computed_at, o.pagerank,"
    " o.engagement, o.rank FROM old_user_influence o"
    " JOIN pubkeys k ON k.pubkey = np_key(o.pubkey);";

int
migrate_is_old(sqlite3 *sql)
{
	sqlite3_stmt *st = NULL;
	int old = 0;

	/* The version and the layout: a version-3 database whose user_version
	 * was set back (by hand) has nothing to upgrade; the schema sets it. */
	if (sqlite3_prepare_v2(sql, "SELECT (SELECT user_version FROM pragma_user_version)"
	    " IN (1, 2) AND (EXISTS (SELECT 1 FROM pragma_table_info('nostr_events')"
	    " WHERE name = 'pubkey') OR EXISTS (SELECT 1 FROM pragma_table_info('hashtags')"
	    " WHERE name = 'event_id'))", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		old = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return old;
}

/* key_of: the bytes that the hex text v spells when it is a key (32 bytes) or
 * a signature (64), into out; returns their number, or 0. */
static size_t
key_of(sqlite3_value *v, uint8_t out[64])
{
	const char *s = (const char *)sqlite3_value_text(v);
	size_t n = (size_t)sqlite3_value_bytes(v);

	if (sqlite3_value_type(v) != SQLITE_TEXT || s == NULL || (n != 64 && n != 128) ||
	    hex_decode(s, out, n / 2) != 0)
		return 0;
	return n / 2;
}

static void
fn_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	uint8_t k[64];
	size_t n = key_of(argv[0], k);

	(void)argc;
	if (n == 0)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_blob(ctx, k, (int)n, SQLITE_TRANSIENT);
}

static void
fn_ref(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	uint8_t k[64];

	(void)argc;
	if (sqlite3_value_bytes(argv[0]) == 64 && key_of(argv[0], k) == 32)
		sqlite3_result_blob(ctx, k, 32, SQLITE_TRANSIENT);
	else
		sqlite3_result_value(ctx, argv[0]);
}

static void
fn_meta_rest(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct buf key = BUF_INIT, out = BUF_INIT;
	const char *s = (const char *)sqlite3_value_text(argv[0]);

	(void)argc;
	if (s != NULL)
		meta_rest(s, (size_t)sqlite3_value_bytes(argv[0]), &key, &out);
	if (out.len == 0)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, out.data, (int)out.len, SQLITE_TRANSIENT);
	buf_free(&key);
	buf_free(&out);
}

/* names: the names of sqlite_schema's objects that sql (one column) selects,
 * each followed by a NUL, into b; returns 0 or -1. */
static int
names(sqlite3 *sql, const char *query, struct buf *b)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(sql, query, -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		buf_puts(b, (const char *)sqlite3_column_text(st, 0));
		buf_putc(b, '\0');
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* drop_all: DROP kind (VIEW, TRIGGER, INDEX) of each name in b. */
static int
drop_all(sqlite3 *sql, const char *kind, const struct buf *b)
{
	char stmt[256];
	size_t i;

	for (i = 0; i < b->len; i += strlen(b->data + i) + 1) {
		snprintf(stmt, sizeof stmt, "DROP %s IF EXISTS \"%s\"", kind, b->data + i);
		if (sqlite3_exec(sql, stmt, NULL, NULL, NULL) != SQLITE_OK)
			return -1;
	}
	return 0;
}

/* set_aside: drops the old views, triggers and indexes (version 3 reuses
 * their names) and renames the changed tables to old_NAME. */
static int
set_aside(sqlite3 *sql)
{
	struct buf b = BUF_INIT;
	char stmt[256];
	size_t i;
	int rc = -1;

	if (names(sql, "SELECT name FROM sqlite_schema WHERE type = 'view'", &b) != 0 ||
	    drop_all(sql, "VIEW", &b) != 0)
		goto out;
	buf_reset(&b);
	if (names(sql, "SELECT name FROM sqlite_schema WHERE type = 'trigger'", &b) != 0 ||
	    drop_all(sql, "TRIGGER", &b) != 0)
		goto out;
	buf_reset(&b);
	/* Every index of a changed table but the automatic ones (sql NULL). */
	if (names(sql, "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"
	    " AND tbl_name IN ('nostr_events', 'replaceable_heads', 'users', 'user_profiles',"
	    " 'follows', 'hashtags', 'mentions', 'refs', 'replies', 'reactions', 'reposts', 'zaps',"
	    " 'deletions', 'content_metrics', 'user_metrics', 'user_influence')", &b) != 0 ||
	    drop_all(sql, "INDEX", &b) != 0)
		goto out;
	for (i = 0; i < NCHANGED; i++) {
		snprintf(stmt, sizeof stmt, "ALTER TABLE %s RENAME TO old_%s", changed[i],
		    changed[i]);
		if (sqlite3_exec(sql, stmt, NULL, NULL, NULL) != SQLITE_OK)
			goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

static int
drop_old(sqlite3 *sql)
{
	char stmt[256];
	size_t i;

	for (i = 0; i < NCHANGED; i++) {
		snprintf(stmt, sizeof stmt, "DROP TABLE old_%s", changed[i]);
		if (sqlite3_exec(sql, stmt, NULL, NULL, NULL) != SQLITE_OK)
			return -1;
	}
	return 0;
}

int
migrate_upgrade(sqlite3 *sql, const char *schema, char *err, size_t errlen)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;

	if (sqlite3_create_function(sql, "np_key", 1, flags, NULL, fn_key, NULL, NULL) !=
	    SQLITE_OK ||
	    sqlite3_create_function(sql, "np_ref", 1, flags, NULL, fn_ref, NULL, NULL) !=
	    SQLITE_OK ||
	    sqlite3_create_function(sql, "np_meta_rest", 1, flags, NULL, fn_meta_rest, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_exec(sql, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (set_aside(sql) != 0 ||
	    sqlite3_exec(sql, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(sql, copy_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    drop_old(sql) != 0 ||
	    sqlite3_exec(sql, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "upgrading to schema version 3: %s", sqlite3_errmsg(sql));
		sqlite3_exec(sql, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
fail:
	snprintf(err, errlen, "upgrading to schema version 3: %s", sqlite3_errmsg(sql));
	return -1;
}

/* The columns added to version 3 since: table, column, declaration, and
 * what fills it in the rows there ("": they keep NULL). */
static const char *const added[][4] = {
	{ "nostr_events", "derived", "INTEGER", "" },
	{ "users", "last_event", "INTEGER", "UPDATE users SET last_event ="
	    " (SELECT max(created_at) FROM nostr_events e WHERE e.aid = users.aid)" },
};
#define NADDED (sizeof added / sizeof added[0])

/* lacks: 1 when table is there without column, 0 when not, -1 on error. */
static int
lacks(sqlite3 *sql, const char *table, const char *column)
{
	sqlite3_stmt *st = NULL;
	int r = -1;

	if (sqlite3_prepare_v2(sql, "SELECT EXISTS (SELECT 1 FROM sqlite_schema"
	    " WHERE type = 'table' AND name = ?1) AND NOT EXISTS (SELECT 1 FROM"
	    " pragma_table_info(?1) WHERE name = ?2)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			r = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	return r;
}

int
migrate_columns_missing(sqlite3 *sql)
{
	size_t i;

	for (i = 0; i < NADDED; i++)
		if (lacks(sql, added[i][0], added[i][1]) != 0)
			return 1;  /* an error too: the schema's run will say it */
	return 0;
}

int
migrate_add_columns(sqlite3 *sql)
{
	char stmt[256];
	size_t i;
	int r;

	for (i = 0; i < NADDED; i++) {
		if ((r = lacks(sql, added[i][0], added[i][1])) < 0)
			return -1;
		if (r == 0)
			continue;
		snprintf(stmt, sizeof stmt, "ALTER TABLE %s ADD COLUMN %s %s", added[i][0],
		    added[i][1], added[i][2]);
		if (sqlite3_exec(sql, stmt, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(sql, added[i][3], NULL, NULL, NULL) != SQLITE_OK)
			return -1;
	}
	return 0;
}
