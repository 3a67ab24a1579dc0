#include "enrich/enrich.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hex.h"
#include "base/json.h"
#include "base/jsonobj.h"
#include "base/text.h"
#include "enrich/lang.h"
#include "enrich/meta.h"
#include "nostr/nip19.h"

struct enrich {
	struct enrich_options opt;
	struct lang *lang;
	struct zap_reader *zap;
	struct enrich_meta meta;
	struct enrich_stats stats;
	struct buf prose;      /* content stripped of URLs, URIs, hashtags: for lang */
	struct buf scratch;    /* one hashtag or address being built */
	struct buf key;        /* a JSON key in a repost's content */
	struct meta_reader mr; /* an existing meta's members, decoded */
	int in_content;        /* scanning a content (not a tag value) */
};

/* ---- setup ---- */

struct enrich *
enrich_new(const struct enrich_options *opt, const char **why)
{
	struct enrich *e = xcalloc(1, sizeof *e);

	if (opt != NULL)
		e->opt = *opt;
	if (!e->opt.no_lang && (e->lang = lang_new(e->opt.lang_dir, why)) == NULL) {
		free(e);
		return NULL;
	}
	e->zap = zap_reader_new(e->opt.zap_max_sats ? e->opt.zap_max_sats :
	    ZAP_MAX_SATS_DEFAULT);
	return e;
}

void
enrich_free(struct enrich *e)
{
	if (e == NULL)
		return;
	meta_free(&e->meta);
	lang_free(e->lang);
	zap_reader_free(e->zap);
	meta_reader_free(&e->mr);
	buf_free(&e->key);
	buf_free(&e->prose);
	buf_free(&e->scratch);
	free(e);
}

const struct enrich_stats *
enrich_get_stats(const struct enrich *e)
{
	return &e->stats;
}

const struct enrich_meta *
enrich_meta_of(const struct enrich *e)
{
	return &e->meta;
}

/* ---- small parsers ---- */

static int
ascii_prefix(const char *s, size_t len, const char *prefix)
{
	size_t i, n = strlen(prefix);

	if (len < n)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c != prefix[i])
			return 0;
	}
	return 1;
}

/* Path extensions that make a URL media (the list). */
static int
is_media_url(const char *s, size_t len)
{
	static const char *const ext[] = {
		"jpg", "jpeg", "png", "gif", "webp", "avif", "mp4", "webm", "mov",
		"mp3", "ogg", "wav", "m3u8",
	};
	size_t end = 0, dot, n, i;

	/* The path ends at the query or fragment. */
	while (end < len && s[end] != '?' && s[end] != '#')
		end++;
	for (dot = end; dot > 0 && s[dot - 1] != '.' && s[dot - 1] != '/'; dot--)
		;
	if (dot == 0 || s[dot - 1] != '.')
		return 0;
	n = end - dot;
	for (i = 0; i < sizeof ext / sizeof ext[0]; i++)
		if (strlen(ext[i]) == n && ascii_prefix(s + dot, n, ext[i]))
			return 1;
	return 0;
}

static void
add_url(struct enrich *e, const char *s, size_t len)
{
	if (len > META_MAX_URL)
		return;
	strlist_add(&e->meta.urls, s, len);
	if (is_media_url(s, len))
		strlist_add(&e->meta.media, s, len);
}

/* add_hashtag: folds and adds a hashtag (without '#'). */
static void
add_hashtag(struct enrich *e, const char *s, size_t len)
{
	if (len > 0 && s[0] == '#') {
		s++;
		len--;
	}
	if (len == 0 || len > META_MAX_HASHTAG)
		return;
	buf_reset(&e->scratch);
	text_fold_append(&e->scratch, s, len);
	strlist_add(&e->meta.hashtags, e->scratch.data, e->scratch.len);
}

static void
add_hex(struct strlist *l, const uint8_t key[32])
{
	char hex[65];

	hex_encode(key, 32, hex);
	strlist_add(l, hex, 64);
}

/* add_nostr_uri: a NIP-27 reference; s[0..len) is "nostr:" and the entity. */
static void
add_nostr_uri(struct enrich *e, const char *s, size_t len)
{
	struct nip19 n;
	char hex[65];

	if (nip19_decode_uri(s, len, &n) != 0) {
		e->stats.uris_invalid++;
		return;
	}
	switch (n.type) {
	case NIP19_NPUB:
	case NIP19_NPROFILE:
		add_hex(&e->meta.mentions, n.key);
		break;
	case NIP19_NOTE:
	case NIP19_NEVENT:
		add_hex(&e->meta.refs, n.key);
		break;
	case NIP19_NADDR:
		/* The d identifier is raw bytes: only text can go into JSON. */
		if (!utf8_valid(n.identifier, n.identifier_len)) {
			e->stats.uris_invalid++;
			break;
		}
		hex_encode(n.author, 32, hex);
		buf_reset(&e->scratch);
		buf_printf(&e->scratch, "%u:%s:", (unsigned)n.kind, hex);
		buf_append(&e->scratch, n.identifier, n.identifier_len);
		strlist_add(&e->meta.refs, e->scratch.data, e->scratch.len);
		break;
	default:
		e->stats.uris_invalid++;  /* nsec: a leaked key is nothing to index */
		break;
	}
}

/* ---- content ---- */

/* url_length: how long the URL starting at s is (it starts with http[s]://). */
static size_t
url_length(const char *s, size_t len)
{
	size_t i = 0, end = 0, j, opens = 0, closes = 0;
	uint32_t cp;

	while (i < len) {
		j = i;
		cp = text_decode(s, len, &j);
		if (cp < 0x21 || cp == 0x7f || text_is_space(cp) || cp == '<' || cp == '>' ||
		    cp == '"' || cp == '`' || cp == 0xfffd)
			break;
		i = j;
		end = i;
	}
	/* Punctuation that ends a sentence is not part of the URL, nor is a
	 * closing parenthesis that closes text around it, "(see https://x)". */
	for (j = 0; j < end; j++) {
		opens += s[j] == '(';
		closes += s[j] == ')';
	}
	while (end > 0) {
		char c = s[end - 1];

		if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' ||
		    c == '\'' || c == '*' || c == ']')
			end--;
		else if (c == ')' && closes > opens)
			end--, closes--;
		else
			break;
	}
	return end;
}

void
enrich_scan_content(struct enrich *e, const char *s, size_t len)
{
	struct enrich_meta *m = &e->meta;
	size_t i = 0, j, n, start;
	uint32_t cp, prev = ' ';
	int in_token = 0, token_counted = 0, digits_only;

	buf_reset(&e->prose);
	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if ((c == 'h' || c == 'H') && !text_is_word(prev) &&
		    (ascii_prefix(s + i, len - i, "https://") ||
		    ascii_prefix(s + i, len - i, "http://"))) {
			n = url_length(s + i, len - i);
			if (n > 8) {
				add_url(e, s + i, n);
				i += n;
				prev = 'x';
				buf_putc(&e->prose, ' ');
				continue;
			}
		}
		if ((c == 'n' || c == 'N') && !text_is_word(prev) &&
		    ascii_prefix(s + i, len - i, "nostr:")) {
			n = nip19_uri_span(s + i, len - i);
			if (n > 6) {
				add_nostr_uri(e, s + i, n);
				i += n;
				prev = 'x';
				buf_putc(&e->prose, ' ');
				continue;
			}
		}
		if (c == '#' && !text_is_word(prev) && prev != '&') {
			/* A hashtag: word characters after '#', not all digits ("#1"). */
			start = j = i + 1;
			digits_only = 1;
			while (j < len) {
				size_t k = j;

				cp = text_decode(s, len, &k);
				if (!text_is_word(cp))
					break;
				if (!(cp >= '0' && cp <= '9'))
					digits_only = 0;
				j = k;
			}
			if (j > start && !digits_only) {
				add_hashtag(e, s + start, j - start);
				if (!in_token || !token_counted) {
					m->words++;
					token_counted = 1;
				}
				in_token = 1;
				i = j;
				prev = 'x';
				buf_putc(&e->prose, ' ');
				continue;
			}
		}
		j = i;
		cp = text_decode(s, len, &j);
		buf_append(&e->prose, s + i, j - i);
		if (text_is_space(cp)) {
			in_token = token_counted = 0;
		} else if (text_is_cjk(cp)) {
			m->words++;
			in_token = 1;
			token_counted = 1;  /* "日本 語" and "日本語" both count per character */
		} else {
			if (!in_token)
				token_counted = 0;
			in_token = 1;
			if (!token_counted && text_is_word(cp)) {
				m->words++;
				token_counted = 1;
			}
		}
		prev = cp;
		i = j;
	}
}

/* ---- tags ---- */

static int
tag_is(const struct event_tag *t, const char *name)
{
	size_t n = strlen(name);

	return t->count >= 1 && t->items[0].len == n && memcmp(t->items[0].s, name, n) == 0;
}

static int
str_is(const struct event_str *v, const char *s)
{
	size_t n = strlen(s);

	return v->len == n && memcmp(v->s, s, n) == 0;
}

static void
set_hex(int *has, char dst[65], const struct event_str *v)
{
	memcpy(dst, v->s, 64);
	dst[64] = '\0';
	*has = 1;
}

/*
 * thread_nip10: reply_to and root of a kind-1 note.  Marked form: the e tags
 * marked "root" and "reply" (a reply to the root itself marks only "root").
 * Deprecated positional form, when no e tag is marked root or reply: one e
 * tag is both root and parent; with more, the first is the root and the last
 * the parent (those in between are mentions).  "mention" tags never count.
 */
static void
thread_nip10(struct enrich *e, const struct event *ev)
{
	struct enrich_meta *m = &e->meta;
	const struct event_str *root = NULL, *reply = NULL, *first = NULL, *last = NULL;
	size_t i;
	int marked = 0;

	for (i = 0; i < ev->ntags; i++) {
		const struct event_tag *t = &ev->tags[i];
		const struct event_str *marker;

		if (!tag_is(t, "e") || t->count < 2 || !hex_is_key(t->items[1].s, t->items[1].len))
			continue;
		marker = t->count >= 4 ? &t->items[3] : NULL;
		if (marker != NULL && str_is(marker, "root")) {
			marked = 1;
			if (root == NULL)
				root = &t->items[1];
		} else if (marker != NULL && str_is(marker, "reply")) {
			marked = 1;
			if (reply == NULL)
				reply = &t->items[1];
		} else if (marker == NULL || marker->len == 0) {
			if (first == NULL)
				first = &t->items[1];
			last = &t->items[1];
		}
	}
	if (!marked) {
		root = first;
		reply = last;
	} else if (reply == NULL) {
		reply = root;
	}
	if (reply != NULL)
		set_hex(&m->has_reply_to, m->reply_to, reply);
	if (root != NULL)
		set_hex(&m->has_root, m->root, root);
}

/* thread_nip22: a kind-1111 comment: E is the root event, e the parent. */
static void
thread_nip22(struct enrich *e, const struct event *ev)
{
	struct enrich_meta *m = &e->meta;
	size_t i;

	for (i = 0; i < ev->ntags; i++) {
		const struct event_tag *t = &ev->tags[i];

		if (t->count < 2 || !hex_is_key(t->items[1].s, t->items[1].len))
			continue;
		if (tag_is(t, "E") && !m->has_root)
			set_hex(&m->has_root, m->root, &t->items[1]);
		else if (tag_is(t, "e") && !m->has_reply_to)
			set_hex(&m->has_reply_to, m->reply_to, &t->items[1]);
	}
}

/* repost_from_content: NIP-18 allows the reposted event only in content. */
static void
repost_from_content(struct enrich *e, const struct event *ev)
{
	struct jsonobj o;
	const char *raw;
	size_t raw_len;
	int escaped, r;

	jsonobj_begin(&o, ev->content.s, ev->content.len);
	while ((r = jsonobj_next(&o, &e->key)) == 1) {
		if (jsonobj_key_is(&e->key, "id") &&
		    json_string_raw(&o.c, &raw, &raw_len, &escaped) == JSON_OK) {
			if (!escaped && hex_is_key(raw, raw_len)) {
				memcpy(e->meta.repost_of, raw, 64);
				e->meta.repost_of[64] = '\0';
				e->meta.has_repost_of = 1;
			}
			return;
		}
		if (jsonobj_skip(&o) != JSON_OK)
			return;
	}
}

/* Kinds whose content is prose for people (hashtags, URIs, language). */
static int
kind_has_prose(uint32_t kind)
{
	switch (kind) {
	case 1:      /* note */
	case 11:     /* thread (NIP-7D) */
	case 20:     /* picture (NIP-68) */
	case 21:     /* video (NIP-71) */
	case 22:
	case 42:     /* channel message (NIP-28) */
	case 1111:   /* comment (NIP-22) */
	case 9802:   /* highlight (NIP-84) */
	case 30023:  /* long-form article (NIP-23) */
	case 30024:
		return 1;
	}
	return 0;
}

static unsigned
leading_zero_bits(const uint8_t id[32])
{
	unsigned n = 0, i;

	for (i = 0; i < 32; i++) {
		if (id[i] == 0) {
			n += 8;
			continue;
		}
		for (uint8_t b = id[i]; !(b & 0x80); b = (uint8_t)(b << 1))
			n++;
		break;
	}
	return n;
}

/* count_zap: the zap counters, for a receipt whose meta is now complete. */
static void
count_zap(struct enrich *e)
{
	e->stats.zaps++;
	if (e->meta.zap.problems)
		e->stats.zaps_invalid++;
}

const struct enrich_meta *
enrich_take(struct enrich *e, const char *line, const struct event *ev)
{
	if (ev->meta_end <= ev->meta_start ||
	    meta_read(&e->mr, line + ev->meta_start, ev->meta_end - ev->meta_start,
	    ev->kind, &e->meta) < 0)
		return NULL;
	e->stats.events++;
	e->stats.taken++;
	if (ev->kind == 9735)
		count_zap(e);
	return &e->meta;
}

const struct enrich_meta *
enrich_event(struct enrich *e, const char *line, size_t len, const struct event *ev,
    int reuse)
{
	struct enrich_meta *m = &e->meta;
	const struct event_str *last_e = NULL, *first_e = NULL;
	size_t i, k;

	(void)len;
	meta_clear(m);
	e->stats.events++;
	if (ev->meta_end > ev->meta_start &&
	    meta_read_kept(&e->mr, line + ev->meta_start, ev->meta_end - ev->meta_start,
	    ev->kind, reuse, m) < 0)
		e->stats.meta_malformed++;

	for (i = 0; i < ev->ntags; i++) {
		const struct event_tag *t = &ev->tags[i];
		const struct event_str *v;

		if (t->count < 2)
			continue;
		v = &t->items[1];
		if (tag_is(t, "t")) {
			add_hashtag(e, v->s, v->len);
		} else if (tag_is(t, "p")) {
			if (hex_is_key(v->s, v->len))
				strlist_add(&m->mentions, v->s, 64);
		} else if (tag_is(t, "e")) {
			if (hex_is_key(v->s, v->len)) {
				strlist_add(&m->refs, v->s, 64);
				if (first_e == NULL)
					first_e = v;
				last_e = v;
			}
		} else if (tag_is(t, "q") || tag_is(t, "a")) {
			if (hex_is_key(v->s, v->len) || meta_is_address(v->s, v->len))
				strlist_add(&m->refs, v->s, v->len);
		} else if (tag_is(t, "client")) {
			if (m->client == NULL) {
				m->client = v->s;
				m->client_len = v->len;
			}
		} else if (tag_is(t, "imeta")) {
			/* NIP-92: ["imeta", "url https://...", "m image/jpeg", ...] */
			for (k = 1; k < t->count; k++)
				if (t->items[k].len > 4 && memcmp(t->items[k].s, "url ", 4) == 0 &&
				    t->items[k].len - 4 <= META_MAX_URL)
					strlist_add(&m->media, t->items[k].s + 4, t->items[k].len - 4);
		}
	}

	if (kind_has_prose(ev->kind)) {
		enrich_scan_content(e, ev->content.s, ev->content.len);
		if (m->lang == NULL)
			m->lang = e->lang != NULL ?
			    lang_guess(e->lang, e->prose.data, e->prose.len) : "und";
	} else {
		buf_reset(&e->prose);
	}
	if (m->lang == NULL)
		m->lang = "und";

	switch (ev->kind) {
	case 1:
		thread_nip10(e, ev);
		break;
	case 1111:
		thread_nip22(e, ev);
		break;
	case 6:
	case 16:
		if (first_e != NULL)
			set_hex(&m->has_repost_of, m->repost_of, first_e);
		else
			repost_from_content(e, ev);
		break;
	case 7:
		/* NIP-25: the last e tag is the reacted-to event; "" means "+". */
		if (last_e != NULL)
			set_hex(&m->has_reaction_to, m->reaction_to, last_e);
		m->has_reaction = 1;
		m->reaction = ev->content.len ? ev->content.s : "+";
		m->reaction_len = ev->content.len ? ev->content.len : 1;
		break;
	case 9735:
		if (!m->has_zap)  /* not taken from the line's meta */
			zap_read(e->zap, ev, &m->zap);
		m->has_zap = 1;
		count_zap(e);
		break;
	}
	m->pow = leading_zero_bits(ev->id);
	return m;
}

/* ---- writing ---- */

void
enrich_write_meta(struct enrich *e, const char *line, size_t len,
    const struct event *ev, struct buf *out)
{
	(void)len;
	if (ev->meta_end > ev->meta_start)
		meta_write(&e->meta, line + ev->meta_start, ev->meta_end - ev->meta_start,
		    &e->key, out);
	else
		meta_write(&e->meta, NULL, 0, &e->key, out);
}

void
enrich_write_line(struct enrich *e, const char *line, size_t len,
    const struct event *ev, struct buf *out)
{
	if (ev->meta_end > ev->meta_start) {
		buf_append(out, line, ev->meta_start);
		enrich_write_meta(e, line, len, ev, out);
		buf_append(out, line + ev->meta_end, len - ev->meta_end);
	} else {
		buf_append(out, line, ev->object_end);
		buf_puts(out, ",\"meta\":");
		enrich_write_meta(e, line, len, ev, out);
		buf_append(out, line + ev->object_end, len - ev->object_end);
	}
	buf_putc(out, '\n');
}

/* whole_number: arg as a decimal number in [min, max]; 0, or -1. */
static int
whole_number(const char *arg, long long min, long long max, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(arg, &end, 10);
	return errno != 0 || end == arg || *end != '\0' || *out < min || *out > max ? -1 : 0;
}

int
enrich_option(struct enrich_options *o, int ch, const char *arg, const char **bad)
{
	long long n;

	switch (ch) {
	case 'N':
		o->no_lang = 1;
		return 1;
	case 'D':
		o->lang_dir = arg;
		return 1;
	case 'Z':
		if (whole_number(arg, 1, INT64_MAX / 1000, &n) < 0) {
			*bad = "--zap-max-sats";
			return -1;
		}
		o->zap_max_sats = (uint64_t)n;
		return 1;
	default:
		return 0;
	}
}
