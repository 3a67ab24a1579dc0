#include "store/pgstage.h"

#include <string.h>

#include "base/hex.h"
#include "base/json.h"
#include "enrich/meta.h"
#include "nostr/kind0.h"
#include "nostr/nip09.h"
#include "nostr/zap.h"
#include "store/derived.h"

const char *const pg_stage_name[PG_ST_COUNT] = {
	[PG_ST_EVENTS] = "s_events", [PG_ST_HASHTAGS] = "s_hashtags",
	[PG_ST_MENTIONS] = "s_mentions", [PG_ST_REFS] = "s_refs",
	[PG_ST_REPLIES] = "s_replies", [PG_ST_REACTIONS] = "s_reactions",
	[PG_ST_REPOSTS] = "s_reposts", [PG_ST_ZAPS] = "s_zaps",
	[PG_ST_FOLLOWS] = "s_follows", [PG_ST_PROFILES] = "s_profiles",
	[PG_ST_DELETIONS] = "s_deletions", [PG_ST_RELAYS] = "s_relays",
};

/* The columns, in the order the writers below put the fields. */
const char *const pg_stage_columns[PG_ST_COUNT] = {
	[PG_ST_EVENTS] = "seq bigint, id bytea, pubkey bytea, created_at bigint,"
	    " kind integer, d_tag text, content text, content_raw bytea, tags text,"
	    " sig bytea, lang text, words bigint, pow integer, client text, relay text,"
	    " received_at double precision, meta text, derived integer",
	[PG_ST_HASHTAGS] = "seq bigint, hashtag text",
	[PG_ST_MENTIONS] = "seq bigint, pubkey bytea",
	[PG_ST_REFS] = "seq bigint, ref bytea",
	[PG_ST_REPLIES] = "seq bigint, reply_to bytea, root bytea",
	[PG_ST_REACTIONS] = "seq bigint, target_id bytea, target_pubkey bytea, reaction text",
	[PG_ST_REPOSTS] = "seq bigint, target_id bytea, target_pubkey bytea",
	[PG_ST_ZAPS] = "seq bigint, sender bytea, recipient bytea, event_id bytea,"
	    " address text, msat bigint, sats bigint, comment text, valid integer,"
	    " problems text",
	[PG_ST_FOLLOWS] = "seq bigint, ord integer, followed bytea, relay text, petname text",
	[PG_ST_PROFILES] = "seq bigint, name text, display_name text, about text,"
	    " picture text, banner text, nip05 text, lud16 text, lud06 text, website text,"
	    " json_ok integer",
	[PG_ST_DELETIONS] = "seq bigint, target bytea, kind integer, d_tag text",
	[PG_ST_RELAYS] = "seq bigint, relay text, time double precision, state text,"
	    " connect_ms double precision, eose_ms double precision, events bigint,"
	    " duplicates bigint, invalid bigint, reconnects bigint, notices bigint,"
	    " notice text, error text, nip11 text, record text",
};

void
pg_stage_init(struct pg_stage_rows *s)
{
	memset(s, 0, sizeof *s);
}

void
pg_stage_reset(struct pg_stage_rows *s)
{
	size_t i;

	for (i = 0; i < PG_ST_COUNT; i++) {
		buf_reset(&s->rows[i]);
		s->count[i] = 0;
	}
}

void
pg_stage_free(struct pg_stage_rows *s)
{
	size_t i;

	for (i = 0; i < PG_ST_COUNT; i++)
		buf_free(&s->rows[i]);
	buf_free(&s->scratch);
	buf_free(&s->key);
	kind0_profile_free(&s->profile);
	relay_rec_free(&s->rec);
}

/* ---- fields in COPY's text format, each followed by a tab ---- */

static void
put_null(struct buf *b)
{
	buf_puts(b, "\\N\t");
}

/* no_nul: appends s with each U+0000 as U+FFFD, as put_text writes text. */
static void
no_nul(struct buf *b, const char *s, size_t len)
{
	const char *z;

	while ((z = memchr(s, '\0', len)) != NULL) {
		buf_append(b, s, (size_t)(z - s));
		buf_puts(b, "\xef\xbf\xbd");
		len -= (size_t)(z - s) + 1;
		s = z + 1;
	}
	buf_append(b, s, len);
}

/* put_text: s escaped for COPY, each U+0000 as U+FFFD; NULL as \N. */
static void
put_text(struct buf *b, const char *s, size_t len)
{
	size_t i, from = 0;

	if (s == NULL) {
		put_null(b);
		return;
	}
	for (i = 0; i < len; i++) {
		const char *esc;

		switch (s[i]) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\0': esc = "\xef\xbf\xbd"; break;
		default: continue;
		}
		buf_append(b, s + from, i - from);
		buf_puts(b, esc);
		from = i + 1;
	}
	buf_append(b, s + from, len - from);
	buf_putc(b, '\t');
}

static void
put_str(struct buf *b, const char *s)
{
	put_text(b, s, s != NULL ? strlen(s) : 0);
}

/* put_bytea: bytes as bytea's hex input, \x..., its backslash escaped. */
static void
put_bytea(struct buf *b, const void *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *s = p;
	size_t i;

	buf_puts(b, "\\\\x");
	buf_reserve(b, 2 * len + 1);
	for (i = 0; i < len; i++) {
		b->data[b->len++] = digits[s[i] >> 4];
		b->data[b->len++] = digits[s[i] & 15];
	}
	buf_putc(b, '\t');
}

/* put_hex_key: 64 hex digits as the 32 bytes they spell, \N when not a key. */
static void
put_hex_key(struct buf *b, const char *hex)
{
	uint8_t k[32];

	if (hex_decode(hex, k, 32) != 0)
		put_null(b);
	else
		put_bytea(b, k, 32);
}

static void
put_int(struct buf *b, int64_t v)
{
	buf_printf(b, "%lld\t", (long long)v);
}

static void
put_double(struct buf *b, double v)
{
	buf_printf(b, "%.17g\t", v);
}

/* end_row: the row's last tab becomes its newline. */
static void
end_row(struct pg_stage_rows *s, enum pg_stage t)
{
	struct buf *b = &s->rows[t];

	if (b->len > 0 && b->data[b->len - 1] == '\t')
		b->data[b->len - 1] = '\n';
	s->count[t]++;
}

/* ---- the rows of an event ---- */

static void
event_row(struct pg_stage_rows *s, int64_t seq, const struct event *ev,
    const struct enrich_meta *m, const char *meta_json, size_t meta_len)
{
	struct buf *b = &s->rows[PG_ST_EVENTS];
	const struct event_str *d = event_d_tag(ev);
	size_t i, j;

	put_int(b, seq);
	put_bytea(b, ev->id, 32);
	put_bytea(b, ev->pubkey, 32);
	put_int(b, ev->created_at);
	put_int(b, ev->kind);
	if (d != NULL)
		put_text(b, d->s, d->len);
	else
		put_null(b);
	put_text(b, ev->content.s, ev->content.len);
	if (memchr(ev->content.s, '\0', ev->content.len) != NULL)
		put_bytea(b, ev->content.s, ev->content.len);
	else
		put_null(b);
	buf_reset(&s->scratch);
	buf_putc(&s->scratch, '[');
	for (i = 0; i < ev->ntags; i++) {
		buf_puts(&s->scratch, i ? ",[" : "[");
		for (j = 0; j < ev->tags[i].count; j++) {
			if (j)
				buf_putc(&s->scratch, ',');
			json_quote(&s->scratch, ev->tags[i].items[j].s, ev->tags[i].items[j].len);
		}
		buf_putc(&s->scratch, ']');
	}
	buf_putc(&s->scratch, ']');
	put_text(b, s->scratch.data, s->scratch.len);
	put_bytea(b, ev->sig, 64);
	put_str(b, m->lang);
	put_int(b, (int64_t)m->words);
	put_int(b, (int64_t)m->pow);
	put_text(b, m->client, m->client_len);
	put_text(b, m->relay, m->relay_len);
	if (m->has_received_at)
		put_double(b, m->received_at);
	else
		put_null(b);
	buf_reset(&s->scratch);
	meta_rest(meta_json, meta_len, &s->key, &s->scratch);
	if (s->scratch.len > 0)
		put_text(b, s->scratch.data, s->scratch.len);
	else
		put_null(b);
	put_int(b, derived_bits(ev, m));
	end_row(s, PG_ST_EVENTS);
}

/* What the values of a meta list are in their staging table. */
enum list_value { LV_TEXT, LV_PUBKEY, LV_REF };

static void
list_rows(struct pg_stage_rows *s, enum pg_stage t, int64_t seq, const struct strlist *l,
    enum list_value how)
{
	struct buf *b = &s->rows[t];
	const char *v;
	uint8_t k[32];
	size_t i, n;

	for (i = 0; i < l->n; i++) {
		v = strlist_get(l, i, &n);
		if (how == LV_PUBKEY && (n != 64 || hex_decode(v, k, 32) != 0))
			continue;  /* not a key: enrich gives only keys */
		put_int(b, seq);
		if (how == LV_PUBKEY)
			put_bytea(b, k, 32);
		else if (how == LV_REF && hex_is_key(v, n))
			put_hex_key(b, v);       /* an event id; else an address, as text */
		else if (how == LV_REF) {
			buf_reset(&s->scratch);
			no_nul(&s->scratch, v, n);
			put_bytea(b, s->scratch.data, s->scratch.len);
		}
		else
			put_text(b, v, n);
		end_row(s, t);
	}
}

static void
follow_rows(struct pg_stage_rows *s, int64_t seq, const struct event *ev)
{
	struct buf *b = &s->rows[PG_ST_FOLLOWS];
	size_t i;

	for (i = 0; i < ev->ntags; i++) {
		const struct event_tag *t = &ev->tags[i];

		if (!event_tag_is(t, "p") || !hex_is_key(t->items[1].s, t->items[1].len))
			continue;
		put_int(b, seq);
		put_int(b, (int64_t)i);
		put_hex_key(b, t->items[1].s);
		if (t->count >= 3 && t->items[2].len > 0)
			put_text(b, t->items[2].s, t->items[2].len);
		else
			put_null(b);
		if (t->count >= 4 && t->items[3].len > 0)
			put_text(b, t->items[3].s, t->items[3].len);
		else
			put_null(b);
		end_row(s, PG_ST_FOLLOWS);
	}
}

/* profile_row: kind 0, its content read by nostr/kind0 as for SQLite. */
static void
profile_row(struct pg_stage_rows *s, int64_t seq, const struct event *ev)
{
	struct buf *b = &s->rows[PG_ST_PROFILES];
	const struct kind0_profile *p = &s->profile;
	int k;

	kind0_profile_parse(&s->profile, ev->content.s, ev->content.len);
	put_int(b, seq);
	for (k = 0; k < KIND0_NFIELDS; k++)
		if (p->has[k])
			put_text(b, p->field[k].data, p->field[k].len);
		else
			put_null(b);
	put_int(b, p->json_ok);
	end_row(s, PG_ST_PROFILES);
}

/* deletion_rows: kind 5 (NIP-09): its targets (nostr/nip09), as for SQLite. */
static void
deletion_rows(struct pg_stage_rows *s, int64_t seq, const struct event *ev)
{
	struct buf *b = &s->rows[PG_ST_DELETIONS];
	struct nip09_targets it;
	struct nip09_target t;

	nip09_begin(&it, ev);
	while (nip09_next(&it, &t)) {
		put_int(b, seq);
		if (t.by_id) {
			put_bytea(b, t.id, 32);
			put_null(b);
			put_null(b);
		} else {
			/* The address as text (U+0000 as U+FFFD, as in d_tag), in bytea. */
			buf_reset(&s->scratch);
			no_nul(&s->scratch, t.addr, t.addr_len);
			put_bytea(b, s->scratch.data, s->scratch.len);
			put_int(b, t.kind);
			put_text(b, t.d, t.d_len);
		}
		end_row(s, PG_ST_DELETIONS);
	}
}

static void
zap_row(struct pg_stage_rows *s, int64_t seq, const struct zap *z)
{
	struct buf *b = &s->rows[PG_ST_ZAPS];
	unsigned i;
	int first = 1;

	put_int(b, seq);
	if (z->has_sender)
		put_bytea(b, z->sender, 32);
	else
		put_null(b);
	if (z->has_recipient)
		put_bytea(b, z->recipient, 32);
	else
		put_null(b);
	if (z->has_event)
		put_bytea(b, z->event, 32);
	else
		put_null(b);
	put_text(b, z->address, z->address_len);
	if (z->has_msat) {
		put_int(b, (int64_t)z->msat);
		put_int(b, (int64_t)(z->msat / 1000));
	} else {
		put_null(b);
		put_null(b);
	}
	put_text(b, z->comment, z->comment_len);
	put_int(b, z->problems == 0);
	buf_reset(&s->scratch);
	buf_putc(&s->scratch, '[');
	for (i = 0; i < ZAP_NPROBLEMS; i++)
		if (z->problems & (1u << i)) {
			buf_printf(&s->scratch, "%s\"%s\"", first ? "" : ",",
			    zap_problem_name(1u << i));
			first = 0;
		}
	buf_putc(&s->scratch, ']');
	put_text(b, s->scratch.data, s->scratch.len);
	end_row(s, PG_ST_ZAPS);
}

/* target_row: a reaction's or repost's target and its author. */
static void
target_row(struct pg_stage_rows *s, enum pg_stage t, int64_t seq, const struct event *ev,
    const char *target)
{
	struct buf *b = &s->rows[t];
	const struct event_str *tp = event_target_pubkey(ev);

	put_int(b, seq);
	put_hex_key(b, target);
	if (tp != NULL)
		put_hex_key(b, tp->s);
	else
		put_null(b);
}

void
pg_stage_event(struct pg_stage_rows *s, int64_t seq, const struct event *ev,
    const struct enrich_meta *m, const char *meta_json, size_t meta_len)
{
	struct buf *b;

	event_row(s, seq, ev, m, meta_json, meta_len);
	list_rows(s, PG_ST_HASHTAGS, seq, &m->hashtags, LV_TEXT);
	list_rows(s, PG_ST_REFS, seq, &m->refs, LV_REF);
	if (derived_mentions(ev))
		list_rows(s, PG_ST_MENTIONS, seq, &m->mentions, LV_PUBKEY);
	if (m->has_reply_to) {
		b = &s->rows[PG_ST_REPLIES];
		put_int(b, seq);
		put_hex_key(b, m->reply_to);
		if (m->has_root)
			put_hex_key(b, m->root);
		else
			put_null(b);
		end_row(s, PG_ST_REPLIES);
	}
	if (m->has_reaction_to) {
		target_row(s, PG_ST_REACTIONS, seq, ev, m->reaction_to);
		put_text(&s->rows[PG_ST_REACTIONS], m->reaction, m->reaction_len);
		end_row(s, PG_ST_REACTIONS);
	}
	if (m->has_repost_of) {
		target_row(s, PG_ST_REPOSTS, seq, ev, m->repost_of);
		end_row(s, PG_ST_REPOSTS);
	}
	if (m->has_zap)
		zap_row(s, seq, &m->zap);
	if (ev->kind == 0)
		profile_row(s, seq, ev);
	if (ev->kind == 3)
		follow_rows(s, seq, ev);
	if (ev->kind == 5)
		deletion_rows(s, seq, ev);
}

/* ---- relay-status records ---- */

int
pg_stage_relay_record(struct pg_stage_rows *s, int64_t seq, const char *line, size_t len)
{
	struct buf *b = &s->rows[PG_ST_RELAYS];
	const struct relay_rec *r = &s->rec;
	int k;

	if (relay_rec_parse(&s->rec, line, len) != 0)
		return 1;
	put_int(b, seq);
	put_text(b, r->text[RR_RELAY].data, r->text[RR_RELAY].len);
	put_double(b, r->time);
	put_text(b, r->text[RR_STATE].data, r->text[RR_STATE].len);
	for (k = 0; k < RR_NMS; k++)
		if (r->has_ms[k])
			put_double(b, r->ms[k]);
		else
			put_null(b);
	for (k = 0; k < RR_NCOUNT; k++)
		if (r->has_count[k])
			put_int(b, r->count[k]);
		else
			put_null(b);
	for (k = RR_NOTICE; k <= RR_ERROR; k++)
		if (r->has_text[k])
			put_text(b, r->text[k].data, r->text[k].len);
		else
			put_null(b);
	put_text(b, r->nip11, r->nip11_len);
	put_text(b, line, len);
	end_row(s, PG_ST_RELAYS);
	return 0;
}
