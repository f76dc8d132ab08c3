// SPDX-License-Identifier: MIT
/*
 * hello: proves a partition runs on its own core and memory. It prints who
 * it is (partition, vCPU, virtual MPIDR, the physical CPU Bulkhead pinned
 * it to, boot count), fills a block of its memory with a pattern unique to
 * it, and then ticks: each tick re-checks the pattern, so another
 * partition writing its memory would show as "memory CORRUPT".
 * Boot arguments: ticks=N (0: forever, the default), period=MS (default
 * 500), reset=N (on the first boot, call PSCI SYSTEM_RESET after tick N),
 * stamp=1 (print the physical counter sampled at the image's very first
 * instruction, for scripts/bootcost).
 */
#include <stdint.h>

#include "rt.h"

#define CHECK_WORDS 4096

static uint64_t block[CHECK_WORDS];

static void fill(uint64_t seed)
{
	for (unsigned i = 0; i < CHECK_WORDS; i++)
		block[i] = seed ^ (i * 0x9e3779b97f4a7c15UL);
}

static bool intact(uint64_t seed)
{
	for (unsigned i = 0; i < CHECK_WORDS; i++)
		if (block[i] != (seed ^ (i * 0x9e3779b97f4a7c15UL)))
			return false;
	return true;
}

void guest_main(void)
{
	struct rt_whoami w = { .name = "native" };
	uint64_t ticks = rt_arg("ticks", 0), period = rt_arg("period", 500);
	uint64_t reset = rt_arg("reset", 0);
	uint64_t mpidr, seed;

	if (rt_arg("stamp", 0))
		printf("boot stamp: CNTPCT %lu at the first instruction, CNTFRQ %lu\n",
		       rt_boot_stamp, rt_frequency());
	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	rt_whoami(&w);
	printf("hello from %s: vcpu %u of %u, vMPIDR 0x%lx, physical cpu %u, boot %u\n",
	       w.name, w.vcpu, w.nvcpus, mpidr, w.pcpu, w.boots);
	seed = ((uint64_t)w.partition << 32) | w.pcpu;
	fill(seed);
	printf("memory block at 0x%lx (%u KiB) filled\n", (uint64_t)block,
	       (unsigned)(sizeof(block) >> 10));
	for (uint64_t n = 1; !ticks || n <= ticks; n++) {
		rt_delay_us(period * 1000);
		printf("tick %lu (memory %s)\n", n,
		       intact(seed) ? "ok" : "CORRUPT");
		if (n == reset && w.boots == 1) {
			printf("resetting myself (PSCI SYSTEM_RESET)\n");
			rt_system_reset();
		}
	}
	printf("done after %lu ticks\n", ticks);
	rt_system_off();
}
