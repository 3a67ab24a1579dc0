#include "net/fetch.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fdlimit.h"
#include "nostr/auth.h"
#include "nostr/event.h"
#include "base/hex.h"
#include "base/idset.h"
#include "base/json.h"
#include "net/hostcheck.h"
#include "nostr/nip11.h"
#include "nostr/nip77.h"
#include "nostr/relay.h"
#include "base/sha256.h"
#include "net/pagewalk.h"
#include "net/ws.h"

/*
 * What one relay may take of a round: this many messages or bytes, then the
 * next relay's turn; what is left waits in the socket for the next round,
 * which polls without sleeping.  So a relay that floods cannot starve the
 * others, and a round over hundreds of relays stays short.
 */
#define ROUND_BUDGET 512
#define ROUND_BYTES (256 * 1024)
/* Ids near the newest created_at kept per subscription for the state file;
 * room is made for them as they come, RECENT_FIRST first. */
#define RECENT_MAX 512
#define RECENT_FIRST 16
/* How long a closing handshake may take before the socket is just dropped. */
#define CLOSE_WAIT_MS 1000
/* Descriptors kept for ourselves: standard streams, the wake-up pipe, the
 * stats and state files, curl's own. */
#define FD_SPARE 64
/* NIP-11 documents are small; a bigger answer is not one. */
#define NIP11_MAX (256 * 1024)
/* NIP-77: needed ids asked for in one REQ (under the usual result caps). */
#define NEG_BATCH 500

enum sub_phase { SUB_BACKFILL, SUB_LIVE, SUB_DONE };

struct recent {
	int64_t created_at;
	uint8_t id[32];
};

/* Up to RECENT_MAX of them: most subscriptions of a run over hundreds of
 * relays hold a few, so none takes the whole room up front. */
struct recent_set {
	struct recent *v;
	size_t n, cap;
};

struct sub {
	unsigned index;
	cJSON *filter;            /* the user's filter */
	char key[17];             /* fetch_filter_key */
	int64_t user_since, user_until;   /* -1 when absent */
	enum sub_phase phase;
	int complete;             /* backfill ended at an EOSE: the state may advance */
	int auth_wait;            /* CLOSED with auth-required: asked again after AUTH */
	char id[32];              /* subscription id on the wire, "" when none */
	unsigned seq;
	int64_t newest;           /* newest created_at delivered, -1 */
	int64_t cursor;           /* paginate: the next page's until, -1 */
	struct pagewalk walk;     /* paginate: this relay's pages so far */
	int64_t live_since;       /* since of the live REQ */
	int64_t state_newest;     /* from the state file, -1 */
	struct recent_set recent; /* --state: ids within the overlap of newest */
	/* NIP-77: not used, to be opened, reconciling, fetching the ids it
	 * found, done, or fallen back to the ordinary REQ */
	enum { NEGS_OFF, NEGS_START, NEGS_RECONCILE, NEGS_FETCH, NEGS_DONE,
	       NEGS_FALLBACK } neg;
	struct nip77 x;
	double neg_since;         /* monotonic ms of the last NEG-* sent */
};

enum relay_status { R_WAIT, R_CONNECTING, R_OPEN, R_CLOSING, R_DONE, R_FAILED };

struct relay {
	const char *url;
	enum relay_status status;
	struct ws_conn ws;
	int have_ws;
	struct sub *subs;
	int attempts;             /* failures since the last good subscription */
	int ever_open;
	int eose_reported;
	int auth_reported;
	/* NIP-42, for the connection now open */
	enum { AUTH_NONE, AUTH_SENT, AUTH_OK, AUTH_REFUSED } auth;
	uint8_t auth_id[32];      /* the id of the AUTH event sent */
	double auth_sent_at;      /* monotonic ms */
	int down;                 /* reported unreachable, not yet back */
	double next_attempt;      /* monotonic ms */
	double connect_started, opened_at, last_rx, closing_since, last_ping;
	double connect_ms, eose_ms;
	uint64_t rx_bytes_seen;
	uint64_t events, duplicates, invalid, reconnects, notices, shown;
	uint64_t given;           /* valid events, less its repeats at page boundaries */
	uint64_t incomplete;      /* seconds it holds more of than it sends at once */
	uint64_t bytes_sent, bytes_received;   /* WebSocket messages, payload bytes */
	/* NIP-77, summed over its filters */
	uint64_t neg_items;       /* of the reconciliations that ended: ours + needed */
	uint64_t neg_rounds, neg_sent, neg_received, neg_needed, neg_fetched, neg_missing;
	char neg_fallback[200];   /* why it fell back, "" when it did not */
	char last_notice[256];
	char last_error[160];
	int more;                 /* budget ran out with messages maybe pending */
	int poll_slot;            /* its socket's index in fetch.wfds this round, or -1 */
	/* NIP-11 */
	CURL *nip11;
	struct buf nip11_body;
	struct buf nip11_doc;     /* its compact document; empty when none */
	struct curl_slist *nip11_headers;
	struct hostcheck_guard nip11_guard;
	int discovered;           /* from events: internal addresses refused */
};

struct state_entry {
	char *relay;
	char key[17];
	int64_t newest;
	struct recent_set recent;
	int used;
};

struct fetch {
	const struct fetch_options *o;
	struct schnorr *schnorr;  /* for AUTH events, made when first needed */
	CURLM *multi;
	struct relay *relays;
	struct idset seen;
	struct event_parser parser;
	struct buf text, line;
	FILE *stats;
	struct state_entry *state;
	size_t nstate;
	struct neg_storage empty; /* the have set when none is given */
	const struct neg_storage *have;
	struct curl_waitfd *wfds; /* curl_multi_poll's, one per relay and the wake fd */
	double start_ms, last_stats;
	size_t turn;              /* the relay that goes first this round */
	int curl_ready;           /* curl_global_init succeeded */
	int stopping;             /* *stop was seen: relays are being closed */
	int any_open;             /* some relay was ever connected */
	int wrote;
	int output_error;
};

static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double
wall_time(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* printable: copies untrusted text for a message, control characters as '?'. */
static void
printable(char *dst, size_t cap, const char *s, size_t len)
{
	size_t i;

	if (cap == 0)
		return;
	if (len > cap - 1)
		len = cap - 1;
	for (i = 0; i < len; i++)
		dst[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
	dst[len] = '\0';
}

/* relay_send: a text message to relay r, counted. */
static void
relay_send(struct relay *r, const char *msg, size_t len)
{
	r->bytes_sent += len;
	(void)ws_conn_send_text(&r->ws, msg, len);
}

/* report: a problem with relay r, shown while fewer than max_shown were. */
static void __attribute__((format(printf, 3, 4)))
report(struct fetch *f, struct relay *r, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	if (f->o->quiet)
		return;
	r->shown++;
	if (r->shown > f->o->max_shown) {
		if (r->shown == f->o->max_shown + 1)
			warnx("%s: further reports counted only", r->url);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warnx("%s: %s", r->url, msg);
}

/* Filters. */

static int64_t
filter_time(const cJSON *filter, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(filter, name);

	return cJSON_IsNumber(v) && v->valuedouble >= 0 ? (int64_t)v->valuedouble : -1;
}

int
fetch_filter_key(const char *filter, char key[17])
{
	cJSON *f = cJSON_Parse(filter);
	char *text;
	uint8_t digest[32];

	if (!cJSON_IsObject(f)) {
		cJSON_Delete(f);
		return -1;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(f, "since");
	cJSON_DeleteItemFromObjectCaseSensitive(f, "until");
	cJSON_DeleteItemFromObjectCaseSensitive(f, "limit");
	text = cJSON_PrintUnformatted(f);
	cJSON_Delete(f);
	if (text == NULL)
		buf_out_of_memory();
	sha256(text, strlen(text), digest);
	free(text);
	hex_encode(digest, 8, key);
	return 0;
}

static void
set_number(cJSON *obj, const char *name, int64_t v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(obj, name);
	if (v >= 0)
		cJSON_AddNumberToObject(obj, name, (double)v);
}

/* Stats records. */

static const char *
status_name(enum relay_status s)
{
	static const char *const names[] = { "waiting", "connecting", "connected",
		"closing", "closed", "failed" };

	return names[s];
}

/* stats_fields: what every status record of relay r says, without its end. */
static void
stats_fields(const struct fetch *f, struct buf *b, struct relay *r, const char *state)
{
	buf_puts(b, "{\"type\":\"relay_status\",\"relay\":");
	json_quote(b, r->url, strlen(r->url));
	buf_printf(b, ",\"time\":%.3f,\"state\":\"%s\"", wall_time(), state);
	if (r->connect_ms >= 0)
		buf_printf(b, ",\"connect_ms\":%.1f", r->connect_ms);
	if (r->eose_ms >= 0)
		buf_printf(b, ",\"eose_ms\":%.1f", r->eose_ms);
	buf_printf(b, ",\"events\":%" PRIu64 ",\"duplicates\":%" PRIu64 ",\"invalid\":%"
	    PRIu64 ",\"reconnects\":%" PRIu64 ",\"notices\":%" PRIu64 ",\"given\":%" PRIu64
	    ",\"incomplete_seconds\":%" PRIu64, r->events, r->duplicates, r->invalid,
	    r->reconnects, r->notices, r->given, r->incomplete);
	if (r->last_notice[0]) {
		buf_puts(b, ",\"notice\":");
		json_quote(b, r->last_notice, strlen(r->last_notice));
	}
	if (r->last_error[0]) {
		buf_puts(b, ",\"error\":");
		json_quote(b, r->last_error, strlen(r->last_error));
	}
	buf_printf(b, ",\"bytes_sent\":%" PRIu64 ",\"bytes_received\":%" PRIu64,
	    r->bytes_sent, r->bytes_received);
	if (f->o->negentropy) {
		buf_printf(b, ",\"negentropy\":{\"items\":%" PRIu64 ",\"rounds\":%" PRIu64
		    ",\"bytes_sent\":%" PRIu64 ",\"bytes_received\":%" PRIu64 ",\"ids_needed\":%"
		    PRIu64 ",\"ids_fetched\":%" PRIu64 ",\"ids_missing\":%" PRIu64, r->neg_items,
		    r->neg_rounds, r->neg_sent, r->neg_received, r->neg_needed, r->neg_fetched,
		    r->neg_missing);
		if (r->neg_fallback[0]) {
			buf_puts(b, ",\"fallback\":");
			json_quote(b, r->neg_fallback, strlen(r->neg_fallback));
		}
		buf_putc(b, '}');
	}
	if (r->nip11_doc.len > 0) {
		buf_puts(b, ",\"nip11\":");
		buf_append(b, r->nip11_doc.data, r->nip11_doc.len);
	}
}

static void
stats_write(struct fetch *f, struct buf *b)
{
	buf_puts(b, "}\n");
	if (fwrite(b->data, 1, b->len, f->stats) != b->len || fflush(f->stats) != 0)
		f->output_error = 1;
	buf_free(b);
}

static void
stats_record(struct fetch *f, struct relay *r, const char *state)
{
	struct buf b = BUF_INIT;

	if (f->stats == NULL)
		return;
	stats_fields(f, &b, r, state);
	stats_write(f, &b);
}

/* stats_incomplete: the record of a second relay r could not give whole. */
static void
stats_incomplete(struct fetch *f, struct relay *r, const struct sub *s, int64_t second)
{
	struct buf b = BUF_INIT;

	if (f->stats == NULL)
		return;
	stats_fields(f, &b, r, "incomplete");
	buf_printf(&b, ",\"second\":%" PRId64 ",\"filter\":\"%s\"", second, s->key);
	stats_write(f, &b);
}

/* Subscriptions. */

static void
send_close_sub(struct relay *r, struct sub *s)
{
	char msg[64];

	if (s->id[0] == '\0')
		return;
	if (r->ws.state == WS_OPEN) {
		snprintf(msg, sizeof(msg), "[\"CLOSE\",\"%s\"]", s->id);
		relay_send(r, msg, strlen(msg));
	}
	s->id[0] = '\0';
}

static void
send_req(struct fetch *f, struct relay *r, struct sub *s)
{
	cJSON *flt = cJSON_Duplicate(s->filter, 1);
	struct buf msg = BUF_INIT;
	int64_t since = s->user_since, until = s->user_until;
	char *text;

	if (flt == NULL)
		buf_out_of_memory();
	if (s->state_newest >= 0 && s->state_newest - f->o->overlap > since)
		since = s->state_newest - f->o->overlap;
	if (s->phase == SUB_LIVE) {
		if (s->newest >= 0 && s->newest - f->o->overlap > s->live_since)
			s->live_since = s->newest - f->o->overlap;
		if (s->live_since > since)
			since = s->live_since;
		/* NIP-01: limit is for the initial query; live wants everything. */
		cJSON_DeleteItemFromObjectCaseSensitive(flt, "limit");
	} else if (f->o->paginate && s->cursor >= 0 && (until < 0 || s->cursor < until)) {
		until = s->cursor;
	}
	set_number(flt, "since", since);
	set_number(flt, "until", until);
	if (s->phase == SUB_BACKFILL && f->o->paginate)
		pagewalk_page(&s->walk, since, until);
	if ((text = cJSON_PrintUnformatted(flt)) == NULL)
		buf_out_of_memory();
	cJSON_Delete(flt);
	snprintf(s->id, sizeof(s->id), "f%u.%u", s->index, ++s->seq);
	buf_printf(&msg, "[\"REQ\",\"%s\",%s]", s->id, text);
	free(text);
	relay_send(r, msg.data, msg.len);
	buf_free(&msg);
}

static int
relay_all_done(const struct fetch *f, const struct relay *r)
{
	size_t i;

	for (i = 0; i < f->o->nfilters; i++)
		if (r->subs[i].phase != SUB_DONE)
			return 0;
	return 1;
}

static int
relay_all_complete(const struct fetch *f, const struct relay *r)
{
	size_t i;

	for (i = 0; i < f->o->nfilters; i++)
		if (!r->subs[i].complete && r->subs[i].phase != SUB_DONE)
			return 0;
	return 1;
}

static void
relay_close(struct fetch *f, struct relay *r)
{
	size_t i;

	for (i = 0; i < f->o->nfilters; i++)
		send_close_sub(r, &r->subs[i]);
	if (r->have_ws && (r->ws.state == WS_OPEN || r->ws.state == WS_CLOSING)) {
		ws_conn_close(&r->ws, WS_CLOSE_NORMAL);
		r->status = R_CLOSING;
		r->closing_since = mono_ms();
	} else {
		if (r->have_ws)
			ws_conn_free(&r->ws);
		r->have_ws = 0;
		r->status = R_DONE;
		stats_record(f, r, "closed");
	}
}

/* recent_push: appends (t, id) to rs unless it holds RECENT_MAX already. */
static void
recent_push(struct recent_set *rs, int64_t t, const uint8_t id[32])
{
	if (rs->n == RECENT_MAX)
		return;
	if (rs->n == rs->cap) {
		rs->cap = rs->cap == 0 ? RECENT_FIRST : 2 * rs->cap;
		if (rs->cap > RECENT_MAX)
			rs->cap = RECENT_MAX;
		rs->v = xrealloc(rs->v, rs->cap * sizeof(*rs->v));
	}
	rs->v[rs->n].created_at = t;
	memcpy(rs->v[rs->n].id, id, 32);
	rs->n++;
}

/* recent_add: remembers (t, id) for the state file when t is near newest. */
static void
recent_add(struct fetch *f, struct sub *s, int64_t t, const uint8_t id[32])
{
	struct recent_set *rs = &s->recent;
	int64_t floor = s->newest - f->o->overlap;
	size_t i, j, oldest;

	if (f->o->state_file == NULL || t < floor)
		return;
	if (rs->n == RECENT_MAX) {
		for (i = j = 0; i < rs->n; i++)
			if (rs->v[i].created_at >= floor)
				rs->v[j++] = rs->v[i];
		rs->n = j;
	}
	if (rs->n == RECENT_MAX) {
		/* Still full: the oldest goes (the next run may repeat it). */
		for (i = oldest = 0; i < rs->n; i++)
			if (rs->v[i].created_at < rs->v[oldest].created_at)
				oldest = i;
		if (rs->v[oldest].created_at > t)
			return;
		rs->v[oldest].created_at = t;
		memcpy(rs->v[oldest].id, id, 32);
		return;
	}
	recent_push(rs, t, id);
}

static struct sub *
sub_by_id(struct fetch *f, struct relay *r, const char *raw, size_t len, int exact)
{
	unsigned long idx = 0;
	size_t i;

	if (len < 2 || raw[0] != 'f')
		return NULL;
	for (i = 1; i < len && raw[i] >= '0' && raw[i] <= '9' && idx < 100000; i++)
		idx = idx * 10 + (unsigned long)(raw[i] - '0');
	if (i == 1 || i >= len || raw[i] != '.' || idx >= f->o->nfilters)
		return NULL;
	if (exact && (strlen(r->subs[idx].id) != len || memcmp(r->subs[idx].id, raw, len) != 0))
		return NULL;
	return &r->subs[idx];
}

static void
emit_event(struct fetch *f, struct relay *r, const char *ev, size_t len,
    const struct event *e)
{
	struct buf *b = &f->line;

	buf_reset(b);
	if (f->o->meta && e->meta_start == 0) {
		/* The relay's bytes kept as they came (docs/ARCHITECTURE.md, "The
		 * stream"), with meta added before the last brace. */
		buf_append(b, ev, e->object_end);
		buf_puts(b, ",\"meta\":{\"relay\":");
		json_quote(b, r->url, strlen(r->url));
		buf_printf(b, ",\"received_at\":%.3f}}\n", wall_time());
	} else {
		buf_append(b, ev, len);
		buf_putc(b, '\n');
	}
	if (fwrite(b->data, 1, b->len, f->o->out) != b->len)
		f->output_error = 1;
	f->wrote = 1;
}

/*
 * page_next: the page of s ended; asks the next one and returns 1, or
 * returns 0 when the walk is over.  A second the relay could not be walked
 * past is reported and recorded either way.
 */
static int
page_next(struct fetch *f, struct relay *r, struct sub *s)
{
	struct pagewalk_step step;
	enum pagewalk_next next = pagewalk_end(&s->walk, &step);

	if (step.incomplete) {
		r->incomplete++;
		if (f->o->verbose)
			report(f, r, "second %" PRId64 " incomplete: a full page within it, none of "
			    "it new; the relay holds more of it than it sends for one REQ",
			    step.second);
		stats_incomplete(f, r, s, step.second);
	}
	if (next == PAGEWALK_DONE) {
		pagewalk_free(&s->walk);
		return 0;
	}
	s->cursor = step.until;
	send_close_sub(r, s);
	send_req(f, r, s);
	return 1;
}

/*
 * sub_complete: the backfill of s is over: it goes live (follow) or is done.
 * req_live: the REQ now open is the one to keep live (it has no until).
 */
static void
sub_complete(struct fetch *f, struct relay *r, struct sub *s, int req_live)
{
	double now = mono_ms();

	s->complete = 1;
	r->attempts = 0;
	if (f->o->follow) {
		s->phase = SUB_LIVE;
		s->live_since = (s->newest >= 0 ? s->newest : (int64_t)wall_time()) - f->o->overlap;
		/* Reconciled up to now: the newest fetched may be a late arrival. */
		if (s->neg == NEGS_DONE)
			s->live_since = (int64_t)wall_time() - f->o->overlap;
		if (s->user_until >= 0) {
			/* Nothing new can match an until in the past. */
			send_close_sub(r, s);
			s->phase = SUB_DONE;
		} else if (!req_live) {
			/* A page has an until, a batch its ids; the live
			 * subscription must have neither. */
			send_close_sub(r, s);
			send_req(f, r, s);
		}
		/* Otherwise the backfill REQ had no until: it is live already. */
	} else {
		send_close_sub(r, s);
		s->phase = SUB_DONE;
	}
	if (!r->eose_reported && relay_all_complete(f, r)) {
		r->eose_reported = 1;
		r->eose_ms = now - r->opened_at;
		stats_record(f, r, "eose");
	}
	if (!f->o->follow && relay_all_done(f, r))
		relay_close(f, r);
}

/* NIP-77 */

/*
 * neg_next_batch: the REQ of the next needed ids of s; returns 1, or 0 when
 * every id was asked for (the reconciliation of s is then done).
 */
static int
neg_next_batch(struct relay *r, struct sub *s)
{
	struct buf filter = BUF_INIT, msg = BUF_INIT;

	if (nip77_batch(&s->x, NEG_BATCH, &filter) == 0) {
		s->neg = NEGS_DONE;
		buf_free(&filter);
		return 0;
	}
	snprintf(s->id, sizeof(s->id), "f%u.%u", s->index, ++s->seq);
	buf_printf(&msg, "[\"REQ\",\"%s\",%s]", s->id, filter.data);
	relay_send(r, msg.data, msg.len);
	buf_free(&filter);
	buf_free(&msg);
	return 1;
}

/* neg_send: a NEG-* message of s to r, counted as negentropy's. */
static void
neg_send(struct relay *r, struct sub *s, const struct buf *msg)
{
	r->neg_sent += msg->len;
	s->neg_since = mono_ms();
	relay_send(r, msg->data, msg->len);
}

/*
 * neg_fallback: reconciling s with r did not work (why): the ordinary REQ,
 * or the paginated walk, instead.  close: whether to send NEG-CLOSE first
 * (the relay still has the reconciliation open).
 */
static void
neg_fallback(struct fetch *f, struct relay *r, struct sub *s, const char *why, int close)
{
	struct buf msg = BUF_INIT;

	if (close && s->id[0] != '\0' && r->ws.state == WS_OPEN) {
		nip77_close(s->id, &msg);
		neg_send(r, s, &msg);
	}
	buf_free(&msg);
	s->id[0] = '\0';
	s->neg = NEGS_FALLBACK;
	r->neg_needed -= s->x.need.len / NEG_ID_SIZE;
	nip77_free(&s->x);
	snprintf(r->neg_fallback, sizeof(r->neg_fallback), "%s", why);
	if (f->o->verbose)
		report(f, r, "negentropy: %s; falling back to %s", why,
		    f->o->paginate ? "the paginated walk" : "an ordinary REQ");
	stats_record(f, r, "negentropy_fallback");
	r->last_rx = mono_ms();   /* the REQ has its own timeout */
	send_req(f, r, s);
}

/* neg_open: the NEG-OPEN of s (again, after a reconnection). */
static void
neg_open(struct fetch *f, struct relay *r, struct sub *s)
{
	cJSON *flt = cJSON_Duplicate(s->filter, 1);
	struct buf msg = BUF_INIT;
	const char *why;
	char *text;

	if (flt == NULL)
		buf_out_of_memory();
	/* The whole set that matches: limit is a REQ's business. */
	cJSON_DeleteItemFromObjectCaseSensitive(flt, "limit");
	if ((text = cJSON_PrintUnformatted(flt)) == NULL)
		buf_out_of_memory();
	cJSON_Delete(flt);
	r->neg_needed -= s->x.need.len / NEG_ID_SIZE;
	nip77_free(&s->x);
	snprintf(s->id, sizeof(s->id), "f%u.%u", s->index, ++s->seq);
	s->neg = NEGS_RECONCILE;
	if ((why = nip77_open(&s->x, f->have, NEG_FRAME_NOSTR, s->id, text, &msg)) != NULL) {
		s->id[0] = '\0';
		neg_fallback(f, r, s, why, 0);
	} else {
		neg_send(r, s, &msg);
	}
	free(text);
	buf_free(&msg);
}

/* on_neg_msg: the relay's NEG-MSG for s, payload hex[0..len). */
static void
on_neg_msg(struct fetch *f, struct relay *r, struct sub *s, const char *hex, size_t len)
{
	struct buf msg = BUF_INIT;
	size_t before = s->x.need.len / NEG_ID_SIZE;
	const char *why;
	char reason[200];
	int done = 0;

	if ((why = nip77_step(&s->x, s->id, hex, len, &msg, &done)) != NULL) {
		r->invalid++;
		report(f, r, "malformed NEG-MSG: %s", why);
		snprintf(reason, sizeof(reason), "malformed NEG-MSG: %s", why);
		neg_fallback(f, r, s, reason, 1);
		buf_free(&msg);
		return;
	}
	r->neg_rounds++;
	r->neg_needed += s->x.need.len / NEG_ID_SIZE - before;
	neg_send(r, s, &msg);
	buf_free(&msg);
	if (!done)
		return;
	r->neg_items += f->have->n + s->x.need.len / NEG_ID_SIZE;
	s->id[0] = '\0';
	s->neg = NEGS_FETCH;
	if (!neg_next_batch(r, s))
		sub_complete(f, r, s, 0);
}

/*
 * neg_unknown: whether a NOTICE says the relay does not know NIP-77's
 * messages (the words relays use for a command they do not take; asked only
 * while a NEG-OPEN waits for its first answer, so "invalid" or "error" is
 * taken to be about it).
 */
static int
neg_unknown(const char *notice)
{
	static const char *const words[] = { "neg-", "negentropy", "unknown", "unsupported",
		"not supported", "bad msg", "invalid", "error", "could not parse" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasestr(notice, words[i]) != NULL)
			return 1;
	return 0;
}

/* neg_notice: a NOTICE while NEG-OPENs wait for their first answer. */
static void
neg_notice(struct fetch *f, struct relay *r)
{
	char why[300];
	size_t i;

	if (!neg_unknown(r->last_notice))
		return;
	snprintf(why, sizeof(why), "NOTICE: %s", r->last_notice);
	for (i = 0; i < f->o->nfilters; i++)
		if (r->subs[i].neg == NEGS_RECONCILE && r->subs[i].x.rounds == 0)
			neg_fallback(f, r, &r->subs[i], why, 0);
}

/* neg_timers: reconciliations the relay has not answered within the timeout. */
static void
neg_timers(struct fetch *f, struct relay *r, double now)
{
	char why[100];
	size_t i;

	for (i = 0; i < f->o->nfilters; i++) {
		struct sub *s = &r->subs[i];

		if (s->neg != NEGS_RECONCILE || now - s->neg_since <= f->o->timeout_ms)
			continue;
		snprintf(why, sizeof(why), "no answer to %s within %ld ms",
		    s->x.rounds ? "NEG-MSG" : "NEG-OPEN", f->o->timeout_ms);
		neg_fallback(f, r, s, why, 1);
	}
}

static void
on_eose(struct fetch *f, struct relay *r, struct sub *s)
{
	if (s->phase != SUB_BACKFILL)
		return;
	if (s->neg == NEGS_FETCH) {
		send_close_sub(r, s);
		/* A relay may end a batch short (a cap, an event it dropped
		 * since): the rest is asked again, a bounded number of times. */
		r->neg_missing += nip77_batch_end(&s->x);
		if (!neg_next_batch(r, s))
			sub_complete(f, r, s, 0);
		return;
	}
	if (f->o->paginate && page_next(f, r, s))
		return;
	sub_complete(f, r, s, !(f->o->paginate && s->cursor >= 0));
}

/* NIP-42 */

/*
 * auth_can_retry: whether a subscription the relay closed for want of AUTH
 * can still get it: a challenge came on this connection (relays send it
 * first, NIP-42) and our answer is sent or taken.
 */
static int
auth_can_retry(const struct fetch *f, const struct relay *r)
{
	return f->o->auth_key != NULL && (r->auth == AUTH_SENT || r->auth == AUTH_OK);
}

/* on_auth: answers the relay's challenge with a signed kind-22242 event. */
static void
on_auth(struct fetch *f, struct relay *r, const char *challenge, size_t len)
{
	struct buf msg = BUF_INIT;

	if (!r->auth_reported) {
		r->auth_reported = 1;
		stats_record(f, r, "auth");
	}
	if (f->o->auth_key == NULL) {
		report(f, r, "the relay asks for authentication (NIP-42); not answered (--no-auth)");
		return;
	}
	if (r->auth != AUTH_NONE)
		return;  /* one answer a connection */
	report(f, r, "the relay asks for authentication (NIP-42); answering");
	if (f->schnorr == NULL)
		f->schnorr = schnorr_new();
	if (auth_message(&f->parser, f->schnorr, f->o->auth_key, r->url, challenge, len,
	    (int64_t)wall_time(), &msg, r->auth_id) < 0) {
		report(f, r, "an AUTH challenge that cannot be answered (too long or not text)");
		r->auth = AUTH_REFUSED;
	} else {
		relay_send(r, msg.data, msg.len);
		r->auth = AUTH_SENT;
		r->auth_sent_at = mono_ms();
	}
	buf_free(&msg);
}

/* auth_resend: the subscriptions that waited for AUTH, asked again, or ended. */
static void
auth_resend(struct fetch *f, struct relay *r, int accepted)
{
	size_t i;

	for (i = 0; i < f->o->nfilters; i++) {
		struct sub *s = &r->subs[i];

		if (!s->auth_wait)
			continue;
		s->auth_wait = 0;
		if (accepted) {
			send_req(f, r, s);
		} else {
			s->phase = SUB_DONE;
			stats_record(f, r, "closed_subscription");
		}
	}
	if (!accepted && relay_all_done(f, r))
		relay_close(f, r);
}

/*
 * auth_overdue: a relay that has not answered our AUTH within the timeout
 * while subscriptions wait for it is taken to have refused it.  Returns 1
 * when that ended the waiting.
 */
static int
auth_overdue(struct fetch *f, struct relay *r, double now)
{
	size_t i;
	int waiting = 0;

	for (i = 0; i < f->o->nfilters; i++)
		waiting |= r->subs[i].auth_wait;
	if (!waiting || r->auth != AUTH_SENT || now - r->auth_sent_at <= f->o->timeout_ms)
		return 0;
	r->auth = AUTH_REFUSED;
	report(f, r, "the relay requires authentication (NIP-42), and did not answer ours "
	    "within %ld ms", f->o->timeout_ms);
	stats_record(f, r, "auth_refused");
	auth_resend(f, r, 0);
	return 1;
}

/* on_ok: the relay's verdict on our AUTH event (we publish nothing else). */
static void
on_ok(struct fetch *f, struct relay *r, const struct relay_msg *m)
{
	char hex[65];

	if (r->auth != AUTH_SENT || m->sub_len != 64)
		return;
	hex_encode(r->auth_id, 32, hex);
	if (memcmp(m->sub, hex, 64) != 0)
		return;
	if (m->ok_accepted) {
		r->auth = AUTH_OK;
		report(f, r, "authenticated (NIP-42)");
		stats_record(f, r, "authenticated");
	} else {
		r->auth = AUTH_REFUSED;
		printable(r->last_notice, sizeof(r->last_notice), f->text.data, f->text.len);
		report(f, r, "authentication refused: %s", r->last_notice);
		stats_record(f, r, "auth_refused");
	}
	auth_resend(f, r, m->ok_accepted);
}

static void
on_message(struct fetch *f, struct relay *r, const char *msg, size_t len)
{
	struct relay_msg m;
	struct event ev;
	struct sub *s;
	enum event_error e;
	const char *bad;
	char shown[200];

	if ((bad = relay_msg_parse(msg, len, &m, &f->text)) != NULL) {
		r->invalid++;
		printable(shown, 60, msg, len);
		report(f, r, "malformed message (%s): %s", bad, shown);
		return;
	}
	switch (m.type) {
	case RELAY_MSG_EVENT:
		if ((s = sub_by_id(f, r, m.sub, m.sub_len, 0)) == NULL) {
			r->invalid++;
			report(f, r, "event for a subscription never made");
			return;
		}
		if ((e = event_parse(&f->parser, m.event, m.event_len, &ev)) != EVENT_OK) {
			r->invalid++;
			report(f, r, "invalid event: %s%s%s", event_error_string(e),
			    f->parser.field ? ": " : "", f->parser.field ? f->parser.field : "");
			return;
		}
		if (ev.created_at > s->newest)
			s->newest = ev.created_at;
		/* The page is judged on what this relay sent, the shared set
		 * decides only what is written (net/pagewalk.h). */
		if (s->neg == NEGS_FETCH && sub_by_id(f, r, m.sub, m.sub_len, 1) == s) {
			r->neg_fetched += (uint64_t)nip77_got(&s->x, ev.id);
			r->given++;
		} else if (s->phase == SUB_BACKFILL && f->o->paginate &&
		    sub_by_id(f, r, m.sub, m.sub_len, 1) == s) {
			r->given += (uint64_t)pagewalk_event(&s->walk, ev.created_at, ev.id);
		} else {
			r->given++;
		}
		if (idset_add(&f->seen, ev.id)) {
			r->events++;
			recent_add(f, s, ev.created_at, ev.id);
			emit_event(f, r, m.event, m.event_len, &ev);
		} else {
			r->duplicates++;
		}
		break;
	case RELAY_MSG_EOSE:
		if ((s = sub_by_id(f, r, m.sub, m.sub_len, 1)) != NULL)
			on_eose(f, r, s);
		break;
	case RELAY_MSG_NOTICE:
		r->notices++;
		printable(r->last_notice, sizeof(r->last_notice), f->text.data, f->text.len);
		report(f, r, "NOTICE: %s", r->last_notice);
		stats_record(f, r, "notice");
		neg_notice(f, r);
		break;
	case RELAY_MSG_CLOSED:
		printable(r->last_notice, sizeof(r->last_notice), f->text.data, f->text.len);
		if ((s = sub_by_id(f, r, m.sub, m.sub_len, 1)) == NULL)
			break;
		if (s->neg == NEGS_RECONCILE) {
			char why[300];

			snprintf(why, sizeof(why), "CLOSED: %s", r->last_notice);
			s->id[0] = '\0';
			neg_fallback(f, r, s, why, 0);
			break;
		}
		/* NIP-01: the relay ended this subscription; asking again would get
		 * the same answer, so it is done (and its state does not advance). */
		report(f, r, "subscription closed by the relay: %s", r->last_notice);
		s->id[0] = '\0';
		if (strncmp(r->last_notice, "auth-required:", 14) == 0 && auth_can_retry(f, r)) {
			/* Asked again once the relay takes our AUTH (NIP-42). */
			s->auth_wait = 1;
			break;
		}
		if (strncmp(r->last_notice, "auth-required:", 14) == 0)
			report(f, r, "the relay requires authentication (NIP-42), %s",
			    f->o->auth_key == NULL ? "and --no-auth was given" :
			    r->auth == AUTH_REFUSED ? "and refused ours" : "but sent no challenge");
		s->phase = SUB_DONE;
		stats_record(f, r, "closed_subscription");
		if (relay_all_done(f, r))
			relay_close(f, r);
		break;
	case RELAY_MSG_OK:
		on_ok(f, r, &m);
		break;
	case RELAY_MSG_AUTH:
		on_auth(f, r, f->text.data, f->text.len);
		break;
	case RELAY_MSG_NEG_MSG:
		s = sub_by_id(f, r, m.sub, m.sub_len, 1);
		r->neg_received += len;
		if (s != NULL && s->neg == NEGS_RECONCILE)
			on_neg_msg(f, r, s, m.event, m.event_len);
		break;
	case RELAY_MSG_NEG_ERR:
		s = sub_by_id(f, r, m.sub, m.sub_len, 1);
		r->neg_received += len;
		if (s != NULL && s->neg == NEGS_RECONCILE) {
			char why[300];

			printable(r->last_notice, sizeof(r->last_notice), f->text.data, f->text.len);
			snprintf(why, sizeof(why), "NEG-ERR: %s", r->last_notice);
			s->id[0] = '\0';
			neg_fallback(f, r, s, why, 0);
		}
		break;
	case RELAY_MSG_UNKNOWN:
		break;
	}
}

/* Connections. */

static void
schedule_retry(struct fetch *f, struct relay *r)
{
	double backoff = (double)f->o->backoff_base_ms;
	uint32_t rnd = 0;
	int i;

	for (i = 1; i < r->attempts && backoff < f->o->backoff_max_ms; i++)
		backoff *= 2;
	if (backoff > f->o->backoff_max_ms)
		backoff = (double)f->o->backoff_max_ms;
	/* Jitter: relays that dropped everyone at once get them back spread out. */
	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
		rnd = (uint32_t)rand();
	backoff = backoff / 2 + backoff / 2 * (rnd / 4294967296.0);
	r->next_attempt = mono_ms() + backoff;
	r->status = R_WAIT;
}

/*
 * say_down: one line on standard error when relay r stops being reachable
 * (unreachable when it was connecting, connection lost when it was open),
 * and then nothing for each further failed attempt, but a last line when
 * nostr-fetch gives up on it; relay_opened says when it is back.  So a user
 * watching a long run sees each change of state once.
 */
static void
say_down(struct fetch *f, struct relay *r, const char *why, int giving_up)
{
	const char *next = giving_up ? "giving up" : "retrying";

	if (f->o->quiet)
		return;
	if (r->down) {
		if (giving_up)
			warnx("%s: %s", r->url, next);
		return;
	}
	r->down = 1;
	warnx("%s: %s: %s; %s", r->url, r->status == R_OPEN ? "connection lost" :
	    "unreachable", why[0] ? why : "connection closed", next);
}

/* relay_lost: the connection ended; retry, or give up on this relay. */
static void
relay_lost(struct fetch *f, struct relay *r, const char *why)
{
	size_t i;
	/* A refused address stays refused: no retries. */
	int refused = r->have_ws && r->ws.guard.refused > 0;

	if (why[0])
		snprintf(r->last_error, sizeof(r->last_error), "%s", why);
	if (r->have_ws)
		ws_conn_free(&r->ws);
	r->have_ws = 0;
	for (i = 0; i < f->o->nfilters; i++)
		r->subs[i].id[0] = '\0';
	if (r->status == R_CLOSING || relay_all_done(f, r)) {
		r->status = R_DONE;
		stats_record(f, r, "closed");
		return;
	}
	stats_record(f, r, "error");
	r->attempts++;
	if (*f->o->stop || refused || (!f->o->follow && r->attempts > f->o->retries)) {
		say_down(f, r, why, 1);
		r->status = R_FAILED;
		stats_record(f, r, "failed");
		return;
	}
	say_down(f, r, why, 0);
	schedule_retry(f, r);
}

static void
relay_connect(struct fetch *f, struct relay *r)
{
	struct ws_options wo;

	memset(&wo, 0, sizeof(wo));
	wo.max_message = f->o->max_message;
	wo.insecure = f->o->insecure;
	wo.connect_timeout_ms = f->o->timeout_ms;
	wo.user_agent = "nostr-fetch/" NP_VERSION;
	wo.guard = r->discovered;
	wo.guard_flags = f->o->hostcheck;
	if (r->ever_open || r->attempts > 0)
		r->reconnects++;
	r->connect_started = mono_ms();
	r->status = R_CONNECTING;
	r->have_ws = 1;
	stats_record(f, r, "connecting");
	if (ws_conn_start(&r->ws, f->multi, r->url, &wo) < 0) {
		char why[160];

		snprintf(why, sizeof(why), "%s", r->ws.error);
		relay_lost(f, r, why);
	}
}

static void
relay_opened(struct fetch *f, struct relay *r)
{
	size_t i;
	double now = mono_ms();

	r->status = R_OPEN;
	r->ever_open = 1;
	r->opened_at = now;
	r->last_rx = r->last_ping = now;
	r->connect_ms = now - r->connect_started;
	r->eose_reported = 0;
	r->auth = AUTH_NONE;  /* each connection has its own challenge */
	r->last_error[0] = '\0';
	if (r->down && !f->o->quiet)
		warnx("%s: connected again", r->url);
	r->down = 0;
	stats_record(f, r, "connected");
	for (i = 0; i < f->o->nfilters; i++) {
		struct sub *s = &r->subs[i];

		s->auth_wait = 0;
		if (s->phase == SUB_DONE)
			continue;
		if (s->phase == SUB_BACKFILL && (s->neg == NEGS_START || s->neg == NEGS_RECONCILE)) {
			neg_open(f, r, s);
		} else if (s->phase == SUB_BACKFILL && s->neg == NEGS_FETCH) {
			/* What of the batch in flight did not come is asked again. */
			nip77_batch_abandon(&s->x);
			if (!neg_next_batch(r, s))
				sub_complete(f, r, s, 0);
		} else {
			send_req(f, r, s);
		}
	}
}

/* relay_io: handles what relay r has received, within the round's budget. */
static void
relay_io(struct fetch *f, struct relay *r)
{
	struct ws_message m;
	int n, rc;
	size_t bytes = 0;
	char why[160];

	r->more = 0;
	if (!r->have_ws || r->ws.state == WS_CONNECTING)
		return;
	for (n = 0; n < ROUND_BUDGET && bytes < ROUND_BYTES; n++) {
		rc = ws_conn_io(&r->ws, &m);
		if (rc < 0) {
			snprintf(why, sizeof(why), "%s", r->ws.error);
			relay_lost(f, r, why);
			return;
		}
		if (rc == 0)
			return;
		r->last_rx = mono_ms();
		if (rc == 2) {
			relay_opened(f, r);
			continue;
		}
		bytes += m.len;
		r->bytes_received += m.len;
		if (m.opcode == WS_OP_BINARY) {
			r->invalid++;
			report(f, r, "binary message ignored");
			continue;
		}
		/* RFC 6455 8.1 says to fail the connection on text that is not
		 * UTF-8; one bad event should not cost the relay's others, so it
		 * is counted as garbage and the stream goes on. */
		if (!utf8_valid((const char *)m.data, m.len)) {
			r->invalid++;
			report(f, r, "message is not valid UTF-8");
			continue;
		}
		on_message(f, r, (const char *)m.data, m.len);
		if (r->status != R_OPEN && r->status != R_CLOSING)
			return;
	}
	r->more = 1;
}

/* relay_timers: timeouts, pings and reconnections that are due. */
static void
relay_timers(struct fetch *f, struct relay *r, double now)
{
	char why[160];
	size_t i;
	int backfilling = 0;

	switch (r->status) {
	case R_WAIT:
		if (now >= r->next_attempt && !*f->o->stop)
			relay_connect(f, r);
		break;
	case R_CONNECTING:
		/* curl enforces its connect timeout; the handshake is ours. */
		if (r->ws.state == WS_HANDSHAKE && now - r->connect_started > f->o->timeout_ms) {
			snprintf(why, sizeof(why), "no WebSocket handshake within %ld ms",
			    f->o->timeout_ms);
			relay_lost(f, r, why);
		} else if (now - r->connect_started > f->o->timeout_ms * 3 + 1000) {
			relay_lost(f, r, "connect timed out");
		}
		break;
	case R_OPEN:
		if (auth_overdue(f, r, now))
			break;
		neg_timers(f, r, now);
		if (r->status != R_OPEN)
			break;
		for (i = 0; i < f->o->nfilters; i++)
			if (r->subs[i].phase == SUB_BACKFILL)
				backfilling = 1;
		if (backfilling && now - r->last_rx > f->o->timeout_ms) {
			snprintf(why, sizeof(why), "silent for %ld ms before EOSE", f->o->timeout_ms);
			relay_lost(f, r, why);
		} else if (f->o->follow && f->o->ping_interval_ms > 0) {
			/* A live connection can die silently (NAT, a killed host):
			 * ping when quiet, give up when even the pong does not come. */
			if (now - r->last_rx > f->o->ping_interval_ms + f->o->timeout_ms) {
				relay_lost(f, r, "no answer to ping");
			} else if (now - r->last_rx > f->o->ping_interval_ms &&
			    now - r->last_ping > f->o->ping_interval_ms) {
				r->last_ping = now;
				(void)ws_conn_send_ping(&r->ws, "np", 2);
			}
		}
		break;
	case R_CLOSING:
		if (now - r->closing_since > CLOSE_WAIT_MS) {
			if (r->have_ws)
				ws_conn_free(&r->ws);
			r->have_ws = 0;
			r->status = R_DONE;
			stats_record(f, r, "closed");
		}
		break;
	default:
		break;
	}
}

/* NIP-11 */

static size_t
nip11_write(char *p, size_t size, size_t n, void *arg)
{
	struct relay *r = arg;

	if (r->nip11_body.len + size * n > NIP11_MAX)
		return 0;  /* aborts the transfer */
	buf_append(&r->nip11_body, p, size * n);
	return size * n;
}

static void
nip11_start(struct fetch *f, struct relay *r)
{
	struct buf url = BUF_INIT;
	CURL *c;

	if (strncasecmp(r->url, "ws://", 5) == 0)
		buf_printf(&url, "http://%s", r->url + 5);
	else
		buf_printf(&url, "https://%s", r->url + 6);
	if ((c = curl_easy_init()) == NULL) {
		buf_free(&url);
		return;
	}
	/* NIP-11: the document is served at the relay's URL for this Accept. */
	r->nip11_headers = curl_slist_append(NULL, "Accept: application/nostr+json");
	curl_easy_setopt(c, CURLOPT_URL, url.data);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, r->nip11_headers);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, nip11_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_PRIVATE, NULL);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, f->o->timeout_ms);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	/* Redirects of a discovered relay are checked like its own address. */
	r->nip11_guard.flags = f->o->hostcheck;
	if (r->discovered && hostcheck_guard_curl(c, &r->nip11_guard) < 0) {
		curl_easy_cleanup(c);
		curl_slist_free_all(r->nip11_headers);
		r->nip11_headers = NULL;
		buf_free(&url);
		return;
	}
	curl_easy_setopt(c, CURLOPT_USERAGENT, "nostr-fetch/" NP_VERSION);
	if (f->o->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	buf_free(&url);
	r->nip11 = c;
	curl_multi_add_handle(f->multi, c);
}

static void
nip11_done(struct fetch *f, struct relay *r, CURLcode result)
{
	long status = 0;
	const char *why;

	curl_easy_getinfo(r->nip11, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(f->multi, r->nip11);
	curl_easy_cleanup(r->nip11);
	curl_slist_free_all(r->nip11_headers);
	r->nip11 = NULL;
	r->nip11_headers = NULL;
	if (result != CURLE_OK && r->nip11_guard.refused)
		report(f, r, "no NIP-11 document (refused: %s)", r->nip11_guard.why);
	else if (result != CURLE_OK)
		report(f, r, "no NIP-11 document (%s)", curl_easy_strerror(result));
	else if (status != 200)
		report(f, r, "no NIP-11 document (HTTP %ld)", status);
	else if ((why = nip11_compact(r->nip11_body.data ? r->nip11_body.data : "",
	    r->nip11_body.len, &r->nip11_doc)) != NULL)
		report(f, r, "no NIP-11 document (%s)", why);
	else
		stats_record(f, r, "nip11");
	buf_free(&r->nip11_body);
}

/* The state file. */

static void
state_load(struct fetch *f)
{
	FILE *fp;
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t n;
	cJSON *j, *recent, *item;
	const cJSON *relay, *key, *newest;
	struct state_entry *e;

	if ((fp = fopen(f->o->state_file, "r")) == NULL) {
		if (errno != ENOENT)
			warn("%s", f->o->state_file);
		return;
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		j = cJSON_ParseWithLength(line, (size_t)n);
		relay = cJSON_GetObjectItemCaseSensitive(j, "relay");
		key = cJSON_GetObjectItemCaseSensitive(j, "filter");
		newest = cJSON_GetObjectItemCaseSensitive(j, "newest");
		if (!cJSON_IsString(relay) || !cJSON_IsString(key) ||
		    strlen(key->valuestring) != 16 || !cJSON_IsNumber(newest)) {
			warnx("%s: ignoring a malformed line", f->o->state_file);
			cJSON_Delete(j);
			continue;
		}
		f->state = xrealloc(f->state, (f->nstate + 1) * sizeof(*f->state));
		e = &f->state[f->nstate++];
		memset(e, 0, sizeof(*e));
		e->relay = xstrdup(relay->valuestring);
		memcpy(e->key, key->valuestring, 17);
		e->newest = (int64_t)newest->valuedouble;
		recent = cJSON_GetObjectItemCaseSensitive(j, "recent");
		cJSON_ArrayForEach(item, recent) {
			const cJSON *t = cJSON_GetArrayItem(item, 0), *id = cJSON_GetArrayItem(item, 1);
			uint8_t raw[32];

			if (e->recent.n == RECENT_MAX || !cJSON_IsNumber(t) || !cJSON_IsString(id) ||
			    strlen(id->valuestring) != 64 || hex_decode(id->valuestring, raw, 32) < 0)
				continue;
			recent_push(&e->recent, (int64_t)t->valuedouble, raw);
		}
		cJSON_Delete(j);
	}
	free(line);
	fclose(fp);
	(void)i;
}

static struct state_entry *
state_find(struct fetch *f, const char *relay, const char *key)
{
	size_t i;

	for (i = 0; i < f->nstate; i++)
		if (strcmp(f->state[i].relay, relay) == 0 && strcmp(f->state[i].key, key) == 0)
			return &f->state[i];
	return NULL;
}

/* state_write: the new state, atomically (a temporary file renamed over). */
static int
state_write(struct fetch *f)
{
	struct buf tmp = BUF_INIT, b = BUF_INIT;
	char hexid[65];
	size_t i, j, k;
	struct state_entry *e;
	struct sub *s;
	struct relay *r;
	int fd, rc = 0;
	int64_t newest;

	/* Merge this run's complete subscriptions into the loaded entries. */
	for (i = 0; i < f->o->nrelays; i++) {
		r = &f->relays[i];
		for (j = 0; j < f->o->nfilters; j++) {
			s = &r->subs[j];
			if (!s->complete)
				continue;
			if ((e = state_find(f, r->url, s->key)) == NULL) {
				f->state = xrealloc(f->state, (f->nstate + 1) * sizeof(*f->state));
				e = &f->state[f->nstate++];
				memset(e, 0, sizeof(*e));
				e->relay = xstrdup(r->url);
				memcpy(e->key, s->key, 17);
				e->newest = -1;
			}
			newest = s->newest > e->newest ? s->newest : e->newest;
			/* Keep the ids of both within the overlap of the newest. */
			for (k = 0, e->recent.n = 0; k < s->recent.n && e->recent.n < RECENT_MAX; k++)
				if (s->recent.v[k].created_at >= newest - f->o->overlap)
					recent_push(&e->recent, s->recent.v[k].created_at,
					    s->recent.v[k].id);
			e->newest = newest;
		}
	}
	for (i = 0; i < f->nstate; i++) {
		e = &f->state[i];
		buf_puts(&b, "{\"relay\":");
		json_quote(&b, e->relay, strlen(e->relay));
		buf_printf(&b, ",\"filter\":\"%s\",\"newest\":%" PRId64 ",\"recent\":[", e->key,
		    e->newest);
		for (k = 0; k < e->recent.n; k++) {
			hex_encode(e->recent.v[k].id, 32, hexid);
			buf_printf(&b, "%s[%" PRId64 ",\"%s\"]", k ? "," : "",
			    e->recent.v[k].created_at, hexid);
		}
		buf_puts(&b, "]}\n");
	}
	buf_printf(&tmp, "%s.tmp.%ld", f->o->state_file, (long)getpid());
	if ((fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0 ||
	    write(fd, b.data ? b.data : "", b.len) != (ssize_t)b.len || fsync(fd) != 0) {
		warn("%s", tmp.data);
		rc = -1;
	}
	if (fd >= 0 && close(fd) != 0 && rc == 0) {
		warn("%s", tmp.data);
		rc = -1;
	}
	if (rc == 0 && rename(tmp.data, f->o->state_file) != 0) {
		warn("%s", f->o->state_file);
		rc = -1;
	}
	if (rc != 0)
		unlink(tmp.data);
	buf_free(&tmp);
	buf_free(&b);
	return rc;
}

/* The loop. */

static void
handle_curl_messages(struct fetch *f)
{
	CURLMsg *msg;
	int left;
	size_t i;

	while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		for (i = 0; i < f->o->nrelays; i++) {
			struct relay *r = &f->relays[i];

			if (r->nip11 == msg->easy_handle) {
				nip11_done(f, r, msg->data.result);
				break;
			}
			if (r->have_ws && r->ws.curl == msg->easy_handle) {
				ws_conn_connected(&r->ws, msg->data.result);
				if (r->ws.state == WS_CLOSED) {
					char why[160];

					snprintf(why, sizeof(why), "%s", r->ws.error);
					relay_lost(f, r, why);
				}
				break;
			}
		}
	}
}

static int
finished(struct fetch *f)
{
	size_t i;

	for (i = 0; i < f->o->nrelays; i++) {
		if (f->relays[i].status != R_DONE && f->relays[i].status != R_FAILED)
			return 0;
		if (f->relays[i].nip11 != NULL)
			return 0;
	}
	return 1;
}

static void
summary(struct fetch *f)
{
	size_t i;
	struct relay *r;

	for (i = 0; i < f->o->nrelays; i++) {
		r = &f->relays[i];
		/* What it gave, what of it was new, what it could not give. */
		fprintf(stderr, "%s: %s: %" PRIu64 " events given: %" PRIu64 " new, %" PRIu64
		    " already seen; %" PRIu64 " invalid, %" PRIu64 " reconnects, %" PRIu64
		    " notices; %" PRIu64 " seconds incomplete%s%s\n", getprogname(), r->url,
		    r->given, r->events, r->given > r->events ? r->given - r->events : 0, r->invalid,
		    r->reconnects, r->notices, r->incomplete,
		    r->ever_open ? "" : ", never connected",
		    r->status == R_FAILED ? ", gave up" : "");
		if (!f->o->negentropy)
			continue;
		fprintf(stderr, "%s: %s: negentropy: %" PRIu64 " items, %" PRIu64 " rounds, %"
		    PRIu64 " bytes sent, %" PRIu64 " received; %" PRIu64 " ids needed, %" PRIu64
		    " fetched, %" PRIu64 " missing%s%s; connection: %" PRIu64 " bytes sent, %"
		    PRIu64 " received\n",
		    getprogname(), r->url, r->neg_items, r->neg_rounds, r->neg_sent,
		    r->neg_received, r->neg_needed, r->neg_fetched, r->neg_missing,
		    r->neg_fallback[0] ? "; fell back: " : "",
		    r->neg_fallback, r->bytes_sent, r->bytes_received);
	}
}

/* sub_init: subscription j of relay r, resumed from the state file if it has it. */
static int
sub_init(struct fetch *f, struct relay *r, size_t j, char *err, size_t errlen)
{
	struct sub *s = &r->subs[j];
	struct state_entry *e;
	size_t k;

	s->index = (unsigned)j;
	s->filter = cJSON_Parse(f->o->filters[j]);
	if (!cJSON_IsObject(s->filter) || fetch_filter_key(f->o->filters[j], s->key) < 0) {
		snprintf(err, errlen, "not a JSON object: %s", f->o->filters[j]);
		return -1;
	}
	s->user_since = filter_time(s->filter, "since");
	s->user_until = filter_time(s->filter, "until");
	s->newest = s->cursor = s->state_newest = -1;
	s->neg = f->o->negentropy ? NEGS_START : NEGS_OFF;
	pagewalk_init(&s->walk, filter_time(s->filter, "limit"));
	if ((e = state_find(f, r->url, s->key)) != NULL) {
		s->state_newest = e->newest;
		/* What the last run wrote is not written again. */
		for (k = 0; k < e->recent.n; k++) {
			(void)idset_add(&f->seen, e->recent.v[k].id);
			recent_add(f, s, e->recent.v[k].created_at, e->recent.v[k].id);
		}
		s->newest = e->newest;
	}
	return 0;
}

/*
 * fetch_fd_limit: room for every relay's descriptors.  Each relay holds one
 * socket, and one more during its NIP-11 request; while connecting, curl
 * may add a socket pair for its resolver thread and a second socket for the
 * other address family, so four each are asked for when the hard limit
 * allows, and one each is the least that can work.
 */
static int
fetch_fd_limit(const struct fetch_options *o, char *err, size_t errlen)
{
	size_t per = o->nip11 ? 2 : 1;
	char why[160];

	if (fd_limit_ensure(FD_SPARE + per * o->nrelays, FD_SPARE + 4 * per * o->nrelays,
	    why, sizeof(why)) == 0)
		return 0;
	snprintf(err, errlen, "%zu relays: %s", o->nrelays, why);
	return -1;
}

/*
 * fetch_setup: the descriptor limit, curl, the dedup set, the stats and
 * state files, and every relay with its subscriptions.  Returns 0, or the exit status (1 for I/O,
 * 2 for a filter that is not JSON) with the reason in err.
 */
static int
fetch_setup(struct fetch *f, const struct fetch_options *o, char *err, size_t errlen)
{
	size_t i, j;

	memset(f, 0, sizeof(*f));
	f->o = o;
	if (fetch_fd_limit(o, err, errlen) < 0)
		return 1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "curl_global_init failed");
		return 1;
	}
	f->curl_ready = 1;
	if ((f->multi = curl_multi_init()) == NULL) {
		snprintf(err, errlen, "curl_multi_init failed");
		return 1;
	}
	idset_init(&f->seen, o->dedup_size);
	neg_storage_init(&f->empty);
	neg_storage_seal(&f->empty);
	f->have = o->have != NULL ? o->have : &f->empty;
	event_parser_init(&f->parser);
	f->stats = o->stats_stream;
	if (o->stats_file != NULL && (f->stats = fopen(o->stats_file, "a")) == NULL) {
		snprintf(err, errlen, "%s: %s", o->stats_file, strerror(errno));
		return 1;
	}
	if (o->state_file != NULL)
		state_load(f);
	f->relays = xcalloc(o->nrelays, sizeof(*f->relays));
	for (i = 0; i < o->nrelays; i++) {
		struct relay *r = &f->relays[i];

		r->url = o->relays[i];
		r->discovered = o->discovered != NULL && o->discovered[i];
		r->connect_ms = r->eose_ms = -1;
		r->poll_slot = -1;
		r->subs = xcalloc(o->nfilters, sizeof(*r->subs));
		for (j = 0; j < o->nfilters; j++)
			if (sub_init(f, r, j, err, errlen) < 0)
				return 2;
	}
	/* One slot per relay socket, and one for the wake-up pipe. */
	f->wfds = xcalloc(o->nrelays + 1, sizeof(*f->wfds));
	return 0;
}

/* fetch_start: the first connection (and NIP-11 request) of every relay. */
static void
fetch_start(struct fetch *f)
{
	size_t i;

	for (i = 0; i < f->o->nrelays; i++) {
		if (f->o->nip11)
			nip11_start(f, &f->relays[i]);
		relay_connect(f, &f->relays[i]);
	}
	f->start_ms = f->last_stats = mono_ms();
}

/* fetch_stop: *stop was set: close what is open, drop what is not yet. */
static void
fetch_stop(struct fetch *f)
{
	size_t i;

	f->stopping = 1;
	for (i = 0; i < f->o->nrelays; i++) {
		struct relay *r = &f->relays[i];

		if (r->status == R_OPEN)
			relay_close(f, r);
		else if (r->status == R_WAIT || r->status == R_CONNECTING) {
			if (r->have_ws)
				ws_conn_free(&r->ws);
			r->have_ws = 0;
			r->status = R_DONE;
			stats_record(f, r, "closed");
		}
	}
}

/* periodic_stats: a status record per relay every stats_interval_ms. */
static void
periodic_stats(struct fetch *f, double now)
{
	size_t i;

	if (f->stats == NULL || f->o->stats_interval_ms <= 0 ||
	    now - f->last_stats < f->o->stats_interval_ms)
		return;
	f->last_stats = now;
	for (i = 0; i < f->o->nrelays; i++)
		stats_record(f, &f->relays[i], status_name(f->relays[i].status));
}

/*
 * wait_for_input: one curl_multi_poll over the wake-up pipe and every relay's
 * socket (which curl's own, still connecting, join); at once when a relay
 * may have messages pending from the last round, else within 200 ms.
 */
static void
wait_for_input(struct fetch *f)
{
	struct curl_waitfd *w = f->wfds;
	unsigned n = 0;
	int more = 0, numfds = 0;
	char drain[64];
	size_t i;

	if (f->o->wake_fd >= 0) {
		w[n].fd = f->o->wake_fd;
		w[n].events = CURL_WAIT_POLLIN;
		w[n++].revents = 0;
	}
	for (i = 0; i < f->o->nrelays; i++) {
		struct relay *r = &f->relays[i];

		more |= r->more;
		r->poll_slot = -1;
		if (!r->have_ws || r->ws.fd < 0)
			continue;
		r->poll_slot = (int)n;
		w[n].fd = r->ws.fd;
		w[n].events = (short)(CURL_WAIT_POLLIN |
		    (ws_conn_wants_write(&r->ws) ? CURL_WAIT_POLLOUT : 0));
		w[n++].revents = 0;
	}
	if (curl_multi_poll(f->multi, w, n, more ? 0 : 200, &numfds) != CURLM_OK) {
		/* Nothing known of the sockets: every relay gets looked at. */
		for (i = 0; i < n; i++)
			w[i].revents = CURL_WAIT_POLLIN;
	}
	if (f->o->wake_fd >= 0 && w[0].revents)
		while (read(f->o->wake_fd, drain, sizeof(drain)) > 0)
			;
}

/*
 * flush_output: flush whenever input goes idle (docs/ARCHITECTURE.md, "The
 * stream"), so live events travel at once while bulk input goes out in
 * large writes.
 */
static void
flush_output(struct fetch *f)
{
	size_t i;
	int more = 0;

	if (!f->wrote)
		return;
	for (i = 0; i < f->o->nrelays; i++)
		more |= f->relays[i].more;
	if (!more || f->o->follow) {
		if (fflush(f->o->out) != 0)
			f->output_error = 1;
		f->wrote = 0;
	}
}

/*
 * relay_has_input: whether relay r is worth a look this round: poll saw its
 * socket, or its budget ran out last round, or it was not polled (its
 * connection came up after the poll, with the upgrade request to send).  A
 * relay that drained its socket has nothing decrypted left in TLS either
 * (ws_conn_io reads until curl says EAGAIN), so the others cost no call.
 */
static int
relay_has_input(const struct fetch *f, const struct relay *r)
{
	if (r->more || r->poll_slot < 0)
		return 1;
	return f->wfds[r->poll_slot].revents != 0;
}

/* fetch_round: one turn of the loop.  Returns 0 to go on, 1 when done. */
static int
fetch_round(struct fetch *f)
{
	double now = mono_ms();
	int running;
	size_t i;

	if (*f->o->stop && !f->stopping)
		fetch_stop(f);
	for (i = 0; i < f->o->nrelays; i++)
		relay_timers(f, &f->relays[i], now);
	if (f->stopping) {
		/* NIP-11 answers are not worth waiting for at exit. */
		for (i = 0; i < f->o->nrelays; i++)
			if (f->relays[i].nip11 != NULL)
				nip11_done(f, &f->relays[i], CURLE_ABORTED_BY_CALLBACK);
	}
	if (finished(f))
		return 1;
	periodic_stats(f, now);
	wait_for_input(f);
	curl_multi_perform(f->multi, &running);
	handle_curl_messages(f);
	for (i = 0; i < f->o->nrelays; i++) {
		struct relay *r = &f->relays[(f->turn + i) % f->o->nrelays];

		if (relay_has_input(f, r))
			relay_io(f, r);
		f->any_open |= r->ever_open;
	}
	f->turn = (f->turn + 1) % f->o->nrelays;
	flush_output(f);
	return f->output_error;
}

/* fetch_finish: the exit status of the run; writes the state file. */
static int
fetch_finish(struct fetch *f)
{
	int rc = 0;

	if (fflush(f->o->out) != 0 || ferror(f->o->out))
		f->output_error = 1;
	if (f->output_error) {
		warn("output");
		rc = 1;
	} else if (!f->any_open && !*f->o->stop) {
		rc = 1;
	}
	if (f->o->state_file != NULL && state_write(f) < 0)
		rc = 1;
	if (f->o->verbose)
		summary(f);
	return rc;
}

/* fetch_free: everything fetch_setup made, however far it got. */
static int
fetch_free(struct fetch *f)
{
	size_t i, j;
	int rc = 0;

	schnorr_free(f->schnorr);
	for (i = 0; f->relays != NULL && i < f->o->nrelays; i++) {
		struct relay *r = &f->relays[i];

		if (r->have_ws)
			ws_conn_free(&r->ws);
		if (r->nip11 != NULL)
			nip11_done(f, r, CURLE_ABORTED_BY_CALLBACK);
		for (j = 0; r->subs != NULL && j < f->o->nfilters; j++) {
			cJSON_Delete(r->subs[j].filter);
			free(r->subs[j].recent.v);
			pagewalk_free(&r->subs[j].walk);
			nip77_free(&r->subs[j].x);
		}
		free(r->subs);
		buf_free(&r->nip11_doc);
		buf_free(&r->nip11_body);
	}
	for (i = 0; i < f->nstate; i++) {
		free(f->state[i].relay);
		free(f->state[i].recent.v);
	}
	free(f->state);
	free(f->relays);
	free(f->wfds);
	if (f->stats != NULL && f->stats != f->o->stats_stream && fclose(f->stats) != 0)
		rc = 1;
	idset_free(&f->seen);
	neg_storage_free(&f->empty);
	event_parser_free(&f->parser);
	buf_free(&f->text);
	buf_free(&f->line);
	if (f->multi != NULL)
		curl_multi_cleanup(f->multi);
	if (f->curl_ready)
		curl_global_cleanup();
	return rc;
}

int
fetch_run(const struct fetch_options *o, char *err, size_t errlen)
{
	struct fetch f;
	int rc;

	err[0] = '\0';
	if ((rc = fetch_setup(&f, o, err, errlen)) != 0) {
		(void)fetch_free(&f);
		return rc;
	}
	fetch_start(&f);
	while (fetch_round(&f) == 0)
		;
	rc = fetch_finish(&f);
	if (fetch_free(&f) != 0)
		rc = 1;
	return rc;
}
