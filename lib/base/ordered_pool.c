#include "base/ordered_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

struct thread {
	pthread_t id;
	struct ordered_pool *pool;
	void *worker;
	unsigned long seen;       /* the last batch it worked on */
};

struct ordered_pool {
	struct ordered_pool_config cfg;
	size_t stride;            /* record_size rounded up for alignment */
	/* The batch: item i is text[offset[i] .. + len[i]), record at stride * i. */
	struct buf text;
	size_t *offset, *len;
	unsigned char *records;
	size_t n;
	atomic_size_t next;       /* the first item no thread has claimed */
	/* Handing batches to the other threads. */
	struct thread *threads;   /* cfg.threads - 1 of them */
	int started;
	pthread_mutex_t lock;
	pthread_cond_t go, idle;
	unsigned long batch;      /* batches handed out so far */
	int busy;                 /* threads still working on the current batch */
	int stop;
};

static void *
record_at(struct ordered_pool *p, size_t i)
{
	return p->records + p->stride * i;
}

/* work_batch: works on chunks of the current batch until none is left. */
static void
work_batch(struct ordered_pool *p, void *worker)
{
	size_t i, end, n = p->n, chunk = p->cfg.chunk;

	while ((i = atomic_fetch_add(&p->next, chunk)) < n) {
		end = i + chunk < n ? i + chunk : n;
		for (; i < end; i++)
			p->cfg.work(worker, p->text.data + p->offset[i], p->len[i],
			    record_at(p, i));
	}
}

static void *
thread_main(void *arg)
{
	struct thread *t = arg;
	struct ordered_pool *p = t->pool;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (!p->stop && p->batch == t->seen)
			pthread_cond_wait(&p->go, &p->lock);
		if (p->stop) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		t->seen = p->batch;
		pthread_mutex_unlock(&p->lock);
		work_batch(p, t->worker);
		pthread_mutex_lock(&p->lock);
		if (--p->busy == 0)
			pthread_cond_signal(&p->idle);
		pthread_mutex_unlock(&p->lock);
	}
}

/* stop_threads: ends and joins the threads started so far. */
static void
stop_threads(struct ordered_pool *p)
{
	int i;

	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->started; i++)
		pthread_join(p->threads[i].id, NULL);
	p->started = 0;
}

/* release: frees what ordered_pool_new allocated (threads stopped). */
static void
release(struct ordered_pool *p)
{
	pthread_cond_destroy(&p->idle);
	pthread_cond_destroy(&p->go);
	pthread_mutex_destroy(&p->lock);
	buf_free(&p->text);
	free(p->offset);
	free(p->len);
	free(p->records);
	free(p->threads);
	free(p);
}

/* start_threads: 0, or an error number (the threads started are stopped). */
static int
start_threads(struct ordered_pool *p)
{
	int i, rc;

	for (i = 0; i < p->cfg.threads - 1; i++) {
		p->threads[i].pool = p;
		p->threads[i].worker = p->cfg.workers[i + 1];
		if ((rc = pthread_create(&p->threads[i].id, NULL, thread_main,
		    &p->threads[i])) != 0) {
			stop_threads(p);
			return rc;
		}
		p->started++;
	}
	return 0;
}

struct ordered_pool *
ordered_pool_new(const struct ordered_pool_config *cfg)
{
	struct ordered_pool *p = xcalloc(1, sizeof *p);
	size_t align = alignof(max_align_t);
	int rc;

	p->cfg = *cfg;
	p->stride = (cfg->record_size + align - 1) / align * align;
	if (p->stride == 0)
		p->stride = align;
	p->records = xcalloc(cfg->threads > 1 ? cfg->batch : 1, p->stride);
	if (cfg->threads > 1) {
		p->offset = xcalloc(cfg->batch, sizeof *p->offset);
		p->len = xcalloc(cfg->batch, sizeof *p->len);
		p->threads = xcalloc((size_t)cfg->threads - 1, sizeof *p->threads);
		buf_reserve(&p->text, 1 << 16);  /* never NULL, even for empty items */
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->go, NULL);
	pthread_cond_init(&p->idle, NULL);
	if ((rc = start_threads(p)) != 0) {
		release(p);
		errno = rc;
		return NULL;
	}
	return p;
}

/* run_batch: every thread works on the batch; returns when all are done. */
static void
run_batch(struct ordered_pool *p)
{
	atomic_store(&p->next, 0);
	pthread_mutex_lock(&p->lock);
	p->batch++;
	p->busy = p->started;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->lock);
	work_batch(p, p->cfg.workers[0]);
	pthread_mutex_lock(&p->lock);
	while (p->busy > 0)
		pthread_cond_wait(&p->idle, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

void
ordered_pool_flush(struct ordered_pool *p)
{
	size_t i;

	if (p->n == 0)
		return;
	run_batch(p);
	for (i = 0; i < p->n; i++)
		p->cfg.emit(p->cfg.ctx, p->text.data + p->offset[i], p->len[i], record_at(p, i));
	buf_reset(&p->text);
	p->n = 0;
}

void
ordered_pool_add(struct ordered_pool *p, const char *data, size_t len,
    const void *record)
{
	void *r = record_at(p, p->n);

	memcpy(r, record, p->cfg.record_size);
	if (p->cfg.threads <= 1) {
		p->cfg.work(p->cfg.workers[0], data, len, r);
		p->cfg.emit(p->cfg.ctx, data, len, r);
		return;
	}
	p->offset[p->n] = p->text.len;
	p->len[p->n] = len;
	buf_append(&p->text, data, len);
	if (++p->n == p->cfg.batch)
		ordered_pool_flush(p);
}

size_t
ordered_pool_pending(const struct ordered_pool *p)
{
	return p->n;
}

void
ordered_pool_free(struct ordered_pool *p)
{
	if (p == NULL)
		return;
	stop_threads(p);
	release(p);
}
