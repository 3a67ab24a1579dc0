/*
 * fuzz_nip77.c: libFuzzer target for what nostr-fetch does with a relay's
 * NEG-MSG: the whole relay message through relay_msg_parse, then its payload
 * through nip77_step (hex, then the negentropy message), round after round of
 * one reconciliation, with the batches of the ids it found.
 *
 * Checks: a refused payload leaves no message to send and the need list as it
 * was; an accepted one leaves a NEG-MSG or a NEG-CLOSE; need holds whole ids.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sha256.h"
#include "nostr/nip77.h"
#include "nostr/relay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct neg_storage items;
static int ready;

static void
fill(void)
{
	uint8_t id[32];

	neg_storage_init(&items);
	for (int i = 0; i < 300; i++) {
		sha256(&i, sizeof i, id);
		neg_storage_add(&items, 1700000000 + (uint64_t)(i / 3), id);
	}
	neg_storage_seal(&items);
	ready = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nip77 x;
	struct buf msg = BUF_INIT, text = BUF_INIT;
	struct relay_msg m;
	const uint8_t *p = data, *end = data + size, *nl;
	size_t before;
	int done = 0;

	if (!ready)
		fill();
	if (nip77_open(&x, &items, NEG_FRAME_MIN, "f0.1", "{}", &msg) != NULL)
		abort();
	/* One relay message a line. */
	while (p < end && !done) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (relay_msg_parse((const char *)p, (size_t)(nl - p), &m, &text) == NULL &&
		    m.type == RELAY_MSG_NEG_MSG) {
			before = x.need.len;
			if (nip77_step(&x, "f0.1", m.event, m.event_len, &msg, &done) != NULL) {
				if (msg.len != 0 || x.need.len != before || done)
					abort();
			} else if (strncmp(msg.data, done ? "[\"NEG-CLOSE\"" : "[\"NEG-MSG\"",
			    done ? 12 : 11) != 0) {
				abort();
			}
		}
		p = nl + 1;
	}
	if (x.need.len % NEG_ID_SIZE != 0)
		abort();
	while (nip77_batch(&x, 7, &msg) > 0)
		;
	nip77_free(&x);
	buf_free(&msg);
	buf_free(&text);
	return 0;
}
