/*
 * relay.h: the messages a Nostr relay sends to a client (NIP-01, NIP-42), parsed
 * without allocation.
 *
 *   ["EVENT", <subscription id>, <event object>]
 *   ["EOSE", <subscription id>]
 *   ["NOTICE", <message>]
 *   ["CLOSED", <subscription id>, <message>]
 *   ["OK", <event id>, <true|false>, <message>]
 *   ["AUTH", <challenge>]
 *   ["NEG-MSG", <subscription id>, <hex message>]     (NIP-77)
 *   ["NEG-ERR", <subscription id>, <reason>]          (NIP-77)
 *
 * relay_msg_parse() is the one function that reads these untrusted bytes; it is
 * fuzzed.  The whole message must be one valid JSON array (RFC 8259, UTF-8, no
 * raw NUL), with the element types above; other message types (COUNT, ...)
 * come back as RELAY_MSG_UNKNOWN when they are well-formed arrays that start
 * with a string.  The event object is only located and validated as JSON: its
 * NIP-01 structure is event_parse()'s job.
 */
#ifndef NP_RELAY_H
#define NP_RELAY_H

#include <stddef.h>

#include "base/buf.h"

enum relay_msg_type {
	RELAY_MSG_EVENT,
	RELAY_MSG_EOSE,
	RELAY_MSG_NOTICE,
	RELAY_MSG_CLOSED,
	RELAY_MSG_OK,
	RELAY_MSG_AUTH,
	RELAY_MSG_NEG_MSG,
	RELAY_MSG_NEG_ERR,
	RELAY_MSG_UNKNOWN,
};

struct relay_msg {
	enum relay_msg_type type;
	const char *sub;        /* subscription id (EVENT, EOSE, CLOSED, NEG-*), or the
	                         * event id (OK): raw bytes */
	size_t sub_len;         /* between the quotes, escapes not decoded */
	int sub_escaped;        /* the raw id holds escapes (never one of ours) */
	const char *event;      /* EVENT: the object's bytes, '{' to '}'; NEG-MSG:
	                         * the raw string, between the quotes */
	size_t event_len;
	int ok_accepted;        /* OK: the boolean */
	/* NOTICE, CLOSED, OK, NEG-ERR: the message; AUTH: the challenge; decoded into the
	 * caller's buffer `text` (NUL-terminated, may hold NUL bytes). */
};

/*
 * relay_msg_parse: parses the message msg[0..len) into *m, decoding its
 * human-readable string (if any) into text (reset first).  Returns NULL, or a
 * constant reason why the message is malformed ("not JSON", "EVENT without an
 * object", ...).  m's pointers point into msg.
 */
const char *relay_msg_parse(const char *msg, size_t len, struct relay_msg *m,
    struct buf *text);

/* relay_msg_type_name: "EVENT", "EOSE", ... ("unknown" for RELAY_MSG_UNKNOWN). */
const char *relay_msg_type_name(enum relay_msg_type t);

#endif
