/*
 * ws.h: the client side of WebSocket (RFC 6455) over a libcurl connection.
 *
 * Bookworm's libcurl (7.88) has no WebSocket support, so libcurl only does
 * what it is good at: DNS, TCP, TLS with certificate checks, proxies
 * (CURLOPT_CONNECT_ONLY through a caller's multi handle, so that many
 * connections come up at once).  Everything after the TCP/TLS connection is
 * here, in three layers that can be used and tested apart:
 *
 *  1. ws_accept_key() and ws_handshake_check(): the opening handshake (4.1/4.2).
 *  2. struct ws_parser: server frames -> messages.  Pure, no I/O: it takes
 *     bytes and returns whole messages, pings, pongs and closes, enforcing the
 *     RFC's rules (no mask from a server, no reserved bits, control frames
 *     short and unfragmented, minimal length encodings, continuation only
 *     inside a fragmented message) and a bound on a message's size.  This is
 *     the one function that parses untrusted frames; it is fuzzed.
 *  3. struct ws_conn: one connection's state machine (connect, handshake,
 *     open, closing, closed) with its send queue.  The owner polls the fd and
 *     calls ws_conn_io(); it never blocks.
 *
 * Memory: a ws_conn owns its curl easy handle and its buffers; a message
 * returned by ws_conn_io()/ws_parse() points into them and stays valid until
 * the next call on the same connection or parser.  A connection's receive
 * buffer starts at 16 KiB and grows only to hold one message (max_message
 * at most); after a message that grew it past 64 KiB it is cut back to
 * 16 KiB, and so is the parser's buffer for fragmented messages.
 */
#ifndef NP_WS_H
#define NP_WS_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "net/hostcheck.h"

#define WS_MAX_MESSAGE_DEFAULT (4u * 1024 * 1024)

/* Opcodes (RFC 6455 5.2). */
enum ws_opcode {
	WS_OP_CONTINUATION = 0x0,
	WS_OP_TEXT = 0x1,
	WS_OP_BINARY = 0x2,
	WS_OP_CLOSE = 0x8,
	WS_OP_PING = 0x9,
	WS_OP_PONG = 0xa,
};

/* Close codes used here (RFC 6455 7.4.1). */
#define WS_CLOSE_NORMAL 1000
#define WS_CLOSE_GOING_AWAY 1001
#define WS_CLOSE_PROTOCOL 1002
#define WS_CLOSE_NO_STATUS 1005
#define WS_CLOSE_TOO_BIG 1009

/*
 * ws_accept_key: the Sec-WebSocket-Accept value for a Sec-WebSocket-Key:
 * base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")), 28 characters
 * and a NUL into out.
 */
void ws_accept_key(const char *key, char out[29]);

/*
 * ws_handshake_check: checks a server's response head (the bytes up to and
 * including the blank line) for a client that sent key: status 101, an
 * "Upgrade: websocket" header, a "Connection" header with the "upgrade" token,
 * and the right Sec-WebSocket-Accept.  Returns NULL when it is good, or a
 * constant reason ("HTTP status 404", "wrong Sec-WebSocket-Accept", ...); for a
 * non-101 status the reason is written into the caller's why[64].
 */
const char *ws_handshake_check(const char *head, size_t len, const char *key,
    char why[64]);

/* What ws_parse found. */
enum ws_result {
	WS_NEED_MORE = 0,  /* no whole message yet: feed more bytes */
	WS_MESSAGE,        /* a message: text/binary, ping, pong or close */
	WS_ERROR,          /* a protocol violation: fail the connection */
};

struct ws_message {
	enum ws_opcode opcode;   /* TEXT, BINARY, PING, PONG or CLOSE */
	const uint8_t *data;     /* payload (for CLOSE: the reason, after the code) */
	size_t len;
	uint16_t close_code;     /* CLOSE: the code, or WS_CLOSE_NO_STATUS */
};

struct ws_parser {
	size_t max_message;      /* bound on one message, in bytes */
	struct buf fragments;    /* a fragmented message being assembled */
	int in_fragmented;       /* 1 between a non-final data frame and its end */
	enum ws_opcode fragmented_opcode;
	uint16_t error_code;     /* after WS_ERROR: the close code to send */
	const char *error;       /* after WS_ERROR: why, a constant string */
};

/* ws_parser_init: max_message 0 means WS_MAX_MESSAGE_DEFAULT. */
void ws_parser_init(struct ws_parser *p, size_t max_message);
void ws_parser_free(struct ws_parser *p);

/*
 * ws_parse: looks at the received bytes data[0..len) and sets *consumed to how
 * many it used (always set, also with WS_NEED_MORE when it took the frames of
 * a fragmented message).  On WS_MESSAGE, *m is filled: its data points into
 * `data` or into the parser, valid until the next call or until the caller
 * moves the unconsumed bytes.  A frame bigger than max_message is refused from
 * its header, before its payload arrives (WS_ERROR, code 1009).
 */
enum ws_result ws_parse(struct ws_parser *p, const uint8_t *data, size_t len,
    size_t *consumed, struct ws_message *m);

/*
 * ws_frame_write: appends to out one final client frame (FIN set, masked with
 * mask as RFC 6455 5.3 requires of clients) carrying len bytes of payload.
 */
void ws_frame_write(struct buf *out, enum ws_opcode op, const void *payload,
    size_t len, const uint8_t mask[4]);

/* The states of a connection. */
enum ws_state {
	WS_CONNECTING,  /* curl is resolving, connecting, doing TLS */
	WS_HANDSHAKE,   /* upgrade request sent, waiting for the 101 */
	WS_OPEN,
	WS_CLOSING,     /* we sent a close frame, waiting for the server's */
	WS_CLOSED,      /* done: see ws_conn.error; the owner may free or restart */
};

struct ws_options {
	size_t max_message;      /* 0: WS_MAX_MESSAGE_DEFAULT */
	int insecure;            /* skip TLS certificate and host name checks */
	long connect_timeout_ms; /* for curl's connect phase (DNS, TCP, TLS) */
	const char *user_agent;
	int guard;               /* refuse internal addresses at connect (net/hostcheck.h) */
	unsigned guard_flags;    /* its HOSTCHECK_* flags */
};

struct ws_conn {
	char *url;               /* ws:// or wss:// as given */
	void *curl;              /* CURL *, a CONNECT_ONLY easy handle */
	void *multi;             /* the CURLM * it is added to */
	int fd;                  /* the socket once connected, else -1 */
	enum ws_state state;
	struct ws_options opt;
	char key[25];            /* our Sec-WebSocket-Key */
	struct buf in;           /* received, not yet parsed bytes */
	size_t in_start;         /* parsed bytes at the front of `in` */
	struct buf out;          /* queued bytes not yet sent */
	size_t out_start;
	struct ws_parser parser;
	uint64_t rng;            /* for masking keys */
	int peer_closed;         /* the server sent a close frame */
	uint16_t peer_close_code;
	char error[160];         /* why the connection ended (empty after a clean close) */
	char curl_error[256];    /* curl's detailed message (CURL_ERROR_SIZE) */
	struct hostcheck_guard guard;  /* with opt.guard; guard.refused when it refused */
};

/*
 * ws_conn_start: begins connecting to url (ws:// or wss://) through multi (a
 * CURLM *; the owner runs curl_multi_perform on it).  Returns 0, or -1 with
 * conn->error set (a bad URL, for instance) and the state WS_CLOSED.
 */
int ws_conn_start(struct ws_conn *conn, void *multi, const char *url,
    const struct ws_options *opt);

/*
 * ws_conn_connected: the owner calls this when curl reports the connect
 * transfer done with `result` (a CURLcode).  On success, sends the upgrade
 * request and moves to WS_HANDSHAKE; otherwise closes with the reason.
 */
void ws_conn_connected(struct ws_conn *conn, int result);

/* ws_conn_wants_write: 1 while queued bytes wait to be sent (poll for POLLOUT). */
int ws_conn_wants_write(const struct ws_conn *conn);

/*
 * ws_conn_io: sends what is queued, then receives until the socket is drained
 * (curl_easy_recv returns CURLE_AGAIN: TLS can hold decrypted bytes that
 * poll() does not show) or a message is ready.  Returns 1 with *m set for a
 * text or binary message (pings are answered and closes handled inside), 0
 * when nothing more is ready now, -1 when the connection has ended (state
 * WS_CLOSED; conn->error says why, empty after a clean close).  Call it again
 * after each message: more may be buffered.
 */
int ws_conn_io(struct ws_conn *conn, struct ws_message *m);

/* ws_conn_send_text: queues a text message and tries to send it.  -1 if closed. */
int ws_conn_send_text(struct ws_conn *conn, const char *text, size_t len);

/* ws_conn_send_ping: queues a ping with a short payload. */
int ws_conn_send_ping(struct ws_conn *conn, const void *payload, size_t len);

/* ws_conn_close: starts the closing handshake with code (state WS_CLOSING). */
void ws_conn_close(struct ws_conn *conn, uint16_t code);

/*
 * ws_conn_free: removes the handle from its multi, closes the socket, frees
 * everything; the struct may be started again.
 */
void ws_conn_free(struct ws_conn *conn);

#endif
