// SPDX-License-Identifier: MIT
/*
 * The core's rng-seed generator (kernel/core/rng.c): every boot of every
 * partition gets a seed no other boot got, with or without fresh input
 * (the counter and RNDR are pinned here to show the worst case); no half
 * of a seed repeats; the build-time seed the DTB carried is never handed
 * out; and the same image booted at another time hands out other seeds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <bulkhead/arch.h>
#include <bulkhead/partition.h>
#include <bulkhead/rng.h>

#define BOOTS 2000

static u8 pristine[2][64]; /* the DTBs as the core image holds them */
static u8 loaded[2][64];   /* where they are copied in partition memory */
static u64 counter;

static const struct image_load imgs[2][1] = {
	{ { .src = pristine[0], .size = 64, .pa = (u64)loaded[0] } },
	{ { .src = pristine[1], .size = 64, .pa = (u64)loaded[1] } },
};
const struct part_config part_configs[2] = {
	{ .name = "a",
	  .nimg = 1,
	  .img = imgs[0],
	  .rng_seed = (u64)loaded[0] + 16 },
	{ .name = "b",
	  .nimg = 1,
	  .img = imgs[1],
	  .rng_seed = (u64)loaded[1] + 16 },
};
const u32 nr_partitions = 2;
struct partition partitions[2];

u64 arch_counter(void)
{
	return counter;
}

u64 arch_random(void)
{
	return 0;
}

static void setup_system(u64 now)
{
	memset(partitions, 0, sizeof(partitions));
	for (u32 i = 0; i < 2; i++) {
		memset(pristine[i], 0x11 * (int)(i + 1), sizeof(pristine[i]));
		partitions[i].cfg = &part_configs[i];
		partitions[i].index = i;
	}
	counter = now;
	rng_init();
}

static int cmp32(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

static int cmp16(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

static u8 seeds[2 * BOOTS][32];
static u8 halves[4 * BOOTS][16];

/* Boots of both partitions with a frozen counter and no RNDR (the worst
 * case: no fresh input at all): all seeds differ. */
static void seeds_never_repeat(void **state)
{
	u32 n = 0;

	(void)state;
	setup_system(1000);
	for (u32 b = 1; b <= BOOTS; b++)
		for (u32 i = 0; i < 2; i++) {
			partitions[i].boots = b;
			rng_seed_partition(&partitions[i], seeds[n++]);
		}
	for (u32 k = 0; k < n; k++) {
		memcpy(halves[2 * k], seeds[k], 16);
		memcpy(halves[2 * k + 1], seeds[k] + 16, 16);
		assert_memory_not_equal(seeds[k], pristine[0] + 16, 32);
		assert_memory_not_equal(seeds[k], pristine[1] + 16, 32);
	}
	qsort(seeds, n, 32, cmp32);
	for (u32 k = 1; k < n; k++)
		assert_memory_not_equal(seeds[k - 1], seeds[k], 32);
	qsort(halves, 2 * n, 16, cmp16);
	for (u32 k = 1; k < 2 * n; k++)
		assert_memory_not_equal(halves[k - 1], halves[k], 16);
}

/* The same image booted at another time hands out other seeds. */
static void fresh_input_counts(void **state)
{
	u8 a[32], b[32];

	(void)state;
	setup_system(1000);
	rng_seed_partition(&partitions[0], a);
	setup_system(1001);
	rng_seed_partition(&partitions[0], b);
	assert_memory_not_equal(a, b, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seeds_never_repeat),
		cmocka_unit_test(fresh_input_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
