#!/usr/bin/env bats
# pipeline-stages.bats: what nostr-pipeline hands to the tools, and what it
# makes of their failures: a stage of a chain that fails fails the command;
# options are passed only when the user or the config set them, the tools'
# defaults being the tools' own.  A stand-in for one tool (in $T/bin, first on
# PATH) crashes, or records its arguments and runs the real one.  The relay is
# a loopback one the test starts.

bats_require_minimum_version 1.5.0

load common
load relay/helpers

setup() {
	T=$BATS_TEST_TMPDIR
	export D=$T NP_PIDS=$T/pids
	cd "$T"
	unset NOSTR_RELAYS NOSTR_DB DATABASE_URL NOSTR_PIPELINE_CONFIG BATCH_SIZE FLUSH_MS \
	    TRENDING_WINDOW_HOURS MIN_ZAPS_FOR_TRENDING METRICS_AGGREGATION_INTERVAL_SECONDS \
	    XDG_DATA_HOME NOSTR_KINDS
	export HOME=$T/home
	mkdir -p "$HOME" "$T/bin"
	export NOSTR_PIPELINE_CONFIG=$T/cfg
	: >"$T/cfg"
}

teardown() {
	stop_runs
	kill_tracked
}

# relay_with_events: a loopback relay with 15 recent events, in the config.
relay_with_events() {
	relay_deps
	start_relay r
	gen 15 51 $(( $(date +%s) - 3000 )) 2000 -a 3 >"$T/events"
	publish "$r_port" "$T/events"
	echo "NOSTR_RELAYS=ws://127.0.0.1:$r_port" >>"$T/cfg"
}

# crashing TOOL: TOOL reads its input, then dies of SIGSEGV.
crashing() {
	printf '#!/bin/sh\ncat >/dev/null\nkill -SEGV $$\n' >"$T/bin/$1"
	chmod +x "$T/bin/$1"
}

# recording TOOL: TOOL appends its arguments, one line a call, to $T/TOOL.args
# and runs the real one.
recording() {
	local real
	real=$(command -v "$1")
	printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s"\nexec "%s" "$@"\n' "$T/$1.args" "$real" \
		>"$T/bin/$1"
	chmod +x "$T/bin/$1"
}

@test "update: a crash of nostr-verify or nostr-enrich fails it" {
	relay_with_events
	local tool
	for tool in nostr-verify nostr-enrich; do
		rm -f "$T/bin/"*
		crashing "$tool"
		PATH=$T/bin:$PATH run nostr-pipeline update
		[ "$status" -eq 1 ]
		[[ $output == *"nostr-pipeline: loading failed"* ]]
	done
	# The same without a stand-in: it works, so the failure was the stage's;
	# and the failed runs did not move the fetch state past what they lost.
	rm -f "$T/bin/"*
	run nostr-pipeline update
	[ "$status" -eq 0 ]
	[[ $output == *", 15 new, 15 in "* ]]
	stop_relay r
}

@test "backfill: a crash of nostr-verify or nostr-enrich fails it" {
	relay_with_events
	local tool
	for tool in nostr-verify nostr-enrich; do
		rm -f "$T/bin/"*
		crashing "$tool"
		PATH=$T/bin:$PATH run nostr-pipeline backfill --since 1d
		[ "$status" -eq 1 ]
		[[ $output == *"nostr-pipeline: backfill failed"* ]]
	done
	rm -f "$T/bin/"*
	run nostr-pipeline backfill --since 1d
	[ "$status" -eq 0 ]
	[ "$(nostr-report -f json stats | jq '.[0].events.total')" = 15 ]
	stop_relay r
}

@test "update and backfill: --batch only when BATCH_SIZE is set" {
	relay_with_events
	recording nostr-load
	PATH=$T/bin:$PATH nostr-pipeline update 2>/dev/null
	PATH=$T/bin:$PATH nostr-pipeline backfill --since 1d
	run grep -c -e --batch -e --flush-ms "$T/nostr-load.args"
	[ "$output" = 0 ]
	echo "BATCH_SIZE=7" >>"$T/cfg"
	PATH=$T/bin:$PATH nostr-pipeline update 2>/dev/null
	PATH=$T/bin:$PATH nostr-pipeline backfill --since 1d
	# the event chain of each (the database creation and the relay records
	# are loads of their own)
	[ "$(grep -c -e '--batch 7' "$T/nostr-load.args")" = 2 ]
	run ! grep -e '--batch [^7]' "$T/nostr-load.args"
	run nostr-pipeline -f json stats
	[ "$(jq '.[0].events.total' <<<"$output")" = 15 ]
	stop_relay r
}

@test "trending: --hours and --limit only when given; the window from the config" {
	nostr-load -q </dev/null
	recording nostr-report
	PATH=$T/bin:$PATH nostr-pipeline trending >/dev/null
	[ "$(tail -n 1 "$T/nostr-report.args")" = "-d $HOME/.local/share/nostr-pipeline/nostr.db trending" ]
	PATH=$T/bin:$PATH nostr-pipeline trending --hours 6 --limit 3 >/dev/null
	[ "$(tail -n 1 "$T/nostr-report.args")" = \
	    "-d $HOME/.local/share/nostr-pipeline/nostr.db --hours 6 --limit 3 trending" ]
	# TRENDING_WINDOW_HOURS reaches nostr-report, which applies it.
	printf '#!/bin/sh\necho "${TRENDING_WINDOW_HOURS-unset} $*"\n' >"$T/bin/nostr-report"
	PATH=$T/bin:$PATH run nostr-pipeline trending
	[ "$output" = "unset -d $HOME/.local/share/nostr-pipeline/nostr.db trending" ]
	echo "TRENDING_WINDOW_HOURS=48" >>"$T/cfg"
	PATH=$T/bin:$PATH run nostr-pipeline trending
	[ "$output" = "48 -d $HOME/.local/share/nostr-pipeline/nostr.db trending" ]
}

@test "dashboard -o: nostr-report writes the file, no temporary file of the wrapper's" {
	nostr-load -q </dev/null
	recording nostr-report
	mkdir "$T/site"
	PATH=$T/bin:$PATH run nostr-pipeline dashboard -o "$T/site/index.html"
	[ "$status" -eq 0 ]
	[ "$(tail -n 1 "$T/nostr-report.args")" = \
	    "-d $HOME/.local/share/nostr-pipeline/nostr.db -o $T/site/index.html html" ]
	[ "$(ls -A "$T/site")" = index.html ]
	[[ $(cat "$T/site/index.html") == "<!DOCTYPE html>"*"</html>" ]]
	# An unwritable directory: exit 1, nothing left behind.
	run nostr-pipeline dashboard -o "$T/none/index.html"
	[ "$status" -eq 1 ]
	[ ! -e "$T/none" ]
}

@test "help, version and usage errors need no database, whatever DATABASE_URL says" {
	export DATABASE_URL=postgresql://np:s3cr3t@db.example/np
	run nostr-pipeline help
	[ "$status" -eq 0 ]
	[[ $output == *'$XDG_DATA_HOME/nostr-pipeline/nostr.db'* ]]
	run nostr-pipeline version
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "nostr-pipeline 0.1.0" ]
	run nostr-pipeline frobnicate
	[ "$status" -eq 2 ]
	# A report and a score go to that server (there is none).
	run -1 nostr-pipeline stats
	[[ $output == "nostr-report: postgresql://np@db.example/np: "* ]]
	[[ $output != *s3cr3t* ]]
	run -1 nostr-pipeline score
	[[ $output == "nostr-score: postgresql://np@db.example/np: "* ]]
	[[ $output != *s3cr3t* ]]
}

# run_args: starts nostr-pipeline run against a port nobody listens on (no
# relay is needed to see what the chain was given), waits for its event
# chain's nostr-load to start, and stops it with TERM, as a user would.
run_args() {
	local pid i
	printf 'NOSTR_RELAYS=ws://127.0.0.1:%s\n' "$(free_port)" >>"$T/cfg"
	PATH=$T/bin:$PATH timeout -s KILL 60 nostr-pipeline run 2>"$T/run.err" 3>&- &
	pid=$!
	track "$pid"
	run_pids="${run_pids:-} $pid"
	for ((i = 0; i < 200; i++)); do
		# "running:" comes once the wrapper traps TERM to stop in order.
		grep -qs -e --flush-ms "$T/nostr-load.args" && grep -qs running: "$T/run.err" &&
			break
		sleep 0.1
	done
	kill -TERM "$pid"
	wait "$pid"
}

@test "run: live, so --flush-ms 5 unless FLUSH_MS says; --batch only with BATCH_SIZE" {
	command -v node >/dev/null || skip "node is not installed"
	recording nostr-load
	run_args
	grep -qx -e "-q -d $HOME/.local/share/nostr-pipeline/nostr.db --flush-ms 5" "$T/nostr-load.args"
	run ! grep -e --batch "$T/nostr-load.args"
	rm "$T/nostr-load.args"
	printf 'FLUSH_MS=20\nBATCH_SIZE=7\n' >"$T/cfg"
	run_args
	grep -qx -e "-q -d $HOME/.local/share/nostr-pipeline/nostr.db --batch 7 --flush-ms 20" \
		"$T/nostr-load.args"
}

@test "run: a nostr-fetch that fails at once fails run, which does not hang" {
	# Not a ws:// URL: nostr-fetch exits 2 before it opens its --stats FIFO.
	echo "NOSTR_RELAYS=http://127.0.0.1:1" >>"$T/cfg"
	run timeout -s KILL 60 nostr-pipeline run 3>&-
	[ "$status" -eq 1 ]
	[[ $output == *"nostr-pipeline: nostr-fetch failed (exit 2)"* ]]
}
