/*
 * dashboard-page: writes the dashboard of a database to standard output, for
 * the dashboard tests (lib/dashboard without nostr-report's options around
 * it).  Not installed.
 *
 * usage: dashboard-page DB [NOW [HOURS [REFRESH]]]
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>

#include "render/dashboard.h"

int
main(int argc, char **argv)
{
	struct dashboard_options opt = { 0 };
	struct buf page = BUF_INIT, error = BUF_INIT;
	sqlite3 *db;

	if (argc < 2 || argc > 5) {
		fprintf(stderr, "usage: dashboard-page DB [NOW [HOURS [REFRESH]]]\n");
		return 2;
	}
	if (argc > 2)
		opt.now = strtoll(argv[2], NULL, 10);
	if (argc > 3)
		opt.hours = strtod(argv[3], NULL);
	if (argc > 4)
		opt.refresh_seconds = (unsigned)strtoul(argv[4], NULL, 10);
	opt.generator = "dashboard-page (test)";
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		errx(1, "%s: %s", argv[1], sqlite3_errmsg(db));
	struct dbq q = DBQ_SQLITE(db);

	if (dashboard_write(&q, &opt, &page, &error) != 0)
		errx(1, "%s: %s", argv[1], error.data);
	if (fwrite(page.data, 1, page.len, stdout) != page.len || fflush(stdout) != 0)
		err(1, "stdout");
	sqlite3_close(db);
	buf_free(&page);
	buf_free(&error);
	return 0;
}
