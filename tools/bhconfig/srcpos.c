// SPDX-License-Identifier: MIT
/*
 * Where the config was written. cpp's line markers (# LINE "FILE" FLAGS,
 * flag 1 entering an #include, 2 leaving it) tell which files went into
 * the config, hence the build's dependencies, and which of them is the
 * platform: the first file entered from a platform directory (files it
 * includes belong to it). dtc's annotated output (-T -T) puts each node's
 * source positions in a comment on its opening line, several of them when
 * dtc merged several definitions into one node; the table built here maps
 * node paths to their first position (for messages) and their count (to
 * refuse a partition defined twice, which dtc would silently merge), and
 * each property's position under the key "NODE:PROPERTY".
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhconfig.h"

static bool inside_dir(const char *file, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return true;
	return !strncmp(file, dir, n) && file[n] == '/';
}

static void add_dep(struct config *c, const char *real)
{
	for (int i = 0; i < c->ndeps; i++)
		if (!strcmp(c->deps[i], real))
			return;
	c->deps =
		vec_grow(c->deps, &c->deps_cap, c->ndeps + 1, sizeof(*c->deps));
	c->deps[c->ndeps++] = xstrdup(real);
}

/* Parse `# LINE "FILE" FLAGS`; false if @s is no line marker. */
static bool line_marker(const char *s, char *file, size_t size, int *flags)
{
	size_t n = 0;

	if (s[0] != '#' || s[1] != ' ' || s[2] < '0' || s[2] > '9')
		return false;
	s = strchr(s, '"');
	if (!s)
		return false;
	for (s++; *s && *s != '"' && *s != '\n'; s++) {
		if (*s == '\\' && s[1])
			s++;
		if (n + 1 < size)
			file[n++] = *s;
	}
	file[n] = 0;
	*flags = 0;
	for (s = *s == '"' ? s + 1 : s; *s && *s != '\n'; s++)
		if (*s >= '1' && *s <= '4')
			*flags |= 1 << (*s - '0');
	return true;
}

struct scan {
	char **plat_dirs; /* real paths */
	int nplat;
	int depth;	/* include depth */
	int plat_depth; /* depth of the platform file being read, -1 */
};

static void entered(struct config *c, struct scan *s, const char *file)
{
	char real[PATH_MAX];

	s->depth++;
	if (file[0] == '<' || !realpath(file, real))
		return;
	add_dep(c, real);
	if (s->plat_depth >= 0)
		return;
	for (int i = 0; i < s->nplat; i++) {
		if (!inside_dir(real, s->plat_dirs[i]))
			continue;
		s->plat_depth = s->depth;
		if (!c->platform_file)
			c->platform_file = xstrdup(real);
		else if (strcmp(c->platform_file, real))
			diag_file(
				c,
				"it includes two platform descriptions, %s and %s: a system runs on one platform",
				display_path(c->platform_file),
				display_path(real));
		return;
	}
}

int scan_line_markers(struct config *c, const struct compile_opts *o,
		      const char *pp)
{
	struct scan s = { .plat_depth = -1 };
	char file[PATH_MAX], real[PATH_MAX];
	int flags, before = c->nerrors;

	s.plat_dirs = xcalloc((size_t)o->ndirs, sizeof(char *));
	for (int i = 0; i < o->ndirs; i++)
		if (o->dirs[i].platform && realpath(o->dirs[i].path, real))
			s.plat_dirs[s.nplat++] = xstrdup(real);
	if (realpath(o->dts, real))
		add_dep(c, real);
	for (const char *l = pp; l; l = strchr(l, '\n'), l = l ? l + 1 : l) {
		if (!line_marker(l, file, sizeof(file), &flags))
			continue;
		if (flags & 2) {
			entered(c, &s, file);
		} else if (flags & 4) {
			if (s.depth == s.plat_depth)
				s.plat_depth = -1;
			s.depth--;
		}
	}
	if (!o->nplat)
		diag_file(
			c,
			"no platform directory given (-P DIR): the platform cannot be told from the config");
	else if (!c->platform_file)
		diag_file(
			c,
			"it includes no platform description: #include one from a platform directory (e.g. #include \"qemu-virt.dtsi\" from dts/)");
	for (int i = 0; i < s.nplat; i++)
		free(s.plat_dirs[i]);
	free(s.plat_dirs);
	return c->nerrors == before ? 0 : -1;
}

/* "FILE:L1:C1-L2:C2" -> file and L1; false if it is not that. */
static bool parse_pos(const char *s, size_t n, struct srcpos_at *at)
{
	const char *dash = NULL, *c1 = NULL, *c0 = NULL;

	for (const char *p = s; p < s + n; p++) /* the last '-' */
		if (*p == '-')
			dash = p;
	if (!dash)
		return false;
	for (const char *p = s; p < dash; p++)
		if (*p == ':') {
			c0 = c1;
			c1 = p;
		}
	if (!c0 || c0 == s)
		return false;
	at->file = xmalloc((size_t)(c0 - s) + 1);
	memcpy(at->file, s, (size_t)(c0 - s));
	at->file[c0 - s] = 0;
	at->line = atoi(c0 + 1);
	return true;
}

/* The positions in "NAME { /\* A, B *\/": into @e. */
static void parse_positions(const char *comment, const char *end,
			    struct srcpos *e)
{
	const char *p = comment;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		struct srcpos_at at;

		while (*p == ' ')
			p++;
		if (stop > p && parse_pos(p, (size_t)(stop - p), &at)) {
			if (e->count++)
				free(e->last.file);
			if (e->count == 1)
				e->first = at;
			e->last =
				e->count == 1
					? (struct srcpos_at){ xstrdup(at.file),
							      at.line }
					: at;
		}
		p = stop + 1;
	}
}

struct path_stack {
	char *buf;
	int cap;
	int *len; /* length of the path at each depth */
	int lcap;
	int depth;
};

static void push_name(struct path_stack *ps, const char *name, size_t n)
{
	int at = ps->depth ? ps->len[ps->depth - 1] : 0;
	bool root = ps->depth == 0;
	int need = at + (int)n + 2;

	ps->buf = vec_grow(ps->buf, &ps->cap, need, 1);
	ps->len = vec_grow(ps->len, &ps->lcap, ps->depth + 1, sizeof(int));
	if (root) {
		strcpy(ps->buf, "/");
		at = 1;
	} else {
		if (at > 1)
			ps->buf[at++] = '/';
		memcpy(ps->buf + at, name, n);
		at += (int)n;
		ps->buf[at] = 0;
	}
	ps->len[ps->depth++] = at;
}

static void add_entry(struct config *c, const char *path, const char *com,
		      const char *end)
{
	struct srcpos *e;

	c->srcpos = vec_grow(c->srcpos, &c->srcpos_cap, c->nsrcpos + 1,
			     sizeof(*c->srcpos));
	e = &c->srcpos[c->nsrcpos++];
	memset(e, 0, sizeof(*e));
	e->path = xstrdup(path);
	if (com)
		parse_positions(com, end, e);
}

/* "NAME = VALUE;" or "NAME;": remember where NODE:NAME was written. */
static void property_line(struct config *c, struct path_stack *ps,
			  const char *l, const char *body_end, const char *com,
			  const char *eol)
{
	const char *p = l;
	char *key;
	size_t n;

	while (p < body_end && *p != ' ' && *p != ';')
		p++;
	n = (size_t)(p - l);
	key = xasprintf("%s:%.*s", ps->buf, (int)n, l);
	add_entry(c, key, com ? com + 4 : NULL, com ? eol - 3 : NULL);
	free(key);
}

/* One line of annotated source: a node opens, closes, or neither. */
static void source_line(struct config *c, struct path_stack *ps, const char *l,
			const char *eol)
{
	const char *com = NULL, *body_end = eol, *name;

	while (l < eol && *l == '\t')
		l++;
	for (const char *p = l; p + 3 <= eol; p++)
		if (!memcmp(p, " /* ", 4) && eol - p >= 7 &&
		    !memcmp(eol - 3, " */", 3))
			com = p;
	if (com)
		body_end = com;
	if (body_end - l == 2 && !memcmp(l, "};", 2)) {
		if (ps->depth)
			ps->depth--;
		if (ps->depth)
			ps->buf[ps->len[ps->depth - 1]] = 0;
		return;
	}
	if (body_end - l >= 2 && !memcmp(body_end - 1, ";", 1) && ps->depth) {
		property_line(c, ps, l, body_end, com, eol);
		return;
	}
	if (body_end - l < 2 || memcmp(body_end - 2, " {", 2))
		return;
	name = l;
	for (const char *p = l; p + 1 < body_end - 2; p++)
		if (p[0] == ':' && p[1] == ' ')
			name = p + 2; /* skip "label: " */
	push_name(ps, name, (size_t)(body_end - 2 - name));
	add_entry(c, ps->buf, com ? com + 4 : NULL, com ? eol - 3 : NULL);
}

static int cmp_srcpos(const void *a, const void *b)
{
	return strcmp(((const struct srcpos *)a)->path,
		      ((const struct srcpos *)b)->path);
}

void srcpos_read(struct config *c, const char *annotated)
{
	struct path_stack ps = { 0 };

	for (const char *l = annotated; *l;) {
		const char *eol = strchr(l, '\n');

		if (!eol)
			eol = l + strlen(l);
		source_line(c, &ps, l, eol);
		l = *eol ? eol + 1 : eol;
	}
	free(ps.buf);
	free(ps.len);
	if (c->nsrcpos)
		qsort(c->srcpos, (size_t)c->nsrcpos, sizeof(*c->srcpos),
		      cmp_srcpos);
}

const struct srcpos *srcpos_find(const struct config *c, const char *path)
{
	struct srcpos key = { .path = (char *)path };

	if (!c->nsrcpos || !path)
		return NULL;
	return bsearch(&key, c->srcpos, (size_t)c->nsrcpos, sizeof(key),
		       cmp_srcpos);
}

void srcpos_free(struct config *c)
{
	for (int i = 0; i < c->nsrcpos; i++) {
		free(c->srcpos[i].path);
		free(c->srcpos[i].first.file);
		free(c->srcpos[i].last.file);
	}
	free(c->srcpos);
	c->srcpos = NULL;
	c->nsrcpos = 0;
}
