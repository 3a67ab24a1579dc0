/*
 * nip11.h: a relay's NIP-11 information document, as nostr-fetch receives it
 * over HTTP(S) and passes it on in its relay-status records.
 *
 * The body is untrusted bytes.  nip11_compact accepts it only when it is one
 * JSON object in strict RFC 8259 (UTF-8, no raw control characters in
 * strings, no lone surrogates; see json.h), nested at most NIP11_MAX_DEPTH
 * deep, with nothing but white space around it (a leading UTF-8 byte order
 * mark is allowed).  What it writes is the same object without the white
 * space between tokens, strings and numbers byte for byte as they came: one
 * line of JSON that any consumer of the NDJSON stream can read.
 */
#ifndef NP_NIP11_H
#define NP_NIP11_H

#include <stddef.h>

#include "base/buf.h"

/* Real documents nest four levels (fees.admission[].amount); deeper is not one. */
#define NIP11_MAX_DEPTH 16

/*
 * nip11_compact: appends the compact form of the document body[0..len) to
 * out and returns NULL, or returns why it is not a document (a static
 * string, e.g. "invalid UTF-8") and leaves out as it was.
 */
const char *nip11_compact(const char *body, size_t len, struct buf *out);

#endif
