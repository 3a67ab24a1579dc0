/*
 * migrate.h: upgrading a database of schema version 1 or 2 (ids, pubkeys
 * and signatures as hex text, the whole meta beside its columns) to version
 * 3 (schema.sql: BLOB keys, integer surrogates, meta only for what is left),
 * and a version-3 database to the columns version 3 gained since (below).
 *
 * The upgrade is made in place, in one transaction: the old tables are
 * renamed, the schema is created, their rows are copied over (hex decoded
 * by SQL functions this module registers: SQLite 3.40 has no unhex), and the
 * old tables dropped.  Events keep their rowid as eid; a derived row whose
 * event is not stored (only in databases written by hand) gets a negative
 * eid of its own.  The summaries are filled after it (db_open_sqlite: they
 * have counted none of the copied rows).  A reader that opens such a
 * database upgrades it too.
 */
#ifndef NP_MIGRATE_H
#define NP_MIGRATE_H

#include <stddef.h>

#include <sqlite3.h>

/*
 * migrate_is_old: the database says it is of schema version 1 or 2 and has
 * that layout (nostr_events.pubkey or hashtags.event_id).
 */
int migrate_is_old(sqlite3 *sql);

/*
 * migrate_upgrade: upgrades the database in place, running schema (the text
 * of schema.sql) in the transaction.  Returns 0, or -1 with the reason in err
 * (errlen bytes); the database is then unchanged.
 */
int migrate_upgrade(sqlite3 *sql, const char *schema, char *err, size_t errlen);

/*
 * Columns added to version 3 after it was first written (nostr_events.
 * derived, users.last_event) are added to a version-3 database that lacks
 * them, with NULL in its rows, which schema.sql says how to read, or filled
 * from the tables there (users.last_event).  migrate_columns_missing: a
 * table of the database lacks one.  migrate_add_columns: adds those missing,
 * in the caller's transaction, before the schema runs; 0, or -1 (the reason
 * in sqlite3_errmsg).
 */
int migrate_columns_missing(sqlite3 *sql);
int migrate_add_columns(sqlite3 *sql);

#endif
