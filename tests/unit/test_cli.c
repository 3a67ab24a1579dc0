/*
 * test_cli.c: cli_parse_time (lib/cli), the reader of --since, --until and
 * --now: unix seconds, ISO 8601 dates and date-times (Z or a +hh:mm/-hh:mm
 * offset), and durations before a given now.  Expected times were worked out
 * with date -u, never with the code under test.
 */
#include "cli/cli.h"
#include "tap.h"

#define NOW 1700000000

/* parses: the time arg reads as, against NOW; -1 (and a failed check) if none. */
static int64_t
parses(const char *arg)
{
	int64_t t = -12345;

	if (cli_parse_time(arg, NOW, &t) != 0) {
		tap_state.cur_fail++;
		printf("#   cli_parse_time(\"%s\") failed\n", arg);
		return -1;
	}
	return t;
}

/* refused: 1 when arg is refused with -1. */
static int
refused(const char *arg)
{
	int64_t t = 0;
	int rc = cli_parse_time(arg, NOW, &t);

	if (rc != -1)
		printf("#   \"%s\" gave %d and %lld\n", arg, rc, (long long)t);
	return rc == -1;
}

static void
test_unix_seconds(void)
{
	CHECK_EQ_INT(parses("0"), 0);
	CHECK_EQ_INT(parses("1"), 1);
	CHECK_EQ_INT(parses("1700000000"), 1700000000);
	CHECK_EQ_INT(parses("1714564800"), 1714564800);
	/* past 2038 */
	CHECK_EQ_INT(parses("4102444800"), 4102444800LL);
}

static void
test_iso_dates(void)
{
	CHECK_EQ_INT(parses("1970-01-01"), 0);
	CHECK_EQ_INT(parses("2024-05-01"), 1714521600);
	CHECK_EQ_INT(parses("2024-02-29"), 1709164800);
	CHECK_EQ_INT(parses("2000-03-01"), 951868800);
	CHECK_EQ_INT(parses("1969-12-31"), -86400);
}

static void
test_iso_datetimes(void)
{
	CHECK_EQ_INT(parses("2024-05-01T12:00:00Z"), 1714564800);
	CHECK_EQ_INT(parses("2024-05-01T12:00Z"), 1714564800);
	CHECK_EQ_INT(parses("2024-05-01T12:00:00"), 1714564800);
	CHECK_EQ_INT(parses("2024-05-01 12:00:00"), 1714564800);
	CHECK_EQ_INT(parses("1999-12-31T23:59:59Z"), 946684799);
	CHECK_EQ_INT(parses("2038-01-19T03:14:08Z"), 2147483648LL);
	/* offsets: local time +hh:mm is that much ahead of UTC */
	CHECK_EQ_INT(parses("2024-05-01T12:00:00+02:00"), 1714564800 - 7200);
	CHECK_EQ_INT(parses("2024-05-01T12:00:00-05:30"), 1714564800 + 19800);
	CHECK_EQ_INT(parses("2024-05-01T12:00+00:00"), 1714564800);
	CHECK_EQ_INT(parses("2024-05-01T00:30:00+01:00"), 1714521600 - 1800);
}

static void
test_durations(void)
{
	CHECK_EQ_INT(parses("90s"), NOW - 90);
	CHECK_EQ_INT(parses("30m"), NOW - 1800);
	CHECK_EQ_INT(parses("24h"), NOW - 86400);
	CHECK_EQ_INT(parses("7d"), NOW - 604800);
	CHECK_EQ_INT(parses("2w"), NOW - 1209600);
	CHECK_EQ_INT(parses("0s"), NOW);
	CHECK_EQ_INT(parses("1h"), NOW - 3600);
	/* relative to the now given, not the clock */
	{
		int64_t t = 0;

		CHECK(cli_parse_time("1d", 86400 * 3, &t) == 0);
		CHECK_EQ_INT(t, 86400 * 2);
	}
}

static void
test_garbage(void)
{
	CHECK(refused(""));
	CHECK(refused("abc"));
	CHECK(refused("24x"));
	CHECK(refused("24hh"));
	CHECK(refused("h"));
	CHECK(refused("1.5h"));
	CHECK(refused("-5"));
	CHECK(refused("-5d"));
	CHECK(refused("1700000000junk"));
	CHECK(refused("2024-13-01"));
	CHECK(refused("2024-00-01"));
	CHECK(refused("2024-05-00"));
	CHECK(refused("2024-05-32"));
	CHECK(refused("2024-5-1"));
	CHECK(refused("2024-05-01junk"));
	CHECK(refused("2024-05-01T"));
	CHECK(refused("2024-05-01T12"));
	CHECK(refused("2024-05-01T24:00:00Z"));
	CHECK(refused("2024-05-01T12:60Z"));
	CHECK(refused("2024-05-01T12:00:61Z"));
	CHECK(refused("2024-05-01T12:00:00Zjunk"));
	CHECK(refused("2024-05-01T12:00:00+02"));
	CHECK(refused("2024-05-01T12:00:00+02:00junk"));
	CHECK(refused("2024-05-01T12:00:00 junk"));
}

static void
test_garbage_signs(void)
{
	/* a sign is no digit, in no field */
	CHECK(refused("2024-+5-01"));
	CHECK(refused("2024-05--1"));
	CHECK(refused("2024-05-01T-1:00Z"));
	CHECK(refused("2024-05-01T+1:00Z"));
	CHECK(refused("2024-05-01T12:-5Z"));
	CHECK(refused("2024-05-01T12:00:-1Z"));
	CHECK(refused("2024-05-01T12:00:00+-1:00"));
	CHECK(refused("2024-05-01T12:00:00+01:-5"));
	CHECK(refused("2024-05-01T12:00:00+01:60"));
}

static void
test_overflow(void)
{
	CHECK(refused("99999999999999999999"));
	CHECK(refused("99999999999999999999s"));
	CHECK(refused("9223372036854775808"));
	/* counts that fit, but not once made seconds */
	CHECK(refused("9223372036854775807w"));
	CHECK(refused("9223372036854775807d"));
	CHECK(refused("9223372036854775807h"));
	CHECK(refused("9223372036854775807m"));
	CHECK(refused("1000000000000000000d"));
	CHECK_EQ_INT(parses("9223372036854775807"), INT64_MAX);
}

int
main(void)
{
	TEST(test_unix_seconds);
	TEST(test_iso_dates);
	TEST(test_iso_datetimes);
	TEST(test_durations);
	TEST(test_garbage);
	TEST(test_garbage_signs);
	TEST(test_overflow);
	return tap_done();
}
