/*
 * test_meta.c: meta.h: a meta is taken whole or not at all; what is written
 * reads back the same; the list lengths are counted from the text.
 */
#include "enrich/meta.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"

/* A complete meta as nostr-enrich writes it, with relay and received_at first. */
#define NOTE_META \
	"{\"relay\":\"wss://r.example\",\"received_at\":1700000001.5,\"lang\":\"de\"," \
	"\"hashtags\":[\"nostr\",\"caf\\u00e9\"],\"mentions\":[\"" H1 "\"]," \
	"\"refs\":[\"" H2 "\",\"30023:" H1 ":my \\\"d\\\"\"],\"reply_to\":\"" H2 "\"," \
	"\"root\":null,\"repost_of\":null,\"reaction_to\":null,\"reaction\":null," \
	"\"urls\":[\"https://x.example/a.png\"],\"media\":[\"https://x.example/a.png\"]," \
	"\"words\":12,\"pow\":3,\"client\":\"tab\\there\"}"

#define ZAP_MEMBER \
	"\"zap\":{\"sats\":21,\"msat\":21000,\"sender\":\"" H1 "\",\"recipient\":\"" H2 "\"," \
	"\"event\":null,\"address\":null,\"comment\":\"\",\"valid\":true,\"problems\":[]}"

static struct meta_reader reader;
static struct enrich_meta meta;

/* take: meta_read of json for an event of kind. */
static int
take(const char *json, unsigned kind)
{
	return meta_read(&reader, json, strlen(json), kind, &meta);
}

/* with: NOTE_META with one member's text replaced (from, to). */
static const char *
with(const char *from, const char *to)
{
	static char out[4096];
	const char *at = strstr(NOTE_META, from);

	if (at == NULL)
		return "";
	snprintf(out, sizeof out, "%.*s%s%s", (int)(at - NOTE_META), NOTE_META, to,
	    at + strlen(from));
	return out;
}

static void
test_complete_meta_is_read(void)
{
	size_t n;
	const char *s;

	CHECK_EQ_INT(take(NOTE_META, 1), 0);
	CHECK_EQ_STR(meta.lang, "de");
	CHECK_EQ_INT(meta.hashtags.n, 2);
	s = strlist_get(&meta.hashtags, 1, &n);
	CHECK(n == 5 && memcmp(s, "caf\xc3\xa9", 5) == 0);
	CHECK_EQ_INT(meta.mentions.n, 1);
	CHECK_EQ_INT(meta.refs.n, 2);
	s = strlist_get(&meta.refs, 1, &n);
	CHECK_EQ_STR(s, "30023:" H1 ":my \"d\"");
	CHECK_EQ_INT(meta.has_reply_to, 1);
	CHECK_EQ_STR(meta.reply_to, H2);
	CHECK_EQ_INT(meta.has_root, 0);
	CHECK_EQ_INT(meta.has_reaction, 0);
	CHECK_EQ_INT(meta.urls.n, 1);
	CHECK_EQ_INT(meta.media.n, 1);
	CHECK_EQ_INT(meta.words, 12);
	CHECK_EQ_INT(meta.pow, 3);
	CHECK(meta.client_len == 8 && memcmp(meta.client, "tab\there", 8) == 0);
	CHECK(meta.relay_len == 15 && memcmp(meta.relay, "wss://r.example", 15) == 0);
	CHECK(meta.has_received_at && meta.received_at == 1700000001.5);
	CHECK_EQ_INT(meta.has_zap, 0);
}

static void
test_reaction_and_empty_strings(void)
{
	CHECK_EQ_INT(take(with("\"reaction\":null", "\"reaction\":\"\""), 7), 0);
	CHECK_EQ_INT(meta.has_reaction, 1);
	CHECK(meta.reaction != NULL && meta.reaction_len == 0);
}

static void
test_zap_only_on_receipts(void)
{
	char receipt[4096];

	snprintf(receipt, sizeof receipt, "%.*s," ZAP_MEMBER "}",
	    (int)strlen(NOTE_META) - 1, NOTE_META);
	CHECK_EQ_INT(take(receipt, 9735), 0);
	CHECK_EQ_INT(meta.has_zap, 1);
	CHECK_EQ_INT(meta.zap.msat, 21000);
	CHECK(meta.zap.comment != NULL && meta.zap.comment_len == 0);
	CHECK_EQ_INT(take(receipt, 1), -1);      /* a zap on a note */
	CHECK_EQ_INT(take(NOTE_META, 9735), -1); /* a receipt without its zap */
	snprintf(receipt, sizeof receipt, "%.*s,%s}", (int)strlen(NOTE_META) - 1, NOTE_META,
	    "\"zap\":{\"sats\":21,\"msat\":21000,\"valid\":true,\"problems\":[]}");
	CHECK_EQ_INT(take(receipt, 9735), -1);   /* an incomplete zap */
}

static void
test_incomplete_or_malformed_is_refused(void)
{
	static const char *const bad[][2] = {
		{ "\"words\":12,", "" },                                  /* missing */
		{ "\"pow\":3", "\"pow\":3,\"pow\":3" },                   /* twice */
		{ "\"lang\":\"de\"", "\"lang\":\"DE\"" },                 /* not a tag */
		{ "\"lang\":\"de\"", "\"lang\":null" },
		{ "\"mentions\":[\"" H1, "\"mentions\":[\"" H1 "0" },     /* 65 digits */
		{ "\"mentions\":[\"1111", "\"mentions\":[\"A111" },       /* upper case */
		{ "\"refs\":[\"" H2 "\",", "\"refs\":[\"" H2 "\",\"note1x\"," },
		{ "\"reply_to\":\"" H2 "\"", "\"reply_to\":7" },
		{ "\"root\":null", "\"root\":\"\"" },
		{ "\"hashtags\":[\"nostr\"", "\"hashtags\":[\"\"" },      /* empty */
		{ "\"hashtags\":[\"nostr\"", "\"hashtags\":[\"" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"" },
		{ "\"urls\":[", "\"urls\":{}," "\"x\":[" },
		{ "\"words\":12", "\"words\":-1" },
		{ "\"pow\":3", "\"pow\":257" },
		{ "\"client\":\"tab\\there\"", "\"client\":1" },
		{ "\"client\":\"tab\\there\"}", "\"client\":\"tab\\there\"" }, /* unclosed */
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *json = with(bad[i][0], bad[i][1]);

		if (*json == '\0' || take(json, 1) != -1)
			printf("#   case %zu: %s\n", i, json);
		CHECK(*json != '\0');
		CHECK_EQ_INT(take(json, 1), -1);
	}
	CHECK_EQ_INT(take("[]", 1), -1);
	CHECK_EQ_INT(take("{}", 1), -1);
}

static struct buf out, key;

/* written: meta written with prev (may be NULL) as the existing meta. */
static const char *
written(const char *prev)
{
	buf_reset(&out);
	meta_write(&meta, prev, prev ? strlen(prev) : 0, &key, &out);
	return out.data;
}

static void
test_written_as_read(void)
{
	static char receipt[4096], copy[4096], canon[4096];
	const char *once;

	/* What was read is written in the table's order, relay and received_at
	 * first (kept as they came), and reads back the same. */
	snprintf(canon, sizeof canon, "%s", with("caf\\u00e9", "caf\xc3\xa9"));
	CHECK_EQ_INT(take(NOTE_META, 1), 0);
	once = written(NOTE_META);
	CHECK_EQ_STR(once, canon);
	snprintf(copy, sizeof copy, "%s", once);
	CHECK_EQ_INT(take(copy, 1), 0);
	CHECK_EQ_STR(written(copy), canon);
	snprintf(receipt, sizeof receipt, "%.*s," ZAP_MEMBER "}",
	    (int)strlen(canon) - 1, canon);
	CHECK_EQ_INT(take(receipt, 9735), 0);
	CHECK_EQ_STR(written(receipt), receipt);
	/* Without an existing meta, the owned members only, lang first. */
	CHECK_EQ_INT(take(NOTE_META, 1), 0);
	once = written(NULL);
	CHECK(strncmp(once, "{\"lang\":\"de\",\"hashtags\":", 24) == 0);
	CHECK(strstr(once, "relay") == NULL);
}

static void
test_zap_written_as_read(void)
{
	static char want[512], text[4096];
	const char *zap;

	CHECK_EQ_INT(take(NOTE_META, 1), 0);
	memset(&meta.zap, 0, sizeof meta.zap);
	meta.has_zap = 1;
	meta.zap.problems = 1u | 4u;
	meta.zap.has_event = 1;
	memset(meta.zap.event, 0xab, 32);
	meta.zap.comment = "a \"b\"";
	meta.zap.comment_len = 5;
	snprintf(want, sizeof want, ",\"zap\":{\"sats\":null,\"msat\":null,\"sender\":null,"
	    "\"recipient\":null,\"event\":\"%s\",\"address\":null,\"comment\":\"a \\\"b\\\"\","
	    "\"valid\":false,\"problems\":[\"%s\",\"%s\"]}}",
	    "abababababababababababababababababababababababababababababababab",
	    zap_problem_name(1u), zap_problem_name(4u));
	snprintf(text, sizeof text, "%s", written(NULL));
	zap = strstr(text, ",\"zap\":");
	CHECK(zap != NULL);
	CHECK_EQ_STR(zap != NULL ? zap : "", want);
	CHECK_EQ_INT(take(text, 9735), 0);
	CHECK_EQ_INT(meta.zap.problems, 5);
	CHECK_EQ_INT(meta.zap.has_msat, 0);
	CHECK_EQ_INT(meta.zap.has_event, 1);
	CHECK_EQ_INT(meta.zap.event[31], 0xab);
	CHECK(meta.zap.comment_len == 5 && memcmp(meta.zap.comment, "a \"b\"", 5) == 0);
	CHECK_EQ_STR(written(NULL), text);
	/* valid must agree with problems. */
	snprintf(want, sizeof want, "\"client\":null,\"zap\":{\"sats\":1,\"msat\":1000,"
	    "\"sender\":null,\"recipient\":null,\"event\":null,\"address\":null,"
	    "\"comment\":null,\"valid\":true,\"problems\":[\"%s\"]}}", zap_problem_name(1u));
	CHECK_EQ_INT(take(with("\"client\":\"tab\\there\"}", want), 9735), -1);
	snprintf(want, sizeof want, "\"client\":null,\"zap\":{\"sats\":1,\"msat\":1000,"
	    "\"sender\":null,\"recipient\":null,\"event\":null,\"address\":null,"
	    "\"comment\":null,\"valid\":false,\"problems\":[\"%s\"]}}", zap_problem_name(1u));
	CHECK_EQ_INT(take(with("\"client\":\"tab\\there\"}", want), 9735), 0);
}

static void
test_foreign_members_kept_owned_replaced(void)
{
	char want[4096];
	const char *canon = with("caf\\u00e9", "caf\xc3\xa9");
	const char *lang = strstr(canon, "\"lang\"");
	const char *pow = strstr(canon, "\"pow\":3");

	/* Members not owned come first as they came (relay even when null);
	 * an owned one in the old meta gives way to the new value. */
	snprintf(want, sizeof want, "{\"x\":[1, 2],\"relay\":null,%.*s\"pow\":9%s",
	    (int)(pow - lang), lang, pow + 7);
	CHECK_EQ_INT(take(NOTE_META, 1), 0);
	meta.pow = 9;
	CHECK_EQ_STR(written("{\"x\":[1, 2],\"pow\":1,\"relay\":null}"), want);
}

static void
test_kept_from_partial_meta(void)
{
	static const char partial[] = "{\"lang\":\"pt\",\"relay\":\"wss://a\","
	    "\"received_at\":5,\"words\":\"many\"}";

	meta_clear(&meta);
	CHECK_EQ_INT(meta_read_kept(&reader, partial, strlen(partial), 1, 1, &meta), 0);
	CHECK_EQ_STR(meta.lang, "pt");
	CHECK_EQ_STR(meta.relay, "wss://a");
	CHECK(meta.has_received_at && meta.received_at == 5);
	/* Without reuse, lang stays to be computed. */
	meta_clear(&meta);
	CHECK_EQ_INT(meta_read_kept(&reader, "{\"lang\":\"pt\"}", 13, 1, 0, &meta), 0);
	CHECK(meta.lang == NULL);
	/* Not an object. */
	CHECK_EQ_INT(meta_read_kept(&reader, "[1]", 3, 1, 1, &meta), -1);
}

static void
test_zap_kept_only_whole(void)
{
	static const char whole[] = "{" ZAP_MEMBER "}";
	static const char part[] = "{\"zap\":{\"msat\":1000}}";

	meta_clear(&meta);
	CHECK_EQ_INT(meta_read_kept(&reader, whole, strlen(whole), 9735, 1, &meta), 0);
	CHECK_EQ_INT(meta.has_zap, 1);
	CHECK_EQ_INT(meta.zap.msat, 21000);
	meta_clear(&meta);
	CHECK_EQ_INT(meta_read_kept(&reader, part, strlen(part), 9735, 1, &meta), 0);
	CHECK_EQ_INT(meta.has_zap, 0);
	meta_clear(&meta);
	CHECK_EQ_INT(meta_read_kept(&reader, whole, strlen(whole), 1, 1, &meta), 0);
	CHECK_EQ_INT(meta.has_zap, 0);
}

static void
test_counts(void)
{
	struct meta_counts n;
	static const char odd[] = "{\"hashtags\":[1,{\"a\":[]},\"x\"],\"media\":{},"
	    "\"mentions\":[],\"urls\":[\"a\",\"b\"],\"refs\":[\"r\",";

	meta_count(NOTE_META, strlen(NOTE_META), &n);
	CHECK_EQ_INT(n.hashtags, 2);
	CHECK_EQ_INT(n.mentions, 1);
	CHECK_EQ_INT(n.refs, 2);
	CHECK_EQ_INT(n.urls, 1);
	CHECK_EQ_INT(n.media, 1);
	/* Any values count; a list that is no array is 0; a broken meta counts
	 * up to where it breaks. */
	meta_count(odd, strlen(odd), &n);
	CHECK_EQ_INT(n.hashtags, 3);
	CHECK_EQ_INT(n.media, 0);
	CHECK_EQ_INT(n.mentions, 0);
	CHECK_EQ_INT(n.urls, 2);
	CHECK_EQ_INT(n.refs, 1);
	meta_count(NULL, 0, &n);
	CHECK_EQ_INT(n.hashtags + n.mentions + n.refs + n.urls + n.media, 0);
	meta_count("not json", 8, &n);
	CHECK_EQ_INT(n.hashtags, 0);
}

int
main(void)
{
	TEST(test_complete_meta_is_read);
	TEST(test_reaction_and_empty_strings);
	TEST(test_zap_only_on_receipts);
	TEST(test_incomplete_or_malformed_is_refused);
	TEST(test_written_as_read);
	TEST(test_zap_written_as_read);
	TEST(test_foreign_members_kept_owned_replaced);
	TEST(test_kept_from_partial_meta);
	TEST(test_zap_kept_only_whole);
	TEST(test_counts);
	meta_reader_free(&reader);
	meta_free(&meta);
	buf_free(&out);
	buf_free(&key);
	return tap_done();
}
