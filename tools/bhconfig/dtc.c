// SPDX-License-Identifier: MIT
/*
 * Config source -> DTBs. The C preprocessor resolves #include and macros
 * (as for Linux device trees), then dtc compiles; both run as child
 * processes with bounded CPU time, wall-clock time, memory and output
 * (setrlimit and alarm in the child), and their messages go straight to
 * our stderr, with the user's file and line (cpp keeps line markers).
 *
 * The platform is compiled on its own as well: the first file the config
 * includes from a platform directory (-P) is the platform description,
 * and "/dts-v1/; #include <it>" alone gives the platform DTB that
 * platform.c compares the config against. A third run of dtc writes the
 * config back as annotated source (-T -T), from which srcpos.c learns
 * where each node was written.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bhconfig.h"

const struct limits tool_limits = {
	.cpu_s = 30,
	.wall_s = 60,
	.mem = 1ULL << 30,
	.out = 64ULL << 20,
};

static void set_limit(int what, uint64_t v)
{
	struct rlimit r = { (rlim_t)v, (rlim_t)v };

	setrlimit(what, &r);
}

/* In the child: the limits, stderr to @err, then exec. */
static _Noreturn void child(char *const argv[], const struct limits *l, int err)
{
	setpgid(0, 0); /* its own group, so that nothing it starts outlives it
			*/
	set_limit(RLIMIT_CPU, l->cpu_s);
	set_limit(RLIMIT_AS, l->mem);
	set_limit(RLIMIT_FSIZE, l->out);
	set_limit(RLIMIT_CORE, 0);
	alarm(l->wall_s);
	if (err >= 0)
		dup2(err, 2);
	execvp(argv[0], argv);
	fprintf(stderr, "bhconfig: cannot run %s: %s\n", argv[0],
		strerror(errno));
	_exit(127);
}

static void explain_signal(struct config *c, const char *tool, int sig,
			   const struct limits *l)
{
	if (sig == SIGXCPU || sig == SIGALRM || sig == SIGKILL)
		diag_file(
			c,
			"%s ran out of time (limits: %u s of CPU, %u s in all): is something in the config expanding without end?",
			tool, l->cpu_s, l->wall_s);
	else if (sig == SIGXFSZ)
		diag_file(
			c,
			"%s's output grew beyond the limit of %llu MiB: is something in the config expanding without end?",
			tool, (unsigned long long)(l->out >> 20));
	else
		diag_file(
			c,
			"%s was stopped by signal %d (its memory limit is %llu MiB)",
			tool, sig, (unsigned long long)(l->mem >> 20));
}

/* What the child said, passed on unless a limit explains its failure. */
static void pass_on(FILE *err)
{
	char buf[4096];
	size_t n;

	rewind(err);
	while ((n = fread(buf, 1, sizeof(buf), err)) > 0)
		fwrite(buf, 1, n, stderr);
}

static bool hit_out_limit(const char *out, const struct limits *l)
{
	struct stat st;

	return out && !stat(out, &st) && (uint64_t)st.st_size >= l->out;
}

int run_limited(struct config *c, char *const argv[], const struct limits *l,
		const char *out)
{
	FILE *err = tmpfile();
	pid_t pid = fork();
	int status, rc = 0;

	if (pid < 0) {
		diag_file(c, "cannot start %s: %s", argv[0], strerror(errno));
		if (err)
			fclose(err);
		return -1;
	}
	if (pid == 0)
		child(argv, l, err ? fileno(err) : -1);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			diag_file(c, "lost track of %s", argv[0]);
			status = 0x7f00;
			break;
		}
	kill(-pid, SIGKILL); /* whatever it started and left behind */
	if (WIFSIGNALED(status))
		explain_signal(c, argv[0], WTERMSIG(status), l);
	else if (WEXITSTATUS(status) && hit_out_limit(out, l))
		explain_signal(c, argv[0], SIGXFSZ, l);
	else if (err)
		pass_on(err);
	if (WIFSIGNALED(status) || WEXITSTATUS(status))
		rc = WIFSIGNALED(status) || hit_out_limit(out, l) ? -1 : 1;
	if (err)
		fclose(err);
	return rc;
}

static int cpp(struct config *c, const struct compile_opts *o, const char *in,
	       const char *out)
{
	int n = 0, rc;
	char **argv = xcalloc((size_t)(2 * o->ndirs + 10), sizeof(*argv));

	argv[n++] = "cpp";
	argv[n++] = "-nostdinc";
	argv[n++] = "-undef";
	argv[n++] = "-x";
	argv[n++] = "assembler-with-cpp";
	for (int i = 0; i < o->ndirs; i++) {
		argv[n++] = "-I";
		argv[n++] = (char *)o->dirs[i].path;
	}
	argv[n++] = "-o";
	argv[n++] = (char *)out;
	argv[n++] = (char *)in;
	rc = run_limited(c, argv, &tool_limits, out);
	free(argv);
	return rc;
}

/* dtc @in -> @out in format @fmt; source output is annotated (-T -T). */
static int dtc(struct config *c, const char *in, const char *fmt,
	       const char *out)
{
	char *argv[12];
	int n = 0;

	argv[n++] = "dtc";
	argv[n++] = "-q";
	argv[n++] = "-I";
	argv[n++] = "dts";
	argv[n++] = "-O";
	argv[n++] = (char *)fmt;
	if (!strcmp(fmt, "dts")) {
		argv[n++] = "-T";
		argv[n++] = "-T";
	}
	argv[n++] = "-o";
	argv[n++] = (char *)out;
	argv[n++] = (char *)in;
	argv[n] = NULL;
	return run_limited(c, argv, &tool_limits, out);
}

static void *read_dtb(struct config *c, const char *path)
{
	size_t len = 0;
	char *blob = read_whole(path, tool_limits.out, &len);

	if (!blob)
		diag_file(c, "cannot read what dtc wrote (%s)", path);
	return blob;
}

struct tmp {
	char dir[32];
	char *pp, *dtb, *dts, *wrap, *wrap_pp, *wrap_dtb;
};

static bool tmp_make(struct tmp *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/bhconfig-XXXXXX");
	if (!mkdtemp(t->dir))
		return false;
	t->pp = xasprintf("%s/config.pp", t->dir);
	t->dtb = xasprintf("%s/config.dtb", t->dir);
	t->dts = xasprintf("%s/config.annotated.dts", t->dir);
	t->wrap = xasprintf("%s/platform.dts", t->dir);
	t->wrap_pp = xasprintf("%s/platform.pp", t->dir);
	t->wrap_dtb = xasprintf("%s/platform.dtb", t->dir);
	return true;
}

static void tmp_remove(struct tmp *t)
{
	char *files[] = { t->pp,   t->dtb,     t->dts,
			  t->wrap, t->wrap_pp, t->wrap_dtb };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		unlink(files[i]);
		free(files[i]);
	}
	rmdir(t->dir);
}

/* Compile the platform file alone into c->platform. */
static int compile_platform(struct config *c, const struct compile_opts *o,
			    struct tmp *t)
{
	FILE *f = fopen(t->wrap, "w");

	if (!f) {
		diag_file(c, "cannot write %s", t->wrap);
		return -1;
	}
	fprintf(f, "/dts-v1/;\n#include \"%s\"\n", c->platform_file);
	fclose(f);
	if (cpp(c, o, t->wrap, t->wrap_pp) ||
	    dtc(c, t->wrap_pp, "dtb", t->wrap_dtb)) {
		diag_file(
			c,
			"the platform description %s could not be compiled on its own (see above)",
			c->platform_file);
		return -1;
	}
	c->platform = read_dtb(c, t->wrap_dtb);
	return c->platform ? 0 : -1;
}

int dts_compile(struct config *c, const struct compile_opts *o)
{
	struct tmp t;
	size_t len;
	char *pp;
	int rc = -1;

	if (!tmp_make(&t)) {
		diag_file(c, "cannot create a temporary directory: %s",
			  strerror(errno));
		return -1;
	}
	if (cpp(c, o, o->dts, t.pp) || dtc(c, t.pp, "dtb", t.dtb)) {
		fflush(stderr);
		if (!c->nerrors)
			diag_file(
				c,
				"the device tree could not be compiled (see above)");
		goto out;
	}
	c->fdt = read_dtb(c, t.dtb);
	pp = c->fdt ? read_whole(t.pp, tool_limits.out, &len) : NULL;
	if (!pp)
		goto out;
	rc = scan_line_markers(c, o, pp);
	free(pp);
	if (!rc && !dtc(c, t.pp, "dts", t.dts)) {
		char *annotated = read_whole(t.dts, tool_limits.out, &len);

		if (annotated)
			srcpos_read(c, annotated);
		free(annotated);
	}
	if (!rc && o->nplat)
		rc = compile_platform(c, o, &t);
out:
	tmp_remove(&t);
	return c->nerrors ? -1 : rc;
}
