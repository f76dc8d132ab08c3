// SPDX-License-Identifier: MIT
/*
 * vqattack: a hostile virtio console frontend. It drives its device's
 * registers as a driver should (VIRTIO 1.2 §3.1), then hands the serving
 * driver partition one malformed transmit queue after another: buffers
 * outside its memory, descriptor loops, lengths that wrap, indices out of
 * range, an available index that jumps, indirect descriptors it never
 * negotiated, rings outside its memory, and descriptors it rewrites after
 * posting them. After each, the device must show DEVICE_NEEDS_RESET
 * (a configuration-change interrupt status with it), and a
 * reset (Status = 0) must bring it back: a well-formed buffer then goes
 * through. One PASS/FAIL line per attack. Its output goes through the
 * console hypercall, not the device it attacks.
 *
 * mode=1 measures instead what a register access costs (scripts/bench-io,
 * under -icount, where a counter tick is an instruction): N QueueSel
 * writes (each one exit, applied by the core) and N reads of the banked
 * QueueNumMax after them (no exit), against the same loops on its RAM.
 */
#include <stdint.h>

#include <bulkhead/abi.h>
#include <bulkhead/lib.h>
#include <bulkhead/vdev_abi.h>

#include "rt.h"
#include "rt_vring.h"

#define QSIZE 8
#define TX 1
#define OUTSIDE 0x7f000000UL /* not its memory: not in the grant */
#define F_NEXT 1
#define F_INDIRECT 4

static struct {
	RT_VRING_DESC(QSIZE);
	RT_VRING_AVAIL(QSIZE);
	RT_VRING_PAD(QSIZE);
	RT_VRING_USED(QSIZE);
	char buf[256];
} q __attribute__((aligned(4096)));

static uint64_t base;
static bool compat;

static void find(void *ctx, const char *path, const char *prop, const void *val,
		 uint32_t len)
{
	(void)ctx;
	(void)path;
	if (!strcmp(prop, "compatible"))
		compat = len >= 11 && !memcmp(val, "virtio,mmio", 11);
	else if (!strcmp(prop, "reg") && compat && !base)
		base = rt_fdt_cells(val, len, 0);
}

static uint32_t rd(uint32_t off)
{
	return mmio_read32(base + off);
}

static void wr(uint32_t off, uint32_t v)
{
	mmio_write32(base + off, v);
}

static void wr64(uint32_t off, uint64_t v)
{
	wr(off, (uint32_t)v);
	wr(off + 4, (uint32_t)(v >> 32));
}

static void barrier(void)
{
	__asm__ volatile("dmb ish" ::: "memory");
}

/* Reset, negotiate VERSION_1 only, set up the transmit queue at @desc. */
static bool setup(uint64_t desc)
{
	wr(VMMIO_STATUS, 0); /* the device first, then its rings (§3.1.1) */
	memset(&q, 0, sizeof(q));
	wr(VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VMMIO_DRIVER_FEATURES_SEL, 1);
	wr(VMMIO_DRIVER_FEATURES, 1U << (VIRTIO_F_VERSION_1 - 32));
	wr(VMMIO_STATUS, rd(VMMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
	if (!(rd(VMMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		return false;
	wr(VMMIO_QUEUE_SEL, TX);
	wr(VMMIO_QUEUE_NUM, QSIZE);
	wr64(VMMIO_QUEUE_DESC_LOW, desc);
	wr64(VMMIO_QUEUE_DRIVER_LOW, (uint64_t)&q.avail);
	wr64(VMMIO_QUEUE_DEVICE_LOW, (uint64_t)&q.used);
	wr(VMMIO_QUEUE_READY, 1);
	wr(VMMIO_STATUS, rd(VMMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	return true;
}

static void post(uint16_t head, uint16_t idx)
{
	q.avail.ring[(idx - 1) % QSIZE] = head;
	barrier();
	q.avail.idx = idx;
	barrier();
	wr(VMMIO_QUEUE_NOTIFY, TX);
}

/* Until @cond holds, or 20 s: what must hold is that the driver
 * partition answers, not how fast on a loaded host (each wait ends as
 * soon as it does; a driver that never answers still fails the run). */
static bool wait_for(bool (*cond)(void))
{
	uint64_t end = rt_counter() + 20 * rt_frequency();

	while (rt_counter() < end)
		if (cond())
			return true;
	return false;
}

static bool needs_reset(void)
{
	return rd(VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET;
}

static bool used_one(void)
{
	return ((volatile uint16_t *)&q.used.idx)[0] == 1;
}

static void check(bool ok, const char *what)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", what);
}

/* The device recovers: a reset, then one good buffer goes through. */
static bool recovers(void)
{
	if (!setup((uint64_t)q.desc))
		return false;
	memcpy(q.buf, "x", 1);
	q.desc[0] = (typeof(q.desc[0])){ (uint64_t)q.buf, 1, 0, 0 };
	post(0, 1);
	return wait_for(used_one) && !needs_reset();
}

static void attack(const char *what, void (*how)(void))
{
	char line[160];
	bool reset;

	setup((uint64_t)q.desc);
	how();
	reset = wait_for(needs_reset);
	fmt_snprintf(line, sizeof(line), "attack %s: NEEDS_RESET%s, recovers",
		     what,
		     rd(VMMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG
			     ? " with a config interrupt"
			     : "");
	check(reset && recovers(), line);
}

static void outside_buffer(void)
{
	q.desc[0] = (typeof(q.desc[0])){ OUTSIDE, 16, 0, 0 };
	post(0, 1);
}

static void loop(void)
{
	q.desc[0] = (typeof(q.desc[0])){ (uint64_t)q.buf, 4, F_NEXT, 1 };
	q.desc[1] = (typeof(q.desc[0])){ (uint64_t)q.buf, 4, F_NEXT, 0 };
	post(0, 1);
}

static void huge_length(void)
{
	q.desc[0] = (typeof(q.desc[0])){ (uint64_t)q.buf, 0xfffff000U, 0, 0 };
	post(0, 1);
}

static void head_out_of_range(void)
{
	post(200, 1);
}

static void next_out_of_range(void)
{
	q.desc[0] = (typeof(q.desc[0])){ (uint64_t)q.buf, 4, F_NEXT, 4000 };
	post(0, 1);
}

static void avail_jump(void)
{
	q.desc[0] = (typeof(q.desc[0])){ (uint64_t)q.buf, 4, 0, 0 };
	post(0, 50);
}

static void indirect_not_negotiated(void)
{
	q.desc[0] = (typeof(q.desc[0])){ (uint64_t)q.buf, 32, F_INDIRECT, 0 };
	post(0, 1);
}

static void ring_outside(void)
{
	setup(OUTSIDE); /* its descriptor table is not its memory */
	wr(VMMIO_QUEUE_NOTIFY, TX);
}

/* Ticks for @n writes of @off (or reads, @write false) at @at. */
static uint64_t loop_ticks(uint64_t at, uint32_t n, bool write)
{
	uint64_t t0 = rt_counter();

	for (uint32_t i = 0; i < n; i++) {
		if (write)
			mmio_write32(at, i & 1);
		else
			(void)mmio_read32(at);
	}
	return rt_counter() - t0;
}

static void bench(void)
{
	static volatile uint32_t ram[2];
	const uint32_t n = 1000;
	uint64_t w = loop_ticks(base + VMMIO_QUEUE_SEL, n, true);
	uint64_t r = loop_ticks(base + VMMIO_QUEUE_NUM_MAX, n, false);
	uint64_t wr0 = loop_ticks((uint64_t)ram, n, true);
	uint64_t rd0 = loop_ticks((uint64_t)ram, n, false);

	printf("sync-access: QueueSel write %lu, QueueNumMax read %lu, RAM write %lu, RAM read %lu ticks per %u\n",
	       w, r, wr0, rd0, n);
	printf("sync-access-summary: write_added=%lu read_added=%lu\n",
	       (w - wr0) / n, r > rd0 ? (r - rd0) / n : 0);
}

void guest_main(void)
{
	rt_fdt_walk(rt_dtb(), find, NULL);
	if (!base || rd(VMMIO_DEVICE_ID) != 3) {
		printf("FAIL no virtio console to attack\n");
		return;
	}
	if (rt_arg("mode", 0) == 1) {
		bench();
		return;
	}
	attack("buffer outside its memory", outside_buffer);
	attack("descriptor loop", loop);
	attack("length that wraps", huge_length);
	attack("head index out of range", head_out_of_range);
	attack("next index out of range", next_out_of_range);
	attack("available index jumps by 50", avail_jump);
	attack("indirect descriptor not negotiated", indirect_not_negotiated);
	attack("rings outside its memory", ring_outside);
	/* Posted, then rewritten to point outside while the driver may be
	 * reading it: served or refused, but never followed. */
	setup((uint64_t)q.desc);
	for (uint16_t n = 1; n <= 200; n++) {
		q.desc[0] = (typeof(q.desc[0])){ (uint64_t)q.buf, 1, 0, 0 };
		post(0, n);
		q.desc[0].addr = OUTSIDE;
		if (needs_reset())
			break;
	}
	check(recovers(),
	      "attack descriptor rewritten after posting: recovers");
	printf("attacks done\n");
}
