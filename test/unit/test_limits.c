// SPDX-License-Identifier: MIT
/*
 * cpp and dtc run under limits (tools/bhconfig/dtc.c, run_limited()): a
 * child that runs out of time (CPU or wall clock), whose output grows past
 * its limit, or that dies by a signal is stopped with one clear error;
 * otherwise what it printed on stderr is passed on unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "bhconfig.h"

static const struct limits tight = {
	.cpu_s = 1, .wall_s = 2, .mem = 256ULL << 20, .out = 1ULL << 20
};

static int run(const char *script, const char *out, struct config *c)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };

	memset(c, 0, sizeof(*c));
	c->file = "t.dts";
	return run_limited(c, argv, &tight, out);
}

static void expect_error(const char *script, const char *out, int rc,
			 const char *want)
{
	struct config c;

	assert_int_equal(run(script, out, &c), rc);
	assert_int_equal(c.nerrors, 1);
	assert_string_equal(c.errors[0], want);
	diag_free(&c);
}

static void wall_clock(void **state)
{
	(void)state;
	expect_error(
		"sleep 30", NULL, -1,
		"error: t.dts: sh ran out of time (limits: 1 s of CPU, 2 s in all): is something in the config expanding without end?");
}

static void cpu_time(void **state)
{
	(void)state;
	expect_error(
		"while :; do :; done", NULL, -1,
		"error: t.dts: sh ran out of time (limits: 1 s of CPU, 2 s in all): is something in the config expanding without end?");
}

static void output_size(void **state)
{
	char out[] = "/tmp/bh-limits-XXXXXX", *script;
	int fd = mkstemp(out);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	script = xasprintf("head -c 3000000 /dev/zero > %s", out);
	expect_error(
		script, out, -1,
		"error: t.dts: sh's output grew beyond the limit of 1 MiB: is something in the config expanding without end?");
	free(script);
	unlink(out);
}

static void killed(void **state)
{
	(void)state;
	expect_error(
		"kill -SEGV $$", NULL, -1,
		"error: t.dts: sh was stopped by signal 11 (its memory limit is 256 MiB)");
}

/* A plain failure: no error of ours, the child's own words passed on. */
static void plain_failure(void **state)
{
	char log[] = "/tmp/bh-stderr-XXXXXX", buf[64] = { 0 };
	int fd = mkstemp(log), saved = dup(2);
	struct config c;
	FILE *f;

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, 2);
	assert_int_equal(
		run("echo syntax error at line 3 >&2; exit 1", NULL, &c), 1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	assert_int_equal(c.nerrors, 0);
	f = fopen(log, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	unlink(log);
	assert_string_equal(buf, "syntax error at line 3\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wall_clock),	 cmocka_unit_test(cpu_time),
		cmocka_unit_test(output_size),	 cmocka_unit_test(killed),
		cmocka_unit_test(plain_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
