// SPDX-License-Identifier: MIT
/*
 * The fake architecture (see fake_arch.h). Caches, TLBs and the MMU are
 * no-ops that count; the stack pointer is inside the CPU's own per-CPU
 * stack, as on the target; the UART is a buffer.
 */
#include <string.h>

#include <bulkhead/console.h>
#include <bulkhead/partition.h>

#include "fake_arch.h"

struct fake_arch fake_arch;

void fake_arch_reset(struct cpu *current)
{
	memset(&fake_arch, 0, sizeof(fake_arch));
	fake_arch.current = current;
}

int fake_arch_run(struct cpu *c, void (*step)(void *arg), void *arg)
{
	int left;

	fake_arch.current = c;
	left = setjmp(fake_arch.leave);
	if (left == 0)
		step(arg);
	return left;
}

struct cpu *this_cpu(void)
{
	return fake_arch.current;
}

void arch_cpu_init(struct cpu *c)
{
	(void)c;
	fake_arch.cpu_inits++;
}

u64 arch_cpu_mpidr(void)
{
	return fake_arch.mpidr;
}

/* Half-way up this CPU's stack: what lies below is free, as at boot. */
u64 arch_stack_pointer(void)
{
	return (u64)(fake_arch.current->stack + CPU_STACK_SIZE / 2);
}

void arch_gic_init(void)
{
	fake_arch.gic_inits++;
}

void arch_mmu_enable(u64 *root, u32 bits, bool boot)
{
	(void)root;
	(void)bits;
	(void)boot;
	fake_arch.mmu_on++;
}

u64 arch_vttbr(const struct pt *s2, u16 vmid)
{
	return (u64)s2->root | (u64)vmid << 48;
}

void arch_s2_fence(struct pt *s2, u64 vttbr, bool on)
{
	(void)s2;
	(void)vttbr;
	fake_arch.fences[on]++;
}

s64 arch_cpu_start(u64 mpidr, u64 slot)
{
	(void)mpidr;
	fake_arch.started |= 1U << slot;
	return fake_arch.start_result;
}

noreturn void arch_system_off(void)
{
	longjmp(fake_arch.leave, LEFT_OFF);
}

void arch_wait(void)
{
	longjmp(fake_arch.leave, LEFT_WAITING);
}

void arch_doorbell(u32 slot)
{
	fake_arch.doorbells[slot]++;
}

void arch_doorbell_ack(void)
{
}

void arch_vcpu_reset(struct vcpu *v, const struct partition *p, u64 entry,
		     u64 arg)
{
	(void)p;
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.elr = entry;
	v->regs.x[0] = arg;
}

noreturn void arch_vcpu_enter(struct vcpu *v)
{
	fake_arch.entered_at = v->regs.elr;
	fake_arch.entered_arg = v->regs.x[0];
	longjmp(fake_arch.leave, LEFT_ENTERED);
}

void arch_dcache_clean(const void *p, u64 len)
{
	(void)p;
	(void)len;
}

void arch_dcache_clean_inval(const void *p, u64 len)
{
	(void)p;
	fake_arch.cleaned_inval += len;
}

void arch_mem_zero(void *p, u64 len)
{
	(void)p;
	fake_arch.zeroed += len;
}

void arch_icache_invalidate(void)
{
}

u64 arch_counter(void)
{
	return 5000;
}

u64 arch_random(void)
{
	return 0x1234;
}

u64 arch_counter_hz(void)
{
	return 1000000;
}

noreturn void arch_halt(void)
{
	longjmp(fake_arch.leave, LEFT_HALTED);
}

void uart_write(u64 base, const char *s, size_t n)
{
	(void)base;
	if (fake_arch.on_uart)
		fake_arch.on_uart();
	if (n > sizeof(fake_arch.uart) - 1 - fake_arch.uart_len)
		n = sizeof(fake_arch.uart) - 1 - fake_arch.uart_len;
	memcpy(fake_arch.uart + fake_arch.uart_len, s, n);
	fake_arch.uart_len += n;
	fake_arch.uart[fake_arch.uart_len] = '\0';
}
