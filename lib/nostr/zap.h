/*
 * zap.h: reading NIP-57 zap receipts (kind 9735) for analytics.
 *
 * A receipt is published by the recipient's LNURL server once it sees an
 * invoice paid.  It carries the invoice (`bolt11` tag) and, in its
 * `description` tag, the zap request (a kind-9734 event, as JSON) that the
 * sender signed.  What can be checked offline is checked here: the request is
 * a well-formed kind-9734 event whose id and BIP-340 signature verify; the
 * invoice decodes (bech32 checksum), has an amount, and that amount equals the
 * request's `amount` tag when present; the invoice's description hash is the
 * SHA-256 of the description (NIP-57 appendix F); the receipt's `P`, `p` and
 * `e` tags agree with the request; the request has at most one `p` and `e`;
 * the amount is plausible.
 *
 * What cannot be checked offline, and so is never claimed: that the invoice
 * was paid (a receipt is the server's word, not proof of payment) and that the
 * receipt's author is the recipient's LNURL server (its `nostrPubkey` is only
 * known by querying the lnurl endpoint).
 *
 * A struct zap_reader holds reusable parsing state and a libsecp256k1
 * context: one per thread.  The struct zap it fills points into the reader
 * (comment) and into the receipt's tags (address): valid until the next
 * zap_read with the same reader or until the receipt's parser is reused.
 */
#ifndef NP_ZAP_H
#define NP_ZAP_H

#include <stddef.h>
#include <stdint.h>

#include "nostr/event.h"

/* Zaps above this many sats are flagged implausible by default (nostr-enrich(1)). */
#define ZAP_MAX_SATS_DEFAULT 1000000

/* Problems found in a receipt: bits of struct zap.problems. */
enum zap_problem {
	ZAP_NO_DESCRIPTION = 1u << 0,      /* no description tag */
	ZAP_REQUEST_MALFORMED = 1u << 1,   /* description is not a well-formed event */
	ZAP_REQUEST_KIND = 1u << 2,        /* the request is not kind 9734 */
	ZAP_REQUEST_ID = 1u << 3,          /* the request's id is not its hash */
	ZAP_REQUEST_SIG = 1u << 4,         /* the request's signature does not verify */
	ZAP_NO_BOLT11 = 1u << 5,           /* no bolt11 tag */
	ZAP_BOLT11_INVALID = 1u << 6,      /* bolt11 does not decode (e.g. checksum) */
	ZAP_BOLT11_NO_AMOUNT = 1u << 7,    /* the invoice has no amount */
	ZAP_AMOUNT_MISMATCH = 1u << 8,     /* request's amount tag differs from invoice */
	ZAP_AMOUNT_TAG = 1u << 9,          /* request's amount tag is not a number */
	ZAP_DESCRIPTION_HASH = 1u << 10,   /* invoice's h is not SHA-256(description) */
	ZAP_SENDER_MISMATCH = 1u << 11,    /* receipt's P tag differs from request pubkey */
	ZAP_RECIPIENT_MISMATCH = 1u << 12, /* receipt's p differs from request's p */
	ZAP_EVENT_MISMATCH = 1u << 13,     /* receipt's e differs from request's e */
	ZAP_NO_RECIPIENT = 1u << 14,       /* neither receipt nor request has a p tag */
	ZAP_MULTIPLE_P = 1u << 15,         /* the request has more than one p tag */
	ZAP_MULTIPLE_E = 1u << 16,         /* the request has more than one e tag */
	ZAP_IMPLAUSIBLE_AMOUNT = 1u << 17, /* over the reader's max_sats */
};
#define ZAP_NPROBLEMS 18

struct zap {
	unsigned problems;         /* enum zap_problem bits; 0 = valid */
	int has_sender;
	uint8_t sender[32];        /* the request's pubkey (even when its sig fails) */
	int has_recipient;
	uint8_t recipient[32];     /* receipt's p tag (else the request's) */
	int has_event;
	uint8_t event[32];         /* receipt's e tag (else the request's) */
	const char *address;       /* receipt's a tag value, or NULL */
	size_t address_len;
	int has_msat;
	uint64_t msat;             /* the invoice's amount: the authoritative figure */
	const char *comment;       /* the request's content, or NULL */
	size_t comment_len;
};

struct zap_reader;

/* zap_reader_new: a reader flagging zaps over max_sats; exits when out of memory. */
struct zap_reader *zap_reader_new(uint64_t max_sats);

/* zap_reader_free: releases a reader (NULL is fine). */
void zap_reader_free(struct zap_reader *zr);

/* zap_read: reads the kind-9735 receipt into *out (cleared first). */
void zap_read(struct zap_reader *zr, const struct event *receipt, struct zap *out);

/* zap_problem_name: the stable name of one problem bit, e.g. "amount_mismatch". */
const char *zap_problem_name(unsigned bit);

#endif
