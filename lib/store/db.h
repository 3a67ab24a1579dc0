/*
 * db.h: the SQLite layer nostr-load writes through (schema.sql's tables).
 *
 * db_open creates the schema when it is absent (the text of schema.sql is
 * compiled in as np_schema_sql), and sets the database up for a long-running
 * writer next to readers: WAL journal (readers never block the writer nor it
 * them), synchronous=NORMAL (a crash or kill -9 loses at most the open
 * transaction, never the database), a busy timeout so that a reader's or
 * another writer's short lock makes us wait instead of fail.
 *
 * Events go in between db_begin and db_commit; the caller decides the batch.
 * Loading is idempotent: the database after a stream is a function of the set
 * of events in it (plus first-arrival relay and received_at), whatever the
 * order or repetition:
 *   - an event already stored is a duplicate and changes nothing;
 *   - replaceable kinds (0, 3, 10000-19999) keep the newest per (pubkey, kind),
 *     addressable kinds (30000-39999) per (pubkey, kind, d tag); on equal
 *     created_at the lowest id wins (NIP-01); the loser is removed with the
 *     rows derived from it;
 *   - ephemeral kinds (20000-29999) are only counted;
 *   - NIP-09: a kind-5 event removes its author's own events named by `e`
 *     tags, and the versions of its `a` addresses up to its created_at; the
 *     deletion is kept, so targets that arrive later are refused too;
 *   - after a prune (store/prune.h), the events it would remove that are
 *     older than its cutoff are refused (counted as expired).
 * All SQL runs through prepared statements with bound parameters.
 */
#ifndef NP_DB_H
#define NP_DB_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "enrich/enrich.h"
#include "nostr/event.h"

extern const char np_schema_sql[];

struct db_options {
	int busy_timeout_ms;    /* wait this long for a lock (default 10000) */
	int cache_mb;           /* page cache size (default DB_CACHE_MB_DEFAULT) */
	int must_exist;         /* a reader: a missing database is an error, never created */
	/* PostgreSQL: after a lost connection, reconnect (bounded backoff) and
	 * write the batch again for this long, 0 not at all (store/pgload.h). */
	int reconnect_s;
	const volatile sig_atomic_t *stop;  /* set: stop reconnecting (may be NULL) */
};

/* What became of the events given to db_add_event. */
struct db_stats {
	uint64_t stored;        /* new rows in nostr_events */
	uint64_t duplicates;    /* already stored */
	uint64_t superseded;    /* an older version of a replaceable event: not stored */
	uint64_t replaced;      /* stored versions removed by a newer one */
	uint64_t refused;       /* arrived after their deletion: not stored */
	uint64_t deleted;       /* stored events removed by a deletion */
	uint64_t ephemeral;     /* kinds 20000-29999: not stored */
	uint64_t expired;       /* older than the last prune's cutoff: not stored */
	uint64_t relay_records; /* relay-status records stored */
	uint64_t relay_duplicates;
	uint64_t reconnects;    /* PostgreSQL: connections made again after one was lost */
};

struct db;

#define DB_CACHE_MB_DEFAULT 512   /* the page cache of a connection, MB */

/*
 * db_reserve_page_cache: gives SQLite, before its first use in the process,
 * one region of cache_mb MB for the page caches of its connections (slots
 * for 8 KiB pages), mapped once and kept until the process ends; pages
 * beyond it come from malloc.  Taken from malloc instead, a filling cache of
 * 512 MB left the heap fragmented among the load's own allocations: 632 MB
 * of RSS for 566 MB in use (a million events into a new database; 552 MB
 * from the region).  For a process that holds one large cache (nostr-load).
 * Returns 0, or -1 when SQLite was already in use or no region could be
 * mapped (then the pages come from malloc, as without it).
 */
int db_reserve_page_cache(int cache_mb);

/* The reason db_open_sqlite gives when must_exist is set and there is no file. */
#define DB_NO_SUCH_DATABASE \
	"no such database (create it with nostr-load or nostr-pipeline init-db)"

/*
 * db_open: opens (creating when needed, unless opt->must_exist) the database
 * at path and its schema.
 * Returns NULL with a message in err (errlen bytes) on failure.
 */
struct db *db_open(const char *path, const struct db_options *opt, char *err,
    size_t errlen);

/*
 * db_open_sqlite: the same opening as db_open (schema created when absent,
 * WAL, synchronous=NORMAL, busy timeout, cache size), as a bare connection
 * for the tools that run their own queries (nostr-score, nostr-report);
 * opt may be NULL for the defaults.  With opt->must_exist (the readers), a
 * database that is not there is not created: the call fails with
 * DB_NO_SUCH_DATABASE in err, and leaves no file behind.  A database of
 * schema version 1 or 2 is upgraded in place first (store/migrate.h).  The schema runs only when an object of
 * it is missing (or user_version is behind), so opening an up-to-date
 * database writes nothing.  The caller owns the handle (sqlite3_close).
 * Returns NULL with the reason in err (errlen bytes).
 */
sqlite3 *db_open_sqlite(const char *path, const struct db_options *opt, char *err,
    size_t errlen);

/* db_close: finalizes statements and closes; rolls back an open transaction. */
void db_close(struct db *db);

/* db_errmsg: SQLite's message for the last failure. */
const char *db_errmsg(struct db *db);

/* db_begin, db_commit: a write transaction (BEGIN IMMEDIATE).  0 or -1. */
int db_begin(struct db *db);
int db_commit(struct db *db);

/*
 * db_add_event: stores ev, whose meta m was computed by enrich_event and
 * written as JSON in meta_json (meta_len bytes), with the rows derived from
 * it.  Returns 0, or -1 on a database error (the transaction should then be
 * abandoned: db_close rolls it back).
 */
int db_add_event(struct db *db, const struct event *ev, const struct enrich_meta *m,
    const char *meta_json, size_t meta_len);

/*
 * db_add_relay_record: stores a relay-status record (nostr-fetch --stats, a
 * JSON object with at least relay, time and state).  Returns 0, 1 when the
 * line is not such a record, -1 on a database error.
 */
int db_add_relay_record(struct db *db, const char *line, size_t len);

/* db_get_stats: the counters so far. */
const struct db_stats *db_get_stats(const struct db *db);

#endif
