// SPDX-License-Identifier: MIT
/*
 * ESR_EL2 decoding for the exit path and for fault reports. Field positions
 * follow Arm ARM D19.2.40: EC [31:26], IL [25], ISS [24:0]; data abort ISS:
 * ISV [24], SAS [23:22], SSE [21], SRT [20:16], SF [15], S1PTW [7], WnR [6],
 * DFSC [5:0]; fault status codes from the same section ("DFSC").
 */
#include <arch/esr.h>
#include <arch/sysreg.h>
#include <bulkhead/lib.h>

struct esr_dabt esr_decode_dabt(u64 esr)
{
	struct esr_dabt d;

	d.isv = (esr >> 24) & 1U;
	d.size = 1U << ((esr >> 22) & 3U);
	d.sign = (esr >> 21) & 1U;
	d.reg = (esr >> 16) & 0x1fU;
	d.sf = (esr >> 15) & 1U;
	d.s1ptw = (esr >> 7) & 1U;
	d.write = (esr >> 6) & 1U;
	d.fsc = esr & 0x3fU;
	return d;
}

enum esr_fsc_kind esr_fsc_kind(unsigned fsc, int *level)
{
	*level = (int)fsc & 3;
	switch (fsc >> 2) {
	case 0x0:
		return FSC_ADDR_SIZE;
	case 0x1:
		return FSC_TRANSLATION;
	case 0x2:
		return FSC_ACCESS_FLAG;
	case 0x3:
		return FSC_PERMISSION;
	default:
		break;
	}
	*level = -1;
	if (fsc == 0x21U) {
		return FSC_ALIGNMENT;
	}
	if (fsc == 0x10U || (fsc >= 0x14U && fsc <= 0x17U)) {
		return FSC_EXTERNAL;
	}
	return FSC_OTHER;
}

/* Short human-readable name of an exception class. */
static const char *esr_ec_name(unsigned ec)
{
	switch (ec) {
	case EC_UNKNOWN:
		return "unknown reason";
	case EC_WFX:
		return "WFI/WFE";
	case EC_FP_ASIMD:
		return "FP/SIMD access";
	case EC_ILL:
		return "illegal execution state";
	case EC_HVC32:
	case EC_HVC64:
		return "HVC";
	case EC_SMC32:
	case EC_SMC64:
		return "SMC";
	case EC_SYS64:
		return "system register access";
	case EC_IABT_LOW:
		return "instruction abort";
	case EC_PC_ALIGN:
		return "PC alignment";
	case EC_DABT_LOW:
		return "data abort";
	case EC_SP_ALIGN:
		return "SP alignment";
	case EC_SERROR:
		return "SError";
	case EC_BREAKPT_LOW:
	case EC_SOFTSTP_LOW:
	case EC_WATCHPT_LOW:
	case EC_BKPT32:
	case EC_BRK64:
		return "debug exception";
	case EC_CP15_32:
	case EC_CP15_64:
	case EC_CP14_MR:
	case EC_CP14_LS:
	case EC_CP14_64:
		return "AArch32 coprocessor access";
	default:
		return "unexpected exception class";
	}
}

static const char *const fsc_names[] = {
	[FSC_ADDR_SIZE] = "address size fault",
	[FSC_TRANSLATION] = "translation fault",
	[FSC_ACCESS_FLAG] = "access flag fault",
	[FSC_PERMISSION] = "permission fault",
	[FSC_ALIGNMENT] = "alignment fault",
	[FSC_EXTERNAL] = "external abort",
	[FSC_OTHER] = "fault",
};

void esr_describe(u64 esr, char *buf, size_t size)
{
	unsigned ec = (unsigned)ESR_EC(esr);
	enum esr_fsc_kind kind;
	int level;

	if (ec != EC_DABT_LOW && ec != EC_IABT_LOW) {
		(void)fmt_snprintf(buf, size, "%s (EC 0x%x)", esr_ec_name(ec),
				   ec);
		return;
	}
	kind = esr_fsc_kind(esr & 0x3fU, &level);
	if (level >= 0) {
		(void)fmt_snprintf(buf, size, "%s: stage-2 %s, level %d%s",
				   esr_ec_name(ec), fsc_names[kind], level,
				   ec == EC_DABT_LOW && (esr & BIT(6))
					   ? ", write"
				   : ec == EC_DABT_LOW ? ", read"
						       : "");
	} else {
		(void)fmt_snprintf(buf, size, "%s: %s (FSC 0x%x)",
				   esr_ec_name(ec), fsc_names[kind],
				   (unsigned)(esr & 0x3fU));
	}
}

struct esr_sysreg esr_decode_sysreg(u64 esr)
{
	struct esr_sysreg s;

	s.op0 = (esr >> 20) & 3U;
	s.op2 = (esr >> 17) & 7U;
	s.op1 = (esr >> 14) & 7U;
	s.crn = (esr >> 10) & 0xfU;
	s.reg = (esr >> 5) & 0x1fU;
	s.crm = (esr >> 1) & 0xfU;
	s.read = esr & 1U;
	return s;
}

unsigned esr_sysreg_id(const struct esr_sysreg *s)
{
	return SYSREG_ID(s->op0, s->op1, s->crn, s->crm, s->op2);
}

/*
 * SPSR_EL2 for an exception taken from AArch32 (Arm ARM): M[4] = 1
 * for AArch32, T (bit 5) for T32, IT[1:0] in [26:25], IT[7:2] in [15:10].
 * ITAdvance() (pseudocode): IT[2:0] == 0 ends the block, else IT[4:0]
 * shifts left by one.
 */
u64 spsr_skip_it(u64 spsr)
{
	u64 it;

	if (!(spsr & (1UL << 4)) || !(spsr & (1UL << 5))) {
		return spsr;
	}
	it = ((spsr >> 25) & 3U) | (((spsr >> 10) & 0x3fU) << 2);
	if (!it) {
		return spsr;
	}
	it = (it & 7U) == 0U ? 0U : (it & 0xe0U) | ((it << 1) & 0x1fU);
	spsr &= ~((3UL << 25) | (0x3fUL << 10));
	return spsr | (it & 3U) << 25 | (it >> 2) << 10;
}
