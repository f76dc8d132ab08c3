// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the virtual GIC (kernel/core/vgic.c) on the fake GIC
 * of the unit tests (test/unit/fake_gic.c). The system is test_vgic.c's:
 * partition a with vCPUs on CPU slots 1 and 2, partition b (in direct
 * interrupt mode) with one on slot 3; a owns SPIs 33, 48 and 63, b owns
 * 40 and 56, each vCPU its timer PPI 27. The input is a sequence of steps, each
 * done by one vCPU: distributor and redistributor accesses (offset, size
 * 1/2/4/8, read or write, value), ICC_SGI1R_EL1 writes, injection of an owned
 * hardware interrupt, the guest acknowledging or deactivating a list register,
 * and the maintenance interrupt. Each physical CPU keeps its own list
 * registers, and a vCPU asked to look at its interrupts (vcpu_request) does
 * so after the step. After every step the isolation invariants are checked
 * and a violation traps: another partition's physical distributor bits,
 * routing, priorities, redistributor frames (b's own SGIs 0-14 and timer
 * excepted, never the core's SGI 15), physical SGIs, vCPU and SPI state
 * never change; reads
 * never show another partition's SPIs; requests and SGIs stay inside the
 * partition; list registers and queues hold only SGIs and interrupts the
 * vCPU's partition owns.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz_check.h"

#include <bulkhead/partition.h>

#include "fake_gic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The environment vgic.c needs, as test_vgic.c defines it. */
static const u8 a_slots[] = { 1, 2 }, b_slots[] = { 3 };
const struct part_config part_configs[] = {
	{ .name = "a", .nvcpus = 2, .vcpu_slot = a_slots },
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

#define NSLOTS 4

/* SPI owners (partition index + 1), fixed for the whole run. */
static const struct {
	u32 intid;
	u8 part;
	u8 edge;
} grants[] = {
	{ 33, 1, 1 }, { 48, 1, 0 }, { 63, 1, 1 }, { 40, 2, 0 }, { 56, 2, 1 }
};

/* What the checks compare against: the state before the step. */
static struct {
	u32 gicd[0x10000 / 4];
	u32 gicd_writes;
	u64 route[1024];
	u32 gicr[NSLOTS][0x1000 / 4];
	u32 sgis[NSLOTS];
	struct vgic_cpu vgic[NSLOTS];
	struct vspi vspis[32];
	u32 ctlr[2];
} before;

/* Per physical CPU: its list registers and underflow enable. */
static struct {
	u64 lr[16];
	bool underflow;
} banks[NSLOTS];

static u32 requested; /* slots whose vCPU got a vcpu_request() */

struct vcpu *partition_vcpu(const struct partition *p, u32 id)
{
	return id < p->cfg->nvcpus ? &percpu[p->cfg->vcpu_slot[id]].vcpu : NULL;
}

static u32 slot_of(const struct vcpu *v)
{
	return container_of(v, struct cpu, vcpu)->slot;
}

void vcpu_request(struct vcpu *v, u32 req)
{
	check(req == REQ_VIRQ);
	requested |= BIT32(slot_of(v));
}

/* Does partition @part own INTID @intid (independently of vspis[])? */
static bool owns(u32 part, u32 intid)
{
	if (intid == VGIC_PPI_VTIMER)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(grants); i++)
		if (grants[i].intid == intid)
			return grants[i].part == part + 1;
	return false;
}

static bool owns_spi(u32 part, u32 intid)
{
	return intid >= 32 && owns(part, intid);
}

static bool slot_in(u32 slot, u32 part)
{
	return cpu_configs[slot].part == (s32)part;
}

/* --- one CPU's list registers at a time ---------------------------------- */

static void load_bank(u32 slot)
{
	memcpy(fake_gic.lr, banks[slot].lr, sizeof(fake_gic.lr));
	fake_gic.underflow = banks[slot].underflow;
}

static void save_bank(u32 slot)
{
	memcpy(banks[slot].lr, fake_gic.lr, sizeof(fake_gic.lr));
	banks[slot].underflow = fake_gic.underflow;
}

/* Is hardware interrupt @intid in an LR or a queue already (so it cannot
 * fire again until the guest deactivates it)? @slot's LRs are loaded. */
static bool in_flight(u32 slot, u32 intid)
{
	for (u32 s = 1; s < NSLOTS; s++) {
		const u64 *lr = s == slot ? fake_gic.lr : banks[s].lr;
		const struct vgic_cpu *g = &percpu[s].vcpu.vgic;

		if (intid == VGIC_PPI_VTIMER && s != slot)
			continue; /* a PPI is per CPU */
		for (u32 n = 0; n < fake_gic.nlr; n++)
			if ((lr[n] & LR_STATE_MASK) &&
			    LR_VINTID(lr[n]) == intid)
				return true;
		for (u32 q = 0; q < g->nqueue && q < VGIC_QUEUE; q++)
			if (g->queue[q] == intid)
				return true;
	}
	return false;
}

/* --- the system ---------------------------------------------------------- */

static void copy_if_changed(void *to, const void *from, size_t size)
{
	if (memcmp(to, from, size))
		memcpy(to, from, size);
}

static void snapshot(void)
{
	if (fake_gic.gicd_writes != before.gicd_writes) {
		memcpy(before.gicd, fake_gic.gicd, sizeof(before.gicd));
		before.gicd_writes = fake_gic.gicd_writes;
	}
	copy_if_changed(before.route, fake_gic.route, sizeof(before.route));
	copy_if_changed(before.gicr, fake_gic.gicr, sizeof(before.gicr));
	memcpy(before.sgis, fake_gic.sgis, sizeof(before.sgis));
	for (u32 s = 0; s < NSLOTS; s++)
		before.vgic[s] = percpu[s].vcpu.vgic;
	memcpy(before.vspis, vspis, sizeof(before.vspis));
	for (u32 p = 0; p < 2; p++)
		before.ctlr[p] = partitions[p].vgic.ctlr;
}

/* Some state in every distributor bit, so that a stray set or clear shows. */
static void fill_gicd(void)
{
	for (u32 off = GICD_IGROUPR; off < GICD_IPRIORITYR; off += 4)
		fake_gic.gicd[off / 4] = (off * 0x9e3779b9U) ^ 0xa5a5a5a5U;
	for (u32 off = GICD_ICFGR; off < GICD_IGRPMODR; off += 4)
		fake_gic.gicd[off / 4] = (off * 0x9e3779b9U) ^ 0x5a5a5a5aU;
}

static void reset_system(void)
{
	fake_gic_reset();
	memset(percpu, 0, sizeof(percpu));
	memset(partitions, 0, sizeof(partitions));
	memset(vspis, 0, sizeof(vspis));
	memset(banks, 0, sizeof(banks));
	memset(&before, 0, sizeof(before));
	for (u32 i = 0; i < 2; i++) {
		partitions[i].cfg = &part_configs[i];
		partitions[i].index = i;
	}
	for (u32 s = 0; s < NSLOTS; s++) {
		percpu[s].slot = s;
		percpu[s].cfg = &cpu_configs[s];
		if (cpu_configs[s].part < 0)
			continue;
		percpu[s].vcpu.part = &partitions[cpu_configs[s].part];
		percpu[s].vcpu.part_tag = (u8)(cpu_configs[s].part + 1);
		percpu[s].vcpu.id = cpu_configs[s].vcpu;
	}
	for (size_t i = 0; i < ARRAY_SIZE(grants); i++) {
		vspis[grants[i].intid - 32].part = grants[i].part;
		vspis[grants[i].intid - 32].edge = grants[i].edge;
	}
	fill_gicd();
	for (u32 p = 0; p < 2; p++)
		vgic_hooks.start(&partitions[p]);
	for (u32 s = 1; s < NSLOTS; s++)
		vgic_hooks.vcpu_start(&percpu[s].vcpu);
	before.gicd_writes = fake_gic.gicd_writes + 1; /* force a copy */
	snapshot();
}

/* --- invariants ---------------------------------------------------------- */

/* Distributor bits of word @off that partition @part may change or see. */
static u32 gicd_allowed(u32 part, u32 off)
{
	u32 m = 0;

	if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
		for (u32 i = 0, first = (off & 0x7f) * 8; i < 32; i++)
			if (owns_spi(part, first + i))
				m |= BIT32(i);
	} else if (off >= GICD_ICFGR && off < GICD_IGRPMODR) {
		for (u32 i = 0, first = (off - GICD_ICFGR) * 4; i < 16; i++)
			if (owns_spi(part, first + i))
				m |= 3U << (2 * i);
	} else if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 1020 &&
		   part_configs[part].direct) {
		for (u32 i = 0; i < 4; i++)
			if (owns_spi(part, off - GICD_IPRIORITYR + i))
				m |= 0xffU << (8 * i);
	}
	return m;
}

static void check_gicd(u32 part)
{
	if (fake_gic.gicd_writes == before.gicd_writes ||
	    !memcmp(fake_gic.gicd, before.gicd, sizeof(before.gicd)))
		return; /* nothing changed */
	for (u32 w = 0; w < ARRAY_SIZE(fake_gic.gicd); w++) {
		u32 changed = fake_gic.gicd[w] ^ before.gicd[w];

		if (changed)
			check(!(changed & ~gicd_allowed(part, w * 4)));
	}
}

/* A physical route to one of @part's CPUs. */
static bool route_ok(u32 part, u64 route)
{
	for (u32 s = 0; s < NSLOTS; s++)
		if (slot_in(s, part) &&
		    route == (cpu_configs[s].mpidr | FAKE_ROUTED))
			return true;
	return false;
}

static void check_routes(u32 part)
{
	if (!memcmp(fake_gic.route, before.route, sizeof(before.route)))
		return;
	for (u32 i = 0; i < ARRAY_SIZE(fake_gic.route); i++) {
		if (fake_gic.route[i] == before.route[i])
			continue;
		check(owns_spi(part, i));
		check(route_ok(part, fake_gic.route[i]));
	}
}

/* Only the timer PPI's bits in the set/clear registers of its own CPUs;
 * for a direct partition also its SGIs' bits, and their priorities. */
static void check_gicr(u32 part)
{
	u32 mine = part_configs[part].direct ? VGIC_DIRECT_PRIVATE
					     : BIT32(VGIC_PPI_VTIMER);

	for (u32 s = 0; s < NSLOTS; s++)
		check(slot_in(s, part) || fake_gic.sgis[s] == before.sgis[s]);
	if (!memcmp(fake_gic.gicr, before.gicr, sizeof(before.gicr)))
		return;
	for (u32 s = 0; s < NSLOTS; s++)
		for (u32 w = 0; w < ARRAY_SIZE(fake_gic.gicr[s]); w++) {
			u32 changed = fake_gic.gicr[s][w] ^ before.gicr[s][w];

			if (!changed)
				continue;
			check(slot_in(s, part));
			if (part_configs[part].direct &&
			    w * 4 >= GICD_IPRIORITYR && w * 4 < GICD_ICFGR) {
				for (u32 i = 0; i < 4; i++)
					if ((changed >> (8 * i)) & 0xff)
						check((mine >>
						       (w * 4 -
							GICD_IPRIORITYR + i)) &
						      1);
				continue;
			}
			check(w * 4 >= GICD_ISENABLER &&
			      w * 4 < GICD_IPRIORITYR && !(w * 4 & 0x7f));
			check(!(changed & ~mine));
		}
}

/* Another partition's vCPUs (SGIs included), SPIs and distributor. */
static void check_others(u32 part)
{
	for (u32 s = 1; s < NSLOTS; s++) {
		const struct vgic_cpu *g = &percpu[s].vcpu.vgic;

		if (slot_in(s, part))
			continue;
		check(!(g->sgi_pending & ~before.vgic[s].sgi_pending));
		check(!memcmp(g, &before.vgic[s], sizeof(*g)));
	}
	for (u32 i = 0; i < ARRAY_SIZE(vspis); i++) {
		check(vspis[i].part == before.vspis[i].part);
		if (!owns_spi(part, 32 + i))
			check(!memcmp(&vspis[i], &before.vspis[i],
				      sizeof(vspis[i])));
	}
	for (u32 p = 0; p < 2; p++)
		if (p != part)
			check(partitions[p].vgic.ctlr == before.ctlr[p]);
	for (u32 s = 0; s < NSLOTS; s++)
		if (requested & BIT32(s))
			check(slot_in(s, part));
}

/* A distributor read shows nothing of SPIs @part does not own. */
static void check_dist_read(u32 part, const struct mmio_access *a)
{
	u32 off = (u32)a->offset;

	if ((off >= GICD_IGROUPR && off < GICD_IPRIORITYR) ||
	    (off >= GICD_ICFGR && off < GICD_IGRPMODR)) {
		check(!(a->value & ~(u64)gicd_allowed(part, off & ~3U)));
	} else if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 1020) {
		for (u32 i = 0; i < a->size; i++)
			if (!owns_spi(part, off - GICD_IPRIORITYR + i))
				check(!((a->value >> (8 * i)) & 0xff));
	} else if (off >= GICD_IROUTER && off < GICD_IROUTER + 8 * 1020) {
		if (!owns_spi(part, (off - GICD_IROUTER) / 8))
			check(a->value == 0);
	}
}

/* List registers and queues: SGIs, or what the vCPU's partition owns. */
static void check_lrs(void)
{
	for (u32 s = 1; s < NSLOTS; s++) {
		u32 part = (u32)cpu_configs[s].part;
		const struct vgic_cpu *g = &percpu[s].vcpu.vgic;

		for (u32 n = 0; n < fake_gic.nlr; n++) {
			u64 lr = banks[s].lr[n];
			u32 intid = LR_VINTID(lr);

			if (!(lr & LR_STATE_MASK))
				continue;
			if (intid < 16) {
				check(!(lr & LR_HW));
				continue;
			}
			check(owns(part, intid));
			check((lr & LR_HW) && ((lr >> 32) & 0x1fff) == intid);
		}
		check(g->nqueue <= VGIC_QUEUE);
		for (u32 q = 0; q < g->nqueue; q++)
			check(g->queue[q] >= 16 && owns(part, g->queue[q]));
	}
}

/* --- steps --------------------------------------------------------------- */

enum step_kind {
	STEP_DIST,
	STEP_REDIST,
	STEP_SGI,
	STEP_INJECT,
	STEP_ACK,
	STEP_DEACTIVATE,
	STEP_MAINTENANCE,
	STEP_DIST2,
};

/* An MMIO access: @op bits 5-6 give its size, bit 7 read or write. */
static void step_mmio(struct fuzz_input *in, struct vcpu *v, u32 op, bool dist)
{
	u32 frame = dist ? 0 : (u32)fuzz_take(in, 1);
	u32 off = (u32)fuzz_take(in, 2);
	struct mmio_access a = { .size = 1U << ((op >> 5) & 3),
				 .write = op & 0x80,
				 .value = fuzz_take(in, 8) };
	u32 idx = (frame & 0x7f) % 3;

	if (dist) {
		a.offset = off & ~(a.size - 1);
		check(vgic_mmio(v, plat.gicd + a.offset, &a));
		if (!a.write)
			check_dist_read(v->part->index, &a);
		return;
	}
	a.offset = idx * plat.gicr_stride + (frame & 0x80 ? GICR_SGI_BASE : 0) +
		   (off & ~(a.size - 1));
	check(vgic_mmio(v, plat.gicr + a.offset, &a) ==
	      (idx < v->part->cfg->nvcpus));
}

/* The guest acknowledges (pending -> active) or deactivates an LR. */
static void step_guest(struct fuzz_input *in, bool ack)
{
	u64 *lr = &fake_gic.lr[fuzz_take(in, 1) % fake_gic.nlr];

	if (ack && (*lr & LR_STATE_MASK) == LR_PENDING)
		*lr = (*lr & ~LR_STATE_MASK) | LR_ACTIVE;
	else if (!ack)
		*lr &= ~LR_ACTIVE;
}

static void do_step(struct fuzz_input *in, struct vcpu *v, u32 op)
{
	u32 intid;

	switch ((enum step_kind)(op & 7)) {
	case STEP_DIST:
	case STEP_DIST2:
		step_mmio(in, v, op, true);
		break;
	case STEP_REDIST:
		step_mmio(in, v, op, false);
		break;
	case STEP_SGI:
		vgic_sgi(v, fuzz_take(in, 8));
		break;
	case STEP_INJECT:
		intid = (u32)fuzz_take(in, 1) & 63;
		if (owns(v->part->index, intid) &&
		    !in_flight(slot_of(v), intid))
			vgic_inject_hw(v, intid);
		break;
	case STEP_ACK:
	case STEP_DEACTIVATE:
		step_guest(in, (op & 7) == STEP_ACK);
		break;
	case STEP_MAINTENANCE:
		vgic_maintenance(v);
		break;
	default:
		break;
	}
}

/* vCPUs that got a request look at their interrupts, on their own CPU. */
static void serve_requests(void)
{
	for (u32 s = 1; s < NSLOTS; s++) {
		if (!(requested & BIT32(s)))
			continue;
		requested &= ~BIT32(s);
		load_bank(s);
		vgic_flush(&percpu[s].vcpu);
		save_bank(s);
	}
}

/* One step by the vCPU @op bits 3-4 name, then every invariant. */
static void step(struct fuzz_input *in)
{
	u32 op = (u32)fuzz_take(in, 1);
	u32 slot = 1 + ((op >> 3) & 3) % 3;
	struct vcpu *v = &percpu[slot].vcpu;
	u32 part = v->part->index;

	snapshot();
	requested = 0;
	load_bank(slot);
	do_step(in, v, op);
	save_bank(slot);
	check_gicd(part);
	check_routes(part);
	check_gicr(part);
	check_others(part);
	serve_requests();
	check_lrs();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { .p = data, .n = size };

	reset_system();
	for (size_t i = 0; i < ARRAY_SIZE(grants); i++)
		check(route_ok(grants[i].part - 1U,
			       fake_gic.route[grants[i].intid]));
	while (in.n)
		step(&in);
	return 0;
}
