// SPDX-License-Identifier: MIT
/*
 * The core's memcpy, memset and strlen (kernel/lib/string.c) on the host.
 * They carry the C library's names, so this test compiles them under
 * names of their own (bh_*) and compares them with the host's: every
 * length around the 16- and 8-byte steps, at every offset to 8 (memset)
 * and at the offsets below of each end (memcpy).
 */
#define memcpy bh_memcpy
#define memset bh_memset
#define strlen bh_strlen
#include "../../kernel/lib/string.c"
#undef memcpy
#undef memset
#undef strlen

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static u8 src[96] __attribute__((aligned(16)));
/* Ends 8-byte aligned, equally misaligned (1 and 9, 3 and 11), or not. */
static const size_t offs[6] = { 0, 1, 3, 8, 9, 11 };

static void copies_like_memcpy(void **state)
{
	u8 a[96] __attribute__((aligned(16)));
	u8 b[96] __attribute__((aligned(16)));

	(void)state;
	for (u32 i = 0; i < sizeof(src); i++)
		src[i] = (u8)(i * 7 + 1);
	for (size_t i = 0; i < 36; i++) {
		size_t off = offs[i / 6], soff = offs[i % 6];

		for (size_t n = 0; n <= 64; n++) {
			memset(a, 0xee, sizeof(a));
			memset(b, 0xee, sizeof(b));
			assert_ptr_equal(bh_memcpy(a + off, src + soff, n),
					 a + off);
			memcpy(b + off, src + soff, n);
			assert_memory_equal(a, b, sizeof(a));
		}
	}
}

static void sets_like_memset(void **state)
{
	u8 a[96] __attribute__((aligned(16)));
	u8 b[96] __attribute__((aligned(16)));

	(void)state;
	for (size_t off = 0; off < 9; off++) {
		for (size_t n = 0; n <= 64; n++) {
			memset(a, 0x11, sizeof(a));
			memset(b, 0x11, sizeof(b));
			assert_ptr_equal(bh_memset(a + off, 0x1a5, n), a + off);
			memset(b + off, 0xa5, n);
			assert_memory_equal(a, b, sizeof(a));
		}
	}
}

static void measures_like_strlen(void **state)
{
	(void)state;
	assert_int_equal(bh_strlen(""), 0);
	assert_int_equal(bh_strlen("bulkhead"), 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copies_like_memcpy),
		cmocka_unit_test(sets_like_memset),
		cmocka_unit_test(measures_like_strlen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
