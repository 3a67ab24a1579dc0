#!/usr/bin/env bats
# pg-load.bats: nostr-load into PostgreSQL (lib/store/pgload.c) against
# nostr-load into SQLite: the same events give the same rows (hex views,
# summaries, row counts), loading is idempotent, four loaders at once on
# overlapping shuffles give what one SQLite load gives; a server restarted
# mid-load costs nothing, one gone for good ends the load with whole batches;
# --prune keeps what SQLite's keeps, and keeps out of loads beside it what it
# removes;
# a server that is not there and a wrong password fail clearly, without
# showing the password.

bats_require_minimum_version 1.5.0

load common
load enrich_helper
load pg_helper

setup_file() {
	pg_setup_file
}

teardown_file() {
	pg_teardown_file
}

setup() {
	pg_setup t
}

# same_as_sqlite FILE: FILE loaded into SQLite ($T/lite) and into $DB_PG
# (by the caller) hold the same rows, and users.last_event is exact there.
same_as_sqlite() {
	nostr-load -q -d "$T/lite" "$1"
	counts_sqlite "$T/lite" >"$T/c1"
	counts_pg "$DB_PG" >"$T/c2"
	diff "$T/c1" "$T/c2"
	keyless_sqlite "$T/lite" >"$T/k1"
	keyless_pg "$DB_PG" >"$T/k2"
	diff "$T/k1" "$T/k2"
	last_event_exact "$DB_PG"
}

@test "generated events of every kind the loader reads: the rows SQLite holds" {
	nostr-gen -n 4000 -s 11 -a 60 --kinds 0,1,3,5,6,7,16,1111,10002,30023,9735 >"$T/in"
	nostr-load -q -d "$DB_PG" --batch 700 "$T/in"
	same_as_sqlite "$T/in"
	# There is something of each to compare.
	for t in replaceable_heads deletions follows user_profiles zaps reactions reposts refs; do
		[ "$(pq "$DB_PG" "SELECT count(*) > 0 FROM $t")" = t ]
	done
	[ "$(pq "$DB_PG" 'SELECT count(*) FROM nostr_events_hex')" -eq \
	    "$(sqlite3 "$T/lite" 'SELECT count(*) FROM nostr_events_hex')" ]
}

@test "the real events: the rows SQLite holds; one partition per month" {
	need_shared combined/all-valid-events.ndjson
	src=$NP_SHARED_DATA/combined/all-valid-events.ndjson
	nostr-load -q -d "$DB_PG" "$src"
	same_as_sqlite "$src"
	months=$(jq -r '.created_at | strftime("%Y_%m")' "$src" | sort -u | wc -l)
	[ "$(pq "$DB_PG" "SELECT count(*) FROM pg_inherits WHERE inhparent = 'nostr_events'::regclass")" -eq "$months" ]
	# Replaceable heads and deletions, by key.
	diff <(sqlite3 "$T/lite" 'SELECT * FROM replaceable_heads_hex ORDER BY 1, 2, 3') \
	    <(pq "$DB_PG" 'SELECT * FROM replaceable_heads_hex ORDER BY 1, 2, 3')
	diff <(sqlite3 "$T/lite" 'SELECT deletion_id, target FROM deletions_hex ORDER BY 1, 2') \
	    <(pq "$DB_PG" 'SELECT deletion_id, target FROM deletions_hex ORDER BY 1, 2')
}

@test "the NIP-01 and NIP-09 cases of load.bats, in one batch and one event a batch" {
	n1=$(note 5 1700000000 'delete me later')
	n2=$(note 5 1700000001 'delete me first')
	n3=$(note 6 1700000002 'not yours to delete')
	art=$(event 5 30023 1700000003 'article' '[["d","post"]]')
	id1=$(jq -r .id <<<"$n1") id2=$(jq -r .id <<<"$n2") id3=$(jq -r .id <<<"$n3")
	tags=$(jq -nc --arg a "$id1" --arg b "$id2" --arg c "$id3" --arg addr "30023:$(pub 5):post" \
	    '[["e",$a],["e",$b],["e",$c],["a",$addr]]')
	{
		printf '%s\n' "$n1" "$n3" "$art"
		event 5 5 1700000010 'oops' "$tags"
		printf '%s\n' "$n2"
		event 5 30023 1700000020 'article v2' '[["d","post"]]'
		event 4 0 1700000000 '{"name":"first"}'
		event 4 0 1700000000 '{"name":"second"}'
		event 4 10002 1700000200 '' '[["r","wss://new"]]'
		event 4 10002 1700000100 '' '[["r","wss://old"]]'
		event 4 30023 1700000000 'none'
		event 4 20001 1700000000 'ephemeral'
		event 7 3 1700000100 '' "[[\"p\",\"$(pub 1)\",\"wss://a\"],[\"p\",\"$(pub 2)\"],[\"p\",\"$(pub 1)\",\"\",\"dup\"]]"
		event 7 3 1700000200 '' "[[\"p\",\"$(pub 2)\",\"wss://b\",\"bob\"],[\"p\",\"$(pub 3)\"]]"
	} >"$T/in"
	nostr-load -q -d "$DB_PG" "$T/in"
	same_as_sqlite "$T/in"
	[ "$(pq "$DB_PG" "SELECT count(*) FROM nostr_events_hex WHERE id IN ('$id1', '$id2')")" -eq 0 ]
	[ "$(pq "$DB_PG" "SELECT count(*) FROM nostr_events_hex WHERE id = '$id3'")" -eq 1 ]
	[ "$(pq "$DB_PG" 'SELECT content FROM nostr_events_hex WHERE kind = 30023 ORDER BY 1')" = "article v2
none" ]
	# One event a batch, in reverse: the same database.
	DB_PG=$(pg_newdb "t${BATS_TEST_NUMBER}r")
	tac "$T/in" | nostr-load -q --batch 1 -d "$DB_PG"
	keyless_pg "$DB_PG" >"$T/k3"
	diff "$T/k2" "$T/k3"
}

@test "users.last_event: a deletion of an author's newest stored note takes it back" {
	a=$(note 5 1700000100 'first') b=$(note 5 1700000200 'second')
	ida=$(jq -r .id <<<"$a") idb=$(jq -r .id <<<"$b")
	printf '%s\n' "$a" "$b" | nostr-load -q -d "$DB_PG"
	[ "$(pq "$DB_PG" 'SELECT last_event FROM users')" = 1700000200 ]
	# The deletion is older than what it deletes: the newest but one is left.
	event 5 5 1700000050 'x' "[[\"e\",\"$idb\"]]" | nostr-load -q -d "$DB_PG"
	[ "$(pq "$DB_PG" 'SELECT last_event FROM users')" = 1700000100 ]
	event 5 5 1700000300 'y' "[[\"e\",\"$ida\"]]" | nostr-load -q -d "$DB_PG"
	[ "$(pq "$DB_PG" 'SELECT last_event FROM users')" = 1700000300 ]
	last_event_exact "$DB_PG"
}

@test "loading again changes nothing; another order changes only the surrogates" {
	nostr-gen -n 3000 -s 5 -a 40 >"$T/in"
	nostr-load -q -d "$DB_PG" --batch 1000 "$T/in"
	full_pg "$DB_PG" >"$T/d1"
	nostr-load -q -d "$DB_PG" --batch 700 "$T/in"
	full_pg "$DB_PG" >"$T/d2"
	cmp "$T/d1" "$T/d2"
	keyless_pg "$DB_PG" >"$T/k1"
	DB_PG=$(pg_newdb "t${BATS_TEST_NUMBER}r")
	tac "$T/in" | nostr-load -q -d "$DB_PG"
	keyless_pg "$DB_PG" | diff "$T/k1" -
}

@test "relay-status records and U+0000 in text: kept as SQLite keeps them, content exactly" {
	cat >"$T/in" <<-'EOF'
	{"type":"relay_status","relay":"wss://a.example","time":1700000000.5,"state":"connected","connect_ms":42.5,"events":0}
	{"type":"relay_status","relay":"wss://a.example","time":1700000060.25,"state":"eose","eose_ms":310,"events":120,"notice":"tab\there","nip11":{"name":"A"}}
	{"type":"relay_status","relay":"wss://a.example","time":1700000060.25,"state":"eose","events":120}
	EOF
	note 1 1700000000 $'nul\x01 and back\\slash\ttab\nline' >>"$T/in"
	jq -nc '{key: 2, kind: 1, created_at: 1700000001, tags: [["t","a\u0000b"]], content: "x\u0000y #tag"}' |
	    sign >>"$T/in"
	nostr-load -q -d "$DB_PG" "$T/in"
	[ "$(pq "$DB_PG" 'SELECT count(*) FROM relay_metrics')" -eq 2 ]
	[ "$(pq "$DB_PG" "SELECT connect_ms FROM relay_metrics WHERE state = 'connected'")" = 42.5 ]
	[ "$(pq "$DB_PG" "SELECT notice FROM relay_metrics WHERE state = 'eose'")" = $'tab\there' ]
	[ "$(pq "$DB_PG" "SELECT content FROM nostr_events_hex WHERE pubkey = '$(pub 1)'")" = \
	    "$(sed -n 4p "$T/in" | jq -r .content)" ]
	# U+0000: text shows U+FFFD, content_raw holds the exact bytes.
	[ "$(pq "$DB_PG" "SELECT encode(content_raw, 'hex') FROM nostr_events WHERE content_raw IS NOT NULL")" = 7800792023746167 ]
	[ "$(pq "$DB_PG" "SELECT content FROM nostr_events WHERE content_raw IS NOT NULL")" = $'x\uFFFDy #tag' ]
	[ "$(pq "$DB_PG" "SELECT count(*) FROM nostr_events WHERE content_raw IS NULL")" -eq 1 ]
}

@test "four loaders at once on overlapping shuffles: what one SQLite load holds" {
	# 50000 events, as many as the issue asks for.
	nostr-gen -n 50000 -s 23 -a 300 --kinds 0,1,3,5,6,7,10002,30023,9735 >"$T/in"
	nostr-load -q -d "$T/lite" "$T/in"
	# A database without the schema: the four make it at once.
	DB_PG=$(pg_newdb "t${BATS_TEST_NUMBER}e" empty)
	# Loader i reads every event but those of quarter i, shuffled its own way.
	for i in 0 1 2 3; do
		awk -v i="$i" 'int((NR - 1) / 12500) != i' "$T/in" |
		    shuf --random-source=<(yes "$i") >"$T/part$i"
	done
	pids=""
	for i in 0 1 2 3; do
		nostr-load -v --batch 2500 -d "$DB_PG" "$T/part$i" 2>"$T/v$i" &
		pids="$pids $!"
	done
	for p in $pids; do wait "$p"; done
	# Each loader accounts for every line it read, an event another
	# stored first among the duplicates; and what they stored, less what
	# they replaced and removed, is what the table holds.
	for i in 0 1 2 3; do
		[ "$(tally_lines "$T/v$i")" = "37500 37500" ]
	done
	[ "$(cat "$T"/v? | tally_kept)" -eq "$(pq "$DB_PG" 'SELECT count(*) FROM nostr_events')" ]
	counts_sqlite "$T/lite" >"$T/c1"
	counts_pg "$DB_PG" | diff "$T/c1" -
	keyless_sqlite "$T/lite" >"$T/k1"
	keyless_pg "$DB_PG" | diff "$T/k1" -
	[ "$(pq "$DB_PG" 'SELECT count(*) FROM deletions')" -gt 100 ]
	# (keyless_* hold the replaceable heads and deletions, by key.)
	event_counts_exact "$DB_PG"
	last_event_exact "$DB_PG"
}

# tally_lines FILE: of nostr-load -v's summary in FILE, the lines read and
# the sum of what became of them.
tally_lines() {
	awk '/lines read/ { read = $2; n = $5 + $8 }
	    /^  (duplicates|older replaceable|refused|ephemeral|older than the last prune)/ {
		n += $NF }
	    END { print read, n }' "$1"
}

# tally_kept: of the -v summaries on standard input, the events stored less
# those replaced and removed.
tally_kept() {
	awk '/lines read/ { n += $5 } /^  (replaced by newer|removed by deletions)/ { n -= $NF }
	    END { print n }'
}

# feed_start FIFO ARGS...: starts nostr-load ARGS... reading FIFO in the
# background (its pid in $pid, its standard error in $T/err) and opens FIFO
# for writing on fd 7.  Should nostr-load die before it opens its input,
# the guard opens the fifo (read-write: that never blocks) so that the test
# fails instead of waiting forever.
feed_start() {
	local fifo=$1
	shift
	mkfifo "$fifo"
	nostr-load "$@" "$fifo" 2>"$T/err" &
	pid=$!
	(while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; exec 8<>"$fifo") \
	    >/dev/null 2>&1 3>&- &
	exec 7>"$fifo"
}

# wait_rows URL N: waits until nostr_events holds N rows or more, while
# $pid lives (a loader that died fails the wait).
wait_rows() {
	until [ "$(pq "$1" 'SELECT count(*) FROM nostr_events')" -ge "$2" ]; do
		kill -0 "$pid"
		sleep 0.1
	done
}

@test "the server restarts mid-load: nostr-load connects again and writes the batch again" {
	nostr-gen -n 6000 -s 31 -a 80 --kinds 0,1,3,5,6,7,10002,30023,9735 >"$T/in"
	feed_start "$T/fifo" -v -d "$DB_PG" --batch 2000 --flush-ms 3600000
	# The first batch committed, half the next one read and not written.
	head -n 3000 "$T/in" >&7
	wait_rows "$DB_PG" 1
	pg_cluster restart
	tail -n +3001 "$T/in" >&7
	exec 7>&-
	wait "$pid"
	grep -Eq '^  reconnects +1$' "$T/err"
	grep -Eq ' 3 commits$' "$T/err"
	run ! grep -F "$NP_PG_PASSWORD" "$T/err"
	same_as_sqlite "$T/in"
	# And every row, surrogates aside, of a load that nothing interrupted.
	keyless_pg "$DB_PG" >"$T/k3"
	DB_PG=$(pg_newdb "t${BATS_TEST_NUMBER}c")
	nostr-load -q -d "$DB_PG" --batch 2000 "$T/in"
	keyless_pg "$DB_PG" | diff "$T/k3" -
}

@test "the server gone past --reconnect-for: exit 1, whole batches kept; a rerun completes the load" {
	nostr-gen -n 5000 -s 37 -a 70 --kinds 0,1,3,5,6,7,10002,30023,9735 >"$T/in"
	feed_start "$T/fifo" -d "$DB_PG" --batch 2000 --flush-ms 3600000 --reconnect-for 1
	head -n 3000 "$T/in" >&7
	wait_rows "$DB_PG" 1
	pg_cluster pause
	tail -n +3001 "$T/in" >&7
	exec 7>&-
	rc=0
	wait "$pid" || rc=$?
	pg_cluster resume
	[ "$rc" -eq 1 ]
	grep -q 'connecting again for 1 s failed: connection to server at "127.0.0.1", port [0-9]* failed: Connection refused' "$T/err"
	run ! grep -F "$NP_PG_PASSWORD" "$T/err"
	# Only the first batch is there, whole: its rows are those of a load of it.
	head -n 2000 "$T/in" >"$T/first"
	keyless_pg "$DB_PG" >"$T/k1"
	DB_PG2=$(pg_newdb "t${BATS_TEST_NUMBER}f")
	nostr-load -q -d "$DB_PG2" "$T/first"
	keyless_pg "$DB_PG2" | diff "$T/k1" -
	# The same input again completes the load.
	nostr-load -q -d "$DB_PG" --batch 2000 "$T/in"
	same_as_sqlite "$T/in"
}

@test "no server there: a clear error, exit 1, no password shown" {
	url="postgresql://np:Sekr1tPw@127.0.0.1:1/np"
	run -1 nostr-load -d "$url" </dev/null
	[[ $output == "nostr-load: postgresql://np@127.0.0.1:1/np: connection to server at"* ]]
	[[ $output == *"Connection refused"* ]]
	[[ $output != *Sekr1tPw* ]]
	DATABASE_URL=$url run -1 nostr-load </dev/null
	[[ $output != *Sekr1tPw* ]]
	[[ $output == *"Connection refused"* ]]
}

@test "a wrong password: a clear error, exit 1, neither password shown; PGPASSFILE works" {
	bad="${DB_PG/:$NP_PG_PASSWORD@/:Wr0ngPass@}"
	[ "$bad" != "$DB_PG" ]
	run -1 nostr-load -d "$bad" </dev/null
	[[ $output == *'password authentication failed for user "np"'* ]]
	[[ $output != *Wr0ngPass* ]]
	[[ $output != *"$NP_PG_PASSWORD"* ]]
	# Credentials from PGPASSFILE, as libpq reads them: a URL without one loads.
	nopw="${DB_PG/:$NP_PG_PASSWORD@/@}"
	printf '127.0.0.1:*:*:np:%s\n' "$NP_PG_PASSWORD" >"$T/pgpass"
	chmod 600 "$T/pgpass"
	note 1 1700000000 'hello' | PGPASSFILE=$T/pgpass nostr-load -q -d "$nopw"
	[ "$(pq "$DB_PG" 'SELECT count(*) FROM nostr_events')" -eq 1 ]
	run -1 env PGPASSFILE=/nonexistent nostr-load -q -d "$nopw" </dev/null
	[[ $output == *"password"* ]]
	# A password= parameter is hidden as well.
	run -1 nostr-load -d "${bad/:Wr0ngPass@/@}?password=Wr0ngPass" </dev/null
	[[ $output == *"password=***"* ]]
	[[ $output != *Wr0ngPass* ]]
}

@test "the password leaves ps: nostr-load's command line shows it masked" {
	# The open returns once nostr-load, connected, opens its input.
	feed_start "$T/fifo" -q -d "$DB_PG"
	note 1 1700000000 'hello' >&7
	tr '\0' ' ' <"/proc/$pid/cmdline" >"$T/cmdline"
	exec 7>&-
	wait "$pid"
	grep -Eq 'postgresql://np:x+@127\.0\.0\.1' "$T/cmdline"
	run ! grep -qF "$NP_PG_PASSWORD" "$T/cmdline"
	[ "$(pq "$DB_PG" 'SELECT count(*) FROM nostr_events')" -eq 1 ]
	# --print-db shows the database without the password.
	run -0 nostr-load --print-db -d "$DB_PG"
	[ "$output" = "${DB_PG/:$NP_PG_PASSWORD@/@}" ]
}

@test "--prune: what SQLite's prune keeps, the months before the cutoff made anew" {
	# 2023-11-14 to 2024-03-13; the cutoff, 2024-02-02, leaves November,
	# December and January wholly before it and cuts February.
	cut=1706912000
	nostr-gen -n 6000 -s 47 -a 60 -t 1700000000 --span 10368000 \
	    --kinds 0,1,3,5,6,7,10002,30023,9735 >"$T/in"
	# Two authors whose newest event is pruned: one keeps its profile (a
	# replaceable head), the other keeps nothing.
	{ event 90 0 1700100000 '{"name":"kept"}'; note 90 1702000000 'pruned'
	  note 91 1703000000 'pruned too'; } >>"$T/in"
	nostr-load -q -d "$DB_PG" --batch 1000 "$T/in"
	nostr-load -q -d "$T/lite" "$T/in"
	last() {
		pq "$DB_PG" "SELECT coalesce(u.last_event, 0) FROM users u JOIN pubkeys k USING (aid) WHERE k.pubkey = decode('$(pub "$1")', 'hex')"
	}
	[ "$(last 90) $(last 91)" = "1702000000 1703000000" ]
	parts=$(pq "$DB_PG" "SELECT count(*) FROM pg_inherits WHERE inhparent = 'nostr_events'::regclass")
	run -0 nostr-load -v -d "$DB_PG" --prune "$cut" --batch 300
	[[ $output == *" month partitions made anew" ]]
	[[ $output == *"; 3 month partitions made anew" ]]
	[[ $output != *"$NP_PG_PASSWORD"* ]]
	nostr-load -q -d "$T/lite" --prune "$cut" --batch 300
	counts_sqlite "$T/lite" >"$T/c1"
	counts_pg "$DB_PG" | diff "$T/c1" -
	keyless_sqlite "$T/lite" >"$T/k1"
	keyless_pg "$DB_PG" | diff "$T/k1" -
	# Something went, something stayed before the cutoff; the months are all there.
	[ "$(pq "$DB_PG" "SELECT count(*) FROM nostr_events WHERE created_at < $cut AND d_tag IS NULL AND kind <> 5")" -eq 0 ]
	[ "$(pq "$DB_PG" "SELECT count(*) FROM nostr_events_2023_12")" -gt 0 ]
	[ "$(pq "$DB_PG" "SELECT count(*) FROM nostr_events WHERE created_at >= $cut")" -gt 0 ]
	[ "$(pq "$DB_PG" "SELECT count(*) FROM pg_inherits WHERE inhparent = 'nostr_events'::regclass")" -eq "$parts" ]
	[ "$(pq "$DB_PG" 'SELECT pruned_before FROM retention')" -eq "$cut" ]
	event_counts_exact "$DB_PG"
	last_event_exact "$DB_PG"
	[ "$(last 90) $(last 91)" = "1700100000 0" ]
	# What was pruned stays pruned: the same input again changes nothing.
	nostr-load -q -d "$DB_PG" "$T/in"
	keyless_pg "$DB_PG" | diff "$T/k1" -
}

@test "--prune while four loaders load: what the cutoff removes stays out, the counts hold" {
	# Four months of events, shuffled, so that every batch holds events
	# from both sides of the cutoff (2024-01-13: November and December lie
	# wholly before it, January is cut).
	cut=1705184000
	nostr-gen -n 24000 -s 53 -a 120 -t 1700000000 --span 10368000 \
	    --kinds 0,1,3,5,6,7,30023 | shuf --random-source=<(yes 53) >"$T/in"
	split -n l/4 -d "$T/in" "$T/part"
	pids=""
	for i in 0 1 2 3; do
		nostr-load -q --batch 300 -d "$DB_PG" "$T/part0$i" &
		pids="$pids $!"
	done
	# The prune comes once the loads are well under way.
	for _ in $(seq 600); do
		[ "$(pq "$DB_PG" 'SELECT count(*) FROM nostr_events')" -lt 4000 ] || break
		sleep 0.1
	done
	run -0 nostr-load -q -d "$DB_PG" --prune "$cut" --batch 500
	for p in $pids; do wait "$p"; done
	[ "$(pq "$DB_PG" 'SELECT count(*) FROM nostr_events')" -lt 24000 ]
	[ "$(pq "$DB_PG" "SELECT count(*) FROM nostr_events WHERE created_at < $cut AND d_tag IS NULL AND kind <> 5")" -eq 0 ]
	[ "$(pq "$DB_PG" "SELECT count(*) FROM nostr_events WHERE created_at < $cut")" -gt 0 ]
	event_counts_exact "$DB_PG"
	last_event_exact "$DB_PG"
}
