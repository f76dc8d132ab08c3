// SPDX-License-Identifier: MIT
/*
 * Every partition's stage-2 map, built once at boot from the config: its
 * memory (Normal write-back, RWX), its granted device pages (Device-nGnRE,
 * RW, execute-never) and the pages and grants of its virtio devices (as
 * the config says: the register pages the core shares read-only and
 * Normal Non-cacheable, a frontend's memory granted to its driver), nothing
 * else; VMID = index + 1. The
 * table pool was sized by bhconfig with this same builder, so a failure
 * here is a bug in the core or the tool, not in the config.
 *
 * A partition in direct interrupt mode is fenced when it stops: its
 * stage-2 root entries are made invalid, so each of its vCPUs exits at
 * its next instruction fetch or memory access, whether or not the core's
 * doorbell can reach it (a guest can block group 0 preemption by writing
 * its physical ICC_AP1R0_EL1, docs/design.md). They are made valid again
 * when it starts; the tables themselves never change.
 */
#include <bulkhead/arch.h>
#include <bulkhead/console.h>
#include <bulkhead/partition.h>

void partitions_init(void)
{
	u32 i, j;

	for (i = 0; i < nr_partitions; i++) {
		struct partition *p = &partitions[i];
		const struct part_config *c = &part_configs[i];
		int err = 0;

		p->cfg = c;
		p->index = i;
		p->state = PART_RESET; /* counts as alive until it boots */
		pt_init(&p->s2, &arch_pt_s2, &pt_pool, pt_roots[1U + i],
			plat.addr_bits);
		for (j = 0; j < c->nmem && !err; j++) {
			err = pt_map(&p->s2, c->mem[j].ipa, PA(c->mem[j].pa),
				     c->mem[j].size, PT_R | PT_W | PT_X);
		}
		for (j = 0; j < c->ndev && !err; j++) {
			err = pt_map(&p->s2, c->dev[j].ipa, PA(c->dev[j].pa),
				     c->dev[j].size, PT_R | PT_W | PT_DEVICE);
		}
		for (j = 0; j < c->nmaps && !err; j++) {
			err = pt_map(&p->s2, c->maps[j].ipa, PA(c->maps[j].pa),
				     c->maps[j].size, c->maps[j].attr);
		}
		if (err != 0) {
			panic("partition %s: stage-2 map failed (%d)", c->name,
			      err);
		}
		p->vttbr = arch_vttbr(&p->s2, c->vmid);
	}
}

static void s2_open(struct partition *p)
{
	if (p->cfg->direct != 0U) {
		arch_s2_fence(&p->s2, p->vttbr, false);
	}
}

static void s2_fence(struct partition *p, u32 to)
{
	(void)to;
	if (p->cfg->direct != 0U) {
		arch_s2_fence(&p->s2, p->vttbr, true);
	}
}

const struct part_hooks stage2_hooks = {
	.start = s2_open,
	.stop = s2_fence,
};
