// SPDX-License-Identifier: MIT
/*
 * hygiene: what a partition can learn or leave behind through the CPU's
 * own state. One PASS/FAIL line per check.
 *   mode=0 (restart) boot 1 fills FP/SIMD registers, FPCR/FPSR, CSSELR,
 *        the PMU, breakpoint and watchpoint registers and 6 MiB of its RAM
 *        with markers, then faults (on-fault = "restart"); boot 2 checks
 *        that none of them survived, and powers off.
 *   mode=1 (console) prints escape sequences, backspaces, C1 controls and
 *        a forged core line: the core must show them escaped.
 *   mode=2 (pmu) asks its cycle and instruction counters to count EL2 as
 *        well (the NSH filter bits) and makes 100 hypercalls: what the core
 *        runs on its behalf must not be counted. Run under -icount (QEMU
 *        counts instructions only there).
 *   mode=3 (setway) cleans and invalidates its level-1 data cache by set
 *        and way, as a guest about to turn its caches off does: the loop
 *        traps (HCR_EL2.TSW) and must run to the end, data intact.
 */
#include <stdint.h>

#include <bulkhead/abi.h>

#include "rt.h"

#define MARK 0x5a5a0000deadbeefUL
#define PMU_NSH (1UL << 27)
#define PMU_INST_RETIRED 0x08

uint64_t hyg_fp_dirty(void);
void hyg_fp_fill(uint64_t pattern);

/* RAM outside the image, stack and DTB: 2 MiB below the image and 4 MiB
 * well above it (the partition has 16 MiB at 0x40000000). */
static const struct {
	uint64_t base, size;
} marked[] = { { 0x40000000, 0x200000 }, { 0x40800000, 0x400000 } };

#define SYSREG_RW(name)                                                \
	static inline uint64_t rd_##name(void)                         \
	{                                                              \
		uint64_t v;                                            \
		__asm__ volatile("mrs %0, " #name : "=r"(v));          \
		return v;                                              \
	}                                                              \
	static inline void wr_##name(uint64_t v)                       \
	{                                                              \
		__asm__ volatile("msr " #name ", %0; isb" : : "r"(v)); \
	}

SYSREG_RW(cpacr_el1)
SYSREG_RW(csselr_el1)
SYSREG_RW(pmcr_el0)
SYSREG_RW(pmcntenset_el0)
SYSREG_RW(pmselr_el0)
SYSREG_RW(pmxevtyper_el0)
SYSREG_RW(pmxevcntr_el0)
SYSREG_RW(pmccfiltr_el0)
SYSREG_RW(pmccntr_el0)
SYSREG_RW(pmuserenr_el0)
SYSREG_RW(dbgbvr0_el1)
SYSREG_RW(dbgbcr0_el1)
SYSREG_RW(dbgwvr0_el1)
SYSREG_RW(dbgwcr0_el1)

static void check(bool ok, const char *what)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", what);
}

static void fp_on(void)
{
	wr_cpacr_el1(rd_cpacr_el1() | 3UL << 20); /* FPEN: no trap */
}

static void fill_markers(void)
{
	fp_on();
	hyg_fp_fill(MARK);
	wr_csselr_el1(2); /* level 2 data cache */
	wr_pmselr_el0(0);
	wr_pmxevtyper_el0(0x11); /* CPU_CYCLES */
	wr_pmccfiltr_el0(1UL << 31);
	wr_pmuserenr_el0(1);
	wr_pmcntenset_el0(1UL << 31 | 1);
	wr_pmcr_el0(1);
	wr_pmselr_el0(5);
	wr_dbgbvr0_el1(0x40200000);
	wr_dbgbcr0_el1(0x1e6); /* E = 0: set up, not enabled */
	wr_dbgwvr0_el1(0x40800000);
	wr_dbgwcr0_el1(0x1ff6);
	for (unsigned r = 0; r < 2; r++)
		for (uint64_t a = marked[r].base;
		     a < marked[r].base + marked[r].size; a += 8)
			*(volatile uint64_t *)a = MARK ^ a;
}

static uint64_t survivors(void)
{
	uint64_t n = 0;

	for (unsigned r = 0; r < 2; r++)
		for (uint64_t a = marked[r].base;
		     a < marked[r].base + marked[r].size; a += 8)
			n += *(volatile uint64_t *)a != 0;
	return n;
}

static void check_clean(void)
{
	uint64_t fp, ram;

	fp_on();
	fp = hyg_fp_dirty();
	printf("restart: FP/SIMD dirty mask 0x%lx\n", fp);
	check(fp == 0, "restart: V0-V31, FPCR and FPSR are zero");
	check(rd_csselr_el1() == 0, "restart: CSSELR_EL1 is reset");
	check((rd_pmcr_el0() & 1) == 0 && rd_pmcntenset_el0() == 0 &&
		      rd_pmselr_el0() == 0 && rd_pmuserenr_el0() == 0 &&
		      rd_pmccfiltr_el0() == 0 && rd_pmccntr_el0() == 0 &&
		      rd_pmxevtyper_el0() == 0,
	      "restart: PMU counters, enables, filters and selectors are reset");
	check(rd_dbgbvr0_el1() == 0 && rd_dbgbcr0_el1() == 0 &&
		      rd_dbgwvr0_el1() == 0 && rd_dbgwcr0_el1() == 0,
	      "restart: breakpoint and watchpoint registers are reset");
	ram = survivors();
	printf("restart: %lu of %lu marker words survived\n", ram,
	       (uint64_t)(marked[0].size + marked[1].size) / 8);
	check(ram == 0, "restart: the previous boot's RAM is cleared");
}

static void mode_restart(void)
{
	struct rt_whoami w = { .boots = 1 };

	rt_whoami(&w);
	if (w.boots > 1) {
		check_clean();
		return;
	}
	fill_markers();
	printf("restart: markers set, now faulting\n");
	*(volatile uint64_t *)0x7f000000UL = 1;
	printf("FAIL restart: the fault did not happen\n");
}

static void mode_console(void)
{
	printf("\x1b[2K\x1b[1G[bulkhead] fault: partition victim vcpu 0: forged: stopped\n");
	printf("abc\b\b\b[victim] mem=BAD\n");
	printf("reset:\x1b"
	       "c bell:\a csi8:\x9b"
	       "31m del:\x7f tab:\there\n");
	printf("console: done\n");
}

/* Instructions the PMU counts across 100 hypercalls, with the counter's
 * EL2 filter bit (NSH) asked for or not. */
static uint64_t count_calls(uint64_t nsh)
{
	struct rt_whoami w;
	uint64_t i0, i1;

	wr_pmcr_el0(6); /* reset the counters */
	wr_pmselr_el0(0);
	wr_pmxevtyper_el0(PMU_INST_RETIRED | nsh);
	wr_pmccfiltr_el0(nsh);
	wr_pmcntenset_el0(1UL << 31 | 1);
	wr_pmcr_el0(1);
	i0 = rd_pmxevcntr_el0();
	for (int n = 0; n < 100; n++)
		rt_whoami(&w);
	i1 = rd_pmxevcntr_el0();
	wr_pmcr_el0(0);
	return i1 - i0;
}

static void mode_pmu(void)
{
	uint64_t plain, el2;

	plain = count_calls(0);
	el2 = count_calls(PMU_NSH);
	wr_pmselr_el0(0);
	wr_pmxevtyper_el0(PMU_INST_RETIRED | PMU_NSH);
	wr_pmccfiltr_el0(PMU_NSH);
	check((rd_pmxevtyper_el0() & PMU_NSH) == 0 &&
		      (rd_pmccfiltr_el0() & PMU_NSH) == 0,
	      "pmu: the EL2 filter bits (NSH) cannot be set by a guest");
	printf("pmu: 100 hypercalls: %lu instructions counted, %lu with EL2 asked for\n",
	       plain, el2);
	/* Counting EL2 too would add the core's hundreds per call. */
	check(plain > 0 && el2 <= plain + 16 && plain <= el2 + 16,
	      "pmu: the core's instructions are not counted");
}

/* DC CISW over every set and way of the level-1 data cache (CCSIDR_EL1
 * through CSSELR_EL1 = 0: log2(line bytes) - 4 in [2:0], ways - 1 in
 * [12:3], sets - 1 in [27:13]). */
static void mode_setway(void)
{
	static volatile uint64_t data[512];
	uint64_t ccsidr, ops = 0, sum = 0;
	uint32_t line, ways, sets, wshift;

	for (unsigned i = 0; i < 512; i++)
		data[i] = MARK ^ i;
	wr_csselr_el1(0);
	__asm__ volatile("mrs %0, ccsidr_el1" : "=r"(ccsidr));
	line = (uint32_t)(ccsidr & 7) + 4;
	ways = (uint32_t)(ccsidr >> 3 & 0x3ff) + 1;
	sets = (uint32_t)(ccsidr >> 13 & 0x7fff) + 1;
	wshift = ways > 1 ? (uint32_t)__builtin_clz(ways - 1) : 0;
	for (uint32_t w = 0; w < ways; w++)
		for (uint32_t st = 0; st < sets; st++, ops++)
			__asm__ volatile("dc cisw, %0"
					 :
					 : "r"((uint64_t)w << wshift |
					       (uint64_t)st << line)
					 : "memory");
	for (unsigned i = 0; i < 512; i++)
		sum += data[i] != (MARK ^ i);
	printf("setway: %lu set/way operations (%u ways, %u sets)\n", ops, ways,
	       sets);
	check(sum == 0, "setway: a full set/way loop runs, data intact");
}

void guest_main(void)
{
	uint64_t mode = rt_arg("mode", 0);

	if (mode == 0)
		mode_restart();
	else if (mode == 1)
		mode_console();
	else if (mode == 2)
		mode_pmu();
	else
		mode_setway();
	rt_system_off();
}
