// SPDX-License-Identifier: MIT
/*
 * The block driver partition. It owns one physical virtio-blk disk
 * (granted with dma-devices; on QEMU a virtio-blk-device on the virt
 * machine's virtio-mmio bus) and serves each configured frontend a
 * virtio-blk device (VIRTIO 1.2 §5.2) that is a slice of it: offset and
 * size in bytes, read-only or not, from the config (bhconfig checks the
 * slices; the device tree gives them to this partition as `args`).
 *
 * A request is checked, then handed to the disk: the header is copied
 * out of the frontend's memory and checked once (sector range inside the
 * slice, overflow-checked; length a multiple of 512; no write to a
 * read-only slice), and the disk gets this partition's own copy of it,
 * the sector moved by the slice's offset, so that nothing the frontend
 * changes afterwards can move the request; the data buffers are the
 * frontend's own (checked to lie in its grant by the virtqueue library),
 * so the disk reads and writes them directly: no copy. The status byte
 * the disk writes is this partition's; it is copied to the frontend's
 * when the request completes.
 *
 * Completions go back in the order the frontend made the requests
 * available (a later one that finishes first waits): so after a restart
 * of this partition exactly the chains from the used ring's index to the
 * available ring's are still open, and virtq_resume() pops them again.
 * Block reads and writes are idempotent; each is done again, and a write
 * or FLUSH is completed only after the disk completed it.
 *
 * When a frontend resets its device (or restarts), requests of its
 * earlier life may still be with the disk, pointing into its memory: they
 * are left to finish, their completions dropped, and only then does this
 * partition tell the core (its page's quiesced[]) that the frontend's
 * memory may be cleared.
 *
 * It polls (the frontends' rings and the disk's used ring) for poll-us
 * microseconds (bootargs, default POLL_US) after its last work before it
 * sleeps on its doorbell: while it polls, frontends do not kick it
 * (suppressed, §2.7.10) and the disk does not interrupt it (§2.7.7), so a
 * request in a busy stream costs neither side an exit to reach the other
 * and no wake-up. Its CPU is its own; poll-us=0 sleeps at once.
 *
 * Test hook: bootargs crash-after=N makes its first boot fault (a write
 * outside its memory) when it has handed N requests to the disk, with
 * some of them still in flight.
 */
#include <bulkhead/abi.h>
#include <bulkhead/lib.h>

#include "drv.h"
#include "rt.h"
#include "vmdev.h"

#define VIRTIO_BLK_ID 2
#define BLK_T_IN 0
#define BLK_T_OUT 1
#define BLK_T_FLUSH 4
#define BLK_T_GET_ID 8
#define BLK_S_OK 0
#define BLK_S_IOERR 1
#define BLK_S_UNSUPP 2
#define BLK_F_FLUSH 9
#define BLK_ID_BYTES 20 /* §5.2.6: GET_ID's answer */
#define SECTOR 512

#define MAX_REQS 32		   /* a device's requests in flight */
#define TAGS 32			   /* requests in flight on the disk */
#define PIECES (VMDEV_IND_MAX - 2) /* data buffers of one request, at most */
#define MAX_DATA (4U << 20)
_Static_assert(PIECES + 2 <= VMDEV_QSIZE, "a request's chain fits the queue");
_Static_assert(PIECES == BH_VDEV_BLK_SEG_MAX,
	       "what bhconfig offers as seg_max");
#define POLL_US 50 /* polls this long after its last work, then sleeps */
#define SMALL (16U + 4096U + 1U) /* a chain of 4 KiB of data, at most */

/*
 * Where a request's time goes here (scripts/bench-io), in counter ticks:
 * this partition's own work (the checks, the disk's chain, the
 * completion taken back and pushed) apart from the two steps that are a
 * register write and a call on hardware but a hand-off between host
 * threads under QEMU: the disk's notify, and the frontend's interrupt
 * (VDEV_RAISE). A batch's notify and interrupt count for its last
 * request. Kept for requests of 4 KiB of data or less, and larger.
 */
struct cost {
	u64 n, own, kick, raise;
};

/* A frontend's request, from pop to completion, in pop order. */
struct req {
	u16 head;    /* the frontend's chain */
	u8 *status;  /* its status byte, NULL if it has none */
	u32 written; /* bytes written into its buffers, status included */
	u8 result;   /* BLK_S_* */
	bool done;   /* ready to complete, in order */
	bool large;  /* more than 4 KiB of data (struct cost) */
};

struct blk {
	u64 notify0, doorbells0; /* since the last reset */
	u64 offset, size;	 /* the slice, bytes */
	bool read_only;
	bool foreign; /* its slice is on a disk this driver does not drive */
	struct req req[MAX_REQS];
	u32 first, count; /* open requests: req[first .. first + count) */
	u32 epoch;	  /* bumped by a reset: older completions dropped */
	u32 on_disk;	  /* requests of any epoch still with the disk */
	u32 quiesce;	  /* resets count to confirm when on_disk is 0 */
	bool confirmed;
	struct cost cost[2]; /* [large]; since the last reset */
};

/* A request with the disk: the header and status byte it reads and
 * writes (this partition's memory) and whose request it is. */
struct tag {
	struct {
		u32 type, reserved;
		u64 sector;
	} hdr;
	u8 status;
	bool busy;
	struct drv_dev *dev;
	u32 epoch, req;
	struct vmdev_ind table; /* its chain, read by the disk */
};

static struct vmdev disk;
static volatile struct vmdev_ring disk_ring;
static struct tag tags[TAGS];
static u8 head_tag[VMDEV_QSIZE];
static struct blk blks[DRV_MAX_DEVS];
static u64 disk_base;
static u32 disk_irq;
static bool disk_ok, disk_flush;
static u64 crash_after, submitted, debug, poll_us;
static u64 started, first_done; /* counter at start, at first completion */

static struct blk *blk_of(const struct drv_dev *d)
{
	return &blks[d - drv_devs];
}

/* --- completions, in order ------------------------------------------ */

static void complete_in_order(struct drv_dev *d)
{
	struct blk *b = blk_of(d);
	bool any = false, large = false;
	u64 t = rt_counter(), now;

	while (b->count && b->req[b->first].done && !drv_stale(d)) {
		struct req *r = &b->req[b->first];

		if (r->status)
			*(volatile u8 *)r->status = r->result;
		if (virtq_push(&d->q[0], r->head, r->written) < 0) {
			drv_fail(d, 0, virtq_fault(&d->q[0])->code);
			return;
		}
		b->first = (b->first + 1) % MAX_REQS;
		b->count--;
		any = true;
		large = r->large;
		now = rt_counter();
		b->cost[large].own += now - t;
		t = now;
	}
	if (any) {
		drv_notify(d, 0);
		b->cost[large].raise += rt_counter() - t;
	}
	if (any && !first_done) {
		first_done = rt_counter();
		printf("first request completed %lu us after start\n",
		       (first_done - started) * 1000000 / rt_frequency());
	}
}

/* Confirm a frontend's reset once none of its old requests is on the
 * disk (its Status 0 write, or its restart, waits for this, bounded). */
static void confirm(struct drv_dev *d)
{
	struct blk *b = blk_of(d);

	if (b->confirmed || b->on_disk)
		return;
	drv_quiesced(d, b->quiesce);
	b->confirmed = true;
}

static struct req *open_req(struct blk *b, u16 head)
{
	struct req *r = &b->req[(b->first + b->count) % MAX_REQS];

	b->count++;
	*r = (struct req){ .head = head, .result = BLK_S_IOERR };
	return r;
}

static void finish(struct req *r, u8 result, u32 data)
{
	r->result = result;
	r->written = r->status ? data + 1 : 0;
	r->done = true;
}

/* --- the disk ------------------------------------------------------- */

static int take_tag(void)
{
	for (int t = 0; t < TAGS; t++)
		if (!tags[t].busy)
			return t;
	return -1;
}

/* Hand @r to the disk: our header, the frontend's @n data buffers, our
 * status byte. */
static bool submit(struct drv_dev *d, struct req *r, u32 type, u64 sector,
		   const struct vmdev_buf *data, u32 n)
{
	struct blk *b = blk_of(d);
	static struct vmdev_buf buf[PIECES + 2]; /* 4 KiB: not on the stack */
	int t = take_tag(), head;

	if (t < 0)
		return false;
	tags[t].hdr.type = type;
	tags[t].hdr.reserved = 0;
	tags[t].hdr.sector = sector;
	tags[t].status = 0xff;
	buf[0] = (struct vmdev_buf){ (u64)&tags[t].hdr, 16, false };
	for (u32 i = 0; i < n; i++)
		buf[1 + i] = data[i];
	buf[1 + n] = (struct vmdev_buf){ (u64)&tags[t].status, 1, true };
	head = vmdev_add(&disk, buf, n + 2, &tags[t].table);
	if (head < 0)
		return false;
	if (debug)
		printf("submit type %u sector %lu n %u head %d tag %d\n", type,
		       sector, n, head, t);
	head_tag[head] = (u8)t;
	tags[t].busy = true;
	tags[t].dev = d;
	tags[t].epoch = b->epoch;
	tags[t].req = (u32)(r - b->req);
	b->on_disk++;
	submitted++;
	if (crash_after && submitted >= crash_after) {
		vmdev_kick(&disk);
		*(volatile u64 *)0x7f000000UL = 0; /* the test hook's fault */
	}
	return true;
}

/* Take what the disk completed; true if anything was. */
static bool disk_poll(void)
{
	u32 head, len;
	bool any = false;
	u64 t0 = 0, now;

	if (!disk_ok)
		return false;
	while (vmdev_used(&disk, &head, &len)) {
		struct tag *t;
		struct blk *b;
		struct req *r;

		if (!any) /* not on every look at an empty ring */
			t0 = rt_counter();
		any = true;
		if (debug)
			printf("used head %u len %u\n", head, len);
		if (head >= VMDEV_QSIZE)
			continue;
		t = &tags[head_tag[head]];
		b = blk_of(t->dev);
		t->busy = false;
		b->on_disk--;
		if (t->epoch != b->epoch)
			continue;
		r = &b->req[t->req];
		r->result = t->status == BLK_S_OK	? BLK_S_OK
			    : t->status == BLK_S_UNSUPP ? BLK_S_UNSUPP
							: BLK_S_IOERR;
		r->done = true;
		now = rt_counter();
		b->cost[r->large].own += now - t0;
		t0 = now;
	}
	for (u32 i = 0; any && i < drv_ndevs; i++)
		if (drv_devs[i].ops) {
			complete_in_order(&drv_devs[i]);
			confirm(&drv_devs[i]);
		}
	return any;
}

/* --- requests --------------------------------------------------------- */

/*
 * The bytes [skip, skip + len) of the chain's readable (or writable)
 * buffers as disk buffers, at most @max; returns how many, or -1.
 */
static int pieces(const struct virtq_chain *c, bool writable, u32 skip, u32 len,
		  struct vmdev_buf *out, u32 max)
{
	u32 from = writable ? c->nread : 0, to = writable ? c->nseg : c->nread;
	int n = 0;

	for (u32 i = from; i < to && len; i++) {
		u32 l = c->seg[i].len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		if ((u32)n == max)
			return -1;
		l = MIN(l - skip, len);
		out[n++] = (struct vmdev_buf){ (u64)c->seg[i].ptr + skip, l,
					       writable };
		len -= l;
		skip = 0;
	}
	return n;
}

/* The first 16 readable bytes, gathered (§2.6.4: any framing). */
static bool header(const struct virtq_chain *c, u32 *type, u64 *sector)
{
	u8 h[16];
	u32 got = 0;

	for (u32 i = 0; i < c->nread && got < 16; i++) {
		u32 n = MIN(c->seg[i].len, 16 - got);

		memcpy(h + got, c->seg[i].ptr, n);
		got += n;
	}
	if (got < 16)
		return false;
	memcpy(type, h, 4);
	memcpy(sector, h + 8, 8);
	return true;
}

/*
 * The frontend's status byte: the last writable byte of the chain
 * (§5.2.6, any framing), NULL if it has none. A buffer may be empty, the
 * last one too, and the byte before an empty buffer at the start of the
 * frontend's memory is not the frontend's (test/fuzz/fuzz_blk.c found
 * this driver writing there): empty buffers hold no part of it.
 */
static u8 *status_byte(const struct virtq_chain *c)
{
	for (u32 i = c->nseg; i > c->nread; i--) /* the writable ones */
		if (c->seg[i - 1].len)
			return (u8 *)c->seg[i - 1].ptr + c->seg[i - 1].len - 1;
	return NULL;
}

/* Does [sector, +bytes) lie in the slice? (Overflow-checked.) */
static bool in_slice(const struct blk *b, u64 sector, u64 bytes)
{
	return sector <= b->size / SECTOR && bytes <= b->size - sector * SECTOR;
}

static void get_id(struct drv_dev *d, const struct virtq_chain *c,
		   struct req *r, u32 room)
{
	char id[BLK_ID_BYTES] = "bulkhead-";
	struct vmdev_buf out[BLK_ID_BYTES]; /* a byte each, at most */
	u32 n = MIN(room, (u32)BLK_ID_BYTES), done = 0;
	int k;

	memcpy(id + 9, d->frontend, MIN(strlen(d->frontend), 11UL));
	k = pieces(c, true, 0, n, out, BLK_ID_BYTES);
	for (int i = 0; i < k; i++) {
		memcpy((void *)out[i].addr, id + done, out[i].len);
		done += out[i].len;
	}
	finish(r, BLK_S_OK, n);
}

/* One popped chain: checked, then done here or handed to the disk.
 * False if the disk has no room now (the chain is then not consumed:
 * the caller stops and it is served later). */
static bool request(struct drv_dev *d, const struct virtq_chain *c)
{
	struct blk *b = blk_of(d);
	static struct vmdev_buf data[PIECES]; /* 4 KiB: not on the stack */
	struct req *r = open_req(b, c->head);
	u32 type = 0, room;
	u64 sector = 0, bytes;
	int n;

	r->status = status_byte(c);
	room = r->status ? c->writable - 1 : 0;
	if (!r->status || !header(c, &type, &sector)) {
		finish(r, BLK_S_IOERR, 0); /* malformed: fails alone */
		return true;
	}
	switch (type) {
	case BLK_T_IN:
	case BLK_T_OUT:
		bytes = type == BLK_T_IN ? room : c->readable - 16;
		if (!bytes || bytes % SECTOR || bytes > MAX_DATA ||
		    !in_slice(b, sector, bytes) ||
		    (type == BLK_T_OUT && b->read_only) || !disk_ok) {
			finish(r, BLK_S_IOERR, 0);
			return true;
		}
		n = pieces(c, type == BLK_T_IN, type == BLK_T_IN ? 0 : 16,
			   (u32)bytes, data, PIECES);
		if (n < 0) {
			finish(r, BLK_S_IOERR, 0);
			return true;
		}
		r->written = type == BLK_T_IN ? (u32)bytes + 1 : 1;
		return submit(d, r, type, sector + b->offset / SECTOR, data,
			      (u32)n);
	case BLK_T_FLUSH:
		r->written = 1;
		if (!disk_flush || !disk_ok) {
			/* Without a write cache every completed write is on
			 * the disk already. */
			finish(r, disk_ok ? BLK_S_OK : BLK_S_IOERR, 0);
			return true;
		}
		return submit(d, r, BLK_T_FLUSH, 0, NULL, 0);
	case BLK_T_GET_ID:
		get_id(d, c, r, room);
		return true;
	default:
		finish(r, BLK_S_UNSUPP, 0);
		return true;
	}
}

static bool blk_queue(struct drv_dev *d, u32 q)
{
	struct blk *b = blk_of(d);
	static struct virtq_seg seg[DRV_MAX_SEGS]; /* 4 KiB: not on the stack */
	struct virtq_chain c = { .seg = seg, .cap = DRV_MAX_SEGS };
	bool any = false, large = false;
	int r = 0;
	u64 t = rt_counter(), now;

	(void)q;
	/* Room for one more request of the most buffers, and a tag
	 * (without a disk every request fails in request(): none needed). */
	while (b->count < MAX_REQS &&
	       (!disk_ok ||
		(vmdev_fits(&disk, PIECES + 2) && take_tag() >= 0)) &&
	       (r = drv_next(d, 0, &c)) > 0) {
		bool ok = request(d, &c); /* opens the newest request */
		struct req *newest =
			&b->req[(b->first + b->count - 1) % MAX_REQS];

		any = true;
		large = c.readable + c.writable > SMALL;
		newest->large = large;
		if (!ok) /* Cannot be: room was checked. Fail it, not hang. */
			finish(newest, BLK_S_IOERR, 0);
		now = rt_counter();
		b->cost[large].n++;
		b->cost[large].own += now - t;
		t = now;
	}
	if (r < 0) {
		drv_fail(d, 0, r);
		return true;
	}
	if (any) {
		if (disk_ok)
			vmdev_kick(&disk);
		b->cost[large].kick += rt_counter() - t;
		complete_in_order(d);
	}
	return any;
}

/* @ticks of the counter over @n requests, in ns each. The average comes
 * first and CNTFRQ is 32 bits, so nothing overflows however long a
 * device lives. */
static u64 ns_each(u64 ticks, u64 n)
{
	u64 f = rt_frequency(), t = ticks / n;

	return f ? t / f * 1000000000 + t % f * 1000000000 / f : 0;
}

/*
 * What the design this driver does not use would cost: copying each
 * request's data through buffers of this partition's own, instead of
 * handing the frontend's buffers to the disk (the header above). That
 * is one memcpy of the request's bytes, on this CPU, per request: timed
 * here for @bytes, 32 KiB at a time between two buffers of its own, best
 * of five (a host that stalls this CPU's thread inflates one, not all),
 * in ns. Printed at the first boot; scripts/bench-io sets it beside a
 * direct request's time.
 */
#define COPY_CHUNK 32768U
static u8 copy_buf[2][COPY_CHUNK] __attribute__((aligned(64)));

static u64 copy_ns(u64 bytes)
{
	u64 best = ~0ULL;

	for (int rep = 0; rep < 5; rep++) {
		u64 t = rt_counter();

		for (u64 done = 0; done < bytes; done += COPY_CHUNK)
			memcpy(copy_buf[rep & 1], copy_buf[!(rep & 1)],
			       MIN(COPY_CHUNK, bytes - done));
		best = MIN(best, rt_counter() - t);
	}
	return ns_each(best, 1);
}

/* The frontend reset the device: its open requests are forgotten; those
 * still on the disk finish, and are dropped, before it is confirmed. */
static void blk_reset(struct drv_dev *d)
{
	struct blk *b = blk_of(d);
	u32 kicks = d->st->notify[0] - (u32)b->notify0;
	uint64_t a[7] = { 0 }, x[8] = { 0 }, exits = 0;
	u64 requests = b->cost[0].n + b->cost[1].n;

	/* What serving this frontend's life took (scripts/bench-io). */
	if (requests && !rt_hvc(BH_HC_EXITS, a, x))
		for (int i = 1; i <= 4; i++)
			exits += (x[i] & 0xffffffff) + (x[i] >> 32);
	if (requests)
		printf("vdev %u (for %s): %lu requests, %u kicks, %u doorbell interrupts, %lu exits of this partition so far\n",
		       d->index, d->frontend, requests, kicks,
		       drv_doorbells - (u32)b->doorbells0, exits);
	for (int k = 0; k < 2; k++) {
		const struct cost *c = &b->cost[k];

		if (c->n)
			printf("vdev %u (for %s): %s: %lu requests, ns each: own work %lu, disk notify %lu, interrupt %lu\n",
			       d->index, d->frontend,
			       k ? "over 4 KiB" : "4 KiB or less", c->n,
			       ns_each(c->own, c->n), ns_each(c->kick, c->n),
			       ns_each(c->raise, c->n));
	}
	memset(b->cost, 0, sizeof(b->cost));
	b->notify0 = d->st->notify[0];
	b->doorbells0 = drv_doorbells;
	b->epoch++;
	b->first = b->count = 0;
	b->quiesce = d->resets;
	b->confirmed = false;
	confirm(d);
}

static const struct drv_ops block_ops = {
	.device_id = VIRTIO_BLK_ID,
	.type = "block",
	.max_bytes = MAX_DATA + 16,
	.reset = blk_reset,
	.queue = blk_queue,
	.own_quiesce = true, /* once its old requests are off the disk */
};

/* --- set-up ----------------------------------------------------------- */

/* The virtio-mmio controller at disk_base: its SPI, from the device
 * tree node whose reg is there (its properties come in any order). */
static void find_disk(void *ctx, const char *path, const char *prop,
		      const void *val, uint32_t len)
{
	static char node[128];
	static bool here;
	static u32 irq;
	size_t n = MIN(strlen(path), sizeof(node) - 1);

	(void)ctx;
	if (memcmp(node, path, n) || node[n]) { /* a new node */
		memcpy(node, path, n);
		node[n] = 0;
		here = false;
		irq = 0;
	}
	if (!strcmp(prop, "reg"))
		here = rt_fdt_cells(val, len, 0) == disk_base;
	else if (!strcmp(prop, "interrupts") && rt_fdt_u32(val, len, 0) == 0)
		irq = 32 + rt_fdt_u32(val, len, 1);
	if (here && irq)
		disk_irq = irq;
}

/* The disk's interrupt: acknowledged at once (the line is level
 * triggered); the loop looks at the used ring when it wakes. */
static void disk_irq_hook(uint32_t intid)
{
	(void)intid;
	vmdev_ack(&disk);
}

/* While the runtime polls, the disk's completions are polled too, with
 * its interrupts off; before it sleeps they are turned on again. */
static bool idle(bool sleep)
{
	if (disk_ok)
		vmdev_interrupts(&disk, sleep);
	return disk_poll();
}

void guest_main(void)
{
	static const struct drv_ops *const ops[] = { &block_ops };
	struct rt_whoami w = { .boots = 1 };
	u64 capacity = 0;

	started = rt_counter();
	rt_whoami(&w);
	if (w.boots == 1)
		crash_after = rt_arg("crash-after", 0);
	debug = rt_arg("debug", 0);
	poll_us = MIN(rt_arg("poll-us", POLL_US), 1000000UL);
	drv_init(ops, 1);
	for (u32 i = 0; i < drv_ndevs; i++) {
		struct blk *b = &blks[i];

		b->offset = drv_devs[i].args[0];
		b->size = drv_devs[i].args[1];
		b->read_only = drv_devs[i].args[2] & 1;
		if (!disk_base)
			disk_base = drv_devs[i].args[3];
		/* This driver drives one disk (bhconfig allows one per block
		 * driver): a slice of another would land on this one's
		 * sectors, so it gets none. */
		b->foreign = drv_devs[i].args[3] != disk_base;
		if (b->foreign)
			b->size = 0;
	}
	if (disk_base) {
		rt_fdt_walk(rt_dtb(), find_disk, NULL);
		disk_ok = vmdev_probe(disk_base, VIRTIO_BLK_ID) &&
			  vmdev_start(&disk, disk_base,
				      1ULL << BLK_F_FLUSH |
					      1ULL << VIRTIO_F_INDIRECT_DESC,
				      &disk_ring);
	}
	if (disk_ok) {
		vmdev_config(&disk, 0, &capacity, 8);
		disk_flush = disk.features >> BLK_F_FLUSH & 1;
	}
	/* Nothing of anyone's is on the disk now (it was reset). */
	for (u32 i = 0; i < drv_ndevs; i++) {
		blks[i].quiesce = drv_devs[i].resets;
		if (drv_devs[i].ops)
			confirm(&drv_devs[i]);
	}
	if (disk_irq) {
		drv_set_irq_hook(disk_irq_hook);
		rt_irq_config(disk_irq, 0x80, true);
	}
	printf("block driver (boot %u): %u disks served, disk at 0x%lx: %s, %lu MiB, flush %s, indirect %s\n",
	       w.boots, drv_ndevs, disk_base,
	       disk_ok ? "virtio-blk" : "NOT FOUND (requests fail)",
	       capacity * SECTOR >> 20, disk_flush ? "on" : "off",
	       disk.indirect ? "on" : "off");
	for (u32 i = 0; i < drv_ndevs; i++) {
		const struct blk *b = &blks[i];

		if (b->foreign)
			printf("vdev %u (for %s): on the disk at 0x%lx, which this driver does not drive: requests fail\n",
			       drv_devs[i].index, drv_devs[i].frontend,
			       drv_devs[i].args[3]);
		else if (disk_ok && (b->size > capacity * SECTOR ||
				     b->offset > capacity * SECTOR - b->size))
			printf("vdev %u (for %s): slice 0x%lx+0x%lx is past the disk's end: requests beyond it fail\n",
			       drv_devs[i].index, drv_devs[i].frontend,
			       b->offset, b->size);
		else
			printf("vdev %u (for %s): slice 0x%lx+0x%lx%s\n",
			       drv_devs[i].index, drv_devs[i].frontend,
			       b->offset, b->size,
			       b->read_only ? ", read-only" : "");
	}
	/* On the first boot only: a restart is not to wait for it. */
	if (w.boots == 1 && disk_ok)
		printf("a copy of each request's data through this partition would take, ns: 4 KiB %lu, 1 MiB %lu\n",
		       copy_ns(4096), copy_ns(1U << 20));
	drv_run(idle, poll_us);
}
