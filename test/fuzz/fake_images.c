// SPDX-License-Identifier: MIT
/*
 * The fake image directory of fake_images.h: an ELF64 AArch64 file with
 * one PT_LOAD at 0x40200000 (like the bare-metal guests), an arm64 Linux
 * Image header with image_size 2 MiB, and a few raw files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "elf64.h"
#include "fake_images.h"

static void put(const char *dir, const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len)
		abort();
	fclose(f);
}

static void elf(const char *dir, const char *name)
{
	unsigned char buf[0x200] = { 0 };
	struct elf64_ehdr eh = { .e_ident = { 0x7f, 'E', 'L', 'F', 2, 1, 1 },
				 .e_type = 2,
				 .e_machine = EM_AARCH64,
				 .e_version = 1,
				 .e_entry = 0x40200000,
				 .e_phoff = sizeof(eh),
				 .e_ehsize = sizeof(eh),
				 .e_phentsize = sizeof(struct elf64_phdr),
				 .e_phnum = 1 };
	struct elf64_phdr ph = { .p_type = PT_LOAD,
				 .p_flags = 5,
				 .p_offset = 0x100,
				 .p_vaddr = 0x40200000,
				 .p_paddr = 0x40200000,
				 .p_filesz = 0x100,
				 .p_memsz = 0x2000,
				 .p_align = 0x1000 };

	memcpy(buf, &eh, sizeof(eh));
	memcpy(buf + sizeof(eh), &ph, sizeof(ph));
	put(dir, name, buf, sizeof(buf));
}

const char *fake_images_dir(void)
{
	static char dir[] = "/tmp/bh-fuzz-images-XXXXXX";
	unsigned char image[0x1000] = { 0 }, raw[0x800];
	uint64_t size = 0x200000;
	char sub[600];

	if (dir[sizeof(dir) - 2] != 'X')
		return dir;
	if (!mkdtemp(dir))
		abort();
	elf(dir, "hello.elf");
	elf(dir, "latency.elf");
	elf(dir, "stress.elf");
	elf(dir, "faulty.elf");
	elf(dir, "gictest.elf");
	elf(dir, "console-drv.elf");
	elf(dir, "block-drv.elf");
	memcpy(image + 0x38, "ARM\x64", 4);
	memcpy(image + 16, &size, 8);
	memset(raw, 0x5a, sizeof(raw));
	snprintf(sub, sizeof(sub), "%s/linux", dir);
	mkdir(sub, 0755);
	put(dir, "linux/Image", image, sizeof(image));
	put(dir, "linux/initrd.cpio.gz", raw, sizeof(raw));
	put(dir, "raw", raw, sizeof(raw));
	return dir;
}
