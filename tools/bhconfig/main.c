// SPDX-License-Identifier: MIT
/*
 * bhconfig command line.
 *   bhconfig gen CONFIG.dts --out DIR [-I DTSDIR]... [-L IMAGEDIR]...
 *            [--name SHOWN] [--depfile FILE --deptarget TARGET]
 *       validate and write DIR/{config.c,images.s,layout.ld,report.txt}
 *   bhconfig check CONFIG.dts [-I DTSDIR]... [-L IMAGEDIR]... [--name SHOWN]
 *       validate only: prints the errors, exit status 1 if there are any
 *   bhconfig report IMAGE.elf REPORT.in REPORT.txt [--quiet]
 *       REPORT.txt = REPORT.in + the linked core's size; print it unless quiet
 * SHOWN is how the config is named in messages (default: as given).
 */
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

#include "bhconfig.h"

#define MAX_DIRS 16

struct args {
	const char *cmd, *config, *name, *out, *depfile, *deptarget;
	const char *inc[MAX_DIRS], *img[MAX_DIRS];
	int ninc, nimg;
};

static int usage(void)
{
	fprintf(stderr,
		"usage: bhconfig gen CONFIG.dts --out DIR [-I DIR]... [-L DIR]... [--name SHOWN]\n"
		"       bhconfig check CONFIG.dts [-I DIR]... [-L DIR]... [--name SHOWN]\n"
		"       bhconfig report IMAGE.elf REPORT.in REPORT.txt [--quiet]\n");
	return 2;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	a->cmd = argv[1];
	a->config = argv[2];
	for (int i = 3; i < argc; i++) {
		const char *opt = argv[i],
			   *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val)
			return -1;
		if (!strcmp(opt, "-I") && a->ninc < MAX_DIRS)
			a->inc[a->ninc++] = val;
		else if (!strcmp(opt, "-L") && a->nimg < MAX_DIRS)
			a->img[a->nimg++] = val;
		else if (!strcmp(opt, "--out"))
			a->out = val;
		else if (!strcmp(opt, "--name"))
			a->name = val;
		else if (!strcmp(opt, "--depfile"))
			a->depfile = val;
		else if (!strcmp(opt, "--deptarget"))
			a->deptarget = val;
		else
			return -1;
		i++;
	}
	return 0;
}

static int write_dtbs(const struct config *c)
{
	for (int i = 0; i < c->nparts; i++) {
		const struct part *p = &c->part[i];
		FILE *f;

		if (!p->dtb)
			continue;
		f = fopen(p->dtb_file, "wb");
		if (!f || fwrite(p->dtb, 1, p->dtb_size, f) != p->dtb_size) {
			fprintf(stderr, "bhconfig: cannot write %s\n",
				p->dtb_file);
			if (f)
				fclose(f);
			return 1;
		}
		fclose(f);
	}
	return 0;
}

static int write_outputs(const struct config *c, const char *dir)
{
	static const struct {
		const char *file;
		int (*fn)(const struct config *, const char *);
	} outs[] = {
		{ "config.c", gen_config_c },
		{ "images.s", gen_images_s },
		{ "layout.ld", gen_layout_ld },
		{ "report.in", gen_report },
	};
	char path[1024];

	if (write_dtbs(c))
		return 1;
	for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, outs[i].file);
		if (outs[i].fn(c, path)) {
			fprintf(stderr, "bhconfig: cannot write %s\n", path);
			return 1;
		}
	}
	return 0;
}

static int run_config(const struct args *a)
{
	static struct config c;
	static char out[4096];
	void *fdt;
	int rc;

	c.file = a->name ? a->name : a->config;
	if (a->out && !realpath(a->out, out)) {
		fprintf(stderr, "bhconfig: %s: no such directory\n", a->out);
		return 2;
	}
	c.out = a->out ? out : NULL;
	c.image_dirs = a->img;
	c.nimage_dirs = a->nimg;
	fdt = dts_compile(a->config, a->inc, a->ninc, a->depfile, a->deptarget);
	if (!fdt) {
		fprintf(stderr,
			"error: %s: the device tree could not be compiled (see above)\n",
			c.file);
		return 1;
	}
	c.fdt = fdt;
	config_parse(&c, fdt);
	if (!c.nerrors)
		config_validate(&c);
	if (!c.nerrors)
		config_place(&c);
	if (!c.nerrors)
		config_layout(&c);
	diag_print(&c);
	rc = c.nerrors ? 1 : 0;
	if (!rc && !strcmp(a->cmd, "gen"))
		rc = write_outputs(&c, a->out);
	diag_free(&c);
	for (int i = 0; i < c.nparts; i++)
		free(c.part[i].dtb);
	free(fdt);
	return rc;
}

int main(int argc, char **argv)
{
	struct args a = { 0 };

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
	return run_config(&a);
}
