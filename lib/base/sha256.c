#include "base/sha256.h"

#include <openssl/sha.h>

void
sha256(const void *data, size_t len, uint8_t out[32])
{
	/* SHA256() is OpenSSL 3's one-shot call; it is not deprecated. */
	SHA256(data, len, out);
}
