#!/usr/bin/env bash
# pg-report.sh: every nostr-report query on PostgreSQL (a throwaway cluster,
# scripts/pg-test-cluster.sh, stopped and removed at the end) at
# PG_REPORT_EVENTS generated events (1M; the issue's size is 3M), median of
# 5 runs each in ms, beside the same query on SQLite holding the same events
# (the reference, measured in the same run; target: each under 200 ms).  The
# events are generated over the day before now (nostr-gen -a 20000, as
# score.sh's) and scored once at now on both engines (nostr-score's time on
# each printed too), so the reports read stored scores as they would in use.
# Skips, saying so, without PostgreSQL.
set -eu
. "$(dirname "$0")/lib.sh"
N=${PG_REPORT_EVENTS:-1000000}

pg_cluster pg-report

src="$BENCH_DATA/pg-report-$N.ndjson"
if [ ! -s "$src" ] || [ ! -s "$src.now" ]; then
	now=$(date +%s)
	nostr-gen -n "$N" -s 7 -a 20000 -t $((now - 86400)) --span 86400 >"$src"
	echo "$now" >"$src.now"
fi
now=$(cat "$src.now")
lite="$BENCH_DATA/pg-report-$N.db"
[ -s "$lite" ] || nostr-load -q -d "$lite" "$src"
psql -X -q "$NP_PG_ADMIN_URL" -c "CREATE DATABASE report OWNER np"
pg="${NP_PG_URL%/*}/report"
t=$(seconds nostr-load -q -d "$pg" "$src")
s_pg=$(seconds nostr-score -q -d "$pg" --now "$now")
s_lite=$(seconds nostr-score -q -d "$lite" --now "$now")
printf 'nostr-report on PostgreSQL, %d events (loaded in %.0f s; nostr-score %.1f s,\n' \
    "$(wc -l <"$src")" "$t" "$s_pg"
printf '  %.1f s on SQLite), median of 5 runs\n' "$s_lite"
printf '  %-16s %12s %12s\n' command PostgreSQL SQLite
user=$(sqlite3 "$lite" "SELECT lower(hex(k.pubkey)) FROM users u JOIN pubkeys k ON k.aid = u.aid
	ORDER BY u.last_seen DESC LIMIT 1")
for cmd in stats trending top-zapped viral users "user $user" relays zaps languages growth html; do
	for db in "$pg" "$lite"; do
		for _ in 1 2 3 4 5; do
			# shellcheck disable=SC2086 # $cmd is a command and its argument
			seconds nostr-report -d "$db" -f json --now "$now" $cmd
		done | median
	done | paste -s | awk -v c="${cmd%% *}" '{ printf "  %-16s %9.1f ms %9.1f ms\n", c, $1 * 1000, $2 * 1000 }'
done
