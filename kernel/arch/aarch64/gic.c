// SPDX-License-Identifier: MIT
/*
 * The physical GICv3: the core owns the distributor, each CPU's
 * redistributor and its CPU interface (system registers, ICC_SRE_EL2.SRE).
 * Every interrupt is group 1, non-secure, but one: SGI 15, the doorbell
 * of CPUs whose partition takes its interrupts directly, is group 0. The
 * CPU interface runs with EOImode = 1 (ICC_CTLR_EL1.EOImode, IHI 0069
 * 12.2.6): writing EOIR only drops priority, and deactivation is separate,
 * which is what lets a guest deactivate a hardware-linked interrupt itself.
 *
 * Direct interrupt delivery (docs/design.md): on a direct partition's CPU
 * the guest owns the physical CPU interface's group 1 (HCR_EL2.IMO = 0:
 * ICC_IAR1/EOIR1/HPPIR1/BPR1/AP1Rn/IGRPEN1 are the real ones, and its
 * interrupts are taken at EL1 with no exit), while HCR_EL2.FMO = 1 keeps
 * group 0 the core's (physical FIQs go to EL2, whatever PSTATE.F says at
 * EL1; ICC_*0_EL1 reach only the disabled virtual interface). With FMO
 * set, the registers common to both groups (PMR, CTLR, RPR, DIR) also go
 * to the virtual interface (IHI 0069 6.1, ICV_* "when HCR_EL2.FMO or IMO
 * is 1"), so ICH_HCR_EL2.TC traps them and arch_icc_trap() applies them to
 * the physical ones, within limits: nothing of the guest's may reach the
 * priority of the core's doorbell (4.8, preemption needs a strictly
 * higher group priority than the running one), so its priorities and its
 * PMR never go below GIC_PRIO_GUEST_MIN, and ICC_CTLR_EL1.CBPR = 1 makes
 * BPR0 (the core's, at its minimum) set the group priority of group 1 as
 * well (ICC_CTLR_EL1.CBPR; ICC_BPR1_EL1 writes are then ignored): with its
 * own BPR1 = 7 a guest could otherwise turn any active interrupt into
 * running priority 0x00. partitions/gicprobe checks each of these facts
 * on the machine it runs on.
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
#define ICC_CTLR_CBPR (1UL << 0)
#define ICC_CTLR_EOIMODE (1UL << 1)
#define ICH_HCR_EN (1UL << 0)
#define ICH_HCR_UIE (1UL << 1)	 /* maintenance IRQ when <= 1 LR is in use */
#define ICH_HCR_TC (1UL << 10)	 /* trap EL1's PMR, CTLR, RPR, DIR */
#define GIC_PRIO_CORE 0x00	 /* the direct doorbell (group 0) */
#define GIC_PRIO_GUEST_MIN 0x08U /* a direct guest's highest priority */

static u32 nr_lrs;   /* ICH_VTR_EL2.ListRegs + 1 (4 on cortex-a72) */
static u32 pre_bits; /* ICH_VTR_EL2.PREbits + 1: 5, 6 or 7 */
static u32 pri_bits; /* ICC_CTLR_EL1.PRIbits + 1: physical priority bits */
static u32 gicd_ds;  /* GICD_CTLR.DS: one security state, group 0 is ours */

static void gicd_wait_rwp(void)
{
	while ((mmio_read32(plat.gicd + GICD_CTLR) & GICD_CTLR_RWP) != 0U) {
		/* the distributor is still applying a write */
	}
}

/* Find the redistributor whose GICR_TYPER.Affinity matches @mpidr. */
static u64 gicr_find(u64 mpidr)
{
	u64 aff = (mpidr & 0xffffffU) | ((mpidr >> 8) & 0xff000000UL);
	u64 rd = plat.gicr;
	u64 typer = mmio_read64(rd + GICR_TYPER);

	while ((typer >> 32) != aff) {
		if ((typer & GICR_TYPER_LAST) != 0U) {
			panic("no redistributor for MPIDR 0x%lx", mpidr);
		}
		rd += plat.gicr_stride;
		typer = mmio_read64(rd + GICR_TYPER);
	}
	return rd;
}

static bool direct_cpu(u32 slot)
{
	const struct partition *p = percpu[slot].vcpu.part;

	return p && p->cfg->direct;
}

/* SGIs and PPIs of one redistributor: all off, group 1, default priority,
 * but the core's: the doorbell, and for a CPU whose vCPU uses the virtual
 * interface its maintenance interrupt; the doorbell of a direct CPU is
 * group 0, at the highest priority. */
static void gicr_reset(u64 rd, bool direct)
{
	u64 sgi = rd + GICR_SGI_BASE;

	mmio_write32(sgi + GICD_ICENABLER, ~0U);
	mmio_write32(sgi + GICD_ICPENDR, ~0U);
	mmio_write32(sgi + GICD_ICACTIVER, ~0U);
	mmio_write32(sgi + GICD_IGROUPR, ~BIT32(GIC_SGI_DIRECT));
	for (u32 i = 0U; i < 32U; i += 4U) {
		mmio_write32(sgi + GICD_IPRIORITYR + i,
			     0x01010101U * GIC_PRIO_DEFAULT);
	}
	*(volatile u8 *)(sgi + GICD_IPRIORITYR + GIC_SGI_DIRECT) =
		GIC_PRIO_CORE;
	mmio_write32(sgi + GICD_ISENABLER,
		     direct ? BIT32(GIC_SGI_DIRECT)
			    : BIT32(GIC_SGI_DOORBELL) | BIT32(GIC_PPI_MAINT));
}

/*
 * The distributor, and the SGI/PPI state of every redistributor the config
 * uses, before any other CPU starts: a vCPU may touch a sibling's
 * redistributor frame (emulated on the real one) before that sibling's
 * CPU has come up, and what it wrote must not be wiped later.
 */
void arch_gic_init(void)
{
	u32 lines = ((mmio_read32(plat.gicd + GICD_TYPER) & 0x1fU) + 1U) * 32U;
	u32 ds = mmio_read32(plat.gicd + GICD_CTLR) & GICD_CTLR_DS, i;

	/* INTIDs from 32 * (ITLinesNumber + 1) up are reserved (IHI 0069,
	 * GICD_TYPER), and the loop below gives them no group: one the config
	 * used would stay group 0 and reach its CPU as the core's FIQ. */
	if (32U + nr_vspis > lines) {
		panic("the config uses INTID %u; this GIC has INTIDs below %u (GICD_TYPER): check bulkhead,nr-interrupts",
		      31U + nr_vspis, lines);
	}
	gicd_ds = ds;
	mmio_write32(plat.gicd + GICD_CTLR, 0U);
	gicd_wait_rwp();
	for (i = 32U; i < lines; i += 32U) {
		mmio_write32(plat.gicd + GICD_ICENABLER + i / 8U, ~0U);
		mmio_write32(plat.gicd + GICD_ICPENDR + i / 8U, ~0U);
		mmio_write32(plat.gicd + GICD_ICACTIVER + i / 8U, ~0U);
		mmio_write32(plat.gicd + GICD_IGROUPR + i / 8U, ~0U);
	}
	for (i = 32U; i < lines; i += 4U) {
		mmio_write32(plat.gicd + GICD_IPRIORITYR + i,
			     0x01010101U * GIC_PRIO_DEFAULT);
	}
	mmio_write32(plat.gicd + GICD_CTLR,
		     GICD_CTLR_ARE | GICD_CTLR_EN_GRP1 |
			     (ds ? GICD_CTLR_EN_GRP0 : 0U));
	gicd_wait_rwp();
	for (i = 0; i < nr_cpus; i++) {
		percpu[i].gicr = gicr_find(cpu_configs[i].mpidr);
		gicr_reset(percpu[i].gicr, direct_cpu(i));
	}
}

/* Wake this CPU's redistributor (GICR_WAKER, IHI 0069 9.11.44) and set up
 * its CPU interface and virtual interface. */
void gic_cpu_init(struct cpu *c)
{
	u64 rd = c->gicr;

	mmio_write32(rd + GICR_WAKER,
		     mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_PS);
	while ((mmio_read32(rd + GICR_WAKER) & GICR_WAKER_CA) != 0U) {
		/* the redistributor is still waking up */
	}
	sysreg_write(ICC_SRE_EL2, ICC_SRE_SRE | ICC_SRE_ENABLE);
	isb();
	sysreg_write(ICC_PMR_EL1, 0xff);
	sysreg_write(ICC_CTLR_EL1, ICC_CTLR_EOIMODE);
	/* Without DS, group 0 is EL3's: its registers would trap there. */
	if (gicd_ds != 0U) {
		sysreg_write(ICC_IGRPEN0_EL1, 1);
	}
	sysreg_write(ICC_IGRPEN1_EL1, 1);
	nr_lrs = (u32)(sysreg_read(ICH_VTR_EL2) & 0x1fU) + 1U;
	pre_bits = (u32)((sysreg_read(ICH_VTR_EL2) >> 26) & 7U) + 1U;
	pri_bits = (u32)((sysreg_read(ICC_CTLR_EL1) >> 8) & 7U) + 1U;
	arch_vgic_reset();
}

/*
 * This CPU's interface for a direct vCPU about to start (@on), or back to
 * the core's own (a vCPU parking; or any other vCPU): HCR_EL2.IMO,
 * ICH_HCR_EL2 (TC, and the virtual interface off), and the physical state
 * a guest can touch reset as a reset PE has it, PMR and IGRPEN1 0 (the
 * PMR at GIC_PRIO_GUEST_MIN underneath), EOImode 0, no active priority
 * (ICC_AP1R<n>_EL1: one per 32 priority levels, IHI 0069 12.2.2): nothing
 * of a boot that is gone can hold this one's running priority.
 */
void arch_gic_direct(bool on)
{
	u64 hcr = sysreg_read(hcr_el2);

	if (on && !gicd_ds) {
		panic("direct interrupts need GICD_CTLR.DS = 1: group 0 is the firmware's here");
	}

	sysreg_write(hcr_el2, on ? hcr & ~HCR_IMO : hcr | HCR_IMO);
	if (pri_bits >= 7U) {
		sysreg_write(ICC_AP1R3_EL1, 0);
		sysreg_write(ICC_AP1R2_EL1, 0);
	}
	if (pri_bits >= 6U) {
		sysreg_write(ICC_AP1R1_EL1, 0);
	}
	sysreg_write(ICC_AP1R0_EL1, 0);
	sysreg_write(ICC_BPR0_EL1, 0);
	sysreg_write(ICC_PMR_EL1, on ? GIC_PRIO_GUEST_MIN : 0xffU);
	sysreg_write(ICC_CTLR_EL1, on ? ICC_CTLR_CBPR : ICC_CTLR_EOIMODE);
	sysreg_write(ICC_IGRPEN1_EL1, on ? 0 : 1);
	sysreg_write(ICH_HCR_EL2, on ? ICH_HCR_TC : ICH_HCR_EN);
	isb();
}

/*
 * A direct guest's trapped access to a register common to both groups
 * (ICH_HCR_EL2.TC, IHI 0069 12.4.5), applied to the physical interface
 * within what it may do: its PMR never below GIC_PRIO_GUEST_MIN (it reads
 * back what it wrote), only EOImode of CTLR (CBPR stays 1), DIR only of
 * its own interrupts. False: not one of these, or a write to RPR.
 */
bool arch_icc_trap(struct vcpu *v, u32 reg, bool read, u64 *val)
{
	u8 mask = (u8)(0xff00U >> pri_bits);

	switch (reg) {
	case ICC_TRAP_PMR:
		if (read) {
			*val = v->vgic.pmr;
			return true;
		}
		v->vgic.pmr = (u8)*val & mask;
		sysreg_write(ICC_PMR_EL1, MAX(v->vgic.pmr, GIC_PRIO_GUEST_MIN));
		return true;
	case ICC_TRAP_CTLR:
		if (read) {
			*val = sysreg_read(ICC_CTLR_EL1);
		} else {
			sysreg_write(ICC_CTLR_EL1,
				     ICC_CTLR_CBPR | (*val & ICC_CTLR_EOIMODE));
		}
		return true;
	case ICC_TRAP_RPR:
		*val = sysreg_read(ICC_RPR_EL1);
		return read;
	case ICC_TRAP_DIR:
		if (!read &&
		    vgic_direct_owns((u32)*val & 0xffffffU, v->part->index)) {
			sysreg_write(ICC_DIR_EL1, *val & 0xffffff);
		}
		return !read;
	default:
		return false;
	}
}

/* A guest priority as a direct partition's interrupt gets it. */
static u8 guest_prio(u8 prio)
{
	return MAX(prio, GIC_PRIO_GUEST_MIN);
}

void arch_gicd_prio(u32 intid, u8 prio)
{
	*(volatile u8 *)(plat.gicd + GICD_IPRIORITYR + intid) =
		guest_prio(prio);
}

void arch_gicr_prio(u32 slot, u32 intid, u8 prio)
{
	*(volatile u8 *)(percpu[slot].gicr + GICR_SGI_BASE + GICD_IPRIORITYR +
			 intid) = guest_prio(prio);
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
	sysreg_write(ICH_HCR_EL2, ICH_HCR_EN | (on ? ICH_HCR_UIE : 0U));
}

void arch_vgic_reset(void)
{
	for (u32 n = 0; n < nr_lrs; n++) {
		arch_lr_write(n, 0);
	}
	/* Active priorities: one register of each group per 32 preemption
	 * levels, so 1, 2 or 4 exist (IHI 0069 12.4.1); the others UNDEF. */
	if (pre_bits >= 7U) {
		sysreg_write(ICH_AP0R3_EL2, 0);
		sysreg_write(ICH_AP0R2_EL2, 0);
		sysreg_write(ICH_AP1R3_EL2, 0);
		sysreg_write(ICH_AP1R2_EL2, 0);
	}
	if (pre_bits >= 6U) {
		sysreg_write(ICH_AP0R1_EL2, 0);
		sysreg_write(ICH_AP1R1_EL2, 0);
	}
	sysreg_write(ICH_AP0R0_EL2, 0);
	sysreg_write(ICH_AP1R0_EL2, 0);
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

/* ICC_SGI0R_EL1/ICC_SGI1R_EL1 (IHI 0069 12.2.23): Aff3 [55:48], RS
 * [47:44], Aff2 [39:32], INTID [27:24], Aff1 [23:16], TargetList [15:0]:
 * bit Aff0 % 16 of the range RS = Aff0 / 16. */
static u64 sgi_value(u32 slot, u32 intid)
{
	u64 m = cpu_configs[slot].mpidr;

	return (1UL << (m & 0xfU)) | (((m >> 4) & 0xfU) << 44) |
	       (((m >> 8) & 0xffU) << 16) | (((m >> 16) & 0xffU) << 32) |
	       (((m >> 32) & 0xffU) << 48) | ((u64)intid << 24);
}

/* A direct CPU's doorbell is its group 0 SGI: an FIQ its guest can
 * neither mask nor see; any other CPU's is group 1. */
void arch_doorbell(u32 slot)
{
	dsb(ish);
	if (direct_cpu(slot)) {
		sysreg_write(ICC_SGI0R_EL1, sgi_value(slot, GIC_SGI_DIRECT));
	} else {
		sysreg_write(ICC_SGI1R_EL1, sgi_value(slot, GIC_SGI_DOORBELL));
	}
	isb();
}

void arch_sgi(u32 slot, u32 intid)
{
	sysreg_write(ICC_SGI1R_EL1, sgi_value(slot, intid));
	isb();
}

/* Acknowledge, drop and deactivate one physical interrupt. */
static void irq_done(u64 iar)
{
	sysreg_write(ICC_EOIR1_EL1, iar);
	sysreg_write(ICC_DIR_EL1, iar);
}

/* The group 0 doorbell: acknowledged, dropped and, under the EOImode a
 * direct guest may have chosen, deactivated. */
static void fiq_ack(void)
{
	u64 iar;

	if (!gicd_ds) {
		return;
	}
	iar = sysreg_read(ICC_IAR0_EL1);
	if ((iar & 0xffffffU) >= 1020U) {
		return;
	}
	sysreg_write(ICC_EOIR0_EL1, iar);
	if ((sysreg_read(ICC_CTLR_EL1) & ICC_CTLR_EOIMODE) != 0U) {
		sysreg_write(ICC_DIR_EL1, iar);
	}
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
	fiq_ack();
	for (u32 n = 0U; n < 16U; n++) {
		u64 iar = sysreg_read(ICC_IAR1_EL1);
		u32 intid = (u32)(iar & 0xffffffU);

		if (intid >= 1020U) {
			return;
		}
		if (intid >= 32U) {
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
	u32 intid = (u32)(iar & 0xffffffU);

	v->exits[EXIT_IRQ]++;
	if (intid >= 1020U) {
		return 0;
	}
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

/** A physical FIQ from a guest: a direct CPU's doorbell (vectors.S). */
void trap_fiq(struct regs *r);
void trap_fiq(struct regs *r)
{
	container_of(r, struct vcpu, regs)->exits[EXIT_IRQ]++;
	fiq_ack();
	cpu_check_mailbox(this_cpu());
}
