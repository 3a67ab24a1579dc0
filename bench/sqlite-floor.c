/*
 * sqlite-floor: the references for nostr-load: how fast SQLite alone stores
 * the same events, with nothing derived, in nostr-load's settings (8 KiB
 * pages, WAL, synchronous=NORMAL, wal_autocheckpoint 50000, temp_store in
 * memory, CACHE MB of page cache (512), BATCH-event transactions (100000), a
 * checkpoint when closing).  Each run appends FILE's events to DB, so chunk
 * after chunk measures the rate as the database grows.  Two layouts:
 *
 *  -k hex   (load.sh) one row per event: id (hex, the primary key), pubkey
 *           (hex), created_at, kind and the whole line, so the bytes stored
 *           are about those of nostr_events in hex; with -a, nostr_events'
 *           author index (pubkey, created_at) too, the other index keyed by
 *           random hex that the reports need.
 *  -k blob  (scale.sh) the NIP-01 fields only: id and pubkey as 32-byte
 *           BLOBs, sig a 64-byte BLOB, tags the JSON text nostr-load writes,
 *           content the decoded text; the indexes an events table needs (id
 *           unique, created_at, (pubkey, created_at), (kind, created_at)),
 *           so -a adds nothing.
 *
 * usage: sqlite-floor [-a] [-k hex|blob] [-c CACHE_MB] [-b BATCH] DB FILE
 * (prints "N events/s"; the time includes opening and closing DB)
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/buf.h"
#include "base/hex.h"
#include "base/json.h"
#include "base/ndjson.h"
#include "nostr/event.h"

#define USAGE "usage: sqlite-floor [-a] [-k hex|blob] [-c CACHE_MB] [-b BATCH] DB FILE"

static const char *const settings =
    "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
    "PRAGMA wal_autocheckpoint = 50000; PRAGMA temp_store = MEMORY;";

/* A layout: its table and indexes, and the statement that adds a row. */
struct layout {
	const char *schema;
	const char *insert;
};

enum { HEX, BLOB };

static const struct layout layouts[] = {
	[HEX] = {
	    "CREATE TABLE IF NOT EXISTS events (id TEXT NOT NULL PRIMARY KEY,"
	    " pubkey TEXT NOT NULL, created_at INTEGER NOT NULL, kind INTEGER NOT NULL,"
	    " line TEXT NOT NULL) STRICT;",
	    "INSERT OR IGNORE INTO events VALUES (?1, ?2, ?3, ?4, ?5)" },
	[BLOB] = {
	    "CREATE TABLE IF NOT EXISTS events (id BLOB NOT NULL, pubkey BLOB NOT NULL,"
	    " created_at INTEGER NOT NULL, kind INTEGER NOT NULL, tags TEXT NOT NULL,"
	    " content TEXT NOT NULL, sig BLOB NOT NULL) STRICT;"
	    "CREATE UNIQUE INDEX IF NOT EXISTS events_id ON events(id);"
	    "CREATE INDEX IF NOT EXISTS events_created_at ON events(created_at);"
	    "CREATE INDEX IF NOT EXISTS events_pubkey ON events(pubkey, created_at);"
	    "CREATE INDEX IF NOT EXISTS events_kind ON events(kind, created_at);",
	    "INSERT OR IGNORE INTO events VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)" },
};

static const char *const author_index =
    "CREATE INDEX IF NOT EXISTS events_pubkey ON events(pubkey, created_at);";

static void
check(sqlite3 *db, int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE)
		errx(1, "%s: %s", what, sqlite3_errmsg(db));
}

static long
number(const char *s, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1)
		errx(2, "%s: not a positive number: %s", what, s);
	return v;
}

/* bind_hex: ev's keys as hex, and the whole line (the -k hex row). */
static void
bind_hex(sqlite3_stmt *st, const struct event *ev, const struct line *line, char id[65],
    char pubkey[65])
{
	hex_encode(ev->id, 32, id);
	hex_encode(ev->pubkey, 32, pubkey);
	sqlite3_bind_text(st, 1, id, 64, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pubkey, 64, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ev->created_at);
	sqlite3_bind_int64(st, 4, ev->kind);
	sqlite3_bind_text64(st, 5, line->data, line->len, SQLITE_STATIC, SQLITE_UTF8);
}

/* bind_blob: ev's NIP-01 fields, keys as BLOBs, tags written into tags. */
static void
bind_blob(sqlite3_stmt *st, const struct event *ev, struct buf *tags)
{
	buf_reset(tags);
	event_append_tags(ev, JSON_ESCAPE_JSON, tags);
	sqlite3_bind_blob(st, 1, ev->id, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, ev->pubkey, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ev->created_at);
	sqlite3_bind_int64(st, 4, ev->kind);
	sqlite3_bind_text64(st, 5, tags->data, tags->len, SQLITE_STATIC, SQLITE_UTF8);
	sqlite3_bind_text64(st, 6, ev->content.s, ev->content.len, SQLITE_STATIC, SQLITE_UTF8);
	sqlite3_bind_blob(st, 7, ev->sig, 64, SQLITE_STATIC);
}

int
main(int argc, char *argv[])
{
	struct event_parser parser;
	struct line_reader r;
	struct line line;
	struct event ev;
	struct timespec t0, t1;
	struct buf tags = { 0 };
	sqlite3 *db;
	sqlite3_stmt *st;
	char pragma[64], id[65], pubkey[65];
	long cache_mb = 512, batch = 100000;
	size_t n = 0;
	int ch, authors = 0, layout = HEX;
	FILE *f;

	while ((ch = getopt(argc, argv, "ab:c:k:")) != -1) {
		switch (ch) {
		case 'a': authors = 1; break;
		case 'b': batch = number(optarg, "-b"); break;
		case 'c': cache_mb = number(optarg, "-c"); break;
		case 'k':
			if (strcmp(optarg, "hex") == 0)
				layout = HEX;
			else if (strcmp(optarg, "blob") == 0)
				layout = BLOB;
			else
				errx(2, "-k: hex or blob, not %s", optarg);
			break;
		default: errx(2, USAGE);
		}
	}
	if (argc - optind != 2)
		errx(2, USAGE);
	if ((f = fopen(argv[optind + 1], "r")) == NULL)
		err(1, "%s", argv[optind + 1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sqlite3_open_v2(argv[optind], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		errx(1, "%s: %s", argv[optind], sqlite3_errmsg(db));
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%ld", cache_mb * 1024);
	check(db, sqlite3_exec(db, pragma, NULL, NULL, NULL), "cache_size");
	check(db, sqlite3_exec(db, settings, NULL, NULL, NULL), "settings");
	check(db, sqlite3_exec(db, layouts[layout].schema, NULL, NULL, NULL), "schema");
	if (authors)
		check(db, sqlite3_exec(db, author_index, NULL, NULL, NULL), "author index");
	check(db, sqlite3_prepare_v2(db, layouts[layout].insert, -1, &st, NULL), "prepare");
	event_parser_init(&parser);
	line_reader_init(&r, fileno(f), 0, NULL, NULL);
	check(db, sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), "begin");
	while (line_reader_next(&r, &line) == LINE_OK) {
		if (event_parse(&parser, line.data, line.len, &ev) != EVENT_OK)
			continue;
		if (layout == HEX)
			bind_hex(st, &ev, &line, id, pubkey);
		else
			bind_blob(st, &ev, &tags);
		check(db, sqlite3_step(st), "insert");
		sqlite3_reset(st);
		if (++n % (size_t)batch == 0)
			check(db, sqlite3_exec(db, "COMMIT; BEGIN", NULL, NULL, NULL), "commit");
	}
	check(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit");
	sqlite3_finalize(st);
	check(db, sqlite3_close(db), "close");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.0f events/s\n", (double)n / ((double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9));
	event_parser_free(&parser);
	line_reader_free(&r);
	buf_free(&tags);
	fclose(f);
	return 0;
}
