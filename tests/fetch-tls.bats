#!/usr/bin/env bats
# nostr-fetch over wss://: stunnel with a self-signed certificate in front of
# the loopback relay.  Certificates are checked unless --insecure.

load common
load relay/helpers

setup_file() {
	export D=$BATS_FILE_TMPDIR NP_PIDS=$BATS_FILE_TMPDIR/pids
}

teardown_file() {
	kill_tracked
}

setup() {
	relay_deps
	T=$BATS_TEST_TMPDIR
}

@test "wss:// with --insecure: exactly the published ids; NIP-11 over https" {
	start_relay plain
	start_tls tls "$plain_port"
	gen 150 31 1700000000 300 >"$T/all"
	publish "$plain_port" "$T/all"
	fetch --insecure --nip11 --stats "$T/stats" "wss://127.0.0.1:$tls_port" >"$T/out"
	diff <(ids "$T/all") <(ids "$T/out")
	[ "$(jq -r .meta.relay "$T/out" | sort -u)" = "wss://127.0.0.1:$tls_port" ]
	[ "$(jq -r 'select(.nip11) | .nip11.name' "$T/stats" | sort -u)" = np-test-relay ]
	# Paginated through TLS too (several REQs on one connection).
	fetch --insecure --paginate --limit 40 "wss://127.0.0.1:$tls_port" >"$T/pages"
	diff <(ids "$T/all") <(ids "$T/pages")
}

@test "wss:// without --insecure refuses the self-signed certificate" {
	start_relay plain2
	start_tls tls2 "$plain2_port"
	run timeout 30 nostr-fetch --retries 0 --timeout 5 "wss://127.0.0.1:$tls2_port"
	[ "$status" -eq 1 ]
	[[ $output == *"SSL certificate problem: self-signed certificate"* ]]
	[[ $output == *"giving up"* ]]
	# The same relay is fine with --insecure: it was the certificate.
	run timeout 30 nostr-fetch -q --insecure --retries 0 "wss://127.0.0.1:$tls2_port"
	[ "$status" -eq 0 ]
}

@test "--follow over wss:// streams live events and ends on SIGTERM" {
	start_relay plain3
	start_tls tls3 "$plain3_port"
	gen 40 32 1700000000 40 >"$T/all"
	BG_OUT=$T/out BG_ERR=$T/err background --follow --insecure "wss://127.0.0.1:$tls3_port"
	sleep 0.5
	publish "$plain3_port" "$T/all"
	wait_lines "$T/out" 40
	kill -TERM "$BG_PID"
	rc=0
	wait "$BG_PID" || rc=$?
	[ "$rc" -eq 0 ]
	diff <(ids "$T/all") <(ids "$T/out")
}
