#!/usr/bin/env bats
# pipeline.bats: the nostr-pipeline wrapper: configuration parsing, the report
# commands, and end to end against a loopback test relay: run, stop, stats,
# update twice.  No public relay is ever contacted: every relay URL here is
# 127.0.0.1.

load common
load relay/helpers
load score_fixture
bats_require_minimum_version 1.5.0

setup_file() {
	export D=$BATS_FILE_TMPDIR NP_PIDS=$BATS_FILE_TMPDIR/pids
}

teardown_file() {
	kill_tracked
}

setup() {
	T=$BATS_TEST_TMPDIR
	cd "$T"
	# Nothing from the caller's environment or home may leak in.
	unset NOSTR_RELAYS NOSTR_DB DATABASE_URL NOSTR_PIPELINE_CONFIG BATCH_SIZE \
	    TRENDING_WINDOW_HOURS MIN_ZAPS_FOR_TRENDING METRICS_AGGREGATION_INTERVAL_SECONDS
	export HOME=$T/home
	mkdir -p "$HOME"
}

@test "pipeline: help, version, bad usage" {
	run nostr-pipeline help
	[ "$status" -eq 0 ]
	[[ $output == *"backfill --since"* ]]
	run nostr-pipeline version
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "nostr-pipeline "* ]]
	run nostr-pipeline
	[ "$status" -eq 2 ]
	run nostr-pipeline frobnicate
	[ "$status" -eq 2 ]
	run nostr-pipeline backfill
	[ "$status" -eq 2 ]
}

@test "pipeline: config is read as data, never run as shell" {
	cat >"$T/cfg" <<'CFG'
# a comment
export NOSTR_DB=$T/should-not-expand.db
TRENDING_WINDOW_HOURS="48"   # trailing comment
MIN_ZAPS_FOR_TRENDING='$(touch pwned)'
UNKNOWN_KEY=`touch pwned2`
not a line at all
CFG
	run nostr-pipeline --config "$T/cfg" init-db
	[ "$status" -eq 0 ]
	[ ! -e pwned ]
	[ ! -e pwned2 ]
	# the value was taken literally: a file named '$T/should-not-expand.db'
	[ -f '$T/should-not-expand.db' ]
	[[ $output == *"cfg:6: not KEY=VALUE"* ]]
}

@test "pipeline: config values in double quotes or bare are not expanded either" {
	# Each value names the database, so the file created shows what was read.
	cat >"$T/dq" <<'CFG'
NOSTR_DB="dq $HOME `touch pwned` $(touch pwned2) ${USER:-x}.db"
CFG
	run nostr-pipeline --config "$T/dq" init-db
	[ "$status" -eq 0 ]
	[ ! -e pwned ]
	[ ! -e pwned2 ]
	[ -f "$T/"'dq $HOME `touch pwned` $(touch pwned2) ${USER:-x}.db' ]
	cat >"$T/bare" <<'CFG'
NOSTR_DB=bare-$(touch${IFS}pwned3)-`touch${IFS}pwned4`-$HOME.db
CFG
	run nostr-pipeline --config "$T/bare" init-db
	[ "$status" -eq 0 ]
	[ ! -e pwned3 ]
	[ ! -e pwned4 ]
	[ -f "$T/"'bare-$(touch${IFS}pwned3)-`touch${IFS}pwned4`-$HOME.db' ]
}

@test "pipeline: search order --config, NOSTR_PIPELINE_CONFIG, ./.env, ~/.config" {
	mkdir -p "$HOME/.config/nostr-pipeline"
	echo "NOSTR_DB=$T/home.db" >"$HOME/.config/nostr-pipeline/config"
	nostr-pipeline init-db
	[ -f "$T/home.db" ]
	echo "NOSTR_DB=$T/dotenv.db" >.env
	nostr-pipeline init-db
	[ -f "$T/dotenv.db" ]
	echo "NOSTR_DB=$T/envvar.db" >"$T/envcfg"
	NOSTR_PIPELINE_CONFIG=$T/envcfg nostr-pipeline init-db
	[ -f "$T/envvar.db" ]
	echo "DATABASE_URL=sqlite:///$T/url.db" >"$T/opt"
	NOSTR_PIPELINE_CONFIG=$T/envcfg nostr-pipeline --config "$T/opt" init-db
	[ -f "$T/url.db" ]
	# the environment wins over the file
	NOSTR_DB=$T/wins.db nostr-pipeline --config "$T/opt" init-db
	[ -f "$T/wins.db" ]
	echo "DATABASE_URL=postgresql://u@h/db" >"$T/pg"
	# (a PostgreSQL URL from the file: the loader goes to that server, none here)
	run -1 nostr-pipeline --config "$T/pg" init-db
	[[ $output == *"nostr-pipeline: postgresql://u@h/db: cannot create the database"* ]]
}

@test "pipeline: report commands pass through to nostr-report" {
	fixture_db "$T/f.db"
	nostr-score -q -d "$T/f.db" --now $N
	run nostr-pipeline -d "$T/f.db" -f json trending --hours 24 --limit 1
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].hashtag' <<<"$output")" = nostr ]
	[ "$(jq length <<<"$output")" = 1 ]
	[ "$(nostr-pipeline -d "$T/f.db" -f json user "$A" | jq -r '.[0].profile.name')" = alice ]
	[ "$(nostr-pipeline -d "$T/f.db" -f json stats | jq '.[0].users.total')" = 4 ]
}

# total DB: events.total from nostr-report.
total() { nostr-report -d "$1" -f json stats | jq '.[0].events.total'; }

@test "pipeline: run against a test relay, stop, stats, update twice" {
	relay_deps
	start_relay e2e
	gen 60 31 $(( $(date +%s) - 3000 )) 2000 -a 6 --kinds 1,7 >"$T/first"
	publish "$e2e_port" "$T/first"
	cat >"$T/cfg" <<CFG
NOSTR_RELAYS=ws://127.0.0.1:$e2e_port
NOSTR_DB=$T/e2e.db
METRICS_AGGREGATION_INTERVAL_SECONDS=1
CFG
	timeout -s KILL 60 nostr-pipeline --config "$T/cfg" run 2>"$T/run.err" &
	pid=$!
	track $pid
	# wait until all the events are in, then a little for a scoring round
	for i in $(seq 100); do
		[ -f "$T/e2e.db" ] && [ "$(total "$T/e2e.db" 2>/dev/null)" = 60 ] && break
		sleep 0.1
	done
	sleep 1.5
	kill -TERM $pid
	rc=0
	wait $pid || rc=$?
	[ "$rc" -eq 0 ] || { cat "$T/run.err" >&3; false; }
	run nostr-pipeline --config "$T/cfg" -f json stats
	[ "$status" -eq 0 ]
	[ "$(jq '.[0].events.total' <<<"$output")" = 60 ]
	[ "$(jq '.[0].relays.total' <<<"$output")" = 1 ]
	[ "$(jq '.[0].scores.computed_at != null' <<<"$output")" = true ]
	# every process of the chain is gone
	run ! pgrep -f "nostr-fetch --follow.*$e2e_port"
	# new events, then update twice: the second finds nothing new
	gen 25 32 $(( $(date +%s) - 600 )) 500 -a 4 --kinds 1 >"$T/second"
	publish "$e2e_port" "$T/second"
	run nostr-pipeline --config "$T/cfg" update
	[ "$status" -eq 0 ]
	[[ $output == *", 25 new, 85 in "* ]]
	run nostr-pipeline --config "$T/cfg" update
	[ "$status" -eq 0 ]
	[[ $output == *", 0 new, 85 in "* ]]
	diff <(cat "$T/first" "$T/second" | jq -r .id | sort) \
	    <(sqlite3 "$T/e2e.db" "SELECT id FROM nostr_events_hex ORDER BY id")
	stop_relay e2e
}

# discover_fixture: scripted loopback relays (one that answers, one silent,
# a third only typed), a closed port, and a database holding a relay list
# that names the first two and the closed port; sets good, silent, typed,
# closed and writes $T/cfg for NOSTR_RELAYS=auto.
discover_fixture() {
	local now
	now=$(date +%s)
	gen 20 41 $((now - 3000)) 2000 >"$T/good.ndjson"
	gen 15 42 $((now - 3000)) 2000 >"$T/typed.ndjson"
	cat >"$T/relays.json" <<-JSON
	{"relays": [{"events": "$T/good.ndjson", "nip11": {"name": "good"}},
	            {"events": "$T/good.ndjson", "silent": true},
	            {"events": "$T/typed.ndjson"}]}
	JSON
	scripted_start "$T/relays.json"
	good=ws://127.0.0.1:$(sed -n 1p "$T/ready")
	silent=ws://127.0.0.1:$(sed -n 2p "$T/ready")
	typed=ws://127.0.0.1:$(sed -n 3p "$T/ready")
	closed=ws://127.0.0.1:$(free_port)
	printf '{"key":1,"kind":10002,"created_at":%d,"content":"","tags":[["r","%s"],["r","%s"],["r","%s"]]}\n' \
		"$((now - 5000))" "$good" "$silent" "$closed" | nostr-gen --sign -s 5 >"$T/lists"
	nostr-load -q -d "$T/d.db" "$T/lists"
	cat >"$T/cfg" <<-CFG
	NOSTR_RELAYS=auto
	NOSTR_DB=$T/d.db
	DISCOVER_ALLOW_PRIVATE=1
	CFG
}

# reqs INDEX: the REQs scripted relay INDEX was sent.
reqs() {
	jq -c --argjson i "$1" 'select(.relay == $i and .type == "REQ")' "$T/relay.log" | wc -l
}

@test "pipeline: discover probes the relays the database names; auto fetches from those that answered" {
	relay_deps
	discover_fixture
	run --separate-stderr nostr-pipeline --config "$T/cfg" update
	[ "$status" -eq 1 ]
	[[ $stderr == *"no relay known to answer: run nostr-pipeline discover first"* ]]
	run --separate-stderr nostr-pipeline --config "$T/cfg" discover --timeout 1
	[ "$status" -eq 0 ]
	[[ $stderr == *"probed 3 relays, 1 answered"* ]]
	run sqlite3 "$T/d.db" "SELECT DISTINCT relay FROM relay_metrics WHERE state = 'eose'"
	[ "$output" = "$good" ]
	: >"$T/relay.log"
	run --separate-stderr nostr-pipeline --config "$T/cfg" update
	[ "$status" -eq 0 ]
	[[ $stderr == *"fetched 20 events, 20 new, 21 in "* ]]
	[ "$(reqs 0)" -ge 1 ]
	[ "$(reqs 1)" -eq 0 ]
	diff <(cat "$T/lists" "$T/good.ndjson" | jq -r .id | sort) \
	    <(sqlite3 "$T/d.db" "SELECT id FROM nostr_events_hex ORDER BY id")
}

@test "pipeline: run with NOSTR_RELAYS=auto follows the discovered relays" {
	relay_deps
	discover_fixture
	nostr-pipeline --config "$T/cfg" discover --timeout 1 2>/dev/null
	timeout -s KILL 60 nostr-pipeline --config "$T/cfg" run 2>"$T/run.err" &
	pid=$!
	track $pid
	for i in $(seq 100); do
		[ "$(total "$T/d.db" 2>/dev/null)" = 21 ] && break
		sleep 0.1
	done
	kill -TERM $pid
	rc=0
	wait $pid || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(total "$T/d.db")" = 21 ]
	grep -q "running: 1 discovered relays -> " "$T/run.err"
}

@test "pipeline: NOSTR_RELAYS=\"auto URL\" adds the typed relay to the discovered ones" {
	relay_deps
	discover_fixture
	nostr-pipeline --config "$T/cfg" discover --timeout 1 2>/dev/null
	run --separate-stderr env NOSTR_RELAYS="auto,$typed" nostr-pipeline --config "$T/cfg" update
	[ "$status" -eq 0 ]
	[[ $stderr == *"fetched 35 events, 35 new, 36 in "* ]]
	diff <(cat "$T/lists" "$T/good.ndjson" "$T/typed.ndjson" | jq -r .id | sort) \
	    <(sqlite3 "$T/d.db" "SELECT id FROM nostr_events_hex ORDER BY id")
}

@test "pipeline: without DISCOVER_ALLOW_PRIVATE, loopback relays from events are neither probed nor fetched" {
	relay_deps
	discover_fixture
	grep -v DISCOVER_ALLOW_PRIVATE "$T/cfg" >"$T/cfg.strict"
	run --separate-stderr nostr-pipeline --config "$T/cfg.strict" discover --timeout 1
	[ "$status" -eq 0 ]
	[[ $stderr == *"probed 0 relays, 0 answered"* ]]
	[ ! -s "$T/relay.log" ]
	# Probed with the option, then fetched without it: refused still.
	nostr-pipeline --config "$T/cfg" discover --timeout 1 2>/dev/null
	: >"$T/relay.log"
	run --separate-stderr nostr-pipeline --config "$T/cfg.strict" update
	[ "$status" -eq 1 ]
	[[ $stderr == *"no relay known to answer"* ]]
	[ "$(reqs 0)" -eq 0 ]
	echo DISCOVER_ALLOW_PRIVATE=maybe >>"$T/cfg.strict"
	run nostr-pipeline --config "$T/cfg.strict" discover
	[ "$status" -eq 1 ]
	[[ $output == *"DISCOVER_ALLOW_PRIVATE: not 1 or 0"* ]]
}

# make install, then the installed wrapper with only the system's directories
# on PATH: it must run the tools installed beside it, not need them on PATH.
@test "pipeline: installed under a PREFIX, the wrapper finds its own tools" {
	command -v make >/dev/null || skip "make is not installed"
	# -o: install the programs as built (under ASan too), never rebuild them
	# here with other flags when a source has changed since.
	local keep=() t
	for t in "$ROOT/$BUILD"/bin/nostr-*; do keep+=(-o "$BUILD/bin/${t##*/}"); done
	make -s -C "$ROOT" BUILD="$BUILD" "${keep[@]}" install PREFIX="$T/np" DESTDIR= >/dev/null
	[ -x "$T/np/bin/nostr-load" ]
	[ -f "$T/np/share/man/man7/nostr-pipeline.7" ]
	run env -i HOME="$HOME" PATH=/usr/bin:/bin "$T/np/bin/nostr-pipeline" version
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "nostr-pipeline 0.1.0" ]
	[ "${#lines[@]}" -eq 8 ]
	[[ $output != *"not found"* ]]
	run env -i HOME="$HOME" PATH=/usr/bin:/bin "$T/np/bin/nostr-pipeline" init-db
	[ "$status" -eq 0 ]
	[ "$(sqlite3 "$HOME/.local/share/nostr-pipeline/nostr.db" 'PRAGMA user_version')" = 3 ]
	run env -i HOME="$HOME" PATH=/usr/bin:/bin "$T/np/bin/nostr-pipeline" -f json stats
	[ "$status" -eq 0 ]
	[ "$(jq '.[0].events.total' <<<"$output")" = 0 ]
}
