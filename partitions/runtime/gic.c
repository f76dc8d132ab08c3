// SPDX-License-Identifier: MIT
/*
 * GICv3 and virtual-timer helpers for bare-metal guests. The same code
 * drives the real GIC when booted natively and Bulkhead's emulated one in
 * a partition: distributor at 0x08000000, redistributors from 0x080a0000
 * (found by matching GICR_TYPER.Affinity to MPIDR), and the system-register
 * CPU interface (ICC_*, which Bulkhead's guests reach as ICV_*).
 */
#include <bulkhead/gic_regs.h>

#include "rt.h"

#define GICD_BASE 0x08000000UL
#define GICR_BASE 0x080a0000UL
#define GICR_STRIDE 0x20000UL

static uint64_t gicr_base[RT_MAX_CPUS];

void rt_gic_init(void)
{
	mmio_write32(GICD_BASE + GICD_CTLR, 0);
	while (mmio_read32(GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP)
		;
	mmio_write32(GICD_BASE + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_EN_GRP1);
	while (mmio_read32(GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP)
		;
}

uint64_t rt_gicr(void)
{
	uint64_t mpidr, rd = GICR_BASE;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	for (;; rd += GICR_STRIDE) {
		uint64_t typer = mmio_read64(rd + GICR_TYPER);

		if ((typer >> 32) == (mpidr & 0xffffff))
			return rd;
		if (typer & GICR_TYPER_LAST)
			return 0;
	}
}

bool rt_gic_cpu_init(void)
{
	uint64_t rd = rt_gicr(), sgi = rd + GICR_SGI_BASE, sre;

	if (!rd)
		return false;
	gicr_base[rt_cpu() % RT_MAX_CPUS] = rd;
	mmio_write32(rd + GICR_WAKER,
		     mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_PS);
	while (mmio_read32(rd + GICR_WAKER) & GICR_WAKER_CA)
		;
	mmio_write32(sgi + GICD_IGROUPR, ~0U);
	mmio_write32(sgi + GICD_ICENABLER, ~0U);
	for (unsigned i = 0; i < 32; i += 4)
		mmio_write32(sgi + GICD_IPRIORITYR + i, 0x80808080U);
	__asm__ volatile("mrs %0, S3_0_C12_C12_5"
			 : "=r"(sre)); /* ICC_SRE_EL1 */
	__asm__ volatile("msr S3_0_C12_C12_5, %0; isb" : : "r"(sre | 1));
	__asm__ volatile("msr S3_0_C4_C6_0, %0"
			 :
			 : "r"(0xffUL)); /* ICC_PMR_EL1 */
	__asm__ volatile("msr S3_0_C12_C12_3, %0"
			 :
			 : "r"(0UL)); /* ICC_BPR1_EL1 */
	__asm__ volatile("msr S3_0_C12_C12_7, %0; isb"
			 :
			 : "r"(1UL)); /* IGRPEN1 */
	return true;
}

void rt_irq_config(uint32_t intid, uint8_t prio, bool enable)
{
	uint64_t frame =
		intid < 32 ? gicr_base[rt_cpu() % RT_MAX_CPUS] + GICR_SGI_BASE
			   : GICD_BASE;
	uint32_t off = (intid / 32) * 4, bit = 1U << (intid % 32);

	mmio_write8(frame + GICD_IPRIORITYR + intid, prio);
	if (intid >= 32) /* route to this CPU: Aff0 = its index */
		mmio_write64(GICD_BASE + GICD_IROUTER + 8UL * intid, rt_cpu());
	mmio_write32(frame + (enable ? GICD_ISENABLER : GICD_ICENABLER) + off,
		     bit);
}

void rt_sgi(unsigned cpu, uint32_t intid)
{
	uint64_t v = ((uint64_t)intid << 24) | (1UL << cpu);

	__asm__ volatile("msr S3_0_C12_C11_5, %0; isb"
			 :
			 : "r"(v)); /* ICC_SGI1R */
}

void rt_irq_unmask(void)
{
	__asm__ volatile("msr daifclr, #2" : : : "memory");
}

void rt_irq_mask(void)
{
	__asm__ volatile("msr daifset, #2" : : : "memory");
}

void rt_wfi(void)
{
	__asm__ volatile("wfi" : : : "memory");
}

void rt_wfi_unmask(void)
{
	__asm__ volatile("wfi\n\tmsr daifclr, #2" : : : "memory");
}

void rt_timer_arm(uint64_t cval)
{
	__asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb"
			 :
			 : "r"(cval), "r"(1UL));
}

void rt_timer_stop(void)
{
	__asm__ volatile("msr cntv_ctl_el0, %0; isb" : : "r"(0UL));
}

uint64_t rt_timer_cval(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntv_cval_el0" : "=r"(v));
	return v;
}
