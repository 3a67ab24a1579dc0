#!/usr/bin/env bash
# verify.sh: nostr-verify's events/s and MB/s with 1 and 2 threads on 100k
# generated events, beside the bare libsecp256k1 rate measured in the same
# run (secp-bench), and the peak memory on a 1M-line stream.
set -eu
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-5}
f=$(events 100000)
n=$(wc -l <"$f")
mb=$(du -m "$f" | cut -f1)

ref=$(for _ in $(seq "$RUNS"); do secp-bench "$f" | cut -d' ' -f1; done | median)
one=$(for _ in $(seq "$RUNS"); do seconds nostr-verify -q "$f"; done | median)
two=$(for _ in $(seq "$RUNS"); do seconds nostr-verify -q -j2 "$f"; done | median)

rate1=$(echo "$n / $one" | bc -l)
rate2=$(echo "$n / $two" | bc -l)
printf 'nostr-verify on %d events (%d MB), median of %d runs\n' "$n" "$mb" "$RUNS"
printf '  %-34s %10.0f events/s\n' "libsecp256k1 parse+verify, 1 core" "$ref"
printf '  %-34s %10.0f events/s %7.1f MB/s  %.2f of libsecp256k1\n' "nostr-verify -j1" "$rate1" \
    "$(echo "$mb / $one" | bc -l)" "$(echo "$rate1 / $ref" | bc -l)"
printf '  %-34s %10.0f events/s %7.1f MB/s  %.2fx -j1\n' "nostr-verify -j2" "$rate2" \
    "$(echo "$mb / $two" | bc -l)" "$(echo "$rate2 / $rate1" | bc -l)"

# Memory: 1M lines (the 100k file ten times) through the whole parse and hash path.
big="$BENCH_DATA/events-1m.ndjson"
[ -s "$big" ] || for _ in $(seq 10); do cat "$f"; done >"$big"
printf '  %-34s %10d KiB peak RSS\n' "nostr-verify --no-sig, 1M lines" "$(max_rss_kb nostr-verify -q --no-sig "$big")"
printf '  %-34s %10d KiB peak RSS\n' "nostr-verify -j2, 100k lines" "$(max_rss_kb nostr-verify -q -j2 "$f")"
