#include "base/ndjson.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"

/* The first read size; the buffer grows from here up to max_line + 1. */
#define READ_CHUNK (256 * 1024)

void
line_reader_init(struct line_reader *r, int fd, size_t max_line,
    void (*idle)(void *), void *idle_arg)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->max_line = max_line ? max_line : LINE_MAX_DEFAULT;
	r->cap = READ_CHUNK;
	if (r->cap < 64)
		r->cap = 64;
	r->buf = xmalloc(r->cap);
	r->idle = idle;
	r->idle_arg = idle_arg;
}

void
line_reader_free(struct line_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* find_newline: the offset of the next '\n' in the unread bytes, or -1. */
static ptrdiff_t
find_newline(struct line_reader *r)
{
	char *nl = memchr(r->buf + r->start + r->scanned, '\n',
	    r->end - r->start - r->scanned);

	if (nl == NULL) {
		r->scanned = r->end - r->start;
		return -1;
	}
	return nl - (r->buf + r->start);
}

int
line_reader_buffered(struct line_reader *r)
{
	return r->eof || find_newline(r) >= 0;
}

/* fill: reads more bytes after making room; 1 read, 0 at EOF, -1 on error. */
static int
fill(struct line_reader *r)
{
	ssize_t n;

	if (r->start > 0 && (r->end == r->cap || r->start > r->cap / 2)) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		size_t cap = r->cap * 2;

		if (cap > r->max_line + 1)
			cap = r->max_line + 1;
		if (cap <= r->cap)
			return 1;  /* full: the caller handles the long line */
		r->buf = xrealloc(r->buf, cap);
		r->cap = cap;
	}
	if (r->stop && *r->stop)
		return 0;
	if (r->idle)
		r->idle(r->idle_arg);
	/* A signal may have come while the idle callback waited (nostr-load polls). */
	if (r->stop && *r->stop)
		return 0;
	do
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
	while (n < 0 && errno == EINTR && !(r->stop && *r->stop));
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	if (n == 0)
		return 0;
	r->end += (size_t)n;
	return 1;
}

/* How much of an overlong line is kept to show in the report. */
#define KEEP_PREFIX 256

/* skip_rest: reads and drops the rest of an overlong line, in constant memory. */
static enum line_status
skip_rest(struct line_reader *r, struct line *line)
{
	size_t total = r->end - r->start;
	size_t keep = total < KEEP_PREFIX ? total : KEEP_PREFIX;
	char *nl;
	ssize_t n;

	memmove(r->buf, r->buf + r->start, keep);
	r->start = r->end = r->scanned = 0;
	for (;;) {
		do
			n = read(r->fd, r->buf + keep, r->cap - keep);
		while (n < 0 && errno == EINTR && !(r->stop && *r->stop));
		if (n < 0 && errno != EINTR)
			return LINE_ERROR;
		if (n <= 0) {
			r->eof = 1;
			break;
		}
		nl = memchr(r->buf + keep, '\n', (size_t)n);
		if (nl != NULL) {
			size_t used = (size_t)(nl - (r->buf + keep));

			total += used;
			/* What follows the newline is the next line's start. */
			r->start = keep + used + 1;
			r->end = keep + (size_t)n;
			break;
		}
		total += (size_t)n;
	}
	line->data = r->buf;
	line->len = keep;
	line->full_len = total;
	line->number = ++r->number;
	return LINE_TOO_LONG;
}

enum line_status
line_reader_next(struct line_reader *r, struct line *line)
{
	ptrdiff_t nl;
	int rc;

	for (;;) {
		if ((nl = find_newline(r)) >= 0) {
			line->data = r->buf + r->start;
			line->len = line->full_len = (size_t)nl;
			line->number = ++r->number;
			r->start += (size_t)nl + 1;
			r->scanned = 0;
			if (line->len > r->max_line)
				goto too_long;
			return LINE_OK;
		}
		if (r->end - r->start > r->max_line)
			return skip_rest(r, line);
		if (r->eof)
			break;
		if ((rc = fill(r)) < 0)
			return LINE_ERROR;
		if (rc == 0)
			r->eof = 1;
	}
	if (r->end == r->start)
		return LINE_EOF;
	/* The last line, without a newline. */
	line->data = r->buf + r->start;
	line->len = line->full_len = r->end - r->start;
	line->number = ++r->number;
	r->start = r->end = r->scanned = 0;
	return line->len > r->max_line ? LINE_TOO_LONG : LINE_OK;
too_long:
	if (line->len > KEEP_PREFIX)
		line->len = KEEP_PREFIX;
	return LINE_TOO_LONG;
}
