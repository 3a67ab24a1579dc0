/*
 * test_ws.c: the WebSocket frame parser and handshake (ws.h) against RFC 6455's
 * examples and rules, the relay message parser (relay.h) and the bounded id
 * set (idset.h).
 */
#include "base/idset.h"
#include "nostr/relay.h"
#include "tap.h"
#include "net/ws.h"

#include <stdlib.h>

static const char good_head[] =
    "HTTP/1.1 101 Switching Protocols\r\n"
    "upgrade: WebSocket\r\n"
    "Connection: keep-alive, Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
static const char rfc_key[] = "dGhlIHNhbXBsZSBub25jZQ==";

static void
accept_key_rfc_example(void)
{
	char out[29];

	/* RFC 6455 1.3. */
	ws_accept_key(rfc_key, out);
	CHECK_EQ_STR(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

static void
handshake_checks(void)
{
	char why[64], head[512];
	const char *r;

	CHECK(ws_handshake_check(good_head, strlen(good_head), rfc_key, why) == NULL);
	/* Another key: the accept no longer matches. */
	r = ws_handshake_check(good_head, strlen(good_head), "AAAAAAAAAAAAAAAAAAAAAA==", why);
	CHECK_EQ_STR(r, "wrong Sec-WebSocket-Accept");
	snprintf(head, sizeof(head), "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
	r = ws_handshake_check(head, strlen(head), rfc_key, why);
	CHECK_EQ_STR(r, "HTTP status 404 instead of 101");
	snprintf(head, sizeof(head), "HTTP/1.1 101 OK\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
	r = ws_handshake_check(head, strlen(head), rfc_key, why);
	CHECK_EQ_STR(r, "no Upgrade: websocket header");
	snprintf(head, sizeof(head), "HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n"
	    "Connection: close\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
	r = ws_handshake_check(head, strlen(head), rfc_key, why);
	CHECK_EQ_STR(r, "no Connection: upgrade header");
	snprintf(head, sizeof(head), "HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n"
	    "Connection: upgrade\r\n\r\n");
	r = ws_handshake_check(head, strlen(head), rfc_key, why);
	CHECK_EQ_STR(r, "no Sec-WebSocket-Accept header");
	r = ws_handshake_check("SSH-2.0-OpenSSH\r\n\r\n", 19, rfc_key, why);
	CHECK_EQ_STR(r, "not an HTTP/1.1 response");
}

/* parse_all: ws_parse over the whole input, n bytes at a time. */
static enum ws_result
parse_chunked(struct ws_parser *p, const uint8_t *in, size_t len, size_t step,
    struct ws_message *m, size_t *used_total)
{
	size_t have = 0, off = 0, used;
	enum ws_result r = WS_NEED_MORE;

	while (have < len) {
		have = have + step > len ? len : have + step;
		r = ws_parse(p, in + off, have - off, &used, m);
		off += used;
		if (r != WS_NEED_MORE)
			break;
	}
	*used_total = off;
	return r;
}

static void
frames_rfc_examples(void)
{
	/* RFC 6455 5.7. */
	static const uint8_t hello[] = { 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f };
	static const uint8_t frag[] = { 0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f };
	static const uint8_t ping[] = { 0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f };
	static const uint8_t masked_hello[] = { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f,
		0x9f, 0x4d, 0x51, 0x58 };
	static const uint8_t mask[4] = { 0x37, 0xfa, 0x21, 0x3d };
	struct ws_parser p;
	struct ws_message m;
	struct buf out = BUF_INIT;
	size_t used, step;

	for (step = 1; step <= sizeof(frag); step++) {
		ws_parser_init(&p, 0);
		CHECK_EQ_INT(parse_chunked(&p, hello, sizeof(hello), step, &m, &used), WS_MESSAGE);
		CHECK_EQ_INT(m.opcode, WS_OP_TEXT);
		CHECK(m.len == 5 && memcmp(m.data, "Hello", 5) == 0);
		CHECK_EQ_INT(used, sizeof(hello));
		CHECK_EQ_INT(parse_chunked(&p, frag, sizeof(frag), step, &m, &used), WS_MESSAGE);
		CHECK_EQ_INT(m.opcode, WS_OP_TEXT);
		CHECK(m.len == 5 && memcmp(m.data, "Hello", 5) == 0);
		CHECK_EQ_INT(used, sizeof(frag));
		CHECK_EQ_INT(parse_chunked(&p, ping, sizeof(ping), step, &m, &used), WS_MESSAGE);
		CHECK_EQ_INT(m.opcode, WS_OP_PING);
		CHECK(m.len == 5 && memcmp(m.data, "Hello", 5) == 0);
		ws_parser_free(&p);
	}
	/* A client frame, masked as the RFC shows. */
	ws_frame_write(&out, WS_OP_TEXT, "Hello", 5, mask);
	CHECK_EQ_INT(out.len, sizeof(masked_hello));
	CHECK_EQ_MEM(out.data, masked_hello, sizeof(masked_hello));
	buf_free(&out);
}

/* server_frame: an unmasked frame header for len bytes into h; its size. */
static size_t
server_frame(uint8_t *h, unsigned first, uint64_t len)
{
	int i;

	h[0] = (uint8_t)first;
	if (len < 126) {
		h[1] = (uint8_t)len;
		return 2;
	}
	if (len < 65536) {
		h[1] = 126;
		h[2] = (uint8_t)(len >> 8);
		h[3] = (uint8_t)len;
		return 4;
	}
	h[1] = 127;
	for (i = 0; i < 8; i++)
		h[2 + i] = (uint8_t)(len >> (56 - 8 * i));
	return 10;
}

static void
frames_lengths(void)
{
	static const uint64_t lens[] = { 0, 125, 126, 65535, 65536, 200000 };
	struct ws_parser p;
	struct ws_message m;
	struct buf out = BUF_INIT;
	uint8_t *frame, mask[4] = { 0, 0, 0, 0 };
	size_t i, hl, used;

	ws_parser_init(&p, 1 << 20);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		frame = malloc(10 + lens[i]);
		hl = server_frame(frame, 0x82, lens[i]);
		memset(frame + hl, 'a' + (int)i, lens[i]);
		CHECK_EQ_INT(ws_parse(&p, frame, hl + lens[i], &used, &m), WS_MESSAGE);
		CHECK_EQ_INT(m.opcode, WS_OP_BINARY);
		CHECK_EQ_INT(m.len, lens[i]);
		CHECK_EQ_INT(used, hl + lens[i]);
		/* One byte short: wait for it. */
		if (lens[i] > 0)
			CHECK_EQ_INT(ws_parse(&p, frame, hl + lens[i] - 1, &used, &m), WS_NEED_MORE);
		/* Our writer chooses the same length form (a zero mask leaves the
		 * payload readable). */
		buf_reset(&out);
		ws_frame_write(&out, WS_OP_BINARY, frame + hl, lens[i], mask);
		CHECK_EQ_INT(out.len, hl + 4 + lens[i]);
		CHECK_EQ_INT((uint8_t)out.data[1] & 0x7f, frame[1]);
		free(frame);
	}
	ws_parser_free(&p);
	buf_free(&out);
}

/* expect_error: bytes that must be refused with code and reason. */
static void
expect_error(const uint8_t *in, size_t len, uint16_t code, const char *why)
{
	struct ws_parser p;
	struct ws_message m;
	size_t used;

	ws_parser_init(&p, 1000);
	CHECK_EQ_INT(ws_parse(&p, in, len, &used, &m), WS_ERROR);
	CHECK_EQ_INT(p.error_code, code);
	CHECK_EQ_STR(p.error, why);
	ws_parser_free(&p);
}

static void
frames_protocol_errors(void)
{
	static const uint8_t masked[] = { 0x81, 0x81, 1, 2, 3, 4, 'x' };
	static const uint8_t rsv[] = { 0xc1, 0x01, 'x' };
	static const uint8_t nonmin16[] = { 0x81, 126, 0x00, 0x05, 'a', 'b', 'c', 'd', 'e' };
	static const uint8_t nonmin64[] = { 0x81, 127, 0, 0, 0, 0, 0, 0, 0x01, 0x00 };
	static const uint8_t topbit[] = { 0x81, 127, 0x80, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t bigctl[] = { 0x89, 126, 0x00, 0x7e };
	static const uint8_t fragctl[] = { 0x09, 0x00 };
	static const uint8_t badop[] = { 0x83, 0x00 };
	static const uint8_t badctl[] = { 0x8b, 0x00 };
	static const uint8_t cont[] = { 0x80, 0x01, 'x' };
	static const uint8_t nested[] = { 0x01, 0x01, 'a', 0x81, 0x01, 'b' };
	/* Refused from the header alone: the payload is not there at all. */
	static const uint8_t big[] = { 0x81, 126, 0x03, 0xe9 };
	static const uint8_t bigfrag[] = { 0x01, 126, 0x01, 0xf4, };
	static const uint8_t close1[] = { 0x88, 0x01, 0x03 };
	static const uint8_t closebad[] = { 0x88, 0x02, 0x03, 0xed };  /* 1005 */

	expect_error(masked, sizeof(masked), WS_CLOSE_PROTOCOL, "masked frame from server");
	expect_error(rsv, sizeof(rsv), WS_CLOSE_PROTOCOL, "reserved bits set");
	expect_error(nonmin16, sizeof(nonmin16), WS_CLOSE_PROTOCOL, "non-minimal length");
	expect_error(nonmin64, sizeof(nonmin64), WS_CLOSE_PROTOCOL, "non-minimal length");
	expect_error(topbit, sizeof(topbit), WS_CLOSE_PROTOCOL, "length with its top bit set");
	expect_error(bigctl, sizeof(bigctl), WS_CLOSE_PROTOCOL, "control frame over 125 bytes");
	expect_error(fragctl, sizeof(fragctl), WS_CLOSE_PROTOCOL, "fragmented control frame");
	expect_error(badop, sizeof(badop), WS_CLOSE_PROTOCOL, "unknown data opcode");
	expect_error(badctl, sizeof(badctl), WS_CLOSE_PROTOCOL, "unknown control opcode");
	expect_error(cont, sizeof(cont), WS_CLOSE_PROTOCOL, "continuation without a message");
	expect_error(nested, sizeof(nested), WS_CLOSE_PROTOCOL,
	    "new message inside a fragmented one");
	expect_error(big, sizeof(big), WS_CLOSE_TOO_BIG, "message over the size limit");
	expect_error(close1, sizeof(close1), WS_CLOSE_PROTOCOL, "close frame of 1 byte");
	expect_error(closebad, sizeof(closebad), WS_CLOSE_PROTOCOL, "invalid close code");
	{
		/* Fragments that each fit but add up to more than the bound. */
		struct ws_parser p;
		struct ws_message m;
		uint8_t in[4 + 500 + 4];
		size_t used;

		ws_parser_init(&p, 800);
		memcpy(in, bigfrag, 4);
		memset(in + 4, 'a', 500);
		in[504] = 0x80;
		in[505] = 126;
		in[506] = 0x01;
		in[507] = 0xf4;
		CHECK_EQ_INT(ws_parse(&p, in, sizeof(in), &used, &m), WS_ERROR);
		CHECK_EQ_INT(p.error_code, WS_CLOSE_TOO_BIG);
		ws_parser_free(&p);
	}
}

static void
frames_close(void)
{
	static const uint8_t close_reason[] = { 0x88, 0x07, 0x03, 0xe9, 'm', 'a', 'i', 'n', 't' };
	static const uint8_t close_empty[] = { 0x88, 0x00 };
	struct ws_parser p;
	struct ws_message m;
	size_t used;

	ws_parser_init(&p, 0);
	CHECK_EQ_INT(ws_parse(&p, close_reason, sizeof(close_reason), &used, &m), WS_MESSAGE);
	CHECK_EQ_INT(m.opcode, WS_OP_CLOSE);
	CHECK_EQ_INT(m.close_code, 1001);
	CHECK(m.len == 5 && memcmp(m.data, "maint", 5) == 0);
	CHECK_EQ_INT(ws_parse(&p, close_empty, sizeof(close_empty), &used, &m), WS_MESSAGE);
	CHECK_EQ_INT(m.close_code, WS_CLOSE_NO_STATUS);
	CHECK_EQ_INT(m.len, 0);
	ws_parser_free(&p);
}

static void
frames_control_inside_fragments(void)
{
	/* A ping between two fragments comes out first; the message after. */
	static const uint8_t in[] = { 0x01, 0x02, 'a', 'b', 0x89, 0x01, 'p', 0x80, 0x01, 'c',
		0x81, 0x01, 'd' };
	struct ws_parser p;
	struct ws_message m;
	size_t used, off = 0;

	ws_parser_init(&p, 0);
	CHECK_EQ_INT(ws_parse(&p, in, sizeof(in), &used, &m), WS_MESSAGE);
	CHECK_EQ_INT(m.opcode, WS_OP_PING);
	CHECK(m.len == 1 && m.data[0] == 'p');
	off += used;
	CHECK_EQ_INT(ws_parse(&p, in + off, sizeof(in) - off, &used, &m), WS_MESSAGE);
	CHECK_EQ_INT(m.opcode, WS_OP_TEXT);
	CHECK(m.len == 3 && memcmp(m.data, "abc", 3) == 0);
	off += used;
	CHECK_EQ_INT(ws_parse(&p, in + off, sizeof(in) - off, &used, &m), WS_MESSAGE);
	CHECK(m.len == 1 && m.data[0] == 'd');
	off += used;
	CHECK_EQ_INT(off, sizeof(in));
	ws_parser_free(&p);
}

static const char *
parse_msg(const char *s, struct relay_msg *m, struct buf *text)
{
	return relay_msg_parse(s, strlen(s), m, text);
}

static void
relay_messages(void)
{
	struct relay_msg m;
	struct buf text = BUF_INIT;
	const char *ev = "{\"id\":\"x\",\"tags\":[[\"p\",\"a\"]]}";
	char msg[256];

	snprintf(msg, sizeof(msg), " [ \"EVENT\" , \"f0.1\" , %s ] ", ev);
	CHECK(parse_msg(msg, &m, &text) == NULL);
	CHECK_EQ_INT(m.type, RELAY_MSG_EVENT);
	CHECK(m.sub_len == 4 && memcmp(m.sub, "f0.1", 4) == 0);
	CHECK(m.event_len == strlen(ev) && memcmp(m.event, ev, m.event_len) == 0);
	CHECK(parse_msg("[\"EOSE\",\"f1.2\"]", &m, &text) == NULL);
	CHECK_EQ_INT(m.type, RELAY_MSG_EOSE);
	CHECK(m.sub_len == 4 && memcmp(m.sub, "f1.2", 4) == 0);
	CHECK(parse_msg("[\"NOTICE\",\"rate \\\"limited\\\"\"]", &m, &text) == NULL);
	CHECK_EQ_INT(m.type, RELAY_MSG_NOTICE);
	CHECK_EQ_STR(text.data, "rate \"limited\"");
	CHECK(parse_msg("[\"CLOSED\",\"f0.1\",\"auth-required: x\"]", &m, &text) == NULL);
	CHECK_EQ_INT(m.type, RELAY_MSG_CLOSED);
	CHECK_EQ_STR(text.data, "auth-required: x");
	CHECK(parse_msg("[\"CLOSED\",\"f0.1\"]", &m, &text) == NULL);
	CHECK(parse_msg("[\"OK\",\"abc\",false,\"blocked\"]", &m, &text) == NULL);
	CHECK_EQ_INT(m.type, RELAY_MSG_OK);
	CHECK_EQ_INT(m.ok_accepted, 0);
	CHECK_EQ_STR(text.data, "blocked");
	CHECK(parse_msg("[\"AUTH\",\"challenge\"]", &m, &text) == NULL);
	CHECK_EQ_INT(m.type, RELAY_MSG_AUTH);
	CHECK_EQ_STR(text.data, "challenge");
	CHECK(parse_msg("[\"NEG-MSG\",\"f0.3\",\"6100\"]", &m, &text) == NULL);
	CHECK_EQ_INT(m.type, RELAY_MSG_NEG_MSG);
	CHECK(m.sub_len == 4 && memcmp(m.sub, "f0.3", 4) == 0);
	CHECK(m.event_len == 4 && memcmp(m.event, "6100", 4) == 0);
	CHECK(parse_msg("[\"NEG-ERR\",\"f0.3\",\"blocked: no\"]", &m, &text) == NULL);
	CHECK_EQ_INT(m.type, RELAY_MSG_NEG_ERR);
	CHECK_EQ_STR(text.data, "blocked: no");
	CHECK_EQ_STR(parse_msg("[\"NEG-MSG\",\"f0.3\"]", &m, &text), "NEG-MSG without a message");
	CHECK_EQ_STR(parse_msg("[\"NEG-MSG\",\"f0.3\",61]", &m, &text),
	    "NEG-MSG without a message");
	CHECK_EQ_STR(parse_msg("[\"NEG-ERR\",1]", &m, &text), "NEG-ERR without a subscription id");
	CHECK(parse_msg("[\"COUNT\",\"s\",{\"count\":3}]", &m, &text) == NULL);
	CHECK_EQ_INT(m.type, RELAY_MSG_UNKNOWN);

	CHECK_EQ_STR(parse_msg("{\"EVENT\":1}", &m, &text), "not a JSON array");
	CHECK_EQ_STR(parse_msg("[1]", &m, &text), "no message type");
	CHECK_EQ_STR(parse_msg("[\"EVENT\",\"s\"]", &m, &text), "EVENT without an event object");
	CHECK_EQ_STR(parse_msg("[\"EVENT\",\"s\",[1]]", &m, &text),
	    "EVENT without an event object");
	CHECK_EQ_STR(parse_msg("[\"EVENT\",\"s\",{\"a\":}]", &m, &text),
	    "EVENT with malformed JSON");
	CHECK_EQ_STR(parse_msg("[\"EVENT\",\"s\",{},1]", &m, &text), "unexpected element");
	CHECK_EQ_STR(parse_msg("[\"EOSE\",\"s\"] x", &m, &text), "data after the message");
	CHECK_EQ_STR(parse_msg("[\"NOTICE\",3]", &m, &text), "NOTICE without a message");
	CHECK_EQ_STR(parse_msg("[\"OK\",\"a\",1]", &m, &text),
	    "OK with a status that is not a boolean");
	CHECK_EQ_STR(parse_msg("[\"NOTICE\",\"\xff\"]", &m, &text), "NOTICE without a message");
	CHECK_EQ_STR(parse_msg("[\"COUNT\",", &m, &text), "malformed JSON");
	CHECK(parse_msg("", &m, &text) != NULL);
	buf_free(&text);
}

static void
idset_bounded(void)
{
	struct idset s;
	uint8_t id[32];
	size_t bytes;
	int i, kept;

	idset_init(&s, 100);
	bytes = idset_bytes(&s);
	memset(id, 0, sizeof(id));
	for (i = 0; i < 1000; i++) {
		memcpy(id, &i, sizeof(i));
		CHECK_EQ_INT(idset_add(&s, id), 1);
		CHECK_EQ_INT(idset_add(&s, id), 0);
	}
	/* The newest bound/2 are always remembered ... */
	for (i = 950; i < 1000; i++) {
		memcpy(id, &i, sizeof(i));
		CHECK(idset_contains(&s, id));
	}
	/* ... at most bound of them, in the memory fixed at the start. */
	for (i = kept = 0; i < 1000; i++) {
		memcpy(id, &i, sizeof(i));
		kept += idset_contains(&s, id);
	}
	CHECK(kept >= 50 && kept <= 100);
	CHECK_EQ_INT(idset_bytes(&s), bytes);
	/* Ids that differ only past the first 16 bytes are one id. */
	memset(id, 7, sizeof(id));
	CHECK_EQ_INT(idset_add(&s, id), 1);
	id[31] = 8;
	CHECK_EQ_INT(idset_add(&s, id), 0);
	idset_free(&s);
}

int
main(void)
{
	TEST(accept_key_rfc_example);
	TEST(handshake_checks);
	TEST(frames_rfc_examples);
	TEST(frames_lengths);
	TEST(frames_protocol_errors);
	TEST(frames_close);
	TEST(frames_control_inside_fragments);
	TEST(relay_messages);
	TEST(idset_bounded);
	return tap_done();
}
