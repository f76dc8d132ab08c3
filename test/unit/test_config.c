// SPDX-License-Identifier: MIT
/*
 * The config validator (tools/bhconfig/validate.c) on hand-made models:
 * a good system passes; each kind of conflict produces exactly its error,
 * naming the file, the partition node and the reason. Tables have no
 * fixed sizes: clashes beyond what used to be the limits (4 register
 * windows, 8 interrupts, 16 CPUs, 127-byte paths, 256 windows) are found,
 * and a config with many thousands of ranges is checked in n log n.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <libfdt.h>

#include "bhconfig.h"

static int ndev_cap;

static int add_dev(struct config *c, const char *path, const char *compat,
		   uint64_t base, uint64_t size, uint32_t irq)
{
	struct pdev *d;

	c->dev = vec_grow(c->dev, &ndev_cap, c->ndevs + 1, sizeof(*c->dev));
	d = &c->dev[c->ndevs];
	memset(d, 0, sizeof(*d));
	d->path = xstrdup(path);
	d->compatible = xstrdup(compat);
	d->node = -1;
	d->owner = -1;
	d->nreg = 1;
	d->reg = xcalloc(1, sizeof(*d->reg));
	d->reg[0] = (struct region){ base, size };
	if (irq) {
		d->nirq = 1;
		d->irq = xcalloc(1, sizeof(uint32_t));
		d->irq_flags = xcalloc(1, sizeof(uint32_t));
		d->irq[0] = irq;
		d->irq_flags[0] = 4;
	}
	return c->ndevs++;
}

static void add_cpus(struct config *c, int n)
{
	c->ncpus = n;
	c->cpu = xcalloc((size_t)n, sizeof(*c->cpu));
	for (int i = 0; i < n; i++) {
		c->cpu[i].path = xasprintf("/cpus/cpu@%d", i);
		c->cpu[i].mpidr = (uint64_t)i;
		c->cpu[i].owner = -1;
		c->cpu[i].node = -1;
	}
}

static struct config *base(void)
{
	struct config *c = calloc(1, sizeof(*c));

	ndev_cap = 0;
	c->file = "t.dts";
	add_cpus(c, 4);
	c->nram = 1;
	c->ram = xcalloc(1, sizeof(*c->ram));
	c->ram[0] = (struct region){ 0x40000000, 0x80000000 };
	c->gicd = 0x08000000;
	c->gicd_size = 0x10000;
	c->gicr = 0x080a0000;
	c->gicr_stride = 0x20000;
	c->gic_intids = 288;
	c->gic_node = -1;
	c->hyp = (struct region){ 0x40200000, 0x600000 };
	c->has_hyp = true;
	c->part = xcalloc(MAX_PARTS, sizeof(*c->part));
	add_dev(c, "/pl011@9000000", "arm,pl011", 0x09000000, 0x1000, 33);
	add_dev(c, "/pl031@9010000", "arm,pl031", 0x09010000, 0x1000, 34);
	c->console = 0;
	return c;
}

static struct part *add_part(struct config *c, const char *name, int cpu,
			     uint64_t mem, uint64_t size)
{
	struct part *p = &c->part[c->nparts++];

	p->name = xstrdup(name);
	p->path = xasprintf("/partitions/%s", name);
	p->node = -1;
	p->cpu = xcalloc(MAX_SLOTS, sizeof(int));
	p->cpu[p->ncpus++] = cpu;
	p->mem = xcalloc(1, sizeof(*p->mem));
	p->ipa = xcalloc(1, sizeof(*p->ipa));
	p->mem[0] = (struct region){ mem, size };
	p->ipa[0] = 0x40000000;
	p->nmem = 1;
	p->has_ipa = true;
	p->dev = xcalloc(64, sizeof(int));
	p->dev_dma_ok = xcalloc(64, sizeof(bool));
	return p;
}

static void grant(struct part *p, int dev, bool dma_ok)
{
	p->dev_dma_ok[p->ndev] = dma_ok;
	p->dev[p->ndev++] = dev;
}

static void expect_errors(struct config *c, const char *const *want, int n)
{
	config_validate(c);
	for (int i = 0; i < c->nerrors; i++)
		printf("  got: %s\n", c->errors[i]);
	for (int i = 0; i < c->nerrors && i < n; i++)
		assert_string_equal(c->errors[i], want[i]);
	assert_int_equal(c->nerrors, n);
	config_free(c);
	free(c);
}

static void good_config(void **state)
{
	struct config *c = base();

	(void)state;
	add_part(c, "rt", 1, 0x42000000, 0x1000000);
	grant(add_part(c, "app", 2, 0x43000000, 0x1000000), 1, false);
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

static void memory_empty_wrapping_ipa(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/a: memory range 0 (at 0x42000000) is empty",
		"error: t.dts: /partitions/b: memory 0x43000000+0x1000000 at guest 0xffffffffff800000 wraps past the end of the address space",
		"error: t.dts: /partitions/c: memory-ipa 0x40000800 is not 4 KiB aligned",
	};

	(void)state;
	add_part(c, "a", 1, 0x42000000, 0);
	add_part(c, "b", 2, 0x43000000, 0x1000000)->ipa[0] = 0xffffffffff800000;
	add_part(c, "c", 3, 0x44000000, 0x1000000)->ipa[0] = 0x40000800;
	expect_errors(c, want, 3);
}

static void hypervisor_wraps(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /hypervisor: memory 0xffffffffffe00000+0x400000 is empty or wraps past the end of the address space",
	};

	(void)state;
	c->hyp = (struct region){ 0xffffffffffe00000, 0x400000 };
	add_part(c, "a", 1, 0x42000000, 0x1000000);
	expect_errors(c, want, 1);
}

/* /memreserve/ ranges are the firmware's: no partition's memory and not
 * the core's region may touch one, by a single page or at its last
 * byte; memory beside one is fine. */
static void memreserve_kept_clear(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /hypervisor: memory 0x40200000+0x600000 overlaps the platform's /memreserve/ range 0x407ff000+0x1000, which the firmware keeps",
		"error: t.dts: /partitions/b: memory 0x43000000+0x1000000 overlaps the platform's /memreserve/ range 0x43fff000+0x2000, which the firmware keeps",
	};

	(void)state;
	c->nrsv = 3;
	c->rsv = xcalloc(3, sizeof(*c->rsv));
	c->rsv[0] = (struct region){ 0x407ff000, 0x1000 };
	c->rsv[1] = (struct region){ 0x43fff000, 0x2000 };
	c->rsv[2] = (struct region){ 0x41000000, 0x1000000 };
	add_part(c, "a", 1, 0x42000000, 0x1000000); /* right after rsv[2] */
	add_part(c, "b", 2, 0x43000000, 0x1000000);
	expect_errors(c, want, 2);
}

static void device_granted_twice(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/b: device /pl031@9010000 is already granted to /partitions/a",
	};

	(void)state;
	grant(add_part(c, "a", 1, 0x42000000, 0x1000000), 1, false);
	grant(add_part(c, "b", 2, 0x43000000, 0x1000000), 1, false);
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
	add_dev(c, "/virtio@a000000", "virtio,mmio", 0xa000000, 0x200, 48);
	add_dev(c, "/virtio@a000200", "virtio,mmio", 0xa000200, 0x200, 48);
	grant(add_part(c, "a", 1, 0x42000000, 0x1000000), 2, false);
	grant(add_part(c, "b", 2, 0x43000000, 0x1000000), 3, false);
	expect_errors(c, want, 2);
}

/* One partition may own an SPI through two devices, or a device may list
 * it twice, with one trigger type; an edge and a level use clash. */
static void shared_spi_one_trigger(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/a: interrupt 48 is level-triggered for /s@c000000 and edge-triggered for /s@c001000: an SPI has one trigger type",
		"error: t.dts: /partitions/a: interrupt 49 is level-triggered for /s@c003000 and edge-triggered for /s@c003000: an SPI has one trigger type",
	};
	struct part *p;
	int twice;

	(void)state;
	add_dev(c, "/s@c000000", "acme,s", 0xc000000, 0x1000, 48);
	add_dev(c, "/s@c001000", "acme,s", 0xc001000, 0x1000, 48);
	add_dev(c, "/s@c002000", "acme,s", 0xc002000, 0x1000, 48);
	twice = add_dev(c, "/s@c003000", "acme,s", 0xc003000, 0x1000, 49);
	c->dev[3].irq_flags[0] = 1; /* edge */
	c->dev[twice].nirq = 2;
	c->dev[twice].irq = realloc(c->dev[twice].irq, 2 * sizeof(uint32_t));
	c->dev[twice].irq_flags =
		realloc(c->dev[twice].irq_flags, 2 * sizeof(uint32_t));
	c->dev[twice].irq[1] = 49;
	c->dev[twice].irq_flags[1] = 1;
	p = add_part(c, "a", 1, 0x42000000, 0x1000000);
	for (int d = 2; d <= twice; d++)
		grant(p, d, false);
	expect_errors(c, want, 2);
}

static void gic_not_grantable(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/a: device /intc@8000000 is the interrupt controller, which the core owns",
	};

	(void)state;
	add_dev(c, "/intc@8000000", "arm,gic-v3", 0x8000000, 0x10000, 0);
	grant(add_part(c, "a", 1, 0x42000000, 0x1000000), 2, false);
	expect_errors(c, want, 1);
}

/* Registers that run from inside RAM to past its end. */
static void device_reaching_into_ram(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/a: device /evil@bffff000: its registers 0xbffff000+0x2000 overlap RAM",
	};

	(void)state;
	add_dev(c, "/evil@bffff000", "acme,evil", 0xbffff000, 0x2000, 0);
	grant(add_part(c, "a", 1, 0x42000000, 0x1000000), 2, false);
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
		"error: t.dts: /partitions/a: its devices bring 48 interrupts; a partition owns at most 47 (the core's per-vCPU queue holds 48)",
	};
	struct part *p;

	(void)state;
	p = add_part(c, "a", 1, 0x42000000, 0x1000000);
	for (int d = 0; d < 6; d++) {
		char path[32];
		int i;

		snprintf(path, sizeof(path), "/dev@%d", d);
		i = add_dev(c, path, "acme,dev",
			    0x0c000000 + 0x1000UL * (unsigned)d, 0x1000, 0);
		c->dev[i].nirq = 8;
		c->dev[i].irq = xcalloc(8, sizeof(uint32_t));
		c->dev[i].irq_flags = xcalloc(8, sizeof(uint32_t));
		for (int k = 0; k < 8; k++)
			c->dev[i].irq[k] = (uint32_t)(64 + d * 8 + k);
		grant(p, i, false);
	}
	expect_errors(c, want, 1);
}

static void dma_devices_need_consent(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/a: device /fw-cfg@9020000 can master the bus (DMA) and nothing confines it to this partition's memory: list it in dma-devices to accept that",
	};

	(void)state;
	c->dev[add_dev(c, "/fw-cfg@9020000", "qemu,fw-cfg-mmio", 0x09020000,
		       0x18, 0)]
		.dma = true;
	grant(add_part(c, "a", 1, 0x42000000, 0x1000000), 2, false);
	expect_errors(c, want, 1);
	/* Through dma-devices, its partition must see its memory at its
	 * physical address, which the bus master uses... */
	static const char *const ipa[] = {
		"error: t.dts: /partitions/a: a partition with dma-devices must see its memory at its physical addresses (its devices use them): 0x42000000 is at 0x40000000",
	};
	c = base();
	c->dev[add_dev(c, "/fw-cfg@9020000", "qemu,fw-cfg-mmio", 0x09020000,
		       0x18, 0)]
		.dma = true;
	grant(add_part(c, "a", 1, 0x42000000, 0x1000000), 2, true);
	expect_errors(c, ipa, 1);
	/* ...and then the grant is accepted. */
	c = base();
	c->dev[add_dev(c, "/fw-cfg@9020000", "qemu,fw-cfg-mmio", 0x09020000,
		       0x18, 0)]
		.dma = true;
	grant(add_part(c, "a", 1, 0x42000000, 0x1000000), 2, true);
	c->part[c->nparts - 1].ipa[0] = 0x42000000;
	expect_errors(c, NULL, 0);
}

/* The sixth register window of a device shares a page with b's device. */
static void sixth_window_clash(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/b: device /small@c005800 shares a 4 KiB page with /multi@c000000 of /partitions/a",
	};
	int d;

	(void)state;
	d = add_dev(c, "/multi@c000000", "acme,multi", 0xc000000, 0x100, 0);
	c->dev[d].nreg = 6;
	c->dev[d].reg = realloc(c->dev[d].reg, 6 * sizeof(struct region));
	for (int i = 0; i < 6; i++)
		c->dev[d].reg[i] =
			(struct region){ 0xc000000 + 0x1000ULL * (unsigned)i,
					 0x100 };
	add_dev(c, "/small@c005800", "acme,small", 0xc005800, 0x100, 0);
	grant(add_part(c, "a", 1, 0x42000000, 0x1000000), d, false);
	grant(add_part(c, "b", 2, 0x43000000, 0x1000000), d + 1, false);
	expect_errors(c, want, 1);
}

/* The tenth interrupt of a device is another partition's. */
static void tenth_interrupt_clash(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/b: interrupt 34 of /many@c000000 is already owned by /partitions/a (through /pl031@9010000)",
	};
	int d;

	(void)state;
	d = add_dev(c, "/many@c000000", "acme,many", 0xc000000, 0x1000, 0);
	c->dev[d].nirq = 10;
	c->dev[d].irq = xcalloc(10, sizeof(uint32_t));
	c->dev[d].irq_flags = xcalloc(10, sizeof(uint32_t));
	for (int i = 0; i < 10; i++)
		c->dev[d].irq[i] = i == 9 ? 34 : (uint32_t)(100 + i);
	grant(add_part(c, "a", 1, 0x42000000, 0x1000000), 1, false);
	grant(add_part(c, "b", 2, 0x43000000, 0x1000000), d, false);
	expect_errors(c, want, 1);
}

/* cpu@17 of a 20-CPU platform, taken twice. */
static void seventeenth_cpu(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/b: cpu@17 is already used by /partitions/a",
	};

	(void)state;
	for (int i = 0; i < c->ncpus; i++)
		free(c->cpu[i].path);
	free(c->cpu);
	add_cpus(c, 20);
	add_part(c, "a", 17, 0x42000000, 0x1000000);
	add_part(c, "b", 17, 0x43000000, 0x1000000);
	expect_errors(c, want, 1);
}

/* 256 CPU slots: the boot CPU's and one per CPU a partition uses, counted
 * over the whole system; the first CPU beyond them is named. */
static void cpu_slots_256(void **state)
{
	static const char *const want[] = {
		"error: t.dts: /partitions/b: cpu@256 would be CPU slot 256, and the core has slots 0 to 255 (part_config.vcpu_slot is 8-bit): one for the boot CPU and one for each CPU a partition uses, 258 in this system",
	};

	(void)state;
	for (int extra = 0; extra < 2; extra++) {
		struct config *c = base();
		struct part *a, *b;

		for (int i = 0; i < c->ncpus; i++)
			free(c->cpu[i].path);
		free(c->cpu);
		add_cpus(c, 300);
		/* a has the boot CPU: 0-199 and 200-255 fill 256 slots */
		a = add_part(c, "a", 0, 0x42000000, 0x1000000);
		b = add_part(c, "b", 200, 0x43000000, 0x1000000);
		for (int i = 1; i < 200; i++)
			a->cpu[a->ncpus++] = i;
		for (int i = 201; i < 256 + 2 * extra; i++)
			b->cpu[b->ncpus++] = i;
		expect_errors(c, extra ? want : NULL, extra);
	}
}

/* Paths longer than 127 bytes stay distinct and whole in messages. */
static void long_paths(void **state)
{
	struct config *c = base();
	char a[256], b[256], msg[700];
	const char *want[1] = { msg };

	(void)state;
	memset(a, 'x', sizeof(a));
	memset(b, 'x', sizeof(b));
	memcpy(a, "/bus", 4);
	memcpy(b, "/bus", 4);
	strcpy(a + 200, "/dev@c000000");
	strcpy(b + 200, "/dev@c000800");
	add_dev(c, a, "acme,dev", 0xc000000, 0x100, 0);
	add_dev(c, b, "acme,dev", 0xc000800, 0x100, 0);
	grant(add_part(c, "a", 1, 0x42000000, 0x1000000), 2, false);
	grant(add_part(c, "b", 2, 0x43000000, 0x1000000), 3, false);
	snprintf(
		msg, sizeof(msg),
		"error: t.dts: /partitions/b: device %s shares a 4 KiB page with %s of /partitions/a",
		b, a);
	expect_errors(c, want, 1);
}

/* A neighbour that is window number 300 of the platform. */
static void neighbour_beyond_256_windows(void **state)
{
	struct config *c = base();
	static const char *const want[] = {
		"error: t.dts: /partitions/a: device /s@c12b000 shares a 4 KiB page with /t@c12b800, which granting it would expose",
	};
	int cap = 0, d = 0;

	(void)state;
	for (int i = 0; i < 300; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/s@%x", 0xc000000 + 0x1000 * i);
		d = add_dev(c, path, "acme,s",
			    0xc000000 + 0x1000ULL * (unsigned)i, 0x100, 0);
		c->node_reg = vec_grow(c->node_reg, &cap, c->nnode_regs + 1,
				       sizeof(*c->node_reg));
		c->node_reg[c->nnode_regs++] =
			(struct node_reg){ -1, c->dev[d].path,
					   c->dev[d].reg[0] };
	}
	c->node_reg = vec_grow(c->node_reg, &cap, c->nnode_regs + 1,
			       sizeof(*c->node_reg));
	c->node_reg[c->nnode_regs++] =
		(struct node_reg){ -1, "/t@c12b800", { 0xc12b800, 0x100 } };
	grant(add_part(c, "a", 1, 0x42000000, 0x1000000), d, false);
	expect_errors(c, want, 1);
}

/* 200 partitions of 100 ranges each: sorted, not compared pairwise. */
static void many_ranges_quickly(void **state)
{
	struct config *c = base();
	clock_t t0 = clock();

	(void)state;
	c->hyp = (struct region){ 0x40000000, 0x200000 };
	free(c->ram);
	c->ram = xcalloc(1, sizeof(*c->ram));
	c->ram[0] = (struct region){ 0x40000000, 0x100000000 };
	for (int p = 0; p < 200; p++) {
		char name[16];
		struct part *pt;

		snprintf(name, sizeof(name), "p%d", p);
		pt = add_part(c, name, 0, 0, 0);
		pt->ncpus = 0;
		pt->nmem = 100;
		pt->mem = realloc(pt->mem, 100 * sizeof(*pt->mem));
		pt->ipa = realloc(pt->ipa, 100 * sizeof(*pt->ipa));
		for (int i = 0; i < 100; i++) {
			uint64_t a =
				0x40200000 + ((uint64_t)(p * 100 + i) << 16);

			pt->mem[i] = (struct region){ a, 0x10000 };
			pt->ipa[i] = a;
		}
	}
	expect_errors(c, NULL, 0);
	assert_true(clock() - t0 < CLOCKS_PER_SEC);
}

/* One property of @n big-endian cells. */
static void cells_prop(void *blob, const char *name, const uint32_t *v, int n)
{
	fdt32_t be[16];

	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(v[i]);
	assert_int_equal(fdt_property(blob, name, be, n * (int)sizeof(*be)), 0);
}

#define CELLS(blob, name, ...)                                               \
	do {                                                                 \
		const uint32_t v_[] = { __VA_ARGS__ };                       \
		cells_prop(blob, name, v_, (int)(sizeof(v_) / sizeof(*v_))); \
	} while (0)

/*
 * A platform for spis.c: a GIC (phandle 1, the root's interrupt parent)
 * of 40 INTIDs, a GPIO controller (phandle 2, two cells), and one node
 * naming SPIs each way: `interrupts` (SPIs 7 and 5), `interrupts-extended`
 * through the GPIO and the GIC (SPI 2), an `interrupt-map` to the GIC
 * (SPI 4), and `interrupts` of the GPIO (not SPIs). @extra adds one more
 * node's property, to break.
 */
static void spi_platform(struct config *c, void *blob, int size,
			 void (*extra)(void *blob))
{
	assert_int_equal(fdt_create(blob, size), 0);
	assert_int_equal(fdt_finish_reservemap(blob), 0);
	assert_int_equal(fdt_begin_node(blob, ""), 0);
	CELLS(blob, "interrupt-parent", 1);
	assert_int_equal(fdt_begin_node(blob, "intc@8000000"), 0);
	CELLS(blob, "phandle", 1);
	CELLS(blob, "#interrupt-cells", 3);
	CELLS(blob, "#address-cells", 2);
	CELLS(blob, "interrupts", 1, 9, 4); /* its own PPI */
	assert_int_equal(fdt_end_node(blob), 0);
	assert_int_equal(fdt_begin_node(blob, "gpio@1000"), 0);
	CELLS(blob, "phandle", 2);
	CELLS(blob, "#interrupt-cells", 2);
	CELLS(blob, "interrupts", 0, 7, 4, 0, 5, 1);
	assert_int_equal(fdt_end_node(blob), 0);
	assert_int_equal(fdt_begin_node(blob, "key@2000"), 0);
	CELLS(blob, "interrupt-parent", 2);
	CELLS(blob, "interrupts", 0, 6, 4); /* GPIO line 0: not SPI 6 */
	assert_int_equal(fdt_end_node(blob), 0);
	assert_int_equal(fdt_begin_node(blob, "wdog@3000"), 0);
	CELLS(blob, "interrupts-extended", 2, 3, 4, 1, 0, 2, 4);
	assert_int_equal(fdt_end_node(blob), 0);
	assert_int_equal(fdt_begin_node(blob, "pcie@4000"), 0);
	CELLS(blob, "#address-cells", 3);
	CELLS(blob, "#interrupt-cells", 1);
	CELLS(blob, "interrupt-map", 0, 0, 0, 1, 1, 0, 0, 0, 4, 4);
	assert_int_equal(fdt_end_node(blob), 0);
	if (extra) {
		assert_int_equal(fdt_begin_node(blob, "bad@5000"), 0);
		extra(blob);
		assert_int_equal(fdt_end_node(blob), 0);
	}
	assert_int_equal(fdt_end_node(blob), 0);
	assert_int_equal(fdt_finish(blob), 0);
	*c = (struct config){ .file = "t.dts", .fdt = blob, .gic_intids = 40 };
	assert_int_equal(tree_build(&c->tree, blob), 0);
	c->gic_node = 1;
}

/*
 * SPIs for the core's own interrupts (spis.c): every SPI a platform node
 * names, whichever way, is used; a direct partition's are given from the
 * top of the GIC's range down, a virtual one's from the bottom up; each
 * once, and an error naming the node when none is left.
 */
static void spis_named_every_way(void **state)
{
	static char blob[2048];
	struct config c;
	bool *used;
	uint32_t got[5];

	(void)state;
	spi_platform(&c, blob, sizeof(blob), NULL);
	used = spis_used(&c);
	assert_int_equal(c.nerrors, 0);
	assert_true(used[39] && used[37] && used[34] && used[36]);
	assert_false(used[38] || used[35] || used[33] || used[32]);
	got[0] = spi_take(&c, used, false, "/v");
	for (int i = 1; i < 5; i++)
		got[i] = spi_take(&c, used, true, "/d");
	assert_int_equal(got[0], 32);
	assert_int_equal(got[1], 38);
	assert_int_equal(got[2], 35);
	assert_int_equal(got[3], 33);
	assert_int_equal(got[4], 0);
	assert_int_equal(c.nerrors, 1);
	assert_string_equal(
		c.errors[0],
		"error: t.dts: /d: no free interrupt is left on the platform's GIC for its virtual interrupt");
	free(used);
	diag_free(&c);
	tree_free(&c.tree);
}

static void ext_dangling(void *blob)
{
	CELLS(blob, "interrupts-extended", 1, 0, 8, 4, 0x99, 0, 9, 4);
}

static void ext_short(void *blob)
{
	CELLS(blob, "interrupts-extended", 1, 0, 8);
}

static void gic_pairs(void *blob)
{
	CELLS(blob, "interrupts", 0, 8, 4, 0);
}

static void orphan_interrupts(void *blob)
{
	CELLS(blob, "interrupt-parent", 0x98);
	CELLS(blob, "interrupts", 0, 8, 4);
}

static void map_dangling(void *blob)
{
	CELLS(blob, "#address-cells", 0);
	CELLS(blob, "#interrupt-cells", 1);
	CELLS(blob, "interrupt-map", 1, 1, 0, 0, 0, 8, 4, 2, 0x97, 0, 9, 4);
}

static void map_no_cells(void *blob)
{
	CELLS(blob, "interrupt-map", 1, 1, 0, 0, 0, 8, 4);
}

/* A platform node whose SPIs cannot be read is an error naming it. */
static void spis_unreadable(void **state)
{
	static const struct {
		void (*extra)(void *blob);
		const char *want;
	} cases[] = {
		{ ext_dangling,
		  "error: t.dts: /bad@5000: its entry at cell 4 (phandle 0x99) names no node: which SPIs it drives is unknown, and virtual interrupts must avoid them" },
		{ ext_short,
		  "error: t.dts: /bad@5000: its entry at cell 0 (phandle 0x1) is cut short: which SPIs it drives is unknown, and virtual interrupts must avoid them" },
		{ gic_pairs,
		  "error: t.dts: /bad@5000: its interrupts are not whole GIC specifiers of 3 cells: which SPIs it drives is unknown, and virtual interrupts must avoid them" },
		{ orphan_interrupts,
		  "error: t.dts: /bad@5000: its interrupt parent cannot be found: which SPIs it drives is unknown, and virtual interrupts must avoid them" },
		{ map_dangling,
		  "error: t.dts: /bad@5000: its entry at cell 7 names no interrupt parent: which SPIs it routes to is unknown, and virtual interrupts must avoid them" },
		{ map_no_cells,
		  "error: t.dts: /bad@5000: the node has no valid #address-cells and #interrupt-cells to read it with: which SPIs it routes to is unknown, and virtual interrupts must avoid them" },
	};
	static char blob[2048];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config c;
		bool *used;

		spi_platform(&c, blob, sizeof(blob), cases[i].extra);
		used = spis_used(&c);
		for (int e = 0; e < c.nerrors; e++)
			printf("  got: %s\n", c.errors[e]);
		assert_int_equal(c.nerrors, 1);
		assert_string_equal(c.errors[0], cases[i].want);
		free(used);
		diag_free(&c);
		tree_free(&c.tree);
	}
}

/*
 * The rules of disks and slices (virtio.c): a disk is whole pages, a
 * size a file can have; a slice is whole pages, nonempty and inside its
 * disk however its numbers wrap; slices of one disk may overlap only if
 * both are read-only.
 */
static void disks_and_slices(void **state)
{
	const uint64_t disk = 0x4000000;

	(void)state;
	assert_true(disk_size_ok(0x1000));
	assert_true(disk_size_ok(0x7ffffffffffff000ULL));
	assert_false(disk_size_ok(0));
	assert_false(disk_size_ok(0x200));
	assert_false(disk_size_ok(0x1001));
	assert_false(disk_size_ok(0x8000000000000000ULL));
	assert_false(disk_size_ok(0xfffffffffffff000ULL));

	assert_true(slice_ok((struct region){ 0, disk }, disk));
	assert_true(slice_ok((struct region){ disk - 0x1000, 0x1000 }, disk));
	assert_false(slice_ok((struct region){ 0x1000, 0 }, disk));
	assert_false(slice_ok((struct region){ 0x200, 0x1000 }, disk));
	assert_false(slice_ok((struct region){ 0, 0x1200 }, disk));
	assert_false(slice_ok((struct region){ disk - 0x1000, 0x2000 }, disk));
	assert_false(slice_ok((struct region){ disk, 0x1000 }, disk));
	assert_false(slice_ok((struct region){ 0, disk + 0x1000 }, disk));
	/* offset + size wraps past 2^64 to a small number */
	assert_false(slice_ok((struct region){ 0xfffffffffffff000ULL, 0x2000 },
			      disk));
	assert_false(slice_ok((struct region){ 0x1000, UINT64_MAX - 0xfff },
			      UINT64_MAX & ~0xfffULL));

	struct region a = { 0, 0x2000000 }, b = { 0x1000000, 0x2000000 },
		      c = { 0x2000000, 0x1000000 };

	assert_true(slices_clash(a, false, b, false));
	assert_true(slices_clash(a, true, b, false));
	assert_true(slices_clash(a, false, b, true));
	assert_false(slices_clash(a, true, b, true));
	assert_false(slices_clash(a, false, c, false)); /* adjacent */
	assert_true(slices_clash(
		(struct region){ 0xfffffffffffff000ULL, 0x1000 }, false,
		(struct region){ 0xffffffffffffe000ULL, 0x2000 }, false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spis_named_every_way),
		cmocka_unit_test(spis_unreadable),
		cmocka_unit_test(good_config),
		cmocka_unit_test(cpu_twice),
		cmocka_unit_test(cpu_listed_twice),
		cmocka_unit_test(memory_overlap),
		cmocka_unit_test(memory_misaligned_outside_hyp),
		cmocka_unit_test(memory_empty_wrapping_ipa),
		cmocka_unit_test(hypervisor_wraps),
		cmocka_unit_test(memreserve_kept_clear),
		cmocka_unit_test(device_granted_twice),
		cmocka_unit_test(device_page_and_irq_sharing),
		cmocka_unit_test(shared_spi_one_trigger),
		cmocka_unit_test(gic_not_grantable),
		cmocka_unit_test(device_reaching_into_ram),
		cmocka_unit_test(guest_space_collision),
		cmocka_unit_test(names_and_hypervisor),
		cmocka_unit_test(too_many_interrupts),
		cmocka_unit_test(dma_devices_need_consent),
		cmocka_unit_test(sixth_window_clash),
		cmocka_unit_test(tenth_interrupt_clash),
		cmocka_unit_test(seventeenth_cpu),
		cmocka_unit_test(cpu_slots_256),
		cmocka_unit_test(long_paths),
		cmocka_unit_test(neighbour_beyond_256_windows),
		cmocka_unit_test(many_ranges_quickly),
		cmocka_unit_test(disks_and_slices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
