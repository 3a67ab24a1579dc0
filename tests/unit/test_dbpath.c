/*
 * test_dbpath.c: db_path_resolve's order (-d, NOSTR_DB, DATABASE_URL, the
 * XDG default), its URL forms and engines, URLs shown without passwords, the
 * writer's db_path_make_parents, and db_open_sqlite with must_exist: a
 * reader's missing database is an error that leaves no file behind.
 */
#include "store/db.h"
#include "store/dbpath.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

static char dir[] = "/tmp/np-test-dbpath.XXXXXX";

static void
clear_env(void)
{
	unsetenv("NOSTR_DB");
	unsetenv("DATABASE_URL");
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/u", 1);
}

/* resolved: the path for option and the environment now, or the error. */
static const char *
resolved(const char *option, int *rc)
{
	static struct db_path p;
	static char err[256];

	err[0] = '\0';
	*rc = db_path_resolve(option, &p, err, sizeof err);
	return *rc == 0 ? p.path : err;
}

static void
test_order(void)
{
	struct db_path p;
	char err[256];
	int rc;

	clear_env();
	CHECK_EQ_STR(resolved(NULL, &rc), "/home/u/.local/share/nostr-pipeline/nostr.db");
	CHECK_EQ_INT(rc, 0);
	setenv("XDG_DATA_HOME", "/xdg", 1);
	CHECK_EQ_STR(resolved(NULL, &rc), "/xdg/nostr-pipeline/nostr.db");
	setenv("DATABASE_URL", "sqlite:///srv/url.db", 1);
	CHECK_EQ_STR(resolved(NULL, &rc), "/srv/url.db");
	setenv("NOSTR_DB", "env.db", 1);
	CHECK_EQ_STR(resolved(NULL, &rc), "env.db");
	CHECK_EQ_STR(resolved("opt.db", &rc), "opt.db");
	CHECK_EQ_INT(db_path_resolve("opt.db", &p, err, sizeof err), 0);
	CHECK_EQ_INT(p.source, DB_PATH_OPTION);
	CHECK_EQ_INT(db_path_resolve(NULL, &p, err, sizeof err), 0);
	CHECK_EQ_INT(p.source, DB_PATH_NOSTR_DB);
	/* Empty counts as not set, at every step. */
	CHECK_EQ_STR(resolved("", &rc), "env.db");
	setenv("NOSTR_DB", "", 1);
	CHECK_EQ_STR(resolved(NULL, &rc), "/srv/url.db");
	CHECK_EQ_INT(db_path_resolve(NULL, &p, err, sizeof err), 0);
	CHECK_EQ_INT(p.source, DB_PATH_DATABASE_URL);
	setenv("DATABASE_URL", "", 1);
	CHECK_EQ_STR(resolved(NULL, &rc), "/xdg/nostr-pipeline/nostr.db");
	CHECK_EQ_INT(db_path_resolve(NULL, &p, err, sizeof err), 0);
	CHECK_EQ_INT(p.source, DB_PATH_DEFAULT);
}

static void
test_xdg(void)
{
	int rc;

	clear_env();
	/* The specification: a relative XDG_DATA_HOME is ignored. */
	setenv("XDG_DATA_HOME", "rel", 1);
	CHECK_EQ_STR(resolved(NULL, &rc), "/home/u/.local/share/nostr-pipeline/nostr.db");
	setenv("XDG_DATA_HOME", "", 1);
	CHECK_EQ_STR(resolved(NULL, &rc), "/home/u/.local/share/nostr-pipeline/nostr.db");
	unsetenv("HOME");
	unsetenv("XDG_DATA_HOME");
	resolved(NULL, &rc);
	CHECK_EQ_INT(rc, -1);
	setenv("XDG_DATA_HOME", "/xdg", 1);
	CHECK_EQ_STR(resolved(NULL, &rc), "/xdg/nostr-pipeline/nostr.db");
}

static void
test_urls(void)
{
	struct db_path p;
	char err[256], arg[64];
	const char *msg;
	int rc;

	clear_env();
	setenv("DATABASE_URL", "sqlite:///abs/a.db", 1);
	CHECK_EQ_STR(resolved(NULL, &rc), "/abs/a.db");
	setenv("DATABASE_URL", "SQLite://rel/b.db", 1);
	CHECK_EQ_STR(resolved(NULL, &rc), "rel/b.db");
	setenv("DATABASE_URL", "sqlite:c.db", 1);
	CHECK_EQ_STR(resolved(NULL, &rc), "c.db");
	setenv("DATABASE_URL", "/plain/d.db", 1);
	CHECK_EQ_STR(resolved(NULL, &rc), "/plain/d.db");
	setenv("DATABASE_URL", "./x:y.db", 1);
	CHECK_EQ_STR(resolved(NULL, &rc), "./x:y.db");
	setenv("DATABASE_URL", "sqlite:///", 1);
	resolved(NULL, &rc);
	CHECK_EQ_INT(rc, -1);
	/* PostgreSQL: the URL as it is for libpq, shown without the password. */
	setenv("DATABASE_URL", "postgresql://np:s3cr3t@db.example:5432/np", 1);
	CHECK_EQ_STR(resolved(NULL, &rc), "postgresql://np:s3cr3t@db.example:5432/np");
	CHECK_EQ_INT(db_path_resolve(NULL, &p, err, sizeof err), 0);
	CHECK_EQ_INT(p.engine, DB_ENGINE_POSTGRESQL);
	CHECK_EQ_STR(p.display, "postgresql://np@db.example:5432/np");
	setenv("DATABASE_URL", "Postgres://np:s3cr3t@db.example/np", 1);
	CHECK_EQ_INT(db_path_resolve(NULL, &p, err, sizeof err), 0);
	CHECK_EQ_INT(p.engine, DB_ENGINE_POSTGRESQL);
	CHECK_EQ_STR(p.display, "Postgres://np@db.example/np");
	CHECK_EQ_INT(db_path_resolve("postgresql://h/d?password=pw&x=1", &p, err, sizeof err), 0);
	CHECK_EQ_INT(p.source, DB_PATH_OPTION);
	CHECK_EQ_STR(p.display, "postgresql://h/d?password=***&x=1");
	CHECK_EQ_INT(db_path_resolve("sqlite:///f.db", &p, err, sizeof err), 0);
	CHECK_EQ_INT(p.engine, DB_ENGINE_SQLITE);
	CHECK_EQ_STR(p.display, "/f.db");
	/* A password with @ and / in it: less is shown rather than more. */
	db_url_redact("postgresql://u:a@b/c@h/d", err, sizeof err);
	CHECK_EQ_STR(err, "postgresql://u@h/d");
	db_url_redact("postgresql://u:pw@h", err, 8);
	CHECK_EQ_STR(err, "postgre");
	strcpy(arg, "postgresql://u:pw@h/d?password=zz");
	db_url_hide_password(arg);
	CHECK_EQ_STR(arg, "postgresql://u:xx@h/d?password=xx");
	setenv("DATABASE_URL", "mysql://np:s3cr3t@db.example/np", 1);
	msg = resolved(NULL, &rc);
	CHECK_EQ_INT(rc, -1);
	CHECK(strstr(msg, "the scheme mysql is not supported") != NULL);
	CHECK(strstr(msg, "s3cr3t") == NULL);
}

static void
test_too_long(void)
{
	char *p = malloc(5000);
	int rc;

	clear_env();
	memset(p, 'a', 4999);
	p[4999] = '\0';
	resolved(p, &rc);
	CHECK_EQ_INT(rc, -1);
	p[0] = '/';
	p[4090] = '\0';
	setenv("XDG_DATA_HOME", p, 1);
	resolved(NULL, &rc);
	CHECK_EQ_INT(rc, -1);
	free(p);
}

static void
test_make_parents(void)
{
	char path[128], err[256] = "";
	struct stat st;

	snprintf(path, sizeof path, "%s/a/b/c/nostr.db", dir);
	CHECK_EQ_INT(db_path_make_parents(path, err, sizeof err), 0);
	snprintf(path, sizeof path, "%s/a/b/c", dir);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK(S_ISDIR(st.st_mode));
	CHECK_EQ_INT(st.st_mode & 0777, 0700);
	/* Again: they exist, which is fine; the file itself is not made. */
	snprintf(path, sizeof path, "%s/a/b/c/nostr.db", dir);
	CHECK_EQ_INT(db_path_make_parents(path, err, sizeof err), 0);
	CHECK(access(path, F_OK) != 0);
	CHECK_EQ_INT(db_path_make_parents("nostr.db", err, sizeof err), 0);
	CHECK_EQ_INT(db_path_make_parents("/nostr.db", err, sizeof err), 0);
	/* A file in the way. */
	snprintf(path, sizeof path, "%s/file", dir);
	fclose(fopen(path, "w"));
	snprintf(path, sizeof path, "%s/file/x/nostr.db", dir);
	CHECK_EQ_INT(db_path_make_parents(path, err, sizeof err), -1);
	CHECK(err[0] != '\0');
	snprintf(path, sizeof path, "%s/file", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/a/b/c", dir);
	rmdir(path);
	snprintf(path, sizeof path, "%s/a/b", dir);
	rmdir(path);
	snprintf(path, sizeof path, "%s/a", dir);
	rmdir(path);
}

static void
test_reader_never_creates(void)
{
	struct db_options reader = { .must_exist = 1 };
	char path[128], f[160], err[256] = "";
	sqlite3 *db;

	snprintf(path, sizeof path, "%s/r.db", dir);
	CHECK(db_open_sqlite(path, &reader, err, sizeof err) == NULL);
	CHECK_EQ_STR(err, DB_NO_SUCH_DATABASE);
	CHECK(access(path, F_OK) != 0);
	/* The writer's way creates it; then the reader opens it. */
	db = db_open_sqlite(path, NULL, err, sizeof err);
	CHECK(db != NULL);
	sqlite3_close(db);
	db = db_open_sqlite(path, &reader, err, sizeof err);
	CHECK(db != NULL);
	sqlite3_close(db);
	snprintf(f, sizeof f, "%s-wal", path);
	unlink(f);
	snprintf(f, sizeof f, "%s-shm", path);
	unlink(f);
	unlink(path);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	TEST(test_order);
	TEST(test_xdg);
	TEST(test_urls);
	TEST(test_too_long);
	TEST(test_make_parents);
	TEST(test_reader_never_creates);
	rmdir(dir);
	return tap_done();
}
