// SPDX-License-Identifier: MIT
/*
 * A virtio console frontend for bare-metal guests (VIRTIO 1.2 §4.2
 * virtio-mmio version 2, §2.7 split virtqueues, §5.3 console port 0):
 * when the partition's device tree has a virtio-mmio console, printf()
 * output goes through it instead of the console hypercall. Output only:
 * the transmit queue (queue 1) with eight one-buffer descriptors; the
 * receive queue is left unset. The rings and buffers are static, in the
 * guest's RAM (which the config grants to the serving driver), or in a
 * restricted-dma-pool window when the device tree names one.
 *
 * A line waits for its buffer to come back at most RT_VIRTIO_WAIT_MS; a
 * driver partition that is restarting gets that long, a dead one makes
 * the line be dropped (and counted) instead of the guest hanging.
 */
#include <bulkhead/lib.h>
#include <bulkhead/vdev_abi.h>

#include "rt.h"
#include "rt_vring.h"

#define QSIZE 8
#define BUF 256
#define TRANSMITQ 1
#define RT_VIRTIO_WAIT_MS 2000

struct ring_mem {
	RT_VRING_DESC(QSIZE);
	RT_VRING_AVAIL(QSIZE);
	RT_VRING_PAD(QSIZE);
	RT_VRING_USED(QSIZE);
	char buf[QSIZE][BUF];
};

static struct ring_mem static_mem __attribute__((aligned(4096)));
static volatile struct ring_mem *mem;
static uint64_t base; /* the device's register window */
static uint64_t pool; /* restricted-dma-pool window, 0 if none */
static bool compat, dma_pool;
static uint16_t next_avail, last_used;
static uint32_t dropped;

static void find(void *ctx, const char *path, const char *prop, const void *val,
		 uint32_t len)
{
	(void)ctx;
	(void)path;
	if (!strcmp(prop, "compatible")) {
		compat = len >= 11 && !memcmp(val, "virtio,mmio", 11);
		dma_pool = len >= 19 && !memcmp(val, "restricted-dma-pool", 19);
	} else if (!strcmp(prop, "reg") && compat && !base) {
		base = rt_fdt_cells(val, len, 0);
	} else if (!strcmp(prop, "reg") && dma_pool && !pool) {
		pool = rt_fdt_cells(val, len, 0);
	}
}

static uint32_t rd(uint32_t off)
{
	return mmio_read32(base + off);
}

static void wr(uint32_t off, uint32_t v)
{
	mmio_write32(base + off, v);
}

static void wr64(uint32_t off, uint64_t v)
{
	wr(off, (uint32_t)v);
	wr(off + 4, (uint32_t)(v >> 32));
}

static bool negotiate(void)
{
	uint32_t hi;

	wr(VMMIO_STATUS, 0);
	wr(VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VMMIO_DEVICE_FEATURES_SEL, 1);
	hi = rd(VMMIO_DEVICE_FEATURES);
	if (!(hi & 1U << (VIRTIO_F_VERSION_1 - 32)))
		return false;
	wr(VMMIO_DRIVER_FEATURES_SEL, 0);
	wr(VMMIO_DRIVER_FEATURES, 0);
	wr(VMMIO_DRIVER_FEATURES_SEL, 1);
	wr(VMMIO_DRIVER_FEATURES, hi & (1U << (VIRTIO_F_VERSION_1 - 32) |
					1U << (VIRTIO_F_ACCESS_PLATFORM - 32)));
	wr(VMMIO_STATUS, rd(VMMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
	return rd(VMMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK;
}

static bool setup(void)
{
	mem = pool ? (volatile struct ring_mem *)pool : &static_mem;
	memset((void *)mem, 0, sizeof(*mem));
	next_avail = last_used = 0;
	if (!negotiate())
		return false;
	wr(VMMIO_QUEUE_SEL, TRANSMITQ);
	if (rd(VMMIO_QUEUE_NUM_MAX) < QSIZE)
		return false;
	wr(VMMIO_QUEUE_NUM, QSIZE);
	wr64(VMMIO_QUEUE_DESC_LOW, (uint64_t)mem->desc);
	wr64(VMMIO_QUEUE_DRIVER_LOW, (uint64_t)&mem->avail);
	wr64(VMMIO_QUEUE_DEVICE_LOW, (uint64_t)&mem->used);
	wr(VMMIO_QUEUE_READY, 1);
	wr(VMMIO_STATUS, rd(VMMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	return true;
}

bool rt_virtio_console_init(void)
{
	rt_fdt_walk(rt_dtb(), find, NULL);
	if (!base || rd(VMMIO_MAGIC) != VMMIO_MAGIC_VALUE ||
	    rd(VMMIO_VERSION) != 2 || rd(VMMIO_DEVICE_ID) != 3 || !setup()) {
		base = 0;
		return false;
	}
	return true;
}

/* Wait for the device to give back buffers until @free are free. */
static bool reclaim(uint16_t free)
{
	uint64_t end = rt_counter() + rt_frequency() / 1000 * RT_VIRTIO_WAIT_MS;

	for (;;) {
		last_used = mem->used.idx;
		__asm__ volatile("dmb ishld" ::: "memory");
		if ((uint16_t)(next_avail - last_used) <= QSIZE - free)
			return true;
		if (rd(VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET)
			return false;
		if (rt_counter() > end)
			return false;
		rt_relax();
	}
}

void rt_virtio_console_write(const char *s, size_t n)
{
	uint16_t slot = next_avail % QSIZE;

	if (!base)
		return;
	if (!reclaim(1)) {
		/* Dead or broken: count the line, start afresh. */
		dropped++;
		if (rd(VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET)
			setup();
		return;
	}
	n = n < BUF ? n : BUF;
	memcpy((void *)mem->buf[slot], s, n);
	mem->desc[slot].addr = (uint64_t)mem->buf[slot];
	mem->desc[slot].len = (uint32_t)n;
	mem->desc[slot].flags = 0;
	mem->avail.ring[slot] = slot;
	__asm__ volatile("dmb ishst" ::: "memory");
	mem->avail.idx = ++next_avail;
	__asm__ volatile("dmb ish" ::: "memory");
	if (!(mem->used.flags & 1)) /* VIRTQ_USED_F_NO_NOTIFY */
		wr(VMMIO_QUEUE_NOTIFY, TRANSMITQ);
}

uint32_t rt_virtio_console_dropped(void)
{
	return dropped;
}
