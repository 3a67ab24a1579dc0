/*
 * cli.h: the plumbing every tool shares: inputs named as operands, buffered
 * output flushed when input goes idle, signals, numbers from options.
 */
#ifndef NP_CLI_H
#define NP_CLI_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

/* cli_version: prints "PROG VERSION" to stdout and exits 0. */
void cli_version(void) __attribute__((noreturn));

/*
 * cli_open_input: opens an operand for reading ("-" is standard input),
 * widening it when it is a pipe, and returns its fd; on failure warns and
 * returns -1.
 */
int cli_open_input(const char *operand);

/* cli_input_name: the operand's name for messages ("stdin" for "-"). */
const char *cli_input_name(const char *operand);

/*
 * cli_on_signals: calls handler on SIGINT and SIGTERM, without SA_RESTART so
 * that a blocked read(2) returns EINTR and the tool can finish its line,
 * flush and exit.  SIGPIPE keeps its default: a closed pipe ends us quietly.
 */
void cli_on_signals(void (*handler)(int));

/*
 * cli_stdout_buffer: gives stdout a large buffer (flush it when input is
 * idle), and a wide pipe when it is one.
 */
void cli_stdout_buffer(void);

/* cli_flush_stdout: an idle callback for line_reader: fflush(stdout). */
void cli_flush_stdout(void *unused);

/*
 * cli_number: parses a whole number in [min, max] from an option's argument,
 * or exits 2 with "PROG: invalid NAME: ARG".
 */
long long cli_number(const char *arg, long long min, long long max, const char *name);

/*
 * cli_hours: a positive number of hours, at most a year (fractions allowed,
 * as in --hours 0.5), for --hours options; exits 2 with "PROG: invalid
 * hours: ARG" otherwise.
 */
double cli_hours(const char *arg);

/*
 * cli_parse_time: a time for --since/--until/--now: unix seconds, ISO 8601
 * (2024-05-01, 2024-05-01T12:00:00Z, with an optional +hh:mm offset) or a
 * duration before now such as 90s, 30m, 24h, 7d, 2w.  Returns 0 and *out, or -1.
 */
int cli_parse_time(const char *arg, int64_t now, int64_t *out);

/* cli_color: 1 when standard error is a terminal and NO_COLOR is unset. */
int cli_color(void);

#endif
