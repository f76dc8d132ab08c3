/* SPDX-License-Identifier: MIT */
/*
 * The interface generic code uses to reach the architecture. Everything
 * that touches a system register, a barrier or firmware lives behind it,
 * so core/ builds on the host against test/unit/fake_arch.c, and a second
 * architecture is an addition, not a rewrite.
 */
#pragma once

#include <bulkhead/pt.h>
#include <bulkhead/vcpu.h>

struct partition;

/** Descriptor encodings: EL2 stage 1 and stage 2 (Arm ARM D8.3). */
extern const struct pt_format arch_pt_hyp;
extern const struct pt_format arch_pt_s2;

/** Per-CPU EL2 setup: vectors, traps, stage-2 controls. */
void arch_cpu_init(struct cpu *c);

/** This CPU's affinity fields Aff3..Aff0, as in cpu_config.mpidr. */
u64 arch_cpu_mpidr(void);

/** This CPU's stack pointer (inside its per-CPU stack). */
u64 arch_stack_pointer(void);

/** Distributor (affinity routing, group 1, all SPIs off) and the
 *  redistributors of every CPU the config uses; boot CPU, before others. */
void arch_gic_init(void);

/** Turn on the EL2 MMU with @root (a table of 2^(bits-30) entries);
 * @boot on the boot CPU, whose early writes bypassed the caches. */
void arch_mmu_enable(u64 *root, u32 bits, bool boot);

/** Value for VTTBR_EL2 of a partition. */
u64 arch_vttbr(const struct pt *s2, u16 vmid);

/**
 * Fence (@on) the stage 2 of the partition whose VTTBR_EL2 is @vttbr, or
 * open it again: its root entries invalid, and its TLB entries gone on
 * every CPU, so that its vCPUs exit at their next access.
 */
void arch_s2_fence(struct pt *s2, u64 vttbr, bool on);

/** Start physical CPU @mpidr at the secondary entry with @slot; PSCI code. */
s64 arch_cpu_start(u64 mpidr, u64 slot);

/** Power the machine off (firmware PSCI SYSTEM_OFF). */
noreturn void arch_system_off(void);

/** Spin-loop hint (YIELD): used in every busy-wait of the core. */
void arch_relax(void);

/** Wait for an interrupt or event (a doorbell). */
void arch_wait(void);

/** Ring CPU @slot's doorbell so that it looks at its mailbox. */
void arch_doorbell(u32 slot);

/** Acknowledge a doorbell that woke a parked CPU. */
void arch_doorbell_ack(void);

/**
 * Reset this CPU's EL1 state and @v's registers so that @v enters @p at
 * @entry with x0 = @arg, MMU off, interrupts masked (arm64 boot protocol).
 */
void arch_vcpu_reset(struct vcpu *v, const struct partition *p, u64 entry,
		     u64 arg);

/** Restore @v's registers and enter the guest. */
noreturn void arch_vcpu_enter(struct vcpu *v);

/** Clean [p, p+len) to the point of coherency. */
void arch_dcache_clean(const void *p, u64 len);

/** Clean and invalidate [p, p+len) to the point of coherency. */
void arch_dcache_clean_inval(const void *p, u64 len);

/** Zero page-aligned [p, p+len) and push it to the point of coherency. */
void arch_mem_zero(void *p, u64 len);

/** Invalidate all instruction caches (inner shareable). */
void arch_icache_invalidate(void);

/** Read the physical counter. */
u64 arch_counter(void);

/** 64 random bits from the CPU (RNDR) where it has FEAT_RNG, else 0. */
u64 arch_random(void);

/** Frequency of the counter, in Hz. */
u64 arch_counter_hz(void);

/** Halt this CPU forever (after a core bug was reported). */
noreturn void arch_halt(void);
