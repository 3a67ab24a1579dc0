#!/usr/bin/env bash
# run.sh: runs every benchmark script in bench/ (ONLY=pattern for some) and
# prints their figures. Timings live here, never in tests.
set -eu
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
export PATH="$PWD/$BUILD/bin:$PWD/scripts:$PATH"
# Generated data is kept between runs, in a directory named after what the
# generator writes (a digest of a small sample of its output, over every
# kind and a bad-event stream): when nostr-gen's output changes, so does the
# data, and figures are never measured on files an older generator wrote;
# a rebuild that leaves the output alone keeps the data.  Directories of
# other generators are left in place; BENCH_PRUNE=1 removes them (they hold
# gigabytes).
gen=gen-$({ "$BUILD/bin/nostr-gen" -n 2000 -a 50 -s 7
	"$BUILD/bin/nostr-gen" -n 200 -s 7 --bad; } | sha256sum | cut -c1-12)
data=${BENCH_DATA:-$PWD/build/bench-data}
mkdir -p "$data/$gen"
if [ "${BENCH_PRUNE:-0}" = 1 ]; then
	find "$data" -mindepth 1 -maxdepth 1 -name 'gen-*' ! -name "$gen" -exec rm -rf {} +
fi
export BENCH_DATA=$data/$gen
for b in bench/*.sh; do
	case $b in bench/lib.sh | bench/run.sh) continue ;; esac  # a library; this file
	case $b in *${ONLY:-}*) ;; *) continue ;; esac
	echo "== $b"
	bash "$b"
done
