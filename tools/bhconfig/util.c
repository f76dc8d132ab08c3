// SPDX-License-Identifier: MIT
/*
 * Allocation, growable arrays and formatted strings for bhconfig. Running
 * out of memory is not something a config can be blamed for: the tool
 * says so and stops.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

static _Noreturn void out_of_memory(void)
{
	fprintf(stderr, "bhconfig: out of memory\n");
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		out_of_memory();
	s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

void *vec_grow(void *arr, int *cap, int need, size_t size)
{
	size_t bytes;
	int n = *cap ? *cap : 8;

	if (need <= *cap)
		return arr;
	while (n < need) {
		if (n > (1 << 29))
			out_of_memory();
		n *= 2;
	}
	if (__builtin_mul_overflow((size_t)n, size, &bytes))
		out_of_memory();
	arr = realloc(arr, bytes);
	if (!arr)
		out_of_memory();
	memset((char *)arr + (size_t)*cap * size, 0, (size_t)(n - *cap) * size);
	*cap = n;
	return arr;
}

/* The whole of @path, at most @max bytes (NUL-terminated); NULL if not. */
char *read_whole(const char *path, uint64_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf = NULL;

	if (!f)
		return NULL;
	if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode) && st.st_size >= 0 &&
	    (uint64_t)st.st_size <= max) {
		buf = xmalloc((size_t)st.st_size + 1);
		*len = fread(buf, 1, (size_t)st.st_size, f);
		if (*len != (size_t)st.st_size) {
			free(buf);
			buf = NULL;
		} else {
			buf[*len] = 0;
		}
	}
	fclose(f);
	return buf;
}
