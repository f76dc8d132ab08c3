/* SPDX-License-Identifier: MIT */
/*
 * A ticket spinlock for the few places CPUs share state (the console, the
 * read-modify-write of shared GICD words, a partition's held SPIs). Waiters are
 * served in arrival order, so a CPU waits at most for the CPUs ahead of it,
 * each of which holds the lock for a bounded time: EL2 never takes interrupts,
 * and no holder waits on a guest. Built on compiler atomics: with
 * -mno-outline-atomics on ARMv8.0 these are LDAXR/STXR loops, which need
 * the lock in Normal cacheable memory (the MMU is on before a second CPU
 * starts).
 */
#pragma once

#include <bulkhead/types.h>

/** Spin-loop hint (arch.h). */
void arch_relax(void);

typedef struct {
	u32 next;  /* ticket the next arrival draws */
	u32 owner; /* ticket now being served */
} spinlock_t;

static inline void spin_lock(spinlock_t *l)
{
	u32 t = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != t) {
		arch_relax();
	}
}

/** Take @l only if nobody holds it or waits for it; true if taken. */
static inline bool spin_trylock(spinlock_t *l)
{
	u32 owner = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE);
	u32 next = owner;

	return __atomic_compare_exchange_n(&l->next, &next, owner + 1U, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, l->owner + 1U, __ATOMIC_RELEASE);
}
