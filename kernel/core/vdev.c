// SPDX-License-Identifier: MIT
/*
 * Virtio-mmio devices served by driver partitions (VIRTIO 1.2 §4.2, the
 * version 2 registers). The core holds each device's register file and
 * negotiated state in pages it shares (bulkhead/vdev_abi.h): the frontend
 * reads its registers without an exit, and every write it makes faults
 * once and is applied here at once, selects, features, queue set-up,
 * status and reset included. Only a reset then waits for the driver
 * partition, at most its reset-wait-ms, to confirm that nothing of the
 * device's old life is in its hands: a driver that is slow, dead or
 * restarting holds a frontend vCPU no longer than that, and only on a
 * reset.
 * Features and the device's config space are fixed at build time by the
 * config tool, so a device answers its frontend's probe even before its
 * driver runs.
 *
 * Data-path cost: a QueueNotify is one exit and posts a count the driver
 * reads from its state page; the driver is interrupted (its doorbell
 * SPI) only if it armed its doorbell since the core last rang it. The
 * driver raises the frontend's interrupt with one hypercall; the frontend
 * reads InterruptStatus from its page and writes InterruptACK (one exit).
 *
 * Each device's state is written under its own lock, which both sides'
 * paths take (the frontend's register writes, the driver's hypercalls):
 * no per-partition lock guards it. Critical sections are a few stores.
 */
#include <bulkhead/abi.h>
#include <bulkhead/arch.h>
#include <bulkhead/atomic.h>
#include <bulkhead/console.h>
#include <bulkhead/lib.h>
#include <bulkhead/partition.h>
#include <bulkhead/vdev.h>

#define STATUS_BITS 0xffU

static volatile u32 *reg(const struct vdev_config *c, u32 off)
{
	return (volatile u32 *)(c->regs + off);
}

static volatile struct bh_vdev_state *state(const struct vdev_config *c)
{
	return (volatile struct bh_vdev_state *)c->state;
}

static u32 feature_word(u64 f, u32 sel)
{
	return sel < 2U ? (u32)(f >> (32U * sel)) : 0U;
}

/* The banked registers as the current selects show them. */
static void show_selected(const struct vdev_config *c, const struct vdev *d)
{
	volatile struct bh_vdev_state *st = state(c);
	u32 q = d->queue_sel;

	*reg(c, VMMIO_DEVICE_FEATURES) = feature_word(c->features, d->dev_sel);
	*reg(c, VMMIO_QUEUE_NUM_MAX) = q < c->nqueues ? c->queue_max : 0U;
	*reg(c, VMMIO_QUEUE_READY) = q < c->nqueues ? st->queue[q].ready : 0U;
	*reg(c, VMMIO_QUEUE_NUM) = q < c->nqueues ? st->queue[q].num : 0U;
}

/* Device reset (§2.4): Status 0, or its frontend (re)starting. */
static void reset(const struct vdev_config *c, struct vdev *d)
{
	volatile struct bh_vdev_state *st = state(c);

	d->dev_sel = 0;
	d->drv_sel = 0;
	d->queue_sel = 0;
	d->isr = 0;
	d->drv_features = 0;
	st->resets++;
	st->status = 0;
	st->driver_features = 0;
	for (u32 q = 0; q < BH_VDEV_QUEUES; q++) {
		st->queue[q] = (struct bh_vq){ 0 };
	}
	*reg(c, VMMIO_STATUS) = 0;
	*reg(c, VMMIO_INTERRUPT_STATUS) = 0;
	show_selected(c, d);
}

void vdev_ring_driver(struct vcpu *v, struct partition *drv)
{
	const volatile struct bh_driver_page *pg =
		(const volatile struct bh_driver_page *)drv->cfg->drv_page;
	u32 armed, seen;

	/* The driver stores armed, then (DMB ISH) looks for work; here the
	 * work was stored (a frontend's ring index before its notify, the
	 * core's console ring), then armed is loaded. A store may pass a
	 * later load (Arm ARM B2.3), so without this full barrier both
	 * could see the old values: the driver would sleep on work nobody
	 * rings for. On this CPU it orders the guest's stores before the
	 * exit, too. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	armed = pg->armed;
	seen = atomic_load(&drv->doorbell_rung);

	if (armed != seen && atomic_cas(&drv->doorbell_rung, seen, armed)) {
		vgic_raise_virtual(v, drv, drv->cfg->doorbell);
	}
}

static void ring_driver(struct vcpu *v, const struct vdev_config *c)
{
	vdev_ring_driver(v, &partitions[c->driver]);
}

/* Raise the frontend's interrupt with @bits of InterruptStatus. Locked. */
static void raise_irq(struct vcpu *v, const struct vdev_config *c,
		      struct vdev *d, u32 bits)
{
	d->isr |= bits;
	*reg(c, VMMIO_INTERRUPT_STATUS) = d->isr;
	vgic_raise_virtual(v, &partitions[c->frontend], c->fe_irq);
}

static void set_status(const struct vdev_config *c, struct vdev *d, u32 val)
{
	volatile struct bh_vdev_state *st = state(c);
	u32 old = st->status;

	if (!val) {
		reset(c, d);
		return;
	}
	/* FEATURES_OK holds only for a subset of what is offered, with
	 * VERSION_1 (§3.1.1): the device refuses anything else. */
	if ((val & ~old & VIRTIO_STATUS_FEATURES_OK) &&
	    ((d->drv_features & ~c->features) ||
	     !(d->drv_features & BIT(VIRTIO_F_VERSION_1)))) {
		val &= ~VIRTIO_STATUS_FEATURES_OK;
	}
	if ((val & ~old & VIRTIO_STATUS_FEATURES_OK) != 0U) {
		st->driver_features = d->drv_features;
	}
	st->status = (val & STATUS_BITS) | (old & VIRTIO_STATUS_NEEDS_RESET);
	*reg(c, VMMIO_STATUS) = st->status;
}

/* A queue register of the selected queue; set-up only while not ready.
 * The address registers (0x080 + 16 n, low word then high word) fill
 * desc, driver and device as two little-endian words each. */
static void queue_write(const struct vdev_config *c, struct vdev *d, u32 off,
			u32 val)
{
	volatile struct bh_vq *q;
	u32 n = d->queue_sel;

	if (n >= c->nqueues) {
		return;
	}
	q = &state(c)->queue[n];
	if (off == VMMIO_QUEUE_READY) {
		q->ready = val & 1U;
	} else if (q->ready != 0U) {
		return; /* §4.2.3.2: set up a queue before it is ready */
	} else if (off == VMMIO_QUEUE_NUM) {
		q->num = val;
	} else {
		((volatile u32 *)&q
			 ->desc)[(off - VMMIO_QUEUE_DESC_LOW) / 16U * 2U +
				 (off & 4U) / 4U] = val;
	}
	show_selected(c, d);
}

/* Apply a 32-bit write to register @off. True if the driver should look. */
static bool reg_write(const struct vdev_config *c, struct vdev *d, u32 off,
		      u32 val)
{
	switch (off) {
	case VMMIO_DEVICE_FEATURES_SEL:
		d->dev_sel = val;
		show_selected(c, d);
		return false;
	case VMMIO_DRIVER_FEATURES_SEL:
		d->drv_sel = val;
		return false;
	case VMMIO_DRIVER_FEATURES:
		if (d->drv_sel < 2U &&
		    !(state(c)->status & VIRTIO_STATUS_FEATURES_OK)) {
			d->drv_features =
				(d->drv_features &
				 ~(0xffffffffUL << (32U * d->drv_sel))) |
				(u64)val << (32U * d->drv_sel);
		}
		return false;
	case VMMIO_QUEUE_SEL:
		d->queue_sel = val;
		show_selected(c, d);
		return false;
	case VMMIO_INTERRUPT_ACK:
		d->isr &= ~val;
		*reg(c, VMMIO_INTERRUPT_STATUS) = d->isr;
		return false;
	case VMMIO_STATUS:
		set_status(c, d, val);
		return true;
	case VMMIO_QUEUE_NUM:
	case VMMIO_QUEUE_READY:
	case VMMIO_QUEUE_DESC_LOW:
	case VMMIO_QUEUE_DESC_HIGH:
	case VMMIO_QUEUE_DRIVER_LOW:
	case VMMIO_QUEUE_DRIVER_HIGH:
	case VMMIO_QUEUE_DEVICE_LOW:
	case VMMIO_QUEUE_DEVICE_HIGH:
		queue_write(c, d, off, val);
		return off == VMMIO_QUEUE_READY;
	default:
		return false; /* read-only, or config space: ignored */
	}
}

/*
 * The state pages are Normal Non-cacheable, where exclusive accesses need
 * a global monitor that a system may not have (Arm ARM B2.9: it is
 * IMPLEMENTATION DEFINED for Non-cacheable memory; a Cortex-A55 then takes
 * an abort or never succeeds): no atomic read-modify-write there. Every
 * count on a state page is written under its device's lock, which is in
 * the core's own (cacheable) memory, by a plain load and store, after
 * everything written before it (a driver that sees the new count reads
 * the rest after it).
 */
static void bump(volatile u32 *count)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	*count = *count + 1U;
}

static void notify(struct vcpu *v, u32 i, u32 q)
{
	const struct vdev_config *c = &vdev_configs[i];
	struct vdev *d = &vdevs[i];

	if (q >= c->nqueues) {
		return;
	}
	spin_lock(&d->lock);
	bump(&state(c)->notify[q]);
	spin_unlock(&d->lock);
	ring_driver(v, c);
}

/*
 * A device reset is confirmed by its driver: it writes the device's
 * reset count to its page (quiesced[]) once it has seen the reset and
 * nothing of the device's earlier life is still in its hands: no
 * completion half written into the old rings and, for a driver with bus
 * masters, no request still on its disk, whose data would land in the
 * frontend's buffers. The frontend's Status 0 write, and a restarting
 * frontend before its memory is cleared, wait for that, bounded (the
 * driver partition's reset-wait-ms, 50 by default, on the frontend's own
 * CPU): a driver that is not running, or does not answer in time, is not
 * waited for any longer (the window is then what it was without the
 * wait: a completion in hand may still land in the old rings).
 */

/* Has @drv confirmed device @i's last reset, or stopped running? */
static bool quiesced(const struct vdev_config *c, u32 i,
		     const struct partition *drv)
{
	const volatile struct bh_driver_page *pg =
		(const volatile struct bh_driver_page *)drv->cfg->drv_page;

	/* Acquire: what the driver wrote before it confirmed is seen. */
	return (atomic_load(&pg->quiesced[i]) == state(c)->resets) ||
	       (atomic_load(&drv->state) != PART_RUNNING);
}

/* Wait until device @i's driver confirmed its reset; false if it did not
 * within its reset_wait_ms. */
static bool wait_quiesced(u32 i)
{
	const struct vdev_config *c = &vdev_configs[i];
	const struct partition *drv = &partitions[c->driver];
	u64 end = arch_counter() +
		  ((arch_counter_hz() / 1000U) * (u64)drv->cfg->reset_wait_ms);
	bool late = false;

	while (!quiesced(c, i, drv) && !late) {
		late = arch_counter() > end;
		arch_relax();
	}
	return !late;
}

/* A register write of device @i's frontend, applied under the device's
 * lock; a reset then waits for the driver's confirmation. */
static void frontend_write(struct vcpu *v, u32 i, u32 off, u32 val)
{
	const struct vdev_config *c = &vdev_configs[i];
	struct vdev *d = &vdevs[i];
	bool look;

	spin_lock(&d->lock);
	look = reg_write(c, d, off, val);
	if (look) {
		bump(&state(c)->generation);
	}
	spin_unlock(&d->lock);
	if (look) {
		ring_driver(v, c);
	}
	if ((off == VMMIO_STATUS) && (val == 0U)) {
		(void)wait_quiesced(i); /* a reset: see quiesced() */
	}
}

bool vdev_mmio(struct vcpu *v, u64 ipa, struct mmio_access *a)
{
	for (u32 i = 0; i < nr_vdevs; i++) {
		const struct vdev_config *c = &vdev_configs[i];
		u32 off = (u32)(ipa - c->window);

		if (c->frontend != v->part->index || ipa - c->window >= 4096U) {
			continue;
		}
		/* Reads never fault here; control registers are written 32
		 * bits at a time, aligned (§4.2.2.2); anything else is
		 * ignored, as writes to config space are (an exit all the
		 * same, and counted as one). */
		if (!a->write) {
			return false;
		}
		v->exits[EXIT_VIRTIO]++;
		if (a->size != 4U || off >= VMMIO_CONFIG) {
			return true;
		}
		if (off == VMMIO_QUEUE_NOTIFY) {
			notify(v, i, (u32)a->value);
			return true;
		}
		frontend_write(v, i, off, (u32)a->value);
		return true;
	}
	return false;
}

/* Raise @bits; or with @needs_reset, mark the device life @bits (its
 * resets count; any life with @any) broken. */
static void raise_locked(struct vcpu *v, u32 dev, u32 bits, bool needs_reset,
			 bool any)
{
	const struct vdev_config *c = &vdev_configs[dev];
	struct vdev *d = &vdevs[dev];

	spin_lock(&d->lock);
	if (needs_reset) {
		/* Only for the device life the driver saw (@bits: its resets
		 * count): one the frontend has reset since is not broken. */
		if (any || (state(c)->resets == bits)) {
			state(c)->status |= VIRTIO_STATUS_NEEDS_RESET;
			*reg(c, VMMIO_STATUS) = state(c)->status;
			raise_irq(v, c, d, VIRTIO_INT_CONFIG);
		}
	} else if (bits != 0U) {
		raise_irq(v, c, d, bits);
	} else {
		/* nothing to raise */
	}
	spin_unlock(&d->lock);
}

s64 vdev_raise(struct vcpu *v, u32 dev, u32 bits, bool needs_reset)
{
	if ((dev >= nr_vdevs) || (vdev_configs[dev].driver != v->part->index) ||
	    (!needs_reset &&
	     ((bits & ~(VIRTIO_INT_VRING | VIRTIO_INT_CONFIG)) != 0U))) {
		return SMCCC_INVALID_PARAMETER;
	}
	raise_locked(v, dev, bits, needs_reset, false);
	return SMCCC_SUCCESS;
}

void vdev_init(void)
{
	/* Register and state pages, driver pages, console rings: all of it
	 * starts zeroed, whatever the loader left there. */
	if (plat.shared_size != 0U) {
		arch_mem_zero((void *)plat.shared_base, plat.shared_size);
	}
	for (u32 i = 0; i < nr_vdevs; i++) {
		const struct vdev_config *c = &vdev_configs[i];
		volatile struct bh_vdev_state *st = state(c);

		*reg(c, VMMIO_MAGIC) = VMMIO_MAGIC_VALUE;
		*reg(c, VMMIO_VERSION) = 2;
		*reg(c, VMMIO_DEVICE_ID) = c->device_id;
		*reg(c, VMMIO_VENDOR_ID) = VMMIO_VENDOR_BULKHEAD;
		for (u32 k = 0; k < c->config_len; k++) {
			((volatile u8 *)c->regs)[VMMIO_CONFIG + k] =
				c->config[k];
		}
		st->magic = BH_VDEV_MAGIC;
		st->device_id = c->device_id;
		st->device_features = c->features;
		st->nqueues = c->nqueues;
		st->queue_max = c->queue_max;
		(void)memcpy(
			(void *)st->frontend, partitions[c->frontend].cfg->name,
			MIN(strlen(partitions[c->frontend].cfg->name), 15UL));
		reset(c, &vdevs[i]);
	}
}

/*
 * A frontend that stops or restarts resets its devices, and its driver
 * hears of it; a driver that stops for good (not a restart) leaves its
 * devices needing a reset, and their frontends hear of that. A driver's
 * restart is invisible to its frontends: the state is all here.
 */
static void part_stop(struct partition *p, u32 to)
{
	struct vcpu *v = &this_cpu()->vcpu;

	for (u32 i = 0; i < nr_vdevs; i++) {
		const struct vdev_config *c = &vdev_configs[i];
		struct vdev *d = &vdevs[i];

		if (c->frontend == p->index) {
			spin_lock(&d->lock);
			reset(c, d);
			bump(&state(c)->generation);
			spin_unlock(&d->lock);
			ring_driver(v, c);
		} else if (c->driver == p->index && to != PART_RESET) {
			/* Its driver is gone for good: whatever life the
			 * device is in needs a reset. */
			raise_locked(v, i, 0U, true, true);
		} else {
			/* a restarting driver, or not this device's */
		}
	}
}

/* A restarting frontend: its memory is cleared once every driver of its
 * devices confirmed their reset (part_stop). */
static void part_clear(struct partition *p)
{
	for (u32 i = 0; i < nr_vdevs; i++) {
		const struct vdev_config *c = &vdev_configs[i];

		if ((c->frontend == p->index) && !wait_quiesced(i)) {
			pr("partition %s: %s did not confirm its device %u idle within %u ms\n",
			   p->cfg->name, partitions[c->driver].cfg->name, i,
			   (u32)partitions[c->driver].cfg->reset_wait_ms);
		}
	}
}

const struct part_hooks vdev_hooks = {
	.clear = part_clear,
	.stop = part_stop,
};
