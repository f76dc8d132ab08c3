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
 *
 * FIQ exits come only from CPUs whose partition takes its interrupts
 * directly (HCR_EL2.IMO = 0, FMO = 1): their one physical interrupt that
 * reaches EL2 is the core's group 0 doorbell (trap_fiq()).
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

/* Place the code that follows at vector @slot (Arm ARM D1.10.2: 16
 * entries of 128 bytes). The assembler refuses code that overruns a slot. */
.macro slot n
	.org	el2_vectors + \n * 128
.endm

#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICH_ELRSR_EL2 S3_4_C12_C11_5
#define LR_PENDING_HW_G1 0x7000000000000000

/*
 * The handlers live in their vector slots, so that no slot is 124 bytes
 * of padding and no exit pays a branch to reach its handler. Entries from
 * EL2 itself are a bug in the core; the AArch32 lower-EL entries branch to
 * the AArch64 ones.
 */
	.section .text.vectors, "ax"
	.balign	2048
	.global el2_vectors
el2_vectors:
	slot	0			// current EL, SP_EL0: synchronous
el2_fault:				// an exception taken at EL2: a core bug
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

	slot	1
	b	el2_fault
	slot	2
	b	el2_fault
	slot	3
	b	el2_fault
	slot	4			// current EL, SP_EL2
	b	el2_fault
	slot	5
	b	el2_fault
	slot	6
	b	el2_fault
	slot	7
	b	el2_fault

	slot	8			// lower EL, AArch64: synchronous
lower_sync:
	save_volatile
	save_nonvolatile
	mov	x0, sp
	bl	trap_sync
	b	vcpu_return

	slot	9			// lower EL, AArch64: IRQ
/*
 * The latency path. ICC_IAR1_EL1 bits [63:24] are RES0 (IHI 0069
 * 12.2.11), so x0 is the INTID itself. An owned interrupt with a free
 * list register is injected hardware-linked: pINTID = vINTID, priority,
 * group 1, pending (x1), written by a computed branch into lr_write.
 */
lower_irq:
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	mrs	x0, ICC_IAR1_EL1
	cmp	w0, #27				// the virtual timer: always owned
	b.ne	2f
	ldrb	w3, [sp, #VCPU_PRIO_VTIMER]
3:	mrs	x2, ICH_ELRSR_EL2
	cbz	x2, irq_c			// no free list register
	msr	ICC_EOIR1_EL1, x0
	rbit	x2, x2
	clz	x2, x2
	orr	x1, x0, x0, lsl #32		// vINTID, pINTID
	orr	x1, x1, x3, lsl #48		// priority
	orr	x1, x1, #LR_PENDING_HW_G1
	adr	x3, lr_write
	add	x3, x3, x2, lsl #4
	br	x3
2:	sub	w2, w0, #32			// an SPI this partition owns?
	adrp	x3, nr_vspis
	ldr	w3, [x3, :lo12:nr_vspis]
	cmp	w2, w3
	b.hs	irq_c
	adrp	x3, vspis
	add	x3, x3, :lo12:vspis
	add	x3, x3, x2, lsl #3		// sizeof(struct vspi) == 8
	ldrb	w2, [x3, #VSPI_PART]
	ldrb	w1, [sp, #VCPU_PART_TAG]
	ldrb	w3, [x3, #VSPI_PRIO]
	cmp	w2, w1
	b.eq	3b
	b	irq_c

	slot	10			// lower EL, AArch64: FIQ
lower_fiq:				// a direct CPU's doorbell (group 0)
	save_volatile
	save_nonvolatile
	mov	x0, sp
	bl	trap_fiq
	b	vcpu_return

	slot	11			// lower EL, AArch64: SError
lower_serror:
	save_volatile
	save_nonvolatile
	mov	x0, sp
	bl	trap_serror
	b	vcpu_return

	slot	12			// lower EL, AArch32
	b	lower_sync
	slot	13
	b	lower_irq
	slot	14
	b	lower_fiq
	slot	15
	b	lower_serror
	slot	16

/* ICH_LR<n>_EL2 = x1, restore and return: 16 bytes per n (lr.S has why). */
lr_write:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	msr	S3_4_C12_C12_\n, x1		// ICH_LR<n>_EL2
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x0, x1, [sp, #16 * 0]
	eret
	.endr
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	msr	S3_4_C12_C13_\n, x1		// ICH_LR<8+n>_EL2
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x0, x1, [sp, #16 * 0]
	eret
	.endr

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
