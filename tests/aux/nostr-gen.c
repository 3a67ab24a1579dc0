/*
 * nostr-gen: writes signed Nostr events for tests and benchmarks.
 *
 * Everything follows from the seed: key number k of seed s is the SHA-256 of
 * "nostr-gen/<s>/<k>", and a splitmix64 stream drives every other choice, so
 * the same command writes the same bytes on every machine.
 *
 *   nostr-gen -n COUNT [-s SEED] [-a AUTHORS] [-t START] [--span SECS] [--kinds LIST]
 *       COUNT events of realistic kinds, tags and Unicode content.
 *   nostr-gen --bad -n COUNT [--reasons FILE]
 *       COUNT broken lines, one kind of breakage after another; FILE gets the
 *       reason nostr-verify should give for each (its event_error_name).
 *   nostr-gen --sign [-s SEED]
 *       reads templates {"key":K,"kind":..,"created_at":..,"tags":[..],"content":..}
 *       (optional "legacy":true hashes the \u00xx form of nostr-tools) and
 *       writes each as an event signed with key K.
 *   nostr-gen --pubkey K [-s SEED]    prints key K's public key in hex.
 *   nostr-gen --seckey K [-s SEED]    prints key K's secret key in hex.
 */
#include <cJSON.h>
#include <err.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nostr/bech32.h"
#include "base/buf.h"
#include "nostr/event.h"
#include "base/hex.h"
#include "base/json.h"
#include "nostr/nip19.h"
#include "nostr/schnorr.h"
#include "nostr/sign.h"
#include "base/sha256.h"

#define RECENT 256  /* events remembered for replies, reactions, deletions */

struct recent {
	uint8_t id[32];
	int author;
	uint32_t kind;
};

/* follows: the keys of an author's latest contact list, in its order. */
struct follows {
	uint32_t *key;
	size_t n, cap;
};

struct gen {
	uint64_t seed;
	uint64_t rng;
	struct schnorr *schnorr;
	struct sign_key *keys;
	struct follows *follows;  /* one per key, filled by its first contact list */
	int nkeys;
	struct recent recent[RECENT];
	size_t nrecent;
	struct buf out, tmp, content, tags;
	struct event_parser parser;
};

static uint64_t
next_random(struct gen *g)
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform: a number in [0, n). */
static uint32_t
uniform(struct gen *g, uint32_t n)
{
	return n ? (uint32_t)(next_random(g) % n) : 0;
}

static void
derive_key(struct gen *g, int k, struct sign_key *key)
{
	char label[64];
	int attempt = 0;

	do {
		snprintf(label, sizeof(label), "nostr-gen/%" PRIu64 "/%d%s", g->seed, k,
		    attempt ? "/again" : "");
		sha256(label, strlen(label), key->sec);
		attempt++;
	} while (schnorr_pubkey(g->schnorr, key->sec, key->pub) < 0);
}

static void
gen_init(struct gen *g, uint64_t seed, int nkeys)
{
	int i;

	memset(g, 0, sizeof(*g));
	g->seed = seed;
	g->rng = seed * 0x2545f4914f6cdd1dULL + 1;
	g->schnorr = schnorr_new();
	g->nkeys = nkeys;
	g->keys = xcalloc((size_t)nkeys, sizeof(*g->keys));
	g->follows = xcalloc((size_t)nkeys, sizeof(*g->follows));
	for (i = 0; i < nkeys; i++)
		derive_key(g, i, &g->keys[i]);
	event_parser_init(&g->parser);
}

static void
gen_free(struct gen *g)
{
	int i;

	schnorr_free(g->schnorr);
	for (i = 0; i < g->nkeys; i++)
		free(g->follows[i].key);
	free(g->follows);
	free(g->keys);
	buf_free(&g->out);
	buf_free(&g->tmp);
	buf_free(&g->content);
	buf_free(&g->tags);
	event_parser_free(&g->parser);
}

/*
 * sign_event: completes an event from a key, created_at, kind, tags (a JSON
 * array's text) and content (raw bytes), and writes it as one JSON line to out.
 * legacy hashes the \u00xx form.  The id is returned in id.
 */
static void
sign_event(struct gen *g, const struct sign_key *key, int64_t created_at, uint32_t kind,
    const char *tags_json, const char *content, size_t content_len, int legacy,
    struct buf *out, uint8_t id[32])
{
	const struct sign_input in = { created_at, kind, tags_json, content, content_len };
	uint8_t aux[32];
	int i;

	for (i = 0; i < 32; i++)
		aux[i] = (uint8_t)next_random(g);
	if (event_sign(&g->parser, g->schnorr, key, &in,
	    legacy ? JSON_ESCAPE_JSON : JSON_ESCAPE_NIP01, aux, out, id) < 0)
		errx(1, "cannot sign an event with tags %s", tags_json);
	buf_putc(out, '\n');
}

static const char *const words[] = {
	"nostr", "relay", "bitcoin", "zap", "freedom", "protocol", "signal", "hello",
	"world", "coffee", "morning", "sats", "lightning", "node", "key", "event",
	"Grüße", "straße", "café", "niño", "canção", "мир", "привет", "日本語",
	"こんにちは", "你好", "世界", "🚀", "🤙", "💜", "⚡", "ünïcödé",
};

static const char *const hashtags[] = {
	"nostr", "bitcoin", "zapathon", "grownostr", "photography", "art", "music",
	"plebchain", "Nostr", "BITCOIN", "日本", "café", "foodstr", "dev",
};

static const char *const media[] = {
	"https://image.example.com/p/%08x.jpg", "https://cdn.example.org/v/%08x.mp4",
	"https://img.example.net/%08x.png", "https://files.example.com/a/%08x.mp3",
	"https://example.com/blog/%08x", "https://video.example.com/%08x.webm",
};

static const char *const escapes[] = {
	"\n", "\t", "\"", "\\", "\r", "\b", "\f", "\x01", "\x1f", "</script>", "\xe2\x80\xae",
};

static void
random_text(struct gen *g, struct buf *b, int nwords)
{
	int i;

	for (i = 0; i < nwords; i++) {
		if (i)
			buf_putc(b, ' ');
		buf_puts(b, words[uniform(g, sizeof(words) / sizeof(words[0]))]);
	}
}

static const struct recent *
pick_recent(struct gen *g)
{
	size_t n = g->nrecent < RECENT ? g->nrecent : RECENT;

	return n ? &g->recent[uniform(g, (uint32_t)n)] : NULL;
}

static void
remember(struct gen *g, const uint8_t id[32], int author, uint32_t kind)
{
	struct recent *r = &g->recent[g->nrecent++ % RECENT];

	memcpy(r->id, id, 32);
	r->author = author;
	r->kind = kind;
}

static void
tag2(struct buf *t, const char *name, const char *value)
{
	buf_puts(t, t->len > 1 ? ",[" : "[");
	json_quote(t, name, strlen(name));
	buf_putc(t, ',');
	json_quote(t, value, strlen(value));
	buf_putc(t, ']');
}

static void
tag_hex(struct buf *t, const char *name, const uint8_t *v, const char *extra1,
    const char *extra2)
{
	char hex[65];

	hex_encode(v, 32, hex);
	buf_puts(t, t->len > 1 ? ",[" : "[");
	buf_printf(t, "\"%s\",\"%s\"", name, hex);
	if (extra1)
		buf_printf(t, ",\"%s\"", extra1);
	if (extra2)
		buf_printf(t, ",\"%s\"", extra2);
	buf_putc(t, ']');
}

/* note_content: words, hashtags, links, mentions and, now and then, escapes. */
static void
note_content(struct gen *g, struct buf *c, struct buf *t)
{
	char url[128], npub[NIP19_KEY_BUFSIZE];
	uint32_t r = uniform(g, 100);
	const char *h;

	random_text(g, c, 3 + (int)uniform(g, 12));
	if (r < 40) {
		h = hashtags[uniform(g, sizeof(hashtags) / sizeof(hashtags[0]))];
		buf_printf(c, " #%s", h);
		if (uniform(g, 2))
			tag2(t, "t", h);
	}
	if (r >= 30 && r < 50) {
		snprintf(url, sizeof(url), media[uniform(g, sizeof(media) / sizeof(media[0]))],
		    (unsigned)next_random(g));
		buf_printf(c, " %s", url);
	}
	if (r >= 45 && r < 55) {
		const struct sign_key *k = &g->keys[uniform(g, (uint32_t)g->nkeys)];

		if (nip19_encode_key(NIP19_NPUB, k->pub, npub, sizeof(npub)) == 0)
			buf_printf(c, " nostr:%s", npub);
	}
	if (r >= 90)
		buf_puts(c, escapes[uniform(g, sizeof(escapes) / sizeof(escapes[0]))]);
}

#define MAX_FOLLOWS 2000  /* a list this long drops a key whenever it adds one */

/*
 * contact_list: an author's contact list (NIP-02) the way clients publish
 * them: the first names 5 to 44 random keys; each later one is the author's
 * previous list with a key added and, half the time or when it is long, one
 * dropped (real lists change by a follow or two, not all at once).  A key's
 * relay hint is its own, so it stays the same from list to list.
 */
static void
contact_list(struct gen *g, int author, struct buf *t)
{
	struct follows *f = &g->follows[author];
	size_t i, n;

	if (f->n == 0) {
		n = 5 + uniform(g, 40);
	} else {
		if (uniform(g, 2) || f->n >= MAX_FOLLOWS) {
			i = uniform(g, (uint32_t)f->n);
			memmove(f->key + i, f->key + i + 1, (f->n - i - 1) * sizeof(*f->key));
			f->n--;
		}
		n = f->n + 1;
	}
	if (n > f->cap) {
		f->cap = n + 16;
		f->key = xrealloc(f->key, f->cap * sizeof(*f->key));
	}
	while (f->n < n)
		f->key[f->n++] = uniform(g, (uint32_t)g->nkeys);
	for (i = 0; i < f->n; i++)
		tag_hex(t, "p", g->keys[f->key[i]].pub,
		    f->key[i] % 3 ? "wss://relay.example.com" : NULL, NULL);
}

/* bolt11_invoice: a well-formed invoice (valid checksum, random signature). */
static void
bolt11_invoice(struct gen *g, uint64_t msat, int64_t when, char *out, size_t cap)
{
	uint8_t data[256], bytes[66];
	size_t n = 0, m, i;
	char hrp[32];

	/* Amounts that are whole sats in units of 10 nano-bitcoin or finer. */
	if (msat % 100000000 == 0)
		snprintf(hrp, sizeof(hrp), "lnbc%" PRIu64 "m", msat / 100000000);
	else if (msat % 100000 == 0)
		snprintf(hrp, sizeof(hrp), "lnbc%" PRIu64 "u", msat / 100000);
	else
		snprintf(hrp, sizeof(hrp), "lnbc%" PRIu64 "n", msat / 100);
	for (i = 0; i < 7; i++)  /* 35-bit timestamp */
		data[n++] = (uint8_t)((uint64_t)when >> (30 - 5 * i) & 31);
	data[n++] = 1;  /* 'p': payment hash, 52 words */
	data[n++] = 1;
	data[n++] = 20;
	for (i = 0; i < 32; i++)
		bytes[i] = (uint8_t)next_random(g);
	bech32_convert_bits(data + n, sizeof(data) - n, &m, 5, bytes, 32, 8, 1);
	n += m;
	for (i = 0; i < 65; i++)  /* signature and recovery id */
		bytes[i] = (uint8_t)next_random(g);
	bytes[64] &= 3;  /* a recovery id is 0 to 3 */
	bech32_convert_bits(data + n, sizeof(data) - n, &m, 5, bytes, 65, 8, 1);
	n += m;
	if (bech32_encode(out, cap, hrp, data, n, 2000) != 0)
		errx(1, "bech32_encode failed for %s", hrp);
}

/* zap_receipt: a kind-9735 receipt holding a signed kind-9734 request. */
static void
zap_receipt(struct gen *g, int64_t when, struct buf *c, struct buf *t)
{
	static const uint64_t sats[] = { 21, 100, 210, 500, 1000, 2100, 5000, 21000, 100000 };
	int sender = (int)uniform(g, (uint32_t)g->nkeys);
	const struct recent *target = pick_recent(g);
	int recipient = target ? target->author : (int)uniform(g, (uint32_t)g->nkeys);
	uint64_t msat = sats[uniform(g, sizeof(sats) / sizeof(sats[0]))] * 1000;
	struct buf req = BUF_INIT, rtags = BUF_INIT;
	char invoice[512], amount[32];
	uint8_t rid[32];

	buf_putc(&rtags, '[');
	tag2(&rtags, "relays", "wss://relay.example.com");
	snprintf(amount, sizeof(amount), "%" PRIu64, msat);
	tag2(&rtags, "amount", amount);
	tag_hex(&rtags, "p", g->keys[recipient].pub, NULL, NULL);
	if (target)
		tag_hex(&rtags, "e", target->id, NULL, NULL);
	buf_putc(&rtags, ']');
	random_text(g, c, (int)uniform(g, 4));
	sign_event(g, &g->keys[sender], when - 1, 9734, rtags.data, c->data, c->len, 0,
	    &req, rid);
	req.data[--req.len] = '\0';  /* the trailing newline */
	bolt11_invoice(g, msat, when, invoice, sizeof(invoice));
	tag_hex(t, "p", g->keys[recipient].pub, NULL, NULL);
	if (target)
		tag_hex(t, "e", target->id, NULL, NULL);
	tag_hex(t, "P", g->keys[sender].pub, NULL, NULL);
	tag2(t, "bolt11", invoice);
	tag2(t, "description", req.data);
	buf_reset(c);
	buf_free(&req);
	buf_free(&rtags);
}

/* pick_kind: the kind mix of a busy relay. */
static uint32_t
pick_kind(struct gen *g, const uint32_t *kinds, size_t nkinds)
{
	uint32_t r;

	if (nkinds)
		return kinds[uniform(g, (uint32_t)nkinds)];
	r = uniform(g, 100);
	if (r < 50) return 1;
	if (r < 70) return 7;
	if (r < 75) return 6;
	if (r < 80) return 0;
	if (r < 83) return 3;
	if (r < 85) return 5;
	if (r < 95) return 9735;
	if (r < 97) return 9734;
	return 30023;
}

static void
build_event(struct gen *g, uint32_t kind, int author, int64_t when, struct buf *c,
    struct buf *t)
{
	const struct recent *target = pick_recent(g), *root;
	char hex[65];
	int i;

	switch (kind) {
	case 0:
		buf_printf(c, "{\"name\":\"user%d\",\"display_name\":\"", author);
		random_text(g, c, 2);
		buf_printf(c, "\",\"about\":\"");
		random_text(g, c, 6);
		buf_printf(c, "\",\"picture\":\"https://image.example.com/u/%d.png\","
		    "\"nip05\":\"user%d@example.com\",\"lud16\":\"user%d@wallet.example.com\"}",
		    author, author, author);
		break;
	case 3:
		contact_list(g, author, t);
		break;
	case 5:
		/* Delete one of the author's own recent events when there is one. */
		for (i = 0; i < RECENT && (size_t)i < g->nrecent; i++)
			if (g->recent[i].author == author && g->recent[i].kind != 5) {
				tag_hex(t, "e", g->recent[i].id, NULL, NULL);
				break;
			}
		if (t->len <= 1 && target)
			tag_hex(t, "e", target->id, NULL, NULL);
		buf_puts(c, "posted by mistake");
		break;
	case 6:
		if (target) {
			tag_hex(t, "e", target->id, "wss://relay.example.com", NULL);
			tag_hex(t, "p", g->keys[target->author].pub, NULL, NULL);
		}
		break;
	case 7:
		if (target) {
			tag_hex(t, "e", target->id, NULL, NULL);
			tag_hex(t, "p", g->keys[target->author].pub, NULL, NULL);
		}
		buf_puts(c, (const char *[]){ "+", "+", "+", "-", "🤙", "❤️", "⚡" }[uniform(g, 7)]);
		break;
	case 9734:
		tag2(t, "relays", "wss://relay.example.com");
		tag2(t, "amount", "21000");
		tag_hex(t, "p", g->keys[uniform(g, (uint32_t)g->nkeys)].pub, NULL, NULL);
		random_text(g, c, 3);
		break;
	case 9735:
		zap_receipt(g, when, c, t);
		break;
	case 30023:
		snprintf(hex, sizeof(hex), "article-%u", uniform(g, 50));
		tag2(t, "d", hex);
		tag2(t, "title", "An article");
		tag2(t, "t", hashtags[uniform(g, sizeof(hashtags) / sizeof(hashtags[0]))]);
		buf_puts(c, "# Heading\n\n");
		random_text(g, c, 80);
		break;
	default:  /* kind 1 and anything else: a note, maybe a reply */
		note_content(g, c, t);
		if (target && uniform(g, 3) == 0) {
			root = pick_recent(g);
			if (uniform(g, 4) == 0) {
				/* NIP-10's deprecated positional form */
				tag_hex(t, "e", root->id, NULL, NULL);
				tag_hex(t, "e", target->id, NULL, NULL);
			} else {
				tag_hex(t, "e", root->id, "", "root");
				tag_hex(t, "e", target->id, "wss://relay.example.com", "reply");
			}
			tag_hex(t, "p", g->keys[target->author].pub, NULL, NULL);
		}
		if (uniform(g, 10) == 0)
			tag2(t, "client", "nostr-gen");
		break;
	}
}

static void
generate(struct gen *g, long count, int64_t start, int64_t span,
    const uint32_t *kinds, size_t nkinds)
{
	uint8_t id[32];
	long i;

	for (i = 0; i < count; i++) {
		int author = (int)uniform(g, (uint32_t)g->nkeys);
		int64_t when = start + (count > 1 ? span * i / count : 0);
		uint32_t kind = pick_kind(g, kinds, nkinds);

		buf_reset(&g->content);
		buf_reset(&g->tags);
		buf_putc(&g->tags, '[');
		build_event(g, kind, author, when, &g->content, &g->tags);
		buf_putc(&g->tags, ']');
		buf_reset(&g->out);
		sign_event(g, &g->keys[author], when, kind, g->tags.data, g->content.data,
		    g->content.len, 0, &g->out, id);
		remember(g, id, author, kind);
		fwrite(g->out.data, 1, g->out.len, stdout);
	}
}

/* The broken variants of --bad, each with what nostr-verify should say. */
static const char *const bad_reasons[] = {
	"wrong_id", "bad_signature", "bad_hex", "bad_hex", "bad_hex", "missing_field",
	"missing_field", "wrong_type", "wrong_type", "wrong_type", "created_at_range",
	"kind_range", "bad_tags", "not_json", "not_object", "not_object", "bad_utf8",
	"duplicate_field", "wrong_type", "created_at_range", "bad_tags", "not_json",
};

/* replace: in line b, replaces the first occurrence of from by to. */
static void
replace(struct buf *b, const char *from, const char *to)
{
	char *p = strstr(b->data, from);
	struct buf nb = BUF_INIT;

	if (p == NULL)
		errx(1, "replace: %s not found", from);
	buf_append(&nb, b->data, (size_t)(p - b->data));
	buf_puts(&nb, to);
	buf_puts(&nb, p + strlen(from));
	buf_free(b);
	*b = nb;
}

static void
generate_bad(struct gen *g, long count, int64_t start, FILE *reasons)
{
	size_t nvariants = sizeof(bad_reasons) / sizeof(bad_reasons[0]);
	struct buf *b = &g->out;
	uint8_t id[32];
	char *p;
	long i;

	for (i = 0; i < count; i++) {
		size_t v = (size_t)i % nvariants;

		buf_reset(b);
		buf_reset(&g->content);
		random_text(g, &g->content, 5);
		sign_event(g, &g->keys[0], start + i, 1, "[[\"t\",\"x\"]]", g->content.data,
		    g->content.len, 0, b, id);
		b->data[--b->len] = '\0';
		switch (v) {
		case 0:  /* flip one hex digit of the id */
			p = b->data + 7 + uniform(g, 64);
			*p = *p == '0' ? '1' : '0';
			break;
		case 1:  /* flip one hex digit of the sig */
			p = strstr(b->data, "\"sig\":\"") + 7 + uniform(g, 128);
			*p = *p == '0' ? '1' : '0';
			break;
		case 2:  /* upper-case hex */
			for (p = b->data + 7; p < b->data + 71; p++)
				if (*p >= 'a' && *p <= 'f')
					*p = (char)(*p - 32);
			break;
		case 3:  /* a short pubkey */
			p = strstr(b->data, "\"pubkey\":\"") + 10;
			memmove(p, p + 2, strlen(p + 2) + 1);
			b->len -= 2;
			break;
		case 4:  /* a non-hex character in the sig */
			p = strstr(b->data, "\"sig\":\"") + 10;
			*p = 'g';
			break;
		case 5: replace(b, "\"kind\":1,", ""); break;
		case 6:
			p = strstr(b->data, ",\"sig\":");
			strcpy(p, "}");
			b->len = strlen(b->data);
			break;
		case 7: replace(b, "\"kind\":1,", "\"kind\":\"1\","); break;
		case 8: replace(b, "\"tags\":[", "\"tags\":{\"a\":["); replace(b, "],\"content\"", "]},\"content\""); break;
		case 9: replace(b, "\"content\":\"", "\"content\":[\""); replace(b, "\",\"sig\"", "\"],\"sig\""); break;
		case 10: replace(b, "\"created_at\":", "\"created_at\":-"); break;
		case 11: replace(b, "\"kind\":1,", "\"kind\":70000,"); break;
		case 12: replace(b, "[\"t\",\"x\"]", "[\"t\",1]"); break;
		case 13: buf_reset(b); buf_puts(b, "this is not json {"); break;
		case 14: buf_reset(b); buf_puts(b, "[\"EVENT\",\"sub\",{}]"); break;
		case 15: buf_reset(b); buf_puts(b, "42"); break;
		case 16: replace(b, "\"content\":\"", "\"content\":\"\xc3\x28"); break;
		case 17: replace(b, "\"kind\":1,", "\"kind\":1,\"kind\":1,"); break;
		case 18: replace(b, "\"created_at\":", "\"created_at\":1.5e0,\"x\":"); break;
		case 19: replace(b, "\"created_at\":", "\"created_at\":99999999999999999999999,\"x\":"); break;
		case 20: replace(b, "[\"t\",\"x\"]", "[[[[[[[[\"t\"]]]]]]]]"); break;
		case 21: b->data[b->len / 2] = '\0'; b->len /= 2; break;
		}
		fwrite(b->data, 1, b->len, stdout);
		putchar('\n');
		if (reasons)
			fprintf(reasons, "%s\n", bad_reasons[v]);
	}
}

/*
 * template_content: decodes the template's "content" with lib/json, which,
 * unlike cJSON, keeps a \u0000 and what follows it.  Returns 0 if found.
 */
static int
template_content(const char *line, size_t len, struct buf *out)
{
	struct json_cursor c = { line, line + len };
	const char *key;
	size_t key_len;
	int escaped;

	if (json_expect(&c, '{') != JSON_OK)
		return -1;
	while (json_peek(&c) == '"') {
		if (json_string_raw(&c, &key, &key_len, &escaped) != JSON_OK ||
		    json_expect(&c, ':') != JSON_OK)
			return -1;
		if (key_len == 7 && memcmp(key, "content", 7) == 0)
			return json_string(&c, out, NULL) == JSON_OK ? 0 : -1;
		if (json_skip_value(&c, 64) != JSON_OK)
			return -1;
		if (json_peek(&c) == ',')
			c.p++;
	}
	return -1;
}

/* sign_templates: reads {"key":..,"kind":..,...} lines, writes signed events. */
static void
sign_templates(struct gen *g)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	uint8_t id[32];

	while ((n = getline(&line, &cap, stdin)) > 0) {
		cJSON *t = cJSON_ParseWithLength(line, (size_t)n);
		cJSON *key, *kind, *at, *tags, *content, *legacy, *seckey;
		struct sign_key k;
		char *tags_text;

		if (t == NULL || !cJSON_IsObject(t))
			errx(1, "--sign: not a JSON object: %s", line);
		key = cJSON_GetObjectItemCaseSensitive(t, "key");
		seckey = cJSON_GetObjectItemCaseSensitive(t, "seckey");
		kind = cJSON_GetObjectItemCaseSensitive(t, "kind");
		at = cJSON_GetObjectItemCaseSensitive(t, "created_at");
		tags = cJSON_GetObjectItemCaseSensitive(t, "tags");
		content = cJSON_GetObjectItemCaseSensitive(t, "content");
		legacy = cJSON_GetObjectItemCaseSensitive(t, "legacy");
		if (cJSON_IsString(seckey)) {
			if (strlen(seckey->valuestring) != 64 ||
			    hex_decode(seckey->valuestring, k.sec, 32) < 0 ||
			    schnorr_pubkey(g->schnorr, k.sec, k.pub) < 0)
				errx(1, "--sign: bad seckey");
		} else {
			derive_key(g, cJSON_IsNumber(key) ? key->valueint : 0, &k);
		}
		buf_reset(&g->content);
		if (cJSON_IsString(content) && template_content(line, (size_t)n, &g->content) < 0)
			errx(1, "--sign: bad content: %s", line);
		tags_text = cJSON_IsArray(tags) ? cJSON_PrintUnformatted(tags) : xstrdup("[]");
		buf_reset(&g->out);
		sign_event(g, &k, cJSON_IsNumber(at) ? (int64_t)at->valuedouble : 1700000000,
		    cJSON_IsNumber(kind) ? (uint32_t)kind->valueint : 1, tags_text,
		    g->content.data ? g->content.data : "", g->content.len,
		    cJSON_IsTrue(legacy), &g->out, id);
		fwrite(g->out.data, 1, g->out.len, stdout);
		free(tags_text);
		cJSON_Delete(t);
	}
	free(line);
}

static size_t
parse_kinds(const char *arg, uint32_t *kinds, size_t cap)
{
	char *copy = xstrdup(arg), *s = copy, *tok;
	size_t n = 0;

	while ((tok = strsep(&s, ",")) != NULL && n < cap)
		if (*tok)
			kinds[n++] = (uint32_t)strtoul(tok, NULL, 10);
	free(copy);
	return n;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: nostr-gen [-n COUNT] [-s SEED] [-a AUTHORS] [-t START] [--span SECS]\n"
	    "                 [--kinds LIST] [--bad [--reasons FILE]]\n"
	    "       nostr-gen --sign [-s SEED] < templates\n"
	    "       nostr-gen --pubkey K | --seckey K [-s SEED]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "authors", required_argument, NULL, 'a' },
		{ "start", required_argument, NULL, 't' },
		{ "span", required_argument, NULL, 'S' },
		{ "kinds", required_argument, NULL, 'k' },
		{ "bad", no_argument, NULL, 'b' },
		{ "reasons", required_argument, NULL, 'r' },
		{ "sign", no_argument, NULL, 'g' },
		{ "pubkey", required_argument, NULL, 'P' },
		{ "seckey", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long count = 10, authors = 50, show_key = -1;
	int64_t start = 1700000000, span = 86400;
	uint32_t kinds[64];
	size_t nkinds = 0;
	int ch, bad = 0, sign = 0, show_secret = 0;
	uint64_t seed = 1;
	FILE *reasons = NULL;
	struct gen g;
	char hex[65];

	while ((ch = getopt_long(argc, argv, "n:s:a:t:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n': count = strtol(optarg, NULL, 10); break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'a': authors = strtol(optarg, NULL, 10); break;
		case 't': start = strtoll(optarg, NULL, 10); break;
		case 'S': span = strtoll(optarg, NULL, 10); break;
		case 'k': nkinds = parse_kinds(optarg, kinds, 64); break;
		case 'b': bad = 1; break;
		case 'r':
			if ((reasons = fopen(optarg, "w")) == NULL)
				err(1, "%s", optarg);
			break;
		case 'g': sign = 1; break;
		case 'P': show_key = strtol(optarg, NULL, 10); break;
		case 'K': show_key = strtol(optarg, NULL, 10); show_secret = 1; break;
		default: usage();
		}
	}
	if (count < 0 || authors < 1 || authors > 1000000 || argc != optind)
		usage();
	gen_init(&g, seed, show_key >= 0 || sign ? 1 : (int)authors);
	if (show_key >= 0) {
		struct sign_key k;

		derive_key(&g, (int)show_key, &k);
		hex_encode(show_secret ? k.sec : k.pub, 32, hex);
		puts(hex);
	} else if (sign) {
		sign_templates(&g);
	} else if (bad) {
		generate_bad(&g, count, start, reasons);
	} else {
		generate(&g, count, start, span, kinds, nkinds);
	}
	gen_free(&g);
	if (reasons && fclose(reasons) != 0)
		err(1, "reasons file");
	if (fflush(stdout) != 0 || ferror(stdout))
		err(1, "stdout");
	return 0;
}
