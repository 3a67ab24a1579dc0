#!/usr/bin/env bash
# negentropy-fetch.sh: a loopback relay (tests/relay/scripted.js, NIP-77 with
# nostr-tools' Negentropy, 500 events per REQ) holds N (100k) events; the
# client holds all but 1% of them, the missing ones scattered over the whole
# time range (every 100th in created_at order: late arrivals a cursor passed).
# Measured in the same run: the bytes nostr-fetch sends and receives
# (WebSocket message payloads, from its --stats record) for
#   nostr-fetch --negentropy --have HELD         (reconcile, then REQ the ids)
#   nostr-fetch --paginate                       (the walk over the same range)
# which give the same database once loaded, and that the first brought the
# missing 1% exactly.  Wall-clock seconds are medians of RUNS runs.
# Target (issue 16): the negentropy bytes at most a fifth of --paginate's.
set -eu
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-3}
N=${N:-100000}
all=$(events "$N")
dir=$(mktemp -d)
relay=
trap 'if [ -n "$relay" ]; then kill "$relay" 2>/dev/null || :; fi; rm -rf "$dir"' EXIT
command -v node >/dev/null || { echo "negentropy-fetch.sh: node is not installed" >&2; exit 1; }

# The missing 1%: every 100th event in created_at order.
jq -c -s 'sort_by(.created_at, .id) | .[]' "$all" >"$dir/sorted"
awk 'NR % 100 != 50' "$dir/sorted" >"$dir/held.ndjson"
awk 'NR % 100 == 50' "$dir/sorted" | jq -r .id | LC_ALL=C sort >"$dir/missing"
jq -r '"\(.created_at) \(.id)"' "$dir/held.ndjson" >"$dir/held"

printf '{"relays": [{"events": "%s", "negentropy": true, "cap": 500}]}\n' "$all" >"$dir/config"
node tests/relay/scripted.js --config "$dir/config" --ready "$dir/ready" >/dev/null 2>&1 &
relay=$!
for _ in $(seq 600); do [ -s "$dir/ready" ] && break; sleep 0.1; done
url=ws://127.0.0.1:$(cat "$dir/ready")

# wire STATS: bytes sent + received of the connection, from its closed record.
wire() {
	jq -s '[.[] | select(.state == "closed")] | last | .bytes_sent + .bytes_received' "$1"
}

# measure LABEL ARGS...: RUNS runs of nostr-fetch ARGS; prints bytes and seconds.
measure() {
	local label=$1 i
	shift
	for i in $(seq "$RUNS"); do
		rm -f "$dir/stats"
		/usr/bin/time -f %e -o "$dir/t$i" nostr-fetch -q --stats "$dir/stats" "$@" "$url" \
			>"$dir/out"
	done
	bytes=$(wire "$dir/stats")
	printf '  %-34s %10d bytes %8d events %6.2f s\n' "$label" "$bytes" "$(wc -l <"$dir/out")" \
		"$(for i in $(seq "$RUNS"); do cat "$dir/t$i"; done | median)"
}

printf 'nostr-fetch from one loopback relay of %d events, the client holding 99%%, median of %d runs\n' \
	"$N" "$RUNS"
measure "--paginate (reference)" --paginate
ref=$bytes
measure "--negentropy --have (99%)" --negentropy --have "$dir/held"
neg=$bytes
jq -r .id "$dir/out" | LC_ALL=C sort >"$dir/got"
if cmp -s "$dir/got" "$dir/missing"; then exact=yes; else exact=NO; fi
printf '  negentropy / paginate: %.4f of the bytes (target <= 0.2); the missing %d arrived exactly: %s\n' \
	"$(echo "$neg / $ref" | bc -l)" "$(wc -l <"$dir/missing")" "$exact"
