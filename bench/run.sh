#!/usr/bin/env bash
# run.sh: runs every benchmark script in bench/ (ONLY=pattern for some) and
# prints their figures. Timings live here, never in tests.
set -eu
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
export PATH="$PWD/$BUILD/bin:$PWD/scripts:$PATH"
# Generated data is kept between runs, in a directory named after the
# generator's build: when nostr-gen changes, so does the data, and figures
# are never measured on files an older generator wrote.  The directories of
# older generators are removed (they hold gigabytes).
gen=gen-$(sha256sum "$BUILD/bin/nostr-gen" | cut -c1-12)
data=${BENCH_DATA:-$PWD/build/bench-data}
mkdir -p "$data/$gen"
find "$data" -mindepth 1 -maxdepth 1 -name 'gen-*' ! -name "$gen" -exec rm -rf {} +
export BENCH_DATA=$data/$gen
for b in bench/*.sh; do
	case $b in bench/lib.sh | bench/run.sh) continue ;; esac  # a library; this file
	case $b in *${ONLY:-}*) ;; *) continue ;; esac
	echo "== $b"
	bash "$b"
done
