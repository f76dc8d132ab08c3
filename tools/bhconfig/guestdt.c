// SPDX-License-Identifier: MIT
/*
 * Guest device trees. Each partition gets a DTB generated from the same
 * config source as the core's tables, showing exactly what it was granted:
 * its CPUs renumbered from 0 (PSCI through HVC), its memory at its guest
 * addresses, a GICv3 with only its own redistributor frames, the
 * architected timer, its devices (with the fixed clocks they name) and
 * /chosen (boot arguments, initrd, stdout-path when it owns the console).
 * Nothing else of the platform appears.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhconfig.h"

#define DTB_MAX (64 * 1024)
#define RNG_SEED_BYTES 32
#define PH_GIC 1
#define PH_FIRST_CLOCK 2
#define MAX_CLOCKS 8

struct clocks {
	int node[MAX_CLOCKS]; /* platform clock nodes, index = new phandle - 2
			       */
	int n;
};

static const char *const unsupported_refs[] = {
	"msi-map",   "msi-parent",
	"iommus",    "iommu-map",
	"dmas",	     "gpios",
	"resets",    "power-domains",
	"pinctrl-0", "interrupts-extended",
	NULL,
};

static void prop_str(void *o, const char *name, const char *v)
{
	fdt_property(o, name, v, (int)strlen(v) + 1);
}

static void prop_u32(void *o, const char *name, uint32_t v)
{
	fdt_property_u32(o, name, v);
}

static void prop_cells(void *o, const char *name, const uint64_t *v, int n)
{
	fdt32_t cells[16];

	for (int i = 0; i < n && i < 8; i++) {
		cells[2 * i] = cpu_to_fdt32((uint32_t)(v[i] >> 32));
		cells[2 * i + 1] = cpu_to_fdt32((uint32_t)v[i]);
	}
	fdt_property(o, name, cells, (int)(n * 8));
}

static int clock_phandle(struct clocks *ck, const void *fdt, uint32_t ph)
{
	int node = fdt_node_offset_by_phandle(fdt, ph);

	if (node < 0)
		return -1;
	for (int i = 0; i < ck->n; i++)
		if (ck->node[i] == node)
			return PH_FIRST_CLOCK + i;
	if (ck->n == MAX_CLOCKS ||
	    fdt_getprop(fdt, node, "#clock-cells", NULL) == NULL ||
	    fdt32_to_cpu(*(const fdt32_t *)fdt_getprop(
		    fdt, node, "#clock-cells", NULL)) != 0)
		return -1;
	ck->node[ck->n] = node;
	return PH_FIRST_CLOCK + ck->n++;
}

/* Copy @node's properties, re-pointing clocks at the guest's own copies. */
static bool copy_props(struct config *c, const char *user, void *o,
		       const void *fdt, int node, struct clocks *ck)
{
	int prop;

	fdt_for_each_property_offset (prop, fdt, node) {
		const char *name;
		int len;
		const fdt32_t *v =
			fdt_getprop_by_offset(fdt, prop, &name, &len);

		if (!strcmp(name, "phandle") ||
		    !strcmp(name, "linux,phandle") ||
		    !strcmp(name, "interrupt-parent"))
			continue;
		for (int i = 0; unsupported_refs[i]; i++)
			if (!strcmp(name, unsupported_refs[i])) {
				diag(c, user,
				     "a granted device refers to other nodes through '%s', which Bulkhead cannot grant",
				     name);
				return false;
			}
		if (ck && !strcmp(name, "clocks")) {
			fdt32_t out[MAX_CLOCKS];

			for (int i = 0; i < len / 4 && i < MAX_CLOCKS; i++) {
				int ph = clock_phandle(ck, fdt,
						       fdt32_to_cpu(v[i]));

				if (ph < 0) {
					diag(c, user,
					     "device clocks must be fixed clocks (#clock-cells = <0>)");
					return false;
				}
				out[i] = cpu_to_fdt32((uint32_t)ph);
			}
			fdt_property(o, name, out, len);
			continue;
		}
		fdt_property(o, name, v, len);
	}
	return true;
}

static void gen_cpus(const struct config *c, void *o, const struct part *p)
{
	const char *compat = NULL;
	int len = 0;
	int node = fdt_path_offset(c->fdt, c->cpu[p->cpu[0]].path);

	if (node >= 0)
		compat = fdt_getprop(c->fdt, node, "compatible", &len);
	fdt_begin_node(o, "cpus");
	prop_u32(o, "#address-cells", 1);
	prop_u32(o, "#size-cells", 0);
	for (int v = 0; v < p->ncpus; v++) {
		char name[16];

		snprintf(name, sizeof(name), "cpu@%d", v);
		fdt_begin_node(o, name);
		prop_str(o, "device_type", "cpu");
		if (compat)
			fdt_property(o, "compatible", compat, len);
		prop_u32(o, "reg", (uint32_t)v);
		prop_str(o, "enable-method", "psci");
		fdt_end_node(o);
	}
	fdt_end_node(o);
}

static void gen_gic(const struct config *c, void *o, const struct part *p)
{
	char name[32];
	uint64_t reg[4] = { c->gicd, 0x10000, c->gicr,
			    c->gicr_stride * (uint64_t)p->ncpus };

	snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)c->gicd);
	fdt_begin_node(o, name);
	prop_str(o, "compatible", "arm,gic-v3");
	prop_u32(o, "#interrupt-cells", 3);
	fdt_property(o, "interrupt-controller", NULL, 0);
	prop_cells(o, "reg", reg, 4);
	prop_u32(o, "#redistributor-regions", 1);
	prop_u32(o, "phandle", PH_GIC);
	fdt_end_node(o);
}

/* 32 bytes for /chosen/rng-seed, from the build host's entropy. */
static bool read_seed(uint8_t *seed, size_t n)
{
	FILE *f = fopen("/dev/urandom", "rb");
	bool ok = f && fread(seed, 1, n, f) == n;

	if (f)
		fclose(f);
	return ok;
}

static void gen_chosen(struct config *c, void *o, const struct part *p)
{
	uint8_t seed[RNG_SEED_BYTES];

	fdt_begin_node(o, "chosen");
	if (!read_seed(seed, sizeof(seed)))
		diag(c, p->path,
		     "cannot read /dev/urandom for the guest's rng-seed");
	fdt_property(o, "rng-seed", seed, sizeof(seed));
	if (p->bootargs[0])
		prop_str(o, "bootargs", p->bootargs);
	for (int l = 0; l < p->nload; l++)
		if (!strcmp(p->load[l].what, "initrd")) {
			fdt_property_u64(o, "linux,initrd-start",
					 p->load[l].ipa);
			fdt_property_u64(o, "linux,initrd-end",
					 p->load[l].ipa + p->load[l].size);
		}
	for (int d = 0; d < p->ndev; d++)
		if (p->dev[d] == c->console) {
			const char *slash =
				strrchr(c->dev[c->console].path, '/');
			char path[128];

			snprintf(path, sizeof(path), "/%s",
				 slash ? slash + 1 : "");
			prop_str(o, "stdout-path", path);
		}
	fdt_end_node(o);
}

static void gen_memory(void *o, const struct part *p)
{
	for (int i = 0; i < p->nmem; i++) {
		char name[32];
		uint64_t reg[2] = { p->ipa[i], p->mem[i].size };

		snprintf(name, sizeof(name), "memory@%llx",
			 (unsigned long long)p->ipa[i]);
		fdt_begin_node(o, name);
		prop_str(o, "device_type", "memory");
		prop_cells(o, "reg", reg, 2);
		fdt_end_node(o);
	}
}

static void gen_node_copy(struct config *c, const struct part *p, void *o,
			  int node, struct clocks *ck)
{
	fdt_begin_node(o, fdt_get_name(c->fdt, node, NULL));
	copy_props(c, p->path, o, c->fdt, node, ck);
	if (fdt_first_subnode(c->fdt, node) >= 0)
		diag(c, p->path,
		     "granted device %s has child nodes, which Bulkhead cannot grant",
		     fdt_get_name(c->fdt, node, NULL));
	fdt_end_node(o);
}

static void gen_devices(struct config *c, void *o, const struct part *p)
{
	struct clocks ck = { .n = 0 };
	int timer =
		fdt_node_offset_by_compatible(c->fdt, -1, "arm,armv8-timer");

	if (timer >= 0)
		gen_node_copy(c, p, o, timer, NULL);
	for (int d = 0; d < p->ndev; d++)
		gen_node_copy(c, p, o, c->dev[p->dev[d]].node, &ck);
	for (int i = 0; i < ck.n; i++) {
		fdt_begin_node(o, fdt_get_name(c->fdt, ck.node[i], NULL));
		copy_props(c, p->path, o, c->fdt, ck.node[i], NULL);
		prop_u32(o, "phandle", (uint32_t)(PH_FIRST_CLOCK + i));
		fdt_end_node(o);
	}
}

void guest_dt_build(struct config *c, int pi)
{
	struct part *p = &c->part[pi];
	void *o = calloc(1, DTB_MAX);
	char model[96];
	const void *seed;
	int err, len;

	if (!o)
		abort();
	fdt_create(o, DTB_MAX);
	fdt_finish_reservemap(o);
	fdt_begin_node(o, "");
	prop_u32(o, "#address-cells", 2);
	prop_u32(o, "#size-cells", 2);
	fdt_property(o, "compatible", "bulkhead,partition\0linux,dummy-virt",
		     sizeof("bulkhead,partition\0linux,dummy-virt"));
	snprintf(model, sizeof(model), "Bulkhead partition %s", p->name);
	prop_str(o, "model", model);
	prop_u32(o, "interrupt-parent", PH_GIC);
	gen_chosen(c, o, p);
	fdt_begin_node(o, "psci");
	fdt_property(o, "compatible", "arm,psci-1.0\0arm,psci-0.2\0arm,psci",
		     sizeof("arm,psci-1.0\0arm,psci-0.2\0arm,psci"));
	prop_str(o, "method", "hvc");
	fdt_end_node(o);
	gen_cpus(c, o, p);
	gen_memory(o, p);
	gen_gic(c, o, p);
	gen_devices(c, o, p);
	fdt_end_node(o);
	err = fdt_finish(o);
	if (err) {
		diag(c, p->path, "guest device tree: %s", fdt_strerror(err));
		free(o);
		return;
	}
	free(p->dtb);
	p->dtb = o;
	p->dtb_size = fdt_totalsize(o);
	seed = fdt_getprop(o, fdt_path_offset(o, "/chosen"), "rng-seed", &len);
	p->seed_offset = seed ? (uint64_t)((const char *)seed - (const char *)o)
			      : 0;
}
