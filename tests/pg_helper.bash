# shellcheck shell=bash
# pg_helper.bash: the PostgreSQL suites' cluster and queries.  tests/run.sh
# starts one throwaway cluster for all of them (scripts/pg-test-cluster.sh)
# and passes it on in NP_PG_*; a suite run by bats alone starts its own in
# setup_file and stops it in teardown_file.  Without PostgreSQL 15 the tests
# skip, saying why.

# pg_setup_file: the cluster, from run.sh or started here.
pg_setup_file() {
	local env rc=0
	if [ -n "${NP_PG_ADMIN_URL:-}" ] || [ -n "${NP_PG_SKIP:-}" ]; then
		return 0
	fi
	env=$("$ROOT/scripts/pg-test-cluster.sh" start 2>"$BATS_FILE_TMPDIR/pg.err") || rc=$?
	if [ "$rc" -ne 0 ]; then
		NP_PG_SKIP="no PostgreSQL cluster: $(tail -1 "$BATS_FILE_TMPDIR/pg.err")"
		export NP_PG_SKIP
		return 0
	fi
	eval "$env"
	export NP_PG_DIR NP_PG_URL NP_PG_ADMIN_URL NP_PG_PASSWORD NP_PG_OWN=1
}

# pg_teardown_file: stops the cluster pg_setup_file started, if it did.
pg_teardown_file() {
	if [ -n "${NP_PG_OWN:-}" ]; then
		"$ROOT/scripts/pg-test-cluster.sh" stop "$NP_PG_DIR"
	fi
}

# pg_need: skips the test when there is no cluster.
pg_need() {
	[ -z "${NP_PG_SKIP:-}" ] || skip "$NP_PG_SKIP"
}

# pg_newdb NAME [empty]: creates the database NAME (owned by np) and prints
# its URL.  It is a copy of np_schema, a database nostr-load made the schema
# in (made here the first time), unless "empty" is given: then it has none.
# pg_setup PREFIX: a test's setup: PostgreSQL there (else the test skips), $T,
# no database from the environment, and DB_PG, a new database named PREFIX
# and the test's number.
pg_setup() {
	pg_need
	T=$BATS_TEST_TMPDIR
	unset NOSTR_DB DATABASE_URL
	DB_PG=$(pg_newdb "$1$BATS_TEST_NUMBER")
}

pg_newdb() {
	local template=np_schema
	if [ "${2:-}" = empty ]; then
		template=template1
	elif [ "$(pq "$NP_PG_ADMIN_URL" "SELECT count(*) FROM pg_database WHERE datname = 'np_schema'")" = 0 ]; then
		psql -X -q -v ON_ERROR_STOP=1 "$NP_PG_ADMIN_URL" -c "CREATE DATABASE np_schema OWNER np" >/dev/null
		nostr-load -q -d "${NP_PG_URL%/*}/np_schema" </dev/null
	fi
	psql -X -q -v ON_ERROR_STOP=1 "$NP_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $1" \
	    -c "CREATE DATABASE $1 TEMPLATE $template OWNER np" >/dev/null 2>&1
	printf '%s\n' "${NP_PG_URL%/*}/$1"
}

# both FILE: FILE loaded into SQLite ($T/lite) and into $DB_PG.
both() {
	nostr-load -q -d "$T/lite" "$1"
	nostr-load -q -d "$DB_PG" "$1"
}

# same ARGS...: nostr-report ARGS... prints the same bytes from both
# databases ($T/lite, $DB_PG), and succeeds on both.
same() {
	nostr-report -d "$T/lite" "$@" >"$T/out.lite"
	nostr-report -d "$DB_PG" "$@" >"$T/out.pg"
	cmp "$T/out.lite" "$T/out.pg"
}

# pq URL SQL: the rows of a query, unaligned, '|' between columns, as sqlite3 prints.
pq() {
	psql -X -q -At -F'|' -v ON_ERROR_STOP=1 "$1" -c "$2"
}

# The tables whose rows both engines must hold alike.  pubkeys is left out:
# it keeps the pubkeys that rows of a since-removed event named, which
# depends on the order of arrival in either engine.
PG_TABLES="nostr_events replaceable_heads users user_profiles follows hashtags mentions
refs replies reactions reposts zaps deletions relay_metrics events_hourly
languages_hourly zaps_hourly event_zap_totals zap_sender_totals zap_recipient_totals
follower_totals authors_hourly authors_daily"

# event_counts_exact URL: event_counts holds what counting gives.
# last_event_exact URL: every users.last_event is its author's newest stored
# event (NULL for none).
last_event_exact() {
	[ "$(pq "$1" 'SELECT count(*) FROM users u WHERE u.last_event IS DISTINCT FROM
	    (SELECT max(created_at) FROM nostr_events e WHERE e.aid = u.aid)')" -eq 0 ]
}

event_counts_exact() {
	[ "$(pq "$1" 'SELECT events = (SELECT count(*) FROM nostr_events) AND contacts =
	    (SELECT count(*) FROM nostr_events WHERE kind = 3) FROM event_counts')" = t ]
}

# counts_sqlite DB, counts_pg URL: "table|rows" per table of PG_TABLES.
counts_sqlite() {
	local t sql=""
	for t in $PG_TABLES; do sql="$sql SELECT '$t', count(*) FROM $t;"; done
	sqlite3 "$1" "$sql"
}
counts_pg() {
	local t sql=""
	for t in $PG_TABLES; do sql="$sql SELECT '$t', count(*) FROM $t;"; done
	pq "$1" "$sql"
}

# The views and tables without surrogate keys that keyless_dump compares:
# every hex view, the summaries (those keyed by a pubkey through it), the
# relay records.
PG_KEYLESS="nostr_events_hex replaceable_heads_hex users_hex user_profiles_hex follows_hex
hashtags_hex mentions_hex refs_hex replies_hex reactions_hex reposts_hex zaps_hex
deletions_hex relay_metrics events_hourly languages_hourly zaps_hourly authors_hourly
authors_daily"

# keyless_sqlite DB, keyless_pg URL: their rows, each line led by its name, sorted.
keyless_sqlite() {
	local v sql=""
	for v in $PG_KEYLESS; do sql="$sql SELECT '$v', * FROM $v;"; done
	sqlite3 "$1" "$sql SELECT 'event_zap_totals', lower(hex(event_id)), zaps, sats
	    FROM event_zap_totals;
	    SELECT 'zap_sender_totals', lower(hex(pubkey)), zaps, sats
	    FROM zap_sender_totals JOIN pubkeys USING (aid);
	    SELECT 'zap_recipient_totals', lower(hex(pubkey)), zaps, sats
	    FROM zap_recipient_totals JOIN pubkeys USING (aid);
	    SELECT 'follower_totals', lower(hex(pubkey)), followers
	    FROM follower_totals JOIN pubkeys USING (aid)" | sort
}
keyless_pg() {
	local v sql=""
	for v in $PG_KEYLESS; do sql="$sql SELECT '$v', * FROM $v;"; done
	pq "$1" "$sql SELECT 'event_zap_totals', encode(event_id, 'hex'), zaps, sats
	    FROM event_zap_totals;
	    SELECT 'zap_sender_totals', encode(pubkey, 'hex'), zaps, sats
	    FROM zap_sender_totals JOIN pubkeys USING (aid);
	    SELECT 'zap_recipient_totals', encode(pubkey, 'hex'), zaps, sats
	    FROM zap_recipient_totals JOIN pubkeys USING (aid);
	    SELECT 'follower_totals', encode(pubkey, 'hex'), followers
	    FROM follower_totals JOIN pubkeys USING (aid)" | sort
}

# full_pg URL: every row of every table, surrogates too, sorted.
full_pg() {
	local t sql=""
	for t in pubkeys $PG_TABLES; do sql="$sql SELECT '$t', * FROM $t;"; done
	pq "$1" "$sql" | sort
}

# pg_cluster restart|pause|resume: scripts/pg-test-cluster.sh on the suite's
# cluster, with no descriptor but 0, 1 and 2 open: a server started from a
# test would keep bats' own (3, 251) and bats would wait for it forever.
pg_cluster() {
	(
		for fd in /proc/$BASHPID/fd/*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
		done
		exec "$ROOT/scripts/pg-test-cluster.sh" "$1" "$NP_PG_DIR" </dev/null
	)
}
