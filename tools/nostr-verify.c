/*
 * nostr-verify: keeps the events whose structure, id and signature are valid,
 * byte for byte as they came, and reports the rest.
 *
 * With -j N the lines are verified in batches by N threads (this one
 * included), each with its own parser and libsecp256k1 context, and written
 * in input order.  A batch ends when it is full or when no further complete
 * line is buffered, so a lone live event is verified and flushed at once.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "nostr/event.h"
#include "base/ndjson.h"
#include "cli/rejects.h"
#include "nostr/schnorr.h"
#include "cli/stream.h"

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

/* Lines copied out of the reader, so that threads can work on them together. */
struct batch {
	struct buf text;
	size_t *offset;
	struct line *lines;   /* data pointers are filled in when the batch is full */
	struct verdict *verdicts;
	size_t n;
};

struct worker {
	pthread_t thread;
	struct event_parser parser;
	struct schnorr *schnorr;
	struct pool *pool;
};

struct pool {
	const struct options *opt;
	int64_t now;
	struct worker *workers;
	int nworkers;
	pthread_barrier_t start, finish;
	struct batch *batch;
	atomic_size_t next;
	int done;
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
check_line(struct worker *w, const struct options *opt, int64_t now,
    const char *data, size_t len)
{
	struct verdict v = { EVENT_OK, 0, NULL };
	struct event ev;

	if ((v.error = event_parse(&w->parser, data, len, &ev)) != EVENT_OK) {
		v.field = w->parser.field;
		return v;
	}
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

/* emit: writes a kept line or reports a rejected one. */
static void
emit(const struct line *line, const struct verdict *v, struct rejects *rej,
    struct totals *t)
{
	t->read++;
	if (v->error == EVENT_OK) {
		t->kept++;
		t->legacy += (uint64_t)v->legacy;
		t->bytes += line->full_len + 1;
		fwrite(line->data, 1, line->len, stdout);
		putchar('\n');
	} else {
		rejects_add(rej, line, v->error, v->field);
	}
}

/* work: verifies chunks of the current batch until none is left. */
static void
work(struct worker *w)
{
	struct pool *p = w->pool;
	struct batch *b = p->batch;
	size_t i, end;

	while ((i = atomic_fetch_add(&p->next, CHUNK_LINES)) < b->n) {
		end = i + CHUNK_LINES < b->n ? i + CHUNK_LINES : b->n;
		for (; i < end; i++)
			if (b->verdicts[i].error == EVENT_OK)
				b->verdicts[i] = check_line(w, p->opt, p->now,
				    b->lines[i].data, b->lines[i].len);
	}
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	for (;;) {
		pthread_barrier_wait(&w->pool->start);
		if (w->pool->done)
			return NULL;
		work(w);
		pthread_barrier_wait(&w->pool->finish);
	}
}

static void
pool_init(struct pool *p, const struct options *opt)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->opt = opt;
	p->nworkers = opt->jobs;
	p->workers = xcalloc((size_t)opt->jobs, sizeof(*p->workers));
	pthread_barrier_init(&p->start, NULL, (unsigned)opt->jobs);
	pthread_barrier_init(&p->finish, NULL, (unsigned)opt->jobs);
	for (i = 0; i < opt->jobs; i++) {
		struct worker *w = &p->workers[i];

		w->pool = p;
		w->schnorr = schnorr_new();
		event_parser_init(&w->parser);
		/* Worker 0 is this thread. */
		if (i > 0 && (errno = pthread_create(&w->thread, NULL, worker_main, w)) != 0)
			err(1, "pthread_create");
	}
}

static void
pool_free(struct pool *p)
{
	int i;

	if (p->nworkers > 1) {
		p->done = 1;
		pthread_barrier_wait(&p->start);
	}
	for (i = 0; i < p->nworkers; i++) {
		if (i > 0)
			pthread_join(p->workers[i].thread, NULL);
		schnorr_free(p->workers[i].schnorr);
		event_parser_free(&p->workers[i].parser);
	}
	pthread_barrier_destroy(&p->start);
	pthread_barrier_destroy(&p->finish);
	free(p->workers);
}

/* run_batch: verifies the batch with every thread, then writes it in order. */
static void
run_batch(struct pool *p, struct batch *b, struct rejects *rej, struct totals *t)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		b->lines[i].data = b->text.data + b->offset[i];
	p->batch = b;
	p->now = (int64_t)time(NULL);
	atomic_store(&p->next, 0);
	if (p->nworkers > 1)
		pthread_barrier_wait(&p->start);
	work(&p->workers[0]);
	if (p->nworkers > 1)
		pthread_barrier_wait(&p->finish);
	for (i = 0; i < b->n; i++)
		emit(&b->lines[i], &b->verdicts[i], rej, t);
	buf_reset(&b->text);
	b->n = 0;
}

static void
batch_add(struct batch *b, const struct line *line, enum event_error preset)
{
	b->offset[b->n] = b->text.len;
	b->lines[b->n] = *line;
	b->verdicts[b->n] = (struct verdict){ preset, 0, NULL };
	buf_append(&b->text, line->data, line->len);
	b->n++;
}

/* verify_parallel: the -j loop over one input. */
static int
verify_parallel(struct pool *p, struct line_reader *r, struct rejects *rej,
    struct totals *t)
{
	struct batch b = { BUF_INIT, NULL, NULL, NULL, 0 };
	enum line_status st;
	struct line line;

	b.offset = xcalloc(BATCH_LINES, sizeof(*b.offset));
	b.lines = xcalloc(BATCH_LINES, sizeof(*b.lines));
	b.verdicts = xcalloc(BATCH_LINES, sizeof(*b.verdicts));
	while ((st = line_reader_next(r, &line)) > 0) {
		batch_add(&b, &line, st == LINE_TOO_LONG ? EVENT_ERR_TOO_LONG : EVENT_OK);
		if (b.n == BATCH_LINES || !line_reader_buffered(r))
			run_batch(p, &b, rej, t);
	}
	if (b.n)
		run_batch(p, &b, rej, t);
	buf_free(&b.text);
	free(b.offset);
	free(b.lines);
	free(b.verdicts);
	return st == LINE_ERROR ? -1 : 0;
}

/* verify_serial: one thread, no copying. */
static int
verify_serial(struct pool *p, struct line_reader *r, struct rejects *rej,
    struct totals *t)
{
	struct worker *w = &p->workers[0];
	enum line_status st;
	struct verdict v;
	struct line line;

	while ((st = line_reader_next(r, &line)) > 0) {
		if (st == LINE_TOO_LONG) {
			v = (struct verdict){ EVENT_ERR_TOO_LONG, 0, NULL };
		} else {
			/* time(2) is a vDSO call: cheap enough per line of a live stream. */
			p->now = (int64_t)time(NULL);
			v = check_line(w, p->opt, p->now, line.data, line.len);
		}
		emit(&line, &v, rej, t);
	}
	return st == LINE_ERROR ? -1 : 0;
}

/* The state verify_input needs besides the operand. */
struct run {
	struct pool *pool;
	struct rejects *rejects;
	struct totals *totals;
};

static int
verify_input(const char *operand, void *arg)
{
	struct run *run = arg;
	struct stream_input in;
	struct pool *p = run->pool;
	int rc;

	if (stream_open(&in, operand, &p->opt->stream, run->rejects, &stop, NULL, NULL) < 0)
		return -1;
	rc = p->nworkers > 1 ? verify_parallel(p, &in.reader, run->rejects, run->totals) :
	    verify_serial(p, &in.reader, run->rejects, run->totals);
	return stream_close(&in, rc < 0 ? LINE_ERROR : LINE_EOF);
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
	struct pool pool;
	struct run run = { &pool, &rej, &t };
	int ch, status;

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
	pool_init(&pool, &opt);
	status = stream_operands(argc, argv, &stop, verify_input, &run);
	pool_free(&pool);
	status = stream_finish(&opt.stream, &rej, status);
	if (opt.stream.verbose && !opt.stream.quiet)
		summary(&t, &rej);
	return status;
}
