#include "nostr/nip11.h"

#include <string.h>

#include "base/json.h"

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * copy_compact: appends p[0..len), a value json_skip_value accepted, without
 * the white space outside its strings.  Inside a string, a backslash always
 * starts a two-byte escape (\uXXXX continues with plain hex digits), so the
 * closing quote is the first '"' not right after one.
 */
static void
copy_compact(const char *p, size_t len, struct buf *out)
{
	const char *end = p + len, *run = p;
	int in_string = 0;

	buf_reserve(out, len);
	for (; p < end; p++) {
		if (in_string) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				in_string = 0;
		} else if (*p == '"') {
			in_string = 1;
		} else if (is_ws(*p)) {
			buf_append(out, run, (size_t)(p - run));
			run = p + 1;
		}
	}
	buf_append(out, run, (size_t)(end - run));
}

const char *
nip11_compact(const char *body, size_t len, struct buf *out)
{
	struct json_cursor c = { body, body + len };
	const char *start;
	enum json_status st;

	if (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0)
		c.p += 3;
	if (json_peek(&c) != '{')
		return "not a JSON object";
	start = c.p;
	if ((st = json_skip_value(&c, NIP11_MAX_DEPTH)) != JSON_OK)
		return json_status_string(st);
	json_skip_ws(&c);
	if (c.p != c.end)
		return "data after the object";
	copy_compact(start, (size_t)(c.p - start), out);
	return NULL;
}
