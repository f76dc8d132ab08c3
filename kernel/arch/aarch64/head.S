// SPDX-License-Identifier: MIT
/*
 * Entry points. QEMU starts CPU 0 here at EL2 with the MMU and caches off
 * (an ELF -kernel: x0 = 0, no DTB is used; the platform is compiled in).
 * Secondary CPUs come here through PSCI CPU_ON with x0 = their per-CPU
 * slot. Each CPU points SP_EL2 at the top of its own stack, which is also
 * where its vCPU register frame begins (see struct cpu), and TPIDR_EL2 at
 * its per-CPU area, then continues in C.
 */
#include <generated/asm-offsets.h>

	.section .text.boot, "ax"
	.global _start
_start:
	mov	x19, #0				// boot CPU: slot 0
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	wrong_el
	b	cpu_entry

	.global secondary_entry
secondary_entry:
	mov	x19, x0				// PSCI context id: our slot

cpu_entry:
	msr	daifset, #0xf
	adrp	x1, percpu
	add	x1, x1, :lo12:percpu
	ldr	x2, =CPU_SIZE
	madd	x1, x19, x2, x1			// x1 = &percpu[slot]
	msr	tpidr_el2, x1
	ldr	x2, =CPU_REGS
	add	x2, x1, x2
	mov	sp, x2				// stack ends where the frame begins
	adr	x3, el2_vectors
	msr	vbar_el2, x3
	isb
	mov	x0, x19
	cbnz	x19, 2f

	/* Boot CPU: clear .bss. Caches are off, so no DC ZVA (Device memory). */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	3f
	stp	xzr, xzr, [x1], #16
	b	1b
3:	bl	boot_main
	b	wrong_el

2:	bl	secondary_main

wrong_el:
	wfe
	b	wrong_el
