#include "nostr/relaylist.h"

#include <string.h>

#include "base/json.h"

/* A relay map is a flat object of small objects; anything deeper is not one. */
#define RELAY_MAP_DEPTH 4

const char *
relay_source_name(enum relay_source s)
{
	static const char *const names[RELAY_SRC_N] = {
		[RELAY_SRC_NIP65] = "nip65",
		[RELAY_SRC_CONTACTS] = "contacts",
		[RELAY_SRC_HINT] = "hint",
		[RELAY_SRC_NIP66] = "nip66",
	};

	return (unsigned)s < RELAY_SRC_N ? names[s] : "unknown";
}

static int
str_is(const struct event_str *s, const char *word)
{
	size_t n = strlen(word);

	return s->len == n && memcmp(s->s, word, n) == 0;
}

/* nip65_use: the marker of an r tag; none means both. */
static unsigned
nip65_use(const struct event_tag *t)
{
	if (t->count >= 3 && str_is(&t->items[2], "read"))
		return RELAY_USE_READ;
	if (t->count >= 3 && str_is(&t->items[2], "write"))
		return RELAY_USE_WRITE;
	return RELAY_USE_READ | RELAY_USE_WRITE;
}

/* is_true: consumes a literal at the cursor, 1 when it is true. */
static int
is_true(struct json_cursor *c)
{
	json_skip_ws(c);
	if (c->end - c->p >= 4 && memcmp(c->p, "true", 4) == 0) {
		c->p += 4;
		return 1;
	}
	json_skip_value(c, RELAY_MAP_DEPTH);
	return 0;
}

/*
 * map_entry_use: the read and write members of one relay's object.  The map
 * was validated whole before, so only its shape is followed here.
 */
static unsigned
map_entry_use(struct json_cursor *c, struct buf *key)
{
	unsigned use = 0;

	if (json_peek(c) != '{')
		return json_skip_value(c, RELAY_MAP_DEPTH), 0;
	json_expect(c, '{');
	if (json_peek(c) == '}')
		return json_expect(c, '}'), 0;
	do {
		buf_reset(key);
		json_string(c, key, NULL);
		json_expect(c, ':');
		if (key->len == 4 && memcmp(key->data, "read", 4) == 0)
			use |= is_true(c) ? RELAY_USE_READ : 0;
		else if (key->len == 5 && memcmp(key->data, "write", 5) == 0)
			use |= is_true(c) ? RELAY_USE_WRITE : 0;
		else
			json_skip_value(c, RELAY_MAP_DEPTH);
	} while (json_expect(c, ',') == JSON_OK);
	json_expect(c, '}');
	return use;
}

/* contacts_map: the relays of a kind-3 list's content. */
static size_t
contacts_map(const struct event_str *content, struct buf *scratch, relaylist_fn fn,
    void *arg)
{
	struct json_cursor c = { content->s, content->s + content->len };
	struct buf key = BUF_INIT;
	size_t n = 0, url_len;
	unsigned use;

	if (json_peek(&c) != '{' || json_skip_value(&c, RELAY_MAP_DEPTH) != JSON_OK)
		return 0;
	json_skip_ws(&c);
	if (c.p != c.end)
		return 0;
	c.p = content->s;
	json_expect(&c, '{');
	if (json_peek(&c) == '}')
		return 0;
	do {
		buf_reset(scratch);
		json_string(&c, scratch, NULL);
		json_expect(&c, ':');
		url_len = scratch->len;
		use = map_entry_use(&c, &key);
		fn(arg, scratch->data, url_len, RELAY_SRC_CONTACTS, use);
		n++;
	} while (json_expect(&c, ',') == JSON_OK);
	buf_free(&key);
	return n;
}

static int
is_hint_tag(const struct event_tag *t)
{
	return t->count >= 3 && t->items[2].len > 0 &&
	    (str_is(&t->items[0], "e") || str_is(&t->items[0], "p") ||
	    str_is(&t->items[0], "a") || str_is(&t->items[0], "q"));
}

size_t
relaylist_scan(const struct event *ev, struct buf *scratch, relaylist_fn fn, void *arg)
{
	size_t n = 0;

	if (ev->kind == RELAYLIST_KIND_CONTACTS && ev->content.len > 0)
		n += contacts_map(&ev->content, scratch, fn, arg);
	for (size_t i = 0; i < ev->ntags; i++) {
		const struct event_tag *t = &ev->tags[i];

		if (t->count < 2)
			continue;
		if (ev->kind == RELAYLIST_KIND_NIP65 && str_is(&t->items[0], "r")) {
			fn(arg, t->items[1].s, t->items[1].len, RELAY_SRC_NIP65, nip65_use(t));
			n++;
		} else if (ev->kind == RELAYLIST_KIND_NIP66 && str_is(&t->items[0], "d")) {
			fn(arg, t->items[1].s, t->items[1].len, RELAY_SRC_NIP66, 0);
			n++;
		} else if (is_hint_tag(t)) {
			fn(arg, t->items[2].s, t->items[2].len, RELAY_SRC_HINT, 0);
			n++;
		}
	}
	return n;
}
