/* SPDX-License-Identifier: MIT */
/*
 * qemu-run: host-side runner for Bulkhead's QEMU integration tests.  It runs
 * a command (normally qemu-system-aarch64) in its own process group with its
 * stdin fed from a pipe and its stdout and stderr merged into one pipe, reads
 * that output line by line (echoing it and optionally logging it), and checks
 * it against an expectation file: ordered expect / expect-re / send steps,
 * reject / reject-re lines, count and before checks, an optional required
 * exit status, and the built-in rejects "FAIL" and "panic".  The run ends as
 * soon as the verdict is known, on timeout, or when the runner is signalled;
 * the child's whole process group is then terminated (SIGTERM, SIGKILL after
 * 2 s) and reaped.  Exit status: 0 pass, 1 expectations not met, 2 usage or
 * I/O error.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define DEFAULT_TIMEOUT_S 60.0
#define MAX_TIMEOUT_S 1e7
#define KILL_GRACE_S 2.0
#define REAP_GRACE_S 1.0

enum {
	RUN_LINE_MAX = 4096, /* longer output lines are split */
	EXIT_PASS = 0,
	EXIT_FAIL = 1,
	EXIT_ERROR = 2,
	DRAIN_MAX_READS = 256, /* bound on reads after the child exited */
	GROUP_POLL_MS = 50,
};

enum kind {
	K_EXPECT,
	K_EXPECT_RE,
	K_SEND,
	K_REJECT,
	K_REJECT_RE,
	K_COUNT,
	K_BEFORE,
	K_EXIT,
};

static const char *const kind_names[] = {
	"expect",    "expect-re", "send",   "reject",
	"reject-re", "count",	  "before", "exit",
};

static const char *const builtin_rejects[] = { "FAIL", "panic" };

struct expectation {
	enum kind kind;
	unsigned number;   /* 1-based, in file order */
	unsigned src_line; /* line in the expectation file */
	char *text;	   /* TEXT, REGEX, or A of "before A ||| B" */
	char *text_b;	   /* B of "before A ||| B" */
	regex_t re;
	bool has_re;
	unsigned long need; /* count: required matching lines */
	unsigned long seen; /* count: matching lines so far */
	int exit_code;	    /* exit: required status */
	bool met;	    /* ordered step satisfied */
	size_t first_a;	    /* before: first output line with A, 0 = none */
	size_t first_b;	    /* before: first output line with B, 0 = none */
	size_t hit_line;    /* reject: offending output line, 0 = none */
	char *hit_text;	    /* reject: copy of the offending line */
	int send_errno;	    /* send: errno of a failed write, 0 = none */
};

struct plan {
	const char *path;
	struct expectation *items;
	size_t count;
	size_t cap;
	double timeout;
	bool timeout_set;
	bool builtin_rejects;
	bool has_exit;
};

struct options {
	const char *log_path;
	const char *expect_path;
	double timeout;
	bool timeout_set;
	bool quiet;
	char **command;
};

enum stop_reason {
	STOP_NONE,
	STOP_ALL_MET,
	STOP_TIMEOUT,
	STOP_EXITED,
	STOP_EOF,
	STOP_REJECT,
	STOP_ORDER,
	STOP_SEND,
	STOP_SIGNAL,
	STOP_IO,
};

struct runner {
	struct plan *plan;
	FILE *log;
	bool quiet;
	pid_t pid;  /* child pid == its process group id */
	int in_fd;  /* write end of the child's stdin */
	int out_fd; /* read end of the child's stdout+stderr */
	int sig_fd; /* read end of the signal self-pipe */
	bool reaped;
	bool self_exit; /* child exited before we started killing it */
	bool killing;
	int status;
	size_t cursor; /* index of the next ordered step */
	size_t lines;  /* output lines seen */
	char buf[RUN_LINE_MAX + 1];
	size_t len;
	bool split_pending; /* last line was split at RUN_LINE_MAX */
	double start;
	double deadline;
	double timeout;
	enum stop_reason stop;
	size_t stop_line;
	const char *builtin_hit;
	char *builtin_text;
	size_t builtin_line;
};

/* Signal handling state: the only global mutable state. */
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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Milliseconds until deadline for poll(), 0 once it has passed. */
static int ms_until(double deadline)
{
	double left = deadline - now_s();

	if (left <= 0.0)
		return 0;
	if (left > 1e6)
		left = 1e6;
	return (int)(left * 1000.0) + 1;
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("qemu-run: out of memory\n", stderr);
		exit(EXIT_ERROR);
	}
	return q;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = xrealloc(NULL, n);

	memcpy(d, s, n);
	return d;
}

static void set_fd_flags(int fd, bool cloexec, bool nonblock)
{
	if (cloexec)
		(void)fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
	if (nonblock)
		(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Make sure fds 0-2 are open so that pipes never land on them. */
static void ensure_std_fds(void)
{
	int fd;

	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF)
			(void)open("/dev/null", O_RDWR);
}

static bool parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (!isdigit((unsigned char)*s) && *s != '.')
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v > 0.0) || v > MAX_TIMEOUT_S)
		return false;
	*out = v;
	return true;
}

/* ---- expectation file ------------------------------------------------ */

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]))
		e--;
	*e = '\0';
	return s;
}

__attribute__((format(printf, 3, 4))) static int
syntax_error(const struct plan *p, unsigned line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%u: ", p->path, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static struct expectation *add_item(struct plan *p, enum kind kind,
				    unsigned src_line)
{
	struct expectation *e;

	if (p->count == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->items = xrealloc(p->items, p->cap * sizeof(*p->items));
	}
	e = &p->items[p->count++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->number = (unsigned)p->count;
	e->src_line = src_line;
	return e;
}

static int parse_timeout(struct plan *p, enum kind kind, char *arg,
			 unsigned line)
{
	(void)kind;
	if (p->timeout_set)
		return syntax_error(p, line, "duplicate 'timeout'");
	if (!parse_seconds(arg, &p->timeout))
		return syntax_error(p, line,
				    "bad timeout '%s' (positive "
				    "number of seconds expected)",
				    arg);
	p->timeout_set = true;
	return 0;
}

static int parse_allow(struct plan *p, enum kind kind, char *arg, unsigned line)
{
	(void)kind;
	if (strcmp(arg, "no") == 0)
		p->builtin_rejects = false;
	else if (strcmp(arg, "yes") == 0)
		p->builtin_rejects = true;
	else
		return syntax_error(p, line,
				    "allow-builtin-rejects takes "
				    "'yes' or 'no', not '%s'",
				    arg);
	return 0;
}

static int parse_text(struct plan *p, enum kind kind, char *arg, unsigned line)
{
	add_item(p, kind, line)->text = xstrdup(arg);
	return 0;
}

static int parse_regex(struct plan *p, enum kind kind, char *arg, unsigned line)
{
	struct expectation *e = add_item(p, kind, line);
	char msg[256];
	int rc;

	e->text = xstrdup(arg);
	rc = regcomp(&e->re, arg, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &e->re, msg, sizeof(msg));
		return syntax_error(p, line, "bad regular expression '%s': %s",
				    arg, msg);
	}
	e->has_re = true;
	return 0;
}

static int parse_count(struct plan *p, enum kind kind, char *arg, unsigned line)
{
	char *text = arg + strcspn(arg, " \t");
	unsigned long n;
	struct expectation *e;

	if (*text)
		*text++ = '\0';
	text = trim(text);
	if (!parse_ulong(arg, 1000000000UL, &n) || n == 0)
		return syntax_error(p, line,
				    "bad count '%s' (positive "
				    "integer expected)",
				    arg);
	if (*text == '\0')
		return syntax_error(p, line, "count needs N and TEXT");
	e = add_item(p, kind, line);
	e->need = n;
	e->text = xstrdup(text);
	return 0;
}

static int parse_before(struct plan *p, enum kind kind, char *arg,
			unsigned line)
{
	char *sep = strstr(arg, "|||");
	char *a, *b;
	struct expectation *e;

	if (!sep)
		return syntax_error(p, line, "before needs 'A ||| B'");
	*sep = '\0';
	a = trim(arg);
	b = trim(sep + 3);
	if (*a == '\0' || *b == '\0')
		return syntax_error(p, line, "before needs non-empty A and B");
	e = add_item(p, kind, line);
	e->text = xstrdup(a);
	e->text_b = xstrdup(b);
	return 0;
}

static int parse_exit(struct plan *p, enum kind kind, char *arg, unsigned line)
{
	unsigned long code;

	if (p->has_exit)
		return syntax_error(p, line, "duplicate 'exit'");
	if (!parse_ulong(arg, 255, &code))
		return syntax_error(p, line,
				    "bad exit code '%s' (0-255 "
				    "expected)",
				    arg);
	add_item(p, kind, line)->exit_code = (int)code;
	p->has_exit = true;
	return 0;
}

struct directive {
	const char *name;
	enum kind kind;
	int (*parse)(struct plan *p, enum kind kind, char *arg, unsigned line);
};

static const struct directive directives[] = {
	{ "timeout", K_EXPECT, parse_timeout },
	{ "allow-builtin-rejects", K_EXPECT, parse_allow },
	{ "expect", K_EXPECT, parse_text },
	{ "expect-re", K_EXPECT_RE, parse_regex },
	{ "send", K_SEND, parse_text },
	{ "reject", K_REJECT, parse_text },
	{ "reject-re", K_REJECT_RE, parse_regex },
	{ "count", K_COUNT, parse_count },
	{ "before", K_BEFORE, parse_before },
	{ "exit", K_EXIT, parse_exit },
};

static int parse_line(struct plan *p, char *raw, unsigned line)
{
	char *word = trim(raw);
	char *arg;
	size_t i;

	if (*word == '\0' || *word == '#')
		return 0;
	arg = word + strcspn(word, " \t");
	if (*arg)
		*arg++ = '\0';
	arg = trim(arg);
	for (i = 0; i < ARRAY_LEN(directives); i++) {
		if (strcmp(word, directives[i].name) != 0)
			continue;
		if (*arg == '\0')
			return syntax_error(p, line, "'%s' needs an argument",
					    word);
		return directives[i].parse(p, directives[i].kind, arg, line);
	}
	return syntax_error(p, line, "unknown directive '%s'", word);
}

static int load_plan(struct plan *p, const char *path)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	int rc = 0;

	p->path = path;
	p->timeout = DEFAULT_TIMEOUT_S;
	p->builtin_rejects = true;
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "qemu-run: cannot open %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, f) >= 0)
		rc = parse_line(p, line, ++lineno);
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, "qemu-run: cannot read %s\n", path);
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}

static void free_plan(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->count; i++) {
		struct expectation *e = &p->items[i];

		if (e->has_re)
			regfree(&e->re);
		free(e->text);
		free(e->text_b);
		free(e->hit_text);
	}
	free(p->items);
}

/* ---- command line ----------------------------------------------------- */

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
			if (!parse_seconds(argv[++i], &o->timeout))
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

/* ---- child process ---------------------------------------------------- */

static int install_signals(int *sig_rd)
{
	static const int caught[] = { SIGCHLD, SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;
	int fds[2];
	size_t i;

	if (pipe(fds) < 0)
		return -1;
	set_fd_flags(fds[0], true, true);
	set_fd_flags(fds[1], true, true);
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

static int spawn_child(struct runner *r, char **argv)
{
	int in_p[2], out_p[2], err_p[2], err, i;
	pid_t self = getpid();
	sigset_t all, old;

	if (pipe(in_p) < 0 || pipe(out_p) < 0 || pipe(err_p) < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		set_fd_flags(in_p[i], true, false);
		set_fd_flags(out_p[i], true, false);
		set_fd_flags(err_p[i], true, false);
	}
#ifdef PR_SET_CHILD_SUBREAPER
	/* orphaned grandchildren become ours, so they can be reaped */
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	r->pid = fork();
	if (r->pid == 0)
		child_exec(in_p[0], out_p[1], err_p[1], argv, &old, self);
	err = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(in_p[0]);
	close(out_p[1]);
	close(err_p[1]);
	if (r->pid < 0) {
		errno = err;
		return -1;
	}
	(void)setpgid(r->pid, r->pid);
	r->in_fd = in_p[1];
	r->out_fd = out_p[0];
	set_fd_flags(r->in_fd, true, true);
	set_fd_flags(r->out_fd, true, true);
	err = wait_exec(err_p[0]);
	close(err_p[0]);
	if (err == 0)
		return 0;
	fprintf(stderr, "qemu-run: cannot execute %s: %s\n", argv[0],
		strerror(err));
	return -2;
}

/* Reap the child and any (adopted) members of its process group. */
static void reap_children(struct runner *r)
{
	int st;
	pid_t p;

	if (r->pid <= 0)
		return;
	while (!r->reaped) {
		p = waitpid(r->pid, &st, WNOHANG);
		if (p < 0 && errno == EINTR)
			continue;
		if (p == r->pid) {
			r->reaped = true;
			r->status = st;
			r->self_exit = !r->killing;
		}
		break;
	}
	do
		p = waitpid(-r->pid, &st, WNOHANG);
	while (p > 0 || (p < 0 && errno == EINTR));
}

static bool group_alive(struct runner *r)
{
	reap_children(r);
	if (kill(-r->pid, 0) == 0)
		return true;
	return errno == EPERM;
}

static void drain_sig_pipe(int fd)
{
	char tmp[64];

	while (read(fd, tmp, sizeof(tmp)) > 0) {
	}
}

/* Wait until the child's process group is gone or until the deadline. */
static bool wait_group_gone(struct runner *r, double until)
{
	struct pollfd p;
	int ms;

	while (group_alive(r)) {
		ms = ms_until(until);
		if (ms <= 0)
			return false;
		if (ms > GROUP_POLL_MS)
			ms = GROUP_POLL_MS;
		p.fd = r->sig_fd;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, ms) > 0)
			drain_sig_pipe(r->sig_fd);
	}
	return true;
}

/* SIGTERM the whole group, SIGKILL it after the grace period, reap all. */
static void terminate_group(struct runner *r)
{
	int st;

	if (r->pid <= 0)
		return;
	reap_children(r);
	r->killing = true;
	if (!group_alive(r))
		return;
	(void)kill(-r->pid, SIGTERM);
	if (!wait_group_gone(r, now_s() + KILL_GRACE_S)) {
		(void)kill(-r->pid, SIGKILL);
		(void)wait_group_gone(r, now_s() + REAP_GRACE_S);
	}
	while (!r->reaped) {
		/* cannot fail to die after SIGKILL: block for it */
		if (waitpid(r->pid, &st, 0) == r->pid) {
			r->reaped = true;
			r->status = st;
		} else if (errno != EINTR) {
			break;
		}
	}
}

/* ---- output processing ------------------------------------------------ */

static bool is_ordered(enum kind k)
{
	return k == K_EXPECT || k == K_EXPECT_RE || k == K_SEND;
}

static bool matches(const struct expectation *e, const char *line)
{
	if (e->has_re)
		return regexec(&e->re, line, 0, NULL, 0) == 0;
	return strstr(line, e->text) != NULL;
}

static bool stop_at(struct runner *r, enum stop_reason why)
{
	r->stop = why;
	r->stop_line = r->lines;
	return true;
}

static bool item_ok(const struct runner *r, const struct expectation *e)
{
	switch (e->kind) {
	case K_EXPECT:
	case K_EXPECT_RE:
	case K_SEND:
		return e->met;
	case K_REJECT:
	case K_REJECT_RE:
		return e->hit_line == 0;
	case K_COUNT:
		return e->seen >= e->need;
	case K_BEFORE:
		return e->first_a && e->first_b && e->first_a < e->first_b;
	case K_EXIT:
		return r->self_exit && WIFEXITED(r->status) &&
		       WEXITSTATUS(r->status) == e->exit_code;
	default:
		return false;
	}
}

/* Without 'exit', stop as soon as everything is satisfied. */
static void check_all_met(struct runner *r)
{
	size_t i;

	if (r->plan->has_exit || r->stop != STOP_NONE || r->builtin_hit)
		return;
	for (i = 0; i < r->plan->count; i++)
		if (!item_ok(r, &r->plan->items[i]))
			return;
	r->stop = STOP_ALL_MET;
}

static struct expectation *next_ordered(struct runner *r)
{
	struct expectation *e;

	while (r->cursor < r->plan->count) {
		e = &r->plan->items[r->cursor];
		if (is_ordered(e->kind) && !e->met)
			return e;
		r->cursor++;
	}
	return NULL;
}

/* Decode \n, \r, \t and \\ in a send text and append a newline. */
static size_t decode_send(const char *s, char *out)
{
	size_t n = 0;
	char c;

	while (*s) {
		if (s[0] != '\\' || s[1] == '\0') {
			out[n++] = *s++;
			continue;
		}
		c = s[1];
		s += 2;
		if (c == 'n')
			c = '\n';
		else if (c == 'r')
			c = '\r';
		else if (c == 't')
			c = '\t';
		else if (c != '\\')
			out[n++] = '\\';
		out[n++] = c;
	}
	out[n++] = '\n';
	return n;
}

/* Write a send step to the child's stdin; returns 0 or an errno. */
static int send_text(int fd, const char *text)
{
	char *buf = xrealloc(NULL, strlen(text) + 2);
	size_t n = decode_send(text, buf);
	const char *p = buf;
	ssize_t w;
	int err = 0;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			err = errno;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	free(buf);
	return err;
}

static void run_sends(struct runner *r)
{
	struct expectation *e;

	while (r->stop == STOP_NONE) {
		e = next_ordered(r);
		if (!e || e->kind != K_SEND)
			return;
		e->send_errno = send_text(r->in_fd, e->text);
		if (e->send_errno) {
			stop_at(r, STOP_SEND);
			return;
		}
		e->met = true;
	}
}

static bool check_rejects(struct runner *r, const char *line)
{
	struct expectation *e;
	size_t i;

	for (i = 0; i < r->plan->count; i++) {
		e = &r->plan->items[i];
		if ((e->kind == K_REJECT || e->kind == K_REJECT_RE) &&
		    matches(e, line)) {
			e->hit_line = r->lines;
			e->hit_text = strdup(line);
			return stop_at(r, STOP_REJECT);
		}
	}
	for (i = 0; r->plan->builtin_rejects && i < ARRAY_LEN(builtin_rejects);
	     i++) {
		if (strstr(line, builtin_rejects[i])) {
			r->builtin_hit = builtin_rejects[i];
			r->builtin_line = r->lines;
			r->builtin_text = strdup(line);
			return stop_at(r, STOP_REJECT);
		}
	}
	return false;
}

/* Update count and before checks; a violated 'before' stops the run. */
static bool update_unordered(struct runner *r, const char *line)
{
	struct expectation *e;
	size_t i;

	for (i = 0; i < r->plan->count; i++) {
		e = &r->plan->items[i];
		if (e->kind == K_COUNT && matches(e, line))
			e->seen++;
		if (e->kind != K_BEFORE)
			continue;
		if (!e->first_a && strstr(line, e->text))
			e->first_a = r->lines;
		if (e->first_b || !strstr(line, e->text_b))
			continue;
		e->first_b = r->lines;
		if (!e->first_a || e->first_a >= e->first_b)
			return stop_at(r, STOP_ORDER);
	}
	return false;
}

static void process_line(struct runner *r, const char *line)
{
	struct expectation *e;

	if (check_rejects(r, line) || update_unordered(r, line))
		return;
	e = next_ordered(r);
	if (e && e->kind != K_SEND && matches(e, line)) {
		e->met = true;
		run_sends(r);
	}
	check_all_met(r);
}

static void finish_line(struct runner *r)
{
	size_t len = r->len, i;

	while (len > 0 && r->buf[len - 1] == '\r')
		len--;
	for (i = 0; i < len; i++)
		if (r->buf[i] == '\0')
			r->buf[i] = ' ';
	r->buf[len] = '\0';
	r->len = 0;
	r->split_pending = false;
	r->lines++;
	if (!r->quiet) {
		fputs(r->buf, stdout);
		fputc('\n', stdout);
		fflush(stdout);
	}
	if (r->log) {
		fputs(r->buf, r->log);
		fputc('\n', r->log);
		fflush(r->log);
	}
	process_line(r, r->buf);
}

static void feed_bytes(struct runner *r, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && r->stop == STOP_NONE; i++) {
		if (p[i] == '\n') {
			/* newline right after a split: already ended */
			if (r->len == 0 && r->split_pending)
				r->split_pending = false;
			else
				finish_line(r);
			continue;
		}
		r->split_pending = false;
		r->buf[r->len++] = p[i];
		if (r->len == RUN_LINE_MAX) {
			finish_line(r);
			r->split_pending = true;
		}
	}
}

static void on_output_end(struct runner *r)
{
	if (r->len > 0 && r->stop == STOP_NONE)
		finish_line(r);
	close(r->out_fd);
	r->out_fd = -1;
	if (r->stop != STOP_NONE || r->plan->has_exit)
		return;
	/* nothing more can be matched: decide now */
	reap_children(r);
	stop_at(r, r->reaped ? STOP_EXITED : STOP_EOF);
}

/* Read once: 1 data read, 0 output ended, -1 nothing available now. */
static int read_output(struct runner *r)
{
	char chunk[RUN_LINE_MAX];
	ssize_t n;

	do
		n = read(r->out_fd, chunk, sizeof(chunk));
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		feed_bytes(r, chunk, (size_t)n);
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

	drain_sig_pipe(r->sig_fd);
	if (term_signal || r->reaped)
		return;
	reap_children(r);
	if (!r->reaped)
		return;
	/* the command exited: take what is left in the pipe, then decide */
	for (i = 0;
	     i < DRAIN_MAX_READS && r->out_fd >= 0 && r->stop == STOP_NONE; i++)
		if (read_output(r) < 0)
			break;
	if (r->stop == STOP_NONE)
		stop_at(r, STOP_EXITED);
}

static void run_loop(struct runner *r)
{
	struct pollfd fds[2];
	nfds_t n;
	int ms, rc;

	run_sends(r);
	check_all_met(r);
	while (r->stop == STOP_NONE) {
		if (term_signal) {
			stop_at(r, STOP_SIGNAL);
			break;
		}
		ms = ms_until(r->deadline);
		if (ms <= 0) {
			stop_at(r, STOP_TIMEOUT);
			break;
		}
		fds[0].fd = r->sig_fd;
		fds[0].events = POLLIN;
		fds[0].revents = 0;
		fds[1].fd = r->out_fd;
		fds[1].events = POLLIN;
		fds[1].revents = 0;
		n = r->out_fd >= 0 ? 2 : 1;
		rc = poll(fds, n, ms);
		if (rc < 0 && errno != EINTR) {
			perror("qemu-run: poll");
			stop_at(r, STOP_IO);
		}
		if (rc <= 0)
			continue;
		if (fds[0].revents)
			on_sig_event(r);
		if (r->stop == STOP_NONE && n == 2 && r->out_fd >= 0 &&
		    fds[1].revents)
			(void)read_output(r);
	}
}

/* ---- verdict ---------------------------------------------------------- */

static void print_desc(FILE *f, const struct expectation *e)
{
	switch (e->kind) {
	case K_COUNT:
		fprintf(f, "count %lu \"%s\"", e->need, e->text);
		break;
	case K_BEFORE:
		fprintf(f, "before \"%s\" ||| \"%s\"", e->text, e->text_b);
		break;
	case K_EXIT:
		fprintf(f, "exit %d", e->exit_code);
		break;
	default:
		fprintf(f, "%s \"%s\"", kind_names[e->kind], e->text);
		break;
	}
}

static void print_status(FILE *f, int status)
{
	if (WIFEXITED(status))
		fprintf(f, "with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(f, "killed by signal %d", WTERMSIG(status));
	else
		fprintf(f, "with wait status %#x", (unsigned)status);
}

static void print_stop_phrase(FILE *f, const struct runner *r)
{
	switch (r->stop) {
	case STOP_TIMEOUT:
		fprintf(f, "before timeout (%g s)", r->timeout);
		break;
	case STOP_EXITED:
		fputs("before the command exited ", f);
		print_status(f, r->status);
		break;
	case STOP_EOF:
		fputs("before the command closed its output", f);
		break;
	case STOP_REJECT:
		fprintf(f, "before a reject stopped the run at output line %zu",
			r->stop_line);
		break;
	case STOP_ORDER:
		fprintf(f,
			"before a violated 'before' stopped the run at "
			"output line %zu",
			r->stop_line);
		break;
	case STOP_SEND:
		fputs("before a send failed", f);
		break;
	case STOP_SIGNAL:
		fprintf(f, "before qemu-run was interrupted by signal %d",
			(int)term_signal);
		break;
	default:
		fputs("before the run stopped", f);
		break;
	}
}

static void print_before_why(FILE *f, const struct runner *r,
			     const struct expectation *e)
{
	if (e->first_b && (!e->first_a || e->first_a >= e->first_b)) {
		fprintf(f, "violated: \"%s\" appeared at output line %zu",
			e->text_b, e->first_b);
		if (e->first_a)
			fprintf(f, ", \"%s\" only at line %zu", e->text,
				e->first_a);
		else
			fprintf(f, " before any \"%s\"", e->text);
		return;
	}
	fputs("not met ", f);
	print_stop_phrase(f, r);
	if (e->first_a)
		fprintf(f, ": \"%s\" seen at line %zu, \"%s\" never seen",
			e->text, e->first_a, e->text_b);
	else
		fprintf(f, ": neither \"%s\" nor \"%s\" seen", e->text,
			e->text_b);
}

static void print_why(FILE *f, const struct runner *r,
		      const struct expectation *e, unsigned blocked_by)
{
	if (e->kind == K_REJECT || e->kind == K_REJECT_RE) {
		fprintf(f, "violated by output line %zu: \"%s\"", e->hit_line,
			e->hit_text ? e->hit_text : "?");
	} else if (e->kind == K_BEFORE) {
		print_before_why(f, r, e);
	} else if (e->kind == K_EXIT && r->self_exit) {
		fputs("failed: the command exited ", f);
		print_status(f, r->status);
	} else if (e->kind == K_EXIT) {
		fputs("not met: the command did not exit by itself ", f);
		print_stop_phrase(f, r);
	} else if (e->kind == K_SEND && e->send_errno) {
		fprintf(f, "failed: cannot write to the command's stdin: %s",
			strerror(e->send_errno));
	} else {
		fputs("not met ", f);
		print_stop_phrase(f, r);
		if (e->kind == K_COUNT)
			fprintf(f, ": %lu of %lu lines matched", e->seen,
				e->need);
		if (blocked_by)
			fprintf(f, " (still waiting for expectation %u)",
				blocked_by);
	}
}

static int report(const struct runner *r)
{
	const struct expectation *e;
	unsigned failed = 0, blocked = 0;
	double secs = now_s() - r->start;
	size_t i;

	if (r->builtin_hit) {
		fprintf(stderr,
			"qemu-run: FAIL: built-in reject \"%s\" "
			"matched output line %zu: \"%s\"\n",
			r->builtin_hit, r->builtin_line,
			r->builtin_text ? r->builtin_text : "?");
		failed++;
	}
	for (i = 0; i < r->plan->count; i++) {
		e = &r->plan->items[i];
		if (item_ok(r, e))
			continue;
		fprintf(stderr, "qemu-run: FAIL: expectation %u (", e->number);
		print_desc(stderr, e);
		fprintf(stderr, ", line %u of %s) ", e->src_line,
			r->plan->path);
		print_why(stderr, r, e, is_ordered(e->kind) ? blocked : 0);
		fputc('\n', stderr);
		if (is_ordered(e->kind) && !blocked)
			blocked = e->number;
		failed++;
	}
	if (r->stop == STOP_SIGNAL)
		fprintf(stderr, "qemu-run: interrupted by signal %d\n",
			(int)term_signal);
	if (failed == 0 && r->stop != STOP_SIGNAL) {
		printf("qemu-run: PASS (%zu lines, %.1f s)\n", r->lines, secs);
		fflush(stdout);
		return EXIT_PASS;
	}
	fprintf(stderr, "qemu-run: FAIL (%u unmet, %zu lines, %.1f s)\n",
		failed, r->lines, secs);
	return EXIT_FAIL;
}

/* ---- main ------------------------------------------------------------- */

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
	set_fd_flags(fileno(r->log), true, false);
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

	r->start = now_s();
	r->deadline = r->start + r->timeout;
	if (install_signals(&r->sig_fd) < 0) {
		perror("qemu-run: signal setup");
		return EXIT_ERROR;
	}
	rc = spawn_child(r, o->command);
	if (rc == -1)
		perror("qemu-run: cannot start command");
	if (rc == 0)
		run_loop(r);
	terminate_group(r);
	if (r->in_fd >= 0)
		close(r->in_fd);
	if (r->out_fd >= 0)
		close(r->out_fd);
	if (rc != 0)
		return EXIT_ERROR;
	return report(r);
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
	    load_plan(&plan, opt.expect_path) < 0) {
		free_plan(&plan);
		return EXIT_ERROR;
	}
	r = xrealloc(NULL, sizeof(*r));
	memset(r, 0, sizeof(*r));
	r->plan = &plan;
	r->quiet = opt.quiet;
	r->in_fd = r->out_fd = r->sig_fd = -1;
	r->timeout = opt.timeout_set ? opt.timeout : plan.timeout;
	if (open_log(r, opt.log_path) == 0) {
		rc = run(r, &opt);
		if (close_log(r, opt.log_path) < 0)
			rc = EXIT_ERROR;
	}
	free(r->builtin_text);
	free(r);
	free_plan(&plan);
	sig = term_signal;
	if (sig) {
		/* die by the same signal so callers see the interruption */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return rc;
}
