#!/usr/bin/env bats
# relays.bats: nostr-relays on signed events that name relays in every way
# events do, with hostile URLs among them.

bats_require_minimum_version 1.5.0

setup_file() {
	export EV="$BATS_FILE_TMPDIR/events.ndjson"
	{
		# Author 1: a NIP-65 list, spelled oddly, with one URL twice.
		echo '{"key":1,"kind":10002,"created_at":1714000000,"content":"","tags":[["r","WSS://Relay.One.example:443/"],["r","wss://relay.two.example","read"],["r","wss://relay.one.example"],["r","https://not.a.relay"],["r","wss://10.0.0.5"],["r","ws://localhost:7777"],["r","ws://2130706433"]]}'
		# Author 1 again, a newer list: the same author counts once per relay.
		echo '{"key":1,"kind":10002,"created_at":1714000100,"content":"","tags":[["r","wss://relay.one.example","write"]]}'
		# Author 2: the old relay map of a contact list.
		echo '{"key":2,"kind":3,"created_at":1714000000,"tags":[["p","0000000000000000000000000000000000000000000000000000000000000001","wss://relay.three.example"]],"content":"{\"wss://relay.one.example/\":{\"read\":true,\"write\":true},\"wss://relay.two.example\":{\"read\":false,\"write\":true},\"wss://[fd00::1]\":{}}"}'
		# Author 3: hints in e, p, a and q tags, and a NIP-66 event.
		echo '{"key":3,"kind":1,"created_at":1714000000,"content":"hi","tags":[["e","0000000000000000000000000000000000000000000000000000000000000002","wss://relay.one.example"],["a","30023:00:x","wss://relay.four.example"],["q","0000000000000000000000000000000000000000000000000000000000000003","wss://relay.five.onion"],["p","0000000000000000000000000000000000000000000000000000000000000004",""]]}'
		echo '{"key":3,"kind":30166,"created_at":1714000000,"content":"","tags":[["d","wss://relay.two.example/"],["n","clearnet"]]}'
		# A contact list whose content is no relay map names nothing but its tags.
		echo '{"key":4,"kind":3,"created_at":1714000000,"tags":[],"content":"{\"wss://relay.six.example\":"}'
	} | nostr-gen --sign -s 5 >"$EV"
}

@test "relays: one normal URL a relay, most authors first; hosts inside refused" {
	run nostr-relays --no-resolve "$EV"
	[ "$status" -eq 0 ]
	[ "$output" = "wss://relay.one.example
wss://relay.two.example
wss://relay.four.example
wss://relay.three.example" ]
}

@test "relays: -f ndjson counts authors, events, sources and read/write" {
	run nostr-relays --no-resolve -f ndjson -n 2 "$EV"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = '{"relay":"wss://relay.one.example","authors":3,"events":4,"sources":{"nip65":2,"contacts":1,"hint":1,"nip66":0},"read":2,"write":3,"host":"name"}' ]
	[ "${lines[1]}" = '{"relay":"wss://relay.two.example","authors":3,"events":3,"sources":{"nip65":1,"contacts":1,"hint":0,"nip66":1},"read":1,"write":1,"host":"name"}' ]
}

@test "relays: --allow-private and --allow-onion let those hosts through, marked" {
	run nostr-relays --no-resolve --allow-private "$EV"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 8 ]
	[[ $output == *$'\nws://127.0.0.1\n'* ]]
	[[ $output == *$'\nws://localhost:7777\n'* ]]
	[[ $output == *$'\nwss://10.0.0.5\n'* ]]
	[[ $output == *$'\nwss://[fd00::1]\n'* ]]
	[[ $output != *onion* ]]
	run nostr-relays --no-resolve --allow-onion -f ndjson "$EV"
	[ "${#lines[@]}" -eq 5 ]
	[[ $output == *'{"relay":"wss://relay.five.onion",'*'"host":"onion"}'* ]]
	run nostr-relays --no-resolve --allow-private -f ndjson "$EV"
	[[ $output == *'{"relay":"ws://127.0.0.1",'*'"host":"loopback"}'* ]]
	[[ $output == *'{"relay":"wss://[fd00::1]",'*'"host":"private"}'* ]]
}

@test "relays: -v counts what was dropped and why" {
	run --separate-stderr nostr-relays --no-resolve -v "$EV"
	[ "$status" -eq 0 ]
	[[ $stderr == *"6 lines read, 6 events, 5 naming relays, 9 relays"* ]]
	[[ $stderr == *"not_websocket            1"* ]]
	[[ $stderr == *"refused: loopback        2"* ]]
	[[ $stderr == *"refused: private         2"* ]]
	[[ $stderr == *"refused: onion           1"* ]]
}

@test "relays: a name that resolves to this machine is refused" {
	# A name of /etc/hosts that points at loopback but is not spelled localhost.
	name=$(awk '$1 ~ /^127\./ { for (i = 2; i <= NF; i++) if ($i !~ /localhost/ && $i !~ /^#/) { print $i; exit } }' /etc/hosts)
	[ -n "$name" ] || skip "no loopback name but localhost in /etc/hosts"
	printf '{"key":1,"kind":10002,"created_at":1,"content":"","tags":[["r","wss://%s"]]}\n' "$name" |
		nostr-gen --sign -s 5 >"$BATS_TEST_TMPDIR/e"
	run --separate-stderr nostr-relays -v "$BATS_TEST_TMPDIR/e"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[[ $stderr == *"refused: loopback        1"* ]]
	run nostr-relays --no-resolve "$BATS_TEST_TMPDIR/e"
	[ "$output" = "wss://$name" ]
	run nostr-relays --allow-private -f ndjson "$BATS_TEST_TMPDIR/e"
	[[ $output == *'"host":"loopback"}' ]]
}

@test "relays: numeric spellings of loopback are caught" {
	printf '{"key":1,"kind":10002,"created_at":1,"content":"","tags":[["r","ws://2130706433"],["r","ws://0x7f.1:80"],["r","wss://[::ffff:127.0.0.1]"],["r","ws://0177.0.0.1"]]}\n' |
		nostr-gen --sign -s 5 >"$BATS_TEST_TMPDIR/e"
	run nostr-relays --no-resolve "$BATS_TEST_TMPDIR/e"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run nostr-relays --no-resolve --allow-private "$BATS_TEST_TMPDIR/e"
	[ "$output" = "ws://127.0.0.1
wss://[::ffff:127.0.0.1]" ]
}

@test "relays: bad lines are rejected and counted, the rest still counts" {
	{ cat "$EV"; echo 'not json'; echo '{"id":"x"}'; } >"$BATS_TEST_TMPDIR/mixed"
	run --separate-stderr nostr-relays --no-resolve --reject "$BATS_TEST_TMPDIR/rej" "$BATS_TEST_TMPDIR/mixed"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/rej")" -eq 2 ]
	[[ $stderr == *"7: "* ]]
	run --separate-stderr nostr-relays --no-resolve --strict "$BATS_TEST_TMPDIR/mixed"
	[ "$status" -eq 1 ]
}

@test "relays: standard input by default, usage errors exit 2" {
	run nostr-relays --no-resolve <"$EV"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	run nostr-relays -f xml "$EV"
	[ "$status" -eq 2 ]
	run nostr-relays --limit 0 "$EV"
	[ "$status" -eq 2 ]
	run nostr-relays --help
	[ "$status" -eq 0 ]
	[[ $output == *--allow-private* ]]
	run nostr-relays --version
	[[ $output == "nostr-relays "* ]]
}

@test "relays: -d reads the same from the database, which it never creates" {
	db="$BATS_TEST_TMPDIR/r.db"
	nostr-load -q -d "$db" "$EV"
	run nostr-relays --no-resolve "$EV"
	expected=$output
	run nostr-relays --no-resolve -d "$db"
	[ "$status" -eq 0 ]
	[ "$output" = "$expected" ]
	# The database keeps author 1's newer relay list only: one event fewer.
	run nostr-relays --no-resolve -f ndjson -d "$db"
	[ "${lines[0]}" = '{"relay":"wss://relay.one.example","authors":3,"events":3,"sources":{"nip65":1,"contacts":1,"hint":1,"nip66":0},"read":1,"write":2,"host":"name"}' ]
	run --separate-stderr nostr-relays -d "$BATS_TEST_TMPDIR/none.db"
	[ "$status" -eq 1 ]
	[[ $stderr == *"no such database"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/none.db" ]
	run nostr-relays -d "$db" "$EV"
	[ "$status" -eq 2 ]
}
