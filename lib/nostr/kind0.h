/*
 * kind0.h: a kind-0 event's content (NIP-01 user metadata) read as the
 * fields user_profiles keeps, once, for both of nostr-load's engines.
 * Content should be a JSON object of strings; real profiles hold numbers,
 * nulls, nested objects and plain broken text, so only string values
 * count, the first of a repeated key does, and parsing stops at the first
 * error keeping what it has.  Older clients wrote displayName: it stands in
 * for a missing display_name.
 *
 * The names start kind0_, never profile_: libkrb5, which libpq loads, exports
 * profile_init and other profile_ functions, and ours would take their place.
 */
#ifndef NP_KIND0_H
#define NP_KIND0_H

#include <stddef.h>

#include "base/buf.h"

/* The fields, in user_profiles' order. */
enum kind0_field { KIND0_NAME, KIND0_DISPLAY_NAME, KIND0_ABOUT, KIND0_PICTURE,
	KIND0_BANNER, KIND0_NIP05, KIND0_LUD16, KIND0_LUD06, KIND0_WEBSITE,
	KIND0_NFIELDS };

struct kind0_profile {
	struct buf field[KIND0_NFIELDS + 1];  /* decoded; the last: displayName */
	int has[KIND0_NFIELDS + 1];
	int json_ok;                            /* the content was one JSON object */
	struct buf key;
};

void kind0_profile_init(struct kind0_profile *p);
void kind0_profile_free(struct kind0_profile *p);

/* kind0_profile_parse: p's fields from content (len bytes).  Never fails: a field
 * is there (has[f]) or not, and json_ok says whether the whole parsed. */
void kind0_profile_parse(struct kind0_profile *p, const char *content, size_t len);

#endif
