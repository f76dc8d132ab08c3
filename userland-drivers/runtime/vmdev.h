/* SPDX-License-Identifier: MIT */
/*
 * Driving a physical virtio-mmio device that a driver partition owns
 * (granted through dma-devices): the driver side of VIRTIO 1.2 §4.2
 * (version 2 registers) and of one split virtqueue (§2.7). The device is
 * a bus master: every address given to it is physical, which is what the
 * partition sees (bhconfig maps a partition with bus masters, and the
 * memory granted to it, at physical addresses).
 *
 * The queue's rings live in a struct vmdev_ring the caller provides (its
 * own memory, page aligned); descriptors come from a free list and go
 * back when their chain is used. No allocation, no interrupts of its
 * own: the caller polls vmdev_used() (after vmdev_ack()) when the
 * device's SPI wakes it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <bulkhead/types.h>

#include "rt_vring.h"

#define VMDEV_QSIZE 256 /* descriptors in the queue (QEMU virtio-blk: 256) */

/* The queue in memory (§2.7): 16-byte descriptors, then the available
 * ring, then on its own page the used ring. */
struct vmdev_ring {
	RT_VRING_DESC(VMDEV_QSIZE);
	RT_VRING_AVAIL(VMDEV_QSIZE);
	RT_VRING_PAD(VMDEV_QSIZE);
	RT_VRING_USED(VMDEV_QSIZE);
} __attribute__((aligned(4096)));

struct vmdev {
	u64 base;     /* its registers */
	u64 features; /* negotiated */
	volatile struct vmdev_ring *r;
	u16 free_head, nfree;
	u16 next_avail, last_used;
	u16 chain_len[VMDEV_QSIZE]; /* descriptors of the chain at a head */
	bool indirect;		    /* VIRTIO_F_INDIRECT_DESC negotiated */
};

/* An indirect descriptor table (§2.7.5.3) for one chain, in the caller's
 * memory: with it a chain takes one descriptor of the queue. No chain may
 * be longer than the queue size, a table's included (§2.7.5.3.1). */
#define VMDEV_IND_MAX VMDEV_QSIZE
struct vmdev_ind {
	RT_VRING_DESC(VMDEV_IND_MAX);
} __attribute__((aligned(16)));

/** One buffer of a chain: physical address, length, device-writable. */
struct vmdev_buf {
	u64 addr;
	u32 len;
	bool writable;
};

/** Is there a virtio-mmio version 2 device with @device_id at @base? */
bool vmdev_probe(u64 base, u32 device_id);

/**
 * Reset the device (Status 0, then wait until it reads 0: §4.2.2.1, the
 * device has then stopped using the queues), negotiate @wanted features
 * (VERSION_1 is required and added) and set up queue 0 on @r. Returns
 * false if the device refuses; *@d then must not be used.
 */
bool vmdev_start(struct vmdev *d, u64 base, u64 wanted,
		 volatile struct vmdev_ring *r);

/** Reset the device and wait until it has stopped (bounded). */
void vmdev_reset(u64 base);

/** Read @n bytes of the device's config space at @off. */
void vmdev_config(const struct vmdev *d, u32 off, void *out, u32 n);

/** Is there room for a chain of @n buffers (with a table if needed)? */
static inline bool vmdev_fits(const struct vmdev *d, u32 n)
{
	return d->indirect && n <= VMDEV_IND_MAX ? d->nfree >= 1
						 : d->nfree >= n;
}

/**
 * Post the chain @b[0..n) (readable buffers first) and return its head,
 * or -1 if it does not fit. With an indirect table @ind (which must stay
 * untouched until the chain is used) and the device's consent, it takes
 * one descriptor of the queue; otherwise @n. The device sees it at the
 * next vmdev_kick().
 */
int vmdev_add(struct vmdev *d, const struct vmdev_buf *b, u32 n,
	      struct vmdev_ind *ind);

/** Publish what was added and notify the device unless it declined. */
void vmdev_kick(struct vmdev *d);

/** Take the next used chain: its head in *@id, bytes written in *@len;
 *  false if none. Its descriptors are free again. */
bool vmdev_used(struct vmdev *d, u32 *id, u32 *len);

/** Acknowledge the device's interrupt (InterruptStatus). */
void vmdev_ack(const struct vmdev *d);

/**
 * Ask the device for used-buffer interrupts, or ask it not to send them
 * while the caller polls (§2.7.7: VIRTQ_AVAIL_F_NO_INTERRUPT, a hint).
 * Turned on, look at the used ring once more: what was used before the
 * device saw the flag may have sent none.
 */
void vmdev_interrupts(struct vmdev *d, bool on);

/** Whether the device says it needs a reset (Status bit 0x40). */
bool vmdev_broken(const struct vmdev *d);
