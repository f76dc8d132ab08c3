// SPDX-License-Identifier: MIT
/*
 * The command qemu-run runs, and the runner's own signals.  The command is
 * forked into its own process group with its stdin fed from a pipe and its
 * stdout and stderr merged into one pipe; an exec failure is reported back
 * through a close-on-exec pipe.  SIGCHLD, SIGINT, SIGTERM and SIGHUP only
 * write a byte to a self-pipe (and remember a terminating signal), so the
 * main loop can poll() for them next to the output.  When the run ends the
 * whole group is sent SIGTERM, SIGKILL after a grace period, and reaped,
 * including grandchildren adopted as a child subreaper on Linux.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "child.h"
#include "util.h"

#define KILL_GRACE_S 2.0
#define REAP_GRACE_S 1.0

enum {
	GROUP_POLL_MS = 50,
};

/* Signal handling state: the only global mutable state of qemu-run. */
static int sig_pipe_wr = -1;
static volatile sig_atomic_t term_signal;

static void on_signal(int sig)
{
	int saved = errno;
	char c = 0;

	if (sig != SIGCHLD)
		term_signal = sig;
	if (sig_pipe_wr >= 0 && write(sig_pipe_wr, &c, 1) < 0) {
		/* pipe full: a wake-up is already pending */
	}
	errno = saved;
}

int child_term_signal(void)
{
	return term_signal;
}

int child_install_signals(int *sig_rd)
{
	static const int caught[] = { SIGCHLD, SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;
	int fds[2];
	size_t i;

	if (pipe(fds) < 0)
		return -1;
	util_set_fd_flags(fds[0], true, true);
	util_set_fd_flags(fds[1], true, true);
	sig_pipe_wr = fds[1];
	*sig_rd = fds[0];
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	for (i = 0; i < ARRAY_LEN(caught); i++) {
		/* keep SIGINT/SIGHUP ignored if we were started that way */
		if (sigaction(caught[i], NULL, &old) < 0)
			return -1;
		if (caught[i] != SIGCHLD && caught[i] != SIGTERM &&
		    old.sa_handler == SIG_IGN)
			continue;
		sa.sa_handler = on_signal;
		if (sigaction(caught[i], &sa, NULL) < 0)
			return -1;
	}
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	return sigaction(SIGPIPE, &sa, NULL);
}

/* In the forked child: set up stdio, group and signals, then exec. */
static void child_exec(int in_fd, int out_fd, int err_fd, char **argv,
		       const sigset_t *mask, pid_t parent)
{
	static const int reset[] = { SIGCHLD, SIGINT, SIGTERM, SIGHUP,
				     SIGPIPE };
	struct sigaction sa;
	size_t i;
	int err;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	for (i = 0; i < ARRAY_LEN(reset); i++)
		(void)sigaction(reset[i], &sa, NULL);
	(void)setpgid(0, 0);
#ifdef PR_SET_PDEATHSIG
	/* if the runner dies without cleaning up, take the command along */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
#else
	(void)parent;
#endif
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (dup2(in_fd, 0) >= 0 && dup2(out_fd, 1) >= 0 && dup2(out_fd, 2) >= 0)
		execvp(argv[0], argv);
	err = errno;
	if (write(err_fd, &err, sizeof(err)) < 0) {
		/* nothing more we can do */
	}
	_exit(127);
}

/* After fork: wait for exec to succeed; returns 0, or the exec errno. */
static int wait_exec(int err_fd)
{
	int err = 0;
	ssize_t n;

	do
		n = read(err_fd, &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(err) ? err : 0;
}

int child_spawn(struct child *c, char **argv)
{
	int in_p[2], out_p[2], err_p[2], err, i;
	pid_t self = getpid();
	sigset_t all, old;

	if (pipe(in_p) < 0 || pipe(out_p) < 0 || pipe(err_p) < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		util_set_fd_flags(in_p[i], true, false);
		util_set_fd_flags(out_p[i], true, false);
		util_set_fd_flags(err_p[i], true, false);
	}
#ifdef PR_SET_CHILD_SUBREAPER
	/* orphaned grandchildren become ours, so they can be reaped */
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	c->pid = fork();
	if (c->pid == 0)
		child_exec(in_p[0], out_p[1], err_p[1], argv, &old, self);
	err = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(in_p[0]);
	close(out_p[1]);
	close(err_p[1]);
	if (c->pid < 0) {
		errno = err;
		return -1;
	}
	(void)setpgid(c->pid, c->pid);
	c->in_fd = in_p[1];
	c->out_fd = out_p[0];
	util_set_fd_flags(c->in_fd, true, true);
	util_set_fd_flags(c->out_fd, true, true);
	err = wait_exec(err_p[0]);
	close(err_p[0]);
	if (err == 0)
		return 0;
	fprintf(stderr, "qemu-run: cannot execute %s: %s\n", argv[0],
		strerror(err));
	return -2;
}

/* Reap the child and any (adopted) members of its process group. */
void child_reap(struct child *c)
{
	int st;
	pid_t p;

	if (c->pid <= 0)
		return;
	while (!c->reaped) {
		p = waitpid(c->pid, &st, WNOHANG);
		if (p < 0 && errno == EINTR)
			continue;
		if (p == c->pid) {
			c->reaped = true;
			c->status = st;
			c->self_exit = !c->killing;
		}
		break;
	}
	do
		p = waitpid(-c->pid, &st, WNOHANG);
	while (p > 0 || (p < 0 && errno == EINTR));
}

static bool group_alive(struct child *c)
{
	child_reap(c);
	if (kill(-c->pid, 0) == 0)
		return true;
	return errno == EPERM;
}

void child_drain_signals(int fd)
{
	char tmp[64];

	while (read(fd, tmp, sizeof(tmp)) > 0) {
	}
}

/* Wait until the child's process group is gone or until the deadline. */
static bool wait_group_gone(struct child *c, double until)
{
	struct pollfd p;
	int ms;

	while (group_alive(c)) {
		ms = util_ms_until(until);
		if (ms <= 0)
			return false;
		if (ms > GROUP_POLL_MS)
			ms = GROUP_POLL_MS;
		p.fd = c->sig_fd;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, ms) > 0)
			child_drain_signals(c->sig_fd);
	}
	return true;
}

/* SIGTERM the whole group, SIGKILL it after the grace period, reap all. */
void child_terminate(struct child *c)
{
	int st;

	if (c->pid <= 0)
		return;
	child_reap(c);
	c->killing = true;
	if (!group_alive(c))
		return;
	(void)kill(-c->pid, SIGTERM);
	if (!wait_group_gone(c, util_now() + KILL_GRACE_S)) {
		(void)kill(-c->pid, SIGKILL);
		(void)wait_group_gone(c, util_now() + REAP_GRACE_S);
	}
	while (!c->reaped) {
		/* cannot fail to die after SIGKILL: block for it */
		if (waitpid(c->pid, &st, 0) == c->pid) {
			c->reaped = true;
			c->status = st;
		} else if (errno != EINTR) {
			break;
		}
	}
}
