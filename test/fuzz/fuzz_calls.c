// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the HVC/SMC call decoder (kernel/core/smccc.c). The
 * input is the guest's x0..x7 (8 little-endian u64), an HVC flag byte and a
 * 32-bit immediate, zero-filled when short; call_decode() judges it against
 * a fixed partition of 2 vCPUs and two memory ranges (one straddling 4 GiB,
 * for SMC32 truncation). Whatever it accepts must be safe to carry out:
 * console lengths within BH_CONSOLE_MAX, CPU_ON and AFFINITY_INFO naming one
 * of the partition's vCPUs, CPU_ON entry points 4-byte aligned inside its
 * memory, hypercalls only over HVC #0. A violation traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <bulkhead/config.h>
#include <bulkhead/smccc.h>

#define INPUT_SIZE (8 * 8 + 1 + 4)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct mem_region mem[] = {
	{ .pa = 0x42000000, .ipa = 0x40000000, .size = 0x01000000 },
	{ .pa = 0x50000000, .ipa = 0xfff00000, .size = 0x00200000 },
};
static const struct call_env env = { .nvcpus = 2, .nmem = 2, .mem = mem };

/* A broken invariant: say which, then trap (libFuzzer keeps the input). */
static _Noreturn void violated(const char *what, int line)
{
	fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, line,
		what);
	__builtin_trap();
}

#define check(ok) ((ok) ? (void)0 : violated(#ok, __LINE__))

static bool entry_inside(u64 entry)
{
	for (u32 i = 0; i < env.nmem; i++)
		if (entry >= mem[i].ipa && entry - mem[i].ipa < mem[i].size)
			return true;
	return false;
}

static bool is_hypercall(enum call_op op)
{
	return op == CALL_HC_VERSION || op == CALL_HC_CONSOLE ||
	       op == CALL_HC_WHOAMI;
}

static void check_console(const struct call_req *r, const u64 x[8])
{
	check(r->console.len <= BH_CONSOLE_MAX);
	check(r->console.len == x[1]);
	for (u32 i = 0; i < r->console.len; i++)
		check(r->console.buf[i] ==
		      (char)(x[2 + i / 8] >> (8 * (i % 8))));
}

static void check_request(const struct call_req *r, const u64 x[8], bool hvc,
			  u32 imm)
{
	bool smc32 = !(x[0] & BIT(30));

	check(r->op <= CALL_PSCI_SYSTEM_RESET);
	if (hvc && imm != 0)
		check(r->op == CALL_UNSUPPORTED);
	if (is_hypercall(r->op))
		check(hvc);
	switch (r->op) {
	case CALL_INVALID:
		check(r->error < 0);
		break;
	case CALL_HC_CONSOLE:
		check_console(r, x);
		break;
	case CALL_PSCI_CPU_ON:
		check(r->cpu_on.vcpu < env.nvcpus);
		check((r->cpu_on.entry & 3) == 0);
		check(entry_inside(r->cpu_on.entry));
		check(!smc32 || r->cpu_on.entry <= 0xffffffffUL);
		break;
	case CALL_PSCI_AFFINITY_INFO:
		check(r->target < env.nvcpus);
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t in[INPUT_SIZE] = { 0 };
	u64 x[8];
	bool hvc;
	u32 imm;
	struct call_req r;

	memcpy(in, data, size < sizeof(in) ? size : sizeof(in));
	memcpy(x, in, sizeof(x));
	hvc = in[64] & 1;
	memcpy(&imm, in + 65, sizeof(imm));
	r = call_decode(x, hvc, imm, &env);
	check_request(&r, x, hvc, imm);
	return 0;
}
