// SPDX-License-Identifier: MIT
/*
 * gictest: interrupt and SMP checks, one PASS/FAIL line per check.
 *   mode=0 (smp)    (2+ vCPUs) vCPU 1 started with PSCI CPU_ON; both take
 *                virtual-timer interrupts and play SGI ping-pong; PSCI
 *                error cases; more pending SGIs than list registers, taken
 *                in priority order (SGIs 8 to 8 + sgis - 1, sgis=N [8]: a
 *                partition in direct interrupt mode has SGIs 0-14, SGI 15
 *                is the core's there); then SYSTEM_OFF.
 *   mode=1 (attack) tries to reach interrupts and CPUs outside its partition
 *                (another partition's SPI through GICD, SGIs to vCPUs it
 *                does not have, its redistributor's LPI registers) and
 *                checks its own SPI works; with direct=1 (a partition in
 *                direct interrupt mode) also the core's: its doorbell SGI
 *                15 and maintenance PPI 25 through its own redistributor
 *                frame, its SGIs' group, group 0 SGIs, deactivating the
 *                victim's SPI; finally touches a redistributor frame it
 *                does not have, which must stop it.
 *   mode=2 (victim) owns an SPI (spi=INTID), ticks with its timer and counts
 *                every interrupt that is neither its timer nor expected.
 *   mode=3 (hold attacker, 2 vCPUs) routes its own SPI to its vCPU 1,
 *                which stays off, and pends and re-enables it forever: the
 *                core holds it for the off vCPU and lets it go, again and
 *                again.
 *   mode=4 (hold victim, 2 vCPUs) for seconds=N: routes its own SPI to
 *                its off vCPU 1 and pends it (the core holds it), enables
 *                it again (the hold ends, it is taken and held again) 5
 *                times, then starts vCPU 1, which must take it; counts
 *                the times it was lost or its enable bit read disabled.
 *                Run beside mode 3 with SPIs in one 32-bit GICD word,
 *                without -icount.
 *   mode=5 (stuck, 2 vCPUs, direct interrupt mode) vCPU 1 masks DAIF and
 *                spins in a branch to itself; with block=1 it first sets
 *                PMR 0 and claims priority 0x00 active in ICC_AP1R0_EL1,
 *                so that not even the core's group 0 doorbell can preempt
 *                it. Then vCPU 0 writes outside its memory: the fault
 *                policy (restart) must stop vCPU 1 all the same. In the
 *                next boot CPU_ON of vCPU 1 must work (it was stopped);
 *                vCPU 1 says hello and vCPU 0 powers off.
 *   mode=6 (resets=N, 2 vCPUs) every boot both vCPUs take 3 timer ticks;
 *                then vCPU 1 leaves its CPU interface as dirty as it can
 *                (inside the handler of an SGI it never ends: PMR 0x10,
 *                EOImode 1, BPR1 7) and waits in WFI with DAIF masked,
 *                and vCPU 0 resets the partition (PSCI SYSTEM_RESET), N
 *                times in a row. The next boot's timers must tick all the
 *                same: nothing of the last boot may stay active or masked.
 *   mode=7 (icc)    the CPU interface registers common to both groups, as
 *                a guest uses them: PMR masking (0x80, 0xff, 0: even the
 *                timer), EOImode 1 with ICC_DIR_EL1 (an interrupt stays
 *                active until deactivated), RPR inside and outside a
 *                handler. The same in both interrupt modes (in direct
 *                mode they trap, and the core applies them).
 */
#include <stdint.h>

#include <bulkhead/abi.h>
#include <bulkhead/gic_regs.h>

#include "rt.h"

#define GICD 0x08000000UL
#define GICR1 (0x080a0000UL + 0x20000UL) /* vCPU 1's redistributor frame */
#define SGI_PING 1
#define SGI_PONG 2
#define SGI_OFF 3 /* vCPU 1: turn yourself off */
#define TICKS 20

static volatile uint32_t ticks[RT_MAX_CPUS];
static volatile uint32_t pings, pongs, spi_seen, foreign;
static volatile uint32_t order[16], norder;
static uint64_t period;
static uint32_t own_spi;

static void check(bool ok, const char *what)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", what);
}

#define SGI_DIRTY 5 /* mode 6: taken and never ended */

static volatile uint32_t dirty;

/* Leave this CPU interface dirty and stop here (mode 6). */
static void stay_dirty(void)
{
	uint64_t ctlr;

	__asm__ volatile("msr S3_0_C4_C6_0, %0" : : "r"(0x10UL)); /* PMR */
	__asm__ volatile("mrs %0, S3_0_C12_C12_4" : "=r"(ctlr));
	__asm__ volatile("msr S3_0_C12_C12_4, %0" : : "r"(ctlr | 2));
	__asm__ volatile("msr S3_0_C12_C12_3, %0" : : "r"(7UL)); /* BPR1 */
	dirty = 1;
	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	for (;;)
		rt_wfi();
}

static volatile uint32_t seen[16], rpr_in;

static uint64_t icc_read(int which);

void guest_irq(uint32_t intid, uint64_t stamp)
{
	unsigned cpu = rt_cpu();

	(void)stamp;
	if (intid < 16)
		seen[intid]++;
	if (intid == 10)
		rpr_in = (uint32_t)icc_read(2);
	if (intid == SGI_DIRTY)
		stay_dirty();
	if (intid == RT_PPI_VTIMER) {
		ticks[cpu]++;
		rt_timer_arm(rt_timer_cval() + period);
	} else if (intid == SGI_PING) {
		pings++;
		rt_sgi(0, SGI_PONG);
	} else if (intid == SGI_PONG) {
		pongs++;
	} else if (intid == SGI_OFF) {
		rt_cpu_off();
	} else if (intid >= 8 && intid < 16) {
		order[norder++ % 16] = intid;
	} else if (own_spi && intid == own_spi) {
		spi_seen++;
	} else {
		foreign++;
	}
}

static void cpu_setup(void)
{
	rt_gic_cpu_init();
	rt_irq_config(RT_PPI_VTIMER, 0x80, true);
	rt_irq_config(SGI_PING, 0x80, true);
	rt_irq_config(SGI_PONG, 0x80, true);
	rt_irq_config(SGI_OFF, 0x80, true);
	rt_timer_arm(rt_counter() + period);
	rt_irq_unmask();
}

static void wait_ticks(unsigned n)
{
	while (ticks[rt_cpu()] < n)
		rt_wfi();
}

/* vCPU 1 first suspends itself both ways: each returns SUCCESS at once
 * and it carries on. */
static void secondary(uint64_t arg)
{
	extern char rt_secondary_entry[];

	(void)arg;
	check(rt_psci(PSCI_CPU_SUSPEND_64, 0, 0, 0) == 0,
	      "psci: CPU_SUSPEND to standby returns SUCCESS");
	check(rt_psci(PSCI_CPU_SUSPEND_64, 1U << 16,
		      (uint64_t)rt_secondary_entry, 0) == 0,
	      "psci: CPU_SUSPEND to powerdown returns SUCCESS, context kept");
	cpu_setup();
	wait_ticks(TICKS);
	rt_timer_stop();
	for (;;)
		rt_wfi(); /* answers pings from its interrupt handler */
}

static void psci_errors(void)
{
	extern char rt_secondary_entry[];

	check(rt_psci(PSCI_CPU_ON_64, 1, (uint64_t)rt_secondary_entry, 0) ==
		      PSCI_ALREADY_ON,
	      "psci: CPU_ON of a running vCPU returns ALREADY_ON");
	check(rt_psci(PSCI_CPU_ON_64, 7, (uint64_t)rt_secondary_entry, 0) ==
		      PSCI_INVALID_PARAMETERS,
	      "psci: CPU_ON of a vCPU the partition lacks returns INVALID_PARAMETERS");
	check(rt_psci(PSCI_CPU_ON_64, 1, 0x7f000000, 0) == PSCI_INVALID_ADDRESS,
	      "psci: CPU_ON outside the partition's memory returns INVALID_ADDRESS");
	check(rt_psci(PSCI_AFFINITY_INFO_64, 1, 0, 0) == 0,
	      "psci: AFFINITY_INFO says vCPU 1 is on");
	check(rt_psci(PSCI_FEATURES, PSCI_CPU_SUSPEND_64, 0, 0) == 0 &&
		      rt_psci(PSCI_FEATURES, PSCI_SYSTEM_SUSPEND_64, 0, 0) ==
			      PSCI_NOT_SUPPORTED,
	      "psci: FEATURES knows CPU_SUSPEND, not SYSTEM_SUSPEND");
	check(rt_psci(PSCI_CPU_SUSPEND_64, 1U << 16, 0x7f000000, 0) ==
			      PSCI_INVALID_ADDRESS &&
		      rt_psci(PSCI_CPU_SUSPEND_64, 1U << 31, 0, 0) ==
			      PSCI_INVALID_PARAMETERS,
	      "psci: CPU_SUSPEND checks its entry point and power state");
}

/* Eight SGIs pending at once (4 list registers): all arrive, by priority
 * (seven in direct mode, where there are no list registers). */
static void overflow(void)
{
	uint32_t n = (uint32_t)rt_arg("sgis", 8), last = 8 + n - 1;
	bool sorted = true;

	rt_irq_mask();
	for (uint32_t s = 8; s <= last; s++)
		rt_irq_config(s, (uint8_t)(0xf0 - s * 8), true);
	for (uint32_t s = 8; s <= last; s++)
		rt_sgi(0, s);
	rt_irq_unmask();
	for (int i = 0; i < 1000 && norder < n; i++)
		rt_delay_us(10);
	for (uint32_t i = 0; i < norder; i++)
		sorted &= order[i] == last - i;
	printf("sgi order:");
	for (uint32_t i = 0; i < norder; i++)
		printf(" %u", order[i]);
	printf("\n");
	check(norder == n && sorted,
	      n == 8 ? "vgic: 8 pending SGIs through 4 list registers, highest priority first"
		     : "vgic: pending SGIs arrive highest priority first");
}

/* vCPU 1's redistributor frame, before vCPU 1 has ever run. */
static void sibling_frame(void)
{
	uint64_t typer = mmio_read64(GICR1 + GICR_TYPER);
	uint64_t sgi = GICR1 + GICR_SGI_BASE;
	bool prio, on, off;

	mmio_write8(sgi + GICD_IPRIORITYR + 3, 0x40);
	prio = mmio_read8(sgi + GICD_IPRIORITYR + 3) == 0x40;
	mmio_write32(sgi + GICD_ISENABLER, 1U << RT_PPI_VTIMER);
	on = mmio_read32(sgi + GICD_ISENABLER) & (1U << RT_PPI_VTIMER);
	mmio_write32(sgi + GICD_ICENABLER, 1U << RT_PPI_VTIMER);
	off = !(mmio_read32(sgi + GICD_ISENABLER) & (1U << RT_PPI_VTIMER));
	check(typer >> 32 == 1 && (typer & GICR_TYPER_LAST) && prio && on &&
		      off,
	      "vgic: vCPU 1's redistributor frame works before vCPU 1 starts");
}

/* Reads back GICD_ISENABLER of @intid. */
static uint32_t enabled(uint32_t intid)
{
	return mmio_read32(GICD + GICD_ISENABLER + intid / 32 * 4) &
	       (1U << (intid % 32));
}

/*
 * An SPI routed to a vCPU that is off waits, pending and (to the guest)
 * enabled, and arrives once routed to a vCPU that is on: as a real GIC
 * holds an interrupt for a sleeping PE.
 */
static void spi_for_an_off_vcpu(void)
{
	uint64_t route = GICD + GICD_IROUTER + 8UL * own_spi;

	rt_sgi(1, SGI_OFF);
	for (int i = 0;
	     i < 1000 && rt_psci(PSCI_AFFINITY_INFO_64, 1, 0, 0) != 1; i++)
		rt_delay_us(10);
	rt_irq_config(own_spi, 0x80, true);
	mmio_write64(route, 1);
	mmio_write32(GICD + GICD_ISPENDR + own_spi / 32 * 4,
		     1U << (own_spi % 32));
	rt_delay_us(2000);
	check(spi_seen == 0 && enabled(own_spi),
	      "vgic: an SPI for an off vCPU waits, still enabled");
	mmio_write64(route, 0);
	for (int i = 0; i < 1000 && !spi_seen; i++)
		rt_delay_us(10);
	check(spi_seen == 1, "vgic: routed to a running vCPU, it arrives");
}

static void mode_smp(void)
{
	rt_gic_init();
	cpu_setup();
	sibling_frame();
	check(rt_cpu_on(1, secondary, 0) == 0, "psci: CPU_ON starts vCPU 1");
	wait_ticks(TICKS);
	rt_timer_stop();
	while (ticks[1] < TICKS)
		rt_delay_us(100);
	printf("timer ticks: cpu0 %u, cpu1 %u\n", ticks[0], ticks[1]);
	check(ticks[0] >= TICKS && ticks[1] >= TICKS,
	      "timer: both vCPUs take virtual timer interrupts");
	for (uint32_t i = 1; i <= 10; i++) {
		rt_sgi(1, SGI_PING);
		for (int t = 0; t < 10000 && pongs < i; t++)
			rt_delay_us(10);
	}
	printf("sgi: %u pings, %u pongs\n", pings, pongs);
	check(pings == 10 && pongs == 10,
	      "sgi: 10 ping-pong rounds between vCPUs");
	psci_errors();
	overflow();
	if (own_spi)
		spi_for_an_off_vcpu();
	check(foreign == 0, "no unexpected interrupts");
}

/* The LPI registers of its own redistributor (GICR_CTLR.EnableLPIs,
 * GICR_PROPBASER 0x70, GICR_PENDBASER 0x78): none reaches the hardware. */
static void lpi_registers(void)
{
	uint64_t rd = rt_gicr();

	mmio_write32(rd + GICR_CTLR, 1);
	mmio_write64(rd + 0x70, 0x40000000UL | 0xf);
	mmio_write64(rd + 0x78, 0x40100000UL);
	check(mmio_read32(rd + GICR_CTLR) == 0 && mmio_read64(rd + 0x70) == 0 &&
		      mmio_read64(rd + 0x78) == 0,
	      "attack: its redistributor's LPI registers (CTLR, PROPBASER, PENDBASER) stay off");
}

/*
 * Direct mode: the core's own private interrupts on this CPU (its group 0
 * doorbell SGI 15, the maintenance PPI 25) cannot be enabled, pended or
 * seen through the partition's redistributor frame; its SGIs cannot be
 * made group 0; a group 0 SGI (ICC_SGI0R_EL1) sends nothing; and the
 * victim's SPI cannot be deactivated through ICC_DIR_EL1 (EOImode 1).
 */
static void direct_attacks(uint32_t victim)
{
	uint64_t sgi = rt_gicr() + GICR_SGI_BASE;
	uint32_t core = 1U << 15 | 1U << 25;
	uint64_t ctlr;

	mmio_write32(sgi + GICD_ISENABLER, core);
	mmio_write32(sgi + GICD_ISPENDR, core);
	mmio_write32(sgi + GICD_ISACTIVER, core);
	check(!(mmio_read32(sgi + GICD_ISENABLER) & core) &&
		      !(mmio_read32(sgi + GICD_ISPENDR) & core) &&
		      !(mmio_read32(sgi + GICD_ISACTIVER) & core),
	      "attack: the core's SGI 15 and PPI 25 cannot be enabled, pended or seen");
	mmio_write32(sgi + GICD_IGROUPR, 0);
	check(mmio_read32(sgi + GICD_IGROUPR) == ~0U,
	      "attack: its SGIs and PPIs stay group 1");
	__asm__ volatile("msr S3_0_C12_C11_7, %0"
			 :
			 : "r"(1UL << 40 | 15UL << 24)); /* SGI0R, IRM */
	__asm__ volatile("mrs %0, S3_0_C12_C12_4" : "=r"(ctlr));
	__asm__ volatile("msr S3_0_C12_C12_4, %0" : : "r"(ctlr | 2));
	__asm__ volatile("msr S3_0_C12_C11_1, %0" : : "r"((uint64_t)victim));
	__asm__ volatile("msr S3_0_C12_C12_4, %0" : : "r"(ctlr));
	printf("attack: group 0 SGIs and DIR of the victim's SPI sent\n");
}

static void mode_attack(void)
{
	uint32_t victim = (uint32_t)rt_arg("victim", 0);
	uint64_t pend = GICD + GICD_ISPENDR + victim / 32 * 4;
	uint64_t route = GICD + GICD_IROUTER + 8UL * victim;

	own_spi = (uint32_t)rt_arg("spi", 0);
	rt_gic_init();
	cpu_setup();
	rt_irq_config(victim, 0x80, true);
	check(!enabled(victim),
	      "attack: another partition's SPI cannot be enabled");
	mmio_write64(route, 0);
	check(mmio_read64(route) == 0 &&
		      (mmio_read32(pend) & (1U << (victim % 32))) == 0,
	      "attack: its routing and pending state read as zero");
	mmio_write32(pend, 1U << (victim % 32));
	rt_sgi(1, SGI_PING); /* a vCPU it does not have */
	__asm__ volatile("msr S3_0_C12_C11_5, %0"
			 :
			 : "r"(1UL << 40 | 3UL << 24)); /* IRM */
	__asm__ volatile("msr S3_0_C12_C11_5, %0"
			 :
			 : "r"(1UL << 16 | 1UL | 4UL << 24)); /* Aff1 */
	printf("attack: SGIs sent to vCPUs outside the partition\n");
	lpi_registers();
	if (rt_arg("direct", 0))
		direct_attacks(victim);
	rt_irq_config(own_spi, 0x80, true);
	check(enabled(own_spi), "attack: its own SPI can be enabled");
	mmio_write32(GICD + GICD_ISPENDR + own_spi / 32 * 4,
		     1U << (own_spi % 32));
	for (int i = 0; i < 1000 && !spi_seen; i++)
		rt_delay_us(10);
	check(spi_seen == 1,
	      rt_arg("direct", 0)
		      ? "attack: its own SPI is delivered (directly)"
		      : "attack: its own SPI is delivered (hardware-linked)");
	check(foreign == 0, "attack: no stray interrupt came back");
	rt_delay_us(period * 20 / (rt_frequency() / 1000000));
	printf("attack: touching a redistributor frame it does not have\n");
	mmio_write32(0x080a0000UL + 0x20000UL + GICR_WAKER, 0);
	printf("FAIL attack: the foreign redistributor frame was writable\n");
}

static void mode_victim(void)
{
	uint64_t n = rt_arg("ticks", 60);

	own_spi = (uint32_t)rt_arg("spi", 0);
	rt_gic_init();
	cpu_setup();
	rt_irq_config(own_spi, 0x80, true);
	wait_ticks((unsigned)n);
	/* The exact tick count depends on the host: only the floor is
	 * printed, so the line is the same under any load. */
	printf("victim: at least %u ticks, %u foreign interrupts, own SPI %u seen %u times\n",
	       (unsigned)n, foreign, own_spi, spi_seen);
	check(foreign == 0 && spi_seen == 0,
	      "victim: no interrupt from outside its partition");
}

/* --- the hold path under a neighbour's churn -------------------------- */

static volatile uint32_t hold_cpu1_done;

static void hold_secondary(uint64_t arg)
{
	(void)arg;
	rt_gic_cpu_init();
	rt_irq_unmask();
	for (int i = 0; i < 100000 && !spi_seen; i++)
		rt_delay_us(1);
	rt_irq_mask();
	hold_cpu1_done = 1;
	rt_cpu_off();
}

static void pend_own(void)
{
	mmio_write32(GICD + GICD_ISPENDR + own_spi / 32 * 4,
		     1U << (own_spi % 32));
}

static void mode_hold_attacker(void)
{
	rt_gic_init();
	rt_irq_config(own_spi, 0x80, true);
	mmio_write64(GICD + GICD_IROUTER + 8UL * own_spi, 1); /* vCPU 1: off */
	printf("hold attacker: churning SPI %u for its off vCPU 1\n", own_spi);
	for (;;) {
		pend_own();
		mmio_write32(GICD + GICD_ISENABLER + own_spi / 32 * 4,
			     1U << (own_spi % 32));
	}
}

/* One round: @holds times the core holds the SPI for the off vCPU 1 and
 * the guest's enable lets it go, then vCPU 1 starts and must take it.
 * Counts the times it read as disabled and whether it was lost. */
static void hold_round(uint32_t holds, uint32_t *lost, uint32_t *off)
{
	spi_seen = 0;
	hold_cpu1_done = 0;
	mmio_write64(GICD + GICD_IROUTER + 8UL * own_spi, 1);
	pend_own();
	for (uint32_t k = 0; k < holds; k++) {
		rt_delay_us(20); /* its parked CPU takes it: held */
		*off += !enabled(own_spi);
		/* Enabling ends the hold; still pending, it is taken again. */
		mmio_write32(GICD + GICD_ISENABLER + own_spi / 32 * 4,
			     1U << (own_spi % 32));
	}
	rt_delay_us(20);
	*off += !enabled(own_spi);
	if (rt_cpu_on(1, hold_secondary, 0) != 0) {
		printf("FAIL hold victim: CPU_ON of vCPU 1 refused\n");
		return;
	}
	while (!hold_cpu1_done)
		rt_relax();
	while (rt_psci(PSCI_AFFINITY_INFO_64, 1, 0, 0) != 1)
		rt_relax();
	*lost += !spi_seen;
	*off += !enabled(own_spi);
}

static void mode_hold_victim(void)
{
	uint64_t end = rt_counter() + rt_arg("seconds", 10) * rt_frequency();
	uint32_t rounds = 0, lost = 0, off = 0;

	rt_gic_init();
	rt_gic_cpu_init();
	rt_irq_config(own_spi, 0x80, true);
	while (rt_counter() < end || rounds < 10) {
		hold_round(5, &lost, &off);
		rounds++;
	}
	printf("hold victim: %u rounds of 5 holds\n", rounds);
	printf("hold victim: %u interrupts lost, %u times read disabled\n",
	       lost, off);
	check(lost == 0 && off == 0,
	      "hold victim: its SPI survived the neighbour's churn");
}

/* --- a direct partition stuck with its interrupts masked -------------- */

static volatile uint32_t spinning, said_hello;

static void stuck_secondary(uint64_t block)
{
	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	if (block) {
		__asm__ volatile("msr S3_0_C4_C6_0, %0" : : "r"(0UL)); /* PMR */
		__asm__ volatile("msr S3_0_C12_C9_0, %0"
				 :
				 : "r"(1UL)); /* AP1R0: 0x00 active */
	}
	spinning = 1;
	__asm__ volatile("1: b 1b");
}

static void hello_secondary(uint64_t arg)
{
	(void)arg;
	said_hello = 1;
	rt_cpu_off();
}

static void mode_stuck(void)
{
	struct rt_whoami w = { .boots = 1 };
	uint64_t block = rt_arg("block", 0);

	rt_whoami(&w);
	if (w.boots > 1) {
		check(rt_cpu_on(1, hello_secondary, 0) == 0,
		      "stuck: CPU_ON starts vCPU 1 again: it was stopped");
		while (!said_hello)
			rt_relax();
		/* Until it is off (PSCI AFFINITY_INFO64 says OFF, 1): a vCPU
		 * still in its CPU_OFF when the partition stops would have its
		 * exits printed as a stopped one's. */
		while (rt_psci(0xc4000004, 1, 0, 0) != 1)
			rt_relax();
		printf("stuck: boot %u, vCPU 1 ran again\n", w.boots);
		return;
	}
	rt_cpu_on(1, stuck_secondary, block);
	while (!spinning)
		rt_relax();
	rt_delay_us(20000);
	printf("stuck: vCPU 1 spins with DAIF masked%s; vCPU 0 faults\n",
	       block ? " and group 0 blocked" : "");
	*(volatile uint64_t *)0x7f000000 = 1;
	printf("FAIL stuck: the write outside my memory went through\n");
}

/* --- the registers common to both groups -------------------------------- */

/* ICC_PMR_EL1 (0), ICC_CTLR_EL1 (1), ICC_RPR_EL1 (2). */
static uint64_t icc_read(int which)
{
	uint64_t v;

	if (which == 0)
		__asm__ volatile("mrs %0, S3_0_C4_C6_0" : "=r"(v));
	else if (which == 1)
		__asm__ volatile("mrs %0, S3_0_C12_C12_4" : "=r"(v));
	else
		__asm__ volatile("mrs %0, S3_0_C12_C11_3" : "=r"(v));
	return v;
}

static void pmr(uint64_t v)
{
	__asm__ volatile("msr S3_0_C4_C6_0, %0; isb" : : "r"(v));
}

static void icc_pmr(void)
{
	uint32_t t0;

	rt_irq_config(9, 0xa0, true);
	rt_irq_config(10, 0x40, true);
	pmr(0x80);
	check(icc_read(0) == 0x80, "icc: PMR reads back what was written");
	rt_sgi(0, 9);
	rt_sgi(0, 10);
	rt_delay_us(2000);
	check(seen[10] == 1 && seen[9] == 0,
	      "icc: PMR 0x80 masks priority 0xa0, not priority 0x40");
	check(rpr_in == 0x40 && icc_read(2) == 0xff,
	      "icc: RPR is the running priority (0x40 in the handler, idle outside)");
	pmr(0xff);
	rt_delay_us(2000);
	check(seen[9] == 1, "icc: PMR 0xff lets priority 0xa0 in");
	pmr(0);
	t0 = ticks[0];
	rt_delay_us(period * 5 * 1000000 / rt_frequency());
	check(ticks[0] == t0, "icc: PMR 0 masks everything, the timer too");
	pmr(0xff);
	/* Until it ticks, up to 2 s: a loaded host can hold the tick back
	 * for longer than a few periods (a fresh-root run once did). */
	for (int i = 0; i < 1000 && ticks[0] == t0; i++)
		rt_delay_us(2000);
	check(ticks[0] > t0, "icc: PMR 0xff again, and the timer ticks");
}

/* EOImode 1: EOIR1 (rt_irq) drops the priority only; SGI 11 stays active,
 * so sent again it waits, until ICC_DIR_EL1 deactivates it. */
static void icc_eoimode(void)
{
	uint64_t ctlr = icc_read(1);
	bool waited;

	rt_timer_stop(); /* it would stay active too */
	rt_irq_config(11, 0x80, true);
	__asm__ volatile("msr S3_0_C12_C12_4, %0; isb" : : "r"(ctlr | 2));
	check(icc_read(1) & 2, "icc: EOImode 1 reads back");
	rt_sgi(0, 11);
	rt_delay_us(2000);
	rt_sgi(0, 11);
	rt_delay_us(2000);
	waited = seen[11] == 1;
	__asm__ volatile("msr S3_0_C12_C11_1, %0; isb" : : "r"(11UL));
	rt_delay_us(2000);
	check(waited && seen[11] == 2,
	      "icc: with EOImode 1 an interrupt stays active until ICC_DIR_EL1, then the pending one arrives");
	__asm__ volatile("msr S3_0_C12_C11_1, %0; isb" : : "r"(11UL));
	__asm__ volatile("msr S3_0_C12_C12_4, %0; isb" : : "r"(ctlr & ~2UL));
	check(!(icc_read(1) & 2), "icc: EOImode 0 again");
	rt_sgi(0, 11);
	rt_delay_us(2000);
	rt_sgi(0, 11);
	rt_delay_us(2000);
	check(seen[11] == 4, "icc: with EOImode 0 EOIR1 deactivates it");
}

static void mode_icc(void)
{
	rt_gic_init();
	cpu_setup();
	icc_pmr();
	icc_eoimode();
	check(foreign == 0, "no unexpected interrupts");
}

/* --- resets in a row --------------------------------------------------- */

static void resets_secondary(uint64_t arg)
{
	(void)arg;
	cpu_setup();
	rt_irq_config(SGI_DIRTY, 0x80, true);
	wait_ticks(3);
	rt_sgi(1, SGI_DIRTY);
	for (;;)
		rt_wfi();
}

static void mode_resets(void)
{
	struct rt_whoami w = { .boots = 1 };
	uint32_t n = (uint32_t)rt_arg("resets", 100);

	rt_whoami(&w);
	rt_gic_init();
	cpu_setup();
	if (rt_cpu_on(1, resets_secondary, 0) != 0)
		printf("FAIL resets: boot %u: CPU_ON of vCPU 1\n", w.boots);
	wait_ticks(3);
	while (!dirty)
		rt_relax();
	printf("resets: both vCPUs ticked\n");
	if (w.boots <= n)
		rt_system_reset();
	printf("resets: %u boots, %u resets in a row\n", w.boots, n);
}

void guest_main(void)
{
	uint64_t mode = rt_arg("mode", 0);

	period = rt_frequency() / 1000 * rt_arg("period", 2); /* ms */
	own_spi = (uint32_t)rt_arg("spi", 0);
	if (mode == 0)
		mode_smp();
	else if (mode == 1)
		mode_attack();
	else if (mode == 3)
		mode_hold_attacker();
	else if (mode == 4)
		mode_hold_victim();
	else if (mode == 5)
		mode_stuck();
	else if (mode == 6)
		mode_resets();
	else if (mode == 7)
		mode_icc();
	else
		mode_victim();
	rt_system_off();
}
