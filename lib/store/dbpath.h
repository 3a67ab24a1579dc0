/*
 * dbpath.h: where the database is, decided in one place for every tool and
 * for the nostr-pipeline wrapper (which asks nostr-load --print-db).
 *
 * The first of these that is set and not empty:
 *   1. the -d/--db option;
 *   2. NOSTR_DB;
 *   3. DATABASE_URL;
 *   4. $XDG_DATA_HOME/nostr-pipeline/nostr.db, where XDG_DATA_HOME defaults
 *      to $HOME/.local/share (a relative XDG_DATA_HOME is ignored, as the
 *      XDG Base Directory specification says).
 * Each is a file path, sqlite:///ABSOLUTE/PATH, sqlite://RELATIVE/PATH or
 * sqlite:PATH (SQLite), or a postgresql:// or postgres:// URL (PostgreSQL,
 * given to libpq as it is); any other scheme:// is refused.
 * The messages never quote a URL: it may carry a password.  What a tool
 * shows of the database is `display`: the path, or the URL without its
 * password (db_url_redact).
 */
#ifndef NP_DBPATH_H
#define NP_DBPATH_H

#include <stddef.h>

enum db_path_source {
	DB_PATH_OPTION,         /* -d */
	DB_PATH_NOSTR_DB,       /* $NOSTR_DB */
	DB_PATH_DATABASE_URL,   /* $DATABASE_URL */
	DB_PATH_DEFAULT         /* the XDG data directory */
};

enum db_engine {
	DB_ENGINE_SQLITE,       /* path is a file path */
	DB_ENGINE_POSTGRESQL    /* path is a postgresql:// URL, for libpq */
};

struct db_path {
	char path[4096];
	char display[4096];     /* path, a URL without its password */
	enum db_path_source source;
	enum db_engine engine;
};

/*
 * db_path_resolve: fills out from option (the -d argument, or NULL) and the
 * environment, in the order above.  Returns 0, or -1 with the reason in err
 * (errlen bytes), e.g. for an unknown scheme:// or when no HOME is set.
 */
int db_path_resolve(const char *option, struct db_path *out, char *err, size_t errlen);

/*
 * db_url_redact: url as it may be shown: a postgresql:// URL without the
 * password of its user part and with the value of a password= parameter
 * replaced by "***"; anything else as it is (truncated to outlen).
 */
void db_url_redact(const char *url, char *out, size_t outlen);

/*
 * db_url_hide_password: overwrites in place the password db_url_redact
 * would hide (a -d argument, so that ps shows none once the tool has
 * copied it).
 */
void db_url_hide_password(char *url);

/*
 * db_path_make_parents: creates the missing directories above path (mode
 * 0700, the XDG specification's for data directories), for the writer that
 * creates the default database (DB_PATH_DEFAULT).  Returns 0, or -1 with the
 * reason in err.
 */
int db_path_make_parents(const char *path, char *err, size_t errlen);

#endif
