// SPDX-License-Identifier: MIT
/*
 * The partition-scoped PSCI state machine (kernel/core/partition.c with
 * calls.c, smccc.c and vgic.c) on the host. The fake arch turns the points
 * where the core would leave C (entering a guest, waiting in the park
 * loop, powering the machine off) into longjmps back to the test, so each
 * step runs "on" one CPU and the test checks vCPU and partition states,
 * mailboxes and doorbells in between.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <bulkhead/arch.h>
#include <bulkhead/console.h>
#include <bulkhead/vdev.h>
#include <bulkhead/partition.h>
#include <bulkhead/smccc.h>

#include "fake_gic.h"

enum { LEFT_ENTERED = 1, LEFT_PARKED, LEFT_OFF };

static const u8 slots[] = { 1, 2 };
static const struct mem_region mem[] = {
	{ .pa = 0x42000000, .ipa = 0x40000000, .size = 0x1000000 },
};
static const u8 blob[16];
static const struct image_load img[] = {
	{ .src = blob, .size = sizeof(blob), .pa = 0, .name = "image" },
};
/* The system has one partition; [1] is the same one in direct interrupt
 * mode, which setup_direct() puts in its place. */
const struct part_config part_configs[] = {
	{ .name = "p",
	  .nvcpus = 2,
	  .vcpu_slot = slots,
	  .nmem = 1,
	  .mem = mem,
	  .nimg = 0,
	  .img = img,
	  .entry = 0x40200000,
	  .dtb = 0x40ff0000 },
	{ .name = "p",
	  .nvcpus = 2,
	  .vcpu_slot = slots,
	  .nmem = 1,
	  .mem = mem,
	  .nimg = 0,
	  .img = img,
	  .entry = 0x40200000,
	  .dtb = 0x40ff0000,
	  .direct = 1 },
};
const u32 nr_partitions = 1;
const struct cpu_config cpu_configs[] = {
	{ .mpidr = 0, .part = -1 },
	{ .mpidr = 1, .part = 0, .vcpu = 0 },
	{ .mpidr = 2, .part = 0, .vcpu = 1 },
};
const u32 nr_cpus = 3;
const struct plat_config plat = { .gicr_stride = 0x20000 };
struct partition partitions[1];
struct cpu percpu[3];
struct vspi vspis[1];
const u32 nr_vspis = 0;

static jmp_buf leave;
static struct cpu *current;
static u32 doorbells[3];
static u64 entered_at[3], entered_arg[3];
static char log_buf[4096];

/* --- the fake arch ---------------------------------------------------- */

struct cpu *this_cpu(void)
{
	return current;
}

void arch_vcpu_reset(struct vcpu *v, const struct partition *p, u64 entry,
		     u64 arg)
{
	(void)p;
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.elr = entry;
	v->regs.x[0] = arg;
}

noreturn void arch_vcpu_enter(struct vcpu *v)
{
	u32 s = container_of(v, struct cpu, vcpu)->slot;

	entered_at[s] = v->regs.elr;
	entered_arg[s] = v->regs.x[0];
	longjmp(leave, LEFT_ENTERED);
}

void arch_wait(void)
{
	longjmp(leave, LEFT_PARKED);
}

noreturn void arch_system_off(void)
{
	longjmp(leave, LEFT_OFF);
}

noreturn void arch_halt(void)
{
	longjmp(leave, LEFT_OFF);
}

void arch_doorbell(u32 slot)
{
	doorbells[slot]++;
}

void arch_doorbell_ack(void)
{
}

static u32 fences[2]; /* arch_s2_fence() calls: [0] open, [1] fence */

void arch_s2_fence(struct pt *s2, u64 vttbr, bool on)
{
	(void)s2;
	(void)vttbr;
	fences[on]++;
}

/* What stage2.c's boot-time builder needs (never called here). */
const struct pt_format arch_pt_s2;
struct pt_pool pt_pool;
u64 *const pt_roots[2];

u64 arch_vttbr(const struct pt *s2, u16 vmid)
{
	(void)s2;
	return vmid;
}

noreturn void panic(const char *fmt, ...)
{
	(void)fmt;
	longjmp(leave, LEFT_OFF);
}

void arch_dcache_clean(const void *p, u64 len)
{
	(void)p;
	(void)len;
}

void arch_icache_invalidate(void)
{
}

static unsigned mem_zeroed; /* bytes cleared by restarts */

void arch_mem_zero(void *p, u64 len)
{
	(void)p;
	mem_zeroed += (unsigned)len;
}

u64 arch_random(void)
{
	return 0;
}

u64 arch_counter(void)
{
	return 1000;
}

u64 arch_counter_hz(void)
{
	return 1000000;
}

void printk(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(log_buf);

	va_start(ap, fmt);
	vsnprintf(log_buf + n, sizeof(log_buf) - n, fmt, ap);
	va_end(ap);
}

void console_guest_flush(struct vcpu *v)
{
	(void)v;
}

s64 console_guest_write(struct vcpu *v, const char *s, u32 n)
{
	(void)v;
	(void)s;
	(void)n;
	return 0;
}

const struct part_hooks console_hooks = { .vcpu_park = console_guest_flush };

void stack_report(void)
{
}

const struct vdev_config vdev_configs[1];
const u32 nr_vdevs = 0;
struct vdev vdevs[1];

/* --- running code "on" a CPU ------------------------------------------ */

static struct partition *p = &partitions[0];
static struct vcpu *v0 = &percpu[1].vcpu, *v1 = &percpu[2].vcpu;

static int on_cpu_start(u32 slot)
{
	int r;

	current = &percpu[slot];
	r = setjmp(leave);
	if (!r)
		partition_start(p);
	return r;
}

static int on_cpu_park(u32 slot)
{
	int r;

	current = &percpu[slot];
	r = setjmp(leave);
	if (!r)
		cpu_park(current);
	return r;
}

static int on_cpu_mailbox(u32 slot)
{
	int r;

	current = &percpu[slot];
	r = setjmp(leave);
	if (!r) {
		cpu_check_mailbox(current);
		return 0;
	}
	return r;
}

/* vCPU @v makes PSCI call x0..x3 (SMC); the result, or how it left. */
static int call(struct vcpu *v, u64 fn, u64 a1, u64 a2, u64 a3, s64 *ret)
{
	const struct part_config *c = v->part->cfg;
	struct call_env env = { c->nvcpus, c->nmem, c->mem };
	u64 x[8] = { fn, a1, a2, a3 };
	struct call_req req = call_decode(x, false, 0, &env);
	int r;

	current = container_of(v, struct cpu, vcpu);
	r = setjmp(leave);
	if (!r) {
		call_invoke(v, &req);
		*ret = (s64)v->regs.x[0];
	}
	return r;
}

static const struct part_config *config = &part_configs[0];

static int setup(void **state)
{
	(void)state;
	memset(fences, 0, sizeof(fences));
	fake_gic_reset();
	memset(percpu, 0, sizeof(percpu));
	memset(partitions, 0, sizeof(partitions));
	memset(doorbells, 0, sizeof(doorbells));
	memset(entered_at, 0, sizeof(entered_at));
	memset(entered_arg, 0, sizeof(entered_arg));
	log_buf[0] = 0;
	p->cfg = config;
	p->state = PART_RESET;
	for (u32 s = 0; s < 3; s++) {
		percpu[s].slot = s;
		percpu[s].cfg = &cpu_configs[s];
		if (s) {
			percpu[s].vcpu.part = p;
			percpu[s].vcpu.id = s - 1;
		}
	}
	assert_int_equal(on_cpu_start(1), LEFT_ENTERED);
	assert_int_equal(on_cpu_park(2), LEFT_PARKED);
	return 0;
}

static void boot_enters_vcpu0(void **state)
{
	(void)state;
	assert_int_equal(p->state, PART_RUNNING);
	assert_int_equal(p->boots, 1);
	assert_int_equal(v0->state, VCPU_ON);
	assert_int_equal(v1->state, VCPU_OFF);
	assert_int_equal(entered_at[1], 0x40200000);
	assert_int_equal(entered_arg[1], 0x40ff0000); /* the guest DTB */
}

static void cpu_on_lifecycle(void **state)
{
	s64 r = 99;

	(void)state;
	assert_int_equal(call(v0, PSCI_CPU_ON_64, 1, 0x40201000, 0xc0ffee, &r),
			 0);
	assert_int_equal(r, PSCI_SUCCESS);
	assert_int_equal(v1->state, VCPU_PENDING);
	assert_int_equal(percpu[2].mailbox, REQ_START);
	assert_int_equal(doorbells[2], 1);
	call(v0, PSCI_CPU_ON_64, 1, 0x40201000, 0, &r);
	assert_int_equal(r, PSCI_ON_PENDING);
	call(v0, PSCI_AFFINITY_INFO_64, 1, 0, 0, &r);
	assert_int_equal(r, 2);
	/* vCPU 1's CPU wakes, serves the request and enters the guest. */
	assert_int_equal(on_cpu_park(2), LEFT_ENTERED);
	assert_int_equal(v1->state, VCPU_ON);
	assert_int_equal(entered_at[2], 0x40201000);
	assert_int_equal(entered_arg[2], 0xc0ffee);
	call(v0, PSCI_CPU_ON_64, 1, 0x40201000, 0, &r);
	assert_int_equal(r, PSCI_ALREADY_ON);
	call(v0, PSCI_AFFINITY_INFO_64, 1, 0, 0, &r);
	assert_int_equal(r, 0);
	/* vCPU 1 turns itself off; its CPU parks. */
	assert_int_equal(call(v1, PSCI_CPU_OFF, 0, 0, 0, &r), LEFT_PARKED);
	assert_int_equal(v1->state, VCPU_OFF);
	assert_int_equal(p->state, PART_RUNNING);
	call(v0, PSCI_AFFINITY_INFO_64, 1, 0, 0, &r);
	assert_int_equal(r, 1);
}

static void cpu_on_before_the_cpu_parks(void **state)
{
	s64 r;

	(void)state;
	/* The CPU_ON lands while vCPU 1's CPU is still booting: its first
	 * visit to the park loop must start it, not forget it. */
	call(v0, PSCI_CPU_ON_64, 1, 0x40201000, 7, &r);
	assert_int_equal(r, PSCI_SUCCESS);
	assert_int_equal(on_cpu_park(2), LEFT_ENTERED);
	assert_int_equal(entered_arg[2], 7);
}

/* A doorbell that comes before the CPU_ON is complete starts nothing. */
static void cpu_on_half_written_waits(void **state)
{
	(void)state;
	v1->state = VCPU_PENDING; /* the caller is between its two steps */
	percpu[2].mailbox = REQ_START;
	assert_int_equal(on_cpu_park(2), LEFT_PARKED);
	assert_int_equal(v1->state, VCPU_PENDING);
	v1->on_entry = 0x40201000;
	v1->on_ready = 1;
	percpu[2].mailbox = REQ_START;
	assert_int_equal(on_cpu_park(2), LEFT_ENTERED);
	assert_int_equal(entered_at[2], 0x40201000);
}

/* While vCPU 0 waits in restart_here(), CPU 2 serves its mailbox once. */
static void cpu2_serves_meanwhile(void)
{
	struct cpu *was = current;
	jmp_buf saved;

	fake_gic.relax = NULL;
	memcpy(saved, leave, sizeof(saved));
	assert_int_equal(on_cpu_park(2), LEFT_PARKED);
	memcpy(leave, saved, sizeof(saved));
	current = was;
}

/* CPU_ON while the partition is stopping or restarting: refused, and one
 * that slipped through never carries into the next boot. */
static void cpu_on_does_not_outlive_its_boot(void **state)
{
	s64 r;

	(void)state;
	p->state = PART_RESET;
	call(v0, PSCI_CPU_ON_64, 1, 0x40201000, 0, &r);
	assert_int_equal(r, PSCI_INTERNAL_FAILURE);
	assert_int_equal(v1->state, VCPU_OFF);
	p->state = PART_RUNNING;
	/* One accepted just before vCPU 0 resets the partition: vCPU 1's CPU
	 * sees stop and start together, and stays off. */
	call(v0, PSCI_CPU_ON_64, 1, 0x40201000, 0, &r);
	assert_int_equal(r, PSCI_SUCCESS);
	fake_gic.relax = cpu2_serves_meanwhile;
	assert_int_equal(call(v0, PSCI_SYSTEM_RESET, 0, 0, 0, &r),
			 LEFT_ENTERED);
	assert_null(fake_gic.relax); /* restart_here() did wait for it */
	assert_int_equal(p->boots, 2);
	assert_int_equal(v1->state, VCPU_OFF);
	assert_int_equal(entered_at[2], 0);
	/* A late doorbell for the old CPU_ON starts nothing either. */
	percpu[2].mailbox = REQ_START;
	assert_int_equal(on_cpu_park(2), LEFT_PARKED);
	assert_int_equal(v1->state, VCPU_OFF);
	assert_int_equal(entered_at[2], 0);
}

/* Standby or powerdown, it returns at once with the context kept. */
static void cpu_suspend_wakes_at_once(void **state)
{
	s64 r;

	(void)state;
	v0->regs.x[5] = 55;
	assert_int_equal(call(v0, PSCI_CPU_SUSPEND_64, 0, 0, 0, &r), 0);
	assert_int_equal(r, PSCI_SUCCESS);
	assert_int_equal(v0->regs.x[5], 55);
	assert_int_equal(call(v0, PSCI_CPU_SUSPEND_64, 0x10000, 0x40202000,
			      0xab, &r),
			 0);
	assert_int_equal(r, PSCI_SUCCESS);
	assert_int_equal(v0->regs.x[5], 55);
	assert_int_equal(v0->state, VCPU_ON);
	assert_int_equal(p->state, PART_RUNNING);
}

static void cpu_on_errors(void **state)
{
	s64 r;

	(void)state;
	call(v0, PSCI_CPU_ON_64, 2, 0x40201000, 0, &r);
	assert_int_equal(r, PSCI_INVALID_PARAMETERS);
	call(v0, PSCI_CPU_ON_64, 1, 0x50000000, 0, &r);
	assert_int_equal(r, PSCI_INVALID_ADDRESS);
	assert_int_equal(v1->state, VCPU_OFF);
	assert_int_equal(doorbells[2], 0);
}

static void last_cpu_off_ends_partition_and_machine(void **state)
{
	s64 r;

	(void)state;
	assert_int_equal(call(v0, PSCI_CPU_OFF, 0, 0, 0, &r), LEFT_OFF);
	assert_int_equal(p->state, PART_OFF);
	assert_non_null(strstr(log_buf, "system off"));
}

static void system_off_stops_other_vcpus(void **state)
{
	s64 r;

	(void)state;
	call(v0, PSCI_CPU_ON_64, 1, 0x40201000, 0, &r);
	on_cpu_park(2);
	assert_int_equal(call(v1, PSCI_SYSTEM_OFF, 0, 0, 0, &r), LEFT_OFF);
	assert_int_equal(p->state, PART_OFF);
	/* vCPU 0 was told to stop; serving the mailbox parks it. */
	assert_int_equal(percpu[1].mailbox, REQ_STOP);
	assert_int_equal(on_cpu_mailbox(1), LEFT_PARKED);
	assert_int_equal(v0->state, VCPU_OFF);
}

static void system_reset_restarts_from_vcpu0(void **state)
{
	s64 r;

	(void)state;
	call(v0, PSCI_CPU_ON_64, 1, 0x40201000, 0, &r);
	on_cpu_park(2);
	/* vCPU 1 asks for a reset: it parks, vCPU 0's CPU is told. */
	assert_int_equal(call(v1, PSCI_SYSTEM_RESET, 0, 0, 0, &r), LEFT_PARKED);
	assert_int_equal(p->state, PART_RESET);
	assert_int_equal(v1->state, VCPU_OFF);
	assert_int_equal(percpu[1].mailbox, REQ_STOP);
	/* vCPU 0's CPU carries the reset out and boots the partition again. */
	assert_int_equal(on_cpu_mailbox(1), LEFT_ENTERED);
	assert_int_equal(p->state, PART_RUNNING);
	assert_int_equal(p->boots, 2);
	assert_int_equal(v0->state, VCPU_ON);
	assert_int_equal(v1->state, VCPU_OFF);
	assert_int_equal(entered_at[1], 0x40200000);
	assert_non_null(strstr(log_buf, "started (boot 2)"));
}

static void fault_with_stop_policy(void **state)
{
	struct fault_info f = { "data abort", 0x93c08046, 0x7f000000,
				0x7f000000 };
	int r;

	(void)state;
	current = &percpu[1];
	r = setjmp(leave);
	if (!r)
		partition_fault(v0, &f);
	/* The only partition stopped: the machine powers off. */
	assert_int_equal(r, LEFT_OFF);
	assert_int_equal(p->state, PART_STOPPED);
	assert_non_null(strstr(
		log_buf,
		"fault: partition p vcpu 0: data abort; ESR 0x93c08046 IPA 0x7f000000 VA 0x7f000000 ELR 0x40200000: stopped"));
}

static int setup_direct(void **state)
{
	config = &part_configs[1];
	setup(state);
	config = &part_configs[0];
	return 0;
}

/*
 * A direct partition: its CPU interface handed over at every vCPU start
 * and back at every park; its stage 2 fenced when it stops and open again
 * when it restarts; a vCPU running into the fence parks without a fault
 * report, and the reset goes on as usual.
 */
static void direct_fence_and_restart(void **state)
{
	struct fault_info f = { "data abort", 0x93c08046, 0, 0x40000000 };
	s64 r;

	(void)state;
	assert_int_equal(fake_gic.direct, 1);
	assert_int_equal(fences[0], 1);
	call(v0, PSCI_CPU_ON_64, 1, 0x40201000, 0, &r);
	assert_int_equal(on_cpu_park(2), LEFT_ENTERED);
	assert_int_equal(call(v1, PSCI_SYSTEM_RESET, 0, 0, 0, &r), LEFT_PARKED);
	assert_int_equal(fake_gic.direct, 0); /* vCPU 1 parked */
	assert_int_equal(fences[1], 1);
	current = &percpu[1];
	if (!setjmp(leave))
		partition_fault(v0, &f);
	assert_null(strstr(log_buf, "fault:"));
	assert_int_equal(p->boots, 2);
	assert_int_equal(p->state, PART_RUNNING);
	assert_int_equal(fences[0], 2);
	assert_int_equal(fake_gic.direct, 1);
	assert_int_equal(entered_at[1], 0x40200000);
}

/* A partition using the virtual interface is never fenced. */
static void virtual_not_fenced(void **state)
{
	s64 r;

	(void)state;
	assert_int_equal(call(v0, PSCI_SYSTEM_RESET, 0, 0, 0, &r),
			 LEFT_ENTERED);
	assert_int_equal(fences[0] + fences[1], 0);
	assert_int_equal(fake_gic.direct_calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(boot_enters_vcpu0, setup),
		cmocka_unit_test_setup(cpu_on_lifecycle, setup),
		cmocka_unit_test_setup(cpu_on_before_the_cpu_parks, setup),
		cmocka_unit_test_setup(cpu_on_half_written_waits, setup),
		cmocka_unit_test_setup(cpu_on_does_not_outlive_its_boot, setup),
		cmocka_unit_test_setup(cpu_suspend_wakes_at_once, setup),
		cmocka_unit_test_setup(cpu_on_errors, setup),
		cmocka_unit_test_setup(last_cpu_off_ends_partition_and_machine,
				       setup),
		cmocka_unit_test_setup(system_off_stops_other_vcpus, setup),
		cmocka_unit_test_setup(system_reset_restarts_from_vcpu0, setup),
		cmocka_unit_test_setup(fault_with_stop_policy, setup),
		cmocka_unit_test_setup(direct_fence_and_restart, setup_direct),
		cmocka_unit_test_setup(virtual_not_fenced, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
