#include "nostr/nip77.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/hex.h"

/* hex_append: the hex of n bytes at p, appended to out. */
static void
hex_append(struct buf *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		buf_putc(out, digits[p[i] >> 4]);
		buf_putc(out, digits[p[i] & 15]);
	}
}

const char *
nip77_open(struct nip77 *x, const struct neg_storage *st, size_t frame_limit,
    const char *sub, const char *filter, struct buf *out)
{
	const char *why;

	memset(x, 0, sizeof(*x));
	if (neg_init(&x->neg, st, frame_limit) < 0)
		return "frame limit too small or storage not sealed";
	x->started = 1;
	if ((why = neg_initiate(&x->neg, &x->bin)) != NULL)
		return why;
	buf_reset(out);
	buf_printf(out, "[\"NEG-OPEN\",\"%s\",%s,\"", sub, filter);
	hex_append(out, (const uint8_t *)x->bin.data, x->bin.len);
	buf_puts(out, "\"]");
	x->bytes_sent += out->len;
	return NULL;
}

const char *
nip77_step(struct nip77 *x, const char *sub, const char *hex, size_t len,
    struct buf *out, int *done)
{
	struct buf next = BUF_INIT, have = BUF_INIT;
	const char *why;

	buf_reset(out);
	*done = 0;
	x->bytes_received += len;
	if (len == 0 || len % 2 != 0)
		return "NEG-MSG payload is not an even number of hex digits";
	buf_reset(&x->bin);
	buf_reserve(&x->bin, len / 2);
	if (hex_decode(hex, (uint8_t *)x->bin.data, len / 2) < 0)
		return "NEG-MSG payload is not lower-case hex";
	x->bin.len = len / 2;
	why = neg_client_step(&x->neg, (const uint8_t *)x->bin.data, x->bin.len, &next,
	    &have, &x->need, done);
	if (why == NULL) {
		x->rounds++;
		x->have += have.len / NEG_ID_SIZE;
		if (*done) {
			nip77_close(sub, out);
		} else {
			buf_printf(out, "[\"NEG-MSG\",\"%s\",\"", sub);
			hex_append(out, (const uint8_t *)next.data, next.len);
			buf_puts(out, "\"]");
		}
		x->bytes_sent += out->len;
	}
	buf_free(&next);
	buf_free(&have);
	return why;
}

void
nip77_close(const char *sub, struct buf *out)
{
	buf_reset(out);
	buf_printf(out, "[\"NEG-CLOSE\",\"%s\"]", sub);
}

/* asked_put: appends to the id list, as hex in quotes after a comma if n. */
static void
asked_put(struct buf *out, const uint8_t id[NEG_ID_SIZE], size_t n)
{
	buf_puts(out, n ? ",\"" : "\"");
	hex_append(out, id, NEG_ID_SIZE);
	buf_putc(out, '"');
}

size_t
nip77_batch(struct nip77 *x, size_t max, struct buf *out)
{
	size_t total = x->need.len / NEG_ID_SIZE, n = 0, nretry, taken = 0;
	struct nip77_asked *r = (struct nip77_asked *)x->retry.data, a;

	buf_reset(out);
	buf_reset(&x->inflight);
	buf_puts(out, "{\"ids\":[");
	nretry = x->retry.len / sizeof(a);
	while (taken < nretry && n < max) {
		a = r[taken++];
		a.tries++;
		a.got = 0;
		buf_append(&x->inflight, &a, sizeof(a));
		asked_put(out, a.id, n++);
	}
	if (taken > 0) {
		memmove(x->retry.data, x->retry.data + taken * sizeof(a),
		    (nretry - taken) * sizeof(a));
		x->retry.len = (nretry - taken) * sizeof(a);
	}
	while (x->requested < total && n < max) {
		memcpy(a.id, x->need.data + x->requested * NEG_ID_SIZE, NEG_ID_SIZE);
		a.tries = 1;
		a.got = 0;
		buf_append(&x->inflight, &a, sizeof(a));
		asked_put(out, a.id, n++);
		x->requested++;
	}
	buf_puts(out, "]}");
	return n;
}

int
nip77_got(struct nip77 *x, const uint8_t id[NEG_ID_SIZE])
{
	struct nip77_asked *a = (struct nip77_asked *)x->inflight.data;
	size_t n = x->inflight.len / sizeof(*a);

	for (size_t i = 0; i < n; i++) {
		if (memcmp(a[i].id, id, NEG_ID_SIZE) != 0)
			continue;
		if (a[i].got)
			return 0;
		a[i].got = 1;
		x->fetched++;
		return 1;
	}
	return 0;
}

/* batch_requeue: the ids of the batch in flight that did not come, to retry. */
static size_t
batch_requeue(struct nip77 *x, int counted)
{
	struct nip77_asked *a = (struct nip77_asked *)x->inflight.data;
	size_t n = x->inflight.len / sizeof(*a), lost = 0;

	for (size_t i = 0; i < n; i++) {
		if (a[i].got)
			continue;
		if (!counted)
			a[i].tries--;
		if (a[i].tries >= NIP77_TRIES) {
			x->missing++;
			lost++;
		} else {
			buf_append(&x->retry, &a[i], sizeof(a[i]));
		}
	}
	buf_reset(&x->inflight);
	return lost;
}

size_t
nip77_batch_end(struct nip77 *x)
{
	return batch_requeue(x, 1);
}

void
nip77_batch_abandon(struct nip77 *x)
{
	batch_requeue(x, 0);
}

void
nip77_free(struct nip77 *x)
{
	if (x->started)
		neg_free(&x->neg);
	buf_free(&x->need);
	buf_free(&x->inflight);
	buf_free(&x->retry);
	buf_free(&x->bin);
	memset(x, 0, sizeof(*x));
}

/* have_line: one line's item, or why it is not one. */
static const char *
have_line(char *line, uint64_t *ts, uint8_t id[NEG_ID_SIZE], int *blank)
{
	char *p = line, *end;
	size_t n;

	*blank = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\n' || *p == '\r' || *p == '\0') {
		*blank = 1;
		return NULL;
	}
	if (*p < '0' || *p > '9')
		return "created_at is not a number";
	errno = 0;
	*ts = strtoull(p, &end, 10);
	if (errno != 0 || *ts == UINT64_MAX)
		return "created_at out of range";
	if (*end != ' ' && *end != '\t')
		return "expected \"created_at id\"";
	for (p = end; *p == ' ' || *p == '\t'; p++)
		;
	for (n = 0; p[n] != '\0' && p[n] != ' ' && p[n] != '\t' && p[n] != '\n' &&
	    p[n] != '\r'; n++)
		;
	if (n != 64 || hex_decode(p, id, NEG_ID_SIZE) < 0)
		return "id is not 64 lower-case hex digits";
	for (p += n; *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'; p++)
		;
	return *p == '\0' ? NULL : "data after the id";
}

int
nip77_have_load(FILE *fp, struct neg_storage *st, char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	uint64_t lineno = 0, ts;
	uint8_t id[NEG_ID_SIZE];
	const char *why = NULL;
	int blank, rc = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, fp)) > 0) {
		lineno++;
		if (strlen(line) != (size_t)n) {
			why = "a NUL byte";
		} else {
			why = have_line(line, &ts, id, &blank);
		}
		if (why == NULL && !blank && neg_storage_add(st, ts, id) < 0)
			why = "not taken";
		if (why != NULL) {
			snprintf(err, errlen, "line %" PRIu64 ": %s", lineno, why);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s", strerror(errno));
		rc = -1;
	}
	free(line);
	return rc;
}
