#!/usr/bin/env bats
# score.bats: nostr-score on the fixture database (score_fixture.bash).  The
# expected figures are worked out here from the formulas in nostr-score(1)
# with awk, from counts read off the fixture, never from the code under test.

load score_fixture

setup() {
	DB="$BATS_TEST_TMPDIR/t.db"
	fixture_db "$DB"
}

q() { sqlite3 -batch -noheader "$DB" "$1"; }
f() { awk "BEGIN { printf \"%.15g\", $1 }"; }

@test "score: --help, --version and bad usage" {
	run nostr-score --help
	[ "$status" -eq 0 ]
	[[ $output == *--now* ]]
	run nostr-score --version
	[ "$status" -eq 0 ]
	[[ $output == "nostr-score "* ]]
	run nostr-score --hours 0 -d "$DB"
	[ "$status" -eq 2 ]
	run nostr-score --now yesterday-ish -d "$DB"
	[ "$status" -eq 2 ]
	run nostr-score --only content,bogus -d "$DB"
	[ "$status" -eq 2 ]
	run nostr-score extra -d "$DB"
	[ "$status" -eq 2 ]
}

@test "score: virality and engagement of e1 follow nostr-score(1)'s formula" {
	nostr-score -q -d "$DB" --now $N
	row=$(q "SELECT replies, reposts, reactions, zaps, zap_sats, computed_at FROM content_metrics_hex WHERE event_id = '$(eid 1)'")
	# 2 replies, 1 repost, 2 reactions, 1 valid zap of 1000 sats before N
	[ "$row" = "2|1|2|1|1000|$N" ]
	close_to "$(q "SELECT engagement FROM content_metrics_hex WHERE event_id = '$(eid 1)'")" \
	    "$(f '3.0*1 + 0.001*1000 + 2.0*2 + 2.5*1 + 1.0*2')"
	close_to "$(q "SELECT virality FROM content_metrics_hex WHERE event_id = '$(eid 1)'")" \
	    "$(f '(3.0*1 + 0.001*1000 + 2.0*2 + 2.5*1 + 1.0*2) * exp(-0.1155*1)')"
	close_to "$(q "SELECT virality FROM content_metrics_hex WHERE event_id = '$(eid 2)'")" \
	    "$(f '1.0*1 * exp(-0.1155*2)')"
	# nothing for events outside the window or of other kinds
	[ "$(q "SELECT count(*) FROM content_metrics_hex WHERE event_id IN ('$(eid 0)', '$(eid 20)', '$(eid 30)')")" = 0 ]
	[ "$(q "SELECT count(*) FROM content_metrics")" = 9 ]
}

@test "score: the same --now gives the same rows" {
	nostr-score -q -d "$DB" --now $N
	a=$(sqlite3 "$DB" .dump | grep -v '^INSERT INTO nostr_events')
	nostr-score -q -d "$DB" --now $N
	b=$(sqlite3 "$DB" .dump | grep -v '^INSERT INTO nostr_events')
	[ "$a" = "$b" ]
}

@test "score: content quality per the documented rules" {
	nostr-score -q -d "$DB" --now $N
	words1=$(q "SELECT content FROM nostr_events_hex WHERE id = '$(eid 1)'" | awk '{ n += NF } END { print n }')
	[ "$words1" = 13 ]
	close_to "$(q "SELECT quality FROM content_metrics_hex WHERE event_id = '$(eid 1)'")" \
	    "$(f "0.2 + 0.5*$words1/30 + 0.15")"
	# all capitals, unknown language: times 0.5
	close_to "$(q "SELECT quality FROM content_metrics_hex WHERE event_id = '$(eid 2)'")" \
	    "$(f '(0.2 + 0.5*7/30) * 0.5')"
	# a link only, with media: times 0.3
	close_to "$(q "SELECT quality FROM content_metrics_hex WHERE event_id = '$(eid 3)'")" \
	    "$(f '(0.2 + 0.5*1/30 + 0.15) * 0.3')"
	# six '!' in a row: times 0.6
	close_to "$(q "SELECT quality FROM content_metrics_hex WHERE event_id = '$(eid 6)'")" \
	    "$(f '(0.2 + 0.5*9/30 + 0.15) * 0.6')"
}

@test "score: spam signals: duplicates, bursts, mentions, no profile, no followers" {
	nostr-score -q -d "$DB" --now $N
	# A: profile, followers, one post: nothing
	close_to "$(q "SELECT spam_score FROM content_metrics_hex WHERE event_id = '$(eid 1)'")" 0
	# C's link: no followers; C posted 3 times in 300 s (e11, e7, e3)
	close_to "$(q "SELECT spam_score FROM content_metrics_hex WHERE event_id = '$(eid 3)'")" \
	    "$(f '0.20*(3-1)/10 + 0.15')"
	# D's e6: same text as C's e7 (2 authors), third post in 100 s, no
	# profile, no followers
	close_to "$(q "SELECT spam_score FROM content_metrics_hex WHERE event_id = '$(eid 6)'")" \
	    "$(f '0.30*(2-1)/4 + 0.20*(3-1)/10 + 0.15 + 0.15')"
	# D's e4: first of the burst, but 7 mentions
	close_to "$(q "SELECT spam_score FROM content_metrics_hex WHERE event_id = '$(eid 4)'")" \
	    "$(f '0.30*(2-1)/4 + 0.20*(7-5)/10 + 0.15 + 0.15')"
}

@test "score: trending hashtags, velocity and --min-zaps" {
	nostr-score -q -d "$DB" --now $N --hours 24
	[ "$(q "SELECT rank, hashtag, mention_count, unique_authors, zaps FROM trending_topics WHERE window_end = $N ORDER BY rank")" = \
	    "$(printf '1|nostr|2|2|1\n2|bitcoin|1|1|1')" ]
	close_to "$(q "SELECT trend_score FROM trending_topics WHERE hashtag = 'nostr'")" \
	    "$(f '(2/24) * log(1+2) * (1 + log(1+1))')"
	close_to "$(q "SELECT trend_score FROM trending_topics WHERE hashtag = 'bitcoin'")" \
	    "$(f '(1/24) * log(1+1) * (1 + log(1+1))')"
	# e0 used #nostr in the window before: 2 against 1
	[ "$(q "SELECT hashtag, previous_count, velocity FROM trending_velocity ORDER BY hashtag")" = \
	    "$(printf 'bitcoin|0|\nnostr|1|2.0')" ]
	nostr-score -q -d "$DB" --now $N --only trending --min-zaps 2
	[ "$(q "SELECT count(*) FROM trending_topics WHERE window_end = $N")" = 0 ]
	MIN_ZAPS_FOR_TRENDING=1 nostr-score -q -d "$DB" --now $N --only trending
	[ "$(q "SELECT count(*) FROM trending_topics WHERE window_end = $N")" = 2 ]
	# a 48-hour window sees e0 too
	nostr-score -q -d "$DB" --now $N --only trending --hours 48
	[ "$(q "SELECT mention_count, unique_authors FROM trending_topics WHERE window_hours = 48 AND hashtag = 'nostr'")" = "3|2" ]
	# e1's second valid zap (N + 100) counts once for each of its hashtags
	nostr-score -q -d "$DB" --now $((N + 100)) --only trending
	[ "$(q "SELECT hashtag, zaps FROM trending_topics WHERE window_end = $((N + 100)) ORDER BY hashtag")" = "$(printf 'bitcoin|2\nnostr|2')" ]
}

@test "score: PageRank and influence over the follow graph" {
	nostr-score -q -d "$DB" --now $N
	# nodes in pubkey order A B C D E = 1..5; edges B>A C>A D>A A>B A>E
	expected=$(awk 'BEGIN {
		n = 5; d = 0.85
		src[1] = 2; dst[1] = 1; src[2] = 3; dst[2] = 1; src[3] = 4; dst[3] = 1
		src[4] = 1; dst[4] = 2; src[5] = 1; dst[5] = 5; m = 5
		for (i = 1; i <= m; i++) out[src[i]]++
		for (v = 1; v <= n; v++) r[v] = 1 / n
		for (it = 0; it < 1000; it++) {
			dang = 0
			for (v = 1; v <= n; v++) if (!out[v]) dang += r[v]
			for (v = 1; v <= n; v++) nr[v] = (1 - d) / n + d * dang / n
			for (i = 1; i <= m; i++) nr[dst[i]] += d * r[src[i]] / out[src[i]]
			for (v = 1; v <= n; v++) r[v] = nr[v]
		}
		for (v = 1; v <= n; v++) printf "%.12f\n", r[v] }')
	got=($(q "SELECT printf('%.12f', pagerank) FROM user_influence_hex ORDER BY pubkey"))
	want=($expected)
	[ "${#got[@]}" -eq 5 ]
	for i in 0 1 2 3 4; do close_to "${got[$i]}" "${want[$i]}"; done
	close_to "$(q "SELECT sum(pagerank) FROM user_influence")" 1
	# influence = 100*(0.4 P + 0.2 F + 0.2 Z + 0.2 E), parts ln(1+x)/ln(1+max)
	pr=($expected); maxpr=$(printf '%s\n' "${pr[@]}" | sort -g | tail -1)
	# B: PageRank, 1 follower of max 3, 0 sats of 1000, 1 reaction of 6 engagements
	close_to "$(q "SELECT influence FROM user_metrics_hex WHERE pubkey = '$B'")" \
	    "$(f "100*(0.4*log(1+${pr[1]}*5)/log(1+$maxpr*5) + 0.2*log(1+1)/log(1+3) + 0.2*log(1+1)/log(1+6))")"
	close_to "$(q "SELECT influence FROM user_metrics_hex WHERE pubkey = '$A'")" \
	    "$(f "100*(0.4*log(1+${pr[0]}*5)/log(1+$maxpr*5) + 0.2 + 0.2 + 0.2)")"
	[ "$(q "SELECT followers, following, zaps_received, zap_sats_received, replies_received, reactions_received, reposts_received FROM user_metrics_hex WHERE pubkey = '$A'")" = "3|2|1|1000|2|2|1" ]
	[ "$(q "SELECT rank FROM user_influence_hex WHERE pubkey = '$A'")" = 1 ]
	[ "$(q "SELECT count(*) FROM user_metrics")" = 5 ]
}

@test "score: network_stats per hour and per day with growth" {
	nostr-score -q -d "$DB" --now $N
	# (N-24h, N]: everything but e0; the day before holds e0 alone
	[ "$(q "SELECT events, posts, reactions, reposts, zaps, zap_sats, active_users, new_users, total_users FROM network_stats WHERE window_end = $N AND window_hours = 24")" = "13|9|3|1|1|1000|4|3|4" ]
	close_to "$(q "SELECT events_growth FROM network_stats WHERE window_end = $N AND window_hours = 24")" "$(f '13/1 - 1')"
	close_to "$(q "SELECT users_growth FROM network_stats WHERE window_end = $N AND window_hours = 24")" "$(f '4/1 - 1')"
	# (N-1h, N]: e1 sits exactly at N-1h and is out
	[ "$(q "SELECT events, active_users FROM network_stats WHERE window_end = $N AND window_hours = 1")" = "11|4" ]
	[ "$(q "SELECT count(*) FROM network_stats WHERE window_hours = 1")" = 24 ]
	[ "$(q "SELECT count(*) FROM network_stats WHERE window_hours = 24")" = 30 ]
}

# network_mismatches DB: the network_stats rows whose events, posts,
# reactions, reposts or active users are not those of the window's events.
network_mismatches() {
	sqlite3 -batch -noheader "$1" <<'SQL'
SELECT count(*) FROM network_stats s JOIN (SELECT n.window_end AS e, n.window_hours AS h,
  count(x.eid) AS events, count(CASE WHEN x.kind = 1 THEN 1 END) AS posts,
  count(CASE WHEN x.kind = 7 THEN 1 END) AS reactions,
  count(CASE WHEN x.kind IN (6, 16) THEN 1 END) AS reposts,
  count(DISTINCT x.aid) AS active
  FROM network_stats n LEFT JOIN nostr_events x
  ON x.created_at > n.window_end - CAST(n.window_hours * 3600 AS INTEGER)
  AND x.created_at <= n.window_end GROUP BY n.window_end, n.window_hours) w
  ON w.e = s.window_end AND w.h = s.window_hours
WHERE s.events != w.events OR s.posts != w.posts OR s.reactions != w.reactions
  OR s.reposts != w.reposts OR s.active_users != w.active;
SQL
}

@test "score: each network window counts its own events and authors, authors once" {
	T=$BATS_TEST_TMPDIR S=1700000000
	# 3 days of 30 authors, each with events in many hours and days: every
	# hourly window and the 3 daily ones hold some author more than once.
	nostr-gen -n 3000 -s 5 -a 30 -t $S --span $((3 * 86400)) | nostr-load -q -d "$T/n.db"
	nostr-score -q -d "$T/n.db" --now $((S + 3 * 86400 - 1800)) --only network
	[ "$(sqlite3 "$T/n.db" "SELECT count(*) FROM network_stats WHERE events > active_users AND active_users > 1")" -ge 27 ]
	[ "$(network_mismatches "$T/n.db")" = 0 ]
}

@test "score: -v summary, and an unreadable database is exit 1" {
	run nostr-score -v -d "$DB" --now $N
	[ "$status" -eq 0 ]
	[[ $output == *"9 events, 2 hashtags, 5 users"* ]]
	mkdir "$BATS_TEST_TMPDIR/dir.db"
	run nostr-score -d "$BATS_TEST_TMPDIR/dir.db"
	[ "$status" -eq 1 ]
}

@test "views: event_engagement and zap_totals count the fixture's rows" {
	# e1: 2 replies, 1 repost, 2 reactions, 2 valid zaps (1000 + 7000 sats; the
	# invalid one is left out); e2: 1 reaction; e3: nothing.
	[ "$(q "SELECT replies, reposts, reactions, zaps, zap_sats FROM event_engagement WHERE event_id = '$(eid 1)'")" = "2|1|2|2|8000" ]
	[ "$(q "SELECT replies, reposts, reactions, zaps, zap_sats FROM event_engagement WHERE event_id = '$(eid 2)'")" = "0|0|1|0|0" ]
	[ "$(q "SELECT replies, reposts, reactions, zaps, zap_sats FROM event_engagement WHERE event_id = '$(eid 3)'")" = "0|0|0|0|0" ]
	# One row per stored event, whatever joins it.
	[ "$(q 'SELECT count(*) FROM event_engagement')" = "$(q 'SELECT count(*) FROM nostr_events')" ]
	[ "$(q "SELECT zap_count, zap_total_sats FROM zap_totals WHERE event_id = '$(eid 1)'")" = "2|8000" ]
}

# metric_rows DB: every metric table, ordered, floats at fixed precision.
metric_rows() {
	sqlite3 -batch -noheader "$1" <<'SQL'
SELECT 'c', event_id, pubkey, kind, created_at, computed_at, replies, reposts, reactions,
  zaps, zap_sats, printf('%.12e', engagement), printf('%.12e', virality),
  printf('%.12e', quality), printf('%.12e', spam_score)
FROM content_metrics_hex ORDER BY event_id;
SELECT 'u', pubkey, computed_at, followers, following, posts, replies_received,
  reactions_received, reposts_received, zaps_received, zap_sats_received,
  printf('%.12e', influence), printf('%.12e', quality), printf('%.12e', spam_score)
FROM user_metrics_hex ORDER BY pubkey;
SELECT 'i', pubkey, computed_at, printf('%.12e', pagerank), engagement, rank
FROM user_influence_hex ORDER BY pubkey;
SELECT 't', window_end, window_hours, hashtag, mention_count, unique_authors, zaps,
  printf('%.12e', trend_score), rank FROM trending_topics ORDER BY 2, 3, 4;
SELECT 'v', window_end, window_hours, hashtag, previous_count, printf('%.12e', velocity)
FROM trending_velocity ORDER BY 2, 3, 4;
SELECT 'n', window_end, window_hours, events, posts, reactions, reposts, zaps, zap_sats,
  active_users, new_users, total_users, printf('%.12e', events_growth),
  printf('%.12e', users_growth) FROM network_stats ORDER BY 2, 3;
SQL
}

# same_as_full DB NOW [ARG...]: DB's metric rows are those of a --full run
# (with --now NOW and the ARGs) on a copy of it.
same_as_full() {
	local db=$1 now=$2
	shift 2
	cp "$db" "$db.full"
	nostr-score -q --full -d "$db.full" --now "$now" "$@"
	set -- "$db"
	metric_rows "$1" >"$1.inc.rows"
	metric_rows "$1.full" >"$1.full.rows"
	[ -s "$1.inc.rows" ]
	diff "$1.inc.rows" "$1.full.rows"
}

@test "score: incremental runs after each part of a stream give --full's rows" {
	T=$BATS_TEST_TMPDIR S=1700000000
	D="$T/inc.db"
	nostr-gen -n 3000 -s 21 -a 40 -t $S --span 86400 >"$T/gen"
	nostr-enrich <"$T/gen" >"$T/all"
	head -n 2000 "$T/all" >"$T/p1"
	# Part 2 without contact lists and deletions: the follow graph stays
	# (profiles are replaced).
	sed -n '2001,2500p' "$T/all" | jq -c 'select(.kind != 3 and .kind != 5)' >"$T/p2"
	# Part 3: the rest, with them (replaced contact lists and profiles, deletions).
	{ sed -n '2001,2500p' "$T/all" | jq -c 'select(.kind == 3 or .kind == 5)'
	  tail -n +2501 "$T/all"; } >"$T/p3"
	[ "$(jq -s 'map(select(.kind == 5)) | length' "$T/p3")" -gt 0 ]
	[ "$(jq -s 'map(select(.kind == 3)) | length' "$T/p3")" -gt 0 ]
	nostr-load -q -d "$D" "$T/p1"
	run nostr-score -v -d "$D" --now $((S + 60000))
	[ "$status" -eq 0 ]
	[[ $output == *"full run: no earlier run"* ]]
	same_as_full "$D" $((S + 60000))
	nostr-load -q -d "$D" "$T/p2"
	run nostr-score -v -d "$D" --now $((S + 70000))
	[ "$status" -eq 0 ]
	[[ $output == *"since the last run: "*" events new, "* ]]
	[[ $output == *"PageRank kept"* ]]
	[[ $output == *"user counts: moved from the last run"* ]]
	same_as_full "$D" $((S + 70000))
	nostr-load -q -d "$D" "$T/p3"
	run nostr-score -v -d "$D" --now $((S + 86401))
	[ "$status" -eq 0 ]
	[[ $output == *"since the last run: "* ]]
	[[ $output != *"PageRank kept"* ]]
	[[ $output != *" 0 removed"* ]]
	[[ $output == *"user counts: moved from the last run"* ]]
	same_as_full "$D" $((S + 86401))
}

@test "score: a run with nothing new keeps its rows; a gone mark, --full and other options run in full" {
	T=$BATS_TEST_TMPDIR S=1700000000
	D="$T/inc.db"
	nostr-gen -n 500 -s 3 -a 20 -t $S --span 3600 | nostr-enrich >"$T/all"
	nostr-load -q -d "$D" "$T/all"
	nostr-score -q -d "$D" --now $((S + 3600))
	run nostr-score -v -d "$D" --now $((S + 3600))
	[ "$status" -eq 0 ]
	[[ $output == *"0 events new, 0 removed, nothing to do"* ]]
	run nostr-score -v -d "$D" --now $((S + 3600)) --hours 12
	[[ $output == *"full run: other --hours or --min-zaps"* ]]
	run nostr-score -v -d "$D" --now $((S + 3600)) --hours 12 --full
	[[ $output == *"full run: --full"* ]]
	run nostr-score -v -d "$D" --now $((S + 1800)) --hours 12
	[[ $output == *"full run: --now before the last run's"* ]]
	# The newest event removed: its eid can be given again, so nothing is new by eid.
	sqlite3 "$D" 'DELETE FROM nostr_events WHERE eid = (SELECT max(eid) FROM nostr_events)'
	run nostr-score -v -d "$D" --now $((S + 3600)) --hours 12
	[ "$status" -eq 0 ]
	[[ $output == *"full run: the last run's newest event is gone"* ]]
	same_as_full "$D" $((S + 3600)) --hours 12
}

# signed KEY KIND AT TAGS CONTENT: one event signed with nostr-gen's key KEY,
# appended to $T/stream; prints its id.
signed() {
	printf '{"key":%d,"kind":%d,"created_at":%d,"tags":%s,"content":"%s"}\n' "$@" |
		nostr-gen --sign | tee -a "$T/stream" | jq -r .id
}

@test "score: incremental user counts: late targets, rows coming due, deletions, a new contact list" {
	T=$BATS_TEST_TMPDIR S=1700000000 D="$BATS_TEST_TMPDIR/u.db" DB="$BATS_TEST_TMPDIR/u.db"
	pk0=$(nostr-gen --pubkey 0) pk1=$(nostr-gen --pubkey 1) pk3=$(nostr-gen --pubkey 3)
	: >"$T/stream"
	n1=$(signed 0 1 $S '[]' 'hello world')
	n2=$(signed 1 1 $((S + 10)) '[]' 'second note')
	r1=$(signed 1 7 $((S + 20)) "[[\"e\",\"$n1\"],[\"p\",\"$pk0\"]]" '+')
	# The reaction's target is stored only in the second part.
	printf '{"key":3,"kind":1,"created_at":%d,"tags":[],"content":"late target"}\n' $((S + 25)) |
		nostr-gen --sign >"$T/late"
	nf=$(jq -r .id "$T/late")
	signed 2 7 $((S + 30)) "[[\"e\",\"$nf\"]]" '+' >/dev/null
	signed 0 3 $((S + 40)) "[[\"p\",\"$pk1\"],[\"p\",\"$pk3\"]]" '' >/dev/null
	# Replies created after the first run's --now: counted once their time comes.
	signed 2 1 $((S + 5000)) "[[\"e\",\"$n2\",\"\",\"reply\"],[\"p\",\"$pk1\"]]" 'later' >/dev/null
	signed 3 1 $((S + 5500)) "[[\"e\",\"$n1\",\"\",\"reply\"],[\"p\",\"$pk0\"]]" 'later too' >/dev/null
	nostr-enrich <"$T/stream" >"$T/p1"
	nostr-load -q -d "$D" "$T/p1"
	nostr-score -q -d "$D" --now $((S + 1000))
	: >"$T/stream"
	cat "$T/late" >>"$T/stream"
	signed 2 1 $((S + 1100)) "[[\"e\",\"$n1\",\"\",\"reply\"],[\"p\",\"$pk0\"]]" 'a reply' >/dev/null
	signed 3 6 $((S + 1200)) "[[\"e\",\"$n2\"],[\"p\",\"$pk1\"]]" '' >/dev/null
	# Key 1 deletes its reaction (a counted row) and its note (a target).
	signed 1 5 $((S + 1300)) "[[\"e\",\"$r1\"],[\"e\",\"$n2\"]]" 'oops' >/dev/null
	signed 0 3 $((S + 1400)) "[[\"p\",\"$pk3\"]]" '' >/dev/null
	nostr-enrich <"$T/stream" >"$T/p2"
	nostr-load -q -d "$D" "$T/p2"
	run nostr-score -v -d "$D" --now $((S + 6000))
	[ "$status" -eq 0 ]
	[[ $output == *"user counts: moved from the last run"* ]]
	[[ $output != *" 0 removed"* ]]
	same_as_full "$D" $((S + 6000))
	# key 0: n1's two replies, its reaction deleted; key 3: the late target's reaction
	[ "$(q "SELECT posts, replies_received, reactions_received, reposts_received FROM user_metrics_hex WHERE pubkey = '$pk0'")" = "1|2|0|0" ]
	[ "$(q "SELECT posts, reactions_received, followers FROM user_metrics_hex WHERE pubkey = '$pk3'")" = "2|1|1" ]
	[ "$(q "SELECT posts, replies_received, reposts_received, followers FROM user_metrics_hex WHERE pubkey = '$pk1'")" = "0|0|0|0" ]
}

@test "score: user counts are made from scratch with --full, after a prune and without a state" {
	T=$BATS_TEST_TMPDIR S=1700000000 D="$BATS_TEST_TMPDIR/f.db"
	nostr-gen -n 800 -s 5 -a 20 -t $S --span 7200 | nostr-enrich >"$T/all"
	nostr-load -q -d "$D" "$T/all"
	run nostr-score -v -d "$D" --now $((S + 7200))
	[[ $output == *"user counts: from scratch: no earlier run"* ]]
	run nostr-score -v -d "$D" --now $((S + 7300)) --full
	[[ $output == *"user counts: from scratch: --full"* ]]
	# A database whose counts were never filled (made before them).
	sqlite3 "$D" 'DELETE FROM score_counts_state; DELETE FROM score_authors'
	run nostr-score -v -d "$D" --now $((S + 7400))
	[[ $output == *"user counts: from scratch: no counts yet"* ]]
	same_as_full "$D" $((S + 7400))
	nostr-load -q -d "$D" --prune $((S + 3600))
	run nostr-score -v -d "$D" --now $((S + 7500))
	[[ $output == *"user counts: from scratch: pruned since"* ]]
	same_as_full "$D" $((S + 7500))
}
