#!/usr/bin/env bash
# negentropy.sh: the NIP-77 client's reconciliation speed, in items of its
# set per second of its own CPU time (building its storage included), for
# 1M items with 1% and 50% of them on one side only, without a frame limit
# and with nostr-tools' 60000 bytes (the one nostr-fetch uses).  Beside it,
# measured in the same run on the same items: sorting them and hashing each
# id once.  Medians of RUNS runs (different seeds).
# Target (issue 16): >= 1M items/s of client CPU.
set -eu
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-3}
N=${N:-1000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# field KEY FILE: the values of KEY=... on the lines of FILE, one a line.
field() {
	tr ' ' '\n' <"$2" | sed -n "s/^$1=//p"
}

printf 'negentropy client, %d items, median of %d runs\n' "$N" "$RUNS"
printf '  %-5s %-6s %7s %10s %10s %14s %14s\n' diff limit rounds build_s reconc_s \
	"client items/s" "ref items/s"
for d in 1 50; do
	for l in 0 60000; do
		: >"$dir/out"
		for s in $(seq "$RUNS"); do
			negentropy-bench -n "$N" -d "$d" -l "$l" -s "$s" >>"$dir/out"
		done
		printf '  %-5s %-6s %7s %10s %10s %14.0f %14.0f\n' "$d%" "$l" \
			"$(field rounds "$dir/out" | median)" \
			"$(field build_s "$dir/out" | median)" \
			"$(field reconcile_s "$dir/out" | median)" \
			"$(field client_items_per_s "$dir/out" | median)" \
			"$(field ref_items_per_s "$dir/out" | median)"
	done
done
echo '  (ref: sort the same items and SHA-256 each id once; target: client >= 1000000 items/s)'
