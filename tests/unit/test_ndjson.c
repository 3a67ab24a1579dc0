/* Unit tests for lib/ndjson: line splitting, the length bound, idle flushing. */
#include <stdlib.h>
#include <unistd.h>

#include "tap.h"

#include "base/ndjson.h"

/* reader_over: a reader over the bytes s, written through a pipe by a child. */
static int
pipe_of(const char *s, size_t len)
{
	int fds[2];

	if (pipe(fds) < 0)
		return -1;
	if (fork() == 0) {
		close(fds[0]);
		while (len > 0) {
			size_t n = len < 4096 ? len : 4096;

			if (write(fds[1], s, n) < 0)
				_exit(1);
			s += n;
			len -= n;
		}
		_exit(0);
	}
	close(fds[1]);
	return fds[0];
}

static void
idle_count(void *arg)
{
	(*(int *)arg)++;
}

static void
splits_lines(void)
{
	static const char in[] = "a\n\nbc\r\nlast";
	struct line_reader r;
	struct line l;
	int fd = pipe_of(in, sizeof(in) - 1), idles = 0;

	line_reader_init(&r, fd, 0, idle_count, &idles);
	CHECK_EQ_INT(line_reader_next(&r, &l), LINE_OK);
	CHECK(l.len == 1 && l.data[0] == 'a' && l.number == 1);
	CHECK_EQ_INT(line_reader_next(&r, &l), LINE_OK);
	CHECK_EQ_INT(l.len, 0);
	CHECK_EQ_INT(line_reader_next(&r, &l), LINE_OK);
	CHECK(l.len == 3 && memcmp(l.data, "bc\r", 3) == 0);
	CHECK_EQ_INT(line_reader_next(&r, &l), LINE_OK);
	CHECK(l.len == 4 && memcmp(l.data, "last", 4) == 0 && l.number == 4);
	CHECK_EQ_INT(line_reader_next(&r, &l), LINE_EOF);
	CHECK(idles >= 1);
	line_reader_free(&r);
	close(fd);
}

static void
skips_long_lines_in_constant_memory(void)
{
	size_t big = 3 * 1024 * 1024, i;
	char *in = malloc(big + 64);
	struct line_reader r;
	struct line l;
	int fd;

	memcpy(in, "ok\n", 3);
	for (i = 3; i < 3 + big; i++)
		in[i] = 'x';
	memcpy(in + 3 + big, "\nafter\n", 7);
	fd = pipe_of(in, big + 10);
	line_reader_init(&r, fd, 4096, NULL, NULL);
	CHECK_EQ_INT(line_reader_next(&r, &l), LINE_OK);
	CHECK_EQ_INT(line_reader_next(&r, &l), LINE_TOO_LONG);
	CHECK_EQ_INT(l.full_len, big);
	CHECK(l.len <= 256 && l.data[0] == 'x');
	CHECK(r.cap < 1024 * 1024);  /* far below the 3 MiB line */
	CHECK_EQ_INT(line_reader_next(&r, &l), LINE_OK);
	CHECK(l.len == 5 && memcmp(l.data, "after", 5) == 0 && l.number == 3);
	CHECK_EQ_INT(line_reader_next(&r, &l), LINE_EOF);
	line_reader_free(&r);
	close(fd);
	free(in);
}

static void
exact_limit_is_accepted(void)
{
	char in[70];
	struct line_reader r;
	struct line l;
	int fd;

	memset(in, 'y', 64);
	in[64] = '\n';
	memset(in + 65, 'z', 5);  /* 5 bytes, no newline */
	fd = pipe_of(in, 70);
	line_reader_init(&r, fd, 64, NULL, NULL);
	CHECK_EQ_INT(line_reader_next(&r, &l), LINE_OK);
	CHECK_EQ_INT(l.len, 64);
	CHECK_EQ_INT(line_reader_next(&r, &l), LINE_OK);
	CHECK_EQ_INT(l.len, 5);
	CHECK_EQ_INT(line_reader_next(&r, &l), LINE_EOF);
	line_reader_free(&r);
	close(fd);
}

int
main(void)
{
	TEST(splits_lines);
	TEST(skips_long_lines_in_constant_memory);
	TEST(exact_limit_is_accepted);
	return tap_done();
}
