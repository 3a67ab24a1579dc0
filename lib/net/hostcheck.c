#include "net/hostcheck.h"

#include <netdb.h>
#include <string.h>
#include <sys/socket.h>

#include "base/buf.h"

static int
internal(enum relay_host_class c)
{
	return c != RELAY_HOST_NAME && c != RELAY_HOST_PUBLIC && c != RELAY_HOST_ONION;
}

/* resolve: the verdict on a DNS name from every address it has. */
static enum hostcheck_verdict
resolve(const char *host, unsigned flags, enum relay_host_class *class)
{
	struct addrinfo hints, *res, *ai;
	enum hostcheck_verdict v = HOSTCHECK_OK;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return HOSTCHECK_UNRESOLVED;
	*class = RELAY_HOST_PUBLIC;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		enum relay_host_class c = relay_addr_classify(ai->ai_addr);

		if (!internal(c))
			continue;
		*class = c;
		if (!(flags & HOSTCHECK_ALLOW_PRIVATE)) {
			v = HOSTCHECK_REFUSED;
			break;
		}
	}
	freeaddrinfo(res);
	return v;
}

enum hostcheck_verdict
hostcheck_url(const char *url, unsigned flags, enum relay_host_class *class)
{
	struct buf host = BUF_INIT;
	enum hostcheck_verdict v = HOSTCHECK_OK;

	relay_url_host(url, &host);
	*class = host.len ? relay_host_classify(host.data) : RELAY_HOST_UNSPECIFIED;
	if (*class == RELAY_HOST_ONION)
		v = flags & HOSTCHECK_ALLOW_ONION ? HOSTCHECK_OK : HOSTCHECK_REFUSED;
	else if (internal(*class))
		v = flags & HOSTCHECK_ALLOW_PRIVATE ? HOSTCHECK_OK : HOSTCHECK_REFUSED;
	else if (*class == RELAY_HOST_NAME && !(flags & HOSTCHECK_NO_RESOLVE))
		v = resolve(host.data, flags, class);
	buf_free(&host);
	return v;
}
