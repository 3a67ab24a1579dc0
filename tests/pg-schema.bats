#!/usr/bin/env bats
# pg-schema.bats: schema-pg.sql against schema.sql (the same tables, views and
# columns, but for the engine-specific ones listed here), a database made by
# an older schema-pg.sql brought up to date, and the summaries nostr-load
# keeps in PostgreSQL against a scan of the rows they count.

bats_require_minimum_version 1.5.0

load common
load enrich_helper
load pg_helper

# What only one engine has, and why (nostr-pipeline(7), POSTGRESQL):
#   schema_version        PostgreSQL's user_version, and the digest of the
#                         schema text that made the database
#   nostr_events.content_raw  the exact content of an event that held U+0000,
#                         which PostgreSQL's text cannot
#   event_counts          nostr_events' rows, kept: counting them is a scan
#                         in PostgreSQL
# and, not listed, nostr_events' monthly partitions (nostr_events_YYYY_MM).
PG_ONLY="table event_counts contacts
table event_counts events
table event_counts one
table schema_version digest
table schema_version one
table schema_version version
table nostr_events content_raw"

setup_file() {
	pg_setup_file
}

teardown_file() {
	pg_teardown_file
}

setup() {
	pg_setup s
}

# columns_sqlite DB, columns_pg URL: "table|view NAME COLUMN" for every
# column of every table and view, sorted.
columns_sqlite() {
	sqlite3 "$1" "SELECT m.type || ' ' || m.name || ' ' || c.name
	    FROM sqlite_master m, pragma_table_info(m.name) c
	    WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%'" | LC_ALL=C sort
}
columns_pg() {
	pq "$1" "SELECT CASE t.table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END
	    || ' ' || c.table_name || ' ' || c.column_name
	    FROM information_schema.columns c
	    JOIN information_schema.tables t USING (table_schema, table_name)
	    JOIN pg_class k ON k.oid = quote_ident(c.table_name)::regclass
	    WHERE c.table_schema = 'public' AND NOT k.relispartition" | LC_ALL=C sort
}

@test "schema parity: the tables, views and columns of schema.sql, but the listed ones" {
	nostr-load -q -d "$T/lite" </dev/null
	columns_sqlite "$T/lite" >"$T/lite.cols"
	# A partition or two, which are left out.
	note 1 1700000000 'one month' | nostr-load -q -d "$DB_PG"
	note 1 1710000000 'another' | nostr-load -q -d "$DB_PG"
	columns_pg "$DB_PG" >"$T/pg.cols"
	LC_ALL=C sort <<<"$PG_ONLY" >"$T/pg-only"
	LC_ALL=C sort -m "$T/lite.cols" "$T/pg-only" | diff - "$T/pg.cols"
	# The comparison sees tables and views, not only columns: there are both.
	grep -q '^view nostr_events_hex id$' "$T/pg.cols"
	grep -q '^table summary_marks eid$' "$T/pg.cols"
	[ "$(pq "$DB_PG" "SELECT count(*) FROM pg_inherits WHERE inhparent = 'nostr_events'::regclass")" -eq 2 ]
}

@test "a database an older schema-pg.sql made: the new tables made, the new summaries filled" {
	nostr-gen -n 3000 -s 41 -a 50 --kinds 0,1,3,5,7,9735 >"$T/in"
	# A note with rows in the four tables of derived bits, deleted below.
	old=$(note 1 1700000000 'old #tag' "$(jq -nc --arg r "$(printf 'ab%.0s' {1..32})" \
	    --arg p "$(pub 2)" '[["e",$r,"","root"],["p",$p]]')")
	printf '%s\n' "$old" >>"$T/in"
	nostr-load -q -d "$DB_PG" "$T/in"
	keyless_pg "$DB_PG" >"$T/k1"
	# As a loader built before them left it: no digest, none of the tables
	# that came after (zap parties, follower totals, their marks, nostr-score's counts,
	# the event counts).
	pq "$DB_PG" "ALTER TABLE schema_version DROP COLUMN digest;
	    ALTER TABLE nostr_events DROP COLUMN derived; ALTER TABLE users DROP COLUMN last_event;
	    DROP TABLE zap_sender_totals, zap_recipient_totals, follower_totals, summary_marks,
	    score_authors, score_targets, score_sources, score_counts_state,
	    authors_hourly, authors_daily, event_counts CASCADE;
	    DROP FUNCTION follows_counted, follows_uncounted, zaps_recount_parties CASCADE" >/dev/null
	run -0 nostr-load -q -d "$DB_PG" </dev/null
	keyless_pg "$DB_PG" | diff "$T/k1" -
	[ "$(pq "$DB_PG" 'SELECT count(*) FROM follower_totals')" -gt 0 ]
	[ "$(pq "$DB_PG" 'SELECT count(*) FROM zap_recipient_totals')" -gt 0 ]
	[ "$(pq "$DB_PG" 'SELECT count(*) FROM authors_daily')" -gt 0 ]
	[ "$(pq "$DB_PG" 'SELECT events FROM event_counts')" -gt 0 ]
	summaries_equal_scan "$DB_PG"
	last_event_exact "$DB_PG"
	[ "$(pq "$DB_PG" 'SELECT count(*) FROM users WHERE last_event IS NOT NULL')" -gt 0 ]
	[ "$(pq "$DB_PG" 'SELECT count(*) FROM score_counts_state')" -eq 0 ]
	[ "$(pq "$DB_PG" 'SELECT length(digest) FROM schema_version')" -eq 64 ]
	# Its events have no derived bits, so their removal searches every table.
	[ "$(pq "$DB_PG" 'SELECT count(*) FILTER (WHERE derived IS NOT NULL) FROM nostr_events')" -eq 0 ]
	[ "$(pq "$DB_PG" "SELECT count(*) FROM hashtags WHERE hashtag = 'tag'")" -eq 1 ]
	event 1 5 1700000100 '' "[[\"e\",\"$(jq -r .id <<<"$old")\"]]" | nostr-load -q -d "$DB_PG"
	[ "$(pq "$DB_PG" "SELECT count(*) FROM hashtags WHERE hashtag = 'tag'")" -eq 0 ]
	last_event_exact "$DB_PG"
	for t in hashtags mentions refs replies; do
		[ "$(pq "$DB_PG" "SELECT count(*) FROM $t x WHERE NOT EXISTS (SELECT 1 FROM nostr_events e WHERE e.eid = x.eid)")" -eq 0 ]
	done
	[ "$(pq "$DB_PG" 'SELECT count(*) FROM nostr_events WHERE derived IS NOT NULL')" -gt 0 ]
}

# The summaries as rows, and the same figures from a scan written here.
SUMMARIES="SELECT 'e', hour::text, kind::text, events::text FROM events_hourly
UNION ALL SELECT 'l', hour::text, lang, events::text FROM languages_hourly
UNION ALL SELECT 'z', hour::text, valid || '/' || bucket, zaps || '/' || sats FROM zaps_hourly
UNION ALL SELECT 't', encode(event_id, 'hex'), zaps::text, sats::text FROM event_zap_totals
UNION ALL SELECT 'zs', aid::text, zaps::text, sats::text FROM zap_sender_totals
UNION ALL SELECT 'zr', aid::text, zaps::text, sats::text FROM zap_recipient_totals
UNION ALL SELECT 'f', aid::text, followers::text, '' FROM follower_totals
UNION ALL SELECT 'ah', hour::text, authors::text, '' FROM authors_hourly
UNION ALL SELECT 'ad', day::text, authors::text, '' FROM authors_daily
UNION ALL SELECT 'n', '', events::text, contacts::text FROM event_counts"
SCAN="SELECT 'e', (created_at / 3600 * 3600)::text, kind::text, count(*)::text
  FROM nostr_events GROUP BY 2, 3
UNION ALL SELECT 'l', (created_at / 3600 * 3600)::text, coalesce(lang, 'und'), count(*)::text
  FROM nostr_events WHERE kind IN (1, 20, 1111, 30023) GROUP BY 2, 3
UNION ALL SELECT 'z', h::text, valid || '/' || b, count(*) || '/' || sum(coalesce(sats, 0))
  FROM (SELECT created_at / 3600 * 3600 AS h, valid, sats, CASE WHEN sats IS NULL THEN -1
  ELSE (SELECT max(lo) FROM unnest(ARRAY[0, 1, 5, 10, 50, 100, 500, 1000, 5000, 10000,
  50000, 100000]) lo WHERE lo <= sats) END AS b FROM zaps) z GROUP BY h, valid, b
UNION ALL SELECT 't', encode(event_id, 'hex'), count(*)::text, sum(coalesce(sats, 0))::text
  FROM zaps WHERE valid = 1 AND event_id IS NOT NULL GROUP BY event_id
UNION ALL SELECT 'zs', sender::text, count(*)::text, sum(coalesce(sats, 0))::text
  FROM zaps WHERE valid = 1 AND sender IS NOT NULL GROUP BY sender
UNION ALL SELECT 'zr', recipient::text, count(*)::text, sum(coalesce(sats, 0))::text
  FROM zaps WHERE valid = 1 AND recipient IS NOT NULL GROUP BY recipient
UNION ALL SELECT 'f', followed::text, count(*)::text, '' FROM follows GROUP BY followed
UNION ALL SELECT 'ah', (created_at / 3600 * 3600)::text, count(DISTINCT aid)::text, ''
  FROM nostr_events GROUP BY 2
UNION ALL SELECT 'ad', (created_at / 86400 * 86400)::text, count(DISTINCT aid)::text, ''
  FROM nostr_events GROUP BY 2
UNION ALL SELECT 'n', '', count(*)::text, (count(*) FILTER (WHERE kind = 3))::text
  FROM nostr_events"

# summaries_equal_scan URL: the summaries hold what a scan gives, row for row.
summaries_equal_scan() {
	run -0 pq "$1" "SELECT 'only in the summaries', * FROM (($SUMMARIES) EXCEPT ($SCAN)) a
	    UNION ALL SELECT 'only in a scan', * FROM (($SCAN) EXCEPT ($SUMMARIES)) b"
	[ -z "$output" ]
}

@test "summaries in PostgreSQL: a scan's figures after replacements, deletions and reloads" {
	nostr-gen -n 6000 -s 43 -a 60 --kinds 0,1,3,5,6,7,10002,30023,9735 >"$T/in"
	# Small batches in reverse: versions replaced and deletions applied
	# across batches, taking counted rows back out.
	tac "$T/in" | nostr-load -q -d "$DB_PG" --batch 500
	summaries_equal_scan "$DB_PG"
	for t in events_hourly languages_hourly zaps_hourly event_zap_totals zap_sender_totals \
	    zap_recipient_totals follower_totals authors_hourly authors_daily; do
		[ "$(pq "$DB_PG" "SELECT count(*) > 0 FROM $t")" = t ]
	done
	[ "$(pq "$DB_PG" 'SELECT count(*) FROM deletions')" -gt 0 ]
	# Five valid zap receipts deleted by their authors: taken back out of
	# every zap summary.
	pq "$DB_PG" "SELECT receipt_id, provider FROM zaps_hex WHERE valid = 1
	    ORDER BY receipt_id LIMIT 5" | while IFS='|' read -r id pk; do
		for k in $(seq 0 59); do
			[ "$(nostr-gen --pubkey "$k" -s 43)" = "$pk" ] && break
		done
		printf '{"key":%d,"kind":5,"created_at":1800000000,"tags":[["e","%s"]],"content":""}\n' \
		    "$k" "$id"
	done | nostr-gen --sign -s 43 >"$T/del"
	zaps=$(pq "$DB_PG" 'SELECT count(*) FROM zaps WHERE valid = 1')
	nostr-load -q -d "$DB_PG" "$T/del"
	[ "$(pq "$DB_PG" 'SELECT count(*) FROM zaps WHERE valid = 1')" -eq $((zaps - 5)) ]
	summaries_equal_scan "$DB_PG"
	cat "$T/del" >>"$T/in"
	# Again, and then in order: nothing counted twice.
	nostr-load -q -d "$DB_PG" --batch 900 "$T/in"
	summaries_equal_scan "$DB_PG"
	# A zap changed in place, and a follow removed by hand: the triggers follow.
	pq "$DB_PG" "UPDATE zaps SET valid = 1 - valid WHERE eid IN
	    (SELECT eid FROM zaps ORDER BY eid LIMIT 5);
	    DELETE FROM follows WHERE (follower, followed) IN
	    (SELECT follower, followed FROM follows ORDER BY 1, 2 LIMIT 7)" >/dev/null
	summaries_equal_scan "$DB_PG"
	# The marks: every row counted.
	[ "$(pq "$DB_PG" "SELECT eid = (SELECT max(eid) FROM zaps) FROM summary_marks WHERE summary = 'zap_parties'")" = t ]
	[ "$(pq "$DB_PG" "SELECT eid = (SELECT max(eid) FROM nostr_events) FROM summary_marks WHERE summary = 'follower_totals'")" = t ]
}

@test "authors summaries in PostgreSQL: an author's only event of a day, then a second, deleted" {
	# Key 7 alone in its hour and day; key 8 twice in one hour.
	a=$(note 7 1710000100 'alone')
	b=$(note 8 1710000200 'first')
	c=$(note 8 1710000300 'second')
	printf '%s\n' "$a" "$b" "$c" | nostr-load -q -d "$DB_PG"
	summaries_equal_scan "$DB_PG"
	[ "$(pq "$DB_PG" 'SELECT authors FROM authors_daily WHERE day = 1709942400')" -eq 2 ]
	# Deleted from another day, one batch each: key 7's day empties, key 8 stays.
	for x in "7 $(jq -r .id <<<"$a")" "8 $(jq -r .id <<<"$b")"; do
		set -- $x
		event "$1" 5 1710200000 '' "[[\"e\",\"$2\"]]" | nostr-load -q -d "$DB_PG"
	done
	summaries_equal_scan "$DB_PG"
	[ "$(pq "$DB_PG" 'SELECT authors FROM authors_daily WHERE day = 1709942400')" -eq 1 ]
	[ "$(pq "$DB_PG" 'SELECT authors FROM authors_hourly WHERE hour = 1710000000')" -eq 1 ]
}
