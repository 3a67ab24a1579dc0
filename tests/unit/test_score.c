/*
 * test_score.c: lib/score's formulas, through score.h only, against figures
 * worked out by hand from nostr-score(1) (and README.md's summary of it):
 *
 *   engagement = 3.0*zaps + 0.001*zap_sats + 2.0*replies + 2.5*reposts + 1.0*reactions
 *   virality   = engagement * exp(-0.1155 * age_hours), age 0 when negative
 *   trend      = (mentions / h) * ln(1 + unique_authors) * (1 + ln(1 + zaps))
 *   quality    = (0.2 + 0.5*min(1, words/30) + 0.15*lang + 0.15*media) times
 *                0.3 link only, 0.5 capitals, 0.6 repeats, 0.5 hashtag stuffing
 *   spam       = 0.30*dup + 0.20*burst + 0.20*mention + 0.15*no_profile + 0.15*no_followers
 *   influence  = 100 * (0.4*P + 0.2*F + 0.2*Z + 0.2*E), parts ln(1+x)/ln(1+max)
 *
 * The weights are written out here as numbers, not taken from the header,
 * so that a changed constant shows.  Every result must also be finite.
 */
#include "analytics/score.h"
#include "tap.h"

#include <math.h>

/* CHECK_NEAR: a and b equal to 1e-12, relative (absolute below 1). */
#define CHECK_NEAR(a, b) do { \
	double a__ = (a), b__ = (b), m__ = fabs(b__) > 1 ? fabs(b__) : 1; \
	if (!(fabs(a__ - b__) <= 1e-12 * m__)) { \
		tap_state.cur_fail++; \
		printf("#   %s:%d: %s == %.17g, expected %.17g\n", __FILE__, __LINE__, #a, a__, b__); \
	} \
} while (0)

#define S(lit) lit, sizeof(lit) - 1

static void
test_engagement(void)
{
	CHECK_NEAR(score_engagement(0, 0, 0, 0, 0), 0);
	/* one of each weight alone */
	CHECK_NEAR(score_engagement(1, 0, 0, 0, 0), 3.0);
	CHECK_NEAR(score_engagement(0, 1000, 0, 0, 0), 1.0);
	CHECK_NEAR(score_engagement(0, 0, 1, 0, 0), 2.0);
	CHECK_NEAR(score_engagement(0, 0, 0, 1, 0), 2.5);
	CHECK_NEAR(score_engagement(0, 0, 0, 0, 1), 1.0);
	/* 1 zap of 1000 sats, 2 replies, 1 repost, 2 reactions: 3 + 1 + 4 + 2.5 + 2 */
	CHECK_NEAR(score_engagement(1, 1000, 2, 1, 2), 12.5);
	CHECK_NEAR(score_engagement(10, 21000, 3, 4, 50), 30 + 21 + 6 + 10 + 50);
}

static void
test_engagement_huge(void)
{
	double e = score_engagement(INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX);

	CHECK(isfinite(e));
	CHECK_NEAR(e, (3.0 + 0.001 + 2.0 + 2.5 + 1.0) * (double)INT64_MAX);
}

static void
test_virality(void)
{
	/* age 0: no decay */
	CHECK_NEAR(score_virality(1, 1000, 2, 1, 2, 0), 12.5);
	CHECK_NEAR(score_virality(1, 1000, 2, 1, 2, 1), 12.5 * exp(-0.1155));
	CHECK_NEAR(score_virality(0, 0, 0, 0, 1, 2), exp(-0.231));
	CHECK_NEAR(score_virality(0, 0, 1, 0, 0, 0.5), 2.0 * exp(-0.05775));
	/* a half-life of 6 h: ln 2 / 0.1155 */
	CHECK(fabs(score_virality(0, 0, 0, 0, 2, 6) - 1.0) < 1e-3);
	CHECK_NEAR(score_virality(0, 0, 0, 0, 2, log(2) / 0.1155), 1.0);
	CHECK_NEAR(score_virality(0, 0, 0, 0, 0, 5), 0);
}

static void
test_virality_edges(void)
{
	/* an event dated after now counts as age 0, never grows */
	CHECK_NEAR(score_virality(1, 1000, 2, 1, 2, -1), 12.5);
	CHECK_NEAR(score_virality(1, 1000, 2, 1, 2, -1e9), 12.5);
	CHECK_NEAR(score_virality(0, 0, 0, 0, 1, -HUGE_VAL), 1.0);
	/* very old: 0, not NaN, even from a huge engagement */
	CHECK(score_virality(INT64_MAX, INT64_MAX, 0, 0, 0, 1e6) == 0);
	CHECK(score_virality(0, 0, 0, 0, 0, HUGE_VAL) == 0);
	CHECK(score_virality(1, 0, 0, 0, 0, HUGE_VAL) == 0);
	CHECK(isfinite(score_virality(INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX, 0)));
}

static void
test_trend(void)
{
	CHECK_NEAR(score_trend(2, 24, 2, 1), (2.0 / 24) * log(3) * (1 + log(2)));
	CHECK_NEAR(score_trend(1, 24, 1, 1), (1.0 / 24) * log(2) * (1 + log(2)));
	/* no zaps: the last factor is 1; ln(1 + x) keeps a lone author above 0 */
	CHECK_NEAR(score_trend(5, 1, 1, 0), 5 * log(2));
	CHECK_NEAR(score_trend(30, 0.5, 30, 7), 60 * log(31) * (1 + log(8)));
	CHECK_NEAR(score_trend(0, 24, 0, 0), 0);
	CHECK_NEAR(score_trend(3, 24, 0, 9), 0);
}

static void
test_trend_edges(void)
{
	double t = score_trend(INT64_MAX, 1e-9, INT64_MAX, INT64_MAX);

	CHECK(isfinite(t));
	CHECK(t > 0);
	/* no window at all: nothing trends, and nothing is NaN or infinite */
	CHECK(isfinite(score_trend(10, 0, 3, 1)));
	CHECK(isfinite(score_trend(0, 0, 0, 0)));
	CHECK(isfinite(score_trend(10, -24, 3, 1)));
}

static void
test_quality_base(void)
{
	/* empty or only white space: 0 */
	CHECK(score_quality(S(""), 1, 1, 0) == 0);
	CHECK(score_quality(S(" \t\n\v\f\r "), 1, 1, 0) == 0);
	/* 2 words */
	CHECK_NEAR(score_quality(S("hello world"), 0, 0, 0), 0.2 + 0.5 * 2 / 30);
	CHECK_NEAR(score_quality(S("hello world"), 1, 0, 0), 0.2 + 0.5 * 2 / 30 + 0.15);
	CHECK_NEAR(score_quality(S("hello world"), 1, 1, 0), 0.2 + 0.5 * 2 / 30 + 0.3);
	/* any non-zero flag counts as 1 */
	CHECK_NEAR(score_quality(S("hello world"), 7, -1, 0), 0.2 + 0.5 * 2 / 30 + 0.3);
	/* every white-space byte the header names separates words */
	CHECK_NEAR(score_quality(S("a\tb\nc\vd\fe\rf g"), 0, 0, 0), 0.2 + 0.5 * 7 / 30);
	/* only len bytes are read */
	CHECK_NEAR(score_quality("hello world", 5, 0, 0, 0), 0.2 + 0.5 * 1 / 30);
}

static void
test_quality_words_cap(void)
{
	const char thirty[] = "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 "
	    "w16 w17 w18 w19 w20 w21 w22 w23 w24 w25 w26 w27 w28 w29 w30";
	const char sixty[] = "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 "
	    "w16 w17 w18 w19 w20 w21 w22 w23 w24 w25 w26 w27 w28 w29 w30 "
	    "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 "
	    "w16 w17 w18 w19 w20 w21 w22 w23 w24 w25 w26 w27 w28 w29 w30";

	CHECK_NEAR(score_quality(S(thirty), 0, 0, 0), 0.7);
	CHECK_NEAR(score_quality(S(sixty), 0, 0, 0), 0.7);
	/* the best: 30 words or more, known language, media: 1 */
	CHECK_NEAR(score_quality(S(thirty), 1, 1, 0), 1.0);
	CHECK_NEAR(score_quality(S(sixty), 1, 1, 0), 1.0);
}

static void
test_quality_link_only(void)
{
	CHECK_NEAR(score_quality(S("https://example.com/a.jpg"), 0, 1, 0),
	    (0.2 + 0.5 / 30 + 0.15) * 0.3);
	CHECK_NEAR(score_quality(S("http://a.example/ HTTPS://B.EXAMPLE/x"), 0, 0, 0),
	    (0.2 + 0.5 * 2 / 30) * 0.3);
	/* one word that is not a link: no penalty */
	CHECK_NEAR(score_quality(S("see https://example.com/"), 0, 0, 0), 0.2 + 0.5 * 2 / 30);
	/* not http(s) */
	CHECK_NEAR(score_quality(S("ftp://example.com/"), 0, 0, 0), 0.2 + 0.5 / 30);
}

static void
test_quality_capitals(void)
{
	/* 17 letters, all capitals, 7 words */
	CHECK_NEAR(score_quality(S("GM GM GM GM GM GM #NOSTR"), 0, 0, 0), (0.2 + 0.5 * 7 / 30) * 0.5);
	/* fewer than 10 letters: no penalty */
	CHECK_NEAR(score_quality(S("GM GM GM"), 0, 0, 0), 0.2 + 0.5 * 3 / 30);
	/* 10 letters: 9 capitals is over 80%, 8 is not */
	CHECK_NEAR(score_quality(S("ABCDEFGHIj"), 0, 0, 0), (0.2 + 0.5 / 30) * 0.5);
	CHECK_NEAR(score_quality(S("ABCDEFGHij"), 0, 0, 0), 0.2 + 0.5 / 30);
	/* digits and punctuation are no letters */
	CHECK_NEAR(score_quality(S("ABCDEFGHI 1234567890 j"), 0, 0, 0), (0.2 + 0.5 * 3 / 30) * 0.5);
}

static void
test_quality_repeats(void)
{
	CHECK_NEAR(score_quality(S("wow!!!!!!"), 0, 0, 0), (0.2 + 0.5 / 30) * 0.6);
	CHECK_NEAR(score_quality(S("wow!!!!!"), 0, 0, 0), 0.2 + 0.5 / 30);
	CHECK_NEAR(score_quality(S("nooooooo way"), 0, 0, 0), (0.2 + 0.5 * 2 / 30) * 0.6);
	/* a character: six identical emoji are a run of six */
	CHECK_NEAR(score_quality(S("\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"), 0, 0, 0), (0.2 + 0.5 / 30) * 0.6);
	CHECK_NEAR(score_quality(S("\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80"), 0, 0, 0), 0.2 + 0.5 / 30);
	/* capitals and a repeat: both factors */
	CHECK_NEAR(score_quality(S("AAAAAAAAAA"), 0, 0, 0), (0.2 + 0.5 / 30) * 0.5 * 0.6);
}

static void
test_quality_hashtags(void)
{
	const char twelve[] = "one two three four five six seven eight nine ten eleven twelve";

	/* more than 5, whatever the words */
	CHECK_NEAR(score_quality(S(twelve), 0, 0, 6), (0.2 + 0.5 * 12 / 30) * 0.5);
	CHECK_NEAR(score_quality(S(twelve), 0, 0, 5), 0.2 + 0.5 * 12 / 30);
	/* 3 or more, over half the words */
	CHECK_NEAR(score_quality(S("#a #b #c d e"), 0, 0, 3), (0.2 + 0.5 * 5 / 30) * 0.5);
	CHECK_NEAR(score_quality(S("#a #b #c d e f"), 0, 0, 3), 0.2 + 0.5 * 6 / 30);
	CHECK_NEAR(score_quality(S("#a #b"), 0, 0, 2), 0.2 + 0.5 * 2 / 30);
	/* every penalty at once stays in [0, 1] */
	CHECK_NEAR(score_quality(S("HTTPS://AAAAAAAAAA.EXAMPLE/"), 0, 0, INT64_MAX),
	    (0.2 + 0.5 / 30) * 0.3 * 0.5 * 0.6 * 0.5);
}

static void
test_spam(void)
{
	struct spam_signals s = { .duplicate_authors = 1, .burst_posts = 1 };

	/* one author, one post, few mentions, profile, followers: 0 */
	CHECK_NEAR(score_spam(&s), 0);
	s.no_profile = 1;
	CHECK_NEAR(score_spam(&s), 0.15);
	s.no_followers = 1;
	CHECK_NEAR(score_spam(&s), 0.30);
	/* the fixture's e6: 2 authors, 3 posts in the burst, both flags */
	s = (struct spam_signals){ .duplicate_authors = 2, .burst_posts = 3, .mentions = 0,
	    .no_profile = 1, .no_followers = 1, .long_enough = 1 };
	CHECK_NEAR(score_spam(&s), 0.30 * 0.25 + 0.20 * 0.2 + 0.15 + 0.15);
	/* e4: the first of the burst, 7 mentions */
	s.burst_posts = 3, s.mentions = 7;
	CHECK_NEAR(score_spam(&s), 0.30 * 0.25 + 0.20 * 0.2 + 0.20 * 0.2 + 0.15 + 0.15);
}

static void
test_spam_signals(void)
{
	struct spam_signals s = { .duplicate_authors = 3, .burst_posts = 1, .long_enough = 1 };

	CHECK_NEAR(score_spam(&s), 0.30 * 0.5);
	s.duplicate_authors = 5;
	CHECK_NEAR(score_spam(&s), 0.30);
	s.duplicate_authors = 1000;
	CHECK_NEAR(score_spam(&s), 0.30);
	/* short content: duplicates do not count ("gm" from many people) */
	s.long_enough = 0;
	CHECK_NEAR(score_spam(&s), 0);
	s = (struct spam_signals){ .duplicate_authors = 1, .burst_posts = 2 };
	CHECK_NEAR(score_spam(&s), 0.20 * 0.1);
	s.burst_posts = 11;
	CHECK_NEAR(score_spam(&s), 0.20);
	s.burst_posts = 500;
	CHECK_NEAR(score_spam(&s), 0.20);
	s = (struct spam_signals){ .duplicate_authors = 1, .burst_posts = 1, .mentions = 5 };
	CHECK_NEAR(score_spam(&s), 0);
	s.mentions = 6;
	CHECK_NEAR(score_spam(&s), 0.20 * 0.1);
	s.mentions = 15;
	CHECK_NEAR(score_spam(&s), 0.20);
	s.mentions = 100;
	CHECK_NEAR(score_spam(&s), 0.20);
}

static void
test_spam_bounds(void)
{
	struct spam_signals s = { INT64_MAX, INT64_MAX, INT64_MAX, 1, 1, 1 };
	double v = score_spam(&s);

	/* every signal at its most: 1, and never over */
	CHECK_NEAR(v, 1.0);
	CHECK(v <= 1.0);
	/* zero counts (no author, no post) are no signal, not a negative one */
	s = (struct spam_signals){ 0 };
	CHECK(score_spam(&s) == 0);
	s.long_enough = 1;
	CHECK(score_spam(&s) == 0);
}

static void
test_influence(void)
{
	/* the top user in every part: 100 */
	CHECK_NEAR(score_influence(0.4, 5, 0.4, 3, 3, 1000, 1000, 6, 6), 100);
	/* P: ln(1 + 0.2*5) / ln(1 + 0.4*5); F: ln 2 / ln 4; Z: 0; E: ln 2 / ln 7 */
	CHECK_NEAR(score_influence(0.2, 5, 0.4, 1, 3, 0, 1000, 1, 6),
	    100 * (0.4 * log(2) / log(3) + 0.2 * 0.5 + 0 + 0.2 * log(2) / log(7)));
	/* each part alone */
	CHECK_NEAR(score_influence(0.1, 10, 0.1, 0, 5, 0, 5, 0, 5), 40);
	CHECK_NEAR(score_influence(0, 10, 0.1, 5, 5, 0, 5, 0, 5), 20);
	CHECK_NEAR(score_influence(0, 10, 0.1, 0, 5, 5, 5, 0, 5), 20);
	CHECK_NEAR(score_influence(0, 10, 0.1, 0, 5, 0, 5, 5, 5), 20);
	CHECK_NEAR(score_influence(0, 10, 0.1, 0, 5, 21000, 1000000, 0, 5),
	    20 * log(21001) / log(1000001));
}

static void
test_influence_edges(void)
{
	/* every maximum 0 (nobody followed, zapped or engaged): each part 0, not NaN */
	CHECK(score_influence(0, 0, 0, 0, 0, 0, 0, 0, 0) == 0);
	CHECK(score_influence(0, 3, 0, 0, 0, 0, 0, 0, 0) == 0);
	CHECK_NEAR(score_influence(0.5, 2, 0.5, 0, 0, 0, 0, 0, 0), 40);
	/* huge figures stay finite */
	CHECK_NEAR(score_influence(1, SIZE_MAX, 1, INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX,
	    INT64_MAX, INT64_MAX), 100);
	CHECK(isfinite(score_influence(1e-300, SIZE_MAX, 1, 1, INT64_MAX, 1, INT64_MAX, 1,
	    INT64_MAX)));
}

int
main(void)
{
	TEST(test_engagement);
	TEST(test_engagement_huge);
	TEST(test_virality);
	TEST(test_virality_edges);
	TEST(test_trend);
	TEST(test_trend_edges);
	TEST(test_quality_base);
	TEST(test_quality_words_cap);
	TEST(test_quality_link_only);
	TEST(test_quality_capitals);
	TEST(test_quality_repeats);
	TEST(test_quality_hashtags);
	TEST(test_spam);
	TEST(test_spam_signals);
	TEST(test_spam_bounds);
	TEST(test_influence);
	TEST(test_influence_edges);
	return tap_done();
}
