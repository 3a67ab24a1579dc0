#!/usr/bin/env bats
# dashboard.bats: the HTML dashboard (`nostr-report html`: lib/dashboard,
# lib/html, lib/svg), built from a database full of hostile text
# (tests/browser/fixture.sql), checked as markup here and rendered in headless
# Chromium by tests/browser/check.js at 1280 and 390 px, light and dark.
# Screenshots are kept in tests/artifacts/.

bats_require_minimum_version 1.5.0

setup_file() {
	ROOT=${ROOT:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export ROOT
	export ARTIFACTS="$ROOT/tests/artifacts"
	mkdir -p "$ARTIFACTS"
	export RAW_DB="$BATS_FILE_TMPDIR/raw.db" SCORED_DB="$BATS_FILE_TMPDIR/scored.db"
	# The fixture is written in schema version 2's layout (hex keys, which
	# its recursive inserts can spell); the first tool to open the database
	# upgrades it in place.
	sqlite3 "$RAW_DB" < "$ROOT/tests/data/schema-v2.sql"
	sqlite3 "$RAW_DB" < "$ROOT/tests/browser/fixture.sql"
	nostr-report -d "$RAW_DB" stats >/dev/null
	cp "$RAW_DB" "$SCORED_DB"
	nostr-score -q -d "$SCORED_DB" --now 1700006400
	nostr-report -d "$RAW_DB" html > "$BATS_FILE_TMPDIR/raw.html"
	nostr-report -d "$SCORED_DB" html -o "$BATS_FILE_TMPDIR/scored.html"
}

page() {
	cat "$BATS_FILE_TMPDIR/$1.html"
}

# markup FILE: the page with every double-quoted attribute value emptied, so
# that only the tags and attribute names are left to search.  (Values hold
# text from the data, escaped: "&lt;img src=x" in a data-name is no attribute.)
markup() {
	sed -E 's/"[^"]*"/""/g' "$1" >"$1.markup"
	echo "$1.markup"
}

@test "the page is one self-contained document with a strict CSP" {
	for p in raw scored; do
		run page "$p"
		[ "$status" -eq 0 ]
		[[ $output == "<!DOCTYPE html>"* ]]
		[[ $output == *"</html>" ]]
		[[ $output == *"Content-Security-Policy\" content=\"default-src 'none'; base-uri 'none'; form-action 'none'; style-src 'sha256-"* ]]
		# Nothing to fetch: no src, srcset, url(), @import or stylesheet link.
		# (The data's own "<img src=x" is text, escaped: only tags count.)
		run ! grep -qiE '<[a-z][^>]*[[:space:]](src|srcset)=|url\(|@import|<link ' "$(markup "$BATS_FILE_TMPDIR/$p.html")"
		[ "$(grep -c '<script>' "$BATS_FILE_TMPDIR/$p.html")" -eq 1 ]
		run ! grep -q 'http-equiv="refresh"' "$BATS_FILE_TMPDIR/$p.html"
	done
}

@test "the six views, each with its charts" {
	run page scored
	for v in overview trending network users relays zaps; do
		[[ $output == *"<section id=\"$v\" class=\"view\""* ]]
	done
	[ "$(grep -o '<svg class="chart spark"' "$BATS_FILE_TMPDIR/scored.html" | wc -l)" -eq 4 ]
	[ "$(grep -o '<svg class="chart chart-line"' "$BATS_FILE_TMPDIR/scored.html" | wc -l)" -eq 6 ]
	[ "$(grep -o '<svg class="chart chart-bar"' "$BATS_FILE_TMPDIR/scored.html" | wc -l)" -eq 6 ]
	[ "$(grep -o '<svg class="chart chart-hist"' "$BATS_FILE_TMPDIR/scored.html" | wc -l)" -eq 1 ]
}

@test "the figures are the fixture's" {
	run page scored
	# 38 valid zaps; the two invalid ones are named, not counted.
	[[ $output == *'<div class="k">Valid zaps</div><div class="v">38</div>'* ]]
	[[ $output == *'2 receipts with problems are left out'* ]]
	[[ $output == *'<div class="k">Events stored</div><div class="v">603</div>'* ]]
	[[ $output == *'<div class="k">Relays seen</div><div class="v">4</div>'* ]]
	# Zap sizes: i = 0..37 valid, cycling through six sizes: 7, 7, 6, 6, 6, 6,
	# in nostr-report's buckets, labelled by their lower bound (5 sats: 5-9).
	[[ $output == *'<title>5: 7 zaps</title>'* ]]
	[[ $output == *'<title>100k+: 6 zaps</title>'* ]]
	# Growth against the 24 h before, computed here from the rows.
	cur=$(sqlite3 "$SCORED_DB" 'SELECT count(*) FROM nostr_events WHERE created_at > 1700006400 - 86400 AND created_at <= 1700006400')
	prev=$(sqlite3 "$SCORED_DB" 'SELECT count(*) FROM nostr_events WHERE created_at > 1700006400 - 2 * 86400 AND created_at <= 1700006400 - 86400')
	pct=$(awk -v c="$cur" -v p="$prev" 'BEGIN { x = (c / p - 1) * 100; printf "%d", x + 0.5 }')
	[[ $output == *"<div class=\"k\">Events in the last 24 h</div><div class=\"v\">$cur</div><div class=\"d\"><span class=\"up\">+$pct%</span> vs prior 24 h</div>"* ]]
	# Scored: trending comes from nostr-score, with its window.
	[[ $output == *'Trend score over the 24 h up to 2023-11-15 00:00 UTC'* ]]
	run page raw
	[[ $output == *'Not scored yet (run nostr-score)'* ]]
	[[ $output == *'Data up to 2023-11-15 00:00 UTC'* ]]
}

@test "hostile text is escaped, never markup" {
	for p in raw scored; do
		f="$BATS_FILE_TMPDIR/$p.html"
		# No tag from the data: the only <script> is the page's own, at the end.
		[ "$(grep -o '<script' "$f" | wc -l)" -eq 1 ]
		run ! grep -qE '<[a-zA-Z][^>]*[[:space:]]on[a-z]+=' "$(markup "$f")"
		run ! grep -qi 'href="javascript' "$f"
		run ! grep -q '<img' "$f"
		# The text is there, escaped.
		grep -q "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" "$f"
		grep -q '&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;' "$f"
		# U+202E RIGHT-TO-LEFT OVERRIDE is replaced by U+FFFD.
		run ! grep -q $'\xe2\x80\xae' "$f"
		grep -q $'evil\xef\xbf\xbdgnp.exe' "$f"
		# </style> in the data is text; the page's only </style> ends its sheet.
		[ "$(grep -o '</style>' "$f" | wc -l)" -eq 1 ]
	done
}

@test "links only for http(s) URLs" {
	run page scored
	[[ $output == *'<a href="https://bob.example/" rel="noopener noreferrer nofollow">'* ]]
	[[ $output == *'<a href="HTTPS://CAPS.EXAMPLE/" rel="noopener noreferrer nofollow">'* ]]
	# A quote in a URL cannot end the attribute.
	[[ $output == *'<a href="https://example.com/&quot;onmouseover=&quot;document.title=&#39;pwned&#39;" rel='* ]]
	# javascript: websites and relay URLs are text.
	[[ $output == *'javascript:document.title=&#39;pwned&#39;'* ]]
	run ! grep -qE '<a href="[^hH#]' "$BATS_FILE_TMPDIR/scored.html"
}

@test "--refresh becomes a meta refresh" {
	run nostr-report -d "$SCORED_DB" --refresh 300 html
	[ "$status" -eq 0 ]
	[[ $output == *'<meta http-equiv="refresh" content="300">'* ]]
	run nostr-report -d "$SCORED_DB" --refresh 0 html
	[ "$status" -eq 2 ]
}

@test "-o replaces the file whole, readable by all, leaving no temporary file" {
	dir="$BATS_TEST_TMPDIR/site"
	mkdir "$dir"
	echo old > "$dir/index.html"
	run nostr-report -d "$SCORED_DB" html -o "$dir/index.html"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	cmp "$dir/index.html" "$BATS_FILE_TMPDIR/scored.html"
	[ "$(stat -c %a "$dir/index.html")" = 644 ]
	[ "$(ls "$dir")" = index.html ]
	# A directory that does not exist: an error, and nothing written.
	run nostr-report -d "$SCORED_DB" html -o "$dir/none/index.html"
	[ "$status" -eq 1 ]
	[[ $output == *"$dir/none/index.html: No such file or directory"* ]]
}

@test "-o onto a FIFO or a device writes into it and leaves it what it was" {
	dir="$BATS_TEST_TMPDIR/pipe"
	mkdir "$dir"
	mkfifo "$dir/page"
	timeout 20 cat "$dir/page" >"$dir/got" &
	run timeout 20 nostr-report -d "$SCORED_DB" html -o "$dir/page"
	wait
	[ "$status" -eq 0 ]
	[ -p "$dir/page" ]
	cmp "$dir/got" "$BATS_FILE_TMPDIR/scored.html"
	[ "$(ls "$dir" | sort | tr '\n' ' ')" = "got page " ]
}

@test "--now and --hours set the page's window" {
	run nostr-report -d "$SCORED_DB" --now 1699920000 --hours 6 html
	[ "$status" -eq 0 ]
	[[ $output == *'Data up to 2023-11-14 00:00 UTC · window 6 h'* ]]
	[[ $output == *'Events in the last 6 h'* ]]
}

@test "html options belong to the html command" {
	run nostr-report -d "$SCORED_DB" -o x.html stats
	[ "$status" -eq 2 ]
	run nostr-report -d "$SCORED_DB" -f html stats
	[ "$status" -eq 2 ]
	[ ! -e x.html ]
}

@test "an empty database gives a page of empty charts" {
	db="$BATS_TEST_TMPDIR/empty.db"
	nostr-load -q -d "$db" </dev/null
	run nostr-report -d "$db" html
	[ "$status" -eq 0 ]
	[[ $output == *'>no data</text>'* ]]
	[[ $output == *'No valid zaps yet.'* ]]
	[[ $output == *"</html>" ]]
}

@test "lib/dashboard on a database without the schema: an error, not a page" {
	# nostr-load creates the schema; the test driver opens read-only.
	db="$BATS_TEST_TMPDIR/none.db"
	sqlite3 "$db" 'CREATE TABLE t (x)'
	run dashboard-page "$db"
	[ "$status" -eq 1 ]
	[[ $output == *"no such table"* ]]
}

# browser: renders PAGE in Chromium through check.js; NAME prefixes the
# screenshots; MODE "sparse" checks charts are present without counting
# bars (for generated data).  Skips only when Chromium or node is missing,
# saying so.
browser() {
	command -v chromium >/dev/null ||
		skip "chromium is not installed (scripts/install-deps.sh installs it unless NP_NO_BROWSER is set)"
	command -v node >/dev/null || skip "node is not installed"
	out="$BATS_TEST_TMPDIR/shots"
	mkdir -p "$out"
	run timeout -k 5 90 node "$ROOT/tests/browser/check.js" "$BATS_FILE_TMPDIR/$1.html" "$out" \
		${3:+"--$3"}
	echo "$output"
	[ "$status" -eq 0 ]
	# Every check reported: 4 renderings of 20 checks, 2 of them through all
	# six views (2 checks each), 2 through the overview only.
	[ "$(grep -c '^ok - ' <<<"$output")" -eq $((4 * 20 + 2 * 12 + 2 * 2)) ]
	run ! grep -q '^not ok' <<<"$output"
	for f in "$out"/*.png; do
		cp "$f" "$ARTIFACTS/$2-$(basename "$f")"
	done
}

@test "browser: the scored page at 1280 and 390 px, light and dark" {
	browser scored scored
}

@test "browser: the unscored page at 1280 and 390 px, light and dark" {
	browser raw raw
}

@test "browser: --refresh reloads the page, which stays on its view" {
	command -v chromium >/dev/null || skip "chromium is not installed"
	command -v node >/dev/null || skip "node is not installed"
	nostr-report -d "$SCORED_DB" --refresh 1 html -o "$BATS_TEST_TMPDIR/refresh.html"
	run timeout -k 5 60 node "$ROOT/tests/browser/check.js" "$BATS_TEST_TMPDIR/refresh.html" \
		"$BATS_TEST_TMPDIR" --refresh
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^ok - ' <<<"$output")" -eq 2 ]
}

@test "browser: screenshots are PNGs of the asked widths" {
	command -v chromium >/dev/null || skip "chromium is not installed"
	for w in 1280 390; do
		for scheme in light dark; do
			f="$ARTIFACTS/scored-dashboard-$w-$scheme-overview.png"
			[ -s "$f" ]
			# PNG signature, then the IHDR width as a 32-bit big-endian number.
			[ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
			[ "$(od -An -j16 -N4 -tu1 "$f" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')" -eq "$w" ]
		done
	done
}

teardown() {
	# A watcher left by a failed test must not outlive it.
	if [ -n "${watch_pid:-}" ]; then
		kill "$watch_pid" 2>/dev/null || :
		wait "$watch_pid" 2>/dev/null || :
	fi
}

@test "nostr-pipeline dashboard: the same page, to stdout or a file" {
	export NOSTR_PIPELINE_CONFIG=/dev/null
	run nostr-pipeline -d "$SCORED_DB" dashboard
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$BATS_FILE_TMPDIR/scored.html")" ]
	dir="$BATS_TEST_TMPDIR/site"
	mkdir "$dir"
	run nostr-pipeline -d "$SCORED_DB" dashboard -o "$dir/index.html"
	[ "$status" -eq 0 ]
	cmp "$dir/index.html" "$BATS_FILE_TMPDIR/scored.html"
	[ "$(ls -A "$dir")" = index.html ]
	run nostr-pipeline -d "$SCORED_DB" dashboard --watch 0 -o "$dir/index.html"
	[ "$status" -eq 2 ]
	run nostr-pipeline -d "$SCORED_DB" dashboard --watch 5
	[ "$status" -eq 2 ]
	[[ $output == *"--watch needs -o FILE"* ]]
	run nostr-pipeline -d "$SCORED_DB" dashboard --watch 5 --refresh soon -o "$dir/index.html"
	[ "$status" -eq 2 ]
	[[ $output == *"--refresh: not a positive number: soon"* ]]
}

@test "nostr-pipeline dashboard --watch: rewritten every interval, never half written" {
	export NOSTR_PIPELINE_CONFIG=/dev/null
	db="$BATS_TEST_TMPDIR/live.db"
	cp "$SCORED_DB" "$db"
	dir="$BATS_TEST_TMPDIR/site"
	mkdir "$dir"
	nostr-pipeline -d "$db" dashboard --watch 1 -o "$dir/index.html" 3>&- &
	watch_pid=$!
	for _ in $(seq 100); do
		[ -s "$dir/index.html" ] && break
		sleep 0.1
	done
	grep -q '<meta http-equiv="refresh" content="1">' "$dir/index.html"
	grep -q '<div class="k">Valid zaps</div><div class="v">38</div>' "$dir/index.html"
	# New data: the next round shows it.  Meanwhile every read is a whole page.
	sqlite3 -cmd '.timeout 5000' "$db" 'UPDATE zaps SET valid = 1, problems = '"'[]'"
	updated=0
	for _ in $(seq 300); do
		page=$(cat "$dir/index.html")
		[[ $page == "<!DOCTYPE html>"*"</html>" ]]
		if [[ $page == *'<div class="k">Valid zaps</div><div class="v">40</div>'* ]]; then
			updated=1
			break
		fi
		sleep 0.05
	done
	[ "$updated" -eq 1 ]
	kill -TERM "$watch_pid"
	rc=0
	wait "$watch_pid" || rc=$?
	watch_pid=
	[ "$rc" -eq 143 ]
	# No temporary file is left behind.
	[ "$(ls -A "$dir")" = index.html ]
}

# e2e_events: generated events, with a hostile author (key 900) whose recent
# note 30 others react to and repost and whom they follow, so that note and
# author rank first (the generated notes' virality stays under 35), and whose
# hashtag 30 others use, so it trends.
e2e_events() {
	local t=1700165000 note id pk k
	nostr-gen -n 2000 -s 11 -a 40 -t 1700000000 --span 172800
	note=$(printf '%s\n' '{"key":900,"kind":1,"created_at":'$t',"tags":[["t","<script>document.title='"'pwned'"'</script>"],["t","x\" onerror=\"document.title='"'pwned'"'"]],"content":"<img src=x onerror=\"document.title='"'pwned'"'\"> </style> \u202egnp.exe #nostr"}' |
		nostr-gen --sign -s 11)
	printf '%s\n' "$note"
	id=$(jq -r .id <<<"$note")
	pk=$(jq -r .pubkey <<<"$note")
	{
		printf '%s\n' '{"key":900,"kind":0,"created_at":1700000000,"tags":[],"content":"{\"name\":\"<script>document.title='"'pwned'"'</script>\",\"website\":\"javascript:document.title='"'pwned'"'\"}"}'
		for k in $(seq 1 30); do
			printf '{"key":%d,"kind":7,"created_at":%d,"tags":[["e","%s"],["p","%s"]],"content":"+"}\n' \
				"$k" $((t + k * 60)) "$id" "$pk"
			printf '{"key":%d,"kind":6,"created_at":%d,"tags":[["e","%s"],["p","%s"]],"content":""}\n' \
				"$k" $((t + k * 60 + 30)) "$id" "$pk"
			printf '{"key":%d,"kind":3,"created_at":%d,"tags":[["p","%s"]],"content":""}\n' \
				"$k" $((1700172000 + k)) "$pk"
			printf '{"key":%d,"kind":1,"created_at":%d,"tags":[["t","%s"]],"content":"me too %d"}\n' \
				"$k" $((1700170000 + k * 30)) "<script>document.title='pwned'</script>" "$k"
		done
	} | nostr-gen --sign -s 11
}

# e2e_relays: relay-status records (nostr-fetch --stats) with hostile text.
e2e_relays() {
	printf '%s\n' \
		'{"relay":"wss://relay.example/<script>document.title='"'pwned'"'</script>","time":1700172000,"state":"eose","connect_ms":120,"eose_ms":800,"events":1500}' \
		'{"relay":"wss://nos.lol","time":1700172000,"state":"eose","connect_ms":80,"eose_ms":500,"events":900}' \
		'{"relay":"javascript:document.title='"'pwned'"'","time":1700172100,"state":"error","notice":"<img src=x onerror=\"document.title='"'pwned'"'\">"}'
}

@test "end to end: nostr-gen | nostr-enrich | nostr-load, nostr-score, nostr-report html" {
	db="$BATS_FILE_TMPDIR/e2e.db"
	e2e_events >"$BATS_FILE_TMPDIR/e2e.ndjson"
	nostr-enrich "$BATS_FILE_TMPDIR/e2e.ndjson" >"$BATS_FILE_TMPDIR/e2e.enriched"
	nostr-load -q --strict -d "$db" "$BATS_FILE_TMPDIR/e2e.enriched"
	e2e_relays | nostr-load -q --strict -d "$db"
	nostr-score -q -d "$db" --now 1700172800
	nostr-report -d "$db" html -o "$BATS_FILE_TMPDIR/e2e.html"
	f="$BATS_FILE_TMPDIR/e2e.html"
	[ "$(grep -o '<script' "$f" | wc -l)" -eq 1 ]
	run ! grep -qE '<[a-zA-Z][^>]*[[:space:]]on[a-z]+=' "$f"
	run ! grep -qi 'href="javascript' "$f"
	run ! grep -q $'\xe2\x80\xae' "$f"
	# The hostile note is the most viral, its author first, its hashtags trend.
	grep -q '&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt; &lt;/style&gt;' "$f"
	grep -q '<bdi title="npub1[a-z0-9]*">&lt;script&gt;document.title=&#39;pwned&#39;&lt;' "$f"
	grep -q '<bdi>#&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;</bdi>' "$f"
	grep -q 'wss://relay.example/&lt;script&gt;' "$f"
	[ "$(grep -o '<section id="[a-z]*" class="view"' "$f" | wc -l)" -eq 6 ]
}

@test "browser: the end-to-end page at 1280 and 390 px, light and dark" {
	[ -s "$BATS_FILE_TMPDIR/e2e.html" ] || skip "the end-to-end page was not built (see above)"
	browser e2e e2e sparse
}
