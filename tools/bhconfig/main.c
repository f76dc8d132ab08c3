// SPDX-License-Identifier: MIT
/*
 * bhconfig command line.
 *   bhconfig gen CONFIG.dts --out DIR [-P PLATDIR]... [-I DIR]...
 *            [-L IMAGEDIR]... [--name SHOWN]
 *            [--depfile FILE --deptarget TARGET]
 *       validate and write DIR/{config.c,images.s,layout.ld,report.in,
 *       config.dtb,platform.dtb,NAME.dtb...}
 *   bhconfig check CONFIG.dts [-P PLATDIR]... [-I DIR]... [-L IMAGEDIR]...
 *            [--name SHOWN]
 *       validate only: prints the errors, exit status 1 if there are any
 *   bhconfig report IMAGE.elf REPORT.in REPORT.txt [--quiet]
 *       REPORT.txt = REPORT.in + the linked core's size; print it unless quiet
 * -P names a platform directory (searched for #include like -I): the file
 * a config includes from there is its platform description. SHOWN is how
 * the config is named in messages (default: as given); explicit image
 * paths are relative to the config's own directory.
 */
#include <libfdt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhconfig.h"

struct args {
	const char *cmd, *config, *name, *out, *depfile, *deptarget;
	struct search_dir *dirs;
	int ndirs, dirs_cap, nplat;
	const char **img;
	int nimg, img_cap;
};

static int usage(void)
{
	fprintf(stderr,
		"usage: bhconfig gen CONFIG.dts --out DIR [-P DIR]... [-I DIR]... [-L DIR]... [--name SHOWN]\n"
		"                [--depfile FILE --deptarget TARGET]\n"
		"       bhconfig check CONFIG.dts [-P DIR]... [-I DIR]... [-L DIR]... [--name SHOWN]\n"
		"       bhconfig report IMAGE.elf REPORT.in REPORT.txt [--quiet]\n");
	return 2;
}

static void add_dir(struct args *a, const char *dir, bool platform)
{
	a->dirs =
		vec_grow(a->dirs, &a->dirs_cap, a->ndirs + 1, sizeof(*a->dirs));
	a->dirs[a->ndirs++] = (struct search_dir){ dir, platform };
	a->nplat += platform;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	a->cmd = argv[1];
	a->config = argv[2];
	for (int i = 3; i < argc; i += 2) {
		const char *opt = argv[i], *val = argv[i + 1];

		if (i + 1 >= argc)
			return -1;
		if (!strcmp(opt, "-I") || !strcmp(opt, "-P")) {
			add_dir(a, val, opt[1] == 'P');
		} else if (!strcmp(opt, "-L")) {
			a->img = vec_grow(a->img, &a->img_cap, a->nimg + 1,
					  sizeof(*a->img));
			a->img[a->nimg++] = val;
		} else if (!strcmp(opt, "--out")) {
			a->out = val;
		} else if (!strcmp(opt, "--name")) {
			a->name = val;
		} else if (!strcmp(opt, "--depfile")) {
			a->depfile = val;
		} else if (!strcmp(opt, "--deptarget")) {
			a->deptarget = val;
		} else {
			return -1;
		}
	}
	return 0;
}

static int write_blob(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(data, 1, size, f) == size;

	if (f && fclose(f))
		ok = false;
	if (!ok)
		fprintf(stderr, "bhconfig: cannot write %s\n", path);
	return ok ? 0 : 1;
}

/* The compiled config and platform, for the independent checker. */
static int write_dtbs(const struct config *c, const char *dir)
{
	char *path = xasprintf("%s/config.dtb", dir);
	int rc = write_blob(path, c->fdt, fdt_totalsize(c->fdt));

	free(path);
	if (!rc && c->platform) {
		path = xasprintf("%s/platform.dtb", dir);
		rc = write_blob(path, c->platform, fdt_totalsize(c->platform));
		free(path);
	}
	for (int i = 0; !rc && i < c->nparts; i++)
		if (c->part[i].dtb)
			rc = write_blob(c->part[i].dtb_file, c->part[i].dtb,
					c->part[i].dtb_size);
	return rc;
}

static int write_outputs(const struct config *c, const struct args *a)
{
	static const struct {
		const char *file;
		int (*fn)(const struct config *, const char *);
	} outs[] = {
		{ "config.c", gen_config_c },	{ "images.s", gen_images_s },
		{ "layout.ld", gen_layout_ld }, { "report.in", gen_report },
		{ "disks.txt", gen_disks },
	};

	if (write_dtbs(c, c->out))
		return 1;
	for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++) {
		char *path = xasprintf("%s/%s", c->out, outs[i].file);
		int rc = outs[i].fn(c, path);

		if (rc)
			fprintf(stderr, "bhconfig: cannot write %s\n", path);
		free(path);
		if (rc)
			return 1;
	}
	if (a->depfile &&
	    gen_depfile(c, a->depfile,
			a->deptarget ? a->deptarget : "config.c")) {
		fprintf(stderr, "bhconfig: cannot write %s\n", a->depfile);
		return 1;
	}
	return 0;
}

static void run_stages(struct config *c)
{
	config_parse(c, c->fdt);
	if (!c->nerrors)
		config_validate(c);
	if (!c->nerrors)
		virtio_assign(c);
	if (!c->nerrors)
		config_place(c);
	if (!c->nerrors)
		config_layout(c);
}

static int run_config(const struct args *a)
{
	static struct config c;
	static char out[PATH_MAX];
	char *dir = xstrdup(a->config);
	struct compile_opts o = { a->config, a->dirs, a->ndirs, a->nplat };
	int rc;

	c.file = a->name ? a->name : a->config;
	c.source = a->config;
	c.config_dir = dirname(dir);
	if (a->out && !realpath(a->out, out)) {
		fprintf(stderr, "bhconfig: %s: no such directory\n", a->out);
		free(dir);
		return 2;
	}
	c.out = a->out ? out : NULL;
	c.image_dirs = a->img;
	c.nimage_dirs = a->nimg;
	if (!dts_compile(&c, &o))
		run_stages(&c);
	diag_print(&c);
	rc = c.nerrors ? 1 : 0;
	if (!rc && !strcmp(a->cmd, "gen"))
		rc = write_outputs(&c, a);
	free((void *)c.fdt);
	free((void *)c.platform);
	config_free(&c);
	free(dir);
	return rc;
}

int main(int argc, char **argv)
{
	struct args a = { 0 };
	int rc;

	if (argc < 3)
		return usage();
	if (!strcmp(argv[1], "report")) {
		bool quiet = argc == 6 && !strcmp(argv[5], "--quiet");

		if (argc != 5 && !quiet)
			return usage();
		return report_elf(argv[2], argv[3], argv[4], quiet);
	}
	if ((strcmp(argv[1], "gen") && strcmp(argv[1], "check")) ||
	    parse_args(argc, argv, &a) || (!strcmp(a.cmd, "gen") && !a.out))
		return usage();
	rc = run_config(&a);
	free(a.dirs);
	free(a.img);
	return rc;
}
