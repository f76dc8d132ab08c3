// SPDX-License-Identifier: MIT
/*
 * FP/SIMD helpers for the hygiene guest (the guests are built with
 * -mgeneral-regs-only, so C cannot touch these registers).
 *   void hyg_fp_fill(u64 pattern);  V<n> = pattern + n (both halves),
 *                                   FPCR.RMode = 3, FPSR.QC = 1
 *   u64 hyg_fp_dirty(void);         bit n: V<n> is not zero; bit 32: FPCR,
 *                                   bit 33: FPSR
 */
	.arch_extension fp
	.arch_extension simd
	.text

	.global hyg_fp_fill
hyg_fp_fill:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	dup	v\n\().2d, x0
	add	x0, x0, #1
	.endr
	mov	x1, #(3 << 22)
	msr	fpcr, x1
	mov	x1, #(1 << 27)
	msr	fpsr, x1
	ret

	.global hyg_fp_dirty
hyg_fp_dirty:
	mov	x0, #0
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	mov	x1, v\n\().d[0]
	mov	x2, v\n\().d[1]
	orr	x1, x1, x2
	cmp	x1, #0
	cset	x1, ne
	orr	x0, x0, x1, lsl #\n
	.endr
	mrs	x1, fpcr
	cmp	x1, #0
	cset	x1, ne
	orr	x0, x0, x1, lsl #32
	mrs	x1, fpsr
	cmp	x1, #0
	cset	x1, ne
	orr	x0, x0, x1, lsl #33
	ret
