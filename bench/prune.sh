# shellcheck shell=bash
# prune.sh: nostr-load --prune 90d on BENCH_EVENTS (default 200k) generated
# events over the 120 days before now, median of 3 copies, beside the same
# removal as one DELETE statement from sqlite3 (one transaction: the
# reference a batched prune pays for its short locks); then the space: the
# free pages a prune leaves, and how much the file grows when as many events
# as were pruned are loaded next, against the same load into an unpruned copy.
. bench/lib.sh

n=${BENCH_EVENTS:-200000}
now=$(date +%s)
base="$BENCH_DATA/prune-$n.db"
w="$BENCH_DATA/prune-work.db"
rm -f "$base" "$base"-wal "$base"-shm
nostr-gen -n "$n" -s 9 -a 20000 -t $((now - 120 * 86400)) --span $((120 * 86400)) |
	nostr-load -q -d "$base"
sqlite3 "$base" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cut=$((now - 90 * 86400))

fresh() { rm -f "$w" "$w"-wal "$w"-shm; cp "$base" "$w"; }
pages() { sqlite3 "$1" "PRAGMA page_count"; }

for i in 1 2 3; do
	fresh
	seconds nostr-load -q -d "$w" --prune "$cut"
done | median >"$BENCH_DATA/prune.t"
for i in 1 2 3; do
	fresh
	seconds sqlite3 "$w" "DELETE FROM nostr_events WHERE created_at < $cut
	    AND d_tag IS NULL AND kind <> 5"
done | median >"$BENCH_DATA/delete.t"
fresh
out=$(nostr-load -v -d "$w" --prune "$cut" 2>&1)
removed=$(sed -n 's/.*: \([0-9]*\) events pruned.*/\1/p' <<<"$out")
batches=$(sed -n 's/.* in \([0-9]*\) transactions.*/\1/p' <<<"$out")
free=$(sqlite3 "$w" "PRAGMA freelist_count")
total=$(pages "$w")
awk -v n="$n" -v r="$removed" -v b="$batches" -v t="$(cat "$BENCH_DATA/prune.t")" \
    -v d="$(cat "$BENCH_DATA/delete.t")" 'BEGIN {
	printf "prune, %d of %d events: %.2f s in %d transactions (%.0f ms each), one DELETE: %.2f s (medians of 3)\n",
	    r, n, t, b, 1000 * t / b, d }'

# The space: load as many new events as were pruned, into the pruned copy
# and into the unpruned one.
nostr-gen -n "$removed" -s 10 -a 20000 -t $((now - 86400)) --span 86400 >"$BENCH_DATA/prune-next.ndjson"
p0=$(pages "$w")
nostr-load -q -d "$w" "$BENCH_DATA/prune-next.ndjson"
sqlite3 "$w" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
p1=$(pages "$w")
u0=$(pages "$base")
cp "$base" "$w"
nostr-load -q -d "$w" "$BENCH_DATA/prune-next.ndjson"
sqlite3 "$w" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
u1=$(pages "$w")
awk -v f="$free" -v t="$total" -v p0="$p0" -v p1="$p1" -v u0="$u0" -v u1="$u1" -v r="$removed" 'BEGIN {
	mb = 8192 / 1048576
	printf "prune, space: %.1f of %.1f MB free after it; %d new events then grew the file by %.1f MB (unpruned copy: %.1f MB)\n",
	    f * mb, t * mb, r, (p1 - p0) * mb, (u1 - u0) * mb }'
rm -f "$w" "$w"-wal "$w"-shm "$base" "$base"-wal "$base"-shm "$BENCH_DATA/prune-next.ndjson"
