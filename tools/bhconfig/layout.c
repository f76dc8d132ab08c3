// SPDX-License-Identifier: MIT
/*
 * Layout decisions that need the whole config: the merged device windows
 * (4 KiB pages for partitions, 2 MiB windows for the core), the address
 * size for EL2 and stage 2, whether the core and its images fit in the
 * hypervisor region, and the exact number of translation-table pages. The
 * last is computed by running the core's own table builder (kernel/core/
 * pt.c) on the host over the same mappings the core makes at boot, so the
 * pool can be sized exactly and never runs out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bulkhead/arch.h>
#include <bulkhead/pt.h>

#include "bhconfig.h"

#define MIN_BITS 32
#define MAX_BITS 39 /* one level-1 table without concatenation */
#define POOL_MAX 4096

uint64_t load_footprint(const struct load *l)
{
	return (l->size + PAGE - 1) & ~(PAGE - 1);
}

static uint64_t round_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* Add [base, base+size) rounded to @gran to a sorted, merged list. */
static int add_window(struct region *w, int n, int max, uint64_t base,
		      uint64_t size, uint64_t gran)
{
	uint64_t b = base & ~(gran - 1), e = round_up(base + size, gran);
	int i;

	for (i = 0; i < n; i++)
		if (b <= w[i].base + w[i].size && w[i].base <= e) {
			uint64_t nb = b < w[i].base ? b : w[i].base;
			uint64_t ne = e > w[i].base + w[i].size
					      ? e
					      : w[i].base + w[i].size;

			w[i] = (struct region){ nb, ne - nb };
			return n;
		}
	if (n == max)
		return n;
	w[n] = (struct region){ b, e - b };
	return n + 1;
}

static void device_windows(struct config *c)
{
	struct region w[8];
	int n = 0;

	if (c->console >= 0)
		for (int i = 0; i < c->dev[c->console].nreg; i++)
			n = add_window(w, n, 8, c->dev[c->console].reg[i].base,
				       c->dev[c->console].reg[i].size, SZ_2M);
	n = add_window(w, n, 8, c->gicd, c->gicd_size, SZ_2M);
	n = add_window(w, n, 8, c->gicr, c->gicr_stride * (uint64_t)c->ncpus,
		       SZ_2M);
	/* Windows may now touch: merge once more. */
	c->nhyp_dev = 0;
	for (int i = 0; i < n; i++)
		c->nhyp_dev = add_window(c->hyp_dev, c->nhyp_dev, 8, w[i].base,
					 w[i].size, SZ_2M);
	for (int p = 0; p < c->nparts; p++) {
		struct part *pt = &c->part[p];

		pt->ndevwin = 0;
		for (int d = 0; d < pt->ndev; d++)
			for (int r = 0; r < c->dev[pt->dev[d]].nreg; r++)
				pt->ndevwin = add_window(
					pt->devwin, pt->ndevwin, MAX_GRANTS,
					c->dev[pt->dev[d]].reg[r].base,
					c->dev[pt->dev[d]].reg[r].size, PAGE);
	}
}

static uint64_t images_size(const struct config *c)
{
	uint64_t total = 0;

	for (int p = 0; p < c->nparts; p++)
		for (int l = 0; l < c->part[p].nload; l++)
			total += load_footprint(&c->part[p].load[l]);
	return total;
}

static void bump(uint64_t *max, uint64_t base, uint64_t size)
{
	if (base + size > *max)
		*max = base + size;
}

static void address_bits(struct config *c)
{
	uint64_t max = c->hyp.base + c->hyp.size;

	for (int i = 0; i < c->nhyp_dev; i++)
		bump(&max, c->hyp_dev[i].base, c->hyp_dev[i].size);
	for (int p = 0; p < c->nparts; p++) {
		const struct part *pt = &c->part[p];

		for (int i = 0; i < pt->nmem; i++) {
			bump(&max, pt->mem[i].base, pt->mem[i].size);
			bump(&max, pt->ipa[i], pt->mem[i].size);
		}
		for (int i = 0; i < pt->ndevwin; i++)
			bump(&max, pt->devwin[i].base, pt->devwin[i].size);
	}
	for (c->addr_bits = MIN_BITS;
	     c->addr_bits < 64 && (max - 1) >> c->addr_bits; c->addr_bits++)
		;
	if (c->addr_bits > MAX_BITS)
		diag(c, "/",
		     "addresses up to 0x%llx need %u bits; the core supports %u",
		     (unsigned long long)max, c->addr_bits, MAX_BITS);
}

static u64 *alloc_root(u64 **roots, int *n)
{
	u64 *r = aligned_alloc(PAGE, PAGE);

	if (!r)
		abort();
	roots[(*n)++] = r;
	return r;
}

static void sim_map(struct pt *pt, uint64_t in, uint64_t pa, uint64_t size,
		    unsigned attr)
{
	if (size)
		pt_map(pt, in, PA(pa), size, attr);
}

/* Replay the core's boot-time mappings (main.c, partition.c). */
static void count_tables(struct config *c)
{
	struct pt_pool pool = { aligned_alloc(PAGE, POOL_MAX * PAGE), POOL_MAX,
				0 };
	struct pt hyp, s2;
	uint64_t b = c->hyp.base;
	u64 *roots[MAX_PARTS + 1];
	int nroots = 0;

	if (!pool.pages)
		abort();
	pt_init(&hyp, &arch_pt_hyp, &pool, alloc_root(roots, &nroots),
		c->addr_bits);
	sim_map(&hyp, b, b, PAGE, PT_R | PT_X);
	sim_map(&hyp, b + PAGE, b + PAGE, PAGE, PT_R);
	sim_map(&hyp, b + 2 * PAGE, b + 2 * PAGE, SZ_2M - 2 * PAGE,
		PT_R | PT_W);
	sim_map(&hyp, b + SZ_2M, b + SZ_2M, round_up(images_size(c), SZ_2M),
		PT_R);
	for (int p = 0; p < c->nparts; p++)
		for (int i = 0; i < c->part[p].nmem; i++)
			sim_map(&hyp, c->part[p].mem[i].base,
				c->part[p].mem[i].base, c->part[p].mem[i].size,
				PT_R | PT_W);
	for (int i = 0; i < c->nhyp_dev; i++)
		sim_map(&hyp, c->hyp_dev[i].base, c->hyp_dev[i].base,
			c->hyp_dev[i].size, PT_R | PT_W | PT_DEVICE);
	for (int p = 0; p < c->nparts; p++) {
		const struct part *pt = &c->part[p];

		pt_init(&s2, &arch_pt_s2, &pool, alloc_root(roots, &nroots),
			c->addr_bits);
		for (int i = 0; i < pt->nmem; i++)
			sim_map(&s2, pt->ipa[i], pt->mem[i].base,
				pt->mem[i].size, PT_R | PT_W | PT_X);
		for (int i = 0; i < pt->ndevwin; i++)
			sim_map(&s2, pt->devwin[i].base, pt->devwin[i].base,
				pt->devwin[i].size, PT_R | PT_W | PT_DEVICE);
	}
	c->pt_pages = pool.used;
	while (nroots)
		free(roots[--nroots]);
	free(pool.pages);
}

void config_layout(struct config *c)
{
	uint64_t need = SZ_2M + round_up(images_size(c), SZ_2M);

	device_windows(c);
	if (c->hyp.size && need > c->hyp.size)
		diag(c, "/hypervisor",
		     "memory 0x%llx+0x%llx is too small: the core and the partition images need 0x%llx",
		     (unsigned long long)c->hyp.base,
		     (unsigned long long)c->hyp.size, (unsigned long long)need);
	address_bits(c);
	if (!c->nerrors)
		count_tables(c);
}
