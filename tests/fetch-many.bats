#!/usr/bin/env bats
# fetch-many.bats: one nostr-fetch and 300 relays at once.  The relays are
# one node process (tests/relay/scripted.js) listening on 300 ports of
# 127.0.0.1; each holds about 220 of 15000 generated events: every event is
# on up to four relays picked by its number, and the first 20 are on all of
# them.  One run must write the exact union, each id once, also when the
# soft limit of open files is far below 300 (nostr-fetch raises it); a hard
# limit too low is refused before any connection is made.

bats_require_minimum_version 1.5.0

load common
load relay/helpers

RELAYS=300

setup_file() {
	export D=$BATS_FILE_TMPDIR NP_PIDS=$BATS_FILE_TMPDIR/pids
	command -v node >/dev/null || return 0
	[ -d "$ROOT/tests/relay/node_modules/ws" ] || return 0
	# scripted.js sends the lines as they are: no need for gen's filtering.
	nostr-gen -n 15000 -s 31 -t 1714000000 --span 86400 --kinds 1,6,7 >"$D/union.ndjson"
	mkdir "$D/r"
	awk -v R=$RELAYS -v D="$D/r" '{
		k = NR - 1
		if (k < 20) { for (i = 0; i < R; i++) print > (D "/" i ".ndjson"); next }
		n = 0
		for (j = 0; j < 4; j++) {
			r = (k * (2 * j + 1) + 7 * j) % R
			dup = 0
			for (q = 0; q < n; q++) if (got[q] == r) dup = 1
			if (dup) continue
			got[n++] = r
			print > (D "/" r ".ndjson")
		}
	}' "$D/union.ndjson"
	jq -n --arg d "$D/r" --argjson n $RELAYS \
		'{relays: [range($n) | {events: "\($d)/\(.).ndjson", cap: 1000}]}' >"$D/config.json"
	scripted_start "$D/config.json" 30
	sed 's|^|ws://127.0.0.1:|' "$D/ready" >"$D/urls"
}

teardown_file() {
	kill_tracked
}

setup() {
	relay_deps
	mapfile -t urls <"$D/urls"
	T=$BATS_TEST_TMPDIR
	: >"$D/relay.log"
}

# many_fetch ULIMIT_ARGS [OPTION...]: nostr-fetch -v to every relay under
# `ulimit ULIMIT_ARGS`, its events in $T/out, its messages in $T/err.
many_fetch() {
	local limit=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner shell
	timeout -s KILL 120 bash -c 'ulimit '"$limit"' || exit 99; exec nostr-fetch "$@"' \
		nostr-fetch -v "$@" "${urls[@]}" >"$T/out" 2>"$T/err"
}

@test "many: the test relays hold what the test says" {
	[ "${#urls[@]}" -eq $RELAYS ]
	[ "$(find "$D/r" -name "*.ndjson" | wc -l)" -eq $RELAYS ]
	# The shares add up to more than the union: they overlap.
	[ "$(cat "$D"/r/*.ndjson | wc -l)" -gt 50000 ]
	[ "$(cat "$D"/r/*.ndjson | jq -r .id | sort -u | wc -l)" -eq 15000 ]
	[ "$(wc -l <"$D/r/0.ndjson")" -ge 100 ]
}

@test "many: 300 relays in one run give the exact union, each id once" {
	run many_fetch "-Sn 4096"
	[ "$status" -eq 0 ]
	jq -r .id "$T/out" | sort >"$T/got"
	ids "$D/union.ndjson" >"$T/want"
	run diff "$T/want" "$T/got"
	[ "$status" -eq 0 ]
	# Every relay was asked, and each gave all it holds (new or duplicate).
	[ "$(grep -c '"type":"REQ"' "$D/relay.log")" -eq $RELAYS ]
	run ! grep -E 'unreachable|connection lost|giving up' "$T/err"
	[ "$(grep -c ', 0 reconnects,' "$T/err")" -eq $RELAYS ]
	sent=$(cat "$D"/r/*.ndjson | wc -l)
	[ "$(awk '/ events given: / { e += $3 } END { print e }' "$T/err")" -eq "$sent" ]
}

@test "many: a soft limit of open files below the relays' need is raised" {
	hard=$(ulimit -Hn)
	[ "$hard" = unlimited ] || [ "$hard" -ge 400 ] || skip "the hard limit of open files is $hard"
	run many_fetch "-Sn 64"
	[ "$status" -eq 0 ]
	run ! grep -E 'unreachable|connection lost|giving up' "$T/err"
	jq -r .id "$T/out" | sort >"$T/got"
	ids "$D/union.ndjson" >"$T/want"
	run diff "$T/want" "$T/got"
	[ "$status" -eq 0 ]
}

@test "many: a hard limit of open files too low is refused before connecting" {
	run many_fetch "-n 100"
	[ "$status" -eq 1 ]
	[ ! -s "$T/out" ]
	grep -q "nostr-fetch: 300 relays: .* open files needed, and the hard limit is 100" "$T/err"
	run ! grep -q REQ "$D/relay.log"
}

@test "many: a 1 MiB event between small ones arrives, and so does every one after it" {
	# The receive buffer grows to 2 MiB for it and is cut back after it,
	# with the start of the next message in it (checked under ASan).
	head -n 200 "$D/union.ndjson" >"$T/events"
	head -c 1048576 /dev/zero | tr '\0' x >"$T/content"
	t=$(sed -n 100p "$D/union.ndjson" | jq .created_at)
	sed -n 201p "$D/union.ndjson" |
		jq -c --rawfile c "$T/content" --argjson t "$t" \
			'.content = $c | .id = ("f" * 64) | .created_at = $t' >>"$T/events"
	[ "$(wc -c <"$T/events")" -gt 1048576 ]
	printf '{"relays": [{"events": "%s", "cap": 1000}]}\n' "$T/events" >"$T/config.json"
	scripted_start "$T/config.json"
	run --separate-stderr fetch -v --no-meta "ws://127.0.0.1:$(cat "$T/ready")"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 201 ]
	[ "$(printf '%s\n' "$output" | jq -r .id | sort)" = "$(ids "$T/events")" ]
	[[ $stderr == *": 201 events given: 201 new, 0 already seen; 0 invalid"* ]]
}
