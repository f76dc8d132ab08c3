// SPDX-License-Identifier: MIT
/*
 * Config source -> DTB: the C preprocessor resolves #include and macros
 * (as for Linux device trees), then dtc compiles. cpp keeps line markers,
 * so dtc's own errors (syntax, references to missing labels) name the
 * user's file and line. Both run as child processes; their messages go
 * straight to our stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bhconfig.h"

static int run(char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "bhconfig: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	void *buf;

	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) < 0 || !(buf = malloc((size_t)st.st_size))) {
		fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	return buf;
}

void *dts_compile(const char *dts, const char *const *incdirs, int nincdirs,
		  const char *depfile, const char *deptarget)
{
	char pp[] = "/tmp/bhconfig-XXXXXX";
	char dtb[sizeof(pp) + 4];
	char *argv[32];
	int fd = mkstemp(pp), n = 0, rc;
	void *blob = NULL;
	size_t len;

	if (fd < 0)
		return NULL;
	close(fd);
	snprintf(dtb, sizeof(dtb), "%s.dtb", pp);
	argv[n++] = "cpp";
	argv[n++] = "-nostdinc";
	argv[n++] = "-undef";
	argv[n++] = "-x";
	argv[n++] = "assembler-with-cpp";
	for (int i = 0; i < nincdirs && n < 24; i++) {
		argv[n++] = "-I";
		argv[n++] = (char *)incdirs[i];
	}
	if (depfile) {
		argv[n++] = "-MD";
		argv[n++] = "-MF";
		argv[n++] = (char *)depfile;
		argv[n++] = "-MT";
		argv[n++] = (char *)deptarget;
	}
	argv[n++] = "-o";
	argv[n++] = pp;
	argv[n++] = (char *)dts;
	argv[n] = NULL;
	rc = run(argv);
	if (rc == 0) {
		char *dargv[] = { "dtc", "-q", "-I", "dts", "-O",
				  "dtb", "-o", dtb,  pp,    NULL };

		rc = run(dargv);
	}
	if (rc == 0)
		blob = read_file(dtb, &len);
	unlink(pp);
	unlink(dtb);
	return blob;
}
