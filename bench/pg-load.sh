#!/usr/bin/env bash
# pg-load.sh: nostr-load's events/s into PostgreSQL (a throwaway cluster,
# scripts/pg-test-cluster.sh, stopped and removed at the end) at PG_EVENTS
# enriched events (100k; median of RUNS), one loader, and four loaders at
# once on a quarter each; beside them, the reference measured in the same
# run: a bare COPY of the same events' NIP-01 fields into a table with bytea
# keys and four indexes (id, author and time, time, kind and time), what
# every stored event costs at least.  Skips, saying so, without PostgreSQL.
set -eu
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-3}
N=${PG_EVENTS:-100000}

pg_cluster pg-load

f="$BENCH_DATA/enriched-$N.ndjson"
[ -s "$f" ] || nostr-enrich -q "$(events "$N")" >"$f"
n=$(wc -l <"$f")
# The NIP-01 fields in COPY's text format (jq's @tsv escapes as COPY reads).
bare="$BENCH_DATA/bare-$N.tsv"
[ -s "$bare" ] || jq -r '["\\x" + .id, "\\x" + .pubkey, .created_at, .kind, (.tags | tojson),
    .content, "\\x" + .sig] | @tsv' "$f" >"$bare"
for i in 0 1 2 3; do
	[ -s "$f.q$i" ] || awk -v i="$i" -v q=$(((n + 3) / 4)) 'int((NR - 1) / q) == i' "$f" >"$f.q$i"
done

# fresh NAME: a new empty database, its URL.
fresh() {
	psql -X -q "$NP_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 OWNER np"
	echo "${NP_PG_URL%/*}/$1"
}

# The schema is made before the clock starts, as SQLite's creation is cheap.
one() {
	local u
	u=$(fresh one)
	nostr-load -q -d "$u" </dev/null
	seconds nostr-load -q -d "$u" "$f"
}
four() {
	local u t0 t1
	u=$(fresh four)
	nostr-load -q -d "$u" </dev/null
	t0=$(date +%s.%N)
	for i in 0 1 2 3; do nostr-load -q -d "$u" "$f.q$i" & done
	wait
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
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

ref=$(for _ in $(seq "$RUNS"); do reference; done | median)
t1=$(for _ in $(seq "$RUNS"); do one; done | median)
t4=$(for _ in $(seq "$RUNS"); do four; done | median)
printf 'nostr-load into PostgreSQL, %d enriched events, median of %d runs\n' "$n" "$RUNS"
printf '  %-44s %10.0f events/s\n' "reference: bare COPY, bytea keys, 4 indexes" "$(echo "$n / $ref" | bc -l)"
printf '  %-44s %10.0f events/s  %.2f of the reference\n' "one loader" \
    "$(echo "$n / $t1" | bc -l)" "$(echo "$ref / $t1" | bc -l)"
printf '  %-44s %10.0f events/s  %.2f of one loader\n' "four loaders at once, a quarter each" \
    "$(echo "$n / $t4" | bc -l)" "$(echo "$t1 / $t4" | bc -l)"
