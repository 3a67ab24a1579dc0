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

#include "buf.h"
#include "cli.h"
#include "enrich.h"
#include "event.h"
#include "lang.h"
#include "ndjson.h"
#include "rejects.h"

struct options {
	size_t max_line;
	FILE *reject;
	int verbose, quiet, strict;
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
	    "      --reject FILE      write rejected lines to FILE as they came\n"
	    "      --max-line BYTES   longest line accepted (default 1048576)\n"
	    "      --strict           exit 1 if any line was rejected\n"
	    "  -v, --verbose          print a summary on standard error\n"
	    "  -q, --quiet            no messages about rejected lines\n"
	    "  -V, --version          print the version\n"
	    "  -h, --help             this help\n", getprogname(), LANG_DATA_DIR_DEFAULT,
	    ZAP_MAX_SATS_DEFAULT);
	exit(0);
}

static int
enrich_input(struct enrich *e, const struct options *opt, const char *operand,
    struct rejects *rej, struct totals *t)
{
	struct event_parser parser;
	struct line_reader r;
	struct buf out = BUF_INIT;
	enum line_status st;
	struct line line;
	struct event ev;
	enum event_error ee;
	int fd;

	if ((fd = cli_open_input(operand)) < 0)
		return -1;
	rej->input = cli_input_name(operand);
	event_parser_init(&parser);
	line_reader_init(&r, fd, opt->max_line, cli_flush_stdout, NULL);
	r.stop = &stop;
	while ((st = line_reader_next(&r, &line)) > 0) {
		t->read++;
		if (st == LINE_TOO_LONG) {
			rejects_add(rej, &line, EVENT_ERR_TOO_LONG, NULL);
			continue;
		}
		if ((ee = event_parse(&parser, line.data, line.len, &ev)) != EVENT_OK) {
			rejects_add(rej, &line, ee, parser.field);
			continue;
		}
		enrich_event(e, line.data, line.len, &ev, 0);
		buf_reset(&out);
		enrich_write_line(e, line.data, line.len, &ev, &out);
		if (fwrite(out.data, 1, out.len, stdout) != out.len)
			break;
		t->written++;
	}
	if (st == LINE_ERROR)
		warn("%s", cli_input_name(operand));
	buf_free(&out);
	line_reader_free(&r);
	event_parser_free(&parser);
	if (fd != STDIN_FILENO)
		close(fd);
	return st == LINE_ERROR ? -1 : 0;
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
	struct rejects rej;
	struct totals t = { 0, 0 };
	struct enrich *e;
	const char *why = NULL;
	int ch, i, failed = 0;

	memset(&opt, 0, sizeof opt);
	opt.max_line = LINE_MAX_DEFAULT;
	while ((ch = getopt_long(argc, argv, "vqVh", longopts, NULL)) != -1) {
		switch (ch) {
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

	if ((e = enrich_new(&opt.enrich, &why)) == NULL)
		errx(1, "%s", why);
	cli_on_signals(on_signal);
	cli_stdout_buffer();
	rejects_init(&rej, opt.reject, opt.quiet);
	if (argc == 0) {
		failed |= enrich_input(e, &opt, "-", &rej, &t) < 0;
	} else {
		for (i = 0; i < argc && !stop; i++)
			failed |= enrich_input(e, &opt, argv[i], &rej, &t) < 0;
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		err(1, "stdout");
	if (rejects_finish(&rej) < 0)
		failed = 1;
	if (opt.verbose)
		summary(e, &t, &rej);
	enrich_free(e);
	if (opt.reject != NULL && fclose(opt.reject) != 0)
		err(1, "reject file");
	if (failed)
		return 1;
	return opt.strict && rej.total > 0 ? 1 : 0;
}
