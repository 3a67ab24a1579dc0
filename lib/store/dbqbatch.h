/*
 * dbqbatch.h: many rows into one table through one INSERT, on either
 * engine of dbq.h.  On SQLite each row is a step of one prepared statement
 * (in the caller's transaction, that is as fast as SQLite goes); on
 * PostgreSQL the rows wait and go as multi-row INSERTs of up to
 * DBQ_BATCH_ROWS rows (and never more than 65535 parameters), one round
 * trip per batch rather than per row.
 *
 * head is the statement up to VALUES ("INSERT INTO t (a, b)"), tail what
 * follows the rows ("" or an ON CONFLICT clause).  dbq_batch_upsert makes
 * both from a table's columns and its key, in the text both engines speak.
 * A statement may not meet the same key twice on PostgreSQL (ON CONFLICT
 * DO UPDATE refuses it): rows of one batch have distinct keys.
 *
 * Functions return 0, or -1 after a database error (dbq_errmsg says why).
 */
#ifndef NP_DBQBATCH_H
#define NP_DBQBATCH_H

#include <stddef.h>

#include "store/dbq.h"
#include "store/query.h"

#define DBQ_BATCH_ROWS 1000

struct dbq_batch {
	struct dbq *q;
	char *head, *tail;         /* the statement around its rows (copies) */
	size_t ncols;
	sqlite3_stmt *st;          /* SQLite: the one-row statement */
	struct query_arg *args;    /* PostgreSQL: the rows waiting, ncols each */
	char **texts;              /* their text values, copied */
	size_t nrows, ntexts, max_rows;
};

/* dbq_batch_open: a batch of rows of ncols values for head ... tail. */
int dbq_batch_open(struct dbq_batch *b, struct dbq *q, const char *head, size_t ncols,
    const char *tail);

/* dbq_batch_upsert: a batch of rows of table's ncols columns cols, whose
 * first nkeys columns are its key: a row whose key is stored takes that
 * row's place, its other columns replacing the stored ones. */
int dbq_batch_upsert(struct dbq_batch *b, struct dbq *q, const char *table,
    const char *const *cols, size_t ncols, size_t nkeys);

/* dbq_batch_add: one row of b->ncols values (no Q_END needed; text is copied). */
int dbq_batch_add(struct dbq_batch *b, const struct query_arg *row);

/* dbq_batch_close: sends the rows still waiting and frees b.  With
 * discard set nothing is sent (after an error elsewhere).  0 or -1. */
int dbq_batch_close(struct dbq_batch *b, int discard);

#endif
