/*
 * pipe-size: prints the buffer size of the pipe on standard input (after
 * reading it to its end) or, with -o, of the pipe on standard output (to
 * standard error, once the reader has made it other than 64 KiB or 5 s have
 * passed), for the tests of the tools' pipe widening.  Not installed.
 *
 * usage: pipe-size [-o]
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LINUX_DEFAULT (64 * 1024)

static int
size_of(int fd)
{
	int n;

	if ((n = fcntl(fd, F_GETPIPE_SZ)) < 0)
		err(1, "F_GETPIPE_SZ");
	return n;
}

int
main(int argc, char **argv)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	char chunk[65536];
	int i, n;

	if (argc == 2 && strcmp(argv[1], "-o") == 0) {
		for (i = 0; i < 500 && (n = size_of(STDOUT_FILENO)) == LINUX_DEFAULT; i++)
			nanosleep(&tick, NULL);
		fprintf(stderr, "%d\n", n);
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: pipe-size [-o]\n");
		return 2;
	}
	while (read(STDIN_FILENO, chunk, sizeof chunk) > 0)
		continue;
	printf("%d\n", size_of(STDIN_FILENO));
	return 0;
}
