#include "store/dbpath.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define DB_PATH_TAIL "/nostr-pipeline/nostr.db"

/* set: copies path into out; -1 with a message when it does not fit or is empty. */
static int
set(struct db_path *out, enum db_path_source source, const char *what,
    const char *path, char *err, size_t errlen)
{
	if (*path == '\0' || path[strlen(path) - 1] == '/') {
		snprintf(err, errlen, "%s: no database file name in it", what);
		return -1;
	}
	if (strlen(path) >= sizeof out->path) {
		snprintf(err, errlen, "%s: the path is too long", what);
		return -1;
	}
	strcpy(out->path, path);
	strcpy(out->display, path);
	out->source = source;
	out->engine = DB_ENGINE_SQLITE;
	return 0;
}

/* scheme_len: the length of the "scheme:" a URL begins with (RFC 3986), or 0. */
static size_t
scheme_len(const char *url)
{
	size_t n = 0;

	if (!((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z')))
		return 0;
	n = strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
	return url[n] == ':' ? n + 1 : 0;
}

/* is_scheme: whether the n-byte "scheme:" at url is name (with its colon). */
static int
is_scheme(const char *url, size_t n, const char *name)
{
	return n == strlen(name) && strncasecmp(url, name, n) == 0;
}

/*
 * from_value: the database a -d argument, NOSTR_DB or DATABASE_URL names:
 * an SQLite URL or path, or a PostgreSQL URL; any other scheme is refused.
 */
static int
from_value(const char *v, enum db_path_source source, const char *what,
    struct db_path *out, char *err, size_t errlen)
{
	size_t n = scheme_len(v);

	if (is_scheme(v, n, "sqlite:")) {
		v += n;
		/* sqlite:///abs keeps its slash; sqlite://rel and sqlite:rel are relative. */
		if (strncmp(v, "//", 2) == 0)
			v += 2;
		return set(out, source, what, v, err, errlen);
	}
	if (n > 0 && strncmp(v + n, "//", 2) == 0) {
		if (!is_scheme(v, n, "postgresql:") && !is_scheme(v, n, "postgres:")) {
			snprintf(err, errlen, "%s: the scheme %.*s is not supported; only SQLite"
			    " (sqlite:///PATH, or a file path) and PostgreSQL (postgresql://...)",
			    what, (int)(n - 1), v);
			return -1;
		}
		if (strlen(v) >= sizeof out->path) {
			snprintf(err, errlen, "%s: the URL is too long", what);
			return -1;
		}
		strcpy(out->path, v);
		db_url_redact(v, out->display, sizeof out->display);
		out->source = source;
		out->engine = DB_ENGINE_POSTGRESQL;
		return 0;
	}
	return set(out, source, what, v, err, errlen);
}

/* from_xdg: $XDG_DATA_HOME/nostr-pipeline/nostr.db, or under $HOME/.local/share. */
static int
from_xdg(struct db_path *out, char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int n;

	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(out->path, sizeof out->path, "%s" DB_PATH_TAIL, xdg);
	else if (home != NULL && home[0] != '\0')
		n = snprintf(out->path, sizeof out->path, "%s/.local/share" DB_PATH_TAIL, home);
	else {
		snprintf(err, errlen, "no database: give -d, or set NOSTR_DB, DATABASE_URL,"
		    " XDG_DATA_HOME or HOME");
		return -1;
	}
	if (n < 0 || (size_t)n >= sizeof out->path) {
		snprintf(err, errlen, "the default database path is too long");
		return -1;
	}
	strcpy(out->display, out->path);
	out->source = DB_PATH_DEFAULT;
	out->engine = DB_ENGINE_SQLITE;
	return 0;
}

int
db_path_resolve(const char *option, struct db_path *out, char *err, size_t errlen)
{
	const char *v;

	if (option != NULL && *option != '\0')
		return from_value(option, DB_PATH_OPTION, "-d", out, err, errlen);
	if ((v = getenv("NOSTR_DB")) != NULL && *v != '\0')
		return from_value(v, DB_PATH_NOSTR_DB, "NOSTR_DB", out, err, errlen);
	if ((v = getenv("DATABASE_URL")) != NULL && *v != '\0')
		return from_value(v, DB_PATH_DATABASE_URL, "DATABASE_URL", out, err, errlen);
	return from_xdg(out, err, errlen);
}

int
db_path_make_parents(const char *path, char *err, size_t errlen)
{
	char dir[sizeof ((struct db_path *)0)->path];
	char *p;

	if (strlen(path) >= sizeof dir) {
		snprintf(err, errlen, "%s: the path is too long", path);
		return -1;
	}
	strcpy(dir, path);
	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		return 0;
	*p = '\0';
	/* Each prefix in turn, as mkdir -p does; existing ones are fine. */
	for (p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			return -1;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	return 0;
}

/*
 * secret_spans: where the password parts of a postgresql:// URL are: the
 * user part's password (from its first ':' to the last '@' before any '?':
 * a password may hold '/' and '@' unencoded, and less is shown rather than
 * more) and the value of each password= parameter.  Calls span(start, len)
 * for each, in order.
 */
static void
secret_spans(const char *url, void (*span)(size_t at, size_t len, void *arg), void *arg)
{
	const char *auth, *q, *at = NULL, *colon, *p;
	size_t n = scheme_len(url);

	if (n == 0 || strncmp(url + n, "//", 2) != 0)
		return;
	auth = url + n + 2;
	q = strchr(auth, '?');
	for (p = auth; *p != '\0' && p != q; p++)
		if (*p == '@')
			at = p;
	if (at != NULL && (colon = memchr(auth, ':', (size_t)(at - auth))) != NULL)
		span((size_t)(colon + 1 - url), (size_t)(at - colon - 1), arg);
	for (p = q; p != NULL && *p != '\0'; p = strchr(p, '&')) {
		p++;
		if (strncasecmp(p, "password=", 9) == 0) {
			size_t len = strcspn(p + 9, "&");

			span((size_t)(p + 9 - url), len, arg);
		}
	}
}

struct redact {
	const char *url;
	char *out;
	size_t outlen, done, from;   /* bytes written; the url's next byte to copy */
};

/* redact_copy: appends url[from..to) to the output, as far as it fits. */
static void
redact_copy(struct redact *r, const char *s, size_t len)
{
	size_t room = r->outlen - 1 - r->done;

	if (len > room)
		len = room;
	memcpy(r->out + r->done, s, len);
	r->done += len;
}

static void
redact_span(size_t at, size_t len, void *arg)
{
	struct redact *r = arg;

	/* The user part's password goes with its ':'; a parameter's value is ***. */
	if (at > 0 && r->url[at - 1] == ':') {
		redact_copy(r, r->url + r->from, at - 1 - r->from);
	} else {
		redact_copy(r, r->url + r->from, at - r->from);
		redact_copy(r, "***", len > 0 ? 3 : 0);
	}
	r->from = at + len;
}

void
db_url_redact(const char *url, char *out, size_t outlen)
{
	struct redact r = { url, out, outlen, 0, 0 };

	if (outlen == 0)
		return;
	secret_spans(url, redact_span, &r);
	redact_copy(&r, url + r.from, strlen(url + r.from));
	out[r.done] = '\0';
}

static void
hide_span(size_t at, size_t len, void *arg)
{
	memset((char *)arg + at, 'x', len);
}

void
db_url_hide_password(char *url)
{
	secret_spans(url, hide_span, url);
}
