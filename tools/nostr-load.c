/*
 * nostr-load: writes Nostr events (enriched or not) and nostr-fetch's
 * relay-status records into SQLite, in the schema of schema.sql, or into
 * PostgreSQL (a postgresql:// URL), in that of schema-pg.sql.
 *
 * Lines are committed in batches: after --batch events, or when the input
 * pauses and the batch has waited --flush-ms (so a live stream reaches the
 * database within that time, and a file or a backlog loads in full
 * batches).  SIGINT/SIGTERM: the line in hand is finished, the batch
 * committed, and the program exits 0.  Killed outright,
 * the database keeps every committed batch (WAL), and loading the same input
 * again completes it, since loading is idempotent.
 *
 * --prune TIME reads no input: it removes the events created before TIME
 * (store/prune.h says which stay), --batch events per transaction.  It is
 * here because nostr-load is the one tool that writes events.
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

#include "base/buf.h"
#include "cli/cli.h"
#include "store/db.h"
#include "store/dbpath.h"
#include "store/pgprune.h"
#include "store/prune.h"
#include "store/sink.h"
#include "enrich/enrich.h"
#include "nostr/event.h"
#include "enrich/lang.h"
#include "base/ndjson.h"
#include "cli/rejects.h"
#include "cli/stream.h"

/*
 * Every transaction rewrites nearly all the index pages keyed by random hex
 * (ids, pubkeys), so fewer, larger ones load faster at scale: the last 100k
 * of a million events took 7.0 s in 50000-event batches, 5.7 s in one.  The
 * dirty pages of a batch this size fit the default 512 MB cache at a million
 * events; a pause in the input still commits after --flush-ms.  Into a 5M
 * database, twice this size was 7% faster but 4% slower into an empty one,
 * and nearer the memory bound (README, "At 5 million events").
 */
#define BATCH_DEFAULT 100000
/* PostgreSQL: a batch is held in memory until its COPY (store/pgload.h). */
#define PG_BATCH_DEFAULT 20000
#define FLUSH_MS_DEFAULT 1000
/* PostgreSQL: long enough for a server's restart, short enough that a
 * server gone for good ends the load (store/pgload.h). */
#define RECONNECT_S_DEFAULT 60
/*
 * A prune's transaction holds the write lock while it runs, and the live
 * loader of nostr-pipeline run waits for it: 10000 events took 0.23 s
 * (bench/prune.sh, 200k events), and the batches together less than one
 * DELETE of them all (1.15 s against 1.48 s).
 */
#define PRUNE_BATCH_DEFAULT 10000

struct options {
	const char *db_path;
	long batch;             /* 0: the default, which differs for --prune */
	int prune;              /* --prune given: prune_before is its time */
	int64_t prune_before;
	long flush_ms;
	struct stream_options stream;
	struct db_options db;
	struct enrich_options enrich;
};

/* The loader's state, shared with the idle callback. */
struct loader {
	const struct options *opt;
	struct sink *db;
	struct enrich *enrich;
	struct event_parser parser;
	struct buf meta;
	long pending;            /* lines in the open transaction */
	struct timespec started; /* when it was opened */
	int fd;                  /* the input being read */
	int failed;              /* a database error: stop */
	struct rejects *rejects;
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
	    "[--cache-mb MB] [--busy-timeout MS] [--reconnect-for S] [--no-lang] [--reject FILE] "
	    "[--max-line BYTES] [--strict] [--print-db] [FILE ...]\n"
	    "       %s [-qv] [-d DB] [--batch N] --prune TIME\n", getprogname(), getprogname());
	exit(2);
}

static void __attribute__((noreturn))
help(void)
{
	printf("usage: %s [options] [FILE ...]\n"
	    "Loads Nostr events and relay-status records (NDJSON) into SQLite or PostgreSQL.\n\n"
	    "  -d, --db FILE|URL      the database, created when absent: a file, sqlite:///PATH\n"
	    "                         or postgresql://USER@HOST/DB (default $NOSTR_DB, else\n"
	    "                         $DATABASE_URL, else $XDG_DATA_HOME/nostr-pipeline/nostr.db)\n"
	    "      --print-db         print the database those give (no password), and exit\n"
	    "      --prune TIME       read no input: remove the events created before TIME\n"
	    "                         (unix, ISO 8601, or a duration ago: 90d), except\n"
	    "                         replaceable heads and deletions\n"
	    "      --batch N          events per transaction (default %d; PostgreSQL: %d;\n"
	    "                         --prune: %d)\n"
	    "      --flush-ms MS      commit rows this old when input pauses (default %d)\n"
	    "      --cache-mb MB      SQLite page cache (default 512)\n"
	    "      --busy-timeout MS  wait this long for a lock held by another (default 10000)\n"
	    "      --reconnect-for S  PostgreSQL: after a lost connection, connect again and\n"
	    "                         write the batch again for S seconds (default %d; 0: exit)\n"
	    "      --no-lang          do not guess languages of events without meta.lang\n"
	    "      --lang-data DIR    libexttextcat fingerprints (default %s)\n"
	    "      --zap-max-sats N   flag zaps above N sats as implausible (default %d)\n"
	    STREAM_OPTIONS_HELP
	    "  -h, --help             this help\n", getprogname(), BATCH_DEFAULT,
	    PG_BATCH_DEFAULT, PRUNE_BATCH_DEFAULT, FLUSH_MS_DEFAULT, RECONNECT_S_DEFAULT,
	    LANG_DATA_DIR_DEFAULT, ZAP_MAX_SATS_DEFAULT);
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
	if (sink_commit(l->db) < 0) {
		warnx("%s: commit: %s", l->opt->db_path, sink_errmsg(l->db));
		l->failed = 1;
		return;
	}
	l->pending = 0;
	l->commits++;
}

/*
 * on_idle: the reader is about to read.  Input that is already waiting goes
 * into the batch (only --batch bounds a batch while the input keeps up, so a
 * backlog or a file loads in full batches); when none is waiting, it is
 * waited for no longer than what is left of --flush-ms since the batch
 * began, and then the batch is committed: rows never wait longer than that
 * for input that is not there.
 */
static void
on_idle(void *arg)
{
	struct loader *l = arg;
	struct pollfd pfd;
	long left;

	if (l->pending == 0)
		return;
	if (!stop) {
		left = l->opt->flush_ms - elapsed_ms(&l->started);
		pfd.fd = l->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, left > 0 ? (int)left : 0) > 0)
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
	if (sink_begin(l->db) < 0) {
		warnx("%s: begin: %s", l->opt->db_path, sink_errmsg(l->db));
		l->failed = 1;
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &l->started);
	return 0;
}

/*
 * add_event: stores ev with its meta: the line's own when it is complete
 * (nostr-enrich wrote it), else computed here, reusing what the line's meta
 * holds of lang and zap.
 */
static int
add_event(struct loader *l, const struct line *line, const struct event *ev)
{
	const struct enrich_meta *m;

	if ((m = enrich_take(l->enrich, line->data, ev)) != NULL)
		return sink_add_event(l->db, ev, m, line->data + ev->meta_start,
		    ev->meta_end - ev->meta_start);
	m = enrich_event(l->enrich, line->data, line->len, ev, 1);
	buf_reset(&l->meta);
	enrich_write_meta(l->enrich, line->data, line->len, ev, &l->meta);
	return sink_add_event(l->db, ev, m, l->meta.data, l->meta.len);
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
		r = add_event(l, line, &ev);
	} else if (ee == EVENT_ERR_MISSING) {
		/* Not an event: perhaps a relay-status record from nostr-fetch. */
		r = sink_add_relay_record(l->db, line->data, line->len);
		if (r == 1)
			rejects_add(rej, line, ee, l->parser.field);
	} else {
		rejects_add(rej, line, ee, l->parser.field);
		r = 0;
	}
	if (r < 0) {
		warnx("%s: %s", l->opt->db_path, sink_errmsg(l->db));
		l->failed = 1;
		return;
	}
	if (++l->pending >= l->opt->batch)
		commit(l);
}

static int
load_input(const char *operand, void *arg)
{
	struct loader *l = arg;
	enum line_status st = LINE_EOF;
	struct stream_input in;
	struct line line;

	if (l->failed)
		return 0;
	if (stream_open(&in, operand, &l->opt->stream, l->rejects, &stop, on_idle, l) < 0)
		return -1;
	l->fd = in.fd;
	while (!l->failed && (st = line_reader_next(&in.reader, &line)) > 0) {
		l->read++;
		if (st == LINE_TOO_LONG)
			rejects_add(l->rejects, &line, EVENT_ERR_TOO_LONG, NULL);
		else
			load_line(l, &line, l->rejects);
	}
	return stream_close(&in, l->failed ? LINE_EOF : st) < 0 || l->failed ? -1 : 0;
}

static void
summary(const struct loader *l, const struct rejects *rej)
{
	const struct db_stats *s = sink_get_stats(l->db);
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
	fprintf(stderr, "  %-28s %" PRIu64 "\n", "older than the last prune", s->expired);
	fprintf(stderr, "  %-28s %" PRIu64 "\n", "relay records", s->relay_records);
	fprintf(stderr, "  %-28s %" PRIu64 "\n", "relay records (duplicate)",
	    s->relay_duplicates);
	fprintf(stderr, "  %-28s %" PRIu64 "\n", "reconnects", s->reconnects);
	fprintf(stderr, "  %-28s %" PRIu64 "\n", "zaps with problems", es->zaps_invalid);
	fprintf(stderr, "  %-28s %" PRIu64 "\n", "meta taken as it came", es->taken);
	rejects_summary(rej, stderr);
}

/*
 * prune: --prune.  The database must exist: a prune that creates an empty
 * one would hide a wrong path.
 */
static int
prune(const struct options *opt, const struct db_path *where)
{
	struct db_options dbo = opt->db;
	struct prune_stats st;
	char errbuf[1024];
	sqlite3 *sql = NULL;
	int r;

	cli_on_signals(on_signal);
	if (where->engine == DB_ENGINE_POSTGRESQL) {
		r = pg_prune_events(where->path, opt->prune_before, opt->batch, &stop, &st,
		    errbuf, sizeof errbuf);
	} else {
		dbo.must_exist = 1;
		if ((sql = db_open_sqlite(opt->db_path, &dbo, errbuf, sizeof errbuf)) == NULL)
			errx(1, "%s: %s", opt->db_path, errbuf);
		r = prune_events(sql, opt->prune_before, opt->batch, &stop, &st, errbuf,
		    sizeof errbuf);
	}
	if (r < 0)
		warnx("%s: prune: %s", opt->db_path, errbuf);
	if (opt->stream.verbose && !opt->stream.quiet && sql != NULL)
		fprintf(stderr, "%s: %" PRIu64 " events pruned (created before %" PRId64
		    ") in %" PRIu64 " transactions; %" PRId64 " of %" PRId64
		    " pages free for reuse\n", getprogname(), st.events, opt->prune_before,
		    st.batches, st.free_pages, st.pages);
	else if (opt->stream.verbose && !opt->stream.quiet)
		fprintf(stderr, "%s: %" PRIu64 " events pruned (created before %" PRId64
		    ") in %" PRIu64 " transactions; %" PRIu64 " month partitions made anew\n",
		    getprogname(), st.events, opt->prune_before, st.batches, st.months);
	sqlite3_close(sql);
	return r < 0 ? 1 : 0;
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
		{ "reconnect-for", required_argument, NULL, 'r' },
		{ "print-db", no_argument, NULL, 'P' },
		{ "prune", required_argument, NULL, 'p' },
		ENRICH_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		STREAM_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct options opt;
	struct loader l;
	struct rejects rej;
	const char *why = NULL;
	char *db_option = NULL;
	struct db_path where;
	char errbuf[1024];
	const char *bad;
	int ch, known, status, print_db = 0;

	memset(&opt, 0, sizeof opt);
	opt.flush_ms = FLUSH_MS_DEFAULT;
	opt.db.reconnect_s = RECONNECT_S_DEFAULT;
	opt.db.stop = &stop;
	stream_options_init(&opt.stream);
	while ((ch = getopt_long(argc, argv, STREAM_SHORTOPTS "d:h", longopts, NULL)) != -1) {
		if (stream_option(&opt.stream, ch, optarg))
			continue;
		if ((known = enrich_option(&opt.enrich, ch, optarg, &bad)) < 0)
			errx(2, "invalid %s: %s", bad, optarg);
		if (known)
			continue;
		switch (ch) {
		case 'd': db_option = optarg; break;
		case 'P': print_db = 1; break;
		case 'p':
			if (cli_parse_time(optarg, (int64_t)time(NULL), &opt.prune_before) != 0)
				errx(2, "invalid --prune time: %s", optarg);
			opt.prune = 1;
			break;
		case 'b': opt.batch = (long)cli_number(optarg, 1, 100000000, "--batch"); break;
		case 'f': opt.flush_ms = (long)cli_number(optarg, 0, 3600000, "--flush-ms"); break;
		case 'c': opt.db.cache_mb = (int)cli_number(optarg, 1, 1 << 20, "--cache-mb"); break;
		case 't':
			opt.db.busy_timeout_ms = (int)cli_number(optarg, 1, 1 << 30,
			    "--busy-timeout");
			break;
		case 'r':
			opt.db.reconnect_s = (int)cli_number(optarg, 0, 86400, "--reconnect-for");
			break;
		case 'h': help();
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (opt.prune && argc > 0)
		usage();
	if (db_path_resolve(db_option, &where, errbuf, sizeof errbuf) < 0)
		errx(1, "%s", errbuf);
	/* What ps shows of -d holds no password once it is copied. */
	if (where.source == DB_PATH_OPTION && where.engine == DB_ENGINE_POSTGRESQL)
		db_url_hide_password(db_option);
	opt.db_path = where.display;
	if (print_db) {
		if (printf("%s\n", opt.db_path) < 0 || fflush(stdout) != 0)
			err(1, "stdout");
		return 0;
	}

	if (opt.batch == 0)
		opt.batch = opt.prune ? PRUNE_BATCH_DEFAULT :
		    where.engine == DB_ENGINE_POSTGRESQL ? PG_BATCH_DEFAULT : BATCH_DEFAULT;
	if (opt.prune)
		return prune(&opt, &where);

	memset(&l, 0, sizeof l);
	l.opt = &opt;
	if ((l.enrich = enrich_new(&opt.enrich, &why)) == NULL)
		errx(1, "%s", why);
	/* One large cache: its pages kept out of the heap (db.h). */
	if (where.engine == DB_ENGINE_SQLITE)
		(void)db_reserve_page_cache(opt.db.cache_mb > 0 ? opt.db.cache_mb :
		    DB_CACHE_MB_DEFAULT);
	/* The writer creates the database, and the default's directory (a path
	 * that was given is used as given: a typo makes no directories). */
	if ((where.source == DB_PATH_DEFAULT &&
	    db_path_make_parents(opt.db_path, errbuf, sizeof errbuf) < 0) ||
	    (l.db = sink_open(&where, &opt.db, errbuf, sizeof errbuf)) == NULL)
		errx(1, "%s", errbuf);
	event_parser_init(&l.parser);
	cli_on_signals(on_signal);
	rejects_init(&rej, opt.stream.reject, opt.stream.quiet);
	l.rejects = &rej;
	status = stream_operands(argc, argv, &stop, load_input, &l);
	commit(&l);
	status = stream_finish(&opt.stream, &rej, status | l.failed);
	if (opt.stream.verbose && !opt.stream.quiet)
		summary(&l, &rej);
	sink_close(l.db);
	enrich_free(l.enrich);
	event_parser_free(&l.parser);
	buf_free(&l.meta);
	return status;
}
