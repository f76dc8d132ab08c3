// SPDX-License-Identifier: MIT
/*
 * Boot. CPU 0 maps the core (W^X at 4 KiB granularity), the guest images
 * (read-only), partition memory (for loading images) and the devices the
 * core drives, turns its MMU on, prints the system map, builds every
 * partition's stage-2 tables, brings up the GIC and starts the other CPUs
 * the config uses with PSCI CPU_ON. Every CPU then enters vCPU 0 of its
 * partition, or parks until PSCI CPU_ON asks for its vCPU. CPUs no
 * partition uses are never started.
 */
#include <bulkhead/arch.h>
#include <bulkhead/console.h>
#include <bulkhead/lib.h>
#include <bulkhead/partition.h>
#include <bulkhead/rng.h>
#include <bulkhead/vdev.h>

extern char __core_start[], __text_end[], __rodata_end[], __core_end[];
extern char __images_start[], __images_end[];

struct pt_pool pt_pool;
static struct pt hyp_pt;

static void hyp_map(u64 start, u64 end, unsigned attr)
{
	int err;

	if (start == end) {
		return;
	}
	err = pt_map(&hyp_pt, start, PA(start), end - start, attr);
	if (err != 0) {
		panic("EL2 map of 0x%lx-0x%lx failed (%d)", start, end, err);
	}
}

static void hyp_map_all(void)
{
	u32 i, j;

	pt_pool.pages = pt_pool_pages;
	pt_pool.total = pt_pool_total;
	pt_init(&hyp_pt, &arch_pt_hyp, &pt_pool, pt_roots[0], plat.addr_bits);
	hyp_map((u64)__core_start, (u64)__text_end, PT_R | PT_X);
	hyp_map((u64)__text_end, (u64)__rodata_end, PT_R);
	hyp_map((u64)__rodata_end, (u64)__core_end, PT_R | PT_W);
	hyp_map((u64)__images_start, ROUND_UP((u64)__images_end, SZ_2M), PT_R);
	for (i = 0; i < nr_partitions; i++) {
		for (j = 0; j < part_configs[i].nmem; j++) {
			const struct mem_region *m = &part_configs[i].mem[j];

			hyp_map(m->pa, m->pa + m->size, PT_R | PT_W);
		}
	}
	for (i = 0; i < plat.ndev; i++) {
		hyp_map(plat.dev[i].pa, plat.dev[i].pa + plat.dev[i].size,
			PT_R | PT_W | PT_DEVICE);
	}
	hyp_map(plat.shared_base, plat.shared_base + plat.shared_size,
		PT_R | PT_W | PT_NC);
}

static void print_map(void)
{
	u32 i, j;

	pr("Bulkhead: %s: %u partitions; core %lu KiB at 0x%lx, tables %u/%u pages\n",
	   plat.config_name, nr_partitions,
	   ((u64)__core_end - (u64)__core_start) >> 10, (u64)__core_start,
	   pt_pool.used, pt_pool.total);
	for (i = 0; i < nr_partitions; i++) {
		const struct part_config *c = &part_configs[i];

		printk("[bulkhead]  %-8s cpu", c->name);
		for (j = 0; j < c->nvcpus; j++) {
			printk("%c%u", j ? ',' : ' ',
			       cpu_configs[c->vcpu_slot[j]].phys);
		}
		for (j = 0; j < c->nmem; j++) {
			printk(" ram 0x%lx+0x%lx@0x%lx", c->mem[j].pa,
			       c->mem[j].size, c->mem[j].ipa);
		}
		printk(" dev %u, %s\n", c->ndev,
		       c->on_fault == (u8)FAULT_RESTART ? "restart" : "stop");
	}
}

/* Paint this CPU's stack below the frames in use, for stack_report(). */
static void stack_paint(struct cpu *c)
{
	u64 *w = (u64 *)c->stack;
	u64 *sp = (u64 *)arch_stack_pointer() - 32;

	while (w < sp) {
		*w = STACK_PAINT;
		w++;
	}
}

void stack_report(void)
{
	u32 most = 0;

	for (u32 i = 0; i < nr_cpus; i++) {
		u32 n = 0;

		while (n < CPU_STACK_SIZE / 8U &&
		       ((u64 *)percpu[i].stack)[n] == STACK_PAINT) {
			n++;
		}
		most = MAX(most, CPU_STACK_SIZE - 8U * n);
	}
	pr("stack: at most %u of %u bytes used\n", most, CPU_STACK_SIZE);
}

static noreturn void cpu_main(struct cpu *c)
{
	stack_paint(c);
	arch_cpu_init(c);
	if (c->cfg->part >= 0 && c->cfg->vcpu == 0U) {
		partition_start(c->vcpu.part);
	}
	cpu_park(c);
}

/* Every slot is set up before any other CPU starts: a vCPU may address a
 * sibling (SGI, CPU_ON, its redistributor frame) before that one's CPU
 * has run a line of code. */
static void cpu_setup(u32 slot)
{
	struct cpu *c = &percpu[slot];
	const struct cpu_config *cfg = &cpu_configs[slot];

	c->slot = slot;
	c->cfg = cfg;
	if (cfg->part >= 0) {
		c->vcpu.part = &partitions[cfg->part];
		c->vcpu.part_tag = (u8)((u32)cfg->part + 1U);
		c->vcpu.id = cfg->vcpu;
	}
}

/** First C code on the boot CPU (head.S), MMU off, .bss cleared. */
noreturn void boot_main(void);
noreturn void boot_main(void)
{
	u64 mpidr = arch_cpu_mpidr();
	u32 i;

	for (i = 0; i < nr_cpus; i++) {
		cpu_setup(i);
	}
	if (mpidr != cpu_configs[0].mpidr) {
		panic("booted on MPIDR 0x%lx, the config expects 0x%lx", mpidr,
		      cpu_configs[0].mpidr);
	}
	hyp_map_all();
	arch_mmu_enable(pt_roots[0], plat.addr_bits, true);
	partitions_init();
	rng_init();
	vdev_init();
	print_map();
	arch_gic_init();
	console_smp_on();
	for (i = 1; i < nr_cpus; i++) {
		s64 err = arch_cpu_start(cpu_configs[i].mpidr, i);

		if (err != 0) {
			pr("cpu %u did not start (PSCI %ld)\n",
			   cpu_configs[i].phys, err);
		}
	}
	cpu_main(&percpu[0]);
}

/**
 * First C code on a secondary CPU (head.S), MMU off. Until the MMU is on
 * this CPU's data accesses bypass the caches. It reads only pt_roots[0]
 * and plat, which reached memory before the boot CPU turned its caches on,
 * and writes only stack frames of noreturn functions, never read back.
 * Nothing else may be added here.
 */
noreturn void secondary_main(u64 slot);
noreturn void secondary_main(u64 slot)
{
	arch_mmu_enable(pt_roots[0], plat.addr_bits, false);
	cpu_main(&percpu[slot]);
}
