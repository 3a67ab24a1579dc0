/* Unit tests for lib/event, lib/json and lib/hex. */
#include <stdlib.h>

#include "tap.h"

#include "nostr/event.h"
#include "base/hex.h"
#include "base/json.h"
#include "nostr/schnorr.h"
#include "base/sha256.h"

static struct event_parser parser;

static enum event_error
parse(const char *line, struct event *ev)
{
	return event_parse(&parser, line, strlen(line), ev);
}

/* A template with the fields in place; tests substitute parts of it. */
#define ID64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define PK64 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define SIG128 ID64 PK64
#define EVENT(extra) "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":1700000000," \
	"\"kind\":1,\"tags\":[[\"t\",\"x\"],[\"e\",\"" ID64 "\",\"\",\"root\"]],\"content\":\"hi\"," \
	"\"sig\":\"" SIG128 "\"" extra "}"

static void
parses_all_fields(void)
{
	struct event ev;

	CHECK_EQ_INT(parse(EVENT(""), &ev), EVENT_OK);
	CHECK_EQ_INT(ev.id[0], 0xaa);
	CHECK_EQ_INT(ev.pubkey[31], 0xbb);
	CHECK_EQ_INT(ev.sig[63], 0xbb);
	CHECK_EQ_INT(ev.created_at, 1700000000);
	CHECK_EQ_INT(ev.kind, 1);
	CHECK_EQ_INT(ev.ntags, 2);
	CHECK_EQ_INT(ev.tags[1].count, 4);
	CHECK(ev.tags[1].items[3].len == 4 && memcmp(ev.tags[1].items[3].s, "root", 4) == 0);
	CHECK(ev.content.len == 2 && memcmp(ev.content.s, "hi", 2) == 0);
	CHECK_EQ_INT(ev.meta_start, 0);
	CHECK_EQ_INT(ev.object_end, strlen(EVENT("")) - 1);
	CHECK(event_tag_value(&ev, "e") != NULL);
	CHECK(event_tag_value(&ev, "p") == NULL);
}

static void
records_meta_span(void)
{
	const char *line = EVENT(",\"meta\":{\"relay\":\"wss://x\"}");
	struct event ev;

	CHECK_EQ_INT(parse(line, &ev), EVENT_OK);
	CHECK(ev.meta_end > ev.meta_start);
	CHECK(memcmp(line + ev.meta_start, "{\"relay\":\"wss://x\"}", ev.meta_end - ev.meta_start) == 0);
}

static void
rejects_bad_structure(void)
{
	struct event ev;
	static const struct {
		const char *line;
		enum event_error e;
	} cases[] = {
		{ "", EVENT_ERR_JSON },
		{ "   ", EVENT_ERR_JSON },
		{ "not json", EVENT_ERR_JSON },
		{ "[1,2]", EVENT_ERR_NOT_OBJECT },
		{ "\"str\"", EVENT_ERR_NOT_OBJECT },
		{ "42", EVENT_ERR_NOT_OBJECT },
		{ "null", EVENT_ERR_NOT_OBJECT },
		{ "{}", EVENT_ERR_MISSING },
		{ EVENT(",\"kind\":1"), EVENT_ERR_DUPLICATE },
		{ EVENT(" x"), EVENT_ERR_JSON },
		{ EVENT(",\"other\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"), EVENT_ERR_TOO_DEEP },
		{ "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":\"1700000000\",\"kind\":1,\"tags\":[],\"content\":\"\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_TYPE },
		{ "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":1700000000.5,\"kind\":1,\"tags\":[],\"content\":\"\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_TYPE },
		{ "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":17e8,\"kind\":1,\"tags\":[],\"content\":\"\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_TYPE },
		{ "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":-1,\"kind\":1,\"tags\":[],\"content\":\"\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_CREATED_AT },
		{ "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":9007199254740992,\"kind\":1,\"tags\":[],\"content\":\"\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_CREATED_AT },
		{ "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":123456789012345678901234567890,\"kind\":1,\"tags\":[],\"content\":\"\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_CREATED_AT },
		{ "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":1,\"kind\":65536,\"tags\":[],\"content\":\"\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_KIND },
		{ "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":1,\"kind\":01,\"tags\":[],\"content\":\"\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_JSON },
		{ "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":1,\"kind\":1,\"tags\":[\"t\"],\"content\":\"\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_TAGS },
		{ "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":1,\"kind\":1,\"tags\":[[1]],\"content\":\"\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_TAGS },
		{ "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":1,\"kind\":1,\"tags\":[[null]],\"content\":\"\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_TAGS },
		{ "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":1,\"kind\":1,\"tags\":{},\"content\":\"\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_TYPE },
		{ "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":1,\"kind\":1,\"tags\":[],\"content\":null,\"sig\":\"" SIG128 "\"}", EVENT_ERR_TYPE },
		{ "{\"id\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"pubkey\":\"" PK64 "\",\"created_at\":1,\"kind\":1,\"tags\":[],\"content\":\"\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_HEX },
		{ "{\"id\":\"" ID64 "a\",\"pubkey\":\"" PK64 "\",\"created_at\":1,\"kind\":1,\"tags\":[],\"content\":\"\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_HEX },
		{ "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":1,\"kind\":1,\"tags\":[],\"content\":\"\\ud800\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_UTF8 },
		{ "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":1,\"kind\":1,\"tags\":[],\"content\":\"\xc0\xaf\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_UTF8 },
		{ "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":1,\"kind\":1,\"tags\":[],\"content\":\"\xed\xa0\x80\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_UTF8 },
		{ "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":1,\"kind\":1,\"tags\":[],\"content\":\"a\tb\",\"sig\":\"" SIG128 "\"}", EVENT_ERR_JSON },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum event_error e = parse(cases[i].line, &ev);

		if (e != cases[i].e)
			printf("#   case %zu: got %s, expected %s\n", i, event_error_name(e),
			    event_error_name(cases[i].e));
		CHECK_EQ_INT(e, cases[i].e);
	}
}

static void
rejects_raw_nul(void)
{
	char line[] = EVENT("");
	struct event ev;
	char *p = strstr(line, "hi");

	p[0] = '\0';
	CHECK_EQ_INT(event_parse(&parser, line, sizeof(line) - 1, &ev), EVENT_ERR_NUL);
}

/* The NIP-01 serialization: seven escapes, everything else verbatim. */
static void
serializes_nip01(void)
{
	const char *line = "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":5,\"kind\":7,"
	    "\"tags\":[[\"a\",\"q\\\"b\\\\\"],[]],\"content\":\"\\n\\t\\r\\b\\f\\u0001\\u001f\\/é\\u00e9\\u0000z\","
	    "\"sig\":\"" SIG128 "\"}";
	static const char want[] = "[0,\"" PK64 "\",5,7,[[\"a\",\"q\\\"b\\\\\"],[]],"
	    "\"\\n\\t\\r\\b\\f\x01\x1f/éé\0z\"]";
	static const char want_js[] = "[0,\"" PK64 "\",5,7,[[\"a\",\"q\\\"b\\\\\"],[]],"
	    "\"\\n\\t\\r\\b\\f\\u0001\\u001f/éé\\u0000z\"]";
	struct buf out = BUF_INIT;
	struct event ev;

	CHECK_EQ_INT(parse(line, &ev), EVENT_OK);
	CHECK(ev.flags & EVENT_HAS_CONTROL);
	CHECK_EQ_INT(ev.content.len, 14);
	event_serialize(&ev, JSON_ESCAPE_NIP01, &out);
	CHECK_EQ_INT(out.len, sizeof(want) - 1);
	CHECK(out.len == sizeof(want) - 1 && memcmp(out.data, want, out.len) == 0);
	event_serialize(&ev, JSON_ESCAPE_JSON, &out);
	CHECK_EQ_INT(out.len, sizeof(want_js) - 1);
	CHECK(out.len == sizeof(want_js) - 1 && memcmp(out.data, want_js, out.len) == 0);
	buf_free(&out);
}

/* The tags alone, appended: nostr-load's JSON text, or the NIP-01 form. */
static void
appends_tags(void)
{
	const char *line = "{\"id\":\"" ID64 "\",\"pubkey\":\"" PK64 "\",\"created_at\":5,\"kind\":7,"
	    "\"tags\":[[\"t\",\"a\\u0001\"],[],[\"p\",\"\\\"\",\"x\"]],\"content\":\"\","
	    "\"sig\":\"" SIG128 "\"}";
	struct buf out = BUF_INIT;
	struct event ev;

	CHECK_EQ_INT(parse(line, &ev), EVENT_OK);
	buf_puts(&out, "x=");
	event_append_tags(&ev, JSON_ESCAPE_JSON, &out);
	CHECK_EQ_STR(out.data, "x=[[\"t\",\"a\\u0001\"],[],[\"p\",\"\\\"\",\"x\"]]");
	buf_reset(&out);
	event_append_tags(&ev, JSON_ESCAPE_NIP01, &out);
	CHECK_EQ_STR(out.data, "[[\"t\",\"a\x01\"],[],[\"p\",\"\\\"\",\"x\"]]");
	CHECK_EQ_INT(parse(EVENT(""), &ev), EVENT_OK);
	ev.ntags = 0;
	buf_reset(&out);
	event_append_tags(&ev, JSON_ESCAPE_JSON, &out);
	CHECK_EQ_STR(out.data, "[]");
	buf_free(&out);
}

/* Signs an event whose id was computed one way or the other and checks both. */
static void
checks_id_and_legacy_form(void)
{
	struct schnorr *s = schnorr_new();
	uint8_t sec[32], pub[32], id[32], sig[64];
	char pubhex[65], idhex[65], sighex[129], line[1024];
	struct event ev;
	int legacy, mode;

	memset(sec, 7, sizeof(sec));
	CHECK_EQ_INT(schnorr_pubkey(s, sec, pub), 0);
	hex_encode(pub, 32, pubhex);
	for (mode = JSON_ESCAPE_NIP01; mode <= JSON_ESCAPE_JSON; mode++) {
		snprintf(line, sizeof(line), "{\"id\":\"%s\",\"pubkey\":\"%s\",\"created_at\":1,"
		    "\"kind\":1,\"tags\":[],\"content\":\"bell\\u0007 nul\\u0000\",\"sig\":\"%s\"}",
		    ID64, pubhex, SIG128);
		CHECK_EQ_INT(parse(line, &ev), EVENT_OK);
		event_compute_id(&parser, &ev, mode, id);
		CHECK_EQ_INT(schnorr_sign(s, sec, id, NULL, sig), 0);
		hex_encode(id, 32, idhex);
		hex_encode(sig, 64, sighex);
		snprintf(line, sizeof(line), "{\"id\":\"%s\",\"pubkey\":\"%s\",\"created_at\":1,"
		    "\"kind\":1,\"tags\":[],\"content\":\"bell\\u0007 nul\\u0000\",\"sig\":\"%s\"}",
		    idhex, pubhex, sighex);
		CHECK_EQ_INT(parse(line, &ev), EVENT_OK);
		CHECK_EQ_INT(event_check_id(&parser, &ev, &legacy), EVENT_OK);
		CHECK_EQ_INT(legacy, mode == JSON_ESCAPE_JSON);
		CHECK_EQ_INT(event_check_sig(s, &ev), EVENT_OK);
		ev.sig[5] ^= 1;
		CHECK_EQ_INT(event_check_sig(s, &ev), EVENT_ERR_SIG);
		ev.id[0] ^= 1;
		CHECK_EQ_INT(event_check_id(&parser, &ev, NULL), EVENT_ERR_ID);
	}
	schnorr_free(s);
}

static void
hex_round_trip(void)
{
	uint8_t b[4] = { 0, 0x1f, 0xa0, 0xff }, back[4];
	char h[9];

	hex_encode(b, 4, h);
	CHECK_EQ_STR(h, "001fa0ff");
	CHECK_EQ_INT(hex_decode(h, back, 4), 0);
	CHECK_EQ_MEM(back, b, 4);
	CHECK_EQ_INT(hex_decode("001FA0FF", back, 4), -1);
	CHECK_EQ_INT(hex_decode("0g", back, 1), -1);
	CHECK(hex_is_lower("abc123", 6));
	CHECK(!hex_is_lower("abC123", 6));
	CHECK(hex_is_key("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 64));
	CHECK(!hex_is_key("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde", 63));
	CHECK(!hex_is_key("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeF", 64));
}

static void
json_scanner(void)
{
	struct buf b = BUF_INIT;
	struct json_cursor c;
	int64_t v;
	unsigned flags;

	c = (struct json_cursor){ "\"a\\u00e9\\ud83d\\ude80\"", NULL };
	c.end = c.p + strlen(c.p);
	CHECK_EQ_INT(json_string(&c, &b, &flags), JSON_OK);
	CHECK_EQ_STR(b.data, "a\xc3\xa9\xf0\x9f\x9a\x80");
	CHECK_EQ_INT(flags, 0);
	c = (struct json_cursor){ "-9223372036854775808", NULL };
	c.end = c.p + strlen(c.p);
	CHECK_EQ_INT(json_int64(&c, INT64_MIN, INT64_MAX, &v), JSON_OK);
	CHECK(v == INT64_MIN);
	c = (struct json_cursor){ "9223372036854775808", NULL };
	c.end = c.p + strlen(c.p);
	CHECK_EQ_INT(json_int64(&c, INT64_MIN, INT64_MAX, &v), JSON_ERR_RANGE);
	c = (struct json_cursor){ "[1,{\"a\":[true,false,null,-0.5e+3]}]", NULL };
	c.end = c.p + strlen(c.p);
	CHECK_EQ_INT(json_skip_value(&c, 8), JSON_OK);
	CHECK(c.p == c.end);
	c = (struct json_cursor){ "[1,]", NULL };
	c.end = c.p + strlen(c.p);
	CHECK(json_skip_value(&c, 8) != JSON_OK);
	c = (struct json_cursor){ "{\"a\" 1}", NULL };
	c.end = c.p + strlen(c.p);
	CHECK(json_skip_value(&c, 8) != JSON_OK);
	CHECK(utf8_valid("h\xc3\xa9", 3));
	CHECK(!utf8_valid("\xf4\x90\x80\x80", 4));
	CHECK(!utf8_valid("\xe2\x82", 2));
	buf_reset(&b);
	json_quote(&b, "a\"\\\x01\n\x7f", 6);
	CHECK_EQ_STR(b.data, "\"a\\\"\\\\\\u0001\\n\x7f\"");
	buf_free(&b);
}

/* scan_one: json_string on s[0..len) gives want, out (when OK) and stops at used. */
static void
scan_one(const char *s, size_t len, enum json_status want, const char *out,
    size_t outlen, size_t used)
{
	struct buf b = BUF_INIT;
	struct json_cursor c = { s, s + len };

	CHECK_EQ_INT(json_string(&c, &b, NULL), want);
	if (want == JSON_OK) {
		CHECK_EQ_INT((int)b.len, (int)outlen);
		CHECK_EQ_MEM(b.data, out, outlen);
	}
	CHECK_EQ_INT((int)(c.p - s), (int)used);
	buf_free(&b);
}

/*
 * json_scanner_words: the string scanner tests 8 bytes at a time, so each
 * byte that ends or interrupts a plain run is put at every offset of a word,
 * and bytes just beside the special ones (' ' beside 0x1f, '#' beside '"',
 * '[' and ']' beside '\\', 0x7f beside 0x80) must pass as plain.
 */
static void
json_scanner_words(void)
{
	static const char plain[] = " #[]\x7f~A";
	char s[64], want[64];
	size_t i, k, n = 40;

	for (i = 0; i < 24; i++) {
		/* A plain run of n bytes with one odd byte at offset i. */
		s[0] = '"';
		memset(s + 1, 'a', n);
		for (k = 0; k < sizeof plain - 1; k++) {
			s[1 + i] = plain[k];
			s[1 + n] = '"';
			scan_one(s, n + 2, JSON_OK, s + 1, n, n + 2);
		}
		memset(s + 1, 'a', n);
		s[1 + n] = '"';
		s[1 + i] = '"';
		scan_one(s, n + 2, JSON_OK, s + 1, i, i + 2);
		s[1 + i] = 0x1f;
		scan_one(s, n + 2, JSON_ERR_SYNTAX, NULL, 0, i + 1);
		s[1 + i] = 0x01;
		scan_one(s, n + 2, JSON_ERR_SYNTAX, NULL, 0, i + 1);
		s[1 + i] = 0;
		scan_one(s, n + 2, JSON_ERR_NUL, NULL, 0, i + 1);
		s[1 + i] = (char)0xff;
		scan_one(s, n + 2, JSON_ERR_UTF8, NULL, 0, i + 1);
		s[1 + i] = (char)0x85;  /* a continuation byte alone */
		scan_one(s, n + 2, JSON_ERR_UTF8, NULL, 0, i + 1);
		s[1 + i] = (char)0xc3;  /* a two-byte sequence: é */
		s[2 + i] = (char)0xa9;
		scan_one(s, n + 2, JSON_OK, s + 1, n, n + 2);
		s[2 + i] = 'a';        /* a lead byte without its continuation */
		scan_one(s, n + 2, JSON_ERR_UTF8, NULL, 0, i + 1);
		s[1 + i] = '\\';
		s[2 + i] = 'n';
		memcpy(want, s + 1, n);
		want[i] = '\n';
		memmove(want + i + 1, want + i + 2, n - i - 2);
		scan_one(s, n + 2, JSON_OK, want, n - 1, n + 2);
		/* Unterminated after i plain bytes. */
		memset(s + 1, 'a', n);
		scan_one(s, i + 1, JSON_ERR_SYNTAX, NULL, 0, i + 1);
	}
}

/* escape_one: json_escape of s[0..len) is s with the byte at `at` as esc. */
static void
escape_one(const char *s, size_t len, enum json_escape_mode mode, size_t at,
    const char *esc)
{
	struct buf b = BUF_INIT, want = BUF_INIT;

	buf_append(&want, s, at);
	buf_append(&want, esc, strlen(esc));
	buf_append(&want, s + at + 1, len - at - 1);
	json_escape(&b, s, len, mode);
	CHECK_EQ_INT((int)b.len, (int)want.len);
	CHECK_EQ_MEM(b.data, want.data, want.len);
	buf_free(&b);
	buf_free(&want);
}

/* json_escape_words: json_escape, too, skips plain words; every byte it must
 * escape, or must not, at every offset of one. */
static void
json_escape_words(void)
{
	static const struct {
		char byte;
		const char *json, *nip01;
	} cases[] = {
		{ '"', "\\\"", "\\\"" }, { '\\', "\\\\", "\\\\" }, { '\n', "\\n", "\\n" },
		{ 0x01, "\\u0001", "\x01" }, { 0x1f, "\\u001f", "\x1f" },
		{ 0x7f, "\x7f", "\x7f" }, { (char)0xe9, "\xe9", "\xe9" }, { 'z', "z", "z" },
	};
	char s[40];
	size_t i, k;

	for (i = 0; i < 24; i++)
		for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
			memset(s, 'a', sizeof s);
			s[i] = cases[k].byte;
			escape_one(s, sizeof s, JSON_ESCAPE_JSON, i, cases[k].json);
			escape_one(s, sizeof s, JSON_ESCAPE_NIP01, i, cases[k].nip01);
		}
}

static void
sha256_vector(void)
{
	uint8_t d[32];
	char h[65];

	sha256("abc", 3, d);
	hex_encode(d, 32, h);
	CHECK_EQ_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
kind_classes(void)
{
	CHECK(event_kind_is_replaceable(0) && event_kind_is_replaceable(3));
	CHECK(event_kind_is_replaceable(10002) && !event_kind_is_replaceable(1));
	CHECK(event_kind_is_ephemeral(20001) && !event_kind_is_ephemeral(30000));
	CHECK(event_kind_is_addressable(30023) && !event_kind_is_addressable(40000));
}

int
main(void)
{
	event_parser_init(&parser);
	TEST(parses_all_fields);
	TEST(records_meta_span);
	TEST(rejects_bad_structure);
	TEST(rejects_raw_nul);
	TEST(serializes_nip01);
	TEST(appends_tags);
	TEST(checks_id_and_legacy_form);
	TEST(hex_round_trip);
	TEST(json_scanner);
	TEST(json_scanner_words);
	TEST(json_escape_words);
	TEST(sha256_vector);
	TEST(kind_classes);
	event_parser_free(&parser);
	return tap_done();
}
