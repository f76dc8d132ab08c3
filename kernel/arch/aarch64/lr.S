// SPDX-License-Identifier: MIT
/*
 * ICH_LR<n>_EL2 by index (IHI 0069 12.4.6). System register numbers are
 * part of the instruction, so an index selects one of sixteen MRS/MSR
 * entries by a computed branch (8 bytes per entry), as the IRQ fast path
 * in vectors.S does. Indexes above 15 read as 0 and ignore writes.
 *   u64 arch_lr_read(u32 n);
 *   void arch_lr_write(u32 n, u64 lr);
 */
	.section .text.arch_lr, "ax"

	.global arch_lr_read
arch_lr_read:
	mov	w2, w0
	mov	x0, #0
	cmp	w2, #15
	b.hi	1f
	adr	x1, 2f
	add	x1, x1, x2, lsl #3
	br	x1
2:	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	mrs	x0, S3_4_C12_C12_\n		// ICH_LR<n>_EL2
	ret
	.endr
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	mrs	x0, S3_4_C12_C13_\n		// ICH_LR<8+n>_EL2
	ret
	.endr
1:	ret

	.global arch_lr_write
arch_lr_write:
	cmp	w0, #15
	b.hi	1f
	mov	w0, w0
	adr	x2, 2f
	add	x2, x2, x0, lsl #3
	br	x2
2:	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	msr	S3_4_C12_C12_\n, x1
	ret
	.endr
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7
	msr	S3_4_C12_C13_\n, x1
	ret
	.endr
1:	ret
