// SPDX-License-Identifier: MIT
/*
 * Runtime services for bare-metal guests: console (Bulkhead console
 * hypercall, or the PL011 directly when native), PSCI over SMC (trapped by
 * Bulkhead, served by QEMU's firmware natively), boot arguments from the
 * device tree, and the C side of startup and exceptions.
 */
#include <bulkhead/abi.h>
#include <bulkhead/lib.h>

#include "rt.h"

#define UART_BASE 0x09000000UL
#define NATIVE_DTB 0x40000000UL /* where QEMU puts its DTB for ELF images */
#define LINE 240

uint32_t rt_native __attribute__((__section__(".data"))); /* set by start.S */
uint64_t rt_boot_stamp;
static char bootargs[256];
static unsigned ncpus_dt;

struct line {
	char buf[LINE];
	size_t len;
};

static struct line lines[RT_MAX_CPUS];
static const void *boot_dtb;
static void (*output)(const char *s, size_t n);
static void (*secondary_fn[RT_MAX_CPUS])(uint64_t);

bool rt_is_native(void)
{
	return rt_native;
}

unsigned rt_cpu(void)
{
	uint64_t mpidr;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	return (unsigned)(mpidr & 0xff);
}

uint64_t rt_hvc(uint64_t fn, const uint64_t args[7], uint64_t out[8])
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = args[0];
	register uint64_t x2 __asm__("x2") = args[1];
	register uint64_t x3 __asm__("x3") = args[2];
	register uint64_t x4 __asm__("x4") = args[3];
	register uint64_t x5 __asm__("x5") = args[4];
	register uint64_t x6 __asm__("x6") = args[5];
	register uint64_t x7 __asm__("x7") = args[6];

	__asm__ volatile("hvc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4),
			   "+r"(x5), "+r"(x6), "+r"(x7)
			 :
			 : "memory");
	if (out) {
		out[0] = x0, out[1] = x1, out[2] = x2, out[3] = x3;
		out[4] = x4, out[5] = x5, out[6] = x6, out[7] = x7;
	}
	return x0;
}

static void uart_out(const char *s, size_t n)
{
	volatile uint32_t *dr = (volatile uint32_t *)UART_BASE;
	volatile uint32_t *fr = (volatile uint32_t *)(UART_BASE + 0x18);

	for (; n; n--, s++) {
		if (*s == '\n') {
			while (*fr & (1U << 5))
				;
			*dr = '\r';
		}
		while (*fr & (1U << 5))
			;
		*dr = (uint8_t)*s;
	}
}

static void hc_out(const char *s, size_t n)
{
	while (n) {
		uint64_t a[7] = { 0 };
		size_t k = n < BH_CONSOLE_MAX ? n : BH_CONSOLE_MAX;

		a[0] = k;
		memcpy(&a[1], s, k);
		/* BUSY: the console had no room; nothing was taken. */
		while ((int64_t)rt_hvc(BH_HC_CONSOLE_WRITE, a, NULL) == BH_BUSY)
			rt_relax();
		s += k;
		n -= k;
	}
}

/* Whole lines per CPU, so that CPUs of one guest never mix their output. */
void rt_write(const char *s, size_t n)
{
	struct line *l = &lines[rt_cpu() % RT_MAX_CPUS];

	for (; n; n--, s++) {
		l->buf[l->len++] = *s;
		if (*s == '\n' || l->len == LINE) {
			if (output)
				output(l->buf, l->len);
			else if (rt_native)
				uart_out(l->buf, l->len);
			else
				hc_out(l->buf, l->len);
			l->len = 0;
		}
	}
}

int printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rt_write(buf, n);
	return (int)n;
}

bool rt_whoami(struct rt_whoami *w)
{
	uint64_t a[7] = { 0 }, r[8];

	if (rt_native || rt_hvc(BH_HC_WHOAMI, a, r) != 0)
		return false;
	w->partition = (uint32_t)r[1];
	w->vcpu = (uint32_t)r[2];
	w->nvcpus = (uint32_t)r[3];
	w->pcpu = (uint32_t)r[4];
	w->boots = (uint32_t)r[5];
	memcpy(w->name, &r[6], 16);
	w->name[16] = 0;
	return true;
}

int64_t rt_psci(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			   "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

extern char rt_secondary_entry[];

int64_t rt_cpu_on(unsigned cpu, void (*entry)(uint64_t), uint64_t arg)
{
	if (cpu >= RT_MAX_CPUS)
		return PSCI_INVALID_PARAMETERS;
	secondary_fn[cpu] = entry;
	__asm__ volatile("dsb sy" : : : "memory");
	return rt_psci(PSCI_CPU_ON_64, cpu, (uint64_t)rt_secondary_entry, arg);
}

void rt_cpu_off(void)
{
	rt_psci(PSCI_CPU_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void rt_system_off(void)
{
	rt_psci(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void rt_system_reset(void)
{
	rt_psci(PSCI_SYSTEM_RESET, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

uint64_t rt_counter(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

uint64_t rt_frequency(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

void rt_relax(void)
{
	__asm__ volatile("yield" : : : "memory");
}

void rt_delay_us(uint64_t us)
{
	uint64_t end = rt_counter() + us * rt_frequency() / 1000000;

	while (rt_counter() < end)
		rt_relax();
}

unsigned rt_ncpus(void)
{
	return ncpus_dt ? ncpus_dt : 1;
}

const char *rt_bootargs(void)
{
	return bootargs;
}

const void *rt_dtb(void)
{
	return boot_dtb;
}

void rt_set_output(void (*out)(const char *s, size_t n))
{
	output = out;
}

uint64_t rt_arg(const char *key, uint64_t dflt)
{
	size_t k = strlen(key);
	const char *p = bootargs;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!memcmp(p, key, k) && p[k] == '=') {
			uint64_t v = 0;

			for (p += k + 1; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (uint64_t)(*p - '0');
			return v;
		}
		while (*p && *p != ' ')
			p++;
	}
	return dflt;
}

/* A flattened device tree walk (DTSpec 5.4). */
static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/* /chosen/bootargs and the number of /cpus/cpu@N nodes. */
static void read_fdt(const uint8_t *fdt)
{
	const uint8_t *s, *strings;
	int depth = 0;
	bool chosen = false, cpus = false;

	if (!fdt || be32(fdt) != 0xd00dfeed)
		return;
	s = fdt + be32(fdt + 8);
	strings = fdt + be32(fdt + 12);
	for (;;) {
		uint32_t tok = be32(s);

		s += 4;
		if (tok == 1) { /* FDT_BEGIN_NODE */
			size_t n = strlen((const char *)s);

			depth++;
			chosen = depth == 2 && !memcmp(s, "chosen", 7);
			if (depth == 2)
				cpus = !memcmp(s, "cpus", 5);
			if (depth == 3 && cpus && !memcmp(s, "cpu@", 4))
				ncpus_dt++;
			s += (n + 4) & ~3UL;
		} else if (tok == 2) { /* FDT_END_NODE */
			depth--;
			chosen = false;
		} else if (tok == 3) { /* FDT_PROP */
			uint32_t len = be32(s), name = be32(s + 4);

			if (chosen && !memcmp(strings + name, "bootargs", 9) &&
			    len && len <= sizeof(bootargs))
				memcpy(bootargs, s + 8, len);
			s += 8 + ((len + 3) & ~3U);
		} else if (tok != 4) { /* not FDT_NOP: FDT_END or garbage */
			return;
		}
	}
}

/** C entry of vCPU 0 (start.S). */
void rt_start(uint64_t dtb, uint64_t stamp);
void rt_start(uint64_t dtb, uint64_t stamp)
{
	rt_boot_stamp = stamp;
	boot_dtb = (const void *)(rt_native ? NATIVE_DTB : dtb);
	read_fdt(boot_dtb);
	if (!rt_native && rt_arg("virtio-console", 1) &&
	    rt_virtio_console_init())
		output = rt_virtio_console_write;
	guest_main();
	rt_system_off();
}

/** C entry of other CPUs (start.S). */
void rt_secondary_start(uint64_t arg);
void rt_secondary_start(uint64_t arg)
{
	void (*fn)(uint64_t) = secondary_fn[rt_cpu() % RT_MAX_CPUS];

	if (fn)
		fn(arg);
	rt_cpu_off();
}

/** Unexpected synchronous exception (vectors.S). */
void rt_exception(uint64_t esr, uint64_t elr, uint64_t far);
void rt_exception(uint64_t esr, uint64_t elr, uint64_t far)
{
	printf("guest exception: ESR 0x%lx ELR 0x%lx FAR 0x%lx\n", esr, elr,
	       far);
	rt_system_off();
}

__attribute__((weak)) void guest_irq(uint32_t intid, uint64_t stamp)
{
	(void)stamp;
	printf("unexpected interrupt %u\n", intid);
}

/** IRQ entry (vectors.S): acknowledge, dispatch, end of interrupt. */
void rt_irq(uint64_t stamp);
void rt_irq(uint64_t stamp)
{
	uint64_t iar;

	__asm__ volatile("mrs %0, S3_0_C12_C12_0"
			 : "=r"(iar)); /* ICC_IAR1_EL1 */
	if ((iar & 0xffffff) >= 1020)
		return;
	guest_irq((uint32_t)(iar & 0xffffff), stamp);
	__asm__ volatile("msr S3_0_C12_C12_1, %0"
			 :
			 : "r"(iar)); /* ICC_EOIR1_EL1 */
}
