// SPDX-License-Identifier: MIT
/*
 * qemu-run helpers shared by every module: the exit statuses of the tool,
 * ARRAY_LEN, allocation that exits on failure, the monotonic clock and
 * poll() timeouts derived from it, and file descriptor flags.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

enum {
	EXIT_PASS = 0,
	EXIT_FAIL = 1,
	EXIT_ERROR = 2,
};

/** realloc() that never returns NULL: exits with EXIT_ERROR instead. */
void *util_xrealloc(void *p, size_t n);

/** strdup() through util_xrealloc(). */
char *util_xstrdup(const char *s);

/** Monotonic time in seconds. */
double util_now(void);

/** Milliseconds until deadline for poll(), 0 once it has passed. */
int util_ms_until(double deadline);

/** Set FD_CLOEXEC and/or O_NONBLOCK on fd (never clears them). */
void util_set_fd_flags(int fd, bool cloexec, bool nonblock);
