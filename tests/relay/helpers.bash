# shellcheck shell=bash
# helpers.bash: starting and stopping the loopback relays of the nostr-fetch
# suites.  Every server runs on 127.0.0.1, is started by the suite itself, and
# has its pid recorded in $NP_PIDS so that teardown_file kills it even when a
# test failed half-way.  Nothing here may hang: every wait has a deadline.

RELAY_DIR=$ROOT/tests/relay

# relay_deps: skips the suite's tests when node or the relay packages are missing.
relay_deps() {
	command -v node >/dev/null || skip "node is not installed"
	[ -d "$RELAY_DIR/node_modules/@nostr-relay/core" ] ||
		skip "tests/relay/node_modules missing: run make deps (npm ci)"
}

# wait_file FILE [SECONDS]: waits until FILE exists and is not empty.
wait_file() {
	local i n=$(( ${2:-10} * 20 ))
	for ((i = 0; i < n; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	echo "# timed out waiting for $1" >&3
	return 1
}

# wait_lines FILE N [SECONDS]: waits until FILE has at least N lines.
wait_lines() {
	local i n=$(( ${3:-20} * 10 ))
	for ((i = 0; i < n; i++)); do
		[ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	echo "# timed out waiting for $2 lines in $1 (have $(wc -l <"$1"))" >&3
	return 1
}

# background ARGS...: runs nostr-fetch ARGS in the background with $BG_OUT and
# $BG_ERR as its output; sets BG_PID.  Its fd 3 is closed (bats waits for it),
# and a watchdog kills it after 120 s, so nothing outlives a failed test.
background() {
	nostr-fetch "$@" >"$BG_OUT" 2>"$BG_ERR" 3>&- &
	BG_PID=$!
	track $BG_PID
	( sleep 120; kill -KILL "$BG_PID" ) >/dev/null 2>&1 3>&- &
	track $!
}

# track PID: kill PID in teardown_file.
track() {
	echo "$1" >>"$NP_PIDS"
}

# scripted_start CONFIG [SECONDS]: starts tests/relay/scripted.js on CONFIG,
# its ready file, log and output beside it (ready, relay.log and scripted.out
# in CONFIG's directory); tracks its pid and waits up to SECONDS (20) until
# every relay of CONFIG listens.
scripted_start() {
	local dir
	dir=$(dirname "$1")
	node "$RELAY_DIR/scripted.js" --config "$1" --ready "$dir/ready" \
		--log "$dir/relay.log" >"$dir/scripted.out" 2>&1 3>&- &
	track $!
	wait_file "$dir/ready" "${2:-20}"
}

# start_relay NAME [PORT]: a real relay with its database in $D/NAME.db; sets
# the variable NAME_port and writes $D/NAME.pid.  PORT 0 or none picks one.
start_relay() {
	local name=$1 port=${2:-0}
	rm -f "$D/$name.ready"
	node "$RELAY_DIR/relay.js" --port "$port" --db "$D/$name.db" \
		--ready "$D/$name.ready" >>"$D/$name.log" 2>&1 3>&- &
	echo $! >"$D/$name.pid"
	track $!
	wait_file "$D/$name.ready" 20 || return 1
	printf -v "${name}_port" '%s' "$(cat "$D/$name.ready")"
}

# stop_relay NAME [SIGNAL]: stops it (TERM by default) and waits for the pid.
stop_relay() {
	local pid i
	pid=$(cat "$D/$1.pid")
	kill -"${2:-TERM}" "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null || true
}

# stop_runs: TERM to each nostr-pipeline run a test started and left going
# (through its timeout, which passes it on), so that the wrapper stops its
# chain, whose process groups a KILL of it would leave behind; 10 s each,
# then kill_tracked KILLs whatever is left.
stop_runs() {
	local p i
	for p in ${run_pids:-}; do
		kill -TERM "$p" 2>/dev/null || continue
		for ((i = 0; i < 100; i++)); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
	done
}

# kill_tracked: the teardown_file part: every process the suite started.
kill_tracked() {
	local pid
	[ -f "$NP_PIDS" ] || return 0
	while read -r pid; do
		kill -KILL "$pid" 2>/dev/null || true
	done <"$NP_PIDS"
	rm -f "$NP_PIDS"
}

# publish PORT FILE: publishes the signed events of FILE to the relay on PORT.
publish() {
	timeout 120 node "$RELAY_DIR/publish.js" "ws://127.0.0.1:$1" <"$2"
}

# ids FILE: the sorted event ids of an NDJSON file.
ids() {
	jq -r .id "$1" | sort
}

# fetch ARGS...: nostr-fetch with a deadline, so that no test can hang.
fetch() {
	timeout -s KILL 60 nostr-fetch "$@"
}

# npub HEX: the NIP-19 npub of a hex public key (BIP-173 bech32, written out
# here so that the test does not depend on the code it checks).
npub() {
	node -e '
	const C = "qpzry9x8gf2tvdw0s3jn54khce6mua7l", G = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
	const poly = (v) => { let c = 1; for (const x of v) { const b = c >>> 25; c = ((c & 0x1ffffff) << 5) ^ x;
		for (let i = 0; i < 5; i++) if ((b >>> i) & 1) c ^= G[i]; } return c >>> 0; };
	const hrp = "npub", bytes = Buffer.from(process.argv[1], "hex"), w = [];
	let acc = 0, bits = 0;
	for (const b of bytes) { acc = (acc << 8) | b; bits += 8; while (bits >= 5) { bits -= 5; w.push((acc >>> bits) & 31); } }
	if (bits) w.push((acc << (5 - bits)) & 31);
	const exp = [...hrp].map((c) => c.charCodeAt(0) >> 5).concat([0], [...hrp].map((c) => c.charCodeAt(0) & 31));
	const p = poly(exp.concat(w, [0, 0, 0, 0, 0, 0])) ^ 1;
	const cs = []; for (let i = 0; i < 6; i++) cs.push((p >>> (5 * (5 - i))) & 31);
	console.log(hrp + "1" + w.concat(cs).map((x) => C[x]).join(""));
	' "$1"
}

# gen N SEED START SPAN [nostr-gen options]: N signed events from nostr-gen that
# the relay accepts.  nostr-gen sometimes writes control characters in content,
# whose NIP-01 id the relay computes otherwise (JSON.stringify writes \u00XX): a
# relay refuses those, so they are left out here, and a few more generated.
# Without --kinds, only kinds the relay stores as they come (1, 6, 7): no
# replaceable kinds and no kind-5 deletions, so what is published is what a
# REQ finds.
gen() {
	local n=$1 seed=$2 start=$3 span=$4
	shift 4
	[[ " $* " == *" --kinds "* ]] || set -- "$@" --kinds 1,6,7
	nostr-gen -n $((n + n / 4 + 10)) -s "$seed" -t "$start" --span $((span + span / 4)) "$@" |
		grep -v '\\u00[01][0-9a-f]' | head -n "$n"
}

# start_hostile NAME MODE [EVENTS [OPTION...]]: the hostile relay in MODE (with
# hostile.js's further options); sets NAME_port.
start_hostile() {
	local name=$1 mode=$2 events=${3:-/dev/null}
	rm -f "$D/$name.ready"
	node "$RELAY_DIR/hostile.js" --mode "$mode" --events "$events" "${@:4}" \
		--ready "$D/$name.ready" >>"$D/$name.log" 2>&1 3>&- &
	echo $! >"$D/$name.pid"
	track $!
	wait_file "$D/$name.ready" 20 || return 1
	printf -v "${name}_port" '%s' "$(cat "$D/$name.ready")"
}

# free_port: a TCP port on 127.0.0.1 that was free a moment ago.
free_port() {
	node -e 'const s = require("net").createServer().listen(0, "127.0.0.1",
		() => { console.log(s.address().port); s.close(); })'
}

# wait_port PORT [SECONDS]: waits until something accepts on 127.0.0.1:PORT.
wait_port() {
	local i n=$(( ${2:-10} * 20 ))
	for ((i = 0; i < n; i++)); do
		if (exec 5<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		sleep 0.05
	done
	echo "# nothing listens on port $1" >&3
	return 1
}

# start_tls NAME BACKEND_PORT: stunnel with a self-signed certificate made
# now by openssl, in front of 127.0.0.1:BACKEND_PORT; sets NAME_port.
start_tls() {
	local name=$1 backend=$2 port
	command -v stunnel4 >/dev/null || command -v stunnel >/dev/null ||
		skip "stunnel4 is not installed"
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
		-addext subjectAltName=IP:127.0.0.1,DNS:localhost \
		-keyout "$D/$name.key" -out "$D/$name.crt" 2>/dev/null
	port=$(free_port)
	cat >"$D/$name.conf" <<-CONF
	foreground = yes
	pid =
	debug = 3
	output = $D/$name.log
	[relay]
	accept = 127.0.0.1:$port
	connect = 127.0.0.1:$backend
	cert = $D/$name.crt
	key = $D/$name.key
	CONF
	"$(command -v stunnel4 || command -v stunnel)" "$D/$name.conf" >/dev/null 2>&1 3>&- &
	echo $! >"$D/$name.pid"
	track $!
	wait_port "$port" 10 || return 1
	printf -v "${name}_port" '%s' "$port"
}
