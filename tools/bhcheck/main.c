// SPDX-License-Identifier: MIT
/*
 * bhcheck command line:
 *   bhcheck IMAGE.elf --config CONFIG.dtb --platform PLATFORM.dtb
 *           [--name SHOWN] [--config-dir DIR] [-L IMAGEDIR]...
 *           [--remove-on-failure]
 * reads the core's tables out of IMAGE.elf, derives what the config asks
 * for from the two DTBs bhconfig wrote (and the image files), and checks
 * the one against the other and the isolation properties on the tables.
 * Every failure is one line, "error: SHOWN: NODE: bhcheck: REASON"; the
 * exit status is 1 if there is any (and with --remove-on-failure the
 * image is deleted, so that no build leaves an unchecked image behind),
 * 2 on bad usage or unreadable input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bhcheck.h"

struct opts {
	const char *image, *config, *platform, *name, *dir;
	const char **dirs;
	int ndirs, cap;
	bool remove;
};

static int usage(void)
{
	fprintf(stderr,
		"usage: bhcheck IMAGE.elf --config CONFIG.dtb --platform PLATFORM.dtb\n"
		"               [--name SHOWN] [--config-dir DIR] [-L DIR]... [--remove-on-failure]\n");
	return 2;
}

static int parse(int argc, char **argv, struct opts *o)
{
	o->image = argv[1];
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--remove-on-failure")) {
			o->remove = true;
			continue;
		}
		if (!v)
			return -1;
		if (!strcmp(a, "--config"))
			o->config = v;
		else if (!strcmp(a, "--platform"))
			o->platform = v;
		else if (!strcmp(a, "--name"))
			o->name = v;
		else if (!strcmp(a, "--config-dir"))
			o->dir = v;
		else if (!strcmp(a, "-L")) {
			o->dirs = grow(o->dirs, &o->cap, o->ndirs + 1,
				       sizeof(*o->dirs));
			o->dirs[o->ndirs++] = v;
		} else
			return -1;
		i++;
	}
	return o->config && o->platform ? 0 : -1;
}

static void *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f && !fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET) && (buf = malloc((size_t)n))) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
	}
	if (f)
		fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct check k = { 0 };
	const uint16_t one = 1;
	void *cfg, *plat;
	char *why;
	struct elf *e;

	if (argc < 2 || parse(argc, argv, &o))
		return usage();
	if (*(const uint8_t *)&one != 1) {
		fprintf(stderr, "bhcheck: the host must be little-endian\n");
		return 2;
	}
	k.config = o.name ? o.name : o.config;
	k.image = o.image;
	k.config_dir = o.dir ? o.dir : ".";
	k.image_dirs = o.dirs;
	k.nimage_dirs = o.ndirs;
	cfg = read_all(o.config);
	plat = read_all(o.platform);
	e = elf_open(o.image, &why);
	if (!cfg || !plat || !e) {
		fprintf(stderr, "error: %s: bhcheck: %s\n", k.config,
			why ? why : "cannot read the config or platform DTB");
		free(why);
		return 2;
	}
	k.elf = e;
	check_run(&k, cfg, plat);
	if (k.failures) {
		fprintf(stderr,
			"error: %s: bhcheck: %d problem%s in %s: it does not do what the config says, or breaks isolation%s\n",
			k.config, k.failures, k.failures == 1 ? "" : "s",
			o.image, o.remove ? " (image removed)" : "");
		if (o.remove)
			unlink(o.image);
	}
	check_free(&k);
	elf_close(e);
	free(cfg);
	free(plat);
	free(o.dirs);
	return k.failures ? 1 : 0;
}
