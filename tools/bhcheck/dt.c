// SPDX-License-Identifier: MIT
/*
 * "want", part one: what the platform has and what the config asks for,
 * read afresh from the two DTBs bhconfig compiled (platform.dtb alone,
 * config.dtb with the config's nodes). Platform facts come from the
 * platform's own blob: a phandle in the config is followed to its node's
 * path, and that path looked up in the platform. Addresses are
 * translated here with this file's own reading of #address-cells,
 * #size-cells and ranges (devicetree specification 2.3).
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "bhcheck.h"

static uint64_t cells_at(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

static int ncells(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return dflt;
	return len == 4 && fdt32_to_cpu(*p) <= 2 ? (int)fdt32_to_cpu(*p) : -1;
}

static char *path_of(const void *fdt, int node)
{
	for (int size = 256;; size *= 2) {
		char *buf = malloc((size_t)size);
		int err = buf ? fdt_get_path(fdt, node, buf, size) : -1;

		if (!err)
			return buf;
		free(buf);
		if (err != -FDT_ERR_NOSPACE)
			return fmt("?");
	}
}

/* [*addr, +size) of a child of @bus, up to the root; false if it can't. */
static bool up(const void *fdt, int bus, uint64_t *addr, uint64_t size)
{
	while (bus > 0) {
		int parent = fdt_parent_offset(fdt, bus), len, i;
		int ca = ncells(fdt, bus, "#address-cells", 2);
		int cs = ncells(fdt, bus, "#size-cells", 1);
		int pa = ncells(fdt, parent, "#address-cells", 2);
		const fdt32_t *r = fdt_getprop(fdt, bus, "ranges", &len);

		if (!r || ca < 1 || cs < 0 || pa < 1)
			return false;
		for (i = 0; len && i + ca + pa + cs <= len / 4;
		     i += ca + pa + cs) {
			struct range child = { cells_at(r + i, ca),
					       cells_at(r + i + ca + pa, cs) };

			if (range_within((struct range){ *addr, size },
					 child)) {
				*addr = *addr - child.base +
					cells_at(r + i + ca, pa);
				break;
			}
		}
		if (len && i + ca + pa + cs > len / 4)
			return false;
		bus = parent;
	}
	return true;
}

/* Node @node's reg as CPU physical ranges; -1 if it cannot be read. */
static int reg_of(const void *fdt, int node, struct range **out)
{
	int parent = fdt_parent_offset(fdt, node), len, n;
	int ac = ncells(fdt, parent, "#address-cells", 2);
	int sc = ncells(fdt, parent, "#size-cells", 1);
	const fdt32_t *p = fdt_getprop(fdt, node, "reg", &len);

	*out = NULL;
	if (!p)
		return 0;
	if (ac < 1 || sc < 0 || len % (4 * (ac + sc)))
		return -1;
	n = len / (4 * (ac + sc));
	*out = calloc((size_t)n + 1, sizeof(**out));
	for (int i = 0; i < n; i++) {
		struct range *r = &(*out)[i];
		uint64_t end;

		r->base = cells_at(p + i * (ac + sc), ac);
		r->size = cells_at(p + i * (ac + sc) + ac, sc);
		if (!range_end(*r, &end) ||
		    !up(fdt, parent, &r->base, r->size) || !range_end(*r, &end))
			return -1;
	}
	return n;
}

static bool is_type(const void *fdt, int node, const char *type)
{
	int len;
	const char *t = fdt_getprop(fdt, node, "device_type", &len);

	return t && len > 0 && !t[len - 1] && !strcmp(t, type);
}

/* The interrupt parent of @node (inherited), -1 if none resolves. */
static int irq_parent(const void *fdt, int node)
{
	for (; node >= 0; node = fdt_parent_offset(fdt, node)) {
		int len;
		const fdt32_t *p =
			fdt_getprop(fdt, node, "interrupt-parent", &len);

		if (p)
			return len == 4 ? fdt_node_offset_by_phandle(
						  fdt, fdt32_to_cpu(*p))
					: -1;
		if (node == 0)
			break;
	}
	return -1;
}

/* A count property (#interrupt-cells, ...) of @node: @dflt when absent,
 * -1 when it is not one cell of at most 8. */
static int count_of(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *p;

	if (node < 0)
		return -1;
	p = fdt_getprop(fdt, node, name, &len);
	if (!p)
		return dflt;
	return len == 4 && fdt32_to_cpu(*p) <= 8 ? (int)fdt32_to_cpu(*p) : -1;
}

/* GIC specifier @spec (<type number flags>): its SPI is wired. */
static void wire(struct want *w, const fdt32_t *spec)
{
	uint32_t num = fdt32_to_cpu(spec[1]);

	if (!fdt32_to_cpu(spec[0]) && num < 988)
		w->spi_wired[(num + 32) / 8] |= (uint8_t)(1U << (num + 32) % 8);
}

/* The GIC entries of @node's interrupt-map (DTSpec 2.4.3.1: child
 * address and interrupt, parent phandle, address and specifier). */
static bool wired_by_map(struct want *w, const void *fdt, int node, int gic)
{
	int len, i = 0;
	const fdt32_t *p = fdt_getprop(fdt, node, "interrupt-map", &len);
	int ca = count_of(fdt, node, "#address-cells", 2);
	int ci = count_of(fdt, node, "#interrupt-cells", -1);

	if (p && (ca < 0 || ci < 0))
		return false;
	while (p && i < len / 4) {
		int at = i + ca + ci;
		int par = at < len / 4 ? fdt_node_offset_by_phandle(
						 fdt, fdt32_to_cpu(p[at]))
				       : -1;
		int pa = count_of(fdt, par, "#address-cells", 0);
		int pi = count_of(fdt, par, "#interrupt-cells", -1);

		if (pa < 0 || pi < 0 || at + 1 + pa + pi > len / 4)
			return false;
		if (par == gic && pi >= 2)
			wire(w, p + at + 1 + pa);
		i = at + 1 + pa + pi;
	}
	return true;
}

/* Every SPI @node names: its interrupts when the GIC is their parent,
 * the GIC entries of its interrupts-extended and interrupt-map. False
 * if some cannot be read. */
static bool wired_by(struct want *w, const void *fdt, int node, int gic)
{
	int len, gc = count_of(fdt, gic, "#interrupt-cells", -1);
	const fdt32_t *p = fdt_getprop(fdt, node, "interrupts", &len);
	int par = p ? irq_parent(fdt, node) : -1;

	if (p && (par < 0 || (par == gic && (gc < 2 || len % (4 * gc)))))
		return false;
	for (int i = 0; p && par == gic && i < len / 4; i += gc)
		wire(w, p + i);
	p = fdt_getprop(fdt, node, "interrupts-extended", &len);
	for (int i = 0; p && i < len / 4;) {
		int ctl = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(p[i]));
		int n = count_of(fdt, ctl, "#interrupt-cells", -1);

		if (n < 0 || i + 1 + n > len / 4)
			return false;
		if (ctl == gic && n >= 2)
			wire(w, p + i + 1);
		i += 1 + n;
	}
	return wired_by_map(w, fdt, node, gic);
}

static void platform_node(struct want *w, const void *fdt, int node, int gic,
			  int *ram_cap, int *reg_cap)
{
	struct range *r;
	int n = reg_of(fdt, node, &r);
	bool mem = is_type(fdt, node, "memory");

	if (!wired_by(w, fdt, node, gic) && !w->spi_unread)
		w->spi_unread = path_of(fdt, node);
	if (is_type(fdt, node, "cpu")) {
		free(r);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (!r[i].size)
			continue;
		if (mem) {
			w->ram = grow(w->ram, ram_cap, w->nram + 1,
				      sizeof(*w->ram));
			w->ram[w->nram++] = r[i];
		} else {
			w->regs = grow(w->regs, reg_cap, w->nregs + 1,
				       sizeof(*w->regs));
			w->regs[w->nregs].path = path_of(fdt, node);
			w->regs[w->nregs++].r = r[i];
		}
	}
	free(r);
}

static void platform_cpus(struct want *w, const void *fdt)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, cap = 0;
	int ac = cpus >= 0 ? ncells(fdt, cpus, "#address-cells", 2) : -1;

	if (cpus < 0)
		return;
	fdt_for_each_subnode (node, fdt, cpus) {
		int len;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

		if (!is_type(fdt, node, "cpu") || !reg || ac < 1 ||
		    len != 4 * ac)
			continue;
		w->cpu = grow(w->cpu, &cap, w->ncpus + 1, sizeof(*w->cpu));
		w->cpu[w->ncpus].path = path_of(fdt, node);
		w->cpu[w->ncpus++].mpidr = cells_at(reg, ac);
	}
}

static void platform_gic(struct check *k, const void *fdt)
{
	struct want *w = &k->w;
	int gic = irq_parent(fdt, 0), len;
	struct range *r = NULL;
	const fdt32_t *v;

	if (gic < 0 || reg_of(fdt, gic, &r) < 2) {
		check_fail(k, "/", "the platform's GIC cannot be read");
		free(r);
		return;
	}
	w->gic_path = path_of(fdt, gic);
	w->gicd = r[0].base;
	w->gicd_size = r[0].size;
	w->gicr = r[1].base;
	w->gicr_size = r[1].size;
	v = fdt_getprop(fdt, gic, "redistributor-stride", &len);
	w->gicr_stride = v && len == 8 ? cells_at(v, 2) : 0x20000;
	v = fdt_getprop(fdt, gic, "bulkhead,nr-interrupts", &len);
	w->gic_intids = v && len == 4 ? fdt32_to_cpu(*v) : 1020;
	free(r);
}

/* The /memreserve/ entries: memory the firmware keeps for itself. */
static void platform_memreserve(struct want *w, const void *fdt)
{
	int n = fdt_num_mem_rsv(fdt);

	w->rsv = calloc(n > 0 ? (size_t)n : 1, sizeof(*w->rsv));
	for (int i = 0; w->rsv && i < n; i++) {
		uint64_t a, s;

		if (!fdt_get_mem_rsv(fdt, i, &a, &s) && s)
			w->rsv[w->nrsv++] = (struct range){ a, s };
	}
}

static void read_platform(struct check *k, const void *fdt)
{
	int ram_cap = 0, reg_cap = 0, gic = irq_parent(fdt, 0);

	for (int n = fdt_next_node(fdt, -1, NULL); n >= 0;
	     n = fdt_next_node(fdt, n, NULL))
		platform_node(&k->w, fdt, n, gic, &ram_cap, &reg_cap);
	platform_memreserve(&k->w, fdt);
	platform_cpus(&k->w, fdt);
	platform_gic(k, fdt);
}

struct blobs {
	const void *cfg, *plat;
	int dev_cap;
};

static void device_irqs(struct check *k, const void *plat, int node,
			struct want_dev *d)
{
	int len, n;
	const fdt32_t *p = fdt_getprop(plat, node, "interrupts", &len);
	int parent = irq_parent(plat, node);
	char *ppath = parent >= 0 ? path_of(plat, parent) : fmt("?");

	if (p &&
	    (strcmp(ppath, k->w.gic_path ? k->w.gic_path : "") || len % 12))
		check_fail(k, d->path, "its interrupts are not GIC interrupts");
	free(ppath);
	if (!p || len % 12)
		return;
	n = len / 12;
	d->spi = calloc((size_t)n + 1, sizeof(*d->spi));
	d->edge = calloc((size_t)n + 1, sizeof(*d->edge));
	for (int i = 0; i < n; i++) {
		uint32_t type = fdt32_to_cpu(p[3 * i]);
		uint32_t num = fdt32_to_cpu(p[3 * i + 1]);

		if (type == 1) {
			d->nppi++;
		} else {
			d->spi[d->nspi] = type == 0 && num < 988 ? 32 + num
								 : UINT32_MAX;
			d->edge[d->nspi++] = (fdt32_to_cpu(p[3 * i + 2]) & 3) !=
					     0;
		}
	}
}

static bool bus_master(const void *plat, int node)
{
	static const char *const props[] = { "bulkhead,bus-master",
					     "dma-coherent", "dma-noncoherent",
					     "iommus", "iommu-map" };

	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
		if (fdt_getprop(plat, node, props[i], NULL))
			return true;
	return false;
}

/* The want_dev for config phandle @ph (made on first use), -1 if none. */
static int device(struct check *k, struct blobs *b, uint32_t ph,
		  const char *user)
{
	struct want *w = &k->w;
	int cn = fdt_node_offset_by_phandle(b->cfg, ph), pn;
	char *path = cn >= 0 ? path_of(b->cfg, cn) : NULL;
	struct want_dev *d;

	pn = path ? fdt_path_offset(b->plat, path) : -1;
	if (pn < 0) {
		check_fail(k, user,
			   "phandle 0x%x is not a node of the platform", ph);
		free(path);
		return -1;
	}
	for (int i = 0; i < w->ndevs; i++)
		if (!strcmp(w->dev[i].path, path)) {
			free(path);
			return i;
		}
	w->dev = grow(w->dev, &b->dev_cap, w->ndevs + 1, sizeof(*w->dev));
	d = &w->dev[w->ndevs];
	d->path = path;
	d->nreg = reg_of(b->plat, pn, &d->reg);
	if (d->nreg < 0) {
		check_fail(k, path, "its reg cannot be translated");
		d->nreg = 0;
	}
	device_irqs(k, b->plat, pn, d);
	d->bus_master = bus_master(b->plat, pn);
	return w->ndevs++;
}

/* (address[, size]) pairs of @prop in root cells; count, -1 malformed. */
static int root_ranges(const void *cfg, int node, const char *prop, bool sized,
		       struct range **out)
{
	int ac = ncells(cfg, 0, "#address-cells", 2);
	int sc = sized ? ncells(cfg, 0, "#size-cells", 1) : 0, len, n;
	const fdt32_t *p = fdt_getprop(cfg, node, prop, &len);

	*out = NULL;
	if (!p)
		return 0;
	if (ac < 1 || sc < 0 || len % (4 * (ac + sc)))
		return -1;
	n = len / (4 * (ac + sc));
	*out = calloc((size_t)n + 1, sizeof(**out));
	for (int i = 0; i < n; i++)
		(*out)[i] = (struct range){
			cells_at(p + i * (ac + sc), ac),
			sized ? cells_at(p + i * (ac + sc) + ac, sc) : 0
		};
	return n;
}

static char *string(const void *cfg, int node, const char *prop)
{
	int len;
	const char *s = fdt_getprop(cfg, node, prop, &len);

	return s && len > 0 && !s[len - 1] ? fmt("%s", s) : NULL;
}

static void part_cpus(struct check *k, struct blobs *b, int node,
		      struct want_part *p)
{
	int len;
	const fdt32_t *v = fdt_getprop(b->cfg, node, "cpus", &len);

	p->cpu = calloc(v && len > 0 ? (size_t)len / 4 + 1 : 1, sizeof(int));
	for (int i = 0; v && i < len / 4; i++) {
		int cn = fdt_node_offset_by_phandle(b->cfg, fdt32_to_cpu(v[i]));
		char *path = cn >= 0 ? path_of(b->cfg, cn) : fmt("?");
		int found = -1;

		for (int c = 0; c < k->w.ncpus; c++)
			if (!strcmp(k->w.cpu[c].path, path))
				found = c;
		if (found < 0)
			check_fail(k, p->path,
				   "cpus: %s is not a CPU of the platform",
				   path);
		else
			p->cpu[p->ncpus++] = found;
		free(path);
	}
}

static void part_memory(struct check *k, struct blobs *b, int node,
			struct want_part *p)
{
	struct range *ipa;
	int n = root_ranges(b->cfg, node, "memory", true, &p->mem);
	int m = root_ranges(b->cfg, node, "memory-ipa", false, &ipa);

	if (n < 0 || m < 0 || (m > 0 && m != n))
		check_fail(k, p->path, "memory or memory-ipa cannot be read");
	p->nmem = n > 0 ? n : 0;
	p->ipa = calloc((size_t)p->nmem + 1, sizeof(*p->ipa));
	for (int i = 0; i < p->nmem; i++)
		p->ipa[i] = m == n && m > 0 ? ipa[i].base : p->mem[i].base;
	free(ipa);
}

static void part_devices(struct check *k, struct blobs *b, int node,
			 struct want_part *p)
{
	static const char *const lists[] = { "devices", "dma-devices" };
	int l1 = 0, l2 = 0;

	fdt_getprop(b->cfg, node, lists[0], &l1);
	fdt_getprop(b->cfg, node, lists[1], &l2);
	p->dev = calloc((size_t)(l1 > 0 ? l1 : 0) / 4 +
				(size_t)(l2 > 0 ? l2 : 0) / 4 + 1,
			sizeof(int));
	p->dev_dma_ok = calloc((size_t)(l1 > 0 ? l1 : 0) / 4 +
				       (size_t)(l2 > 0 ? l2 : 0) / 4 + 1,
			       sizeof(bool));
	for (int l = 0; l < 2; l++) {
		int len;
		const fdt32_t *v = fdt_getprop(b->cfg, node, lists[l], &len);

		for (int i = 0; v && i < len / 4; i++) {
			int d = device(k, b, fdt32_to_cpu(v[i]), p->path);

			if (d < 0)
				continue;
			p->dev_dma_ok[p->ndev] = l == 1;
			p->dev[p->ndev++] = d;
		}
	}
}

static void read_part(struct check *k, struct blobs *b, int node,
		      struct want_part *p)
{
	const fdt32_t *wait;
	char *fault;
	int len;

	p->name = fmt("%s", fdt_get_name(b->cfg, node, NULL));
	p->path = fmt("/partitions/%s", p->name);
	part_cpus(k, b, node, p);
	part_memory(k, b, node, p);
	part_devices(k, b, node, p);
	p->image = string(b->cfg, node, "image");
	p->initrd = string(b->cfg, node, "initrd");
	fault = string(b->cfg, node, "on-fault");
	p->restart = fault && !strcmp(fault, "restart");
	free(fault);
	p->hyp_console =
		fdt_getprop(b->cfg, node, "hypervisor-console", NULL) != NULL;
	p->phandle = fdt_get_phandle(b->cfg, node);
	wait = fdt_getprop(b->cfg, node, "reset-wait-ms", &len);
	p->reset_wait_ms = wait && len == 4 ? fdt32_to_cpu(*wait) : 50;
	fault = string(b->cfg, node, "interrupt-mode");
	p->direct = fault && !strcmp(fault, "direct");
	free(fault);
}

/* The kinds of virtio device: device ID and queues (VIRTIO 1.2 §5). */
static bool vdev_kind(const char *type, uint32_t *id, uint32_t *nq)
{
	if (type && !strcmp(type, "console")) {
		*id = 3, *nq = 2;
		return true;
	}
	if (type && !strcmp(type, "block")) {
		*id = 2, *nq = 1;
		return true;
	}
	return false;
}

/* Partition @fe's virtio devices, each naming its driver by phandle. */
static void read_virtio(struct check *k, struct blobs *b, int node, int fe,
			uint32_t *driver_ph)
{
	int v = fdt_subnode_offset(b->cfg, node, "virtio"), d, len;

	if (v < 0)
		return;
	fdt_for_each_subnode (d, b->cfg, v) {
		struct want_vdev *w;
		const fdt32_t *ph = fdt_getprop(b->cfg, d, "driver", &len);
		const fdt32_t *win = NULL;
		char *type = string(b->cfg, d, "type");

		k->w.vdev = realloc(k->w.vdev, ((size_t)k->w.nvdevs + 1) *
						       sizeof(*k->w.vdev));
		w = &k->w.vdev[k->w.nvdevs];
		memset(w, 0, sizeof(*w));
		w->path = fmt("%s/virtio/%s", k->w.part[fe].path,
			      fdt_get_name(b->cfg, d, NULL));
		w->frontend = fe;
		w->driver = -1;
		if (!vdev_kind(type, &w->device_id, &w->nqueues))
			check_fail(k, w->path,
				   "a virtio device of no known type");
		driver_ph[k->w.nvdevs] = ph && len == 4 ? fdt32_to_cpu(*ph) : 0;
		win = fdt_getprop(b->cfg, d, "dma-window", &len);
		if (win && len == 16) {
			w->has_window = true;
			w->window = (struct range){ cells_at(win, 2),
						    cells_at(win + 2, 2) };
		}
		free(type);
		k->w.nvdevs++;
	}
}

static void read_vdevs(struct check *k, struct blobs *b, int parts);

static void read_config(struct check *k, struct blobs *b)
{
	int hyp = fdt_path_offset(b->cfg, "/hypervisor");
	int parts = fdt_path_offset(b->cfg, "/partitions"), node, n = 0, len;
	struct range *r;
	const fdt32_t *con;

	k->w.console = -1;
	if (hyp < 0 || parts < 0 ||
	    root_ranges(b->cfg, hyp, "memory", true, &r) != 1) {
		check_fail(
			k, "/",
			"the config's /hypervisor or /partitions cannot be read");
		return;
	}
	k->w.hyp = r[0];
	free(r);
	con = fdt_getprop(b->cfg, hyp, "console", &len);
	if (con && len == 4)
		k->w.console = device(k, b, fdt32_to_cpu(*con), "/hypervisor");
	fdt_for_each_subnode (node, b->cfg, parts)
		n++;
	k->w.part = calloc((size_t)n + 1, sizeof(*k->w.part));
	fdt_for_each_subnode (node, b->cfg, parts)
		read_part(k, b, node, &k->w.part[k->w.nparts++]);
	read_vdevs(k, b, parts);
}

/* Every virtio device, its driver resolved; the console's drainer. */
static void read_vdevs(struct check *k, struct blobs *b, int parts)
{
	uint32_t ph[256] = { 0 };
	int node, p = 0;

	k->w.con_driver = -1;
	fdt_for_each_subnode (node, b->cfg, parts) {
		if (k->w.nvdevs < 200)
			read_virtio(k, b, node, p, ph);
		if (k->w.part[p].hyp_console)
			k->w.con_driver = p;
		p++;
	}
	for (int i = 0; i < k->w.nvdevs; i++)
		for (int q = 0; q < k->w.nparts; q++)
			if (ph[i] && k->w.part[q].phandle == ph[i])
				k->w.vdev[i].driver = q;
}

int want_read(struct check *k, const void *config, const void *platform)
{
	struct blobs b = { config, platform, 0 };

	if (fdt_check_header(config) ||
	    fdt_check_full(config, fdt_totalsize(config)) ||
	    fdt_check_header(platform) ||
	    fdt_check_full(platform, fdt_totalsize(platform))) {
		check_fail(k, "/", "the config or platform DTB is not valid");
		return -1;
	}
	read_platform(k, platform);
	read_config(k, &b);
	return k->failures ? -1 : 0;
}

void want_free(struct want *w)
{
	for (int i = 0; i < w->ncpus; i++)
		free(w->cpu[i].path);
	for (int i = 0; i < w->nregs; i++)
		free(w->regs[i].path);
	for (int i = 0; i < w->ndevs; i++) {
		free(w->dev[i].path);
		free(w->dev[i].reg);
		free(w->dev[i].spi);
		free(w->dev[i].edge);
	}
	for (int i = 0; i < w->nparts; i++) {
		struct want_part *p = &w->part[i];

		free(p->name);
		free(p->path);
		free(p->cpu);
		free(p->mem);
		free(p->ipa);
		free(p->dev);
		free(p->dev_dma_ok);
		free(p->image);
		free(p->initrd);
		free(p->copy);
		free(p->file_bytes[0]);
		free(p->file_bytes[1]);
	}
	free(w->ram);
	free(w->rsv);
	free(w->cpu);
	free(w->regs);
	free(w->dev);
	free(w->part);
	for (int i = 0; i < w->nvdevs; i++)
		free(w->vdev[i].path);
	free(w->vdev);
	free(w->gic_path);
	free(w->spi_unread);
	memset(w, 0, sizeof(*w));
}
