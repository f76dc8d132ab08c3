/* SPDX-License-Identifier: MIT */
/*
 * Fresh /chosen/rng-seed values for every partition boot (core/rng.c).
 */
#pragma once

#include <bulkhead/types.h>

struct partition;

/** Derive every partition's seed key; boot CPU, before any partition. */
void rng_init(void);

/** Write @p's next 32-byte seed (for the boot now starting) to @seed. */
void rng_seed_partition(struct partition *p, u8 *seed);
