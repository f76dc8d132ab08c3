// SPDX-License-Identifier: MIT
/*
 * "have": the core's tables read back out of bulkhead.elf. The structures
 * are the core's own (<bulkhead/config.h>, <bulkhead/vgic.h>), copied out
 * of the image byte for byte; their pointers are addresses in the image
 * (the core runs where it is linked), resolved through its sections. Each
 * array is read whole and must lie inside the symbol or section it claims
 * to be in; anything unreadable is a failure, never a guess.
 */
#include <stdlib.h>
#include <string.h>

#include <bulkhead/config.h>
#include <bulkhead/vgic.h>

#include "bhcheck.h"

_Static_assert(sizeof(void *) == 8, "the checker reads LP64 tables");

#define ADDR(p) ((uint64_t)(uintptr_t)(p))

static bool sym(struct check *k, const char *name, uint64_t *addr,
		uint64_t *size)
{
	if (elf_symbol(k->elf, name, addr, size))
		return true;
	check_fail(k, "/", "the image has no symbol %s", name);
	return false;
}

/* An array of @n elements of @size at @addr, read into a malloc'd copy. */
static void *array(struct check *k, const char *what, uint64_t addr, uint64_t n,
		   size_t size)
{
	void *out;

	if (n > (1U << 24)) {
		check_fail(k, "/", "%s: implausible length %llu", what,
			   (unsigned long long)n);
		return NULL;
	}
	out = calloc(n ? (size_t)n : 1, size);
	if (out && !n)
		return out; /* nothing to read (the pointer may be NULL) */
	if (!out || !elf_read(k->elf, addr, n * size, out)) {
		check_fail(k, "/",
			   "%s (%llu entries at 0x%llx) is not in the image",
			   what, (unsigned long long)n,
			   (unsigned long long)addr);
		free(out);
		return NULL;
	}
	return out;
}

static bool u32_at(struct check *k, const char *name, uint32_t *v)
{
	uint64_t a, s;

	if (!sym(k, name, &a, &s))
		return false;
	if (!elf_read(k->elf, a, 4, v)) {
		check_fail(k, "/", "%s is not readable", name);
		return false;
	}
	return true;
}

static bool read_maps(struct check *k, const char *what, const void *ptr,
		      uint32_t n, struct map **out)
{
	struct mem_region *r = array(k, what, ADDR(ptr), n, sizeof(*r));

	*out = NULL;
	if (!r)
		return false;
	*out = calloc(n ? n : 1, sizeof(**out));
	for (uint32_t i = 0; i < n; i++)
		(*out)[i] = (struct map){ r[i].pa, r[i].ipa, r[i].size };
	free(r);
	return true;
}

static bool read_copies(struct check *k, const struct part_config *pc,
			struct have_part *hp)
{
	struct image_load *l =
		array(k, "img", ADDR(pc->img), pc->nimg, sizeof(*l));

	if (!l)
		return false;
	hp->img = calloc(pc->nimg ? pc->nimg : 1, sizeof(*hp->img));
	hp->nimg = pc->nimg;
	for (uint32_t i = 0; i < pc->nimg; i++) {
		hp->img[i] =
			(struct copy){ ADDR(l[i].src), l[i].size, l[i].pa,
				       elf_string(k->elf, ADDR(l[i].name)) };
		if (!hp->img[i].name)
			hp->img[i].name = fmt("?");
	}
	free(l);
	return true;
}

static bool read_xmaps(struct check *k, const struct part_config *pc,
		       struct have_part *hp)
{
	struct s2_map *m =
		array(k, "maps", ADDR(pc->maps), pc->nmaps, sizeof(*m));

	if (!m)
		return false;
	hp->xmap = calloc(pc->nmaps ? pc->nmaps : 1, sizeof(*hp->xmap));
	hp->nxmap = pc->nmaps;
	for (uint32_t i = 0; i < pc->nmaps; i++)
		hp->xmap[i] = (struct xmap){ m[i].ipa, m[i].pa, m[i].size,
					     m[i].attr };
	free(m);
	return true;
}

static bool read_part(struct check *k, const struct part_config *pc,
		      struct have_part *hp)
{
	hp->name = elf_string(k->elf, ADDR(pc->name));
	if (!hp->name) {
		check_fail(k, "/partitions",
			   "a partition's name is not readable");
		return false;
	}
	hp->nvcpus = pc->nvcpus;
	hp->slot = array(k, "vcpu_slot", ADDR(pc->vcpu_slot), pc->nvcpus, 1);
	hp->nmem = pc->nmem;
	hp->ndev = pc->ndev;
	hp->entry = pc->entry;
	hp->dtb = pc->dtb;
	hp->rng_seed = pc->rng_seed;
	hp->vmid = pc->vmid;
	hp->on_fault = pc->on_fault;
	hp->uart_granted = pc->uart_granted;
	hp->drv_page = pc->drv_page;
	hp->doorbell = pc->doorbell;
	hp->reset_wait_ms = pc->reset_wait_ms;
	hp->direct = pc->direct;
	return hp->slot && read_maps(k, "mem", pc->mem, pc->nmem, &hp->mem) &&
	       read_maps(k, "dev", pc->dev, pc->ndev, &hp->dev) &&
	       read_copies(k, pc, hp) && read_xmaps(k, pc, hp);
}

static bool read_plat(struct check *k)
{
	struct have *h = &k->h;
	struct plat_config pl;
	uint64_t a, s;

	if (!sym(k, "plat", &a, &s) || !elf_read(k->elf, a, sizeof(pl), &pl)) {
		check_fail(k, "/", "plat is not readable");
		return false;
	}
	h->uart = pl.uart;
	h->gicd = pl.gicd;
	h->gicr = pl.gicr;
	h->gicr_stride = pl.gicr_stride;
	h->addr_bits = pl.addr_bits;
	h->hyp_base = pl.hyp_base;
	h->hyp_size = pl.hyp_size;
	h->nhyp_dev = pl.ndev;
	h->shared_base = pl.shared_base;
	h->shared_size = pl.shared_size;
	h->con_rings = pl.con_rings;
	h->con_driver = pl.con_driver;
	return read_maps(k, "plat.dev", pl.dev, pl.ndev, &h->hyp_dev);
}

static bool read_vdevs(struct check *k)
{
	struct have *h = &k->h;
	struct vdev_config *v;
	uint64_t a, s;

	if (!u32_at(k, "nr_vdevs", &h->nvdevs) ||
	    !sym(k, "vdev_configs", &a, &s))
		return false;
	if ((uint64_t)h->nvdevs * sizeof(*v) > s) {
		check_fail(k, "/",
			   "nr_vdevs (%u) is more than vdev_configs holds",
			   h->nvdevs);
		return false;
	}
	v = array(k, "vdev_configs", a, h->nvdevs, sizeof(*v));
	if (!v)
		return false;
	h->vdev = calloc(h->nvdevs ? h->nvdevs : 1, sizeof(*h->vdev));
	for (uint32_t i = 0; i < h->nvdevs; i++)
		h->vdev[i] = (struct have_vdev){
			v[i].frontend,	 v[i].driver,	 v[i].nqueues,
			v[i].config_len, v[i].queue_max, v[i].fe_irq,
			v[i].device_id,	 v[i].features,	 v[i].window,
			v[i].regs,	 v[i].state,
		};
	free(v);
	return true;
}

static bool read_parts(struct check *k)
{
	struct have *h = &k->h;
	struct part_config *pc;
	uint64_t a, s;

	if (!u32_at(k, "nr_partitions", &h->nparts) ||
	    !sym(k, "part_configs", &a, &s))
		return false;
	if ((uint64_t)h->nparts * sizeof(*pc) > s) {
		check_fail(k, "/partitions",
			   "nr_partitions (%u) is more than part_configs holds",
			   h->nparts);
		return false;
	}
	pc = array(k, "part_configs", a, h->nparts, sizeof(*pc));
	if (!pc)
		return false;
	h->part = calloc(h->nparts ? h->nparts : 1, sizeof(*h->part));
	for (uint32_t i = 0; i < h->nparts; i++)
		if (!read_part(k, &pc[i], &h->part[i])) {
			free(pc);
			return false;
		}
	free(pc);
	return true;
}

static bool read_cpus(struct check *k)
{
	struct have *h = &k->h;
	struct cpu_config *cc;
	uint64_t a, s;

	if (!u32_at(k, "nr_cpus", &h->ncpus) || !sym(k, "cpu_configs", &a, &s))
		return false;
	if ((uint64_t)h->ncpus * sizeof(*cc) > s) {
		check_fail(k, "/cpus",
			   "nr_cpus (%u) is more than cpu_configs holds",
			   h->ncpus);
		return false;
	}
	cc = array(k, "cpu_configs", a, h->ncpus, sizeof(*cc));
	if (!cc)
		return false;
	h->cpu = calloc(h->ncpus ? h->ncpus : 1, sizeof(*h->cpu));
	for (uint32_t i = 0; i < h->ncpus; i++)
		h->cpu[i] = (struct have_cpu){ cc[i].mpidr, cc[i].phys,
					       cc[i].part, cc[i].vcpu };
	free(cc);
	return true;
}

static bool read_spis(struct check *k)
{
	struct have *h = &k->h;
	struct vspi *v;
	uint64_t a, s;

	if (!u32_at(k, "nr_vspis", &h->nspis) || !sym(k, "vspis", &a, &s))
		return false;
	if ((uint64_t)h->nspis * sizeof(*v) > s) {
		check_fail(k, "/", "nr_vspis (%u) is more than vspis holds",
			   h->nspis);
		return false;
	}
	v = array(k, "vspis", a, h->nspis, sizeof(*v));
	if (!v)
		return false;
	h->spi_part = calloc(h->nspis ? h->nspis : 1, 1);
	h->spi_edge = calloc(h->nspis ? h->nspis : 1, 1);
	for (uint32_t i = 0; i < h->nspis; i++) {
		h->spi_part[i] = v[i].part;
		h->spi_edge[i] = v[i].edge;
	}
	free(v);
	return true;
}

static bool read_layout(struct check *k)
{
	static const char *const names[] = {
		"__core_start",	  "__text_end",	  "__rodata_end", "__core_end",
		"__images_start", "__images_end", "__hyp_end",
	};
	struct have *h = &k->h;
	uint64_t *out[] = { &h->core_start, &h->text_end,     &h->rodata_end,
			    &h->core_end,   &h->images_start, &h->images_end,
			    &h->hyp_end };
	uint64_t size;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!sym(k, names[i], out[i], &size))
			return false;
	return true;
}

int tables_read(struct check *k)
{
	bool ok = read_plat(k) && read_parts(k) && read_cpus(k) &&
		  read_spis(k) && read_vdevs(k) && read_layout(k);

	return ok ? 0 : -1;
}

void tables_free(struct have *h)
{
	for (uint32_t i = 0; h->part && i < h->nparts; i++) {
		struct have_part *p = &h->part[i];

		free(p->name);
		free(p->slot);
		free(p->mem);
		free(p->dev);
		for (uint32_t j = 0; p->img && j < p->nimg; j++)
			free(p->img[j].name);
		free(p->img);
		free(p->xmap);
	}
	free(h->part);
	free(h->vdev);
	free(h->hyp_dev);
	free(h->cpu);
	free(h->spi_part);
	free(h->spi_edge);
	memset(h, 0, sizeof(*h));
}
