/*
 * nostr-verify: keeps the events whose structure, id and signature are valid,
 * byte for byte as they came, and reports the rest.
 *
 * With -j N the lines are verified in batches by N threads (this one
 * included), each with its own parser and libsecp256k1 context, and written
 * in input order (ordered_pool.h).  A batch ends when it is full or when no
 * further complete line is buffered, so a lone live event is verified and
 * flushed at once.
 */
#include <err.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/ndjson.h"
#include "base/ordered_pool.h"
#include "cli/cli.h"
#include "cli/rejects.h"
#include "cli/stream.h"
#include "nostr/event.h"
#include "nostr/schnorr.h"

#define BATCH_LINES 2048   /* lines a batch holds at most */
#define CHUNK_LINES 32     /* lines a thread takes from a batch at a time */
#define MAX_JOBS 256

struct options {
	struct stream_options stream;
	int no_sig;
	int64_t max_future;   /* seconds, or -1 for no limit */
	int jobs;
};

/* What became of one line. */
struct verdict {
	enum event_error error;
	int legacy;           /* the id matched only the \u00xx serialization */
	const char *field;
};

/* A line in the pool: as read (data is not kept), then its verdict. */
struct item {
	struct line line;
	struct verdict verdict;
};

/* One thread's tools. */
struct worker {
	struct event_parser parser;
	struct schnorr *schnorr;
	const struct options *opt;
};

struct totals {
	uint64_t read, kept, legacy, bytes;
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
	fprintf(stderr, "usage: %s [-qvV] [--no-sig] [--max-future SECS] [-j N] "
	    "[--reject FILE] [--max-line BYTES] [--strict] [FILE ...]\n", getprogname());
	exit(2);
}

static void __attribute__((noreturn))
help(void)
{
	printf("usage: %s [options] [FILE ...]\n"
	    "Keeps the Nostr events (NDJSON) whose id and signature are valid.\n\n"
	    "  -j, --jobs N           verify with N threads, output order kept (default 1)\n"
	    "      --no-sig           check structure and id only\n"
	    "      --max-future SECS  drop events dated more than SECS ahead of now\n"
	    STREAM_OPTIONS_HELP
	    "  -h, --help             this help\n", getprogname());
	exit(0);
}

/* check_line: the whole verdict on one line. */
static struct verdict
check_line(struct worker *w, const char *data, size_t len)
{
	struct verdict v = { EVENT_OK, 0, NULL };
	const struct options *opt = w->opt;
	struct event ev;
	int64_t now;

	if ((v.error = event_parse(&w->parser, data, len, &ev)) != EVENT_OK) {
		v.field = w->parser.field;
		return v;
	}
	/* time(2) is a vDSO call: cheap enough per line. */
	now = (int64_t)time(NULL);
	if (opt->max_future >= 0 && ev.created_at > now + opt->max_future) {
		v.error = EVENT_ERR_FUTURE;
		return v;
	}
	if ((v.error = event_check_id(&w->parser, &ev, &v.legacy)) != EVENT_OK)
		return v;
	if (!opt->no_sig)
		v.error = event_check_sig(w->schnorr, &ev);
	return v;
}

/* verify_item: the pool's work: a line not rejected already is checked. */
static void
verify_item(void *worker, const char *data, size_t len, void *record)
{
	struct item *it = record;

	if (it->verdict.error == EVENT_OK)
		it->verdict = check_line(worker, data, len);
}

/* The state the pool's emit and verify_input need. */
struct run {
	struct ordered_pool *pool;
	const struct options *opt;
	struct rejects *rejects;
	struct totals *totals;
};

/* emit_item: writes a kept line or reports a rejected one, in input order. */
static void
emit_item(void *ctx, const char *data, size_t len, void *record)
{
	struct run *run = ctx;
	struct item *it = record;
	struct totals *t = run->totals;

	it->line.data = data;
	it->line.len = len;
	t->read++;
	if (it->verdict.error == EVENT_OK) {
		t->kept++;
		t->legacy += (uint64_t)it->verdict.legacy;
		t->bytes += it->line.full_len + 1;
		fwrite(data, 1, len, stdout);
		putchar('\n');
	} else {
		rejects_add(run->rejects, &it->line, it->verdict.error, it->verdict.field);
	}
}

static int
verify_input(const char *operand, void *arg)
{
	struct run *run = arg;
	struct stream_input in;
	enum line_status st;
	struct item it;

	if (stream_open(&in, operand, &run->opt->stream, run->rejects, &stop, NULL, NULL) < 0)
		return -1;
	while ((st = line_reader_next(&in.reader, &it.line)) > 0) {
		it.verdict = (struct verdict){ st == LINE_TOO_LONG ? EVENT_ERR_TOO_LONG :
		    EVENT_OK, 0, NULL };
		ordered_pool_add(run->pool, it.line.data, it.line.len, &it);
		if (ordered_pool_pending(run->pool) && !line_reader_buffered(&in.reader))
			ordered_pool_flush(run->pool);
	}
	ordered_pool_flush(run->pool);
	return stream_close(&in, st == LINE_ERROR ? LINE_ERROR : LINE_EOF);
}

static void
summary(const struct totals *t, const struct rejects *rej)
{
	fprintf(stderr, "%s: %" PRIu64 " lines read, %" PRIu64 " kept, %" PRIu64
	    " rejected\n", getprogname(), t->read, t->kept, rej->total);
	if (t->legacy)
		fprintf(stderr, "  %-24s %" PRIu64 "\n", "kept by \\u00xx id form", t->legacy);
	rejects_summary(rej, stderr);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "no-sig", no_argument, NULL, 'S' },
		{ "max-future", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		STREAM_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct options opt = { .max_future = -1, .jobs = 1 };
	struct totals t = { 0, 0, 0, 0 };
	struct rejects rej;
	struct run run = { NULL, &opt, &rej, &t };
	struct worker *workers;
	void **states;
	int ch, i, status;

	stream_options_init(&opt.stream);
	while ((ch = getopt_long(argc, argv, STREAM_SHORTOPTS "j:h", longopts, NULL)) != -1) {
		if (stream_option(&opt.stream, ch, optarg))
			continue;
		switch (ch) {
		case 'j': opt.jobs = (int)cli_number(optarg, 1, MAX_JOBS, "--jobs"); break;
		case 'S': opt.no_sig = 1; break;
		case 'F': opt.max_future = cli_number(optarg, 0, INT64_MAX / 2, "--max-future"); break;
		case 'h': help();
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;

	cli_on_signals(on_signal);
	cli_stdout_buffer();
	rejects_init(&rej, opt.stream.reject, opt.stream.quiet);
	workers = xcalloc((size_t)opt.jobs, sizeof *workers);
	states = xcalloc((size_t)opt.jobs, sizeof *states);
	for (i = 0; i < opt.jobs; i++) {
		workers[i].opt = &opt;
		workers[i].schnorr = schnorr_new();
		event_parser_init(&workers[i].parser);
		states[i] = &workers[i];
	}
	run.pool = ordered_pool_new(&(struct ordered_pool_config){
	    .threads = opt.jobs, .batch = BATCH_LINES, .chunk = CHUNK_LINES,
	    .record_size = sizeof(struct item), .work = verify_item, .emit = emit_item,
	    .workers = states, .ctx = &run });
	if (run.pool == NULL)
		err(1, "pthread_create");
	status = stream_operands(argc, argv, &stop, verify_input, &run);
	ordered_pool_free(run.pool);
	for (i = 0; i < opt.jobs; i++) {
		schnorr_free(workers[i].schnorr);
		event_parser_free(&workers[i].parser);
	}
	free(workers);
	free(states);
	status = stream_finish(&opt.stream, &rej, status);
	if (opt.stream.verbose && !opt.stream.quiet)
		summary(&t, &rej);
	return status;
}
