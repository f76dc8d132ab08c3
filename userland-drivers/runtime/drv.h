/* SPDX-License-Identifier: MIT */
/*
 * The runtime of a driver partition: a bare-metal guest (partitions/
 * runtime) that serves virtio-mmio devices to other partitions. It finds
 * its devices in its device tree (/bulkhead, written by the config tool),
 * follows each device's state as its frontend negotiates it (the state
 * page the core keeps), sets up and resumes queues (userland-drivers/lib/
 * virtq.h), runs each device model's queue handler, raises the frontend's
 * interrupt, and sleeps on its doorbell when there is nothing to do (or,
 * if the device model asks for it, polls a while first).
 *
 *	static const struct drv_ops console_ops = { .device_id = 3, ... };
 *	drv_init(ops, n);          (finds the devices it serves)
 *	drv_run(idle, 0);          (never returns)
 *
 * A restarted driver partition starts the same way: every queue its
 * frontend had set up is resumed from shared memory (virtq_resume), and
 * what was popped but not completed before the restart is served again.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <bulkhead/vdev_abi.h>

#include "virtq.h"

#define DRV_MAX_DEVS BH_DRV_MAX_DEVS   /* bhconfig refuses more */
#define DRV_MAX_GRANT BH_DRV_MAX_GRANT /* regions per frontend */
#define DRV_MAX_SEGS 256 /* buffers in one chain a device model accepts */

struct drv_dev;

/** A device model: which devices it serves and what it does. */
struct drv_ops {
	u32 device_id;	  /* VIRTIO 1.2 §5 */
	const char *type; /* as the config tool names it ("console") */
	u32 max_bytes;	  /* bound on a chain's readable, and writable, bytes */
	/** The frontend reset the device (or it was never set up). */
	void (*reset)(struct drv_dev *d);
	/** Serve queue @q (its chains may be popped); true if it did work. */
	bool (*queue)(struct drv_dev *d, u32 q);
	/** It confirms resets itself (drv_quiesced()), when nothing of the
	 *  earlier life is left in its hands; else the runtime does, right
	 *  after @reset. */
	bool own_quiesce;
};

/** A device this partition serves. */
struct drv_dev {
	u32 index; /* the hypercall handle (its node's reg) */
	char frontend[16];
	const volatile struct bh_vdev_state *st;
	struct virtq_region grant[DRV_MAX_GRANT];
	u32 ngrant;
	struct virtq q[BH_VDEV_QUEUES];
	bool ready[BH_VDEV_QUEUES];
	u32 gen;     /* generation of st last acted on */
	u32 resets;  /* device resets seen */
	bool broken; /* NEEDS_RESET until the frontend resets it */
	const struct drv_ops *ops;
	u64 args[4]; /* device-specific values from the device tree */
	void *priv;  /* the device model's */
};

extern struct drv_dev drv_devs[DRV_MAX_DEVS];
extern u32 drv_ndevs;

/**
 * Find the devices this partition serves and match each with one of
 * @ops; returns how many were found. Devices with no model are reported
 * and left alone (their frontends see a device that never completes).
 */
u32 drv_init(const struct drv_ops *const *ops, u32 nops);

/**
 * Serve forever: poll every device and @idle (which returns true if it
 * did work, e.g. a UART had input), and wait on the doorbell when nothing
 * happened for @poll_us microseconds. While it polls, frontends are asked
 * not to kick (§2.7.10; drv_next()), so a busy frontend's requests cost
 * it no exit and this partition no doorbell; before it sleeps, kicks are
 * asked for again and everything looked at once more. @idle(true) comes
 * then: turn on what interrupts you turned off while polling, and look
 * once more. @idle may be NULL.
 */
__attribute__((__noreturn__)) void drv_run(bool (*idle)(bool sleep),
					   u64 poll_us);

/**
 * The next chain of @d's queue @q (virtq_next()), except that while
 * drv_run() polls, an empty queue leaves the frontend's kicks off.
 */
int drv_next(struct drv_dev *d, u32 q, struct virtq_chain *c);

/** Raise @d's frontend's used-buffer interrupt if queue @q asks for it. */
void drv_notify(struct drv_dev *d, u32 q);

/** Raise @d's frontend's used-buffer interrupt. */
void drv_raise(struct drv_dev *d);

/** Call @fn for every interrupt but the doorbell (a device's own). */
void drv_set_irq_hook(void (*fn)(uint32_t intid));

/** Give up on @d until its frontend resets it: one report line. */
void drv_fail(struct drv_dev *d, u32 q, int err);

/**
 * Confirm to the core that nothing of @d's life before reset number
 * @resets is left in this partition's hands: the frontend's reset (its
 * Status 0 write, or its restart) waits for this, bounded.
 */
void drv_quiesced(struct drv_dev *d, u32 resets);

/** The frontend reset the device since the last sync: complete nothing. */
bool drv_stale(const struct drv_dev *d);

/** Pop, serve with @fn and push every chain of queue @q; true if any.
 *  @fn returns the bytes it wrote into the chain's writable buffers. */
bool drv_drain(struct drv_dev *d, u32 q,
	       u32 (*fn)(struct drv_dev *d, const struct virtq_chain *c));

/** Doorbell interrupts taken so far (scripts/bench-io). */
extern u32 drv_doorbells;

/** The driver page (doorbell arming, console read positions). */
volatile struct bh_driver_page *drv_page(void);

/** The core's console rings (the console driver only), NULL if none. */
volatile struct bh_con_ring *drv_con_rings(u32 *n);
