/*
 * metaread.h: reading back a `meta` object that nostr-enrich wrote (enrich.h
 * lists its members), so that nostr-load need not derive again what the
 * stream already carries (DESIGN.md: nostr-load "enriches what lacks meta").
 *
 * A meta is taken only whole: every member enrich owns present once, each of
 * its type and form (hex ids as 64 lower-case digits, addresses as
 * KIND:PUBKEY:D, hashtags and URLs no longer than enrich keeps them, zap only
 * on kind 9735 and complete).  Anything else is refused, and the caller
 * enriches the event itself.  The values are trusted as they are: the meta
 * is the stream's claim, as the event's own fields are.
 */
#ifndef NP_METAREAD_H
#define NP_METAREAD_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "enrich/enrich.h"
#include "base/json.h"
#include "base/jsonobj.h"
#include "nostr/zap.h"

/* Buffers that hold the decoded strings a meta_read result points into. */
struct meta_reader {
	struct buf key, item, relay, reaction, client, zap_address, zap_comment;
	char lang[16];
};

/* meta_reader_free: releases the buffers. */
void meta_reader_free(struct meta_reader *r);

/*
 * meta_read: fills m from the meta object json[0..len) of an event of kind,
 * (cleared first) when it holds every member enrich owns, well-formed; relay
 * and received_at are read too when present.  Returns 0, or -1 (m is then partly filled and
 * must be computed anew).  The strings stay valid until the next call.
 */
int meta_read(struct meta_reader *r, const char *json, size_t len, uint32_t kind,
    struct enrich_meta *m);

/*
 * meta_read_origin: when the member whose key jsonobj_next just read into
 * r->key is relay or received_at (what nostr-fetch sets), reads it into m
 * (a value of another type is skipped) and returns 1; returns 0 for any
 * other member (its value not consumed), -1 when the JSON is malformed.
 */
int meta_read_origin(struct meta_reader *r, struct jsonobj *o, struct enrich_meta *m);

/*
 * meta_read_lang: reads the string value at c (a lang member's); *lang is
 * the language tag (held in r) when it is a plausible one (2 to 15 of a-z
 * and '-'), else NULL.  Returns the scanner's status.
 */
enum json_status meta_read_lang(struct meta_reader *r, struct json_cursor *c,
    const char **lang);

/*
 * meta_read_zap: the zap member (json[0..len), an object) as enrich writes
 * it: every member there and well-typed, valid agreeing with problems.
 * Returns 0, or -1.
 */
int meta_read_zap(struct meta_reader *r, const char *json, size_t len, struct zap *z);

#endif
