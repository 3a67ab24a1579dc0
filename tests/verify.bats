#!/usr/bin/env bats
# nostr-verify: the real binary on real and generated data.

load common

setup() {
	T=$BATS_TEST_TMPDIR
}

@test "all 722 real events from nostrdb are kept, byte for byte" {
	need_shared nostrdb/events.ndjson
	nostr-verify -v "$NP_SHARED_DATA/nostrdb/events.ndjson" >"$T/out" 2>"$T/err"
	cmp "$NP_SHARED_DATA/nostrdb/events.ndjson" "$T/out"
	grep -q '722 lines read, 722 kept, 0 rejected' "$T/err"
}

@test "a flipped byte in any signed field of a real event is caught" {
	need_shared nostrdb/events.ndjson
	src=$NP_SHARED_DATA/nostrdb/events.ndjson
	# Re-serialized by jq but unchanged in value: still all valid.
	jq -c . "$src" >"$T/rejq"
	nostr-verify -q "$T/rejq" >"$T/rejq.out"
	[ "$(wc -l <"$T/rejq.out")" -eq 722 ]
	flip='def flip: (.[0:1]) as $c | (if $c == "0" then "1" else "0" end) + .[1:];'
	jq -c "$flip .id |= flip" "$src" >"$T/id"
	jq -c "$flip .sig |= flip" "$src" >"$T/sig"
	jq -c "$flip .pubkey |= flip" "$src" >"$T/pubkey"
	jq -c '.content |= (if length > 0 then .[0:length-1] + (if .[length-1:] == "x" then "y" else "x" end) else "x" end)' "$src" >"$T/content"
	jq -c '.tags |= (if length > 0 and (.[0] | length) > 0 then .[0][0] |= (. + "x") else . + [["x"]] end)' "$src" >"$T/tags"
	jq -c '.created_at += 1' "$src" >"$T/created_at"
	jq -c '.kind |= (if . % 2 == 0 then . + 1 else . - 1 end)' "$src" >"$T/kind"
	for f in id pubkey content tags created_at kind sig; do
		run nostr-verify -q -v "$T/$f"
		[ "$status" -eq 0 ]
		nostr-verify -q "$T/$f" >"$T/$f.out"
		[ ! -s "$T/$f.out" ]
		nostr-verify -v "$T/$f" 2>"$T/$f.err" >/dev/null
		if [ "$f" = sig ]; then want=bad_signature; else want=wrong_id; fi
		[ "$(reason_count "$want" "$T/$f.err")" -eq 722 ]
	done
}

@test "generated events pass with one thread and with two, output identical to input" {
	nostr-gen -n 3000 -s 11 >"$T/in"
	nostr-verify "$T/in" >"$T/out1"
	nostr-verify -j2 <"$T/in" >"$T/out2"
	cmp "$T/in" "$T/out1"
	cmp "$T/in" "$T/out2"
}

@test "every generated bad variant is rejected for the expected reason" {
	nostr-gen --bad -n 220 -s 5 --reasons "$T/reasons" >"$T/bad"
	run nostr-verify -v "$T/bad"
	[ "$status" -eq 0 ]
	nostr-verify -v "$T/bad" 2>"$T/err" >"$T/out"
	[ ! -s "$T/out" ]
	sort "$T/reasons" | uniq -c | while read -r n reason; do
		[ "$(reason_count "$reason" "$T/err")" -eq "$n" ] || {
			echo "reason $reason: expected $n, got $(reason_count "$reason" "$T/err")"
			return 1
		}
	done
}

@test "-j2 keeps input order with good and bad lines interleaved" {
	nostr-gen -n 5000 -s 3 >"$T/good"
	nostr-gen --bad -n 500 -s 4 >"$T/bad"
	# Interleave one bad line after every ten good ones.
	awk 'NR == FNR { bad[NR] = $0; nb = NR; next }
	     { print; if (FNR % 10 == 0 && ++i <= nb) print bad[i] }' "$T/bad" "$T/good" >"$T/mixed"
	nostr-verify -q -j2 "$T/mixed" >"$T/out2"
	nostr-verify -q "$T/mixed" >"$T/out1"
	cmp "$T/good" "$T/out1"
	cmp "$T/good" "$T/out2"
}

@test "garbage of every sort is rejected and counted, good lines around it kept" {
	nostr-gen -n 3 -s 9 >"$T/good"
	{
		sed -n 1p "$T/good"
		printf '\x00\x01\x02\xff\xfe binary\n'
		printf '{"id":"\x00"}\n'
		printf '{"content":"\xc3\x28"}\n'
		printf '\n'
		printf '   \n'
		printf '[1,2,3]\n'
		printf '"just a string"\n'
		printf '12345\n'
		printf 'null\n'
		sed -n 2p "$T/good" | sed 's/"kind":\([0-9]*\)/"kind":"\1"/'
		sed -n 2p "$T/good" | sed 's/"created_at":[0-9]*/"created_at":1e400/'
		sed -n 2p "$T/good" | sed 's/"created_at":[0-9]*/"created_at":99999999999999999999999999999999/'
		sed -n 2p "$T/good" | sed 's/"kind":/"kind":1,"kind":/'
		sed -n 2p "$T/good" | sed 's/"tags":\[/"tags":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],/'
		head -c 10485760 /dev/zero | tr '\0' 'a'
		printf '\n'
		sed -n 2p "$T/good"
		printf '{"unterminated": "'
		printf '\n'
		sed -n 3p "$T/good" | tr -d '\n'   # the last line without a newline
	} >"$T/in"
	run nostr-verify -v --reject "$T/rej" "$T/in"
	[ "$status" -eq 0 ]
	nostr-verify -v "$T/in" >"$T/out" 2>"$T/err"
	cmp "$T/good" "$T/out"
	grep -q '19 lines read, 3 kept, 16 rejected' "$T/err"
	[ "$(reason_count too_long "$T/err")" -eq 1 ]
	[ "$(reason_count nul_byte "$T/err")" -eq 2 ]
	[ "$(reason_count duplicate_field "$T/err")" -eq 1 ]
	# The reject file holds every rejected line as it came, but the one too long to keep.
	[ "$(wc -l <"$T/rej")" -eq 15 ]
	grep -c '"kind":"' "$T/rej" | grep -qx 1
}

@test "the invariant lines read = kept + rejected holds on a large mixed stream" {
	nostr-gen -n 2000 -s 21 >"$T/good"
	nostr-gen --bad -n 700 -s 22 >"$T/bad"
	cat "$T/good" "$T/bad" "$T/good" | shuf --random-source=<(yes) >"$T/in"
	nostr-verify -v -j2 "$T/in" >"$T/out" 2>"$T/err"
	read -r read kept rejected < <(sed -n 's/.*: \([0-9]*\) lines read, \([0-9]*\) kept, \([0-9]*\) rejected/\1 \2 \3/p' "$T/err")
	[ "$read" -eq 4700 ]
	[ "$kept" -eq 4000 ]
	[ "$rejected" -eq 700 ]
	[ "$(wc -l <"$T/out")" -eq "$kept" ]
}

@test "events hashed the nostr-tools way (\\u00xx) are kept and counted apart" {
	printf '%s\n' \
	    '{"key":1,"kind":1,"created_at":1700000000,"content":"bell\u0007 esc\u001b","legacy":true}' \
	    '{"key":1,"kind":1,"created_at":1700000001,"content":"nul\u0000inside","tags":[["t","a\u0001b"]]}' \
	    '{"key":1,"kind":1,"created_at":1700000002,"content":"plain \n\t\"quoted\\"}' \
	    | nostr-gen --sign -s 2 >"$T/in"
	nostr-verify -v "$T/in" >"$T/out" 2>"$T/err"
	cmp "$T/in" "$T/out"
	grep -q 'kept by \\u00xx id form *1' "$T/err"
	# The NUL survives: the id covers the bytes after it.
	sed -n 2p "$T/in" | sed 's/inside/insidf/' >"$T/flipped"
	nostr-verify -v "$T/flipped" 2>"$T/flipped.err" >/dev/null
	grep -q 'wrong_id *1' "$T/flipped.err"
}

@test "--no-sig keeps a bad signature but not a wrong id" {
	nostr-gen -n 2 -s 8 >"$T/in"
	sed -n 1p "$T/in" | sed -E 's/"sig":"(.)/"sig":"\1\1/; s/"sig":"(.{128}).*"/"sig":"\1"/' >"$T/badsig"
	nostr-verify -q "$T/badsig" >"$T/badsig.out"
	[ ! -s "$T/badsig.out" ]
	[ "$(nostr-verify -q --no-sig "$T/badsig" | wc -l)" -eq 1 ]
	sed -n 2p "$T/in" | sed 's/"created_at":/"created_at":1/' >"$T/badid"
	nostr-verify -q --no-sig "$T/badid" >"$T/badid.out"
	[ ! -s "$T/badid.out" ]
}

@test "--max-future drops events dated too far ahead" {
	now=$(date +%s)
	printf '{"key":0,"kind":1,"created_at":%d,"content":"soon"}\n{"key":0,"kind":1,"created_at":%d,"content":"later"}\n' \
	    $((now + 10)) $((now + 100000)) | nostr-gen --sign >"$T/in"
	[ "$(nostr-verify -q "$T/in" | wc -l)" -eq 2 ]
	nostr-verify -v --max-future 3600 "$T/in" >"$T/out" 2>"$T/err"
	[ "$(wc -l <"$T/out")" -eq 1 ]
	grep -q soon "$T/out"
	[ "$(reason_count future "$T/err")" -eq 1 ]
}

@test "exit status: 0 with rejects, 1 with --strict or a missing file, 2 on bad usage" {
	nostr-gen --bad -n 3 >"$T/bad"
	run nostr-verify -q "$T/bad"
	[ "$status" -eq 0 ]
	run nostr-verify -q --strict "$T/bad"
	[ "$status" -eq 1 ]
	run nostr-verify "$T/does-not-exist"
	[ "$status" -eq 1 ]
	[[ "$output" == *"nostr-verify: $T/does-not-exist: No such file"* ]]
	run nostr-verify --no-such-option
	[ "$status" -eq 2 ]
	run nostr-verify -j 0
	[ "$status" -eq 2 ]
}

@test "several operands and - for standard input" {
	nostr-gen -n 5 -s 1 >"$T/a"
	nostr-gen -n 7 -s 2 >"$T/b"
	nostr-verify "$T/a" - "$T/b" <"$T/b" >"$T/out"
	cat "$T/a" "$T/b" "$T/b" | cmp - "$T/out"
}

@test "messages name the input and line; -q silences them" {
	nostr-gen -n 1 >"$T/in"
	echo 'garbage' >>"$T/in"
	run nostr-verify "$T/in"
	[[ "$output" == *"nostr-verify: $T/in:2: not valid JSON"* ]]
	run nostr-verify -q "$T/in"
	[ "$(echo "$output" | grep -c 'nostr-verify:')" -eq 0 ]
}

@test "a closed output pipe ends it quietly" {
	nostr-gen -n 3000 -s 12 >"$T/in"
	run bash -c "nostr-verify '$T/in' | head -1"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" != *nostr-verify* ]]
}

@test "a live event is written at once, and SIGTERM flushes and exits 0" {
	nostr-gen -n 2 -s 13 >"$T/in"
	mkfifo "$T/fifo"
	nostr-verify <"$T/fifo" >"$T/out" &
	pid=$!
	exec 5>"$T/fifo"
	sed -n 1p "$T/in" >&5
	# Without closing the pipe, the event must come through (bounded wait, no timing claim).
	for _ in $(seq 100); do [ -s "$T/out" ] && break; sleep 0.05; done
	[ "$(wc -l <"$T/out")" -eq 1 ]
	kill -TERM "$pid"
	wait "$pid"
	status=$?
	exec 5>&-
	[ "$status" -eq 0 ]
}

@test "--help lists every option and --version prints the version" {
	run nostr-verify --help
	[ "$status" -eq 0 ]
	for o in --jobs --no-sig --max-future --reject --max-line --strict --verbose --quiet --version; do
		[[ "$output" == *"$o"* ]]
	done
	run nostr-verify --version
	[[ "$output" =~ ^nostr-verify\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}
