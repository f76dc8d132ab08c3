// SPDX-License-Identifier: MIT
/*
 * Virtio devices, the pages the core shares and the grants to driver
 * partitions, checked on the image against the config:
 *  - one device per virtio node of the config, with its frontend, its
 *    driver, its device ID and queue count;
 *  - the core's shared region lies in its own region, after the images;
 *    every register page, state page, driver page and the console rings
 *    lie in it, page aligned, none overlapping another;
 *  - a frontend maps each of its devices' register pages read-only at
 *    the device's window, a driver each state page read-only and its own
 *    page read-write, the console's drainer the rings read-only, all
 *    Non-cacheable; nobody maps a shared page it has no business with;
 *  - a driver maps a frontend's memory only if the config has it serve a
 *    device of that frontend, only inside the dma-window if one is
 *    declared, and all of what it must see;
 *  - each device's interrupt and each driver's doorbell is a purely
 *    virtual SPI of its own partition that no platform device uses;
 *  - the guest device trees show exactly these windows, interrupts,
 *    pages and grants.
 * The addresses and interrupt numbers are the config tool's choice; what
 * is checked is that the choice is one the config allows and isolation
 * holds.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include <bulkhead/pt.h>
#include <bulkhead/vgic.h>

#include "bhcheck.h"

#define PAGE 0x1000ULL
#define X(v) ((unsigned long long)(v))
#define SHARED_RO (PT_R | PT_NC)
#define SHARED_RW (PT_R | PT_W | PT_NC)

static struct range shared(const struct have *h)
{
	return (struct range){ h->shared_base, h->shared_size };
}

const char *xmap_kind(const struct check *k, int p, const struct xmap *m)
{
	(void)p;
	if ((m->attr == SHARED_RO || m->attr == SHARED_RW) &&
	    range_within((struct range){ m->pa, m->size }, shared(&k->h)))
		return "shared";
	if (m->attr == (PT_R | PT_W))
		return "grant";
	return "unexplained";
}

/* Partition @p's memory range (physical) holding @pa.. (+@size), or -1. */
static int mem_of(const struct have_part *hp, struct range pa)
{
	for (uint32_t i = 0; i < hp->nmem; i++)
		if (range_within(pa, (struct range){ hp->mem[i].pa,
						     hp->mem[i].size }))
			return (int)i;
	return -1;
}

/* The physical range of frontend @f that a driver may see: its whole
 * memory range @i, or the declared window inside it. */
static bool may_see(const struct check *k, const struct want_vdev *v,
		    struct range pa)
{
	const struct have_part *fe = &k->h.part[v->frontend];
	uint64_t wpa;

	if (mem_of(fe, pa) < 0)
		return false;
	if (!v->has_window)
		return true;
	if (!ipa_to_pa(fe, v->window.base, v->window.size, &wpa))
		return false;
	return range_within(pa, (struct range){ wpa & ~(PAGE - 1),
						((v->window.size + PAGE - 1) &
						 ~(PAGE - 1)) });
}

/* Does a device of frontend @f served by @d let @d see @pa? */
static bool serves(const struct check *k, int f, int d, struct range pa)
{
	for (int i = 0; i < k->w.nvdevs; i++) {
		const struct want_vdev *v = &k->w.vdev[i];

		if (v->frontend == f && v->driver == d && may_see(k, v, pa))
			return true;
	}
	return false;
}

/*
 * May partitions @a and @b both map @pa? When it is one's memory that a
 * device of it lets the other see, or the memory of a frontend whose
 * devices let both see it (two driver partitions of one frontend: each
 * is trusted with that memory by the frontend's config, not by the
 * other driver).
 */
bool grant_declared(const struct check *k, int a, int b, struct range pa)
{
	if (serves(k, a, b, pa) || serves(k, b, a, pa))
		return true;
	for (int f = 0; f < (int)k->h.nparts; f++)
		if (f != a && f != b && serves(k, f, a, pa) &&
		    serves(k, f, b, pa))
			return true;
	return false;
}

/* Does partition @p have an extra mapping @pa -> @ipa of @size, @attr? */
static const struct xmap *find_xmap(const struct have_part *hp, uint64_t pa,
				    uint64_t size, uint32_t attr)
{
	for (uint32_t i = 0; i < hp->nxmap; i++)
		if (hp->xmap[i].pa == pa && hp->xmap[i].size == size &&
		    hp->xmap[i].attr == attr)
			return &hp->xmap[i];
	return NULL;
}

static bool virtual_spi(const struct check *k, uint32_t intid, int owner)
{
	const struct have *h = &k->h;

	if (intid < 32 || intid - 32 >= h->nspis || intid >= k->w.gic_intids ||
	    h->spi_part[intid - 32] != owner + 1 ||
	    h->spi_edge[intid - 32] !=
		    (h->part[owner].direct ? VSPI_DOORBELL : VSPI_VIRTUAL))
		return false;
	for (int d = 0; d < k->w.ndevs; d++)
		for (int i = 0; i < k->w.dev[d].nspi; i++)
			if (k->w.dev[d].spi[i] == intid)
				return false;
	return true;
}

/* A shared page: page aligned, in the shared region, not seen before. */
static void shared_page(struct check *k, const char *node, uint64_t pa,
			uint64_t size, struct range *seen, int *n)
{
	if (pa % PAGE || !size ||
	    !range_within((struct range){ pa, size }, shared(&k->h)))
		check_fail(
			k, node,
			"a page the core shares (0x%llx) is not in its shared region",
			X(pa));
	for (int i = 0; i < *n; i++)
		if (ranges_meet(seen[i], (struct range){ pa, size }))
			check_fail(
				k, node,
				"two pages the core shares overlap at 0x%llx",
				X(pa));
	seen[(*n)++] = (struct range){ pa, size };
}

static void check_device(struct check *k, uint32_t i, struct range *seen,
			 int *nseen)
{
	const struct have_vdev *hv = &k->h.vdev[i];
	const struct want_vdev *wv = &k->w.vdev[i];

	if (hv->frontend != (uint32_t)wv->frontend ||
	    (int)hv->driver != wv->driver || wv->driver < 0 ||
	    hv->device_id != wv->device_id || hv->nqueues != wv->nqueues ||
	    hv->driver >= k->h.nparts) {
		check_fail(
			k, wv->path,
			"the image serves it from another partition or as another device");
		return;
	}
	if (!virtual_spi(k, hv->fe_irq, wv->frontend))
		check_fail(
			k, wv->path,
			"its interrupt %u is not a virtual SPI of its own that no device uses",
			hv->fe_irq);
	if (hv->window % PAGE ||
	    !find_xmap(&k->h.part[hv->frontend], hv->regs, PAGE, SHARED_RO) ||
	    find_xmap(&k->h.part[hv->frontend], hv->regs, PAGE, SHARED_RO)
			    ->ipa != hv->window)
		check_fail(
			k, wv->path,
			"its frontend does not map its register page read-only at its window 0x%llx",
			X(hv->window));
	if (!find_xmap(&k->h.part[hv->driver], hv->state, PAGE, SHARED_RO))
		check_fail(k, wv->path,
			   "its driver does not map its state page read-only");
	shared_page(k, wv->path, hv->regs, PAGE, seen, nseen);
	shared_page(k, wv->path, hv->state, PAGE, seen, nseen);
}

/* The driver sees all that it should of each frontend it serves. */
static void check_grants(struct check *k, const struct want_vdev *v)
{
	const struct have_part *fe = &k->h.part[v->frontend];
	const struct have_part *drv = &k->h.part[v->driver];

	for (uint32_t i = 0; i < fe->nmem; i++) {
		struct range need = { fe->mem[i].pa, fe->mem[i].size };
		bool covered = false;
		uint64_t wpa;

		if (v->has_window) {
			if (!ipa_to_pa(fe, v->window.base, v->window.size,
				       &wpa) ||
			    mem_of(fe, (struct range){ wpa, v->window.size }) !=
				    (int)i)
				continue;
			need = (struct range){ wpa, v->window.size };
		}
		for (uint32_t m = 0; m < drv->nxmap; m++)
			covered |=
				drv->xmap[m].attr == (PT_R | PT_W) &&
				range_within(need, (struct range){
							   drv->xmap[m].pa,
							   drv->xmap[m].size });
		if (!covered)
			check_fail(
				k, v->path,
				"its driver does not see 0x%llx+0x%llx of the frontend's memory, which it must",
				X(need.base), X(need.size));
	}
}

void vdev_check(struct check *k)
{
	const struct have *h = &k->h;
	struct range *seen =
		calloc(2 * h->nvdevs + h->nparts + 2, sizeof(*seen));
	uint64_t end;
	int nseen = 0;

	if (h->shared_size &&
	    (h->shared_base % 0x200000 || h->shared_size % 0x200000 ||
	     h->shared_base < h->images_end || !range_end(shared(h), &end) ||
	     end > h->hyp_base + h->hyp_size))
		check_fail(
			k, "/hypervisor",
			"the shared region 0x%llx+0x%llx is not 2 MiB blocks after the images in the core's region",
			X(h->shared_base), X(h->shared_size));
	if (h->nvdevs != (uint32_t)k->w.nvdevs)
		check_fail(
			k, "/partitions",
			"the image serves %u virtio devices, the config declares %d",
			h->nvdevs, k->w.nvdevs);
	for (uint32_t i = 0; i < h->nvdevs && i < (uint32_t)k->w.nvdevs; i++) {
		check_device(k, i, seen, &nseen);
		if (k->w.vdev[i].driver >= 0 &&
		    k->w.vdev[i].driver < (int)h->nparts)
			check_grants(k, &k->w.vdev[i]);
	}
	if (h->con_driver != k->w.con_driver)
		check_fail(
			k, "/partitions",
			"the core's console is drained by partition %d in the image, %d in the config",
			h->con_driver, k->w.con_driver);
	for (uint32_t p = 0; p < h->nparts; p++) {
		const struct have_part *hp = &h->part[p];
		bool drv = (int)p == k->w.con_driver;

		for (int i = 0; i < k->w.nvdevs; i++)
			drv |= k->w.vdev[i].driver == (int)p;
		if (drv != (hp->drv_page != 0) ||
		    (drv && (!find_xmap(hp, hp->drv_page, PAGE, SHARED_RW) ||
			     !virtual_spi(k, hp->doorbell, (int)p))))
			check_fail(
				k, k->w.part[p].path,
				"its driver page or doorbell is not what a driver partition has");
		/* Its frontends' resets wait for it this long (vdev.c). */
		if (drv && hp->reset_wait_ms != k->w.part[p].reset_wait_ms)
			check_fail(
				k, k->w.part[p].path,
				"a frontend's reset waits for it %u ms in the image, %u in the config",
				hp->reset_wait_ms, k->w.part[p].reset_wait_ms);
		if (hp->drv_page)
			shared_page(k, k->w.part[p].path, hp->drv_page, PAGE,
				    seen, &nseen);
		if ((int)p == k->w.con_driver && p == (uint32_t)h->con_driver) {
			bool rings = false;

			for (uint32_t m = 0; m < hp->nxmap; m++)
				if (hp->xmap[m].pa == h->con_rings &&
				    hp->xmap[m].attr == SHARED_RO) {
					rings = true;
					shared_page(k, k->w.part[p].path,
						    h->con_rings,
						    hp->xmap[m].size, seen,
						    &nseen);
				}
			if (!rings)
				check_fail(
					k, k->w.part[p].path,
					"it drains the core's console but does not map its rings");
		}
	}
	free(seen);
}

/* --- the guest device trees ----------------------------------------- */

static uint64_t be64(const fdt32_t *c)
{
	return (uint64_t)fdt32_to_cpu(c[0]) << 32 | fdt32_to_cpu(c[1]);
}

static bool maps_to(const struct have_part *hp, uint64_t ipa, uint64_t pa)
{
	for (uint32_t i = 0; i < hp->nxmap; i++)
		if (ipa >= hp->xmap[i].ipa &&
		    ipa - hp->xmap[i].ipa < hp->xmap[i].size)
			return hp->xmap[i].pa + (ipa - hp->xmap[i].ipa) == pa;
	return false;
}

static bool frontend_node(struct check *k, int p, const void *dt, int node)
{
	int len;
	const fdt32_t *reg = fdt_getprop(dt, node, "reg", &len);

	for (uint32_t i = 0; reg && len == 16 && i < k->h.nvdevs; i++)
		if (k->h.vdev[i].frontend == (uint32_t)p &&
		    be64(reg) == k->h.vdev[i].window && be64(reg + 2) <= PAGE)
			return true;
	return false;
}

/* /bulkhead of a driver: its page, doorbell and each device it serves. */
static bool backend_node(struct check *k, int p, const void *dt, int node)
{
	const struct have_part *hp = &k->h.part[p];
	int len, sub;
	const fdt32_t *v = fdt_getprop(dt, node, "driver-page", &len);
	bool ok = v && len == 8 && maps_to(hp, be64(v), hp->drv_page);

	v = fdt_getprop(dt, node, "doorbell", &len);
	ok &= v && len == 4 && fdt32_to_cpu(*v) == hp->doorbell;
	fdt_for_each_subnode (sub, dt, node) {
		const fdt32_t *r = fdt_getprop(dt, sub, "reg", &len);
		const fdt32_t *st, *gr;
		uint32_t i = r && len == 4 ? fdt32_to_cpu(*r) : UINT32_MAX;
		int glen;

		st = fdt_getprop(dt, sub, "state", &len);
		gr = fdt_getprop(dt, sub, "grant", &glen);
		if (i >= k->h.nvdevs || k->h.vdev[i].driver != (uint32_t)p ||
		    !st || len != 8 ||
		    !maps_to(hp, be64(st), k->h.vdev[i].state) || !gr ||
		    glen % 24) {
			ok = false;
			continue;
		}
		for (int g = 0; g < glen / 24; g++) {
			uint64_t pa;
			const struct have_part *fe =
				&k->h.part[k->h.vdev[i].frontend];

			ok &= ipa_to_pa(fe, be64(gr + 6 * g),
					be64(gr + 6 * g + 2), &pa) &&
			      maps_to(hp, be64(gr + 6 * g + 4), pa);
		}
	}
	return ok;
}

bool vdev_guest_node(struct check *k, int p, const void *dt, int node)
{
	const char *name = fdt_get_name(dt, node, NULL);

	/* A virtio-mmio node is one of the devices the core serves it, or
	 * else a transport of the platform's own, granted like any device:
	 * the caller then checks its registers against its device pages. */
	if (!fdt_node_check_compatible(dt, node, "virtio,mmio"))
		return frontend_node(k, p, dt, node);
	if (!strcmp(name, "reserved-memory"))
		return true; /* dma-window pools: inside its memory */
	if (!strcmp(name, "bulkhead")) {
		if (!k->h.part[p].drv_page || !backend_node(k, p, dt, node))
			check_fail(
				k, k->w.part[p].path,
				"its device tree's /bulkhead does not describe what it serves");
		return true;
	}
	return false;
}
