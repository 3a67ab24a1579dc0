#include "base/text.h"

#include <locale.h>
#include <pthread.h>
#include <wctype.h>

static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void
open_locale(void)
{
	/* C.UTF-8 is built into glibc since 2.35; older systems ship it as a file. */
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (utf8_locale == (locale_t)0)
		utf8_locale = newlocale(LC_CTYPE_MASK, "C.utf8", (locale_t)0);
}

static locale_t
locale(void)
{
	pthread_once(&utf8_once, open_locale);
	return utf8_locale;
}

uint32_t
text_decode(const char *s, size_t len, size_t *i)
{
	const unsigned char *u = (const unsigned char *)s + *i;
	size_t n = len - *i;
	uint32_t cp;

	if (u[0] < 0x80) {
		*i += 1;
		return u[0];
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf && n >= 2 && (u[1] & 0xc0) == 0x80) {
		*i += 2;
		return (uint32_t)(u[0] & 0x1f) << 6 | (u[1] & 0x3f);
	}
	if (u[0] >= 0xe0 && u[0] <= 0xef && n >= 3 && (u[1] & 0xc0) == 0x80 &&
	    (u[2] & 0xc0) == 0x80) {
		cp = (uint32_t)(u[0] & 0x0f) << 12 | (uint32_t)(u[1] & 0x3f) << 6 | (u[2] & 0x3f);
		if (cp >= 0x800 && (cp < 0xd800 || cp > 0xdfff)) {
			*i += 3;
			return cp;
		}
	}
	if (u[0] >= 0xf0 && u[0] <= 0xf4 && n >= 4 && (u[1] & 0xc0) == 0x80 &&
	    (u[2] & 0xc0) == 0x80 && (u[3] & 0xc0) == 0x80) {
		cp = (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3f) << 12 |
		    (uint32_t)(u[2] & 0x3f) << 6 | (u[3] & 0x3f);
		if (cp >= 0x10000 && cp <= 0x10ffff) {
			*i += 4;
			return cp;
		}
	}
	*i += 1;
	return 0xfffd;
}

void
text_put(struct buf *out, uint32_t cp)
{
	char b[4];

	if (cp < 0x80) {
		buf_putc(out, (char)cp);
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		buf_append(out, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		buf_append(out, b, 3);
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		buf_append(out, b, 4);
	}
}

static int
is_combining(uint32_t cp)
{
	return (cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x1ab0 && cp <= 0x1aff) ||
	    (cp >= 0x1dc0 && cp <= 0x1dff) || (cp >= 0x20d0 && cp <= 0x20ff) ||
	    (cp >= 0xfe20 && cp <= 0xfe2f) || cp == 0x200c || cp == 0x200d;
}

int
text_is_letter(uint32_t cp)
{
	locale_t l;

	if (cp < 0x80)
		return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
	l = locale();
	return l != (locale_t)0 && iswalpha_l((wint_t)cp, l);
}

int
text_is_word(uint32_t cp)
{
	locale_t l;

	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ||
		    cp == '_';
	if (is_combining(cp))
		return 1;
	l = locale();
	return l != (locale_t)0 && iswalnum_l((wint_t)cp, l);
}

int
text_is_space(uint32_t cp)
{
	if (cp < 0x80)
		return cp == ' ' || (cp >= '\t' && cp <= '\r');
	return cp == 0x85 || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

uint32_t
text_fold(uint32_t cp)
{
	locale_t l;

	if (cp < 0x80)
		return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
	if (cp == 0x3c2)  /* final sigma folds to sigma (CaseFolding.txt) */
		return 0x3c3;
	l = locale();
	return l != (locale_t)0 ? (uint32_t)towlower_l((wint_t)cp, l) : cp;
}

void
text_fold_append(struct buf *out, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len)
		text_put(out, text_fold(text_decode(s, len, &i)));
}

int
text_is_cjk(uint32_t cp)
{
	return (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
	    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xff66 && cp <= 0xff9f) ||
	    (cp >= 0x20000 && cp <= 0x3134f);
}

int
text_has_prefix_ci(const char *s, size_t len, const char *prefix)
{
	size_t i;

	for (i = 0; prefix[i] != '\0'; i++) {
		char c;

		if (i >= len)
			return 0;
		c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != prefix[i])
			return 0;
	}
	return 1;
}
