// SPDX-License-Identifier: MIT
/*
 * Generated guest device trees (tools/bhconfig/guestdt.c), node by node:
 * a partition sees its CPUs renumbered from 0 with PSCI over HVC, its
 * memory at its guest addresses, a GICv3 with only its redistributor
 * frames, the timer, its devices with the clocks they name, and /chosen;
 * nothing else of the platform. A device's reg is the translated CPU
 * address; references that cannot be carried over stop the build.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "bhconfig.h"

static char platform[8192];

static void prop_str(void *o, const char *name, const char *v)
{
	fdt_property(o, name, v, (int)strlen(v) + 1);
}

static void prop_u32s(void *o, const char *name, const uint32_t *v, int n)
{
	fdt32_t cells[16];

	for (int i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(v[i]);
	fdt_property(o, name, cells, n * 4);
}

/* A small platform: 4 CPUs, GIC, timer, a clock, a UART, an MSI user. */
static void build_platform(void)
{
	static const uint32_t timer_irqs[] = { 1, 13, 4, 1, 14, 4,
					       1, 11, 4, 1, 10, 4 };
	static const uint32_t uart_reg[] = { 0, 0x09000000, 0, 0x1000 };
	static const uint32_t uart_irq[] = { 0, 1, 4 };
	static const uint32_t clocks[] = { 10, 10 };
	static const uint32_t dangling[] = { 0xdead };
	static const uint32_t bus_ranges[] = { 0, 0xc000000, 0x1000000 };
	static const uint32_t bus_reg[] = { 0x100, 0x100 };
	void *o = platform;

	fdt_create(o, sizeof(platform));
	fdt_finish_reservemap(o);
	fdt_begin_node(o, "");
	fdt_property_u32(o, "#address-cells", 2);
	fdt_property_u32(o, "#size-cells", 2);
	fdt_property_u32(o, "interrupt-parent", 1);
	fdt_begin_node(o, "cpus");
	for (int i = 0; i < 4; i++) {
		char name[16] = "cpu@0";

		name[4] = (char)('0' + i);
		fdt_begin_node(o, name);
		prop_str(o, "device_type", "cpu");
		prop_str(o, "compatible", "arm,cortex-a72");
		fdt_property_u32(o, "reg", (uint32_t)i);
		fdt_property_u32(o, "phandle", (uint32_t)(20 + i));
		fdt_end_node(o);
	}
	fdt_end_node(o);
	fdt_begin_node(o, "intc@8000000");
	prop_str(o, "compatible", "arm,gic-v3");
	fdt_property_u32(o, "phandle", 1);
	fdt_end_node(o);
	fdt_begin_node(o, "timer");
	prop_str(o, "compatible", "arm,armv8-timer");
	prop_u32s(o, "interrupts", timer_irqs, 12);
	fdt_property(o, "always-on", NULL, 0);
	fdt_end_node(o);
	fdt_begin_node(o, "apb-pclk");
	prop_str(o, "compatible", "fixed-clock");
	fdt_property_u32(o, "#clock-cells", 0);
	fdt_property_u32(o, "clock-frequency", 24000000);
	fdt_property_u32(o, "phandle", 10);
	fdt_end_node(o);
	fdt_begin_node(o, "pl011@9000000");
	prop_str(o, "compatible", "arm,pl011");
	prop_u32s(o, "reg", uart_reg, 4);
	prop_u32s(o, "interrupts", uart_irq, 3);
	prop_u32s(o, "clocks", clocks, 2);
	fdt_property_u32(o, "phandle", 11);
	fdt_end_node(o);
	fdt_begin_node(o, "pcie@10000000");
	prop_str(o, "compatible", "pci-host-ecam-generic");
	prop_u32s(o, "msi-map", clocks, 2);
	fdt_end_node(o);
	fdt_begin_node(o, "rtc@9010000");
	prop_str(o, "compatible", "arm,pl031");
	prop_u32s(o, "clocks", dangling, 1);
	fdt_end_node(o);
	fdt_begin_node(o, "bus@c000000");
	fdt_property_u32(o, "#address-cells", 1);
	fdt_property_u32(o, "#size-cells", 1);
	prop_u32s(o, "ranges", bus_ranges, 3);
	fdt_begin_node(o, "dev@100");
	prop_str(o, "compatible", "acme,dev");
	prop_u32s(o, "reg", bus_reg, 2);
	prop_u32s(o, "vdd-supply", clocks, 1);
	fdt_end_node(o);
	fdt_begin_node(o, "pl011@9000000");
	prop_str(o, "compatible", "arm,pl011");
	fdt_end_node(o);
	fdt_end_node(o);
	fdt_end_node(o);
	fdt_finish(o);
}

static int node_of(struct config *c, const char *path)
{
	return tree_find(&c->tree, fdt_path_offset(platform, path));
}

static void device(struct config *c, int i, const char *path, uint64_t base,
		   uint64_t size)
{
	struct pdev *d = &c->dev[i];

	d->path = xstrdup(path);
	d->compatible = xstrdup("");
	d->node = node_of(c, path);
	d->off = fdt_path_offset(platform, path);
	d->nreg = 1;
	d->reg = xcalloc(1, sizeof(*d->reg));
	d->reg[0] = (struct region){ base, size };
	d->owner = -1;
}

static struct config *config(void)
{
	struct config *c = calloc(1, sizeof(*c));
	struct part *p;

	build_platform();
	c->file = "t.dts";
	c->fdt = platform;
	assert_int_equal(tree_build(&c->tree, platform), 0);
	c->ncpus = 4;
	c->cpu = xcalloc(4, sizeof(*c->cpu));
	for (int i = 0; i < 4; i++) {
		c->cpu[i].path = xasprintf("/cpus/cpu@%d", i);
		c->cpu[i].node = node_of(c, c->cpu[i].path);
	}
	c->gicd = 0x08000000;
	c->gicd_size = 0x10000;
	c->gicr = 0x080a0000;
	c->gicr_stride = 0x20000;
	c->ndevs = 6;
	c->dev = xcalloc(6, sizeof(*c->dev));
	device(c, 0, "/pl011@9000000", 0x09000000, 0x1000);
	device(c, 1, "/pcie@10000000", 0x10000000, 0x1000);
	device(c, 2, "/rtc@9010000", 0x09010000, 0x1000);
	device(c, 3, "/bus@c000000/dev@100", 0xc000100, 0x100);
	device(c, 4, "/bus@c000000/pl011@9000000", 0xc001000, 0x100);
	device(c, 5, "/intc@8000000", 0x08000000, 0x10000);
	c->console = 0;
	c->nparts = 1;
	c->part = xcalloc(1, sizeof(*c->part));
	p = &c->part[0];
	p->name = xstrdup("linux");
	p->path = xstrdup("/partitions/linux");
	p->ncpus = 2;
	p->cpu = xcalloc(2, sizeof(int));
	p->cpu[0] = 2;
	p->cpu[1] = 3;
	p->nmem = 2;
	p->mem = xcalloc(2, sizeof(*p->mem));
	p->ipa = xcalloc(2, sizeof(*p->ipa));
	p->mem[0] = (struct region){ 0x48000000, 0x10000000 };
	p->ipa[0] = 0x40000000;
	p->mem[1] = (struct region){ 0x60000000, 0x200000 };
	p->ipa[1] = 0x80000000;
	p->ndev = 1;
	p->dev = xcalloc(4, sizeof(int));
	p->dev_dma_ok = xcalloc(4, sizeof(bool));
	p->dev[0] = 0;
	p->bootargs = xstrdup("console=ttyAMA0 quiet");
	p->nload = 1;
	p->load = xcalloc(1, sizeof(*p->load));
	p->load[0] = (struct load){ .what = "initrd",
				    .ipa = 0x4fe00000,
				    .size = 0x1234 };
	return c;
}

static void done(struct config *c)
{
	config_free(c);
	free(c);
}

static const void *prop(const void *fdt, const char *path, const char *name,
			int *len)
{
	int node = fdt_path_offset(fdt, path);

	assert_true(node >= 0);
	return fdt_getprop(fdt, node, name, len);
}

static uint64_t cells64(const void *p, int i)
{
	const fdt32_t *c = p;

	return (uint64_t)fdt32_to_cpu(c[2 * i]) << 32 |
	       fdt32_to_cpu(c[2 * i + 1]);
}

static void root_and_chosen(void **state)
{
	struct config *c = config();
	const void *dt;
	int len;

	(void)state;
	guest_dt_build(c, 0);
	assert_int_equal(c->nerrors, 0);
	dt = c->part[0].dtb;
	assert_int_equal(fdt_check_header(dt), 0);
	assert_string_equal(prop(dt, "/", "model", NULL),
			    "Bulkhead partition linux");
	assert_int_equal(
		fdt32_to_cpu(*(const fdt32_t *)prop(dt, "/", "interrupt-parent",
						    NULL)),
		fdt_get_phandle(dt, fdt_path_offset(dt, "/intc@8000000")));
	assert_string_equal(prop(dt, "/chosen", "bootargs", NULL),
			    "console=ttyAMA0 quiet");
	assert_string_equal(prop(dt, "/chosen", "stdout-path", NULL),
			    "/pl011@9000000");
	assert_int_equal(
		cells64(prop(dt, "/chosen", "linux,initrd-start", NULL), 0),
		0x4fe00000);
	assert_int_equal(cells64(prop(dt, "/chosen", "linux,initrd-end", NULL),
				 0),
			 0x4fe01234);
	assert_non_null(prop(dt, "/chosen", "rng-seed", &len));
	assert_int_equal(len, 32);
	assert_int_equal(memcmp((const char *)dt + c->part[0].seed_offset,
				prop(dt, "/chosen", "rng-seed", NULL), 32),
			 0);
	assert_string_equal(prop(dt, "/psci", "method", NULL), "hvc");
	assert_string_equal(prop(dt, "/psci", "compatible", NULL),
			    "arm,psci-1.0");
	done(c);
}

static void cpus_renumbered(void **state)
{
	struct config *c = config();
	const void *dt;
	int cpus, node, n = 0;

	(void)state;
	guest_dt_build(c, 0);
	dt = c->part[0].dtb;
	cpus = fdt_path_offset(dt, "/cpus");
	fdt_for_each_subnode (node, dt, cpus) {
		char name[16] = "cpu@0";

		name[4] = (char)('0' + n);
		assert_string_equal(fdt_get_name(dt, node, NULL), name);
		assert_int_equal(fdt32_to_cpu(*(const fdt32_t *)fdt_getprop(
					 dt, node, "reg", NULL)),
				 n);
		assert_string_equal(
			fdt_getprop(dt, node, "enable-method", NULL), "psci");
		assert_string_equal(fdt_getprop(dt, node, "compatible", NULL),
				    "arm,cortex-a72");
		n++;
	}
	assert_int_equal(n, 2); /* physical cpu@2 and cpu@3 became 0 and 1 */
	done(c);
}

static void memory_gic_timer(void **state)
{
	struct config *c = config();
	const void *dt, *reg;
	int len;

	(void)state;
	guest_dt_build(c, 0);
	dt = c->part[0].dtb;
	reg = prop(dt, "/memory@40000000", "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(cells64(reg, 0), 0x40000000);
	assert_int_equal(cells64(reg, 1), 0x10000000);
	reg = prop(dt, "/memory@80000000", "reg", NULL);
	assert_int_equal(cells64(reg, 0), 0x80000000);
	assert_int_equal(cells64(reg, 1), 0x200000);
	assert_string_equal(prop(dt, "/memory@80000000", "device_type", NULL),
			    "memory");
	reg = prop(dt, "/intc@8000000", "reg", &len);
	assert_int_equal(len, 32);
	assert_int_equal(cells64(reg, 0), 0x08000000);
	assert_int_equal(cells64(reg, 1), 0x10000);
	assert_int_equal(cells64(reg, 2), 0x080a0000);
	assert_int_equal(cells64(reg, 3), 2 * 0x20000); /* its two frames only
							 */
	assert_non_null(
		prop(dt, "/intc@8000000", "interrupt-controller", NULL));
	assert_non_null(prop(dt, "/timer", "always-on", NULL));
	prop(dt, "/timer", "interrupts", &len);
	assert_int_equal(len, 48);
	done(c);
}

static void device_and_its_clock(void **state)
{
	struct config *c = config();
	const void *dt;
	const fdt32_t *clocks;
	int len, clk;

	(void)state;
	guest_dt_build(c, 0);
	dt = c->part[0].dtb;
	assert_int_equal(cells64(prop(dt, "/pl011@9000000", "reg", NULL), 0),
			 0x09000000);
	assert_null(prop(dt, "/pl011@9000000", "phandle", NULL));
	clocks = prop(dt, "/pl011@9000000", "clocks", &len);
	assert_int_equal(len, 8);
	clk = fdt_node_offset_by_phandle(dt, fdt32_to_cpu(clocks[0]));
	assert_string_equal(fdt_get_name(dt, clk, NULL), "apb-pclk");
	assert_int_equal(fdt32_to_cpu(clocks[1]), fdt32_to_cpu(clocks[0]));
	assert_int_equal(fdt32_to_cpu(*(const fdt32_t *)fdt_getprop(
				 dt, clk, "clock-frequency", NULL)),
			 24000000);
	done(c);
}

static void nothing_else(void **state)
{
	static const char *const want[] = {
		"chosen",	   "psci",	   "cpus",  "memory@40000000",
		"memory@80000000", "intc@8000000", "timer", "pl011@9000000",
		"apb-pclk",
	};
	struct config *c = config();
	const void *dt;
	int node, n = 0;

	(void)state;
	c->part[0].ndev = 0; /* no UART: no stdout-path, no clock either */
	guest_dt_build(c, 0);
	dt = c->part[0].dtb;
	fdt_for_each_subnode (node, dt, 0) {
		const char *name = fdt_get_name(dt, node, NULL);
		bool known = false;

		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			known |= !strcmp(name, want[i]);
		assert_true(known);
		assert_string_not_equal(name, "pl011@9000000");
		assert_string_not_equal(name, "apb-pclk");
		n++;
	}
	assert_int_equal(n, 7);
	assert_null(prop(dt, "/chosen", "stdout-path", NULL));
	done(c);
}

static void expect_error(int dev, const char *want)
{
	struct config *c = config();

	c->part[0].dev[0] = dev;
	guest_dt_build(c, 0);
	assert_int_equal(c->nerrors, 1);
	assert_string_equal(c->errors[0], want);
	assert_null(c->part[0].dtb);
	done(c);
}

static void refuses_unsupported_references(void **state)
{
	(void)state;
	expect_error(
		1, /* the PCIe host, with an msi-map */
		"error: t.dts: /partitions/linux: granted device /pcie@10000000 refers to other nodes through 'msi-map', which Bulkhead cannot grant");
	expect_error(
		3, /* a regulator */
		"error: t.dts: /partitions/linux: granted device /bus@c000000/dev@100 refers to other nodes through 'vdd-supply', which Bulkhead cannot grant");
	expect_error(
		2, /* a clock phandle that leads nowhere */
		"error: t.dts: /partitions/linux: device /rtc@9010000: clocks: phandle 0xdead does not refer to a node of the platform");
}

/* A device on a bus appears at the CPU address, not its bus address. */
static void bus_address_translated(void **state)
{
	struct config *c = config();
	const void *dt, *reg;
	int len;

	(void)state;
	c->dev[3].off = fdt_path_offset(platform, "/pl011@9000000");
	c->part[0].dev[0] = 3; /* the reg-less pl011 stands in for dev@100 */
	guest_dt_build(c, 0);
	assert_int_equal(c->nerrors, 0);
	dt = c->part[0].dtb;
	reg = prop(dt, "/pl011@9000000", "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(cells64(reg, 0), 0xc000100);
	assert_int_equal(cells64(reg, 1), 0x100);
	done(c);
}

/* Two granted nodes named alike would be one node to the guest. */
static void same_names_refused(void **state)
{
	struct config *c = config();

	(void)state;
	c->part[0].dev[1] = 4;
	c->part[0].ndev = 2;
	guest_dt_build(c, 0);
	assert_int_equal(c->nerrors, 1);
	assert_string_equal(
		c->errors[0],
		"error: t.dts: /partitions/linux: two nodes named 'pl011@9000000' would meet at the root of its device tree (granted devices from different buses?)");
	done(c);
}

/* A partition of ten memory ranges served by a driver (partition 1 here):
 * the driver's device tree lists every grant, not a fixed number. */
static void driver_sees_every_grant(void **state)
{
	struct config *c = config();
	struct part *fe;
	const void *dt;
	const char *g;
	int len;

	(void)state;
	c->part = realloc(c->part, 2 * sizeof(*c->part));
	fe = &c->part[1];
	memset(fe, 0, sizeof(*fe));
	fe->name = xstrdup("fe");
	fe->path = xstrdup("/partitions/fe");
	c->nparts = 2;
	c->part[0].drv_page_ipa = 0x90000000;
	c->part[0].doorbell = 300;
	c->nvdevs = 1;
	c->vdev = xcalloc(1, sizeof(*c->vdev));
	c->vdev[0] =
		(struct vdev){ .name = xstrdup("con"),
			       .path = xstrdup("/partitions/fe/virtio/con"),
			       .frontend = 1,
			       .driver = 0,
			       .disk = -1,
			       .kind_name = "console",
			       .state_ipa = 0x90001000 };
	c->ngrants = 10;
	c->grant = xcalloc(10, sizeof(*c->grant));
	for (int i = 0; i < 10; i++)
		c->grant[i] =
			(struct grant){ 1,
					0,
					0x40000000 + 0x200000ULL * (unsigned)i,
					0x100000,
					0xa0000000 + 0x200000ULL * (unsigned)i,
					false };
	guest_dt_build(c, 0);
	assert_int_equal(c->nerrors, 0);
	dt = c->part[0].dtb;
	g = prop(dt, "/bulkhead/vdev@0", "grant", &len);
	assert_int_equal(len, 10 * 24);
	assert_int_equal(cells64(g, 27), 0x40000000 + 0x200000ULL * 9);
	assert_int_equal(cells64(g, 29), 0xa0000000 + 0x200000ULL * 9);
	done(c);
}

/* Two devices with one dma-window share one restricted-dma-pool: two
 * pools of one name and range would be one node twice, and two
 * allocators over the same buffers. */
static void devices_share_a_pool(void **state)
{
	struct config *c = config();
	const void *dt;
	int pools = 0, node;

	(void)state;
	c->nvdevs = 2;
	c->vdev = xcalloc(2, sizeof(*c->vdev));
	for (int i = 0; i < 2; i++)
		c->vdev[i] = (struct vdev){
			.name = xasprintf("con%d", i),
			.path = xasprintf("/partitions/linux/virtio/con%d", i),
			.frontend = 0,
			.driver = 1,
			.disk = -1,
			.kind_name = "console",
			.window = 0xa000000 + 0x1000ULL * (unsigned)i,
			.irq = 40 + (uint32_t)i,
			.has_dma_window = true,
			.dma_window = { 0x4ff00000, 0x10000 }
		};
	guest_dt_build(c, 0);
	assert_int_equal(c->nerrors, 0);
	dt = c->part[0].dtb;
	assert_int_equal(fdt_check_full(dt, fdt_totalsize(dt)), 0);
	fdt_for_each_subnode (node, dt, fdt_path_offset(dt, "/reserved-memory"))
		pools++;
	assert_int_equal(pools, 1);
	assert_int_equal(
		fdt32_to_cpu(*(const fdt32_t *)prop(dt, "/virtio_mmio@a000000",
						    "memory-region", NULL)),
		fdt32_to_cpu(*(const fdt32_t *)prop(dt, "/virtio_mmio@a001000",
						    "memory-region", NULL)));
	done(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(root_and_chosen),
		cmocka_unit_test(cpus_renumbered),
		cmocka_unit_test(memory_gic_timer),
		cmocka_unit_test(device_and_its_clock),
		cmocka_unit_test(nothing_else),
		cmocka_unit_test(refuses_unsupported_references),
		cmocka_unit_test(bus_address_translated),
		cmocka_unit_test(same_names_refused),
		cmocka_unit_test(driver_sees_every_grant),
		cmocka_unit_test(devices_share_a_pool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
