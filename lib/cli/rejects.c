#include "cli/rejects.h"

#include <err.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void
rejects_init(struct rejects *r, FILE *file, int quiet)
{
	memset(r, 0, sizeof(*r));
	r->input = "stdin";
	r->file = file;
	r->quiet = quiet;
	r->max_shown = REJECTS_SHOWN_DEFAULT;
}

static void
count(struct rejects *r, const struct line *line, enum event_error e)
{
	r->total++;
	if ((unsigned)e < EVENT_NERR)
		r->count[e]++;
	if (r->file != NULL && e != EVENT_ERR_TOO_LONG) {
		fwrite(line->data, 1, line->len, r->file);
		putc('\n', r->file);
	}
}

void
rejects_add_text(struct rejects *r, const struct line *line, enum event_error e,
    const char *reason)
{
	count(r, line, e);
	if (r->quiet || r->shown >= r->max_shown)
		return;
	r->shown++;
	warnx("%s:%" PRIu64 ": %s", r->input, line->number, reason);
}

void
rejects_add(struct rejects *r, const struct line *line, enum event_error e,
    const char *field)
{
	char reason[128];

	if (e == EVENT_ERR_TOO_LONG)
		snprintf(reason, sizeof(reason), "line too long (%zu bytes)", line->full_len);
	else if (field != NULL)
		snprintf(reason, sizeof(reason), "%s \"%s\"", event_error_string(e), field);
	else
		snprintf(reason, sizeof(reason), "%s", event_error_string(e));
	rejects_add_text(r, line, e, reason);
}

int
rejects_finish(struct rejects *r)
{
	if (!r->quiet && r->total > r->shown)
		warnx("%" PRIu64 " more rejected lines not shown", r->total - r->shown);
	if (r->file != NULL && (fflush(r->file) != 0 || ferror(r->file)))
		return -1;
	return 0;
}

void
rejects_summary(const struct rejects *r, FILE *out)
{
	int e;

	for (e = 1; e < EVENT_NERR; e++)
		if (r->count[e])
			fprintf(out, "  %-18s %8" PRIu64 "  %s\n", event_error_name(e), r->count[e],
			    event_error_string(e));
}
