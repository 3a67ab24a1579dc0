/*
 * pgload.h: nostr-load's writer into PostgreSQL (schema-pg.sql), with the
 * calls and the outcome of store/db.h's SQLite writer: the same rows for the
 * same events, replaceable, addressable and deletion rules as there, and
 * loading idempotent.
 *
 * A batch (pgload_begin .. pgload_commit) is held in memory as COPY rows
 * (store/pgstage); at the commit it is copied into session-local staging
 * tables and written by set-based statements in one transaction: new
 * pubkeys, users, replaceable heads, deletions, the events that stay, their
 * derived rows and the summaries.  Several loaders may write into one
 * database at once: each copies in parallel, and takes the advisory lock
 * PG_LOCK_LOAD (store/pgconn.h) for its set-based writes, so that those
 * run one batch after another, each seeing every batch committed before it
 * (why a lock and not serializable retries: nostr-pipeline(7)).
 *
 * A lost connection (the server restarted, the network dropped) does not end
 * the load: the commit connects again, with a backoff doubling from 100 ms to
 * 5 s (with jitter), for opt->reconnect_s seconds at most, and writes the
 * whole batch again, which it still holds.  Writing it again is harmless
 * when the lost COMMIT had in fact been applied: loading is idempotent (the
 * batch's events then count as duplicates).
 */
#ifndef NP_PGLOAD_H
#define NP_PGLOAD_H

#include <stddef.h>

#include "enrich/enrich.h"
#include "nostr/event.h"
#include "store/db.h"

struct pgload;

/*
 * pgload_open: connects to url, creates the schema when absent, and the
 * staging tables of the session; opt gives reconnect_s and stop.  A server
 * that is not there, or refuses the credentials, fails here at once.
 * Returns NULL with the reason in err (errlen bytes), which never holds the
 * password.
 */
struct pgload *pgload_open(const char *url, const struct db_options *opt, char *err,
    size_t errlen);

/* pgload_close: closes the connection; a batch not committed is lost. */
void pgload_close(struct pgload *p);

/* pgload_errmsg: the reason of the last failure. */
const char *pgload_errmsg(struct pgload *p);

/* pgload_begin: starts a batch.  0. */
int pgload_begin(struct pgload *p);

/* pgload_add_event: adds ev (with meta m, written as JSON in meta_json) to
 * the batch.  0 (the database is written at the commit). */
int pgload_add_event(struct pgload *p, const struct event *ev, const struct enrich_meta *m,
    const char *meta_json, size_t meta_len);

/* pgload_add_relay_record: adds a relay-status record; 0, or 1 when the
 * line is not one. */
int pgload_add_relay_record(struct pgload *p, const char *line, size_t len);

/* pgload_commit: writes the batch in one transaction, connecting again
 * when the connection was lost (above).  0, or -1 (then nothing of the
 * batch is written: pgload_errmsg). */
int pgload_commit(struct pgload *p);

/* pgload_get_stats: the counters so far, as db.h defines them, of the set
 * each batch held (an event that a later one of the same batch replaced
 * counts as superseded, not as stored and replaced). */
const struct db_stats *pgload_get_stats(const struct pgload *p);

#endif
