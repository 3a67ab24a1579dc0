#include "render/dashboard.h"

#include <errno.h>
#include <sys/stat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/hex.h"
#include "render/html.h"
#include "nostr/nip19.h"
#include "render/svg.h"

/*
 * The style sheet and script are constants: the page's CSP carries their
 * hashes, so nothing else can run or style the page.  Colours are variables
 * switched by prefers-color-scheme; layout is one column on a phone and a
 * grid of panels from about 960 px.
 */
static const char dashboard_css[] =
":root{--bg:#f5f6f8;--fg:#1c2026;--muted:#5c6570;--card:#fff;--line:#d8dce2;"
"--accent:#6a4bd6;--accent-soft:rgba(106,75,214,.14);--good:#1a7f37;--bad:#c62828;"
"color-scheme:light dark}"
"@media (prefers-color-scheme:dark){:root{--bg:#0e1014;--fg:#e4e7eb;--muted:#9aa3ad;"
"--card:#171a20;--line:#2b3039;--accent:#a08cff;--accent-soft:rgba(160,140,255,.18);"
"--good:#4cc468;--bad:#ff6b6b}}"
"*{box-sizing:border-box}"
"body{margin:0;background:var(--bg);color:var(--fg);"
"font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",sans-serif}"
"header,main,footer{max-width:1240px;margin:0 auto;padding:0 20px}"
"header{padding-top:18px}"
"h1{font-size:22px;margin:0}"
"h2{font-size:18px;margin:18px 0 12px}"
"h3{font-size:15px;margin:0 0 10px}"
".sub,.hint,footer{color:var(--muted);font-size:13px}"
".sub{margin:4px 0 0}"
"nav{display:flex;flex-wrap:wrap;gap:2px;border-bottom:1px solid var(--line);margin-top:12px}"
"nav a{padding:9px 12px;color:var(--muted);text-decoration:none;white-space:nowrap;"
"border-bottom:2px solid transparent;font-weight:500}"
"nav a:hover{color:var(--fg)}"
"nav a[aria-current=page]{color:var(--fg);border-bottom-color:var(--accent)}"
"main{padding-bottom:24px}"
".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:12px}"
"div.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,480px),1fr));"
"gap:16px;margin-top:16px}"
".card,.panel{background:var(--card);border:1px solid var(--line);border-radius:10px;"
"padding:14px 16px;min-width:0}"
".card .k{color:var(--muted);font-size:13px}"
".card .v{font-size:26px;font-weight:600;font-variant-numeric:tabular-nums;line-height:1.2}"
".card .d{font-size:13px;color:var(--muted)}"
".up{color:var(--good)}.down{color:var(--bad)}"
".tbl{overflow-x:auto}"
"table{border-collapse:collapse;width:100%;font-size:14px}"
"th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}"
"th{color:var(--muted);font-weight:500;font-size:13px}"
".n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
"td.t{overflow-wrap:anywhere;min-width:8em}"
"code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}"
"a{color:var(--accent)}"
"bdi{unicode-bidi:isolate}"
".notes{list-style:none;margin:0;padding:0}"
".notes li{border-bottom:1px solid var(--line);padding:10px 0}"
".notes li:last-child{border-bottom:0}"
".notes .who{font-size:13px;color:var(--muted)}"
".notes .text{margin:4px 0;white-space:pre-wrap;overflow-wrap:anywhere}"
".notes .stats{font-size:13px;color:var(--muted)}"
".badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;"
"background:var(--accent-soft)}"
"svg.chart{display:block}"
"svg text{fill:var(--fg);font-size:12px}"
"svg .tick,svg .empty{fill:var(--muted);font-size:11px}"
"svg .tick{paint-order:stroke;stroke:var(--card);stroke-width:3px}"
"svg .bar{fill:var(--accent)}"
"svg .row:hover .bar{opacity:.75}"
"svg .line{fill:none;stroke:var(--accent);stroke-width:2}"
"svg .area{fill:var(--accent-soft);stroke:none}"
"svg line.grid{stroke:var(--line);stroke-width:1}"
"svg .axis{stroke:var(--muted);stroke-width:1}"
"svg .hit{fill:transparent}"
"svg .hit:hover{fill:var(--accent-soft)}"
"svg.spark{margin-top:6px}"
"footer{padding-bottom:24px}"
"@media (max-width:600px){header,main,footer{padding-left:12px;padding-right:12px}"
".cards{grid-template-columns:1fr 1fr;gap:8px}.card{padding:10px 12px}"
".card .v{font-size:21px}.opt{display:none}th,td{padding:5px 4px}nav{display:grid;grid-template-columns:repeat(3,1fr)}svg .lbl{font-size:11px}nav a{padding:7px 4px;text-align:center}}";

/*
 * Without the script every view shows, one after the other; with it, the nav
 * switches views through the URL fragment, so a refresh or a shared link
 * keeps the view.  A meta refresh to a URL with a fragment is only a jump
 * within the page, not a reload, so the script reloads the page itself at
 * the interval the meta element gives (the meta still serves pages read
 * without script).  data-ready tells the browser test the script ran.
 */
static const char dashboard_js[] =
"(function(){var ids=['overview','trending','network','users','relays','zaps'];"
"function show(top){var h=location.hash.slice(1);if(ids.indexOf(h)<0)h='overview';"
"ids.forEach(function(id){var s=document.getElementById(id),"
"a=document.querySelector('nav a[href=\"#'+id+'\"]');if(s)s.hidden=id!==h;"
"if(a){if(id===h)a.setAttribute('aria-current','page');else a.removeAttribute('aria-current');}});"
"if(top)window.scrollTo(0,0);}"
"window.addEventListener('hashchange',function(){show(true);});show(false);"
"var m=document.querySelector('meta[http-equiv=refresh]'),r=m?parseInt(m.content,10):0;"
"if(r>0)setTimeout(function(){location.reload();},r*1000);"
"document.documentElement.setAttribute('data-ready','1');})();";

static const char *const view_ids[] = {
	"overview", "trending", "network", "users", "relays", "zaps",
};
static const char *const view_names[] = {
	"Overview", "Trending", "Network", "Users", "Relays", "Zaps",
};

struct ctx {
	sqlite3 *db;
	struct buf *out;
	int64_t now;       /* reference time */
	int64_t since;     /* now - hours: the window is (since, now] */
	double hours;
	int64_t limit;
	int failed;        /* an SQLite error happened */
	char error[256];   /* its message, kept past the ROLLBACK */
};

/* A growable list of bars whose labels the list owns. */
struct bars {
	struct svg_bar *v;
	size_t n, cap;
};

static void
bars_add(struct bars *b, const char *label, double value)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		b->v = xrealloc(b->v, b->cap * sizeof *b->v);
	}
	b->v[b->n].label = xstrdup(label ? label : "");
	b->v[b->n].value = value;
	b->n++;
}

static void
bars_free(struct bars *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free((char *)b->v[i].label);
	free(b->v);
	b->v = NULL;
	b->n = b->cap = 0;
}

/* fail: remembers the first SQLite error; later queries are skipped. */
static void
fail(struct ctx *c)
{
	if (!c->failed)
		snprintf(c->error, sizeof c->error, "%s", sqlite3_errmsg(c->db));
	c->failed = 1;
}

/*
 * prepare: compiles sql and binds the named parameters it uses: :now,
 * :since, :limit, :prev (start of the window before), and for time series
 * :base and :step (see series_load).  NULL after an error, which is
 * remembered in c->failed.
 */
static sqlite3_stmt *
prepare(struct ctx *c, const char *sql, int64_t base, int64_t step_s)
{
	sqlite3_stmt *st;
	int i;

	if (c->failed)
		return NULL;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fail(c);
		return NULL;
	}
	if ((i = sqlite3_bind_parameter_index(st, ":now")))
		sqlite3_bind_int64(st, i, c->now);
	if ((i = sqlite3_bind_parameter_index(st, ":since")))
		sqlite3_bind_int64(st, i, c->since);
	if ((i = sqlite3_bind_parameter_index(st, ":prev")))
		sqlite3_bind_int64(st, i, c->since - (c->now - c->since));
	if ((i = sqlite3_bind_parameter_index(st, ":limit")))
		sqlite3_bind_int64(st, i, c->limit);
	if ((i = sqlite3_bind_parameter_index(st, ":base")))
		sqlite3_bind_int64(st, i, base);
	if ((i = sqlite3_bind_parameter_index(st, ":step")))
		sqlite3_bind_int64(st, i, step_s);
	return st;
}

/* step: 1 for a row, 0 at the end or after an error (then c->failed is set). */
static int
step(struct ctx *c, sqlite3_stmt *st)
{
	int rc;

	if (st == NULL)
		return 0;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		fail(c);
	return 0;
}


static const char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? (const char *)s : NULL;
}

/*
 * put_column: column i of the row, escaped and cut to max_chars, by its
 * byte length: note content may hold U+0000, which a C string would end at.
 */
static void
put_column(struct buf *out, sqlite3_stmt *st, int i, size_t max_chars)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	if (s != NULL)
		html_escape_cut(out, (const char *)s, (size_t)sqlite3_column_bytes(st, i),
		    max_chars);
}

/* query_int: the first column of the first row of sql, or dflt. */
static int64_t
query_int(struct ctx *c, const char *sql, int64_t dflt)
{
	sqlite3_stmt *st = prepare(c, sql, 0, 0);
	int64_t v = dflt;

	if (step(c, st) && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
put_time(struct buf *out, int64_t t, const char *fmt)
{
	char s[64];
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) != NULL && strftime(s, sizeof s, fmt, &tm) > 0)
		buf_puts(out, s);
	else
		buf_printf(out, "%lld", (long long)t);
}

/*
 * entity_short: the NIP-19 form (npub, note) of a 64-hex pubkey or id, whole in
 * full and as "npub1abcdef\u2026wxyz" in shown (both NIP19_KEY_BUFSIZE).
 * Returns 0, or -1 when hex is not 64 hex digits.
 */
static int
entity_short(const char *hex, enum nip19_type type, char *full, char *shown)
{
	uint8_t key[32];
	size_t len;

	if (hex == NULL || strlen(hex) != 64 || hex_decode(hex, key, 32) != 0 ||
	    nip19_encode_key(type, key, full, NIP19_KEY_BUFSIZE) != 0)
		return -1;
	len = strlen(full);
	snprintf(shown, NIP19_KEY_BUFSIZE, "%.11s\xe2\x80\xa6%s", full, full + len - 4);
	return 0;
}

/*
 * put_entity: a pubkey or event id as its shortened NIP-19 form with the
 * whole in the tooltip.  Anything that is not 64 hex digits is shown as
 * escaped text.
 */
static void
put_entity(struct buf *out, const char *hex, enum nip19_type type)
{
	char full[NIP19_KEY_BUFSIZE], shown[NIP19_KEY_BUFSIZE];

	if (entity_short(hex, type, full, shown) != 0) {
		buf_puts(out, "<code>");
		html_escape_cut(out, hex ? hex : "", hex ? strlen(hex) : 0, 20);
		buf_puts(out, "</code>");
		return;
	}
	/* bech32 is lower-case letters and digits: nothing to escape. */
	buf_printf(out, "<code title=\"%s\">%s</code>", full, shown);
}

/* put_person: a display name (isolated, cut) with the npub as tooltip, or the npub. */
static void
put_person(struct buf *out, const char *pubkey, const char *name)
{
	char full[NIP19_KEY_BUFSIZE], shown[NIP19_KEY_BUFSIZE];

	if (name == NULL || *name == '\0') {
		put_entity(out, pubkey, NIP19_NPUB);
		return;
	}
	buf_puts(out, "<bdi");
	if (entity_short(pubkey, NIP19_NPUB, full, shown) == 0)
		buf_printf(out, " title=\"%s\"", full);
	buf_putc(out, '>');
	html_escape_cut(out, name, strlen(name), 32);
	buf_puts(out, "</bdi>");
}

/* put_growth: "+12% vs prior 24 h" (short enough for a phone card), coloured;
 * nothing to compare: a dash. */
static void
put_growth(struct ctx *c, int64_t cur, int64_t prev)
{
	double pct;
	struct buf *out = c->out;

	buf_puts(out, "<div class=\"d\">");
	if (prev <= 0) {
		buf_puts(out, cur > 0 ? "new in this window" : "\xe2\x80\x94");
	} else {
		pct = ((double)cur / (double)prev - 1) * 100;
		buf_printf(out, "<span class=\"%s\">%s", pct > 0.5 ? "up" : pct < -0.5 ? "down" : "",
		    pct >= 0 ? "+" : "\xe2\x88\x92");
		svg_number(out, round(fabs(pct)));
		buf_puts(out, "%</span> vs prior ");
		svg_number(out, c->hours);
		buf_puts(out, " h");
	}
	buf_puts(out, "</div>");
}

static void
panel_begin(struct buf *out, const char *title)
{
	buf_puts(out, "<div class=\"panel\"><h3>");
	html_escape_str(out, title);
	buf_puts(out, "</h3>");
}

static void
hint(struct buf *out, const char *text)
{
	buf_puts(out, "<p class=\"hint\">");
	html_escape_str(out, text);
	buf_puts(out, "</p>");
}

/*
 * Time series: n buckets of step seconds ending at `now`, bucket b holding
 * (base + b*step, base + (b+1)*step] with base = now - n*step, shown at its
 * start.  Rolling buckets rather than calendar hours and days, so the last
 * point is a whole bucket like the others, not a half-filled one that looks
 * like a collapse.  The SQL gets :base and returns (bucket, value) rows;
 * empty buckets stay 0.
 */
struct series {
	struct svg_point *p;
	double *v;  /* the values alone, for sparklines */
	size_t n;
};

static void
series_load(struct ctx *c, struct series *s, const char *sql, size_t n, int64_t step_s)
{
	int64_t base = c->now - (int64_t)n * step_s, b;
	sqlite3_stmt *st;
	size_t i;

	s->n = n;
	s->p = xcalloc(n, sizeof *s->p);
	s->v = xcalloc(n, sizeof *s->v);
	for (i = 0; i < n; i++)
		s->p[i].time = base + (int64_t)i * step_s;
	st = prepare(c, sql, base, step_s);
	while (step(c, st)) {
		b = sqlite3_column_int64(st, 0);
		if (b >= 0 && b < (int64_t)n) {
			s->p[b].value = sqlite3_column_double(st, 1);
			s->v[b] = s->p[b].value;
		}
	}
	sqlite3_finalize(st);
}

static void
series_free(struct series *s)
{
	free(s->p);
	free(s->v);
	s->p = NULL;
	s->v = NULL;
}

static size_t
hourly_buckets(const struct ctx *c)
{
	double h = ceil(c->hours);

	return h < 24 ? 24 : h > DASHBOARD_MAX_HOURS ? DASHBOARD_MAX_HOURS : (size_t)h;
}

/* card_title: "LABEL N h", N without printf, whose %g would follow LC_NUMERIC. */
static void
card_title(struct buf *title, const char *label, double hours)
{
	buf_reset(title);
	buf_printf(title, "%s ", label);
	svg_number(title, hours);
	buf_puts(title, " h");
}

/* A metric card: label, big number, growth against the window before, sparkline. */
static void
card(struct ctx *c, const char *label, int64_t value, int64_t prev, int growth,
    const struct series *spark, const char *spark_title)
{
	struct buf *out = c->out;

	buf_puts(out, "<div class=\"card\"><div class=\"k\">");
	html_escape_str(out, label);
	buf_puts(out, "</div><div class=\"v\">");
	svg_number(out, (double)value);
	buf_puts(out, "</div>");
	if (growth)
		put_growth(c, value, prev);
	if (spark != NULL)
		svg_sparkline(out, spark_title, spark->v, spark->n);
	buf_puts(out, "</div>");
}

static void
view_begin(struct buf *out, size_t i)
{
	buf_printf(out, "<section id=\"%s\" class=\"view\" aria-labelledby=\"h-%s\">"
	    "<h2 id=\"h-%s\">%s</h2>", view_ids[i], view_ids[i], view_ids[i], view_names[i]);
}

static void
view_overview(struct ctx *c)
{
	static const char hourly_events[] =
	    "SELECT (created_at - :base - 1) / :step, count(*) FROM nostr_events "
	    "WHERE created_at > :base AND created_at <= :now GROUP BY 1";
	static const char hourly_authors[] =
	    "SELECT (created_at - :base - 1) / :step, count(DISTINCT pubkey) FROM nostr_events "
	    "WHERE created_at > :base AND created_at <= :now GROUP BY 1";
	static const char hourly_new[] =
	    "SELECT (first_seen - :base - 1) / :step, count(*) FROM users "
	    "WHERE first_seen > :base AND first_seen <= :now GROUP BY 1";
	static const char hourly_sats[] =
	    "SELECT (created_at - :base - 1) / :step, coalesce(sum(sats), 0) FROM zaps "
	    "WHERE valid = 1 AND created_at > :base AND created_at <= :now GROUP BY 1";
	static const char daily_events[] =
	    "SELECT (created_at - :base - 1) / :step, count(*) FROM nostr_events "
	    "WHERE created_at > :base AND created_at <= :now GROUP BY 1";
	struct series ev, au, nu, zs, daily;
	struct buf *out = c->out;
	size_t nh = hourly_buckets(c);
	struct buf title = BUF_INIT;

	series_load(c, &ev, hourly_events, nh, 3600);
	series_load(c, &au, hourly_authors, nh, 3600);
	series_load(c, &nu, hourly_new, nh, 3600);
	series_load(c, &zs, hourly_sats, nh, 3600);
	series_load(c, &daily, daily_events, DASHBOARD_DAYS, 86400);

	view_begin(out, 0);
	buf_puts(out, "<div class=\"cards\">");
	card_title(&title, "Events in the last", c->hours);
	card(c, title.data,
	    query_int(c, "SELECT count(*) FROM nostr_events WHERE created_at > :since "
		"AND created_at <= :now", 0),
	    query_int(c, "SELECT count(*) FROM nostr_events WHERE created_at > :prev "
		"AND created_at <= :since", 0), 1, &ev, "Events per hour");
	card_title(&title, "Active users, last", c->hours);
	card(c, title.data,
	    query_int(c, "SELECT count(DISTINCT pubkey) FROM nostr_events WHERE "
		"created_at > :since AND created_at <= :now", 0),
	    query_int(c, "SELECT count(DISTINCT pubkey) FROM nostr_events WHERE "
		"created_at > :prev AND created_at <= :since", 0), 1, &au,
	    "Active users per hour");
	card_title(&title, "New users, last", c->hours);
	card(c, title.data,
	    query_int(c, "SELECT count(*) FROM users WHERE first_seen > :since "
		"AND first_seen <= :now", 0),
	    query_int(c, "SELECT count(*) FROM users WHERE first_seen > :prev "
		"AND first_seen <= :since", 0), 1, &nu, "New users per hour");
	card_title(&title, "Zapped sats, last", c->hours);
	card(c, title.data,
	    query_int(c, "SELECT coalesce(sum(sats), 0) FROM zaps WHERE valid = 1 AND "
		"created_at > :since AND created_at <= :now", 0),
	    query_int(c, "SELECT coalesce(sum(sats), 0) FROM zaps WHERE valid = 1 AND "
		"created_at > :prev AND created_at <= :since", 0), 1, &zs, "Sats per hour");
	card(c, "Events stored", query_int(c, "SELECT count(*) FROM nostr_events", 0), 0, 0,
	    NULL, NULL);
	card(c, "Users known", query_int(c, "SELECT count(*) FROM users", 0), 0, 0, NULL, NULL);
	card(c, "Valid zaps", query_int(c, "SELECT count(*) FROM zaps WHERE valid = 1", 0), 0, 0,
	    NULL, NULL);
	card(c, "Relays seen", query_int(c, "SELECT count(DISTINCT relay) FROM relay_metrics", 0),
	    0, 0, NULL, NULL);
	buf_puts(out, "</div><div class=\"grid\">");
	panel_begin(out, "Events per hour");
	svg_line_chart(out, "Events per hour", ev.p, ev.n, SVG_HOURLY, "events");
	buf_puts(out, "</div>");
	panel_begin(out, "Events per day");
	svg_line_chart(out, "Events per day", daily.p, daily.n, SVG_DAILY, "events");
	buf_puts(out, "</div></div></section>\n");
	series_free(&ev);
	series_free(&au);
	series_free(&nu);
	series_free(&zs);
	series_free(&daily);
	buf_free(&title);
}

static void
view_trending(struct ctx *c)
{
	static const char scored[] =
	    "SELECT t.hashtag, t.mention_count, t.unique_authors, t.zaps, t.trend_score, "
	    "v.velocity, t.window_end, t.window_hours FROM trending_topics t "
	    "LEFT JOIN trending_velocity v USING (window_end, window_hours, hashtag) "
	    "WHERE (t.window_end, t.window_hours) = (SELECT window_end, window_hours "
	    "FROM trending_topics WHERE window_end <= :now "
	    "ORDER BY window_end DESC, window_hours LIMIT 1) "
	    "ORDER BY t.rank LIMIT :limit";
	static const char raw[] =
	    "SELECT hashtag, count(*), count(DISTINCT pubkey), NULL, NULL, NULL "
	    "FROM hashtags WHERE created_at > :since AND created_at <= :now "
	    "GROUP BY hashtag ORDER BY 2 DESC, 3 DESC, hashtag LIMIT :limit";
	static const char viral[] =
	    "SELECT m.event_id, m.pubkey, coalesce(nullif(p.display_name, ''), p.name), "
	    "e.content, m.virality, m.replies, m.reposts, m.reactions, m.zaps, m.zap_sats, "
	    "m.created_at FROM content_metrics m JOIN nostr_events e ON e.id = m.event_id "
	    "LEFT JOIN user_profiles p ON p.pubkey = m.pubkey "
	    "WHERE m.virality > 0 ORDER BY m.virality DESC, m.event_id LIMIT :limit";
	struct buf *out = c->out;
	struct bars bars = { 0 };
	struct buf rows = BUF_INIT;
	sqlite3_stmt *st;
	int is_scored = 1, any = 0;
	int64_t window_end = 0;
	double window_hours = 0;

	view_begin(out, 1);
	buf_puts(out, "<div class=\"grid\">");
	st = prepare(c, scored, 0, 0);
	if (!step(c, st)) {
		sqlite3_finalize(st);
		is_scored = 0;
		st = prepare(c, raw, 0, 0);
		any = step(c, st);
	} else {
		any = 1;
		window_end = sqlite3_column_int64(st, 6);
		window_hours = sqlite3_column_double(st, 7);
	}
	while (any) {
		const char *tag = col_text(st, 0);

		bars_add(&bars, tag, is_scored ? sqlite3_column_double(st, 4) :
		    sqlite3_column_double(st, 1));
		buf_puts(&rows, "<tr><td class=\"t\"><bdi>#");
		put_column(&rows, st, 0, 40);
		buf_puts(&rows, "</bdi></td><td class=\"n\">");
		svg_number(&rows, sqlite3_column_double(st, 1));
		buf_puts(&rows, "</td><td class=\"n\">");
		svg_number(&rows, sqlite3_column_double(st, 2));
		buf_puts(&rows, "</td>");
		if (is_scored) {
			buf_puts(&rows, "<td class=\"n opt\">");
			svg_number(&rows, sqlite3_column_double(st, 3));
			buf_puts(&rows, "</td><td class=\"n\">");
			svg_number(&rows, sqlite3_column_double(st, 4));
			buf_puts(&rows, "</td><td class=\"n opt\">");
			if (sqlite3_column_type(st, 5) == SQLITE_NULL)
				buf_puts(&rows, "<span class=\"badge\">new</span>");
			else {
				svg_number(&rows, sqlite3_column_double(st, 5));
				buf_puts(&rows, "\xc3\x97");
			}
			buf_puts(&rows, "</td>");
		}
		buf_puts(&rows, "</tr>");
		any = step(c, st);
	}
	sqlite3_finalize(st);

	panel_begin(out, "Trending hashtags");
	if (is_scored) {
		buf_puts(out, "<p class=\"hint\">Trend score over the ");
		svg_number(out, window_hours);
		buf_puts(out, " h up to ");
		put_time(out, window_end, "%Y-%m-%d %H:%M UTC");
		buf_puts(out, " (nostr-score).</p>");
	} else {
		buf_puts(out, "<p class=\"hint\">Not scored yet (run nostr-score): events per "
		    "hashtag in the last ");
		svg_number(out, c->hours);
		buf_puts(out, " h.</p>");
	}
	svg_bar_chart(out, "Trending hashtags", bars.v, bars.n, is_scored ? "trend score" : "events");
	if (bars.n > 0) {
		buf_puts(out, "<div class=\"tbl\"><table><thead><tr><th>Hashtag</th>"
		    "<th class=\"n\">Events</th><th class=\"n\">Authors</th>");
		if (is_scored)
			buf_puts(out, "<th class=\"n opt\">Zaps</th><th class=\"n\">Score</th>"
			    "<th class=\"n opt\">Velocity</th>");
		buf_puts(out, "</tr></thead><tbody>");
		buf_append(out, rows.data, rows.len);
		buf_puts(out, "</tbody></table></div>");
	}
	buf_puts(out, "</div>");

	panel_begin(out, "Viral notes");
	st = prepare(c, viral, 0, 0);
	any = 0;
	while (step(c, st)) {
		if (!any)
			buf_puts(out, "<ol class=\"notes\">");
		any = 1;
		buf_puts(out, "<li><div class=\"who\">");
		put_person(out, col_text(st, 1), col_text(st, 2));
		buf_puts(out, " \xc2\xb7 ");
		put_time(out, sqlite3_column_int64(st, 10), "%Y-%m-%d %H:%M UTC");
		buf_puts(out, " \xc2\xb7 ");
		put_entity(out, col_text(st, 0), NIP19_NOTE);
		buf_puts(out, "</div><div class=\"text\"><bdi>");
		put_column(out, st, 3, 280);
		buf_puts(out, "</bdi></div><div class=\"stats\">virality ");
		svg_number(out, sqlite3_column_double(st, 4));
		buf_puts(out, " \xc2\xb7 ");
		svg_number(out, sqlite3_column_double(st, 5));
		buf_puts(out, " replies \xc2\xb7 ");
		svg_number(out, sqlite3_column_double(st, 6));
		buf_puts(out, " reposts \xc2\xb7 ");
		svg_number(out, sqlite3_column_double(st, 7));
		buf_puts(out, " reactions \xc2\xb7 ");
		svg_number(out, sqlite3_column_double(st, 8));
		buf_puts(out, " zaps (");
		svg_number(out, sqlite3_column_double(st, 9));
		buf_puts(out, " sats)</div></li>");
	}
	sqlite3_finalize(st);
	if (any)
		buf_puts(out, "</ol>");
	else
		hint(out, "No notes with engagement in the scored window (nostr-score).");
	buf_puts(out, "</div></div></section>\n");
	bars_free(&bars);
	buf_free(&rows);
}

/* bar_panel: a panel with a bar chart of (label, value) rows from sql. */
static void
bar_panel(struct ctx *c, const char *title, const char *sql, const char *unit,
    int kind_labels)
{
	struct bars bars = { 0 };
	struct buf label = BUF_INIT;
	sqlite3_stmt *st = prepare(c, sql, 0, 0);

	while (step(c, st)) {
		buf_reset(&label);
		if (kind_labels) {
			const char *name = dashboard_kind_name(sqlite3_column_int64(st, 0));

			buf_printf(&label, "%lld", (long long)sqlite3_column_int64(st, 0));
			if (name)
				buf_printf(&label, " %s", name);
		} else {
			const char *s = col_text(st, 0);

			buf_puts(&label, s ? s : "(none)");
		}
		bars_add(&bars, label.data, sqlite3_column_double(st, 1));
	}
	sqlite3_finalize(st);
	panel_begin(c->out, title);
	svg_bar_chart(c->out, title, bars.v, bars.n, unit);
	buf_puts(c->out, "</div>");
	bars_free(&bars);
	buf_free(&label);
}

static void
view_network(struct ctx *c)
{
	static const char hourly[] =
	    "SELECT (created_at - :base - 1) / :step, count(*) FROM nostr_events "
	    "WHERE created_at > :base AND created_at <= :now GROUP BY 1";
	static const char authors_daily[] =
	    "SELECT (created_at - :base - 1) / :step, count(DISTINCT pubkey) FROM nostr_events "
	    "WHERE created_at > :base AND created_at <= :now GROUP BY 1";
	struct series ev, au;
	struct buf *out = c->out, title = BUF_INIT;

	series_load(c, &ev, hourly, hourly_buckets(c), 3600);
	series_load(c, &au, authors_daily, DASHBOARD_DAYS, 86400);
	view_begin(out, 2);
	buf_puts(out, "<div class=\"grid\">");
	panel_begin(out, "Events per hour");
	svg_line_chart(out, "Events per hour", ev.p, ev.n, SVG_HOURLY, "events");
	buf_puts(out, "</div>");
	panel_begin(out, "Active authors per day");
	svg_line_chart(out, "Active authors per day", au.p, au.n, SVG_DAILY, "authors");
	buf_puts(out, "</div>");
	/* The window, not all time: what is active now, and an index range
	 * rather than a scan of every event. */
	card_title(&title, "Events by kind, last", c->hours);
	bar_panel(c, title.data, "SELECT kind, count(*) AS n FROM nostr_events "
	    "WHERE created_at > :since AND created_at <= :now "
	    "GROUP BY kind ORDER BY n DESC, kind LIMIT 12", "events", 1);
	card_title(&title, "Events by language, last", c->hours);
	bar_panel(c, title.data, "SELECT coalesce(lang, 'und'), count(*) AS n FROM nostr_events "
	    "WHERE created_at > :since AND created_at <= :now "
	    "GROUP BY 1 ORDER BY n DESC, 1 LIMIT 12", "events", 0);
	buf_free(&title);
	buf_puts(out, "</div></section>\n");
	series_free(&ev);
	series_free(&au);
}

static void
view_users(struct ctx *c)
{
	/* Scored users rank by influence; before nostr-score, by followers. */
	static const char scored[] =
	    "SELECT m.pubkey, coalesce(nullif(p.display_name, ''), p.name), p.nip05, p.website, "
	    "m.followers, m.posts, m.zap_sats_received, m.influence FROM user_metrics m "
	    "LEFT JOIN user_profiles p ON p.pubkey = m.pubkey "
	    "ORDER BY m.influence DESC, m.pubkey LIMIT :limit";
	static const char raw[] =
	    "SELECT f.pubkey, coalesce(nullif(p.display_name, ''), p.name), p.nip05, p.website, "
	    "f.followers, NULL, NULL, NULL FROM follower_counts f "
	    "LEFT JOIN user_profiles p ON p.pubkey = f.pubkey WHERE f.followers > 0 "
	    "ORDER BY f.followers DESC, f.pubkey LIMIT :limit";
	static const char new_daily[] =
	    "SELECT (first_seen - :base - 1) / :step, count(*) FROM users "
	    "WHERE first_seen > :base AND first_seen <= :now GROUP BY 1";
	struct buf *out = c->out;
	struct bars bars = { 0 };
	struct series nu;
	sqlite3_stmt *st;
	int is_scored = 1, any, rank = 0;

	view_begin(out, 3);
	buf_puts(out, "<div class=\"grid\">");
	panel_begin(out, "Leaderboard");
	st = prepare(c, scored, 0, 0);
	any = step(c, st);
	if (!any) {
		sqlite3_finalize(st);
		is_scored = 0;
		st = prepare(c, raw, 0, 0);
		any = step(c, st);
	}
	hint(out, is_scored ? "By influence (nostr-score: followers, zaps, engagement, PageRank)."
	    : "Not scored yet (run nostr-score): by followers.");
	if (any)
		buf_printf(out, "<div class=\"tbl\"><table><thead><tr><th class=\"n\">#</th>"
		    "<th>User</th><th class=\"opt\">NIP-05 / website</th>"
		    "<th class=\"n\">Followers</th>%s</tr></thead><tbody>",
		    is_scored ? "<th class=\"n opt\">Posts</th><th class=\"n opt\">Sats in</th>"
		    "<th class=\"n\">Influence</th>" : "");
	while (any) {
		const char *name = col_text(st, 1), *nip05 = col_text(st, 2),
		    *web = col_text(st, 3);

		buf_printf(out, "<tr><td class=\"n\">%d</td><td class=\"t\">", ++rank);
		put_person(out, col_text(st, 0), name);
		buf_puts(out, "</td><td class=\"t opt\">");
		if (nip05) {
			buf_puts(out, "<bdi>");
			html_escape_cut(out, nip05, strlen(nip05), 40);
			buf_puts(out, "</bdi> ");
		}
		if (web)
			html_link(out, web, NULL, 40);
		buf_puts(out, "</td><td class=\"n\">");
		svg_number(out, sqlite3_column_double(st, 4));
		buf_puts(out, "</td>");
		if (is_scored) {
			buf_puts(out, "<td class=\"n opt\">");
			svg_number(out, sqlite3_column_double(st, 5));
			buf_puts(out, "</td><td class=\"n opt\">");
			svg_number(out, sqlite3_column_double(st, 6));
			buf_puts(out, "</td><td class=\"n\">");
			svg_number(out, sqlite3_column_double(st, 7));
			buf_puts(out, "</td>");
		}
		buf_puts(out, "</tr>");
		/* The chart names people as the table does: display name, else npub. */
		{
			char full[NIP19_KEY_BUFSIZE], shown[NIP19_KEY_BUFSIZE];
			const char *label = name && *name ? name : col_text(st, 0);

			/* Charts have room for less than a table: "npub1abc…wxyz". */
			if (!(name && *name) &&
			    entity_short(col_text(st, 0), NIP19_NPUB, full, shown) == 0) {
				snprintf(shown, sizeof shown, "%.8s\xe2\x80\xa6%s", full,
				    full + strlen(full) - 4);
				label = shown;
			}

			bars_add(&bars, label, sqlite3_column_double(st, is_scored ? 7 : 4));
		}
		any = step(c, st);
	}
	sqlite3_finalize(st);
	if (rank)
		buf_puts(out, "</tbody></table></div>");
	else
		hint(out, "No users with followers yet.");
	buf_puts(out, "</div>");
	panel_begin(out, is_scored ? "Influence" : "Followers");
	svg_bar_chart(out, is_scored ? "Influence" : "Followers", bars.v, bars.n,
	    is_scored ? NULL : "followers");
	buf_puts(out, "</div>");
	series_load(c, &nu, new_daily, DASHBOARD_DAYS, 86400);
	panel_begin(out, "New users per day");
	svg_line_chart(out, "New users per day", nu.p, nu.n, SVG_DAILY, "new users");
	buf_puts(out, "</div></div></section>\n");
	series_free(&nu);
	bars_free(&bars);
}

static void
view_relays(struct ctx *c)
{
	/* The newest record of each relay (ties in time: the last state name). */
	static const char latest[] =
	    "SELECT relay, state, connect_ms, eose_ms, events, duplicates, invalid, "
	    "reconnects, notice, max(time) FROM relay_metrics GROUP BY relay "
	    "ORDER BY events DESC, relay";
	struct buf *out = c->out;
	struct bars latency = { 0 }, events = { 0 };
	sqlite3_stmt *st;
	int any = 0, i;

	view_begin(out, 4);
	buf_puts(out, "<div class=\"grid\">");
	panel_begin(out, "Relay health");
	st = prepare(c, latest, 0, 0);
	while (step(c, st)) {
		const char *relay = col_text(st, 0), *label;

		if (!any)
			buf_puts(out, "<div class=\"tbl\"><table><thead><tr><th>Relay</th>"
			    "<th>State</th><th class=\"n\">Connect ms</th>"
			    "<th class=\"n opt\">EOSE ms</th><th class=\"n\">Events</th>"
			    "<th class=\"n opt\">Dupes</th><th class=\"n opt\">Invalid</th>"
			    "<th class=\"n opt\">Reconnects</th><th class=\"opt\">Last notice</th>"
			    "<th class=\"opt\">As of</th></tr></thead><tbody>");
		any = 1;
		/* Relay URLs are ws(s): shown as text, never as links. */
		buf_puts(out, "<tr><td class=\"t\"><bdi>");
		put_column(out, st, 0, 48);
		buf_puts(out, "</bdi></td><td>");
		put_column(out, st, 1, 16);
		buf_puts(out, "</td>");
		for (i = 2; i <= 7; i++) {
			buf_printf(out, "<td class=\"n%s\">", i == 3 || i >= 5 ? " opt" : "");
			if (sqlite3_column_type(st, i) != SQLITE_NULL)
				svg_number(out, round(sqlite3_column_double(st, i)));
			buf_puts(out, "</td>");
		}
		buf_puts(out, "<td class=\"t opt\"><bdi>");
		put_column(out, st, 8, 80);
		buf_puts(out, "</bdi></td><td class=\"opt\">");
		put_time(out, (int64_t)sqlite3_column_double(st, 9), "%m-%d %H:%M");
		buf_puts(out, "</td></tr>");
		/* Charts have little room for labels: drop the scheme there. */
		label = relay ? relay : "";
		if (strncmp(label, "wss://", 6) == 0)
			label += 6;
		else if (strncmp(label, "ws://", 5) == 0)
			label += 5;
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			bars_add(&latency, label, sqlite3_column_double(st, 2));
		bars_add(&events, label, sqlite3_column_double(st, 4));
	}
	sqlite3_finalize(st);
	if (any)
		buf_puts(out, "</tbody></table></div>");
	else
		hint(out, "No relay status yet: nostr-fetch --stats writes it, nostr-load stores it.");
	buf_puts(out, "</div>");
	panel_begin(out, "Connect latency");
	svg_bar_chart(out, "Connect latency", latency.v, latency.n, "ms");
	buf_puts(out, "</div>");
	panel_begin(out, "Events per relay");
	svg_bar_chart(out, "Events per relay", events.v, events.n, "events");
	buf_puts(out, "</div></div></section>\n");
	bars_free(&latency);
	bars_free(&events);
}

/* zap_table: top senders or recipients of valid zaps, with a bar chart of sats. */
static void
zap_table(struct ctx *c, const char *title, const char *who)
{
	struct buf sql = BUF_INIT;
	struct buf *out = c->out;
	sqlite3_stmt *st;
	int rank = 0;

	/* who is one of two constant column names, never input. */
	buf_printf(&sql, "SELECT z.%s, coalesce(nullif(p.display_name, ''), p.name), "
	    "count(*), sum(z.sats) FROM zaps z LEFT JOIN user_profiles p ON p.pubkey = z.%s "
	    "WHERE z.valid = 1 AND z.%s IS NOT NULL GROUP BY z.%s "
	    "ORDER BY 4 DESC, 3 DESC, z.%s LIMIT :limit", who, who, who, who, who);
	panel_begin(out, title);
	st = prepare(c, sql.data, 0, 0);
	while (step(c, st)) {
		if (!rank)
			buf_puts(out, "<div class=\"tbl\"><table><thead><tr><th class=\"n\">#</th>"
			    "<th>User</th><th class=\"n\">Zaps</th><th class=\"n\">Sats</th>"
			    "</tr></thead><tbody>");
		buf_printf(out, "<tr><td class=\"n\">%d</td><td class=\"t\">", ++rank);
		put_person(out, col_text(st, 0), col_text(st, 1));
		buf_puts(out, "</td><td class=\"n\">");
		svg_number(out, sqlite3_column_double(st, 2));
		buf_puts(out, "</td><td class=\"n\">");
		svg_number(out, sqlite3_column_double(st, 3));
		buf_puts(out, "</td></tr>");
	}
	sqlite3_finalize(st);
	if (rank)
		buf_puts(out, "</tbody></table></div>");
	else
		hint(out, "No valid zaps yet.");
	buf_puts(out, "</div>");
	buf_free(&sql);
}

static void
view_zaps(struct ctx *c)
{
	static const char daily[] =
	    "SELECT (created_at - :base - 1) / :step, coalesce(sum(sats), 0) FROM zaps "
	    "WHERE valid = 1 AND created_at > :base AND created_at <= :now GROUP BY 1";
	/* Decades of sats: the sizes span six orders of magnitude. */
	static const char sizes[] =
	    "SELECT CASE WHEN sats <= 10 THEN 0 WHEN sats <= 100 THEN 1 WHEN sats <= 1000 "
	    "THEN 2 WHEN sats <= 10000 THEN 3 WHEN sats <= 100000 THEN 4 ELSE 5 END, count(*) "
	    "FROM zaps WHERE valid = 1 AND sats IS NOT NULL GROUP BY 1";
	static const char *const bin_labels[] = {
		"1-10", "11-100", "101-1k", "1k-10k", "10k-100k", ">100k",
	};
	struct svg_bar bins[6];
	struct series sats;
	struct buf *out = c->out;
	sqlite3_stmt *st;
	int64_t b, invalid;
	size_t i;

	for (i = 0; i < 6; i++) {
		bins[i].label = bin_labels[i];
		bins[i].value = 0;
	}
	st = prepare(c, sizes, 0, 0);
	while (step(c, st)) {
		b = sqlite3_column_int64(st, 0);
		if (b >= 0 && b < 6)
			bins[b].value = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	series_load(c, &sats, daily, DASHBOARD_DAYS, 86400);
	invalid = query_int(c, "SELECT count(*) FROM zaps WHERE valid = 0", 0);

	view_begin(out, 5);
	buf_puts(out, "<div class=\"grid\">");
	panel_begin(out, "Sats zapped per day");
	svg_line_chart(out, "Sats zapped per day", sats.p, sats.n, SVG_DAILY, "sats");
	buf_puts(out, "<p class=\"hint\">Valid zap receipts only; ");
	svg_number(out, (double)invalid);
	buf_puts(out, " receipts with problems are left out. A receipt is the LNURL "
	    "provider's claim, not proof of payment.</p></div>");
	panel_begin(out, "Zap sizes (sats)");
	svg_histogram(out, "Zap sizes in sats", bins, 6, "zaps");
	buf_puts(out, "</div>");
	zap_table(c, "Top zappers", "sender");
	zap_table(c, "Top recipients", "recipient");
	buf_puts(out, "</div></section>\n");
	series_free(&sats);
}

const char *
dashboard_kind_name(int64_t kind)
{
	switch (kind) {
	case 0: return "profile";
	case 1: return "note";
	case 3: return "follows";
	case 4: return "DM";
	case 5: return "deletion";
	case 6: return "repost";
	case 7: return "reaction";
	case 16: return "repost";
	case 20: return "picture";
	case 1111: return "comment";
	case 1984: return "report";
	case 9734: return "zap request";
	case 9735: return "zap receipt";
	case 10000: return "mute list";
	case 10002: return "relay list";
	case 30023: return "article";
	default: return NULL;
	}
}

/* reference_time: see dashboard_options.now. */
static int64_t
reference_time(struct ctx *c)
{
	int64_t t;

	t = query_int(c, "SELECT max(window_end) FROM network_stats", 0);
	if (t <= 0)
		t = query_int(c, "SELECT max(created_at) FROM nostr_events", 0);
	if (t <= 0)
		t = (int64_t)time(NULL);
	return t;
}

int
dashboard_write(sqlite3 *db, const struct dashboard_options *opt, struct buf *out,
    struct buf *err)
{
	struct html_page page = { "Nostr dashboard", dashboard_css, dashboard_js, 0 };
	struct ctx c = { 0 };
	size_t i;

	c.db = db;
	c.out = out;
	c.hours = opt->hours > 0 ? opt->hours : DASHBOARD_HOURS;
	c.limit = opt->limit > 0 ? (int64_t)opt->limit : DASHBOARD_LIMIT;
	page.refresh_seconds = opt->refresh_seconds;

	/* One read transaction: every figure comes from the same snapshot, even
	 * while nostr-load commits. */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		if (err != NULL)
			buf_puts(err, sqlite3_errmsg(db));
		return -1;
	}
	c.now = opt->now > 0 ? opt->now : reference_time(&c);
	c.since = c.now - (int64_t)llround(c.hours * 3600);

	html_page_begin(out, &page);
	buf_puts(out, "<header><h1>Nostr dashboard</h1><p class=\"sub\">Data up to ");
	put_time(out, c.now, "%Y-%m-%d %H:%M UTC");
	buf_puts(out, " \xc2\xb7 window ");
	svg_number(out, c.hours);
	buf_puts(out, " h</p><nav aria-label=\"Views\">");
	for (i = 0; i < 6; i++)
		buf_printf(out, "<a href=\"#%s\">%s</a>", view_ids[i], view_names[i]);
	buf_puts(out, "</nav></header>\n<main>\n");
	view_overview(&c);
	view_trending(&c);
	view_network(&c);
	view_users(&c);
	view_relays(&c);
	view_zaps(&c);
	buf_puts(out, "</main>\n<footer>");
	if (opt->generator) {
		buf_puts(out, "Generated by ");
		html_escape_str(out, opt->generator);
		buf_puts(out, ". ");
	}
	buf_puts(out, "Times are UTC. Names, notes and hashtags are as their authors wrote "
	    "them: unverified.</footer>\n");
	html_page_end(out, &page);

	if (c.failed) {
		if (err != NULL)
			buf_puts(err, c.error);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return 0;
}

int
dashboard_save(const char *path, const void *data, size_t len)
{
	struct buf tmp = BUF_INIT;
	const char *p = data;
	ssize_t n;
	int fd, saved;

	/* Same directory, so rename(2) stays within one file system. */
	buf_printf(&tmp, "%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(tmp.data)) == -1) {
		buf_free(&tmp);
		return -1;
	}
	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	/* mkstemp makes 0600; a dashboard is meant to be served and read. */
	if (fchmod(fd, 0644) != 0 || fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp.data, path) != 0)
		goto fail;
	buf_free(&tmp);
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp.data);
	buf_free(&tmp);
	errno = saved;
	return -1;
}
