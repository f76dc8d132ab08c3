// SPDX-License-Identifier: MIT
/*
 * The generic core on the host, against the fake arch (fake_arch.c) and
 * the fake GIC: boot (main.c: the EL2 map, stage 2 of every partition,
 * CPU start-up, the system map, stack painting), the console (console.c:
 * tagged lines, escaping, the UART under its lock, a console driver's
 * rings, what is left when the driver stops), the stage-2 fence of a
 * direct partition (stage2.c) and the carrying out of decoded calls
 * (calls.c) with partition.c, exits.c, vdev.c, vgic.c and rng.c as they
 * are. A system: "rt" with two vCPUs on slots 1 and 2 (restart on fault)
 * and "drv", a direct partition on slot 3 that drains the console rings.
 */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <bulkhead/console.h>
#include <bulkhead/partition.h>
#include <bulkhead/smccc.h>
#include <bulkhead/vdev.h>

#include "fake_arch.h"
#include "fake_gic.h"
#include "fake_pt.h"

/* The core's layout as the linker script gives it (absolute symbols: the
 * core maps them, never touches them). Host buffers stand for the memory
 * the core writes (images, seeds, rings, the driver page). */
__asm__(".globl __core_start, __text_end, __rodata_end, __core_end\n"
	".globl __images_start, __images_end\n"
	".set __core_start, 0x40200000\n"
	".set __text_end, 0x40208000\n"
	".set __rodata_end, 0x4020a000\n"
	".set __core_end, 0x40210000\n"
	".set __images_start, 0x40400000\n"
	".set __images_end, 0x40410000\n");

/* --- the system (what bhconfig's config.c would hold) ----------------- */

static u8 rt_ram[64]; /* where rt's image and rng seed land */
static const u8 blob[64] = "rt image";
static struct bh_driver_page drv_page;
static struct bh_con_ring rings[4];

static const u8 rt_slots[] = { 1, 2 }, drv_slots[] = { 3 };
static struct mem_region rt_mem[] = {
	{ .pa = 0x42000000, .ipa = 0x40000000, .size = 0x1000000 },
};
static struct mem_region rt_dev[] = {
	{ .pa = 0x09000000, .ipa = 0x09000000, .size = 0x1000 },
};
static const struct image_load rt_img[1] = {
	{ .src = blob, .size = sizeof(blob), .pa = (u64)rt_ram, .name = "rt" },
};
static const struct s2_map rt_maps[] = {
	{ .ipa = 0x50000000,
	  .pa = 0x40800000,
	  .size = 0x1000,
	  .attr = PT_R | PT_NC },
};
static const struct mem_region drv_mem[] = {
	{ .pa = 0x44000000, .ipa = 0x40000000, .size = 0x1000000 },
};

const struct part_config part_configs[2] = {
	{ .name = "rt",
	  .nvcpus = 2,
	  .vcpu_slot = rt_slots,
	  .nmem = 1,
	  .mem = rt_mem,
	  .ndev = 1,
	  .dev = rt_dev,
	  .nimg = 1,
	  .img = rt_img,
	  .entry = 0x40200000,
	  .dtb = 0x40ff0000,
	  .rng_seed = (u64)rt_ram + 32,
	  .nmaps = 1,
	  .maps = rt_maps,
	  .vmid = 1,
	  .on_fault = FAULT_RESTART },
	{ .name = "drv",
	  .nvcpus = 1,
	  .vcpu_slot = drv_slots,
	  .nmem = 1,
	  .mem = drv_mem,
	  .entry = 0x40000000,
	  .drv_page = (u64)&drv_page,
	  .vmid = 2,
	  .on_fault = FAULT_STOP,
	  .direct = 1 },
};
const u32 nr_partitions = 2;
const struct cpu_config cpu_configs[] = {
	{ .mpidr = 0x0, .phys = 0, .part = -1 },
	{ .mpidr = 0x1, .phys = 1, .part = 0, .vcpu = 0 },
	{ .mpidr = 0x2, .phys = 2, .part = 0, .vcpu = 1 },
	{ .mpidr = 0x3, .phys = 3, .part = 1, .vcpu = 0 },
};
const u32 nr_cpus = 4;
static const struct mem_region plat_dev[] = {
	{ .pa = 0x08000000, .size = 0x200000 },
	{ .pa = 0x09000000, .size = 0x200000 },
};
const struct plat_config plat = {
	.config_name = "test.dts",
	.uart = 0x09000000,
	.gicd = 0x08000000,
	.gicr = 0x080a0000,
	.gicr_stride = 0x20000,
	.addr_bits = 32,
	.ndev = 2,
	.dev = plat_dev,
	.shared_base = 0x40800000,
	.shared_size = 0x1000,
	.con_rings = (u64)rings,
	.con_driver = 1,
};
struct partition partitions[2];
struct cpu percpu[4];
struct vspi vspis[1];
const u32 nr_vspis = 0;
const struct vdev_config vdev_configs[1];
const u32 nr_vdevs = 0;
struct vdev vdevs[1];

static u64 pool[16][PT_ENTRIES] __attribute__((aligned(4096)));
static u64 roots[3][PT_ENTRIES] __attribute__((aligned(4096)));
u64 (*const pt_pool_pages)[PT_ENTRIES] = pool;
const u32 pt_pool_total = 16;
u64 *const pt_roots[] = { roots[0], roots[1], roots[2] };

/* --- helpers ------------------------------------------------------------ */

static struct vcpu *rt0 = &percpu[1].vcpu, *rt1 = &percpu[2].vcpu,
		   *drv0 = &percpu[3].vcpu;

noreturn void boot_main(void);
noreturn void secondary_main(u64 slot);

static void boot_step(void *arg)
{
	(void)arg;
	boot_main();
}

static void secondary_step(void *arg)
{
	secondary_main((u64)(uintptr_t)arg);
}

static int boot(void)
{
	return fake_arch_run(&percpu[0], boot_step, NULL);
}

static int secondary(u32 slot)
{
	return fake_arch_run(&percpu[slot], secondary_step,
			     (void *)(uintptr_t)slot);
}

static void uart_clear(void)
{
	fake_arch.uart_len = 0;
	fake_arch.uart[0] = '\0';
}

static bool printed(const char *s)
{
	return strstr(fake_arch.uart, s) != NULL;
}

static bool booted; /* console_smp_on() ran: console.c stays SMP */

/* .bss as a loader leaves it, except that after the first boot the
 * partitions are as partitions_init() leaves them: console.c's SMP mode,
 * static, stays on, and with it a console driver's ring would be used. */
static int setup(void **state)
{
	(void)state;
	memset(partitions, 0, sizeof(partitions));
	for (u32 i = 0; booted && i < nr_partitions; i++)
		partitions[i].state = PART_RESET;
	booted = true;
	memset(percpu, 0, sizeof(percpu));
	memset(rings, 0, sizeof(rings));
	memset(&drv_page, 0, sizeof(drv_page));
	memset(rt_ram, 0, sizeof(rt_ram));
	pt_pool.used = 0;
	fake_gic_reset();
	fake_arch_reset(&percpu[0]);
	return 0;
}

/* Boot, then bring up every CPU as PSCI would: rt's vCPU 0 enters, its
 * vCPU 1 parks (off until CPU_ON), drv's vCPU 0 enters. */
static int setup_booted(void **state)
{
	setup(state);
	assert_int_equal(boot(), LEFT_WAITING);
	assert_int_equal(secondary(1), LEFT_ENTERED);
	assert_int_equal(secondary(2), LEFT_WAITING);
	assert_int_equal(secondary(3), LEFT_ENTERED);
	uart_clear();
	fake_arch.current = &percpu[1];
	return 0;
}

/* Did slot @slot's console ring take @s? */
static bool in_ring(u32 slot, const char *s)
{
	const struct bh_con_ring *r = &rings[slot];

	return memmem((const void *)r->data, r->written, s, strlen(s));
}

static u64 lookup(const struct pt *pt, u64 in, unsigned *level)
{
	paddr_t pa = PA(0);

	if (!pt_lookup(pt, in, level, &pa))
		return ~0UL;
	return pa.pa;
}

/* --- boot (main.c, stage2.c) ---------------------------------------------- */

static void boot_maps_the_core(void **state)
{
	struct pt hyp = { .fmt = &arch_pt_hyp,
			  .root = roots[0],
			  .root_entries = 4,
			  .bits = 32 };
	unsigned level = 0;

	(void)state;
	assert_int_equal(boot(), LEFT_WAITING); /* cpu 0 parks: no vCPU */
	assert_int_equal(fake_arch.mmu_on, 1);
	assert_int_equal(fake_arch.gic_inits, 1);
	assert_int_equal(fake_arch.started, 0xe); /* slots 1, 2 and 3 */
	assert_int_equal(fake_arch.cpu_inits, 1);
	/* Core text, rodata and data in pages; images and RAM in blocks. */
	assert_int_equal(lookup(&hyp, 0x40200123, &level), 0x40200123);
	assert_int_equal(level, 3);
	assert_int_equal(lookup(&hyp, 0x4020f000, &level), 0x4020f000);
	assert_int_equal(lookup(&hyp, 0x40210000, &level), ~0UL);
	assert_int_equal(lookup(&hyp, 0x40400000, &level), 0x40400000);
	assert_int_equal(level, 2);
	assert_int_equal(lookup(&hyp, 0x42ffffff, &level), 0x42ffffff);
	assert_int_equal(lookup(&hyp, 0x44000000, &level), 0x44000000);
	assert_int_equal(lookup(&hyp, 0x09000000, &level), 0x09000000);
	assert_int_equal(lookup(&hyp, 0x40800000, &level), 0x40800000);
	assert_int_equal(lookup(&hyp, 0x40801000, &level), ~0UL);
	assert_true(printed("[bulkhead] Bulkhead: test.dts: 2 partitions; "
			    "core 64 KiB at 0x40200000, tables "));
	assert_true(printed("[bulkhead]  rt       cpu 1,2 ram "
			    "0x42000000+0x1000000@0x40000000 dev 1, restart"));
	assert_true(printed("[bulkhead]  drv      cpu 3 ram "
			    "0x44000000+0x1000000@0x40000000 dev 0, stop"));
	assert_int_equal(fake_arch.zeroed, 0x1000); /* the shared pages */
}

static void boot_builds_stage2(void **state)
{
	const struct pt *s2 = &partitions[0].s2;
	unsigned level = 0;

	(void)state;
	assert_int_equal(boot(), LEFT_WAITING);
	assert_int_equal(lookup(s2, 0x40000000, &level), 0x42000000);
	assert_int_equal(level, 2);
	assert_int_equal(lookup(s2, 0x09000fff, &level), 0x09000fff);
	assert_int_equal(level, 3);
	assert_int_equal(lookup(s2, 0x50000000, &level), 0x40800000);
	assert_int_equal(lookup(s2, 0x41000000, &level), ~0UL);
	assert_int_equal(lookup(s2, 0x09001000, &level), ~0UL);
	/* drv sees its own RAM at the same IPA, nothing of rt's. */
	assert_int_equal(lookup(&partitions[1].s2, 0x40000000, &level),
			 0x44000000);
	assert_int_equal(lookup(&partitions[1].s2, 0x50000000, &level), ~0UL);
	assert_int_equal(partitions[0].vttbr, (u64)roots[1] | 1UL << 48);
	assert_int_equal(partitions[1].vttbr, (u64)roots[2] | 2UL << 48);
	assert_int_equal(partitions[0].state, PART_RESET);
	assert_ptr_equal(percpu[2].vcpu.part, &partitions[0]);
	assert_int_equal(percpu[2].vcpu.id, 1);
	assert_int_equal(percpu[3].vcpu.part_tag, 2);
	assert_null(percpu[0].vcpu.part);
}

static void boot_on_the_wrong_cpu_panics(void **state)
{
	(void)state;
	fake_arch.mpidr = 0x2;
	assert_int_equal(boot(), LEFT_HALTED);
	assert_true(printed("[bulkhead] panic on cpu 0: booted on MPIDR 0x2, "
			    "the config expects 0x0\r\n"));
	assert_int_equal(fake_arch.mmu_on, 0);
}

static void boot_reports_a_cpu_that_did_not_start(void **state)
{
	(void)state;
	fake_arch.start_result = PSCI_INTERNAL_FAILURE;
	assert_int_equal(boot(), LEFT_WAITING);
	assert_true(printed("cpu 1 did not start (PSCI -6)"));
	assert_true(printed("cpu 3 did not start (PSCI -6)"));
}

static void boot_panics_on_an_el2_map_failure(void **state)
{
	(void)state;
	rt_mem[0].pa = 0x40200000; /* over the core itself */
	assert_int_equal(boot(), LEFT_HALTED);
	rt_mem[0].pa = 0x42000000;
	assert_true(printed("EL2 map of 0x40200000-0x41200000 failed (-3)"));
}

static void boot_panics_on_a_stage2_failure(void **state)
{
	(void)state;
	rt_dev[0].ipa = 0x40000000; /* over its own RAM */
	assert_int_equal(boot(), LEFT_HALTED);
	rt_dev[0].ipa = 0x09000000;
	assert_true(printed("partition rt: stage-2 map failed (-3)"));
}

static void secondaries_enter_or_park(void **state)
{
	(void)state;
	assert_int_equal(boot(), LEFT_WAITING);
	assert_int_equal(secondary(1), LEFT_ENTERED);
	assert_int_equal(fake_arch.entered_at, 0x40200000);
	assert_int_equal(fake_arch.entered_arg, 0x40ff0000);
	assert_int_equal(partitions[0].state, PART_RUNNING);
	assert_int_equal(partitions[0].boots, 1);
	assert_true(printed("partition rt: started (boot 1) at 5000 us"));
	/* Its image is loaded, and its seed is not the build-time one. */
	assert_memory_equal(rt_ram, blob, 32);
	assert_memory_not_equal(rt_ram + 32, blob + 32, 32);
	assert_int_equal(secondary(2), LEFT_WAITING);
	assert_int_equal(rt1->state, VCPU_OFF);
	/* A direct partition's stage 2 is opened as it starts. */
	assert_int_equal(secondary(3), LEFT_ENTERED);
	assert_int_equal(fake_arch.fences[0], 1);
	assert_int_equal(fake_gic.direct, 1);
	assert_int_equal(fake_arch.cpu_inits, 4);
}

static void stack_report_shows_the_deepest(void **state)
{
	(void)state;
	partitions[1].state = PART_STOPPED; /* the UART, not its ring */
	stack_report();
	/* Every CPU painted below half its stack, minus 32 words. */
	assert_true(printed("[bulkhead] stack: at most 1280 of 2048 bytes "
			    "used\r\n"));
	memset(percpu[2].stack, 0, 64); /* as if it went 64 bytes deeper */
	uart_clear();
	stack_report();
	assert_true(printed("stack: at most 2048 of 2048 bytes used"));
}

/* --- the console (console.c) -------------------------------------------- */

static s64 write_str(struct vcpu *v, const char *s)
{
	return console_guest_write(v, s, (u32)strlen(s));
}

static void guest_lines_go_to_the_uart(void **state)
{
	(void)state;
	/* drv is stopped: no rings, the UART directly. */
	partitions[1].state = PART_STOPPED;
	assert_int_equal(write_str(rt0, "hello"), SMCCC_SUCCESS);
	assert_int_equal(fake_arch.uart_len, 0); /* not a whole line yet */
	assert_int_equal(write_str(rt0, " world\r\n"), SMCCC_SUCCESS);
	assert_string_equal(fake_arch.uart, "[rt] hello world\r\n");
	uart_clear();
	/* Control bytes are shown, never sent; tabs pass. */
	assert_int_equal(write_str(rt1, "\x1b[2J\tok\x9b\n"), SMCCC_SUCCESS);
	assert_string_equal(fake_arch.uart, "[rt] \\x1b[2J\tok\\x9b\r\n");
}

static void long_lines_are_split(void **state)
{
	char line[CON_LINE + 10];

	(void)state;
	partitions[1].state = PART_STOPPED;
	memset(line, 'a', sizeof(line));
	line[sizeof(line) - 1] = '\n';
	assert_int_equal(console_guest_write(rt0, line, sizeof(line)),
			 SMCCC_SUCCESS);
	/* CON_LINE characters, then the 9 left on a line of their own. */
	assert_int_equal(fake_arch.uart_len, 2 * (5 + 2) + sizeof(line) - 1);
	assert_string_equal(fake_arch.uart + 5 + CON_LINE,
			    "\r\n[rt] aaaaaaaaa\r\n");
	/* An escape that would not fit starts the next line. */
	uart_clear();
	memset(line, 'b', CON_LINE - 2);
	line[CON_LINE - 2] = '\x01';
	assert_int_equal(console_guest_write(rt0, line, CON_LINE - 1),
			 SMCCC_SUCCESS);
	assert_int_equal(fake_arch.uart_len, 5 + (CON_LINE - 2) + 2);
	assert_int_equal(rt0->line_len, 4);
}

static void flush_prints_what_is_left(void **state)
{
	(void)state;
	partitions[1].state = PART_STOPPED;
	console_guest_flush(rt0); /* nothing yet: prints nothing */
	assert_int_equal(fake_arch.uart_len, 0);
	write_str(rt0, "partial");
	console_guest_flush(rt0);
	assert_string_equal(fake_arch.uart, "[rt] partial\r\n");
	write_str(rt0, "gone");
	console_hooks.vcpu_start(rt0); /* a restart forgets it */
	console_guest_flush(rt0);
	assert_string_equal(fake_arch.uart, "[rt] partial\r\n");
}

static void printk_ends_lines_with_crlf(void **state)
{
	(void)state;
	partitions[1].state = PART_STOPPED;
	printk("a\nb %d\n", -5);
	assert_string_equal(fake_arch.uart, "a\r\nb -5\r\n");
}

static void lines_go_to_the_driver_ring(void **state)
{
	struct bh_con_ring *r = &rings[1];

	(void)state;
	/* drv runs: this CPU's lines go to its own ring, and the driver's
	 * doorbell is rung when armed. */
	drv_page.armed = 1;
	assert_int_equal(write_str(rt0, "to the ring\n"), SMCCC_SUCCESS);
	assert_int_equal(fake_arch.uart_len, 0);
	assert_int_equal(r->written, 18);
	assert_memory_equal((const char *)r->data, "[rt] to the ring\r\n", 18);
	assert_int_equal(partitions[1].doorbell_rung, 1);
	pr("core line\n");
	assert_int_equal(r->written, 18 + 22);
	/* The driver read nothing: a line that does not fit is refused... */
	r->written = BH_CON_RING - 4;
	drv_page.con_read[1] = 0;
	assert_int_equal(write_str(rt0, "no room\n"), BH_BUSY);
	assert_int_equal(rt0->line_len, 0);
	/* ...but bytes that end no line are taken, and the core's own
	 * messages go to the UART instead. */
	assert_int_equal(write_str(rt0, "part"), SMCCC_SUCCESS);
	pr("core line\n");
	assert_string_equal(fake_arch.uart, "[bulkhead] core line\r\n");
	/* A driver claiming to have read more than was written leaves
	 * no room at all. */
	drv_page.con_read[1] = BH_CON_RING + 100;
	assert_int_equal(write_str(rt0, "\n"), BH_BUSY);
}

static void a_stopping_driver_leaves_nothing_unread(void **state)
{
	(void)state;
	write_str(rt0, "first\n");
	fake_arch.current = &percpu[2];
	write_str(rt1, "second\n");
	assert_int_equal(fake_arch.uart_len, 0);
	/* A restart of the driver keeps the rings; a stop drains them. */
	console_hooks.stop(&partitions[1], PART_RESET);
	assert_int_equal(fake_arch.uart_len, 0);
	console_hooks.stop(&partitions[0], PART_STOPPED); /* not the driver */
	assert_int_equal(fake_arch.uart_len, 0);
	drv_page.con_read[1] = 2; /* it had read two bytes of the first */
	console_hooks.stop(&partitions[1], PART_STOPPED);
	assert_string_equal(fake_arch.uart, "t] first\r\n[rt] second\r\n");
	/* A read position too far behind: only the last ring's worth. */
	uart_clear();
	rings[1].written = BH_CON_RING + 10;
	drv_page.con_read[1] = 0;
	rings[2].written = 0;
	drv_page.con_read[2] = 0;
	console_hooks.stop(&partitions[1], PART_OFF);
	assert_int_equal(fake_arch.uart_len, BH_CON_RING);
}

static struct {
	s64 result;
	int calls;
} nested;

/* While one CPU holds the UART, another CPU's guest line is refused. */
static void write_while_held(void)
{
	if (nested.calls++)
		return;
	nested.result = write_str(rt1, "other\n");
}

static void a_held_uart_makes_guests_wait(void **state)
{
	(void)state;
	partitions[1].state = PART_STOPPED;
	console_smp_on();
	fake_arch.on_uart = write_while_held;
	memset(&nested, 0, sizeof(nested));
	assert_int_equal(write_str(rt0, "mine\n"), SMCCC_SUCCESS);
	assert_int_equal(nested.result, BH_BUSY);
	assert_string_equal(fake_arch.uart, "[rt] mine\r\n");
	fake_arch.on_uart = NULL;
	/* Free again: it goes through. */
	assert_int_equal(write_str(rt1, "other\n"), SMCCC_SUCCESS);
}

static void panic_names_the_cpu(void **state)
{
	(void)state;
	partitions[1].state = PART_STOPPED;
	fake_arch.current = &percpu[2];
	assert_int_equal(fake_arch_run(&percpu[2], (void (*)(void *))panic,
				       (void *)"oops"),
			 LEFT_HALTED);
	assert_string_equal(fake_arch.uart,
			    "[bulkhead] panic on cpu 2: oops\r\n");
}

/* --- calls (calls.c) -------------------------------------------------- */

static struct call_req req;

static void invoke_step(void *arg)
{
	call_invoke(arg, &req);
}

static int invoke(struct vcpu *v, struct call_req r)
{
	req = r;
	return fake_arch_run(container_of(v, struct cpu, vcpu), invoke_step, v);
}

static void hypercalls(void **state)
{
	u64 *x = rt0->regs.x;

	(void)state;
	partitions[1].state = PART_STOPPED;
	invoke(rt0, (struct call_req){ .op = CALL_INVALID, .error = -2 });
	assert_int_equal(x[0], (u64)-2);
	invoke(rt0, (struct call_req){ .op = CALL_HC_VERSION });
	assert_int_equal(x[0], BH_ABI_VERSION);
	invoke(rt0, (struct call_req){ .op = CALL_HC_CONSOLE,
				       .console = { 3, "hi\n" } });
	assert_int_equal(x[0], SMCCC_SUCCESS);
	assert_string_equal(fake_arch.uart, "[rt] hi\r\n");
	invoke(rt0, (struct call_req){ .op = CALL_HC_WHOAMI });
	assert_int_equal(x[0], SMCCC_SUCCESS);
	assert_int_equal(x[1], 0); /* partition index */
	assert_int_equal(x[2], 0); /* vCPU */
	assert_int_equal(x[3], 2); /* vCPUs */
	assert_int_equal(x[4], 1); /* physical CPU */
	assert_int_equal(x[5], 1); /* boots */
	assert_string_equal((const char *)&x[6], "rt");
	rt1->exits[EXIT_HVC] = 7;
	rt1->exits[EXIT_SMC] = 9;
	invoke(rt0, (struct call_req){ .op = CALL_HC_EXITS, .exits_vcpu = 1 });
	assert_int_equal(x[0], SMCCC_SUCCESS);
	assert_int_equal(x[1], 7 | 9UL << 32);
	/* rt serves no device. */
	invoke(rt0, (struct call_req){ .op = CALL_HC_VDEV,
				       .vdev = { 0, 1, false } });
	assert_int_equal(x[0], (u64)SMCCC_INVALID_PARAMETER);
	invoke(rt0, (struct call_req){ .op = CALL_UNSUPPORTED });
	assert_int_equal(x[0], (u64)SMCCC_NOT_SUPPORTED);
}

static void psci_queries(void **state)
{
	u64 *x = rt0->regs.x;

	(void)state;
	invoke(rt0, (struct call_req){ .op = CALL_PSCI_VERSION });
	assert_int_equal(x[0], PSCI_VERSION_1_1);
	invoke(rt0, (struct call_req){ .op = CALL_PSCI_FEATURES,
				       .feature = PSCI_CPU_ON_64 });
	assert_int_equal(x[0], PSCI_SUCCESS);
	invoke(rt0, (struct call_req){ .op = CALL_PSCI_FEATURES,
				       .feature = PSCI_SYSTEM_SUSPEND_64 });
	assert_int_equal(x[0], (u64)PSCI_NOT_SUPPORTED);
	invoke(rt0, (struct call_req){ .op = CALL_PSCI_MIGRATE_INFO_TYPE });
	assert_int_equal(x[0], PSCI_TOS_NOT_PRESENT_MP);
	invoke(rt0, (struct call_req){ .op = CALL_PSCI_CPU_SUSPEND });
	assert_int_equal(x[0], PSCI_SUCCESS);
	invoke(rt0,
	       (struct call_req){ .op = CALL_PSCI_AFFINITY_INFO, .target = 1 });
	assert_int_equal(x[0], 1); /* off */
}

static void psci_cpu_on_and_off(void **state)
{
	u64 *x = rt0->regs.x;

	(void)state;
	invoke(rt0, (struct call_req){ .op = CALL_PSCI_CPU_ON,
				       .cpu_on = { 1, 0x40300000, 42 } });
	assert_int_equal(x[0], PSCI_SUCCESS);
	assert_int_equal(rt1->state, VCPU_PENDING);
	assert_int_equal(fake_arch.doorbells[2], 1);
	invoke(rt0,
	       (struct call_req){ .op = CALL_PSCI_AFFINITY_INFO, .target = 1 });
	assert_int_equal(x[0], 2); /* on pending */
	invoke(rt0, (struct call_req){ .op = CALL_PSCI_CPU_ON,
				       .cpu_on = { 1, 0x40300000, 42 } });
	assert_int_equal(x[0], (u64)PSCI_ON_PENDING);
	/* vCPU 1's CPU takes the request and enters at the entry point. */
	assert_int_equal(fake_arch_run(&percpu[2], (void (*)(void *))cpu_park,
				       &percpu[2]),
			 LEFT_ENTERED);
	assert_int_equal(fake_arch.entered_at, 0x40300000);
	assert_int_equal(fake_arch.entered_arg, 42);
	invoke(rt0,
	       (struct call_req){ .op = CALL_PSCI_AFFINITY_INFO, .target = 1 });
	assert_int_equal(x[0], 0); /* on */
	/* CPU_OFF: the vCPU parks; its partition runs on. */
	assert_int_equal(invoke(rt1,
				(struct call_req){ .op = CALL_PSCI_CPU_OFF }),
			 LEFT_WAITING);
	assert_int_equal(rt1->state, VCPU_OFF);
	assert_int_equal(partitions[0].state, PART_RUNNING);
}

static void psci_system_off_and_reset(void **state)
{
	(void)state;
	/* SYSTEM_RESET: rt restarts (vCPU 0 reloads it and enters again). */
	assert_int_equal(
		invoke(rt0, (struct call_req){ .op = CALL_PSCI_SYSTEM_RESET }),
		LEFT_ENTERED);
	assert_true(in_ring(1, "partition rt: reset (PSCI SYSTEM_RESET)"));
	assert_int_equal(partitions[0].boots, 2);
	assert_int_equal(fake_arch.zeroed, 0x1000 + 0x1000000);
	/* SYSTEM_OFF of drv (direct): fenced; rt still runs. */
	assert_int_equal(
		invoke(drv0, (struct call_req){ .op = CALL_PSCI_SYSTEM_OFF }),
		LEFT_WAITING);
	assert_int_equal(partitions[1].state, PART_OFF);
	assert_int_equal(fake_arch.fences[1], 1);
	/* SYSTEM_OFF of the last one powers the machine off. */
	assert_int_equal(
		invoke(rt0, (struct call_req){ .op = CALL_PSCI_SYSTEM_OFF }),
		LEFT_OFF);
	assert_true(printed("no partition is running: system off"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* First: a panic before partitions_init() prints on the UART
		 * although .bss says the console driver is running. */
		cmocka_unit_test_setup(boot_on_the_wrong_cpu_panics, setup),
		cmocka_unit_test_setup(boot_maps_the_core, setup),
		cmocka_unit_test_setup(boot_builds_stage2, setup),
		cmocka_unit_test_setup(boot_reports_a_cpu_that_did_not_start,
				       setup),
		cmocka_unit_test_setup(boot_panics_on_an_el2_map_failure,
				       setup),
		cmocka_unit_test_setup(boot_panics_on_a_stage2_failure, setup),
		cmocka_unit_test_setup(secondaries_enter_or_park, setup),
		cmocka_unit_test_setup(stack_report_shows_the_deepest,
				       setup_booted),
		cmocka_unit_test_setup(guest_lines_go_to_the_uart,
				       setup_booted),
		cmocka_unit_test_setup(long_lines_are_split, setup_booted),
		cmocka_unit_test_setup(flush_prints_what_is_left, setup_booted),
		cmocka_unit_test_setup(printk_ends_lines_with_crlf,
				       setup_booted),
		cmocka_unit_test_setup(lines_go_to_the_driver_ring,
				       setup_booted),
		cmocka_unit_test_setup(a_stopping_driver_leaves_nothing_unread,
				       setup_booted),
		cmocka_unit_test_setup(a_held_uart_makes_guests_wait,
				       setup_booted),
		cmocka_unit_test_setup(panic_names_the_cpu, setup_booted),
		cmocka_unit_test_setup(hypercalls, setup_booted),
		cmocka_unit_test_setup(psci_queries, setup_booted),
		cmocka_unit_test_setup(psci_cpu_on_and_off, setup_booted),
		cmocka_unit_test_setup(psci_system_off_and_reset, setup_booted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
