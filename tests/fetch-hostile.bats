#!/usr/bin/env bats
# nostr-fetch against a hostile relay (tests/relay/hostile.js): broken frames,
# bad UTF-8, garbage JSON, oversized messages, cut connections, silence.  It
# must survive each, report it, keep what was good, and exit in bounded time.

load common
load relay/helpers
bats_require_minimum_version 1.5.0

setup_file() {
	export D=$BATS_FILE_TMPDIR NP_PIDS=$BATS_FILE_TMPDIR/pids
	# Events need no valid signature here: nostr-fetch does not check them.
	nostr-gen -n 20 -s 21 -t 1700000000 --span 100 >"$D/events"
	# One event of 1.5 MiB, sent fragmented.
	head -1 "$D/events" | jq -c '.content = ("x" * 1572864) |
		.id = "'"$(printf 'ab%.0s' $(seq 32))"'"' >"$D/big"
	cat "$D/events" "$D/big" >"$D/with-big"
}

teardown_file() {
	kill_tracked
}

setup() {
	relay_deps
	T=$BATS_TEST_TMPDIR
}

# hfetch ARGS: nostr-fetch with short timeouts, no retries, a deadline.
hfetch() {
	timeout -s KILL 30 nostr-fetch --timeout 2 --retries 0 --backoff-base 50 "$@"
}

@test "garbage between good events: every good one kept, each bad one counted" {
	start_hostile g garbage "$D/events"
	run hfetch -v "ws://127.0.0.1:$g_port"
	[ "$status" -eq 0 ]
	hfetch -q "ws://127.0.0.1:$g_port" >"$T/out"
	diff <(ids "$D/events") <(ids "$T/out")
	[[ $output == *"message is not valid UTF-8"* ]]
	[[ $output == *"malformed message (not a JSON array): this is not JSON"* ]]
	[[ $output == *"malformed message (not a JSON array): {\"an\""* ]]
	[[ $output == *"invalid event"* ]]
	[[ $output == *"malformed message (EVENT with malformed JSON)"* ]]
	[[ $output == *"event for a subscription never made"* ]]
	[[ $output == *"binary message ignored"* ]]
	[[ $output == *"NOTICE: slow down? please"* ]]
	[[ $output == *"asks for authentication (NIP-42)"* ]]
	[[ $output == *"20 events given: 20 new, 0 already seen; 7 invalid, 0 reconnects, 1 notices"* ]]
}

@test "fragmented messages with a ping between fragments; the pong comes back" {
	start_hostile f fragments "$D/with-big"
	hfetch -v "ws://127.0.0.1:$f_port" >"$T/out" 2>"$T/err"
	# EOSE is only sent after the right pong: without it this would time out.
	diff <(ids "$D/with-big") <(ids "$T/out")
	grep -q '21 events given: 21 new, 0 already seen; 0 invalid, 0 reconnects' "$T/err"
	run ! grep -q silent "$T/err"
	# The big one arrived whole.
	[ "$(jq -r 'select(.id | startswith("abab")) | .content | length' "$T/out")" -eq 1572864 ]
}

@test "a message over --max-message is refused from its header" {
	start_hostile f2 fragments "$D/with-big"
	run hfetch -v --max-message 1048576 "ws://127.0.0.1:$f2_port"
	[ "$status" -eq 0 ]
	[[ $output == *"protocol error: message over the size limit"* ]]
	start_hostile o oversized "$D/events"
	hfetch -v "ws://127.0.0.1:$o_port" >"$T/out" 2>"$T/err"
	diff <(ids "$D/events") <(ids "$T/out")
	grep -q 'message over the size limit' "$T/err"
	grep -q 'giving up' "$T/err"
}

@test "frames that break RFC 6455: masked by the server, reserved bits" {
	start_hostile m masked "$D/events"
	hfetch "ws://127.0.0.1:$m_port" >"$T/out" 2>"$T/err"
	diff <(ids "$D/events") <(ids "$T/out")
	grep -q 'protocol error: masked frame from server' "$T/err"
	start_hostile r reserved "$D/events"
	hfetch "ws://127.0.0.1:$r_port" >"$T/out2" 2>"$T/err2"
	diff <(ids "$D/events") <(ids "$T/out2")
	grep -q 'protocol error: reserved bits set' "$T/err2"
}

@test "a connection cut mid-frame is resumed; nothing lost, nothing twice" {
	start_hostile c disconnect "$D/events"
	timeout -s KILL 30 nostr-fetch -v --retries 3 --backoff-base 50 \
		"ws://127.0.0.1:$c_port" >"$T/out" 2>"$T/err"
	diff <(ids "$D/events") <(ids "$T/out")
	[ "$(wc -l <"$T/out")" -eq 20 ]
	grep -q 'connection closed by the relay without a close frame' "$T/err"
	grep -q '30 events given: 20 new, 10 already seen; 0 invalid, 1 reconnects' "$T/err"
}

@test "a relay that never answers the handshake: exit 1 within the timeout" {
	start_hostile s silent
	start=$SECONDS
	run hfetch --timeout 1 "ws://127.0.0.1:$s_port"
	[ "$status" -eq 1 ]
	[[ $output == *"no WebSocket handshake within 1000 ms"* ]]
	[[ $output == *"giving up"* ]]
	[ $((SECONDS - start)) -lt 10 ]
}

@test "a relay that goes mute after the REQ: given up, or pinged and redialled" {
	start_hostile mu mute
	run hfetch --timeout 1 "ws://127.0.0.1:$mu_port"
	[ "$status" -eq 0 ]
	[[ $output == *"silent for 1000 ms before EOSE"* ]]
	# With --follow it keeps trying; SIGTERM still ends it cleanly.
	BG_OUT=$T/out BG_ERR=$T/err background --follow --timeout 1 --backoff-base 50 \
		--backoff-max 100 --stats "$T/stats" "ws://127.0.0.1:$mu_port"
	for ((i = 0; i < 100; i++)); do
		[ "$(grep -c '"state":"connected"' "$T/stats" 2>/dev/null)" -ge 2 ] && break
		sleep 0.1
	done
	kill -TERM "$BG_PID"
	rc=0
	wait "$BG_PID" || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(grep -c '"state":"connected"' "$T/stats")" -ge 2 ]
}

@test "a wrong Sec-WebSocket-Accept or an HTTP error fails the handshake" {
	start_hostile b badaccept "$D/events"
	run hfetch "ws://127.0.0.1:$b_port"
	[ "$status" -eq 1 ]
	[[ $output == *"handshake: wrong Sec-WebSocket-Accept"* ]]
	start_hostile h http404
	run hfetch "ws://127.0.0.1:$h_port"
	[ "$status" -eq 1 ]
	[[ $output == *"handshake: HTTP status 404 instead of 101"* ]]
}

@test "CLOSED with auth-required, and a close frame from the relay, are reported" {
	start_hostile a closed
	run hfetch "ws://127.0.0.1:$a_port"
	[ "$status" -eq 0 ]
	[[ $output == *"subscription closed by the relay: auth-required: we only serve members"* ]]
	[[ $output == *"requires authentication (NIP-42)"* ]]
	start_hostile w goaway "$D/events"
	hfetch "ws://127.0.0.1:$w_port" >"$T/out" 2>"$T/err"
	diff <(ids "$D/events") <(ids "$T/out")
	grep -q 'relay closed the connection (code 1001: maintenance)' "$T/err"
}

@test "NIP-11: a document that is not UTF-8 JSON is refused, saying why; a pretty one comes on one line" {
	start_hostile n1 garbage "$D/events" --nip11 latin1
	start_hostile n2 garbage "$D/events" --nip11 pretty
	start_hostile n3 garbage "$D/events" --nip11 html
	hfetch --nip11 --stats "$T/stats" "ws://127.0.0.1:$n1_port" \
		"ws://127.0.0.1:$n2_port" "ws://127.0.0.1:$n3_port" >"$T/out" 2>"$T/err"
	grep -q "127.0.0.1:$n1_port: no NIP-11 document (invalid UTF-8)" "$T/err"
	grep -q "127.0.0.1:$n3_port: no NIP-11 document (not a JSON object)" "$T/err"
	# The pretty document, byte for byte without its white space; no other.
	[ "$(grep -o '"nip11":.*}' "$T/stats" | sort -u)" = \
	    '"nip11":{"name":"hostile relay","supported_nips":[1,11],"limitation":{"max_limit":500}}}' ]
	[ "$(jq -r 'select(.nip11) | .relay' "$T/stats" | sort -u)" = "ws://127.0.0.1:$n2_port" ]
	# Every status line is UTF-8 JSON, so nostr-load stores every one.
	iconv -f UTF-8 -t UTF-8 "$T/stats" >/dev/null
	nostr-load -v -d "$T/db" "$T/stats" 2>"$T/load"
	grep -q ', 0 rejected,' "$T/load"
	[ "$(sqlite3 "$T/db" "SELECT DISTINCT json_extract(nip11, '\$.name') FROM relay_metrics WHERE nip11 IS NOT NULL")" = "hostile relay" ]
}

@test "a hostile relay beside a good one does not disturb it" {
	start_hostile g2 garbage "$D/events"
	start_hostile s2 silent
	start_relay good
	gen 50 22 1700000000 100 >"$T/good"
	publish "$good_port" "$T/good"
	hfetch -q "ws://127.0.0.1:$g2_port" "ws://127.0.0.1:$s2_port" \
		"ws://127.0.0.1:$good_port" >"$T/out"
	diff <(cat "$D/events" "$T/good" | jq -r .id | sort -u) <(ids "$T/out")
	stop_relay good
}
