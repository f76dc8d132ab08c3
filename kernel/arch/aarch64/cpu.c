// SPDX-License-Identifier: MIT
/*
 * Per-CPU EL2 state, the EL2 MMU, vCPU reset and firmware calls.
 *
 * Trap configuration (HCR_EL2, Arm ARM D19.2.48): stage 2 on (VM), EL1 is
 * AArch64 (RW), physical IRQ/FIQ/SError go to EL2 and virtual ones are
 * enabled (IMO/FMO/AMO), SMC traps (TSC), IMPLEMENTATION DEFINED registers
 * and ACTLR_EL1 trap (TIDCP, TACR), and so does set/way cache maintenance
 * (TSW): with HCR_EL2.VM set a DC ISW would already be performed as DC
 * CISW, so it could not discard another partition's dirty lines, but it
 * would still clean and evict their lines from the shared caches, an
 * interference channel; traps.c turns it into maintenance by address of
 * the partition's own memory. WFI/WFE do not trap: one vCPU owns its core.
 * PMU registers trap (MDCR_EL2.TPM, see pmu.c).
 */
#include <arch/gicv3.h>
#include <arch/guest_state.h>
#include <arch/pt_bits.h>
#include <arch/sysreg.h>
#include <bulkhead/arch.h>
#include <bulkhead/lib.h>
#include <bulkhead/partition.h>

#define HCR_GUEST                                                              \
	(HCR_VM | HCR_RW | HCR_IMO | HCR_FMO | HCR_AMO | HCR_TSC | HCR_TIDCP | \
	 HCR_TACR | HCR_TSW)

/* TCR_EL2/VTCR_EL2: WB-cacheable, inner-shareable walks, 4 KiB granule. */
#define TCR_WALK_ATTRS ((1UL << 8) | (1UL << 10) | (3UL << 12))
#define TCR_EL2_RES1 (BIT(31) | BIT(23))
#define VTCR_EL2_RES1 BIT(31)
#define VTCR_SL0_LEVEL1 (1UL << 6)

/* CPTR_EL2 RES1 bits (non-VHE): [13:12], [9:0], TFP (bit 10) clear; TZ
 * (bit 8) and TSM (bit 12) trap SVE and SME where they exist. */
#define CPTR_EL2_RES1 0x33ffUL
#define CPTR_EL2_TZ BIT(8)

/* PSCI function IDs (DEN0022), SMC64 where an address is passed. */
#define PSCI_CPU_ON_64 0xc4000003UL
#define PSCI_SYSTEM_OFF 0x84000008UL

extern char secondary_entry[];
extern char __bss_start[], __pt_end[];

/* PARange (ID_AA64MMFR0_EL1[3:0]) as TCR.PS, capped at 48 bits. */
static u64 pa_range(void)
{
	u64 r = sysreg_read(id_aa64mmfr0_el1) & 0xf;

	return r > 5U ? 5U : r;
}

/*
 * The boot CPU wrote .bss and the first tables with its caches off. A line
 * for those addresses that a loader left in a cache would hide what it
 * wrote once they are on: invalidate them to the PoC first (Linux does the
 * same for its early tables). Only before any other CPU runs, and never
 * clean: what is in memory is the truth.
 */
static void boot_discard_stale_lines(void)
{
	u64 line = 4UL << ((sysreg_read(ctr_el0) >> 16) & 0xf);

	for (u64 a = ROUND_DOWN((u64)__bss_start, line); a < (u64)__pt_end;
	     a += line) {
		__asm__ volatile("dc ivac, %0" : : "r"(a) : "memory");
	}
	dsb(sy);
}

void arch_mmu_enable(u64 *root, u32 bits, bool boot)
{
	u64 tcr = (64UL - bits) | TCR_WALK_ATTRS | (pa_range() << 16) |
		  TCR_EL2_RES1;

	if (boot) {
		boot_discard_stale_lines();
	}
	/* Nor may the instruction cache hold anything from before. */
	__asm__ volatile("ic iallu" : : : "memory");
	__asm__ volatile("tlbi alle2" : : : "memory");
	dsb(ish);
	sysreg_write(mair_el2, MAIR_EL2_VALUE);
	sysreg_write(tcr_el2, tcr);
	sysreg_write(ttbr0_el2, (u64)root);
	isb();
	sysreg_write(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_EL2_M | SCTLR_EL2_C |
					SCTLR_EL2_SA | SCTLR_EL2_I |
					SCTLR_EL2_WXN);
	isb();
}

u64 arch_vttbr(const struct pt *s2, u16 vmid)
{
	return ((u64)vmid << 48) | (u64)s2->root;
}

/* Bit 0 of a stage-2 descriptor is its valid bit (D8.3); entries the
 * builder left empty are 0 and stay so. TLBI VMALLS12E1IS acts on the
 * VMID in VTTBR_EL2 (stage 1 and 2 entries, inner shareable, D8.13):
 * the partition's, for the moment. */
void arch_s2_fence(struct pt *s2, u64 vttbr, bool on)
{
	u64 mine = sysreg_read(vttbr_el2);

	for (u32 i = 0; i < s2->root_entries; i++) {
		if (s2->root[i] != 0U) {
			s2->root[i] = on ? s2->root[i] & ~1UL
					 : s2->root[i] | 1U;
		}
	}
	dsb(ishst);
	if (!on) {
		return;
	}
	sysreg_write(vttbr_el2, vttbr);
	isb();
	__asm__ volatile("tlbi vmalls12e1is" : : : "memory");
	dsb(ish);
	sysreg_write(vttbr_el2, mine);
	isb();
}

/*
 * Each physical CPU runs one vCPU and never switches: what the CPU has,
 * its guest may use without the core saving it. SVE (ID_AA64PFR0_EL1.SVE
 * [35:32]): CPTR_EL2.TZ (bit 8) clear, then ZCR_EL2.LEN at its maximum.
 * Pointer authentication (ID_AA64ISAR1_EL1 APA [7:4], API [11:8], GPA
 * [27:24], GPI [31:28]; ID_AA64ISAR2_EL1 APA3 [15:12]): HCR_EL2.API and
 * APK. SME, MTE and newer features stay trapped or off, so a guest that
 * uses them faults (docs/design.md, "Partition lifecycle").
 */
static u64 cpu_features(void)
{
	u64 hcr = HCR_GUEST;
	u64 cptr = CPTR_EL2_RES1;

	if ((sysreg_read(id_aa64isar1_el1) & 0xff000ff0UL) != 0U ||
	    (sysreg_read(ID_AA64ISAR2_EL1) & 0xf000UL) != 0U) {
		hcr |= HCR_API | HCR_APK;
	}
	if (((sysreg_read(id_aa64pfr0_el1) >> 32) & 0xfU) != 0U) {
		cptr &= ~CPTR_EL2_TZ;
	}
	sysreg_write(cptr_el2, cptr);
	isb();
	if (!(cptr & CPTR_EL2_TZ)) {
		sysreg_write(ZCR_EL2, 0x1ffUL);
	}
	return hcr;
}

/*
 * MDCR_EL2 (D19.2.84): every PMU counter belongs to the guest (HPMN =
 * PMCR_EL0.N), its registers trap (TPM, pmu.c keeps EL2 out of what it
 * counts), and where the CPU has ARMv8.1's PMU (ID_AA64DFR0_EL1.PMUVer
 * [11:8] >= 4, 0xf is IMPLEMENTATION DEFINED) EL2 does not count at all
 * (HPMD).
 */
static u64 mdcr(void)
{
	u64 pmuver = sysreg_read(id_aa64dfr0_el1) >> 8 & 0xf;
	u64 v = ((sysreg_read(pmcr_el0) >> 11) & 0x1fU) | MDCR_TPM;

	if (pmuver >= 4U && pmuver != 0xfU) {
		v |= MDCR_HPMD;
	}
	return v;
}

void arch_cpu_init(struct cpu *c)
{
	u64 vtcr = (64UL - plat.addr_bits) | VTCR_SL0_LEVEL1 | TCR_WALK_ATTRS |
		   (pa_range() << 16) | VTCR_EL2_RES1;

	sysreg_write(vtcr_el2, vtcr);
	sysreg_write(hcr_el2, cpu_features());
	sysreg_write(hstr_el2, 0);
	sysreg_write(mdcr_el2, mdcr());
	/* EL1 may read the physical counter; the physical timer traps. */
	sysreg_write(cnthctl_el2, CNTHCTL_EL1PCTEN);
	sysreg_write(vpidr_el2, sysreg_read(midr_el1));
	isb();
	gic_cpu_init(c);
}

/*
 * EL1 and EL0 state a (re)started guest must not inherit: what a first
 * boot sees, every boot. The same writes run at the first boot, so a
 * restart cannot be told from it: system registers, FP/SIMD, the PMU,
 * breakpoints and watchpoints (ID_AA64DFR0_EL1.BRPs [15:12], WRPs [23:20],
 * each "number - 1").
 */
static void el1_reset(void)
{
	u64 dfr0 = sysreg_read(id_aa64dfr0_el1);

	arch_fpsimd_reset();
	arch_pmu_reset();
	arch_debug_reset((u32)((dfr0 >> 12) & 0xfU) + 1U,
			 (u32)((dfr0 >> 20) & 0xfU) + 1U);
	sysreg_write(csselr_el1, 0);
	sysreg_write(mdccint_el1, 0);
	sysreg_write(sctlr_el1, SCTLR_EL1_RESET);
	sysreg_write(tcr_el1, 0);
	sysreg_write(ttbr0_el1, 0);
	sysreg_write(ttbr1_el1, 0);
	sysreg_write(mair_el1, 0);
	sysreg_write(amair_el1, 0);
	sysreg_write(vbar_el1, 0);
	sysreg_write(contextidr_el1, 0);
	sysreg_write(cpacr_el1, 0);
	sysreg_write(cntkctl_el1, 0);
	sysreg_write(cntv_ctl_el0, 0);
	sysreg_write(cntv_cval_el0, 0);
	sysreg_write(sp_el0, 0);
	sysreg_write(sp_el1, 0);
	sysreg_write(elr_el1, 0);
	sysreg_write(spsr_el1, 0);
	sysreg_write(esr_el1, 0);
	sysreg_write(far_el1, 0);
	sysreg_write(afsr0_el1, 0);
	sysreg_write(afsr1_el1, 0);
	sysreg_write(par_el1, 0);
	sysreg_write(tpidr_el0, 0);
	sysreg_write(tpidrro_el0, 0);
	sysreg_write(tpidr_el1, 0);
	sysreg_write(mdscr_el1, 0);
}

void arch_vcpu_reset(struct vcpu *v, const struct partition *p, u64 entry,
		     u64 arg)
{
	/* MPIDR: RES1 bit 31, Aff0 = vCPU index; U (bit 30) for a uniprocessor.
	 */
	u64 vmpidr = BIT(31) | v->id | (p->cfg->nvcpus == 1U ? BIT(30) : 0U);

	sysreg_write(vttbr_el2, p->vttbr);
	sysreg_write(vmpidr_el2, vmpidr);
	sysreg_write(cntvoff_el2, p->cntvoff);
	el1_reset();
	isb();
	/* Drop this VMID's stage 1 and 2 entries left by an earlier boot. */
	__asm__ volatile("tlbi vmalls12e1" : : : "memory");
	dsb(nsh);
	isb();
	(void)memset(&v->regs, 0, sizeof(v->regs));
	v->regs.x[0] = arg;
	v->regs.elr = entry;
	v->regs.spsr = SPSR_EL1H_MASKED;
}

static u64 smc(u64 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 __asm__("x0") = fn;
	register u64 x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2;
	register u64 x3 __asm__("x3") = a3;

	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			   "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return x0;
}

s64 arch_cpu_start(u64 mpidr, u64 slot)
{
	/* Only the affinity fields: bit 31 in the target makes CPU_ON fail. */
	return (s64)smc(PSCI_CPU_ON_64, mpidr & MPIDR_AFF_MASK,
			(u64)secondary_entry, slot);
}

noreturn void arch_system_off(void)
{
	(void)smc(PSCI_SYSTEM_OFF, 0, 0, 0);
	arch_halt();
}

noreturn void arch_halt(void)
{
	for (;;) {
		wfi();
	}
}

/* YIELD: on hardware a hint to SMT siblings; under QEMU's single-threaded
 * -icount mode the point where it switches to another vCPU. */
void arch_relax(void)
{
	__asm__ volatile("yield" : : : "memory");
}

void arch_dcache_clean(const void *p, u64 len)
{
	u64 line = 4UL << ((sysreg_read(ctr_el0) >> 16) & 0xf);
	u64 a = ROUND_DOWN((u64)p, line);

	for (; a < (u64)p + len; a += line) {
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	}
	dsb(ish);
}

void arch_dcache_clean_inval(const void *p, u64 len)
{
	u64 line = 4UL << ((sysreg_read(ctr_el0) >> 16) & 0xf);
	u64 a = ROUND_DOWN((u64)p, line);

	for (; a < (u64)p + len; a += line) {
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
	}
	dsb(ish);
}

/*
 * Zero [p, p+len) with DC ZVA (block size DCZID_EL0.BS [3:0], D19.2.34)
 * and push it to the point of coherency: the guest starts with its MMU
 * and caches off. @p and @len are 4 KiB aligned (partition memory).
 */
void arch_mem_zero(void *p, u64 len)
{
	u64 dczid = sysreg_read(dczid_el0), bs = 4UL << (dczid & 0xfU);

	if ((dczid & BIT(4)) != 0U) { /* DZP: DC ZVA prohibited */
		(void)memset(p, 0, len);
	} else {
		for (u64 a = (u64)p; a < (u64)p + len; a += bs) {
			__asm__ volatile("dc zva, %0" : : "r"(a) : "memory");
		}
	}
	arch_dcache_clean_inval(p, len);
}

void arch_icache_invalidate(void)
{
	__asm__ volatile("ic ialluis" : : : "memory");
	dsb(ish);
	isb();
}

u64 arch_counter(void)
{
	isb();
	return sysreg_read(cntpct_el0);
}

/* RNDR (S3_3_C2_C4_0) where ID_AA64ISAR0_EL1.RNDR [63:60] says it exists;
 * NZCV.Z set means no value could be had (D19.2.x "RNDR"). */
u64 arch_random(void)
{
	u64 v, z;

	if (!(sysreg_read(id_aa64isar0_el1) >> 60)) {
		return 0;
	}
	__asm__ volatile("mrs %0, S3_3_C2_C4_0\n\tcset %1, eq"
			 : "=r"(v), "=r"(z)
			 :
			 : "cc");
	return z ? 0U : v;
}

u64 arch_counter_hz(void)
{
	return sysreg_read(cntfrq_el0);
}

u64 arch_cpu_mpidr(void)
{
	return sysreg_read(mpidr_el1) & MPIDR_AFF_MASK;
}

u64 arch_stack_pointer(void)
{
	u64 sp;

	__asm__ volatile("mov %0, sp" : "=r"(sp));
	return sp;
}

struct cpu *this_cpu(void)
{
	return (struct cpu *)sysreg_read(tpidr_el2);
}
