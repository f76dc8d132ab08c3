// SPDX-License-Identifier: MIT
/*
 * What the platform has, read from the compiled config once platform.c
 * has checked that its platform part is the platform description as
 * written: CPUs (MPIDRs), RAM and the /memreserve/ ranges, the GICv3
 * (and how many INTIDs it has), every register window (for page-sharing
 * checks), and, on first use by a config, each device: its translated
 * registers, its interrupts, and whether it can master the bus. Nodes
 * under the config's own nodes are never taken for platform ones.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"

#define MPIDR_AFF_MASK 0xff00ffffffULL /* Aff3, Aff2, Aff1, Aff0 */

bool flag_prop(struct config *c, const char *path, int off, const char *name)
{
	int len;

	if (!fdt_getprop(c->fdt, off, name, &len))
		return false;
	if (len)
		diag_prop(
			c, path, name,
			"%s is a flag: write `%s;`, or leave it out (it has no value)",
			name, name);
	return true;
}

bool prop_is_string(const void *v, int len)
{
	const char *s = v;

	if (!v || len < 2 || s[len - 1])
		return false;
	for (int i = 0; i < len - 1; i++)
		if (s[i] && (s[i] < 0x20 || s[i] > 0x7e))
			return false;
	return s[0] != 0;
}

bool prop_is_one_string(const void *v, int len)
{
	return prop_is_string(v, len) && strlen(v) + 1 == (size_t)len;
}

/* Marks nodes under the config's own top-level nodes (parent first). */
void board_mark_config(struct config *c, bool *in_config)
{
	const struct tree *t = &c->tree;

	for (int i = 0; i < t->count; i++) {
		int p = t->n[i].parent;

		in_config[i] = p >= 0 &&
			       (in_config[p] ||
				(t->n[p].parent < 0 &&
				 config_node_allowed(tree_name(t, i))));
	}
}

static bool has_type(const struct config *c, int i, const char *type)
{
	int len;
	const char *v =
		fdt_getprop(c->fdt, c->tree.n[i].off, "device_type", &len);

	return v && len > 0 && !v[len - 1] && !strcmp(v, type);
}

static void add_cpu(struct config *c, int i, int ac)
{
	struct pcpu *p = &c->cpu[c->ncpus];
	int len;
	const void *reg = fdt_getprop(c->fdt, c->tree.n[i].off, "reg", &len);

	p->path = tree_path(&c->tree, i);
	p->node = i;
	p->owner = -1;
	p->phandle = c->tree.n[i].phandle;
	if (!reg || ac < 0 || len != 4 * ac) {
		diag(c, p->path, "CPU without a valid reg (MPIDR)");
		free(p->path);
		p->path = NULL;
		return;
	}
	p->mpidr = read_cells(reg, ac);
	if (p->mpidr & ~MPIDR_AFF_MASK)
		diag(c, p->path,
		     "reg 0x%llx is not an MPIDR affinity value (Aff3..Aff0)",
		     (unsigned long long)p->mpidr);
	for (int k = 0; k < c->ncpus; k++)
		if (c->cpu[k].mpidr == p->mpidr)
			diag(c, p->path, "it has the MPIDR of %s (0x%llx)",
			     c->cpu[k].path, (unsigned long long)p->mpidr);
	c->ncpus++;
}

static void parse_cpus(struct config *c)
{
	int cpus = fdt_path_offset(c->fdt, "/cpus"), n = 0, ac, node;
	int idx = cpus >= 0 ? tree_find(&c->tree, cpus) : -1;

	if (idx < 0) {
		diag(c, "/cpus", "the platform describes no CPUs");
		return;
	}
	ac = tree_cells(&c->tree, idx, "#address-cells", 2);
	fdt_for_each_subnode (node, c->fdt, cpus)
		n++;
	c->cpu = xcalloc((size_t)n, sizeof(*c->cpu));
	fdt_for_each_subnode (node, c->fdt, cpus) {
		int i = tree_find(&c->tree, node);

		if (i >= 0 && has_type(c, i, "cpu"))
			add_cpu(c, i, ac);
	}
	if (!c->ncpus)
		diag(c, "/cpus", "the platform describes no CPUs");
}

static void parse_ram(struct config *c, const bool *in_config)
{
	int cap = 0;

	for (int i = 0; i < c->tree.count; i++) {
		struct region *r;
		int n;

		if (in_config[i] || !has_type(c, i, "memory"))
			continue;
		n = tree_reg(&c->tree, i, &r);
		for (int k = 0; k < n; k++) {
			if (!r[k].size)
				continue;
			c->ram = vec_grow(c->ram, &cap, c->nram + 1,
					  sizeof(*c->ram));
			c->ram[c->nram++] = r[k];
		}
		if (n < 0) {
			char *path = tree_path(&c->tree, i);

			diag(c, path,
			     "its reg cannot be read as memory ranges");
			free(path);
		}
		free(r);
	}
	if (!c->nram)
		diag(c, "/", "the platform describes no memory");
}

/* The /memreserve/ entries (the platform's: platform.c has checked that
 * the config left them alone); empty ones mean nothing. */
static void parse_memreserve(struct config *c)
{
	int n = fdt_num_mem_rsv(c->fdt);

	c->rsv = xcalloc(n > 0 ? (size_t)n : 1, sizeof(*c->rsv));
	for (int i = 0; i < n; i++) {
		uint64_t a, s;

		if (!fdt_get_mem_rsv(c->fdt, i, &a, &s) && s)
			c->rsv[c->nrsv++] = (struct region){ a, s };
	}
}

/* The interrupt parent of node @i (tree index), -1 if none resolves. */
int board_irq_parent(const struct config *c, int i)
{
	for (; i >= 0; i = c->tree.n[i].parent) {
		int len;
		const fdt32_t *p = fdt_getprop(c->fdt, c->tree.n[i].off,
					       "interrupt-parent", &len);

		if (p)
			return len == 4 ? tree_by_phandle(&c->tree,
							  fdt32_to_cpu(*p))
					: -1;
	}
	return -1;
}

static void gic_intids(struct config *c, int gic)
{
	int len;
	const fdt32_t *v = fdt_getprop(c->fdt, c->tree.n[gic].off,
				       "bulkhead,nr-interrupts", &len);

	c->gic_intids = GIC_MAX_INTIDS;
	if (!v)
		return;
	if (len != 4 || fdt32_to_cpu(*v) <= 32 ||
	    fdt32_to_cpu(*v) > GIC_MAX_INTIDS) {
		diag(c, "/",
		     "the GIC's bulkhead,nr-interrupts must be one cell, 33 to %d",
		     GIC_MAX_INTIDS);
		return;
	}
	c->gic_intids = fdt32_to_cpu(*v);
}

static void parse_gic(struct config *c)
{
	int gic = board_irq_parent(c, 0), len, n;
	struct region *r;
	const fdt32_t *v;

	c->gic_node = -1;
	if (gic < 0 || fdt_node_check_compatible(c->fdt, c->tree.n[gic].off,
						 "arm,gic-v3")) {
		diag(c, "/", "the root interrupt-parent is not an arm,gic-v3");
		return;
	}
	n = tree_reg(&c->tree, gic, &r);
	v = fdt_getprop(c->fdt, c->tree.n[gic].off, "#redistributor-regions",
			&len);
	if (n < 2 || (v && (len != 4 || fdt32_to_cpu(*v) != 1))) {
		diag(c, "/",
		     "the GICv3 node needs distributor and one redistributor region in reg");
		free(r);
		return;
	}
	c->gic_node = gic;
	c->gicd = r[0].base;
	c->gicd_size = r[0].size;
	c->gicr = r[1].base;
	v = fdt_getprop(c->fdt, c->tree.n[gic].off, "redistributor-stride",
			&len);
	c->gicr_stride = v && len == 8 ? read_cells(v, 2) : 0x20000;
	if (c->gicr_stride < 0x20000 || c->gicr_stride % 0x10000 ||
	    c->gicr_stride > r[1].size / (uint64_t)(c->ncpus ? c->ncpus : 1))
		diag(c, "/",
		     "the GIC's redistributor region 0x%llx+0x%llx does not hold one frame per CPU",
		     (unsigned long long)r[1].base,
		     (unsigned long long)r[1].size);
	gic_intids(c, gic);
	free(r);
}

/* Every register window of the platform (not RAM, not CPUs). */
static void parse_node_regs(struct config *c, const bool *in_config)
{
	for (int i = 0; i < c->tree.count; i++) {
		struct region *r;
		int n;

		if (in_config[i] || has_type(c, i, "memory") ||
		    has_type(c, i, "cpu"))
			continue;
		n = tree_reg(&c->tree, i, &r);
		for (int k = 0; k < n; k++) {
			struct node_reg *nr;

			if (!r[k].size)
				continue;
			c->node_reg = vec_grow(c->node_reg, &c->node_reg_cap,
					       c->nnode_regs + 1,
					       sizeof(*c->node_reg));
			nr = &c->node_reg[c->nnode_regs++];
			nr->node = i;
			nr->reg = r[k];
		}
		free(r);
	}
}

void board_parse(struct config *c, const bool *in_config)
{
	c->boot_cpu = 0;
	parse_cpus(c);
	parse_ram(c, in_config);
	parse_memreserve(c);
	parse_gic(c);
	parse_node_regs(c, in_config);
}

static bool is_bus_master(const void *fdt, int off)
{
	static const char *const props[] = {
		"bulkhead,bus-master", "dma-coherent",
		"dma-noncoherent",     "iommus",
		"iommu-map",	       NULL
	};

	for (int i = 0; props[i]; i++)
		if (fdt_getprop(fdt, off, props[i], NULL))
			return true;
	return false;
}

/* One <type number flags> triple of a GIC interrupt specifier. */
static bool add_irq(struct config *c, const char *user, struct pdev *d,
		    const fdt32_t *cell)
{
	uint32_t type = fdt32_to_cpu(cell[0]), num = fdt32_to_cpu(cell[1]);
	uint32_t flags = fdt32_to_cpu(cell[2]);

	if (type == 1 && num < 16) {
		d->nppi++;
		return true;
	}
	if (type != 0 || num >= c->gic_intids - 32) {
		diag(c, user,
		     "device %s: interrupt <%u %u %u> is not one of the platform's GIC: its SPIs are <0 N flags> for INTIDs 32 + N up to %u",
		     d->path, type, num, flags, c->gic_intids - 1);
		return false;
	}
	if ((flags & 0xf) != 1 && (flags & 0xf) != 4) {
		diag(c, user,
		     "device %s: interrupt <0 %u %u> must be edge (1) or level (4) triggered",
		     d->path, num, flags);
		return false;
	}
	d->irq[d->nirq] = 32 + num;
	d->irq_flags[d->nirq++] = flags;
	return true;
}

static bool parse_irqs(struct config *c, const char *user, struct pdev *d)
{
	int len, n;
	const fdt32_t *p = fdt_getprop(c->fdt, d->off, "interrupts", &len);
	int parent;

	if (fdt_getprop(c->fdt, d->off, "interrupts-extended", NULL)) {
		diag(c, user,
		     "device %s names its interrupts with interrupts-extended, which Bulkhead cannot grant",
		     d->path);
		return false;
	}
	if (!p)
		return true;
	parent = board_irq_parent(c, d->node);
	if (parent < 0 || parent != c->gic_node) {
		diag(c, user,
		     "device %s: its interrupt parent is not the GIC, and only GIC interrupts can be granted",
		     d->path);
		return false;
	}
	if (len % 12) {
		diag(c, user,
		     "device %s: interrupts must be <type number flags> triples",
		     d->path);
		return false;
	}
	n = len / 12;
	d->irq = xcalloc((size_t)n, sizeof(*d->irq));
	d->irq_flags = xcalloc((size_t)n, sizeof(*d->irq_flags));
	for (int i = 0; i < n; i++)
		if (!add_irq(c, user, d, p + 3 * i))
			return false;
	return true;
}

static bool parse_dev_reg(struct config *c, const char *user, struct pdev *d)
{
	d->nreg = tree_reg(&c->tree, d->node, &d->reg);
	if (d->nreg < 0) {
		d->nreg = 0;
		diag(c, user,
		     "device %s: its reg cannot be translated to physical addresses (malformed, outside its bus's ranges, or wrapping)",
		     d->path);
		return false;
	}
	for (int i = 0; i < d->nreg; i++)
		if (!d->reg[i].size) {
			diag(c, user,
			     "device %s: reg window %d is empty (size 0)",
			     d->path, i);
			return false;
		}
	return true;
}

/* The pdev of node @i (created on first use); -1 if it cannot be one. */
int board_device(struct config *c, int i, const char *user)
{
	struct pdev *d;
	const char *compat;
	int len;

	for (int k = 0; k < c->ndevs; k++)
		if (c->dev[k].node == i)
			return c->dev[k].bad ? -1 : k;
	c->dev = vec_grow(c->dev, &c->dev_cap, c->ndevs + 1, sizeof(*c->dev));
	d = &c->dev[c->ndevs];
	memset(d, 0, sizeof(*d));
	d->node = i;
	d->off = c->tree.n[i].off;
	d->phandle = c->tree.n[i].phandle;
	d->owner = -1;
	d->path = tree_path(&c->tree, i);
	compat = fdt_getprop(c->fdt, d->off, "compatible", &len);
	d->compatible =
		xstrdup(compat && len > 0 && !compat[len - 1] ? compat : "");
	d->dma = is_bus_master(c->fdt, d->off);
	c->ndevs++; /* kept even when broken, so it is reported once */
	if (!parse_dev_reg(c, user, d) || !parse_irqs(c, user, d)) {
		c->dev[c->ndevs - 1].bad = true;
		return -1;
	}
	return c->ndevs - 1;
}
