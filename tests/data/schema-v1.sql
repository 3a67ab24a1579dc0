-- tests/data/schema-v1.sql: what schema version 1 had that version 2 lays
-- out otherwise: the derived tables as rowid tables with a created_at index
-- each, zaps keyed by receipt_id, and the indexes version 2 drops.  Run on an
-- empty file it makes a version-1 database as far as the tables that differ;
-- nostr-load creates the rest (every statement of schema.sql is IF NOT
-- EXISTS), as it does when it opens a real version-1 database.

PRAGMA user_version = 1;

CREATE TABLE IF NOT EXISTS hashtags (
	event_id   TEXT    NOT NULL,               -- the event
	hashtag    TEXT    NOT NULL,               -- without '#', case-folded
	pubkey     TEXT    NOT NULL,               -- the event's author
	created_at INTEGER NOT NULL,               -- the event's created_at
	kind       INTEGER NOT NULL                -- the event's kind
) STRICT;
CREATE INDEX IF NOT EXISTS hashtags_tag ON hashtags(hashtag, created_at);
CREATE INDEX IF NOT EXISTS hashtags_created ON hashtags(created_at);

CREATE TABLE IF NOT EXISTS mentions (
	event_id   TEXT    NOT NULL,               -- the mentioning event
	mentioned  TEXT    NOT NULL,               -- the mentioned pubkey (hex)
	pubkey     TEXT    NOT NULL,               -- the event's author
	created_at INTEGER NOT NULL,               -- the event's created_at
	kind       INTEGER NOT NULL                -- the event's kind
) STRICT;
CREATE INDEX IF NOT EXISTS mentions_created ON mentions(created_at);

CREATE TABLE IF NOT EXISTS refs (
	event_id   TEXT    NOT NULL,               -- the referring event
	ref        TEXT    NOT NULL,               -- referred event id, or address
	pubkey     TEXT    NOT NULL,               -- the referring event's author
	created_at INTEGER NOT NULL,               -- the referring event's created_at
	kind       INTEGER NOT NULL                -- the referring event's kind
) STRICT;
CREATE INDEX IF NOT EXISTS refs_created ON refs(created_at);

CREATE TABLE IF NOT EXISTS replies (
	event_id   TEXT    NOT NULL,               -- the reply
	reply_to   TEXT    NOT NULL,               -- the event it answers
	root       TEXT,                           -- the thread's root, or NULL when unknown
	pubkey     TEXT    NOT NULL,               -- the reply's author
	created_at INTEGER NOT NULL                -- the reply's created_at
) STRICT;
CREATE INDEX IF NOT EXISTS replies_created ON replies(created_at);
CREATE INDEX IF NOT EXISTS replies_reply_to ON replies(reply_to);

CREATE TABLE IF NOT EXISTS reactions (
	event_id      TEXT    NOT NULL,             -- the reaction event
	target_id     TEXT    NOT NULL,             -- the reacted-to event (last `e` tag)
	target_pubkey TEXT,                         -- its author (last `p` tag), or NULL
	reaction      TEXT    NOT NULL,             -- content: '+', '-', an emoji or :shortcode:
	pubkey        TEXT    NOT NULL,             -- who reacted
	created_at    INTEGER NOT NULL              -- when
) STRICT;
CREATE INDEX IF NOT EXISTS reactions_created ON reactions(created_at);
CREATE INDEX IF NOT EXISTS reactions_target ON reactions(target_id);

CREATE TABLE IF NOT EXISTS reposts (
	event_id      TEXT    NOT NULL,             -- the repost event
	target_id     TEXT    NOT NULL,             -- the reposted event (`e` tag)
	target_pubkey TEXT,                         -- its author (`p` tag), or NULL
	kind          INTEGER NOT NULL,             -- 6 or 16
	pubkey        TEXT    NOT NULL,             -- who reposted
	created_at    INTEGER NOT NULL              -- when
) STRICT;
CREATE INDEX IF NOT EXISTS reposts_created ON reposts(created_at);
CREATE INDEX IF NOT EXISTS reposts_target ON reposts(target_id);

CREATE TABLE IF NOT EXISTS zaps (
	receipt_id TEXT    NOT NULL PRIMARY KEY,   -- the kind-9735 receipt event
	provider   TEXT    NOT NULL,               -- the receipt's author (the LNURL server's key)
	sender     TEXT,                           -- pubkey of the kind-9734 zap request, or NULL
	recipient  TEXT,                           -- the receipt's `p` tag, or NULL
	event_id   TEXT,                           -- the zapped event (`e` tag), or NULL
	address    TEXT,                           -- the zapped address (`a` tag), or NULL
	msat       INTEGER,                        -- bolt11 amount in millisatoshi, or NULL
	sats       INTEGER,                        -- msat / 1000 (rounded down), or NULL
	comment    TEXT,                           -- the zap request's content, or NULL
	valid      INTEGER NOT NULL,               -- 1 when no problem was found
	problems   TEXT    NOT NULL,               -- JSON array of problem strings ('[]' if none)
	created_at INTEGER NOT NULL                -- the receipt's created_at
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS zaps_recipient ON zaps(recipient, created_at);
CREATE INDEX IF NOT EXISTS zaps_created ON zaps(created_at);
