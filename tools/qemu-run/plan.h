// SPDX-License-Identifier: MIT
/*
 * The plan of a qemu-run run: what its expectation file asks for.  Every
 * step or check of the file is one struct expectation, in file order; the
 * expectations also carry the progress the run makes against them (steps
 * met, lines counted, first occurrences, the line that hit a reject), which
 * match.c updates and report.c explains.
 */
#pragma once

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

/** What a line of the file asks for (report.c's kind_names follows it). */
enum kind {
	K_EXPECT,
	K_EXPECT_RE,
	K_SEND,
	K_REJECT,
	K_REJECT_RE,
	K_COUNT,
	K_BEFORE,
	K_EXIT,
};

/** One step or check of the file, and the run's progress against it. */
struct expectation {
	enum kind kind;
	unsigned number;   /* 1-based, in file order */
	unsigned src_line; /* line in the expectation file */
	char *text;	   /* TEXT, REGEX, or A of "before A ||| B" */
	char *text_b;	   /* B of "before A ||| B" */
	regex_t re;
	bool has_re;
	unsigned long need; /* count: required matching lines */
	unsigned long seen; /* count: matching lines so far */
	int exit_code;	    /* exit: required status */
	bool met;	    /* ordered step satisfied */
	size_t first_a;	    /* before: first output line with A, 0 = none */
	size_t first_b;	    /* before: first output line with B, 0 = none */
	size_t hit_line;    /* reject: offending output line, 0 = none */
	char *hit_text;	    /* reject: copy of the offending line */
	int send_errno;	    /* send: errno of a failed write, 0 = none */
};

/** The whole expectation file: its items in file order and its settings. */
struct plan {
	const char *path;
	struct expectation *items;
	size_t count;
	size_t cap;
	double timeout;
	bool timeout_set;
	bool builtin_rejects;
	bool has_exit;
	char **untangle; /* untangle: the tags of whole lines written at once */
	size_t nuntangle;
};

/**
 * Read and check the expectation file at path into p (zeroed by the caller).
 * Returns 0, or -1 after printing FILE:LINE: REASON or an I/O error.
 */
int plan_load(struct plan *p, const char *path);

/** Free what plan_load() and the run allocated in p (not p itself). */
void plan_free(struct plan *p);

/** Parse a positive number of seconds (up to 1e7) into *out. */
bool plan_parse_seconds(const char *s, double *out);

/** Whether k is an ordered step (expect, expect-re, send). */
bool plan_is_ordered(enum kind k);
