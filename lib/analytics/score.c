#include "analytics/score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/hex.h"
#include "base/json.h"
#include "enrich/meta.h"
#include "analytics/pagerank.h"
#include "analytics/usercounts.h"
#include "store/query.h"

/* ---- the formulas ---- */

double
score_engagement(int64_t zaps, int64_t zap_sats, int64_t replies, int64_t reposts,
    int64_t reactions)
{
	return VIRALITY_ZAP * (double)zaps + VIRALITY_SAT * (double)zap_sats +
	    VIRALITY_REPLY * (double)replies + VIRALITY_REPOST * (double)reposts +
	    VIRALITY_REACTION * (double)reactions;
}

double
score_virality(int64_t zaps, int64_t zap_sats, int64_t replies, int64_t reposts,
    int64_t reactions, double age_hours)
{
	if (age_hours < 0)
		age_hours = 0;
	return score_engagement(zaps, zap_sats, replies, reposts, reactions) *
	    exp(-VIRALITY_DECAY * age_hours);
}

double
score_trend(int64_t mentions, double hours, int64_t unique_authors, int64_t zaps)
{
	if (hours <= 0)
		return 0;
	return ((double)mentions / hours) * log1p((double)unique_authors) *
	    (1.0 + log1p((double)zaps));
}

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

double
score_quality(const char *content, size_t len, int lang_known, int has_media,
    int64_t hashtags)
{
	const unsigned char *s = (const unsigned char *)content;
	int64_t words = 0, link_words = 0, upper = 0, lower = 0;
	size_t i = 0, run = 0, longest = 0, prev_start = 0, prev_len = 0;
	double q;

	while (i < len) {
		size_t start;

		while (i < len && is_space(s[i]))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && !is_space(s[i]))
			i++;
		words++;
		if ((i - start > 7 && strncasecmp(content + start, "http://", 7) == 0) ||
		    (i - start > 8 && strncasecmp(content + start, "https://", 8) == 0))
			link_words++;
	}
	if (words == 0)
		return 0;
	/* Runs of one character, compared as whole UTF-8 sequences so that
	 * "!!!!!!" and six identical emoji both count. */
	for (i = 0; i < len; ) {
		size_t n = 1;

		while (i + n < len && (s[i + n] & 0xc0) == 0x80)
			n++;
		if (prev_len == n && memcmp(s + prev_start, s + i, n) == 0)
			run++;
		else
			run = 1;
		if (run > longest)
			longest = run;
		if (s[i] >= 'A' && s[i] <= 'Z')
			upper++;
		else if (s[i] >= 'a' && s[i] <= 'z')
			lower++;
		prev_start = i, prev_len = n;
		i += n;
	}
	q = 0.2 + 0.5 * fmin(1.0, (double)words / 30.0) + 0.15 * (lang_known != 0) +
	    0.15 * (has_media != 0);
	if (link_words == words)
		q *= 0.3;
	if (upper + lower >= 10 && (double)upper > 0.8 * (double)(upper + lower))
		q *= 0.5;
	if (longest >= 6)
		q *= 0.6;
	if (hashtags > 5 || (hashtags >= 3 && 2 * hashtags > words))
		q *= 0.5;
	return fmin(1.0, fmax(0.0, q));
}

double
score_spam(const struct spam_signals *s)
{
	double duplicate = 0, burst, mention;

	if (s->long_enough && s->duplicate_authors > 1)
		duplicate = fmin(1.0, (double)(s->duplicate_authors - 1) / 4.0);
	burst = s->burst_posts > 1 ? fmin(1.0, (double)(s->burst_posts - 1) / 10.0) : 0;
	mention = s->mentions > 5 ? fmin(1.0, (double)(s->mentions - 5) / 10.0) : 0;
	return 0.30 * duplicate + 0.20 * burst + 0.20 * mention +
	    0.15 * (s->no_profile != 0) + 0.15 * (s->no_followers != 0);
}

/* part: ln(1 + x) / ln(1 + max), 0 when max is 0. */
static double
part(double x, double max)
{
	if (max <= 0 || x <= 0)
		return 0;
	return log1p(x) / log1p(max);
}

double
score_influence(double pagerank, size_t n, double max_pagerank,
    int64_t followers, int64_t max_followers, int64_t sats, int64_t max_sats,
    int64_t engagement, int64_t max_engagement)
{
	/* PageRank times n is 1 for an average user, so the log scale starts
	 * where the graph's mean is. */
	return 100.0 * (0.4 * part(pagerank * (double)n, max_pagerank * (double)n) +
	    0.2 * part((double)followers, (double)max_followers) +
	    0.2 * part((double)sats, (double)max_sats) +
	    0.2 * part((double)engagement, (double)max_engagement));
}

/* ---- database helpers ---- */

/* rollback: keeps SQLite's message of the first error in sum->error, then
 * ends the write transaction if one is open (ROLLBACK would overwrite the
 * message).  Returns -1. */
static int
rollback(sqlite3 *db, struct score_summary *sum)
{
	if (sum->error[0] == '\0')
		snprintf(sum->error, sizeof(sum->error), "%s", sqlite3_errmsg(db));
	if (!sqlite3_get_autocommit(db))
		query_exec(db, "ROLLBACK", NULL);
	return -1;
}

static int64_t
window_start(int64_t end, double hours)
{
	return end - (int64_t)llround(hours * 3600.0);
}

/* ---- pubkey index ---- */

/* A hash table from 32-byte keys to dense indexes 0..n-1, for the graph and
 * per-author arrays.  Open addressing; keys are copied. */
struct keymap {
	uint8_t (*keys)[32];
	uint32_t *slots;      /* index + 1, 0 = empty */
	size_t n, cap, nslots;
};

static uint64_t
key_hash(const uint8_t k[32])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	/* FNV-1a over all 32 bytes: pubkeys are chosen by their owners, so do
	 * not trust any few bytes to be random. */
	for (i = 0; i < 32; i++)
		h = (h ^ k[i]) * 0x100000001b3ULL;
	return h;
}

static void keymap_grow(struct keymap *m);

static uint32_t
keymap_get(struct keymap *m, const uint8_t k[32], int add)
{
	size_t i;

	if (m->nslots == 0 || (add && (m->n + 1) * 2 > m->nslots))
		keymap_grow(m);
	for (i = key_hash(k) & (m->nslots - 1); m->slots[i] != 0; i = (i + 1) & (m->nslots - 1))
		if (memcmp(m->keys[m->slots[i] - 1], k, 32) == 0)
			return m->slots[i] - 1;
	if (!add)
		return UINT32_MAX;
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 1024;
		m->keys = xrealloc(m->keys, m->cap * sizeof(*m->keys));
	}
	memcpy(m->keys[m->n], k, 32);
	m->slots[i] = (uint32_t)++m->n;
	return (uint32_t)(m->n - 1);
}

static void
keymap_grow(struct keymap *m)
{
	size_t i, j, nslots = m->nslots ? m->nslots * 2 : 4096;
	uint32_t *slots = xcalloc(nslots, sizeof(*slots));

	for (i = 0; i < m->n; i++) {
		for (j = key_hash(m->keys[i]) & (nslots - 1); slots[j] != 0; j = (j + 1) & (nslots - 1))
			;
		slots[j] = (uint32_t)(i + 1);
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = nslots;
}

static void
keymap_free(struct keymap *m)
{
	free(m->keys);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* ---- the counts kept between runs ---- */

/* counts_current: brings usercounts.h's counts to this run's mark into *c,
 * from scratch when o->changes says the run is not incremental; a second
 * call in the same run (sum->counts_done) only moves them from the first. */
static int
counts_current(sqlite3 *db, const struct score_options *o, struct score_summary *sum,
    struct user_counts *c)
{
	const char *full = o->changes == NULL ? "no record of the last run" :
	    !o->changes->incremental ? o->changes->reason : NULL;

	if (sum->counts_done)
		full = NULL;
	if (user_counts_update(db, o->now, full, c) != 0)
		return -1;
	if (!sum->counts_done) {
		sum->counts_rebuilt = c->rebuilt;
		sum->counts_reason = c->reason;
		sum->counts_done = 1;
	}
	return 0;
}

/* ---- content ---- */

struct scored {
	uint8_t id[32];
	int64_t eid, aid;
	uint32_t author;
	uint32_t kind;
	int64_t created_at;
	uint64_t content_hash;
	int64_t replies, reposts, reactions, zaps, zap_sats;
	int64_t mentions;
	double quality;
	unsigned long_enough : 1, no_profile : 1, no_followers : 1;
	int64_t duplicate_authors, burst_posts;
};

/*
 * meta_counts: the lengths of meta's "hashtags", "mentions" and "media" arrays
 * (0 for what is absent or not an array, or when meta is not JSON).
 */
static void
meta_counts(const char *meta, size_t len, int64_t *hashtags, int64_t *mentions,
    int64_t *media)
{
	struct meta_counts n;

	meta_count(meta, len, &n);
	*hashtags = (int64_t)n.hashtags;
	*mentions = (int64_t)n.mentions;
	*media = (int64_t)n.media;
}

static uint64_t
content_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

static const struct scored *sort_base;

static int
by_content_author(const void *a, const void *b)
{
	const struct scored *x = &sort_base[*(const uint32_t *)a];
	const struct scored *y = &sort_base[*(const uint32_t *)b];

	if (x->content_hash != y->content_hash)
		return x->content_hash < y->content_hash ? -1 : 1;
	return x->author < y->author ? -1 : x->author > y->author;
}

static int
by_author_time(const void *a, const void *b)
{
	const struct scored *x = &sort_base[*(const uint32_t *)a];
	const struct scored *y = &sort_base[*(const uint32_t *)b];

	if (x->author != y->author)
		return x->author < y->author ? -1 : 1;
	return x->created_at < y->created_at ? -1 : x->created_at > y->created_at;
}

/* spam_groups: fills duplicate_authors and burst_posts from the whole set. */
static void
spam_groups(struct scored *ev, size_t n)
{
	uint32_t *order = xcalloc(n ? n : 1, sizeof(*order));
	size_t i, j, k;

	for (i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	/* qsort has no context argument in C11: the comparators read sort_base,
	 * set only here and only for the duration of the sorts. */
	sort_base = ev;
	qsort(order, n, sizeof(*order), by_content_author);
	for (i = 0; i < n; i = j) {
		int64_t authors = 0;

		for (j = i; j < n && ev[order[j]].content_hash == ev[order[i]].content_hash; j++)
			if (j == i || ev[order[j]].author != ev[order[j - 1]].author)
				authors++;
		for (k = i; k < j; k++)
			ev[order[k]].duplicate_authors = authors;
	}
	qsort(order, n, sizeof(*order), by_author_time);
	/* Posts by the same author in [t - SPAM_BURST_SECONDS, t], a sliding
	 * window over that author's posts in time order; posts of the same
	 * second all count for each other. */
	for (i = 0, j = 0; i < n; i++) {
		const struct scored *e = &ev[order[i]];
		size_t hi = i;

		if (j > i || ev[order[j]].author != e->author)
			j = i;
		while (j < i && ev[order[j]].created_at < e->created_at - SPAM_BURST_SECONDS)
			j++;
		while (hi + 1 < n && ev[order[hi + 1]].author == e->author &&
		    ev[order[hi + 1]].created_at == e->created_at)
			hi++;
		ev[order[i]].burst_posts = (int64_t)(hi - j + 1);
	}
	sort_base = NULL;
	free(order);
}

/* The window's content events.  Their engagement comes from the tables read
 * by engagement_sql beforehand into hash maps: one pass over each table beats
 * several index probes per event (a million events score in seconds). */
static const char content_sql[] =
    "SELECT e.id, k.pubkey, e.kind, e.created_at, e.content, e.lang, e.meta, e.eid, e.aid,"
    " (SELECT count(*) FROM hashtags h WHERE h.created_at = e.created_at AND h.eid = e.eid),"
    " (SELECT count(*) FROM mentions m WHERE m.created_at = e.created_at AND m.eid = e.eid)"
    " FROM nostr_events e JOIN pubkeys k ON k.aid = e.aid"
    " WHERE e.created_at > ?2 AND e.created_at <= ?1"
    " AND e.kind IN (" SCORE_CONTENT_KINDS ")";

/* Engagement per target event, only what happened at or before now: the
 * replies, reactions and reposts from the counts usercounts.h keeps (brought
 * to this run's mark first), the zaps through their event index.  A probe
 * per window event, not a pass over every engagement row ever stored. */
static const char target_sql[] =
    "SELECT replies, reposts, reactions FROM score_targets WHERE target = ?1";
static const char zaps_of_sql[] =
    "SELECT count(*), coalesce(sum(sats), 0) FROM zaps INDEXED BY zaps_valid_event"
    " WHERE valid = 1 AND event_id = ?1 AND created_at <= ?2";

/* What score_content reads before it scores: who has a profile, who has
 * followers, and the window's events with their engagement. */
struct content_input {
	struct keymap authors, profiles, followed;
	sqlite3_stmt *target, *zaps;   /* target_sql, zaps_of_sql */
	int64_t now;
	struct scored *ev;
	size_t n, cap;
};

static void
content_input_free(struct content_input *in)
{
	free(in->ev);
	sqlite3_finalize(in->target);
	sqlite3_finalize(in->zaps);
	keymap_free(&in->authors);
	keymap_free(&in->profiles);
	keymap_free(&in->followed);
}

/* engagement_of: e's replies, reposts, reactions and zaps. */
static int
engagement_of(struct content_input *in, struct scored *e)
{
	struct query_arg target[] = { Q_BLOB(e->id, 32), Q_END };
	struct query_arg zaps[] = { Q_BLOB(e->id, 32), Q_INT(in->now), Q_END };
	int rc;

	if (query_bind(in->target, target) != 0 || (rc = query_step_row(in->target)) < 0)
		return -1;
	if (rc == 1) {
		e->replies = sqlite3_column_int64(in->target, 0);
		e->reposts = sqlite3_column_int64(in->target, 1);
		e->reactions = sqlite3_column_int64(in->target, 2);
	}
	sqlite3_reset(in->target);
	if (query_bind(in->zaps, zaps) != 0 || query_step_row(in->zaps) != 1)
		return -1;
	e->zaps = sqlite3_column_int64(in->zaps, 0);
	e->zap_sats = sqlite3_column_int64(in->zaps, 1);
	sqlite3_reset(in->zaps);
	return 0;
}

/* load_keys: the 64-hex first column of sql's rows into set. */
static int
load_keys(sqlite3 *db, const char *sql, const struct query_arg *args, struct keymap *set)
{
	sqlite3_stmt *st = query_prepare(db, sql, args);
	uint8_t k[32];
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = query_step_row(st)) == 1)
		if (query_key(st, 0, k) == 0)
			keymap_get(set, k, 1);
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

/* content_event: the row of content_sql in st as in->ev[in->n], with its
 * engagement, quality and the spam signals that need no other event. */
static int
content_event(struct content_input *in, sqlite3_stmt *st)
{
	struct scored *e;
	uint8_t pk[32];
	const char *content = (const char *)sqlite3_column_text(st, 4);
	size_t content_len = (size_t)sqlite3_column_bytes(st, 4);
	const char *lang = (const char *)sqlite3_column_text(st, 5);
	const char *meta = (const char *)sqlite3_column_text(st, 6);
	int64_t hashtags, mentions, media;

	if (in->n == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 4096;
		in->ev = xrealloc(in->ev, in->cap * sizeof(*in->ev));
	}
	e = &in->ev[in->n];
	memset(e, 0, sizeof(*e));
	if (query_key(st, 0, e->id) != 0 || query_key(st, 1, pk) != 0)
		return 0;  /* not hex: not an event nostr-load wrote */
	e->author = keymap_get(&in->authors, pk, 1);
	e->kind = (uint32_t)sqlite3_column_int64(st, 2);
	e->created_at = sqlite3_column_int64(st, 3);
	/* The lists are in their tables; media, having none, in what is left of meta. */
	meta_counts(meta, meta ? (size_t)sqlite3_column_bytes(st, 6) : 0,
	    &hashtags, &mentions, &media);
	e->eid = sqlite3_column_int64(st, 7);
	e->aid = sqlite3_column_int64(st, 8);
	hashtags = sqlite3_column_int64(st, 9);
	mentions = sqlite3_column_int64(st, 10);
	if (engagement_of(in, e) != 0)
		return -1;
	e->no_profile = keymap_get(&in->profiles, pk, 0) == UINT32_MAX;
	e->no_followers = keymap_get(&in->followed, pk, 0) == UINT32_MAX;
	e->mentions = mentions;
	e->long_enough = content_len >= SPAM_DUPLICATE_MIN_BYTES;
	e->content_hash = content_hash(content ? content : "", content_len);
	e->quality = score_quality(content ? content : "", content_len,
	    lang != NULL && strcmp(lang, "und") != 0 && lang[0] != '\0',
	    media > 0, hashtags);
	in->n++;
	return 0;
}

/* content_read: everything score_content needs, the window's events last. */
static int
content_read(sqlite3 *db, const struct score_options *o, struct content_input *in)
{
	struct query_arg window[] = {
		Q_INT(o->now), Q_INT(window_start(o->now, o->hours)), Q_END,
	};
	sqlite3_stmt *st;
	int rc;

	in->now = o->now;
	if ((in->target = query_prepare(db, target_sql, NULL)) == NULL ||
	    (in->zaps = query_prepare(db, zaps_of_sql, NULL)) == NULL ||
	    load_keys(db, "SELECT k.pubkey FROM user_profiles p JOIN pubkeys k ON k.aid = p.aid",
	    NULL, &in->profiles) != 0 ||
	    load_keys(db, "SELECT k.pubkey FROM (SELECT DISTINCT followed FROM follows) f"
	    " JOIN pubkeys k ON k.aid = f.followed", NULL, &in->followed) != 0 ||
	    (st = query_prepare(db, content_sql, window)) == NULL)
		return -1;
	while ((rc = query_step_row(st)) == 1)
		if (content_event(in, st) != 0) {
			rc = -1;
			break;
		}
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

static const char content_insert_sql[] =
    "INSERT OR REPLACE INTO content_metrics (eid, aid, kind, created_at,"
    " computed_at, replies, reposts, reactions, zaps, zap_sats, engagement, virality,"
    " quality, spam_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/* content_insert: one content_metrics row of e through st. */
static int
content_insert(sqlite3_stmt *st, const struct content_input *in, const struct scored *e,
    int64_t now)
{
	struct spam_signals s = {
		e->duplicate_authors, e->burst_posts, e->mentions,
		e->no_profile, e->no_followers, e->long_enough,
	};
	(void)in;
	{
		struct query_arg row[] = {
			Q_INT(e->eid), Q_INT(e->aid), Q_INT(e->kind), Q_INT(e->created_at), Q_INT(now),
			Q_INT(e->replies), Q_INT(e->reposts), Q_INT(e->reactions), Q_INT(e->zaps),
			Q_INT(e->zap_sats),
			Q_REAL(score_engagement(e->zaps, e->zap_sats, e->replies, e->reposts,
			    e->reactions)),
			Q_REAL(score_virality(e->zaps, e->zap_sats, e->replies, e->reposts,
			    e->reactions, (double)(now - e->created_at) / 3600.0)),
			Q_REAL(e->quality), Q_REAL(score_spam(&s)), Q_END,
		};

		return query_bind(st, row) == 0 && query_step_done(st) == 0 ? 0 : -1;
	}
}

/* content_write: the scored events into content_metrics, in one transaction. */
static int
content_write(sqlite3 *db, const struct content_input *in, int64_t now)
{
	sqlite3_stmt *st;
	size_t i;

	if (query_exec(db, "BEGIN IMMEDIATE", NULL) != 0 ||
	    (st = query_prepare(db, content_insert_sql, NULL)) == NULL)
		return -1;
	for (i = 0; i < in->n; i++)
		if (content_insert(st, in, &in->ev[i], now) != 0) {
			sqlite3_finalize(st);
			return -1;
		}
	sqlite3_finalize(st);
	return query_exec(db, "COMMIT", NULL);
}

int
score_content(sqlite3 *db, const struct score_options *o, struct score_summary *sum)
{
	struct content_input in = { 0 };
	struct user_counts c;

	/* Its engagement is read from the counts, so they come first. */
	if (counts_current(db, o, sum, &c) != 0)
		return rollback(db, sum);
	user_counts_free(&c);
	if (content_read(db, o, &in) != 0) {
		content_input_free(&in);
		return rollback(db, sum);
	}
	spam_groups(in.ev, in.n);
	if (content_write(db, &in, o->now) != 0) {
		content_input_free(&in);
		return rollback(db, sum);
	}
	sum->events = in.n;
	content_input_free(&in);
	return 0;
}

/* ---- trending ---- */

/* Zaps are counted per hashtag use: a zapped event with two hashtags gives
 * each its zaps.  The previous window has the same length and ends where
 * this one starts. */
static const char trending_sql[] =
    "WITH cur AS (SELECT h.hashtag AS hashtag, count(*) AS n,"
    "   count(DISTINCT h.aid) AS authors,"
    "   sum((SELECT count(*) FROM zaps z"
    "        WHERE z.event_id = (SELECT e.id FROM nostr_events e WHERE e.eid = h.eid)"
    "        AND z.valid = 1 AND z.created_at <= ?1)) AS zaps"
    "  FROM hashtags h WHERE h.created_at > ?2 AND h.created_at <= ?1"
    "  GROUP BY h.hashtag),"
    " prev AS (SELECT hashtag, count(*) AS n FROM hashtags"
    "  WHERE created_at > ?3 AND created_at <= ?2 GROUP BY hashtag)"
    " SELECT cur.hashtag, cur.n, cur.authors, cur.zaps, coalesce(prev.n, 0)"
    " FROM cur LEFT JOIN prev ON prev.hashtag = cur.hashtag"
    " WHERE cur.zaps >= ?4";

static int
by_trend(const void *a, const void *b)
{
	const struct trend *x = a, *y = b;

	if (x->trend_score != y->trend_score)
		return x->trend_score > y->trend_score ? -1 : 1;
	return strcmp(x->hashtag, y->hashtag);
}

void
score_trends_free(struct trend *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(t[i].hashtag);
	free(t);
}

/* trend_row: row r of trending_sql's table t as a trend of a window of hours. */
static struct trend
trend_row(const struct table *t, size_t r, double hours)
{
	struct trend x;

	x.hashtag = xstrdup(table_text(t, r, 0));
	x.mention_count = (int64_t)table_number(t, r, 1);
	x.unique_authors = (int64_t)table_number(t, r, 2);
	x.zaps = (int64_t)table_number(t, r, 3);
	x.previous_count = (int64_t)table_number(t, r, 4);
	x.trend_score = score_trend(x.mention_count, hours, x.unique_authors, x.zaps);
	x.velocity = x.previous_count > 0 ?
	    (double)x.mention_count / (double)x.previous_count : NAN;
	x.rank = 0;
	return x;
}

int
score_trending_compute(struct dbq *db, int64_t now, double hours, int64_t min_zaps,
    struct trend **out, size_t *count)
{
	static const struct column cols[] = {
		{ "hashtag", CELL_TEXT, 0, 0, 0 }, { "n", CELL_INT, 0, 0, 0 },
		{ "authors", CELL_INT, 0, 0, 0 }, { "zaps", CELL_INT, 0, 0, 0 },
		{ "previous", CELL_INT, 0, 0, 0 },
	};
	int64_t start = window_start(now, hours);
	struct query_arg args[] = {
		Q_INT(now), Q_INT(start), Q_INT(window_start(start, hours)), Q_INT(min_zaps), Q_END,
	};
	struct trend *t = NULL;
	struct table *rows;
	size_t n = 0, i;

	*out = NULL, *count = 0;
	if ((rows = dbq_table(db, cols, sizeof cols / sizeof cols[0], trending_sql, args)) == NULL)
		return -1;
	t = xcalloc(rows->nrows ? rows->nrows : 1, sizeof(*t));
	for (i = 0; i < rows->nrows; i++)
		if (table_text(rows, i, 0) != NULL)
			t[n++] = trend_row(rows, i, hours);
	table_free(rows);
	if (n > 0)
		qsort(t, n, sizeof(*t), by_trend);
	for (i = 0; i < n; i++)
		t[i].rank = (int64_t)i + 1;
	*out = t, *count = n;
	return 0;
}

/* trending_insert: one hashtag's trending_topics and trending_velocity rows. */
static int
trending_insert(sqlite3_stmt *topic, sqlite3_stmt *velocity, const struct trend *t,
    const struct score_options *o)
{
	struct query_arg topic_row[] = {
		Q_INT(o->now), Q_REAL(o->hours), Q_TEXT(t->hashtag), Q_INT(t->mention_count),
		Q_INT(t->unique_authors), Q_INT(t->zaps), Q_REAL(t->trend_score), Q_INT(t->rank),
		Q_END,
	};
	struct query_arg velocity_row[] = {
		Q_INT(o->now), Q_REAL(o->hours), Q_TEXT(t->hashtag), Q_INT(t->previous_count),
		Q_REAL(t->velocity), Q_END,
	};

	if (isnan(t->velocity))
		velocity_row[4] = (struct query_arg)Q_NULL;
	if (query_bind(topic, topic_row) != 0 || query_step_done(topic) != 0 ||
	    query_bind(velocity, velocity_row) != 0 || query_step_done(velocity) != 0)
		return -1;
	return 0;
}

/* trending_write: replaces the window's stored rows by t, in one transaction. */
static int
trending_write(sqlite3 *db, const struct score_options *o, const struct trend *t, size_t n)
{
	struct query_arg window[] = { Q_INT(o->now), Q_REAL(o->hours), Q_END };
	sqlite3_stmt *topic = NULL, *velocity = NULL;
	size_t i;
	int rc = -1;

	/* A rerun with the same --now replaces its window whole. */
	if (query_exec(db, "BEGIN IMMEDIATE", NULL) != 0 ||
	    query_exec(db, "DELETE FROM trending_topics WHERE window_end = ?1"
	    " AND window_hours = ?2", window) != 0 ||
	    query_exec(db, "DELETE FROM trending_velocity WHERE window_end = ?1"
	    " AND window_hours = ?2", window) != 0 ||
	    (topic = query_prepare(db, "INSERT INTO trending_topics (window_end, window_hours,"
	    " hashtag, mention_count, unique_authors, zaps, trend_score, rank)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", NULL)) == NULL ||
	    (velocity = query_prepare(db, "INSERT INTO trending_velocity (window_end,"
	    " window_hours, hashtag, previous_count, velocity) VALUES (?, ?, ?, ?, ?)",
	    NULL)) == NULL)
		goto out;
	for (i = 0; i < n; i++)
		if (trending_insert(topic, velocity, &t[i], o) != 0)
			goto out;
	rc = 0;
out:
	sqlite3_finalize(topic);
	sqlite3_finalize(velocity);
	return rc == 0 ? query_exec(db, "COMMIT", NULL) : -1;
}

int
score_trending(sqlite3 *db, const struct score_options *o, struct score_summary *sum)
{
	struct trend *t;
	size_t n;
	int rc;

	struct dbq q = DBQ_SQLITE(db);

	if (score_trending_compute(&q, o->now, o->hours, o->min_zaps, &t, &n) != 0)
		return rollback(db, sum);
	rc = trending_write(db, o, t, n);
	score_trends_free(t, n);
	if (rc != 0)
		return rollback(db, sum);
	sum->hashtags = n;
	return 0;
}

/* ---- users ---- */

struct user {
	int64_t followers, following, posts;
	int64_t replies, reactions, reposts, zaps, sats;
	double quality, spam;
	double pagerank, influence;
	int64_t rank;
};

/*
 * The users: every pubkey the graph or the zaps know, by aid (u, node_of),
 * and the nodes in a fixed order (pubkey order), so ties in rank break the
 * same way on every run; the follow edges as node indexes.
 */
struct graph {
	size_t naids;             /* aids 0..naids-1 */
	struct user *u;           /* by aid */
	uint32_t *node_of;        /* by aid: node index + 1, 0 = not a user */
	int64_t *aid;             /* by node: its aid */
	size_t n;                 /* nodes */
	uint32_t *src, *dst;      /* follow edges, follower -> followed (aids, then nodes) */
	size_t nedges, edges_cap;
};

static void
graph_free(struct graph *g)
{
	free(g->u);
	free(g->node_of);
	free(g->aid);
	free(g->src);
	free(g->dst);
}

static int64_t
engagement_received(const struct user *u)
{
	return u->replies + u->reposts + u->reactions + u->zaps;
}

/* is_aid: whether column col of st is an aid of g. */
static int
is_aid(const struct graph *g, sqlite3_stmt *st, int col, int64_t *aid)
{
	*aid = sqlite3_column_int64(st, col);
	return sqlite3_column_type(st, col) == SQLITE_INTEGER && *aid > 0 &&
	    (size_t)*aid < g->naids;
}

/* users_follows: the follow edges, followers and following; every pubkey
 * in a list is a user. */
static int
users_follows(sqlite3 *db, struct graph *g)
{
	sqlite3_stmt *st = query_prepare(db, "SELECT follower, followed FROM follows", NULL);
	int64_t a, b;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = query_step_row(st)) == 1) {
		if (!is_aid(g, st, 0, &a) || !is_aid(g, st, 1, &b))
			continue;
		g->u[a].following++;
		g->u[b].followers++;
		g->node_of[a] = g->node_of[b] = 1;
		if (g->nedges == g->edges_cap) {
			g->edges_cap = g->edges_cap ? g->edges_cap * 2 : 4096;
			g->src = xrealloc(g->src, g->edges_cap * sizeof(*g->src));
			g->dst = xrealloc(g->dst, g->edges_cap * sizeof(*g->dst));
		}
		g->src[g->nedges] = (uint32_t)a;
		g->dst[g->nedges++] = (uint32_t)b;
	}
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

/* users_marked: marks the aids of sql's first column (?1 = now) as users,
 * and gives each row to set (NULL: none). */
static int
users_marked(sqlite3 *db, const char *sql, int64_t now, struct graph *g,
    void (*set)(struct user *, sqlite3_stmt *))
{
	struct query_arg args[] = { Q_INT(now), Q_END };
	sqlite3_stmt *st = query_prepare(db, sql, args);
	int64_t a;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = query_step_row(st)) == 1) {
		if (!is_aid(g, st, 0, &a))
			continue;
		g->node_of[a] = 1;
		if (set != NULL)
			set(&g->u[a], st);
	}
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

static void
set_zaps(struct user *u, sqlite3_stmt *st)
{
	u->zaps = sqlite3_column_int64(st, 1);
	u->sats = sqlite3_column_int64(st, 2);
}

/* users_order: numbers the marked aids in pubkey order, and the edges. */
static int
users_order(sqlite3 *db, struct graph *g)
{
	sqlite3_stmt *st = query_prepare(db, "SELECT aid FROM pubkeys ORDER BY pubkey", NULL);
	size_t i;
	int64_t a;
	int rc;

	if (st == NULL)
		return -1;
	g->aid = xcalloc(g->naids, sizeof(*g->aid));
	while ((rc = query_step_row(st)) == 1)
		if (is_aid(g, st, 0, &a) && g->node_of[a] != 0) {
			g->aid[g->n++] = a;
			g->node_of[a] = (uint32_t)g->n;
		}
	sqlite3_finalize(st);
	for (i = 0; i < g->nedges; i++) {
		g->src[i] = g->node_of[g->src[i]] - 1;
		g->dst[i] = g->node_of[g->dst[i]] - 1;
	}
	return rc == 0 ? 0 : -1;
}

/* Users besides those of the follow lists: authors first seen by now, and
 * recipients of valid zaps (with their zaps). */
static const char users_sql[] = "SELECT aid FROM users WHERE first_seen <= ?1";
static const char zaps_sql[] =
    "SELECT recipient, count(*), coalesce(sum(sats), 0) FROM zaps"
    " WHERE valid = 1 AND recipient IS NOT NULL AND created_at <= ?1 GROUP BY recipient";

static void
set_quality(struct user *u, sqlite3_stmt *st)
{
	u->quality = sqlite3_column_double(st, 1);
	u->spam = sqlite3_column_double(st, 2);
}

static const char quality_sql[] =
    "SELECT aid, avg(quality), avg(spam_score) FROM content_metrics"
    " WHERE computed_at = ?1 GROUP BY aid";

/* users_gather: the users, their follows, zaps, quality and counts. */
static int
users_gather(sqlite3 *db, int64_t now, const struct user_counts *c, struct graph *g)
{
	int64_t max = 0;
	size_t i;

	if (query_int(db, "SELECT coalesce(max(aid), 0) FROM pubkeys", NULL, &max) != 0)
		return -1;
	g->naids = (size_t)max + 1;
	g->u = xcalloc(g->naids, sizeof(*g->u));
	g->node_of = xcalloc(g->naids, sizeof(*g->node_of));
	if (users_follows(db, g) != 0 || users_marked(db, users_sql, now, g, NULL) != 0 ||
	    users_marked(db, zaps_sql, now, g, set_zaps) != 0 || users_order(db, g) != 0)
		return -1;
	for (i = 0; i < g->naids && i < c->n; i++) {
		g->u[i].posts = c->a[i].posts;
		g->u[i].replies = c->a[i].replies;
		g->u[i].reactions = c->a[i].reactions;
		g->u[i].reposts = c->a[i].reposts;
	}
	{
		struct query_arg args[] = { Q_INT(now), Q_END };
		sqlite3_stmt *st = query_prepare(db, quality_sql, args);
		int64_t a;
		int rc;

		if (st == NULL)
			return -1;
		while ((rc = query_step_row(st)) == 1)
			if (is_aid(g, st, 0, &a) && g->node_of[a] != 0)
				set_quality(&g->u[a], st);
		sqlite3_finalize(st);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* users_pagerank: each user's PageRank; returns the iterations it took. */
static int
users_pagerank(struct graph *g)
{
	size_t n = g->n, i;
	double *pr = xcalloc(n ? n : 1, sizeof(*pr));
	int steps;

	steps = pagerank(n, g->src, g->dst, g->nedges, PAGERANK_DAMPING, PAGERANK_TOLERANCE,
	    PAGERANK_MAX_ITERATIONS, pr);
	for (i = 0; i < n; i++)
		g->u[g->aid[i]].pagerank = pr[i];
	free(pr);
	return steps;
}

/* users_influence: each user's influence against the largest figures. */
static void
users_influence(struct graph *g)
{
	size_t n = g->n, i;
	double max_pr = 0;
	int64_t max_followers = 0, max_sats = 0, max_engagement = 0;

	for (i = 0; i < n; i++) {
		const struct user *u = &g->u[g->aid[i]];

		max_pr = fmax(max_pr, u->pagerank);
		if (u->followers > max_followers)
			max_followers = u->followers;
		if (u->sats > max_sats)
			max_sats = u->sats;
		if (engagement_received(u) > max_engagement)
			max_engagement = engagement_received(u);
	}
	for (i = 0; i < n; i++) {
		struct user *u = &g->u[g->aid[i]];

		u->influence = score_influence(u->pagerank, n, max_pr, u->followers, max_followers,
		    u->sats, max_sats, engagement_received(u), max_engagement);
	}
}

static const struct graph *rank_base;

static int
by_influence(const void *a, const void *b)
{
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	double x = rank_base->u[rank_base->aid[i]].influence;
	double y = rank_base->u[rank_base->aid[j]].influence;

	if (x != y)
		return x > y ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* users_rank: ranks 1.. by influence; nodes are in pubkey order, so equal
 * influence ranks by pubkey. */
static void
users_rank(struct graph *g)
{
	size_t n = g->n, i;
	uint32_t *order = xcalloc(n ? n : 1, sizeof(*order));

	for (i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	/* qsort has no context argument in C11: by_influence reads rank_base,
	 * set only for the duration of the sort. */
	rank_base = g;
	qsort(order, n, sizeof(*order), by_influence);
	rank_base = NULL;
	for (i = 0; i < n; i++)
		g->u[g->aid[order[i]]].rank = (int64_t)i + 1;
	free(order);
}

/* user_insert: the user_metrics and user_influence rows of aid. */
static int
user_insert(sqlite3_stmt *ins, sqlite3_stmt *inf, const struct user *u, int64_t aid,
    int64_t now)
{
	struct query_arg metrics[] = {
		Q_INT(aid), Q_INT(now), Q_INT(u->followers), Q_INT(u->following),
		Q_INT(u->posts), Q_INT(u->replies), Q_INT(u->reactions), Q_INT(u->reposts),
		Q_INT(u->zaps), Q_INT(u->sats), Q_REAL(u->influence), Q_REAL(u->quality),
		Q_REAL(u->spam), Q_END,
	};
	struct query_arg influence[] = {
		Q_INT(aid), Q_INT(now), Q_REAL(u->pagerank), Q_INT(engagement_received(u)),
		Q_INT(u->rank), Q_END,
	};

	if (query_bind(ins, metrics) != 0 || query_step_done(ins) != 0 ||
	    query_bind(inf, influence) != 0 || query_step_done(inf) != 0)
		return -1;
	return 0;
}

/* users_write: replaces user_metrics and user_influence by g's users, in
 * one transaction, in aid order; users the graph no longer holds keep no
 * stale figures. */
static int
users_write(sqlite3 *db, const struct graph *g, int64_t now)
{
	sqlite3_stmt *ins = NULL, *inf = NULL;
	size_t a;
	int rc = -1;

	if (query_exec(db, "BEGIN IMMEDIATE", NULL) != 0 ||
	    query_exec(db, "DELETE FROM user_metrics", NULL) != 0 ||
	    query_exec(db, "DELETE FROM user_influence", NULL) != 0 ||
	    (ins = query_prepare(db, "INSERT INTO user_metrics (aid, computed_at,"
	    " followers, following, posts, replies_received, reactions_received,"
	    " reposts_received, zaps_received, zap_sats_received, influence, quality,"
	    " spam_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", NULL)) == NULL ||
	    (inf = query_prepare(db, "INSERT INTO user_influence (aid,"
	    " computed_at, pagerank, engagement, rank) VALUES (?, ?, ?, ?, ?)", NULL)) == NULL)
		goto out;
	for (a = 0; a < g->naids; a++)
		if (g->node_of[a] != 0 && user_insert(ins, inf, &g->u[a], (int64_t)a, now) != 0)
			goto out;
	rc = 0;
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(inf);
	return rc == 0 ? query_exec(db, "COMMIT", NULL) : -1;
}

/* users_kept_pagerank: each user's stored PageRank into g, when the stored
 * rows hold exactly g's users; *kept tells whether they did. */
static int
users_kept_pagerank(sqlite3 *db, struct graph *g, int *kept)
{
	sqlite3_stmt *st = query_prepare(db, "SELECT aid, pagerank FROM user_influence", NULL);
	size_t found = 0;
	int64_t a;
	int rc;

	*kept = 0;
	if (st == NULL)
		return -1;
	while ((rc = query_step_row(st)) == 1) {
		if (!is_aid(g, st, 0, &a) || g->node_of[a] == 0)
			break;  /* a user no longer in the graph: its ranks are not these */
		g->u[a].pagerank = sqlite3_column_double(st, 1);
		found++;
	}
	sqlite3_finalize(st);
	if (rc < 0)
		return -1;
	*kept = rc == 0 && found == g->n;
	return 0;
}

/* users_gather_graph: PageRank, or the stored PageRank when the follow
 * graph is the last run's; *steps the iterations (0 when kept). */
static int
users_gather_graph(sqlite3 *db, const struct score_options *o, struct graph *g, int *steps,
    int *kept)
{
	const struct score_changes *ch = o->changes;

	*steps = 0, *kept = 0;
	if (ch != NULL && ch->incremental && !ch->follows_changed &&
	    users_kept_pagerank(db, g, kept) != 0)
		return -1;
	if (!*kept)
		*steps = users_pagerank(g);
	return 0;
}

int
score_users(sqlite3 *db, const struct score_options *o, struct score_summary *sum)
{
	struct graph g = { 0 };
	struct user_counts c;
	int steps, kept;

	if (counts_current(db, o, sum, &c) != 0)
		return rollback(db, sum);
	if (users_gather(db, o->now, &c, &g) != 0 ||
	    users_gather_graph(db, o, &g, &steps, &kept) != 0) {
		graph_free(&g);
		user_counts_free(&c);
		return rollback(db, sum);
	}
	users_influence(&g);
	users_rank(&g);
	if (users_write(db, &g, o->now) != 0) {
		graph_free(&g);
		user_counts_free(&c);
		return rollback(db, sum);
	}
	sum->users = g.n;
	sum->pagerank_steps = steps;
	sum->pagerank_kept = kept;
	graph_free(&g);
	user_counts_free(&c);
	return 0;
}

/* ---- network ---- */

struct window {
	int64_t end;
	int64_t events, posts, reactions, reposts, zaps, sats;
	int64_t active, new_users, total_users;
};

/* Series written per run: the last 24 hours hour by hour, the last 30 days
 * day by day; one more window each is read for the first one's growth. */
enum { NSERIES = 2, MAX_WINDOWS = 31 };
static const struct { double hours; int count; } series[NSERIES] = { { 1, 24 }, { 24, 30 } };

/* The windows of both series, ending at now, now - step, ...: window i of a
 * series holds created_at in (now - (i + 1) * step, now - i * step]. */
struct windows {
	int64_t now, step[NSERIES], since;   /* since: the start of the oldest */
	struct window w[NSERIES][MAX_WINDOWS];
};

/* window_of: the index of the window of series s that t falls in, or -1. */
static int
window_of(const struct windows *ws, size_t s, int64_t t)
{
	int64_t i;

	if (t > ws->now || t <= ws->now - (int64_t)(series[s].count + 1) * ws->step[s])
		return -1;
	i = (ws->now - t) / ws->step[s];
	return (int)i;
}

/* windows_events: every window's events and distinct authors, in one pass
 * over the author index (it holds aid and created_at: no event row is
 * read); an author's events come together, in time order. */
static int
windows_events(sqlite3 *db, struct windows *ws)
{
	struct query_arg args[] = { Q_INT(ws->since), Q_INT(ws->now), Q_END };
	sqlite3_stmt *st = query_prepare(db, "SELECT aid, created_at FROM nostr_events"
	    " INDEXED BY nostr_events_author WHERE created_at > ?1 AND created_at <= ?2", args);
	int64_t aid = 0;
	int last[NSERIES] = { -1, -1 }, rc;
	size_t s;

	if (st == NULL)
		return -1;
	while ((rc = query_step_row(st)) == 1) {
		int64_t a = sqlite3_column_int64(st, 0), t = sqlite3_column_int64(st, 1);

		if (a != aid || sqlite3_column_type(st, 0) != SQLITE_INTEGER)
			aid = a, last[0] = last[1] = -1;
		for (s = 0; s < NSERIES; s++) {
			int i = window_of(ws, s, t);

			if (i < 0)
				continue;
			ws->w[s][i].events++;
			if (i != last[s])
				ws->w[s][i].active++;
			last[s] = i;
		}
	}
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

/* windows_kinds: every window's posts, reactions and reposts, through the
 * kind index (kind and created_at, no event row). */
static int
windows_kinds(sqlite3 *db, struct windows *ws)
{
	struct query_arg args[] = { Q_INT(ws->since), Q_INT(ws->now), Q_END };
	sqlite3_stmt *st = query_prepare(db, "SELECT kind, created_at FROM nostr_events"
	    " INDEXED BY nostr_events_kind WHERE kind IN (1, 6, 7, 16)"
	    " AND created_at > ?1 AND created_at <= ?2", args);
	int rc;
	size_t s;

	if (st == NULL)
		return -1;
	while ((rc = query_step_row(st)) == 1) {
		int64_t k = sqlite3_column_int64(st, 0), t = sqlite3_column_int64(st, 1);

		for (s = 0; s < NSERIES; s++) {
			int i = window_of(ws, s, t);

			if (i < 0)
				continue;
			if (k == 1)
				ws->w[s][i].posts++;
			else if (k == 7)
				ws->w[s][i].reactions++;
			else
				ws->w[s][i].reposts++;
		}
	}
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

/* window_rest: the zaps and users of the window of hours ending at w->end. */
static int
window_rest(sqlite3 *db, struct window *w, double hours)
{
	static const char *const sql[] = {
		"SELECT count(*), coalesce(sum(sats), 0) FROM zaps"
		" WHERE valid = 1 AND created_at > ?1 AND created_at <= ?2",
		"SELECT (SELECT count(*) FROM users WHERE first_seen > ?1 AND first_seen <= ?2),"
		" (SELECT count(*) FROM users WHERE first_seen <= ?2)",
	};
	int64_t *const into[][2] = {
		{ &w->zaps, &w->sats }, { &w->new_users, &w->total_users },
	};
	struct query_arg args[] = { Q_INT(window_start(w->end, hours)), Q_INT(w->end), Q_END };
	size_t q, c;

	for (q = 0; q < 2; q++) {
		sqlite3_stmt *st = query_prepare(db, sql[q], args);

		if (st == NULL)
			return -1;
		if (query_step_row(st) != 1) {
			sqlite3_finalize(st);
			return -1;
		}
		for (c = 0; c < 2; c++)
			*into[q][c] = sqlite3_column_int64(st, (int)c);
		sqlite3_finalize(st);
	}
	return 0;
}

/* windows_read: the figures of every window of both series ending at now. */
static int
windows_read(sqlite3 *db, int64_t now, struct windows *ws)
{
	size_t s;
	int i;

	memset(ws, 0, sizeof(*ws));
	ws->now = ws->since = now;
	for (s = 0; s < NSERIES; s++) {
		ws->step[s] = (int64_t)llround(series[s].hours * 3600);
		if (now - (int64_t)(series[s].count + 1) * ws->step[s] < ws->since)
			ws->since = now - (int64_t)(series[s].count + 1) * ws->step[s];
		for (i = 0; i <= series[s].count; i++)
			ws->w[s][i].end = now - (int64_t)i * ws->step[s];
	}
	if (windows_events(db, ws) != 0 || windows_kinds(db, ws) != 0)
		return -1;
	for (s = 0; s < NSERIES; s++)
		for (i = 0; i <= series[s].count; i++)
			if (window_rest(db, &ws->w[s][i], series[s].hours) != 0)
				return -1;
	return 0;
}

/* growth: cur against prev (NULL when there is no prev to compare with). */
static struct query_arg
growth(int64_t cur, int64_t prev)
{
	struct query_arg none = Q_NULL, v = Q_REAL(0);

	if (prev == 0)
		return none;
	v.r = (double)cur / (double)prev - 1.0;
	return v;
}

/* network_insert: the network_stats row of window w (prev: the one before). */
static int
network_insert(sqlite3_stmt *st, const struct window *w, const struct window *prev,
    double hours)
{
	struct query_arg row[] = {
		Q_INT(w->end), Q_REAL(hours), Q_INT(w->events), Q_INT(w->posts),
		Q_INT(w->reactions), Q_INT(w->reposts), Q_INT(w->zaps), Q_INT(w->sats),
		Q_INT(w->active), Q_INT(w->new_users), Q_INT(w->total_users),
		growth(w->events, prev->events), growth(w->active, prev->active), Q_END,
	};

	return query_bind(st, row) == 0 && query_step_done(st) == 0 ? 0 : -1;
}

int
score_network(sqlite3 *db, const struct score_options *o, struct score_summary *sum)
{
	struct windows *ws = xcalloc(1, sizeof(*ws));
	sqlite3_stmt *st = NULL;
	size_t s, rows = 0;
	int i;

	if (query_exec(db, "BEGIN IMMEDIATE", NULL) != 0 || windows_read(db, o->now, ws) != 0)
		goto fail;
	if ((st = query_prepare(db, "INSERT OR REPLACE INTO network_stats (window_end,"
	    " window_hours, events, posts, reactions, reposts, zaps, zap_sats,"
	    " active_users, new_users, total_users, events_growth, users_growth)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", NULL)) == NULL)
		goto fail;
	for (s = 0; s < NSERIES; s++)
		for (i = 0; i < series[s].count; i++, rows++)
			if (network_insert(st, &ws->w[s][i], &ws->w[s][i + 1], series[s].hours) != 0)
				goto fail;
	sqlite3_finalize(st);
	free(ws);
	if (query_exec(db, "COMMIT", NULL) != 0)
		return rollback(db, sum);
	sum->windows = rows;
	return 0;
fail:
	sqlite3_finalize(st);
	free(ws);
	return rollback(db, sum);
}

int
score_all(sqlite3 *db, const struct score_options *o, struct score_summary *sum)
{
	if (score_content(db, o, sum) != 0 || score_trending(db, o, sum) != 0 ||
	    score_users(db, o, sum) != 0 || score_network(db, o, sum) != 0)
		return -1;
	return 0;
}
