#!/bin/sh
# pg-test-cluster.sh start | stop DIR | restart DIR | pause DIR | resume DIR: a throwaway PostgreSQL 15 cluster for
# the tests, in a temporary folder, listening on 127.0.0.1 only, on a free
# port, with no Unix socket.
#
# start: makes the folder (under $NP_PG_TMP, default /tmp: the postgres user
# must be able to enter it, which it cannot under /root), runs initdb and
# pg_ctl from /usr/lib/postgresql/15/bin (as the postgres user through
# runuser when run as root: PostgreSQL refuses to run as root), creates the
# role np and its database np, each with a random password, and prints
# shell assignments:
#   NP_PG_DIR=...        the folder, for stop
#   NP_PG_URL=...        postgresql://np:PASSWORD@127.0.0.1:PORT/np
#   NP_PG_ADMIN_URL=...  the superuser's URL (to create a database per test)
#   NP_PG_PASSWORD=...   np's password (a test checks that it is never shown)
# Exits 3, saying why on standard error, when PostgreSQL 15 is not installed.
# stop DIR: stops the cluster at once and removes the folder.
# restart DIR: restarts the server (fast: open connections are ended), and
# returns once it accepts connections again, on the same port.
# pause DIR: stops the server (fast), keeping the cluster; resume DIR starts
# it again on its port.  For the tests of a server that goes away.
set -eu
BIN=${NP_PG_BIN:-/usr/lib/postgresql/15/bin}

# as_pg CMD...: runs CMD as the cluster's owner (postgres when we are root).
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# password: 24 random letters and digits.
password() {
	LC_ALL=C tr -dc 'a-zA-Z0-9' </dev/urandom | head -c 24
}

start() {
	if [ ! -x "$BIN/initdb" ] || [ ! -x "$BIN/pg_ctl" ]; then
		echo "pg-test-cluster: no PostgreSQL 15 in $BIN" >&2
		exit 3
	fi
	if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
		echo "pg-test-cluster: running as root and there is no postgres user" >&2
		exit 3
	fi
	dir=$(mktemp -d "${NP_PG_TMP:-/tmp}/np-pg.XXXXXX")
	chmod 755 "$dir"
	mkdir "$dir/data"
	[ "$(id -u)" -eq 0 ] && chown postgres "$dir" "$dir/data"
	admin_pw=$(password)
	np_pw=$(password)
	printf '%s\n' "$admin_pw" >"$dir/pwfile"
	chmod 600 "$dir/pwfile"
	[ "$(id -u)" -eq 0 ] && chown postgres "$dir/pwfile"
	as_pg "$BIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
		--auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		rm -rf "$dir"
		exit 1
	}
	rm -f "$dir/pwfile"
	# A free port: the first of a few random ones the server can listen on.
	tries=0
	while :; do
		port=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
		if server_start "$dir" "$port"; then
			echo "$port" >"$dir/port"
			break
		fi
		tries=$((tries + 1))
		if [ "$tries" -ge 8 ]; then
			echo "pg-test-cluster: the server did not start:" >&2
			tail -20 "$dir/server.log" >&2 || true
			stop_dir "$dir"
			exit 1
		fi
	done
	admin="postgresql://postgres:$admin_pw@127.0.0.1:$port/postgres"
	PGCONNECT_TIMEOUT=10 psql -X -q -v ON_ERROR_STOP=1 "$admin" >/dev/null <<-EOF
	CREATE ROLE np LOGIN CREATEDB PASSWORD '$np_pw';
	CREATE DATABASE np OWNER np;
	EOF
	printf 'NP_PG_DIR=%s\n' "$dir"
	printf 'NP_PG_URL=%s\n' "postgresql://np:$np_pw@127.0.0.1:$port/np"
	printf 'NP_PG_ADMIN_URL=%s\n' "$admin"
	printf 'NP_PG_PASSWORD=%s\n' "$np_pw"
}

# server_start DIR PORT: starts the cluster's server on PORT, waiting until it
# accepts connections.
server_start() {
	as_pg "$BIN/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 30 \
		-o "-c listen_addresses=127.0.0.1 -p $2 -c unix_socket_directories= -c fsync=off -c max_connections=40" \
		start >/dev/null 2>&1
}

# check_dir DIR: refuses a folder that is not a test cluster's.
check_dir() {
	case $1 in
	*/np-pg.*) [ -d "$1/data" ] && return 0 ;;
	esac
	echo "pg-test-cluster: $1 is not a test cluster's folder" >&2
	exit 2
}

stop_dir() {
	case $1 in
	*/np-pg.*) ;;
	*) echo "pg-test-cluster: $1 is not a test cluster's folder" >&2; exit 2 ;;
	esac
	if [ -d "$1/data" ]; then
		as_pg "$BIN/pg_ctl" -D "$1/data" -m immediate -w stop >/dev/null 2>&1 || :
	fi
	rm -rf "$1"
}

usage() {
	echo "usage: $0 start | stop DIR | restart DIR | pause DIR | resume DIR" >&2
	exit 2
}

case ${1:-} in
start) start ;;
stop) [ $# -eq 2 ] || usage; stop_dir "$2" ;;
restart)
	[ $# -eq 2 ] || usage
	check_dir "$2"
	as_pg "$BIN/pg_ctl" -D "$2/data" -l "$2/server.log" -m fast -w -t 30 restart >/dev/null
	;;
pause)
	[ $# -eq 2 ] || usage
	check_dir "$2"
	as_pg "$BIN/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null
	;;
resume)
	[ $# -eq 2 ] || usage
	check_dir "$2"
	server_start "$2" "$(cat "$2/port")" || { tail -20 "$2/server.log" >&2; exit 1; }
	;;
*) usage ;;
esac
