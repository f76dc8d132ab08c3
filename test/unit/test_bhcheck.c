// SPDX-License-Identifier: MIT
/*
 * The independent checker (tools/bhcheck) on real system images: the
 * images the build made pass; each one altered in memory in one way the
 * isolation properties forbid (a page in two partitions, the core's
 * region mapped, a copy past its destination, device pages in RAM, an
 * SPI handed to the wrong owner, a CPU slot twice, a VMID twice, the
 * rng-seed outside the DTB, the core's device window in RAM, a moved
 * entry point, a guest DT that lies, an interrupt mode or a doorbell SPI
 * a direct partition cannot have, a driver's reset wait) is caught, with the
 * message that names it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include <bulkhead/config.h>
#include <bulkhead/vgic.h>

#include "bhcheck.h"

struct sys {
	struct check k;
	struct elf *e;
	void *cfg, *plat;
	const char *dirs[2];
};

static void *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	void *buf;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	assert_int_equal(fread(buf, 1, (size_t)n, f), n);
	fclose(f);
	return buf;
}

static struct sys *load(const char *name)
{
	struct sys *s = calloc(1, sizeof(*s));
	char path[512], *why;

	snprintf(path, sizeof(path), "%s/systems/%s/config.dtb", BH_TARGET,
		 name);
	s->cfg = slurp(path);
	snprintf(path, sizeof(path), "%s/systems/%s/platform.dtb", BH_TARGET,
		 name);
	s->plat = slurp(path);
	snprintf(path, sizeof(path), "%s/systems/%s/bulkhead.elf", BH_TARGET,
		 name);
	s->e = elf_open(path, &why);
	assert_non_null(s->e);
	s->dirs[0] = BH_TARGET "/images";
	s->dirs[1] = BH_LINUX_DIR; /* "" without Linux: then not built */
	s->k.config = name;
	s->k.image = name;
	s->k.config_dir = ".";
	s->k.image_dirs = s->dirs;
	s->k.nimage_dirs = 2;
	s->k.elf = s->e;
	s->k.quiet = true;
	return s;
}

static uint64_t sym(struct sys *s, const char *name)
{
	uint64_t a, size;

	assert_true(elf_symbol(s->e, name, &a, &size));
	return a;
}

/* Writable bytes of the image at @addr (it is our copy in memory). */
static void *at(struct sys *s, uint64_t addr, size_t len)
{
	void *p = (void *)(uintptr_t)elf_bytes(s->e, addr, len);

	assert_non_null(p);
	return p;
}

static struct part_config *part(struct sys *s, int i)
{
	return at(s,
		  sym(s, "part_configs") +
			  (uint64_t)i * sizeof(struct part_config),
		  sizeof(struct part_config));
}

#define PTR(p) ((uint64_t)(uintptr_t)(p))

static struct mem_region *mem(struct sys *s, int i)
{
	return at(s, PTR(part(s, i)->mem), sizeof(struct mem_region));
}

/* Run the check; @needle must appear in a message (NULL: none at all). */
static void expect(struct sys *s, const char *needle)
{
	bool found = false;

	check_run(&s->k, s->cfg, s->plat);
	for (int i = 0; i < s->k.nmsgs; i++) {
		printf("  %s\n", s->k.msgs[i]);
		found |= needle && strstr(s->k.msgs[i], needle) != NULL;
	}
	if (needle)
		assert_true(found);
	else
		assert_int_equal(s->k.failures, 0);
	check_free(&s->k);
	elf_close(s->e);
	free(s->cfg);
	free(s->plat);
	free(s);
}

static void built_images_pass(void **state)
{
	(void)state;
	expect(load("qemu-virt"), NULL);
	expect(load("test-gic-attack"), NULL);
	expect(load("test-smp"), NULL);
	expect(load("test-gic-attack-direct"), NULL);
}

/* The image's interrupt mode differs from the config's. */
static void interrupt_mode_changed(void **state)
{
	struct sys *s = load("test-gic-attack-direct");

	(void)state;
	part(s, 0)->direct = 0;
	expect(s, "interrupt mode is not the config's");
}

/* A direct partition's SPIs are real ones; one the core raises
 * (VSPI_DOORBELL) is wired to no device and belongs to a direct partition;
 * a direct partition has no purely virtual SPI. INTID 34 is the RTC's. */
static void doorbell_spis(void **state)
{
	struct sys *s = load("test-gic-attack-direct");
	struct vspi *v = at(s, sym(s, "vspis") + 2 * sizeof(*v), sizeof(*v));

	(void)state;
	v->edge = VSPI_DOORBELL;
	expect(s, "INTID 34 of partition 0 is of kind 3, which it cannot be "
		  "(direct: 1; a device wires it: 1)");
	s = load("test-gic-attack-direct");
	v = at(s, sym(s, "vspis") + 2 * sizeof(*v), sizeof(*v));
	v->edge = VSPI_VIRTUAL;
	expect(s, "INTID 34 of partition 0 is of kind 2");
	s = load("test-gic-attack");
	v = at(s, sym(s, "vspis") + 2 * sizeof(*v), sizeof(*v));
	v->edge = VSPI_DOORBELL;
	expect(s, "(direct: 0;");
}

/* The platform's blob (ours to change), with room to add to it. */
static void *platform_roomy(struct sys *s)
{
	int size = (int)fdt_totalsize(s->plat) + 1024;
	void *blob = malloc((size_t)size);

	assert_int_equal(fdt_open_into(s->plat, blob, size), 0);
	free(s->plat);
	s->plat = blob;
	return blob;
}

/* A node of the platform, naming @n cells of interrupts-extended; @gic
 * stands for the GIC's phandle. */
static void platform_node(struct sys *s, const char *name,
			  const uint32_t *cells, int n)
{
	void *blob = platform_roomy(s);
	uint32_t gic =
		fdt_get_phandle(blob, fdt_path_offset(blob, "/intc@8000000"));
	fdt32_t be[8];
	int node;

	assert_true(gic && n <= 8);
	node = fdt_add_subnode(blob, 0, name);
	assert_true(node >= 0);
	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i] == UINT32_MAX ? gic : cells[i]);
	assert_int_equal(fdt_setprop(blob, node, "interrupts-extended", be,
				     n * (int)sizeof(*be)),
			 0);
}

/* Make INTID @intid a doorbell of direct partition 0. */
static void doorbell_at(struct sys *s, uint32_t intid)
{
	struct vspi *v =
		at(s, sym(s, "vspis") + (intid - 32) * sizeof(*v), sizeof(*v));

	v->part = 1;
	v->edge = VSPI_DOORBELL;
}

/* A doorbell on an SPI the platform names through interrupts-extended or
 * an interrupt-map (QEMU's PCIe INTx: SPIs 3 to 6) is one a device could
 * raise; a node whose interrupts cannot be read could name any. */
static void doorbell_spis_named_otherwise(void **state)
{
	const uint32_t ext[] = { UINT32_MAX, 0, 0, 4 };
	const uint32_t dangling[] = { 0xbad, 0, 0, 4 };
	struct sys *s = load("test-gic-attack-direct");

	(void)state;
	doorbell_at(s, 35);
	expect(s, "INTID 35 of partition 0 is of kind 3, which it cannot be "
		  "(direct: 1; a device wires it: 1)");
	s = load("test-gic-attack-direct");
	platform_node(s, "wdog", ext, 4);
	doorbell_at(s, 32);
	expect(s, "INTID 32 of partition 0 is of kind 3, which it cannot be "
		  "(direct: 1; a device wires it: 1)");
	s = load("test-gic-attack-direct");
	platform_node(s, "wdog", dangling, 4);
	doorbell_at(s, 32);
	expect(s, "INTID 32 of partition 0 is raised by the core, but which "
		  "SPIs /wdog drives cannot be read");
}

/* Memory the platform's /memreserve/ keeps for the firmware is neither a
 * partition's nor in the core's region. */
static void memory_over_memreserve(void **state)
{
	struct sys *s = load("qemu-virt");
	uint64_t at = mem(s, 0)->pa + 0x1000;
	char want[160];

	(void)state;
	assert_int_equal(fdt_add_mem_rsv(platform_roomy(s), at, 0x1000), 0);
	snprintf(
		want, sizeof(want),
		"memory 0x%llx+0x%llx overlaps the platform's /memreserve/ range 0x%llx+0x1000",
		(unsigned long long)mem(s, 0)->pa,
		(unsigned long long)mem(s, 0)->size, (unsigned long long)at);
	expect(s, want);
	s = load("qemu-virt");
	at = sym(s, "__core_start") + 0x1000;
	assert_int_equal(fdt_add_mem_rsv(platform_roomy(s), at, 0x1000), 0);
	snprintf(want, sizeof(want),
		 "overlaps the platform's /memreserve/ range 0x%llx+0x1000",
		 (unsigned long long)at);
	expect(s, want);
}

static void page_in_two_partitions(void **state)
{
	struct sys *s = load("qemu-virt");

	(void)state;
	mem(s, 1)->pa = mem(s, 0)->pa;
	expect(s, "shares physical pages with memory");
}

static void core_region_mapped(void **state)
{
	struct sys *s = load("qemu-virt");

	(void)state;
	mem(s, 0)->pa = 0x40200000;
	expect(s, "maps part of the core's region");
}

static void copy_past_destination(void **state)
{
	struct sys *s = load("qemu-virt");
	struct image_load *l = at(s, PTR(part(s, 0)->img), sizeof(*l));

	(void)state;
	l->size = 0x2000000;
	expect(s, "which is not inside the partition's memory");
}

static void device_pages_in_ram(void **state)
{
	struct sys *s = load("test-gic-attack");
	struct mem_region *d = at(s, PTR(part(s, 0)->dev), sizeof(*d));

	(void)state;
	d->pa = d->ipa = 0x44000000;
	expect(s, "reach RAM or the GIC");
}

static void spi_to_the_wrong_owner(void **state)
{
	struct sys *s = load("test-gic-attack");
	struct vspi *v = at(s, sym(s, "vspis") + 2 * sizeof(*v), sizeof(*v));

	(void)state;
	v->part = 2; /* the RTC's SPI to the victim */
	expect(s, "INTID 34 belongs to owner 2 (edge 0) in the image, to 1");
}

/* A device whose one SPI is level-triggered in one place and
 * edge-triggered in another cannot have it: the core keeps one type. */
static void spi_trigger_twice(void **state)
{
	struct sys *s = load("test-gic-attack");
	void *blob = platform_roomy(s);
	const fdt32_t two[] = { 0, cpu_to_fdt32(2), cpu_to_fdt32(4),
				0, cpu_to_fdt32(2), cpu_to_fdt32(1) };

	(void)state;
	assert_int_equal(fdt_setprop(blob,
				     fdt_path_offset(blob, "/pl031@9010000"),
				     "interrupts", two, sizeof(two)),
			 0);
	expect(s, "interrupt 34 of /pl031@9010000 has another trigger type");
}

static void spi_table_overrun(void **state)
{
	struct sys *s = load("test-gic-attack");

	(void)state;
	*(uint32_t *)at(s, sym(s, "nr_vspis"), 4) = 400;
	expect(s, "nr_vspis (400) is more than vspis holds");
}

static void cpu_slot_twice(void **state)
{
	struct sys *s = load("qemu-virt");
	struct cpu_config *c = at(s, sym(s, "cpu_configs"), 3 * sizeof(*c));

	(void)state;
	c[2].phys = c[1].phys;
	c[2].mpidr = c[1].mpidr;
	expect(s, "slots 1 and 2 are one CPU");
}

static void vmid_twice(void **state)
{
	struct sys *s = load("qemu-virt");

	(void)state;
	part(s, 1)->vmid = part(s, 0)->vmid;
	expect(s, "is not a unique 8-bit VMID");
}

static void seed_outside_dtb(void **state)
{
	struct sys *s = load("qemu-virt");

	(void)state;
	part(s, 0)->rng_seed = mem(s, 1)->pa + 0x100;
	expect(s, "rng-seed the core rewrites");
}

static void core_window_in_ram(void **state)
{
	struct sys *s = load("qemu-virt");
	struct plat_config *p = at(s, sym(s, "plat"), sizeof(*p));
	struct mem_region *w = at(s, PTR(p->dev), sizeof(*w));

	(void)state;
	w->pa = w->ipa = 0x40000000;
	expect(s, "is not identity-mapped device space");
}

static void entry_moved(void **state)
{
	struct sys *s = load("qemu-virt");

	(void)state;
	part(s, 0)->entry += 4;
	expect(s, "it is entered at 0x40200004, its image at 0x40200000");
}

/* The guest's DT claims 32 MiB of memory where it has 16. */
static void guest_dt_lies(void **state)
{
	struct sys *s = load("qemu-virt");
	const struct part_config *pc = part(s, 0);
	const struct image_load *img =
		at(s, PTR(pc->img), pc->nimg * sizeof(*img));
	void *dt = at(s, PTR(img[pc->nimg - 1].src), img[pc->nimg - 1].size);
	fdt64_t reg[2] = { cpu_to_fdt64(0x40000000), cpu_to_fdt64(0x2000000) };

	(void)state;
	assert_int_equal(
		fdt_setprop_inplace(dt, fdt_path_offset(dt, "/memory@40000000"),
				    "reg", reg, sizeof(reg)),
		0);
	expect(s,
	       "its device tree shows memory 0x40000000+0x2000000 it does not have");
}

/* The shipped driver system: Linux's memory is granted to both of its
 * driver partitions, and the app's to the block driver, which is declared
 * (each serves a device of theirs); the console driver's grant of Linux's
 * memory moved onto the app's, of which the console driver may see only
 * its DMA window, is caught where it meets the block driver's. */
static struct s2_map *grant_of(struct sys *s, int p, uint64_t size)
{
	const struct part_config *pc = part(s, p);
	struct s2_map *m = at(s, PTR(pc->maps), pc->nmaps * sizeof(*m));

	for (uint32_t i = 0; i < pc->nmaps; i++)
		if (m[i].size == size)
			return &m[i];
	fail_msg("no map of 0x%llx in partition %d", (unsigned long long)size,
		 p);
	return NULL;
}

static void grant_to_a_stranger(void **state)
{
	struct sys *s;
	struct s2_map *g;

	(void)state;
	if (BH_LINUX_DIR[0] == '\0')
		skip(); /* the system boots Linux: built only with it */
	s = load("qemu-virt-drivers");
	assert_string_equal(at(s, PTR(part(s, 1)->name), 8), "console");
	expect(s, NULL);
	s = load("qemu-virt-drivers");
	g = grant_of(s, 1, 0x10000000);
	g->pa = 0x45000000;
	g->size = 0x1000000;
	expect(s, "/partitions/console: bhcheck: grant 0x45000000+0x1000000 "
		  "shares physical pages with grant 0x45000000+0x1000000 of "
		  "/partitions/block");
}

/* A driver partition's bound on a frontend's reset wait (reset-wait-ms)
 * differs from the config's. */
static void reset_wait_changed(void **state)
{
	struct sys *s;

	(void)state;
	if (BH_LINUX_DIR[0] == '\0')
		skip(); /* the system boots Linux: built only with it */
	s = load("qemu-virt-drivers");
	assert_string_equal(at(s, PTR(part(s, 0)->name), 6), "block");
	assert_int_equal(part(s, 0)->reset_wait_ms, 1000);
	part(s, 0)->reset_wait_ms = 50;
	expect(s, "a frontend's reset waits for it 50 ms in the image, "
		  "1000 in the config");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(built_images_pass),
		cmocka_unit_test(interrupt_mode_changed),
		cmocka_unit_test(doorbell_spis),
		cmocka_unit_test(doorbell_spis_named_otherwise),
		cmocka_unit_test(memory_over_memreserve),
		cmocka_unit_test(page_in_two_partitions),
		cmocka_unit_test(core_region_mapped),
		cmocka_unit_test(copy_past_destination),
		cmocka_unit_test(device_pages_in_ram),
		cmocka_unit_test(spi_to_the_wrong_owner),
		cmocka_unit_test(spi_trigger_twice),
		cmocka_unit_test(spi_table_overrun),
		cmocka_unit_test(cpu_slot_twice),
		cmocka_unit_test(vmid_twice),
		cmocka_unit_test(seed_outside_dtb),
		cmocka_unit_test(core_window_in_ram),
		cmocka_unit_test(entry_moved),
		cmocka_unit_test(guest_dt_lies),
		cmocka_unit_test(grant_to_a_stranger),
		cmocka_unit_test(reset_wait_changed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
