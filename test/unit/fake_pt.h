/* SPDX-License-Identifier: MIT */
/*
 * A fake descriptor encoding for testing the generic table builder on the
 * host. It is deliberately unlike the Arm one (flags in the top bits,
 * attributes in the low nibble), so tests cannot pass by leaning on real
 * descriptor bits: they must go through pt_lookup() and the format.
 * pt_lookup() is the tests' own walker (pt_walk.c): the core never looks
 * a mapping up, it only builds tables.
 */
#pragma once

#include <bulkhead/pt.h>

#define FAKE_VALID (1UL << 63)
#define FAKE_TABLE (1UL << 62)
#define FAKE_LEVEL(d) (((d) >> 59) & 3)
#define FAKE_ATTR(d) ((unsigned)((d)&0xf))

extern const struct pt_format fake_pt;

/** Output address of a fake leaf descriptor @d at @level. */
paddr_t fake_leaf_pa(u64 d, unsigned level);

/**
 * Look @in up in @pt (the fake encoding, or the Arm one of pt_desc.c).
 * Returns the leaf descriptor (0 if unmapped) and, through @level and @pa
 * if not NULL, the level it was found at and the output address of @in.
 */
u64 pt_lookup(const struct pt *pt, u64 in, unsigned *level, paddr_t *pa);

/** A pool of @pages zeroed 4 KiB pages (free with fake_pool_free). */
struct pt_pool fake_pool(unsigned pages);
void fake_pool_free(struct pt_pool *pool);
