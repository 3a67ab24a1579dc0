#include "render/dashboard.h"

#include <errno.h>
#include <fcntl.h>
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
#include "render/report.h"
#include "render/svg.h"
#include "store/dbq.h"

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
	struct dbq *db;
	struct buf *out;
	struct report_options o;  /* now, hours (the window), limit, wide */
	int64_t now;       /* reference time */
	int64_t since;     /* now - hours: the window is (since, now] */
	double hours;
	struct table *stats;       /* report_stats of the window */
	struct table *prev_stats;  /* report_stats of the window before */
	int failed;        /* a database error happened */
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

/* got: t, a report table; NULL after a database error, whose first message
 * is kept (the page is then not published). */
static struct table *
got(struct ctx *c, struct table *t)
{
	if (t == NULL && !c->failed) {
		snprintf(c->error, sizeof c->error, "%s", dbq_errmsg(c->db));
		c->failed = 1;
	}
	return t;
}

/* The report tables, read by column name; a missing table or column reads
 * as NULL, so a failed query renders as an empty view. */
static size_t
nrows(const struct table *t)
{
	return t != NULL ? t->nrows : 0;
}

static const struct cell *
cell(const struct table *t, size_t r, const char *col)
{
	int i = t != NULL && r < t->nrows ? table_column(t, col) : -1;

	return i < 0 ? NULL : table_cell(t, r, (size_t)i);
}

static int
is_null(const struct table *t, size_t r, const char *col)
{
	const struct cell *v = cell(t, r, col);

	return v == NULL || v->type == CELL_NULL;
}

static double
num(const struct table *t, size_t r, const char *col)
{
	const struct cell *v = cell(t, r, col);

	return v == NULL ? 0 : v->type == CELL_INT ? (double)v->i :
	    v->type == CELL_REAL ? v->r : 0;
}

static int64_t
int_of(const struct table *t, size_t r, const char *col)
{
	const struct cell *v = cell(t, r, col);

	return v == NULL ? 0 : v->type == CELL_INT ? v->i :
	    v->type == CELL_REAL ? (int64_t)v->r : 0;
}

static const char *
txt(const struct table *t, size_t r, const char *col)
{
	const struct cell *v = cell(t, r, col);

	return v != NULL && v->type == CELL_TEXT ? v->text : NULL;
}

/*
 * put_text: the text of a cell, escaped and cut to max_chars, by its byte
 * length: note content may hold U+0000, which a C string would end at.
 */
static void
put_text(struct buf *out, const struct table *t, size_t r, const char *col,
    size_t max_chars)
{
	const struct cell *v = cell(t, r, col);

	if (v != NULL && v->type == CELL_TEXT)
		html_escape_cut(out, v->text, v->len, max_chars);
}

/*
 * put_data: ` data-COL="value"` for a cell (nothing for NULL): the figure
 * as nostr-report -f json prints it (integers whole, reals to 15 digits,
 * text escaped), so that programs can read the page's figures without
 * parsing its prose (tests/dashboard-parity.bats).
 */
static void
put_data(struct buf *out, const struct table *t, size_t r, const char *col)
{
	const struct cell *v = cell(t, r, col);

	if (v == NULL || v->type == CELL_NULL)
		return;
	buf_printf(out, " data-%s=\"", col);
	if (v->type == CELL_INT)
		buf_printf(out, "%lld", (long long)v->i);
	else if (v->type == CELL_REAL)
		buf_printf(out, "%.15g", v->r);
	else
		html_escape(out, v->text, v->len);
	buf_putc(out, '"');
}

/* put_row_data: put_data for each of the NULL-ended cols. */
static void
put_row_data(struct buf *out, const struct table *t, size_t r, const char *const *cols)
{
	for (; *cols != NULL; cols++)
		put_data(out, t, r, *cols);
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

/* person_label: a chart label for a person: the name, else "npub1abc…wxyz"
 * (charts have room for less than a table), into label. */
static void
person_label(struct buf *label, const char *pubkey, const char *name)
{
	char full[NIP19_KEY_BUFSIZE], shown[NIP19_KEY_BUFSIZE];

	buf_reset(label);
	if (name != NULL && *name != '\0')
		buf_puts(label, name);
	else if (entity_short(pubkey, NIP19_NPUB, full, shown) == 0)
		buf_printf(label, "%.8s\xe2\x80\xa6%s", full, full + strlen(full) - 4);
	else
		buf_puts(label, pubkey ? pubkey : "");
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

/* A time series (report_series) as chart points and, for sparklines, values. */
struct series {
	struct svg_point *p;
	double *v;
	size_t n;
};

/* series_take: the series of table t (report_series' or
 * report_authors_series' rows), which it frees. */
static void
series_take(struct ctx *c, struct series *s, struct table *t)
{
	size_t i;

	t = got(c, t);
	s->n = nrows(t);
	s->p = xcalloc(s->n ? s->n : 1, sizeof *s->p);
	s->v = xcalloc(s->n ? s->n : 1, sizeof *s->v);
	for (i = 0; i < s->n; i++) {
		s->p[i].time = int_of(t, i, "time");
		s->p[i].value = s->v[i] = num(t, i, "value");
	}
	table_free(t);
}

static void
series_load(struct ctx *c, struct series *s, enum report_series which, size_t n,
    int64_t step_s)
{
	series_take(c, s, report_series(c->db, &c->o, which, n, step_s));
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

/*
 * card: a metric card for the stats figure `figure`: label, big number and,
 * with growth, the change against the window before and a sparkline.  The
 * card carries the figure's name and value as data-figure and data-value.
 */
static void
card(struct ctx *c, const char *label, const char *figure, int growth,
    const struct series *spark, const char *spark_title)
{
	struct buf *out = c->out;
	int64_t value = int_of(c->stats, 0, figure);

	buf_printf(out, "<div class=\"card\" data-figure=\"%s\" data-value=\"%lld\">"
	    "<div class=\"k\">", figure, (long long)value);
	html_escape_str(out, label);
	buf_puts(out, "</div><div class=\"v\">");
	svg_number(out, (double)value);
	buf_puts(out, "</div>");
	if (growth)
		put_growth(c, value, int_of(c->prev_stats, 0, figure));
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

/* overview_cards: the window's figures against the window before, and totals. */
static void
overview_cards(struct ctx *c, const struct series *ev, const struct series *au,
    const struct series *nu, const struct series *zs)
{
	struct buf title = BUF_INIT;

	buf_puts(c->out, "<div class=\"cards\">");
	card_title(&title, "Events in the last", c->hours);
	card(c, title.data, "events.window", 1, ev, "Events per hour");
	card_title(&title, "Active users, last", c->hours);
	card(c, title.data, "users.active", 1, au, "Active users per UTC hour");
	card_title(&title, "New users, last", c->hours);
	card(c, title.data, "users.new", 1, nu, "New users per hour");
	card_title(&title, "Zapped sats, last", c->hours);
	card(c, title.data, "window_zap_sats", 1, zs, "Sats per hour");
	card(c, "Events stored", "events.total", 0, NULL, NULL);
	card(c, "Users known", "users.total", 0, NULL, NULL);
	card(c, "Valid zaps", "zaps.total", 0, NULL, NULL);
	card(c, "Relays seen", "relays.total", 0, NULL, NULL);
	buf_puts(c->out, "</div>");
	buf_free(&title);
}

static void
view_overview(struct ctx *c)
{
	struct series ev, au, nu, zs, daily;
	struct buf *out = c->out;
	size_t nh = hourly_buckets(c);

	series_load(c, &ev, REPORT_SERIES_EVENTS, nh, 3600);
	series_take(c, &au, report_authors_series(c->db, &c->o, nh, 3600));
	series_load(c, &nu, REPORT_SERIES_NEW_USERS, nh, 3600);
	series_load(c, &zs, REPORT_SERIES_ZAP_SATS, nh, 3600);
	series_load(c, &daily, REPORT_SERIES_EVENTS, DASHBOARD_DAYS, 86400);

	view_begin(out, 0);
	overview_cards(c, &ev, &au, &nu, &zs);
	buf_puts(out, "<div class=\"grid\">");
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
}

/* trending_panel: nostr-score's trending hashtags for the window, or before
 * any run the hashtags by uses (report_trending_stored, report_hashtag_counts). */
static void
trending_panel(struct ctx *c)
{
	static const char *const data[] = {
		"rank", "hashtag", "mention_count", "unique_authors", "zaps", "trend_score", NULL,
	};
	struct table *t = got(c, report_trending_stored(c->db, &c->o));
	struct buf *out = c->out, rows = BUF_INIT;
	struct bars bars = { 0 };
	int is_scored = nrows(t) > 0;
	size_t r;

	if (!is_scored) {
		table_free(t);
		t = got(c, report_hashtag_counts(c->db, &c->o));
	}
	for (r = 0; r < nrows(t); r++) {
		bars_add(&bars, txt(t, r, "hashtag"),
		    num(t, r, is_scored ? "trend_score" : "mention_count"));
		buf_puts(&rows, "<tr");
		put_row_data(&rows, t, r, data);
		buf_puts(&rows, "><td class=\"t\"><bdi>#");
		put_text(&rows, t, r, "hashtag", 40);
		buf_puts(&rows, "</bdi></td><td class=\"n\">");
		svg_number(&rows, num(t, r, "mention_count"));
		buf_puts(&rows, "</td><td class=\"n\">");
		svg_number(&rows, num(t, r, "unique_authors"));
		buf_puts(&rows, "</td>");
		if (is_scored) {
			buf_puts(&rows, "<td class=\"n opt\">");
			svg_number(&rows, num(t, r, "zaps"));
			buf_puts(&rows, "</td><td class=\"n\">");
			svg_number(&rows, num(t, r, "trend_score"));
			buf_puts(&rows, "</td><td class=\"n opt\">");
			if (is_null(t, r, "velocity"))
				buf_puts(&rows, "<span class=\"badge\">new</span>");
			else {
				svg_number(&rows, num(t, r, "velocity"));
				buf_puts(&rows, "\xc3\x97");
			}
			buf_puts(&rows, "</td>");
		}
		buf_puts(&rows, "</tr>");
	}

	panel_begin(out, "Trending hashtags");
	if (is_scored) {
		buf_puts(out, "<p class=\"hint\">Trend score over the ");
		svg_number(out, c->hours);
		buf_puts(out, " h up to ");
		put_time(out, int_of(t, 0, "window_end"), "%Y-%m-%d %H:%M UTC");
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
	table_free(t);
	bars_free(&bars);
	buf_free(&rows);
}

/* viral_panel: report_viral's notes. */
static void
viral_panel(struct ctx *c)
{
	static const char *const data[] = { "event_id", "pubkey", "virality", NULL };
	struct table *t = got(c, report_viral(c->db, &c->o));
	struct buf *out = c->out;
	size_t r;

	panel_begin(out, "Viral notes");
	for (r = 0; r < nrows(t); r++) {
		if (r == 0)
			buf_puts(out, "<ol class=\"notes\">");
		buf_puts(out, "<li");
		put_row_data(out, t, r, data);
		buf_puts(out, "><div class=\"who\">");
		put_person(out, txt(t, r, "pubkey"), txt(t, r, "name"));
		buf_puts(out, " \xc2\xb7 ");
		put_time(out, int_of(t, r, "created_at"), "%Y-%m-%d %H:%M UTC");
		buf_puts(out, " \xc2\xb7 ");
		put_entity(out, txt(t, r, "event_id"), NIP19_NOTE);
		buf_puts(out, "</div><div class=\"text\"><bdi>");
		put_text(out, t, r, "content", 280);
		buf_puts(out, "</bdi></div><div class=\"stats\">virality ");
		svg_number(out, num(t, r, "virality"));
		buf_puts(out, " \xc2\xb7 ");
		svg_number(out, num(t, r, "replies"));
		buf_puts(out, " replies \xc2\xb7 ");
		svg_number(out, num(t, r, "reposts"));
		buf_puts(out, " reposts \xc2\xb7 ");
		svg_number(out, num(t, r, "reactions"));
		buf_puts(out, " reactions \xc2\xb7 ");
		svg_number(out, num(t, r, "zaps"));
		buf_puts(out, " zaps (");
		svg_number(out, num(t, r, "zap_total_sats"));
		buf_puts(out, " sats)</div></li>");
	}
	if (nrows(t) > 0)
		buf_puts(out, "</ol>");
	else
		hint(out, "No notes with engagement in the scored window (nostr-score).");
	buf_puts(out, "</div>");
	table_free(t);
}

static void
view_trending(struct ctx *c)
{
	view_begin(c->out, 1);
	buf_puts(c->out, "<div class=\"grid\">");
	trending_panel(c);
	viral_panel(c);
	buf_puts(c->out, "</div></section>\n");
}

/* bar_panel: a panel with a bar chart of t's rows: label_col (a kind number
 * gets its name) against value_col. */
static void
bar_panel(struct ctx *c, const char *title, struct table *t, const char *label_col,
    const char *value_col, const char *unit)
{
	struct bars bars = { 0 };
	struct buf label = BUF_INIT;
	size_t r;

	for (r = 0; r < nrows(t); r++) {
		buf_reset(&label);
		if (strcmp(label_col, "kind") == 0) {
			const char *name = dashboard_kind_name(int_of(t, r, "kind"));

			buf_printf(&label, "%lld", (long long)int_of(t, r, "kind"));
			if (name)
				buf_printf(&label, " %s", name);
		} else {
			const char *s = txt(t, r, label_col);

			buf_puts(&label, s ? s : "(none)");
		}
		bars_add(&bars, label.data, num(t, r, value_col));
	}
	panel_begin(c->out, title);
	svg_bar_chart(c->out, title, bars.v, bars.n, unit);
	buf_puts(c->out, "</div>");
	bars_free(&bars);
	buf_free(&label);
}

static void
view_network(struct ctx *c)
{
	struct series ev, au;
	struct buf *out = c->out, title = BUF_INIT;
	struct report_options o = c->o;

	series_load(c, &ev, REPORT_SERIES_EVENTS, hourly_buckets(c), 3600);
	series_take(c, &au, report_authors_series(c->db, &c->o, DASHBOARD_DAYS, 86400));
	view_begin(out, 2);
	buf_puts(out, "<div class=\"grid\">");
	panel_begin(out, "Events per hour");
	svg_line_chart(out, "Events per hour", ev.p, ev.n, SVG_HOURLY, "events");
	buf_puts(out, "</div>");
	panel_begin(out, "Active authors per UTC day");
	svg_line_chart(out, "Active authors per UTC day", au.p, au.n, SVG_DAILY, "authors");
	buf_puts(out, "</div>");
	/* The window, not all time: what is active now, and an index range
	 * rather than a scan of every event. */
	o.limit = 12;
	{
		struct table *kinds = got(c, report_kinds(c->db, &o));
		struct table *langs = got(c, report_languages(c->db, &o));

		card_title(&title, "Events by kind, last", c->hours);
		bar_panel(c, title.data, kinds, "kind", "events", "events");
		card_title(&title, "Content by language, last", c->hours);
		bar_panel(c, title.data, langs, "lang", "events", "events");
		table_free(kinds);
		table_free(langs);
	}
	buf_free(&title);
	buf_puts(out, "</div></section>\n");
	series_free(&ev);
	series_free(&au);
}

/* user_row: one leaderboard row of report_users (scored) or
 * report_users_by_followers. */
static void
user_row(struct buf *out, const struct table *t, size_t r, int is_scored)
{
	static const char *const data[] = {
		"rank", "pubkey", "name", "followers", "influence", NULL,
	};
	const char *nip05 = txt(t, r, "nip05"), *web = txt(t, r, "website");

	buf_puts(out, "<tr");
	put_row_data(out, t, r, data);
	buf_printf(out, "><td class=\"n\">%lld</td><td class=\"t\">",
	    (long long)int_of(t, r, "rank"));
	put_person(out, txt(t, r, "pubkey"), txt(t, r, "name"));
	buf_puts(out, "</td><td class=\"t opt\">");
	if (nip05) {
		buf_puts(out, "<bdi>");
		html_escape_cut(out, nip05, strlen(nip05), 40);
		buf_puts(out, "</bdi> ");
	}
	if (web)
		html_link(out, web, NULL, 40);
	buf_puts(out, "</td><td class=\"n\">");
	svg_number(out, num(t, r, "followers"));
	buf_puts(out, "</td>");
	if (is_scored) {
		buf_puts(out, "<td class=\"n opt\">");
		svg_number(out, num(t, r, "posts"));
		buf_puts(out, "</td><td class=\"n opt\">");
		svg_number(out, num(t, r, "zap_sats_received"));
		buf_puts(out, "</td><td class=\"n\">");
		svg_number(out, num(t, r, "influence"));
		buf_puts(out, "</td>");
	}
	buf_puts(out, "</tr>");
}

static void
view_users(struct ctx *c)
{
	/* Scored users rank by influence; before nostr-score, by followers. */
	struct table *t = got(c, report_users(c->db, &c->o));
	struct buf *out = c->out, label = BUF_INIT;
	struct bars bars = { 0 };
	struct series nu;
	int is_scored = nrows(t) > 0;
	size_t r;

	if (!is_scored) {
		table_free(t);
		t = got(c, report_users_by_followers(c->db, &c->o));
	}
	view_begin(out, 3);
	buf_puts(out, "<div class=\"grid\">");
	panel_begin(out, "Leaderboard");
	hint(out, is_scored ? "By influence (nostr-score: followers, zaps, engagement, PageRank)."
	    : "Not scored yet (run nostr-score): by followers.");
	if (nrows(t) > 0)
		buf_printf(out, "<div class=\"tbl\"><table><thead><tr><th class=\"n\">#</th>"
		    "<th>User</th><th class=\"opt\">NIP-05 / website</th>"
		    "<th class=\"n\">Followers</th>%s</tr></thead><tbody>",
		    is_scored ? "<th class=\"n opt\">Posts</th><th class=\"n opt\">Sats in</th>"
		    "<th class=\"n\">Influence</th>" : "");
	for (r = 0; r < nrows(t); r++) {
		user_row(out, t, r, is_scored);
		/* The chart names people as the table does: display name, else npub. */
		person_label(&label, txt(t, r, "pubkey"), txt(t, r, "name"));
		bars_add(&bars, label.data, num(t, r, is_scored ? "influence" : "followers"));
	}
	if (nrows(t) > 0)
		buf_puts(out, "</tbody></table></div>");
	else
		hint(out, "No users with followers yet.");
	buf_puts(out, "</div>");
	panel_begin(out, is_scored ? "Influence" : "Followers");
	svg_bar_chart(out, is_scored ? "Influence" : "Followers", bars.v, bars.n,
	    is_scored ? NULL : "followers");
	buf_puts(out, "</div>");
	series_load(c, &nu, REPORT_SERIES_NEW_USERS, DASHBOARD_DAYS, 86400);
	panel_begin(out, "New users per day");
	svg_line_chart(out, "New users per day", nu.p, nu.n, SVG_DAILY, "new users");
	buf_puts(out, "</div></div></section>\n");
	series_free(&nu);
	bars_free(&bars);
	buf_free(&label);
	table_free(t);
}

/* relay_row: one row of the relay health table. */
static void
relay_row(struct buf *out, const struct table *t, size_t r)
{
	static const char *const data[] = { "relay", "state", "events", "time", NULL };
	static const char *const figures[] = {
		"connect_ms", "eose_ms", "events", "duplicates", "invalid", "reconnects",
	};
	size_t i;

	/* Relay URLs are ws(s): shown as text, never as links. */
	buf_puts(out, "<tr");
	put_row_data(out, t, r, data);
	buf_puts(out, "><td class=\"t\"><bdi>");
	put_text(out, t, r, "relay", 48);
	buf_puts(out, "</bdi></td><td>");
	put_text(out, t, r, "state", 16);
	buf_puts(out, "</td>");
	for (i = 0; i < sizeof figures / sizeof figures[0]; i++) {
		buf_printf(out, "<td class=\"n%s\">", i == 1 || i >= 3 ? " opt" : "");
		if (!is_null(t, r, figures[i]))
			svg_number(out, round(num(t, r, figures[i])));
		buf_puts(out, "</td>");
	}
	buf_puts(out, "<td class=\"t opt\"><bdi>");
	put_text(out, t, r, "notice", 80);
	buf_puts(out, "</bdi></td><td class=\"opt\">");
	put_time(out, int_of(t, r, "time"), "%m-%d %H:%M");
	buf_puts(out, "</td></tr>");
}

static void
view_relays(struct ctx *c)
{
	struct report_options o = c->o;
	struct table *t;
	struct buf *out = c->out;
	struct bars latency = { 0 }, events = { 0 };
	size_t r;

	o.limit = DASHBOARD_MAX_RELAYS;
	t = got(c, report_relays(c->db, &o));
	view_begin(out, 4);
	buf_puts(out, "<div class=\"grid\">");
	panel_begin(out, "Relay health");
	if (nrows(t) > 0)
		buf_puts(out, "<div class=\"tbl\"><table><thead><tr><th>Relay</th>"
		    "<th>State</th><th class=\"n\">Connect ms</th>"
		    "<th class=\"n opt\">EOSE ms</th><th class=\"n\">Events</th>"
		    "<th class=\"n opt\">Dupes</th><th class=\"n opt\">Invalid</th>"
		    "<th class=\"n opt\">Reconnects</th><th class=\"opt\">Last notice</th>"
		    "<th class=\"opt\">As of</th></tr></thead><tbody>");
	for (r = 0; r < nrows(t); r++) {
		const char *label = txt(t, r, "relay");

		relay_row(out, t, r);
		/* Charts have little room for labels: drop the scheme there. */
		label = label ? label : "";
		if (strncmp(label, "wss://", 6) == 0)
			label += 6;
		else if (strncmp(label, "ws://", 5) == 0)
			label += 5;
		if (!is_null(t, r, "connect_ms"))
			bars_add(&latency, label, num(t, r, "connect_ms"));
		bars_add(&events, label, num(t, r, "events"));
	}
	if (nrows(t) > 0)
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
	table_free(t);
}

/* zap_table: top senders or recipients of valid zaps (report_top_zappers,
 * report_top_recipients: all time up to now). */
static void
zap_table(struct ctx *c, const char *title, struct table *t)
{
	static const char *const data[] = { "pubkey", "name", "zaps", "sats", NULL };
	struct buf *out = c->out;
	size_t r;

	panel_begin(out, title);
	for (r = 0; r < nrows(t); r++) {
		if (r == 0)
			buf_puts(out, "<div class=\"tbl\"><table><thead><tr><th class=\"n\">#</th>"
			    "<th>User</th><th class=\"n\">Zaps</th><th class=\"n\">Sats</th>"
			    "</tr></thead><tbody>");
		buf_puts(out, "<tr");
		put_row_data(out, t, r, data);
		buf_printf(out, "><td class=\"n\">%zu</td><td class=\"t\">", r + 1);
		put_person(out, txt(t, r, "pubkey"), txt(t, r, "name"));
		buf_puts(out, "</td><td class=\"n\">");
		svg_number(out, num(t, r, "zaps"));
		buf_puts(out, "</td><td class=\"n\">");
		svg_number(out, num(t, r, "sats"));
		buf_puts(out, "</td></tr>");
	}
	if (nrows(t) > 0)
		buf_puts(out, "</tbody></table></div>");
	else
		hint(out, "No valid zaps yet.");
	buf_puts(out, "</div>");
}

/*
 * zap_sizes_panel: report_zap_sizes as a histogram, each bin labelled by its
 * lower bound ("1k" holds 1,000 to 4,999 sats); the panel carries the rows
 * as data-sizes, a JSON array of [min_sats, max_sats or null, zaps, sats].
 */
static void
zap_sizes_panel(struct ctx *c, const struct table *t)
{
	struct bars bins = { 0 };
	struct buf label = BUF_INIT, *out = c->out;
	size_t r;

	buf_puts(out, "<div class=\"panel\" data-sizes=\"[");
	for (r = 0; r < nrows(t); r++) {
		buf_printf(out, "%s[%lld,", r ? "," : "", (long long)int_of(t, r, "min_sats"));
		if (is_null(t, r, "max_sats"))
			buf_puts(out, "null");
		else
			buf_printf(out, "%lld", (long long)int_of(t, r, "max_sats"));
		buf_printf(out, ",%lld,%lld]", (long long)int_of(t, r, "zaps"),
		    (long long)int_of(t, r, "sats"));
		buf_reset(&label);
		svg_compact(&label, num(t, r, "min_sats"));
		if (is_null(t, r, "max_sats"))
			buf_putc(&label, '+');
		bars_add(&bins, label.data, num(t, r, "zaps"));
	}
	buf_puts(out, "]\"><h3>Zap sizes (sats)</h3>");
	svg_histogram(out, "Zap sizes in sats", bins.v, bins.n, "zaps");
	buf_puts(out, "</div>");
	bars_free(&bins);
	buf_free(&label);
}

static void
view_zaps(struct ctx *c)
{
	struct report_options all = c->o;
	struct table *sizes, *zappers, *recipients;
	struct series sats;
	struct buf *out = c->out;

	all.hours = 0;  /* all time up to now */
	sizes = got(c, report_zap_sizes(c->db, &all));
	zappers = got(c, report_top_zappers(c->db, &all));
	recipients = got(c, report_top_recipients(c->db, &all));
	series_load(c, &sats, REPORT_SERIES_ZAP_SATS, DASHBOARD_DAYS, 86400);

	view_begin(out, 5);
	buf_puts(out, "<div class=\"grid\">");
	panel_begin(out, "Sats zapped per day");
	svg_line_chart(out, "Sats zapped per day", sats.p, sats.n, SVG_DAILY, "sats");
	buf_puts(out, "<p class=\"hint\">Valid zap receipts only; ");
	svg_number(out, num(c->stats, 0, "zaps.invalid"));
	buf_puts(out, " receipts with problems are left out. A receipt is the LNURL "
	    "provider's claim, not proof of payment.</p></div>");
	zap_sizes_panel(c, sizes);
	zap_table(c, "Top zappers", zappers);
	zap_table(c, "Top recipients", recipients);
	buf_puts(out, "</div></section>\n");
	series_free(&sats);
	table_free(sizes);
	table_free(zappers);
	table_free(recipients);
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

/* stats_load: the totals and the figures of the window and the one before. */
static void
stats_load(struct ctx *c)
{
	struct report_options prev = c->o;

	prev.now = c->since;
	c->stats = got(c, report_stats(c->db, &c->o));
	c->prev_stats = got(c, report_stats(c->db, &prev));
}

/* page_write: the page of ctx c (its window set) appended to c->out. */
static void
page_write(struct ctx *c, const struct dashboard_options *opt, const struct html_page *page)
{
	struct buf *out = c->out;
	size_t i;

	html_page_begin(out, page);
	buf_puts(out, "<header><h1>Nostr dashboard</h1><p class=\"sub\">Data up to ");
	put_time(out, c->now, "%Y-%m-%d %H:%M UTC");
	buf_puts(out, " \xc2\xb7 window ");
	svg_number(out, c->hours);
	buf_puts(out, " h</p><nav aria-label=\"Views\">");
	for (i = 0; i < 6; i++)
		buf_printf(out, "<a href=\"#%s\">%s</a>", view_ids[i], view_names[i]);
	buf_puts(out, "</nav></header>\n<main>\n");
	view_overview(c);
	view_trending(c);
	view_network(c);
	view_users(c);
	view_relays(c);
	view_zaps(c);
	buf_puts(out, "</main>\n<footer>");
	if (opt->generator) {
		buf_puts(out, "Generated by ");
		html_escape_str(out, opt->generator);
		buf_puts(out, ". ");
	}
	buf_puts(out, "Times are UTC. Names, notes and hashtags are as their authors wrote "
	    "them: unverified.</footer>\n");
	html_page_end(out, page);
}

int
dashboard_write(struct dbq *db, const struct dashboard_options *opt, struct buf *out,
    struct buf *err)
{
	struct html_page page = { "Nostr dashboard", dashboard_css, dashboard_js, 0 };
	struct ctx c = { 0 };
	int64_t now = 0;

	c.db = db;
	c.out = out;
	c.hours = opt->hours > 0 ? opt->hours : DASHBOARD_HOURS;
	page.refresh_seconds = opt->refresh_seconds;

	/* One read transaction: every figure comes from the same snapshot, even
	 * while nostr-load commits (PostgreSQL's default isolation would give
	 * each statement its own). */
	if (dbq_exec(db, dbq_pick(db, "BEGIN",
	    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"), NULL) != 0) {
		if (err != NULL)
			buf_puts(err, dbq_errmsg(db));
		return -1;
	}
	if (opt->now > 0)
		now = opt->now;
	else if (report_reference_time(db, &now) != 0)
		got(&c, NULL);
	c.now = now > 0 ? now : (int64_t)time(NULL);
	c.since = c.now - (int64_t)llround(c.hours * 3600);
	c.o.now = c.now;
	c.o.hours = c.hours;
	c.o.trending_default_hours = c.hours;
	c.o.limit = opt->limit > 0 ? (int64_t)opt->limit : DASHBOARD_LIMIT;
	c.o.wide = 1;

	stats_load(&c);
	page_write(&c, opt, &page);
	table_free(c.stats);
	table_free(c.prev_stats);

	if (c.failed) {
		if (err != NULL)
			buf_puts(err, c.error);
		dbq_exec(db, "ROLLBACK", NULL);
		return -1;
	}
	dbq_exec(db, "COMMIT", NULL);
	return 0;
}

/* write_all: the len bytes at data to fd; -1 with errno set on failure. */
static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* save_in_place: path is no regular file (a FIFO, /dev/stdout, /dev/null):
 * written to as it is, since renaming a file over it would replace it. */
static int
save_in_place(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), saved;

	if (fd == -1)
		return -1;
	if (write_all(fd, data, len) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return close(fd);
}

int
dashboard_save(const char *path, const void *data, size_t len)
{
	struct buf tmp = BUF_INIT;
	struct stat st;
	int fd, saved;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return save_in_place(path, data, len);
	/* Same directory, so rename(2) stays within one file system. */
	buf_printf(&tmp, "%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(tmp.data)) == -1) {
		buf_free(&tmp);
		return -1;
	}
	if (write_all(fd, data, len) != 0)
		goto fail;
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
