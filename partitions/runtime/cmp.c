// SPDX-License-Identifier: MIT
/*
 * memcmp and strcmp for the guests (the core has no use for them; its
 * memcpy, memset and strlen are in kernel/lib/string.c, which guests link
 * too).
 */
#include <bulkhead/lib.h>

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

int strcmp(const char *a, const char *b)
{
	for (; *a && *a == *b; a++, b++)
		;
	return (int)(u8)*a - (int)(u8)*b;
}
