/*
 * nostr-fetch: subscribes to Nostr relays and writes the events they send,
 * each once, as NDJSON.  The work is lib/net/fetch.c's; this file turns options
 * into NIP-01 filters and a struct fetch_options.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "net/fetch.h"
#include "nostr/auth.h"
#include "base/hex.h"
#include "base/json.h"
#include "nostr/nip19.h"
#include "nostr/nip77.h"
#include "nostr/relayurl.h"
#include "net/hostcheck.h"
#include "net/ws.h"

static volatile sig_atomic_t stop;
static int wake_pipe[2] = { -1, -1 };

static void
on_signal(int sig)
{
	int saved = errno;

	(void)sig;
	stop = 1;
	if (wake_pipe[1] >= 0)
		(void)!write(wake_pipe[1], "x", 1);
	errno = saved;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: %s [-fpqvV] [-k KINDS] [-a AUTHORS] [-i IDS] [-s TIME] "
	    "[-u TIME] [-l N] [-t NAME=VALUE] [--filter JSON] [--negentropy [--have FILE]] "
	    "[--state FILE] "
	    "[--stats FILE] [--discovered FILE] [options] [RELAY_URL ...]\n", getprogname());
	exit(2);
}

static void __attribute__((noreturn))
help(void)
{
	printf("usage: %s [options] [RELAY_URL ...]\n"
	    "Writes the events Nostr relays send for a filter, each once, as NDJSON.\n"
	    "Relays are the operands (ws:// or wss://), or NOSTR_RELAYS (comma-separated).\n\n"
	    "Filter:\n"
	    "  -k, --kinds LIST        event kinds, e.g. 1,7\n"
	    "  -a, --authors LIST      authors, hex or npub/nprofile\n"
	    "  -i, --ids LIST          event ids (hex)\n"
	    "  -s, --since TIME        unix time, ISO 8601 or a duration ago (24h, 7d)\n"
	    "  -u, --until TIME        likewise\n"
	    "  -l, --limit N           at most N events per relay (per page with -p)\n"
	    "  -t, --tag NAME=VALUE    a single-letter tag, e.g. t=nostr (repeatable;\n"
	    "                          VALUE may be a comma-separated list)\n"
	    "      --filter JSON       a raw NIP-01 filter (repeatable)\n"
	    "Behaviour:\n"
	    "  -f, --follow            stay subscribed and stream live events\n"
	    "  -p, --paginate          walk until backwards past relays' result caps, each\n"
	    "                          relay to its end\n"
	    "      --negentropy        reconcile with each relay first (NIP-77) and fetch\n"
	    "                          only the ids it finds missing; relays that do not\n"
	    "                          take it get the ordinary REQ (or -p's walk)\n"
	    "      --have FILE         with --negentropy: what we hold, lines of\n"
	    "                          \"created_at id\" (nostr-report have); default: nothing\n"
	    "      --state FILE        resume from where the last run stopped\n"
	    "      --stats FILE        append relay-status NDJSON records to FILE\n"
	    "      --stats-interval S  a status record per relay every S seconds (60)\n"
	    "      --nip11             fetch each relay's NIP-11 document (in --stats)\n"
	    "      --no-meta           write events without the \"meta\" key\n"
	    "      --timeout SECS      connect, handshake and silence before EOSE (10)\n"
	    "      --retries N         reconnections per relay without --follow (3)\n"
	    "      --backoff-base MS   first reconnection delay (500)\n"
	    "      --backoff-max MS    reconnection delay ceiling (30000)\n"
	    "      --overlap SECS      seconds asked again on resume (60)\n"
	    "      --ping SECS         with --follow, ping a relay silent this long (30)\n"
	    "      --dedup-size N      event ids remembered for deduplication (1000000)\n"
	    "      --max-message BYTES largest WebSocket message accepted (4194304)\n"
	    "      --insecure          do not check TLS certificates\n"
	    "      --auth-key FILE     answer NIP-42 AUTH with the key in FILE (nsec or\n"
	    "                          hex, mode 600); default: a key made for the run\n"
	    "      --no-auth           never answer AUTH\n"
	    "      --discovered FILE   more relays, one URL a line (nostr-relays' output;\n"
	    "                          - for standard input); hosts on loopback, private,\n"
	    "                          link-local or CGNAT addresses and .onion refused\n"
	    "      --allow-private     take those internal hosts\n"
	    "      --allow-onion       take .onion hosts\n"
	    "  -v                      summary per relay on standard error at the end (what\n"
	    "                          it gave, what was new, seconds it could not give)\n"
	    "  -q                      no messages on standard error\n"
	    "  -V, --version           print the version\n"
	    "  -h, --help              this help\n", getprogname());
	exit(0);
}

/* add_list: adds a JSON array of the comma-separated strings in list to obj. */
static void
add_string_list(cJSON *obj, const char *name, const char *list, int hex_len,
    int allow_npub)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, name);
	char *copy = xstrdup(list), *tok, *save = NULL;
	char hex[65];
	struct nip19 n;

	if (arr == NULL)
		arr = cJSON_AddArrayToObject(obj, name);
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		if (hex_len && strlen(tok) == (size_t)hex_len && hex_is_lower(tok, strlen(tok))) {
			cJSON_AddItemToArray(arr, cJSON_CreateString(tok));
		} else if (allow_npub && nip19_decode_uri(tok, strlen(tok), &n) == 0 &&
		    (n.type == NIP19_NPUB || n.type == NIP19_NPROFILE)) {
			hex_encode(n.key, 32, hex);
			cJSON_AddItemToArray(arr, cJSON_CreateString(hex));
		} else if (!hex_len) {
			cJSON_AddItemToArray(arr, cJSON_CreateString(tok));
		} else {
			warnx("invalid %s: %s", name, tok);
			exit(2);
		}
	}
	free(copy);
}

static void
add_kinds(cJSON *obj, const char *list)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, "kinds");
	char *copy = xstrdup(list), *tok, *save = NULL;

	if (arr == NULL)
		arr = cJSON_AddArrayToObject(obj, "kinds");
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save))
		cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)cli_number(tok, 0, 65535,
		    "--kinds")));
	free(copy);
}

static void
add_tag(cJSON *obj, const char *arg)
{
	char name[3] = "#";

	/* NIP-01: tag filters are for single-letter tag names. */
	if (!((arg[0] >= 'a' && arg[0] <= 'z') || (arg[0] >= 'A' && arg[0] <= 'Z')) ||
	    arg[1] != '=' || arg[2] == '\0') {
		warnx("invalid --tag: %s (NAME=VALUE with a one-letter NAME)", arg);
		exit(2);
	}
	name[1] = arg[0];
	add_string_list(obj, name, arg + 2, 0, 0);
}

static int64_t
parse_time(const char *arg, const char *name)
{
	int64_t t;

	if (cli_parse_time(arg, (int64_t)time(NULL), &t) < 0) {
		warnx("invalid %s: %s", name, arg);
		exit(2);
	}
	return t;
}

/*
 * auth_key_make: the NIP-42 key, from FILE or made for this run.  With the
 * user's key in memory, the process makes no core dump (it could hold the
 * key).  Exits 1 when FILE cannot be used; returns -1 when no key can be made.
 */
static int
auth_key_make(const char *file, struct sign_key *key)
{
	struct schnorr *s = schnorr_new();
	const char *why;
	int rc = 0;

	memset(key, 0, sizeof *key);
	if (file != NULL) {
		if (prctl(PR_SET_DUMPABLE, 0) != 0)
			err(1, "prctl");
		if (auth_key_load(s, file, key, &why) < 0) {
			schnorr_free(s);  /* no leak at exit under LeakSanitizer */
			errx(1, "%s: %s", file, why);
		}
	} else if (auth_key_ephemeral(s, key) < 0) {
		warnx("no randomness for an AUTH key: AUTH will not be answered");
		rc = -1;
	}
	schnorr_free(s);
	return rc;
}

/* The relays to fetch from: the typed ones first, then the discovered. */
struct relay_list {
	const char **urls;
	unsigned char *discovered;
	char **normal;                /* each one's normal form, NULL when it has none */
	size_t n;
};

static void
relay_list_add(struct relay_list *l, const char *url, int discovered)
{
	struct buf norm = BUF_INIT;

	l->urls = xrealloc(l->urls, (l->n + 1) * sizeof(*l->urls));
	l->discovered = xrealloc(l->discovered, l->n + 1);
	l->normal = xrealloc(l->normal, (l->n + 1) * sizeof(*l->normal));
	l->normal[l->n] = relay_url_normalize(url, strlen(url), &norm) == RELAY_URL_OK ?
	    xstrdup(norm.data) : NULL;
	/* A discovered URL is given in its normal form: that copy is kept. */
	l->urls[l->n] = discovered && l->normal[l->n] ? l->normal[l->n] : url;
	l->discovered[l->n++] = (unsigned char)discovered;
	buf_free(&norm);
}

/* relay_list_has: whether a relay of the list has the normal form url. */
static int
relay_list_has(const struct relay_list *l, const char *url)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->normal[i] != NULL && strcmp(l->normal[i], url) == 0)
			return 1;
	return 0;
}

/*
 * read_discovered: the relays of FILE ("-": standard input), one URL a line
 * (blank lines and # comments skipped), added in their normal form unless
 * the list has them already.  A line that is no relay URL, or whose host is
 * refused by its spelling (a literal internal address, localhost, .onion),
 * is left out with a message; names are checked at connect time, where
 * fetch_run refuses internal addresses.  Exits 1 when FILE cannot be read.
 */
static void
read_discovered(const char *file, unsigned check, int quiet, struct relay_list *l)
{
	FILE *fp = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct buf norm = BUF_INIT;
	enum relay_host_class class;

	if (fp == NULL)
		err(1, "%s", file);
	while ((n = getline(&line, &cap, fp)) > 0) {
		size_t len = (size_t)n;

		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0 || line[0] == '#')
			continue;
		if (relay_url_normalize(line, len, &norm) != RELAY_URL_OK) {
			if (!quiet)
				warnx("%s: not a relay URL, skipped: %.*s", file,
				    len > 80 ? 80 : (int)len, line);
			continue;
		}
		if (hostcheck_url(norm.data, check | HOSTCHECK_NO_RESOLVE, &class) ==
		    HOSTCHECK_REFUSED) {
			if (!quiet)
				warnx("%s: refused (%s host): %s", file, relay_host_class_name(class),
				    norm.data);
			continue;
		}
		if (!relay_list_has(l, norm.data))
			relay_list_add(l, norm.data, 1);
	}
	if (ferror(fp))
		err(1, "%s", file);
	if (fp != stdin)
		fclose(fp);
	free(line);
	buf_free(&norm);
}

static void
relay_list_free(struct relay_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->normal[i]);
	free(l->normal);
	free(l->urls);
	free(l->discovered);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "kinds", required_argument, NULL, 'k' },
		{ "authors", required_argument, NULL, 'a' },
		{ "ids", required_argument, NULL, 'i' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "limit", required_argument, NULL, 'l' },
		{ "tag", required_argument, NULL, 't' },
		{ "filter", required_argument, NULL, 'F' },
		{ "follow", no_argument, NULL, 'f' },
		{ "paginate", no_argument, NULL, 'p' },
		{ "state", required_argument, NULL, 'S' },
		{ "negentropy", no_argument, NULL, 'G' },
		{ "have", required_argument, NULL, 'H' },
		{ "stats", required_argument, NULL, 'T' },
		{ "stats-interval", required_argument, NULL, 'I' },
		{ "nip11", no_argument, NULL, 'N' },
		{ "no-meta", no_argument, NULL, 'M' },
		{ "timeout", required_argument, NULL, 'O' },
		{ "retries", required_argument, NULL, 'R' },
		{ "backoff-base", required_argument, NULL, 'B' },
		{ "backoff-max", required_argument, NULL, 'X' },
		{ "overlap", required_argument, NULL, 'L' },
		{ "ping", required_argument, NULL, 'P' },
		{ "dedup-size", required_argument, NULL, 'D' },
		{ "max-message", required_argument, NULL, 'm' },
		{ "insecure", no_argument, NULL, 'K' },
		{ "auth-key", required_argument, NULL, 'A' },
		{ "no-auth", no_argument, NULL, 'n' },
		{ "discovered", required_argument, NULL, 'Y' },
		{ "allow-private", no_argument, NULL, 'Z' },
		{ "allow-onion", no_argument, NULL, 'W' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct fetch_options o;
	cJSON *opt_filter = cJSON_CreateObject(), *raw;
	int ch, have_opt_filter = 0, rc;
	int64_t since = -1, until = -1, limit = -1;
	char **raw_filters = NULL, **filters, *env, *env_copy = NULL, *tok, *save = NULL;
	struct relay_list rl = { NULL, NULL, NULL, 0 };
	const char *discovered_file = NULL;
	size_t nraw = 0, nfilters = 0, i;
	char why[512];
	const char *auth_file = NULL;
	int no_auth = 0;
	struct sign_key auth_key;
	const char *have_file = NULL;
	struct neg_storage have = NEG_STORAGE_INIT;

	memset(&o, 0, sizeof(o));
	o.meta = 1;
	o.timeout_ms = 10000;
	o.retries = 3;
	o.backoff_base_ms = 500;
	o.backoff_max_ms = 30000;
	o.overlap = 60;
	o.ping_interval_ms = 30000;
	o.dedup_size = 1000000;
	o.max_message = WS_MAX_MESSAGE_DEFAULT;
	o.stats_interval_ms = 60000;
	o.max_shown = 10;
	o.stop = &stop;
	o.out = stdout;
	while ((ch = getopt_long(argc, argv, "k:a:i:s:u:l:t:fpvqVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'k': add_kinds(opt_filter, optarg); have_opt_filter = 1; break;
		case 'a': add_string_list(opt_filter, "authors", optarg, 64, 1);
			have_opt_filter = 1; break;
		case 'i': add_string_list(opt_filter, "ids", optarg, 64, 0);
			have_opt_filter = 1; break;
		case 's': since = parse_time(optarg, "--since"); break;
		case 'u': until = parse_time(optarg, "--until"); break;
		case 'l': limit = cli_number(optarg, 0, 1000000000, "--limit"); break;
		case 't': add_tag(opt_filter, optarg); have_opt_filter = 1; break;
		case 'F':
			raw = cJSON_Parse(optarg);
			if (!cJSON_IsObject(raw)) {
				warnx("invalid --filter (not a JSON object): %s", optarg);
				exit(2);
			}
			raw_filters = xrealloc(raw_filters, (nraw + 1) * sizeof(*raw_filters));
			raw_filters[nraw++] = cJSON_PrintUnformatted(raw);
			cJSON_Delete(raw);
			break;
		case 'f': o.follow = 1; break;
		case 'p': o.paginate = 1; break;
		case 'S': o.state_file = optarg; break;
		case 'G': o.negentropy = 1; break;
		case 'H': have_file = optarg; break;
		case 'T': o.stats_file = optarg; break;
		case 'I': o.stats_interval_ms = cli_number(optarg, 1, 86400, "--stats-interval") * 1000;
			break;
		case 'N': o.nip11 = 1; break;
		case 'M': o.meta = 0; break;
		case 'O': o.timeout_ms = cli_number(optarg, 1, 3600, "--timeout") * 1000; break;
		case 'R': o.retries = (int)cli_number(optarg, 0, 1000000, "--retries"); break;
		case 'B': o.backoff_base_ms = cli_number(optarg, 1, 3600000, "--backoff-base"); break;
		case 'X': o.backoff_max_ms = cli_number(optarg, 1, 86400000, "--backoff-max"); break;
		case 'L': o.overlap = cli_number(optarg, 0, 86400 * 365, "--overlap"); break;
		case 'P': o.ping_interval_ms = cli_number(optarg, 0, 86400, "--ping") * 1000; break;
		case 'D': o.dedup_size = (size_t)cli_number(optarg, 1, 1LL << 32, "--dedup-size");
			break;
		case 'm': o.max_message = (size_t)cli_number(optarg, 1024, 1LL << 30,
		    "--max-message"); break;
		case 'K': o.insecure = 1; break;
		case 'A': auth_file = optarg; break;
		case 'n': no_auth = 1; break;
		case 'Y': discovered_file = optarg; break;
		case 'Z': o.hostcheck |= HOSTCHECK_ALLOW_PRIVATE; break;
		case 'W': o.hostcheck |= HOSTCHECK_ALLOW_ONION; break;
		case 'v': o.verbose = 1; break;
		case 'q': o.quiet = 1; break;
		case 'V': cli_version();
		case 'h': help();
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (o.backoff_max_ms < o.backoff_base_ms)
		o.backoff_max_ms = o.backoff_base_ms;

	/* Relays: operands, or NOSTR_RELAYS; then the discovered ones. */
	for (i = 0; i < (size_t)argc; i++)
		relay_list_add(&rl, argv[i], 0);
	if (argc == 0 && (env = getenv("NOSTR_RELAYS")) != NULL) {
		env_copy = xstrdup(env);
		for (tok = strtok_r(env_copy, ", ", &save); tok != NULL; tok = strtok_r(NULL, ", ", &save))
			relay_list_add(&rl, tok, 0);
	}
	for (i = 0; i < rl.n; i++) {
		if (strncasecmp(rl.urls[i], "ws://", 5) != 0 && strncasecmp(rl.urls[i], "wss://", 6) != 0) {
			warnx("not a ws:// or wss:// URL: %s", rl.urls[i]);
			exit(2);
		}
	}
	if (discovered_file != NULL) {
		size_t typed = rl.n;

		read_discovered(discovered_file, o.hostcheck, o.quiet, &rl);
		if (rl.n == 0)
			errx(1, "%s: no relay to fetch from", discovered_file);
		if (typed == rl.n && !o.quiet)
			warnx("%s: no relay taken", discovered_file);
	}
	if (rl.n == 0) {
		warnx("no relay: give RELAY_URL operands or set NOSTR_RELAYS");
		usage();
	}

	/* Filters: the one from -k -a -i -t (or an empty one when no --filter is
	 * given), then each --filter; --since, --until and --limit apply to every
	 * filter that does not set them itself. */
	filters = xcalloc(nraw + 1, sizeof(*filters));
	if (have_opt_filter || nraw == 0)
		filters[nfilters++] = cJSON_PrintUnformatted(opt_filter);
	for (i = 0; i < nraw; i++)
		filters[nfilters++] = raw_filters[i];
	cJSON_Delete(opt_filter);
	for (i = 0; i < nfilters; i++) {
		cJSON *f = cJSON_Parse(filters[i]);

		if (since >= 0 && !cJSON_HasObjectItem(f, "since"))
			cJSON_AddNumberToObject(f, "since", (double)since);
		if (until >= 0 && !cJSON_HasObjectItem(f, "until"))
			cJSON_AddNumberToObject(f, "until", (double)until);
		if (limit >= 0 && !cJSON_HasObjectItem(f, "limit"))
			cJSON_AddNumberToObject(f, "limit", (double)limit);
		free(filters[i]);
		filters[i] = cJSON_PrintUnformatted(f);
		cJSON_Delete(f);
	}
	o.relays = rl.urls;
	o.nrelays = rl.n;
	o.discovered = rl.discovered;
	o.filters = (const char *const *)filters;
	o.nfilters = nfilters;

	if (have_file != NULL && !o.negentropy)
		errx(2, "--have needs --negentropy");
	if (have_file != NULL) {
		FILE *fp = strcmp(have_file, "-") == 0 ? stdin : fopen(have_file, "r");

		if (fp == NULL)
			err(2, "%s", have_file);
		if (nip77_have_load(fp, &have, why, sizeof(why)) < 0) {
			neg_storage_free(&have);
			errx(2, "%s: %s", have_file, why);
		}
		if (fp != stdin)
			fclose(fp);
		neg_storage_seal(&have);
		o.have = &have;
	}
	if (auth_file != NULL && no_auth)
		errx(2, "--auth-key and --no-auth exclude each other");
	if (!no_auth && auth_key_make(auth_file, &auth_key) == 0)
		o.auth_key = &auth_key;

	/* A signal sets stop and wakes poll() through this pipe. */
	if (pipe2(wake_pipe, O_NONBLOCK | O_CLOEXEC) != 0)
		err(1, "pipe");
	o.wake_fd = wake_pipe[0];
	cli_on_signals(on_signal);
	cli_stdout_buffer();

	if ((rc = fetch_run(&o, why, sizeof why)) != 0 && why[0] != '\0')
		warnx("%s", why);
	sign_key_clear(&auth_key);

	for (i = 0; i < nfilters; i++)
		free(filters[i]);
	free(filters);
	free(raw_filters);
	relay_list_free(&rl);
	free(env_copy);
	neg_storage_free(&have);
	return rc;
}
