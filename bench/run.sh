#!/usr/bin/env bash
# run.sh: runs every benchmark script in bench/ (ONLY=pattern for some) and
# prints their figures. Timings live here, never in tests.
set -eu
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
export PATH="$PWD/$BUILD/bin:$PWD/scripts:$PATH"
export BENCH_DATA=${BENCH_DATA:-$PWD/build/bench-data}
mkdir -p "$BENCH_DATA"
for b in bench/*.sh; do
	case $b in *${ONLY:-}*) ;; *) continue ;; esac
	echo "== $b"
	bash "$b"
done
