/*
 * nostr-load: writes Nostr events (enriched or not) and nostr-fetch's
 * relay-status records into SQLite, in the schema of schema.sql.
 *
 * Lines are committed in batches: after --batch events, or once the input
 * has been idle for --flush-ms with rows pending (so a live stream reaches
 * the database within that time).  SIGINT/SIGTERM: the line in hand is
 * finished, the batch committed, and the program exits 0.  Killed outright,
 * the database keeps every committed batch (WAL), and loading the same input
 * again completes it, since loading is idempotent.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "db.h"
#include "enrich.h"
#include "event.h"
#include "lang.h"
#include "ndjson.h"
#include "rejects.h"

#define BATCH_DEFAULT 10000
#define FLUSH_MS_DEFAULT 1000

struct options {
	const char *db_path;
	long batch;
	long flush_ms;
	size_t max_line;
	FILE *reject;
	int verbose, quiet, strict;
	struct db_options db;
	struct enrich_options enrich;
};

/* The loader's state, shared with the idle callback. */
struct loader {
	const struct options *opt;
	struct db *db;
	struct enrich *enrich;
	struct event_parser parser;
	struct buf meta;
	long pending;            /* lines in the open transaction */
	struct timespec started; /* when it was opened */
	int fd;                  /* the input being read */
	int failed;              /* a database error: stop */
	uint64_t read, commits;
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: %s [-qvV] [-d DB] [--batch N] [--flush-ms MS] "
	    "[--cache-mb MB] [--busy-timeout MS] [--no-lang] [--reject FILE] "
	    "[--max-line BYTES] [--strict] [FILE ...]\n", getprogname());
	exit(2);
}

static void __attribute__((noreturn))
help(void)
{
	printf("usage: %s [options] [FILE ...]\n"
	    "Loads Nostr events and relay-status records (NDJSON) into SQLite.\n\n"
	    "  -d, --db FILE          the database (default $NOSTR_DB, else nostr.db)\n"
	    "      --batch N          events per transaction (default %d)\n"
	    "      --flush-ms MS      commit when input is idle this long (default %d)\n"
	    "      --cache-mb MB      SQLite page cache (default 256)\n"
	    "      --busy-timeout MS  wait this long for a lock held by another (default 10000)\n"
	    "      --no-lang          do not guess languages of events without meta.lang\n"
	    "      --lang-data DIR    libexttextcat fingerprints (default %s)\n"
	    "      --zap-max-sats N   flag zaps above N sats as implausible (default %d)\n"
	    "      --reject FILE      write rejected lines to FILE as they came\n"
	    "      --max-line BYTES   longest line accepted (default 1048576)\n"
	    "      --strict           exit 1 if any line was rejected\n"
	    "  -v, --verbose          print a summary on standard error\n"
	    "  -q, --quiet            no messages about rejected lines\n"
	    "  -V, --version          print the version\n"
	    "  -h, --help             this help\n", getprogname(), BATCH_DEFAULT,
	    FLUSH_MS_DEFAULT, LANG_DATA_DIR_DEFAULT, ZAP_MAX_SATS_DEFAULT);
	exit(0);
}

static long
elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - since->tv_sec) * 1000 +
	    (now.tv_nsec - since->tv_nsec) / 1000000;
}

static void
commit(struct loader *l)
{
	if (l->pending == 0 || l->failed)
		return;
	if (db_commit(l->db) < 0) {
		warnx("%s: commit: %s", l->opt->db_path, db_errmsg(l->db));
		l->failed = 1;
		return;
	}
	l->pending = 0;
	l->commits++;
}

/*
 * on_idle: the reader is about to block.  Rows wait at most --flush-ms for
 * company: if nothing comes within what is left of that time, commit.
 */
static void
on_idle(void *arg)
{
	struct loader *l = arg;
	struct pollfd pfd;
	long left;

	if (l->pending == 0)
		return;
	left = l->opt->flush_ms - elapsed_ms(&l->started);
	if (left > 0 && !stop) {
		pfd.fd = l->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)left) > 0)
			return;
	}
	commit(l);
}

/* begin: opens a transaction for the next line when none is open. */
static int
begin(struct loader *l)
{
	if (l->pending > 0)
		return 0;
	if (db_begin(l->db) < 0) {
		warnx("%s: begin: %s", l->opt->db_path, db_errmsg(l->db));
		l->failed = 1;
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &l->started);
	return 0;
}

static void
load_line(struct loader *l, const struct line *line, struct rejects *rej)
{
	struct event ev;
	enum event_error ee;
	int r;

	ee = event_parse(&l->parser, line->data, line->len, &ev);
	if (begin(l) < 0)
		return;
	if (ee == EVENT_OK) {
		enrich_event(l->enrich, line->data, line->len, &ev, 1);
		buf_reset(&l->meta);
		enrich_write_meta(l->enrich, line->data, line->len, &ev, &l->meta);
		r = db_add_event(l->db, &ev, enrich_meta_of(l->enrich), l->meta.data,
		    l->meta.len);
	} else if (ee == EVENT_ERR_MISSING) {
		/* Not an event: perhaps a relay-status record from nostr-fetch. */
		r = db_add_relay_record(l->db, line->data, line->len);
		if (r == 1)
			rejects_add(rej, line, ee, l->parser.field);
	} else {
		rejects_add(rej, line, ee, l->parser.field);
		r = 0;
	}
	if (r < 0) {
		warnx("%s: %s", l->opt->db_path, db_errmsg(l->db));
		l->failed = 1;
		return;
	}
	if (++l->pending >= l->opt->batch)
		commit(l);
}

static int
load_input(struct loader *l, const char *operand, struct rejects *rej)
{
	struct line_reader r;
	enum line_status st = LINE_EOF;
	struct line line;
	int fd;

	if ((fd = cli_open_input(operand)) < 0)
		return -1;
	rej->input = cli_input_name(operand);
	l->fd = fd;
	line_reader_init(&r, fd, l->opt->max_line, on_idle, l);
	r.stop = &stop;
	while (!l->failed && (st = line_reader_next(&r, &line)) > 0) {
		l->read++;
		if (st == LINE_TOO_LONG)
			rejects_add(rej, &line, EVENT_ERR_TOO_LONG, NULL);
		else
			load_line(l, &line, rej);
	}
	if (!l->failed && st == LINE_ERROR)
		warn("%s", cli_input_name(operand));
	line_reader_free(&r);
	if (fd != STDIN_FILENO)
		close(fd);
	return l->failed || st == LINE_ERROR ? -1 : 0;
}

static void
summary(const struct loader *l, const struct rejects *rej)
{
	const struct db_stats *s = db_get_stats(l->db);
	const struct enrich_stats *es = enrich_get_stats(l->enrich);

	fprintf(stderr, "%s: %" PRIu64 " lines read, %" PRIu64 " events stored, %" PRIu64
	    " rejected, %" PRIu64 " commits\n", getprogname(), l->read, s->stored,
	    rej->total, l->commits);
	fprintf(stderr, "  %-28s %" PRIu64 "\n", "duplicates", s->duplicates);
	fprintf(stderr, "  %-28s %" PRIu64 "\n", "older replaceable (kept out)",
	    s->superseded);
	fprintf(stderr, "  %-28s %" PRIu64 "\n", "replaced by newer", s->replaced);
	fprintf(stderr, "  %-28s %" PRIu64 "\n", "refused (deleted before)", s->refused);
	fprintf(stderr, "  %-28s %" PRIu64 "\n", "removed by deletions", s->deleted);
	fprintf(stderr, "  %-28s %" PRIu64 "\n", "ephemeral (not stored)", s->ephemeral);
	fprintf(stderr, "  %-28s %" PRIu64 "\n", "relay records", s->relay_records);
	fprintf(stderr, "  %-28s %" PRIu64 "\n", "relay records (duplicate)",
	    s->relay_duplicates);
	fprintf(stderr, "  %-28s %" PRIu64 "\n", "zaps with problems", es->zaps_invalid);
	rejects_summary(rej, stderr);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "batch", required_argument, NULL, 'b' },
		{ "flush-ms", required_argument, NULL, 'f' },
		{ "cache-mb", required_argument, NULL, 'c' },
		{ "busy-timeout", required_argument, NULL, 't' },
		{ "no-lang", no_argument, NULL, 'N' },
		{ "lang-data", required_argument, NULL, 'D' },
		{ "zap-max-sats", required_argument, NULL, 'Z' },
		{ "reject", required_argument, NULL, 'r' },
		{ "max-line", required_argument, NULL, 'L' },
		{ "strict", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options opt;
	struct loader l;
	struct rejects rej;
	const char *why = NULL;
	char errbuf[512];
	int ch, i, failed = 0;

	memset(&opt, 0, sizeof opt);
	opt.db_path = getenv("NOSTR_DB");
	if (opt.db_path == NULL || *opt.db_path == '\0')
		opt.db_path = "nostr.db";
	opt.batch = BATCH_DEFAULT;
	opt.flush_ms = FLUSH_MS_DEFAULT;
	opt.max_line = LINE_MAX_DEFAULT;
	while ((ch = getopt_long(argc, argv, "d:vqVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': opt.db_path = optarg; break;
		case 'b': opt.batch = (long)cli_number(optarg, 1, 100000000, "--batch"); break;
		case 'f': opt.flush_ms = (long)cli_number(optarg, 0, 3600000, "--flush-ms"); break;
		case 'c': opt.db.cache_mb = (int)cli_number(optarg, 1, 1 << 20, "--cache-mb"); break;
		case 't':
			opt.db.busy_timeout_ms = (int)cli_number(optarg, 1, 1 << 30,
			    "--busy-timeout");
			break;
		case 'N': opt.enrich.no_lang = 1; break;
		case 'D': opt.enrich.lang_dir = optarg; break;
		case 'Z':
			opt.enrich.zap_max_sats = (uint64_t)cli_number(optarg, 1,
			    INT64_MAX / 1000, "--zap-max-sats");
			break;
		case 'r':
			if ((opt.reject = fopen(optarg, "w")) == NULL)
				err(1, "%s", optarg);
			break;
		case 'L': opt.max_line = (size_t)cli_number(optarg, 64, 1LL << 32, "--max-line"); break;
		case 's': opt.strict = 1; break;
		case 'v': opt.verbose = 1; break;
		case 'q': opt.quiet = 1; break;
		case 'V': cli_version();
		case 'h': help();
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;

	memset(&l, 0, sizeof l);
	l.opt = &opt;
	if ((l.enrich = enrich_new(&opt.enrich, &why)) == NULL)
		errx(1, "%s", why);
	if ((l.db = db_open(opt.db_path, &opt.db, errbuf, sizeof errbuf)) == NULL)
		errx(1, "%s", errbuf);
	event_parser_init(&l.parser);
	cli_on_signals(on_signal);
	rejects_init(&rej, opt.reject, opt.quiet);
	if (argc == 0) {
		failed |= load_input(&l, "-", &rej) < 0;
	} else {
		for (i = 0; i < argc && !stop && !l.failed; i++)
			failed |= load_input(&l, argv[i], &rej) < 0;
	}
	commit(&l);
	failed |= l.failed;
	if (rejects_finish(&rej) < 0)
		failed = 1;
	if (opt.verbose && !opt.quiet)
		summary(&l, &rej);
	db_close(l.db);
	enrich_free(l.enrich);
	event_parser_free(&l.parser);
	buf_free(&l.meta);
	if (opt.reject != NULL && fclose(opt.reject) != 0)
		err(1, "reject file");
	if (failed)
		return 1;
	return opt.strict && rej.total > 0 ? 1 : 0;
}
