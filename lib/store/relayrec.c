#include "store/relayrec.h"

#include <string.h>

#include "base/json.h"
#include "base/jsonobj.h"

static const char *const text_keys[RR_NTEXT] = { "relay", "state", "notice", "error" };
static const char *const ms_keys[RR_NMS] = { "connect_ms", "eose_ms" };
static const char *const count_keys[RR_NCOUNT] = {
	"events", "duplicates", "invalid", "reconnects", "notices",
};

void
relay_rec_init(struct relay_rec *r)
{
	memset(r, 0, sizeof *r);
}

void
relay_rec_free(struct relay_rec *r)
{
	size_t i;

	for (i = 0; i < RR_NTEXT; i++)
		buf_free(&r->text[i]);
	buf_free(&r->key);
}

/* key_index: the index of the key just read in keys[0..n), or -1. */
static int
key_index(const struct buf *key, const char *const *keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (jsonobj_key_is(key, keys[i]))
			return (int)i;
	return -1;
}

/* read_number: the member's number, unless it is null (then skipped, *has 0). */
static int
read_number(struct jsonobj *o, double *v, int *has)
{
	if (json_peek(&o->c) == 'n')
		return jsonobj_skip(o) == JSON_OK ? 0 : 1;
	if (jsonobj_number(o, v) != JSON_OK)
		return 1;
	*has = 1;
	return 0;
}

int
relay_rec_parse(struct relay_rec *r, const char *line, size_t len)
{
	struct jsonobj o;
	double count[RR_NCOUNT];
	int has_count[RR_NCOUNT] = { 0 }, has_time = 0, n, k;

	memset(r->has_text, 0, sizeof r->has_text);
	memset(r->has_ms, 0, sizeof r->has_ms);
	memset(r->has_count, 0, sizeof r->has_count);
	r->time = 0;
	r->nip11 = NULL;
	r->nip11_len = 0;
	jsonobj_begin(&o, line, len);
	while ((n = jsonobj_next(&o, &r->key)) == 1) {
		if ((k = key_index(&r->key, text_keys, RR_NTEXT)) >= 0 &&
		    json_peek(&o.c) == '"') {
			buf_reset(&r->text[k]);
			if (json_string(&o.c, &r->text[k], NULL) != JSON_OK)
				return 1;
			r->has_text[k] = 1;
		} else if (jsonobj_key_is(&r->key, "time")) {
			if (jsonobj_number(&o, &r->time) != JSON_OK)
				return 1;
			has_time = 1;
		} else if (jsonobj_key_is(&r->key, "nip11") && json_peek(&o.c) == '{') {
			r->nip11 = o.c.p;
			if (jsonobj_skip(&o) != JSON_OK)
				return 1;
			r->nip11_len = (size_t)(o.c.p - r->nip11);
		} else if ((k = key_index(&r->key, ms_keys, RR_NMS)) >= 0) {
			if (read_number(&o, &r->ms[k], &r->has_ms[k]) != 0)
				return 1;
		} else if ((k = key_index(&r->key, count_keys, RR_NCOUNT)) >= 0) {
			if (read_number(&o, &count[k], &has_count[k]) != 0)
				return 1;
		} else if (jsonobj_skip(&o) != JSON_OK) {
			return 1;
		}
	}
	if (n < 0 || !r->has_text[RR_RELAY] || !r->has_text[RR_STATE] || !has_time)
		return 1;
	json_skip_ws(&o.c);
	if (o.c.p != o.c.end)
		return 1;
	for (k = 0; k < RR_NCOUNT; k++)
		if (has_count[k] && count[k] >= 0 && count[k] < 9e18) {  /* else not a count */
			r->count[k] = (int64_t)count[k];
			r->has_count[k] = 1;
		}
	return 0;
}
