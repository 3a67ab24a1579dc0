/*
 * pgstage.h: one event (with its meta) or relay-status record as rows of
 * the staging tables that store/pgload copies into PostgreSQL, in COPY's
 * text format: the event's own row and one row per derived value, each
 * keyed by the line's number in the batch (seq), so that the set-based
 * writes can join them to the event they came from.
 *
 * The rows hold what lib/store/db.c writes for the same event in SQLite,
 * read by the same rules (which tags count, the first value of a repeated
 * profile key, a contact list's p tags as follows and not mentions, ...);
 * tests/pg-load.bats compares the two.  Text goes out with each U+0000 as
 * U+FFFD (PostgreSQL's text cannot hold it); content that held one also
 * goes out exactly, as bytea (schema-pg.sql).
 */
#ifndef NP_PGSTAGE_H
#define NP_PGSTAGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "enrich/enrich.h"
#include "nostr/event.h"
#include "nostr/kind0.h"
#include "store/relayrec.h"

enum pg_stage {
	PG_ST_EVENTS, PG_ST_HASHTAGS, PG_ST_MENTIONS, PG_ST_REFS, PG_ST_REPLIES,
	PG_ST_REACTIONS, PG_ST_REPOSTS, PG_ST_ZAPS, PG_ST_FOLLOWS, PG_ST_PROFILES,
	PG_ST_DELETIONS, PG_ST_RELAYS, PG_ST_COUNT
};

/* Each staging table's name and its CREATE TEMP TABLE column list. */
extern const char *const pg_stage_name[PG_ST_COUNT];
extern const char *const pg_stage_columns[PG_ST_COUNT];

/* The rows of a batch so far, one buffer of COPY text per staging table. */
struct pg_stage_rows {
	struct buf rows[PG_ST_COUNT];
	uint64_t count[PG_ST_COUNT];
	struct buf scratch, key;
	struct kind0_profile profile;
	struct relay_rec rec;
};

void pg_stage_init(struct pg_stage_rows *s);
void pg_stage_reset(struct pg_stage_rows *s);
void pg_stage_free(struct pg_stage_rows *s);

/* pg_stage_event: the rows of ev (line seq of the batch), whose meta m was
 * written as JSON in meta_json (meta_len bytes).  Ephemeral events are the
 * caller's to skip. */
void pg_stage_event(struct pg_stage_rows *s, int64_t seq, const struct event *ev,
    const struct enrich_meta *m, const char *meta_json, size_t meta_len);

/* pg_stage_relay_record: the row of a relay-status record (as db.h's
 * db_add_relay_record reads one).  0, or 1 when the line is not one. */
int pg_stage_relay_record(struct pg_stage_rows *s, int64_t seq, const char *line,
    size_t len);

#endif
