// SPDX-License-Identifier: MIT
/*
 * Guest-visible state the C code cannot name: FP/SIMD registers (the core
 * is built with -mgeneral-regs-only and never touches them otherwise) and
 * the breakpoint and watchpoint registers, whose number is in the
 * instruction encoding. Both are cleared at every partition (re)start, so
 * a restarted partition sees what a first boot sees (Arm ARM D13.3.2 for
 * DBGBCR/DBGWCR: E = 0 disables the point).
 *   void arch_fpsimd_reset(void);
 *   void arch_debug_reset(u32 breakpoints, u32 watchpoints);   (1..16 each,
 *   as ID_AA64DFR0_EL1 can say)
 */
	.arch_extension fp
	.arch_extension simd
	.section .text.el1_reset, "ax"

	.global arch_fpsimd_reset
arch_fpsimd_reset:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	movi	v\n\().2d, #0
	.endr
	msr	fpcr, xzr
	msr	fpsr, xzr
	ret

/*
 * Each run of sixteen MSR pairs (8 bytes each) goes from point 15 down to
 * point 0; jumping in (16 - n) pairs from its start runs exactly points
 * n-1 .. 0.
 */
	.global arch_debug_reset
arch_debug_reset:
	mov	w2, #16
	sub	w2, w2, w0
	adr	x3, 1f
	add	x3, x3, x2, lsl #3
	br	x3
1:	.irp	i, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0
	msr	dbgbcr\i\()_el1, xzr
	msr	dbgbvr\i\()_el1, xzr
	.endr
	mov	w2, #16
	sub	w2, w2, w1
	adr	x3, 2f
	add	x3, x3, x2, lsl #3
	br	x3
2:	.irp	i, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0
	msr	dbgwcr\i\()_el1, xzr
	msr	dbgwvr\i\()_el1, xzr
	.endr
	isb
	ret
