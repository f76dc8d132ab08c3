// SPDX-License-Identifier: MIT
/*
 * The core's small vsnprintf (kernel/lib/fmt.c), which the fault reports
 * and the guest runtime depend on: conversions, widths, truncation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <bulkhead/lib.h>

static void conversions(void **state)
{
	char b[128];

	(void)state;
	fmt_snprintf(b, sizeof(b), "%s %c %d %u %x %lx %lu %ld", "s", 'c', -42,
		     42U, 0xbeefU, 0x123456789abcUL, 18446744073709551615UL,
		     -9223372036854775807L - 1);
	assert_string_equal(
		b,
		"s c -42 42 beef 123456789abc 18446744073709551615 -9223372036854775808");
	fmt_snprintf(b, sizeof(b), "%08lx|%-6s|%6s|%3d|%%|%p", 0xabcUL, "ab",
		     "cd", 7, (void *)0x10);
	assert_string_equal(b, "00000abc|ab    |    cd|  7|%|0x10");
	{
		const char *volatile null = NULL;

		fmt_snprintf(b, sizeof(b), "%s", null);
	}
	assert_string_equal(b, "");
}

static void truncation(void **state)
{
	char b[8];
	size_t n;

	(void)state;
	n = fmt_snprintf(b, sizeof(b), "%s", "0123456789");
	assert_string_equal(b, "0123456");
	assert_int_equal(n, 7);
	n = fmt_snprintf(b, 1, "abc");
	assert_string_equal(b, "");
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conversions),
		cmocka_unit_test(truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
