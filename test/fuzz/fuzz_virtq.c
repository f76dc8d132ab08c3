// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the device side of split virtqueues
 * (userland-drivers/lib/virtq.c). The input is a 40-byte header (queue
 * size, features, segment capacity, byte bound, ring placement, two grant
 * regions), a list of steps (pop, drain-pop, complete, kicks on/off, ask
 * for an interrupt, a frontend write into the grant, a driver restart)
 * and the regions' contents. Each region is a malloc'd block of exactly
 * its size, so ASan sees any access outside the grant. After the steps
 * the queue is drained. Checked after every call: a popped chain has at
 * most cap segments, readable ones first, totals equal to the sums and
 * within the bound, every segment inside a region; errors are sticky
 * (nothing succeeds once broken) and a broken queue writes nothing more
 * to the grant. A violation traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"

#include "virtq.h"

#define HEADER 40
#define STEP 4
#define CAP_MAX 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	struct virtq q;
	struct virtq_config cfg;
	struct virtq_region reg[2];
	u32 nreg;
	u8 *mem[2];
	u8 *shadow[2]; /* the grant when the queue broke */
	struct virtq_seg seg[CAP_MAX];
	struct virtq_chain c;
	int broken; /* the sticky error, 0 while it works */
	u16 fifo[65536];
	u16 fifo_head, fifo_tail;
};

static struct run run;

static u64 le(const uint8_t *p, int n)
{
	u64 v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static bool inside_grant(const void *ptr, u32 len)
{
	uintptr_t p = (uintptr_t)ptr;

	for (u32 r = 0; r < run.nreg; r++) {
		uintptr_t b = (uintptr_t)run.mem[r];

		if (p >= b && p - b <= run.reg[r].size &&
		    len <= run.reg[r].size - (p - b))
			return true;
	}
	return false;
}

/* Any call's result: errors are known codes, sticky and recorded. */
static void check_result(int r)
{
	const struct virtq_fault *f = virtq_fault(&run.q);

	if (run.broken)
		check(r == run.broken);
	check(r >= VIRTQ_E_LAST);
	if (r < 0) {
		check(f->code == r);
		if (!run.broken) {
			run.broken = r;
			for (u32 i = 0; i < run.nreg; i++)
				memcpy(run.shadow[i], run.mem[i],
				       run.reg[i].size);
		}
	} else {
		check(f->code == 0);
	}
}

static void check_chain(const struct virtq_chain *c)
{
	u64 sum[2] = { 0, 0 };

	check(c->head < run.cfg.size);
	check(c->nseg <= c->cap && c->nread <= c->nseg);
	for (u32 i = 0; i < c->nseg; i++) {
		check(c->seg[i].writable == (i >= c->nread));
		check(inside_grant(c->seg[i].ptr, c->seg[i].len));
		sum[c->seg[i].writable] += c->seg[i].len;
	}
	check(sum[0] == c->readable && sum[1] == c->writable);
	check(c->readable <= run.cfg.max_bytes);
	check(c->writable <= run.cfg.max_bytes);
}

static int pop(bool next)
{
	int r = next ? virtq_next(&run.q, &run.c) : virtq_pop(&run.q, &run.c);

	check(r <= 1);
	check_result(r);
	if (r == 1) {
		check_chain(&run.c);
		run.fifo[run.fifo_tail++] = run.c.head;
	}
	return r;
}

/* Complete the oldest chain popped (in order), or @id if none. */
static void push(u16 id, u32 len, bool in_order)
{
	int r;

	if (in_order && run.fifo_head != run.fifo_tail)
		id = run.fifo[run.fifo_head];
	r = virtq_push(&run.q, id, len);
	check(r <= 0);
	check_result(r);
	if (!r) {
		check(run.fifo_head != run.fifo_tail); /* no more than popped */
		run.fifo_head++;
	}
}

/* A broken queue has written nothing since it broke. */
static void check_untouched(void)
{
	if (run.broken)
		for (u32 i = 0; i < run.nreg; i++)
			check(!memcmp(run.shadow[i], run.mem[i],
				      run.reg[i].size));
}

static void start(bool resume)
{
	int r;

	check_untouched();
	run.broken = 0;
	run.fifo_head = run.fifo_tail = 0;
	r = resume ? virtq_resume(&run.q, &run.cfg, run.reg, run.nreg)
		   : virtq_init(&run.q, &run.cfg, run.reg, run.nreg);
	check(r <= 0);
	check_result(r);
}

static void poke(u16 where, u8 v)
{
	u32 at = where;

	for (u32 i = 0; i < run.nreg; i++) {
		if (at < run.reg[i].size) {
			run.mem[i][at] = v;
			if (run.broken)
				run.shadow[i][at] = v;
			return;
		}
		at -= (u32)run.reg[i].size;
	}
}

static void step(const uint8_t *s)
{
	u16 arg = (u16)le(s + 2, 2);

	switch (s[0] % 9) {
	case 0:
	case 1:
		pop(s[0] % 9 == 1);
		break;
	case 2:
		push(arg, s[1], true);
		break;
	case 3:
		push(arg, s[1], false);
		break;
	case 4:
		poke(arg, s[1]);
		break;
	case 5:
		virtq_kicks_off(&run.q);
		check_result(virtq_fault(&run.q)->code);
		break;
	case 6:
		check(!virtq_kicks_on(&run.q) || !run.broken);
		check_result(virtq_fault(&run.q)->code);
		break;
	case 7:
		check(!virtq_need_interrupt(&run.q) || !run.broken);
		break;
	default:
		start(true);
		break;
	}
}

/* Header: see make-corpus.sh, which writes the seeds. */
static void setup(const uint8_t *h, const uint8_t *body, size_t len)
{
	u64 g0 = le(h + 8, 8) & ~15UL;
	u64 size[2] = { le(h + 28, 2), le(h + 30, 2) };

	memset(&run.q, 0, sizeof(run.q));
	run.broken = 0;
	run.cfg = (struct virtq_config){
		.size = h[0] < 16 ? 1U << h[0] : h[0], /* some bad */
		.event_idx = h[1] & 1,
		.indirect = h[1] & 2,
		.max_bytes = (u32)le(h + 4, 4),
		.desc = g0 + le(h + 16, 4),
		.avail = g0 + le(h + 20, 4),
		.used = g0 + le(h + 24, 4),
	};
	run.c = (struct virtq_chain){ .seg = run.seg,
				      .cap = 1 + h[2] % CAP_MAX };
	run.nreg = size[0] ? (size[1] ? 2 : 1) : 0;
	run.reg[0].guest = g0;
	run.reg[1].guest = h[1] & 8 ? le(h + 32, 8) & ~15UL
				    : g0 + ROUND_UP(size[0], 16);
	for (u32 i = 0; i < run.nreg; i++) {
		size_t n = len < size[i] ? len : size[i];

		run.mem[i] = calloc(1, size[i]);
		run.shadow[i] = malloc(size[i]);
		memcpy(run.mem[i], body, n);
		body += n;
		len -= n;
		run.reg[i].size = size[i];
		run.reg[i].local = run.mem[i];
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t h[HEADER] = { 0 };
	size_t nsteps, body;

	memcpy(h, data, size < HEADER ? size : HEADER);
	nsteps = h[3];
	body = HEADER + nsteps * STEP;
	if (size < body)
		return 0;
	setup(h, data + body, size - body);
	start(h[1] & 4);
	for (size_t i = 0; i < nsteps; i++)
		step(data + HEADER + i * STEP);
	/* Complete what is popped, then drain: at most size more chains. */
	while (!run.broken && run.fifo_head != run.fifo_tail)
		push(0, 0, true);
	for (u32 i = 0; i <= VIRTQ_MAX_SIZE && pop(false) == 1; i++)
		push(0, 0, true);
	check(run.broken || pop(false) == 0);
	check(!run.broken || virtq_pop(&run.q, &run.c) == run.broken);
	check_untouched();
	for (u32 i = 0; i < run.nreg; i++) {
		free(run.mem[i]);
		free(run.shadow[i]);
	}
	return 0;
}
