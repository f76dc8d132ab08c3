/* SPDX-License-Identifier: MIT */
/*
 * Memory barriers for virtqueues shared with a frontend running on other
 * cores. On aarch64 they are DMB instructions over the inner-shareable
 * domain (all cores of the SoC, where every partition's RAM is coherent):
 * loads before loads and stores, stores before stores, everything before
 * everything. Elsewhere (host unit tests and fuzzers) they are the
 * compiler's fences of the same strength. The one #if of the library.
 */
#pragma once

#if defined(__aarch64__)
/** Earlier loads before later loads and stores (acquire). */
static inline void virtq_rmb(void)
{
	__asm__ volatile("dmb ishld" ::: "memory");
}

/** Earlier stores before later stores (release of data to an index). */
static inline void virtq_wmb(void)
{
	__asm__ volatile("dmb ishst" ::: "memory");
}

/** Full barrier: earlier stores before later loads too. */
static inline void virtq_mb(void)
{
	__asm__ volatile("dmb ish" ::: "memory");
}
#else
static inline void virtq_rmb(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

static inline void virtq_wmb(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static inline void virtq_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
#endif
