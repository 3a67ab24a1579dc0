#include "nostr/auth.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/hex.h"
#include "base/json.h"
#include "nostr/nip19.h"

/* The longest key file read: an nsec or hex key, with room for white space. */
#define KEY_FILE_MAX 256

/* read_small: up to cap - 1 bytes of fd, NUL-terminated; -1 on error or if longer. */
static ssize_t
read_small(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;

	while (n < cap) {
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n >= cap)
		return -1;
	buf[n] = '\0';
	return (ssize_t)n;
}

/* decode_key: an nsec or 64 hex digits, trimmed, into sec. */
static const char *
decode_key(char *text, size_t len, uint8_t sec[32])
{
	struct nip19 entity;
	char *p = text, *end = text + len;
	int bad;

	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (end - p == 64) {
		for (char *q = p; q < end; q++)
			*q = (char)tolower((unsigned char)*q);
		return hex_decode(p, sec, 32) == 0 ? NULL : "not an nsec or 64 hex digits";
	}
	if (end - p > 5 && strncmp(p, "nsec1", 5) == 0) {
		bad = nip19_decode(p, (size_t)(end - p), &entity) != 0 || entity.type != NIP19_NSEC;
		if (!bad)
			memcpy(sec, entity.key, 32);
		explicit_bzero(&entity, sizeof entity);
		return bad ? "not a valid nsec" : NULL;
	}
	return "not an nsec or 64 hex digits";
}

int
auth_key_load(struct schnorr *s, const char *path, struct sign_key *key, const char **why)
{
	char text[KEY_FILE_MAX];
	uint8_t sec[32];
	struct stat st;
	ssize_t n = 0;
	int fd;

	*why = NULL;
	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC)) < 0) {
		*why = strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) < 0)
		*why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		*why = "not a regular file";
	else if (st.st_mode & (S_IRWXG | S_IRWXO))
		*why = "others may read or write it (chmod 600 it)";
	if (*why == NULL && (n = read_small(fd, text, sizeof text)) < 0)
		*why = "unreadable, or too long for a key";
	close(fd);
	if (*why == NULL)
		*why = decode_key(text, (size_t)n, sec);
	if (*why == NULL && sign_key_set(s, sec, key) < 0)
		*why = "not a valid secret key";
	explicit_bzero(text, sizeof text);
	explicit_bzero(sec, sizeof sec);
	return *why == NULL ? 0 : -1;
}

int
auth_key_ephemeral(struct schnorr *s, struct sign_key *key)
{
	uint8_t sec[32];
	int tries;

	for (tries = 0; tries < 8; tries++) {
		if (getrandom(sec, sizeof sec, 0) != sizeof sec)
			break;
		if (sign_key_set(s, sec, key) == 0) {
			explicit_bzero(sec, sizeof sec);
			return 0;
		}
	}
	explicit_bzero(sec, sizeof sec);
	return -1;
}

int
auth_message(struct event_parser *p, struct schnorr *s, const struct sign_key *key,
    const char *relay_url, const char *challenge, size_t challenge_len, int64_t now,
    struct buf *out, uint8_t id[32])
{
	struct buf tags = BUF_INIT;
	struct sign_input in;
	size_t start = out->len;
	int rc;

	if (challenge_len > AUTH_CHALLENGE_MAX || !utf8_valid(challenge, challenge_len))
		return -1;
	for (size_t i = 0; i < challenge_len; i++)
		if ((unsigned char)challenge[i] < 0x20)
			return -1;  /* its id would depend on the serializer's escaping */
	buf_puts(&tags, "[[\"relay\",");
	json_quote(&tags, relay_url, strlen(relay_url));
	buf_puts(&tags, "],[\"challenge\",");
	json_quote(&tags, challenge, challenge_len);
	buf_puts(&tags, "]]");
	in = (struct sign_input){ now, AUTH_KIND, tags.data, "", 0 };
	buf_puts(out, "[\"AUTH\",");
	rc = event_sign(p, s, key, &in, JSON_ESCAPE_NIP01, NULL, out, id);
	if (rc == 0)
		buf_putc(out, ']');
	else
		out->len = start, out->data[start] = '\0';
	buf_free(&tags);
	return rc;
}
