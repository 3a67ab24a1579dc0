/*
 * fuzz_ws_frame.c: libFuzzer target for the WebSocket frame parser (ws_parse)
 * and, for each text message it yields, the relay message parser
 * (relay_msg_parse): the two functions that read what a relay sends.
 *
 * The first input byte picks how the rest is cut into reads (1 to 256 bytes),
 * as the network would; the parser keeps unconsumed bytes as ws_conn does.
 * Checks: consumed never exceeds what was given, a message's bytes lie inside
 * the input or the parser's buffer, and a message never exceeds the bound.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "nostr/relay.h"
#include "net/ws.h"

#define MAX_MESSAGE 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_parser p;
	struct ws_message m;
	struct relay_msg rm;
	struct buf pending = BUF_INIT, text = BUF_INIT;
	size_t step, off, used, start = 0;
	enum ws_result r;

	if (size < 1)
		return 0;
	step = (size_t)data[0] + 1;
	data++;
	size--;
	ws_parser_init(&p, MAX_MESSAGE);
	for (off = 0; off < size; off += step) {
		buf_append(&pending, data + off, off + step > size ? size - off : step);
		for (;;) {
			r = ws_parse(&p, (const uint8_t *)pending.data + start,
			    pending.len - start, &used, &m);
			if (used > pending.len - start)
				abort();
			start += used;
			if (r == WS_ERROR)
				goto done;
			if (r == WS_NEED_MORE)
				break;
			if (m.len > MAX_MESSAGE)
				abort();
			if (m.len > 0 && m.data == NULL)
				abort();
			if (m.opcode == WS_OP_TEXT)
				(void)relay_msg_parse((const char *)m.data, m.len, &rm, &text);
		}
		/* Compact as ws_conn_io does before reading more. */
		memmove(pending.data, pending.data + start, pending.len - start);
		pending.len -= start;
		start = 0;
	}
done:
	ws_parser_free(&p);
	buf_free(&pending);
	buf_free(&text);
	return 0;
}
