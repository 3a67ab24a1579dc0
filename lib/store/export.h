/*
 * export.h: stored events back out as NIP-01 JSON objects, for the tools
 * that read the archive as a stream (nostr-relays -d).
 *
 * Each event is rebuilt from its stored fields (id, pubkey, created_at,
 * kind, tags, content, sig), so it verifies as it did when it was loaded;
 * what nostr-enrich derived is not part of it.  Events come in created_at
 * order, then id.  Either engine: the same events give the same bytes.
 */
#ifndef NP_EXPORT_H
#define NP_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/dbq.h"

/* Which events; every event when zeroed, except that until 0 means no bound. */
struct export_filter {
	int64_t since, until;      /* created_at bounds, inclusive; until 0: none */
	const uint32_t *kinds;     /* these kinds only (nkinds of them), or NULL */
	size_t nkinds;
	int naming_relays;         /* with kinds: also any event whose tags hold a ws:// or wss:// URL */
};

/* export_fn: gets one event as a JSON object of len bytes (not NUL-terminated,
 * no newline); a non-zero return stops the export. */
typedef int (*export_fn)(void *arg, const char *json, size_t len);

/*
 * export_events: calls fn for each stored event that f selects.  Returns 0,
 * fn's non-zero value when it stopped the export, or -1 after a database
 * error (its message in dbq_errmsg(db)).
 */
int export_events(struct dbq *db, const struct export_filter *f, export_fn fn, void *arg);

/*
 * export_have: writes to out one line "created_at id" (decimal, 64 hex
 * digits) for each stored event that f selects (naming_relays is not used),
 * in created_at order, then id: the set nostr-fetch --have reconciles with.
 * Returns 0, 1 when out could not be written, or -1 after a database error.
 */
int export_have(struct dbq *db, const struct export_filter *f, FILE *out);

/* export_outcome_fn: a relay (its URL as recorded) and whether its last
 * outcome was an answer; a non-zero return stops the export. */
typedef int (*export_outcome_fn)(void *arg, const char *relay, int answered);

/*
 * export_relay_outcomes: for each relay of the stored relay-status records
 * that has an outcome, whether the latest was an answer: an "eose" record
 * (every REQ answered to its end) rather than a "failed" one (given up).
 * Returns as export_events does.
 */
int export_relay_outcomes(struct dbq *db, export_outcome_fn fn, void *arg);

#endif
