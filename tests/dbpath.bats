#!/usr/bin/env bats
# dbpath.bats: where the tools find the database (lib/store/dbpath.c): -d,
# then NOSTR_DB, then DATABASE_URL, then $XDG_DATA_HOME/nostr-pipeline/nostr.db
# ($XDG_DATA_HOME defaulting to ~/.local/share); nostr-load creates it, the
# readers (nostr-score, nostr-report) never do; nostr-pipeline finds the same
# one.  The relays here are loopback ones the tests start.

bats_require_minimum_version 1.5.0

load common
load relay/helpers

NO_DB="no such database (create it with nostr-load or nostr-pipeline init-db)"

setup() {
	T=$BATS_TEST_TMPDIR
	export D=$T NP_PIDS=$T/pids
	cd "$T"
	unset NOSTR_DB DATABASE_URL XDG_DATA_HOME NOSTR_RELAYS NOSTR_PIPELINE_CONFIG \
	    BATCH_SIZE TRENDING_WINDOW_HOURS MIN_ZAPS_FOR_TRENDING
	export HOME=$T/home
	mkdir -p "$HOME"
}

teardown() {
	stop_runs
	kill_tracked
}

# files: every file and directory under $T but the pid list, one a line.
files() {
	find "$T" -mindepth 1 ! -name pids | sort
}

@test "precedence: -d, then NOSTR_DB, then DATABASE_URL, then the XDG default" {
	run nostr-load --print-db
	[ "$status" -eq 0 ]
	[ "$output" = "$HOME/.local/share/nostr-pipeline/nostr.db" ]
	export DATABASE_URL=sqlite://$T/url.db
	run nostr-load --print-db
	[ "$output" = "$T/url.db" ]
	export NOSTR_DB=$T/env.db
	run nostr-load --print-db
	[ "$output" = "$T/env.db" ]
	run nostr-load -d "$T/opt.db" --print-db
	[ "$output" = "$T/opt.db" ]
	# An empty variable counts as not set.
	NOSTR_DB='' run nostr-load --print-db
	[ "$output" = "$T/url.db" ]
	# --print-db creates nothing.
	[ "$(files)" = "$T/home" ]
}

# recent N: N generated notes of the last hour, for nostr-score to score.
recent() {
	nostr-gen -n "$1" -s "$1" -t $(( $(date +%s) - 3600 )) --span 600 --kinds 1
}

@test "every tool resolves the same way: each step loads, scores and reports one file" {
	# k events into the database of step k, found by nostr-load itself.
	export XDG_DATA_HOME=$T/xdg
	recent 1 | nostr-load -q
	export DATABASE_URL=sqlite://$T/url.db
	recent 2 | nostr-load -q
	export NOSTR_DB=$T/env.db
	recent 3 | nostr-load -q
	recent 4 | nostr-load -q -d "$T/opt.db"
	[ "$(nostr-report -d "$T/opt.db" -f json stats | jq '.[0].events.total')" = 4 ]
	[ "$(nostr-report -f json stats | jq '.[0].events.total')" = 3 ]
	nostr-score -q
	unset NOSTR_DB
	[ "$(nostr-report -f json stats | jq '.[0].events.total')" = 2 ]
	nostr-score -q
	unset DATABASE_URL
	[ "$(nostr-report -f json stats | jq '.[0].events.total')" = 1 ]
	[ -f "$T/xdg/nostr-pipeline/nostr.db" ]
	# nostr-score scored the one its environment named, and only that one.
	for db in env url; do
		[ "$(nostr-report -d "$T/$db.db" -f json stats | jq '.[0].scores.computed_at != null')" = true ]
	done
	for db in opt xdg/nostr-pipeline/nostr; do
		[ "$(nostr-report -d "$T/$db.db" -f json stats | jq '.[0].scores.computed_at == null')" = true ]
	done
	nostr-score -q
	[ "$(nostr-report -f json stats | jq '.[0].scores.computed_at != null')" = true ]
}

@test "XDG default: XDG_DATA_HOME, else HOME/.local/share; a relative XDG_DATA_HOME is ignored" {
	XDG_DATA_HOME=$T/data run nostr-load --print-db
	[ "$output" = "$T/data/nostr-pipeline/nostr.db" ]
	XDG_DATA_HOME=relative/data run nostr-load --print-db
	[ "$output" = "$HOME/.local/share/nostr-pipeline/nostr.db" ]
	# The writer makes the directories of the default.
	[ ! -e "$HOME/.local" ]
	nostr-load -q </dev/null
	[ -f "$HOME/.local/share/nostr-pipeline/nostr.db" ]
	[ "$(sqlite3 "$HOME/.local/share/nostr-pipeline/nostr.db" 'PRAGMA user_version')" = 3 ]
	# Without HOME, XDG_DATA_HOME or any other: a clear error.
	run env -u HOME nostr-load --print-db
	[ "$status" -eq 1 ]
	[[ $output == *"no database: give -d"* ]]
}

@test "DATABASE_URL: sqlite:///absolute, sqlite://relative, sqlite:relative, a plain path" {
	DATABASE_URL=sqlite://$T/abs.db run nostr-load --print-db
	[ "$output" = "$T/abs.db" ]
	DATABASE_URL=sqlite://rel/a.db run nostr-load --print-db
	[ "$output" = "rel/a.db" ]
	DATABASE_URL=sqlite:b.db run nostr-load --print-db
	[ "$output" = "b.db" ]
	DATABASE_URL=$T/plain.db run nostr-load --print-db
	[ "$output" = "$T/plain.db" ]
	mkdir rel
	DATABASE_URL=sqlite://rel/a.db nostr-load -q </dev/null
	[ -f "$T/rel/a.db" ]
	# A path that was given is used as given: no directory is made for it.
	DATABASE_URL=sqlite://$T/typo/a.db run nostr-load -q </dev/null
	[ "$status" -eq 1 ]
	[ ! -e "$T/typo" ]
	run env DATABASE_URL=sqlite:/// nostr-load --print-db
	[ "$status" -eq 1 ]
	[[ $output == *"DATABASE_URL: no database file name in it"* ]]
}

@test "postgresql:// selects PostgreSQL: every tool goes to that server, no password shown" {
	local url tool
	for url in 'postgresql://np:s3cr3t@db.example/np' 'postgres://np:s3cr3t@db.example/np'; do
		# nostr-load shows the database it would use, without the password.
		DATABASE_URL=$url run nostr-load --print-db
		[ "$status" -eq 0 ]
		[ "$output" = "${url/:s3cr3t@/@}" ]
		NOSTR_DB=$url run nostr-load --print-db
		[ "$output" = "${url/:s3cr3t@/@}" ]
		run nostr-load -d "$url?sslmode=disable&password=s3cr3t" --print-db
		[ "$output" = "${url/:s3cr3t@/@}?sslmode=disable&password=***" ]
		for tool in "nostr-score" "nostr-report stats" "nostr-report html" \
		    "nostr-pipeline init-db" "nostr-pipeline stats"; do
			# shellcheck disable=SC2086
			DATABASE_URL=$url run $tool </dev/null
			[ "$status" -eq 1 ]
			[[ $output == *"${url/:s3cr3t@/@}: "* ]]
			[[ $output != *s3cr3t* ]]
		done
	done
	# A password holding @ and / unencoded: less is shown rather than more.
	run nostr-load -d 'postgresql://np:s3@cr/3t@db.example/np' --print-db
	[ "$output" = 'postgresql://np@db.example/np' ]
	DATABASE_URL='mysql://np:s3cr3t@db.example/np' run nostr-load </dev/null
	[ "$status" -eq 1 ]
	[[ $output == *"the scheme mysql is not supported"* ]]
	[[ $output != *s3cr3t* ]]
	# and nothing was created anywhere
	[ "$(files)" = "$T/home" ]
}

@test "readers on a missing database: exit 1, a clear message, nothing created" {
	local cmd
	for cmd in stats trending top-zapped viral users relays zaps languages growth html; do
		run nostr-report -d "$T/none.db" "$cmd"
		[ "$status" -eq 1 ]
		[ "$output" = "nostr-report: $T/none.db: $NO_DB" ]
	done
	run nostr-report -d "$T/none.db" user npub1sn0wdenkukak0d9dfczzeacvhkrgz92ak56egt7vdgzn8pv2wfqqhrjdv9
	[ "$status" -eq 1 ]
	run nostr-report -d "$T/none.db" -o "$T/page.html" html
	[ "$status" -eq 1 ]
	[ "$output" = "nostr-report: $T/none.db: $NO_DB" ]
	run nostr-score -d "$T/none.db"
	[ "$status" -eq 1 ]
	[ "$output" = "nostr-score: $T/none.db: $NO_DB" ]
	# The default too: no directory made for it either.
	run nostr-report stats
	[ "$status" -eq 1 ]
	[ "$output" = "nostr-report: $HOME/.local/share/nostr-pipeline/nostr.db: $NO_DB" ]
	run nostr-score
	[ "$status" -eq 1 ]
	run nostr-pipeline stats
	[ "$status" -eq 1 ]
	[[ $output == *"$NO_DB"* ]]
	[ "$(files)" = "$T/home" ]
}

@test "nostr-pipeline init-db, then nostr-report with no -d: the same database" {
	nostr-pipeline init-db 2>"$T/err"
	grep -qF "$HOME/.local/share/nostr-pipeline/nostr.db ready" "$T/err"
	run nostr-report -f json stats
	[ "$status" -eq 0 ]
	[ "$(jq '.[0].events.total' <<<"$output")" = 0 ]
	# DATABASE_URL from the config file, for the wrapper and the tools alike.
	echo "DATABASE_URL=sqlite://$T/cfg.db" >"$T/cfg"
	NOSTR_PIPELINE_CONFIG=$T/cfg nostr-pipeline init-db
	[ -f "$T/cfg.db" ]
	# -d of the wrapper wins over the config.
	nostr-pipeline --config "$T/cfg" -d "$T/dee.db" init-db
	[ -f "$T/dee.db" ]
}

@test "nostr-pipeline run, then nostr-report stats with no -d: the events run loaded" {
	relay_deps
	start_relay r
	gen 20 41 $(( $(date +%s) - 3000 )) 2000 -a 3 >"$T/events"
	publish "$r_port" "$T/events"
	printf 'NOSTR_RELAYS=ws://127.0.0.1:%s\n' "$r_port" >"$HOME/cfg"
	export NOSTR_PIPELINE_CONFIG=$HOME/cfg
	timeout -s KILL 60 nostr-pipeline run 2>"$T/run.err" 3>&- &
	pid=$!
	track "$pid"
	run_pids="${run_pids:-} $pid"
	for _ in $(seq 200); do
		[ "$(nostr-report -f tsv stats 2>/dev/null | awk -F'\t' 'NR == 2 { print $1 }')" = 20 ] &&
			break
		sleep 0.1
	done
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ]
	unset NOSTR_PIPELINE_CONFIG
	run nostr-report -f json stats
	[ "$status" -eq 0 ]
	[ "$(jq '.[0].events.total' <<<"$output")" = 20 ]
	[ ! -e "$T/nostr.db" ]
	stop_relay r
}
