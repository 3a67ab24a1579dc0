#include "render/html.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "render/format.h"
#include "base/sha256.h"

static const char replacement[] = "\xef\xbf\xbd";  /* U+FFFD */

/*
 * unsafe_code_point: characters that must not reach the page as they are.
 * Controls can hide or mangle text; the bidi embeddings, overrides and
 * isolates (Unicode TR9) let a name such as "\u202Egnp.exe" display reversed
 * and bleed into the cells around it.  Ordinary RTL text needs none of them.
 */
static int
unsafe_code_point(uint32_t c)
{
	if (c < 0x20)
		return c != '\t' && c != '\n';
	return (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069);
}

/* escape_some: escapes s, stopping after max_chars code points; returns bytes used. */
static size_t
escape_some(struct buf *out, const char *s, size_t len, size_t max_chars)
{
	size_t i = 0, chars = 0, n;
	uint32_t c;

	buf_reserve(out, len);
	while (i < len && chars < max_chars) {
		n = utf8_decode(s + i, len - i, &c);
		chars++;
		if (n == 0 || unsafe_code_point(c)) {
			buf_append(out, replacement, 3);
			i += n ? n : 1;
			continue;
		}
		switch (c) {
		case '&': buf_append(out, "&amp;", 5); break;
		case '<': buf_append(out, "&lt;", 4); break;
		case '>': buf_append(out, "&gt;", 4); break;
		case '"': buf_append(out, "&quot;", 6); break;
		case '\'': buf_append(out, "&#39;", 5); break;
		default: buf_append(out, s + i, n); break;
		}
		i += n;
	}
	return i;
}

void
html_escape(struct buf *out, const char *s, size_t len)
{
	escape_some(out, s, len, SIZE_MAX);
}

void
html_escape_str(struct buf *out, const char *s)
{
	if (s != NULL)
		escape_some(out, s, strlen(s), SIZE_MAX);
}

int
html_escape_cut(struct buf *out, const char *s, size_t len, size_t max_chars)
{
	if (utf8_char_count(s, len) <= max_chars) {
		escape_some(out, s, len, SIZE_MAX);
		return 0;
	}
	/* One character of the budget goes to the ellipsis. */
	escape_some(out, s, len, max_chars > 0 ? max_chars - 1 : 0);
	buf_puts(out, "\xe2\x80\xa6");
	return 1;
}

size_t
utf8_char_count(const char *s, size_t len)
{
	size_t i = 0, count = 0, n;
	uint32_t c;

	while (i < len) {
		n = utf8_decode(s + i, len - i, &c);
		i += n ? n : 1;
		count++;
	}
	return count;
}

int
html_url_ok(const char *s, size_t len)
{
	size_t i, scheme;

	if (s == NULL || len > HTML_URL_MAX)
		return 0;
	if (len >= 8 && strncasecmp(s, "https://", 8) == 0)
		scheme = 8;
	else if (len >= 7 && strncasecmp(s, "http://", 7) == 0)
		scheme = 7;
	else
		return 0;
	/* A host must follow: "http:///x" and "http://" are not links. */
	if (scheme == len || s[scheme] == '/' || s[scheme] == '?' || s[scheme] == '#')
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f)
			return 0;
	}
	return 1;
}

int
html_link(struct buf *out, const char *url, const char *text, size_t max_chars)
{
	size_t ulen = url ? strlen(url) : 0;
	int ok = html_url_ok(url, ulen);
	const char *shown = text ? text : (url ? url : "");

	if (ok) {
		/* noreferrer: the page's location is nobody's business; nofollow:
		 * the links are other people's. */
		buf_puts(out, "<a href=\"");
		html_escape(out, url, ulen);
		buf_puts(out, "\" rel=\"noopener noreferrer nofollow\">");
	}
	if (max_chars)
		html_escape_cut(out, shown, strlen(shown), max_chars);
	else
		html_escape_str(out, shown);
	if (ok)
		buf_puts(out, "</a>");
	return ok;
}

/* base64: standard alphabet with padding, as CSP hash sources want it. */
static void
base64(struct buf *out, const uint8_t *p, size_t len)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		buf_putc(out, tab[p[i] >> 2]);
		buf_putc(out, tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		buf_putc(out, tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)]);
		buf_putc(out, tab[p[i + 2] & 63]);
	}
	if (len - i == 1) {
		buf_putc(out, tab[p[i] >> 2]);
		buf_putc(out, tab[(p[i] & 3) << 4]);
		buf_puts(out, "==");
	} else if (len - i == 2) {
		buf_putc(out, tab[p[i] >> 2]);
		buf_putc(out, tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		buf_putc(out, tab[(p[i + 1] & 15) << 2]);
		buf_putc(out, '=');
	}
}

/* csp_hash: appends 'sha256-BASE64' for the exact text of an inline element. */
static void
csp_hash(struct buf *out, const char *text)
{
	uint8_t digest[32];

	sha256(text, strlen(text), digest);
	buf_puts(out, "'sha256-");
	base64(out, digest, sizeof digest);
	buf_putc(out, '\'');
}

void
html_page_begin(struct buf *out, const struct html_page *page)
{
	const char *css = page->css ? page->css : "";

	buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"color-scheme\" content=\"light dark\">\n");
	/* The policy must come before any style or script to cover them.  SVG
	 * presentation attributes are not styles, so the charts need no
	 * 'unsafe-inline'; default-src 'none' also keeps remote pictures, fonts
	 * and fetches from loading. */
	buf_puts(out, "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; base-uri 'none'; form-action 'none'; style-src ");
	csp_hash(out, css);
	buf_puts(out, "; script-src ");
	if (page->script)
		csp_hash(out, page->script);
	else
		buf_puts(out, "'none'");
	buf_puts(out, "\">\n");
	if (page->refresh_seconds)
		buf_printf(out, "<meta http-equiv=\"refresh\" content=\"%u\">\n",
		    page->refresh_seconds);
	buf_puts(out, "<title>");
	html_escape_str(out, page->title);
	buf_puts(out, "</title>\n<style>");
	buf_puts(out, css);
	buf_puts(out, "</style>\n</head>\n<body>\n");
}

void
html_page_end(struct buf *out, const struct html_page *page)
{
	if (page->script) {
		buf_puts(out, "<script>");
		buf_puts(out, page->script);
		buf_puts(out, "</script>\n");
	}
	buf_puts(out, "</body>\n</html>\n");
}
