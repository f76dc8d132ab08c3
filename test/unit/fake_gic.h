/* SPDX-License-Identifier: MIT */
/*
 * The fake GICv3 behind the virtual GIC's arch hooks in host tests.
 */
#pragma once

#include <bulkhead/gic_regs.h>
#include <bulkhead/vgic.h>

#define FAKE_ROUTED (1UL << 63)
#define LR_ACTIVE (2UL << 62) /* ICH_LR<n>_EL2.State: active */

struct fake_gic {
	u32 nlr;
	u64 lr[16];
	bool underflow;
	u32 gicd[0x10000 / 4];
	u32 gicd_writes;
	u32 gicr[4][0x1000 / 4]; /* SGI_base frames of 4 CPU slots */
	u64 route[1024];	 /* last IROUTER value | FAKE_ROUTED */
	u32 vtimer_stops;
	u32 sgis[4];	  /* physical SGIs sent to each CPU slot (bitmap) */
	int direct;	  /* last arch_gic_direct(): 1 on, 0 off, -1 never */
	u32 direct_calls; /* how many times it was called */
	/* What "another CPU" does while this one spins in arch_relax(). */
	void (*relax)(void);
};

extern struct fake_gic fake_gic;

void fake_gic_reset(void);
