/*
 * nostr-enrich: adds the `meta` object (hashtags, mentions, refs, threads,
 * reposts, reactions, URLs, media, language, words, proof of work, client,
 * zap receipts) to each event, passing every other byte of the line through.
 *
 * Structurally bad lines are rejected (reported, counted, --reject FILE);
 * ids and signatures are nostr-verify's job and are not checked here, except
 * the zap request inside a zap receipt, whose signature decides zap.valid.
 */
#include <err.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "enrich/enrich.h"
#include "nostr/event.h"
#include "enrich/lang.h"
#include "base/ndjson.h"
#include "cli/rejects.h"
#include "cli/stream.h"

struct options {
	struct stream_options stream;
	struct enrich_options enrich;
};

struct totals {
	uint64_t read, written;
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
	fprintf(stderr, "usage: %s [-qvV] [--no-lang] [--lang-data DIR] [--zap-max-sats N] "
	    "[--reject FILE] [--max-line BYTES] [--strict] [FILE ...]\n", getprogname());
	exit(2);
}

static void __attribute__((noreturn))
help(void)
{
	printf("usage: %s [options] [FILE ...]\n"
	    "Adds a \"meta\" object to each Nostr event (NDJSON).\n\n"
	    "      --no-lang          do not guess languages (lang is \"und\")\n"
	    "      --lang-data DIR    libexttextcat fingerprints (default %s)\n"
	    "      --zap-max-sats N   flag zaps above N sats as implausible (default %d)\n"
	    STREAM_OPTIONS_HELP
	    "  -h, --help             this help\n", getprogname(), LANG_DATA_DIR_DEFAULT,
	    ZAP_MAX_SATS_DEFAULT);
	exit(0);
}

/* The state enrich_input needs besides the operand. */
struct run {
	struct enrich *enrich;
	const struct options *opt;
	struct rejects *rejects;
	struct totals *totals;
	struct event_parser parser;
	struct buf out;
};

/* enrich_one: stream_event_fn, one event enriched to stdout. */
static int
enrich_one(void *arg, const struct line *line, const struct event *ev)
{
	struct run *run = arg;

	enrich_event(run->enrich, line->data, line->len, ev, 0);
	buf_reset(&run->out);
	enrich_write_line(run->enrich, line->data, line->len, ev, &run->out);
	if (fwrite(run->out.data, 1, run->out.len, stdout) != run->out.len)
		return -1;
	run->totals->written++;
	return 0;
}

static int
enrich_input(const char *operand, void *arg)
{
	struct run *run = arg;

	return stream_events(operand, &run->opt->stream, run->rejects, &stop, &run->parser,
	    &run->totals->read, enrich_one, run);
}

static void
summary(const struct enrich *e, const struct totals *t, const struct rejects *rej)
{
	const struct enrich_stats *s = enrich_get_stats(e);

	fprintf(stderr, "%s: %" PRIu64 " lines read, %" PRIu64 " enriched, %" PRIu64
	    " rejected\n", getprogname(), t->read, t->written, rej->total);
	fprintf(stderr, "  %-24s %" PRIu64 "\n", "zap receipts", s->zaps);
	fprintf(stderr, "  %-24s %" PRIu64 "\n", "zaps with problems", s->zaps_invalid);
	fprintf(stderr, "  %-24s %" PRIu64 "\n", "invalid nostr: URIs", s->uris_invalid);
	if (s->meta_malformed)
		fprintf(stderr, "  %-24s %" PRIu64 "\n", "meta not an object", s->meta_malformed);
	rejects_summary(rej, stderr);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		ENRICH_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		STREAM_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct options opt;
	struct rejects rej;
	struct totals t = { 0, 0 };
	struct run run;
	const char *why = NULL;
	const char *bad;
	int ch, known, status;

	memset(&opt, 0, sizeof opt);
	stream_options_init(&opt.stream);
	while ((ch = getopt_long(argc, argv, STREAM_SHORTOPTS "h", longopts, NULL)) != -1) {
		if (stream_option(&opt.stream, ch, optarg))
			continue;
		if ((known = enrich_option(&opt.enrich, ch, optarg, &bad)) < 0)
			errx(2, "invalid %s: %s", bad, optarg);
		if (known)
			continue;
		switch (ch) {
		case 'h': help();
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;

	memset(&run, 0, sizeof run);
	if ((run.enrich = enrich_new(&opt.enrich, &why)) == NULL)
		errx(1, "%s", why);
	run.opt = &opt;
	run.rejects = &rej;
	run.totals = &t;
	event_parser_init(&run.parser);
	cli_on_signals(on_signal);
	cli_stdout_buffer();
	rejects_init(&rej, opt.stream.reject, opt.stream.quiet);
	status = stream_operands(argc, argv, &stop, enrich_input, &run);
	status = stream_finish(&opt.stream, &rej, status);
	if (opt.stream.verbose)
		summary(run.enrich, &t, &rej);
	enrich_free(run.enrich);
	event_parser_free(&run.parser);
	buf_free(&run.out);
	return status;
}
