/* SPDX-License-Identifier: MIT */
/*
 * board.c's interface for parse.c: the platform's facts (CPUs, RAM, GIC,
 * register windows) and its devices, read on first use.
 */
#pragma once

#include <stdbool.h>

#include "bhconfig.h"

/* Sets in_config[i] for every node under the config's own nodes. */
void board_mark_config(struct config *c, bool *in_config);

/* CPUs, RAM, GIC and every register window outside in_config. */
void board_parse(struct config *c, const bool *in_config);

/* The pdev index of tree node @i, made on first use; -1 if unusable. */
int board_device(struct config *c, int i, const char *user);

/* The interrupt parent of tree node @i, -1 if none resolves. */
int board_irq_parent(const struct config *c, int i);

/* Is @v (@len bytes) a printable NUL-terminated string (list)? */
bool prop_is_string(const void *v, int len);

/* Is it one such string, not a list ("a", "b" reads as "a" alone)? */
bool prop_is_one_string(const void *v, int len);

/* Is flag @name set on node @off (of @path)? A flag has no value: one
 * with a value (read-only = <0>, which reads as "no" and is "yes") is
 * an error. */
bool flag_prop(struct config *c, const char *path, int off, const char *name);
