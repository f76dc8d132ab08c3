// SPDX-License-Identifier: MIT
/*
 * "have" against "want": the tables in the image are what the config
 * asks for. The core's region and console; each partition's name, CPUs
 * (by MPIDR, in vCPU order), memory ranges and guest addresses, device
 * pages (the page-rounded union of the registers of exactly the devices
 * granted, none of them the GIC, a PPI user, or a bus master not accepted
 * through dma-devices), fault policy; every copy the image and initramfs
 * call for, byte for byte, with the memory each format reserves, plus
 * the one guest DTB and nothing else; the entry point; and the owner
 * and trigger of every SPI.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include <bulkhead/vgic.h>

#include "bhcheck.h"

#define PAGE 0x1000ULL
#define X(v) ((unsigned long long)(v))

static void match_plat(struct check *k)
{
	const struct have *h = &k->h;
	const struct want *w = &k->w;

	if (h->hyp_base != w->hyp.base || h->hyp_size != w->hyp.size)
		check_fail(
			k, "/hypervisor",
			"the core's region is 0x%llx+0x%llx, the config says 0x%llx+0x%llx",
			X(h->hyp_base), X(h->hyp_size), X(w->hyp.base),
			X(w->hyp.size));
	if (w->console < 0 || !w->dev[w->console].nreg ||
	    h->uart != w->dev[w->console].reg[0].base)
		check_fail(k, "/hypervisor",
			   "the core's UART 0x%llx is not the console",
			   X(h->uart));
	if (h->gicd != w->gicd || h->gicr != w->gicr ||
	    h->gicr_stride != w->gicr_stride)
		check_fail(k, "/",
			   "the core's GIC addresses are not the platform's");
}

static void match_cpus(struct check *k, const struct have_part *hp,
		       const struct want_part *wp)
{
	if (hp->nvcpus != (uint32_t)wp->ncpus) {
		check_fail(k, wp->path,
			   "it has %u vCPUs, the config lists %d CPUs",
			   hp->nvcpus, wp->ncpus);
		return;
	}
	for (int v = 0; v < wp->ncpus; v++) {
		uint8_t s = hp->slot[v];
		const struct want_cpu *c = &k->w.cpu[wp->cpu[v]];

		if (s >= k->h.ncpus || k->h.cpu[s].mpidr != c->mpidr ||
		    k->h.cpu[s].phys != (uint32_t)wp->cpu[v])
			check_fail(k, wp->path, "vCPU %d does not run on %s", v,
				   c->path);
	}
}

static void match_memory(struct check *k, const struct have_part *hp,
			 const struct want_part *wp)
{
	if (hp->nmem != (uint32_t)wp->nmem) {
		check_fail(k, wp->path,
			   "it has %u memory ranges, the config %d", hp->nmem,
			   wp->nmem);
		return;
	}
	for (int i = 0; i < wp->nmem; i++)
		if (hp->mem[i].pa != wp->mem[i].base ||
		    hp->mem[i].size != wp->mem[i].size ||
		    hp->mem[i].ipa != wp->ipa[i])
			check_fail(
				k, wp->path,
				"memory %d is 0x%llx+0x%llx at 0x%llx, the config says 0x%llx+0x%llx at 0x%llx",
				i, X(hp->mem[i].pa), X(hp->mem[i].size),
				X(hp->mem[i].ipa), X(wp->mem[i].base),
				X(wp->mem[i].size), X(wp->ipa[i]));
}

static int by_base(const void *x, const void *y)
{
	const struct range *a = x, *b = y;

	return (a->base > b->base) - (a->base < b->base);
}

/* Sorted, merged page ranges: touching ones become one. */
static int merge(struct range *r, int n)
{
	int m = 0;

	if (n > 1)
		qsort(r, (size_t)n, sizeof(*r), by_base);
	for (int i = 0; i < n; i++) {
		uint64_t e = r[i].base + r[i].size;

		if (m && r[i].base <= r[m - 1].base + r[m - 1].size) {
			if (e > r[m - 1].base + r[m - 1].size)
				r[m - 1].size = e - r[m - 1].base;
		} else {
			r[m++] = r[i];
		}
	}
	return m;
}

static bool under_gic(const struct check *k, const char *path)
{
	size_t n = k->w.gic_path ? strlen(k->w.gic_path) : 0;

	return n && !strncmp(path, k->w.gic_path, n) &&
	       (!path[n] || path[n] == '/');
}

static void match_device(struct check *k, const struct want_part *wp, int d)
{
	const struct want_dev *dev = &k->w.dev[wp->dev[d]];

	if (under_gic(k, dev->path) || dev->nppi || !dev->nreg ||
	    (dev->bus_master && !wp->dev_dma_ok[d]))
		check_fail(
			k, wp->path,
			"device %s cannot be granted (the GIC, a PPI user, no registers, or a bus master not in dma-devices)",
			dev->path);
}

static void match_devices(struct check *k, const struct have_part *hp,
			  const struct want_part *wp)
{
	struct range *want = NULL, *have;
	int n = 0, cap = 0, m;

	for (int d = 0; d < wp->ndev; d++) {
		const struct want_dev *dev = &k->w.dev[wp->dev[d]];

		match_device(k, wp, d);
		for (int r = 0; r < dev->nreg; r++) {
			uint64_t b = dev->reg[r].base & ~(PAGE - 1);
			uint64_t e = (dev->reg[r].base + dev->reg[r].size +
				      PAGE - 1) &
				     ~(PAGE - 1);

			want = grow(want, &cap, n + 1, sizeof(*want));
			want[n++] = (struct range){ b, e - b };
		}
	}
	n = merge(want, n);
	have = calloc(hp->ndev + 1, sizeof(*have));
	for (uint32_t i = 0; i < hp->ndev; i++)
		have[i] = (struct range){ hp->dev[i].pa, hp->dev[i].size };
	m = merge(have, (int)hp->ndev);
	if (m != n || (n && memcmp(have, want, (size_t)n * sizeof(*have))))
		check_fail(
			k, wp->path,
			"its device pages are not the pages of the devices it was granted");
	free(have);
	free(want);
}

static bool same_bytes(const struct check *k, const struct copy *c,
		       const struct want_copy *w)
{
	const uint8_t *b = elf_bytes(k->elf, c->src, c->size);

	return b && c->size == w->size && !memcmp(b, w->bytes, (size_t)w->size);
}

/* The have copy that carries want copy @w (unused yet), -1 if none. */
static int find_copy(struct check *k, const struct have_part *hp,
		     struct want_copy *w, const bool *used)
{
	uint64_t pa = 0;

	if (w->placed && !ipa_to_pa(hp, w->ipa, w->memsz, &pa))
		return -1;
	for (uint32_t j = 0; j < hp->nimg; j++) {
		const struct copy *c = &hp->img[j];

		if (used[j] || (w->placed && c->pa != pa) ||
		    !same_bytes(k, c, w))
			continue;
		for (uint32_t i = 0; !w->placed && i < hp->nmem; i++)
			if (c->pa - hp->mem[i].pa < hp->mem[i].size)
				w->ipa = hp->mem[i].ipa +
					 (c->pa - hp->mem[i].pa);
		return (int)j;
	}
	return -1;
}

/* What a format reserves beyond the copy (.bss) must be left alone. */
static void match_reserve(struct check *k, const struct have_part *hp,
			  const struct want_part *wp, const struct want_copy *w,
			  uint32_t j)
{
	struct range res = { hp->img[j].pa, w->memsz };

	for (uint32_t i = 0; i < hp->nimg; i++)
		if (i != j &&
		    ranges_meet(res, (struct range){ hp->img[i].pa,
						     hp->img[i].size }))
			check_fail(
				k, wp->path,
				"the memory the %s reserves (0x%llx+0x%llx) is overwritten by the %s copy",
				w->what, X(res.base), X(res.size),
				hp->img[i].name);
}

/* The one copy nobody asked for must be the guest DTB. */
static void match_dtb(struct check *k, const struct have_part *hp,
		      const struct want_part *wp, const bool *used)
{
	int extra = 0;
	uint64_t pa;

	for (uint32_t j = 0; j < hp->nimg; j++) {
		const struct copy *c = &hp->img[j];
		const uint8_t *b = elf_bytes(k->elf, c->src, c->size);

		if (used[j])
			continue;
		if (extra++ || !hp->dtb ||
		    !ipa_to_pa(hp, hp->dtb, 0x10000, &pa) || c->pa != pa ||
		    !b || c->size > 0x10000 ||
		    c->size < sizeof(struct fdt_header) ||
		    fdt_check_header(b) || fdt_totalsize(b) != c->size)
			check_fail(
				k, wp->path,
				"the core copies 0x%llx bytes to 0x%llx that the config does not ask for",
				X(c->size), X(c->pa));
	}
	if (!extra && hp->dtb)
		check_fail(k, wp->path, "its device tree is never copied");
}

static void match_copies(struct check *k, const struct have_part *hp,
			 struct want_part *wp)
{
	bool *used = calloc(hp->nimg + 1, sizeof(bool));

	for (int i = 0; i < wp->ncopies; i++) {
		struct want_copy *w = &wp->copy[i];
		int j = find_copy(k, hp, w, used);

		if (j < 0) {
			char *where =
				w->placed ? fmt("at guest 0x%llx", X(w->ipa))
					  : fmt("anywhere in its memory");

			check_fail(
				k, wp->path,
				"the %s copy the config asks for (0x%llx bytes %s) is not made, or not where it fits",
				w->what, X(w->size), where);
			free(where);
			continue;
		}
		used[j] = true;
		match_reserve(k, hp, wp, w, (uint32_t)j);
	}
	match_dtb(k, hp, wp, used);
	if (wp->ncopies && hp->entry != wp->entry)
		check_fail(k, wp->path,
			   "it is entered at 0x%llx, its image at 0x%llx",
			   X(hp->entry), X(wp->entry));
	free(used);
}

#define NSPIS 988 /* INTIDs 32..1019 */

static void expect_spis(struct check *k, uint8_t *owner, uint8_t *edge)
{
	for (int p = 0; p < k->w.nparts; p++) {
		const struct want_part *wp = &k->w.part[p];

		for (int d = 0; d < wp->ndev; d++) {
			const struct want_dev *dev = &k->w.dev[wp->dev[d]];

			for (int i = 0; i < dev->nspi; i++) {
				uint32_t s = dev->spi[i];

				if (s < 32 || s - 32 >= NSPIS ||
				    s >= k->w.gic_intids ||
				    (owner[s - 32] && owner[s - 32] != p + 1)) {
					check_fail(
						k, wp->path,
						"interrupt %u of %s cannot be its own (no such INTID, or owned twice)",
						s, dev->path);
					continue;
				}
				if (owner[s - 32] &&
				    edge[s - 32] != dev->edge[i])
					check_fail(
						k, wp->path,
						"interrupt %u of %s has another trigger type than where the partition has it already",
						s, dev->path);
				owner[s - 32] = (uint8_t)(p + 1);
				edge[s - 32] = dev->edge[i];
			}
		}
	}
}

/* The kind of SPI the core raises for partition @p: a real, unwired SPI
 * for a direct partition, a purely virtual one otherwise (prove.c checks
 * the first kind is wired to nothing; the mode itself is matched). */
static uint8_t virtual_kind(const struct have *h, uint32_t p)
{
	return p < h->nparts && h->part[p].direct ? VSPI_DOORBELL
						  : VSPI_VIRTUAL;
}

/* Virtual SPIs: the config tool picks their numbers; vdevs.c checks the
 * choice. Expected here as the image has them, owner by owner. */
static void expect_virtual(struct check *k, uint8_t *owner, uint8_t *edge)
{
	const struct have *h = &k->h;

	for (uint32_t i = 0; i < h->nvdevs; i++)
		if (h->vdev[i].fe_irq >= 32 && h->vdev[i].fe_irq - 32 < NSPIS &&
		    !owner[h->vdev[i].fe_irq - 32]) {
			owner[h->vdev[i].fe_irq - 32] =
				(uint8_t)(h->vdev[i].frontend + 1);
			edge[h->vdev[i].fe_irq - 32] =
				virtual_kind(h, h->vdev[i].frontend);
		}
	for (uint32_t p = 0; p < h->nparts; p++) {
		uint32_t d = h->part[p].doorbell;

		if (d >= 32 && d - 32 < NSPIS && !owner[d - 32]) {
			owner[d - 32] = (uint8_t)(p + 1);
			edge[d - 32] = virtual_kind(h, p);
		}
	}
}

static void match_spis(struct check *k)
{
	uint8_t owner[NSPIS] = { 0 }, edge[NSPIS] = { 0 };
	const struct have *h = &k->h;

	expect_spis(k, owner, edge);
	expect_virtual(k, owner, edge);
	for (uint32_t i = 0; i < NSPIS || i < h->nspis; i++) {
		uint8_t ho = i < h->nspis ? h->spi_part[i] : 0;
		uint8_t wo = i < NSPIS ? owner[i] : 0;

		if (ho != wo || (ho && h->spi_edge[i] != edge[i]))
			check_fail(
				k, "/partitions",
				"INTID %u belongs to owner %u (edge %u) in the image, to %u (edge %u) in the config",
				32 + i, ho, ho ? h->spi_edge[i] : 0, wo,
				i < NSPIS ? edge[i] : 0);
	}
}

static bool grants_console(const struct check *k, const struct want_part *wp)
{
	for (int d = 0; d < wp->ndev; d++)
		if (wp->dev[d] == k->w.console)
			return true;
	return false;
}

void match_all(struct check *k)
{
	match_plat(k);
	if (k->h.nparts != (uint32_t)k->w.nparts)
		check_fail(k, "/partitions",
			   "the image has %u partitions, the config %d",
			   k->h.nparts, k->w.nparts);
	for (int p = 0; p < k->w.nparts && (uint32_t)p < k->h.nparts; p++) {
		const struct have_part *hp = &k->h.part[p];
		struct want_part *wp = &k->w.part[p];

		if (strcmp(hp->name, wp->name))
			check_fail(k, wp->path,
				   "partition %d is called %s in the image", p,
				   hp->name);
		match_cpus(k, hp, wp);
		match_memory(k, hp, wp);
		match_devices(k, hp, wp);
		images_derive(k, p);
		match_copies(k, hp, wp);
		if ((hp->on_fault == 1) != wp->restart ||
		    hp->uart_granted != grants_console(k, wp) ||
		    hp->direct != wp->direct) /* interrupt mode */
			check_fail(
				k, wp->path,
				"its fault policy, console sharing or interrupt mode is not the config's");
	}
	match_spis(k);
}
