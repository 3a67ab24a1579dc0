/*
 * neg-peer: one side of a NIP-77 negentropy reconciliation on standard input
 * and output, one hex message a line, so a test can set the module against
 * another implementation (tests/relay/negentropy-interop.mjs).  Not installed.
 *
 * usage: neg-peer client|server SETFILE [FRAME_LIMIT]
 *
 * SETFILE has one item a line: "CREATED_AT ID" (ID in 64 hex digits).  A
 * server answers each line read with "msg HEX".  A client writes "msg HEX"
 * (its first message), then for each reply read: "have ID" and "need ID"
 * lines, then "msg HEX", or "done" at the end.  A refused message writes
 * "error REASON" and exits 1.
 */
#include <err.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hex.h"
#include "cli/cli.h"
#include "nostr/negentropy.h"

static void
load_set(const char *path, struct neg_storage *s)
{
	char *line = NULL, id_hex[65];
	size_t cap = 0;
	uint64_t ts;
	uint8_t id[32];
	FILE *f = fopen(path, "r");

	if (f == NULL)
		err(1, "%s", path);
	neg_storage_init(s);
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%" SCNu64 " %64s", &ts, id_hex) != 2 ||
		    strlen(id_hex) != 64 || hex_decode(id_hex, id, 32) != 0 ||
		    neg_storage_add(s, ts, id) != 0)
			errx(1, "%s: bad item: %s", path, line);
	}
	free(line);
	fclose(f);
	neg_storage_seal(s);
}

/* print_hex: "tag HEX" for bytes [p, p+n). */
static void
print_hex(const char *tag, const void *p, size_t n)
{
	char *s = xmalloc(2 * n + 1);

	hex_encode(p, n, s);
	printf("%s %s\n", tag, s);
	free(s);
}

/* read_msg: the next hex line of standard input into msg; 0 at the end. */
static int
read_msg(struct buf *msg, char **line, size_t *cap)
{
	ssize_t len = getline(line, cap, stdin);

	if (len <= 0)
		return 0;
	while (len > 0 && ((*line)[len - 1] == '\n' || (*line)[len - 1] == '\r'))
		len--;
	buf_reset(msg);
	buf_reserve(msg, (size_t)len / 2);
	if (len % 2 || hex_decode(*line, (uint8_t *)msg->data, (size_t)len / 2) != 0)
		errx(1, "not a hex line");
	msg->len = (size_t)len / 2;
	return 1;
}

int
main(int argc, char *argv[])
{
	struct neg_storage st;
	struct neg n;
	struct buf in = BUF_INIT, out = BUF_INIT, have = BUF_INIT, need = BUF_INIT;
	char *line = NULL;
	size_t cap = 0, limit = 0, i;
	const char *why;
	int client, done = 0;

	if (argc < 3 || argc > 4 || (strcmp(argv[1], "client") && strcmp(argv[1], "server")))
		errx(2, "usage: neg-peer client|server SETFILE [FRAME_LIMIT]");
	client = strcmp(argv[1], "client") == 0;
	if (argc == 4)
		limit = (size_t)cli_number(argv[3], 0, 1 << 30, "FRAME_LIMIT");
	load_set(argv[2], &st);
	if (neg_init(&n, &st, limit) != 0)
		errx(2, "frame limit too small");
	if (client) {
		neg_initiate(&n, &out);
		print_hex("msg", out.data, out.len);
	}
	fflush(stdout);
	while (!done && read_msg(&in, &line, &cap)) {
		buf_reset(&out);
		buf_reset(&have);
		buf_reset(&need);
		if (client)
			why = neg_client_step(&n, (const uint8_t *)in.data, in.len, &out, &have,
			    &need, &done);
		else
			why = neg_server_step(&n, (const uint8_t *)in.data, in.len, &out);
		if (why != NULL) {
			printf("error %s\n", why);
			return 1;
		}
		for (i = 0; i < have.len; i += 32)
			print_hex("have", have.data + i, 32);
		for (i = 0; i < need.len; i += 32)
			print_hex("need", need.data + i, 32);
		if (done)
			printf("done\n");
		else
			print_hex("msg", out.data, out.len);
		fflush(stdout);
	}
	neg_free(&n);
	neg_storage_free(&st);
	buf_free(&in);
	buf_free(&out);
	buf_free(&have);
	buf_free(&need);
	free(line);
	return 0;
}
