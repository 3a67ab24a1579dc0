/*
 * dbpath.h: where the database is, decided in one place for every tool and
 * for the nostr-pipeline wrapper (which asks nostr-load --print-db).
 *
 * The first of these that is set and not empty:
 *   1. the -d/--db option;
 *   2. NOSTR_DB, a file path;
 *   3. DATABASE_URL: sqlite:///ABSOLUTE/PATH, sqlite://RELATIVE/PATH,
 *      sqlite:PATH, or a plain path; postgresql:// and postgres:// are
 *      refused (not supported yet), as is any other scheme://;
 *   4. $XDG_DATA_HOME/nostr-pipeline/nostr.db, where XDG_DATA_HOME defaults
 *      to $HOME/.local/share (a relative XDG_DATA_HOME is ignored, as the
 *      XDG Base Directory specification says).
 * The messages never quote a URL: it may carry a password.
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

struct db_path {
	char path[4096];
	enum db_path_source source;
};

/*
 * db_path_resolve: fills out from option (the -d argument, or NULL) and the
 * environment, in the order above.  Returns 0, or -1 with the reason in err
 * (errlen bytes), e.g. for a PostgreSQL URL or when no HOME is set.
 */
int db_path_resolve(const char *option, struct db_path *out, char *err, size_t errlen);

/*
 * db_path_make_parents: creates the missing directories above path (mode
 * 0700, the XDG specification's for data directories), for the writer that
 * creates the default database (DB_PATH_DEFAULT).  Returns 0, or -1 with the
 * reason in err.
 */
int db_path_make_parents(const char *path, char *err, size_t errlen);

#endif
