// SPDX-License-Identifier: MIT
/*
 * bhcheck's small helpers: ranges with overflow-checked ends, growable
 * arrays, formatted strings, the failure report and the order in which
 * the parts of the check run. Written for the
 * checker alone (bhconfig has its own), so a slip in one tool's
 * arithmetic cannot hide the same slip in the other.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhcheck.h"

bool range_end(struct range r, uint64_t *end)
{
	return !__builtin_add_overflow(r.base, r.size, end);
}

bool ranges_meet(struct range a, struct range b)
{
	if (!a.size || !b.size)
		return false;
	return a.base >= b.base ? a.base - b.base < b.size
				: b.base - a.base < a.size;
}

bool range_within(struct range in, struct range out)
{
	return in.base >= out.base && in.base - out.base <= out.size &&
	       in.size <= out.size - (in.base - out.base);
}

void *grow(void *arr, int *cap, int need, size_t size)
{
	int n = *cap ? *cap : 8;

	if (need <= *cap)
		return arr;
	while (n < need)
		n *= 2;
	arr = realloc(arr, (size_t)n * size);
	if (!arr) {
		fprintf(stderr, "bhcheck: out of memory\n");
		exit(2);
	}
	memset((char *)arr + (size_t)*cap * size, 0, (size_t)(n - *cap) * size);
	*cap = n;
	return arr;
}

char *fmt(const char *f, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, f);
	n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	s = malloc(n > 0 ? (size_t)n + 1 : 1);
	if (!s) {
		fprintf(stderr, "bhcheck: out of memory\n");
		exit(2);
	}
	va_start(ap, f);
	vsnprintf(s, n > 0 ? (size_t)n + 1 : 1, f, ap);
	va_end(ap);
	return s;
}

void check_fail(struct check *k, const char *node, const char *f, ...)
{
	va_list ap;
	char *reason, *msg;
	int n;

	va_start(ap, f);
	n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	reason = malloc(n > 0 ? (size_t)n + 1 : 1);
	if (!reason)
		exit(2);
	va_start(ap, f);
	vsnprintf(reason, n > 0 ? (size_t)n + 1 : 1, f, ap);
	va_end(ap);
	msg = fmt("error: %s: %s: bhcheck: %s", k->config, node, reason);
	free(reason);
	if (!k->quiet)
		fprintf(stderr, "%s\n", msg);
	k->msgs = grow(k->msgs, &k->msgs_cap, k->nmsgs + 1, sizeof(*k->msgs));
	k->msgs[k->nmsgs++] = msg;
	k->failures++;
}

void check_run(struct check *k, const void *config, const void *platform)
{
	if (tables_read(k) || want_read(k, config, platform))
		return;
	prove_all(k);
	match_all(k);
	vdev_check(k);
	for (uint32_t p = 0; p < k->h.nparts && p < (uint32_t)k->w.nparts; p++)
		guest_check(k, (int)p);
}

void check_free(struct check *k)
{
	tables_free(&k->h);
	want_free(&k->w);
	for (int i = 0; i < k->nmsgs; i++)
		free(k->msgs[i]);
	free(k->msgs);
	k->msgs = NULL;
	k->nmsgs = k->msgs_cap = 0;
}
