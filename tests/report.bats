#!/usr/bin/env bats
# report.bats: nostr-report on the fixture database (score_fixture.bash):
# every format parsed back (jq, Python's csv module), exact figures, and no
# control character from hostile profile text in table output.

load common
load score_fixture
bats_require_minimum_version 1.5.0

setup() {
	DB="$BATS_TEST_TMPDIR/t.db"
	fixture_db "$DB"
	nostr-score -q -d "$DB" --now $N
}

rep() { nostr-report -d "$DB" "$@"; }

@test "report: usage errors are exit 2" {
	run rep
	[ "$status" -eq 2 ]
	run rep bogus
	[ "$status" -eq 2 ]
	run rep -f xml stats
	[ "$status" -eq 2 ]
	run rep user nothex
	[ "$status" -eq 2 ]
	run rep --limit 0 users
	[ "$status" -eq 2 ]
	run rep zaps --section nope
	[ "$status" -eq 2 ]
	run rep -f html stats
	[ "$status" -eq 2 ]
}

@test "report: trending as JSON with the seed's field names" {
	run rep -f json trending --hours 24
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].hashtag, .[0].mention_count, .[0].unique_authors, .[1].hashtag' <<<"$output")" = \
	    "$(printf 'nostr\n2\n2\nbitcoin')" ]
	close_to "$(jq '.[0].trend_score' <<<"$output")" "$(awk 'BEGIN { printf "%.15g", (2/24)*log(3)*(1+log(2)) }')"
	[ "$(jq '.[0].velocity, .[1].velocity' <<<"$output")" = "$(printf '2\nnull')" ]
	# --limit, and a live window other than the stored one
	[ "$(rep -f json --limit 1 trending | jq length)" = 1 ]
	[ "$(rep -f json --now $N --hours 48 trending | jq -r '.[0].mention_count')" = 3 ]
}

@test "report: trending --now at the last run's now reads its rows while nothing changed, else computes" {
	rep -f json --now $N trending >"$BATS_TEST_TMPDIR/stored.json"
	# The stored rows are what computing them gives.
	sqlite3 "$DB" "UPDATE score_runs SET now = now + 1"
	rep -f json --now $N trending >"$BATS_TEST_TMPDIR/live.json"
	cmp "$BATS_TEST_TMPDIR/stored.json" "$BATS_TEST_TMPDIR/live.json"
	sqlite3 "$DB" "UPDATE score_runs SET now = now - 1"
	# Stored rows made different, to tell which were read.
	sqlite3 "$DB" "UPDATE trending_topics SET mention_count = 99 WHERE window_end = $N"
	[ "$(rep -f json --now $N trending | jq '.[0].mention_count')" = 99 ]
	# Another window, or --min-zaps at the run: computed.
	[ "$(rep -f json --now $N --hours 48 trending | jq '.[0].mention_count')" = 3 ]
	sqlite3 "$DB" "UPDATE score_runs SET min_zaps = 1"
	[ "$(rep -f json --now $N trending | jq '.[0].mention_count')" = 2 ]
	sqlite3 "$DB" "UPDATE score_runs SET min_zaps = 0"
	[ "$(rep -f json --now $N trending | jq '.[0].mention_count')" = 99 ]
	# An event removed since the run (the oldest, by a prune): computed.
	cp "$DB" "$BATS_TEST_TMPDIR/pruned.db"
	oldest=$(sqlite3 "$DB" "SELECT min(created_at) FROM nostr_events")
	nostr-load -q -d "$BATS_TEST_TMPDIR/pruned.db" --prune $((oldest + 1))
	[ "$(sqlite3 "$BATS_TEST_TMPDIR/pruned.db" "SELECT count(*) FROM trending_topics WHERE mention_count = 99")" -gt 0 ]
	[ "$(nostr-report -d "$BATS_TEST_TMPDIR/pruned.db" -f json --now $N trending | jq '.[0].mention_count')" = 2 ]
	# An event stored since the run: computed.
	nostr-gen -n 1 -s 99 -t 1000 | nostr-load -q -d "$DB"
	[ "$(rep -f json --now $N trending | jq '.[0].mention_count')" = 2 ]
}

@test "report: top-zapped counts only valid zaps (event_id, zap_total_sats)" {
	run rep -f json --now $N top-zapped
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].event_id, .[0].zap_count, .[0].zap_total_sats' <<<"$output")" = \
	    "$(printf '%s\n1\n1000' "$(eid 1)")" ]
	# without --now the zap after N counts as well
	[ "$(rep -f json top-zapped | jq '.[0].zap_total_sats')" = 8000 ]
}

@test "report: user by hex and by npub, nested JSON" {
	run rep -f json user "$A"
	[ "$status" -eq 0 ]
	npub=$(jq -r '.[0].npub' <<<"$output")
	[[ $npub == npub1* ]]
	run rep -f json user "$npub"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].pubkey, .[0].profile.name, .[0].activity.total_events, .[0].followers, .[0].influence.rank' <<<"$output")" = \
	    "$(printf '%s\nalice\n3\n3\n1' "$A")" ]
	run rep user "$(printf '9%.0s' $(seq 64))"
	[ "$status" -eq 1 ]
	[[ $output == *"no such user"* ]]
}

@test "report: stats users.total and the window figures" {
	run rep -f json --now $N stats
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].users.total, .[0].events.total, .[0].events.window, .[0].users.active, .[0].users.new' <<<"$output")" = \
	    "$(printf '4\n14\n13\n4\n3')" ]
}

@test "report: CSV is RFC 4180 (read back by Python's csv module)" {
	rep -f csv users > "$BATS_TEST_TMPDIR/u.csv"
	# CRLF line ends, and the hostile name with its ESC and newline quoted
	[ "$(head -c 200 "$BATS_TEST_TMPDIR/u.csv" | od -c | grep -c '\\r  \\n')" -ge 1 ]
	run python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
print(len(rows))
b = [r for r in rows if r["pubkey"].startswith("bbbb")][0]
print(repr(b["name"]))
print(rows[0]["rank"], rows[0]["name"], rows[0]["followers"])
' "$BATS_TEST_TMPDIR/u.csv"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 5 ]
	[ "${lines[1]}" = "'\\x1b[31mbob\\u202eevil\\nx'" ]
	[ "${lines[2]}" = "1 alice 3" ]
}

@test "report: TSV and NDJSON read back" {
	run rep -f tsv users
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 6 ]
	# every row has the header's 10 fields: the newline in the name became a space
	[ "$(printf '%s\n' "$output" | awk -F'\t' '{ print NF }' | sort -u)" = 10 ]
	run rep -f ndjson users
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -s 'length')" = 5 ]
	[ "$(printf '%s\n' "$output" | jq -r 'select(.rank == 1) | .name')" = alice ]
}

@test "report: tables carry no control characters from hostile text" {
	for cmd in users "user $B" viral zaps; do
		rep $cmd > "$BATS_TEST_TMPDIR/out"
		# no C0 but newline, no DEL, no C1, no bidi override
		run ! env LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$BATS_TEST_TMPDIR/out"
		run ! grep -q $'\xc2[\x80-\x9f]' "$BATS_TEST_TMPDIR/out"
		run ! grep -q $'\xe2\x80[\xaa-\xae]' "$BATS_TEST_TMPDIR/out"
	done
	rep users > "$BATS_TEST_TMPDIR/out"
	grep -q '\[31mbobevil x' "$BATS_TEST_TMPDIR/out"
}

@test "report: tables drop C1 controls, DEL, bidi marks and isolates too" {
	# CSI as one C1 byte pair (U+009B), NEL (U+0085), DEL, LRI/PDI (U+2066,
	# U+2069), RLM (U+200F), ALM (U+061C); U+2028 becomes a space.
	sqlite3 "$DB" "UPDATE user_profiles SET name = 'c1' || char(155) || '2J' || char(133) ||
	    char(127) || 'x' || char(8294) || 'iso' || char(8297) || char(8207) || char(1564) ||
	    'end' || char(8232) || 'z' WHERE aid = 3"
	for cmd in users "user $C"; do
		rep $cmd > "$BATS_TEST_TMPDIR/out"
		run ! grep -q $'\xc2[\x80-\x9f]' "$BATS_TEST_TMPDIR/out"
		run ! grep -q $'\x7f' "$BATS_TEST_TMPDIR/out"
		run ! grep -q $'\xe2\x81[\xa6-\xa9]' "$BATS_TEST_TMPDIR/out"
		run ! grep -q $'\xe2\x80[\x8e\x8f\xa8\xa9]' "$BATS_TEST_TMPDIR/out"
		run ! grep -q $'\xd8\x9c' "$BATS_TEST_TMPDIR/out"
		grep -q 'c12Jxisoend z' "$BATS_TEST_TMPDIR/out"
	done
}

@test "report: table columns line up by display width" {
	# Right-aligned numbers end in the same display column on every line,
	# whatever the width of the text before them (ESC stripped, U+202E gone).
	sqlite3 "$DB" "UPDATE user_profiles SET name = '日本語の名前' WHERE aid = 3"
	rep users > "$BATS_TEST_TMPDIR/out"
	run python3 -c '
import sys, unicodedata
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
def cells(line):
    out = []
    for ch in line:
        out.extend([ch] * (2 if unicodedata.east_asian_width(ch) in "WF" else 1))
    return out
end = lines[0].index("followers") + len("followers")
for line in lines[2:]:
    c = cells(line)
    assert c[end - 1].isdigit() and c[end] == " ", line
print(len(lines) - 2)
' "$BATS_TEST_TMPDIR/out"
	[ "$status" -eq 0 ]
	[ "$output" = 5 ]
	grep -q '日本語の名前' "$BATS_TEST_TMPDIR/out"
}

@test "report: zaps sections, growth, languages, relays" {
	run rep -f json --now $N zaps
	[ "$status" -eq 0 ]
	[ "$(jq -c '[.sizes[] | select(.zaps > 0) | [.min_sats, .max_sats, .zaps, .sats]]' <<<"$output")" = '[[1000,4999,1,1000]]' ]
	[ "$(jq -r '.top_zappers[0].pubkey, .top_recipients[0].name' <<<"$output")" = "$(printf '%s\nalice' "$B")" ]
	[ "$(rep -f csv --section recipients zaps | head -1)" = $'pubkey,name,zaps,sats\r' ]
	run rep -f json growth
	[ "$status" -eq 0 ]
	[ "$(jq 'length' <<<"$output")" = 30 ]
	[ "$(jq -c '.[0] | [.window_end, .events, .active_users, .events_growth]' <<<"$output")" = "[$N,13,4,12]" ]
	[ "$(rep -f json --period hour growth | jq '.[0].events')" = 11 ]
	[ "$(rep -f json --now $N --hours 24 languages | jq -c '[.[] | [.lang, .events]]')" = '[["en",7],["und",2]]' ]
	sqlite3 "$DB" "INSERT INTO relay_metrics (relay, time, state, events, record) VALUES
	    ('ws://127.0.0.1:1', 10.5, 'connected', 3, '{}'), ('ws://127.0.0.1:1', 20.5, 'eose', 7, '{}')"
	[ "$(rep -f json relays | jq -c '[.[] | [.relay, .state, .events, .records]]')" = '[["ws://127.0.0.1:1","eose",7,2]]' ]
}

# The report queries read covering indexes and count in passes of their own;
# these are the plain forms they replace, run by sqlite3 on rows that probe
# their edges: zaps with no sats, 0 sats, a bucket bound, an invalid one, no
# sender; content with no language beside 'und'; an author whose only event
# in the window is gone.
@test "report: stats, zaps and languages agree with the plain SQL" {
	sqlite3 "$DB" <<SQL
INSERT INTO zaps (eid, provider, sender, recipient, event_id, sats, valid, problems, created_at)
VALUES ($(ev 200), 4, NULL, 1, $(xid 1), NULL, 1, '[]', $((N - 10))),
  ($(ev 201), 4, 3, 1, $(xid 1), 0, 1, '[]', $((N - 10))),
  ($(ev 202), 4, 3, 2, $(xid 2), 100000, 1, '[]', $((N - 10))),
  ($(ev 203), 4, 3, 2, $(xid 2), 99999, 1, '[]', $((N - 10))),
  ($(ev 204), 4, 2, 1, $(xid 1), 5000, 0, '["bad"]', $((N - 10)));
INSERT INTO nostr_events (eid, id, aid, created_at, kind, content, tags, sig, lang, meta)
VALUES ($(ev 210), $(xid 210), 2, $((N - 20)), 30023, 'long', '[]', x'', NULL, NULL),
  ($(ev 211), $(xid 211), 2, $((N - 20)), 1111, 'comment', '[]', x'', 'de', NULL);
INSERT INTO users(aid, first_seen, last_seen) VALUES (5, $((N - 500)), $((N - 400)));
SQL
	s=$((N - 86400))
	run rep -f json --now $N stats
	[ "$status" -eq 0 ]
	[ "$(jq -c '.[0] | [.users.active, .zaps.total, .zaps.sats, .zaps.invalid]' <<<"$output")" = \
	    "[$(sqlite3 -separator , "$DB" "SELECT
	      (SELECT count(DISTINCT aid) FROM nostr_events WHERE created_at > $s AND created_at <= $N),
	      (SELECT count(*) FROM zaps WHERE valid = 1),
	      (SELECT coalesce(sum(sats), 0) FROM zaps WHERE valid = 1),
	      (SELECT count(*) FROM zaps WHERE valid = 0)")]" ]
	[ "$(jq '.[0].zaps.invalid' <<<"$output")" = 2 ]
	run rep -f json --now $N zaps
	[ "$status" -eq 0 ]
	[ "$(jq -r '.sizes[] | [.min_sats, .max_sats // "", .zaps, .sats] | @csv' <<<"$output" | tr -d '"')" = \
	    "$(sqlite3 -csv "$DB" "WITH b(lo, hi) AS (VALUES (0, 0), (1, 4), (5, 9), (10, 49), (50, 99),
	      (100, 499), (500, 999), (1000, 4999), (5000, 9999), (10000, 49999), (50000, 99999), (100000, NULL))
	      SELECT b.lo, b.hi, count(z.sats), coalesce(sum(z.sats), 0) FROM b
	      LEFT JOIN zaps z ON z.valid = 1 AND z.sats >= b.lo AND (b.hi IS NULL OR z.sats <= b.hi)
	      AND z.created_at <= $N GROUP BY b.lo ORDER BY b.lo")" ]
	[ "$(jq -c '[.sizes[0].zaps, .sizes[10].zaps, .sizes[11].zaps]' <<<"$output")" = '[1,1,1]' ]
	[ "$(jq -r '.top_recipients[] | [.pubkey, .zaps, .sats] | @csv' <<<"$output" | tr -d '"')" = \
	    "$(sqlite3 -csv "$DB" "SELECT lower(hex(k.pubkey)), count(*) AS n, coalesce(sum(sats), 0) AS s
	      FROM zaps z JOIN pubkeys k ON k.aid = z.recipient
	      WHERE valid = 1 AND created_at <= $N
	      GROUP BY recipient ORDER BY s DESC, n DESC, k.pubkey")" ]
	[ "$(jq -r '.top_zappers[] | [.pubkey, .zaps, .sats] | @csv' <<<"$output" | tr -d '"')" = \
	    "$(sqlite3 -csv "$DB" "SELECT lower(hex(k.pubkey)), count(*) AS n, coalesce(sum(sats), 0) AS s
	      FROM zaps z JOIN pubkeys k ON k.aid = z.sender
	      WHERE valid = 1 AND created_at <= $N
	      GROUP BY sender ORDER BY s DESC, n DESC, k.pubkey")" ]
	run rep -f json --now $N top-zapped
	[ "$(jq -r '.[] | [.event_id, .zap_count, .zap_total_sats] | @csv' <<<"$output" | tr -d '"')" = \
	    "$(sqlite3 -csv "$DB" "SELECT lower(hex(event_id)), count(*) AS n, coalesce(sum(sats), 0) AS s FROM zaps
	      WHERE valid = 1 AND event_id IS NOT NULL AND created_at <= $N
	      GROUP BY event_id ORDER BY s DESC, n DESC, event_id")" ]
	run rep -f json --now $N languages
	[ "$(jq -r '.[] | [.lang, .events] | @csv' <<<"$output" | tr -d '"')" = \
	    "$(sqlite3 -csv "$DB" "SELECT coalesce(lang, 'und') AS l, count(*) AS n FROM nostr_events
	      WHERE kind IN (1, 20, 1111, 30023) AND created_at <= $N GROUP BY 1 ORDER BY n DESC, l")" ]
	[ "$(jq -c 'map(select(.lang == "und")) | .[0].events' <<<"$output")" = 3 ]
	# Windows: the last 36 s (no language and 'de'), 30 s ending 30 s before
	# N (only 'en': no 'und' row), and none at all.
	for w in "$N 0.01" "$((N - 30)) 0.0083333" "$((N + 7200)) 1"; do
		set -- $w
		run rep -f json --now "$1" --hours "$2" languages
		[ "$(jq -r '.[] | [.lang, .events] | @csv' <<<"$output" | tr -d '"')" = \
		    "$(sqlite3 -csv "$DB" "SELECT coalesce(lang, 'und') AS l, count(*) AS n FROM nostr_events
		      WHERE kind IN (1, 20, 1111, 30023) AND created_at > $1 - round($2 * 3600)
		      AND created_at <= $1 GROUP BY 1 ORDER BY n DESC, l")" ]
	done
	[ "$(rep -f json --now $((N - 30)) --hours 0.0083333 languages | jq -c 'map(.lang)')" = '["en"]' ]
	[ "$(rep -f json --now $((N + 7200)) --hours 1 languages)" = '[]' ]
}

# export_round_trip SRC DIR: loads SRC into DIR/db, exports it, and checks
# that nostr-verify keeps every line and that the ids are the stored ones.
export_round_trip() {
	nostr-load -q -d "$2/db" "$1"
	nostr-report -d "$2/db" export >"$2/out"
	[ "$(wc -l <"$2/out")" -eq "$(sqlite3 "$2/db" 'SELECT count(*) FROM nostr_events')" ]
	[ "$(wc -l <"$2/out")" -gt 0 ]
	nostr-verify -q "$2/out" >"$2/verified"
	[ "$(wc -l <"$2/verified")" -eq "$(wc -l <"$2/out")" ]
	jq -r .id "$2/out" | sort >"$2/ids"
	sqlite3 "$2/db" 'SELECT id FROM nostr_events_hex' | sort | diff "$2/ids" -
	# Loaded again, the export gives the same events.
	nostr-load -q -d "$2/db2" "$2/verified"
	q='SELECT id, pubkey, created_at, kind, content, tags, sig FROM nostr_events_hex'
	sqlite3 "$2/db" "$q" | sort >"$2/rows"
	sqlite3 "$2/db2" "$q" | sort | diff "$2/rows" -
}

@test "report export: generated events back as NIP-01 that nostr-verify keeps whole" {
	nostr-gen -n 3000 -s 41 -a 50 >"$BATS_TEST_TMPDIR/in"
	export_round_trip "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR"
	# The filters: kinds and a created_at range, both ends inclusive.
	g=$BATS_TEST_TMPDIR/db
	lo=$(sqlite3 "$g" 'SELECT min(created_at) + 3600 FROM nostr_events')
	hi=$((lo + 86400))
	nostr-report -d "$g" export --kinds 1,7 --since "$lo" --until "$hi" >"$BATS_TEST_TMPDIR/part"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/part")" -eq "$(sqlite3 "$g" "SELECT count(*) FROM nostr_events
	    WHERE kind IN (1, 7) AND created_at BETWEEN $lo AND $hi")" ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/part")" -gt 0 ]
	[ "$(jq -s 'map(select((.kind == 1 or .kind == 7) and .created_at >= '"$lo"' and .created_at <= '"$hi"')) | length' "$BATS_TEST_TMPDIR/part")" -eq "$(wc -l <"$BATS_TEST_TMPDIR/part")" ]
	run nostr-report -d "$g" export --kinds 1,x
	[ "$status" -eq 2 ]
	run nostr-report -d "$g" --since 1 stats
	[ "$status" -eq 2 ]
}

@test "report export: the real corpus back as NIP-01 that nostr-verify keeps whole" {
	need_shared combined/all-valid-events.ndjson
	export_round_trip "$NP_SHARED_DATA/combined/all-valid-events.ndjson" "$BATS_TEST_TMPDIR"
}
