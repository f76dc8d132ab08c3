/* SPDX-License-Identifier: MIT */
/*
 * The virtual GICv3 (ARM IHI 0069): list registers, a per-vCPU overflow
 * queue, and the emulated distributor and redistributors.
 *
 * Interrupts a partition owns (its devices' SPIs, the EL1 virtual timer
 * PPI 27) are injected hardware-linked: LR.HW = 1 with pINTID = vINTID, so
 * the guest's EOI deactivates the physical interrupt without an exit.
 * Physical enables mirror the guest's virtual enables, so an interrupt that
 * fires is one the guest wants. SGIs are purely virtual: ICC_SGI1R_EL1
 * traps and is translated to vCPUs of the same partition only.
 *
 * A partition in direct mode (part_config.direct) has no virtual interface
 * at all: its interrupts are physical ones it acknowledges itself, at EL1
 * (HCR_EL2.IMO = 0). The distributor and redistributors stay emulated,
 * and pass its own interrupts' settings through, priorities included; its
 * SGIs are physical ones the core sends; a virtual SPI of it is a real
 * one no device drives, which the core sets pending (VSPI_DOORBELL).
 *
 * List-register encoding, ICH_LR<n>_EL2 (IHI 0069 12.4.6): State [63:62]
 * (01 pending, 10 active), HW [61], Group [60], Priority [55:48],
 * pINTID [44:32] (when HW), vINTID [31:0].
 */
#pragma once

#include <bulkhead/spinlock.h>
#include <bulkhead/types.h>

#define LR_PENDING (1UL << 62)
#define LR_STATE_MASK (3UL << 62)
#define LR_HW (1UL << 61)
#define LR_GROUP1 (1UL << 60)
#define LR_PRIO_SHIFT 48U
#define LR_VINTID(lr) ((u32)((lr)&0xffffffffUL))
#define LR_PRIO(lr) ((u8)((lr) >> LR_PRIO_SHIFT))

#define VGIC_QUEUE 48U	    /* hardware interrupts waiting for an LR */
#define VGIC_PPI_VTIMER 27U /* EL1 virtual timer */
/* What a direct partition's vCPU has of its CPU's private interrupts: SGIs
 * 0-14 and the virtual timer; SGI 15 is the core's doorbell there. */
#define VGIC_DIRECT_PRIVATE (0x7fffU | 1U << VGIC_PPI_VTIMER)

struct vcpu;
struct partition;

/** Per-vCPU state: what its redistributor holds, and the overflow queue. */
struct vgic_cpu {
	u32 enabled;	 /* INTIDs 0-31: virtual enables */
	u32 sgi_pending; /* SGIs waiting for an LR (set atomically by senders)
			  */
	u32 icfgr1;	 /* PPI configuration as the guest wrote it */
	u32 waker;	 /* GICR_WAKER.ProcessorSleep */
	u8 prio[32];
	u8 pmr; /* direct mode: ICC_PMR_EL1 as the guest wrote it */
	u16 queue[VGIC_QUEUE];
	u32 nqueue;
};

/**
 * Per-partition distributor state (GICD_CTLR, held SPIs); the rest of its
 * SPIs' state is in vspis[]. Only this partition's own SPIs have bits in
 * held[], and only under its own hold_lock are they written: nothing here
 * is shared with another partition (a shared word would need a lock every
 * writer takes, which no per-partition lock is).
 */
struct vgic_dist {
	u32 ctlr;
	spinlock_t hold_lock; /* enabling, routing and holding its SPIs */
	u32 held[1024 / 32];  /* SPIs held back for an off vCPU (vgic.c) */
};

/** An SPI some partition owns (generated table, indexed by INTID - 32). */
struct vspi {
	u8 part;   /* owner's index + 1; 0: nobody's */
	u8 prio;   /* the guest's GICD_IPRIORITYR byte */
	u8 vcpu;   /* target vCPU (from GICD_IROUTER) */
	u8 edge;   /* 1 edge, 0 level (platform DT), or VSPI_VIRTUAL */
	u32 route; /* GICD_IROUTER as the guest wrote it (Aff0 and IRM) */
};

/* vspi.edge of a purely virtual SPI (edge-like; no physical interrupt). */
#define VSPI_VIRTUAL 2U
/* vspi.edge of a direct partition's virtual SPI: a real SPI no device
 * drives (bhconfig picks it), edge-triggered; raising it sets it pending
 * in the distributor, and its owner takes it with no exit. */
#define VSPI_DOORBELL 3U

extern struct vspi vspis[];
extern const u32 nr_vspis;

/** An emulated MMIO access, already decoded and validated. */
struct mmio_access {
	u64 offset; /* from the base of the emulated region */
	u32 size;   /* 1, 2, 4 or 8 */
	bool write;
	u64 value; /* written value, or the result of a read */
};

/* --- the exit path --------------------------------------------------- */

/** Is physical INTID @intid one partition @part owns (hardware-linked)? */
static inline bool vgic_owns(u32 intid, u32 part)
{
	if (intid < 32U) {
		return intid == VGIC_PPI_VTIMER;
	}
	intid -= 32U;
	return intid < nr_vspis && vspis[intid].part == part + 1U;
}

/** May a direct partition @part's guest deactivate physical @intid? */
static inline bool vgic_direct_owns(u32 intid, u32 part)
{
	return intid < 32U ? (VGIC_DIRECT_PRIVATE >> intid) & 1U
			   : vgic_owns(intid, part);
}

/** Inject owned hardware interrupt @intid into @v (on @v's CPU). */
void vgic_inject_hw(struct vcpu *v, u32 intid);

/** Maintenance interrupt: refill list registers from the queue. */
void vgic_maintenance(struct vcpu *v);

/** Move pending SGIs (and queued interrupts) of @v into free LRs. */
void vgic_flush(struct vcpu *v);

/** The guest wrote ICC_SGI1R_EL1 = @value (IHI 0069 12.2.23). */
void vgic_sgi(struct vcpu *v, u64 value);

/** Emulate @a at guest address @ipa if it is in an emulated GIC region. */
bool vgic_mmio(struct vcpu *v, u64 ipa, struct mmio_access *a);

/* --- lifecycle (the rest is in vgic_hooks, partition.h) -------------- */

/** A parked CPU took SPI @intid for its off vCPU: hold it pending. */
void vgic_hold_spi(u32 intid);

/**
 * Make virtual SPI @intid of partition @p pending (a virtio device's
 * interrupt, a driver's doorbell), from vCPU @v (of any partition): it
 * reaches its target vCPU once enabled. Ignored unless @intid is one of
 * @p's virtual SPIs.
 */
void vgic_raise_virtual(struct vcpu *v, const struct partition *p, u32 intid);

/* --- list-register helpers (pure) ------------------------------------ */

static inline u64 lr_make(u32 intid, u8 prio, bool hw)
{
	u64 lr = LR_PENDING | LR_GROUP1 | ((u64)prio << LR_PRIO_SHIFT) | intid;

	if (hw) {
		lr |= LR_HW | ((u64)intid << 32);
	}
	return lr;
}

/* --- what the architecture provides (arch/aarch64/gic.c, or a fake) --- */

u32 arch_lr_count(void);
u64 arch_lr_read(u32 n);
void arch_lr_write(u32 n, u64 lr);
u32 arch_lr_empty(void); /* ICH_ELRSR_EL2: bit n set = LR n free */
void arch_vgic_underflow(bool on);
void arch_vgic_reset(void);
u32 arch_gicd_read(u32 off);
void arch_gicd_write(u32 off, u32 val);
void arch_gicd_route(u32 intid, u64 mpidr);
u32 arch_gicr_read(u32 slot, u32 off); /* SGI_base frame of CPU @slot */
void arch_gicr_write(u32 slot, u32 off, u32 val);
void arch_vtimer_stop(void);
/* Direct mode: this CPU's interface given to a direct vCPU (@on) or back
 * to the core; a direct guest's priority (never up to the core's); a
 * physical group 1 SGI to CPU @slot. */
void arch_gic_direct(bool on);
void arch_gicd_prio(u32 intid, u8 prio);
void arch_gicr_prio(u32 slot, u32 intid, u8 prio);
void arch_sgi(u32 slot, u32 intid);
