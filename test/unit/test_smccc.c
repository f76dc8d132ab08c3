// SPDX-License-Identifier: MIT
/*
 * Decoding of guest HVC/SMC calls (kernel/core/smccc.c): the hypercall
 * argument checks and the partition-scoped PSCI checks, all before any
 * call is carried out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <bulkhead/config.h>
#include <bulkhead/smccc.h>

static const struct mem_region mem[] = {
	{ .pa = 0x42000000, .ipa = 0x40000000, .size = 0x01000000 },
	{ .pa = 0x50000000, .ipa = 0x80000000, .size = 0x00100000 },
};
static const struct call_env env2 = { .nvcpus = 2, .nmem = 2, .mem = mem };

static struct call_req hvc(u64 x0, u64 x1, u64 x2, u64 x3)
{
	u64 x[8] = { x0, x1, x2, x3, 0, 0, 0, 0 };

	return call_decode(x, true, 0, &env2);
}

static struct call_req smc(u64 x0, u64 x1, u64 x2, u64 x3)
{
	u64 x[8] = { x0, x1, x2, x3, 0, 0, 0, 0 };

	return call_decode(x, false, 0, &env2);
}

static void console_write(void **state)
{
	u64 x[8] = { BH_HC_CONSOLE_WRITE, 13, 0, 0, 0, 0, 0, 0 };
	struct call_req r;

	(void)state;
	memcpy(&x[2], "hello, world\n", 13);
	r = call_decode(x, true, 0, &env2);
	assert_int_equal(r.op, CALL_HC_CONSOLE);
	assert_int_equal(r.console.len, 13);
	assert_memory_equal(r.console.buf, "hello, world\n", 13);
}

static void console_limits(void **state)
{
	u64 x[8] = { BH_HC_CONSOLE_WRITE, BH_CONSOLE_MAX, 0, 0, 0, 0, 0, 0 };
	struct call_req r;

	(void)state;
	memset(&x[2], 'a', 6 * 8);
	r = call_decode(x, true, 0, &env2);
	assert_int_equal(r.op, CALL_HC_CONSOLE);
	assert_int_equal(r.console.len, 48);
	assert_int_equal(r.console.buf[47], 'a');
	x[1] = BH_CONSOLE_MAX + 1;
	r = call_decode(x, true, 0, &env2);
	assert_int_equal(r.op, CALL_INVALID);
	assert_int_equal(r.error, SMCCC_INVALID_PARAMETER);
	x[1] = 1UL << 40; /* truncation must not make it look small */
	assert_int_equal(call_decode(x, true, 0, &env2).op, CALL_INVALID);
	x[1] = 0;
	r = call_decode(x, true, 0, &env2);
	assert_int_equal(r.op, CALL_HC_CONSOLE);
	assert_int_equal(r.console.len, 0);
}

static void hypercalls_only_by_hvc_0(void **state)
{
	u64 x[8] = { BH_HC_WHOAMI, 0, 0, 0, 0, 0, 0, 0 };

	(void)state;
	assert_int_equal(call_decode(x, true, 0, &env2).op, CALL_HC_WHOAMI);
	assert_int_equal(call_decode(x, false, 0, &env2).op, CALL_UNSUPPORTED);
	assert_int_equal(call_decode(x, true, 1, &env2).op, CALL_UNSUPPORTED);
	/* The SMC32 form of the range, and unknown numbers, are refused. */
	assert_int_equal(hvc(0x86000002, 0, 0, 0).op, CALL_UNSUPPORTED);
	assert_int_equal(hvc(BH_HC(0x99), 0, 0, 0).op, CALL_UNSUPPORTED);
	assert_int_equal(hvc(BH_HC_VERSION, 0, 0, 0).op, CALL_HC_VERSION);
	/* Upper bits of x0 are not part of the function ID. */
	assert_int_equal(hvc(0xffffffff00000000UL | BH_HC_WHOAMI, 0, 0, 0).op,
			 CALL_HC_WHOAMI);
}

/* BH_HC_EXITS names a vCPU of the caller's own partition, nothing else. */
static void exits_counters(void **state)
{
	struct call_req r;

	(void)state;
	r = hvc(BH_HC_EXITS, 1, 0, 0);
	assert_int_equal(r.op, CALL_HC_EXITS);
	assert_int_equal(r.exits_vcpu, 1);
	r = hvc(BH_HC_EXITS, 2, 0, 0);
	assert_int_equal(r.op, CALL_INVALID);
	assert_int_equal(r.error, SMCCC_INVALID_PARAMETER);
	assert_int_equal(hvc(BH_HC_EXITS, 1UL << 32, 0, 0).op, CALL_INVALID);
	assert_int_equal(smc(BH_HC_EXITS, 0, 0, 0).op, CALL_UNSUPPORTED);
}

/* VDEV_RAISE: bits 1..3; VDEV_NEEDS_RESET: the device life, 32 bits. */
static void vdev_calls(void **state)
{
	struct call_req r;

	(void)state;
	r = hvc(BH_HC_VDEV_RAISE, 7, 1, 0);
	assert_int_equal(r.op, CALL_HC_VDEV);
	assert_int_equal(r.vdev.dev, 7);
	assert_int_equal(r.vdev.bits, 1);
	assert_false(r.vdev.needs_reset);
	assert_int_equal(hvc(BH_HC_VDEV_RAISE, 7, 0, 0).op, CALL_INVALID);
	assert_int_equal(hvc(BH_HC_VDEV_RAISE, 7, 4, 0).op, CALL_INVALID);
	assert_int_equal(hvc(BH_HC_VDEV_RAISE, 0x10000, 1, 0).op, CALL_INVALID);
	r = hvc(BH_HC_VDEV_NEEDS_RESET, 7, 0xffffffffU, 0);
	assert_int_equal(r.op, CALL_HC_VDEV);
	assert_int_equal(r.vdev.bits, 0xffffffffU);
	assert_true(r.vdev.needs_reset);
	assert_int_equal(hvc(BH_HC_VDEV_NEEDS_RESET, 7, 1UL << 32, 0).op,
			 CALL_INVALID);
}

static void psci_basics(void **state)
{
	(void)state;
	assert_int_equal(smc(PSCI_VERSION, 0, 0, 0).op, CALL_PSCI_VERSION);
	assert_int_equal(hvc(PSCI_VERSION, 0, 0, 0).op, CALL_PSCI_VERSION);
	assert_int_equal(smc(PSCI_SYSTEM_OFF, 0, 0, 0).op,
			 CALL_PSCI_SYSTEM_OFF);
	assert_int_equal(smc(PSCI_SYSTEM_RESET, 0, 0, 0).op,
			 CALL_PSCI_SYSTEM_RESET);
	assert_int_equal(smc(PSCI_CPU_OFF, 0, 0, 0).op, CALL_PSCI_CPU_OFF);
	assert_int_equal(smc(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0).op,
			 CALL_PSCI_MIGRATE_INFO_TYPE);
	assert_int_equal(smc(PSCI_SYSTEM_SUSPEND_64, 0x40201000, 0, 0).op,
			 CALL_UNSUPPORTED);
	assert_int_equal(smc(0xc2000000, 0, 0, 0).op, CALL_UNSUPPORTED);
	assert_int_equal(smc(0x84000020, 0, 0, 0).op, CALL_UNSUPPORTED);
}

static void psci_features(void **state)
{
	struct call_req r = smc(PSCI_FEATURES, PSCI_CPU_ON_64, 0, 0);

	(void)state;
	assert_int_equal(r.op, CALL_PSCI_FEATURES);
	assert_int_equal(r.feature, PSCI_CPU_ON_64);
	assert_true(psci_supported(PSCI_CPU_ON_64));
	assert_true(psci_supported(PSCI_SYSTEM_RESET));
	assert_true(psci_supported(PSCI_CPU_SUSPEND_64));
	assert_true(psci_supported(PSCI_CPU_SUSPEND_32));
	assert_false(psci_supported(PSCI_SYSTEM_SUSPEND_64));
	assert_false(psci_supported(0x8400000b));
}

/* power_state, original format: StateType bit 16, PowerLevel [25:24]. */
static void cpu_suspend_checks(void **state)
{
	struct call_req r = smc(PSCI_CPU_SUSPEND_64, 0x1000001, 0, 0);

	(void)state;
	assert_int_equal(r.op, CALL_PSCI_CPU_SUSPEND); /* standby, level 1 */
	r = smc(PSCI_CPU_SUSPEND_64, 0x10000, 0x40201000, 0x77);
	assert_int_equal(r.op, CALL_PSCI_CPU_SUSPEND);
	/* The entry point matters only for a powerdown. */
	r = smc(PSCI_CPU_SUSPEND_64, 0x10000, 0x7f000000, 0);
	assert_int_equal(r.op, CALL_INVALID);
	assert_int_equal(r.error, PSCI_INVALID_ADDRESS);
	r = smc(PSCI_CPU_SUSPEND_64, 0x10000, 0x40201002, 0);
	assert_int_equal(r.error, PSCI_INVALID_ADDRESS);
	assert_int_equal(smc(PSCI_CPU_SUSPEND_64, 0, 0x7f000000, 0).op,
			 CALL_PSCI_CPU_SUSPEND);
	/* Reserved bits of power_state. */
	r = smc(PSCI_CPU_SUSPEND_64, 1UL << 31, 0, 0);
	assert_int_equal(r.op, CALL_INVALID);
	assert_int_equal(r.error, PSCI_INVALID_PARAMETERS);
	r = smc(PSCI_CPU_SUSPEND_64, 1UL << 20, 0, 0);
	assert_int_equal(r.error, PSCI_INVALID_PARAMETERS);
	/* SMC32: the entry point's upper half is not seen. */
	r = smc(PSCI_CPU_SUSPEND_32, 0x10000, 0xffffffff40201000UL, 0);
	assert_int_equal(r.op, CALL_PSCI_CPU_SUSPEND);
}

static void cpu_on_checks(void **state)
{
	struct call_req r = smc(PSCI_CPU_ON_64, 1, 0x40201000, 0x1234);

	(void)state;
	assert_int_equal(r.op, CALL_PSCI_CPU_ON);
	assert_int_equal(r.cpu_on.vcpu, 1);
	assert_int_equal(r.cpu_on.entry, 0x40201000);
	assert_int_equal(r.cpu_on.ctx, 0x1234);
	/* In the second memory range too. */
	assert_int_equal(smc(PSCI_CPU_ON_64, 0, 0x800ffffc, 0).op,
			 CALL_PSCI_CPU_ON);
	/* No such vCPU: index out of range, or other affinity levels. */
	r = smc(PSCI_CPU_ON_64, 2, 0x40201000, 0);
	assert_int_equal(r.op, CALL_INVALID);
	assert_int_equal(r.error, PSCI_INVALID_PARAMETERS);
	assert_int_equal(smc(PSCI_CPU_ON_64, 0x100, 0x40201000, 0).error,
			 PSCI_INVALID_PARAMETERS);
	assert_int_equal(
		smc(PSCI_CPU_ON_64, 0x100000000UL, 0x40201000, 0).error,
		PSCI_INVALID_PARAMETERS);
	/* Entry outside the partition's memory, at its very end, or unaligned.
	 */
	r = smc(PSCI_CPU_ON_64, 1, 0x41000000, 0);
	assert_int_equal(r.op, CALL_INVALID);
	assert_int_equal(r.error, PSCI_INVALID_ADDRESS);
	assert_int_equal(smc(PSCI_CPU_ON_64, 1, 0x80100000, 0).error,
			 PSCI_INVALID_ADDRESS);
	assert_int_equal(smc(PSCI_CPU_ON_64, 1, 0x40201002, 0).error,
			 PSCI_INVALID_ADDRESS);
	assert_int_equal(smc(PSCI_CPU_ON_64, 1, 0, 0).error,
			 PSCI_INVALID_ADDRESS);
}

static void cpu_on_32_masks_arguments(void **state)
{
	/* SMC32: only w1..w3 count (SMCCC 2.6). */
	struct call_req r = smc(PSCI_CPU_ON_32, 0xffffffff00000001UL,
				0xabcd000040201000UL, 0x1111222233334444UL);

	(void)state;
	assert_int_equal(r.op, CALL_PSCI_CPU_ON);
	assert_int_equal(r.cpu_on.vcpu, 1);
	assert_int_equal(r.cpu_on.entry, 0x40201000);
	assert_int_equal(r.cpu_on.ctx, 0x33334444);
}

static void affinity_info_checks(void **state)
{
	struct call_req r = smc(PSCI_AFFINITY_INFO_64, 1, 0, 0);

	(void)state;
	assert_int_equal(r.op, CALL_PSCI_AFFINITY_INFO);
	assert_int_equal(r.target, 1);
	assert_int_equal(smc(PSCI_AFFINITY_INFO_64, 1, 1, 0).error,
			 PSCI_INVALID_PARAMETERS);
	assert_int_equal(smc(PSCI_AFFINITY_INFO_64, 5, 0, 0).error,
			 PSCI_INVALID_PARAMETERS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(console_write),
		cmocka_unit_test(console_limits),
		cmocka_unit_test(hypercalls_only_by_hvc_0),
		cmocka_unit_test(exits_counters),
		cmocka_unit_test(vdev_calls),
		cmocka_unit_test(psci_basics),
		cmocka_unit_test(psci_features),
		cmocka_unit_test(cpu_suspend_checks),
		cmocka_unit_test(cpu_on_checks),
		cmocka_unit_test(cpu_on_32_masks_arguments),
		cmocka_unit_test(affinity_info_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
