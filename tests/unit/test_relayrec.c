/*
 * test_relayrec.c: relay_rec_parse, the one reader of relay-status records
 * that both of nostr-load's engines write from.
 */
#include "store/relayrec.h"
#include "tap.h"

#include <string.h>

static struct relay_rec rec;

static int
parse(const char *line)
{
	return relay_rec_parse(&rec, line, strlen(line));
}

static void
fields_of_a_record(void)
{
	static const char line[] = "{\"type\":\"relay_status\",\"relay\":\"wss://a\",\"time\":1.5,"
	    "\"state\":\"eose\",\"connect_ms\":42.5,\"events\":120,\"notice\":\"tab\\there\","
	    "\"nip11\":{\"name\":\"A\"}}";

	CHECK_EQ_INT(parse(line), 0);
	CHECK_EQ_STR(rec.text[RR_RELAY].data, "wss://a");
	CHECK_EQ_STR(rec.text[RR_STATE].data, "eose");
	CHECK_EQ_STR(rec.text[RR_NOTICE].data, "tab\there");
	CHECK(!rec.has_text[RR_ERROR]);
	CHECK(rec.time == 1.5);
	CHECK(rec.has_ms[RR_CONNECT_MS] && rec.ms[RR_CONNECT_MS] == 42.5);
	CHECK(!rec.has_ms[RR_EOSE_MS]);
	CHECK(rec.has_count[RR_EVENTS] && rec.count[RR_EVENTS] == 120);
	CHECK(!rec.has_count[RR_NOTICES]);
	CHECK_EQ_INT((int)rec.nip11_len, 12);
	CHECK(rec.nip11 == line + strlen(line) - 13);
}

static void
what_is_no_count(void)
{
	CHECK_EQ_INT(parse("{\"relay\":\"r\",\"time\":1,\"state\":\"s\",\"events\":-1,"
	    "\"duplicates\":1e19,\"invalid\":3.7,\"reconnects\":null,\"notices\":5,"
	    "\"notices\":null,\"eose_ms\":null,\"nip11\":\"text\",\"error\":7}"), 0);
	CHECK(!rec.has_count[RR_EVENTS]);
	CHECK(!rec.has_count[RR_DUPLICATES]);
	CHECK(rec.has_count[RR_INVALID] && rec.count[RR_INVALID] == 3);
	CHECK(!rec.has_count[RR_RECONNECTS]);
	CHECK(rec.has_count[RR_NOTICES] && rec.count[RR_NOTICES] == 5);  /* null keeps it */
	CHECK(!rec.has_ms[RR_EOSE_MS]);
	CHECK(rec.nip11 == NULL);
	CHECK(!rec.has_text[RR_ERROR]);
}

static void
not_records(void)
{
	CHECK_EQ_INT(parse("{\"relay\":\"r\",\"state\":\"s\"}"), 1);
	CHECK_EQ_INT(parse("{\"relay\":\"r\",\"time\":\"1\",\"state\":\"s\"}"), 1);
	CHECK_EQ_INT(parse("{\"relay\":5,\"time\":1,\"state\":\"s\"}"), 1);
	CHECK_EQ_INT(parse("{\"relay\":\"r\",\"time\":1,\"state\":\"s\"} x"), 1);
	CHECK_EQ_INT(parse("{\"relay\":\"r\",\"time\":1,\"state\":\"s\",\"events\":\"3\"}"), 1);
	CHECK_EQ_INT(parse("[]"), 1);
	CHECK_EQ_INT(parse(""), 1);
	/* What a line before set is not kept. */
	CHECK_EQ_INT(parse("{\"relay\":\"r\",\"time\":1,\"state\":\"s\"}"), 0);
	CHECK(!rec.has_text[RR_NOTICE] && !rec.has_count[RR_NOTICES] && rec.nip11 == NULL);
}

int
main(void)
{
	relay_rec_init(&rec);
	TEST(fields_of_a_record);
	TEST(what_is_no_count);
	TEST(not_records);
	relay_rec_free(&rec);
	return tap_done();
}
