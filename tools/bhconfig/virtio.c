// SPDX-License-Identifier: MIT
/*
 * Virtio devices served by driver partitions, in the config:
 *
 *	linux {
 *		...
 *		virtio {
 *			hvc0 { type = "console"; driver = <&condrv>; };
 *		};
 *	};
 *
 * Each child of a partition's `virtio` node is one device of that
 * partition (the frontend), named by its node name and served by the
 * partition `driver` points at. The config tool decides everything else,
 * so nobody copies an address or an interrupt number: the frontend's
 * register window (a free 4 KiB page of its address space) and interrupt
 * (a free SPI, purely virtual), the driver's doorbell (another), where
 * the driver sees the frontend's memory (the grant: all of it, or only a
 * `dma-window` declared as a restricted-dma-pool, at `grant-ipa` (2 MiB
 * aligned, free in the driver's address space) or a free address; one
 * grant per frontend and driver, so their devices agree on both), and
 * where the core keeps the pages it shares (after the images, in its own
 * region). A partition with `hypervisor-console` drains the core's
 * console and must own its UART; one that serves virtio consoles must
 * own a PL011 to show them on.
 *
 * A block device is a slice of a disk its driver partition owns:
 *
 *	blkdrv: block {
 *		dma-devices = <&virtio_mmio31>;
 *		disks { disk0: disk0 { device = <&virtio_mmio31>;
 *					size = <0x0 0x4000000>; }; };
 *	};
 *	linux { virtio { vda { type = "block"; driver = <&blkdrv>;
 *		disk = <&disk0>; slice = <0x0 0x0 0x0 0x2000000>; }; }; };
 *
 * (offset and size in bytes, 4 KiB aligned, inside the disk; a writable
 * slice overlaps no other; `read-only;` makes a slice read-only). A
 * disk's name is its node name, once in a system (the run scripts know
 * it by it), its size whole pages below 2^63.
 *
 * virtio_parse() reads the nodes, virtio_assign() (after validation)
 * checks and places everything but physical addresses, which
 * virtio_layout() gives once the images' size is known.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include <bulkhead/pt.h>
#include <bulkhead/vdev_abi.h>

#include "bhconfig.h"
#include "board.h"

#define WINDOW_FROM 0x0a000000ULL  /* frontends' register windows */
#define WINDOW_LIMIT 0x40000000ULL /* bare-metal guests map this as device */
#define GRANT_FROM 0x80000000ULL   /* drivers see frontends' memory here... */
#define GRANT_LIMIT 0x100000000ULL /* ...below 4 GiB (bare-metal drivers) */

/* Feature bits (VIRTIO 1.2 §6, §5.3.3, §5.2.3). ACCESS_PLATFORM only
 * with a dma-window (virtio_assign()). */
#define F(n) (1ULL << (n))
#define F_COMMON                                         \
	(F(VIRTIO_F_VERSION_1) | F(VIRTIO_F_EVENT_IDX) | \
	 F(VIRTIO_F_INDIRECT_DESC))
#define F_BLK_SEG_MAX 2
#define F_BLK_RO 5
#define F_BLK_BLK_SIZE 6
#define F_BLK_FLUSH 9

struct vdev_kind {
	const char *type;
	uint32_t device_id, nqueues, config_len;
	uint64_t features;
};

static const struct vdev_kind kinds[] = {
	/* §5.3: receiveq and transmitq of port 0; config: cols, rows,
	 * max_nr_ports, emerg_wr (12 bytes), all 0 without their features. */
	{ "console", 3, 2, 12, F_COMMON },
	/* §5.2: one requestq; config up to blk_size: capacity (sectors),
	 * size_max, seg_max, geometry, blk_size (24 bytes). */
	{ "block", 2, 1, 24,
	  F_COMMON | F(F_BLK_SEG_MAX) | F(F_BLK_BLK_SIZE) | F(F_BLK_FLUSH) },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static const char *const vdev_props[] = {
	"type", "driver", "grant-ipa", "dma-window", "phandle",
	"disk", "slice",  "read-only", NULL,
};

static bool known_prop(const char *name)
{
	for (int i = 0; vdev_props[i]; i++)
		if (!strcmp(vdev_props[i], name))
			return true;
	return false;
}

/* dtc merges the definitions of a node (a second one through its label,
 * say) into one: a device or disk written twice is an error, as a
 * partition is (parse.c). */
static void defined_once(struct config *c, const char *path, const char *what)
{
	const struct srcpos *s = srcpos_find(c, path);

	if (s && s->count > 1)
		diag(c, path,
		     "the %s is defined %d times, and dtc merges such definitions into one: give each %s its own name",
		     what, s->count, what);
}

/* One device node under a partition's virtio node. */
static void parse_device(struct config *c, struct part *p, int node)
{
	const void *fdt = c->fdt;
	int off = c->tree.n[node].off, len, prop;
	struct vdev *d;
	const char *type;
	const fdt32_t *v;
	bool one;

	c->vdev = vec_grow(c->vdev, &c->vdev_cap, c->nvdevs + 1,
			   sizeof(*c->vdev));
	d = &c->vdev[c->nvdevs++];
	memset(d, 0, sizeof(*d));
	d->node = node;
	d->name = xstrdup(tree_name(&c->tree, node));
	d->path = tree_path(&c->tree, node);
	d->frontend = (int)(p - c->part);
	d->driver = -1;
	d->disk = -1;
	defined_once(c, d->path, "virtio device");
	fdt_for_each_property_offset (prop, fdt, off) {
		const char *name;

		if (fdt_getprop_by_offset(fdt, prop, &name, NULL) &&
		    !known_prop(name))
			diag_prop(c, d->path, name, "unknown property '%s'",
				  name);
	}
	if (fdt_first_subnode(fdt, off) >= 0)
		diag(c, d->path, "a virtio device has no child nodes");
	type = fdt_getprop(fdt, off, "type", &len);
	one = type && prop_is_one_string(type, len);
	for (size_t k = 0; one && k < NKINDS; k++)
		if (!strcmp(type, kinds[k].type))
			d->kind = &kinds[k];
	if (!d->kind)
		diag_prop(
			c, d->path, "type",
			"type must be %s\"console\" or \"block\" (the kinds of virtio device a driver partition serves)",
			!one && prop_is_string(type, len) ? "one string, "
							  : "");
	v = fdt_getprop(fdt, off, "driver", &len);
	if (!v || len != 4)
		diag_prop(
			c, d->path, "driver",
			"driver must be one partition, by label (e.g. driver = <&condrv>)");
	else
		d->driver_ph = fdt32_to_cpu(*v);
	v = fdt_getprop(fdt, off, "grant-ipa", &len);
	if (v && len == 8) {
		d->grant_ipa = read_cells(v, 2);
		d->has_grant_ipa = true;
	} else if (v) {
		diag_prop(c, d->path, "grant-ipa",
			  "grant-ipa must be one address <hi lo>");
	}
	v = fdt_getprop(fdt, off, "disk", &len);
	if (v && len == 4)
		d->disk_ph = fdt32_to_cpu(*v);
	else if (v)
		diag_prop(
			c, d->path, "disk",
			"disk must be one disk, by label (e.g. disk = <&disk0>)");
	v = fdt_getprop(fdt, off, "slice", &len);
	if (v && len == 16) {
		d->slice = (struct region){ read_cells(v, 2),
					    read_cells(v + 2, 2) };
		d->has_slice = true;
	} else if (v) {
		diag_prop(
			c, d->path, "slice",
			"slice must be <offset size> in bytes of the disk, 64-bit each (<0x0 offset 0x0 size>)");
	}
	d->read_only = flag_prop(c, d->path, off, "read-only");
	v = fdt_getprop(fdt, off, "dma-window", &len);
	if (v && len == 16) {
		d->dma_window = (struct region){ read_cells(v, 2),
						 read_cells(v + 2, 2) };
		d->has_dma_window = true;
	} else if (v) {
		diag_prop(
			c, d->path, "dma-window",
			"dma-window must be one <address size> range of the partition's memory");
	}
}

void virtio_parse(struct config *c, struct part *p, int node)
{
	int off = c->tree.n[node].off, sub, prop;

	fdt_for_each_property_offset (prop, c->fdt, off) {
		const char *name;

		if (fdt_getprop_by_offset(c->fdt, prop, &name, NULL) &&
		    strcmp(name, "phandle"))
			diag_prop(
				c, p->path, name,
				"virtio holds one node per device, no property ('%s')",
				name);
	}
	fdt_for_each_subnode (sub, c->fdt, off)
		parse_device(c, p, tree_find(&c->tree, sub));
}

static const char *const disk_props[] = { "device", "size", "file", "phandle",
					  NULL };

/* A disk's size: whole pages, and a size a file (off_t) can have. */
bool disk_size_ok(uint64_t size)
{
	return size && !(size % PAGE) && size < (1ULL << 63);
}

/* A slice: whole pages, nonempty, inside the disk (no wrapping). */
bool slice_ok(struct region slice, uint64_t disk_size)
{
	return slice.size && !(slice.base % PAGE) && !(slice.size % PAGE) &&
	       slice.size <= disk_size && slice.base <= disk_size - slice.size;
}

/* Two slices of one disk may overlap only if neither can be written:
 * a writer would change what the other reads, or overwrite its writes. */
bool slices_clash(struct region a, bool a_ro, struct region b, bool b_ro)
{
	return !(a_ro && b_ro) && regions_overlap(a, b);
}

/* One disk of a driver partition: its controller, size, image file. */
static void parse_disk(struct config *c, struct part *p, int node)
{
	const void *fdt = c->fdt;
	int off = c->tree.n[node].off, len, prop;
	const fdt32_t *v;
	const char *file;
	struct disk *k;

	c->disk = vec_grow(c->disk, &c->disk_cap, c->ndisks + 1,
			   sizeof(*c->disk));
	k = &c->disk[c->ndisks++];
	memset(k, 0, sizeof(*k));
	k->node = node;
	k->name = xstrdup(tree_name(&c->tree, node));
	k->path = tree_path(&c->tree, node);
	k->part = (int)(p - c->part);
	k->dev = -1;
	defined_once(c, k->path, "disk");
	fdt_for_each_property_offset (prop, fdt, off) {
		const char *name;
		bool known = false;

		if (!fdt_getprop_by_offset(fdt, prop, &name, NULL))
			continue;
		for (int i = 0; disk_props[i]; i++)
			known |= !strcmp(disk_props[i], name);
		if (!known)
			diag_prop(c, k->path, name, "unknown property '%s'",
				  name);
	}
	if (fdt_first_subnode(fdt, off) >= 0)
		diag(c, k->path, "a disk has no child nodes");
	v = fdt_getprop(fdt, off, "device", &len);
	if (v && len == 4)
		k->dev_ph = fdt32_to_cpu(*v);
	else
		diag_prop(
			c, k->path, "device",
			"device must be the disk's controller, by label (e.g. device = <&virtio_mmio31>)");
	v = fdt_getprop(fdt, off, "size", &len);
	if (v && len == 8)
		k->size = read_cells(v, 2);
	if (!v || len != 8 || !disk_size_ok(k->size))
		diag_prop(
			c, k->path, "size",
			"size must be the disk's size in bytes, <hi lo>, a nonzero multiple of 4 KiB below 2^63 (a file's largest size)");
	file = fdt_getprop(fdt, off, "file", &len);
	if (file && !prop_is_one_string(file, len))
		diag_prop(c, k->path, "file",
			  "file must be one path (relative to the config)");
	else
		k->file = file;
}

void disks_parse(struct config *c, struct part *p, int node)
{
	int off = c->tree.n[node].off, sub, prop, n = 0;

	fdt_for_each_property_offset (prop, c->fdt, off) {
		const char *name;

		if (fdt_getprop_by_offset(c->fdt, prop, &name, NULL) &&
		    strcmp(name, "phandle"))
			diag_prop(
				c, p->path, name,
				"disks holds one node per disk, no property ('%s')",
				name);
	}
	fdt_for_each_subnode (sub, c->fdt, off) {
		parse_disk(c, p, tree_find(&c->tree, sub));
		/* The block driver drives one disk (a second one's slices
		 * would be served from the first): one per driver partition. */
		if (++n == 2)
			diag(c, c->disk[c->ndisks - 1].path,
			     "%s has a disk already: a driver partition drives one disk, so give each disk a block driver partition of its own",
			     p->path);
	}
}

/* --- placing things in address spaces ------------------------------- */

/* What partition @p's address space holds already, page-rounded. */
static int occupied(const struct config *c, const struct part *p,
		    struct region **out)
{
	int n = 0, cap = 0;
	struct region *r = NULL;

#define PUSH(reg)                                         \
	do {                                              \
		r = vec_grow(r, &cap, n + 1, sizeof(*r)); \
		r[n++] = page_round(reg);                 \
	} while (0)
	for (int i = 0; i < p->nmem; i++)
		PUSH(((struct region){ p->ipa[i], p->mem[i].size }));
	for (int i = 0; i < p->ndev; i++)
		for (int k = 0; k < c->dev[p->dev[i]].nreg; k++)
			PUSH(c->dev[p->dev[i]].reg[k]);
	PUSH(((struct region){ c->gicd, c->gicd_size }));
	PUSH(((struct region){ c->gicr, c->gicr_stride * (uint64_t)p->ncpus }));
	for (int i = 0; i < p->nmaps; i++)
		PUSH(((struct region){ p->maps[i].ipa, p->maps[i].size }));
#undef PUSH
	*out = r;
	return n;
}

/* A free @size bytes, @align aligned, in [from, limit) of @p's space. */
static bool ipa_alloc(const struct config *c, const struct part *p,
		      uint64_t size, uint64_t align, uint64_t from,
		      uint64_t limit, uint64_t *at)
{
	struct region *busy;
	int n = occupied(c, p, &busy);
	uint64_t a = from;
	bool moved = true;

	while (moved && a + size <= limit) {
		moved = false;
		for (int i = 0; i < n; i++)
			if (regions_overlap((struct region){ a, size },
					    busy[i])) {
				a = (busy[i].base + busy[i].size + align - 1) &
				    ~(align - 1);
				moved = true;
			}
	}
	free(busy);
	*at = a;
	return a + size <= limit && a >= from;
}

static void add_map(struct part *p, uint64_t ipa, uint64_t size, unsigned attr,
		    enum s2map_what what, int index)
{
	p->maps =
		vec_grow(p->maps, &p->maps_cap, p->nmaps + 1, sizeof(*p->maps));
	p->maps[p->nmaps++] = (struct s2map){ ipa, 0, size, attr, what, index };
}

/* A free INTID for an interrupt the core raises for @p (spis.c's rule);
 * the platform's SPIs are read on first need. */
static uint32_t take_intid(struct config *c, bool **used, const struct part *p,
			   const char *node)
{
	if (!*used)
		*used = spis_used(c);
	return spi_take(c, *used, p->direct, node);
}

/* Does @p own bus masters? (Then it sees its memory, and grants, at
 * their physical addresses: validate.c.) */
static bool dma_driver(const struct config *c, const struct part *p)
{
	for (int d = 0; d < p->ndev; d++)
		if (p->dev_dma_ok[d] && c->dev[p->dev[d]].dma)
			return true;
	return false;
}

/* Does @r (guest addresses of @p) meet anything @p's space holds? */
static bool ipa_busy(const struct config *c, const struct part *p,
		     struct region r, struct region *hit)
{
	struct region *busy;
	int n = occupied(c, p, &busy);
	bool found = false;

	for (int i = 0; i < n && !found; i++)
		if (regions_overlap(r, busy[i])) {
			*hit = busy[i];
			found = true;
		}
	free(busy);
	return found;
}

/*
 * The driver runtime (partitions/runtime/start.S) maps the first 4 GiB of
 * its partition's address space and nothing above (TCR_EL1.T0SZ = 32):
 * a grant beyond them would fault on the driver's first access to the
 * frontend's rings or buffers. Placed grants stay below; one at an
 * explicit grant-ipa, or at the physical address a driver with bus
 * masters must use, is refused.
 */
static void beyond_runtime(struct config *c, const struct vdev *v,
			   struct region r, uint64_t at)
{
	const char *drv = c->part[v->driver].path;

	if (v->dma)
		diag(c, v->path,
		     "%s owns bus masters, so it would see this partition's memory 0x%llx+0x%llx at its physical address 0x%llx, which ends past the 4 GiB of its address space the driver runtime maps",
		     drv, (unsigned long long)r.base,
		     (unsigned long long)r.size, (unsigned long long)at);
	else
		diag_prop(
			c, v->path, "grant-ipa",
			"%s would see this partition's memory 0x%llx+0x%llx at 0x%llx, which ends past the 4 GiB of its address space the driver runtime maps",
			drv, (unsigned long long)r.base,
			(unsigned long long)r.size, (unsigned long long)at);
}

/* Driver @v->driver sees frontend memory @r (guest addresses) at @at:
 * the pages that holds must be free in its address space. */
static bool add_grant(struct config *c, const struct vdev *v, struct region r,
		      uint64_t at)
{
	struct part *drv = &c->part[v->driver];
	struct region m = { at & ~(PAGE - 1), 0 }, hit;
	struct grant *g;
	uint64_t end;

	if (!region_end((struct region){ at, r.size }, &end) ||
	    !round_up_u64(end, PAGE, &end)) {
		diag_prop(
			c, v->path, "grant-ipa",
			"%s cannot see this partition's memory 0x%llx+0x%llx at 0x%llx: it wraps past the end of the address space",
			drv->path, (unsigned long long)r.base,
			(unsigned long long)r.size, (unsigned long long)at);
		return false;
	}
	m.size = end - m.base;
	if (end > GRANT_LIMIT) {
		beyond_runtime(c, v, r, at);
		return false;
	}
	if (ipa_busy(c, drv, m, &hit)) {
		diag_prop(
			c, v->path, "grant-ipa",
			"%s cannot see this partition's memory 0x%llx+0x%llx at 0x%llx: its address space already has 0x%llx+0x%llx there",
			drv->path, (unsigned long long)r.base,
			(unsigned long long)r.size, (unsigned long long)at,
			(unsigned long long)hit.base,
			(unsigned long long)hit.size);
		return false;
	}
	c->grant = vec_grow(c->grant, &c->grant_cap, c->ngrants + 1,
			    sizeof(*c->grant));
	g = &c->grant[c->ngrants++];
	*g = (struct grant){ v->frontend, v->driver, r.base,
			     r.size,	  at,	     v->has_dma_window };
	add_map(drv, m.base, m.size, PT_R | PT_W, S2MAP_GRANT, c->ngrants - 1);
	return true;
}

/*
 * A driver sees a frontend's memory through one grant per pair, made for
 * the first device of the pair: every other device of the pair must ask
 * for the same (the same dma-window or none, the same grant-ipa if any),
 * or its frontend would put buffers where the driver cannot see them.
 */
static bool grant_agrees(struct config *c, const struct vdev *v,
			 const struct grant *g)
{
	const struct part *drv = &c->part[v->driver];
	uint64_t base = g->local - (v->dma ? 0 : g->guest & (SZ_2M - 1));

	if (v->has_dma_window != g->window ||
	    (g->window && (v->dma_window.base != g->guest ||
			   v->dma_window.size != g->size))) {
		diag_prop(
			c, v->path, "dma-window",
			"the devices %s serves to this partition must all use the same dma-window, or none",
			drv->path);
		return false;
	}
	if (v->has_grant_ipa && v->grant_ipa != base) {
		diag_prop(
			c, v->path, "grant-ipa",
			"grant-ipa 0x%llx: %s sees this partition's memory once, for all the devices it serves it, at 0x%llx",
			(unsigned long long)v->grant_ipa, drv->path,
			(unsigned long long)base);
		return false;
	}
	return true;
}

/* The grant of frontend @f's memory to driver @d: made once per pair. */
static void grant(struct config *c, struct vdev *v)
{
	struct part *drv = &c->part[v->driver], *fe = &c->part[v->frontend];
	struct region *want;
	int n = 0;

	for (int i = 0; i < c->ngrants; i++)
		if (c->grant[i].frontend == v->frontend &&
		    c->grant[i].driver == v->driver) {
			grant_agrees(c, v, &c->grant[i]);
			return;
		}
	want = xcalloc((size_t)(fe->nmem ? fe->nmem : 1), sizeof(*want));
	if (v->has_dma_window) {
		want[n++] = v->dma_window;
	} else {
		for (int i = 0; i < fe->nmem; i++)
			want[n++] =
				(struct region){ fe->ipa[i], fe->mem[i].size };
	}
	if (n > (int)BH_DRV_MAX_GRANT) {
		diag(c, v->path,
		     "%s has %d memory ranges, and a driver partition maps at most %u of a partition it serves: give the device a dma-window",
		     fe->path, n, BH_DRV_MAX_GRANT);
		n = 0;
	}
	if (v->has_grant_ipa && !v->dma && v->grant_ipa % SZ_2M) {
		diag_prop(
			c, v->path, "grant-ipa",
			"grant-ipa 0x%llx must be 2 MiB aligned (%s sees the memory at the offset within 2 MiB this partition sees it at)",
			(unsigned long long)v->grant_ipa, drv->path);
		n = 0;
	}
	for (int i = 0; i < n; i++) {
		uint64_t at = v->has_grant_ipa ? v->grant_ipa : 0;
		bool ok = false;
		uint64_t pa = 0;

		for (int m = 0; m < fe->nmem && !ok; m++)
			if (region_inside(want[i],
					  (struct region){ fe->ipa[m],
							   fe->mem[m].size })) {
				pa = fe->mem[m].base +
				     (want[i].base - fe->ipa[m]);
				ok = true;
			}

		/* A driver with bus masters hands them the frontend's
		 * buffers: it sees them at their physical addresses. */
		if (v->dma && ok) {
			if (v->has_grant_ipa && v->grant_ipa != pa) {
				diag_prop(
					c, v->path, "grant-ipa",
					"%s owns bus masters, so it sees this memory at its physical address 0x%llx, not grant-ipa 0x%llx",
					drv->path, (unsigned long long)pa,
					(unsigned long long)v->grant_ipa);
				break;
			}
			if (!add_grant(c, v, want[i], pa))
				break;
			continue;
		}

		/* Same offset within 2 MiB on both sides: blocks map it, and
		 * the virtqueue library's 16-byte alignment rule holds. */
		if (v->has_grant_ipa && i) {
			at = c->grant[c->ngrants - 1].local +
			     c->grant[c->ngrants - 1].size;
			at = (at + SZ_2M - 1) & ~(SZ_2M - 1);
		}
		if (!v->has_grant_ipa || i) {
			if (!ipa_alloc(c, drv, want[i].size + SZ_2M, SZ_2M,
				       at ? at : GRANT_FROM, GRANT_LIMIT,
				       &at)) {
				diag(c, v->path,
				     "the memory %s would see of this partition does not fit below 4 GiB of its address space",
				     drv->path);
				break;
			}
		}
		at += want[i].base & (SZ_2M - 1);
		if (!add_grant(c, v, want[i], at))
			break;
	}
	free(want);
}

/* disk, slice and read-only belong to block devices only. */
static bool check_not_block(struct config *c, const struct vdev *v)
{
	const char *p = v->disk_ph     ? "disk"
			: v->has_slice ? "slice"
			: v->read_only ? "read-only"
				       : NULL;

	if (p)
		diag_prop(c, v->path, p,
			  "%s applies to block devices (type = \"block\")", p);
	return !p;
}

/* A block device: a slice of a disk its driver owns. Only then is
 * v->disk set (and its slice compared with others'). */
static bool check_block(struct config *c, struct vdev *v)
{
	const struct disk *k;
	int d = -1;

	for (int i = 0; i < c->ndisks; i++)
		if (c->tree.n[c->disk[i].node].phandle == v->disk_ph &&
		    v->disk_ph)
			d = i;
	if (d < 0) {
		diag_prop(
			c, v->path, "disk",
			"a block device needs disk = <&label>, one of its driver's disks (a node under its disks)");
		return false;
	}
	k = &c->disk[d];
	if (k->part != v->driver) {
		diag_prop(
			c, v->path, "disk",
			"disk %s belongs to %s, not to this device's driver %s",
			k->path, c->part[k->part].path,
			c->part[v->driver].path);
		return false;
	}
	if (!v->has_slice) {
		diag_prop(
			c, v->path, "slice",
			"a block device needs slice = <offset size>, the bytes of %s it sees",
			k->path);
		return false;
	}
	if (!slice_ok(v->slice, k->size)) {
		diag_prop(
			c, v->path, "slice",
			"slice 0x%llx+0x%llx must be 4 KiB aligned, nonempty and inside %s (0x%llx bytes)",
			(unsigned long long)v->slice.base,
			(unsigned long long)v->slice.size, k->path,
			(unsigned long long)k->size);
		return false;
	}
	v->disk = d;
	return true;
}

/*
 * The file @file names, as the run scripts open it (relative to the
 * config's folder unless absolute): its real path if it exists; else,
 * since the first boot makes it, its folder's real path and its name;
 * else as written. Two ways of writing one file come out the same.
 */
static char *disk_file_path(const struct config *c, const char *file)
{
	char *full = file[0] == '/'
			     ? xstrdup(file)
			     : xasprintf("%s/%s",
					 c->config_dir ? c->config_dir : ".",
					 file);
	char *real = realpath(full, NULL), *slash = strrchr(full, '/');

	if (!real && slash) {
		*slash = '\0';
		real = realpath(slash == full ? "/" : full, NULL);
		*slash = '/';
		if (real) {
			char *in = xasprintf("%s/%s",
					     strcmp(real, "/") ? real : "",
					     slash + 1);

			free(real);
			real = in;
		}
	}
	if (!real)
		return full;
	free(full);
	return real;
}

/*
 * A disk is named by its node name wherever the system is run
 * (scripts/boot: NAME.img beside the image, --disk NAME=FILE), and its
 * file backs it alone: two disks of one name or one file (however each
 * writes it) would be one disk behind two controllers. Each disk's first
 * clash of each kind is reported.
 */
static void disk_names(struct config *c)
{
	char **real = xcalloc((size_t)c->ndisks + 1, sizeof(*real));

	for (int i = 0; i < c->ndisks; i++) {
		const struct disk *k = &c->disk[i];
		bool named = false, filed = false;

		real[i] = k->file ? disk_file_path(c, k->file) : NULL;
		for (int j = 0; j < i; j++) {
			const struct disk *o = &c->disk[j];

			if (!named && !strcmp(k->name, o->name)) {
				named = true;
				diag(c, k->path,
				     "%s is named %s too: disks are known by their node name (NAME.img, --disk NAME=FILE), so each needs its own",
				     o->path, k->name);
			} else if (!filed && real[i] && real[j] &&
				   !strcmp(real[i], real[j])) {
				filed = true;
				diag_prop(
					c, k->path, "file",
					!strcmp(k->file, o->file)
						? "file \"%s\" is %s's already: a file backs one disk"
						: "file \"%s\" is %s's file, written another way: a file backs one disk",
					k->file, o->path);
			}
		}
	}
	for (int i = 0; i < c->ndisks; i++)
		free(real[i]);
	free(real);
}

/* A disk's controller is one of its partition's dma-devices. */
static void check_disks(struct config *c)
{
	for (int i = 0; i < c->ndisks; i++) {
		struct disk *k = &c->disk[i];
		const struct part *p = &c->part[k->part];
		bool owned = false;

		for (int d = 0; d < c->ndevs; d++)
			if (k->dev_ph && c->dev[d].phandle == k->dev_ph)
				k->dev = d;
		for (int d = 0; k->dev >= 0 && d < p->ndev; d++)
			owned |= p->dev[d] == k->dev && p->dev_dma_ok[d];
		if (k->dev < 0 || !owned) {
			int n = k->dev_ph ? tree_by_phandle(&c->tree, k->dev_ph)
					  : -1;
			char *path = n >= 0 ? tree_path(&c->tree, n)
					    : xstrdup("it");

			diag_prop(
				c, k->path, "device",
				"%s is not one of this partition's dma-devices: a disk's device must be a virtio-mmio controller its partition owns through dma-devices",
				path);
			free(path);
			k->dev = -1;
			continue;
		}
		if (fdt_node_check_compatible(c->fdt, c->dev[k->dev].off,
					      "virtio,mmio") ||
		    c->dev[k->dev].nreg != 1) {
			diag_prop(
				c, k->path, "device",
				"%s is not a virtio-mmio controller (compatible = \"virtio,mmio\", one reg)",
				c->dev[k->dev].path);
			k->dev = -1;
		}
		for (int j = 0; j < i; j++)
			if (c->disk[j].dev == k->dev && k->dev >= 0)
				diag_prop(c, k->path, "device",
					  "%s is already the controller of %s",
					  c->dev[k->dev].path, c->disk[j].path);
	}
	disk_names(c);
}

/* A writable slice overlaps no other slice of its disk. */
static void check_slices(struct config *c)
{
	for (int i = 0; i < c->nvdevs; i++)
		for (int j = 0; j < i; j++) {
			const struct vdev *a = &c->vdev[i], *b = &c->vdev[j];

			if (a->disk < 0 || a->disk != b->disk ||
			    !slices_clash(a->slice, a->read_only, b->slice,
					  b->read_only))
				continue;
			diag_prop(
				c, a->path, "slice",
				"slice 0x%llx+0x%llx overlaps %s's (0x%llx+0x%llx) on %s, and %s writable",
				(unsigned long long)a->slice.base,
				(unsigned long long)a->slice.size, b->path,
				(unsigned long long)b->slice.base,
				(unsigned long long)b->slice.size,
				c->disk[a->disk].path,
				a->read_only ? "that one is" : "this one is");
		}
}

/* The device's config space as its frontend reads it (little-endian). */
static void block_config(struct vdev *v)
{
	uint64_t sectors = v->slice.size / 512;

	for (int i = 0; i < 8; i++)
		v->config[i] = (uint8_t)(sectors >> (8 * i)); /* capacity */
	for (int i = 0; i < 4; i++) /* seg_max, le32 */
		v->config[12 + i] = (uint8_t)(BH_VDEV_BLK_SEG_MAX >> (8 * i));
	v->config[21] = 512 >> 8; /* blk_size */
	if (v->read_only)
		v->features |= F(F_BLK_RO);
}

/* Checks that need the whole config: the driver, the window, the kind. */
static bool check_device(struct config *c, struct vdev *v)
{
	struct part *fe = &c->part[v->frontend];

	for (int i = 0; i < c->nparts; i++)
		if (c->part[i].node >= 0 && v->driver_ph &&
		    c->tree.n[c->part[i].node].phandle == v->driver_ph)
			v->driver = i;
	if (v->driver < 0) {
		diag_prop(
			c, v->path, "driver",
			"driver must name a partition of this config (by its label)");
		return false;
	}
	if (v->driver == v->frontend) {
		diag_prop(c, v->path, "driver",
			  "a partition cannot serve its own virtio device");
		return false;
	}
	if (v->has_dma_window) {
		bool inside = false;

		for (int i = 0; i < fe->nmem; i++)
			inside |= region_inside(
				v->dma_window,
				(struct region){ fe->ipa[i], fe->mem[i].size });
		if (!inside || !v->dma_window.size ||
		    v->dma_window.base % PAGE || v->dma_window.size % PAGE) {
			diag_prop(
				c, v->path, "dma-window",
				"dma-window 0x%llx+0x%llx must be 4 KiB aligned and inside the partition's memory (guest addresses)",
				(unsigned long long)v->dma_window.base,
				(unsigned long long)v->dma_window.size);
			return false;
		}
	}
	for (const struct vdev *o = c->vdev; v->has_dma_window && o < v; o++)
		if (o->frontend == v->frontend && o->has_dma_window &&
		    regions_overlap(o->dma_window, v->dma_window) &&
		    (o->dma_window.base != v->dma_window.base ||
		     o->dma_window.size != v->dma_window.size)) {
			diag_prop(
				c, v->path, "dma-window",
				"dma-window 0x%llx+0x%llx overlaps %s's 0x%llx+0x%llx: the partition's DMA pools may be shared, whole, but not overlap",
				(unsigned long long)v->dma_window.base,
				(unsigned long long)v->dma_window.size, o->path,
				(unsigned long long)o->dma_window.base,
				(unsigned long long)o->dma_window.size);
			return false;
		}
	if (!v->kind)
		return false;
	return strcmp(v->kind->type, "block") ? check_not_block(c, v)
					      : check_block(c, v);
}

/* A partition that serves virtio consoles shows them on a UART it owns
 * (userland-drivers/console: the one PL011 of its device tree); one that
 * drains the core's console owns that UART (console_driver()). */
static void console_uarts(struct config *c)
{
	for (int i = 0; i < c->nparts; i++) {
		const struct part *p = &c->part[i];
		const struct vdev *con = NULL;
		bool uart = false;

		for (int k = 0; k < c->nvdevs && !con && !p->hyp_console; k++)
			if (c->vdev[k].driver == i && c->vdev[k].kind_name &&
			    !strcmp(c->vdev[k].kind_name, "console"))
				con = &c->vdev[k];
		for (int d = 0; d < p->ndev; d++)
			uart |= !strncmp(c->dev[p->dev[d]].compatible,
					 "arm,pl011", 9);
		if (con && !uart)
			diag(c, p->path,
			     "it serves the virtio console %s, but owns no UART to show it on (an arm,pl011 in its devices)",
			     con->path);
	}
}

static void console_driver(struct config *c)
{
	for (int i = 0; i < c->nparts; i++) {
		struct part *p = &c->part[i];
		bool owns = false;

		if (!p->hyp_console)
			continue;
		if (c->con_driver >= 0) {
			diag_prop(
				c, p->path, "hypervisor-console",
				"only one partition drains the core's console, and %s does already",
				c->part[c->con_driver].path);
			continue;
		}
		for (int d = 0; d < p->ndev; d++)
			owns |= p->dev[d] == c->console;
		if (!owns)
			diag_prop(
				c, p->path, "hypervisor-console",
				"the partition that drains the core's console must own its UART (devices = <&...>, the /hypervisor console)");
		if (cpu_slots(c, NULL) > BH_CON_SLOTS)
			diag_prop(
				c, p->path, "hypervisor-console",
				"the core keeps a console ring per CPU it uses for its console driver to drain, at most %d; this system uses %d CPUs",
				BH_CON_SLOTS, cpu_slots(c, NULL));
		c->con_driver = i;
	}
}

void virtio_assign(struct config *c)
{
	bool *used = NULL;
	int *served;

	c->con_driver = -1;
	if (c->nvdevs > BH_VDEV_MAX) {
		/* The core's table; placing the rest would only repeat it. */
		diag(c, c->vdev[BH_VDEV_MAX].path,
		     "a system has at most %d virtio devices", BH_VDEV_MAX);
		return;
	}
	served = xcalloc((size_t)c->nparts + 1, sizeof(*served));
	console_driver(c);
	check_disks(c);
	for (int i = 0; i < c->nvdevs; i++) {
		struct vdev *v = &c->vdev[i];
		struct part *fe = &c->part[v->frontend];

		if (!check_device(c, v))
			continue;
		/* The runtime's table of devices (drv.h) would leave the
		 * rest unserved, and their frontends waiting. */
		if (++served[v->driver] == (int)BH_DRV_MAX_DEVS + 1)
			diag(c, v->path,
			     "%s serves at most %u virtio devices (the driver runtime's table), and this is one more",
			     c->part[v->driver].path, BH_DRV_MAX_DEVS);
		v->device_id = v->kind->device_id;
		v->kind_name = v->kind->type;
		v->nqueues = v->kind->nqueues;
		v->queue_max = 256;
		v->features = v->kind->features;
		/* §6: ACCESS_PLATFORM says the device reaches memory only
		 * limited or translated, so that the frontend must use its
		 * platform's DMA API (Linux then bounces through the
		 * restricted-dma-pool). That is so with a dma-window only;
		 * with the whole of its memory granted, it would only make
		 * Linux map and unmap every buffer for nothing. */
		if (v->has_dma_window)
			v->features |= F(VIRTIO_F_ACCESS_PLATFORM);
		v->config_len = v->kind->config_len;
		if (v->disk >= 0)
			block_config(v);
		if (!ipa_alloc(c, fe, PAGE, PAGE, WINDOW_FROM, WINDOW_LIMIT,
			       &v->window)) {
			diag(c, v->path,
			     "no free 4 KiB page below 1 GiB of the partition's address space for its registers");
			continue;
		}
		add_map(fe, v->window, PAGE, PT_R | PT_NC, S2MAP_REGS, i);
		v->irq = take_intid(c, &used, fe, v->path);
		v->dma = dma_driver(c, &c->part[v->driver]);
		grant(c, v);
	}
	console_uarts(c);
	check_slices(c);
	for (int i = 0; i < c->nparts; i++) {
		struct part *p = &c->part[i];
		bool drv = p->hyp_console;
		uint64_t at;
		uint32_t pages = 1, n = 0;

		for (int k = 0; k < c->nvdevs; k++)
			if (c->vdev[k].driver == i)
				n++;
		drv |= n > 0;
		if (p->reset_wait_ms && !n)
			diag_prop(
				c, p->path, "reset-wait-ms",
				"reset-wait-ms bounds how long a frontend waits for its driver, and this partition serves no virtio device");
		if (!p->reset_wait_ms)
			p->reset_wait_ms = RESET_WAIT_MS;
		if (!drv)
			continue;
		p->doorbell = take_intid(c, &used, p, p->path);
		if (p->hyp_console)
			pages += con_ring_pages(c);
		/* The driver page, the console rings, then a state page per
		 * device: read-only but the first. */
		if (!ipa_alloc(c, p, (uint64_t)(pages + n) * PAGE, SZ_2M,
			       GRANT_FROM, GRANT_LIMIT, &at)) {
			diag(c, p->path,
			     "no room below 4 GiB of its address space for the pages the core shares with it");
			continue;
		}
		p->drv_page_ipa = at;
		add_map(p, at, PAGE, PT_R | PT_W | PT_NC, S2MAP_DRIVER, i);
		if (p->hyp_console) {
			p->rings_ipa = at + PAGE;
			add_map(p, p->rings_ipa,
				(uint64_t)con_ring_pages(c) * PAGE,
				PT_R | PT_NC, S2MAP_RINGS, i);
		}
		for (int k = 0; k < c->nvdevs; k++)
			if (c->vdev[k].driver == i) {
				c->vdev[k].state_ipa =
					at + (uint64_t)pages * PAGE;
				add_map(p, c->vdev[k].state_ipa, PAGE,
					PT_R | PT_NC, S2MAP_STATE, k);
				pages++;
			}
	}
	free(used);
	free(served);
}

/*
 * Physical addresses: the shared region follows the images in the core's
 * region, 2 MiB aligned, so that the core maps it with one block: each
 * device's register page and state page, each driver's page, the console
 * rings. Returns its size (0 if nothing is shared).
 */
uint64_t virtio_layout(struct config *c, uint64_t base)
{
	uint64_t at = base;

	c->shared_base = base;
	for (int i = 0; i < c->nvdevs; i++) {
		c->vdev[i].regs_pa = at;
		c->vdev[i].state_pa = at + PAGE;
		at += 2 * PAGE;
	}
	for (int i = 0; i < c->nparts; i++)
		if (c->part[i].drv_page_ipa) {
			c->part[i].drv_page_pa = at;
			at += PAGE;
		}
	if (c->con_driver >= 0) {
		c->rings_pa = at;
		at += (uint64_t)con_ring_pages(c) * PAGE;
	}
	for (int p = 0; p < c->nparts; p++)
		for (int m = 0; m < c->part[p].nmaps; m++) {
			struct s2map *s = &c->part[p].maps[m];

			switch (s->what) {
			case S2MAP_REGS:
				s->pa = c->vdev[s->index].regs_pa;
				break;
			case S2MAP_STATE:
				s->pa = c->vdev[s->index].state_pa;
				break;
			case S2MAP_DRIVER:
				s->pa = c->part[s->index].drv_page_pa;
				break;
			case S2MAP_RINGS:
				s->pa = c->rings_pa;
				break;
			case S2MAP_GRANT:
			default:
				s->pa = grant_pa(c, &c->grant[s->index]) &
					~(PAGE - 1);
				break;
			}
		}
	c->shared_size = at == base ? 0
				    : ((at - base + SZ_2M - 1) & ~(SZ_2M - 1));
	return c->shared_size;
}

/* The console rings: one struct bh_con_ring per CPU slot. */
uint32_t con_ring_pages(const struct config *c)
{
	uint64_t bytes = (uint64_t)(unsigned)cpu_slots(c, NULL) *
			 sizeof(struct bh_con_ring);

	return (uint32_t)((bytes + PAGE - 1) / PAGE);
}

uint64_t grant_pa(const struct config *c, const struct grant *g)
{
	const struct part *p = &c->part[g->frontend];

	for (int i = 0; i < p->nmem; i++)
		if (region_inside((struct region){ g->guest, g->size },
				  (struct region){ p->ipa[i], p->mem[i].size }))
			return p->mem[i].base + (g->guest - p->ipa[i]);
	return 0; /* cannot be: the grant was made from these ranges */
}

void virtio_free(struct config *c)
{
	for (int i = 0; i < c->nvdevs; i++) {
		free(c->vdev[i].name);
		free(c->vdev[i].path);
	}
	for (int i = 0; i < c->ndisks; i++) {
		free(c->disk[i].name);
		free(c->disk[i].path);
	}
	free(c->vdev);
	free(c->grant);
	free(c->disk);
}
