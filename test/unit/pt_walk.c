// SPDX-License-Identifier: MIT
/*
 * The tests' own look-up in tables the core built (kernel/core/pt.c): a
 * walk through the format's valid/is_table/next, and the output address
 * of a leaf decoded here, from the fake encoding or from the Arm bits
 * (arch/pt_bits.h). The core itself never looks a mapping up.
 */
#include <arch/pt_bits.h>

#include "fake_pt.h"

static paddr_t leaf_pa(const struct pt *pt, u64 desc, unsigned level)
{
	if (pt->fmt == &fake_pt)
		return fake_leaf_pa(desc, level);
	return PA(desc & DESC_OA_MASK & ~((1UL << PT_LEVEL_SHIFT(level)) - 1));
}

u64 pt_lookup(const struct pt *pt, u64 in, unsigned *level, paddr_t *pa)
{
	const u64 *table = pt->root;

	if (in >> pt->bits)
		return 0;
	for (unsigned l = 1; l <= 3; l++) {
		u64 shift = PT_LEVEL_SHIFT(l);
		u32 entries = l == 1 ? pt->root_entries : PT_ENTRIES;
		u64 desc = table[(in >> shift) & (entries - 1)];

		if (!pt->fmt->valid(desc))
			return 0;
		if (l < 3 && pt->fmt->is_table(desc, l)) {
			table = pt->fmt->next(desc);
			continue;
		}
		if (level)
			*level = l;
		if (pa)
			*pa = PA(leaf_pa(pt, desc, l).pa +
				 (in & ((1UL << shift) - 1)));
		return desc;
	}
	return 0;
}
