/*
 * format.h: result tables and the formats they are written in: an aligned
 * table for people, JSON, NDJSON, CSV and TSV for programs.
 *
 * The tables are store/table.h's, filled by the report layer (report.h);
 * format_write() renders one.  A dotted column name ("profile.name") nests in
 * JSON and NDJSON; other formats print the dotted name as it is.
 *
 * Text from the network is hostile.  The table format strips every control
 * character (C0, DEL, C1), every bidirectional-override or isolate character
 * (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) and every other code
 * point wcwidth(3) calls non-printable, turns invalid UTF-8 into U+FFFD, and
 * lays columns out by display width (so CJK and emoji line up).  JSON escapes
 * what JSON requires; CSV quotes per RFC 4180 and keeps the bytes; TSV puts a
 * space for each tab, newline and carriage return, as TSV has no quoting.
 */
#ifndef NP_FORMAT_H
#define NP_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "store/table.h"

enum format {
	FORMAT_TABLE,
	FORMAT_JSON,    /* one array of objects */
	FORMAT_NDJSON,  /* one object per line */
	FORMAT_CSV,     /* RFC 4180: header line, CRLF line ends */
	FORMAT_TSV,     /* header line, LF line ends */
	FORMAT_HTML,    /* rendered by the dashboard (issue 6), not by format_write */
};

/* format_parse: "table", "json", "ndjson", "csv", "tsv" or "html" into *f;
 * returns 0, or -1 for another name. */
int format_parse(const char *name, enum format *f);

/*
 * format_write: writes t to out in format f (not FORMAT_HTML).  Returns 0, or
 * -1 when writing failed (errno is set) or f is FORMAT_HTML.
 */
int format_write(FILE *out, const struct table *t, enum format f);

/*
 * format_locale_init: setlocale(LC_CTYPE, "") so that wcwidth(3) knows the
 * user's character set; when that is not UTF-8, LC_CTYPE falls back to
 * C.UTF-8, since the pipeline's text is always UTF-8.  LC_NUMERIC stays "C",
 * so numbers always print with a '.'.  Call once in main().
 */
void format_locale_init(void);

/*
 * text_sanitize: appends to out the len bytes of s made safe for a terminal
 * (see above), cut to at most max_width display columns with "…" as the last
 * one when it had to be cut (max_width 0: no limit).  Tabs and line ends become
 * spaces.  Returns the display width of what it appended.
 */
int text_sanitize(struct buf *out, const char *s, size_t len, int max_width);

/* text_display_width: the display width text_sanitize would give s uncut. */
int text_display_width(const char *s, size_t len);

/*
 * utf8_decode: decodes one code point at s[0..len) into *cp and returns its
 * length in bytes (1..4), or 0 for invalid UTF-8 (overlong, surrogate, past
 * U+10FFFF, truncated): then *cp is U+FFFD and the caller skips one byte.
 */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* text_is_unsafe_codepoint: true for what text_sanitize removes. */
int text_is_unsafe_codepoint(uint32_t cp);

#endif
