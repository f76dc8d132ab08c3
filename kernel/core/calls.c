// SPDX-License-Identifier: MIT
/*
 * Carrying out HVC/SMC calls that call_decode() has already validated:
 * Bulkhead hypercalls and the partition-scoped PSCI. Results go into the
 * caller's saved x0..x7. PSCI calls act on the calling partition only;
 * SYSTEM_OFF and SYSTEM_RESET never reach the machine's firmware.
 */
#include <bulkhead/console.h>
#include <bulkhead/lib.h>
#include <bulkhead/partition.h>
#include <bulkhead/smccc.h>
#include <bulkhead/vdev.h>

static void whoami(struct vcpu *v)
{
	const struct partition *p = v->part;
	const struct cpu *c = container_of(v, struct cpu, vcpu);
	u64 *x = v->regs.x;
	size_t len = MIN(strlen(p->cfg->name), 16U);

	x[0] = SMCCC_SUCCESS;
	x[1] = p->index;
	x[2] = v->id;
	x[3] = p->cfg->nvcpus;
	x[4] = c->cfg->phys;
	x[5] = p->boots;
	/* The name in x6, x7: 16 bytes, little-endian, zero-padded. */
	x[6] = 0;
	x[7] = 0;
	for (size_t i = 0; i < len; i++) {
		x[6U + i / 8U] |= (u64)(u8)p->cfg->name[i] << (8U * (i % 8U));
	}
}

void call_invoke(struct vcpu *v, const struct call_req *r)
{
	u64 *x = v->regs.x;

	switch (r->op) {
	case CALL_INVALID:
		x[0] = (u64)r->error;
		break;
	case CALL_HC_VERSION:
		x[0] = BH_ABI_VERSION;
		break;
	case CALL_HC_CONSOLE:
		x[0] = (u64)console_guest_write(v, r->console.buf,
						r->console.len);
		break;
	case CALL_HC_WHOAMI:
		whoami(v);
		break;
	case CALL_HC_VDEV:
		x[0] = (u64)vdev_raise(v, r->vdev.dev, r->vdev.bits,
				       r->vdev.needs_reset);
		break;
	case CALL_HC_EXITS:
		exits_read(partition_vcpu(v->part, r->exits_vcpu), &x[1]);
		x[0] = SMCCC_SUCCESS;
		break;
	case CALL_PSCI_VERSION:
		x[0] = PSCI_VERSION_1_1;
		break;
	case CALL_PSCI_FEATURES:
		x[0] = psci_supported(r->feature) ? (u64)PSCI_SUCCESS
						  : (u64)PSCI_NOT_SUPPORTED;
		break;
	case CALL_PSCI_CPU_ON:
		x[0] = (u64)partition_cpu_on(v, r->cpu_on.vcpu, r->cpu_on.entry,
					     r->cpu_on.ctx);
		break;
	case CALL_PSCI_CPU_SUSPEND:
		/* Woken at once, as by a pending wake-up event, and a
		 * powerdown taken as a standby (DEN0022A 5.4.2 allows both, and
		 * KVM does the same): the vCPU keeps its context and its
		 * timer, which a real powerdown would lose. */
		x[0] = PSCI_SUCCESS;
		break;
	case CALL_PSCI_CPU_OFF:
		partition_cpu_off(v); /* never returns */
		break;
	case CALL_PSCI_AFFINITY_INFO:
		x[0] = partition_affinity(v->part, r->target);
		break;
	case CALL_PSCI_MIGRATE_INFO_TYPE:
		x[0] = PSCI_TOS_NOT_PRESENT_MP;
		break;
	case CALL_PSCI_SYSTEM_OFF:
		partition_off(v); /* never returns */
		break;
	case CALL_PSCI_SYSTEM_RESET:
		partition_reset(v); /* never returns */
		break;
	case CALL_UNSUPPORTED:
	default:
		x[0] = (u64)SMCCC_NOT_SUPPORTED;
		break;
	}
}
