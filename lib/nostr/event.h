/*
 * event.h: NIP-01 events: parsing a JSON line into fixed-size binary fields,
 * the canonical serialization that the id hashes, and id and signature checks.
 *
 * A struct event_parser holds reusable buffers: parse line after line with the
 * same parser and nothing is allocated once the buffers have grown to the
 * largest event seen.  The struct event it fills points into the parser's
 * buffers (strings) and into the line (offsets); it stays valid until the next
 * event_parse() with the same parser or event_parser_free().
 *
 * The parser is strict, because a bad line must be reported rather than
 * guessed at: every NIP-01 field present exactly once with its JSON type,
 * lower-case hex of the right length, created_at in [0, 2^53 - 1] (what
 * JavaScript clients can write exactly), kind in [0, 65535], tags an array of
 * arrays of strings, well-formed UTF-8, no raw NUL, nothing after the object.
 * Other keys (such as the pipeline's `meta`) are validated as JSON and kept
 * out of the id; the span of `meta`'s value is recorded for nostr-enrich.
 */
#ifndef NP_EVENT_H
#define NP_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define EVENT_CREATED_AT_MAX ((int64_t)9007199254740991)  /* 2^53 - 1 */
#define EVENT_KIND_MAX 65535

/* Why a line is not a good event; also the reasons nostr-verify counts. */
enum event_error {
	EVENT_OK = 0,
	EVENT_ERR_JSON,        /* not JSON */
	EVENT_ERR_NOT_OBJECT,  /* JSON, but not an object */
	EVENT_ERR_UTF8,        /* invalid UTF-8 */
	EVENT_ERR_NUL,         /* a raw NUL byte */
	EVENT_ERR_MISSING,     /* a NIP-01 field is missing */
	EVENT_ERR_DUPLICATE,   /* a NIP-01 field appears twice */
	EVENT_ERR_TYPE,        /* a field has the wrong JSON type */
	EVENT_ERR_HEX,         /* id, pubkey or sig: not lower-case hex of its length */
	EVENT_ERR_CREATED_AT,  /* created_at out of range */
	EVENT_ERR_KIND,        /* kind out of range */
	EVENT_ERR_TAGS,        /* tags not an array of arrays of strings */
	EVENT_ERR_TOO_DEEP,    /* another key's value nests too deeply */
	EVENT_ERR_TOO_LONG,    /* the line is longer than the limit (set by readers) */
	EVENT_ERR_ID,          /* id is not the hash of the event */
	EVENT_ERR_SIG,         /* the signature does not verify */
	EVENT_ERR_FUTURE,      /* created_at too far ahead (set by nostr-verify) */
	EVENT_NERR
};

/* A decoded string: explicit length, may hold NUL bytes. */
struct event_str {
	const char *s;
	size_t len;
};

/* A tag: its strings, e.g. {"p", "<hex>", "wss://relay", "mention"}. */
struct event_tag {
	const struct event_str *items;
	size_t count;
};

/* Flags of a parsed event. */
#define EVENT_HAS_CONTROL 0x1  /* a string holds U+0000-U+001F other than \b\t\n\f\r */

struct event {
	uint8_t id[32];
	uint8_t pubkey[32];
	uint8_t sig[64];
	int64_t created_at;
	uint32_t kind;
	struct event_str content;
	const struct event_tag *tags;
	size_t ntags;
	unsigned flags;
	/* Byte offsets into the parsed line: the value of "meta" (0, 0 when absent)
	 * and the object's closing brace. */
	size_t meta_start, meta_end;
	size_t object_end;
};

struct event_parser {
	struct buf strings;           /* decoded string bytes */
	struct event_str *strs;       /* all tag strings, in order */
	size_t nstrs, strs_cap;
	struct event_tag *tags;
	size_t tags_cap;
	struct buf canon;             /* scratch for the serialization */
	const char *field;            /* after an error: the field concerned, or NULL */
	size_t error_offset;          /* after an error: where in the line */
};

/* event_parser_init, event_parser_free: set up and release a parser. */
void event_parser_init(struct event_parser *p);
void event_parser_free(struct event_parser *p);

/*
 * event_parse: parses one line (without its newline) into ev.  Returns
 * EVENT_OK or the reason the line is not a well-formed event; p->field names
 * the field concerned where there is one.  Does not check id or signature.
 */
enum event_error event_parse(struct event_parser *p, const char *line, size_t len,
    struct event *ev);

/*
 * event_serialize: writes the NIP-01 serialization
 * [0,"<pubkey>",<created_at>,<kind>,<tags>,"<content>"] of ev to out (which
 * is reset first).  mode JSON_ESCAPE_NIP01 is the NIP's rule; JSON_ESCAPE_JSON
 * is how nostr-tools writes other control characters (\u00xx).
 */
void event_serialize(const struct event *ev, int mode, struct buf *out);

/*
 * event_append_tags: appends ev's tags to out as an array of arrays of
 * strings, escaped by mode as in event_serialize (JSON_ESCAPE_JSON: the JSON
 * text nostr-load stores).  out is not reset.
 */
void event_append_tags(const struct event *ev, int mode, struct buf *out);

/*
 * event_compute_id: the SHA-256 of the NIP-01 serialization, into id.
 * Uses p's scratch buffer.
 */
void event_compute_id(struct event_parser *p, const struct event *ev, int mode,
    uint8_t id[32]);

/*
 * event_check_id: EVENT_OK when ev->id is the hash of the NIP-01 form, or,
 * for an event with EVENT_HAS_CONTROL, of the \u00xx form (then *legacy is
 * set to 1; legacy may be NULL).  EVENT_ERR_ID otherwise.
 */
enum event_error event_check_id(struct event_parser *p, const struct event *ev,
    int *legacy);

struct schnorr;

/*
 * event_check_sig: EVENT_OK when ev->sig is a valid BIP-340 signature of
 * ev->id under ev->pubkey, EVENT_ERR_SIG otherwise.  Check the id first: the
 * signature covers the id, not the content.
 */
enum event_error event_check_sig(struct schnorr *s, const struct event *ev);

/* event_error_string: a short reason, e.g. "wrong id", for messages and counts. */
const char *event_error_string(enum event_error e);

/* event_error_name: a stable identifier, e.g. "wrong_id", for JSON summaries. */
const char *event_error_name(enum event_error e);

/* Kind classes of NIP-01. */
int event_kind_is_replaceable(uint32_t kind);   /* 0, 3, 10000-19999 */
int event_kind_is_ephemeral(uint32_t kind);     /* 20000-29999 */
int event_kind_is_addressable(uint32_t kind);   /* 30000-39999 */

/* event_tag_is: whether t is named name and has a value (a second string). */
int event_tag_is(const struct event_tag *t, const char *name);

/* event_tag_value: the second string of the first tag named name, or NULL. */
const struct event_str *event_tag_value(const struct event *ev, const char *name);

/* event_d_tag: the third part of a replaceable event's key: "" for the
 * replaceable kinds, the first d tag's value ("" when none) for the
 * addressable ones, NULL for every other kind. */
const struct event_str *event_d_tag(const struct event *ev);

/* event_target_pubkey: the value of the last p tag that is a key, the
 * author of a reaction's or repost's target (NIP-25, NIP-18), or NULL. */
const struct event_str *event_target_pubkey(const struct event *ev);

#endif
