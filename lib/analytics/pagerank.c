#include "analytics/pagerank.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

int
pagerank(size_t n, const uint32_t *src, const uint32_t *dst, size_t nedges,
    double damping, double tolerance, int max_iterations, double *rank)
{
	uint32_t *outdeg;
	double *next, dangling, delta;
	size_t i, v;
	int step;

	if (n == 0)
		return 0;
	outdeg = xcalloc(n, sizeof(*outdeg));
	next = xcalloc(n, sizeof(*next));
	for (i = 0; i < nedges; i++)
		outdeg[src[i]]++;
	for (v = 0; v < n; v++)
		rank[v] = 1.0 / (double)n;
	for (step = 1; step <= max_iterations; step++) {
		dangling = 0;
		for (v = 0; v < n; v++)
			if (outdeg[v] == 0)
				dangling += rank[v];
		for (v = 0; v < n; v++)
			next[v] = (1.0 - damping) / (double)n + damping * dangling / (double)n;
		for (i = 0; i < nedges; i++)
			next[dst[i]] += damping * rank[src[i]] / (double)outdeg[src[i]];
		delta = 0;
		for (v = 0; v < n; v++)
			delta += fabs(next[v] - rank[v]);
		memcpy(rank, next, n * sizeof(*rank));
		if (delta < tolerance)
			break;
	}
	free(outdeg);
	free(next);
	return step;
}
