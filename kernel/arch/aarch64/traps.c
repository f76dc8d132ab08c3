// SPDX-License-Identifier: MIT
/*
 * The exit dispatcher: one table indexed by ESR_EL2.EC with a default
 * handler in every slot. A handler returns TRAP_RESUME (the guest goes on)
 * or TRAP_FAULT (the exit was outside what the partition was granted: it
 * is reported and the partition's fault policy applies). Unknown exception
 * classes fault the partition; they never spin the core.
 */
#include <arch/esr.h>
#include <arch/gicv3.h>
#include <arch/guest_state.h>
#include <arch/sysreg.h>
#include <bulkhead/arch.h>
#include <bulkhead/console.h>
#include <bulkhead/lib.h>
#include <bulkhead/partition.h>
#include <bulkhead/smccc.h>
#include <bulkhead/vdev.h>
#include <bulkhead/vgic.h>

enum trap_result {
	TRAP_RESUME,
	TRAP_FAULT,
};

typedef enum trap_result (*trap_fn)(struct vcpu *v, u64 esr);

static enum trap_result trap_default(struct vcpu *v, u64 esr)
{
	(void)v;
	(void)esr;
	return TRAP_FAULT;
}

static void call(struct vcpu *v, bool hvc, u32 imm)
{
	const struct part_config *c = v->part->cfg;
	struct call_env env = { c->nvcpus, c->nmem, c->mem };
	struct call_req req = call_decode(v->regs.x, hvc, imm, &env);

	call_invoke(v, &req);
}

static enum trap_result trap_hvc(struct vcpu *v, u64 esr)
{
	/* HVC's preferred return address is the next instruction already. */
	call(v, true, (u32)(esr & 0xffffU));
	return TRAP_RESUME;
}

static enum trap_result trap_smc(struct vcpu *v, u64 esr)
{
	(void)esr;
	/* A trapped SMC returns to the SMC itself (Arm ARM D1.11.2): skip it.
	 */
	v->regs.elr += 4U;
	call(v, false, 0);
	return TRAP_RESUME;
}

/* HPFAR_EL2.FIPA [43:4] holds IPA[51:12] of a stage-2 fault (D19.2.52). */
static u64 fault_ipa(void)
{
	u64 hpfar = sysreg_read(hpfar_el2);

	return (((hpfar >> 4) << 12) & 0x000ffffffffff000UL) |
	       (sysreg_read(far_el2) & 0xfff);
}

/* Value of an n-byte load as the destination register receives it. */
static u64 load_extend(u64 val, const struct esr_dabt *d)
{
	unsigned bits = d->size * 8U;

	if (bits < 64U) {
		val &= (1UL << bits) - 1U;
	}
	if (d->sign && bits < 64U && (val >> (bits - 1U)) & 1U) {
		val |= ~0UL << bits;
	}
	return d->sf ? val : val & 0xffffffffUL;
}

/*
 * A stage-2 translation fault of a single load or store (ISV = 1) may be
 * an access to an emulated region; anything else is the guest's fault.
 */
static enum trap_result trap_dabt(struct vcpu *v, u64 esr)
{
	struct esr_dabt d = esr_decode_dabt(esr);
	struct mmio_access a = { .size = d.size, .write = d.write };
	bool zr = d.reg == 31U; /* the transfer register is XZR */
	enum esr_fsc_kind kind;
	int level;

	v->exits[EXIT_ABORT]++; /* until it proves to be an emulated access */
	kind = esr_fsc_kind(d.fsc, &level);
	if ((kind != FSC_TRANSLATION && kind != FSC_PERMISSION) || !d.isv ||
	    d.s1ptw) {
		return TRAP_FAULT;
	}
	if (a.write && !zr) {
		a.value = d.size == 8U ? v->regs.x[d.reg]
				       : v->regs.x[d.reg] &
						 ((1UL << (8U * d.size)) - 1U);
	}
	/* Unmapped: the emulated GIC. Mapped read-only: a virtio-mmio
	 * register page, whose writes vdev_mmio() applies. */
	if (kind == FSC_TRANSLATION ? !vgic_mmio(v, fault_ipa(), &a)
				    : !vdev_mmio(v, fault_ipa(), &a)) {
		return TRAP_FAULT;
	}
	v->exits[EXIT_ABORT]--;
	if (kind == FSC_TRANSLATION) {
		v->exits[EXIT_GIC]++;
	}
	if (!a.write && !zr) {
		v->regs.x[d.reg] = load_extend(a.value, &d);
	}
	/* ESR_EL2.IL (D19.2.40): 32-bit instruction, or a 16-bit T32 one
	 * from an AArch32 EL0, which may also sit in an IT block. */
	v->regs.elr += esr & ESR_IL ? 4U : 2U;
	v->regs.spsr = spsr_skip_it(v->regs.spsr);
	return TRAP_RESUME;
}

/*
 * Set/way cache maintenance (HCR_EL2.TSW): DC ISW, DC CSW, DC CISW (SYS
 * #0, C7, C6/C10/C14, #2). A guest issues them in a loop over every set and
 * way of a cache level to write back its dirty lines (before turning its
 * caches off, say); performed as they are, they would clean and evict the
 * neighbours' lines in shared caches. Each loop passes set 0, way 0 of each
 * level exactly once (Xt = level << 1, whatever the cache's geometry):
 * there the core cleans and invalidates the partition's own memory by
 * address, which is all the loop could have meant for this guest, and
 * ignores every other set/way operation.
 */
static bool set_way(struct vcpu *v, const struct esr_sysreg *s, u64 val)
{
	const struct part_config *c = v->part->cfg;

	if (s->op0 != 1U || s->op1 != 0U || s->crn != 7U || s->op2 != 2U ||
	    (s->crm != 6U && s->crm != 10U && s->crm != 14U)) {
		return false;
	}
	if ((val & ~0xeUL) == 0U) {
		for (u32 i = 0; i < c->nmem; i++) {
			arch_dcache_clean_inval((const void *)c->mem[i].pa,
						c->mem[i].size);
		}
	}
	return true;
}

/* Trapped MSR/MRS/SYS: the GIC's SGI registers, the registers common to
 * both groups of a direct partition's (ICH_HCR_EL2.TC), the PMU, set/way. */
static enum trap_result trap_sysreg(struct vcpu *v, u64 esr)
{
	struct esr_sysreg s = esr_decode_sysreg(esr);
	u64 val = s.reg == 31U ? 0U : v->regs.x[s.reg];
	unsigned id = esr_sysreg_id(&s);

	switch (id) {
	case ICC_TRAP_PMR:
	case ICC_TRAP_DIR:
	case ICC_TRAP_RPR:
	case ICC_TRAP_CTLR:
		if (!v->part->cfg->direct ||
		    !arch_icc_trap(v, id, s.read, &val)) {
			return TRAP_FAULT;
		}
		break;
	case SYSREG_ID(3U, 0U, 12U, 11U, 5U): /* ICC_SGI1R_EL1 */
		if (!s.read) {
			vgic_sgi(v, val);
		}
		val = 0;
		break;
	case SYSREG_ID(3U, 0U, 12U, 11U, 6U): /* ICC_ASGI1R_EL1 */
	case SYSREG_ID(3U, 0U, 12U, 11U, 7U): /* ICC_SGI0R_EL1 */
		val = 0;
		break; /* no group 0 or secure SGIs in a partition: ignored */
	default:
		if (!arch_pmu_access(&s, &val) && !set_way(v, &s, val)) {
			return TRAP_FAULT;
		}
		break;
	}
	if (s.read && s.reg != 31U) {
		v->regs.x[s.reg] = val;
	}
	v->regs.elr += 4U;
	return TRAP_RESUME;
}

/* A default in every slot, then the handled classes override it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const trap_fn trap_table[EC_MAX + 1] = {
	[0 ... EC_MAX] = trap_default, [EC_HVC64] = trap_hvc,
	[EC_SMC64] = trap_smc,	       [EC_DABT_LOW] = trap_dabt,
	[EC_SYS64] = trap_sysreg,
};
#pragma GCC diagnostic pop

static noreturn void fault(struct vcpu *v, u64 esr)
{
	char what[80];
	unsigned ec = (unsigned)ESR_EC(esr);
	u64 far = sysreg_read(far_el2);
	struct fault_info f = {
		.what = what, .esr = esr, .far = far, .ipa = ~0UL
	};

	if (ec == EC_DABT_LOW || ec == EC_IABT_LOW) {
		f.ipa = fault_ipa();
	} else {
		f.far = 0;
	}
	esr_describe(esr, what, sizeof(what));
	partition_fault(v, &f);
}

/* The counter of an exit by its class (data aborts count themselves). */
static enum exit_kind exit_kind(unsigned ec)
{
	switch (ec) {
	case EC_HVC64:
		return EXIT_HVC;
	case EC_SMC64:
		return EXIT_SMC;
	case EC_SYS64:
		return EXIT_SYSREG;
	case EC_DABT_LOW:
	case EC_IABT_LOW:
		return EXIT_ABORT;
	default:
		return EXIT_OTHER;
	}
}

/** Synchronous exit from a guest (vectors.S). */
void trap_sync(struct regs *r);
void trap_sync(struct regs *r)
{
	struct vcpu *v = container_of(r, struct vcpu, regs);
	u64 esr = sysreg_read(esr_el2);

	if (ESR_EC(esr) != EC_DABT_LOW) {
		v->exits[exit_kind(ESR_EC(esr))]++;
	}

	if (trap_table[ESR_EC(esr)](v, esr) == TRAP_FAULT) {
		fault(v, esr);
	}
	cpu_check_mailbox(this_cpu());
}

/** SError from a guest: nothing routes these to a guest. */
void trap_serror(struct regs *r);
void trap_serror(struct regs *r)
{
	struct vcpu *v = container_of(r, struct vcpu, regs);
	u64 esr = sysreg_read(esr_el2);
	struct fault_info f = {
		.what = "SError", .esr = esr, .far = 0, .ipa = ~0UL
	};

	partition_fault(v, &f);
}

/** An exception taken at EL2: a bug in the core. */
noreturn void hyp_exception(u64 esr, u64 elr, u64 far);
noreturn void hyp_exception(u64 esr, u64 elr, u64 far)
{
	panic("exception in the core: ESR 0x%lx ELR 0x%lx FAR 0x%lx", esr, elr,
	      far);
}
