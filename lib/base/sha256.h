/*
 * sha256.h: SHA-256 through OpenSSL's libcrypto, which uses the CPU's SHA
 * extensions where it has them.
 */
#ifndef NP_SHA256_H
#define NP_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* sha256: the digest of the len bytes at data, into out. */
void sha256(const void *data, size_t len, uint8_t out[32]);

#endif
