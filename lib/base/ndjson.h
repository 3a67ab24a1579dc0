/*
 * ndjson.h: reading newline-delimited lines from a file descriptor, in
 * constant memory, with a bound on the length of a line.
 *
 * The reader keeps one buffer that grows to at most max_line + 1 bytes.  A line
 * longer than max_line is not buffered: its first bytes are kept for the
 * report, the rest is read and thrown away, and it comes back as
 * LINE_TOO_LONG with its full length.  The last line may lack its newline.
 * A line's bytes (without '\n') stay valid until the next line_reader_next.
 *
 * Before every read(2) that could block because no complete line is in the
 * buffer, the reader calls the idle callback: that is where a filter flushes
 * its output, so a live event moves down the pipe at once while bulk input
 * still goes out in large writes.
 */
#ifndef NP_NDJSON_H
#define NP_NDJSON_H

#include <stddef.h>
#include <signal.h>
#include <stdint.h>

#define LINE_MAX_DEFAULT (1024 * 1024)

enum line_status {
	LINE_EOF = 0,       /* no more lines */
	LINE_OK = 1,        /* a line is in data/len */
	LINE_TOO_LONG = 2,  /* a line over max_line: data/len hold its first bytes */
	LINE_ERROR = -1,    /* read(2) failed: errno says why */
};

struct line {
	const char *data;
	size_t len;          /* bytes in data */
	size_t full_len;     /* the line's real length (differs for LINE_TOO_LONG) */
	uint64_t number;     /* 1-based line number in this input */
};

struct line_reader {
	int fd;
	char *buf;
	size_t cap, start, end;   /* unread bytes are buf[start..end) */
	size_t scanned;           /* bytes of buf[start..end) known to hold no '\n' */
	size_t max_line;
	uint64_t number;
	int eof;
	void (*idle)(void *);
	void *idle_arg;
	volatile sig_atomic_t *stop;  /* when set and nonzero, reads end early as at EOF */
};

/*
 * line_reader_init: reads from fd, lines of at most max_line bytes (0 for the
 * default, 1 MiB).  idle (may be NULL) is called with idle_arg before a read
 * that may block.
 */
void line_reader_init(struct line_reader *r, int fd, size_t max_line,
    void (*idle)(void *), void *idle_arg);

/* line_reader_free: releases the buffer (does not close fd). */
void line_reader_free(struct line_reader *r);

/* line_reader_next: the next line, as described above. */
enum line_status line_reader_next(struct line_reader *r, struct line *line);

/*
 * line_reader_buffered: 1 when a complete line (or end of input) is already
 * buffered, so line_reader_next will not block.
 */
int line_reader_buffered(struct line_reader *r);

#endif
