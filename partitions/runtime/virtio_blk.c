// SPDX-License-Identifier: MIT
/*
 * A virtio-blk frontend for bare-metal guests (VIRTIO 1.2 §5.2 over
 * virtio-mmio version 2, §4.2; one split virtqueue, §2.7): the n-th
 * virtio-mmio device of the partition's device tree whose DeviceID reads
 * 2 (a console may sit beside it). It negotiates VERSION_1, and
 * ACCESS_PLATFORM, FLUSH and RO when offered, reads the capacity, and
 * sets up the request queue with four descriptors in a page of its own.
 *
 * One request at a time, synchronous: header, the caller's buffer in
 * one descriptor, status byte (§5.2.6). The wait is bounded
 * (RT_BLK_WAIT_MS): a driver partition that restarts gets that long, a
 * dead one gives RT_BLK_E_TIMEOUT; a device that needs a reset gives
 * RT_BLK_E_RESET. After either, the next request resets the device and
 * sets it up again first (Status = 0 makes the driver drop what it had;
 * a late completion of the abandoned request may still land in its
 * buffer). No restricted-dma-pool: buffers must be in granted RAM.
 */
#include <bulkhead/lib.h>
#include <bulkhead/vdev_abi.h>

#include "rt.h"
#include "rt_vring.h"

#define VIRTIO_BLK_ID 2
#define F_BLK_RO 5
#define F_BLK_FLUSH 9
#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8
#define QSIZE 4
#define D_NEXT 1
#define D_WRITE 2
#define MAX_BYTES (4U << 20) /* the block driver's bound */

struct ring_mem {
	RT_VRING_DESC(QSIZE);
	RT_VRING_AVAIL(QSIZE);
	RT_VRING_USED(QSIZE);
	struct {
		uint32_t type, reserved;
		uint64_t sector;
	} hdr;
	uint8_t status;
};

static struct ring_mem rings[RT_BLK_MAX] __attribute__((aligned(64)));

struct found {
	uint64_t base[8];
	unsigned n;
	char node[128];
	bool compat;
	uint64_t reg;
};

/* virtio-mmio nodes, each once, whatever order its properties come in. */
static void find(void *ctx, const char *path, const char *prop, const void *val,
		 uint32_t len)
{
	struct found *f = ctx;
	size_t n = strlen(path);

	if (n >= sizeof(f->node) || strcmp(f->node, path)) {
		n = MIN(n, sizeof(f->node) - 1);
		memcpy(f->node, path, n);
		f->node[n] = 0;
		f->compat = false;
		f->reg = 0;
	}
	if (!strcmp(prop, "compatible"))
		f->compat = len >= 11 && !memcmp(val, "virtio,mmio", 11);
	else if (!strcmp(prop, "reg"))
		f->reg = rt_fdt_cells(val, len, 0);
	if (f->compat && f->reg && f->n < 8) {
		f->base[f->n++] = f->reg;
		f->reg = 0; /* counted */
	}
}

static uint32_t rd(const struct rt_blk *b, uint32_t off)
{
	return mmio_read32(b->base + off);
}

static void wr(const struct rt_blk *b, uint32_t off, uint32_t v)
{
	mmio_write32(b->base + off, v);
}

static void wr64(const struct rt_blk *b, uint32_t off, uint64_t v)
{
	wr(b, off, (uint32_t)v);
	wr(b, off + 4, (uint32_t)(v >> 32));
}

/* §3.1.1 steps 1-6: reset, features; then the capacity. */
static bool negotiate(struct rt_blk *b)
{
	uint32_t hi, lo, gen;

	wr(b, VMMIO_STATUS, 0);
	wr(b, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(b, VMMIO_DEVICE_FEATURES_SEL, 0);
	lo = rd(b, VMMIO_DEVICE_FEATURES) &
	     (1U << F_BLK_RO | 1U << F_BLK_FLUSH);
	wr(b, VMMIO_DEVICE_FEATURES_SEL, 1);
	hi = rd(b, VMMIO_DEVICE_FEATURES) &
	     (1U << (VIRTIO_F_VERSION_1 - 32) |
	      1U << (VIRTIO_F_ACCESS_PLATFORM - 32));
	if (!(hi & 1U << (VIRTIO_F_VERSION_1 - 32)))
		return false;
	wr(b, VMMIO_DRIVER_FEATURES_SEL, 0);
	wr(b, VMMIO_DRIVER_FEATURES, lo);
	wr(b, VMMIO_DRIVER_FEATURES_SEL, 1);
	wr(b, VMMIO_DRIVER_FEATURES, hi);
	wr(b, VMMIO_STATUS, rd(b, VMMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
	if (!(rd(b, VMMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		return false;
	b->read_only = lo >> F_BLK_RO & 1;
	b->flush = lo >> F_BLK_FLUSH & 1;
	do { /* §4.2.2: a 64-bit field is two 32-bit reads */
		gen = rd(b, VMMIO_CONFIG_GENERATION);
		lo = rd(b, VMMIO_CONFIG);
		hi = rd(b, VMMIO_CONFIG + 4);
	} while (gen != rd(b, VMMIO_CONFIG_GENERATION));
	b->capacity = (uint64_t)hi << 32 | lo;
	return true;
}

/* §4.2.3.2: the request queue on the slot's ring, then DRIVER_OK. */
static bool start_queue(struct rt_blk *b)
{
	volatile struct ring_mem *m = &rings[b->slot];

	memset((void *)m, 0, sizeof(*m));
	b->next_avail = 0;
	wr(b, VMMIO_QUEUE_SEL, 0);
	if (rd(b, VMMIO_QUEUE_NUM_MAX) < QSIZE)
		return false;
	wr(b, VMMIO_QUEUE_NUM, QSIZE);
	wr64(b, VMMIO_QUEUE_DESC_LOW, (uint64_t)m->desc);
	wr64(b, VMMIO_QUEUE_DRIVER_LOW, (uint64_t)&m->avail);
	wr64(b, VMMIO_QUEUE_DEVICE_LOW, (uint64_t)&m->used);
	wr(b, VMMIO_QUEUE_READY, 1);
	wr(b, VMMIO_STATUS, rd(b, VMMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	return true;
}

/* Reset and set up the device; on failure it is told FAILED and stays
 * broken. */
static bool setup(struct rt_blk *b)
{
	b->broken = !negotiate(b) || !start_queue(b);
	if (b->broken)
		wr(b, VMMIO_STATUS, rd(b, VMMIO_STATUS) | VIRTIO_STATUS_FAILED);
	return !b->broken;
}

bool rt_blk_init(struct rt_blk *b, unsigned n)
{
	static struct found f;
	unsigned k = 0;

	memset(b, 0, sizeof(*b));
	if (n >= RT_BLK_MAX)
		return false;
	if (!f.n)
		rt_fdt_walk(rt_dtb(), find, &f);
	for (unsigned i = 0; i < f.n; i++) {
		b->base = f.base[i];
		if (rd(b, VMMIO_MAGIC) != VMMIO_MAGIC_VALUE ||
		    rd(b, VMMIO_VERSION) != 2 ||
		    rd(b, VMMIO_DEVICE_ID) != VIRTIO_BLK_ID || k++ != n)
			continue;
		b->slot = n;
		if (setup(b))
			return true;
		break;
	}
	b->base = 0;
	return false;
}

/* Wait for the request to come back; its status, or RT_BLK_E_*. */
static int wait_done(struct rt_blk *b)
{
	volatile struct ring_mem *m = &rings[b->slot];
	uint64_t end = rt_counter() + rt_frequency() / 1000 * RT_BLK_WAIT_MS;

	for (;;) {
		if (m->used.idx == b->next_avail) {
			__asm__ volatile("dmb ishld" ::: "memory");
			return m->status;
		}
		if (rd(b, VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET) {
			b->broken = true;
			return RT_BLK_E_RESET;
		}
		if (rt_counter() > end) {
			b->broken = true;
			return RT_BLK_E_TIMEOUT;
		}
		rt_relax();
	}
}

/* One request: header, @len bytes at @data (if any), status. */
static int request(struct rt_blk *b, uint32_t type, uint64_t sector, void *data,
		   uint32_t len, bool device_writes)
{
	volatile struct ring_mem *m = &rings[b->slot];
	uint16_t d;

	if (!b->base)
		return RT_BLK_E_NODEV;
	if (b->broken && !setup(b))
		return RT_BLK_E_RESET;
	m->hdr.type = type;
	m->hdr.reserved = 0;
	m->hdr.sector = sector;
	m->status = 0xff;
	m->desc[0].addr = (uint64_t)&m->hdr;
	m->desc[0].len = 16;
	m->desc[0].flags = D_NEXT;
	m->desc[0].next = 1;
	if (len) {
		m->desc[1].addr = (uint64_t)data;
		m->desc[1].len = len;
		m->desc[1].flags = D_NEXT | (device_writes ? D_WRITE : 0);
		m->desc[1].next = 2;
		d = 2;
	} else {
		d = 1;
	}
	m->desc[d].addr = (uint64_t)&m->status;
	m->desc[d].len = 1;
	m->desc[d].flags = D_WRITE;
	m->avail.ring[b->next_avail % QSIZE] = 0;
	__asm__ volatile("dmb ishst" ::: "memory");
	m->avail.idx = ++b->next_avail;
	__asm__ volatile("dmb ish" ::: "memory");
	if (!(m->used.flags & 1)) /* VIRTQ_USED_F_NO_NOTIFY */
		wr(b, VMMIO_QUEUE_NOTIFY, 0);
	return wait_done(b);
}

static bool sizes_ok(uint32_t count)
{
	return count && count <= MAX_BYTES / RT_BLK_SECTOR;
}

int rt_blk_read(struct rt_blk *b, uint64_t sector, void *buf, uint32_t count)
{
	if (!sizes_ok(count))
		return RT_BLK_E_ARG;
	return request(b, T_IN, sector, buf, count * RT_BLK_SECTOR, true);
}

int rt_blk_write(struct rt_blk *b, uint64_t sector, const void *buf,
		 uint32_t count)
{
	if (!sizes_ok(count))
		return RT_BLK_E_ARG;
	return request(b, T_OUT, sector, (void *)buf, count * RT_BLK_SECTOR,
		       false);
}

int rt_blk_flush(struct rt_blk *b)
{
	return request(b, T_FLUSH, 0, NULL, 0, false);
}

int rt_blk_get_id(struct rt_blk *b, char id[RT_BLK_ID_BYTES + 1])
{
	int r;

	memset(id, 0, RT_BLK_ID_BYTES + 1);
	r = request(b, T_GET_ID, 0, id, RT_BLK_ID_BYTES, true);
	id[RT_BLK_ID_BYTES] = 0;
	return r;
}
