#!/usr/bin/env bash
# layers.sh: checks the layering of lib/ that docs/ARCHITECTURE.md describes.
# Prints one line per breach, FILE:LINE: reason, and exits 1 when there is any.
#
#   tests/layers.sh [TREE]    (TREE: a checkout, this one by default)
#
#   - every quoted include in lib/ and tools/ is written "layer/module.h" and
#     names a header that exists;
#   - a layer includes only itself and the layers below it (the table below);
#   - only tools/ (and tests/, bench/) include the cli layer;
#   - library code outside the cli layer never ends the process.
set -u
cd "${1:-$(dirname "$0")/..}" || exit 2

# layer: the layers its files may include (itself always).
declare -A BELOW=(
	[base]=""
	[nostr]="base"
	[net]="base nostr"
	[enrich]="base nostr"
	[store]="base nostr enrich"
	[analytics]="base nostr enrich store"
	[render]="base nostr enrich store analytics"
	[cli]="base nostr net enrich store analytics render"
)

bad=0
breach() { printf '%s\n' "$*"; bad=1; }

for dir in lib/*/; do
	layer=${dir#lib/}
	layer=${layer%/}
	[ -n "${BELOW[$layer]+set}" ] || breach "$dir: a folder that is no layer (add it to tests/layers.sh and docs/ARCHITECTURE.md)"
done

while IFS=: read -r file line text; do
	inc=${text#*\"}
	inc=${inc%%\"*}
	case $file in
	lib/*) from=${file#lib/}; from=${from%%/*} ;;
	*) from=tools ;;
	esac
	if [[ ! $inc =~ ^[a-z]+/[a-z0-9_]+\.h$ ]]; then
		breach "$file:$line: include \"$inc\" is not written \"layer/module.h\""
		continue
	fi
	[ -f "lib/$inc" ] || { breach "$file:$line: include \"$inc\": no such header in lib/"; continue; }
	to=${inc%%/*}
	[ "$from" = tools ] && continue
	[ "$from" = "$to" ] && continue
	case " ${BELOW[$from]:-} " in
	*" $to "*) ;;
	*) breach "$file:$line: the $from layer includes \"$inc\" from the $to layer, which is not below it" ;;
	esac
done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' lib/*/*.[ch] tools/*.c)

# The cli layer is the tools' front end: the one place that exits with the
# status the stream's contract gives (2 for usage, 1 for I/O).  Elsewhere a library
# function returns its error to the caller.
while IFS=: read -r file line text; do
	breach "$file:$line: library code ends the process: ${text#"${text%%[![:space:]]*}"}"
done < <(grep -nE '(^|[^_a-z])(exit|_Exit|_exit|err|errx|verr|verrx|quick_exit)[[:space:]]*\(' \
	$(ls lib/*/*.c | grep -v '^lib/cli/') | grep -vE ':[[:space:]]*(\*|//)')

exit $bad
