/* SPDX-License-Identifier: MIT */
/*
 * GICv3 distributor and redistributor register offsets (ARM IHI 0069,
 * chapter 12), shared by the physical driver and the emulation. Each
 * redistributor is two 64 KiB frames: RD_base, then SGI_base, whose SGI/PPI
 * registers sit at the same offsets as the distributor's.
 */
#pragma once

#define GICD_CTLR 0x0000U
#define GICD_TYPER 0x0004U
#define GICD_IIDR 0x0008U
#define GICD_TYPER2 0x000cU
#define GICD_IGROUPR 0x0080U
#define GICD_ISENABLER 0x0100U
#define GICD_ICENABLER 0x0180U
#define GICD_ISPENDR 0x0200U
#define GICD_ICPENDR 0x0280U
#define GICD_ISACTIVER 0x0300U
#define GICD_ICACTIVER 0x0380U
#define GICD_IPRIORITYR 0x0400U
#define GICD_ICFGR 0x0c00U
#define GICD_IGRPMODR 0x0d00U
#define GICD_IROUTER 0x6000U
#define GICD_PIDR2 0xffe8U

/* GICD_CTLR with one security state (DS = 1, QEMU virt without EL3). */
#define GICD_CTLR_EN_GRP0 (1U << 0)
#define GICD_CTLR_EN_GRP1 (1U << 1)
#define GICD_CTLR_ARE (1U << 4)
#define GICD_CTLR_DS (1U << 6)
#define GICD_CTLR_RWP 0x80000000U
#define GICD_IROUTER_IRM 0x80000000U

#define GICR_CTLR 0x0000U
#define GICR_IIDR 0x0004U
#define GICR_TYPER 0x0008U
#define GICR_STATUSR 0x0010U
#define GICR_WAKER 0x0014U
#define GICR_PIDR2 0xffe8U
#define GICR_WAKER_PS (1U << 1) /* ProcessorSleep */
#define GICR_WAKER_CA (1U << 2) /* ChildrenAsleep */
#define GICR_TYPER_LAST (1UL << 4)
#define GICR_SGI_BASE 0x10000U

#define GIC_PIDR2_V3 0x3bU /* ArchRev 3 in [7:4] */
#define GIC_PRIO_DEFAULT 0xa0U
