// SPDX-License-Identifier: MIT
/*
 * Which file an `image` or `initrd` value names. Two kinds:
 *  - a bare NAME ("hello", "linux/Image") is looked up in the image
 *    directories (-L: the project's guests, BULKHEAD_LINUX_DIR), as NAME
 *    then NAME.elf, and must stay inside the directory it was found in:
 *    no "." or ".." components, no symbolic link leading out of it;
 *  - a path starting with "./", "../" or "/" is a file of the config
 *    author's own choosing, relative to the config file's folder; it is
 *    marked as such in the report.
 * A file that is missing or unreadable is an error naming the property,
 * the value and the file.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bhconfig.h"

static bool is_explicit(const char *name)
{
	return !strncmp(name, "./", 2) || !strncmp(name, "../", 3) ||
	       name[0] == '/';
}

/* A bare name: non-empty components, none of them "." or "..". */
static bool bare_name_ok(const char *name)
{
	const char *s = name;

	if (!*name)
		return false;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		if (!n || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		s += n;
		if (*s == '/')
			s++;
		if (e && !*s)
			return false; /* a trailing slash */
	}
	return true;
}

static bool inside(const char *real, const char *dir)
{
	size_t n = strlen(dir);

	return !strcmp(dir, "/") || (!strncmp(real, dir, n) && real[n] == '/');
}

/* 1: found (*out set), 0: not there, -1: error reported. */
static int try_dir(struct config *c, const struct part *p, const char *prop,
		   const char *name, const char *dir, char **out)
{
	static const char *const suffix[] = { "", ".elf" };
	char real[PATH_MAX], rdir[PATH_MAX];
	struct stat st;

	if (!realpath(dir, rdir))
		return 0;
	for (size_t s = 0; s < 2; s++) {
		char *cand = xasprintf("%s/%s%s", dir, name, suffix[s]);
		bool there = !stat(cand, &st) && S_ISREG(st.st_mode);

		if (there && (!realpath(cand, real) || !inside(real, rdir))) {
			diag_prop(
				c, p->path, prop,
				"%s \"%s\": %s leads out of the image directory %s (a symbolic link); name a file of your own by a path starting with ./, ../ or /",
				prop, name, cand, dir);
			free(cand);
			return -1;
		}
		free(cand);
		if (there) {
			*out = xstrdup(real);
			return 1;
		}
	}
	return 0;
}

static char *resolve_bare(struct config *c, const struct part *p,
			  const char *prop, const char *name)
{
	char *out = NULL;

	if (!bare_name_ok(name)) {
		diag_prop(
			c, p->path, prop,
			"%s \"%s\": a name must stay inside the image directories (no empty, \".\" or \"..\" parts); name a file of your own by a path starting with ./, ../ or /",
			prop, name);
		return NULL;
	}
	for (int d = 0; d < c->nimage_dirs; d++) {
		int r = try_dir(c, p, prop, name, c->image_dirs[d], &out);

		if (r)
			return r > 0 ? out : NULL;
	}
	diag_prop(c, p->path, prop,
		  "%s \"%s\" not found in the image directories", prop, name);
	return NULL;
}

static char *resolve_explicit(struct config *c, const struct part *p,
			      const char *prop, const char *name)
{
	char *file = name[0] == '/'
			     ? xstrdup(name)
			     : xasprintf("%s/%s",
					 c->config_dir ? c->config_dir : ".",
					 name);
	char real[PATH_MAX];
	struct stat st;
	FILE *f;

	if (stat(file, &st) || !S_ISREG(st.st_mode) ||
	    !(f = fopen(file, "rb"))) {
		int e = errno;

		diag_prop(c, p->path, prop, "%s \"%s\": cannot read %s: %s",
			  prop, name, file,
			  !stat(file, &st) && !S_ISREG(st.st_mode)
				  ? "not a regular file"
				  : strerror(e));
		free(file);
		return NULL;
	}
	fclose(f);
	if (realpath(file, real)) { /* absolute: the assembler reads it too */
		free(file);
		file = xstrdup(real);
	}
	return file;
}

char *image_resolve(struct config *c, const struct part *p, const char *prop,
		    const char *name, bool *explicit_path)
{
	*explicit_path = is_explicit(name);
	return *explicit_path ? resolve_explicit(c, p, prop, name)
			      : resolve_bare(c, p, prop, name);
}
