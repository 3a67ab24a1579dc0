/*
 * test_kind0.c: kind0_profile_parse, a profile's fields as both of
 * nostr-load's engines store them.
 */
#include "nostr/kind0.h"
#include "tap.h"

#include <string.h>

static struct kind0_profile p;

static void
parse(const char *content)
{
	kind0_profile_parse(&p, content, strlen(content));
}

static void
strings_and_the_first_of_a_key(void)
{
	parse("{\"name\":\"first\",\"name\":\"second\",\"about\":5,\"about\":\"text\","
	    "\"lud16\":null,\"website\":{\"x\":[1]},\"nip05\":\"n@x\"}");
	CHECK_EQ_INT(p.json_ok, 1);
	CHECK(p.has[KIND0_NAME]);
	CHECK_EQ_STR(p.field[KIND0_NAME].data, "first");
	CHECK(p.has[KIND0_ABOUT]);
	CHECK_EQ_STR(p.field[KIND0_ABOUT].data, "text");
	CHECK(!p.has[KIND0_LUD16]);
	CHECK(!p.has[KIND0_WEBSITE]);
	CHECK_EQ_STR(p.field[KIND0_NIP05].data, "n@x");
	CHECK(!p.has[KIND0_DISPLAY_NAME]);
}

static void
display_name_before_displayName(void)
{
	parse("{\"displayName\":\"old\",\"display_name\":\"new\"}");
	CHECK_EQ_STR(p.field[KIND0_DISPLAY_NAME].data, "new");
	parse("{\"displayName\":\"old\",\"display_name\":5}");
	CHECK(p.has[KIND0_DISPLAY_NAME]);
	CHECK_EQ_STR(p.field[KIND0_DISPLAY_NAME].data, "old");
	parse("{\"name\":\"x\"}");
	CHECK(!p.has[KIND0_DISPLAY_NAME]);
}

static void
broken_keeps_what_parsed(void)
{
	parse("{\"name\":\"kept\", \"about\": \"unterminated");
	CHECK_EQ_INT(p.json_ok, 0);
	CHECK_EQ_STR(p.field[KIND0_NAME].data, "kept");
	CHECK(!p.has[KIND0_ABOUT]);
	parse("{\"name\":\"x\"} trailing");
	CHECK_EQ_INT(p.json_ok, 0);
	CHECK(p.has[KIND0_NAME]);
	parse("not json");
	CHECK_EQ_INT(p.json_ok, 0);
	CHECK(!p.has[KIND0_NAME]);
	parse("{}");
	CHECK_EQ_INT(p.json_ok, 1);
}

int
main(void)
{
	kind0_profile_init(&p);
	TEST(strings_and_the_first_of_a_key);
	TEST(display_name_before_displayName);
	TEST(broken_keeps_what_parsed);
	kind0_profile_free(&p);
	return tap_done();
}
