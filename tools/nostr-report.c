/*
 * nostr-report: prints what is in a nostr-pipeline database (and what
 * nostr-score computed) as aligned tables, JSON, NDJSON, CSV or TSV.
 */
#include <err.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "store/db.h"
#include "store/dbpath.h"
#include "render/dashboard.h"
#include "render/format.h"
#include "base/hex.h"
#include "nostr/nip19.h"
#include "render/report.h"

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-d DB] [-f FORMAT] [--hours H] [--limit N] [--now TIME]"
	    " COMMAND [ARG]\n"
	    "       %s [-d DB] [--refresh SECS] [-o FILE] html\n", getprogname(), getprogname());
	exit(2);
}

static void
help(void)
{
	printf("usage: %s [-d DB] [-f FORMAT] [--hours H] [--limit N] [--now TIME]"
	    " COMMAND [ARG]\n"
	    "Commands:\n"
	    "  stats                 totals: events, users, zaps, relays\n"
	    "  trending              hashtags by trend score (nostr-report trending --hours 24)\n"
	    "  top-zapped            events by zapped sats\n"
	    "  viral                 events by virality (as of the last nostr-score)\n"
	    "  users                 users by influence\n"
	    "  user PUBKEY|npub      one user: profile, activity, followers, zaps, rank\n"
	    "  relays                each relay's latest status\n"
	    "  zaps                  zap sizes, top zappers, top recipients\n"
	    "  languages             events per language\n"
	    "  growth                network statistics per day (--period hour: per hour)\n"
	    "  html                  the dashboard page (nostr-report html -o dashboard.html)\n"
	    "Options:\n"
	    "  -d, --db DB           database, which must exist (default $NOSTR_DB, else\n"
	    "                        DATABASE_URL=sqlite:///PATH, else\n"
	    "                        $XDG_DATA_HOME/nostr-pipeline/nostr.db)\n"
	    "  -f, --format F        table, json, ndjson, csv or tsv (default table)\n"
	    "      --hours H         window in hours (trending: $TRENDING_WINDOW_HOURS or 24)\n"
	    "  -n, --limit N         rows at most (default 10; 30 for growth)\n"
	    "      --now TIME        end of windows: unix, ISO 8601, 2h (default now)\n"
	    "      --period P        growth: hour or day\n"
	    "      --section S       zaps: sizes, zappers or recipients only\n"
	    "      --refresh SECS    html: the page reloads itself every SECS seconds\n"
	    "  -o, --output FILE     html: write FILE (replaced atomically), not stdout\n"
	    "  -h, --help            this help\n"
	    "  -V, --version         the version\n", getprogname());
	exit(0);
}

/*
 * html_command: the dashboard (lib/dashboard) to stdout or, replaced
 * atomically, to output.  Without --now the page's reference time is the
 * last nostr-score run (see dashboard.h), so it matches the stored scores.
 */
static int
html_command(sqlite3 *db, const char *path, const struct report_options *o,
    unsigned refresh, const char *output)
{
	struct dashboard_options d = { 0 };
	struct buf page = BUF_INIT, error = BUF_INIT;
	int rc = 0;

	d.now = o->now_given ? o->now : 0;
	d.hours = o->hours > 0 ? o->hours : o->trending_default_hours;
	d.limit = (size_t)o->limit;
	d.refresh_seconds = refresh;
	d.generator = "nostr-report " NP_VERSION;
	if (dashboard_write(db, &d, &page, &error) != 0) {
		warnx("%s: %s", path, error.data);
		rc = 1;
	} else if (output != NULL) {
		if (dashboard_save(output, page.data, page.len) != 0) {
			warn("%s", output);
			rc = 1;
		}
	} else if (fwrite(page.data, 1, page.len, stdout) != page.len || fflush(stdout) != 0) {
		warn("stdout");
		rc = 1;
	}
	buf_free(&page);
	buf_free(&error);
	return rc;
}

/* user_key: the pubkey argument as 64 lower-case hex, from hex or npub/nprofile. */
static void
user_key(const char *arg, char hex[65])
{
	struct nip19 n;
	uint8_t key[32];

	if (strlen(arg) == 64 && hex_decode(arg, key, 32) == 0) {
		memcpy(hex, arg, 65);
		return;
	}
	if (nip19_decode_uri(arg, strlen(arg), &n) == 0 &&
	    (n.type == NIP19_NPUB || n.type == NIP19_NPROFILE)) {
		hex_encode(n.key, 32, hex);
		return;
	}
	warnx("not a pubkey (64 lower-case hex) or npub: %s", arg);
	exit(2);
}

struct section {
	const char *name;
	struct table *table;
};

/*
 * print_sections: one table as it is; several (zaps) as titled tables for
 * people, one JSON object of arrays, or one after another (CSV/TSV blocks
 * separated by an empty line, NDJSON rows with their section name).
 */
static int
print_sections(struct section *s, size_t n, enum format f)
{
	size_t i;

	if (n == 1)
		return format_write(stdout, s[0].table, f);
	if (f == FORMAT_JSON) {
		printf("{");
		for (i = 0; i < n; i++) {
			printf("%s\"%s\":", i ? ",\n" : "\n", s[i].name);
			if (format_write(stdout, s[i].table, f) != 0)
				return -1;
		}
		printf("}\n");
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (i > 0 && f != FORMAT_NDJSON)
			putchar('\n');
		if (f == FORMAT_TABLE)
			table_set_title(s[i].table, s[i].name);
		if (format_write(stdout, s[i].table, f) != 0)
			return -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "hours", required_argument, NULL, 'H' },
		{ "limit", required_argument, NULL, 'n' },
		{ "now", required_argument, NULL, 'N' },
		{ "period", required_argument, NULL, 'p' },
		{ "section", required_argument, NULL, 's' },
		{ "refresh", required_argument, NULL, 'R' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct report_options o = { 0 };
	struct db_options dbo = { .cache_mb = 16, .must_exist = 1 };
	struct db_path where;
	enum format f = FORMAT_TABLE;
	const char *path = NULL, *cmd, *env, *section = NULL, *output = NULL;
	unsigned refresh = 0;
	double period = 24;
	int ch, limit_given = 0, rc = 0;
	struct section s[3];
	size_t ns = 0, i;
	char err[256], key[65];
	sqlite3 *db;

	format_locale_init();
	o.now = (int64_t)time(NULL);
	o.limit = 10;
	o.trending_default_hours = 24;
	if ((env = getenv("TRENDING_WINDOW_HOURS")) != NULL && *env != '\0')
		o.trending_default_hours = cli_hours(env);
	while ((ch = getopt_long(argc, argv, "d:f:n:o:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			path = optarg;
			break;
		case 'f':
			if (format_parse(optarg, &f) != 0) {
				warnx("invalid format: %s", optarg);
				exit(2);
			}
			break;
		case 'H':
			o.hours = cli_hours(optarg);
			break;
		case 'n':
			o.limit = cli_number(optarg, 1, 1000000, "limit");
			limit_given = 1;
			break;
		case 'N':
			if (cli_parse_time(optarg, (int64_t)time(NULL), &o.now) != 0) {
				warnx("invalid time: %s", optarg);
				exit(2);
			}
			o.now_given = 1;
			break;
		case 'p':
			if (strcmp(optarg, "hour") == 0)
				period = 1;
			else if (strcmp(optarg, "day") == 0)
				period = 24;
			else {
				warnx("invalid period: %s", optarg);
				exit(2);
			}
			break;
		case 's':
			section = optarg;
			break;
		case 'R':
			refresh = (unsigned)cli_number(optarg, 1, 86400 * 365, "refresh");
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			help();
			break;
		case 'V':
			cli_version();
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	cmd = argv[optind++];
	if (strcmp(cmd, "user") == 0) {
		if (optind + 1 != argc)
			usage();
		user_key(argv[optind++], key);
	} else if (optind != argc)
		usage();
	/* -f html means the dashboard, whatever the command: one HTML renderer. */
	if (f == FORMAT_HTML && strcmp(cmd, "html") != 0)
		errx(2, "-f html: use the html command (the dashboard)");
	if ((output != NULL || refresh) && strcmp(cmd, "html") != 0)
		errx(2, "--output and --refresh are for the html command");
	if (db_path_resolve(path, &where, err, sizeof(err)) < 0)
		errx(1, "%s", err);
	path = where.path;

	/* A small page cache: a report reads each page about once, and a short
	 * process pays for every page of a large cache it fills (measured: 80 ms
	 * of stats at 1M events with 256 MB against 16 MB). */
	if ((db = db_open_sqlite(path, &dbo, err, sizeof(err))) == NULL)
		errx(1, "%s: %s", path, err);
	memset(s, 0, sizeof(s));
	if (strcmp(cmd, "html") == 0) {
		rc = html_command(db, path, &o, refresh, output);
		sqlite3_close(db);
		return rc;
	}
	if (strcmp(cmd, "stats") == 0)
		s[ns++] = (struct section){ "stats", report_stats(db, &o) };
	else if (strcmp(cmd, "trending") == 0)
		s[ns++] = (struct section){ "trending", report_trending(db, &o) };
	else if (strcmp(cmd, "top-zapped") == 0)
		s[ns++] = (struct section){ "top-zapped", report_top_zapped(db, &o) };
	else if (strcmp(cmd, "viral") == 0)
		s[ns++] = (struct section){ "viral", report_viral(db, &o) };
	else if (strcmp(cmd, "users") == 0)
		s[ns++] = (struct section){ "users", report_users(db, &o) };
	else if (strcmp(cmd, "user") == 0)
		s[ns++] = (struct section){ "user", report_user(db, &o, key) };
	else if (strcmp(cmd, "relays") == 0) {
		if (!limit_given)
			o.limit = 1000;
		s[ns++] = (struct section){ "relays", report_relays(db, &o) };
	} else if (strcmp(cmd, "zaps") == 0) {
		if (section != NULL && strcmp(section, "sizes") != 0 &&
		    strcmp(section, "zappers") != 0 && strcmp(section, "recipients") != 0) {
			sqlite3_close(db);
			errx(2, "invalid section: %s", section);
		}
		if (section == NULL || strcmp(section, "sizes") == 0)
			s[ns++] = (struct section){ "sizes", report_zap_sizes(db, &o) };
		if (section == NULL || strcmp(section, "zappers") == 0)
			s[ns++] = (struct section){ "top_zappers", report_top_zappers(db, &o) };
		if (section == NULL || strcmp(section, "recipients") == 0)
			s[ns++] = (struct section){ "top_recipients",
			    report_top_recipients(db, &o) };
	} else if (strcmp(cmd, "languages") == 0)
		s[ns++] = (struct section){ "languages", report_languages(db, &o) };
	else if (strcmp(cmd, "growth") == 0) {
		if (!limit_given)
			o.limit = period == 1 ? 24 : 30;
		s[ns++] = (struct section){ "growth", report_growth(db, &o, period) };
	} else {
		sqlite3_close(db);
		warnx("unknown command: %s", cmd);
		usage();
	}
	for (i = 0; i < ns; i++)
		if (s[i].table == NULL) {
			warnx("%s: %s", path, sqlite3_errmsg(db));
			rc = 1;
			break;
		}
	if (rc == 0 && strcmp(cmd, "user") == 0 && s[0].table->nrows == 0) {
		warnx("%s: no such user", key);
		rc = 1;
	}
	if (rc == 0 && (print_sections(s, ns, f) != 0 || fflush(stdout) != 0)) {
		warn("stdout");
		rc = 1;
	}
	for (i = 0; i < ns; i++)
		table_free(s[i].table);
	sqlite3_close(db);
	return rc;
}
