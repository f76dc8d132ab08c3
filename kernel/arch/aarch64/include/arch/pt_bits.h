/* SPDX-License-Identifier: MIT */
/*
 * Translation table descriptor bits (Arm ARM D8.3), shared by the encoder
 * (pt_desc.c) and its unit test.
 */
#pragma once

#define DESC_VALID (1UL << 0)
#define DESC_TYPE_MASK (3UL << 0)
#define DESC_BLOCK (1UL << 0)
#define DESC_PAGE (3UL << 0)
#define DESC_TABLE (3UL << 0)
#define DESC_AF (1UL << 10)
#define DESC_SH_INNER (3UL << 8)
#define DESC_XN (1UL << 54)
#define DESC_OA_MASK 0x0000fffffffff000UL

/* Stage 1, EL2: AttrIndx selects MAIR_EL2 attribute 0, 1 or 2. */
#define MAIR_IDX_NORMAL 0U
#define MAIR_IDX_DEVICE 1U
#define MAIR_IDX_NC 2U
/* WB RWA; Device-nGnRE; Normal Non-cacheable */
#define MAIR_EL2_VALUE (0xffUL | (0x04UL << 8) | (0x44UL << 16))
#define S1_ATTR_NORMAL ((unsigned long)MAIR_IDX_NORMAL << 2)
#define S1_ATTR_DEVICE ((unsigned long)MAIR_IDX_DEVICE << 2)
#define S1_ATTR_NC ((unsigned long)MAIR_IDX_NC << 2)
#define S1_AP_RO (1UL << 7)
#define S1_AP1_RES1 (1UL << 6)

/* Stage 2: memory attributes are in the descriptor itself. */
#define S2_MEMATTR_NORMAL_WB (0xfUL << 2)
#define S2_MEMATTR_DEVICE_nGnRE (0x1UL << 2)
#define S2_MEMATTR_NORMAL_NC (0x5UL << 2)
#define S2_AP_RO (1UL << 6)
#define S2_AP_RW (3UL << 6)
