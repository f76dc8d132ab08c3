// SPDX-License-Identifier: MIT
/*
 * The fake translation-table format (see fake_pt.h). Leaves record their
 * level, so tests can check which block size the builder chose.
 */
#include <stdlib.h>

#include "fake_pt.h"

#define ADDR_MASK 0x0000fffffffff000UL

static u64 fake_leaf(paddr_t pa, unsigned level, unsigned attr)
{
	return FAKE_VALID | ((u64)level << 59) | (pa.pa & ADDR_MASK) | attr;
}

static u64 fake_table(u64 *next)
{
	return FAKE_VALID | FAKE_TABLE | ((u64)next & ADDR_MASK);
}

static bool fake_valid(u64 d)
{
	return d & FAKE_VALID;
}

static bool fake_is_table(u64 d, unsigned level)
{
	(void)level;
	return d & FAKE_TABLE;
}

static u64 *fake_next(u64 d)
{
	return (u64 *)(d & ADDR_MASK);
}

paddr_t fake_leaf_pa(u64 d, unsigned level)
{
	return PA(d & ADDR_MASK & ~((1UL << PT_LEVEL_SHIFT(level)) - 1));
}

const struct pt_format fake_pt = {
	.leaf = fake_leaf,
	.table = fake_table,
	.valid = fake_valid,
	.is_table = fake_is_table,
	.next = fake_next,
};

struct pt_pool fake_pool(unsigned pages)
{
	struct pt_pool p = { aligned_alloc(4096, pages * 4096UL), pages, 0 };

	return p;
}

void fake_pool_free(struct pt_pool *pool)
{
	free(pool->pages);
}
