/* SPDX-License-Identifier: MIT */
/*
 * A fake virtio frontend for the virtqueue tests (test_virtq*.c): it
 * writes rings and descriptors into a grant of two regions, each an
 * exactly-sized malloc'd block so that ASan catches any access outside the
 * grant; the regions are adjacent in guest address space, so a buffer can
 * try to straddle them. It also supplies the barriers, with a hook that
 * lets a test act as the frontend right after a chosen virtq_rmb().
 */
#pragma once

#include "virtq.h"

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

/* After the rmb_countdown-th virtq_rmb() from now, rmb_hook() runs. */
extern void (*rmb_hook)(void);
extern u32 rmb_countdown;

/** A frontend with a queue of @n at G0 (not started). */
struct fe *fe_new(u32 n, bool event_idx, bool indirect);
/** fe_new(), then virtq_init() must succeed. */
struct fe *fe_up(u32 n, bool event_idx, bool indirect);
void fe_free(struct fe *f);

/** The test's pointer to guest address @g (which must be in the grant). */
u8 *fe_loc(struct fe *f, u64 g);
void fe_w16(struct fe *f, u64 g, u16 v);
u16 fe_r16(struct fe *f, u64 g);
u32 fe_r32(struct fe *f, u64 g);
/** Write descriptor @i of the table at guest address @table. */
void fe_set_desc(struct fe *f, u64 table, u32 i, u64 addr, u32 len, u16 flags,
		 u16 next);
/** Guest address of test buffer @k (BUF bytes each). */
u64 fe_buf(struct fe *f, u32 k);
/** Make chain @head available (§2.7.13). */
void fe_publish(struct fe *f, u16 head);
/** The same as Linux does it, with barriers; true if it would kick. */
bool fe_publish_kick(struct fe *f, u16 head);
void fe_set_used_event(struct fe *f, u16 v);
u16 fe_avail_event(struct fe *f);

/** virtq_pop() into f->c. */
int fe_pop(struct fe *f);
/** Segment @i of f->c is [@addr, @addr + @len), writable or not. */
void fe_check_seg(struct fe *f, u32 i, u64 addr, u32 len, bool w);
/** The queue failed with @code at @index, @value, and stays broken. */
void fe_check_broken(struct fe *f, int code, u32 index, u64 value);
/** The next pop fails so. */
void fe_expect_pop(struct fe *f, int code, u32 index, u64 value);
