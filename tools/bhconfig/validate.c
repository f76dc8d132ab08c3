// SPDX-License-Identifier: MIT
/*
 * Whether a parsed config can work: every CPU used by one partition at
 * most; memory page aligned, not wrapping, inside the platform's RAM,
 * clear of device registers and of /memreserve/ ranges, disjoint from
 * every other partition's and from the core's own region (itself clear
 * of /memreserve/ too); each device granted to one partition at
 * most, never the interrupt controller, its registers clear of RAM and
 * not sharing a page with anything not granted alongside; each interrupt
 * owned once; guest address spaces without collisions. Works on the model
 * only, so unit tests can feed it hand-made configs. Every check that
 * compares many things with many sorts them first (overlap.c), so the
 * work grows as n log n with the config.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhconfig.h"
#include "overlap.h"

#define X(v) ((unsigned long long)(v))

const char *cpu_name(const struct config *c, int cpu)
{
	const char *slash = strrchr(c->cpu[cpu].path, '/');

	return slash ? slash + 1 : c->cpu[cpu].path;
}

struct region page_round(struct region r)
{
	uint64_t b = r.base & ~(PAGE - 1), e;

	if (!region_end(r, &e) || !round_up_u64(e, PAGE, &e))
		e = UINT64_MAX & ~(PAGE - 1);
	return (struct region){ b, e - b };
}

static bool in_ram(const struct config *c, struct region r)
{
	for (int i = 0; i < c->nram; i++)
		if (region_inside(r, c->ram[i]))
			return true;
	return false;
}

static bool touches_ram(const struct config *c, struct region r)
{
	for (int i = 0; i < c->nram; i++)
		if (regions_overlap(r, c->ram[i]))
			return true;
	return false;
}

static const char *node_reg_path(const struct config *c,
				 const struct node_reg *nr, char **tmp)
{
	*tmp = NULL;
	if (nr->path)
		return nr->path;
	*tmp = tree_path(&c->tree, nr->node);
	return *tmp;
}

struct reg_hit {
	const struct config *c;
	int skip_node; /* a node whose own registers do not count */
	int found;     /* node_reg index, -1 */
};

static bool first_reg(const struct span *s, void *arg)
{
	struct reg_hit *h = arg;

	if (h->c->node_reg[s->item].node == h->skip_node && h->skip_node >= 0)
		return true;
	h->found = s->item;
	return false;
}

/* The register window (node_reg index) @r touches, -1 if none. */
static int touched_regs(const struct config *c, const struct range_index *x,
			struct region r, int skip_node)
{
	struct reg_hit h = { c, skip_node, -1 };

	range_index_query(x, r, first_reg, &h);
	return h.found;
}

static bool first_span(const struct span *s, void *arg)
{
	*(int *)arg = s->item;
	return false;
}

/*
 * Memory @r (of @node's `memory`) may not touch a /memreserve/ range:
 * the firmware keeps that for itself (DTSpec 5.3), and what a partition
 * or the core wrote there would be overwritten, or read by the firmware.
 */
static void check_memreserve(struct config *c, const struct range_index *rx,
			     const char *node, struct region r)
{
	int k = -1;

	range_index_query(rx, r, first_span, &k);
	if (k >= 0)
		diag_prop(
			c, node, "memory",
			"memory 0x%llx+0x%llx overlaps the platform's /memreserve/ range 0x%llx+0x%llx, which the firmware keeps",
			X(r.base), X(r.size), X(c->rsv[k].base),
			X(c->rsv[k].size));
}

/* How a message names the node_reg at @path that memory hits: a
 * /reserved-memory carve-out is memory kept for something else, not
 * device registers. */
static const char *hit_what(const char *path)
{
	return strncmp(path, "/reserved-memory/", 17) ? "the registers of"
						      : "reserved memory";
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

static void check_console(struct config *c)
{
	const struct pdev *d = c->console >= 0 ? &c->dev[c->console] : NULL;

	if (!d)
		return;
	if (strncmp(d->compatible, "arm,pl011", 9))
		diag(c, "/hypervisor", "console %s is not an arm,pl011 UART",
		     d->path);
	else if (!d->nreg)
		diag(c, "/hypervisor", "console %s has no registers (reg)",
		     d->path);
	for (int i = 0; i < d->nreg; i++)
		if (touches_ram(c, d->reg[i]))
			diag(c, "/hypervisor",
			     "console %s: its registers 0x%llx+0x%llx lie in RAM",
			     d->path, X(d->reg[i].base), X(d->reg[i].size));
}

static void check_hypervisor(struct config *c, const struct range_index *x,
			     const struct range_index *rx)
{
	uint64_t end;
	int r;

	check_console(c);
	if (!c->has_hyp)
		return; /* missing: reported by parse */
	if (!c->hyp.size || !region_end(c->hyp, &end))
		diag_prop(
			c, "/hypervisor", "memory",
			"memory 0x%llx+0x%llx is empty or wraps past the end of the address space",
			X(c->hyp.base), X(c->hyp.size));
	else if (c->hyp.base % SZ_2M || c->hyp.size % SZ_2M)
		diag_prop(c, "/hypervisor", "memory",
			  "memory 0x%llx+0x%llx must be 2 MiB aligned",
			  X(c->hyp.base), X(c->hyp.size));
	else if (!in_ram(c, c->hyp))
		diag_prop(
			c, "/hypervisor", "memory",
			"memory 0x%llx+0x%llx is not inside the platform's RAM",
			X(c->hyp.base), X(c->hyp.size));
	else if ((r = touched_regs(c, x, c->hyp, -1)) >= 0) {
		char *tmp;

		const char *path = node_reg_path(c, &c->node_reg[r], &tmp);

		diag_prop(c, "/hypervisor", "memory",
			  "memory 0x%llx+0x%llx overlaps %s %s", X(c->hyp.base),
			  X(c->hyp.size), hit_what(path), path);
		free(tmp);
	} else {
		check_memreserve(c, rx, "/hypervisor", c->hyp);
	}
}

static void check_cpus(struct config *c, int pi)
{
	struct part *p = &c->part[pi];

	for (int v = 0; v < p->ncpus; v++) {
		struct pcpu *cpu = &c->cpu[p->cpu[v]];

		if (cpu->owner == pi) {
			diag_prop(c, p->path, "cpus", "cpus lists %s twice",
				  cpu_name(c, p->cpu[v]));
		} else if (cpu->owner >= 0) {
			diag_prop(c, p->path, "cpus",
				  "%s is already used by %s",
				  cpu_name(c, p->cpu[v]),
				  c->part[cpu->owner].path);
		} else {
			cpu->owner = pi;
			cpu->vcpu = v;
		}
	}
}

/* One range on its own: size, alignment, wrapping, RAM, devices. */
static bool check_range(struct config *c, struct part *p, int i,
			const struct range_index *x,
			const struct range_index *rx)
{
	struct region r = p->mem[i];
	uint64_t end;
	int reg;
	char *tmp;

	if (!r.size) {
		diag_prop(c, p->path, "memory",
			  "memory range %d (at 0x%llx) is empty", i, X(r.base));
		return false;
	}
	if (!region_end(r, &end) ||
	    !region_end((struct region){ p->ipa[i], r.size }, &end)) {
		diag_prop(
			c, p->path, "memory",
			"memory 0x%llx+0x%llx at guest 0x%llx wraps past the end of the address space",
			X(r.base), X(r.size), X(p->ipa[i]));
		return false;
	}
	if (r.base % PAGE || r.size % PAGE) {
		diag_prop(c, p->path, "memory",
			  "memory 0x%llx+0x%llx is not 4 KiB aligned",
			  X(r.base), X(r.size));
		return false;
	}
	if (p->ipa[i] % PAGE) {
		diag_prop(c, p->path, "memory-ipa",
			  "memory-ipa 0x%llx is not 4 KiB aligned",
			  X(p->ipa[i]));
		return false;
	}
	if (!in_ram(c, r))
		diag_prop(
			c, p->path, "memory",
			"memory 0x%llx+0x%llx is not inside the platform's RAM",
			X(r.base), X(r.size));
	else if ((reg = touched_regs(c, x, r, -1)) >= 0) {
		const char *path = node_reg_path(c, &c->node_reg[reg], &tmp);

		diag_prop(c, p->path, "memory",
			  "memory 0x%llx+0x%llx overlaps %s %s", X(r.base),
			  X(r.size), hit_what(path), path);
		free(tmp);
	}
	check_memreserve(c, rx, p->path, r);
	if (regions_overlap(r, c->hyp))
		diag_prop(
			c, p->path, "memory",
			"memory 0x%llx+0x%llx overlaps the hypervisor's region",
			X(r.base), X(r.size));
	return true;
}

/* Memory of all partitions, against each other (one sort). */
static void check_memory_overlaps(struct config *c, const bool *ok_range,
				  int total)
{
	struct span *s = xcalloc((size_t)total, sizeof(*s));
	struct hit *h;
	int n = 0, nh;

	for (int pi = 0, k = 0; pi < c->nparts; pi++)
		for (int i = 0; i < c->part[pi].nmem; i++, k++)
			if (ok_range[k])
				s[n++] = (struct span){ c->part[pi].mem[i], pi,
							i, k };
	nh = overlaps(s, n, true, &h);
	for (int k = 0; k < nh; k++) {
		const struct part *p = &c->part[h[k].b->owner];

		if (h[k].a->owner == h[k].b->owner)
			diag_prop(c, p->path, "memory",
				  "memory ranges %d and %d overlap",
				  h[k].a->item, h[k].b->item);
		else
			diag_prop(c, p->path, "memory",
				  "memory 0x%llx+0x%llx overlaps %s",
				  X(h[k].b->r.base), X(h[k].b->r.size),
				  c->part[h[k].a->owner].path);
	}
	free(h);
	free(s);
}

static void check_memory(struct config *c, const struct range_index *x,
			 const struct range_index *rx)
{
	int total = 0, k = 0;
	bool *ok;

	for (int pi = 0; pi < c->nparts; pi++)
		total += c->part[pi].nmem;
	ok = xcalloc((size_t)total, sizeof(*ok));
	for (int pi = 0; pi < c->nparts; pi++)
		for (int i = 0; i < c->part[pi].nmem; i++)
			ok[k++] = check_range(c, &c->part[pi], i, x, rx);
	check_memory_overlaps(c, ok, total);
	free(ok);
}

/*
 * The guest address space of a partition: its memory at its IPAs, its
 * device pages (identity), the virtual GIC distributor and its
 * redistributor frames. Memory may collide with none of them.
 */
static struct span *push(struct span *s, int *n, int *cap, struct region r,
			 int owner, int item)
{
	s = vec_grow(s, cap, *n + 1, sizeof(*s));
	s[*n] = (struct span){ r, owner, item, *n };
	++*n;
	return s;
}

static const char *guest_what(const struct config *c, const struct part *p,
			      const struct span *o)
{
	switch (o->owner) {
	case 0:
		return "another memory range";
	case 1:
		return c->dev[p->dev[o->item]].path;
	case 2:
		return "the virtual GIC distributor";
	default:
		return "the virtual GIC redistributors";
	}
}

static void check_guest_space(struct config *c, int pi)
{
	const struct part *p = &c->part[pi];
	int n = 0, cap = 0, nh;
	struct span *s = NULL;
	struct hit *h;
	uint64_t rd;

	for (int i = 0; i < p->nmem; i++)
		s = push(s, &n, &cap,
			 (struct region){ p->ipa[i], p->mem[i].size }, 0, i);
	for (int d = 0; d < p->ndev; d++)
		for (int j = 0; j < c->dev[p->dev[d]].nreg; j++)
			s = push(s, &n, &cap,
				 page_round(c->dev[p->dev[d]].reg[j]), 1, d);
	s = push(s, &n, &cap, (struct region){ c->gicd, c->gicd_size }, 2, 0);
	if (!mul_u64(c->gicr_stride, (uint64_t)p->ncpus, &rd))
		rd = UINT64_MAX - c->gicr;
	s = push(s, &n, &cap, (struct region){ c->gicr, rd }, 3, 0);
	nh = overlaps(s, n, true, &h);
	for (int k = 0; k < nh; k++) {
		const struct span *m = h[k].a->owner ? h[k].b : h[k].a;
		const struct span *o = m == h[k].a ? h[k].b : h[k].a;

		if (m->owner) /* two device or GIC windows: not guest memory */
			continue;
		diag_prop(
			c, p->path, p->has_ipa ? "memory-ipa" : "memory",
			"memory-ipa 0x%llx+0x%llx collides with %s in the guest address space",
			X(m->r.base), X(m->r.size), guest_what(c, p, o));
	}
	free(h);
	free(s);
}

static bool part_of_gic(const struct config *c, const struct pdev *d)
{
	struct region gicr = { c->gicr, 0 };

	if (!mul_u64(c->gicr_stride, (uint64_t)c->ncpus, &gicr.size))
		gicr.size = UINT64_MAX - c->gicr;
	for (int i = 0; i < d->nreg; i++)
		if (regions_overlap(d->reg[i],
				    (struct region){ c->gicd, c->gicd_size }) ||
		    regions_overlap(d->reg[i], gicr))
			return true;
	for (int n = d->node; c->tree.count && c->gic_node >= 0 && n >= 0;
	     n = c->tree.n[n].parent)
		if (n == c->gic_node)
			return true;
	return false;
}

static void check_device(struct config *c, int pi, int di, bool dma_ok)
{
	struct part *p = &c->part[pi];
	struct pdev *d = &c->dev[di];

	if (d->owner >= 0) {
		diag_prop(c, p->path, dma_ok ? "dma-devices" : "devices",
			  d->owner == pi ? "devices lists %s twice"
					 : "device %s is already granted to %s",
			  d->path, c->part[d->owner].path);
		return;
	}
	d->owner = pi;
	if (part_of_gic(c, d)) {
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
		if (touches_ram(c, d->reg[i]) ||
		    regions_overlap(d->reg[i], c->hyp))
			diag(c, p->path,
			     "device %s: its registers 0x%llx+0x%llx overlap RAM",
			     d->path, X(d->reg[i].base), X(d->reg[i].size));
}

/*
 * A bus master is programmed with the addresses its driver sees, and
 * reaches physical memory with them (no IOMMU): a partition that owns one
 * must see its memory at its physical addresses.
 */
static void check_dma_identity(struct config *c, int pi)
{
	struct part *p = &c->part[pi];
	bool dma = false;

	for (int d = 0; d < p->ndev; d++)
		dma |= p->dev_dma_ok[d] && c->dev[p->dev[d]].dma;
	for (int i = 0; dma && i < p->nmem; i++)
		if (p->ipa[i] != p->mem[i].base) {
			diag_prop(
				c, p->path, "memory-ipa",
				"a partition with dma-devices must see its memory at its physical addresses (its devices use them): 0x%llx is at 0x%llx",
				X(p->mem[i].base), X(p->ipa[i]));
			return;
		}
}

/* Devices of different partitions must not share a 4 KiB page. */
static void check_device_pages(struct config *c)
{
	struct span *s = NULL;
	struct hit *h;
	int n = 0, cap = 0, nh;

	for (int di = 0; di < c->ndevs; di++)
		for (int i = 0; c->dev[di].owner >= 0 && i < c->dev[di].nreg;
		     i++)
			s = push(s, &n, &cap, page_round(c->dev[di].reg[i]),
				 c->dev[di].owner, di);
	nh = overlaps(s, n, false, &h);
	for (int k = 0; k < nh; k++) {
		const struct pdev *x = &c->dev[h[k].a->item];
		const struct pdev *y = &c->dev[h[k].b->item];

		diag(c, c->part[y->owner].path,
		     "device %s shares a 4 KiB page with %s of %s", y->path,
		     x->path, c->part[x->owner].path);
	}
	free(h);
	free(s);
}

struct neighbour {
	struct config *c;
	const struct pdev *d;
	const struct part *p;
};

static bool report_neighbour(const struct span *s, void *arg)
{
	struct neighbour *nb = arg;
	struct config *c = nb->c;
	const struct node_reg *nr = &c->node_reg[s->item];
	char *tmp;

	if (nr->node == nb->d->node &&
	    (nr->node >= 0 || !strcmp(nr->path, nb->d->path)))
		return true;
	for (int k = 0; k < c->ndevs; k++)
		if (c->dev[k].owner >= 0 &&
		    (nr->node >= 0 ? c->dev[k].node == nr->node
				   : !strcmp(c->dev[k].path, nr->path)))
			return true; /* granted: check_device_pages' business */
	diag(c, nb->p->path,
	     "device %s shares a 4 KiB page with %s, which granting it would expose",
	     nb->d->path, node_reg_path(c, nr, &tmp));
	free(tmp);
	return true;
}

/*
 * Granting a device maps its registers rounded out to 4 KiB pages: no
 * other node's registers may lie in those pages unless they were granted
 * too (across partitions, check_device_pages() reports the conflict).
 */
static void check_page_neighbours(struct config *c, const struct range_index *x)
{
	for (int pi = 0; pi < c->nparts; pi++)
		for (int d = 0; d < c->part[pi].ndev; d++) {
			struct neighbour nb = { c, &c->dev[c->part[pi].dev[d]],
						&c->part[pi] };

			if (nb.d->owner != pi)
				continue;
			for (int i = 0; i < nb.d->nreg; i++)
				range_index_query(x, page_round(nb.d->reg[i]),
						  report_neighbour, &nb);
		}
}

/* The first of @d's interrupts that is @intid (it has it). */
static int irq_index(const struct pdev *d, uint32_t intid)
{
	int i = 0;

	while (i < d->nirq - 1 && d->irq[i] != intid)
		i++;
	return i;
}

static const char *trigger(uint32_t flags)
{
	return (flags & 0xf) == 1 ? "edge" : "level";
}

/*
 * An SPI has one owner. One partition may have it through two of its
 * devices (a shared line) or a device may list it twice, as long as all
 * agree on its trigger type: the core keeps one per SPI (vspi.edge).
 */
static void check_irqs(struct config *c)
{
	int *by = xcalloc(c->gic_intids ? c->gic_intids : GIC_MAX_INTIDS,
			  sizeof(int));
	uint32_t max = c->gic_intids ? c->gic_intids : GIC_MAX_INTIDS;

	for (int di = 0; di < c->ndevs; di++) {
		const struct pdev *y = &c->dev[di];

		for (int i = 0; y->owner >= 0 && i < y->nirq; i++) {
			const struct pdev *x;
			uint32_t xf;

			if (y->irq[i] >= max)
				continue; /* parse refused it */
			if (!by[y->irq[i]]) {
				by[y->irq[i]] = di + 1;
				continue;
			}
			x = &c->dev[by[y->irq[i]] - 1];
			xf = x->irq_flags[irq_index(x, y->irq[i])];
			if (x->owner != y->owner)
				diag(c, c->part[y->owner].path,
				     "interrupt %u of %s is already owned by %s (through %s)",
				     y->irq[i], y->path, c->part[x->owner].path,
				     x->path);
			else if ((xf & 0xf) != (y->irq_flags[i] & 0xf))
				diag(c, c->part[y->owner].path,
				     "interrupt %u is %s-triggered for %s and %s-triggered for %s: an SPI has one trigger type",
				     y->irq[i], trigger(xf), x->path,
				     trigger(y->irq_flags[i]), y->path);
		}
	}
	free(by);
}

static void check_spi_count(struct config *c, int pi)
{
	int n = 0;

	for (int d = 0; d < c->part[pi].ndev; d++)
		n += c->dev[c->part[pi].dev[d]].nirq;
	if (n > MAX_PART_SPIS)
		diag(c, c->part[pi].path,
		     "its devices bring %d interrupts; a partition owns at most %d (the core's per-vCPU queue holds %d)",
		     n, MAX_PART_SPIS, MAX_PART_SPIS + 1);
}

static void index_regs(const struct config *c, struct range_index *x,
		       struct span **s)
{
	*s = xcalloc((size_t)c->nnode_regs, sizeof(**s));
	for (int i = 0; i < c->nnode_regs; i++)
		(*s)[i] = (struct span){ c->node_reg[i].reg, 0, i, i };
	range_index_build(x, *s, c->nnode_regs);
}

/* Slots: the boot CPU first, then every other CPU a partition uses. */
int cpu_slots(const struct config *c, int *slot_cpu)
{
	int n = 0;

	if (slot_cpu)
		slot_cpu[n] = c->boot_cpu;
	n++;
	for (int i = 0; i < c->ncpus; i++)
		if (i != c->boot_cpu && c->cpu[i].owner >= 0) {
			if (slot_cpu)
				slot_cpu[n] = i;
			n++;
		}
	return n;
}

/* CPU slots (cpu_slots()) are numbered in 8 bits in the core's tables
 * (part_config.vcpu_slot): the first CPU beyond them is an error. */
static void check_slots(struct config *c)
{
	int n = cpu_slots(c, NULL), *slot_cpu, cpu;

	if (n <= MAX_SLOTS)
		return;
	slot_cpu = xcalloc((size_t)n, sizeof(int));
	cpu_slots(c, slot_cpu);
	cpu = slot_cpu[MAX_SLOTS];
	diag_prop(
		c, c->part[c->cpu[cpu].owner].path, "cpus",
		"%s would be CPU slot %d, and the core has slots 0 to %d (part_config.vcpu_slot is 8-bit): one for the boot CPU and one for each CPU a partition uses, %d in this system",
		cpu_name(c, cpu), MAX_SLOTS, MAX_SLOTS - 1, n);
	free(slot_cpu);
}

void config_validate(struct config *c)
{
	struct range_index x, rx;
	struct span *s, *rs = xcalloc((size_t)c->nrsv + 1, sizeof(*rs));

	index_regs(c, &x, &s);
	for (int i = 0; i < c->nrsv; i++)
		rs[i] = (struct span){ c->rsv[i], 0, i, i };
	range_index_build(&rx, rs, c->nrsv);
	check_hypervisor(c, &x, &rx);
	check_memory(c, &x, &rx);
	for (int i = 0; i < c->nparts; i++) {
		struct part *p = &c->part[i];

		if (!name_ok(p->name))
			diag(c, p->path,
			     "partition names use a-z, 0-9, '-' and '_' (1 to %d characters)",
			     NAME_MAX_LEN);
		check_cpus(c, i);
		for (int d = 0; d < p->ndev; d++)
			check_device(c, i, p->dev[d], p->dev_dma_ok[d]);
		check_dma_identity(c, i);
		check_guest_space(c, i);
		check_spi_count(c, i);
	}
	check_slots(c);
	check_device_pages(c);
	check_page_neighbours(c, &x);
	check_irqs(c);
	range_index_free(&x);
	range_index_free(&rx);
	free(s);
	free(rs);
}
