/* SPDX-License-Identifier: MIT */
/*
 * A test-and-set spinlock for the few places CPUs share state (the console).
 * EL2 never takes interrupts, so a holder always finishes quickly. Built on
 * compiler atomics: with -mno-outline-atomics on ARMv8.0 these are
 * LDAXR/STXR loops, which need the lock in Normal cacheable memory (the
 * MMU is on before a second CPU starts).
 */
#pragma once

#include <bulkhead/types.h>

/** Spin-loop hint (arch.h). */
void arch_relax(void);

typedef struct {
	u32 locked;
} spinlock_t;

static inline void spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			arch_relax();
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}
