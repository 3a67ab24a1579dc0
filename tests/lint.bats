#!/usr/bin/env bats
# lint.bats: Debian's shellcheck over every shell file of the project: the
# suites and their helpers, the scripts, the benchmarks.  A test fails on any
# finding at the error level, and on SC2314 and SC2315 at any level: a `!`
# that bats never sees fail (use `run !`).  Lesser findings are printed only.

setup() {
	cd "${ROOT:-$BATS_TEST_DIRNAME/..}" || return 1
}

# lint [SHELLCHECK OPTION...] FILE...: shellcheck's findings; fails on the
# ones named above, or when shellcheck could not check a file.
lint() {
	command -v shellcheck >/dev/null || {
		echo "shellcheck is not installed (scripts/install-deps.sh installs it)"
		return 1
	}
	run shellcheck -f gcc "$@"
	printf '%s\n' "$output"
	# 0: nothing found; 1: findings; 2 and up: a file or option it could not take.
	[ "$status" -le 1 ]
	bad=$(grep -E ': error: |\[SC231[45]\]$' <<<"$output" || true)
	[ -z "$bad" ]
}

@test "shellcheck: the bats suites" {
	lint tests/*.bats
}

@test "shellcheck: the suites' helpers" {
	local files=()
	mapfile -t files < <(find tests -name node_modules -prune -o -name '*.bash' -print | sort)
	[ "${#files[@]}" -gt 0 ]
	lint "${files[@]}"
}

@test "shellcheck: tests/run.sh and tests/layers.sh" {
	lint tests/run.sh tests/layers.sh
}

@test "shellcheck: scripts/nostr-pipeline" {
	lint scripts/nostr-pipeline
}

@test "shellcheck: scripts/install-deps.sh, scripts/embed.sh and scripts/pg-test-cluster.sh" {
	lint scripts/install-deps.sh scripts/embed.sh scripts/pg-test-cluster.sh
}

@test "shellcheck: the bash completion" {
	# Sourced by bash-completion, so it has no shebang: name the shell here.
	lint --shell=bash scripts/nostr-pipeline.bash-completion
}

@test "shellcheck: the benchmark scripts" {
	lint bench/*.sh
}
