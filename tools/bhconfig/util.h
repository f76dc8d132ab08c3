/* SPDX-License-Identifier: MIT */
/*
 * Small helpers every stage of bhconfig uses: allocation that cannot
 * return NULL (the tool stops on exhaustion), arrays that grow as needed
 * (no table in the tool has a fixed size), formatted strings of any
 * length, and address arithmetic that reports overflow instead of
 * wrapping.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** An address range [base, base + size). */
struct region {
	uint64_t base;
	uint64_t size;
};

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The whole of @path, at most @max bytes (NUL-terminated); NULL if not. */
char *read_whole(const char *path, uint64_t max, size_t *len);

/*
 * Make room for @need elements of @size bytes in @arr, whose capacity is
 * *@cap; returns the (possibly moved) array. Capacity doubles, so pushing
 * n elements costs O(n).
 */
void *vec_grow(void *arr, int *cap, int need, size_t size);

/* a + b, false if it does not fit in 64 bits. */
static inline bool add_u64(uint64_t a, uint64_t b, uint64_t *sum)
{
	return !__builtin_add_overflow(a, b, sum);
}

/* a * b, false if it does not fit in 64 bits. */
static inline bool mul_u64(uint64_t a, uint64_t b, uint64_t *prod)
{
	return !__builtin_mul_overflow(a, b, prod);
}

/* x rounded up to a power of two @align, false on overflow. */
static inline bool round_up_u64(uint64_t x, uint64_t align, uint64_t *out)
{
	uint64_t t;

	if (!add_u64(x, align - 1, &t))
		return false;
	*out = t & ~(align - 1);
	return true;
}

/* The end of @r (base + size), false if it does not fit in 64 bits. */
static inline bool region_end(struct region r, uint64_t *end)
{
	return add_u64(r.base, r.size, end);
}

/* Do two ranges share a byte? (Correct even where base + size wraps.) */
static inline bool regions_overlap(struct region a, struct region b)
{
	if (!a.size || !b.size)
		return false;
	return a.base >= b.base ? a.base - b.base < b.size
				: b.base - a.base < a.size;
}

/* Is @inner wholly inside @outer? (Both must not wrap.) */
static inline bool region_inside(struct region inner, struct region outer)
{
	return inner.base >= outer.base &&
	       inner.base - outer.base <= outer.size &&
	       inner.size <= outer.size - (inner.base - outer.base);
}
