# shellcheck shell=bash
# common.bash: helpers every bats suite loads with `load common`.

# need_shared FILE: skips the test, saying why, unless ../shared/data has FILE.
need_shared() {
	[ -f "$NP_SHARED_DATA/$1" ] || skip "no $1 in \$NP_SHARED_DATA ($NP_SHARED_DATA)"
}

# reason_count NAME FILE: the count of one rejection reason in a -v summary.
reason_count() {
	awk -v r="$1" '$1 == r { print $2; found = 1 } END { if (!found) print 0 }' "$2"
}
