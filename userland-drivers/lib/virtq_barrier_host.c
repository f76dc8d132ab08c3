// SPDX-License-Identifier: MIT
/*
 * The virtqueue barriers for host builds (fuzzers, tools): the compiler's
 * fences, acquire, release and sequentially consistent. The target inlines
 * DMBs instead (virtq_barrier.h).
 */
#include "virtq_barrier.h"

void virtq_rmb(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

void virtq_wmb(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

void virtq_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
