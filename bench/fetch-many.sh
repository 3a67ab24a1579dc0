#!/usr/bin/env bash
# fetch-many.sh: one nostr-fetch reading from RELAYS (300) loopback relays at
# once (bench/replay-server -k, one process each), whose shares of N events
# overlap so that each event comes COPIES times; beside it, the same N events
# from one relay, measured in the same run.  Figures: events/s of the union
# (N over the wall-clock time of the run), the same over nostr-fetch's own CPU
# time (user + system: what the relays' processes, on the same cores, do not
# blur), and peak RSS, medians of RUNS runs.
# With FETCH_STATE=1, every run keeps a --state file (a new one each run, so
# the runs fetch the same events): what remembering each relay's newest ids
# costs.
# Targets (issue 14): >= 50k events/s and <= 64 MB peak RSS for 300 relays.
set -eu
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-5}
N=${N:-150000}
RELAYS=${RELAYS:-300}
COPIES=${COPIES:-2}
templates=$(events 1000)
dir=$(mktemp -d)
state=() with=
if [ "${FETCH_STATE:-0}" = 1 ]; then state=(--state "$dir/state") with=" --state"; fi
server=
trap 'if [ -n "$server" ]; then kill "$server" 2>/dev/null || :; fi; rm -rf "$dir"' EXIT

# serve K C: replay-server with N events over K relays, C copies each; sets
# server, and urls to the relays' URLs.
serve() {
	rm -f "$dir/ready"
	replay-server -n "$N" -k "$1" -c "$2" -r "$dir/ready" "$templates" >/dev/null &
	server=$!
	for _ in $(seq 600); do [ -s "$dir/ready" ] && break; sleep 0.1; done
	mapfile -t urls < <(sed 's|^|ws://127.0.0.1:|' "$dir/ready")
	[ "${#urls[@]}" -eq "$1" ] || { echo "fetch-many.sh: $1 relays did not start" >&2; exit 1; }
}

unserve() {
	kill "$server" 2>/dev/null || :
	wait "$server" 2>/dev/null || :
	server=
}

# measure LABEL: RUNS runs of nostr-fetch over urls; prints the medians.
measure() {
	local got i
	rm -f "$dir/state"
	got=$(nostr-fetch -q ${state[@]+"${state[@]}"} "${urls[@]}" | wc -l)
	[ "$got" -eq "$N" ] || { echo "fetch-many.sh: $1: got $got events of $N" >&2; exit 1; }
	for i in $(seq "$RUNS"); do
		rm -f "$dir/state"
		/usr/bin/time -f '%e %M %U %S' -o "$dir/t$i" \
			nostr-fetch -q ${state[@]+"${state[@]}"} "${urls[@]}" >/dev/null
	done
	printf '  %-32s %8.0f events/s %8.0f per CPU s %7d KiB peak RSS\n' "$1" \
		"$(for i in $(seq "$RUNS"); do awk -v n="$N" '{ print n / $1 }' "$dir/t$i"; done | median)" \
		"$(for i in $(seq "$RUNS"); do awk -v n="$N" '{ print n / ($3 + $4) }' "$dir/t$i"; done | median)" \
		"$(for i in $(seq "$RUNS"); do awk '{ print $2 }' "$dir/t$i"; done | median)"
}

printf 'nostr-fetch%s, a union of %d events from loopback replay servers, median of %d runs\n' \
	"$with" "$N" "$RUNS"
serve 1 1
measure "1 relay (reference)"
unserve
serve "$RELAYS" 1
measure "$RELAYS relays, each event on 1"
unserve
serve "$RELAYS" "$COPIES"
measure "$RELAYS relays, each event on $COPIES"
unserve
