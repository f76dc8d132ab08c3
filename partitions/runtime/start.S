// SPDX-License-Identifier: MIT
/*
 * Bare-metal guest entry. Started at EL1 by Bulkhead (x0 = guest DTB), or
 * at EL2 when QEMU boots the image natively: then it configures EL2 to be
 * transparent (no stage 2, no traps, EL1 may use the GIC system registers
 * and both counters) and drops to EL1, so the rest of the code is the same
 * in both cases. Every CPU then takes its stack from its MPIDR.Aff0,
 * installs the EL1 vectors, turns on the MMU with a static identity map
 * (1 GiB blocks: device below 1 GiB, normal write-back above) and calls C.
 *
 * The very first instruction samples CNTPCT_EL0: scripts/bootcost reads it
 * to count the instructions from reset to the first guest instruction.
 */
#define RT_STACK_SIZE 16384
#define RT_MAX_CPUS 8
#define SCTLR_EL1_MMU 0x30d0180dUL /* RES1 | I | SA | C | M */
#define TCR_EL1_VALUE ((32UL << 0) | (1UL << 8) | (1UL << 10) | (3UL << 12) | (1UL << 23))
#define MAIR_EL1_VALUE 0x04ffUL /* attr 0: normal WB RWA, attr 1: device-nGnRE */

	.section .text.boot, "ax"
	.global _start
_start:
	mrs	x20, cntpct_el0			// boot stamp: first instruction
	mov	x21, x0				// DTB from the loader (0 natively)
	mov	x22, #0				// not a secondary
	b	common

	.global rt_secondary_entry
rt_secondary_entry:				// PSCI CPU_ON: x0 = context id
	mov	x21, x0
	mov	x22, #1

common:
	msr	daifset, #0xf
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	at_el1
	bl	el2_to_el1
at_el1:
	mrs	x1, mpidr_el1
	and	x1, x1, #0xff
	cmp	x1, #RT_MAX_CPUS
	b.hs	hang
	adrp	x2, rt_stacks
	add	x2, x2, :lo12:rt_stacks
	add	x1, x1, #1
	mov	x3, #RT_STACK_SIZE
	madd	x2, x1, x3, x2
	mov	sp, x2
	adr	x1, rt_vectors
	msr	vbar_el1, x1
	bl	mmu_on
	cbnz	x22, secondary

	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	mov	x0, x21
	mov	x1, x20
	bl	rt_start
	b	hang

secondary:
	mov	x0, x21
	bl	rt_secondary_start
hang:
	wfe
	b	hang

/* Identity map, caches on. Table and values are static: nothing to build. */
mmu_on:
	ldr	x1, =MAIR_EL1_VALUE
	msr	mair_el1, x1
	ldr	x1, =TCR_EL1_VALUE
	msr	tcr_el1, x1
	adrp	x1, rt_l1
	add	x1, x1, :lo12:rt_l1
	msr	ttbr0_el1, x1
	isb
	tlbi	vmalle1
	dsb	nsh
	ldr	x1, =SCTLR_EL1_MMU
	msr	sctlr_el1, x1
	isb
	ret

/* Native boot: make EL2 invisible and continue at EL1 (same registers). */
el2_to_el1:
	mov	x1, #(1 << 31)			// HCR_EL2.RW: EL1 is AArch64
	msr	hcr_el2, x1
	mov	x1, #3				// EL1PCTEN | EL1PCEN
	msr	cnthctl_el2, x1
	msr	cntvoff_el2, xzr
	mov	x1, #0x33ff			// CPTR_EL2: no FP/SIMD trap
	msr	cptr_el2, x1
	msr	hstr_el2, xzr
	mov	x1, #0xf			// ICC_SRE_EL2: SRE, DFB, DIB, Enable
	msr	S3_4_C12_C9_5, x1
	mrs	x1, midr_el1
	msr	vpidr_el2, x1
	mrs	x1, mpidr_el1
	msr	vmpidr_el2, x1
	ldr	x1, =0x30d00800
	msr	sctlr_el1, x1
	mov	x1, #0x3c5			// EL1h, DAIF masked
	msr	spsr_el2, x1
	msr	elr_el2, x30
	adrp	x1, rt_native
	mov	w2, #1
	str	w2, [x1, :lo12:rt_native]
	isb
	eret

	.section .rodata
	.balign	64
/* Level-1 table, 4 x 1 GiB (TCR T0SZ = 32); AF, inner shareable. */
rt_l1:
	.quad	0x00000000 | (1 << 10) | (1 << 2) | 1 | (1 << 54)	// device
	.quad	0x40000000 | (1 << 10) | (3 << 8) | 1			// normal
	.quad	0x80000000 | (1 << 10) | (3 << 8) | 1
	.quad	0xc0000000 | (1 << 10) | (3 << 8) | 1

	.section .bss.stacks, "aw", %nobits
	.balign	16
rt_stacks:
	.space	RT_STACK_SIZE * (RT_MAX_CPUS + 1)
