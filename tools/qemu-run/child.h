// SPDX-License-Identifier: MIT
/*
 * The command run by qemu-run: started in its own process group with a pipe
 * on its stdin and one pipe for its stdout and stderr, watched through a
 * signal self-pipe (SIGCHLD, and SIGINT/SIGTERM/SIGHUP sent to qemu-run),
 * and at the end terminated as a whole group and reaped.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/** The command's process and the descriptors qemu-run holds for it. */
struct child {
	pid_t pid;  /* child pid == its process group id */
	int in_fd;  /* write end of the child's stdin */
	int out_fd; /* read end of the child's stdout+stderr */
	int sig_fd; /* read end of the signal self-pipe */
	bool reaped;
	bool self_exit; /* child exited before we started killing it */
	bool killing;
	int status;
};

/**
 * Create the signal self-pipe (read end in *sig_rd), catch SIGCHLD, SIGTERM
 * and (unless ignored at startup) SIGINT and SIGHUP, and ignore SIGPIPE.
 * Returns 0 or -1 with errno set.
 */
int child_install_signals(int *sig_rd);

/**
 * The signal that asked qemu-run to stop (SIGINT, SIGTERM or SIGHUP), or 0.
 */
int child_term_signal(void);

/** Read and discard every pending byte of the signal self-pipe fd. */
void child_drain_signals(int fd);

/**
 * Start argv in its own process group, filling in c->pid, c->in_fd and
 * c->out_fd.  Returns 0; -1 with errno set if the pipes or the fork failed;
 * -2 (already reported) if it could not be executed.
 */
int child_spawn(struct child *c, char **argv);

/**
 * Reap the command without blocking (recording its status, and whether it
 * exited by itself), and any exited members of its process group.
 */
void child_reap(struct child *c);

/**
 * SIGTERM the command's whole process group, SIGKILL it after a grace
 * period, and reap the command.
 */
void child_terminate(struct child *c);
