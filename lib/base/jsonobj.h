/*
 * jsonobj.h: walking the members of a JSON object with json.h's scanner, for
 * the small objects the pipeline reads besides events: the `meta` object,
 * kind-0 profile content, relay-status records, zap requests' neighbours.
 *
 * Usage:
 *	struct jsonobj o;
 *	jsonobj_begin(&o, text, len);
 *	while (jsonobj_next(&o, &key) == 1) {
 *		if (key is interesting) read the value with json_string() etc. on &o.c;
 *		else jsonobj_skip(&o);
 *	}
 *	if (o.status != JSON_OK) ... the object was malformed at o.c.p
 *
 * After jsonobj_next returns 1 the cursor o.c stands at the member's value,
 * and o.member is where the member ("key":value) began; the caller must
 * consume the value (read or jsonobj_skip) before the next call.  Nothing is
 * allocated except into the caller's key buffer.
 */
#ifndef NP_JSONOBJ_H
#define NP_JSONOBJ_H

#include <stddef.h>

#include "base/buf.h"
#include "base/json.h"

/* Nesting allowed inside a value that is skipped. */
#define JSONOBJ_MAX_DEPTH 64

struct jsonobj {
	struct json_cursor c;
	enum json_status status;  /* JSON_OK, or why the walk stopped early */
	const char *member;       /* start of the current member's key */
	int started;              /* a member has been read: a comma comes next */
	int done;
};

/* jsonobj_begin: starts at s[0..len), which must open with '{' (after white
 * space); otherwise status is JSON_ERR_TYPE and jsonobj_next returns -1. */
void jsonobj_begin(struct jsonobj *o, const char *s, size_t len);

/*
 * jsonobj_next: reads the next member's key into key (reset first, decoded).
 * Returns 1 when a member's value is next, 0 after the closing brace, -1 on
 * malformed input (o->status says why).
 */
int jsonobj_next(struct jsonobj *o, struct buf *key);

/* jsonobj_skip: skips the current member's value; returns its status. */
enum json_status jsonobj_skip(struct jsonobj *o);

/*
 * jsonobj_number: reads the value as any JSON number (fractions and exponents
 * allowed) into *out.  JSON_ERR_TYPE when the value is not a number.
 */
enum json_status jsonobj_number(struct jsonobj *o, double *out);

/* jsonobj_key_is: 1 when the key just read is the NUL-terminated name. */
int jsonobj_key_is(const struct buf *key, const char *name);

#endif
