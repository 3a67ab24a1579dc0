/*
 * fuzz_nip11.c: libFuzzer target for nip11_compact, which reads a relay's
 * NIP-11 document (an HTTP body) into nostr-fetch's status records.
 *
 * Checks, on every input: a refused body leaves the output untouched; an
 * accepted one comes out as one JSON object (json.h's strict scanner reads
 * it whole), no longer than the body, with no byte below 0x20 (so it stays on
 * its NDJSON line), and compacting that again changes nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "nostr/nip11.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = BUF_INIT, again = BUF_INIT;
	struct json_cursor c;
	size_t i;

	buf_puts(&out, "x");
	if (nip11_compact((const char *)data, size, &out) != NULL) {
		if (out.len != 1 || out.data[0] != 'x')
			abort();
		buf_free(&out);
		return 0;
	}
	if (out.len - 1 > size)
		abort();
	for (i = 1; i < out.len; i++)
		if ((unsigned char)out.data[i] < 0x20)
			abort();
	c.p = out.data + 1;
	c.end = out.data + out.len;
	if (json_peek(&c) != '{' || json_skip_value(&c, NIP11_MAX_DEPTH) != JSON_OK ||
	    c.p != c.end)
		abort();
	if (nip11_compact(out.data + 1, out.len - 1, &again) != NULL ||
	    again.len != out.len - 1 || memcmp(again.data, out.data + 1, again.len) != 0)
		abort();
	buf_free(&out);
	buf_free(&again);
	return 0;
}
