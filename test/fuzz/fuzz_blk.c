// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the block driver's request handling
 * (userland-drivers/block/block.c, compiled in whole here so that its
 * state can be cleared between inputs). A frontend's chains are hostile:
 * their header (type, sector), their buffers' number, sizes and
 * directions come from the input; so do the slices, the disk's answers
 * and their order, and the frontends' resets. The runtime and the disk
 * are fakes that check, on every call:
 *
 *   - what reaches the disk: the driver's own 16-byte header and status
 *     byte around data buffers that each lie inside one buffer of the
 *     chain being served, in its direction; a read or write whose bytes
 *     are a whole number of sectors, at most 4 MiB, at the frontend's
 *     sector moved by the slice's offset and inside the slice; no write
 *     to a read-only slice; a flush with no data;
 *   - what the frontend gets back: each chain completed once, in pop
 *     order, with a status the disk gave (or IOERR, UNSUPP, OK where the
 *     driver answers itself) in the chain's last writable byte, and no
 *     more bytes claimed than the chain can take; none of a chain from
 *     before a reset;
 *   - a reset is confirmed only when none of the earlier requests is
 *     still with the disk (the disk could write into memory the frontend
 *     has taken back);
 *   - at the end, with the disk drained: every chain completed.
 *
 * Each chain buffer is a malloc'd block of exactly its length, so ASan
 * reports any access outside it. A violation traps.
 *
 * Input: 8 bytes of set-up (device count, read-only, flush, a second
 * disk and no-disk bits, capacity, two slices), then steps: a byte of op
 * and its operands (test/fuzz/make-corpus.sh has the layout).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"

#define printf(...) blk_printf(__VA_ARGS__) /* the driver's output, dropped */
#include "../../userland-drivers/block/block.c"
#undef printf

#include "fake_drv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* --- the input ---------------------------------------------------------- */

static struct fuzz_input in;

static u32 take(u32 bytes)
{
	return (u32)fuzz_take(&in, bytes);
}

/* --- chains the frontends offer ---------------------------------------- */

#define CHAINS 512 /* offered in one input, at most */
#define SEGS 300   /* in one chain: past DRV_MAX_SEGS on purpose */

struct chain {
	u32 dev;
	u16 head;
	struct virtq_seg seg[SEGS];
	u32 nseg, nread, readable, writable;
	u32 epoch;	   /* the device's resets when it was offered */
	bool popped, done; /* given to the driver; completed */
	u8 disk_status;	   /* what the disk answered, 0xff before */
	bool to_disk;	   /* handed to the disk */
	bool answered;	   /* the disk answered */
	u8 hdr[16];	   /* the header the frontend wrote */
	bool hdr_whole;	   /* in its readable bytes, all 16 */
};

static struct chain chains[CHAINS];
static u32 nchains;
static u32 dev_resets[DRV_MAX_DEVS];
static u32 pending[DRV_MAX_DEVS][CHAINS]; /* offered, not popped: fifo */
static u32 pend_first[DRV_MAX_DEVS], pend_count[DRV_MAX_DEVS];
static u32 popped_order[DRV_MAX_DEVS][CHAINS]; /* to complete, in order */
static u32 pop_first[DRV_MAX_DEVS], pop_count[DRV_MAX_DEVS];
static struct chain *serving; /* the chain request() is looking at */
static u16 next_head;

static void offer(u32 dev)
{
	struct chain *c;
	u32 kind, nseg;
	u8 hdr[16];

	if (nchains == CHAINS)
		return;
	c = &chains[nchains];
	memset(c, 0, sizeof(*c));
	c->dev = dev;
	c->head = next_head++;
	c->epoch = dev_resets[dev];
	c->disk_status = 0xff;
	kind = take(1);
	/* The header: any bytes, then (mostly) a known type and a sector the
	 * slice may hold. */
	for (int i = 0; i < 16; i++)
		hdr[i] = (u8)take(1);
	if (kind & 4) {
		static const u32 types[4] = { BLK_T_IN, BLK_T_OUT, BLK_T_FLUSH,
					      BLK_T_GET_ID };

		memcpy(hdr, &types[kind & 3], 4);
	}
	if (kind & 8)
		memset(hdr + 12, 0, 4);
	nseg = kind & 0x20 ? 1 + take(2) % SEGS : 1 + take(1) % 12;
	for (u32 i = 0; i < nseg; i++) {
		u32 spec = take(2), len;
		bool w = i > 0 && (spec & 1); /* readable ones come first */

		if (i > 0 && c->seg[i - 1].writable)
			w = true;
		switch (spec >> 1 & 3) {
		case 0:
			len = 16;
			break;
		case 1:
			len = 1;
			break;
		case 2:
			len = 512U << (spec >> 3 & 7);
			break;
		default:
			len = spec >> 3;
			break;
		}
		if (nseg > 40 && len > 4096)
			len = 4096; /* keep long chains cheap */
		c->seg[i].ptr = malloc(len ? len : 1);
		c->seg[i].len = len;
		c->seg[i].writable = w;
		memset(c->seg[i].ptr, 0xa5, len);
		if (w)
			c->writable += len;
		else {
			c->readable += len;
			c->nread = i + 1;
		}
	}
	c->nseg = nseg;
	/* The header into the readable bytes (where there are such). */
	memcpy(c->hdr, hdr, 16);
	for (u32 i = 0, got = 0; i < c->nread && got < 16; i++) {
		u32 n = MIN(c->seg[i].len, 16 - got);

		memcpy(c->seg[i].ptr, hdr + got, n);
		got += n;
		c->hdr_whole = got == 16;
	}
	nchains++;
	pending[dev][(pend_first[dev] + pend_count[dev]++) % CHAINS] =
		(u32)(c - chains);
}

/* --- the fake runtime ---------------------------------------------------- */

static struct bh_vdev_state dev_state[DRV_MAX_DEVS];
static u32 quiesced[DRV_MAX_DEVS]; /* last drv_quiesced() per device */
static bool failed[DRV_MAX_DEVS];

int blk_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return 0;
}

int drv_next(struct drv_dev *d, u32 q, struct virtq_chain *c)
{
	u32 dev = (u32)(d - drv_devs), k;
	struct chain *ch;

	check(q == 0 && dev < drv_ndevs && !failed[dev]);
	if (!pend_count[dev])
		return 0;
	k = pending[dev][pend_first[dev]];
	pend_first[dev] = (pend_first[dev] + 1) % CHAINS;
	pend_count[dev]--;
	ch = &chains[k];
	/* virtq.c's limits: the runtime breaks the queue past them */
	if (ch->nseg > c->cap || ch->readable > model->max_bytes ||
	    ch->writable > model->max_bytes)
		return -1;
	ch->popped = true;
	memcpy(c->seg, ch->seg, ch->nseg * sizeof(ch->seg[0]));
	c->head = ch->head;
	c->nseg = ch->nseg;
	c->nread = ch->nread;
	c->readable = ch->readable;
	c->writable = ch->writable;
	popped_order[dev][(pop_first[dev] + pop_count[dev]++) % CHAINS] = k;
	serving = ch;
	return 1;
}

void drv_fail(struct drv_dev *d, u32 q, int err)
{
	(void)q;
	(void)err;
	failed[d - drv_devs] = true;
}

void drv_quiesced(struct drv_dev *d, u32 resets)
{
	u32 dev = (u32)(d - drv_devs);

	check(resets == dev_resets[dev]);
	/* Nothing from before this reset is with the disk. */
	for (u32 i = 0; i < nchains; i++)
		check(!(chains[i].dev == dev && chains[i].epoch < resets &&
			chains[i].to_disk && !chains[i].answered));
	quiesced[dev] = resets;
}

/* The frontend's used ring: the oldest open chain of this device. */
int virtq_push(struct virtq *q, u16 id, u32 len)
{
	u32 dev = (u32)((struct drv_dev *)((char *)q -
					   offsetof(struct drv_dev, q)) -
			drv_devs);
	struct chain *c;
	u8 status;

	check(dev < drv_ndevs);
	if (failed[dev])
		return -1; /* a broken queue takes nothing more */
	check(pop_count[dev] > 0);
	c = &chains[popped_order[dev][pop_first[dev]]];
	pop_first[dev] = (pop_first[dev] + 1) % CHAINS;
	pop_count[dev]--;
	check(c->head == id && !c->done);
	check(c->epoch == dev_resets[dev]); /* none from before a reset */
	check(len <= c->writable);
	c->done = true;
	if (!c->writable) {
		check(len == 0);
		return 0;
	}
	/* The byte at writable offset c->writable - 1 */
	for (u32 i = c->nread, at = 0;; i++) {
		if (at + c->seg[i].len == c->writable) {
			status = ((u8 *)c->seg[i].ptr)[c->seg[i].len - 1];
			break;
		}
		at += c->seg[i].len;
	}
	check(status == BLK_S_OK || status == BLK_S_IOERR ||
	      status == BLK_S_UNSUPP);
	if (c->to_disk) {
		/* The disk's answer, OK and UNSUPP kept, anything else IOERR.
		 */
		check(c->answered);
		check(status == (c->disk_status == BLK_S_OK ? BLK_S_OK
				 : c->disk_status == BLK_S_UNSUPP
					 ? BLK_S_UNSUPP
					 : BLK_S_IOERR));
	}
	return 0;
}

const struct virtq_fault *virtq_fault(const struct virtq *q)
{
	static struct virtq_fault f;

	(void)q;
	return &f;
}

/* --- the fake rt ------------------------------------------------------- */

static u64 clock_now;

bool rt_whoami(struct rt_whoami *w)
{
	w->boots = 2; /* no copy timing, no crash hook */
	return true;
}
uint64_t rt_counter(void)
{
	return clock_now += 7;
}
void rt_fdt_walk(const void *fdt, rt_fdt_fn fn, void *ctx)
{
	(void)fdt;
	(void)fn;
	(void)ctx;
}
uint64_t rt_fdt_cells(const void *val, uint32_t len, uint32_t i)
{
	(void)val;
	(void)len;
	(void)i;
	return 0;
}
uint32_t rt_fdt_u32(const void *val, uint32_t len, uint32_t i)
{
	(void)val;
	(void)len;
	(void)i;
	return 0;
}
uint64_t rt_hvc(uint64_t fn, const uint64_t args[7], uint64_t out[8])
{
	(void)fn;
	(void)args;
	(void)out;
	return 0;
}
/* --- the fake disk ------------------------------------------------------- */

static u64 capacity_sectors;
static bool has_flush, no_disk;

struct sub {
	bool busy;
	int tag;
	struct chain *c;
};
static struct sub subs[VMDEV_QSIZE];
static u32 answers[VMDEV_QSIZE]; /* heads the disk has answered, in order */
static u32 nanswers;

bool vmdev_probe(u64 base, u32 device_id)
{
	return base && device_id == VIRTIO_BLK_ID && !no_disk;
}

bool vmdev_start(struct vmdev *d, u64 base, u64 wanted,
		 volatile struct vmdev_ring *r)
{
	(void)r;
	d->base = base;
	d->features = wanted & ~(has_flush ? 0 : 1ULL << BLK_F_FLUSH);
	d->indirect = true;
	d->nfree = VMDEV_QSIZE;
	return true;
}

void vmdev_config(const struct vmdev *d, u32 off, void *out, u32 n)
{
	(void)d;
	check(off == 0 && n == 8);
	memcpy(out, &capacity_sectors, 8);
}

/* Which tag's header and status byte @b[0] and @b[n-1] are. */
static int tag_of(const struct vmdev_buf *b, u32 n)
{
	for (int t = 0; t < TAGS; t++)
		if (b[0].addr == (u64)&tags[t].hdr)
			return b[n - 1].addr == (u64)&tags[t].status &&
					       b[0].len == 16 &&
					       !b[0].writable &&
					       b[n - 1].len == 1 &&
					       b[n - 1].writable
				       ? t
				       : -1;
	return -1;
}

/* Is [addr, +len) inside one of @c's buffers of direction @w? */
static bool inside(const struct chain *c, u64 addr, u32 len, bool w)
{
	for (u32 i = 0; i < c->nseg; i++) {
		u64 p = (u64)c->seg[i].ptr;

		if (c->seg[i].writable == w && addr >= p &&
		    addr - p <= c->seg[i].len &&
		    len <= c->seg[i].len - (addr - p))
			return true;
	}
	return false;
}

int vmdev_add(struct vmdev *d, const struct vmdev_buf *b, u32 n,
	      struct vmdev_ind *ind)
{
	int t, head = -1;
	const struct blk *k;
	u32 type, ftype;
	u64 sector, fsector, bytes = 0;

	(void)ind;
	check(d == &disk && n >= 2 && n <= PIECES + 2);
	t = tag_of(b, n);
	check(t >= 0 && !tags[t].busy);
	check(serving && !serving->to_disk);
	k = &blks[serving->dev];
	type = tags[t].hdr.type;
	sector = tags[t].hdr.sector;
	/* The frontend's own header, all of it */
	check(serving->hdr_whole);
	memcpy(&ftype, serving->hdr, 4);
	memcpy(&fsector, serving->hdr + 8, 8);
	if (type == BLK_T_FLUSH) {
		check(ftype == BLK_T_FLUSH && n == 2 && has_flush);
	} else {
		check(type == BLK_T_IN || type == BLK_T_OUT);
		check(ftype == type && n >= 3);
		check(!(type == BLK_T_OUT && k->read_only));
		for (u32 i = 1; i + 1 < n; i++) {
			check(b[i].writable == (type == BLK_T_IN));
			check(b[i].len && inside(serving, b[i].addr, b[i].len,
						 b[i].writable));
			bytes += b[i].len;
		}
		check(bytes && bytes % SECTOR == 0 && bytes <= MAX_DATA);
		/* The frontend's sector, moved by the slice, inside it */
		check(k->offset % SECTOR == 0);
		check(sector == fsector + k->offset / SECTOR);
		check(fsector <= k->size / SECTOR &&
		      bytes <= k->size - fsector * SECTOR);
		check(!k->foreign);
	}
	for (u32 h = 0; h < VMDEV_QSIZE; h++)
		if (!subs[h].busy) {
			head = (int)h;
			break;
		}
	check(head >= 0 && d->nfree > 0);
	subs[head] = (struct sub){ true, t, serving };
	serving->to_disk = true;
	d->nfree--;
	return head;
}

void vmdev_kick(struct vmdev *d)
{
	(void)d;
}

bool vmdev_used(struct vmdev *d, u32 *id, u32 *len)
{
	u32 h;

	if (!nanswers)
		return false;
	h = answers[0];
	memmove(answers, answers + 1, --nanswers * sizeof(answers[0]));
	subs[h].busy = false;
	d->nfree++;
	*id = h;
	*len = 1;
	return true;
}

void vmdev_ack(const struct vmdev *d)
{
	(void)d;
}

void vmdev_interrupts(struct vmdev *d, bool on)
{
	(void)d;
	(void)on;
}

/* The disk answers the submission at its @pick'th busy head. */
static void answer(u32 pick, u8 status)
{
	u32 busy = 0, h;

	for (h = 0; h < VMDEV_QSIZE; h++)
		busy += subs[h].busy && !subs[h].c->answered;
	if (!busy)
		return;
	pick %= busy;
	for (h = 0; h < VMDEV_QSIZE; h++)
		if (subs[h].busy && !subs[h].c->answered && !pick--)
			break;
	tags[subs[h].tag].status = status;
	subs[h].c->answered = true;
	subs[h].c->disk_status = status;
	answers[nanswers++] = h;
}

/* --- the run ------------------------------------------------------------- */

static void clear(void)
{
	for (u32 i = 0; i < nchains; i++)
		for (u32 s = 0; s < chains[i].nseg; s++)
			free(chains[i].seg[s].ptr);
	nchains = 0;
	memset(pend_first, 0, sizeof(pend_first));
	memset(pend_count, 0, sizeof(pend_count));
	memset(pop_first, 0, sizeof(pop_first));
	memset(pop_count, 0, sizeof(pop_count));
	memset(dev_resets, 0, sizeof(dev_resets));
	memset(quiesced, 0, sizeof(quiesced));
	memset(failed, 0, sizeof(failed));
	memset(subs, 0, sizeof(subs));
	nanswers = 0;
	serving = NULL;
	/* block.c's own state */
	memset(&disk, 0, sizeof(disk));
	memset(tags, 0, sizeof(tags));
	memset(head_tag, 0, sizeof(head_tag));
	memset(blks, 0, sizeof(blks));
	disk_base = 0;
	disk_irq = 0;
	disk_ok = disk_flush = false;
	crash_after = submitted = debug = poll_us = 0;
	started = first_done = 0;
}

/* The runtime serves every device, as it does on each wake. */
static void serve(void)
{
	idle_fn(false);
	for (u32 i = 0; i < drv_ndevs; i++)
		if (!failed[i]) {
			serving = NULL;
			model->queue(&drv_devs[i], 0);
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u32 flags;

	if (size < 8)
		return 0;
	in = (struct fuzz_input){ data, size };
	clear();
	flags = take(1);
	drv_ndevs = 1 + (flags & 1);
	has_flush = flags >> 3 & 1;
	no_disk = (flags & 0xe0) == 0xe0; /* the driver finds no disk */
	capacity_sectors = (u64)take(1) << 8;
	memset(drv_devs, 0, sizeof(drv_devs));
	memset(dev_state, 0, sizeof(dev_state));
	for (u32 i = 0; i < drv_ndevs; i++) {
		drv_devs[i].index = i;
		strcpy(drv_devs[i].frontend, i ? "linux" : "baremetal-front");
		drv_devs[i].st = &dev_state[i];
		/* Slices of 256-sector steps; bhconfig keeps them inside the
		 * disk, but the driver must not rely on that. */
		drv_devs[i].args[0] = (u64)take(1) << 17;
		drv_devs[i].args[1] = (u64)take(1) << 17;
		drv_devs[i].args[2] = flags >> (1 + i) & 1;
		drv_devs[i].args[3] = flags & 0x10 && i ? 0xa004000 : 0xa003e00;
	}
	take(1);
	if (!setjmp(back))
		guest_main();
	check(idle_fn && model);
	while (in.n) {
		u32 op = take(1), dev = op >> 4 & 1;

		if (dev >= drv_ndevs)
			dev = 0;
		switch (op & 7) {
		case 0:
		case 1:
		case 2: /* chains offered, then served */
			for (u32 k = 0; k <= (op >> 5 & 3); k++)
				offer(dev);
			if (!failed[dev]) {
				serving = NULL;
				model->queue(&drv_devs[dev], 0);
			}
			break;
		case 3:
		case 4: /* the disk answers one, the driver wakes */
			answer(take(1), op & 0x80 ? (u8)take(1) : BLK_S_OK);
			if (op & 0x20)
				break;
			serve();
			break;
		case 5: /* the frontend resets the device */
			dev_resets[dev]++;
			drv_devs[dev].resets = dev_resets[dev];
			failed[dev] = false;
			pend_count[dev] = 0;
			pop_count[dev] = 0;
			model->reset(&drv_devs[dev]);
			break;
		default:
			serve();
			break;
		}
	}
	/* Drained: the disk answers everything, the driver serves what is
	 * left; then every chain offered since its device's last reset, on
	 * a device not failed, was completed. */
	for (int round = 0; round < 2 * CHAINS; round++) {
		bool left = nanswers > 0;

		for (u32 h = 0; h < VMDEV_QSIZE; h++)
			if (subs[h].busy && !subs[h].c->answered) {
				answer(0, BLK_S_OK);
				left = true;
			}
		for (u32 i = 0; i < drv_ndevs; i++)
			left |= pend_count[i] && !failed[i];
		if (!left)
			break;
		serve();
	}
	for (u32 i = 0; i < nchains; i++) {
		const struct chain *c = &chains[i];

		if (c->epoch == dev_resets[c->dev] && !failed[c->dev])
			check(c->done);
	}
	for (u32 i = 0; i < drv_ndevs; i++)
		check(quiesced[i] == dev_resets[i]); /* every reset confirmed */
	clear();
	return 0;
}
