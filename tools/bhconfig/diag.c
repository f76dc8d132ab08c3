// SPDX-License-Identifier: MIT
/*
 * Error collection. Every message has the form
 *   error: FILE:LINE: NODE: REASON
 * so that the user sees where, which node (a partition is /partitions/NAME)
 * and why. FILE:LINE is where the node (or the property at fault) was
 * written, from dtc's annotations; without them (a hand-made model in a
 * unit test, a node dtc made up) it is the config file alone. Errors are
 * gathered, not printed at once, so tests can compare them and the tool
 * can report all problems in one run; there is no limit on their number.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bhconfig.h"

static void add(struct config *c, char *msg)
{
	c->errors = vec_grow(c->errors, &c->errors_cap, c->nerrors + 1,
			     sizeof(*c->errors));
	c->errors[c->nerrors++] = msg;
}

static char *vformat(const char *fmt, va_list ap)
{
	va_list copy;
	int n;
	char *s;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	s = xmalloc(n > 0 ? (size_t)n + 1 : 1);
	vsnprintf(s, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
	return s;
}

const char *shown_file(const struct config *c, const char *file)
{
	if (c->source && !strcmp(file, c->source))
		return c->file;
	return file;
}

const char *display_path(const char *path)
{
	static char cwd[4096];
	size_t n;

	if (!cwd[0] && !getcwd(cwd, sizeof(cwd) - 1))
		return path;
	n = strlen(cwd);
	if (!strncmp(path, cwd, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

/* "FILE:LINE" of @key in the source table, or the config file. */
static char *where(const struct config *c, const char *key, bool last)
{
	const struct srcpos *s = srcpos_find(c, key);
	const struct srcpos_at *at = s ? (last ? &s->last : &s->first) : NULL;

	if (s && s->count)
		return xasprintf("%s:%d", display_path(shown_file(c, at->file)),
				 at->line);
	return xstrdup(c->file);
}

static void vdiag(struct config *c, const char *key, const char *node,
		  bool last, const char *fmt, va_list ap)
{
	char *reason = vformat(fmt, ap), *at = where(c, key, last);

	add(c, xasprintf("error: %s: %s: %s", at, node, reason));
	free(reason);
	free(at);
}

void diag(struct config *c, const char *node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(c, node, node, false, fmt, ap);
	va_end(ap);
}

void diag_last(struct config *c, const char *node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(c, node, node, true, fmt, ap);
	va_end(ap);
}

void diag_prop(struct config *c, const char *node, const char *prop,
	       const char *fmt, ...)
{
	char *key = xasprintf("%s:%s", node, prop);
	va_list ap;

	if (!srcpos_find(c, key)) {
		free(key);
		key = xstrdup(node);
	}
	va_start(ap, fmt);
	vdiag(c, key, node, true, fmt, ap);
	va_end(ap);
	free(key);
}

void diag_file(struct config *c, const char *fmt, ...)
{
	va_list ap;
	char *reason;

	va_start(ap, fmt);
	reason = vformat(fmt, ap);
	va_end(ap);
	add(c, xasprintf("error: %s: %s", c->file, reason));
	free(reason);
}

void diag_print(const struct config *c)
{
	for (int i = 0; i < c->nerrors; i++)
		fprintf(stderr, "%s\n", c->errors[i]);
}

void diag_free(struct config *c)
{
	for (int i = 0; i < c->nerrors; i++)
		free(c->errors[i]);
	free(c->errors);
	c->errors = NULL;
	c->nerrors = c->errors_cap = 0;
}
