/* SPDX-License-Identifier: MIT */
/*
 * What the fuzz targets share: a broken invariant names itself and traps
 * (libFuzzer keeps the input), and the input is read as little-endian
 * fields, zeros once it is used up.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

static _Noreturn void violated(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: invariant violated: %s\n", file, line, what);
	__builtin_trap();
}

#define check(ok) ((ok) ? (void)0 : violated(__FILE__, __LINE__, #ok))

struct fuzz_input {
	const uint8_t *p;
	size_t n;
};

/* @bytes (at most 8) little-endian bytes of the input. */
static inline uint64_t fuzz_take(struct fuzz_input *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes && in->n; i++, in->p++, in->n--)
		v |= (uint64_t)*in->p << (8 * i);
	return v;
}
