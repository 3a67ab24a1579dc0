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
#include "store/export.h"
#include "render/dashboard.h"
#include "render/format.h"
#include "base/hex.h"
#include "nostr/nip19.h"
#include "render/report.h"
#include "store/export.h"

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-d DB] [-f FORMAT] [--hours H] [--limit N] [--now TIME]"
	    " COMMAND [ARG]\n"
	    "       %s [-d DB] [--refresh SECS] [-o FILE] html\n", getprogname(), getprogname());
	exit(2);
}

/* What one command gets: the database, the options, its argument, and the
 * sections it fills (at most 3). */
struct run {
	struct dbq *db;
	const char *path;
	struct report_options o;
	const char *section;   /* --section */
	double period;         /* --period in hours */
	unsigned refresh;      /* --refresh */
	const char *output;    /* --output */
	int limit_given;       /* --limit was given */
	char key[65];          /* user: the pubkey */
	struct export_filter ex;  /* export, have: --since, --until, --kinds */
	struct section {
		const char *name;
		struct table *table;
	} s[3];
	size_t ns;
};

/* A command: its name (and argument, for the help), what runs it, its
 * default --limit (0: 10) and its help line.  run returns 0, 1 after an
 * error it reported, or 2 for bad usage it reported; a section whose table
 * is NULL is an SQLite error that main reports. */
struct command {
	const char *name;
	const char *arg;
	int (*run)(struct run *r);
	int64_t default_limit;
	const char *help;
};

static void add(struct run *r, const char *name, struct table *t);
static int run_stats(struct run *r);
static int run_trending(struct run *r);
static int run_top_zapped(struct run *r);
static int run_viral(struct run *r);
static int run_users(struct run *r);
static int run_user(struct run *r);
static int run_relays(struct run *r);
static int run_zaps(struct run *r);
static int run_languages(struct run *r);
static int run_growth(struct run *r);
static int run_html(struct run *r);
static int run_export(struct run *r);
static int run_have(struct run *r);

static const struct command commands[] = {
	{ "stats", NULL, run_stats, 0, "totals: events, users, zaps, relays" },
	{ "trending", NULL, run_trending, 0,
	    "hashtags by trend score (nostr-report trending --hours 24)" },
	{ "top-zapped", NULL, run_top_zapped, 0, "events by zapped sats" },
	{ "viral", NULL, run_viral, 0, "events by virality (as of the last nostr-score)" },
	{ "users", NULL, run_users, 0, "users by influence" },
	{ "user", "PUBKEY|npub", run_user, 0,
	    "one user: profile, activity, followers, zaps, rank" },
	{ "relays", NULL, run_relays, 1000, "each relay's latest status" },
	{ "zaps", NULL, run_zaps, 0, "zap sizes, top zappers, top recipients" },
	{ "languages", NULL, run_languages, 0, "events per language" },
	{ "growth", NULL, run_growth, 30,
	    "network statistics per day (--period hour: per hour)" },
	{ "export", NULL, run_export, 0,
	  "every stored event as NIP-01 NDJSON (--since, --until, --kinds)" },
	{ "html", NULL, run_html, 0,
	    "the dashboard page (nostr-report html -o dashboard.html)" },
	{ "have", NULL, run_have, 0,
	    "\"created_at id\" of each stored event (nostr-fetch --have)" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void
help(void)
{
	char name[64];
	size_t i;

	printf("usage: %s [-d DB] [-f FORMAT] [--hours H] [--limit N] [--now TIME]"
	    " COMMAND [ARG]\n"
	    "Commands:\n", getprogname());
	for (i = 0; i < NCOMMANDS; i++) {
		snprintf(name, sizeof(name), "%s%s%s", commands[i].name,
		    commands[i].arg ? " " : "", commands[i].arg ? commands[i].arg : "");
		printf("  %-21s %s\n", name, commands[i].help);
	}
	printf("Options:\n"
	    "  -d, --db DB           database, which must exist: a file or a postgresql://\n"
	    "                        URL (default $NOSTR_DB, else $DATABASE_URL, else\n"
	    "                        $XDG_DATA_HOME/nostr-pipeline/nostr.db)\n"
	    "  -f, --format F        table, json, ndjson, csv or tsv (default table)\n"
	    "      --hours H         window in hours (trending: $TRENDING_WINDOW_HOURS or 24)\n"
	    "  -n, --limit N         rows at most (default 10; 30 for growth)\n"
	    "      --now TIME        end of windows: unix, ISO 8601, 2h (default now)\n"
	    "      --period P        growth: hour or day\n"
	    "      --section S       zaps: sizes, zappers or recipients only\n"
	    "      --since T, --until T  export, have: created_at from/up to T (inclusive)\n"
	    "      --kinds LIST      export, have: these kinds only (comma-separated)\n"
	    "      --refresh SECS    html: the page reloads itself every SECS seconds\n"
	    "  -o, --output FILE     html: write FILE (replaced atomically), not stdout\n"
	    "  -h, --help            this help\n"
	    "  -V, --version         the version\n");
	exit(0);
}

/*
 * html_command: the dashboard (lib/dashboard) to stdout or, replaced
 * atomically, to output.  Without --now the page's reference time is the
 * last nostr-score run (see dashboard.h), so it matches the stored scores.
 */
static int
run_html(struct run *r)
{
	struct dashboard_options d = { 0 };
	const struct report_options *o = &r->o;
	const char *output = r->output;
	struct buf page = BUF_INIT, error = BUF_INIT;
	int rc = 0;

	d.now = o->now_given ? o->now : 0;
	d.hours = o->hours > 0 ? o->hours : o->trending_default_hours;
	d.limit = (size_t)o->limit;
	d.refresh_seconds = r->refresh;
	d.generator = "nostr-report " NP_VERSION;
	if (dashboard_write(r->db, &d, &page, &error) != 0) {
		warnx("%s: %s", r->path, error.data);
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

/* run_have: the lines of export_have, for --since, --until and --kinds. */
static int
run_have(struct run *r)
{
	int rc = export_have(r->db, &r->ex, stdout);

	if (rc < 0)
		warnx("%s: %s", r->path, dbq_errmsg(r->db));
	else if (rc > 0 || fflush(stdout) != 0)
		warn("stdout");
	return rc != 0 || ferror(stdout) ? 1 : 0;
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

static void
add(struct run *r, const char *name, struct table *t)
{
	r->s[r->ns++] = (struct section){ name, t };
}

static int
run_stats(struct run *r)
{
	add(r, "stats", report_stats(r->db, &r->o));
	return 0;
}

static int
run_trending(struct run *r)
{
	add(r, "trending", report_trending(r->db, &r->o));
	return 0;
}

static int
run_top_zapped(struct run *r)
{
	add(r, "top-zapped", report_top_zapped(r->db, &r->o));
	return 0;
}

static int
run_viral(struct run *r)
{
	add(r, "viral", report_viral(r->db, &r->o));
	return 0;
}

static int
run_users(struct run *r)
{
	add(r, "users", report_users(r->db, &r->o));
	return 0;
}

static int
run_user(struct run *r)
{
	add(r, "user", report_user(r->db, &r->o, r->key));
	if (r->s[0].table != NULL && r->s[0].table->nrows == 0) {
		warnx("%s: no such user", r->key);
		return 1;
	}
	return 0;
}

static int
run_relays(struct run *r)
{
	add(r, "relays", report_relays(r->db, &r->o));
	return 0;
}

/* run_zaps: the sections of zaps, or the one --section names. */
static int
run_zaps(struct run *r)
{
	static const struct {
		const char *option, *name;
		struct table *(*query)(struct dbq *, const struct report_options *);
	} parts[] = {
		{ "sizes", "sizes", report_zap_sizes },
		{ "zappers", "top_zappers", report_top_zappers },
		{ "recipients", "top_recipients", report_top_recipients },
	};
	size_t i;

	for (i = 0; i < 3; i++)
		if (r->section == NULL || strcmp(r->section, parts[i].option) == 0)
			add(r, parts[i].name, parts[i].query(r->db, &r->o));
	if (r->ns == 0) {
		warnx("invalid section: %s", r->section);
		return 2;
	}
	return 0;
}

/* export_line: one exported event and its newline to stdout. */
static int
export_line(void *arg, const char *json, size_t len)
{
	(void)arg;
	if (fwrite(json, 1, len, stdout) != len || putchar('\n') == EOF)
		return 1;
	return 0;
}

/* run_export: the events as NIP-01 NDJSON; rebuilt from the stored fields,
 * they verify as they did when loaded (nostr-verify keeps them all). */
static int
run_export(struct run *r)
{
	int rc = export_events(r->db, &r->ex, export_line, NULL);

	if (rc < 0) {
		warnx("%s: %s", r->path, dbq_errmsg(r->db));
		return 1;
	}
	if (rc > 0 || fflush(stdout) != 0) {
		warn("stdout");
		return 1;
	}
	return 0;
}

/* parse_kinds: a comma-separated list of kinds (0-65535) into kinds (at most
 * max); returns how many, or exits 2. */
static size_t
parse_kinds(const char *arg, uint32_t *kinds, size_t max)
{
	const char *p = arg;
	char *end;
	size_t n = 0;
	unsigned long k;

	while (*p != '\0') {
		if (*p < '0' || *p > '9' || n == max)
			errx(2, "invalid kinds: %s", arg);
		k = strtoul(p, &end, 10);
		if (k > 65535 || (*end != ',' && *end != '\0') || (*end == ',' && end[1] == '\0'))
			errx(2, "invalid kinds: %s", arg);
		kinds[n++] = (uint32_t)k;
		p = *end == ',' ? end + 1 : end;
	}
	if (n == 0)
		errx(2, "invalid kinds: %s", arg);
	return n;
}

static int
run_languages(struct run *r)
{
	add(r, "languages", report_languages(r->db, &r->o));
	return 0;
}

static int
run_growth(struct run *r)
{
	if (!r->limit_given && r->period == 1)
		r->o.limit = 24;
	add(r, "growth", report_growth(r->db, &r->o, r->period));
	return 0;
}

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
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ "kinds", required_argument, NULL, 'K' },
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
	int ch, limit_given = 0, rc = 0, filtered = 0;
	struct export_filter ex = { 0 };
	uint32_t kinds[256];
	struct run r = { 0 };
	const struct command *c;
	size_t i;
	char err[1024];
	struct dbq db;

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
		case 'S':
		case 'U':
			if (cli_parse_time(optarg, (int64_t)time(NULL),
			    ch == 'S' ? &ex.since : &ex.until) != 0) {
				warnx("invalid time: %s", optarg);
				exit(2);
			}
			filtered = 1;
			break;
		case 'K':
			ex.nkinds = parse_kinds(optarg, kinds, sizeof kinds / sizeof kinds[0]);
			ex.kinds = kinds;
			filtered = 1;
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
	if ((c = find_command(cmd)) == NULL) {
		warnx("unknown command: %s", cmd);
		usage();
	}
	if (c->arg != NULL) {
		if (optind + 1 != argc)
			usage();
		user_key(argv[optind++], r.key);
	} else if (optind != argc)
		usage();
	/* -f html means the dashboard, whatever the command: one HTML renderer. */
	if (f == FORMAT_HTML && c->run != run_html)
		errx(2, "-f html: use the html command (the dashboard)");
	if ((output != NULL || refresh) && c->run != run_html)
		errx(2, "--output and --refresh are for the html command");
	if (filtered && c->run != run_export && c->run != run_have)
		errx(2, "--since, --until and --kinds are for the export and have commands");
	if (!limit_given && c->default_limit > 0)
		o.limit = c->default_limit;
	if (db_path_resolve(path, &where, err, sizeof(err)) < 0)
		errx(1, "%s", err);
	/* What ps shows of -d holds no password once it is copied. */
	if (where.source == DB_PATH_OPTION && where.engine == DB_ENGINE_POSTGRESQL)
		db_url_hide_password((char *)path);
	path = where.display;

	/* A small page cache: a report reads each page about once, and a short
	 * process pays for every page of a large cache it fills (measured: 80 ms
	 * of stats at 1M events with 256 MB against 16 MB). */
	if (dbq_open(&db, &where, &dbo, err, sizeof(err)) != 0)
		errx(1, "%s: %s", path, err);
	r.db = &db;
	r.path = path;
	r.o = o;
	r.section = section;
	r.period = period;
	r.limit_given = limit_given;
	r.refresh = refresh;
	r.output = output;
	r.ex = ex;
	rc = c->run(&r);
	for (i = 0; rc == 0 && i < r.ns; i++)
		if (r.s[i].table == NULL) {
			warnx("%s: %s", path, dbq_errmsg(&db));
			rc = 1;
		}
	if (rc == 0 && r.ns > 0 && (print_sections(r.s, r.ns, f) != 0 || fflush(stdout) != 0)) {
		warn("stdout");
		rc = 1;
	}
	for (i = 0; i < r.ns; i++)
		table_free(r.s[i].table);
	dbq_close(&db);
	return rc;
}
