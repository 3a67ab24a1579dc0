#include "nostr/event.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/hex.h"
#include "base/json.h"
#include "nostr/schnorr.h"
#include "base/sha256.h"

/* Nesting allowed inside keys the pipeline does not own (such as meta). */
#define OTHER_MAX_DEPTH 32

enum field { F_ID, F_PUBKEY, F_CREATED_AT, F_KIND, F_TAGS, F_CONTENT, F_SIG,
    F_META, F_OTHER };

static const char *const field_names[] = {
	"id", "pubkey", "created_at", "kind", "tags", "content", "sig", "meta",
};

void
event_parser_init(struct event_parser *p)
{
	memset(p, 0, sizeof(*p));
}

void
event_parser_free(struct event_parser *p)
{
	buf_free(&p->strings);
	buf_free(&p->canon);
	free(p->strs);
	free(p->tags);
	memset(p, 0, sizeof(*p));
}

static enum field
field_of(const char *name, size_t len)
{
	int i;

	for (i = 0; i < F_OTHER; i++)
		if (strlen(field_names[i]) == len && memcmp(field_names[i], name, len) == 0)
			return (enum field)i;
	return F_OTHER;
}

static enum event_error
from_json(enum json_status st)
{
	switch (st) {
	case JSON_OK: return EVENT_OK;
	case JSON_ERR_UTF8: return EVENT_ERR_UTF8;
	case JSON_ERR_NUL: return EVENT_ERR_NUL;
	case JSON_ERR_DEPTH: return EVENT_ERR_TOO_DEEP;
	case JSON_ERR_TYPE: return EVENT_ERR_TYPE;
	default: return EVENT_ERR_JSON;
	}
}

/* hex_field: a string value of exactly n bytes of lower-case hex, into out. */
static enum event_error
hex_field(struct json_cursor *c, struct buf *scratch, uint8_t *out, size_t n)
{
	enum json_status st;
	const char *raw;
	size_t len;
	int escaped;

	if (json_peek(c) != '"')
		return EVENT_ERR_TYPE;
	if ((st = json_string_raw(c, &raw, &len, &escaped)) != JSON_OK)
		return from_json(st);
	if (escaped) {
		/* Legal JSON ("\u0061"), odd but not wrong: decode first. */
		struct json_cursor again = { raw - 1, raw + len + 1 };

		buf_reset(scratch);
		(void)json_string(&again, scratch, NULL);
		raw = scratch->data;
		len = scratch->len;
	}
	if (len != 2 * n || hex_decode(raw, out, n) < 0)
		return EVENT_ERR_HEX;
	return EVENT_OK;
}

static void
push_str(struct event_parser *p, size_t off, size_t len)
{
	if (p->nstrs == p->strs_cap) {
		p->strs_cap = p->strs_cap ? 2 * p->strs_cap : 64;
		p->strs = xrealloc(p->strs, p->strs_cap * sizeof(*p->strs));
	}
	/* Offsets for now: the string buffer may still move. */
	p->strs[p->nstrs].s = (const char *)(uintptr_t)off;
	p->strs[p->nstrs].len = len;
	p->nstrs++;
}

/*
 * tags_error: what is wrong where a tag or a tag's string should be: either
 * the JSON itself (cut short, a syntax error) or a valid value of another
 * type, including one nested deeper than tags ever are.
 */
static enum event_error
tags_error(const struct json_cursor *c)
{
	struct json_cursor probe = *c;
	enum json_status st = json_skip_value(&probe, OTHER_MAX_DEPTH);

	return st == JSON_OK || st == JSON_ERR_DEPTH ? EVENT_ERR_TAGS : from_json(st);
}

/* tags_field: an array of arrays of strings, decoded into the parser. */
static enum event_error
tags_field(struct event_parser *p, struct json_cursor *c, size_t *ntags,
    unsigned *flags)
{
	enum json_status st;
	unsigned f;
	size_t n = 0, off;
	int ch;

	if (json_peek(c) != '[')
		return EVENT_ERR_TYPE;
	c->p++;
	if (json_peek(c) == ']') {
		c->p++;
		*ntags = 0;
		return EVENT_OK;
	}
	for (;;) {
		if (json_peek(c) != '[')
			return tags_error(c);
		c->p++;
		if (n == p->tags_cap) {
			p->tags_cap = p->tags_cap ? 2 * p->tags_cap : 16;
			p->tags = xrealloc(p->tags, p->tags_cap * sizeof(*p->tags));
		}
		p->tags[n].items = (const struct event_str *)(uintptr_t)p->nstrs;
		p->tags[n].count = 0;
		if (json_peek(c) == ']') {
			c->p++;
		} else {
			for (;;) {
				if (json_peek(c) != '"')
					return tags_error(c);
				off = p->strings.len;
				if ((st = json_string(c, &p->strings, &f)) != JSON_OK)
					return from_json(st);
				*flags |= f ? EVENT_HAS_CONTROL : 0;
				push_str(p, off, p->strings.len - off);
				p->tags[n].count++;
				ch = json_peek(c);
				c->p++;
				if (ch == ']')
					break;
				if (ch != ',')
					return EVENT_ERR_JSON;
			}
		}
		n++;
		ch = json_peek(c);
		c->p++;
		if (ch == ']')
			break;
		if (ch != ',')
			return EVENT_ERR_JSON;
	}
	*ntags = n;
	return EVENT_OK;
}

/* not_an_object: tells "valid JSON of another type" from "not JSON". */
static enum event_error
not_an_object(const char *line, size_t len)
{
	struct json_cursor c = { line, line + len };
	enum json_status st;

	if (json_peek(&c) < 0)
		return EVENT_ERR_JSON;  /* empty or blank */
	if ((st = json_skip_value(&c, OTHER_MAX_DEPTH)) != JSON_OK)
		return st == JSON_ERR_DEPTH ? EVENT_ERR_NOT_OBJECT : from_json(st);
	json_skip_ws(&c);
	return c.p == c.end ? EVENT_ERR_NOT_OBJECT : EVENT_ERR_JSON;
}

static enum event_error
value(struct event_parser *p, struct json_cursor *c, enum field f,
    struct event *ev, size_t *ntags, size_t *content_off, const char *line)
{
	enum json_status st;
	int64_t v;
	size_t off;
	unsigned flags;

	switch (f) {
	case F_ID:
		return hex_field(c, &p->canon, ev->id, 32);
	case F_PUBKEY:
		return hex_field(c, &p->canon, ev->pubkey, 32);
	case F_SIG:
		return hex_field(c, &p->canon, ev->sig, 64);
	case F_CREATED_AT:
		st = json_int64(c, 0, EVENT_CREATED_AT_MAX, &v);
		if (st == JSON_ERR_RANGE)
			return EVENT_ERR_CREATED_AT;
		ev->created_at = v;
		return from_json(st);
	case F_KIND:
		st = json_int64(c, 0, EVENT_KIND_MAX, &v);
		if (st == JSON_ERR_RANGE)
			return EVENT_ERR_KIND;
		ev->kind = (uint32_t)v;
		return from_json(st);
	case F_TAGS:
		return tags_field(p, c, ntags, &ev->flags);
	case F_CONTENT:
		if (json_peek(c) != '"')
			return EVENT_ERR_TYPE;
		off = p->strings.len;
		if ((st = json_string(c, &p->strings, &flags)) != JSON_OK)
			return from_json(st);
		ev->flags |= flags ? EVENT_HAS_CONTROL : 0;
		*content_off = off;
		ev->content.len = p->strings.len - off;
		return EVENT_OK;
	case F_META:
		json_skip_ws(c);
		ev->meta_start = (size_t)(c->p - line);
		st = json_skip_value(c, OTHER_MAX_DEPTH);
		ev->meta_end = (size_t)(c->p - line);
		return from_json(st);
	default:
		return from_json(json_skip_value(c, OTHER_MAX_DEPTH));
	}
}

/* fix_pointers: turns the offsets recorded while parsing into pointers. */
static void
fix_pointers(struct event_parser *p, struct event *ev, size_t ntags,
    size_t content_off)
{
	size_t i;

	for (i = 0; i < p->nstrs; i++)
		p->strs[i].s = p->strings.data + (uintptr_t)p->strs[i].s;
	for (i = 0; i < ntags; i++)
		p->tags[i].items = p->strs + (uintptr_t)p->tags[i].items;
	ev->tags = p->tags;
	ev->ntags = ntags;
	ev->content.s = p->strings.data ? p->strings.data + content_off : "";
}

enum event_error
event_parse(struct event_parser *p, const char *line, size_t len, struct event *ev)
{
	struct json_cursor c = { line, line + len };
	const unsigned all = (1u << F_META) - 1;
	size_t ntags = 0, content_off = 0, key_len;
	enum event_error e;
	unsigned seen = 0;
	enum field f;
	const char *key;
	int escaped, ch;

	memset(ev, 0, sizeof(*ev));
	buf_reset(&p->strings);
	buf_putc(&p->strings, '\0');  /* offset 0 stays valid for empty content */
	p->nstrs = 0;
	p->field = NULL;
	p->error_offset = 0;
	if (memchr(line, '\0', len) != NULL) {
		p->error_offset = (size_t)((const char *)memchr(line, '\0', len) - line);
		return EVENT_ERR_NUL;
	}
	if (json_peek(&c) != '{')
		return not_an_object(line, len);
	c.p++;
	if (json_peek(&c) == '}') {
		c.p++;
		goto end;
	}
	for (;;) {
		if (json_peek(&c) != '"') {
			e = EVENT_ERR_JSON;
			goto fail;
		}
		if ((e = from_json(json_string_raw(&c, &key, &key_len, &escaped))) != EVENT_OK)
			goto fail;
		/* An escaped key never names a NIP-01 field the way writers spell them. */
		f = escaped ? F_OTHER : field_of(key, key_len);
		if ((e = from_json(json_expect(&c, ':'))) != EVENT_OK)
			goto fail;
		if (f != F_OTHER) {
			p->field = field_names[f];
			if (seen & (1u << f)) {
				e = EVENT_ERR_DUPLICATE;
				goto fail;
			}
			seen |= 1u << f;
		}
		if ((e = value(p, &c, f, ev, &ntags, &content_off, line)) != EVENT_OK)
			goto fail;
		p->field = NULL;
		ch = json_peek(&c);
		c.p++;
		if (ch == '}')
			break;
		if (ch != ',') {
			e = ch == 0 ? EVENT_ERR_NUL : EVENT_ERR_JSON;
			c.p--;
			goto fail;
		}
	}
end:
	ev->object_end = (size_t)(c.p - 1 - line);
	json_skip_ws(&c);
	if (c.p != c.end) {
		e = EVENT_ERR_JSON;  /* something after the object */
		goto fail;
	}
	if ((seen & all) != all) {
		for (f = F_ID; f < F_META; f++)
			if (!(seen & (1u << f)))
				break;
		p->field = field_names[f];
		return EVENT_ERR_MISSING;
	}
	fix_pointers(p, ev, ntags, content_off);
	return EVENT_OK;
fail:
	p->error_offset = c.p > c.end ? len : (size_t)(c.p - line);
	return e;
}

static void
put_uint(struct buf *out, uint64_t v)
{
	char tmp[24];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_append(out, tmp + n, sizeof(tmp) - n);
}

void
event_append_tags(const struct event *ev, int mode, struct buf *out)
{
	size_t i, j;

	buf_putc(out, '[');
	for (i = 0; i < ev->ntags; i++) {
		const struct event_tag *t = &ev->tags[i];

		buf_append(out, i ? ",[" : "[", i ? 2 : 1);
		for (j = 0; j < t->count; j++) {
			buf_append(out, j ? ",\"" : "\"", j ? 2 : 1);
			json_escape(out, t->items[j].s, t->items[j].len,
			    (enum json_escape_mode)mode);
			buf_putc(out, '"');
		}
		buf_putc(out, ']');
	}
	buf_putc(out, ']');
}

void
event_serialize(const struct event *ev, int mode, struct buf *out)
{
	char hex[65];

	buf_reset(out);
	hex_encode(ev->pubkey, 32, hex);
	buf_append(out, "[0,\"", 4);
	buf_append(out, hex, 64);
	buf_append(out, "\",", 2);
	put_uint(out, (uint64_t)ev->created_at);
	buf_putc(out, ',');
	put_uint(out, ev->kind);
	buf_putc(out, ',');
	event_append_tags(ev, mode, out);
	buf_append(out, ",\"", 2);
	json_escape(out, ev->content.s, ev->content.len, (enum json_escape_mode)mode);
	buf_append(out, "\"]", 2);
}

void
event_compute_id(struct event_parser *p, const struct event *ev, int mode,
    uint8_t id[32])
{
	event_serialize(ev, mode, &p->canon);
	sha256(p->canon.data, p->canon.len, id);
}

enum event_error
event_check_id(struct event_parser *p, const struct event *ev, int *legacy)
{
	uint8_t id[32];

	if (legacy)
		*legacy = 0;
	event_compute_id(p, ev, JSON_ESCAPE_NIP01, id);
	if (memcmp(id, ev->id, 32) == 0)
		return EVENT_OK;
	if (!(ev->flags & EVENT_HAS_CONTROL))
		return EVENT_ERR_ID;
	/* nostr-tools hashes JSON.stringify's output, which writes \u00xx. */
	event_compute_id(p, ev, JSON_ESCAPE_JSON, id);
	if (memcmp(id, ev->id, 32) != 0)
		return EVENT_ERR_ID;
	if (legacy)
		*legacy = 1;
	return EVENT_OK;
}

enum event_error
event_check_sig(struct schnorr *s, const struct event *ev)
{
	return schnorr_verify(s, ev->sig, ev->id, ev->pubkey) ? EVENT_OK : EVENT_ERR_SIG;
}

static const struct {
	const char *name;
	const char *text;
} errors[EVENT_NERR] = {
	[EVENT_OK] = { "ok", "ok" },
	[EVENT_ERR_JSON] = { "not_json", "not valid JSON" },
	[EVENT_ERR_NOT_OBJECT] = { "not_object", "JSON but not an object" },
	[EVENT_ERR_UTF8] = { "bad_utf8", "invalid UTF-8" },
	[EVENT_ERR_NUL] = { "nul_byte", "NUL byte" },
	[EVENT_ERR_MISSING] = { "missing_field", "missing field" },
	[EVENT_ERR_DUPLICATE] = { "duplicate_field", "duplicate field" },
	[EVENT_ERR_TYPE] = { "wrong_type", "field of the wrong type" },
	[EVENT_ERR_HEX] = { "bad_hex", "not lower-case hex of the right length" },
	[EVENT_ERR_CREATED_AT] = { "created_at_range", "created_at out of range" },
	[EVENT_ERR_KIND] = { "kind_range", "kind out of range" },
	[EVENT_ERR_TAGS] = { "bad_tags", "tags not an array of arrays of strings" },
	[EVENT_ERR_TOO_DEEP] = { "too_deep", "nested too deeply" },
	[EVENT_ERR_TOO_LONG] = { "too_long", "line too long" },
	[EVENT_ERR_ID] = { "wrong_id", "wrong id" },
	[EVENT_ERR_SIG] = { "bad_signature", "bad signature" },
	[EVENT_ERR_FUTURE] = { "future", "created_at too far in the future" },
};

const char *
event_error_string(enum event_error e)
{
	return (unsigned)e < EVENT_NERR ? errors[e].text : "unknown error";
}

const char *
event_error_name(enum event_error e)
{
	return (unsigned)e < EVENT_NERR ? errors[e].name : "unknown";
}

int
event_kind_is_replaceable(uint32_t kind)
{
	return kind == 0 || kind == 3 || (kind >= 10000 && kind < 20000);
}

int
event_kind_is_ephemeral(uint32_t kind)
{
	return kind >= 20000 && kind < 30000;
}

int
event_kind_is_addressable(uint32_t kind)
{
	return kind >= 30000 && kind < 40000;
}

int
event_tag_is(const struct event_tag *t, const char *name)
{
	size_t n = strlen(name);

	return t->count >= 2 && t->items[0].len == n && memcmp(t->items[0].s, name, n) == 0;
}

const struct event_str *
event_tag_value(const struct event *ev, const char *name)
{
	size_t i;

	for (i = 0; i < ev->ntags; i++)
		if (event_tag_is(&ev->tags[i], name))
			return &ev->tags[i].items[1];
	return NULL;
}

const struct event_str *
event_d_tag(const struct event *ev)
{
	static const struct event_str empty = { "", 0 };
	const struct event_str *d;

	if (event_kind_is_replaceable(ev->kind))
		return &empty;
	if (!event_kind_is_addressable(ev->kind))
		return NULL;
	d = event_tag_value(ev, "d");
	return d != NULL ? d : &empty;
}

const struct event_str *
event_target_pubkey(const struct event *ev)
{
	const struct event_str *p = NULL, *v;
	size_t i;

	for (i = 0; i < ev->ntags; i++) {
		if (!event_tag_is(&ev->tags[i], "p"))
			continue;
		v = &ev->tags[i].items[1];
		if (hex_is_key(v->s, v->len))
			p = v;
	}
	return p;
}
