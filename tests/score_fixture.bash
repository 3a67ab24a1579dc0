# shellcheck shell=bash
# score_fixture.bash: a small database for the nostr-score and nostr-report
# suites, written with sqlite3 straight into schema.sql's tables so that every
# count behind an expected score is known from this file alone.
#
# Time N = 1700000000.  Users A B C PD author events; E is only followed.
# Rows are what nostr-load and nostr-enrich would have written.

N=1700000000
A=$(printf 'a%.0s' $(seq 64)); B=$(printf 'b%.0s' $(seq 64))
C=$(printf 'c%.0s' $(seq 64)); PD=$(printf 'd%.0s' $(seq 64))
E=$(printf 'e%.0s' $(seq 64))
# event ids: 64 hex digits from a short name
eid() { printf '%064x' "$1"; }

# fixture_db DB: creates DB with the schema and the fixture rows.
fixture_db() {
	local db=$1
	sqlite3 "$db" < "$ROOT/schema.sql" || return 1
	sqlite3 "$db" <<SQL
BEGIN;
INSERT INTO users VALUES ('$A', $((N - 108000)), $((N - 3600))),
  ('$B', $((N - 7200)), $((N - 3000))), ('$C', $((N - 3500)), $((N - 1800))),
  ('$PD', $((N - 3000)), $((N - 50)));
-- e0: A, 30 h ago (before the 24 h window, inside the previous one)
INSERT INTO nostr_events (id, pubkey, created_at, kind, content, tags, sig, lang, meta)
VALUES ('$(eid 0)', '$A', $((N - 108000)), 1, 'old post about #nostr', '[]', '', 'en',
  '{"hashtags":["nostr"],"mentions":[],"media":[]}');
-- e1: A, 1 h ago, 13 words, two hashtags
INSERT INTO nostr_events (id, pubkey, created_at, kind, content, tags, sig, lang, meta)
VALUES ('$(eid 1)', '$A', $((N - 3600)), 1,
  'Hello nostr world, this is a normal post about #nostr and #bitcoin today',
  '[]', '', 'en', '{"hashtags":["nostr","bitcoin"],"mentions":[],"media":[]}');
-- e2: B, 2 h ago, all capitals, unknown language
INSERT INTO nostr_events (id, pubkey, created_at, kind, content, tags, sig, lang, meta)
VALUES ('$(eid 2)', '$B', $((N - 7200)), 1, 'GM GM GM GM GM GM #NOSTR', '[]', '', 'und',
  '{"hashtags":["nostr"],"mentions":[],"media":[]}');
-- e3: C, a link only, with media
INSERT INTO nostr_events (id, pubkey, created_at, kind, content, tags, sig, lang, meta)
VALUES ('$(eid 3)', '$C', $((N - 1800)), 1, 'https://example.com/a.jpg', '[]', '', 'und',
  '{"hashtags":[],"mentions":[],"media":["https://example.com/a.jpg"]}');
-- e4 e5 e6: D, the same text three times in 100 s, seven mentions, no profile;
-- e7: C posts that same text too
INSERT INTO nostr_events (id, pubkey, created_at, kind, content, tags, sig, lang, meta)
VALUES ('$(eid 4)', '$PD', $((N - 150)), 1, 'Free sats!!!!!! claim them now at example dot com', '[]', '', 'en',
  '{"hashtags":[],"mentions":["$A","$B","$C","$E","$(eid 90)","$(eid 91)","$(eid 92)"],"media":[]}'),
  ('$(eid 5)', '$PD', $((N - 100)), 1, 'Free sats!!!!!! claim them now at example dot com', '[]', '', 'en',
  '{"hashtags":[],"mentions":[],"media":[]}'),
  ('$(eid 6)', '$PD', $((N - 50)), 1, 'Free sats!!!!!! claim them now at example dot com', '[]', '', 'en',
  '{"hashtags":[],"mentions":[],"media":[]}'),
  ('$(eid 7)', '$C', $((N - 1900)), 1, 'Free sats!!!!!! claim them now at example dot com', '[]', '', 'en',
  '{"hashtags":[],"mentions":[],"media":[]}');
-- replies to e1 (kind 1 too), reactions, a repost
INSERT INTO nostr_events (id, pubkey, created_at, kind, content, tags, sig, lang, meta)
VALUES ('$(eid 10)', '$B', $((N - 3000)), 1, 'nice', '[]', '', 'en', '{}'),
  ('$(eid 11)', '$C', $((N - 2000)), 1, 'agreed', '[]', '', 'en', '{}'),
  ('$(eid 20)', '$C', $((N - 3500)), 7, '+', '[]', '', NULL, '{}'),
  ('$(eid 21)', '$PD', $((N - 3000)), 7, '🤙', '[]', '', NULL, '{}'),
  ('$(eid 22)', '$A', $((N - 3000)), 7, '+', '[]', '', NULL, '{}'),
  ('$(eid 30)', '$PD', $((N - 2500)), 6, '', '[]', '', NULL, '{}');
INSERT INTO replies (event_id, reply_to, root, pubkey, created_at) VALUES ('$(eid 10)', '$(eid 1)', '$(eid 1)', '$B', $((N - 3000))),
  ('$(eid 11)', '$(eid 1)', '$(eid 1)', '$C', $((N - 2000)));
INSERT INTO reactions (event_id, target_id, target_pubkey, reaction, pubkey, created_at) VALUES ('$(eid 20)', '$(eid 1)', '$A', '+', '$C', $((N - 3500))),
  ('$(eid 21)', '$(eid 1)', '$A', '🤙', '$PD', $((N - 3000))),
  ('$(eid 22)', '$(eid 2)', '$B', '+', '$A', $((N - 3000)));
INSERT INTO reposts (event_id, target_id, target_pubkey, kind, pubkey, created_at) VALUES ('$(eid 30)', '$(eid 1)', '$A', 6, '$PD', $((N - 2500)));
-- zaps of e1: one valid (1000 sats), one invalid, one valid after N
INSERT INTO zaps VALUES ('$(eid 40)', '$E', '$B', '$A', '$(eid 1)', NULL, 1000000, 1000, 'great', 1, '[]', $((N - 3000))),
  ('$(eid 41)', '$E', '$C', '$A', '$(eid 1)', NULL, 5000000, 5000, NULL, 0, '["bad"]', $((N - 2900))),
  ('$(eid 42)', '$E', '$B', '$A', '$(eid 1)', NULL, 7000000, 7000, NULL, 1, '[]', $((N + 100)));
INSERT INTO hashtags (event_id, hashtag, pubkey, created_at, kind) VALUES ('$(eid 0)', 'nostr', '$A', $((N - 108000)), 1),
  ('$(eid 1)', 'nostr', '$A', $((N - 3600)), 1), ('$(eid 1)', 'bitcoin', '$A', $((N - 3600)), 1),
  ('$(eid 2)', 'nostr', '$B', $((N - 7200)), 1);
INSERT INTO follows VALUES ('$B', '$A', '$(eid 50)', $((N - 9000)), NULL, NULL),
  ('$C', '$A', '$(eid 51)', $((N - 9000)), NULL, NULL),
  ('$PD', '$A', '$(eid 52)', $((N - 9000)), NULL, NULL),
  ('$A', '$B', '$(eid 53)', $((N - 9000)), NULL, NULL),
  ('$A', '$E', '$(eid 53)', $((N - 9000)), NULL, NULL);
INSERT INTO user_profiles (pubkey, event_id, created_at, name, about, json_ok, content)
VALUES ('$A', '$(eid 60)', $((N - 9000)), 'alice', 'hi', 1, '{}'),
  ('$B', '$(eid 61)', $((N - 9000)), char(27) || '[31mbob' || char(8238) || 'evil' || char(10) || 'x', 'b', 1, '{}'),
  ('$C', '$(eid 62)', $((N - 9000)), 'carol', 'c', 1, '{}');
COMMIT;
SQL
}

# close_to A B: true when the numbers A and B differ by less than 1e-9 (relative).
close_to() {
	awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d;
		m = (a < 0 ? -a : a); if (m < 1) m = 1;
		if (d / m < 1e-9) exit 0; print "got " a ", expected " b > "/dev/stderr"; exit 1 }'
}
