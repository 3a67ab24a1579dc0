/*
 * Fuzz target: the meta module's readers (meta.h), which parse whatever the
 * pipe brings: meta_read (nostr-load, for every line that carries a meta),
 * meta_read_kept (nostr-enrich and nostr-load, for an existing meta) and
 * meta_count (nostr-score, on stored metas).
 *
 * The input is read as the meta of a kind-1 note and of a kind-9735 receipt.
 * Invariants: a meta that is taken, written again by meta_write, is taken
 * again and written the same (nothing is lost or invented between reading
 * and writing), and meta_count finds in the written text the lengths of the
 * lists that were read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "enrich/meta.h"

static struct meta_reader reader;
static struct enrich_meta meta;
static struct buf key, once, twice;

/* counts_agree: n holds the lengths of m's lists. */
static int
counts_agree(const struct meta_counts *n, const struct enrich_meta *m)
{
	return n->hashtags == m->hashtags.n && n->mentions == m->mentions.n &&
	    n->refs == m->refs.n && n->urls == m->urls.n && n->media == m->media.n;
}

/* round_trip: when json is taken as a meta of kind, checks the invariants. */
static void
round_trip(const char *json, size_t len, uint32_t kind)
{
	struct meta_counts n;

	if (meta_read(&reader, json, len, kind, &meta) < 0)
		return;
	buf_reset(&once);
	meta_write(&meta, json, len, &key, &once);
	meta_count(once.data, once.len, &n);
	if (!counts_agree(&n, &meta))
		abort();
	if (meta_read(&reader, once.data, once.len, kind, &meta) < 0)
		abort();  /* what was written from a taken meta must be taken */
	buf_reset(&twice);
	meta_write(&meta, once.data, once.len, &key, &twice);
	if (twice.len != once.len || memcmp(twice.data, once.data, once.len) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t kinds[] = { 1, 9735 };
	const char *json = (const char *)data;
	struct meta_counts n;
	size_t k;

	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		round_trip(json, size, kinds[k]);
		meta_clear(&meta);
		(void)meta_read_kept(&reader, json, size, kinds[k], 1, &meta);
		meta_clear(&meta);
		(void)meta_read_kept(&reader, json, size, kinds[k], 0, &meta);
	}
	meta_count(json, size, &n);
	return 0;
}
