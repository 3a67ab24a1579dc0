/*
 * tap.h: a tiny Test Anything Protocol runner for the C unit tests.
 *
 * Each test file defines test functions and a main() that calls TEST(fn) for
 * each, then returns tap_done().  Inside a test, CHECK(cond) and CHECK_EQ_*()
 * record failures with file and line; a test passes when nothing failed.
 * Output is TAP: "ok N - name" / "not ok N - name", plan at the end.
 */
#ifndef NP_TAP_H
#define NP_TAP_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct tap {
	int n;         /* tests run */
	int failed;    /* tests failed */
	int cur_fail;  /* checks failed in the current test */
};

static struct tap tap_state;

#define CHECK(cond) do { \
	if (!(cond)) { \
		tap_state.cur_fail++; \
		printf("#   %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_EQ_INT(a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) { \
		tap_state.cur_fail++; \
		printf("#   %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, a_, b_); \
	} \
} while (0)

#define CHECK_EQ_STR(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) { \
		tap_state.cur_fail++; \
		printf("#   %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
		    a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
	} \
} while (0)

#define CHECK_EQ_MEM(a, b, len) do { \
	if (memcmp((a), (b), (len)) != 0) { \
		tap_state.cur_fail++; \
		printf("#   %s:%d: %s differs from %s\n", __FILE__, __LINE__, #a, #b); \
	} \
} while (0)

#define TEST(fn) do { \
	tap_state.cur_fail = 0; \
	fn(); \
	tap_state.n++; \
	if (tap_state.cur_fail) tap_state.failed++; \
	printf("%sok %d - %s\n", tap_state.cur_fail ? "not " : "", tap_state.n, #fn); \
} while (0)

/* tap_skip: reports a test as skipped, with the reason. */
#define TEST_SKIP(fn, why) do { \
	tap_state.n++; \
	printf("ok %d - %s # skip %s\n", tap_state.n, #fn, (why)); \
} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_state.n);
	return tap_state.failed ? 1 : 0;
}

#endif
