#!/usr/bin/env bats
# prune.bats: retention (nostr-load --prune, nostr-pipeline prune and
# RETENTION_DAYS).  Generated events over the 120 days before now are loaded
# and scored; a prune of what is older than 90 days must leave no event
# older than that but replaceable heads and deletions, no derived row of a
# pruned event, the profiles, follow lists and statistics as they were, and
# keep deleted events out when they come again.

load common
load relay/helpers
bats_require_minimum_version 1.5.0

DAY=86400
# The derived tables, each with the column that names its event.
DERIVED="hashtags mentions refs replies reactions reposts zaps content_metrics follows
	user_profiles deletions"

setup_file() {
	export D=$BATS_FILE_TMPDIR NP_PIDS=$BATS_FILE_TMPDIR/pids
	NOW=$(date +%s)
	export NOW START=$((NOW - 120 * DAY))
	# Windows inside the kept range: the last day, and a week a month ago.
	export W1=$((NOW - 3600)) W2=$((NOW - 30 * DAY))
	nostr-gen -n 6000 -s 15 -a 200 -t "$START" --span $((120 * DAY)) >"$D/events"
	nostr-load -q -d "$D/base.db" "$D/events"
	# scores of events to be pruned too (content_metrics), and of the kept windows
	nostr-score -q -d "$D/base.db" --now $((NOW - 100 * DAY))
	nostr-score -q -d "$D/base.db" --now "$W2"
	nostr-score -q -d "$D/base.db" --now "$W1"
	sqlite3 "$D/base.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
}

teardown_file() {
	kill_tracked
}

setup() {
	T=$BATS_TEST_TMPDIR
	DB=$T/t.db
	cp "$D/base.db" "$DB"
	# Taken before the prune, whose cutoff is later by the time in between:
	# what is older than this is older than the prune's cutoff.
	CUT=$(($(date +%s) - 90 * DAY))
}

q() { sqlite3 -batch -noheader "$DB" "$1"; }

# kept_old: the ids of the events older than CUT that a prune keeps.
kept_old() {
	q "SELECT lower(hex(id)) FROM nostr_events WHERE created_at < $CUT
	   AND (d_tag IS NOT NULL OR kind = 5) ORDER BY id"
}

# windowed NAME: the reports of the kept windows into $T/NAME.*
windowed() {
	local w c
	for w in "--now $W1 --hours 24" "--now $W2 --hours 168"; do
		for c in growth trending languages zaps top-zapped; do
			# shellcheck disable=SC2086 # $w is two options
			nostr-report -d "$DB" -f json $w $c >"$T/$1.$c.${w// /_}"
		done
		# stats without its totals of all time (events, posts, zaps, the
		# first event), which a prune changes by definition
		# shellcheck disable=SC2086
		nostr-report -d "$DB" -f json $w stats >"$T/$1.stats.json"
		jq -S '.[0] | del(.events.total, .events.posts, .events.first, .zaps)' \
		    "$T/$1.stats.json" >"$T/$1.stats.${w// /_}"
	done
}

@test "prune: bad usage, and a missing database is not created" {
	run nostr-load -d "$DB" --prune soon
	[ "$status" -eq 2 ]
	run nostr-load -d "$DB" --prune 90d "$D/events"
	[ "$status" -eq 2 ]
	run nostr-load -d "$T/none.db" --prune 90d
	[ "$status" -eq 1 ]
	[[ $output == *"no such database"* ]]
	[ ! -e "$T/none.db" ]
	run nostr-pipeline -d "$DB" prune
	[ "$status" -eq 2 ]
	run nostr-pipeline -d "$DB" prune --older-than
	[ "$status" -eq 2 ]
	run nostr-pipeline -d "$DB" prune --older-than soon
	[ "$status" -eq 2 ]
	[ ! -e "$DB.last-prune" ]
	RETENTION_DAYS=1234567 run nostr-pipeline -d "$DB" prune
	[ "$status" -eq 1 ]
	RETENTION_DAYS=0 run nostr-pipeline -d "$DB" prune
	[ "$status" -eq 1 ]
	[[ $output == *"RETENTION_DAYS: not a positive number"* ]]
}

@test "prune: nothing older than the cutoff remains but replaceable heads and deletions" {
	kept_old >"$T/kept.before"
	old=$(q "SELECT count(*) FROM nostr_events WHERE created_at < $CUT")
	# the test means something: old events of both sorts are there
	[ "$(wc -l <"$T/kept.before")" -gt 20 ]
	[ "$old" -gt "$(($(wc -l <"$T/kept.before") + 500))" ]
	[ "$(q "SELECT count(*) FROM nostr_events WHERE created_at < $CUT AND kind IN (0, 3)")" -gt 5 ]
	run nostr-pipeline -d "$DB" prune --older-than 90d
	[ "$status" -eq 0 ]
	[[ $output == *" events pruned "* ]]
	[ "$(q "SELECT count(*) FROM nostr_events WHERE created_at < $CUT
	        AND d_tag IS NULL AND kind <> 5")" = 0 ]
	kept_old >"$T/kept.after"
	diff "$T/kept.before" "$T/kept.after"
	# what is newer than the cutoff is all there
	[ "$(q "SELECT count(*) FROM nostr_events WHERE created_at >= $CUT + 60")" = \
	  "$(sqlite3 "$D/base.db" "SELECT count(*) FROM nostr_events WHERE created_at >= $CUT + 60")" ]
	# the stamp that RETENTION_DAYS reads
	[[ $(cat "$DB.last-prune") =~ ^[0-9]+$ ]]
}

@test "prune: no derived row outlives its event, and those of kept events stay" {
	declare -A before
	for t in $DERIVED; do
		before[$t]=$(q "SELECT count(*) FROM $t WHERE eid IN
		    (SELECT eid FROM nostr_events WHERE created_at >= $CUT + 60)")
	done
	# rows of events to be pruned are there to be removed
	for t in hashtags mentions refs replies reactions reposts zaps content_metrics; do
		n=$(q "SELECT count(*) FROM $t WHERE eid IN (SELECT eid FROM nostr_events
		       WHERE created_at < $CUT AND d_tag IS NULL AND kind <> 5)")
		[ "$n" -gt 0 ] || { echo "$t: no row of an old event" >&2; false; }
	done
	nostr-load -q -d "$DB" --prune 90d
	# one check per table: its rows name a stored event
	[ "$(q 'SELECT count(*) FROM hashtags WHERE eid NOT IN (SELECT eid FROM nostr_events)')" = 0 ]
	[ "$(q 'SELECT count(*) FROM mentions WHERE eid NOT IN (SELECT eid FROM nostr_events)')" = 0 ]
	[ "$(q 'SELECT count(*) FROM refs WHERE eid NOT IN (SELECT eid FROM nostr_events)')" = 0 ]
	[ "$(q 'SELECT count(*) FROM replies WHERE eid NOT IN (SELECT eid FROM nostr_events)')" = 0 ]
	[ "$(q 'SELECT count(*) FROM reactions WHERE eid NOT IN (SELECT eid FROM nostr_events)')" = 0 ]
	[ "$(q 'SELECT count(*) FROM reposts WHERE eid NOT IN (SELECT eid FROM nostr_events)')" = 0 ]
	[ "$(q 'SELECT count(*) FROM zaps WHERE eid NOT IN (SELECT eid FROM nostr_events)')" = 0 ]
	[ "$(q 'SELECT count(*) FROM content_metrics WHERE eid NOT IN (SELECT eid FROM nostr_events)')" = 0 ]
	[ "$(q 'SELECT count(*) FROM follows WHERE eid NOT IN (SELECT eid FROM nostr_events)')" = 0 ]
	[ "$(q 'SELECT count(*) FROM user_profiles WHERE eid NOT IN (SELECT eid FROM nostr_events)')" = 0 ]
	[ "$(q 'SELECT count(*) FROM deletions WHERE eid NOT IN (SELECT eid FROM nostr_events)')" = 0 ]
	for t in $DERIVED; do
		[ "$(q "SELECT count(*) FROM $t")" -ge "${before[$t]}" ]
		[ "$(q "SELECT count(*) FROM $t WHERE eid IN
		    (SELECT eid FROM nostr_events WHERE created_at >= $CUT + 60)")" = "${before[$t]}" ]
	done
}

@test "prune: profiles, follow lists, heads, users, scores and summaries stay as they were" {
	keep="user_profiles_hex follows_hex replaceable_heads_hex users_hex deletions_hex
	    network_stats trending_topics trending_velocity user_metrics_hex user_influence_hex"
	summaries=$(summaries)
	for t in $keep $summaries; do q "SELECT * FROM $t" | sort >"$T/$t.before"; done
	[ -s "$T/user_profiles_hex.before" ]
	[ -s "$T/follows_hex.before" ]
	[ -s "$T/network_stats.before" ]
	nostr-load -q -d "$DB" --prune 90d
	for t in $keep $summaries; do
		q "SELECT * FROM $t" | sort | diff "$T/$t.before" - ||
		    { echo "$t changed" >&2; false; }
	done
}

@test "prune: the kept windows' statistics agree before and after" {
	windowed before
	stored=$(q "SELECT count(*) FROM nostr_events")
	nostr-load -q -d "$DB" --prune 90d
	windowed after
	# the reports have something in them to compare
	[ "$(jq '.[0].events.window' "$T/before.stats.json")" -gt 10 ]
	[ "$(jq length "$T/before.growth.--now_${W1}_--hours_24")" -gt 10 ]
	[ "$(jq length "$T/before.trending.--now_${W2}_--hours_168")" -gt 0 ]
	for f in "$T"/before.*.--now_*; do
		diff "$f" "${f/before./after.}"
	done
	# the prune did something; the totals, read from the summaries, are kept
	[ "$(q "SELECT count(*) FROM nostr_events")" -lt "$stored" ]
	[ "$(jq '.[0].events.total' "$T/after.stats.json")" -eq \
	  "$(jq '.[0].events.total' "$T/before.stats.json")" ]
}

# summaries: the per-hour, per-day and total tables (names ending in
# _hourly, _daily, _totals), whatever there are of them.
summaries() {
	q "SELECT name FROM sqlite_master WHERE type = 'table' AND
	    (name LIKE '%\_hourly' ESCAPE '\' OR name LIKE '%\_daily' ESCAPE '\'
	     OR name LIKE '%\_totals' ESCAPE '\') ORDER BY name"
}

@test "prune: what was pruned, deleted or replaced stays out when it comes again" {
	# the generated events that their own author's deletions name
	jq -rs '(map({(.id): .pubkey}) | add) as $author | .[] | select(.kind == 5) |
	    .pubkey as $a | .tags[] | select(.[0] == "e" and $author[.[1]] == $a) | .[1]' \
	    "$D/events" | sort -u >"$T/targets"
	jq -r --argjson cut "$CUT" 'select(.created_at < $cut) | .id' "$D/events" |
	    sort -u >"$T/old"
	[ "$(comm -12 "$T/targets" "$T/old" | wc -l)" -gt 5 ]
	q "SELECT * FROM user_profiles_hex ORDER BY 1" >"$T/profiles.before"
	nostr-load -q -d "$DB" --prune 90d
	q "SELECT lower(hex(id)) FROM nostr_events ORDER BY 1" >"$T/pruned"
	for t in $(summaries); do q "SELECT * FROM $t" | sort >"$T/$t.before"; done
	run nostr-load -v -d "$DB" "$D/events"
	[ "$status" -eq 0 ]
	expired=$(awk '$1 " " $2 " " $3 " " $4 " " $5 == "older than the last prune" { print $6 }' <<<"$output")
	[ "$expired" -gt 500 ]
	# the pruned events did not come back, nor did anything else
	q "SELECT lower(hex(id)) FROM nostr_events ORDER BY 1" | diff "$T/pruned" -
	for t in $(summaries); do
		q "SELECT * FROM $t" | sort | diff "$T/$t.before" -
	done
	# with the cutoff lifted (nostr-pipeline(7), RETENTION), they do
	q "DELETE FROM retention"
	nostr-load -q -d "$DB" "$D/events"
	[ "$(q "SELECT count(*) FROM nostr_events WHERE created_at < $CUT")" -gt 500 ]
	# no stored event is the target of its author's deletion
	[ "$(q 'SELECT count(*) FROM nostr_events e JOIN deletions d
	        ON d.target = e.id AND d.aid = e.aid')" = 0 ]
	q "SELECT lower(hex(id)) FROM nostr_events ORDER BY 1" >"$T/stored"
	[ "$(comm -12 "$T/targets" "$T/stored" | wc -l)" = 0 ]
	# nor is an older version of a replaceable event
	q "SELECT * FROM user_profiles_hex ORDER BY 1" | diff "$T/profiles.before" -
}

@test "prune: in batches, the same result as in one" {
	# and events of one second, which a batch may split
	nostr-gen -n 40 -s 16 -a 5 -t $((NOW - 100 * DAY)) --span 0 --kinds 1,7 >"$T/second"
	nostr-load -q -d "$DB" "$T/second"
	cp "$DB" "$T/one.db"
	run nostr-load -v -d "$T/one.db" --prune 90d --batch 100000000
	[ "$status" -eq 0 ]
	[[ $output == *" in 1 transactions;"* ]]
	run nostr-load -v -d "$DB" --prune 90d --batch 7
	[ "$status" -eq 0 ]
	n=$(sed -n 's/.*: \([0-9]*\) events pruned .* in \([0-9]*\) transactions.*/\1 \2/p' <<<"$output")
	read -r events batches <<<"$n"
	[ "$events" -gt 500 ]
	[ "$batches" -eq $(((events + 6) / 7)) ]
	diff <(sqlite3 "$T/one.db" "SELECT lower(hex(id)) FROM nostr_events ORDER BY 1") \
	    <(q "SELECT lower(hex(id)) FROM nostr_events ORDER BY 1")
	[ "$(q "SELECT count(*) FROM nostr_events WHERE created_at = $((NOW - 100 * DAY))")" = 0 ]
	diff <(sqlite3 "$T/one.db" "SELECT count(*) FROM hashtags; SELECT count(*) FROM refs") \
	    <(q "SELECT count(*) FROM hashtags; SELECT count(*) FROM refs")
}

# run_until DONE: runs nostr-pipeline run with $T/cfg until the shell test
# DONE holds (30 s at most), then stops it; fails when run failed.
run_until() {
	local pid rc=0 i
	timeout -s KILL 60 nostr-pipeline --config "$T/cfg" run 2>"$T/run.err" &
	pid=$!
	track $pid
	for i in $(seq 300); do
		eval "$1" && break
		sleep 0.1
	done
	kill -TERM $pid
	wait $pid || rc=$?
	[ "$rc" -eq 0 ] || { cat "$T/run.err" >&2; false; }
	eval "$1"
}

# scored_since TIME: a scoring round of run ended after TIME.
scored_since() {
	[ "$(q "SELECT count(*) FROM network_stats WHERE window_end > $1")" -gt 0 ]
}

@test "pipeline: run with RETENTION_DAYS prunes once, and not again the same day" {
	relay_deps
	start_relay retention
	cat >"$T/cfg" <<CFG
NOSTR_RELAYS=ws://127.0.0.1:$retention_port
NOSTR_DB=$DB
METRICS_AGGREGATION_INTERVAL_SECONDS=1
RETENTION_DAYS=90
CFG
	old() { q "SELECT count(*) FROM nostr_events WHERE created_at < $CUT
	           AND d_tag IS NULL AND kind <> 5"; }
	[ "$(old)" -gt 500 ]
	run_until '[ -s "$DB.last-prune" ] && [ "$(old)" = 0 ]'
	stamp=$(cat "$DB.last-prune")
	# the old events again (the cutoff lifted); a run the same day leaves them
	q "DELETE FROM retention"
	nostr-load -q -d "$DB" "$D/events"
	[ "$(old)" -gt 500 ]
	started=$(date +%s)
	run_until "scored_since $((started + 1))"
	[ "$(old)" -gt 500 ]
	[ "$(cat "$DB.last-prune")" = "$stamp" ]
	# a day later, it prunes again
	echo $((stamp - DAY)) >"$DB.last-prune"
	run_until '[ "$(old)" = 0 ]'
	[ "$(cat "$DB.last-prune")" -ge "$stamp" ]
	stop_relay retention
}
