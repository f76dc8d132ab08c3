/* SPDX-License-Identifier: MIT */
/*
 * GICv3 register layout used by the core (ARM IHI 0069, chapter 12).
 * Distributor registers at plat.gicd; each CPU's redistributor is two 64 KiB
 * frames (RD_base, then SGI_base) at plat.gicr + n * plat.gicr_stride.
 */
#pragma once

#include <arch/esr.h>
#include <bulkhead/types.h>

#include <bulkhead/gic_regs.h>

#define GIC_SGI_DOORBELL 0U /* the core's own SGI between physical CPUs */
#define GIC_SGI_DIRECT                                                      \
	15U		  /* the same on a direct partition's CPUs: group 0 \
			   */
#define GIC_PPI_MAINT 25U /* GICv3 maintenance interrupt */

static inline u32 mmio_read32(u64 a)
{
	return *(volatile u32 *)a;
}

static inline void mmio_write32(u64 a, u32 v)
{
	*(volatile u32 *)a = v;
}

static inline u64 mmio_read64(u64 a)
{
	return *(volatile u64 *)a;
}

static inline void mmio_write64(u64 a, u64 v)
{
	*(volatile u64 *)a = v;
}

struct cpu;
struct vcpu;

/** Wake this CPU's redistributor; set up its CPU and virtual interface. */
void gic_cpu_init(struct cpu *c);

/* ICC registers common to both groups, as trapped by ICH_HCR_EL2.TC
 * (esr.h's SYSREG_ID encoding). */
#define ICC_TRAP_PMR SYSREG_ID(3, 0, 4, 6, 0)
#define ICC_TRAP_DIR SYSREG_ID(3, 0, 12, 11, 1)
#define ICC_TRAP_RPR SYSREG_ID(3, 0, 12, 11, 3)
#define ICC_TRAP_CTLR SYSREG_ID(3, 0, 12, 12, 4)

/** A direct vCPU's trapped access to ICC register @reg; false: refused. */
bool arch_icc_trap(struct vcpu *v, u32 reg, bool read, u64 *val);
