// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for bhconfig's image loader (tools/bhconfig/image.c)
 * and layout code: the input's first byte picks the partition's first
 * memory range (size and guest address, from a small table), the rest is
 * the image file, placed with place_image() as an ELF64 file, an arm64
 * Linux Image or a raw blob. Every load must then lie inside the
 * partition's memory at the right physical address and read inside the
 * file, however the headers lie (p_filesz above p_memsz, offsets near
 * 2^64, image_size below the file size, ...); accepted placements then go
 * through config_layout(). A violation traps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhconfig.h"
#include "model_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint64_t sizes[4] = { 0x10000, 0x200000, 0x1000000, 0x10000000 };
static const uint64_t ipas[4] = { 0x40000000, 0x48000000, 0x0,
				  0xffffffffff000000 };

static struct config *model(uint8_t pick)
{
	struct config *c = calloc(1, sizeof(*c));
	struct part *p;

	c->file = "fuzz.dts";
	c->ncpus = 2;
	c->cpu = xcalloc(2, sizeof(*c->cpu));
	for (int i = 0; i < 2; i++) {
		c->cpu[i].path = xasprintf("/cpus/cpu@%d", i);
		c->cpu[i].owner = i == 1 ? 0 : -1;
	}
	c->nram = 1;
	c->ram = xcalloc(1, sizeof(*c->ram));
	c->ram[0] = (struct region){ 0x40000000, 0x80000000 };
	c->gicd = 0x08000000;
	c->gicd_size = 0x10000;
	c->gicr = 0x080a0000;
	c->gicr_stride = 0x20000;
	c->console = -1;
	c->hyp = (struct region){ 0x40200000, 0x40000000 };
	c->nparts = 1;
	c->part = xcalloc(1, sizeof(*c->part));
	p = &c->part[0];
	p->name = xstrdup("a");
	p->path = xstrdup("/partitions/a");
	p->image = xstrdup("fuzz");
	p->ncpus = 1;
	p->cpu = xcalloc(1, sizeof(int));
	p->cpu[0] = 1;
	p->nmem = 2;
	p->mem = xcalloc(2, sizeof(*p->mem));
	p->ipa = xcalloc(2, sizeof(*p->ipa));
	p->mem[0] = (struct region){ 0x48000000, sizes[pick & 3] };
	p->ipa[0] = ipas[(pick >> 2) & 3];
	p->mem[1] = (struct region){ 0x60000000, 0x100000 };
	p->ipa[1] = 0x80000000;
	p->has_ipa = pick & 0x10;
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c;

	if (!size)
		return 0;
	c = model(data[0]);
	if (place_image(c, &c->part[0], "/fuzz", data + 1, size - 1)) {
		check_loads(c, &c->part[0], size - 1);
		if (!c->nerrors) {
			config_layout(c);
			check_layout(c);
		}
	}
	config_free(c);
	free(c);
	return 0;
}
