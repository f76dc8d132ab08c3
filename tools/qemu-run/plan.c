// SPDX-License-Identifier: MIT
/*
 * The expectation file of qemu-run.  plan_load() reads it line by line:
 * blank lines and '#' comments are skipped, every other line is a directive
 * and its argument (timeout, allow-builtin-rejects, untangle, expect,
 * expect-re, send, reject, reject-re, count, before, exit), checked as it
 * is read so that a mistake is reported as FILE:LINE: REASON before the
 * command is started.
 * Regular expressions are compiled here (POSIX extended), numbers are
 * range-checked, and each step or check becomes one struct expectation.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "util.h"

#define DEFAULT_TIMEOUT_S 60.0
#define MAX_TIMEOUT_S 1e7

static bool parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

bool plan_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (!isdigit((unsigned char)*s) && *s != '.')
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v > 0.0) || v > MAX_TIMEOUT_S)
		return false;
	*out = v;
	return true;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]))
		e--;
	*e = '\0';
	return s;
}

__attribute__((format(printf, 3, 4))) static int
syntax_error(const struct plan *p, unsigned line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%u: ", p->path, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static struct expectation *add_item(struct plan *p, enum kind kind,
				    unsigned src_line)
{
	struct expectation *e;

	if (p->count == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->items = util_xrealloc(p->items, p->cap * sizeof(*p->items));
	}
	e = &p->items[p->count++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->number = (unsigned)p->count;
	e->src_line = src_line;
	return e;
}

static int parse_timeout(struct plan *p, enum kind kind, char *arg,
			 unsigned line)
{
	(void)kind;
	if (p->timeout_set)
		return syntax_error(p, line, "duplicate 'timeout'");
	if (!plan_parse_seconds(arg, &p->timeout))
		return syntax_error(p, line,
				    "bad timeout '%s' (positive "
				    "number of seconds expected)",
				    arg);
	p->timeout_set = true;
	return 0;
}

static int parse_allow(struct plan *p, enum kind kind, char *arg, unsigned line)
{
	(void)kind;
	if (strcmp(arg, "no") == 0)
		p->builtin_rejects = false;
	else if (strcmp(arg, "yes") == 0)
		p->builtin_rejects = true;
	else
		return syntax_error(p, line,
				    "allow-builtin-rejects takes "
				    "'yes' or 'no', not '%s'",
				    arg);
	return 0;
}

/*
 * untangle TAG...: lines that start "[TAG] " are written whole and at once
 * (the core's console), but may land inside a line that another writer
 * (Linux, owning the same UART) is still writing. Matching then takes such
 * a line out of the other one where it starts and joins the rest again.
 */
static int parse_untangle(struct plan *p, enum kind kind, char *arg,
			  unsigned line)
{
	char *save = NULL;

	(void)kind;
	for (char *t = strtok_r(arg, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save)) {
		if (strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789_-") !=
		    strlen(t))
			return syntax_error(p, line,
					    "untangle: bad tag '%s' (a-z, 0-9, "
					    "_ and - only)",
					    t);
		p->untangle = util_xrealloc(
			p->untangle, (p->nuntangle + 1) * sizeof(char *));
		p->untangle[p->nuntangle++] = util_xstrdup(t);
	}
	return 0;
}

static int parse_text(struct plan *p, enum kind kind, char *arg, unsigned line)
{
	add_item(p, kind, line)->text = util_xstrdup(arg);
	return 0;
}

static int parse_regex(struct plan *p, enum kind kind, char *arg, unsigned line)
{
	struct expectation *e = add_item(p, kind, line);
	char msg[256];
	int rc;

	e->text = util_xstrdup(arg);
	rc = regcomp(&e->re, arg, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &e->re, msg, sizeof(msg));
		return syntax_error(p, line, "bad regular expression '%s': %s",
				    arg, msg);
	}
	e->has_re = true;
	return 0;
}

static int parse_count(struct plan *p, enum kind kind, char *arg, unsigned line)
{
	char *text = arg + strcspn(arg, " \t");
	unsigned long n;
	struct expectation *e;

	if (*text)
		*text++ = '\0';
	text = trim(text);
	if (!parse_ulong(arg, 1000000000UL, &n) || n == 0)
		return syntax_error(p, line,
				    "bad count '%s' (positive "
				    "integer expected)",
				    arg);
	if (*text == '\0')
		return syntax_error(p, line, "count needs N and TEXT");
	e = add_item(p, kind, line);
	e->need = n;
	e->text = util_xstrdup(text);
	return 0;
}

static int parse_before(struct plan *p, enum kind kind, char *arg,
			unsigned line)
{
	char *sep = strstr(arg, "|||");
	char *a, *b;
	struct expectation *e;

	if (!sep)
		return syntax_error(p, line, "before needs 'A ||| B'");
	*sep = '\0';
	a = trim(arg);
	b = trim(sep + 3);
	if (*a == '\0' || *b == '\0')
		return syntax_error(p, line, "before needs non-empty A and B");
	e = add_item(p, kind, line);
	e->text = util_xstrdup(a);
	e->text_b = util_xstrdup(b);
	return 0;
}

static int parse_exit(struct plan *p, enum kind kind, char *arg, unsigned line)
{
	unsigned long code;

	if (p->has_exit)
		return syntax_error(p, line, "duplicate 'exit'");
	if (!parse_ulong(arg, 255, &code))
		return syntax_error(p, line,
				    "bad exit code '%s' (0-255 "
				    "expected)",
				    arg);
	add_item(p, kind, line)->exit_code = (int)code;
	p->has_exit = true;
	return 0;
}

struct directive {
	const char *name;
	enum kind kind;
	int (*parse)(struct plan *p, enum kind kind, char *arg, unsigned line);
};

static const struct directive directives[] = {
	{ "timeout", K_EXPECT, parse_timeout },
	{ "allow-builtin-rejects", K_EXPECT, parse_allow },
	{ "untangle", K_EXPECT, parse_untangle },
	{ "expect", K_EXPECT, parse_text },
	{ "expect-re", K_EXPECT_RE, parse_regex },
	{ "send", K_SEND, parse_text },
	{ "reject", K_REJECT, parse_text },
	{ "reject-re", K_REJECT_RE, parse_regex },
	{ "count", K_COUNT, parse_count },
	{ "before", K_BEFORE, parse_before },
	{ "exit", K_EXIT, parse_exit },
};

static int parse_line(struct plan *p, char *raw, unsigned line)
{
	char *word = trim(raw);
	char *arg;
	size_t i;

	if (*word == '\0' || *word == '#')
		return 0;
	arg = word + strcspn(word, " \t");
	if (*arg)
		*arg++ = '\0';
	arg = trim(arg);
	for (i = 0; i < ARRAY_LEN(directives); i++) {
		if (strcmp(word, directives[i].name) != 0)
			continue;
		if (*arg == '\0')
			return syntax_error(p, line, "'%s' needs an argument",
					    word);
		return directives[i].parse(p, directives[i].kind, arg, line);
	}
	return syntax_error(p, line, "unknown directive '%s'", word);
}

int plan_load(struct plan *p, const char *path)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	int rc = 0;

	p->path = path;
	p->timeout = DEFAULT_TIMEOUT_S;
	p->builtin_rejects = true;
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "qemu-run: cannot open %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, f) >= 0)
		rc = parse_line(p, line, ++lineno);
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, "qemu-run: cannot read %s\n", path);
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}

void plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->count; i++) {
		struct expectation *e = &p->items[i];

		if (e->has_re)
			regfree(&e->re);
		free(e->text);
		free(e->text_b);
		free(e->hit_text);
	}
	free(p->items);
	for (i = 0; i < p->nuntangle; i++)
		free(p->untangle[i]);
	free(p->untangle);
}

bool plan_is_ordered(enum kind k)
{
	return k == K_EXPECT || k == K_EXPECT_RE || k == K_SEND;
}
