# shellcheck shell=bash
# lib.sh: helpers the bench scripts source (not a benchmark itself).

# events N: a file of N generated events, made once and kept in $BENCH_DATA.
events() {
	local f="$BENCH_DATA/events-$1.ndjson"
	[ -s "$f" ] || nostr-gen -n "$1" -s 42 -a 5000 >"$f"
	echo "$f"
}

# median: the median of the numbers on standard input, one per line.
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# seconds CMD...: wall-clock seconds CMD takes (output discarded).  A CMD
# that fails stops the whole script, saying so: its time would be a figure
# of nothing (this runs in $(...), where set -e does not reach).
seconds() {
	local t0 t1 rc=0
	t0=$(date +%s.%N)
	"$@" >/dev/null || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "${0##*/}: exit status $rc: $*" >&2
		kill -TERM $$
		exit 1
	fi
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}

# max_rss_kb CMD...: the peak resident set of CMD, in KiB.
max_rss_kb() {
	/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1
}

# score_db N: a database of N events generated over the day before it was
# made (nostr-gen -a 20000 | nostr-load), scored once at that time (kept in
# DB.now), made once and kept in $BENCH_DATA (score.sh and report.sh).
score_db() {
	local n=$1 db="$BENCH_DATA/score-$1.db" now
	if [ ! -s "$db" ] || [ ! -s "$db.now" ]; then
		rm -f "$db" "$db-wal" "$db-shm" "$db.now"
		now=$(date +%s)
		nostr-gen -n "$n" -s 7 -a 20000 -t $((now - 86400)) --span 86400 |
			nostr-load -q -d "$db" >/dev/null
		nostr-score -q -d "$db" --now "$now"
		echo "$now" >"$db.now"
	fi
	echo "$db"
}

# pg_cluster NAME: starts a throwaway PostgreSQL cluster (its NP_PG_* set
# here) that is stopped and removed when the script exits; without
# PostgreSQL, says that NAME is skipped and exits 0.
pg_cluster() {
	local env
	if ! env=$(scripts/pg-test-cluster.sh start 2>&1); then
		echo "$1: skipped: $env"
		exit 0
	fi
	eval "$env"
	trap 'scripts/pg-test-cluster.sh stop "$NP_PG_DIR"' EXIT
}
