/*
 * derived.h: nostr_events.derived, which of the tables filled for events of
 * any kind (hashtags, mentions, refs, replies) may hold rows of an event.
 * Both engines store it with the event and their cleanup triggers search
 * only those tables when the event goes (schema.sql, schema-pg.sql).
 */
#ifndef NP_DERIVED_H
#define NP_DERIVED_H

#include "enrich/meta.h"
#include "nostr/event.h"

/* The bits, as the triggers test them. */
enum derived_table {
	DERIVED_HASHTAGS = 1,
	DERIVED_MENTIONS = 2,
	DERIVED_REFS = 4,
	DERIVED_REPLIES = 8,
};

/*
 * derived_mentions: whether ev's mentions are stored as mentions rows; a
 * contact list's p tags are follows, not mentions.
 */
int derived_mentions(const struct event *ev);

/*
 * derived_bits: the bits of the tables that get rows of ev from m.  A bit
 * may be set for a table that then gets none (a mention that is no key),
 * never left out for one that gets some.
 */
int derived_bits(const struct event *ev, const struct enrich_meta *m);

#endif
