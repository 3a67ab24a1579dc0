/*
 * scale-floor: the reference for nostr-load at scale: how fast SQLite alone
 * stores the NIP-01 fields of the same events, and nothing else.  id and
 * pubkey are 32-byte BLOBs, sig a 64-byte BLOB, tags the JSON text
 * nostr-load writes, content the decoded text; the indexes are those an
 * events table needs (id unique, created_at, (pubkey, created_at),
 * (kind, created_at)); no meta, no derived rows.  The settings are
 * nostr-load's: 8 KiB pages, WAL, synchronous=NORMAL, wal_autocheckpoint
 * 50000, temp_store in memory, CACHE MB of page cache (512), BATCH-event
 * transactions (100000), a checkpoint when closing.  Each run appends to DB,
 * so chunk after chunk measures the rate as the database grows.
 *
 * usage: scale-floor [-c CACHE_MB] [-b BATCH] DB FILE
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
#include "base/json.h"
#include "base/ndjson.h"
#include "nostr/event.h"

static const char *const setup =
    "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
    "PRAGMA wal_autocheckpoint = 50000; PRAGMA temp_store = MEMORY;"
    "CREATE TABLE IF NOT EXISTS events (id BLOB NOT NULL, pubkey BLOB NOT NULL,"
    " created_at INTEGER NOT NULL, kind INTEGER NOT NULL, tags TEXT NOT NULL,"
    " content TEXT NOT NULL, sig BLOB NOT NULL) STRICT;"
    "CREATE UNIQUE INDEX IF NOT EXISTS events_id ON events(id);"
    "CREATE INDEX IF NOT EXISTS events_created_at ON events(created_at);"
    "CREATE INDEX IF NOT EXISTS events_pubkey ON events(pubkey, created_at);"
    "CREATE INDEX IF NOT EXISTS events_kind ON events(kind, created_at);";

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
	char pragma[64];
	long cache_mb = 512, batch = 100000;
	size_t n = 0;
	FILE *f;
	int ch;

	while ((ch = getopt(argc, argv, "c:b:")) != -1) {
		switch (ch) {
		case 'c': cache_mb = number(optarg, "-c"); break;
		case 'b': batch = number(optarg, "-b"); break;
		default: errx(2, "usage: scale-floor [-c CACHE_MB] [-b BATCH] DB FILE");
		}
	}
	if (argc - optind != 2)
		errx(2, "usage: scale-floor [-c CACHE_MB] [-b BATCH] DB FILE");
	if ((f = fopen(argv[optind + 1], "r")) == NULL)
		err(1, "%s", argv[optind + 1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sqlite3_open_v2(argv[optind], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		errx(1, "%s: %s", argv[optind], sqlite3_errmsg(db));
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%ld", cache_mb * 1024);
	check(db, sqlite3_exec(db, pragma, NULL, NULL, NULL), "cache_size");
	check(db, sqlite3_exec(db, setup, NULL, NULL, NULL), "setup");
	check(db, sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO events VALUES (?1, ?2, ?3, ?4,"
	    " ?5, ?6, ?7)", -1, &st, NULL), "prepare");
	event_parser_init(&parser);
	line_reader_init(&r, fileno(f), 0, NULL, NULL);
	check(db, sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), "begin");
	while (line_reader_next(&r, &line) == LINE_OK) {
		if (event_parse(&parser, line.data, line.len, &ev) != EVENT_OK)
			continue;
		buf_reset(&tags);
		event_append_tags(&ev, JSON_ESCAPE_JSON, &tags);
		sqlite3_bind_blob(st, 1, ev.id, 32, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, ev.pubkey, 32, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, ev.created_at);
		sqlite3_bind_int64(st, 4, ev.kind);
		sqlite3_bind_text64(st, 5, tags.data, tags.len, SQLITE_STATIC, SQLITE_UTF8);
		sqlite3_bind_text64(st, 6, ev.content.s, ev.content.len, SQLITE_STATIC,
		    SQLITE_UTF8);
		sqlite3_bind_blob(st, 7, ev.sig, 64, SQLITE_STATIC);
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
