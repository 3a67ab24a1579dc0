/*
 * nip19.c: NIP-19 entities over bech32.  See nip19.h for contracts.
 */
#include "nostr/nip19.h"

#include "nostr/bech32.h"
#include "base/text.h"

#include <string.h>

/* The most bytes NIP19_MAX_LEN characters can carry: 5 bits per data character. */
#define NIP19_MAX_BYTES (NIP19_MAX_LEN * 5 / 8)

enum tlv_type {
	TLV_SPECIAL = 0,
	TLV_RELAY = 1,
	TLV_AUTHOR = 2,
	TLV_KIND = 3,
};

static const struct {
	enum nip19_type type;
	const char *prefix;
} prefixes[] = {
	{ NIP19_NPUB, "npub" },
	{ NIP19_NSEC, "nsec" },
	{ NIP19_NOTE, "note" },
	{ NIP19_NPROFILE, "nprofile" },
	{ NIP19_NEVENT, "nevent" },
	{ NIP19_NADDR, "naddr" },
};

const char *
nip19_type_prefix(enum nip19_type type)
{
	size_t i;

	for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (prefixes[i].type == type)
			return prefixes[i].prefix;
	return NULL;
}

static enum nip19_type
type_of_prefix(const char *hrp)
{
	size_t i;

	for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (strcmp(prefixes[i].prefix, hrp) == 0)
			return prefixes[i].type;
	return NIP19_NONE;
}

static int
is_key_type(enum nip19_type type)
{
	return type == NIP19_NPUB || type == NIP19_NSEC || type == NIP19_NOTE;
}

/* Reads the TLV list of an nprofile, nevent or naddr into out (already cleared). */
static int
parse_tlv(const uint8_t *data, size_t n, struct nip19 *out)
{
	int has_special = 0;
	size_t i = 0;

	while (i < n) {
		const uint8_t *value;
		uint8_t type, len;

		if (n - i < 2)
			return NIP19_ERR_TLV_TRUNCATED;
		type = data[i];
		len = data[i + 1];
		i += 2;
		if (len > n - i)
			return NIP19_ERR_TLV_TRUNCATED;
		value = data + i;
		i += len;

		/* nprofile defines only special and relay: anything else is unknown. */
		if (out->type == NIP19_NPROFILE && type != TLV_SPECIAL && type != TLV_RELAY)
			continue;
		switch (type) {
		case TLV_SPECIAL:
			if (out->type == NIP19_NADDR) {
				if (!has_special) {
					memcpy(out->identifier, value, len);
					out->identifier[len] = '\0';
					out->identifier_len = len;
				}
			} else {
				if (len != 32)
					return NIP19_ERR_TLV_LENGTH;
				if (!has_special)
					memcpy(out->key, value, 32);
			}
			has_special = 1;
			break;
		case TLV_RELAY:
			if (out->relay_count < NIP19_MAX_RELAYS) {
				struct nip19_relay *r = &out->relays[out->relay_count++];

				memcpy(r->url, value, len);
				r->url[len] = '\0';
				r->len = len;
			} else {
				out->relays_dropped++;
			}
			break;
		case TLV_AUTHOR:
			if (len != 32)
				return NIP19_ERR_TLV_LENGTH;
			if (!out->has_author) {
				memcpy(out->author, value, 32);
				out->has_author = 1;
			}
			break;
		case TLV_KIND:
			if (len != 4)
				return NIP19_ERR_TLV_LENGTH;
			if (!out->has_kind) {
				out->kind = (uint32_t)value[0] << 24 | (uint32_t)value[1] << 16 |
				    (uint32_t)value[2] << 8 | value[3];
				out->has_kind = 1;
			}
			break;
		default:
			break;  /* NIP-19: unknown types are ignored */
		}
	}
	if (!has_special)
		return NIP19_ERR_TLV_MISSING;
	/* An naddr names an event by (kind, pubkey, d): without all three it names none. */
	if (out->type == NIP19_NADDR && (!out->has_author || !out->has_kind))
		return NIP19_ERR_TLV_MISSING;
	return 0;
}

int
nip19_decode(const char *s, size_t len, struct nip19 *out)
{
	char hrp[BECH32_MAX_HRP_LEN + 1];
	uint8_t data5[NIP19_MAX_LEN], data[NIP19_MAX_BYTES];
	size_t n5, n;
	int rc;

	memset(out, 0, sizeof *out);
	rc = bech32_decode(s, len, hrp, sizeof hrp, data5, sizeof data5, &n5, NIP19_MAX_LEN);
	if (rc != 0)
		return rc;
	out->type = type_of_prefix(hrp);
	if (out->type == NIP19_NONE)
		return NIP19_ERR_PREFIX;
	rc = bech32_convert_bits(data, sizeof data, &n, 8, data5, n5, 5, 0);
	if (rc != 0)
		return rc;
	if (is_key_type(out->type)) {
		if (n != 32)
			return NIP19_ERR_KEY_LENGTH;
		memcpy(out->key, data, 32);
		return 0;
	}
	return parse_tlv(data, n, out);
}


int
nip19_decode_uri(const char *s, size_t len, struct nip19 *out)
{
	int rc;

	if (!text_has_prefix_ci(s, len, "nostr:"))
		return nip19_decode(s, len, out);
	rc = nip19_decode(s + 6, len - 6, out);
	if (rc == 0 && out->type == NIP19_NSEC) {
		memset(out, 0, sizeof *out);  /* do not hand back a secret we refuse */
		return NIP19_ERR_NSEC_URI;
	}
	return rc;
}

static int
is_alnum_ascii(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

size_t
nip19_uri_span(const char *s, size_t len)
{
	size_t start = text_has_prefix_ci(s, len, "nostr:") ? 6 : 0, i = start;

	while (i < len && is_alnum_ascii(s[i]))
		i++;
	return i == start ? 0 : i;
}

/* Appends one TLV record to buf[*n..cap), failing rather than truncating. */
static int
put_tlv(uint8_t *buf, size_t cap, size_t *n, uint8_t type, const void *value, size_t len)
{
	if (len > NIP19_MAX_TLV_VALUE)
		return NIP19_ERR_VALUE_TOO_LONG;
	if (cap - *n < 2 + len)
		return BECH32_ERR_TOO_LONG;
	buf[(*n)++] = type;
	buf[(*n)++] = (uint8_t)len;
	memcpy(buf + *n, value, len);
	*n += len;
	return 0;
}

static int
encode_bytes(const char *hrp, const uint8_t *data, size_t n, char *out, size_t out_cap)
{
	/* Room for NIP19_MAX_BYTES and its padding group; the length check is bech32's. */
	uint8_t data5[NIP19_MAX_BYTES * 8 / 5 + 1];
	size_t n5;
	int rc;

	rc = bech32_convert_bits(data5, sizeof data5, &n5, 5, data, n, 8, 1);
	if (rc != 0)
		return rc;
	return bech32_encode(out, out_cap, hrp, data5, n5, NIP19_MAX_LEN);
}

int
nip19_encode_key(enum nip19_type type, const uint8_t key[32], char *out, size_t out_cap)
{
	if (!is_key_type(type))
		return NIP19_ERR_TYPE;
	return encode_bytes(nip19_type_prefix(type), key, 32, out, out_cap);
}

int
nip19_encode(const struct nip19 *in, char *out, size_t out_cap)
{
	uint8_t data[NIP19_MAX_BYTES], kind[4];
	size_t n = 0, i;
	int rc;

	if (is_key_type(in->type))
		return nip19_encode_key(in->type, in->key, out, out_cap);
	if (in->type != NIP19_NPROFILE && in->type != NIP19_NEVENT && in->type != NIP19_NADDR)
		return NIP19_ERR_TYPE;
	if (in->relay_count > NIP19_MAX_RELAYS)
		return NIP19_ERR_RELAY_COUNT;
	if (in->type == NIP19_NADDR && (!in->has_author || !in->has_kind))
		return NIP19_ERR_TLV_MISSING;

	if (in->type == NIP19_NADDR)
		rc = put_tlv(data, sizeof data, &n, TLV_SPECIAL, in->identifier,
		    in->identifier_len);
	else
		rc = put_tlv(data, sizeof data, &n, TLV_SPECIAL, in->key, 32);
	for (i = 0; rc == 0 && i < in->relay_count; i++)
		rc = put_tlv(data, sizeof data, &n, TLV_RELAY, in->relays[i].url,
		    in->relays[i].len);
	/* nprofile has no author or kind records (NIP-19). */
	if (rc == 0 && in->has_author && in->type != NIP19_NPROFILE)
		rc = put_tlv(data, sizeof data, &n, TLV_AUTHOR, in->author, 32);
	if (rc == 0 && in->has_kind && in->type != NIP19_NPROFILE) {
		kind[0] = (uint8_t)(in->kind >> 24);
		kind[1] = (uint8_t)(in->kind >> 16);
		kind[2] = (uint8_t)(in->kind >> 8);
		kind[3] = (uint8_t)in->kind;
		rc = put_tlv(data, sizeof data, &n, TLV_KIND, kind, 4);
	}
	if (rc != 0)
		return rc;
	return encode_bytes(nip19_type_prefix(in->type), data, n, out, out_cap);
}

const char *
nip19_error_string(int code)
{
	switch (code) {
	case NIP19_ERR_PREFIX:        return "not a NIP-19 prefix (npub, nsec, note, nprofile, nevent, naddr)";
	case NIP19_ERR_KEY_LENGTH:    return "NIP-19 key or id is not 32 bytes";
	case NIP19_ERR_TLV_TRUNCATED: return "NIP-19 TLV runs past the end of the data";
	case NIP19_ERR_TLV_LENGTH:    return "NIP-19 TLV has the wrong length for its type";
	case NIP19_ERR_TLV_MISSING:   return "NIP-19 entity lacks a required TLV";
	case NIP19_ERR_NSEC_URI:      return "nostr: URI holds a secret key (NIP-21 excludes nsec)";
	case NIP19_ERR_TYPE:          return "NIP-19 entity type not valid here";
	case NIP19_ERR_VALUE_TOO_LONG: return "NIP-19 TLV value over 255 bytes";
	case NIP19_ERR_RELAY_COUNT:   return "NIP-19 entity has more relays than NIP19_MAX_RELAYS";
	}
	return bech32_error_string(code);
}
