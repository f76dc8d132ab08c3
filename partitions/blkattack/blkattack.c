// SPDX-License-Identifier: MIT
/*
 * blkattack: a hostile virtio-blk frontend. It finds its two block devices
 * with the runtime (rt_blk_init: a read-write slice, then a read-only
 * one), then takes each over with a queue of its own and sends the block
 * driver partition malformed requests (VIRTIO 1.2 §5.2.6): sectors past
 * its slice or whose byte offset wraps, writes across the slice's end,
 * chains without a status byte or with a short header, lengths that are
 * not whole sectors or more than 4 MiB, more data buffers than seg_max
 * (254), unknown request types, a write to the read-only slice, buffers
 * outside its memory, a chain ending in an empty buffer, and requests
 * rewritten after posting. A request must fail alone (its own status, the
 * queue keeps working) or, where the virtqueue itself is malformed, break
 * only this device (DEVICE_NEEDS_RESET with a config interrupt), which a
 * reset recovers. After each attack a well-formed request must be served
 * and the sectors it wrote first must be intact; the neighbour whose slice
 * follows this one (blkcheck) shows that nothing reached it. One PASS/FAIL
 * line per attack. Bootargs: wait=MS (default 0) before the first attack,
 * so that the neighbour's own writes come first.
 */
#include <stdint.h>

#include <bulkhead/lib.h>
#include <bulkhead/vdev_abi.h>

#include "rt.h"
#include "rt_vring.h"

#define QSIZE 256 /* QueueNumMax: a chain as long as the device allows */
#define SEG_MAX BH_VDEV_BLK_SEG_MAX /* data buffers per request */
#define SECTOR RT_BLK_SECTOR
#define FAR 0x7f000000UL /* not its memory: not in the grant */
#define F_NEXT 1
#define F_WRITE 2
#define T_IN 0
#define T_OUT 1
#define T_DISCARD 11
#define T_WRITE_ZEROES 13
#define S_UNTOUCHED 0xaa
#define MAX_DATA (4U << 20)

struct ring {
	RT_VRING_DESC(QSIZE);
	RT_VRING_AVAIL(QSIZE);
	RT_VRING_USED(QSIZE);
};

struct dev {
	struct rt_blk blk; /* found (and first set up) by the runtime */
	volatile struct ring *q;
	uint16_t next; /* avail idx */
};

/* One buffer of a chain: guest address, length, device-writable. */
struct buf {
	uint64_t addr;
	uint32_t len;
	bool w;
};

enum outcome { DONE, BROKE, HUNG };

struct result {
	enum outcome how;
	uint32_t len;	/* used length, when DONE */
	uint8_t status; /* the status byte afterwards */
};

static struct ring rings[2] __attribute__((aligned(4096)));
static struct {
	uint32_t type, reserved;
	uint64_t sector;
} hdr __attribute__((aligned(16)));
static uint8_t status __attribute__((aligned(16)));
static uint8_t data[8 * SECTOR] __attribute__((aligned(64)));
static uint8_t big[MAX_DATA + SECTOR] __attribute__((aligned(4096)));
static struct dev rw, ro;
static uint64_t ram_base, ram_end, slice_end;
static uint32_t good_writes;

static void find_ram(void *ctx, const char *path, const char *prop,
		     const void *val, uint32_t len)
{
	(void)ctx;
	if (!memcmp(path, "/memory", 7) && !strcmp(prop, "reg") && !ram_end) {
		ram_base = rt_fdt_cells(val, len, 0);
		ram_end = ram_base + rt_fdt_cells(val, len, 1);
	}
}

static uint32_t rd(const struct dev *d, uint32_t off)
{
	return mmio_read32(d->blk.base + off);
}

static void wr(const struct dev *d, uint32_t off, uint32_t v)
{
	mmio_write32(d->blk.base + off, v);
}

static void wr64(const struct dev *d, uint32_t off, uint64_t v)
{
	wr(d, off, (uint32_t)v);
	wr(d, off + 4, (uint32_t)(v >> 32));
}

static void barrier(void)
{
	__asm__ volatile("dmb ish" ::: "memory");
}

/* Reset, VERSION_1 only, queue 0 on this partition's own ring. */
static bool setup(struct dev *d)
{
	memset((void *)d->q, 0, sizeof(*d->q));
	d->next = 0;
	wr(d, VMMIO_STATUS, 0);
	wr(d, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(d, VMMIO_DRIVER_FEATURES_SEL, 1);
	wr(d, VMMIO_DRIVER_FEATURES, 1U << (VIRTIO_F_VERSION_1 - 32));
	wr(d, VMMIO_STATUS, rd(d, VMMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
	if (!(rd(d, VMMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		return false;
	wr(d, VMMIO_QUEUE_SEL, 0);
	wr(d, VMMIO_QUEUE_NUM, QSIZE);
	wr64(d, VMMIO_QUEUE_DESC_LOW, (uint64_t)d->q->desc);
	wr64(d, VMMIO_QUEUE_DRIVER_LOW, (uint64_t)&d->q->avail);
	wr64(d, VMMIO_QUEUE_DEVICE_LOW, (uint64_t)&d->q->used);
	wr(d, VMMIO_QUEUE_READY, 1);
	wr(d, VMMIO_STATUS, rd(d, VMMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	return true;
}

static bool needs_reset(const struct dev *d)
{
	return rd(d, VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET;
}

/* Post @n buffers as one chain (descriptors 0..n-1) and kick. */
static void post(struct dev *d, const struct buf *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		d->q->desc[i].addr = b[i].addr;
		d->q->desc[i].len = b[i].len;
		d->q->desc[i].flags = (uint16_t)((i + 1 < n ? F_NEXT : 0) |
						 (b[i].w ? F_WRITE : 0));
		d->q->desc[i].next = (uint16_t)(i + 1);
	}
	d->q->avail.ring[d->next % QSIZE] = 0;
	barrier();
	d->q->avail.idx = ++d->next;
	barrier();
	wr(d, VMMIO_QUEUE_NOTIFY, 0);
}

/* Wait (2 s at most) for the chain posted last. */
static struct result finish(struct dev *d)
{
	uint64_t end = rt_counter() + 2 * rt_frequency();
	struct result r = { .how = HUNG };

	while (rt_counter() < end) {
		if (d->q->used.idx == d->next) {
			barrier();
			r.how = DONE;
			r.len = d->q->used.ring[(d->next - 1) % QSIZE].len;
			break;
		}
		if (needs_reset(d)) {
			r.how = BROKE;
			break;
		}
		rt_relax();
	}
	r.status = *(volatile uint8_t *)&status;
	return r;
}

static struct result chain(struct dev *d, const struct buf *b, unsigned n)
{
	status = S_UNTOUCHED;
	post(d, b, n);
	return finish(d);
}

/* A request: our header, @n data buffers, our status byte. */
static struct result io(struct dev *d, uint32_t type, uint64_t sector,
			const struct buf *data_bufs, unsigned n)
{
	static struct buf b[QSIZE]; /* 4 KiB: not on the stack */

	hdr.type = type;
	hdr.reserved = 0;
	hdr.sector = sector;
	b[0] = (struct buf){ (uint64_t)&hdr, 16, false };
	for (unsigned i = 0; i < n && i < QSIZE - 2; i++)
		b[1 + i] = data_bufs[i];
	b[1 + n] = (struct buf){ (uint64_t)&status, 1, true };
	return chain(d, b, n + 2);
}

/* One data buffer: @len bytes at @at. */
static struct result io1(struct dev *d, uint32_t type, uint64_t sector,
			 uint64_t at, uint32_t len)
{
	struct buf b = { at, len, type == T_IN };

	return io(d, type, sector, &b, 1);
}

static bool ioerr(struct result r)
{
	return r.how == DONE && r.status == RT_BLK_S_IOERR;
}

/* The pattern that sector @s of its slice holds (word @i). */
static uint64_t pattern(uint64_t s, uint64_t i)
{
	return 0x61747461636b2121UL ^ ((s * 64 + i) * 0x9e3779b97f4a7c15UL);
}

static void fill(uint8_t *p, uint64_t s, uint32_t n)
{
	uint64_t *w = (uint64_t *)p;

	for (uint32_t k = 0; k < n * 64; k++)
		w[k] = pattern(s + k / 64, k % 64);
}

static bool holds(const uint8_t *p, uint64_t s, uint32_t n)
{
	const uint64_t *w = (const uint64_t *)p;

	for (uint32_t k = 0; k < n * 64; k++)
		if (w[k] != pattern(s + k / 64, k % 64))
			return false;
	return true;
}

static bool read_ok(struct dev *d, uint64_t s, uint8_t *to, uint32_t n)
{
	struct result r = io1(d, T_IN, s, (uint64_t)to, n * SECTOR);

	return r.how == DONE && r.status == RT_BLK_S_OK &&
	       r.len == n * SECTOR + 1;
}

static bool write_ok(struct dev *d, uint64_t s, const uint8_t *from, uint32_t n)
{
	struct result r = io1(d, T_OUT, s, (uint64_t)from, n * SECTOR);

	return r.how == DONE && r.status == RT_BLK_S_OK && r.len == 1;
}

/* The sectors at both ends of its slice hold the pattern. */
static bool ends_intact(void)
{
	return read_ok(&rw, 0, data, 4) && holds(data, 0, 4) &&
	       read_ok(&rw, slice_end - 4, data, 4) &&
	       holds(data, slice_end - 4, 4);
}

/* A well-formed write and read go through, and the ends are intact. */
static bool good(void)
{
	static uint8_t back[SECTOR];

	good_writes++;
	memset(data, (int)good_writes, SECTOR);
	memset(back, (int)(~good_writes & 0xff), SECTOR); /* not data */
	return write_ok(&rw, 8, data, 1) && read_ok(&rw, 8, back, 1) &&
	       !memcmp(back, data, SECTOR) && ends_intact();
}

enum breaks { NEVER, MAY, MUST, SERVED }; /* SERVED: as NEVER */

/*
 * Run one attack: @how checks what its requests got back; then the
 * device needs a reset only if @b allows it (with a config interrupt; the
 * reset is made), and a well-formed request must be served.
 */
static void attack(const char *what, bool (*how)(void), enum breaks b)
{
	bool ok = how(), broke = needs_reset(&rw), irq = false;

	if (broke) {
		irq = rd(&rw, VMMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG;
		ok = setup(&rw) && ok && (b == MAY || b == MUST) && irq;
	} else {
		ok = ok && b != MUST;
	}
	ok = good() && ok;
	printf("%s attack %s: %s\n", ok ? "PASS" : "FAIL", what,
	       b == MUST    ? "NEEDS_RESET with a config interrupt, recovers"
	       : b == NEVER ? "fails alone, the queue keeps working"
	       : b == SERVED
		       ? "served, the queue keeps working"
		       : "fails alone or breaks only its queue, recovers");
	if (!ok)
		printf("  (device %s, config interrupt %s)\n",
		       broke ? "needed a reset" : "fine", irq ? "yes" : "no");
}

/* --- requests that must fail alone ------------------------------------ */

static bool read_past_end(void)
{
	return ioerr(io1(&rw, T_IN, slice_end, (uint64_t)data, SECTOR));
}

static bool write_past_end(void)
{
	fill(data, 0, 1);
	return ioerr(io1(&rw, T_OUT, slice_end, (uint64_t)data, SECTOR));
}

/* Its last sector, and the neighbour's first: nothing may be written. */
static bool write_across_end(void)
{
	memset(data, 0x5a, 2 * SECTOR);
	return ioerr(
		io1(&rw, T_OUT, slice_end - 1, (uint64_t)data, 2 * SECTOR));
}

/* 2^55 sectors are 2^64 bytes: a wrapping check would see sector 0. */
static bool sector_wraps(void)
{
	struct result w, r;

	memset(data, 0x5a, 2 * SECTOR);
	w = io1(&rw, T_OUT, 1UL << 55, (uint64_t)data, SECTOR);
	r = io1(&rw, T_IN, 1UL << 55, (uint64_t)data, SECTOR);
	return ioerr(w) && ioerr(r) &&
	       ioerr(io1(&rw, T_OUT, (1UL << 55) - 1, (uint64_t)data,
			 2 * SECTOR));
}

static bool sector_max(void)
{
	return ioerr(io1(&rw, T_OUT, ~0UL, (uint64_t)data, SECTOR)) &&
	       ioerr(io1(&rw, T_IN, ~0UL, (uint64_t)data, SECTOR));
}

/* Header and data, nothing writable: no status to write, no write. */
static bool no_status(void)
{
	struct buf b[2] = { { (uint64_t)&hdr, 16, false },
			    { (uint64_t)data, SECTOR, false } };
	struct result r, alone;

	memset(data, 0x5a, SECTOR);
	hdr = (typeof(hdr)){ T_OUT, 0, 0 };
	r = chain(&rw, b, 2);
	alone = chain(&rw, b, 1);
	return r.how == DONE && r.len == 0 && alone.how == DONE &&
	       alone.len == 0;
}

/* 8 bytes of header, then the status byte: IOERR or nothing written. */
static bool short_header(void)
{
	struct buf b[2] = { { (uint64_t)&hdr, 8, false },
			    { (uint64_t)&status, 1, true } };
	struct result r;

	hdr = (typeof(hdr)){ T_OUT, 0, 0 };
	r = chain(&rw, b, 2);
	if (r.how == DONE)
		printf("short header: used length %u, status 0x%x\n", r.len,
		       r.status);
	return r.how == DONE && ((r.len == 0 && r.status == S_UNTOUCHED) ||
				 (r.len == 1 && r.status == RT_BLK_S_IOERR));
}

static bool not_whole_sectors(void)
{
	return ioerr(io1(&rw, T_IN, 0, (uint64_t)data, 100)) &&
	       ioerr(io1(&rw, T_OUT, 0, (uint64_t)data, 700)) &&
	       ioerr(io1(&rw, T_IN, 0, (uint64_t)data, SECTOR + 1)) &&
	       ioerr(io(&rw, T_IN, 0, NULL, 0)) &&
	       ioerr(io(&rw, T_OUT, 0, NULL, 0));
}

/* Exactly 4 MiB is served; 4 MiB and a sector is refused (the chain
 * exceeds what the device takes, which may break the queue). */
static bool over_4mib(void)
{
	struct result r;

	memset(big, 0, SECTOR);
	if (!read_ok(&rw, 0, big, MAX_DATA / SECTOR) || !holds(big, 0, 4))
		return false;
	r = io1(&rw, T_IN, 0, (uint64_t)big, MAX_DATA + SECTOR);
	printf("4 MiB + 512 read: %s\n", r.how == BROKE	 ? "the queue broke"
					 : r.how == HUNG ? "no answer"
					 : r.status == 1 ? "IOERR"
							 : "served");
	return r.how == BROKE || ioerr(r);
}

/*
 * §5.2.3: seg_max is the most data buffers a request may have. Exactly
 * 254 sectors as 254 buffers are served; 255, in a chain of 256 (the
 * header sharing a buffer with the first sector of a write, the status
 * byte with the last of a read, §2.6.4), are refused with IOERR and
 * write nothing: sector 0 keeps the pattern (good() checks it).
 */
static bool over_seg_max(void)
{
	static struct buf b[QSIZE];
	static uint8_t first[16 + SECTOR] __attribute__((aligned(16)));
	volatile uint8_t *st = &big[(SEG_MAX + 1) * SECTOR];
	struct result r;
	bool served;

	for (unsigned i = 0; i <= SEG_MAX; i++)
		b[1 + i] = (struct buf){ (uint64_t)big + i * SECTOR, SECTOR,
					 true };
	r = io(&rw, T_IN, 0, b + 1, SEG_MAX);
	served = r.how == DONE && r.status == RT_BLK_S_OK &&
		 r.len == SEG_MAX * SECTOR + 1;
	/* A read into 255 buffers, the last one also the status byte. */
	b[0] = (struct buf){ (uint64_t)&hdr, 16, false };
	b[1 + SEG_MAX].len = SECTOR + 1;
	hdr = (typeof(hdr)){ T_IN, 0, 0 };
	*st = S_UNTOUCHED;
	post(&rw, b, SEG_MAX + 2);
	r = finish(&rw);
	if (r.how != DONE || *st != RT_BLK_S_IOERR) {
		printf("%u-buffer read: %s, status 0x%x\n", SEG_MAX + 1,
		       r.how == DONE ? "done" : "not done", *st);
		return false;
	}
	/* A write from 255 buffers, the header before the first sector. */
	memset(first, 0x5a, sizeof(first));
	memset(big, 0x5a, (SEG_MAX + 1) * SECTOR);
	memcpy(first, &(typeof(hdr)){ T_OUT, 0, 0 }, 16);
	b[0] = (struct buf){ (uint64_t)first, 16 + SECTOR, false };
	for (unsigned i = 0; i < SEG_MAX; i++)
		b[1 + i] = (struct buf){ (uint64_t)big + i * SECTOR, SECTOR,
					 false };
	b[1 + SEG_MAX] = (struct buf){ (uint64_t)&status, 1, true };
	return served && ioerr(chain(&rw, b, SEG_MAX + 2));
}

static bool unknown_types(void)
{
	static const uint32_t types[] = { 0x7777, T_DISCARD, T_WRITE_ZEROES, 3,
					  0xffffffff };
	/* A discard/write-zeroes segment: sector 0, 8 sectors, flags 0. */
	static uint64_t seg[2] = { 0, 8 };

	for (unsigned i = 0; i < ARRAY_SIZE(types); i++) {
		struct result r = io1(&rw, types[i], 0, (uint64_t)seg, 16);

		if (r.how != DONE || r.status != RT_BLK_S_UNSUPP) {
			printf("type 0x%x: not UNSUPP\n", types[i]);
			return false;
		}
	}
	return true;
}

/* The read-only slice: reads are served, a write is IOERR and changes
 * nothing. */
static bool write_read_only(void)
{
	static uint8_t before[SECTOR], after[SECTOR];
	struct result w;

	if (!ro.blk.base || !ro.blk.read_only || !setup(&ro))
		return false;
	if (!read_ok(&ro, 0, before, 1))
		return false;
	memset(data, 0x5a, SECTOR);
	w = io1(&ro, T_OUT, 0, (uint64_t)data, SECTOR);
	return ioerr(w) && read_ok(&ro, 0, after, 1) &&
	       !memcmp(before, after, SECTOR) &&
	       ioerr(io1(&ro, T_OUT, ro.blk.capacity, (uint64_t)data,
			 SECTOR)) &&
	       !needs_reset(&ro);
}

/* --- buffers outside its memory: the queue breaks -------------------- */

static bool read_into_far(void)
{
	return io1(&rw, T_IN, 0, FAR, SECTOR).how == BROKE;
}

static bool read_across_ram_end(void)
{
	return io1(&rw, T_IN, 0, ram_end - 256, SECTOR).how == BROKE;
}

static bool write_from_outside(void)
{
	return io1(&rw, T_OUT, 0, ram_end, SECTOR).how == BROKE;
}

static bool status_outside(void)
{
	struct buf b[3] = { { (uint64_t)&hdr, 16, false },
			    { (uint64_t)data, SECTOR, true },
			    { ram_end, 1, true } };

	hdr = (typeof(hdr)){ T_IN, 0, 0 };
	return chain(&rw, b, 3).how == BROKE;
}

/*
 * A read whose chain ends in an empty writable buffer at the first byte
 * of its memory. The status byte is the last writable byte (§5.2.6), in
 * the buffer before; the byte before an empty buffer is not part of the
 * chain, and here not even this partition's. Served: data and status.
 */
static bool empty_last_buffer(void)
{
	struct buf b[4] = { { (uint64_t)&hdr, 16, false },
			    { (uint64_t)data, SECTOR, true },
			    { (uint64_t)&status, 1, true },
			    { ram_base, 0, true } };
	struct result r;

	memset(data, 0, SECTOR);
	hdr = (typeof(hdr)){ T_IN, 0, 0 };
	r = chain(&rw, b, 4);
	return r.how == DONE && r.status == RT_BLK_S_OK && holds(data, 0, 1);
}

static bool header_outside(void)
{
	struct buf b[3] = { { ram_base - 16, 16, false },
			    { (uint64_t)data, SECTOR, true },
			    { (uint64_t)&status, 1, true } };

	return chain(&rw, b, 3).how == BROKE;
}

/*
 * Posted, then changed while the driver may be reading it: the header's
 * sector moved past the slice, the data buffer grown across its end or
 * moved outside its memory. Whatever the driver saw, it is served as
 * checked (its own copy of the header goes to the disk), refused, or
 * breaks the queue; the write's data is the pattern its last sector
 * holds, so a write that stays inside changes nothing.
 */
static bool rewritten_after_posting(void)
{
	struct buf b[3] = { { (uint64_t)&hdr, 16, false },
			    { (uint64_t)data, SECTOR, false },
			    { (uint64_t)&status, 1, true } };
	unsigned served = 0, refused = 0, broken = 0;

	fill(data, slice_end - 1, 1);
	memset(data + SECTOR, 0x5a, SECTOR);
	for (unsigned i = 0; i < 300; i++) {
		struct result r;

		hdr = (typeof(hdr)){ T_OUT, 0, slice_end - 1 };
		status = S_UNTOUCHED;
		post(&rw, b, 3);
		if (i % 3 == 0)
			*(volatile uint64_t *)&hdr.sector = slice_end;
		else if (i % 3 == 1)
			rw.q->desc[1].len = 2 * SECTOR;
		else
			rw.q->desc[1].addr = FAR;
		r = finish(&rw);
		if (r.how == HUNG)
			return false;
		if (r.how == BROKE) {
			broken++;
			if (!setup(&rw))
				return false;
		} else if (r.status == RT_BLK_S_OK) {
			served++;
		} else if (r.status == RT_BLK_S_IOERR) {
			refused++;
		} else {
			return false;
		}
	}
	printf("rewritten after posting: %u served, %u refused, %u broke the queue\n",
	       served, refused, broken);
	return true;
}

void guest_main(void)
{
	rt_delay_us(rt_arg("wait", 0) * 1000);
	rt_fdt_walk(rt_dtb(), find_ram, NULL);
	if (!rt_blk_init(&rw.blk, 0) || rw.blk.read_only ||
	    rw.blk.capacity < MAX_DATA / SECTOR) {
		printf("FAIL no read-write virtio-blk device of 4 MiB or more\n");
		return;
	}
	rt_blk_init(&ro.blk, 1);
	rw.q = &rings[0];
	ro.q = &rings[1];
	slice_end = rw.blk.capacity;
	printf("blkattack: slice of %lu sectors, read-only one of %lu, memory 0x%lx-0x%lx\n",
	       slice_end, ro.blk.capacity, ram_base, ram_end);
	fill(data, 0, 4);
	if (!setup(&rw) || !write_ok(&rw, 0, data, 4)) {
		printf("FAIL cannot write its own slice\n");
		return;
	}
	fill(data, slice_end - 4, 4);
	if (!write_ok(&rw, slice_end - 4, data, 4) || !good()) {
		printf("FAIL cannot write its own slice\n");
		return;
	}
	attack("read past the end of its slice", read_past_end, NEVER);
	attack("write past the end of its slice", write_past_end, NEVER);
	attack("write across the end of its slice", write_across_end, NEVER);
	attack("sector 2^55 (byte offset wraps to 0)", sector_wraps, NEVER);
	attack("sector 2^64 - 1", sector_max, NEVER);
	attack("no status byte", no_status, NEVER);
	attack("header shorter than 16 bytes", short_header, NEVER);
	attack("length not whole sectors", not_whole_sectors, NEVER);
	attack("more than 4 MiB", over_4mib, MAY);
	attack("more data buffers than seg_max", over_seg_max, NEVER);
	attack("unknown request types", unknown_types, NEVER);
	attack("write to its read-only slice", write_read_only, NEVER);
	attack("empty buffer last, at the start of its memory",
	       empty_last_buffer, SERVED);
	attack("data buffer outside its memory", read_into_far, MUST);
	attack("data buffer across the end of its memory", read_across_ram_end,
	       MUST);
	attack("write from outside its memory", write_from_outside, MUST);
	attack("status byte outside its memory", status_outside, MUST);
	attack("header outside its memory", header_outside, MUST);
	attack("request rewritten after posting", rewritten_after_posting, MAY);
	printf("attacks done\n");
}
