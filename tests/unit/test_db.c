/*
 * test_db.c: db.h on an in-memory database: relay-status records accepted and
 * refused, duplicates, and the replaceable and deletion rules seen from the
 * counters (the bats suite checks the rows themselves).
 */
#include "store/db.h"
#include "enrich/enrich.h"
#include "nostr/event.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

static struct db *db;
static struct enrich *en;

static int
relay(const char *line)
{
	return db_add_relay_record(db, line, strlen(line));
}

static void
test_relay_records(void)
{
	uint64_t before = db_get_stats(db)->relay_records;

	CHECK_EQ_INT(relay("{\"relay\":\"wss://a\",\"time\":1,\"state\":\"connected\"}"), 0);
	CHECK_EQ_INT(relay("{\"relay\":\"wss://a\",\"time\":1.0e0,\"state\":\"connected\"}"), 0);
	CHECK_EQ_INT(relay(" {\"state\":\"eose\", \"time\":2.5 ,\"relay\":\"wss://a\",\"events\":1e300,"
	    "\"connect_ms\":null,\"nip11\":{\"a\":[1,{\"b\":2}]},\"extra\":[true]} "), 0);
	CHECK_EQ_INT(db_get_stats(db)->relay_records, before + 2);
	CHECK_EQ_INT(db_get_stats(db)->relay_duplicates, 1);
	/* Not relay records. */
	CHECK_EQ_INT(relay("{\"relay\":\"wss://a\",\"state\":\"x\"}"), 1);
	CHECK_EQ_INT(relay("{\"relay\":\"wss://a\",\"time\":\"1\",\"state\":\"x\"}"), 1);
	CHECK_EQ_INT(relay("{\"relay\":\"wss://a\",\"time\":1,\"state\":\"x\"} x"), 1);
	CHECK_EQ_INT(relay("{\"relay\":\"wss://a\",\"time\":1,\"state\":\"x\""), 1);
	CHECK_EQ_INT(relay("[\"relay\"]"), 1);
	CHECK_EQ_INT(relay(""), 1);
	CHECK_EQ_INT(relay("{\"relay\":\"wss://a\",\"time\":1,\"state\":7}"), 1);
}

/* add: a parsed event (ids and sigs are not checked here) through enrich. */
static int
add(const char *id_digit, const char *pub_digit, long created_at, unsigned kind,
    const char *tags)
{
	static struct event_parser p;
	static int init;
	struct buf line = BUF_INIT, meta = BUF_INIT;
	struct event ev;
	int rc;

	if (!init) {
		event_parser_init(&p);
		init = 1;
	}
	buf_printf(&line, "{\"id\":\"");
	for (int i = 0; i < 64; i++)
		buf_puts(&line, id_digit);
	buf_puts(&line, "\",\"pubkey\":\"");
	for (int i = 0; i < 64; i++)
		buf_puts(&line, pub_digit);
	buf_printf(&line, "\",\"created_at\":%ld,\"kind\":%u,\"tags\":%s,\"content\":\"\","
	    "\"sig\":\"%0128d\"}", created_at, kind, tags, 0);
	if (event_parse(&p, line.data, line.len, &ev) != EVENT_OK)
		return -2;
	enrich_event(en, line.data, line.len, &ev, 0);
	enrich_write_meta(en, line.data, line.len, &ev, &meta);
	rc = db_add_event(db, &ev, enrich_meta_of(en), meta.data, meta.len);
	buf_free(&line);
	buf_free(&meta);
	return rc;
}

static void
test_counters(void)
{
	const struct db_stats *s = db_get_stats(db);
	struct db_stats b = *s;
	char tags[256];

	CHECK_EQ_INT(add("2", "a", 100, 0, "[]"), 0);    /* profile v1 */
	CHECK_EQ_INT(add("1", "a", 100, 0, "[]"), 0);    /* same time, lower id: wins */
	CHECK_EQ_INT(add("3", "a", 100, 0, "[]"), 0);    /* same time, higher id: out */
	CHECK_EQ_INT(add("4", "a", 99, 0, "[]"), 0);     /* older: out */
	CHECK_EQ_INT(add("1", "a", 100, 0, "[]"), 0);    /* the head again */
	CHECK_EQ_INT(s->stored - b.stored, 2);
	CHECK_EQ_INT(s->replaced - b.replaced, 1);
	CHECK_EQ_INT(s->superseded - b.superseded, 2);
	CHECK_EQ_INT(s->duplicates - b.duplicates, 1);
	CHECK_EQ_INT(add("5", "a", 1, 20000, "[]"), 0);  /* ephemeral */
	CHECK_EQ_INT(s->ephemeral - b.ephemeral, 1);

	/* A deletion by author b of a's profile does nothing; of b's note, removes it. */
	CHECK_EQ_INT(add("6", "b", 10, 1, "[]"), 0);
	snprintf(tags, sizeof tags, "[[\"e\",\"%s\"],[\"e\",\"%s\"]]",
	    "1111111111111111111111111111111111111111111111111111111111111111",
	    "6666666666666666666666666666666666666666666666666666666666666666");
	CHECK_EQ_INT(add("7", "b", 20, 5, tags), 0);
	CHECK_EQ_INT(s->deleted - b.deleted, 1);
	/* Refused when it comes again. */
	CHECK_EQ_INT(add("6", "b", 10, 1, "[]"), 0);
	CHECK_EQ_INT(s->refused - b.refused, 1);
}

int
main(void)
{
	char err[256];
	const char *why;
	struct enrich_options opt = { 1, NULL, 0 };

	if ((db = db_open(":memory:", NULL, err, sizeof err)) == NULL ||
	    (en = enrich_new(&opt, &why)) == NULL) {
		printf("Bail out! cannot open\n");
		return 1;
	}
	db_begin(db);
	TEST(test_relay_records);
	TEST(test_counters);
	CHECK_EQ_INT(db_commit(db), 0);
	db_close(db);
	enrich_free(en);
	return tap_done();
}
