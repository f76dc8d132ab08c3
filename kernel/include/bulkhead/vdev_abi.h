/* SPDX-License-Identifier: MIT */
/*
 * The pages the core shares with driver partitions for the virtio devices
 * they serve (docs/virtio.md), and the hypercalls that go with them.
 * Self-contained: driver partitions include it too. Little-endian, as
 * virtio-mmio and AArch64 are.
 *
 * For each device the core keeps two pages, mapped Normal Non-cacheable
 * into everyone who sees them (the core too), so that no cache stands
 * between writer and reader whatever a guest's own stage 1 says:
 *  - the register page: the virtio-mmio registers (VIRTIO 1.2 §4.2.2) as
 *    its frontend reads them, mapped read-only at the device's window.
 *    Reads never exit; a write faults and the core applies it at once;
 *  - the state page (struct bh_vdev_state): what the frontend negotiated,
 *    mapped read-only into the serving driver partition. It outlives a
 *    restart of the driver, which resumes from it.
 * Each driver partition also has one page it may write (struct
 * bh_driver_page): its doorbell arming word and, for the partition that
 * drains the core's console, its read positions.
 */
#pragma once

#include <stdint.h>

/* virtio-mmio register offsets, version 2 (VIRTIO 1.2 §4.2.2). */
#define VMMIO_MAGIC 0x000U
#define VMMIO_VERSION 0x004U
#define VMMIO_DEVICE_ID 0x008U
#define VMMIO_VENDOR_ID 0x00cU
#define VMMIO_DEVICE_FEATURES 0x010U
#define VMMIO_DEVICE_FEATURES_SEL 0x014U
#define VMMIO_DRIVER_FEATURES 0x020U
#define VMMIO_DRIVER_FEATURES_SEL 0x024U
#define VMMIO_QUEUE_SEL 0x030U
#define VMMIO_QUEUE_NUM_MAX 0x034U
#define VMMIO_QUEUE_NUM 0x038U
#define VMMIO_QUEUE_READY 0x044U
#define VMMIO_QUEUE_NOTIFY 0x050U
#define VMMIO_INTERRUPT_STATUS 0x060U
#define VMMIO_INTERRUPT_ACK 0x064U
#define VMMIO_STATUS 0x070U
#define VMMIO_QUEUE_DESC_LOW 0x080U
#define VMMIO_QUEUE_DESC_HIGH 0x084U
#define VMMIO_QUEUE_DRIVER_LOW 0x090U
#define VMMIO_QUEUE_DRIVER_HIGH 0x094U
#define VMMIO_QUEUE_DEVICE_LOW 0x0a0U
#define VMMIO_QUEUE_DEVICE_HIGH 0x0a4U
#define VMMIO_CONFIG_GENERATION 0x0fcU
#define VMMIO_CONFIG 0x100U

#define VMMIO_MAGIC_VALUE 0x74726976U	  /* "virt" */
#define VMMIO_VENDOR_BULKHEAD 0x4b4c4842U /* "BHLK" */

/* Device status bits (§2.1) and interrupt status bits (§4.2.2). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1U
#define VIRTIO_STATUS_DRIVER 2U
#define VIRTIO_STATUS_DRIVER_OK 4U
#define VIRTIO_STATUS_FEATURES_OK 8U
#define VIRTIO_STATUS_NEEDS_RESET 0x40U
#define VIRTIO_STATUS_FAILED 0x80U
#define VIRTIO_INT_VRING 1U
#define VIRTIO_INT_CONFIG 2U

/* Feature bits every device offers (§6). */
#define VIRTIO_F_INDIRECT_DESC 28U
#define VIRTIO_F_EVENT_IDX 29U
#define VIRTIO_F_VERSION_1 32U
#define VIRTIO_F_ACCESS_PLATFORM 33U

#define BH_VDEV_QUEUES 4U /* queues per device at most */
/* A block device's seg_max (§5.2.4): what bhconfig offers and the block
 * driver serves (its disk chains of 256, less header and status). */
#define BH_VDEV_BLK_SEG_MAX 254U
#define BH_VDEV_MAGIC 0x44564842U /* "BHVD" */
#define BH_VDEV_PAGE 4096U

/** A queue as the frontend set it up (its guest-physical addresses). */
struct bh_vq {
	uint32_t num;	/* QueueNum */
	uint32_t ready; /* QueueReady */
	uint64_t desc, driver, device;
};

/**
 * What a frontend negotiated with a device (core-written; the driver maps
 * it read-only). @generation changes whenever the frontend resets the
 * device, a queue turns ready or the driver status changes: the driver
 * then re-reads everything. @resets counts device resets (Status = 0, or
 * the frontend restarting), so that a driver that looks too late to see
 * Status 0 still knows its queues are gone. @notify[q] counts the
 * frontend's QueueNotify writes to queue q.
 */
struct bh_vdev_state {
	uint32_t magic; /* BH_VDEV_MAGIC */
	uint32_t device_id;
	uint32_t status; /* as the frontend wrote it, plus NEEDS_RESET */
	uint32_t generation;
	uint32_t resets;
	uint32_t pad;
	uint64_t device_features;
	uint64_t driver_features; /* accepted with FEATURES_OK */
	uint32_t nqueues;
	uint32_t queue_max;
	uint32_t notify[BH_VDEV_QUEUES];
	struct bh_vq queue[BH_VDEV_QUEUES];
	char frontend[16]; /* the frontend partition's name */
};

/*
 * What the driver partitions' runtime (userland-drivers/runtime) serves:
 * virtio devices per driver partition, and memory ranges of one frontend
 * (a grant region each; a dma-window is one). bhconfig refuses more.
 */
#define BH_DRV_MAX_DEVS 8U
#define BH_DRV_MAX_GRANT 16U

/**
 * The page a driver partition may write. The core raises the driver's
 * doorbell on a frontend's kick only while @armed differs from the last
 * value it acted on: the driver writes a new value (e.g. +1) just before
 * it waits for an interrupt, and is not interrupted while it works.
 * @con_read[i]: how far the console driver has read CPU slot i's ring.
 * @quiesced[n]: for device n (its index), the state page's @resets count
 * once no request of the frontend's earlier life is still with the
 * driver's bus masters: the core waits for it, bounded, before it clears
 * a restarting frontend's memory (docs/virtio.md).
 */
#define BH_VDEV_MAX 64	/* virtio devices in a system */
#define BH_CON_SLOTS 32 /* CPU slots a console driver drains (bhconfig) */
struct bh_driver_page {
	uint32_t armed;
	uint32_t pad;
	uint32_t con_read[BH_CON_SLOTS];
	uint32_t quiesced[BH_VDEV_MAX];
};

/**
 * The core's console rings (for the partition that drains them): one per
 * CPU slot, each BH_CON_RING bytes of whole, tagged lines ending in CR LF,
 * written by the core; @written counts every byte ever written (the ring
 * position is the count modulo the size). The driver's con_read[] says
 * how far it has read.
 */
#define BH_CON_RING 2048U
struct bh_con_ring {
	uint32_t written;
	uint32_t pad[15];
	char data[BH_CON_RING];
};
