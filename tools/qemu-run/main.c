// SPDX-License-Identifier: MIT
/*
 * qemu-run: host-side runner for Bulkhead's QEMU integration tests.  It runs
 * a command (normally qemu-system-aarch64) in its own process group with its
 * stdin fed from a pipe and its stdout and stderr merged into one pipe, reads
 * that output line by line (echoing it and optionally logging it), and checks
 * it against an expectation file: ordered expect / expect-re / send steps,
 * reject / reject-re lines, count and before checks, an optional required
 * exit status, and the built-in rejects "FAIL" and "panic" (untangle:
 * tagged lines that landed inside another writer's are taken out first).  The
 * run ends as soon as the verdict is known, on timeout, or when the runner is
 * signalled; the child's whole process group is then terminated (SIGTERM,
 * SIGKILL after 2 s) and reaped.  Exit status: 0 pass, 1 expectations not met,
 * 2 usage or I/O error.  This file holds the command line and the poll() loop;
 * plan.c reads the expectation file, child.c runs the command, match.c checks
 * its output and report.c explains the verdict.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "match.h"
#include "plan.h"
#include "report.h"
#include "util.h"

enum {
	DRAIN_MAX_READS = 256, /* bound on reads after the child exited */
};

/* ---- command line ----------------------------------------------------- */

struct options {
	const char *log_path;
	const char *expect_path;
	double timeout;
	bool timeout_set;
	bool quiet;
	char **command;
};

static int usage_error(const char *msg, const char *arg)
{
	if (msg)
		fprintf(stderr, "qemu-run: %s%s\n", msg, arg ? arg : "");
	fputs("usage: qemu-run [--log FILE] [--timeout SECONDS] [--quiet] "
	      "EXPECT_FILE -- COMMAND [ARGS...]\n",
	      stderr);
	return -1;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc && !o->command; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;

		if (strcmp(a, "--") == 0)
			o->command = &argv[i + 1];
		else if (strcmp(a, "--quiet") == 0)
			o->quiet = true;
		else if (strcmp(a, "--log") == 0 && has_value)
			o->log_path = argv[++i];
		else if (strcmp(a, "--timeout") == 0 && has_value) {
			if (!plan_parse_seconds(argv[++i], &o->timeout))
				return usage_error("bad --timeout value: ",
						   argv[i]);
			o->timeout_set = true;
		} else if (strcmp(a, "--log") == 0 ||
			   strcmp(a, "--timeout") == 0)
			return usage_error("missing value for ", a);
		else if (a[0] == '-' && a[1] != '\0')
			return usage_error("unknown option ", a);
		else if (!o->expect_path)
			o->expect_path = a;
		else
			return usage_error("unexpected argument ", a);
	}
	if (!o->expect_path)
		return usage_error("missing EXPECT_FILE", NULL);
	if (!o->command || !o->command[0])
		return usage_error("missing '-- COMMAND'", NULL);
	return 0;
}

/* ---- main loop -------------------------------------------------------- */

static void on_output_end(struct runner *r)
{
	if (r->len > 0 && r->stop == STOP_NONE)
		match_finish_line(r);
	close(r->child.out_fd);
	r->child.out_fd = -1;
	if (r->stop != STOP_NONE || r->plan->has_exit)
		return;
	/* nothing more can be matched: decide now */
	child_reap(&r->child);
	match_stop(r, r->child.reaped ? STOP_EXITED : STOP_EOF);
}

/* Read once: 1 data read, 0 output ended, -1 nothing available now. */
static int read_output(struct runner *r)
{
	char chunk[RUN_LINE_MAX];
	ssize_t n;

	do
		n = read(r->child.out_fd, chunk, sizeof(chunk));
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		match_feed(r, chunk, (size_t)n);
		return 1;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return -1;
	if (n < 0)
		fprintf(stderr, "qemu-run: reading command output: %s\n",
			strerror(errno));
	on_output_end(r);
	return 0;
}

static void on_sig_event(struct runner *r)
{
	int i;

	child_drain_signals(r->child.sig_fd);
	if (child_term_signal() || r->child.reaped)
		return;
	child_reap(&r->child);
	if (!r->child.reaped)
		return;
	/* the command exited: take what is left in the pipe, then decide */
	for (i = 0; i < DRAIN_MAX_READS && r->child.out_fd >= 0 &&
		    r->stop == STOP_NONE;
	     i++)
		if (read_output(r) < 0)
			break;
	if (r->stop == STOP_NONE)
		match_stop(r, STOP_EXITED);
}

static void run_loop(struct runner *r)
{
	struct pollfd fds[2];
	nfds_t n;
	int ms, rc;

	match_run_sends(r);
	match_check_all_met(r);
	while (r->stop == STOP_NONE) {
		if (child_term_signal()) {
			match_stop(r, STOP_SIGNAL);
			break;
		}
		ms = util_ms_until(r->deadline);
		if (ms <= 0) {
			match_stop(r, STOP_TIMEOUT);
			break;
		}
		fds[0].fd = r->child.sig_fd;
		fds[0].events = POLLIN;
		fds[0].revents = 0;
		fds[1].fd = r->child.out_fd;
		fds[1].events = POLLIN;
		fds[1].revents = 0;
		n = r->child.out_fd >= 0 ? 2 : 1;
		rc = poll(fds, n, ms);
		if (rc < 0 && errno != EINTR) {
			perror("qemu-run: poll");
			match_stop(r, STOP_IO);
		}
		if (rc <= 0)
			continue;
		if (fds[0].revents)
			on_sig_event(r);
		if (r->stop == STOP_NONE && n == 2 && r->child.out_fd >= 0 &&
		    fds[1].revents)
			(void)read_output(r);
	}
}

/* ---- main ------------------------------------------------------------- */

/* Make sure fds 0-2 are open so that pipes never land on them. */
static void ensure_std_fds(void)
{
	int fd;

	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF)
			(void)open("/dev/null", O_RDWR);
}

static int open_log(struct runner *r, const char *path)
{
	if (!path)
		return 0;
	r->log = fopen(path, "w");
	if (!r->log) {
		fprintf(stderr, "qemu-run: cannot open log %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	util_set_fd_flags(fileno(r->log), true, false);
	return 0;
}

static int close_log(struct runner *r, const char *path)
{
	int bad;

	if (!r->log)
		return 0;
	bad = ferror(r->log);
	bad |= fclose(r->log);
	r->log = NULL;
	if (bad)
		fprintf(stderr, "qemu-run: error writing log %s\n", path);
	return bad ? -1 : 0;
}

static int run(struct runner *r, const struct options *o)
{
	int rc;

	r->start = util_now();
	r->deadline = r->start + r->timeout;
	if (child_install_signals(&r->child.sig_fd) < 0) {
		perror("qemu-run: signal setup");
		return EXIT_ERROR;
	}
	rc = child_spawn(&r->child, o->command);
	if (rc == -1)
		perror("qemu-run: cannot start command");
	if (rc == 0)
		run_loop(r);
	child_terminate(&r->child);
	if (r->child.in_fd >= 0)
		close(r->child.in_fd);
	if (r->child.out_fd >= 0)
		close(r->child.out_fd);
	if (rc != 0)
		return EXIT_ERROR;
	return report_verdict(r);
}

int main(int argc, char **argv)
{
	struct options opt;
	struct plan plan;
	struct runner *r;
	int rc = EXIT_ERROR, sig;

	ensure_std_fds();
	memset(&plan, 0, sizeof(plan));
	if (parse_args(argc, argv, &opt) < 0 ||
	    plan_load(&plan, opt.expect_path) < 0) {
		plan_free(&plan);
		return EXIT_ERROR;
	}
	r = util_xrealloc(NULL, sizeof(*r));
	memset(r, 0, sizeof(*r));
	r->plan = &plan;
	r->quiet = opt.quiet;
	r->child.in_fd = r->child.out_fd = r->child.sig_fd = -1;
	r->timeout = opt.timeout_set ? opt.timeout : plan.timeout;
	if (open_log(r, opt.log_path) == 0) {
		rc = run(r, &opt);
		if (close_log(r, opt.log_path) < 0)
			rc = EXIT_ERROR;
	}
	free(r->builtin_text);
	free(r);
	plan_free(&plan);
	sig = child_term_signal();
	if (sig) {
		/* die by the same signal so callers see the interruption */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return rc;
}
