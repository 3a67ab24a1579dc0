/*
 * test_pagerank.c: lib/pagerank on small graphs whose ranks are known in
 * closed form (damping d = 0.85, the rank of nodes without out-edges spread
 * evenly over all n), solved by hand from the stationary equations
 *
 *   r[v] = (1 - d) / n + d * (sum over u->v of r[u] / outdeg[u] + dangling / n)
 *
 * with the ranks summing to 1.
 */
#include "analytics/pagerank.h"
#include "tap.h"

#include <math.h>

#define D 0.85
/* The solver stops at an L1 step below 1e-10: ranks are that close, or closer. */
#define CHECK_RANK(a, b) do { \
	double a__ = (a), b__ = (b); \
	if (!(fabs(a__ - b__) < 1e-8)) { \
		tap_state.cur_fail++; \
		printf("#   %s:%d: %s == %.12f, expected %.12f\n", __FILE__, __LINE__, #a, a__, b__); \
	} \
} while (0)

/* run: PageRank with the library's defaults; checks it converged. */
static int
run(size_t n, const uint32_t *src, const uint32_t *dst, size_t m, double *rank)
{
	int steps = pagerank(n, src, dst, m, PAGERANK_DAMPING, PAGERANK_TOLERANCE,
	    PAGERANK_MAX_ITERATIONS, rank);

	CHECK(steps >= 1);
	CHECK(steps <= PAGERANK_MAX_ITERATIONS);
	return steps;
}

static double
sum(const double *r, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++) {
		CHECK(isfinite(r[i]));
		CHECK(r[i] > 0);
		s += r[i];
	}
	return s;
}

static void
test_documented_damping(void)
{
	CHECK(PAGERANK_DAMPING == 0.85);
	CHECK(PAGERANK_TOLERANCE == 1e-10);
	CHECK(PAGERANK_MAX_ITERATIONS == 200);
}

/* A directed cycle 0 -> 1 -> ... -> 4 -> 0: by symmetry, 1/5 each. */
static void
test_cycle(void)
{
	const uint32_t src[] = { 0, 1, 2, 3, 4 }, dst[] = { 1, 2, 3, 4, 0 };
	double r[5];

	run(5, src, dst, 5, r);
	for (int i = 0; i < 5; i++)
		CHECK_RANK(r[i], 0.2);
	CHECK_RANK(sum(r, 5), 1);
}

/*
 * A star of k = 4 leaves all following the centre 0, which follows nobody
 * (n = 5).  Leaf: l = (1 - d)/n + d*c/n; centre: c = 1 - k*l.  So
 * l*n = 1 - d*k*l, l = 1 / (n + d*k) = 1/8.4, c = (n + d*k - k) / (n + d*k) = 4.4/8.4.
 */
static void
test_star_in(void)
{
	const uint32_t src[] = { 1, 2, 3, 4 }, dst[] = { 0, 0, 0, 0 };
	double r[5];

	run(5, src, dst, 4, r);
	CHECK_RANK(r[0], 4.4 / 8.4);
	for (int i = 1; i < 5; i++)
		CHECK_RANK(r[i], 1 / 8.4);
	CHECK_RANK(sum(r, 5), 1);
}

/*
 * The centre 0 follows its 4 leaves, which follow nobody (n = 5): the leaves'
 * rank is all dangling.  c = (1 - d)/n + d*(1 - c)/n, so c = 1 / (n + d) =
 * 1/5.85, and each leaf (1 - c) / 4.
 */
static void
test_star_out(void)
{
	const uint32_t src[] = { 0, 0, 0, 0 }, dst[] = { 1, 2, 3, 4 };
	double r[5];

	run(5, src, dst, 4, r);
	CHECK_RANK(r[0], 1 / 5.85);
	for (int i = 1; i < 5; i++)
		CHECK_RANK(r[i], (1 - 1 / 5.85) / 4);
	CHECK_RANK(sum(r, 5), 1);
}

/*
 * 0 -> 1, and 2 alone: 1 and 2 are dangling.  0 and 2 have no in-edge, so
 * r0 = r2 = (1 - d)/3 + d*(r1 + r2)/3 = (1 - d)/3 + d*(1 - r0)/3, which
 * gives r0 = 1 / (3 + d); r1 = 1 - 2*r0.
 */
static void
test_dangling(void)
{
	const uint32_t src[] = { 0 }, dst[] = { 1 };
	double r[3];

	run(3, src, dst, 1, r);
	CHECK_RANK(r[0], 1 / 3.85);
	CHECK_RANK(r[2], 1 / 3.85);
	CHECK_RANK(r[1], 1 - 2 / 3.85);
	CHECK_RANK(sum(r, 3), 1);
}

/* No edges at all: everything is dangling, and uniform. */
static void
test_no_edges(void)
{
	double r[4];

	run(4, NULL, NULL, 0, r);
	for (int i = 0; i < 4; i++)
		CHECK_RANK(r[i], 0.25);
}

/*
 * A duplicate edge counts twice: 0 -> 1 twice, 0 -> 2, 1 -> 0, 2 -> 0 (no
 * dangling).  r0 = 0.05 + d*(r1 + r2) = 0.05 + d*(1 - r0), so r0 = 0.9/1.85;
 * r1 = 0.05 + d*(2/3)*r0, r2 = 0.05 + d*(1/3)*r0.
 */
static void
test_duplicate_edges(void)
{
	const uint32_t src[] = { 0, 0, 0, 1, 2 }, dst[] = { 1, 1, 2, 0, 0 };
	double r[3], r0 = 0.9 / 1.85;

	run(3, src, dst, 5, r);
	CHECK_RANK(r[0], r0);
	CHECK_RANK(r[1], 0.05 + D * 2 / 3 * r0);
	CHECK_RANK(r[2], 0.05 + D / 3 * r0);
	CHECK_RANK(sum(r, 3), 1);
}

/* An empty graph: nothing written, 0 steps. */
static void
test_empty(void)
{
	double r[1] = { -1 };

	CHECK_EQ_INT(pagerank(0, NULL, NULL, 0, D, PAGERANK_TOLERANCE, PAGERANK_MAX_ITERATIONS, r), 0);
	CHECK(r[0] == -1);
}

/* One node, alone or following itself: all the rank. */
static void
test_single(void)
{
	const uint32_t self[] = { 0 };
	double r[1];

	run(1, NULL, NULL, 0, r);
	CHECK_RANK(r[0], 1);
	run(1, self, self, 1, r);
	CHECK_RANK(r[0], 1);
}

/* A tolerance never met: max_iterations + 1, with ranks still summing to 1. */
static void
test_not_converged(void)
{
	const uint32_t src[] = { 1, 2, 3, 4 }, dst[] = { 0, 0, 0, 0 };
	double r[5];

	CHECK_EQ_INT(pagerank(5, src, dst, 4, D, 0, 3, r), 4);
	CHECK_RANK(sum(r, 5), 1);
}

/* Damping 0: no link counts, every node (1 - 0) / n. */
static void
test_damping_zero(void)
{
	const uint32_t src[] = { 1, 2, 3 }, dst[] = { 0, 0, 0 };
	double r[4];

	CHECK(pagerank(4, src, dst, 3, 0, PAGERANK_TOLERANCE, PAGERANK_MAX_ITERATIONS, r) >= 1);
	for (int i = 0; i < 4; i++)
		CHECK_RANK(r[i], 0.25);
}

int
main(void)
{
	TEST(test_documented_damping);
	TEST(test_cycle);
	TEST(test_star_in);
	TEST(test_star_out);
	TEST(test_dangling);
	TEST(test_no_edges);
	TEST(test_duplicate_edges);
	TEST(test_empty);
	TEST(test_single);
	TEST(test_not_converged);
	TEST(test_damping_zero);
	return tap_done();
}
