/*
 * enrich.h: computing what nostr-enrich adds to an event, the `meta` object
 * (meta.h has its members and writes and reads it), from the parsed event.
 *
 *   hashtags     `t` tags and #words in content (Unicode letters, digits, _,
 *                not inside URLs; not all digits), case-folded, deduplicated
 *   mentions     pubkeys from `p` tags and NIP-27 nostr:npub/nprofile (hex)
 *   refs         event ids from `e`/`q` tags and nostr:note/nevent; addresses
 *                "KIND:PUBKEY:D" from `a` tags, address `q` tags and nostr:naddr
 *   reply_to     NIP-10 parent (kind 1: marked e tags, else the deprecated
 *   root         positional form; kind 1111: NIP-22 e and E tags), or null
 *   repost_of    kinds 6 and 16 (NIP-18): the reposted event id, or null
 *   reaction_to  kind 7 (NIP-25): the last e tag, or null
 *   reaction     kind 7: the content ("" counts as "+"), or null
 *   urls         http(s) URLs in content
 *   media        those URLs whose path ends in a media extension, and NIP-92
 *                imeta urls
 *   lang         ISO 639-1 code or "und" (lang.h), for kinds with prose
 *   words        words in content without URLs and nostr: URIs (each Han or
 *                kana character counts as one)
 *   pow          NIP-13: leading zero bits of the id
 *   client       the `client` tag's value, or null
 *   zap          kind 9735 only: the receipt read by zap.h
 *
 * A struct enrich holds everything reusable across events: lists, scratch
 * buffers, the language models, the zap reader.  One per thread.  The struct
 * enrich_meta it fills is inside it and stays valid until the next call.
 */
#ifndef NP_ENRICH_H
#define NP_ENRICH_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "enrich/meta.h"
#include "nostr/event.h"
#include "nostr/zap.h"

/* Counters over all events enriched with one struct enrich. */
struct enrich_stats {
	uint64_t events;
	uint64_t uris_invalid;     /* nostr: URIs that did not decode (or nsec) */
	uint64_t zaps, zaps_invalid;
	uint64_t meta_malformed;   /* an existing meta that was not an object */
	uint64_t taken;            /* complete metas taken as they were (enrich_take) */
};

/* Options. */
struct enrich_options {
	int no_lang;               /* skip language guessing (lang is "und") */
	const char *lang_dir;      /* libexttextcat data; NULL for the default */
	uint64_t zap_max_sats;     /* 0 for ZAP_MAX_SATS_DEFAULT */
};

/* The enrichment options nostr-enrich and nostr-load both take. */
#define ENRICH_LONGOPTS \
	{ "no-lang", no_argument, NULL, 'N' }, \
	{ "lang-data", required_argument, NULL, 'D' }, \
	{ "zap-max-sats", required_argument, NULL, 'Z' }

/*
 * enrich_option: applies option ch (N, D or Z of ENRICH_LONGOPTS) with its
 * argument and returns 1, or returns 0 for any other option.  Returns -1
 * when the argument is bad, with *bad the option's name ("--zap-max-sats"):
 * the tool then says "invalid NAME: ARG" and exits 2.
 */
int enrich_option(struct enrich_options *o, int ch, const char *arg, const char **bad);

struct enrich;

/*
 * enrich_new: an enricher.  Returns NULL with *why set when the language
 * models cannot be loaded (unless opt->no_lang).
 */
struct enrich *enrich_new(const struct enrich_options *opt, const char **why);

/* enrich_free: releases it (NULL is fine). */
void enrich_free(struct enrich *e);

/* enrich_stats: the counters so far. */
const struct enrich_stats *enrich_get_stats(const struct enrich *e);

/*
 * enrich_event: computes the meta of ev, which event_parse made from line
 * (len bytes).  An existing meta in the line contributes relay, received_at,
 * and, when reuse is set, lang and a kind-9735 receipt's zap (so nostr-load
 * need not guess again what nostr-enrich already guessed, nor verify the zap
 * request's signature twice: it trusts that meta.zap, taken whole when every
 * member is there and well-formed, else read again).  Returns the meta, owned
 * by e.
 */
const struct enrich_meta *enrich_event(struct enrich *e, const char *line, size_t len,
    const struct event *ev, int reuse);

/*
 * enrich_take: the meta of ev read from its line when the line carries a
 * complete, well-formed one (meta_read), as nostr-enrich writes it; NULL
 * otherwise (then enrich_event computes it).  Counted as enriched.
 */
const struct enrich_meta *enrich_take(struct enrich *e, const char *line,
    const struct event *ev);

/*
 * enrich_write_meta: appends the meta object as JSON ({...}) to out
 * (meta_write: members of the line's existing meta that are not owned,
 * relay, received_at and anything else, come first, unchanged).
 */
void enrich_write_meta(struct enrich *e, const char *line, size_t len,
    const struct event *ev, struct buf *out);

/*
 * enrich_write_line: appends line with its meta set (added before the closing
 * brace, or replacing the existing meta's value) and a newline to out.  Every
 * other byte of the line is kept as it came.
 */
void enrich_write_line(struct enrich *e, const char *line, size_t len,
    const struct event *ev, struct buf *out);

/* enrich_scan_content: the content-only part (hashtags, mentions, refs,
 * urls, media, words and the text for language guessing); exposed for the
 * fuzz target and unit tests.  Fills e's meta lists (reset first). */
void enrich_scan_content(struct enrich *e, const char *s, size_t len);

/* enrich_meta_of: the meta that the last call filled. */
const struct enrich_meta *enrich_meta_of(const struct enrich *e);

#endif
