/*
 * nostr-score: computes engagement, virality, trending hashtags, influence,
 * content quality, spam signals and network statistics from a nostr-load
 * database (SQLite or PostgreSQL) and stores them in its metric tables.
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
#include "render/report.h"
#include "analytics/score.h"

/* SQLite's page cache of a run, MB (see main). */
enum { SCORE_CACHE_MB = 128 };

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-qv] [-d DB] [--now TIME] [--hours H] [--min-zaps N]\n"
	    "       [--full] [--only content,trending,users,network]\n", getprogname());
	exit(2);
}

static void
help(void)
{
	printf("usage: %s [-qv] [-d DB] [--now TIME] [--hours H] [--min-zaps N] [--full]\n"
	    "Computes scores and statistics into the database's metric tables, from\n"
	    "what changed since the last run (see nostr-score(1); on PostgreSQL the\n"
	    "user counts are made anew every run).\n"
	    "  -d, --db DB        database, which must exist: a file or a postgresql://\n"
	    "                     URL (default $NOSTR_DB, else $DATABASE_URL, else\n"
	    "                     $XDG_DATA_HOME/nostr-pipeline/nostr.db)\n"
	    "      --now TIME     reference time: unix, ISO 8601 or 2h/7d ago (default now)\n"
	    "      --hours H      trending and content window in hours\n"
	    "                     (default $TRENDING_WINDOW_HOURS, else 24)\n"
	    "      --min-zaps N   leave out hashtags with fewer zaps\n"
	    "                     (default $MIN_ZAPS_FOR_TRENDING, else 0)\n"
	    "      --full         recompute everything, whatever the last run covered\n"
	    "      --only LIST    compute only these parts, comma-separated\n"
	    "  -q, --quiet        no messages but errors\n"
	    "  -v, --verbose      a summary on standard error at the end\n"
	    "  -h, --help         this help\n"
	    "  -V, --version      the version\n", getprogname());
	exit(0);
}

enum part {
	PART_CONTENT = 1, PART_TRENDING = 2, PART_USERS = 4, PART_NETWORK = 8, PART_ALL = 15,
};

static unsigned
parse_parts(const char *arg)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "content", PART_CONTENT }, { "trending", PART_TRENDING },
		{ "users", PART_USERS }, { "network", PART_NETWORK },
	};
	char *copy = xstrdup(arg), *save = NULL, *tok;
	unsigned parts = 0;
	size_t i;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(tok, names[i].name) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0])) {
			warnx("invalid part: %s", tok);
			exit(2);
		}
		parts |= names[i].bit;
	}
	free(copy);
	if (parts == 0)
		usage();
	return parts;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* run_parts: the parts asked for, in order, each one's seconds into took. */
static int
run_parts(struct dbq *db, unsigned parts, const struct score_options *o,
    struct score_summary *sum, double took[4])
{
	static int (*const fn[4])(struct dbq *, const struct score_options *,
	    struct score_summary *) = { score_content, score_trending, score_users, score_network };
	struct timespec t;
	size_t i;

	for (i = 0; i < 4; i++) {
		if (!(parts & (1u << i)))
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (fn[i](db, o, sum) != 0)
			return -1;
		took[i] = seconds_since(&t);
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "now", required_argument, NULL, 'n' },
		{ "hours", required_argument, NULL, 'H' },
		{ "min-zaps", required_argument, NULL, 'z' },
		{ "only", required_argument, NULL, 'o' },
		{ "full", no_argument, NULL, 'F' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct score_options o = { 0 };
	struct score_summary sum;
	const char *path = NULL, *env;
	/*
	 * A run reads most of its pages once, so a large page cache only fills:
	 * after the 5th million of 5M events, 128 MB instead of nostr-load's 512
	 * took 197k page faults down to 88k and the run from 24.0 to 20.7 s
	 * (medians of four, alternating).
	 */
	struct db_options dbo = { .must_exist = 1, .cache_mb = SCORE_CACHE_MB };
	struct db_path where;
	unsigned parts = PART_ALL;
	int ch, verbose = 0, quiet = 0, full = 0, rc = 0;
	struct score_run cur;
	struct score_changes changes;
	struct timespec t0, t1;
	double took[4] = { 0 };
	struct dbq q;

	o.now = (int64_t)time(NULL);
	o.hours = 24;
	if ((env = getenv("TRENDING_WINDOW_HOURS")) != NULL && *env != '\0')
		o.hours = cli_hours(env);
	if ((env = getenv("MIN_ZAPS_FOR_TRENDING")) != NULL && *env != '\0')
		o.min_zaps = cli_number(env, 0, INT64_MAX, "MIN_ZAPS_FOR_TRENDING");
	while ((ch = getopt_long(argc, argv, "d:qvhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			path = optarg;
			break;
		case 'n':
			if (cli_parse_time(optarg, (int64_t)time(NULL), &o.now) != 0) {
				warnx("invalid time: %s", optarg);
				exit(2);
			}
			break;
		case 'H':
			o.hours = cli_hours(optarg);
			break;
		case 'z':
			o.min_zaps = cli_number(optarg, 0, INT64_MAX, "min-zaps");
			break;
		case 'o':
			parts = parse_parts(optarg);
			break;
		case 'F':
			full = 1;
			break;
		case 'q':
			quiet = 1, verbose = 0;
			break;
		case 'v':
			verbose = 1, quiet = 0;
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
	if (optind != argc)
		usage();
	memset(&sum, 0, sizeof(sum));
	if (db_path_resolve(path, &where, sum.error, sizeof(sum.error)) < 0)
		errx(1, "%s", sum.error);
	/* What ps shows of -d holds no password once it is copied. */
	if (where.source == DB_PATH_OPTION && where.engine == DB_ENGINE_POSTGRESQL)
		db_url_hide_password((char *)path);
	path = where.display;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (dbq_open(&q, &where, &dbo, sum.error, sizeof(sum.error)) != 0)
		errx(1, "%s: %s", path, sum.error);
	/* The state is read before the scores: what is stored meanwhile is
	 * past the recorded mark, and the next run takes it as new. */
	if (score_run_state(&q, o.now, o.hours, o.min_zaps, &cur) != 0 ||
	    score_run_changes(&q, &cur, &changes) != 0)
		errx(1, "%s: %s", path, dbq_errmsg(&q));
	if (full) {
		changes.incremental = 0;
		changes.reason = "--full";
	}
	o.changes = &changes;
	if (changes.incremental && changes.new_events == 0 && changes.removed == 0 &&
	    changes.last.now == o.now && parts == PART_ALL)
		parts = 0;  /* the stored rows are this run's already */
	if (run_parts(&q, parts, &o, &sum, took) != 0) {
		warnx("%s: %s", path, sum.error);
		rc = 1;
	} else if (parts == PART_ALL && score_run_record(&q, &cur) != 0) {
		/* Only a whole run is a mark to score from. */
		warnx("%s: %s", path, dbq_errmsg(&q));
		rc = 1;
	}
	dbq_close(&q);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (verbose && rc == 0) {
		if (changes.incremental)
			fprintf(stderr, "%s: since the last run: %lld events new, %lld removed%s\n",
			    getprogname(), (long long)changes.new_events, (long long)changes.removed,
			    parts == 0 ? ", nothing to do" : "");
		else
			fprintf(stderr, "%s: full run: %s\n", getprogname(), changes.reason);
		if (sum.counts_done)
			fprintf(stderr, "%s: user counts: %s%s\n", getprogname(),
			    sum.counts_rebuilt ? "from scratch: " : "moved from the last run",
			    sum.counts_rebuilt && sum.counts_reason ? sum.counts_reason : "");
		fprintf(stderr, "%s: seconds: content %.2f, trending %.2f, users %.2f,"
		    " network %.2f\n", getprogname(), took[0], took[1], took[2], took[3]);
		fprintf(stderr, "%s: now %lld, window %gh: %zu events, %zu hashtags, %zu users"
		    " (PageRank %s%d steps), %zu network windows in %.2fs\n", getprogname(),
		    (long long)o.now, o.hours, sum.events, sum.hashtags, sum.users,
		    sum.pagerank_kept ? "kept, " : "", sum.pagerank_steps, sum.windows,
		    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	(void)quiet;
	return rc;
}
