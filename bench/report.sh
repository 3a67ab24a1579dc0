# shellcheck shell=bash
# report.sh: every nostr-report query on the scored BENCH_EVENTS database of
# score.sh (target: each under 200 ms), median of 5 runs each, in ms.
. bench/lib.sh

n=${BENCH_EVENTS:-1000000}
db=$(score_db "$n")
user=$(sqlite3 "$db" "SELECT lower(hex(k.pubkey)) FROM user_influence i
	JOIN pubkeys k ON k.aid = i.aid WHERE i.rank = 1")
for cmd in stats trending top-zapped viral users "user $user" relays zaps languages growth; do
	for i in 1 2 3 4 5; do
		# shellcheck disable=SC2086
		seconds nostr-report -d "$db" -f json $cmd
	done | median | awk -v c="${cmd%% *}" '{ printf "nostr-report %-11s %7.1f ms\n", c, $1 * 1000 }'
done

# What nostr_events_author, an index every loaded event pays for, buys: the
# user report's count of an author's events, through it and with no index.
q="SELECT count(*), count(*) FILTER (WHERE kind = 1) FROM nostr_events"
for how in "INDEXED BY nostr_events_author" "NOT INDEXED"; do
	for i in 1 2 3 4 5; do
		seconds sqlite3 "$db" "$q $how WHERE aid = (SELECT aid FROM pubkeys WHERE pubkey = x'$user')"
	done | median | awk -v h="$how" '{ printf "  author'\''s events, %-31s %7.1f ms\n", h, $1 * 1000 }'
done
