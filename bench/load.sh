#!/usr/bin/env bash
# load.sh: nostr-load's events/s into a fresh database, derived rows included,
# at 100k events (median of RUNS) and 1M events (one run; the rate of the
# whole run and of its last 100k, when the database already holds 900k), and
# the chain nostr-verify -j2 | nostr-enrich | nostr-load at 100k (against
# twice libsecp256k1's single-core parse+verify rate, secp-bench: what two
# cores could verify if they did nothing else); beside
# each load figure, the references measured in the same run: SQLite storing
# the same events as rows keyed by id, nothing derived (sqlite-floor -k hex), and
# the same with nostr_events' author index as well (sqlite-floor -a): the two
# indexes keyed by random hex that every event pays for.
set -eu
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-3}
db="$BENCH_DATA/load-bench.db"

# enriched N: the N-event file through nostr-enrich once, so that the load
# figures measure loading (nostr-load reuses meta.lang).
enriched() {
	local f="$BENCH_DATA/enriched-$1.ndjson"
	[ -s "$f" ] || nostr-enrich -q "$(events "$1")" >"$f"
	echo "$f"
}

# fresh: removes the database and waits for the disk: each timed run starts
# with no writeback of an earlier one in flight (without this, runs in a row
# slowed each other by up to 20%: 3.8 s became 4.6 s for the chain).
fresh() {
	rm -f "$db" "$db-wal" "$db-shm"
	sync
}

fresh_load() {  # fresh_load FILE [OPTIONS]: seconds to load FILE into a new db
	fresh
	seconds nostr-load -q -d "$db" "$@"
}

# floor_rate [-a] FILE...: events/s of sqlite-floor [-a] on the last FILE, after the others
floor_rate() {
	local f a=()
	if [ "$1" = -a ]; then a=(-a); shift; fi
	fresh
	for f in "$@"; do sync; sqlite-floor -k hex "${a[@]}" "$db" "$f" | cut -d' ' -f1; done | tail -n 1
}

f=$(enriched 100000)
n=$(wc -l <"$f")
t=$(for _ in $(seq "$RUNS"); do fresh_load "$f"; done | median)
ref=$(for _ in $(seq "$RUNS"); do floor_rate "$f"; done | median)
ref_a=$(for _ in $(seq "$RUNS"); do floor_rate -a "$f"; done | median)
printf 'nostr-load, median of %d runs\n' "$RUNS"
printf '  %-40s %10.0f events/s\n' "reference: bare SQLite rows, fresh db" "$ref"
printf '  %-40s %10.0f events/s\n' "  the same with the author index" "$ref_a"
printf '  %-40s %10.0f events/s  %.2f of the reference\n' "100k enriched events, fresh db" \
    "$(echo "$n / $t" | bc -l)" "$(echo "$n / $t / $ref" | bc -l)"
raw=$(events 100000)
t=$(for _ in $(seq "$RUNS"); do fresh_load "$raw"; done | median)
printf '  %-40s %10.0f events/s\n' "100k raw events (load enriches)" "$(echo "$n / $t" | bc -l)"

chain() {
	nostr-verify -q -j2 "$raw" | nostr-enrich -q | nostr-load -q -d "$db"
}
t=$(for _ in $(seq "$RUNS"); do fresh; seconds chain; done | median)
secp=$(for _ in $(seq "$RUNS"); do secp-bench "$raw" | cut -d' ' -f1; done | median)
printf '  %-40s %10.0f events/s\n' "reference: libsecp256k1 verify, 1 core" "$secp"
printf '  %-40s %10.0f events/s  %.2f of twice the reference (target >= 0.65)\n' \
    "verify -j2 | enrich | load, 100k" "$(echo "$n / $t" | bc -l)" "$(echo "$n / $t / (2 * $secp)" | bc -l)"

if [ "${BENCH_1M:-1}" = 1 ]; then
	big=$(enriched 1000000)
	head -n 900000 "$big" >"$BENCH_DATA/first-900k.ndjson"
	tail -n 100000 "$big" >"$BENCH_DATA/last-100k.ndjson"
	t=$(fresh_load "$big")
	printf '  %-40s %10.0f events/s\n' "1M enriched events, fresh db" "$(echo "1000000 / $t" | bc -l)"
	fresh
	nostr-load -q -d "$db" "$BENCH_DATA/first-900k.ndjson"
	sync
	t=$(seconds nostr-load -q -d "$db" "$BENCH_DATA/last-100k.ndjson")
	size=$(du -m "$db" | cut -f1)
	ref=$(floor_rate "$BENCH_DATA/first-900k.ndjson" "$BENCH_DATA/last-100k.ndjson")
	ref_a=$(floor_rate -a "$BENCH_DATA/first-900k.ndjson" "$BENCH_DATA/last-100k.ndjson")
	printf '  %-40s %10.0f events/s\n' "reference: bare SQLite rows, 900k db" "$ref"
	printf '  %-40s %10.0f events/s\n' "  the same with the author index" "$ref_a"
	printf '  %-40s %10.0f events/s  %.2f of the reference\n' "last 100k into a 900k db" \
	    "$(echo "100000 / $t" | bc -l)" "$(echo "100000 / $t / $ref" | bc -l)"
	printf '  %-40s %10d MB\n' "database size at 1M" "$size"
fi
rm -f "$db" "$db-wal" "$db-shm"
