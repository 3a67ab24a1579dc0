/*
 * Fuzz target: zap receipt reading (NIP-57): the input is the description
 * tag (the zap request as JSON) of a receipt with a fixed invoice, and, split
 * at the first newline, the rest is the bolt11 tag.  The zap is also written
 * as meta JSON, which must be valid JSON.
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
	static struct buf line, out;
	const char *text = (const char *)data, *nl;
	const char *why;
	size_t dlen = size;
	struct event ev;
	struct json_cursor c;

	if (en == NULL) {
		struct enrich_options opt = { 1, NULL, 0 };

		if ((en = enrich_new(&opt, &why)) == NULL)
			abort();
		event_parser_init(&parser);
	}
	if (!utf8_valid(text, size))
		return 0;
	if ((nl = memchr(text, '\n', size)) != NULL)
		dlen = (size_t)(nl - text);
	buf_reset(&line);
	buf_printf(&line, "{\"id\":\"%064d\",\"pubkey\":\"%064d\",\"created_at\":1,\"kind\":9735,"
	    "\"tags\":[[\"p\",\"%064d\"],[\"P\",\"%064d\"],[\"description\",", 0, 0, 2, 3);
	json_quote(&line, text, dlen);
	buf_puts(&line, "],[\"bolt11\",");
	if (nl != NULL)
		json_quote(&line, nl + 1, size - dlen - 1);
	else
		buf_puts(&line, "\"lnbc10u1p3unwfusp5t9r3yymhpfqculx78u027lxspgxcr2n2987mx2j55nnfs95nxnzqpp5jmrh92pfld78spqs78v9euf2385t83uvpwk9ldrlvf6ch7tpascqhp5zvkrmemgth3tufcvflmzjzfvjt023nazlhljz2n9hattj4f8jq8qxqyjw5qcqpjrzjqtc4fc44feggv7065fqe5m4ytjarg3repr5j9el35xhmtfexc42yczarjuqqfzqqqqqqqqlgqqqqqqgq9q9qxpqysgq079nkq507a5tw7xgttmj4u990j7wfggtrasah5gd4ywfr2pjcn29383tphp4t48gquelz9z78p4cq7ml3nrrphw5w6eckhjwmhezhnqpy6gyf0\"");
	buf_printf(&line, "]],\"content\":\"\",\"sig\":\"%0128d\"}", 0);
	if (event_parse(&parser, line.data, line.len, &ev) != EVENT_OK)
		abort();
	enrich_event(en, line.data, line.len, &ev, 0);
	buf_reset(&out);
	enrich_write_meta(en, line.data, line.len, &ev, &out);
	c.p = out.data;
	c.end = out.data + out.len;
	if (json_skip_value(&c, 8) != JSON_OK || c.p != c.end)
		abort();
	return 0;
}
