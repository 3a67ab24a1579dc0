#!/usr/bin/env bats
# nostr-fetch against a real relay (@nostr-relay/core) on 127.0.0.1: exact id
# sets, not counts.  Every server is started here and killed in teardown_file.

load common
load relay/helpers

setup_file() {
	export D=$BATS_FILE_TMPDIR NP_PIDS=$BATS_FILE_TMPDIR/pids
	command -v node >/dev/null && [ -d "$ROOT/tests/relay/node_modules/@nostr-relay/core" ] ||
		return 0
	# One relay with a known set shared by the read-only tests.
	gen 300 11 1700000000 3000 -a 5 --kinds 1,7,6 >"$D/base.ndjson"
	start_relay base
	publish "$base_port" "$D/base.ndjson"
	echo "$base_port" >"$D/base.port"
}

teardown_file() {
	kill_tracked
}

setup() {
	relay_deps
	T=$BATS_TEST_TMPDIR
	BASE=ws://127.0.0.1:$(cat "$D/base.port")
}

@test "one-shot: exactly the published ids, then exit 0" {
	fetch "$BASE" >"$T/out" 2>"$T/err"
	diff <(ids "$D/base.ndjson") <(ids "$T/out")
	[ ! -s "$T/err" ]
}

@test "events are the relay's objects plus meta; --no-meta leaves meta out" {
	fetch "$BASE" >"$T/meta"
	fetch --no-meta "$BASE" >"$T/plain"
	[ "$(jq -r .meta.relay "$T/meta" | sort -u)" = "$BASE" ]
	jq -e '.meta.received_at | type == "number" and . > 1600000000' "$T/meta" >/dev/null
	[ "$(grep -c '"meta"' "$T/plain")" -eq 0 ]
	diff <(jq -c 'del(.meta)' "$T/meta" | sort) <(jq -c . "$T/plain" | sort)
	# The published events, field for field.
	diff <(jq -cS . "$D/base.ndjson" | sort) <(jq -cS . "$T/plain" | sort)
	# Every line passes nostr-verify (ids and signatures intact).
	[ "$(nostr-verify -q "$T/plain" | wc -l)" -eq 300 ]
}

@test "filters: kinds, authors (hex and npub), since/until, tag, ids, limit" {
	fetch --kinds 7 "$BASE" >"$T/k"
	diff <(jq -r 'select(.kind == 7) | .id' "$D/base.ndjson" | sort) <(ids "$T/k")
	pk=$(jq -r .pubkey "$D/base.ndjson" | sort | head -1)
	fetch --authors "$pk" "$BASE" >"$T/a"
	diff <(jq -r --arg pk "$pk" 'select(.pubkey == $pk) | .id' "$D/base.ndjson" | sort) \
		<(ids "$T/a")
	fetch --since 1700001000 --until 1700002000 "$BASE" >"$T/t"
	diff <(jq -r 'select(.created_at >= 1700001000 and .created_at <= 1700002000) | .id' \
		"$D/base.ndjson" | sort) <(ids "$T/t")
	fetch --since 2023-11-14T22:30:00Z "$BASE" >"$T/iso"
	diff <(jq -r 'select(.created_at >= 1700001000) | .id' "$D/base.ndjson" | sort) \
		<(ids "$T/iso")
	p=$(jq -r '.tags[] | select(.[0] == "p") | .[1]' "$D/base.ndjson" | head -1)
	fetch --tag "p=$p" "$BASE" >"$T/p"
	diff <(jq -r --arg p "$p" 'select(any(.tags[]; .[0] == "p" and .[1] == $p)) | .id' \
		"$D/base.ndjson" | sort) <(ids "$T/p")
	[ -s "$T/p" ]
	two=$(jq -r .id "$D/base.ndjson" | head -2 | paste -sd,)
	fetch --ids "$two" "$BASE" >"$T/i"
	diff <(echo "$two" | tr , '\n' | sort) <(ids "$T/i")
	fetch --limit 10 "$BASE" >"$T/l"
	# The relay sends the newest 10 (ties in any order).
	[ "$(wc -l <"$T/l")" -eq 10 ]
	tenth=$(jq -r .created_at "$D/base.ndjson" | sort -nr | sed -n 10p)
	[ "$(jq -r --argjson t "$tenth" 'select(.created_at >= $t) | .id' "$T/l" | wc -l)" -eq 10 ]
	# Two filters: their union, once.
	fetch --filter '{"kinds":[7]}' --filter '{"kinds":[6]}' "$BASE" >"$T/f"
	diff <(jq -r 'select(.kind == 7 or .kind == 6) | .id' "$D/base.ndjson" | sort) \
		<(ids "$T/f")
}

@test "--authors takes an npub" {
	pk=$(jq -r .pubkey "$D/base.ndjson" | sort | head -1)
	npub=$(npub "$pk")
	# The NIP-19 example, so that the encoder above is known to be right.
	[ "$(npub 7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e)" = \
		npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg ]
	fetch --authors "$npub" "$BASE" >"$T/a"
	diff <(jq -r --arg pk "$pk" 'select(.pubkey == $pk) | .id' "$D/base.ndjson" | sort) \
		<(ids "$T/a")
}

@test "two relays with overlapping sets give the exact union, each event once" {
	gen 240 12 1700000000 600 >"$T/all"
	head -160 "$T/all" >"$T/a"
	tail -160 "$T/all" >"$T/b"
	start_relay ra
	start_relay rb
	publish "$ra_port" "$T/a"
	publish "$rb_port" "$T/b"
	fetch -v "ws://127.0.0.1:$ra_port" "ws://127.0.0.1:$rb_port" >"$T/out" 2>"$T/err"
	diff <(ids "$T/all") <(ids "$T/out")
	[ "$(wc -l <"$T/out")" -eq 240 ]
	# The 80 in both came twice and were written once.
	total_dup=$(grep -o '[0-9]* already seen' "$T/err" | awk '{ s += $1 } END { print s }')
	[ "$total_dup" -eq 80 ]
	stop_relay ra
	stop_relay rb
}

@test "pagination walks past the relay's 1000-result cap; without it, 1000" {
	# 2400 events in 400 seconds: six per second, so pages end inside a second.
	gen 2400 13 1700000000 400 >"$T/all"
	start_relay pg
	publish "$pg_port" "$T/all"
	fetch "ws://127.0.0.1:$pg_port" >"$T/capped"
	[ "$(wc -l <"$T/capped")" -eq 1000 ]
	fetch --paginate -v "ws://127.0.0.1:$pg_port" >"$T/out" 2>"$T/err"
	diff <(ids "$T/all") <(ids "$T/out")
	# Smaller pages than the cap, and a since: still exact.
	fetch --paginate --limit 300 --since 1700000100 "ws://127.0.0.1:$pg_port" >"$T/small"
	diff <(jq -r 'select(.created_at >= 1700000100) | .id' "$T/all" | sort) <(ids "$T/small")
	stop_relay pg
}

@test "--state: a second run writes nothing, a third only what is new" {
	gen 120 14 1700000000 200 >"$T/all"
	head -80 "$T/all" >"$T/first"
	tail -40 "$T/all" >"$T/second"
	start_relay st
	url=ws://127.0.0.1:$st_port
	publish "$st_port" "$T/first"
	fetch --state "$T/state" --paginate "$url" >"$T/run1"
	diff <(ids "$T/first") <(ids "$T/run1")
	jq -s -e --arg u "$url" 'map(select(.relay == $u)) | length == 1 and .[0].newest > 0' \
		"$T/state" >/dev/null
	fetch --state "$T/state" --paginate "$url" >"$T/run2"
	[ ! -s "$T/run2" ]
	publish "$st_port" "$T/second"
	fetch --state "$T/state" --paginate "$url" >"$T/run3"
	# The new events that are not older than the first run's newest, exactly.
	newest=$(jq -s 'map(.created_at) | max' "$T/first")
	diff <(jq -r --argjson n "$newest" 'select(.created_at >= $n - 60) | .id' "$T/second" |
		sort) <(ids "$T/run3")
	# Another filter is another state entry: it starts from scratch.
	fetch --state "$T/state" --kinds 1 "$url" >"$T/k1"
	diff <(jq -r 'select(.kind == 1) | .id' "$T/all" | sort) <(ids "$T/k1")
	[ "$(jq -s length "$T/state")" -eq 2 ]
	# Written atomically: no temporary file left behind.
	[ -z "$(ls "$T" | grep state.tmp || true)" ]
	stop_relay st
}

@test "--state: an entry keeps the 512 newest ids within the overlap, no more" {
	# 600 events within 30 s, all inside the default overlap (60 s).
	gen 600 15 1700000000 24 >"$T/all"
	[ "$(jq -s 'map(.created_at) | max - min' "$T/all")" -le 30 ]
	start_relay cap
	publish "$cap_port" "$T/all"
	fetch --state "$T/state" --paginate "ws://127.0.0.1:$cap_port" >"$T/out"
	diff <(ids "$T/all") <(ids "$T/out")
	[ "$(jq '.recent | length' "$T/state")" -eq 512 ]
	# Distinct ids of the relay's, none older than the 512th newest.
	[ "$(jq -r '.recent[][1]' "$T/state" | sort -u | comm -23 - <(ids "$T/all") | wc -l)" -eq 0 ]
	[ "$(jq -r '.recent[][1]' "$T/state" | sort -u | wc -l)" -eq 512 ]
	cut=$(jq -r .created_at "$T/all" | sort -rn | sed -n 512p)
	jq -e --argjson c "$cut" 'all(.recent[]; .[0] >= $c)' "$T/state" >/dev/null
	stop_relay cap
}

@test "--stats writes relay-status records; --nip11 adds the relay's document" {
	fetch --stats "$T/stats" --nip11 "$BASE" >"$T/out"
	[ "$(wc -l <"$T/out")" -eq 300 ]
	jq -e . "$T/stats" >/dev/null
	[ "$(jq -r .relay "$T/stats" | sort -u)" = "$BASE" ]
	states=$(jq -r .state "$T/stats" | paste -sd' ')
	[[ $states == *connecting*connected*eose*closed* ]]
	jq -s -e 'map(select(.state == "eose")) | length == 1 and all(.events == 300 and
		.duplicates == 0 and .invalid == 0 and .connect_ms >= 0 and .eose_ms >= 0)' \
		"$T/stats" >/dev/null
	[ "$(jq -r 'select(.nip11) | .nip11.name' "$T/stats" | sort -u)" = np-test-relay ]
}

@test "--follow streams live events at once; SIGTERM flushes and exits 0" {
	start_relay live
	url=ws://127.0.0.1:$live_port
	gen 30 15 1700000000 30 >"$T/old"
	gen 20 16 1700000100 20 >"$T/new"
	publish "$live_port" "$T/old"
	BG_OUT=$T/out BG_ERR=$T/err background --follow "$url"
	pid=$BG_PID
	wait_lines "$T/out" 30
	publish "$live_port" "$T/new"
	# Written and flushed while nostr-fetch keeps running.
	wait_lines "$T/out" 50
	kill -0 $pid
	kill -TERM $pid
	rc=0
	wait $pid || rc=$?
	[ "$rc" -eq 0 ]
	diff <(cat "$T/old" "$T/new" | jq -r .id | sort) <(ids "$T/out")
	stop_relay live
}

@test "kill -9 of the relay during --follow: it comes back, nothing is lost" {
	start_relay k9
	port=$k9_port
	url=ws://127.0.0.1:$port
	gen 200 17 1700000000 100 >"$T/all"
	head -100 "$T/all" >"$T/a"
	tail -100 "$T/all" >"$T/b"
	publish "$port" "$T/a"
	BG_OUT=$T/out BG_ERR=$T/err background --follow -v --backoff-base 100 \
		--backoff-max 500 --stats "$T/stats" "$url"
	pid=$BG_PID
	wait_lines "$T/out" 100
	stop_relay k9 KILL
	sleep 0.5
	start_relay k9 "$port"
	publish "$port" "$T/b"
	wait_lines "$T/out" 200 30
	kill -TERM $pid
	rc=0
	wait $pid || rc=$?
	[ "$rc" -eq 0 ]
	diff <(ids "$T/all") <(ids "$T/out")
	[ "$(wc -l <"$T/out")" -eq 200 ]
	grep -q 'reconnects' "$T/err"
	[ "$(jq -s 'map(select(.state == "connected")) | length' "$T/stats")" -ge 2 ]
	[ "$(jq -s 'map(.reconnects) | max' "$T/stats")" -ge 1 ]
	stop_relay k9
}

@test "an unreachable relay: reported, exit 1; with a good one beside it, exit 0" {
	# A port that was free a moment ago: nobody listens there.
	dead=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
	run timeout 30 nostr-fetch --timeout 2 --retries 1 --backoff-base 50 "ws://127.0.0.1:$dead"
	[ "$status" -eq 1 ]
	[[ $output == *"127.0.0.1:$dead"*"giving up"* ]]
	timeout 30 nostr-fetch --timeout 2 --retries 0 "ws://127.0.0.1:$dead" "$BASE" \
		>"$T/out" 2>"$T/err"
	diff <(ids "$D/base.ndjson") <(ids "$T/out")
	grep -q "127.0.0.1:$dead" "$T/err"
}

@test "usage errors exit 2; -V and --help" {
	run nostr-fetch
	[ "$status" -eq 2 ]
	run nostr-fetch http://example.com
	[ "$status" -eq 2 ]
	run nostr-fetch --kinds x "$BASE"
	[ "$status" -eq 2 ]
	run nostr-fetch --tag nostr "$BASE"
	[ "$status" -eq 2 ]
	run nostr-fetch --filter '[1]' "$BASE"
	[ "$status" -eq 2 ]
	run nostr-fetch --authors nothex "$BASE"
	[ "$status" -eq 2 ]
	run nostr-fetch --bogus "$BASE"
	[ "$status" -eq 2 ]
	run nostr-fetch -V
	[ "$status" -eq 0 ]
	[[ $output == "nostr-fetch "* ]]
	run nostr-fetch --help
	[ "$status" -eq 0 ]
	# Every long option in --help is in the man page, and the reverse.
	diff <(nostr-fetch --help | grep -o -- '--[a-z0-9-]*' | sort -u) \
		<(grep -o -- 'Fl -[a-z0-9-]*' "$ROOT/man/nostr-fetch.1" | sed 's/^Fl -/--/' | sort -u)
}

@test "NOSTR_RELAYS names the relays when no operand does" {
	NOSTR_RELAYS="$BASE, $BASE" fetch >"$T/out"
	diff <(ids "$D/base.ndjson") <(ids "$T/out")
}

@test "--follow --paginate: the whole past past the cap, then live; SIGINT ends it" {
	start_relay pf
	url=ws://127.0.0.1:$pf_port
	gen 1500 18 1700000000 300 >"$T/old"
	gen 10 19 1700000500 10 >"$T/new"
	publish "$pf_port" "$T/old"
	BG_OUT=$T/out BG_ERR=$T/err background --follow --paginate "$url"
	wait_lines "$T/out" 1500
	publish "$pf_port" "$T/new"
	wait_lines "$T/out" 1510
	kill -INT "$BG_PID"
	rc=0
	wait "$BG_PID" || rc=$?
	[ "$rc" -eq 0 ]
	diff <(cat "$T/old" "$T/new" | jq -r .id | sort) <(ids "$T/out")
	[ ! -s "$T/err" ]
	stop_relay pf
}

@test "a closed output pipe ends nostr-fetch quietly" {
	# 20000 events (about 14 MB) from the replay server: far more than the
	# 1 MiB pipe holds, so nostr-fetch must write after head has gone.
	replay-server -n 20000 -r "$T/ready" "$D/base.ndjson" >/dev/null 2>&1 3>&- &
	track $!
	wait_file "$T/ready" 20
	run bash -c 'nostr-fetch "$1" 2>"$2" | head -1 >/dev/null; echo "${PIPESTATUS[0]}"' _ \
		"ws://127.0.0.1:$(cat "$T/ready")" "$T/err"
	[ "$output" = 141 ]
	[ ! -s "$T/err" ]
}
