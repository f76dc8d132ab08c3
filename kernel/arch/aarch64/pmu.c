// SPDX-License-Identifier: MIT
/*
 * The PMU as a partition sees it. Every counter belongs to the guest
 * (MDCR_EL2.HPMN = PMCR_EL0.N), but a guest must not count what the core
 * does on its behalf: that would time the hypervisor and, through it, its
 * neighbours. ARMv8.1's MDCR_EL2.HPMD stops counting at EL2 where the CPU
 * has it; an ARMv8.0 CPU (Cortex-A72) has only the filter bits a guest
 * itself writes, PMEVTYPER<n>_EL0.NSH and PMCCFILTR_EL0.NSH (bit 27: count
 * at EL2, Arm ARM D13.4). So every PMU access traps (MDCR_EL2.TPM) and is
 * carried out here on the real registers, with NSH (and SH, bit 24, for
 * Secure EL2) forced to 0. The PMU interrupt is not offered: the overflow
 * interrupt enables read as zero and ignore writes. The same registers are
 * reset at every (re)start, so a restarted partition sees what a first
 * boot sees.
 */
#include <arch/esr.h>
#include <arch/guest_state.h>
#include <arch/sysreg.h>
#include <bulkhead/arch.h>

#define PMCR_N(pmcr) (((pmcr) >> 11) & 0x1f)
#define PMCR_P BIT(1)			 /* reset event counters */
#define PMCR_C BIT(2)			 /* reset the cycle counter */
#define PMU_TYPE_EL2 (BIT(27) | BIT(24)) /* NSH, SH: count at EL2 */
#define PMU_CYCLES 31U			 /* PMSELR_EL0 value of PMCCFILTR */

/* Sysreg IDs (op0, op1, CRn, CRm, op2) of the PMU registers, D13.4. */
#define PMCR SYSREG_ID(3, 3, 9, 12, 0)
#define PMCNTENSET SYSREG_ID(3, 3, 9, 12, 1)
#define PMCNTENCLR SYSREG_ID(3, 3, 9, 12, 2)
#define PMOVSCLR SYSREG_ID(3, 3, 9, 12, 3)
#define PMSWINC SYSREG_ID(3, 3, 9, 12, 4)
#define PMSELR SYSREG_ID(3, 3, 9, 12, 5)
#define PMCEID0 SYSREG_ID(3, 3, 9, 12, 6)
#define PMCEID1 SYSREG_ID(3, 3, 9, 12, 7)
#define PMCCNTR SYSREG_ID(3, 3, 9, 13, 0)
#define PMXEVTYPER SYSREG_ID(3, 3, 9, 13, 1)
#define PMXEVCNTR SYSREG_ID(3, 3, 9, 13, 2)
#define PMUSERENR SYSREG_ID(3, 3, 9, 14, 0)
#define PMINTENSET SYSREG_ID(3, 0, 9, 14, 1)
#define PMINTENCLR SYSREG_ID(3, 0, 9, 14, 2)
#define PMOVSSET SYSREG_ID(3, 3, 9, 14, 3)

static u32 nr_counters(void)
{
	return (u32)PMCR_N(sysreg_read(pmcr_el0));
}

/* Counter @n's type (@type) or value register, through PMSELR_EL0, whose
 * guest value is kept. */
static void indexed(u32 n, bool type, bool read, u64 *val)
{
	u64 sel = sysreg_read(pmselr_el0);

	sysreg_write(pmselr_el0, n);
	isb();
	if (type && read) {
		*val = sysreg_read(pmxevtyper_el0);
	} else if (type) {
		sysreg_write(pmxevtyper_el0, *val & ~PMU_TYPE_EL2);
	} else if (read) {
		*val = sysreg_read(pmxevcntr_el0);
	} else {
		sysreg_write(pmxevcntr_el0, *val);
	}
	sysreg_write(pmselr_el0, sel);
	isb();
}

/* PMEVCNTR<n>_EL0, PMEVTYPER<n>_EL0, PMCCFILTR_EL0: op0 3, op1 3, CRn 14,
 * CRm 0b10nn (counters) or 0b11nn (types), n = CRm[1:0]:op2. */
static bool evt_access(const struct esr_sysreg *s, u64 *val)
{
	u32 n = ((s->crm & 3U) << 3) | s->op2;
	bool type = s->crm >= 12U;

	if (s->op0 != 3U || s->op1 != 3U || s->crn != 14U || s->crm < 8U) {
		return false;
	}
	if (n == PMU_CYCLES && !type) {
		return false;
	}
	if (n < nr_counters() || n == PMU_CYCLES) {
		indexed(n, type, s->read, val);
	} else if (s->read) {
		*val = 0; /* no such counter: RAZ/WI */
	} else {
		/* a write to no counter: ignored */
	}
	return true;
}

/* The registers with fixed encodings; false if @s is none of them. */
static bool fixed_access(const struct esr_sysreg *s, u64 *val)
{
	bool r = s->read;

	switch (esr_sysreg_id(s)) {
	case PMCR:
		if (r) {
			*val = sysreg_read(pmcr_el0);
		} else {
			sysreg_write(pmcr_el0, *val & 0xffU);
		}
		break;
	case PMCNTENSET:
		if (r) {
			*val = sysreg_read(pmcntenset_el0);
		} else {
			sysreg_write(pmcntenset_el0, *val);
		}
		break;
	case PMCNTENCLR:
		if (r) {
			*val = sysreg_read(pmcntenclr_el0);
		} else {
			sysreg_write(pmcntenclr_el0, *val);
		}
		break;
	case PMOVSCLR:
	case PMOVSSET:
		if (r) {
			*val = sysreg_read(pmovsclr_el0);
		} else if (esr_sysreg_id(s) == PMOVSCLR) {
			sysreg_write(pmovsclr_el0, *val);
		} else {
			sysreg_write(pmovsset_el0, *val);
		}
		break;
	case PMSWINC:
		if (!r) {
			sysreg_write(pmswinc_el0, *val);
		}
		break;
	case PMSELR:
		if (r) {
			*val = sysreg_read(pmselr_el0);
		} else {
			sysreg_write(pmselr_el0, *val & 0x1fU);
		}
		break;
	case PMCEID0:
	case PMCEID1:
		if (r) {
			*val = esr_sysreg_id(s) == PMCEID0
				       ? sysreg_read(pmceid0_el0)
				       : sysreg_read(pmceid1_el0);
		}
		break;
	case PMCCNTR:
		if (r) {
			*val = sysreg_read(pmccntr_el0);
		} else {
			sysreg_write(pmccntr_el0, *val);
		}
		break;
	case PMXEVTYPER:
	case PMXEVCNTR: {
		u32 n = (u32)sysreg_read(pmselr_el0) & 0x1fU;
		bool type = esr_sysreg_id(s) == PMXEVTYPER;

		/* With SEL = 31, PMXEVTYPER is PMCCFILTR; PMXEVCNTR is
		 * CONSTRAINED UNPREDICTABLE (Arm ARM D24.5.27), UNDEFINED
		 * with FEAT_FGT: it reads as zero and ignores writes, never
		 * carried out here at EL2. */
		if (n < nr_counters() || (n == PMU_CYCLES && type)) {
			indexed(n, type, r, val);
		} else if (r) {
			*val = 0;
		} else {
			/* a write to no counter: ignored */
		}
		break;
	}
	case PMUSERENR:
		if (r) {
			*val = sysreg_read(pmuserenr_el0);
		} else {
			sysreg_write(pmuserenr_el0, *val & 0xfU);
		}
		break;
	case PMINTENSET:
	case PMINTENCLR:
		if (r) {
			*val = 0; /* no PMU interrupt */
		}
		break;
	default:
		return false;
	}
	return true;
}

bool arch_pmu_access(const struct esr_sysreg *s, u64 *val)
{
	if (!fixed_access(s, val) && !evt_access(s, val)) {
		return false;
	}
	isb();
	return true;
}

void arch_pmu_reset(void)
{
	u32 n = nr_counters();

	sysreg_write(pmcntenclr_el0, ~0UL);
	sysreg_write(pmintenclr_el1, ~0UL);
	sysreg_write(pmovsclr_el0, ~0UL);
	sysreg_write(pmcr_el0, PMCR_P | PMCR_C);
	sysreg_write(pmuserenr_el0, 0);
	for (u32 i = 0; i < n; i++) {
		sysreg_write(pmselr_el0, i);
		isb();
		sysreg_write(pmxevtyper_el0, 0);
	}
	sysreg_write(pmccfiltr_el0, 0);
	sysreg_write(pmselr_el0, 0);
	isb();
}
