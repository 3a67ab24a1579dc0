/*
 * Fuzz target: nostr-enrich's content path (hashtags, nostr: URIs, URLs,
 * words, language) and meta writing.
 *
 * The input is scanned as raw bytes; then, when it is valid UTF-8, it becomes
 * the content of a kind-1 event (its first bytes also a t tag and an e tag
 * marker) and the event is enriched.  Invariants: the enriched line parses
 * as an event with a meta object, and enriching it again changes nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "enrich/enrich.h"
#include "nostr/event.h"
#include "base/json.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct enrich *en;
	static struct event_parser parser;
	static struct buf line, out, again;
	const char *text = (const char *)data;
	const char *why;
	struct event ev;
	struct json_cursor c;
	size_t cut = size < 16 ? size : 16;

	if (en == NULL) {
		struct enrich_options opt = { 0, NULL, 0 };

		if ((en = enrich_new(&opt, &why)) == NULL)
			abort();
		event_parser_init(&parser);
	}
	enrich_scan_content(en, text, size);
	if (!utf8_valid(text, size))
		return 0;
	while (cut > 0 && !utf8_valid(text, cut))
		cut--;

	buf_reset(&line);
	buf_printf(&line, "{\"id\":\"%064d\",\"pubkey\":\"%064d\",\"created_at\":1,\"kind\":1,"
	    "\"tags\":[[\"t\",", 0, 0);
	json_quote(&line, text, cut);
	buf_printf(&line, "],[\"e\",\"%064d\",\"\",", 1);
	json_quote(&line, text, cut);
	buf_puts(&line, "],[\"imeta\",");
	json_quote(&line, text, size);
	buf_puts(&line, "]],\"content\":");
	json_quote(&line, text, size);
	buf_printf(&line, ",\"sig\":\"%0128d\"}", 0);
	if (event_parse(&parser, line.data, line.len, &ev) != EVENT_OK)
		abort();  /* we built it: it must parse */
	enrich_event(en, line.data, line.len, &ev, 0);
	buf_reset(&out);
	enrich_write_line(en, line.data, line.len, &ev, &out);

	/* The output (without its newline) is an event whose meta is an object. */
	if (event_parse(&parser, out.data, out.len - 1, &ev) != EVENT_OK)
		abort();
	if (ev.meta_end <= ev.meta_start || out.data[ev.meta_start] != '{')
		abort();
	c.p = out.data + ev.meta_start;
	c.end = out.data + ev.meta_end;
	if (json_skip_value(&c, 8) != JSON_OK || c.p != c.end)
		abort();
	enrich_event(en, out.data, out.len - 1, &ev, 0);
	buf_reset(&again);
	enrich_write_line(en, out.data, out.len - 1, &ev, &again);
	if (again.len != out.len || memcmp(again.data, out.data, out.len) != 0)
		abort();
	return 0;
}
