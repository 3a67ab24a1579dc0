/*
 * buf.h: a growable byte buffer.
 *
 * A struct buf owns `data` (heap, or NULL while empty).  `len` bytes are in use,
 * `cap` allocated.  Buffers are meant to be reused: buf_reset() keeps the memory,
 * so a hot loop allocates only while its largest input grows.  The contents are
 * kept NUL-terminated after every append (data[len] == 0) for convenience, though
 * they may hold NUL bytes themselves.
 *
 * Running out of memory is the one condition library code does not return
 * from: the functions call buf_out_of_memory(), as there is nothing better a
 * stream filter can do (docs/ARCHITECTURE.md, "Errors").
 */
#ifndef NP_BUF_H
#define NP_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

/*
 * buf_out_of_memory: prints "PROG: out of memory" and aborts.  Every
 * allocation of the library that cannot fail gracefully ends here.
 */
void buf_out_of_memory(void) __attribute__((noreturn));

/* buf_reserve: makes room for `extra` more bytes (plus the terminating NUL). */
void buf_reserve(struct buf *b, size_t extra);

/* buf_append: appends `len` bytes from `p`. */
void buf_append(struct buf *b, const void *p, size_t len);

/* buf_putc: appends one byte. */
void buf_putc(struct buf *b, char c);

/* buf_puts: appends a C string. */
void buf_puts(struct buf *b, const char *s);

/* buf_printf: appends printf-formatted text. */
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* buf_reset: empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);

/* buf_free: releases the memory; the buffer is empty and reusable afterwards. */
void buf_free(struct buf *b);

/*
 * xgrow: the array p, of *cap elements of size bytes, with room for at
 * least need elements: doubled (from 16) as often as that takes, *cap set
 * to the new count.  Exits on failure, as the x functions below.
 */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);

/* xmalloc, xrealloc, xcalloc, xstrdup: allocation that exits on failure. */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

#endif
