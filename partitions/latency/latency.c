// SPDX-License-Identifier: MIT
/*
 * latency: a cyclictest-style bare-metal guest. One "thread" per CPU (all
 * but CPU 0 started with PSCI CPU_ON) arms the EL1 virtual timer for a
 * fixed interval; the IRQ vector samples CNTVCT_EL0 as its second
 * instruction and the handler records CNTVCT - CNTV_CVAL, the latency from
 * timer expiry to the guest's interrupt entry. The same image boots
 * natively (QEMU -kernel, no hypervisor) and in a partition, so both runs
 * measure the same code.
 *
 * Boot arguments (defaults in brackets): interval=US [1000], loops=N
 * [1000], bucket=TICKS [1] (histogram bucket size), buckets=N [64],
 * threads=N [all CPUs], raw=1 (print every sample), spin=N [0]: N more
 * CPUs (after the threads) just copy memory in a loop, a built-in busy
 * neighbour for comparing native runs with partitioned ones beside the
 * stress partition; progress=N [0]: CPU 0 prints its statistics so far
 * every N loops, and the largest latency since the last such line (a
 * long-running real-time partition shows it is alive; scripts/bench-io
 * compares windows with and without load beside it).
 *
 * Output: cyclictest's "T:" lines (microseconds, plus timer ticks), its
 * --histogram layout (buckets in ticks), one "latency-summary:" line for
 * scripts, then PSCI SYSTEM_OFF.
 *
 * CPU 0 waits for the other threads in WFI, woken by an SGI each sends
 * when it is done, never spinning: under QEMU's -icount a spinning vCPU
 * delays the timer interrupts of the others (docs/design.md), which
 * showed as a longer last sample of thread 1.
 */
#include <stdint.h>

#include <bulkhead/abi.h>
#include <bulkhead/lib.h>

#include "rt.h"

#define MAX_THREADS RT_MAX_CPUS
#define SGI_DONE 1 /* a thread tells CPU 0 it is done */
#define MAX_BUCKETS 1000
#define MAX_RAW 20000

struct thread {
	uint64_t min, max, sum, act, count, overflows;
	uint64_t wmax; /* max since the last progress line */
	uint32_t hist[MAX_BUCKETS];
	uint32_t raw[MAX_RAW];
	volatile bool fired;
	volatile bool done;
};

static struct thread threads[MAX_THREADS];
static uint64_t interval_us, interval, loops, bucket, buckets, nthreads;

void guest_irq(uint32_t intid, uint64_t stamp)
{
	struct thread *t = &threads[rt_cpu() % MAX_THREADS];
	uint64_t lat, b;

	if (intid != RT_PPI_VTIMER)
		return;
	lat = stamp - rt_timer_cval();
	rt_timer_stop();
	if (t->count < MAX_RAW)
		t->raw[t->count] = (uint32_t)lat;
	t->min = lat < t->min ? lat : t->min;
	t->max = lat > t->max ? lat : t->max;
	t->wmax = lat > t->wmax ? lat : t->wmax;
	t->sum += lat;
	t->act = lat;
	t->count++;
	b = lat / bucket;
	if (b < buckets)
		t->hist[b]++;
	else
		t->overflows++;
	t->fired = true;
}

/*
 * This vCPU's exits so far (BH_HC_EXITS; x[1..4] pack two 32-bit counters
 * each, x[4] >> 32 the interrupts), and how many of them were interrupts.
 * Zero natively.
 */
static uint64_t exits(uint64_t *irqs)
{
	uint64_t a[7] = { 0 }, x[8] = { 0 }, sum = 0;

	*irqs = 0;
	if (rt_is_native() || rt_hvc(BH_HC_EXITS, a, x))
		return 0;
	for (int i = 1; i <= 4; i++)
		sum += (x[i] & 0xffffffff) + (x[i] >> 32);
	*irqs = x[4] >> 32;
	return sum;
}

/*
 * Its statistics so far, the worst latency since the last line, and the
 * exits this vCPU took since then (scripts/bench-io: a neighbour's I/O
 * must not add any).
 */
static void progress(struct thread *t)
{
	static uint64_t last_exits, last_irqs;
	uint64_t irqs, all = exits(&irqs);

	printf("progress: %lu samples, ticks min %lu avg %lu max %lu, exits +%lu (irq +%lu), window max %lu\n",
	       t->count, t->min, t->sum / t->count, t->max, all - last_exits,
	       irqs - last_irqs, t->wmax);
	last_exits = all;
	last_irqs = irqs;
	t->wmax = 0;
}

static void run(uint64_t cpu)
{
	struct thread *t = &threads[cpu];
	uint64_t next, every = cpu ? 0 : rt_arg("progress", 0);

	rt_gic_cpu_init();
	rt_irq_config(RT_PPI_VTIMER, 0x80, true);
	rt_irq_config(SGI_DONE, 0x80, true);
	rt_irq_unmask();
	t->min = ~0UL;
	next = rt_counter() + interval;
	for (uint64_t i = 0; i < loops; i++) {
		t->fired = false;
		rt_timer_arm(next);
		/* Check with interrupts masked, then WFI (rt_wfi_unmask): the
		 * interrupt cannot slip in between (taken there, it would leave
		 * WFI waiting for good: the handler stops the timer). The
		 * unmask after the WFI adds one instruction to every sample,
		 * natively and partitioned alike. */
		rt_irq_mask();
		while (!t->fired) {
			rt_wfi_unmask();
			rt_irq_mask();
		}
		rt_irq_unmask();
		next += interval;
		if (every && t->count % every == 0)
			progress(t);
	}
	t->done = true;
}

static void secondary(uint64_t cpu)
{
	run(cpu);
	rt_sgi(0, SGI_DONE);
	for (;;)
		rt_wfi();
}

/* Wait for thread @t without spinning: the check and the WFI with IRQs
 * masked (a pending SGI still wakes WFI), so its SGI cannot slip in
 * between; unmasked after, to take it. */
static void wait_done(const struct thread *t)
{
	rt_irq_mask();
	while (!t->done) {
		rt_wfi_unmask();
		rt_irq_mask();
	}
	rt_irq_unmask();
}

static uint64_t spin_buf[2][16384];

static void spinner(uint64_t cpu)
{
	(void)cpu;
	for (;;)
		memcpy(spin_buf[0], spin_buf[1], sizeof(spin_buf[0]));
}

static uint64_t ns(uint64_t ticks)
{
	return ticks * 1000000000UL / rt_frequency();
}

/* "a.bb" for value / n, two decimals, integers only. */
static void print_ratio(uint64_t value, uint64_t n)
{
	uint64_t x100 = n ? value * 100 / n : 0;

	printf("%lu.%02lu", x100 / 100, x100 % 100);
}

static void print_threads(void)
{
	for (uint64_t i = 0; i < nthreads; i++) {
		struct thread *t = &threads[i];
		uint64_t avg = t->count ? t->sum / t->count : 0;

		printf("T:%2lu (%5lu) P:99 I:%lu C:%7lu Min:%7lu Act:%5lu Avg:%5lu Max:%8lu",
		       i, i, interval_us, t->count, ns(t->min) / 1000,
		       ns(t->act) / 1000, ns(avg) / 1000, ns(t->max) / 1000);
		printf(" Ticks: Min:%5lu Act:%5lu Avg:", t->min, t->act);
		print_ratio(t->sum, t->count);
		printf(" Max:%6lu\n", t->max);
	}
}

static void print_row(const char *label, uint64_t (*get)(const struct thread *))
{
	printf("# %s", label);
	for (uint64_t i = 0; i < nthreads; i++)
		printf(" %05lu", get(&threads[i]));
	printf("\n");
}

static uint64_t get_min(const struct thread *t)
{
	return t->min;
}
static uint64_t get_avg(const struct thread *t)
{
	return t->count ? t->sum / t->count : 0;
}
static uint64_t get_max(const struct thread *t)
{
	return t->max;
}
static uint64_t get_ovf(const struct thread *t)
{
	return t->overflows;
}

/* cyclictest --histogram layout; bucket i = [i * bucket, (i+1) * bucket) ticks.
 */
static void print_histogram(void)
{
	printf("# Histogram (bucket = %lu timer ticks = %lu ns)\n", bucket,
	       ns(bucket));
	for (uint64_t b = 0; b < buckets; b++) {
		printf("%06lu", b);
		for (uint64_t i = 0; i < nthreads; i++)
			printf("%c%06u", i ? '\t' : ' ', threads[i].hist[b]);
		printf("\n");
	}
	printf("# Total:");
	for (uint64_t i = 0; i < nthreads; i++)
		printf(" %09lu", threads[i].count);
	printf("\n");
	print_row("Min Latencies:", get_min);
	print_row("Avg Latencies:", get_avg);
	print_row("Max Latencies:", get_max);
	print_row("Histogram Overflows:", get_ovf);
}

static void print_raw(void)
{
	for (uint64_t i = 0; i < nthreads; i++) {
		uint64_t n = threads[i].count < MAX_RAW ? threads[i].count
							: MAX_RAW;

		for (uint64_t k = 0; k < n; k += 24) {
			printf("raw t=%lu k=%lu:", i, k);
			for (uint64_t j = k; j < n && j < k + 24; j++)
				printf(" %u", threads[i].raw[j]);
			printf("\n");
		}
	}
}

static void print_summary(void)
{
	uint64_t min = ~0UL, max = 0, sum = 0, count = 0;

	for (uint64_t i = 0; i < nthreads; i++) {
		min = threads[i].min < min ? threads[i].min : min;
		max = threads[i].max > max ? threads[i].max : max;
		sum += threads[i].sum;
		count += threads[i].count;
	}
	printf("latency-summary: mode=%s threads=%lu loops=%lu interval_us=%lu freq_hz=%lu samples=%lu min_ticks=%lu avg_ticks=",
	       rt_is_native() ? "native" : "partitioned", nthreads, loops,
	       interval_us, rt_frequency(), count, min);
	print_ratio(sum, count);
	printf(" max_ticks=%lu min_ns=%lu avg_ns=", max, ns(min));
	print_ratio(ns(sum), count);
	printf(" max_ns=%lu\n", ns(max));
}

void guest_main(void)
{
	interval_us = rt_arg("interval", 1000);
	interval = rt_frequency() / 1000000 * interval_us;
	loops = rt_arg("loops", 1000);
	bucket = rt_arg("bucket", 1);
	buckets = rt_arg("buckets", 64);
	nthreads = rt_arg("threads", rt_ncpus());
	bucket = bucket ? bucket : 1;
	buckets = buckets > MAX_BUCKETS ? MAX_BUCKETS : buckets;
	nthreads = nthreads > MAX_THREADS ? MAX_THREADS : nthreads;
	printf("latency: %s, %lu threads, interval %lu us, %lu loops, counter %lu Hz\n",
	       rt_is_native() ? "native" : "partitioned", nthreads, interval_us,
	       loops, rt_frequency());
	rt_gic_init();
	for (uint64_t i = 1; i < nthreads; i++)
		if (rt_cpu_on((unsigned)i, secondary, i))
			printf("FAIL: CPU_ON of cpu %lu\n", i);
	for (uint64_t i = nthreads; i < nthreads + rt_arg("spin", 0); i++)
		rt_cpu_on((unsigned)i, spinner, i);
	run(0);
	for (uint64_t i = 1; i < nthreads; i++)
		wait_done(&threads[i]);
	print_threads();
	print_histogram();
	if (rt_arg("raw", 0))
		print_raw();
	print_summary();
	rt_system_off();
}
