// SPDX-License-Identifier: MIT
/*
 * Guest device trees. Each partition gets a DTB generated from the same
 * config source as the core's tables, showing exactly what it was granted:
 * its CPUs renumbered from 0 (PSCI through HVC), its memory at its guest
 * addresses, a GICv3 with only its own redistributor frames, the
 * architected timer, its devices (at the root, with reg translated to the
 * physical addresses the partition sees them at, and the fixed clocks
 * they name) and /chosen (boot arguments, initrd, stdout-path when it owns
 * the console). Nothing else of the platform appears. A device property
 * that refers to other nodes in a way this cannot carry over (a DMA
 * channel, a GPIO, a regulator, a phandle that leads nowhere) stops the
 * build instead of reaching the guest.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "bhconfig.h"

#define DTB_MAX DTB_RESERVE
#define RNG_SEED_BYTES 32
#define PH_GIC 1
#define PH_FIRST_CLOCK 2
#define PH_FIRST_POOL 0x1000 /* + device index: dma-window pools */

/* The blob being written; the first libfdt error sticks. */
struct gdt {
	struct config *c;
	const struct part *p;
	void *o;
	int err;
	int *clock; /* tree indexes of the clocks copied, phandle - 2 */
	int nclock, clock_cap;
	char **names; /* node names at the root, against collisions */
	int nnames, names_cap;
};

static void check(struct gdt *g, int err)
{
	if (err && !g->err)
		g->err = err;
}

static void begin(struct gdt *g, const char *name)
{
	if (!g->err)
		check(g, fdt_begin_node(g->o, name));
}

static void end(struct gdt *g)
{
	if (!g->err)
		check(g, fdt_end_node(g->o));
}

static void prop(struct gdt *g, const char *name, const void *v, int len)
{
	if (!g->err)
		check(g, fdt_property(g->o, name, v, len));
}

static void prop_str(struct gdt *g, const char *name, const char *v)
{
	prop(g, name, v, (int)strlen(v) + 1);
}

static void prop_u32(struct gdt *g, const char *name, uint32_t v)
{
	fdt32_t c = cpu_to_fdt32(v);

	prop(g, name, &c, 4);
}

static void prop_u64s(struct gdt *g, const char *name, const uint64_t *v, int n)
{
	fdt32_t *cells = xcalloc((size_t)n * 2, sizeof(*cells));

	for (int i = 0; i < n; i++) {
		cells[2 * i] = cpu_to_fdt32((uint32_t)(v[i] >> 32));
		cells[2 * i + 1] = cpu_to_fdt32((uint32_t)v[i]);
	}
	prop(g, name, cells, n * 8);
	free(cells);
}

/* Open a node at the root, whose name must be unique there. */
static void root_node(struct gdt *g, const char *name)
{
	for (int i = 0; i < g->nnames; i++)
		if (!strcmp(g->names[i], name))
			diag(g->c, g->p->path,
			     "two nodes named '%s' would meet at the root of its device tree (granted devices from different buses?)",
			     name);
	g->names = vec_grow(g->names, &g->names_cap, g->nnames + 1,
			    sizeof(*g->names));
	g->names[g->nnames++] = xstrdup(name);
	begin(g, name);
}

/* Properties that name other nodes in ways a partition cannot be given. */
static bool refused_reference(const char *name)
{
	static const char *const whole[] = {
		"msi-map",
		"msi-parent",
		"iommus",
		"iommu-map",
		"dmas",
		"gpios",
		"resets",
		"power-domains",
		"interrupts-extended",
		"interrupt-map",
		"phys",
		"mboxes",
		"nvmem-cells",
		"memory-region",
		"sram",
		"interconnects",
		"thermal-sensors",
		"operating-points-v2",
		"assigned-clocks",
		"assigned-clock-parents",
		NULL,
	};
	static const char *const suffix[] = { "-supply", "-gpios", "-gpio",
					      NULL };
	size_t n = strlen(name);

	for (int i = 0; whole[i]; i++)
		if (!strcmp(name, whole[i]))
			return true;
	for (int i = 0; suffix[i]; i++)
		if (n > strlen(suffix[i]) &&
		    !strcmp(name + n - strlen(suffix[i]), suffix[i]))
			return true;
	return !strncmp(name, "pinctrl-", 8) && strcmp(name, "pinctrl-names");
}

/* The guest phandle of the clock platform phandle @ph names; -1: error. */
static int clock_phandle(struct gdt *g, uint32_t ph, const char *dev)
{
	struct config *c = g->c;
	int i = tree_by_phandle(&c->tree, ph), len;
	const fdt32_t *cc;

	if (i < 0 || (c->in_config && c->in_config[i])) {
		diag(c, g->p->path,
		     "device %s: clocks: phandle 0x%x does not refer to a node of the platform",
		     dev, ph);
		return -1;
	}
	for (int k = 0; k < g->nclock; k++)
		if (g->clock[k] == i)
			return PH_FIRST_CLOCK + k;
	cc = fdt_getprop(c->fdt, c->tree.n[i].off, "#clock-cells", &len);
	if (!cc || len != 4 || fdt32_to_cpu(*cc) != 0) {
		diag(c, g->p->path,
		     "device %s: clocks must be fixed clocks (#clock-cells = <0>)",
		     dev);
		return -1;
	}
	g->clock = vec_grow(g->clock, &g->clock_cap, g->nclock + 1,
			    sizeof(*g->clock));
	g->clock[g->nclock] = i;
	return PH_FIRST_CLOCK + g->nclock++;
}

static bool copy_clocks(struct gdt *g, const fdt32_t *v, int len,
			const char *dev)
{
	fdt32_t *out;
	bool ok = len % 4 == 0;

	if (!ok) {
		diag(g->c, g->p->path, "device %s: clocks must be phandles",
		     dev);
		return false;
	}
	out = xcalloc((size_t)len / 4, sizeof(*out));
	for (int i = 0; ok && i < len / 4; i++) {
		int ph = clock_phandle(g, fdt32_to_cpu(v[i]), dev);

		ok = ph >= 0;
		out[i] = cpu_to_fdt32((uint32_t)ph);
	}
	if (ok)
		prop(g, "clocks", out, len);
	free(out);
	return ok;
}

/*
 * Copy node @off's properties. @d: the granted device (its reg is written
 * translated, its clocks re-pointed at the guest's copies); NULL for the
 * timer and clock nodes, copied as they are, which may not refer to
 * other nodes at all.
 */
static bool copy_props(struct gdt *g, int off, const struct pdev *d,
		       const char *what)
{
	int p;

	fdt_for_each_property_offset (p, g->c->fdt, off) {
		const char *name;
		int len;
		const fdt32_t *v =
			fdt_getprop_by_offset(g->c->fdt, p, &name, &len);

		if (!v || !strcmp(name, "phandle") ||
		    !strcmp(name, "linux,phandle") ||
		    !strcmp(name, "interrupt-parent") ||
		    (d && !strcmp(name, "reg")))
			continue;
		if (refused_reference(name) ||
		    (!d && !strcmp(name, "clocks"))) {
			diag(g->c, g->p->path,
			     "%s refers to other nodes through '%s', which Bulkhead cannot grant",
			     what, name);
			return false;
		}
		if (d && !strcmp(name, "clocks")) {
			if (!copy_clocks(g, v, len, d->path))
				return false;
			continue;
		}
		prop(g, name, v, len);
	}
	return true;
}

static void gen_device(struct gdt *g, const struct pdev *d)
{
	const char *name = fdt_get_name(g->c->fdt, d->off, NULL);
	uint64_t *reg = xcalloc((size_t)d->nreg * 2, sizeof(*reg));
	char *what = xasprintf("granted device %s", d->path);

	for (int i = 0; i < d->nreg; i++) {
		reg[2 * i] = d->reg[i].base;
		reg[2 * i + 1] = d->reg[i].size;
	}
	if (fdt_first_subnode(g->c->fdt, d->off) >= 0)
		diag(g->c, g->p->path,
		     "granted device %s has child nodes, which Bulkhead cannot grant",
		     d->path);
	else {
		root_node(g, name ? name : "?");
		if (copy_props(g, d->off, d, what) && d->nreg)
			prop_u64s(g, "reg", reg, 2 * d->nreg);
		end(g);
	}
	free(what);
	free(reg);
}

static void gen_cpus(struct gdt *g)
{
	const struct config *c = g->c;
	const char *compat = NULL;
	int len = 0;

	if (g->p->ncpus)
		compat = fdt_getprop(c->fdt,
				     c->tree.n[c->cpu[g->p->cpu[0]].node].off,
				     "compatible", &len);
	root_node(g, "cpus");
	prop_u32(g, "#address-cells", 1);
	prop_u32(g, "#size-cells", 0);
	for (int v = 0; v < g->p->ncpus; v++) {
		char name[32];

		snprintf(name, sizeof(name), "cpu@%d", v);
		begin(g, name);
		prop_str(g, "device_type", "cpu");
		if (compat)
			prop(g, "compatible", compat, len);
		prop_u32(g, "reg", (uint32_t)v);
		prop_str(g, "enable-method", "psci");
		end(g);
	}
	end(g);
}

static void gen_gic(struct gdt *g)
{
	const struct config *c = g->c;
	char *name = xasprintf("intc@%llx", (unsigned long long)c->gicd);
	uint64_t reg[4] = { c->gicd, c->gicd_size, c->gicr,
			    c->gicr_stride * (uint64_t)g->p->ncpus };

	root_node(g, name);
	prop_str(g, "compatible", "arm,gic-v3");
	prop_u32(g, "#interrupt-cells", 3);
	prop(g, "interrupt-controller", NULL, 0);
	prop_u64s(g, "reg", reg, 4);
	prop_u32(g, "#redistributor-regions", 1);
	prop_u32(g, "phandle", PH_GIC);
	end(g);
	free(name);
}

/* 32 bytes for /chosen/rng-seed, from the build host's entropy. */
static bool read_seed(uint8_t *seed, size_t n)
{
	FILE *f = fopen("/dev/urandom", "rb");
	bool ok = f && fread(seed, 1, n, f) == n;

	if (f)
		fclose(f);
	return ok;
}

static void gen_chosen(struct gdt *g)
{
	const struct config *c = g->c;
	const struct part *p = g->p;
	uint8_t seed[RNG_SEED_BYTES];

	root_node(g, "chosen");
	if (!read_seed(seed, sizeof(seed)))
		diag(g->c, p->path,
		     "cannot read /dev/urandom for the guest's rng-seed");
	prop(g, "rng-seed", seed, sizeof(seed));
	if (p->bootargs)
		prop_str(g, "bootargs", p->bootargs);
	for (int l = 0; l < p->nload; l++)
		if (!strcmp(p->load[l].what, "initrd")) {
			uint64_t s = p->load[l].ipa, e = s + p->load[l].size;

			s = cpu_to_fdt64(s);
			e = cpu_to_fdt64(e);
			prop(g, "linux,initrd-start", &s, 8);
			prop(g, "linux,initrd-end", &e, 8);
		}
	for (int d = 0; d < p->ndev; d++)
		if (p->dev[d] == c->console) {
			const char *name = fdt_get_name(
				c->fdt, c->dev[c->console].off, NULL);
			char *path = xasprintf("/%s", name ? name : "");

			prop_str(g, "stdout-path", path);
			free(path);
		}
	end(g);
}

static void gen_memory(struct gdt *g)
{
	for (int i = 0; i < g->p->nmem; i++) {
		uint64_t reg[2] = { g->p->ipa[i], g->p->mem[i].size };
		char *name = xasprintf("memory@%llx",
				       (unsigned long long)g->p->ipa[i]);

		root_node(g, name);
		prop_str(g, "device_type", "memory");
		prop_u64s(g, "reg", reg, 2);
		end(g);
		free(name);
	}
}

static void gen_devices(struct gdt *g)
{
	const struct config *c = g->c;
	int timer =
		fdt_node_offset_by_compatible(c->fdt, -1, "arm,armv8-timer");

	if (timer >= 0) {
		root_node(g, fdt_get_name(c->fdt, timer, NULL));
		copy_props(g, timer, NULL, "the timer");
		end(g);
	}
	for (int d = 0; d < g->p->ndev; d++)
		gen_device(g, &c->dev[g->p->dev[d]]);
	for (int i = 0; i < g->nclock; i++) { /* grows no more: no clocks */
		int off = c->tree.n[g->clock[i]].off;
		char *what =
			xasprintf("clock %s", fdt_get_name(c->fdt, off, NULL));

		root_node(g, fdt_get_name(c->fdt, off, NULL));
		copy_props(g, off, NULL, what);
		prop_u32(g, "phandle", (uint32_t)(PH_FIRST_CLOCK + i));
		end(g);
		free(what);
	}
}

/* The device whose pool device @i uses: the first of its partition with
 * the same dma-window (devices that share a window share its pool). */
static int pool_of(const struct config *c, int i)
{
	const struct vdev *v = &c->vdev[i];

	for (int j = 0; j < i; j++)
		if (c->vdev[j].frontend == v->frontend &&
		    c->vdev[j].has_dma_window &&
		    c->vdev[j].dma_window.base == v->dma_window.base &&
		    c->vdev[j].dma_window.size == v->dma_window.size)
			return j;
	return i;
}

/*
 * The partition's virtio devices, as virtio-mmio transports (VIRTIO 1.2
 * §4.2): register window, its virtual SPI (edge), dma-coherent; a device
 * whose driver sees only a dma-window gets it as a restricted-dma-pool.
 */

static void gen_virtio(struct gdt *g)
{
	const struct config *c = g->c;
	int pi = (int)(g->p - c->part), pools = 0;

	for (int i = 0; i < c->nvdevs; i++) {
		const struct vdev *v = &c->vdev[i];
		uint64_t reg[2] = { v->window, 0x200 };
		fdt32_t irq[3] = { cpu_to_fdt32(0), cpu_to_fdt32(v->irq - 32),
				   cpu_to_fdt32(1) };
		char *name;

		if (v->frontend != pi)
			continue;
		name = xasprintf("virtio_mmio@%llx",
				 (unsigned long long)v->window);
		root_node(g, name);
		prop_str(g, "compatible", "virtio,mmio");
		prop_u64s(g, "reg", reg, 2);
		prop(g, "interrupts", irq, sizeof(irq));
		prop(g, "dma-coherent", NULL, 0);
		if (v->has_dma_window)
			prop_u32(g, "memory-region",
				 PH_FIRST_POOL + (uint32_t)pool_of(c, i));
		end(g);
		free(name);
		pools += v->has_dma_window;
	}
	if (!pools)
		return;
	root_node(g, "reserved-memory");
	prop_u32(g, "#address-cells", 2);
	prop_u32(g, "#size-cells", 2);
	prop(g, "ranges", NULL, 0);
	for (int i = 0; i < c->nvdevs; i++) {
		const struct vdev *v = &c->vdev[i];
		uint64_t reg[2] = { v->dma_window.base, v->dma_window.size };
		char *name;

		if (v->frontend != pi || !v->has_dma_window ||
		    pool_of(c, i) != i)
			continue;
		name = xasprintf("virtio-pool@%llx",
				 (unsigned long long)v->dma_window.base);
		begin(g, name);
		prop_str(g, "compatible", "restricted-dma-pool");
		prop_u64s(g, "reg", reg, 2);
		prop_u32(g, "phandle", PH_FIRST_POOL + (uint32_t)i);
		end(g);
		free(name);
	}
	end(g);
}

/*
 * What a driver partition serves (userland-drivers/runtime/drv.c reads
 * it): its page, doorbell and console rings, and per device its state
 * page and the frontend memory granted to it, at its own addresses; a
 * block device's `args` are <slice offset, slice size, read-only, disk
 * controller's register address>.
 */
static void gen_backend(struct gdt *g)
{
	const struct config *c = g->c;
	const struct part *p = g->p;
	int pi = (int)(p - c->part);

	if (!p->drv_page_ipa)
		return;
	root_node(g, "bulkhead");
	prop_str(g, "compatible", "bulkhead,driver");
	prop_u64s(g, "driver-page", &p->drv_page_ipa, 1);
	prop_u32(g, "doorbell", p->doorbell);
	if (p->hyp_console) {
		prop_u64s(g, "console-rings", &p->rings_ipa, 1);
		prop_u32(g, "console-nrings", (uint32_t)cpu_slots(c, NULL));
	}
	for (int i = 0; i < c->nvdevs; i++) {
		const struct vdev *v = &c->vdev[i];
		uint64_t *gr;
		int n = 0;
		char *name;

		if (v->driver != pi)
			continue;
		/* Every grant: a frontend may have any number of ranges. */
		gr = xcalloc((size_t)c->ngrants * 3 + 1, sizeof(*gr));
		for (int k = 0; k < c->ngrants; k++)
			if (c->grant[k].frontend == v->frontend &&
			    c->grant[k].driver == pi) {
				gr[3 * n] = c->grant[k].guest;
				gr[3 * n + 1] = c->grant[k].size;
				gr[3 * n + 2] = c->grant[k].local;
				n++;
			}
		name = xasprintf("vdev@%d", i);
		begin(g, name);
		prop_u32(g, "reg", (uint32_t)i);
		prop_str(g, "type", v->kind_name);
		prop_str(g, "frontend", c->part[v->frontend].name);
		prop_u64s(g, "state", &v->state_ipa, 1);
		prop_u64s(g, "grant", gr, 3 * n);
		free(gr);
		if (v->disk >= 0) {
			/* A block device: its slice of the disk, read-only or
			 * not, and the disk's controller (its registers). */
			const struct disk *k = &c->disk[v->disk];
			uint64_t a[4] = {
				v->slice.base, v->slice.size, v->read_only,
				k->dev >= 0 ? c->dev[k->dev].reg[0].base : 0
			};

			prop_u64s(g, "args", a, 4);
		}
		end(g);
		free(name);
	}
	end(g);
}

static void gen_root(struct gdt *g)
{
	static const char compat[] = "bulkhead,partition\0linux,dummy-virt";
	static const char psci[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	char *model = xasprintf("Bulkhead partition %s", g->p->name);

	begin(g, "");
	prop_u32(g, "#address-cells", 2);
	prop_u32(g, "#size-cells", 2);
	prop(g, "compatible", compat, sizeof(compat));
	prop_str(g, "model", model);
	prop_u32(g, "interrupt-parent", PH_GIC);
	gen_chosen(g);
	root_node(g, "psci");
	prop(g, "compatible", psci, sizeof(psci));
	prop_str(g, "method", "hvc");
	end(g);
	gen_cpus(g);
	gen_memory(g);
	gen_gic(g);
	gen_devices(g);
	gen_virtio(g);
	gen_backend(g);
	end(g);
	free(model);
}

void guest_dt_build(struct config *c, int pi)
{
	struct part *p = &c->part[pi];
	struct gdt g = { .c = c, .p = p, .o = xcalloc(1, DTB_MAX) };
	int before = c->nerrors, len;
	const void *seed;

	check(&g, fdt_create(g.o, (int)DTB_MAX));
	if (!g.err)
		check(&g, fdt_finish_reservemap(g.o));
	gen_root(&g);
	if (!g.err)
		check(&g, fdt_finish(g.o));
	for (int i = 0; i < g.nnames; i++)
		free(g.names[i]);
	free(g.names);
	free(g.clock);
	if (g.err || c->nerrors != before) {
		if (g.err)
			diag(c, p->path,
			     "its device tree cannot be built (%s): it must fit in %llu KiB",
			     fdt_strerror(g.err),
			     (unsigned long long)(DTB_MAX >> 10));
		free(g.o);
		return;
	}
	free(p->dtb);
	p->dtb = g.o;
	p->dtb_size = fdt_totalsize(g.o);
	seed = fdt_getprop(g.o, fdt_path_offset(g.o, "/chosen"), "rng-seed",
			   &len);
	p->seed_offset =
		seed ? (uint64_t)((const char *)seed - (const char *)g.o) : 0;
}
