#include "store/sink.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/buf.h"
#include "store/pgload.h"

struct sink {
	struct db *db;          /* SQLite, or NULL */
	struct pgload *pg;      /* PostgreSQL, or NULL */
};

struct sink *
sink_open(const struct db_path *where, const struct db_options *opt, char *err,
    size_t errlen)
{
	struct sink *s = xcalloc(1, sizeof *s);
	char msg[1024];

	if (where->engine == DB_ENGINE_SQLITE) {
		if ((s->db = db_open(where->path, opt, err, errlen)) != NULL)
			return s;
	} else if ((s->pg = pgload_open(where->path, opt, msg, sizeof msg)) != NULL) {
		return s;
	} else {
		snprintf(err, errlen, "%s: %s", where->display, msg);
	}
	sink_close(s);
	return NULL;
}

void
sink_close(struct sink *s)
{
	if (s == NULL)
		return;
	db_close(s->db);
	pgload_close(s->pg);
	free(s);
}

const char *
sink_errmsg(struct sink *s)
{
	return s->pg ? pgload_errmsg(s->pg) : db_errmsg(s->db);
}

int
sink_begin(struct sink *s)
{
	return s->pg ? pgload_begin(s->pg) : db_begin(s->db);
}

int
sink_commit(struct sink *s)
{
	return s->pg ? pgload_commit(s->pg) : db_commit(s->db);
}

int
sink_add_event(struct sink *s, const struct event *ev, const struct enrich_meta *m,
    const char *meta_json, size_t meta_len)
{
	return s->pg ? pgload_add_event(s->pg, ev, m, meta_json, meta_len) :
	    db_add_event(s->db, ev, m, meta_json, meta_len);
}

int
sink_add_relay_record(struct sink *s, const char *line, size_t len)
{
	return s->pg ? pgload_add_relay_record(s->pg, line, len) :
	    db_add_relay_record(s->db, line, len);
}

const struct db_stats *
sink_get_stats(const struct sink *s)
{
	return s->pg ? pgload_get_stats(s->pg) : db_get_stats(s->db);
}
