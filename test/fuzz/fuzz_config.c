// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the config tool's front end (tools/bhconfig): the
 * input is a flattened device tree, which config_parse() turns into the
 * model and, when it reports no error, config_validate() checks. libfdt
 * itself is not the target, so inputs that fail fdt_check_header() or claim
 * to be longer than they are are skipped; the blob is copied into a buffer
 * of exactly fdt_totalsize() bytes so that reading past it is caught. The
 * model must stay inside its fixed-size arrays (counts within their
 * maxima, indexes that resolve, strings terminated): a violation traps. All
 * diagnostics are freed after each run, so leak detection stays quiet.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c;
	void *fdt;

	if (size < sizeof(struct fdt_header) || fdt_check_header(data) ||
	    fdt_totalsize(data) > size)
		return 0;
	fdt = malloc(fdt_totalsize(data));
	c = calloc(1, sizeof(*c));
	if (!fdt || !c)
		abort();
	memcpy(fdt, data, fdt_totalsize(data));
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
