/*
 * hostcheck.h: whether a crawler may connect to the host of a relay URL that
 * came from events.
 *
 * A relay list is written by anyone, so its URLs may name the crawler's own
 * machine or network.  A host is refused when its spelling says so (see
 * nostr/relayurl.h) or when any address its name resolves to is loopback,
 * private, link-local, CGNAT, unspecified or reserved: a name with one good
 * address and one internal one is refused, since the connection may pick
 * either.  Relays the user typed are never checked: this is for the ones
 * that came from events.
 */
#ifndef NP_HOSTCHECK_H
#define NP_HOSTCHECK_H

#include "nostr/relayurl.h"

#define HOSTCHECK_ALLOW_PRIVATE 0x1  /* take internal addresses too */
#define HOSTCHECK_ALLOW_ONION   0x2  /* take .onion names (they are not resolved) */
#define HOSTCHECK_NO_RESOLVE    0x4  /* judge names by their spelling alone */

enum hostcheck_verdict {
	HOSTCHECK_OK = 0,      /* a public address, or a name that resolves only to such */
	HOSTCHECK_UNRESOLVED,  /* a name that does not resolve (now): nothing to reach */
	HOSTCHECK_REFUSED,     /* internal, or onion without the flag */
};

/*
 * hostcheck_url: the verdict on a normalized relay URL under the
 * HOSTCHECK_* flags; *class is set to what the host is: its class as
 * written, or for a name that resolves, the class of its first internal
 * address, or RELAY_HOST_PUBLIC when it has none (RELAY_HOST_NAME when the
 * name was not resolved).  Resolving uses getaddrinfo(3) and may block.
 */
enum hostcheck_verdict hostcheck_url(const char *url, unsigned flags,
    enum relay_host_class *class);

/*
 * A guard checks, at connect time, each address a curl handle is about to
 * connect to: the one it really connects to, after its own resolution, so
 * that a name cannot resolve to a public address for a check and to an
 * internal one for the connection.  An address refused is not connected
 * to (curl tries the name's next address, if it has one), and why holds
 * the reason.  Through a proxy, the address checked is the proxy's.
 */
struct hostcheck_guard {
	unsigned flags;        /* HOSTCHECK_ALLOW_PRIVATE, or 0 */
	int refused;           /* addresses refused so far */
	char why[96];          /* the last: "127.0.0.1 is loopback" */
};

/*
 * hostcheck_guard_curl: installs g on the curl easy handle curl (a CURL *),
 * through CURLOPT_OPENSOCKETFUNCTION.  g must outlive the handle's
 * transfers.  Returns 0, or -1 when curl refuses the option.
 */
int hostcheck_guard_curl(void *curl, struct hostcheck_guard *g);

#endif
