/*
 * svg.h: charts as inline SVG for the HTML dashboard: a horizontal bar chart,
 * a line/area chart over time, a sparkline, and a histogram.
 *
 * Each function appends one <svg> element to a struct buf.  The charts are
 * written to be read at any width from a phone's 390 px to a desktop: text is
 * positioned in percent or pixels and never scaled, only the plotted shapes
 * stretch (viewBox with preserveAspectRatio="none" and non-scaling strokes).
 * Colours come from CSS classes (bar, line, area, grid, axis, tick, lbl, val,
 * hit, empty), so the page's style sheet decides light and dark.  Every bar,
 * bin and point carries a <title> with its exact value, which browsers show on
 * hover and screen readers read; the <svg> has role="img" and an aria-label.
 *
 * Labels and titles may be any bytes from the network: they are escaped with
 * html_escape() and cut to a sensible length (the full text stays in the
 * <title>).  Numbers are written without the C locale's help, so a user's
 * LC_NUMERIC with a decimal comma cannot break the markup.  Values that are
 * negative or not finite are drawn as 0 (the charts show counts and sums).
 * With no data a chart still appears, holding the text "no data".
 */
#ifndef NP_SVG_H
#define NP_SVG_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* A labelled value: one bar of a bar chart or one bin of a histogram. */
struct svg_bar {
	const char *label;  /* NUL-terminated; NULL shows as "" */
	double value;
};

/* A point of a time series: unix seconds and a value. */
struct svg_point {
	int64_t time;
	double value;
};

/* How a time series is labelled: hourly points read "13:00" (the point's time
 * to the minute), daily "05-01". */
enum svg_step { SVG_HOURLY, SVG_DAILY };

/*
 * svg_bar_chart: horizontal bars, one row per item in the order given, the
 * label left of the axis, the value at the bar's end.  unit (may be NULL)
 * follows the value in titles, e.g. "sats".  title is the chart's aria-label.
 */
void svg_bar_chart(struct buf *out, const char *title, const struct svg_bar *bars,
    size_t n, const char *unit);

/*
 * svg_line_chart: a line with the area under it, y axis from 0 with
 * gridlines at round numbers, a few time labels on the x axis, and a hover
 * title per point.  The points are equally spaced in the order given: the
 * caller fills gaps (an hour without events is a 0, not a missing point).
 */
void svg_line_chart(struct buf *out, const char *title, const struct svg_point *points,
    size_t n, enum svg_step step, const char *unit);

/*
 * svg_sparkline: a small line/area of values without axes, full width and
 * 36 px high, for a metric's recent trend; title is its tooltip and label.
 */
void svg_sparkline(struct buf *out, const char *title, const double *values, size_t n);

/*
 * svg_histogram: vertical bars of equal width for bins in the order given,
 * bin labels under the axis, the value above each bar.  Keep bin labels short
 * ("<=1k"): a phone gives each of ten bins about 35 px.
 */
void svg_histogram(struct buf *out, const char *title, const struct svg_bar *bins,
    size_t n, const char *unit);

/*
 * svg_number: appends v in full for titles and tables: whole numbers with
 * thousands separators ("1,234,567"), others with up to two decimals ("0.25").
 */
void svg_number(struct buf *out, double v);

/*
 * svg_compact: appends v short for axis ticks and bar ends: "950", "1.2k",
 * "34k", "5.6M", "7.8B"; below 10, up to one decimal ("2.5").
 */
void svg_compact(struct buf *out, double v);

/*
 * svg_nice_step: a round tick step (1, 2, 2.5 or 5 times a power of ten) that
 * divides [0, max] into at most `ticks` intervals; 1 when max is not positive.
 */
double svg_nice_step(double max, int ticks);

#endif
