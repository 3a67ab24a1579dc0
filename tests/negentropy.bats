#!/usr/bin/env bats
# negentropy.bats: the C negentropy module (NIP-77) against nostr-tools'
# Negentropy, both ways, through neg-peer.

bats_require_minimum_version 1.5.0

setup() {
	command -v node >/dev/null || skip "node is not installed"
	[ -f "$ROOT/tests/relay/node_modules/nostr-tools/lib/esm/nip77.js" ] ||
		skip "tests/relay/node_modules missing: run make deps (npm ci)"
}

@test "negentropy: reconciles 20000 items with nostr-tools, either side the client" {
	run timeout 300 node "$ROOT/tests/relay/negentropy-interop.mjs" "$(command -v neg-peer)" 20000
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"1..9"* ]]
	[[ "$output" != *"not ok"* ]]
}
