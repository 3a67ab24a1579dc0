/*
 * test_auth.c: NIP-42 answers and the keys they are signed with.
 */
#include "nostr/auth.h"
#include "base/hex.h"
#include "nostr/nip19.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Secret key 3 and its public key (3·G), a BIP-340 test vector's key. */
static const char SEC3[] = "0000000000000000000000000000000000000000000000000000000000000003";
static const char PUB3[] = "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9";

/* key_file: a file holding text, with mode, in a fresh directory; returns its path. */
static const char *
key_file(const char *text, mode_t mode)
{
	static char path[256];
	static int n;
	const char *tmp = getenv("TMPDIR");
	FILE *f;

	snprintf(path, sizeof path, "%s/np-auth-%d-%d", tmp ? tmp : "/tmp", (int)getpid(), n++);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

static void
hex_and_nsec_keys_load(void)
{
	struct schnorr *s = schnorr_new();
	struct sign_key key;
	uint8_t sec[32];
	char pub[65], nsec[NIP19_KEY_BUFSIZE], text[128];
	const char *why, *path;

	path = key_file(SEC3, 0600);
	CHECK_EQ_INT(auth_key_load(s, path, &key, &why), 0);
	hex_encode(key.pub, 32, pub);
	CHECK_EQ_STR(pub, PUB3);
	unlink(path);

	hex_decode(SEC3, sec, 32);
	nip19_encode_key(NIP19_NSEC, sec, nsec, sizeof nsec);
	snprintf(text, sizeof text, "  %s\n\n", nsec);
	path = key_file(text, 0400);
	memset(&key, 0, sizeof key);
	CHECK_EQ_INT(auth_key_load(s, path, &key, &why), 0);
	hex_encode(key.pub, 32, pub);
	CHECK_EQ_STR(pub, PUB3);
	unlink(path);

	/* Upper-case hex is the same key. */
	path = key_file("00000000000000000000000000000000000000000000000000000000000000AB\n", 0600);
	CHECK_EQ_INT(auth_key_load(s, path, &key, &why), 0);
	CHECK_EQ_INT(key.sec[31], 0xab);
	unlink(path);
	sign_key_clear(&key);
	schnorr_free(s);
}

/* refused: auth_key_load fails on path, and its reason holds none of the text. */
static void
refused(struct schnorr *s, const char *path, const char *text, const char *reason)
{
	struct sign_key key;
	const char *why = NULL;

	CHECK_EQ_INT(auth_key_load(s, path, &key, &why), -1);
	CHECK(why != NULL);
	if (why == NULL)
		return;
	if (reason != NULL)
		CHECK(strstr(why, reason) != NULL);
	if (text != NULL && strlen(text) > 8)
		CHECK(strstr(why, text + 4) == NULL);
}

static void
bad_key_files_are_refused(void)
{
	struct schnorr *s = schnorr_new();
	const char *path;

	path = key_file(SEC3, 0644);
	refused(s, path, SEC3, "others may read");
	unlink(path);
	path = key_file(SEC3, 0660);
	refused(s, path, SEC3, "others may read");
	unlink(path);
	path = key_file("nsec1notakeyatall", 0600);
	refused(s, path, "nsec1notakeyatall", "not a valid nsec");
	unlink(path);
	path = key_file("0123456789abcdef", 0600);
	refused(s, path, "0123456789abcdef", "not an nsec");
	unlink(path);
	/* Zero is no secret key, nor is the group order. */
	path = key_file("0000000000000000000000000000000000000000000000000000000000000000", 0600);
	refused(s, path, NULL, "not a valid secret key");
	unlink(path);
	path = key_file("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 0600);
	refused(s, path, NULL, "not a valid secret key");
	unlink(path);
	path = key_file("", 0600);
	refused(s, path, NULL, NULL);
	unlink(path);
	refused(s, "/nonexistent/key", NULL, "No such file");
	refused(s, "/", NULL, "not a regular file");
	schnorr_free(s);
}

static void
ephemeral_keys_differ(void)
{
	struct schnorr *s = schnorr_new();
	struct sign_key a, b;
	uint8_t pub[32];

	CHECK_EQ_INT(auth_key_ephemeral(s, &a), 0);
	CHECK_EQ_INT(auth_key_ephemeral(s, &b), 0);
	CHECK(memcmp(a.sec, b.sec, 32) != 0);
	CHECK_EQ_INT(schnorr_pubkey(s, a.sec, pub), 0);
	CHECK_EQ_MEM(pub, a.pub, 32);
	sign_key_clear(&a);
	for (int i = 0; i < 32; i++)
		CHECK_EQ_INT(a.sec[i] | a.pub[i], 0);
	sign_key_clear(&b);
	schnorr_free(s);
}

static void
answer_is_a_signed_kind_22242_event(void)
{
	struct schnorr *s = schnorr_new();
	struct event_parser p;
	struct sign_key key;
	struct buf out = BUF_INIT;
	struct event ev;
	uint8_t sec[32], id[32];
	char pub[65];
	const char *inner;
	size_t len;

	event_parser_init(&p);
	hex_decode(SEC3, sec, 32);
	CHECK_EQ_INT(sign_key_set(s, sec, &key), 0);
	buf_puts(&out, "x");
	CHECK_EQ_INT(auth_message(&p, s, &key, "ws://127.0.0.1:7777", "ch\"al\\lenge", 11,
	    1714000000, &out, id), 0);
	CHECK(strncmp(out.data, "x[\"AUTH\",{", 10) == 0);
	CHECK(out.data[out.len - 1] == ']');
	inner = out.data + 9;
	len = out.len - 10;
	CHECK_EQ_INT(event_parse(&p, inner, len, &ev), EVENT_OK);
	CHECK_EQ_INT(event_check_id(&p, &ev, NULL), EVENT_OK);
	CHECK_EQ_INT(event_check_sig(s, &ev), EVENT_OK);
	CHECK_EQ_MEM(ev.id, id, 32);
	CHECK_EQ_INT(ev.kind, 22242);
	CHECK_EQ_INT(ev.created_at, 1714000000);
	CHECK_EQ_INT(ev.content.len, 0);
	hex_encode(ev.pubkey, 32, pub);
	CHECK_EQ_STR(pub, PUB3);
	CHECK_EQ_INT(ev.ntags, 2);
	CHECK(ev.ntags == 2 && ev.tags[0].count == 2 && ev.tags[0].items[1].len == 19 &&
	    memcmp(ev.tags[0].items[1].s, "ws://127.0.0.1:7777", 19) == 0);
	CHECK(ev.ntags == 2 && ev.tags[1].count == 2 && ev.tags[1].items[1].len == 11 &&
	    memcmp(ev.tags[1].items[1].s, "ch\"al\\lenge", 11) == 0);
	/* The secret appears nowhere in the message. */
	CHECK(strstr(out.data, SEC3 + 8) == NULL);
	sign_key_clear(&key);
	buf_free(&out);
	event_parser_free(&p);
	schnorr_free(s);
}

static void
odd_challenges_are_not_answered(void)
{
	struct schnorr *s = schnorr_new();
	struct event_parser p;
	struct sign_key key;
	struct buf out = BUF_INIT;
	char big[AUTH_CHALLENGE_MAX + 2];

	event_parser_init(&p);
	CHECK_EQ_INT(auth_key_ephemeral(s, &key), 0);
	memset(big, 'a', sizeof big);
	CHECK_EQ_INT(auth_message(&p, s, &key, "wss://r", big, AUTH_CHALLENGE_MAX + 1, 1, &out, NULL), -1);
	CHECK_EQ_INT(auth_message(&p, s, &key, "wss://r", "a\nb", 3, 1, &out, NULL), -1);
	CHECK_EQ_INT(auth_message(&p, s, &key, "wss://r", "\xff", 1, 1, &out, NULL), -1);
	CHECK_EQ_INT(out.len, 0);
	CHECK_EQ_INT(auth_message(&p, s, &key, "wss://r", big, AUTH_CHALLENGE_MAX, 1, &out, NULL), 0);
	sign_key_clear(&key);
	buf_free(&out);
	event_parser_free(&p);
	schnorr_free(s);
}

int
main(void)
{
	TEST(hex_and_nsec_keys_load);
	TEST(bad_key_files_are_refused);
	TEST(ephemeral_keys_differ);
	TEST(answer_is_a_signed_kind_22242_event);
	TEST(odd_challenges_are_not_answered);
	return tap_done();
}
