/*
 * pagerank.h: PageRank over a directed graph given as an edge list.
 *
 * Nodes are 0..n-1; edge i goes from src[i] to dst[i] (for the follow graph:
 * follower to followed, so rank flows to the followed).  Each step is
 *
 *   rank'[v] = (1 - d) / n + d * (sum over u->v of rank[u] / outdeg[u]
 *                                 + dangling / n)
 *
 * where dangling is the rank held by nodes without out-edges: it is spread
 * over every node, so no rank leaks and the ranks always sum to 1.  Iteration
 * stops when the L1 distance between two steps is below tolerance, or after
 * max_iterations.  Duplicate edges count twice; the caller dedupes if needed.
 */
#ifndef NP_PAGERANK_H
#define NP_PAGERANK_H

#include <stddef.h>
#include <stdint.h>

#define PAGERANK_DAMPING 0.85
#define PAGERANK_TOLERANCE 1e-10
#define PAGERANK_MAX_ITERATIONS 200

/*
 * pagerank: writes the rank of each of the n nodes to rank[0..n-1] (caller's
 * array) and returns the number of steps taken (max_iterations + 1 when it did
 * not converge).  With n = 0 it does nothing and returns 0.
 */
int pagerank(size_t n, const uint32_t *src, const uint32_t *dst, size_t nedges,
    double damping, double tolerance, int max_iterations, double *rank);

#endif
