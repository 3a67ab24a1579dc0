# shellcheck shell=bash
# score.sh: nostr-score on a database of BENCH_EVENTS (default 1M) generated
# events spread over the last day (target: under 30 s), median of 3 runs of
# --full; then, beside it, an incremental run after the last tenth of a
# stream of as many events (nine tenths loaded and scored first, then the
# rest loaded into a copy: the reference is --full on that same copy).
. bench/lib.sh

n=${BENCH_EVENTS:-1000000}
db=$(score_db "$n")
now=$(cat "$db.now")
for _ in 1 2 3; do
	seconds nostr-score -q --full -d "$db" --now "$now"
done | median | awk -v n="$n" '{ printf "nostr-score --full, %d events: %.2f s (median of 3)\n", n, $1 }'

base="$BENCH_DATA/score-inc-$n.db" rest="$BENCH_DATA/score-inc-$n.rest" copy="$BENCH_DATA/score-inc-copy.db"
if [ ! -s "$base" ] || [ ! -s "$rest" ]; then
	rm -f "$base" "$base-wal" "$base-shm" "$rest"
	nostr-gen -n "$n" -s 9 -a 20000 -t $((now - 86400)) --span 86400 >"$rest.all"
	head -n $((n * 9 / 10)) "$rest.all" | nostr-load -q -d "$base" >/dev/null
	tail -n +$((n * 9 / 10 + 1)) "$rest.all" >"$rest"
	rm -f "$rest.all"
	nostr-score -q -d "$base" --now "$now"
fi
for mode in incremental --full; do
	for _ in 1 2 3; do
		rm -f "$copy" "$copy-wal" "$copy-shm"
		cp "$base" "$copy"
		nostr-load -q -d "$copy" "$rest" >/dev/null
		if [ "$mode" = --full ]; then
			seconds nostr-score -q --full -d "$copy" --now $((now + 3600))
		else
			seconds nostr-score -q -d "$copy" --now $((now + 3600))
		fi
	done | median | awk -v n="$n" -v m="$mode" '{ printf "nostr-score %s after the last %d of %d events: %.2f s (median of 3)\n", m, n / 10, n, $1 }'
done
rm -f "$copy" "$copy-wal" "$copy-shm"
