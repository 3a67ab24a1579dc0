/*
 * latency-poll: prints each event row as it becomes visible in a nostr-load
 * database, with the time it was first seen, for bench/latency.sh.
 *
 *   latency-poll -n COUNT [-t SECONDS] [-i MICROSECONDS] DB
 *
 * Output: one line "ID UNIXTIME" (fractional seconds, CLOCK_REALTIME, the
 * clock the publisher stamps with) per row of nostr_events added after
 * start.  Exits after COUNT rows, or after SECONDS (default 60) with status
 * 1.  Polls every -i microseconds (default 500), and only queries when
 * PRAGMA data_version says another connection has committed, so it reads
 * as a dashboard would, without standing in the writer's way.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

static double
now_realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
now_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: latency-poll -n COUNT [-t SECONDS] [-i MICROSECONDS] DB\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *version = NULL, *rows = NULL, *top = NULL;
	long count = 0, seen = 0, interval_us = 500;
	double timeout = 60, deadline;
	sqlite3_int64 last_rowid = 0, last_version = -1;
	struct timespec nap;
	int c;

	while ((c = getopt(argc, argv, "n:t:i:")) != -1) {
		switch (c) {
		case 'n': count = strtol(optarg, NULL, 10); break;
		case 't': timeout = strtod(optarg, NULL); break;
		case 'i': interval_us = strtol(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (optind != argc - 1 || count <= 0 || timeout <= 0 || interval_us <= 0)
		usage();
	if (sqlite3_open_v2(argv[optind], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		errx(1, "%s: %s", argv[optind], db ? sqlite3_errmsg(db) : "cannot open");
	sqlite3_busy_timeout(db, 1000);
	/* Rows stored before we started are not ours: nostr_events is a rowid
	 * table, and nostr-load only appends to it. */
	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(rowid), 0) FROM nostr_events", -1,
	    &top, NULL) != SQLITE_OK || sqlite3_step(top) != SQLITE_ROW)
		errx(1, "%s", sqlite3_errmsg(db));
	last_rowid = sqlite3_column_int64(top, 0);
	sqlite3_finalize(top);
	if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &version, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT rowid, lower(hex(id)) FROM nostr_events WHERE rowid > ?1"
	    " ORDER BY rowid", -1, &rows, NULL) != SQLITE_OK)
		errx(1, "%s", sqlite3_errmsg(db));
	nap.tv_sec = interval_us / 1000000;
	nap.tv_nsec = (interval_us % 1000000) * 1000;
	deadline = now_monotonic() + timeout;
	while (seen < count && now_monotonic() < deadline) {
		sqlite3_int64 v = -1;

		if (sqlite3_step(version) == SQLITE_ROW)
			v = sqlite3_column_int64(version, 0);
		sqlite3_reset(version);
		if (v != last_version) {
			last_version = v;
			sqlite3_bind_int64(rows, 1, last_rowid);
			while (sqlite3_step(rows) == SQLITE_ROW) {
				double t = now_realtime();

				last_rowid = sqlite3_column_int64(rows, 0);
				printf("%s %.6f\n", (const char *)sqlite3_column_text(rows, 1), t);
				seen++;
			}
			sqlite3_reset(rows);
			fflush(stdout);
		}
		nanosleep(&nap, NULL);
	}
	sqlite3_finalize(version);
	sqlite3_finalize(rows);
	sqlite3_close(db);
	return seen >= count ? 0 : 1;
}
