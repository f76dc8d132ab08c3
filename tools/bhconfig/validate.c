// SPDX-License-Identifier: MIT
/*
 * Whether a parsed config can work: every CPU used by one partition at
 * most; memory page aligned, inside the platform's RAM, disjoint from every
 * other partition's and from the core's own region; each device granted to
 * one partition at most and never one the core drives (apart from the
 * console UART, which a partition may share explicitly); each interrupt
 * owned once; guest address spaces without collisions. Works on the model
 * only, so unit tests can feed it hand-made configs.
 */
#include <stdio.h>
#include <string.h>

#include "bhconfig.h"

bool regions_overlap(struct region a, struct region b)
{
	return a.size && b.size && a.base < b.base + b.size &&
	       b.base < a.base + a.size;
}

const char *cpu_name(const struct config *c, int cpu)
{
	const char *slash = strrchr(c->cpu[cpu].path, '/');

	return slash ? slash + 1 : c->cpu[cpu].path;
}

static bool in_ram(const struct config *c, struct region r)
{
	for (int i = 0; i < c->nram; i++)
		if (r.base >= c->ram[i].base &&
		    r.base + r.size <= c->ram[i].base + c->ram[i].size)
			return true;
	return false;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > NAME_MAX_LEN)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_'))
			return false;
	return true;
}

static void check_hypervisor(struct config *c)
{
	if (!c->hyp.size)
		return;
	if (c->hyp.base % SZ_2M || c->hyp.size % SZ_2M)
		diag(c, "/hypervisor",
		     "memory 0x%llx+0x%llx must be 2 MiB aligned",
		     (unsigned long long)c->hyp.base,
		     (unsigned long long)c->hyp.size);
	else if (!in_ram(c, c->hyp))
		diag(c, "/hypervisor",
		     "memory 0x%llx+0x%llx is not inside the platform's RAM",
		     (unsigned long long)c->hyp.base,
		     (unsigned long long)c->hyp.size);
	if (c->console >= 0 &&
	    strncmp(c->dev[c->console].compatible, "arm,pl011", 9))
		diag(c, "/hypervisor", "console %s is not an arm,pl011 UART",
		     c->dev[c->console].path);
}

static void check_cpus(struct config *c, int pi)
{
	struct part *p = &c->part[pi];

	for (int v = 0; v < p->ncpus; v++) {
		struct pcpu *cpu = &c->cpu[p->cpu[v]];

		if (cpu->owner == pi) {
			diag(c, p->path, "cpus lists %s twice",
			     cpu_name(c, p->cpu[v]));
		} else if (cpu->owner >= 0) {
			diag(c, p->path, "%s is already used by %s",
			     cpu_name(c, p->cpu[v]), c->part[cpu->owner].path);
		} else {
			cpu->owner = pi;
			cpu->vcpu = v;
		}
	}
}

static void check_memory(struct config *c, int pi)
{
	struct part *p = &c->part[pi];

	for (int i = 0; i < p->nmem; i++) {
		struct region r = p->mem[i];
		unsigned long long b = r.base, s = r.size;

		if (!r.size || r.base % PAGE || r.size % PAGE ||
		    p->ipa[i] % PAGE) {
			diag(c, p->path,
			     "memory 0x%llx+0x%llx is not 4 KiB aligned", b, s);
			continue;
		}
		if (r.base + r.size < r.base || !in_ram(c, r))
			diag(c, p->path,
			     "memory 0x%llx+0x%llx is not inside the platform's RAM",
			     b, s);
		if (regions_overlap(r, c->hyp))
			diag(c, p->path,
			     "memory 0x%llx+0x%llx overlaps the hypervisor's region",
			     b, s);
		for (int j = 0; j < i; j++)
			if (regions_overlap(r, p->mem[j]))
				diag(c, p->path,
				     "memory ranges %d and %d overlap", j, i);
		for (int q = 0; q < pi; q++)
			for (int j = 0; j < c->part[q].nmem; j++)
				if (regions_overlap(r, c->part[q].mem[j]))
					diag(c, p->path,
					     "memory 0x%llx+0x%llx overlaps %s",
					     b, s, c->part[q].path);
	}
}

/* The guest-physical ranges a partition sees, for collision checks. */
static int guest_ranges(const struct config *c, const struct part *p,
			struct region *out, const char **what)
{
	int n = 0;

	for (int i = 0; i < p->nmem; i++) {
		out[n] = (struct region){ p->ipa[i], p->mem[i].size };
		what[n++] = "memory";
	}
	for (int i = 0; i < p->ndev; i++)
		for (int j = 0; j < c->dev[p->dev[i]].nreg; j++) {
			out[n] = c->dev[p->dev[i]].reg[j];
			what[n++] = c->dev[p->dev[i]].path;
		}
	out[n] = (struct region){ c->gicd, c->gicd_size };
	what[n++] = "the virtual GIC distributor";
	out[n] =
		(struct region){ c->gicr, c->gicr_stride * (uint64_t)p->ncpus };
	what[n++] = "the virtual GIC redistributors";
	return n;
}

static void check_guest_space(struct config *c, int pi)
{
	struct region r[MAX_MEM + MAX_GRANTS * MAX_REG + 2];
	const char *what[MAX_MEM + MAX_GRANTS * MAX_REG + 2];
	int n = guest_ranges(c, &c->part[pi], r, what);

	for (int i = 0; i < c->part[pi].nmem; i++)
		for (int j = i + 1; j < n; j++)
			if (regions_overlap(r[i], r[j]))
				diag(c, c->part[pi].path,
				     "memory-ipa 0x%llx+0x%llx collides with %s in the guest address space",
				     (unsigned long long)r[i].base,
				     (unsigned long long)r[i].size, what[j]);
}

static struct region page_round(struct region r)
{
	uint64_t b = r.base & ~(PAGE - 1);

	return (struct region){ b, (r.base + r.size + PAGE - 1) / PAGE * PAGE -
					   b };
}

/*
 * Granting a device maps its registers rounded out to 4 KiB pages: no
 * other device may live in those pages unless this partition was granted
 * it too (across partitions, check_device_pages() reports the conflict).
 */
static void check_page_neighbours(struct config *c, int pi, int di)
{
	struct part *p = &c->part[pi];
	struct pdev *d = &c->dev[di];

	for (int i = 0; i < d->nreg; i++)
		for (int n = 0; n < c->nnode_regs; n++) {
			const struct node_reg *nr = &c->node_reg[n];
			bool granted = false;

			if (!strcmp(nr->path, d->path) ||
			    !regions_overlap(page_round(d->reg[i]), nr->reg))
				continue;
			for (int k = 0; k < c->ndevs; k++)
				granted |= !strcmp(c->dev[k].path, nr->path) &&
					   c->dev[k].owner >= 0;
			if (!granted)
				diag(c, p->path,
				     "device %s shares a 4 KiB page with %s, which granting it would expose",
				     d->path, nr->path);
		}
}

static void check_device(struct config *c, int pi, int di, bool dma_ok)
{
	struct part *p = &c->part[pi];
	struct pdev *d = &c->dev[di];
	struct region gic = {
		c->gicd, c->gicr + c->gicr_stride * (uint64_t)c->ncpus - c->gicd
	};

	if (d->owner >= 0 && d->owner != pi) {
		diag(c, p->path, "device %s is already granted to %s", d->path,
		     c->part[d->owner].path);
		return;
	}
	if (d->owner == pi) {
		diag(c, p->path, "devices lists %s twice", d->path);
		return;
	}
	d->owner = pi;
	for (int i = 0; i < d->nreg; i++)
		if (regions_overlap(d->reg[i], gic)) {
			diag(c, p->path,
			     "device %s is the interrupt controller, which the core owns",
			     d->path);
			return;
		}
	if (!d->nreg)
		diag(c, p->path, "device %s has no registers (reg) to grant",
		     d->path);
	if (d->dma && !dma_ok)
		diag(c, p->path,
		     "device %s can master the bus (DMA) and nothing confines it to this partition's memory: list it in dma-devices to accept that",
		     d->path);
	if (d->nppi)
		diag(c, p->path,
		     "device %s uses per-CPU interrupts (PPIs) and cannot be granted",
		     d->path);
	for (int i = 0; i < d->nreg; i++)
		if (in_ram(c, d->reg[i]))
			diag(c, p->path, "device %s lies in RAM", d->path);
}

/* Devices of different partitions must not share a 4 KiB page. */
static void check_device_pages(struct config *c)
{
	for (int a = 0; a < c->ndevs; a++)
		for (int b = a + 1; b < c->ndevs; b++) {
			struct pdev *x = &c->dev[a], *y = &c->dev[b];

			if (x->owner < 0 || y->owner < 0 ||
			    x->owner == y->owner)
				continue;
			for (int i = 0; i < x->nreg; i++)
				for (int j = 0; j < y->nreg; j++)
					if (regions_overlap(
						    page_round(x->reg[i]),
						    page_round(y->reg[j])))
						diag(c, c->part[y->owner].path,
						     "device %s shares a 4 KiB page with %s of %s",
						     y->path, x->path,
						     c->part[x->owner].path);
		}
}

static void check_irqs(struct config *c)
{
	for (int a = 0; a < c->ndevs; a++)
		for (int b = a + 1; b < c->ndevs; b++) {
			struct pdev *x = &c->dev[a], *y = &c->dev[b];

			if (x->owner < 0 || y->owner < 0)
				continue;
			for (int i = 0; i < x->nirq; i++)
				for (int j = 0; j < y->nirq; j++)
					if (x->irq[i] == y->irq[j] &&
					    x->owner != y->owner)
						diag(c, c->part[y->owner].path,
						     "interrupt %u of %s is already owned by %s (through %s)",
						     y->irq[j], y->path,
						     c->part[x->owner].path,
						     x->path);
		}
}

/*
 * The core's overflow queue holds each hardware interrupt of a vCPU at
 * most once (kernel/include/bulkhead/vgic.h, VGIC_QUEUE = 48): the timer
 * PPI plus at most 47 SPIs.
 */
#define MAX_PART_SPIS 47

static void check_spi_count(struct config *c, int pi)
{
	int n = 0;

	for (int d = 0; d < c->part[pi].ndev; d++)
		n += c->dev[c->part[pi].dev[d]].nirq;
	if (n > MAX_PART_SPIS)
		diag(c, c->part[pi].path,
		     "its devices bring %d interrupts; a partition owns at most %d",
		     n, MAX_PART_SPIS);
}

void config_validate(struct config *c)
{
	check_hypervisor(c);
	for (int i = 0; i < c->nparts; i++) {
		struct part *p = &c->part[i];

		if (!name_ok(p->name))
			diag(c, p->path,
			     "partition names use a-z, 0-9, '-' and '_' (1 to %d characters)",
			     NAME_MAX_LEN);
		check_cpus(c, i);
		check_memory(c, i);
		for (int d = 0; d < p->ndev; d++)
			check_device(c, i, p->dev[d], p->dev_dma_ok[d]);
		check_guest_space(c, i);
		check_spi_count(c, i);
	}
	check_device_pages(c);
	for (int i = 0; i < c->nparts; i++)
		for (int d = 0; d < c->part[i].ndev; d++)
			check_page_neighbours(c, i, c->part[i].dev[d]);
	check_irqs(c);
}
