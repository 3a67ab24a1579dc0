#include "store/pgprune.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/pgconn.h"

/* The cutoff, which nostr-load then applies to what comes in (pgload.c). */
static const char cutoff_sql[] =
    "INSERT INTO retention(id, pruned_before) VALUES (1, $1::bigint) ON CONFLICT (id)"
    " DO UPDATE SET pruned_before = greatest(retention.pruned_before,"
    " excluded.pruned_before)";

/* The month partitions wholly before $1, oldest first: name, from, to. */
static const char months_sql[] =
    "SELECT name, b[1]::bigint, b[2]::bigint FROM (SELECT c.relname AS name,"
    " regexp_match(pg_get_expr(c.relpartbound, c.oid),"
    " 'FROM \\(''?(-?[0-9]+)''?\\) TO \\(''?(-?[0-9]+)''?\\)') AS b"
    " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
    " WHERE i.inhparent = 'nostr_events'::regclass) p"
    " WHERE b IS NOT NULL AND b[2]::bigint <= $1::bigint ORDER BY 2";

static const char month_sql[] = "SELECT nostr_events_prune_month($1, $2::bigint, $3::bigint)";

/* The next batch of the month the cutoff cuts, oldest first, and how many
 * it was (taken off event_counts); the delete trigger takes the derived
 * rows along. */
static const char batch_sql[] =
    "WITH d AS (DELETE FROM nostr_events WHERE (eid, created_at) IN (SELECT eid, created_at"
    " FROM nostr_events WHERE created_at < $1::bigint AND d_tag IS NULL AND kind <> 5"
    " ORDER BY created_at LIMIT $2::bigint) RETURNING 1),"
    " u AS (UPDATE event_counts SET events = events - (SELECT count(*) FROM d))"
    " SELECT count(*) FROM d";

/*
 * in_lock: runs sql with params in a transaction under the prunes' and the
 * loaders' locks (and the partitions' one when partition is set); *value
 * gets the first column of its one row, or the rows it changed.  0, or -1
 * with the reason.
 */
static int
in_lock(PGconn *c, int partition, const char *sql, int n, const char *const *params,
    int64_t *value, char *err, size_t errlen)
{
	char part[64], lock[224];
	PGresult *r;
	ExecStatusType st;

	/* The prunes' lock first: it waits for the batches in progress, whose
	 * first part holds it shared (store/pgload.c). */
	snprintf(part, sizeof part, " SELECT pg_advisory_xact_lock(%d, %d);", PG_LOCK_CLASS,
	    PG_LOCK_PARTITION);
	snprintf(lock, sizeof lock, "BEGIN; SELECT pg_advisory_xact_lock(%d, %d);%s"
	    " SELECT pg_advisory_xact_lock(%d, %d)", PG_LOCK_CLASS, PG_LOCK_PRUNE,
	    partition ? part : "", PG_LOCK_CLASS, PG_LOCK_LOAD);
	if (pg_exec(c, lock, err, errlen) != 0)
		goto fail;
	r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		pg_message(c, r, err, errlen);
		PQclear(r);
		goto fail;
	}
	*value = st == PGRES_TUPLES_OK && PQntuples(r) == 1 ?
	    strtoll(PQgetvalue(r, 0, 0), NULL, 10) : strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	if (pg_exec(c, "COMMIT", err, errlen) != 0)
		goto fail;
	return 0;
fail:
	if (PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) != PQTRANS_IDLE)
		PQclear(PQexec(c, "ROLLBACK"));
	return -1;
}

/* prune_months: every month partition wholly before `before`, rebuilt. */
static int
prune_months(PGconn *c, const char *before, const volatile sig_atomic_t *stop,
    struct prune_stats *st, char *err, size_t errlen)
{
	const char *params[3] = { before };
	PGresult *months = PQexecParams(c, months_sql, 1, NULL, params, NULL, NULL, 0);
	int64_t gone;
	int i, r = 0;

	if (PQresultStatus(months) != PGRES_TUPLES_OK) {
		pg_message(c, months, err, errlen);
		PQclear(months);
		return -1;
	}
	for (i = 0; i < PQntuples(months) && (stop == NULL || !*stop); i++) {
		params[0] = PQgetvalue(months, i, 0);
		params[1] = PQgetvalue(months, i, 1);
		params[2] = PQgetvalue(months, i, 2);
		if ((r = in_lock(c, 1, month_sql, 3, params, &gone, err, errlen)) != 0)
			break;
		st->events += (uint64_t)gone;
		st->months++;
		st->batches++;
	}
	PQclear(months);
	return r;
}

int
pg_prune_events(const char *url, int64_t before, long batch,
    const volatile sig_atomic_t *stop, struct prune_stats *st, char *err, size_t errlen)
{
	char b[24], n[24];
	const char *params[2] = { b, n };
	int64_t gone = 1;
	PGconn *c;
	int r = 0;

	memset(st, 0, sizeof *st);
	st->free_pages = st->pages = -1;
	snprintf(b, sizeof b, "%lld", (long long)before);
	snprintf(n, sizeof n, "%ld", batch);
	if ((c = pg_connect(url, err, errlen)) == NULL)
		return -1;
	/* A prune needs the schema; an empty database gets it, as a load would. */
	if (pg_schema_ensure(c, err, errlen) != 0 ||
	    in_lock(c, 0, cutoff_sql, 1, params, &gone, err, errlen) != 0 ||
	    prune_months(c, b, stop, st, err, errlen) != 0) {
		PQfinish(c);
		return -1;
	}
	while ((stop == NULL || !*stop) && gone > 0) {
		if ((r = in_lock(c, 0, batch_sql, 2, params, &gone, err, errlen)) != 0)
			break;
		if (gone > 0) {
			st->events += (uint64_t)gone;
			st->batches++;
		}
	}
	PQfinish(c);
	return r;
}
