#include "enrich/metaread.h"

#include <string.h>

#include "base/hex.h"
#include "base/jsonobj.h"

/* The members enrich owns, in the order enrich_write_meta writes them. */
enum member {
	M_LANG, M_HASHTAGS, M_MENTIONS, M_REFS, M_REPLY_TO, M_ROOT, M_REPOST_OF,
	M_REACTION_TO, M_REACTION, M_URLS, M_MEDIA, M_WORDS, M_POW, M_CLIENT, M_ZAP,
	M_COUNT
};

static const char *const member_names[M_COUNT] = {
	"lang", "hashtags", "mentions", "refs", "reply_to", "root", "repost_of",
	"reaction_to", "reaction", "urls", "media", "words", "pow", "client", "zap",
};

/* What the strings of a list must be. */
enum item_form { ITEM_HEX, ITEM_REF, ITEM_HASHTAG, ITEM_URL };

void
meta_reader_free(struct meta_reader *r)
{
	buf_free(&r->key);
	buf_free(&r->item);
	buf_free(&r->relay);
	buf_free(&r->reaction);
	buf_free(&r->client);
	buf_free(&r->zap_address);
	buf_free(&r->zap_comment);
}

enum json_status
meta_read_lang(struct meta_reader *r, struct json_cursor *c, const char **lang)
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

int
meta_read_origin(struct meta_reader *r, struct jsonobj *o, struct enrich_meta *m)
{
	double d;

	if (jsonobj_key_is(&r->key, "relay")) {
		if (json_peek(&o->c) != '"')
			return jsonobj_skip(o) == JSON_OK ? 1 : -1;
		buf_reset(&r->relay);
		if (json_string(&o->c, &r->relay, NULL) != JSON_OK)
			return -1;
		buf_putc(&r->relay, '\0');
		m->relay = r->relay.data;
		m->relay_len = r->relay.len - 1;
		return 1;
	}
	if (jsonobj_key_is(&r->key, "received_at")) {
		if (json_peek(&o->c) != '-' && (json_peek(&o->c) < '0' || json_peek(&o->c) > '9'))
			return jsonobj_skip(o) == JSON_OK ? 1 : -1;
		if (jsonobj_number(o, &d) != JSON_OK)
			return -1;
		m->has_received_at = 1;
		m->received_at = d;
		return 1;
	}
	return 0;
}

/* ---- zap ---- */

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

int
meta_read_zap(struct meta_reader *r, const char *json, size_t len, struct zap *z)
{
	enum { Z_MSAT = 1, Z_SENDER = 2, Z_RECIPIENT = 4, Z_EVENT = 8, Z_ADDRESS = 16,
		Z_COMMENT = 32, Z_VALID = 64, Z_PROBLEMS = 128, Z_ALL = 255 };
	struct jsonobj o;
	int64_t msat;
	unsigned seen = 0;
	int rc, valid = 0, bad = 0;

	memset(z, 0, sizeof *z);
	jsonobj_begin(&o, json, len);
	while (!bad && (rc = jsonobj_next(&o, &r->key)) == 1) {
		if (jsonobj_key_is(&r->key, "msat")) {
			seen |= Z_MSAT;
			if (json_peek(&o.c) == 'n') {
				bad = jsonobj_skip(&o) != JSON_OK;
			} else {
				bad = json_int64(&o.c, 0, INT64_MAX, &msat) != JSON_OK;
				z->has_msat = 1;
				z->msat = (uint64_t)msat;
			}
		} else if (jsonobj_key_is(&r->key, "sender")) {
			seen |= Z_SENDER;
			bad = zap_hex(&o.c, &z->has_sender, z->sender) < 0;
		} else if (jsonobj_key_is(&r->key, "recipient")) {
			seen |= Z_RECIPIENT;
			bad = zap_hex(&o.c, &z->has_recipient, z->recipient) < 0;
		} else if (jsonobj_key_is(&r->key, "event")) {
			seen |= Z_EVENT;
			bad = zap_hex(&o.c, &z->has_event, z->event) < 0;
		} else if (jsonobj_key_is(&r->key, "address")) {
			seen |= Z_ADDRESS;
			bad = text_or_null(&o.c, &r->zap_address, &z->address,
			    &z->address_len) < 0;
		} else if (jsonobj_key_is(&r->key, "comment")) {
			seen |= Z_COMMENT;
			bad = text_or_null(&o.c, &r->zap_comment, &z->comment,
			    &z->comment_len) < 0;
		} else if (jsonobj_key_is(&r->key, "valid")) {
			seen |= Z_VALID;
			valid = json_peek(&o.c) == 't';
			bad = (!valid && json_peek(&o.c) != 'f') || jsonobj_skip(&o) != JSON_OK;
		} else if (jsonobj_key_is(&r->key, "problems")) {
			seen |= Z_PROBLEMS;
			bad = zap_problems(&o.c, &z->problems) < 0;
		} else {
			bad = jsonobj_skip(&o) != JSON_OK;
		}
	}
	if (bad || rc != 0 || o.status != JSON_OK || seen != Z_ALL ||
	    valid != (z->problems == 0))
		return -1;
	return 0;
}

/* ---- the whole meta ---- */

/* item_ok: s[0..len) has the form a list of that kind holds. */
static int
item_ok(enum item_form form, const char *s, size_t len)
{
	switch (form) {
	case ITEM_HEX:
		return hex_is_key(s, len);
	case ITEM_REF:
		return hex_is_key(s, len) || enrich_is_address(s, len);
	case ITEM_HASHTAG:
		return len > 0 && len <= ENRICH_MAX_HASHTAG;
	case ITEM_URL:
		return len > 0 && len <= ENRICH_MAX_URL;
	}
	return 0;
}

/* read_list: an array of strings of that form into l; 0, or -1. */
static int
read_list(struct meta_reader *r, struct json_cursor *c, enum item_form form,
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

/* hex_or_null: an event id or null into *has and dst; 0, or -1. */
static int
hex_or_null(struct json_cursor *c, int *has, char dst[65])
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

/* read_member: the value of member k at o into m; 0, or -1. */
static int
read_member(struct meta_reader *r, struct jsonobj *o, enum member k,
    struct enrich_meta *m)
{
	struct json_cursor *c = &o->c;
	const char *zap;
	int64_t n;

	switch (k) {
	case M_LANG:
		return json_peek(c) == '"' && meta_read_lang(r, c, &m->lang) == JSON_OK &&
		    m->lang != NULL ? 0 : -1;
	case M_HASHTAGS: return read_list(r, c, ITEM_HASHTAG, &m->hashtags);
	case M_MENTIONS: return read_list(r, c, ITEM_HEX, &m->mentions);
	case M_REFS:     return read_list(r, c, ITEM_REF, &m->refs);
	case M_URLS:     return read_list(r, c, ITEM_URL, &m->urls);
	case M_MEDIA:    return read_list(r, c, ITEM_URL, &m->media);
	case M_REPLY_TO:    return hex_or_null(c, &m->has_reply_to, m->reply_to);
	case M_ROOT:        return hex_or_null(c, &m->has_root, m->root);
	case M_REPOST_OF:   return hex_or_null(c, &m->has_repost_of, m->repost_of);
	case M_REACTION_TO: return hex_or_null(c, &m->has_reaction_to, m->reaction_to);
	case M_REACTION:
		if (text_or_null(c, &r->reaction, &m->reaction, &m->reaction_len) < 0)
			return -1;
		m->has_reaction = m->reaction != NULL;
		return 0;
	case M_CLIENT:
		return text_or_null(c, &r->client, &m->client, &m->client_len);
	case M_WORDS:
		if (json_int64(c, 0, INT64_MAX, &n) != JSON_OK)
			return -1;
		m->words = (uint64_t)n;
		return 0;
	case M_POW:
		if (json_int64(c, 0, 256, &n) != JSON_OK)
			return -1;
		m->pow = (unsigned)n;
		return 0;
	case M_ZAP:
		zap = c->p;
		if (json_peek(c) != '{' || jsonobj_skip(o) != JSON_OK)
			return -1;
		m->has_zap = 1;
		return meta_read_zap(r, zap, (size_t)(c->p - zap), &m->zap);
	case M_COUNT:
		break;
	}
	return -1;
}

static int
member_of(const struct buf *key)
{
	int k;

	for (k = 0; k < M_COUNT; k++)
		if (jsonobj_key_is(key, member_names[k]))
			return k;
	return -1;
}

int
meta_read(struct meta_reader *r, const char *json, size_t len, uint32_t kind,
    struct enrich_meta *m)
{
	unsigned seen = 0, want = (1u << M_COUNT) - 1;
	struct jsonobj o;
	int k, rc, origin, bad = 0;

	enrich_meta_clear(m);
	if (kind != 9735)
		want &= ~(1u << M_ZAP);
	jsonobj_begin(&o, json, len);
	while (!bad && (rc = jsonobj_next(&o, &r->key)) == 1) {
		if ((k = member_of(&r->key)) < 0) {
			if ((origin = meta_read_origin(r, &o, m)) == 0)
				bad = jsonobj_skip(&o) != JSON_OK;
			else
				bad = origin < 0;
			continue;
		}
		bad = (seen & (1u << k)) != 0 || read_member(r, &o, (enum member)k, m) < 0;
		seen |= 1u << k;
	}
	return bad || rc != 0 || o.status != JSON_OK || seen != want ? -1 : 0;
}
