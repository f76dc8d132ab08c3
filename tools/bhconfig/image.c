// SPDX-License-Identifier: MIT
/*
 * Guest images: where each blob's bytes go. Formats:
 *  - ELF64 AArch64: each PT_LOAD segment's p_filesz bytes are copied to
 *    its p_paddr (an IPA), p_memsz bytes of memory are reserved for it,
 *    entry = e_entry; p_filesz may not exceed p_memsz;
 *  - arm64 Linux Image ("ARM\x64" at 0x38, Documentation/arm64/booting.rst):
 *    loaded text_offset bytes above a 2 MiB aligned base in the first
 *    memory range; its header's image_size (which covers .bss) must hold
 *    the whole file; entry = load address;
 *  - anything else: raw, loaded at the start of the first memory range.
 * The initramfs and the guest device tree go at the top of the first
 * range. Every offset and address is checked for overflow, every copy
 * for fitting its destination; each destination IPA is translated to its
 * physical address here, so the core copies without translating.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bhconfig.h"
#include "elf64.h"
#include "overlap.h"

#define X(v) ((unsigned long long)(v))
#define IMAGE_MAX (1ULL << 32) /* the largest image file read */

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

/* The usual mistake: a guest linked for 0x40000000 without memory-ipa;
 * or, for one that owns bus masters (no memory-ipa possible), memory
 * elsewhere than where the guest is linked. */
static const char *ipa_hint(const struct config *c, const struct part *p)
{
	for (int d = 0; d < p->ndev; d++)
		if (p->dev_dma_ok[d] && c->dev[p->dev[d]].dma)
			return "; hint: it owns bus masters, so it sees its memory at its physical address: the guests in partitions/ then need memory at physical 0x40000000 (and the core's elsewhere)";
	return p->has_ipa
		       ? ""
		       : "; hint: is memory-ipa missing? (the guests in partitions/ expect memory-ipa = <0x0 0x40000000>)";
}

struct blob {
	const char *what;  /* "image", "kernel", ... */
	const char *shown; /* how the config names it */
	const char *file;
	bool explicit_path;
};

static bool add_load(struct config *c, struct part *p, const struct blob *b,
		     uint64_t off, uint64_t size, uint64_t memsz, uint64_t ipa)
{
	struct load *l;
	bool ok;
	uint64_t pa = part_ipa_to_pa(p, ipa, memsz, &ok);

	if (!ok) {
		diag(c, p->path,
		     "%s \"%s\" does not fit in the partition's memory: it loads at guest 0x%llx (0x%llx bytes)%s",
		     b->what, b->shown, X(ipa), X(memsz),
		     strcmp(b->what, "image") ? "" : ipa_hint(c, p));
		return false;
	}
	p->load =
		vec_grow(p->load, &p->load_cap, p->nload + 1, sizeof(*p->load));
	l = &p->load[p->nload++];
	l->what = b->what;
	l->shown = xstrdup(b->shown);
	l->file = xstrdup(b->file);
	l->explicit_path = b->explicit_path;
	l->offset = off;
	l->size = size;
	l->memsz = memsz;
	l->ipa = ipa;
	l->pa = pa;
	return true;
}

static bool elf_header(struct config *c, struct part *p, const char *shown,
		       const unsigned char *buf, size_t len,
		       struct elf64_ehdr *eh)
{
	uint64_t ph_bytes = 0;

	if (len >= sizeof(*eh))
		memcpy(eh, buf, sizeof(*eh));
	if (len < sizeof(*eh) || eh->e_ident[4] != 2 || eh->e_ident[5] != 1 ||
	    eh->e_machine != EM_AARCH64 ||
	    eh->e_phentsize != sizeof(struct elf64_phdr) ||
	    !mul_u64(eh->e_phnum, sizeof(struct elf64_phdr), &ph_bytes) ||
	    eh->e_phoff > len || ph_bytes > len - eh->e_phoff) {
		diag(c, p->path,
		     "image \"%s\" is not a little-endian AArch64 ELF64 file (or its program headers lie beyond it)",
		     shown);
		return false;
	}
	return true;
}

static bool elf_segment(struct config *c, struct part *p, const struct blob *b,
			const struct elf64_phdr *ph, int i, size_t len)
{
	uint64_t end;

	if (ph->p_filesz > ph->p_memsz) {
		diag(c, p->path,
		     "image \"%s\": segment %d has more bytes in the file (p_filesz 0x%llx) than in memory (p_memsz 0x%llx)",
		     b->shown, i, X(ph->p_filesz), X(ph->p_memsz));
		return false;
	}
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset) {
		diag(c, p->path,
		     "image \"%s\": segment %d lies beyond the file", b->shown,
		     i);
		return false;
	}
	if (!add_u64(ph->p_paddr, ph->p_memsz, &end)) {
		diag(c, p->path,
		     "image \"%s\": segment %d (0x%llx+0x%llx) wraps past the end of the address space",
		     b->shown, i, X(ph->p_paddr), X(ph->p_memsz));
		return false;
	}
	return add_load(c, p, b, ph->p_offset, ph->p_filesz, ph->p_memsz,
			ph->p_paddr);
}

static bool place_elf(struct config *c, struct part *p, const struct blob *b,
		      const unsigned char *buf, size_t len)
{
	struct elf64_ehdr eh;
	bool any = false;

	if (!elf_header(c, p, b->shown, buf, len, &eh))
		return false;
	for (int i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph;

		memcpy(&ph, buf + eh.e_phoff + (size_t)i * sizeof(ph),
		       sizeof(ph));
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (!elf_segment(c, p, b, &ph, i, len))
			return false;
		any = true;
	}
	if (!any)
		diag(c, p->path, "image \"%s\" has no loadable segment",
		     b->shown);
	p->entry = eh.e_entry;
	return any;
}

/* arm64 boot protocol (Documentation/arm64/booting.rst): header at 0. */
static bool place_linux(struct config *c, struct part *p, struct blob *b,
			const unsigned char *buf, size_t len)
{
	uint64_t text_offset, image_size, base;

	memcpy(&text_offset, buf + 8, 8);
	memcpy(&image_size, buf + 16, 8);
	b->what = "kernel";
	if (!image_size)
		image_size = len; /* before Linux 3.17: size unknown */
	if (image_size < len) {
		diag(c, p->path,
		     "kernel \"%s\": the file (%zu bytes) is larger than its header's image_size (%llu bytes)",
		     b->shown, len, X(image_size));
		return false;
	}
	if (!round_up_u64(p->ipa[0], SZ_2M, &base) ||
	    !add_u64(base, text_offset, &p->entry)) {
		diag(c, p->path,
		     "kernel \"%s\": its text_offset 0x%llx puts it past the end of the address space",
		     b->shown, X(text_offset));
		return false;
	}
	return add_load(c, p, b, 0, len, image_size, p->entry);
}

bool place_image(struct config *c, struct part *p, const char *file,
		 const unsigned char *buf, size_t len)
{
	struct blob b = { "image", p->image, file, false };

	if (!len) {
		diag(c, p->path, "image \"%s\" is empty", p->image);
		return false;
	}
	if (len >= 4 && !memcmp(buf, "\177ELF", 4))
		return place_elf(c, p, &b, buf, len);
	if (len >= 64 && !memcmp(buf + 0x38, "ARM\x64", 4))
		return place_linux(c, p, &b, buf, len);
	p->entry = p->ipa[0];
	return add_load(c, p, &b, 0, len, len, p->ipa[0]);
}

static unsigned char *read_image(struct config *c, const struct part *p,
				 const char *prop, const char *name,
				 const char *file, size_t *len)
{
	unsigned char *buf = (unsigned char *)read_whole(file, IMAGE_MAX, len);

	if (!buf)
		diag_prop(
			c, p->path, prop,
			"%s \"%s\": cannot read %s (or it is larger than %llu GiB)",
			prop, name, file, X(IMAGE_MAX >> 30));
	return buf;
}

static void mark_explicit(struct part *p, int from, bool explicit_path)
{
	for (int l = from; l < p->nload; l++)
		p->load[l].explicit_path = explicit_path;
}

static void place_part(struct config *c, struct part *p)
{
	unsigned char *buf;
	size_t len = 0;
	bool expl;
	char *file;
	int before = c->nerrors;

	if (!p->image || !p->nmem)
		return;
	file = image_resolve(c, p, "image", p->image, &expl);
	buf = file ? read_image(c, p, "image", p->image, file, &len) : NULL;
	if (buf && place_image(c, p, file, buf, len)) {
		bool ok;

		mark_explicit(p, 0, expl);
		part_ipa_to_pa(p, p->entry, 4, &ok);
		if (!ok && c->nerrors == before)
			diag(c, p->path,
			     "image \"%s\": entry point 0x%llx is outside the partition's memory%s",
			     p->image, X(p->entry), ipa_hint(c, p));
	}
	free(buf);
	free(file);
}

static void place_initrd(struct config *c, struct part *p, uint64_t dtb_ipa)
{
	struct blob b = { "initrd", p->initrd, NULL, false };
	size_t len = 0;
	unsigned char *buf;
	char *file = image_resolve(c, p, "initrd", p->initrd, &b.explicit_path);

	buf = file ? read_image(c, p, "initrd", p->initrd, file, &len) : NULL;
	b.file = file;
	if (buf && (len > p->mem[0].size - DTB_RESERVE))
		diag(c, p->path,
		     "initrd \"%s\" (%zu bytes) does not fit in the first memory range with the device tree",
		     p->initrd, len);
	else if (buf)
		add_load(c, p, &b, 0, len, len, (dtb_ipa - len) & ~(PAGE - 1));
	free(buf);
	free(file);
}

/* Initrd and device tree go at the top of the first memory range. */
static void place_extras(struct config *c, int pi)
{
	struct part *p = &c->part[pi];
	struct blob b = { "dtb", "(generated)", NULL, false };
	uint64_t top;

	if (!p->nmem)
		return;
	if (p->mem[0].size < DTB_RESERVE ||
	    !add_u64(p->ipa[0], p->mem[0].size, &top)) {
		diag(c, p->path,
		     "its first memory range (0x%llx bytes) is too small for the guest device tree (the top 64 KiB)",
		     X(p->mem[0].size));
		return;
	}
	p->dtb_ipa = top - DTB_RESERVE;
	if (p->initrd)
		place_initrd(c, p, p->dtb_ipa);
	if (!c->fdt || c->nerrors)
		return;
	guest_dt_build(c, pi);
	if (!p->dtb)
		return;
	free(p->dtb_file);
	p->dtb_file = xasprintf("%s/%s.dtb", c->out ? c->out : ".", p->name);
	b.file = p->dtb_file;
	add_load(c, p, &b, 0, p->dtb_size, DTB_RESERVE, p->dtb_ipa);
}

static void check_overlaps(struct config *c, const struct part *p)
{
	struct span *s = xcalloc((size_t)p->nload, sizeof(*s));
	struct hit *h;
	int nh;

	for (int i = 0; i < p->nload; i++)
		s[i] = (struct span){
			{ p->load[i].ipa, p->load[i].memsz }, 0, i, i
		};
	nh = overlaps(s, p->nload, true, &h);
	for (int k = 0; k < nh; k++) {
		const struct load *x = &p->load[h[k].a->item];
		const struct load *y = &p->load[h[k].b->item];

		diag(c, p->path,
		     "%s \"%s\" overlaps %s \"%s\" in the partition's memory: give it more memory",
		     y->what, y->shown, x->what, x->shown);
	}
	free(h);
	free(s);
}

/*
 * A dma-window is where the partition's virtio buffers go, and all its
 * driver sees of it: it may hold none of what the core loads there (its
 * image, initrd or device tree), which the pool would hand out as buffers
 * and the driver could rewrite.
 */
static void check_windows(struct config *c, int pi)
{
	const struct part *p = &c->part[pi];

	for (int i = 0; i < c->nvdevs; i++) {
		const struct vdev *v = &c->vdev[i];

		for (int l = 0;
		     v->frontend == pi && v->has_dma_window && l < p->nload;
		     l++) {
			const struct load *x = &p->load[l];
			char *what;

			if (!regions_overlap(v->dma_window,
					     (struct region){ x->ipa,
							      x->memsz }))
				continue;
			what = strcmp(x->what, "dtb")
				       ? xasprintf("%s \"%s\"", x->what,
						   x->shown)
				       : xstrdup("device tree");
			diag_prop(
				c, v->path, "dma-window",
				"dma-window 0x%llx+0x%llx overlaps the partition's %s (guest 0x%llx+0x%llx), which its driver could then rewrite",
				X(v->dma_window.base), X(v->dma_window.size),
				what, X(x->ipa), X(x->memsz));
			free(what);
			break;
		}
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
		if (c->nerrors == before)
			check_windows(c, i);
	}
}
