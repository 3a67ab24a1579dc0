/*
 * meta.h: the `meta` object on the wire (docs/ARCHITECTURE.md, "The stream"): the struct that holds
 * one event's enrichment, and the one table of its members from which it is
 * written (nostr-enrich), read back (nostr-load), and counted (nostr-score).
 * enrich.h computes the values; this module only moves them to and from JSON.
 *
 * The members, in the order meta_write writes them:
 *
 *   lang         ISO 639-1 code or "und" (lang.h), for kinds with prose
 *   hashtags     `t` tags and #words in content, case-folded, deduplicated
 *   mentions     pubkeys (hex) from `p` tags and NIP-27 nostr:npub/nprofile
 *   refs         event ids (hex) from `e`/`q` tags and nostr:note/nevent;
 *                addresses "KIND:PUBKEY:D" from `a`/`q` tags and nostr:naddr
 *   reply_to     NIP-10 / NIP-22 parent event id, or null
 *   root         the thread's root event id, or null
 *   repost_of    kinds 6 and 16 (NIP-18): the reposted event id, or null
 *   reaction_to  kind 7 (NIP-25): the reacted-to event id, or null
 *   reaction     kind 7: the content ("" counts as "+"), or null
 *   urls         http(s) URLs in content
 *   media        those of them that name media, and NIP-92 imeta urls
 *   words        words in content (each Han or kana character counts as one)
 *   pow          NIP-13: leading zero bits of the id
 *   client       the `client` tag's value, or null
 *   zap          kind 9735 only: {sats, msat, sender, recipient, event,
 *                address, comment, valid, problems} (zap.h)
 *
 * Two more, relay and received_at, are nostr-fetch's (where and when the
 * event arrived): read when present and of their type, never written here,
 * as every member this module does not own is kept as it came, byte for
 * byte and in its order, ahead of the owned ones.
 *
 * Reading a meta back (meta_read) takes it only whole: every owned member
 * present once, each of its type and form (ids as 64 lower-case hex digits,
 * addresses as KIND:PUBKEY:D, hashtags and URLs no longer than enrich keeps
 * them, zap only on kind 9735 and complete, valid agreeing with problems).
 * Anything else is refused, and the caller computes the meta itself.  The
 * values are trusted as they are: the meta is the stream's claim, as the
 * event's own fields are.
 */
#ifndef NP_META_H
#define NP_META_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "enrich/strlist.h"
#include "nostr/zap.h"

/* Longest hashtag kept, in bytes (longer #runs are not hashtags but noise). */
#define META_MAX_HASHTAG 64
/* Longest URL kept, in bytes. */
#define META_MAX_URL 2048

/*
 * The meta of one event.  Hex ids are NUL-terminated lower case.  The
 * strings (reaction, client, relay, lang) point into the event's line, a
 * constant, or a struct meta_reader's buffers: they live as long as those.
 */
struct enrich_meta {
	struct strlist hashtags, mentions, refs, urls, media;
	int has_reply_to, has_root, has_repost_of, has_reaction_to, has_reaction;
	char reply_to[65], root[65], repost_of[65], reaction_to[65];
	const char *reaction;
	size_t reaction_len;
	const char *client;            /* NULL for null */
	size_t client_len;
	const char *lang;              /* NULL when not computed */
	uint64_t words;
	unsigned pow;
	int has_zap;
	struct zap zap;
	const char *relay;             /* NULL when absent */
	size_t relay_len;
	int has_received_at;
	double received_at;
};

/* meta_clear: empties m (its lists keep their memory). */
void meta_clear(struct enrich_meta *m);

/* meta_free: releases the memory of m's lists; m is empty afterwards. */
void meta_free(struct enrich_meta *m);

/*
 * meta_is_address: s[0..len) has the NIP-01 `a` tag form KIND:PUBKEY:D
 * (kind in decimal up to 65535, pubkey in hex, D any string, even empty).
 */
int meta_is_address(const char *s, size_t len);

/*
 * meta_write: appends m as a JSON object to out.  The members of prev (the
 * event's existing meta, prev_len bytes; NULL for none) that this module
 * does not own come first, unchanged; then the owned ones, zap only when
 * m->has_zap.  key is scratch for prev's keys.
 */
void meta_write(const struct enrich_meta *m, const char *prev, size_t prev_len,
    struct buf *key, struct buf *out);

/*
 * meta_rest: appends to out what a store keeps of the meta json[0..len)
 * beside its columns and tables (schema.sql: nostr_events.meta), as a JSON
 * object: the members this module does not own, except nostr-fetch's relay
 * and received_at, and urls and media when they are not empty, each as it
 * came.  Appends nothing when nothing is left.  A malformed meta is kept up
 * to where it breaks.  key is scratch.
 */
void meta_rest(const char *json, size_t len, struct buf *key, struct buf *out);

/* Buffers that the strings of what meta_read fills point into. */
struct meta_reader {
	struct buf key, item;
	struct buf zap_text[2];        /* zap's address, comment */
	struct buf text[3];            /* reaction, client, relay */
	char lang[16];
};

/* meta_reader_free: releases the buffers. */
void meta_reader_free(struct meta_reader *r);

/*
 * meta_read: fills m (cleared first) from the meta object json[0..len) of
 * an event of kind when it is whole (above); relay and received_at too when
 * present.  Returns 0, or -1 (m is then partly filled and must be computed
 * anew).  m's strings stay valid until r's next use.
 */
int meta_read(struct meta_reader *r, const char *json, size_t len, uint32_t kind,
    struct enrich_meta *m);

/*
 * meta_read_kept: what an enricher keeps from an existing meta json[0..len)
 * that need not be whole: relay and received_at; with reuse also a plausible
 * lang (2 to 15 of a-z and '-'), and on kind 9735 a zap that meta_read would
 * take (m->has_zap set; the last zap member decides).  Fills only those
 * members of m, and stops at the first malformed JSON, keeping what came
 * before.  Returns 0, or -1 when json is not a well-formed object.
 */
int meta_read_kept(struct meta_reader *r, const char *json, size_t len, uint32_t kind,
    int reuse, struct enrich_meta *m);

/* The lengths of a meta's lists. */
struct meta_counts {
	uint64_t hashtags, mentions, refs, urls, media;
};

/*
 * meta_count: the number of values in each list member of the meta text
 * json[0..len) (NULL is fine), whatever they are; 0 for a list that is
 * absent or not an array.  A malformed meta counts up to where it breaks.
 * Nothing is checked or decoded beyond keys: this is for metas a store holds.
 */
void meta_count(const char *json, size_t len, struct meta_counts *n);

#endif
