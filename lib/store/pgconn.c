#include "store/pgconn.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hex.h"
#include "base/sha256.h"

/* The schema version schema-pg.sql writes into schema_version. */
#define PG_SCHEMA_VERSION 3

static void
no_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* scrub: replaces each occurrence of secret in s (a C string) with "***". */
static void
scrub(char *s, const char *secret)
{
	size_t n = strlen(secret);
	char *p;

	if (n == 0)
		return;
	while ((p = strstr(s, secret)) != NULL) {
		memcpy(p, "***", n < 3 ? n : 3);
		memmove(p + (n < 3 ? n : 3), p + n, strlen(p + n) + 1);
	}
}

/* one_line: newlines and tabs as spaces, runs of them as one, no trailing one. */
static void
one_line(char *s)
{
	char *w = s, *r;

	for (r = s; *r != '\0'; r++) {
		if (*r == '\n' || *r == '\t' || *r == '\r') {
			if (w > s && w[-1] != ' ')
				*w++ = ' ';
			continue;
		}
		*w++ = *r;
	}
	while (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
}

void
pg_message(PGconn *c, const PGresult *res, char *err, size_t errlen)
{
	const char *m = res != NULL ? PQresultErrorMessage(res) : NULL;
	PQconninfoOption *info, *o;

	if (m == NULL || *m == '\0')
		m = c != NULL ? PQerrorMessage(c) : "out of memory";
	if (errlen == 0)
		return;
	/* "ERROR:  " says nothing a tool's message does not. */
	if (strncmp(m, "ERROR:  ", 8) == 0)
		m += 8;
	snprintf(err, errlen, "%s", *m ? m : "unknown error");
	one_line(err);
	/* libpq does not repeat a password, but a server's message might. */
	if (c != NULL && (info = PQconninfo(c)) != NULL) {
		for (o = info; o->keyword != NULL; o++)
			if (strcmp(o->keyword, "password") == 0 && o->val != NULL)
				scrub(err, o->val);
		PQconninfoFree(info);
	}
}

PGconn *
pg_connect(const char *url, char *err, size_t errlen)
{
	const char *const keys[] = { "fallback_application_name", "dbname", NULL };
	const char *const values[] = { "nostr-pipeline", url, NULL };
	PGconn *c = PQconnectdbParams(keys, values, 1);

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	PQsetNoticeProcessor(c, no_notices, NULL);
	if (PQstatus(c) != CONNECTION_OK) {
		pg_message(c, NULL, err, errlen);
		PQfinish(c);
		return NULL;
	}
	if (PQsetClientEncoding(c, "UTF8") != 0) {
		pg_message(c, NULL, err, errlen);
		PQfinish(c);
		return NULL;
	}
	if (pg_exec(c, "SET client_min_messages = warning; SET TIME ZONE 'UTC'", err,
	    errlen) != 0) {
		PQfinish(c);
		return NULL;
	}
	return c;
}

int
pg_exec(PGconn *c, const char *sql, char *err, size_t errlen)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		pg_message(c, r, err, errlen);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

/* schema_digest: the SHA-256 of this build's schema-pg.sql, in hex (65 bytes). */
static void
schema_digest(char out[65])
{
	uint8_t d[32];

	sha256(np_schema_pg_sql, strlen(np_schema_pg_sql), d);
	hex_encode(d, sizeof d, out);
	out[64] = '\0';
}

/*
 * schema_current: 1 when the database holds this schema, version and digest
 * (of the text that made it: a schema-pg.sql that gained a table runs again,
 * its statements being idempotent), 0 when not, -1 on error.
 */
static int
schema_current(PGconn *c, const char *digest, char *err, size_t errlen)
{
	/* to_jsonb: a database made before the digest column reads as NULL. */
	static const char sql[] =
	    "SELECT max(version), max(to_jsonb(s) ->> 'digest') FROM schema_version s";
	PGresult *r = PQexec(c, "SELECT to_regclass('schema_version') IS NOT NULL");
	int v = -1;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = strcmp(PQgetvalue(r, 0, 0), "t") == 0 ? 1 : 0;
	else
		pg_message(c, r, err, errlen);
	PQclear(r);
	if (v != 1)
		return v;
	r = PQexec(c, sql);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = atoi(PQgetvalue(r, 0, 0)) == PG_SCHEMA_VERSION &&
		    strcmp(PQgetvalue(r, 0, 1), digest) == 0;
	else {
		pg_message(c, r, err, errlen);
		v = -1;
	}
	PQclear(r);
	return v;
}

int
pg_schema_ensure(PGconn *c, char *err, size_t errlen)
{
	char lock[96], msg[512], digest[65], mark[160];
	int v;

	schema_digest(digest);
	if ((v = schema_current(c, digest, err, errlen)) != 0)
		return v < 0 ? -1 : 0;
	snprintf(lock, sizeof lock, "BEGIN; SELECT pg_advisory_xact_lock(%d, %d)",
	    PG_LOCK_CLASS, PG_LOCK_SCHEMA);
	snprintf(mark, sizeof mark, "UPDATE schema_version SET digest = '%s'", digest);
	if (pg_exec(c, lock, msg, sizeof msg) != 0 ||
	    pg_exec(c, np_schema_pg_sql, msg, sizeof msg) != 0 ||
	    pg_exec(c, mark, msg, sizeof msg) != 0 ||
	    pg_exec(c, "COMMIT", msg, sizeof msg) != 0) {
		snprintf(err, errlen, "schema: %s", msg);
		(void)pg_exec(c, "ROLLBACK", msg, sizeof msg);
		return -1;
	}
	return 0;
}
