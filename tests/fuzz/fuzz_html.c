/*
 * Fuzz target: HTML escaping of network text, which the dashboard relies on.
 *
 * Whatever the bytes, the escaped text must be valid UTF-8 and hold no raw
 * markup character (< > " ' and & only as the start of a reference), no
 * control character but tab and newline, and no bidirectional override; a
 * link is made only for an http(s) URL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "render/html.h"
#include "base/json.h"

static void
check_escaped(const struct buf *b)
{
	const unsigned char *u = (const unsigned char *)b->data;
	size_t i;

	if (!utf8_valid(b->data, b->len))
		abort();
	for (i = 0; i < b->len; i++) {
		if (u[i] == '<' || u[i] == '>' || u[i] == '"' || u[i] == '\'')
			abort();
		if (u[i] < 0x20 && u[i] != '\t' && u[i] != '\n')
			abort();
		if (u[i] == 0x7f)
			abort();
		/* U+202A-U+202E and U+2066-U+2069: E2 80 AA-AE, E2 81 A6-A9 */
		if (u[i] == 0xe2 && i + 2 < b->len &&
		    ((u[i + 1] == 0x80 && u[i + 2] >= 0xaa && u[i + 2] <= 0xae) ||
		    (u[i + 1] == 0x81 && u[i + 2] >= 0xa6 && u[i + 2] <= 0xa9)))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf b;
	const char *s = (const char *)data;
	char *url;

	buf_reset(&b);
	html_escape(&b, s, size);
	check_escaped(&b);
	buf_reset(&b);
	html_escape_cut(&b, s, size, size % 40);
	check_escaped(&b);
	(void)utf8_char_count(s, size);

	url = malloc(size + 1);
	if (url == NULL)
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	buf_reset(&b);
	if (html_link(&b, url, NULL, 30)) {
		if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
			abort();
	} else if (strstr(b.data ? b.data : "", "<a") != NULL) {
		abort();
	}
	free(url);
	return 0;
}
