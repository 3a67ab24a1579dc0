/*
 * Fuzz target: reading back a meta object (metaread.h, enrich_take), which
 * nostr-load does for every line that carries one.
 *
 * The input becomes the meta of a kind-1 event and of a kind-9735 receipt.
 * Invariant: a meta that is taken, written again by enrich_write_meta, is
 * taken again and written the same (nothing is lost or invented between
 * reading and writing).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "enrich/enrich.h"
#include "nostr/event.h"

/* event_line: an event of kind whose meta is meta[0..len). */
static void
event_line(struct buf *line, unsigned kind, const char *meta, size_t len)
{
	buf_reset(line);
	buf_printf(line, "{\"id\":\"%064d\",\"pubkey\":\"%064d\",\"created_at\":1,"
	    "\"kind\":%u,\"tags\":[],\"content\":\"\",\"sig\":\"%0128d\",\"meta\":",
	    0, 0, kind, 0);
	buf_append(line, meta, len);
	buf_putc(line, '}');
}

/* retake: the meta of line taken and written into out; 0, or -1 when not taken. */
static int
retake(struct enrich *en, struct event_parser *parser, const struct buf *line,
    struct buf *out)
{
	struct event ev;

	if (event_parse(parser, line->data, line->len, &ev) != EVENT_OK ||
	    enrich_take(en, line->data, &ev) == NULL)
		return -1;
	buf_reset(out);
	enrich_write_meta(en, line->data, line->len, &ev, out);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct enrich *en;
	static struct event_parser parser;
	static struct buf line, once, twice;
	static const unsigned kinds[] = { 1, 9735 };
	const char *why;
	size_t k;

	if (en == NULL) {
		struct enrich_options opt = { 1, NULL, 0 };

		if ((en = enrich_new(&opt, &why)) == NULL)
			abort();
		event_parser_init(&parser);
	}
	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		event_line(&line, kinds[k], (const char *)data, size);
		if (retake(en, &parser, &line, &once) < 0)
			continue;
		event_line(&line, kinds[k], once.data, once.len);
		if (retake(en, &parser, &line, &twice) < 0)
			abort();  /* what enrich wrote from a taken meta must be taken */
		if (twice.len != once.len || memcmp(twice.data, once.data, once.len) != 0)
			abort();
	}
	return 0;
}
