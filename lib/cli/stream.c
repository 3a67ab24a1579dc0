#include "cli/stream.h"

#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

void
stream_options_init(struct stream_options *o)
{
	memset(o, 0, sizeof(*o));
	o->max_line = LINE_MAX_DEFAULT;
}

int
stream_option(struct stream_options *o, int ch, const char *arg)
{
	switch (ch) {
	case STREAM_OPT_REJECT:
		if (o->reject != NULL)
			fclose(o->reject);
		if ((o->reject = fopen(arg, "w")) == NULL)
			err(1, "%s", arg);
		return 1;
	case STREAM_OPT_MAX_LINE:
		o->max_line = (size_t)cli_number(arg, 64, 1LL << 32, "--max-line");
		return 1;
	case STREAM_OPT_STRICT:
		o->strict = 1;
		return 1;
	case 'v':
		o->verbose = 1;
		return 1;
	case 'q':
		o->quiet = 1;
		return 1;
	case 'V':
		cli_version();
	default:
		return 0;
	}
}

int
stream_open(struct stream_input *in, const char *operand,
    const struct stream_options *o, struct rejects *rej,
    volatile sig_atomic_t *stop, void (*idle)(void *), void *idle_arg)
{
	if ((in->fd = cli_open_input(operand)) < 0)
		return -1;
	in->name = cli_input_name(operand);
	rej->input = in->name;
	line_reader_init(&in->reader, in->fd, o->max_line,
	    idle ? idle : cli_flush_stdout, idle_arg);
	in->reader.stop = stop;
	return 0;
}

int
stream_events(const char *operand, const struct stream_options *o,
    struct rejects *rej, volatile sig_atomic_t *stop, struct event_parser *p,
    uint64_t *lines, stream_event_fn fn, void *arg)
{
	struct stream_input in;
	enum line_status st;
	enum event_error e;
	struct line line;
	struct event ev;

	if (stream_open(&in, operand, o, rej, stop, NULL, NULL) < 0)
		return -1;
	while ((st = line_reader_next(&in.reader, &line)) > 0) {
		(*lines)++;
		if (st == LINE_TOO_LONG) {
			rejects_add(rej, &line, EVENT_ERR_TOO_LONG, NULL);
			continue;
		}
		if ((e = event_parse(p, line.data, line.len, &ev)) != EVENT_OK) {
			rejects_add(rej, &line, e, p->field);
			continue;
		}
		if (fn(arg, &line, &ev) < 0)
			break;
	}
	return stream_close(&in, st);
}

int
stream_close(struct stream_input *in, enum line_status last)
{
	if (last == LINE_ERROR)
		warn("%s", in->name);
	line_reader_free(&in->reader);
	if (in->fd != STDIN_FILENO)
		close(in->fd);
	return last == LINE_ERROR ? -1 : 0;
}

int
stream_operands(int argc, char *argv[], volatile sig_atomic_t *stop,
    int (*fn)(const char *operand, void *arg), void *arg)
{
	int i, failed = 0;

	if (argc == 0)
		return fn("-", arg) < 0;
	for (i = 0; i < argc && !*stop; i++)
		failed |= fn(argv[i], arg) < 0;
	return failed;
}

int
stream_finish(struct stream_options *o, struct rejects *rej, int failed)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		err(1, "stdout");
	if (rejects_finish(rej) < 0)
		failed = 1;
	if (o->reject != NULL && fclose(o->reject) != 0) {
		warn("reject file");
		failed = 1;
	}
	o->reject = NULL;
	rej->file = NULL;
	if (failed)
		return 1;
	return o->strict && rej->total > 0 ? 1 : 0;
}
