// SPDX-License-Identifier: MIT
/*
 * The virtual GICv3: list-register management and the emulated
 * distributor and redistributors (see vgic.h for the model).
 *
 * List registers (IHI 0069 12.4.6): an interrupt takes a free LR
 * (ICH_ELRSR_EL2); with none free, it may evict a pending-only LR of lower
 * priority (higher value) into the overflow queue, or wait in the queue
 * itself. While anything waits, the underflow maintenance interrupt
 * (ICH_HCR_EL2.UIE) is on and refills LRs as the guest retires entries.
 * A hardware interrupt is in at most one place at a time (LR or queue):
 * physically it stays active until the guest deactivates it through the
 * LR, so it cannot fire again meanwhile. SGIs wait in a pending bitmap.
 *
 * Distributor: a partition sees the whole GICD, but only its own SPIs are
 * live: enables, pending, active and trigger configuration pass through to
 * the physical distributor for those bits only; priorities and routing are
 * kept virtual (routing is translated to the physical CPU of the target
 * vCPU); everything else reads as zero and ignores writes.
 */
#include <bulkhead/atomic.h>
#include <bulkhead/config.h>
#include <bulkhead/gic_regs.h>
#include <bulkhead/partition.h>
#include <bulkhead/spinlock.h>
#include <bulkhead/vgic.h>

static spinlock_t gicd_rmw_lock; /* read-modify-write of shared GICD words */

static void flush_virtual(struct vcpu *v);
static bool virtual_waiting(const struct vcpu *v);
static bool is_virtual(u32 intid);

static u8 prio_of(const struct vcpu *v, u32 intid)
{
	return intid < 32U ? v->vgic.prio[intid] : vspis[intid - 32U].prio;
}

static int lowest_bit(u32 x)
{
	return x ? __builtin_ctz(x) : -1;
}

/* The lowest bit set in *@set (not 0), taken out of it. */
static u32 pop_lowest(u32 *set)
{
	u32 b = (u32)__builtin_ctz(*set);

	*set &= *set - 1U;
	return b;
}

static int lr_find(u32 intid)
{
	u32 busy = ~arch_lr_empty();

	for (u32 n = 0; n < arch_lr_count(); n++) {
		if ((busy & BIT32(n)) && LR_VINTID(arch_lr_read(n)) == intid) {
			return (int)n;
		}
	}
	return -1;
}

/* A pending-only LR of lower priority than @prio (the lowest such), or -1. */
static int lr_victim(u8 prio)
{
	int victim = -1;
	u8 worst = prio;

	for (u32 n = 0; n < arch_lr_count(); n++) {
		u64 lr = arch_lr_read(n);

		if ((lr & LR_STATE_MASK) == LR_PENDING && LR_PRIO(lr) > worst) {
			worst = LR_PRIO(lr);
			victim = (int)n;
		}
	}
	return victim;
}

/*
 * Queue @intid until an LR frees up. Each hardware interrupt is queued at
 * most once (it stays physically active meanwhile), which is what bounds
 * the queue (bhconfig's check_spi_count); the check keeps that true even
 * if the guest found a way to present one twice.
 */
static void queue_push(struct vcpu *v, u32 intid)
{
	struct vgic_cpu *g = &v->vgic;

	if (intid < 16U) {
		atomic_or(&g->sgi_pending, BIT32(intid));
		return;
	}
	for (u32 i = 0; i < g->nqueue; i++) {
		if (g->queue[i] == intid) {
			return;
		}
	}
	if (g->nqueue < VGIC_QUEUE) {
		g->queue[g->nqueue++] = (u16)intid;
	}
}

/* Put pending @intid in an LR, evicting a lower-priority one if allowed. */
static bool lr_place(struct vcpu *v, u32 intid, bool evict)
{
	u8 prio = prio_of(v, intid);
	int n = lowest_bit(arch_lr_empty());

	if (n < 0 && evict) {
		n = lr_victim(prio);
		if (n >= 0) {
			queue_push(v, LR_VINTID(arch_lr_read((u32)n)));
		}
	}
	if (n < 0) {
		return false;
	}
	arch_lr_write((u32)n,
		      lr_make(intid, prio, intid >= 16U && !is_virtual(intid)));
	return true;
}

static void update_underflow(struct vcpu *v)
{
	struct vgic_cpu *g = &v->vgic;

	arch_vgic_underflow(
		g->nqueue ||
		(atomic_load(&g->sgi_pending) & atomic_load(&g->enabled)) ||
		virtual_waiting(v));
}

void vgic_inject_hw(struct vcpu *v, u32 intid)
{
	u32 empty = arch_lr_empty();

	/* The fast path: a free list register. */
	if (empty != 0U) {
		arch_lr_write((u32)__builtin_ctz(empty),
			      lr_make(intid, prio_of(v, intid), true));
		return;
	}
	if (!lr_place(v, intid, true)) {
		queue_push(v, intid);
	}
	update_underflow(v);
}

/* Move queued hardware interrupts into free LRs, best priority first. */
static void refill(struct vcpu *v)
{
	struct vgic_cpu *g = &v->vgic;

	while (g->nqueue && arch_lr_empty()) {
		u32 best = 0;

		for (u32 i = 1; i < g->nqueue; i++) {
			if (prio_of(v, g->queue[i]) <
			    prio_of(v, g->queue[best])) {
				best = i;
			}
		}
		(void)lr_place(v, g->queue[best], false);
		g->queue[best] = g->queue[--g->nqueue];
	}
}

/* Deliver pending, enabled SGIs; an SGI already in an LR is merged. */
static void flush_sgis(struct vcpu *v)
{
	struct vgic_cpu *g = &v->vgic;
	u32 take = atomic_xchg(&g->sgi_pending, 0);
	u32 keep = take & ~atomic_load(&g->enabled);

	take &= ~keep;
	while (take != 0U) {
		u32 s = pop_lowest(&take);
		int n = lr_find(s);

		if (n >= 0) {
			u64 lr = arch_lr_read((u32)n);

			arch_lr_write((u32)n, lr | LR_PENDING);
		} else if (!lr_place(v, s, true)) {
			keep |= BIT32(s);
		} else {
			/* placed */
		}
	}
	if (keep != 0U) {
		atomic_or(&g->sgi_pending, keep);
	}
}

void vgic_flush(struct vcpu *v)
{
	if (v->part->cfg->direct != 0U) {
		return; /* no virtual interface to fill (nor to turn on) */
	}
	refill(v);
	flush_sgis(v);
	flush_virtual(v);
	update_underflow(v);
}

void vgic_maintenance(struct vcpu *v)
{
	vgic_flush(v);
}

/*
 * vCPUs (bitmap of indexes) that ICC_SGI1R_EL1 = @value names, sent by
 * vCPU @self of a partition with @nvcpus: only ever vCPUs of that same
 * partition, whatever the value asks for.
 */
static u32 vgic_sgi_targets(u64 value, u32 self, u32 nvcpus)
{
	u32 all = nvcpus >= 32U ? ~0U : BIT32(nvcpus) - 1U;
	u64 rs = (value >> 44) & 0xfU;

	/* IRM: every PE but the sender. */
	if ((value & BIT(40)) != 0U) {
		return all & ~BIT32(self);
	}
	/* vCPUs have Aff0 = index only: Aff1..Aff3 must be 0, RS 0. */
	if ((value & ((0xffUL << 16) | (0xffUL << 32) | (0xffUL << 48))) !=
		    0U ||
	    rs != 0U) {
		return 0;
	}
	return (u32)(value & 0xffffU) & all;
}

static u32 slot_of(const struct vcpu *t)
{
	return container_of(t, struct cpu, vcpu)->slot;
}

void vgic_sgi(struct vcpu *v, u64 value)
{
	const struct partition *p = v->part;
	u32 targets = vgic_sgi_targets(value, v->id, p->cfg->nvcpus);
	u32 intid = (u32)((value >> 24) & 0xfU);

	while (targets != 0U) {
		struct vcpu *u = partition_vcpu(p, pop_lowest(&targets));

		/* Direct: a physical SGI its target takes with no exit (not
		 * the one that is the core's doorbell there). */
		if (p->cfg->direct != 0U) {
			if ((VGIC_DIRECT_PRIVATE >> intid) & 1U) {
				arch_sgi(slot_of(u), intid);
			}
			continue;
		}
		atomic_or(&u->vgic.sgi_pending, BIT32(intid));
		if (u == v) {
			vgic_flush(v);
		} else {
			vcpu_request(u, REQ_VIRQ);
		}
	}
}

/* --- distributor ------------------------------------------------------ */

/* Which of the 32 INTIDs from @first does partition @part own? */
static u32 owned_mask(u32 part, u32 first)
{
	u32 m = 0;

	if (first < 32U) {
		return 0; /* SGIs and PPIs live in the redistributors */
	}
	for (u32 i = 0U; i < 32U; i++) {
		if (vgic_owns(first + i, part)) {
			m |= BIT32(i);
		}
	}
	return m;
}

/*
 * SPIs enabled by their guest but held back by the core, 1 bit each, in
 * the owning partition's own bitmap (vgic_dist.held) and written only
 * under its own hold_lock: no word is shared with another partition, so
 * no other partition's lock would ever be needed to update it. An SPI
 * routed to a vCPU that is off reaches a parked CPU; a real GIC would keep
 * it pending until that PE wakes. The core makes it pending and disables
 * it physically, but to the guest it stays enabled. It is let go (enabled
 * again) when the guest routes it anew, enables or disables it, or starts
 * the vCPU. The lock orders each of those against a hold: whichever comes
 * second sees the first.
 */
static spinlock_t *hold_lock(u32 part)
{
	return &partitions[part].vgic.hold_lock;
}

static u32 *held_word(u32 part, u32 intid)
{
	return &partitions[part].vgic.held[intid / 32U];
}

static bool gicd_bit(u32 reg, u32 intid)
{
	return arch_gicd_read(reg + intid / 32U * 4U) & BIT32(intid % 32U);
}

/* Stop holding SPI @intid of @part back; enable it again if @enable.
 * Under @part's hold_lock. */
static void spi_let_go(u32 part, u32 intid, bool enable)
{
	u32 bit = BIT32(intid % 32U), *w = held_word(part, intid);

	if (!(*w & bit)) {
		return;
	}
	*w &= ~bit;
	if (enable) {
		arch_gicd_write(GICD_ISENABLER + intid / 32U * 4U, bit);
	}
}

void vgic_hold_spi(u32 intid)
{
	u32 off = intid / 32U * 4U, bit = BIT32(intid % 32U);
	const struct vspi *s = &vspis[intid - 32U];
	const struct partition *p;
	u32 *w;

	if (intid < 32U || intid - 32U >= nr_vspis || !s->part) {
		arch_gicd_write(GICD_ICENABLER + off, bit); /* nobody's */
		return;
	}
	p = &partitions[s->part - 1U];
	w = held_word(p->index, intid);
	spin_lock(hold_lock(p->index));
	/* Not active any more: its partition restarted meanwhile and the
	 * interrupt belongs to a boot that is gone. Disabled: its guest
	 * turned it off meanwhile; it stays pending, as on a real GIC. */
	if (gicd_bit(GICD_ISACTIVER, intid)) {
		arch_gicd_write(GICD_ISPENDR + off, bit);
		if (gicd_bit(GICD_ISENABLER, intid)) {
			arch_gicd_write(GICD_ICENABLER + off, bit);
			*w |= bit;
			/* Routed to a running vCPU, or its vCPU started, while
			 * this CPU was taking it: let go at once. */
			if (atomic_load(&partition_vcpu(p, s->vcpu)->state) ==
			    VCPU_ON) {
				spi_let_go(p->index, intid, true);
			}
		}
	}
	spin_unlock(hold_lock(p->index));
}

/* Let go of the held SPIs routed to @v, which is starting; call after its
 * state is ON (see vgic_dist.held). */
static void vgic_release_held(struct vcpu *v)
{
	u32 part = v->part->index;

	spin_lock(hold_lock(part));
	for (u32 i = 0; i < nr_vspis; i++) {
		if (vspis[i].part == part + 1U && vspis[i].vcpu == v->id) {
			spi_let_go(part, 32U + i, true);
		}
	}
	spin_unlock(hold_lock(part));
}

/* --- virtual SPIs ---------------------------------------------------- */

/*
 * Purely virtual SPIs (vspi.edge == VSPI_VIRTUAL): a virtio device's
 * interrupt, a driver partition's doorbell. No physical interrupt backs
 * them; their enable and pending state is kept here, one bit per INTID.
 * Different partitions' SPIs share words and the core raises one
 * partition's interrupt on behalf of another (a driver raising its
 * frontend's), so every update is an atomic read-modify-write: no lock,
 * per-partition or other, is involved. Delivery is edge-like: a pending
 * bit goes into an LR of its target vCPU (HW = 0), merged with an LR that
 * already holds it.
 */
static u32 virt_enabled[1024 / 32], virt_pending[1024 / 32];

static bool is_virtual(u32 intid)
{
	return intid >= 32U && intid - 32U < nr_vspis &&
	       vspis[intid - 32U].edge == VSPI_VIRTUAL;
}

/* Which of the 32 INTIDs from @first are @part's virtual SPIs? */
static u32 virtual_mask(u32 part, u32 first)
{
	u32 m = 0;

	for (u32 i = 0U; first >= 32U && i < 32U; i++) {
		if (vgic_owns(first + i, part) && is_virtual(first + i)) {
			m |= BIT32(i);
		}
	}
	return m;
}

/* Deliver virtual SPI @intid if it is pending and enabled: to its target
 * vCPU's LRs (a request to that vCPU's CPU, unless it is @v itself). */
static void virt_kick(struct vcpu *v, const struct partition *p, u32 intid)
{
	u32 w = intid / 32U, bit = BIT32(intid % 32U);
	struct vcpu *t;

	if (!(atomic_load(&virt_pending[w]) & atomic_load(&virt_enabled[w]) &
	      bit)) {
		return;
	}
	t = partition_vcpu(p, vspis[intid - 32U].vcpu);
	if (t == v) {
		vgic_flush(v);
	} else if (t && atomic_load(&t->state) == VCPU_ON) {
		vcpu_request(t, REQ_VIRQ);
	} else {
		/* off or not its partition's: nothing to kick */
	}
}

void vgic_raise_virtual(struct vcpu *v, const struct partition *p, u32 intid)
{
	if (!vgic_owns(intid, p->index) || intid < 32U) {
		return;
	}
	if (vspis[intid - 32U].edge == VSPI_DOORBELL) {
		arch_gicd_write(GICD_ISPENDR + intid / 32U * 4U,
				BIT32(intid % 32U));
		return;
	}
	if (!is_virtual(intid)) {
		return;
	}
	atomic_or(&virt_pending[intid / 32U], BIT32(intid % 32U));
	virt_kick(v, p, intid);
}

/* Enable, disable, pend or unpend @bits of @part's virtual SPIs. */
static void virt_write(struct vcpu *v, u32 reg, u32 first, u32 bits)
{
	u32 *w = reg == GICD_ISENABLER || reg == GICD_ICENABLER
			 ? &virt_enabled[first / 32U]
			 : &virt_pending[first / 32U];

	if (reg == GICD_ISENABLER || reg == GICD_ISPENDR) {
		atomic_or(w, bits);
	} else if (reg == GICD_ICENABLER || reg == GICD_ICPENDR) {
		__atomic_fetch_and(w, ~bits, __ATOMIC_ACQ_REL);
	} else {
		/* other registers: nothing to set */
	}
	for (u32 i = 0U; i < 32U; i++) {
		if ((bits & BIT32(i)) != 0U) {
			virt_kick(v, v->part, first + i);
		}
	}
}

static u32 virt_read(u32 reg, u32 first)
{
	if (reg == GICD_ISENABLER || reg == GICD_ICENABLER) {
		return atomic_load(&virt_enabled[first / 32U]);
	}
	if (reg == GICD_ISPENDR || reg == GICD_ICPENDR) {
		return atomic_load(&virt_pending[first / 32U]);
	}
	return 0; /* active state lives in the LRs */
}

/* Move @v's pending, enabled virtual SPIs into its LRs. */
static void flush_virtual(struct vcpu *v)
{
	u32 part = v->part->index;

	for (u32 w = 1U; w <= (nr_vspis + 31U) / 32U; w++) {
		u32 take = atomic_load(&virt_pending[w]) &
			   atomic_load(&virt_enabled[w]);

		while (take != 0U) {
			u32 b = pop_lowest(&take);
			u32 intid = w * 32U + b;
			int n;

			if (!vgic_owns(intid, part) ||
			    vspis[intid - 32U].vcpu != v->id ||
			    (__atomic_fetch_and(&virt_pending[w], ~BIT32(b),
						__ATOMIC_ACQ_REL) &
			     BIT32(b)) == 0U) {
				continue;
			}
			n = lr_find(intid);
			if (n >= 0) {
				arch_lr_write((u32)n, arch_lr_read((u32)n) |
							      LR_PENDING);
			} else if (!lr_place(v, intid, true)) {
				atomic_or(&virt_pending[w], BIT32(b));
			} else {
				/* placed */
			}
		}
	}
}

/* Anything of @v's still waiting for an LR? (Keeps UIE on.) */
static bool virtual_waiting(const struct vcpu *v)
{
	u32 part = v->part->index;

	for (u32 w = 1U; w <= (nr_vspis + 31U) / 32U; w++) {
		u32 bits = atomic_load(&virt_pending[w]) &
			   atomic_load(&virt_enabled[w]);

		while (bits != 0U) {
			u32 intid = w * 32U + pop_lowest(&bits);

			if (vgic_owns(intid, part) &&
			    vspis[intid - 32U].vcpu == v->id) {
				return true;
			}
		}
	}
	return false;
}

/* 1 bit per interrupt: IGROUPR .. ICACTIVER (0x080 - 0x3ff). */
static void dist_bits(struct vcpu *v, struct mmio_access *a)
{
	u32 part = v->part->index;
	u32 off = (u32)a->offset & ~3U;
	u32 reg = off & ~0x7fU;
	u32 first = (off & 0x7fU) * 8U;
	u32 mask = owned_mask(part, first);
	u32 vmask = mask ? virtual_mask(part, first) : 0U;

	if (a->size != 4U) {
		return;
	}
	if (reg == GICD_IGROUPR) {
		a->value = a->write ? 0U : mask; /* all group 1, fixed */
		return;
	}
	if (vmask != 0U) {
		if (a->write) {
			virt_write(v, reg, first, (u32)a->value & vmask);
		}
		mask &= ~vmask;
	}
	if (a->write) {
		u32 bits = (u32)a->value & mask;

		if (!bits) {
			return;
		}
		if (reg != GICD_ISENABLER && reg != GICD_ICENABLER) {
			arch_gicd_write(off, bits);
			return;
		}
		/* Enabling or disabling a held SPI ends the hold. */
		spin_lock(hold_lock(part));
		for (u32 i = 0U; i < 32U; i++) {
			if ((bits & BIT32(i)) != 0U) {
				spi_let_go(part, first + i, false);
			}
		}
		arch_gicd_write(off, bits);
		spin_unlock(hold_lock(part));
	} else if (mask && reg != GICD_ISENABLER && reg != GICD_ICENABLER) {
		a->value = arch_gicd_read(off) & mask;
	} else if (mask != 0U) {
		/* Enabled = on physically, or held. A hold or a let-go moves
		 * an SPI between the two under the lock: outside it, a read
		 * could fall between and see neither. */
		spin_lock(hold_lock(part));
		a->value = (arch_gicd_read(off) | *held_word(part, first)) &
			   mask;
		spin_unlock(hold_lock(part));
	} else {
		/* not its SPIs: read as zero */
	}
	if (!a->write && vmask) {
		a->value |= virt_read(reg, first) & vmask;
	}
}

static void dist_priority(u32 part, struct mmio_access *a)
{
	u32 first = (u32)a->offset - GICD_IPRIORITYR;

	for (u32 i = 0; i < a->size; i++) {
		u32 intid = first + i;

		if (!vgic_owns(intid, part) || intid < 32U) {
			continue;
		}
		if (a->write && partitions[part].cfg->direct) {
			arch_gicd_prio(intid, (u8)(a->value >> (8U * i)));
		}
		if (a->write) {
			vspis[intid - 32U].prio = (u8)(a->value >> (8U * i));
		} else {
			a->value |= (u64)vspis[intid - 32U].prio << (8U * i);
		}
	}
}

/* 2 bits per interrupt: ICFGR, edge (0b10) or level (0b00). */
static void dist_config(u32 part, struct mmio_access *a)
{
	u32 off = (u32)a->offset & ~3U, first = (off - GICD_ICFGR) * 4U,
	    mask = 0;

	if (a->size != 4U) {
		return;
	}
	u32 vmask = 0;

	for (u32 i = 0U; i < 16U; i++) {
		if (first + i >= 32U && vgic_owns(first + i, part)) {
			*(is_virtual(first + i) ? &vmask : &mask) |=
				3U << (2U * i);
		}
	}
	if (!a->write) {
		a->value = (mask ? arch_gicd_read(off) & mask : 0U) |
			   (0xaaaaaaaaU & vmask); /* virtual: edge */
	}
	if (!mask || !a->write) {
		return;
	}
	spin_lock(&gicd_rmw_lock);
	arch_gicd_write(off,
			(arch_gicd_read(off) & ~mask) | ((u32)a->value & mask));
	spin_unlock(&gicd_rmw_lock);
}

/* Route SPI @intid to the physical CPU of the vCPU its IROUTER names. */
static void spi_route(const struct partition *p, u32 intid)
{
	struct vspi *s = &vspis[intid - 32U];
	u32 aff0 = s->route & 0xffU;

	/* IRM (1 of N) and targets that are not one of its vCPUs: vCPU 0. */
	bool any = (s->route & (GICD_IROUTER_IRM | 0xffff00U)) != 0U ||
		   aff0 >= p->cfg->nvcpus;
	u8 to = any ? 0U : (u8)aff0;

	s->vcpu = to;
	if (s->edge != VSPI_VIRTUAL) {
		arch_gicd_route(intid,
				cpu_configs[p->cfg->vcpu_slot[s->vcpu]].mpidr);
	}
}

static void dist_router(struct vcpu *v, struct mmio_access *a)
{
	const struct partition *p = v->part;
	u32 intid = ((u32)a->offset - GICD_IROUTER) / 8U;
	bool high = a->offset & 4U;
	struct vspi *s;

	if (intid < 32U || !vgic_owns(intid, p->index) ||
	    (a->size != 8U && a->size != 4U)) {
		return;
	}
	s = &vspis[intid - 32U];
	if (!a->write) {
		a->value = high ? 0U : s->route; /* Aff3 is always 0 */
		return;
	}
	/* Aff0..Aff2 and IRM are kept; Aff3 (the upper word) is always 0. */
	if (high) {
		return;
	}
	spin_lock(hold_lock(p->index));
	s->route = (u32)(a->value & (0xffffffUL | GICD_IROUTER_IRM));
	spi_route(p, intid);
	spi_let_go(p->index, intid, true);
	spin_unlock(hold_lock(p->index));
	if (s->edge == VSPI_VIRTUAL) {
		virt_kick(v, p, intid);
	}
}

/* Emulate an access to the partition's distributor. */
static void vgic_dist_mmio(struct vcpu *v, struct mmio_access *a)
{
	struct partition *p = v->part;
	u32 off = (u32)a->offset;

	if (!a->write) {
		a->value = 0;
	}
	if (off >= GICD_IROUTER && off < GICD_IROUTER + 8U * 1020U) {
		dist_router(v, a);
	} else if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
		dist_bits(v, a);
	} else if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 1020U) {
		dist_priority(p->index, a);
	} else if (off >= GICD_ICFGR && off < GICD_IGRPMODR) {
		dist_config(p->index, a);
	} else if (off == GICD_CTLR) {
		if (a->write) {
			p->vgic.ctlr = (u32)a->value & GICD_CTLR_EN_GRP1;
		} else {
			a->value = p->vgic.ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
		}
	} else if (off == GICD_TYPER && !a->write) {
		/* ITLinesNumber and IDbits of the real one; no LPIs, no MBIs.
		 */
		a->value = (arch_gicd_read(GICD_TYPER) & (0x1fU | 0xf80000U)) |
			   ((p->cfg->nvcpus - 1U) & 7U) << 5;
	} else if (off == GICD_IIDR && !a->write) {
		a->value = arch_gicd_read(GICD_IIDR);
	} else if (off == GICD_PIDR2 && !a->write) {
		a->value = GIC_PIDR2_V3;
	} else {
		/* reserved or unemulated: RAZ/WI */
	}
}

static bool vgic_redist_mmio(struct vcpu *v, struct mmio_access *a);

bool vgic_mmio(struct vcpu *v, u64 ipa, struct mmio_access *a)
{
	u64 rd_size = plat.gicr_stride * v->part->cfg->nvcpus;

	if ((ipa & (a->size - 1U)) != 0U) {
		return false; /* not naturally aligned */
	}
	if (ipa - plat.gicd < 0x10000U) {
		a->offset = ipa - plat.gicd;
		vgic_dist_mmio(v, a);
		return true;
	}
	if (ipa - plat.gicr < rd_size) {
		a->offset = ipa - plat.gicr;
		return vgic_redist_mmio(v, a);
	}
	return false;
}

/* --- redistributors --------------------------------------------------- */

static void kick(struct vcpu *v, struct vcpu *t)
{
	if (t == v) {
		vgic_flush(v);
	} else {
		vcpu_request(t, REQ_VIRQ);
	}
}

/* The hardware-linked PPI (the virtual timer) mirrors into t's own GICR. */
static void ppi_hw(const struct vcpu *t, u32 off, u32 bits)
{
	const struct cpu *c = container_of(t, struct cpu, vcpu);

	if ((bits & BIT32(VGIC_PPI_VTIMER)) != 0U) {
		arch_gicr_write(c->slot, off, BIT32(VGIC_PPI_VTIMER));
	}
}

static u32 ppi_hw_read(const struct vcpu *t, u32 off)
{
	const struct cpu *c = container_of(t, struct cpu, vcpu);

	return arch_gicr_read(c->slot, off) & BIT32(VGIC_PPI_VTIMER);
}

static void sgi_frame_bits(struct vcpu *v, struct vcpu *t, u32 off,
			   struct mmio_access *a)
{
	struct vgic_cpu *g = &t->vgic;
	u32 val = (u32)a->value;

	/* Direct: its own SGIs and timer PPI on the real redistributor
	 * (ISENABLER0 .. ICACTIVER0; the words after each are reserved). */
	if (off >= GICD_ISENABLER && v->part->cfg->direct) {
		if ((off & 0x7fU) != 0U) {
			return;
		}
		if (a->write) {
			arch_gicr_write(slot_of(t), off,
					val & VGIC_DIRECT_PRIVATE);
		} else {
			a->value = arch_gicr_read(slot_of(t), off) &
				   VGIC_DIRECT_PRIVATE;
		}
		return;
	}
	switch (off) {
	case GICD_IGROUPR:
		a->value = a->write ? 0U : ~0U;
		break;
	case GICD_ISENABLER:
	case GICD_ICENABLER:
		if (!a->write) {
			a->value = atomic_load(&g->enabled);
			break;
		}
		if (off == GICD_ISENABLER) {
			atomic_or(&g->enabled, val);
		} else {
			__atomic_fetch_and(&g->enabled, ~val, __ATOMIC_ACQ_REL);
		}
		ppi_hw(t, off, val);
		kick(v, t);
		break;
	case GICD_ISPENDR:
	case GICD_ICPENDR:
		if (!a->write) {
			a->value = atomic_load(&g->sgi_pending) |
				   ppi_hw_read(t, off);
			break;
		}
		if (off == GICD_ISPENDR) {
			atomic_or(&g->sgi_pending, val & 0xffffU);
		} else {
			__atomic_fetch_and(&g->sgi_pending, ~(val & 0xffffU),
					   __ATOMIC_ACQ_REL);
		}
		ppi_hw(t, off, val);
		kick(v, t);
		break;
	case GICD_ISACTIVER:
	case GICD_ICACTIVER:
		if (a->write) {
			ppi_hw(t, off, val);
		} else {
			a->value = ppi_hw_read(t, off);
		}
		break;
	default:
		break;
	}
}

static void sgi_frame(struct vcpu *v, struct vcpu *t, u32 off,
		      struct mmio_access *a)
{
	struct vgic_cpu *g = &t->vgic;

	if (off >= GICD_IPRIORITYR && off + a->size <= GICD_IPRIORITYR + 32U) {
		for (u32 i = 0; i < a->size; i++) {
			u32 intid = off - GICD_IPRIORITYR + i;
			u8 *prio = &g->prio[intid];

			if (a->write && v->part->cfg->direct &&
			    ((VGIC_DIRECT_PRIVATE >> intid) & 1U)) {
				arch_gicr_prio(slot_of(t), intid,
					       (u8)(a->value >> (8U * i)));
			}
			if (a->write) {
				*prio = (u8)(a->value >> (8U * i));
			} else {
				a->value |= (u64)*prio << (8U * i);
			}
		}
	} else if (a->size != 4U) {
		return;
	} else if (off == GICD_ICFGR) {
		a->value = a->write ? 0U : 0xaaaaaaaaU; /* SGIs: edge */
	} else if (off == GICD_ICFGR + 4U) {
		if (a->write) {
			g->icfgr1 = (u32)a->value;
		} else {
			a->value = g->icfgr1;
		}
	} else if (off < GICD_IPRIORITYR) {
		sgi_frame_bits(v, t, off, a);
	} else {
		/* beyond the SGI/PPI registers: RAZ/WI */
	}
}

static void rd_frame(struct vcpu *t, u32 nvcpus, u32 off, struct mmio_access *a)
{
	struct vgic_cpu *g = &t->vgic;
	u64 typer = ((u64)t->id << 32) | (u64)t->id << 8 |
		    (t->id == nvcpus - 1U ? GICR_TYPER_LAST : 0U);

	if (off == GICR_TYPER || off == GICR_TYPER + 4U) {
		if (!a->write) {
			a->value =
				off == GICR_TYPER
					? (a->size == 8U ? typer : (u32)typer)
					: typer >> 32;
		}
	} else if (off == GICR_WAKER) {
		if (a->write) {
			g->waker = (u32)a->value & GICR_WAKER_PS;
		} else {
			a->value = g->waker ? GICR_WAKER_PS | GICR_WAKER_CA
					    : 0U;
		}
	} else if (off == GICR_IIDR && !a->write) {
		a->value = 0x43b; /* Arm */
	} else if (off == GICR_PIDR2 && !a->write) {
		a->value = GIC_PIDR2_V3;
	} else {
		/* other registers: RAZ/WI */
	}
}

/* Emulate an access to the redistributor frames (vCPU = offset / stride). */
static bool vgic_redist_mmio(struct vcpu *v, struct mmio_access *a)
{
	const struct partition *p = v->part;
	u32 idx = (u32)(a->offset / plat.gicr_stride);
	u32 off = (u32)(a->offset % plat.gicr_stride);
	struct vcpu *t = partition_vcpu(p, idx);

	if (!t) {
		return false;
	}
	if (!a->write) {
		a->value = 0;
	}
	if (off >= GICR_SGI_BASE) {
		sgi_frame(v, t, off - GICR_SGI_BASE, a);
	} else {
		rd_frame(t, p->cfg->nvcpus, off, a);
	}
	return true;
}

/* --- lifecycle -------------------------------------------------------- */

/* Its SGIs and PPIs off, not pending, not active; for a direct vCPU its
 * SGIs too, and their priorities as at reset (0, which is
 * GIC_PRIO_GUEST_MIN for the hardware). */
static void vgic_vcpu_reset(struct vcpu *v)
{
	struct vgic_cpu *g = &v->vgic;
	u32 slot = slot_of(v), mine = BIT32(VGIC_PPI_VTIMER);

	*g = (struct vgic_cpu){ .icfgr1 = 0 };
	arch_vgic_reset();
	if (v->part->cfg->direct != 0U) {
		mine = VGIC_DIRECT_PRIVATE;
		for (u32 i = 0U; i < 32U; i++) {
			if (((mine >> i) & 1U) != 0U) {
				arch_gicr_prio(slot, i, 0);
			}
		}
	}
	arch_gicr_write(slot, GICD_ICENABLER, mine);
	arch_gicr_write(slot, GICD_ICPENDR, mine);
	arch_gicr_write(slot, GICD_ICACTIVER, mine);
}

/* A vCPU about to enter: reset, and for a direct one the CPU interface
 * handed over (arch_gic_direct). */
static void vcpu_enter(struct vcpu *v)
{
	vgic_vcpu_reset(v);
	if (v->part->cfg->direct != 0U) {
		arch_gic_direct(true);
	}
}

/* Hand SPI @intid back to the distributor: deactivate it, and make it
 * pending again if the guest had not taken it yet. */
static void spi_release(u32 intid, bool repend)
{
	u32 off = intid / 32U * 4U, bit = BIT32(intid % 32U);

	if (repend) {
		arch_gicd_write(GICD_ISPENDR + off, bit);
	}
	arch_gicd_write(GICD_ICACTIVER + off, bit);
}

/*
 * A vCPU going off (PSCI CPU_OFF, its partition stopping) strands no SPI:
 * one in its list registers or its queue is active in the physical GIC
 * (the core acknowledged it) and only the guest's deactivation through the
 * LR would have ended that, so it could never fire again. Each is
 * released; one still pending for the guest is delivered again wherever
 * the SPI is routed now. Runs on the vCPU's own CPU (its LRs are live).
 */
static void vgic_vcpu_park(struct vcpu *v)
{
	struct vgic_cpu *g = &v->vgic;
	u32 busy = ~arch_lr_empty();

	arch_vtimer_stop();
	if (v->part->cfg->direct != 0U) {
		arch_gic_direct(false);
	}
	for (u32 n = 0; n < arch_lr_count(); n++) {
		u64 lr = arch_lr_read(n);

		if (!(busy & BIT32(n)) || LR_VINTID(lr) < 32U) {
			continue;
		}
		if ((lr & LR_HW) != 0U) {
			spi_release(LR_VINTID(lr),
				    (lr & LR_STATE_MASK) == LR_PENDING);
		} else if ((lr & LR_PENDING) != 0U) { /* virtual: pending */
			atomic_or(&virt_pending[LR_VINTID(lr) / 32U],
				  BIT32(LR_VINTID(lr) % 32U));
		} else {
			/* active only: the guest ends it */
		}
	}
	for (u32 i = 0; i < g->nqueue; i++) {
		if (is_virtual(g->queue[i])) {
			atomic_or(&virt_pending[g->queue[i] / 32U],
				  BIT32(g->queue[i] % 32U));
		} else if (g->queue[i] >= 32U) {
			spi_release(g->queue[i], true);
		} else {
			/* an SGI or PPI: nothing physical */
		}
	}
	vgic_vcpu_reset(v);
}

/* Configure (or, with @on false, silence) the SPIs @p owns. */
static void vgic_partition_spis(struct partition *p, bool on)
{
	for (u32 i = 0; i < nr_vspis; i++) {
		u32 intid = 32U + i, off = (intid / 32U) * 4U,
		    bit = BIT32(intid % 32U);

		if (vspis[i].part != p->index + 1U) {
			continue;
		}
		if (vspis[i].edge == VSPI_VIRTUAL) {
			__atomic_fetch_and(&virt_enabled[intid / 32U], ~bit,
					   __ATOMIC_ACQ_REL);
			__atomic_fetch_and(&virt_pending[intid / 32U], ~bit,
					   __ATOMIC_ACQ_REL);
			vspis[i].prio = 0;
			vspis[i].route = 0;
			vspis[i].vcpu = 0;
			continue;
		}
		spin_lock(&p->vgic.hold_lock);
		arch_gicd_write(GICD_ICENABLER + off, bit);
		arch_gicd_write(GICD_ICPENDR + off, bit);
		arch_gicd_write(GICD_ICACTIVER + off, bit);
		spi_let_go(p->index, intid, false);
		spin_unlock(&p->vgic.hold_lock);
		if (!on) {
			continue;
		}
		spin_lock(&gicd_rmw_lock);
		off = GICD_ICFGR + (intid / 16U) * 4U;
		arch_gicd_write(
			off,
			(arch_gicd_read(off) & ~(3U << (intid % 16U * 2U))) |
				(vspis[i].edge ? 2U << (intid % 16U * 2U)
					       : 0U));
		spin_unlock(&gicd_rmw_lock);
		vspis[i].prio = 0;
		vspis[i].route = 0;
		if (p->cfg->direct != 0U) {
			arch_gicd_prio(intid, 0);
		}
		spi_route(p, intid);
	}
}

static void spis_on(struct partition *p)
{
	vgic_partition_spis(p, true);
}

static void spis_off(struct partition *p, u32 to)
{
	(void)to;
	vgic_partition_spis(p, false);
}

const struct part_hooks vgic_hooks = {
	.start = spis_on,
	.stop = spis_off,
	.vcpu_start = vcpu_enter,
	.vcpu_on = vgic_release_held,
	.vcpu_park = vgic_vcpu_park,
};
