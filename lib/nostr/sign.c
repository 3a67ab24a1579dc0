#include "nostr/sign.h"

#include <inttypes.h>
#include <string.h>

#include "base/hex.h"

#define ZEROS64 "0000000000000000000000000000000000000000000000000000000000000000"

int
sign_key_set(struct schnorr *s, const uint8_t sec[32], struct sign_key *key)
{
	memcpy(key->sec, sec, 32);
	if (schnorr_pubkey(s, key->sec, key->pub) == 0)
		return 0;
	sign_key_clear(key);
	return -1;
}

void
sign_key_clear(struct sign_key *key)
{
	explicit_bzero(key, sizeof *key);
}

int
event_sign(struct event_parser *p, struct schnorr *s, const struct sign_key *key,
    const struct sign_input *in, enum json_escape_mode mode, const uint8_t *aux,
    struct buf *out, uint8_t id[32])
{
	size_t start = out->len, id_at, sig_at;
	uint8_t digest[32], sig[64];
	char pubkey_hex[65];
	struct event ev;

	hex_encode(key->pub, 32, pubkey_hex);
	/* The line with room for id and sig, parsed as any reader would. */
	buf_puts(out, "{\"id\":\"");
	id_at = out->len;
	buf_puts(out, ZEROS64 "\",\"pubkey\":\"");
	buf_puts(out, pubkey_hex);
	buf_printf(out, "\",\"created_at\":%" PRId64 ",\"kind\":%" PRIu32 ",\"tags\":%s,\"content\":",
	    in->created_at, in->kind, in->tags);
	json_quote(out, in->content, in->content_len);
	buf_puts(out, ",\"sig\":\"");
	sig_at = out->len;
	buf_puts(out, ZEROS64 ZEROS64 "\"}");
	if (event_parse(p, out->data + start, out->len - start, &ev) != EVENT_OK)
		goto fail;
	event_compute_id(p, &ev, mode, digest);
	if (schnorr_sign(s, key->sec, digest, aux, sig) < 0)
		goto fail;
	hex_encode(digest, 32, out->data + id_at);
	out->data[id_at + 64] = '"';
	hex_encode(sig, 64, out->data + sig_at);
	out->data[sig_at + 128] = '"';
	if (id != NULL)
		memcpy(id, digest, 32);
	return 0;
fail:
	out->len = start;
	out->data[start] = '\0';
	return -1;
}
