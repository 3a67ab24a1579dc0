#include "net/ws.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

/* RFC 6455 4.2.2: the GUID every server appends to the key before hashing. */
#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
/* A response head longer than this is not a WebSocket server talking. */
#define WS_HEAD_MAX 16384
/*
 * The receive buffer: it starts at WS_IN_INITIAL bytes and doubles only when
 * a message does not fit (up to max_message); a buffer grown past WS_IN_KEEP
 * for a big message is given back once that message is handled, so that
 * hundreds of connections idle at a few KiB each.  curl_easy_recv is asked
 * for at least WS_RECV_MIN bytes at a time.
 */
#define WS_IN_INITIAL (16 * 1024)
#define WS_IN_KEEP (64 * 1024)
#define WS_RECV_MIN (4 * 1024)

void
ws_accept_key(const char *key, char out[29])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	EVP_MD_CTX *ctx;

	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, key, strlen(key)) != 1 ||
	    EVP_DigestUpdate(ctx, WS_GUID, strlen(WS_GUID)) != 1 ||
	    EVP_DigestFinal_ex(ctx, digest, &dlen) != 1 || dlen != 20) {
		/* Cannot happen with a working libcrypto; an empty key never matches. */
		out[0] = '\0';
		EVP_MD_CTX_free(ctx);
		return;
	}
	EVP_MD_CTX_free(ctx);
	EVP_EncodeBlock((unsigned char *)out, digest, 20);  /* 28 chars + NUL */
}

/* header_value: the value of header `name` in head (trimmed), or NULL. */
static const char *
header_value(const char *head, size_t len, const char *name, size_t *vlen)
{
	const char *p = head, *end = head + len, *eol, *v;
	size_t nlen = strlen(name);

	/* Skip the status line. */
	if ((p = memchr(p, '\n', len)) == NULL)
		return NULL;
	p++;
	for (; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return NULL;
		if ((size_t)(eol - p) > nlen && p[nlen] == ':' &&
		    strncasecmp(p, name, nlen) == 0) {
			v = p + nlen + 1;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			*vlen = (size_t)(eol - v);
			while (*vlen > 0 && (v[*vlen - 1] == '\r' || v[*vlen - 1] == ' ' ||
			    v[*vlen - 1] == '\t'))
				(*vlen)--;
			return v;
		}
	}
	return NULL;
}

/* has_token: whether the comma-separated list v[0..len) holds token (any case). */
static int
has_token(const char *v, size_t len, const char *token)
{
	size_t tlen = strlen(token), i = 0, start, end;

	while (i < len) {
		while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		start = i;
		while (i < len && v[i] != ',')
			i++;
		end = i;
		while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
			end--;
		if (end - start == tlen && strncasecmp(v + start, token, tlen) == 0)
			return 1;
	}
	return 0;
}

const char *
ws_handshake_check(const char *head, size_t len, const char *key, char why[64])
{
	const char *v;
	size_t vlen, i;
	char want[29];
	int status = 0;

	if (len < 12 || memcmp(head, "HTTP/1.1 ", 9) != 0)
		return "not an HTTP/1.1 response";
	for (i = 9; i < 12; i++) {
		if (!isdigit((unsigned char)head[i]))
			return "not an HTTP/1.1 response";
		status = status * 10 + (head[i] - '0');
	}
	if (status != 101) {
		snprintf(why, 64, "HTTP status %d instead of 101", status);
		return why;
	}
	if ((v = header_value(head, len, "Upgrade", &vlen)) == NULL ||
	    !has_token(v, vlen, "websocket"))
		return "no Upgrade: websocket header";
	if ((v = header_value(head, len, "Connection", &vlen)) == NULL ||
	    !has_token(v, vlen, "upgrade"))
		return "no Connection: upgrade header";
	ws_accept_key(key, want);
	if ((v = header_value(head, len, "Sec-WebSocket-Accept", &vlen)) == NULL)
		return "no Sec-WebSocket-Accept header";
	if (vlen != 28 || memcmp(v, want, 28) != 0)
		return "wrong Sec-WebSocket-Accept";
	return NULL;
}

void
ws_parser_init(struct ws_parser *p, size_t max_message)
{
	memset(p, 0, sizeof(*p));
	p->max_message = max_message ? max_message : WS_MAX_MESSAGE_DEFAULT;
}

void
ws_parser_free(struct ws_parser *p)
{
	buf_free(&p->fragments);
	p->in_fragmented = 0;
}

static enum ws_result
parse_fail(struct ws_parser *p, uint16_t code, const char *why)
{
	p->error_code = code;
	p->error = why;
	return WS_ERROR;
}

/* Close codes a peer may send (RFC 6455 7.4.1 and 7.4.2). */
static int
close_code_valid(uint16_t c)
{
	if (c >= 3000 && c <= 4999)
		return 1;
	return (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1011);
}

enum ws_result
ws_parse(struct ws_parser *p, const uint8_t *data, size_t len, size_t *consumed,
    struct ws_message *m)
{
	size_t off = 0, hdr, have;
	uint64_t plen;
	unsigned fin, op, i;
	const uint8_t *payload;

	for (;;) {
		*consumed = off;
		have = len - off;
		if (have < 2)
			return WS_NEED_MORE;
		fin = data[off] & 0x80;
		op = data[off] & 0x0f;
		if (data[off] & 0x70)
			return parse_fail(p, WS_CLOSE_PROTOCOL, "reserved bits set");
		/* 5.1: a client MUST close on a masked frame from the server. */
		if (data[off + 1] & 0x80)
			return parse_fail(p, WS_CLOSE_PROTOCOL, "masked frame from server");
		plen = data[off + 1] & 0x7f;
		hdr = 2;
		if (plen == 126) {
			if (have < 4)
				return WS_NEED_MORE;
			plen = (uint64_t)data[off + 2] << 8 | data[off + 3];
			hdr = 4;
			/* 5.2: the minimal number of bytes MUST be used. */
			if (plen < 126)
				return parse_fail(p, WS_CLOSE_PROTOCOL, "non-minimal length");
		} else if (plen == 127) {
			if (have < 10)
				return WS_NEED_MORE;
			plen = 0;
			for (i = 0; i < 8; i++)
				plen = plen << 8 | data[off + 2 + i];
			hdr = 10;
			if (plen >> 63)
				return parse_fail(p, WS_CLOSE_PROTOCOL, "length with its top bit set");
			if (plen < 65536)
				return parse_fail(p, WS_CLOSE_PROTOCOL, "non-minimal length");
		}
		if (op & 0x8) {
			if (op != WS_OP_CLOSE && op != WS_OP_PING && op != WS_OP_PONG)
				return parse_fail(p, WS_CLOSE_PROTOCOL, "unknown control opcode");
			/* 5.5: control frames are short and never fragmented. */
			if (!fin)
				return parse_fail(p, WS_CLOSE_PROTOCOL, "fragmented control frame");
			if (plen > 125)
				return parse_fail(p, WS_CLOSE_PROTOCOL, "control frame over 125 bytes");
		} else {
			if (op != WS_OP_CONTINUATION && op != WS_OP_TEXT && op != WS_OP_BINARY)
				return parse_fail(p, WS_CLOSE_PROTOCOL, "unknown data opcode");
			if (op == WS_OP_CONTINUATION && !p->in_fragmented)
				return parse_fail(p, WS_CLOSE_PROTOCOL, "continuation without a message");
			if (op != WS_OP_CONTINUATION && p->in_fragmented)
				return parse_fail(p, WS_CLOSE_PROTOCOL,
				    "new message inside a fragmented one");
			/* Refuse from the header: never buffer an oversized payload. */
			if (plen > p->max_message ||
			    (p->in_fragmented && p->fragments.len + plen > p->max_message))
				return parse_fail(p, WS_CLOSE_TOO_BIG, "message over the size limit");
		}
		if (have - hdr < plen)
			return WS_NEED_MORE;
		payload = data + off + hdr;
		off += hdr + (size_t)plen;
		*consumed = off;
		memset(m, 0, sizeof(*m));
		if (op == WS_OP_CLOSE) {
			m->opcode = WS_OP_CLOSE;
			if (plen == 1)
				return parse_fail(p, WS_CLOSE_PROTOCOL, "close frame of 1 byte");
			if (plen == 0) {
				m->close_code = WS_CLOSE_NO_STATUS;
				return WS_MESSAGE;
			}
			m->close_code = (uint16_t)(payload[0] << 8 | payload[1]);
			if (!close_code_valid(m->close_code))
				return parse_fail(p, WS_CLOSE_PROTOCOL, "invalid close code");
			m->data = payload + 2;
			m->len = (size_t)plen - 2;
			return WS_MESSAGE;
		}
		if (op == WS_OP_PING || op == WS_OP_PONG) {
			m->opcode = (enum ws_opcode)op;
			m->data = payload;
			m->len = (size_t)plen;
			return WS_MESSAGE;
		}
		if (!p->in_fragmented && fin) {
			m->opcode = (enum ws_opcode)op;
			m->data = payload;
			m->len = (size_t)plen;
			return WS_MESSAGE;
		}
		if (!p->in_fragmented) {
			p->in_fragmented = 1;
			p->fragmented_opcode = (enum ws_opcode)op;
			buf_reset(&p->fragments);
		}
		buf_append(&p->fragments, payload, (size_t)plen);
		if (fin) {
			p->in_fragmented = 0;
			m->opcode = p->fragmented_opcode;
			m->data = (const uint8_t *)p->fragments.data;
			m->len = p->fragments.len;
			return WS_MESSAGE;
		}
	}
}

void
ws_frame_write(struct buf *out, enum ws_opcode op, const void *payload, size_t len,
    const uint8_t mask[4])
{
	uint8_t h[14];
	size_t hl = 2, i, start;
	const uint8_t *src = payload;
	uint8_t *dst;

	h[0] = (uint8_t)(0x80 | op);
	if (len < 126) {
		h[1] = (uint8_t)(0x80 | len);
	} else if (len < 65536) {
		h[1] = 0x80 | 126;
		h[2] = (uint8_t)(len >> 8);
		h[3] = (uint8_t)len;
		hl = 4;
	} else {
		h[1] = 0x80 | 127;
		for (i = 0; i < 8; i++)
			h[2 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
		hl = 10;
	}
	memcpy(h + hl, mask, 4);
	hl += 4;
	buf_append(out, h, hl);
	start = out->len;
	buf_reserve(out, len);
	dst = (uint8_t *)out->data + start;
	for (i = 0; i < len; i++)
		dst[i] = src[i] ^ mask[i & 3];
	out->len += len;
	out->data[out->len] = '\0';
}

/* Connections. */

static void
conn_fail(struct ws_conn *c, const char *fmt, const char *detail)
{
	if (c->error[0] == '\0')
		snprintf(c->error, sizeof(c->error), fmt, detail);
	c->state = WS_CLOSED;
}

static uint64_t
conn_random(struct ws_conn *c)
{
	/* xorshift64*: masking keys only need to be unpredictable to proxies
	 * between us and the server, and the seed comes from getrandom(). */
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return c->rng * 0x2545F4914F6CDD1DULL;
}

static void
conn_queue_frame(struct ws_conn *c, enum ws_opcode op, const void *p, size_t len)
{
	uint64_t r = conn_random(c);
	uint8_t mask[4];

	memcpy(mask, &r, 4);
	ws_frame_write(&c->out, op, p, len, mask);
}

int
ws_conn_start(struct ws_conn *c, void *multi, const char *url, const struct ws_options *opt)
{
	struct buf http = BUF_INIT;
	CURL *curl;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->state = WS_CLOSED;
	c->url = xstrdup(url);
	c->opt = *opt;
	ws_parser_init(&c->parser, opt->max_message);
	if (getrandom(&c->rng, sizeof(c->rng), 0) != sizeof(c->rng) || c->rng == 0)
		c->rng = (uint64_t)time(NULL) * 2654435761u + (uintptr_t)c;
	/* libcurl 7.88 knows no ws://, so connect with the http(s) URL the
	 * WebSocket URL stands for (RFC 6455 3: same host, port and path). */
	if (strncasecmp(url, "ws://", 5) == 0) {
		buf_puts(&http, "http://");
		buf_puts(&http, url + 5);
	} else if (strncasecmp(url, "wss://", 6) == 0) {
		buf_puts(&http, "https://");
		buf_puts(&http, url + 6);
	} else {
		conn_fail(c, "%s", "not a ws:// or wss:// URL");
		return -1;
	}
	if ((curl = curl_easy_init()) == NULL) {
		buf_free(&http);
		conn_fail(c, "%s", "curl_easy_init failed");
		return -1;
	}
	c->curl = curl;
	curl_easy_setopt(curl, CURLOPT_URL, http.data);
	buf_free(&http);
	curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PRIVATE, c);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, c->curl_error);
	/* With a proxy from the environment, tunnel with CONNECT: our upgrade
	 * request must reach the relay itself. */
	curl_easy_setopt(curl, CURLOPT_HTTPPROXYTUNNEL, 1L);
	if (opt->connect_timeout_ms > 0)
		curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, opt->connect_timeout_ms);
	if (opt->insecure) {
		curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	c->guard.flags = opt->guard_flags;
	if (opt->guard && hostcheck_guard_curl(curl, &c->guard) < 0) {
		curl_easy_cleanup(curl);
		c->curl = NULL;
		conn_fail(c, "%s", "cannot check the addresses connected to");
		return -1;
	}
	if (curl_multi_add_handle(multi, curl) != CURLM_OK) {
		curl_easy_cleanup(curl);
		c->curl = NULL;
		conn_fail(c, "%s", "curl_multi_add_handle failed");
		return -1;
	}
	c->multi = multi;
	c->state = WS_CONNECTING;
	return 0;
}

/* request_target: host header and request target of the URL, from curl's parser. */
static int
request_target(const char *url, struct buf *host, struct buf *target)
{
	CURLU *u = curl_url();
	char *h = NULL, *port = NULL, *path = NULL, *query = NULL;
	struct buf http = BUF_INIT;
	int rc = -1;

	if (u == NULL)
		return -1;
	buf_puts(&http, strncasecmp(url, "wss://", 6) == 0 ? "https://" : "http://");
	buf_puts(&http, strchr(url, ':') + 3);
	if (curl_url_set(u, CURLUPART_URL, http.data, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK)
		goto out;
	buf_puts(host, h);
	/* Only a port written in the URL goes into Host (RFC 7230 5.4). */
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK && port != NULL)
		buf_printf(host, ":%s", port);
	if (curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK && path != NULL &&
	    path[0] != '\0')
		buf_puts(target, path);
	else
		buf_puts(target, "/");
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK && query != NULL)
		buf_printf(target, "?%s", query);
	rc = 0;
out:
	curl_free(h);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(u);
	buf_free(&http);
	return rc;
}

void
ws_conn_connected(struct ws_conn *c, int result)
{
	struct buf host = BUF_INIT, target = BUF_INIT;
	uint8_t nonce[16];
	curl_socket_t sock = CURL_SOCKET_BAD;
	size_t i;

	if (c->state != WS_CONNECTING)
		return;
	if (result != CURLE_OK && c->guard.refused) {
		conn_fail(c, "refused: %s", c->guard.why);
		return;
	}
	if (result != CURLE_OK) {
		/* curl's own message names the cause ("SSL certificate problem:
		 * self-signed certificate"), its strerror only the class. */
		conn_fail(c, "%.150s", c->curl_error[0] ? c->curl_error :
		    curl_easy_strerror((CURLcode)result));
		return;
	}
	if (curl_easy_getinfo(c->curl, CURLINFO_ACTIVESOCKET, &sock) != CURLE_OK ||
	    sock == CURL_SOCKET_BAD) {
		conn_fail(c, "%s", "no socket after connecting");
		return;
	}
	c->fd = (int)sock;
	/* 4.1: the key is 16 random bytes, base64-encoded. */
	for (i = 0; i < sizeof(nonce); i += 8) {
		uint64_t r = conn_random(c);
		memcpy(nonce + i, &r, 8);
	}
	EVP_EncodeBlock((unsigned char *)c->key, nonce, sizeof(nonce));
	if (request_target(c->url, &host, &target) < 0) {
		conn_fail(c, "%s", "cannot parse the URL");
		goto out;
	}
	buf_printf(&c->out, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
	    "User-Agent: %s\r\n\r\n", target.data, host.data, c->key,
	    c->opt.user_agent ? c->opt.user_agent : "nostr-pipeline");
	c->state = WS_HANDSHAKE;
out:
	buf_free(&host);
	buf_free(&target);
}

int
ws_conn_wants_write(const struct ws_conn *c)
{
	return c->out_start < c->out.len;
}

/* conn_flush: sends queued bytes until done or CURLE_AGAIN; -1 on error. */
static int
conn_flush(struct ws_conn *c)
{
	size_t n;
	CURLcode rc;

	while (c->out_start < c->out.len) {
		n = 0;
		rc = curl_easy_send(c->curl, c->out.data + c->out_start,
		    c->out.len - c->out_start, &n);
		if (rc == CURLE_AGAIN)
			return 0;
		if (rc != CURLE_OK) {
			conn_fail(c, "send: %s", curl_easy_strerror(rc));
			return -1;
		}
		c->out_start += n;
	}
	buf_reset(&c->out);
	c->out_start = 0;
	return 0;
}

/* conn_handle_control: answers pings, finishes on a close.  -1 when closed. */
static int
conn_handle_control(struct ws_conn *c, const struct ws_message *m)
{
	uint8_t code[2];
	char why[160];

	switch (m->opcode) {
	case WS_OP_PING:
		/* 5.5.2: answer with a pong carrying the same payload. */
		if (c->state == WS_OPEN)
			conn_queue_frame(c, WS_OP_PONG, m->data, m->len);
		return 0;
	case WS_OP_PONG:
		return 0;
	case WS_OP_CLOSE:
		c->peer_closed = 1;
		c->peer_close_code = m->close_code;
		if (c->state == WS_CLOSING) {
			/* Our close answered: a clean end. */
			c->state = WS_CLOSED;
			return -1;
		}
		/* 5.5.1: echo the status code, then the server closes TCP. */
		if (m->close_code != WS_CLOSE_NO_STATUS) {
			code[0] = (uint8_t)(m->close_code >> 8);
			code[1] = (uint8_t)m->close_code;
			conn_queue_frame(c, WS_OP_CLOSE, code, 2);
		} else {
			conn_queue_frame(c, WS_OP_CLOSE, NULL, 0);
		}
		(void)conn_flush(c);
		snprintf(why, sizeof(why), "relay closed the connection (code %u%s%.*s)",
		    (unsigned)m->close_code, m->len ? ": " : "",
		    (int)(m->len > 100 ? 100 : m->len), (const char *)m->data);
		/* The reason is untrusted text: keep it printable. */
		for (char *p = why; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		conn_fail(c, "%s", why);
		return -1;
	default:
		return 0;
	}
}

/*
 * conn_shrink: gives back the buffers a big message grew, once it has been
 * handled (the caller is past it when it asks for more bytes).
 */
static void
conn_shrink(struct ws_conn *c)
{
	if (c->in.cap > WS_IN_KEEP && c->in.len < WS_IN_INITIAL / 2) {
		/* What is left is the start of the next message, if anything. */
		c->in.data = xrealloc(c->in.data, WS_IN_INITIAL);
		c->in.cap = WS_IN_INITIAL;
	}
	if (!c->parser.in_fragmented && c->parser.fragments.cap > WS_IN_KEEP)
		buf_free(&c->parser.fragments);
}

int
ws_conn_io(struct ws_conn *c, struct ws_message *m)
{
	enum ws_result r;
	size_t used, n, room;
	const char *head_end, *bad;
	char why[64];
	CURLcode rc;

	if (c->state == WS_CLOSED)
		return -1;
	if (c->state == WS_CONNECTING)
		return 0;
	if (conn_flush(c) < 0)
		return -1;
	for (;;) {
		if (c->state == WS_HANDSHAKE) {
			head_end = memmem(c->in.data ? c->in.data : "", c->in.len, "\r\n\r\n", 4);
			if (head_end != NULL) {
				used = (size_t)(head_end + 4 - c->in.data);
				if ((bad = ws_handshake_check(c->in.data, used, c->key, why)) != NULL) {
					conn_fail(c, "handshake: %s", bad);
					return -1;
				}
				c->in_start = used;
				c->state = WS_OPEN;
				return 2;
			}
			if (c->in.len > WS_HEAD_MAX) {
				conn_fail(c, "%s", "handshake: response head too long");
				return -1;
			}
		} else if (c->in_start < c->in.len) {
			r = ws_parse(&c->parser, (const uint8_t *)c->in.data + c->in_start,
			    c->in.len - c->in_start, &used, m);
			c->in_start += used;
			if (r == WS_ERROR) {
				uint8_t code[2] = { (uint8_t)(c->parser.error_code >> 8),
				    (uint8_t)c->parser.error_code };
				if (c->state == WS_OPEN) {
					conn_queue_frame(c, WS_OP_CLOSE, code, 2);
					(void)conn_flush(c);
				}
				conn_fail(c, "protocol error: %s", c->parser.error);
				return -1;
			}
			if (r == WS_MESSAGE) {
				if (m->opcode == WS_OP_TEXT || m->opcode == WS_OP_BINARY)
					return 1;
				if (conn_handle_control(c, m) < 0)
					return -1;
				if (conn_flush(c) < 0)
					return -1;
				continue;
			}
		}
		/* Need more bytes: make room, keeping unparsed ones, and receive. */
		if (c->in_start > 0) {
			memmove(c->in.data, c->in.data + c->in_start, c->in.len - c->in_start);
			c->in.len -= c->in_start;
			c->in_start = 0;
		}
		conn_shrink(c);
		if (c->in.cap < c->in.len + WS_RECV_MIN + 1)
			buf_reserve(&c->in, c->in.cap == 0 ? WS_IN_INITIAL - 1 : WS_RECV_MIN);
		room = c->in.cap - c->in.len - 1;
		n = 0;
		rc = curl_easy_recv(c->curl, c->in.data + c->in.len, room, &n);
		if (rc == CURLE_AGAIN)
			return 0;
		if (rc != CURLE_OK) {
			conn_fail(c, "receive: %s", curl_easy_strerror(rc));
			return -1;
		}
		if (n == 0) {
			if (c->state == WS_CLOSING || c->peer_closed)
				c->state = WS_CLOSED;
			else
				conn_fail(c, "%s", "connection closed by the relay without a close frame");
			return -1;
		}
		c->in.len += n;
		c->in.data[c->in.len] = '\0';
	}
}

int
ws_conn_send_text(struct ws_conn *c, const char *text, size_t len)
{
	if (c->state != WS_OPEN)
		return -1;
	conn_queue_frame(c, WS_OP_TEXT, text, len);
	return conn_flush(c);
}

int
ws_conn_send_ping(struct ws_conn *c, const void *payload, size_t len)
{
	if (c->state != WS_OPEN || len > 125)
		return -1;
	conn_queue_frame(c, WS_OP_PING, payload, len);
	return conn_flush(c);
}

void
ws_conn_close(struct ws_conn *c, uint16_t code)
{
	uint8_t b[2] = { (uint8_t)(code >> 8), (uint8_t)code };

	if (c->state == WS_OPEN) {
		conn_queue_frame(c, WS_OP_CLOSE, b, 2);
		c->state = WS_CLOSING;
		(void)conn_flush(c);
	} else if (c->state != WS_CLOSING) {
		c->state = WS_CLOSED;
	}
}

void
ws_conn_free(struct ws_conn *c)
{
	if (c->curl != NULL) {
		if (c->multi != NULL)
			curl_multi_remove_handle(c->multi, c->curl);
		curl_easy_cleanup(c->curl);  /* closes the socket */
	}
	c->curl = NULL;
	c->multi = NULL;
	c->fd = -1;
	free(c->url);
	c->url = NULL;
	buf_free(&c->in);
	buf_free(&c->out);
	ws_parser_free(&c->parser);
	c->in_start = c->out_start = 0;
	c->state = WS_CLOSED;
}
