/* SPDX-License-Identifier: MIT */
/*
 * Virtio-mmio devices served by driver partitions (core/vdev.c): register
 * writes of frontends, the drivers' hypercalls, and the lifecycle hooks.
 */
#pragma once

#include <bulkhead/spinlock.h>
#include <bulkhead/types.h>
#include <bulkhead/vdev_abi.h>
#include <bulkhead/vgic.h>

struct partition;
struct vcpu;

/** The core's private state of one device (storage in config.c). */
struct vdev {
	spinlock_t lock; /* taken by the frontend's and the driver's paths */
	u32 dev_sel, drv_sel, queue_sel; /* current selects */
	u32 isr;			 /* InterruptStatus */
	u64 drv_features;		 /* as being written */
};

extern struct vdev vdevs[];

/**
 * Raise driver partition @drv's doorbell if it armed it since the last
 * time (struct bh_driver_page): a frontend kicked, or the console has
 * lines for it.
 */
void vdev_ring_driver(struct vcpu *v, struct partition *drv);

/** Set up every device's register and state page (boot CPU, once). */
void vdev_init(void);

/**
 * A guest write @a (already decoded) at @ipa faulted: apply it if @ipa is
 * in one of @v's partition's device windows. False if it is not.
 */
bool vdev_mmio(struct vcpu *v, u64 ipa, struct mmio_access *a);

/**
 * Driver partition @v raises @bits of device @dev's InterruptStatus (or,
 * with @needs_reset, sets DEVICE_NEEDS_RESET): an SMCCC status.
 */
s64 vdev_raise(struct vcpu *v, u32 dev, u32 bits, bool needs_reset);
