#!/usr/bin/env bats
# pg-score.bats: nostr-score on PostgreSQL.  The same events loaded into
# SQLite and into PostgreSQL and scored with the same --now give the same
# scored rows and the same bytes from every report that reads them (JSON)
# and from the dashboard; so does a second run after more events, which
# SQLite makes from its kept counts and PostgreSQL from scratch.  The
# wrapper's update scores PostgreSQL too, its fetch state and prune stamp in
# the XDG state directory.

bats_require_minimum_version 1.5.0

load common
load enrich_helper
load pg_helper
load relay/helpers

setup_file() {
	pg_setup_file
}

teardown_file() {
	pg_teardown_file
}

setup() {
	pg_setup s
	export D=$T NP_PIDS=$T/pids
}

teardown() {
	kill_tracked
}

# score ARGS...: nostr-score ARGS... on both databases.
score() {
	nostr-score -q -d "$T/lite" "$@"
	nostr-score -q -d "$DB_PG" "$@"
}

# The scored rows by their keys (no surrogates), reals to 1e-9, in SQL
# that both engines speak.
R() { printf 'CAST(round(%s * 1000000000) AS bigint)' "$1"; }
SCORED="SELECT 'content', event_id, pubkey, kind, created_at, computed_at, replies, reposts,
 reactions, zaps, zap_sats, $(R engagement), $(R virality), $(R quality), $(R spam_score)
 FROM content_metrics_hex;
SELECT 'users', pubkey, computed_at, followers, following, posts, replies_received,
 reactions_received, reposts_received, zaps_received, zap_sats_received, $(R influence),
 $(R quality), $(R spam_score) FROM user_metrics_hex;
SELECT 'influence', pubkey, computed_at, $(R 'pagerank * 1000'), engagement, rank
 FROM user_influence_hex;
SELECT 'trending', window_end, $(R window_hours), hashtag, mention_count, unique_authors, zaps,
 $(R trend_score), rank FROM trending_topics;
SELECT 'velocity', window_end, $(R window_hours), hashtag, previous_count, $(R velocity)
 FROM trending_velocity;
SELECT 'network', window_end, $(R window_hours), events, posts, reactions, reposts, zaps,
 zap_sats, active_users, new_users, total_users, $(R events_growth), $(R users_growth)
 FROM network_stats;
SELECT 'runs', now, $(R hours), min_zaps, events, contacts FROM score_runs;"

# same_scores: the scored rows of both databases, alike.
same_scores() {
	sqlite3 "$T/lite" "$SCORED" | sort >"$T/scored.lite"
	pq "$DB_PG" "$SCORED" | sort >"$T/scored.pg"
	diff "$T/scored.lite" "$T/scored.pg"
}

# some_of_each: rows of every scored table in the last same_scores.
some_of_each() {
	local t
	for t in content users influence trending velocity network runs; do
		grep -q "^$t|" "$T/scored.pg"
	done
}

# same_reports NOW: the reports of the scored tables and the dashboard.
same_reports() {
	local h c
	for h in "" "--hours 1" "--hours 168"; do
		for c in viral users trending growth stats; do
			# shellcheck disable=SC2086 # $h is two words or none
			same -f json --now "$1" $h "$c"
		done
	done
	same -f json --now "$1" --period hour growth
	same -f json --now "$1" --period day growth
	same --now "$1" html
}

@test "generated events: the scored rows, the reports and the dashboard as on SQLite" {
	nostr-gen -n 4000 -s 11 -a 60 --kinds 0,1,3,5,6,7,16,1111,10002,30023,9735 >"$T/in"
	both "$T/in"
	now=$(jq -s 'map(.created_at // empty) | max' "$T/in")
	score --now "$now"
	same_scores
	some_of_each
	same_reports "$now"
	# There was something to compare: scored events, zaps, ranked users.
	[ "$(grep -c '^content|' "$T/scored.pg")" -gt 500 ]
	nostr-report -d "$DB_PG" -f json --now "$now" viral >"$T/viral"
	[ "$(jq 'map(select(.zaps > 0)) | length' "$T/viral")" -gt 0 ]
	[ "$(nostr-report -d "$DB_PG" -f json --now "$now" users | jq length)" -gt 0 ]
	# Another window and --min-zaps, and a rerun with the same --now.
	score --now "$now" --hours 6 --min-zaps 1
	same_scores
	score --now "$now" --hours 6 --min-zaps 1
	same_scores
}

@test "U+0000 in content: scored by its exact bytes, as on SQLite" {
	# 18 bytes as sent, 20 with U+FFFD for the NUL (PostgreSQL's text): the
	# duplicate signal counts content of 20 bytes or more.
	for k in 2 3; do
		jq -nc --argjson k "$k" '{key: $k, kind: 1, created_at: 1700000000, tags: [],
		    content: "abcdefghijklmnop\u0000q"}'
	done | sign >"$T/in"
	both "$T/in"
	score --now 1700000100
	same_scores
	[ "$(grep -c '^content|' "$T/scored.pg")" -eq 2 ]
	# No profile, no followers: 0.3, and no more (not long enough for the duplicate).
	[ "$(pq "$DB_PG" "SELECT count(*) FROM content_metrics WHERE spam_score > 0.31")" -eq 0 ]
	[ "$(pq "$DB_PG" "SELECT count(*) FROM content_metrics WHERE spam_score > 0.29")" -eq 2 ]
}

@test "a second run after more events: the rows of SQLite's incremental run" {
	nostr-gen -n 5000 -s 23 -a 70 --kinds 0,1,3,5,6,7,16,1111,30023,9735 >"$T/all"
	head -n 3000 "$T/all" >"$T/first"
	tail -n +3001 "$T/all" >"$T/rest"
	both "$T/first"
	t1=$(jq -s 'map(.created_at // empty) | max' "$T/first")
	score --now "$t1"
	same_scores
	some_of_each
	both "$T/rest"
	t2=$(jq -s 'map(.created_at // empty) | max' "$T/all")
	nostr-score -v -d "$T/lite" --now "$t2" 2>"$T/v.lite"
	nostr-score -v -d "$DB_PG" --now "$t2" 2>"$T/v.pg"
	# SQLite moved its counts; PostgreSQL made them anew, and says so.
	grep -q 'user counts: moved from the last run' "$T/v.lite"
	grep -q 'user counts: from scratch: PostgreSQL recomputes every run' "$T/v.pg"
	same_scores
	same_reports "$t2"
	# Nothing new: both keep their rows.
	score --now "$t2"
	same_scores
}

@test "the real events: the scored rows, the reports and the dashboard as on SQLite" {
	need_shared combined/all-valid-events.ndjson
	both "$NP_SHARED_DATA/combined/all-valid-events.ndjson"
	now=$(jq -s 'map(.created_at) | max' "$NP_SHARED_DATA/combined/all-valid-events.ndjson")
	# A year's window: the last day holds no content event.
	score --now "$now" --hours 8760
	same_scores
	some_of_each
	same_reports "$now"
	same -f json --now "$now" --hours 8760 viral
	score --now "$now"
	same_scores
	same_reports "$now"
}

@test "NOSTR_DB and DATABASE_URL name PostgreSQL too; failures are clear, without the password" {
	nostr-gen -n 1000 -s 3 -a 20 --kinds 0,1,3,7 | nostr-load -q -d "$DB_PG"
	NOSTR_DB=$DB_PG nostr-score -q --now 1700100000
	[ "$(pq "$DB_PG" 'SELECT now FROM score_runs')" = 1700100000 ]
	DATABASE_URL=$DB_PG nostr-score -q --now 1700200000
	[ "$(pq "$DB_PG" 'SELECT now FROM score_runs')" = 1700200000 ]
	empty=$(pg_newdb "s${BATS_TEST_NUMBER}e" empty)
	run -1 nostr-score -d "$empty"
	[ "$output" = "nostr-score: ${empty/:$NP_PG_PASSWORD@/@}: no nostr-pipeline schema in this database (create it with nostr-load)" ]
	run -1 nostr-score -d "postgresql://np:Sekr1tPw@127.0.0.1:1/np"
	[[ $output == "nostr-score: postgresql://np@127.0.0.1:1/np: connection to server at"* ]]
	[[ $output != *Sekr1tPw* ]]
}

@test "nostr-pipeline update and score on PostgreSQL: the state and the stamp in XDG_STATE_HOME" {
	relay_deps
	start_relay r
	gen 15 51 $(($(date +%s) - 3000)) 2000 -a 3 >"$T/events"
	publish "$r_port" "$T/events"
	unset NOSTR_STATE XDG_STATE_HOME NOSTR_RELAYS
	export HOME=$T/home NOSTR_PIPELINE_CONFIG=$T/cfg
	mkdir -p "$HOME"
	printf 'NOSTR_RELAYS=ws://127.0.0.1:%s\nRETENTION_DAYS=3650\n' "$r_port" >"$T/cfg"
	cd "$T"
	run -0 nostr-pipeline -d "$DB_PG" update
	[[ $output == *", 15 new, 15 in "* ]]
	[[ $output != *"$NP_PG_PASSWORD"* ]]
	[ "$(pq "$DB_PG" 'SELECT count(*) FROM score_runs')" -eq 1 ]
	# Named after host, port and database: 127.0.0.1_PORT_sN.
	hostport=${DB_PG#*@}
	name=${hostport//[:\/]/_}
	[ -s "$HOME/.local/state/nostr-pipeline/$name.fetch-state" ]
	[ -s "$HOME/.local/state/nostr-pipeline/$name.last-prune" ]
	run ! grep -rqF "$NP_PG_PASSWORD" "$HOME"
	# Nothing beside the database: no file named after the URL here.
	[ -z "$(ls -A "$T" | grep -v '^home$\|^cfg$\|^events$\|^r\.\|^pids$')" ]
	# A second update fetches from the state: nothing new.
	run -0 nostr-pipeline -d "$DB_PG" update
	[[ $output == *", 0 new, 15 in "* ]]
	# XDG_STATE_HOME moves them; score runs through the wrapper.
	XDG_STATE_HOME=$T/xdg run -0 nostr-pipeline -d "$DB_PG" update
	[ -s "$T/xdg/nostr-pipeline/$name.fetch-state" ]
	NOSTR_DB=$DB_PG run -0 nostr-pipeline score -v --full
	[[ $output == *"user counts: from scratch: PostgreSQL recomputes every run"* ]]
	stop_relay r
}
