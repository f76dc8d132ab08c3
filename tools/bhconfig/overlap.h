/* SPDX-License-Identifier: MIT */
/*
 * Finding overlaps among many ranges in O(n log n): sort by base, sweep
 * with the range that reaches furthest so far. Every range that overlaps
 * an earlier one is found (with one partner), which is what error
 * messages need; hits come back in the order the items were given, so
 * messages follow the config's order whatever the addresses.
 */
#pragma once

#include "util.h"

struct span {
	struct region r;
	int owner; /* e.g. partition index */
	int item;  /* e.g. range index inside it */
	int order; /* position in the config: hits are sorted by it */
};

struct hit {
	const struct span *a, *b; /* b overlaps a; b comes later in order */
};

/*
 * The overlapping pairs of @s (sorted in place), at most one per span,
 * into *@hits (malloc'd); returns how many. @same_owner: whether ranges of
 * one owner count.
 */
int overlaps(struct span *s, int n, bool same_owner, struct hit **hits);

/*
 * A sorted index of ranges for "which of them touch [base, base+size)"
 * queries: prefix maxima of their ends find the first candidate in
 * O(log n); the scan from there stops at the first range past the query.
 */
struct range_index {
	struct span *s;	 /* sorted by base */
	uint64_t *reach; /* max end of s[0..i] (saturating) */
	int n;
};

void range_index_build(struct range_index *x, struct span *s, int n);
void range_index_free(struct range_index *x);

/* Calls @fn for every indexed span touching @r; stops if it returns false. */
void range_index_query(const struct range_index *x, struct region r,
		       bool (*fn)(const struct span *s, void *arg), void *arg);
