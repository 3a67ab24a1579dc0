#include "net/hostcheck.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
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

/* guard_open: curl_opensocket_callback, a socket only for an address g takes. */
static curl_socket_t
guard_open(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct hostcheck_guard *g = arg;
	enum relay_host_class c = relay_addr_classify(&a->addr);
	char text[INET6_ADDRSTRLEN] = "?";

	(void)purpose;
	if (internal(c) && !(g->flags & HOSTCHECK_ALLOW_PRIVATE)) {
		if (a->family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)&a->addr)->sin_addr,
			    text, sizeof text);
		else if (a->family == AF_INET6)
			inet_ntop(AF_INET6,
			    &((const struct sockaddr_in6 *)(const void *)&a->addr)->sin6_addr, text,
			    sizeof text);
		snprintf(g->why, sizeof g->why, "%s is %s", text, relay_host_class_name(c));
		g->refused++;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

int
hostcheck_guard_curl(void *curl, struct hostcheck_guard *g)
{
	if (curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, guard_open) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, g) != CURLE_OK)
		return -1;
	return 0;
}
