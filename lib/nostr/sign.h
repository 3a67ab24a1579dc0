/*
 * sign.h: writing a signed event, for the events the pipeline makes itself
 * (NIP-42 AUTH answers, and the test generator's events).
 */
#ifndef NP_SIGN_H
#define NP_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/json.h"
#include "nostr/event.h"
#include "nostr/schnorr.h"

/* A secret key and its public key, derived once. */
struct sign_key {
	uint8_t sec[32];
	uint8_t pub[32];
};

/*
 * sign_key_set: sets key from a secret key and derives its public key.
 * Returns 0, or -1 when sec is no secret key (key is then zeroed).
 */
int sign_key_set(struct schnorr *s, const uint8_t sec[32], struct sign_key *key);

/* sign_key_clear: zeroes key so that no copy of the secret stays in memory. */
void sign_key_clear(struct sign_key *key);

/* The fields of an event to sign; tags is the text of a JSON array of arrays of strings. */
struct sign_input {
	int64_t created_at;
	uint32_t kind;
	const char *tags;
	const char *content;
	size_t content_len;
};

/*
 * event_sign: appends the event as one JSON object (no newline) to out,
 * with its id (the hash of the serialization mode names: JSON_ESCAPE_NIP01,
 * or JSON_ESCAPE_JSON for the \u00xx form) and its BIP-340 signature made
 * with key and aux (32 bytes of randomness, or NULL).  The event is parsed
 * back with p before it is hashed, so what is signed is what a reader sees.
 * If id is not NULL it gets the id.  Returns 0, or -1 when the tags are not an
 * array of arrays of strings, or signing fails (out is then as it was).
 */
int event_sign(struct event_parser *p, struct schnorr *s, const struct sign_key *key,
    const struct sign_input *in, enum json_escape_mode mode, const uint8_t *aux,
    struct buf *out, uint8_t id[32]);

#endif
