// SPDX-License-Identifier: MIT
/*
 * The verdict of a qemu-run run.  After the command has been terminated and
 * reaped, every expectation that is not satisfied is reported on stderr as
 * one line: its number, what it asked for, where in the expectation file it
 * is, and why it failed (the offending output line, what was seen of it, or
 * what stopped the run before it was met; for an ordered step, the first
 * unmet step it was still waiting behind).  Then one PASS or FAIL summary.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "report.h"
#include "util.h"

/* Indexed by enum kind (plan.h). */
static const char *const kind_names[] = {
	"expect",    "expect-re", "send",   "reject",
	"reject-re", "count",	  "before", "exit",
};

static void print_desc(FILE *f, const struct expectation *e)
{
	switch (e->kind) {
	case K_COUNT:
		fprintf(f, "count %lu \"%s\"", e->need, e->text);
		break;
	case K_BEFORE:
		fprintf(f, "before \"%s\" ||| \"%s\"", e->text, e->text_b);
		break;
	case K_EXIT:
		fprintf(f, "exit %d", e->exit_code);
		break;
	default:
		fprintf(f, "%s \"%s\"", kind_names[e->kind], e->text);
		break;
	}
}

static void print_status(FILE *f, int status)
{
	if (WIFEXITED(status))
		fprintf(f, "with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(f, "killed by signal %d", WTERMSIG(status));
	else
		fprintf(f, "with wait status %#x", (unsigned)status);
}

static void print_stop_phrase(FILE *f, const struct runner *r)
{
	switch (r->stop) {
	case STOP_TIMEOUT:
		fprintf(f, "before timeout (%g s)", r->timeout);
		break;
	case STOP_EXITED:
		fputs("before the command exited ", f);
		print_status(f, r->child.status);
		break;
	case STOP_EOF:
		fputs("before the command closed its output", f);
		break;
	case STOP_REJECT:
		fprintf(f, "before a reject stopped the run at output line %zu",
			r->stop_line);
		break;
	case STOP_ORDER:
		fprintf(f,
			"before a violated 'before' stopped the run at "
			"output line %zu",
			r->stop_line);
		break;
	case STOP_SEND:
		fputs("before a send failed", f);
		break;
	case STOP_SIGNAL:
		fprintf(f, "before qemu-run was interrupted by signal %d",
			child_term_signal());
		break;
	default:
		fputs("before the run stopped", f);
		break;
	}
}

static void print_before_why(FILE *f, const struct runner *r,
			     const struct expectation *e)
{
	if (e->first_b && (!e->first_a || e->first_a >= e->first_b)) {
		fprintf(f, "violated: \"%s\" appeared at output line %zu",
			e->text_b, e->first_b);
		if (e->first_a)
			fprintf(f, ", \"%s\" only at line %zu", e->text,
				e->first_a);
		else
			fprintf(f, " before any \"%s\"", e->text);
		return;
	}
	fputs("not met ", f);
	print_stop_phrase(f, r);
	if (e->first_a)
		fprintf(f, ": \"%s\" seen at line %zu, \"%s\" never seen",
			e->text, e->first_a, e->text_b);
	else
		fprintf(f, ": neither \"%s\" nor \"%s\" seen", e->text,
			e->text_b);
}

static void print_why(FILE *f, const struct runner *r,
		      const struct expectation *e, unsigned blocked_by)
{
	if (e->kind == K_REJECT || e->kind == K_REJECT_RE) {
		fprintf(f, "violated by output line %zu: \"%s\"", e->hit_line,
			e->hit_text ? e->hit_text : "?");
	} else if (e->kind == K_BEFORE) {
		print_before_why(f, r, e);
	} else if (e->kind == K_EXIT && r->child.self_exit) {
		fputs("failed: the command exited ", f);
		print_status(f, r->child.status);
	} else if (e->kind == K_EXIT) {
		fputs("not met: the command did not exit by itself ", f);
		print_stop_phrase(f, r);
	} else if (e->kind == K_SEND && e->send_errno) {
		fprintf(f, "failed: cannot write to the command's stdin: %s",
			strerror(e->send_errno));
	} else {
		fputs("not met ", f);
		print_stop_phrase(f, r);
		if (e->kind == K_COUNT)
			fprintf(f, ": %lu of %lu lines matched", e->seen,
				e->need);
		if (blocked_by)
			fprintf(f, " (still waiting for expectation %u)",
				blocked_by);
	}
}

int report_verdict(const struct runner *r)
{
	const struct expectation *e;
	unsigned failed = 0, blocked = 0;
	double secs = util_now() - r->start;
	size_t i;

	if (r->builtin_hit) {
		fprintf(stderr,
			"qemu-run: FAIL: built-in reject \"%s\" "
			"matched output line %zu: \"%s\"\n",
			r->builtin_hit, r->builtin_line,
			r->builtin_text ? r->builtin_text : "?");
		failed++;
	}
	for (i = 0; i < r->plan->count; i++) {
		e = &r->plan->items[i];
		if (match_item_ok(r, e))
			continue;
		fprintf(stderr, "qemu-run: FAIL: expectation %u (", e->number);
		print_desc(stderr, e);
		fprintf(stderr, ", line %u of %s) ", e->src_line,
			r->plan->path);
		print_why(stderr, r, e, plan_is_ordered(e->kind) ? blocked : 0);
		fputc('\n', stderr);
		if (plan_is_ordered(e->kind) && !blocked)
			blocked = e->number;
		failed++;
	}
	if (r->stop == STOP_SIGNAL)
		fprintf(stderr, "qemu-run: interrupted by signal %d\n",
			child_term_signal());
	if (failed == 0 && r->stop != STOP_SIGNAL) {
		printf("qemu-run: PASS (%zu lines, %.1f s)\n", r->lines, secs);
		fflush(stdout);
		return EXIT_PASS;
	}
	fprintf(stderr, "qemu-run: FAIL (%u unmet, %zu lines, %.1f s)\n",
		failed, r->lines, secs);
	return EXIT_FAIL;
}
