#!/bin/sh
# install-deps.sh: installs the build and test dependencies that are missing, from
# Debian's packages (as root, or through sudo) and from the npm registry (the test
# relay, pinned by tests/relay/package-lock.json). Does nothing when all are present.
# The PostgreSQL server and client are for the PostgreSQL suites only, which start
# a throwaway cluster of their own (scripts/pg-test-cluster.sh) and skip, saying
# so, when they are not there: failing to install them is not an error.
set -eu
cd "$(dirname "$0")/.."

PACKAGES="build-essential pkg-config clang libclang-rt-14-dev
libcurl4-openssl-dev libcjson-dev libsecp256k1-dev libsqlite3-dev sqlite3
libbsd-dev libssl-dev openssl libexttextcat-dev bats jq bc time
stunnel4 procps psmisc shellcheck libpq-dev"
# Node.js may come from elsewhere than Debian (NodeSource ships npm inside
# its nodejs): ask Debian for it only where the commands are missing.
command -v node >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs"
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"
# The dashboard's browser test renders the page in Debian's Chromium.
[ "${NP_NO_BROWSER:-}" ] || PACKAGES="$PACKAGES chromium"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done

if [ -n "$missing" ]; then
	echo "install-deps: installing:$missing"
	if [ "$(id -u)" -eq 0 ]; then
		sudo=""
	elif command -v sudo >/dev/null 2>&1; then
		sudo="sudo"
	else
		echo "install-deps: missing packages:$missing; run as root or install sudo" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

OPTIONAL="postgresql-15 postgresql-client-15"
missing=""
for p in $OPTIONAL; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "install-deps: installing (optional):$missing"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	# shellcheck disable=SC2086
	if ! { command -v "${sudo:-true}" >/dev/null 2>&1 &&
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
			$missing >/dev/null 2>&1; }; then
		echo "install-deps: could not install$missing: the PostgreSQL suites will skip" >&2
	fi
fi

# Again when the lock file changed since node_modules was installed from it.
if [ -f tests/relay/package-lock.json ] && { [ ! -d tests/relay/node_modules ] ||
	[ -n "$(find tests/relay/package-lock.json -newer tests/relay/node_modules/.package-lock.json 2>/dev/null)" ]; }; then
	echo "install-deps: npm ci in tests/relay"
	(cd tests/relay && npm ci --no-audit --no-fund --loglevel=error)
fi
