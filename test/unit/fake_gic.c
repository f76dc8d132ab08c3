// SPDX-License-Identifier: MIT
/*
 * A fake GICv3 for host tests of the virtual GIC (kernel/core/vgic.c):
 * four list registers whose empty status follows their state (as
 * ICH_ELRSR_EL2 does), a distributor register file with the set/clear
 * register pairs behaving like the real ones, per-CPU redistributor SGI
 * frames, and a log of routing writes and vCPU requests. Register
 * accesses are atomic, as a real GIC's are, so that threaded tests
 * (test_vgic_race.c) see races in the code under test only.
 */
#include <string.h>

#include "fake_gic.h"

struct fake_gic fake_gic;

void fake_gic_reset(void)
{
	memset(&fake_gic, 0, sizeof(fake_gic));
	fake_gic.nlr = 4;
	fake_gic.direct = -1;
	/* 288 INTIDs (ITLinesNumber 8), 16 ID bits, plus LPIs/MBIs to be
	 * hidden. */
	fake_gic.gicd[GICD_TYPER / 4] = 0x00780008 | 1U << 17 | 1U << 16;
}

u32 arch_lr_count(void)
{
	return fake_gic.nlr;
}

u64 arch_lr_read(u32 n)
{
	return n < fake_gic.nlr ? fake_gic.lr[n] : 0;
}

void arch_lr_write(u32 n, u64 lr)
{
	if (n < fake_gic.nlr)
		fake_gic.lr[n] = lr;
}

u32 arch_lr_empty(void)
{
	u32 e = 0;

	for (u32 n = 0; n < fake_gic.nlr; n++)
		if (!(fake_gic.lr[n] & LR_STATE_MASK))
			e |= 1U << n;
	return e;
}

void arch_vgic_underflow(bool on)
{
	fake_gic.underflow = on;
}

void arch_vgic_reset(void)
{
	memset(fake_gic.lr, 0, sizeof(fake_gic.lr));
	fake_gic.underflow = false;
}

/* Set/clear pairs: ISENABLER/ICENABLER, ISPENDR/ICPENDR, ISACTIVER/ICACTIVER.
 */
static u32 *pair(u32 *file, u32 off, bool *set)
{
	u32 base = off & ~0x7fU;

	if (off < GICD_ISENABLER || off >= GICD_IPRIORITYR)
		return NULL;
	*set = !(base & 0x80);
	return &file[((base & ~0x80U) + (off & 0x7f)) / 4];
}

static u32 file_read(u32 *file, u32 off)
{
	bool set;
	u32 *p = pair(file, off, &set);

	return __atomic_load_n(p ? p : &file[off / 4], __ATOMIC_SEQ_CST);
}

static void file_write(u32 *file, u32 off, u32 val)
{
	bool set;
	u32 *p = pair(file, off, &set);

	if (!p)
		__atomic_store_n(&file[off / 4], val, __ATOMIC_SEQ_CST);
	else if (set)
		__atomic_fetch_or(p, val, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(p, ~val, __ATOMIC_SEQ_CST);
}

u32 arch_gicd_read(u32 off)
{
	return file_read(fake_gic.gicd, off);
}

void arch_gicd_write(u32 off, u32 val)
{
	__atomic_fetch_add(&fake_gic.gicd_writes, 1, __ATOMIC_SEQ_CST);
	file_write(fake_gic.gicd, off, val);
}

void arch_gicd_route(u32 intid, u64 mpidr)
{
	fake_gic.route[intid] = mpidr | FAKE_ROUTED;
}

u32 arch_gicr_read(u32 slot, u32 off)
{
	return file_read(fake_gic.gicr[slot], off);
}

void arch_gicr_write(u32 slot, u32 off, u32 val)
{
	file_write(fake_gic.gicr[slot], off, val);
}

/* Direct mode: the physical priority byte, at least 0x08 as gic.c makes
 * it; physical SGIs sent; the CPU interface handed over and back. */
void arch_gicd_prio(u32 intid, u8 prio)
{
	__atomic_fetch_add(&fake_gic.gicd_writes, 1, __ATOMIC_SEQ_CST);
	((u8 *)fake_gic.gicd)[GICD_IPRIORITYR + intid] = prio < 8 ? 8 : prio;
}

void arch_gicr_prio(u32 slot, u32 intid, u8 prio)
{
	((u8 *)fake_gic.gicr[slot])[GICD_IPRIORITYR + intid] = prio < 8 ? 8
									: prio;
}

void arch_sgi(u32 slot, u32 intid)
{
	__atomic_fetch_or(&fake_gic.sgis[slot], 1U << intid, __ATOMIC_SEQ_CST);
}

void arch_gic_direct(bool on)
{
	fake_gic.direct = on;
	fake_gic.direct_calls++;
}

void arch_vtimer_stop(void)
{
	fake_gic.vtimer_stops++;
}

void arch_relax(void)
{
	if (fake_gic.relax)
		fake_gic.relax();
}
