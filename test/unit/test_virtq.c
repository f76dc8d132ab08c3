// SPDX-License-Identifier: MIT
/*
 * Popping chains from split virtqueues (userland-drivers/lib/virtq.c)
 * that a fake frontend (fake_frontend.h) writes into a grant of two
 * exact-size blocks under ASan: well-formed chains (direct, indirect,
 * direct then indirect, 16-bit index wrap, queue sizes 1 and 32768),
 * every malformed case with its error code, index and value, totals that
 * would wrap 32 bits, and copies that later frontend writes cannot change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "fake_frontend.h"

static void direct_chain(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	assert_int_equal(fe_pop(f), 0);
	fe_set_desc(f, f->desc, 5, fe_buf(f, 0), 16, VIRTQ_DESC_F_NEXT, 2);
	fe_set_desc(f, f->desc, 2, fe_buf(f, 1), 32, VIRTQ_DESC_F_NEXT, 7);
	fe_set_desc(f, f->desc, 7, fe_buf(f, 2), 64, VIRTQ_DESC_F_WRITE, 0);
	fe_publish(f, 5);
	assert_int_equal(fe_pop(f), 1);
	assert_int_equal(f->c.head, 5);
	assert_int_equal(f->c.nseg, 3);
	assert_int_equal(f->c.nread, 2);
	assert_int_equal(f->c.readable, 48);
	assert_int_equal(f->c.writable, 64);
	fe_check_seg(f, 0, fe_buf(f, 0), 16, false);
	fe_check_seg(f, 1, fe_buf(f, 1), 32, false);
	fe_check_seg(f, 2, fe_buf(f, 2), 64, true);
	assert_int_equal(fe_pop(f), 0);
	assert_int_equal(virtq_push(&f->q, 5, 60), 0);
	assert_int_equal(fe_r32(f, f->used + 4), 5);
	assert_int_equal(fe_r32(f, f->used + 8), 60);
	assert_int_equal(fe_r16(f, f->used + 2), 1);
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
	fe_set_desc(f, f->desc, 0, r1, R1_SIZE, VIRTQ_DESC_F_WRITE, 0);
	fe_set_desc(f, f->desc, 1, fe_buf(f, 3), 0, 0, 0);
	fe_publish(f, 0);
	fe_publish(f, 1);
	assert_int_equal(fe_pop(f), 1);
	assert_int_equal(f->c.nread, 0);
	fe_check_seg(f, 0, r1, R1_SIZE, true);
	assert_int_equal(fe_pop(f), 1);
	fe_check_seg(f, 0, fe_buf(f, 3), 0, false);
	assert_int_equal(f->c.readable, 0);
	/* Completed out of order. */
	assert_int_equal(virtq_push(&f->q, 1, 0), 0);
	assert_int_equal(virtq_push(&f->q, 0, 7), 0);
	assert_int_equal(fe_r32(f, f->used + 4), 1);
	assert_int_equal(fe_r32(f, f->used + 12), 0);
	assert_int_equal(fe_r16(f, f->used + 2), 2);
	fe_free(f);
}

static void indirect_chain(void **state)
{
	struct fe *f = fe_up(4, false, true);
	u64 t = fe_buf(f, 10);

	(void)state;
	fe_set_desc(f, t, 0, fe_buf(f, 0), 10, VIRTQ_DESC_F_NEXT, 2);
	fe_set_desc(f, t, 2, fe_buf(f, 1), 20, VIRTQ_DESC_F_NEXT, 1);
	fe_set_desc(f, t, 1, fe_buf(f, 2), 30, VIRTQ_DESC_F_WRITE, 0);
	/* WRITE on the descriptor naming a table is ignored (§2.7.5.3.2). */
	fe_set_desc(f, f->desc, 3, t, 48,
		    VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_WRITE, 0);
	fe_publish(f, 3);
	assert_int_equal(fe_pop(f), 1);
	assert_int_equal(f->c.head, 3);
	assert_int_equal(f->c.nseg, 3);
	assert_int_equal(f->c.nread, 2);
	assert_int_equal(f->c.readable, 30);
	assert_int_equal(f->c.writable, 30);
	fe_check_seg(f, 0, fe_buf(f, 0), 10, false);
	fe_check_seg(f, 1, fe_buf(f, 1), 20, false);
	fe_check_seg(f, 2, fe_buf(f, 2), 30, true);
	fe_free(f);
}

/* §2.7.5.3.2: direct descriptors, then one naming an indirect table. */
static void direct_then_indirect(void **state)
{
	struct fe *f = fe_up(4, false, true);
	u64 t = fe_buf(f, 10);

	(void)state;
	fe_set_desc(f, t, 0, fe_buf(f, 1), 8, VIRTQ_DESC_F_WRITE, 0);
	fe_set_desc(f, f->desc, 0, fe_buf(f, 0), 4, VIRTQ_DESC_F_NEXT, 1);
	fe_set_desc(f, f->desc, 1, t, 16, VIRTQ_DESC_F_INDIRECT, 0);
	fe_publish(f, 0);
	assert_int_equal(fe_pop(f), 1);
	assert_int_equal(f->c.nseg, 2);
	fe_check_seg(f, 0, fe_buf(f, 0), 4, false);
	fe_check_seg(f, 1, fe_buf(f, 1), 8, true);
	/* ... but a readable one in the table after a writable before it. */
	fe_set_desc(f, f->desc, 0, fe_buf(f, 0), 4,
		    VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	fe_set_desc(f, t, 0, fe_buf(f, 1), 8, 0, 0);
	fe_publish(f, 0);
	assert_int_equal(fe_pop(f), VIRTQ_E_ORDER);
	assert_true(virtq_fault(&f->q)->indirect);
	fe_free(f);
}

/* 16-bit indices wrap: resume at 65534, run through 0. */
static void index_wraparound(void **state)
{
	struct fe *f = fe_new(4, false, false);

	(void)state;
	fe_w16(f, f->used + 2, 65534);
	f->idx = 65534;
	fe_w16(f, f->avail + 2, f->idx);
	assert_int_equal(virtq_resume(&f->q, &f->cfg, f->reg, 2), 0);
	for (u16 i = 0; i < 4; i++)
		fe_set_desc(f, f->desc, i, fe_buf(f, i), 1 + i, 0, 0);
	for (u16 round = 0; round < 3; round++) {
		for (u16 i = 0; i < 4; i++)
			fe_publish(f, i);
		for (u16 i = 0; i < 4; i++) {
			assert_int_equal(fe_pop(f), 1);
			assert_int_equal(f->c.head, i);
			assert_int_equal(virtq_push(&f->q, i, i), 0);
		}
		assert_int_equal(fe_pop(f), 0);
	}
	assert_int_equal(fe_r16(f, f->used + 2), (u16)(65534 + 12));
	/* The last used entry, 9, is in slot 1: head 3 of round 3. */
	assert_int_equal(fe_r32(f, f->used + 4 + 8 * 1), 3);
	fe_free(f);
}

static void queue_size_1(void **state)
{
	struct fe *f = fe_up(1, true, false);

	(void)state;
	fe_set_desc(f, f->desc, 0, fe_buf(f, 0), 8, 0, 0);
	for (int i = 0; i < 5; i++) {
		fe_publish(f, 0);
		assert_int_equal(fe_pop(f), 1);
		assert_int_equal(fe_pop(f), 0);
		assert_int_equal(virtq_push(&f->q, 0, 1), 0);
	}
	/* A second outstanding entry needs a second descriptor. */
	fe_publish(f, 0);
	fe_publish(f, 0);
	fe_expect_pop(f, VIRTQ_E_AVAIL_IDX, 5, 7);
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
		fe_set_desc(f, f->desc, i, fe_buf(f, i % NBUF), 1,
			    i + 1 < n ? VIRTQ_DESC_F_NEXT : 0, (u16)(i + 1));
	fe_publish(f, 0);
	assert_int_equal(fe_pop(f), 1);
	assert_int_equal(f->c.nseg, n);
	assert_int_equal(f->c.readable, n);
	assert_ptr_equal(seg[n - 1].ptr, fe_loc(f, fe_buf(f, (n - 1) % NBUF)));
	fe_set_desc(f, f->desc, n - 1, fe_buf(f, 0), 1, VIRTQ_DESC_F_NEXT, 0);
	fe_publish(f, 0);
	fe_expect_pop(f, VIRTQ_E_CHAIN_LONG, 0, n + 1);
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
		fe_check_broken(f, VIRTQ_E_SIZE, 0, sizes[i]);
	}
	assert_int_equal(virtq_init(&f->q, &f->cfg, f->reg, 0), VIRTQ_E_GRANT);
	assert_int_equal(virtq_init(&f->q, &f->cfg, bad, 1), VIRTQ_E_GRANT);
	bad[0] = (struct virtq_region){ G0 + 8, 64, f->mem[0] };
	assert_int_equal(virtq_init(&f->q, &f->cfg, bad, 1), VIRTQ_E_GRANT);
	/* Misaligned rings. */
	c = f->cfg;
	c.desc += 8;
	assert_int_equal(virtq_init(&f->q, &c, f->reg, 2), VIRTQ_E_RING_ALIGN);
	fe_check_broken(f, VIRTQ_E_RING_ALIGN, 0, c.desc);
	c = f->cfg;
	c.avail += 1;
	assert_int_equal(virtq_init(&f->q, &c, f->reg, 2), VIRTQ_E_RING_ALIGN);
	c = f->cfg;
	c.used += 2;
	assert_int_equal(virtq_init(&f->q, &c, f->reg, 2), VIRTQ_E_RING_ALIGN);
	fe_check_broken(f, VIRTQ_E_RING_ALIGN, 2, c.used);
	/* Rings outside the grant, across its two regions, wrapping. */
	c = f->cfg;
	c.used = f->reg[1].guest + R1_SIZE - 64;
	assert_int_equal(virtq_init(&f->q, &c, f->reg, 2), VIRTQ_E_RING_GRANT);
	fe_check_broken(f, VIRTQ_E_RING_GRANT, 2, c.used);
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
	fe_check_broken(f, VIRTQ_E_RING_GRANT, 1, G0 - 2);
	fe_free(f);
}

static void bad_indices(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	fe_publish(f, 8);
	fe_expect_pop(f, VIRTQ_E_HEAD, 0, 8);
	fe_free(f);

	f = fe_up(8, false, false);
	fe_set_desc(f, f->desc, 0, fe_buf(f, 0), 1, VIRTQ_DESC_F_NEXT, 1);
	fe_set_desc(f, f->desc, 1, fe_buf(f, 0), 1, VIRTQ_DESC_F_NEXT, 4096);
	fe_publish(f, 0);
	fe_expect_pop(f, VIRTQ_E_NEXT, 1, 4096);
	assert_string_equal(virtq_strerror(VIRTQ_E_NEXT),
			    "descriptor next index out of range");
	fe_free(f);
}

static void loops(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	fe_set_desc(f, f->desc, 3, fe_buf(f, 0), 1, VIRTQ_DESC_F_NEXT, 3);
	fe_publish(f, 3);
	fe_expect_pop(f, VIRTQ_E_CHAIN_LONG, 3, 9);
	fe_free(f);

	/* 0 -> 1 -> ... -> 7 -> 2: longer than the queue. */
	f = fe_up(8, false, false);
	for (u16 i = 0; i < 8; i++)
		fe_set_desc(f, f->desc, i, fe_buf(f, i), 1, VIRTQ_DESC_F_NEXT,
			    i < 7 ? i + 1 : 2);
	fe_publish(f, 0);
	fe_expect_pop(f, VIRTQ_E_CHAIN_LONG, 2, 9);
	fe_free(f);

	/* A loop in an indirect table is bounded by the table. */
	f = fe_up(8, false, true);
	fe_set_desc(f, fe_buf(f, 10), 0, fe_buf(f, 0), 1, VIRTQ_DESC_F_NEXT, 1);
	fe_set_desc(f, fe_buf(f, 10), 1, fe_buf(f, 0), 1, VIRTQ_DESC_F_NEXT, 0);
	fe_set_desc(f, f->desc, 0, fe_buf(f, 10), 32, VIRTQ_DESC_F_INDIRECT, 0);
	fe_publish(f, 0);
	fe_expect_pop(f, VIRTQ_E_CHAIN_LONG, 0, 3);
	assert_true(virtq_fault(&f->q)->indirect);
	fe_free(f);
}

/* A loop longer than the caller's capacity stops there. */
static void too_many_segments(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	f->c.cap = 2;
	fe_set_desc(f, f->desc, 0, fe_buf(f, 0), 1, VIRTQ_DESC_F_NEXT, 1);
	fe_set_desc(f, f->desc, 1, fe_buf(f, 0), 1, VIRTQ_DESC_F_NEXT, 2);
	fe_set_desc(f, f->desc, 2, fe_buf(f, 0), 1, 0, 0);
	fe_publish(f, 0);
	fe_expect_pop(f, VIRTQ_E_SEGS, 2, 2);
	fe_free(f);
}

static void lengths(void **state)
{
	struct fe *f = fe_new(8, false, false);

	(void)state;
	f->cfg.max_bytes = 100;
	assert_int_equal(virtq_init(&f->q, &f->cfg, f->reg, 2), 0);
	/* 100 readable and 100 writable bytes: each total is bounded. */
	fe_set_desc(f, f->desc, 0, fe_buf(f, 0), 60, VIRTQ_DESC_F_NEXT, 1);
	fe_set_desc(f, f->desc, 1, fe_buf(f, 1), 40, VIRTQ_DESC_F_NEXT, 2);
	fe_set_desc(f, f->desc, 2, fe_buf(f, 2), 64,
		    VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 3);
	fe_set_desc(f, f->desc, 3, fe_buf(f, 3), 36, VIRTQ_DESC_F_WRITE, 0);
	fe_publish(f, 0);
	assert_int_equal(fe_pop(f), 1);
	assert_int_equal(f->c.readable, 100);
	assert_int_equal(f->c.writable, 100);
	fe_set_desc(f, f->desc, 1, fe_buf(f, 1), 41, VIRTQ_DESC_F_NEXT, 2);
	fe_publish(f, 0);
	fe_expect_pop(f, VIRTQ_E_TOO_BIG, 1, 41);
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
	fe_set_desc(f, f->desc, 0, g, (u32)len, VIRTQ_DESC_F_NEXT, 1);
	fe_set_desc(f, f->desc, 1, g + len, (u32)len, 0, 0);
	fe_publish(f, 0);
	fe_set_desc(f, f->desc, 2, g, (u32)len, VIRTQ_DESC_F_WRITE, 0);
	fe_publish(f, 2);
	fe_expect_pop(f, VIRTQ_E_TOO_BIG, 1, len);
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
		fe_set_desc(f, f->desc, 0, fe_buf(f, 0), 4, VIRTQ_DESC_F_NEXT,
			    6);
		fe_set_desc(f, f->desc, 6, b[i].addr, b[i].len, 0, 0);
		fe_publish(f, 0);
		fe_expect_pop(f, VIRTQ_E_BUF_GRANT, 6, b[i].addr);
		fe_free(f);
	}
}

static void readable_after_writable(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	fe_set_desc(f, f->desc, 0, fe_buf(f, 0), 4,
		    VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	fe_set_desc(f, f->desc, 1, fe_buf(f, 1), 4, 0, 0);
	fe_publish(f, 0);
	fe_expect_pop(f, VIRTQ_E_ORDER, 1, 0);
	fe_free(f);
}

#define TABLE (~0UL) /* indirect_case(): the table at buf 10 */

/* One chain whose head (descriptor 0) names a table at @addr. */
static void indirect_case(u32 len, u64 addr, u16 flags, bool negotiated,
			  int code, u64 value)
{
	struct fe *f = fe_up(8, false, negotiated);

	fe_set_desc(f, fe_buf(f, 10), 0, fe_buf(f, 0), 4, 0, 0);
	fe_set_desc(f, f->desc, 0, addr == TABLE ? fe_buf(f, 10) : addr, len,
		    (u16)(VIRTQ_DESC_F_INDIRECT | flags), 1);
	fe_set_desc(f, f->desc, 1, fe_buf(f, 0), 4, 0, 0);
	fe_publish(f, 0);
	fe_expect_pop(f, code, 0, value == TABLE ? fe_buf(f, 10) : value);
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
	u64 t = fe_buf(f, 10);

	(void)state;
	fe_set_desc(f, t, 0, fe_buf(f, 0), 4, VIRTQ_DESC_F_NEXT, 1);
	fe_set_desc(f, t, 1, t, 16, VIRTQ_DESC_F_INDIRECT, 0);
	fe_set_desc(f, f->desc, 0, t, 32, VIRTQ_DESC_F_INDIRECT, 0);
	fe_publish(f, 0);
	fe_expect_pop(f, VIRTQ_E_INDIRECT_NESTED, 1, VIRTQ_DESC_F_INDIRECT);
	assert_true(virtq_fault(&f->q)->indirect);
	fe_free(f);

	/* next within the table's 2 entries, not the queue's 8. */
	f = fe_up(8, false, true);
	fe_set_desc(f, t, 0, fe_buf(f, 0), 4, VIRTQ_DESC_F_NEXT, 2);
	fe_set_desc(f, f->desc, 0, t, 32, VIRTQ_DESC_F_INDIRECT, 0);
	fe_publish(f, 0);
	fe_expect_pop(f, VIRTQ_E_INDIRECT_NEXT_IDX, 0, 2);
	fe_free(f);
}

static void avail_idx_jumps(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	fe_w16(f, f->avail + 2, 9);
	fe_expect_pop(f, VIRTQ_E_AVAIL_IDX, 0, 9);
	fe_free(f);

	/* Two chains in flight leave room for 6 more, not 7. */
	f = fe_up(8, false, false);
	fe_set_desc(f, f->desc, 0, fe_buf(f, 0), 4, 0, 0);
	fe_publish(f, 0);
	fe_publish(f, 0);
	assert_int_equal(fe_pop(f), 1);
	assert_int_equal(fe_pop(f), 1);
	fe_w16(f, f->avail + 2, 2 + 7);
	fe_expect_pop(f, VIRTQ_E_AVAIL_IDX, 2, 9);
	fe_free(f);

	/* Moved back. */
	f = fe_up(8, false, false);
	fe_set_desc(f, f->desc, 0, fe_buf(f, 0), 4, 0, 0);
	fe_publish(f, 0);
	assert_int_equal(fe_pop(f), 1);
	fe_w16(f, f->avail + 2, 0);
	fe_expect_pop(f, VIRTQ_E_AVAIL_IDX, 1, 0);
	fe_free(f);
}

/* What was popped is a copy: later frontend writes change nothing. */
static void copies_not_rereads(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	fe_set_desc(f, f->desc, 0, fe_buf(f, 0), 8, VIRTQ_DESC_F_NEXT, 1);
	fe_set_desc(f, f->desc, 1, fe_buf(f, 1), 8, VIRTQ_DESC_F_WRITE, 0);
	fe_publish(f, 0);
	assert_int_equal(fe_pop(f), 1);
	/* The frontend rewrites everything after the device read it. */
	fe_set_desc(f, f->desc, 0, ~0UL, UINT32_MAX, VIRTQ_DESC_F_NEXT, 0);
	fe_set_desc(f, f->desc, 1, 0, UINT32_MAX, VIRTQ_DESC_F_WRITE, 0);
	fe_w16(f, f->avail + 4, 7);
	fe_check_seg(f, 0, fe_buf(f, 0), 8, false);
	fe_check_seg(f, 1, fe_buf(f, 1), 8, true);
	assert_int_equal(f->c.head, 0);
	assert_int_equal(virtq_push(&f->q, f->c.head, 8), 0);
	assert_int_equal(fe_r32(f, f->used + 4), 0);
	/* avail->idx is read once per batch: a seen entry is not re-read. */
	fe_set_desc(f, f->desc, 2, fe_buf(f, 2), 8, 0, 0);
	fe_publish(f, 2);
	fe_publish(f, 2);
	assert_true(virtq_kicks_on(&f->q));
	fe_w16(f, f->avail + 2, 0xdead);
	assert_int_equal(fe_pop(f), 1);
	assert_int_equal(fe_pop(f), 1);
	fe_expect_pop(f, VIRTQ_E_AVAIL_IDX, 3, 0xdead);
	fe_free(f);
}

static void push_errors(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	assert_int_equal(virtq_push(&f->q, 0, 0), VIRTQ_E_PUSH_EXTRA);
	fe_check_broken(f, VIRTQ_E_PUSH_EXTRA, 0, 0);
	fe_free(f);
	f = fe_up(8, false, false);
	assert_int_equal(virtq_push(&f->q, 8, 0), VIRTQ_E_PUSH_ID);
	assert_int_equal(fe_r16(f, f->used + 2), 0);
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
		cmocka_unit_test(push_errors),
		cmocka_unit_test(error_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
