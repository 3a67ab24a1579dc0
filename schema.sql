-- schema.sql: the nostr-pipeline database (SQLite 3.37 or later).
--
-- nostr-load creates it (the text is compiled into the tools, so no file is
-- needed at run time) and keeps it; nostr-score fills the metric tables;
-- nostr-report and sqlite3 users read it.  Every statement is idempotent
-- (IF NOT EXISTS), so running this file on an existing database is harmless.
--
-- Conventions, true of every table:
--   * Keys are stored small.  An event id, pubkey or signature that is
--     stored is a BLOB of its bytes (32, 32 and 64), never hex text.  Each
--     stored event has an integer surrogate, nostr_events.eid, and each
--     pubkey seen (as an author or as the target of a mention, follow,
--     reaction, repost or zap) one in pubkeys.aid; the tables derived from
--     events hold those integers (columns eid and aid, and the target
--     columns named for what they hold).  An event that is referred to may
--     not be stored (yet), so a reference to an event (a reply's parent, a
--     reacted-to, reposted, zapped or deleted event, a replaceable head) is
--     its id as a 32-byte BLOB.  Surrogates are assigned in arrival order:
--     they say nothing about an event and differ between two databases.
--   * People read and paste hex: every table with keys has a view T_hex that
--     shows them as 64 (signatures 128) lower-case hex characters, in the
--     columns and names of schema version 2.  To find a pasted id or pubkey
--     through an index, compare the BLOB column with an x'...' literal:
--       SELECT * FROM nostr_events_hex WHERE eid =
--         (SELECT eid FROM nostr_events WHERE id = x'<64 hex digits>');
--     (a hex view's WHERE on its hex text reads the whole table).
--     nostr-pipeline(7) has more such queries.
--   * meta holds only what no column or table holds (the NIP-10 links are in
--     replies, the lists in hashtags, mentions and refs, the zap in zaps,
--     lang, words, pow, client, relay and received_at in columns): urls,
--     media and members nostr-enrich does not own; NULL when nothing is left.
--   * Times are unix seconds (INTEGER) unless the column says otherwise.
--   * Nothing here holds the time of loading: loading the same stream into an
--     empty database twice gives identical databases (compare `sqlite3 .dump`;
--     the same events in another order give the same hex views).
--   * An event that is replaced (NIP-01 replaceable and addressable kinds) or
--     deleted by its author (NIP-09) is removed from nostr_events, and so are
--     the rows derived from it (triggers below); the deletion itself is kept in
--     deletions so that the target stays out when it arrives again or late.
--   * Ephemeral events (kinds 20000-29999) are never stored; nostr-load counts
--     them in its summary.
--
-- Tables may gain columns and new tables may appear; none is renamed.
-- Rows derived from an event (hashtags, mentions, refs, replies, reactions,
-- reposts, zaps) are written only with a new event, so nothing can repeat.
-- They are kept in time order, keyed by (created_at, eid, ...): one B-tree
-- that serves the window queries and finds the rows of an event that goes,
-- where a rowid table needs a second one, and appended at its end when
-- events come in time order.  (zaps, whose rows are larger and have indexes
-- of their own, is a rowid table keyed by the receipt's eid, with a
-- created_at index.)  Appending instead of inserting at random keys is most
-- of what keeps loading fast at a million events.
--
-- user_version 3: keys as above.  Versions 1 and 2 held them as hex text
-- and the whole meta; a tool that opens such a database upgrades it in place
-- (lib/store/migrate.c).

PRAGMA user_version = 3;

-- pubkeys: every pubkey seen, as the author of a loaded event or as the
-- target of a mention, follow, reaction, repost or zap; aid is what the other
-- tables hold.  Rows are never removed.
CREATE TABLE IF NOT EXISTS pubkeys (
	aid    INTEGER PRIMARY KEY,                -- the surrogate
	pubkey BLOB    NOT NULL UNIQUE             -- the 32-byte key
) STRICT;

-- nostr_events: one row per stored event (the NIP-01 fields plus what
-- nostr-enrich derived from it that has no table).  Replaced and deleted
-- events are absent.
CREATE TABLE IF NOT EXISTS nostr_events (
	eid         INTEGER PRIMARY KEY,           -- the surrogate
	id          BLOB    NOT NULL UNIQUE,       -- event id (32 bytes)
	aid         INTEGER NOT NULL,              -- author (pubkeys.aid)
	created_at  INTEGER NOT NULL,              -- the author's timestamp
	kind        INTEGER NOT NULL,              -- NIP-01 kind
	content     TEXT    NOT NULL,              -- content, decoded (may hold any character)
	tags        TEXT    NOT NULL,              -- the tags as a JSON array of arrays of strings
	sig         BLOB    NOT NULL,              -- BIP-340 signature (64 bytes)
	d_tag       TEXT,                          -- replaceable kinds (0, 3, 10000-19999): '';
	                                           -- addressable kinds (30000-39999): the `d` tag
	                                           -- value ('' when absent); other kinds: NULL
	lang        TEXT,                          -- meta.lang: ISO 639-1 code or 'und'
	words       INTEGER,                       -- meta.words: words in content
	pow         INTEGER,                       -- meta.pow: NIP-13 leading zero bits of id
	client      TEXT,                          -- meta.client: the `client` tag, or NULL
	relay       TEXT,                          -- meta.relay: first relay that delivered it, or NULL
	received_at REAL,                          -- meta.received_at: when nostr-fetch got it, or NULL
	meta        TEXT,                          -- what is left of meta (JSON) or NULL: see above
	derived     INTEGER                        -- which of hashtags (1), mentions (2), refs (4)
	                                           -- and replies (8) may hold rows of it, so that
	                                           -- its removal searches only those; NULL (a row
	                                           -- stored before the column): all of them
) STRICT;
CREATE INDEX IF NOT EXISTS nostr_events_created ON nostr_events(created_at);
CREATE INDEX IF NOT EXISTS nostr_events_author ON nostr_events(aid, created_at);
CREATE INDEX IF NOT EXISTS nostr_events_kind ON nostr_events(kind, created_at);
-- At most one stored version of each replaceable or addressable event.
CREATE UNIQUE INDEX IF NOT EXISTS nostr_events_replaceable
	ON nostr_events(aid, kind, d_tag) WHERE d_tag IS NOT NULL;

-- replaceable_heads: the newest version seen of each replaceable event
-- (author, kind) and addressable event (author, kind, d), ties to the lowest
-- id, kept even when that version was deleted (NIP-09) or never stored: an
-- older version arriving later must stay out (NIP-01), whatever the order.
CREATE TABLE IF NOT EXISTS replaceable_heads (
	aid        INTEGER NOT NULL,               -- author (pubkeys.aid)
	kind       INTEGER NOT NULL,               -- a replaceable or addressable kind
	d_tag      TEXT    NOT NULL,               -- as nostr_events.d_tag ('' for replaceable)
	event_id   BLOB    NOT NULL,               -- the newest version's id (32 bytes)
	created_at INTEGER NOT NULL,               -- its created_at
	PRIMARY KEY (aid, kind, d_tag)
) STRICT, WITHOUT ROWID;

-- users: every pubkey that authored a loaded event, including events later
-- replaced or deleted.  first_seen is the earliest created_at seen from it
-- (for new-user statistics: a user is new in a window when first_seen falls
-- in it); last_seen the latest.  Event timestamps, not load times, so the
-- figures do not depend on when or how often the stream was loaded.
-- last_event is the created_at of its newest event nostr_events holds (NULL:
-- none), kept by nostr-load as it stores and by the cleanup trigger as
-- events go: a user whose last_event lies in a window is active there
-- without a look at nostr_events (stats' users.active).
CREATE TABLE IF NOT EXISTS users (
	aid        INTEGER PRIMARY KEY,            -- the author (pubkeys.aid)
	first_seen INTEGER NOT NULL,               -- min(created_at) of its events
	last_seen  INTEGER NOT NULL,               -- max(created_at) of its events
	last_event INTEGER                         -- max(created_at) of its stored events
) STRICT;
CREATE INDEX IF NOT EXISTS users_first_seen ON users(first_seen);

-- user_profiles: the newest kind-0 metadata event of each pubkey (NIP-01,
-- NIP-24), its content parsed as JSON.  Fields that are absent or not JSON
-- strings are NULL.  Broken JSON is tolerated: the fields read before the
-- point where it breaks are kept, json_ok = 0.  The raw content is the
-- event's (nostr_events.content, through eid).
CREATE TABLE IF NOT EXISTS user_profiles (
	aid          INTEGER PRIMARY KEY,          -- whose profile (pubkeys.aid)
	eid          INTEGER NOT NULL,             -- the kind-0 event it came from
	created_at   INTEGER NOT NULL,             -- that event's created_at
	name         TEXT,                         -- "name"
	display_name TEXT,                         -- "display_name" (or the older "displayName")
	about        TEXT,                         -- "about"
	picture      TEXT,                         -- "picture" (URL)
	banner       TEXT,                         -- "banner" (URL)
	nip05        TEXT,                         -- "nip05" identifier (not verified)
	lud16        TEXT,                         -- "lud16" lightning address
	lud06        TEXT,                         -- "lud06" LNURL
	website      TEXT,                         -- "website" (URL)
	json_ok      INTEGER NOT NULL              -- 1 when content parsed as a JSON object
) STRICT;

-- follows: the current contact list (kind 3, NIP-02) of each pubkey: one row
-- per followed pubkey.  A newer list replaces all rows of the follower.
CREATE TABLE IF NOT EXISTS follows (
	follower   INTEGER NOT NULL,               -- who follows (the kind-3 event's aid)
	followed   INTEGER NOT NULL,               -- whom (a `p` tag, as pubkeys.aid)
	eid        INTEGER NOT NULL,               -- the kind-3 event
	created_at INTEGER NOT NULL,               -- its created_at
	relay      TEXT,                           -- the `p` tag's relay hint, or NULL
	petname    TEXT,                           -- the `p` tag's petname, or NULL
	PRIMARY KEY (follower, followed)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS follows_followed ON follows(followed);

-- hashtags: one row per hashtag per event (meta.hashtags: `t` tags and
-- #words in content, lower-cased, deduplicated).  Author and time are copied
-- from the event so trending queries need no join.
CREATE TABLE IF NOT EXISTS hashtags (
	created_at INTEGER NOT NULL,               -- the event's created_at
	eid        INTEGER NOT NULL,               -- the event
	hashtag    TEXT    NOT NULL,               -- without '#', case-folded
	aid        INTEGER NOT NULL,               -- the event's author
	kind       INTEGER NOT NULL,               -- the event's kind
	PRIMARY KEY (created_at, eid, hashtag)
) STRICT, WITHOUT ROWID;

-- mentions: one row per pubkey an event mentions (meta.mentions: `p` tags and
-- NIP-27 nostr:npub/nprofile in content).  Not filled for kind 3, whose `p`
-- tags are follows, not mentions.
CREATE TABLE IF NOT EXISTS mentions (
	created_at INTEGER NOT NULL,               -- the event's created_at
	eid        INTEGER NOT NULL,               -- the mentioning event
	mentioned  INTEGER NOT NULL,               -- the mentioned pubkey (pubkeys.aid)
	aid        INTEGER NOT NULL,               -- the event's author
	kind       INTEGER NOT NULL,               -- the event's kind
	PRIMARY KEY (created_at, eid, mentioned)
) STRICT, WITHOUT ROWID;

-- refs: one row per event or address an event refers to (meta.refs: `e`
-- and `q` tags, nostr:note/nevent in content; also `a` tags and nostr:naddr).
-- ref is an event id as a 32-byte BLOB, or an address as the TEXT
-- "KIND:PUBKEY:D" (typeof(ref) tells which).
CREATE TABLE IF NOT EXISTS refs (
	created_at INTEGER NOT NULL,               -- the referring event's created_at
	eid        INTEGER NOT NULL,               -- the referring event
	ref        ANY     NOT NULL,               -- referred event id (BLOB), or address (TEXT)
	aid        INTEGER NOT NULL,               -- the referring event's author
	kind       INTEGER NOT NULL,               -- the referring event's kind
	PRIMARY KEY (created_at, eid, ref)
) STRICT, WITHOUT ROWID;

-- replies: one row per event that is a reply (NIP-10, marked or positional
-- `e` tags; meta.reply_to and meta.root).
CREATE TABLE IF NOT EXISTS replies (
	created_at INTEGER NOT NULL,               -- the reply's created_at
	eid        INTEGER NOT NULL,               -- the reply
	reply_to   BLOB    NOT NULL,               -- the id of the event it answers
	root       BLOB,                           -- the thread root's id, or NULL when unknown
	aid        INTEGER NOT NULL,               -- the reply's author
	PRIMARY KEY (created_at, eid)
) STRICT, WITHOUT ROWID;

-- reactions: one row per kind-7 reaction (NIP-25) whose target is known.
CREATE TABLE IF NOT EXISTS reactions (
	created_at    INTEGER NOT NULL,             -- when
	eid           INTEGER NOT NULL,             -- the reaction event
	target_id     BLOB    NOT NULL,             -- the reacted-to event's id (last `e` tag)
	target_pubkey INTEGER,                      -- its author (last `p` tag, pubkeys.aid), or NULL
	reaction      TEXT    NOT NULL,             -- content: '+', '-', an emoji or :shortcode:
	aid           INTEGER NOT NULL,             -- who reacted
	PRIMARY KEY (created_at, eid)
) STRICT, WITHOUT ROWID;

-- reposts: one row per repost (NIP-18: kind 6 of a kind-1 note, kind 16 of
-- anything else) whose target is known.
CREATE TABLE IF NOT EXISTS reposts (
	created_at    INTEGER NOT NULL,             -- when
	eid           INTEGER NOT NULL,             -- the repost event
	target_id     BLOB    NOT NULL,             -- the reposted event's id (`e` tag)
	target_pubkey INTEGER,                      -- its author (`p` tag, pubkeys.aid), or NULL
	kind          INTEGER NOT NULL,             -- 6 or 16
	aid           INTEGER NOT NULL,             -- who reposted
	PRIMARY KEY (created_at, eid)
) STRICT, WITHOUT ROWID;

-- zaps: one row per zap receipt (kind 9735, NIP-57), as nostr-enrich read it.
-- A receipt is the LNURL provider's claim, not proof of payment; sats come
-- from the bolt11 invoice.  Sum only valid = 1 rows for honest totals.
CREATE TABLE IF NOT EXISTS zaps (
	eid        INTEGER PRIMARY KEY,            -- the kind-9735 receipt event
	provider   INTEGER NOT NULL,               -- the receipt's author (the LNURL server's key)
	sender     INTEGER,                        -- the kind-9734 zap request's author, or NULL
	recipient  INTEGER,                        -- the receipt's `p` tag, or NULL
	event_id   BLOB,                           -- the zapped event's id (`e` tag), or NULL
	address    TEXT,                           -- the zapped address (`a` tag), or NULL
	msat       INTEGER,                        -- bolt11 amount in millisatoshi, or NULL
	sats       INTEGER,                        -- msat / 1000 (rounded down), or NULL
	comment    TEXT,                           -- the zap request's content, or NULL
	valid      INTEGER NOT NULL,               -- 1 when no problem was found
	problems   TEXT    NOT NULL,               -- JSON array of problem strings ('[]' if none)
	created_at INTEGER NOT NULL                -- the receipt's created_at
) STRICT;
CREATE INDEX IF NOT EXISTS zaps_created ON zaps(created_at);

-- deletions: one row per target of a NIP-09 deletion request (kind 5).  Only
-- the target's own author can delete it; a deletion stays in force for
-- targets that arrive later.  An address target hides every version of that
-- addressable event with created_at up to the deletion's.
CREATE TABLE IF NOT EXISTS deletions (
	eid         INTEGER NOT NULL,              -- the kind-5 event
	target      ANY     NOT NULL,              -- an event id (`e`, BLOB) or "KIND:PUBKEY:D" (`a`, TEXT)
	aid         INTEGER NOT NULL,              -- the deletion's author
	created_at  INTEGER NOT NULL,              -- the deletion's created_at
	reason      TEXT    NOT NULL,              -- the deletion's content ('' when none)
	PRIMARY KEY (eid, target)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deletions_target ON deletions(target);

-- retention: the cutoff of the latest prune (nostr-load --prune): the
-- events created before it that a prune removes (all but replaceable and
-- addressable heads and deletions) are not stored when they come again, so
-- what was pruned stays pruned.  No row until the first prune; deleting it
-- lets such events in again.
CREATE TABLE IF NOT EXISTS retention (
	id            INTEGER PRIMARY KEY CHECK (id = 1), -- one row
	pruned_before INTEGER NOT NULL             -- the latest cutoff (unix seconds)
) STRICT;

-- relay_metrics: relay-status records written by `nostr-fetch --stats`
-- (one per relay per state change and per interval).  Columns hold the usual
-- fields; record keeps the whole line as JSON for anything else.
CREATE TABLE IF NOT EXISTS relay_metrics (
	relay       TEXT    NOT NULL,              -- relay URL
	time        REAL    NOT NULL,              -- when the record was written (unix, fractional)
	state       TEXT    NOT NULL,              -- e.g. connecting, connected, eose, closed, error
	connect_ms  REAL,                          -- connect latency in milliseconds
	eose_ms     REAL,                          -- time to EOSE in milliseconds
	events      INTEGER,                       -- events received so far
	duplicates  INTEGER,                       -- events already seen from another relay
	invalid     INTEGER,                       -- events the relay sent that were malformed
	reconnects  INTEGER,                       -- reconnections so far
	notices     INTEGER,                       -- NOTICE messages received so far
	notice      TEXT,                          -- the relay's last NOTICE or CLOSED message
	error       TEXT,                          -- the last connection error, or NULL
	nip11       TEXT,                          -- NIP-11 relay information document (JSON), or NULL
	record      TEXT    NOT NULL,              -- the whole record as it came (JSON)
	PRIMARY KEY (relay, time, state)
) STRICT;

-- content_metrics: per-event scores, written by nostr-score for the events
-- of its window.  computed_at is its --now, so reruns are reproducible.
CREATE TABLE IF NOT EXISTS content_metrics (
	eid          INTEGER PRIMARY KEY,          -- the scored event (nostr_events.eid)
	aid          INTEGER NOT NULL,             -- its author (pubkeys.aid)
	kind         INTEGER NOT NULL,             -- its kind
	created_at   INTEGER NOT NULL,             -- its created_at
	computed_at  INTEGER NOT NULL,             -- nostr-score's --now
	replies      INTEGER NOT NULL DEFAULT 0,   -- replies to it
	reposts      INTEGER NOT NULL DEFAULT 0,   -- reposts of it
	reactions    INTEGER NOT NULL DEFAULT 0,   -- reactions to it
	zaps         INTEGER NOT NULL DEFAULT 0,   -- valid zaps of it
	zap_sats     INTEGER NOT NULL DEFAULT 0,   -- sats of those zaps
	engagement   REAL    NOT NULL DEFAULT 0,   -- engagement score
	virality     REAL    NOT NULL DEFAULT 0,   -- virality score (nostr-score(1) gives the formula)
	quality      REAL    NOT NULL DEFAULT 0,   -- content quality score
	spam_score   REAL    NOT NULL DEFAULT 0    -- spam likelihood, 0..1
) STRICT;
CREATE INDEX IF NOT EXISTS content_metrics_virality ON content_metrics(virality);

-- trending_topics: hashtags ranked per window, written by nostr-score.
CREATE TABLE IF NOT EXISTS trending_topics (
	window_end     INTEGER NOT NULL,           -- the window's end (nostr-score's --now)
	window_hours   REAL    NOT NULL,           -- the window's length
	hashtag        TEXT    NOT NULL,           -- the hashtag
	mention_count  INTEGER NOT NULL,           -- events using it in the window
	unique_authors INTEGER NOT NULL,           -- distinct authors of those events
	zaps           INTEGER NOT NULL DEFAULT 0, -- valid zaps of those events
	trend_score    REAL    NOT NULL,           -- trend score (nostr-score(1) gives the formula)
	rank           INTEGER NOT NULL,           -- 1 = most trending
	PRIMARY KEY (window_end, window_hours, hashtag)
) STRICT;

-- user_metrics: per-user figures, written by nostr-score.
CREATE TABLE IF NOT EXISTS user_metrics (
	aid                INTEGER PRIMARY KEY,          -- the user (pubkeys.aid)
	computed_at        INTEGER NOT NULL,             -- nostr-score's --now
	followers          INTEGER NOT NULL DEFAULT 0,   -- pubkeys whose list follows it
	following          INTEGER NOT NULL DEFAULT 0,   -- pubkeys its list follows
	posts              INTEGER NOT NULL DEFAULT 0,   -- its kind-1 events
	replies_received   INTEGER NOT NULL DEFAULT 0,   -- replies to its events
	reactions_received INTEGER NOT NULL DEFAULT 0,   -- reactions to its events
	reposts_received   INTEGER NOT NULL DEFAULT 0,   -- reposts of its events
	zaps_received      INTEGER NOT NULL DEFAULT 0,   -- valid zaps it received
	zap_sats_received  INTEGER NOT NULL DEFAULT 0,   -- sats of those zaps
	influence          REAL    NOT NULL DEFAULT 0,   -- influence score
	quality            REAL    NOT NULL DEFAULT 0,   -- mean content quality
	spam_score         REAL    NOT NULL DEFAULT 0    -- spam likelihood, 0..1
) STRICT;
CREATE INDEX IF NOT EXISTS user_metrics_influence ON user_metrics(influence);

-- network_stats: network-wide figures per window, with growth against the
-- window before it, written by nostr-score.
CREATE TABLE IF NOT EXISTS network_stats (
	window_end     INTEGER NOT NULL,           -- the window's end (nostr-score's --now)
	window_hours   REAL    NOT NULL,           -- the window's length
	events         INTEGER NOT NULL,           -- events created in the window
	posts          INTEGER NOT NULL,           -- kind-1 events in the window
	reactions      INTEGER NOT NULL,           -- kind-7 events in the window
	reposts        INTEGER NOT NULL,           -- kind-6/16 events in the window
	zaps           INTEGER NOT NULL,           -- valid zap receipts in the window
	zap_sats       INTEGER NOT NULL,           -- their sats
	active_users   INTEGER NOT NULL,           -- distinct authors in the window
	new_users      INTEGER NOT NULL,           -- users whose first_seen is in the window
	total_users    INTEGER NOT NULL,           -- users first seen up to window_end
	events_growth  REAL,                       -- events / previous window's - 1, NULL if none
	users_growth   REAL,                       -- active_users likewise
	PRIMARY KEY (window_end, window_hours)
) STRICT;

-- score_runs: what nostr-score's last run covered, so that the next one
-- scores only what changed since (one row, replaced by each run).  The
-- high-water mark is the newest eid then stored together with that event's
-- id: eids are max + 1, so while that event is still there every event
-- stored since has a larger eid; when it is gone (replaced or deleted) an
-- eid may have been given again, and the next run recomputes everything.
CREATE TABLE IF NOT EXISTS score_runs (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	now         INTEGER NOT NULL,              -- the run's --now
	hours       REAL    NOT NULL,              -- its --hours
	min_zaps    INTEGER NOT NULL,              -- its --min-zaps
	last_eid    INTEGER NOT NULL,              -- max(nostr_events.eid) then, 0 if none
	last_id     BLOB,                          -- that event's id, NULL if none
	events      INTEGER NOT NULL,              -- stored events then
	contacts    INTEGER NOT NULL               -- stored kind-3 events then (the follow graph)
) STRICT;

-- The counts behind user_metrics' posts and engagement received, kept by
-- nostr-score between runs so that a run counts only what changed since
-- (lib/analytics/usercounts.h).  They are those of a mark (score_counts_state):
-- the rows created at or before its now, of the events stored up to its
-- eid.  With no state row (a database made before them) the next run fills
-- them from scratch, as it does after a prune, --full, or removals it cannot
-- account for.  Derived only: deleting every row of the four is harmless.

-- score_authors: per author, the stored events, the kind-1 posts, and the
-- replies, reactions and reposts their stored events received.
CREATE TABLE IF NOT EXISTS score_authors (
	aid       INTEGER PRIMARY KEY,             -- the author (pubkeys.aid)
	events    INTEGER NOT NULL,                -- stored events up to the mark's eid
	posts     INTEGER NOT NULL,                -- of them kind 1, created by its now
	replies   INTEGER NOT NULL,                -- counted replies to them
	reactions INTEGER NOT NULL,                -- counted reactions to them
	reposts   INTEGER NOT NULL                 -- counted reposts of them
) STRICT;

-- score_targets: per event replied to, reacted to or reposted (stored or
-- not), its counted rows, and the stored event it is, if one is.
CREATE TABLE IF NOT EXISTS score_targets (
	target    BLOB    PRIMARY KEY,             -- the event id (32 bytes)
	replies   INTEGER NOT NULL,
	reactions INTEGER NOT NULL,
	reposts   INTEGER NOT NULL,
	eid       INTEGER,                         -- the stored event, or NULL
	aid       INTEGER                          -- its author, or NULL
) STRICT, WITHOUT ROWID;
-- An author's credited events, for taking out the ones removed.
CREATE INDEX IF NOT EXISTS score_targets_author ON score_targets(aid) WHERE aid IS NOT NULL;
-- The targets not stored (yet), for crediting the new events among them.
CREATE INDEX IF NOT EXISTS score_targets_unstored ON score_targets(target) WHERE eid IS NULL;

-- score_sources: each counted reply, reaction and repost row by its
-- author, for taking out what a removed event counted.
CREATE TABLE IF NOT EXISTS score_sources (
	aid    INTEGER NOT NULL,                   -- the row's author
	eid    INTEGER NOT NULL,                   -- its event
	role   INTEGER NOT NULL,                   -- 0 reply, 1 reaction, 2 repost
	target BLOB    NOT NULL,                   -- the event it aims at (32 bytes)
	PRIMARY KEY (aid, eid, role)
) STRICT, WITHOUT ROWID;

-- score_counts_state: the mark the counts are of (one row).
CREATE TABLE IF NOT EXISTS score_counts_state (
	one           INTEGER PRIMARY KEY CHECK (one = 1),
	now           INTEGER NOT NULL,            -- rows created at or before it are counted
	last_eid      INTEGER NOT NULL,            -- events stored up to it are counted
	last_id       BLOB,                        -- that event's id (NULL: none, or not a key)
	events        INTEGER NOT NULL,            -- stored events then
	pruned_before INTEGER NOT NULL             -- retention's cutoff then (0: none)
) STRICT;

-- Indexes of earlier versions that no query of nostr-score, nostr-report or
-- the views needs, each of them paid for by every event loaded.  The target
-- indexes of replies, reactions and reposts are among them: nostr-score
-- counts a window's engagement faster from its rows in time order, and
-- event_engagement aggregates instead of looking targets up.  (A version-2
-- database loses them when it is upgraded.)
DROP INDEX IF EXISTS mentions_mentioned;
DROP INDEX IF EXISTS refs_ref;
DROP INDEX IF EXISTS replies_root;
DROP INDEX IF EXISTS reactions_target_pubkey;
DROP INDEX IF EXISTS zaps_event;
DROP INDEX IF EXISTS zaps_sender;
DROP INDEX IF EXISTS zaps_recipient;
DROP INDEX IF EXISTS hashtags_tag;
DROP INDEX IF EXISTS replies_reply_to;
DROP INDEX IF EXISTS reactions_target;
DROP INDEX IF EXISTS reposts_target;
DROP INDEX IF EXISTS user_profiles_name;
DROP INDEX IF EXISTS user_profiles_nip05;
DROP INDEX IF EXISTS content_metrics_pubkey;

-- Derived rows follow their event: when nostr-load removes an event
-- (replaced or deleted), these triggers remove what was derived from it.
-- Tables filled only for some kinds are searched only for those, and the
-- four filled for any kind only when the event's derived bits say it may
-- have rows there: the test is made once, before any search, and most
-- removed events are profiles and contact lists, which have none, and whose
-- old rows are far from the cache (4000 profiles replaced in a 500k-event
-- database: 0.22 s -> 0.18 s by the kind tests).
DROP TRIGGER IF EXISTS nostr_events_cleanup;
CREATE TRIGGER IF NOT EXISTS nostr_events_cleanup AFTER DELETE ON nostr_events
BEGIN
	DELETE FROM hashtags WHERE (OLD.derived IS NULL OR OLD.derived & 1)
		AND created_at = OLD.created_at AND eid = OLD.eid;
	DELETE FROM mentions WHERE (OLD.derived IS NULL OR OLD.derived & 2)
		AND created_at = OLD.created_at AND eid = OLD.eid;
	DELETE FROM refs WHERE (OLD.derived IS NULL OR OLD.derived & 4)
		AND created_at = OLD.created_at AND eid = OLD.eid;
	DELETE FROM replies WHERE (OLD.derived IS NULL OR OLD.derived & 8)
		AND created_at = OLD.created_at AND eid = OLD.eid;
	DELETE FROM reactions
		WHERE OLD.kind = 7 AND created_at = OLD.created_at AND eid = OLD.eid;
	DELETE FROM reposts
		WHERE OLD.kind IN (6, 16) AND created_at = OLD.created_at AND eid = OLD.eid;
	DELETE FROM zaps WHERE OLD.kind = 9735 AND eid = OLD.eid;
	DELETE FROM content_metrics WHERE eid = OLD.eid;
	DELETE FROM follows WHERE OLD.kind = 3 AND follower = OLD.aid AND eid = OLD.eid;
	DELETE FROM user_profiles WHERE OLD.kind = 0 AND aid = OLD.aid AND eid = OLD.eid;
	UPDATE users SET last_event = (SELECT max(created_at) FROM nostr_events
		WHERE aid = OLD.aid) WHERE aid = OLD.aid AND last_event <= OLD.created_at;
END;

-- ---------------------------------------------------------------------------
-- Hex views: each table with keys as people read and paste them, 64 (128 for
-- sig) lower-case hex characters, under the column names of schema version 2.
-- nullif(lower(hex(x)), ''): hex(NULL) is '', and NULL must stay NULL.  They
-- are for reading: a WHERE on a hex column reads the whole table; to find
-- a pasted key, compare the table's BLOB column with x'...' (see the head
-- comment and nostr-pipeline(7)).  They hold no surrogate, so two databases
-- of the same events have the same views, whatever the order of loading.

-- nostr_events_hex: the events, with their NIP-10 links from replies.
CREATE VIEW IF NOT EXISTS nostr_events_hex AS
	SELECT lower(hex(e.id)) AS id, lower(hex(k.pubkey)) AS pubkey, e.created_at, e.kind,
	       e.content, e.tags, lower(hex(e.sig)) AS sig, e.d_tag, e.lang, e.words, e.pow,
	       e.client, nullif(lower(hex(r.reply_to)), '') AS reply_to,
	       nullif(lower(hex(r.root)), '') AS root, e.relay, e.received_at, e.meta
	FROM nostr_events e JOIN pubkeys k ON k.aid = e.aid
	LEFT JOIN replies r ON r.created_at = e.created_at AND r.eid = e.eid;

CREATE VIEW IF NOT EXISTS replaceable_heads_hex AS
	SELECT lower(hex(k.pubkey)) AS pubkey, h.kind, h.d_tag,
	       lower(hex(h.event_id)) AS event_id, h.created_at
	FROM replaceable_heads h JOIN pubkeys k ON k.aid = h.aid;

CREATE VIEW IF NOT EXISTS users_hex AS
	SELECT lower(hex(k.pubkey)) AS pubkey, u.first_seen, u.last_seen
	FROM users u JOIN pubkeys k ON k.aid = u.aid;

CREATE VIEW IF NOT EXISTS user_profiles_hex AS
	SELECT lower(hex(k.pubkey)) AS pubkey, lower(hex(e.id)) AS event_id, p.created_at,
	       p.name, p.display_name, p.about, p.picture, p.banner, p.nip05, p.lud16,
	       p.lud06, p.website, p.json_ok, e.content
	FROM user_profiles p JOIN pubkeys k ON k.aid = p.aid
	JOIN nostr_events e ON e.eid = p.eid;

CREATE VIEW IF NOT EXISTS follows_hex AS
	SELECT lower(hex(a.pubkey)) AS follower, lower(hex(b.pubkey)) AS followed,
	       lower(hex(e.id)) AS event_id, f.created_at, f.relay, f.petname
	FROM follows f JOIN pubkeys a ON a.aid = f.follower JOIN pubkeys b ON b.aid = f.followed
	JOIN nostr_events e ON e.eid = f.eid;

CREATE VIEW IF NOT EXISTS hashtags_hex AS
	SELECT h.created_at, lower(hex(e.id)) AS event_id, h.hashtag,
	       lower(hex(k.pubkey)) AS pubkey, h.kind
	FROM hashtags h JOIN nostr_events e ON e.eid = h.eid JOIN pubkeys k ON k.aid = h.aid;

CREATE VIEW IF NOT EXISTS mentions_hex AS
	SELECT m.created_at, lower(hex(e.id)) AS event_id, lower(hex(t.pubkey)) AS mentioned,
	       lower(hex(k.pubkey)) AS pubkey, m.kind
	FROM mentions m JOIN nostr_events e ON e.eid = m.eid
	JOIN pubkeys t ON t.aid = m.mentioned JOIN pubkeys k ON k.aid = m.aid;

CREATE VIEW IF NOT EXISTS refs_hex AS
	SELECT r.created_at, lower(hex(e.id)) AS event_id,
	       CASE typeof(r.ref) WHEN 'blob' THEN lower(hex(r.ref)) ELSE r.ref END AS ref,
	       lower(hex(k.pubkey)) AS pubkey, r.kind
	FROM refs r JOIN nostr_events e ON e.eid = r.eid JOIN pubkeys k ON k.aid = r.aid;

CREATE VIEW IF NOT EXISTS replies_hex AS
	SELECT r.created_at, lower(hex(e.id)) AS event_id, lower(hex(r.reply_to)) AS reply_to,
	       nullif(lower(hex(r.root)), '') AS root, lower(hex(k.pubkey)) AS pubkey
	FROM replies r JOIN nostr_events e ON e.eid = r.eid JOIN pubkeys k ON k.aid = r.aid;

CREATE VIEW IF NOT EXISTS reactions_hex AS
	SELECT x.created_at, lower(hex(e.id)) AS event_id, lower(hex(x.target_id)) AS target_id,
	       nullif(lower(hex(t.pubkey)), '') AS target_pubkey, x.reaction,
	       lower(hex(k.pubkey)) AS pubkey
	FROM reactions x JOIN nostr_events e ON e.eid = x.eid JOIN pubkeys k ON k.aid = x.aid
	LEFT JOIN pubkeys t ON t.aid = x.target_pubkey;

CREATE VIEW IF NOT EXISTS reposts_hex AS
	SELECT p.created_at, lower(hex(e.id)) AS event_id, lower(hex(p.target_id)) AS target_id,
	       nullif(lower(hex(t.pubkey)), '') AS target_pubkey, p.kind,
	       lower(hex(k.pubkey)) AS pubkey
	FROM reposts p JOIN nostr_events e ON e.eid = p.eid JOIN pubkeys k ON k.aid = p.aid
	LEFT JOIN pubkeys t ON t.aid = p.target_pubkey;

CREATE VIEW IF NOT EXISTS zaps_hex AS
	SELECT lower(hex(e.id)) AS receipt_id, lower(hex(pv.pubkey)) AS provider,
	       nullif(lower(hex(s.pubkey)), '') AS sender,
	       nullif(lower(hex(r.pubkey)), '') AS recipient,
	       nullif(lower(hex(z.event_id)), '') AS event_id, z.address, z.msat, z.sats,
	       z.comment, z.valid, z.problems, z.created_at
	FROM zaps z JOIN nostr_events e ON e.eid = z.eid JOIN pubkeys pv ON pv.aid = z.provider
	LEFT JOIN pubkeys s ON s.aid = z.sender LEFT JOIN pubkeys r ON r.aid = z.recipient;

CREATE VIEW IF NOT EXISTS deletions_hex AS
	SELECT lower(hex(e.id)) AS deletion_id,
	       CASE typeof(d.target) WHEN 'blob' THEN lower(hex(d.target)) ELSE d.target END
	       AS target, lower(hex(k.pubkey)) AS pubkey, d.created_at, d.reason
	FROM deletions d JOIN nostr_events e ON e.eid = d.eid JOIN pubkeys k ON k.aid = d.aid;

CREATE VIEW IF NOT EXISTS content_metrics_hex AS
	SELECT lower(hex(e.id)) AS event_id, lower(hex(k.pubkey)) AS pubkey, c.kind,
	       c.created_at, c.computed_at, c.replies, c.reposts, c.reactions, c.zaps,
	       c.zap_sats, c.engagement, c.virality, c.quality, c.spam_score
	FROM content_metrics c JOIN nostr_events e ON e.eid = c.eid
	JOIN pubkeys k ON k.aid = c.aid;

CREATE VIEW IF NOT EXISTS user_metrics_hex AS
	SELECT lower(hex(k.pubkey)) AS pubkey, m.computed_at, m.followers, m.following,
	       m.posts, m.replies_received, m.reactions_received, m.reposts_received,
	       m.zaps_received, m.zap_sats_received, m.influence, m.quality, m.spam_score
	FROM user_metrics m JOIN pubkeys k ON k.aid = m.aid;

CREATE VIEW IF NOT EXISTS user_influence_hex AS
	SELECT lower(hex(k.pubkey)) AS pubkey, i.computed_at, i.pagerank, i.engagement, i.rank
	FROM user_influence i JOIN pubkeys k ON k.aid = i.aid;

-- Views for common ad-hoc questions (hex keys too).

-- zap_totals: valid zaps and their sats per zapped event.
CREATE VIEW IF NOT EXISTS zap_totals AS
	SELECT lower(hex(event_id)) AS event_id, count(*) AS zap_count,
	       coalesce(sum(sats), 0) AS zap_total_sats
	FROM zaps WHERE valid = 1 AND event_id IS NOT NULL GROUP BY zaps.event_id;

-- user_zap_totals: valid zaps received per pubkey.
CREATE VIEW IF NOT EXISTS user_zap_totals AS
	SELECT lower(hex(k.pubkey)) AS pubkey, z.zaps_received, z.sats_received FROM
	(SELECT recipient, count(*) AS zaps_received, coalesce(sum(sats), 0) AS sats_received
	 FROM zaps WHERE valid = 1 AND recipient IS NOT NULL GROUP BY recipient) z
	JOIN pubkeys k ON k.aid = z.recipient;

-- event_engagement: replies, reposts, reactions and valid zaps per stored
-- event.  The counts are grouped once per query (the tables have no index by
-- target).
CREATE VIEW IF NOT EXISTS event_engagement AS
	SELECT lower(hex(e.id)) AS event_id, lower(hex(k.pubkey)) AS pubkey, e.kind,
	       e.created_at, coalesce(r.n, 0) AS replies, coalesce(p.n, 0) AS reposts,
	       coalesce(x.n, 0) AS reactions, coalesce(z.n, 0) AS zaps,
	       coalesce(z.sats, 0) AS zap_sats
	FROM nostr_events e JOIN pubkeys k ON k.aid = e.aid
	LEFT JOIN (SELECT reply_to, count(*) AS n FROM replies GROUP BY reply_to) r
		ON r.reply_to = e.id
	LEFT JOIN (SELECT target_id, count(*) AS n FROM reposts GROUP BY target_id) p
		ON p.target_id = e.id
	LEFT JOIN (SELECT target_id, count(*) AS n FROM reactions GROUP BY target_id) x
		ON x.target_id = e.id
	LEFT JOIN (SELECT event_id, count(*) AS n, coalesce(sum(sats), 0) AS sats FROM zaps
	           WHERE valid = 1 AND event_id IS NOT NULL GROUP BY event_id) z
		ON z.event_id = e.id;

-- hashtag_counts: events and distinct authors per hashtag, all time.
CREATE VIEW IF NOT EXISTS hashtag_counts AS
	SELECT hashtag, count(*) AS mention_count, count(DISTINCT aid) AS unique_authors,
	       min(created_at) AS first_used, max(created_at) AS last_used
	FROM hashtags GROUP BY hashtag;

-- follower_counts: followers and followed per pubkey in the current lists.
CREATE VIEW IF NOT EXISTS follower_counts AS
	SELECT lower(hex(k.pubkey)) AS pubkey, c.followers, c.following FROM
	(SELECT aid, sum(followers) AS followers, sum(following) AS following FROM (
		SELECT followed AS aid, count(*) AS followers, 0 AS following
		FROM follows GROUP BY followed
		UNION ALL
		SELECT follower, 0, count(*) FROM follows GROUP BY follower)
	 GROUP BY aid) c JOIN pubkeys k ON k.aid = c.aid;

-- kind_counts: stored events per kind.
CREATE VIEW IF NOT EXISTS kind_counts AS
	SELECT kind, count(*) AS events, count(DISTINCT aid) AS authors
	FROM nostr_events GROUP BY kind;

-- language_counts: stored events per meta.lang.
CREATE VIEW IF NOT EXISTS language_counts AS
	SELECT coalesce(lang, 'und') AS lang, count(*) AS events,
	       count(DISTINCT aid) AS authors
	FROM nostr_events GROUP BY coalesce(lang, 'und');

-- daily_activity: events, authors and users first seen per UTC day.
CREATE VIEW IF NOT EXISTS daily_activity AS
	SELECT day, sum(events) AS events, sum(authors) AS authors,
	       sum(new_users) AS new_users FROM (
		SELECT date(created_at, 'unixepoch') AS day, count(*) AS events,
		       count(DISTINCT aid) AS authors, 0 AS new_users
		FROM nostr_events GROUP BY day
		UNION ALL
		SELECT date(first_seen, 'unixepoch'), 0, 0, count(*)
		FROM users GROUP BY 1)
	GROUP BY day;

-- user_overview: each user with profile name, follower counts and zap totals.
CREATE VIEW IF NOT EXISTS user_overview AS
	SELECT lower(hex(k.pubkey)) AS pubkey, p.name, p.display_name, p.nip05,
	       u.first_seen, u.last_seen,
	       (SELECT count(*) FROM follows WHERE followed = u.aid) AS followers,
	       (SELECT count(*) FROM follows WHERE follower = u.aid) AS following,
	       (SELECT count(*) FROM zaps WHERE recipient = u.aid AND valid = 1)
	       AS zaps_received,
	       (SELECT coalesce(sum(sats), 0) FROM zaps WHERE recipient = u.aid AND valid = 1)
	       AS sats_received
	FROM users u JOIN pubkeys k ON k.aid = u.aid
	LEFT JOIN user_profiles p ON p.aid = u.aid;

-- ---------------------------------------------------------------------------
-- nostr-score additions (issue 5): figures the tables above have no column
-- for.  Kept in tables of their own so that the tables above stay as they are.

-- trending_velocity: for each row of trending_topics, how the hashtag's use
-- compares with the window just before (same length, ending at window_end -
-- window_hours).
CREATE TABLE IF NOT EXISTS trending_velocity (
	window_end     INTEGER NOT NULL,           -- as in trending_topics
	window_hours   REAL    NOT NULL,           -- as in trending_topics
	hashtag        TEXT    NOT NULL,           -- as in trending_topics
	previous_count INTEGER NOT NULL,           -- events using it in the previous window
	velocity       REAL,                       -- mention_count / previous_count; NULL when
	                                           -- previous_count is 0 (new: no finite ratio)
	PRIMARY KEY (window_end, window_hours, hashtag)
) STRICT;

-- user_influence: the parts of user_metrics.influence that have no column there.
CREATE TABLE IF NOT EXISTS user_influence (
	aid         INTEGER PRIMARY KEY,           -- the user (pubkeys.aid)
	computed_at INTEGER NOT NULL,              -- nostr-score's --now
	pagerank    REAL    NOT NULL,              -- PageRank over follows (sums to 1 over all users)
	engagement  INTEGER NOT NULL,              -- replies + reposts + reactions + zaps received
	rank        INTEGER NOT NULL               -- 1 = highest user_metrics.influence
) STRICT;
CREATE INDEX IF NOT EXISTS user_influence_rank ON user_influence(rank);

-- ---------------------------------------------------------------------------
-- nostr-report indexes (issue 5): covering indexes for the report queries that
-- would otherwise visit every row of a large table (each report is to answer
-- in under 200 ms at a million events; see bench/report.sh).  Added only:
-- nothing above is changed.  nostr-report names them with INDEXED BY, so
-- they are needed, not merely helpful.  The partial ones hold only the rows
-- the reports count, to keep nostr-load's cost per event small.

-- Valid zaps grouped by zapped event, sender and recipient (top-zapped,
-- zaps): each groups in index order reading no table row.  valid is a column
-- too because SQLite 3.40 does not count a partial index's WHERE column as
-- covered.
CREATE INDEX IF NOT EXISTS zaps_valid_event
	ON zaps(event_id, created_at, sats, valid) WHERE valid = 1;
CREATE INDEX IF NOT EXISTS zaps_valid_sender
	ON zaps(sender, created_at, sats, valid) WHERE valid = 1;
CREATE INDEX IF NOT EXISTS zaps_valid_recipient
	ON zaps(recipient, created_at, sats, valid) WHERE valid = 1;

-- nostr_events_known_lang (content events in a known language, for
-- languages) is gone: languages reads languages_hourly (Summaries, below)
-- and no longer pays an index entry per content event at every load.
DROP INDEX IF EXISTS nostr_events_known_lang;

-- The latest nostr-score run (stats' scores.computed_at, viral): its rows by
-- virality, read from the end of this index.  nostr-score writes each run's
-- rows with one computed_at, so they go in at the index's end.
CREATE INDEX IF NOT EXISTS content_metrics_computed
	ON content_metrics(computed_at, virality);

-- ---------------------------------------------------------------------------
-- Summaries: counters nostr-load keeps as it writes, so that a report costs
-- what its window costs, not what the database holds.  Each row is a sum
-- over the stored events of its key; together they equal what a scan of
-- nostr_events, zaps and their indexes gives (tests/summaries.bats compares
-- them).  nostr-load counts an event in the transaction that stores it,
-- and takes back out each one it removes (a replaced version, a NIP-09
-- deletion's target) before the row goes, in its own code
-- (lib/store/db.c: a batch's counts are summed in memory and each row is
-- written once, at the commit).  This is deliberately not a DELETE
-- trigger: removing old raw events on purpose (pruning) must leave the
-- statistics of their windows as they were, so a DELETE made by anything
-- but nostr-load's replacement and deletion code changes no summary, and
-- after pruning the summaries hold more than a scan would.  Nor are the counts made by
-- INSERT triggers: they cost nostr-load 45% more CPU than the same counts
-- made in its code (200k events).
-- Rows written by other means (sqlite3, tests' fixtures) are noticed by
-- summaries_state and summary_marks: a tool that opens a database whose
-- nostr_events or zaps hold an eid above the last one a summary counted
-- counts the rows above it there, adding to what it holds (so the counts of
-- pruned events stay); a summary with no such record (a database made
-- before it, or upgraded from version 1 or 2) is filled from the stored
-- rows.  A zap changed in place is counted again by the trigger
-- zaps_recount below (zaps_recount_parties for the sender and recipient
-- totals).
--
-- hour is the start of a UTC hour in unix seconds (created_at rounded down
-- to a multiple of 3600).  Hours and not days: the report windows end at any
-- second (--now, --hours), so a window is read as the whole hours inside it
-- from a summary plus the at most two partial hours at its ends from the
-- raw rows (lib/render/report.c), and hourly rows keep those ends short.
-- A row whose counts are taken back to 0 is removed, as a fill would not make it.
-- Distinct counts (active authors) are not sums, so hourly rows cannot give
-- them for a window: stats' users.active counts the users whose last_event
-- lies in the window, and probes nostr_events only for those whose
-- last_event is later than its end (users is one row per author, not per
-- event); authors_hourly and authors_daily below hold them for whole UTC
-- hours and days.

-- events_hourly: stored events per hour and kind (stats' events.total,
-- events.window and events.posts; the dashboard's events series and kinds).
CREATE TABLE IF NOT EXISTS events_hourly (
	hour   INTEGER NOT NULL,                   -- start of the hour (unix seconds)
	kind   INTEGER NOT NULL,                   -- NIP-01 kind
	events INTEGER NOT NULL,                   -- stored events of that kind in that hour
	PRIMARY KEY (hour, kind)
) STRICT, WITHOUT ROWID;

-- languages_hourly: stored content events (kinds 1, 20, 1111, 30023, as
-- score.h's SCORE_CONTENT_KINDS) per hour and language, 'und' for unknown
-- or no language (languages; the dashboard's languages).
CREATE TABLE IF NOT EXISTS languages_hourly (
	hour   INTEGER NOT NULL,                   -- start of the hour (unix seconds)
	lang   TEXT    NOT NULL,                   -- nostr_events.lang, 'und' when NULL
	events INTEGER NOT NULL,                   -- content events in that language and hour
	PRIMARY KEY (hour, lang)
) STRICT, WITHOUT ROWID;

-- zaps_hourly: zap receipts per hour, validity and size bucket (stats'
-- zaps.total, zaps.sats, zaps.invalid, window_zap_sats; zaps' sizes; the
-- dashboard's zap series and sizes).  bucket is the lowest sats of the
-- receipt's size bucket (0, 1, 5, 10, 50, ..., 100000; report.c's zap
-- sizes), -1 when the invoice gave no amount.
CREATE TABLE IF NOT EXISTS zaps_hourly (
	hour   INTEGER NOT NULL,                   -- start of the hour (unix seconds)
	valid  INTEGER NOT NULL,                   -- zaps.valid
	bucket INTEGER NOT NULL,                   -- size bucket, see above
	zaps   INTEGER NOT NULL,                   -- receipts
	sats   INTEGER NOT NULL,                   -- their sats (a receipt with none counts 0)
	PRIMARY KEY (hour, valid, bucket)
) STRICT, WITHOUT ROWID;

-- event_zap_totals: valid zaps per zapped event, all time (top-zapped
-- without --hours; a window reads zaps_valid_event instead).
CREATE TABLE IF NOT EXISTS event_zap_totals (
	event_id BLOB    PRIMARY KEY,              -- the zapped event's id (32 bytes)
	zaps     INTEGER NOT NULL,                 -- valid receipts naming it
	sats     INTEGER NOT NULL                  -- their sats
) STRICT, WITHOUT ROWID;
-- The top of event_zap_totals without reading it all.
CREATE INDEX IF NOT EXISTS event_zap_totals_sats ON event_zap_totals(sats, zaps);

-- zap_sender_totals, zap_recipient_totals: valid zaps per sender and per
-- recipient, all time (zaps' top zappers and top recipients without --hours,
-- the dashboard's zap tables; a window reads zaps_valid_sender and
-- zaps_valid_recipient instead).  Counted as event_zap_totals is, and kept
-- like it when old events are pruned.
CREATE TABLE IF NOT EXISTS zap_sender_totals (
	aid  INTEGER PRIMARY KEY,                  -- the zap request's author (zaps.sender)
	zaps INTEGER NOT NULL,                     -- valid receipts it sent
	sats INTEGER NOT NULL                      -- their sats
) STRICT;
CREATE INDEX IF NOT EXISTS zap_sender_totals_sats ON zap_sender_totals(sats, zaps);
CREATE TABLE IF NOT EXISTS zap_recipient_totals (
	aid  INTEGER PRIMARY KEY,                  -- the zapped pubkey (zaps.recipient)
	zaps INTEGER NOT NULL,                     -- valid receipts naming it
	sats INTEGER NOT NULL                      -- their sats
) STRICT;
CREATE INDEX IF NOT EXISTS zap_recipient_totals_sats ON zap_recipient_totals(sats, zaps);

-- follower_totals: followers per pubkey in the current contact lists, as
-- follows holds them (users by followers: the dashboard's leaderboard before
-- nostr-score has run; stats' follows.total is their sum).  Not a statistic
-- of a window but of the lists as they are: nostr-load counts each follows
-- row it inserts (it takes a row of the list it replaces over, which is no
-- insert; a trigger on inserts would make each of them run under a
-- statement journal, a copy of every page it changes), and the trigger
-- below takes out each row the cleanup trigger removes; pruning keeps
-- contact lists, so it never changes them.  Anything else that inserts
-- follows rows counts them itself, or deletes summary_marks'
-- 'follower_totals' row, so that the next open counts them anew.
CREATE TABLE IF NOT EXISTS follower_totals (
	aid       INTEGER PRIMARY KEY,             -- the followed pubkey (pubkeys.aid)
	followers INTEGER NOT NULL                 -- lists that follow it
) STRICT;
CREATE INDEX IF NOT EXISTS follower_totals_followers ON follower_totals(followers);
DROP TRIGGER IF EXISTS follows_counted;  -- in databases made before 2026-12-08
CREATE TRIGGER IF NOT EXISTS follows_uncounted AFTER DELETE ON follows
BEGIN
	UPDATE follower_totals SET followers = followers - 1 WHERE aid = OLD.followed;
	DELETE FROM follower_totals WHERE aid = OLD.followed AND followers = 0;
END;

-- authors_hourly, authors_daily: distinct authors of the stored events per
-- UTC hour and per UTC day (the dashboard's active authors per hour and per
-- day).  A distinct count is no sum of smaller ones, so these are the only
-- periods it has; nostr-load counts an author in a period when it stores
-- the author's first event there and takes it back out when it removes
-- the last (it asks nostr_events_author whether another is there).  As
-- the other statistics, pruning leaves them as they were.
CREATE TABLE IF NOT EXISTS authors_hourly (
	hour    INTEGER PRIMARY KEY,               -- start of the UTC hour (unix seconds)
	authors INTEGER NOT NULL                   -- pubkeys with a stored event in it
) STRICT;
CREATE TABLE IF NOT EXISTS authors_daily (
	day     INTEGER PRIMARY KEY,               -- start of the UTC day (unix seconds)
	authors INTEGER NOT NULL                   -- pubkeys with a stored event in it
) STRICT;

-- summary_marks: for the summaries above that came after summaries_state,
-- one row per summary: what it has counted, so that each is filled on its
-- own when it is new to a database (no row: filled from the stored rows)
-- and brought up to date when rows came by other means (a higher eid),
-- without filling anew the others, whose counts of pruned windows no stored
-- row could give back.
CREATE TABLE IF NOT EXISTS summary_marks (
	summary TEXT    PRIMARY KEY,               -- 'zap_parties' (the two zap_*_totals),
	                                           -- 'follower_totals', 'authors' (authors_*)
	eid     INTEGER NOT NULL                   -- the highest eid counted: zaps.eid for
	                                           -- zap_parties; nostr_events.eid otherwise
) STRICT, WITHOUT ROWID;

-- summaries_state: the highest eid of nostr_events and of zaps that the
-- summaries have counted (one row).  nostr-load sets it as it commits.
CREATE TABLE IF NOT EXISTS summaries_state (
	one        INTEGER PRIMARY KEY CHECK (one = 1),
	events_eid INTEGER NOT NULL,               -- max(nostr_events.eid) counted
	zaps_eid   INTEGER NOT NULL                -- max(zaps.eid) counted
) STRICT;

-- A zap changed in place (by hand: no tool does) is taken out as it was and
-- counted as it is.
CREATE TRIGGER IF NOT EXISTS zaps_recount
	AFTER UPDATE OF valid, sats, event_id, created_at ON zaps
BEGIN
	UPDATE zaps_hourly SET zaps = zaps - 1, sats = sats - coalesce(OLD.sats, 0)
		WHERE hour = OLD.created_at - OLD.created_at % 3600 AND valid = OLD.valid
		AND bucket = CASE WHEN OLD.sats IS NULL THEN -1 WHEN OLD.sats >= 100000 THEN 100000
		WHEN OLD.sats >= 50000 THEN 50000 WHEN OLD.sats >= 10000 THEN 10000
		WHEN OLD.sats >= 5000 THEN 5000 WHEN OLD.sats >= 1000 THEN 1000
		WHEN OLD.sats >= 500 THEN 500 WHEN OLD.sats >= 100 THEN 100
		WHEN OLD.sats >= 50 THEN 50 WHEN OLD.sats >= 10 THEN 10
		WHEN OLD.sats >= 5 THEN 5 WHEN OLD.sats >= 1 THEN 1 ELSE 0 END;
	UPDATE event_zap_totals SET zaps = zaps - 1, sats = sats - coalesce(OLD.sats, 0)
		WHERE OLD.valid = 1 AND event_id = OLD.event_id;
	DELETE FROM zaps_hourly WHERE zaps = 0 AND hour = OLD.created_at - OLD.created_at % 3600;
	DELETE FROM event_zap_totals WHERE zaps = 0 AND event_id = OLD.event_id;
	INSERT INTO zaps_hourly VALUES (NEW.created_at - NEW.created_at % 3600, NEW.valid,
		CASE WHEN NEW.sats IS NULL THEN -1 WHEN NEW.sats >= 100000 THEN 100000
		WHEN NEW.sats >= 50000 THEN 50000 WHEN NEW.sats >= 10000 THEN 10000
		WHEN NEW.sats >= 5000 THEN 5000 WHEN NEW.sats >= 1000 THEN 1000
		WHEN NEW.sats >= 500 THEN 500 WHEN NEW.sats >= 100 THEN 100
		WHEN NEW.sats >= 50 THEN 50 WHEN NEW.sats >= 10 THEN 10
		WHEN NEW.sats >= 5 THEN 5 WHEN NEW.sats >= 1 THEN 1 ELSE 0 END,
		1, coalesce(NEW.sats, 0))
		ON CONFLICT(hour, valid, bucket) DO UPDATE
		SET zaps = zaps + 1, sats = sats + excluded.sats;
	INSERT INTO event_zap_totals SELECT NEW.event_id, 1, coalesce(NEW.sats, 0)
		WHERE NEW.valid = 1 AND NEW.event_id IS NOT NULL
		ON CONFLICT(event_id) DO UPDATE SET zaps = zaps + 1, sats = sats + excluded.sats;
END;

-- The same for zap_sender_totals and zap_recipient_totals.
CREATE TRIGGER IF NOT EXISTS zaps_recount_parties
	AFTER UPDATE OF valid, sats, sender, recipient ON zaps
BEGIN
	UPDATE zap_sender_totals SET zaps = zaps - 1, sats = sats - coalesce(OLD.sats, 0)
		WHERE OLD.valid = 1 AND aid = OLD.sender;
	UPDATE zap_recipient_totals SET zaps = zaps - 1, sats = sats - coalesce(OLD.sats, 0)
		WHERE OLD.valid = 1 AND aid = OLD.recipient;
	DELETE FROM zap_sender_totals WHERE zaps = 0 AND aid = OLD.sender;
	DELETE FROM zap_recipient_totals WHERE zaps = 0 AND aid = OLD.recipient;
	INSERT INTO zap_sender_totals SELECT NEW.sender, 1, coalesce(NEW.sats, 0)
		WHERE NEW.valid = 1 AND NEW.sender IS NOT NULL
		ON CONFLICT(aid) DO UPDATE SET zaps = zaps + 1, sats = sats + excluded.sats;
	INSERT INTO zap_recipient_totals SELECT NEW.recipient, 1, coalesce(NEW.sats, 0)
		WHERE NEW.valid = 1 AND NEW.recipient IS NOT NULL
		ON CONFLICT(aid) DO UPDATE SET zaps = zaps + 1, sats = sats + excluded.sats;
END;
