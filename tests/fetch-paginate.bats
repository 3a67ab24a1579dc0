#!/usr/bin/env bats
# fetch-paginate.bats: nostr-fetch --paginate is complete on every relay.
# Loopback relays (tests/relay/scripted.js, all in one node process) that hold
# overlapping sets, answer newest or oldest first, cap a REQ at 100, 500 or
# 1000 events, ignore the filter's limit, or hold more events in one second
# than they send at once.  Every test checks the exact union of ids, each
# once, and what each relay gave.

bats_require_minimum_version 1.5.0

load common
load relay/helpers

S=1700100500   # the second holding more events than burst's cap

setup_file() {
	export D=$BATS_FILE_TMPDIR NP_PIDS=$BATS_FILE_TMPDIR/pids
	command -v node >/dev/null || return 0
	[ -d "$ROOT/tests/relay/node_modules/ws" ] || return 0
	# 3000 events, three a second, from 1700000000 to 1700000999.
	nostr-gen -n 3000 -s 31 -t 1700000000 --span 1000 --kinds 1 >"$D/all"
	# The newest half, held by all three relays of the overlap test; the older
	# half split between the slow two, a third of it on both.
	jq -c 'select(.created_at >= 1700000500)' "$D/all" >"$D/newest"
	jq -c 'select(.created_at < 1700000500)' "$D/all" >"$D/older"
	{ cat "$D/newest"; awk 'NR % 3 != 0' "$D/older"; } >"$D/b"
	{ cat "$D/newest"; awk 'NR % 3 != 1' "$D/older"; } >"$D/c"
	# Two overlapping thirds and more.
	head -n 2000 "$D/all" >"$D/first2000"
	tail -n 2000 "$D/all" >"$D/last2000"
	# Two events a second, and 250 more in second S.
	nostr-gen -n 2000 -s 32 -t 1700100000 --span 1000 --kinds 1 >"$D/burst"
	nostr-gen -n 250 -s 33 -t "$S" --span 1 --kinds 1 >>"$D/burst"
	cat >"$D/config.json" <<-JSON
	{"relays": [
	 {"events": "$D/newest"},
	 {"events": "$D/b", "delay": 300},
	 {"events": "$D/c", "delay": 300},
	 {"events": "$D/all", "order": "oldest", "cap": 100},
	 {"events": "$D/all", "order": "oldest", "cap": 1000},
	 {"events": "$D/first2000", "cap": 100},
	 {"events": "$D/last2000", "cap": 1000},
	 {"events": "$D/burst", "cap": 100},
	 {"events": "$D/burst", "cap": 1000, "order": "oldest"},
	 {"events": "$D/all", "cap": 200, "ignore_limit": true},
	 {"events": "$D/all", "cap": 500}
	]}
	JSON
	scripted_start "$D/config.json"
}

teardown_file() {
	kill_tracked
}

setup() {
	relay_deps
	T=$BATS_TEST_TMPDIR
	: >"$D/relay.log"
	# The relays of the config, in its order.
	fast=$(url 1) slow_b=$(url 2) slow_c=$(url 3)
	old100=$(url 4) old1000=$(url 5) new100=$(url 6) new1000=$(url 7)
	burst=$(url 8) burst_whole=$(url 9) nolimit=$(url 10) limit=$(url 11)
}

# url N: the URL of the config's relay N (its port is line N of the ready file).
url() {
	echo "ws://127.0.0.1:$(sed -n "$1p" "$D/ready")"
}

# expect FILE...: the sorted ids of the events of FILEs, in $T/expected.
expect() {
	cat "$@" | jq -r .id | LC_ALL=C sort -u >"$T/expected"
}

# exact_union OUT: OUT's events are $T/expected's ids, each once.
exact_union() {
	jq -r .id "$1" >"$1.ids"
	LC_ALL=C sort "$1.ids" >"$1.sorted"
	LC_ALL=C uniq -d "$1.sorted" >"$1.twice"
	[ ! -s "$1.twice" ] || { echo "# written twice:"; head -3 "$1.twice"; false; }
	LC_ALL=C comm -3 "$T/expected" "$1.sorted" >"$1.diff"
	[ ! -s "$1.diff" ] || { echo "# $(wc -l <"$1.diff") ids differ:"; head -3 "$1.diff"; false; }
}

# gave URL ERR: the numbers of URL's -v summary line: given new seen incomplete.
gave() {
	awk -v u="$1:" '$2 == u && $4 == "events" {
		gsub(/[;:,]/, ""); print $3, $6, $8, $17 }' "$2"
}

@test "paginate: three overlapping relays, the fastest first with the overlap: each walked to its end" {
	expect "$D/all"
	fetch --paginate -v "$fast" "$slow_b" "$slow_c" >"$T/out" 2>"$T/err"
	exact_union "$T/out"
	# The overlap came first from the fast relay (the slow ones wait before
	# each answer); the slow ones still gave everything they hold.
	gave "$fast" "$T/err" >"$T/fast"
	gave "$slow_b" "$T/err" >"$T/b"
	gave "$slow_c" "$T/err" >"$T/c"
	read -r given_a new_a _ inc_a <"$T/fast"
	read -r given_b new_b _ inc_b <"$T/b"
	read -r given_c new_c _ inc_c <"$T/c"
	[ "$given_a" -eq 1500 ]
	[ "$given_b" -eq 2500 ]
	[ "$given_c" -eq 2500 ]
	[ $((new_a + new_b + new_c)) -eq 3000 ]
	[ $((inc_a + inc_b + inc_c)) -eq 0 ]
}

@test "paginate: relays that send oldest first, capped at 100 and at 1000" {
	expect "$D/all"
	fetch --paginate -v --stats "$T/stats" "$old100" "$old1000" >"$T/out" 2>"$T/err"
	exact_union "$T/out"
	[ "$(gave "$old100" "$T/err" | cut -d' ' -f1,4)" = "3000 0" ]
	[ "$(gave "$old1000" "$T/err" | cut -d' ' -f1,4)" = "3000 0" ]
	run ! grep -q '"state":"incomplete"' "$T/stats"
}

@test "paginate: newest first, caps 100 and 1000, sets that overlap in part" {
	expect "$D/all"
	fetch --paginate -v "$new100" "$new1000" >"$T/out" 2>"$T/err"
	exact_union "$T/out"
	[ "$(gave "$new100" "$T/err" | cut -d' ' -f1,4)" = "2000 0" ]
	[ "$(gave "$new1000" "$T/err" | cut -d' ' -f1,4)" = "2000 0" ]
	# With --limit smaller than the caps: the same union.
	fetch --paginate --limit 300 "$new100" "$new1000" >"$T/small"
	exact_union "$T/small"
}

@test "paginate: a second holding more than the cap is reported incomplete, the rest still fetched" {
	# What a relay capped at 100 can give: every event outside second S, and
	# the first 100 of S in its order (ids ascending, NIP-01's tie order).
	jq -r --argjson s "$S" 'select(.created_at != $s) | .id' "$D/burst" >"$T/rest"
	jq -r --argjson s "$S" 'select(.created_at == $s) | .id' "$D/burst" | LC_ALL=C sort |
		head -n 100 >"$T/first100"
	[ "$(wc -l <"$T/first100")" -eq 100 ]
	LC_ALL=C sort -u "$T/rest" "$T/first100" >"$T/expected"
	fetch --paginate -v --stats "$T/stats" "$burst" >"$T/out" 2>"$T/err"
	exact_union "$T/out"
	grep -qF "$burst: second $S incomplete:" "$T/err"
	[ "$(gave "$burst" "$T/err")" = "2098 2098 0 1" ]
	jq -e -s --arg u "$burst" --argjson s "$S" '
		map(select(.state == "incomplete")) | length == 1 and .[0].relay == $u and
		.[0].second == $s and (.[0].filter | length) == 16 and .[0].incomplete_seconds == 1' \
		"$T/stats" >/dev/null
	jq -e -s 'map(select(.state == "closed")) | .[-1].incomplete_seconds == 1' "$T/stats" >/dev/null
	# The walk went on below S: the relay was asked for until = S - 1.
	grep -q "\"until\":$((S - 1))[,}]" "$D/relay.log"
	# Without -v, no word of it on standard error.
	fetch --paginate "$burst" >"$T/quiet" 2>"$T/quiet.err"
	run ! grep -q incomplete "$T/quiet.err"
}

@test "paginate: beside a relay that holds the whole second, the union is complete" {
	expect "$D/burst"
	fetch --paginate -v "$burst" "$burst_whole" >"$T/out" 2>"$T/err"
	exact_union "$T/out"
	[ "$(gave "$burst" "$T/err" | cut -d' ' -f1,4)" = "2098 1" ]
	[ "$(gave "$burst_whole" "$T/err" | cut -d' ' -f1,4)" = "2250 0" ]
}

@test "paginate: a relay that ignores limit, beside one that honours it" {
	expect "$D/all"
	fetch --paginate -v --limit 50 "$nolimit" "$limit" >"$T/out" 2>"$T/err"
	exact_union "$T/out"
	[ "$(gave "$nolimit" "$T/err" | cut -d' ' -f1,4)" = "3000 0" ]
	[ "$(gave "$limit" "$T/err" | cut -d' ' -f1,4)" = "3000 0" ]
	# Every page asked for 50.
	jq -e -s 'map(select(.type == "REQ")) | length > 2 and all(.filters[0].limit == 50)' \
		"$D/relay.log" >/dev/null
}
