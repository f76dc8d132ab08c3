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

#define ICC_SRE_SRE (1UL << 0)
#define ICC_SRE_ENABLE (1UL << 3) /* EL1 may use its own ICC_SRE_EL1 */
#define ICC_CTLR_EOIMODE (1UL << 1)
#define ICH_HCR_EN (1UL << 0)

static void gicd_wait_rwp(void)
{
	while (mmio_read32(plat.gicd + GICD_CTLR) & GICD_CTLR_RWP)
		;
}

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

u64 gic_cpu_init(u64 mpidr)
{
	u64 rd = gicr_find(mpidr);
	u64 sgi = rd + GICR_SGI_BASE;

	mmio_write32(rd + GICR_WAKER,
		     mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_PS);
	while (mmio_read32(rd + GICR_WAKER) & GICR_WAKER_CA)
		;
	mmio_write32(sgi + GICD_ICENABLER, ~0U);
	mmio_write32(sgi + GICD_ICPENDR, ~0U);
	mmio_write32(sgi + GICD_ICACTIVER, ~0U);
	mmio_write32(sgi + GICD_IGROUPR, ~0U);
	for (u32 i = 0; i < 32; i += 4)
		mmio_write32(sgi + GICD_IPRIORITYR + i,
			     0x01010101U * GIC_PRIO_DEFAULT);
	mmio_write32(sgi + GICD_ISENABLER, 1U << GIC_SGI_DOORBELL);

	sysreg_write(ICC_SRE_EL2, ICC_SRE_SRE | ICC_SRE_ENABLE);
	isb();
	sysreg_write(ICC_PMR_EL1, 0xff);
	sysreg_write(ICC_CTLR_EL1, ICC_CTLR_EOIMODE);
	sysreg_write(ICC_IGRPEN1_EL1, 1);
	sysreg_write(ICH_HCR_EL2, ICH_HCR_EN);
	isb();
	return rd;
}

/* ICC_SGI1R_EL1 (IHI 0069 12.2.23): Aff3 [55:48], INTID [27:24],
 * Aff2 [39:32], Aff1 [23:16], TargetList [15:0] (one bit per Aff0). */
void arch_doorbell(u32 slot)
{
	u64 m = cpu_configs[slot].mpidr;
	u64 v = (1UL << (m & 0xf)) | (((m >> 8) & 0xff) << 16) |
		(((m >> 16) & 0xff) << 32) | (((m >> 32) & 0xff) << 48) |
		((u64)GIC_SGI_DOORBELL << 24);

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

void arch_doorbell_ack(void)
{
	u64 iar;

	while (((iar = sysreg_read(ICC_IAR1_EL1)) & 0xffffff) != GIC_SPURIOUS)
		irq_done(iar);
}

void arch_wait(void)
{
	wfi();
}

/** Physical IRQ while a guest runs; nonzero asks for the slow path. */
u64 trap_irq(struct regs *r);
u64 trap_irq(struct regs *r)
{
	u64 iar = sysreg_read(ICC_IAR1_EL1);
	u32 intid = (u32)(iar & 0xffffff);

	(void)r;
	if (intid == GIC_SPURIOUS)
		return 0;
	irq_done(iar);
	return intid == GIC_SGI_DOORBELL;
}

/** The slow IRQ path: full frame saved, the mailbox may park this vCPU. */
void trap_irq_slow(struct regs *r);
void trap_irq_slow(struct regs *r)
{
	(void)r;
	cpu_check_mailbox(this_cpu());
}
