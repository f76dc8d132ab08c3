// SPDX-License-Identifier: MIT
/*
 * Picking SPIs that nothing drives, for interrupts the core raises
 * itself: a virtual SPI (a virtio device's interrupt to its frontend, a
 * driver partition's doorbell) is an INTID of its own in the core's SPI
 * table, and for a partition in direct interrupt mode it must be a real
 * SPI of the GIC, which the core sets pending in the distributor and the
 * partition takes with no exit (vspi.edge VSPI_DOORBELL). No device may
 * share it: a level interrupt from a device would raise it too.
 *
 * So this file reads every way a platform node can name a GIC SPI (its
 * `interrupts` when the GIC is its interrupt parent, the GIC entries of
 * its `interrupts-extended`, the GIC entries of an `interrupt-map`) and
 * counts each as used. A node whose specifiers cannot be read (an
 * interrupt parent or phandle that leads nowhere, a controller without
 * #interrupt-cells, a list cut short) is an error naming it: the SPIs it
 * drives are unknown, so none could be picked safely. Free SPIs are
 * given out from the bottom for virtual-mode partitions and from the top
 * of the GIC's range (bulkhead,nr-interrupts) down for direct ones, away
 * from where boards wire their devices.
 */
#include <libfdt.h>
#include <stdlib.h>

#include "bhconfig.h"
#include "board.h"

/* A count property of node @i (#interrupt-cells, ...): @dflt when
 * absent, -1 when it is not one cell of at most 8. */
static int raw_cells(const struct config *c, int i, const char *name, int dflt)
{
	int len;
	const fdt32_t *v = fdt_getprop(c->fdt, c->tree.n[i].off, name, &len);

	if (!v)
		return dflt;
	return len == 4 && fdt32_to_cpu(*v) <= 8 ? (int)fdt32_to_cpu(*v) : -1;
}

/* Mark the SPI of GIC specifier @v (<type number flags ...>) as used. */
static void mark_spi(const struct config *c, bool *used, const fdt32_t *v)
{
	uint32_t num = fdt32_to_cpu(v[1]);

	if (!fdt32_to_cpu(v[0]) && num < c->gic_intids &&
	    num + 32 < c->gic_intids)
		used[num + 32] = true;
}

/* The GIC's specifier size, 0 if it has none that holds <type number>. */
static int gic_cells(const struct config *c)
{
	int n = raw_cells(c, c->gic_node, "#interrupt-cells", -1);

	return n >= 2 ? n : 0;
}

/* `interrupts`: GIC specifiers when the GIC is the interrupt parent;
 * another controller's otherwise (its own node names its SPIs). */
static void read_interrupts(struct config *c, bool *used, int i,
			    const char *path)
{
	int len, gc = gic_cells(c), par;
	const fdt32_t *v =
		fdt_getprop(c->fdt, c->tree.n[i].off, "interrupts", &len);

	if (!v)
		return;
	par = board_irq_parent(c, i);
	if (par < 0) {
		diag_prop(
			c, path, "interrupts",
			"its interrupt parent cannot be found: which SPIs it drives is unknown, and virtual interrupts must avoid them");
		return;
	}
	if (par != c->gic_node)
		return;
	if (!gc || len % (4 * gc)) {
		diag_prop(
			c, path, "interrupts",
			"its interrupts are not whole GIC specifiers of %d cells: which SPIs it drives is unknown, and virtual interrupts must avoid them",
			gc);
		return;
	}
	for (int k = 0; k < len / 4; k += gc)
		mark_spi(c, used, v + k);
}

/* `interrupts-extended`: <phandle specifier> pairs, each specifier as
 * long as its controller's #interrupt-cells. */
static void read_extended(struct config *c, bool *used, int i, const char *path)
{
	int len, k = 0;
	const fdt32_t *v = fdt_getprop(c->fdt, c->tree.n[i].off,
				       "interrupts-extended", &len);
	const char *why = NULL;

	while (v && !why && k < len / 4) {
		int par = tree_by_phandle(&c->tree, fdt32_to_cpu(v[k]));
		int cells = par >= 0 ? raw_cells(c, par, "#interrupt-cells", -1)
				     : -1;

		if (par < 0)
			why = "names no node";
		else if (cells < 0)
			why = "names a node without a valid #interrupt-cells";
		else if (k + 1 + cells > len / 4)
			why = "is cut short";
		else if (par == c->gic_node && cells >= 2)
			mark_spi(c, used, v + k + 1);
		if (!why)
			k += 1 + cells;
	}
	if (why)
		diag_prop(
			c, path, "interrupts-extended",
			"its entry at cell %d (phandle 0x%x) %s: which SPIs it drives is unknown, and virtual interrupts must avoid them",
			k, fdt32_to_cpu(v[k]), why);
}

/* `interrupt-map`: each entry is child address and interrupt, parent
 * phandle, parent address and specifier (DTSpec 2.4.3.1). */
static void read_map(struct config *c, bool *used, int i, const char *path)
{
	int len, k = 0;
	const fdt32_t *v =
		fdt_getprop(c->fdt, c->tree.n[i].off, "interrupt-map", &len);
	int cac = raw_cells(c, i, "#address-cells", 2);
	int cic = raw_cells(c, i, "#interrupt-cells", -1);
	const char *why = NULL;

	if (v && (cac < 0 || cic < 0)) {
		diag_prop(
			c, path, "interrupt-map",
			"the node has no valid #address-cells and #interrupt-cells to read it with: which SPIs it routes to is unknown, and virtual interrupts must avoid them");
		return;
	}
	while (v && !why && k < len / 4) {
		int at = k + cac + cic, n = len / 4;
		int par =
			at < n ? tree_by_phandle(&c->tree, fdt32_to_cpu(v[at]))
			       : -1;
		int pac = par >= 0 ? raw_cells(c, par, "#address-cells", 0)
				   : -1;
		int pic = par >= 0 ? raw_cells(c, par, "#interrupt-cells", -1)
				   : -1;

		if (par < 0)
			why = "names no interrupt parent";
		else if (pac < 0 || pic < 0)
			why = "names a parent without a valid #address-cells and #interrupt-cells";
		else if (at + 1 + pac + pic > n)
			why = "is cut short";
		else if (par == c->gic_node && pic >= 2)
			mark_spi(c, used, v + at + 1 + pac);
		if (!why)
			k = at + 1 + pac + pic;
	}
	if (why)
		diag_prop(
			c, path, "interrupt-map",
			"its entry at cell %d %s: which SPIs it routes to is unknown, and virtual interrupts must avoid them",
			k, why);
}

bool *spis_used(struct config *c)
{
	bool *used = xcalloc(c->gic_intids + 1, sizeof(bool));

	for (int i = 0; c->gic_node >= 0 && i < c->tree.count; i++) {
		char *path;

		if (c->in_config && c->in_config[i])
			continue;
		path = tree_path(&c->tree, i);
		read_interrupts(c, used, i, path);
		read_extended(c, used, i, path);
		read_map(c, used, i, path);
		free(path);
	}
	return used;
}

uint32_t spi_take(struct config *c, bool *used, bool direct, const char *node)
{
	for (uint32_t n = 32; n < c->gic_intids; n++) {
		uint32_t i = direct ? c->gic_intids - 1 - (n - 32) : n;

		if (!used[i]) {
			used[i] = true;
			return i;
		}
	}
	diag(c, node,
	     "no free interrupt is left on the platform's GIC for its virtual interrupt");
	return 0;
}
