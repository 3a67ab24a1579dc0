/*
 * test_pagewalk.c: walking a simulated relay backwards with until: every
 * event it can give is reached, each walk ends, and the seconds it holds
 * more of than it sends for one REQ are the ones reported.
 */
#include "net/pagewalk.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

struct ev {
	int64_t at;
	uint8_t id[32];
};

/* A relay: its events newest first (ties by id), as NIP-01 relays answer. */
struct relay {
	struct ev *ev;
	size_t n;
	uint64_t cap;
	int oldest_first;
	int ignore_limit;
	int ignore_until;
};

struct result {
	uint8_t *got;          /* per event of the relay: reached */
	size_t distinct;
	size_t given;          /* events pagewalk_event took for not sent before */
	uint64_t pages, incomplete;
	int64_t seconds[16];   /* the incomplete ones, in order */
};

static int
by_time_then_id(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? 1 : -1;
	return memcmp(x->id, y->id, 32);
}

/* add: n events from `at` on, `per` to a second; ids from a counter. */
static void
add(struct relay *r, int64_t at, size_t n, size_t per)
{
	size_t i;

	r->ev = realloc(r->ev, (r->n + n) * sizeof(*r->ev));
	for (i = 0; i < n; i++) {
		struct ev *e = &r->ev[r->n + i];
		uint32_t k = (uint32_t)(r->n + i) * 2654435761u;

		memset(e, 0, sizeof(*e));
		e->at = at + (int64_t)(i / per);
		memcpy(e->id, &k, sizeof(k));
		memcpy(e->id + 4, &i, sizeof(i));
	}
	r->n += n;
	qsort(r->ev, r->n, sizeof(*r->ev), by_time_then_id);
}

/* walk: the pages a fetch asks of r until the walk ends (at most 10000). */
static void
walk(const struct relay *r, int64_t since, int64_t until, int64_t limit, struct result *res)
{
	struct pagewalk w;
	struct pagewalk_step st;
	size_t *page = calloc(r->n + 1, sizeof(*page));
	size_t i, n;
	uint64_t want;

	memset(res, 0, sizeof(*res));
	res->got = calloc(r->n + 1, 1);
	pagewalk_init(&w, limit);
	for (;;) {
		pagewalk_page(&w, since, until);
		want = limit > 0 && !r->ignore_limit && (uint64_t)limit < r->cap ?
		    (uint64_t)limit : r->cap;
		for (i = n = 0; i < r->n && n < want; i++) {
			if (!r->ignore_until && until >= 0 && r->ev[i].at > until)
				continue;
			if (since >= 0 && r->ev[i].at < since)
				continue;
			page[n++] = i;
		}
		for (i = 0; i < n; i++) {
			size_t k = page[r->oldest_first ? n - 1 - i : i];

			res->given += (size_t)pagewalk_event(&w, r->ev[k].at, r->ev[k].id);
			if (!res->got[k]++)
				res->distinct++;
		}
		res->pages++;
		if (pagewalk_end(&w, &st) == PAGEWALK_MORE && res->pages < 10000) {
			if (st.incomplete && res->incomplete < 16)
				res->seconds[res->incomplete] = st.second;
			res->incomplete += st.incomplete;
			until = st.until;
			continue;
		}
		if (st.incomplete && res->incomplete < 16)
			res->seconds[res->incomplete] = st.second;
		res->incomplete += st.incomplete;
		break;
	}
	CHECK_EQ_INT(w.incomplete, res->incomplete);
	pagewalk_free(&w);
	free(page);
}

static void
done(struct relay *r, struct result *res)
{
	free(r->ev);
	free(res->got);
}

static void
walks_past_the_cap(void)
{
	struct relay r = { .cap = 100 };
	struct result res;

	add(&r, 1000, 1000, 7);   /* seven events a second: pages end inside one */
	walk(&r, -1, -1, -1, &res);
	CHECK_EQ_INT(res.distinct, 1000);
	CHECK_EQ_INT(res.given, 1000);
	CHECK_EQ_INT(res.incomplete, 0);
	CHECK(res.pages <= 14);
	done(&r, &res);
}

static void
oldest_first_is_the_same_walk(void)
{
	struct relay r = { .cap = 100, .oldest_first = 1 };
	struct result res;

	add(&r, 1000, 1000, 7);
	walk(&r, -1, -1, -1, &res);
	CHECK_EQ_INT(res.distinct, 1000);
	CHECK_EQ_INT(res.incomplete, 0);
	done(&r, &res);
}

static void
a_second_over_the_cap_is_reported_and_passed(void)
{
	struct relay r = { .cap = 100 };
	struct result res;
	size_t i, at_second = 0;

	add(&r, 1000, 500, 5);    /* 1000..1099 */
	add(&r, 1200, 250, 250);  /* 250 in second 1200 */
	add(&r, 1300, 500, 5);    /* 1300..1399 */
	walk(&r, -1, -1, -1, &res);
	for (i = 0; i < r.n; i++)
		at_second += r.ev[i].at == 1200 && res.got[i];
	CHECK_EQ_INT(res.distinct, 1000 + 100);
	CHECK_EQ_INT(res.given, 1000 + 100);
	CHECK_EQ_INT(at_second, 100);
	CHECK_EQ_INT(res.incomplete, 1);
	CHECK_EQ_INT(res.seconds[0], 1200);
	done(&r, &res);
	/* Newest first or oldest, the newest second or the oldest. */
	memset(&r, 0, sizeof(r));
	r.cap = 100;
	r.oldest_first = 1;
	add(&r, 1000, 300, 300);
	add(&r, 900, 200, 4);
	walk(&r, -1, -1, -1, &res);
	CHECK_EQ_INT(res.distinct, 300);
	CHECK_EQ_INT(res.incomplete, 1);
	CHECK_EQ_INT(res.seconds[0], 1000);
	done(&r, &res);
}

static void
a_second_bigger_than_the_boundary_set_ends(void)
{
	struct relay r = { .cap = 5000 };
	struct result res;

	add(&r, 1000, 1000, 10);
	add(&r, 2000, 6000, 6000);
	add(&r, 3000, 1000, 10);
	walk(&r, -1, -1, -1, &res);
	CHECK_EQ_INT(res.distinct, 2000 + 5000);
	CHECK_EQ_INT(res.incomplete, 1);
	CHECK_EQ_INT(res.seconds[0], 2000);
	CHECK(res.pages < 20);
	done(&r, &res);
}

static void
few_events_in_one_second_are_no_cap(void)
{
	struct relay r = { .cap = 500 };
	struct result res;

	add(&r, 1000, 3, 3);
	walk(&r, -1, -1, -1, &res);
	CHECK_EQ_INT(res.distinct, 3);
	CHECK_EQ_INT(res.incomplete, 0);
	done(&r, &res);
	memset(&r, 0, sizeof(r));
	r.cap = 500;
	walk(&r, -1, -1, -1, &res);
	CHECK_EQ_INT(res.distinct, 0);
	CHECK_EQ_INT(res.pages, 1);
	done(&r, &res);
}

static void
the_limit_is_a_cap_too(void)
{
	struct relay r = { .cap = 500 };
	struct result res;

	add(&r, 1000, 200, 4);
	add(&r, 1100, 40, 40);
	walk(&r, -1, -1, 30, &res);
	CHECK_EQ_INT(res.distinct, 230);
	CHECK_EQ_INT(res.incomplete, 1);
	CHECK_EQ_INT(res.seconds[0], 1100);
	done(&r, &res);
	/* A relay that ignores the limit sends its cap: still whole. */
	memset(&r, 0, sizeof(r));
	r.cap = 100;
	r.ignore_limit = 1;
	add(&r, 1000, 1000, 7);
	walk(&r, -1, -1, 30, &res);
	CHECK_EQ_INT(res.distinct, 1000);
	CHECK_EQ_INT(res.incomplete, 0);
	done(&r, &res);
}

static void
since_and_until_bound_the_walk(void)
{
	struct relay r = { .cap = 100 };
	struct result res;
	size_t i, inside = 0;

	add(&r, 1000, 1000, 7);
	walk(&r, 1050, 1120, -1, &res);
	for (i = 0; i < r.n; i++)
		inside += r.ev[i].at >= 1050 && r.ev[i].at <= 1120;
	CHECK_EQ_INT(res.distinct, inside);
	CHECK_EQ_INT(res.incomplete, 0);
	done(&r, &res);
}

static void
a_relay_that_ignores_until_ends(void)
{
	struct relay r = { .cap = 100, .ignore_until = 1 };
	struct result res;

	add(&r, 1000, 1000, 7);
	walk(&r, -1, -1, -1, &res);
	CHECK_EQ_INT(res.distinct, 100);
	CHECK(res.pages <= 3);
	done(&r, &res);
}

int
main(void)
{
	TEST(walks_past_the_cap);
	TEST(oldest_first_is_the_same_walk);
	TEST(a_second_over_the_cap_is_reported_and_passed);
	TEST(a_second_bigger_than_the_boundary_set_ends);
	TEST(few_events_in_one_second_are_no_cap);
	TEST(the_limit_is_a_cap_too);
	TEST(since_and_until_bound_the_walk);
	TEST(a_relay_that_ignores_until_ends);
	return tap_done();
}
