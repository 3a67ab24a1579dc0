/*
 * test_relayurl.c: the normal form of relay URLs, and which hosts a crawler
 * must not be sent to.
 */
#include "nostr/relayurl.h"
#include "tap.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

/* norm: the normal form of s, or the status name when it is no relay URL. */
static const char *
norm(const char *s, struct buf *out)
{
	enum relay_url_status st = relay_url_normalize(s, strlen(s), out);

	if (st != RELAY_URL_OK)
		return relay_url_status_name(st);
	buf_putc(out, '\0');
	return out->data;
}

static void
spellings_of_one_relay_agree(void)
{
	struct buf b = BUF_INIT;

	CHECK_EQ_STR(norm("wss://relay.example.com", &b), "wss://relay.example.com");
	CHECK_EQ_STR(norm("WSS://Relay.Example.COM:443/", &b), "wss://relay.example.com");
	CHECK_EQ_STR(norm("  wss://relay.example.com/\n", &b), "wss://relay.example.com");
	CHECK_EQ_STR(norm("wss://relay.example.com.", &b), "wss://relay.example.com");
	CHECK_EQ_STR(norm("wss://user:secret@relay.example.com", &b), "wss://relay.example.com");
	CHECK_EQ_STR(norm("wss://relay.example.com/?x=1#top", &b), "wss://relay.example.com");
	CHECK_EQ_STR(norm("wss://relay.example.com#frag", &b), "wss://relay.example.com");
	CHECK_EQ_STR(norm("ws://relay.example.com:80", &b), "ws://relay.example.com");
	CHECK_EQ_STR(norm("wss://relay.example.com:", &b), "wss://relay.example.com");
	buf_free(&b);
}

static void
what_matters_is_kept(void)
{
	struct buf b = BUF_INIT;

	CHECK_EQ_STR(norm("ws://relay.example.com:443", &b), "ws://relay.example.com:443");
	CHECK_EQ_STR(norm("wss://relay.example.com:80", &b), "wss://relay.example.com:80");
	CHECK_EQ_STR(norm("wss://relay.example.com:7777/", &b), "wss://relay.example.com:7777");
	/* Paths keep their case: servers may tell them apart. */
	CHECK_EQ_STR(norm("wss://Example.com/Nostr/", &b), "wss://example.com/Nostr");
	CHECK_EQ_STR(norm("wss://example.com/a//", &b), "wss://example.com/a");
	buf_free(&b);
}

static void
addresses_have_one_spelling(void)
{
	struct buf b = BUF_INIT;

	CHECK_EQ_STR(norm("ws://2130706433:7000", &b), "ws://127.0.0.1:7000");
	CHECK_EQ_STR(norm("ws://0x7f.1", &b), "ws://127.0.0.1");
	CHECK_EQ_STR(norm("ws://127.1", &b), "ws://127.0.0.1");
	CHECK_EQ_STR(norm("wss://[::FFFF:10.0.0.1]:443/", &b), "wss://[::ffff:10.0.0.1]");
	CHECK_EQ_STR(norm("wss://[2001:DB8:0:0::1]:8443", &b), "wss://[2001:db8::1]:8443");
	buf_free(&b);
}

static void
what_is_no_relay_url_is_refused(void)
{
	struct buf b = BUF_INIT;

	CHECK_EQ_STR(norm("https://relay.example.com", &b), "not_websocket");
	CHECK_EQ_STR(norm("relay.example.com", &b), "not_websocket");
	CHECK_EQ_STR(norm("", &b), "not_websocket");
	CHECK_EQ_STR(norm("wss://", &b), "no_host");
	CHECK_EQ_STR(norm("wss:///path", &b), "no_host");
	CHECK_EQ_STR(norm("wss://user@", &b), "no_host");
	CHECK_EQ_STR(norm("wss://.", &b), "no_host");
	CHECK_EQ_STR(norm("wss://a..", &b), "malformed");
	CHECK_EQ_STR(norm("wss://.a", &b), "malformed");
	CHECK_EQ_STR(norm("wss://a..b", &b), "malformed");
	CHECK_EQ_STR(norm("wss://relay.example.com:0", &b), "malformed");
	CHECK_EQ_STR(norm("wss://relay.example.com:65536", &b), "malformed");
	CHECK_EQ_STR(norm("wss://relay.example.com:44x", &b), "malformed");
	CHECK_EQ_STR(norm("wss://relay example.com", &b), "malformed");
	CHECK_EQ_STR(norm("wss://relay.example.com/a b", &b), "malformed");
	CHECK_EQ_STR(norm("wss://relay.example.com/<script>", &b), "malformed");
	CHECK_EQ_STR(norm("wss://rel\xc3\xa4y.example.com", &b), "malformed");
	CHECK_EQ_STR(norm("wss://[::1", &b), "malformed");
	CHECK_EQ_STR(norm("wss://[nope]", &b), "malformed");
	CHECK_EQ_STR(norm("wss://[::1]x", &b), "malformed");
	CHECK_EQ_INT(relay_url_normalize("wss://a\0b", 9, &b), RELAY_URL_MALFORMED);
	CHECK_EQ_INT(b.len, 0);
	buf_free(&b);
}

static void
too_long_is_refused(void)
{
	struct buf b = BUF_INIT, in = BUF_INIT;

	buf_puts(&in, "wss://relay.example.com/");
	while (in.len <= RELAY_URL_MAX)
		buf_putc(&in, 'a');
	CHECK_EQ_INT(relay_url_normalize(in.data, in.len, &b), RELAY_URL_MALFORMED);
	buf_free(&b);
	buf_free(&in);
}

static void
host_of_a_url(void)
{
	struct buf b = BUF_INIT;

	relay_url_host("wss://relay.example.com:7777/x", &b);
	CHECK_EQ_STR(b.data, "relay.example.com");
	relay_url_host("wss://[::1]:7777", &b);
	CHECK_EQ_STR(b.data, "::1");
	relay_url_host("ws://10.1.2.3/path", &b);
	CHECK_EQ_STR(b.data, "10.1.2.3");
	buf_free(&b);
}

#define CLASS(host, c) CHECK_EQ_STR(relay_host_class_name(relay_host_classify(host)), c)

static void
hosts_a_crawler_must_not_reach(void)
{
	CLASS("127.0.0.1", "loopback");
	CLASS("127.255.0.9", "loopback");
	CLASS("::1", "loopback");
	CLASS("::ffff:127.0.0.1", "loopback");
	CLASS("localhost", "loopback");
	CLASS("relay.localhost", "loopback");
	CLASS("10.0.0.1", "private");
	CLASS("172.16.0.1", "private");
	CLASS("172.31.255.255", "private");
	CLASS("192.168.1.1", "private");
	CLASS("fd00::1", "private");
	CLASS("fc12:3456::1", "private");
	CLASS("printer.local", "private");
	CLASS("169.254.169.254", "link-local");
	CLASS("fe80::1", "link-local");
	CLASS("100.64.0.1", "cgnat");
	CLASS("100.127.255.254", "cgnat");
	CLASS("0.0.0.0", "unspecified");
	CLASS("::", "unspecified");
	CLASS("224.0.0.1", "reserved");
	CLASS("255.255.255.255", "reserved");
	CLASS("192.0.2.1", "reserved");
	CLASS("2001:db8::1", "reserved");
	CLASS("64:ff9b::a00:1", "private");      /* NAT64 of 10.0.0.1 */
	CLASS("2002:c0a8:101::1", "private");    /* 6to4 of 192.168.1.1 */
	CLASS("abcdefghijklmnop.onion", "onion");
}

static void
hosts_on_the_internet(void)
{
	CLASS("8.8.8.8", "public");
	CLASS("172.32.0.1", "public");
	CLASS("100.128.0.1", "public");
	CLASS("169.255.0.1", "public");
	CLASS("2606:4700::1111", "public");
	CLASS("::ffff:1.1.1.1", "public");
	CLASS("relay.example.com", "name");
	CLASS("notlocalhost", "name");
	CLASS("onion.example.com", "name");
}

static void
resolved_addresses(void)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };

	inet_pton(AF_INET, "192.168.0.7", &a4.sin_addr);
	CHECK_EQ_STR(relay_host_class_name(relay_addr_classify((struct sockaddr *)&a4)), "private");
	inet_pton(AF_INET, "93.184.216.34", &a4.sin_addr);
	CHECK_EQ_STR(relay_host_class_name(relay_addr_classify((struct sockaddr *)&a4)), "public");
	inet_pton(AF_INET6, "::1", &a6.sin6_addr);
	CHECK_EQ_STR(relay_host_class_name(relay_addr_classify((struct sockaddr *)&a6)), "loopback");
}

int
main(void)
{
	TEST(spellings_of_one_relay_agree);
	TEST(what_matters_is_kept);
	TEST(addresses_have_one_spelling);
	TEST(what_is_no_relay_url_is_refused);
	TEST(too_long_is_refused);
	TEST(host_of_a_url);
	TEST(hosts_a_crawler_must_not_reach);
	TEST(hosts_on_the_internet);
	TEST(resolved_addresses);
	return tap_done();
}
