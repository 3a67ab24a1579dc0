#!/usr/bin/env bash
# scale.sh: nostr-load as the database grows to millions of events, beside
# bare SQLite rows measured chunk by chunk in the same run, then every
# nostr-report command, the dashboard and nostr-score on the full database.
#
# SCALE_CHUNKS chunks of SCALE_CHUNK generated events (5 x 1000000) from
# SCALE_AUTHORS authors (200000) over SCALE_DAYS days (30), each chunk
# through nostr-enrich once (kept in $BENCH_DATA), then loaded after the
# one before into the same database.  The chunks are consecutive slices of
# one nostr-gen stream, so chunk k is the k-th stretch of the month (days
# 6k-6 to 6k at the defaults): what a user's database sees over a month of
# collecting (and, in larger steps, a backfill run window by window), with
# the same authors throughout, their profiles and follow lists replaced as
# they change, and replies, reactions and zaps aimed at recent events, the
# previous chunk's included.  Slices of the whole month each would need
# other seeds, hence other keys: other authors, not more of the same ones.
#
# Per chunk: nostr-load's events/s; the reference, sqlite-floor -k blob (the NIP-01
# fields only: BLOB id, pubkey and sig, the four indexes an events table
# needs, no derived rows) appending the same chunk to its own database; the
# ratio; each database's bytes per event (page_count * page_size after a
# checkpoint) and bytes written to the disk per event of the chunk (WAL and
# checkpoints: the write amplification); nostr-load's peak RSS beside its
# cache setting.  nostr-score runs after the last two chunks (as of each
# chunk's last event), so that the run after the last is the incremental one
# a user running it after each load would see (scoring every chunk took
# 196 s at 2M: not worth the wait).
#
# SCALE_CACHE_MB (512) is given to both as their page cache; SCALE_LOAD_OPTS
# adds nostr-load options (e.g. "--batch 200000").  The databases are removed
# at the end unless SCALE_KEEP_DB=1.
set -eu
. "$(dirname "$0")/lib.sh"
chunks=${SCALE_CHUNKS:-5}
chunk=${SCALE_CHUNK:-1000000}
authors=${SCALE_AUTHORS:-200000}
days=${SCALE_DAYS:-30}
cache_mb=${SCALE_CACHE_MB:-512}
read -r -a load_opts <<<"${SCALE_LOAD_OPTS:-}"
seed=15
start=1700000000
span=$((days * 86400))
total=$((chunks * chunk))
dir=$BENCH_DATA/scale-${chunks}x$chunk-$authors-${days}d
db=$dir/load.db
floor_db=$dir/floor.db
shared=${NP_SHARED_DATA:-../shared/data}

# inputs: the enriched chunks dir/enriched-K.ndjson, generated (dir/raw-K)
# and enriched once; files are renamed into place only when complete.
inputs() {
	local k have=1
	mkdir -p "$dir"
	for k in $(seq "$chunks"); do
		[ -s "$dir/raw-$k.ndjson" ] || have=0
	done
	if [ "$have" = 0 ]; then
		echo "  generating $total events into $dir"
		rm -f "$dir"/tmp-*
		nostr-gen -n "$total" -a "$authors" -s "$seed" -t "$start" --span "$span" |
			split -l "$chunk" -d -a 4 --additional-suffix=.ndjson - "$dir/tmp-raw-"
		for k in $(seq "$chunks"); do
			mv "$dir/tmp-raw-$(printf %04d $((k - 1))).ndjson" "$dir/raw-$k.ndjson"
		done
	fi
	for k in $(seq "$chunks"); do
		[ -s "$dir/enriched-$k.ndjson" ] && continue
		nostr-enrich -q "$dir/raw-$k.ndjson" >"$dir/tmp-enriched.ndjson"
		mv "$dir/tmp-enriched.ndjson" "$dir/enriched-$k.ndjson"
	done
}

# timed_rss CMD...: "SECONDS PEAK_KIB WRITTEN" of CMD (output discarded;
# WRITTEN in 512-byte blocks, getrusage's ru_oublock), after a sync so that
# no writeback of an earlier step is in flight.
timed_rss() {
	local t0 t1
	sync
	t0=$(date +%s.%N)
	/usr/bin/time -f '%M %O' -o "$dir/rss" "$@" >/dev/null
	t1=$(date +%s.%N)
	echo "$(echo "$t1 - $t0" | bc -l) $(tail -n 1 "$dir/rss")"
}

# db_bytes DB: the database's size once its WAL is checkpointed.
db_bytes() {
	sqlite3 "$1" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	sqlite3 "$1" 'SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()'
}

# verdict VALUE OP TARGET: "ok" when VALUE OP TARGET holds (OP: < <= >=), else "MISS".
verdict() {
	if [ "$(echo "$1 $2 $3" | bc -l)" = 1 ]; then echo ok; else echo MISS; fi
}

remove_dbs() {
	rm -f "$db" "$db-wal" "$db-shm" "$floor_db" "$floor_db-wal" "$floor_db-shm"
}

inputs
remove_dbs
printf 'scale: %d chunks of %d events, %d authors, %d days; cache %d MB; nostr-load %s\n' \
    "$chunks" "$chunk" "$authors" "$days" "$cache_mb" "${SCALE_LOAD_OPTS:-(default options)}"
printf 'targets: ratio >= 0.6 every chunk, >= 40000 events/s for the 5th million,\n'
printf '         <= 1000 B/event, peak RSS < cache + 64 MB, nostr-score < 15 s\n'
printf '  %5s %10s %10s %5s %9s %9s %9s %9s %7s %7s %7s\n' chunk load/s floor/s ratio \
    'load B/e' 'floor B/e' 'load w/e' 'floor w/e' 'RSS MB' 'cache' 'score s'
loaded=0
for k in $(seq "$chunks"); do
	f=$dir/enriched-$k.ndjson
	n=$(wc -l <"$f")
	loaded=$((loaded + n))
	out=$(timed_rss nostr-load -q -d "$db" --cache-mb "$cache_mb" \
	    ${load_opts[@]+"${load_opts[@]}"} "$f")
	read -r t rss lw <<<"$out"
	out=$(timed_rss sqlite-floor -k blob -c "$cache_mb" "$floor_db" "$f")
	read -r tf _ fw <<<"$out"
	rate=$(echo "$n / $t" | bc -l)
	ref=$(echo "$n / $tf" | bc -l)
	lb=$(echo "$(db_bytes "$db") / $loaded" | bc -l)
	fb=$(echo "$(db_bytes "$floor_db") / $loaded" | bc -l)
	now=$((start + span * loaded / total))
	ts=-
	if [ "$k" -ge $((chunks - 1)) ]; then
		out=$(timed_rss nostr-score -q -d "$db" --now "$now")
		read -r ts _ <<<"$out"
		ts=$(printf %.1f "$ts")
	fi
	printf '  %5d %10.0f %10.0f %5.2f %9.0f %9.0f %9.0f %9.0f %7.0f %7d %7s  %s %s %s\n' "$k" \
	    "$rate" "$ref" "$(echo "$rate / $ref" | bc -l)" "$lb" "$fb" "$(echo "$lw * 512 / $n" | bc -l)" \
	    "$(echo "$fw * 512 / $n" | bc -l)" "$(echo "$rss / 1024" | bc -l)" \
	    "$cache_mb" "$ts" "ratio:$(verdict "$rate / $ref" '>=' 0.6)" \
	    "size:$(verdict "$lb" '<=' 1000)" "rss:$(verdict "$rss / 1024" '<' "$cache_mb + 64")"
done
printf '  last chunk: %.0f events/s (target >= 40000: %s); nostr-score %.1f s (target < 15 s: %s)\n' \
    "$rate" "$(verdict "$rate" '>=' 40000)" "$ts" "$(verdict "$ts" '<' 15)"

if nostr-score --help 2>&1 | grep -q -- '--full'; then
	out=$(timed_rss nostr-score -q -d "$db" --now "$now" --full)
	read -r ts _ <<<"$out"
	printf '  nostr-score --full after the last chunk: %.1f s (target < 60 s: %s; one run)\n' \
	    "$ts" "$(verdict "$ts" '<' 60)"
else
	echo "  nostr-score --full: not in this build"
fi

# Every command of nostr-report's --help on the full database, as of its
# last event; each run once first (it must work; it warms the page cache).
user=$(nostr-gen --pubkey 0 -s "$seed")
printf 'nostr-report at %d events, median of 3 (target < 200 ms; the dashboard < 1 s)\n' "$loaded"
for cmd in $(nostr-report --help 2>&1 | awk '/^Commands:/ { on = 1; next } /^Options:/ { on = 0 } on && NF { print $1 }'); do
	case $cmd in
	user) args=(-f json user "$user"); limit=0.2 ;;
	html) args=(html -o "$dir/dashboard.html"); limit=1 ;;
	export | have) echo "  $cmd: the whole archive (or its ids), not a report: not timed"; continue ;;
	*) args=(-f json "$cmd"); limit=0.2 ;;
	esac
	if ! nostr-report -d "$db" --now "$now" "${args[@]}" >/dev/null 2>"$dir/report.err"; then
		printf '  %-12s failed: %s\n' "$cmd" "$(head -n 1 "$dir/report.err")"
		continue
	fi
	t=$(for _ in 1 2 3; do seconds nostr-report -d "$db" --now "$now" "${args[@]}"; done | median)
	printf '  %-12s %8.1f ms  %s\n' "$cmd" "$(echo "$t * 1000" | bc -l)" "$(verdict "$t" '<' "$limit")"
done

# The real corpus: what a database of real events costs per event, in full
# and beyond the empty database's pages (3 935 events cannot hide those).
real=$shared/combined/all-valid-events.ndjson
real_db=$dir/real.db
real_floor=$dir/real-floor.db
if [ -s "$real" ]; then
	rm -f "$real_db"* "$real_floor"*
	nostr-load -q -d "$real_db" /dev/null
	empty=$(db_bytes "$real_db")
	nostr-load -q -d "$real_db" "$real"
	sqlite-floor -k blob "$real_floor" /dev/null >/dev/null
	fempty=$(db_bytes "$real_floor")
	sqlite-floor -k blob "$real_floor" "$real" >/dev/null
	n=$(wc -l <"$real")
	lb=$(db_bytes "$real_db")
	fb=$(db_bytes "$real_floor")
	printf 'real corpus (%s, %d events): nostr-load %.0f B/event (%.0f beyond the empty db), floor %.0f (%.0f)\n' \
	    "$real" "$n" "$(echo "$lb / $n" | bc -l)" "$(echo "($lb - $empty) / $n" | bc -l)" \
	    "$(echo "$fb / $n" | bc -l)" "$(echo "($fb - $fempty) / $n" | bc -l)"
else
	echo "real corpus: $real is absent (set NP_SHARED_DATA): skipped"
fi
[ "${SCALE_KEEP_DB:-0}" = 1 ] || remove_dbs
rm -f "$real_db"* "$real_floor"* "$dir/rss" "$dir/report.err" "$dir/dashboard.html"
