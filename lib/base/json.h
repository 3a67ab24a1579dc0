/*
 * json.h: the strict, allocation-free JSON scanning the stream parsers share,
 * and the string escaping every writer uses.
 *
 * A struct json_cursor walks a byte range [p, end).  The scanning functions
 * advance it past what they consume and return a json_status; on error the
 * cursor is left where the problem was found.  Input is RFC 8259 JSON in UTF-8:
 * raw control characters inside strings, invalid UTF-8 (overlong forms,
 * surrogates, code points past U+10FFFF), lone surrogate escapes, and numbers
 * such as 01 or 1. are all errors.  Strings may hold U+0000 written \u0000:
 * decoded strings carry explicit lengths, never rely on a NUL terminator.
 */
#ifndef NP_JSON_H
#define NP_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

enum json_status {
	JSON_OK = 0,
	JSON_ERR_SYNTAX,   /* not JSON here */
	JSON_ERR_UTF8,     /* invalid UTF-8 or a lone surrogate */
	JSON_ERR_NUL,      /* a raw NUL byte */
	JSON_ERR_DEPTH,    /* nested deeper than the limit */
	JSON_ERR_RANGE,    /* an integer that does not fit */
	JSON_ERR_TYPE,     /* a value, but not of the type asked for */
};

struct json_cursor {
	const char *p;
	const char *end;
};

/* Flags json_string() reports about a decoded string. */
#define JSON_STR_CONTROL 0x1  /* holds U+0000-U+001F other than \b \t \n \f \r */

/* json_skip_ws: advances past JSON white space. */
void json_skip_ws(struct json_cursor *c);

/* json_peek: the next non-white-space byte (consumed nothing), or -1 at end. */
int json_peek(struct json_cursor *c);

/* json_expect: consumes white space and then byte ch, or returns JSON_ERR_SYNTAX. */
enum json_status json_expect(struct json_cursor *c, char ch);

/*
 * json_string: decodes the string at the cursor (after white space), appending
 * its bytes to `out` (which may be NULL to only validate).  Sets *flags to the
 * JSON_STR_* bits that apply (flags may be NULL).
 */
enum json_status json_string(struct json_cursor *c, struct buf *out, unsigned *flags);

/*
 * json_string_raw: like json_string, but only validates and returns the raw
 * text between the quotes in *raw and *raw_len.  When the string holds no escape,
 * that raw text is its value, and *escaped is 0.
 */
enum json_status json_string_raw(struct json_cursor *c, const char **raw,
    size_t *raw_len, int *escaped);

/*
 * json_int64: reads a JSON number that is an integer (no fraction, no
 * exponent) within [min, max]: JSON_ERR_TYPE for any other number or value,
 * JSON_ERR_RANGE when out of the range.
 */
enum json_status json_int64(struct json_cursor *c, int64_t min, int64_t max,
    int64_t *out);

/* json_skip_value: validates and skips any one value, nesting at most max_depth. */
enum json_status json_skip_value(struct json_cursor *c, int max_depth);

/* json_status_string: a short English description, e.g. "invalid UTF-8". */
const char *json_status_string(enum json_status s);

/*
 * How json_escape writes control characters:
 *  JSON_ESCAPE_NIP01  the NIP-01 id serialization: \" \\ \n \r \t \b \f, and
 *                     every other byte verbatim (so the output may not be JSON).
 *  JSON_ESCAPE_JSON   valid JSON, as JavaScript's JSON.stringify writes it:
 *                     the seven above, and the other U+0000-U+001F as \u00xx.
 */
enum json_escape_mode { JSON_ESCAPE_NIP01, JSON_ESCAPE_JSON };

/* json_escape: appends the len bytes of s, escaped by mode, without quotes. */
void json_escape(struct buf *out, const char *s, size_t len, enum json_escape_mode mode);

/* json_quote: appends s escaped by JSON_ESCAPE_JSON between double quotes. */
void json_quote(struct buf *out, const char *s, size_t len);

/* utf8_valid: true when the len bytes at s are well-formed UTF-8. */
int utf8_valid(const char *s, size_t len);

#endif
