#!/usr/bin/env bats
# summaries.bats: the counters nostr-load keeps (schema.sql's Summaries)
# equal a scan of the stored events after loads with replacements and NIP-09
# deletions (of notes and of zap receipts), are filled for a database made
# without them, and are left alone by a DELETE that is not nostr-load's.

load common
bats_require_minimum_version 1.5.0

SEED=7

setup() {
	DB="$BATS_TEST_TMPDIR/t.db"
	T="$BATS_TEST_TMPDIR"
}

# The summaries as rows, and the same figures from a scan written here
# (not schema.sql's fill); a row left at 0 is a difference too.
SUMMARIES="
SELECT 'e', hour, kind, events FROM events_hourly
UNION ALL SELECT 'l', hour, lang, events FROM languages_hourly
UNION ALL SELECT 'z', hour, valid || '/' || bucket, zaps || '/' || sats FROM zaps_hourly
UNION ALL SELECT 't', hex(event_id), zaps, sats FROM event_zap_totals
UNION ALL SELECT 'zs', aid, zaps, sats FROM zap_sender_totals
UNION ALL SELECT 'zr', aid, zaps, sats FROM zap_recipient_totals
UNION ALL SELECT 'ah', hour, authors, '' FROM authors_hourly
UNION ALL SELECT 'ad', day, authors, '' FROM authors_daily"
SCAN="
SELECT 'e', created_at / 3600 * 3600, kind, count(*) FROM nostr_events GROUP BY 2, 3
UNION ALL SELECT 'l', created_at / 3600 * 3600, ifnull(lang, 'und'), count(*) FROM nostr_events
 WHERE kind IN (1, 20, 1111, 30023) GROUP BY 2, 3
UNION ALL SELECT 'z', h, valid || '/' || b, count(*) || '/' || sum(ifnull(sats, 0)) FROM
 (SELECT created_at / 3600 * 3600 AS h, valid, sats, CASE WHEN sats IS NULL THEN -1 ELSE
  (SELECT max(lo) FROM (SELECT 0 AS lo UNION VALUES (1), (5), (10), (50), (100), (500),
   (1000), (5000), (10000), (50000), (100000)) WHERE lo <= sats) END AS b FROM zaps)
 GROUP BY 2, 3
UNION ALL SELECT 't', hex(event_id), count(*), sum(sats) FROM zaps
 WHERE valid = 1 AND event_id IS NOT NULL GROUP BY event_id
UNION ALL SELECT 'zs', sender, count(*), sum(ifnull(sats, 0)) FROM zaps
 WHERE valid = 1 AND sender IS NOT NULL GROUP BY sender
UNION ALL SELECT 'zr', recipient, count(*), sum(ifnull(sats, 0)) FROM zaps
 WHERE valid = 1 AND recipient IS NOT NULL GROUP BY recipient
UNION ALL SELECT 'ah', created_at / 3600 * 3600, count(DISTINCT aid), '' FROM nostr_events
 GROUP BY 2
UNION ALL SELECT 'ad', created_at / 86400 * 86400, count(DISTINCT aid), '' FROM nostr_events
 GROUP BY 2"
# follower_totals follows the contact lists as they are (nostr-load and a
# trigger), so a DELETE of a list changes it, unlike the statistics above.
FOLLOWERS="SELECT 'f', aid, followers, '' FROM follower_totals"
FOLLOWERS_SCAN="SELECT 'f', followed, count(*), '' FROM follows GROUP BY followed"

# differ DB: the rows one side has and the other lacks (none: they agree).
differ() {
	sqlite3 "$1" "WITH s AS ($SUMMARIES UNION ALL $FOLLOWERS),
		c AS ($SCAN UNION ALL $FOLLOWERS_SCAN)
		SELECT 'only in the summaries', * FROM (SELECT * FROM s EXCEPT SELECT * FROM c)
		UNION ALL SELECT 'only in a scan', * FROM (SELECT * FROM c EXCEPT SELECT * FROM s)"
}

# key_of HEX: the nostr-gen key (0..29) whose public key is HEX.
key_of() {
	local k
	for k in $(seq 0 29); do
		[ "$(nostr-gen --pubkey "$k" -s $SEED)" = "$1" ] && { echo "$k"; return 0; }
	done
	return 1
}

# deletions DB: kind-5 events deleting 5 zap receipts and 5 notes of the
# database, each signed by its author.
deletions() {
	local id pk k
	sqlite3 "$1" "SELECT receipt_id, provider FROM zaps_hex ORDER BY receipt_id LIMIT 5;
		SELECT id, pubkey FROM nostr_events_hex WHERE kind = 1 ORDER BY id LIMIT 5" |
	while IFS='|' read -r id pk; do
		k=$(key_of "$pk")
		printf '{"key":%d,"kind":5,"created_at":1700200000,"tags":[["e","%s"]],"content":""}\n' \
			"$k" "$id"
	done | nostr-gen --sign -s $SEED
}

gen() { nostr-gen -n 4000 -s $SEED -a 30 -t 1700000000 --span 172800; }

@test "summaries: equal a scan after a load with replacements and deletions" {
	gen | nostr-enrich >"$T/ev"
	run nostr-load -v -d "$DB" "$T/ev"
	[ "$status" -eq 0 ]
	[[ "$output" == *"replaced by newer"* ]]
	[ -n "$(sqlite3 "$DB" 'SELECT 1 FROM events_hourly LIMIT 1')" ]
	run differ "$DB"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	deletions "$DB" >"$T/del"
	[ "$(wc -l <"$T/del")" -eq 10 ]
	zaps=$(sqlite3 "$DB" 'SELECT count(*) FROM zaps')
	run nostr-load -v -d "$DB" "$T/del"
	[ "$status" -eq 0 ]
	[[ "$output" =~ removed\ by\ deletions\ +10$'\n' ]]
	[ "$(sqlite3 "$DB" 'SELECT count(*) FROM zaps')" -eq $((zaps - 5)) ]
	run differ "$DB"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "summaries: a load in many small batches counts as one in a single batch" {
	gen | nostr-enrich >"$T/ev"
	run nostr-load --batch 97 -d "$DB" "$T/ev"
	[ "$status" -eq 0 ]
	run differ "$DB"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "summaries: a database that counted follows by a trigger loses it when opened" {
	gen | nostr-enrich >"$T/ev"
	head -n 2000 "$T/ev" | nostr-load -d "$DB"
	# the trigger databases made before 2026-12-08 have: left in place, each
	# follow nostr-load inserts would count twice
	sqlite3 "$DB" "CREATE TRIGGER follows_counted AFTER INSERT ON follows BEGIN
		INSERT INTO follower_totals VALUES (NEW.followed, 1)
		ON CONFLICT(aid) DO UPDATE SET followers = followers + 1; END"
	tail -n +2001 "$T/ev" | nostr-load -d "$DB"
	[ "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_schema WHERE name = 'follows_counted'")" -eq 0 ]
	[ "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_schema WHERE name = 'nostr_events_cleanup'")" -eq 1 ]
	run differ "$DB"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "summaries: a report on a current database writes nothing to it" {
	# What the schema drops and makes anew (nostr_events_cleanup) must not
	# make a database look out of date: each open would rewrite it.
	gen | nostr-load -q -d "$DB"
	before=$(stat -c %y "$DB")
	run nostr-report -d "$DB" -f json stats
	[ "$status" -eq 0 ]
	[ "$(stat -c %y "$DB")" = "$before" ]
}

@test "summaries: a database without them gets them filled when opened" {
	gen | nostr-enrich | nostr-load -d "$DB"
	sqlite3 "$DB" .dump | sort >"$T/before"
	sqlite3 "$DB" 'DROP TABLE events_hourly; DROP TABLE languages_hourly;
		DROP TABLE zaps_hourly; DROP TABLE event_zap_totals; DROP TABLE summaries_state;
		DROP TABLE zap_sender_totals; DROP TABLE zap_recipient_totals;
		DROP TABLE follower_totals; DROP TABLE summary_marks;
		DROP TABLE authors_hourly; DROP TABLE authors_daily'
	run nostr-report -d "$DB" -f json stats
	[ "$status" -eq 0 ]
	[ "$(sqlite3 "$DB" 'SELECT count(*) FROM events_hourly')" -gt 0 ]
	[ "$(sqlite3 "$DB" 'SELECT count(*) FROM authors_daily')" -gt 0 ]
	[ "$(sqlite3 "$DB" 'SELECT count(*) FROM zap_recipient_totals')" -gt 0 ]
	[ "$(sqlite3 "$DB" 'SELECT count(*) FROM follower_totals')" -gt 0 ]
	run differ "$DB"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	sqlite3 "$DB" .dump | sort | cmp - "$T/before"
}

@test "summaries: a DELETE that is not nostr-load's (pruning) leaves them as they were" {
	gen | nostr-enrich | nostr-load -d "$DB"
	sqlite3 "$DB" "$SUMMARIES" >"$T/before"
	sqlite3 "$DB" 'DELETE FROM nostr_events WHERE created_at < 1700086400'
	[ "$(sqlite3 "$DB" 'SELECT count(*) FROM nostr_events WHERE created_at < 1700086400')" -eq 0 ]
	sqlite3 "$DB" "$SUMMARIES" | cmp - "$T/before"
	# the contact lists that went took their follows out of follower_totals
	run sqlite3 "$DB" "SELECT * FROM ($FOLLOWERS EXCEPT $FOLLOWERS_SCAN)
		UNION ALL SELECT * FROM ($FOLLOWERS_SCAN EXCEPT $FOLLOWERS)"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

# summary_tables DB: the tables of the summaries and what they counted.
summary_tables() {
	sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND
	    (name LIKE '%\_hourly' ESCAPE '\' OR name LIKE '%\_daily' ESCAPE '\'
	     OR name LIKE '%\_totals' ESCAPE '\' OR name IN ('summaries_state', 'summary_marks'))
	    ORDER BY name"
}

@test "summaries: rows written by other means are counted, and pruned ones stay counted" {
	gen | nostr-enrich >"$T/ev"
	# A: the first day; B: notes, reactions, reposts and zaps of the second
	# (nothing B holds replaces or deletes an event of A)
	jq -c 'select(.created_at < 1700086400)' "$T/ev" >"$T/a"
	jq -c 'select(.created_at >= 1700086400 and (.kind == 1 or .kind == 6 or .kind == 7
	    or .kind == 9735))' "$T/ev" >"$T/b"
	[ "$(grep -c '"kind":9735' "$T/b")" -gt 10 ]
	# the reference: both loaded, then the oldest 12 hours deleted (pruned)
	PRUNE="DELETE FROM nostr_events WHERE created_at < 1700043200"
	nostr-load -q -d "$T/ref.db" "$T/a" "$T/b"
	sqlite3 "$T/ref.db" "$PRUNE"
	# B written as if by other means: its counts taken back out of the summaries
	nostr-load -q -d "$DB" "$T/a"
	sqlite3 "$DB" ".backup '$T/counted-a.db'"
	nostr-load -q -d "$DB" "$T/b"
	tables=$(summary_tables "$DB")
	[ "$(wc -w <<<"$tables")" -ge 9 ]
	for t in $tables; do
		sqlite3 "$DB" "ATTACH '$T/counted-a.db' AS a; DELETE FROM main.$t;
		    INSERT INTO main.$t SELECT * FROM a.$t"
	done
	sqlite3 "$DB" "$PRUNE"
	[ "$(sqlite3 "$DB" 'SELECT count(*) FROM nostr_events WHERE created_at < 1700043200')" -eq 0 ]
	# the next tool to open it counts B, and keeps what it had of the pruned hours
	run nostr-report -d "$DB" -f json stats
	[ "$status" -eq 0 ]
	[ "$(sqlite3 "$DB" 'SELECT min(hour) FROM events_hourly')" -lt 1700043200 ]
	for t in $tables; do
		echo "$t"
		sqlite3 "$DB" "SELECT * FROM $t" | sort >"$T/got"
		sqlite3 "$T/ref.db" "SELECT * FROM $t" | sort >"$T/want"
		[ -s "$T/want" ]
		cmp "$T/got" "$T/want"
	done
}

@test "summaries: windows that cut hours anywhere give a scan's figures" {
	gen | nostr-enrich | nostr-load -d "$DB"
	for w in "1700050001 1" "1700050001 0.5" "1700123456 7.3" "1700172799 48" "1700003599 0.01"; do
		set -- $w
		s=$(( $1 - $(awk -v h="$2" 'BEGIN { printf "%d", h * 3600 + 0.5 }') ))
		run nostr-report -d "$DB" -f json --now "$1" --hours "$2" stats
		[ "$status" -eq 0 ]
		[ "$(jq '.[0].events.window' <<<"$output")" = "$(sqlite3 "$DB" "SELECT count(*)
		      FROM nostr_events WHERE created_at > $s AND created_at <= $1")" ]
		run nostr-report -d "$DB" -f tsv --now "$1" --hours "$2" --limit 100 languages
		[ "$status" -eq 0 ]
		[ "$(cut -f1,2 <<<"$output" | tail -n +2)" = "$(sqlite3 -separator $'\t' "$DB" "SELECT
		      coalesce(lang, 'und') AS l, count(*) AS n FROM nostr_events
		      WHERE kind IN (1, 20, 1111, 30023) AND created_at > $s AND created_at <= $1
		      GROUP BY l ORDER BY n DESC, l")" ]
		run nostr-report -d "$DB" -f tsv --now "$1" --hours "$2" zaps --section sizes
		[ "$status" -eq 0 ]
		[ "$(awk -F'\t' 'NR > 1 { n += $3; t += $4 } END { print n "|" t }' <<<"$output")" = \
		    "$(sqlite3 "$DB" "SELECT count(*), coalesce(sum(sats), 0) FROM zaps WHERE valid = 1
		      AND sats >= 0 AND created_at > $s AND created_at <= $1")" ]
	done
}

# chart PAGE LABEL: the values of the page's chart LABEL, one a line (its
# points' titles, "TIME: 1,234 UNIT").
chart() {
	python3 - "$1" "$2" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
start = page.rindex('aria-label="%s"' % sys.argv[2])
end = page.index("</div>", start)
for t in re.findall(r"<title>[^<]*: ([0-9,]+) [a-z]+</title>", page[start:end]):
    print(t.replace(",", ""))
PY
}

# buckets N STEP NOW WHAT: WHAT (an aggregate over rows t of table T, in SQL
# text "T|AGG|COND") in each of the N buckets of STEP seconds ending at NOW.
buckets() {
	local n=$1 step=$2 now=$3 table agg cond
	IFS='|' read -r table agg cond <<<"$4"
	sqlite3 "$DB" "WITH RECURSIVE b(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM b
	    WHERE i < $n - 1) SELECT (SELECT $agg FROM $table WHERE $cond
	    created_at > $now - ($n - i) * $step AND created_at <= $now - ($n - i - 1) * $step)
	    FROM b ORDER BY i"
}

@test "summaries: the dashboard's events and sats series are a scan's, wherever now cuts hours" {
	gen | nostr-enrich | nostr-load -d "$DB"
	deletions "$DB" | nostr-load -q -d "$DB"
	for now in 1700050001 1700123456 1700171999 1700172000 1700200000; do
		echo "now $now"
		nostr-report -d "$DB" --now "$now" html >"$T/page.html"
		chart "$T/page.html" "Events per day" >"$T/got"
		buckets 30 86400 "$now" "nostr_events|count(*)|" >"$T/want"
		[ "$(wc -l <"$T/got")" -eq 30 ]
		cmp "$T/got" "$T/want"
		chart "$T/page.html" "Sats zapped per day" >"$T/got"
		buckets 30 86400 "$now" "zaps|coalesce(sum(sats), 0)|valid = 1 AND" >"$T/want"
		cmp "$T/got" "$T/want"
		chart "$T/page.html" "Events per hour" >"$T/got"
		buckets 24 3600 "$now" "nostr_events|count(*)|" >"$T/want"
		cmp "$T/got" "$T/want"
	done
	# the figures are not all 0
	[ "$(buckets 30 86400 1700200000 "nostr_events|count(*)|" | sort -n | tail -1)" -gt 100 ]
}

# utc_authors N STEP NOW: distinct authors in each of the N UTC periods of
# STEP seconds up to the one NOW falls in (that one up to NOW), from a scan.
utc_authors() {
	local n=$1 step=$2 now=$3
	sqlite3 "$DB" "WITH RECURSIVE b(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM b
	    WHERE i < $n - 1), p(s) AS (SELECT $now - $now % $step - ($n - 1 - i) * $step FROM b)
	    SELECT (SELECT count(DISTINCT aid) FROM nostr_events WHERE created_at >= s
	    AND created_at < s + $step AND created_at <= $now) FROM p ORDER BY s"
}

# spark PAGE LABEL: the points of the page's sparkline LABEL, one a line.
spark() {
	python3 - "$1" "$2" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'aria-label="%s" data-values="([^"]*)"' % re.escape(sys.argv[2]), page)
print("\n".join(m.group(1).split()))
PY
}

@test "summaries: the dashboard's active authors per UTC hour and day are a scan's, the last up to now" {
	gen | nostr-enrich | nostr-load -d "$DB"
	deletions "$DB" | nostr-load -q -d "$DB"
	for now in 1700050001 1700123456 1700171999 1700172000 1700200000; do
		echo "now $now"
		nostr-report -d "$DB" --now "$now" html >"$T/page.html"
		chart "$T/page.html" "Active authors per UTC day" >"$T/got"
		utc_authors 30 86400 "$now" >"$T/want"
		[ "$(wc -l <"$T/got")" -eq 30 ]
		cmp "$T/got" "$T/want"
		spark "$T/page.html" "Active users per UTC hour" >"$T/got"
		utc_authors 24 3600 "$now" >"$T/want"
		[ "$(wc -l <"$T/got")" -eq 24 ]
		cmp "$T/got" "$T/want"
	done
	# the figures are not all 0
	[ "$(utc_authors 30 86400 1700200000 | sort -n | tail -1)" -gt 10 ]
	[ "$(utc_authors 24 3600 1700123456 | sort -n | tail -1)" -gt 5 ]
}

@test "summaries: a zap changed in place is counted as it is" {
	gen | nostr-enrich | nostr-load -q -d "$DB"
	sqlite3 "$DB" 'UPDATE zaps SET valid = 1 - valid WHERE eid % 3 = 0;
		UPDATE zaps SET sats = sats + 7 WHERE eid % 5 = 0 AND sats IS NOT NULL;
		UPDATE zaps SET sender = recipient, recipient = sender WHERE eid % 7 = 0'
	[ "$(sqlite3 "$DB" 'SELECT count(*) FROM zaps WHERE eid % 7 = 0 AND valid = 1')" -gt 0 ]
	run differ "$DB"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}
