/* SPDX-License-Identifier: MIT */
/*
 * Invariants of bhconfig's model that every fuzz target checks after each
 * stage: counts and indexes in range, strings terminated, every load
 * inside its partition's memory and its file, device windows page
 * aligned, guest DTBs valid. A violation traps (libFuzzer keeps the
 * input).
 */
#pragma once

#include <stddef.h>

#include "bhconfig.h"

/* The model after parse or validate. */
void check_model(const struct config *c);

/* After placement: loads of partition @p read inside @file_size bytes. */
void check_loads(const struct config *c, const struct part *p,
		 size_t file_size);

/* After layout: windows and tables. */
void check_layout(const struct config *c);
