/* SPDX-License-Identifier: MIT */
/*
 * A node table over a flattened device tree, built in one linear pass:
 * each node's offset, parent and phandle. libfdt finds a node's parent or
 * path by scanning the blob from its start, which made every per-node
 * question cost O(size) and a walk over a deeply nested tree cubic; with
 * the table, a parent is one lookup and a path costs its depth.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct tnode {
	int off;    /* offset in the blob */
	int parent; /* index, -1 for the root */
	uint32_t phandle;
};

struct tree {
	const void *fdt;
	struct tnode *n;
	int count;
	int *by_ph; /* indexes of nodes with a phandle, by phandle */
	int nph;
};

/* Build @t over @fdt (already checked with fdt_check_full); 0 or -1. */
int tree_build(struct tree *t, const void *fdt);
void tree_free(struct tree *t);

/* The index of the node at blob offset @off, -1 if none. */
int tree_find(const struct tree *t, int off);

/* The index of the node with phandle @ph, -1 if none. */
int tree_by_phandle(const struct tree *t, uint32_t ph);

/* The full path of node @i (malloc'd). */
char *tree_path(const struct tree *t, int i);

/* The last path component of node @i ("" for the root). */
const char *tree_name(const struct tree *t, int i);

/*
 * #address-cells / #size-cells of node @i (for its children), @dflt when
 * absent; -1 when the value is not 1 or 2 (#size-cells may also be 0),
 * which the 64-bit model cannot hold.
 */
int tree_cells(const struct tree *t, int i, const char *name, int dflt);

/*
 * Node @i's reg, translated through its ancestors' ranges to CPU physical
 * addresses, into *@out (malloc'd, NULL when empty). Returns the number of
 * windows, or -1 when reg is malformed, cannot be translated (a missing
 * ranges, a window not inside one ranges entry) or wraps.
 */
int tree_reg(const struct tree *t, int i, struct region **out);

/* The value of @n big-endian cells at @p (n <= 2). */
uint64_t read_cells(const void *p, int n);
