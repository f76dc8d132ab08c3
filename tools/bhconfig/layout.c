// SPDX-License-Identifier: MIT
/*
 * Layout decisions that need the whole config: the merged device windows
 * (4 KiB pages for partitions, 2 MiB windows for the core, which must
 * not reach RAM), the address size for EL2 and stage 2, whether the core
 * and its images fit in the hypervisor region, and the exact number of
 * translation-table pages. The last is computed by running the core's own
 * table builder (kernel/core/pt.c) on the host over the same mappings the
 * core makes at boot, so the pool can be sized exactly and never runs
 * out; a mapping the builder refuses is reported, and the simulated pool
 * grows until it suffices.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bulkhead/arch.h>
#include <bulkhead/pt.h>

#include "bhconfig.h"

#define X(v) ((unsigned long long)(v))
#define MIN_BITS 32
#define MAX_BITS 39	      /* one level-1 table without concatenation */
#define POOL_LIMIT (1U << 18) /* 1 GiB of tables: far beyond any core */

uint64_t load_footprint(const struct load *l)
{
	return (l->size + PAGE - 1) & ~(PAGE - 1);
}

/* Add [base, base+size) rounded to @gran to a merged list (grown). */
static struct region *add_window(struct region *w, int *n, int *cap,
				 struct region r, uint64_t gran)
{
	uint64_t b = r.base & ~(gran - 1), e;

	if (!region_end(r, &e) || !round_up_u64(e, gran, &e))
		e = UINT64_MAX & ~(gran - 1); /* address_bits() refuses it */
	for (int i = 0; i < *n; i++)
		if (b <= w[i].base + w[i].size && w[i].base <= e) {
			uint64_t nb = b < w[i].base ? b : w[i].base;
			uint64_t ne = e > w[i].base + w[i].size
					      ? e
					      : w[i].base + w[i].size;

			w[i] = (struct region){ nb, ne - nb };
			return w;
		}
	w = vec_grow(w, cap, *n + 1, sizeof(*w));
	w[(*n)++] = (struct region){ b, e - b };
	return w;
}

/* Merge until no two windows touch (a merge can make new neighbours). */
static struct region *merge_all(struct region *w, int *n, int *cap,
				uint64_t gran)
{
	int before;

	do {
		struct region *in = w;
		int m = *n;

		before = *n;
		w = NULL;
		*n = *cap = 0;
		for (int i = 0; i < m; i++)
			w = add_window(w, n, cap, in[i], gran);
		free(in);
	} while (*n != before);
	return w;
}

/*
 * A window whose whole 1 GiB holds no RAM is widened to that GiB: the core
 * then maps it with one level-1 block and needs no level-2 table for it
 * (4 KiB less of the core's tables; on QEMU virt the UART and the GIC
 * share the first GiB, which is all devices). The core reaches more
 * device registers than it uses, never memory.
 */
static void widen_to_gib(struct config *c)
{
	bool widened = false;

	for (int i = 0; i < c->nhyp_dev; i++) {
		struct region g = { c->hyp_dev[i].base & ~(SZ_1G - 1), SZ_1G };
		uint64_t e;
		bool ram = false;

		if (!region_end(c->hyp_dev[i], &e) || e > g.base + SZ_1G)
			continue;
		for (int r = 0; r < c->nram; r++)
			ram |= regions_overlap(g, c->ram[r]);
		if (!ram) {
			c->hyp_dev[i] = g;
			widened = true;
		}
	}
	if (widened)
		c->hyp_dev = merge_all(c->hyp_dev, &c->nhyp_dev,
				       &c->hyp_dev_cap, SZ_2M);
}

static void core_windows(struct config *c)
{
	uint64_t rd;

	c->nhyp_dev = 0;
	if (c->console >= 0)
		for (int i = 0; i < c->dev[c->console].nreg; i++)
			c->hyp_dev = add_window(c->hyp_dev, &c->nhyp_dev,
						&c->hyp_dev_cap,
						c->dev[c->console].reg[i],
						SZ_2M);
	c->hyp_dev = add_window(c->hyp_dev, &c->nhyp_dev, &c->hyp_dev_cap,
				(struct region){ c->gicd, c->gicd_size },
				SZ_2M);
	if (!mul_u64(c->gicr_stride, (uint64_t)c->ncpus, &rd))
		rd = UINT64_MAX - c->gicr;
	c->hyp_dev = add_window(c->hyp_dev, &c->nhyp_dev, &c->hyp_dev_cap,
				(struct region){ c->gicr, rd }, SZ_2M);
	c->hyp_dev =
		merge_all(c->hyp_dev, &c->nhyp_dev, &c->hyp_dev_cap, SZ_2M);
	widen_to_gib(c);
	for (int i = 0; i < c->nhyp_dev; i++)
		for (int r = 0; r < c->nram; r++)
			if (regions_overlap(c->hyp_dev[i], c->ram[r]))
				diag(c, "/hypervisor",
				     "the core maps its console and GIC with 2 MiB device blocks, and 0x%llx+0x%llx reaches RAM",
				     X(c->hyp_dev[i].base),
				     X(c->hyp_dev[i].size));
}

static void device_windows(struct config *c)
{
	core_windows(c);
	for (int p = 0; p < c->nparts; p++) {
		struct part *pt = &c->part[p];

		pt->ndevwin = 0;
		for (int d = 0; d < pt->ndev; d++)
			for (int r = 0; r < c->dev[pt->dev[d]].nreg; r++)
				pt->devwin = add_window(
					pt->devwin, &pt->ndevwin,
					&pt->devwin_cap,
					c->dev[pt->dev[d]].reg[r], PAGE);
		pt->devwin = merge_all(pt->devwin, &pt->ndevwin,
				       &pt->devwin_cap, PAGE);
	}
}

static bool images_size(const struct config *c, uint64_t *total)
{
	*total = 0;
	for (int p = 0; p < c->nparts; p++)
		for (int l = 0; l < c->part[p].nload; l++)
			if (!add_u64(*total,
				     load_footprint(&c->part[p].load[l]),
				     total))
				return false;
	return true;
}

struct top {
	uint64_t end;
	const char *node;
};

static void bump(struct top *t, struct region r, const char *node)
{
	uint64_t e;

	if (!region_end(r, &e))
		e = UINT64_MAX;
	if (e > t->end) {
		t->end = e;
		t->node = node;
	}
}

static void address_bits(struct config *c)
{
	struct top t = { 0, "/hypervisor" };

	bump(&t, c->hyp, "/hypervisor");
	for (int i = 0; i < c->nhyp_dev; i++)
		bump(&t, c->hyp_dev[i], "/hypervisor");
	for (int p = 0; p < c->nparts; p++) {
		const struct part *pt = &c->part[p];

		for (int i = 0; i < pt->nmem; i++) {
			bump(&t, pt->mem[i], pt->path);
			bump(&t, (struct region){ pt->ipa[i], pt->mem[i].size },
			     pt->path);
		}
		for (int i = 0; i < pt->ndevwin; i++)
			bump(&t, pt->devwin[i], pt->path);
		for (int i = 0; i < pt->nmaps; i++) {
			bump(&t,
			     (struct region){ pt->maps[i].ipa,
					      pt->maps[i].size },
			     pt->path);
			bump(&t,
			     (struct region){ pt->maps[i].pa,
					      pt->maps[i].size },
			     pt->path);
		}
	}
	for (c->addr_bits = MIN_BITS;
	     c->addr_bits < 64 && (t.end - 1) >> c->addr_bits; c->addr_bits++)
		;
	if (c->addr_bits > MAX_BITS)
		diag(c, t.node,
		     "addresses up to 0x%llx need %u bits; the core supports %u",
		     X(t.end), c->addr_bits, MAX_BITS);
}

struct sim {
	struct pt_pool pool;
	u64 **roots;
	int nroots;
	int err;
	const char *node; /* whose mapping failed */
};

static void sim_map(struct sim *s, struct pt *pt, uint64_t in, uint64_t pa,
		    uint64_t size, unsigned attr, const char *node)
{
	int err;

	if (!size || s->err)
		return;
	err = pt_map(pt, in, PA(pa), size, attr);
	if (err) {
		s->err = err;
		s->node = node;
	}
}

static void sim_init(struct sim *s, struct pt *pt, const struct pt_format *f,
		     uint32_t bits)
{
	u64 *r = aligned_alloc(PAGE, PAGE);

	if (!r)
		abort();
	s->roots[s->nroots++] = r;
	pt_init(pt, f, &s->pool, r, bits);
}

/* The core's own map (kernel/core/main.c, hyp_map_all()). */
static void sim_hyp(struct sim *s, const struct config *c, uint64_t images)
{
	struct pt hyp;
	uint64_t b = c->hyp.base;

	sim_init(s, &hyp, &arch_pt_hyp, c->addr_bits);
	sim_map(s, &hyp, b, b, PAGE, PT_R | PT_X, "/hypervisor");
	sim_map(s, &hyp, b + PAGE, b + PAGE, PAGE, PT_R, "/hypervisor");
	sim_map(s, &hyp, b + 2 * PAGE, b + 2 * PAGE, SZ_2M - 2 * PAGE,
		PT_R | PT_W, "/hypervisor");
	sim_map(s, &hyp, b + SZ_2M, b + SZ_2M, images, PT_R, "/hypervisor");
	for (int p = 0; p < c->nparts; p++)
		for (int i = 0; i < c->part[p].nmem; i++)
			sim_map(s, &hyp, c->part[p].mem[i].base,
				c->part[p].mem[i].base, c->part[p].mem[i].size,
				PT_R | PT_W, c->part[p].path);
	for (int i = 0; i < c->nhyp_dev; i++)
		sim_map(s, &hyp, c->hyp_dev[i].base, c->hyp_dev[i].base,
			c->hyp_dev[i].size, PT_R | PT_W | PT_DEVICE,
			"/hypervisor");
	sim_map(s, &hyp, c->shared_base, c->shared_base, c->shared_size,
		PT_R | PT_W | PT_NC, "/hypervisor");
}

/* Every partition's stage 2 (kernel/core/stage2.c). */
static void sim_s2(struct sim *s, const struct config *c)
{
	for (int p = 0; p < c->nparts; p++) {
		const struct part *pt = &c->part[p];
		struct pt s2;

		sim_init(s, &s2, &arch_pt_s2, c->addr_bits);
		for (int i = 0; i < pt->nmem; i++)
			sim_map(s, &s2, pt->ipa[i], pt->mem[i].base,
				pt->mem[i].size, PT_R | PT_W | PT_X, pt->path);
		for (int i = 0; i < pt->ndevwin; i++)
			sim_map(s, &s2, pt->devwin[i].base, pt->devwin[i].base,
				pt->devwin[i].size, PT_R | PT_W | PT_DEVICE,
				pt->path);
		for (int i = 0; i < pt->nmaps; i++)
			sim_map(s, &s2, pt->maps[i].ipa, pt->maps[i].pa,
				pt->maps[i].size, pt->maps[i].attr, pt->path);
	}
}

/* Replay the core's boot-time mappings with a pool of @pages; error. */
static int count_tables(struct config *c, uint32_t pages, uint64_t images,
			const char **node)
{
	struct sim s = { { aligned_alloc(PAGE, (size_t)pages * PAGE), pages,
			   0 },
			 xcalloc((size_t)c->nparts + 1, sizeof(u64 *)),
			 0,
			 0,
			 NULL };

	if (!s.pool.pages)
		abort();
	sim_hyp(&s, c, images);
	sim_s2(&s, c);
	c->pt_pages = s.pool.used;
	while (s.nroots)
		free(s.roots[--s.nroots]);
	free(s.roots);
	free(s.pool.pages);
	*node = s.node;
	return s.err;
}

static void size_tables(struct config *c, uint64_t images)
{
	const char *node = NULL;
	uint32_t pages = 64;
	int err;

	while ((err = count_tables(c, pages, images, &node)) == PT_ENOMEM &&
	       pages < POOL_LIMIT)
		pages *= 2;
	if (err == PT_ENOMEM)
		diag(c, "/",
		     "the translation tables would need more than %u pages",
		     POOL_LIMIT);
	else if (err)
		diag(c, node,
		     "the core's table builder refuses one of its mappings (error %d): overlapping or misaligned ranges",
		     err);
}

void config_layout(struct config *c)
{
	uint64_t images, need;

	device_windows(c);
	if (!images_size(c, &images) || !round_up_u64(images, SZ_2M, &images) ||
	    !add_u64(images, SZ_2M, &need) ||
	    !add_u64(need, virtio_layout(c, c->hyp.base + need), &need))
		need = UINT64_MAX;
	if (c->hyp.size && need > c->hyp.size)
		diag_prop(
			c, "/hypervisor", "memory",
			"memory 0x%llx+0x%llx is too small: the core and the partition images%s need 0x%llx",
			X(c->hyp.base), X(c->hyp.size),
			c->shared_size ? " (and the pages it shares with them)"
				       : "",
			X(need));
	address_bits(c);
	if (!c->nerrors)
		size_tables(c, images);
}
