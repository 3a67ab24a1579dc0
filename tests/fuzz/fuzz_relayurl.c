/*
 * fuzz_relayurl.c: libFuzzer target for relay_url_normalize, which reads
 * relay URLs out of events (relay lists, tag hints, kind-3 content).
 *
 * Checks, on every input: a refused URL leaves the output empty; an accepted
 * one starts with ws:// or wss://, holds only printable ASCII, no user info,
 * query or fragment, is no longer than its limit, and normalizing it again
 * changes nothing; classifying its host never fails.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "nostr/relayurl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = BUF_INIT, again = BUF_INIT, host = BUF_INIT;
	const char *authority, *slash;
	size_t i;

	if (relay_url_normalize((const char *)data, size, &out) != RELAY_URL_OK) {
		if (out.len != 0)
			abort();
		buf_free(&out);
		return 0;
	}
	if (strncmp(out.data, "ws://", 5) != 0 && strncmp(out.data, "wss://", 6) != 0)
		abort();
	if (out.len > RELAY_URL_MAX + 64 || strpbrk(out.data, "?#") != NULL)
		abort();
	authority = strstr(out.data, "://") + 3;
	slash = strchr(authority, '/');
	if (memchr(authority, '@', slash ? (size_t)(slash - authority) : strlen(authority)))
		abort();
	for (i = 0; i < out.len; i++)
		if ((unsigned char)out.data[i] <= 0x20 || (unsigned char)out.data[i] >= 0x7f)
			abort();
	if (relay_url_normalize(out.data, out.len, &again) != RELAY_URL_OK ||
	    again.len != out.len || memcmp(again.data, out.data, out.len) != 0)
		abort();
	relay_url_host(out.data, &host);
	if (host.len == 0 || (unsigned)relay_host_classify(host.data) >= RELAY_HOST_NCLASS)
		abort();
	buf_free(&out);
	buf_free(&again);
	buf_free(&host);
	return 0;
}
