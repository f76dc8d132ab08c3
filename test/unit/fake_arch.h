/* SPDX-License-Identifier: MIT */
/*
 * The fake architecture behind kernel/include/bulkhead/arch.h for host
 * tests of the generic core (main.c, console.c, stage2.c, calls.c with
 * partition.c and the rest). The points where the core would leave C for
 * good (entering a guest, waiting in the park loop, powering off, halting
 * after a panic) longjmp back to the test, which checks what happened.
 */
#pragma once

#include <setjmp.h>

#include <bulkhead/arch.h>

/** How the core left C: the value fake_arch_run() returns. */
enum fake_left {
	LEFT_RETURNED = 0, /* the step returned normally */
	LEFT_ENTERED,	   /* arch_vcpu_enter */
	LEFT_WAITING,	   /* arch_wait: parked with an empty mailbox */
	LEFT_OFF,	   /* arch_system_off */
	LEFT_HALTED,	   /* arch_halt (after a panic) */
};

struct fake_arch {
	jmp_buf leave;
	struct cpu *current; /* the CPU this_cpu() reports */
	u64 mpidr;	     /* what arch_cpu_mpidr() reads */
	s64 start_result;    /* what arch_cpu_start() returns */
	u32 started; /* bitmap of slots arch_cpu_start() was asked for */
	u32 cpu_inits, mmu_on, gic_inits, doorbells[8], fences[2];
	u64 entered_at, entered_arg; /* of the last arch_vcpu_enter */
	u64 zeroed;	   /* bytes arch_mem_zero was asked to clear */
	u64 cleaned_inval; /* bytes arch_dcache_clean_inval covered */
	char uart[16384];  /* everything uart_write() printed */
	size_t uart_len;
	/* Called by uart_write() before it records (NULL: nothing). */
	void (*on_uart)(void);
};

extern struct fake_arch fake_arch;

/** Forget everything the fake recorded; this_cpu() is @current. */
void fake_arch_reset(struct cpu *current);

/**
 * Run @step(@arg) as CPU @c until the core returns or leaves C; what it
 * did is in fake_arch (enum fake_left is returned).
 */
int fake_arch_run(struct cpu *c, void (*step)(void *arg), void *arg);
