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
#include "store/dbqbatch.h"
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

/* rollback: keeps the database's message of the first error in
 * sum->error, then ends the write transaction if one is open (ROLLBACK
 * would overwrite the message).  Returns -1. */
static int
rollback(struct dbq *db, struct score_summary *sum)
{
	if (sum->error[0] == '\0')
		snprintf(sum->error, sizeof(sum->error), "%s", dbq_errmsg(db));
	if (dbq_in_transaction(db))
		dbq_exec(db, "ROLLBACK", NULL);
	return -1;
}

/* begin: a write transaction (SQLite takes its lock at once). */
static int
begin(struct dbq *db)
{
	return dbq_exec(db, dbq_pick(db, "BEGIN IMMEDIATE", "BEGIN"), NULL);
}

/* row_int: column c of the one row of row as an integer (NULL: 0). */
static int64_t
row_int(const struct table *row, size_t c)
{
	const struct cell *v = table_cell(row, 0, c);

	return v->type == CELL_INT ? v->i : v->type == CELL_REAL ? (int64_t)v->r : 0;
}

/* row_key: column c of the one row of row, an id or pubkey (its hex), into
 * key; 0, or -1 when it is not one. */
static int
row_key(const struct table *row, size_t c, uint8_t key[32])
{
	const struct cell *v = table_cell(row, 0, c);

	return v->type == CELL_TEXT && v->len == 64 ? hex_decode(v->text, key, 32) : -1;
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
	m->keys = xgrow(m->keys, &m->cap, m->n + 1, sizeof(*m->keys));
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

/* Why the counts are made from scratch on PostgreSQL. */
static const char pg_counts_reason[] = "PostgreSQL recomputes every run";

/* counts_current: brings usercounts.h's counts to this run's mark into *c,
 * from scratch when o->changes says the run is not incremental; a second
 * call in the same run (sum->counts_done) only moves them from the first.
 * On PostgreSQL they are counted afresh by SQL, every run. */
static int
counts_current(struct dbq *db, const struct score_options *o, struct score_summary *sum,
    struct user_counts *c)
{
	const char *full = o->changes == NULL ? "no record of the last run" :
	    !o->changes->incremental ? o->changes->reason : NULL;

	if (sum->counts_done)
		full = NULL;
	if (db->engine == DB_ENGINE_POSTGRESQL) {
		if (user_counts_query(db, o->now, pg_counts_reason, c) != 0)
			return -1;
	} else if (user_counts_update(db->lite, o->now, full, c) != 0)
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

/* The window's content events, with their hashtags and mentions. */
#define CONTENT_COLS \
    "e.id, k.pubkey, e.kind, e.created_at, e.content, e.lang, e.meta, e.eid, e.aid," \
    " (SELECT count(*) FROM hashtags h WHERE h.created_at = e.created_at AND h.eid = e.eid)," \
    " (SELECT count(*) FROM mentions m WHERE m.created_at = e.created_at AND m.eid = e.eid)"
static const char content_sql[] =
    "SELECT " CONTENT_COLS
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

/* On PostgreSQL, which keeps no counts between runs, the same figures come
 * with the events: the rows created by now that target a window event,
 * grouped (a hash join over each table, no probe per event), and the exact
 * content where it held U+0000 (content_raw, its hex). */
static const char content_pg_sql[] =
    "WITH e AS MATERIALIZED (SELECT id, aid, kind, created_at, content, content_raw, lang,"
    "  meta, eid FROM nostr_events"
    "  WHERE created_at > ?2 AND created_at <= ?1 AND kind IN (" SCORE_CONTENT_KINDS ")),"
    " t AS (SELECT target, count(*) FILTER (WHERE role = 0) AS replies,"
    "  count(*) FILTER (WHERE role = 2) AS reposts,"
    "  count(*) FILTER (WHERE role = 1) AS reactions FROM"
    "  (SELECT reply_to AS target, 0 AS role FROM replies WHERE created_at <= ?1"
    "   UNION ALL SELECT target_id, 1 FROM reactions WHERE created_at <= ?1"
    "   UNION ALL SELECT target_id, 2 FROM reposts WHERE created_at <= ?1) s"
    "  WHERE target IN (SELECT id FROM e) GROUP BY target),"
    " z AS (SELECT event_id, count(*) AS zaps, coalesce(sum(sats), 0) AS sats FROM zaps"
    "  WHERE valid = 1 AND created_at <= ?1 AND event_id IN (SELECT id FROM e)"
    "  GROUP BY event_id)"
    " SELECT " CONTENT_COLS ","
    " coalesce(t.replies, 0), coalesce(t.reposts, 0), coalesce(t.reactions, 0),"
    " coalesce(z.zaps, 0), coalesce(z.sats, 0), e.content_raw"
    " FROM e JOIN pubkeys k ON k.aid = e.aid LEFT JOIN t ON t.target = e.id"
    " LEFT JOIN z ON z.event_id = e.id";
#undef CONTENT_COLS

/* The columns both read into; the last six come on PostgreSQL alone. */
static const struct column content_cols[] = {
	{ "id", CELL_TEXT, 0, 0, 0 }, { "pubkey", CELL_TEXT, 0, 0, 0 },
	{ "kind", CELL_INT, 0, 0, 0 }, { "created_at", CELL_INT, 0, 0, 0 },
	{ "content", CELL_TEXT, 0, 0, 0 }, { "lang", CELL_TEXT, 0, 0, 0 },
	{ "meta", CELL_TEXT, 0, 0, 0 }, { "eid", CELL_INT, 0, 0, 0 },
	{ "aid", CELL_INT, 0, 0, 0 }, { "hashtags", CELL_INT, 0, 0, 0 },
	{ "mentions", CELL_INT, 0, 0, 0 }, { "replies", CELL_INT, 0, 0, 0 },
	{ "reposts", CELL_INT, 0, 0, 0 }, { "reactions", CELL_INT, 0, 0, 0 },
	{ "zaps", CELL_INT, 0, 0, 0 }, { "zap_sats", CELL_INT, 0, 0, 0 },
	{ "content_raw", CELL_TEXT, 0, 0, 0 },
};
enum { CONTENT_LITE_COLS = 11, CONTENT_PG_COLS = 17 };

/* What score_content reads before it scores: who has a profile, who has
 * followers, and the window's events with their engagement. */
struct content_input {
	struct dbq *db;
	struct keymap authors, profiles, followed;
	sqlite3_stmt *target, *zaps;   /* SQLite: target_sql, zaps_of_sql */
	int64_t now;
	struct scored *ev;
	size_t n, cap;
	struct buf raw;                /* PostgreSQL: an event's exact content */
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
	buf_free(&in->raw);
}

/* engagement_of: e's replies, reposts, reactions and zaps, on SQLite. */
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

/* key_into: the key of row's first column into the keymap arg. */
static int
key_into(void *arg, const struct table *row)
{
	uint8_t k[32];

	if (row_key(row, 0, k) == 0)
		keymap_get(arg, k, 1);
	return 0;
}

/* load_keys: the keys (as hex) of the first column of sql's rows into set. */
static int
load_keys(struct dbq *db, const char *sql, struct keymap *set)
{
	static const struct column key[] = { { "key", CELL_TEXT, 0, 0, 0 } };

	return dbq_each(db, key, 1, sql, NULL, key_into, set) == 0 ? 0 : -1;
}

/* content_text: the event's content in row: its exact bytes (content_raw,
 * on PostgreSQL, when it held U+0000), else the content column. */
static void
content_text(struct content_input *in, const struct table *row, const char **s,
    size_t *len)
{
	const struct cell *c = table_cell(row, 0, 4);

	*s = c->type == CELL_TEXT ? c->text : "", *len = c->type == CELL_TEXT ? c->len : 0;
	if (row->ncols < CONTENT_PG_COLS || (c = table_cell(row, 0, 16))->type != CELL_TEXT ||
	    c->len % 2 != 0)
		return;
	buf_reset(&in->raw);
	buf_reserve(&in->raw, c->len / 2 + 1);
	if (hex_decode(c->text, (uint8_t *)in->raw.data, c->len / 2) != 0)
		return;
	*s = in->raw.data, *len = c->len / 2;
}

/* content_event: the row of content_sql as in->ev[in->n], with its
 * engagement, quality and the spam signals that need no other event. */
static int
content_event(void *arg, const struct table *row)
{
	struct content_input *in = arg;
	struct scored *e;
	uint8_t pk[32];
	const char *content, *lang = table_text(row, 0, 5);
	const struct cell *meta = table_cell(row, 0, 6);
	size_t content_len;
	int64_t hashtags, mentions, media;

	in->ev = xgrow(in->ev, &in->cap, in->n + 1, sizeof(*in->ev));
	e = &in->ev[in->n];
	memset(e, 0, sizeof(*e));
	if (row_key(row, 0, e->id) != 0 || row_key(row, 1, pk) != 0)
		return 0;  /* not an id: not an event nostr-load wrote */
	content_text(in, row, &content, &content_len);
	e->author = keymap_get(&in->authors, pk, 1);
	e->kind = (uint32_t)row_int(row, 2);
	e->created_at = row_int(row, 3);
	/* The lists are in their tables; media, having none, in what is left of meta. */
	meta_counts(meta->type == CELL_TEXT ? meta->text : NULL,
	    meta->type == CELL_TEXT ? meta->len : 0, &hashtags, &mentions, &media);
	e->eid = row_int(row, 7);
	e->aid = row_int(row, 8);
	hashtags = row_int(row, 9);
	mentions = row_int(row, 10);
	if (in->db->engine == DB_ENGINE_POSTGRESQL) {
		e->replies = row_int(row, 11);
		e->reposts = row_int(row, 12);
		e->reactions = row_int(row, 13);
		e->zaps = row_int(row, 14);
		e->zap_sats = row_int(row, 15);
	} else if (engagement_of(in, e) != 0)
		return -1;
	e->no_profile = keymap_get(&in->profiles, pk, 0) == UINT32_MAX;
	e->no_followers = keymap_get(&in->followed, pk, 0) == UINT32_MAX;
	e->mentions = mentions;
	e->long_enough = content_len >= SPAM_DUPLICATE_MIN_BYTES;
	e->content_hash = content_hash(content, content_len);
	e->quality = score_quality(content, content_len,
	    lang != NULL && strcmp(lang, "und") != 0 && lang[0] != '\0',
	    media > 0, hashtags);
	in->n++;
	return 0;
}

/* content_read: everything score_content needs, the window's events last. */
static int
content_read(struct dbq *db, const struct score_options *o, struct content_input *in)
{
	struct query_arg window[] = {
		Q_INT(o->now), Q_INT(window_start(o->now, o->hours)), Q_END,
	};
	int pg = db->engine == DB_ENGINE_POSTGRESQL;

	in->db = db;
	in->now = o->now;
	if (!pg && ((in->target = query_prepare(db->lite, target_sql, NULL)) == NULL ||
	    (in->zaps = query_prepare(db->lite, zaps_of_sql, NULL)) == NULL))
		return -1;
	if (load_keys(db, "SELECT k.pubkey FROM user_profiles p JOIN pubkeys k ON k.aid = p.aid",
	    &in->profiles) != 0 ||
	    load_keys(db, "SELECT k.pubkey FROM (SELECT DISTINCT followed FROM follows) f"
	    " JOIN pubkeys k ON k.aid = f.followed", &in->followed) != 0)
		return -1;
	return dbq_each(db, content_cols, pg ? CONTENT_PG_COLS : CONTENT_LITE_COLS,
	    pg ? content_pg_sql : content_sql, window, content_event, in) == 0 ? 0 : -1;
}

/* content_metrics' columns as content_insert gives them, its key first. */
static const char *const content_cols_out[] = {
	"eid", "aid", "kind", "created_at", "computed_at", "replies", "reposts", "reactions",
	"zaps", "zap_sats", "engagement", "virality", "quality", "spam_score",
};

/* content_insert: one content_metrics row of e into b. */
static int
content_insert(struct dbq_batch *b, const struct scored *e, int64_t now)
{
	struct spam_signals s = {
		e->duplicate_authors, e->burst_posts, e->mentions,
		e->no_profile, e->no_followers, e->long_enough,
	};
	struct query_arg row[] = {
		Q_INT(e->eid), Q_INT(e->aid), Q_INT(e->kind), Q_INT(e->created_at), Q_INT(now),
		Q_INT(e->replies), Q_INT(e->reposts), Q_INT(e->reactions), Q_INT(e->zaps),
		Q_INT(e->zap_sats),
		Q_REAL(score_engagement(e->zaps, e->zap_sats, e->replies, e->reposts,
		    e->reactions)),
		Q_REAL(score_virality(e->zaps, e->zap_sats, e->replies, e->reposts,
		    e->reactions, (double)(now - e->created_at) / 3600.0)),
		Q_REAL(e->quality), Q_REAL(score_spam(&s)),
	};

	return dbq_batch_add(b, row);
}

/* content_write: the scored events into content_metrics, in one transaction. */
static int
content_write(struct dbq *db, const struct content_input *in, int64_t now)
{
	struct dbq_batch b;
	size_t i;

	if (begin(db) != 0 || dbq_batch_upsert(&b, db, "content_metrics", content_cols_out,
	    sizeof content_cols_out / sizeof content_cols_out[0], 1) != 0)
		return -1;
	for (i = 0; i < in->n; i++)
		if (content_insert(&b, &in->ev[i], now) != 0) {
			dbq_batch_close(&b, 1);
			return -1;
		}
	if (dbq_batch_close(&b, 0) != 0)
		return -1;
	return dbq_exec(db, "COMMIT", NULL);
}

int
score_content(struct dbq *db, const struct score_options *o, struct score_summary *sum)
{
	struct content_input in = { 0 };
	struct user_counts c;

	/* On SQLite its engagement is read from the counts, so they come first. */
	if (db->engine == DB_ENGINE_SQLITE) {
		if (counts_current(db, o, sum, &c) != 0)
			return rollback(db, sum);
		user_counts_free(&c);
	}
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
 * each its zaps.  The zaps are counted once per window event that has a
 * hashtag (z: its id through eid, then the valid zaps index), not once per
 * use, and joined to the uses by eid.  The previous window has the same
 * length and ends where this one starts. */
static const char trending_sql[] =
    "WITH z AS (SELECT e.eid AS eid, count(*) AS n FROM nostr_events e"
    "  JOIN zaps z ON z.event_id = e.id AND z.valid = 1 AND z.created_at <= ?1"
    "  WHERE e.eid IN (SELECT eid FROM hashtags WHERE created_at > ?2 AND created_at <= ?1)"
    "  GROUP BY e.eid),"
    " cur AS (SELECT h.hashtag AS hashtag, count(*) AS n,"
    "   count(DISTINCT h.aid) AS authors, coalesce(sum(z.n), 0) AS zaps"
    "  FROM hashtags h LEFT JOIN z ON z.eid = h.eid"
    "  WHERE h.created_at > ?2 AND h.created_at <= ?1"
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
trending_insert(struct dbq_batch *topic, struct dbq_batch *velocity, const struct trend *t,
    const struct score_options *o)
{
	struct query_arg topic_row[] = {
		Q_INT(o->now), Q_REAL(o->hours), Q_TEXT(t->hashtag), Q_INT(t->mention_count),
		Q_INT(t->unique_authors), Q_INT(t->zaps), Q_REAL(t->trend_score), Q_INT(t->rank),
	};
	struct query_arg velocity_row[] = {
		Q_INT(o->now), Q_REAL(o->hours), Q_TEXT(t->hashtag), Q_INT(t->previous_count),
		Q_REAL(t->velocity),
	};

	if (isnan(t->velocity))
		velocity_row[4] = (struct query_arg)Q_NULL;
	if (dbq_batch_add(topic, topic_row) != 0 || dbq_batch_add(velocity, velocity_row) != 0)
		return -1;
	return 0;
}

/* trending_write: replaces the window's stored rows by t, in one transaction. */
static int
trending_write(struct dbq *db, const struct score_options *o, const struct trend *t,
    size_t n)
{
	struct query_arg window[] = { Q_INT(o->now), Q_REAL(o->hours), Q_END };
	struct dbq_batch topic, velocity;
	size_t i;
	int rc = 0;

	/* A rerun with the same --now replaces its window whole. */
	if (begin(db) != 0 ||
	    dbq_exec(db, "DELETE FROM trending_topics WHERE window_end = ?1"
	    " AND window_hours = ?2", window) != 0 ||
	    dbq_exec(db, "DELETE FROM trending_velocity WHERE window_end = ?1"
	    " AND window_hours = ?2", window) != 0)
		return -1;
	if (dbq_batch_open(&topic, db, "INSERT INTO trending_topics (window_end, window_hours,"
	    " hashtag, mention_count, unique_authors, zaps, trend_score, rank)", 8, "") != 0)
		return -1;
	if (dbq_batch_open(&velocity, db, "INSERT INTO trending_velocity (window_end,"
	    " window_hours, hashtag, previous_count, velocity)", 5, "") != 0) {
		dbq_batch_close(&topic, 1);
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = trending_insert(&topic, &velocity, &t[i], o);
	if (dbq_batch_close(&topic, rc != 0) != 0)
		rc = -1;
	if (dbq_batch_close(&velocity, rc != 0) != 0)
		rc = -1;
	return rc == 0 ? dbq_exec(db, "COMMIT", NULL) : -1;
}

int
score_trending(struct dbq *db, const struct score_options *o, struct score_summary *sum)
{
	struct trend *t;
	size_t n;
	int rc;

	if (score_trending_compute(db, o->now, o->hours, o->min_zaps, &t, &n) != 0)
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

/* is_aid: whether column col of row is an aid of g. */
static int
is_aid(const struct graph *g, const struct table *row, size_t col, int64_t *aid)
{
	const struct cell *v = table_cell(row, 0, col);

	*aid = v->i;
	return v->type == CELL_INT && *aid > 0 && (size_t)*aid < g->naids;
}

/* The columns the users' queries are read into: an aid and figures. */
static const struct column user_cols[] = {
	{ "aid", CELL_INT, 0, 0, 0 }, { "a", CELL_INT, 0, 0, 0 }, { "b", CELL_INT, 0, 0, 0 },
};
static const struct column user_real_cols[] = {
	{ "aid", CELL_INT, 0, 0, 0 }, { "a", CELL_REAL, 0, 0, 0 }, { "b", CELL_REAL, 0, 0, 0 },
};

/* follow_edge: one follows row (follower, followed) into the graph arg. */
static int
follow_edge(void *arg, const struct table *row)
{
	struct graph *g = arg;
	int64_t a, b;
	size_t cap;

	if (!is_aid(g, row, 0, &a) || !is_aid(g, row, 1, &b))
		return 0;
	g->u[a].following++;
	g->u[b].followers++;
	g->node_of[a] = g->node_of[b] = 1;
	/* src and dst share one count: the second grows from a copy of it. */
	cap = g->edges_cap;
	g->src = xgrow(g->src, &g->edges_cap, g->nedges + 1, sizeof(*g->src));
	g->dst = xgrow(g->dst, &cap, g->nedges + 1, sizeof(*g->dst));
	g->src[g->nedges] = (uint32_t)a;
	g->dst[g->nedges++] = (uint32_t)b;
	return 0;
}

/* users_follows: the follow edges, followers and following; every pubkey
 * in a list is a user. */
static int
users_follows(struct dbq *db, struct graph *g)
{
	return dbq_each(db, user_cols, 2, "SELECT follower, followed FROM follows", NULL,
	    follow_edge, g) == 0 ? 0 : -1;
}

/* A users_marked pass: the graph and what to take from each row. */
struct marking {
	struct graph *g;
	void (*set)(struct user *, const struct table *);
};

static int
mark_user(void *arg, const struct table *row)
{
	struct marking *m = arg;
	int64_t a;

	if (!is_aid(m->g, row, 0, &a))
		return 0;
	m->g->node_of[a] = 1;
	if (m->set != NULL)
		m->set(&m->g->u[a], row);
	return 0;
}

/* users_marked: marks the aids of sql's first column (?1 = now) as users,
 * and gives each row to set (NULL: none). */
static int
users_marked(struct dbq *db, const char *sql, int64_t now, struct graph *g,
    void (*set)(struct user *, const struct table *))
{
	struct query_arg args[] = { Q_INT(now), Q_END };
	struct marking m = { g, set };

	return dbq_each(db, user_cols, 3, sql, args, mark_user, &m) == 0 ? 0 : -1;
}

static void
set_zaps(struct user *u, const struct table *row)
{
	u->zaps = row_int(row, 1);
	u->sats = row_int(row, 2);
}

/* node_in_order: the next aid in pubkey order, numbered when it is a user. */
static int
node_in_order(void *arg, const struct table *row)
{
	struct graph *g = arg;
	int64_t a;

	if (is_aid(g, row, 0, &a) && g->node_of[a] != 0) {
		g->aid[g->n++] = a;
		g->node_of[a] = (uint32_t)g->n;
	}
	return 0;
}

static int
by_edge(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* edges_sort: the edges in node order (follower, then followed), whatever
 * order the database gave them in and whatever aids it gave their pubkeys:
 * PageRank adds them up in this order, and so to the last bit alike on
 * every engine. */
static void
edges_sort(struct graph *g)
{
	uint64_t *e = xcalloc(g->nedges ? g->nedges : 1, sizeof(*e));
	size_t i;

	for (i = 0; i < g->nedges; i++)
		e[i] = (uint64_t)g->src[i] << 32 | g->dst[i];
	if (g->nedges > 0)
		qsort(e, g->nedges, sizeof(*e), by_edge);
	for (i = 0; i < g->nedges; i++) {
		g->src[i] = (uint32_t)(e[i] >> 32);
		g->dst[i] = (uint32_t)e[i];
	}
	free(e);
}

/* users_order: numbers the marked aids in pubkey order, and the edges. */
static int
users_order(struct dbq *db, struct graph *g)
{
	size_t i;

	g->aid = xcalloc(g->naids, sizeof(*g->aid));
	if (dbq_each(db, user_cols, 1, "SELECT aid FROM pubkeys ORDER BY pubkey", NULL,
	    node_in_order, g) != 0)
		return -1;
	for (i = 0; i < g->nedges; i++) {
		g->src[i] = g->node_of[g->src[i]] - 1;
		g->dst[i] = g->node_of[g->dst[i]] - 1;
	}
	edges_sort(g);
	return 0;
}

/* Users besides those of the follow lists: authors first seen by now, and
 * recipients of valid zaps (with their zaps). */
static const char users_sql[] = "SELECT aid FROM users WHERE first_seen <= ?1";
static const char zaps_sql[] =
    "SELECT recipient, count(*), coalesce(sum(sats), 0) FROM zaps"
    " WHERE valid = 1 AND recipient IS NOT NULL AND created_at <= ?1 GROUP BY recipient";

/* The scored events' quality and spam, for their authors' means. */
static const char quality_sql[] =
    "SELECT aid, quality, spam_score FROM content_metrics WHERE computed_at = ?1";

/* One scored event's figures, and the users' means made of them in C: the
 * engines' avg() add up in orders (and, SQLite, with compensation) of their
 * own, so each author's values are added in ascending order here, whatever
 * order the rows came in, and the means agree to the last bit. */
struct scored_figures {
	int64_t aid;
	double v[2];   /* quality, spam_score */
};
struct figures {
	struct graph *g;
	struct scored_figures *f;
	size_t n, cap;
};

static int
figures_add(void *arg, const struct table *row)
{
	struct figures *fs = arg;
	int64_t a;

	if (!is_aid(fs->g, row, 0, &a) || fs->g->node_of[a] == 0)
		return 0;
	fs->f = xgrow(fs->f, &fs->cap, fs->n + 1, sizeof(*fs->f));
	fs->f[fs->n].aid = a;
	fs->f[fs->n].v[0] = table_number(row, 0, 1);
	fs->f[fs->n].v[1] = table_number(row, 0, 2);
	fs->n++;
	return 0;
}

/* by_figure: by author, then by figure i (by_figure_0 and _1 for qsort). */
static int
by_figure(const struct scored_figures *x, const struct scored_figures *y, int i)
{
	if (x->aid != y->aid)
		return x->aid < y->aid ? -1 : 1;
	return x->v[i] < y->v[i] ? -1 : x->v[i] > y->v[i];
}

static int
by_figure_0(const void *a, const void *b)
{
	return by_figure(a, b, 0);
}

static int
by_figure_1(const void *a, const void *b)
{
	return by_figure(a, b, 1);
}

/* figures_means: each author's mean of figure i (0 quality, 1 spam) into g. */
static void
figures_means(struct figures *fs, int i)
{
	size_t j, k;

	if (fs->n == 0)
		return;
	qsort(fs->f, fs->n, sizeof(*fs->f), i == 0 ? by_figure_0 : by_figure_1);
	for (j = 0; j < fs->n; j = k) {
		struct user *u = &fs->g->u[fs->f[j].aid];
		double sum = 0;

		for (k = j; k < fs->n && fs->f[k].aid == fs->f[j].aid; k++)
			sum += fs->f[k].v[i];
		if (i == 0)
			u->quality = sum / (double)(k - j);
		else
			u->spam = sum / (double)(k - j);
	}
}

/* users_quality: each user's mean quality and spam of the events scored now. */
static int
users_quality(struct dbq *db, int64_t now, struct graph *g)
{
	struct query_arg args[] = { Q_INT(now), Q_END };
	struct figures fs = { g, NULL, 0, 0 };

	if (dbq_each(db, user_real_cols, 3, quality_sql, args, figures_add, &fs) != 0) {
		free(fs.f);
		return -1;
	}
	figures_means(&fs, 0);
	figures_means(&fs, 1);
	free(fs.f);
	return 0;
}

/* users_gather: the users, their follows, zaps, quality and counts. */
static int
users_gather(struct dbq *db, int64_t now, const struct user_counts *c, struct graph *g)
{
	int64_t max = 0;
	size_t i;

	if (dbq_int(db, "SELECT coalesce(max(aid), 0) FROM pubkeys", NULL, &max) != 0)
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
	return users_quality(db, now, g);
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
user_insert(struct dbq_batch *ins, struct dbq_batch *inf, const struct user *u,
    int64_t aid, int64_t now)
{
	struct query_arg metrics[] = {
		Q_INT(aid), Q_INT(now), Q_INT(u->followers), Q_INT(u->following),
		Q_INT(u->posts), Q_INT(u->replies), Q_INT(u->reactions), Q_INT(u->reposts),
		Q_INT(u->zaps), Q_INT(u->sats), Q_REAL(u->influence), Q_REAL(u->quality),
		Q_REAL(u->spam),
	};
	struct query_arg influence[] = {
		Q_INT(aid), Q_INT(now), Q_REAL(u->pagerank), Q_INT(engagement_received(u)),
		Q_INT(u->rank),
	};

	if (dbq_batch_add(ins, metrics) != 0 || dbq_batch_add(inf, influence) != 0)
		return -1;
	return 0;
}

/* users_write: replaces user_metrics and user_influence by g's users, in
 * one transaction, in aid order; users the graph no longer holds keep no
 * stale figures. */
static int
users_write(struct dbq *db, const struct graph *g, int64_t now)
{
	struct dbq_batch ins, inf;
	size_t a;
	int rc = 0;

	if (begin(db) != 0 ||
	    dbq_exec(db, "DELETE FROM user_metrics", NULL) != 0 ||
	    dbq_exec(db, "DELETE FROM user_influence", NULL) != 0 ||
	    dbq_batch_open(&ins, db, "INSERT INTO user_metrics (aid, computed_at,"
	    " followers, following, posts, replies_received, reactions_received,"
	    " reposts_received, zaps_received, zap_sats_received, influence, quality,"
	    " spam_score)", 13, "") != 0)
		return -1;
	if (dbq_batch_open(&inf, db, "INSERT INTO user_influence (aid,"
	    " computed_at, pagerank, engagement, rank)", 5, "") != 0) {
		dbq_batch_close(&ins, 1);
		return -1;
	}
	for (a = 0; a < g->naids && rc == 0; a++)
		if (g->node_of[a] != 0)
			rc = user_insert(&ins, &inf, &g->u[a], (int64_t)a, now);
	if (dbq_batch_close(&ins, rc != 0) != 0)
		rc = -1;
	if (dbq_batch_close(&inf, rc != 0) != 0)
		rc = -1;
	return rc == 0 ? dbq_exec(db, "COMMIT", NULL) : -1;
}

/* A users_kept_pagerank pass: the graph and the stored users found in it. */
struct kept {
	struct graph *g;
	size_t found;
};

static int
kept_rank(void *arg, const struct table *row)
{
	struct kept *k = arg;
	int64_t a;

	if (!is_aid(k->g, row, 0, &a) || k->g->node_of[a] == 0)
		return 1;  /* a user no longer in the graph: its ranks are not these */
	k->g->u[a].pagerank = table_number(row, 0, 1);
	k->found++;
	return 0;
}

/* users_kept_pagerank: each user's stored PageRank into g, when the stored
 * rows hold exactly g's users; *kept tells whether they did. */
static int
users_kept_pagerank(struct dbq *db, struct graph *g, int *kept)
{
	struct kept k = { g, 0 };
	int rc;

	*kept = 0;
	if ((rc = dbq_each(db, user_real_cols, 2, "SELECT aid, pagerank FROM user_influence",
	    NULL, kept_rank, &k)) < 0)
		return -1;
	*kept = rc == 0 && k.found == g->n;
	return 0;
}

/* users_gather_graph: PageRank, or the stored PageRank when the follow
 * graph is the last run's; *steps the iterations (0 when kept). */
static int
users_gather_graph(struct dbq *db, const struct score_options *o, struct graph *g,
    int *steps, int *kept)
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
score_users(struct dbq *db, const struct score_options *o, struct score_summary *sum)
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

/* A windows_events pass: the windows, the author of the last row and the
 * window of each series that author was last counted active in. */
struct active {
	struct windows *ws;
	int64_t aid;
	int last[NSERIES];
};

static int
event_in_window(void *arg, const struct table *row)
{
	struct active *p = arg;
	const struct cell *who = table_cell(row, 0, 0);
	int64_t t = row_int(row, 1);
	size_t s;

	if (who->type != CELL_INT || who->i != p->aid)
		p->aid = who->i, p->last[0] = p->last[1] = -1;
	for (s = 0; s < NSERIES; s++) {
		int i = window_of(p->ws, s, t);

		if (i < 0)
			continue;
		p->ws->w[s][i].events++;
		if (i != p->last[s])
			p->ws->w[s][i].active++;
		p->last[s] = i;
	}
	return 0;
}

/* windows_events: every window's events and distinct authors, in one pass
 * over the events by author, each author's in time order (on SQLite the
 * author index: it holds aid and created_at, no event row is read). */
static int
windows_events(struct dbq *db, struct windows *ws)
{
	struct query_arg args[] = { Q_INT(ws->since), Q_INT(ws->now), Q_END };
	struct active p = { ws, 0, { -1, -1 } };

	return dbq_each(db, user_cols, 2, dbq_pick(db, "SELECT aid, created_at FROM nostr_events"
	    " INDEXED BY nostr_events_author WHERE created_at > ?1 AND created_at <= ?2",
	    "SELECT aid, created_at FROM nostr_events WHERE created_at > ?1 AND created_at <= ?2"
	    " ORDER BY aid, created_at"), args, event_in_window, &p) == 0 ? 0 : -1;
}

static int
kind_in_window(void *arg, const struct table *row)
{
	struct windows *ws = arg;
	int64_t k = row_int(row, 0), t = row_int(row, 1);
	size_t s;

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
	return 0;
}

/* windows_kinds: every window's posts, reactions and reposts, through the
 * kind index (kind and created_at, no event row). */
static int
windows_kinds(struct dbq *db, struct windows *ws)
{
	struct query_arg args[] = { Q_INT(ws->since), Q_INT(ws->now), Q_END };

	return dbq_each(db, user_cols, 2, dbq_pick(db, "SELECT kind, created_at FROM nostr_events"
	    " INDEXED BY nostr_events_kind WHERE kind IN (1, 6, 7, 16)"
	    " AND created_at > ?1 AND created_at <= ?2",
	    "SELECT kind, created_at FROM nostr_events WHERE kind IN (1, 6, 7, 16)"
	    " AND created_at > ?1 AND created_at <= ?2"), args, kind_in_window, ws) == 0 ?
	    0 : -1;
}

/* window_rest: the zaps and users of the window of hours ending at w->end. */
static int
window_rest(struct dbq *db, struct window *w, double hours)
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
		struct table *t = dbq_table(db, user_cols + 1, 2, sql[q], args);

		if (t == NULL)
			return -1;
		if (t->nrows != 1) {
			table_free(t);
			return -1;
		}
		for (c = 0; c < 2; c++)
			*into[q][c] = (int64_t)table_number(t, 0, c);
		table_free(t);
	}
	return 0;
}

/* windows_read: the figures of every window of both series ending at now. */
static int
windows_read(struct dbq *db, int64_t now, struct windows *ws)
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
network_insert(struct dbq_batch *b, const struct window *w, const struct window *prev,
    double hours)
{
	struct query_arg row[] = {
		Q_INT(w->end), Q_REAL(hours), Q_INT(w->events), Q_INT(w->posts),
		Q_INT(w->reactions), Q_INT(w->reposts), Q_INT(w->zaps), Q_INT(w->sats),
		Q_INT(w->active), Q_INT(w->new_users), Q_INT(w->total_users),
		growth(w->events, prev->events), growth(w->active, prev->active),
	};

	return dbq_batch_add(b, row);
}

/* network_stats' columns as network_insert gives them, its key first. */
static const char *const network_cols_out[] = {
	"window_end", "window_hours", "events", "posts", "reactions", "reposts", "zaps",
	"zap_sats", "active_users", "new_users", "total_users", "events_growth",
	"users_growth",
};

int
score_network(struct dbq *db, const struct score_options *o, struct score_summary *sum)
{
	struct windows *ws = xcalloc(1, sizeof(*ws));
	struct dbq_batch b;
	size_t s, rows = 0;
	int i, rc = 0;

	/* The windows are read in the transaction that writes them: on
	 * PostgreSQL with one snapshot for all of its statements. */
	if (dbq_exec(db, dbq_pick(db, "BEGIN IMMEDIATE", "BEGIN ISOLATION LEVEL REPEATABLE READ"),
	    NULL) != 0 || windows_read(db, o->now, ws) != 0 ||
	    dbq_batch_upsert(&b, db, "network_stats", network_cols_out,
	    sizeof network_cols_out / sizeof network_cols_out[0], 2) != 0) {
		free(ws);
		return rollback(db, sum);
	}
	for (s = 0; s < NSERIES && rc == 0; s++)
		for (i = 0; i < series[s].count && rc == 0; i++, rows++)
			rc = network_insert(&b, &ws->w[s][i], &ws->w[s][i + 1], series[s].hours);
	free(ws);
	if (dbq_batch_close(&b, rc != 0) != 0 || rc != 0 || dbq_exec(db, "COMMIT", NULL) != 0)
		return rollback(db, sum);
	sum->windows = rows;
	return 0;
}
