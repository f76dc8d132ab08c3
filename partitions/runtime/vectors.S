// SPDX-License-Identifier: MIT
/*
 * EL1 exception vectors of the bare-metal runtime. IRQs from EL1 read
 * CNTVCT_EL0 right after making room for one register pair (the second
 * instruction of the handler) and pass it to rt_irq(), so a timer handler
 * can measure its latency from the true entry. Anything synchronous is a
 * bug in the guest: it is reported and the guest powers off.
 */
	.section .text.vectors, "ax"
	.balign	2048
	.global rt_vectors
rt_vectors:
	.rept	4			// current EL with SP_EL0
	.balign	128
	b	bad
	.endr
	.balign	128			// current EL with SP_ELx
	b	sync
	.balign	128
	b	irq
	.balign	128
	b	bad
	.balign	128
	b	bad
	.rept	8			// lower EL, AArch64 and AArch32
	.balign	128
	b	bad
	.endr

irq:
	stp	x0, x1, [sp, #-176]!
	mrs	x0, cntvct_el0
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	str	x30, [sp, #160]
	bl	rt_irq
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x29, [sp, #144]
	ldr	x30, [sp, #160]
	ldp	x0, x1, [sp], #176
	eret

sync:
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mrs	x2, far_el1
	b	rt_exception

bad:
	mov	x0, #0
	mrs	x1, elr_el1
	mov	x2, #0
	b	rt_exception
