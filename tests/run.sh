#!/usr/bin/env bash
# run.sh: runs every C unit test (tests/unit) and every bats suite (tests/*.bats),
# all speaking TAP, and ends with the line "N passed, N failed, N skipped".
# BUILD names the build directory (build, or build/asan for make check-asan).
# ONLY=pattern runs just the suites whose file name matches.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ROOT=$PWD
export BUILD ROOT
export PATH="$ROOT/$BUILD/bin:$ROOT/scripts:$PATH"
export NP_SHARED_DATA=${NP_SHARED_DATA:-$ROOT/../shared/data}
export TMPDIR=${TMPDIR:-/tmp}
log=$(mktemp -d "$TMPDIR/np-test.XXXXXX")
trap 'rm -rf "$log"' EXIT
pass=0 fail=0 skip=0 suites_failed=0

count() {  # count FILE: adds the TAP results in FILE to the totals
	local p f s
	s=$(grep -cE '^ok .*# (skip|SKIP)' "$1")
	p=$(grep -cE '^ok ' "$1")
	f=$(grep -cE '^not ok ' "$1")
	pass=$((pass + p - s)) fail=$((fail + f)) skip=$((skip + s))
}

run_suite() {  # run_suite NAME CMD...: runs one TAP producer, echoes its TAP, counts it
	local name=$1 out="$log/$(basename "$1").tap" rc
	shift
	case $name in *${ONLY:-}*) ;; *) return ;; esac
	echo "# suite $name"
	"$@" >"$out" 2>"$out.err"
	rc=$?
	cat "$out"
	count "$out"
	if [ "$rc" -ne 0 ] && ! grep -qE '^not ok ' "$out"; then
		# A suite that died without a failing test still counts as a failure.
		echo "not ok - $name exited with status $rc"
		sed 's/^/#   /' "$out.err" | tail -20
		fail=$((fail + 1))
	elif grep -qE '^not ok ' "$out"; then
		sed 's/^/#   /' "$out.err" | tail -20
	fi
}

# The unit tests that have a source: a binary left in the build directory by
# a test since removed is not run.
for src in tests/unit/test_*.c; do
	t=$BUILD/unit/$(basename "$src" .c)
	[ -x "$t" ] || continue
	run_suite "unit/$(basename "$t")" "$t"
done
# The PostgreSQL suites (tests/pg-*.bats) share one throwaway cluster, started
# once here when one of them is to run and stopped and removed whatever
# happens: the EXIT trap also runs after INT or TERM.  Without PostgreSQL
# they skip, saying why (tests/pg_helper.bash).
pg_wanted=""
for s in tests/pg-*.bats; do
	case $s in *${ONLY:-}*) [ -f "$s" ] && pg_wanted=1 ;; esac
done
if [ -n "$pg_wanted" ] && [ -z "${NP_PG_ADMIN_URL:-}" ]; then
	if pg_env=$(scripts/pg-test-cluster.sh start 2>"$log/pg.err"); then
		eval "$pg_env"
		export NP_PG_DIR NP_PG_URL NP_PG_ADMIN_URL NP_PG_PASSWORD
		trap 'scripts/pg-test-cluster.sh stop "$NP_PG_DIR"; rm -rf "$log"' EXIT
	else
		NP_PG_SKIP="no PostgreSQL cluster: $(tail -1 "$log/pg.err")"
		export NP_PG_SKIP
		echo "# $NP_PG_SKIP"
	fi
fi
trap 'exit 130' INT
trap 'exit 143' TERM

for s in tests/*.bats; do
	[ -f "$s" ] || continue
	run_suite "$s" bats --tap "$s"
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
