#include "store/pgload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <libpq-fe.h>

#include "base/buf.h"
#include "store/pgconn.h"
#include "store/pgstage.h"
#include "store/summary.h"

/*
 * The batch's working tables, emptied at each commit (the staging ones,
 * store/pgstage.h, at the start of the next batch: stage()):
 *   b     the batch's distinct events (one line per id), with their author's
 *         aid, whether they are stored already (or another loader stored
 *         them first), and the verdict: state 0 to be stored, 1 stored
 *         already, 2 not the newest version of its replaceable key, 3
 *         deleted before;
 *   hc    the replaceable keys whose head the batch moves, the new head and
 *         the one it replaces;
 *   ins   the events the batch inserted (eid and what the summaries count),
 *         less those taken out again under the lock;
 *   gone  the stored events the batch removes (replaced, why 2, or deleted,
 *         why 1), with what the summaries had counted of them.
 */
static const char *const work_sql =
    /* Room for a batch's temporary tables in memory (8 MB by default: a
     * 20000-event batch's staging rows alone took 1.3 s to COPY then). */
    "SET temp_buffers = '256MB';"
    /* The batch's tables are simple: a small sample serves the planner
     * (ANALYZE of a 20000-event batch took 0.2 s at the default 100). */
    "SET default_statistics_target = 10;"
    "CREATE TEMP TABLE b (seq bigint, id bytea, pubkey bytea, created_at bigint,"
    " kind integer, d_tag text, aid bigint, dup boolean, state integer)"
    " ON COMMIT DELETE ROWS;"
    "CREATE TEMP TABLE hc (aid bigint, kind integer, d_tag text, id bytea,"
    " created_at bigint, old_id bytea, old_at bigint) ON COMMIT DELETE ROWS;"
    "CREATE TEMP TABLE ins (eid bigint PRIMARY KEY, id bytea, created_at bigint, aid bigint,"
    " kind integer, lang text, seq bigint) ON COMMIT DELETE ROWS;"
    "CREATE TEMP TABLE gone (eid bigint PRIMARY KEY, created_at bigint, kind integer,"
    " lang text, aid bigint, why integer, zap boolean NOT NULL DEFAULT false, valid integer,"
    " sats bigint, event_id bytea, sender bigint, recipient bigint) ON COMMIT DELETE ROWS";

/* The event rows of b whose verdict is 0 and that meet COND go in, by
 * created_at and id, an event another loader stored meanwhile left out;
 * ins gets what they became.  (One order for every loader, deletions first,
 * so that loaders inserting the same events wait for one another and never
 * deadlock; time order, as the time indexes cost least so: 1.8 s for
 * 100000 events against 2.8 s by id.) */
#define EVENT_INSERT(cond) \
	"WITH x AS (INSERT INTO nostr_events(id, aid, created_at, kind, content," \
	" content_raw, tags, sig, d_tag, lang, words, pow, client, relay, received_at, meta," \
	" derived)" \
	" SELECT s.id, b.aid, s.created_at, s.kind, s.content, s.content_raw, s.tags, s.sig," \
	" s.d_tag, s.lang, s.words, s.pow, s.client, s.relay, s.received_at, s.meta, s.derived" \
	" FROM b JOIN s_events s ON s.seq = b.seq WHERE b.state = 0 AND " cond \
	" ORDER BY b.created_at, b.id ON CONFLICT DO NOTHING" \
	" RETURNING eid, id, created_at, aid, kind, lang)" \
	" INSERT INTO ins(eid, id, created_at, aid, kind, lang, seq)" \
	" SELECT x.eid, x.id, x.created_at, x.aid, x.kind, x.lang, b.seq" \
	" FROM x JOIN b ON b.id = x.id AND b.created_at = x.created_at"

/* What a prune removes and has cut off stays out (store/prune.h, db.c). */
#define EXPIRED \
	"d_tag IS NULL AND kind <> 5 AND created_at <" \
	" (SELECT coalesce(max(pruned_before), 0) FROM retention)"

/* A zap party's totals (zap_sender_totals, zap_recipient_totals): what the
 * batch's valid zaps add and its removed ones take back, and the rows taken
 * back to 0 out. */
#define PARTY_SUM(table, party) \
	"INSERT INTO " table " AS t (aid, zaps, sats)" \
	" SELECT " party ", sum(n), sum(n * coalesce(sats, 0)) FROM (" \
	" SELECT z." party ", z.sats, 1 AS n FROM ins i JOIN zaps z ON z.eid = i.eid" \
	" WHERE z.valid = 1 AND z." party " IS NOT NULL" \
	" UNION ALL SELECT " party ", sats, -1 FROM gone" \
	" WHERE zap AND valid = 1 AND " party " IS NOT NULL) x" \
	" GROUP BY 1 HAVING sum(n) <> 0 OR sum(n * coalesce(sats, 0)) <> 0" \
	" ON CONFLICT (aid) DO UPDATE SET zaps = t.zaps + excluded.zaps," \
	" sats = t.sats + excluded.sats"
#define PARTY_ZERO(table, party) \
	"DELETE FROM " table " t USING gone g" \
	" WHERE g.zap AND t.aid = g." party " AND t.zaps = 0"

enum apply {
	/* Before the loaders' lock. */
	A_BATCH, A_ANALYZE_B, A_AID, A_HEADS, A_ANALYZE_HC, A_STATE_HEAD, A_INSERT_5,
	A_DELETIONS, A_REFUSED, A_REFUSED_ADDR, A_INSERT, A_ANALYZE_INS, A_RACED, A_HASHTAGS,
	A_REFS, A_REPLIES, A_PUBKEYS_2, A_MENTIONS, A_REACTIONS, A_REPOSTS, A_ZAPS, A_HC_CLEAR,
	/* Under it (from A_HEADS_AGAIN, FIRST_LOCKED). */
	A_HEADS_AGAIN, A_HEADS_2, A_ANALYZE_HC_2, A_HEADS_SET, A_STATE_HEAD_2, A_GONE_ID,
	A_GONE_ADDR, A_GONE_OLD, A_REFUSED_2, A_REFUSED_ADDR_2, A_LOSERS, A_ANALYZE_GONE,
	A_GONE_ZAPS, A_REMOVE, A_USERS, A_FOLLOWS, A_PROFILES, A_SUM_EVENTS, A_ZERO_EVENTS,
	A_EVENT_COUNTS, A_SUM_AUTHORS_HOUR, A_ZERO_AUTHORS_HOUR, A_SUM_AUTHORS_DAY,
	A_ZERO_AUTHORS_DAY, A_SUM_LANGS, A_ZERO_LANGS, A_SUM_ZAPS, A_ZERO_ZAPS, A_SUM_ZAPPED,
	A_ZERO_ZAPPED, A_SUM_SENDERS, A_ZERO_SENDERS, A_SUM_RECIPIENTS, A_ZERO_RECIPIENTS,
	A_RELAYS, A_SUM_STATE, A_SUM_MARKS, A_COUNT
};
#define FIRST_LOCKED A_HEADS_AGAIN

/* NIP-01: the newest version wins, on a tie the lowest id; hc gets the
 * keys whose head the batch moves (against the heads committed so far). */
#define HEADS \
	"INSERT INTO hc SELECT h.aid, h.kind, h.d_tag, h.id, h.created_at, r.event_id," \
	" r.created_at FROM (SELECT DISTINCT ON (aid, kind, d_tag) aid, kind, d_tag, id," \
	" created_at FROM b WHERE d_tag IS NOT NULL" \
	" ORDER BY aid, kind, d_tag, created_at DESC, id) h" \
	" LEFT JOIN replaceable_heads r" \
	" ON r.aid = h.aid AND r.kind = h.kind AND r.d_tag = h.d_tag" \
	" WHERE r.event_id IS NULL OR h.created_at > r.created_at" \
	" OR (h.created_at = r.created_at AND h.id < r.event_id)"
/* The new heads go in. */
#define STATE_HEAD \
	"UPDATE b SET state = 0 FROM hc" \
	" WHERE hc.id = b.id AND hc.created_at = b.created_at AND NOT b.dup"
/* What a deletion stored so far names stays out: an event by id, a version
 * of an address up to the deletion's time. */
#define REFUSED \
	"UPDATE b SET state = 3 FROM deletions x WHERE b.state = 0 AND b.kind <> 5" \
	" AND x.target = b.id AND x.aid = b.aid"
#define REFUSED_ADDR \
	"UPDATE b SET state = 3 FROM deletions x WHERE b.state = 0 AND b.d_tag IS NOT NULL" \
	" AND x.target = convert_to(b.kind || ':' || encode(b.pubkey, 'hex') || ':' || b.d_tag," \
	" 'UTF8') AND x.aid = b.aid AND x.created_at >= b.created_at"

/*
 * The set-based writes of a batch, in order: lib/store/db.c's rules for one
 * event at a time, for all of them at once.  The outcome is that of loading
 * the batch's events one by one in any order: the newest version of a key
 * is its head whether or not it is stored; a deletion removes what it names
 * and keeps out what comes later; derived rows come only with a stored event.
 *
 * In two parts, so that loaders work at once on most of a batch.  Before
 * the loaders' lock, the batch's verdicts against what is committed, and
 * the events they let in with the rows that belong to them alone (their
 * deletions, hashtags, mentions, refs, replies, reactions, reposts, zaps)
 * and the pubkeys those name: rows no other loader sees before the commit,
 * nor waits for but to insert the same event or pubkey (in one order for
 * all, so never in a cycle; and the batch under the lock waits for none of
 * them).  Under the lock, which the batch holds to its commit, the verdicts
 * again against every batch committed before, and the events they no
 * longer let in (another loader stored a newer version, or a deletion,
 * meanwhile) taken out again with their rows; then everything that other
 * batches write too: heads, removals, users, follows, profiles, summaries.
 */
static const char *const apply_sql[A_COUNT] = {
	/* The batch's distinct events, less what a prune cut off; stored
	 * already (1), or a version of a replaceable key (2 until it proves
	 * the newest, A_STATE_HEAD). */
	[A_BATCH] =
	    "INSERT INTO b(seq, id, pubkey, created_at, kind, d_tag, dup, state)"
	    " SELECT seq, id, pubkey, created_at, kind, d_tag, dup,"
	    " CASE WHEN dup THEN 1 WHEN d_tag IS NULL THEN 0 ELSE 2 END FROM ("
	    " SELECT DISTINCT ON (id, created_at) seq, id, pubkey, created_at, kind, d_tag,"
	    " EXISTS (SELECT 1 FROM nostr_events e WHERE e.id = s.id"
	    " AND e.created_at = s.created_at) AS dup"
	    " FROM s_events s WHERE NOT (" EXPIRED ") ORDER BY id, created_at, seq) t",
	/* Temporary tables have no statistics but what ANALYZE gives them;
	 * statistics of a column since changed mislead as much (the verdicts
	 * analyzed before they were set took 0.4 s a batch in a nested loop). */
	[A_ANALYZE_B] = "ANALYZE b",
	/* The authors' pubkeys are there (authors_sql). */
	[A_AID] = "UPDATE b SET aid = k.aid FROM pubkeys k WHERE k.pubkey = b.pubkey",
	[A_HEADS] = HEADS,
	[A_ANALYZE_HC] = "ANALYZE hc",
	[A_STATE_HEAD] = STATE_HEAD,
	/* Deletions first: NIP-09 lets nothing delete them. */
	[A_INSERT_5] = EVENT_INSERT("b.kind = 5"),
	[A_DELETIONS] =
	    "INSERT INTO deletions(eid, target, aid, created_at, reason)"
	    " SELECT i.eid, d.target, i.aid, i.created_at, s.content FROM ins i"
	    " JOIN s_deletions d ON d.seq = i.seq JOIN s_events s ON s.seq = i.seq"
	    " ON CONFLICT DO NOTHING",
	[A_REFUSED] = REFUSED,
	[A_REFUSED_ADDR] = REFUSED_ADDR,
	[A_INSERT] = EVENT_INSERT("b.kind <> 5"),
	[A_ANALYZE_INS] = "ANALYZE ins",
	/* An event another loader stored first is one stored already. */
	[A_RACED] =
	    "UPDATE b SET dup = true, state = 1 WHERE state = 0"
	    " AND NOT EXISTS (SELECT 1 FROM ins i WHERE i.seq = b.seq)",
	[A_HASHTAGS] =
	    "INSERT INTO hashtags(created_at, eid, hashtag, aid, kind)"
	    " SELECT i.created_at, i.eid, h.hashtag, i.aid, i.kind FROM ins i"
	    " JOIN s_hashtags h ON h.seq = i.seq ON CONFLICT DO NOTHING",
	[A_REFS] =
	    "INSERT INTO refs(created_at, eid, ref, aid, kind)"
	    " SELECT i.created_at, i.eid, r.ref, i.aid, i.kind FROM ins i"
	    " JOIN s_refs r ON r.seq = i.seq ON CONFLICT DO NOTHING",
	[A_REPLIES] =
	    "INSERT INTO replies(created_at, eid, reply_to, root, aid)"
	    " SELECT i.created_at, i.eid, r.reply_to, r.root, i.aid FROM ins i"
	    " JOIN s_replies r ON r.seq = i.seq ON CONFLICT DO NOTHING",
	/* In the order of the pubkeys, as authors_sql.  (An event taken out
	 * again under the lock leaves the pubkeys it named, as an event
	 * replaced later does in either engine.) */
	[A_PUBKEYS_2] =
	    "INSERT INTO pubkeys(pubkey) SELECT DISTINCT t.pk FROM ("
	    " SELECT m.pubkey AS pk FROM s_mentions m JOIN ins i ON i.seq = m.seq"
	    " UNION ALL SELECT f.followed FROM s_follows f JOIN ins i ON i.seq = f.seq"
	    " UNION ALL SELECT x.target_pubkey FROM s_reactions x JOIN ins i ON i.seq = x.seq"
	    " UNION ALL SELECT p.target_pubkey FROM s_reposts p JOIN ins i ON i.seq = p.seq"
	    " UNION ALL SELECT z.sender FROM s_zaps z JOIN ins i ON i.seq = z.seq"
	    " UNION ALL SELECT z.recipient FROM s_zaps z JOIN ins i ON i.seq = z.seq) t"
	    " WHERE t.pk IS NOT NULL"
	    " AND NOT EXISTS (SELECT 1 FROM pubkeys k WHERE k.pubkey = t.pk)"
	    " ORDER BY t.pk ON CONFLICT DO NOTHING",
	[A_MENTIONS] =
	    "INSERT INTO mentions(created_at, eid, mentioned, aid, kind)"
	    " SELECT i.created_at, i.eid, k.aid, i.aid, i.kind FROM ins i"
	    " JOIN s_mentions m ON m.seq = i.seq JOIN pubkeys k ON k.pubkey = m.pubkey"
	    " ON CONFLICT DO NOTHING",
	[A_REACTIONS] =
	    "INSERT INTO reactions(created_at, eid, target_id, target_pubkey, reaction, aid)"
	    " SELECT i.created_at, i.eid, x.target_id, k.aid, x.reaction, i.aid FROM ins i"
	    " JOIN s_reactions x ON x.seq = i.seq LEFT JOIN pubkeys k ON k.pubkey = x.target_pubkey"
	    " ON CONFLICT DO NOTHING",
	[A_REPOSTS] =
	    "INSERT INTO reposts(created_at, eid, target_id, target_pubkey, kind, aid)"
	    " SELECT i.created_at, i.eid, p.target_id, k.aid, i.kind, i.aid FROM ins i"
	    " JOIN s_reposts p ON p.seq = i.seq LEFT JOIN pubkeys k ON k.pubkey = p.target_pubkey"
	    " ON CONFLICT DO NOTHING",
	[A_ZAPS] =
	    "INSERT INTO zaps(eid, provider, sender, recipient, event_id, address, msat, sats,"
	    " comment, valid, problems, created_at)"
	    " SELECT i.eid, i.aid, ks.aid, kr.aid, z.event_id, z.address, z.msat, z.sats,"
	    " z.comment, z.valid, z.problems, i.created_at FROM ins i"
	    " JOIN s_zaps z ON z.seq = i.seq LEFT JOIN pubkeys ks ON ks.pubkey = z.sender"
	    " LEFT JOIN pubkeys kr ON kr.pubkey = z.recipient ON CONFLICT DO NOTHING",
	[A_HC_CLEAR] = "DELETE FROM hc",
	/* Under the lock: the versions let in go back to 2, to be judged
	 * against the heads committed since (which only ever get newer, so
	 * no version kept out before can be the head now). */
	[A_HEADS_AGAIN] = "UPDATE b SET state = 2 WHERE state = 0 AND d_tag IS NOT NULL",
	[A_HEADS_2] = HEADS,
	[A_ANALYZE_HC_2] = "ANALYZE hc",
	[A_HEADS_SET] =
	    "INSERT INTO replaceable_heads AS r (aid, kind, d_tag, event_id, created_at)"
	    " SELECT aid, kind, d_tag, id, created_at FROM hc"
	    " ON CONFLICT (aid, kind, d_tag) DO UPDATE"
	    " SET event_id = excluded.event_id, created_at = excluded.created_at",
	[A_STATE_HEAD_2] = STATE_HEAD,
	/* Only the author's own events, never a deletion; those of the
	 * batch itself were refused before they went in. */
	[A_GONE_ID] =
	    "INSERT INTO gone(eid, created_at, kind, lang, aid, why)"
	    " SELECT e.eid, e.created_at, e.kind, e.lang, e.aid, 1 FROM ins i"
	    " JOIN s_deletions d ON d.seq = i.seq AND d.kind IS NULL"
	    " JOIN nostr_events e ON e.id = d.target AND e.aid = i.aid AND e.kind <> 5"
	    " WHERE NOT EXISTS (SELECT 1 FROM ins j WHERE j.eid = e.eid)"
	    " ON CONFLICT DO NOTHING",
	[A_GONE_ADDR] =
	    "INSERT INTO gone(eid, created_at, kind, lang, aid, why)"
	    " SELECT e.eid, e.created_at, e.kind, e.lang, e.aid, 1 FROM ins i"
	    " JOIN s_deletions d ON d.seq = i.seq AND d.kind IS NOT NULL"
	    " JOIN nostr_events e ON e.aid = i.aid AND e.kind = d.kind AND e.d_tag = d.d_tag"
	    " AND e.created_at <= i.created_at"
	    " WHERE NOT EXISTS (SELECT 1 FROM ins j WHERE j.eid = e.eid)"
	    " ON CONFLICT DO NOTHING",
	[A_GONE_OLD] =
	    "INSERT INTO gone(eid, created_at, kind, lang, aid, why)"
	    " SELECT e.eid, e.created_at, e.kind, e.lang, e.aid, 2 FROM hc"
	    " JOIN nostr_events e ON e.id = hc.old_id AND e.created_at = hc.old_at"
	    " ON CONFLICT DO NOTHING",
	[A_REFUSED_2] = REFUSED,
	[A_REFUSED_ADDR_2] = REFUSED_ADDR,
	/* The events let in that lost since go out again, with what came with
	 * them (the cleanup trigger); the summaries never counted them. */
	[A_LOSERS] =
	    "WITH l AS (DELETE FROM ins USING b WHERE b.seq = ins.seq AND b.state <> 0"
	    " RETURNING ins.eid, ins.created_at)"
	    " DELETE FROM nostr_events e USING l WHERE e.eid = l.eid AND e.created_at = l.created_at",
	[A_ANALYZE_GONE] = "ANALYZE gone",
	[A_GONE_ZAPS] =
	    "UPDATE gone SET zap = true, valid = z.valid, sats = z.sats, event_id = z.event_id,"
	    " sender = z.sender, recipient = z.recipient FROM zaps z WHERE z.eid = gone.eid",
	/* The cleanup trigger takes the derived rows along. */
	[A_REMOVE] =
	    "DELETE FROM nostr_events e USING gone g"
	    " WHERE e.eid = g.eid AND e.created_at = g.created_at",
	/* Every author, also of events that are not stored; last_event from
	 * those stored (after the removals, whose trigger may lower it). */
	[A_USERS] =
	    "INSERT INTO users AS u (aid, first_seen, last_seen, last_event)"
	    " SELECT b.aid, min(b.created_at), max(b.created_at), max(i.created_at)"
	    " FROM b LEFT JOIN ins i ON i.seq = b.seq GROUP BY b.aid"
	    " ON CONFLICT (aid) DO UPDATE SET first_seen = least(u.first_seen,"
	    " excluded.first_seen), last_seen = greatest(u.last_seen, excluded.last_seen),"
	    " last_event = greatest(u.last_event, excluded.last_event)"
	    " WHERE excluded.first_seen < u.first_seen OR excluded.last_seen > u.last_seen"
	    " OR excluded.last_event > coalesce(u.last_event, -1)",
	/* A pubkey named twice in one list: its first p tag. */
	[A_FOLLOWS] =
	    "INSERT INTO follows AS f (follower, followed, eid, created_at, relay, petname)"
	    " SELECT i.aid, k.aid, i.eid, i.created_at, s.relay, s.petname"
	    " FROM (SELECT DISTINCT ON (seq, followed) * FROM s_follows"
	    " ORDER BY seq, followed, ord) s JOIN ins i ON i.seq = s.seq"
	    " JOIN pubkeys k ON k.pubkey = s.followed"
	    " ON CONFLICT (follower, followed) DO UPDATE SET eid = excluded.eid,"
	    " created_at = excluded.created_at, relay = excluded.relay,"
	    " petname = excluded.petname WHERE f.eid <> excluded.eid",
	[A_PROFILES] =
	    "INSERT INTO user_profiles AS u (aid, eid, created_at, name, display_name, about,"
	    " picture, banner, nip05, lud16, lud06, website, json_ok)"
	    " SELECT i.aid, i.eid, i.created_at, p.name, p.display_name, p.about, p.picture,"
	    " p.banner, p.nip05, p.lud16, p.lud06, p.website, p.json_ok FROM ins i"
	    " JOIN s_profiles p ON p.seq = i.seq ON CONFLICT (aid) DO UPDATE SET"
	    " eid = excluded.eid, created_at = excluded.created_at, name = excluded.name,"
	    " display_name = excluded.display_name, about = excluded.about,"
	    " picture = excluded.picture, banner = excluded.banner, nip05 = excluded.nip05,"
	    " lud16 = excluded.lud16, lud06 = excluded.lud06, website = excluded.website,"
	    " json_ok = excluded.json_ok",
	/*
 * Distinct authors per period of P seconds: for each author and period the
 * batch stored or removed an event of, whether the author has one there now
 * less whether they had one before (one now that the batch did not store,
 * or one it removed).  The batch's own events are among those stored now,
 * so one count of the author's events in the period tells both: some now,
 * and more than the batch stored; it stops at one more, as a busy author's
 * day holds hundreds.  (Asking each event whether the batch stored it took
 * 0.6 s a batch of 15000.)
 */
#define AUTHORS_SUM(table, col, p) \
	"INSERT INTO " table " AS h (" col ", authors)" \
	" SELECT s, sum(d) FROM (SELECT t.s," \
	" (c.n > 0)::int - (c.n > t.stored OR t.removed > 0)::int AS d" \
	" FROM (SELECT s, aid, sum(st) AS stored, sum(rm) AS removed FROM" \
	"  (SELECT created_at - created_at % " p " AS s, aid, 1 AS st, 0 AS rm FROM ins" \
	"   UNION ALL SELECT created_at - created_at % " p ", aid, 0, 1 FROM gone) u" \
	"  GROUP BY s, aid) t" \
	" CROSS JOIN LATERAL (SELECT count(*) AS n FROM (SELECT 1 FROM nostr_events e" \
	"  WHERE e.aid = t.aid AND e.created_at >= t.s AND e.created_at < t.s + " p \
	"  LIMIT t.stored + 1) l) c) x" \
	" GROUP BY s HAVING sum(d) <> 0" \
	" ON CONFLICT (" col ") DO UPDATE SET authors = h.authors + excluded.authors"
#define AUTHORS_ZERO(table, col, p) \
	"DELETE FROM " table " h USING gone g" \
	" WHERE h." col " = g.created_at - g.created_at % " p " AND h.authors = 0"

/* The summaries: what the batch stored in, what it removed out; a row
	 * taken back to 0 goes, as a fill would not make it (schema.sql). */
	[A_SUM_EVENTS] =
	    "INSERT INTO events_hourly AS h (hour, kind, events)"
	    " SELECT np_hour(created_at), kind, sum(n) FROM (SELECT created_at, kind, 1 AS n"
	    " FROM ins UNION ALL SELECT created_at, kind, -1 FROM gone) t GROUP BY 1, 2"
	    " HAVING sum(n) <> 0"
	    " ON CONFLICT (hour, kind) DO UPDATE SET events = h.events + excluded.events",
	[A_ZERO_EVENTS] =
	    "DELETE FROM events_hourly h USING gone g"
	    " WHERE h.hour = np_hour(g.created_at) AND h.kind = g.kind AND h.events = 0",
	/* The batch's rows in and out (gone holds stored events only). */
	[A_EVENT_COUNTS] =
	    "UPDATE event_counts SET events = events + i.n - g.n, contacts = contacts + i.c - g.c"
	    " FROM (SELECT count(*) AS n, count(*) FILTER (WHERE kind = 3) AS c FROM ins) i,"
	    " (SELECT count(*) AS n, count(*) FILTER (WHERE kind = 3) AS c FROM gone) g",
	[A_SUM_AUTHORS_HOUR] = AUTHORS_SUM("authors_hourly", "hour", "3600"),
	[A_ZERO_AUTHORS_HOUR] = AUTHORS_ZERO("authors_hourly", "hour", "3600"),
	[A_SUM_AUTHORS_DAY] = AUTHORS_SUM("authors_daily", "day", "86400"),
	[A_ZERO_AUTHORS_DAY] = AUTHORS_ZERO("authors_daily", "day", "86400"),
	[A_SUM_LANGS] =
	    "INSERT INTO languages_hourly AS h (hour, lang, events)"
	    " SELECT np_hour(created_at), coalesce(lang, 'und'), sum(n) FROM ("
	    " SELECT created_at, kind, lang, 1 AS n FROM ins"
	    " UNION ALL SELECT created_at, kind, lang, -1 FROM gone) t"
	    " WHERE kind IN (" SUMMARY_CONTENT_KINDS ") GROUP BY 1, 2 HAVING sum(n) <> 0"
	    " ON CONFLICT (hour, lang) DO UPDATE SET events = h.events + excluded.events",
	[A_ZERO_LANGS] =
	    "DELETE FROM languages_hourly h USING gone g WHERE h.hour = np_hour(g.created_at)"
	    " AND h.lang = coalesce(g.lang, 'und') AND h.events = 0",
	[A_SUM_ZAPS] =
	    "INSERT INTO zaps_hourly AS h (hour, valid, bucket, zaps, sats)"
	    " SELECT np_hour(created_at), valid, np_zap_bucket(sats), sum(n),"
	    " sum(n * coalesce(sats, 0)) FROM ("
	    " SELECT z.created_at, z.valid, z.sats, 1 AS n FROM ins i JOIN zaps z ON z.eid = i.eid"
	    " UNION ALL SELECT created_at, valid, sats, -1 FROM gone WHERE zap) t"
	    " GROUP BY 1, 2, 3 HAVING sum(n) <> 0 OR sum(n * coalesce(sats, 0)) <> 0"
	    " ON CONFLICT (hour, valid, bucket) DO UPDATE"
	    " SET zaps = h.zaps + excluded.zaps, sats = h.sats + excluded.sats",
	[A_ZERO_ZAPS] =
	    "DELETE FROM zaps_hourly h USING gone g WHERE g.zap"
	    " AND h.hour = np_hour(g.created_at) AND h.valid = g.valid"
	    " AND h.bucket = np_zap_bucket(g.sats) AND h.zaps = 0",
	[A_SUM_ZAPPED] =
	    "INSERT INTO event_zap_totals AS t (event_id, zaps, sats)"
	    " SELECT event_id, sum(n), sum(n * coalesce(sats, 0)) FROM ("
	    " SELECT z.event_id, z.sats, 1 AS n FROM ins i JOIN zaps z ON z.eid = i.eid"
	    " WHERE z.valid = 1 AND z.event_id IS NOT NULL"
	    " UNION ALL SELECT event_id, sats, -1 FROM gone"
	    " WHERE zap AND valid = 1 AND event_id IS NOT NULL) x"
	    " GROUP BY 1 HAVING sum(n) <> 0 OR sum(n * coalesce(sats, 0)) <> 0"
	    " ON CONFLICT (event_id) DO UPDATE"
	    " SET zaps = t.zaps + excluded.zaps, sats = t.sats + excluded.sats",
	[A_ZERO_ZAPPED] =
	    "DELETE FROM event_zap_totals t USING gone g"
	    " WHERE g.zap AND t.event_id = g.event_id AND t.zaps = 0",
	/* The zaps' parties, as event_zap_totals. */
	[A_SUM_SENDERS] = PARTY_SUM("zap_sender_totals", "sender"),
	[A_ZERO_SENDERS] = PARTY_ZERO("zap_sender_totals", "sender"),
	[A_SUM_RECIPIENTS] = PARTY_SUM("zap_recipient_totals", "recipient"),
	[A_ZERO_RECIPIENTS] = PARTY_ZERO("zap_recipient_totals", "recipient"),
	[A_RELAYS] =
	    "INSERT INTO relay_metrics SELECT DISTINCT ON (relay, time, state) relay, time,"
	    " state, connect_ms, eose_ms, events, duplicates, invalid, reconnects, notices,"
	    " notice, error, nip11, record FROM s_relays ORDER BY relay, time, state, seq"
	    " ON CONFLICT DO NOTHING",
	[A_SUM_STATE] =
	    "INSERT INTO summaries_state VALUES (1,"
	    " coalesce((SELECT max(eid) FROM nostr_events), 0),"
	    " coalesce((SELECT max(eid) FROM zaps), 0))"
	    " ON CONFLICT (one) DO UPDATE"
	    " SET events_eid = excluded.events_eid, zaps_eid = excluded.zaps_eid",
	[A_SUM_MARKS] = SUMMARY_MARKS_SQL,
};

/* The batch's authors in pubkeys, in a transaction of their own before the
 * batch's (whose first part needs their aids), in pubkey order as
 * A_PUBKEYS_2.  A batch that then fails leaves them there: pubkeys is only
 * the dictionary of surrogates. */
static const char *const authors_sql =
    "INSERT INTO pubkeys(pubkey) SELECT DISTINCT pubkey FROM s_events s"
    " WHERE NOT (" EXPIRED ") AND NOT EXISTS (SELECT 1 FROM pubkeys k"
    " WHERE k.pubkey = s.pubkey) ORDER BY pubkey ON CONFLICT DO NOTHING";

/* The batch's verdicts, read before the commit, for the counters. */
static const char *const counts_sql =
    "SELECT (SELECT count(*) FROM s_events), (SELECT count(*) FROM s_events WHERE "
    EXPIRED "), count(*), count(*) FILTER (WHERE state = 1),"
    " count(*) FILTER (WHERE state = 2), count(*) FILTER (WHERE state = 3) FROM b";

struct pgload {
	PGconn *c;
	char *url;                   /* to connect again (holds the password) */
	int reconnect_s;             /* db_options.reconnect_s */
	const volatile sig_atomic_t *stop;
	struct pg_stage_rows st;
	struct db_stats stats;
	int64_t seq;                 /* lines in the batch */
	char err[1024];
	/* Months (year * 12 + month, -1 for the catch-all partition from year
	 * 10000) whose partition is known to exist, and those of the batch with
	 * a created_at in each. */
	int64_t *known, *month, *month_at;
	size_t nknown, nmonth, cap_known, cap_month;
};

const char *
pgload_errmsg(struct pgload *p)
{
	return p->err;
}

const struct db_stats *
pgload_get_stats(const struct pgload *p)
{
	return &p->stats;
}

void
pgload_close(struct pgload *p)
{
	if (p == NULL)
		return;
	PQfinish(p->c);
	if (p->url != NULL) {
		explicit_bzero(p->url, strlen(p->url));
		free(p->url);
	}
	pg_stage_free(&p->st);
	free(p->known);
	free(p->month);
	free(p->month_at);
	free(p);
}

/* session_open: connects and makes the session's working and staging tables. */
static int
session_open(struct pgload *p, int schema, char *err, size_t errlen)
{
	struct buf sql = BUF_INIT;
	size_t i;
	int r;

	if ((p->c = pg_connect(p->url, err, errlen)) == NULL)
		return -1;
	if (schema && pg_schema_ensure(p->c, err, errlen) != 0)
		return -1;
	buf_puts(&sql, work_sql);
	/* The staging rows outlive the transaction that copies them in and
	 * inserts the authors (commit_once). */
	for (i = 0; i < PG_ST_COUNT; i++)
		buf_printf(&sql, "; CREATE TEMP TABLE %s (%s)", pg_stage_name[i],
		    pg_stage_columns[i]);
	r = pg_exec(p->c, sql.data, err, errlen);
	buf_free(&sql);
	return r;
}

struct pgload *
pgload_open(const char *url, const struct db_options *opt, char *err, size_t errlen)
{
	struct pgload *p;

	p = xcalloc(1, sizeof *p);
	p->url = xstrdup(url);
	p->reconnect_s = opt != NULL ? opt->reconnect_s : 0;
	p->stop = opt != NULL ? opt->stop : NULL;
	pg_stage_init(&p->st);
	if (session_open(p, 1, err, errlen) != 0) {
		pgload_close(p);
		return NULL;
	}
	return p;
}

int
pgload_begin(struct pgload *p)
{
	pg_stage_reset(&p->st);
	p->seq = 0;
	p->nmonth = 0;
	return 0;
}

/* month_of: the partition key of created_at t (see struct pgload). */
static int64_t
month_of(int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t >= 253402300800LL || gmtime_r(&tt, &tm) == NULL)
		return -1;
	return (int64_t)(tm.tm_year + 1900) * 12 + tm.tm_mon;
}

static int
has(const int64_t *a, size_t n, int64_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] == v)
			return 1;
	return 0;
}

/* note_month: remembers that the batch needs created_at's partition. */
static void
note_month(struct pgload *p, int64_t created_at)
{
	int64_t m = month_of(created_at);

	if (has(p->known, p->nknown, m) || has(p->month, p->nmonth, m))
		return;
	if (p->nmonth == p->cap_month) {
		p->cap_month = p->cap_month ? 2 * p->cap_month : 16;
		p->month = xrealloc(p->month, p->cap_month * sizeof *p->month);
		p->month_at = xrealloc(p->month_at, p->cap_month * sizeof *p->month_at);
	}
	p->month[p->nmonth] = m;
	p->month_at[p->nmonth++] = created_at;
}

int
pgload_add_event(struct pgload *p, const struct event *ev, const struct enrich_meta *m,
    const char *meta_json, size_t meta_len)
{
	if (event_kind_is_ephemeral(ev->kind)) {
		p->stats.ephemeral++;
		return 0;
	}
	note_month(p, ev->created_at);
	pg_stage_event(&p->st, p->seq++, ev, m, meta_json, meta_len);
	return 0;
}

int
pgload_add_relay_record(struct pgload *p, const char *line, size_t len)
{
	if (pg_stage_relay_record(&p->st, p->seq, line, len) != 0)
		return 1;
	p->seq++;
	return 0;
}

/* fail: keeps the reason of a failed step, rolls the transaction back. */
static int
fail(struct pgload *p, const char *step, const char *why)
{
	char rb[64];

	snprintf(p->err, sizeof p->err, "%s: %s", step, why);
	if (PQstatus(p->c) == CONNECTION_OK &&
	    PQtransactionStatus(p->c) != PQTRANS_IDLE)
		(void)pg_exec(p->c, "ROLLBACK", rb, sizeof rb);
	return -1;
}

/*
 * make_partitions: the partitions the batch's months need, each made once
 * by whichever loader comes first (PG_LOCK_PARTITION), in a transaction of
 * its own, before the batch's: a new partition locks nostr_events briefly.
 */
static int
make_partitions(struct pgload *p)
{
	struct buf sql = BUF_INIT;
	char why[512];
	size_t i;
	int r;

	if (p->nmonth == 0)
		return 0;
	buf_printf(&sql, "BEGIN; SELECT pg_advisory_xact_lock(%d, %d);"
	    " SELECT nostr_events_partition(t) FROM unnest(ARRAY[", PG_LOCK_CLASS,
	    PG_LOCK_PARTITION);
	for (i = 0; i < p->nmonth; i++)
		buf_printf(&sql, "%s%lld", i ? "," : "", (long long)p->month_at[i]);
	buf_puts(&sql, "]::bigint[]) t; COMMIT");
	r = pg_exec(p->c, sql.data, why, sizeof why);
	buf_free(&sql);
	if (r != 0)
		return fail(p, "partition", why);
	for (i = 0; i < p->nmonth; i++) {
		if (p->nknown == p->cap_known) {
			p->cap_known = p->cap_known ? 2 * p->cap_known : 64;
			p->known = xrealloc(p->known, p->cap_known * sizeof *p->known);
		}
		p->known[p->nknown++] = p->month[i];
	}
	p->nmonth = 0;
	return 0;
}

/* copy_in: the batch's rows of staging table t, through COPY. */
static int
copy_in(struct pgload *p, enum pg_stage t)
{
	const struct buf *b = &p->st.rows[t];
	char sql[128], why[512];
	PGresult *r;
	int ok;

	if (b->len == 0)
		return 0;
	snprintf(sql, sizeof sql, "COPY %s FROM STDIN", pg_stage_name[t]);
	r = PQexec(p->c, sql);
	ok = PQresultStatus(r) == PGRES_COPY_IN;
	if (!ok)
		pg_message(p->c, r, why, sizeof why);
	PQclear(r);
	if (!ok)
		return fail(p, "copy", why);
	if (PQputCopyData(p->c, b->data, (int)b->len) != 1 || PQputCopyEnd(p->c, NULL) != 1) {
		pg_message(p->c, NULL, why, sizeof why);
		return fail(p, "copy", why);
	}
	ok = 1;
	while ((r = PQgetResult(p->c)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && ok) {
			pg_message(p->c, r, why, sizeof why);
			ok = 0;
		}
		PQclear(r);
	}
	return ok ? 0 : fail(p, "copy", why);
}

/* run: one statement; *rows gets the rows it wrote (NULL: not wanted). */
static int
run(struct pgload *p, const char *sql, uint64_t *rows)
{
	char why[512];
	PGresult *r = PQexec(p->c, sql);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		pg_message(p->c, r, why, sizeof why);
		PQclear(r);
		return fail(p, "load", why);
	}
	if (rows != NULL)
		*rows = strtoull(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return 0;
}

/* count_batch: the counters of the batch's verdicts (before the commit). */
static int
count_batch(struct pgload *p)
{
	char why[512];
	PGresult *r = PQexec(p->c, counts_sql);
	uint64_t v[6];
	int i;

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		pg_message(p->c, r, why, sizeof why);
		PQclear(r);
		return fail(p, "load", why);
	}
	for (i = 0; i < 6; i++)
		v[i] = strtoull(PQgetvalue(r, 0, i), NULL, 10);
	PQclear(r);
	/* Lines repeating an event of the batch, and events stored already. */
	p->stats.duplicates += v[0] - v[1] - v[2] + v[3];
	p->stats.expired += v[1];
	p->stats.superseded += v[4];
	p->stats.refused += v[5];
	return 0;
}

/* stage: the batch's rows in the staging tables, and its authors in
 * pubkeys (authors_sql), in a transaction of their own. */
static int
stage(struct pgload *p)
{
	struct buf sql = BUF_INIT;
	size_t i;
	int r;

	buf_puts(&sql, "TRUNCATE ");
	for (i = 0; i < PG_ST_COUNT; i++)
		buf_printf(&sql, "%s%s", i ? ", " : "", pg_stage_name[i]);
	r = run(p, "BEGIN", NULL) < 0 || run(p, sql.data, NULL) < 0 ? -1 : 0;
	buf_free(&sql);
	for (i = 0; r == 0 && i < PG_ST_COUNT; i++)
		r = copy_in(p, (enum pg_stage)i);
	if (r < 0 || run(p, authors_sql, NULL) < 0 || run(p, "COMMIT", NULL) < 0)
		return -1;
	return 0;
}

/*
 * commit_once: the batch, on the connection there is, in one transaction
 * (after stage's): its first part under the prunes' lock, shared with the
 * other loaders, the rest also under the loaders' lock (apply_sql).
 */
static int
commit_once(struct pgload *p)
{
	uint64_t n[A_COUNT] = { 0 };
	char lock[96];
	size_t i;

	if (make_partitions(p) < 0 || stage(p) < 0 || run(p, "BEGIN", NULL) < 0)
		return -1;
	snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock_shared(%d, %d)",
	    PG_LOCK_CLASS, PG_LOCK_PRUNE);
	if (run(p, lock, NULL) < 0)
		return -1;
	for (i = 0; i < A_COUNT; i++) {
		if (i == FIRST_LOCKED) {
			snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%d, %d)",
			    PG_LOCK_CLASS, PG_LOCK_LOAD);
			if (run(p, lock, NULL) < 0)
				return -1;
		}
		if (run(p, apply_sql[i], &n[i]) < 0)
			return -1;
	}
	if (count_batch(p) < 0 || run(p, "COMMIT", NULL) < 0)
		return -1;
	p->stats.stored += n[A_INSERT_5] + n[A_INSERT] - n[A_LOSERS];
	p->stats.deleted += n[A_GONE_ID] + n[A_GONE_ADDR];
	p->stats.replaced += n[A_GONE_OLD];
	p->stats.relay_records += n[A_RELAYS];
	p->stats.relay_duplicates += p->st.count[PG_ST_RELAYS] - n[A_RELAYS];
	return 0;
}

static double
mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1000 + (double)t.tv_nsec / 1e6;
}

/* sleep_ms: sleeps ms milliseconds (fewer when a signal comes). */
static void
sleep_ms(double ms)
{
	struct timespec t;

	t.tv_sec = (time_t)(ms / 1000);
	t.tv_nsec = (long)((ms - (double)t.tv_sec * 1000) * 1e6);
	nanosleep(&t, NULL);
}

/*
 * reconnect: a new connection and session after the old one was lost,
 * tried with a doubling, jittered backoff (loaders that lost the server
 * together come back spread out) until p->reconnect_s have passed or *stop
 * is set.  0, or -1 with the reason in p->err, which starts with why.
 */
static int
reconnect(struct pgload *p, const char *why)
{
	double deadline = mono_ms() + p->reconnect_s * 1000.0, wait = 100, w;
	char msg[512] = "";
	uint32_t rnd;

	PQfinish(p->c);
	p->c = NULL;
	for (;;) {
		if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != sizeof rnd)
			rnd = 0x80000000u;
		w = wait / 2 + wait / 2 * (rnd / 4294967296.0);
		if (mono_ms() + w > deadline || (p->stop != NULL && *p->stop))
			break;
		sleep_ms(w);
		if (session_open(p, 0, msg, sizeof msg) == 0) {
			p->stats.reconnects++;
			return 0;
		}
		PQfinish(p->c);
		p->c = NULL;
		if (wait < 5000)
			wait = wait * 2 < 5000 ? wait * 2 : 5000;
	}
	/* Each part cut to fit: the whole is under sizeof p->err. */
	if (p->reconnect_s == 0)
		snprintf(p->err, sizeof p->err, "%.480s", why);
	else if (*msg == '\0')
		snprintf(p->err, sizeof p->err, "%.480s; stopped before connecting again", why);
	else
		snprintf(p->err, sizeof p->err, "%.480s; connecting again for %d s failed: %.480s",
		    why, p->reconnect_s, msg);
	return -1;
}

int
pgload_commit(struct pgload *p)
{
	char why[sizeof p->err];

	if (p->seq == 0)
		return 0;
	while (commit_once(p) != 0) {
		/* Only a lost connection is worth another try: any other error
		 * would come again. */
		if (p->c != NULL && PQstatus(p->c) == CONNECTION_OK)
			return -1;
		snprintf(why, sizeof why, "%s", p->err);
		if (reconnect(p, why) != 0)
			return -1;
	}
	pg_stage_reset(&p->st);
	p->seq = 0;
	return 0;
}
