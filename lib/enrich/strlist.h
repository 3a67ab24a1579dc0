/*
 * strlist.h: a deduplicated list of strings, in order of first appearance:
 * the lists of a meta object (hashtags, mentions, refs, urls, media).
 *
 * The strings live in one buffer, each followed by a NUL, and may hold NUL
 * themselves (use the length).  strlist_reset keeps all memory, so a list
 * reused for every event allocates only while its longest event grows.  A
 * zeroed struct is an empty list.
 */
#ifndef NP_STRLIST_H
#define NP_STRLIST_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

struct strlist {
	struct buf bytes;      /* the strings, each followed by a NUL */
	size_t *off;           /* start of string i in bytes */
	size_t *len;           /* its length */
	size_t n, cap;
	uint32_t *slots;       /* open-addressing set: index + 1, 0 = empty */
	size_t nslots;
};

/* strlist_reset: empties l, keeping its memory. */
void strlist_reset(struct strlist *l);

/* strlist_free: releases l's memory; l is an empty list afterwards. */
void strlist_free(struct strlist *l);

/* strlist_add: adds s[0..len) unless present; returns 1 when added. */
int strlist_add(struct strlist *l, const char *s, size_t len);

/* strlist_get: string i (NUL-terminated, but use *len: it may hold NUL). */
const char *strlist_get(const struct strlist *l, size_t i, size_t *len);

#endif
