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

static int
exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static sqlite3_stmt *
prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	return st;
}

/* step_done: runs a statement that returns no rows and resets it. */
static int
step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* rollback: keeps SQLite's message of the first error in sum->error, then
 * ends the write transaction if one is open (ROLLBACK would overwrite the
 * message).  Returns -1. */
static int
rollback(sqlite3 *db, struct score_summary *sum)
{
	if (sum->error[0] == '\0')
		snprintf(sum->error, sizeof(sum->error), "%s", sqlite3_errmsg(db));
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
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

/* column_key: decodes a 64-hex text column into k; -1 when it is not one. */
static int
column_key(sqlite3_stmt *st, int col, uint8_t k[32])
{
	const char *s = (const char *)sqlite3_column_text(st, col);

	if (s == NULL || sqlite3_column_bytes(st, col) != 64)
		return -1;
	return hex_decode(s, k, 32);
}

/* ---- content ---- */

struct scored {
	uint8_t id[32];
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
    "SELECT e.id, e.pubkey, e.kind, e.created_at, e.content, e.lang, e.meta"
    " FROM nostr_events e"
    " WHERE e.created_at > ?2 AND e.created_at <= ?1"
    " AND e.kind IN (" SCORE_CONTENT_KINDS ")";

/* Engagement per target event, only what happened at or before now (?1). */
enum { ENG_REPLIES, ENG_REPOSTS, ENG_REACTIONS, ENG_ZAPS, ENG_NCOUNTS };

static const char *const engagement_sql[ENG_NCOUNTS] = {
	"SELECT reply_to, count(*), 0 FROM replies WHERE created_at <= ?1 GROUP BY reply_to",
	"SELECT target_id, count(*), 0 FROM reposts WHERE created_at <= ?1 GROUP BY target_id",
	"SELECT target_id, count(*), 0 FROM reactions WHERE created_at <= ?1"
	" GROUP BY target_id",
	"SELECT event_id, count(*), coalesce(sum(sats), 0) FROM zaps WHERE valid = 1"
	" AND event_id IS NOT NULL AND created_at <= ?1 GROUP BY event_id",
};

struct engagement {
	int64_t count[ENG_NCOUNTS];
	int64_t sats;
};

/* load_engagement: fills targets (event id -> index into *eng). */
static int
load_engagement(sqlite3 *db, int64_t now, struct keymap *targets, struct engagement **eng)
{
	size_t cap = 0, q;
	uint8_t k[32];

	for (q = 0; q < ENG_NCOUNTS; q++) {
		sqlite3_stmt *st = prepare(db, engagement_sql[q]);
		int rc;

		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, now);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			uint32_t i;

			if (column_key(st, 0, k) != 0)
				continue;
			i = keymap_get(targets, k, 1);
			if (targets->n > cap) {
				size_t old = cap;

				cap = targets->cap;
				*eng = xrealloc(*eng, cap * sizeof(**eng));
				memset(*eng + old, 0, (cap - old) * sizeof(**eng));
			}
			(*eng)[i].count[q] = sqlite3_column_int64(st, 1);
			if (q == ENG_ZAPS)
				(*eng)[i].sats = sqlite3_column_int64(st, 2);
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}

/* load_keys: the 64-hex first column of sql's rows into set. */
static int
load_keys(sqlite3 *db, const char *sql, struct keymap *set)
{
	sqlite3_stmt *st = prepare(db, sql);
	uint8_t k[32];
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (column_key(st, 0, k) == 0)
			keymap_get(set, k, 1);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static const char content_insert_sql[] =
    "INSERT OR REPLACE INTO content_metrics (event_id, pubkey, kind, created_at,"
    " computed_at, replies, reposts, reactions, zaps, zap_sats, engagement, virality,"
    " quality, spam_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

int
score_content(sqlite3 *db, const struct score_options *o, struct score_summary *sum)
{
	struct keymap authors = { 0 }, targets = { 0 }, profiles = { 0 }, followed = { 0 };
	struct engagement *eng = NULL;
	struct scored *ev = NULL;
	size_t n = 0, cap = 0, i;
	sqlite3_stmt *st;
	int rc;

	if (load_engagement(db, o->now, &targets, &eng) != 0 ||
	    load_keys(db, "SELECT pubkey FROM user_profiles", &profiles) != 0 ||
	    load_keys(db, "SELECT DISTINCT followed FROM follows", &followed) != 0 ||
	    (st = prepare(db, content_sql)) == NULL) {
		rollback(db, sum);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, o->now);
	sqlite3_bind_int64(st, 2, window_start(o->now, o->hours));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct scored *e;
		uint8_t pk[32];
		const char *content = (const char *)sqlite3_column_text(st, 4);
		size_t content_len = (size_t)sqlite3_column_bytes(st, 4);
		const char *lang = (const char *)sqlite3_column_text(st, 5);
		const char *meta = (const char *)sqlite3_column_text(st, 6);
		int64_t hashtags, mentions, media;

		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			ev = xrealloc(ev, cap * sizeof(*ev));
		}
		e = &ev[n];
		memset(e, 0, sizeof(*e));
		if (column_key(st, 0, e->id) != 0 || column_key(st, 1, pk) != 0)
			continue;  /* not hex: not an event nostr-load wrote */
		e->author = keymap_get(&authors, pk, 1);
		e->kind = (uint32_t)sqlite3_column_int64(st, 2);
		e->created_at = sqlite3_column_int64(st, 3);
		meta_counts(meta, meta ? (size_t)sqlite3_column_bytes(st, 6) : 0,
		    &hashtags, &mentions, &media);
		{
			uint32_t t = keymap_get(&targets, e->id, 0);

			if (t != UINT32_MAX) {
				e->replies = eng[t].count[ENG_REPLIES];
				e->reposts = eng[t].count[ENG_REPOSTS];
				e->reactions = eng[t].count[ENG_REACTIONS];
				e->zaps = eng[t].count[ENG_ZAPS];
				e->zap_sats = eng[t].sats;
			}
		}
		e->no_profile = keymap_get(&profiles, pk, 0) == UINT32_MAX;
		e->no_followers = keymap_get(&followed, pk, 0) == UINT32_MAX;
		e->mentions = mentions;
		e->long_enough = content_len >= SPAM_DUPLICATE_MIN_BYTES;
		e->content_hash = content_hash(content ? content : "", content_len);
		e->quality = score_quality(content ? content : "", content_len,
		    lang != NULL && strcmp(lang, "und") != 0 && lang[0] != '\0',
		    media > 0, hashtags);
		n++;
	}
	if (rc != SQLITE_DONE)
		rollback(db, sum);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;
	spam_groups(ev, n);

	if (exec(db, "BEGIN IMMEDIATE") != 0) {
		rollback(db, sum);
		goto fail;
	}
	if ((st = prepare(db, content_insert_sql)) == NULL) {
		rollback(db, sum);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		const struct scored *e = &ev[i];
		struct spam_signals s = {
			e->duplicate_authors, e->burst_posts, e->mentions,
			e->no_profile, e->no_followers, e->long_enough,
		};
		char id[65], pk[65];

		hex_encode(e->id, 32, id);
		hex_encode(authors.keys[e->author], 32, pk);
		sqlite3_bind_text(st, 1, id, 64, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, pk, 64, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, e->kind);
		sqlite3_bind_int64(st, 4, e->created_at);
		sqlite3_bind_int64(st, 5, o->now);
		sqlite3_bind_int64(st, 6, e->replies);
		sqlite3_bind_int64(st, 7, e->reposts);
		sqlite3_bind_int64(st, 8, e->reactions);
		sqlite3_bind_int64(st, 9, e->zaps);
		sqlite3_bind_int64(st, 10, e->zap_sats);
		sqlite3_bind_double(st, 11, score_engagement(e->zaps, e->zap_sats, e->replies,
		    e->reposts, e->reactions));
		sqlite3_bind_double(st, 12, score_virality(e->zaps, e->zap_sats, e->replies,
		    e->reposts, e->reactions, (double)(o->now - e->created_at) / 3600.0));
		sqlite3_bind_double(st, 13, e->quality);
		sqlite3_bind_double(st, 14, score_spam(&s));
		if (step_done(st) != 0) {
			sqlite3_finalize(st);
			rollback(db, sum);
			goto fail;
		}
	}
	sqlite3_finalize(st);
	if (exec(db, "COMMIT") != 0) {
		rollback(db, sum);
		goto fail;
	}
	sum->events = n;
	rc = 0;
	goto out;
fail:
	rc = -1;
out:
	free(ev);
	free(eng);
	keymap_free(&authors);
	keymap_free(&targets);
	keymap_free(&profiles);
	keymap_free(&followed);
	return rc;
}

/* ---- trending ---- */

/* Zaps are counted per hashtag use: a zapped event with two hashtags gives
 * each its zaps.  The previous window has the same length and ends where
 * this one starts. */
static const char trending_sql[] =
    "WITH cur AS (SELECT h.hashtag AS hashtag, count(*) AS n,"
    "   count(DISTINCT h.pubkey) AS authors,"
    "   sum((SELECT count(*) FROM zaps z WHERE z.event_id = h.event_id"
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

int
score_trending_compute(sqlite3 *db, int64_t now, double hours, int64_t min_zaps,
    struct trend **out, size_t *count)
{
	struct trend *t = NULL;
	size_t n = 0, cap = 0, i;
	int64_t start = window_start(now, hours);
	sqlite3_stmt *st;
	int rc;

	*out = NULL, *count = 0;
	if ((st = prepare(db, trending_sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, start);
	sqlite3_bind_int64(st, 3, window_start(start, hours));
	sqlite3_bind_int64(st, 4, min_zaps);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *tag = (const char *)sqlite3_column_text(st, 0);

		if (tag == NULL)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			t = xrealloc(t, cap * sizeof(*t));
		}
		t[n].hashtag = xstrdup(tag);
		t[n].mention_count = sqlite3_column_int64(st, 1);
		t[n].unique_authors = sqlite3_column_int64(st, 2);
		t[n].zaps = sqlite3_column_int64(st, 3);
		t[n].previous_count = sqlite3_column_int64(st, 4);
		t[n].trend_score = score_trend(t[n].mention_count, hours,
		    t[n].unique_authors, t[n].zaps);
		t[n].velocity = t[n].previous_count > 0 ?
		    (double)t[n].mention_count / (double)t[n].previous_count : NAN;
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		score_trends_free(t, n);
		return -1;
	}
	if (n > 0)
		qsort(t, n, sizeof(*t), by_trend);
	for (i = 0; i < n; i++)
		t[i].rank = (int64_t)i + 1;
	*out = t, *count = n;
	return 0;
}

int
score_trending(sqlite3 *db, const struct score_options *o, struct score_summary *sum)
{
	struct trend *t;
	sqlite3_stmt *topic = NULL, *velocity = NULL, *clear = NULL;
	size_t n, i;

	if (score_trending_compute(db, o->now, o->hours, o->min_zaps, &t, &n) != 0)
		return rollback(db, sum);
	if (exec(db, "BEGIN IMMEDIATE") != 0) {
		score_trends_free(t, n);
		return rollback(db, sum);
	}
	if ((topic = prepare(db, "INSERT INTO trending_topics (window_end, window_hours,"
	    " hashtag, mention_count, unique_authors, zaps, trend_score, rank)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) == NULL ||
	    (velocity = prepare(db, "INSERT INTO trending_velocity (window_end,"
	    " window_hours, hashtag, previous_count, velocity) VALUES (?, ?, ?, ?, ?)")) == NULL)
		goto fail;
	/* A rerun with the same --now replaces its window whole. */
	if ((clear = prepare(db, "DELETE FROM trending_topics WHERE window_end = ?1"
	    " AND window_hours = ?2")) == NULL)
		goto fail;
	sqlite3_bind_int64(clear, 1, o->now);
	sqlite3_bind_double(clear, 2, o->hours);
	if (step_done(clear) != 0)
		goto fail;
	sqlite3_finalize(clear);
	if ((clear = prepare(db, "DELETE FROM trending_velocity WHERE window_end = ?1"
	    " AND window_hours = ?2")) == NULL)
		goto fail;
	sqlite3_bind_int64(clear, 1, o->now);
	sqlite3_bind_double(clear, 2, o->hours);
	if (step_done(clear) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(topic, 1, o->now);
		sqlite3_bind_double(topic, 2, o->hours);
		sqlite3_bind_text(topic, 3, t[i].hashtag, -1, SQLITE_STATIC);
		sqlite3_bind_int64(topic, 4, t[i].mention_count);
		sqlite3_bind_int64(topic, 5, t[i].unique_authors);
		sqlite3_bind_int64(topic, 6, t[i].zaps);
		sqlite3_bind_double(topic, 7, t[i].trend_score);
		sqlite3_bind_int64(topic, 8, t[i].rank);
		if (step_done(topic) != 0)
			goto fail;
		sqlite3_bind_int64(velocity, 1, o->now);
		sqlite3_bind_double(velocity, 2, o->hours);
		sqlite3_bind_text(velocity, 3, t[i].hashtag, -1, SQLITE_STATIC);
		sqlite3_bind_int64(velocity, 4, t[i].previous_count);
		if (isnan(t[i].velocity))
			sqlite3_bind_null(velocity, 5);
		else
			sqlite3_bind_double(velocity, 5, t[i].velocity);
		if (step_done(velocity) != 0)
			goto fail;
	}
	sqlite3_finalize(topic);
	sqlite3_finalize(velocity);
	sqlite3_finalize(clear);
	score_trends_free(t, n);
	if (exec(db, "COMMIT") != 0)
		return rollback(db, sum);
	sum->hashtags = n;
	return 0;
fail:
	sqlite3_finalize(topic);
	sqlite3_finalize(velocity);
	sqlite3_finalize(clear);
	score_trends_free(t, n);
	return rollback(db, sum);
}

/* ---- users ---- */

struct user {
	int64_t followers, following, posts;
	int64_t replies, reactions, reposts, zaps, sats;
	double quality, spam;
	double pagerank, influence;
	int64_t rank;
};

/* fill: runs sql (bound ?1 = now) whose rows are (pubkey, a, b, ...) and calls
 * set for each row whose pubkey is in the map. */
static int
fill(sqlite3 *db, const char *sql, int64_t now, struct keymap *m, struct user *u,
    void (*set)(struct user *, sqlite3_stmt *))
{
	sqlite3_stmt *st = prepare(db, sql);
	uint8_t k[32];
	uint32_t i;
	int rc;

	if (st == NULL)
		return -1;
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (column_key(st, 0, k) == 0 && (i = keymap_get(m, k, 0)) != UINT32_MAX)
			set(&u[i], st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void set_followers(struct user *u, sqlite3_stmt *st) { u->followers = sqlite3_column_int64(st, 1); }
static void set_following(struct user *u, sqlite3_stmt *st) { u->following = sqlite3_column_int64(st, 1); }
static void set_posts(struct user *u, sqlite3_stmt *st) { u->posts = sqlite3_column_int64(st, 1); }
static void set_replies(struct user *u, sqlite3_stmt *st) { u->replies = sqlite3_column_int64(st, 1); }
static void set_reactions(struct user *u, sqlite3_stmt *st) { u->reactions = sqlite3_column_int64(st, 1); }
static void set_reposts(struct user *u, sqlite3_stmt *st) { u->reposts = sqlite3_column_int64(st, 1); }

static void
set_zaps(struct user *u, sqlite3_stmt *st)
{
	u->zaps = sqlite3_column_int64(st, 1);
	u->sats = sqlite3_column_int64(st, 2);
}

static void
set_quality(struct user *u, sqlite3_stmt *st)
{
	u->quality = sqlite3_column_double(st, 1);
	u->spam = sqlite3_column_double(st, 2);
}

static const struct user *rank_base;

static int
by_influence(const void *a, const void *b)
{
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;

	if (rank_base[i].influence != rank_base[j].influence)
		return rank_base[i].influence > rank_base[j].influence ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* Every pubkey the graph or the zaps know, in a fixed order (sorted), so
 * ties in rank break the same way on every run. */
static const char nodes_sql[] =
    "SELECT pubkey FROM users WHERE first_seen <= ?1"
    " UNION SELECT follower FROM follows UNION SELECT followed FROM follows"
    " UNION SELECT recipient FROM zaps WHERE valid = 1 AND recipient IS NOT NULL"
    " AND created_at <= ?1 ORDER BY 1";

int
score_users(sqlite3 *db, const struct score_options *o, struct score_summary *sum)
{
	struct keymap m = { 0 };
	struct user *u = NULL;
	uint32_t *src = NULL, *dst = NULL, *order = NULL;
	size_t nedges = 0, edges_cap = 0, n, i;
	double max_pr = 0;
	int64_t max_followers = 0, max_sats = 0, max_engagement = 0;
	sqlite3_stmt *st = NULL, *ins = NULL, *inf = NULL;
	uint8_t k[32], k2[32];
	int rc, steps;

	if ((st = prepare(db, nodes_sql)) == NULL)
		return rollback(db, sum);
	sqlite3_bind_int64(st, 1, o->now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (column_key(st, 0, k) == 0)
			keymap_get(&m, k, 1);
	if (rc != SQLITE_DONE)
		rollback(db, sum);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		goto fail_read;
	n = m.n;
	u = xcalloc(n ? n : 1, sizeof(*u));

	if (fill(db, "SELECT followed, count(*) FROM follows GROUP BY followed",
	    o->now, &m, u, set_followers) != 0 ||
	    fill(db, "SELECT follower, count(*) FROM follows GROUP BY follower",
	    o->now, &m, u, set_following) != 0 ||
	    fill(db, "SELECT pubkey, count(*) FROM nostr_events WHERE kind = 1"
	    " AND created_at <= ?1 GROUP BY pubkey", o->now, &m, u, set_posts) != 0 ||
	    fill(db, "SELECT e.pubkey, count(*) FROM replies r CROSS JOIN nostr_events e"
	    " ON e.id = r.reply_to WHERE r.created_at <= ?1 GROUP BY e.pubkey",
	    o->now, &m, u, set_replies) != 0 ||
	    fill(db, "SELECT e.pubkey, count(*) FROM reactions x CROSS JOIN nostr_events e"
	    " ON e.id = x.target_id WHERE x.created_at <= ?1 GROUP BY e.pubkey",
	    o->now, &m, u, set_reactions) != 0 ||
	    fill(db, "SELECT e.pubkey, count(*) FROM reposts p CROSS JOIN nostr_events e"
	    " ON e.id = p.target_id WHERE p.created_at <= ?1 GROUP BY e.pubkey",
	    o->now, &m, u, set_reposts) != 0 ||
	    fill(db, "SELECT recipient, count(*), coalesce(sum(sats), 0) FROM zaps"
	    " WHERE valid = 1 AND created_at <= ?1 GROUP BY recipient",
	    o->now, &m, u, set_zaps) != 0 ||
	    fill(db, "SELECT pubkey, avg(quality), avg(spam_score) FROM content_metrics"
	    " WHERE computed_at = ?1 GROUP BY pubkey", o->now, &m, u, set_quality) != 0) {
		rollback(db, sum);
		goto fail_read;
	}

	if ((st = prepare(db, "SELECT follower, followed FROM follows")) == NULL) {
		rollback(db, sum);
		goto fail_read;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (column_key(st, 0, k) != 0 || column_key(st, 1, k2) != 0)
			continue;
		if (nedges == edges_cap) {
			edges_cap = edges_cap ? edges_cap * 2 : 4096;
			src = xrealloc(src, edges_cap * sizeof(*src));
			dst = xrealloc(dst, edges_cap * sizeof(*dst));
		}
		src[nedges] = keymap_get(&m, k, 0);
		dst[nedges] = keymap_get(&m, k2, 0);
		if (src[nedges] != UINT32_MAX && dst[nedges] != UINT32_MAX)
			nedges++;
	}
	if (rc != SQLITE_DONE)
		rollback(db, sum);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		goto fail_read;

	{
		double *pr = xcalloc(n ? n : 1, sizeof(*pr));

		steps = pagerank(n, src, dst, nedges, PAGERANK_DAMPING, PAGERANK_TOLERANCE,
		    PAGERANK_MAX_ITERATIONS, pr);
		for (i = 0; i < n; i++)
			u[i].pagerank = pr[i];
		free(pr);
	}
	for (i = 0; i < n; i++) {
		int64_t e = u[i].replies + u[i].reposts + u[i].reactions + u[i].zaps;

		max_pr = fmax(max_pr, u[i].pagerank);
		if (u[i].followers > max_followers)
			max_followers = u[i].followers;
		if (u[i].sats > max_sats)
			max_sats = u[i].sats;
		if (e > max_engagement)
			max_engagement = e;
	}
	order = xcalloc(n ? n : 1, sizeof(*order));
	for (i = 0; i < n; i++) {
		u[i].influence = score_influence(u[i].pagerank, n, max_pr, u[i].followers,
		    max_followers, u[i].sats, max_sats,
		    u[i].replies + u[i].reposts + u[i].reactions + u[i].zaps, max_engagement);
		order[i] = (uint32_t)i;
	}
	/* Nodes were read in pubkey order, so equal influence ranks by pubkey. */
	rank_base = u;
	qsort(order, n, sizeof(*order), by_influence);
	rank_base = NULL;
	for (i = 0; i < n; i++)
		u[order[i]].rank = (int64_t)i + 1;

	if (exec(db, "BEGIN IMMEDIATE") != 0) {
		rollback(db, sum);
		goto fail_read;
	}
	if ((ins = prepare(db, "INSERT OR REPLACE INTO user_metrics (pubkey, computed_at,"
	    " followers, following, posts, replies_received, reactions_received,"
	    " reposts_received, zaps_received, zap_sats_received, influence, quality,"
	    " spam_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) == NULL ||
	    (inf = prepare(db, "INSERT OR REPLACE INTO user_influence (pubkey,"
	    " computed_at, pagerank, engagement, rank) VALUES (?, ?, ?, ?, ?)")) == NULL)
		goto fail_write;
	for (i = 0; i < n; i++) {
		char pk[65];

		hex_encode(m.keys[i], 32, pk);
		sqlite3_bind_text(ins, 1, pk, 64, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 2, o->now);
		sqlite3_bind_int64(ins, 3, u[i].followers);
		sqlite3_bind_int64(ins, 4, u[i].following);
		sqlite3_bind_int64(ins, 5, u[i].posts);
		sqlite3_bind_int64(ins, 6, u[i].replies);
		sqlite3_bind_int64(ins, 7, u[i].reactions);
		sqlite3_bind_int64(ins, 8, u[i].reposts);
		sqlite3_bind_int64(ins, 9, u[i].zaps);
		sqlite3_bind_int64(ins, 10, u[i].sats);
		sqlite3_bind_double(ins, 11, u[i].influence);
		sqlite3_bind_double(ins, 12, u[i].quality);
		sqlite3_bind_double(ins, 13, u[i].spam);
		if (step_done(ins) != 0)
			goto fail_write;
		sqlite3_bind_text(inf, 1, pk, 64, SQLITE_TRANSIENT);
		sqlite3_bind_int64(inf, 2, o->now);
		sqlite3_bind_double(inf, 3, u[i].pagerank);
		sqlite3_bind_int64(inf, 4, u[i].replies + u[i].reposts + u[i].reactions + u[i].zaps);
		sqlite3_bind_int64(inf, 5, u[i].rank);
		if (step_done(inf) != 0)
			goto fail_write;
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(inf);
	ins = inf = NULL;
	/* Users the graph no longer holds keep no stale figures. */
	if ((st = prepare(db, "DELETE FROM user_metrics WHERE computed_at <> ?1")) == NULL)
		goto fail_write;
	sqlite3_bind_int64(st, 1, o->now);
	if (step_done(st) != 0)
		goto fail_write;
	sqlite3_finalize(st);
	if ((st = prepare(db, "DELETE FROM user_influence WHERE computed_at <> ?1")) == NULL)
		goto fail_write;
	sqlite3_bind_int64(st, 1, o->now);
	if (step_done(st) != 0)
		goto fail_write;
	sqlite3_finalize(st);
	st = NULL;
	if (exec(db, "COMMIT") != 0)
		goto fail_write;
	sum->users = n;
	sum->pagerank_steps = steps;
	free(u), free(src), free(dst), free(order);
	keymap_free(&m);
	return 0;
fail_write:
	sqlite3_finalize(ins);
	sqlite3_finalize(inf);
	sqlite3_finalize(st);
	rollback(db, sum);
	st = NULL;
fail_read:
	sqlite3_finalize(st);
	free(u), free(src), free(dst), free(order);
	keymap_free(&m);
	return -1;
}

/* ---- network ---- */

struct window {
	int64_t end;
	int64_t events, posts, reactions, reposts, zaps, sats;
	int64_t active, new_users, total_users;
};

static int
window_figures(sqlite3 *db, struct window *w, double hours)
{
	static const char *const sql[] = {
		"SELECT count(*), coalesce(sum(kind = 1), 0), coalesce(sum(kind = 7), 0),"
		" coalesce(sum(kind IN (6, 16)), 0), count(DISTINCT pubkey)"
		" FROM nostr_events WHERE created_at > ?1 AND created_at <= ?2",
		"SELECT count(*), coalesce(sum(sats), 0) FROM zaps"
		" WHERE valid = 1 AND created_at > ?1 AND created_at <= ?2",
		"SELECT (SELECT count(*) FROM users WHERE first_seen > ?1 AND first_seen <= ?2),"
		" (SELECT count(*) FROM users WHERE first_seen <= ?2)",
	};
	size_t q;

	for (q = 0; q < 3; q++) {
		sqlite3_stmt *st = prepare(db, sql[q]);

		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, window_start(w->end, hours));
		sqlite3_bind_int64(st, 2, w->end);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_finalize(st);
			return -1;
		}
		if (q == 0) {
			w->events = sqlite3_column_int64(st, 0);
			w->posts = sqlite3_column_int64(st, 1);
			w->reactions = sqlite3_column_int64(st, 2);
			w->reposts = sqlite3_column_int64(st, 3);
			w->active = sqlite3_column_int64(st, 4);
		} else if (q == 1) {
			w->zaps = sqlite3_column_int64(st, 0);
			w->sats = sqlite3_column_int64(st, 1);
		} else {
			w->new_users = sqlite3_column_int64(st, 0);
			w->total_users = sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
	}
	return 0;
}

static void
bind_growth(sqlite3_stmt *st, int col, int64_t cur, int64_t prev)
{
	if (prev == 0)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_double(st, col, (double)cur / (double)prev - 1.0);
}

/* Series written per run: the last 24 hours hour by hour, the last 30 days
 * day by day; one more window each is read for the first one's growth. */
static const struct { double hours; int count; } series[] = { { 1, 24 }, { 24, 30 } };

int
score_network(sqlite3 *db, const struct score_options *o, struct score_summary *sum)
{
	struct window w[31];
	sqlite3_stmt *st = NULL;
	size_t s, rows = 0;
	int i;

	if (exec(db, "BEGIN IMMEDIATE") != 0)
		return rollback(db, sum);
	if ((st = prepare(db, "INSERT OR REPLACE INTO network_stats (window_end,"
	    " window_hours, events, posts, reactions, reposts, zaps, zap_sats,"
	    " active_users, new_users, total_users, events_growth, users_growth)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return rollback(db, sum);
	for (s = 0; s < sizeof(series) / sizeof(series[0]); s++) {
		for (i = 0; i <= series[s].count; i++) {
			memset(&w[i], 0, sizeof(w[i]));
			w[i].end = o->now - (int64_t)i * (int64_t)llround(series[s].hours * 3600);
			if (window_figures(db, &w[i], series[s].hours) != 0)
				goto fail;
		}
		for (i = 0; i < series[s].count; i++) {
			sqlite3_bind_int64(st, 1, w[i].end);
			sqlite3_bind_double(st, 2, series[s].hours);
			sqlite3_bind_int64(st, 3, w[i].events);
			sqlite3_bind_int64(st, 4, w[i].posts);
			sqlite3_bind_int64(st, 5, w[i].reactions);
			sqlite3_bind_int64(st, 6, w[i].reposts);
			sqlite3_bind_int64(st, 7, w[i].zaps);
			sqlite3_bind_int64(st, 8, w[i].sats);
			sqlite3_bind_int64(st, 9, w[i].active);
			sqlite3_bind_int64(st, 10, w[i].new_users);
			sqlite3_bind_int64(st, 11, w[i].total_users);
			bind_growth(st, 12, w[i].events, w[i + 1].events);
			bind_growth(st, 13, w[i].active, w[i + 1].active);
			if (step_done(st) != 0)
				goto fail;
			rows++;
		}
	}
	sqlite3_finalize(st);
	if (exec(db, "COMMIT") != 0)
		return rollback(db, sum);
	sum->windows = rows;
	return 0;
fail:
	sqlite3_finalize(st);
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
