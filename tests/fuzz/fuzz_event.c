/*
 * Fuzz target: the NDJSON line reader and the event parser, on any bytes.
 *
 * The input goes through a memfd into line_reader (with a small line limit,
 * so the overlong path runs too); each line is parsed; a parsed event is
 * serialized both ways, and its content must survive json_quote followed by
 * json_string unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/buf.h"
#include "nostr/event.h"
#include "base/json.h"
#include "base/ndjson.h"

static void
round_trip(const struct event_str *s, struct buf *quoted, struct buf *back)
{
	struct json_cursor c;

	buf_reset(quoted);
	buf_reset(back);
	json_quote(quoted, s->s, s->len);
	c.p = quoted->data;
	c.end = quoted->data + quoted->len;
	if (json_string(&c, back, NULL) != JSON_OK || back->len != s->len ||
	    memcmp(back->data, s->s, s->len) != 0 || c.p != c.end)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event_parser parser;
	static struct buf quoted, back;
	struct line_reader r;
	struct event ev;
	struct line line;
	uint8_t id[32];
	size_t i, j;
	int fd;

	if ((fd = memfd_create("fuzz", 0)) < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return 0;
	}
	line_reader_init(&r, fd, 4096, NULL, NULL);
	while (line_reader_next(&r, &line) > 0) {
		if (event_parse(&parser, line.data, line.len, &ev) != EVENT_OK)
			continue;
		event_compute_id(&parser, &ev, JSON_ESCAPE_NIP01, id);
		event_compute_id(&parser, &ev, JSON_ESCAPE_JSON, id);
		(void)event_check_id(&parser, &ev, NULL);
		round_trip(&ev.content, &quoted, &back);
		for (i = 0; i < ev.ntags; i++)
			for (j = 0; j < ev.tags[i].count; j++)
				round_trip(&ev.tags[i].items[j], &quoted, &back);
		if (ev.meta_end < ev.meta_start || ev.object_end >= line.len)
			abort();
	}
	line_reader_free(&r);
	close(fd);
	return 0;
}
