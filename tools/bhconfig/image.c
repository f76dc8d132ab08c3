// SPDX-License-Identifier: MIT
/*
 * Guest images: where each file comes from and where its bytes go. An
 * image is found by name in the image directories (NAME, then NAME.elf).
 * Formats:
 *  - ELF64 AArch64: each PT_LOAD segment is copied to its p_paddr (an IPA),
 *    entry = e_entry; segments must lie inside the partition's memory.
 *  - arm64 Linux Image ("ARM\x64" at 0x38): loaded text_offset bytes above
 *    a 2 MiB aligned base in the first memory range, entry = load address.
 *  - anything else: raw, loaded at the start of the first memory range.
 * Every destination IPA is translated to its physical address here, so
 * the core copies to physical addresses without any translation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bhconfig.h"
#include "elf64.h"

#define DTB_RESERVE 0x10000ULL /* 64 KiB for the guest device tree */

uint64_t part_ipa_to_pa(const struct part *p, uint64_t ipa, uint64_t size,
			bool *ok)
{
	for (int i = 0; i < p->nmem; i++)
		if (ipa >= p->ipa[i] && ipa - p->ipa[i] <= p->mem[i].size &&
		    size <= p->mem[i].size - (ipa - p->ipa[i])) {
			*ok = true;
			return p->mem[i].base + (ipa - p->ipa[i]);
		}
	*ok = false;
	return 0;
}

static bool find_image(const struct config *c, const char *name, char *out,
		       size_t size)
{
	static const char *const suffix[] = { "", ".elf" };
	struct stat st;

	for (int d = 0; d < c->nimage_dirs; d++)
		for (size_t s = 0; s < 2; s++) {
			snprintf(out, size, "%s/%s%s", c->image_dirs[d], name,
				 suffix[s]);
			if (!stat(out, &st) && S_ISREG(st.st_mode))
				return true;
		}
	return false;
}

/* @shown: how the config names the file (for messages). */
static bool add_load(struct config *c, struct part *p, const char *what,
		     const char *shown, const char *file, uint64_t off,
		     uint64_t size, uint64_t memsz, uint64_t ipa)
{
	struct load *l;
	bool ok;

	if (p->nload == MAX_LOADS) {
		diag(c, p->path, "too many image segments (at most %d)",
		     MAX_LOADS);
		return false;
	}
	l = &p->load[p->nload];
	l->pa = part_ipa_to_pa(p, ipa, memsz, &ok);
	if (!ok) {
		diag(c, p->path,
		     "%s \"%s\" does not fit in the partition's memory: it loads at guest 0x%llx",
		     what, shown, (unsigned long long)ipa);
		return false;
	}
	snprintf(l->what, sizeof(l->what), "%s", what);
	snprintf(l->shown, sizeof(l->shown), "%s", shown);
	snprintf(l->file, sizeof(l->file), "%s", file);
	l->offset = off;
	l->size = size;
	l->memsz = memsz;
	l->ipa = ipa;
	p->nload++;
	return true;
}

static bool place_elf(struct config *c, struct part *p, const char *file,
		      const unsigned char *buf, size_t len)
{
	const struct elf64_ehdr *eh = (const void *)buf;
	bool any = false;

	if (len < sizeof(*eh) || eh->e_ident[4] != 2 || eh->e_ident[5] != 1 ||
	    eh->e_machine != EM_AARCH64 ||
	    eh->e_phentsize != sizeof(struct elf64_phdr) ||
	    eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr) >
		    len) {
		diag(c, p->path,
		     "image \"%s\" is not a little-endian AArch64 ELF64 file",
		     p->image);
		return false;
	}
	for (int i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *ph =
			(const void *)(buf + eh->e_phoff +
				       (size_t)i * sizeof(*ph));

		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		if (ph->p_offset + ph->p_filesz > len) {
			diag(c, p->path,
			     "image \"%s\": segment %d lies beyond the file",
			     p->image, i);
			return false;
		}
		if (!add_load(c, p, "image", p->image, file, ph->p_offset,
			      ph->p_filesz, ph->p_memsz, ph->p_paddr))
			return false;
		any = true;
	}
	if (!any)
		diag(c, p->path, "image \"%s\" has no loadable segment",
		     p->image);
	p->entry = eh->e_entry;
	return any;
}

/* arm64 boot protocol (Documentation/arm64/booting.rst): header at 0. */
static bool place_linux(struct config *c, struct part *p, const char *file,
			const unsigned char *buf, size_t len)
{
	uint64_t text_offset, image_size, base;

	memcpy(&text_offset, buf + 8, 8);
	memcpy(&image_size, buf + 16, 8);
	if (!image_size)
		image_size = len;
	base = (p->ipa[0] + SZ_2M - 1) & ~(SZ_2M - 1);
	p->entry = base + text_offset;
	return add_load(c, p, "kernel", p->image, file, 0, len, image_size,
			p->entry);
}

static unsigned char *slurp(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	unsigned char *buf = NULL;
	struct stat st;

	if (f && !fstat(fileno(f), &st) &&
	    (buf = malloc((size_t)st.st_size + 1)))
		*len = fread(buf, 1, (size_t)st.st_size, f);
	if (f)
		fclose(f);
	return buf;
}

static void place_part(struct config *c, struct part *p)
{
	char file[512];
	unsigned char *buf;
	size_t len = 0;
	int before = c->nerrors;

	if (!p->image[0] || !p->nmem)
		return;
	if (!find_image(c, p->image, file, sizeof(file))) {
		diag(c, p->path,
		     "image \"%s\" not found in the image directories",
		     p->image);
		return;
	}
	buf = slurp(file, &len);
	if (!buf || !len) {
		diag(c, p->path, "image \"%s\" cannot be read or is empty",
		     p->image);
	} else if (len >= 4 && !memcmp(buf, "\177ELF", 4)) {
		place_elf(c, p, file, buf, len);
	} else if (len >= 64 && !memcmp(buf + 0x38, "ARM\x64", 4)) {
		place_linux(c, p, file, buf, len);
	} else {
		p->entry = p->ipa[0];
		add_load(c, p, "image", p->image, file, 0, len, len, p->ipa[0]);
	}
	free(buf);
	if (p->nload && c->nerrors == before) {
		bool ok;

		part_ipa_to_pa(p, p->entry, 4, &ok);
		if (!ok)
			diag(c, p->path,
			     "image \"%s\": entry point 0x%llx is outside the partition's memory",
			     p->image, (unsigned long long)p->entry);
	}
}

/* Initrd and device tree go at the top of the first memory range. */
static void place_extras(struct config *c, int pi)
{
	struct part *p = &c->part[pi];
	uint64_t top = p->ipa[0] + p->mem[0].size, dtb_ipa = top - DTB_RESERVE;
	char file[512];
	struct stat st;

	if (p->mem[0].size < DTB_RESERVE)
		return;
	if (p->initrd[0]) {
		if (!find_image(c, p->initrd, file, sizeof(file)) ||
		    stat(file, &st)) {
			diag(c, p->path,
			     "initrd \"%s\" not found in the image directories",
			     p->initrd);
			return;
		}
		if ((uint64_t)st.st_size + DTB_RESERVE > p->mem[0].size) {
			diag(c, p->path,
			     "initrd \"%s\" (%lld bytes) does not fit in the first memory range",
			     p->initrd, (long long)st.st_size);
			return;
		}
		add_load(c, p, "initrd", p->initrd, file, 0,
			 (uint64_t)st.st_size, (uint64_t)st.st_size,
			 (dtb_ipa - (uint64_t)st.st_size) & ~(PAGE - 1));
	}
	if (!c->fdt)
		return;
	p->dtb_ipa = dtb_ipa;
	guest_dt_build(c, pi);
	snprintf(file, sizeof(file), "%s/%s.dtb", c->out ? c->out : ".",
		 p->name);
	memcpy(p->dtb_file, file, sizeof(p->dtb_file));
	add_load(c, p, "dtb", "(generated)", p->dtb_file, 0, p->dtb_size,
		 DTB_RESERVE, dtb_ipa);
}

static void check_overlaps(struct config *c, const struct part *p)
{
	for (int a = 0; a < p->nload; a++)
		for (int b = a + 1; b < p->nload; b++) {
			const struct load *x = &p->load[a], *y = &p->load[b];

			if (regions_overlap((struct region){ x->ipa, x->memsz },
					    (struct region){ y->ipa,
							     y->memsz }))
				diag(c, p->path,
				     "%s \"%s\" overlaps %s \"%s\" in the partition's memory: give it more memory",
				     y->what, y->shown, x->what, x->shown);
		}
}

void config_place(struct config *c)
{
	for (int i = 0; i < c->nparts; i++) {
		int before = c->nerrors;

		place_part(c, &c->part[i]);
		if (c->nerrors == before)
			place_extras(c, i);
		if (c->nerrors == before)
			check_overlaps(c, &c->part[i]);
	}
}
