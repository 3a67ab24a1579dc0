/*
 * html.h: writing HTML that holds text from the network: escaping for element
 * content and quoted attributes, the one rule for which URLs may become links,
 * and the frame of a self-contained page (head, inline CSS and JS, a
 * Content-Security-Policy that allows nothing but the page's own style and
 * script).
 *
 * Every function appends to a struct buf (see buf.h); nothing is returned that
 * the caller must free.  Input strings carry explicit lengths and may be any
 * bytes: invalid UTF-8, NUL and other control characters come out as U+FFFD,
 * never verbatim, so a hostile note cannot break the markup, hide text, or
 * reorder the page with bidirectional overrides.
 */
#ifndef NP_HTML_H
#define NP_HTML_H

#include <stddef.h>

#include "base/buf.h"

/* Longest URL html_url_ok() accepts; longer ones are shown as text, not linked. */
#define HTML_URL_MAX 2048

/*
 * html_escape: appends the len bytes of s escaped for element content and for
 * attribute values in double or single quotes: & < > " ' become character
 * references; invalid UTF-8 bytes, C0 controls other than tab and newline,
 * DEL, C1 controls, and the bidirectional embedding, override and isolate
 * controls (U+202A-U+202E, U+2066-U+2069) become U+FFFD.  The result is valid
 * UTF-8 whatever the input.
 */
void html_escape(struct buf *out, const char *s, size_t len);

/* html_escape_str: html_escape() of a NUL-terminated string (NULL is ""). */
void html_escape_str(struct buf *out, const char *s);

/*
 * html_escape_cut: like html_escape(), but writes at most max_chars characters
 * (code points) and ends with "…" when it had to cut, so one long note cannot
 * stretch a table.  Returns 1 when it cut, 0 when the whole text fitted.
 */
int html_escape_cut(struct buf *out, const char *s, size_t len, size_t max_chars);

/*
 * html_url_ok: 1 when s is a URL the page may put in an href: it starts with
 * http:// or https:// (any case), has a host, is at most HTML_URL_MAX bytes,
 * and holds only printable ASCII without spaces.  Everything else
 * (javascript:, data:, relative or protocol-relative URLs, IRIs with raw
 * non-ASCII that could spoof a host) is 0: show it as text instead.
 */
int html_url_ok(const char *s, size_t len);

/*
 * html_link: when html_url_ok(url), appends <a href="URL" rel=...>TEXT</a>
 * with both escaped and returns 1; otherwise appends TEXT escaped (as plain
 * text) and returns 0.  text NULL means the URL itself.  Text is cut to
 * max_chars characters as html_escape_cut() does (0: no limit).
 */
int html_link(struct buf *out, const char *url, const char *text, size_t max_chars);

/* utf8_char_count: the number of code points in s; invalid bytes count one each. */
size_t utf8_char_count(const char *s, size_t len);

/*
 * The page frame.  html_page_begin writes everything up to and including
 * <body>: the doctype, charset, viewport, a Content-Security-Policy meta
 * element whose script-src and style-src are the SHA-256 hashes of exactly
 * the given script and css (so no other script can run, even if escaping
 * failed somewhere, and nothing can be fetched: default-src 'none'), the
 * title, an optional refresh, the css.  html_page_end writes the script and
 * closes the page.  The script and css are the caller's own constant text,
 * never network data.  refresh_seconds 0 means no refresh.
 */
struct html_page {
	const char *title;       /* escaped here */
	const char *css;         /* inline style sheet */
	const char *script;      /* inline script, run at the end of body; may be NULL */
	unsigned refresh_seconds;
};

void html_page_begin(struct buf *out, const struct html_page *page);
void html_page_end(struct buf *out, const struct html_page *page);

#endif
