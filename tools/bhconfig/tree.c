// SPDX-License-Identifier: MIT
/*
 * The node table (see tree.h) and the address arithmetic of the
 * devicetree specification (v0.4, 2.3.5 "#address-cells and #size-cells",
 * 2.3.8 "ranges"): a reg window is in its parent bus's address space and
 * reaches the CPU's through every ancestor's ranges. All of it checked
 * against overflow: a window that wraps is malformed, not translated.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "tree.h"
#include "util.h"

uint64_t read_cells(const void *p, int n)
{
	const fdt32_t *c = p;
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_to_cpu(c[i]);
	return v;
}

static const struct tree *sort_tree; /* qsort has no context argument */

static int cmp_ph(const void *a, const void *b)
{
	uint32_t x = sort_tree->n[*(const int *)a].phandle;
	uint32_t y = sort_tree->n[*(const int *)b].phandle;

	return x < y ? -1 : x > y;
}

int tree_build(struct tree *t, const void *fdt)
{
	int cap = 0, scap = 0, phcap = 0, depth = -1, off;
	int *stack = NULL;

	memset(t, 0, sizeof(*t));
	t->fdt = fdt;
	for (off = fdt_next_node(fdt, -1, &depth); off >= 0;
	     off = fdt_next_node(fdt, off, &depth)) {
		struct tnode *n;

		if (depth < 0)
			break;
		t->n = vec_grow(t->n, &cap, t->count + 1, sizeof(*t->n));
		stack = vec_grow(stack, &scap, depth + 1, sizeof(*stack));
		n = &t->n[t->count];
		n->off = off;
		n->parent = depth ? stack[depth - 1] : -1;
		n->phandle = fdt_get_phandle(fdt, off);
		if (n->phandle && n->phandle != (uint32_t)-1) {
			t->by_ph = vec_grow(t->by_ph, &phcap, t->nph + 1,
					    sizeof(*t->by_ph));
			t->by_ph[t->nph++] = t->count;
		}
		stack[depth] = t->count++;
	}
	free(stack);
	sort_tree = t;
	if (t->nph)
		qsort(t->by_ph, (size_t)t->nph, sizeof(*t->by_ph), cmp_ph);
	return t->count ? 0 : -1;
}

void tree_free(struct tree *t)
{
	free(t->n);
	free(t->by_ph);
	memset(t, 0, sizeof(*t));
}

int tree_find(const struct tree *t, int off)
{
	int lo = 0, hi = t->count;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (t->n[mid].off == off)
			return mid;
		if (t->n[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int tree_by_phandle(const struct tree *t, uint32_t ph)
{
	int lo = 0, hi = t->nph;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		uint32_t v = t->n[t->by_ph[mid]].phandle;

		if (v == ph) {
			/* the first of equals, so the answer is stable */
			while (mid > 0 && t->n[t->by_ph[mid - 1]].phandle == ph)
				mid--;
			return t->by_ph[mid];
		}
		if (v < ph)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const char *tree_name(const struct tree *t, int i)
{
	const char *name = fdt_get_name(t->fdt, t->n[i].off, NULL);

	return name ? name : "?";
}

char *tree_path(const struct tree *t, int i)
{
	size_t len = 0, pos;
	char *s;

	if (t->n[i].parent < 0)
		return xstrdup("/");
	for (int j = i; t->n[j].parent >= 0; j = t->n[j].parent)
		len += strlen(tree_name(t, j)) + 1;
	s = xmalloc(len + 1);
	pos = len;
	s[len] = 0;
	for (int j = i; t->n[j].parent >= 0; j = t->n[j].parent) {
		size_t n = strlen(tree_name(t, j));

		pos -= n;
		memcpy(s + pos, tree_name(t, j), n);
		s[--pos] = '/';
	}
	return s;
}

int tree_cells(const struct tree *t, int i, const char *name, int dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(t->fdt, t->n[i].off, name, &len);
	uint32_t v;

	if (!p)
		return dflt;
	if (len != 4)
		return -1;
	v = fdt32_to_cpu(*p);
	if (v > 2 || (v == 0 && !strcmp(name, "#address-cells")))
		return -1;
	return (int)v;
}

/* Map [*addr, +size) of a child of @bus through @bus's ranges. */
static bool through_ranges(const struct tree *t, int bus, uint64_t *addr,
			   uint64_t size)
{
	int len, ca = tree_cells(t, bus, "#address-cells", 2);
	int cs = tree_cells(t, bus, "#size-cells", 1);
	int pa = tree_cells(t, t->n[bus].parent, "#address-cells", 2);
	const fdt32_t *r = fdt_getprop(t->fdt, t->n[bus].off, "ranges", &len);
	uint64_t end;

	if (!r || ca < 0 || cs < 0 || pa < 0 || !add_u64(*addr, size, &end))
		return false;
	if (!len)
		return true; /* identity */
	if (len % (4 * (ca + pa + cs)))
		return false;
	for (int i = 0; i < len / 4; i += ca + pa + cs) {
		uint64_t cb = read_cells(r + i, ca),
			 pb = read_cells(r + i + ca, pa);
		uint64_t sz = read_cells(r + i + ca + pa, cs), cend, off;

		if (!add_u64(cb, sz, &cend) || *addr < cb || end > cend)
			continue;
		off = *addr - cb;
		if (!add_u64(pb, off, addr))
			return false;
		return add_u64(*addr, size, &end);
	}
	return false;
}

int tree_reg(const struct tree *t, int i, struct region **out)
{
	int parent = t->n[i].parent, len, ac, sc, n;
	const fdt32_t *p = fdt_getprop(t->fdt, t->n[i].off, "reg", &len);
	struct region *r;

	*out = NULL;
	if (!p || parent < 0)
		return 0;
	ac = tree_cells(t, parent, "#address-cells", 2);
	sc = tree_cells(t, parent, "#size-cells", 1);
	if (ac < 0 || sc < 0 || len % (4 * (ac + sc)))
		return -1;
	n = len / (4 * (ac + sc));
	r = xcalloc((size_t)n, sizeof(*r));
	for (int k = 0; k < n; k++) {
		const fdt32_t *c = p + k * (ac + sc);
		uint64_t end;

		r[k].base = read_cells(c, ac);
		r[k].size = read_cells(c + ac, sc);
		if (!add_u64(r[k].base, r[k].size, &end))
			goto bad;
		for (int bus = parent; t->n[bus].parent >= 0;
		     bus = t->n[bus].parent)
			if (!through_ranges(t, bus, &r[k].base, r[k].size))
				goto bad;
	}
	*out = r;
	return n;
bad:
	free(r);
	return -1;
}
