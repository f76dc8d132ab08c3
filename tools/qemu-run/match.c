// SPDX-License-Identifier: MIT
/*
 * Matching the command's output against the plan.  Bytes are cut into lines
 * (a trailing CR dropped, NULs made spaces, lines longer than RUN_LINE_MAX
 * split), each line is echoed and logged, then checked (untangled first
 * if the plan says untangle, process_untangled()) in a fixed order:
 * rejects and the built-in rejects first, then count and before checks,
 * then the next ordered step.  Meeting an expect step writes the send steps
 * that follow it to the command's stdin.  The first event that decides the
 * verdict records why the run stops; match_item_ok() tells whether one
 * expectation is satisfied.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "match.h"
#include "util.h"

static const char *const builtin_rejects[] = { "FAIL", "panic" };

static bool matches(const struct expectation *e, const char *line)
{
	if (e->has_re)
		return regexec(&e->re, line, 0, NULL, 0) == 0;
	return strstr(line, e->text) != NULL;
}

bool match_stop(struct runner *r, enum stop_reason why)
{
	r->stop = why;
	r->stop_line = r->lines;
	return true;
}

bool match_item_ok(const struct runner *r, const struct expectation *e)
{
	switch (e->kind) {
	case K_EXPECT:
	case K_EXPECT_RE:
	case K_SEND:
		return e->met;
	case K_REJECT:
	case K_REJECT_RE:
		return e->hit_line == 0;
	case K_COUNT:
		return e->seen >= e->need;
	case K_BEFORE:
		return e->first_a && e->first_b && e->first_a < e->first_b;
	case K_EXIT:
		return r->child.self_exit && WIFEXITED(r->child.status) &&
		       WEXITSTATUS(r->child.status) == e->exit_code;
	default:
		return false;
	}
}

/* Without 'exit', stop as soon as everything is satisfied. */
void match_check_all_met(struct runner *r)
{
	size_t i;

	if (r->plan->has_exit || r->stop != STOP_NONE || r->builtin_hit)
		return;
	for (i = 0; i < r->plan->count; i++)
		if (!match_item_ok(r, &r->plan->items[i]))
			return;
	r->stop = STOP_ALL_MET;
}

static struct expectation *next_ordered(struct runner *r)
{
	struct expectation *e;

	while (r->cursor < r->plan->count) {
		e = &r->plan->items[r->cursor];
		if (plan_is_ordered(e->kind) && !e->met)
			return e;
		r->cursor++;
	}
	return NULL;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode \n, \r, \t, \\ and \xHH (a control key) in a send text and
 * append a newline. */
static size_t decode_send(const char *s, char *out)
{
	size_t n = 0;
	char c;

	while (*s) {
		if (s[0] != '\\' || s[1] == '\0') {
			out[n++] = *s++;
			continue;
		}
		if (s[1] == 'x' && hex_digit(s[2]) >= 0 &&
		    hex_digit(s[3]) >= 0) {
			out[n++] =
				(char)(hex_digit(s[2]) * 16 + hex_digit(s[3]));
			s += 4;
			continue;
		}
		c = s[1];
		s += 2;
		if (c == 'n')
			c = '\n';
		else if (c == 'r')
			c = '\r';
		else if (c == 't')
			c = '\t';
		else if (c != '\\')
			out[n++] = '\\';
		out[n++] = c;
	}
	out[n++] = '\n';
	return n;
}

/* Write a send step to the child's stdin; returns 0 or an errno. */
static int send_text(int fd, const char *text)
{
	char *buf = util_xrealloc(NULL, strlen(text) + 2);
	size_t n = decode_send(text, buf);
	const char *p = buf;
	ssize_t w;
	int err = 0;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			err = errno;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	free(buf);
	return err;
}

void match_run_sends(struct runner *r)
{
	struct expectation *e;

	while (r->stop == STOP_NONE) {
		e = next_ordered(r);
		if (!e || e->kind != K_SEND)
			return;
		e->send_errno = send_text(r->child.in_fd, e->text);
		if (e->send_errno) {
			match_stop(r, STOP_SEND);
			return;
		}
		e->met = true;
	}
}

static bool check_rejects(struct runner *r, const char *line)
{
	struct expectation *e;
	size_t i;

	for (i = 0; i < r->plan->count; i++) {
		e = &r->plan->items[i];
		if ((e->kind == K_REJECT || e->kind == K_REJECT_RE) &&
		    matches(e, line)) {
			e->hit_line = r->lines;
			e->hit_text = strdup(line);
			return match_stop(r, STOP_REJECT);
		}
	}
	for (i = 0; r->plan->builtin_rejects && i < ARRAY_LEN(builtin_rejects);
	     i++) {
		if (strstr(line, builtin_rejects[i])) {
			r->builtin_hit = builtin_rejects[i];
			r->builtin_line = r->lines;
			r->builtin_text = strdup(line);
			return match_stop(r, STOP_REJECT);
		}
	}
	return false;
}

/* Update count and before checks; a violated 'before' stops the run. */
static bool update_unordered(struct runner *r, const char *line)
{
	struct expectation *e;
	size_t i;

	for (i = 0; i < r->plan->count; i++) {
		e = &r->plan->items[i];
		if (e->kind == K_COUNT && matches(e, line))
			e->seen++;
		if (e->kind != K_BEFORE)
			continue;
		if (!e->first_a && strstr(line, e->text))
			e->first_a = r->lines;
		if (e->first_b || !strstr(line, e->text_b))
			continue;
		e->first_b = r->lines;
		if (!e->first_a || e->first_a >= e->first_b)
			return match_stop(r, STOP_ORDER);
	}
	return false;
}

static void process_line(struct runner *r, const char *line)
{
	struct expectation *e;

	if (check_rejects(r, line) || update_unordered(r, line))
		return;
	e = next_ordered(r);
	if (e && e->kind != K_SEND && matches(e, line)) {
		e->met = true;
		match_run_sends(r);
	}
	match_check_all_met(r);
}

/* Where a line of one of the plan's untangle tags starts inside @line
 * (not at its start), or 0. */
static size_t tangled_at(const struct plan *p, const char *line)
{
	for (const char *at = strchr(line + 1, '['); at && *at;
	     at = strchr(at + 1, '[')) {
		for (size_t i = 0; i < p->nuntangle; i++) {
			size_t n = strlen(p->untangle[i]);

			if (!strncmp(at + 1, p->untangle[i], n) &&
			    !strncmp(at + 1 + n, "] ", 2))
				return (size_t)(at - line);
		}
	}
	return 0;
}

/*
 * Check @line, untangled (plan directive untangle): the start of a line
 * that a whole tagged line interrupted is held and joined with what
 * follows, which is the rest of it; the tagged line is checked on its own.
 * The log keeps the output as it came.
 */
static void process_untangled(struct runner *r, const char *line)
{
	char joined[2 * RUN_LINE_MAX + 1];
	size_t n, at;

	n = (size_t)snprintf(joined, sizeof(joined), "%.*s%s",
			     (int)r->carry_len, r->carry, line);
	r->carry_len = 0;
	at = tangled_at(r->plan, joined);
	if (at && at <= RUN_LINE_MAX) {
		/* the held start without the CR its writer may have sent
		 * before the tagged line came */
		memcpy(r->carry, joined, at);
		r->carry_len = at;
		while (r->carry_len && r->carry[r->carry_len - 1] == '\r')
			r->carry_len--;
		process_line(r, joined + at);
		return;
	}
	while (n && joined[n - 1] == '\r')
		joined[--n] = '\0';
	process_line(r, joined);
}

void match_finish_line(struct runner *r)
{
	size_t len = r->len, i;

	while (len > 0 && r->buf[len - 1] == '\r')
		len--;
	for (i = 0; i < len; i++)
		if (r->buf[i] == '\0')
			r->buf[i] = ' ';
	r->buf[len] = '\0';
	r->len = 0;
	r->split_pending = false;
	r->lines++;
	if (!r->quiet) {
		fputs(r->buf, stdout);
		fputc('\n', stdout);
		fflush(stdout);
	}
	if (r->log) {
		fputs(r->buf, r->log);
		fputc('\n', r->log);
		fflush(r->log);
	}
	if (r->plan->nuntangle)
		process_untangled(r, r->buf);
	else
		process_line(r, r->buf);
}

void match_feed(struct runner *r, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && r->stop == STOP_NONE; i++) {
		if (p[i] == '\n') {
			/* newline right after a split: already ended */
			if (r->len == 0 && r->split_pending)
				r->split_pending = false;
			else
				match_finish_line(r);
			continue;
		}
		r->split_pending = false;
		r->buf[r->len++] = p[i];
		if (r->len == RUN_LINE_MAX) {
			match_finish_line(r);
			r->split_pending = true;
		}
	}
}
