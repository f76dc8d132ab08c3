// SPDX-License-Identifier: MIT
/*
 * Small helpers of qemu-run that belong to no particular stage: allocation
 * that gives up with EXIT_ERROR on out-of-memory, the monotonic clock used
 * for timeouts and report timings, the conversion of a deadline into a
 * poll() timeout, and setting close-on-exec / non-blocking on descriptors.
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

double util_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Milliseconds until deadline for poll(), 0 once it has passed. */
int util_ms_until(double deadline)
{
	double left = deadline - util_now();

	if (left <= 0.0)
		return 0;
	if (left > 1e6)
		left = 1e6;
	return (int)(left * 1000.0) + 1;
}

void *util_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("qemu-run: out of memory\n", stderr);
		exit(EXIT_ERROR);
	}
	return q;
}

char *util_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = util_xrealloc(NULL, n);

	memcpy(d, s, n);
	return d;
}

void util_set_fd_flags(int fd, bool cloexec, bool nonblock)
{
	if (cloexec)
		(void)fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
	if (nonblock)
		(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}
