#include "store/db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "base/buf.h"
#include "base/hex.h"
#include "base/json.h"
#include "base/tally.h"
#include "enrich/meta.h"
#include "nostr/nip09.h"
#include "nostr/kind0.h"
#include "store/derived.h"
#include "store/migrate.h"
#include "store/relayrec.h"
#include "store/summary.h"

enum stmt {
	S_USER, S_DELETED_ID, S_DELETED_ADDR, S_CURRENT, S_HEAD, S_REMOVE, S_EVENT,
	S_HASHTAG, S_MENTION, S_REF, S_REPLY, S_REACTION, S_REPOST, S_ZAP,
	S_FOLLOW, S_FOLLOW_TAKE, S_FOLLOWER_ADD, S_PROFILE, S_DELETION, S_DELETE_ID, S_DELETE_ADDR, S_RELAY,
	S_PUBKEY_FIND, S_PUBKEY_ADD, S_NEXT_EID, S_PRUNED_BEFORE, S_BEGIN, S_COMMIT,
	S_SUM_EVENT, S_SUM_LANG, S_SUM_ZAP, S_SUM_ZAPPED, S_ZERO_EVENT, S_ZERO_LANG, S_ZERO_ZAP,
	S_ZERO_ZAPPED, S_SUM_SENDER, S_SUM_RECIPIENT, S_ZERO_SENDER, S_ZERO_RECIPIENT,
	S_AUTHOR_OTHER, S_SUM_AUTHORS_HOUR, S_SUM_AUTHORS_DAY, S_ZERO_AUTHORS_HOUR,
	S_ZERO_AUTHORS_DAY, S_COUNTED, S_REMOVE_EID, S_SUM_STATE, S_SUM_MARKS, S_COUNT
};

/*
 * Keys are bound as BLOBs (ids, pubkeys of references, signatures) or as the
 * integer surrogates eid and aid (schema.sql's conventions).
 */
static const char *const stmt_sql[S_COUNT] = {
	[S_USER] =
	    "INSERT INTO users(aid, first_seen, last_seen, last_event) VALUES (?1, ?2, ?3, ?4)"
	    " ON CONFLICT(aid) DO UPDATE SET"
	    " first_seen = min(first_seen, excluded.first_seen),"
	    " last_seen = max(last_seen, excluded.last_seen),"
	    /* max() of a NULL is NULL: either side may be. */
	    " last_event = coalesce(max(last_event, excluded.last_event), last_event,"
	    " excluded.last_event)"
	    " WHERE excluded.first_seen < first_seen OR excluded.last_seen > last_seen"
	    " OR excluded.last_event > coalesce(last_event, -1)",
	[S_DELETED_ID] =
	    "SELECT 1 FROM deletions WHERE target = ?1 AND aid = ?2 LIMIT 1",
	[S_DELETED_ADDR] =
	    "SELECT 1 FROM deletions WHERE target = ?1 AND aid = ?2 AND created_at >= ?3"
	    " LIMIT 1",
	[S_CURRENT] =
	    "SELECT event_id, created_at FROM replaceable_heads"
	    " WHERE aid = ?1 AND kind = ?2 AND d_tag = ?3",
	[S_HEAD] =
	    "INSERT OR REPLACE INTO replaceable_heads VALUES (?1, ?2, ?3, ?4, ?5)",
	/* S_REMOVE, S_DELETE_ID, S_DELETE_ADDR: the event that goes (remove_event). */
	[S_REMOVE] = "SELECT eid FROM nostr_events WHERE id = ?1",
	[S_EVENT] =
	    "INSERT OR IGNORE INTO nostr_events(eid, id, aid, created_at, kind, content, tags,"
	    " sig, d_tag, lang, words, pow, client, relay, received_at, meta, derived)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
	/* OR IGNORE: a list that names a value twice gives one row (its key). */
	[S_HASHTAG] =
	    "INSERT OR IGNORE INTO hashtags(eid, hashtag, aid, created_at, kind)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_MENTION] =
	    "INSERT OR IGNORE INTO mentions(eid, mentioned, aid, created_at, kind)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_REF] =
	    "INSERT OR IGNORE INTO refs(eid, ref, aid, created_at, kind)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_REPLY] =
	    "INSERT INTO replies(eid, reply_to, root, aid, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_REACTION] =
	    "INSERT INTO reactions(eid, target_id, target_pubkey, reaction, aid,"
	    " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_REPOST] =
	    "INSERT INTO reposts(eid, target_id, target_pubkey, kind, aid, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_ZAP] =
	    "INSERT OR IGNORE INTO zaps(eid, provider, sender, recipient, event_id,"
	    " address, msat, sats, comment, valid, problems, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	/*
	 * A row of the list this one replaces is taken over (and keeps its
	 * place in follows_followed); a pubkey named twice in one list keeps
	 * its first row.  Only a row inserted counts in follower_totals (the
	 * cleanup trigger's deletions count themselves out): add_follows.
	 */
	[S_FOLLOW] =
	    "INSERT INTO follows(follower, followed, eid, created_at, relay, petname)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (follower, followed) DO NOTHING",
	[S_FOLLOW_TAKE] =
	    "UPDATE follows SET eid = ?3, created_at = ?4, relay = ?5, petname = ?6"
	    " WHERE follower = ?1 AND followed = ?2 AND eid <> ?3",
	[S_FOLLOWER_ADD] =
	    "INSERT INTO follower_totals VALUES (?1, 1)"
	    " ON CONFLICT(aid) DO UPDATE SET followers = followers + 1",
	[S_PROFILE] =
	    "INSERT OR REPLACE INTO user_profiles(aid, eid, created_at, name,"
	    " display_name, about, picture, banner, nip05, lud16, lud06, website, json_ok)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	[S_DELETION] = "INSERT OR IGNORE INTO deletions VALUES (?1, ?2, ?3, ?4, ?5)",
	/* NIP-09: deleting a deletion has no effect; only the author can delete. */
	[S_DELETE_ID] = "SELECT eid FROM nostr_events WHERE id = ?1 AND aid = ?2 AND kind != 5",
	[S_DELETE_ADDR] =
	    "SELECT eid FROM nostr_events WHERE aid = ?1 AND kind = ?2 AND d_tag = ?3"
	    " AND created_at <= ?4",
	[S_RELAY] =
	    "INSERT OR IGNORE INTO relay_metrics(relay, time, state, connect_ms, eose_ms,"
	    " events, duplicates, invalid, reconnects, notices, notice, error, nip11, record)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[S_PUBKEY_FIND] = "SELECT aid FROM pubkeys WHERE pubkey = ?1",
	[S_PUBKEY_ADD] = "INSERT INTO pubkeys(pubkey) VALUES (?1)",
	/*
	 * The eid of the next stored event, as a rowid would be (so the eid of
	 * an event removed from the end may be given again by a later batch:
	 * its rows went with it).  Not AUTOINCREMENT: SQLite counts an
	 * insert that OR IGNORE drops, so loading a stream twice would change
	 * the database.
	 */
	[S_NEXT_EID] = "SELECT coalesce(max(eid), 0) + 1 FROM nostr_events",
	[S_PRUNED_BEFORE] = "SELECT coalesce(max(pruned_before), 0) FROM retention",
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	/*
	 * The summaries (schema.sql): one event's counts added (?3 etc. 1) or
	 * taken back out (-1).  S_COUNTED reads back what an event that goes
	 * had counted; S_REMOVE_EID removes it (the cleanup trigger its rows);
	 * S_SUM_STATE records, at each commit, that all rows are counted.
	 */
	[S_SUM_EVENT] =
	    "INSERT INTO events_hourly(hour, kind, events) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT(hour, kind) DO UPDATE SET events = events + excluded.events",
	[S_SUM_LANG] =
	    "INSERT INTO languages_hourly(hour, lang, events) VALUES (?1, coalesce(?2, 'und'), ?3)"
	    " ON CONFLICT(hour, lang) DO UPDATE SET events = events + excluded.events",
	[S_SUM_ZAP] =
	    "INSERT INTO zaps_hourly(hour, valid, bucket, zaps, sats) VALUES (?1, ?2, ?3, ?4, ?5)"
	    " ON CONFLICT(hour, valid, bucket) DO UPDATE"
	    " SET zaps = zaps + excluded.zaps, sats = sats + excluded.sats",
	[S_SUM_ZAPPED] =
	    "INSERT INTO event_zap_totals(event_id, zaps, sats) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT(event_id) DO UPDATE"
	    " SET zaps = zaps + excluded.zaps, sats = sats + excluded.sats",
	/* A row taken back to 0 goes (the summaries hold what a fill would). */
	[S_ZERO_EVENT] = "DELETE FROM events_hourly WHERE hour = ?1 AND kind = ?2 AND events = 0",
	[S_ZERO_LANG] =
	    "DELETE FROM languages_hourly WHERE hour = ?1 AND lang = coalesce(?2, 'und')"
	    " AND events = 0",
	[S_ZERO_ZAP] =
	    "DELETE FROM zaps_hourly WHERE hour = ?1 AND valid = ?2 AND bucket = ?3 AND zaps = 0",
	[S_ZERO_ZAPPED] = "DELETE FROM event_zap_totals WHERE event_id = ?1 AND zaps = 0",
	[S_SUM_SENDER] =
	    "INSERT INTO zap_sender_totals(aid, zaps, sats) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT(aid) DO UPDATE SET zaps = zaps + excluded.zaps, sats = sats + excluded.sats",
	[S_SUM_RECIPIENT] =
	    "INSERT INTO zap_recipient_totals(aid, zaps, sats) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT(aid) DO UPDATE SET zaps = zaps + excluded.zaps, sats = sats + excluded.sats",
	[S_ZERO_SENDER] = "DELETE FROM zap_sender_totals WHERE aid = ?1 AND zaps = 0",
	[S_ZERO_RECIPIENT] = "DELETE FROM zap_recipient_totals WHERE aid = ?1 AND zaps = 0",
	/* Whether the author ?1 has a stored event other than ?4 in [?2, ?3). */
	[S_AUTHOR_OTHER] =
	    "SELECT 1 FROM nostr_events INDEXED BY nostr_events_author WHERE aid = ?1"
	    " AND created_at >= ?2 AND created_at < ?3 AND eid <> ?4 LIMIT 1",
	[S_SUM_AUTHORS_HOUR] =
	    "INSERT INTO authors_hourly(hour, authors) VALUES (?1, ?2)"
	    " ON CONFLICT(hour) DO UPDATE SET authors = authors + excluded.authors",
	[S_SUM_AUTHORS_DAY] =
	    "INSERT INTO authors_daily(day, authors) VALUES (?1, ?2)"
	    " ON CONFLICT(day) DO UPDATE SET authors = authors + excluded.authors",
	[S_ZERO_AUTHORS_HOUR] = "DELETE FROM authors_hourly WHERE hour = ?1 AND authors = 0",
	[S_ZERO_AUTHORS_DAY] = "DELETE FROM authors_daily WHERE day = ?1 AND authors = 0",
	[S_COUNTED] =
	    "SELECT e.created_at, e.kind, e.lang, z.eid, z.valid, z.sats, z.event_id,"
	    " z.sender, z.recipient, e.aid"
	    " FROM nostr_events e LEFT JOIN zaps z ON z.eid = e.eid WHERE e.eid = ?1",
	[S_REMOVE_EID] = "DELETE FROM nostr_events WHERE eid = ?1",
	[S_SUM_STATE] = SUMMARY_STATE_SQL,
	[S_SUM_MARKS] = SUMMARY_MARKS_SQL,
};

struct db {
	sqlite3 *sql;
	sqlite3_stmt *stmt[S_COUNT];
	struct db_stats stats;
	struct buf tags;                 /* tags as JSON */
	struct buf key;
	struct buf meta;                 /* what is left of the meta (meta_rest) */
	struct kind0_profile profile;    /* the kind-0 content in hand */
	struct relay_rec rec;            /* the relay-status record in hand */
	char pubkey[65];                 /* hex of the event in hand's author */
	int64_t aid, eid;                /* its author's and (once stored) its surrogate */
	int64_t next_eid;                /* the eid the next stored event gets */
	int64_t pruned_before;           /* retention's cutoff (db_begin reads it), or 0 */
	int in_transaction;
	/*
	 * Work saved per event, in fixed memory: a direct-mapped cache of pubkeys
	 * with the time range their users row covers, or will once written, and
	 * the newest of their events this batch stored (its last_event):
	 * widening it marks it pending, and pending entries are written when
	 * evicted and before each commit, so an author's row is upserted once
	 * per batch, not once per event (time-ordered input widens it with
	 * every event); a direct-mapped cache of pubkeys' aids (authors and
	 * the pubkeys events name come back often); and a Bloom filter of
	 * deletion targets (no lookup for the events no deletion can name).  All
	 * only ever skip or merge work, so the database is the same with or
	 * without them.
	 */
	struct user_seen {
		uint8_t pubkey[32];
		int64_t aid;
		int64_t first, last;
		int64_t stored;          /* INT64_MIN: none since the row was written */
		int used, pending, listed;
	} *users_seen, *author;      /* author: the event in hand's entry */
	uint32_t *users_pending;         /* slots with listed set (once each) */
	size_t npending;
	struct aid_seen {
		uint8_t pubkey[32];
		int64_t aid;                 /* 0: the slot is empty */
	} *aids;
	uint64_t *deleted_bloom;
	/*
	 * The summaries' deltas of the batch in hand, keyed by the S_SUM_
	 * statement that writes them and that statement's key: written once a
	 * key by flush_sums before the commit (sum_add), not a statement per
	 * delta (200k events: 0.93 of the time).
	 */
	struct tally sums;
};

#define USERS_SEEN 65536              /* entries (about 3.5 MiB) */
#define AIDS_SEEN (1u << 18)          /* entries (10 MiB) */
#define BLOOM_BITS (1u << 23)         /* 1 MiB: under 1% false hits at 800k targets */

/* bloom_hashes: three bit positions for a deletion target (id bytes or address). */
static void
bloom_hashes(const void *p, size_t len, uint32_t h[3])
{
	const unsigned char *s = p;
	uint64_t a = 14695981039346656037ull, b;
	size_t i;

	for (i = 0; i < len; i++)
		a = (a ^ s[i]) * 1099511628211ull;
	b = (a >> 33) | 1;
	for (i = 0; i < 3; i++)
		h[i] = (uint32_t)((a + i * b) % BLOOM_BITS);
}

static void
bloom_add(struct db *db, const void *s, size_t len)
{
	uint32_t h[3];
	int i;

	bloom_hashes(s, len, h);
	for (i = 0; i < 3; i++)
		db->deleted_bloom[h[i] / 64] |= 1ull << (h[i] % 64);
}

static int
bloom_may_hold(const struct db *db, const void *s, size_t len)
{
	uint32_t h[3];
	int i;

	bloom_hashes(s, len, h);
	for (i = 0; i < 3; i++)
		if (!(db->deleted_bloom[h[i] / 64] & (1ull << (h[i] % 64))))
			return 0;
	return 1;
}

const char *
db_errmsg(struct db *db)
{
	return sqlite3_errmsg(db->sql);
}

const struct db_stats *
db_get_stats(const struct db *db)
{
	return &db->stats;
}

void
db_close(struct db *db)
{
	size_t i;

	if (db == NULL)
		return;
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(db->stmt[i]);
	if (db->in_transaction)
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db->sql);
	buf_free(&db->tags);
	buf_free(&db->key);
	buf_free(&db->meta);
	kind0_profile_free(&db->profile);
	relay_rec_free(&db->rec);
	free(db->users_seen);
	free(db->users_pending);
	free(db->aids);
	free(db->deleted_bloom);
	tally_free(&db->sums);
	free(db);
}

/* The characters of an SQL name as the schema writes them. */
static const char name_chars[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

/*
 * schema_name: the next name np_schema_sql writes after marker, from *pp on,
 * in *name and *len (*pp moves past it); 0 when there is none.
 */
static int
schema_name(const char **pp, const char *marker, const char **name, size_t *len)
{
	const char *p = *pp;

	while ((p = strstr(p, marker)) != NULL) {
		p += strlen(marker);
		/* A name follows in a statement; a comment may say "(IF NOT EXISTS)". */
		if (*p != ' ' && *p != '\t' && *p != '\n')
			continue;
		p += strspn(p, " \t\n");
		if ((*len = strspn(p, name_chars)) == 0)
			continue;
		*name = p;
		*pp = p + *len;
		return 1;
	}
	return 0;
}

/* schema_creates: whether np_schema_sql creates the object name[0..len). */
static int
schema_creates(const char *name, size_t len)
{
	const char *p = np_schema_sql, *n;
	size_t l;

	while (schema_name(&p, "IF NOT EXISTS", &n, &l))
		if (l == len && memcmp(n, name, len) == 0)
			return 1;
	return 0;
}

/*
 * schema_is_current: whether every object np_schema_sql creates (the name
 * after each IF NOT EXISTS) is in the database, none it drops for good (DROP
 * INDEX IF EXISTS, DROP TRIGGER IF EXISTS of a name it does not create
 * again) is, and user_version is the one it sets.  Then running it would
 * change nothing but rewrite the header, a write transaction with its fsyncs
 * and its wait for the write lock, which a report that runs every few seconds
 * should not pay.  Only reads.
 */
static int
schema_is_current(sqlite3 *sql)
{
	static const char *const markers[] = { "IF NOT EXISTS", "DROP INDEX IF EXISTS",
		"DROP TRIGGER IF EXISTS" };
	const char *p, *v, *name;
	sqlite3_stmt *st = NULL;
	long version = 0;
	size_t len;
	int current = 1, m;

	if ((v = strstr(np_schema_sql, "PRAGMA user_version = ")) != NULL)
		version = strtol(v + strlen("PRAGMA user_version = "), NULL, 10);
	if (sqlite3_prepare_v2(sql, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int64(st, 0) != version)
		current = 0;
	sqlite3_finalize(st);
	st = NULL;
	if (!current || sqlite3_prepare_v2(sql,
	    "SELECT 1 FROM sqlite_schema WHERE name = ?1", -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return 0;
	}
	/* What the schema creates must be there, what it drops must not. */
	for (m = 0; current && m < (int)(sizeof markers / sizeof markers[0]); m++) {
		p = np_schema_sql;
		while (current && schema_name(&p, markers[m], &name, &len)) {
			if (m > 0 && schema_creates(name, len))
				continue;  /* dropped to be made anew */
			sqlite3_bind_text(st, 1, name, (int)len, SQLITE_STATIC);
			if ((sqlite3_step(st) == SQLITE_ROW) != (m == 0))
				current = 0;
			sqlite3_reset(st);
		}
	}
	sqlite3_finalize(st);
	return current;
}

sqlite3 *
db_open_sqlite(const char *path, const struct db_options *opt, char *err, size_t errlen)
{
	sqlite3 *sql = NULL;
	char pragma[128];
	int busy = opt && opt->busy_timeout_ms > 0 ? opt->busy_timeout_ms : 10000;
	int cache = opt && opt->cache_mb > 0 ? opt->cache_mb : DB_CACHE_MB_DEFAULT;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	struct stat st;

	/*
	 * A connection is used by one thread, so SQLite's mutexes and its memory
	 * statistics (a mutex per allocation) only cost: 6% of nostr-load's CPU.
	 * The statistics are a process setting that takes effect only before
	 * SQLite's first use; later calls fail harmlessly.
	 */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (opt == NULL || !opt->must_exist)
		flags |= SQLITE_OPEN_CREATE;
	else if (strcmp(path, ":memory:") != 0 && stat(path, &st) != 0 && errno == ENOENT) {
		snprintf(err, errlen, "%s", DB_NO_SUCH_DATABASE);
		return NULL;
	}
	if (sqlite3_open_v2(path, &sql, flags, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(sql, busy);
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d", cache * 1024);
	/*
	 * WAL: readers (sqlite3, nostr-report) and this writer do not block each
	 * other.  synchronous=NORMAL is safe against crashes in WAL mode: a commit
	 * may be lost on power failure, the database never corrupted.  A larger
	 * autocheckpoint keeps bulk loads from checkpointing every 4 MB: at a
	 * million events a batch dirties ~100 MB of index pages (random keys), so
	 * 400 MB between checkpoints lets a page rewritten by several batches
	 * reach the database once (100k events into a 1M db: 11.3 s -> 7.8 s,
	 * with the 512 MB cache and 50000-event batches).
	 */
	/* 8 KiB pages: measured 15% faster loads than 4 KiB (no effect once created). */
	if (sqlite3_exec(sql, "PRAGMA page_size = 8192", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(sql, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(sql, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(sql, "PRAGMA wal_autocheckpoint = 50000", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(sql, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(sql, pragma, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (schema_is_current(sql) && !migrate_columns_missing(sql))
		goto summaries;
	/* Versions 1 and 2 (hex keys) are upgraded in place, the schema with them. */
	if (migrate_is_old(sql)) {
		if (migrate_upgrade(sql, np_schema_sql, err, errlen) != 0) {
			sqlite3_close(sql);
			return NULL;
		}
		goto summaries;
	}
	/* The schema is all IF NOT EXISTS: complete after this, whatever was there. */
	if (sqlite3_exec(sql, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (migrate_add_columns(sql) != 0 ||
	    sqlite3_exec(sql, np_schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "schema: %s", sqlite3_errmsg(sql));
		sqlite3_exec(sql, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(sql);
		return NULL;
	}
	if (sqlite3_exec(sql, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
summaries:
	/* Rows the summaries have not counted (an upgrade's, a database from
	 * before them, or written by other means) are counted now. */
	if (summary_refresh(sql) != 0)
		goto fail;
	return sql;
fail:
	snprintf(err, errlen, "%s", sql ? sqlite3_errmsg(sql) : "cannot open");
	sqlite3_close(sql);
	return NULL;
}

int
db_reserve_page_cache(int cache_mb)
{
	int hdr = 0;
	size_t slot, n;
	void *region;

	if (cache_mb <= 0 || sqlite3_config(SQLITE_CONFIG_PCACHE_HDRSZ, &hdr) != SQLITE_OK)
		return -1;
	slot = 8192 + (size_t)hdr;
	n = (size_t)cache_mb * 1024 * 1024 / slot;
	if (n == 0 || n > INT_MAX)
		return -1;
	/*
	 * Untouched pages of the region take no memory, but SQLite's setup
	 * writes its free-list link into every slot, so one page of each is
	 * touched at once: 265 MB of RSS and 0.1 s at the default 512 MB before
	 * the first event (10 events: 0.11 s in all).  The rest of each slot
	 * fills as the cache does.
	 */
	region = mmap(NULL, slot * n, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (region == MAP_FAILED)
		return -1;
	if (sqlite3_config(SQLITE_CONFIG_PAGECACHE, region, (int)slot, (int)n) != SQLITE_OK) {
		munmap(region, slot * n);
		return -1;
	}
	return 0;
}

struct db *
db_open(const char *path, const struct db_options *opt, char *err, size_t errlen)
{
	struct db *db = xcalloc(1, sizeof *db);
	char msg[768];
	sqlite3_stmt *targets = NULL;
	size_t i;
	int rc;

	if ((db->sql = db_open_sqlite(path, opt, msg, sizeof msg)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, msg);
		db_close(db);
		return NULL;
	}
	for (i = 0; i < S_COUNT; i++)
		if (sqlite3_prepare_v3(db->sql, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		    &db->stmt[i], NULL) != SQLITE_OK)
			goto fail;
	db->users_seen = xcalloc(USERS_SEEN, sizeof *db->users_seen);
	db->users_pending = xcalloc(USERS_SEEN, sizeof *db->users_pending);
	db->aids = xcalloc(AIDS_SEEN, sizeof *db->aids);
	db->deleted_bloom = xcalloc(BLOOM_BITS / 64, sizeof *db->deleted_bloom);
	if (sqlite3_prepare_v2(db->sql, "SELECT target FROM deletions", -1, &targets,
	    NULL) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(targets)) == SQLITE_ROW)
		bloom_add(db, sqlite3_column_blob(targets, 0),
		    (size_t)sqlite3_column_bytes(targets, 0));
	sqlite3_finalize(targets);
	if (rc != SQLITE_DONE)
		goto fail;
	return db;
fail:
	snprintf(err, errlen, "%s: %s", path, db->sql ? sqlite3_errmsg(db->sql) :
	    "cannot open");
	db_close(db);
	return NULL;
}

/* step: runs a statement to completion; SQLITE_ROW counts as success for 1-row
 * queries, whose caller reads the row before reset. */
static int
run(struct db *db, enum stmt s)
{
	int rc = sqlite3_step(db->stmt[s]);

	sqlite3_reset(db->stmt[s]);
	sqlite3_clear_bindings(db->stmt[s]);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static int flush_users(struct db *db);
static int flush_sums(struct db *db);

int
db_begin(struct db *db)
{
	sqlite3_stmt *st = db->stmt[S_NEXT_EID];

	if (run(db, S_BEGIN) < 0)
		return -1;
	db->in_transaction = 1;
	tally_clear(&db->sums);  /* what a batch that failed gathered */
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return -1;
	}
	db->next_eid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	/* Read each time: a prune beside this loader may have moved it. */
	st = db->stmt[S_PRUNED_BEFORE];
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return -1;
	}
	db->pruned_before = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int
db_commit(struct db *db)
{
	if (flush_users(db) < 0 || flush_sums(db) < 0 || run(db, S_SUM_STATE) < 0 ||
	    run(db, S_SUM_MARKS) < 0 ||
	    run(db, S_COMMIT) < 0)
		return -1;
	db->in_transaction = 0;
	return 0;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s, size_t len)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text64(st, i, s, len, SQLITE_STATIC, SQLITE_UTF8);
}

static void
bind_str(sqlite3_stmt *st, int i, const char *s)
{
	bind_text(st, i, s, s ? strlen(s) : 0);
}

static void
bind_blob(sqlite3_stmt *st, int i, const void *p, size_t len)
{
	sqlite3_bind_blob64(st, i, p, len, SQLITE_STATIC);
}

/* bind_hex_key: binds the 64 hex digits at hex as the 32-byte BLOB they spell. */
static void
bind_hex_key(sqlite3_stmt *st, int i, const char *hex)
{
	uint8_t k[32];

	if (hex_decode(hex, k, 32) != 0) {
		sqlite3_bind_null(st, i);  /* not a key: enrich gives only keys */
		return;
	}
	sqlite3_bind_blob64(st, i, k, 32, SQLITE_TRANSIENT);
}

/*
 * pubkey_aid: the aid of the 32-byte pubkey in *aid, its pubkeys row made
 * when it has none.  Returns 0 or -1.
 */
static int
pubkey_aid(struct db *db, const uint8_t pubkey[32], int64_t *aid)
{
	sqlite3_stmt *st = db->stmt[S_PUBKEY_FIND];
	struct aid_seen *a;
	uint32_t slot;
	int rc;

	memcpy(&slot, pubkey + 4, sizeof slot);  /* pubkeys are uniformly random */
	a = &db->aids[slot % AIDS_SEEN];
	if (a->aid != 0 && memcmp(a->pubkey, pubkey, 32) == 0) {
		*aid = a->aid;
		return 0;
	}
	bind_blob(st, 1, pubkey, 32);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*aid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE) {
		bind_blob(db->stmt[S_PUBKEY_ADD], 1, pubkey, 32);
		if (run(db, S_PUBKEY_ADD) < 0)
			return -1;
		*aid = sqlite3_last_insert_rowid(db->sql);
	} else if (rc != SQLITE_ROW) {
		return -1;
	}
	memcpy(a->pubkey, pubkey, 32);
	a->aid = *aid;
	return 0;
}

/* hex_aid: pubkey_aid of a pubkey given as 64 hex digits; 1 when it is not one. */
static int
hex_aid(struct db *db, const char *hex, int64_t *aid)
{
	uint8_t k[32];

	if (hex_decode(hex, k, 32) != 0)
		return 1;
	return pubkey_aid(db, k, aid);
}

/* write_user: upserts a cache entry's range into its users row. */
static int
write_user(struct db *db, struct user_seen *u)
{
	sqlite3_stmt *st = db->stmt[S_USER];

	sqlite3_bind_int64(st, 1, u->aid);
	sqlite3_bind_int64(st, 2, u->first);
	sqlite3_bind_int64(st, 3, u->last);
	if (u->stored != INT64_MIN)
		sqlite3_bind_int64(st, 4, u->stored);
	return run(db, S_USER);
}

/* flush_users: writes every pending users range (before a commit). */
static int
flush_users(struct db *db)
{
	struct user_seen *u;
	size_t i;

	for (i = 0; i < db->npending; i++) {
		u = &db->users_seen[db->users_pending[i]];
		if (u->pending && write_user(db, u) < 0)
			return -1;
		u->pending = u->listed = 0;
	}
	db->npending = 0;
	return 0;
}

/* exists: 1 when the query (bound by the caller) returns a row, 0, or -1. */
static int
exists(struct db *db, enum stmt s)
{
	int rc = sqlite3_step(db->stmt[s]);

	sqlite3_reset(db->stmt[s]);
	sqlite3_clear_bindings(db->stmt[s]);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

/* is_deleted: whether a deletion already names this event or its address. */
static int
is_deleted(struct db *db, const struct event *ev, const struct event_str *d,
    struct buf *addr)
{
	sqlite3_stmt *st = db->stmt[S_DELETED_ID];
	int r;

	if (d != NULL) {
		buf_reset(addr);
		buf_printf(addr, "%u:%s:", (unsigned)ev->kind, db->pubkey);
		buf_append(addr, d->s, d->len);
	}
	if (!bloom_may_hold(db, ev->id, 32) &&
	    (d == NULL || !bloom_may_hold(db, addr->data, addr->len)))
		return 0;
	bind_blob(st, 1, ev->id, 32);
	sqlite3_bind_int64(st, 2, db->aid);
	if ((r = exists(db, S_DELETED_ID)) != 0 || d == NULL)
		return r;
	st = db->stmt[S_DELETED_ADDR];
	bind_text(st, 1, addr->data, addr->len);
	sqlite3_bind_int64(st, 2, db->aid);
	sqlite3_bind_int64(st, 3, ev->created_at);
	return exists(db, S_DELETED_ADDR);
}

/*
 * replaceable_check: for a replaceable or addressable event, 1 when the
 * newest version seen so far wins over ev (or is ev), 0 when ev is the new
 * head, -1 on error.  The head is remembered even when it is deleted or
 * refused, so that the outcome does not depend on the order in which
 * versions and deletions arrive.  The id of the head ev replaces is left in
 * old_id and *has_old set (0 when there was none), for remove_replaced.
 */
static int
replaceable_check(struct db *db, const struct event *ev, const struct event_str *d,
    uint8_t old_id[32], int *has_old)
{
	sqlite3_stmt *st = db->stmt[S_CURRENT];
	int64_t old_at = 0;
	int rc, cmp;

	*has_old = 0;
	sqlite3_bind_int64(st, 1, db->aid);
	sqlite3_bind_int64(st, 2, ev->kind);
	bind_text(st, 3, d->s, d->len);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
		memcpy(old_id, sqlite3_column_blob(st, 0), 32);
		old_at = sqlite3_column_int64(st, 1);
		*has_old = 1;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (*has_old) {
		/* Bytes compare as their hex does. */
		cmp = memcmp(old_id, ev->id, 32);
		if (cmp == 0) {
			db->stats.duplicates++;
			return 1;
		}
		/* NIP-01: the newest wins; on a tie, the lowest id. */
		if (old_at > ev->created_at || (old_at == ev->created_at && cmp < 0)) {
			db->stats.superseded++;
			return 1;
		}
	}
	st = db->stmt[S_HEAD];
	sqlite3_bind_int64(st, 1, db->aid);
	sqlite3_bind_int64(st, 2, ev->kind);
	bind_text(st, 3, d->s, d->len);
	bind_blob(st, 4, ev->id, 32);
	sqlite3_bind_int64(st, 5, ev->created_at);
	return run(db, S_HEAD) < 0 ? -1 : 0;
}

/* The statement that removes a summary row taken back to 0, for each S_SUM_. */
static enum stmt
sum_zero(enum stmt sum)
{
	switch (sum) {
	case S_SUM_EVENT: return S_ZERO_EVENT;
	case S_SUM_LANG: return S_ZERO_LANG;
	case S_SUM_ZAP: return S_ZERO_ZAP;
	case S_SUM_ZAPPED: return S_ZERO_ZAPPED;
	case S_SUM_SENDER: return S_ZERO_SENDER;
	case S_SUM_RECIPIENT: return S_ZERO_RECIPIENT;
	case S_SUM_AUTHORS_HOUR: return S_ZERO_AUTHORS_HOUR;
	default: return S_ZERO_AUTHORS_DAY;
	}
}

/*
 * sum_write: adds d0 (and d1) to one summary row through its S_SUM_
 * statement s, then removes the row if that took it to 0.  The row's key is
 * bound first: the integers n (as many as s has: S_SUM_EVENT the hour and
 * kind, S_SUM_ZAP the hour, validity and bucket, the others one), or for
 * S_SUM_LANG the hour and the len bytes at p (the language), for
 * S_SUM_ZAPPED those bytes alone (the id); then the deltas.
 */
static int
sum_write(struct db *db, enum stmt s, const int64_t n[3], const void *p, size_t len,
    int64_t d0, int64_t d1)
{
	enum stmt z = sum_zero(s);
	int nkey = s == S_SUM_EVENT || s == S_SUM_LANG ? 2 : s == S_SUM_ZAP ? 3 : 1;
	int two = s == S_SUM_ZAP || s == S_SUM_ZAPPED || s == S_SUM_SENDER ||
	    s == S_SUM_RECIPIENT;
	enum stmt pass[2] = { s, z };
	sqlite3_stmt *st;
	int i, k;

	if (d0 == 0 && d1 == 0)
		return 0;
	/* Rows hold true sums, so only a net decrease can reach 0. */
	for (k = 0; k < (d0 < 0 ? 2 : 1); k++) {
		st = db->stmt[pass[k]];
		if (s == S_SUM_ZAPPED) {
			bind_blob(st, 1, p, len);
		} else if (s == S_SUM_LANG) {
			sqlite3_bind_int64(st, 1, n[0]);
			bind_text(st, 2, p, len);
		} else {
			for (i = 0; i < nkey; i++)
				sqlite3_bind_int64(st, i + 1, n[i]);
		}
		if (k == 0) {
			sqlite3_bind_int64(st, nkey + 1, d0);
			if (two)
				sqlite3_bind_int64(st, nkey + 2, d1);
		}
		if (run(db, pass[k]) < 0)
			return -1;
	}
	return 0;
}

/*
 * sum_add: adds d0 (and d1) to a summary row, the one statement s writes
 * with key a, b, c (as sum_write's n) and the len bytes at p: gathered in
 * db->sums until the commit, or written at once when the bytes are too many
 * for a key.  A zapped id is 32 bytes and a language nostr-enrich gives at
 * most 15, so only the removal of a row written by other means, with a
 * longer lang, is written at once.
 */
static int
sum_add(struct db *db, enum stmt s, int64_t a, int64_t b, int64_t c, const void *p,
    size_t len, int64_t d0, int64_t d1)
{
	struct tally_key k;
	const int64_t n[3] = { a, b, c };

	if (tally_key(&k, (int)s, a, b, c, p, len) < 0)
		return sum_write(db, s, n, p, len, d0, d1);
	tally_add(&db->sums, &k, d0, d1);
	return 0;
}

/* flush_sums: writes the summaries' gathered deltas (before a commit). */
static int
flush_sums(struct db *db)
{
	const struct tally_entry *e;
	size_t pos = 0;

	while ((e = tally_next(&db->sums, &pos)) != NULL)
		if (sum_write(db, (enum stmt)e->key.tag, e->key.n, e->key.b, e->key.len,
		    e->sum[0], e->sum[1]) < 0)
			return -1;
	tally_clear(&db->sums);
	return 0;
}

/*
 * count_event: adds sign (1 or -1) events of kind at created_at, in lang
 * (NULL: none), to the summaries (schema.sql).
 */
static int
count_event(struct db *db, int64_t created_at, int64_t kind, const char *lang,
    size_t lang_len, int sign)
{
	int64_t hour = summary_hour(created_at);

	if (sum_add(db, S_SUM_EVENT, hour, kind, 0, NULL, 0, sign, 0) < 0)
		return -1;
	if (!summary_is_content_kind(kind))
		return 0;
	/* The statement's coalesce(?2, 'und'): a NULL is that row. */
	if (lang == NULL) {
		lang = "und";
		lang_len = 3;
	}
	return sum_add(db, S_SUM_LANG, hour, 0, 0, lang, lang_len, sign, 0);
}

/* author_alone: 1 when aid has no stored event but eid in [start, start + len). */
static int
author_alone(struct db *db, int64_t aid, int64_t eid, int64_t start, int64_t len)
{
	sqlite3_stmt *st = db->stmt[S_AUTHOR_OTHER];
	int rc;

	sqlite3_bind_int64(st, 1, aid);
	sqlite3_bind_int64(st, 2, start);
	sqlite3_bind_int64(st, 3, start + len);
	sqlite3_bind_int64(st, 4, eid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 1 : rc == SQLITE_ROW ? 0 : -1;
}

/* count_period: adds sign authors to one period's row (stmt sum). */
static int
count_period(struct db *db, enum stmt sum, int64_t start, int sign)
{
	return sum_add(db, sum, start, 0, 0, NULL, 0, sign, 0);
}

/*
 * count_author: counts (sign 1) or takes back out (-1) author aid in the
 * distinct authors of created_at's UTC hour and day, as event eid is the
 * first of theirs stored there or the last to go (the caller stores it
 * just before, or removes it just after).  An author alone in the day is
 * alone in the hour too.
 */
static int
count_author(struct db *db, int64_t aid, int64_t eid, int64_t created_at, int sign)
{
	int64_t hour = summary_hour(created_at), day = created_at - created_at % 86400;
	int alone = author_alone(db, aid, eid, day, 86400);

	if (alone < 0)
		return -1;
	if (alone && count_period(db, S_SUM_AUTHORS_DAY, day, sign) < 0)
		return -1;
	if (!alone && (alone = author_alone(db, aid, eid, hour, 3600)) < 0)
		return -1;
	if (!alone)
		return 0;
	return count_period(db, S_SUM_AUTHORS_HOUR, hour, sign);
}

/* A zap receipt as the summaries count it (0: no sender, no recipient). */
struct zap_count {
	int64_t created_at;
	int valid, has_sats;
	int64_t sats;
	const void *event_id;         /* NULL: none */
	int64_t sender, recipient;    /* aids, or 0 */
};

/* count_party: adds sign valid zaps of sats to party's row through s (none for 0). */
static int
count_party(struct db *db, enum stmt s, int64_t party, int64_t sats, int sign)
{
	if (party == 0)
		return 0;
	return sum_add(db, s, party, 0, 0, NULL, 0, sign, sign * sats);
}

/* count_zap: adds sign (1 or -1) zap receipts z to the summaries. */
static int
count_zap(struct db *db, const struct zap_count *z, int sign)
{
	int64_t s = z->has_sats ? z->sats : 0, hour = summary_hour(z->created_at);
	int64_t bucket = summary_zap_bucket(z->has_sats, z->sats);

	if (sum_add(db, S_SUM_ZAP, hour, z->valid, bucket, NULL, 0, sign, sign * s) < 0)
		return -1;
	if (!z->valid)
		return 0;
	if (count_party(db, S_SUM_SENDER, z->sender, s, sign) < 0 ||
	    count_party(db, S_SUM_RECIPIENT, z->recipient, s, sign) < 0)
		return -1;
	if (z->event_id == NULL)
		return 0;
	return sum_add(db, S_SUM_ZAPPED, 0, 0, 0, z->event_id, 32, sign, sign * s);
}

/*
 * uncount: takes the stored event eid back out of the summaries: what
 * count_event and count_zap added when it was stored, read from its rows.
 */
static int
uncount(struct db *db, int64_t eid)
{
	sqlite3_stmt *st = db->stmt[S_COUNTED];
	int64_t created_at, kind, aid;
	uint8_t target[32];
	struct zap_count z = { 0 };
	int rc, has_zap;
	char lang[64];
	size_t lang_len;
	const char *l;

	sqlite3_bind_int64(st, 1, eid);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	created_at = sqlite3_column_int64(st, 0);
	kind = sqlite3_column_int64(st, 1);
	l = (const char *)sqlite3_column_text(st, 2);
	lang_len = (size_t)sqlite3_column_bytes(st, 2);
	if (l != NULL && lang_len < sizeof lang)
		memcpy(lang, l, lang_len);
	else
		l = NULL;  /* a lang of ours is a short code; none longer is stored */
	has_zap = sqlite3_column_type(st, 3) != SQLITE_NULL;
	z.created_at = created_at;
	z.valid = sqlite3_column_int(st, 4);
	z.has_sats = sqlite3_column_type(st, 5) != SQLITE_NULL;
	z.sats = sqlite3_column_int64(st, 5);
	if (sqlite3_column_bytes(st, 6) == 32) {
		memcpy(target, sqlite3_column_blob(st, 6), 32);
		z.event_id = target;
	}
	z.sender = sqlite3_column_int64(st, 7);      /* NULL reads as 0: none */
	z.recipient = sqlite3_column_int64(st, 8);
	aid = sqlite3_column_int64(st, 9);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (count_event(db, created_at, kind, l != NULL ? lang : NULL, lang_len, -1) < 0 ||
	    count_author(db, aid, eid, created_at, -1) < 0)
		return -1;
	if (has_zap && count_zap(db, &z, -1) < 0)
		return -1;
	return 0;
}

/*
 * remove_event: removes the event that find (bound by the caller) names,
 * if one is stored: out of the summaries first, then the row (and, by the
 * cleanup trigger, its derived rows).  Returns 1 when one went, 0 when none
 * was stored, -1 on error.
 */
static int
remove_event(struct db *db, enum stmt find)
{
	sqlite3_stmt *st = db->stmt[find];
	int64_t eid;
	int rc = sqlite3_step(st);

	eid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : -1;
	if (uncount(db, eid) < 0)
		return -1;
	/*
	 * What goes is the author's own (a version it replaced, or one its
	 * deletion names), and the cleanup trigger may take its last_event back
	 * to the newest still there: the row is written first, so that it sees
	 * what this batch stored, and the entry knows none stored since.
	 */
	if (db->author->pending && write_user(db, db->author) < 0)
		return -1;
	db->author->pending = 0;
	db->author->stored = INT64_MIN;
	sqlite3_bind_int64(db->stmt[S_REMOVE_EID], 1, eid);
	return run(db, S_REMOVE_EID) < 0 ? -1 : 1;
}

/* remove_replaced: removes the stored version old_id (if any) that ev replaced. */
static int
remove_replaced(struct db *db, const uint8_t old_id[32], int has_old)
{
	int r;

	if (!has_old)
		return 0;
	bind_blob(db->stmt[S_REMOVE], 1, old_id, 32);
	if ((r = remove_event(db, S_REMOVE)) < 0)
		return -1;
	if (r > 0)
		db->stats.replaced++;
	return 0;
}

/* What the values of a meta list become in its table. */
enum list_value { LV_TEXT, LV_PUBKEY, LV_REF };

static int
add_list(struct db *db, enum stmt s, const struct strlist *l, enum list_value how,
    const struct event *ev)
{
	sqlite3_stmt *st = db->stmt[s];
	const char *v;
	int64_t aid;
	size_t i, n;
	int r;

	for (i = 0; i < l->n; i++) {
		v = strlist_get(l, i, &n);
		sqlite3_bind_int64(st, 1, db->eid);
		if (how == LV_PUBKEY) {
			r = n == 64 ? hex_aid(db, v, &aid) : 1;
			if (r != 0) {
				sqlite3_clear_bindings(st);
				if (r < 0)
					return -1;
				continue;  /* not a key: enrich gives only keys */
			}
			sqlite3_bind_int64(st, 2, aid);
		} else if (how == LV_REF && hex_is_key(v, n)) {
			bind_hex_key(st, 2, v);   /* an event id; else an address */
		} else {
			bind_text(st, 2, v, n);
		}
		sqlite3_bind_int64(st, 3, db->aid);
		sqlite3_bind_int64(st, 4, ev->created_at);
		sqlite3_bind_int64(st, 5, ev->kind);
		if (run(db, s) < 0)
			return -1;
	}
	return 0;
}

/*
 * follow_put: runs S_FOLLOW or S_FOLLOW_TAKE for the p tag t of ev naming
 * followed; 1 when it wrote a row, 0 when none, -1 on error.
 */
static int
follow_put(struct db *db, enum stmt s, const struct event *ev, const struct event_tag *t,
    int64_t followed)
{
	sqlite3_stmt *st = db->stmt[s];

	sqlite3_bind_int64(st, 1, db->aid);
	sqlite3_bind_int64(st, 2, followed);
	sqlite3_bind_int64(st, 3, db->eid);
	sqlite3_bind_int64(st, 4, ev->created_at);
	if (t->count >= 3 && t->items[2].len > 0)
		bind_text(st, 5, t->items[2].s, t->items[2].len);
	if (t->count >= 4 && t->items[3].len > 0)
		bind_text(st, 6, t->items[3].s, t->items[3].len);
	if (run(db, s) < 0)
		return -1;
	return sqlite3_changes(db->sql) > 0;
}

/*
 * add_follows: kind 3 (NIP-02): one row per valid p tag, and a follower
 * more in follower_totals per row inserted.  That count is kept here, not
 * by a trigger on follows: an insert that fires a trigger runs under a
 * statement journal, a copy of every page it changes (16% of the
 * instructions of the scale run's first 50 000 events).  A list that
 * replaces one (taking) mostly names the same pubkeys, so the takeover is
 * tried first there and the insert first elsewhere; either way both are
 * tried before a row counts as there.
 */
static int
add_follows(struct db *db, const struct event *ev, int taking)
{
	int64_t followed;
	size_t i;
	int r;

	for (i = 0; i < ev->ntags; i++) {
		const struct event_tag *t = &ev->tags[i];

		if (!event_tag_is(t, "p") || !hex_is_key(t->items[1].s, t->items[1].len))
			continue;
		if (hex_aid(db, t->items[1].s, &followed) != 0)
			return -1;
		if (taking) {
			if ((r = follow_put(db, S_FOLLOW_TAKE, ev, t, followed)) < 0)
				return -1;
			if (r > 0)
				continue;  /* taken over: no follower more */
		}
		if ((r = follow_put(db, S_FOLLOW, ev, t, followed)) < 0)
			return -1;
		if (r > 0) {
			sqlite3_bind_int64(db->stmt[S_FOLLOWER_ADD], 1, followed);
			if (run(db, S_FOLLOWER_ADD) < 0)
				return -1;
		} else if (!taking && follow_put(db, S_FOLLOW_TAKE, ev, t, followed) < 0) {
			return -1;
		}
	}
	return 0;
}

/* add_profile: kind 0, its content read by nostr/kind0. */
static int
add_profile(struct db *db, const struct event *ev)
{
	sqlite3_stmt *st = db->stmt[S_PROFILE];
	const struct kind0_profile *p = &db->profile;
	int k;

	kind0_profile_parse(&db->profile, ev->content.s, ev->content.len);
	sqlite3_bind_int64(st, 1, db->aid);
	sqlite3_bind_int64(st, 2, db->eid);
	sqlite3_bind_int64(st, 3, ev->created_at);
	for (k = 0; k < KIND0_NFIELDS; k++)
		if (p->has[k])
			bind_text(st, 4 + k, p->field[k].data, p->field[k].len);
	sqlite3_bind_int(st, 13, p->json_ok);
	return run(db, S_PROFILE);
}

/* add_deletion: kind 5 (NIP-09): record each target (nostr/nip09), remove what is stored. */
static int
add_deletion(struct db *db, const struct event *ev)
{
	struct nip09_targets it;
	struct nip09_target t;
	sqlite3_stmt *st;
	int removed;

	nip09_begin(&it, ev);
	while (nip09_next(&it, &t)) {
		if (t.by_id) {
			st = db->stmt[S_DELETE_ID];
			bind_blob(st, 1, t.id, 32);
			sqlite3_bind_int64(st, 2, db->aid);
		} else {
			st = db->stmt[S_DELETE_ADDR];
			sqlite3_bind_int64(st, 1, db->aid);
			sqlite3_bind_int64(st, 2, t.kind);
			bind_text(st, 3, t.d, t.d_len);
			sqlite3_bind_int64(st, 4, ev->created_at);
		}
		if ((removed = remove_event(db, t.by_id ? S_DELETE_ID : S_DELETE_ADDR)) < 0)
			return -1;
		if (removed > 0)
			db->stats.deleted++;
		st = db->stmt[S_DELETION];
		sqlite3_bind_int64(st, 1, db->eid);
		if (t.by_id) {
			bloom_add(db, t.id, 32);
			bind_blob(st, 2, t.id, 32);
		} else {
			bloom_add(db, t.addr, t.addr_len);
			bind_text(st, 2, t.addr, t.addr_len);
		}
		sqlite3_bind_int64(st, 3, db->aid);
		sqlite3_bind_int64(st, 4, ev->created_at);
		bind_text(st, 5, ev->content.s, ev->content.len);
		if (run(db, S_DELETION) < 0)
			return -1;
	}
	return 0;
}

static int
add_zap(struct db *db, const struct event *ev, const struct zap *z, struct buf *tmp)
{
	sqlite3_stmt *st = db->stmt[S_ZAP];
	int64_t sender = 0, recipient = 0;
	unsigned i;
	int first = 1;

	if ((z->has_sender && pubkey_aid(db, z->sender, &sender) < 0) ||
	    (z->has_recipient && pubkey_aid(db, z->recipient, &recipient) < 0))
		return -1;
	buf_reset(tmp);
	buf_putc(tmp, '[');
	for (i = 0; i < ZAP_NPROBLEMS; i++)
		if (z->problems & (1u << i)) {
			buf_printf(tmp, "%s\"%s\"", first ? "" : ",", zap_problem_name(1u << i));
			first = 0;
		}
	buf_putc(tmp, ']');
	sqlite3_bind_int64(st, 1, db->eid);
	sqlite3_bind_int64(st, 2, db->aid);
	if (z->has_sender)
		sqlite3_bind_int64(st, 3, sender);
	if (z->has_recipient)
		sqlite3_bind_int64(st, 4, recipient);
	if (z->has_event)
		bind_blob(st, 5, z->event, 32);
	bind_text(st, 6, z->address, z->address_len);
	if (z->has_msat) {
		sqlite3_bind_int64(st, 7, (sqlite3_int64)z->msat);
		sqlite3_bind_int64(st, 8, (sqlite3_int64)(z->msat / 1000));
	}
	bind_text(st, 9, z->comment, z->comment_len);
	sqlite3_bind_int(st, 10, z->problems == 0);
	bind_text(st, 11, tmp->data, tmp->len);
	sqlite3_bind_int64(st, 12, ev->created_at);
	if (run(db, S_ZAP) < 0)
		return -1;
	{
		struct zap_count c = { ev->created_at, z->problems == 0, z->has_msat,
		    (int64_t)(z->msat / 1000), z->has_event ? z->event : NULL,
		    z->has_sender ? sender : 0, z->has_recipient ? recipient : 0 };

		return count_zap(db, &c, 1);
	}
}

/*
 * add_target: a reaction's or repost's row through s: ?1 eid, ?2 target id,
 * ?3 its author's aid (or NULL), ?5 the author, ?6 created_at; the caller
 * binds ?4.
 */
static int
add_target(struct db *db, enum stmt s, const struct event *ev, const char *target)
{
	sqlite3_stmt *st = db->stmt[s];
	const struct event_str *tp = event_target_pubkey(ev);
	int64_t aid;

	if (tp != NULL && hex_aid(db, tp->s, &aid) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, db->eid);
	bind_hex_key(st, 2, target);
	if (tp != NULL)
		sqlite3_bind_int64(st, 3, aid);
	sqlite3_bind_int64(st, 5, db->aid);
	sqlite3_bind_int64(st, 6, ev->created_at);
	return run(db, s);
}

static int
add_derived(struct db *db, const struct event *ev, const struct enrich_meta *m)
{
	sqlite3_stmt *st;

	if (add_list(db, S_HASHTAG, &m->hashtags, LV_TEXT, ev) < 0 ||
	    add_list(db, S_REF, &m->refs, LV_REF, ev) < 0)
		return -1;
	if (derived_mentions(ev) && add_list(db, S_MENTION, &m->mentions, LV_PUBKEY, ev) < 0)
		return -1;
	if (m->has_reply_to) {
		st = db->stmt[S_REPLY];
		sqlite3_bind_int64(st, 1, db->eid);
		bind_hex_key(st, 2, m->reply_to);
		if (m->has_root)
			bind_hex_key(st, 3, m->root);
		sqlite3_bind_int64(st, 4, db->aid);
		sqlite3_bind_int64(st, 5, ev->created_at);
		if (run(db, S_REPLY) < 0)
			return -1;
	}
	if (m->has_reaction_to) {
		bind_text(db->stmt[S_REACTION], 4, m->reaction, m->reaction_len);
		if (add_target(db, S_REACTION, ev, m->reaction_to) < 0)
			return -1;
	}
	if (m->has_repost_of) {
		sqlite3_bind_int64(db->stmt[S_REPOST], 4, ev->kind);
		if (add_target(db, S_REPOST, ev, m->repost_of) < 0)
			return -1;
	}
	if (m->has_zap && add_zap(db, ev, &m->zap, &db->key) < 0)
		return -1;
	if (ev->kind == 0 && add_profile(db, ev) < 0)
		return -1;
	if (ev->kind == 5 && add_deletion(db, ev) < 0)
		return -1;
	return 0;
}

/* mark_pending: u is to be written by flush_users. */
static void
mark_pending(struct db *db, struct user_seen *u)
{
	u->pending = 1;
	if (!u->listed) {
		u->listed = 1;
		db->users_pending[db->npending++] = (uint32_t)(u - db->users_seen);
	}
}

/*
 * note_user: finds the author's aid (db->aid) and widens its users range to
 * cover ev->created_at.  A widening of a cached range is written by
 * flush_users before the commit (or when another pubkey takes the slot).
 */
static int
note_user(struct db *db, const struct event *ev)
{
	struct user_seen *u;
	uint32_t slot;

	memcpy(&slot, ev->pubkey, sizeof slot);  /* pubkeys are uniformly random */
	slot %= USERS_SEEN;
	u = db->author = &db->users_seen[slot];
	if (u->used && memcmp(u->pubkey, ev->pubkey, 32) == 0) {
		db->aid = u->aid;
		if (u->first <= ev->created_at && ev->created_at <= u->last)
			return 0;
		if (ev->created_at < u->first)
			u->first = ev->created_at;
		if (ev->created_at > u->last)
			u->last = ev->created_at;
	} else {
		/*
		 * A pubkey new to the slot is pending like a widened one: written
		 * when evicted or before the commit, with the last_event of what
		 * the batch stored, in one upsert (written at once, it took a
		 * second for its last_event).  Its row is keyed by its aid, so
		 * when it goes in changes nothing but the work.
		 */
		if (u->pending && write_user(db, u) < 0)
			return -1;
		if (pubkey_aid(db, ev->pubkey, &db->aid) < 0)
			return -1;
		memcpy(u->pubkey, ev->pubkey, 32);
		u->aid = db->aid;
		u->first = u->last = ev->created_at;
		u->stored = INT64_MIN;
		u->used = 1;
	}
	mark_pending(db, u);
	return 0;
}

/* note_stored: the event in hand was stored; its author's last_event is
 * at least its created_at (written by flush_users). */
static void
note_stored(struct db *db, int64_t created_at)
{
	if (created_at > db->author->stored) {
		db->author->stored = created_at;
		mark_pending(db, db->author);
	}
}

int
db_add_event(struct db *db, const struct event *ev, const struct enrich_meta *m,
    const char *meta_json, size_t meta_len)
{
	sqlite3_stmt *st;
	const struct event_str *d;
	uint8_t old_id[32];
	int r, has_old = 0;

	if (event_kind_is_ephemeral(ev->kind)) {
		db->stats.ephemeral++;
		return 0;
	}
	d = event_d_tag(ev);
	/*
	 * What a prune removed is not taken back (store/prune.h): stored again,
	 * it would be counted again by whatever counts insertions, and only
	 * until the next prune.  Heads and deletions a prune keeps come in.
	 */
	if (ev->created_at < db->pruned_before && d == NULL && ev->kind != 5) {
		db->stats.expired++;
		return 0;
	}
	hex_encode(ev->pubkey, 32, db->pubkey);

	if (note_user(db, ev) < 0)
		return -1;

	/* The head first: a deleted newest version still outranks older ones. */
	if (d != NULL && (r = replaceable_check(db, ev, d, old_id, &has_old)) != 0)
		return r < 0 ? -1 : 0;
	/* NIP-09: a deletion cannot be deleted, so kind 5 skips the check. */
	if (ev->kind != 5) {
		if ((r = is_deleted(db, ev, d, &db->tags)) < 0)
			return -1;
		if (r == 1) {
			db->stats.refused++;
			return remove_replaced(db, old_id, has_old);
		}
	}
	/*
	 * A contact list is written over the one it replaces before that one
	 * goes: the follows both lists hold keep their rows and index entries
	 * (the cleanup trigger removes only rows still naming the old list),
	 * and lists mostly change by a follow or two.  So the new event's eid
	 * is known before it is stored: the next one (db_begin reads it).
	 */
	db->eid = db->next_eid;
	if (ev->kind == 3 && add_follows(db, ev, has_old) < 0)
		return -1;
	if (remove_replaced(db, old_id, has_old) < 0)
		return -1;

	buf_reset(&db->tags);
	event_append_tags(ev, JSON_ESCAPE_JSON, &db->tags);
	buf_reset(&db->meta);
	meta_rest(meta_json, meta_len, &db->key, &db->meta);
	st = db->stmt[S_EVENT];
	sqlite3_bind_int64(st, 1, db->eid);
	bind_blob(st, 2, ev->id, 32);
	sqlite3_bind_int64(st, 3, db->aid);
	sqlite3_bind_int64(st, 4, ev->created_at);
	sqlite3_bind_int64(st, 5, ev->kind);
	bind_text(st, 6, ev->content.s, ev->content.len);
	bind_text(st, 7, db->tags.data, db->tags.len);
	bind_blob(st, 8, ev->sig, 64);
	if (d != NULL)
		bind_text(st, 9, d->s, d->len);
	bind_str(st, 10, m->lang);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)m->words);
	sqlite3_bind_int(st, 12, (int)m->pow);
	bind_text(st, 13, m->client, m->client_len);
	bind_text(st, 14, m->relay, m->relay_len);
	if (m->has_received_at)
		sqlite3_bind_double(st, 15, m->received_at);
	if (db->meta.len > 0)
		bind_text(st, 16, db->meta.data, db->meta.len);
	sqlite3_bind_int(st, 17, derived_bits(ev, m));
	if (run(db, S_EVENT) < 0)
		return -1;
	if (sqlite3_changes(db->sql) == 0) {
		db->stats.duplicates++;
		return 0;
	}
	db->next_eid++;
	db->stats.stored++;
	note_stored(db, ev->created_at);
	if (count_event(db, ev->created_at, ev->kind, m->lang,
	    m->lang != NULL ? strlen(m->lang) : 0, 1) < 0 ||
	    count_author(db, db->aid, db->eid, ev->created_at, 1) < 0)
		return -1;
	return add_derived(db, ev, m);
}

int
db_add_relay_record(struct db *db, const char *line, size_t len)
{
	sqlite3_stmt *st = db->stmt[S_RELAY];
	const struct relay_rec *r = &db->rec;
	int k;

	if (relay_rec_parse(&db->rec, line, len) != 0)
		return 1;
	bind_text(st, 1, r->text[RR_RELAY].data, r->text[RR_RELAY].len);
	sqlite3_bind_double(st, 2, r->time);
	bind_text(st, 3, r->text[RR_STATE].data, r->text[RR_STATE].len);
	for (k = 0; k < RR_NMS; k++)
		if (r->has_ms[k])
			sqlite3_bind_double(st, 4 + k, r->ms[k]);
	for (k = 0; k < RR_NCOUNT; k++)
		if (r->has_count[k])
			sqlite3_bind_int64(st, 4 + RR_NMS + k, r->count[k]);
	for (k = RR_NOTICE; k <= RR_ERROR; k++)
		if (r->has_text[k])
			bind_text(st, 11 + k - RR_NOTICE, r->text[k].data, r->text[k].len);
	bind_text(st, 13, r->nip11, r->nip11_len);
	bind_text(st, 14, line, len);
	if (run(db, S_RELAY) < 0)
		return -1;
	if (sqlite3_changes(db->sql) == 0)
		db->stats.relay_duplicates++;
	else
		db->stats.relay_records++;
	return 0;
}
