#include "base/hex.h"

/* Digit values for '0'-'9' and 'a'-'f'; 0xff for everything else. */
static const uint8_t hex_value[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};
/* The table stores value+1 so that the zero-initialised rest means "not hex". */

int
hex_decode(const char *s, uint8_t *out, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t hi = hex_value[u[2 * i]], lo = hex_value[u[2 * i + 1]];

		if (hi == 0 || lo == 0)
			return -1;
		out[i] = (uint8_t)((hi - 1) << 4 | (lo - 1));
	}
	return 0;
}

void
hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int
hex_is_lower(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < len; i++)
		if (hex_value[u[i]] == 0)
			return 0;
	return 1;
}

int
hex_is_key(const char *s, size_t len)
{
	return len == 64 && hex_is_lower(s, 64);
}
