/*
 * ordered_pool.h: a fixed set of threads that process items (byte strings,
 * such as lines) in batches, and hand the results back in input order.
 *
 * The caller adds items one at a time; each is copied, with a small record
 * of the caller's (what is known of the item so far, and where the worker
 * puts its result).  When a batch is full, or when the caller flushes it,
 * every thread (the caller's included) takes chunks of the batch and calls
 * work on each item, in no particular order and at the same time; then,
 * once all are done, the caller's thread calls emit on each item, in the
 * order they were added.  So a stream filter keeps its output order however
 * many threads verify or transform its lines.
 *
 * With one thread there are no batches: ordered_pool_add calls work and
 * emit at once, on the item as given, without copying it.
 *
 *	struct ordered_pool_config cfg = { .threads = n, .batch = 2048, .chunk = 32,
 *	    .record_size = sizeof(struct rec), .work = check, .emit = write_out,
 *	    .workers = states, .ctx = out };
 *	struct ordered_pool *p = ordered_pool_new(&cfg);
 *	while (next line)
 *		ordered_pool_add(p, line, len, &rec);
 *	ordered_pool_flush(p);
 *	ordered_pool_free(p);
 *
 * Ownership: the pool owns its threads and its copies of the items; the
 * caller owns the worker states and ctx, which must outlive the pool, and
 * frees them after ordered_pool_free.  One thread (the caller's) uses the
 * pool: add, flush and free are not to be called concurrently.
 */
#ifndef NP_ORDERED_POOL_H
#define NP_ORDERED_POOL_H

#include <stddef.h>

/*
 * work: processes one item, data[0..len), whose record it may read and
 * write, with the state of the thread it runs on (one of cfg.workers).  It
 * runs at the same time as other items' work on other threads: it must
 * touch nothing shared but what is only read.
 */
typedef void ordered_pool_work(void *worker, const char *data, size_t len, void *record);

/*
 * emit: hands on one processed item (its data and record) on the caller's
 * thread, in input order.  data stays valid only during the call.
 */
typedef void ordered_pool_emit(void *ctx, const char *data, size_t len, void *record);

struct ordered_pool_config {
	int threads;               /* 1 or more, the caller's thread included */
	size_t batch;              /* items a batch holds at most (1 or more) */
	size_t chunk;              /* items a thread claims at a time (1 or more) */
	size_t record_size;        /* bytes of each item's record */
	ordered_pool_work *work;
	ordered_pool_emit *emit;
	void *const *workers;      /* threads states, workers[0] the caller's */
	void *ctx;                 /* passed to emit */
};

struct ordered_pool;

/*
 * ordered_pool_new: starts threads - 1 threads (they wait for batches).
 * Returns NULL with errno set when one cannot be started (those started
 * are stopped again).  Running out of memory ends the process (buf.h).
 */
struct ordered_pool *ordered_pool_new(const struct ordered_pool_config *cfg);

/*
 * ordered_pool_add: adds an item, data[0..len), and a copy of its record
 * (record_size bytes).  When the batch is then full it is processed and
 * emitted before this returns; with one thread, the item itself is.
 */
void ordered_pool_add(struct ordered_pool *p, const char *data, size_t len,
    const void *record);

/* ordered_pool_flush: processes and emits the items added so far. */
void ordered_pool_flush(struct ordered_pool *p);

/* ordered_pool_pending: the items added and not emitted yet. */
size_t ordered_pool_pending(const struct ordered_pool *p);

/*
 * ordered_pool_free: stops and joins the threads and releases the pool
 * (NULL is fine).  Items not flushed are dropped: never worked on nor
 * emitted.
 */
void ordered_pool_free(struct ordered_pool *p);

#endif
