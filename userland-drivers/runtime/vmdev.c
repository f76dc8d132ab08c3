// SPDX-License-Identifier: MIT
/*
 * A physical virtio-mmio device, driven (vmdev.h). The device is trusted
 * as hardware is: what it writes back (used ids and lengths) is still
 * bounds-checked, so that a broken device cannot make this driver walk
 * outside its own tables.
 */
#include <bulkhead/lib.h>
#include <bulkhead/vdev_abi.h>

#include "rt.h"
#include "virtq.h"
#include "vmdev.h"

/* A bus master observes memory in the outer-shareable domain: the
 * barriers for it are DMB OSH*, as Linux's dma_*mb() (Arm ARM B2.3). */
static inline void dma_rmb(void)
{
	__asm__ volatile("dmb oshld" ::: "memory");
}

static inline void dma_wmb(void)
{
	__asm__ volatile("dmb oshst" ::: "memory");
}

static inline void dma_mb(void)
{
	__asm__ volatile("dmb osh" ::: "memory");
}

#define RESET_WAIT_MS 100

static u32 rd(u64 base, u32 off)
{
	return mmio_read32(base + off);
}

static void wr(u64 base, u32 off, u32 v)
{
	mmio_write32(base + off, v);
}

static void wr64(u64 base, u32 off, u64 v)
{
	wr(base, off, (u32)v);
	wr(base, off + 4, (u32)(v >> 32));
}

bool vmdev_probe(u64 base, u32 device_id)
{
	return rd(base, VMMIO_MAGIC) == VMMIO_MAGIC_VALUE &&
	       rd(base, VMMIO_VERSION) == 2 &&
	       rd(base, VMMIO_DEVICE_ID) == device_id;
}

/* §4.2.2.1: after writing 0 to Status the driver waits until it reads
 * 0; the device has then finished with the queues (and QEMU has drained
 * the requests it had in flight). */
void vmdev_reset(u64 base)
{
	u64 end = rt_counter() + rt_frequency() / 1000 * RESET_WAIT_MS;

	wr(base, VMMIO_STATUS, 0);
	while (rd(base, VMMIO_STATUS) && rt_counter() < end)
		rt_relax();
}

static u64 device_features(u64 base)
{
	wr(base, VMMIO_DEVICE_FEATURES_SEL, 1);
	u64 f = (u64)rd(base, VMMIO_DEVICE_FEATURES) << 32;

	wr(base, VMMIO_DEVICE_FEATURES_SEL, 0);
	return f | rd(base, VMMIO_DEVICE_FEATURES);
}

bool vmdev_start(struct vmdev *d, u64 base, u64 wanted,
		 volatile struct vmdev_ring *r)
{
	u64 f;

	memset(d, 0, sizeof(*d));
	d->base = base;
	d->r = r;
	vmdev_reset(base);
	memset((void *)r, 0, sizeof(*r)); /* after the reset: no more DMA */
	wr(base, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(base, VMMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	f = device_features(base) & (wanted | 1ULL << VIRTIO_F_VERSION_1);
	if (!(f >> VIRTIO_F_VERSION_1 & 1))
		return false;
	wr(base, VMMIO_DRIVER_FEATURES_SEL, 0);
	wr(base, VMMIO_DRIVER_FEATURES, (u32)f);
	wr(base, VMMIO_DRIVER_FEATURES_SEL, 1);
	wr(base, VMMIO_DRIVER_FEATURES, (u32)(f >> 32));
	wr(base, VMMIO_STATUS,
	   rd(base, VMMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
	if (!(rd(base, VMMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		return false;
	d->features = f;
	d->indirect = f >> VIRTIO_F_INDIRECT_DESC & 1;
	wr(base, VMMIO_QUEUE_SEL, 0);
	if (rd(base, VMMIO_QUEUE_READY) ||
	    rd(base, VMMIO_QUEUE_NUM_MAX) < VMDEV_QSIZE)
		return false;
	for (u16 i = 0; i < VMDEV_QSIZE; i++)
		r->desc[i].next = (u16)(i + 1);
	d->free_head = 0;
	d->nfree = VMDEV_QSIZE;
	wr(base, VMMIO_QUEUE_NUM, VMDEV_QSIZE);
	wr64(base, VMMIO_QUEUE_DESC_LOW, (u64)r->desc);
	wr64(base, VMMIO_QUEUE_DRIVER_LOW, (u64)&r->avail);
	wr64(base, VMMIO_QUEUE_DEVICE_LOW, (u64)&r->used);
	wr(base, VMMIO_QUEUE_READY, 1);
	wr(base, VMMIO_STATUS,
	   rd(base, VMMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	return true;
}

void vmdev_config(const struct vmdev *d, u32 off, void *out, u32 n)
{
	u8 *o = out;

	for (u32 i = 0; i < n; i++)
		o[i] = mmio_read8(d->base + VMMIO_CONFIG + off + i);
}

/* Buffer @k of @n into descriptor @d; its next link is the caller's. */
static void put_desc(volatile struct rt_vring_desc *d,
		     const struct vmdev_buf *b, u32 k, u32 n)
{
	d->addr = b[k].addr;
	d->len = b[k].len;
	d->flags = (u16)((k + 1 < n ? VIRTQ_DESC_F_NEXT : 0) |
			 (b[k].writable ? VIRTQ_DESC_F_WRITE : 0));
}

int vmdev_add(struct vmdev *d, const struct vmdev_buf *b, u32 n,
	      struct vmdev_ind *ind)
{
	volatile struct vmdev_ring *r = d->r;
	u16 head = d->free_head, i = head;
	bool table = ind && d->indirect && n > 1 && n <= VMDEV_IND_MAX;
	u32 used = table ? 1 : n;

	if (!n || used > d->nfree)
		return -1;
	/* A descriptor's next is its free-list link, and the chain takes
	 * them in that order: only the flags say where it ends. */
	if (table) {
		/* §2.7.5.3.1: the chain in the table, and one descriptor
		 * with VIRTQ_DESC_F_INDIRECT alone pointing to it. */
		for (u32 k = 0; k < n; k++) {
			put_desc(&ind->desc[k], b, k, n);
			ind->desc[k].next = (u16)(k + 1);
		}
		r->desc[i].addr = (u64)ind;
		r->desc[i].len = n * 16;
		r->desc[i].flags = VIRTQ_DESC_F_INDIRECT;
		i = r->desc[i].next;
	} else {
		for (u32 k = 0; k < n; k++) {
			put_desc(&r->desc[i], b, k, n);
			i = r->desc[i].next;
		}
	}
	d->free_head = i;
	d->nfree = (u16)(d->nfree - used);
	d->chain_len[head] = (u16)used;
	r->avail.ring[d->next_avail % VMDEV_QSIZE] = head;
	d->next_avail++;
	return head;
}

void vmdev_kick(struct vmdev *d)
{
	dma_wmb(); /* descriptors and ring entries before the index */
	d->r->avail.idx = d->next_avail;
	dma_mb(); /* the index before the flags, and before the notify */
	if (!(d->r->used.flags & VIRTQ_USED_F_NO_NOTIFY))
		wr(d->base, VMMIO_QUEUE_NOTIFY, 0);
}

bool vmdev_used(struct vmdev *d, u32 *id, u32 *len)
{
	volatile struct vmdev_ring *r = d->r;
	u16 idx = r->used.idx, head, i, n;

	if (idx == d->last_used)
		return false;
	dma_rmb(); /* the index before the element */
	head = (u16)r->used.ring[d->last_used % VMDEV_QSIZE].id;
	*len = r->used.ring[d->last_used % VMDEV_QSIZE].len;
	d->last_used++;
	if (head >= VMDEV_QSIZE || !d->chain_len[head]) {
		*id = VMDEV_QSIZE; /* not a chain of ours: ignored */
		return true;
	}
	/* Its descriptors back on the free list, by our own count. */
	n = d->chain_len[head];
	d->chain_len[head] = 0;
	i = head;
	for (u16 k = 1; k < n; k++)
		i = r->desc[i].next;
	r->desc[i].next = d->free_head;
	d->free_head = head;
	d->nfree = (u16)(d->nfree + n);
	*id = head;
	return true;
}

void vmdev_interrupts(struct vmdev *d, bool on)
{
	u16 flags = on ? 0 : (u16)VIRTQ_AVAIL_F_NO_INTERRUPT;

	if (d->r->avail.flags == flags)
		return;
	d->r->avail.flags = flags;
	/* The flag before the caller's next look at the used ring; the
	 * device stores its used entry before it reads the flag (§2.7.7). */
	dma_mb();
}

void vmdev_ack(const struct vmdev *d)
{
	u32 isr = rd(d->base, VMMIO_INTERRUPT_STATUS);

	if (isr)
		wr(d->base, VMMIO_INTERRUPT_ACK, isr);
}

bool vmdev_broken(const struct vmdev *d)
{
	return rd(d->base, VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET;
}
