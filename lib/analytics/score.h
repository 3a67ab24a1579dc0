/*
 * score.h: the analytics nostr-score computes and stores, and the formulas
 * behind them (documented in full in nostr-score(1)).
 *
 * Every computation takes `now` (unix seconds) and only counts what happened
 * at or before it, so a run with the same --now on the same database gives
 * the same rows.  A window of H hours ending at now is created_at in
 * (now - H*3600, now].
 *
 *   content_metrics  for each content event (kinds 1, 20, 1111, 30023) in the
 *                    window: engagement, virality, quality, spam_score
 *   trending_topics  hashtags of the window with trend_score and rank, and
 *   trending_velocity  their use against the window before
 *   user_metrics     every known pubkey: followers, engagement and zaps
 *   user_influence   received, PageRank, influence and its rank
 *   network_stats    the last 24 hourly and 30 daily windows, with growth
 *
 * The database is SQLite or PostgreSQL (store/dbq.h).  Functions that touch
 * it return 0, or -1 after a database error, whose message they leave in
 * sum->error (sum is required; clear it before the first call); they print
 * nothing.  score_trending_compute, which only reads, leaves it in
 * dbq_errmsg(db).  Writes go in one transaction per table group, so
 * readers never see half a run; on PostgreSQL in multi-row INSERTs
 * (store/dbqbatch.h).  The counts of usercounts.h are kept between runs
 * on SQLite only: on PostgreSQL they are counted afresh, by SQL, every run.
 */
#ifndef NP_SCORE_H
#define NP_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "analytics/scorerun.h"

/* The kinds scored as content (notes, pictures, comments, long-form); the
 * summary languages_hourly (schema.sql, store/summary.h) counts the same. */
#define SCORE_CONTENT_KINDS "1, 20, 1111, 30023"

/* The virality weights and decay of nostr-score(1) (half-life ln 2 / 0.1155 = 6 h). */
#define VIRALITY_ZAP 3.0
#define VIRALITY_SAT 0.001
#define VIRALITY_REPLY 2.0
#define VIRALITY_REPOST 2.5
#define VIRALITY_REACTION 1.0
#define VIRALITY_DECAY 0.1155

/* Spam: content this long or longer counts for the duplicate signal, posts
 * within this many seconds for the burst signal. */
#define SPAM_DUPLICATE_MIN_BYTES 20
#define SPAM_BURST_SECONDS 300

struct score_options {
	int64_t now;        /* the reference time */
	double hours;       /* trending and content window (> 0) */
	int64_t min_zaps;   /* trending: drop hashtags with fewer zaps */
	/* What changed since the last run (scorerun.h), or NULL: recompute all. */
	const struct score_changes *changes;
};

struct score_summary {
	size_t events;      /* content events scored */
	size_t hashtags;    /* trending rows written */
	size_t users;       /* user rows written */
	int pagerank_steps; /* iterations until PageRank converged */
	int pagerank_kept;  /* 1: the follow graph had not changed, ranks kept */
	int counts_rebuilt; /* 1: the users' counts were made from scratch (usercounts.h) */
	const char *counts_reason; /* why (static text), or NULL */
	int counts_done;    /* 1: this run brought the counts to its mark already */
	size_t windows;     /* network_stats rows written */
	char error[768];    /* after a failure: SQLite's message */
};

/* One trending hashtag.  velocity is NAN when previous_count is 0. */
struct trend {
	char *hashtag;
	int64_t mention_count;
	int64_t unique_authors;
	int64_t zaps;
	int64_t previous_count;
	double trend_score;
	double velocity;
	int64_t rank;
};

/* The inputs of the spam score of one event (each signal 0..1, see below). */
struct spam_signals {
	int64_t duplicate_authors;  /* distinct pubkeys that posted the same content */
	int64_t burst_posts;        /* the author's posts in the burst interval, this one included */
	int64_t mentions;           /* pubkeys it mentions */
	int no_profile;             /* the author has no kind-0 profile */
	int no_followers;           /* nobody follows the author */
	int long_enough;            /* content of SPAM_DUPLICATE_MIN_BYTES or more */
};

/* score_virality: nostr-score(1)'s formula; a negative age (a future event) is 0. */
double score_virality(int64_t zaps, int64_t zap_sats, int64_t replies, int64_t reposts,
    int64_t reactions, double age_hours);

/* score_engagement: the virality formula without its decay. */
double score_engagement(int64_t zaps, int64_t zap_sats, int64_t replies, int64_t reposts,
    int64_t reactions);

/* score_trend: (mentions / hours) * ln(1 + unique_authors) * (1 + ln(1 + zaps)). */
double score_trend(int64_t mentions, double hours, int64_t unique_authors, int64_t zaps);

/*
 * score_quality: content quality in [0, 1] of len bytes of content:
 *   0 for content that is empty or only white space; otherwise
 *   0.2 + 0.5*min(1, words/30) + 0.15*lang_known + 0.15*has_media,
 *   times 0.3 when every word is an http(s) URL (link only),
 *   times 0.5 when of 10 or more letters A-Z/a-z over 80% are capitals,
 *   times 0.6 when one character repeats 6 or more times in a row,
 *   times 0.5 when hashtags > 5, or hashtags >= 3 and 2*hashtags > words.
 * Words are runs of bytes other than space, \t, \n, \v, \f, \r.
 */
double score_quality(const char *content, size_t len, int lang_known, int has_media,
    int64_t hashtags);

/*
 * score_spam: spam likelihood in [0, 1]:
 *   0.30*duplicate + 0.20*burst + 0.20*mention + 0.15*no_profile + 0.15*no_followers
 * with duplicate = min(1, (duplicate_authors - 1) / 4) when long_enough, else 0;
 * burst = min(1, (burst_posts - 1) / 10); mention = min(1, max(0, mentions - 5) / 10).
 */
double score_spam(const struct spam_signals *s);

/*
 * score_influence: influence in [0, 100] from the user's figures and the
 * largest of each over all users (max_*), n users in the graph:
 *   100 * (0.4*P + 0.2*F + 0.2*Z + 0.2*E), each part ln(1 + x) / ln(1 + max x)
 *   (0 when the max is 0) of: P pagerank * n, F followers, Z zap sats received,
 *   E engagement received (replies + reposts + reactions + zaps).
 */
double score_influence(double pagerank, size_t n, double max_pagerank,
    int64_t followers, int64_t max_followers, int64_t sats, int64_t max_sats,
    int64_t engagement, int64_t max_engagement);

/* score_content: fills content_metrics for the events of the window.  Their
 * replies, reactions and reposts are the target counts of usercounts.h,
 * which it brings to this run's mark first (as score_users does; the second
 * of the two in a run, sum->counts_done, only moves them from the first);
 * on PostgreSQL they are counted with the events. */
int score_content(struct dbq *db, const struct score_options *o, struct score_summary *sum);

/*
 * score_trending_compute: the trending hashtags of the window, ranked
 * (trend_score down, then hashtag), without min_zaps' rejects, into a new array
 * *out of *n (free with score_trends_free).  Reads only, on either engine.
 */
int score_trending_compute(struct dbq *db, int64_t now, double hours, int64_t min_zaps,
    struct trend **out, size_t *n);
void score_trends_free(struct trend *t, size_t n);

/* score_trending: stores score_trending_compute's rows for the window. */
int score_trending(struct dbq *db, const struct score_options *o, struct score_summary *sum);

/* score_users: fills user_metrics and user_influence (run score_content first:
 * users' quality and spam are the means of their scored events).  Posts and
 * engagement received are the counts of usercounts.h, moved from the last
 * mark when o->changes says the run is incremental, else made from scratch.
 * PageRank is kept from the stored rows when o->changes says the follow
 * graph has not changed and the stored rows hold the same users. */
int score_users(struct dbq *db, const struct score_options *o, struct score_summary *sum);

/* score_network: fills network_stats for 24 hourly and 30 daily windows. */
int score_network(struct dbq *db, const struct score_options *o, struct score_summary *sum);

#endif
