#include "nostr/nip09.h"

#include <string.h>

#include "base/hex.h"

void
nip09_begin(struct nip09_targets *it, const struct event *ev)
{
	it->ev = ev;
	hex_encode(ev->pubkey, 32, it->pubkey);
	it->next = 0;
}

/* own_address: whether v is KIND:PUBKEY:D of the deleter's replaceable or
 * addressable events; then t's kind and d are set. */
static int
own_address(const struct nip09_targets *it, const struct event_str *v,
    struct nip09_target *t)
{
	unsigned kind = 0;
	size_t j = 0;

	while (j < v->len && j < 5 && v->s[j] >= '0' && v->s[j] <= '9')
		kind = kind * 10 + (unsigned)(v->s[j++] - '0');
	if (j == 0 || j + 66 > v->len || v->s[j] != ':' ||
	    memcmp(v->s + j + 1, it->pubkey, 64) != 0 || v->s[j + 65] != ':' ||
	    !(event_kind_is_replaceable(kind) || event_kind_is_addressable(kind)))
		return 0;
	t->kind = kind;
	t->d = v->s + j + 66;
	t->d_len = v->len - j - 66;
	return 1;
}

int
nip09_next(struct nip09_targets *it, struct nip09_target *t)
{
	const struct event *ev = it->ev;

	while (it->next < ev->ntags) {
		const struct event_tag *tag = &ev->tags[it->next++];
		const struct event_str *v = &tag->items[1];

		if (event_tag_is(tag, "e") && hex_is_key(v->s, v->len) && hex_decode(v->s, t->id, 32) == 0) {
			t->by_id = 1;
			t->addr = NULL;
			t->addr_len = 0;
			return 1;
		}
		if (event_tag_is(tag, "a") && own_address(it, v, t)) {
			t->by_id = 0;
			t->addr = v->s;
			t->addr_len = v->len;
			return 1;
		}
	}
	return 0;
}
