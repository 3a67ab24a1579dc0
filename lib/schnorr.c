#include "schnorr.h"

#include <err.h>
#include <stdlib.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

struct schnorr {
	secp256k1_context *ctx;
};

struct schnorr *
schnorr_new(void)
{
	struct schnorr *s = malloc(sizeof(*s));

	if (s == NULL)
		errx(1, "out of memory");
	s->ctx = secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
	if (s->ctx == NULL)
		errx(1, "secp256k1_context_create failed");
	return s;
}

void
schnorr_free(struct schnorr *s)
{
	if (s == NULL)
		return;
	secp256k1_context_destroy(s->ctx);
	free(s);
}

int
schnorr_verify_msg(struct schnorr *s, const uint8_t sig[64], const uint8_t *msg,
    size_t msg_len, const uint8_t pubkey[32])
{
	secp256k1_xonly_pubkey pk;

	if (!secp256k1_xonly_pubkey_parse(s->ctx, &pk, pubkey))
		return 0;
	return secp256k1_schnorrsig_verify(s->ctx, sig, msg, msg_len, &pk) == 1;
}

int
schnorr_verify(struct schnorr *s, const uint8_t sig[64], const uint8_t msg[32],
    const uint8_t pubkey[32])
{
	return schnorr_verify_msg(s, sig, msg, 32, pubkey);
}

int
schnorr_pubkey(struct schnorr *s, const uint8_t seckey[32], uint8_t pubkey[32])
{
	secp256k1_keypair kp;
	secp256k1_xonly_pubkey pk;

	if (!secp256k1_keypair_create(s->ctx, &kp, seckey) ||
	    !secp256k1_keypair_xonly_pub(s->ctx, &pk, NULL, &kp))
		return -1;
	secp256k1_xonly_pubkey_serialize(s->ctx, pubkey, &pk);
	return 0;
}

int
schnorr_sign(struct schnorr *s, const uint8_t seckey[32], const uint8_t msg[32],
    const uint8_t *aux, uint8_t sig[64])
{
	secp256k1_keypair kp;

	if (!secp256k1_keypair_create(s->ctx, &kp, seckey))
		return -1;
	return secp256k1_schnorrsig_sign32(s->ctx, sig, msg, &kp, aux) == 1 ? 0 : -1;
}
