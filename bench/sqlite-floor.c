/*
 * sqlite-floor: the reference for nostr-load's speed: how fast SQLite alone
 * stores the same events as rows, with nothing derived and one index (the
 * event id, hex, as nostr_events has), in nostr-load's settings (8 KiB pages,
 * WAL, synchronous=NORMAL, 512 MB cache, 100000-row transactions, a
 * checkpoint when closing).  Each row holds the id, pubkey, created_at, kind
 * and the whole line, so the bytes stored are about those of nostr_events.
 * With -a, the rows also get nostr_events' author index (pubkey, created_at),
 * the other index keyed by random hex that the reports need.
 *
 * usage: sqlite-floor [-a] DB FILE
 * (appends FILE's events to DB; prints "N events/s")
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "nostr/event.h"
#include "base/hex.h"
#include "base/ndjson.h"

#define BATCH 100000  /* nostr-load's --batch default */

static const char *const setup =
    "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
    "PRAGMA wal_autocheckpoint = 50000; PRAGMA cache_size = -524288;"
    "CREATE TABLE IF NOT EXISTS events (id TEXT NOT NULL PRIMARY KEY, pubkey TEXT NOT NULL,"
    " created_at INTEGER NOT NULL, kind INTEGER NOT NULL, line TEXT NOT NULL) STRICT;";
static const char *const author_index =
    "CREATE INDEX IF NOT EXISTS events_pubkey ON events(pubkey, created_at);";

static void
check(sqlite3 *db, int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE)
		errx(1, "%s: %s", what, sqlite3_errmsg(db));
}

int
main(int argc, char *argv[])
{
	struct event_parser parser;
	struct line_reader r;
	struct line line;
	struct event ev;
	struct timespec t0, t1;
	sqlite3 *db;
	sqlite3_stmt *st;
	char id[65], pubkey[65];
	size_t n = 0;
	int authors = 0;
	FILE *f;

	if (argc == 4 && strcmp(argv[1], "-a") == 0) {
		authors = 1;
		argc--;
		argv++;
	}
	if (argc != 3)
		errx(2, "usage: sqlite-floor [-a] DB FILE");
	if ((f = fopen(argv[2], "r")) == NULL)
		err(1, "%s", argv[2]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		errx(1, "%s: %s", argv[1], sqlite3_errmsg(db));
	check(db, sqlite3_exec(db, setup, NULL, NULL, NULL), "setup");
	if (authors)
		check(db, sqlite3_exec(db, author_index, NULL, NULL, NULL), "author index");
	check(db, sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO events VALUES (?1, ?2, ?3, ?4, ?5)",
	    -1, &st, NULL), "prepare");
	event_parser_init(&parser);
	line_reader_init(&r, fileno(f), 0, NULL, NULL);
	check(db, sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), "begin");
	while (line_reader_next(&r, &line) == LINE_OK) {
		if (event_parse(&parser, line.data, line.len, &ev) != EVENT_OK)
			continue;
		hex_encode(ev.id, 32, id);
		hex_encode(ev.pubkey, 32, pubkey);
		sqlite3_bind_text(st, 1, id, 64, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, pubkey, 64, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, ev.created_at);
		sqlite3_bind_int64(st, 4, ev.kind);
		sqlite3_bind_text64(st, 5, line.data, line.len, SQLITE_STATIC, SQLITE_UTF8);
		check(db, sqlite3_step(st), "insert");
		sqlite3_reset(st);
		if (++n % BATCH == 0)
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
	fclose(f);
	return 0;
}
