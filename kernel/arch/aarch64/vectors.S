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
 * register, and ELR/SPSR).
 *
 * IRQ exits are the latency path. The common case, an interrupt the
 * partition owns (its virtual timer PPI 27 or one of its SPIs) with a list
 * register free, is handled right here with four registers: acknowledge
 * (ICC_IAR1_EL1), drop priority (ICC_EOIR1_EL1; EOImode 1 leaves it
 * active), write ICH_LR<n>_EL2 = pending | HW | group 1 | priority |
 * pINTID | vINTID (IHI 0069 12.4.6) and return: the guest's EOI then
 * deactivates the physical interrupt, no further exit. Anything else goes
 * to trap_irq() in C with the acknowledged IAR, saving what the AAPCS64
 * lets C clobber; trap_irq() returns nonzero when it needs the full frame
 * (to park the vCPU), and trap_irq_slow() follows.
 */
#include <generated/asm-offsets.h>

.macro save_volatile
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	save_volatile_x4
.endm

/* x4-x18, x29, x30: the rest of what a C call may clobber. */
.macro save_volatile_x4
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

#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICH_ELRSR_EL2 S3_4_C12_C11_5
#define LR_PENDING_HW_G1 0x7000000000000000

lower_irq:
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	mrs	x0, ICC_IAR1_EL1
	and	w1, w0, #0xffffff		// INTID
	cmp	w1, #27				// the virtual timer: always owned
	b.ne	2f
	ldrb	w3, [sp, #VCPU_PRIO_VTIMER]
	b	3f
2:	sub	w2, w1, #32			// an SPI this partition owns?
	adrp	x3, nr_vspis
	ldr	w3, [x3, :lo12:nr_vspis]
	cmp	w2, w3
	b.hs	irq_c
	adrp	x3, vspis
	add	x3, x3, :lo12:vspis
	add	x3, x3, x2, lsl #3		// sizeof(struct vspi) == 8
	ldrb	w2, [x3, #VSPI_PART]
	ldrb	w3, [x3, #VSPI_PRIO]
	ldrb	w1, [sp, #VCPU_PART_TAG]
	cmp	w2, w1
	and	w1, w0, #0xffffff
	b.ne	irq_c
3:	mrs	x2, ICH_ELRSR_EL2
	cbz	x2, irq_c			// no free list register
	msr	ICC_EOIR1_EL1, x0
	rbit	x2, x2
	clz	x2, x2
	orr	x0, x1, x1, lsl #32		// vINTID, pINTID
	orr	x0, x0, x3, lsl #48		// priority
	orr	x0, x0, #LR_PENDING_HW_G1
	adr	x3, lr_write
	add	x3, x3, x2, lsl #3
	br	x3
lr_write:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	msr	S3_4_C12_C12_\n, x0		// ICH_LR<n>_EL2
	b	lr_done
	.endr
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	msr	S3_4_C12_C13_\n, x0		// ICH_LR<8+n>_EL2
	b	lr_done
	.endr
lr_done:
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x0, x1, [sp, #16 * 0]
	eret

irq_c:						// x0 = IAR, x0-x3 saved
	save_volatile_x4
	mov	x1, x0
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
