#!/usr/bin/env bats
# fetch-auth.bats: NIP-42.  Loopback relays (tests/relay/scripted.js) that
# close every REQ with auth-required until the client answers their challenge
# with a kind-22242 event they check (signature, relay URL, challenge); one
# that refuses every answer.  nostr-fetch signs with the user's key or one
# made for the run, then asks again, and never shows the key.

bats_require_minimum_version 1.5.0

load common
load relay/helpers

setup_file() {
	export D=$BATS_FILE_TMPDIR NP_PIDS=$BATS_FILE_TMPDIR/pids
	command -v node >/dev/null || return 0
	[ -d "$ROOT/tests/relay/node_modules/nostr-tools" ] || return 0
	gen 300 21 1714000000 86400 >"$D/events.ndjson"
	cat >"$D/config.json" <<-JSON
	{"relays": [{"events": "$D/events.ndjson", "auth": true, "cap": 1000},
	            {"events": "$D/events.ndjson", "auth": "refuse"}]}
	JSON
	scripted_start "$D/config.json"
}

teardown_file() {
	kill_tracked
}

setup() {
	relay_deps
	[ -d "$ROOT/tests/relay/node_modules/nostr-tools" ] || skip "nostr-tools missing: run make deps"
	auth_url=ws://127.0.0.1:$(sed -n 1p "$D/ready")
	refuse_url=ws://127.0.0.1:$(sed -n 2p "$D/ready")
	T=$BATS_TEST_TMPDIR
	: >"$D/relay.log"
}

# auths: the relay's log lines for AUTH messages.
auths() {
	grep '"type":"AUTH"' "$D/relay.log"
}

@test "auth: the test relay checks the challenge, the relay URL, the kind and the signature" {
	run node "$ROOT/tests/relay/auth-probe.js" "$auth_url" good
	[ "$status" -eq 0 ]
	[[ $output == '["OK",'*',true,""]' ]]
	run node "$ROOT/tests/relay/auth-probe.js" "$auth_url" wrong-challenge
	[[ $output == *',false,"invalid: wrong challenge"]' ]]
	run node "$ROOT/tests/relay/auth-probe.js" "$auth_url" wrong-relay
	[[ $output == *',false,"invalid: wrong relay"]' ]]
	run node "$ROOT/tests/relay/auth-probe.js" "$auth_url" bad-sig
	[[ $output == *',false,"invalid: bad signature"]' ]]
	run node "$ROOT/tests/relay/auth-probe.js" "$auth_url" wrong-kind
	[[ $output == *',false,"invalid: not a kind-22242 event"]' ]]
}

@test "auth: with a key made for the run, every event arrives after AUTH" {
	run --separate-stderr fetch -v "$auth_url"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 300 ]
	[ "$(printf '%s\n' "$output" | jq -r .id | sort)" = "$(ids "$D/events.ndjson")" ]
	[[ $stderr == *"authenticated (NIP-42)"* ]]
	[ "$(auths | grep -c '"ok":true')" -eq 1 ]
	# The REQ asked again after AUTH carries the key the relay saw.
	[ "$(grep '"type":"REQ"' "$D/relay.log" | grep -vc '"authed":null')" -ge 1 ]
}

@test "auth: --auth-key signs with the user's key (hex or nsec), which is never shown" {
	nostr-gen --seckey 7 -s 21 >"$T/key"
	chmod 600 "$T/key"
	pub=$(nostr-gen --pubkey 7 -s 21)
	run --separate-stderr fetch -v --auth-key "$T/key" --stats "$T/stats" "$auth_url"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 300 ]
	auths | grep -q "\"ok\":true,\"why\":null,\"pubkey\":\"$pub\""
	sec=$(cat "$T/key")
	[[ $output != *"$sec"* ]]
	[[ $stderr != *"$sec"* ]]
	run ! grep -q "$sec" "$T/stats"
	grep -q '"state":"authenticated"' "$T/stats"
	# The same key as an nsec.
	nsec=$(node -e 'const {nip19}=require(process.argv[1]); console.log(nip19.nsecEncode(Buffer.from(process.argv[2], "hex")))' \
		"$ROOT/tests/relay/node_modules/nostr-tools" "$sec")
	printf '%s\n' "$nsec" >"$T/nsec"
	chmod 400 "$T/nsec"
	: >"$D/relay.log"
	run --separate-stderr fetch --auth-key "$T/nsec" "$auth_url"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 300 ]
	auths | grep -q "\"pubkey\":\"$pub\""
	[[ $stderr != *"$nsec"* ]]
}

@test "auth: a key file others may read is refused, and nothing is fetched" {
	nostr-gen --seckey 7 -s 21 >"$T/key"
	chmod 644 "$T/key"
	run --separate-stderr fetch --auth-key "$T/key" "$auth_url"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[[ $stderr == *"$T/key: others may read or write it"* ]]
	[[ $stderr != *"$(cat "$T/key")"* ]]
	run --separate-stderr fetch --auth-key "$T/key" --no-auth "$auth_url"
	[ "$status" -eq 2 ]
}

@test "auth: --no-auth answers nothing, and says why nothing came" {
	run --separate-stderr fetch -v --no-auth "$auth_url"
	[ "$output" = "" ]
	[[ $stderr == *"not answered (--no-auth)"* ]]
	run ! auths
}

@test "auth: a relay that refuses the answer ends the fetch, which says so" {
	run --separate-stderr fetch -v "$refuse_url"
	[ "$output" = "" ]
	[[ $stderr == *"authentication refused: restricted: not on the list"* ]]
	[ "$(auths | grep -c '"ok":false')" -eq 1 ]
}
