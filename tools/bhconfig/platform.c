// SPDX-License-Identifier: MIT
/*
 * Platform and config kept apart. The platform description (dts/) was
 * compiled on its own (dtc.c); the compiled config must contain it
 * unchanged, plus only the nodes a config defines (parse.c's table:
 * /hypervisor, /partitions). Walking both trees side by side, every node
 * or property the config added to the platform, changed or deleted is an
 * error naming it. The one difference allowed is a phandle on a platform
 * node the config refers to by label (dtc adds it), and it must not
 * renumber the platform's own phandles.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "bhconfig.h"

static bool is_phandle(const char *name)
{
	return !strcmp(name, "phandle") || !strcmp(name, "linux,phandle");
}

static char *child_path(const char *path, const char *name)
{
	return xasprintf("%s%s%s", path, strcmp(path, "/") ? "/" : "", name);
}

/* Properties of the config's node @f against the platform's @p. */
static void compare_props(struct config *c, int f, int p, const char *path)
{
	const void *cfg = c->fdt, *plat = c->platform;
	int prop;

	fdt_for_each_property_offset (prop, cfg, f) {
		const char *name;
		int len, plen;
		const void *v = fdt_getprop_by_offset(cfg, prop, &name, &len);
		const void *pv = v ? fdt_getprop(plat, p, name, &plen) : NULL;

		if (!v)
			continue;
		if (!pv && !is_phandle(name))
			diag_prop(
				c, path, name,
				"the config adds property '%s' to the platform description",
				name);
		else if (pv && (plen != len || memcmp(v, pv, (size_t)len)))
			diag_prop(
				c, path, name,
				is_phandle(name)
					? "its %s differs from the platform's compiled alone: #include the platform before the config's own nodes"
					: "the config changes property '%s' of the platform description",
				name);
	}
	fdt_for_each_property_offset (prop, plat, p) {
		const char *name;

		if (fdt_getprop_by_offset(plat, prop, &name, NULL) &&
		    !fdt_getprop(cfg, f, name, NULL))
			diag_last(
				c, path,
				"the config deletes property '%s' of the platform description",
				name);
	}
}

static void compare_node(struct config *c, int f, int p, const char *path);

static void compare_children(struct config *c, int f, int p, const char *path)
{
	const void *cfg = c->fdt, *plat = c->platform;
	bool root = !strcmp(path, "/");
	int sub;

	fdt_for_each_subnode (sub, cfg, f) {
		const char *name = fdt_get_name(cfg, sub, NULL);
		int psub = fdt_subnode_offset(plat, p, name);
		char *cp = child_path(path, name);

		if (root && config_node_allowed(name)) {
			if (psub >= 0)
				diag(c, cp,
				     "the platform description defines it; only a config may");
		} else if (psub < 0) {
			diag(c, cp,
			     "the config adds this node to the platform; a config may add only its own nodes (/hypervisor, /partitions), devices belong in the platform description");
		} else {
			compare_node(c, sub, psub, cp);
		}
		free(cp);
	}
	fdt_for_each_subnode (sub, plat, p) {
		const char *name = fdt_get_name(plat, sub, NULL);

		if (fdt_subnode_offset(cfg, f, name) < 0) {
			char *cp = child_path(path, name);

			diag(c, cp,
			     "the config deletes this node of the platform description");
			free(cp);
		}
	}
}

static void compare_node(struct config *c, int f, int p, const char *path)
{
	compare_props(c, f, p, path);
	compare_children(c, f, p, path);
}

static void compare_memreserve(struct config *c)
{
	int n = fdt_num_mem_rsv(c->fdt);
	bool same = n == fdt_num_mem_rsv(c->platform);

	for (int i = 0; same && i < n; i++) {
		uint64_t a, s, pa, ps;

		fdt_get_mem_rsv(c->fdt, i, &a, &s);
		fdt_get_mem_rsv(c->platform, i, &pa, &ps);
		same = a == pa && s == ps;
	}
	if (!same)
		diag_last(
			c, "/",
			"the config changes the platform's /memreserve/ entries");
}

/*
 * dtc numbers phandles in the order it meets references, so config nodes
 * written before the platform renumber it (and every property that holds
 * a phandle would differ): one error for the cause, not one per symptom.
 */
static bool renumbered(struct config *c)
{
	char path[4096];

	for (int n = fdt_next_node(c->platform, -1, NULL); n >= 0;
	     n = fdt_next_node(c->platform, n, NULL)) {
		uint32_t ph = fdt_get_phandle(c->platform, n);
		int f;

		if (!ph || fdt_get_path(c->platform, n, path, sizeof(path)))
			continue;
		f = fdt_path_offset(c->fdt, path);
		if (f >= 0 && fdt_get_phandle(c->fdt, f) != ph) {
			diag_file(
				c,
				"with the config, the platform's phandles are numbered differently: #include the platform before the config's own nodes");
			return true;
		}
	}
	return false;
}

void platform_check(struct config *c)
{
	if (!c->platform)
		return;
	if (fdt_check_header(c->platform) ||
	    fdt_check_full(c->platform, fdt_totalsize(c->platform))) {
		diag_file(c, "the platform DTB is not valid");
		return;
	}
	if (renumbered(c))
		return;
	compare_memreserve(c);
	compare_node(c, 0, 0, "/");
}
