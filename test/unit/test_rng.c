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

/* ChaCha20 as RFC 8439 writes it, independently of rng.c. */
static uint32_t rotl(uint32_t v, int n)
{
	return v << n | v >> (32 - n);
}

static void ref_chacha20(const uint32_t key[8], const uint32_t nonce[4],
			 uint32_t out[16])
{
	uint32_t x[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
	static const int qr[8][4] = { { 0, 4, 8, 12 },	{ 1, 5, 9, 13 },
				      { 2, 6, 10, 14 }, { 3, 7, 11, 15 },
				      { 0, 5, 10, 15 }, { 1, 6, 11, 12 },
				      { 2, 7, 8, 13 },	{ 3, 4, 9, 14 } };

	memcpy(&x[4], key, 32);
	memcpy(&x[12], nonce, 16);
	memcpy(out, x, sizeof(x));
	for (int r = 0; r < 80; r++) {
		uint32_t *a = &out[qr[r % 8][0]], *b = &out[qr[r % 8][1]];
		uint32_t *c = &out[qr[r % 8][2]], *d = &out[qr[r % 8][3]];

		*a += *b, *d = rotl(*d ^ *a, 16);
		*c += *d, *b = rotl(*b ^ *c, 12);
		*a += *b, *d = rotl(*d ^ *a, 8);
		*c += *d, *b = rotl(*b ^ *c, 7);
	}
	for (int i = 0; i < 16; i++)
		out[i] += x[i];
}

/* The RFC's block test vector (2.3.2) checks the reference; the first
 * seed of a partition is then the second half of the block the
 * reference computes from the XOR of the build-time seeds. */
static void chacha20_as_rfc_8439(void **state)
{
	uint32_t key[8], nonce[4] = { 1, 0x09000000, 0x4a000000, 0 };
	uint32_t out[16], ckey[8] = { 0 };
	u8 seed[32];

	(void)state;
	for (int i = 0; i < 32; i++)
		((uint8_t *)key)[i] = (uint8_t)i;
	ref_chacha20(key, nonce, out);
	assert_int_equal(out[0], 0xe4e7f110);
	assert_int_equal(out[1], 0x15593bd1);
	assert_int_equal(out[15], 0x4e3c50a2);
	setup_system(0x123456789aUL);
	for (int i = 0; i < 32; i++)
		((uint8_t *)ckey)[i] = pristine[0][16 + i] ^
				       pristine[1][16 + i];
	partitions[1].boots = 1;
	rng_seed_partition(&partitions[1], seed);
	nonce[0] = 1U << 16 | 1;
	nonce[1] = 0x3456789a;
	nonce[2] = 0x12;
	nonce[3] = 0;
	ref_chacha20(ckey, nonce, out);
	assert_memory_equal(seed, &out[8], 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seeds_never_repeat),
		cmocka_unit_test(fresh_input_counts),
		cmocka_unit_test(chacha20_as_rfc_8439),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
