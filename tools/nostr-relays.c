/*
 * nostr-relays: the relays that events name (NIP-65 relay lists, the relay
 * maps of contact lists, tag hints, NIP-66), one normal URL each, ranked by
 * how many authors name them.
 *
 * URLs come from anyone, so hosts that point inside (loopback, private,
 * link-local, CGNAT, unspecified, reserved; by their spelling or by what their
 * names resolve to) are left out unless --allow-private, and .onion hosts
 * unless --allow-onion.
 *
 * --probe connects to the relays instead of printing them, through
 * lib/net/fetch.c (a REQ with limit 1, NIP-11, no retries), which refuses
 * internal addresses again at connect time; its relay-status records are
 * the output.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "base/buf.h"
#include "base/idset.h"
#include "base/json.h"
#include "base/ndjson.h"
#include "cli/cli.h"
#include "cli/rejects.h"
#include "cli/stream.h"
#include "net/fetch.h"
#include "net/hostcheck.h"
#include "nostr/event.h"
#include "nostr/relaylist.h"
#include "nostr/relayurl.h"
#include "store/db.h"
#include "store/dbpath.h"
#include "store/export.h"

#define MAX_RELAYS_DEFAULT 100000
#define MAX_PAIRS_DEFAULT 1048576
#define JOBS_DEFAULT 16
#define TIMEOUT_DEFAULT 10

enum format { FORMAT_TEXT, FORMAT_NDJSON };

struct options {
	struct stream_options stream;
	enum format format;
	unsigned check;       /* HOSTCHECK_* */
	long long limit;      /* -n, 0 for all */
	long long max_relays;
	long long max_pairs;
	const char *db;       /* -d: read the database instead of a stream */
	int live;             /* --live: only relays whose last outcome was an answer */
	int probe;            /* --probe: connect, write status records */
	long long jobs;       /* -j: relays probed at once */
	long long timeout;    /* --timeout, seconds */
};

/* One relay, and what named it. */
struct relay {
	char *url;
	uint64_t authors;             /* distinct authors naming it */
	uint64_t events;              /* events naming it */
	uint64_t by_source[RELAY_SRC_N];
	uint64_t read, write;         /* lists that say the author reads or writes there */
	uint64_t last_event;          /* the event that named it last (1-based), for once-per-event */
	unsigned last_sources;        /* the sources that event named it by */
};

/* The relays named so far: an open-addressing table of indexes into relays[]. */
struct tally {
	struct relay *relays;
	size_t n, cap;
	uint32_t *slots;              /* index + 1, 0 for empty */
	size_t mask;
	uint64_t seed;
	struct idset pairs;           /* (relay, author) pairs seen */
	uint64_t event_no;
	const uint8_t *author;        /* the pubkey of the event being read */
	struct buf url;               /* scratch: the normal form */
	uint64_t bad[RELAY_URL_NSTATUS];
	uint64_t over_limit;          /* URLs dropped for --max-relays */
	size_t max_relays;
};

struct totals {
	uint64_t read, events, naming;
};

/* URLs in their normal form, sorted once filled: the live relays, or the ones to probe. */
struct urls {
	char **v;
	size_t n, cap;
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: %s [-qvV] [-d DB [--live]] [-f text|ndjson] [-n N] [--probe "
	    "[-j N] [--timeout SECS]] [--allow-private] "
	    "[--allow-onion] [--no-resolve] [--max-relays N] [--max-pairs N] [--reject FILE] "
	    "[--max-line BYTES] [--strict] [FILE ...]\n", getprogname());
	exit(2);
}

static void __attribute__((noreturn))
help(void)
{
	printf("usage: %s [options] [FILE ...]\n"
	    "Lists the relays that Nostr events (NDJSON) name, most-named first.\n\n"
	    "  -d, --db DB            read the events stored in DB (a file or a\n"
	    "                         postgresql:// URL) instead of a stream\n"
	    "  -f, --format F         text (one URL a line, the default) or ndjson (counts)\n"
	    "  -n, --limit N          the first N relays only\n"
	    "      --live             with -d, only relays whose last status record there\n"
	    "                         (of eose or failed) was an answer\n"
	    "      --probe            connect to each relay, write relay-status NDJSON\n"
	    "  -j, --jobs N           relays probed at once (default %d)\n"
	    "      --timeout SECS     connect, handshake and answer, per relay (default %d)\n"
	    "      --allow-private    keep loopback, private, link-local and CGNAT hosts\n"
	    "      --allow-onion      keep .onion hosts\n"
	    "      --no-resolve       judge host names by their spelling, not their addresses\n"
	    "      --max-relays N     distinct relays kept (default %d)\n"
	    "      --max-pairs N      (relay, author) pairs remembered (default %d)\n"
	    STREAM_OPTIONS_HELP
	    "  -h, --help             this help\n", getprogname(), JOBS_DEFAULT, TIMEOUT_DEFAULT,
	    MAX_RELAYS_DEFAULT, MAX_PAIRS_DEFAULT);
	exit(0);
}

static uint64_t
url_hash(const struct tally *t, const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325u ^ t->seed;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
	return h ^ (h >> 29);
}

static void
tally_init(struct tally *t, const struct options *o)
{
	memset(t, 0, sizeof *t);
	t->mask = 1023;
	t->slots = xcalloc(t->mask + 1, sizeof *t->slots);
	if (getrandom(&t->seed, sizeof t->seed, 0) != sizeof t->seed)
		t->seed = (uint64_t)(uintptr_t)t ^ 0x9e3779b97f4a7c15u;
	idset_init(&t->pairs, (size_t)o->max_pairs);
	t->max_relays = (size_t)o->max_relays;
}

static void
tally_free(struct tally *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->relays[i].url);
	free(t->relays);
	free(t->slots);
	idset_free(&t->pairs);
	buf_free(&t->url);
}

/* slot_of: the slot holding url, or the empty slot where it belongs. */
static uint32_t *
slot_of(struct tally *t, const char *url, size_t len)
{
	size_t i = (size_t)url_hash(t, url, len) & t->mask;

	for (;; i = (i + 1) & t->mask) {
		uint32_t s = t->slots[i];

		if (s == 0)
			return &t->slots[i];
		if (strlen(t->relays[s - 1].url) == len && memcmp(t->relays[s - 1].url, url, len) == 0)
			return &t->slots[i];
	}
}

static void
tally_grow(struct tally *t)
{
	size_t old = t->mask + 1;
	uint32_t *slots = t->slots;

	t->mask = old * 2 - 1;
	t->slots = xcalloc(t->mask + 1, sizeof *t->slots);
	for (size_t i = 0; i < old; i++)
		if (slots[i] != 0) {
			const char *u = t->relays[slots[i] - 1].url;

			*slot_of(t, u, strlen(u)) = slots[i];
		}
	free(slots);
}

/* tally_relay: the relay of a normal URL, added when new; NULL past --max-relays. */
static struct relay *
tally_relay(struct tally *t, const char *url, size_t len)
{
	uint32_t *slot = slot_of(t, url, len);
	struct relay *r;

	if (*slot != 0)
		return &t->relays[*slot - 1];
	if (t->n >= t->max_relays) {
		t->over_limit++;
		return NULL;
	}
	t->relays = xgrow(t->relays, &t->cap, t->n + 1, sizeof *t->relays);
	r = &t->relays[t->n];
	memset(r, 0, sizeof *r);
	r->url = xstrdup(url);
	*slot = (uint32_t)++t->n;
	if (t->n * 2 > t->mask + 1)
		tally_grow(t);
	return r;
}

/* count_author: 1 when this author had not named relay r before. */
static int
count_author(struct tally *t, const struct relay *r)
{
	uint8_t key[32];
	uint32_t index = (uint32_t)(r - t->relays);

	/* idset keeps 16 bytes: 12 of the pubkey and the relay's index. */
	memcpy(key, t->author, 12);
	memcpy(key + 12, &index, 4);
	memcpy(key + 16, t->author + 12, 16);
	return idset_add(&t->pairs, key);
}

/* on_relay: relaylist_fn, counting one URL an event names. */
static void
on_relay(void *arg, const char *url, size_t len, enum relay_source src, unsigned use)
{
	struct tally *t = arg;
	enum relay_url_status st = relay_url_normalize(url, len, &t->url);
	struct relay *r;

	if (st != RELAY_URL_OK) {
		t->bad[st]++;
		return;
	}
	if ((r = tally_relay(t, t->url.data, t->url.len)) == NULL)
		return;
	if (r->last_event != t->event_no) {
		r->last_event = t->event_no;
		r->last_sources = 0;
		r->events++;
		r->authors += (uint64_t)count_author(t, r);
	}
	if (!(r->last_sources & (1u << src))) {
		r->last_sources |= 1u << src;
		r->by_source[src]++;
		r->read += (use & RELAY_USE_READ) != 0;
		r->write += (use & RELAY_USE_WRITE) != 0;
	}
}

/* count_event: one parsed event's relays into the tally. */
static void
count_event(struct tally *t, const struct event *ev, struct buf *scratch, struct totals *tot)
{
	tot->events++;
	t->event_no++;
	t->author = ev->pubkey;
	if (relaylist_scan(ev, scratch, on_relay, t) > 0)
		tot->naming++;
}

/* The state read_input needs besides the operand. */
struct run {
	const struct options *opt;
	struct tally *tally;
	struct rejects *rejects;
	struct totals *totals;
	struct event_parser parser;
	struct buf scratch;
	struct urls live;             /* --live: relays whose last outcome was an answer */
};

/* relays_of: stream_event_fn, one event of the stream into the tally. */
static int
relays_of(void *arg, const struct line *line, const struct event *ev)
{
	struct run *run = arg;

	(void)line;
	count_event(run->tally, ev, &run->scratch, run->totals);
	return 0;
}

static int
read_input(const char *operand, void *arg)
{
	struct run *run = arg;

	return stream_events(operand, &run->opt->stream, run->rejects, &stop, &run->parser,
	    &run->totals->read, relays_of, run);
}

/* stored_event: export_fn, one event from the database into the tally. */
static int
stored_event(void *arg, const char *json, size_t len)
{
	struct run *run = arg;
	struct event ev;

	run->totals->read++;
	if (event_parse(&run->parser, json, len, &ev) == EVENT_OK)
		count_event(run->tally, &ev, &run->scratch, run->totals);
	return stop ? 1 : 0;
}

static void
urls_add(struct urls *u, const char *url)
{
	u->v = xgrow(u->v, &u->cap, u->n + 1, sizeof *u->v);
	u->v[u->n++] = xstrdup(url);
}

static int
by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
urls_has(const struct urls *u, const char *url)
{
	return u->n > 0 && bsearch(&url, u->v, u->n, sizeof *u->v, by_string) != NULL;
}

static void
urls_free(struct urls *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->v[i]);
	free(u->v);
	memset(u, 0, sizeof *u);
}

/* live_relay: export_outcome_fn, a relay that answered last time into run->live. */
static int
live_relay(void *arg, const char *relay, int answered)
{
	struct run *run = arg;

	/* Records of relays the user typed keep the user's spelling. */
	if (answered && relay_url_normalize(relay, strlen(relay), &run->scratch) == RELAY_URL_OK)
		urls_add(&run->live, run->scratch.data);
	return stop ? 1 : 0;
}

/* read_database: the stored events that can name relays; exits 1 when it cannot. */
static void
read_database(struct run *run)
{
	static const uint32_t kinds[] = {
		RELAYLIST_KIND_CONTACTS, RELAYLIST_KIND_NIP65, RELAYLIST_KIND_NIP66,
	};
	const struct export_filter f = { 0, 0, kinds, sizeof kinds / sizeof kinds[0], 1 };
	const struct db_options dbo = { .cache_mb = 16, .must_exist = 1 };
	struct db_path where;
	char err[1024];
	struct dbq db;

	if (db_path_resolve(run->opt->db, &where, err, sizeof err) < 0)
		errx(1, "%s", err);
	/* What ps shows of -d holds no password once it is copied. */
	if (where.source == DB_PATH_OPTION && where.engine == DB_ENGINE_POSTGRESQL)
		db_url_hide_password((char *)run->opt->db);
	if (dbq_open(&db, &where, &dbo, err, sizeof err) != 0)
		errx(1, "%s: %s", where.display, err);
	if (export_events(&db, &f, stored_event, run) < 0)
		errx(1, "%s: %s", where.display, dbq_errmsg(&db));
	if (run->opt->live) {
		if (export_relay_outcomes(&db, live_relay, run) < 0)
			errx(1, "%s: %s", where.display, dbq_errmsg(&db));
		if (run->live.n > 1)
			qsort(run->live.v, run->live.n, sizeof *run->live.v, by_string);
	}
	dbq_close(&db);
}

static int
by_rank(const void *a, const void *b)
{
	const struct relay *x = *(const struct relay *const *)a, *y = *(const struct relay *const *)b;

	if (x->authors != y->authors)
		return x->authors > y->authors ? -1 : 1;
	if (x->events != y->events)
		return x->events > y->events ? -1 : 1;
	return strcmp(x->url, y->url);
}

/* host_word: what the check found of a relay's host, for its record. */
static const char *
host_word(enum hostcheck_verdict v, enum relay_host_class class)
{
	return v == HOSTCHECK_UNRESOLVED ? "unresolved" : relay_host_class_name(class);
}

static void
write_record(const struct relay *r, const char *host, struct buf *out)
{
	buf_reset(out);
	buf_puts(out, "{\"relay\":");
	json_quote(out, r->url, strlen(r->url));
	buf_printf(out, ",\"authors\":%" PRIu64 ",\"events\":%" PRIu64 ",\"sources\":{",
	    r->authors, r->events);
	for (int s = 0; s < RELAY_SRC_N; s++)
		buf_printf(out, "%s\"%s\":%" PRIu64, s ? "," : "", relay_source_name(s),
		    r->by_source[s]);
	buf_printf(out, "},\"read\":%" PRIu64 ",\"write\":%" PRIu64 ",\"host\":\"%s\"}\n",
	    r->read, r->write, host);
}

/* Relays refused and why, for the summary. */
struct refusals {
	uint64_t by_class[RELAY_HOST_NCLASS];
	uint64_t unresolved;
	uint64_t not_live;            /* --live: no answer last time */
};

/*
 * print_relays: the ranked relays that pass the host check (and with
 * --live, answered last time), to stdout, or with --probe into *chosen.
 */
static void
print_relays(struct tally *t, const struct options *o, const struct urls *live,
    struct refusals *ref, struct urls *chosen)
{
	struct relay **order = xcalloc(t->n ? t->n : 1, sizeof *order);
	struct buf out = BUF_INIT;
	long long printed = 0;

	for (size_t i = 0; i < t->n; i++)
		order[i] = &t->relays[i];
	qsort(order, t->n, sizeof *order, by_rank);
	for (size_t i = 0; i < t->n && !stop && (o->limit == 0 || printed < o->limit); i++) {
		enum relay_host_class class;
		enum hostcheck_verdict v;

		if (o->live && !urls_has(live, order[i]->url)) {
			ref->not_live++;
			continue;
		}
		v = hostcheck_url(order[i]->url, o->check, &class);
		if (v == HOSTCHECK_REFUSED) {
			ref->by_class[class]++;
			continue;
		}
		ref->unresolved += v == HOSTCHECK_UNRESOLVED;
		if (o->probe) {
			if (v == HOSTCHECK_UNRESOLVED)
				continue;  /* nothing to connect to */
			urls_add(chosen, order[i]->url);
		} else if (o->format == FORMAT_NDJSON) {
			write_record(order[i], host_word(v, class), &out);
			fwrite(out.data, 1, out.len, stdout);
		} else {
			printf("%s\n", order[i]->url);
		}
		printed++;
	}
	buf_free(&out);
	free(order);
}

static void
summary(const struct tally *t, const struct totals *tot, const struct refusals *ref,
    const struct rejects *rej)
{
	fprintf(stderr, "%s: %" PRIu64 " lines read, %" PRIu64 " events, %" PRIu64
	    " naming relays, %zu relays\n", getprogname(), tot->read, tot->events, tot->naming,
	    t->n);
	for (int s = 1; s < RELAY_URL_NSTATUS; s++)
		if (t->bad[s])
			fprintf(stderr, "  %-24s %" PRIu64 "\n", relay_url_status_name(s), t->bad[s]);
	for (int c = 0; c < RELAY_HOST_NCLASS; c++)
		if (ref->by_class[c])
			fprintf(stderr, "  refused: %-15s %" PRIu64 "\n", relay_host_class_name(c),
			    ref->by_class[c]);
	if (ref->unresolved)
		fprintf(stderr, "  %-24s %" PRIu64 "\n", "names not resolved", ref->unresolved);
	if (ref->not_live)
		fprintf(stderr, "  %-24s %" PRIu64 "\n", "no answer last time", ref->not_live);
	if (t->over_limit)
		fprintf(stderr, "  %-24s %" PRIu64 "\n", "over --max-relays", t->over_limit);
	rejects_summary(rej, stderr);
}

/*
 * probe: connects to the relays of u, jobs at a time, each group one
 * fetch_run: a REQ with limit 1 (is there an answer, EVENT or EOSE?), its
 * NIP-11 document, no retries; the events go nowhere, the relay-status
 * records to stdout.  Returns the exit status: 1 when output failed.
 */
static int
probe(const struct urls *u, const struct options *o)
{
	static const char *const filters[] = { "{\"limit\":1}" };
	unsigned char *discovered = xcalloc(u->n ? u->n : 1, 1);
	FILE *null = fopen("/dev/null", "w");
	struct fetch_options fo;
	char why[512];
	int rc = 0;

	if (null == NULL)
		err(1, "/dev/null");
	memset(discovered, 1, u->n);
	memset(&fo, 0, sizeof fo);
	fo.filters = filters;
	fo.nfilters = 1;
	fo.nip11 = 1;
	fo.verbose = o->stream.verbose;
	fo.quiet = !o->stream.verbose;  /* the records say it all */
	fo.timeout_ms = o->timeout * 1000;
	fo.backoff_base_ms = fo.backoff_max_ms = 1000;
	fo.dedup_size = 1024;
	fo.max_message = 1 << 20;
	fo.max_shown = 10;
	fo.hostcheck = o->check & (HOSTCHECK_ALLOW_PRIVATE | HOSTCHECK_ALLOW_ONION);
	fo.wake_fd = -1;
	fo.stop = &stop;
	fo.out = null;
	fo.stats_stream = stdout;
	for (size_t i = 0; i < u->n && !stop; i += (size_t)o->jobs) {
		size_t n = u->n - i < (size_t)o->jobs ? u->n - i : (size_t)o->jobs;

		fo.relays = (const char *const *)u->v + i;
		fo.nrelays = n;
		fo.discovered = discovered + i;
		/* 1 also says no relay of the group answered: that is a finding. */
		if (fetch_run(&fo, why, sizeof why) != 0 && why[0] != '\0')
			errx(1, "%s", why);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		warn("stdout");
		rc = 1;
	}
	fclose(null);
	free(discovered);
	return rc;
}

static void
parse_options(int argc, char *argv[], struct options *o)
{
	enum { OPT_PRIVATE = 0x200, OPT_ONION, OPT_NO_RESOLVE, OPT_MAX_RELAYS, OPT_MAX_PAIRS,
		OPT_LIVE, OPT_PROBE, OPT_TIMEOUT };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "limit", required_argument, NULL, 'n' },
		{ "allow-private", no_argument, NULL, OPT_PRIVATE },
		{ "allow-onion", no_argument, NULL, OPT_ONION },
		{ "no-resolve", no_argument, NULL, OPT_NO_RESOLVE },
		{ "max-relays", required_argument, NULL, OPT_MAX_RELAYS },
		{ "max-pairs", required_argument, NULL, OPT_MAX_PAIRS },
		{ "live", no_argument, NULL, OPT_LIVE },
		{ "probe", no_argument, NULL, OPT_PROBE },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		STREAM_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof *o);
	stream_options_init(&o->stream);
	o->max_relays = MAX_RELAYS_DEFAULT;
	o->max_pairs = MAX_PAIRS_DEFAULT;
	o->jobs = JOBS_DEFAULT;
	o->timeout = TIMEOUT_DEFAULT;
	while ((ch = getopt_long(argc, argv, STREAM_SHORTOPTS "d:f:n:j:h", longopts, NULL)) != -1) {
		if (stream_option(&o->stream, ch, optarg))
			continue;
		switch (ch) {
		case 'd': o->db = optarg; break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				o->format = FORMAT_TEXT;
			else if (strcmp(optarg, "ndjson") == 0)
				o->format = FORMAT_NDJSON;
			else
				errx(2, "invalid format: %s (text or ndjson)", optarg);
			break;
		case 'n': o->limit = cli_number(optarg, 1, INT32_MAX, "limit"); break;
		case OPT_PRIVATE: o->check |= HOSTCHECK_ALLOW_PRIVATE; break;
		case OPT_ONION: o->check |= HOSTCHECK_ALLOW_ONION; break;
		case OPT_NO_RESOLVE: o->check |= HOSTCHECK_NO_RESOLVE; break;
		case OPT_MAX_RELAYS:
			o->max_relays = cli_number(optarg, 1, UINT32_MAX - 1, "max-relays");
			break;
		case OPT_MAX_PAIRS:
			o->max_pairs = cli_number(optarg, 2, INT32_MAX, "max-pairs");
			break;
		case OPT_LIVE: o->live = 1; break;
		case OPT_PROBE: o->probe = 1; break;
		case 'j': o->jobs = cli_number(optarg, 1, 1024, "jobs"); break;
		case OPT_TIMEOUT: o->timeout = cli_number(optarg, 1, 3600, "timeout"); break;
		case 'h': help();
		default: usage();
		}
	}
	if (o->live && o->db == NULL)
		errx(2, "--live reads the status records of the database: it needs -d");
}

int
main(int argc, char *argv[])
{
	struct options opt;
	struct tally tally;
	struct totals tot = { 0, 0, 0 };
	struct refusals ref;
	struct rejects rej;
	struct run run;
	struct urls chosen = { NULL, 0, 0 };
	int status;

	parse_options(argc, argv, &opt);
	argc -= optind;
	argv += optind;
	memset(&ref, 0, sizeof ref);
	tally_init(&tally, &opt);
	memset(&run, 0, sizeof run);
	run.opt = &opt;
	run.tally = &tally;
	run.rejects = &rej;
	run.totals = &tot;
	event_parser_init(&run.parser);
	cli_on_signals(on_signal);
	cli_stdout_buffer();
	rejects_init(&rej, opt.stream.reject, opt.stream.quiet);
	if (opt.db != NULL && argc > 0)
		errx(2, "-d reads the database: no FILE operands with it");
	if (opt.db != NULL) {
		read_database(&run);
		status = 0;
	} else {
		status = stream_operands(argc, argv, &stop, read_input, &run);
	}
	print_relays(&tally, &opt, &run.live, &ref, &chosen);
	status = stream_finish(&opt.stream, &rej, status);
	if (opt.probe && probe(&chosen, &opt) != 0)
		status = 1;
	if (opt.stream.verbose)
		summary(&tally, &tot, &ref, &rej);
	tally_free(&tally);
	urls_free(&chosen);
	urls_free(&run.live);
	event_parser_free(&run.parser);
	buf_free(&run.scratch);
	return status;
}
