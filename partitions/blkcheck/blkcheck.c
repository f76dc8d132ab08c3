// SPDX-License-Identifier: MIT
/*
 * blkcheck: a well-behaved virtio-blk frontend that watches its slice.
 * On its first virtio-blk device it
 *  (a) reads the whole slice and prints its checksum (FNV-1a 64); with
 *      fresh=1 (a disk made from zeroes for this run) it must be all
 *      zeros: nothing reached it before its own first write,
 *  (b) writes a pattern of its own (partition, boot) over the slice,
 *      reads it back and compares,
 *  (c) reads and writes past the slice's end (the first sector after it,
 *      two sectors across it, sectors whose byte offset wraps), each of
 *      which must fail with IOERR and change nothing,
 *  (d) asks GET_ID (must be "bulkhead-<its name>") and FLUSH,
 * then every `period` ms (default 1000; it sleeps in WFI meanwhile)
 * reads the slice again and says whether its checksum is still the one
 * of its own last write, `checks` times (0, the default: forever). A
 * neighbour that reaches its slice shows as "FAIL slice changed". Tagged
 * PASS/FAIL lines throughout. A request that gets no answer (a dead
 * driver partition) fails after RT_BLK_WAIT_MS; the steps after a failed
 * one are skipped, the checks go on.
 */
#include <stdint.h>

#include <bulkhead/lib.h>

#include "rt.h"

#define CHUNK_SECTORS 128 /* 64 KiB per request */
#define FNV_OFFSET 0xcbf29ce484222325UL
#define FNV_PRIME 0x100000001b3UL

static uint8_t chunk[CHUNK_SECTORS * RT_BLK_SECTOR]
	__attribute__((aligned(64)));
static struct rt_blk blk;
static uint64_t seed;
static volatile bool woke;
static bool slice_zero; /* slice_sum() read nothing but zeros */

/* What a request's result means (a status byte, or RT_BLK_E_*). */
static const char *result(int st)
{
	switch (st) {
	case RT_BLK_S_OK:
		return "OK";
	case RT_BLK_S_IOERR:
		return "IOERR";
	case RT_BLK_S_UNSUPP:
		return "UNSUPP";
	case RT_BLK_E_TIMEOUT:
		return "no answer in time";
	case RT_BLK_E_RESET:
		return "device needs a reset";
	default:
		return "bad status";
	}
}

static void check(bool ok, const char *what, int st)
{
	if (ok)
		printf("PASS %s\n", what);
	else
		printf("FAIL %s (%s, %d)\n", what, result(st), st);
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * FNV_PRIME;
	return h;
}

/* The pattern's word @i of sector @s. */
static uint64_t word(uint64_t s, uint64_t i)
{
	return seed ^ ((s * 64 + i) * 0x9e3779b97f4a7c15UL);
}

static void fill(uint64_t first, uint32_t n)
{
	uint64_t *w = (uint64_t *)chunk;

	for (uint32_t s = 0; s < n; s++)
		for (uint64_t i = 0; i < 64; i++)
			w[s * 64 + i] = word(first + s, i);
}

static uint32_t chunk_at(uint64_t s)
{
	return (uint32_t)MIN((uint64_t)CHUNK_SECTORS, blk.capacity - s);
}

/* The slice's checksum; false (and *status) if a read failed. */
static bool slice_sum(uint64_t *sum, int *status)
{
	uint64_t h = FNV_OFFSET;

	slice_zero = true;
	for (uint64_t s = 0; s < blk.capacity; s += CHUNK_SECTORS) {
		uint32_t n = chunk_at(s);

		*status = rt_blk_read(&blk, s, chunk, n);
		if (*status != RT_BLK_S_OK)
			return false;
		h = fnv(h, chunk, n * RT_BLK_SECTOR);
		for (uint32_t i = 0; i < n * RT_BLK_SECTOR; i++)
			slice_zero &= chunk[i] == 0;
	}
	*sum = h;
	return true;
}

/* (b): write the pattern everywhere, read it back; its checksum. */
static bool write_pattern(uint64_t *sum)
{
	uint64_t h = FNV_OFFSET;
	int st = 0;

	for (uint64_t s = 0; s < blk.capacity && st == RT_BLK_S_OK;
	     s += CHUNK_SECTORS) {
		fill(s, chunk_at(s));
		st = rt_blk_write(&blk, s, chunk, chunk_at(s));
	}
	check(st == RT_BLK_S_OK, "pattern written over the slice", st);
	if (st != RT_BLK_S_OK)
		return false;
	for (uint64_t s = 0; s < blk.capacity && st == RT_BLK_S_OK;
	     s += CHUNK_SECTORS) {
		const uint64_t *w = (const uint64_t *)chunk;
		uint32_t n = chunk_at(s);

		st = rt_blk_read(&blk, s, chunk, n);
		for (uint32_t i = 0; st == RT_BLK_S_OK && i < n * 64; i++)
			if (w[i] != word(s + i / 64, i % 64)) {
				printf("FAIL pattern read back: sector %lu word %u is 0x%lx\n",
				       s + i / 64, i % 64, w[i]);
				return false;
			}
		h = fnv(h, chunk, n * RT_BLK_SECTOR);
	}
	check(st == RT_BLK_S_OK, "pattern read back", st);
	*sum = h;
	return st == RT_BLK_S_OK;
}

/* (c): every request past the end fails with IOERR. */
static void past_end(void)
{
	static const struct {
		const char *what;
		uint64_t off; /* from the end */
		uint32_t n;
	} cases[] = {
		{ "the sector after the slice", 0, 1 },
		{ "two sectors across the end", 1, 2 },
		{ "sector 2^55 (its byte offset wraps to 0)", 0, 1 },
		{ "sector 2^64 - 1", 0, 1 },
	};
	char what[96];

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t s = blk.capacity - cases[i].off;
		int r, w;

		if (i == 2)
			s = 1UL << 55;
		if (i == 3)
			s = ~0UL;
		r = rt_blk_read(&blk, s, chunk, cases[i].n);
		fill(s, cases[i].n);
		w = rt_blk_write(&blk, s, chunk, cases[i].n);
		fmt_snprintf(what, sizeof(what), "read and write of %s: IOERR",
			     cases[i].what);
		check(r == RT_BLK_S_IOERR && w == RT_BLK_S_IOERR, what,
		      r == RT_BLK_S_IOERR ? w : r);
	}
}

static void id_and_flush(const char *name)
{
	char id[RT_BLK_ID_BYTES + 1], want[RT_BLK_ID_BYTES + 1] = "bulkhead-";
	int st = rt_blk_get_id(&blk, id);

	memcpy(want + 9, name, MIN(strlen(name), (size_t)RT_BLK_ID_BYTES - 9));
	check(st == RT_BLK_S_OK && !strcmp(id, want), "GET_ID", st);
	if (st == RT_BLK_S_OK && strcmp(id, want))
		printf("GET_ID said \"%s\", not \"%s\"\n", id, want);
	st = rt_blk_flush(&blk);
	check(st == RT_BLK_S_OK, "FLUSH", st);
}

void guest_irq(uint32_t intid, uint64_t stamp)
{
	(void)stamp;
	if (intid == RT_PPI_VTIMER) {
		rt_timer_stop();
		woke = true;
	}
}

/* Sleep @ms in WFI until the virtual timer fires: its CPU idles, which
 * leaves the host's CPUs to the neighbours under QEMU. */
static void sleep_ms(uint64_t ms)
{
	woke = false;
	rt_timer_arm(rt_counter() + ms * rt_frequency() / 1000);
	for (;;) {
		rt_irq_mask();
		if (woke)
			break;
		rt_wfi_unmask();
	}
	rt_irq_unmask();
}

/* (d): the slice, read again every @period ms. */
static void watch(uint64_t written, uint64_t period, uint64_t checks)
{
	for (uint64_t n = 1; !checks || n <= checks; n++) {
		uint64_t sum = 0;
		int st = 0;

		sleep_ms(period);
		if (!slice_sum(&sum, &st))
			printf("FAIL check %lu: reading the slice: %s (%d)\n",
			       n, result(st), st);
		else if (sum != written)
			printf("FAIL check %lu: slice changed (fnv1a 0x%016lx, wrote 0x%016lx)\n",
			       n, sum, written);
		else
			printf("check %lu: slice unchanged\n", n);
	}
}

void guest_main(void)
{
	struct rt_whoami w = { .name = "native", .boots = 1 };
	uint64_t sum = 0, written = 0, t0;
	bool ok;
	int st = 0;

	rt_whoami(&w);
	rt_gic_init();
	rt_gic_cpu_init();
	rt_irq_config(RT_PPI_VTIMER, 0x80, true);
	if (!rt_blk_init(&blk, 0)) {
		printf("FAIL no virtio-blk device\n");
		return;
	}
	seed = ((uint64_t)w.partition << 48) ^ ((uint64_t)w.boots << 32) ^
	       0x626c6b636865636bUL;
	printf("blkcheck (boot %u): %lu sectors (%lu KiB), flush %s%s\n",
	       w.boots, blk.capacity, blk.capacity / 2,
	       blk.flush ? "on" : "off", blk.read_only ? ", read-only" : "");
	t0 = rt_counter();
	ok = slice_sum(&sum, &st);
	if (ok)
		printf("slice read: fnv1a 0x%016lx in %lu ms\n", sum,
		       (rt_counter() - t0) * 1000 / rt_frequency());
	check(ok, "whole slice read", st);
	if (ok && rt_arg("fresh", 0))
		check(slice_zero, "slice all zeros before its first write", st);
	written = sum;
	if (ok && !blk.read_only)
		ok = write_pattern(&written);
	if (ok) { /* else straight to the checks: they say what goes on */
		past_end();
		id_and_flush(w.name);
		ok = slice_sum(&sum, &st);
		check(ok && sum == written, "slice as written after the checks",
		      st);
	}
	watch(written, rt_arg("period", 1000), rt_arg("checks", 0));
	rt_system_off();
}
