/*
 * test_enrich.c: enrich.h and its helpers (text.h, lang.h): content scanning,
 * NIP-19 references, lists, threads, and writing meta into a line.
 */
#include "enrich/enrich.h"
#include "nostr/event.h"
#include "base/hex.h"
#include "enrich/lang.h"
#include "nostr/nip19.h"
#include "tap.h"
#include "base/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct enrich *en;

/* list_str: a strlist as "a,b,c". */
static const char *
list_str(const struct strlist *l)
{
	static char out[4096];
	size_t i, n, used = 0;
	const char *s;

	out[0] = '\0';
	for (i = 0; i < l->n; i++) {
		s = strlist_get(l, i, &n);
		used += (size_t)snprintf(out + used, sizeof out - used, "%s%.*s", i ? "," : "",
		    (int)n, s);
	}
	return out;
}

static const struct enrich_meta *
scan(const char *content)
{
	struct enrich_meta *m = (struct enrich_meta *)enrich_meta_of(en);

	meta_clear(m);
	enrich_scan_content(en, content, strlen(content));
	return m;
}

static void
test_strlist(void)
{
	struct strlist l;
	char s[16];
	size_t i, n;

	memset(&l, 0, sizeof l);
	for (i = 0; i < 3000; i++) {
		snprintf(s, sizeof s, "k%zu", i % 1000);
		CHECK_EQ_INT(strlist_add(&l, s, strlen(s)), i < 1000);
	}
	CHECK_EQ_INT(l.n, 1000);
	CHECK_EQ_STR(strlist_get(&l, 999, &n), "k999");
	/* Strings may hold NUL: length, not terminator, decides. */
	strlist_reset(&l);
	CHECK_EQ_INT(strlist_add(&l, "a\0b", 3), 1);
	CHECK_EQ_INT(strlist_add(&l, "a", 1), 1);
	CHECK_EQ_INT(strlist_add(&l, "a\0b", 3), 0);
	strlist_free(&l);
}

static void
test_hashtags(void)
{
	CHECK_EQ_STR(list_str(&scan("#One #one #ONE")->hashtags), "one");
	CHECK_EQ_STR(list_str(&scan("(#paren) [#bracket], #end.")->hashtags), "paren,bracket,end");
	CHECK_EQ_STR(list_str(&scan("#123 #1a #_x a#b &#39; ##double")->hashtags), "1a,_x,double");
	CHECK_EQ_STR(list_str(&scan("#Ελλάδα #МОСКВА #東京")->hashtags), "ελλάδα,москва,東京");
	/* Decomposed e + combining acute stays one hashtag. */
	CHECK_EQ_STR(list_str(&scan("#cafe\xcc\x81 x")->hashtags), "cafe\xcc\x81");
	CHECK_EQ_STR(list_str(&scan("https://x.example/#anchor http://y.example/a#b")->hashtags), "");
	/* Too long to be a hashtag. */
	CHECK_EQ_STR(list_str(&scan("#aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")->hashtags), "");
}

static void
test_urls(void)
{
	const struct enrich_meta *m;

	m = scan("a https://x.example/a.png. b (https://y.example/b) c https://z.example/q?x=1&y=2#f!");
	CHECK_EQ_STR(list_str(&m->urls),
	    "https://x.example/a.png,https://y.example/b,https://z.example/q?x=1&y=2#f");
	CHECK_EQ_STR(list_str(&m->media), "https://x.example/a.png");
	m = scan("HTTPS://CAPS.EXAMPLE/V.MOV http:// https://\xc2\xa0 https://n.example/a\xc2\xa0z");
	CHECK_EQ_STR(list_str(&m->urls), "HTTPS://CAPS.EXAMPLE/V.MOV,https://n.example/a");
	CHECK_EQ_STR(list_str(&m->media), "HTTPS://CAPS.EXAMPLE/V.MOV");
	m = scan("https://m.example/live.m3u8 https://m.example/song.mp3?dl=1 https://m.example/x.jpgfoo");
	CHECK_EQ_STR(list_str(&m->media), "https://m.example/live.m3u8,https://m.example/song.mp3?dl=1");
}

static void
test_words(void)
{
	CHECK_EQ_INT(scan("hello world")->words, 2);
	CHECK_EQ_INT(scan("  don't   stop — now ")->words, 3);
	CHECK_EQ_INT(scan("日本語です")->words, 5);
	CHECK_EQ_INT(scan("see https://x.example/a b")->words, 2);
	CHECK_EQ_INT(scan("#tag word")->words, 2);
	CHECK_EQ_INT(scan("")->words, 0);
	CHECK_EQ_INT(scan("🤙 🤙")->words, 0);
}

static void
test_nostr_uris(void)
{
	struct nip19 n;
	char npub[NIP19_BUFSIZE], note[NIP19_BUFSIZE], nevent[NIP19_BUFSIZE],
	    naddr[NIP19_BUFSIZE], nsec[NIP19_BUFSIZE], text[6 * NIP19_BUFSIZE], hex[65];
	uint64_t before;
	const struct enrich_meta *m;

	memset(&n, 0, sizeof n);
	memset(n.key, 0x11, 32);
	nip19_encode_key(NIP19_NPUB, n.key, npub, sizeof npub);
	nip19_encode_key(NIP19_NSEC, n.key, nsec, sizeof nsec);
	memset(n.key, 0x22, 32);
	nip19_encode_key(NIP19_NOTE, n.key, note, sizeof note);
	n.type = NIP19_NEVENT;
	memset(n.key, 0x33, 32);
	CHECK_EQ_INT(nip19_encode(&n, nevent, sizeof nevent), 0);
	memset(&n, 0, sizeof n);
	n.type = NIP19_NADDR;
	n.has_author = n.has_kind = 1;
	memset(n.author, 0x44, 32);
	n.kind = 30023;
	memcpy(n.identifier, "my-post", 7);
	n.identifier_len = 7;
	CHECK_EQ_INT(nip19_encode(&n, naddr, sizeof naddr), 0);

	snprintf(text, sizeof text, "nostr:%s, (nostr:%s) NOSTR:%s nostr:%s nostr:%s",
	    npub, note, nevent, naddr, nsec);
	before = enrich_get_stats(en)->uris_invalid;
	m = scan(text);
	memset(n.key, 0x11, 32);
	hex_encode(n.key, 32, hex);
	CHECK_EQ_STR(list_str(&m->mentions), hex);
	CHECK(strstr(list_str(&m->refs), "2222222222") == list_str(&m->refs));
	CHECK(strstr(list_str(&m->refs), ",3333333333") != NULL);
	CHECK(strstr(list_str(&m->refs), ",30023:4444444444444444444444444444444444444444444444444444444444444444:my-post") != NULL);
	/* The nsec is not indexed, but counted as an invalid reference. */
	CHECK_EQ_INT(enrich_get_stats(en)->uris_invalid, before + 1);
	CHECK_EQ_INT(m->refs.n, 3);
	/* A bare npub (no nostr:) is not a NIP-27 reference; a broken one counts. */
	snprintf(text, sizeof text, "%s nostr:npub1qqqqqq", npub);
	m = scan(text);
	CHECK_EQ_INT(m->mentions.n, 0);
	CHECK_EQ_INT(enrich_get_stats(en)->uris_invalid, before + 2);
}

/* parse: a parsed event from a template with zero id and sig. */
static const struct event *
parse(struct event_parser *p, struct buf *line, unsigned kind, const char *tags,
    const char *content_json, const char *extra)
{
	static struct event ev;

	buf_reset(line);
	buf_printf(line, "{\"id\":\"%064d\",\"pubkey\":\"%064d\",\"created_at\":1,\"kind\":%u,"
	    "\"tags\":%s,\"content\":%s,\"sig\":\"%0128d\"%s}", 0, 0, kind, tags,
	    content_json, 0, extra);
	if (event_parse(p, line->data, line->len, &ev) != EVENT_OK)
		return NULL;
	return &ev;
}

static void
test_threads_and_kinds(void)
{
	struct event_parser p;
	struct buf line = BUF_INIT;
	const struct event *ev;
	const struct enrich_meta *m;
	char a[65], b[65], tags[512];

	memset(a, 'a', 64);
	memset(b, 'b', 64);
	a[64] = b[64] = '\0';
	event_parser_init(&p);
	/* A reply marked only "reply" has no known root. */
	snprintf(tags, sizeof tags, "[[\"e\",\"%s\",\"\",\"reply\"]]", a);
	ev = parse(&p, &line, 1, tags, "\"x\"", "");
	m = enrich_event(en, line.data, line.len, ev, 0);
	CHECK(m->has_reply_to && !m->has_root);
	/* NIP-22 comments: E is the root, e the parent. */
	snprintf(tags, sizeof tags, "[[\"E\",\"%s\"],[\"e\",\"%s\"],[\"K\",\"1\"]]", a, b);
	ev = parse(&p, &line, 1111, tags, "\"x\"", "");
	m = enrich_event(en, line.data, line.len, ev, 0);
	CHECK_EQ_STR(m->root, a);
	CHECK_EQ_STR(m->reply_to, b);
	/* Kinds without prose: no hashtags from content, lang und, words 0. */
	ev = parse(&p, &line, 0, "[]", "\"{\\\"about\\\":\\\"#notatag words here\\\"}\"", "");
	m = enrich_event(en, line.data, line.len, ev, 0);
	CHECK_EQ_INT(m->hashtags.n, 0);
	CHECK_EQ_STR(m->lang, "und");
	CHECK_EQ_INT(m->words, 0);
	/* Invalid hex in p/e tags is ignored; a tags and address q tags are refs. */
	snprintf(tags, sizeof tags, "[[\"p\",\"XYZ\"],[\"e\",\"%.63s\"],[\"a\",\"30023:%s:d\"],"
	    "[\"q\",\"1:%s:\"],[\"a\",\"x:%s:d\"]]", a, a, b, a);
	ev = parse(&p, &line, 1, tags, "\"\"", "");
	m = enrich_event(en, line.data, line.len, ev, 0);
	CHECK_EQ_INT(m->mentions.n, 0);
	CHECK_EQ_INT(m->refs.n, 2);
	event_parser_free(&p);
	buf_free(&line);
}

static void
test_write_line(void)
{
	struct event_parser p;
	struct buf line = BUF_INIT, out = BUF_INIT;
	const struct event *ev;

	event_parser_init(&p);
	/* No meta: added before the closing brace, white space kept. */
	ev = parse(&p, &line, 1, "[[\"t\",\"X\"]]", "\"hi\"", " ");
	enrich_event(en, line.data, line.len, ev, 0);
	enrich_write_line(en, line.data, line.len, ev, &out);
	CHECK(out.len > line.len);
	CHECK(memcmp(out.data, line.data, line.len - 2) == 0);
	CHECK(strstr(out.data, " ,\"meta\":{\"lang\":\"und\",\"hashtags\":[\"x\"],") != NULL);
	CHECK(out.data[out.len - 1] == '\n' && out.data[out.len - 2] == '}');
	/* An existing meta: foreign members kept in order, owned ones replaced. */
	ev = parse(&p, &line, 1, "[]", "\"hi\"",
	    ",\"meta\":{\"relay\":\"wss://r\",\"hashtags\":[\"stale\"],\"received_at\":2.5e0}");
	enrich_event(en, line.data, line.len, ev, 1);
	CHECK(enrich_meta_of(en)->has_received_at && enrich_meta_of(en)->received_at == 2.5);
	CHECK_EQ_STR(enrich_meta_of(en)->relay, "wss://r");
	buf_reset(&out);
	enrich_write_line(en, line.data, line.len, ev, &out);
	CHECK(strstr(out.data, "\"meta\":{\"relay\":\"wss://r\",\"received_at\":2.5e0,\"lang\":") != NULL);
	CHECK(strstr(out.data, "stale") == NULL);
	/* meta.lang from the input is reused when asked (nostr-load). */
	ev = parse(&p, &line, 1, "[]", "\"some words in some language or other\"",
	    ",\"meta\":{\"lang\":\"xx\"}");
	CHECK_EQ_STR(enrich_event(en, line.data, line.len, ev, 1)->lang, "xx");
	CHECK(strcmp(enrich_event(en, line.data, line.len, ev, 0)->lang, "xx") != 0);
	event_parser_free(&p);
	buf_free(&line);
	buf_free(&out);
}

static void
test_text(void)
{
	struct buf b = BUF_INIT;
	size_t i = 0;

	CHECK_EQ_INT(text_decode("\xe2\x82\xac", 3, &i), 0x20ac);
	CHECK_EQ_INT(i, 3);
	i = 0;
	CHECK_EQ_INT(text_decode("\xe2\x82", 2, &i), 0xfffd);  /* truncated */
	CHECK_EQ_INT(i, 1);
	i = 0;
	CHECK_EQ_INT(text_decode("\xc0\xaf", 2, &i), 0xfffd);  /* overlong */
	text_fold_append(&b, "ÀÉÎ ΣΑΣ ς", strlen("ÀÉÎ ΣΑΣ ς"));
	CHECK_EQ_STR(b.data, "àéî σασ σ");
	CHECK(text_is_word('_') && text_is_word(0x65e5) && !text_is_word('-'));
	CHECK(text_is_space(0xa0) && text_is_space(0x3000) && !text_is_space('x'));
	buf_free(&b);
}

static void
test_lang_short(void)
{
	const char *why = NULL;
	struct lang *l = lang_new(NULL, &why);

	CHECK(l != NULL);
	if (l == NULL)
		return;
	CHECK_EQ_STR(lang_guess(l, "ok", 2), "und");
	CHECK_EQ_STR(lang_guess(l, "12345 67890 !!! ???", 19), "und");
	CHECK_EQ_STR(lang_guess(l, "안녕하세요 오늘 날씨가 정말 좋네요", strlen("안녕하세요 오늘 날씨가 정말 좋네요")), "ko");
	CHECK_EQ_STR(lang_guess(l, "Καλημέρα σε όλους, τι κάνετε σήμερα;",
	    strlen("Καλημέρα σε όλους, τι κάνετε σήμερα;")), "el");
	lang_free(l);
	CHECK(lang_new("/nonexistent", &why) == NULL && why != NULL);
}

int
main(void)
{
	const char *why = NULL;
	struct enrich_options opt = { 0, NULL, 0 };

	if ((en = enrich_new(&opt, &why)) == NULL) {
		printf("Bail out! %s\n", why);
		return 1;
	}
	TEST(test_strlist);
	TEST(test_hashtags);
	TEST(test_urls);
	TEST(test_words);
	TEST(test_nostr_uris);
	TEST(test_threads_and_kinds);
	TEST(test_write_line);
	TEST(test_text);
	TEST(test_lang_short);
	enrich_free(en);
	return tap_done();
}
