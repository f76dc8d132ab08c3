// SPDX-License-Identifier: MIT
/*
 * The fake virtio frontend of the virtqueue tests (fake_frontend.h): the
 * layout is a queue's rings at the start of region 0, then NBUF buffers
 * of BUF bytes; region 1 follows region 0 in guest address space.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_frontend.h"
#include "virtq_barrier.h"

/* The barriers, linked instead of virtq_barrier_host.c. */
void (*rmb_hook)(void);
u32 rmb_countdown;

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

struct fe *fe_new(u32 n, bool event_idx, bool indirect)
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

void fe_free(struct fe *f)
{
	free(f->mem[0]);
	free(f->mem[1]);
	free(f);
}

/* Start the device on @f; 0 expected. */
struct fe *fe_up(u32 n, bool event_idx, bool indirect)
{
	struct fe *f = fe_new(n, event_idx, indirect);

	assert_int_equal(virtq_init(&f->q, &f->cfg, f->reg, 2), 0);
	return f;
}

u8 *fe_loc(struct fe *f, u64 g)
{
	for (int r = 0; r < 2; r++)
		if (g >= f->reg[r].guest &&
		    g - f->reg[r].guest < f->reg[r].size)
			return f->mem[r] + (g - f->reg[r].guest);
	fail_msg("0x%lx not in the grant", (unsigned long)g);
	return NULL;
}

void fe_w16(struct fe *f, u64 g, u16 v)
{
	memcpy(fe_loc(f, g), &v, 2);
}

u16 fe_r16(struct fe *f, u64 g)
{
	u16 v;

	memcpy(&v, fe_loc(f, g), 2);
	return v;
}

u32 fe_r32(struct fe *f, u64 g)
{
	u32 v;

	memcpy(&v, fe_loc(f, g), 4);
	return v;
}

void fe_set_desc(struct fe *f, u64 table, u32 i, u64 addr, u32 len, u16 flags,
		 u16 next)
{
	u8 *p = fe_loc(f, table + 16 * (u64)i);

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

u64 fe_buf(struct fe *f, u32 k)
{
	return f->data + (u64)k * BUF;
}

/* Make chain @head available (§2.7.13). */
void fe_publish(struct fe *f, u16 head)
{
	fe_w16(f, f->avail + 4 + 2 * (u64)(f->idx % f->n), head);
	f->idx++;
	fe_w16(f, f->avail + 2, f->idx);
}

void fe_set_used_event(struct fe *f, u16 v)
{
	fe_w16(f, f->avail + 4 + 2 * (u64)f->n, v);
}

u16 fe_avail_event(struct fe *f)
{
	return fe_r16(f, f->used + 4 + 8 * (u64)f->n);
}

/*
 * The frontend publishes @head as Linux does (§2.7.13): ring entry,
 * barrier, index, full barrier, then the device's suppression (§2.7.10).
 * True if it kicks.
 */
bool fe_publish_kick(struct fe *f, u16 head)
{
	u16 old = f->idx, ev, flags;

	fe_w16(f, f->avail + 4 + 2 * (u64)(f->idx % f->n), head);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	f->idx++;
	__atomic_store_n((u16 *)(void *)fe_loc(f, f->avail + 2), f->idx,
			 __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ev = __atomic_load_n((u16 *)(void *)fe_loc(f, f->used + 4 + 8 * f->n),
			     __ATOMIC_RELAXED);
	flags = __atomic_load_n((u16 *)(void *)fe_loc(f, f->used),
				__ATOMIC_RELAXED);
	if (f->cfg.event_idx)
		return (u16)(f->idx - ev - 1) < (u16)(f->idx - old);
	return !(flags & VIRTQ_USED_F_NO_NOTIFY);
}

int fe_pop(struct fe *f)
{
	return virtq_pop(&f->q, &f->c);
}

void fe_check_seg(struct fe *f, u32 i, u64 addr, u32 len, bool w)
{
	assert_ptr_equal(f->seg[i].ptr, fe_loc(f, addr));
	assert_int_equal(f->seg[i].len, len);
	assert_int_equal(f->seg[i].writable, w);
}

/* The queue fails with @code, says where, and stays broken. */
void fe_check_broken(struct fe *f, int code, u32 index, u64 value)
{
	const struct virtq_fault *e = virtq_fault(&f->q);

	assert_int_equal(e->code, code);
	assert_int_equal(e->index, index);
	assert_int_equal(e->value, value);
	assert_int_equal(fe_pop(f), code);
	assert_int_equal(virtq_next(&f->q, &f->c), code);
	assert_int_equal(virtq_push(&f->q, 0, 0), code);
	assert_false(virtq_kicks_on(&f->q));
	assert_false(virtq_need_interrupt(&f->q));
	assert_int_equal(e->code, code);
}

void fe_expect_pop(struct fe *f, int code, u32 index, u64 value)
{
	assert_int_equal(fe_pop(f), code);
	fe_check_broken(f, code, index, value);
}
