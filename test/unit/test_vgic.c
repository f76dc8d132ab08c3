// SPDX-License-Identifier: MIT
/*
 * The virtual GIC (kernel/core/vgic.c) against the fake GIC: list-register
 * allocation, priority eviction and the overflow queue with its underflow
 * refill; SGI delivery and target translation (never outside the
 * partition); distributor emulation (only owned SPIs are live, IROUTER
 * translated to physical CPUs); redistributor frames per vCPU.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <bulkhead/partition.h>

#include "fake_gic.h"

/* A system: partition 0 "a" with vCPUs on slots 1 and 2, partition 1 "b"
 * with one vCPU on slot 3. SPI 48 belongs to a, SPI 56 to b. */
static const u8 a_slots[] = { 1, 2 }, b_slots[] = { 3 };
const struct part_config part_configs[] = {
	{ .name = "a", .nvcpus = 2, .vcpu_slot = a_slots },
	{ .name = "b", .nvcpus = 1, .vcpu_slot = b_slots },
	/* b in direct interrupt mode, for direct_mode() */
	{ .name = "b", .nvcpus = 1, .vcpu_slot = b_slots, .direct = 1 },
};
const u32 nr_partitions = 2;
const struct cpu_config cpu_configs[] = {
	{ .mpidr = 0x0, .part = -1 },
	{ .mpidr = 0x1, .part = 0, .vcpu = 0 },
	{ .mpidr = 0x2, .part = 0, .vcpu = 1 },
	{ .mpidr = 0x103, .part = 1, .vcpu = 0 },
};
const u32 nr_cpus = 4;
const struct plat_config plat = { .gicd = 0x08000000,
				  .gicr = 0x080a0000,
				  .gicr_stride = 0x20000 };
struct partition partitions[2];
struct cpu percpu[4];
struct vspi vspis[32];
const u32 nr_vspis = 32;

static struct {
	struct vcpu *v;
	u32 req;
	int n;
} requests;

struct vcpu *partition_vcpu(const struct partition *p, u32 id)
{
	return id < p->cfg->nvcpus ? &percpu[p->cfg->vcpu_slot[id]].vcpu : NULL;
}

void vcpu_request(struct vcpu *v, u32 req)
{
	requests.v = v;
	requests.req = req;
	requests.n++;
}

static struct vcpu *a0 = &percpu[1].vcpu, *a1 = &percpu[2].vcpu,
		   *b0 = &percpu[3].vcpu;

static int setup(void **state)
{
	(void)state;
	fake_gic_reset();
	memset(percpu, 0, sizeof(percpu));
	memset(partitions, 0, sizeof(partitions));
	memset(vspis, 0, sizeof(vspis));
	memset(&requests, 0, sizeof(requests));
	for (u32 i = 0; i < 2; i++) {
		partitions[i].cfg = &part_configs[i];
		partitions[i].index = i;
	}
	for (u32 s = 0; s < 4; s++) {
		percpu[s].slot = s;
		percpu[s].cfg = &cpu_configs[s];
		if (cpu_configs[s].part >= 0) {
			percpu[s].vcpu.part = &partitions[cpu_configs[s].part];
			percpu[s].vcpu.id = cpu_configs[s].vcpu;
		}
	}
	vspis[48 - 32].part = 1;
	vspis[56 - 32].part = 2;
	return 0;
}

static u64 lr_of(u32 intid, u8 prio, bool hw)
{
	return lr_make(intid, prio, hw);
}

static void lr_encoding(void **state)
{
	u64 lr = lr_make(27, 0xa0, true);

	(void)state;
	assert_int_equal(lr >> 62, 1); /* pending */
	assert_true(lr & (1UL << 61)); /* HW */
	assert_true(lr & (1UL << 60)); /* group 1 */
	assert_int_equal((lr >> 48) & 0xff, 0xa0);
	assert_int_equal((lr >> 32) & 0x1fff, 27); /* pINTID */
	assert_int_equal(lr & 0xffffffff, 27);
	lr = lr_make(3, 0x10, false);
	assert_false(lr & (1UL << 61));
	assert_int_equal((lr >> 32) & 0x1fff, 0);
}

static void inject_fills_free_lrs(void **state)
{
	(void)state;
	a0->vgic.prio[27] = 0x80;
	vspis[48 - 32].prio = 0x40;
	vgic_inject_hw(a0, 27);
	vgic_inject_hw(a0, 48);
	assert_int_equal(fake_gic.lr[0], lr_of(27, 0x80, true));
	assert_int_equal(fake_gic.lr[1], lr_of(48, 0x40, true));
	assert_int_equal(arch_lr_empty(), 0xc);
	assert_false(fake_gic.underflow);
}

/* Fill the four LRs with SGIs of priorities 0x10, 0x20, 0x30, 0x40. */
static void fill_with_sgis(struct vcpu *v)
{
	for (u32 s = 0; s < 4; s++) {
		v->vgic.prio[s] = (u8)(0x10 * (s + 1));
		fake_gic.lr[s] = lr_of(s, v->vgic.prio[s], false);
	}
}

static void overflow_evicts_lower_priority(void **state)
{
	(void)state;
	fill_with_sgis(a0);
	a0->vgic.prio[27] = 0x18; /* better than 0x20, 0x30, 0x40 */
	vgic_inject_hw(a0, 27);
	/* The lowest priority pending LR (SGI 3, 0x40) made room. */
	assert_int_equal(fake_gic.lr[3], lr_of(27, 0x18, true));
	assert_int_equal(a0->vgic.sgi_pending, 1U << 3);
	assert_int_equal(a0->vgic.nqueue, 0);
}

static void overflow_queues_lower_priority(void **state)
{
	(void)state;
	fill_with_sgis(a0);
	vspis[48 - 32].prio = 0x50; /* worse than every LR */
	vgic_inject_hw(a0, 48);
	vgic_inject_hw(a0, 48); /* cannot happen (it is active): no twin */
	assert_int_equal(a0->vgic.nqueue, 1);
	assert_int_equal(a0->vgic.queue[0], 48);
	assert_true(fake_gic.underflow);
	for (u32 s = 0; s < 4; s++)
		assert_int_equal(fake_gic.lr[s] & 0xffffffff, s);
}

static void active_lrs_are_never_evicted(void **state)
{
	(void)state;
	fill_with_sgis(a0);
	for (u32 s = 0; s < 4; s++)
		fake_gic.lr[s] = (fake_gic.lr[s] & ~LR_STATE_MASK) | LR_ACTIVE;
	a0->vgic.prio[27] = 0x00;
	vgic_inject_hw(a0, 27);
	assert_int_equal(a0->vgic.nqueue, 1);
	assert_true(fake_gic.underflow);
	for (u32 s = 0; s < 4; s++)
		assert_int_equal(fake_gic.lr[s] & LR_STATE_MASK, LR_ACTIVE);
}

static void maintenance_refills_best_first(void **state)
{
	(void)state;
	fill_with_sgis(a0);
	a0->vgic.enabled = 0xffff;
	vspis[48 - 32].prio = 0x90;
	a0->vgic.prio[27] = 0x70;
	vgic_inject_hw(a0, 48);
	vgic_inject_hw(a0, 27);
	assert_int_equal(a0->vgic.nqueue, 2);
	/* The guest retires three interrupts: three LRs free up. */
	fake_gic.lr[0] = fake_gic.lr[1] = fake_gic.lr[2] = 0;
	vgic_maintenance(a0);
	assert_int_equal(fake_gic.lr[0], lr_of(27, 0x70, true));
	assert_int_equal(fake_gic.lr[1], lr_of(48, 0x90, true));
	assert_int_equal(fake_gic.lr[2], 0);
	assert_int_equal(a0->vgic.nqueue, 0);
	assert_false(fake_gic.underflow);
}

/* The vCPUs of @v's partition that ICC_SGI1R_EL1 = @value from @v leaves
 * SGI 1 pending for (a bitmap of vCPU indexes). */
static u32 sgi_targets_of(struct vcpu *v, u64 value)
{
	const struct partition *p = v->part;
	u32 got = 0;

	for (u32 i = 0; i < p->cfg->nvcpus; i++)
		partition_vcpu(p, i)->vgic.sgi_pending = 0;
	vgic_sgi(v, 1UL << 24 | value);
	for (u32 i = 0; i < p->cfg->nvcpus; i++)
		if (partition_vcpu(p, i)->vgic.sgi_pending & (1U << 1))
			got |= 1U << i;
	return got;
}

static void sgi_targets(void **state)
{
	(void)state;
	/* TargetList bits 0 and 1 from vCPU 0 of a 2-vCPU partition. */
	assert_int_equal(sgi_targets_of(a0, 0x3), 0x3);
	/* vCPUs it does not have are dropped, whatever the list says. */
	assert_int_equal(sgi_targets_of(a0, 0xffff), 0x3);
	assert_int_equal(sgi_targets_of(a0, 0xfffc), 0);
	/* IRM: everyone but the sender, inside the partition. */
	assert_int_equal(sgi_targets_of(a0, 1UL << 40 | 0xffff), 0x2);
	assert_int_equal(sgi_targets_of(b0, 1UL << 40), 0);
	/* Other affinity levels or range selectors name no vCPU. */
	assert_int_equal(sgi_targets_of(a0, 1UL << 16 | 1), 0);
	assert_int_equal(sgi_targets_of(a0, 1UL << 32 | 1), 0);
	assert_int_equal(sgi_targets_of(a0, 1UL << 48 | 1), 0);
	assert_int_equal(sgi_targets_of(a0, 1UL << 44 | 1), 0);
}

static void sgi_to_other_vcpu_posts_request(void **state)
{
	(void)state;
	vgic_sgi(a0, 5UL << 24 | 1U << 1);
	assert_int_equal(a1->vgic.sgi_pending, 1U << 5);
	assert_ptr_equal(requests.v, a1);
	assert_int_equal(requests.req, REQ_VIRQ);
	assert_int_equal(b0->vgic.sgi_pending, 0);
	/* IRM from b0 (alone in its partition) reaches nobody. */
	requests.n = 0;
	vgic_sgi(b0, 1UL << 40 | 5UL << 24);
	assert_int_equal(requests.n, 0);
	assert_int_equal(a0->vgic.sgi_pending | a1->vgic.sgi_pending, 1U << 5);
}

static void sgi_to_self_is_delivered_now(void **state)
{
	(void)state;
	a0->vgic.enabled = 1U << 2;
	a0->vgic.prio[2] = 0x30;
	vgic_sgi(a0, 2UL << 24 | 1U << 0);
	assert_int_equal(fake_gic.lr[0], lr_of(2, 0x30, false));
	assert_int_equal(a0->vgic.sgi_pending, 0);
	/* Disabled: stays pending, no LR. */
	vgic_sgi(a0, 4UL << 24 | 1U << 0);
	assert_int_equal(a0->vgic.sgi_pending, 1U << 4);
	assert_int_equal(fake_gic.lr[1], 0);
	/* Already active in an LR: becomes active and pending there. */
	fake_gic.lr[0] = (fake_gic.lr[0] & ~LR_STATE_MASK) | LR_ACTIVE;
	vgic_sgi(a0, 2UL << 24 | 1U << 0);
	assert_int_equal(fake_gic.lr[0] & LR_STATE_MASK,
			 LR_ACTIVE | LR_PENDING);
	assert_int_equal(fake_gic.lr[1], 0);
}

static u64 dist(struct vcpu *v, u32 off, u32 size, bool write, u64 val)
{
	struct mmio_access a = {
		.offset = off, .size = size, .write = write, .value = val
	};

	assert_true(vgic_mmio(v, plat.gicd + off, &a));
	return a.value;
}

static void dist_only_owned_spis_are_live(void **state)
{
	u32 en = GICD_ISENABLER + 4; /* INTIDs 32..63 */

	(void)state;
	/* a asks for 48 (its own) and 56 (b's): only 48 reaches the GIC. */
	dist(a0, en, 4, true, 1U << 16 | 1U << 24);
	assert_int_equal(fake_gic.gicd[en / 4], 1U << 16);
	dist(b0, en, 4, true, 1U << 24);
	assert_int_equal(fake_gic.gicd[en / 4], 1U << 16 | 1U << 24);
	/* Each sees only its own bit. */
	assert_int_equal(dist(a0, en, 4, false, 0), 1U << 16);
	assert_int_equal(dist(b0, GICD_ICENABLER + 4, 4, false, 0), 1U << 24);
	/* a cannot clear b's, nor set b's pending state. */
	dist(a0, GICD_ICENABLER + 4, 4, true, ~0U);
	assert_int_equal(fake_gic.gicd[en / 4], 1U << 24);
	dist(a0, GICD_ISPENDR + 4, 4, true, 1U << 24);
	assert_int_equal(fake_gic.gicd[(GICD_ISENABLER + 0x100 + 4) / 4], 0);
	/* Group: owned read as group 1, writes ignored. */
	assert_int_equal(dist(a0, GICD_IGROUPR + 4, 4, false, 0), 1U << 16);
	/* SGIs and PPIs are not the distributor's (ARE): RAZ/WI. */
	u32 writes = fake_gic.gicd_writes;
	dist(a0, GICD_ISENABLER, 4, true, ~0U);
	assert_int_equal(fake_gic.gicd_writes, writes);
	assert_int_equal(dist(a0, GICD_ISENABLER, 4, false, 0), 0);
}

static void dist_priorities_and_config(void **state)
{
	(void)state;
	dist(a0, GICD_IPRIORITYR + 48, 1, true, 0x60);
	dist(a0, GICD_IPRIORITYR + 56, 1, true, 0x10); /* b's: ignored */
	assert_int_equal(vspis[48 - 32].prio, 0x60);
	assert_int_equal(vspis[56 - 32].prio, 0);
	assert_int_equal(dist(a0, GICD_IPRIORITYR + 48, 4, false, 0), 0x60);
	assert_int_equal(dist(b0, GICD_IPRIORITYR + 48, 4, false, 0), 0);
	/* ICFGR: read-modify-write of the shared word, a's 2 bits only. */
	fake_gic.gicd[(GICD_ICFGR + 12) / 4] = 0xffff0000;
	dist(a0, GICD_ICFGR + 12, 4, true, 0x2); /* INTID 48: edge */
	assert_int_equal(fake_gic.gicd[(GICD_ICFGR + 12) / 4], 0xffff0002);
	dist(a0, GICD_ICFGR + 12, 4, true, 0);
	assert_int_equal(fake_gic.gicd[(GICD_ICFGR + 12) / 4], 0xffff0000);
	assert_int_equal(dist(a0, GICD_ICFGR + 12, 4, false, 0), 0);
}

static void dist_irouter_translation(void **state)
{
	u32 r48 = GICD_IROUTER + 8 * 48;

	(void)state;
	dist(a0, r48, 8, true, 1); /* Aff0 1: vCPU 1, physical slot 2 */
	assert_int_equal(fake_gic.route[48], 0x2 | FAKE_ROUTED);
	assert_int_equal(vspis[48 - 32].vcpu, 1);
	assert_int_equal(dist(a0, r48, 8, false, 0), 1);
	dist(a0, r48, 8, true, GICD_IROUTER_IRM); /* any: vCPU 0 */
	assert_int_equal(fake_gic.route[48], 0x1 | FAKE_ROUTED);
	dist(a0, r48, 8, true, 7); /* no such vCPU: vCPU 0 */
	assert_int_equal(vspis[48 - 32].vcpu, 0);
	dist(a0, r48, 4, true, 0x100 | 1); /* Aff1 set: no such vCPU */
	assert_int_equal(fake_gic.route[48], 0x1 | FAKE_ROUTED);
	/* b's SPI, seen from a: RAZ/WI. */
	fake_gic.route[56] = 0;
	dist(a0, GICD_IROUTER + 8 * 56, 8, true, 0);
	assert_int_equal(fake_gic.route[56], 0);
	assert_int_equal(dist(a0, GICD_IROUTER + 8 * 56, 8, false, 0), 0);
	/* b's own routing lands on its single physical CPU (MPIDR 0x103). */
	dist(b0, GICD_IROUTER + 8 * 56, 8, true, 0);
	assert_int_equal(fake_gic.route[56], 0x103 | FAKE_ROUTED);
}

static void dist_id_registers(void **state)
{
	u64 typer;

	(void)state;
	assert_int_equal(dist(a0, GICD_CTLR, 4, false, 0),
			 GICD_CTLR_ARE | GICD_CTLR_DS);
	dist(a0, GICD_CTLR, 4, true, GICD_CTLR_EN_GRP1 | GICD_CTLR_RWP);
	assert_int_equal(dist(a0, GICD_CTLR, 4, false, 0),
			 GICD_CTLR_ARE | GICD_CTLR_DS | GICD_CTLR_EN_GRP1);
	assert_int_equal(dist(b0, GICD_CTLR, 4, false, 0),
			 GICD_CTLR_ARE | GICD_CTLR_DS);
	typer = dist(a0, GICD_TYPER, 4, false, 0);
	assert_int_equal(typer & 0x1f, 8);	 /* same SPI range */
	assert_int_equal(typer & (3U << 16), 0); /* no LPIs, no MBIs */
	assert_int_equal((typer >> 5) & 7, 1);	 /* 2 vCPUs */
	assert_int_equal(dist(a0, GICD_PIDR2, 4, false, 0), GIC_PIDR2_V3);
	assert_int_equal(dist(a0, 0x8000, 4, false, 0), 0);
}

static u64 redist(struct vcpu *v, u64 off, u32 size, bool write, u64 val,
		  bool *ok)
{
	struct mmio_access a = {
		.offset = off, .size = size, .write = write, .value = val
	};

	*ok = vgic_mmio(v, plat.gicr + off, &a);
	return a.value;
}

static void redist_frames(void **state)
{
	bool ok;
	u64 typer;

	(void)state;
	typer = redist(a0, GICR_TYPER, 8, false, 0, &ok);
	assert_true(ok);
	assert_int_equal(typer >> 32, 0);
	assert_false(typer & GICR_TYPER_LAST);
	typer = redist(a0, 0x20000 + GICR_TYPER, 8, false, 0, &ok);
	assert_int_equal(typer >> 32, 1);
	assert_true(typer & GICR_TYPER_LAST);
	assert_int_equal(redist(a0, 0x20000 + GICR_TYPER + 4, 4, false, 0, &ok),
			 1);
	/* A third frame does not exist for a 2-vCPU partition. */
	redist(a0, 0x40000, 4, false, 0, &ok);
	assert_false(ok);
	/* WAKER: ChildrenAsleep follows ProcessorSleep. */
	redist(a0, GICR_WAKER, 4, true, GICR_WAKER_PS, &ok);
	assert_int_equal(redist(a0, GICR_WAKER, 4, false, 0, &ok),
			 GICR_WAKER_PS | GICR_WAKER_CA);
	redist(a0, GICR_WAKER, 4, true, 0, &ok);
	assert_int_equal(redist(a0, GICR_WAKER, 4, false, 0, &ok), 0);
}

static void redist_enables_and_the_vtimer(void **state)
{
	bool ok;

	(void)state;
	/* vCPU 0 enables SGI 1 and the timer PPI in vCPU 1's frame. */
	redist(a0, 0x20000 + GICR_SGI_BASE + GICD_ISENABLER, 4, true,
	       1U << 1 | 1U << 27, &ok);
	assert_int_equal(a1->vgic.enabled, 1U << 1 | 1U << 27);
	/* The timer PPI is mirrored into the physical GICR of slot 2 only. */
	assert_int_equal(fake_gic.gicr[2][GICD_ISENABLER / 4], 1U << 27);
	assert_int_equal(fake_gic.gicr[1][GICD_ISENABLER / 4], 0);
	assert_ptr_equal(requests.v, a1);
	redist(a0, 0x20000 + GICR_SGI_BASE + GICD_ICENABLER, 4, true, 1U << 27,
	       &ok);
	assert_int_equal(a1->vgic.enabled, 1U << 1);
	assert_int_equal(fake_gic.gicr[2][GICD_ISENABLER / 4], 0);
	/* Priorities are per vCPU. */
	redist(a0, GICR_SGI_BASE + GICD_IPRIORITYR + 27, 1, true, 0x90, &ok);
	assert_int_equal(a0->vgic.prio[27], 0x90);
	assert_int_equal(a1->vgic.prio[27], 0);
}

static void park_quiesces(void **state)
{
	(void)state;
	fake_gic.lr[0] = lr_of(27, 0, true);
	a0->vgic.nqueue = 3;
	a0->vgic.sgi_pending = 1;
	vgic_hooks.vcpu_park(a0);
	assert_int_equal(fake_gic.vtimer_stops, 1);
	assert_int_equal(fake_gic.lr[0], 0);
	assert_int_equal(a0->vgic.nqueue, 0);
	assert_int_equal(a0->vgic.sgi_pending, 0);
	assert_int_equal(fake_gic.gicr[1][GICD_ISENABLER / 4] & (1U << 27), 0);
}

/* SPIs held for a vCPU that goes off are handed back, not left active. */
static void park_releases_spis(void **state)
{
	u32 act = (GICD_ISACTIVER + 4) / 4, pend = (GICD_ISPENDR + 4) / 4;

	(void)state;
	vspis[49 - 32].part = 1;
	vspis[50 - 32].part = 1;
	fake_gic.gicd[act] = 1U << 16 | 1U << 17 | 1U << 18 | 1U << 24;
	fake_gic.lr[0] = lr_of(48, 0x40, true); /* pending for the guest */
	fake_gic.lr[1] = (lr_of(49, 0x40, true) & ~LR_STATE_MASK) | LR_ACTIVE;
	fake_gic.lr[2] = lr_of(5, 0x40, false); /* an SGI: nothing physical */
	a0->vgic.queue[0] = 50;
	a0->vgic.nqueue = 1;
	vgic_hooks.vcpu_park(a0);
	assert_int_equal(fake_gic.gicd[act], 1U << 24); /* b's SPI 56 stays */
	assert_int_equal(fake_gic.gicd[pend], 1U << 16 | 1U << 18);
	assert_int_equal(arch_lr_empty(), 0xf);
}

/* A parked CPU acknowledges SPI @intid (it turns active) and holds it. */
static void parked_cpu_takes(u32 intid)
{
	fake_gic.gicd[(GICD_ISACTIVER + intid / 32 * 4) / 4] |= 1U
								<< (intid % 32);
	vgic_hold_spi(intid);
	fake_gic.gicd[(GICD_ISACTIVER + intid / 32 * 4) / 4] &=
		~(1U << (intid % 32)); /* and deactivates it */
}

/* An SPI that reaches a parked CPU is held pending and disabled, looks
 * enabled to its guest, and is let go when that can change. */
static void held_spis(void **state)
{
	u32 en = (GICD_ISENABLER + 4) / 4, pend = (GICD_ISPENDR + 4) / 4;
	u32 r48 = GICD_IROUTER + 8 * 48;

	(void)state;
	dist(a0, r48, 8, true, 1); /* to vCPU 1, which is off */
	dist(a0, GICD_ISENABLER + 4, 4, true, 1U << 16);
	parked_cpu_takes(48);
	assert_int_equal(fake_gic.gicd[en], 0);
	assert_int_equal(fake_gic.gicd[pend], 1U << 16);
	assert_int_equal(dist(a0, GICD_ISENABLER + 4, 4, false, 0), 1U << 16);
	assert_int_equal(dist(b0, GICD_ISENABLER + 4, 4, false, 0), 0);
	/* Another vCPU starting changes nothing; vCPU 1 starting does. */
	a0->state = VCPU_ON;
	vgic_hooks.vcpu_on(a0);
	assert_int_equal(fake_gic.gicd[en], 0);
	a1->state = VCPU_ON;
	vgic_hooks.vcpu_on(a1);
	assert_int_equal(fake_gic.gicd[en], 1U << 16);
	/* Routed elsewhere: let go. */
	a1->state = VCPU_OFF;
	parked_cpu_takes(48);
	assert_int_equal(fake_gic.gicd[en], 0);
	dist(a0, r48, 8, true, 0);
	assert_int_equal(fake_gic.gicd[en], 1U << 16);
	/* Disabled by the guest: the hold ends, the SPI stays off. */
	dist(a0, r48, 8, true, 1);
	parked_cpu_takes(48);
	dist(a0, GICD_ICENABLER + 4, 4, true, 1U << 16);
	assert_int_equal(fake_gic.gicd[en], 0);
	assert_int_equal(dist(a0, GICD_ISENABLER + 4, 4, false, 0), 0);
	a1->state = VCPU_ON;
	vgic_hooks.vcpu_on(a1);
	assert_int_equal(fake_gic.gicd[en], 0);
	/* Its target came on while the parked CPU took it: let go at once. */
	dist(a0, GICD_ISENABLER + 4, 4, true, 1U << 16);
	parked_cpu_takes(48);
	assert_int_equal(fake_gic.gicd[en], 1U << 16);
	assert_int_equal(dist(a0, GICD_ISENABLER + 4, 4, false, 0), 1U << 16);
}

/* What changed while the parked CPU was taking the SPI decides. */
static void hold_sees_what_changed(void **state)
{
	u32 en = (GICD_ISENABLER + 4) / 4, pend = (GICD_ISPENDR + 4) / 4;

	(void)state;
	dist(a0, GICD_IROUTER + 8 * 48, 8, true, 1); /* vCPU 1: off */
	/* The guest disabled it meanwhile: pending, not held. */
	parked_cpu_takes(48);
	assert_int_equal(fake_gic.gicd[pend], 1U << 16);
	assert_int_equal(dist(a0, GICD_ISENABLER + 4, 4, false, 0), 0);
	a1->state = VCPU_ON;
	vgic_hooks.vcpu_on(a1);
	assert_int_equal(fake_gic.gicd[en], 0);
	/* The partition restarted meanwhile (no longer active): dropped. */
	a1->state = VCPU_OFF;
	fake_gic.gicd[pend] = 0;
	dist(a0, GICD_ISENABLER + 4, 4, true, 1U << 16);
	vgic_hold_spi(48);
	assert_int_equal(fake_gic.gicd[pend], 0);
	assert_int_equal(fake_gic.gicd[en], 1U << 16);
	/* Nobody's SPI: only disabled. */
	fake_gic.gicd[en] |= 1U << 20;
	parked_cpu_takes(52);
	assert_int_equal(fake_gic.gicd[en] & 1U << 20, 0);
	assert_int_equal(fake_gic.gicd[pend], 0);
}

static void partition_spis_on_and_off(void **state)
{
	u32 en = (GICD_ISENABLER + 4) / 4;

	(void)state;
	fake_gic.gicd[en] = 1U << 16 | 1U << 24;
	vspis[48 - 32].edge = 1;
	vgic_hooks.start(&partitions[0]);
	assert_int_equal(fake_gic.gicd[en], 1U << 24); /* a's disabled, b's not
							*/
	assert_int_equal(fake_gic.route[48], 0x1 | FAKE_ROUTED);
	assert_int_equal(fake_gic.gicd[(GICD_ICFGR + 12) / 4], 0x2);
	assert_int_equal(fake_gic.route[56], 0);
	fake_gic.gicd[en] |= 1U << 16;
	vgic_hooks.stop(&partitions[0], PART_STOPPED);
	assert_int_equal(fake_gic.gicd[en], 1U << 24);
}

/* Virtual SPIs: their state lives in the core, they are delivered with
 * HW = 0, any CPU may raise one for its owner, nobody else can see or
 * touch it, and nothing reaches the physical distributor. */
static void virtual_spis(void **state)
{
	u32 bit = 1U << 28, writes;

	(void)state;
	vspis[60 - 32] = (struct vspi){ .part = 2, .edge = VSPI_VIRTUAL };
	b0->state = VCPU_ON;
	writes = fake_gic.gicd_writes;
	/* Raised while disabled: pending, not delivered. */
	vgic_raise_virtual(a0, &partitions[1], 60);
	assert_int_equal(requests.n, 0);
	assert_int_equal(dist(b0, GICD_ISPENDR + 4, 4, false, 0), bit);
	/* Partition a neither sees nor enables it, nor raises it for itself. */
	dist(a0, GICD_ISENABLER + 4, 4, true, bit);
	assert_int_equal(dist(b0, GICD_ISENABLER + 4, 4, false, 0), 0);
	assert_int_equal(dist(a0, GICD_ISPENDR + 4, 4, false, 0), 0);
	vgic_raise_virtual(a0, &partitions[0], 60);
	/* b enables it: delivered to b0 (this CPU) with HW = 0, edge. */
	dist(b0, GICD_ISENABLER + 4, 4, true, bit);
	assert_int_equal(fake_gic.lr[0], lr_of(60, 0, false));
	assert_int_equal(dist(b0, GICD_ISPENDR + 4, 4, false, 0), 0);
	assert_int_equal(dist(b0, GICD_ICFGR + 12, 4, false, 0), 2U << 24);
	/* Raised from another CPU: a request to b0's, merged into its LR. */
	fake_gic.lr[0] = (fake_gic.lr[0] & ~LR_STATE_MASK) | LR_ACTIVE;
	vgic_raise_virtual(a0, &partitions[1], 60);
	assert_ptr_equal(requests.v, b0);
	assert_int_equal(requests.req, REQ_VIRQ);
	vgic_flush(b0);
	assert_int_equal(fake_gic.lr[0] & LR_STATE_MASK,
			 LR_ACTIVE | LR_PENDING);
	assert_int_equal(fake_gic.gicd_writes, writes);
	/* Parking b0 keeps it pending; silencing the partition clears it
	 * (and b's physical SPI 56, which is what writes the GICD). */
	vgic_hooks.vcpu_park(b0);
	assert_int_equal(dist(b0, GICD_ISPENDR + 4, 4, false, 0), bit);
	vgic_hooks.stop(&partitions[1], PART_STOPPED);
	assert_int_equal(dist(b0, GICD_ISPENDR + 4, 4, false, 0), 0);
	assert_int_equal(dist(b0, GICD_ISENABLER + 4, 4, false, 0), 0);
}

/*
 * Partition b in direct interrupt mode: its SPIs, a doorbell among them
 * (a real SPI the core sets pending: VSPI_DOORBELL), get the hardware's
 * priority, never as high as the core's doorbell (the fake, like gic.c,
 * keeps 0x08 the highest); its redistributor frame passes SGIs 0-14 and
 * the timer through to its CPU's, never the core's SGI 15 or PPI 25; its
 * SGIs are physical ones; its vCPU's start and park hand the CPU
 * interface over and back and leave its SGIs and PPIs clean.
 */
static void direct_mode(void **state)
{
	u8 *prio = (u8 *)fake_gic.gicd + GICD_IPRIORITYR;
	u8 *rprio = (u8 *)fake_gic.gicr[3] + GICD_IPRIORITYR;
	u32 *en = &fake_gic.gicr[3][GICD_ISENABLER / 4];
	bool ok;

	(void)state;
	partitions[1].cfg = &part_configs[2];
	vspis[60 - 32] = (struct vspi){ .part = 2, .edge = VSPI_DOORBELL };
	vgic_hooks.start(&partitions[1]);
	assert_int_equal(fake_gic.gicd[(GICD_ICFGR + 12) / 4] >> 24 & 3, 2);
	assert_int_equal(prio[56], 8);
	assert_int_equal(prio[60], 8);
	assert_int_equal(fake_gic.route[60], 0x103 | FAKE_ROUTED);
	/* Raised (by another partition's CPU): pending in the distributor. */
	vgic_raise_virtual(a0, &partitions[1], 60);
	assert_int_equal(fake_gic.gicd[(GICD_ISPENDR + 4) / 4], 1U << 28);
	assert_int_equal(requests.n, 0);
	assert_int_equal(fake_gic.lr[0], 0);
	vgic_raise_virtual(a0, &partitions[0], 56); /* not a's, not virtual */
	assert_int_equal(fake_gic.gicd[(GICD_ISPENDR + 4) / 4], 1U << 28);
	dist(b0, GICD_IPRIORITYR + 56, 1, true, 0x00);
	assert_int_equal(prio[56], 8);
	dist(b0, GICD_IPRIORITYR + 56, 1, true, 0xa0);
	assert_int_equal(prio[56], 0xa0);
	assert_int_equal(dist(b0, GICD_IPRIORITYR + 56, 1, false, 0), 0xa0);
	/* Its frame: its own SGIs and timer only. */
	redist(b0, GICR_SGI_BASE + GICD_ISENABLER, 4, true, ~0U, &ok);
	assert_int_equal(*en, VGIC_DIRECT_PRIVATE);
	*en |= 1U << 15 | 1U << 25; /* the core's */
	assert_int_equal(redist(b0, GICR_SGI_BASE + GICD_ISENABLER, 4, false, 0,
				&ok),
			 VGIC_DIRECT_PRIVATE);
	redist(b0, GICR_SGI_BASE + GICD_IPRIORITYR + 12, 4, true, 0, &ok);
	assert_int_equal(rprio[12], 8);
	assert_int_equal(rprio[14], 8);
	assert_int_equal(rprio[15], 0); /* untouched */
	/* SGIs: physical, to b0's CPU; SGI 15 never. */
	vgic_sgi(b0, 5UL << 24 | 1);
	vgic_sgi(b0, 15UL << 24 | 1);
	assert_int_equal(fake_gic.sgis[3], 1U << 5);
	assert_int_equal(b0->vgic.sgi_pending, 0);
	assert_int_equal(requests.n, 0);
	/* What a direct guest may deactivate through ICC_DIR_EL1. */
	assert_true(vgic_direct_owns(14, 1) && vgic_direct_owns(27, 1) &&
		    vgic_direct_owns(56, 1) && vgic_direct_owns(60, 1));
	assert_false(vgic_direct_owns(15, 1) || vgic_direct_owns(25, 1) ||
		     vgic_direct_owns(48, 1) || vgic_direct_owns(1020, 1));
	/* Start and park. */
	vgic_hooks.vcpu_start(b0);
	assert_int_equal(fake_gic.direct, 1);
	fake_gic.gicr[3][GICD_ISPENDR / 4] = ~0U;
	fake_gic.gicr[3][GICD_ISACTIVER / 4] = ~0U;
	vgic_hooks.vcpu_park(b0);
	assert_int_equal(fake_gic.direct, 0);
	assert_int_equal(*en, 1U << 15 | 1U << 25);
	assert_int_equal(fake_gic.gicr[3][GICD_ISPENDR / 4],
			 ~VGIC_DIRECT_PRIVATE);
	assert_int_equal(fake_gic.gicr[3][GICD_ISACTIVER / 4],
			 ~VGIC_DIRECT_PRIVATE);
	/* Partition a (virtual) never touches the CPU interface. */
	vgic_hooks.vcpu_start(a0);
	vgic_hooks.vcpu_park(a0);
	assert_int_equal(fake_gic.direct_calls, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lr_encoding),
		cmocka_unit_test_setup(inject_fills_free_lrs, setup),
		cmocka_unit_test_setup(overflow_evicts_lower_priority, setup),
		cmocka_unit_test_setup(overflow_queues_lower_priority, setup),
		cmocka_unit_test_setup(active_lrs_are_never_evicted, setup),
		cmocka_unit_test_setup(maintenance_refills_best_first, setup),
		cmocka_unit_test_setup(sgi_targets, setup),
		cmocka_unit_test_setup(sgi_to_other_vcpu_posts_request, setup),
		cmocka_unit_test_setup(sgi_to_self_is_delivered_now, setup),
		cmocka_unit_test_setup(dist_only_owned_spis_are_live, setup),
		cmocka_unit_test_setup(dist_priorities_and_config, setup),
		cmocka_unit_test_setup(dist_irouter_translation, setup),
		cmocka_unit_test_setup(dist_id_registers, setup),
		cmocka_unit_test_setup(redist_frames, setup),
		cmocka_unit_test_setup(redist_enables_and_the_vtimer, setup),
		cmocka_unit_test_setup(park_quiesces, setup),
		cmocka_unit_test_setup(park_releases_spis, setup),
		cmocka_unit_test_setup(held_spis, setup),
		cmocka_unit_test_setup(hold_sees_what_changed, setup),
		cmocka_unit_test_setup(partition_spis_on_and_off, setup),
		cmocka_unit_test_setup(virtual_spis, setup),
		cmocka_unit_test_setup(direct_mode, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
