/*
 * stream.h: what every NDJSON filter (nostr-verify, nostr-enrich,
 * nostr-load) shares: the options about bad input and reporting, opening
 * each operand in turn, and the exit status (docs/ARCHITECTURE.md, "The
 * stream").
 *
 * A tool puts STREAM_LONGOPTS into its getopt_long table and
 * STREAM_SHORTOPTS into its short option string, passes each option to
 * stream_option() first, and handles only its own when that returns 0.
 */
#ifndef NP_STREAM_H
#define NP_STREAM_H

#include <getopt.h>
#include <signal.h>
#include <stdio.h>

#include "base/ndjson.h"
#include "cli/rejects.h"
#include "nostr/event.h"

struct stream_options {
	size_t max_line;   /* --max-line */
	FILE *reject;      /* --reject FILE, or NULL */
	int verbose;       /* -v */
	int quiet;         /* -q */
	int strict;        /* --strict */
};

/* Codes of the long options without a short form (outside any character). */
enum { STREAM_OPT_REJECT = 0x100, STREAM_OPT_MAX_LINE, STREAM_OPT_STRICT };

#define STREAM_SHORTOPTS "vqV"
#define STREAM_LONGOPTS \
	{ "reject", required_argument, NULL, STREAM_OPT_REJECT }, \
	{ "max-line", required_argument, NULL, STREAM_OPT_MAX_LINE }, \
	{ "strict", no_argument, NULL, STREAM_OPT_STRICT }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "version", no_argument, NULL, 'V' }

/* The --help lines of the shared options. */
#define STREAM_OPTIONS_HELP \
	"      --reject FILE      write rejected lines to FILE as they came\n" \
	"      --max-line BYTES   longest line accepted (default 1048576)\n" \
	"      --strict           exit 1 if any line was rejected\n" \
	"  -v, --verbose          print a summary on standard error\n" \
	"  -q, --quiet            no messages about rejected lines\n" \
	"  -V, --version          print the version\n"

/* stream_options_init: the defaults (1 MiB lines, no reject file). */
void stream_options_init(struct stream_options *o);

/*
 * stream_option: applies option ch (with its argument) when it is a shared
 * one and returns 1; returns 0 for any other.  -V prints the version and
 * exits 0; a bad value or an unwritable reject file exits 2 or 1.
 */
int stream_option(struct stream_options *o, int ch, const char *arg);

/* One operand being read. */
struct stream_input {
	struct line_reader reader;
	int fd;
	const char *name;   /* for messages: the file name, or "stdin" */
};

/*
 * stream_open: opens operand ("-" is standard input) for line reading with
 * the options' line limit, the stop flag of the tool's signal handler, and
 * idle (NULL: flush stdout) called before a read that may block.  Points the
 * reject messages at this input.  Returns 0, or -1 (with a warning) when the
 * operand cannot be opened.
 */
int stream_open(struct stream_input *in, const char *operand,
    const struct stream_options *o, struct rejects *rej,
    volatile sig_atomic_t *stop, void (*idle)(void *), void *idle_arg);

/*
 * stream_close: releases the input; last is the final line_reader_next()
 * status, and a LINE_ERROR is reported.  Returns -1 after a read error.
 */
int stream_close(struct stream_input *in, enum line_status last);

/* stream_event_fn: one well-formed event and its line; 0 goes on, -1 stops reading. */
typedef int (*stream_event_fn)(void *arg, const struct line *line, const struct event *ev);

/*
 * stream_events: the read loop of the filters that take events.  Opens
 * operand as stream_open does (idle NULL: flush stdout), counts every line
 * in *lines, rejects a line too long or not a well-formed event (structure
 * only, parsed with p), and gives each other one to fn, until the input ends,
 * *stop is set, or fn returns -1.  Returns what stream_close returns, or -1
 * when the operand cannot be opened.
 */
int stream_events(const char *operand, const struct stream_options *o,
    struct rejects *rej, volatile sig_atomic_t *stop, struct event_parser *p,
    uint64_t *lines, stream_event_fn fn, void *arg);

/*
 * stream_operands: calls fn(operand, arg) for each operand, or for "-" when
 * there are none, until *stop is set.  Returns 1 if any call returned < 0.
 */
int stream_operands(int argc, char *argv[], volatile sig_atomic_t *stop,
    int (*fn)(const char *operand, void *arg), void *arg);

/*
 * stream_finish: flushes standard output (exits 1 on a write error),
 * reports the rejects not shown, closes the reject file, and returns the
 * exit status: 1 after an input error (failed) or, with --strict, any
 * rejected line; 0 otherwise.
 */
int stream_finish(struct stream_options *o, struct rejects *rej, int failed);

#endif
