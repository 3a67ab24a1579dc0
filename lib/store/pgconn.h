/*
 * pgconn.h: a PostgreSQL connection for the tools (libpq): connecting with a
 * postgresql:// URL (credentials from it, PGPASSFILE or the environment, as
 * libpq reads them), messages that never show the password, and the schema
 * (schema-pg.sql, compiled in as np_schema_pg_sql).
 *
 * The tools' writers coordinate through advisory locks, all in one class
 * (the first key, PG_LOCK_CLASS) so that they do not meet other users' locks.
 */
#ifndef NP_PGCONN_H
#define NP_PGCONN_H

#include <stddef.h>

#include <libpq-fe.h>

extern const char np_schema_pg_sql[];

#define PG_LOCK_CLASS 1852797812   /* "nost" */
enum pg_lock {
	PG_LOCK_SCHEMA = 1,        /* creating or upgrading the schema */
	PG_LOCK_PARTITION = 2,     /* creating a month's partition */
	PG_LOCK_LOAD = 3,          /* a batch's set-based writes (store/pgload) */
	PG_LOCK_PRUNE = 4          /* shared by loaders' batches, a prune's alone */
};

/*
 * pg_connect: connects to url and sets the session up (UTF-8, no notices).
 * Returns NULL with the reason in err (errlen bytes), never the password.
 */
PGconn *pg_connect(const char *url, char *err, size_t errlen);

/*
 * pg_message: the connection's last error (or res's, when res is not
 * NULL) on one line, with any password the connection was given replaced
 * by "***", into err.
 */
void pg_message(PGconn *c, const PGresult *res, char *err, size_t errlen);

/* pg_exec: runs sql (no parameters); 0, or -1 with pg_message in err. */
int pg_exec(PGconn *c, const char *sql, char *err, size_t errlen);

/*
 * pg_schema_ensure: creates the schema when it is absent or older than
 * this one (under PG_LOCK_SCHEMA, so that loaders starting together do not
 * race); reads only when it is current.  0, or -1 with the reason in err.
 */
int pg_schema_ensure(PGconn *c, char *err, size_t errlen);

#endif
