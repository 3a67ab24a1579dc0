#!/usr/bin/env bats
# pg-report.bats: the readers on PostgreSQL (lib/store/dbq.c).  The same
# events loaded into SQLite and into PostgreSQL give the same bytes from
# every nostr-report command (JSON), export, have and the dashboard, and
# nostr-relays -d reads the same candidates; a database without the schema,
# no server and a wrong password fail clearly, without the password.

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
	pg_setup r
}

# every_report NOW: each command and section, at NOW, in several windows.
every_report() {
	local h c
	for h in "" "--hours 1" "--hours 168" "--hours 8760"; do
		for c in stats trending top-zapped viral users relays zaps languages growth; do
			# shellcheck disable=SC2086 # $h is two words or none
			same -f json --now "$1" $h "$c"
		done
	done
	for c in sizes zappers recipients; do same -f json --now "$1" --section "$c" zaps; done
	same -f json --now "$1" --period hour growth
	same -f csv --now "$1" stats
}

@test "generated events: every report command gives the JSON SQLite gives" {
	nostr-gen -n 4000 -s 11 -a 60 --kinds 0,1,3,5,6,7,16,1111,10002,30023,9735 >"$T/in"
	cat >>"$T/in" <<-'EOF'
	{"type":"relay_status","relay":"wss://a.example","time":1700000000.5,"state":"connected","connect_ms":42.5,"events":0}
	{"type":"relay_status","relay":"wss://a.example","time":1700000060.75,"state":"eose","eose_ms":310,"events":120,"notice":"tab\there"}
	{"type":"relay_status","relay":"wss://b.example","time":1700000001.25,"state":"failed","events":0}
	EOF
	both "$T/in"
	now=$(jq -s 'map(.created_at // empty) | max' "$T/in")
	every_report "$now"
	# There was something to compare: totals, hashtags, zaps, relays.
	nostr-report -d "$DB_PG" -f json --now "$now" stats >"$T/stats"
	[ "$(jq '.[0].events.total' "$T/stats")" -gt 2000 ]
	[ "$(nostr-report -d "$DB_PG" -f json --now "$now" trending | jq length)" -eq 10 ]
	[ "$(nostr-report -d "$DB_PG" -f json --now "$now" top-zapped | jq length)" -gt 0 ]
	[ "$(nostr-report -d "$DB_PG" -f json relays | jq -r '.[0].connect_ms')" = null ]
	[ "$(nostr-report -d "$DB_PG" -f json relays | jq -r '.[0].state')" = eose ]
	# One user of each kind of row: a profile, follows, zaps.
	for pk in $(jq -r 'select(.kind == 0 or .kind == 9735).pubkey' "$T/in" | head -3); do
		same -f json user "$pk"
	done
}

@test "the real events: every report, export, have and the dashboard as on SQLite" {
	need_shared combined/all-valid-events.ndjson
	both "$NP_SHARED_DATA/combined/all-valid-events.ndjson"
	now=$(jq -s 'map(.created_at) | max' "$NP_SHARED_DATA/combined/all-valid-events.ndjson")
	every_report "$now"
	same export
	same --kinds 0,3,10002 --since 1690000000 export
	same have
	same --now "$now" html
	same html
	[ "$(nostr-report -d "$DB_PG" export | nostr-verify | wc -l)" -eq \
	    "$(sqlite3 "$T/lite" 'SELECT count(*) FROM nostr_events')" ]
}

@test "export: the same bytes from both engines, U+0000 in content exactly, every event verifies" {
	nostr-gen -n 1500 -s 5 -a 30 --kinds 0,1,3,5,7,10002,30023 >"$T/in"
	jq -nc '{key: 2, kind: 1, created_at: 1700000001, tags: [["t","a\u0000b"]], content: "x\u0000y #tag"}' |
	    sign >>"$T/in"
	both "$T/in"
	same export
	# The NUL is back as it came; PostgreSQL's text has U+FFFD in its place.
	nostr-report -d "$DB_PG" --kinds 1 --since 1700000001 --until 1700000001 export >"$T/nul"
	[ "$(jq -j .content "$T/nul" | od -An -tx1 | tr -d ' \n')" = 7800792023746167 ]
	same --kinds 1,7 --since 1699990000 --until 1700050000 export
	same --kinds 1,7 --since 1699990000 have
	# nostr-verify keeps every exported event: the same ids, valid signatures.
	nostr-report -d "$DB_PG" export >"$T/all"
	[ "$(nostr-verify <"$T/all" | wc -l)" -eq "$(wc -l <"$T/all")" ]
	[ "$(wc -l <"$T/all")" -eq "$(pq "$DB_PG" 'SELECT count(*) FROM nostr_events')" ]
}

@test "the dashboard: the same page from both engines, with and without --now" {
	nostr-gen -n 3000 -s 7 -a 50 --kinds 0,1,3,6,7,9735 >"$T/in"
	both "$T/in"
	same html
	same --now "$(jq -s 'map(.created_at) | max' "$T/in")" --hours 48 html
	grep -q '<h2' "$T/out.pg"
}

@test "nostr-relays -d: the same candidates from PostgreSQL as from SQLite" {
	nostr-gen -n 2000 -s 3 -a 40 --kinds 0,1,3,10002 >"$T/in"
	both "$T/in"
	nostr-relays --no-resolve -f ndjson -d "$T/lite" >"$T/r.lite"
	nostr-relays --no-resolve -f ndjson -d "$DB_PG" >"$T/r.pg"
	[ -s "$T/r.lite" ]
	cmp "$T/r.lite" "$T/r.pg"
}

@test "a database without the schema, no server, a wrong password: clear, exit 1, no password" {
	empty=$(pg_newdb "r${BATS_TEST_NUMBER}e" empty)
	run -1 nostr-report -d "$empty" stats
	[ "$output" = "nostr-report: ${empty/:$NP_PG_PASSWORD@/@}: no nostr-pipeline schema in this database (create it with nostr-load)" ]
	run -1 nostr-relays -d "$empty"
	[[ $output == *"no nostr-pipeline schema"* ]]
	[[ $output != *"$NP_PG_PASSWORD"* ]]
	run -1 nostr-report -d "postgresql://np:Sekr1tPw@127.0.0.1:1/np" stats
	[[ $output == "nostr-report: postgresql://np@127.0.0.1:1/np: connection to server at"* ]]
	[[ $output != *Sekr1tPw* ]]
	run -1 env DATABASE_URL="${DB_PG/:$NP_PG_PASSWORD@/:Wr0ngPass@}" nostr-report stats
	[[ $output == *'password authentication failed for user "np"'* ]]
	[[ $output != *Wr0ngPass* ]]
	[[ $output != *"$NP_PG_PASSWORD"* ]]
}

@test "the password leaves ps: nostr-report's command line shows it masked" {
	nostr-gen -n 3000 -s 2 -a 10 --kinds 1 | nostr-load -q -d "$DB_PG"
	# The export fills the pipe and waits for it to be read, its command
	# line rewritten by then (before the first query).
	nostr-report -d "$DB_PG" export | {
		sleep 1
		tr '\0' ' ' <"/proc/$(pgrep -n -x nostr-report)/cmdline" >"$T/cmdline"
		cat >/dev/null
	}
	grep -Eq 'postgresql://np:x+@127\.0\.0\.1' "$T/cmdline"
	run ! grep -qF "$NP_PG_PASSWORD" "$T/cmdline"
}

@test "nostr-pipeline on PostgreSQL: the reports, the dashboard, init-db, prune and score" {
	nostr-gen -n 3000 -s 9 -a 50 --kinds 0,1,3,5,7,9735 >"$T/in"
	both "$T/in"
	now=$(jq -s 'map(.created_at) | max' "$T/in")
	cd "$T"
	for c in stats zaps languages top-zapped; do
		NOSTR_DB=$DB_PG nostr-pipeline -f json "$c" --now "$now" >"$T/w.pg"
		nostr-pipeline -d "$T/lite" -f json "$c" --now "$now" >"$T/w.lite"
		cmp "$T/w.lite" "$T/w.pg"
	done
	DATABASE_URL=$DB_PG nostr-pipeline dashboard -o "$T/page.html"
	grep -q '<h2' "$T/page.html"
	# prune: what the same prune keeps in SQLite; no stamp file beside a
	# URL, but in the state directory.
	nostr-pipeline -d "$T/lite" prune --older-than "$((now - 1699900000))s" 2>/dev/null
	export XDG_STATE_HOME=$BATS_FILE_TMPDIR/state$BATS_TEST_NUMBER
	run -0 nostr-pipeline -d "$DB_PG" prune --older-than "$((now - 1699900000))s"
	[[ $output != *"$NP_PG_PASSWORD"* ]]
	ls "$XDG_STATE_HOME"/nostr-pipeline/*.last-prune
	counts_sqlite "$T/lite" >"$T/c1"
	counts_pg "$DB_PG" | diff "$T/c1" -
	# init-db makes the schema in an empty database, and no directory here.
	empty=$(pg_newdb "r${BATS_TEST_NUMBER}e" empty)
	run -0 nostr-pipeline -d "$empty" init-db
	[ "$output" = "nostr-pipeline: ${empty/:$NP_PG_PASSWORD@/@} ready" ]
	[ "$(pq "$empty" 'SELECT count(*) FROM nostr_events')" -eq 0 ]
	[ -z "$(ls -A "$T" | grep -v '^lite\|^in$\|^w\.\|^c1$\|^page.html$')" ]
	# score: the wrapper hands it on (tests/pg-score.bats compares the rows).
	run -0 env NOSTR_DB="$DB_PG" nostr-pipeline score --now "$now"
	[ "$(pq "$DB_PG" 'SELECT now FROM score_runs')" = "$now" ]
}

@test "a reader role with SELECT alone: every report, export and the dashboard" {
	nostr-gen -n 1500 -s 4 -a 30 --kinds 0,1,3,7,9735 >"$T/in"
	both "$T/in"
	db=${DB_PG##*/}
	role=np_reader_$$
	psql -X -q -v ON_ERROR_STOP=1 "$NP_PG_ADMIN_URL" \
	    -c "CREATE ROLE $role LOGIN PASSWORD 'rEader9'" >/dev/null
	psql -X -q -v ON_ERROR_STOP=1 "${NP_PG_ADMIN_URL%/*}/$db" \
	    -c "GRANT SELECT ON ALL TABLES IN SCHEMA public TO $role" >/dev/null
	reader="postgresql://$role:rEader9@${DB_PG#*@}"
	now=$(jq -s 'map(.created_at) | max' "$T/in")
	for c in stats trending top-zapped zaps languages relays; do
		nostr-report -d "$reader" -f json --now "$now" "$c" >"$T/o.reader"
		nostr-report -d "$T/lite" -f json --now "$now" "$c" >"$T/o.lite"
		cmp "$T/o.lite" "$T/o.reader"
	done
	nostr-report -d "$reader" export | cmp - <(nostr-report -d "$T/lite" export)
	nostr-report -d "$reader" --now "$now" html | cmp - <(nostr-report -d "$T/lite" --now "$now" html)
	# It cannot write: the loader's work is not the reader's.
	run -1 nostr-load -q -d "$reader" "$T/in"
	[[ $output != *rEader9* ]]
}
