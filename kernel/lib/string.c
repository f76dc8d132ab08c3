// SPDX-License-Identifier: MIT
/*
 * memcpy/memset/strlen for the freestanding core (and the guests, which
 * link it too, with memcmp and strcmp from partitions/runtime/cmp.c: the
 * core compares no memory or strings). GCC may emit calls
 * to memcpy and memset for struct copies, so these must exist. memcpy and
 * memset move 16 bytes a step from the first 8-byte boundary on (for
 * memcpy, when both ends reach one together): image loading at boot
 * copies whole guest images, and every hypercall clears and returns its
 * decoded request (struct call_req, from a 4-byte offset) by value.
 */
#include <bulkhead/lib.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	/* Ends equally misaligned: bytes up to an 8-byte boundary first. */
	if (ALIGNED((u64)d ^ (u64)s, 8U)) {
		for (; n != 0U && !ALIGNED((u64)d, 8U); n--) {
			*d++ = *s++;
		}
		for (; n >= 16U; n -= 16U, d += 16U, s += 16U) {
			u64 a = ((const u64 *)(const void *)s)[0];
			u64 b = ((const u64 *)(const void *)s)[1];

			((u64 *)(void *)d)[0] = a;
			((u64 *)(void *)d)[1] = b;
		}
		for (; n >= 8U; n -= 8U, d += 8U, s += 8U) {
			*(u64 *)(void *)d = *(const u64 *)(const void *)s;
		}
	}
	while (n-- != 0U) {
		*d++ = *s++;
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	u8 *d = dst;
	u64 v = 0x0101010101010101UL * (u8)c;

	for (; n != 0U && !ALIGNED((u64)d, 8U); n--) {
		*d++ = (u8)c;
	}
	for (; n >= 16U; n -= 16U, d += 16U) {
		((u64 *)(void *)d)[0] = v;
		((u64 *)(void *)d)[1] = v;
	}
	for (; n >= 8U; n -= 8U, d += 8U) {
		*(u64 *)(void *)d = v;
	}
	while (n-- != 0U) {
		*d++ = (u8)c;
	}
	return dst;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0') {
		n++;
	}
	return n;
}
