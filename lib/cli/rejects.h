/*
 * rejects.h: how a stream tool reports the lines it cannot use.
 *
 * docs/ARCHITECTURE.md, "The stream": a bad line never stops a tool; it is counted, reported on
 * standard error as "PROG: INPUT:LINE: reason" (the first few in full, then
 * only counted), and, with --reject FILE, written to FILE as it came.  A line
 * over the length limit is reported and counted but not written to FILE,
 * since its bytes were skipped without being kept.
 */
#ifndef NP_REJECTS_H
#define NP_REJECTS_H

#include <stdint.h>
#include <stdio.h>

#include "nostr/event.h"
#include "base/ndjson.h"

#define REJECTS_SHOWN_DEFAULT 10

struct rejects {
	const char *input;        /* the input's name in messages ("stdin" for -) */
	FILE *file;               /* --reject FILE, or NULL */
	int quiet;                /* -q: no messages at all */
	uint64_t max_shown;       /* messages written in full */
	uint64_t shown;
	uint64_t total;
	uint64_t count[EVENT_NERR];
};

/* rejects_init: file may be NULL; quiet silences the messages. */
void rejects_init(struct rejects *r, FILE *file, int quiet);

/*
 * rejects_add: counts line as rejected for reason e (field may name the
 * field concerned, or be NULL), reports it while fewer than max_shown have
 * been, and writes it with a newline to the reject file.
 */
void rejects_add(struct rejects *r, const struct line *line, enum event_error e,
    const char *field);

/*
 * rejects_add_text: the same with a free-form reason, counted as e (for
 * reasons outside enum event_error's wording, such as a zap problem).
 */
void rejects_add_text(struct rejects *r, const struct line *line, enum event_error e,
    const char *reason);

/* rejects_finish: says how many messages were not shown; flushes the file.
 * Returns -1 when writing the reject file failed. */
int rejects_finish(struct rejects *r);

/* rejects_summary: writes "  reason: count" lines for every nonzero count. */
void rejects_summary(const struct rejects *r, FILE *out);

#endif
