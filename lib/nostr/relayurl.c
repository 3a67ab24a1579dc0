#include "nostr/relayurl.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* prefix_ci: 1 when [p, end) starts with the lower-case word, in any case. */
static int
prefix_ci(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower(p[i]) != word[i])
			return 0;
	return 1;
}

static const char *
find_any(const char *p, const char *end, const char *set)
{
	while (p < end && strchr(set, *p) == NULL)
		p++;
	return p;
}

/* parse_port: digits in [1, 65535], or -1. */
static long
parse_port(const char *p, const char *end)
{
	long v = 0;

	if (p == end || end - p > 5)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v >= 1 && v <= 65535 ? v : -1;
}

/* host_name: a DNS name (or an address in inet_aton's forms) into out, lower-cased. */
static enum relay_url_status
host_name(const char *p, const char *end, struct buf *out)
{
	char text[256];
	struct in_addr a4;
	size_t n;

	if (end > p && end[-1] == '.')
		end--;  /* the root label: relay.example.com. is relay.example.com */
	n = (size_t)(end - p);
	if (n == 0)
		return RELAY_URL_NO_HOST;
	if (n >= sizeof text)
		return RELAY_URL_MALFORMED;
	for (size_t i = 0; i < n; i++) {
		char c = lower(p[i]);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '.' || c == '_'))
			return RELAY_URL_MALFORMED;
		if (c == '.' && (i == 0 || i == n - 1 || text[i - 1] == '.'))
			return RELAY_URL_MALFORMED;  /* an empty label */
		text[i] = c;
	}
	text[n] = '\0';
	if (inet_aton(text, &a4) != 0) {
		char quad[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &a4, quad, sizeof quad);
		buf_puts(out, quad);
	} else {
		buf_append(out, text, n);
	}
	return RELAY_URL_OK;
}

/* host_v6: the inside of [ ] as inet_ntop writes it, in brackets. */
static enum relay_url_status
host_v6(const char *p, const char *end, struct buf *out)
{
	char text[INET6_ADDRSTRLEN];
	struct in6_addr a6;
	size_t n = (size_t)(end - p);

	if (n == 0 || n >= sizeof text)
		return RELAY_URL_MALFORMED;
	memcpy(text, p, n);
	text[n] = '\0';
	if (inet_pton(AF_INET6, text, &a6) != 1)
		return RELAY_URL_MALFORMED;
	inet_ntop(AF_INET6, &a6, text, sizeof text);
	buf_putc(out, '[');
	buf_puts(out, text);
	buf_putc(out, ']');
	return RELAY_URL_OK;
}

/* path_ok: printable ASCII that needs no quoting in a URL's path. */
static int
path_ok(const char *p, const char *end)
{
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}", c) != NULL)
			return 0;
	}
	return 1;
}

static enum relay_url_status
normalize(const char *p, const char *end, struct buf *out)
{
	const char *auth_end, *host, *host_end, *port = NULL, *path_end, *at;
	enum relay_url_status st;
	int tls;
	long port_no = -1;

	if (prefix_ci(p, end, "wss://"))
		tls = 1, p += 6;
	else if (prefix_ci(p, end, "ws://"))
		tls = 0, p += 5;
	else
		return RELAY_URL_SCHEME;
	buf_puts(out, tls ? "wss://" : "ws://");

	auth_end = find_any(p, end, "/?#");
	host = p;
	for (at = p; at < auth_end; at++)
		if (*at == '@')
			host = at + 1;  /* user info is never kept */
	if (host == auth_end)
		return RELAY_URL_NO_HOST;
	if (*host == '[') {
		host_end = memchr(host, ']', (size_t)(auth_end - host));
		if (host_end == NULL)
			return RELAY_URL_MALFORMED;
		if (host_end + 1 < auth_end) {
			if (host_end[1] != ':')
				return RELAY_URL_MALFORMED;
			port = host_end + 2;
		}
		st = host_v6(host + 1, host_end, out);
	} else {
		host_end = memchr(host, ':', (size_t)(auth_end - host));
		if (host_end == NULL)
			host_end = auth_end;
		else
			port = host_end + 1;
		st = host_name(host, host_end, out);
	}
	if (st != RELAY_URL_OK)
		return st;
	if (port != NULL && port < auth_end) {
		if ((port_no = parse_port(port, auth_end)) < 0)
			return RELAY_URL_MALFORMED;
		if (port_no != (tls ? 443 : 80))
			buf_printf(out, ":%ld", port_no);
	}

	path_end = find_any(auth_end, end, "?#");
	while (path_end > auth_end && path_end[-1] == '/')
		path_end--;
	if (!path_ok(auth_end, path_end))
		return RELAY_URL_MALFORMED;
	buf_append(out, auth_end, (size_t)(path_end - auth_end));
	return RELAY_URL_OK;
}

enum relay_url_status
relay_url_normalize(const char *in, size_t len, struct buf *out)
{
	const char *p = in, *end = in + len;
	enum relay_url_status st;

	buf_reset(out);
	while (p < end && is_blank(*p))
		p++;
	while (end > p && is_blank(end[-1]))
		end--;
	if (end - p > RELAY_URL_MAX || memchr(p, '\0', (size_t)(end - p)) != NULL)
		return RELAY_URL_MALFORMED;
	st = normalize(p, end, out);
	if (st != RELAY_URL_OK)
		buf_reset(out);
	return st;
}

const char *
relay_url_status_name(enum relay_url_status s)
{
	static const char *const names[RELAY_URL_NSTATUS] = {
		[RELAY_URL_OK] = "ok",
		[RELAY_URL_SCHEME] = "not_websocket",
		[RELAY_URL_NO_HOST] = "no_host",
		[RELAY_URL_MALFORMED] = "malformed",
	};

	return (unsigned)s < RELAY_URL_NSTATUS ? names[s] : "unknown";
}

void
relay_url_host(const char *url, struct buf *out)
{
	const char *p = strstr(url, "://"), *end;

	buf_reset(out);
	if (p == NULL)
		return;
	p += 3;
	if (*p == '[') {
		end = strchr(p, ']');
		if (end != NULL)
			buf_append(out, p + 1, (size_t)(end - p - 1));
		return;
	}
	end = p + strcspn(p, ":/");
	buf_append(out, p, (size_t)(end - p));
}

static int
in_net(uint32_t a, uint32_t net, int bits)
{
	uint32_t mask = bits == 0 ? 0 : 0xffffffffu << (32 - bits);

	return (a & mask) == (net & mask);
}

/* classify_v4: an address in host byte order. */
static enum relay_host_class
classify_v4(uint32_t a)
{
	if (in_net(a, 0x00000000u, 8))
		return RELAY_HOST_UNSPECIFIED;
	if (in_net(a, 0x7f000000u, 8))
		return RELAY_HOST_LOOPBACK;
	if (in_net(a, 0x0a000000u, 8) || in_net(a, 0xac100000u, 12) || in_net(a, 0xc0a80000u, 16))
		return RELAY_HOST_PRIVATE;
	if (in_net(a, 0xa9fe0000u, 16))
		return RELAY_HOST_LINK_LOCAL;
	if (in_net(a, 0x64400000u, 10))
		return RELAY_HOST_CGNAT;
	if (in_net(a, 0xe0000000u, 3) ||   /* multicast, reserved, broadcast */
	    in_net(a, 0xc0000000u, 24) ||  /* IETF protocol assignments */
	    in_net(a, 0xc0000200u, 24) || in_net(a, 0xc6336400u, 24) ||
	    in_net(a, 0xcb007100u, 24) ||  /* documentation */
	    in_net(a, 0xc6120000u, 15))    /* benchmarking */
		return RELAY_HOST_OTHER;
	return RELAY_HOST_PUBLIC;
}

static uint32_t
v4_at(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static enum relay_host_class
classify_v6(const uint8_t b[16])
{
	static const uint8_t zero[16];
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const uint8_t nat64[12] = { 0, 0x64, 0xff, 0x9b };

	if (memcmp(b, zero, 16) == 0)
		return RELAY_HOST_UNSPECIFIED;
	if (memcmp(b, zero, 15) == 0 && b[15] == 1)
		return RELAY_HOST_LOOPBACK;
	/* Addresses that carry an IPv4 address reach wherever that one does. */
	if (memcmp(b, mapped, 12) == 0 || memcmp(b, zero, 12) == 0 || memcmp(b, nat64, 12) == 0)
		return classify_v4(v4_at(b + 12));
	if (b[0] == 0x20 && b[1] == 0x02)  /* 6to4 */
		return classify_v4(v4_at(b + 2));
	if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0))
		return RELAY_HOST_PRIVATE;  /* unique local; the old site-local */
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return RELAY_HOST_LINK_LOCAL;
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
		return RELAY_HOST_OTHER;  /* documentation */
	return (b[0] & 0xe0) == 0x20 ? RELAY_HOST_PUBLIC : RELAY_HOST_OTHER;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* name_is: host equals the name, or is a subdomain of it. */
static int
name_is(const char *host, const char *name)
{
	char dotted[64];

	if (strcmp(host, name) == 0)
		return 1;
	snprintf(dotted, sizeof dotted, ".%s", name);
	return has_suffix(host, dotted);
}

enum relay_host_class
relay_host_classify(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET6, host, &a6) == 1)
		return classify_v6(a6.s6_addr);
	if (inet_aton(host, &a4) != 0)
		return classify_v4(ntohl(a4.s_addr));
	if (name_is(host, "localhost"))
		return RELAY_HOST_LOOPBACK;
	if (name_is(host, "onion"))
		return RELAY_HOST_ONION;
	/* Names that only a local network answers for (RFC 6762, RFC 8375). */
	if (name_is(host, "local") || name_is(host, "home.arpa") || name_is(host, "internal") ||
	    name_is(host, "lan"))
		return RELAY_HOST_PRIVATE;
	return RELAY_HOST_NAME;
}

enum relay_host_class
relay_addr_classify(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return classify_v4(ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr));
	if (sa->sa_family == AF_INET6)
		return classify_v6(((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr);
	return RELAY_HOST_OTHER;
}

const char *
relay_host_class_name(enum relay_host_class c)
{
	static const char *const names[RELAY_HOST_NCLASS] = {
		[RELAY_HOST_NAME] = "name",
		[RELAY_HOST_PUBLIC] = "public",
		[RELAY_HOST_LOOPBACK] = "loopback",
		[RELAY_HOST_PRIVATE] = "private",
		[RELAY_HOST_LINK_LOCAL] = "link-local",
		[RELAY_HOST_CGNAT] = "cgnat",
		[RELAY_HOST_UNSPECIFIED] = "unspecified",
		[RELAY_HOST_OTHER] = "reserved",
		[RELAY_HOST_ONION] = "onion",
	};

	return (unsigned)c < RELAY_HOST_NCLASS ? names[c] : "unknown";
}
