// SPDX-License-Identifier: MIT
/*
 * The isolation properties, shown on what the core will do ("have"),
 * against the platform's facts (RAM, register windows, GIC):
 *  - the core's region holds the core (W^X layout) and its images, lies in
 *    RAM clear of /memreserve/ ranges, and no partition maps any page of it;
 *  - every stage-2 mapping is page aligned, in range, memory in RAM (not
 *    in a /memreserve/ range) and devices out of it and off the GIC; no
 * physical page is mapped into two partitions unless the config declares it
 * shared (a frontend's memory granted to the driver partitions serving it:
 * declared_shared());
 *  - a partition's guest address space has no collisions and leaves its
 *    emulated GIC unmapped; its device pages hold only registers of
 *    devices granted to it;
 *  - every boot-time copy reads inside the image's embedded blobs and
 *    writes inside its partition's memory, copies of one partition do not
 *    overlap, and the rng-seed the core rewrites lies in the copied DTB;
 *  - every owned INTID exists on the platform's GIC, every owner exists;
 *  - CPU slots: one per physical CPU, one (partition, vCPU) per slot;
 *    VMIDs unique; the core's own device windows stay out of RAM.
 */
#include <stdlib.h>
#include <string.h>

#include <bulkhead/vgic.h>

#include "bhcheck.h"

#define PAGE 0x1000ULL
#define X(v) ((unsigned long long)(v))

/* One stage-2 mapping of one partition, whatever table it came from. */
struct s2 {
	int part;
	const char *kind; /* "memory", "device" */
	struct range pa;
	uint64_t ipa;
};

/* Every mapping the core makes for every partition (stage2.c). */
static int map_of(const struct check *k, struct s2 **out)
{
	const struct have *h = &k->h;
	int n = 0, cap = 0;

	*out = NULL;
	for (uint32_t p = 0; p < h->nparts; p++) {
		const struct have_part *hp = &h->part[p];

		for (uint32_t i = 0; i < hp->nmem + hp->ndev; i++) {
			const struct map *m = i < hp->nmem
						      ? &hp->mem[i]
						      : &hp->dev[i - hp->nmem];

			*out = grow(*out, &cap, n + 1, sizeof(**out));
			(*out)[n++] =
				(struct s2){ (int)p,
					     i < hp->nmem ? "memory" : "device",
					     { m->pa, m->size },
					     m->ipa };
		}
		for (uint32_t i = 0; i < hp->nxmap; i++) {
			const struct xmap *x = &hp->xmap[i];

			*out = grow(*out, &cap, n + 1, sizeof(**out));
			(*out)[n++] = (struct s2){ (int)p,
						   xmap_kind(k, (int)p, x),
						   { x->pa, x->size },
						   x->ipa };
		}
	}
	return n;
}

static uint64_t end_of(struct range r);

/*
 * Physical pages two partitions may both map because the config says so:
 * a frontend's memory and the grant of it to the driver of one of its
 * virtio devices (vdevs.c), within its dma-window if it declares one.
 */
static bool declared_shared(const struct check *k, const struct s2 *a,
			    const struct s2 *b)
{
	struct range both = { a->pa.base > b->pa.base ? a->pa.base : b->pa.base,
			      0 };
	uint64_t e = end_of(a->pa) < end_of(b->pa) ? end_of(a->pa)
						   : end_of(b->pa);

	if (strcmp(a->kind, "grant") && strcmp(b->kind, "grant"))
		return false;
	both.size = e - both.base;
	return grant_declared(k, a->part, b->part, both);
}

static const char *part_path(const struct check *k, int p, char **tmp)
{
	*tmp = fmt("/partitions/%s", k->h.part[p].name);
	return *tmp;
}

static bool in_ram(const struct check *k, struct range r)
{
	for (int i = 0; i < k->w.nram; i++)
		if (range_within(r, k->w.ram[i]))
			return true;
	return false;
}

static bool touches_ram(const struct check *k, struct range r)
{
	for (int i = 0; i < k->w.nram; i++)
		if (ranges_meet(r, k->w.ram[i]))
			return true;
	return false;
}

/* The /memreserve/ entry @r meets, NULL if none. */
static const struct range *reserved(const struct check *k, struct range r)
{
	for (int i = 0; i < k->w.nrsv; i++)
		if (ranges_meet(r, k->w.rsv[i]))
			return &k->w.rsv[i];
	return NULL;
}

static struct range core_region(const struct check *k)
{
	return (struct range){ k->h.hyp_base, k->h.hyp_size };
}

static void prove_core(struct check *k)
{
	const struct have *h = &k->h;
	const struct range *rsv;
	uint64_t end;
	bool layout =
		h->core_start == h->hyp_base && h->core_start <= h->text_end &&
		h->text_end <= h->rodata_end && h->rodata_end <= h->core_end &&
		!(h->text_end % PAGE) && !(h->rodata_end % PAGE) &&
		!(h->core_end % PAGE) && h->core_end <= h->images_start &&
		h->images_start <= h->images_end && h->images_end <= h->hyp_end;

	if (!range_end(core_region(k), &end) || h->hyp_base % 0x200000 ||
	    h->hyp_size % 0x200000 || !in_ram(k, core_region(k)))
		check_fail(
			k, "/hypervisor",
			"the core's region 0x%llx+0x%llx is not 2 MiB aligned RAM",
			X(h->hyp_base), X(h->hyp_size));
	else if (!layout || h->hyp_end > end ||
		 h->core_end - h->core_start > 0x200000)
		check_fail(
			k, "/hypervisor",
			"the linked core and images do not lie in its region as the core maps them");
	if ((rsv = reserved(k, core_region(k))))
		check_fail(
			k, "/hypervisor",
			"the core's region 0x%llx+0x%llx overlaps the platform's /memreserve/ range 0x%llx+0x%llx",
			X(h->hyp_base), X(h->hyp_size), X(rsv->base),
			X(rsv->size));
}

static void prove_mapping(struct check *k, const struct s2 *m)
{
	const struct have *h = &k->h;
	uint64_t pend, iend, lim = 1ULL << h->addr_bits;
	struct range gicr = { h->gicr, k->w.gicr_size };
	const struct range *rsv;
	char *tmp;
	const char *node = part_path(k, m->part, &tmp);

	if (!m->pa.size || m->pa.base % PAGE || m->pa.size % PAGE ||
	    m->ipa % PAGE || !range_end(m->pa, &pend) ||
	    !range_end((struct range){ m->ipa, m->pa.size }, &iend) ||
	    h->addr_bits < 32 || h->addr_bits > 39 || pend > lim || iend > lim)
		check_fail(k, node,
			   "%s 0x%llx+0x%llx at 0x%llx is not a valid mapping",
			   m->kind, X(m->pa.base), X(m->pa.size), X(m->ipa));
	else if (!strcmp(m->kind, "unexplained"))
		check_fail(
			k, node,
			"it maps 0x%llx+0x%llx at 0x%llx, which nothing in the config accounts for",
			X(m->pa.base), X(m->pa.size), X(m->ipa));
	else if ((!strcmp(m->kind, "memory") || !strcmp(m->kind, "grant")) &&
		 !in_ram(k, m->pa))
		check_fail(k, node, "%s 0x%llx+0x%llx is not RAM", m->kind,
			   X(m->pa.base), X(m->pa.size));
	else if (!strcmp(m->kind, "device") &&
		 (m->ipa != m->pa.base || touches_ram(k, m->pa) ||
		  ranges_meet(m->pa,
			      (struct range){ h->gicd, k->w.gicd_size }) ||
		  ranges_meet(m->pa, gicr)))
		check_fail(
			k, node,
			"device pages 0x%llx+0x%llx reach RAM or the GIC, or are not mapped where they are",
			X(m->pa.base), X(m->pa.size));
	if ((!strcmp(m->kind, "memory") || !strcmp(m->kind, "grant")) &&
	    (rsv = reserved(k, m->pa)))
		check_fail(
			k, node,
			"%s 0x%llx+0x%llx overlaps the platform's /memreserve/ range 0x%llx+0x%llx",
			m->kind, X(m->pa.base), X(m->pa.size), X(rsv->base),
			X(rsv->size));
	if (ranges_meet(m->pa, core_region(k)) && strcmp(m->kind, "shared"))
		check_fail(
			k, node,
			"%s 0x%llx+0x%llx maps part of the core's region 0x%llx+0x%llx",
			m->kind, X(m->pa.base), X(m->pa.size), X(h->hyp_base),
			X(h->hyp_size));
	free(tmp);
}

static int by_pa(const void *x, const void *y)
{
	const struct s2 *a = x, *b = y;

	return (a->pa.base > b->pa.base) - (a->pa.base < b->pa.base);
}

static uint64_t end_of(struct range r)
{
	uint64_t e;

	return range_end(r, &e) ? e : UINT64_MAX;
}

static void clash(struct check *k, const struct s2 *a, const struct s2 *b)
{
	char *t1, *t2;

	if (a->part != b->part && !declared_shared(k, a, b))
		check_fail(
			k, part_path(k, b->part, &t2),
			"%s 0x%llx+0x%llx shares physical pages with %s 0x%llx+0x%llx of %s",
			b->kind, X(b->pa.base), X(b->pa.size), a->kind,
			X(a->pa.base), X(a->pa.size),
			part_path(k, a->part, &t1));
	else if (a->part == b->part && strcmp(a->kind, b->kind))
		check_fail(
			k, part_path(k, b->part, &t2),
			"the same physical pages (0x%llx) are mapped as memory and as device",
			X(b->pa.base));
	else
		return;
	free(t2);
	if (a->part != b->part)
		free(t1);
}

/*
 * No physical page in two partitions: sort by physical address and sweep
 * with every mapping still open, so that each overlapping pair is seen.
 */
static void prove_exclusive(struct check *k, struct s2 *m, int n)
{
	int *open = calloc((size_t)n + 1, sizeof(int)), nopen = 0;

	if (n > 1)
		qsort(m, (size_t)n, sizeof(*m), by_pa);
	for (int i = 0; i < n; i++) {
		int keep = 0;

		for (int j = 0; j < nopen; j++)
			if (end_of(m[open[j]].pa) > m[i].pa.base)
				open[keep++] = open[j];
		nopen = keep;
		for (int j = 0; j < nopen; j++)
			clash(k, &m[open[j]], &m[i]);
		open[nopen++] = i;
	}
	free(open);
}

/* Partition @hp's guest range @i: memory, devices, then extra maps. */
static struct range guest_range(const struct have_part *hp, uint32_t i)
{
	if (i < hp->nmem)
		return (struct range){ hp->mem[i].ipa, hp->mem[i].size };
	i -= hp->nmem;
	if (i < hp->ndev)
		return (struct range){ hp->dev[i].ipa, hp->dev[i].size };
	i -= hp->ndev;
	return (struct range){ hp->xmap[i].ipa, hp->xmap[i].size };
}

/* Within a partition: IPAs disjoint, the emulated GIC left unmapped. */
static void prove_ipa_space(struct check *k, int p)
{
	const struct have *h = &k->h;
	const struct have_part *hp = &h->part[p];
	struct range gic[2] = { { h->gicd, k->w.gicd_size },
				{ h->gicr, h->gicr_stride * hp->nvcpus } };
	uint32_t n = hp->nmem + hp->ndev + hp->nxmap;
	char *tmp;
	const char *node = part_path(k, (int)p, &tmp);

	for (uint32_t i = 0; i < n; i++) {
		struct range ra = guest_range(hp, i);

		for (int g = 0; g < 2; g++)
			if (ranges_meet(ra, gic[g]))
				check_fail(
					k, node,
					"guest 0x%llx+0x%llx covers its emulated GIC",
					X(ra.base), X(ra.size));
		for (uint32_t j = i + 1; j < n; j++) {
			struct range rb = guest_range(hp, j);

			if (ranges_meet(ra, rb))
				check_fail(
					k, node,
					"guest addresses 0x%llx+0x%llx and 0x%llx+0x%llx collide",
					X(ra.base), X(ra.size), X(rb.base),
					X(rb.size));
		}
	}
	free(tmp);
}

static bool granted_to(const struct check *k, int p, const char *path)
{
	const struct want_part *wp = p < k->w.nparts ? &k->w.part[p] : NULL;

	for (int d = 0; wp && d < wp->ndev; d++)
		if (!strcmp(k->w.dev[wp->dev[d]].path, path))
			return true;
	return false;
}

/* A partition's device pages hold registers of its own devices only. */
static void prove_neighbours(struct check *k, int p)
{
	const struct have_part *hp = &k->h.part[p];
	char *tmp;
	const char *node = part_path(k, p, &tmp);

	for (uint32_t i = 0; i < hp->ndev; i++)
		for (int r = 0; r < k->w.nregs; r++)
			if (ranges_meet((struct range){ hp->dev[i].pa,
							hp->dev[i].size },
					k->w.regs[r].r) &&
			    !granted_to(k, p, k->w.regs[r].path))
				check_fail(
					k, node,
					"its device pages 0x%llx+0x%llx expose registers of %s, which it was not granted",
					X(hp->dev[i].pa), X(hp->dev[i].size),
					k->w.regs[r].path);
	free(tmp);
}

/* The partition memory range holding [pa, pa + size), -1 if none. */
static int dest_range(const struct have_part *hp, uint64_t pa, uint64_t size)
{
	for (uint32_t i = 0; i < hp->nmem; i++)
		if (range_within((struct range){ pa, size },
				 (struct range){ hp->mem[i].pa,
						 hp->mem[i].size }))
			return (int)i;
	return -1;
}

/* The physical address of guest @ipa (+@size) in @hp, false if unmapped. */
bool ipa_to_pa(const struct have_part *hp, uint64_t ipa, uint64_t size,
	       uint64_t *pa)
{
	for (uint32_t i = 0; i < hp->nmem; i++)
		if (range_within((struct range){ ipa, size },
				 (struct range){ hp->mem[i].ipa,
						 hp->mem[i].size })) {
			*pa = hp->mem[i].pa + (ipa - hp->mem[i].ipa);
			return true;
		}
	return false;
}

static void prove_copy(struct check *k, const char *node,
		       const struct have_part *hp, const struct copy *c)
{
	const struct have *h = &k->h;
	struct range src = { c->src, c->size };
	struct range images = { h->images_start,
				h->images_end - h->images_start };

	if (!c->size || !elf_bytes(k->elf, c->src, c->size) ||
	    !range_within(src, images))
		check_fail(
			k, node,
			"the %s copy reads 0x%llx+0x%llx, which is not among the image's embedded blobs",
			c->name, X(c->src), X(c->size));
	if (dest_range(hp, c->pa, c->size) < 0)
		check_fail(
			k, node,
			"the %s copy writes 0x%llx+0x%llx, which is not inside the partition's memory",
			c->name, X(c->pa), X(c->size));
}

static void prove_copies(struct check *k, int p)
{
	const struct have_part *hp = &k->h.part[p];
	uint64_t pa;
	char *tmp;
	const char *node = part_path(k, p, &tmp);
	bool seed_ok = !hp->rng_seed;

	for (uint32_t i = 0; i < hp->nimg; i++) {
		prove_copy(k, node, hp, &hp->img[i]);
		for (uint32_t j = 0; j < i; j++)
			if (ranges_meet((struct range){ hp->img[i].pa,
							hp->img[i].size },
					(struct range){ hp->img[j].pa,
							hp->img[j].size }))
				check_fail(k, node,
					   "the %s and %s copies overlap",
					   hp->img[j].name, hp->img[i].name);
		if (hp->dtb && ipa_to_pa(hp, hp->dtb, 1, &pa) &&
		    hp->img[i].pa == pa &&
		    range_within((struct range){ hp->rng_seed, 32 },
				 (struct range){ pa, hp->img[i].size }))
			seed_ok = true;
	}
	if (!seed_ok)
		check_fail(
			k, node,
			"the rng-seed the core rewrites at 0x%llx is not inside its device tree's copy",
			X(hp->rng_seed));
	if (!ipa_to_pa(hp, hp->entry, 4, &pa))
		check_fail(k, node,
			   "its entry point 0x%llx is not in its memory",
			   X(hp->entry));
	if (hp->dtb && !ipa_to_pa(hp, hp->dtb, 0x10000, &pa))
		check_fail(k, node,
			   "its device tree at 0x%llx is not in its memory",
			   X(hp->dtb));
	free(tmp);
}

static void prove_spis(struct check *k)
{
	const struct have *h = &k->h;

	if (h->nspis > 988)
		check_fail(k, "/",
			   "the SPI table covers %u INTIDs; GICv3 has 988 SPIs",
			   h->nspis);
	for (uint32_t i = 0; i < h->nspis; i++) {
		uint32_t s = 32 + i;
		bool direct;

		if (!h->spi_part[i])
			continue;
		if (s >= k->w.gic_intids || h->spi_part[i] > h->nparts) {
			check_fail(
				k, "/",
				"INTID %u is given to owner %u, but the platform's GIC has INTIDs below %u and there are %u partitions",
				s, h->spi_part[i], k->w.gic_intids, h->nparts);
			continue;
		}
		/* A direct partition takes only real SPIs (no list
		 * registers); one the core raises (VSPI_DOORBELL) is wired
		 * to nothing, or a device could raise it too. */
		direct = h->part[h->spi_part[i] - 1].direct;
		if (h->spi_edge[i] > VSPI_DOORBELL ||
		    (h->spi_edge[i] == VSPI_VIRTUAL && direct) ||
		    (h->spi_edge[i] == VSPI_DOORBELL &&
		     (!direct || k->w.spi_wired[s / 8] & (1U << s % 8))))
			check_fail(
				k, "/",
				"INTID %u of partition %u is of kind %u, which it cannot be (direct: %d; a device wires it: %d)",
				s, h->spi_part[i] - 1, h->spi_edge[i], direct,
				(k->w.spi_wired[s / 8] >> s % 8) & 1);
		else if (h->spi_edge[i] == VSPI_DOORBELL && k->w.spi_unread)
			check_fail(
				k, "/",
				"INTID %u of partition %u is raised by the core, but which SPIs %s drives cannot be read: it may be one of them",
				s, h->spi_part[i] - 1, k->w.spi_unread);
	}
}

static void prove_slots(struct check *k)
{
	const struct have *h = &k->h;
	int *users = calloc(h->ncpus + 1, sizeof(int));

	if (!h->ncpus)
		check_fail(k, "/cpus",
			   "no CPU slot (the boot CPU needs slot 0)");
	for (uint32_t s = 0; s < h->ncpus; s++) {
		const struct have_cpu *c = &h->cpu[s];

		if (c->phys >= (uint32_t)k->w.ncpus ||
		    c->mpidr != k->w.cpu[c->phys].mpidr)
			check_fail(
				k, "/cpus",
				"CPU slot %u names physical CPU %u with MPIDR 0x%llx, which the platform does not have",
				s, c->phys, X(c->mpidr));
		for (uint32_t t = 0; t < s; t++)
			if (h->cpu[t].phys == c->phys)
				check_fail(k, "/cpus",
					   "slots %u and %u are one CPU", t, s);
	}
	for (uint32_t p = 0; p < h->nparts; p++)
		for (uint32_t v = 0; v < h->part[p].nvcpus; v++) {
			uint8_t s = h->part[p].slot[v];

			if (s >= h->ncpus || h->cpu[s].part != (int32_t)p ||
			    h->cpu[s].vcpu != v || users[s]++) {
				char *tmp;

				check_fail(k, part_path(k, (int)p, &tmp),
					   "vCPU %u's slot %u is not its own",
					   v, s);
				free(tmp);
			}
		}
	for (uint32_t s = 0; s < h->ncpus; s++)
		if (h->cpu[s].part >= 0 && !users[s])
			check_fail(k, "/cpus",
				   "slot %u claims a vCPU nobody runs there",
				   s);
	free(users);
}

static void prove_vmids(struct check *k)
{
	const struct have *h = &k->h;

	for (uint32_t p = 0; p < h->nparts; p++) {
		bool dup = false;

		for (uint32_t q = 0; q < p; q++)
			dup |= h->part[q].vmid == h->part[p].vmid;
		if (dup || !h->part[p].vmid || h->part[p].vmid > 255) {
			char *tmp;

			check_fail(k, part_path(k, (int)p, &tmp),
				   "VMID %u is not a unique 8-bit VMID",
				   h->part[p].vmid);
			free(tmp);
		}
	}
}

/* The core's device windows: identity, out of RAM, around its devices. */
static void prove_core_map(struct check *k)
{
	const struct have *h = &k->h;
	bool uart = false, gicd = false;

	for (uint32_t i = 0; i < h->nhyp_dev; i++) {
		struct range r = { h->hyp_dev[i].pa, h->hyp_dev[i].size };

		if (h->hyp_dev[i].ipa != r.base || touches_ram(k, r) ||
		    ranges_meet(r, core_region(k)))
			check_fail(
				k, "/hypervisor",
				"the core's device window 0x%llx+0x%llx is not identity-mapped device space",
				X(r.base), X(r.size));
		uart |= range_within((struct range){ h->uart, PAGE }, r);
		gicd |= range_within((struct range){ h->gicd, k->w.gicd_size },
				     r);
	}
	if (!uart || !gicd)
		check_fail(
			k, "/hypervisor",
			"the core's device windows do not cover its UART and GIC");
}

void prove_all(struct check *k)
{
	struct s2 *m;
	int n = map_of(k, &m);

	prove_core(k);
	prove_core_map(k);
	for (int i = 0; i < n; i++)
		prove_mapping(k, &m[i]);
	prove_exclusive(k, m, n);
	for (uint32_t p = 0; p < k->h.nparts; p++) {
		prove_ipa_space(k, (int)p);
		prove_neighbours(k, (int)p);
		prove_copies(k, (int)p);
	}
	prove_spis(k);
	prove_slots(k);
	prove_vmids(k);
	free(m);
}
