#include "render/report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nostr/nip19.h"
#include "base/hex.h"
#include "analytics/score.h"
#include "store/dbq.h"

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

/* Display widths for the table format: content is cut, ids are not (so they
 * can be pasted). */
#define W_CONTENT 48
#define W_NAME 20

/*
 * The name a profile goes by, the same in every report and in the
 * dashboard: its display_name (NIP-24's name for people to read), else its
 * name (the short handle), an empty one counting as none.
 */
#define PROFILE_NAME(p) "coalesce(nullif(" p ".display_name, ''), nullif(" p ".name, ''))"

/* ncols: all of a report's columns with o->wide, else all but the last
 * `wide` ones (the dashboard's extras). */
static size_t
ncols(const struct report_options *o, size_t all, size_t wide)
{
	return o->wide ? all : all - wide;
}

static int64_t
since(const struct report_options *o, double default_hours)
{
	double h = o->hours > 0 ? o->hours : default_hours;

	/* No window: from the beginning of time. */
	if (h <= 0)
		return INT64_MIN;
	return o->now - (int64_t)llround(h * 3600.0);
}

/*
 * A window (since, until] as the summaries read it (schema.sql): the whole
 * hours [a, b) from an _hourly table, and the raw rows of the partial hours
 * at its ends, created_at in (since, a) and [b, until].  A window inside
 * one hour is all ends: a = b = until + 1.
 */
struct hours {
	int64_t since, until, a, b;
};

static struct hours
hours_of(int64_t since, int64_t until)
{
	struct hours w;

	/* created_at is never negative: from -1 is from the beginning. */
	w.since = since < -1 ? -1 : since;
	w.until = until < w.since ? w.since : until;
	w.a = (w.since + 3600) / 3600 * 3600;       /* the first hour starting after since */
	w.b = (w.until + 1) / 3600 * 3600;          /* the end of the last whole hour */
	if (w.a >= w.b)
		w.a = w.b = w.until + 1;
	return w;
}

struct table *
report_stats(struct dbq *db, const struct report_options *o)
{
	static const struct column cols[] = {
		{ "events.total", CELL_INT, 0, 0, 0 },
		{ "events.window", CELL_INT, 0, 0, 0 },
		{ "events.posts", CELL_INT, 0, 0, 0 },
		{ "events.first", CELL_INT, 0, 0, COLUMN_TIME },
		{ "events.last", CELL_INT, 0, 0, COLUMN_TIME },
		{ "users.total", CELL_INT, 0, 0, 0 },
		{ "users.with_profile", CELL_INT, 0, 0, 0 },
		{ "users.active", CELL_INT, 0, 0, 0 },
		{ "users.new", CELL_INT, 0, 0, 0 },
		{ "follows.total", CELL_INT, 0, 0, 0 },
		{ "zaps.total", CELL_INT, 0, 0, 0 },
		{ "zaps.sats", CELL_INT, 0, 0, 0 },
		{ "zaps.invalid", CELL_INT, 0, 0, 0 },
		{ "relays.total", CELL_INT, 0, 0, 0 },
		{ "window.hours", CELL_REAL, 0, 1, 0 },
		{ "window.end", CELL_INT, 0, 0, COLUMN_TIME },
		{ "scores.computed_at", CELL_INT, 0, 0, COLUMN_TIME },
		/* wide: */
		{ "window_zap_sats", CELL_INT, 0, 0, 0 },
	};
	/*
	 * Counts and sums from the summaries (events_hourly, zaps_hourly), a
	 * window's from its whole hours there and its partial hours' raw rows
	 * (?5, ?6: struct hours); the rest over an index or a small table.  Active
	 * users are counted in users, not by collecting the distinct authors of a
	 * million events: one whose newest stored event (last_event) lies in the
	 * window is active; one whose last_event is later than the window's end,
	 * as a report at an earlier --now sees, takes one index probe.  Zaps are
	 * valid (1) or not (0).
	 */
#define IN_HOURS(table, what, cond) \
	"(SELECT coalesce(sum(" what "), 0) FROM " table \
	" WHERE " cond "hour >= ?5 AND hour < ?6)"
#define AT_ENDS(what, from, cond) \
	"(SELECT " what " FROM " from " WHERE " cond "created_at > ?1 AND created_at < ?5)" \
	" + (SELECT " what " FROM " from " WHERE " cond "created_at >= ?6 AND created_at <= ?2)"
	/* fence: PostgreSQL would turn the EXISTS into a semi-join over every
	 * event of the window (0.6 s at 1M events); an OFFSET keeps it one probe
	 * of nostr_events_author per user, as SQLite runs it. */
#define STATS_SQL(fence) \
	    "SELECT (SELECT coalesce(sum(events), 0) FROM events_hourly)," \
	    " " IN_HOURS("events_hourly", "events", "") " + " \
	    AT_ENDS("count(*)", "nostr_events", "") "," \
	    " (SELECT coalesce(sum(events), 0) FROM events_hourly WHERE kind = 1)," \
	    " (SELECT min(created_at) FROM nostr_events)," \
	    " (SELECT max(created_at) FROM nostr_events)," \
	    " (SELECT count(*) FROM users)," \
	    " (SELECT count(*) FROM user_profiles)," \
	    " (SELECT count(*) FROM users WHERE last_event > ?1 AND last_event <= ?2)" \
	    " + (SELECT count(*) FROM users u WHERE u.last_event > ?2 AND +u.first_seen <= ?2" \
	    "   AND EXISTS (SELECT 1 FROM nostr_events e WHERE e.aid = u.aid" \
	    "   AND e.created_at > ?1 AND e.created_at <= ?2" fence "))," \
	    " (SELECT count(*) FROM users WHERE first_seen > ?1 AND first_seen <= ?2)," \
	    " (SELECT coalesce(sum(followers), 0) FROM follower_totals)," \
	    " z.valid, z.sats, z.invalid," \
	    " (SELECT count(DISTINCT relay) FROM relay_metrics)," \
	    " ?3, ?2," \
	    " (SELECT max(computed_at) FROM content_metrics)," \
	    " CASE WHEN ?4 <> 0 THEN " IN_HOURS("zaps_hourly", "sats", "valid = 1 AND ") " + " \
	    AT_ENDS("coalesce(sum(sats), 0)", "zaps", "valid = 1 AND ") " END" \
	    " FROM (SELECT coalesce(sum(zaps) FILTER (WHERE valid = 1), 0) AS valid," \
	    "  coalesce(sum(sats) FILTER (WHERE valid = 1), 0) AS sats," \
	    "  coalesce(sum(zaps) FILTER (WHERE valid = 0), 0) AS invalid FROM zaps_hourly) z"
	static const char lite_sql[] = STATS_SQL("");
	static const char pg_sql[] = STATS_SQL(" OFFSET 0");
#undef STATS_SQL
	double hours = o->hours > 0 ? o->hours : 24;
	struct hours w = hours_of(since(o, 24), o->now);
	/* ?4: the wide column is computed only when it is shown. */
	struct query_arg b[] = { Q_INT(w.since), Q_INT(o->now), Q_REAL(hours),
	    Q_INT(o->wide), Q_INT(w.a), Q_INT(w.b), Q_END };
	struct table *t = dbq_table(db, cols, ncols(o, NCOLS(cols), 1),
	    dbq_pick(db, lite_sql, pg_sql), b);

	if (t != NULL)
		t->vertical = 1;
	return t;
}

static const struct column trending_cols[] = {
	{ "rank", CELL_INT, 0, 0, 0 },
	{ "hashtag", CELL_TEXT, 32, 0, 0 },
	{ "mention_count", CELL_INT, 0, 0, 0 },
	{ "unique_authors", CELL_INT, 0, 0, 0 },
	{ "zaps", CELL_INT, 0, 0, 0 },
	{ "trend_score", CELL_REAL, 0, 4, 0 },
	{ "previous_count", CELL_INT, 0, 0, 0 },
	{ "velocity", CELL_REAL, 0, 2, 0 },
	{ "window_end", CELL_INT, 0, 0, COLUMN_TIME },
};

/* trending_hours: the window length of trending (--hours, else the default, else 24). */
static double
trending_hours(const struct report_options *o)
{
	double hours = o->hours > 0 ? o->hours : o->trending_default_hours;

	return hours > 0 ? hours : 24;
}

struct table *
report_trending_stored(struct dbq *db, const struct report_options *o)
{
	static const char sql[] =
	    "SELECT t.rank, t.hashtag, t.mention_count, t.unique_authors, t.zaps,"
	    " t.trend_score, v.previous_count, v.velocity, t.window_end"
	    " FROM trending_topics t LEFT JOIN trending_velocity v"
	    " ON v.window_end = t.window_end AND v.window_hours = t.window_hours"
	    " AND v.hashtag = t.hashtag"
	    " WHERE t.window_hours = ?1 AND t.window_end ="
	    " (SELECT max(window_end) FROM trending_topics WHERE window_hours = ?1"
	    "  AND window_end <= ?3)"
	    " ORDER BY t.rank LIMIT ?2";
	struct query_arg b[] = { Q_REAL(trending_hours(o)), Q_INT(o->limit), Q_INT(o->now),
	    Q_END };

	return dbq_table(db, trending_cols, NCOLS(trending_cols), sql, b);
}

/* trending_live: score_trending_compute's rows as the stored ones would be. */
static struct table *
trending_live(struct dbq *db, const struct report_options *o)
{
	struct table *t;
	struct trend *tr;
	size_t n, i;

	if (score_trending_compute(db, o->now, trending_hours(o), 0, &tr, &n) != 0)
		return NULL;
	t = table_new(trending_cols, NCOLS(trending_cols));
	for (i = 0; i < n && (int64_t)i < o->limit; i++) {
		size_t r = table_add_row(t);

		table_set_int(t, r, 0, tr[i].rank);
		table_set_text(t, r, 1, tr[i].hashtag, strlen(tr[i].hashtag));
		table_set_int(t, r, 2, tr[i].mention_count);
		table_set_int(t, r, 3, tr[i].unique_authors);
		table_set_int(t, r, 4, tr[i].zaps);
		table_set_real(t, r, 5, tr[i].trend_score);
		table_set_int(t, r, 6, tr[i].previous_count);
		table_set_real(t, r, 7, tr[i].velocity);  /* NAN stays null */
		table_set_int(t, r, 8, o->now);
	}
	score_trends_free(tr, n);
	return t;
}

struct table *
report_trending(struct dbq *db, const struct report_options *o)
{
	struct table *t;
	int current = 0;

	if (o->now_given &&
	    score_run_current(db, o->now, trending_hours(o), 0, &current) != 0)
		return NULL;
	if (!o->now_given || current) {
		if ((t = report_trending_stored(db, o)) == NULL)
			return NULL;
		if (t->nrows > 0)
			return t;
		table_free(t);
	}
	return trending_live(db, o);
}

struct table *
report_hashtag_counts(struct dbq *db, const struct report_options *o)
{
	static const struct column cols[] = {
		{ "hashtag", CELL_TEXT, 32, 0, 0 },
		{ "mention_count", CELL_INT, 0, 0, 0 },
		{ "unique_authors", CELL_INT, 0, 0, 0 },
	};
	static const char sql[] =
	    "SELECT hashtag, count(*), count(DISTINCT aid) FROM hashtags"
	    " WHERE created_at > ?1 AND created_at <= ?2"
	    " GROUP BY hashtag ORDER BY 2 DESC, 3 DESC, hashtag LIMIT ?3";
	struct query_arg b[] = { Q_INT(since(o, trending_hours(o))), Q_INT(o->now),
	    Q_INT(o->limit), Q_END };

	return dbq_table(db, cols, NCOLS(cols), sql, b);
}

/* all_time_zaps: whether o's window holds every zap (no --hours, none after
 * now), so the all-time summaries answer for it. */
static int
all_time_zaps(struct dbq *db, const struct report_options *o)
{
	int64_t last = INT64_MIN;

	return o->hours <= 0 &&
	    dbq_int(db, "SELECT max(created_at) FROM zaps", NULL, &last) == 0 && last <= o->now;
}

struct table *
report_top_zapped(struct dbq *db, const struct report_options *o)
{
	static const struct column cols[] = {
		{ "event_id", CELL_TEXT, 0, 0, 0 },
		{ "pubkey", CELL_TEXT, 0, 0, 0 },
		{ "zap_count", CELL_INT, 0, 0, 0 },
		{ "zap_total_sats", CELL_INT, 0, 0, 0 },
		{ "content", CELL_TEXT, W_CONTENT, 0, 0 },
	};
	/* Group in zaps_valid_event's order, then fetch only the winners' rows
	 * of nostr_events (content is the bulk of that table). */
	/* (PostgreSQL has no INDEXED BY; its planner picks the index itself.) */
#define TOP_ZAPPED_SQL(indexed) \
	    "SELECT z.event_id, k.pubkey, z.n, z.sats, e.content FROM" \
	    " (SELECT event_id, count(*) AS n, coalesce(sum(sats), 0) AS sats" \
	    "  FROM zaps " indexed \
	    "  WHERE valid = 1 AND event_id IS NOT NULL" \
	    "  AND created_at > ?1 AND created_at <= ?2" \
	    "  GROUP BY event_id ORDER BY sats DESC, n DESC, event_id LIMIT ?3) z" \
	    " LEFT JOIN nostr_events e ON e.id = z.event_id" \
	    " LEFT JOIN pubkeys k ON k.aid = e.aid" \
	    " ORDER BY z.sats DESC, z.n DESC, z.event_id"
	static const char lite_sql[] = TOP_ZAPPED_SQL("INDEXED BY zaps_valid_event");
	static const char pg_sql[] = TOP_ZAPPED_SQL("");
#undef TOP_ZAPPED_SQL
	/* All time up to now, when no zap is later: event_zap_totals' top. */
	static const char totals_sql[] =
	    "SELECT z.event_id, k.pubkey, z.zaps, z.sats, e.content FROM"
	    " (SELECT event_id, zaps, sats FROM event_zap_totals"
	    "  ORDER BY sats DESC, zaps DESC, event_id LIMIT ?3) z"
	    " LEFT JOIN nostr_events e ON e.id = z.event_id"
	    " LEFT JOIN pubkeys k ON k.aid = e.aid"
	    " ORDER BY z.sats DESC, z.zaps DESC, z.event_id";
	struct query_arg b[] = { Q_INT(since(o, 0)), Q_INT(o->now), Q_INT(o->limit), Q_END };

	return dbq_table(db, cols, NCOLS(cols),
	    all_time_zaps(db, o) ? totals_sql : dbq_pick(db, lite_sql, pg_sql), b);
}

struct table *
report_viral(struct dbq *db, const struct report_options *o)
{
	static const struct column cols[] = {
		{ "event_id", CELL_TEXT, 0, 0, 0 },
		{ "pubkey", CELL_TEXT, 0, 0, 0 },
		{ "created_at", CELL_INT, 0, 0, COLUMN_TIME },
		{ "replies", CELL_INT, 0, 0, 0 },
		{ "reposts", CELL_INT, 0, 0, 0 },
		{ "reactions", CELL_INT, 0, 0, 0 },
		{ "zaps", CELL_INT, 0, 0, 0 },
		{ "zap_total_sats", CELL_INT, 0, 0, 0 },
		{ "virality", CELL_REAL, 0, 3, 0 },
		{ "quality", CELL_REAL, 0, 2, 0 },
		{ "spam_score", CELL_REAL, 0, 2, 0 },
		{ "content", CELL_TEXT, W_CONTENT, 0, 0 },
		/* wide: */
		{ "name", CELL_TEXT, W_NAME, 0, 0 },
	};
	/* Viral: notes of the latest run with some engagement (virality > 0)
	 * that are still stored (not deleted or replaced since). */
	static const char sql[] =
	    "SELECT e.id, k.pubkey, c.created_at, c.replies, c.reposts, c.reactions,"
	    " c.zaps, c.zap_sats, c.virality, c.quality, c.spam_score, e.content,"
	    " (SELECT " PROFILE_NAME("p") " FROM user_profiles p WHERE p.aid = c.aid)"
	    " FROM content_metrics c JOIN nostr_events e ON e.eid = c.eid"
	    " JOIN pubkeys k ON k.aid = c.aid"
	    " WHERE c.computed_at = (SELECT max(computed_at) FROM content_metrics)"
	    " AND c.virality > 0"
	    " ORDER BY c.virality DESC, e.id LIMIT ?1";
	struct query_arg b[] = { Q_INT(o->limit), Q_END };

	return dbq_table(db, cols, ncols(o, NCOLS(cols), 1), sql, b);
}

struct table *
report_users(struct dbq *db, const struct report_options *o)
{
	static const struct column cols[] = {
		{ "rank", CELL_INT, 0, 0, 0 },
		{ "pubkey", CELL_TEXT, 0, 0, 0 },
		{ "name", CELL_TEXT, W_NAME, 0, 0 },
		{ "followers", CELL_INT, 0, 0, 0 },
		{ "zap_sats_received", CELL_INT, 0, 0, 0 },
		{ "engagement", CELL_INT, 0, 0, 0 },
		{ "pagerank", CELL_REAL, 0, 6, 0 },
		{ "influence", CELL_REAL, 0, 2, 0 },
		{ "quality", CELL_REAL, 0, 2, 0 },
		{ "spam_score", CELL_REAL, 0, 2, 0 },
		/* wide: */
		{ "nip05", CELL_TEXT, 40, 0, 0 },
		{ "website", CELL_TEXT, 40, 0, 0 },
		{ "posts", CELL_INT, 0, 0, 0 },
	};
	static const char sql[] =
	    "SELECT i.rank, k.pubkey, " PROFILE_NAME("p") ", m.followers,"
	    " m.zap_sats_received, i.engagement, i.pagerank, m.influence, m.quality,"
	    " m.spam_score, p.nip05, p.website, m.posts"
	    " FROM user_influence i JOIN user_metrics m ON m.aid = i.aid"
	    " JOIN pubkeys k ON k.aid = i.aid"
	    " LEFT JOIN user_profiles p ON p.aid = i.aid"
	    " ORDER BY i.rank LIMIT ?1";
	struct query_arg b[] = { Q_INT(o->limit), Q_END };

	return dbq_table(db, cols, ncols(o, NCOLS(cols), 3), sql, b);
}

struct table *
report_users_by_followers(struct dbq *db, const struct report_options *o)
{
	static const struct column cols[] = {
		{ "rank", CELL_INT, 0, 0, 0 },
		{ "pubkey", CELL_TEXT, 0, 0, 0 },
		{ "name", CELL_TEXT, W_NAME, 0, 0 },
		{ "followers", CELL_INT, 0, 0, 0 },
		{ "nip05", CELL_TEXT, 40, 0, 0 },
		{ "website", CELL_TEXT, 40, 0, 0 },
	};
	/* The top of follower_totals (a count of follows per followed), ranked
	 * after the limit: the ranks of the first rows are those of all. */
	static const char sql[] =
	    "SELECT row_number() OVER (ORDER BY f.n DESC, k.pubkey), k.pubkey, "
	    PROFILE_NAME("p") ", f.n, p.nip05, p.website FROM"
	    " (SELECT aid, followers AS n FROM follower_totals t ORDER BY followers DESC,"
	    "  (SELECT pubkey FROM pubkeys WHERE aid = t.aid) LIMIT ?1) f"
	    " JOIN pubkeys k ON k.aid = f.aid LEFT JOIN user_profiles p ON p.aid = f.aid"
	    " ORDER BY f.n DESC, k.pubkey";
	struct query_arg b[] = { Q_INT(o->limit), Q_END };

	return dbq_table(db, cols, NCOLS(cols), sql, b);
}

struct table *
report_user(struct dbq *db, const struct report_options *o, const char *pubkey)
{
	static const struct column cols[] = {
		{ "pubkey", CELL_TEXT, 0, 0, 0 },
		{ "npub", CELL_TEXT, 0, 0, 0 },
		{ "profile.name", CELL_TEXT, 40, 0, 0 },
		{ "profile.display_name", CELL_TEXT, 40, 0, 0 },
		{ "profile.nip05", CELL_TEXT, 60, 0, 0 },
		{ "profile.lud16", CELL_TEXT, 60, 0, 0 },
		{ "profile.about", CELL_TEXT, 60, 0, 0 },
		{ "activity.total_events", CELL_INT, 0, 0, 0 },
		{ "activity.posts", CELL_INT, 0, 0, 0 },
		{ "activity.first_seen", CELL_INT, 0, 0, COLUMN_TIME },
		{ "activity.last_seen", CELL_INT, 0, 0, COLUMN_TIME },
		{ "followers", CELL_INT, 0, 0, 0 },
		{ "following", CELL_INT, 0, 0, 0 },
		{ "zaps.received", CELL_INT, 0, 0, 0 },
		{ "zaps.received_sats", CELL_INT, 0, 0, 0 },
		{ "zaps.sent", CELL_INT, 0, 0, 0 },
		{ "zaps.sent_sats", CELL_INT, 0, 0, 0 },
		{ "influence.score", CELL_REAL, 0, 2, 0 },
		{ "influence.rank", CELL_INT, 0, 0, 0 },
		{ "influence.pagerank", CELL_REAL, 0, 6, 0 },
	};
	/* +kind: the author's few events by nostr_events_author, not every
	 * kind-1 event by nostr_events_kind (without ANALYZE SQLite prefers the
	 * latter). */
	/* ?3: the pubkey's bytes, found in pubkeys' index; no aid, no row. */
	static const char sql[] =
	    "SELECT ?1, ?2, p.name, p.display_name, p.nip05, p.lud16, p.about,"
	    " (SELECT count(*) FROM nostr_events WHERE aid = k.aid),"
	    " (SELECT count(*) FROM nostr_events WHERE aid = k.aid AND +kind = 1),"
	    " u.first_seen, u.last_seen,"
	    " (SELECT count(*) FROM follows WHERE followed = k.aid),"
	    " (SELECT count(*) FROM follows WHERE follower = k.aid),"
	    " (SELECT count(*) FROM zaps WHERE recipient = k.aid AND valid = 1),"
	    " (SELECT coalesce(sum(sats), 0) FROM zaps WHERE recipient = k.aid AND valid = 1),"
	    " (SELECT count(*) FROM zaps WHERE sender = k.aid AND valid = 1),"
	    " (SELECT coalesce(sum(sats), 0) FROM zaps WHERE sender = k.aid AND valid = 1),"
	    " m.influence, i.rank, i.pagerank"
	    " FROM (SELECT aid FROM pubkeys WHERE pubkey = ?3) k"
	    " LEFT JOIN users u ON u.aid = k.aid"
	    " LEFT JOIN user_profiles p ON p.aid = k.aid"
	    " LEFT JOIN user_metrics m ON m.aid = k.aid"
	    " LEFT JOIN user_influence i ON i.aid = k.aid"
	    " WHERE u.aid IS NOT NULL OR m.aid IS NOT NULL"
	    " OR EXISTS (SELECT 1 FROM follows WHERE followed = k.aid)"
	    " OR EXISTS (SELECT 1 FROM zaps WHERE recipient = k.aid)";
	char npub[NIP19_KEY_BUFSIZE] = "";
	uint8_t key[32];
	struct table *t;
	int is_key;

	(void)o;
	is_key = strlen(pubkey) == 64 && hex_decode(pubkey, key, 32) == 0;
	if (is_key)
		nip19_encode_key(NIP19_NPUB, key, npub, sizeof(npub));
	{
		struct query_arg b[] = { Q_TEXT(pubkey), Q_TEXT(npub),
		    is_key ? (struct query_arg)Q_BLOB(key, 32) : (struct query_arg)Q_NULL, Q_END };

		t = dbq_table(db, cols, NCOLS(cols), sql, b);
	}
	if (t != NULL)
		t->vertical = 1;
	return t;
}

struct table *
report_relays(struct dbq *db, const struct report_options *o)
{
	static const struct column cols[] = {
		{ "relay", CELL_TEXT, 48, 0, 0 },
		{ "state", CELL_TEXT, 12, 0, 0 },
		{ "time", CELL_INT, 0, 0, COLUMN_TIME },
		{ "connect_ms", CELL_REAL, 0, 1, 0 },
		{ "eose_ms", CELL_REAL, 0, 1, 0 },
		{ "events", CELL_INT, 0, 0, 0 },
		{ "duplicates", CELL_INT, 0, 0, 0 },
		{ "invalid", CELL_INT, 0, 0, 0 },
		{ "reconnects", CELL_INT, 0, 0, 0 },
		{ "records", CELL_INT, 0, 0, 0 },
		{ "notice", CELL_TEXT, 40, 0, 0 },
	};
	/* Each relay's latest record; of two at that time, the state first in
	 * order.  SQLite's GROUP BY takes the other columns from the row of
	 * min(); PostgreSQL has DISTINCT ON. */
	static const char lite_sql[] =
	    "SELECT r.relay, min(r.state), CAST(r.time AS INTEGER), r.connect_ms, r.eose_ms,"
	    " r.events, r.duplicates, r.invalid, r.reconnects,"
	    " (SELECT count(*) FROM relay_metrics c WHERE c.relay = r.relay), r.notice"
	    " FROM relay_metrics r"
	    " WHERE r.time = (SELECT max(time) FROM relay_metrics l WHERE l.relay = r.relay)"
	    " GROUP BY r.relay ORDER BY r.relay LIMIT ?1";
	static const char pg_sql[] =
	    "SELECT DISTINCT ON (r.relay) r.relay, r.state, CAST(trunc(r.time) AS bigint),"
	    " r.connect_ms, r.eose_ms, r.events, r.duplicates, r.invalid, r.reconnects,"
	    " (SELECT count(*) FROM relay_metrics c WHERE c.relay = r.relay), r.notice"
	    " FROM relay_metrics r"
	    " WHERE r.time = (SELECT max(time) FROM relay_metrics l WHERE l.relay = r.relay)"
	    " ORDER BY r.relay, r.state LIMIT ?1";
	struct query_arg b[] = { Q_INT(o->limit), Q_END };

	return dbq_table(db, cols, NCOLS(cols), dbq_pick(db, lite_sql, pg_sql), b);
}

struct table *
report_zap_sizes(struct dbq *db, const struct report_options *o)
{
	static const struct column cols[] = {
		{ "min_sats", CELL_INT, 0, 0, 0 },
		{ "max_sats", CELL_INT, 0, 0, 0 },
		{ "zaps", CELL_INT, 0, 0, 0 },
		{ "sats", CELL_INT, 0, 0, 0 },
	};
	/* Buckets by order of magnitude in halves (1, 5, 10, 50, ...), the way
	 * people pick zap amounts; the last one is open-ended. */
	/* The buckets cover 0 and up without gaps, so each zap falls in the one
	 * with the greatest lo not above its sats (the CASE, with b's bounds, as
	 * zaps_hourly.bucket): the window's whole hours from zaps_hourly, its
	 * ends from zaps_created, then the empty buckets filled in. */
	static const char sql[] =
	    "WITH b(lo, hi) AS (VALUES (0, 0), (1, 4), (5, 9), (10, 49), (50, 99),"
	    " (100, 499), (500, 999), (1000, 4999), (5000, 9999), (10000, 49999),"
	    " (50000, 99999), (100000, NULL)),"
	    " s(lo, n, sats) AS (SELECT CASE WHEN z.sats >= 100000 THEN 100000"
	    "  WHEN z.sats >= 50000 THEN 50000 WHEN z.sats >= 10000 THEN 10000"
	    "  WHEN z.sats >= 5000 THEN 5000 WHEN z.sats >= 1000 THEN 1000"
	    "  WHEN z.sats >= 500 THEN 500 WHEN z.sats >= 100 THEN 100"
	    "  WHEN z.sats >= 50 THEN 50 WHEN z.sats >= 10 THEN 10"
	    "  WHEN z.sats >= 5 THEN 5 WHEN z.sats >= 1 THEN 1 ELSE 0 END,"
	    "  1, z.sats FROM zaps z"
	    "  WHERE z.valid = 1 AND z.sats >= 0 AND ((z.created_at > ?1 AND z.created_at < ?3)"
	    "  OR (z.created_at >= ?4 AND z.created_at <= ?2))"
	    "  UNION ALL SELECT bucket, zaps, sats FROM zaps_hourly"
	    "  WHERE valid = 1 AND bucket >= 0 AND hour >= ?3 AND hour < ?4),"
	    " t(lo, n, sats) AS (SELECT lo, sum(n), sum(sats) FROM s GROUP BY lo)"
	    " SELECT b.lo, b.hi, coalesce(t.n, 0), coalesce(t.sats, 0)"
	    " FROM b LEFT JOIN t ON t.lo = b.lo ORDER BY b.lo";
	struct hours w = hours_of(since(o, 0), o->now);
	struct query_arg b[] = { Q_INT(w.since), Q_INT(o->now), Q_INT(w.a), Q_INT(w.b), Q_END };

	return dbq_table(db, cols, NCOLS(cols), sql, b);
}

static struct table *
zap_parties(struct dbq *db, const struct report_options *o, int by_sender)
{
	static const struct column cols[] = {
		{ "pubkey", CELL_TEXT, 0, 0, 0 },
		{ "name", CELL_TEXT, W_NAME, 0, 0 },
		{ "zaps", CELL_INT, 0, 0, 0 },
		{ "sats", CELL_INT, 0, 0, 0 },
	};
	/* Grouped in the index's order; names looked up for the winners only. */
#define ZAP_PARTIES_SQL(party, indexed) \
	    "SELECT k.pubkey, (SELECT " PROFILE_NAME("u") " FROM user_profiles u" \
	    " WHERE u.aid = z.p), z.n, z.s FROM" \
	    " (SELECT " party " AS p, count(*) AS n, coalesce(sum(sats), 0) AS s" \
	    "  FROM zaps " indexed \
	    "  WHERE valid = 1 AND " party " IS NOT NULL" \
	    "  AND created_at > ?1 AND created_at <= ?2" \
	    "  GROUP BY " party " ORDER BY s DESC, n DESC," \
	    "  (SELECT pubkey FROM pubkeys WHERE aid = " party ") LIMIT ?3) z" \
	    " JOIN pubkeys k ON k.aid = z.p ORDER BY z.s DESC, z.n DESC, k.pubkey"
	/* All time up to now, when no zap is later: the top of zap_*_totals. */
#define ZAP_TOTALS_SQL(table) \
	    "SELECT k.pubkey, (SELECT " PROFILE_NAME("u") " FROM user_profiles u" \
	    " WHERE u.aid = z.p), z.n, z.s FROM" \
	    " (SELECT aid AS p, zaps AS n, sats AS s FROM " table " t" \
	    "  ORDER BY s DESC, n DESC, (SELECT pubkey FROM pubkeys WHERE aid = t.aid)" \
	    "  LIMIT ?3) z" \
	    " JOIN pubkeys k ON k.aid = z.p ORDER BY z.s DESC, z.n DESC, k.pubkey"
	/* [engine][all time][by sender]; PostgreSQL has no INDEXED BY. */
	static const char *const sql[2][2][2] = {
		[DB_ENGINE_SQLITE] = {
			{ ZAP_PARTIES_SQL("recipient", "INDEXED BY zaps_valid_recipient"),
			    ZAP_PARTIES_SQL("sender", "INDEXED BY zaps_valid_sender") },
			{ ZAP_TOTALS_SQL("zap_recipient_totals"),
			    ZAP_TOTALS_SQL("zap_sender_totals") },
		},
		[DB_ENGINE_POSTGRESQL] = {
			{ ZAP_PARTIES_SQL("recipient", ""), ZAP_PARTIES_SQL("sender", "") },
			{ ZAP_TOTALS_SQL("zap_recipient_totals"),
			    ZAP_TOTALS_SQL("zap_sender_totals") },
		},
	};
#undef ZAP_PARTIES_SQL
#undef ZAP_TOTALS_SQL
	struct query_arg b[] = { Q_INT(since(o, 0)), Q_INT(o->now), Q_INT(o->limit), Q_END };

	return dbq_table(db, cols, NCOLS(cols),
	    sql[db->engine][all_time_zaps(db, o)][by_sender != 0], b);
}

struct table *
report_top_zappers(struct dbq *db, const struct report_options *o)
{
	return zap_parties(db, o, 1);
}

struct table *
report_top_recipients(struct dbq *db, const struct report_options *o)
{
	return zap_parties(db, o, 0);
}

struct table *
report_languages(struct dbq *db, const struct report_options *o)
{
	static const struct column cols[] = {
		{ "lang", CELL_TEXT, 8, 0, 0 },
		{ "events", CELL_INT, 0, 0, 0 },
		{ "share", CELL_REAL, 0, 3, 0 },
	};
	/* Whole hours from languages_hourly ('und' there is no language too),
	 * the partial hours at the window's ends from nostr_events_kind.  A
	 * language with no event has no row, 'und' included. */
	static const char sql[] =
	    "WITH c(lang, n) AS (SELECT lang, events FROM languages_hourly"
	    "  WHERE hour >= ?4 AND hour < ?5"
	    "  UNION ALL SELECT coalesce(lang, 'und'), 1 FROM nostr_events"
	    "  WHERE kind IN (" SCORE_CONTENT_KINDS ") AND created_at > ?1 AND created_at < ?4"
	    "  UNION ALL SELECT coalesce(lang, 'und'), 1 FROM nostr_events"
	    "  WHERE kind IN (" SCORE_CONTENT_KINDS ") AND created_at >= ?5 AND created_at <= ?2),"
	    " l AS (SELECT lang, sum(n) AS n FROM c GROUP BY lang HAVING sum(n) > 0)"
	    " SELECT lang, n, CAST(n AS DOUBLE PRECISION) / (SELECT sum(n) FROM l) FROM l"
	    " ORDER BY n DESC, lang LIMIT ?3";
	struct hours w = hours_of(since(o, 0), o->now);
	struct query_arg b[] = { Q_INT(w.since), Q_INT(o->now), Q_INT(o->limit), Q_INT(w.a),
	    Q_INT(w.b), Q_END };

	return dbq_table(db, cols, NCOLS(cols), sql, b);
}

struct table *
report_growth(struct dbq *db, const struct report_options *o, double period_hours)
{
	static const struct column cols[] = {
		{ "window_end", CELL_INT, 0, 0, COLUMN_TIME },
		{ "window_hours", CELL_REAL, 0, 0, 0 },
		{ "events", CELL_INT, 0, 0, 0 },
		{ "events_per_second", CELL_REAL, 0, 3, 0 },
		{ "active_users", CELL_INT, 0, 0, 0 },
		{ "new_users", CELL_INT, 0, 0, 0 },
		{ "total_users", CELL_INT, 0, 0, 0 },
		{ "zaps", CELL_INT, 0, 0, 0 },
		{ "zap_sats", CELL_INT, 0, 0, 0 },
		{ "events_growth", CELL_REAL, 0, 3, 0 },
		{ "users_growth", CELL_REAL, 0, 3, 0 },
	};
	/* Runs at different times leave windows that overlap; show the series of
	 * the latest run: ends a whole number of periods before its newest end. */
	static const char sql[] =
	    "WITH last AS (SELECT max(window_end) AS e FROM network_stats"
	    "  WHERE window_hours = ?1)"
	    " SELECT window_end, window_hours, events, events / (window_hours * 3600.0),"
	    " active_users, new_users, total_users, zaps, zap_sats, events_growth,"
	    " users_growth FROM network_stats, last WHERE window_hours = ?1"
	    " AND (last.e - window_end) % CAST(round(?1 * 3600) AS INTEGER) = 0"
	    " ORDER BY window_end DESC LIMIT ?2";
	struct query_arg b[] = { Q_REAL(period_hours), Q_INT(o->limit), Q_END };
	struct table *t = dbq_table(db, cols, NCOLS(cols), sql, b);
	size_t r;

	/* window_hours holds a REAL; show 1 and 24 as they are. */
	for (r = 0; t != NULL && r < t->nrows; r++)
		if (table_cell(t, r, 1)->type == CELL_REAL)
			table_set_int(t, r, 1, (int64_t)llround(table_cell(t, r, 1)->r));
	return t;
}

struct table *
report_kinds(struct dbq *db, const struct report_options *o)
{
	static const struct column cols[] = {
		{ "kind", CELL_INT, 0, 0, 0 },
		{ "events", CELL_INT, 0, 0, 0 },
	};
	/* Whole hours from events_hourly, the window's ends from nostr_events. */
	static const char sql[] =
	    "SELECT kind, sum(n) AS n FROM (SELECT kind, events AS n FROM events_hourly"
	    "  WHERE hour >= ?4 AND hour < ?5"
	    "  UNION ALL SELECT kind, 1 FROM nostr_events WHERE created_at > ?1 AND created_at < ?4"
	    "  UNION ALL SELECT kind, 1 FROM nostr_events WHERE created_at >= ?5 AND created_at <= ?2) x"
	    " GROUP BY kind HAVING sum(n) > 0 ORDER BY n DESC, kind LIMIT ?3";
	struct hours w = hours_of(since(o, 0), o->now);
	struct query_arg b[] = { Q_INT(w.since), Q_INT(o->now), Q_INT(o->limit), Q_INT(w.a),
	    Q_INT(w.b), Q_END };

	return dbq_table(db, cols, NCOLS(cols), sql, b);
}

/* The series, each (bucket, value) rows for the buckets (?1 + b*?2, ?1 + (b+1)*?2]
 * up to ?3: rolling buckets that end at now, not calendar hours or days. */
static const char *const series_sql[] = {
	[REPORT_SERIES_EVENTS] =
	    "SELECT (created_at - ?1 - 1) / ?2, count(*) FROM nostr_events"
	    " WHERE created_at > ?1 AND created_at <= ?3 GROUP BY 1",
	/* One row per user, bucketed here: users_first_seen gives them in order,
	 * where a GROUP BY of the bucket would sort them again. */
	[REPORT_SERIES_NEW_USERS] =
	    "SELECT (first_seen - ?1 - 1) / ?2, 1 FROM users"
	    " WHERE first_seen > ?1 AND first_seen <= ?3",
	[REPORT_SERIES_ZAP_SATS] =
	    "SELECT (created_at - ?1 - 1) / ?2, coalesce(sum(sats), 0) FROM zaps"
	    " WHERE valid = 1 AND created_at > ?1 AND created_at <= ?3 GROUP BY 1",
};

/* The sums of the series that a summary holds per hour: the hours from ?1 to
 * ?2 (summary_hours_sql), to be taken where a bucket holds the whole hour. */
static const char *const summary_hours_sql[] = {
	[REPORT_SERIES_EVENTS] =
	    "SELECT hour, sum(events) FROM events_hourly WHERE hour >= ?1 AND hour <= ?2"
	    " GROUP BY hour",
	[REPORT_SERIES_ZAP_SATS] =
	    "SELECT hour, sum(sats) FROM zaps_hourly WHERE valid = 1 AND hour >= ?1"
	    " AND hour <= ?2 GROUP BY hour",
};

/* The raw rows of an hour a boundary cuts, (?4, ?3], into the buckets of
 * series_sql's ?1 and ?2. */
static const char *const cut_sql[] = {
	[REPORT_SERIES_EVENTS] =
	    "SELECT (created_at - ?1 - 1) / ?2, count(*) FROM nostr_events"
	    " WHERE created_at > ?4 AND created_at <= ?3 GROUP BY 1",
	[REPORT_SERIES_ZAP_SATS] =
	    "SELECT (created_at - ?1 - 1) / ?2, coalesce(sum(sats), 0) FROM zaps"
	    " WHERE valid = 1 AND created_at > ?4 AND created_at <= ?3 GROUP BY 1",
};

/* The sum of the raw rows of (?1, ?2] of the series' summaries. */
static const char *const range_sql[] = {
	[REPORT_SERIES_EVENTS] =
	    "SELECT count(*) FROM nostr_events WHERE created_at > ?1 AND created_at <= ?2",
	[REPORT_SERIES_ZAP_SATS] =
	    "SELECT coalesce(sum(sats), 0) FROM zaps"
	    " WHERE valid = 1 AND created_at > ?1 AND created_at <= ?2",
};

/* The (key, value) rows the series read. */
static const struct column pair_cols[] = {
	{ "key", CELL_INT, 0, 0, 0 },
	{ "value", CELL_INT, 0, 0, 0 },
};

/* pairs: the (key, value) rows of sql with args, or NULL after an error. */
static struct table *
pairs(struct dbq *db, const char *sql, const struct query_arg *args)
{
	return dbq_table(db, pair_cols, NCOLS(pair_cols), sql, args);
}

/* pair_int: column c of row r of a pairs table as an integer (NULL: 0). */
static int64_t
pair_int(const struct table *p, size_t r, size_t c)
{
	return (int64_t)table_number(p, r, c);
}

/* series_add: adds the (bucket, value) rows of sql with args to t's n
 * buckets.  Returns 0 or -1. */
static int
series_add(struct dbq *db, struct table *t, size_t n, const char *sql,
    const struct query_arg *args)
{
	struct table *p = pairs(db, sql, args);
	int64_t bucket;
	size_t r;

	if (p == NULL)
		return -1;
	for (r = 0; r < p->nrows; r++) {
		bucket = pair_int(p, r, 0);
		if (bucket >= 0 && bucket < (int64_t)n)
			table_set_int(t, (size_t)bucket, 1,
			    table_cell(t, (size_t)bucket, 1)->i + pair_int(p, r, 1));
	}
	table_free(p);
	return 0;
}

/* hour_sum: the summary's sum of the hour starting at h (p: its rows). */
static int64_t
hour_sum(const struct table *p, int64_t h)
{
	size_t r;

	for (r = 0; r < p->nrows; r++)
		if (pair_int(p, r, 0) == h)
			return pair_int(p, r, 1);
	return 0;
}

/* bucket_add: adds v to bucket b of t's n, when there is one. */
static void
bucket_add(struct table *t, size_t n, int64_t b, int64_t v)
{
	if (b >= 0 && b < (int64_t)n)
		table_set_int(t, (size_t)b, 1, table_cell(t, (size_t)b, 1)->i + v);
}

/*
 * cut_hour: the rows of the hour [hour, hour + 3599] that the boundary cut
 * splits between buckets k - 1 (up to cut) and k.  An hour wholly in the
 * window has its sum in the summary: only the shorter side is read raw, the
 * other is the rest of the sum.  The hours at the window's ends are read raw
 * from (from, to], bucketed.
 */
static int
cut_hour(struct dbq *db, struct table *t, const struct table *p, enum report_series which,
    size_t n, int64_t base, int64_t step, int64_t k, int64_t now)
{
	int64_t cut = base + k * step, hour = cut - cut % 3600;
	int64_t from = hour - 1 > base ? hour - 1 : base;
	int64_t to = hour + 3599 < now ? hour + 3599 : now;
	int64_t side = 0, sum;
	int left;

	if (cut - hour == 3599 || from >= to)
		return 0;  /* the boundary ends its hour: none is cut */
	if (from != hour - 1 || to != hour + 3599) {
		struct query_arg cb[] = { Q_INT(base), Q_INT(step), Q_INT(to), Q_INT(from),
		    Q_END };

		return series_add(db, t, n, cut_sql[which], cb);
	}
	left = cut - hour < hour + 3599 - cut;  /* [hour, cut] is the shorter side */
	{
		struct query_arg rb[] = { Q_INT(left ? hour - 1 : cut),
		    Q_INT(left ? cut : hour + 3599), Q_END };

		if (dbq_int(db, range_sql[which], rb, &side) != 0)
			return -1;
	}
	sum = hour_sum(p, hour);
	bucket_add(t, n, k - 1, left ? side : sum - side);
	bucket_add(t, n, k, left ? sum - side : side);
	return 0;
}

/*
 * series_from_hours: a sum series whose step is whole hours, as the
 * summaries read a window (schema.sql): each hour that lies whole in one
 * bucket from the summary, each hour a bucket boundary cuts by cut_hour
 * (base's and now's among them; with steps of whole hours, all or none are
 * cut).  An hour [h, h + 3599] is whole in a bucket when no boundary
 * base + k*step falls in [h, h + 3598].
 */
static int
series_from_hours(struct dbq *db, struct table *t, enum report_series which, size_t n,
    int64_t base, int64_t step, int64_t now)
{
	struct query_arg hb[] = { Q_INT(base + 1 - (base + 1) % 3600), Q_INT(now), Q_END };
	struct table *p = pairs(db, summary_hours_sql[which], hb);
	int64_t h, k;
	size_t r;
	int rc = 0;

	if (p == NULL)
		return -1;
	for (r = 0; r < p->nrows; r++) {
		h = pair_int(p, r, 0);
		if (h > base && h + 3599 <= now &&
		    (h - base - 1) / step == (h + 3599 - base - 1) / step)
			bucket_add(t, n, (h - base - 1) / step, pair_int(p, r, 1));
	}
	for (k = 0; rc == 0 && k <= (int64_t)n; k++)
		rc = cut_hour(db, t, p, which, n, base, step, k, now);
	table_free(p);
	return rc;
}

struct table *
report_series(struct dbq *db, const struct report_options *o, enum report_series which,
    size_t n, int64_t step)
{
	static const struct column cols[] = {
		{ "time", CELL_INT, 0, 0, COLUMN_TIME },
		{ "value", CELL_INT, 0, 0, 0 },
	};
	int64_t base = o->now - (int64_t)n * step;
	struct query_arg b[] = { Q_INT(base), Q_INT(step), Q_INT(o->now), Q_END };
	struct table *t = table_new(cols, NCOLS(cols));
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		table_add_row(t);
		table_set_int(t, i, 0, base + (int64_t)i * step);
		table_set_int(t, i, 1, 0);
	}
	/* created_at is never negative: a window from before 0 is read raw. */
	if ((which == REPORT_SERIES_EVENTS || which == REPORT_SERIES_ZAP_SATS) &&
	    step % 3600 == 0 && step > 0 && base >= 0)
		rc = series_from_hours(db, t, which, n, base, step, o->now);
	else
		rc = series_add(db, t, n, series_sql[which], b);
	if (rc != 0) {
		table_free(t);
		return NULL;
	}
	return t;
}

/*
 * The distinct authors of whole UTC periods from the summaries (?1 the
 * first period's start, ?2 the last's), and of the one now falls in, up to
 * now (?1 its start, ?2 now), from the stored rows; and whether an event is
 * stored after now in it (?1 now, ?2 its end), when the summary would count it.
 */
static const char *const authors_summary_sql[] = {
	"SELECT hour, authors FROM authors_hourly WHERE hour >= ?1 AND hour <= ?2",
	"SELECT day, authors FROM authors_daily WHERE day >= ?1 AND day <= ?2",
};
static const char authors_raw_sql[] =
    "SELECT count(DISTINCT aid) FROM nostr_events WHERE created_at >= ?1 AND created_at <= ?2";
static const char authors_after_sql[] =
    "SELECT count(*) FROM (SELECT 1 FROM nostr_events WHERE created_at > ?1 AND created_at < ?2"
    " LIMIT 1) x";

struct table *
report_authors_series(struct dbq *db, const struct report_options *o, size_t n, int64_t step)
{
	static const struct column cols[] = {
		{ "time", CELL_INT, 0, 0, COLUMN_TIME },
		{ "value", CELL_INT, 0, 0, 0 },
	};
	int64_t last = o->now - o->now % step, first = last - ((int64_t)n - 1) * step;
	int64_t after = 0, value = 0, at;
	struct query_arg b[] = { Q_INT(first), Q_INT(last), Q_END };
	struct query_arg a[] = { Q_INT(o->now), Q_INT(last + step), Q_END };
	struct query_arg r[] = { Q_INT(last), Q_INT(o->now), Q_END };
	struct table *t, *p;
	size_t i;

	if ((step != 3600 && step != 86400) || n == 0 || o->now < 0)
		return NULL;
	t = table_new(cols, NCOLS(cols));
	for (i = 0; i < n; i++) {
		table_add_row(t);
		table_set_int(t, i, 0, first + (int64_t)i * step);
		table_set_int(t, i, 1, 0);
	}
	if ((p = pairs(db, authors_summary_sql[step == 86400], b)) == NULL)
		goto fail;
	for (i = 0; i < p->nrows; i++) {
		at = pair_int(p, i, 0);
		if (at >= first && at <= last && (at - first) % step == 0)
			table_set_int(t, (size_t)((at - first) / step), 1, pair_int(p, i, 1));
	}
	table_free(p);
	if (dbq_int(db, authors_after_sql, a, &after) != 0)
		goto fail;
	if (after > 0) {
		if (dbq_int(db, authors_raw_sql, r, &value) != 0)
			goto fail;
		table_set_int(t, n - 1, 1, value);
	}
	return t;
fail:
	table_free(t);
	return NULL;
}

int
report_reference_time(struct dbq *db, int64_t *out)
{
	*out = 0;
	if (dbq_int(db, "SELECT max(window_end) FROM network_stats", NULL, out) != 0)
		return -1;
	if (*out <= 0 &&
	    dbq_int(db, "SELECT max(created_at) FROM nostr_events", NULL, out) != 0)
		return -1;
	return 0;
}
