// SPDX-License-Identifier: MIT
/*
 * The device side of split virtqueues (userland-drivers/lib/virtq.c),
 * driven by a fake frontend that writes rings and descriptors into a grant
 * of two regions, each an exactly-sized malloc'd block so that ASan
 * catches any access outside the grant; the regions are adjacent in guest
 * address space, so a buffer can try to straddle them. Well-formed chains
 * (direct, indirect, mixed, index wrap, queue sizes 1 and 32768), every
 * malformed case with its error code, notification suppression both ways
 * (with a frontend thread racing the device's drain loop) and resuming a
 * running queue after a driver restart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <time.h>
#include <cmocka.h>

#include "virtq.h"
#include "virtq_barrier.h"

#define G0 0x40000000UL /* guest address of region 0 */
#define R1_SIZE 4096U	/* region 1, right after region 0 */
#define BUF 64U		/* test buffers in region 0's data area */
#define NBUF 64U
#define CAP 64U

/* The frontend: rings at the start of region 0, then the data area. */
struct fe {
	u32 n;
	u8 *mem[2];
	struct virtq_region reg[2];
	struct virtq_config cfg;
	struct virtq q;
	struct virtq_seg seg[CAP];
	struct virtq_chain c;
	u64 desc, avail, used, data; /* guest addresses */
	u16 idx;		     /* the frontend's avail->idx */
};

/*
 * The barriers, linked instead of virtq_barrier_host.c: fences, and after
 * the rmb_countdown-th virtq_rmb() a hook, the frontend acting there.
 */
static void (*rmb_hook)(void);
static u32 rmb_countdown;

void virtq_rmb(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (rmb_hook && rmb_countdown && !--rmb_countdown)
		rmb_hook();
}

void virtq_wmb(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

void virtq_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static struct fe *fe_new(u32 n, bool event_idx, bool indirect)
{
	struct fe *f = calloc(1, sizeof(*f));
	u64 size0;

	assert_non_null(f);
	f->n = n;
	f->desc = G0;
	f->avail = G0 + 16 * (u64)n;
	f->used = ROUND_UP(f->avail + 6 + 2 * (u64)n, 4);
	f->data = ROUND_UP(f->used + 6 + 8 * (u64)n, 16);
	size0 = f->data - G0 + NBUF * BUF;
	f->mem[0] = calloc(1, size0);
	f->mem[1] = calloc(1, R1_SIZE);
	assert_true(f->mem[0] && f->mem[1]);
	f->reg[0] = (struct virtq_region){ G0, size0, f->mem[0] };
	f->reg[1] = (struct virtq_region){ G0 + size0, R1_SIZE, f->mem[1] };
	f->cfg = (struct virtq_config){ .size = n,
					.desc = f->desc,
					.avail = f->avail,
					.used = f->used,
					.event_idx = event_idx,
					.indirect = indirect,
					.max_bytes = 1U << 20 };
	f->c = (struct virtq_chain){ .seg = f->seg, .cap = CAP };
	return f;
}

static void fe_free(struct fe *f)
{
	free(f->mem[0]);
	free(f->mem[1]);
	free(f);
}

/* Start the device on @f; 0 expected. */
static struct fe *fe_up(u32 n, bool event_idx, bool indirect)
{
	struct fe *f = fe_new(n, event_idx, indirect);

	assert_int_equal(virtq_init(&f->q, &f->cfg, f->reg, 2), 0);
	return f;
}

static u8 *loc(struct fe *f, u64 g)
{
	for (int r = 0; r < 2; r++)
		if (g >= f->reg[r].guest &&
		    g - f->reg[r].guest < f->reg[r].size)
			return f->mem[r] + (g - f->reg[r].guest);
	fail_msg("0x%lx not in the grant", (unsigned long)g);
	return NULL;
}

static void w16(struct fe *f, u64 g, u16 v)
{
	memcpy(loc(f, g), &v, 2);
}

static u16 r16(struct fe *f, u64 g)
{
	u16 v;

	memcpy(&v, loc(f, g), 2);
	return v;
}

static u32 r32(struct fe *f, u64 g)
{
	u32 v;

	memcpy(&v, loc(f, g), 4);
	return v;
}

static void set_desc(struct fe *f, u64 table, u32 i, u64 addr, u32 len,
		     u16 flags, u16 next)
{
	u8 *p = loc(f, table + 16 * (u64)i);

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

static u64 buf(struct fe *f, u32 k)
{
	return f->data + (u64)k * BUF;
}

/* Make chain @head available (§2.7.13). */
static void publish(struct fe *f, u16 head)
{
	w16(f, f->avail + 4 + 2 * (u64)(f->idx % f->n), head);
	f->idx++;
	w16(f, f->avail + 2, f->idx);
}

static void set_used_event(struct fe *f, u16 v)
{
	w16(f, f->avail + 4 + 2 * (u64)f->n, v);
}

static u16 avail_event(struct fe *f)
{
	return r16(f, f->used + 4 + 8 * (u64)f->n);
}

/*
 * The frontend publishes @head as Linux does (§2.7.13): ring entry,
 * barrier, index, full barrier, then the device's suppression (§2.7.10).
 * True if it kicks.
 */
static bool publish_kick(struct fe *f, u16 head)
{
	u16 old = f->idx, ev, flags;

	w16(f, f->avail + 4 + 2 * (u64)(f->idx % f->n), head);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	f->idx++;
	__atomic_store_n((u16 *)(void *)loc(f, f->avail + 2), f->idx,
			 __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ev = __atomic_load_n((u16 *)(void *)loc(f, f->used + 4 + 8 * f->n),
			     __ATOMIC_RELAXED);
	flags = __atomic_load_n((u16 *)(void *)loc(f, f->used),
				__ATOMIC_RELAXED);
	if (f->cfg.event_idx)
		return (u16)(f->idx - ev - 1) < (u16)(f->idx - old);
	return !(flags & VIRTQ_USED_F_NO_NOTIFY);
}

static int pop(struct fe *f)
{
	return virtq_pop(&f->q, &f->c);
}

static void check_seg(struct fe *f, u32 i, u64 addr, u32 len, bool w)
{
	assert_ptr_equal(f->seg[i].ptr, loc(f, addr));
	assert_int_equal(f->seg[i].len, len);
	assert_int_equal(f->seg[i].writable, w);
}

/* The queue fails with @code, says where, and stays broken. */
static void check_broken(struct fe *f, int code, u32 index, u64 value)
{
	const struct virtq_fault *e = virtq_fault(&f->q);

	assert_int_equal(e->code, code);
	assert_int_equal(e->index, index);
	assert_int_equal(e->value, value);
	assert_int_equal(pop(f), code);
	assert_int_equal(virtq_next(&f->q, &f->c), code);
	assert_int_equal(virtq_push(&f->q, 0, 0), code);
	assert_false(virtq_kicks_on(&f->q));
	assert_false(virtq_need_interrupt(&f->q));
	assert_int_equal(e->code, code);
}

static void expect_pop(struct fe *f, int code, u32 index, u64 value)
{
	assert_int_equal(pop(f), code);
	check_broken(f, code, index, value);
}

static void direct_chain(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	assert_int_equal(pop(f), 0);
	set_desc(f, f->desc, 5, buf(f, 0), 16, VIRTQ_DESC_F_NEXT, 2);
	set_desc(f, f->desc, 2, buf(f, 1), 32, VIRTQ_DESC_F_NEXT, 7);
	set_desc(f, f->desc, 7, buf(f, 2), 64, VIRTQ_DESC_F_WRITE, 0);
	publish(f, 5);
	assert_int_equal(pop(f), 1);
	assert_int_equal(f->c.head, 5);
	assert_int_equal(f->c.nseg, 3);
	assert_int_equal(f->c.nread, 2);
	assert_int_equal(f->c.readable, 48);
	assert_int_equal(f->c.writable, 64);
	check_seg(f, 0, buf(f, 0), 16, false);
	check_seg(f, 1, buf(f, 1), 32, false);
	check_seg(f, 2, buf(f, 2), 64, true);
	assert_int_equal(pop(f), 0);
	assert_int_equal(virtq_push(&f->q, 5, 60), 0);
	assert_int_equal(r32(f, f->used + 4), 5);
	assert_int_equal(r32(f, f->used + 8), 60);
	assert_int_equal(r16(f, f->used + 2), 1);
	/* One pop, one push: a second push is the caller's bug. */
	assert_int_equal(virtq_push(&f->q, 5, 0), VIRTQ_E_PUSH_EXTRA);
	fe_free(f);
}

static void single_buffers_and_region1(void **state)
{
	struct fe *f = fe_up(4, false, false);
	u64 r1 = f->reg[1].guest;

	(void)state;
	/* Writable only; a buffer filling region 1 exactly; zero length. */
	set_desc(f, f->desc, 0, r1, R1_SIZE, VIRTQ_DESC_F_WRITE, 0);
	set_desc(f, f->desc, 1, buf(f, 3), 0, 0, 0);
	publish(f, 0);
	publish(f, 1);
	assert_int_equal(pop(f), 1);
	assert_int_equal(f->c.nread, 0);
	check_seg(f, 0, r1, R1_SIZE, true);
	assert_int_equal(pop(f), 1);
	check_seg(f, 0, buf(f, 3), 0, false);
	assert_int_equal(f->c.readable, 0);
	/* Completed out of order. */
	assert_int_equal(virtq_push(&f->q, 1, 0), 0);
	assert_int_equal(virtq_push(&f->q, 0, 7), 0);
	assert_int_equal(r32(f, f->used + 4), 1);
	assert_int_equal(r32(f, f->used + 12), 0);
	assert_int_equal(r16(f, f->used + 2), 2);
	fe_free(f);
}

static void indirect_chain(void **state)
{
	struct fe *f = fe_up(4, false, true);
	u64 t = buf(f, 10);

	(void)state;
	set_desc(f, t, 0, buf(f, 0), 10, VIRTQ_DESC_F_NEXT, 2);
	set_desc(f, t, 2, buf(f, 1), 20, VIRTQ_DESC_F_NEXT, 1);
	set_desc(f, t, 1, buf(f, 2), 30, VIRTQ_DESC_F_WRITE, 0);
	/* WRITE on the descriptor naming a table is ignored (§2.7.5.3.2). */
	set_desc(f, f->desc, 3, t, 48,
		 VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_WRITE, 0);
	publish(f, 3);
	assert_int_equal(pop(f), 1);
	assert_int_equal(f->c.head, 3);
	assert_int_equal(f->c.nseg, 3);
	assert_int_equal(f->c.nread, 2);
	assert_int_equal(f->c.readable, 30);
	assert_int_equal(f->c.writable, 30);
	check_seg(f, 0, buf(f, 0), 10, false);
	check_seg(f, 1, buf(f, 1), 20, false);
	check_seg(f, 2, buf(f, 2), 30, true);
	fe_free(f);
}

/* §2.7.5.3.2: direct descriptors, then one naming an indirect table. */
static void direct_then_indirect(void **state)
{
	struct fe *f = fe_up(4, false, true);
	u64 t = buf(f, 10);

	(void)state;
	set_desc(f, t, 0, buf(f, 1), 8, VIRTQ_DESC_F_WRITE, 0);
	set_desc(f, f->desc, 0, buf(f, 0), 4, VIRTQ_DESC_F_NEXT, 1);
	set_desc(f, f->desc, 1, t, 16, VIRTQ_DESC_F_INDIRECT, 0);
	publish(f, 0);
	assert_int_equal(pop(f), 1);
	assert_int_equal(f->c.nseg, 2);
	check_seg(f, 0, buf(f, 0), 4, false);
	check_seg(f, 1, buf(f, 1), 8, true);
	/* ... but a readable one in the table after a writable before it. */
	set_desc(f, f->desc, 0, buf(f, 0), 4,
		 VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	set_desc(f, t, 0, buf(f, 1), 8, 0, 0);
	publish(f, 0);
	assert_int_equal(pop(f), VIRTQ_E_ORDER);
	assert_true(virtq_fault(&f->q)->indirect);
	fe_free(f);
}

/* 16-bit indices wrap: resume at 65534, run through 0. */
static void index_wraparound(void **state)
{
	struct fe *f = fe_new(4, false, false);

	(void)state;
	w16(f, f->used + 2, 65534);
	f->idx = 65534;
	w16(f, f->avail + 2, f->idx);
	assert_int_equal(virtq_resume(&f->q, &f->cfg, f->reg, 2), 0);
	for (u16 i = 0; i < 4; i++)
		set_desc(f, f->desc, i, buf(f, i), 1 + i, 0, 0);
	for (u16 round = 0; round < 3; round++) {
		for (u16 i = 0; i < 4; i++)
			publish(f, i);
		for (u16 i = 0; i < 4; i++) {
			assert_int_equal(pop(f), 1);
			assert_int_equal(f->c.head, i);
			assert_int_equal(virtq_push(&f->q, i, i), 0);
		}
		assert_int_equal(pop(f), 0);
	}
	assert_int_equal(r16(f, f->used + 2), (u16)(65534 + 12));
	/* The last used entry, 9, is in slot 1: head 3 of round 3. */
	assert_int_equal(r32(f, f->used + 4 + 8 * 1), 3);
	fe_free(f);
}

static void queue_size_1(void **state)
{
	struct fe *f = fe_up(1, true, false);

	(void)state;
	set_desc(f, f->desc, 0, buf(f, 0), 8, 0, 0);
	for (int i = 0; i < 5; i++) {
		publish(f, 0);
		assert_int_equal(pop(f), 1);
		assert_int_equal(pop(f), 0);
		assert_int_equal(virtq_push(&f->q, 0, 1), 0);
	}
	/* A second outstanding entry needs a second descriptor. */
	publish(f, 0);
	publish(f, 0);
	expect_pop(f, VIRTQ_E_AVAIL_IDX, 5, 7);
	fe_free(f);
}

/* Size 32768: a chain through every descriptor, then a loop. */
static void queue_size_32768(void **state)
{
	const u32 n = VIRTQ_MAX_SIZE;
	struct fe *f = fe_up(n, false, false);
	struct virtq_seg *seg = calloc(n, sizeof(*seg));

	(void)state;
	assert_non_null(seg);
	f->c = (struct virtq_chain){ .seg = seg, .cap = n };
	for (u32 i = 0; i < n; i++)
		set_desc(f, f->desc, i, buf(f, i % NBUF), 1,
			 i + 1 < n ? VIRTQ_DESC_F_NEXT : 0, (u16)(i + 1));
	publish(f, 0);
	assert_int_equal(pop(f), 1);
	assert_int_equal(f->c.nseg, n);
	assert_int_equal(f->c.readable, n);
	assert_ptr_equal(seg[n - 1].ptr, loc(f, buf(f, (n - 1) % NBUF)));
	set_desc(f, f->desc, n - 1, buf(f, 0), 1, VIRTQ_DESC_F_NEXT, 0);
	publish(f, 0);
	expect_pop(f, VIRTQ_E_CHAIN_LONG, 0, n + 1);
	free(seg);
	fe_free(f);
}

static void setup_errors(void **state)
{
	struct fe *f = fe_new(8, false, false);
	struct virtq_config c = f->cfg;
	struct virtq_region bad[1] = { { ~0UL - 15, 32, f->mem[0] } };
	const u32 sizes[] = { 0, 3, 12, 65536, 1U << 31 };

	(void)state;
	for (u32 i = 0; i < ARRAY_SIZE(sizes); i++) {
		c.size = sizes[i];
		assert_int_equal(virtq_init(&f->q, &c, f->reg, 2),
				 VIRTQ_E_SIZE);
		check_broken(f, VIRTQ_E_SIZE, 0, sizes[i]);
	}
	assert_int_equal(virtq_init(&f->q, &f->cfg, f->reg, 0), VIRTQ_E_GRANT);
	assert_int_equal(virtq_init(&f->q, &f->cfg, bad, 1), VIRTQ_E_GRANT);
	bad[0] = (struct virtq_region){ G0 + 8, 64, f->mem[0] };
	assert_int_equal(virtq_init(&f->q, &f->cfg, bad, 1), VIRTQ_E_GRANT);
	/* Misaligned rings. */
	c = f->cfg;
	c.desc += 8;
	assert_int_equal(virtq_init(&f->q, &c, f->reg, 2), VIRTQ_E_RING_ALIGN);
	check_broken(f, VIRTQ_E_RING_ALIGN, 0, c.desc);
	c = f->cfg;
	c.avail += 1;
	assert_int_equal(virtq_init(&f->q, &c, f->reg, 2), VIRTQ_E_RING_ALIGN);
	c = f->cfg;
	c.used += 2;
	assert_int_equal(virtq_init(&f->q, &c, f->reg, 2), VIRTQ_E_RING_ALIGN);
	check_broken(f, VIRTQ_E_RING_ALIGN, 2, c.used);
	/* Rings outside the grant, across its two regions, wrapping. */
	c = f->cfg;
	c.used = f->reg[1].guest + R1_SIZE - 64;
	assert_int_equal(virtq_init(&f->q, &c, f->reg, 2), VIRTQ_E_RING_GRANT);
	check_broken(f, VIRTQ_E_RING_GRANT, 2, c.used);
	c.used = f->reg[1].guest - 32;
	assert_int_equal(virtq_init(&f->q, &c, f->reg, 2), VIRTQ_E_RING_GRANT);
	c.used = f->reg[1].guest + R1_SIZE - 72; /* fits region 1 */
	assert_int_equal(virtq_init(&f->q, &c, f->reg, 2), 0);
	c = f->cfg;
	c.desc = ~0UL - 15;
	assert_int_equal(virtq_init(&f->q, &c, f->reg, 2), VIRTQ_E_RING_GRANT);
	c = f->cfg;
	c.avail = G0 - 2;
	assert_int_equal(virtq_init(&f->q, &c, f->reg, 2), VIRTQ_E_RING_GRANT);
	check_broken(f, VIRTQ_E_RING_GRANT, 1, G0 - 2);
	fe_free(f);
}

static void bad_indices(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	publish(f, 8);
	expect_pop(f, VIRTQ_E_HEAD, 0, 8);
	fe_free(f);

	f = fe_up(8, false, false);
	set_desc(f, f->desc, 0, buf(f, 0), 1, VIRTQ_DESC_F_NEXT, 1);
	set_desc(f, f->desc, 1, buf(f, 0), 1, VIRTQ_DESC_F_NEXT, 4096);
	publish(f, 0);
	expect_pop(f, VIRTQ_E_NEXT, 1, 4096);
	assert_string_equal(virtq_strerror(VIRTQ_E_NEXT),
			    "descriptor next index out of range");
	fe_free(f);
}

static void loops(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	set_desc(f, f->desc, 3, buf(f, 0), 1, VIRTQ_DESC_F_NEXT, 3);
	publish(f, 3);
	expect_pop(f, VIRTQ_E_CHAIN_LONG, 3, 9);
	fe_free(f);

	/* 0 -> 1 -> ... -> 7 -> 2: longer than the queue. */
	f = fe_up(8, false, false);
	for (u16 i = 0; i < 8; i++)
		set_desc(f, f->desc, i, buf(f, i), 1, VIRTQ_DESC_F_NEXT,
			 i < 7 ? i + 1 : 2);
	publish(f, 0);
	expect_pop(f, VIRTQ_E_CHAIN_LONG, 2, 9);
	fe_free(f);

	/* A loop in an indirect table is bounded by the table. */
	f = fe_up(8, false, true);
	set_desc(f, buf(f, 10), 0, buf(f, 0), 1, VIRTQ_DESC_F_NEXT, 1);
	set_desc(f, buf(f, 10), 1, buf(f, 0), 1, VIRTQ_DESC_F_NEXT, 0);
	set_desc(f, f->desc, 0, buf(f, 10), 32, VIRTQ_DESC_F_INDIRECT, 0);
	publish(f, 0);
	expect_pop(f, VIRTQ_E_CHAIN_LONG, 0, 3);
	assert_true(virtq_fault(&f->q)->indirect);
	fe_free(f);
}

/* A loop longer than the caller's capacity stops there. */
static void too_many_segments(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	f->c.cap = 2;
	set_desc(f, f->desc, 0, buf(f, 0), 1, VIRTQ_DESC_F_NEXT, 1);
	set_desc(f, f->desc, 1, buf(f, 0), 1, VIRTQ_DESC_F_NEXT, 2);
	set_desc(f, f->desc, 2, buf(f, 0), 1, 0, 0);
	publish(f, 0);
	expect_pop(f, VIRTQ_E_SEGS, 2, 2);
	fe_free(f);
}

static void lengths(void **state)
{
	struct fe *f = fe_new(8, false, false);

	(void)state;
	f->cfg.max_bytes = 100;
	assert_int_equal(virtq_init(&f->q, &f->cfg, f->reg, 2), 0);
	/* 100 readable and 100 writable bytes: each total is bounded. */
	set_desc(f, f->desc, 0, buf(f, 0), 60, VIRTQ_DESC_F_NEXT, 1);
	set_desc(f, f->desc, 1, buf(f, 1), 40, VIRTQ_DESC_F_NEXT, 2);
	set_desc(f, f->desc, 2, buf(f, 2), 64,
		 VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 3);
	set_desc(f, f->desc, 3, buf(f, 3), 36, VIRTQ_DESC_F_WRITE, 0);
	publish(f, 0);
	assert_int_equal(pop(f), 1);
	assert_int_equal(f->c.readable, 100);
	assert_int_equal(f->c.writable, 100);
	set_desc(f, f->desc, 1, buf(f, 1), 41, VIRTQ_DESC_F_NEXT, 2);
	publish(f, 0);
	expect_pop(f, VIRTQ_E_TOO_BIG, 1, 41);
	fe_free(f);
}

/*
 * Totals that would wrap 32 bits: 3 GiB buffers in a 6 GiB region 1 that
 * is only reserved (PROT_NONE: the library never touches buffers).
 */
static void totals_do_not_wrap(void **state)
{
	const u64 big = 6UL << 30, g = 1UL << 40, len = 3UL << 30;
	struct fe *f = fe_new(8, false, false);
	void *m = mmap(NULL, big, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	(void)state;
	if (m == MAP_FAILED) {
		fe_free(f);
		skip();
	}
	f->reg[1] = (struct virtq_region){ g, big, m };
	f->cfg.max_bytes = UINT32_MAX;
	assert_int_equal(virtq_init(&f->q, &f->cfg, f->reg, 2), 0);
	set_desc(f, f->desc, 0, g, (u32)len, VIRTQ_DESC_F_NEXT, 1);
	set_desc(f, f->desc, 1, g + len, (u32)len, 0, 0);
	publish(f, 0);
	set_desc(f, f->desc, 2, g, (u32)len, VIRTQ_DESC_F_WRITE, 0);
	publish(f, 2);
	expect_pop(f, VIRTQ_E_TOO_BIG, 1, len);
	munmap(m, big);
	fe_free(f);
}

static void buffers_outside_grant(void **state)
{
	struct fe *f = fe_new(8, false, false);
	const u64 end0 = f->reg[1].guest, end1 = end0 + R1_SIZE;
	const struct {
		u64 addr;
		u32 len;
	} b[] = {
		{ end0 - 8, 16 }, /* straddles the two regions */
		{ end1 - 8, 16 }, /* partly past the end */
		{ ~0UL - 7, 16 }, /* addr + len wraps */
		{ G0 - 8, 16 },	  /* partly before the start */
		{ end1, 0 },	  /* empty, but not inside either */
	};

	(void)state;
	fe_free(f);
	for (u32 i = 0; i < ARRAY_SIZE(b); i++) {
		f = fe_up(8, false, false);
		set_desc(f, f->desc, 0, buf(f, 0), 4, VIRTQ_DESC_F_NEXT, 6);
		set_desc(f, f->desc, 6, b[i].addr, b[i].len, 0, 0);
		publish(f, 0);
		expect_pop(f, VIRTQ_E_BUF_GRANT, 6, b[i].addr);
		fe_free(f);
	}
}

static void readable_after_writable(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	set_desc(f, f->desc, 0, buf(f, 0), 4,
		 VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	set_desc(f, f->desc, 1, buf(f, 1), 4, 0, 0);
	publish(f, 0);
	expect_pop(f, VIRTQ_E_ORDER, 1, 0);
	fe_free(f);
}

#define TABLE (~0UL) /* indirect_case(): the table at buf 10 */

/* One chain whose head (descriptor 0) names a table at @addr. */
static void indirect_case(u32 len, u64 addr, u16 flags, bool negotiated,
			  int code, u64 value)
{
	struct fe *f = fe_up(8, false, negotiated);

	set_desc(f, buf(f, 10), 0, buf(f, 0), 4, 0, 0);
	set_desc(f, f->desc, 0, addr == TABLE ? buf(f, 10) : addr, len,
		 (u16)(VIRTQ_DESC_F_INDIRECT | flags), 1);
	set_desc(f, f->desc, 1, buf(f, 0), 4, 0, 0);
	publish(f, 0);
	expect_pop(f, code, 0, value == TABLE ? buf(f, 10) : value);
	assert_false(virtq_fault(&f->q)->indirect);
	fe_free(f);
}

static void indirect_errors(void **state)
{
	struct fe *f = fe_new(8, false, false);
	u64 end = f->reg[1].guest + R1_SIZE;

	(void)state;
	fe_free(f);
	indirect_case(16, TABLE, 0, false, VIRTQ_E_INDIRECT_FEATURE,
		      VIRTQ_DESC_F_INDIRECT);
	indirect_case(16, TABLE, VIRTQ_DESC_F_NEXT, true, VIRTQ_E_INDIRECT_NEXT,
		      VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT);
	indirect_case(24, TABLE, 0, true, VIRTQ_E_INDIRECT_LEN, 24);
	indirect_case(0, TABLE, 0, true, VIRTQ_E_INDIRECT_LEN, 0);
	indirect_case(16 * (VIRTQ_MAX_SIZE + 1), TABLE, 0, true,
		      VIRTQ_E_INDIRECT_LEN, 16 * (VIRTQ_MAX_SIZE + 1));
	indirect_case(16, G0 + 4, 0, true, VIRTQ_E_INDIRECT_ALIGN, G0 + 4);
	indirect_case(32, end - 16, 0, true, VIRTQ_E_INDIRECT_GRANT, end - 16);
}

static void indirect_table_errors(void **state)
{
	struct fe *f = fe_up(8, false, true);
	u64 t = buf(f, 10);

	(void)state;
	set_desc(f, t, 0, buf(f, 0), 4, VIRTQ_DESC_F_NEXT, 1);
	set_desc(f, t, 1, t, 16, VIRTQ_DESC_F_INDIRECT, 0);
	set_desc(f, f->desc, 0, t, 32, VIRTQ_DESC_F_INDIRECT, 0);
	publish(f, 0);
	expect_pop(f, VIRTQ_E_INDIRECT_NESTED, 1, VIRTQ_DESC_F_INDIRECT);
	assert_true(virtq_fault(&f->q)->indirect);
	fe_free(f);

	/* next within the table's 2 entries, not the queue's 8. */
	f = fe_up(8, false, true);
	set_desc(f, t, 0, buf(f, 0), 4, VIRTQ_DESC_F_NEXT, 2);
	set_desc(f, f->desc, 0, t, 32, VIRTQ_DESC_F_INDIRECT, 0);
	publish(f, 0);
	expect_pop(f, VIRTQ_E_INDIRECT_NEXT_IDX, 0, 2);
	fe_free(f);
}

static void avail_idx_jumps(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	w16(f, f->avail + 2, 9);
	expect_pop(f, VIRTQ_E_AVAIL_IDX, 0, 9);
	fe_free(f);

	/* Two chains in flight leave room for 6 more, not 7. */
	f = fe_up(8, false, false);
	set_desc(f, f->desc, 0, buf(f, 0), 4, 0, 0);
	publish(f, 0);
	publish(f, 0);
	assert_int_equal(pop(f), 1);
	assert_int_equal(pop(f), 1);
	w16(f, f->avail + 2, 2 + 7);
	expect_pop(f, VIRTQ_E_AVAIL_IDX, 2, 9);
	fe_free(f);

	/* Moved back. */
	f = fe_up(8, false, false);
	set_desc(f, f->desc, 0, buf(f, 0), 4, 0, 0);
	publish(f, 0);
	assert_int_equal(pop(f), 1);
	w16(f, f->avail + 2, 0);
	expect_pop(f, VIRTQ_E_AVAIL_IDX, 1, 0);
	fe_free(f);
}

/* What was popped is a copy: later frontend writes change nothing. */
static void copies_not_rereads(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	set_desc(f, f->desc, 0, buf(f, 0), 8, VIRTQ_DESC_F_NEXT, 1);
	set_desc(f, f->desc, 1, buf(f, 1), 8, VIRTQ_DESC_F_WRITE, 0);
	publish(f, 0);
	assert_int_equal(pop(f), 1);
	/* The frontend rewrites everything after the device read it. */
	set_desc(f, f->desc, 0, ~0UL, UINT32_MAX, VIRTQ_DESC_F_NEXT, 0);
	set_desc(f, f->desc, 1, 0, UINT32_MAX, VIRTQ_DESC_F_WRITE, 0);
	w16(f, f->avail + 4, 7);
	check_seg(f, 0, buf(f, 0), 8, false);
	check_seg(f, 1, buf(f, 1), 8, true);
	assert_int_equal(f->c.head, 0);
	assert_int_equal(virtq_push(&f->q, f->c.head, 8), 0);
	assert_int_equal(r32(f, f->used + 4), 0);
	/* avail->idx is read once per batch: a seen entry is not re-read. */
	set_desc(f, f->desc, 2, buf(f, 2), 8, 0, 0);
	publish(f, 2);
	publish(f, 2);
	assert_true(virtq_kicks_on(&f->q));
	w16(f, f->avail + 2, 0xdead);
	assert_int_equal(pop(f), 1);
	assert_int_equal(pop(f), 1);
	expect_pop(f, VIRTQ_E_AVAIL_IDX, 3, 0xdead);
	fe_free(f);
}

static void interrupts_by_flags(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	set_desc(f, f->desc, 0, buf(f, 0), 4, 0, 0);
	assert_false(virtq_need_interrupt(&f->q)); /* nothing pushed */
	publish(f, 0);
	publish(f, 0);
	assert_int_equal(pop(f), 1);
	assert_int_equal(pop(f), 1);
	assert_int_equal(virtq_push(&f->q, 0, 0), 0);
	assert_true(virtq_need_interrupt(&f->q));
	assert_false(virtq_need_interrupt(&f->q));
	w16(f, f->avail, VIRTQ_AVAIL_F_NO_INTERRUPT);
	assert_int_equal(virtq_push(&f->q, 0, 0), 0);
	assert_false(virtq_need_interrupt(&f->q));
	fe_free(f);
}

/* Complete @k more chains, then ask whether to interrupt. */
static bool push_and_ask(struct fe *f, u16 k)
{
	set_desc(f, f->desc, 0, buf(f, 0), 4, 0, 0);
	for (u16 i = 0; i < k; i++) {
		publish(f, 0);
		assert_int_equal(pop(f), 1);
		assert_int_equal(virtq_push(&f->q, 0, 0), 0);
	}
	return virtq_need_interrupt(&f->q);
}

static void interrupts_by_event_idx(void **state)
{
	struct fe *f = fe_up(8, true, false);

	(void)state;
	/* §2.7.7: notify when used->idx passes used_event. Flags ignored. */
	w16(f, f->avail, VIRTQ_AVAIL_F_NO_INTERRUPT);
	set_used_event(f, 1);
	assert_false(push_and_ask(f, 1)); /* 0 -> 1 */
	assert_true(push_and_ask(f, 1));  /* 1 -> 2 passes 1 */
	set_used_event(f, 1);
	assert_false(push_and_ask(f, 3)); /* 2 -> 5: 1 already signalled */
	set_used_event(f, 5);
	assert_false(push_and_ask(f, 0));
	assert_true(push_and_ask(f, 1)); /* 5 -> 6 writes entry 5 */
	set_used_event(f, 7);
	assert_true(push_and_ask(f, 3)); /* 6 -> 9 passes 7 */
	fe_free(f);

	/* Around the wrap: resume at 65534. */
	f = fe_new(8, true, false);
	w16(f, f->used + 2, 65534);
	f->idx = 65534;
	w16(f, f->avail + 2, f->idx);
	assert_int_equal(virtq_resume(&f->q, &f->cfg, f->reg, 2), 0);
	set_used_event(f, 40000);
	assert_true(push_and_ask(f, 1)); /* first after a resume */
	set_used_event(f, 65535);
	assert_false(push_and_ask(f, 0));
	assert_true(push_and_ask(f, 2)); /* 65535 -> 1 passes 65535 */
	set_used_event(f, 1);
	assert_true(push_and_ask(f, 1)); /* 1 -> 2 passes 1 */
	set_used_event(f, 65535);
	assert_false(push_and_ask(f, 2)); /* 2 -> 4 */
	fe_free(f);
}

static void kicks_by_flags(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	set_desc(f, f->desc, 0, buf(f, 0), 4, 0, 0);
	assert_int_equal(r16(f, f->used), 0);
	virtq_kicks_off(&f->q);
	assert_int_equal(r16(f, f->used), VIRTQ_USED_F_NO_NOTIFY);
	assert_false(virtq_kicks_on(&f->q));
	assert_int_equal(r16(f, f->used), 0);
	/* An entry published while kicks were off is found on re-enable. */
	virtq_kicks_off(&f->q);
	assert_int_equal(pop(f), 0);
	publish(f, 0);
	assert_true(virtq_kicks_on(&f->q));
	assert_int_equal(r16(f, f->used), 0);
	assert_int_equal(pop(f), 1);
	/* The drain helper: kicks off while it finds chains, on when not. */
	publish(f, 0);
	publish(f, 0);
	assert_int_equal(virtq_next(&f->q, &f->c), 1);
	assert_int_equal(r16(f, f->used), VIRTQ_USED_F_NO_NOTIFY);
	assert_int_equal(virtq_next(&f->q, &f->c), 1);
	assert_int_equal(virtq_next(&f->q, &f->c), 0);
	assert_int_equal(r16(f, f->used), 0);
	fe_free(f);
}

static void kicks_by_event_idx(void **state)
{
	struct fe *f = fe_up(8, true, false);

	(void)state;
	set_desc(f, f->desc, 0, buf(f, 0), 4, 0, 0);
	assert_int_equal(avail_event(f), 0);
	publish(f, 0);
	publish(f, 0);
	assert_int_equal(virtq_next(&f->q, &f->c), 1);
	assert_int_equal(virtq_next(&f->q, &f->c), 1);
	assert_int_equal(virtq_next(&f->q, &f->c), 0);
	/* Kick me when entry 2 is published; flags stay 0 (§2.7.10). */
	assert_int_equal(avail_event(f), 2);
	assert_int_equal(r16(f, f->used), 0);
	virtq_kicks_off(&f->q);
	assert_int_equal(r16(f, f->used), 0);
	publish(f, 0);
	assert_true(virtq_kicks_on(&f->q));
	fe_free(f);
}

static struct fe *hooked;
static bool hook_kicked;

static void publish_1_behind(void)
{
	hook_kicked = publish_kick(hooked, 1);
}

/*
 * The frontend publishes right after virtq_next() found the ring empty
 * and before it re-enabled kicks: the frontend sees kicks off and does not
 * kick, so the device must find the chain by re-checking (§2.7.10).
 */
static void recheck_after_kicks_on(void **state)
{
	(void)state;
	for (int event_idx = 0; event_idx < 2; event_idx++) {
		struct fe *f = fe_up(8, event_idx, false);

		set_desc(f, f->desc, 0, buf(f, 0), 4, 0, 0);
		set_desc(f, f->desc, 1, buf(f, 1), 4, 0, 0);
		publish(f, 0);
		assert_int_equal(virtq_next(&f->q, &f->c), 1);
		hooked = f;
		rmb_countdown = 1; /* the next read of avail->idx */
		rmb_hook = publish_1_behind;
		assert_int_equal(virtq_next(&f->q, &f->c), 1);
		rmb_hook = NULL;
		assert_int_equal(rmb_countdown, 0);
		assert_false(hook_kicked);
		assert_int_equal(f->c.head, 1);
		/* Drained: kicks are on again, and the next chain kicks. */
		assert_int_equal(virtq_next(&f->q, &f->c), 0);
		assert_true(publish_kick(f, 0));
		fe_free(f);
	}
}

/*
 * Two threads: a frontend publishing chains and kicking only when the
 * device asks (flags or avail_event, after a full barrier, as Linux
 * does), and a device that sleeps until kicked and drains with
 * virtq_next(). A kick lost between the device's last pop and its
 * re-enabling would leave both waiting: the test fails on a timeout. The
 * window is narrow, so this is a smoke test of the protocol under real
 * concurrency; recheck_after_kicks_on hits the window every time.
 */
#define RACE_CHAINS 20000U
#define RACE_STUCK 10 /* seconds without progress: a lost kick */

struct race {
	struct fe *f;
	u32 kicks;
	u32 done;
};

/* Yield, or false once @t0 is RACE_STUCK seconds ago. */
static bool keep_waiting(time_t t0)
{
	if (time(NULL) - t0 >= RACE_STUCK)
		return false;
	sched_yield();
	return true;
}

static u16 load16(struct fe *f, u64 g)
{
	return __atomic_load_n((u16 *)(void *)loc(f, g), __ATOMIC_ACQUIRE);
}

static void *race_frontend(void *arg)
{
	struct race *r = arg;
	struct fe *f = r->f;

	for (u32 i = 0; i < RACE_CHAINS; i++) {
		time_t t0 = time(NULL);

		while ((u16)(i - load16(f, f->used + 2)) >= f->n)
			if (!keep_waiting(t0))
				return NULL;
		set_desc(f, f->desc, i % f->n, buf(f, 0), 4, 0, 0);
		if (publish_kick(f, (u16)(i % f->n)))
			__atomic_fetch_add(&r->kicks, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

/* Wait for a kick after the @seen first; false if none comes. */
static bool wait_kick(const struct race *r, u32 seen)
{
	time_t t0 = time(NULL);

	while (__atomic_load_n(&r->kicks, __ATOMIC_SEQ_CST) == seen)
		if (!keep_waiting(t0))
			return false;
	return true;
}

static void race(bool event_idx)
{
	struct race r = { .f = fe_up(4, event_idx, false) };
	u32 seen = 0;
	pthread_t t;
	int rc;

	assert_int_equal(pthread_create(&t, NULL, race_frontend, &r), 0);
	while (r.done < RACE_CHAINS && wait_kick(&r, seen)) {
		seen = __atomic_load_n(&r.kicks, __ATOMIC_SEQ_CST);
		while ((rc = virtq_next(&r.f->q, &r.f->c)) > 0) {
			assert_int_equal(virtq_push(&r.f->q, r.f->c.head, 0),
					 0);
			r.done++;
		}
		assert_int_equal(rc, 0);
	}
	pthread_join(t, NULL);
	assert_int_equal(r.done, RACE_CHAINS);
	fe_free(r.f);
}

static void no_lost_kicks(void **state)
{
	(void)state;
	race(false);
	race(true);
}

static void resume(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	for (u16 i = 0; i < 4; i++) {
		set_desc(f, f->desc, i, buf(f, i), 4, 0, 0);
		publish(f, i);
	}
	for (u16 i = 0; i < 3; i++)
		assert_int_equal(pop(f), 1);
	assert_int_equal(virtq_push(&f->q, 0, 0), 0);
	virtq_kicks_off(&f->q);
	/* The driver restarts: 1 and 2 were popped, not completed. */
	memset(&f->q, 0xa5, sizeof(f->q));
	assert_int_equal(virtq_resume(&f->q, &f->cfg, f->reg, 2), 0);
	assert_int_equal(r16(f, f->used), 0); /* kicks back on */
	for (u16 i = 1; i < 4; i++) {
		assert_int_equal(pop(f), 1);
		assert_int_equal(f->c.head, i);
		assert_int_equal(virtq_push(&f->q, i, 0), 0);
	}
	assert_int_equal(pop(f), 0);
	assert_int_equal(r16(f, f->used + 2), 4);
	assert_int_equal(r32(f, f->used + 4 + 8 * 3), 3);
	fe_free(f);

	/* More outstanding than the queue holds. */
	f = fe_new(8, false, false);
	w16(f, f->used + 2, 100);
	w16(f, f->avail + 2, 109);
	assert_int_equal(virtq_resume(&f->q, &f->cfg, f->reg, 2),
			 VIRTQ_E_RESUME_IDX);
	check_broken(f, VIRTQ_E_RESUME_IDX, 100, 109);
	w16(f, f->avail + 2, 99);
	assert_int_equal(virtq_resume(&f->q, &f->cfg, f->reg, 2),
			 VIRTQ_E_RESUME_IDX);
	fe_free(f);
}

static void push_errors(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	assert_int_equal(virtq_push(&f->q, 0, 0), VIRTQ_E_PUSH_EXTRA);
	check_broken(f, VIRTQ_E_PUSH_EXTRA, 0, 0);
	fe_free(f);
	f = fe_up(8, false, false);
	assert_int_equal(virtq_push(&f->q, 8, 0), VIRTQ_E_PUSH_ID);
	assert_int_equal(r16(f, f->used + 2), 0);
	fe_free(f);
}

static void error_strings(void **state)
{
	(void)state;
	for (int a = VIRTQ_E_LAST; a < 0; a++) {
		assert_non_null(virtq_strerror(a));
		assert_string_not_equal(virtq_strerror(a), "unknown error");
		for (int b = VIRTQ_E_LAST; b < a; b++)
			assert_string_not_equal(virtq_strerror(a),
						virtq_strerror(b));
	}
	assert_string_equal(virtq_strerror(VIRTQ_E_LAST - 1), "unknown error");
	assert_string_equal(virtq_strerror(1), "unknown error");
	assert_string_equal(virtq_strerror(0), "ok");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(direct_chain),
		cmocka_unit_test(single_buffers_and_region1),
		cmocka_unit_test(indirect_chain),
		cmocka_unit_test(direct_then_indirect),
		cmocka_unit_test(index_wraparound),
		cmocka_unit_test(queue_size_1),
		cmocka_unit_test(queue_size_32768),
		cmocka_unit_test(setup_errors),
		cmocka_unit_test(bad_indices),
		cmocka_unit_test(loops),
		cmocka_unit_test(too_many_segments),
		cmocka_unit_test(lengths),
		cmocka_unit_test(totals_do_not_wrap),
		cmocka_unit_test(buffers_outside_grant),
		cmocka_unit_test(readable_after_writable),
		cmocka_unit_test(indirect_errors),
		cmocka_unit_test(indirect_table_errors),
		cmocka_unit_test(avail_idx_jumps),
		cmocka_unit_test(copies_not_rereads),
		cmocka_unit_test(interrupts_by_flags),
		cmocka_unit_test(interrupts_by_event_idx),
		cmocka_unit_test(kicks_by_flags),
		cmocka_unit_test(kicks_by_event_idx),
		cmocka_unit_test(recheck_after_kicks_on),
		cmocka_unit_test(no_lost_kicks),
		cmocka_unit_test(resume),
		cmocka_unit_test(push_errors),
		cmocka_unit_test(error_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
