/*
 * test_nip11.c: nip11_compact, which takes a relay's NIP-11 document from
 * untrusted HTTP bodies into nostr-fetch's status records.
 */
#include "nostr/nip11.h"
#include "tap.h"

#include <string.h>

/* compact: the compact form of s as a NUL-terminated string, or the reason. */
static const char *
compact(const char *s, size_t len, struct buf *out)
{
	const char *why;

	buf_reset(out);
	if ((why = nip11_compact(s, len, out)) != NULL)
		return why;
	buf_putc(out, '\0');
	return out->data;
}

#define COMPACT(s, out) compact((s), sizeof(s) - 1, (out))

static void
pretty_document_on_one_line(void)
{
	static const char doc[] =
	    "\xef\xbb\xbf{\r\n  \"name\" : \"relay one\",\n"
	    "  \"description\": \"tabs\\tand\\nnewlines stay escaped,  spaces stay\",\n"
	    "  \"supported_nips\": [ 1, 11, 42 ],\n"
	    "  \"limitation\": { \"max_limit\": 500, \"auth_required\": false },\n"
	    "  \"fees\": { \"admission\": [ { \"amount\": 1e3, \"unit\": \"msats\" } ] },\n"
	    "  \"quote\": \"a \\\" and a \\\\\", \"icon\": null\n}\n\n";
	struct buf out = BUF_INIT, again = BUF_INIT;

	CHECK_EQ_STR(COMPACT(doc, &out),
	    "{\"name\":\"relay one\","
	    "\"description\":\"tabs\\tand\\nnewlines stay escaped,  spaces stay\","
	    "\"supported_nips\":[1,11,42],"
	    "\"limitation\":{\"max_limit\":500,\"auth_required\":false},"
	    "\"fees\":{\"admission\":[{\"amount\":1e3,\"unit\":\"msats\"}]},"
	    "\"quote\":\"a \\\" and a \\\\\",\"icon\":null}");
	/* Compact already: a second pass changes nothing. */
	CHECK_EQ_STR(compact(out.data, out.len - 1, &again), out.data);
	buf_free(&again);
	buf_free(&out);
}

static void
unicode_kept_as_sent(void)
{
	struct buf out = BUF_INIT;

	CHECK_EQ_STR(COMPACT("{ \"name\": \"Grüße 日本 \\u00e9 \\ud83d\\ude00\" }", &out),
	    "{\"name\":\"Grüße 日本 \\u00e9 \\ud83d\\ude00\"}");
	/* U+0000 written as an escape is JSON; it stays an escape. */
	CHECK_EQ_STR(COMPACT("{\"a\":\"x\\u0000y\"}", &out), "{\"a\":\"x\\u0000y\"}");
	buf_free(&out);
}

static void
not_documents(void)
{
	struct buf out = BUF_INIT;

	CHECK_EQ_STR(COMPACT("", &out), "not a JSON object");
	CHECK_EQ_STR(COMPACT("  \n", &out), "not a JSON object");
	CHECK_EQ_STR(COMPACT("[1,2]", &out), "not a JSON object");
	CHECK_EQ_STR(COMPACT("\"name\"", &out), "not a JSON object");
	CHECK_EQ_STR(COMPACT("<html>404</html>", &out), "not a JSON object");
	CHECK_EQ_STR(COMPACT("{\"a\":1} {\"b\":2}", &out), "data after the object");
	CHECK_EQ_STR(COMPACT("{\"a\":1}x", &out), "data after the object");
	CHECK(COMPACT("{\"a\":1", &out) != NULL);
	CHECK(COMPACT("{\"a\":01}", &out) != NULL);
	CHECK(COMPACT("{'a':1}", &out) != NULL);
	CHECK(COMPACT("{\"a\":\"raw\ttab\"}", &out) != NULL);
	CHECK(COMPACT("{\"a\":\"\\ud800\"}", &out) != NULL);
	/* Nothing was written by the failures. */
	CHECK_EQ_INT(out.len, 0);
	buf_free(&out);
}

/* A Latin-1 name: such a document would have made status lines that are not
 * UTF-8, which nostr-load refuses; the document is refused instead. */
static void
invalid_utf8_refused(void)
{
	struct buf out = BUF_INIT;

	CHECK_EQ_STR(COMPACT("{\"name\":\"Gr\xfc\xdf" "e\"}", &out), "invalid UTF-8");
	CHECK_EQ_STR(COMPACT("{\"name\":\"\xc0\xaf\"}", &out), "invalid UTF-8");
	CHECK_EQ_STR(COMPACT("{\"name\":\"\xed\xa0\x80\"}", &out), "invalid UTF-8");
	buf_free(&out);
}

static void
raw_nul_refused(void)
{
	static const char doc[] = "{\"name\":\"a\0b\"}";
	struct buf out = BUF_INIT;

	CHECK(compact(doc, sizeof doc - 1, &out) != NULL);
	CHECK(compact("{\"a\":1}\0", 8, &out) != NULL);
	buf_free(&out);
}

static void
depth_bounded(void)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	int i;

	/* NIP11_MAX_DEPTH levels are a document; one more is not. */
	for (i = 0; i < NIP11_MAX_DEPTH; i++)
		buf_puts(&in, "{\"a\":");
	buf_puts(&in, "1");
	for (i = 0; i < NIP11_MAX_DEPTH; i++)
		buf_putc(&in, '}');
	CHECK(nip11_compact(in.data, in.len, &out) == NULL);
	buf_reset(&in);
	for (i = 0; i <= NIP11_MAX_DEPTH; i++)
		buf_puts(&in, "{\"a\":");
	buf_puts(&in, "1");
	for (i = 0; i <= NIP11_MAX_DEPTH; i++)
		buf_putc(&in, '}');
	CHECK_EQ_STR(nip11_compact(in.data, in.len, &out), "nested too deeply");
	buf_free(&in);
	buf_free(&out);
}

int
main(void)
{
	TEST(pretty_document_on_one_line);
	TEST(unicode_kept_as_sent);
	TEST(not_documents);
	TEST(invalid_utf8_refused);
	TEST(raw_nul_refused);
	TEST(depth_bounded);
	return tap_done();
}
