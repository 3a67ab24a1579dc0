#include "net/pagewalk.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

/* Boundary sets: the ids of one second, few as a rule, searched in order. */

static int
ids_has(const struct pagewalk_ids *s, const uint8_t id[32])
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (memcmp(s->id[i], id, 32) == 0)
			return 1;
	return 0;
}

static void
ids_add(struct pagewalk_ids *s, const uint8_t id[32])
{
	if (ids_has(s, id))
		return;
	if (s->n == PAGEWALK_EDGE_MAX) {
		s->overflow = 1;
		return;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		if (s->cap > PAGEWALK_EDGE_MAX)
			s->cap = PAGEWALK_EDGE_MAX;
		s->id = xrealloc(s->id, s->cap * sizeof(*s->id));
	}
	memcpy(s->id[s->n++], id, 32);
}

static void
ids_clear(struct pagewalk_ids *s)
{
	s->n = 0;
	s->overflow = 0;
}

static void
ids_free(struct pagewalk_ids *s)
{
	free(s->id);
	memset(s, 0, sizeof(*s));
}

/* ids_merge: dst gets src's ids too. */
static void
ids_merge(struct pagewalk_ids *dst, const struct pagewalk_ids *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		ids_add(dst, src->id[i]);
	dst->overflow |= src->overflow;
}

void
pagewalk_init(struct pagewalk *w, int64_t limit)
{
	memset(w, 0, sizeof(*w));
	w->since = -1;
	w->until = INT64_MIN;  /* no page asked yet */
	w->limit = limit;
	w->min = w->max = -1;
}

void
pagewalk_free(struct pagewalk *w)
{
	ids_free(&w->edge);
	ids_free(&w->low);
}

void
pagewalk_page(struct pagewalk *w, int64_t since, int64_t until)
{
	if (until != w->until) {
		/* Not the second the walk chose: nothing is known of it. */
		ids_clear(&w->edge);
		w->same_until = 0;
		w->until = until;
	}
	w->since = since;
	w->count = 0;
	w->min = w->max = -1;
	w->progress = 0;
	ids_clear(&w->low);
}

int
pagewalk_event(struct pagewalk *w, int64_t created_at, const uint8_t id[32])
{
	w->count++;
	/* Outside what was asked: a relay that ignores until or since. */
	if ((w->until >= 0 && created_at > w->until) || (w->since >= 0 && created_at < w->since))
		return 0;
	if (w->min < 0 || created_at < w->min) {
		w->min = created_at;
		ids_clear(&w->low);
	}
	if (created_at > w->max)
		w->max = created_at;
	if (created_at == w->min)
		ids_add(&w->low, id);
	if (w->until < 0 || created_at < w->until) {
		w->progress = 1;
		return 1;
	}
	if (ids_has(&w->edge, id))
		return 0;
	/* With the boundary set overflowed, an id of the until second may be
	 * one it could not keep: no progress, so the walk leaves the second. */
	if (!w->edge.overflow)
		w->progress = 1;
	return 1;
}

/* page_full: whether the page looks cut by the relay's cap (or the limit). */
static int
page_full(const struct pagewalk *w)
{
	if (w->count == 0)
		return 0;
	if (w->limit > 0 && w->count >= (uint64_t)w->limit)
		return 1;
	return w->count >= w->largest && w->count >= PAGEWALK_FULL_MIN;
}

enum pagewalk_next
pagewalk_end(struct pagewalk *w, struct pagewalk_step *step)
{
	int full = page_full(w);
	int64_t next;

	step->until = step->second = -1;
	step->incomplete = 0;
	w->pages++;
	if (w->count > w->largest)
		w->largest = w->count;
	if (w->min < 0)
		return PAGEWALK_DONE;  /* nothing inside the page: the relay's end */
	w->same_until++;
	if (w->progress && (w->min != w->until || w->same_until < PAGEWALK_SAME_UNTIL)) {
		next = w->min;
	} else {
		/* All of the page lies in the until second, sent before (or asked
		 * too often): the relay sends no more of that second than this. */
		next = w->until - 1;
		step->incomplete = full;
		step->second = w->until;
	}
	if (next == w->until) {
		ids_merge(&w->edge, &w->low);
	} else {
		struct pagewalk_ids t = w->edge;

		/* The next page starts at this one's oldest second, or before the
		 * second left behind, of which nothing is known. */
		w->edge = w->low;
		w->low = t;
		if (next != w->min)
			ids_clear(&w->edge);
		w->same_until = 0;
	}
	ids_clear(&w->low);
	w->until = next;
	if (step->incomplete)
		w->incomplete++;
	if (next < 0 || (w->since >= 0 && next < w->since))
		return PAGEWALK_DONE;
	step->until = next;
	return PAGEWALK_MORE;
}
