/*
 * test_nip09.c: nip09_next, the targets of a deletion that both of
 * nostr-load's engines record.
 */
#include "nostr/nip09.h"
#include "tap.h"

#include <string.h>

#define A64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define B64 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define C64 "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static void
ids_and_own_addresses(void)
{
	static const char line[] = "{\"id\":\"" C64 "\",\"pubkey\":\"" A64 "\","
	    "\"created_at\":1,\"kind\":5,\"content\":\"\",\"sig\":\"" C64 C64 "\",\"tags\":["
	    "[\"e\",\"" B64 "\"],[\"e\",\"zz\"],[\"e\"],[\"p\",\"" B64 "\"],"
	    "[\"a\",\"30023:" A64 ":slug\"],[\"a\",\"30023:" B64 ":slug\"],"
	    "[\"a\",\"1:" A64 ":x\"],[\"a\",\"10002:" A64 ":\"],[\"a\",\"30023:" A64 "\"],"
	    "[\"a\",\"123456:" A64 ":x\"]]}";
	struct event_parser parser;
	struct event ev;
	struct nip09_targets it;
	struct nip09_target t;

	event_parser_init(&parser);
	CHECK_EQ_INT(event_parse(&parser, line, sizeof line - 1, &ev), EVENT_OK);
	nip09_begin(&it, &ev);
	CHECK_EQ_INT(nip09_next(&it, &t), 1);
	CHECK(t.by_id && t.id[0] == 0xbb && t.id[31] == 0xbb);
	CHECK_EQ_INT(nip09_next(&it, &t), 1);
	CHECK(!t.by_id && t.kind == 30023 && t.d_len == 4 && memcmp(t.d, "slug", 4) == 0);
	CHECK(t.addr_len == 6 + 64 + 5 && memcmp(t.addr, "30023:", 6) == 0);
	/* Another's address and a kind that has none are no target. */
	CHECK_EQ_INT(nip09_next(&it, &t), 1);
	CHECK(!t.by_id && t.kind == 10002 && t.d_len == 0);
	CHECK_EQ_INT(nip09_next(&it, &t), 0);
	CHECK_EQ_INT(nip09_next(&it, &t), 0);
	event_parser_free(&parser);
}

int
main(void)
{
	TEST(ids_and_own_addresses);
	return tap_done();
}
