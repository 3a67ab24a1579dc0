/*
 * replay-server: WebSocket "relays" for benchmarking nostr-fetch.  Each
 * answers a connection's first REQ with its EVENT messages, pre-serialized as
 * frames before the client connects, written as fast as the socket takes
 * them, then EOSE; then it waits for the client's close.
 *
 *   replay-server -n COUNT [-k RELAYS [-c COPIES]] [-p PORT] [-r READY_FILE]
 *                 EVENTS.ndjson
 *
 * COUNT events are made from the file's, used in turn; each copy gets a
 * distinct id (its number in the first 16 hex digits) so that nostr-fetch's
 * dedup keeps them all (it does not check ids).  With -k, RELAYS relays share
 * them out, each on its own port and in its own process: event i is on
 * relays i, i+1, ... i+COPIES-1 (modulo RELAYS), so their union is the COUNT
 * events and each arrives COPIES times.  A relay serves connections one after
 * another, for ever, on 127.0.0.1; the ports are printed (and written to
 * READY_FILE once every relay listens), one a line, in no set order.  The relays end with
 * this process.
 */
#include <err.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "net/ws.h"

#define SUB_ID "f0.1"  /* nostr-fetch's first subscription id */

static void
frame(struct buf *out, const char *p, size_t len)
{
	uint8_t h[10];
	size_t hl = 2;
	int i;

	h[0] = 0x81;
	if (len < 126) {
		h[1] = (uint8_t)len;
	} else if (len < 65536) {
		h[1] = 126;
		h[2] = (uint8_t)(len >> 8);
		h[3] = (uint8_t)len;
		hl = 4;
	} else {
		h[1] = 127;
		for (i = 0; i < 8; i++)
			h[2 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
		hl = 10;
	}
	buf_append(out, h, hl);
	buf_append(out, p, len);
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
serve(int fd, const struct buf *frames)
{
	char head[8192], accept_key[29], *k, *e;
	uint8_t in[4096];
	size_t len = 0;
	ssize_t n;
	struct buf resp = BUF_INIT;
	static const char eose[] = "[\"EOSE\",\"" SUB_ID "\"]";

	/* The upgrade request. */
	while ((e = memmem(head, len, "\r\n\r\n", 4)) == NULL) {
		if (len == sizeof(head) - 1 || (n = read(fd, head + len, sizeof(head) - 1 - len)) <= 0)
			return;
		len += (size_t)n;
	}
	head[len] = '\0';
	if ((k = strcasestr(head, "Sec-WebSocket-Key:")) == NULL)
		return;
	k += 18;
	while (*k == ' ')
		k++;
	k[strcspn(k, "\r\n")] = '\0';
	ws_accept_key(k, accept_key);
	buf_printf(&resp, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept_key);
	if (write_all(fd, resp.data, resp.len) < 0)
		goto out;
	/* The REQ: whatever it asks, it gets the frames (read and ignored). */
	if (read(fd, in, sizeof(in)) <= 0)
		goto out;
	if (write_all(fd, frames->data, frames->len) < 0)
		goto out;
	buf_reset(&resp);
	frame(&resp, eose, strlen(eose));
	if (write_all(fd, resp.data, resp.len) < 0)
		goto out;
	/* Until the client closes (its CLOSE and close frame, then EOF). */
	while (read(fd, in, sizeof(in)) > 0)
		if ((in[0] & 0x0f) == 0x8) {
			static const uint8_t close_frame[] = { 0x88, 0x02, 0x03, 0xe8 };

			(void)write_all(fd, (const char *)close_frame, sizeof(close_frame));
			break;
		}
out:
	buf_free(&resp);
}

/*
 * relay_frames: the frames relay `relay` of nrelays holds, copies per
 * event, from the file's events used in turn.
 */
static void
relay_frames(struct buf *frames, const struct buf *file, long count, long relay,
    long nrelays, long copies)
{
	struct buf msg = BUF_INIT;
	const char *line = file->data, *nl, *id;
	char hex[17];
	long i;

	for (i = 0; i < count; i++) {
		if ((nl = memchr(line, '\n', file->len - (size_t)(line - file->data))) == NULL) {
			line = file->data;
			nl = memchr(line, '\n', file->len);
		}
		/* Event i is on relays i .. i+copies-1 (mod nrelays). */
		if ((relay - i % nrelays + nrelays) % nrelays < copies) {
			buf_reset(&msg);
			buf_puts(&msg, "[\"EVENT\",\"" SUB_ID "\",");
			buf_append(&msg, line, (size_t)(nl - line));
			buf_putc(&msg, ']');
			if ((id = memmem(msg.data, msg.len, "\"id\":\"", 6)) == NULL)
				errx(1, "an event without an id");
			snprintf(hex, sizeof(hex), "%016lx", (unsigned long)i);
			memcpy((char *)id + 6, hex, 16);
			frame(frames, msg.data, msg.len);
		}
		line = nl + 1;
		if (line >= file->data + file->len)
			line = file->data;
	}
	buf_free(&msg);
}

/* listen_on: a listening socket on 127.0.0.1:port (0: any); its port in *bound. */
static int
listen_on(long port, unsigned *bound)
{
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);
	int s, one = 1;

	if ((s = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		err(1, "socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 16) < 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &salen) < 0)
		err(1, "bind");
	*bound = ntohs(sa.sin_port);
	return s;
}

static void __attribute__((noreturn))
serve_forever(int s, const struct buf *frames)
{
	int c, one = 1;

	for (;;) {
		if ((c = accept(s, NULL, NULL)) < 0) {
			if (errno == EINTR)
				continue;
			err(1, "accept");
		}
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		serve(c, frames);
		close(c);
	}
}

/*
 * start_relay: relay `relay` in a child process that dies with this one;
 * its port comes back through the pipe once its frames are made and it
 * listens.
 */
static void
start_relay(const struct buf *file, long count, long relay, long nrelays, long copies,
    long port, int report)
{
	struct buf frames = BUF_INIT;
	unsigned bound;
	pid_t pid;
	int s;

	if ((pid = fork()) < 0)
		err(1, "fork");
	if (pid > 0)
		return;
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0)
		err(1, "prctl");
	if (getppid() == 1)
		_exit(0);  /* the parent is already gone */
	relay_frames(&frames, file, count, relay, nrelays, copies);
	s = listen_on(port ? port + relay : 0, &bound);
	if (write(report, &bound, sizeof(bound)) != sizeof(bound))
		err(1, "pipe");
	close(report);
	serve_forever(s, &frames);
}

int
main(int argc, char *argv[])
{
	struct buf frames = BUF_INIT, file = BUF_INIT, ports = BUF_INIT, tmp = BUF_INIT;
	const char *ready = NULL;
	long count = 100000, port = 0, nrelays = 1, copies = 1, i;
	char chunk[65536];
	size_t nlines = 0, off;
	unsigned bound;
	int ch, s = -1, report[2];
	FILE *fp;

	while ((ch = getopt(argc, argv, "c:k:n:p:r:")) != -1) {
		switch (ch) {
		case 'c': copies = strtol(optarg, NULL, 10); break;
		case 'k': nrelays = strtol(optarg, NULL, 10); break;
		case 'n': count = strtol(optarg, NULL, 10); break;
		case 'p': port = strtol(optarg, NULL, 10); break;
		case 'r': ready = optarg; break;
		default:
			fprintf(stderr, "usage: replay-server -n COUNT [-k RELAYS [-c COPIES]] "
			    "[-p PORT] [-r READY] EVENTS\n");
			return 2;
		}
	}
	if (optind != argc - 1 || count < 1 || nrelays < 1 || copies < 1 || copies > nrelays)
		errx(2, "usage: replay-server -n COUNT [-k RELAYS [-c COPIES]] [-p PORT] "
		    "[-r READY] EVENTS");
	if ((fp = fopen(argv[optind], "r")) == NULL)
		err(1, "%s", argv[optind]);
	while ((off = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(&file, chunk, off);
	fclose(fp);
	for (i = 0; i < (long)file.len; i++)
		nlines += file.data[i] == '\n';
	if (nlines == 0)
		errx(1, "%s: no events", argv[optind]);

	/* Pre-serialize every frame, so that the timing is nostr-fetch's. */
	if (nrelays == 1) {
		relay_frames(&frames, &file, count, 0, 1, 1);
		s = listen_on(port, &bound);
		buf_printf(&ports, "%u\n", bound);
	} else {
		signal(SIGPIPE, SIG_IGN);
		if (pipe(report) != 0)
			err(1, "pipe");
		for (i = 0; i < nrelays; i++)
			start_relay(&file, count, i, nrelays, copies, port, report[1]);
		close(report[1]);
		for (i = 0; i < nrelays; i++) {
			if (read(report[0], &bound, sizeof(bound)) != sizeof(bound))
				errx(1, "a relay did not start");
			buf_printf(&ports, "%u\n", bound);
		}
	}
	if (ready != NULL) {
		/* Renamed into place: a reader never sees half the ports. */
		buf_printf(&tmp, "%s.tmp", ready);
		if ((fp = fopen(tmp.data, "w")) == NULL)
			err(1, "%s", tmp.data);
		fputs(ports.data, fp);
		if (fclose(fp) != 0 || rename(tmp.data, ready) != 0)
			err(1, "%s", ready);
	}
	fputs(ports.data, stdout);
	fflush(stdout);
	if (nrelays == 1)
		serve_forever(s, &frames);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 1;  /* every relay died */
}
