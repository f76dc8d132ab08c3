/* SPDX-License-Identifier: MIT */
/*
 * Guest-visible CPU state the architecture code resets at every partition
 * (re)start and the PMU accesses it carries out for a guest (pmu.c,
 * el1_reset.S).
 */
#pragma once

#include <arch/esr.h>
#include <bulkhead/types.h>

/** V0-V31, FPCR and FPSR to zero. */
void arch_fpsimd_reset(void);

/** Disable and clear the first @brps breakpoints and @wrps watchpoints. */
void arch_debug_reset(u32 brps, u32 wrps);

/** Counters stopped and zeroed, filters, enables and PMUSERENR cleared. */
void arch_pmu_reset(void);

/**
 * Carry out a trapped PMU register access (MDCR_EL2.TPM) for the guest:
 * @val is the value written, or receives the value read. False if @s is
 * not a PMU register.
 */
bool arch_pmu_access(const struct esr_sysreg *s, u64 *val);
