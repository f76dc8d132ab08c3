// SPDX-License-Identifier: MIT
/*
 * Overlap detection by sorting (see overlap.h). Ends are computed with
 * saturation, so a range that would wrap still sorts and compares sanely;
 * the validator reports wrapping ranges on its own.
 */
#include <stdlib.h>

#include "overlap.h"

static uint64_t end_of(struct region r)
{
	uint64_t e;

	return region_end(r, &e) ? e : UINT64_MAX;
}

static int by_base(const void *x, const void *y)
{
	const struct span *a = x, *b = y;

	if (a->r.base != b->r.base)
		return a->r.base < b->r.base ? -1 : 1;
	return (a->order > b->order) - (a->order < b->order);
}

static int by_order(const void *x, const void *y)
{
	const struct hit *a = x, *b = y;

	if (a->b->order != b->b->order)
		return a->b->order < b->b->order ? -1 : 1;
	return (a->a->order > b->a->order) - (a->a->order < b->a->order);
}

int overlaps(struct span *s, int n, bool same_owner, struct hit **hits)
{
	int nh = 0, cap = 0, far = -1;

	*hits = NULL;
	if (n > 1)
		qsort(s, (size_t)n, sizeof(*s), by_base);
	for (int i = 0; i < n; i++) {
		if (!s[i].r.size)
			continue;
		if (far >= 0 && s[i].r.base < end_of(s[far].r) &&
		    (same_owner || s[i].owner != s[far].owner)) {
			bool later = s[i].order > s[far].order;

			*hits = vec_grow(*hits, &cap, nh + 1, sizeof(**hits));
			(*hits)[nh].a = later ? &s[far] : &s[i];
			(*hits)[nh++].b = later ? &s[i] : &s[far];
		}
		if (far < 0 || end_of(s[i].r) > end_of(s[far].r))
			far = i;
	}
	if (nh)
		qsort(*hits, (size_t)nh, sizeof(**hits), by_order);
	return nh;
}

void range_index_build(struct range_index *x, struct span *s, int n)
{
	uint64_t m = 0;

	if (n > 1)
		qsort(s, (size_t)n, sizeof(*s), by_base);
	x->s = s;
	x->n = n;
	x->reach = xcalloc((size_t)n, sizeof(*x->reach));
	for (int i = 0; i < n; i++) {
		if (end_of(s[i].r) > m)
			m = end_of(s[i].r);
		x->reach[i] = m;
	}
}

void range_index_free(struct range_index *x)
{
	free(x->reach);
	x->reach = NULL;
}

void range_index_query(const struct range_index *x, struct region r,
		       bool (*fn)(const struct span *s, void *arg), void *arg)
{
	int lo = 0, hi = x->n;
	uint64_t end = end_of(r);

	if (!r.size)
		return;
	while (lo < hi) { /* the first span whose prefix reaches past base */
		int mid = lo + (hi - lo) / 2;

		if (x->reach[mid] > r.base)
			hi = mid;
		else
			lo = mid + 1;
	}
	for (int i = lo; i < x->n && x->s[i].r.base < end; i++)
		if (regions_overlap(x->s[i].r, r) && !fn(&x->s[i], arg))
			return;
}
