/*
 * test_bolt11.c: bolt11.h against the examples of BOLT 11 ("Examples" and
 * "Examples of Invalid Invoices"), invoices built here for each rule and error,
 * and the real zap invoice of NIP-57's example receipt (read from NP_SHARED_DATA
 * at run time, skipped when absent).
 */
#include "nostr/bech32.h"
#include "nostr/bolt11.h"
#include "tap.h"

#include <openssl/sha.h>
#include <stdlib.h>

/* BOLT 11's examples.  All share the key e126f68f...; most the payment hash below. */
static const char ex_donation[] =
    "lnbc1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpl2pkx2ctnv5sxxmmw"
    "wd5kgetjypeh2ursdae8g6twvus8g6rfwvs8qun0dfjkxaq8rkx3yf5tcsyz3d73gafnh3cax9rn449d9p5uxz9"
    "ezhhypd0elx87sjle52x86fux2ypatgddc6k63n7erqz25le42c4u4ecky03ylcqca784w";
static const char ex_coffee[] =
    "lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3"
    "k7enxv4jsxqzpuaztrnwngzn3kdzw5hydlzf03qdgm2hdq27cqv3agm2awhz5se903vruatfhq77w3ls4evs3c"
    "h9zw97j25emudupq63nyw24cg27h2rspfj9srp";
static const char ex_nonsense[] =
    "lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpquwpc4curk03c"
    "9wlrswe78q4eyqc7d8d0xqzpuyk0sg5g70me25alkluzd2x62aysf2pyy8edtjeevuv4p2d5p76r4zkmneet7uv"
    "yakky2zr4cusd45tftc9c5fh0nnqpnl2jfll544esqchsrny";
static const char ex_hashed[] =
    "lnbc20m1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqhp58yjmdan79s6qqd"
    "hdzgynm4zwqd5d7xmw5fk98klysy043l2ahrqscc6gd6ql3jrc5yzme8v4ntcewwz5cnw92tz0pc8qcuufvq7k"
    "hhr8wpald05e92xw006sq94mg8v2ndf4sefvf9sygkshp5zfem29trqq2yxxz7";
static const char ex_testnet[] =
    "lntb20m1pvjluezhp58yjmdan79s6qqdhdzgynm4zwqd5d7xmw5fk98klysy043l2ahrqspp5qqqsyqcyq5rqwzq"
    "fqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqfpp3x9et2e20v6pu37c5d9vax37wxq72un98kmzzhznpurw9sg"
    "l2v0nklu2g4d0keph5t7tj9tcqd8rexnd07ux4uv2cjvcqwaxgj7v4uwn5wmypjd5n69z2xm3xgksg28nwht7f6"
    "zspwp3f9t";
static const char ex_route[] =
    "lnbc20m1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqhp58yjmdan79s6qqd"
    "hdzgynm4zwqd5d7xmw5fk98klysy043l2ahrqsfpp3qjmp7lwpagxun9pygexvgpjdc4jdj85fr9yq20q82gphp"
    "2nflc7jtzrcazrra7wwgzxqc8u7754cdlpfrmccae92qgzqvzq2ps8pqqqqqqpqqqqq9qqqvpeuqafqxu92d8lr"
    "6fvg0r5gv0heeeqgcrqlnm6jhphu9y00rrhy4grqszsvpcgpy9qqqqqqgqqqqq7qqzqj9n4evl6mr5aj9f58zp6"
    "fyjzup6ywn3x6sk8akg5v4tgn2q8g4fhx05wf6juaxu9760yp46454gpg5mtzgerlzezqcqvjnhjh8z3g2qqdhh"
    "wkj";
static const char ex_pico[] =
    "lnbc9678785340p1pwmna7lpp5gc3xfm08u9qy06djf8dfflhugl6p7lgza6dsjxq454gxhj9t7a0sd8dgfkx7c"
    "mtwd68yetpd5s9xar0wfjn5gpc8qhrsdfq24f5ggrxdaezqsnvda3kkum5wfjkzmfqf3jkgem9wgsyuctwdus9x"
    "grcyqcjcgpzgfskx6eqf9hzqnteypzxz7fzypfhg6trddjhygrcyqezcgpzfysywmm5ypxxjemgw3hxjmn8yptk"
    "7untd9hxwg3q2d6xjcmtv4ezq7pqxgsxzmnyyqcjqmt0wfjjq6t5v4khxxqyjw5qcqp2rzjq0gxwkzc8w6323m5"
    "5m4jyxcjwmy7stt9hwkwe2qxmy8zpsgg7jcuwz87fcqqeuqqqyqqqqlgqqqqn3qq9qn07ytgrxxzad9hc4xt3ma"
    "wjjt8znfv8xzscs7007v9gh9j569lencxa8xeujzkxs0uamak9aln6ez02uunw6rd2ht2sqe4hz8thcdagpleym0j";
static const char ex_beans[] =
    "lnbc25m1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5vdhkven9v5sxyet"
    "pdeessp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygs9q5sqqqqqqqqqqqqqqqpqsq67gy"
    "e39hfg3zd8rgc80k32tvy9xk2xunwm5lzexnvpx6fd77en8qaq424dxgt56cag2dpt359k3ssyhetktkpqh24jq"
    "njyw6uqd08sgptq44qu";
static const char ex_beans_upper[] =
    "LNBC25M1PVJLUEZPP5QQQSYQCYQ5RQWZQFQQQSYQCYQ5RQWZQFQQQSYQCYQ5RQWZQFQYPQDQ5VDHKVEN9V5SXYET"
    "PDEESSP5ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYG3ZYGS9Q5SQQQQQQQQQQQQQQQPQSQ67GY"
    "E39HFG3ZD8RGC80K32TVY9XK2XUNWM5LZEXNVPX6FD77EN8QAQ424DXGT56CAG2DPT359K3SSYHETKTKPQH24JQ"
    "NJYW6UQD08SGPTQ44QU";
static const char ex_ignored_fields[] =
    "lnbc25m1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5vdhkven9v5sxy"
    "etpdeessp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygs9q5sqqqqqqqqqqqqqqqpqsq2"
    "qrqqqfppnqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqppnqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
    "qqqqqqqqqpp4qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqhpnqqqqqqqqqqqqqqqqqq"
    "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqhp4qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
    "qqqspnqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqsp4qqqqqqqqqqqqqqqqqqqqqqqqqq"
    "qqqqqqqqqqqqqqqqqqqqqqqqqqqnp5qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnpkq"
    "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq2jxxfsnucm4jf4zwtznpaxphce606fvhv"
    "je5x7d4gw7n73994hgs7nteqvenq8a4ml8aqtchv5d9pf7l558889hp4yyrqv6a7zpq9fgpskqhza";
/* From "Examples of Invalid Invoices". */
static const char bad_feature_100[] =
    "lnbc25m1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5vdhkven9v5sxyet"
    "pdeessp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygs9q4psqqqqqqqqqqqqqqqpqsqq40w"
    "a3khl49yue3zsgm26jrepqr2eghqlx86rttutve3ugd05em86nsefzh4pfurpd9ek9w2vp95zxqnfe2u7ckudya"
    "hsa52q66tgzcp6t2dyk";
static const char bad_checksum[] =
    "lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpquwpc4curk03c"
    "9wlrswe78q4eyqc7d8d0xqzpuyk0sg5g70me25alkluzd2x62aysf2pyy8edtjeevuv4p2d5p76r4zkmneet7uv"
    "yakky2zr4cusd45tftc9c5fh0nnqpnl2jfll544esqchsrnt";
static const char bad_no_separator[] =
    "pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpquwpc4curk03c9wlrswe78q"
    "4eyqc7d8d0xqzpuyk0sg5g70me25alkluzd2x62aysf2pyy8edtjeevuv4p2d5p76r4zkmneet7uvyakky2zr4c"
    "usd45tftc9c5fh0nnqpnl2jfll544esqchsrny";
static const char bad_mixed_case[] =
    "LNBC2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpquwpc4curk03c"
    "9wlrswe78q4eyqc7d8d0xqzpuyk0sg5g70me25alkluzd2x62aysf2pyy8edtjeevuv4p2d5p76r4zkmneet7uv"
    "yakky2zr4cusd45tftc9c5fh0nnqpnl2jfll544esqchsrny";
static const char bad_signature[] =
    "lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3"
    "k7enxv4jsxqzpuaxtrnwngzn3kdzw5hydlzf03qdgm2hdq27cqv3agm2awhz5se903vruatfhq77w3ls4evs3c"
    "h9zw97j25emudupq63nyw24cg27h2rspk28uwq";
static const char bad_too_short[] =
    "lnbc1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpl2pkx2ctnv5sxxmmw"
    "wd5kgetjypeh2ursdae8g6na6hlh";
static const char bad_multiplier[] =
    "lnbc2500x1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3"
    "k7enxv4jsxqzpujr6jxr9gq9pv6g46y7d20jfkegkg4gljz2ea2a3m9lmvvr95tq2s0kvu70u3axgelz3kyvtp2"
    "ywwt0y8hkx2869zq5dll9nelr83zzqqpgl2zg";
static const char bad_sub_msat[] =
    "lnbc2500000001p1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxa"
    "tsyp3k7enxv4jsxqzpu7hqtk93pkf7sw55rdv4k9z2vj050rxdr6za9ekfs3nlt5lr89jqpdmxsmlj9urqumg0h"
    "9wzpqecw7th56tdms40p2ny9q4ddvjsedzcplva53s";

static const char spec_payment_hash[] =
    "0001020304050607080900010203040506070809000102030405060708090102";

/* Test helper: lower-case hex to bytes. */
static void
hex_bytes(const char *hex, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char h = hex[2 * i], l = hex[2 * i + 1];

		out[i] = (uint8_t)((h <= '9' ? h - '0' : h - 'a' + 10) << 4 |
		    (l <= '9' ? l - '0' : l - 'a' + 10));
	}
}

#define CHECK_HEX(bytes, hex) do { \
	uint8_t want_[128]; \
	hex_bytes((hex), want_, strlen(hex) / 2); \
	CHECK_EQ_MEM((bytes), want_, strlen(hex) / 2); \
} while (0)

static int
decode(const char *s, struct bolt11 *b)
{
	return bolt11_decode(s, strlen(s), b);
}

/*
 * An invoice builder, so that each rule can be tried on a string with a valid
 * checksum: timestamp, then fields, then a signature of zeros and a recovery id.
 */
struct builder {
	uint8_t g[2 * BOLT11_MAX_LEN];
	size_t n;
};

static void
b_start(struct builder *b, uint64_t timestamp)
{
	int i;

	b->n = 0;
	for (i = 6; i >= 0; i--)
		b->g[b->n++] = (uint8_t)((timestamp >> (5 * i)) & 31);
}

/* A field given as 5-bit groups. */
static void
b_field(struct builder *b, unsigned type, const uint8_t *g, size_t n)
{
	b->g[b->n++] = (uint8_t)type;
	b->g[b->n++] = (uint8_t)(n >> 5);
	b->g[b->n++] = (uint8_t)(n & 31);
	if (n > 0)
		memcpy(b->g + b->n, g, n);
	b->n += n;
}

/* A field given as bytes, zero-padded to whole groups as BOLT 11 writers do. */
static void
b_field_bytes(struct builder *b, unsigned type, const void *bytes, size_t len)
{
	uint8_t g[1100];
	size_t n = 0;

	CHECK_EQ_INT(bech32_convert_bits(g, sizeof g, &n, 5, bytes, len, 8, 1), 0);
	b_field(b, type, g, n);
}

static void
b_payment_hash(struct builder *b, uint8_t fill)
{
	uint8_t h[32];

	memset(h, fill, sizeof h);
	b_field_bytes(b, 1, h, 32);
}

static void
b_signature(struct builder *b, uint8_t recovery_id)
{
	uint8_t sig[65];
	size_t n = 0;

	memset(sig, 0x5a, 64);
	sig[64] = recovery_id;
	CHECK_EQ_INT(bech32_convert_bits(b->g + b->n, 104, &n, 5, sig, 65, 8, 1), 0);
	CHECK_EQ_INT(n, 104);
	b->n += n;
}

/* Encodes the builder under hrp and decodes the result. */
static int
b_decode(struct builder *b, const char *hrp, struct bolt11 *out)
{
	static char s[2 * BOLT11_MAX_LEN + 100];
	int rc = bech32_encode(s, sizeof s, hrp, b->g, b->n, sizeof s - 1);

	if (rc != 0)
		return 1000 + rc;  /* setup failure: never a bolt11 result */
	return bolt11_decode(s, strlen(s), out);
}

/* A minimal valid invoice under hrp: timestamp, payment hash, signature. */
static int
decode_hrp(const char *hrp, struct bolt11 *out)
{
	static struct builder b;

	b_start(&b, 1700000000);
	b_payment_hash(&b, 0x42);
	b_signature(&b, 0);
	return b_decode(&b, hrp, out);
}

static void
test_spec_donation_no_amount(void)
{
	struct bolt11 b;

	CHECK_EQ_INT(decode(ex_donation, &b), 0);
	CHECK_EQ_STR(b.currency, "bc");
	CHECK_EQ_INT(b.has_amount, 0);
	CHECK_EQ_INT(b.amount_msat, 0);
	CHECK_EQ_INT(b.timestamp, 1496314658);
	CHECK_HEX(b.payment_hash, spec_payment_hash);
	CHECK_EQ_INT(b.has_description, 1);
	CHECK_EQ_STR(b.description, "Please consider supporting this project");
	CHECK_EQ_INT(b.description_len, 39);
	CHECK_EQ_INT(b.has_description_hash, 0);
	CHECK_EQ_INT(b.has_expiry, 0);
	CHECK_EQ_INT(b.expiry, BOLT11_DEFAULT_EXPIRY);
	CHECK_EQ_INT(b.has_payee, 0);
	CHECK_HEX(b.signature, "38ec6891345e204145be8a3a99de38e98a39d6a569434e1845c8af7205afcfcc"
	    "7f425fcd1463e93c32881ead0d6e356d467ec8c02553f9aab15e5738b11f127f");
	CHECK_EQ_INT(b.recovery_id, 0);
}

static void
test_spec_coffee_2500u(void)
{
	struct bolt11 b;

	CHECK_EQ_INT(decode(ex_coffee, &b), 0);
	/* 2500 µBTC = 0.0025 BTC = 250,000 sat = 250,000,000 msat. */
	CHECK_EQ_INT(b.has_amount, 1);
	CHECK_EQ_INT(b.amount_msat, 250000000);
	CHECK_EQ_INT(b.timestamp, 1496314658);
	CHECK_HEX(b.payment_hash, spec_payment_hash);
	CHECK_EQ_STR(b.description, "1 cup coffee");
	CHECK_EQ_INT(b.has_expiry, 1);
	CHECK_EQ_INT(b.expiry, 60);
	CHECK_HEX(b.signature, "e89639ba6814e36689d4b91bf125f10351b55da057b00647a8dabaeb8a90c95f"
	    "160f9d5a6e0f79d1fc2b964238b944e2fa4aa677c6f020d466472ab842bd750e");
	CHECK_EQ_INT(b.recovery_id, 1);
}

static void
test_spec_nonsense_utf8(void)
{
	static const char want[] =
	    "\xe3\x83\x8a\xe3\x83\xb3\xe3\x82\xbb\xe3\x83\xb3\xe3\x82\xb9 1\xe6\x9d\xaf";
	struct bolt11 b;

	CHECK_EQ_INT(decode(ex_nonsense, &b), 0);
	CHECK_EQ_INT(b.amount_msat, 250000000);
	CHECK_EQ_INT(b.description_len, sizeof want - 1);
	CHECK_EQ_STR(b.description, want);
	CHECK_EQ_INT(b.expiry, 60);
	CHECK_EQ_INT(b.recovery_id, 0);
}

static void
test_spec_hashed_20m(void)
{
	struct bolt11 b;

	CHECK_EQ_INT(decode(ex_hashed, &b), 0);
	/* 20 mBTC = 2,000,000 sat. */
	CHECK_EQ_INT(b.amount_msat, 2000000000);
	CHECK_EQ_INT(b.has_description, 0);
	CHECK_EQ_INT(b.has_description_hash, 1);
	/* SHA-256 of the spec's "One piece of chocolate cake, ..." list. */
	CHECK_HEX(b.description_hash,
	    "3925b6f67e2c340036ed12093dd44e0368df1b6ea26c53dbe4811f58fd5db8c1");
	CHECK_HEX(b.payment_hash, spec_payment_hash);
}

static void
test_spec_testnet_and_fallbacks(void)
{
	struct bolt11 b;

	CHECK_EQ_INT(decode(ex_testnet, &b), 0);
	CHECK_EQ_STR(b.currency, "tb");
	CHECK_EQ_INT(b.amount_msat, 2000000000);
	CHECK_EQ_INT(b.has_description_hash, 1);
	CHECK_HEX(b.payment_hash, spec_payment_hash);  /* h came before p here */
	CHECK_EQ_INT(b.recovery_id, 1);

	CHECK_EQ_INT(decode(ex_route, &b), 0);
	CHECK_EQ_STR(b.currency, "bc");
	CHECK_EQ_INT(b.amount_msat, 2000000000);
	CHECK_HEX(b.payment_hash, spec_payment_hash);
}

static void
test_spec_pico_amount(void)
{
	struct bolt11 b;

	CHECK_EQ_INT(decode(ex_pico, &b), 0);
	/* 9678785340 pBTC = 967878534 msat. */
	CHECK_EQ_INT(b.amount_msat, 967878534);
	CHECK_EQ_INT(b.timestamp, 1572468703);
	CHECK_HEX(b.payment_hash,
	    "462264ede7e14047e9b249da94fefc47f41f7d02ee9b091815a5506bc8abf75f");
	CHECK_EQ_STR(b.description, "Blockstream Store: 88.85 USD for Blockstream Ledger Nano S x 1, "
	    "\"Back In My Day\" Sticker x 2, \"I Got Lightning Working\" Sticker x 2 and 1 more items");
	CHECK_EQ_INT(b.expiry, 604800);
}

static void
test_spec_upper_case_and_uri(void)
{
	struct bolt11 lower, upper;
	char s[sizeof ex_beans_upper + 16];

	CHECK_EQ_INT(decode(ex_beans, &lower), 0);
	CHECK_EQ_INT(lower.amount_msat, 2500000000u);
	CHECK_EQ_STR(lower.description, "coffee beans");
	CHECK_EQ_INT(decode(ex_beans_upper, &upper), 0);
	CHECK_EQ_STR(upper.currency, "bc");
	CHECK(memcmp(&lower, &upper, sizeof lower) == 0);

	snprintf(s, sizeof s, "lightning:%s", ex_beans);
	CHECK_EQ_INT(decode(s, &upper), 0);
	CHECK(memcmp(&lower, &upper, sizeof lower) == 0);
	snprintf(s, sizeof s, "LIGHTNING:%s", ex_beans_upper);
	CHECK_EQ_INT(decode(s, &upper), 0);
	CHECK(memcmp(&lower, &upper, sizeof lower) == 0);
	/* Not "lightning://" (BOLT 11), and only one prefix. */
	snprintf(s, sizeof s, "lightning://%s", ex_beans);
	CHECK(decode(s, &upper) != 0);
	snprintf(s, sizeof s, " %s", ex_beans);
	CHECK_EQ_INT(decode(s, &upper), BECH32_ERR_CHAR);
}

static void
test_spec_ignored_fields(void)
{
	struct bolt11 b;

	CHECK_EQ_INT(decode(ex_ignored_fields, &b), 0);
	CHECK_EQ_INT(b.amount_msat, 2500000000u);
	CHECK_EQ_STR(b.description, "coffee beans");
	/* p, h and n of the wrong lengths are skipped: the first p stands, no h or n. */
	CHECK_HEX(b.payment_hash, spec_payment_hash);
	CHECK_EQ_INT(b.has_description_hash, 0);
	CHECK_EQ_INT(b.has_payee, 0);
}

static void
test_spec_invalid_invoices(void)
{
	struct bolt11 b;

	CHECK_EQ_INT(decode(bad_checksum, &b), BECH32_ERR_CHECKSUM);
	CHECK_EQ_INT(decode(bad_no_separator, &b), BECH32_ERR_NO_SEPARATOR);
	CHECK_EQ_INT(decode(bad_mixed_case, &b), BECH32_ERR_MIXED_CASE);
	CHECK_EQ_INT(decode(bad_too_short, &b), BOLT11_ERR_TOO_SHORT);
	CHECK_EQ_INT(decode(bad_multiplier, &b), BOLT11_ERR_AMOUNT);
	CHECK_EQ_INT(decode(bad_sub_msat, &b), BOLT11_ERR_AMOUNT_PRECISION);
	/* What a payer must also reject but analytics does not check (bolt11.h):
	 * an unrecoverable signature and an unknown even feature bit. */
	CHECK_EQ_INT(decode(bad_signature, &b), 0);
	CHECK_EQ_INT(decode(bad_feature_100, &b), 0);
}

static void
test_amounts_exact(void)
{
	struct bolt11 b;

	CHECK_EQ_INT(decode_hrp("lnbc1", &b), 0);
	CHECK_EQ_INT(b.amount_msat, BOLT11_MSAT_PER_BTC);
	CHECK_EQ_INT(decode_hrp("lnbc1m", &b), 0);
	CHECK_EQ_INT(b.amount_msat, 100000000);
	CHECK_EQ_INT(decode_hrp("lnbc1u", &b), 0);
	CHECK_EQ_INT(b.amount_msat, 100000);
	CHECK_EQ_INT(decode_hrp("lnbc1n", &b), 0);
	CHECK_EQ_INT(b.amount_msat, 100);
	CHECK_EQ_INT(decode_hrp("lnbc10p", &b), 0);
	CHECK_EQ_INT(b.amount_msat, 1);
	CHECK_EQ_INT(decode_hrp("lnbc10u", &b), 0);
	CHECK_EQ_INT(b.amount_msat, 1000000);  /* the usual 1000-sat zap */
	CHECK_EQ_INT(decode_hrp("lnbc21000000", &b), 0);
	CHECK_EQ_INT(b.amount_msat, 2100000000000000000);
	/* The largest whole-BTC amount under 2^64 msat, and the first over. */
	CHECK_EQ_INT(decode_hrp("lnbc184467440", &b), 0);
	CHECK(b.amount_msat == UINT64_C(18446744000000000000));
	CHECK_EQ_INT(decode_hrp("lnbc184467441", &b), BOLT11_ERR_AMOUNT_OVERFLOW);
	CHECK_EQ_INT(decode_hrp("lnbc184467440738m", &b), BOLT11_ERR_AMOUNT_OVERFLOW);
	CHECK_EQ_INT(decode_hrp("lnbc18446744073709551610p", &b), 0);
	CHECK(b.amount_msat == UINT64_C(1844674407370955161));
	CHECK_EQ_INT(decode_hrp("lnbc18446744073709551615p", &b), BOLT11_ERR_AMOUNT_PRECISION);
	CHECK_EQ_INT(decode_hrp("lnbc18446744073709551620p", &b), BOLT11_ERR_AMOUNT_OVERFLOW);
	CHECK_EQ_INT(decode_hrp("lnbc99999999999999999999999999n", &b),
	    BOLT11_ERR_AMOUNT_OVERFLOW);
}

static void
test_amount_errors(void)
{
	struct bolt11 b;

	CHECK_EQ_INT(decode_hrp("lnbc1p", &b), BOLT11_ERR_AMOUNT_PRECISION);
	CHECK_EQ_INT(decode_hrp("lnbc25p", &b), BOLT11_ERR_AMOUNT_PRECISION);
	CHECK_EQ_INT(decode_hrp("lnbc0", &b), BOLT11_ERR_AMOUNT);
	CHECK_EQ_INT(decode_hrp("lnbc0m", &b), BOLT11_ERR_AMOUNT);
	CHECK_EQ_INT(decode_hrp("lnbc01m", &b), BOLT11_ERR_AMOUNT);
	CHECK_EQ_INT(decode_hrp("lnbc1mm", &b), BOLT11_ERR_AMOUNT);
	CHECK_EQ_INT(decode_hrp("lnbc1m2", &b), BOLT11_ERR_AMOUNT);
	CHECK_EQ_INT(decode_hrp("lnbc2500x", &b), BOLT11_ERR_AMOUNT);
	CHECK_EQ_INT(decode_hrp("lnbc1-", &b), BOLT11_ERR_AMOUNT);
	CHECK_EQ_INT(decode_hrp("lnbc-1", &b), BOLT11_ERR_AMOUNT);
	CHECK_EQ_INT(decode_hrp("lnbc1.5m", &b), BOLT11_ERR_AMOUNT);
	/* A multiplier with no digits reads as part of the currency. */
	CHECK_EQ_INT(decode_hrp("lnbcm", &b), BOLT11_ERR_CURRENCY);
}

static void
test_currencies(void)
{
	static const char *const ok[] = { "lnbc", "lntb", "lnbcrt", "lntbs", "lnsb" };
	struct bolt11 b;
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		CHECK_EQ_INT(decode_hrp(ok[i], &b), 0);
		CHECK_EQ_STR(b.currency, ok[i] + 2);
		CHECK_EQ_INT(b.has_amount, 0);
	}
	CHECK_EQ_INT(decode_hrp("lnbcrt5u", &b), 0);
	CHECK_EQ_STR(b.currency, "bcrt");
	CHECK_EQ_INT(b.amount_msat, 500000);
	CHECK_EQ_INT(decode_hrp("lntbs1n", &b), 0);
	CHECK_EQ_STR(b.currency, "tbs");
	CHECK_EQ_INT(decode_hrp("ln", &b), BOLT11_ERR_CURRENCY);
	CHECK_EQ_INT(decode_hrp("ln1m", &b), BOLT11_ERR_CURRENCY);
	CHECK_EQ_INT(decode_hrp("lnxy", &b), BOLT11_ERR_CURRENCY);
	CHECK_EQ_INT(decode_hrp("lnb", &b), BOLT11_ERR_CURRENCY);
	CHECK_EQ_INT(decode_hrp("lnbcrtx", &b), BOLT11_ERR_CURRENCY);
	CHECK_EQ_INT(decode_hrp("lnabcdefghijklmnop", &b), BOLT11_ERR_CURRENCY);
	CHECK_EQ_INT(decode_hrp("bc", &b), BOLT11_ERR_PREFIX);
	CHECK_EQ_INT(decode_hrp("l", &b), BOLT11_ERR_PREFIX);
	CHECK_EQ_INT(decode_hrp("lno", &b), BOLT11_ERR_CURRENCY);
	CHECK_EQ_INT(decode_hrp("npub", &b), BOLT11_ERR_PREFIX);
}

static void
test_fields_built(void)
{
	static struct builder bld;
	struct bolt11 b;
	uint8_t payee[33], dh[32], desc[BOLT11_MAX_DESCRIPTION];
	size_t i;

	for (i = 0; i < 33; i++)
		payee[i] = (uint8_t)(0x02 + i);
	memset(dh, 0xdd, sizeof dh);
	for (i = 0; i < sizeof desc; i++)
		desc[i] = (uint8_t)i;  /* NUL and control bytes included */

	b_start(&bld, (UINT64_C(1) << 35) - 1);  /* the largest 35-bit timestamp */
	b_field_bytes(&bld, 19, payee, 33);      /* n */
	b_field_bytes(&bld, 13, desc, sizeof desc);  /* d: the longest possible */
	b_field_bytes(&bld, 13, "second", 6);    /* only the first d counts */
	b_field_bytes(&bld, 23, dh, 32);         /* h */
	b_payment_hash(&bld, 0x77);
	b_payment_hash(&bld, 0x88);              /* only the first p counts */
	b_signature(&bld, 3);
	CHECK_EQ_INT(b_decode(&bld, "lnbc10u", &b), 0);
	CHECK(b.timestamp == (UINT64_C(1) << 35) - 1);
	CHECK_EQ_INT(b.has_payee, 1);
	CHECK_EQ_MEM(b.payee, payee, 33);
	CHECK_EQ_INT(b.has_description, 1);
	CHECK_EQ_INT(b.description_len, BOLT11_MAX_DESCRIPTION);
	CHECK_EQ_MEM(b.description, desc, BOLT11_MAX_DESCRIPTION);
	CHECK_EQ_INT(b.description[BOLT11_MAX_DESCRIPTION], '\0');
	CHECK_EQ_INT(b.has_description_hash, 1);
	CHECK_EQ_MEM(b.description_hash, dh, 32);
	CHECK_EQ_INT(b.payment_hash[0], 0x77);
	CHECK_EQ_INT(b.payment_hash[31], 0x77);
	CHECK_EQ_INT(b.recovery_id, 3);
	CHECK_EQ_INT(b.signature[0], 0x5a);

	/* An empty d is a description of zero bytes. */
	b_start(&bld, 1);
	b_field(&bld, 13, NULL, 0);
	b_payment_hash(&bld, 1);
	b_signature(&bld, 0);
	CHECK_EQ_INT(b_decode(&bld, "lnbc", &b), 0);
	CHECK_EQ_INT(b.has_description, 1);
	CHECK_EQ_INT(b.description_len, 0);
	CHECK_EQ_STR(b.description, "");
}

static void
test_expiry(void)
{
	static struct builder bld;
	struct bolt11 b;
	uint8_t g[16];

	/* Leading zero groups are legal; an empty x is zero seconds. */
	memset(g, 0, sizeof g);
	g[15] = 7;
	b_start(&bld, 1);
	b_field(&bld, 6, g, 16);
	b_payment_hash(&bld, 1);
	b_signature(&bld, 0);
	CHECK_EQ_INT(b_decode(&bld, "lnbc", &b), 0);
	CHECK_EQ_INT(b.has_expiry, 1);
	CHECK_EQ_INT(b.expiry, 7);

	b_start(&bld, 1);
	b_field(&bld, 6, NULL, 0);
	b_field(&bld, 6, g + 15, 1);  /* a second x does not count */
	b_payment_hash(&bld, 1);
	b_signature(&bld, 0);
	CHECK_EQ_INT(b_decode(&bld, "lnbc", &b), 0);
	CHECK_EQ_INT(b.has_expiry, 1);
	CHECK_EQ_INT(b.expiry, 0);

	/* 13 groups: 15 then twelve 31s is 2^64-1 exactly; 16 then zeros is 2^64. */
	memset(g, 31, 13);
	g[0] = 15;
	b_start(&bld, 1);
	b_field(&bld, 6, g, 13);
	b_payment_hash(&bld, 1);
	b_signature(&bld, 0);
	CHECK_EQ_INT(b_decode(&bld, "lnbc", &b), 0);
	CHECK(b.expiry == UINT64_MAX);
	memset(g, 0, 13);
	g[0] = 16;
	b_start(&bld, 1);
	b_field(&bld, 6, g, 13);
	b_payment_hash(&bld, 1);
	b_signature(&bld, 0);
	CHECK_EQ_INT(b_decode(&bld, "lnbc", &b), BOLT11_ERR_EXPIRY);
}

static void
test_structure_errors(void)
{
	static struct builder bld;
	struct bolt11 b;
	uint8_t g[60];

	memset(g, 0, sizeof g);

	/* No p at all, and a p of the wrong length only. */
	b_start(&bld, 1);
	b_field_bytes(&bld, 13, "x", 1);
	b_signature(&bld, 0);
	CHECK_EQ_INT(b_decode(&bld, "lnbc", &b), BOLT11_ERR_NO_PAYMENT_HASH);
	b_start(&bld, 1);
	b_field(&bld, 1, g, 51);
	b_field(&bld, 1, g, 53);
	b_signature(&bld, 0);
	CHECK_EQ_INT(b_decode(&bld, "lnbc", &b), BOLT11_ERR_NO_PAYMENT_HASH);
	/* A p of all zeros is still a payment hash. */
	b_start(&bld, 1);
	b_field(&bld, 1, g, 52);
	b_signature(&bld, 0);
	CHECK_EQ_INT(b_decode(&bld, "lnbc", &b), 0);

	/* A field header cut by the signature: 1 and 2 groups left. */
	b_start(&bld, 1);
	b_payment_hash(&bld, 1);
	bld.g[bld.n++] = 13;
	b_signature(&bld, 0);
	CHECK_EQ_INT(b_decode(&bld, "lnbc", &b), BOLT11_ERR_FIELD_TRUNCATED);
	b_start(&bld, 1);
	b_payment_hash(&bld, 1);
	bld.g[bld.n++] = 13;
	bld.g[bld.n++] = 0;
	b_signature(&bld, 0);
	CHECK_EQ_INT(b_decode(&bld, "lnbc", &b), BOLT11_ERR_FIELD_TRUNCATED);
	/* A field whose length runs into the signature. */
	b_start(&bld, 1);
	b_payment_hash(&bld, 1);
	bld.g[bld.n++] = 13;
	bld.g[bld.n++] = 0;
	bld.g[bld.n++] = 2;
	bld.g[bld.n++] = 3;  /* one of the two groups it claims */
	b_signature(&bld, 0);
	CHECK_EQ_INT(b_decode(&bld, "lnbc", &b), BOLT11_ERR_FIELD_TRUNCATED);

	/* A recovery id over 3 makes the signature invalid, which is not checked
	 * (bolt11.h): it is reported as it came. */
	b_start(&bld, 1);
	b_payment_hash(&bld, 1);
	b_signature(&bld, 0xff);
	CHECK_EQ_INT(b_decode(&bld, "lnbc", &b), 0);
	CHECK_EQ_INT(b.recovery_id, 0xff);

	/* Timestamp and signature but one group short of both. */
	b_start(&bld, 1);
	b_signature(&bld, 0);
	bld.n--;
	CHECK_EQ_INT(b_decode(&bld, "lnbc", &b), BOLT11_ERR_TOO_SHORT);
	CHECK_EQ_INT(decode("lnbc1qqqqqqqqqqqqqqq", &b), BECH32_ERR_CHECKSUM);
	CHECK_EQ_INT(decode("", &b), BECH32_ERR_NO_SEPARATOR);
	CHECK_EQ_INT(decode("lightning:", &b), BECH32_ERR_NO_SEPARATOR);
}

/* No 90-character limit: exactly BOLT11_MAX_LEN characters decode, one more does not. */
static void
test_length_limit(void)
{
	static struct builder bld;
	static char s[2 * BOLT11_MAX_LEN];
	struct bolt11 b;
	uint8_t filler[1023];
	size_t want, room;

	memset(filler, 0, sizeof filler);
	for (want = BOLT11_MAX_LEN; want <= BOLT11_MAX_LEN + 1; want++) {
		b_start(&bld, 1);
		b_payment_hash(&bld, 1);
		/* "lnbc" "1" + groups + 6 checksum characters = want. */
		room = want - 4 - 1 - 6 - bld.n - 104;
		while (room > 0) {
			size_t n = room - 3 > 1023 ? 1023 : room - 3;

			b_field(&bld, 10, filler, n);  /* type 10 ('2'): unknown, skipped */
			room -= 3 + n;
		}
		b_signature(&bld, 0);
		CHECK_EQ_INT(bech32_encode(s, sizeof s, "lnbc", bld.g, bld.n, sizeof s), 0);
		CHECK_EQ_INT(strlen(s), want);
		CHECK_EQ_INT(bolt11_decode(s, strlen(s), &b),
		    want <= BOLT11_MAX_LEN ? 0 : BECH32_ERR_TOO_LONG);
	}
}

/* The invoice is s[0..len): ASan catches any read past it. */
static void
test_no_read_past_len(void)
{
	size_t len = strlen(ex_coffee);
	char *s = malloc(len);
	struct bolt11 b;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	memcpy(s, ex_coffee, len);
	CHECK_EQ_INT(bolt11_decode(s, len, &b), 0);
	CHECK_EQ_INT(bolt11_decode(s, len - 1, &b), BECH32_ERR_CHECKSUM);
	CHECK_EQ_INT(bolt11_decode(s, 3, &b), BECH32_ERR_NO_SEPARATOR);
	free(s);
}

static void
test_error_strings(void)
{
	int code;

	for (code = BOLT11_ERR_PREFIX; code >= BOLT11_ERR_EXPIRY; code--)
		CHECK(strcmp(bolt11_error_string(code), "unknown error") != 0);
	CHECK_EQ_STR(bolt11_error_string(BECH32_ERR_CHECKSUM),
	    bech32_error_string(BECH32_ERR_CHECKSUM));
	CHECK_EQ_STR(bolt11_error_string(-199), "unknown error");
	CHECK_EQ_STR(bolt11_error_string(0), "success");
}

/* The NIP-57 example receipt, read at run time (never copied into the repository). */
static char receipt[65536];

static int
load_receipt(void)
{
	const char *dir = getenv("NP_SHARED_DATA");
	char path[4096];
	FILE *f;
	size_t n;

	if (dir == NULL)
		return 0;
	snprintf(path, sizeof path, "%s/nip57/receipt-example.json", dir);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(receipt, 1, sizeof receipt - 1, f);
	fclose(f);
	receipt[n] = '\0';
	return n > 0;
}

/* The string value that follows the literal key in the compact JSON, e.g. the
 * invoice after ["bolt11","; its length in *len, or NULL. */
static const char *
json_string_after(const char *key, size_t *len)
{
	const char *p = strstr(receipt, key), *end;

	if (p == NULL)
		return NULL;
	p += strlen(key);
	if ((end = strchr(p, '"')) == NULL)
		return NULL;
	*len = (size_t)(end - p);
	return p;
}

static void
test_nip57_receipt_invoice(void)
{
	const char *inv, *pre, *created;
	size_t inv_len = 0, pre_len = 0;
	uint8_t preimage[32], digest[32];
	struct bolt11 b;
	long long created_at;

	inv = json_string_after("[\"bolt11\",\"", &inv_len);
	pre = json_string_after("[\"preimage\",\"", &pre_len);
	created = strstr(receipt, "\"created_at\":");
	CHECK(inv != NULL && pre != NULL && pre_len == 64 && created != NULL);
	if (inv == NULL || pre == NULL || pre_len != 64 || created == NULL)
		return;
	CHECK(inv_len > BECH32_MAX_LEN_BIP173);
	CHECK_EQ_INT(bolt11_decode(inv, inv_len, &b), 0);
	CHECK_EQ_STR(b.currency, "bc");
	CHECK_EQ_INT(b.has_amount, 1);
	CHECK_EQ_INT(b.amount_msat, 1000000);  /* lnbc10u: 1,000 sats */
	/* A zap invoice commits to the zap request by hash (NIP-57). */
	CHECK_EQ_INT(b.has_description_hash, 1);
	CHECK_EQ_INT(b.has_description, 0);
	/* The receipt's preimage hashes to the invoice's payment hash. */
	hex_bytes(pre, preimage, 32);
	SHA256(preimage, 32, digest);
	CHECK_EQ_MEM(b.payment_hash, digest, 32);
	/* The invoice was made shortly before the receipt. */
	created_at = strtoll(created + strlen("\"created_at\":"), NULL, 10);
	CHECK(b.timestamp <= (uint64_t)created_at && (uint64_t)created_at - b.timestamp < 600);
}

int
main(void)
{
	TEST(test_spec_donation_no_amount);
	TEST(test_spec_coffee_2500u);
	TEST(test_spec_nonsense_utf8);
	TEST(test_spec_hashed_20m);
	TEST(test_spec_testnet_and_fallbacks);
	TEST(test_spec_pico_amount);
	TEST(test_spec_upper_case_and_uri);
	TEST(test_spec_ignored_fields);
	TEST(test_spec_invalid_invoices);
	TEST(test_amounts_exact);
	TEST(test_amount_errors);
	TEST(test_currencies);
	TEST(test_fields_built);
	TEST(test_expiry);
	TEST(test_structure_errors);
	TEST(test_length_limit);
	TEST(test_no_read_past_len);
	TEST(test_error_strings);
	if (load_receipt())
		TEST(test_nip57_receipt_invoice);
	else
		TEST_SKIP(test_nip57_receipt_invoice,
		    "NP_SHARED_DATA/nip57/receipt-example.json not found");
	return tap_done();
}
