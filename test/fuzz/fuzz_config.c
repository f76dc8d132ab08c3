// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the config tool's front end (tools/bhconfig): the
 * input is a flattened device tree, which config_parse() turns into the
 * model and, when it reports no error, config_validate() checks.
 *
 * bhconfig only ever reads blobs that dtc has just written, and libfdt is
 * not the target (Debian's libfdt 1.6.1 dereferences NULL inside
 * fdt_check_full() on some corrupt blobs). So the input is not handed over
 * as it is: its tags are walked with fdt_next_tag() and every node and
 * property is written again with libfdt's sequential-write API. The tool
 * sees a well-formed tree of any shape, with any names and values, in a
 * buffer of exactly fdt_totalsize() bytes so that reading past it is
 * caught. The model must stay inside its fixed-size arrays (counts within
 * their maxima, indexes that resolve, strings terminated): a violation
 * traps. All diagnostics are freed after each run, so leak detection
 * stays quiet.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(s) (memchr((s), 0, sizeof(s)) != NULL)

/* A broken invariant: say which, then trap (libFuzzer keeps the input). */
static _Noreturn void violated(const char *what, int line)
{
	fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, line,
		what);
	__builtin_trap();
}

#define check(ok) ((ok) ? (void)0 : violated(#ok, __LINE__))

static void check_platform(const struct config *c)
{
	check(c->ncpus >= 0 && c->ncpus <= MAX_CPUS);
	check(c->nram >= 0 && c->nram <= MAX_RAM);
	check(c->ndevs >= 0 && c->ndevs <= MAX_PDEVS);
	check(c->console >= -1 && c->console < c->ndevs);
	check(c->nerrors >= 0 && c->nerrors <= MAX_ERRORS);
	for (int i = 0; i < c->ncpus; i++) {
		check(TERMINATED(c->cpu[i].path));
		check(c->cpu[i].owner >= -1 && c->cpu[i].owner < c->nparts);
	}
	for (int i = 0; i < c->ndevs; i++) {
		const struct pdev *d = &c->dev[i];

		check(TERMINATED(d->path) && TERMINATED(d->compatible));
		check(d->nreg >= 0 && d->nreg <= MAX_REG);
		check(d->nirq >= 0 && d->nirq <= MAX_IRQ);
		check(d->owner >= -1 && d->owner < c->nparts);
	}
}

static void check_part(const struct config *c, const struct part *p)
{
	check(TERMINATED(p->name) && TERMINATED(p->path));
	check(TERMINATED(p->image) && TERMINATED(p->initrd) &&
	      TERMINATED(p->bootargs));
	check(p->ncpus >= 0 && p->ncpus <= MAX_VCPUS);
	for (int i = 0; i < p->ncpus; i++)
		check(p->cpu[i] >= 0 && p->cpu[i] < c->ncpus);
	check(p->nmem >= 0 && p->nmem <= MAX_MEM);
	check(p->ndev >= 0 && p->ndev <= MAX_GRANTS);
	for (int i = 0; i < p->ndev; i++)
		check(p->dev[i] >= 0 && p->dev[i] < c->ndevs);
	check(p->on_fault == ON_FAULT_STOP || p->on_fault == ON_FAULT_RESTART);
}

static void check_model(const struct config *c)
{
	check_platform(c);
	check(c->nparts >= 0 && c->nparts <= MAX_PARTS);
	for (int i = 0; i < c->nparts; i++)
		check_part(c, &c->part[i]);
}

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char scratch[1 << 17];
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
	c->file = "fuzz.dts";
	c->fdt = fdt;
	config_parse(c, fdt);
	check_model(c);
	if (!c->nerrors) {
		config_validate(c);
		check_model(c);
	}
	diag_free(c);
	free(c);
	free(fdt);
	return 0;
}
