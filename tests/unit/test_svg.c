/*
 * test_svg.c: svg.h: number formats, tick steps, and each chart's geometry,
 * escaping and markup balance, with hostile labels and degenerate data.
 */
#include "render/svg.h"
#include "tap.h"

#include <math.h>
#include <stdlib.h>

static struct buf out = BUF_INIT;

static const char *
num(double v)
{
	buf_reset(&out);
	svg_number(&out, v);
	return out.data;
}

static const char *
compact(double v)
{
	buf_reset(&out);
	svg_compact(&out, v);
	return out.data;
}

/* count: occurrences of needle in hay. */
static int
count(const char *hay, const char *needle)
{
	int n = 0;
	size_t len = strlen(needle);

	while (hay != NULL && (hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += len;
	}
	return n;
}

/*
 * balanced: 1 when every element opened in s is closed in order (self-closing
 * tags count as both), and no '<' appears except to start a tag: text from the
 * network must arrive as &lt;.  Enough XML to catch a broken chart.
 */
static int
balanced(const char *s)
{
	char stack[64][16];
	int depth = 0;
	size_t n;

	while ((s = strchr(s, '<')) != NULL) {
		const char *end = strchr(s, '>');
		int closing = s[1] == '/';
		const char *name = s + 1 + closing;

		if (end == NULL)
			return 0;
		n = strspn(name, "abcdefghijklmnopqrstuvwxyz");
		if (n == 0 || n >= sizeof stack[0])
			return 0;
		if (closing) {
			if (depth == 0 || strlen(stack[depth - 1]) != n ||
			    strncmp(stack[depth - 1], name, n) != 0)
				return 0;
			depth--;
		} else if (end[-1] != '/') {
			if (depth == 64)
				return 0;
			memcpy(stack[depth], name, n);
			stack[depth++][n] = '\0';
		}
		s = end + 1;
	}
	return depth == 0;
}

static void
test_number(void)
{
	CHECK_EQ_STR(num(0), "0");
	CHECK_EQ_STR(num(7), "7");
	CHECK_EQ_STR(num(999), "999");
	CHECK_EQ_STR(num(1000), "1,000");
	CHECK_EQ_STR(num(1234567), "1,234,567");
	CHECK_EQ_STR(num(-42000), "-42,000");
	CHECK_EQ_STR(num(0.25), "0.25");
	CHECK_EQ_STR(num(1234.5), "1,234.5");
	CHECK_EQ_STR(num(2.999), "3");
	CHECK_EQ_STR(num(0.001), "0");
	CHECK_EQ_STR(num(NAN), "n/a");
	CHECK_EQ_STR(num(INFINITY), "n/a");
}

static void
test_compact(void)
{
	CHECK_EQ_STR(compact(0), "0");
	CHECK_EQ_STR(compact(2.5), "2.5");
	CHECK_EQ_STR(compact(9.96), "10");
	CHECK_EQ_STR(compact(950), "950");
	CHECK_EQ_STR(compact(999.7), "1k");
	CHECK_EQ_STR(compact(1234), "1.2k");
	CHECK_EQ_STR(compact(34000), "34k");
	CHECK_EQ_STR(compact(5.6e6), "5.6M");
	CHECK_EQ_STR(compact(7.8e9), "7.8B");
	CHECK_EQ_STR(compact(-1500), "-1.5k");
}

static void
test_nice_step(void)
{
	CHECK(fabs(svg_nice_step(100, 4) - 25) < 1e-9);
	CHECK(fabs(svg_nice_step(7, 4) - 2) < 1e-9);
	CHECK(fabs(svg_nice_step(9, 4) - 2.5) < 1e-9);
	CHECK(fabs(svg_nice_step(3, 4) - 1) < 1e-9);
	CHECK(fabs(svg_nice_step(1000, 4) - 250) < 1e-9);
	CHECK(fabs(svg_nice_step(21000, 4) - 10000) < 1e-9);
	CHECK(fabs(svg_nice_step(0, 4) - 1) < 1e-9);
	CHECK(fabs(svg_nice_step(NAN, 4) - 1) < 1e-9);
}

static const char hostile[] = "<script>document.title='pwned'</script>\xe2\x80\xae";

static void
test_bar_chart(void)
{
	struct svg_bar bars[] = {
		{ "nostr", 200 }, { hostile, 100 }, { NULL, 0 },
		{ "averyveryverylonghashtagthatgoesonandon", 1 },
	};

	buf_reset(&out);
	svg_bar_chart(&out, "Top <hashtags>", bars, 4, "notes");
	CHECK(balanced(out.data));
	CHECK(strncmp(out.data, "<svg class=\"chart chart-bar\" width=\"100%\" height=\"108\" "
	    "role=\"img\" aria-label=\"Top &lt;hashtags&gt;\">", 95) == 0);
	CHECK_EQ_INT(count(out.data, "<rect class=\"bar\""), 4);
	/* The largest value spans the full bar width, half of it half. */
	CHECK(strstr(out.data, "width=\"50.00%\"") != NULL);
	CHECK(strstr(out.data, "width=\"25.00%\"") != NULL);
	CHECK(strstr(out.data, "width=\"0.00%\"") != NULL);
	/* 1/200 of 50% is 0.25%: raised to a visible 0.4%. */
	CHECK(strstr(out.data, "width=\"0.40%\"") != NULL);
	CHECK(strstr(out.data, "<title>nostr: 200 notes</title>") != NULL);
	CHECK(strstr(out.data, "<script") == NULL);
	CHECK(strstr(out.data, "\xe2\x80\xae") == NULL);
	CHECK(strstr(out.data, "&lt;script&gt;document.title=&#39;pwned&#39;") != NULL);
	/* Long labels are cut in the chart, whole in the title. */
	CHECK(strstr(out.data, ">averyveryveryl\xe2\x80\xa6</text>") != NULL);
	CHECK(strstr(out.data, "<title>averyveryverylonghashtagthatgoesonandon: 1 notes")
	    != NULL);

	buf_reset(&out);
	svg_bar_chart(&out, "none", NULL, 0, NULL);
	CHECK(balanced(out.data));
	CHECK(strstr(out.data, ">no data</text>") != NULL);
}

static void
test_line_chart(void)
{
	struct svg_point pts[] = {
		{ 1700000000 - 1700000000 % 3600, 0 },
		{ 1700003600 - 1700000000 % 3600, 50 },
		{ 1700007200 - 1700000000 % 3600, 100 },
	};
	struct svg_point one = { 1700000000 - 1700000000 % 86400, 5 };
	struct svg_point bad[] = { { 0, NAN }, { 3600, -5 }, { 7200, INFINITY } };

	buf_reset(&out);
	svg_line_chart(&out, "Events per hour", pts, 3, SVG_HOURLY, "events");
	CHECK(balanced(out.data));
	/* Top tick is 100 with step 25: five gridlines; the plot is 170 high and
	 * points sit in the middle of three equal bands of 1000. */
	CHECK_EQ_INT(count(out.data, "<line class=\"grid\""), 5);
	CHECK(strstr(out.data, ">100</text>") != NULL);
	CHECK(strstr(out.data, ">25</text>") != NULL);
	CHECK(strstr(out.data, "<path class=\"line\" vector-effect=\"non-scaling-stroke\" "
	    "d=\"M166.7 170.0 L500.0 85.0 L833.3 0.0\"/>") != NULL);
	CHECK(strstr(out.data, "<path class=\"area\" d=\"M166.7 170 L166.7 170.0 L500.0 85.0 "
	    "L833.3 0.0 L833.3 170 Z\"/>") != NULL);
	CHECK_EQ_INT(count(out.data, "<rect class=\"hit\""), 3);
	CHECK(strstr(out.data, "<title>2023-11-14 23:00 UTC: 50 events</title>") != NULL);
	/* Three points, three time labels: first anchored at the start, last at the end. */
	CHECK(strstr(out.data, "text-anchor=\"start\">22:00</text>") != NULL);
	CHECK(strstr(out.data, "text-anchor=\"middle\">23:00</text>") != NULL);
	CHECK(strstr(out.data, "x=\"100.00%\" y=\"204\" text-anchor=\"end\">00:00</text>") != NULL);

	buf_reset(&out);
	svg_line_chart(&out, "one", &one, 1, SVG_DAILY, NULL);
	CHECK(balanced(out.data));
	CHECK(strstr(out.data, "d=\"M0.0 28.3 L1000 28.3\"") != NULL);
	CHECK(strstr(out.data, ">11-14</text>") != NULL);
	CHECK(strstr(out.data, "<title>2023-11-14: 5</title>") != NULL);

	/* NaN, negative and infinite values draw at 0 and say n/a in titles. */
	buf_reset(&out);
	svg_line_chart(&out, "bad", bad, 3, SVG_HOURLY, NULL);
	CHECK(balanced(out.data));
	CHECK(strstr(out.data, "nan") == NULL && strstr(out.data, "inf") == NULL);
	CHECK(strstr(out.data, "d=\"M166.7 170.0 L500.0 170.0 L833.3 170.0\"") != NULL);
	CHECK(strstr(out.data, ": n/a</title>") != NULL);

	buf_reset(&out);
	svg_line_chart(&out, "empty", NULL, 0, SVG_HOURLY, NULL);
	CHECK(balanced(out.data));
	CHECK(strstr(out.data, ">no data</text>") != NULL);
}

static void
test_sparkline(void)
{
	double v[] = { 1, 3, 2 };

	buf_reset(&out);
	svg_sparkline(&out, "Events: 1 \xe2\x86\x92 2 <b>", v, 3);
	CHECK(balanced(out.data));
	CHECK(strstr(out.data, "<title>Events: 1 \xe2\x86\x92 2 &lt;b&gt;</title>") != NULL);
	CHECK(strstr(out.data, " data-values=\"1 3 2\"") != NULL);
	/* 36 high with 2 of margin: max at y 2, a third of it at 34 - 32/3. */
	CHECK(strstr(out.data, "d=\"M0.0 23.3 L50.0 2.0 L100.0 12.7\"") != NULL);

	buf_reset(&out);
	svg_sparkline(&out, "none", NULL, 0);
	CHECK(balanced(out.data));
	CHECK(strstr(out.data, "<path") == NULL);
}

static void
test_histogram(void)
{
	struct svg_bar bins[] = {
		{ "1-10", 40 }, { "11-100", 10 }, { "101-1k", 0 }, { "<i>1k+</i>", 20 },
	};

	buf_reset(&out);
	svg_histogram(&out, "Zap sizes", bins, 4, "zaps");
	CHECK(balanced(out.data));
	CHECK_EQ_INT(count(out.data, "<rect class=\"bar\""), 4);
	/* Four slots of 25%; the tallest bar is 140 px over the axis at 164. */
	CHECK(strstr(out.data, "x=\"3.00%\" y=\"24.0\" width=\"19.00%\" height=\"140.0\"") != NULL);
	CHECK(strstr(out.data, "x=\"28.00%\" y=\"129.0\" width=\"19.00%\" height=\"35.0\"") != NULL);
	CHECK(strstr(out.data, "<title>11-100: 10 zaps</title>") != NULL);
	CHECK(strstr(out.data, ">&lt;i&gt;1k+&lt;\xe2\x80\xa6</text>") != NULL);
	CHECK(strstr(out.data, "<i>") == NULL);
}

int
main(void)
{
	TEST(test_number);
	TEST(test_compact);
	TEST(test_nice_step);
	TEST(test_bar_chart);
	TEST(test_line_chart);
	TEST(test_sparkline);
	TEST(test_histogram);
	buf_free(&out);
	return tap_done();
}
