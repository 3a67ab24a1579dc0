#include "cli/cli.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void
cli_version(void)
{
	printf("%s %s\n", getprogname(), NP_VERSION);
	exit(0);
}

/*
 * widen_pipe: when fd is a pipe, asks for PIPE_BYTES of buffer instead of
 * Linux's 64 KiB.  A pipeline is as fast as its stages overlap: with 64 KiB
 * (about 60 events) between them, nostr-verify's threads wait whenever
 * nostr-load is inside a statement, and verify -j2 | enrich | load took
 * 5.0-5.4 s for 100k events; with 1 MiB, 4.1-4.3 s (8 MiB was slower again:
 * the loader fell behind and finished alone).  An unprivileged user past
 * the kernel's pipe limits keeps the default; nothing else changes.
 */
#define PIPE_BYTES (1 << 20)

static void
widen_pipe(int fd)
{
#ifdef F_SETPIPE_SZ
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    fcntl(fd, F_GETPIPE_SZ) < PIPE_BYTES)
		(void)fcntl(fd, F_SETPIPE_SZ, PIPE_BYTES);
#else
	(void)fd;
#endif
}

int
cli_open_input(const char *operand)
{
	int fd;

	if (strcmp(operand, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(operand, O_RDONLY | O_CLOEXEC)) < 0) {
		warn("%s", operand);
		return -1;
	}
	widen_pipe(fd);
	return fd;
}

const char *
cli_input_name(const char *operand)
{
	return strcmp(operand, "-") == 0 ? "stdin" : operand;
}

void
cli_on_signals(void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;  /* no SA_RESTART: let read(2) return EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void
cli_stdout_buffer(void)
{
	static char buffer[1 << 20];

	setvbuf(stdout, buffer, _IOFBF, sizeof(buffer));
	widen_pipe(STDOUT_FILENO);
}

void
cli_flush_stdout(void *unused)
{
	(void)unused;
	fflush(stdout);
}

long long
cli_number(const char *arg, long long min, long long max, const char *name)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < min || v > max) {
		warnx("invalid %s: %s", name, arg);
		exit(2);
	}
	return v;
}

double
cli_hours(const char *arg)
{
	char *end;
	double h = strtod(arg, &end);

	if (end == arg || *end != '\0' || !isfinite(h) || h <= 0 || h > 24 * 366) {
		warnx("invalid hours: %s", arg);
		exit(2);
	}
	return h;
}

/* days_from_civil: days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* digits: 1 when s starts with n ASCII digits (sscanf's %d alone also takes
 * a sign or leading blanks, as in "T-1:00"). */
static int
digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
parse_iso8601(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0, oh, om;
	const char *p;
	int64_t t;

	if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2) ||
	    sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return -1;
	p = s + n;
	if (*p == 'T' || *p == ' ') {
		n = 0;
		if (!digits(p + 1, 2) || p[3] != ':' || !digits(p + 4, 2) ||
		    sscanf(p + 1, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5)
			return -1;
		p += 1 + n;
		if (*p == ':') {
			n = 0;
			if (!digits(p + 1, 2) || sscanf(p + 1, "%2d%n", &sec, &n) != 1 || n != 2)
				return -1;
			p += 1 + n;
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		n = 0;
		if (!digits(p + 1, 2) || p[3] != ':' || !digits(p + 4, 2) ||
		    sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5 || om > 59)
			return -1;
		t -= (*p == '+' ? 1 : -1) * (oh * 3600 + om * 60);
		p += 1 + n;
	}
	if (*p != '\0')
		return -1;
	*out = t;
	return 0;
}

int
cli_parse_time(const char *arg, int64_t now, int64_t *out)
{
	char *end;
	long long v, unit;

	if (arg[0] == '\0')
		return -1;
	if (strchr(arg, '-') != NULL && arg[0] != '-')
		return parse_iso8601(arg, out);
	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno != 0 || end == arg || v < 0)
		return -1;
	if (*end == '\0') {
		*out = v;
		return 0;
	}
	if (end[1] != '\0')
		return -1;
	switch (*end) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 7 * 86400; break;
	default: return -1;
	}
	/* A count that fits but not once made seconds is refused, not wrapped. */
	if (v > LLONG_MAX / unit)
		return -1;
	v *= unit;
	*out = now - v;
	return 0;
}

int
cli_color(void)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(STDERR_FILENO) && (nc == NULL || nc[0] == '\0');
}
