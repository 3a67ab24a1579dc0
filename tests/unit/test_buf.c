/*
 * test_buf.c: buf.h's xgrow: room for what is asked, the elements kept,
 * the count doubled (from 16) and never shrunk.
 */
#include "base/buf.h"
#include "tap.h"

#include <stdint.h>
#include <stdlib.h>

static void
test_xgrow_keeps_elements_as_it_doubles(void)
{
	int64_t *v = NULL;
	size_t cap = 0, i;

	for (i = 0; i < 100000; i++) {
		v = xgrow(v, &cap, i + 1, sizeof(*v));
		v[i] = (int64_t)i * 7;
	}
	CHECK_EQ_INT(cap, 131072);
	for (i = 0; i < 100000 && v[i] == (int64_t)i * 7; i++)
		;
	CHECK_EQ_INT(i, 100000);
	free(v);
}

static void
test_xgrow_from_empty_and_past_a_doubling(void)
{
	char *p = NULL;
	size_t cap = 0;

	p = xgrow(p, &cap, 1, 1);
	CHECK_EQ_INT(cap, 16);
	p = xgrow(p, &cap, 1000, 1);  /* more than one doubling at once */
	CHECK_EQ_INT(cap, 1024);
	p[999] = 'x';
	p = xgrow(p, &cap, 10, 1);    /* enough room: left as it is */
	CHECK_EQ_INT(cap, 1024);
	CHECK(p[999] == 'x');
	free(p);
}

int
main(void)
{
	TEST(test_xgrow_keeps_elements_as_it_doubles);
	TEST(test_xgrow_from_empty_and_past_a_doubling);
	return tap_done();
}
