/*
 * test_zap.c: zap.h on receipts built here from scratch: zap requests signed
 * with a known key, invoices encoded with bech32 (amount multipliers m, u, n,
 * p, none; with or without the description hash), and the NIP-57 example.
 */
#include "nostr/bech32.h"
#include "base/buf.h"
#include "nostr/event.h"
#include "base/hex.h"
#include "base/json.h"
#include "nostr/schnorr.h"
#include "base/sha256.h"
#include "tap.h"
#include "nostr/zap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct schnorr *sch;
static struct zap_reader *zr;
static uint8_t sender_sec[32], provider_sec[32];
static char sender_hex[65], recipient_hex[65], target_hex[65];

/*
 * make_event: a signed event as one JSON line in out: the template is parsed
 * with a dummy id and sig, then its id is computed and signed.
 */
static void
make_event(const uint8_t sec[32], unsigned kind, const char *tags, const char *content,
    struct buf *out)
{
	struct event_parser p;
	struct event ev;
	uint8_t pub[32], id[32], sig[64];
	char pubhex[65], idhex[65], sighex[129];
	struct buf tmp = BUF_INIT;

	schnorr_pubkey(sch, sec, pub);
	hex_encode(pub, 32, pubhex);
	buf_printf(&tmp, "{\"id\":\"%064d\",\"pubkey\":\"%s\",\"created_at\":1700000000,"
	    "\"kind\":%u,\"tags\":%s,\"content\":", 0, pubhex, kind, tags);
	json_quote(&tmp, content, strlen(content));
	buf_printf(&tmp, ",\"sig\":\"%0128d\"}", 0);
	event_parser_init(&p);
	if (event_parse(&p, tmp.data, tmp.len, &ev) != EVENT_OK) {
		printf("# template does not parse: %s\n", tmp.data);
		exit(1);
	}
	event_compute_id(&p, &ev, JSON_ESCAPE_NIP01, id);
	schnorr_sign(sch, sec, id, NULL, sig);
	hex_encode(id, 32, idhex);
	hex_encode(sig, 64, sighex);
	buf_reset(out);
	buf_printf(out, "{\"id\":\"%s\",\"pubkey\":\"%s\",\"created_at\":1700000000,"
	    "\"kind\":%u,\"tags\":%s,\"content\":", idhex, pubhex, kind, tags);
	json_quote(out, content, strlen(content));
	buf_printf(out, ",\"sig\":\"%s\"}", sighex);
	event_parser_free(&p);
	buf_free(&tmp);
}

static void
groups_of(uint8_t *g, size_t *n, uint64_t v, int count)
{
	for (int i = count - 1; i >= 0; i--)
		g[(*n)++] = (uint8_t)(v >> (5 * i) & 31);
}

/* make_invoice: lnbc<amount>, a payment hash, and h = sha256(hash_of) if given. */
static void
make_invoice(const char *amount, const char *hash_of, char *out, size_t cap)
{
	uint8_t g[400], bytes[32];
	char hrp[32];
	size_t n = 0, len, i;

	snprintf(hrp, sizeof hrp, "lnbc%s", amount);
	groups_of(g, &n, 1700000000, 7);
	memset(bytes, 0x11, 32);
	g[n++] = 1;
	groups_of(g, &n, 52, 2);
	bech32_convert_bits(g + n, 60, &len, 5, bytes, 32, 8, 1);
	n += len;
	if (hash_of != NULL) {
		sha256(hash_of, strlen(hash_of), bytes);
		g[n++] = 23;
		groups_of(g, &n, 52, 2);
		bech32_convert_bits(g + n, 60, &len, 5, bytes, 32, 8, 1);
		n += len;
	}
	for (i = 0; i < 104; i++)
		g[n++] = (uint8_t)(i == 103 ? 0 : (i * 7) & 31);
	if (bech32_encode(out, cap, hrp, g, n, 4096) != 0) {
		printf("# bech32_encode failed\n");
		exit(1);
	}
}

/*
 * read_receipt: builds a request (tags req_tags, content "thanks") and a
 * receipt around it whose extra tags are receipt_tags (a JSON fragment or ""),
 * with an invoice of `amount` hashing the description when hash is set, and
 * reads it.
 */
static unsigned
read_receipt(const char *req_tags, const char *receipt_tags, const char *amount,
    int hash, struct zap *z)
{
	static struct buf req, tags, receipt;
	static struct event_parser p;
	static int init;
	struct event ev;
	char invoice[1024];

	if (!init) {
		event_parser_init(&p);
		init = 1;
	}
	make_event(sender_sec, 9734, req_tags, "thanks", &req);
	if (amount != NULL)
		make_invoice(amount, hash ? req.data : NULL, invoice, sizeof invoice);
	buf_reset(&tags);
	buf_printf(&tags, "[[\"p\",\"%s\"]%s%s", recipient_hex, *receipt_tags ? "," : "",
	    receipt_tags);
	if (amount != NULL)
		buf_printf(&tags, ",[\"bolt11\",\"%s\"]", invoice);
	buf_puts(&tags, ",[\"description\",");
	json_quote(&tags, req.data, req.len);
	buf_puts(&tags, "]]");
	make_event(provider_sec, 9735, tags.data, "", &receipt);
	if (event_parse(&p, receipt.data, receipt.len, &ev) != EVENT_OK) {
		printf("# receipt does not parse\n");
		exit(1);
	}
	zap_read(zr, &ev, z);
	return z->problems;
}

static char *
req_tags_for(const char *amount_msat)
{
	static char t[512];

	snprintf(t, sizeof t, "[[\"p\",\"%s\"],[\"e\",\"%s\"],[\"amount\",\"%s\"],"
	    "[\"relays\",\"wss://r.example\"]]", recipient_hex, target_hex, amount_msat);
	return t;
}

static void
test_valid_with_description_hash(void)
{
	struct zap z;
	char hex[65];

	CHECK_EQ_INT(read_receipt(req_tags_for("21000"), "", "210000p", 1, &z), 0);
	CHECK_EQ_INT(z.has_msat, 1);
	CHECK_EQ_INT(z.msat, 21000);
	hex_encode(z.sender, 32, hex);
	CHECK_EQ_STR(hex, sender_hex);
	hex_encode(z.recipient, 32, hex);
	CHECK_EQ_STR(hex, recipient_hex);
	hex_encode(z.event, 32, hex);
	CHECK_EQ_STR(hex, target_hex);
	CHECK(z.comment != NULL && z.comment_len == 6 && memcmp(z.comment, "thanks", 6) == 0);
}

static void
test_multipliers(void)
{
	struct zap z;

	read_receipt(req_tags_for("1000000"), "", "10u", 1, &z);
	CHECK_EQ_INT(z.problems, 0);
	CHECK_EQ_INT(z.msat, 1000000);
	read_receipt(req_tags_for("150000"), "", "1500n", 1, &z);
	CHECK_EQ_INT(z.problems, 0);
	CHECK_EQ_INT(z.msat, 150000);
	read_receipt(req_tags_for("1"), "", "10p", 1, &z);
	CHECK_EQ_INT(z.problems, 0);
	CHECK_EQ_INT(z.msat, 1);
	/* 5 mBTC = 500,000 sats: plausible. */
	read_receipt(req_tags_for("500000000"), "", "5m", 1, &z);
	CHECK_EQ_INT(z.problems, 0);
	CHECK_EQ_INT(z.msat, 500000000);
	/* 2 BTC: over a million sats is implausible for a zap. */
	read_receipt(req_tags_for("200000000000"), "", "2", 1, &z);
	CHECK_EQ_INT(z.problems, ZAP_IMPLAUSIBLE_AMOUNT);
	CHECK_EQ_INT(z.msat, 200000000000ULL);
}

static void
test_problems(void)
{
	struct zap z;
	char tags[512], P[200];

	CHECK_EQ_INT(read_receipt(req_tags_for("21001"), "", "210000p", 1, &z),
	    ZAP_AMOUNT_MISMATCH);
	CHECK_EQ_INT(read_receipt(req_tags_for("abc"), "", "210000p", 1, &z), ZAP_AMOUNT_TAG);
	CHECK_EQ_INT(read_receipt(req_tags_for("21000"), "", "210000p", 0, &z), 0);
	CHECK_EQ_INT(read_receipt(req_tags_for("21000"), "", NULL, 1, &z), ZAP_NO_BOLT11);
	CHECK_EQ_INT(read_receipt(req_tags_for("21000"), "", "", 1, &z), ZAP_BOLT11_NO_AMOUNT);
	CHECK_EQ_INT(z.has_msat, 0);

	snprintf(tags, sizeof tags, "[[\"p\",\"%s\"],[\"p\",\"%s\"]]", recipient_hex, sender_hex);
	CHECK_EQ_INT(read_receipt(tags, "", "210000p", 1, &z), ZAP_MULTIPLE_P);
	snprintf(tags, sizeof tags, "[[\"p\",\"%s\"],[\"e\",\"%s\"],[\"e\",\"%s\"]]",
	    recipient_hex, target_hex, sender_hex);
	CHECK_EQ_INT(read_receipt(tags, "", "210000p", 1, &z), ZAP_MULTIPLE_E);
	/* The receipt names another zapped event than the request. */
	snprintf(P, sizeof P, "[\"e\",\"%s\"]", sender_hex);
	CHECK_EQ_INT(read_receipt(req_tags_for("21000"), P, "210000p", 1, &z),
	    ZAP_EVENT_MISMATCH);
	/* The receipt's P (sender) is not the request's author. */
	snprintf(P, sizeof P, "[\"P\",\"%s\"]", recipient_hex);
	CHECK_EQ_INT(read_receipt(req_tags_for("21000"), P, "210000p", 1, &z),
	    ZAP_SENDER_MISMATCH);
	snprintf(P, sizeof P, "[\"P\",\"%s\"]", sender_hex);
	CHECK_EQ_INT(read_receipt(req_tags_for("21000"), P, "210000p", 1, &z), 0);
}

static void
test_bad_request_and_invoice(void)
{
	static struct event_parser p;
	struct buf line = BUF_INIT;
	struct event ev;
	struct zap z;
	char tags[256];

	event_parser_init(&p);
	/* A description that is not an event at all. */
	snprintf(tags, sizeof tags, "[[\"p\",\"%s\"],[\"description\",\"{oops\"]]", recipient_hex);
	make_event(provider_sec, 9735, tags, "", &line);
	event_parse(&p, line.data, line.len, &ev);
	zap_read(zr, &ev, &z);
	CHECK_EQ_INT(z.problems, ZAP_REQUEST_MALFORMED | ZAP_NO_BOLT11);
	CHECK_EQ_INT(z.has_sender, 0);
	/* No description, an invoice whose checksum is broken, no p anywhere. */
	make_event(provider_sec, 9735, "[[\"bolt11\",\"lnbc10u1qqqqqqqq\"]]", "", &line);
	event_parse(&p, line.data, line.len, &ev);
	zap_read(zr, &ev, &z);
	CHECK_EQ_INT(z.problems, ZAP_NO_DESCRIPTION | ZAP_BOLT11_INVALID | ZAP_NO_RECIPIENT);
	event_parser_free(&p);
	buf_free(&line);
}

static void
test_request_not_9734(void)
{
	struct buf req = BUF_INIT, tags = BUF_INIT, receipt = BUF_INIT;
	struct event_parser p;
	struct event ev;
	struct zap z;

	make_event(sender_sec, 1, req_tags_for("21000"), "not a zap request", &req);
	buf_printf(&tags, "[[\"p\",\"%s\"],[\"description\",", recipient_hex);
	json_quote(&tags, req.data, req.len);
	buf_puts(&tags, "]]");
	make_event(provider_sec, 9735, tags.data, "", &receipt);
	event_parser_init(&p);
	event_parse(&p, receipt.data, receipt.len, &ev);
	zap_read(zr, &ev, &z);
	CHECK_EQ_INT(z.problems, ZAP_REQUEST_KIND | ZAP_NO_BOLT11);
	event_parser_free(&p);
	buf_free(&req);
	buf_free(&tags);
	buf_free(&receipt);
}

static void
test_problem_names(void)
{
	CHECK_EQ_STR(zap_problem_name(ZAP_AMOUNT_MISMATCH), "amount_mismatch");
	CHECK_EQ_STR(zap_problem_name(ZAP_REQUEST_SIG), "request_bad_signature");
	CHECK_EQ_STR(zap_problem_name(ZAP_IMPLAUSIBLE_AMOUNT), "implausible_amount");
	CHECK_EQ_STR(zap_problem_name(3), "unknown");
}

static char nip57_path[4096];

static void
test_nip57_example(void)
{
	char text[8192];
	struct event_parser p;
	struct buf line = BUF_INIT;
	struct event ev;
	struct zap z;
	FILE *f;
	size_t n;
	char *sig;

	if ((f = fopen(nip57_path, "r")) == NULL) {
		CHECK(!"cannot open the example");
		return;
	}
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	while (n > 0 && (text[n - 1] == '\n'))
		n--;
	text[n] = '\0';
	/* The example has no sig field: add one before the closing brace. */
	buf_append(&line, text, n - 1);
	buf_printf(&line, ",\"sig\":\"%0128d\"}", 0);
	sig = strstr(line.data, "\"sig\"");
	CHECK(sig != NULL);
	event_parser_init(&p);
	CHECK_EQ_INT(event_parse(&p, line.data, line.len, &ev), EVENT_OK);
	zap_read(zr, &ev, &z);
	CHECK_EQ_INT(z.msat, 1000000);
	CHECK(z.problems & ZAP_REQUEST_SIG);
	CHECK(z.problems & ZAP_REQUEST_ID);
	CHECK_EQ_INT(z.problems & ~(unsigned)(ZAP_REQUEST_SIG | ZAP_REQUEST_ID |
	    ZAP_DESCRIPTION_HASH), 0);
	event_parser_free(&p);
	buf_free(&line);
}

int
main(void)
{
	uint8_t key[32];

	sch = schnorr_new();
	zr = zap_reader_new(ZAP_MAX_SATS_DEFAULT);
	memset(sender_sec, 0x01, 32);
	memset(provider_sec, 0x03, 32);
	schnorr_pubkey(sch, sender_sec, key);
	hex_encode(key, 32, sender_hex);
	memset(key, 0x02, 32);
	schnorr_pubkey(sch, key, key);
	hex_encode(key, 32, recipient_hex);
	memset(target_hex, 'a', 64);
	target_hex[64] = '\0';

	TEST(test_valid_with_description_hash);
	TEST(test_multipliers);
	TEST(test_problems);
	TEST(test_bad_request_and_invoice);
	TEST(test_request_not_9734);
	TEST(test_problem_names);
	snprintf(nip57_path, sizeof nip57_path, "%s/nip57/receipt-example.json",
	    getenv("NP_SHARED_DATA") ? getenv("NP_SHARED_DATA") : "");
	if (access(nip57_path, R_OK) == 0)
		TEST(test_nip57_example);
	else
		TEST_SKIP(test_nip57_example, "no nip57/receipt-example.json in $NP_SHARED_DATA");
	zap_reader_free(zr);
	schnorr_free(sch);
	return tap_done();
}
