// SPDX-License-Identifier: MIT
/*
 * DTB -> model. After platform.c has checked that the config left the
 * platform alone, board.c reads the platform and this file reads the
 * config's own nodes, each from one table below: which top-level nodes a
 * config may add, which properties each node takes, and which child nodes
 * a partition may have (none yet: a child kind is one line in
 * part_children). Anything else is an error, so that a typo or a
 * misplaced property is never silently ignored. Structural problems (a
 * missing or malformed property, a phandle that does not resolve) are
 * reported here; whether the system can work is validate.c's job.
 *
 * `memory` and `memory-ipa` use the root's #address-cells/#size-cells.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"

static void parse_hypervisor(struct config *c, int node);
static void parse_partitions(struct config *c, int node);

/* The nodes a config may add to the platform, with their readers. */
static const struct config_node {
	const char *name;
	void (*parse)(struct config *c, int node); /* node: tree index, -1 */
} config_nodes[] = {
	{ "hypervisor", parse_hypervisor },
	{ "partitions", parse_partitions },
};

#define N_CONFIG_NODES (sizeof(config_nodes) / sizeof(config_nodes[0]))

bool config_node_allowed(const char *name)
{
	for (size_t i = 0; i < N_CONFIG_NODES; i++)
		if (!strcmp(name, config_nodes[i].name))
			return true;
	return false;
}

static const char *const hypervisor_props[] = { "memory", "console", NULL };
static const char *const partitions_props[] = { NULL };
static const char *const part_props[] = {
	"cpus",
	"memory",
	"memory-ipa",
	"image",
	"initrd",
	"devices",
	"dma-devices",
	"bootargs",
	"on-fault",
	"hypervisor-console",
	"interrupt-mode",
	"reset-wait-ms",
	NULL,
};

/* Child nodes a partition may have. */
static const struct part_child {
	const char *name;
	void (*parse)(struct config *c, struct part *p, int node);
} part_children[] = {
	{ "virtio", virtio_parse }, /* its virtio devices (virtio.c) */
	{ "disks", disks_parse },   /* a block driver's disks (virtio.c) */
	{ NULL, NULL },
};

static bool listed(const char *const *names, const char *name)
{
	if (!strcmp(name, "phandle") || !strcmp(name, "linux,phandle"))
		return true; /* dtc adds these to nodes referred to */
	for (int i = 0; names[i]; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static void check_props(struct config *c, int node, const char *path,
			const char *const *names)
{
	int prop;

	fdt_for_each_property_offset (prop, c->fdt, c->tree.n[node].off) {
		const char *name;

		if (!fdt_getprop_by_offset(c->fdt, prop, &name, NULL))
			diag(c, path, "a property the device tree cannot name");
		else if (!listed(names, name))
			diag_prop(c, path, name, "unknown property '%s'", name);
	}
}

/* Child nodes of @node that no reader takes are errors. */
static void check_children(struct config *c, int node, const char *path,
			   struct part *p)
{
	int sub;

	fdt_for_each_subnode (sub, c->fdt, c->tree.n[node].off) {
		const char *name = fdt_get_name(c->fdt, sub, NULL);
		const struct part_child *k = part_children;

		while (p && k->name && strcmp(k->name, name))
			k++;
		if (p && k->name)
			k->parse(c, p, tree_find(&c->tree, sub));
		else
			diag(c, path, "unexpected child node '%s'",
			     name ? name : "?");
	}
}

/* A list of (address[, size]) in root cells; the count, -1 if malformed. */
static int read_ranges(struct config *c, int node, const char *prop,
		       const char *path, struct region **out, bool sized)
{
	int ac = tree_cells(&c->tree, 0, "#address-cells", 2);
	int sc = sized ? tree_cells(&c->tree, 0, "#size-cells", 1) : 0;
	int len, n;
	const fdt32_t *p = fdt_getprop(c->fdt, c->tree.n[node].off, prop, &len);

	*out = NULL;
	if (!p)
		return 0;
	if (ac < 1 || sc < (sized ? 1 : 0)) {
		diag(c, "/", "#address-cells and #size-cells must be 1 or 2");
		return -1;
	}
	if (len == 0 || len % (4 * (ac + sc))) {
		diag_prop(c, path, prop,
			  "%s must be a list of <%s> (%d + %d cells each)",
			  prop, sized ? "address size" : "address", ac, sc);
		return -1;
	}
	n = len / (4 * (ac + sc));
	*out = xcalloc((size_t)n, sizeof(**out));
	for (int i = 0; i < n; i++) {
		(*out)[i].base = read_cells(p + i * (ac + sc), ac);
		(*out)[i].size = sized ? read_cells(p + i * (ac + sc) + ac, sc)
				       : 0;
	}
	return n;
}

/*
 * The phandles of list property @prop (NULL if absent, count in *n; -1
 * if malformed). A string where phandles belong is the common mistake
 * of writing "uart0" for <&uart0>.
 */
static const fdt32_t *phandles(struct config *c, int node, const char *path,
			       const char *prop, int *n)
{
	int len;
	const fdt32_t *v = fdt_getprop(c->fdt, c->tree.n[node].off, prop, &len);

	*n = 0;
	if (!v)
		return NULL;
	if (prop_is_string(v, len)) {
		diag_prop(
			c, path, prop,
			"%s must list nodes by label (e.g. <&%s>), not a string",
			prop, (const char *)v);
		*n = -1;
	} else if (len % 4) {
		diag_prop(c, path, prop, "%s must be a list of phandles", prop);
		*n = -1;
	} else {
		*n = len / 4;
	}
	return v;
}

/* The tree index of platform node @ph, or -1 after an error. */
static int platform_node(struct config *c, const char *path, const char *prop,
			 uint32_t ph)
{
	int i = tree_by_phandle(&c->tree, ph);

	if (i < 0) {
		diag_prop(c, path, prop,
			  "%s: phandle 0x%x does not refer to any node", prop,
			  ph);
		return -1;
	}
	if (c->in_config[i]) {
		char *p = tree_path(&c->tree, i);

		diag_prop(c, path, prop,
			  "%s: %s is a node of the config, not of the platform",
			  prop, p);
		free(p);
		return -1;
	}
	return i;
}

static void parse_hypervisor(struct config *c, int node)
{
	struct region *r;
	const fdt32_t *con;
	const struct srcpos *s;
	int n;

	c->console = -1;
	if (node < 0) {
		diag(c, "/hypervisor",
		     "missing: it names the core's memory and console");
		return;
	}
	s = srcpos_find(c, "/hypervisor");
	if (s && s->count > 1)
		diag_last(
			c, "/hypervisor",
			"the node is defined %d times, and dtc merges such definitions into one, the last value of each property winning: define it once",
			s->count);
	check_props(c, node, "/hypervisor", hypervisor_props);
	check_children(c, node, "/hypervisor", NULL);
	n = read_ranges(c, node, "memory", "/hypervisor", &r, true);
	if (n == 1) {
		c->hyp = r[0];
		c->has_hyp = true;
	} else if (n >= 0)
		diag_prop(c, "/hypervisor", "memory",
			  "memory must be one <address size> range");
	free(r);
	con = phandles(c, node, "/hypervisor", "console", &n);
	if (n == 1) {
		int i = platform_node(c, "/hypervisor", "console",
				      fdt32_to_cpu(*con));

		if (i >= 0)
			c->console = board_device(c, i, "/hypervisor");
	} else if (n >= 0) {
		diag(c, "/hypervisor",
		     "console must be one phandle (e.g. <&uart0>)");
	}
}

static int cpu_of_node(const struct config *c, int node)
{
	for (int i = 0; i < c->ncpus; i++)
		if (c->cpu[i].node == node)
			return i;
	return -1;
}

static void parse_part_cpus(struct config *c, int node, struct part *p)
{
	int n;
	const fdt32_t *v = phandles(c, node, p->path, "cpus", &n);

	if (!v || !n) {
		diag(c, p->path,
		     "cpus must list at least one CPU (e.g. <&cpu1>)");
		return;
	}
	p->cpu = xcalloc((size_t)(n > 0 ? n : 1), sizeof(*p->cpu));
	for (int i = 0; i < n; i++) {
		int t = platform_node(c, p->path, "cpus", fdt32_to_cpu(v[i]));
		int cpu = t >= 0 ? cpu_of_node(c, t) : -1;

		if (t >= 0 && cpu < 0) {
			char *path = tree_path(&c->tree, t);

			diag_prop(c, p->path, "cpus",
				  "cpus: %s is not a CPU of the platform",
				  path);
			free(path);
		}
		if (cpu >= 0)
			p->cpu[p->ncpus++] = cpu;
	}
}

static void parse_part_mem(struct config *c, int node, struct part *p)
{
	struct region *ipa;
	int n = read_ranges(c, node, "memory", p->path, &p->mem, true), m;

	if (n == 0)
		diag(c, p->path, "memory is missing");
	p->nmem = n > 0 ? n : 0;
	p->ipa = xcalloc((size_t)p->nmem, sizeof(*p->ipa));
	for (int i = 0; i < p->nmem; i++)
		p->ipa[i] = p->mem[i].base;
	m = read_ranges(c, node, "memory-ipa", p->path, &ipa, false);
	p->has_ipa = m > 0;
	if (m > 0 && m != p->nmem)
		diag_prop(
			c, p->path, "memory-ipa",
			"memory-ipa must give one address per memory range (it has %d for %d)",
			m, p->nmem);
	for (int i = 0; m == p->nmem && i < m; i++)
		p->ipa[i] = ipa[i].base;
	free(ipa);
}

/* Grant the devices a list names; @dma: the list is dma-devices. */
static void grant_list(struct config *c, int node, struct part *p,
		       const char *prop, bool dma)
{
	int n;
	const fdt32_t *v = phandles(c, node, p->path, prop, &n);

	if (n <= 0)
		return;
	for (int i = 0; i < n; i++) {
		int t = platform_node(c, p->path, prop, fdt32_to_cpu(v[i]));
		int d = t >= 0 ? board_device(c, t, p->path) : -1;

		if (d < 0)
			continue;
		p->dev_dma_ok[p->ndev] = dma;
		p->dev[p->ndev++] = d;
	}
}

static void parse_part_devices(struct config *c, int node, struct part *p)
{
	int len1 = 0, len2 = 0, n;
	const int off = c->tree.n[node].off;

	fdt_getprop(c->fdt, off, "devices", &len1);
	fdt_getprop(c->fdt, off, "dma-devices", &len2);
	n = (len1 > 0 ? len1 : 0) / 4 + (len2 > 0 ? len2 : 0) / 4;
	p->dev = xcalloc((size_t)n, sizeof(*p->dev));
	p->dev_dma_ok = xcalloc((size_t)n, sizeof(*p->dev_dma_ok));
	grant_list(c, node, p, "devices", false);
	grant_list(c, node, p, "dma-devices", true);
}

/* String property @prop (malloc'd copy), NULL if absent or malformed. */
static char *get_string(struct config *c, int node, const struct part *p,
			const char *prop)
{
	int len;
	const char *s = fdt_getprop(c->fdt, c->tree.n[node].off, prop, &len);

	if (!s)
		return NULL;
	if (len < 2 || s[len - 1] || strlen(s) + 1 != (size_t)len) {
		diag_prop(c, p->path, prop, "%s must be one string", prop);
		return NULL;
	}
	return xstrdup(s);
}

static void parse_part_strings(struct config *c, int node, struct part *p)
{
	char *fault = get_string(c, node, p, "on-fault");
	char *irqs = get_string(c, node, p, "interrupt-mode");

	p->image = get_string(c, node, p, "image");
	p->initrd = get_string(c, node, p, "initrd");
	p->bootargs = get_string(c, node, p, "bootargs");
	if (!p->image &&
	    !fdt_getprop(c->fdt, c->tree.n[node].off, "image", NULL))
		diag(c, p->path, "image is missing (e.g. image = \"hello\")");
	if (fault && !strcmp(fault, "restart"))
		p->on_fault = ON_FAULT_RESTART;
	else if (fault && strcmp(fault, "stop"))
		diag_prop(
			c, p->path, "on-fault",
			"on-fault must be \"stop\" or \"restart\", not \"%s\"",
			fault);
	free(fault);
	p->direct = irqs && !strcmp(irqs, "direct");
	if (irqs && !p->direct && strcmp(irqs, "virtual"))
		diag_prop(
			c, p->path, "interrupt-mode",
			"interrupt-mode must be \"virtual\" or \"direct\", not \"%s\"",
			irqs);
	free(irqs);
}

/* reset-wait-ms: one cell, RESET_WAIT_MAX_MS at most; whether the
 * partition is a driver that needs it is checked with its devices
 * (virtio.c). */
static void parse_part_wait(struct config *c, int node, struct part *p)
{
	int len;
	const fdt32_t *v =
		fdt_getprop(c->fdt, c->tree.n[node].off, "reset-wait-ms", &len);

	if (!v)
		return;
	if (len != 4 || !fdt32_to_cpu(*v) ||
	    fdt32_to_cpu(*v) > RESET_WAIT_MAX_MS) {
		diag_prop(
			c, p->path, "reset-wait-ms",
			"reset-wait-ms must be one cell, 1 to %u (milliseconds)",
			RESET_WAIT_MAX_MS);
		return;
	}
	p->reset_wait_ms = fdt32_to_cpu(*v);
}

static void parse_partition(struct config *c, int node)
{
	struct part *p = &c->part[c->nparts];
	const struct srcpos *s;

	memset(p, 0, sizeof(*p));
	p->node = node;
	p->name = xstrdup(tree_name(&c->tree, node));
	p->path = tree_path(&c->tree, node);
	p->vmid = c->nparts + 1;
	c->nparts++;
	s = srcpos_find(c, p->path);
	if (s && s->count > 1)
		diag(c, p->path,
		     "the partition is defined %d times, and dtc merges such definitions into one: give each partition its own name",
		     s->count);
	check_props(c, node, p->path, part_props);
	check_children(c, node, p->path, p);
	parse_part_cpus(c, node, p);
	parse_part_mem(c, node, p);
	parse_part_devices(c, node, p);
	parse_part_strings(c, node, p);
	parse_part_wait(c, node, p);
	p->hyp_console = flag_prop(c, p->path, c->tree.n[node].off,
				   "hypervisor-console");
}

static void parse_partitions(struct config *c, int node)
{
	int n = 0, sub;

	if (node < 0) {
		diag(c, "/partitions",
		     "missing: a config declares its partitions there");
		return;
	}
	check_props(c, node, "/partitions", partitions_props);
	fdt_for_each_subnode (sub, c->fdt, c->tree.n[node].off)
		n++;
	if (n > MAX_PARTS) {
		diag(c, "/partitions",
		     "%d partitions; the core gives each an 8-bit VMID, so at most %d",
		     n, MAX_PARTS);
		return;
	}
	c->part = xcalloc((size_t)n, sizeof(*c->part));
	fdt_for_each_subnode (sub, c->fdt, c->tree.n[node].off)
		parse_partition(c, tree_find(&c->tree, sub));
	if (!c->nparts)
		diag(c, "/partitions", "no partition is declared");
}

void config_parse(struct config *c, const void *fdt)
{
	c->console = -1;
	c->con_driver = -1;
	c->gic_node = -1;
	/* Walk nothing before the whole structure is known to be sound. */
	if (fdt_check_header(fdt) || fdt_check_full(fdt, fdt_totalsize(fdt)) ||
	    tree_build(&c->tree, fdt)) {
		diag(c, "/", "not a valid device tree blob");
		return;
	}
	c->fdt = fdt;
	platform_check(c);
	if (c->nerrors)
		return;
	c->in_config = xcalloc((size_t)c->tree.count, sizeof(bool));
	board_mark_config(c, c->in_config);
	board_parse(c, c->in_config);
	for (size_t i = 0; i < N_CONFIG_NODES; i++) {
		int off = fdt_subnode_offset(fdt, 0, config_nodes[i].name);

		config_nodes[i].parse(c,
				      off >= 0 ? tree_find(&c->tree, off) : -1);
	}
}

static void free_part(struct part *p)
{
	free(p->name);
	free(p->path);
	free(p->cpu);
	free(p->mem);
	free(p->ipa);
	free(p->dev);
	free(p->dev_dma_ok);
	free(p->image);
	free(p->initrd);
	free(p->bootargs);
	for (int l = 0; l < p->nload; l++) {
		free(p->load[l].shown);
		free(p->load[l].file);
	}
	free(p->load);
	free(p->devwin);
	free(p->dtb);
	free(p->dtb_file);
	free(p->maps);
}

void config_free(struct config *c)
{
	for (int i = 0; i < c->nparts; i++)
		free_part(&c->part[i]);
	free(c->part);
	for (int i = 0; i < c->ncpus; i++)
		free(c->cpu[i].path);
	free(c->cpu);
	for (int i = 0; i < c->ndevs; i++) {
		free(c->dev[i].path);
		free(c->dev[i].compatible);
		free(c->dev[i].reg);
		free(c->dev[i].irq);
		free(c->dev[i].irq_flags);
	}
	free(c->dev);
	free(c->ram);
	free(c->rsv);
	free(c->node_reg);
	free(c->hyp_dev);
	free(c->in_config);
	virtio_free(c);
	for (int i = 0; i < c->ndeps; i++)
		free(c->deps[i]);
	free(c->deps);
	srcpos_free(c);
	diag_free(c);
	tree_free(&c->tree);
	free(c->platform_file);
	memset(c, 0, sizeof(*c));
}
