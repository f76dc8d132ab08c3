/* SPDX-License-Identifier: MIT */
/*
 * Generic translation-table builder. One walker serves the EL2 stage-1 map
 * and every partition's stage-2 map; what differs between them (descriptor
 * bits, how a table descriptor points at the next table) is a pt_format
 * supplied by the architecture, or by the fake arch in host unit tests.
 * Tables are never freed: everything is mapped once, at boot.
 *
 * Geometry is the 4 KiB granule (Arm ARM D8.2, "Translation granule"): 512
 * entries per table, level 1 resolves VA[38:30] (1 GiB blocks), level 2
 * VA[29:21] (2 MiB blocks), level 3 VA[20:12] (4 KiB pages). A walk starts
 * at level 1 with a root of 2^(bits-30) entries, bits in 30..39.
 */
#pragma once

#include <bulkhead/types.h>

#define PT_ENTRIES 512U
#define PT_LEVEL_SHIFT(l) (12U + 9U * (3U - (l)))

/* Access and memory-type flags of a mapping (pt_attr: an unsigned set). */
#define PT_R (1U << 0)
#define PT_W (1U << 1)
#define PT_X (1U << 2)
#define PT_DEVICE (1U << 3) /* Device-nGnRE; without it, Normal write-back */
#define PT_NC (1U << 4)	    /* Normal Non-cacheable (pages the core shares) */

/** How descriptors are encoded: the architecture's (or a fake) encoding. */
struct pt_format {
	/** Leaf (block at level 1/2, page at level 3) for @pa with @attr. */
	u64 (*leaf)(paddr_t pa, unsigned level, unsigned attr);
	/** Table descriptor pointing at @next. */
	u64 (*table)(u64 *next);
	/** Is @desc valid at all? */
	bool (*valid)(u64 desc);
	/** Is @desc (valid, at @level) a table descriptor? */
	bool (*is_table)(u64 desc, unsigned level);
	/** The table a table descriptor points at. */
	u64 *(*next)(u64 desc);
};

/** Page allocator for translation tables: a fixed pool sized by the config. */
struct pt_pool {
	u64 (*pages)[PT_ENTRIES];
	u32 total;
	u32 used;
};

struct pt {
	const struct pt_format *fmt;
	struct pt_pool *pool;
	u64 *root;
	u32 root_entries; /* 2^(bits - 30) */
	u32 bits;	  /* input address size */
};

enum pt_err {
	PT_OK = 0,
	PT_EALIGN = -1,	  /* address or size not page aligned, or size 0 */
	PT_ERANGE = -2,	  /* beyond the input address size, or wraps */
	PT_EOVERLAP = -3, /* part of the range is already mapped */
	PT_ENOMEM = -4,	  /* the table pool is exhausted */
};

/** Prepare @pt with a zeroed root of 2^(@bits-30) entries at @root. */
void pt_init(struct pt *pt, const struct pt_format *fmt, struct pt_pool *pool,
	     u64 *root, u32 bits);

/**
 * Map [@in, @in+@size) to [@pa, ...) with @attr, using 1 GiB and 2 MiB
 * blocks wherever both addresses are aligned and the rest of the range
 * covers the block. Refuses (and changes nothing) when the request is not
 * page aligned, leaves the input range, or overlaps an existing mapping.
 */
int pt_map(struct pt *pt, u64 in, paddr_t pa, u64 size, unsigned attr);
