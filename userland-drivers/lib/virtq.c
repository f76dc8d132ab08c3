// SPDX-License-Identifier: MIT
/*
 * Device side of VIRTIO 1.2 split virtqueues (§2.7): checking a queue's
 * placement, popping and validating descriptor chains, completing them,
 * notification suppression both ways, and resuming a running queue after
 * a driver restart. Shared ring fields are reached only through the
 * volatile accessors below, each read once; descriptors are copied to
 * the stack before they are looked at. The rings' alignment (checked at
 * setup) keeps every access naturally aligned, which the target's
 * -mstrict-align build needs and which keeps each access single-copy
 * atomic, so the frontend cannot tear a field.
 */
#include <bulkhead/lib.h>

#include "virtq.h"
#include "virtq_barrier.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "virtq: rings are little-endian and are not byte-swapped");

/* Layout (§2.7): a descriptor is {le64 addr; le32 len; le16 flags, next}. */
#define DESC_SIZE 16U
#define AVAIL_FLAGS 0U
#define AVAIL_IDX 2U
#define AVAIL_RING 4U /* le16 ring[size], then le16 used_event */
#define USED_FLAGS 0U
#define USED_IDX 2U
#define USED_RING 4U /* {le32 id; le32 len} ring[size], then avail_event */
#define USED_ELEM 8U
/* Indirect tables: the spec names no alignment; 8 makes addr an aligned
 * le64, and Linux's kmalloc'd tables always have it. */
#define INDIRECT_ALIGN 8U

struct desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

/* A chain being walked: the table (ring's or indirect) and where in it. */
struct walk {
	struct virtq *q;
	struct virtq_chain *c;
	const volatile u8 *table;
	u32 n; /* descriptors in table */
	u32 i; /* the current one */
	bool indirect;
};

static u16 rd16(const volatile u8 *p)
{
	return *(const volatile u16 *)(const volatile void *)p;
}

static u32 rd32(const volatile u8 *p)
{
	return *(const volatile u32 *)(const volatile void *)p;
}

static u64 rd64(const volatile u8 *p)
{
	return *(const volatile u64 *)(const volatile void *)p;
}

static void wr16(volatile u8 *p, u16 v)
{
	*(volatile u16 *)(volatile void *)p = v;
}

static void wr32(volatile u8 *p, u32 v)
{
	*(volatile u32 *)(volatile void *)p = v;
}

/* Copy descriptor @i of @table, each field read once. */
static void read_desc(const volatile u8 *table, u32 i, struct desc *d)
{
	const volatile u8 *p = table + (u64)i * DESC_SIZE;

	d->addr = rd64(p);
	d->len = rd32(p + 8);
	d->flags = rd16(p + 12);
	d->next = rd16(p + 14);
}

/* Record the first violation; the queue is broken from now on. */
static int fail(struct virtq *q, int code, u32 index, u64 value, bool ind)
{
	if (!q->fault.code)
		q->fault = (struct virtq_fault){ .code = code,
						 .indirect = ind,
						 .index = index,
						 .value = value };
	return q->fault.code;
}

static int bad(const struct walk *w, int code, u64 value)
{
	return fail(w->q, code, w->i, value, w->indirect);
}

/*
 * The local view of [addr, addr + len) if it lies wholly inside one grant
 * region, else NULL. Written so that nothing can overflow: off < size and
 * len <= size - off.
 */
static u8 *translate(const struct virtq *q, u64 addr, u64 len)
{
	for (u32 r = 0; r < q->ngrant; r++) {
		const struct virtq_region *g = &q->grant[r];
		u64 off = addr - g->guest;

		if (addr >= g->guest && off < g->size && len <= g->size - off)
			return (u8 *)g->local + off;
	}
	return NULL;
}

/*
 * Regions must be non-empty, not wrap (either side), and have local and
 * guest addresses equal modulo 16, so that an aligned guest address is an
 * aligned local one.
 */
static int check_grant(struct virtq *q)
{
	if (!q->ngrant || !q->grant)
		return fail(q, VIRTQ_E_GRANT, 0, 0, false);
	for (u32 r = 0; r < q->ngrant; r++) {
		const struct virtq_region *g = &q->grant[r];
		u64 local = (uintptr_t)g->local;

		if (!g->size || !local || g->guest + (g->size - 1) < g->guest ||
		    local + (g->size - 1) < local ||
		    (local ^ g->guest) % DESC_SIZE)
			return fail(q, VIRTQ_E_GRANT, r, g->guest, false);
	}
	return 0;
}

/* One ring part: aligned (§2.7.1) and inside one grant region. */
static volatile u8 *place(struct virtq *q, u32 which, u64 addr, u64 align,
			  u64 len)
{
	u8 *p;

	if (addr % align) {
		fail(q, VIRTQ_E_RING_ALIGN, which, addr, false);
		return NULL;
	}
	p = translate(q, addr, len);
	if (!p)
		fail(q, VIRTQ_E_RING_GRANT, which, addr, false);
	return p;
}

/*
 * §2.7.10: ask for kicks with VIRTQ_USED_F_NO_NOTIFY clear, or with
 * EVENT_IDX by avail_event = the next index we have not seen (flags then
 * stay 0); off is only a hint, so with EVENT_IDX it writes nothing.
 */
static void set_kicks(struct virtq *q, bool on)
{
	if (q->event_idx) {
		if (on)
			wr16(q->used + USED_RING + USED_ELEM * q->size,
			     q->avail_idx);
	} else {
		wr16(q->used + USED_FLAGS,
		     on ? 0 : (u16)VIRTQ_USED_F_NO_NOTIFY);
	}
	q->kicks_off = !on;
}

static int setup(struct virtq *q, const struct virtq_config *cfg,
		 const struct virtq_region *grant, u32 ngrant)
{
	u64 n = cfg->size;

	memset(q, 0, sizeof(*q));
	q->grant = grant;
	q->ngrant = ngrant;
	q->size = cfg->size;
	q->max_bytes = cfg->max_bytes;
	q->event_idx = cfg->event_idx;
	q->indirect = cfg->indirect;
	if (!n || n > VIRTQ_MAX_SIZE || (n & (n - 1)))
		return fail(q, VIRTQ_E_SIZE, 0, n, false);
	if (check_grant(q))
		return q->fault.code;
	q->desc = place(q, 0, cfg->desc, 16, DESC_SIZE * n);
	if (q->desc)
		q->avail = place(q, 1, cfg->avail, 2, 6 + 2 * n);
	if (q->avail)
		q->used = place(q, 2, cfg->used, 4, 6 + USED_ELEM * n);
	return q->fault.code;
}

int virtq_init(struct virtq *q, const struct virtq_config *cfg,
	       const struct virtq_region *grant, u32 ngrant)
{
	int r = setup(q, cfg, grant, ngrant);

	if (r)
		return r;
	q->signalled_valid = true; /* both sides start at 0 */
	set_kicks(q, true);
	return 0;
}

int virtq_resume(struct virtq *q, const struct virtq_config *cfg,
		 const struct virtq_region *grant, u32 ngrant)
{
	int r = setup(q, cfg, grant, ngrant);
	u16 used, avail;

	if (r)
		return r;
	used = rd16(q->used + USED_IDX);
	avail = rd16(q->avail + AVAIL_IDX);
	if ((u16)(avail - used) > q->size)
		return fail(q, VIRTQ_E_RESUME_IDX, used, avail, false);
	q->last_avail = q->avail_idx = q->used_idx = q->signalled = used;
	set_kicks(q, true);
	return 0;
}

/*
 * Read avail->idx once, then the acquire barrier that orders the ring
 * slots and descriptors after it (§2.7.13.3). The frontend has at most
 * size chains outstanding (each holds a descriptor), so the new entries
 * plus those popped but not completed are at most size; this also
 * catches an index moved back (§2.7.6 forbids it).
 */
static int fetch_avail(struct virtq *q)
{
	u16 idx = rd16(q->avail + AVAIL_IDX);
	u16 inflight = (u16)(q->last_avail - q->used_idx);

	virtq_rmb();
	if ((u16)(idx - q->last_avail) > q->size - inflight)
		return fail(q, VIRTQ_E_AVAIL_IDX, q->last_avail, idx, false);
	q->avail_idx = idx;
	return 0;
}

/* §2.7.5.3: a descriptor pointing to a table; walking goes on there. */
static int enter_indirect(struct walk *w, const struct desc *d)
{
	u8 *t;

	if (w->indirect)
		return bad(w, VIRTQ_E_INDIRECT_NESTED, d->flags);
	if (!w->q->indirect)
		return bad(w, VIRTQ_E_INDIRECT_FEATURE, d->flags);
	if (d->flags & VIRTQ_DESC_F_NEXT)
		return bad(w, VIRTQ_E_INDIRECT_NEXT, d->flags);
	if (!d->len || d->len % DESC_SIZE ||
	    d->len / DESC_SIZE > VIRTQ_MAX_SIZE)
		return bad(w, VIRTQ_E_INDIRECT_LEN, d->len);
	if (d->addr % INDIRECT_ALIGN)
		return bad(w, VIRTQ_E_INDIRECT_ALIGN, d->addr);
	t = translate(w->q, d->addr, d->len);
	if (!t)
		return bad(w, VIRTQ_E_INDIRECT_GRANT, d->addr);
	w->table = t;
	w->n = d->len / DESC_SIZE;
	w->i = 0;
	w->indirect = true;
	return 0;
}

/* One buffer: order (§2.7.4.2), bytes, capacity, grant; then record it. */
static int add_seg(struct walk *w, const struct desc *d)
{
	struct virtq_chain *c = w->c;
	bool wr = d->flags & VIRTQ_DESC_F_WRITE;
	u32 *total = wr ? &c->writable : &c->readable;
	u8 *p;

	if (!wr && c->nseg > c->nread)
		return bad(w, VIRTQ_E_ORDER, d->flags);
	if (d->len > w->q->max_bytes - *total)
		return bad(w, VIRTQ_E_TOO_BIG, d->len);
	if (c->nseg >= c->cap)
		return bad(w, VIRTQ_E_SEGS, c->cap);
	p = translate(w->q, d->addr, d->len);
	if (!p)
		return bad(w, VIRTQ_E_BUF_GRANT, d->addr);
	c->seg[c->nseg++] =
		(struct virtq_seg){ .ptr = p, .len = d->len, .writable = wr };
	*total += d->len;
	if (!wr)
		c->nread++;
	return 0;
}

/*
 * Walk the chain at @head: zero or more descriptors, possibly ending in
 * one that points to an indirect table (§2.7.5.3.2). A chain may not be
 * longer than its table (§2.7.5.3.1), which also stops loops: a counter
 * instead of a visited bitmap needs no per-queue memory, and a loop costs
 * at most cap + 1 steps, since every step but the indirect one adds a
 * segment.
 */
static int walk_chain(struct virtq *q, struct virtq_chain *c, u16 head)
{
	struct walk w = {
		.q = q, .c = c, .table = q->desc, .n = q->size, .i = head
	};
	struct desc d;
	u32 count = 0;
	int r;

	c->head = head;
	c->nseg = c->nread = c->readable = c->writable = 0;
	for (;;) {
		if (++count > w.n)
			return bad(&w, VIRTQ_E_CHAIN_LONG, count);
		read_desc(w.table, w.i, &d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			r = enter_indirect(&w, &d);
			if (r)
				return r;
			count = 0;
			continue;
		}
		r = add_seg(&w, &d);
		if (r)
			return r;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (d.next >= w.n)
			return bad(&w,
				   w.indirect ? VIRTQ_E_INDIRECT_NEXT_IDX
					      : VIRTQ_E_NEXT,
				   d.next);
		w.i = d.next;
	}
}

int virtq_pop(struct virtq *q, struct virtq_chain *c)
{
	u32 slot;
	u16 head;
	int r;

	if (q->fault.code)
		return q->fault.code;
	if (q->last_avail == q->avail_idx) {
		r = fetch_avail(q);
		if (r)
			return r;
		if (q->last_avail == q->avail_idx)
			return 0;
	}
	slot = q->last_avail & (q->size - 1);
	head = rd16(q->avail + AVAIL_RING + 2 * slot);
	if (head >= q->size)
		return fail(q, VIRTQ_E_HEAD, slot, head, false);
	r = walk_chain(q, c, head);
	if (r)
		return r;
	q->last_avail++;
	return 1;
}

void virtq_kicks_off(struct virtq *q)
{
	if (!q->fault.code && !q->kicks_off)
		set_kicks(q, false);
}

bool virtq_kicks_on(struct virtq *q)
{
	if (q->fault.code)
		return false;
	set_kicks(q, true);
	/* The store above before the load below, or the frontend may skip
	 * its kick while we miss its entry: both would sleep. */
	virtq_mb();
	if (fetch_avail(q))
		return false;
	return q->avail_idx != q->last_avail;
}

int virtq_next(struct virtq *q, struct virtq_chain *c)
{
	int r = virtq_pop(q, c);

	if (r > 0)
		virtq_kicks_off(q);
	if (r)
		return r;
	if (!virtq_kicks_on(q))
		return q->fault.code;
	/* Pending: avail_idx is past last_avail, so this pops or fails. */
	virtq_kicks_off(q);
	return virtq_pop(q, c);
}

int virtq_push(struct virtq *q, u16 id, u32 len)
{
	volatile u8 *e;

	if (q->fault.code)
		return q->fault.code;
	if (id >= q->size)
		return fail(q, VIRTQ_E_PUSH_ID, q->used_idx, id, false);
	if (q->used_idx == q->last_avail)
		return fail(q, VIRTQ_E_PUSH_EXTRA, q->used_idx, id, false);
	e = q->used + USED_RING + USED_ELEM * (q->used_idx & (q->size - 1));
	wr32(e, id);
	wr32(e + 4, len);
	/* §2.7.8.2: the element (and the data) before the index. */
	virtq_wmb();
	q->used_idx++;
	wr16(q->used + USED_IDX, q->used_idx);
	return 0;
}

/*
 * §2.7.7: with EVENT_IDX, interrupt iff used->idx passed used_event since
 * the last time (vring_need_event()); else unless the frontend set
 * VIRTQ_AVAIL_F_NO_INTERRUPT. Nothing new pushed: no interrupt. After a
 * resume the index the frontend last heard of is unknown: interrupt.
 */
bool virtq_need_interrupt(struct virtq *q)
{
	u16 old = q->signalled, now = q->used_idx;
	bool valid = q->signalled_valid;
	u16 event;

	if (q->fault.code || old == now)
		return false;
	q->signalled = now;
	q->signalled_valid = true;
	/* used->idx stored before used_event or flags is loaded. */
	virtq_mb();
	if (!q->event_idx)
		return !(rd16(q->avail + AVAIL_FLAGS) &
			 VIRTQ_AVAIL_F_NO_INTERRUPT);
	event = rd16(q->avail + AVAIL_RING + 2 * q->size);
	return !valid || (u16)(now - event - 1) < (u16)(now - old);
}

const struct virtq_fault *virtq_fault(const struct virtq *q)
{
	return &q->fault;
}

static const char *const reasons[] = {
	[-VIRTQ_E_SIZE] = "queue size not a power of 2 in 1..32768",
	[-VIRTQ_E_GRANT] = "grant region empty, wrapping or misaligned",
	[-VIRTQ_E_RING_ALIGN] = "ring misaligned",
	[-VIRTQ_E_RING_GRANT] = "ring not inside one grant region",
	[-VIRTQ_E_AVAIL_IDX] = "available index beyond queue size",
	[-VIRTQ_E_RESUME_IDX] = "available index beyond queue size on resume",
	[-VIRTQ_E_HEAD] = "chain head out of range",
	[-VIRTQ_E_NEXT] = "descriptor next index out of range",
	[-VIRTQ_E_CHAIN_LONG] = "chain longer than its table (loop)",
	[-VIRTQ_E_BUF_GRANT] = "buffer not inside one grant region",
	[-VIRTQ_E_ORDER] = "readable buffer after a writable one",
	[-VIRTQ_E_TOO_BIG] = "chain holds too many bytes",
	[-VIRTQ_E_SEGS] = "chain has too many buffers",
	[-VIRTQ_E_INDIRECT_FEATURE] = "indirect descriptor not negotiated",
	[-VIRTQ_E_INDIRECT_NEXT] = "indirect descriptor with NEXT",
	[-VIRTQ_E_INDIRECT_LEN] = "indirect table length bad",
	[-VIRTQ_E_INDIRECT_ALIGN] = "indirect table misaligned",
	[-VIRTQ_E_INDIRECT_GRANT] =
		"indirect table not inside one grant region",
	[-VIRTQ_E_INDIRECT_NESTED] = "indirect descriptor in an indirect table",
	[-VIRTQ_E_INDIRECT_NEXT_IDX] = "indirect next index out of range",
	[-VIRTQ_E_PUSH_ID] = "completion of an id out of range",
	[-VIRTQ_E_PUSH_EXTRA] = "more completions than chains popped",
};

const char *virtq_strerror(int code)
{
	if (code == VIRTQ_OK)
		return "ok";
	if (code < VIRTQ_E_LAST || code > 0)
		return "unknown error";
	return reasons[-code];
}
