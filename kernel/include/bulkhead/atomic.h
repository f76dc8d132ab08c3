/* SPDX-License-Identifier: MIT */
/*
 * Thin names for the compiler's atomics, used for the little state CPUs
 * share: partition and vCPU states, mailboxes, CPU_ON hand-offs.
 */
#pragma once

#include <bulkhead/types.h>

#define atomic_load(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define atomic_store(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define atomic_xchg(p, v) __atomic_exchange_n((p), (v), __ATOMIC_ACQ_REL)
#define atomic_or(p, v) __atomic_fetch_or((p), (v), __ATOMIC_ACQ_REL)

/** Compare-and-swap: set *@p to @to if it holds @from; true on success. */
static inline bool atomic_cas(u32 *p, u32 from, u32 to)
{
	return __atomic_compare_exchange_n(p, &from, to, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
