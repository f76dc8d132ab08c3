// SPDX-License-Identifier: MIT
/*
 * Structure offsets for assembly. The build compiles this file to
 * assembly and turns each "->NAME value" marker into a #define in
 * generated/asm-offsets.h, so the exit path can never disagree with C.
 * The static assertions pin what vectors.S assumes about the frame.
 */
#include <bulkhead/vcpu.h>

#define DEFINE(sym, val) \
	__asm__ volatile("\n.ascii \"->" #sym " %0\"" : : "i"(val))

_Static_assert(offsetof(struct vcpu, regs) == 0U, "frame at start of vCPU");
_Static_assert(offsetof(struct regs, x) == 0U, "x0 at start of frame");
_Static_assert(offsetof(struct regs, spsr) == offsetof(struct regs, elr) + 8U,
	       "ldp/stp of elr, spsr");
_Static_assert(sizeof(struct regs) % 16U == 0U, "frame keeps SP aligned");
_Static_assert(offsetof(struct cpu, vcpu) % 16U == 0U, "SP alignment");
_Static_assert(sizeof(struct cpu) % 16U == 0U, "per-CPU array alignment");
_Static_assert(sizeof(struct vspi) == 8U, "vectors.S indexes vspis[] by << 3");
_Static_assert(offsetof(struct vcpu, vgic.prio) + 32U < 4096U &&
		       offsetof(struct vcpu, part_tag) < 4096U,
	       "ldrb immediate offsets from the frame");

void asm_offsets(void);
void asm_offsets(void)
{
	DEFINE(CPU_SIZE, sizeof(struct cpu));
	DEFINE(CPU_REGS,
	       offsetof(struct cpu, vcpu) + offsetof(struct vcpu, regs));
	DEFINE(REGS_ELR, offsetof(struct regs, elr));
	DEFINE(REGS_SPSR, offsetof(struct regs, spsr));
	DEFINE(VCPU_PRIO_VTIMER,
	       offsetof(struct vcpu, vgic.prio) + VGIC_PPI_VTIMER);
	DEFINE(VCPU_PART_TAG, offsetof(struct vcpu, part_tag));
	DEFINE(VSPI_PART, offsetof(struct vspi, part));
	DEFINE(VSPI_PRIO, offsetof(struct vspi, prio));
}
