#!/usr/bin/env bats
# relays-probe.bats: nostr-relays --probe and nostr-fetch --discovered
# against loopback relays (tests/relay/scripted.js): one that answers and
# serves NIP-11, one that takes REQs and never answers, and a port where
# nothing listens.  They are on 127.0.0.1, so the probe needs
# --allow-private; without it, nothing is connected to.

bats_require_minimum_version 1.5.0

load common
load relay/helpers

setup_file() {
	export D=$BATS_FILE_TMPDIR NP_PIDS=$BATS_FILE_TMPDIR/pids
	command -v node >/dev/null || return 0
	[ -d "$ROOT/tests/relay/node_modules/nostr-tools" ] || return 0
	gen 20 31 1714000000 3600 >"$D/events.ndjson"
	cat >"$D/config.json" <<-JSON
	{"relays": [{"events": "$D/events.ndjson",
	             "nip11": {"name": "good", "supported_nips": [1, 11, 42],
	                       "limitation": {"max_limit": 500}}},
	            {"events": "$D/events.ndjson", "silent": true}]}
	JSON
	scripted_start "$D/config.json"
	free_port >"$D/closed-port"
}

teardown_file() {
	kill_tracked
}

setup() {
	relay_deps
	[ -d "$ROOT/tests/relay/node_modules/nostr-tools" ] || skip "nostr-tools missing: run make deps"
	good=ws://127.0.0.1:$(sed -n 1p "$D/ready")
	silent=ws://127.0.0.1:$(sed -n 2p "$D/ready")
	closed=ws://127.0.0.1:$(cat "$D/closed-port")
	T=$BATS_TEST_TMPDIR
	# A relay list naming the three.
	printf '{"key":1,"kind":10002,"created_at":1714000000,"content":"","tags":[["r","%s"],["r","%s"],["r","%s"]]}\n' \
		"$good" "$silent" "$closed" | nostr-gen --sign -s 5 >"$T/lists"
}

# last STATE RELAY FILE: the last record of RELAY in STATE, compact.
last() {
	jq -c --arg s "$1" --arg r "$2" 'select(.relay == $r and .state == $s)' "$3" | tail -1
}

# loopback_name: a name of /etc/hosts for loopback not spelled localhost,
# which only resolving tells apart.
loopback_name() {
	awk '$1 ~ /^127\./ { for (i = 2; i <= NF; i++) if ($i !~ /localhost/ && $i !~ /^#/) { print $i; exit } }' /etc/hosts
}

@test "probe: reachable, latency, NIP-11 and whether a REQ is answered, per relay" {
	run --separate-stderr nostr-relays --probe --allow-private --timeout 2 "$T/lists"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$T/records"
	# Every line is a relay-status record.
	[ "$(jq -r .type "$T/records" | sort -u)" = relay_status ]
	# The good relay: connected, its NIP-11 document, an EOSE for limit 1.
	[[ $(last connected "$good" "$T/records") == *'"connect_ms":'* ]]
	[ "$(last nip11 "$good" "$T/records" | jq -c .nip11.supported_nips)" = "[1,11,42]" ]
	[ "$(last nip11 "$good" "$T/records" | jq -c .nip11.limitation.max_limit)" = 500 ]
	[ "$(last eose "$good" "$T/records" | jq .events)" -eq 1 ]
	[ "$(last closed "$good" "$T/records" | jq -r .state)" = closed ]
	# The silent one: connected, but no answer and given up.
	[[ $(last connected "$silent" "$T/records") == *'"connect_ms":'* ]]
	[ "$(last eose "$silent" "$T/records")" = "" ]
	[ "$(last failed "$silent" "$T/records" | jq -r .error)" = "silent for 2000 ms before EOSE" ]
	[ "$(last nip11 "$silent" "$T/records")" = "" ]
	# Nothing listens on the third: never connected, failed at once, no retries.
	[ "$(last connected "$closed" "$T/records")" = "" ]
	[[ $(last failed "$closed" "$T/records" | jq -r .error) == *"onnect"* ]]
	[ "$(jq -c --arg r "$closed" 'select(.relay == $r and .state == "connecting")' "$T/records" | wc -l)" -eq 1 ]
	# The REQ asked for one event.
	grep -q '"type":"REQ".*"filters":\[{"limit":1}\]' "$D/relay.log"
}

@test "probe: relays from events on internal hosts are not connected to" {
	: >"$D/relay.log"
	run --separate-stderr nostr-relays --probe --timeout 2 -v "$T/lists"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[[ $stderr == *"refused: loopback        3"* ]]
	run grep -c . "$D/relay.log"
	[ "$output" -eq 0 ]
}

@test "probe: with --no-resolve, a name that resolves to loopback is still refused, at connect" {
	name=$(loopback_name)
	[ -n "$name" ] || skip "no loopback name but localhost in /etc/hosts"
	printf '{"key":1,"kind":10002,"created_at":1714000000,"content":"","tags":[["r","ws://%s:%s"]]}\n' \
		"$name" "$(sed -n 1p "$D/ready")" | nostr-gen --sign -s 5 >"$T/named"
	: >"$D/relay.log"
	run --separate-stderr nostr-relays --probe --no-resolve --timeout 2 "$T/named"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$T/records"
	[ "$(jq -r 'select(.state == "failed") | .error' "$T/records")" = "refused: 127.0.0.1 is loopback" ]
	[ "$(jq -c 'select(.state == "connected")' "$T/records")" = "" ]
	run grep -c . "$D/relay.log"
	[ "$output" -eq 0 ]
}

@test "probe: -j bounds the relays probed at once" {
	run --separate-stderr nostr-relays --probe --allow-private --timeout 1 -j 1 "$T/lists"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$T/records"
	# One at a time: each relay's records are together, none interleaved.
	[ "$(jq -r .relay "$T/records" | uniq | wc -l)" -eq 3 ]
	run --separate-stderr nostr-relays --probe --allow-private --timeout 1 -j 3 "$T/lists"
	printf '%s\n' "$output" >"$T/records"
	[ "$(jq -r .relay "$T/records" | uniq | wc -l)" -gt 3 ]
	run nostr-relays --probe -j 0 "$T/lists"
	[ "$status" -eq 2 ]
}

@test "probe: nostr-load stores the records, and --live picks the relays that answered" {
	db=$T/p.db
	nostr-load -q -d "$db" "$T/lists"
	run --separate-stderr nostr-relays --probe --allow-private --timeout 1 -d "$db"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$T/records"
	run nostr-load -q -d "$db" "$T/records"
	[ "$status" -eq 0 ]
	run sqlite3 "$db" "SELECT count(*) FROM relay_metrics WHERE relay = '$good' AND state = 'eose'"
	[ "$output" -eq 1 ]
	run nostr-relays --allow-private -d "$db"
	[ "${#lines[@]}" -eq 3 ]
	run --separate-stderr nostr-relays --allow-private -d "$db" --live -v
	[ "$status" -eq 0 ]
	[ "$output" = "$good" ]
	[[ $stderr == *"no answer last time      2"* ]]
	run nostr-relays --live "$T/lists"
	[ "$status" -eq 2 ]
}

@test "fetch --discovered: loopback hosts refused, --allow-private takes them, typed relays always" {
	printf '%s\n' "$good" >"$T/found"
	run --separate-stderr fetch --discovered "$T/found"
	[ "$status" -eq 1 ]
	[[ $stderr == *"refused (loopback host): $good"* ]]
	[ "$output" = "" ]
	run --separate-stderr fetch --discovered "$T/found" --allow-private
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 20 ]
	# Typed, the same relay is taken without the option; the discovered copy
	# of it is the typed one.
	run --separate-stderr fetch -v "$good" --discovered "$T/found"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 20 ]
	[[ $stderr == *"refused (loopback host)"* ]]
	run --separate-stderr fetch -v "$good/" --discovered "$T/found" --allow-private
	[ "$status" -eq 0 ]
	[ "$(grep -c ': 20 events\|: 0 events' <<<"$stderr")" -eq 1 ]
}

@test "fetch --discovered: a name that resolves to loopback is refused at connect" {
	name=$(loopback_name)
	[ -n "$name" ] || skip "no loopback name but localhost in /etc/hosts"
	port=$(sed -n 1p "$D/ready")
	printf 'ws://%s:%s\n' "$name" "$port" >"$T/found"
	run --separate-stderr fetch --nip11 --stats "$T/stats" --discovered "$T/found"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[[ $stderr == *"refused: 127.0.0.1 is loopback"* ]]
	[ "$(jq -r 'select(.state == "failed") | .error' "$T/stats")" = "refused: 127.0.0.1 is loopback" ]
	[ "$(jq -c 'select(.state == "connecting")' "$T/stats" | wc -l)" -eq 1 ]
	run --separate-stderr fetch --discovered "$T/found" --allow-private
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 20 ]
	run --separate-stderr fetch "ws://$name:$port"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 20 ]
}

@test "fetch --discovered: bad lines are skipped, comments and blanks ignored, - is stdin" {
	printf '# found\n\nhttps://not.a.relay\nwss://x.onion\n%s\n' "$good" >"$T/found"
	run --separate-stderr fetch --discovered - --allow-private <"$T/found"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 20 ]
	[[ $stderr == *"not a relay URL, skipped: https://not.a.relay"* ]]
	[[ $stderr == *"refused (onion host): wss://x.onion"* ]]
	run fetch --discovered "$T/none"
	[ "$status" -eq 1 ]
}
