// SPDX-License-Identifier: MIT
/*
 * Post-link report: the size of the core itself (text, rodata, data, bss,
 * translation tables), read from the linked image's section headers, and
 * of the embedded guest images, added to what bhconfig gen wrote before
 * the link (report.in); the result, report.txt, is printed so the build
 * shows it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhconfig.h"
#include "elf64.h"

struct sizes {
	uint64_t text, rodata, data, bss, pt, images;
	uint64_t start, end; /* span of the core's sections */
};

static void account(struct sizes *s, const char *name, uint64_t addr,
		    uint64_t size)
{
	if (strncmp(name, ".images", 7)) {
		if (!s->start || addr < s->start)
			s->start = addr;
		if (addr + size > s->end)
			s->end = addr + size;
	}
	if (!strncmp(name, ".text", 5))
		s->text += size;
	else if (!strncmp(name, ".rodata", 7))
		s->rodata += size;
	else if (!strncmp(name, ".data", 5))
		s->data += size;
	else if (!strncmp(name, ".bss", 4))
		s->bss += size;
	else if (!strncmp(name, ".pt", 3))
		s->pt += size;
	else if (!strncmp(name, ".images", 7))
		s->images += size;
}

static int read_sizes(const char *elf, struct sizes *s)
{
	FILE *f = fopen(elf, "rb");
	struct elf64_ehdr eh;
	struct elf64_shdr *sh = NULL, str;
	char *names = NULL;
	int rc = -1;

	if (!f || fread(&eh, sizeof(eh), 1, f) != 1 ||
	    memcmp(eh.e_ident, "\177ELF", 4))
		goto out;
	sh = calloc(eh.e_shnum, sizeof(*sh));
	if (!sh || fseek(f, (long)eh.e_shoff, SEEK_SET) ||
	    fread(sh, sizeof(*sh), eh.e_shnum, f) != eh.e_shnum)
		goto out;
	str = sh[eh.e_shstrndx];
	names = calloc(1, str.sh_size + 1);
	if (!names || fseek(f, (long)str.sh_offset, SEEK_SET) ||
	    fread(names, 1, str.sh_size, f) != str.sh_size)
		goto out;
	for (int i = 0; i < eh.e_shnum; i++)
		if (sh[i].sh_flags & 2 /* SHF_ALLOC */)
			account(s, names + sh[i].sh_name, sh[i].sh_addr,
				sh[i].sh_size);
	rc = 0;
out:
	free(names);
	free(sh);
	if (f)
		fclose(f);
	return rc;
}

int report_elf(const char *elf, const char *in, const char *report, bool quiet)
{
	struct sizes s = { 0 };
	uint64_t core;
	FILE *f, *src;
	int c;

	if (read_sizes(elf, &s)) {
		fprintf(stderr,
			"bhconfig: %s: cannot read ELF section headers\n", elf);
		return 1;
	}
	core = s.text + s.rodata + s.data + s.bss + s.pt;
	f = fopen(report, "w");
	src = fopen(in, "r");
	if (!f || !src) {
		fprintf(stderr, "bhconfig: cannot read %s or write %s\n", in,
			report);
		return 1;
	}
	while ((c = fgetc(src)) != EOF)
		fputc(c, f);
	fclose(src);
	fprintf(f,
		"\ncore: %llu bytes (%.1f KiB): text %llu, rodata %llu, data %llu, bss %llu, page tables %llu\n",
		(unsigned long long)core, (double)core / 1024,
		(unsigned long long)s.text, (unsigned long long)s.rodata,
		(unsigned long long)s.data, (unsigned long long)s.bss,
		(unsigned long long)s.pt);
	fprintf(f, "core footprint: %llu KiB of memory (4 KiB pages, W^X)\n",
		(unsigned long long)(((s.end - s.start) + 4095) / 4096 * 4));
	fprintf(f, "guest images: %llu bytes\nimage: %s\n",
		(unsigned long long)s.images, elf);
	fclose(f);
	f = quiet ? NULL : fopen(report, "r");
	while (f && (c = fgetc(f)) != EOF)
		putchar(c);
	if (f)
		fclose(f);
	return 0;
}
