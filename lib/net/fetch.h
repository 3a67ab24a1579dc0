/*
 * fetch.h: subscribing to many Nostr relays at once and writing every event
 * once, as NDJSON (the engine behind nostr-fetch).
 *
 * One process, one poll() over every relay's socket (curl_multi_poll, so
 * connections still being set up by curl are waited on too).  Each filter is
 * its own subscription on each relay, with its own cursor:
 *
 *   backfill  REQ with the filter; at EOSE, with paginate, the next page is
 *             the same filter with until = the oldest created_at of the page
 *             (inclusive: many events share a second), until a page brings
 *             nothing that this relay had not sent before in the walk
 *             (net/pagewalk.h: judged per relay and filter, whatever other
 *             relays sent first; the shared dedup set decides only what is
 *             written).  A second the relay holds more of than it sends for
 *             one REQ is stepped over (until = second - 1), counted, and
 *             reported with -v and as an "incomplete" status record;
 *   live      (follow only) REQ with since = newest created_at delivered minus
 *             the overlap, kept open;
 *   done      CLOSE sent (one-shot), or the relay CLOSED it.
 *
 * A dropped connection is retried with exponential backoff and jitter (each
 * delay drawn between half and all of the backoff), and each subscription
 * resumes where it was (page cursor, or since = newest minus the overlap);
 * the overlap's repeats fall to the dedup set.  Unless quiet, each change of
 * a relay's state is one line on standard error ("unreachable: WHY;
 * retrying" or "connection lost: ...", "connected again", "giving up"),
 * never one per failed attempt.  With verbose, the end brings one line per
 * relay: events given, new, already seen, invalid, reconnects, notices,
 * seconds incomplete.  Events are
 * checked for NIP-01 structure only (nostr-verify checks ids and signatures);
 * anything else a relay sends that is malformed is counted and reported.
 *
 * With negentropy, each filter starts instead with NEG-OPEN (NIP-77): the
 * relay's set is reconciled with the have storage (one, shared by every
 * relay and filter; frame limit NEG_FRAME_NOSTR), NEG-MSG after NEG-MSG,
 * then NEG-CLOSE, and the ids it has and we lack are asked for with REQs of
 * {"ids":[...]}, NEG_BATCH at a time, one batch in flight per filter; ids a
 * batch ended without are asked again (NIP77_TRIES batches each), then
 * counted missing.  A lost connection opens a reconciliation again from the
 * start, or asks again what of the batch in flight had not come.  A
 * relay that answers NEG-ERR, CLOSED, a NOTICE that it does not know the
 * message, or nothing within the timeout, or whose NEG-MSG is malformed,
 * gets the ordinary REQ (or the paginated walk) instead: said with verbose,
 * and in the status records.  Events fetched still go through the dedup set.
 *
 * With a state file, a subscription that reached EOSE records the newest
 * created_at it saw and the ids within the overlap before it; the next run
 * starts from there and skips those ids, so a cron job writes only new events.
 */
#ifndef NP_FETCH_H
#define NP_FETCH_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nostr/negentropy.h"
#include "nostr/sign.h"

struct fetch_options {
	const char *const *relays;     /* ws:// or wss:// URLs */
	size_t nrelays;
	const char *const *filters;    /* NIP-01 filters as JSON objects */
	size_t nfilters;
	int follow;                    /* stay subscribed after EOSE */
	int paginate;                  /* walk until backwards past result caps */
	int insecure;                  /* no TLS certificate checks */
	int nip11;                     /* fetch each relay's NIP-11 document */
	int meta;                      /* add "meta":{relay, received_at} */
	int verbose, quiet;
	long timeout_ms;               /* connect+handshake; silence before EOSE */
	long backoff_base_ms, backoff_max_ms;
	int retries;                   /* one-shot: reconnections before giving up */
	int64_t overlap;               /* seconds re-asked on resume */
	size_t dedup_size;             /* ids remembered (idset bound) */
	size_t max_message;            /* bytes in one WebSocket message */
	long ping_interval_ms;         /* follow: ping a relay silent this long */
	const char *state_file;        /* --state, or NULL */
	const unsigned char *discovered; /* per relay, 1: its URL came from events, so
	                               * internal addresses are refused at connect
	                               * (net/hostcheck.h); NULL: none did */
	unsigned hostcheck;            /* HOSTCHECK_* flags for those relays */
	const char *stats_file;        /* --stats, or NULL */
	FILE *stats_stream;            /* or status records to this stream (not closed) */
	long stats_interval_ms;        /* periodic status records */
	uint64_t max_shown;            /* reports per relay shown in full */
	int wake_fd;                   /* readable when a signal arrived, or -1 */
	volatile sig_atomic_t *stop;   /* set by the signal handler */
	FILE *out;                     /* where events go */
	const struct sign_key *auth_key; /* NIP-42: answer challenges with it, or NULL */
	int negentropy;                /* NIP-77 first, REQ for the ids it finds */
	const struct neg_storage *have; /* sealed: what we hold; NULL: nothing */
};

/*
 * fetch_run: runs until every relay is done (one-shot) or *stop is set, then
 * closes subscriptions and connections, writes the state file, and returns
 * the exit status: 0, or 1 when no relay could be reached at all, or output
 * or the state file could not be written.  It first raises the soft limit
 * of open files (RLIMIT_NOFILE) to what the relays need.  When it cannot
 * start (curl, the --stats file, a hard limit of open files too low for the
 * relays: 1; a filter that is not a JSON object: 2), it returns that
 * status with the reason in err (errlen bytes) for the caller to print;
 * otherwise err is left empty.
 */
int fetch_run(const struct fetch_options *o, char *err, size_t errlen);

/*
 * fetch_filter_key: a short stable name for a filter in the state file: hex of
 * the SHA-256 of its JSON with since, until and limit left out (so a relative
 * --since 24h does not make every run a new filter).  key holds 17 bytes.
 * Returns -1 when filter is not a JSON object.
 */
int fetch_filter_key(const char *filter, char key[17]);

#endif
