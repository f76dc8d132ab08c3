// SPDX-License-Identifier: MIT
/*
 * Generated sources. config.c holds the tables of <bulkhead/config.h> and
 * the storage whose size the config decides (per-CPU areas, partitions,
 * the translation-table pool and roots); images.s embeds each load blob
 * with .incbin in its own .images.<partition> section; layout.ld tells the
 * linker where the hypervisor region is, and asserts (with messages that
 * name the config) that the linked image fits it. The report says what
 * went where; the depfile lists every file the outputs were made from.
 * Strings from the config or the file system are escaped wherever they
 * land in generated source.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhconfig.h"

#define X(v) ((unsigned long long)(v))

/* @s as the inside of a C or GNU as string literal. */
static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch > 0x7e)
			fprintf(f, "\\%03o", ch);
		else
			fputc(ch, f);
	}
}

/* @s inside a C comment: no "*" followed by "/". */
static void put_comment(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '*' && s[1] == '/' ? '?' : *s, f);
}

static int slot_of(const int *slot_cpu, int n, int cpu)
{
	for (int i = 0; i < n; i++)
		if (slot_cpu[i] == cpu)
			return i;
	return -1;
}

static void gen_regions(FILE *f, const char *name, const struct region *pa,
			const uint64_t *ipa, int n)
{
	if (!n)
		return;
	fprintf(f, "static const struct mem_region %s[] = {\n", name);
	for (int i = 0; i < n; i++)
		fprintf(f,
			"\t{ .pa = 0x%llx, .ipa = 0x%llx, .size = 0x%llx },\n",
			X(pa[i].base), X(ipa ? ipa[i] : pa[i].base),
			X(pa[i].size));
	fprintf(f, "};\n");
}

static void gen_part_tables(FILE *f, const struct config *c, int pi,
			    const int *slot_cpu, int nslots)
{
	const struct part *p = &c->part[pi];
	char name[32];

	fprintf(f, "\n/* %s */\nstatic const u8 p%d_slots[] = {", p->path, pi);
	for (int v = 0; v < p->ncpus; v++)
		fprintf(f, " %d,", slot_of(slot_cpu, nslots, p->cpu[v]));
	fprintf(f, " };\n");
	snprintf(name, sizeof(name), "p%d_mem", pi);
	gen_regions(f, name, p->mem, p->ipa, p->nmem);
	snprintf(name, sizeof(name), "p%d_dev", pi);
	gen_regions(f, name, p->devwin, NULL, p->ndevwin);
	fprintf(f, "static const struct image_load p%d_img[] = {\n", pi);
	for (int l = 0; l < p->nload; l++)
		fprintf(f, "\t{ __bh_p%d_l%d, 0x%llx, 0x%llx, \"%s\" },\n", pi,
			l, X(p->load[l].size), X(p->load[l].pa),
			p->load[l].what);
	fprintf(f, "};\n");
}

static bool grants_uart(const struct config *c, const struct part *p)
{
	for (int d = 0; d < p->ndev; d++)
		if (p->dev[d] == c->console)
			return true;
	return false;
}

static void gen_part(FILE *f, const struct config *c, int pi)
{
	const struct part *p = &c->part[pi];

	fprintf(f,
		"\t{\n\t\t.name = \"%s\",\n\t\t.nvcpus = %d,\n\t\t.vcpu_slot = p%d_slots,\n",
		p->name, p->ncpus, pi);
	fprintf(f, "\t\t.nmem = %d,\n\t\t.mem = p%d_mem,\n", p->nmem, pi);
	if (p->ndevwin)
		fprintf(f, "\t\t.ndev = %d,\n\t\t.dev = p%d_dev,\n", p->ndevwin,
			pi);
	fprintf(f, "\t\t.nimg = %d,\n\t\t.img = p%d_img,\n", p->nload, pi);
	fprintf(f,
		"\t\t.entry = 0x%llx,\n\t\t.dtb = 0x%llx,\n\t\t.vmid = %d,\n",
		X(p->entry), X(p->dtb_ipa), p->vmid);
	for (int l = 0; l < p->nload; l++)
		if (!strcmp(p->load[l].what, "dtb") && p->seed_offset)
			fprintf(f, "\t\t.rng_seed = 0x%llx,\n",
				X(p->load[l].pa + p->seed_offset));
	if (p->nmaps)
		fprintf(f, "\t\t.nmaps = %d,\n\t\t.maps = p%d_maps,\n",
			p->nmaps, pi);
	if (p->drv_page_pa)
		fprintf(f,
			"\t\t.drv_page = 0x%llx,\n\t\t.doorbell = %u,\n\t\t.reset_wait_ms = %u,\n",
			X(p->drv_page_pa), p->doorbell, p->reset_wait_ms);
	if (p->direct)
		fprintf(f, "\t\t.direct = 1,\n");
	fprintf(f, "\t\t.on_fault = %s,\n\t\t.uart_granted = %d,\n\t},\n",
		p->on_fault == ON_FAULT_RESTART ? "FAULT_RESTART"
						: "FAULT_STOP",
		grants_uart(c, p));
}

static const char *const attr_names[] = {
	"PT_R", "PT_W", "PT_X", "PT_DEVICE", "PT_NC",
};

/* Partition @pi's extra stage-2 mappings (virtio.c): shared pages, grants. */
static void gen_maps(FILE *f, const struct part *p, int pi)
{
	if (!p->nmaps)
		return;
	fprintf(f, "static const struct s2_map p%d_maps[] = {\n", pi);
	for (int i = 0; i < p->nmaps; i++) {
		bool first = true;

		fprintf(f,
			"\t{ .ipa = 0x%llx, .pa = 0x%llx, .size = 0x%llx, .attr = ",
			X(p->maps[i].ipa), X(p->maps[i].pa),
			X(p->maps[i].size));
		for (unsigned b = 0; b < 5; b++)
			if (p->maps[i].attr & (1U << b)) {
				fprintf(f, "%s%s", first ? "" : " | ",
					attr_names[b]);
				first = false;
			}
		fprintf(f, " },\n");
	}
	fprintf(f, "};\n");
}

/* The virtio devices (vdev.c) and their config spaces. */
static void gen_vdevs(FILE *f, const struct config *c)
{
	for (int i = 0; i < c->nvdevs; i++) {
		const struct vdev *v = &c->vdev[i];

		fprintf(f, "static const u8 vdev%d_config[%u] = {", i,
			v->config_len ? v->config_len : 1);
		for (uint32_t k = 0; k < v->config_len; k++)
			fprintf(f, "%s0x%02x", k ? ", " : " ", v->config[k]);
		fprintf(f, " };\n");
	}
	fprintf(f, "\nconst struct vdev_config vdev_configs[%d] = {\n",
		c->nvdevs ? c->nvdevs : 1);
	for (int i = 0; i < c->nvdevs; i++) {
		const struct vdev *v = &c->vdev[i];

		fprintf(f, "\t{ /* ");
		put_comment(f, v->path);
		fprintf(f,
			" */\n\t\t.frontend = %d, .driver = %d, .nqueues = %u, .config_len = %u,\n",
			v->frontend, v->driver, v->nqueues, v->config_len);
		fprintf(f,
			"\t\t.queue_max = %u, .fe_irq = %u, .device_id = %u,\n",
			v->queue_max, v->irq, v->device_id);
		fprintf(f,
			"\t\t.features = 0x%llx, .window = 0x%llx,\n\t\t.regs = 0x%llx, .state = 0x%llx,\n\t\t.config = vdev%d_config,\n\t},\n",
			X(v->features), X(v->window), X(v->regs_pa),
			X(v->state_pa), i);
	}
	if (!c->nvdevs) /* C has no empty initialiser: one unused entry */
		fprintf(f, "\t{ .frontend = 0 },\n");
	fprintf(f, "};\nconst u32 nr_vdevs = %d;\nstruct vdev vdevs[%d];\n",
		c->nvdevs, c->nvdevs ? c->nvdevs : 1);
}

/* An SPI the core raises for partition @part: purely virtual (vgic.h,
 * VSPI_VIRTUAL), or a real unwired one for a direct partition
 * (VSPI_DOORBELL). */
static void gen_virtual(FILE *f, uint32_t intid, int part, bool direct,
			const char *what)
{
	fprintf(f, "\t[%u] = { .part = %d, .edge = %s }, /* ", intid - 32,
		part + 1, direct ? "VSPI_DOORBELL" : "VSPI_VIRTUAL");
	put_comment(f, what);
	fprintf(f, " */\n");
}

/* The SPIs of granted devices, each once however many devices of its
 * partition share it (validate.c: with one trigger type). */
static void gen_device_spis(FILE *f, const struct config *c, uint32_t n)
{
	bool *done = xcalloc(n + 1, sizeof(bool));

	for (int d = 0; d < c->ndevs; d++)
		for (int i = 0; c->dev[d].owner >= 0 && i < c->dev[d].nirq;
		     i++) {
			uint32_t s = c->dev[d].irq[i] - 32;

			if (done[s])
				continue;
			done[s] = true;
			fprintf(f, "\t[%u] = { .part = %d, .edge = %d }, /* ",
				s, c->dev[d].owner + 1,
				(c->dev[d].irq_flags[i] & 3) ? 1 : 0);
			put_comment(f, c->dev[d].path);
			fprintf(f, " */\n");
		}
	free(done);
}

static void gen_vspis(FILE *f, const struct config *c)
{
	uint32_t n = 0;

	for (int d = 0; d < c->ndevs; d++)
		for (int i = 0; c->dev[d].owner >= 0 && i < c->dev[d].nirq; i++)
			if (c->dev[d].irq[i] - 31 > n)
				n = c->dev[d].irq[i] - 31;
	for (int i = 0; i < c->nvdevs; i++)
		if (c->vdev[i].irq - 31 > n)
			n = c->vdev[i].irq - 31;
	for (int i = 0; i < c->nparts; i++)
		if (c->part[i].doorbell && c->part[i].doorbell - 31 > n)
			n = c->part[i].doorbell - 31;
	fprintf(f, "\nstruct vspi vspis[%u] = {\n", n ? n : 1);
	if (!n) /* C has no empty initialiser: one unused entry */
		fprintf(f, "\t{ .part = 0 },\n");
	for (int i = 0; i < c->nvdevs; i++)
		gen_virtual(f, c->vdev[i].irq, c->vdev[i].frontend,
			    c->part[c->vdev[i].frontend].direct,
			    c->vdev[i].path);
	for (int i = 0; i < c->nparts; i++)
		if (c->part[i].doorbell)
			gen_virtual(f, c->part[i].doorbell, i,
				    c->part[i].direct, "its doorbell");
	gen_device_spis(f, c, n);
	fprintf(f, "};\nconst u32 nr_vspis = %u;\n", n);
}

static void gen_storage(FILE *f, const struct config *c, int nslots)
{
	unsigned root_entries = 1U << (c->addr_bits - 30);
	unsigned root_align = root_entries * 8 < 64 ? 64 : root_entries * 8;

	fprintf(f, "\nstruct partition partitions[%d];\n", c->nparts);
	fprintf(f, "struct cpu percpu[%d];\n", nslots);
	fprintf(f,
		"static u64 pool[%u][512] in_section(\".pt\") aligned_to(4096);\n",
		c->pt_pages ? c->pt_pages : 1);
	fprintf(f, "u64 (*const pt_pool_pages)[512] = pool;\n");
	fprintf(f, "const u32 pt_pool_total = %u;\n", c->pt_pages);
	fprintf(f,
		"static u64 roots[%d][%u] in_section(\".pt.roots\") aligned_to(%u);\n",
		c->nparts + 1, root_entries, root_align);
	fprintf(f, "u64 *const pt_roots[] = {");
	for (int i = 0; i <= c->nparts; i++)
		fprintf(f, " roots[%d],", i);
	fprintf(f, " };\n");
}

static void gen_plat(FILE *f, const struct config *c)
{
	gen_regions(f, "hyp_dev", c->hyp_dev, NULL, c->nhyp_dev);
	fprintf(f, "\nconst struct plat_config plat = {\n\t.config_name = \"");
	put_escaped(f, c->file);
	fprintf(f, "\",\n");
	fprintf(f, "\t.uart = 0x%llx,\n\t.gicd = 0x%llx,\n\t.gicr = 0x%llx,\n",
		X(c->dev[c->console].reg[0].base), X(c->gicd), X(c->gicr));
	fprintf(f, "\t.gicr_stride = 0x%llx,\n\t.addr_bits = %u,\n",
		X(c->gicr_stride), c->addr_bits);
	fprintf(f,
		"\t.ndev = %d,\n\t.dev = hyp_dev,\n\t.hyp_base = 0x%llx,\n\t.hyp_size = 0x%llx,\n",
		c->nhyp_dev, X(c->hyp.base), X(c->hyp.size));
	fprintf(f,
		"\t.shared_base = 0x%llx,\n\t.shared_size = 0x%llx,\n\t.con_rings = 0x%llx,\n\t.con_driver = %d,\n};\n",
		X(c->shared_base), X(c->shared_size), X(c->rings_pa),
		c->con_driver);
}

static void gen_cpu_configs(FILE *f, const struct config *c,
			    const int *slot_cpu, int nslots)
{
	fprintf(f, "\nconst struct cpu_config cpu_configs[] = {\n");
	for (int s = 0; s < nslots; s++) {
		const struct pcpu *cpu = &c->cpu[slot_cpu[s]];

		fprintf(f,
			"\t{ .mpidr = 0x%llx, .phys = %d, .part = %d, .vcpu = %d }, /* ",
			X(cpu->mpidr), slot_cpu[s], cpu->owner,
			cpu->owner >= 0 ? cpu->vcpu : 0);
		put_comment(f, cpu->path);
		fprintf(f, " */\n");
	}
	fprintf(f, "};\nconst u32 nr_cpus = %d;\n", nslots);
}

int gen_config_c(const struct config *c, const char *path)
{
	FILE *f = fopen(path, "w");
	int *slot_cpu = xcalloc((size_t)c->ncpus + 1, sizeof(int)), nslots;

	if (!f) {
		free(slot_cpu);
		return -1;
	}
	nslots = cpu_slots(c, slot_cpu);
	fprintf(f, "/* Generated by bhconfig from ");
	put_comment(f, c->file);
	fprintf(f, ". Do not edit. */\n");
	fprintf(f,
		"#include <bulkhead/config.h>\n#include <bulkhead/partition.h>\n#include <bulkhead/vdev.h>\n\n");
	for (int p = 0; p < c->nparts; p++)
		for (int l = 0; l < c->part[p].nload; l++)
			fprintf(f, "extern const u8 __bh_p%d_l%d[];\n", p, l);
	gen_plat(f, c);
	for (int p = 0; p < c->nparts; p++) {
		gen_part_tables(f, c, p, slot_cpu, nslots);
		gen_maps(f, &c->part[p], p);
	}
	fprintf(f, "\nconst struct part_config part_configs[] = {\n");
	for (int p = 0; p < c->nparts; p++)
		gen_part(f, c, p);
	fprintf(f, "};\nconst u32 nr_partitions = %d;\n", c->nparts);
	gen_cpu_configs(f, c, slot_cpu, nslots);
	gen_vspis(f, c);
	gen_vdevs(f, c);
	gen_storage(f, c, nslots);
	free(slot_cpu);
	return fclose(f);
}

int gen_images_s(const struct config *c, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "/* Generated by bhconfig from ");
	put_comment(f, c->file);
	fprintf(f, ". Do not edit. */\n");
	for (int p = 0; p < c->nparts; p++)
		for (int l = 0; l < c->part[p].nload; l++) {
			const struct load *ld = &c->part[p].load[l];

			fprintf(f,
				"\n\t.section .images.%s, \"a\"\n\t.balign 4096\n",
				c->part[p].name);
			fprintf(f, "\t.global __bh_p%d_l%d\n__bh_p%d_l%d:\n", p,
				l, p, l);
			fprintf(f, "\t.incbin \"");
			put_escaped(f, ld->file);
			fprintf(f, "\", %llu, %llu\n", X(ld->offset),
				X(ld->size));
		}
	return fclose(f);
}

/* A linker-script string cannot hold a double quote. */
static void put_ld_string(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '"' || *s == '\n' ? '?' : *s, f);
}

int gen_layout_ld(const struct config *c, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "/* Generated by bhconfig from ");
	put_comment(f, c->file);
	fprintf(f, ". Do not edit. */\n");
	fprintf(f, "HYP_BASE = 0x%llx;\nHYP_SIZE = 0x%llx;\n", X(c->hyp.base),
		X(c->hyp.size));
	fprintf(f, "ASSERT(__core_end - HYP_BASE <= 0x200000, \"error: ");
	put_ld_string(f, c->file);
	fprintf(f,
		": /hypervisor: the core with this config's tables and per-CPU areas exceeds its 2 MiB\")\n");
	fprintf(f, "ASSERT(__hyp_end <= HYP_BASE + HYP_SIZE, \"error: ");
	put_ld_string(f, c->file);
	fprintf(f,
		": /hypervisor: the linked core and images do not fit in memory 0x%llx+0x%llx\")\n",
		X(c->hyp.base), X(c->hyp.size));
	return fclose(f);
}

/* Its virtio devices, what it serves, its disks. */
static void report_virtio(FILE *f, const struct config *c, int pi)
{
	const struct part *p = &c->part[pi];

	for (int i = 0; i < c->nvdevs; i++) {
		const struct vdev *v = &c->vdev[i];

		if (v->frontend != pi)
			continue;
		fprintf(f,
			"  virtio %s: %s, served by %s, registers at guest 0x%llx, irq %u",
			v->name, v->kind_name ? v->kind_name : "?",
			v->driver >= 0 ? c->part[v->driver].name : "?",
			X(v->window), v->irq);
		if (v->disk >= 0)
			fprintf(f, ", %s bytes 0x%llx-0x%llx (%llu MiB)%s",
				c->disk[v->disk].name, X(v->slice.base),
				X(v->slice.base + v->slice.size),
				X(v->slice.size >> 20),
				v->read_only ? ", read-only" : "");
		if (v->has_dma_window)
			fprintf(f, ", dma-window 0x%llx+0x%llx",
				X(v->dma_window.base), X(v->dma_window.size));
		fprintf(f, "\n");
	}
	if (p->hyp_console)
		fprintf(f,
			"  drains the core's console (hypervisor-console)\n");
	if (p->doorbell) {
		bool serves = false;

		for (int i = 0; i < c->nvdevs; i++)
			serves |= c->vdev[i].driver == pi;
		fprintf(f, "  driver partition: doorbell irq %u", p->doorbell);
		if (serves)
			fprintf(f,
				", a frontend's reset waits for it %u ms at most",
				p->reset_wait_ms);
		fprintf(f, "\n");
	}
	for (int i = 0; i < c->ngrants; i++)
		if (c->grant[i].driver == pi)
			fprintf(f,
				"  sees %s's memory 0x%llx+0x%llx at guest 0x%llx\n",
				c->part[c->grant[i].frontend].name,
				X(c->grant[i].guest), X(c->grant[i].size),
				X(c->grant[i].local));
	for (int i = 0; i < c->ndisks; i++)
		if (c->disk[i].part == pi)
			fprintf(f, "  disk %s: %s, %llu MiB, image %s\n",
				c->disk[i].name,
				c->disk[i].dev >= 0
					? c->dev[c->disk[i].dev].path
					: "?",
				X(c->disk[i].size >> 20),
				c->disk[i].file ? c->disk[i].file
						: "made by scripts/boot");
}

/*
 * disks.txt, for whoever boots the system (scripts/boot): one line per
 * disk, "NAME CONTROLLER-ADDRESS SIZE FILE", FILE absolute or "-" (none
 * given: the runner makes one).
 */
int gen_disks(const struct config *c, const char *path)
{
	FILE *f = fopen(path, "w");
	char dir[PATH_MAX];

	if (!f)
		return -1;
	fprintf(f, "# Generated by bhconfig: NAME CONTROLLER SIZE FILE\n");
	for (int i = 0; i < c->ndisks; i++) {
		const struct disk *k = &c->disk[i];
		char *file = NULL;

		if (k->dev < 0)
			continue;
		if (k->file && k->file[0] == '/')
			file = xstrdup(k->file);
		else if (k->file)
			file = xasprintf("%s/%s",
					 realpath(c->config_dir, dir) ? dir
								      : ".",
					 k->file);
		fprintf(f, "%s 0x%llx %llu %s\n", k->name,
			X(c->dev[k->dev].reg[0].base), X(k->size),
			file ? file : "-");
		free(file);
	}
	return fclose(f);
}

static void report_part(FILE *f, const struct config *c, const struct part *p)
{
	fprintf(f, "partition %s (%s)\n  cpus:", p->name, p->path);
	for (int v = 0; v < p->ncpus; v++)
		fprintf(f, " %s (vcpu %d)", cpu_name(c, p->cpu[v]), v);
	fprintf(f, "\n  on-fault: %s, vmid %d, interrupt-mode %s\n",
		p->on_fault == ON_FAULT_RESTART ? "restart" : "stop", p->vmid,
		p->direct ? "direct" : "virtual");
	for (int i = 0; i < p->nmem; i++)
		fprintf(f,
			"  memory: 0x%llx-0x%llx (%llu KiB) at guest 0x%llx\n",
			X(p->mem[i].base), X(p->mem[i].base + p->mem[i].size),
			X(p->mem[i].size >> 10), X(p->ipa[i]));
	for (int d = 0; d < p->ndev; d++) {
		const struct pdev *dev = &c->dev[p->dev[d]];

		fprintf(f, "  device: %s%s", dev->path,
			dev->dma
				? " (DMA, accepted by dma-devices: it can reach all memory)"
				: "");
		for (int i = 0; i < dev->nirq; i++)
			fprintf(f, "%s%u", i ? "," : " irq ", dev->irq[i]);
		fprintf(f, "\n");
	}
	for (int l = 0; l < p->nload; l++)
		fprintf(f,
			"  %s: %s%s (%llu bytes) -> guest 0x%llx (phys 0x%llx)\n",
			p->load[l].what, p->load[l].file,
			p->load[l].explicit_path
				? " (the config's own file, by path)"
				: "",
			X(p->load[l].size), X(p->load[l].ipa),
			X(p->load[l].pa));
	fprintf(f, "  entry: 0x%llx%s\n", X(p->entry),
		p->dtb_ipa ? "" : ", no guest DT");
	report_virtio(f, c, (int)(p - c->part));
}

int gen_report(const struct config *c, const char *path)
{
	FILE *f = fopen(path, "w");
	int unused = 0;

	if (!f)
		return -1;
	fprintf(f, "Bulkhead system image from %s\n\n", c->file);
	if (c->platform_file)
		fprintf(f, "platform: %s\n", c->platform_file);
	fprintf(f, "hypervisor: 0x%llx-0x%llx, console %s, %u-bit addresses\n",
		X(c->hyp.base), X(c->hyp.base + c->hyp.size),
		c->dev[c->console].path, c->addr_bits);
	for (int i = 0; i < c->ncpus; i++)
		unused += c->cpu[i].owner < 0;
	fprintf(f, "cpus: %d on the platform, %d unused (never started)\n\n",
		c->ncpus, unused);
	for (int p = 0; p < c->nparts; p++)
		report_part(f, c, &c->part[p]);
	return fclose(f);
}

/* A path in a Makefile-style depfile: spaces and '#' escaped. */
static void put_dep(FILE *f, const char *s)
{
	fputc(' ', f);
	for (; *s; s++) {
		if (*s == ' ' || *s == '#' || *s == '\\')
			fputc('\\', f);
		if (*s == '$')
			fputc('$', f);
		fputc(*s, f);
	}
}

int gen_depfile(const struct config *c, const char *path, const char *target)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(target, f);
	fputc(':', f);
	for (int i = 0; i < c->ndeps; i++)
		put_dep(f, c->deps[i]);
	for (int p = 0; p < c->nparts; p++)
		for (int l = 0; l < c->part[p].nload; l++)
			if (strcmp(c->part[p].load[l].what, "dtb") &&
			    (!l || strcmp(c->part[p].load[l].file,
					  c->part[p].load[l - 1].file)))
				put_dep(f, c->part[p].load[l].file);
	fputc('\n', f);
	return fclose(f);
}
