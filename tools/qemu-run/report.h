// SPDX-License-Identifier: MIT
/*
 * The verdict of a qemu-run run: which expectations failed and why, and the
 * PASS or FAIL summary line.
 */
#pragma once

#include "match.h"

/**
 * Report the outcome of the finished run r: one line on stderr per unmet
 * expectation, then the summary.  Returns EXIT_PASS or EXIT_FAIL.
 */
int report_verdict(const struct runner *r);
