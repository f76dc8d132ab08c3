// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the core's virtio-mmio devices (kernel/core/
 * vdev.c): what a frontend writes into its register window, what a
 * driver partition asks with VDEV_RAISE, and the partitions' lifecycle
 * (a stop, a restart, a driver that confirms a reset or not). Two
 * devices, of two frontends (linux, rt), served by one driver (blk):
 * every step comes from the input, from any partition, with any offset,
 * size and value. Its pages are globals, which ASan fences. Checked
 * after every step:
 *
 *   - isolation: a step touches only its actor's devices (a frontend's
 *     writes its own device's pages, a driver's raise the devices it
 *     serves, a partition's stop those it is frontend or driver of);
 *     every other device's register and state pages are byte for byte
 *     what they were, and nobody is interrupted but the device's
 *     frontend (its interrupt) or driver (its doorbell);
 *   - a raise for a device the caller does not serve is refused;
 *   - each device: what the build fixed (magic, version, IDs, offered
 *     features, config space, queue count and size, frontend name)
 *     stays; Status on the register page is the state page's;
 *     FEATURES_OK only with offered features and VERSION_1;
 *     InterruptStatus only the two defined bits; the banked registers
 *     follow the selects; queues past the device's count stay zero.
 *
 * A reset waits for the driver (bounded by its reset-wait-ms on a fake
 * clock), so no input hangs. A violation traps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"

#include <bulkhead/abi.h>
#include <bulkhead/arch.h>
#include <bulkhead/atomic.h>
#include <bulkhead/console.h>
#include <bulkhead/partition.h>
#include <bulkhead/vdev.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* --- the system: linux (0) and rt (2) are frontends of blk (1) ----------- */

#define LINUX 0
#define BLK 1
#define RT 2
#define NDEV 2
#define DOORBELL 130

static u8 regs_page[NDEV][4096] __attribute__((aligned(4096)));
static u8 state_page[NDEV][4096] __attribute__((aligned(4096)));
static struct bh_driver_page drv_pg;
static const u8 cfg0[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, cfg1[2] = { 9, 10 };
static const u8 slot0[] = { 0 }, slot1[] = { 1 }, slot2[] = { 2 };

#define FEATURES                                                         \
	(1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_F_ACCESS_PLATFORM | \
	 1ULL << 9)

const struct part_config part_configs[] = {
	{ .name = "linux", .nvcpus = 1, .vcpu_slot = slot0 },
	{ .name = "blk",
	  .nvcpus = 1,
	  .vcpu_slot = slot1,
	  .drv_page = (u64)&drv_pg,
	  .doorbell = DOORBELL,
	  .reset_wait_ms = 3 },
	{ .name = "rt", .nvcpus = 1, .vcpu_slot = slot2 },
};
const u32 nr_partitions = 3;
struct partition partitions[3];
struct cpu percpu[3];
const struct vdev_config vdev_configs[NDEV] = {
	{ .frontend = LINUX,
	  .driver = BLK,
	  .nqueues = 2,
	  .config_len = sizeof(cfg0),
	  .queue_max = 256,
	  .fe_irq = 40,
	  .device_id = 2,
	  .features = FEATURES,
	  .window = 0x0a000000,
	  .regs = (u64)regs_page[0],
	  .state = (u64)state_page[0],
	  .config = cfg0 },
	{ .frontend = RT,
	  .driver = BLK,
	  .nqueues = 1,
	  .config_len = sizeof(cfg1),
	  .queue_max = 64,
	  .fe_irq = 41,
	  .device_id = 3,
	  .features = 1ULL << VIRTIO_F_VERSION_1,
	  .window = 0x0a001000, /* right after the first: a neighbour */
	  .regs = (u64)regs_page[1],
	  .state = (u64)state_page[1],
	  .config = cfg1 },
};
const u32 nr_vdevs = NDEV;
struct vdev vdevs[NDEV];
const struct plat_config plat;

/* --- fakes -----------------------------------------------------------------
 */

static struct cpu *current;
static u64 now;
static bool answers; /* the driver confirms resets while waited for */

/* Who may be interrupted in this step, and with what. */
static bool may_raise[3][2]; /* [partition][0: a frontend irq, 1: doorbell] */

void vgic_raise_virtual(struct vcpu *v, const struct partition *p, u32 intid)
{
	u32 i = p->index;

	(void)v;
	check(p == &partitions[i] && i < 3);
	if (intid == DOORBELL) {
		check(i == BLK && may_raise[i][1]);
		return;
	}
	check(may_raise[i][0]);
	check((i == LINUX && intid == vdev_configs[0].fe_irq) ||
	      (i == RT && intid == vdev_configs[1].fe_irq));
}

struct cpu *this_cpu(void)
{
	return current;
}

u64 arch_counter(void)
{
	return now += 1000;
}

u64 arch_counter_hz(void)
{
	return 1000000;
}

void arch_relax(void)
{
	if (answers)
		for (u32 i = 0; i < NDEV; i++)
			drv_pg.quiesced[i] =
				((const struct bh_vdev_state *)state_page[i])
					->resets;
}

void printk(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
}

void arch_mem_zero(void *p, u64 len)
{
	memset(p, 0, len);
}

/* --- the input ----------------------------------------------------------- */

static struct fuzz_input in;

static u64 take(u32 bytes)
{
	return (u64)fuzz_take(&in, bytes);
}

/* --- invariants ------------------------------------------------------------
 */

static u32 rd(u32 dev, u32 off)
{
	return *(const u32 *)(regs_page[dev] + off);
}

static const struct bh_vdev_state *st(u32 dev)
{
	return (const struct bh_vdev_state *)state_page[dev];
}

static void device_holds(u32 i)
{
	const struct vdev_config *c = &vdev_configs[i];
	const struct bh_vdev_state *s = st(i);
	const struct vdev *d = &vdevs[i];
	static const u8 zero[sizeof(struct bh_vq)];

	check(rd(i, VMMIO_MAGIC) == VMMIO_MAGIC_VALUE);
	check(rd(i, VMMIO_VERSION) == 2);
	check(rd(i, VMMIO_DEVICE_ID) == c->device_id);
	check(rd(i, VMMIO_VENDOR_ID) == VMMIO_VENDOR_BULKHEAD);
	check(!memcmp(regs_page[i] + VMMIO_CONFIG, c->config, c->config_len));
	check(s->magic == BH_VDEV_MAGIC && s->device_id == c->device_id);
	check(s->device_features == c->features);
	check(s->nqueues == c->nqueues && s->queue_max == c->queue_max);
	check(!strcmp(s->frontend, part_configs[c->frontend].name));
	check(rd(i, VMMIO_STATUS) == s->status);
	if (s->status & VIRTIO_STATUS_FEATURES_OK)
		check(!(s->driver_features & ~c->features) &&
		      (s->driver_features >> VIRTIO_F_VERSION_1 & 1));
	check(rd(i, VMMIO_INTERRUPT_STATUS) == d->isr);
	check(!(d->isr & ~(u32)(VIRTIO_INT_VRING | VIRTIO_INT_CONFIG)));
	check(rd(i, VMMIO_DEVICE_FEATURES) ==
	      (d->dev_sel < 2 ? (u32)(c->features >> (32 * d->dev_sel)) : 0));
	check(rd(i, VMMIO_QUEUE_NUM_MAX) ==
	      (d->queue_sel < c->nqueues ? c->queue_max : 0));
	check(rd(i, VMMIO_QUEUE_NUM) ==
	      (d->queue_sel < c->nqueues ? s->queue[d->queue_sel].num : 0));
	check(rd(i, VMMIO_QUEUE_READY) ==
	      (d->queue_sel < c->nqueues ? s->queue[d->queue_sel].ready : 0));
	for (u32 q = c->nqueues; q < BH_VDEV_QUEUES; q++)
		check(!memcmp((const void *)&s->queue[q], zero, sizeof(zero)) &&
		      s->notify[q] == 0);
	for (u32 q = 0; q < c->nqueues; q++)
		check(s->queue[q].ready <= 1);
}

/* --- steps --------------------------------------------------------------- */

static u8 before[NDEV][2][4096];

static void snapshot(void)
{
	for (u32 i = 0; i < NDEV; i++) {
		memcpy(before[i][0], regs_page[i], 4096);
		memcpy(before[i][1], state_page[i], 4096);
	}
}

/* Device @i is left as it was. */
static void untouched(u32 i)
{
	check(!memcmp(before[i][0], regs_page[i], 4096));
	check(!memcmp(before[i][1], state_page[i], 4096));
}

static void act_as(u32 p)
{
	current = &percpu[p];
	memset(may_raise, 0, sizeof(may_raise));
}

static void step(void)
{
	u32 op = (u32)take(1), p = (op >> 4 & 3) % 3, dev = op >> 6 & 1;

	act_as(p);
	snapshot();
	switch (op & 7) {
	case 0:
	case 1:
	case 2: { /* a register access by partition p */
		static const u32 sizes[4] = { 1, 2, 4, 8 };
		static const u32 named[] = {
			VMMIO_MAGIC,
			VMMIO_DEVICE_FEATURES,
			VMMIO_DEVICE_FEATURES_SEL,
			VMMIO_DRIVER_FEATURES,
			VMMIO_DRIVER_FEATURES_SEL,
			VMMIO_QUEUE_SEL,
			VMMIO_QUEUE_NUM_MAX,
			VMMIO_QUEUE_NUM,
			VMMIO_QUEUE_READY,
			VMMIO_QUEUE_NOTIFY,
			VMMIO_INTERRUPT_STATUS,
			VMMIO_INTERRUPT_ACK,
			VMMIO_STATUS,
			VMMIO_QUEUE_DESC_LOW,
			VMMIO_QUEUE_DESC_HIGH,
			VMMIO_QUEUE_DRIVER_LOW,
			VMMIO_QUEUE_DRIVER_HIGH,
			VMMIO_QUEUE_DEVICE_LOW,
			VMMIO_QUEUE_DEVICE_HIGH,
			VMMIO_CONFIG_GENERATION,
			VMMIO_CONFIG,
			4092,
		};
		u32 off;
		struct mmio_access a = { .write = (op & 7) != 2 };
		bool mine;

		if (op >> 7 & 1) {
			/* A named register, 32 bits, a small value or any */
			u32 k = (u32)take(1);

			off = named[(k & 0x7f) %
				    (sizeof(named) / sizeof(named[0]))];
			a.size = 4;
			a.value = k & 0x80 ? take(4) : take(1) & 15;
		} else {
			/* Anything in the two windows and past them */
			off = (u32)take(2) & 0x1fff;
			a.size = sizes[take(1) & 3];
			a.value = take(a.size);
		}
		a.offset = off;
		for (u32 i = 0; i < NDEV; i++)
			if (vdev_configs[i].frontend == p)
				may_raise[vdev_configs[i].driver][1] = true;
		mine = vdev_mmio(&percpu[p].vcpu,
				 vdev_configs[dev].window + off, &a);
		/* Its own window, written: the core takes it. */
		{
			u64 ipa = vdev_configs[dev].window + off;
			bool own = false;

			for (u32 i = 0; i < NDEV; i++)
				own |= vdev_configs[i].frontend == p &&
				       ipa - vdev_configs[i].window < 4096;
			check(mine == (own && a.write));
		}
		for (u32 i = 0; i < NDEV; i++)
			if (vdev_configs[i].frontend != p || !a.write)
				untouched(i);
		break;
	}
	case 3: { /* VDEV_RAISE by partition p */
		u32 d = (u32)take(1), bits = (u32)take(4);
		bool reset = op >> 3 & 1;
		s64 r;

		if (d & 0x80)
			d &= 1;
		if (d < NDEV && vdev_configs[d].driver == p)
			may_raise[vdev_configs[d].frontend][0] = true;
		r = vdev_raise(&percpu[p].vcpu, d, bits, reset);
		if (d >= NDEV || vdev_configs[d].driver != p)
			check(r == SMCCC_INVALID_PARAMETER);
		for (u32 i = 0; i < NDEV; i++)
			if (i != d || r != SMCCC_SUCCESS)
				untouched(i);
		break;
	}
	case 4: /* partition p stops (for good or to restart) */
	case 5: {
		u32 to = (op & 7) == 4 ? PART_RESET : PART_STOPPED;

		for (u32 i = 0; i < NDEV; i++) {
			if (vdev_configs[i].frontend == p)
				may_raise[vdev_configs[i].driver][1] = true;
			if (vdev_configs[i].driver == p && to != PART_RESET)
				may_raise[vdev_configs[i].frontend][0] = true;
		}
		atomic_store(&partitions[p].state, to);
		vdev_hooks.stop(&partitions[p], to);
		for (u32 i = 0; i < NDEV; i++)
			if (vdev_configs[i].frontend != p &&
			    (vdev_configs[i].driver != p || to == PART_RESET))
				untouched(i);
		break;
	}
	case 6: /* partition p (re)starts: its memory is cleared after the wait
		 */
		vdev_hooks.clear(&partitions[p]);
		atomic_store(&partitions[p].state, PART_RUNNING);
		for (u32 i = 0; i < NDEV; i++)
			untouched(i);
		break;
	default: /* the driver confirms every reset now, or stops doing so */
		answers = op >> 3 & 1;
		arch_relax();
		break;
	}
	for (u32 i = 0; i < NDEV; i++)
		device_holds(i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	in = (struct fuzz_input){ data, size };
	memset(&drv_pg, 0, sizeof(drv_pg));
	memset(partitions, 0, sizeof(partitions));
	memset(vdevs, 0, sizeof(vdevs));
	memset(percpu, 0, sizeof(percpu));
	for (u32 i = 0; i < 3; i++) {
		partitions[i].cfg = &part_configs[i];
		partitions[i].index = i;
		partitions[i].state = PART_RUNNING;
		percpu[i].vcpu.part = &partitions[i];
		percpu[i].slot = i;
	}
	answers = false;
	act_as(LINUX);
	/* vdev_init() zeroes the shared region (none here: by hand) */
	memset(regs_page, 0, sizeof(regs_page));
	memset(state_page, 0, sizeof(state_page));
	vdev_init();
	for (u32 i = 0; i < NDEV; i++)
		device_holds(i);
	while (in.n)
		step();
	return 0;
}
