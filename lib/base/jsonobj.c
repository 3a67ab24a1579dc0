#include "base/jsonobj.h"

#include <stdlib.h>
#include <string.h>

void
jsonobj_begin(struct jsonobj *o, const char *s, size_t len)
{
	memset(o, 0, sizeof *o);
	o->c.p = s;
	o->c.end = s + len;
	if (json_peek(&o->c) != '{') {
		o->status = JSON_ERR_TYPE;
		o->done = 1;
		return;
	}
	o->c.p++;
}

int
jsonobj_next(struct jsonobj *o, struct buf *key)
{
	int ch;

	if (o->done)
		return o->status == JSON_OK ? 0 : -1;
	ch = json_peek(&o->c);
	if (ch == '}') {
		o->c.p++;
		o->done = 1;
		return 0;
	}
	if (o->started) {
		if (ch != ',') {
			o->status = JSON_ERR_SYNTAX;
			o->done = 1;
			return -1;
		}
		o->c.p++;
		json_skip_ws(&o->c);
	}
	o->member = o->c.p;
	buf_reset(key);
	if ((o->status = json_string(&o->c, key, NULL)) != JSON_OK ||
	    (o->status = json_expect(&o->c, ':')) != JSON_OK) {
		o->done = 1;
		return -1;
	}
	o->started = 1;
	json_skip_ws(&o->c);
	return 1;
}

enum json_status
jsonobj_skip(struct jsonobj *o)
{
	enum json_status st = json_skip_value(&o->c, JSONOBJ_MAX_DEPTH);

	if (st != JSON_OK) {
		o->status = st;
		o->done = 1;
	}
	return st;
}

enum json_status
jsonobj_number(struct jsonobj *o, double *out)
{
	const char *start;
	char tmp[64];
	size_t n;
	int ch = json_peek(&o->c);
	enum json_status st;

	if (ch != '-' && !(ch >= '0' && ch <= '9'))
		return JSON_ERR_TYPE;
	start = o->c.p;
	if ((st = jsonobj_skip(o)) != JSON_OK)
		return st;
	/* json_skip_value has validated the number's syntax; strtod needs a NUL. */
	n = (size_t)(o->c.p - start);
	if (n >= sizeof tmp)
		return JSON_ERR_RANGE;
	memcpy(tmp, start, n);
	tmp[n] = '\0';
	*out = strtod(tmp, NULL);
	return JSON_OK;
}

int
jsonobj_key_is(const struct buf *key, const char *name)
{
	size_t n = strlen(name);

	return key->len == n && memcmp(key->data, name, n) == 0;
}
