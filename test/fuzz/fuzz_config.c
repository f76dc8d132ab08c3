// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the config tool (tools/bhconfig) after dtc: the
 * input is a flattened device tree, which goes through config_parse(),
 * config_validate(), virtio_assign() (virtio devices, disks, grants),
 * config_place() (image placement and the guest-DT generator, with small
 * stand-in images: fake_images.c) and config_layout() (windows, address
 * size, the table-pool replay), as far as each stage accepts it. The
 * model's invariants (model_check.c) are checked after every stage.
 *
 * bhconfig only ever reads blobs that dtc has just written, and libfdt is
 * not the target (Debian's libfdt 1.6.1 dereferences NULL inside
 * fdt_check_full() on some corrupt blobs). So the input is not handed over
 * as it is: its tags are walked with fdt_next_tag() and every node and
 * property is written again with libfdt's sequential-write API. The tool
 * sees a well-formed tree of any shape, with any names and values, in a
 * buffer of exactly fdt_totalsize() bytes so that reading past it is
 * caught. Everything is freed after each run, so leak detection stays
 * quiet.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhconfig.h"
#include "fake_images.h"
#include "model_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The name of the property at @off of @in, or NULL if it is not inside. */
static const char *prop_name(const void *in, const struct fdt_property *pr)
{
	uint32_t off = fdt32_to_cpu(pr->nameoff);
	const char *s = (const char *)in + fdt_off_dt_strings(in);

	if (off >= fdt_size_dt_strings(in) ||
	    !memchr(s + off, 0, fdt_size_dt_strings(in) - off))
		return NULL;
	return s + off;
}

/*
 * Write the tree of @in again into @out (@size bytes); 0 on success. Tags
 * that do not fit (a property outside a node, a second root) are dropped,
 * nodes left open are closed.
 */
static int rebuild(const void *in, void *out, int size)
{
	int off = 0, next, depth = 0, roots = 0;
	uint32_t tag;

	if (fdt_create(out, size) || fdt_finish_reservemap(out))
		return -1;
	do {
		tag = fdt_next_tag(in, off, &next);
		if (tag == FDT_BEGIN_NODE && (depth || !roots++)) {
			const char *name = fdt_get_name(in, off, NULL);

			if (fdt_begin_node(out,
					   depth ? (name ? name : "x") : ""))
				return -1;
			depth++;
		} else if (tag == FDT_END_NODE && depth) {
			if (fdt_end_node(out))
				return -1;
			depth--;
		} else if (tag == FDT_PROP && depth) {
			const struct fdt_property *pr =
				fdt_offset_ptr(in, off, sizeof(*pr));
			const char *name = pr ? prop_name(in, pr) : NULL;

			if (!pr || fdt32_to_cpu(pr->len) > fdt_totalsize(in))
				break;
			if (name && fdt_property(out, name, pr->data,
						 (int)fdt32_to_cpu(pr->len)))
				return -1;
		}
		off = next;
	} while (tag != FDT_END && off > 0);
	if (!roots)
		return -1;
	while (depth--)
		if (fdt_end_node(out))
			return -1;
	return fdt_finish(out);
}

static void stages(struct config *c)
{
	config_parse(c, c->fdt);
	check_model(c);
	if (c->nerrors)
		return;
	config_validate(c);
	check_model(c);
	if (c->nerrors)
		return;
	virtio_assign(c);
	check_model(c);
	if (c->nerrors)
		return;
	config_place(c);
	for (int p = 0; p < c->nparts; p++)
		check_loads(c, &c->part[p], 1 << 16);
	if (c->nerrors)
		return;
	config_layout(c);
	check_layout(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char scratch[1 << 17];
	static const char *dirs[1];
	struct config *c;
	void *fdt;

	if (size < sizeof(struct fdt_header) || fdt_check_header(data) ||
	    fdt_totalsize(data) > size ||
	    rebuild(data, scratch, (int)sizeof(scratch)))
		return 0;
	fdt = malloc(fdt_totalsize(scratch));
	c = calloc(1, sizeof(*c));
	if (!fdt || !c)
		abort();
	memcpy(fdt, scratch, fdt_totalsize(scratch));
	dirs[0] = fake_images_dir();
	c->file = "fuzz.dts";
	c->fdt = fdt;
	c->image_dirs = dirs;
	c->nimage_dirs = 1;
	c->config_dir = dirs[0];
	c->out = dirs[0];
	stages(c);
	config_free(c);
	free(c);
	free(fdt);
	return 0;
}
