/* SPDX-License-Identifier: MIT */
/*
 * Memory barriers for virtqueues shared with a frontend running on other
 * cores. On aarch64 they are DMB instructions over the inner-shareable
 * domain (all cores of the SoC, where every partition's RAM is coherent):
 * loads before loads and stores, stores before stores, everything before
 * everything. Elsewhere (host tests) they are functions, chosen by link:
 * virtq_barrier_host.c has the compiler's fences of the same strength; a
 * test may link its own to act as the frontend at exactly these points.
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
void virtq_rmb(void);
void virtq_wmb(void);
void virtq_mb(void);
#endif
