/*
 * Fuzz target: what nostr-load parses besides events, through the real SQLite
 * layer on an in-memory database: the input as a relay-status record, and as
 * the content of a kind-0 profile (and a kind-3 list and kind-5 deletion with
 * the input as tag values).  SQLite must never see an error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "store/db.h"
#include "enrich/enrich.h"
#include "nostr/event.h"
#include "base/json.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct enrich *en;
	static struct db *db;
	static struct event_parser parser;
	static struct buf line, meta;
	static unsigned n;
	const char *text = (const char *)data, *why;
	char err[256];
	struct event ev;
	unsigned kinds[] = { 0, 3, 5, 30000 }, k;

	if (en == NULL) {
		struct enrich_options opt = { 1, NULL, 0 };

		if ((en = enrich_new(&opt, &why)) == NULL)
			abort();
		if ((db = db_open(":memory:", NULL, err, sizeof err)) == NULL)
			abort();
		event_parser_init(&parser);
	}
	if (db_begin(db) < 0)
		abort();
	if (db_add_relay_record(db, text, size) < 0)
		abort();
	if (!utf8_valid(text, size)) {
		db_commit(db);
		return 0;
	}
	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		buf_reset(&line);
		/* A fresh id each time, so nothing is a duplicate. */
		n++;
		buf_printf(&line, "{\"id\":\"%064x\",\"pubkey\":\"%064d\",\"created_at\":%u,"
		    "\"kind\":%u,\"tags\":[[\"p\",", n, 0, n, kinds[k]);
		json_quote(&line, text, size);
		buf_puts(&line, "],[\"a\",");
		json_quote(&line, text, size);
		buf_puts(&line, "],[\"d\",");
		json_quote(&line, text, size);
		buf_puts(&line, "]],\"content\":");
		json_quote(&line, text, size);
		buf_printf(&line, ",\"sig\":\"%0128d\"}", 0);
		if (event_parse(&parser, line.data, line.len, &ev) != EVENT_OK)
			abort();
		enrich_event(en, line.data, line.len, &ev, 1);
		buf_reset(&meta);
		enrich_write_meta(en, line.data, line.len, &ev, &meta);
		if (db_add_event(db, &ev, enrich_meta_of(en), meta.data, meta.len) < 0) {
			fprintf(stderr, "db: %s\n", db_errmsg(db));
			abort();
		}
	}
	if (db_commit(db) < 0)
		abort();
	return 0;
}
