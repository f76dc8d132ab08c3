// SPDX-License-Identifier: MIT
/*
 * gicprobe: entry, EL2 and EL1 vectors, and the EL2 -> EL1 -> EL2 call.
 *
 * Booted natively by QEMU (no hypervisor), the probe stays at EL2 and
 * plays hypervisor itself: probe.c sets HCR_EL2 and ICH_HCR_EL2, then
 * el1_call() runs one small function at EL1 (MMU off, DAIF as asked) and
 * comes back when it returns (its return address is an HVC #0). Every
 * other exception from EL1 to EL2 goes to C with the saved registers:
 * el2_sync() for traps (ESR_EL2.EC 0x18: trapped MSR/MRS), el2_fiq() for
 * the physical FIQs routed to EL2 (HCR_EL2.FMO). EL1's own IRQs go to
 * el1_irq(). Vector layout: Arm ARM D1.10.2.
 */
#define FRAME 256 /* x0-x30, 8 bytes each, rounded to 16 */

	.section .text.boot, "ax"
	.global _start
_start:
	msr	daifset, #0xf
	adrp	x0, el2_stack_top
	add	x0, x0, :lo12:el2_stack_top
	mov	sp, x0
	adr	x0, el2_vectors
	msr	vbar_el2, x0
	adr	x0, el1_vectors
	msr	vbar_el1, x0
	isb
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	bl	probe_main
3:	wfi
	b	3b

/* u64 el1_call(u64 (*fn)(u64), u64 arg, u64 spsr): fn(arg) at EL1. */
	.global el1_call
el1_call:
	stp	x19, x20, [sp, #-96]!
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	msr	elr_el2, x0
	msr	spsr_el2, x2
	adrp	x3, el1_stack_top
	add	x3, x3, :lo12:el1_stack_top
	msr	sp_el1, x3
	mov	x0, x1
	adr	x30, el1_return
	isb
	eret
el1_return:
	hvc	#0

.macro save
	sub	sp, sp, #FRAME
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
.endm

.macro restore
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	add	sp, sp, #FRAME
.endm

.macro handler fn
	save
	mov	x0, sp
	bl	\fn
	restore
	eret
.endm

	.balign	2048
el2_vectors:
	.rept	8			// from EL2 itself: a bug in the probe
	.balign	128
	b	el2_bad
	.endr
	.balign	128			// lower EL, AArch64: synchronous
	b	lower_sync
	.balign	128			// IRQ (HCR_EL2.IMO = 1 only)
	b	lower_irq
	.balign	128			// FIQ
	b	lower_fiq
	.balign	128			// SError
	b	el2_bad
	.rept	4
	.balign	128
	b	el2_bad
	.endr

lower_sync:
	save
	mrs	x0, esr_el2
	lsr	x0, x0, #26
	cmp	x0, #0x16		// HVC64: the EL1 function returned
	b.eq	1f
	mov	x0, sp
	bl	el2_sync
	restore
	eret
1:	ldr	x0, [sp, #0]		// its return value
	add	sp, sp, #FRAME
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	ldp	x19, x20, [sp], #96
	ret

lower_irq:
	handler	el2_irq
lower_fiq:
	handler	el2_fiq
el2_bad:
	mrs	x0, esr_el2
	mrs	x1, elr_el2
	b	probe_bug

	.balign	2048
el1_vectors:
	.rept	4			// current EL with SP_EL0
	.balign	128
	b	el1_bad
	.endr
	.balign	128			// current EL with SP_EL1: synchronous
	b	el1_bad
	.balign	128			// IRQ
	b	el1_irq_entry
	.balign	128			// FIQ: never meant for EL1
	b	el1_bad
	.balign	128
	b	el1_bad
	.rept	8
	.balign	128
	b	el1_bad
	.endr

el1_irq_entry:
	handler	el1_irq
el1_bad:
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	b	probe_bug

/*
 * One EL1 accessor per register: u64 fn(u64 value). Reads return the
 * register; writes write @value and return 0. An untrapped access is
 * just the instruction; a trapped one comes back through el2_sync().
 */
.macro rd name, reg
	.global \name
\name:
	mrs	x0, \reg
	ret
.endm
.macro wr name, reg
	.global \name
\name:
	msr	\reg, x0
	mov	x0, #0
	ret
.endm
	rd	r_pmr, S3_0_C4_C6_0
	wr	w_pmr, S3_0_C4_C6_0
	rd	r_ctlr, S3_0_C12_C12_4
	wr	w_ctlr, S3_0_C12_C12_4
	rd	r_rpr, S3_0_C12_C11_3
	wr	w_dir, S3_0_C12_C11_1
	wr	w_sgi1r, S3_0_C12_C11_5
	wr	w_asgi1r, S3_0_C12_C11_6
	wr	w_sgi0r, S3_0_C12_C11_7
	rd	r_iar1, S3_0_C12_C12_0
	wr	w_eoir1, S3_0_C12_C12_1
	rd	r_hppir1, S3_0_C12_C12_2
	rd	r_bpr1, S3_0_C12_C12_3
	wr	w_bpr1, S3_0_C12_C12_3
	rd	r_ap1r0, S3_0_C12_C9_0
	wr	w_ap1r0, S3_0_C12_C9_0
	rd	r_igrpen1, S3_0_C12_C12_7
	wr	w_igrpen1, S3_0_C12_C12_7
	rd	r_iar0, S3_0_C12_C8_0
	wr	w_eoir0, S3_0_C12_C8_1
	rd	r_hppir0, S3_0_C12_C8_2
	rd	r_bpr0, S3_0_C12_C8_3
	wr	w_bpr0, S3_0_C12_C8_3
	rd	r_ap0r0, S3_0_C12_C8_4
	wr	w_ap0r0, S3_0_C12_C8_4
	rd	r_igrpen0, S3_0_C12_C12_6
	wr	w_igrpen0, S3_0_C12_C12_6
	rd	r_sre, S3_0_C12_C12_5

	.section .bss.stacks, "aw", %nobits
	.balign	16
	.space	16384
el2_stack_top:
	.space	16384
el1_stack_top:
