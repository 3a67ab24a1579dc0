#include "base/json.h"

#include <string.h>

/*
 * Byte classes for string scanning: 0 = plain byte copied as is, 1 = '"',
 * 2 = '\\', 3 = raw control character, 4 = start of a multi-byte UTF-8
 * sequence (or an invalid byte: utf8_sequence sorts that out).
 */
static const uint8_t str_class[256] = {
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	[0x80 ... 0xff] = 4,
};

/*
 * utf8_sequence: length of the well-formed UTF-8 sequence starting at s (at
 * most n bytes available), or 0 when it is not one (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF).
 */
static size_t
utf8_sequence(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		if (n >= 2 && (s[1] & 0xc0) == 0x80)
			return 2;
		return 0;
	}
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0;  /* overlong */
		if (c == 0xed && s[1] >= 0xa0)
			return 0;  /* UTF-16 surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0;  /* overlong */
		if (c == 0xf4 && s[1] >= 0x90)
			return 0;  /* past U+10FFFF */
		return 4;
	}
	return 0;
}

int
utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_sequence(u + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

void
json_skip_ws(struct json_cursor *c)
{
	while (c->p < c->end &&
	    (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

int
json_peek(struct json_cursor *c)
{
	json_skip_ws(c);
	return c->p < c->end ? (unsigned char)*c->p : -1;
}

enum json_status
json_expect(struct json_cursor *c, char ch)
{
	json_skip_ws(c);
	if (c->p >= c->end || *c->p != ch)
		return JSON_ERR_SYNTAX;
	c->p++;
	return JSON_OK;
}

static int
hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char ch = p[i];

		v <<= 4;
		if (ch >= '0' && ch <= '9')
			v |= (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v |= (unsigned)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			v |= (unsigned)(ch - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void
put_utf8(struct buf *out, unsigned cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_append(out, b, n);
}

/*
 * escape: decodes the escape sequence at *pp (just past the backslash),
 * appending the character to out when out is not NULL.
 */
static enum json_status
escape(const char **pp, const char *end, struct buf *out, unsigned *flags)
{
	const char *p = *pp;
	unsigned cp, lo;
	char ch;

	if (p >= end)
		return JSON_ERR_SYNTAX;
	switch (*p++) {
	case '"': ch = '"'; break;
	case '\\': ch = '\\'; break;
	case '/': ch = '/'; break;
	case 'b': ch = '\b'; break;
	case 'f': ch = '\f'; break;
	case 'n': ch = '\n'; break;
	case 'r': ch = '\r'; break;
	case 't': ch = '\t'; break;
	case 'u':
		if (end - p < 4 || hex4(p, &cp) < 0)
			return JSON_ERR_SYNTAX;
		p += 4;
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return JSON_ERR_UTF8;  /* a low surrogate alone */
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
			    hex4(p + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
				return JSON_ERR_UTF8;  /* a high surrogate alone */
			p += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		}
		if (cp < 0x20 && cp != '\b' && cp != '\t' && cp != '\n' &&
		    cp != '\f' && cp != '\r' && flags)
			*flags |= JSON_STR_CONTROL;
		if (out)
			put_utf8(out, cp);
		*pp = p;
		return JSON_OK;
	default:
		return JSON_ERR_SYNTAX;
	}
	if (out)
		buf_putc(out, ch);
	*pp = p;
	return JSON_OK;
}

/*
 * skip_plain: the first 8-byte word from p that holds a byte other than
 * plain ASCII (a quote, a backslash, a control character or a byte of a
 * multi-byte sequence), or the last few bytes before end: most of a string
 * is plain, and a word is tested at once.  The subtractions set a byte's
 * top bit when it is under 0x20, or, XORed first, when it is '"' or '\\';
 * a byte from 0x80 up keeps its top bit through at least one of the XORed
 * two.  A borrow can carry into the bytes above, but only from a byte that
 * is special itself, so a word is flagged exactly when it holds one.
 */
static const unsigned char *
skip_plain(const unsigned char *p, const unsigned char *end)
{
	const uint64_t ones = 0x0101010101010101u, tops = 0x8080808080808080u;
	uint64_t w;

	while (end - p >= 8) {
		memcpy(&w, p, sizeof w);
		if (((w - ones * 0x20) | ((w ^ ones * '"') - ones) |
		    ((w ^ ones * '\\') - ones)) & tops)
			break;
		p += 8;
	}
	return p;
}

/*
 * scan_string: the one string scanner.  Validates the string at the cursor;
 * appends the decoded value to out if out is not NULL.
 */
static enum json_status
scan_string(struct json_cursor *c, struct buf *out, unsigned *flags,
    int *escaped)
{
	const unsigned char *p, *end, *span;
	enum json_status st;
	size_t n;

	if (flags)
		*flags = 0;
	if (escaped)
		*escaped = 0;
	if ((st = json_expect(c, '"')) != JSON_OK)
		return st;
	p = (const unsigned char *)c->p;
	end = (const unsigned char *)c->end;
	span = p;
	for (;;) {
		p = skip_plain(p, end);
		while (p < end && str_class[*p] == 0)
			p++;
		if (p >= end) {
			c->p = (const char *)p;
			return JSON_ERR_SYNTAX;  /* unterminated */
		}
		switch (str_class[*p]) {
		case 1:  /* closing quote */
			if (out)
				buf_append(out, span, (size_t)(p - span));
			c->p = (const char *)p + 1;
			return JSON_OK;
		case 2:  /* escape */
			if (out)
				buf_append(out, span, (size_t)(p - span));
			if (escaped)
				*escaped = 1;
			c->p = (const char *)p + 1;
			if ((st = escape(&c->p, c->end, out, flags)) != JSON_OK)
				return st;
			p = span = (const unsigned char *)c->p;
			break;
		case 3:  /* raw control character: not allowed in JSON strings */
			c->p = (const char *)p;
			return *p == 0 ? JSON_ERR_NUL : JSON_ERR_SYNTAX;
		default:
			if ((n = utf8_sequence(p, (size_t)(end - p))) == 0) {
				c->p = (const char *)p;
				return JSON_ERR_UTF8;
			}
			p += n;
			break;
		}
	}
}

enum json_status
json_string(struct json_cursor *c, struct buf *out, unsigned *flags)
{
	return scan_string(c, out, flags, NULL);
}

enum json_status
json_string_raw(struct json_cursor *c, const char **raw, size_t *raw_len,
    int *escaped)
{
	enum json_status st;
	const char *start;

	json_skip_ws(c);
	start = c->p + 1;
	if ((st = scan_string(c, NULL, NULL, escaped)) != JSON_OK)
		return st;
	*raw = start;
	*raw_len = (size_t)(c->p - 1 - start);
	return JSON_OK;
}

/* number: validates a JSON number's grammar; reports whether it is integral. */
static enum json_status
number(struct json_cursor *c, int *integral)
{
	const char *p = c->p, *end = c->end;

	*integral = 1;
	if (p < end && *p == '-')
		p++;
	if (p >= end)
		return JSON_ERR_SYNTAX;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	else
		return JSON_ERR_SYNTAX;
	if (p < end && *p == '.') {
		*integral = 0;
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return JSON_ERR_SYNTAX;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		*integral = 0;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return JSON_ERR_SYNTAX;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	c->p = p;
	return JSON_OK;
}

enum json_status
json_int64(struct json_cursor *c, int64_t min, int64_t max, int64_t *out)
{
	const char *start;
	enum json_status st;
	int integral, neg, ch;
	uint64_t v = 0, limit;
	const char *p;

	ch = json_peek(c);
	if (ch != '-' && (ch < '0' || ch > '9'))
		return ch == '"' || ch == '{' || ch == '[' || ch == 't' ||
		    ch == 'f' || ch == 'n' ? JSON_ERR_TYPE : JSON_ERR_SYNTAX;
	start = c->p;
	if ((st = number(c, &integral)) != JSON_OK)
		return st;
	if (!integral)
		return JSON_ERR_TYPE;
	p = start;
	neg = *p == '-';
	if (neg)
		p++;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; p < c->p; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (limit - d) / 10)
			return JSON_ERR_RANGE;
		v = v * 10 + d;
	}
	if (neg) {
		int64_t r = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;

		if (r < min)
			return JSON_ERR_RANGE;
		*out = r;
	} else {
		if ((int64_t)v > max)
			return JSON_ERR_RANGE;
		*out = (int64_t)v;
	}
	if (*out < min || *out > max)
		return JSON_ERR_RANGE;
	return JSON_OK;
}

static enum json_status
literal(struct json_cursor *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return JSON_ERR_SYNTAX;
	c->p += n;
	return JSON_OK;
}

enum json_status
json_skip_value(struct json_cursor *c, int max_depth)
{
	enum json_status st;
	int integral, ch;

	switch ((ch = json_peek(c))) {
	case '"':
		return scan_string(c, NULL, NULL, NULL);
	case 't':
		return literal(c, "true");
	case 'f':
		return literal(c, "false");
	case 'n':
		return literal(c, "null");
	case '[':
	case '{':
		if (max_depth <= 0)
			return JSON_ERR_DEPTH;
		c->p++;
		if (json_peek(c) == (ch == '[' ? ']' : '}')) {
			c->p++;
			return JSON_OK;
		}
		for (;;) {
			if (ch == '{') {
				if ((st = scan_string(c, NULL, NULL, NULL)) != JSON_OK)
					return st;
				if ((st = json_expect(c, ':')) != JSON_OK)
					return st;
			}
			if ((st = json_skip_value(c, max_depth - 1)) != JSON_OK)
				return st;
			switch (json_peek(c)) {
			case ',':
				c->p++;
				continue;
			case ']':
			case '}':
				if (*c->p != (ch == '[' ? ']' : '}'))
					return JSON_ERR_SYNTAX;
				c->p++;
				return JSON_OK;
			default:
				return c->p < c->end && *c->p == 0 ?
				    JSON_ERR_NUL : JSON_ERR_SYNTAX;
			}
		}
	default:
		if (ch == '-' || (ch >= '0' && ch <= '9'))
			return number(c, &integral);
		return ch == 0 ? JSON_ERR_NUL : JSON_ERR_SYNTAX;
	}
}

const char *
json_status_string(enum json_status s)
{
	switch (s) {
	case JSON_OK: return "ok";
	case JSON_ERR_SYNTAX: return "not valid JSON";
	case JSON_ERR_UTF8: return "invalid UTF-8";
	case JSON_ERR_NUL: return "NUL byte";
	case JSON_ERR_DEPTH: return "nested too deeply";
	case JSON_ERR_RANGE: return "number out of range";
	case JSON_ERR_TYPE: return "wrong type";
	}
	return "unknown error";
}

/* Per byte: 0 = copy, else the character after the backslash ('u' = \u00xx). */
static const char escape_json[256] = {
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
	['"'] = '"', ['\\'] = '\\',
};

void
json_escape(struct buf *out, const char *s, size_t len, enum json_escape_mode mode)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, span = 0;

	if (len == 0)
		return;  /* s may be NULL then */
	buf_reserve(out, len + 16);
	while (i < len) {
		char e = escape_json[u[i]];

		if (e == 0 || (e == 'u' && mode == JSON_ESCAPE_NIP01)) {
			/* After a plain ASCII byte, whole plain words can follow. */
			if (u[i] < 0x80 && e == 0)
				i = (size_t)(skip_plain(u + i + 1, u + len) - u);
			else
				i++;
			continue;
		}
		buf_append(out, s + span, i - span);
		if (e == 'u') {
			char seq[6] = { '\\', 'u', '0', '0',
			    digits[u[i] >> 4], digits[u[i] & 15] };

			buf_append(out, seq, 6);
		} else {
			char seq[2] = { '\\', e };

			buf_append(out, seq, 2);
		}
		span = ++i;
	}
	buf_append(out, s + span, len - span);
}

void
json_quote(struct buf *out, const char *s, size_t len)
{
	buf_putc(out, '"');
	json_escape(out, s, len, JSON_ESCAPE_JSON);
	buf_putc(out, '"');
}
