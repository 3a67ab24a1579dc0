#!/usr/bin/env bash
# pg-report.sh: every nostr-report query on PostgreSQL (a throwaway cluster,
# scripts/pg-test-cluster.sh, stopped and removed at the end) at
# PG_REPORT_EVENTS generated events (1M; the issue's size is 3M), median of
# 5 runs each in ms, beside the same query on SQLite holding the same events
# (the reference, measured in the same run; target: each under 200 ms).  The
# events are generated over the day before now (nostr-gen -a 20000, as
# score.sh's) and scored once at now on both engines (nostr-score --full's
# time on each printed too: a database kept from an earlier run is scored
# in full again, not found current), so the reports read stored scores as
# they would in use.
# The server gets PG_REPORT_BUFFERS of shared_buffers (1GB; the default
# 128MB is a laptop's, not a server's: stats took 228 ms at 3M with it,
# 184 with 1GB), and the database a VACUUM ANALYZE after the load, as
# autovacuum leaves a database at rest (its time printed).
# Skips, saying so, without PostgreSQL.
set -eu
. "$(dirname "$0")/lib.sh"
N=${PG_REPORT_EVENTS:-1000000}

pg_cluster pg-report
psql -X -q "$NP_PG_ADMIN_URL" -c "ALTER SYSTEM SET shared_buffers = '${PG_REPORT_BUFFERS:-1GB}'"
scripts/pg-test-cluster.sh restart "$NP_PG_DIR"

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
s_pg=$(seconds nostr-score -q --full -d "$pg" --now "$now")
s_lite=$(seconds nostr-score -q --full -d "$lite" --now "$now")
v=$(seconds psql -X -q "${NP_PG_ADMIN_URL%/*}/report" -c "VACUUM ANALYZE")
printf 'nostr-report on PostgreSQL, %d events (loaded in %.0f s; nostr-score %.1f s,\n' \
    "$(wc -l <"$src")" "$t" "$s_pg"
printf '  %.1f s on SQLite; VACUUM ANALYZE %.0f s; shared_buffers %s), median of 5 runs\n' \
    "$s_lite" "$v" "${PG_REPORT_BUFFERS:-1GB}"
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
