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
	out->source = source;
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

/* from_url: the path of an SQLite DATABASE_URL; any other scheme is refused. */
static int
from_url(const char *url, struct db_path *out, char *err, size_t errlen)
{
	size_t n = scheme_len(url);

	if (n == strlen("sqlite:") && strncasecmp(url, "sqlite:", n) == 0) {
		url += n;
		/* sqlite:///abs keeps its slash; sqlite://rel and sqlite:rel are relative. */
		if (strncmp(url, "//", 2) == 0)
			url += 2;
		return set(out, DB_PATH_DATABASE_URL, "DATABASE_URL", url, err, errlen);
	}
	if (n > 0 && strncmp(url + n, "//", 2) == 0) {
		if ((n == strlen("postgresql:") && strncasecmp(url, "postgresql:", n) == 0) ||
		    (n == strlen("postgres:") && strncasecmp(url, "postgres:", n) == 0))
			snprintf(err, errlen, "DATABASE_URL: PostgreSQL is not supported yet;"
			    " only SQLite (sqlite:///PATH, or a file path)");
		else
			snprintf(err, errlen, "DATABASE_URL: the scheme %.*s is not supported;"
			    " only SQLite (sqlite:///PATH, or a file path)", (int)(n - 1), url);
		return -1;
	}
	return set(out, DB_PATH_DATABASE_URL, "DATABASE_URL", url, err, errlen);
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
	out->source = DB_PATH_DEFAULT;
	return 0;
}

int
db_path_resolve(const char *option, struct db_path *out, char *err, size_t errlen)
{
	const char *v;

	if (option != NULL && *option != '\0')
		return set(out, DB_PATH_OPTION, "-d", option, err, errlen);
	if ((v = getenv("NOSTR_DB")) != NULL && *v != '\0')
		return set(out, DB_PATH_NOSTR_DB, "NOSTR_DB", v, err, errlen);
	if ((v = getenv("DATABASE_URL")) != NULL && *v != '\0')
		return from_url(v, out, err, errlen);
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
