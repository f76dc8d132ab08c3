// SPDX-License-Identifier: MIT
/*
 * Reading the linked core: the whole file in memory, its section headers
 * and symbol table (System V ABI, ELF-64; the layouts of <elf.h>). An
 * address is resolved through the allocated section that contains it,
 * whole: a read that would cross a section's end, or leave the file, is
 * refused. The image is LP64 little-endian like the host (main.c checks).
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bhcheck.h"

struct elf {
	uint8_t *buf;
	size_t len;
	Elf64_Ehdr eh;
	Elf64_Shdr *sh;
	const Elf64_Sym *sym; /* in buf */
	size_t nsym;
	const char *str; /* the symbols' string table, in buf */
	size_t strsize;
};

/* [off, off + n) inside the file? */
static bool in_file(const struct elf *e, uint64_t off, uint64_t n)
{
	return off <= e->len && n <= e->len - off;
}

static bool load(struct elf *e, const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;

	if (!f)
		return false;
	if (fstat(fileno(f), &st) || st.st_size <= 0 ||
	    !(e->buf = malloc((size_t)st.st_size))) {
		fclose(f);
		return false;
	}
	e->len = fread(e->buf, 1, (size_t)st.st_size, f);
	fclose(f);
	return e->len == (size_t)st.st_size;
}

static bool headers(struct elf *e)
{
	uint64_t n;

	if (e->len < sizeof(e->eh))
		return false;
	memcpy(&e->eh, e->buf, sizeof(e->eh));
	if (memcmp(e->eh.e_ident, ELFMAG, SELFMAG) ||
	    e->eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    e->eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    e->eh.e_machine != EM_AARCH64 ||
	    e->eh.e_shentsize != sizeof(Elf64_Shdr))
		return false;
	n = (uint64_t)e->eh.e_shnum * sizeof(Elf64_Shdr);
	if (!in_file(e, e->eh.e_shoff, n) || !e->eh.e_shnum)
		return false;
	e->sh = malloc((size_t)n);
	if (!e->sh)
		return false;
	memcpy(e->sh, e->buf + e->eh.e_shoff, (size_t)n);
	return true;
}

static bool symbols(struct elf *e)
{
	for (unsigned i = 0; i < e->eh.e_shnum; i++) {
		const Elf64_Shdr *s = &e->sh[i], *st;

		if (s->sh_type != SHT_SYMTAB || s->sh_link >= e->eh.e_shnum ||
		    s->sh_entsize != sizeof(Elf64_Sym))
			continue;
		st = &e->sh[s->sh_link];
		if (!in_file(e, s->sh_offset, s->sh_size) ||
		    !in_file(e, st->sh_offset, st->sh_size) || !st->sh_size ||
		    s->sh_offset % 8)
			return false;
		e->sym = (const Elf64_Sym *)(e->buf + s->sh_offset);
		e->nsym = s->sh_size / sizeof(Elf64_Sym);
		e->str = (const char *)e->buf + st->sh_offset;
		e->strsize = st->sh_size;
		return e->str[e->strsize - 1] == 0;
	}
	return false;
}

struct elf *elf_open(const char *path, char **why)
{
	struct elf *e = calloc(1, sizeof(*e));

	*why = NULL;
	if (!e || !load(e, path))
		*why = fmt("cannot read %s", path);
	else if (!headers(e))
		*why = fmt("%s is not a little-endian AArch64 ELF64 file",
			   path);
	else if (!symbols(e))
		*why = fmt("%s has no usable symbol table", path);
	if (*why) {
		elf_close(e);
		return NULL;
	}
	return e;
}

void elf_close(struct elf *e)
{
	if (!e)
		return;
	free(e->buf);
	free(e->sh);
	free(e);
}

bool elf_symbol(const struct elf *e, const char *name, uint64_t *addr,
		uint64_t *size)
{
	for (size_t i = 0; i < e->nsym; i++) {
		Elf64_Sym s;

		memcpy(&s, &e->sym[i], sizeof(s));
		if (s.st_name < e->strsize &&
		    !strcmp(e->str + s.st_name, name) &&
		    s.st_shndx != SHN_UNDEF) {
			*addr = s.st_value;
			*size = s.st_size;
			return true;
		}
	}
	return false;
}

/* The allocated section holding all of [addr, addr + len), or NULL. */
static const Elf64_Shdr *section_of(const struct elf *e, uint64_t addr,
				    uint64_t len)
{
	for (unsigned i = 0; i < e->eh.e_shnum; i++) {
		const Elf64_Shdr *s = &e->sh[i];

		if ((s->sh_flags & SHF_ALLOC) &&
		    range_within((struct range){ addr, len },
				 (struct range){ s->sh_addr, s->sh_size }))
			return s;
	}
	return NULL;
}

const uint8_t *elf_bytes(const struct elf *e, uint64_t addr, uint64_t len)
{
	const Elf64_Shdr *s = section_of(e, addr, len);
	uint64_t off;

	if (!s || s->sh_type == SHT_NOBITS)
		return NULL;
	off = s->sh_offset + (addr - s->sh_addr);
	if (off < s->sh_offset || !in_file(e, off, len))
		return NULL;
	return e->buf + off;
}

bool elf_read(const struct elf *e, uint64_t addr, uint64_t len, void *out)
{
	const Elf64_Shdr *s = section_of(e, addr, len);
	const uint8_t *b;

	if (s && s->sh_type == SHT_NOBITS) {
		memset(out, 0, (size_t)len);
		return true;
	}
	b = elf_bytes(e, addr, len);
	if (b)
		memcpy(out, b, (size_t)len);
	return b != NULL;
}

char *elf_string(const struct elf *e, uint64_t addr)
{
	const Elf64_Shdr *s = section_of(e, addr, 1);
	uint64_t room = s ? s->sh_size - (addr - s->sh_addr) : 0;
	const uint8_t *b = s ? elf_bytes(e, addr, room) : NULL;
	const uint8_t *nul;

	if (!b)
		return NULL;
	nul = memchr(b, 0, (size_t)room);
	return nul ? fmt("%s", (const char *)b) : NULL;
}
