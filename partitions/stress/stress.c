// SPDX-License-Identifier: MIT
/*
 * stress: a noisy neighbour. On every CPU it is given (vCPU 0 starts the
 * others) it copies 256 KiB blocks around its memory, sends itself SGIs and
 * reads the distributor (a trapped access: an exit each time), forever.
 * Every `report` rounds (boot argument, default 200) CPU 0 prints a line.
 */
#include <stdint.h>

#include <bulkhead/gic_regs.h>
#include <bulkhead/lib.h>

#include "rt.h"

#define BLOCK (256 * 1024)
#define MAX_CPUS 4
#define SGI_SELF 3

static uint8_t buffers[MAX_CPUS][2][BLOCK] __attribute__((aligned(64)));
static volatile uint64_t sgis[RT_MAX_CPUS];
static volatile uint64_t sink;

void guest_irq(uint32_t intid, uint64_t stamp)
{
	(void)stamp;
	if (intid == SGI_SELF)
		sgis[rt_cpu() % RT_MAX_CPUS]++;
}

static void hammer(uint64_t cpu)
{
	uint64_t report = rt_arg("report", 200);

	rt_gic_cpu_init();
	rt_irq_config(SGI_SELF, 0x80, true);
	rt_irq_unmask();
	for (uint64_t round = 1;; round++) {
		memcpy(buffers[cpu][round & 1], buffers[cpu][!(round & 1)],
		       BLOCK);
		rt_sgi((unsigned)cpu, SGI_SELF);
		sink = mmio_read32(0x08000000UL + GICD_TYPER);
		if (cpu == 0 && report && round % report == 0)
			printf("stress: %lu rounds, %lu SGIs on cpu 0\n", round,
			       sgis[0]);
	}
}

static void secondary(uint64_t cpu)
{
	hammer(cpu);
}

void guest_main(void)
{
	unsigned n = rt_ncpus();

	printf("stress: %u CPUs copying 256 KiB blocks, SGIs and GICD reads\n",
	       n);
	rt_gic_init();
	for (unsigned i = 1; i < n && i < MAX_CPUS; i++)
		rt_cpu_on(i, secondary, i);
	hammer(0);
}
