/*
 * auth.h: NIP-42 authentication of a client to a relay: the key it signs
 * with, and its answer to a relay's challenge.
 *
 * The key is the user's (a file holding an nsec or 64 hex digits, which
 * nobody else may read) or one made for the run.  It lives in a struct
 * sign_key that the caller zeroes with sign_key_clear() when done; nothing
 * here prints it or keeps a copy.
 */
#ifndef NP_AUTH_H
#define NP_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "nostr/event.h"
#include "nostr/schnorr.h"
#include "nostr/sign.h"

#define AUTH_KIND 22242
/* The longest challenge answered; relays send 16 to 64 characters. */
#define AUTH_CHALLENGE_MAX 512

/*
 * auth_key_load: reads the key in the file at path into key.  The file must
 * be a regular file that neither its group nor others may read or write
 * (mode 600 or 400), holding an nsec (NIP-19) or 64 hex digits, with white
 * space around it allowed.  Returns 0, or -1 with a reason (which never holds
 * any of the file's text) in why.
 */
int auth_key_load(struct schnorr *s, const char *path, struct sign_key *key,
    const char **why);

/* auth_key_ephemeral: a new random key.  Returns 0, or -1 when no randomness can be had. */
int auth_key_ephemeral(struct schnorr *s, struct sign_key *key);

/*
 * auth_message: appends ["AUTH",EVENT] to out, where EVENT is a kind-22242
 * event signed with key, made at now, with the tags ["relay", relay_url] and
 * ["challenge", challenge]; id (unless NULL) gets its id, which the relay's
 * OK names.  Returns 0, or -1 when the challenge is longer
 * than AUTH_CHALLENGE_MAX, not valid UTF-8, or holds a control character
 * (out is then as it was).
 */
int auth_message(struct event_parser *p, struct schnorr *s, const struct sign_key *key,
    const char *relay_url, const char *challenge, size_t challenge_len, int64_t now,
    struct buf *out, uint8_t id[32]);

#endif
