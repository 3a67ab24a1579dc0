#include "enrich/meta.h"

#include <stddef.h>
#include <string.h>

#include "base/hex.h"
#include "base/json.h"
#include "base/jsonobj.h"

/* ---- the member table ---- */

/* What a member's value is. */
enum type {
	T_LANG,     /* a language tag (const char *) */
	T_LIST,     /* an array of strings (struct strlist) */
	T_ID,       /* 64 hex digits (char[65] and an int flag), or null */
	T_TEXT,     /* a string (const char *, size_t), or null */
	T_UINT,     /* a whole number, 0 to max (uint64_t or unsigned) */
	T_ZAP,      /* the zap object (struct zap and an int flag) */
	T_NUMBER,   /* any JSON number (double and an int flag) */
};

/* What the strings of a T_LIST must be. */
enum form { F_NONE, F_HEX, F_REF, F_HASHTAG, F_URL };

#define NONE ((size_t)-1)
#define FIELD(f) offsetof(struct enrich_meta, f)
#define WIDTH(f) sizeof(((struct enrich_meta *)0)->f)

struct member {
	const char *name;
	const char *key;     /* ,"name": as written */
	size_t key_len;
	enum type type;
	int origin;          /* nostr-fetch's: read when of its type, never written */
	enum form form;      /* T_LIST */
	size_t field;        /* the value in struct enrich_meta */
	size_t has;          /* its presence flag (an int), or NONE */
	size_t len;          /* T_TEXT: its length (a size_t) */
	size_t width;        /* T_UINT: sizeof the value */
	int64_t max;         /* T_UINT */
	size_t count;        /* T_LIST: its length in struct meta_counts */
	int slot;            /* T_TEXT: the struct meta_reader text buffer */
	int rest;            /* no column or table holds it: meta_rest keeps it */
};

/* NAME(n): the name and its written key. */
#define NAME(n) .name = n, .key = ",\"" n "\":", .key_len = sizeof(",\"" n "\":") - 1

#define LIST(n, f, fm) { NAME(n), .type = T_LIST, .form = fm, .field = FIELD(f), \
	.has = NONE, .count = offsetof(struct meta_counts, f) }
#define ID(n, f, h) { NAME(n), .type = T_ID, .field = FIELD(f), .has = FIELD(h) }
#define TEXT(n, f, h, s) { NAME(n), .type = T_TEXT, .field = FIELD(f), .has = h, \
	.len = FIELD(f##_len), .slot = s }
#define UINT(n, f, m) { NAME(n), .type = T_UINT, .field = FIELD(f), .has = NONE, \
	.width = WIDTH(f), .max = m }

/* Every member, in the order meta_write writes the owned ones. */
static const struct member members[] = {
	{ NAME("lang"), .type = T_LANG, .field = FIELD(lang), .has = NONE },
	LIST("hashtags", hashtags, F_HASHTAG),
	LIST("mentions", mentions, F_HEX),
	LIST("refs", refs, F_REF),
	ID("reply_to", reply_to, has_reply_to),
	ID("root", root, has_root),
	ID("repost_of", repost_of, has_repost_of),
	ID("reaction_to", reaction_to, has_reaction_to),
	TEXT("reaction", reaction, FIELD(has_reaction), 0),
	{ NAME("urls"), .type = T_LIST, .form = F_URL, .field = FIELD(urls), .has = NONE,
	  .count = offsetof(struct meta_counts, urls), .rest = 1 },
	{ NAME("media"), .type = T_LIST, .form = F_URL, .field = FIELD(media), .has = NONE,
	  .count = offsetof(struct meta_counts, media), .rest = 1 },
	UINT("words", words, INT64_MAX),
	UINT("pow", pow, 256),
	TEXT("client", client, NONE, 1),
	{ NAME("zap"), .type = T_ZAP, .field = FIELD(zap), .has = FIELD(has_zap) },
	/* nostr-fetch's */
	{ NAME("relay"), .type = T_TEXT, .origin = 1, .field = FIELD(relay), .has = NONE,
	  .len = FIELD(relay_len), .slot = 2 },
	{ NAME("received_at"), .type = T_NUMBER, .origin = 1, .field = FIELD(received_at),
	  .has = FIELD(has_received_at) },
};

#define NMEMBERS (sizeof members / sizeof members[0])

_Static_assert(NMEMBERS <= 32, "the seen masks are 32 bits");
_Static_assert(sizeof ((struct meta_reader *)0)->text /
    sizeof ((struct meta_reader *)0)->text[0] >= 3, "a text buffer per T_TEXT member");

/* The members of zap (struct zap), in the order put_zap writes them. */
enum zap_type {
	Z_SATS,      /* msat / 1000, or null: written, not read (msat says it) */
	Z_MSAT,      /* a whole number (uint64_t and an int flag), or null */
	Z_KEY,       /* 64 hex digits (uint8_t[32] and an int flag), or null */
	Z_TEXT,      /* a string (const char *, size_t), or null */
	Z_VALID,     /* true or false: whether problems is empty */
	Z_PROBLEMS,  /* an array of zap_problem_name strings (unsigned bits) */
};

#define ZFIELD(f) offsetof(struct zap, f)

struct zap_member {
	const char *name;
	const char *key;     /* ,"name": as written */
	size_t key_len;
	enum zap_type type;
	size_t field, has, len;
	int slot;            /* Z_TEXT: the struct meta_reader zap_text buffer */
};

static const struct zap_member zap_members[] = {
	{ NAME("sats"), .type = Z_SATS },
	{ NAME("msat"), .type = Z_MSAT, .field = ZFIELD(msat), .has = ZFIELD(has_msat) },
	{ NAME("sender"), .type = Z_KEY, .field = ZFIELD(sender), .has = ZFIELD(has_sender) },
	{ NAME("recipient"), .type = Z_KEY, .field = ZFIELD(recipient),
	  .has = ZFIELD(has_recipient) },
	{ NAME("event"), .type = Z_KEY, .field = ZFIELD(event), .has = ZFIELD(has_event) },
	{ NAME("address"), .type = Z_TEXT, .field = ZFIELD(address),
	  .len = ZFIELD(address_len), .slot = 0 },
	{ NAME("comment"), .type = Z_TEXT, .field = ZFIELD(comment),
	  .len = ZFIELD(comment_len), .slot = 1 },
	{ NAME("valid"), .type = Z_VALID },
	{ NAME("problems"), .type = Z_PROBLEMS, .field = ZFIELD(problems) },
};

#define NZAP (sizeof zap_members / sizeof zap_members[0])

_Static_assert(NZAP <= 32, "the seen masks are 32 bits");

static void *
field(struct enrich_meta *m, size_t off)
{
	return (char *)m + off;
}

static const void *
cfield(const struct enrich_meta *m, size_t off)
{
	return (const char *)m + off;
}

/*
 * member_index: the table index of the member named key, or -1.  Every
 * member of every meta is looked up (twice by nostr-load: meta_read, then
 * meta_rest), so the length, known from the written key (,"name":), is
 * compared before the bytes.
 */
static int
member_index(const struct buf *key)
{
	size_t k;

	for (k = 0; k < NMEMBERS; k++)
		if (members[k].key_len == key->len + 4 &&
		    memcmp(key->data, members[k].name, key->len) == 0)
			return (int)k;
	return -1;
}

/* owned_mask: the bits of the members meta_read requires for kind. */
static uint32_t
owned_mask(uint32_t kind)
{
	uint32_t want = 0;
	size_t k;

	for (k = 0; k < NMEMBERS; k++)
		if (!members[k].origin && (members[k].type != T_ZAP || kind == 9735))
			want |= 1u << k;
	return want;
}

void
meta_clear(struct enrich_meta *m)
{
	const struct member *d;
	size_t k;

	for (k = 0; k < NMEMBERS; k++) {
		d = &members[k];
		if (d->has != NONE)
			*(int *)field(m, d->has) = 0;
		switch (d->type) {
		case T_LIST:
			strlist_reset(field(m, d->field));
			break;
		case T_LANG:
			*(const char **)field(m, d->field) = NULL;
			break;
		case T_TEXT:
			*(const char **)field(m, d->field) = NULL;
			*(size_t *)field(m, d->len) = 0;
			break;
		case T_UINT:
			if (d->width == sizeof(uint64_t))
				*(uint64_t *)field(m, d->field) = 0;
			else
				*(unsigned *)field(m, d->field) = 0;
			break;
		case T_ID:
		case T_ZAP:
		case T_NUMBER:
			break;
		}
	}
}

void
meta_free(struct enrich_meta *m)
{
	size_t k;

	for (k = 0; k < NMEMBERS; k++)
		if (members[k].type == T_LIST)
			strlist_free(field(m, members[k].field));
	meta_clear(m);
}

/* meta_is_address: D may be empty. */
int
meta_is_address(const char *s, size_t len)
{
	size_t i = 0;
	unsigned kind = 0;

	while (i < len && i < 5 && s[i] >= '0' && s[i] <= '9')
		kind = kind * 10 + (unsigned)(s[i++] - '0');
	if (i == 0 || kind > 65535 || i >= len || s[i] != ':')
		return 0;
	i++;
	if (len - i < 65 || !hex_is_key(s + i, 64) || s[i + 64] != ':')
		return 0;
	return 1;
}

/* ---- writing ---- */

static void
put_uint(struct buf *out, uint64_t v)
{
	char digits[24];
	size_t n = sizeof digits;

	do
		digits[--n] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	buf_append(out, digits + n, sizeof digits - n);
}

static void
put_list(struct buf *out, const struct strlist *l)
{
	size_t i, n;
	const char *s;

	buf_putc(out, '[');
	for (i = 0; i < l->n; i++) {
		if (i)
			buf_putc(out, ',');
		s = strlist_get(l, i, &n);
		json_quote(out, s, n);
	}
	buf_putc(out, ']');
}

static void
put_text_or_null(struct buf *out, const char *s, size_t len)
{
	if (s != NULL)
		json_quote(out, s, len);
	else
		buf_append(out, "null", 4);
}

/* put_zap_value: the value of zap member d of z. */
static void
put_zap_value(struct buf *out, const struct zap *z, const struct zap_member *d)
{
	const char *base = (const char *)z;
	char hex[65];
	unsigned i;
	int first = 1;

	switch (d->type) {
	case Z_SATS:
	case Z_MSAT:
		if (!z->has_msat)
			buf_append(out, "null", 4);
		else
			put_uint(out, d->type == Z_SATS ? z->msat / 1000 : z->msat);
		break;
	case Z_KEY:
		if (*(const int *)(base + d->has)) {
			hex_encode((const uint8_t *)(base + d->field), 32, hex);
			buf_putc(out, '"');
			buf_append(out, hex, 64);
			buf_putc(out, '"');
		} else {
			buf_append(out, "null", 4);
		}
		break;
	case Z_TEXT:
		put_text_or_null(out, *(const char *const *)(base + d->field),
		    *(const size_t *)(base + d->len));
		break;
	case Z_VALID:
		buf_puts(out, z->problems ? "false" : "true");
		break;
	case Z_PROBLEMS:
		buf_putc(out, '[');
		for (i = 0; i < ZAP_NPROBLEMS; i++) {
			if (!(z->problems & (1u << i)))
				continue;
			if (!first)
				buf_putc(out, ',');
			buf_putc(out, '"');
			buf_puts(out, zap_problem_name(1u << i));
			buf_putc(out, '"');
			first = 0;
		}
		buf_putc(out, ']');
		break;
	}
}

/* put_zap: the zap object, as read_zap reads it back. */
static void
put_zap(struct buf *out, const struct zap *z)
{
	size_t k;

	buf_putc(out, '{');
	for (k = 0; k < NZAP; k++) {
		/* The first has no comma before it. */
		buf_append(out, zap_members[k].key + !k, zap_members[k].key_len - !k);
		put_zap_value(out, z, &zap_members[k]);
	}
	buf_putc(out, '}');
}

/* put_value: the value of member d of m. */
static void
put_value(struct buf *out, const struct enrich_meta *m, const struct member *d)
{
	const char *s;
	int has;

	switch (d->type) {
	case T_LANG:
		s = *(const char *const *)cfield(m, d->field);
		json_quote(out, s, strlen(s));
		break;
	case T_LIST:
		put_list(out, cfield(m, d->field));
		break;
	case T_ID:
		if (*(const int *)cfield(m, d->has)) {
			buf_putc(out, '"');
			buf_append(out, cfield(m, d->field), 64);
			buf_putc(out, '"');
		} else {
			buf_append(out, "null", 4);
		}
		break;
	case T_TEXT:
		s = *(const char *const *)cfield(m, d->field);
		has = d->has != NONE ? *(const int *)cfield(m, d->has) : s != NULL;
		put_text_or_null(out, has ? s : NULL, *(const size_t *)cfield(m, d->len));
		break;
	case T_UINT:
		put_uint(out, d->width == sizeof(uint64_t) ?
		    *(const uint64_t *)cfield(m, d->field) : *(const unsigned *)cfield(m, d->field));
		break;
	case T_ZAP:
		put_zap(out, cfield(m, d->field));
		break;
	case T_NUMBER:
		break;  /* only origin members have it; they are never written */
	}
}

/* put_foreign: the members of prev that are not owned, each with a comma after. */
static void
put_foreign(const char *prev, size_t prev_len, struct buf *key, struct buf *out)
{
	struct jsonobj o;
	const char *member;
	int k;

	jsonobj_begin(&o, prev, prev_len);
	while (jsonobj_next(&o, key) == 1) {
		member = o.member;
		if (jsonobj_skip(&o) != JSON_OK)
			break;
		if ((k = member_index(key)) < 0 || members[k].origin) {
			buf_append(out, member, (size_t)(o.c.p - member));
			buf_putc(out, ',');
		}
	}
}

void
meta_write(const struct enrich_meta *m, const char *prev, size_t prev_len,
    struct buf *key, struct buf *out)
{
	const struct member *d;
	size_t k;
	int first = 1;

	buf_putc(out, '{');
	if (prev != NULL)
		put_foreign(prev, prev_len, key, out);
	for (k = 0; k < NMEMBERS; k++) {
		d = &members[k];
		if (d->origin || (d->type == T_ZAP && !m->has_zap))
			continue;
		/* The first has no comma before it. */
		buf_append(out, d->key + first, d->key_len - (size_t)first);
		first = 0;
		put_value(out, m, d);
	}
	buf_putc(out, '}');
}

/* empty_array: the JSON value v[0..n) is [] (white space aside). */
static int
empty_array(const char *v, size_t n)
{
	size_t i, seen = 0;

	for (i = 0; i < n; i++) {
		if (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r')
			continue;
		if ((seen == 0 && v[i] != '[') || (seen == 1 && v[i] != ']') || seen > 1)
			return 0;
		seen++;
	}
	return seen == 2;
}

void
meta_rest(const char *json, size_t len, struct buf *key, struct buf *out)
{
	size_t start = out->len;
	struct jsonobj o;
	const char *member, *value;
	int k;

	buf_putc(out, '{');
	jsonobj_begin(&o, json, len);
	while (jsonobj_next(&o, key) == 1) {
		member = o.member;
		value = o.c.p;
		if (jsonobj_skip(&o) != JSON_OK)
			break;
		k = member_index(key);
		if (k >= 0 && (members[k].origin || !members[k].rest ||
		    empty_array(value, (size_t)(o.c.p - value))))
			continue;
		buf_append(out, member, (size_t)(o.c.p - member));
		buf_putc(out, ',');
	}
	if (out->len == start + 1) {
		out->len = start;  /* nothing left */
		out->data[start] = '\0';
		return;
	}
	out->data[out->len - 1] = '}';
}

/* ---- reading ---- */

void
meta_reader_free(struct meta_reader *r)
{
	size_t i;

	buf_free(&r->key);
	buf_free(&r->item);
	for (i = 0; i < sizeof r->zap_text / sizeof r->zap_text[0]; i++)
		buf_free(&r->zap_text[i]);
	for (i = 0; i < sizeof r->text / sizeof r->text[0]; i++)
		buf_free(&r->text[i]);
}

/*
 * read_lang: the string at c; *lang is it (held in r) when it is a plausible
 * language tag (2 to 15 of a-z and '-'), else NULL.  Returns the scanner's
 * status.
 */
static enum json_status
read_lang(struct meta_reader *r, struct json_cursor *c, const char **lang)
{
	enum json_status st;
	const char *raw;
	size_t i, n;
	int escaped;

	*lang = NULL;
	if ((st = json_string_raw(c, &raw, &n, &escaped)) != JSON_OK)
		return st;
	if (escaped || n < 2 || n >= sizeof r->lang)
		return JSON_OK;
	for (i = 0; i < n; i++)
		if (!((raw[i] >= 'a' && raw[i] <= 'z') || raw[i] == '-'))
			return JSON_OK;
	memcpy(r->lang, raw, n);
	r->lang[n] = '\0';
	*lang = r->lang;
	return JSON_OK;
}

/*
 * text_or_null: null (*s = NULL) or a string decoded into b (NUL-terminated,
 * so that an empty string is not NULL); 0, or -1.
 */
static int
text_or_null(struct json_cursor *c, struct buf *b, const char **s, size_t *len)
{
	*s = NULL;
	*len = 0;
	if (json_peek(c) == 'n')
		return json_skip_value(c, 1) == JSON_OK ? 0 : -1;
	buf_reset(b);
	if (json_peek(c) != '"' || json_string(c, b, NULL) != JSON_OK)
		return -1;
	buf_putc(b, '\0');
	*s = b->data;
	*len = b->len - 1;
	return 0;
}

/* zap_hex: null (*has = 0) or 64 lower-case hex digits; 0, or -1. */
static int
zap_hex(struct json_cursor *c, int *has, uint8_t out[32])
{
	const char *raw;
	size_t n;
	int escaped;

	if (json_peek(c) == 'n') {
		*has = 0;
		return json_skip_value(c, 1) == JSON_OK ? 0 : -1;
	}
	if (json_peek(c) != '"' || json_string_raw(c, &raw, &n, &escaped) != JSON_OK ||
	    escaped || n != 64 || hex_decode(raw, out, 32) != 0)
		return -1;
	*has = 1;
	return 0;
}

/* zap_problems: the problems array, each a zap_problem_name. */
static int
zap_problems(struct json_cursor *c, unsigned *problems)
{
	const char *raw;
	size_t n;
	unsigned i;
	int escaped;

	*problems = 0;
	if (json_expect(c, '[') != JSON_OK)
		return -1;
	if (json_peek(c) == ']')
		return json_expect(c, ']') == JSON_OK ? 0 : -1;
	for (;;) {
		if (json_peek(c) != '"' || json_string_raw(c, &raw, &n, &escaped) != JSON_OK ||
		    escaped)
			return -1;
		for (i = 0; i < ZAP_NPROBLEMS; i++)
			if (strlen(zap_problem_name(1u << i)) == n &&
			    memcmp(zap_problem_name(1u << i), raw, n) == 0)
				break;
		if (i == ZAP_NPROBLEMS)
			return -1;
		*problems |= 1u << i;
		if (json_peek(c) == ']')
			return json_expect(c, ']') == JSON_OK ? 0 : -1;
		if (json_expect(c, ',') != JSON_OK)
			return -1;
	}
}

/* zap_index: the zap table index of the member named key, or -1. */
static int
zap_index(const struct buf *key)
{
	size_t k;

	for (k = 0; k < NZAP; k++)
		if (jsonobj_key_is(key, zap_members[k].name))
			return (int)k;
	return -1;
}

/* read_zap_value: the value of zap member d at o into z (*valid for Z_VALID). */
static int
read_zap_value(struct meta_reader *r, struct jsonobj *o, const struct zap_member *d,
    struct zap *z, int *valid)
{
	struct json_cursor *c = &o->c;
	char *base = (char *)z;
	int64_t msat;

	switch (d->type) {
	case Z_SATS:
		return jsonobj_skip(o) == JSON_OK ? 0 : -1;
	case Z_MSAT:
		if (json_peek(c) == 'n')
			return jsonobj_skip(o) == JSON_OK ? 0 : -1;
		z->has_msat = 1;
		if (json_int64(c, 0, INT64_MAX, &msat) != JSON_OK)
			return -1;
		z->msat = (uint64_t)msat;
		return 0;
	case Z_KEY:
		return zap_hex(c, (int *)(base + d->has), (uint8_t *)(base + d->field));
	case Z_TEXT:
		return text_or_null(c, &r->zap_text[d->slot], (const char **)(base + d->field),
		    (size_t *)(base + d->len));
	case Z_VALID:
		*valid = json_peek(c) == 't';
		return (!*valid && json_peek(c) != 'f') || jsonobj_skip(o) != JSON_OK ? -1 : 0;
	case Z_PROBLEMS:
		return zap_problems(c, &z->problems);
	}
	return -1;
}

/*
 * read_zap: the zap object json[0..len) as put_zap writes it: every member
 * there and well-typed (but sats, which msat says), valid agreeing with
 * problems.  Returns 0, or -1.
 */
static int
read_zap(struct meta_reader *r, const char *json, size_t len, struct zap *z)
{
	uint32_t seen = 0, want = ((1u << NZAP) - 1) & ~1u;  /* all but sats */
	struct jsonobj o;
	int k, rc, valid = 0, bad = 0;

	memset(z, 0, sizeof *z);
	jsonobj_begin(&o, json, len);
	while (!bad && (rc = jsonobj_next(&o, &r->key)) == 1) {
		if ((k = zap_index(&r->key)) < 0) {
			bad = jsonobj_skip(&o) != JSON_OK;
			continue;
		}
		seen |= 1u << k;
		bad = read_zap_value(r, &o, &zap_members[k], z, &valid) < 0;
	}
	if (bad || rc != 0 || o.status != JSON_OK || (seen & want) != want ||
	    valid != (z->problems == 0))
		return -1;
	return 0;
}

/* item_ok: s[0..len) has the form a list of that form holds. */
static int
item_ok(enum form form, const char *s, size_t len)
{
	switch (form) {
	case F_HEX:
		return hex_is_key(s, len);
	case F_REF:
		return hex_is_key(s, len) || meta_is_address(s, len);
	case F_HASHTAG:
		return len > 0 && len <= META_MAX_HASHTAG;
	case F_URL:
		return len > 0 && len <= META_MAX_URL;
	case F_NONE:
		break;
	}
	return 0;
}

/* read_list: an array of strings of that form into l; 0, or -1. */
static int
read_list(struct meta_reader *r, struct json_cursor *c, enum form form,
    struct strlist *l)
{
	if (json_expect(c, '[') != JSON_OK)
		return -1;
	if (json_peek(c) == ']')
		return json_expect(c, ']') == JSON_OK ? 0 : -1;
	for (;;) {
		buf_reset(&r->item);
		if (json_peek(c) != '"' || json_string(c, &r->item, NULL) != JSON_OK ||
		    !item_ok(form, r->item.data, r->item.len))
			return -1;
		strlist_add(l, r->item.data, r->item.len);
		if (json_peek(c) == ']')
			return json_expect(c, ']') == JSON_OK ? 0 : -1;
		if (json_expect(c, ',') != JSON_OK)
			return -1;
	}
}

/* id_or_null: an event id or null into *has and dst; 0, or -1. */
static int
id_or_null(struct json_cursor *c, int *has, char dst[65])
{
	const char *raw;
	size_t n;
	int escaped;

	*has = 0;
	if (json_peek(c) == 'n')
		return json_skip_value(c, 1) == JSON_OK ? 0 : -1;
	if (json_peek(c) != '"' || json_string_raw(c, &raw, &n, &escaped) != JSON_OK ||
	    escaped || !hex_is_key(raw, n))
		return -1;
	memcpy(dst, raw, 64);
	dst[64] = '\0';
	*has = 1;
	return 0;
}

/* read_zap_member: the zap object at o into m; 0, or -1. */
static int
read_zap_member(struct meta_reader *r, struct jsonobj *o, struct enrich_meta *m)
{
	const char *start = o->c.p;

	if (json_peek(&o->c) != '{' || jsonobj_skip(o) != JSON_OK)
		return -1;
	m->has_zap = 1;
	if (read_zap(r, start, (size_t)(o->c.p - start), &m->zap) < 0) {
		m->has_zap = 0;
		return -1;
	}
	return 0;
}

/* read_value: the value of member d at o into m; 0, or -1. */
static int
read_value(struct meta_reader *r, struct jsonobj *o, const struct member *d,
    struct enrich_meta *m)
{
	struct json_cursor *c = &o->c;
	const char **s;
	int64_t n;
	double x;

	switch (d->type) {
	case T_LANG:
		s = field(m, d->field);
		return json_peek(c) == '"' && read_lang(r, c, s) == JSON_OK && *s != NULL ?
		    0 : -1;
	case T_LIST:
		return read_list(r, c, d->form, field(m, d->field));
	case T_ID:
		return id_or_null(c, field(m, d->has), field(m, d->field));
	case T_TEXT:
		s = field(m, d->field);
		if (text_or_null(c, &r->text[d->slot], s, field(m, d->len)) < 0)
			return -1;
		if (d->has != NONE)
			*(int *)field(m, d->has) = *s != NULL;
		return 0;
	case T_UINT:
		if (json_int64(c, 0, d->max, &n) != JSON_OK)
			return -1;
		if (d->width == sizeof(uint64_t))
			*(uint64_t *)field(m, d->field) = (uint64_t)n;
		else
			*(unsigned *)field(m, d->field) = (unsigned)n;
		return 0;
	case T_ZAP:
		return read_zap_member(r, o, m);
	case T_NUMBER:
		if (jsonobj_number(o, &x) != JSON_OK)
			return -1;
		*(double *)field(m, d->field) = x;
		*(int *)field(m, d->has) = 1;
		return 0;
	}
	return -1;
}

/* of_type: the value at c starts as one of d's type would (for origin members). */
static int
of_type(const struct member *d, struct json_cursor *c)
{
	int ch = json_peek(c);

	if (d->type == T_NUMBER)
		return ch == '-' || (ch >= '0' && ch <= '9');
	return ch == '"';
}

/* read_origin: an origin member's value into m when of its type, else skipped. */
static int
read_origin(struct meta_reader *r, struct jsonobj *o, const struct member *d,
    struct enrich_meta *m)
{
	if (!of_type(d, &o->c))
		return jsonobj_skip(o) == JSON_OK ? 0 : -1;
	return read_value(r, o, d, m);
}

int
meta_read(struct meta_reader *r, const char *json, size_t len, uint32_t kind,
    struct enrich_meta *m)
{
	uint32_t seen = 0, want = owned_mask(kind);
	struct jsonobj o;
	int k, rc, bad = 0;

	meta_clear(m);
	jsonobj_begin(&o, json, len);
	while (!bad && (rc = jsonobj_next(&o, &r->key)) == 1) {
		if ((k = member_index(&r->key)) < 0) {
			bad = jsonobj_skip(&o) != JSON_OK;
		} else if (members[k].origin) {
			bad = read_origin(r, &o, &members[k], m) < 0;
		} else {
			bad = (seen & (1u << k)) != 0 || read_value(r, &o, &members[k], m) < 0;
			seen |= 1u << k;
		}
	}
	return bad || rc != 0 || o.status != JSON_OK || seen != want ? -1 : 0;
}

/* read_kept: the value of member d (or of an unknown member, d NULL) for meta_read_kept. */
static int
read_kept(struct meta_reader *r, struct jsonobj *o, const struct member *d,
    uint32_t kind, int reuse, struct enrich_meta *m)
{
	const char *lang;

	if (d != NULL && d->origin)
		return read_origin(r, o, d, m);
	if (reuse && d != NULL && d->type == T_ZAP && kind == 9735 &&
	    json_peek(&o->c) == '{') {
		if (read_zap_member(r, o, m) < 0 && o->status != JSON_OK)
			return -1;
		return 0;
	}
	if (reuse && d != NULL && d->type == T_LANG && json_peek(&o->c) == '"') {
		if (read_lang(r, &o->c, &lang) != JSON_OK)
			return -1;
		if (lang != NULL)
			m->lang = lang;
		return 0;
	}
	return jsonobj_skip(o) == JSON_OK ? 0 : -1;
}

int
meta_read_kept(struct meta_reader *r, const char *json, size_t len, uint32_t kind,
    int reuse, struct enrich_meta *m)
{
	struct jsonobj o;
	int k, rc;

	jsonobj_begin(&o, json, len);
	while ((rc = jsonobj_next(&o, &r->key)) == 1) {
		k = member_index(&r->key);
		if (read_kept(r, &o, k < 0 ? NULL : &members[k], kind, reuse, m) < 0)
			return -1;
	}
	return rc == 0 && o.status == JSON_OK ? 0 : -1;
}

/* ---- counting ---- */

/* count_values: adds the values of the array at c to *n; 0 when it closed, -1
 * where it broke. */
static int
count_values(struct json_cursor *c, uint64_t *n)
{
	if (json_expect(c, '[') != JSON_OK)
		return -1;
	if (json_peek(c) == ']')
		return json_expect(c, ']') == JSON_OK ? 0 : -1;
	for (;;) {
		if (json_skip_value(c, JSONOBJ_MAX_DEPTH) != JSON_OK)
			return -1;
		(*n)++;
		if (json_peek(c) != ',')
			return json_expect(c, ']') == JSON_OK ? 0 : -1;
		json_expect(c, ',');
	}
}

void
meta_count(const char *json, size_t len, struct meta_counts *n)
{
	struct buf key = BUF_INIT;
	struct jsonobj o;
	const struct member *d;
	int k;

	memset(n, 0, sizeof *n);
	if (json == NULL)
		return;
	jsonobj_begin(&o, json, len);
	while (jsonobj_next(&o, &key) == 1) {
		k = member_index(&key);
		d = k < 0 ? NULL : &members[k];
		if (d == NULL || d->type != T_LIST || json_peek(&o.c) != '[') {
			if (jsonobj_skip(&o) != JSON_OK)
				break;
			continue;
		}
		if (count_values(&o.c, (uint64_t *)((char *)n + d->count)) < 0)
			break;
	}
	buf_free(&key);
}
