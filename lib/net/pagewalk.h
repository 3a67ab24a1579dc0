/*
 * pagewalk.h: one relay's walk backwards through its stored events with
 * `until`, page by page (nostr-fetch --paginate), judged on what that relay
 * sent and on nothing else.
 *
 * NIP-01 lets a relay cap what one REQ returns (100, 500, 5000...), and
 * answer with the newest events first.  So the next page asks until = the
 * oldest created_at of the last page: inclusive, because many events share
 * a second, and the ones of that second that did not fit come again.  A
 * page is progress when it holds an event this relay had not sent before in
 * the walk: one older than the page's until, or one of the until second
 * whose id is not among the ids the relay sent at that second before (the
 * boundary set, at most PAGEWALK_EDGE_MAX ids).  Whether another relay sent
 * the event first does not matter: what is written is the caller's business
 * (its shared deduplication set), where the walk ends is this relay's.
 *
 * Nothing is assumed of the relay's order (newest or oldest first: the
 * oldest second is the minimum over the page), of its cap, or of whether it
 * honours `limit`.  A relay that holds more events in one second than it
 * sends for one REQ cannot be walked past that second with until: a page
 * that lies within the until second and holds nothing new is that case, or
 * the end of the relay; either way the walk goes on with until = second - 1,
 * and the second is reported incomplete when the page was full: as many
 * events as the filter's limit, or as the walk's largest page (and at least
 * PAGEWALK_FULL_MIN, as a relay whose few events all share a second looks
 * the same as one capped at that number).
 *
 * No allocation until a page holds ids at its oldest second; at most two
 * boundary sets of PAGEWALK_EDGE_MAX ids each, freed by pagewalk_free.
 */
#ifndef NP_PAGEWALK_H
#define NP_PAGEWALK_H

#include <stddef.h>
#include <stdint.h>

/* Ids remembered at a page boundary; a second holding more is walked past. */
#define PAGEWALK_EDGE_MAX 1024
/* The smallest page taken for a relay's cap when the filter has no limit. */
#define PAGEWALK_FULL_MIN 50
/* Pages asked in a row with one until before its second is left anyway. */
#define PAGEWALK_SAME_UNTIL 4

struct pagewalk_ids {
	uint8_t (*id)[32];
	size_t n, cap;
	int overflow;             /* more ids came than PAGEWALK_EDGE_MAX */
};

struct pagewalk {
	int64_t since, until;     /* the page in flight's, -1 for none */
	int64_t limit;            /* the filter's limit, -1 for none */
	struct pagewalk_ids edge; /* ids the relay sent at second `until` before */
	struct pagewalk_ids low;  /* this page's ids at its oldest second so far */
	uint64_t count;           /* events of this page, inside its until or not */
	int64_t min, max;         /* created_at over the page's events inside until */
	int progress;             /* the page held an event the relay had not sent */
	uint64_t largest;         /* the largest page of the walk */
	unsigned same_until;      /* pages in a row asked with this until */
	uint64_t pages, incomplete;   /* pages ended, seconds found incomplete */
};

enum pagewalk_next {
	PAGEWALK_DONE,            /* the relay has sent all it will */
	PAGEWALK_MORE             /* ask the next page, until = step.until */
};

struct pagewalk_step {
	int64_t until;            /* PAGEWALK_MORE: the next page's until */
	int incomplete;           /* 1: `second` holds more than the relay sends */
	int64_t second;
};

/* pagewalk_init: a walk for a filter with this limit (-1 when it has none). */
void pagewalk_init(struct pagewalk *w, int64_t limit);
void pagewalk_free(struct pagewalk *w);

/*
 * pagewalk_page: a page is being asked with this since and until (-1: none);
 * the first with until from the filter, the next ones with pagewalk_end's.
 * Asking the same page again (after a reconnection) starts it over and keeps
 * what the earlier pages taught.
 */
void pagewalk_page(struct pagewalk *w, int64_t since, int64_t until);

/*
 * pagewalk_event: the page in flight brought an event.  Returns 1 when the
 * relay had not sent it before in the walk as far as the walk can tell, 0
 * for a repeat of the until second (or an event outside what was asked).
 */
int pagewalk_event(struct pagewalk *w, int64_t created_at, const uint8_t id[32]);

/*
 * pagewalk_end: the page ended (EOSE).  Returns whether to ask another page,
 * with step filled in (its until, and the second found incomplete, if any:
 * reported with either answer).
 */
enum pagewalk_next pagewalk_end(struct pagewalk *w, struct pagewalk_step *step);

#endif
