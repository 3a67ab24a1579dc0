/*
 * schnorr.h: BIP-340 signatures on secp256k1 through libsecp256k1.
 *
 * A struct schnorr holds a libsecp256k1 context.  Contexts are not shared
 * between threads here: give each thread its own (schnorr_new per thread).
 */
#ifndef NP_SCHNORR_H
#define NP_SCHNORR_H

#include <stddef.h>
#include <stdint.h>

struct schnorr;

/* schnorr_new: a context for verifying and signing; exits on failure. */
struct schnorr *schnorr_new(void);

/* schnorr_free: releases a context (NULL is fine). */
void schnorr_free(struct schnorr *s);

/*
 * schnorr_verify: 1 when sig is a valid BIP-340 signature of the 32-byte msg
 * under the x-only pubkey, 0 otherwise (including a pubkey not on the curve).
 */
int schnorr_verify(struct schnorr *s, const uint8_t sig[64], const uint8_t msg[32],
    const uint8_t pubkey[32]);

/*
 * schnorr_verify_msg: as schnorr_verify for a message of any length (BIP-340
 * allows it; the test vectors include one).
 */
int schnorr_verify_msg(struct schnorr *s, const uint8_t sig[64], const uint8_t *msg,
    size_t msg_len, const uint8_t pubkey[32]);

/*
 * schnorr_pubkey: the x-only public key of the secret key.  Returns 0, or -1
 * when seckey is not a valid secret key.
 */
int schnorr_pubkey(struct schnorr *s, const uint8_t seckey[32], uint8_t pubkey[32]);

/*
 * schnorr_sign: signs the 32-byte msg with seckey, using aux (32 bytes of
 * auxiliary randomness, or NULL for none).  Returns 0, or -1 on a bad key.
 */
int schnorr_sign(struct schnorr *s, const uint8_t seckey[32], const uint8_t msg[32],
    const uint8_t *aux, uint8_t sig[64]);

#endif
