/*
 * test_html.c: html.h: escaping of hostile text (markup, controls, bidi
 * overrides, invalid UTF-8), the URL rule for links, cutting long text, and
 * the page frame's Content-Security-Policy hashes.
 */
#include "render/html.h"
#include "base/sha256.h"
#include "tap.h"

#include <stdlib.h>

static struct buf out = BUF_INIT;

static const char *
esc(const char *s, size_t len)
{
	buf_reset(&out);
	html_escape(&out, s, len);
	return out.data ? out.data : "";
}

#define ESC(lit) esc(lit, sizeof(lit) - 1)
#define FFFD "\xef\xbf\xbd"

static void
test_markup(void)
{
	CHECK_EQ_STR(ESC("plain text"), "plain text");
	CHECK_EQ_STR(ESC("<script>document.title='x'</script>"),
	    "&lt;script&gt;document.title=&#39;x&#39;&lt;/script&gt;");
	CHECK_EQ_STR(ESC("<img src=x onerror=\"alert(1)\">"),
	    "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
	CHECK_EQ_STR(ESC("</style><b>"), "&lt;/style&gt;&lt;b&gt;");
	CHECK_EQ_STR(ESC("a & b &amp;"), "a &amp; b &amp;amp;");
	CHECK_EQ_STR(ESC(""), "");
}

static void
test_controls(void)
{
	/* NUL in the middle must not truncate, and comes out replaced. */
	CHECK_EQ_STR(ESC("a\0b"), "a" FFFD "b");
	CHECK_EQ_STR(ESC("tab\there\nline"), "tab\there\nline");
	CHECK_EQ_STR(ESC("cr\rbell\aesc\x1b[31m"), "cr" FFFD "bell" FFFD "esc" FFFD "[31m");
	CHECK_EQ_STR(ESC("del\x7f"), "del" FFFD);
	CHECK_EQ_STR(ESC("c1\xc2\x85"), "c1" FFFD);
}

static void
test_bidi(void)
{
	/* U+202E RIGHT-TO-LEFT OVERRIDE and the isolates are replaced... */
	CHECK_EQ_STR(ESC("evil\xe2\x80\xaegnp.exe"), "evil" FFFD "gnp.exe");
	CHECK_EQ_STR(ESC("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad"),
	    FFFD FFFD FFFD FFFD);
	CHECK_EQ_STR(ESC("\xe2\x81\xa6x\xe2\x81\xa9"), FFFD "x" FFFD);
	/* ...but real right-to-left text and other scripts pass as they are. */
	CHECK_EQ_STR(ESC("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d"), "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d");
	CHECK_EQ_STR(ESC("\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x9a\x80"),
	    "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x9a\x80");
}

static void
test_invalid_utf8(void)
{
	CHECK_EQ_STR(ESC("a\xff" "b"), "a" FFFD "b");
	CHECK_EQ_STR(ESC("\xc0\xbc"), FFFD FFFD);          /* overlong '<' */
	CHECK_EQ_STR(ESC("\xed\xa0\x80"), FFFD FFFD FFFD);  /* a surrogate */
	CHECK_EQ_STR(ESC("cut\xe6\x97"), "cut" FFFD FFFD);  /* truncated */
	CHECK_EQ_INT(utf8_char_count("a\xff\xe6\x97\xa5", 5), 3);
}

static void
test_cut(void)
{
	buf_reset(&out);
	CHECK_EQ_INT(html_escape_cut(&out, "hello", 5, 5), 0);
	CHECK_EQ_STR(out.data, "hello");
	buf_reset(&out);
	CHECK_EQ_INT(html_escape_cut(&out, "hello world", 11, 6), 1);
	CHECK_EQ_STR(out.data, "hello\xe2\x80\xa6");
	/* Cutting counts characters, not bytes, and never splits one. */
	buf_reset(&out);
	CHECK_EQ_INT(html_escape_cut(&out, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 9, 2), 1);
	CHECK_EQ_STR(out.data, "\xe6\x97\xa5\xe2\x80\xa6");
	/* An escape is never cut in half. */
	buf_reset(&out);
	html_escape_cut(&out, "<<<<", 4, 3);
	CHECK_EQ_STR(out.data, "&lt;&lt;\xe2\x80\xa6");
}

static void
test_urls(void)
{
	CHECK(html_url_ok("https://example.com/x?a=1&b=2", 29));
	CHECK(html_url_ok("HTTP://EXAMPLE.COM", 18));
	CHECK(!html_url_ok("javascript:alert(1)", 19));
	CHECK(!html_url_ok("JavaScript:alert(1)", 19));
	CHECK(!html_url_ok(" https://example.com", 20));
	CHECK(!html_url_ok("java\tscript:x", 13));
	CHECK(!html_url_ok("data:text/html,<script>", 23));
	CHECK(!html_url_ok("//evil.example/", 15));
	CHECK(!html_url_ok("/relative", 9));
	CHECK(!html_url_ok("https://", 8));
	CHECK(!html_url_ok("https:///path", 13));
	CHECK(!html_url_ok("wss://relay.example", 19));
	CHECK(!html_url_ok("https://ex ample.com", 20));
	CHECK(!html_url_ok("https://ex\xe2\x80\xae" "ample.com", 22));
	CHECK(!html_url_ok("https://a\0b", 11));
	CHECK(!html_url_ok(NULL, 0));
}

static void
test_link(void)
{
	/* '"', '<' and '>' are printable ASCII: the rule above rejects nothing
	 * for them, so this checks they were escaped inside the attribute. */
	buf_reset(&out);
	CHECK_EQ_INT(html_link(&out, "https://example.com/?q=\"x'<", "site", 0), 1);
	CHECK_EQ_STR(out.data, "<a href=\"https://example.com/?q=&quot;x&#39;&lt;\" "
	    "rel=\"noopener noreferrer nofollow\">site</a>");
	buf_reset(&out);
	CHECK_EQ_INT(html_link(&out, "javascript:document.title='pwned'", NULL, 0), 0);
	CHECK_EQ_STR(out.data, "javascript:document.title=&#39;pwned&#39;");
	buf_reset(&out);
	CHECK_EQ_INT(html_link(&out, NULL, "<b>", 0), 0);
	CHECK_EQ_STR(out.data, "&lt;b&gt;");
}

static const char *
find(const char *hay, const char *needle)
{
	return hay ? strstr(hay, needle) : NULL;
}

static void
test_page(void)
{
	struct html_page page = { "<t>", "body{color:red}", "var x=1;", 30 };
	const char *csp, *style, *title;

	buf_reset(&out);
	html_page_begin(&out, &page);
	buf_puts(&out, "<p>x</p>\n");
	html_page_end(&out, &page);
	csp = find(out.data, "Content-Security-Policy");
	style = find(out.data, "<style>body{color:red}</style>");
	title = find(out.data, "<title>&lt;t&gt;</title>");
	CHECK(csp != NULL && style != NULL && title != NULL);
	/* The policy comes before the style it governs. */
	CHECK(csp != NULL && style != NULL && csp < style);
	CHECK(find(out.data, "default-src 'none'") != NULL);
	/* The hashes, as computed by `printf %s TEXT | openssl dgst -sha256
	 * -binary | base64`. */
	CHECK(find(out.data, "style-src 'sha256-FcQqt3aNlV7AZnGV4zkQRVeCeJOxbMPnQSx258L803E='")
	    != NULL);
	CHECK(find(out.data, "script-src 'sha256-hY782Iu6H/g1I2gZmb4nWf3mmxS9Tfhe+dnlwYVVuDs='")
	    != NULL);
	CHECK(find(out.data, "<meta http-equiv=\"refresh\" content=\"30\">") != NULL);
	CHECK(find(out.data, "<script>var x=1;</script>\n</body>\n</html>\n") != NULL);

	page.script = NULL;
	page.refresh_seconds = 0;
	buf_reset(&out);
	html_page_begin(&out, &page);
	html_page_end(&out, &page);
	CHECK(find(out.data, "script-src 'none'") != NULL);
	CHECK(find(out.data, "refresh") == NULL);
	CHECK(find(out.data, "<script") == NULL);
}

int
main(void)
{
	TEST(test_markup);
	TEST(test_controls);
	TEST(test_bidi);
	TEST(test_invalid_utf8);
	TEST(test_cut);
	TEST(test_urls);
	TEST(test_link);
	TEST(test_page);
	buf_free(&out);
	return tap_done();
}
