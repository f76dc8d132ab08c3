// SPDX-License-Identifier: MIT
/*
 * Exit counters: every vCPU counts what brought it into the core, by kind
 * (enum exit_kind), so that "exits per request" is measured, not argued.
 * Hardware-linked interrupts finished on the assembly fast path are not
 * counted: that would cost the latency path three instructions. A guest
 * reads its partition's counters with the BH_HC_EXITS hypercall; the core
 * prints them when a partition stops (fault, SYSTEM_OFF or restart).
 * Each vCPU's counters are written only on its own CPU.
 */
#include <bulkhead/abi.h>
#include <bulkhead/atomic.h>
#include <bulkhead/console.h>
#include <bulkhead/lib.h>
#include <bulkhead/partition.h>

void exits_read(const struct vcpu *v, u64 out[4])
{
	for (u32 i = 0U; i < 4U; i++) {
		out[i] = (u64)v->exits[2U * i] | (u64)v->exits[2U * i + 1U]
							 << 32;
	}
}

static void exits_reset(struct vcpu *v)
{
	(void)memset(v->exits, 0, sizeof(v->exits));
}

static void exits_report(struct vcpu *v)
{
	const u32 *e = v->exits;

	if (atomic_load(&v->part->state) == PART_RUNNING) {
		return; /* a vCPU turning itself off: not a stop */
	}
	pr("partition %s vcpu %u exits: hvc %u smc %u sysreg %u gic %u virtio %u abort %u other %u irq %u\n",
	   v->part->cfg->name, v->id, e[EXIT_HVC], e[EXIT_SMC], e[EXIT_SYSREG],
	   e[EXIT_GIC], e[EXIT_VIRTIO], e[EXIT_ABORT], e[EXIT_OTHER],
	   e[EXIT_IRQ]);
}

const struct part_hooks exits_hooks = {
	.vcpu_start = exits_reset,
	.vcpu_park = exits_report,
};
