/* SPDX-License-Identifier: MIT */
/*
 * The few libc-like helpers the freestanding core needs. On the host
 * (unit tests, config tool) the same names come from the C library.
 */
#pragma once

#include <stdarg.h>
#include <bulkhead/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
size_t strlen(const char *s);
/* Guests only (partitions/runtime/cmp.c): not in the core. */
int memcmp(const void *a, const void *b, size_t n);
int strcmp(const char *a, const char *b);

/**
 * Minimal vsnprintf: %s %c %d %u %x %lx %lu %ld %llx %p and %%, with an
 * optional '0' flag and field width (e.g. %08lx, %-8s). Always terminates
 * @buf; returns the number of characters stored (not counting the NUL).
 */
size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
