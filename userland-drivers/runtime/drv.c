// SPDX-License-Identifier: MIT
/*
 * The driver-partition runtime (drv.h): devices from the device tree, the
 * state machine that follows each frontend through its state page, the
 * serve loop with its doorbell, and the hypercalls.
 *
 * A state page is written by the core on the frontend's behalf while this
 * partition reads it: everything in it is read once into locals and
 * checked; the generation counter says when to look again (the core bumps
 * it after each change it makes, so a change that races with a read is
 * seen on the next pass).
 */
#include <bulkhead/abi.h>
#include <bulkhead/lib.h>

#include "drv.h"
#include "rt.h"
#include "virtq_barrier.h"

struct drv_dev drv_devs[DRV_MAX_DEVS];
u32 drv_ndevs;

static struct {
	u64 page;     /* IPA of struct bh_driver_page */
	u32 doorbell; /* its virtual SPI */
	u64 rings;    /* console rings (IPA), 0 if none */
	u32 nrings;
	bool overflow; /* more devices than DRV_MAX_DEVS */
	bool grants;   /* a device with more grant regions than DRV_MAX_GRANT */
} dt;

static char types[DRV_MAX_DEVS][16];

/* /bulkhead/vdev@N: the device with index N, in the order they come. */
static struct drv_dev *dev_at(const char *path)
{
	static u32 seen[DRV_MAX_DEVS];
	u32 n = 0;

	if (memcmp(path, "/bulkhead/vdev@", 15))
		return NULL;
	for (const char *p = path + 15; *p >= '0' && *p <= '9'; p++)
		n = n * 10 + (u32)(*p - '0');
	for (u32 i = 0; i < drv_ndevs; i++)
		if (seen[i] == n)
			return &drv_devs[i];
	if (drv_ndevs == DRV_MAX_DEVS) {
		dt.overflow = true;
		return NULL;
	}
	seen[drv_ndevs] = n;
	return &drv_devs[drv_ndevs++];
}

static void dt_prop(void *ctx, const char *path, const char *prop,
		    const void *val, uint32_t len)
{
	struct drv_dev *d;

	(void)ctx;
	if (!strcmp(path, "/bulkhead")) {
		if (!strcmp(prop, "driver-page"))
			dt.page = rt_fdt_cells(val, len, 0);
		else if (!strcmp(prop, "doorbell"))
			dt.doorbell = (u32)rt_fdt_cells(val, len, 0);
		else if (!strcmp(prop, "console-rings"))
			dt.rings = rt_fdt_cells(val, len, 0);
		else if (!strcmp(prop, "console-nrings"))
			dt.nrings = (u32)rt_fdt_cells(val, len, 0);
		return;
	}
	d = dev_at(path);
	if (!d)
		return;
	if (!strcmp(prop, "reg")) {
		d->index = (u32)rt_fdt_cells(val, len, 0);
	} else if (!strcmp(prop, "state")) {
		d->st = (const volatile struct bh_vdev_state *)rt_fdt_cells(
			val, len, 0);
	} else if (!strcmp(prop, "type") && len && len <= 16) {
		memcpy(types[d - drv_devs], val, len);
		types[d - drv_devs][15] = 0;
	} else if (!strcmp(prop, "frontend") && len && len <= 16) {
		memcpy(d->frontend, val, len);
		d->frontend[15] = 0;
	} else if (!strcmp(prop, "grant")) {
		/* <guest base, size, local address> triples, 64-bit each */
		dt.grants |= len / 24 > DRV_MAX_GRANT;
		for (u32 i = 0; i < len / 24 && i < DRV_MAX_GRANT; i++) {
			d->grant[i].guest = rt_fdt_cells(val, len, 3 * i);
			d->grant[i].size = rt_fdt_cells(val, len, 3 * i + 1);
			d->grant[i].local =
				(void *)rt_fdt_cells(val, len, 3 * i + 2);
			d->ngrant = i + 1;
		}
	} else if (!strcmp(prop, "args")) {
		for (u32 i = 0; i < len / 8 && i < 4; i++)
			d->args[i] = rt_fdt_cells(val, len, i);
	}
}

volatile struct bh_driver_page *drv_page(void)
{
	return (volatile struct bh_driver_page *)dt.page;
}

volatile struct bh_con_ring *drv_con_rings(u32 *n)
{
	*n = dt.nrings;
	return (volatile struct bh_con_ring *)dt.rings;
}

u32 drv_init(const struct drv_ops *const *ops, u32 nops)
{
	rt_fdt_walk(rt_dtb(), dt_prop, NULL);
	if (dt.overflow)
		printf("more devices than %d: the rest are not served\n",
		       DRV_MAX_DEVS);
	if (dt.grants)
		printf("a frontend has more than %d memory ranges: buffers beyond them fail\n",
		       DRV_MAX_GRANT);
	for (u32 i = 0; i < drv_ndevs; i++) {
		struct drv_dev *d = &drv_devs[i];

		for (u32 k = 0; k < nops && !d->ops; k++)
			if (!strcmp(types[i], ops[k]->type))
				d->ops = ops[k];
		if (!d->st || d->st->magic != BH_VDEV_MAGIC || !d->ops) {
			printf("vdev %u (%s for %s): not served\n", i, types[i],
			       d->frontend);
			d->ops = NULL;
			continue;
		}
		d->gen = d->st->generation - 1; /* look at it at once */
		d->resets = d->st->resets;
		if (!d->ops->own_quiesce) /* nothing in hand after a boot */
			drv_quiesced(d, d->resets);
	}
	rt_gic_init();
	rt_gic_cpu_init();
	if (dt.doorbell)
		rt_irq_config(dt.doorbell, 0x80, true);
	return drv_ndevs;
}

void drv_raise(struct drv_dev *d)
{
	uint64_t a[7] = { d->index, VIRTIO_INT_VRING };

	rt_hvc(BH_HC_VDEV_RAISE, a, NULL);
}

void drv_notify(struct drv_dev *d, u32 q)
{
	if (virtq_need_interrupt(&d->q[q]))
		drv_raise(d);
}

void drv_fail(struct drv_dev *d, u32 q, int err)
{
	const struct virtq_fault *f = virtq_fault(&d->q[q]);
	uint64_t a[7] = { d->index, d->resets };

	printf("vdev %u (%s for %s) queue %u: %s (descriptor %u, value 0x%lx): device needs a reset\n",
	       d->index, d->ops->type, d->frontend, q, virtq_strerror(err),
	       f->index, f->value);
	d->broken = true;
	rt_hvc(BH_HC_VDEV_NEEDS_RESET, a, NULL);
}

void drv_quiesced(struct drv_dev *d, u32 resets)
{
	volatile struct bh_driver_page *pg = drv_page();

	if (!pg)
		return;
	virtq_mb(); /* every store of the earlier life before this one */
	pg->quiesced[d->index % BH_VDEV_MAX] = resets;
}

/* Has the frontend reset the device since this partition last looked?
 * (The core applies a reset at once, without waiting for the driver: a
 * handler checks this before each completion it writes, so that at most
 * the one in hand can still reach the old rings.) */
bool drv_stale(const struct drv_dev *d)
{
	return d->st->resets != d->resets;
}

static bool polling; /* drv_run() polls: kicks stay off */

int drv_next(struct drv_dev *d, u32 q, struct virtq_chain *c)
{
	int r;

	if (!polling)
		return virtq_next(&d->q[q], c);
	r = virtq_pop(&d->q[q], c);
	if (r > 0)
		virtq_kicks_off(&d->q[q]);
	return r;
}

bool drv_drain(struct drv_dev *d, u32 q,
	       u32 (*fn)(struct drv_dev *d, const struct virtq_chain *c))
{
	struct virtq_seg seg[DRV_MAX_SEGS];
	struct virtq_chain c = { .seg = seg, .cap = DRV_MAX_SEGS };
	bool any = false;
	int r;

	while ((r = drv_next(d, q, &c)) > 0) {
		u32 len = fn(d, &c);

		if (drv_stale(d))
			return any; /* reset meanwhile: the next sync serves
				       anew */
		r = virtq_push(&d->q[q], c.head, len);
		if (r < 0)
			break;
		any = true;
	}
	if (r < 0)
		drv_fail(d, q, r);
	else if (any)
		drv_notify(d, q);
	return any;
}

/* Follow what the frontend did since the last look (generation). */
static void sync(struct drv_dev *d, u32 gen)
{
	const volatile struct bh_vdev_state *st = d->st;
	u64 features = st->driver_features;
	u32 status = st->status, nq = st->nqueues;

	u32 resets = st->resets;

	d->gen = gen;
	if (resets != d->resets) { /* reset: forget it all, serve anew */
		d->resets = resets;
		memset(d->ready, 0, sizeof(d->ready));
		d->broken = false;
		d->ops->reset(d);
		if (!d->ops->own_quiesce)
			drv_quiesced(d, resets);
	}
	if (!(status & VIRTIO_STATUS_DRIVER_OK) || d->broken)
		return;
	for (u32 q = 0; q < nq && q < BH_VDEV_QUEUES; q++) {
		struct virtq_config cfg = {
			.size = st->queue[q].num,
			.desc = st->queue[q].desc,
			.avail = st->queue[q].driver,
			.used = st->queue[q].device,
			.event_idx = features >> VIRTIO_F_EVENT_IDX & 1,
			.indirect = features >> VIRTIO_F_INDIRECT_DESC & 1,
			.max_bytes = d->ops->max_bytes,
		};
		int r;

		if (!st->queue[q].ready || d->ready[q])
			continue;
		/* Resume, not init: the queue may have run before this
		 * partition (re)started; a fresh queue has used idx 0. */
		r = virtq_resume(&d->q[q], &cfg, d->grant, d->ngrant);
		if (r < 0) {
			drv_fail(d, q, r);
			return;
		}
		d->ready[q] = true;
		drv_raise(d); /* a completion may have lost its interrupt */
	}
}

static bool poll(struct drv_dev *d)
{
	u32 gen;
	bool work = false;

	if (!d->ops)
		return false;
	gen = d->st->generation;
	virtq_rmb();
	if (gen != d->gen) {
		sync(d, gen);
		work = true;
	}
	if (d->broken || !(d->st->status & VIRTIO_STATUS_DRIVER_OK))
		return work;
	for (u32 q = 0; q < BH_VDEV_QUEUES && !d->broken; q++)
		if (d->ready[q])
			work |= d->ops->queue(d, q);
	return work;
}

/* One look at everything; true if anything had work. */
static bool look(bool (*idle)(bool sleep), bool sleep)
{
	bool work = idle ? idle(sleep) : false;

	for (u32 i = 0; i < drv_ndevs; i++)
		work |= poll(&drv_devs[i]);
	return work;
}

void drv_run(bool (*idle)(bool sleep), u64 poll_us)
{
	volatile struct bh_driver_page *pg = drv_page();
	u32 armed = pg ? pg->armed : 0;
	u64 window = poll_us * (rt_frequency() / 1000000), last = rt_counter();

	for (;;) {
		polling = window != 0;
		if (look(idle, false)) {
			last = rt_counter();
			continue;
		}
		if (rt_counter() - last < window)
			continue;
		/* No driver page: this partition serves no device and has no
		 * console rings, so no work can ever come; sleep, not spin (its
		 * CPU may be a host thread that others need). */
		if (!pg) {
			rt_wfi();
			continue;
		}
		/* Nothing for @poll_us: kicks back on, arm the doorbell, then
		 * look once more: whatever comes after this look rings it,
		 * and WFI wakes even with interrupts masked. */
		polling = false;
		rt_irq_mask();
		pg->armed = ++armed;
		virtq_mb();
		if (!look(idle, true))
			rt_wfi_unmask();
		rt_irq_unmask();
		last = rt_counter();
	}
}

static void (*irq_hook)(uint32_t intid);

void drv_set_irq_hook(void (*fn)(uint32_t intid))
{
	irq_hook = fn;
}

u32 drv_doorbells;

void guest_irq(uint32_t intid, uint64_t stamp)
{
	(void)stamp;
	if (intid == dt.doorbell)
		drv_doorbells++;
	else if (irq_hook)
		irq_hook(intid);
}
