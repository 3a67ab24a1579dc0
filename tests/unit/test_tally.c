/*
 * test_tally.c: tally.h: one sum pair per key however often it is added to,
 * keys apart when any part differs, growth that keeps every sum, a clear
 * that empties, and wrapping instead of overflow.
 */
#include "base/tally.h"
#include "tap.h"

#include <stdint.h>
#include <string.h>

/* sum_of: the sums of key k in t (0 and 0 when absent), *found set. */
static void
sum_of(const struct tally *t, const struct tally_key *k, int64_t s[2], int *found)
{
	const struct tally_entry *e;
	size_t pos = 0;

	s[0] = s[1] = 0;
	*found = 0;
	while ((e = tally_next(t, &pos)) != NULL)
		if (e->key.tag == k->tag && memcmp(e->key.n, k->n, sizeof k->n) == 0 &&
		    e->key.len == k->len && memcmp(e->key.b, k->b, k->len) == 0) {
			s[0] = e->sum[0];
			s[1] = e->sum[1];
			(*found)++;
		}
}

static void
test_one_key_sums_every_add(void)
{
	struct tally t = TALLY_INIT;
	struct tally_key k;
	int64_t s[2];
	int found, i;

	CHECK_EQ_INT(tally_key(&k, 1, 3600, 7, 0, NULL, 0), 0);
	for (i = 0; i < 10; i++)
		tally_add(&t, &k, 1, 100);
	tally_add(&t, &k, -3, -300);
	sum_of(&t, &k, s, &found);
	CHECK_EQ_INT(found, 1);
	CHECK_EQ_INT(s[0], 7);
	CHECK_EQ_INT(s[1], 700);
	CHECK_EQ_INT(t.count, 1);
	tally_free(&t);
}

static void
test_keys_apart_in_every_part(void)
{
	struct tally t = TALLY_INIT;
	struct tally_key k[7];
	int64_t s[2];
	int found, i;

	tally_key(&k[0], 1, 5, 6, 7, "en", 2);
	tally_key(&k[1], 2, 5, 6, 7, "en", 2);     /* tag */
	tally_key(&k[2], 1, 9, 6, 7, "en", 2);     /* first integer */
	tally_key(&k[3], 1, 5, 9, 7, "en", 2);     /* second */
	tally_key(&k[4], 1, 5, 6, 9, "en", 2);     /* third */
	tally_key(&k[5], 1, 5, 6, 7, "es", 2);     /* a byte */
	tally_key(&k[6], 1, 5, 6, 7, "en-", 3);    /* the length */
	for (i = 0; i < 7; i++)
		tally_add(&t, &k[i], i + 1, 0);
	CHECK_EQ_INT(t.count, 7);
	for (i = 0; i < 7; i++) {
		sum_of(&t, &k[i], s, &found);
		CHECK_EQ_INT(found, 1);
		CHECK_EQ_INT(s[0], i + 1);
	}
	tally_free(&t);
}

static void
test_bytes_over_the_limit_refused(void)
{
	struct tally_key k;
	unsigned char id[TALLY_BYTES + 1] = { 0 };

	CHECK_EQ_INT(tally_key(&k, 1, 0, 0, 0, id, TALLY_BYTES), 0);
	CHECK_EQ_INT(tally_key(&k, 1, 0, 0, 0, id, TALLY_BYTES + 1), -1);
}

static void
test_growth_keeps_every_sum(void)
{
	struct tally t = TALLY_INIT;
	struct tally_key k;
	const struct tally_entry *e;
	unsigned char id[32];
	size_t pos = 0, seen = 0;
	int64_t total = 0, i;
	int bad = 0;

	memset(id, 0xab, sizeof id);
	for (i = 0; i < 100000; i++) {
		memcpy(id, &i, sizeof i);
		tally_key(&k, 4, 0, 0, 0, id, 32);
		tally_add(&t, &k, 1, i);
		tally_add(&t, &k, 1, i);   /* twice each: 2 and 2i */
	}
	CHECK_EQ_INT(t.count, 100000);
	while ((e = tally_next(&t, &pos)) != NULL) {
		memcpy(&i, e->key.b, sizeof i);
		if (e->sum[0] != 2 || e->sum[1] != 2 * i)
			bad++;
		total += e->sum[0];
		seen++;
	}
	CHECK_EQ_INT(seen, 100000);
	CHECK_EQ_INT(total, 200000);
	CHECK_EQ_INT(bad, 0);
	tally_free(&t);
}

static void
test_clear_empties_and_keeps_working(void)
{
	struct tally t = TALLY_INIT;
	struct tally_key k;
	int64_t s[2];
	size_t pos = 0;
	int found;

	tally_key(&k, 1, 1, 0, 0, NULL, 0);
	tally_add(&t, &k, 5, 0);
	tally_clear(&t);
	CHECK_EQ_INT(t.count, 0);
	CHECK(tally_next(&t, &pos) == NULL);
	tally_add(&t, &k, 2, 0);
	sum_of(&t, &k, s, &found);
	CHECK_EQ_INT(found, 1);
	CHECK_EQ_INT(s[0], 2);
	tally_free(&t);
}

static void
test_sums_wrap_and_come_back(void)
{
	struct tally t = TALLY_INIT;
	struct tally_key k;
	int64_t s[2];
	int found;

	tally_key(&k, 1, 0, 0, 0, NULL, 0);
	tally_add(&t, &k, INT64_MAX, 0);
	tally_add(&t, &k, INT64_MAX, 0);   /* past the top: wraps, no overflow */
	tally_add(&t, &k, -INT64_MAX, 0);
	tally_add(&t, &k, -INT64_MAX, 0);
	tally_add(&t, &k, 42, 0);
	sum_of(&t, &k, s, &found);
	CHECK_EQ_INT(s[0], 42);
	tally_free(&t);
}

/*
 * Keys whose bytes are all zero and differ only in how many there are: a
 * comparison that skipped the length would take one for another whenever
 * two met in a probe chain, and at half load among 200 x 33 of them some do.
 */
static void
test_keys_apart_by_length_alone(void)
{
	static const unsigned char zeros[TALLY_BYTES];
	struct tally t = TALLY_INIT;
	struct tally_key k;
	const struct tally_entry *e;
	size_t pos = 0, n = 0, bad = 0;
	int tag, len;

	for (tag = 0; tag < 200; tag++)
		for (len = 0; len <= TALLY_BYTES; len++) {
			tally_key(&k, tag, 0, 0, 0, zeros, (size_t)len);
			tally_add(&t, &k, len + 1, 0);
		}
	while ((e = tally_next(&t, &pos)) != NULL) {
		n++;
		if (e->sum[0] != (int64_t)e->key.len + 1)
			bad++;
	}
	CHECK_EQ_INT(n, 200 * (TALLY_BYTES + 1));
	CHECK_EQ_INT(bad, 0);
	tally_free(&t);
}

int
main(void)
{
	TEST(test_one_key_sums_every_add);
	TEST(test_keys_apart_in_every_part);
	TEST(test_keys_apart_by_length_alone);
	TEST(test_bytes_over_the_limit_refused);
	TEST(test_growth_keeps_every_sum);
	TEST(test_clear_empties_and_keeps_working);
	TEST(test_sums_wrap_and_come_back);
	return tap_done();
}
