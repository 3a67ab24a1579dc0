# latency.sh: `nostr-pipeline run` against the loopback test relay while
# events are published at 100 per second; prints p50/p99 of the time from
# publish to the row being visible in SQLite (target p99 < 20 ms).
. bench/lib.sh

command -v node >/dev/null && [ -d tests/relay/node_modules/@nostr-relay/core ] ||
	{ echo "latency.sh: node or tests/relay/node_modules missing: skipped"; exit 0; }
d=$(mktemp -d "${TMPDIR:-/tmp}/np-latency.XXXXXX")
trap 'kill $relay $run 2>/dev/null; rm -rf "$d"' EXIT
count=${LATENCY_EVENTS:-300}
node tests/relay/relay.js --port 0 --db "$d/relay.db" --ready "$d/ready" >"$d/relay.log" 2>&1 &
relay=$!
for i in $(seq 200); do [ -s "$d/ready" ] && break; sleep 0.05; done
port=$(cat "$d/ready")
printf 'NOSTR_RELAYS=ws://127.0.0.1:%s\nNOSTR_DB=%s\nMETRICS_AGGREGATION_INTERVAL_SECONDS=3600\nFLUSH_MS=1\n' \
	"$port" "$d/live.db" >"$d/cfg"
nostr-pipeline --config "$d/cfg" run 2>"$d/run.err" &
run=$!
sleep 2
nostr-gen -n "$count" -s 99 -a 50 -t "$(date +%s)" --span 1 --kinds 1 | grep -v '\\u00' >"$d/events"
# Publish one event every 10 ms, noting when each went out, while a poller
# notes when each id first shows up in SQLite.
node -e '
const WebSocket = require(process.argv[3] + "/node_modules/ws");
const lines = require("fs").readFileSync(process.argv[2], "utf8").trim().split("\n");
const ws = new WebSocket("ws://127.0.0.1:" + process.argv[4]);
ws.on("open", () => {
	let i = 0;
	const t = setInterval(() => {
		if (i >= lines.length) { clearInterval(t); setTimeout(() => ws.close(), 500); return; }
		const ev = JSON.parse(lines[i++]);
		ws.send(JSON.stringify(["EVENT", ev]));
		console.log(ev.id + " " + (Date.now() / 1000).toFixed(4));
	}, 10);
});' "$d/events" "$PWD/tests/relay" "$port" >"$d/sent" &
pub=$!
: >"$d/seen"
while kill -0 $pub 2>/dev/null || [ "$(wc -l <"$d/seen")" -lt "$(wc -l <"$d/sent")" ]; do
	t=$(date +%s.%N)
	sqlite3 "$d/live.db" "SELECT id FROM nostr_events WHERE kind = 1" 2>/dev/null |
		awk -v t="$t" '{ print $1, t }' >>"$d/seen"
	sort -u -k1,1 "$d/seen" -o "$d/seen"
	sleep 0.002
	[ "$(awk '{print $2}' "$d/sent" | wc -l)" -ge "$count" ] && [ "$(wc -l <"$d/seen")" -ge "$count" ] && break
done
join <(sort "$d/sent") <(sort "$d/seen") | awk '{ printf "%.3f\n", ($3 - $2) * 1000 }' | sort -g >"$d/lat"
awk '{ v[NR] = $1 } END { if (NR == 0) { print "latency: no events seen"; exit }
	printf "live latency publish -> SQLite row, %d events at 100/s: p50 %.1f ms, p99 %.1f ms\n",
	NR, v[int(NR * 0.5) + 1], v[int(NR * 0.99) + (NR * 0.99 > int(NR * 0.99))] }' "$d/lat"
kill -TERM $run; wait $run 2>/dev/null
