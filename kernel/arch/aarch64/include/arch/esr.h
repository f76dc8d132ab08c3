/* SPDX-License-Identifier: MIT */
/*
 * ESR_EL2 decoding (Arm ARM D19.2.40 "ESR_EL2"). Pure functions, unit-tested
 * on the host: the exit dispatcher switches on the exception class, and
 * MMIO emulation needs the data-abort syndrome (ISS encoding for an
 * exception from a Data Abort, D19.2.40 "ISS encoding ... Data Abort").
 */
#pragma once

#include <bulkhead/types.h>

/* Exception classes, ESR_EL2.EC [31:26]. */
#define EC_UNKNOWN 0x00U
#define EC_WFX 0x01U
#define EC_CP15_32 0x03U
#define EC_CP15_64 0x04U
#define EC_CP14_MR 0x05U
#define EC_CP14_LS 0x06U
#define EC_FP_ASIMD 0x07U
#define EC_CP14_64 0x0cU
#define EC_ILL 0x0eU
#define EC_HVC32 0x12U
#define EC_SMC32 0x13U
#define EC_HVC64 0x16U
#define EC_SMC64 0x17U
#define EC_SYS64 0x18U
#define EC_IABT_LOW 0x20U
#define EC_PC_ALIGN 0x22U
#define EC_DABT_LOW 0x24U
#define EC_SP_ALIGN 0x26U
#define EC_SERROR 0x2fU
#define EC_BREAKPT_LOW 0x30U
#define EC_SOFTSTP_LOW 0x32U
#define EC_WATCHPT_LOW 0x34U
#define EC_BKPT32 0x38U
#define EC_BRK64 0x3cU
#define EC_MAX 0x3fU

/** A decoded data abort: what MMIO emulation needs, and what to report. */
struct esr_dabt {
	bool isv;      /* [24] syndrome below is valid (a single ld/st) */
	unsigned size; /* [23:22] SAS: access size in bytes, 1..8 */
	bool sign;     /* [21] SSE: sign-extend a load */
	unsigned reg;  /* [20:16] SRT: register; 31 is xzr/wzr */
	bool sf;       /* [15] SF: 64-bit register */
	bool write;    /* [6] WnR */
	bool s1ptw;    /* [7] fault on a stage-1 table walk */
	unsigned fsc;  /* [5:0] DFSC */
};

enum esr_fsc_kind {
	FSC_ADDR_SIZE,
	FSC_TRANSLATION,
	FSC_ACCESS_FLAG,
	FSC_PERMISSION,
	FSC_ALIGNMENT,
	FSC_EXTERNAL,
	FSC_OTHER,
};

/** Decode the ISS of a data abort. */
struct esr_dabt esr_decode_dabt(u64 esr);

/** Kind of a fault status code (DFSC/IFSC) and its level (0..3, or -1). */
enum esr_fsc_kind esr_fsc_kind(unsigned fsc, int *level);

/**
 * Describe @esr in one phrase for a fault report, e.g.
 * "data abort: translation fault, level 1, write" (into @buf).
 */
void esr_describe(u64 esr, char *buf, size_t size);

/** Decoded trapped MSR/MRS (EC 0x18, D19.2.40 "ISS ... MSR, MRS"). */
struct esr_sysreg {
	unsigned op0, op1, crn, crm, op2;
	unsigned reg; /* Rt */
	bool read;    /* MRS */
};

struct esr_sysreg esr_decode_sysreg(u64 esr);

/* Encode a system register as (op0, op1, CRn, CRm, op2) for comparisons. */
#define SYSREG_ID(op0, op1, crn, crm, op2)                             \
	(((u32)(op0) << 14) | ((u32)(op1) << 11) | ((u32)(crn) << 7) | \
	 ((u32)(crm) << 3) | (u32)(op2))

unsigned esr_sysreg_id(const struct esr_sysreg *s);

/**
 * SPSR of an AArch32 T32 context after its current instruction is skipped
 * by the core: the IT state advances as the instruction would have
 * advanced it. Other contexts are returned unchanged.
 */
u64 spsr_skip_it(u64 spsr);
