/*
 * fuzz_relaylist.c: libFuzzer target for relaylist_scan on the content of a
 * kind-3 contact list, the old relay map, which is JSON from anyone.
 *
 * Checks, on every input: each URL reported lies within what was decoded (no
 * read past the content), the count returned is the count reported, and
 * content that is not one JSON object names nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "nostr/relaylist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	size_t calls;
	size_t bytes;
};

static void
on_relay(void *arg, const char *url, size_t len, enum relay_source src, unsigned use)
{
	struct seen *s = arg;

	if (src != RELAY_SRC_CONTACTS || use > (RELAY_USE_READ | RELAY_USE_WRITE))
		abort();
	for (size_t i = 0; i < len; i++)
		s->bytes += (unsigned char)url[i] != 0;  /* touches every byte for ASan */
	s->calls++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event ev;
	struct buf scratch = BUF_INIT;
	struct seen seen = { 0, 0 };
	struct json_cursor c = { (const char *)data, (const char *)data + size };
	char *copy = malloc(size ? size : 1);
	size_t n;

	memcpy(copy, data, size);
	memset(&ev, 0, sizeof ev);
	ev.kind = RELAYLIST_KIND_CONTACTS;
	ev.content.s = copy;
	ev.content.len = size;
	n = relaylist_scan(&ev, &scratch, on_relay, &seen);
	if (n != seen.calls)
		abort();
	if (n > 0) {
		if (json_peek(&c) != '{' || json_skip_value(&c, 4) != JSON_OK)
			abort();
		json_skip_ws(&c);
		if (c.p != c.end)
			abort();
	}
	buf_free(&scratch);
	free(copy);
	return 0;
}
