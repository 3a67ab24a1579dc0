#!/usr/bin/env bats
# fetch-negentropy.bats: nostr-fetch --negentropy --have against loopback
# relays (tests/relay/scripted.js, one node process) that reconcile with
# nostr-tools' Negentropy (an independent implementation of NIP-77), and
# against relays that refuse it in each way (these send up to 5000 events
# for one REQ, so the ordinary REQ they fall back to gets all 3000): NEG-ERR, CLOSED, a NOTICE that
# they do not know the message, silence, malformed NEG-MSG payloads.  Every
# test checks the exact union of ids, each once.

bats_require_minimum_version 1.5.0

load common
load relay/helpers

setup_file() {
	export D=$BATS_FILE_TMPDIR NP_PIDS=$BATS_FILE_TMPDIR/pids
	command -v node >/dev/null || return 0
	[ -d "$ROOT/tests/relay/node_modules/ws" ] || return 0
	# 3000 events, three a second; 100k events over a day and more.
	nostr-gen -n 3000 -s 51 -t 1700000000 --span 1000 --kinds 1 >"$D/all"
	nostr-gen -n 3000 -s 52 -t 1700000000 --span 1000 --kinds 1 >"$D/other"
	nostr-gen -n 100000 -s 53 -t 1690000000 --span 100000 --kinds 1 >"$D/big"
	cat >"$D/config.json" <<-JSON
	{"relays": [
	 {"events": "$D/all", "negentropy": true},
	 {"events": "$D/all", "negentropy": "err", "cap": 5000},
	 {"events": "$D/all", "negentropy": "closed", "cap": 5000},
	 {"events": "$D/all", "negentropy": "unknown", "cap": 5000},
	 {"events": "$D/all", "cap": 5000},
	 {"events": "$D/all", "negentropy": "garbage", "cap": 5000},
	 {"events": "$D/all", "negentropy": "badhex", "cap": 5000},
	 {"events": "$D/all", "negentropy": "garbage_late", "cap": 5000},
	 {"events": "$D/big", "negentropy": true, "cap": 500},
	 {"events": "$D/all", "negentropy": true, "neg_drop": 1},
	 {"events": "$D/all", "negentropy": true, "short_batches": 2},
	 {"events": "$D/all", "negentropy": true, "withhold": $(jq -c -s '[.[0].id, .[1].id]' "$D/all")}
	]}
	JSON
	scripted_start "$D/config.json" 60
}

teardown_file() {
	kill_tracked
}

setup() {
	relay_deps
	T=$BATS_TEST_TMPDIR
	: >"$D/relay.log"
	neg=$(url 1) err=$(url 2) closed=$(url 3) unknown=$(url 4) old=$(url 5)
	garbage=$(url 6) badhex=$(url 7) late=$(url 8) big=$(url 9)
	drop=$(url 10) short=$(url 11) withhold=$(url 12)
}

# url N: the URL of the config's relay N (its port is line N of the ready file).
url() {
	echo "ws://127.0.0.1:$(sed -n "$1p" "$D/ready")"
}

# have_of FILE: the "created_at id" lines of FILE's events, to $T/have.
have_of() {
	jq -r '"\(.created_at) \(.id)"' "$1" >"$T/have"
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

# neg_line URL ERR: URL's negentropy line of the -v summary, numbers only:
# items rounds sent received needed fetched missing.
neg_line() {
	awk -v u="$1:" '$2 == u && $3 == "negentropy:" {
		gsub(/[;:,]/, ""); print $4, $6, $8, $11, $13, $16, $18 }' "$2"
}

# neg_log N TYPE: how many TYPE records (NEG-OPEN, NEG-MSG, NEG-REPLY...)
# the config's relay N (from 0) logged; neg_bytes N TYPE...: their bytes.
neg_log() {
	jq -c --argjson n "$1" --arg t "$2" 'select(.relay == $n and .type == $t)' \
		"$D/relay.log" | wc -l
}
neg_bytes() {
	local n=$1
	shift
	jq -s --argjson n "$n" --arg t "$*" '[.[] | select(.relay == $n and
		([.type] | inside($t | split(" ")))) | .bytes] | add // 0' "$D/relay.log"
}

# id_reqs N: REQs with ids the config's relay N (from 0) got.
id_reqs() {
	jq -c --argjson n "$1" 'select(.relay == $n and .type == "REQ" and
		(.filters[0].ids != null))' "$D/relay.log" | wc -l
}

# plain_reqs N: REQs without ids relay N got.
plain_reqs() {
	jq -c --argjson n "$1" 'select(.relay == $n and .type == "REQ" and
		(.filters[0].ids == null))' "$D/relay.log" | wc -l
}

@test "negentropy: identical sets: nothing fetched, no REQ at all" {
	have_of "$D/all"
	fetch --negentropy --have "$T/have" -v "$neg" >"$T/out" 2>"$T/err"
	[ ! -s "$T/out" ]
	[ "$(id_reqs 0)" -eq 0 ]
	[ "$(plain_reqs 0)" -eq 0 ]
	read -r items rounds _ _ needed fetched _ < <(neg_line "$neg" "$T/err")
	[ "$items" -eq 3000 ]
	[ "$rounds" -ge 1 ]
	[ "$needed" -eq 0 ]
	[ "$fetched" -eq 0 ]
	run ! grep -q 'fell back' "$T/err"
}

@test "negentropy: disjoint sets: everything the relay holds, each once" {
	have_of "$D/other"
	expect "$D/all"
	fetch --negentropy --have "$T/have" -v "$neg" >"$T/out" 2>"$T/err"
	exact_union "$T/out"
	read -r items _ _ _ needed fetched _ < <(neg_line "$neg" "$T/err")
	# Ours and theirs: nothing in common.
	[ "$items" -eq 6000 ]
	[ "$needed" -eq 3000 ]
	[ "$fetched" -eq 3000 ]
	# In batches of at most 500 ids.
	[ "$(id_reqs 0)" -eq 6 ]
	[ "$(plain_reqs 0)" -eq 0 ]
}

@test "negentropy: 1% missing, scattered: exactly those fetched" {
	awk 'NR % 100 != 37' "$D/all" >"$T/held"
	awk 'NR % 100 == 37' "$D/all" >"$T/missing"
	have_of "$T/held"
	expect "$T/missing"
	fetch --negentropy --have "$T/have" -v --stats "$T/stats" "$neg" >"$T/out" 2>"$T/err"
	exact_union "$T/out"
	read -r _ _ _ _ needed fetched _ < <(neg_line "$neg" "$T/err")
	[ "$needed" -eq 30 ]
	[ "$fetched" -eq 30 ]
	# The status records say it too.
	jq -e 'select(.state == "closed") | .negentropy.ids_needed == 30 and
		.negentropy.ids_fetched == 30 and .negentropy.rounds >= 1 and
		(.negentropy | has("fallback") | not)' "$T/stats"
}

@test "negentropy: 50% missing" {
	awk 'NR % 2 == 0' "$D/all" >"$T/held"
	awk 'NR % 2 == 1' "$D/all" >"$T/missing"
	have_of "$T/held"
	expect "$T/missing"
	fetch --negentropy --have "$T/have" -v "$neg" >"$T/out" 2>"$T/err"
	exact_union "$T/out"
	read -r _ _ _ _ needed fetched _ < <(neg_line "$neg" "$T/err")
	[ "$needed" -eq 1500 ]
	[ "$fetched" -eq 1500 ]
}

@test "negentropy: without --have, the empty set: a full download, counted" {
	expect "$D/all"
	fetch --negentropy -v "$neg" >"$T/out" 2>"$T/err"
	exact_union "$T/out"
	read -r items _ _ _ needed fetched _ < <(neg_line "$neg" "$T/err")
	# None of ours, 3000 of theirs.
	[ "$items" -eq 3000 ]
	[ "$needed" -eq 3000 ]
	[ "$fetched" -eq 3000 ]
}

@test "negentropy: 100k items, 1% missing over the whole range, many rounds" {
	awk 'NR % 100 != 11' "$D/big" >"$T/held"
	awk 'NR % 100 == 11' "$D/big" >"$T/missing"
	have_of "$T/held"
	expect "$T/missing"
	fetch --negentropy --have "$T/have" -v "$big" >"$T/out" 2>"$T/err"
	exact_union "$T/out"
	read -r items rounds _ _ needed fetched _ < <(neg_line "$big" "$T/err")
	[ "$items" -eq 100000 ]
	[ "$rounds" -ge 2 ]
	[ "$needed" -eq 1000 ]
	[ "$fetched" -eq 1000 ]
}

@test "negentropy: two relays, one reconciling, one answering NEG-ERR: union exact, the fallback said" {
	awk 'NR % 10 != 3' "$D/all" >"$T/held"
	have_of "$T/held"
	# The relay that falls back sends all it holds; each event is written once.
	expect "$D/all"
	fetch --negentropy --have "$T/have" -v "$neg" "$err" >"$T/out" 2>"$T/err"
	exact_union "$T/out"
	grep -q "$err: negentropy: NEG-ERR: blocked: negentropy disabled; falling back to an ordinary REQ" "$T/err"
	grep -q "$err: negentropy: .*; fell back: NEG-ERR: blocked: negentropy disabled;" "$T/err"
	[ "$(plain_reqs 1)" -eq 1 ]
	[ "$(plain_reqs 0)" -eq 0 ]
	read -r _ _ _ _ needed _ _ < <(neg_line "$neg" "$T/err")
	[ "$needed" -eq 300 ]
}

@test "negentropy: NEG-ERR, CLOSED, an unknown-message NOTICE, silence: each falls back to REQ" {
	have_of "$D/other"
	expect "$D/all"
	for r in "$err" "$closed" "$unknown"; do
		fetch --negentropy --have "$T/have" -v "$r" >"$T/out" 2>"$T/err"
		exact_union "$T/out"
		grep -q "$r: negentropy: .*falling back to an ordinary REQ" "$T/err"
	done
	grep -q "fell back: NOTICE: ERROR: bad msg: unknown cmd NEG-OPEN" "$T/err"
	fetch --negentropy --have "$T/have" -v --timeout 1 "$old" >"$T/out" 2>"$T/err"
	exact_union "$T/out"
	grep -q "$old: negentropy: no answer to NEG-OPEN within 1000 ms; falling back" "$T/err"
}

@test "negentropy: a relay that falls back is walked with --paginate" {
	expect "$D/all"
	fetch --negentropy --paginate --limit 400 -v "$err" >"$T/out" 2>"$T/err"
	exact_union "$T/out"
	grep -q "falling back to the paginated walk" "$T/err"
	# 3000 events at 400 a page: more than one page.
	[ "$(plain_reqs 1)" -gt 7 ]
}

@test "negentropy: malformed NEG-MSG payloads are reported, and the relay falls back" {
	expect "$D/all"
	for r in "$garbage" "$badhex" "$late"; do
		fetch --negentropy -v "$r" >"$T/out" 2>"$T/err"
		exact_union "$T/out"
		grep -q "$r: malformed NEG-MSG: " "$T/err"
		grep -q "$r: negentropy: malformed NEG-MSG: .*falling back" "$T/err"
	done
}

@test "negentropy: --have with a bad line: its number said, exit 2, nothing fetched" {
	have_of "$D/all"
	sed -i '5s/ / x/' "$T/have"
	run -2 nostr-fetch --negentropy --have "$T/have" "$neg"
	[ "${lines[0]}" = "nostr-fetch: $T/have: line 5: id is not 64 lower-case hex digits" ]
	[ ! -s "$D/relay.log" ]
	printf '12x abc\n' >"$T/bad2"
	run -2 nostr-fetch --negentropy --have "$T/bad2" "$neg"
	[ "${lines[0]}" = "nostr-fetch: $T/bad2: line 1: expected \"created_at id\"" ]
	run -2 nostr-fetch --have "$T/have" "$neg"
	[ "${lines[0]}" = "nostr-fetch: --have needs --negentropy" ]
}

@test "negentropy: nostr-report have feeds --have: a loaded database reconciles to nothing" {
	export NOSTR_DB=$T/db
	nostr-load -q <"$D/all"
	nostr-report have >"$T/have"
	[ "$(wc -l <"$T/have")" -eq 3000 ]
	fetch --negentropy --have "$T/have" "$neg" >"$T/out"
	[ ! -s "$T/out" ]
	[ "$(id_reqs 0)" -eq 0 ]
}

@test "nostr-report have: --since, --until and --kinds select, oldest first; refused with other commands" {
	export NOSTR_DB=$T/db
	nostr-gen -n 40 -s 54 -t 1700000000 --span 40 --kinds 1,7 >"$T/ev"
	nostr-load -q <"$T/ev"
	jq -r --slurp 'map(select(.created_at >= 1700000010 and .created_at <= 1700000030 and
		.kind == 7)) | sort_by(.created_at, .id) | .[] | "\(.created_at) \(.id)"' "$T/ev" >"$T/expected"
	[ -s "$T/expected" ]
	nostr-report have --since 1700000010 --until 1700000030 --kinds 7 >"$T/have"
	cmp "$T/expected" "$T/have"
	run -2 nostr-report --since 1h stats
	[ "$output" = "nostr-report: --since, --until and --kinds are for the export and have commands" ]
}

@test "negentropy --follow: the missing ones, then live from now (less the overlap), not from the newest fetched" {
	awk 'NR % 100 != 37' "$D/all" >"$T/held"
	awk 'NR % 100 == 37' "$D/all" >"$T/missing"
	have_of "$T/held"
	expect "$T/missing"
	BG_OUT=$T/out BG_ERR=$T/err background --follow --negentropy --have "$T/have" "$neg"
	pid=$BG_PID
	# NEG-OPEN, NEG-MSGs, NEG-CLOSE, the REQ of ids, its CLOSE, the live REQ.
	for _ in $(seq 100); do
		[ "$(plain_reqs 0)" -ge 1 ] && break
		sleep 0.1
	done
	[ "$(plain_reqs 0)" -eq 1 ]
	since=$(jq -r 'select(.relay == 0 and .type == "REQ" and .filters[0].ids == null) |
		.filters[0].since' "$D/relay.log")
	[ "$since" -ge $(($(date +%s) - 120)) ]
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ]
	exact_union "$T/out"
}

@test "negentropy: nostr-pipeline update fetches only what the database lacks, then nothing" {
	export HOME=$T/home
	mkdir -p "$HOME"
	unset NOSTR_RELAYS NOSTR_DB DATABASE_URL NOSTR_PIPELINE_CONFIG
	printf 'NOSTR_RELAYS=%s\nNOSTR_DB=%s\n' "$neg" "$T/db" >"$T/cfg"
	awk 'NR % 100 != 37' "$D/all" | nostr-load -q -d "$T/db"
	run --separate-stderr nostr-pipeline --config "$T/cfg" update --since 1699999999
	[ "$status" -eq 0 ]
	[[ $stderr == *"fetched 30 events, 30 new, 3000 in "* ]]
	[ "$(id_reqs 0)" -eq 1 ]
	[ "$(plain_reqs 0)" -eq 0 ]
	: >"$D/relay.log"
	run --separate-stderr nostr-pipeline --config "$T/cfg" update --since 1699999999
	[ "$status" -eq 0 ]
	[[ $stderr == *"fetched 0 events, 0 new, 3000 in "* ]]
	[ "$(id_reqs 0)" -eq 0 ]
	expect "$D/all"
	nostr-report -d "$T/db" have | cut -d' ' -f2 >"$T/stored"
	LC_ALL=C sort "$T/stored" | LC_ALL=C comm -3 "$T/expected" - >"$T/diff"
	[ ! -s "$T/diff" ]
}

@test "negentropy: the counts are the reconciliation's, exactly: items, rounds, bytes, ids" {
	awk 'NR % 100 != 37' "$D/all" >"$T/held"
	have_of "$T/held"
	fetch --negentropy --have "$T/have" -v --stats "$T/stats" "$neg" >"$T/out" 2>"$T/err"
	read -r items rounds sent received needed fetched missing < <(neg_line "$neg" "$T/err")
	# Items: ours (2970) and the 30 the relay has and we lack.
	[ "$items" -eq 3000 ]
	# A round is a NEG-MSG of the relay's answering our NEG-OPEN or NEG-MSG.
	[ "$rounds" -eq $(($(neg_log 0 NEG-OPEN) + $(neg_log 0 NEG-MSG))) ]
	[ "$rounds" -eq "$(neg_log 0 NEG-REPLY)" ]
	[ "$rounds" -ge 2 ]
	echo "# sent $sent received $received; logged $(neg_bytes 0 NEG-OPEN NEG-MSG NEG-CLOSE) $(neg_bytes 0 NEG-REPLY)"
	[ "$sent" -eq "$(neg_bytes 0 NEG-OPEN NEG-MSG NEG-CLOSE)" ]
	[ "$received" -eq "$(neg_bytes 0 NEG-REPLY)" ]
	[ "$needed" -eq 30 ]
	[ "$fetched" -eq 30 ]
	[ "$missing" -eq 0 ]
	jq -e --argjson r "$rounds" --argjson s "$sent" --argjson b "$received" \
		'select(.state == "closed") | .negentropy == {items: 3000, rounds: $r,
		bytes_sent: $s, bytes_received: $b, ids_needed: 30, ids_fetched: 30,
		ids_missing: 0}' "$T/stats"
}

@test "negentropy: two filters with one relay: the items and ids of both, summed" {
	awk 'NR % 100 != 37' "$D/all" >"$T/held"
	awk 'NR % 100 == 37' "$D/all" >"$T/missing"
	have_of "$T/held"
	expect "$T/missing"
	late=$(jq -s 'map(select(.created_at >= 1700000500)) | length' "$T/missing")
	[ "$late" -gt 0 ]
	[ "$late" -lt 30 ]
	fetch --negentropy --have "$T/have" -v --filter '{"kinds":[1]}' \
		--filter '{"kinds":[1],"since":1700000500}' "$neg" >"$T/out" 2>"$T/err"
	exact_union "$T/out"
	read -r items _ _ _ needed fetched missing < <(neg_line "$neg" "$T/err")
	# Each filter reconciles all we hold against what matches it.
	[ "$items" -eq $((2970 + 30 + 2970 + late)) ]
	[ "$needed" -eq $((30 + late)) ]
	[ "$fetched" -eq $((30 + late)) ]
	[ "$missing" -eq 0 ]
}

@test "negentropy: the relay drops the connection mid-reconciliation: reconnected, reconciled again, exactly the missing" {
	awk 'NR % 100 != 37' "$D/all" >"$T/held"
	awk 'NR % 100 == 37' "$D/all" >"$T/missing"
	have_of "$T/held"
	expect "$T/missing"
	fetch --negentropy --have "$T/have" -v --backoff-base 50 --stats "$T/stats" "$drop" \
		>"$T/out" 2>"$T/err"
	exact_union "$T/out"
	[ "$(neg_log 9 DROP)" -eq 1 ]
	# Opened twice: once before the drop, once after it.
	[ "$(neg_log 9 NEG-OPEN)" -eq 2 ]
	run ! grep -q 'fell back' "$T/err"
	read -r items rounds _ _ needed fetched missing < <(neg_line "$drop" "$T/err")
	# The counts are of the reconciliation that ended; the rounds of both.
	[ "$items" -eq 3000 ]
	[ "$rounds" -eq "$(neg_log 9 NEG-REPLY)" ]
	[ "$needed" -eq 30 ]
	[ "$fetched" -eq 30 ]
	[ "$missing" -eq 0 ]
	jq -e 'select(.state == "closed") | .reconnects == 1' "$T/stats"
}

@test "negentropy: batches answered short: the rest asked again, all fetched" {
	awk 'NR % 2 == 0' "$D/all" >"$T/held"
	awk 'NR % 2 == 1' "$D/all" >"$T/missing"
	have_of "$T/held"
	expect "$T/missing"
	fetch --negentropy --have "$T/have" -v "$short" >"$T/out" 2>"$T/err"
	exact_union "$T/out"
	read -r _ _ _ _ needed fetched missing < <(neg_line "$short" "$T/err")
	[ "$needed" -eq 1500 ]
	[ "$fetched" -eq 1500 ]
	[ "$missing" -eq 0 ]
	# 1500 ids: 3 batches of 500 would do; the first two brought 250 each.
	[ "$(id_reqs 10)" -eq 4 ]
}

@test "negentropy: ids the relay reconciles but never sends: asked 3 times, counted missing" {
	awk 'NR % 100 != 37 && NR > 2' "$D/all" >"$T/held"
	awk 'NR % 100 == 37' "$D/all" >"$T/missing"
	have_of "$T/held"
	expect "$T/missing"
	fetch --negentropy --have "$T/have" -v --stats "$T/stats" "$withhold" >"$T/out" 2>"$T/err"
	exact_union "$T/out"
	read -r _ _ _ _ needed fetched missing < <(neg_line "$withhold" "$T/err")
	[ "$needed" -eq 32 ]
	[ "$fetched" -eq 30 ]
	[ "$missing" -eq 2 ]
	# The first batch asks all 32, the next two the 2 that did not come.
	[ "$(id_reqs 11)" -eq 3 ]
	w=$(head -1 "$D/all" | jq -r .id)
	[ "$(jq -c --arg w "$w" 'select(.relay == 11 and .type == "REQ" and
		(.filters[0].ids | index($w)))' "$D/relay.log" | wc -l)" -eq 3 ]
	jq -e 'select(.state == "closed") | .negentropy.ids_missing == 2' "$T/stats"
}
