// SPDX-License-Identifier: MIT
/*
 * The model invariants of model_check.h. Nothing here trusts the code
 * under test: every check is recomputed from the model's own fields.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "model_check.h"

static _Noreturn void violated(const char *what, int line)
{
	fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, line,
		what);
	__builtin_trap();
}

#define check(ok) ((ok) ? (void)0 : violated(#ok, __LINE__))

static void check_platform(const struct config *c)
{
	check(c->ncpus >= 0 && c->nram >= 0 && c->ndevs >= 0);
	check(c->console >= -1 && c->console < c->ndevs);
	check(c->nerrors >= 0);
	for (int i = 0; i < c->nerrors; i++)
		check(c->errors[i] && !strncmp(c->errors[i], "error: ", 7));
	for (int i = 0; i < c->ncpus; i++) {
		check(c->cpu[i].path != NULL);
		check(c->cpu[i].owner >= -1 && c->cpu[i].owner < c->nparts);
	}
	for (int i = 0; i < c->ndevs; i++) {
		const struct pdev *d = &c->dev[i];

		check(d->path && d->compatible);
		check(d->nreg >= 0 && (d->nreg == 0 || d->reg));
		check(d->nirq >= 0 && (d->nirq == 0 || d->irq));
		check(d->owner >= -1 && d->owner < c->nparts);
		for (int k = 0; k < d->nirq; k++)
			check(d->irq[k] >= 32 && d->irq[k] < GIC_MAX_INTIDS);
	}
}

static void check_part(const struct config *c, const struct part *p)
{
	check(p->name && p->path);
	check(p->ncpus >= 0 && p->nmem >= 0 && p->ndev >= 0);
	for (int i = 0; i < p->ncpus; i++)
		check(p->cpu[i] >= 0 && p->cpu[i] < c->ncpus);
	for (int i = 0; i < p->ndev; i++)
		check(p->dev[i] >= 0 && p->dev[i] < c->ndevs);
	check(p->on_fault == ON_FAULT_STOP || p->on_fault == ON_FAULT_RESTART);
}

void check_model(const struct config *c)
{
	check_platform(c);
	check(c->nparts >= 0 && c->nparts <= MAX_PARTS);
	for (int i = 0; i < c->nparts; i++)
		check_part(c, &c->part[i]);
}

/* [ipa, ipa + size) inside one memory range, at the right PA. */
static void check_in_memory(const struct part *p, const struct load *l)
{
	for (int i = 0; i < p->nmem; i++) {
		uint64_t off = l->ipa - p->ipa[i];

		if (l->ipa >= p->ipa[i] && off <= p->mem[i].size &&
		    l->memsz <= p->mem[i].size - off) {
			check(l->pa == p->mem[i].base + off);
			return;
		}
	}
	violated("a load lies outside its partition's memory", __LINE__);
}

void check_loads(const struct config *c, const struct part *p, size_t file_size)
{
	(void)c;
	check(p->nload >= 0);
	for (int l = 0; l < p->nload; l++) {
		const struct load *ld = &p->load[l];

		check(ld->size <= ld->memsz);
		check_in_memory(p, ld);
		if (!strcmp(ld->what, "dtb"))
			continue;
		check(ld->offset <= file_size &&
		      ld->size <= file_size - ld->offset);
	}
	if (p->dtb) {
		check(p->dtb_size <= DTB_RESERVE);
		check(!fdt_check_header(p->dtb) &&
		      !fdt_check_full(p->dtb, p->dtb_size));
	}
}

void check_layout(const struct config *c)
{
	check(c->addr_bits >= 32 && c->addr_bits <= 64);
	for (int i = 0; i < c->nhyp_dev; i++)
		check(!(c->hyp_dev[i].base % SZ_2M) &&
		      !(c->hyp_dev[i].size % SZ_2M));
	for (int p = 0; p < c->nparts; p++)
		for (int i = 0; i < c->part[p].ndevwin; i++)
			check(!(c->part[p].devwin[i].base % PAGE) &&
			      !(c->part[p].devwin[i].size % PAGE) &&
			      c->part[p].devwin[i].size);
}
