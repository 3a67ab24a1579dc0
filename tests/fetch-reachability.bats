#!/usr/bin/env bats
# fetch-reachability.bats: nostr-fetch says, on standard error, when a relay
# cannot be reached and when it is back: one line per relay per change of
# state, however many attempts fail in between; -q says nothing; and
# nostr-pipeline run shows those lines.  The relays are loopback ones started
# here, on a port that was free, and stopped in teardown even on failure.

bats_require_minimum_version 1.5.0

load common
load relay/helpers

setup() {
	relay_deps
	T=$BATS_TEST_TMPDIR
	export D=$T NP_PIDS=$T/pids
	cd "$T"
	port=$(free_port)
	url=ws://127.0.0.1:$port
}

teardown() {
	stop_runs
	kill_tracked
}

# wait_grep PATTERN FILE [COUNT]: waits (20 s at most) until COUNT (1) lines
# of FILE match the fixed string PATTERN.
wait_grep() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(grep -cF -- "$1" "$2" 2>/dev/null)" -ge "${3:-1}" ] && return 0
		sleep 0.1
	done
	echo "# timed out waiting for ${3:-1} lines '$1' in $2:" >&3
	sed 's/^/#   /' "$2" >&3
	return 1
}

# wait_records STATE N: waits until the --stats file has N records of STATE.
wait_records() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(jq -s "map(select(.state == \"$1\")) | length" "$T/stats" 2>/dev/null)" -ge "$2" ] &&
			return 0
		sleep 0.1
	done
	echo "# timed out waiting for $2 '$1' records" >&3
	return 1
}

@test "--follow: down at start, up, down, up again: one line for each change" {
	# Recent events: the live subscription asks for those since its start
	# (less the overlap) again after a reconnection.
	gen 5 61 $(( $(date +%s) - 40 )) 10 >"$T/a"
	gen 5 62 $(( $(date +%s) - 20 )) 10 >"$T/b"
	BG_OUT=$T/out BG_ERR=$T/err background --follow --backoff-base 50 --backoff-max 200 \
		--stats "$T/stats" "$url"
	# Several attempts fail while nobody listens: still one line.
	wait_records error 3
	start_relay r "$port"
	wait_grep "connected again" "$T/err"
	publish "$port" "$T/a"
	wait_lines "$T/out" 5
	stop_relay r
	wait_records error 6
	start_relay r "$port"
	wait_grep "connected again" "$T/err" 2
	publish "$port" "$T/b"
	wait_lines "$T/out" 10
	kill -TERM "$BG_PID"
	rc=0
	wait "$BG_PID" || rc=$?
	[ "$rc" -eq 0 ]
	mapfile -t err <"$T/err"
	[ "${#err[@]}" -eq 4 ]
	[[ ${err[0]} == "nostr-fetch: $url: unreachable: "*"; retrying" ]]
	[ "${err[1]}" = "nostr-fetch: $url: connected again" ]
	[[ ${err[2]} == "nostr-fetch: $url: connection lost: "*"; retrying" ]]
	[ "${err[3]}" = "nostr-fetch: $url: connected again" ]
	diff <(cat "$T/a" "$T/b" | jq -r .id | sort) <(ids "$T/out")
	stop_relay r
}

@test "one-shot: an unreachable relay is one line, then one when nostr-fetch gives up" {
	run -1 timeout 30 nostr-fetch --retries 3 --backoff-base 20 --stats "$T/stats" "$url"
	# four attempts failed
	[ "$(jq -s 'map(select(.state == "error")) | length' "$T/stats")" -eq 4 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[0]} == "nostr-fetch: $url: unreachable: "*"; retrying" ]]
	[ "${lines[1]}" = "nostr-fetch: $url: giving up" ]
	run -1 timeout 30 nostr-fetch --retries 0 "$url"
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == "nostr-fetch: $url: unreachable: "*"; giving up" ]]
}

@test "-q: not a word about it" {
	BG_OUT=$T/out BG_ERR=$T/err background -q --follow --backoff-base 50 --backoff-max 200 \
		--stats "$T/stats" "$url"
	wait_records error 3
	start_relay r "$port"
	wait_records connected 1
	kill -TERM "$BG_PID"
	rc=0
	wait "$BG_PID" || rc=$?
	[ "$rc" -eq 0 ]
	[ ! -s "$T/err" ]
	stop_relay r
}

@test "nostr-pipeline run: the relay's unreachable and back lines on its standard error" {
	unset NOSTR_DB DATABASE_URL XDG_DATA_HOME NOSTR_PIPELINE_CONFIG BATCH_SIZE
	export HOME=$T/home
	mkdir -p "$HOME"
	printf 'NOSTR_RELAYS=%s\nNOSTR_DB=%s\n' "$url" "$T/run.db" >"$T/cfg"
	timeout -s KILL 60 nostr-pipeline --config "$T/cfg" run 2>"$T/run.err" 3>&- &
	pid=$!
	track "$pid"
	run_pids="${run_pids:-} $pid"
	wait_grep "nostr-fetch: $url: unreachable: " "$T/run.err"
	start_relay r "$port"
	wait_grep "nostr-fetch: $url: connected again" "$T/run.err"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(grep -c "^nostr-fetch: " "$T/run.err")" -eq 2 ]
	stop_relay r
}

@test "setup errors keep their exit status: an unwritable --stats 1, a bad --filter 2" {
	run -1 nostr-fetch --stats "$T/no/such/dir/stats" "$url"
	[ "$output" = "nostr-fetch: $T/no/such/dir/stats: No such file or directory" ]
	run -2 nostr-fetch --filter '[1]' "$url"
	[[ $output == "nostr-fetch: invalid --filter (not a JSON object): [1]"* ]]
}
