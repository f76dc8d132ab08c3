// SPDX-License-Identifier: MIT
/*
 * Error collection. Every message has the form
 *   error: FILE: NODE: REASON
 * so that the user sees which config, which node (a partition is
 * /partitions/NAME) and why. Errors are gathered, not printed at once, so
 * tests can compare them and the tool can report all problems in one run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "bhconfig.h"

void diag(struct config *c, const char *node, const char *fmt, ...)
{
	char reason[512];
	char *msg;
	va_list ap;
	int n;

	if (c->nerrors == MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	n = snprintf(NULL, 0, "error: %s: %s: %s", c->file, node, reason);
	msg = malloc((size_t)n + 1);
	if (!msg)
		abort();
	snprintf(msg, (size_t)n + 1, "error: %s: %s: %s", c->file, node,
		 reason);
	c->errors[c->nerrors++] = msg;
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
	c->nerrors = 0;
}
