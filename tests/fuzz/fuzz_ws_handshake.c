/*
 * fuzz_ws_handshake.c: libFuzzer target for ws_handshake_check, which reads
 * the HTTP response a server sends to nostr-fetch's WebSocket upgrade.
 *
 * Checks: a refusal is a reason that fits its 64-byte buffer; an acceptance
 * happens only for a 101 response that carries the accept key of the
 * request's key (RFC 6455's sample key; the input cannot know another).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/ws.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char key[] = "dGhlIHNhbXBsZSBub25jZQ==";
	char why[64], want[29];
	const char *r;

	memset(why, 0x55, sizeof why);
	r = ws_handshake_check((const char *)data, size, key, why);
	if (r != NULL) {
		if (strnlen(r, 64) == 64)
			abort();
		return 0;
	}
	ws_accept_key(key, want);
	if (size < 12 || memcmp(data, "HTTP/1.1 101", 12) != 0 ||
	    memmem(data, size, want, 28) == NULL)
		abort();
	return 0;
}
