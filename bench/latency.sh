# shellcheck shell=bash
# latency.sh: `nostr-pipeline run` against the loopback test relay while
# events are published at LATENCY_RATE per second (default 100); prints p50
# and p99 of the time from publish to the row being visible in SQLite
# (target p99 < 20 ms).  Every wait has a deadline: at most about
# LATENCY_EVENTS / LATENCY_RATE + 60 seconds in all.
. bench/lib.sh

command -v node >/dev/null && [ -d tests/relay/node_modules/@nostr-relay/core ] ||
	{ echo "latency.sh: node or tests/relay/node_modules missing: skipped"; exit 0; }
count=${LATENCY_EVENTS:-1000}
rate=${LATENCY_RATE:-100}
d=$(mktemp -d "${TMPDIR:-/tmp}/np-latency.XXXXXX")
relay= run= poll=
stop() {
	# The wrapper stops its chain on TERM (and scores once more); give it
	# 20 s, then take down whatever of its process groups is left.
	if [ -n "$run" ] && kill -0 "$run" 2>/dev/null; then
		kill -TERM "$run" 2>/dev/null
		for _ in $(seq 200); do kill -0 "$run" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$run" 2>/dev/null; then
			echo "latency.sh: run did not stop: killed"
			# Its parts run in process groups of their own (set -m).
			for p in $(pgrep -P "$run"); do kill -KILL -- "-$p" 2>/dev/null; done
			kill -KILL "$run"
		fi
	fi
	[ -n "$poll" ] && kill "$poll" 2>/dev/null
	[ -n "$relay" ] && kill "$relay" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$d"
}
trap stop EXIT
fail() { echo "latency.sh: $*"; sed 's/^/  run: /' "$d/run.err" | tail -5; exit 1; }

node tests/relay/relay.js --port 0 --db "$d/relay.db" --ready "$d/ready" >"$d/relay.log" 2>&1 &
relay=$!
for _ in $(seq 200); do [ -s "$d/ready" ] && break; sleep 0.05; done
[ -s "$d/ready" ] || fail "the test relay did not start"
port=$(cat "$d/ready")
url=ws://127.0.0.1:$port

# Events dated now, so nothing filters them out; \u00XX forms are left out
# because the relay's own check rejects them.
nostr-gen -n "$((count + 1))" -s 99 -a 50 -t "$(date +%s)" --span 1 --kinds 1 |
	grep -v '\\u00' >"$d/all"
head -1 "$d/all" >"$d/warmup"
tail -n +2 "$d/all" >"$d/events"
count=$(wc -l <"$d/events")

printf 'NOSTR_RELAYS=%s\nNOSTR_DB=%s\nMETRICS_AGGREGATION_INTERVAL_SECONDS=3600\nFLUSH_MS=1\n' \
	"$url" "$d/live.db" >"$d/cfg"
# Not a terminal, so no job control: the wrapper's own set -m gives its
# parts process groups of their own, and TERM to it stops them in order.
nostr-pipeline --config "$d/cfg" run 2>"$d/run.err" &
run=$!

# Ready when one event goes all the way: relay, fetch, verify, enrich, load.
node bench/publish-paced.js "$url" "$d/warmup" 1 >/dev/null || fail "warm-up publish failed"
id=$(jq -r .id "$d/warmup")
for _ in $(seq 300); do
	[ -s "$d/live.db" ] &&
		[ "$(sqlite3 "$d/live.db" "SELECT count(*) FROM nostr_events WHERE id = x'$id'" 2>/dev/null)" = 1 ] &&
		break
	sleep 0.1
done
[ "$(sqlite3 "$d/live.db" "SELECT count(*) FROM nostr_events WHERE id = x'$id'" 2>/dev/null)" = 1 ] ||
	fail "the warm-up event never reached the database"

seconds=$(awk -v n="$count" -v r="$rate" 'BEGIN { printf "%d", n / r + 20 }')
latency-poll -n "$count" -t "$seconds" "$d/live.db" >"$d/seen" &
poll=$!
sleep 0.2  # the poller has read where the table ends
node bench/publish-paced.js "$url" "$d/events" "$rate" >"$d/sent" 2>"$d/publish.err" ||
	echo "latency.sh: publish: $(tail -1 "$d/publish.err")"
wait "$poll"
poll=

sent=$(wc -l <"$d/sent")
seen=$(wc -l <"$d/seen")
join <(sort "$d/sent") <(sort "$d/seen") | awk '{ printf "%.3f\n", ($3 - $2) * 1000 }' |
	sort -g >"$d/lat"
# Where the time goes: nostr-fetch stamps meta.received_at (stored as
# received_at) when it reads an event off the socket.
sqlite3 -separator ' ' "$d/live.db" "SELECT lower(hex(id)), received_at FROM nostr_events
	WHERE received_at IS NOT NULL" | sort >"$d/received"
join <(sort "$d/sent") <(sort "$d/seen") | join - "$d/received" |
	awk '{ printf "%.3f %.3f\n", ($4 - $2) * 1000, ($3 - $4) * 1000 }' >"$d/stages"
awk -v sent="$sent" -v seen="$seen" -v rate="$rate" '{ v[NR] = $1 }
	END {
		if (NR == 0) { printf "live latency: none of %d published events reached SQLite\n", sent; exit }
		p99 = int(NR * 0.99); if (p99 < NR * 0.99) p99++
		printf "live latency publish -> SQLite row, %d of %d events at %d/s: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
		    NR, sent, rate, v[int(NR * 0.5) + 1], v[p99], v[NR]
	}' "$d/lat"
# quantiles COLUMN NAME: p50 and p99 of a column of $d/stages.
quantiles() {
	cut -d' ' -f"$1" "$d/stages" | sort -g | awk -v name="$2" '{ v[NR] = $1 }
		END {
			if (NR == 0) exit
			p99 = int(NR * 0.99); if (p99 < NR * 0.99) p99++
			printf "  %s: p50 %.1f ms, p99 %.1f ms\n", name, v[int(NR * 0.5) + 1], v[p99]
		}'
}
quantiles 1 "publish -> read by nostr-fetch (test relay, socket)"
quantiles 2 "read by nostr-fetch -> SQLite row (fetch, verify, enrich, load)"
