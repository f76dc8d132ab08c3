/* SPDX-License-Identifier: MIT */
/*
 * The bare-metal guest runtime: entry, stacks, MMU, exception vectors,
 * console, PSCI and Bulkhead hypercalls, boot arguments. A guest defines
 * guest_main() (vCPU 0) and, if it starts more vCPUs, passes an entry to
 * rt_cpu_on(). The same image also boots natively under QEMU: then PSCI
 * goes to QEMU's firmware, the console is the PL011 itself, and the boot
 * arguments come from QEMU's own device tree (-append).
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RT_MAX_CPUS 8

struct rt_whoami {
	uint32_t partition, vcpu, nvcpus, pcpu, boots;
	char name[17];
};

/** The guest's main program, on vCPU 0. */
void guest_main(void);

/** Called by rt_irq() for each interrupt; @stamp is CNTVCT at entry. */
void guest_irq(uint32_t intid, uint64_t stamp);

/** Formatted output; lines appear on the console as a whole. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rt_write(const char *s, size_t n);

/** True when running without a hypervisor (booted at EL2 by QEMU). */
bool rt_is_native(void);

/** Ask Bulkhead who we are; false natively. */
bool rt_whoami(struct rt_whoami *w);

/** This CPU's index (MPIDR.Aff0: the vCPU index under Bulkhead). */
unsigned rt_cpu(void);

/**
 * Spin-loop hint (YIELD, like Linux's cpu_relax()). Every busy-wait calls
 * it: besides being polite to SMT siblings on real hardware, QEMU's
 * single-threaded -icount mode only switches to another vCPU on it (or
 * on WFI/WFE), so a spin without it can starve the CPU it waits for.
 */
void rt_relax(void);

uint64_t rt_counter(void);   /* CNTVCT_EL0 */
uint64_t rt_frequency(void); /* CNTFRQ_EL0 */
void rt_delay_us(uint64_t us);

/**
 * The partition's virtio console (virtio.c), if its device tree has one:
 * set it up; printf() then goes through it (unless bootargs say
 * virtio-console=0). False if there is none.
 */
bool rt_virtio_console_init(void);
void rt_virtio_console_write(const char *s, size_t n);
/** Lines dropped because the device did not take them in time. */
uint32_t rt_virtio_console_dropped(void);

/*
 * The partition's virtio-blk devices (virtio_blk.c): synchronous requests,
 * one at a time, each waiting at most RT_BLK_WAIT_MS. The calls return
 * the request's virtio status byte (RT_BLK_S_*), or a negative RT_BLK_E_*
 * when none came back.
 */
#define RT_BLK_MAX 4 /* block devices a guest can drive */
#define RT_BLK_SECTOR 512
#define RT_BLK_ID_BYTES 20 /* GET_ID's answer, VIRTIO 1.2 §5.2.6 */
#define RT_BLK_WAIT_MS 2000
#define RT_BLK_S_OK 0
#define RT_BLK_S_IOERR 1
#define RT_BLK_S_UNSUPP 2
#define RT_BLK_E_TIMEOUT (-1) /* no answer in time: the driver is dead */
#define RT_BLK_E_RESET (-2)   /* the device needs (or failed) a reset */
#define RT_BLK_E_NODEV (-3)   /* not set up */
#define RT_BLK_E_ARG (-4)     /* 0 sectors, or more than 4 MiB */

struct rt_blk {
	uint64_t base;	   /* register window */
	uint64_t capacity; /* sectors */
	bool read_only;	   /* VIRTIO_BLK_F_RO offered */
	bool flush;	   /* VIRTIO_BLK_F_FLUSH negotiated */
	bool broken;	   /* reset and set up again before the next request */
	unsigned slot;	   /* its ring */
	uint16_t next_avail;
};

/**
 * Set up the @n-th (from 0) virtio-mmio device of the device tree whose
 * DeviceID is 2; false if there is none or it refuses.
 */
bool rt_blk_init(struct rt_blk *b, unsigned n);
/** Read @count sectors at @sector into @buf (in RAM, at most 4 MiB). */
int rt_blk_read(struct rt_blk *b, uint64_t sector, void *buf, uint32_t count);
/** Write @count sectors at @sector from @buf (in RAM, at most 4 MiB). */
int rt_blk_write(struct rt_blk *b, uint64_t sector, const void *buf,
		 uint32_t count);
/** VIRTIO_BLK_T_FLUSH (completed writes are durable when it returns 0). */
int rt_blk_flush(struct rt_blk *b);
/** VIRTIO_BLK_T_GET_ID into @id, NUL-terminated. */
int rt_blk_get_id(struct rt_blk *b, char id[RT_BLK_ID_BYTES + 1]);

/** Start CPU @cpu at @entry(@arg) with PSCI CPU_ON; a PSCI status. */
int64_t rt_cpu_on(unsigned cpu, void (*entry)(uint64_t), uint64_t arg);
__attribute__((__noreturn__)) void rt_cpu_off(void);
__attribute__((__noreturn__)) void rt_system_off(void);
__attribute__((__noreturn__)) void rt_system_reset(void);
int64_t rt_psci(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);

/** Value of "key=value" in the boot arguments, or @dflt. */
uint64_t rt_arg(const char *key, uint64_t dflt);

/** The boot arguments (empty if none). */
const char *rt_bootargs(void);

/** The device tree this guest booted with (its partition's, or QEMU's). */
const void *rt_dtb(void);

/** Called for every property of every node, with the node's path. */
typedef void (*rt_fdt_fn)(void *ctx, const char *path, const char *prop,
			  const void *val, uint32_t len);

/** Walk @fdt (fdt.c): @fn sees each property; a malformed blob ends it. */
void rt_fdt_walk(const void *fdt, rt_fdt_fn fn, void *ctx);

/** Value @i of a property: 64-bit (two cells each), or one 32-bit cell. */
uint64_t rt_fdt_cells(const void *val, uint32_t len, uint32_t i);

/** 32-bit cell @i of a property, 0 if it has none. */
uint32_t rt_fdt_u32(const void *val, uint32_t len, uint32_t i);

/**
 * Send printf() output to @out instead of the console hypercall (or the
 * PL011 natively): a console driver partition prints through itself.
 * NULL restores the default.
 */
void rt_set_output(void (*out)(const char *s, size_t n));

/*
 * Device register access. Plain LDR/STR without writeback, so that a trap
 * carries a full syndrome (ESR ISV = 1) a hypervisor can emulate: like
 * Linux's readl/writel, never a C pointer dereference the compiler might
 * turn into a post-indexed or paired access.
 */
static inline uint32_t mmio_read32(uint64_t a)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static inline void mmio_write32(uint64_t a, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}

static inline uint64_t mmio_read64(uint64_t a)
{
	uint64_t v;

	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static inline void mmio_write64(uint64_t a, uint64_t v)
{
	__asm__ volatile("str %x0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}

static inline uint8_t mmio_read8(uint64_t a)
{
	uint32_t v;

	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return (uint8_t)v;
}

static inline void mmio_write8(uint64_t a, uint8_t v)
{
	__asm__ volatile("strb %w0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}

/* GICv3 and the EL1 virtual timer (gic.c). */
#define RT_PPI_VTIMER 27

/** Distributor on, affinity routing (once, on vCPU 0). */
void rt_gic_init(void);

/** This CPU's redistributor and CPU interface; false if none is found. */
bool rt_gic_cpu_init(void);

/** This CPU's redistributor (RD_base), 0 if there is none. */
uint64_t rt_gicr(void);

/** Set @intid's priority, route SPIs to this CPU, enable or disable it. */
void rt_irq_config(uint32_t intid, uint8_t prio, bool enable);

/** Send SGI @intid to CPU @cpu (Aff0) through ICC_SGI1R_EL1. */
void rt_sgi(unsigned cpu, uint32_t intid);

void rt_irq_unmask(void);
void rt_irq_mask(void);
void rt_wfi(void);
/**
 * WFI, then unmask IRQs in the next instruction: the race-free wait. Call
 * it with IRQs masked after checking the condition: an interrupt that
 * comes after the check stays pending and wakes WFI (it does whatever
 * PSTATE.I says: Arm ARM, "Wait for Interrupt"), and is taken one
 * instruction later. Returns with IRQs unmasked.
 */
void rt_wfi_unmask(void);
void rt_timer_arm(uint64_t cval); /* CNTV_CVAL = cval, enabled */
void rt_timer_stop(void);
uint64_t rt_timer_cval(void);

/** Number of CPUs in the boot device tree (/cpus), at least 1. */
unsigned rt_ncpus(void);

/** CNTPCT_EL0 sampled at the image's first instruction. */
extern uint64_t rt_boot_stamp;

/* Raw SMCCC call through HVC; returns x0, fills out[0..7] if not NULL. */
uint64_t rt_hvc(uint64_t fn, const uint64_t args[7], uint64_t out[8]);
