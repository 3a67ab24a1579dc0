/*
 * test_ordered_pool.c: ordered_pool.h: every item is worked on once and
 * emitted once, in input order, whatever the threads and however slow some
 * items are; one thread works in place; shutting down drops what was not
 * flushed.
 */
#include "base/ordered_pool.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_THREADS 4

/* What the caller knows of an item, and what work makes of it. */
struct rec {
	size_t index;       /* set by the caller */
	long parsed;        /* set by work: the item's text as a number */
	int worked;         /* times work saw it */
};

struct worker {
	size_t items;       /* items this thread worked on */
};

struct sink {
	size_t emitted;     /* items emitted so far, which is the next index */
	size_t out_of_order, bad;
	const char *last_data;
};

/* work: parses the item; every 97th item is slow. */
static void
work(void *worker, const char *data, size_t len, void *record)
{
	struct worker *w = worker;
	struct rec *r = record;
	char text[32];

	if (len >= sizeof text)
		len = sizeof text - 1;
	memcpy(text, data, len);
	text[len] = '\0';
	r->parsed = strtol(text, NULL, 10);
	r->worked++;
	w->items++;
	if (r->index % 97 == 0)
		nanosleep(&(struct timespec){ 0, 200000 }, NULL);
}

static void
emit(void *ctx, const char *data, size_t len, void *record)
{
	struct sink *s = ctx;
	struct rec *r = record;
	char want[32];

	snprintf(want, sizeof want, "%zu", s->emitted);
	if (r->index != s->emitted)
		s->out_of_order++;
	if (len != strlen(want) || memcmp(data, want, len) != 0 ||
	    r->parsed != (long)s->emitted || r->worked != 1)
		s->bad++;
	s->last_data = data;
	s->emitted++;
}

struct fixture {
	struct worker workers[MAX_THREADS];
	void *states[MAX_THREADS];
	struct sink sink;
	struct ordered_pool *pool;
};

static struct ordered_pool *
start(struct fixture *f, int threads, size_t batch, size_t chunk)
{
	int i;

	memset(f, 0, sizeof *f);
	for (i = 0; i < MAX_THREADS; i++)
		f->states[i] = &f->workers[i];
	f->pool = ordered_pool_new(&(struct ordered_pool_config){
	    .threads = threads, .batch = batch, .chunk = chunk,
	    .record_size = sizeof(struct rec), .work = work, .emit = emit,
	    .workers = f->states, .ctx = &f->sink });
	return f->pool;
}

/* add: item i, its text the number i. */
static void
add(struct fixture *f, size_t i)
{
	struct rec r = { i, -1, 0 };
	char text[32];

	snprintf(text, sizeof text, "%zu", i);
	ordered_pool_add(f->pool, text, strlen(text), &r);
}

static size_t
worked(const struct fixture *f)
{
	size_t n = 0;
	int i;

	for (i = 0; i < MAX_THREADS; i++)
		n += f->workers[i].items;
	return n;
}

static void
test_order_kept_with_1_to_4_threads(void)
{
	static const size_t batches[] = { 1, 7, 64, 2048 };
	struct fixture f;
	size_t i, b, n = 5000;
	int threads;

	for (threads = 1; threads <= MAX_THREADS; threads++)
		for (b = 0; b < sizeof batches / sizeof batches[0]; b++) {
			if (start(&f, threads, batches[b], 3) == NULL) {
				CHECK(!"ordered_pool_new");
				continue;
			}
			for (i = 0; i < n; i++)
				add(&f, i);
			ordered_pool_flush(f.pool);
			CHECK_EQ_INT(f.sink.emitted, n);
			CHECK_EQ_INT(f.sink.out_of_order, 0);
			CHECK_EQ_INT(f.sink.bad, 0);
			CHECK_EQ_INT(worked(&f), n);
			CHECK_EQ_INT(ordered_pool_pending(f.pool), 0);
			ordered_pool_free(f.pool);
		}
}

static void
test_flushes_between_adds(void)
{
	struct fixture f;
	size_t i;

	/* A stream that flushes at odd moments, as a live one does. */
	if (start(&f, 3, 100, 8) == NULL) {
		CHECK(!"ordered_pool_new");
		return;
	}
	for (i = 0; i < 1000; i++) {
		add(&f, i);
		if (i % 13 == 0 || i % 29 == 0)
			ordered_pool_flush(f.pool);
		CHECK(ordered_pool_pending(f.pool) < 100);
	}
	ordered_pool_flush(f.pool);
	ordered_pool_flush(f.pool);  /* nothing left: a no-op */
	CHECK_EQ_INT(f.sink.emitted, 1000);
	CHECK_EQ_INT(f.sink.out_of_order, 0);
	CHECK_EQ_INT(f.sink.bad, 0);
	ordered_pool_free(f.pool);
}

static void
test_batch_runs_when_full(void)
{
	struct fixture f;
	size_t i;

	if (start(&f, 2, 10, 4) == NULL) {
		CHECK(!"ordered_pool_new");
		return;
	}
	for (i = 0; i < 9; i++)
		add(&f, i);
	CHECK_EQ_INT(f.sink.emitted, 0);
	CHECK_EQ_INT(ordered_pool_pending(f.pool), 9);
	add(&f, 9);
	CHECK_EQ_INT(f.sink.emitted, 10);
	CHECK_EQ_INT(ordered_pool_pending(f.pool), 0);
	ordered_pool_free(f.pool);
}

static void
test_one_thread_works_in_place(void)
{
	struct fixture f;
	struct rec r = { 0, -1, 0 };
	static const char text[] = "0";

	if (start(&f, 1, 2048, 32) == NULL) {
		CHECK(!"ordered_pool_new");
		return;
	}
	ordered_pool_add(f.pool, text, 1, &r);
	CHECK_EQ_INT(f.sink.emitted, 1);
	CHECK(f.sink.last_data == text);     /* not copied */
	CHECK_EQ_INT(r.worked, 0);           /* the caller's record is copied */
	CHECK_EQ_INT(ordered_pool_pending(f.pool), 0);
	ordered_pool_free(f.pool);
}

static void
test_free_drops_what_was_not_flushed(void)
{
	struct fixture f;
	size_t i;

	/* Threads that never got a batch stop as well. */
	if (start(&f, 4, 64, 1) == NULL) {
		CHECK(!"ordered_pool_new");
		return;
	}
	ordered_pool_free(f.pool);
	if (start(&f, 4, 64, 1) == NULL) {
		CHECK(!"ordered_pool_new");
		return;
	}
	for (i = 0; i < 100; i++)
		add(&f, i);
	CHECK_EQ_INT(f.sink.emitted, 64);
	ordered_pool_free(f.pool);
	CHECK_EQ_INT(f.sink.emitted, 64);
	CHECK_EQ_INT(worked(&f), 64);
	ordered_pool_free(NULL);
}

static void
test_empty_items(void)
{
	struct fixture f;
	struct rec r = { 0, -1, 0 };
	size_t i;

	if (start(&f, 2, 16, 2) == NULL) {
		CHECK(!"ordered_pool_new");
		return;
	}
	/* "" parses as 0 but is not "0": every emit counts as bad, none lost. */
	for (i = 0; i < 40; i++) {
		r.index = i;
		ordered_pool_add(f.pool, "", 0, &r);
	}
	ordered_pool_flush(f.pool);
	CHECK_EQ_INT(f.sink.emitted, 40);
	CHECK_EQ_INT(f.sink.out_of_order, 0);
	CHECK_EQ_INT(f.sink.bad, 40);
	ordered_pool_free(f.pool);
}

int
main(void)
{
	TEST(test_order_kept_with_1_to_4_threads);
	TEST(test_flushes_between_adds);
	TEST(test_batch_runs_when_full);
	TEST(test_one_thread_works_in_place);
	TEST(test_free_drops_what_was_not_flushed);
	TEST(test_empty_items);
	return tap_done();
}
