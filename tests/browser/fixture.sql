-- fixture.sql: a small database for the dashboard tests, loaded after
-- tests/data/schema-v2.sql with sqlite3(1) (version 2's hex keys; the tools
-- upgrade it to version 3 when they open it).  30 users, 600 events over the three days up to
-- 1700006400 (2023-11-15 00:00 UTC), follows, reactions, replies, zaps of
-- every size, relay status, and hostile text in every place the page shows
-- network text: note content, profile names and websites, hashtags, relay
-- URLs and notices.  Every hostile script, if it ran, would set
-- document.title to 'pwned'; the browser test checks that it did not.

-- Events: meta is '{}' as nostr-load would have it (not NULL).  i = 0..599; author i*7 mod 30; kinds 7 (every 10th), 6 (every 17th), else 1.
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 599)
INSERT INTO nostr_events (id, pubkey, created_at, kind, content, tags, sig, lang, words, meta)
SELECT printf('%064x', 100000 + i), printf('%064x', 1000 + (i * 7) % 30),
       1700006400 - (i * 433) % (3 * 86400),
       CASE WHEN i % 10 = 0 THEN 7 WHEN i % 17 = 0 THEN 6 ELSE 1 END,
       CASE WHEN i % 10 = 0 THEN '+' ELSE 'note number ' || i || ' about #nostr' END,
       '[]', printf('%0128x', i),
       CASE i % 5 WHEN 0 THEN 'en' WHEN 1 THEN 'de' WHEN 2 THEN 'ja' WHEN 3 THEN 'en' ELSE 'und' END,
       5, '{}'
FROM n;

-- Hostile notes, recent, by hostile profiles below.
INSERT INTO nostr_events (id, pubkey, created_at, kind, content, tags, sig, lang, words, meta) VALUES
 (printf('%064x', 900001), printf('%064x', 1000), 1700005000, 1,
  '<script>document.title=''pwned''</script> look at this', '[]', printf('%0128x', 1), 'en', 5, '{}'),
 (printf('%064x', 900002), printf('%064x', 1001), 1700004000, 1,
  '<img src=x onerror="document.title=''pwned''"> and </style><style>body{display:none}</style>',
  '[]', printf('%0128x', 2), 'en', 5, '{}'),
 (printf('%064x', 900003), printf('%064x', 1002), 1700003000, 1,
  'click <a href="javascript:document.title=''pwned''">here</a> ' || char(8238) || 'txet desrever',
  '[]', printf('%0128x', 3), 'en', 5, '{}');

INSERT INTO users (pubkey, first_seen, last_seen)
SELECT pubkey, min(created_at), max(created_at) FROM nostr_events GROUP BY pubkey;

INSERT INTO user_profiles (pubkey, event_id, created_at, name, display_name, about, website,
                           nip05, json_ok, content) VALUES
 (printf('%064x', 1000), printf('%064x', 800000), 1699900000,
  'alice', '<script>document.title=''pwned''</script>', 'about', 'javascript:document.title=''pwned''',
  'alice@example.com', 1, '{}'),
 (printf('%064x', 1001), printf('%064x', 800001), 1699900000,
  '<img src=x onerror="document.title=''pwned''">', NULL, NULL,
  'https://example.com/"onmouseover="document.title=''pwned''', NULL, 1, '{}'),
 (printf('%064x', 1002), printf('%064x', 800002), 1699900000,
  'evil' || char(8238) || 'gnp.exe', NULL, NULL, 'https://bob.example/', 'bob@bob.example', 1, '{}'),
 (printf('%064x', 1003), printf('%064x', 800003), 1699900000,
  '</style><script>document.title=''pwned''</script>', NULL, NULL, NULL, NULL, 1, '{}'),
 (printf('%064x', 1004), printf('%064x', 800004), 1699900000,
  'שלום עולם', NULL, NULL, 'HTTPS://CAPS.EXAMPLE/', NULL, 1, '{}'),
 (printf('%064x', 1005), printf('%064x', 800005), 1699900000,
  'carol 🚀', NULL, NULL, NULL, NULL, 1, '{}');

-- Hashtags of the notes, hostile ones included.
INSERT INTO hashtags (event_id, hashtag, pubkey, created_at, kind)
SELECT id, CASE CAST(substr(id, 59) AS INTEGER) % 7
             WHEN 0 THEN 'nostr' WHEN 1 THEN 'bitcoin' WHEN 2 THEN 'zaps'
             WHEN 3 THEN '<script>document.title=''pwned''</script>'
             WHEN 4 THEN 'x" onerror="document.title=''pwned'''
             WHEN 5 THEN 'rtl' || char(8238) || 'lave'
             ELSE 'nostr' END,
       pubkey, created_at, kind
FROM nostr_events WHERE kind = 1;
INSERT OR IGNORE INTO hashtags (event_id, hashtag, pubkey, created_at, kind)
SELECT id, 'nostr', pubkey, created_at, kind FROM nostr_events WHERE kind = 1 AND created_at % 3 = 0;

-- Follows: user k follows k+1..k+3, and everyone follows users 1000..1002.
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 29),
     d(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM d WHERE j < 3)
INSERT OR IGNORE INTO follows (follower, followed, event_id, created_at)
SELECT printf('%064x', 1000 + i), printf('%064x', 1000 + (i + j) % 30),
       printf('%064x', 700000 + i), 1699000000 FROM k, d;
WITH RECURSIVE k(i) AS (SELECT 3 UNION ALL SELECT i + 1 FROM k WHERE i < 29)
INSERT OR IGNORE INTO follows (follower, followed, event_id, created_at)
SELECT printf('%064x', 1000 + i), printf('%064x', 1000 + t), printf('%064x', 700000 + i),
       1699000000 FROM k, (SELECT 0 AS t UNION SELECT 1 UNION SELECT 2);

-- Reactions and replies: the hostile notes get the most, so they are viral.
INSERT INTO reactions (event_id, target_id, target_pubkey, reaction, pubkey, created_at)
SELECT e.id, printf('%064x', 900001 + (CAST(substr(e.id, 59) AS INTEGER) % 3)),
       printf('%064x', 1000 + (CAST(substr(e.id, 59) AS INTEGER) % 3)), '+', e.pubkey, 1700005500
FROM nostr_events e WHERE e.kind = 7;
INSERT INTO replies (event_id, reply_to, root, pubkey, created_at)
SELECT id, printf('%064x', 900001), printf('%064x', 900001), pubkey, created_at
FROM nostr_events WHERE kind = 1 AND created_at > 1700005000 AND id < printf('%064x', 900000);

-- Zaps: sizes from 5 to 500000 sats, to every bin of the histogram; two invalid.
WITH RECURSIVE z(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM z WHERE i < 39)
INSERT INTO zaps (receipt_id, provider, sender, recipient, event_id, msat, sats, comment,
                  valid, problems, created_at)
SELECT printf('%064x', 600000 + i), printf('%064x', 5000), printf('%064x', 1000 + (i * 3) % 30),
       printf('%064x', 1000 + i % 4), printf('%064x', 900001 + i % 3),
       (CASE i % 6 WHEN 0 THEN 5 WHEN 1 THEN 21 WHEN 2 THEN 500 WHEN 3 THEN 2100
                   WHEN 4 THEN 50000 ELSE 500000 END) * 1000,
       CASE i % 6 WHEN 0 THEN 5 WHEN 1 THEN 21 WHEN 2 THEN 500 WHEN 3 THEN 2100
                  WHEN 4 THEN 50000 ELSE 500000 END,
       '<script>document.title=''pwned''</script>',
       CASE WHEN i < 38 THEN 1 ELSE 0 END, CASE WHEN i < 38 THEN '[]' ELSE '["no amount"]' END,
       1700006400 - i * 5000
FROM z;

-- Relay status, hostile URLs and notices included.
INSERT INTO relay_metrics (relay, time, state, connect_ms, eose_ms, events, duplicates, invalid,
                           reconnects, notice, record) VALUES
 ('wss://relay.damus.io', 1700006000, 'eose', 182.4, 950, 420, 12, 0, 0, NULL, '{}'),
 ('wss://nos.lol', 1700006000, 'eose', 95.0, 610, 380, 40, 1, 1, 'rate-limited: slow down', '{}'),
 ('wss://relay.example/<script>document.title=''pwned''</script>', 1700006100, 'error', 1500.0,
  NULL, 3, 0, 2, 5, '<img src=x onerror="document.title=''pwned''">', '{}'),
 ('javascript:document.title=''pwned''', 1700006200, 'closed', NULL, NULL, 0, 0, 0, 0,
  'evil' || char(8238) || 'ecitoN', '{}');
