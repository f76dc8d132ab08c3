/* SPDX-License-Identifier: MIT */
/*
 * GICv3 register layout used by the core (ARM IHI 0069, chapter 12).
 * Distributor registers at plat.gicd; each CPU's redistributor is two 64 KiB
 * frames (RD_base, then SGI_base) at plat.gicr + n * plat.gicr_stride.
 */
#pragma once

#include <bulkhead/types.h>

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_ISACTIVER 0x0300
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00
#define GICD_IGRPMODR 0x0d00
#define GICD_IROUTER 0x6000
#define GICD_PIDR2 0xffe8

/* GICD_CTLR with one security state (DS = 1, as on QEMU virt without EL3). */
#define GICD_CTLR_EN_GRP1 (1U << 1)
#define GICD_CTLR_ARE (1U << 4)
#define GICD_CTLR_RWP (1U << 31)

#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_PIDR2 0xffe8
#define GICR_WAKER_PS (1U << 1) /* ProcessorSleep */
#define GICR_WAKER_CA (1U << 2) /* ChildrenAsleep */
#define GICR_TYPER_LAST (1UL << 4)
#define GICR_SGI_BASE 0x10000 /* SGI/PPI registers: same offsets as GICD */

#define GIC_SGI_DOORBELL 0 /* the core's own SGI between physical CPUs */
#define GIC_PPI_MAINT 25   /* GICv3 maintenance interrupt */
#define GIC_PPI_VTIMER 27  /* EL1 virtual timer */
#define GIC_SPURIOUS 1023
#define GIC_PRIO_DEFAULT 0xa0

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

/** Distributor: enable affinity routing, group 1; all SPIs off (boot CPU). */
void gic_init(void);

/** This CPU's redistributor and CPU interface; returns its RD_base. */
u64 gic_cpu_init(u64 mpidr);
