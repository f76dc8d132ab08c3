// SPDX-License-Identifier: MIT
/*
 * The fake image directory of fake_images.h: an ELF64 AArch64 file with
 * one PT_LOAD at 0x40200000 (like the bare-metal guests), an arm64 Linux
 * Image header with image_size 2 MiB, and a few raw files.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf64.h"
#include "fake_images.h"

/* A set-up step failed: say which and why (a bare abort() once left a
 * loaded CI run with nothing to go on), then stop. */
static void fail(const char *what, const char *path)
{
	fprintf(stderr, "fake_images: %s %s: %s\n", what, path,
		strerror(errno));
	abort();
}

/* The ELF images, then the others. */
static const char *const elfs[] = { "hello.elf",    "latency.elf",
				    "stress.elf",   "faulty.elf",
				    "gictest.elf",  "console-drv.elf",
				    "block-drv.elf" };
static const char *const others[] = { "linux/Image", "linux/initrd.cpio.gz",
				      "raw" };
static char dir[] = "/tmp/bh-fuzz-images-XXXXXX";

static void put(const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		fail("cannot create", path);
	if (fwrite(data, 1, len, f) != len || fclose(f))
		fail("cannot write", path);
}

/* At exit: the directory and its files go (each run made a new one). */
static void remove_dir(void)
{
	char path[512];

	for (size_t i = 0; i < sizeof(elfs) / sizeof(elfs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, elfs[i]);
		unlink(path);
	}
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, others[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/linux", dir);
	rmdir(path);
	rmdir(dir);
}

static void elf(const char *name)
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
	put(name, buf, sizeof(buf));
}

const char *fake_images_dir(void)
{
	/* Made once. Not "while the name still ends in X": a random name
	 * does, 1 run in 62, and mkdtemp then refused it (EINVAL), which was
	 * fuzz_config's one unexplained failure. */
	static bool made;
	unsigned char image[0x1000] = { 0 }, raw[0x800];
	uint64_t size = 0x200000;
	char sub[600];

	if (made)
		return dir;
	made = true;
	if (!mkdtemp(dir))
		fail("cannot make", dir);
	atexit(remove_dir);
	for (size_t i = 0; i < sizeof(elfs) / sizeof(elfs[0]); i++)
		elf(elfs[i]);
	memcpy(image + 0x38, "ARM\x64", 4);
	memcpy(image + 16, &size, 8);
	memset(raw, 0x5a, sizeof(raw));
	snprintf(sub, sizeof(sub), "%s/linux", dir);
	if (mkdir(sub, 0755))
		fail("cannot make", sub);
	put(others[0], image, sizeof(image));
	put(others[1], raw, sizeof(raw));
	put(others[2], raw, sizeof(raw));
	return dir;
}
