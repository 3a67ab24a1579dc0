/*
 * sink.h: nostr-load's database behind one set of calls, whichever engine
 * store/dbpath chose: SQLite (store/db) or PostgreSQL (store/pgload).  The
 * calls mean what they mean in db.h.
 */
#ifndef NP_SINK_H
#define NP_SINK_H

#include <stddef.h>

#include "enrich/enrich.h"
#include "nostr/event.h"
#include "store/db.h"
#include "store/dbpath.h"

struct sink;

/* sink_open: opens (creating when absent) the database where names.
 * Returns NULL with "DATABASE: reason" in err; DATABASE is where->display. */
struct sink *sink_open(const struct db_path *where, const struct db_options *opt,
    char *err, size_t errlen);
void sink_close(struct sink *s);
const char *sink_errmsg(struct sink *s);
int sink_begin(struct sink *s);
int sink_commit(struct sink *s);
int sink_add_event(struct sink *s, const struct event *ev, const struct enrich_meta *m,
    const char *meta_json, size_t meta_len);
int sink_add_relay_record(struct sink *s, const char *line, size_t len);
const struct db_stats *sink_get_stats(const struct sink *s);

#endif
