// SPDX-License-Identifier: MIT
/*
 * DTB -> model. Reads the platform (CPUs, RAM, GIC, devices referenced by
 * the config) and the config nodes: /hypervisor and /partitions/<name>.
 * Structural problems (a missing or malformed property, a phandle that
 * does not resolve, an unknown property) are reported here; whether the
 * system can work is validate.c's job.
 *
 * Addresses in `memory`, `memory-ipa` (config nodes) use the root's
 * #address-cells/#size-cells; device `reg` is translated through the
 * parents' `ranges` to a CPU physical address.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "bhconfig.h"

/*
 * #address-cells / #size-cells of @node. The model holds 64-bit values, so
 * anything above 2 (or an address of 0 cells) is reported as -1: callers
 * treat that node's addresses as unreadable instead of trusting it.
 */
static int cells(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
	uint32_t v;

	if (!p || len != 4)
		return dflt;
	v = fdt32_to_cpu(*p);
	if (v > 2 || (v == 0 && !strcmp(name, "#address-cells")))
		return -1;
	return (int)v;
}

static uint64_t read_cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

static void node_path(const void *fdt, int node, char *buf, size_t size)
{
	if (fdt_get_path(fdt, node, buf, (int)size) < 0)
		snprintf(buf, size, "?");
}

/* Translate @addr of a child of @parent up to the root; false if it can't. */
static bool translate(const void *fdt, int parent, uint64_t *addr)
{
	while (parent > 0) {
		int gp = fdt_parent_offset(fdt, parent);
		int ca = cells(fdt, parent, "#address-cells", 2);
		int pa = cells(fdt, gp, "#address-cells", 2);
		int cs = cells(fdt, parent, "#size-cells", 1);
		int len, step = ca + pa + cs, i;
		const fdt32_t *r = fdt_getprop(fdt, parent, "ranges", &len);

		if (!r || ca < 0 || pa < 0 || cs < 0)
			return false;
		for (i = 0; len && i + step <= len / 4; i += step) {
			uint64_t cb = read_cells(r + i, ca);
			uint64_t pb = read_cells(r + i + ca, pa);
			uint64_t sz = read_cells(r + i + ca + pa, cs);

			if (*addr >= cb && *addr - cb < sz) {
				*addr = *addr - cb + pb;
				break;
			}
		}
		if (len && i + step > len / 4)
			return false;
		parent = gp;
	}
	return true;
}

static int read_reg(const void *fdt, int node, struct region *out, int max)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac = cells(fdt, parent, "#address-cells", 2);
	int sc = cells(fdt, parent, "#size-cells", 1);
	int len, n = 0;
	const fdt32_t *p = fdt_getprop(fdt, node, "reg", &len);

	if (!p || ac < 0 || sc < 0)
		return ac < 0 || sc < 0 ? -1 : 0;
	for (int i = 0; i + ac + sc <= len / 4 && n < max; i += ac + sc) {
		out[n].base = read_cells(p + i, ac);
		out[n].size = read_cells(p + i + ac, sc);
		if (!translate(fdt, parent, &out[n].base))
			return -1;
		n++;
	}
	return n;
}

static void parse_cpus(struct config *c, const void *fdt)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node;

	if (cpus < 0) {
		diag(c, "/cpus", "the platform describes no CPUs");
		return;
	}
	fdt_for_each_subnode (node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		int len;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		struct pcpu *p = &c->cpu[c->ncpus];

		if (!type || strcmp(type, "cpu") || c->ncpus == MAX_CPUS)
			continue;
		node_path(fdt, node, p->path, sizeof(p->path));
		if (!reg || (len != 4 && len != 8)) {
			diag(c, p->path, "CPU without a valid reg (MPIDR)");
			continue;
		}
		p->mpidr = read_cells(reg, len / 4);
		p->phandle = fdt_get_phandle(fdt, node);
		p->owner = -1;
		c->ncpus++;
	}
}

static void parse_ram(struct config *c, const void *fdt)
{
	int node;

	for (node = fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);

		if (type && !strcmp(type, "memory")) {
			int n = read_reg(fdt, node, c->ram + c->nram,
					 MAX_RAM - c->nram);
			c->nram += n > 0 ? n : 0;
		}
	}
	if (!c->nram)
		diag(c, "/", "the platform describes no memory");
}

static int irq_parent(const void *fdt, int node)
{
	for (; node >= 0; node = fdt_parent_offset(fdt, node)) {
		int len;
		const fdt32_t *p =
			fdt_getprop(fdt, node, "interrupt-parent", &len);

		if (p && len == 4)
			return fdt_node_offset_by_phandle(fdt,
							  fdt32_to_cpu(*p));
	}
	return -1;
}

static void parse_irqs(const void *fdt, int node, int gic, struct pdev *d)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, "interrupts", &len);

	if (!p || irq_parent(fdt, node) != gic)
		return;
	for (int i = 0; i + 3 <= len / 4; i += 3) {
		uint32_t type = fdt32_to_cpu(p[i]),
			 num = fdt32_to_cpu(p[i + 1]);

		if (type == 0 && d->nirq < MAX_IRQ) {
			d->irq[d->nirq] = 32 + num;
			d->irq_flags[d->nirq++] = fdt32_to_cpu(p[i + 2]);
		} else if (type == 1) {
			d->nppi++;
		}
	}
}

/* The pdev for the node @phandle refers to (created on first use). */
static int device_get(struct config *c, const void *fdt, uint32_t phandle,
		      const char *user)
{
	int node = fdt_node_offset_by_phandle(fdt, phandle), gic, i, len;
	struct pdev *d;
	const char *compat;

	if (node < 0) {
		diag(c, user, "phandle 0x%x does not refer to any node",
		     phandle);
		return -1;
	}
	for (i = 0; i < c->ndevs; i++)
		if (c->dev[i].node == node)
			return i;
	if (c->ndevs == MAX_PDEVS) {
		diag(c, user, "too many devices (at most %d)", MAX_PDEVS);
		return -1;
	}
	d = &c->dev[c->ndevs];
	memset(d, 0, sizeof(*d));
	d->node = node;
	d->phandle = phandle;
	d->owner = -1;
	node_path(fdt, node, d->path, sizeof(d->path));
	compat = fdt_getprop(fdt, node, "compatible", &len);
	if (compat && len > 0 && !compat[len - 1]) /* a terminated string */
		snprintf(d->compatible, sizeof(d->compatible), "%s", compat);
	/* A bus master: nothing here (no IOMMU) would confine its DMA. */
	d->dma = fdt_getprop(fdt, node, "dma-coherent", NULL) ||
		 fdt_getprop(fdt, node, "dma-noncoherent", NULL) ||
		 !fdt_node_check_compatible(fdt, node, "virtio,mmio") ||
		 !fdt_node_check_compatible(fdt, node, "qemu,fw-cfg-mmio");
	d->nreg = read_reg(fdt, node, d->reg, MAX_REG);
	if (d->nreg < 0) {
		diag(c, user,
		     "%s: reg cannot be translated to a physical address",
		     d->path);
		return -1;
	}
	gic = fdt_path_offset(fdt, "/");
	gic = irq_parent(fdt, gic);
	parse_irqs(fdt, node, gic, d);
	return c->ndevs++;
}

static void parse_gic(struct config *c, const void *fdt)
{
	int gic = irq_parent(fdt, fdt_path_offset(fdt, "/"));
	struct region r[2];
	int len;
	const fdt32_t *stride;

	if (gic < 0 || fdt_node_check_compatible(fdt, gic, "arm,gic-v3")) {
		diag(c, "/", "the root interrupt-parent is not an arm,gic-v3");
		return;
	}
	if (read_reg(fdt, gic, r, 2) != 2) {
		diag(c, "/",
		     "the GICv3 node needs distributor and redistributor reg");
		return;
	}
	c->gicd = r[0].base;
	c->gicd_size = r[0].size;
	c->gicr = r[1].base;
	stride = fdt_getprop(fdt, gic, "redistributor-stride", &len);
	c->gicr_stride = stride && len == 8 ? read_cells(stride, 2) : 0x20000;
}

/* A list of (address, size) pairs in root cells; returns the count. */
static int read_ranges(struct config *c, const void *fdt, int node,
		       const char *prop, const char *path, struct region *out,
		       int max, bool sized)
{
	int root = fdt_path_offset(fdt, "/");
	int ac = cells(fdt, root, "#address-cells", 2);
	int sc = sized ? cells(fdt, root, "#size-cells", 2) : 0;
	int len, n = 0;
	const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);

	if (!p)
		return 0;
	if (ac < 1 || sc < 0) {
		diag(c, "/", "#address-cells and #size-cells must be 1 or 2");
		return -1;
	}
	if (len == 0 || len % (4 * (ac + sc))) {
		diag(c, path, "%s must be a list of <%s> (%d + %d cells each)",
		     prop, sized ? "address size" : "address", ac, sc);
		return -1;
	}
	for (int i = 0; i < len / 4; i += ac + sc) {
		if (n == max) {
			diag(c, path, "%s: more than %d ranges", prop, max);
			return -1;
		}
		out[n].base = read_cells(p + i, ac);
		out[n].size = sized ? read_cells(p + i + ac, sc) : 0;
		n++;
	}
	return n;
}

static void parse_hypervisor(struct config *c, const void *fdt)
{
	int node = fdt_path_offset(fdt, "/hypervisor"), len;
	const fdt32_t *con;

	c->console = -1;
	if (node < 0) {
		diag(c, "/hypervisor",
		     "missing: it names the core's memory and console");
		return;
	}
	if (read_ranges(c, fdt, node, "memory", "/hypervisor", &c->hyp, 1,
			true) != 1)
		diag(c, "/hypervisor",
		     "memory must be one <address size> range");
	con = fdt_getprop(fdt, node, "console", &len);
	if (!con || len != 4)
		diag(c, "/hypervisor",
		     "console must be one phandle (e.g. <&uart0>)");
	else
		c->console =
			device_get(c, fdt, fdt32_to_cpu(*con), "/hypervisor");
}

static int cpu_by_phandle(const struct config *c, uint32_t ph)
{
	for (int i = 0; i < c->ncpus; i++)
		if (c->cpu[i].phandle == ph)
			return i;
	return -1;
}

static const char *const part_props[] = {
	"cpus",	   "memory",	    "memory-ipa",  "image",
	"devices", "on-fault",	    "bootargs",	   "initrd",
	"phandle", "linux,phandle", "dma-devices", NULL,
};

static void check_props(struct config *c, const void *fdt, int node,
			const char *path)
{
	int prop, sub;

	fdt_for_each_property_offset (prop, fdt, node) {
		const char *name;
		int i;

		if (!fdt_getprop_by_offset(fdt, prop, &name, NULL)) {
			diag(c, path, "a property the device tree cannot name");
			continue;
		}
		for (i = 0; part_props[i] && strcmp(part_props[i], name); i++)
			;
		if (!part_props[i])
			diag(c, path, "unknown property '%s'", name);
	}
	fdt_for_each_subnode (sub, fdt, node)
		diag(c, path, "unexpected child node '%s'",
		     fdt_get_name(fdt, sub, NULL));
}

static void parse_part_cpus(struct config *c, const void *fdt, int node,
			    struct part *p)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, "cpus", &len);

	if (!v || len == 0 || len % 4) {
		diag(c, p->path,
		     "cpus must list at least one CPU (e.g. <&cpu1>)");
		return;
	}
	if (len / 4 > MAX_VCPUS) {
		diag(c, p->path, "more than %d cpus", MAX_VCPUS);
		return;
	}
	for (int i = 0; i < len / 4; i++) {
		uint32_t ph = fdt32_to_cpu(v[i]);
		int cpu = cpu_by_phandle(c, ph);

		if (cpu < 0) {
			char path[128] = "?";
			int n = fdt_node_offset_by_phandle(fdt, ph);

			if (n >= 0)
				node_path(fdt, n, path, sizeof(path));
			diag(c, p->path,
			     "cpus: %s is not a CPU of the platform", path);
			continue;
		}
		p->cpu[p->ncpus++] = cpu;
	}
}

static void parse_part_mem(struct config *c, const void *fdt, int node,
			   struct part *p)
{
	struct region ipa[MAX_MEM];
	int n = read_ranges(c, fdt, node, "memory", p->path, p->mem, MAX_MEM,
			    true);
	int m;

	if (n == 0)
		diag(c, p->path, "memory is missing");
	p->nmem = n > 0 ? n : 0;
	for (int i = 0; i < p->nmem; i++)
		p->ipa[i] = p->mem[i].base;
	if (!fdt_getprop(fdt, node, "memory-ipa", NULL))
		return;
	m = read_ranges(c, fdt, node, "memory-ipa", p->path, ipa, MAX_MEM,
			false);
	if (m >= 0 && m != p->nmem)
		diag(c, p->path,
		     "memory-ipa must give one address per memory range (it has %d for %d)",
		     m, p->nmem);
	for (int i = 0; m == p->nmem && i < m; i++)
		p->ipa[i] = ipa[i].base;
}

/* Grant the devices a list names; @dma: the list is dma-devices. */
static void grant_list(struct config *c, const void *fdt, int node,
		       struct part *p, const char *prop, bool dma)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, prop, &len);

	if (!v)
		return;
	if (len % 4 || len / 4 + p->ndev > MAX_GRANTS) {
		diag(c, p->path,
		     "%s must be a list of phandles, at most %d devices in all",
		     prop, MAX_GRANTS);
		return;
	}
	for (int i = 0; i < len / 4; i++) {
		int d = device_get(c, fdt, fdt32_to_cpu(v[i]), p->path);

		if (d < 0)
			continue;
		p->dev_dma_ok[p->ndev] = dma;
		p->dev[p->ndev++] = d;
	}
}

static void parse_part_devices(struct config *c, const void *fdt, int node,
			       struct part *p)
{
	grant_list(c, fdt, node, p, "devices", false);
	grant_list(c, fdt, node, p, "dma-devices", true);
}

/* Every register window of the platform (not RAM, not CPUs). */
static void parse_node_regs(struct config *c, const void *fdt)
{
	int node;

	for (node = fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		struct region r[MAX_REG];
		int n;

		if (type && (!strcmp(type, "memory") || !strcmp(type, "cpu")))
			continue;
		n = read_reg(fdt, node, r, MAX_REG);
		for (int i = 0; i < n && c->nnode_regs < MAX_NODE_REGS; i++) {
			struct node_reg *nr = &c->node_reg[c->nnode_regs++];

			node_path(fdt, node, nr->path, sizeof(nr->path));
			nr->reg = r[i];
		}
	}
}

static void get_string(struct config *c, const void *fdt, int node,
		       const struct part *p, const char *prop, char *out,
		       size_t size)
{
	int len;
	const char *s = fdt_getprop(fdt, node, prop, &len);

	if (!s)
		return;
	if (len < 2 || s[len - 1] || strlen(s) + 1 != (size_t)len ||
	    (size_t)len > size)
		diag(c, p->path,
		     "%s must be one string (at most %zu characters)", prop,
		     size - 1);
	else
		memcpy(out, s, (size_t)len);
}

static void parse_partition(struct config *c, const void *fdt, int node)
{
	struct part *p = &c->part[c->nparts];
	char fault[16] = "stop";

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", fdt_get_name(fdt, node, NULL));
	node_path(fdt, node, p->path, sizeof(p->path));
	p->vmid = c->nparts + 1;
	check_props(c, fdt, node, p->path);
	parse_part_cpus(c, fdt, node, p);
	parse_part_mem(c, fdt, node, p);
	parse_part_devices(c, fdt, node, p);
	get_string(c, fdt, node, p, "image", p->image, sizeof(p->image));
	get_string(c, fdt, node, p, "initrd", p->initrd, sizeof(p->initrd));
	get_string(c, fdt, node, p, "bootargs", p->bootargs,
		   sizeof(p->bootargs));
	get_string(c, fdt, node, p, "on-fault", fault, sizeof(fault));
	if (!p->image[0])
		diag(c, p->path, "image is missing (e.g. image = \"hello\")");
	if (!strcmp(fault, "restart"))
		p->on_fault = ON_FAULT_RESTART;
	else if (strcmp(fault, "stop"))
		diag(c, p->path,
		     "on-fault must be \"stop\" or \"restart\", not \"%s\"",
		     fault);
	c->nparts++;
}

static void parse_partitions(struct config *c, const void *fdt)
{
	int parts = fdt_path_offset(fdt, "/partitions"), node;

	if (parts < 0) {
		diag(c, "/partitions",
		     "missing: a config declares its partitions there");
		return;
	}
	fdt_for_each_subnode (node, fdt, parts) {
		if (c->nparts == MAX_PARTS) {
			diag(c, "/partitions", "more than %d partitions",
			     MAX_PARTS);
			return;
		}
		parse_partition(c, fdt, node);
	}
	if (!c->nparts)
		diag(c, "/partitions", "no partition is declared");
}

void config_parse(struct config *c, const void *fdt)
{
	c->console = -1;
	/* Walk nothing before the whole structure is known to be sound. */
	if (fdt_check_header(fdt) || fdt_check_full(fdt, fdt_totalsize(fdt))) {
		diag(c, "/", "not a valid device tree blob");
		return;
	}
	c->boot_cpu = 0;
	parse_cpus(c, fdt);
	parse_ram(c, fdt);
	parse_gic(c, fdt);
	parse_node_regs(c, fdt);
	parse_hypervisor(c, fdt);
	parse_partitions(c, fdt);
}
