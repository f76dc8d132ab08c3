// SPDX-License-Identifier: MIT
/*
 * Decoding of HVC/SMC calls (SMC Calling Convention, Arm DEN0028). Function
 * ID in w0: bit 31 fast call, bit 30 SMC64, bits [29:24] owning entity
 * (4 standard secure service = PSCI, 6 vendor hypervisor = Bulkhead).
 * A 32-bit call (bit 30 clear) only sees the low 32 bits of its arguments.
 * Everything is checked here, against the partition's own description, so
 * that call_invoke() never sees an argument it has to doubt.
 */
#include <bulkhead/config.h>
#include <bulkhead/smccc.h>

static struct call_req invalid(s64 error)
{
	return (struct call_req){ .op = CALL_INVALID, .error = error };
}

static struct call_req decode_console(const u64 x[8])
{
	struct call_req r = { .op = CALL_HC_CONSOLE };
	u32 i;

	if (x[1] > BH_CONSOLE_MAX) {
		return invalid(SMCCC_INVALID_PARAMETER);
	}
	r.console.len = (u32)x[1];
	for (i = 0; i < r.console.len; i++) {
		r.console.buf[i] =
			(char)(u8)(x[2U + i / 8U] >> (8U * (i % 8U)));
	}
	return r;
}

static struct call_req decode_exits(const u64 x[8], const struct call_env *env)
{
	if (x[1] >= env->nvcpus) {
		return invalid(SMCCC_INVALID_PARAMETER);
	}
	return (struct call_req){ .op = CALL_HC_EXITS,
				  .exits_vcpu = (u32)x[1] };
}

/* VDEV_RAISE / VDEV_NEEDS_RESET: only their form is checked here; whether
 * the caller serves that device is call_invoke()'s (vdev.c) to decide. */
static struct call_req decode_vdev(const u64 x[8], bool needs_reset)
{
	if ((x[1] > 0xffffU) || (x[2] > 0xffffffffU) ||
	    (!needs_reset && ((x[2] == 0U) || (x[2] > 3U)))) {
		return invalid(SMCCC_INVALID_PARAMETER);
	}
	/* .bits: the interrupt bits, or for NEEDS_RESET the device life
	 * (state page resets count) the driver gives up on. */
	return (struct call_req){ .op = CALL_HC_VDEV,
				  .vdev = { (u32)x[1], (u32)x[2],
					    needs_reset } };
}

static struct call_req decode_hypercall(u32 fid, const u64 x[8],
					const struct call_env *env)
{
	struct call_req r = { .op = CALL_UNSUPPORTED };

	switch (fid) {
	case BH_HC_VERSION:
		r.op = CALL_HC_VERSION;
		break;
	case BH_HC_CONSOLE_WRITE:
		r = decode_console(x);
		break;
	case BH_HC_WHOAMI:
		r.op = CALL_HC_WHOAMI;
		break;
	case BH_HC_EXITS:
		r = decode_exits(x, env);
		break;
	case BH_HC_VDEV_RAISE:
		r = decode_vdev(x, false);
		break;
	case BH_HC_VDEV_NEEDS_RESET:
		r = decode_vdev(x, true);
		break;
	default:
		break;
	}
	return r;
}

/* A vCPU named by MPIDR affinity: Aff0 = index, every other field zero. */
static bool mpidr_to_vcpu(u64 mpidr, const struct call_env *env, u32 *vcpu)
{
	if ((mpidr & 0xff00ffff00UL) || (mpidr & 0xffU) >= env->nvcpus) {
		return false;
	}
	*vcpu = (u32)(mpidr & 0xffU);
	return true;
}

static bool entry_ok(u64 entry, const struct call_env *env)
{
	u32 i;

	if ((entry & 3U) != 0U) {
		return false;
	}
	for (i = 0; i < env->nmem; i++) {
		if (entry >= env->mem[i].ipa &&
		    entry - env->mem[i].ipa < env->mem[i].size) {
			return true;
		}
	}
	return false;
}

static struct call_req decode_cpu_on(const u64 a[4], const struct call_env *env)
{
	struct call_req r = { .op = CALL_PSCI_CPU_ON };

	if (!mpidr_to_vcpu(a[1], env, &r.cpu_on.vcpu)) {
		return invalid(PSCI_INVALID_PARAMETERS);
	}
	if (!entry_ok(a[2], env)) {
		return invalid(PSCI_INVALID_ADDRESS);
	}
	r.cpu_on.entry = a[2];
	r.cpu_on.ctx = a[3];
	return r;
}

/*
 * CPU_SUSPEND's power_state, original format (DEN0022 5.4.2): StateID
 * [15:0], StateType [16] (1 = powerdown), PowerLevel [25:24]; the other
 * bits are zero. A powerdown names an entry point, checked as CPU_ON's
 * is (call_invoke() then takes every request as a standby).
 */
static struct call_req decode_cpu_suspend(const u64 a[4],
					  const struct call_env *env)
{
	struct call_req r = { .op = CALL_PSCI_CPU_SUSPEND };

	if ((a[1] & ~0x301ffffUL) != 0U) {
		return invalid(PSCI_INVALID_PARAMETERS);
	}
	if ((a[1] & BIT(16)) && !entry_ok(a[2], env)) {
		return invalid(PSCI_INVALID_ADDRESS);
	}
	return r;
}

static bool psci_known(u32 fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_FEATURES:
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
	case PSCI_CPU_OFF:
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		return true;
	default:
		return false;
	}
}

static struct call_req decode_psci(u32 fid, const u64 a[4],
				   const struct call_env *env)
{
	struct call_req r = { .op = CALL_UNSUPPORTED };

	switch (fid) {
	case PSCI_VERSION:
		r.op = CALL_PSCI_VERSION;
		break;
	case PSCI_FEATURES:
		r.op = CALL_PSCI_FEATURES;
		r.feature = (u32)a[1];
		break;
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
		return decode_cpu_on(a, env);
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
		return decode_cpu_suspend(a, env);
	case PSCI_CPU_OFF:
		r.op = CALL_PSCI_CPU_OFF;
		break;
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
		/* Only level 0 (a single vCPU) is meaningful here. */
		if (a[2] != 0U || !mpidr_to_vcpu(a[1], env, &r.target)) {
			return invalid(PSCI_INVALID_PARAMETERS);
		}
		r.op = CALL_PSCI_AFFINITY_INFO;
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		r.op = CALL_PSCI_MIGRATE_INFO_TYPE;
		break;
	case PSCI_SYSTEM_OFF:
		r.op = CALL_PSCI_SYSTEM_OFF;
		break;
	case PSCI_SYSTEM_RESET:
		r.op = CALL_PSCI_SYSTEM_RESET;
		break;
	default:
		break;
	}
	return r;
}

struct call_req call_decode(const u64 x[8], bool hvc, u32 imm,
			    const struct call_env *env)
{
	u32 fid = (u32)x[0];
	unsigned owner = (fid >> 24) & 0x3fU;
	u64 a[4] = { x[0], x[1], x[2], x[3] };
	unsigned i;

	if (hvc && imm != 0U) {
		return (struct call_req){ .op = CALL_UNSUPPORTED };
	}
	if (!(fid & BIT(30))) {
		for (i = 1U; i < 4U; i++) {
			a[i] &= 0xffffffffUL;
		}
	}
	if (owner == 4U && psci_known(fid)) {
		return decode_psci(fid, a, env);
	}
	if (owner == 6U && hvc && (fid & BIT(31)) != 0U &&
	    (fid & BIT(30)) != 0U) {
		return decode_hypercall(fid, x, env);
	}
	return (struct call_req){ .op = CALL_UNSUPPORTED };
}

bool psci_supported(u32 fid)
{
	return psci_known(fid);
}
