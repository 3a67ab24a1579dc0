#!/usr/bin/env bash
# fetch.sh: nostr-fetch's events/s reading from bench/replay-server on
# loopback (pre-serialized EVENT frames sent as fast as the socket takes them),
# median of RUNS runs; and its peak memory for 200k and 1M events with the
# same --dedup-size, which should be the same: bounded by the set, not the
# stream.  Target (issue 3): >= 50k events/s.
set -eu
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-5}
N=${N:-200000}
templates=$(events 1000)
ready=$(mktemp)
rm -f "$ready"
replay-server -n "$N" -r "$ready" "$templates" >/dev/null &
server=$!
trap 'kill $server 2>/dev/null || :; rm -f "$ready"' EXIT
for _ in $(seq 100); do [ -s "$ready" ] && break; sleep 0.1; done
url=ws://127.0.0.1:$(cat "$ready")

got=$(nostr-fetch -q "$url" | wc -l)
[ "$got" -eq "$N" ] || { echo "fetch.sh: got $got events of $N" >&2; exit 1; }
t=$(for _ in $(seq "$RUNS"); do seconds nostr-fetch -q "$url"; done | median)
t_nometa=$(for _ in $(seq "$RUNS"); do seconds nostr-fetch -q --no-meta "$url"; done | median)
printf 'nostr-fetch from a local replay server, %d events, median of %d runs\n' "$N" "$RUNS"
printf '  %-34s %10.0f events/s\n' "nostr-fetch (with meta)" "$(echo "$N / $t" | bc -l)"
printf '  %-34s %10.0f events/s\n' "nostr-fetch --no-meta" "$(echo "$N / $t_nometa" | bc -l)"
kill $server 2>/dev/null; wait $server 2>/dev/null || true

# Memory: the same dedup bound, five times the events.
for n in 200000 1000000; do
	rm -f "$ready"
	replay-server -n "$n" -r "$ready" "$templates" >/dev/null &
	server=$!
	for _ in $(seq 300); do [ -s "$ready" ] && break; sleep 0.1; done
	printf '  %-34s %10d KiB peak RSS\n' "$n events, --dedup-size 100000" \
		"$(max_rss_kb nostr-fetch -q --dedup-size 100000 "ws://127.0.0.1:$(cat "$ready")")"
	kill $server 2>/dev/null; wait $server 2>/dev/null || true
done
