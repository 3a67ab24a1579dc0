#!/usr/bin/env bash
# enrich.sh: nostr-enrich's events/s on 100k generated events (median of RUNS),
# with and without language guessing, and its peak memory.
set -eu
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-3}
f=$(events 100000)
n=$(wc -l <"$f")

full=$(for _ in $(seq "$RUNS"); do seconds nostr-enrich -q "$f"; done | median)
nolang=$(for _ in $(seq "$RUNS"); do seconds nostr-enrich -q --no-lang "$f"; done | median)
printf 'nostr-enrich on %d events, median of %d runs\n' "$n" "$RUNS"
printf '  %-34s %10.0f events/s\n' "nostr-enrich" "$(echo "$n / $full" | bc -l)"
printf '  %-34s %10.0f events/s\n' "nostr-enrich --no-lang" "$(echo "$n / $nolang" | bc -l)"
printf '  %-34s %10d KiB peak RSS\n' "nostr-enrich" "$(max_rss_kb nostr-enrich -q "$f")"
