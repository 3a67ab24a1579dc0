#!/usr/bin/env bats
# layers.bats: the layering of lib/ (docs/ARCHITECTURE.md, "The layers") holds,
# and tests/layers.sh notices each kind of breach.

bats_require_minimum_version 1.5.0

setup() {
	T=$BATS_TEST_TMPDIR/tree
	mkdir -p "$T"
	cp -r "$ROOT/lib" "$ROOT/tools" "$T/"
}

@test "layers: the tree keeps the include rule, and no library code exits" {
	run "$ROOT/tests/layers.sh"
	[ "$output" = "" ]
	[ "$status" -eq 0 ]
}

@test "layers: a layer that includes one above it is caught" {
	sed -i '1i #include "render/format.h"' "$T/lib/base/hex.c"
	run ! "$ROOT/tests/layers.sh" "$T"
	[[ $output == *'lib/base/hex.c:1: the base layer includes "render/format.h" from the render layer'* ]]
}

@test "layers: the library including the cli layer is caught" {
	sed -i '1i #include "cli/cli.h"' "$T/lib/render/report.c"
	run ! "$ROOT/tests/layers.sh" "$T"
	[[ $output == *'lib/render/report.c:1: the render layer includes "cli/cli.h"'* ]]
}

@test "layers: an include without its layer, or of no header, is caught" {
	sed -i '1i #include "hex.h"' "$T/lib/nostr/event.c"
	sed -i '1i #include "base/nothing.h"' "$T/tools/nostr-load.c"
	run ! "$ROOT/tests/layers.sh" "$T"
	[[ $output == *'lib/nostr/event.c:1: include "hex.h" is not written "layer/module.h"'* ]]
	[[ $output == *'tools/nostr-load.c:1: include "base/nothing.h": no such header'* ]]
}

@test "layers: a folder that is no layer is caught" {
	mkdir "$T/lib/misc"
	run ! "$ROOT/tests/layers.sh" "$T"
	[[ $output == *'lib/misc/: a folder that is no layer'* ]]
}

@test "layers: library code that exits is caught, the cli layer excepted" {
	printf 'void f(void) { exit(1); }\n' >>"$T/lib/store/db.c"
	printf 'void g(void) { errx(2, "x"); }\n' >>"$T/lib/base/hex.c"
	printf 'void h(void) { exit(2); }\n' >>"$T/lib/cli/cli.c"
	run ! "$ROOT/tests/layers.sh" "$T"
	[[ $output == *'lib/store/db.c:'*'library code ends the process: void f(void) { exit(1); }'* ]]
	[[ $output == *'lib/base/hex.c:'*'errx(2'* ]]
	[[ $output != *'lib/cli/'* ]]
}
