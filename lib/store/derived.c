#include "store/derived.h"

int
derived_mentions(const struct event *ev)
{
	return ev->kind != 3;
}

int
derived_bits(const struct event *ev, const struct enrich_meta *m)
{
	return (m->hashtags.n > 0 ? DERIVED_HASHTAGS : 0) |
	    (m->mentions.n > 0 && derived_mentions(ev) ? DERIVED_MENTIONS : 0) |
	    (m->refs.n > 0 ? DERIVED_REFS : 0) | (m->has_reply_to ? DERIVED_REPLIES : 0);
}
