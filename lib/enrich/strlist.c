#include "enrich/strlist.h"

#include <stdlib.h>
#include <string.h>

static uint32_t
hash_bytes(const char *s, size_t len)
{
	uint32_t h = 2166136261u;  /* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

void
strlist_reset(struct strlist *l)
{
	buf_reset(&l->bytes);
	if (l->n > 0 && l->slots != NULL)
		memset(l->slots, 0, l->nslots * sizeof *l->slots);
	l->n = 0;
}

void
strlist_free(struct strlist *l)
{
	buf_free(&l->bytes);
	free(l->off);
	free(l->len);
	free(l->slots);
	memset(l, 0, sizeof *l);
}

const char *
strlist_get(const struct strlist *l, size_t i, size_t *len)
{
	*len = l->len[i];
	return l->bytes.data + l->off[i];
}

static void
strlist_rehash(struct strlist *l, size_t nslots)
{
	size_t i, j;

	free(l->slots);
	l->slots = xcalloc(nslots, sizeof *l->slots);
	l->nslots = nslots;
	for (i = 0; i < l->n; i++) {
		j = hash_bytes(l->bytes.data + l->off[i], l->len[i]) & (nslots - 1);
		while (l->slots[j] != 0)
			j = (j + 1) & (nslots - 1);
		l->slots[j] = (uint32_t)(i + 1);
	}
}

int
strlist_add(struct strlist *l, const char *s, size_t len)
{
	size_t j, k, cap;

	if ((l->n + 1) * 2 > l->nslots)
		strlist_rehash(l, l->nslots ? l->nslots * 2 : 16);
	j = hash_bytes(s, len) & (l->nslots - 1);
	while ((k = l->slots[j]) != 0) {
		k--;
		if (l->len[k] == len && memcmp(l->bytes.data + l->off[k], s, len) == 0)
			return 0;
		j = (j + 1) & (l->nslots - 1);
	}
	/* off and len share one count: the second grows from a copy of it. */
	cap = l->cap;
	l->off = xgrow(l->off, &l->cap, l->n + 1, sizeof *l->off);
	l->len = xgrow(l->len, &cap, l->n + 1, sizeof *l->len);
	l->off[l->n] = l->bytes.len;
	l->len[l->n] = len;
	buf_append(&l->bytes, s, len);
	buf_putc(&l->bytes, '\0');
	l->slots[j] = (uint32_t)(++l->n);
	return 1;
}
