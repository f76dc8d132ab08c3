// SPDX-License-Identifier: MIT
/*
 * ESR_EL2 decoding (arch/aarch64/esr.c) against syndromes taken from real
 * exits on QEMU and hand-encoded ones, field by field (Arm ARM D19.2.40).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arch/esr.h>
#include <arch/sysreg.h>

/* A 64-bit store of x0 to unmapped memory: seen from the faulty guest. */
#define ESR_STR_X0 0x93c08046UL

static void data_abort_fields(void **state)
{
	struct esr_dabt d = esr_decode_dabt(ESR_STR_X0);
	int level;

	(void)state;
	assert_int_equal(ESR_EC(ESR_STR_X0), EC_DABT_LOW);
	assert_true(d.isv);
	assert_int_equal(d.size, 8);
	assert_false(d.sign);
	assert_int_equal(d.reg, 0);
	assert_true(d.sf);
	assert_true(d.write);
	assert_false(d.s1ptw);
	assert_int_equal(esr_fsc_kind(d.fsc, &level), FSC_TRANSLATION);
	assert_int_equal(level, 2);
}

static void data_abort_byte_load(void **state)
{
	/* LDRSB w7: ISV, SAS=0 (byte), SSE, SRT=7, SF=0, read, level 3. */
	u64 esr = (0x24UL << 26) | (1UL << 25) | (1UL << 24) | (0UL << 22) |
		  (1UL << 21) | (7UL << 16) | 0x07;
	struct esr_dabt d = esr_decode_dabt(esr);
	int level;

	(void)state;
	assert_int_equal(d.size, 1);
	assert_true(d.sign);
	assert_int_equal(d.reg, 7);
	assert_false(d.sf);
	assert_false(d.write);
	assert_int_equal(esr_fsc_kind(d.fsc, &level), FSC_TRANSLATION);
	assert_int_equal(level, 3);
}

static void fault_status_codes(void **state)
{
	int level;

	(void)state;
	assert_int_equal(esr_fsc_kind(0x0d, &level), FSC_PERMISSION);
	assert_int_equal(level, 1);
	assert_int_equal(esr_fsc_kind(0x0a, &level), FSC_ACCESS_FLAG);
	assert_int_equal(level, 2);
	assert_int_equal(esr_fsc_kind(0x03, &level), FSC_ADDR_SIZE);
	assert_int_equal(esr_fsc_kind(0x21, &level), FSC_ALIGNMENT);
	assert_int_equal(level, -1);
	assert_int_equal(esr_fsc_kind(0x10, &level), FSC_EXTERNAL);
	assert_int_equal(esr_fsc_kind(0x30, &level), FSC_OTHER);
}

static void describe(void **state)
{
	char buf[96];

	(void)state;
	esr_describe(ESR_STR_X0, buf, sizeof(buf));
	assert_string_equal(
		buf, "data abort: stage-2 translation fault, level 2, write");
	esr_describe((0x20UL << 26) | 0x0f, buf, sizeof(buf));
	assert_string_equal(
		buf, "instruction abort: stage-2 permission fault, level 3");
	esr_describe((0x18UL << 26) | 1, buf, sizeof(buf));
	assert_string_equal(buf, "system register access (EC 0x18)");
	esr_describe(0x3fUL << 26, buf, sizeof(buf));
	assert_string_equal(buf, "unexpected exception class (EC 0x3f)");
	esr_describe((0x24UL << 26) | 0x21, buf, sizeof(buf));
	assert_string_equal(buf, "data abort: alignment fault (FSC 0x21)");
}

static void sysreg_trap(void **state)
{
	/* MSR ICC_SGI1R_EL1, x3: op0 3, op1 0, CRn 12, CRm 11, op2 5, write. */
	u64 esr = (0x18UL << 26) | (1UL << 25) | (3UL << 20) | (5UL << 17) |
		  (0UL << 14) | (12UL << 10) | (3UL << 5) | (11UL << 1) | 0;
	struct esr_sysreg s = esr_decode_sysreg(esr);

	(void)state;
	assert_int_equal(s.op0, 3);
	assert_int_equal(s.op1, 0);
	assert_int_equal(s.crn, 12);
	assert_int_equal(s.crm, 11);
	assert_int_equal(s.op2, 5);
	assert_int_equal(s.reg, 3);
	assert_false(s.read);
	assert_int_equal(esr_sysreg_id(&s), SYSREG_ID(3, 0, 12, 11, 5));
	s = esr_decode_sysreg(esr | 1);
	assert_true(s.read);
}

/* SPSR with AArch32 T32 state and ITSTATE @it (IT[7:0]). */
static u64 t32(u64 it)
{
	return 0x10 | 0x20 | (it & 3) << 25 | (it >> 2) << 10;
}

static void it_state_advances(void **state)
{
	(void)state;
	/* ITTE EQ: firstcond 0000, mask 1010 -> IT = 0000 1010 .. */
	assert_int_equal(spsr_skip_it(t32(0x0a)), t32(0x14));
	assert_int_equal(spsr_skip_it(t32(0x14)), t32(0x08));
	assert_int_equal(spsr_skip_it(t32(0x08)), t32(0x00)); /* last one */
	/* The condition's top bits (IT[7:5]) stay, IT[4:0] shifts. */
	assert_int_equal(spsr_skip_it(t32(0xe6)), t32(0xec));
	/* Outside an IT block, in A32, or in AArch64: unchanged. */
	assert_int_equal(spsr_skip_it(t32(0)), t32(0));
	assert_int_equal(spsr_skip_it(0x10 | 0x0a << 10), 0x10 | 0x0a << 10);
	assert_int_equal(spsr_skip_it(0x3c5 | 1UL << 12), 0x3c5 | 1UL << 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(data_abort_fields),
		cmocka_unit_test(data_abort_byte_load),
		cmocka_unit_test(fault_status_codes),
		cmocka_unit_test(describe),
		cmocka_unit_test(sysreg_trap),
		cmocka_unit_test(it_state_advances),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
