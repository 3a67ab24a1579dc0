# shellcheck shell=bash
# score_fixture.bash: a small database for the nostr-score and nostr-report
# suites, written with sqlite3 straight into schema.sql's tables so that every
# count behind an expected score is known from this file alone.
#
# Time N = 1700000000.  Users A B C PD author events; E is only followed.
# Rows are what nostr-load and nostr-enrich would have written (schema
# version 3: keys as BLOBs and surrogates).

N=1700000000
A=$(printf 'a%.0s' $(seq 64)); B=$(printf 'b%.0s' $(seq 64))
C=$(printf 'c%.0s' $(seq 64)); PD=$(printf 'd%.0s' $(seq 64))
E=$(printf 'e%.0s' $(seq 64))
# event ids: 64 hex digits from a short name
eid() { printf '%064x' "$1"; }

# Stored keys are BLOBs (x'...') and surrogates (schema.sql's conventions):
# pubkeys A B C PD E have aids 1 to 5 (6 to 8: three mentioned keys that
# author nothing), and event eN has eid N + 1.
xid() { printf "x'%064x'" "$1"; }
ev() { echo $(($1 + 1)); }

# fixture_db DB: creates DB with the schema and the fixture rows.
fixture_db() {
	local db=$1
	sqlite3 "$db" < "$ROOT/schema.sql" || return 1
	sqlite3 "$db" <<SQL
BEGIN;
INSERT INTO pubkeys VALUES (1, x'$A'), (2, x'$B'), (3, x'$C'), (4, x'$PD'), (5, x'$E'),
  (6, $(xid 90)), (7, $(xid 91)), (8, $(xid 92));
INSERT INTO users(aid, first_seen, last_seen) VALUES (1, $((N - 108000)), $((N - 3600))),
  (2, $((N - 7200)), $((N - 3000))), (3, $((N - 3500)), $((N - 1800))),
  (4, $((N - 3000)), $((N - 50)));
-- e0: A, 30 h ago (before the 24 h window, inside the previous one)
INSERT INTO nostr_events (eid, id, aid, created_at, kind, content, tags, sig, lang, meta)
VALUES ($(ev 0), $(xid 0), 1, $((N - 108000)), 1, 'old post about #nostr', '[]', x'', 'en', NULL);
-- e1: A, 1 h ago, 13 words, two hashtags
INSERT INTO nostr_events (eid, id, aid, created_at, kind, content, tags, sig, lang, meta)
VALUES ($(ev 1), $(xid 1), 1, $((N - 3600)), 1,
  'Hello nostr world, this is a normal post about #nostr and #bitcoin today',
  '[]', x'', 'en', NULL);
-- e2: B, 2 h ago, all capitals, unknown language
INSERT INTO nostr_events (eid, id, aid, created_at, kind, content, tags, sig, lang, meta)
VALUES ($(ev 2), $(xid 2), 2, $((N - 7200)), 1, 'GM GM GM GM GM GM #NOSTR', '[]', x'', 'und', NULL);
-- e3: C, a link only, with media (kept in what is left of meta)
INSERT INTO nostr_events (eid, id, aid, created_at, kind, content, tags, sig, lang, meta)
VALUES ($(ev 3), $(xid 3), 3, $((N - 1800)), 1, 'https://example.com/a.jpg', '[]', x'', 'und',
  '{"urls":["https://example.com/a.jpg"],"media":["https://example.com/a.jpg"]}');
-- e4 e5 e6: D, the same text three times in 100 s, seven mentions, no profile;
-- e7: C posts that same text too
INSERT INTO nostr_events (eid, id, aid, created_at, kind, content, tags, sig, lang, meta)
VALUES ($(ev 4), $(xid 4), 4, $((N - 150)), 1, 'Free sats!!!!!! claim them now at example dot com', '[]', x'', 'en', NULL),
  ($(ev 5), $(xid 5), 4, $((N - 100)), 1, 'Free sats!!!!!! claim them now at example dot com', '[]', x'', 'en', NULL),
  ($(ev 6), $(xid 6), 4, $((N - 50)), 1, 'Free sats!!!!!! claim them now at example dot com', '[]', x'', 'en', NULL),
  ($(ev 7), $(xid 7), 3, $((N - 1900)), 1, 'Free sats!!!!!! claim them now at example dot com', '[]', x'', 'en', NULL);
INSERT INTO mentions (eid, mentioned, aid, created_at, kind)
SELECT $(ev 4), value, 4, $((N - 150)), 1 FROM json_each('[1, 2, 3, 5, 6, 7, 8]');
-- replies to e1 (kind 1 too), reactions, a repost
INSERT INTO nostr_events (eid, id, aid, created_at, kind, content, tags, sig, lang, meta)
VALUES ($(ev 10), $(xid 10), 2, $((N - 3000)), 1, 'nice', '[]', x'', 'en', NULL),
  ($(ev 11), $(xid 11), 3, $((N - 2000)), 1, 'agreed', '[]', x'', 'en', NULL),
  ($(ev 20), $(xid 20), 3, $((N - 3500)), 7, '+', '[]', x'', NULL, NULL),
  ($(ev 21), $(xid 21), 4, $((N - 3000)), 7, '🤙', '[]', x'', NULL, NULL),
  ($(ev 22), $(xid 22), 1, $((N - 3000)), 7, '+', '[]', x'', NULL, NULL),
  ($(ev 30), $(xid 30), 4, $((N - 2500)), 6, '', '[]', x'', NULL, NULL);
INSERT INTO replies (eid, reply_to, root, aid, created_at) VALUES ($(ev 10), $(xid 1), $(xid 1), 2, $((N - 3000))),
  ($(ev 11), $(xid 1), $(xid 1), 3, $((N - 2000)));
INSERT INTO reactions (eid, target_id, target_pubkey, reaction, aid, created_at) VALUES ($(ev 20), $(xid 1), 1, '+', 3, $((N - 3500))),
  ($(ev 21), $(xid 1), 1, '🤙', 4, $((N - 3000))),
  ($(ev 22), $(xid 2), 2, '+', 1, $((N - 3000)));
INSERT INTO reposts (eid, target_id, target_pubkey, kind, aid, created_at) VALUES ($(ev 30), $(xid 1), 1, 6, 4, $((N - 2500)));
-- zaps of e1: one valid (1000 sats), one invalid, one valid after N
INSERT INTO zaps VALUES ($(ev 40), 5, 2, 1, $(xid 1), NULL, 1000000, 1000, 'great', 1, '[]', $((N - 3000))),
  ($(ev 41), 5, 3, 1, $(xid 1), NULL, 5000000, 5000, NULL, 0, '["bad"]', $((N - 2900))),
  ($(ev 42), 5, 2, 1, $(xid 1), NULL, 7000000, 7000, NULL, 1, '[]', $((N + 100)));
INSERT INTO hashtags (eid, hashtag, aid, created_at, kind) VALUES ($(ev 0), 'nostr', 1, $((N - 108000)), 1),
  ($(ev 1), 'nostr', 1, $((N - 3600)), 1), ($(ev 1), 'bitcoin', 1, $((N - 3600)), 1),
  ($(ev 2), 'nostr', 2, $((N - 7200)), 1);
INSERT INTO follows VALUES (2, 1, $(ev 50), $((N - 9000)), NULL, NULL),
  (3, 1, $(ev 51), $((N - 9000)), NULL, NULL),
  (4, 1, $(ev 52), $((N - 9000)), NULL, NULL),
  (1, 2, $(ev 53), $((N - 9000)), NULL, NULL),
  (1, 5, $(ev 53), $((N - 9000)), NULL, NULL);
INSERT INTO user_profiles (aid, eid, created_at, name, about, json_ok)
VALUES (1, $(ev 60), $((N - 9000)), 'alice', 'hi', 1),
  (2, $(ev 61), $((N - 9000)), char(27) || '[31mbob' || char(8238) || 'evil' || char(10) || 'x', 'b', 1),
  (3, $(ev 62), $((N - 9000)), 'carol', 'c', 1);
COMMIT;
SQL
}

# close_to A B: true when the numbers A and B differ by less than 1e-9 (relative).
close_to() {
	awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d;
		m = (a < 0 ? -a : a); if (m < 1) m = 1;
		if (d / m < 1e-9) exit 0; print "got " a ", expected " b > "/dev/stderr"; exit 1 }'
}
