# score.sh: nostr-score on a database of BENCH_EVENTS (default 1M) generated
# events spread over the last day (target: under 30 s), median of 3 runs.
. bench/lib.sh

# score_db N: a database of N events from nostr-gen | nostr-load, made once.
score_db() {
	local n=$1 db="$BENCH_DATA/score-$1.db" now
	if [ ! -s "$db" ]; then
		now=$(date +%s)
		nostr-gen -n "$n" -s 7 -a 20000 -t $((now - 86400)) --span 86400 |
			nostr-load -q -d "$db" >/dev/null
		echo "$now" >"$db.now"
	fi
	echo "$db"
}

n=${BENCH_EVENTS:-1000000}
db=$(score_db "$n")
now=$(cat "$db.now")
for i in 1 2 3; do
	seconds nostr-score -q -d "$db" --now "$now"
done | median | awk -v n="$n" '{ printf "nostr-score, %d events: %.2f s (median of 3)\n", n, $1 }'
