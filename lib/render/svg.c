#include "render/svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "render/html.h"

/* Geometry, in CSS pixels and percent of the chart's width. */
#define BAR_ROW        26     /* px per bar row */
#define BAR_THICK      16     /* px */
#define BAR_AXIS_PCT   38     /* labels left of this, bars right of it */
#define BAR_SPAN_PCT   50.0   /* the longest bar; the rest is room for its value */
#define BAR_LABEL_CHARS 15    /* about what 38% of a phone's width holds */

#define LINE_HEIGHT    220
#define LINE_TOP       14     /* room for the top tick's label */
#define LINE_PLOT      170    /* plot height; x axis at LINE_TOP + LINE_PLOT */
#define LINE_VIEW_W    1000   /* viewBox width of the stretched plot */
#define LINE_XLABELS   5

#define HIST_HEIGHT    200
#define HIST_BASE      164
#define HIST_BAR_MAX   140
#define HIST_LABEL_CHARS 8

#define SPARK_HEIGHT   36

static double
clean(double v)
{
	return isfinite(v) && v > 0 ? v : 0;
}

/*
 * put_fixed: v with exactly `decimals` digits after the point, by integer
 * arithmetic: printf's %f follows LC_NUMERIC, and a decimal comma inside an
 * SVG coordinate would break the chart.
 */
static void
put_fixed(struct buf *out, double v, int decimals)
{
	long long scale = 1, r;
	int i;

	for (i = 0; i < decimals; i++)
		scale *= 10;
	if (!isfinite(v))
		v = 0;
	if (v > 1e12)
		v = 1e12;
	if (v < -1e12)
		v = -1e12;
	r = llround(v * (double)scale);
	if (r < 0) {
		buf_putc(out, '-');
		r = -r;
	}
	buf_printf(out, "%lld", r / scale);
	if (decimals > 0)
		buf_printf(out, ".%0*lld", decimals, r % scale);
}

/* put_grouped: a non-negative whole number with thousands separators. */
static void
put_grouped(struct buf *out, unsigned long long n)
{
	char digits[32];
	int len, i;

	len = snprintf(digits, sizeof digits, "%llu", n);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf_putc(out, ',');
		buf_putc(out, digits[i]);
	}
}

void
svg_number(struct buf *out, double v)
{
	unsigned long long r;
	double a;

	if (!isfinite(v)) {
		buf_puts(out, "n/a");
		return;
	}
	a = fabs(v);
	if (a >= 1e15) {
		/* Past what a double holds exactly: the short form says enough. */
		svg_compact(out, v);
		return;
	}
	r = (unsigned long long)llround(a * 100);
	if (r == 0) {
		buf_putc(out, '0');
		return;
	}
	if (v < 0)
		buf_putc(out, '-');
	put_grouped(out, r / 100);
	if (r % 100 != 0) {
		if (r % 10 == 0)
			buf_printf(out, ".%llu", (r % 100) / 10);
		else
			buf_printf(out, ".%02llu", r % 100);
	}
}

void
svg_compact(struct buf *out, double v)
{
	static const char *const suffix[] = { "", "k", "M", "B", "T" };
	double a;
	size_t unit = 0;
	long long tenths;

	if (!isfinite(v)) {
		buf_puts(out, "n/a");
		return;
	}
	a = fabs(v);
	while (a >= 999.5 && unit + 1 < sizeof suffix / sizeof suffix[0]) {
		a /= 1000;
		unit++;
	}
	if (v < 0 && a >= 0.05)
		buf_putc(out, '-');
	if (a < 9.95) {
		tenths = llround(a * 10);
		if (tenths % 10 == 0)
			buf_printf(out, "%lld", tenths / 10);
		else
			buf_printf(out, "%lld.%lld", tenths / 10, tenths % 10);
	} else {
		buf_printf(out, "%lld", llround(a));
	}
	buf_puts(out, suffix[unit]);
}

double
svg_nice_step(double max, int ticks)
{
	static const double mult[] = { 1, 2, 2.5, 5, 10 };
	double raw, mag;
	size_t i;

	if (!(max > 0) || !isfinite(max) || ticks < 1)
		return 1;
	raw = max / ticks;
	mag = pow(10, floor(log10(raw)));
	for (i = 0; i < sizeof mult / sizeof mult[0]; i++)
		if (mult[i] * mag >= raw * (1 - 1e-9))
			return mult[i] * mag;
	return 10 * mag;
}

/* open_svg: the chart's root element; text positions inside are in px and %. */
static void
open_svg(struct buf *out, const char *class, const char *title, int height)
{
	buf_printf(out, "<svg class=\"chart %s\" width=\"100%%\" height=\"%d\" role=\"img\" "
	    "aria-label=\"", class, height);
	html_escape_str(out, title);
	buf_puts(out, "\">");
}

static void
empty_chart(struct buf *out, int height)
{
	buf_printf(out, "<text class=\"empty\" x=\"50%%\" y=\"%d\" text-anchor=\"middle\">"
	    "no data</text>", height / 2 + 4);
}

/* hover_title: "<title>LABEL: VALUE UNIT</title>", all escaped. */
static void
hover_title(struct buf *out, const char *label, double value, const char *unit)
{
	buf_puts(out, "<title>");
	html_escape_str(out, label);
	buf_puts(out, ": ");
	svg_number(out, value);
	if (unit != NULL && *unit) {
		buf_putc(out, ' ');
		html_escape_str(out, unit);
	}
	buf_puts(out, "</title>");
}

static double
max_bar(const struct svg_bar *bars, size_t n)
{
	double max = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (clean(bars[i].value) > max)
			max = clean(bars[i].value);
	return max;
}

static void
cut_label(struct buf *out, const char *label, size_t max_chars)
{
	const char *s = label ? label : "";

	html_escape_cut(out, s, strlen(s), max_chars);
}

void
svg_bar_chart(struct buf *out, const char *title, const struct svg_bar *bars, size_t n,
    const char *unit)
{
	double max = max_bar(bars, n), width, v;
	int height = n ? (int)n * BAR_ROW + 4 : 48, y;
	size_t i;

	open_svg(out, "chart-bar", title, height);
	if (n == 0) {
		empty_chart(out, height);
		buf_puts(out, "</svg>");
		return;
	}
	buf_printf(out, "<line class=\"axis\" x1=\"%d%%\" x2=\"%d%%\" y1=\"0\" y2=\"%d\"/>",
	    BAR_AXIS_PCT, BAR_AXIS_PCT, height);
	for (i = 0; i < n; i++) {
		v = clean(bars[i].value);
		width = max > 0 ? v / max * BAR_SPAN_PCT : 0;
		/* A tiny but non-zero value still gets a visible sliver. */
		if (v > 0 && width < 0.4)
			width = 0.4;
		y = 2 + (int)i * BAR_ROW;
		buf_puts(out, "<g class=\"row\">");
		hover_title(out, bars[i].label, bars[i].value, unit);
		buf_printf(out, "<text class=\"lbl\" x=\"%d%%\" dx=\"-6\" y=\"%d\" "
		    "text-anchor=\"end\" dominant-baseline=\"central\">", BAR_AXIS_PCT,
		    y + BAR_ROW / 2);
		cut_label(out, bars[i].label, BAR_LABEL_CHARS);
		buf_printf(out, "</text><rect class=\"bar\" x=\"%d%%\" y=\"%d\" width=\"",
		    BAR_AXIS_PCT, y + (BAR_ROW - BAR_THICK) / 2);
		put_fixed(out, width, 2);
		buf_printf(out, "%%\" height=\"%d\" rx=\"2\"/><text class=\"val\" x=\"", BAR_THICK);
		put_fixed(out, BAR_AXIS_PCT + width, 2);
		buf_printf(out, "%%\" dx=\"5\" y=\"%d\" dominant-baseline=\"central\">",
		    y + BAR_ROW / 2);
		svg_compact(out, v);
		buf_puts(out, "</text></g>");
	}
	buf_puts(out, "</svg>");
}

/* time_label: a point's time as strftime(fmt) in UTC. */
static void
time_label(struct buf *out, int64_t t, const char *fmt)
{
	char s[64];
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(s, sizeof s, fmt, &tm) == 0)
		snprintf(s, sizeof s, "%lld", (long long)t);
	buf_puts(out, s);
}

/* line_grid: gridlines of tick up to top, their values just above them at
 * the left edge, so the plot can use the full width a phone has. */
static void
line_grid(struct buf *out, double top, double tick, int bottom)
{
	double y;
	size_t i;

	for (i = 0; i * tick <= top * (1 + 1e-9); i++) {
		y = bottom - i * tick / top * LINE_PLOT;
		buf_puts(out, "<line class=\"grid\" x1=\"0\" x2=\"100%\" y1=\"");
		put_fixed(out, y, 1);
		buf_puts(out, "\" y2=\"");
		put_fixed(out, y, 1);
		buf_puts(out, "\"/><text class=\"tick\" x=\"2\" y=\"");
		put_fixed(out, y - 3, 1);
		buf_puts(out, "\">");
		svg_compact(out, i * tick);
		buf_puts(out, "</text>");
	}
}

/* line_path: the area under the line (area) or the line, in the plot's
 * viewBox, each point at the middle of its band. */
static void
line_path(struct buf *out, const struct svg_point *points, size_t n, double top, int area)
{
	double band = (double)LINE_VIEW_W / (double)n, x, y;
	size_t i;

	buf_puts(out, area ? "<path class=\"area\" d=\"M" : "<path class=\"line\" "
	    "vector-effect=\"non-scaling-stroke\" d=\"M");
	if (area) {
		put_fixed(out, n == 1 ? 0 : band / 2, 1);
		buf_printf(out, " %d L", LINE_PLOT);
	}
	for (i = 0; i < n; i++) {
		y = LINE_PLOT - clean(points[i].value) / top * LINE_PLOT;
		/* A lone point is drawn across its whole band, so it shows. */
		x = n == 1 ? 0 : (i + 0.5) * band;
		if (i > 0)
			buf_puts(out, " L");
		put_fixed(out, x, 1);
		buf_putc(out, ' ');
		put_fixed(out, y, 1);
		if (n == 1) {
			buf_printf(out, " L%d ", LINE_VIEW_W);
			put_fixed(out, y, 1);
		}
	}
	if (area) {
		buf_puts(out, " L");
		put_fixed(out, n == 1 ? LINE_VIEW_W : (n - 0.5) * band, 1);
		buf_printf(out, " %d Z", LINE_PLOT);
	}
	buf_puts(out, "\"/>");
}

/* line_hits: a hover target with its time and value over each point's band. */
static void
line_hits(struct buf *out, const struct svg_point *points, size_t n, enum svg_step step,
    const char *unit)
{
	const char *title_fmt = step == SVG_HOURLY ? "%Y-%m-%d %H:%M UTC" : "%Y-%m-%d";
	double band = (double)LINE_VIEW_W / (double)n;
	struct buf label = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		buf_reset(&label);
		time_label(&label, points[i].time, title_fmt);
		buf_puts(out, "<rect class=\"hit\" x=\"");
		put_fixed(out, i * band, 1);
		buf_printf(out, "\" y=\"0\" width=\"");
		put_fixed(out, band, 1);
		buf_printf(out, "\" height=\"%d\">", LINE_PLOT);
		hover_title(out, label.data, points[i].value, unit);
		buf_puts(out, "</rect>");
	}
	buf_free(&label);
}

/* line_time_labels: a few time labels under the axis: the first, the last
 * and evenly between. */
static void
line_time_labels(struct buf *out, const struct svg_point *points, size_t n,
    enum svg_step step, int bottom)
{
	const char *tick_fmt = step == SVG_DAILY ? "%m-%d" :
	    points[n - 1].time - points[0].time >= 48 * 3600 ? "%m-%d %Hh" : "%H:%M";
	size_t labels = n < LINE_XLABELS ? n : LINE_XLABELS, i, j;
	double x;

	for (j = 0; j < labels; j++) {
		const char *anchor = "middle";

		i = labels == 1 ? 0 : j * (n - 1) / (labels - 1);
		x = (i + 0.5) / n * 100;
		if (labels > 1 && j == 0)
			anchor = "start", x = (double)i / n * 100;
		else if (labels > 1 && j == labels - 1)
			anchor = "end", x = (i + 1.0) / n * 100;
		buf_puts(out, "<text class=\"tick\" x=\"");
		put_fixed(out, x, 2);
		buf_printf(out, "%%\" y=\"%d\" text-anchor=\"%s\">", bottom + 20, anchor);
		time_label(out, points[i].time, tick_fmt);
		buf_puts(out, "</text>");
	}
}

void
svg_line_chart(struct buf *out, const char *title, const struct svg_point *points,
    size_t n, enum svg_step step, const char *unit)
{
	double max = 0, top, tick;
	size_t i;
	int bottom = LINE_TOP + LINE_PLOT;

	open_svg(out, "chart-line", title, LINE_HEIGHT);
	if (n == 0) {
		empty_chart(out, LINE_HEIGHT);
		buf_puts(out, "</svg>");
		return;
	}
	for (i = 0; i < n; i++)
		if (clean(points[i].value) > max)
			max = clean(points[i].value);
	tick = svg_nice_step(max, 4);
	top = max > 0 ? ceil(max / tick - 1e-9) * tick : tick;
	line_grid(out, top, tick, bottom);
	/* The plot stretches to any width; strokes keep their width. */
	buf_printf(out, "<svg x=\"0\" y=\"%d\" width=\"100%%\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "preserveAspectRatio=\"none\">", LINE_TOP, LINE_PLOT, LINE_VIEW_W, LINE_PLOT);
	line_path(out, points, n, top, 1);
	line_path(out, points, n, top, 0);
	line_hits(out, points, n, step, unit);
	buf_puts(out, "</svg>");
	buf_printf(out, "<line class=\"axis\" x1=\"0\" x2=\"100%%\" y1=\"%d\" y2=\"%d\"/>",
	    bottom, bottom);
	line_time_labels(out, points, n, step, bottom);
	buf_puts(out, "</svg>");
}

void
svg_sparkline(struct buf *out, const char *title, const double *values, size_t n)
{
	double max = 0, x, y;
	size_t i;

	buf_printf(out, "<svg class=\"chart spark\" width=\"100%%\" height=\"%d\" viewBox=\"0 0 100 %d\" "
	    "preserveAspectRatio=\"none\" role=\"img\" aria-label=\"", SPARK_HEIGHT, SPARK_HEIGHT);
	html_escape_str(out, title);
	buf_puts(out, "\" data-values=\"");
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(out, ' ');
		put_fixed(out, clean(values[i]), clean(values[i]) == floor(clean(values[i])) ? 0 : 2);
	}
	buf_puts(out, "\"><title>");
	html_escape_str(out, title);
	buf_puts(out, "</title>");
	for (i = 0; i < n; i++)
		if (clean(values[i]) > max)
			max = clean(values[i]);
	if (n > 0) {
		/* The area first, then the line over it; 2 units of margin keep
		 * the stroke inside the box at the top and bottom. */
		buf_printf(out, "<path class=\"area\" d=\"M0 %d", SPARK_HEIGHT);
		for (i = 0; i < n; i++) {
			x = n == 1 ? 0 : (double)i * 100 / (double)(n - 1);
			y = SPARK_HEIGHT - 2 - (max > 0 ? clean(values[i]) / max : 0) * (SPARK_HEIGHT - 4);
			buf_puts(out, " L");
			put_fixed(out, x, 1);
			buf_putc(out, ' ');
			put_fixed(out, y, 1);
			if (n == 1) {
				buf_puts(out, " L100 ");
				put_fixed(out, y, 1);
			}
		}
		buf_printf(out, " L100 %d Z\"/>", SPARK_HEIGHT);
		buf_puts(out, "<path class=\"line\" vector-effect=\"non-scaling-stroke\" d=\"");
		for (i = 0; i < n; i++) {
			x = n == 1 ? 0 : (double)i * 100 / (double)(n - 1);
			y = SPARK_HEIGHT - 2 - (max > 0 ? clean(values[i]) / max : 0) * (SPARK_HEIGHT - 4);
			buf_puts(out, i ? " L" : "M");
			put_fixed(out, x, 1);
			buf_putc(out, ' ');
			put_fixed(out, y, 1);
			if (n == 1) {
				buf_puts(out, " L100 ");
				put_fixed(out, y, 1);
			}
		}
		buf_puts(out, "\"/>");
	}
	buf_puts(out, "</svg>");
}

void
svg_histogram(struct buf *out, const char *title, const struct svg_bar *bins, size_t n,
    const char *unit)
{
	double max = max_bar(bins, n), slot, h, v;
	size_t i;

	open_svg(out, "chart-hist", title, HIST_HEIGHT);
	if (n == 0) {
		empty_chart(out, HIST_HEIGHT);
		buf_puts(out, "</svg>");
		return;
	}
	slot = 100.0 / (double)n;
	for (i = 0; i < n; i++) {
		v = clean(bins[i].value);
		h = max > 0 ? v / max * HIST_BAR_MAX : 0;
		if (v > 0 && h < 1)
			h = 1;
		buf_puts(out, "<g class=\"row\">");
		hover_title(out, bins[i].label, bins[i].value, unit);
		buf_puts(out, "<rect class=\"bar\" x=\"");
		put_fixed(out, i * slot + slot * 0.12, 2);
		buf_puts(out, "%\" y=\"");
		put_fixed(out, HIST_BASE - h, 1);
		buf_puts(out, "\" width=\"");
		put_fixed(out, slot * 0.76, 2);
		buf_puts(out, "%\" height=\"");
		put_fixed(out, h, 1);
		buf_puts(out, "\" rx=\"2\"/><text class=\"val\" x=\"");
		put_fixed(out, (i + 0.5) * slot, 2);
		buf_puts(out, "%\" y=\"");
		put_fixed(out, HIST_BASE - h - 4, 1);
		buf_puts(out, "\" text-anchor=\"middle\">");
		svg_compact(out, v);
		buf_puts(out, "</text><text class=\"lbl\" x=\"");
		put_fixed(out, (i + 0.5) * slot, 2);
		buf_printf(out, "%%\" y=\"%d\" text-anchor=\"middle\">", HIST_BASE + 20);
		cut_label(out, bins[i].label, HIST_LABEL_CHARS);
		buf_puts(out, "</text></g>");
	}
	buf_printf(out, "<line class=\"axis\" x1=\"0\" x2=\"100%%\" y1=\"%d\" y2=\"%d\"/>",
	    HIST_BASE, HIST_BASE);
	buf_puts(out, "</svg>");
}
