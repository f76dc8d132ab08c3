// SPDX-License-Identifier: MIT
/*
 * "want", part two: the copies a partition's image and initramfs call
 * for, derived from the files themselves. A bare name is looked up in
 * the image directories (NAME, then NAME.elf) and must resolve inside
 * the directory; a name starting with ./, ../ or / is a path from the
 * config's folder. An ELF64 file asks for each PT_LOAD's p_filesz bytes
 * at its p_paddr (p_memsz reserved), an arm64 Linux Image (magic
 * "ARM\x64" at 0x38) for the whole file text_offset above the first 2 MiB
 * boundary of the first range (image_size reserved), anything else for
 * the whole file at the start of the first range. Where the initramfs
 * goes is a policy, not the format's: only its bytes and size are known
 * here, and match.c checks wherever it went.
 */
#include <elf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bhcheck.h"

static bool regular(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static bool inside(const char *file, const char *dir)
{
	char rf[PATH_MAX], rd[PATH_MAX];
	size_t n;

	if (!realpath(file, rf) || !realpath(dir, rd))
		return false;
	n = strlen(rd);
	return !strcmp(rd, "/") || (!strncmp(rf, rd, n) && rf[n] == '/');
}

static char *resolve(struct check *k, const char *who, const char *name)
{
	static const char *const suffix[] = { "", ".elf" };

	if (!strncmp(name, "./", 2) || !strncmp(name, "../", 3) ||
	    name[0] == '/')
		return name[0] == '/' ? fmt("%s", name)
				      : fmt("%s/%s", k->config_dir, name);
	if (strstr(name, "..")) {
		check_fail(k, who, "\"%s\" leaves the image directories", name);
		return NULL;
	}
	for (int d = 0; d < k->nimage_dirs; d++)
		for (int s = 0; s < 2; s++) {
			char *f = fmt("%s/%s%s", k->image_dirs[d], name,
				      suffix[s]);

			if (regular(f) && inside(f, k->image_dirs[d]))
				return f;
			free(f);
		}
	check_fail(k, who, "\"%s\" is in no image directory", name);
	return NULL;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf = NULL;

	if (f && !fstat(fileno(f), &st) && S_ISREG(st.st_mode) &&
	    (buf = malloc((size_t)st.st_size + 1))) {
		*len = fread(buf, 1, (size_t)st.st_size, f);
		if (*len != (size_t)st.st_size) {
			free(buf);
			buf = NULL;
		}
	}
	if (f)
		fclose(f);
	return buf;
}

static void want(struct want_part *p, const char *what, uint64_t ipa,
		 uint64_t size, uint64_t memsz, const uint8_t *bytes,
		 bool placed)
{
	p->copy = grow(p->copy, &p->copy_cap, p->ncopies + 1, sizeof(*p->copy));
	p->copy[p->ncopies++] =
		(struct want_copy){ what, ipa, size, memsz, bytes, placed };
}

static void from_elf(struct check *k, struct want_part *p, const uint8_t *b,
		     size_t len)
{
	Elf64_Ehdr eh;

	if (len < sizeof(eh)) {
		check_fail(k, p->path, "image \"%s\" is a truncated ELF file",
			   p->image);
		return;
	}
	memcpy(&eh, b, sizeof(eh));
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff > len ||
	    (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > len - eh.e_phoff) {
		check_fail(k, p->path,
			   "image \"%s\" has unreadable program headers",
			   p->image);
		return;
	}
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, b + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > len ||
		    ph.p_filesz > len - ph.p_offset) {
			check_fail(k, p->path,
				   "image \"%s\": segment %u is malformed",
				   p->image, i);
			continue;
		}
		want(p, "image", ph.p_paddr, ph.p_filesz, ph.p_memsz,
		     b + ph.p_offset, true);
	}
	p->entry = eh.e_entry;
}

static void from_linux(struct check *k, struct want_part *p, const uint8_t *b,
		       size_t len)
{
	uint64_t text_offset, image_size, base;

	memcpy(&text_offset, b + 8, 8);
	memcpy(&image_size, b + 16, 8);
	if (!p->nmem || __builtin_add_overflow(p->ipa[0], 0x1fffffULL, &base) ||
	    __builtin_add_overflow(base & ~0x1fffffULL, text_offset,
				   &p->entry)) {
		check_fail(k, p->path, "kernel \"%s\" cannot be placed",
			   p->image);
		return;
	}
	want(p, "kernel", p->entry, len, image_size > len ? image_size : len, b,
	     true);
}

void images_derive(struct check *k, int pi)
{
	struct want_part *p = &k->w.part[pi];
	size_t len = 0;
	char *file;
	uint8_t *b;

	file = p->image ? resolve(k, p->path, p->image) : NULL;
	b = file ? slurp(file, &len) : NULL;
	if (file && !b)
		check_fail(k, p->path, "cannot read %s", file);
	p->file_bytes[0] = b;
	if (b && len >= 4 && !memcmp(b, ELFMAG, SELFMAG))
		from_elf(k, p, b, len);
	else if (b && len >= 64 && !memcmp(b + 0x38, "ARM\x64", 4))
		from_linux(k, p, b, len);
	else if (b && p->nmem) {
		p->entry = p->ipa[0];
		want(p, "image", p->ipa[0], len, len, b, true);
	}
	free(file);
	if (!p->initrd)
		return;
	file = resolve(k, p->path, p->initrd);
	b = file ? slurp(file, &len) : NULL;
	if (file && !b)
		check_fail(k, p->path, "cannot read %s", file);
	p->file_bytes[1] = b;
	if (b)
		want(p, "initrd", 0, len, len, b, false);
	free(file);
}
