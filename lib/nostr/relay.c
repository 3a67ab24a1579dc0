#include "nostr/relay.h"

#include <string.h>

#include "base/json.h"

/* Deep enough for any event (tags nest two levels) and for what relays put
 * in unknown messages; deeper is garbage. */
#define RELAY_MAX_DEPTH 32

const char *
relay_msg_type_name(enum relay_msg_type t)
{
	static const char *const names[] = { "EVENT", "EOSE", "NOTICE", "CLOSED", "OK",
		"AUTH", "NEG-MSG", "NEG-ERR", "unknown" };

	return (unsigned)t <= RELAY_MSG_UNKNOWN ? names[t] : "unknown";
}

static int
is(const char *raw, size_t len, const char *word)
{
	return len == strlen(word) && memcmp(raw, word, len) == 0;
}

/* next_element: consumes the ',' before the next element, or fails. */
static int
next_element(struct json_cursor *c)
{
	return json_expect(c, ',') == JSON_OK;
}

const char *
relay_msg_parse(const char *msg, size_t len, struct relay_msg *m, struct buf *text)
{
	struct json_cursor c = { msg, msg + len };
	const char *type;
	size_t type_len;
	int escaped;

	memset(m, 0, sizeof(*m));
	buf_reset(text);
	if (json_expect(&c, '[') != JSON_OK)
		return "not a JSON array";
	if (json_string_raw(&c, &type, &type_len, &escaped) != JSON_OK)
		return "no message type";
	if (is(type, type_len, "EVENT")) {
		m->type = RELAY_MSG_EVENT;
		if (!next_element(&c) ||
		    json_string_raw(&c, &m->sub, &m->sub_len, &m->sub_escaped) != JSON_OK)
			return "EVENT without a subscription id";
		if (!next_element(&c) || json_peek(&c) != '{')
			return "EVENT without an event object";
		json_skip_ws(&c);
		m->event = c.p;
		if (json_skip_value(&c, RELAY_MAX_DEPTH) != JSON_OK)
			return "EVENT with malformed JSON";
		m->event_len = (size_t)(c.p - m->event);
	} else if (is(type, type_len, "EOSE")) {
		m->type = RELAY_MSG_EOSE;
		if (!next_element(&c) ||
		    json_string_raw(&c, &m->sub, &m->sub_len, &m->sub_escaped) != JSON_OK)
			return "EOSE without a subscription id";
	} else if (is(type, type_len, "NOTICE")) {
		m->type = RELAY_MSG_NOTICE;
		if (!next_element(&c) || json_string(&c, text, NULL) != JSON_OK)
			return "NOTICE without a message";
	} else if (is(type, type_len, "CLOSED")) {
		m->type = RELAY_MSG_CLOSED;
		if (!next_element(&c) ||
		    json_string_raw(&c, &m->sub, &m->sub_len, &m->sub_escaped) != JSON_OK)
			return "CLOSED without a subscription id";
		/* NIP-01 asks for a message; some relays leave it out. */
		if (json_peek(&c) == ',') {
			if (!next_element(&c) || json_string(&c, text, NULL) != JSON_OK)
				return "CLOSED with a malformed message";
		}
	} else if (is(type, type_len, "OK")) {
		m->type = RELAY_MSG_OK;
		if (!next_element(&c) ||
		    json_string_raw(&c, &m->sub, &m->sub_len, &m->sub_escaped) != JSON_OK)
			return "OK without an event id";
		if (!next_element(&c))
			return "OK without a status";
		json_skip_ws(&c);
		if (c.end - c.p >= 4 && memcmp(c.p, "true", 4) == 0) {
			m->ok_accepted = 1;
			c.p += 4;
		} else if (c.end - c.p >= 5 && memcmp(c.p, "false", 5) == 0) {
			c.p += 5;
		} else {
			return "OK with a status that is not a boolean";
		}
		if (json_peek(&c) == ',') {
			if (!next_element(&c) || json_string(&c, text, NULL) != JSON_OK)
				return "OK with a malformed message";
		}
	} else if (is(type, type_len, "AUTH")) {
		m->type = RELAY_MSG_AUTH;
		if (!next_element(&c) || json_string(&c, text, NULL) != JSON_OK)
			return "AUTH without a challenge";
	} else if (is(type, type_len, "NEG-MSG")) {
		m->type = RELAY_MSG_NEG_MSG;
		if (!next_element(&c) ||
		    json_string_raw(&c, &m->sub, &m->sub_len, &m->sub_escaped) != JSON_OK)
			return "NEG-MSG without a subscription id";
		if (!next_element(&c) ||
		    json_string_raw(&c, &m->event, &m->event_len, &escaped) != JSON_OK)
			return "NEG-MSG without a message";
	} else if (is(type, type_len, "NEG-ERR")) {
		m->type = RELAY_MSG_NEG_ERR;
		if (!next_element(&c) ||
		    json_string_raw(&c, &m->sub, &m->sub_len, &m->sub_escaped) != JSON_OK)
			return "NEG-ERR without a subscription id";
		if (json_peek(&c) == ',') {
			if (!next_element(&c) || json_string(&c, text, NULL) != JSON_OK)
				return "NEG-ERR with a malformed reason";
		}
	} else {
		m->type = RELAY_MSG_UNKNOWN;
		while (json_peek(&c) == ',') {
			c.p++;
			if (json_skip_value(&c, RELAY_MAX_DEPTH) != JSON_OK)
				return "malformed JSON";
		}
	}
	if (json_expect(&c, ']') != JSON_OK)
		return m->type == RELAY_MSG_UNKNOWN ? "malformed JSON" : "unexpected element";
	json_skip_ws(&c);
	if (c.p != c.end)
		return "data after the message";
	return NULL;
}
