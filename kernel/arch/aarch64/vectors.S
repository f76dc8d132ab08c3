// SPDX-License-Identifier: MIT
/*
 * EL2 exception vectors and the guest entry/exit path.
 *
 * While a guest runs, SP_EL2 points at its vCPU's struct regs (the per-CPU
 * stack lies just below it), so an exit saves guest registers straight into
 * the vCPU without a scratch register. Vector layout: Arm ARM D1.10.2,
 * 16 entries of 128 bytes; lower-EL AArch32 entries share the AArch64
 * handlers (a guest's 32-bit EL0 task can fault on stage 2 too).
 *
 * Synchronous exits save everything (a handler may read or write any
 * register, and ELR/SPSR). IRQ exits save only what the AAPCS64 lets a C
 * function clobber (x0-x18, x29, x30); trap_irq() returns nonzero when it
 * needs the full frame, e.g. to park the vCPU, and the slow path follows.
 */
#include <generated/asm-offsets.h>

.macro save_volatile
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	str	x18, [sp, #8 * 18]
	stp	x29, x30, [sp, #8 * 29]
.endm

.macro save_nonvolatile
	stp	x19, x20, [sp, #8 * 19]
	stp	x21, x22, [sp, #8 * 21]
	stp	x23, x24, [sp, #8 * 23]
	stp	x25, x26, [sp, #8 * 25]
	stp	x27, x28, [sp, #8 * 27]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x0, x1, [sp, #REGS_ELR]
.endm

.macro restore_volatile
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldr	x18, [sp, #8 * 18]
	ldp	x29, x30, [sp, #8 * 29]
.endm

.macro vector target
	.balign	128
	b	\target
.endm

	.section .text.vectors, "ax"
	.balign	2048
	.global el2_vectors
el2_vectors:
	vector	el2_fault		// current EL, SP_EL0
	vector	el2_fault
	vector	el2_fault
	vector	el2_fault
	vector	el2_fault		// current EL, SP_EL2
	vector	el2_fault
	vector	el2_fault
	vector	el2_fault
	vector	lower_sync		// lower EL, AArch64
	vector	lower_irq
	vector	lower_fiq
	vector	lower_serror
	vector	lower_sync		// lower EL, AArch32
	vector	lower_irq
	vector	lower_fiq
	vector	lower_serror

lower_sync:
	save_volatile
	save_nonvolatile
	mov	x0, sp
	bl	trap_sync
	b	vcpu_return

lower_irq:
	save_volatile
	mov	x0, sp
	bl	trap_irq
	cbnz	x0, 1f
	restore_volatile
	eret
1:	save_nonvolatile
	mov	x0, sp
	bl	trap_irq_slow
	b	vcpu_return

lower_fiq:
	save_volatile
	save_nonvolatile
	mov	x0, sp
	mov	x1, #1
	bl	trap_async
	b	vcpu_return

lower_serror:
	save_volatile
	save_nonvolatile
	mov	x0, sp
	mov	x1, #2
	bl	trap_async
	b	vcpu_return

/* An exception taken from EL2 itself is a bug in the core. */
el2_fault:
	mrs	x0, esr_el2
	mrs	x1, elr_el2
	mrs	x2, far_el2
	bl	hyp_exception

	/* void arch_vcpu_enter(struct vcpu *v): regs are at offset 0 of v. */
	.global arch_vcpu_enter
arch_vcpu_enter:
	mov	sp, x0
vcpu_return:
	ldp	x0, x1, [sp, #REGS_ELR]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	restore_volatile
	ldp	x19, x20, [sp, #8 * 19]
	ldp	x21, x22, [sp, #8 * 21]
	ldp	x23, x24, [sp, #8 * 23]
	ldp	x25, x26, [sp, #8 * 25]
	ldp	x27, x28, [sp, #8 * 27]
	eret
