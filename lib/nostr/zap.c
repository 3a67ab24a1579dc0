#include "nostr/zap.h"

#include <stdlib.h>
#include <string.h>

#include "nostr/bolt11.h"
#include "base/buf.h"
#include "base/hex.h"
#include "nostr/schnorr.h"
#include "base/sha256.h"

struct zap_reader {
	struct event_parser parser;  /* for the request inside the description */
	struct schnorr *schnorr;
	struct bolt11 invoice;       /* ~1 KiB: kept here, not on the stack */
	uint64_t max_sats;
};

static const char *const problem_names[ZAP_NPROBLEMS] = {
	"no_description", "request_malformed", "request_not_kind_9734",
	"request_wrong_id", "request_bad_signature", "no_bolt11", "bolt11_invalid",
	"bolt11_no_amount", "amount_mismatch", "amount_tag_invalid",
	"description_hash_mismatch", "sender_mismatch", "recipient_mismatch",
	"event_mismatch", "no_recipient", "multiple_p", "multiple_e",
	"implausible_amount",
};

const char *
zap_problem_name(unsigned bit)
{
	unsigned i;

	for (i = 0; i < ZAP_NPROBLEMS; i++)
		if (bit == 1u << i)
			return problem_names[i];
	return "unknown";
}

struct zap_reader *
zap_reader_new(uint64_t max_sats)
{
	struct zap_reader *zr = xcalloc(1, sizeof *zr);

	event_parser_init(&zr->parser);
	zr->schnorr = schnorr_new();
	zr->max_sats = max_sats;
	return zr;
}

void
zap_reader_free(struct zap_reader *zr)
{
	if (zr == NULL)
		return;
	event_parser_free(&zr->parser);
	schnorr_free(zr->schnorr);
	free(zr);
}

/* hex32: decodes a tag value that must be 64 lower-case hex digits. */
static int
hex32(const struct event_str *v, uint8_t out[32])
{
	return v->len == 64 && hex_decode(v->s, out, 32) == 0;
}

/* decimal: a tag's decimal integer (no sign, no leading junk) into *out. */
static int
decimal(const struct event_str *v, uint64_t *out)
{
	uint64_t n = 0;
	size_t i;

	if (v->len == 0 || v->len > 19)
		return -1;
	for (i = 0; i < v->len; i++) {
		if (v->s[i] < '0' || v->s[i] > '9')
			return -1;
		n = n * 10 + (uint64_t)(v->s[i] - '0');
	}
	*out = n;
	return 0;
}

/* read_request: checks the zap request in the description tag. */
static void
read_request(struct zap_reader *zr, const struct event_str *desc, struct zap *out,
    int *req_has_p, uint8_t req_p[32], int *req_has_e, uint8_t req_e[32],
    int *has_amount_tag, uint64_t *amount_tag)
{
	struct event req;
	size_t i, np = 0, ne = 0;

	if (event_parse(&zr->parser, desc->s, desc->len, &req) != EVENT_OK) {
		out->problems |= ZAP_REQUEST_MALFORMED;
		return;
	}
	if (req.kind != 9734)
		out->problems |= ZAP_REQUEST_KIND;
	out->has_sender = 1;
	memcpy(out->sender, req.pubkey, 32);
	out->comment = req.content.s;
	out->comment_len = req.content.len;
	/* Both are reported: a signature over a wrong id proves nothing either. */
	if (event_check_id(&zr->parser, &req, NULL) != EVENT_OK)
		out->problems |= ZAP_REQUEST_ID;
	if (event_check_sig(zr->schnorr, &req) != EVENT_OK)
		out->problems |= ZAP_REQUEST_SIG;
	for (i = 0; i < req.ntags; i++) {
		const struct event_tag *t = &req.tags[i];

		if (event_tag_is(t, "p")) {
			if (np++ == 0)
				*req_has_p = hex32(&t->items[1], req_p);
		} else if (event_tag_is(t, "e")) {
			if (ne++ == 0)
				*req_has_e = hex32(&t->items[1], req_e);
		} else if (event_tag_is(t, "amount") && !*has_amount_tag) {
			if (decimal(&t->items[1], amount_tag) == 0)
				*has_amount_tag = 1;
			else
				out->problems |= ZAP_AMOUNT_TAG;
		}
	}
	/* NIP-57: the request MUST have exactly one p tag and 0 or 1 e tags. */
	if (np > 1)
		out->problems |= ZAP_MULTIPLE_P;
	if (ne > 1)
		out->problems |= ZAP_MULTIPLE_E;
}

void
zap_read(struct zap_reader *zr, const struct event *receipt, struct zap *out)
{
	const struct event_str *desc = NULL, *bolt11 = NULL;
	int has_P = 0, req_has_p = 0, req_has_e = 0, has_amount_tag = 0, rc;
	uint8_t P[32], req_p[32], req_e[32], hash[32];
	uint64_t amount_tag = 0;
	size_t i;

	memset(out, 0, sizeof *out);
	for (i = 0; i < receipt->ntags; i++) {
		const struct event_tag *t = &receipt->tags[i];

		if (event_tag_is(t, "description") && desc == NULL)
			desc = &t->items[1];
		else if (event_tag_is(t, "bolt11") && bolt11 == NULL)
			bolt11 = &t->items[1];
		else if (event_tag_is(t, "p") && !out->has_recipient)
			out->has_recipient = hex32(&t->items[1], out->recipient);
		else if (event_tag_is(t, "e") && !out->has_event)
			out->has_event = hex32(&t->items[1], out->event);
		else if (event_tag_is(t, "P") && !has_P)
			has_P = hex32(&t->items[1], P);
		else if (event_tag_is(t, "a") && out->address == NULL) {
			out->address = t->items[1].s;
			out->address_len = t->items[1].len;
		}
	}

	if (desc == NULL)
		out->problems |= ZAP_NO_DESCRIPTION;
	else
		read_request(zr, desc, out, &req_has_p, req_p, &req_has_e, req_e,
		    &has_amount_tag, &amount_tag);

	if (bolt11 == NULL) {
		out->problems |= ZAP_NO_BOLT11;
	} else if ((rc = bolt11_decode(bolt11->s, bolt11->len, &zr->invoice)) != 0) {
		out->problems |= ZAP_BOLT11_INVALID;
	} else {
		if (!zr->invoice.has_amount) {
			out->problems |= ZAP_BOLT11_NO_AMOUNT;
		} else {
			out->has_msat = 1;
			out->msat = zr->invoice.amount_msat;
			if (has_amount_tag && amount_tag != out->msat)
				out->problems |= ZAP_AMOUNT_MISMATCH;
			if (out->msat / 1000 > zr->max_sats)
				out->problems |= ZAP_IMPLAUSIBLE_AMOUNT;
		}
		if (desc != NULL && zr->invoice.has_description_hash) {
			sha256(desc->s, desc->len, hash);
			if (memcmp(hash, zr->invoice.description_hash, 32) != 0)
				out->problems |= ZAP_DESCRIPTION_HASH;
		}
	}

	if (has_P && out->has_sender && memcmp(P, out->sender, 32) != 0)
		out->problems |= ZAP_SENDER_MISMATCH;
	if (out->has_recipient && req_has_p && memcmp(out->recipient, req_p, 32) != 0)
		out->problems |= ZAP_RECIPIENT_MISMATCH;
	if (!out->has_recipient && req_has_p) {
		out->has_recipient = 1;
		memcpy(out->recipient, req_p, 32);
	}
	if (!out->has_recipient)
		out->problems |= ZAP_NO_RECIPIENT;
	if (out->has_event && req_has_e && memcmp(out->event, req_e, 32) != 0)
		out->problems |= ZAP_EVENT_MISMATCH;
	if (!out->has_event && req_has_e) {
		out->has_event = 1;
		memcpy(out->event, req_e, 32);
	}
}
