// SPDX-License-Identifier: MIT
/*
 * gicprobe: what traps, and where ICC_* accesses go, for an EL1 guest
 * under HCR_EL2.FMO = 1, IMO = 0 (Bulkhead's direct interrupt mode), on
 * the machine it runs on. Booted natively (QEMU -kernel, no hypervisor),
 * it stays at EL2 as a minimal hypervisor of its own (probe.S), sets up
 * the GIC with one security state (GICD_CTLR.DS = 1 on QEMU virt without
 * secure=on), and runs single register accesses and small interrupt
 * scenarios at EL1. One "probe:" line per finding, one PASS/FAIL line per
 * property the direct mode relies on (docs/design.md, "Direct interrupt
 * delivery", quotes them). References: ARM IHI 0069 (GICv3/v4) 6.1 (the
 * ICV_* registers HCR_EL2.FMO and IMO select for EL1), 12.4.5 ICH_HCR_EL2
 * (TC), 4.8 (preemption, running priority, binary points), 12.2.2
 * ICC_AP1R<n>_EL1 (writing other than saved values is UNPREDICTABLE).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <bulkhead/gic_regs.h>
#include <bulkhead/lib.h>

#define UART 0x09000000UL
#define GICD 0x08000000UL
#define GICR0 0x080a0000UL
#define SGI0 (GICR0 + GICR_SGI_BASE)

#define HCR_FMO (1UL << 3)
#define HCR_IMO (1UL << 4)
#define HCR_RW (1UL << 31)
#define ICH_TC (1UL << 10)
#define CTLR_EOIMODE 2UL
#define CTLR_CBPR 1UL
#define SPSR_EL1H_MASKED 0x3c5UL
#define SGI_G1 1  /* a Group 1 SGI, priority 0x80 */
#define SGI_G0 15 /* a Group 0 SGI, priority 0x00 */
#define SPIN 200000

#define sysreg_read(r)                                                \
	({                                                            \
		uint64_t v_;                                          \
		__asm__ volatile("mrs %0, " #r : "=r"(v_)::"memory"); \
		v_;                                                   \
	})
#define sysreg_write(r, v)                     \
	__asm__ volatile("msr " #r ", %0; isb" \
			 :                     \
			 : "r"((uint64_t)(v))  \
			 : "memory")

typedef uint64_t (*el1_fn)(uint64_t);
uint64_t el1_call(el1_fn fn, uint64_t arg, uint64_t spsr);
extern uint64_t r_pmr(uint64_t), w_pmr(uint64_t), r_ctlr(uint64_t),
	w_ctlr(uint64_t), r_rpr(uint64_t), w_dir(uint64_t), w_sgi1r(uint64_t),
	w_asgi1r(uint64_t), w_sgi0r(uint64_t), r_iar1(uint64_t),
	w_eoir1(uint64_t), r_hppir1(uint64_t), r_bpr1(uint64_t),
	w_bpr1(uint64_t), r_ap1r0(uint64_t), w_ap1r0(uint64_t),
	r_igrpen1(uint64_t), w_igrpen1(uint64_t), r_iar0(uint64_t),
	w_eoir0(uint64_t), r_hppir0(uint64_t), r_bpr0(uint64_t),
	w_bpr0(uint64_t), r_ap0r0(uint64_t), w_ap0r0(uint64_t),
	r_igrpen0(uint64_t), w_igrpen0(uint64_t), r_sre(uint64_t);

struct frame {
	uint64_t x[31];
	uint64_t pad;
};

static volatile uint32_t traps, fiqs, el2_irqs, el1_irqs;
static volatile uint32_t last_irq, el1_no_eoi, forward_sgi0;
static volatile uint64_t last_iss;
static int failures;

static void putc_uart(char c)
{
	volatile uint32_t *dr = (volatile uint32_t *)UART;
	volatile uint32_t *fr = (volatile uint32_t *)(UART + 0x18);

	while (*fr & (1U << 5))
		;
	*dr = (uint8_t)c;
}

static void say(const char *f, ...)
{
	char buf[240];
	va_list ap;

	va_start(ap, f);
	fmt_vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	for (char *s = buf; *s; s++) {
		if (*s == '\n')
			putc_uart('\r');
		putc_uart(*s);
	}
}

static void check(bool ok, const char *what)
{
	say("%s %s\n", ok ? "PASS" : "FAIL", what);
	failures += !ok;
}

static uint32_t rd32(uint64_t a)
{
	return *(volatile uint32_t *)a;
}

static void wr32(uint64_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static void wr8(uint64_t a, uint8_t v)
{
	*(volatile uint8_t *)a = v;
}

noreturn void probe_bug(uint64_t esr, uint64_t elr);
noreturn void probe_bug(uint64_t esr, uint64_t elr)
{
	say("FAIL probe: unexpected exception, ESR 0x%lx ELR 0x%lx\n", esr,
	    elr);
	sysreg_write(hcr_el2, HCR_RW); /* reach the firmware's PSCI */
	__asm__ volatile("mov x0, #0x0008\n\tmovk x0, #0x8400, lsl #16\n\t"
			 "smc #0" ::
				 : "x0");
	for (;;)
		;
}

/* ESR_EL2 ISS of a trapped MSR/MRS (EC 0x18, D19.2.40): Op0 [21:20],
 * Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1], read [0]. */
void el2_sync(struct frame *f);
void el2_sync(struct frame *f)
{
	uint64_t esr = sysreg_read(esr_el2), iss = esr & 0x1ffffff;
	unsigned rt = (iss >> 5) & 31;

	if ((esr >> 26) != 0x18)
		probe_bug(esr, sysreg_read(elr_el2));
	traps++;
	last_iss = iss;
	if ((iss & 1) && rt != 31)
		f->x[rt] = 0x7eab; /* what a trapped read returns here */
	/* ICC_SGI0R_EL1 (3, 0, 12, 11, 7) written: send it for the guest. */
	if (forward_sgi0 && !(iss & 1) && (iss & 0x3ffc1e) == 0x3e3016)
		sysreg_write(S3_0_C12_C11_7, rt == 31 ? 0 : f->x[rt]);
	sysreg_write(elr_el2, sysreg_read(elr_el2) + 4);
}

/* A physical FIQ routed to EL2: acknowledge and finish it here. */
void el2_fiq(struct frame *f);
void el2_fiq(struct frame *f)
{
	uint64_t iar = sysreg_read(S3_0_C12_C8_0); /* ICC_IAR0_EL1 */

	(void)f;
	if ((iar & 0xffffff) >= 1020)
		return;
	fiqs++;
	sysreg_write(S3_0_C12_C8_1, iar); /* ICC_EOIR0_EL1 */
	if (sysreg_read(S3_0_C12_C12_4) & CTLR_EOIMODE)
		sysreg_write(S3_0_C12_C11_1, iar); /* ICC_DIR_EL1 */
}

void el2_irq(struct frame *f);
void el2_irq(struct frame *f)
{
	uint64_t iar = sysreg_read(S3_0_C12_C12_0);

	(void)f;
	el2_irqs++;
	sysreg_write(S3_0_C12_C12_1, iar);
}

/* EL1's IRQ handler: the guest acknowledges on the physical interface. */
void el1_irq(struct frame *f);
void el1_irq(struct frame *f)
{
	uint64_t iar = sysreg_read(S3_0_C12_C12_0); /* ICC_IAR1_EL1 */

	(void)f;
	if ((iar & 0xffffff) >= 1020)
		return;
	el1_irqs++;
	last_irq = (uint32_t)iar;
	if (!el1_no_eoi)
		sysreg_write(S3_0_C12_C12_1, iar); /* ICC_EOIR1_EL1 */
}

static void gic_setup(void)
{
	sysreg_write(S3_4_C12_C9_5, 0xf); /* ICC_SRE_EL2: SRE, DFB, DIB, En */
	wr32(GICD + GICD_CTLR, 0);
	while (rd32(GICD + GICD_CTLR) & GICD_CTLR_RWP)
		;
	wr32(GICD + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_EN_GRP1 | 1);
	while (rd32(GICD + GICD_CTLR) & GICD_CTLR_RWP)
		;
	wr32(GICR0 + GICR_WAKER, rd32(GICR0 + GICR_WAKER) & ~GICR_WAKER_PS);
	while (rd32(GICR0 + GICR_WAKER) & GICR_WAKER_CA)
		;
	wr32(SGI0 + GICD_ICENABLER, ~0U);
	wr32(SGI0 + GICD_ICPENDR, ~0U);
	wr32(SGI0 + GICD_ICACTIVER, ~0U);
	wr32(SGI0 + GICD_IGROUPR, ~(1U << SGI_G0));
	for (unsigned i = 0; i < 32; i++)
		wr8(SGI0 + GICD_IPRIORITYR + i, 0x80);
	wr8(SGI0 + GICD_IPRIORITYR + SGI_G0, 0x00);
	wr32(SGI0 + GICD_ISENABLER, 1U << SGI_G1 | 1U << SGI_G0);
	sysreg_write(S3_0_C4_C6_0, 0xff); /* ICC_PMR_EL1 */
	sysreg_write(S3_0_C12_C8_3, 0);	  /* ICC_BPR0_EL1 */
	sysreg_write(S3_0_C12_C12_3, 0);  /* ICC_BPR1_EL1 */
	sysreg_write(S3_0_C12_C12_4, 0);  /* ICC_CTLR_EL1 */
	sysreg_write(S3_0_C12_C12_6, 1);  /* ICC_IGRPEN0_EL1 */
	sysreg_write(S3_0_C12_C12_7, 1);  /* ICC_IGRPEN1_EL1 */
}

/* EL2 as Bulkhead's direct mode sets it: FMO = 1, IMO = 0, no stage 2. */
static void el2_setup(uint64_t ich_hcr)
{
	sysreg_write(hcr_el2, HCR_RW | HCR_FMO);
	sysreg_write(cnthctl_el2, 3);
	sysreg_write(cptr_el2, 0x33ff);
	sysreg_write(vpidr_el2, sysreg_read(midr_el1));
	sysreg_write(vmpidr_el2, sysreg_read(mpidr_el1));
	sysreg_write(sctlr_el1, 0x30d00800);
	sysreg_write(S3_4_C12_C11_0, ich_hcr); /* ICH_HCR_EL2 */
}

struct access {
	const char *name;
	el1_fn fn;
	uint64_t arg;
};

/* Harmless arguments: no target, spurious INTIDs, current values. */
static const struct access accesses[] = {
	{ "PMR read", r_pmr, 0 },	   { "PMR write", w_pmr, 0xff },
	{ "CTLR read", r_ctlr, 0 },	   { "CTLR write", w_ctlr, 0 },
	{ "RPR read", r_rpr, 0 },	   { "DIR write", w_dir, 1023 },
	{ "SGI1R write", w_sgi1r, 0 },	   { "ASGI1R write", w_asgi1r, 0 },
	{ "SGI0R write", w_sgi0r, 0 },	   { "IAR1 read", r_iar1, 0 },
	{ "EOIR1 write", w_eoir1, 1023 },  { "HPPIR1 read", r_hppir1, 0 },
	{ "BPR1 read", r_bpr1, 0 },	   { "BPR1 write", w_bpr1, 0 },
	{ "AP1R0 read", r_ap1r0, 0 },	   { "AP1R0 write", w_ap1r0, 0 },
	{ "IGRPEN1 read", r_igrpen1, 0 },  { "IGRPEN1 write", w_igrpen1, 1 },
	{ "IAR0 read", r_iar0, 0 },	   { "EOIR0 write", w_eoir0, 1023 },
	{ "HPPIR0 read", r_hppir0, 0 },	   { "BPR0 read", r_bpr0, 0 },
	{ "BPR0 write", w_bpr0, 0 },	   { "AP0R0 read", r_ap0r0, 0 },
	{ "AP0R0 write", w_ap0r0, 0 },	   { "IGRPEN0 read", r_igrpen0, 0 },
	{ "IGRPEN0 write", w_igrpen0, 1 }, { "SRE read", r_sre, 0 },
};

#define NACC (sizeof(accesses) / sizeof(accesses[0]))

/* Which accesses trap under ICH_HCR_EL2 = @ich; a bit per access. */
static uint32_t trap_matrix(uint64_t ich)
{
	uint32_t trapped = 0;
	char line[200];
	size_t n;

	el2_setup(ich);
	n = fmt_snprintf(line, sizeof(line),
			 "probe: FMO=1 IMO=0 TC=%d, trapped:", ich ? 1 : 0);
	for (unsigned i = 0; i < NACC; i++) {
		uint32_t before = traps;

		el1_call(accesses[i].fn, accesses[i].arg, SPSR_EL1H_MASKED);
		if (traps != before) {
			trapped |= 1U << i;
			n += fmt_snprintf(line + n, sizeof(line) - n, " %s",
					  accesses[i].name);
		}
	}
	say("%s\n", line);
	return trapped;
}

static uint32_t mask_of(const char *const *names)
{
	uint32_t m = 0;

	for (; *names; names++)
		for (unsigned i = 0; i < NACC; i++)
			if (!strcmp(accesses[i].name, *names))
				m |= 1U << i;
	return m;
}

static void traps_check(void)
{
	static const char *const sgis[] = { "SGI1R write", "ASGI1R write",
					    "SGI0R write", NULL };
	static const char *const common[] = { "PMR read",  "PMR write",
					      "CTLR read", "CTLR write",
					      "RPR read",  "DIR write",
					      NULL };
	uint32_t no_tc = trap_matrix(0), tc = trap_matrix(ICH_TC);

	check(no_tc == mask_of(sgis),
	      "probe: with FMO=1, IMO=0 only the SGI registers (SGI0R, SGI1R, ASGI1R) trap");
	check(tc == (mask_of(sgis) | mask_of(common)),
	      "probe: ICH_HCR_EL2.TC adds PMR, CTLR, RPR and DIR, and nothing else");
}

/* Untrapped (TC = 0) common and group registers: physical or virtual? */
static void where_check(void)
{
	uint64_t vmcr, phys;
	bool pmr_virt, ctlr_virt, dir_virt, g1_phys, g0_virt;

	el2_setup(0);
	/* PMR: physical 0xf0, virtual (ICH_VMCR_EL2.VPMR [31:24]) 0. */
	sysreg_write(S3_0_C4_C6_0, 0xf0);
	sysreg_write(S3_4_C12_C11_7, 0);
	el1_call(w_pmr, 0x80, SPSR_EL1H_MASKED);
	phys = sysreg_read(S3_0_C4_C6_0);
	vmcr = sysreg_read(S3_4_C12_C11_7);
	pmr_virt = phys == 0xf0 && (vmcr >> 24) == 0x80;
	say("probe: EL1 PMR write 0x80: physical PMR 0x%lx, ICH_VMCR_EL2.VPMR 0x%lx\n",
	    phys, vmcr >> 24);
	sysreg_write(S3_0_C4_C6_0, 0xff);
	/* CTLR.EOImode: physical stays 0, VMCR.VEOIM [9] follows. */
	el1_call(w_ctlr, CTLR_EOIMODE, SPSR_EL1H_MASKED);
	phys = sysreg_read(S3_0_C12_C12_4);
	vmcr = sysreg_read(S3_4_C12_C11_7);
	ctlr_virt = !(phys & CTLR_EOIMODE) && (vmcr & (1UL << 9));
	/* DIR of a physically active SGI with physical EOImode = 1. */
	sysreg_write(S3_0_C12_C12_4, CTLR_EOIMODE);
	wr32(SGI0 + GICD_ISACTIVER, 1U << SGI_G1);
	el1_call(w_dir, SGI_G1, SPSR_EL1H_MASKED);
	dir_virt = rd32(SGI0 + GICD_ISACTIVER) & (1U << SGI_G1);
	wr32(SGI0 + GICD_ICACTIVER, 1U << SGI_G1);
	sysreg_write(S3_0_C12_C12_4, 0);
	check(pmr_virt && ctlr_virt && dir_virt,
	      "probe: untrapped, the guest's PMR, CTLR and DIR reach the virtual interface, not the physical one");
	/* Group 1: IGRPEN1 and AP1R0 written at EL1 land in the physical
	 * registers; group 0: IGRPEN0 lands in ICH_VMCR_EL2.VENG0 [0]. */
	el1_call(w_igrpen1, 0, SPSR_EL1H_MASKED);
	el1_call(w_ap1r0, 2, SPSR_EL1H_MASKED);
	g1_phys = sysreg_read(S3_0_C12_C12_7) == 0 &&
		  sysreg_read(S3_0_C12_C9_0) == 2;
	sysreg_write(S3_0_C12_C9_0, 0);
	sysreg_write(S3_0_C12_C12_7, 1);
	sysreg_write(S3_4_C12_C11_7, 1); /* VENG0 */
	el1_call(w_igrpen0, 0, SPSR_EL1H_MASKED);
	el1_call(w_ap0r0, 1, SPSR_EL1H_MASKED);
	g0_virt = sysreg_read(S3_0_C12_C12_6) == 1 &&
		  sysreg_read(S3_0_C12_C8_4) == 0 &&
		  !(sysreg_read(S3_4_C12_C11_7) & 1) &&
		  sysreg_read(S3_4_C12_C8_0) == 1; /* ICH_AP0R0_EL2 */
	sysreg_write(S3_4_C12_C8_0, 0);
	sysreg_write(S3_4_C12_C11_7, 0);
	check(g1_phys,
	      "probe: the guest's group 1 registers (IGRPEN1, AP1R0) are the physical ones");
	check(g0_virt,
	      "probe: the guest's group 0 registers (IGRPEN0, AP0R0) are virtual: it cannot see or disable group 0");
}

/* EL1 helpers for the interrupt scenarios. */
static uint64_t el1_wait_irq(uint64_t n)
{
	uint32_t before = el1_irqs;

	__asm__ volatile("msr daifclr, #2" ::: "memory");
	for (uint64_t i = 0; i < n && el1_irqs == before; i++)
		__asm__ volatile("yield");
	__asm__ volatile("msr daifset, #2" ::: "memory");
	return el1_irqs - before;
}

/* Spins with DAIF masked: what arrives meanwhile is EL2's business. */
static uint64_t el1_spin_masked(uint64_t n)
{
	for (volatile uint64_t i = 0; i < n; i++)
		__asm__ volatile("yield");
	return 0;
}

/* AP1R0 bit 0 (a group 1 interrupt of priority 0x00 active), then a
 * group 0 SGI (forwarded by EL2), a spin, AP1R0 cleared, a spin. */
static uint64_t el1_ap1r_block(uint64_t n)
{
	uint32_t before = fiqs, blocked;

	w_ap1r0(1);
	w_sgi0r((uint64_t)SGI_G0 << 24 | 1); /* traps; EL2 sends it */
	for (uint64_t i = 0; i < n && fiqs == before; i++)
		__asm__ volatile("yield");
	blocked = fiqs == before;
	w_ap1r0(0);
	for (uint64_t i = 0; i < n && fiqs == before; i++)
		__asm__ volatile("yield");
	return blocked && fiqs != before;
}

/* Take the pending group 1 SGI with BPR1 = 7 and leave it active; then
 * send a group 0 SGI (forwarded by EL2): does it preempt? */
static uint64_t el1_bpr_block(uint64_t n)
{
	uint32_t before = fiqs, irqs = el1_irqs;
	bool preempted;

	w_bpr1(7);
	el1_no_eoi = 1;
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	for (uint64_t i = 0; i < n && el1_irqs == irqs; i++)
		__asm__ volatile("yield");
	__asm__ volatile("msr daifset, #2" ::: "memory");
	w_sgi0r((uint64_t)SGI_G0 << 24 | 1);
	for (uint64_t i = 0; i < n && fiqs == before; i++)
		__asm__ volatile("yield");
	preempted = fiqs != before;
	el1_no_eoi = 0;
	w_eoir1(SGI_G1);
	w_bpr1(0);
	return el1_irqs != irqs + 1 ? 2 : preempted; /* 2: no SGI taken */
}

static void send_self(uint64_t sgi1r_or_0r_value, bool group0)
{
	if (group0)
		sysreg_write(S3_0_C12_C11_7, sgi1r_or_0r_value);
	else
		sysreg_write(S3_0_C12_C11_5, sgi1r_or_0r_value);
}

static void irq_check(void)
{
	uint32_t e2, f0;
	bool active;

	el2_setup(ICH_TC);
	e2 = el2_irqs;
	send_self((uint64_t)SGI_G1 << 24 | 1, false);
	check(el1_call(el1_wait_irq, SPIN, SPSR_EL1H_MASKED) == 1 &&
		      last_irq == SGI_G1 && el2_irqs == e2,
	      "probe: a group 1 interrupt is taken at EL1 from the physical interface, no exit");
	f0 = fiqs;
	send_self((uint64_t)SGI_G0 << 24 | 1, true);
	el1_call(el1_spin_masked, 1000, SPSR_EL1H_MASKED);
	check(fiqs == f0 + 1,
	      "probe: a group 0 interrupt is taken at EL2 (FIQ) while EL1 masks DAIF");
	/* EOImode = 1: the guest's EOIR1 leaves its interrupt active. */
	sysreg_write(S3_0_C12_C12_4, CTLR_EOIMODE);
	send_self((uint64_t)SGI_G1 << 24 | 1, false);
	el1_call(el1_wait_irq, SPIN, SPSR_EL1H_MASKED);
	active = rd32(SGI0 + GICD_ISACTIVER) & (1U << SGI_G1);
	sysreg_write(S3_0_C12_C11_1, SGI_G1); /* DIR, as the core would */
	sysreg_write(S3_0_C12_C12_4, 0);
	send_self((uint64_t)SGI_G1 << 24 | 1, false);
	el1_call(el1_wait_irq, SPIN, SPSR_EL1H_MASKED);
	check(active && !(rd32(SGI0 + GICD_ISACTIVER) & (1U << SGI_G1)),
	      "probe: with EOImode = 1 the guest's EOIR1 leaves the interrupt active (DIR needed); with EOImode = 0 it is deactivated");
	forward_sgi0 = 1;
	check(el1_call(el1_ap1r_block, SPIN, SPSR_EL1H_MASKED) == 1,
	      "probe: an EL1 write of ICC_AP1R0_EL1 bit 0 blocks a priority 0x00 group 0 FIQ until cleared");
	/* The group 1 SGI at priority 0x08, the lowest a direct guest's
	 * interrupts get (BPR1 = 7 leaves it group priority 0x00). */
	wr8(SGI0 + GICD_IPRIORITYR + SGI_G1, 0x08);
	send_self((uint64_t)SGI_G1 << 24 | 1, false);
	check(el1_call(el1_bpr_block, SPIN, SPSR_EL1H_MASKED) == 0,
	      "probe: with CBPR = 0, BPR1 = 7 and one active group 1 interrupt of priority 0x08 block group 0 preemption");
	sysreg_write(S3_0_C12_C12_4, CTLR_CBPR);
	send_self((uint64_t)SGI_G1 << 24 | 1, false);
	check(el1_call(el1_bpr_block, SPIN, SPSR_EL1H_MASKED) == 1 &&
		      el1_call(r_bpr1, 0, SPSR_EL1H_MASKED) ==
			      sysreg_read(S3_0_C12_C8_3) + 1,
	      "probe: with CBPR = 1 the guest's BPR1 writes are ignored and group 0 still preempts");
	sysreg_write(S3_0_C12_C12_4, 0);
	wr8(SGI0 + GICD_IPRIORITYR + SGI_G1, 0x80);
	forward_sgi0 = 0;
}

void probe_main(void);
void probe_main(void)
{
	uint64_t ctlr, vtr;

	gic_setup();
	ctlr = sysreg_read(S3_0_C12_C12_4);
	vtr = sysreg_read(S3_4_C12_C11_1);
	say("probe: GICD_CTLR 0x%x (DS %u), ICC_CTLR_EL1 0x%lx (PRIbits %lu), ICH_VTR_EL2 0x%lx\n",
	    rd32(GICD + GICD_CTLR), (rd32(GICD + GICD_CTLR) >> 6) & 1, ctlr,
	    ((ctlr >> 8) & 7) + 1, vtr);
	check(rd32(GICD + GICD_CTLR) & GICD_CTLR_DS,
	      "probe: the GIC has one security state (GICD_CTLR.DS = 1): group 0 is EL2's to use");
	traps_check();
	where_check();
	irq_check();
	say("probe: %d failures\n", failures);
	/* PSCI SYSTEM_OFF (QEMU's firmware, conduit SMC). */
	sysreg_write(hcr_el2, HCR_RW);
	__asm__ volatile("mov x0, #0x0008\n\tmovk x0, #0x8400, lsl #16\n\t"
			 "smc #0" ::
				 : "x0");
	for (;;)
		;
}
