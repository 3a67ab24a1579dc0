# shellcheck shell=bash
# score.sh: nostr-score on a database of BENCH_EVENTS (default 1M) generated
# events spread over the last day (target: under 30 s), median of 3 runs.
. bench/lib.sh

n=${BENCH_EVENTS:-1000000}
db=$(score_db "$n")
now=$(cat "$db.now")
for i in 1 2 3; do
	seconds nostr-score -q -d "$db" --now "$now"
done | median | awk -v n="$n" '{ printf "nostr-score, %d events: %.2f s (median of 3)\n", n, $1 }'
