// SPDX-License-Identifier: MIT
/*
 * The config validator (tools/bhconfig/validate.c) on hand-made models:
 * a good system passes; each kind of conflict produces exactly its error,
 * naming the file, the partition node and the reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bhconfig.h"

static struct config *base(void)
{
	struct config *c = calloc(1, sizeof(*c));

	c->file = "t.dts";
	c->ncpus = 4;
	for (int i = 0; i < 4; i++) {
		snprintf(c->cpu[i].path, sizeof(c->cpu[i].path), "/cpus/cpu@%d",
			 i);
		c->cpu[i].mpidr = (uint64_t)i;
		c->cpu[i].owner = -1;
	}
	c->nram = 1;
	c->ram[0] = (struct region){ 0x40000000, 0x80000000 };
	c->gicd = 0x08000000;
	c->gicd_size = 0x10000;
	c->gicr = 0x080a0000;
	c->gicr_stride = 0x20000;
	c->hyp = (struct region){ 0x40200000, 0x600000 };
	c->ndevs = 2;
	c->dev[0] = (struct pdev){ .path = "/pl011@9000000",
				   .compatible = "arm,pl011",
				   .reg = { { 0x09000000, 0x1000 } },
				   .nreg = 1,
				   .irq = { 33 },
				   .nirq = 1,
				   .owner = -1 };
	c->dev[1] = (struct pdev){ .path = "/pl031@9010000",
				   .compatible = "arm,pl031",
				   .reg = { { 0x09010000, 0x1000 } },
				   .nreg = 1,
				   .irq = { 34 },
				   .nirq = 1,
				   .owner = -1 };
	c->console = 0;
	return c;
}

static struct part *add_part(struct config *c, const char *name, int cpu,
			     uint64_t mem, uint64_t size)
{
	struct part *p = &c->part[c->nparts++];

	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->path, sizeof(p->path), "/partitions/%s", name);
	p->cpu[p->ncpus++] = cpu;
	p->mem[0] = (struct region){ mem, size };
	p->ipa[0] = 0x40000000;
	p->nmem = 1;
	return p;
}

static void expect_errors(struct config *c, const char *const *want, int n)
{
	config_validate(c);
	for (int i = 0; i < c->nerrors && i < n; i++)
		assert_string_equal(c->errors[i], want[i]);
	assert_int_equal(c->nerrors, n);
	diag_free(c);
	free(c);
}

static void good_config(void **state)
{
	struct config *c = base();

	(void)state;
	add_part(c, "rt", 1, 0x42000000, 0x1000000);
	add_part(c, "app", 2, 0x43000000, 0x1000000)->dev[0] = 1;
	c->part[1].ndev = 1;
	expect_errors(c, NULL, 0);
}

static void cpu_twice(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/b: cpu@1 is already used by /partitions/a",
	};

	(void)state;
	add_part(c, "a", 1, 0x42000000, 0x1000000);
	add_part(c, "b", 1, 0x43000000, 0x1000000);
	expect_errors(c, want, 1);
}

static void cpu_listed_twice(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/a: cpus lists cpu@2 twice",
	};
	struct part *p;

	(void)state;
	p = add_part(c, "a", 2, 0x42000000, 0x1000000);
	p->cpu[p->ncpus++] = 2;
	expect_errors(c, want, 1);
}

static void memory_overlap(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/b: memory 0x42800000+0x1000000 overlaps /partitions/a",
	};

	(void)state;
	add_part(c, "a", 1, 0x42000000, 0x1000000);
	add_part(c, "b", 2, 0x42800000, 0x1000000);
	expect_errors(c, want, 1);
}

static void memory_misaligned_outside_hyp(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/a: memory 0x42000800+0x100000 is not 4 KiB aligned",
		"error: t.dts: /partitions/b: memory 0xc0000000+0x100000 is not inside the platform's RAM",
		"error: t.dts: /partitions/c: memory 0x40400000+0x100000 overlaps the hypervisor's region",
	};

	(void)state;
	add_part(c, "a", 1, 0x42000800, 0x100000);
	add_part(c, "b", 2, 0xc0000000, 0x100000);
	add_part(c, "c", 3, 0x40400000, 0x100000);
	expect_errors(c, want, 3);
}

static void device_granted_twice(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/b: device /pl031@9010000 is already granted to /partitions/a",
	};

	(void)state;
	add_part(c, "a", 1, 0x42000000, 0x1000000)->dev[0] = 1;
	c->part[0].ndev = 1;
	add_part(c, "b", 2, 0x43000000, 0x1000000)->dev[0] = 1;
	c->part[1].ndev = 1;
	expect_errors(c, want, 1);
}

static void device_page_and_irq_sharing(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/b: device /virtio@a000200 shares a 4 KiB page with /virtio@a000000 of /partitions/a",
		"error: t.dts: /partitions/b: interrupt 48 of /virtio@a000200 is already owned by /partitions/a (through /virtio@a000000)",
	};

	(void)state;
	c->dev[2] = (struct pdev){ .path = "/virtio@a000000",
				   .reg = { { 0xa000000, 0x200 } },
				   .nreg = 1,
				   .irq = { 48 },
				   .nirq = 1,
				   .owner = -1 };
	c->dev[3] = (struct pdev){ .path = "/virtio@a000200",
				   .reg = { { 0xa000200, 0x200 } },
				   .nreg = 1,
				   .irq = { 48 },
				   .nirq = 1,
				   .owner = -1 };
	c->ndevs = 4;
	add_part(c, "a", 1, 0x42000000, 0x1000000)->dev[0] = 2;
	c->part[0].ndev = 1;
	add_part(c, "b", 2, 0x43000000, 0x1000000)->dev[0] = 3;
	c->part[1].ndev = 1;
	expect_errors(c, want, 2);
}

static void gic_not_grantable(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/a: device /intc@8000000 is the interrupt controller, which the core owns",
	};

	(void)state;
	c->dev[2] = (struct pdev){ .path = "/intc@8000000",
				   .reg = { { 0x8000000, 0x10000 } },
				   .nreg = 1,
				   .owner = -1 };
	c->ndevs = 3;
	add_part(c, "a", 1, 0x42000000, 0x1000000)->dev[0] = 2;
	c->part[0].ndev = 1;
	expect_errors(c, want, 1);
}

static void guest_space_collision(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/a: memory-ipa 0x8000000+0x10000 collides with the virtual GIC distributor in the guest address space",
	};

	(void)state;
	add_part(c, "a", 1, 0x42000000, 0x10000)->ipa[0] = 0x08000000;
	expect_errors(c, want, 1);
}

static void names_and_hypervisor(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /hypervisor: memory 0x40300000+0x600000 must be 2 MiB aligned",
		"error: t.dts: /partitions/Bad.Name: partition names use a-z, 0-9, '-' and '_' (1 to 15 characters)",
	};

	(void)state;
	c->hyp.base = 0x40300000;
	add_part(c, "Bad.Name", 1, 0x42000000, 0x1000000);
	expect_errors(c, want, 2);
}

static void too_many_interrupts(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/a: its devices bring 48 interrupts; a partition owns at most 47",
	};
	struct part *p;

	(void)state;
	p = add_part(c, "a", 1, 0x42000000, 0x1000000);
	for (int d = 0; d < 6; d++) {
		struct pdev *dev = &c->dev[2 + d];

		snprintf(dev->path, sizeof(dev->path), "/dev@%d", d);
		dev->reg[0] =
			(struct region){ 0x0c000000 + 0x1000UL * (unsigned)d,
					 0x1000 };
		dev->nreg = 1;
		dev->nirq = 8;
		for (int i = 0; i < 8; i++)
			dev->irq[i] = (uint32_t)(64 + d * 8 + i);
		dev->owner = -1;
		p->dev[p->ndev++] = 2 + d;
	}
	c->ndevs = 8;
	expect_errors(c, want, 1);
}

static void dma_devices_need_consent(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/a: device /fw-cfg@9020000 can master the bus (DMA) and nothing confines it to this partition's memory: list it in dma-devices to accept that",
	};
	struct part *p;

	(void)state;
	c->dev[2] = (struct pdev){ .path = "/fw-cfg@9020000",
				   .reg = { { 0x09020000, 0x18 } },
				   .nreg = 1,
				   .dma = true,
				   .owner = -1 };
	c->ndevs = 3;
	p = add_part(c, "a", 1, 0x42000000, 0x1000000);
	p->dev[p->ndev++] = 2;
	expect_errors(c, want, 1);
	/* The same grant through dma-devices is accepted. */
	c = base();
	c->dev[2] = (struct pdev){ .path = "/fw-cfg@9020000",
				   .reg = { { 0x09020000, 0x18 } },
				   .nreg = 1,
				   .dma = true,
				   .owner = -1 };
	c->ndevs = 3;
	p = add_part(c, "a", 1, 0x42000000, 0x1000000);
	p->dev_dma_ok[p->ndev] = true;
	p->dev[p->ndev++] = 2;
	expect_errors(c, NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_config),
		cmocka_unit_test(cpu_twice),
		cmocka_unit_test(cpu_listed_twice),
		cmocka_unit_test(memory_overlap),
		cmocka_unit_test(memory_misaligned_outside_hyp),
		cmocka_unit_test(device_granted_twice),
		cmocka_unit_test(device_page_and_irq_sharing),
		cmocka_unit_test(gic_not_grantable),
		cmocka_unit_test(guest_space_collision),
		cmocka_unit_test(names_and_hypervisor),
		cmocka_unit_test(too_many_interrupts),
		cmocka_unit_test(dma_devices_need_consent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
