// SPDX-License-Identifier: MIT
/*
 * The state of one qemu-run run (struct runner: the plan, the command, the
 * partial output line, the ordered-step cursor and why the run stopped) and
 * the functions that feed the command's output to the plan's expectations.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "child.h"
#include "plan.h"

enum {
	RUN_LINE_MAX = 4096, /* longer output lines are split */
};

/** Why the run stopped; STOP_NONE while it goes on. */
enum stop_reason {
	STOP_NONE,
	STOP_ALL_MET,
	STOP_TIMEOUT,
	STOP_EXITED,
	STOP_EOF,
	STOP_REJECT,
	STOP_ORDER,
	STOP_SEND,
	STOP_SIGNAL,
	STOP_IO,
};

/** One run: the plan, the command and the progress through the output. */
struct runner {
	struct plan *plan;
	FILE *log;
	bool quiet;
	struct child child; /* the command, its pipes, its exit status */
	size_t cursor;	    /* index of the next ordered step */
	size_t lines;	    /* output lines seen */
	char buf[RUN_LINE_MAX + 1];
	size_t len;
	bool split_pending;	      /* last line was split at RUN_LINE_MAX */
	char carry[RUN_LINE_MAX + 1]; /* untangle: a line's start, held */
	size_t carry_len;
	double start;
	double deadline;
	double timeout;
	enum stop_reason stop;
	size_t stop_line;
	const char *builtin_hit;
	char *builtin_text;
	size_t builtin_line;
};

/** Record why the run stops, at the current output line; returns true. */
bool match_stop(struct runner *r, enum stop_reason why);

/** Whether expectation e of r's plan is satisfied at this point. */
bool match_item_ok(const struct runner *r, const struct expectation *e);

/** Without 'exit', stop (STOP_ALL_MET) as soon as everything is satisfied. */
void match_check_all_met(struct runner *r);

/** Write the send steps that are next in order to the command's stdin. */
void match_run_sends(struct runner *r);

/** End the buffered output line: echo it, log it and match it. */
void match_finish_line(struct runner *r);

/** Feed n bytes of output; stops consuming once the run has stopped. */
void match_feed(struct runner *r, const char *p, size_t n);
