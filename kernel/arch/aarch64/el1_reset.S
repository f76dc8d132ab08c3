// SPDX-License-Identifier: MIT
/*
 * Guest-visible state the C code cannot name: FP/SIMD registers (the core
 * is built with -mgeneral-regs-only and never touches them otherwise) and
 * the breakpoint and watchpoint registers, whose number is in the
 * instruction encoding. Both are cleared at every partition (re)start, so
 * a restarted partition sees what a first boot sees (Arm ARM D13.3.2 for
 * DBGBCR/DBGWCR: E = 0 disables the point).
 *   void arch_fpsimd_reset(void);
 *   void arch_debug_reset(u32 breakpoints, u32 watchpoints);   (<= 16 each)
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

	.global arch_debug_reset
arch_debug_reset:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	cmp	w0, #\n
	b.ls	1f
	msr	dbgbcr\n\()_el1, xzr
	msr	dbgbvr\n\()_el1, xzr
	.endr
1:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	cmp	w1, #\n
	b.ls	2f
	msr	dbgwcr\n\()_el1, xzr
	msr	dbgwvr\n\()_el1, xzr
	.endr
2:	isb
	ret
