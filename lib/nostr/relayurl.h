/*
 * relayurl.h: relay URLs as events name them, made comparable, and the
 * addresses a crawler must not be sent to.
 *
 * Events name relays in many spellings of one URL (WSS://Relay.Example.com:443/,
 * wss://relay.example.com).  relay_url_normalize() writes the one form the
 * pipeline compares and prints: scheme and host in lower case, the default
 * port (80 for ws, 443 for wss) and a trailing slash dropped, no user info,
 * no query, no fragment.  Hosts written as numbers in any form inet_aton(3)
 * takes (2130706433, 0x7f.1, 127.1) become dotted quads, and IPv6 literals
 * their inet_ntop(3) form, so that a relay is never hidden behind an odd
 * spelling of its address.
 *
 * Events are hostile: a URL in a relay list may point at the machine the
 * crawler runs on or at its private network.  relay_host_classify() tells
 * such hosts apart from what the URL says alone; resolving names is the net
 * layer's job (net/hostcheck.h), which classifies each address with
 * relay_addr_classify().
 */
#ifndef NP_RELAYURL_H
#define NP_RELAYURL_H

#include <stddef.h>
#include <sys/socket.h>

#include "base/buf.h"

enum relay_url_status {
	RELAY_URL_OK = 0,
	RELAY_URL_SCHEME,     /* not ws:// or wss:// */
	RELAY_URL_NO_HOST,    /* no host after the scheme */
	RELAY_URL_MALFORMED,  /* a bad port, IPv6 literal, or character */
	RELAY_URL_NSTATUS
};

/* The longest URL taken; longer ones are RELAY_URL_MALFORMED. */
#define RELAY_URL_MAX 2048

/*
 * relay_url_normalize: the normal form of the len bytes at in (surrounding
 * blanks ignored) into out, which is reset first.  Returns RELAY_URL_OK, or
 * why the text is no relay URL (out is then empty).
 */
enum relay_url_status relay_url_normalize(const char *in, size_t len, struct buf *out);

/* relay_url_status_name: a stable identifier, e.g. "not_websocket", for counts. */
const char *relay_url_status_name(enum relay_url_status s);

/*
 * relay_url_host: the host of a normalized URL into out (reset first),
 * without the brackets of an IPv6 literal.
 */
void relay_url_host(const char *url, struct buf *out);

/* What a host is, as far as a crawler is concerned. */
enum relay_host_class {
	RELAY_HOST_NAME = 0,     /* a DNS name, to be resolved before trusting it */
	RELAY_HOST_PUBLIC,       /* a literal address on the public internet */
	RELAY_HOST_LOOPBACK,     /* 127/8, ::1, localhost */
	RELAY_HOST_PRIVATE,      /* RFC 1918, RFC 4193 (fc00::/7) */
	RELAY_HOST_LINK_LOCAL,   /* 169.254/16, fe80::/10 */
	RELAY_HOST_CGNAT,        /* 100.64/10 (RFC 6598) */
	RELAY_HOST_UNSPECIFIED,  /* 0/8, :: */
	RELAY_HOST_OTHER,        /* multicast, broadcast, reserved, documentation */
	RELAY_HOST_ONION,        /* a Tor .onion name */
	RELAY_HOST_NCLASS
};

/*
 * relay_host_classify: the class of a host as written in a normalized URL
 * (no brackets): literal addresses by their range, localhost and its
 * subdomains as loopback, .onion names as onion, other names as
 * RELAY_HOST_NAME.
 */
enum relay_host_class relay_host_classify(const char *host);

/* relay_addr_classify: the class of a resolved IPv4 or IPv6 address. */
enum relay_host_class relay_addr_classify(const struct sockaddr *sa);

/* relay_host_class_name: e.g. "private", for messages and records. */
const char *relay_host_class_name(enum relay_host_class c);

#endif
