// SPDX-License-Identifier: MIT
/*
 * The physical GICv3: the core owns the distributor, each CPU's
 * redistributor and its CPU interface (system registers, ICC_SRE_EL2.SRE).
 * Every interrupt is group 1, non-secure. The CPU interface runs with
 * EOImode = 1 (ICC_CTLR_EL1.EOImode, IHI 0069 12.2.6): writing EOIR only
 * drops priority, and deactivation is separate, which is what lets a guest
 * deactivate a hardware-linked interrupt itself.
 */
#include <arch/gicv3.h>
#include <arch/sysreg.h>
#include <bulkhead/arch.h>
#include <bulkhead/config.h>
#include <bulkhead/console.h>
#include <bulkhead/partition.h>
#include <bulkhead/vgic.h>

#define ICC_SRE_SRE (1UL << 0)
#define ICC_SRE_ENABLE (1UL << 3) /* EL1 may use its own ICC_SRE_EL1 */
#define ICC_CTLR_EOIMODE (1UL << 1)
#define ICH_HCR_EN (1UL << 0)
#define ICH_HCR_UIE (1UL << 1) /* maintenance IRQ when <= 1 LR is in use */

static u32 nr_lrs;   /* ICH_VTR_EL2.ListRegs + 1 (4 on cortex-a72) */
static u32 pre_bits; /* ICH_VTR_EL2.PREbits + 1: 5, 6 or 7 */

static void gicd_wait_rwp(void)
{
	while (mmio_read32(plat.gicd + GICD_CTLR) & GICD_CTLR_RWP)
		;
}

/* Find the redistributor whose GICR_TYPER.Affinity matches @mpidr. */
static u64 gicr_find(u64 mpidr)
{
	u64 aff = (mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000UL);
	u64 rd = plat.gicr;

	for (;; rd += plat.gicr_stride) {
		u64 typer = mmio_read64(rd + GICR_TYPER);

		if ((typer >> 32) == aff)
			return rd;
		if (typer & GICR_TYPER_LAST)
			panic("no redistributor for MPIDR 0x%lx", mpidr);
	}
}

/* SGIs and PPIs of one redistributor: all off, group 1, default priority. */
static void gicr_reset(u64 rd)
{
	u64 sgi = rd + GICR_SGI_BASE;

	mmio_write32(sgi + GICD_ICENABLER, ~0U);
	mmio_write32(sgi + GICD_ICPENDR, ~0U);
	mmio_write32(sgi + GICD_ICACTIVER, ~0U);
	mmio_write32(sgi + GICD_IGROUPR, ~0U);
	for (u32 i = 0; i < 32; i += 4)
		mmio_write32(sgi + GICD_IPRIORITYR + i,
			     0x01010101U * GIC_PRIO_DEFAULT);
	mmio_write32(sgi + GICD_ISENABLER,
		     1U << GIC_SGI_DOORBELL | 1U << GIC_PPI_MAINT);
}

/*
 * The distributor, and the SGI/PPI state of every redistributor the config
 * uses, before any other CPU starts: a vCPU may touch a sibling's
 * redistributor frame (emulated on the real one) before that sibling's
 * CPU has come up, and what it wrote must not be wiped later.
 */
void gic_init(void)
{
	u32 lines = ((mmio_read32(plat.gicd + GICD_TYPER) & 0x1f) + 1) * 32;
	u32 i;

	mmio_write32(plat.gicd + GICD_CTLR, 0);
	gicd_wait_rwp();
	for (i = 32; i < lines; i += 32) {
		mmio_write32(plat.gicd + GICD_ICENABLER + i / 8, ~0U);
		mmio_write32(plat.gicd + GICD_ICPENDR + i / 8, ~0U);
		mmio_write32(plat.gicd + GICD_ICACTIVER + i / 8, ~0U);
		mmio_write32(plat.gicd + GICD_IGROUPR + i / 8, ~0U);
	}
	for (i = 32; i < lines; i += 4)
		mmio_write32(plat.gicd + GICD_IPRIORITYR + i,
			     0x01010101U * GIC_PRIO_DEFAULT);
	mmio_write32(plat.gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_EN_GRP1);
	gicd_wait_rwp();
	for (i = 0; i < nr_cpus; i++) {
		percpu[i].gicr = gicr_find(cpu_configs[i].mpidr);
		gicr_reset(percpu[i].gicr);
	}
}

/* Wake this CPU's redistributor (GICR_WAKER, IHI 0069 9.11.44) and set up
 * its CPU interface and virtual interface. */
void gic_cpu_init(struct cpu *c)
{
	u64 rd = c->gicr;

	mmio_write32(rd + GICR_WAKER,
		     mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_PS);
	while (mmio_read32(rd + GICR_WAKER) & GICR_WAKER_CA)
		;
	sysreg_write(ICC_SRE_EL2, ICC_SRE_SRE | ICC_SRE_ENABLE);
	isb();
	sysreg_write(ICC_PMR_EL1, 0xff);
	sysreg_write(ICC_CTLR_EL1, ICC_CTLR_EOIMODE);
	sysreg_write(ICC_IGRPEN1_EL1, 1);
	nr_lrs = (u32)(sysreg_read(ICH_VTR_EL2) & 0x1f) + 1;
	pre_bits = (u32)(sysreg_read(ICH_VTR_EL2) >> 26 & 7) + 1;
	arch_vgic_reset();
}

u32 arch_lr_count(void)
{
	return nr_lrs;
}

u32 arch_lr_empty(void)
{
	return (u32)sysreg_read(ICH_ELRSR_EL2);
}

void arch_vgic_underflow(bool on)
{
	sysreg_write(ICH_HCR_EL2, ICH_HCR_EN | (on ? ICH_HCR_UIE : 0));
}

void arch_vgic_reset(void)
{
	for (u32 n = 0; n < nr_lrs; n++)
		arch_lr_write(n, 0);
	/* Active priorities: one register of each group per 32 preemption
	 * levels, so 1, 2 or 4 exist (IHI 0069 12.4.1); the others UNDEF. */
	switch (pre_bits) {
	case 7:
		sysreg_write(ICH_AP0R3_EL2, 0);
		sysreg_write(ICH_AP0R2_EL2, 0);
		sysreg_write(ICH_AP1R3_EL2, 0);
		sysreg_write(ICH_AP1R2_EL2, 0);
		/* fall through */
	case 6:
		sysreg_write(ICH_AP0R1_EL2, 0);
		sysreg_write(ICH_AP1R1_EL2, 0);
		/* fall through */
	default:
		sysreg_write(ICH_AP0R0_EL2, 0);
		sysreg_write(ICH_AP1R0_EL2, 0);
	}
	sysreg_write(ICH_VMCR_EL2, 0);
	sysreg_write(ICH_HCR_EL2, ICH_HCR_EN);
	isb();
}

u32 arch_gicd_read(u32 off)
{
	return mmio_read32(plat.gicd + off);
}

void arch_gicd_write(u32 off, u32 val)
{
	mmio_write32(plat.gicd + off, val);
}

void arch_gicd_route(u32 intid, u64 mpidr)
{
	mmio_write64(plat.gicd + GICD_IROUTER + 8UL * intid,
		     mpidr & MPIDR_AFF_MASK);
}

u32 arch_gicr_read(u32 slot, u32 off)
{
	return mmio_read32(percpu[slot].gicr + GICR_SGI_BASE + off);
}

void arch_gicr_write(u32 slot, u32 off, u32 val)
{
	mmio_write32(percpu[slot].gicr + GICR_SGI_BASE + off, val);
}

void arch_vtimer_stop(void)
{
	sysreg_write(cntv_ctl_el0, 0);
	isb();
}

/* ICC_SGI1R_EL1 (IHI 0069 12.2.23): Aff3 [55:48], RS [47:44], Aff2 [39:32],
 * INTID [27:24], Aff1 [23:16], TargetList [15:0]: bit Aff0 % 16 of the
 * range RS = Aff0 / 16. */
void arch_doorbell(u32 slot)
{
	u64 m = cpu_configs[slot].mpidr;
	u64 v = (1UL << (m & 0xf)) | (((m >> 4) & 0xf) << 44) |
		(((m >> 8) & 0xff) << 16) | (((m >> 16) & 0xff) << 32) |
		(((m >> 32) & 0xff) << 48) | ((u64)GIC_SGI_DOORBELL << 24);

	dsb(ish);
	sysreg_write(ICC_SGI1R_EL1, v);
	isb();
}

/* Acknowledge, drop and deactivate one physical interrupt. */
static void irq_done(u64 iar)
{
	sysreg_write(ICC_EOIR1_EL1, iar);
	sysreg_write(ICC_DIR_EL1, iar);
}

/*
 * Take what woke a parked CPU. Besides the doorbell that can be an SPI
 * still routed to this CPU's vCPU, which is off: the vGIC holds it
 * pending (vgic_hold_spi) until the vCPU starts or the guest routes it
 * elsewhere. A bounded number per call, so a storm cannot keep the CPU
 * from its mailbox.
 */
void arch_doorbell_ack(void)
{
	for (u32 n = 0; n < 16; n++) {
		u64 iar = sysreg_read(ICC_IAR1_EL1);
		u32 intid = (u32)(iar & 0xffffff);

		if (intid >= 1020)
			return;
		if (intid >= 32) {
			vgic_hold_spi(intid);
			gicd_wait_rwp(); /* disabled before it is deactivated */
		}
		irq_done(iar);
	}
}

void arch_wait(void)
{
	wfi();
}

/**
 * A physical IRQ the assembly fast path (vectors.S) did not finish: @iar
 * is already acknowledged. Owned interrupts get here only when no list
 * register was free. Nonzero asks for the slow path (the mailbox).
 */
u64 trap_irq(struct regs *r, u64 iar);
u64 trap_irq(struct regs *r, u64 iar)
{
	struct vcpu *v = container_of(r, struct vcpu, regs);
	u32 intid = (u32)(iar & 0xffffff);

	v->exits[EXIT_IRQ]++;
	if (intid >= 1020)
		return 0;
	sysreg_write(ICC_EOIR1_EL1, iar);
	if (vgic_owns(intid, v->part->index)) {
		vgic_inject_hw(v, intid);
		return 0;
	}
	sysreg_write(ICC_DIR_EL1, iar);
	if (intid == GIC_PPI_MAINT) {
		vgic_maintenance(v);
		return 0;
	}
	return intid == GIC_SGI_DOORBELL;
}

/** The slow IRQ path: full frame saved, the mailbox may park this vCPU. */
void trap_irq_slow(struct regs *r);
void trap_irq_slow(struct regs *r)
{
	(void)r;
	cpu_check_mailbox(this_cpu());
}
