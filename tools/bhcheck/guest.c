// SPDX-License-Identifier: MIT
/*
 * Each partition's device tree, as copied at boot, against what the
 * partition has: its memory nodes are its memory at its guest addresses,
 * /cpus holds one CPU per vCPU, the GIC node is the distributor and the
 * partition's own redistributor frames, every other register window lies
 * in its device pages, every SPI it names is its own (PPIs only on the
 * timer), and /chosen's initramfs range is where its initramfs was copied.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "bhcheck.h"

#define X(v) ((unsigned long long)(v))

struct gctx {
	struct check *k;
	int p;
	const struct have_part *hp;
	const struct want_part *wp;
	const void *dt;
	int gic;
	uint32_t mem_seen;
};

static uint64_t be64(const fdt32_t *c)
{
	return (uint64_t)fdt32_to_cpu(c[0]) << 32 | fdt32_to_cpu(c[1]);
}

static bool is_type(const void *dt, int node, const char *type)
{
	int len;
	const char *t = fdt_getprop(dt, node, "device_type", &len);

	return t && len > 0 && !t[len - 1] && !strcmp(t, type);
}

/* reg of a node under the root (2 + 2 cells); -1 if malformed. */
static int reg2(const void *dt, int node, const fdt32_t **reg)
{
	int len;

	*reg = fdt_getprop(dt, node, "reg", &len);
	if (!*reg)
		return 0;
	return len % 16 ? -1 : len / 16;
}

static bool has_mem(const struct have_part *hp, uint64_t ipa, uint64_t size)
{
	for (uint32_t i = 0; i < hp->nmem; i++)
		if (hp->mem[i].ipa == ipa && hp->mem[i].size == size)
			return true;
	return false;
}

static bool in_dev(const struct have_part *hp, struct range r)
{
	for (uint32_t i = 0; i < hp->ndev; i++)
		if (range_within(r, (struct range){ hp->dev[i].ipa,
						    hp->dev[i].size }))
			return true;
	return false;
}

static void check_gic(struct gctx *g)
{
	const struct have *h = &g->k->h;
	const fdt32_t *reg;

	if (g->gic < 0 || reg2(g->dt, g->gic, &reg) != 2 ||
	    be64(reg) != h->gicd || be64(reg + 2) != g->k->w.gicd_size ||
	    be64(reg + 4) != h->gicr ||
	    be64(reg + 6) != h->gicr_stride * g->hp->nvcpus)
		check_fail(
			g->k, g->wp->path,
			"its device tree's GIC is not the distributor and its own %u redistributor frames",
			g->hp->nvcpus);
}

static void check_irqs(struct gctx *g, int node)
{
	int len;
	const fdt32_t *v = fdt_getprop(g->dt, node, "interrupts", &len);
	bool timer = !fdt_node_check_compatible(g->dt, node, "arm,armv8-timer");
	const struct have *h = &g->k->h;

	if (fdt_getprop(g->dt, node, "interrupts-extended", NULL) ||
	    fdt_getprop(g->dt, node, "interrupt-parent", NULL) ||
	    (v && len % 12)) {
		check_fail(
			g->k, g->wp->path,
			"its device tree names interrupts it cannot have (%s)",
			fdt_get_name(g->dt, node, NULL));
		return;
	}
	for (int i = 0; v && i < len / 12; i++) {
		uint32_t type = fdt32_to_cpu(v[3 * i]);
		uint32_t n = fdt32_to_cpu(v[3 * i + 1]);
		bool ok = type == 1 ? timer && n < 16
				    : type == 0 && n < h->nspis &&
					      h->spi_part[n] == g->p + 1;

		if (!ok)
			check_fail(
				g->k, g->wp->path,
				"its device tree gives %s interrupt <%u %u>, which is not its own",
				fdt_get_name(g->dt, node, NULL), type, n);
	}
}

static void check_node(struct gctx *g, int node, int depth)
{
	const fdt32_t *reg;
	int n = reg2(g->dt, node, &reg);
	const char *name = fdt_get_name(g->dt, node, NULL);

	check_irqs(g, node);
	if (depth != 1 || node == g->gic || !strcmp(name, "cpus") ||
	    vdev_guest_node(g->k, g->p, g->dt, node))
		return;
	if (n < 0)
		check_fail(g->k, g->wp->path,
			   "its device tree's %s has a bad reg", name);
	for (int i = 0; i < n; i++) {
		struct range r = { be64(reg + 4 * i), be64(reg + 4 * i + 2) };

		if (is_type(g->dt, node, "memory")) {
			if (!has_mem(g->hp, r.base, r.size))
				check_fail(
					g->k, g->wp->path,
					"its device tree shows memory 0x%llx+0x%llx it does not have",
					X(r.base), X(r.size));
			g->mem_seen++;
		} else if (!in_dev(g->hp, r)) {
			check_fail(
				g->k, g->wp->path,
				"its device tree shows %s at 0x%llx+0x%llx, outside its device pages",
				name, X(r.base), X(r.size));
		}
	}
}

static void check_cpus(struct gctx *g)
{
	int cpus = fdt_path_offset(g->dt, "/cpus"), node, n = 0;

	fdt_for_each_subnode (node, g->dt, cpus)
		n += is_type(g->dt, node, "cpu");
	if (cpus < 0 || (uint32_t)n != g->hp->nvcpus)
		check_fail(g->k, g->wp->path,
			   "its device tree shows %d CPUs; it has %u vCPUs", n,
			   g->hp->nvcpus);
}

static void check_chosen(struct gctx *g)
{
	int chosen = fdt_path_offset(g->dt, "/chosen"), l1, l2;
	const fdt32_t *s =
		fdt_getprop(g->dt, chosen, "linux,initrd-start", &l1);
	const fdt32_t *e = fdt_getprop(g->dt, chosen, "linux,initrd-end", &l2);
	const struct want_copy *initrd = NULL;

	for (int i = 0; i < g->wp->ncopies; i++)
		if (!strcmp(g->wp->copy[i].what, "initrd"))
			initrd = &g->wp->copy[i];
	if (!initrd && !s && !e)
		return;
	if (!initrd || !s || !e || l1 != 8 || l2 != 8 ||
	    be64(s) != initrd->ipa || be64(e) != initrd->ipa + initrd->size)
		check_fail(
			g->k, g->wp->path,
			"its device tree's initramfs range is not where its initramfs was copied");
}

void guest_check(struct check *k, int p)
{
	const struct have_part *hp = &k->h.part[p];
	struct gctx g = { k, p, hp, &k->w.part[p], NULL, -1, 0 };
	uint64_t pa;
	int depth = -1, len;
	const fdt32_t *ip;

	if (!hp->dtb || !ipa_to_pa(hp, hp->dtb, 0x10000, &pa))
		return; /* prove.c reported it */
	for (uint32_t j = 0; j < hp->nimg && !g.dt; j++)
		if (hp->img[j].pa == pa)
			g.dt = elf_bytes(k->elf, hp->img[j].src,
					 hp->img[j].size);
	if (!g.dt || fdt_check_header(g.dt) ||
	    fdt_check_full(g.dt, fdt_totalsize(g.dt))) {
		check_fail(k, g.wp->path, "its device tree is not a valid DTB");
		return;
	}
	ip = fdt_getprop(g.dt, 0, "interrupt-parent", &len);
	g.gic = ip && len == 4
			? fdt_node_offset_by_phandle(g.dt, fdt32_to_cpu(*ip))
			: -1;
	check_gic(&g);
	check_cpus(&g);
	check_chosen(&g);
	for (int n = fdt_next_node(g.dt, -1, &depth); n >= 0;
	     n = fdt_next_node(g.dt, n, &depth))
		if (depth > 0)
			check_node(&g, n, depth);
	if (g.mem_seen != hp->nmem)
		check_fail(k, g.wp->path,
			   "its device tree shows %u memory ranges; it has %u",
			   g.mem_seen, hp->nmem);
}
