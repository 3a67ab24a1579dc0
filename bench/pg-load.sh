#!/usr/bin/env bash
# pg-load.sh: nostr-load's events/s into PostgreSQL (a throwaway cluster,
# scripts/pg-test-cluster.sh, stopped and removed at the end) at each size
# of PG_EVENTS (100000 and 1000000 enriched events; median of RUNS), one
# loader, and four loaders at once on a quarter each; beside them, the
# reference measured in the same run: a bare COPY of the same events'
# NIP-01 fields into a table with bytea keys and four indexes (id, author
# and time, time, kind and time), what every stored event costs at least.
# Beside each loader's rate, the CPU time the whole machine spent
# meanwhile, and the most four loaders could reach at that cost with every
# core busy.  Skips, saying so, without PostgreSQL.
set -eu
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-3}
SIZES=${PG_EVENTS:-100000 1000000}

pg_cluster pg-load

# prepare N: the enriched events ($f, $n lines), their NIP-01 fields in
# COPY's text format ($bare; jq's @tsv escapes as COPY reads; each id once,
# as nostr-load stores it: at 3M the generator repeats a deletion, signed
# anew, in the same second) and their quarters, made once and kept in
# $BENCH_DATA.
prepare() {
	f="$BENCH_DATA/enriched-$1.ndjson"
	[ -s "$f" ] || nostr-enrich -q "$(events "$1")" >"$f"
	n=$(wc -l <"$f")
	bare="$BENCH_DATA/bare-$1.tsv"
	[ -s "$bare" ] || jq -r '["\\x" + .id, "\\x" + .pubkey, .created_at, .kind,
	    (.tags | tojson), .content, "\\x" + .sig] | @tsv' "$f" |
	    awk -F '\t' '!seen[$1]++' >"$bare"
	for i in 0 1 2 3; do
		[ -s "$f.q$i" ] ||
		    awk -v i="$i" -v q=$(((n + 3) / 4)) 'int((NR - 1) / q) == i' "$f" >"$f.q$i"
	done
}

# fresh NAME: a new empty database, its URL.
fresh() {
	psql -X -q "$NP_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 OWNER np"
	echo "${NP_PG_URL%/*}/$1"
}

# busy: the CPU time all processes have used since boot, in clock ticks
# (/proc/stat: user, nice, system, irq, softirq, steal).
busy() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

# The schema is made before the clock starts, as SQLite's creation is cheap.
# Each prints its wall-clock seconds and the CPU seconds of the whole
# machine meanwhile (the loaders, the server and its helpers).
one() {
	local u t0 t1 c0 c1
	u=$(fresh one)
	nostr-load -q -d "$u" </dev/null
	c0=$(busy)
	t0=$(date +%s.%N)
	nostr-load -q -d "$u" "$f"
	t1=$(date +%s.%N)
	c1=$(busy)
	echo "$t1 - $t0" | bc -l
	echo "($c1 - $c0) / $hz" | bc -l >&3
}
four() {
	local u t0 t1 c0 c1
	u=$(fresh four)
	nostr-load -q -d "$u" </dev/null
	c0=$(busy)
	t0=$(date +%s.%N)
	for i in 0 1 2 3; do nostr-load -q -d "$u" "$f.q$i" & done
	wait
	t1=$(date +%s.%N)
	c1=$(busy)
	echo "$t1 - $t0" | bc -l
	echo "($c1 - $c0) / $hz" | bc -l >&3
}
reference() {
	local u
	u=$(fresh bare)
	psql -X -q "$u" -c "CREATE TABLE bare (id bytea PRIMARY KEY, pubkey bytea NOT NULL,
	    created_at bigint NOT NULL, kind integer NOT NULL, tags text NOT NULL,
	    content text NOT NULL, sig bytea NOT NULL);
	    CREATE INDEX ON bare (pubkey, created_at); CREATE INDEX ON bare (created_at);
	    CREATE INDEX ON bare (kind, created_at)"
	seconds psql -X -q "$u" -c "\\copy bare FROM '$bare'"
}

# measure N: the figures at N events.
measure() {
	local ref stored t1 t4 c1 c4
	prepare "$1"
	ref=$(for _ in $(seq "$RUNS"); do reference; done | median)
	stored=$(psql -X -At "${NP_PG_URL%/*}/bare" -c "SELECT count(*) FROM bare")
	if [ "$stored" -ne "$(wc -l <"$bare")" ]; then
		echo "pg-load: the bare COPY stored $stored of $(wc -l <"$bare") rows" >&2
		exit 1
	fi
	t1=$(for _ in $(seq "$RUNS"); do one; done 3>"$BENCH_DATA/pg-load-cpu1" | median)
	t4=$(for _ in $(seq "$RUNS"); do four; done 3>"$BENCH_DATA/pg-load-cpu4" | median)
	c1=$(median <"$BENCH_DATA/pg-load-cpu1")
	c4=$(median <"$BENCH_DATA/pg-load-cpu4")
	printf 'nostr-load into PostgreSQL, %d enriched events, median of %d runs\n' "$n" "$RUNS"
	printf '  %-44s %10.0f events/s\n' "reference: bare COPY, bytea keys, 4 indexes" \
	    "$(echo "$n / $ref" | bc -l)"
	printf '  %-44s %10.0f events/s  %.2f of the reference  %.1f CPU s\n' "one loader" \
	    "$(echo "$n / $t1" | bc -l)" "$(echo "$ref / $t1" | bc -l)" "$c1"
	printf '  %-44s %10.0f events/s  %.2f of one loader  %.1f CPU s\n' \
	    "four loaders at once, a quarter each" "$(echo "$n / $t4" | bc -l)" \
	    "$(echo "$t1 / $t4" | bc -l)" "$c4"
	printf '  %-44s %10.2f times one loader\n' "at most, with $(nproc) cores kept busy" \
	    "$(echo "$t1 * $(nproc) / $c4" | bc -l)"
}

hz=$(getconf CLK_TCK)
for size in $SIZES; do measure "$size"; done
