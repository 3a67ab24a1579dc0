/*
 * relaylist.h: the relays an event names, for relay discovery.
 *
 * Events point at relays in four ways:
 *   - NIP-65 relay lists (kind 10002): ["r", URL] or ["r", URL, "read"|"write"];
 *   - contact lists (kind 3) whose content is the old relay map,
 *     {"URL": {"read": true, "write": false}, ...};
 *   - relay hints, the third string of "e", "p", "a" and "q" tags;
 *   - NIP-66 relay discovery events (kind 30166), whose "d" tag is the URL.
 * relaylist_scan() reports each as it is written: normalizing and checking
 * the URL is nostr/relayurl.h's job.
 */
#ifndef NP_RELAYLIST_H
#define NP_RELAYLIST_H

#include <stddef.h>

#include "base/buf.h"
#include "nostr/event.h"

enum relay_source {
	RELAY_SRC_NIP65 = 0,  /* an r tag of a kind-10002 list */
	RELAY_SRC_CONTACTS,   /* the relay map in a kind-3 list's content */
	RELAY_SRC_HINT,       /* the relay hint of an e, p, a or q tag */
	RELAY_SRC_NIP66,      /* the d tag of a kind-30166 event */
	RELAY_SRC_N
};

/* What a list says its author does with a relay (hints and NIP-66 say neither). */
#define RELAY_USE_READ  0x1
#define RELAY_USE_WRITE 0x2

#define RELAYLIST_KIND_NIP65 10002
#define RELAYLIST_KIND_CONTACTS 3
#define RELAYLIST_KIND_NIP66 30166

/* relay_source_name: "nip65", "contacts", "hint" or "nip66". */
const char *relay_source_name(enum relay_source s);

/*
 * relaylist_fn: called with one URL as written (len bytes, not
 * NUL-terminated), where it came from, and the RELAY_USE_* bits.
 */
typedef void (*relaylist_fn)(void *arg, const char *url, size_t len,
    enum relay_source src, unsigned use);

/*
 * relaylist_scan: calls fn for each relay ev names, in the order they stand.
 * scratch holds the keys decoded from a kind-3 relay map.  A relay map that
 * is not a JSON object names nothing.  Returns how many it reported.
 */
size_t relaylist_scan(const struct event *ev, struct buf *scratch, relaylist_fn fn,
    void *arg);

#endif
