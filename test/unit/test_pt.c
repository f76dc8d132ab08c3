// SPDX-License-Identifier: MIT
/*
 * The generic table builder (kernel/core/pt.c) with the fake encoding:
 * mappings resolve, block sizes are chosen by alignment, misaligned,
 * out-of-range and overlapping requests are refused without changing the
 * tables, and the pool limit holds. Then the real Arm descriptor encodings
 * (arch/aarch64/pt_desc.c) bit by bit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arch/pt_bits.h>
#include <bulkhead/arch.h>

#include "fake_pt.h"

struct env {
	struct pt pt;
	struct pt_pool pool;
	u64 *root;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	e->pool = fake_pool(16);
	e->root = aligned_alloc(4096, 4096);
	pt_init(&e->pt, &fake_pt, &e->pool, e->root, 32);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	fake_pool_free(&e->pool);
	free(e->root);
	free(e);
	return 0;
}

/* Expect @in to map to @pa at @level with @attr. */
static void check(struct env *e, u64 in, u64 pa, unsigned level, unsigned attr)
{
	unsigned l = 0;
	paddr_t out = PA(0);
	u64 d = pt_lookup(&e->pt, in, &l, &out);

	assert_true(d & FAKE_VALID);
	assert_int_equal(l, level);
	assert_int_equal(FAKE_LEVEL(d), level);
	assert_int_equal(out.pa, pa);
	assert_int_equal(FAKE_ATTR(d), attr);
}

static void root_size_follows_bits(void **state)
{
	struct env *e = *state;

	assert_int_equal(e->pt.root_entries, 4);
	pt_init(&e->pt, &fake_pt, &e->pool, e->root, 39);
	assert_int_equal(e->pt.root_entries, 512);
}

static void gib_block(void **state)
{
	struct env *e = *state;

	assert_int_equal(pt_map(&e->pt, 0x40000000, PA(0x80000000), 1UL << 30,
				PT_R | PT_W),
			 PT_OK);
	assert_int_equal(e->pool.used, 0);
	check(e, 0x40000000, 0x80000000, 1, PT_R | PT_W);
	check(e, 0x7ffff123, 0xbffff123, 1, PT_R | PT_W);
}

static void mib_blocks_and_pages(void **state)
{
	struct env *e = *state;

	/* 2 MiB + 4 KiB at a 2 MiB aligned address: one block, one page. */
	assert_int_equal(pt_map(&e->pt, 0x40200000, PA(0x42200000), 0x201000,
				PT_R | PT_X),
			 PT_OK);
	assert_int_equal(e->pool.used, 2); /* level 2 and level 3 tables */
	check(e, 0x40200000, 0x42200000, 2, PT_R | PT_X);
	check(e, 0x403fffff, 0x423fffff, 2, PT_R | PT_X);
	check(e, 0x40400000, 0x42400000, 3, PT_R | PT_X);
	assert_int_equal(pt_lookup(&e->pt, 0x40401000, NULL, NULL), 0);
	assert_int_equal(pt_lookup(&e->pt, 0x401ff000, NULL, NULL), 0);
}

static void unaligned_output_uses_pages(void **state)
{
	struct env *e = *state;

	/* Input is 2 MiB aligned but output is not: no block is possible. */
	assert_int_equal(pt_map(&e->pt, 0x40000000, PA(0x42001000), 0x200000,
				PT_R),
			 PT_OK);
	check(e, 0x40000000, 0x42001000, 3, PT_R);
	check(e, 0x401ff000, 0x42200000, 3, PT_R);
}

static void straddling_range(void **state)
{
	struct env *e = *state;

	/* From just below a 1 GiB boundary to past it: pages, then blocks. */
	assert_int_equal(pt_map(&e->pt, 0x3fffe000, PA(0x3fffe000),
				0x2000 + 0x40000000 + 0x200000, PT_R | PT_W),
			 PT_OK);
	check(e, 0x3fffe000, 0x3fffe000, 3, PT_R | PT_W);
	check(e, 0x40000000, 0x40000000, 1, PT_R | PT_W);
	check(e, 0x80000000, 0x80000000, 2, PT_R | PT_W);
	assert_int_equal(pt_lookup(&e->pt, 0x80200000, NULL, NULL), 0);
}

static void refuses_misaligned(void **state)
{
	struct env *e = *state;

	assert_int_equal(pt_map(&e->pt, 0x40000800, PA(0x40000000), 0x1000,
				PT_R),
			 PT_EALIGN);
	assert_int_equal(pt_map(&e->pt, 0x40000000, PA(0x40000010), 0x1000,
				PT_R),
			 PT_EALIGN);
	assert_int_equal(pt_map(&e->pt, 0x40000000, PA(0x40000000), 0x1001,
				PT_R),
			 PT_EALIGN);
	assert_int_equal(pt_map(&e->pt, 0x40000000, PA(0x40000000), 0, PT_R),
			 PT_EALIGN);
	assert_int_equal(e->pool.used, 0);
}

static void refuses_out_of_range(void **state)
{
	struct env *e = *state;

	assert_int_equal(pt_map(&e->pt, 0x100000000UL, PA(0), 0x1000, PT_R),
			 PT_ERANGE);
	assert_int_equal(pt_map(&e->pt, 0xfffff000UL, PA(0), 0x2000, PT_R),
			 PT_ERANGE);
	assert_int_equal(pt_map(&e->pt, 0, PA(0xfffffffffffff000UL), 0x2000,
				PT_R),
			 PT_ERANGE);
	assert_int_equal(pt_lookup(&e->pt, 0x100000000UL, NULL, NULL), 0);
}

static void refuses_overlap_unchanged(void **state)
{
	struct env *e = *state;
	u64 before[4];
	unsigned used;

	assert_int_equal(pt_map(&e->pt, 0x40001000, PA(0x50001000), 0x1000,
				PT_R),
			 PT_OK);
	memcpy(before, e->root, sizeof(before));
	used = e->pool.used;
	/* Overlaps the page at its end; would need a block elsewhere. */
	assert_int_equal(pt_map(&e->pt, 0x3fe00000, PA(0x3fe00000), 0x202000,
				PT_R | PT_W),
			 PT_EOVERLAP);
	/* Exactly the same page again. */
	assert_int_equal(pt_map(&e->pt, 0x40001000, PA(0x60001000), 0x1000,
				PT_W),
			 PT_EOVERLAP);
	/* A block over the level-3 table holding the page. */
	assert_int_equal(pt_map(&e->pt, 0x40000000, PA(0x40000000), 0x200000,
				PT_R),
			 PT_EOVERLAP);
	assert_memory_equal(before, e->root, sizeof(before));
	assert_int_equal(e->pool.used, used);
	check(e, 0x40001000, 0x50001000, 3, PT_R);
	assert_int_equal(pt_lookup(&e->pt, 0x3fe00000, NULL, NULL), 0);
	/* Neighbouring pages are still free to map. */
	assert_int_equal(pt_map(&e->pt, 0x40002000, PA(0x50002000), 0x1000,
				PT_R),
			 PT_OK);
}

static void pool_exhaustion(void **state)
{
	struct env *e = *state;

	e->pool.total = 1;
	assert_int_equal(pt_map(&e->pt, 0x40000000, PA(0x40000000), 0x1000,
				PT_R),
			 PT_ENOMEM);
	e->pool.total = 16;
}

static void s2_normal_memory_bits(void **state)
{
	u64 d = arch_pt_s2.leaf(PA(0x42200000), 2, PT_R | PT_W | PT_X);

	(void)state;
	assert_int_equal(d & DESC_TYPE_MASK, DESC_BLOCK);
	assert_int_equal(d & DESC_OA_MASK, 0x42200000);
	assert_int_equal((d >> 2) & 0xf, 0xf); /* MemAttr: Normal WB */
	assert_int_equal((d >> 6) & 3, 3);     /* S2AP: read/write */
	assert_int_equal((d >> 8) & 3, 3);     /* inner shareable */
	assert_true(d & DESC_AF);
	assert_false(d & DESC_XN);
}

static void s2_device_bits(void **state)
{
	u64 d = arch_pt_s2.leaf(PA(0x09000000), 3, PT_R | PT_W | PT_DEVICE);

	(void)state;
	assert_int_equal(d & DESC_TYPE_MASK, DESC_PAGE);
	assert_int_equal((d >> 2) & 0xf, 0x1); /* Device-nGnRE */
	assert_int_equal((d >> 6) & 3, 3);
	assert_true(d & DESC_XN);
	assert_true(d & DESC_AF);
}

static void s2_read_only_bits(void **state)
{
	u64 d = arch_pt_s2.leaf(PA(0x40000000), 1, PT_R);

	(void)state;
	assert_int_equal((d >> 6) & 3, 1);
	assert_true(d & DESC_XN);
	assert_int_equal(d & DESC_OA_MASK, 0x40000000);
}

static void hyp_bits(void **state)
{
	u64 text = arch_pt_hyp.leaf(PA(0x40200000), 3, PT_R | PT_X);
	u64 data = arch_pt_hyp.leaf(PA(0x40201000), 3, PT_R | PT_W);
	u64 dev = arch_pt_hyp.leaf(PA(0x08000000), 2, PT_R | PT_W | PT_DEVICE);

	(void)state;
	assert_int_equal((text >> 2) & 7, MAIR_IDX_NORMAL);
	assert_true(text & S1_AP_RO);
	assert_false(text & DESC_XN);
	assert_false(data & S1_AP_RO);
	assert_true(data & DESC_XN);
	assert_int_equal((dev >> 2) & 7, MAIR_IDX_DEVICE);
	assert_true(dev & DESC_XN);
	assert_int_equal(dev & DESC_TYPE_MASK, DESC_BLOCK);
	assert_int_equal(MAIR_EL2_VALUE >> (8 * MAIR_IDX_DEVICE) & 0xff, 0x04);
	assert_int_equal(MAIR_EL2_VALUE >> (8 * MAIR_IDX_NORMAL) & 0xff, 0xff);
}

static void real_tables_walk(void **state)
{
	struct env *e = *state;
	unsigned level;
	paddr_t pa;

	pt_init(&e->pt, &arch_pt_s2, &e->pool, e->root, 32);
	assert_int_equal(pt_map(&e->pt, 0x40000000, PA(0x42000000), 0x1000000,
				PT_R | PT_W | PT_X),
			 PT_OK);
	assert_int_equal(pt_map(&e->pt, 0x09000000, PA(0x09000000), 0x1000,
				PT_R | PT_W | PT_DEVICE),
			 PT_OK);
	assert_true(pt_lookup(&e->pt, 0x40ffffff, &level, &pa));
	assert_int_equal(level, 2);
	assert_int_equal(pa.pa, 0x42ffffff);
	assert_true(pt_lookup(&e->pt, 0x09000abc, &level, &pa));
	assert_int_equal(level, 3);
	assert_int_equal(pa.pa, 0x09000abc);
	assert_int_equal(pt_lookup(&e->pt, 0x09001000, NULL, NULL), 0);
	assert_int_equal(pt_lookup(&e->pt, 0x41000000, NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(root_size_follows_bits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(gib_block, setup, teardown),
		cmocka_unit_test_setup_teardown(mib_blocks_and_pages, setup,
						teardown),
		cmocka_unit_test_setup_teardown(unaligned_output_uses_pages,
						setup, teardown),
		cmocka_unit_test_setup_teardown(straddling_range, setup,
						teardown),
		cmocka_unit_test_setup_teardown(refuses_misaligned, setup,
						teardown),
		cmocka_unit_test_setup_teardown(refuses_out_of_range, setup,
						teardown),
		cmocka_unit_test_setup_teardown(refuses_overlap_unchanged,
						setup, teardown),
		cmocka_unit_test_setup_teardown(pool_exhaustion, setup,
						teardown),
		cmocka_unit_test(s2_normal_memory_bits),
		cmocka_unit_test(s2_device_bits),
		cmocka_unit_test(s2_read_only_bits),
		cmocka_unit_test(hyp_bits),
		cmocka_unit_test_setup_teardown(real_tables_walk, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
