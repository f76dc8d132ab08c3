// SPDX-License-Identifier: MIT
/*
 * VMSAv8-64 descriptor encodings, 4 KiB granule, 48-bit output addresses
 * (Arm ARM D8.3 "Translation table descriptor formats"). Pure functions:
 * they are unit-tested on the host for their exact bits.
 *
 * Leaf (block at level 1/2, page at level 3), common bits:
 *   [1:0] 01 block / 11 page, [10] AF, [9:8] SH, [47:12] output address,
 *   [54] XN (stage 1 EL2: XN; stage 2: XN[1] when FEAT_XNX, plain XN on v8.0)
 * Stage 1 (D8.4): [4:2] AttrIndx into MAIR_EL2, [7:6] AP[2:1]: AP[2]=1 is
 *   read-only; AP[1] is RES1 in the single-privilege EL2 regime.
 * Stage 2 (D8.5): [5:2] MemAttr (0b1111 Normal WB, 0b0001 Device-nGnRE),
 *   [7:6] S2AP (01 read-only, 11 read/write).
 * Table: [1:0] 11, [47:12] next-level table address.
 */
#include <arch/pt_bits.h>
#include <bulkhead/arch.h>

static u64 common_leaf(paddr_t pa, unsigned level, unsigned attr)
{
	u64 d = (pa.pa & DESC_OA_MASK) | DESC_AF;

	d |= level == 3U ? DESC_PAGE : DESC_BLOCK;
	if (!(attr & PT_X)) {
		d |= DESC_XN;
	}
	if (!(attr & PT_DEVICE)) {
		d |= DESC_SH_INNER;
	}
	return d;
}

static u64 hyp_leaf(paddr_t pa, unsigned level, unsigned attr)
{
	u64 d = common_leaf(pa, level, attr) | S1_AP1_RES1;

	d |= attr & PT_DEVICE ? S1_ATTR_DEVICE
	     : attr & PT_NC   ? S1_ATTR_NC
			      : S1_ATTR_NORMAL;
	if (!(attr & PT_W)) {
		d |= S1_AP_RO;
	}
	return d;
}

static u64 s2_leaf(paddr_t pa, unsigned level, unsigned attr)
{
	u64 d = common_leaf(pa, level, attr);

	d |= attr & PT_DEVICE ? S2_MEMATTR_DEVICE_nGnRE
	     : attr & PT_NC   ? S2_MEMATTR_NORMAL_NC
			      : S2_MEMATTR_NORMAL_WB;
	d |= attr & PT_W ? S2_AP_RW : S2_AP_RO;
	return d;
}

static u64 table_desc(u64 *next)
{
	return ((u64)next & DESC_OA_MASK) | DESC_TABLE;
}

static bool desc_valid(u64 desc)
{
	return desc & DESC_VALID;
}

static bool desc_is_table(u64 desc, unsigned level)
{
	return level < 3U && (desc & DESC_TYPE_MASK) == DESC_TABLE;
}

static u64 *desc_next(u64 desc)
{
	return (u64 *)(desc & DESC_OA_MASK);
}

const struct pt_format arch_pt_hyp = {
	.leaf = hyp_leaf,
	.table = table_desc,
	.valid = desc_valid,
	.is_table = desc_is_table,
	.next = desc_next,
};

const struct pt_format arch_pt_s2 = {
	.leaf = s2_leaf,
	.table = table_desc,
	.valid = desc_valid,
	.is_table = desc_is_table,
	.next = desc_next,
};
