/* SPDX-License-Identifier: MIT */
/*
 * A vCPU and the physical CPU it is pinned to. There is exactly one vCPU
 * per physical CPU, so the vCPU lives inside the per-CPU area: the exit
 * path saves guest registers straight into it, with SP_EL2 pointing at
 * @regs whenever a guest runs (the stack grows down from there).
 */
#pragma once

#include <bulkhead/config.h>
#include <bulkhead/vgic.h>

/** Guest general-purpose state saved by the exit path. */
struct regs {
	u64 x[31];
	u64 elr;  /* ELR_EL2: where the guest resumes */
	u64 spsr; /* SPSR_EL2: its PSTATE */
	u64 pad;  /* keeps the frame a multiple of 16 bytes */
};

/* vCPU states (struct vcpu.state). */
#define VCPU_OFF 0U	/* parked in the core, waits for CPU_ON or boot */
#define VCPU_ON 1U	/* runs (or is about to run) guest code */
#define VCPU_PENDING 2U /* PSCI CPU_ON accepted, not yet started */

#define CON_LINE 240U /* characters of one tagged console line */

/** What brought a vCPU into the core, counted per vCPU (exits.c). */
enum exit_kind {
	EXIT_HVC,    /* hypercalls and PSCI through HVC */
	EXIT_SMC,    /* PSCI through SMC, unknown SMCs */
	EXIT_SYSREG, /* trapped system registers (SGIs, PMU, set/way) */
	EXIT_GIC,    /* emulated distributor and redistributor accesses */
	EXIT_VIRTIO, /* forwarded virtio-mmio register writes */
	EXIT_ABORT,  /* other aborts: faults */
	EXIT_OTHER,  /* any other exception class */
	EXIT_IRQ,    /* physical interrupts not taken on the fast path */
	EXIT_KINDS,
};

struct partition;

struct vcpu {
	struct regs regs; /* first: the exit path addresses it through SP */
	struct partition *part;
	u8 part_tag;  /* partition index + 1, as in vspis[].part (vectors.S) */
	u32 id;	      /* index inside the partition: virtual MPIDR.Aff0 */
	u32 state;    /* VCPU_*, written with atomics */
	u64 on_entry; /* pending PSCI CPU_ON: entry point and context id */
	u64 on_ctx;
	u32 on_ready; /* on_entry and on_ctx are written, atomic */
	u32 line_len;
	char line[CON_LINE];
	u32 exits[EXIT_KINDS]; /* since this vCPU last started */
	struct vgic_cpu vgic;
};

/* Requests one CPU posts to another's mailbox (then rings its doorbell). */
#define REQ_STOP 0x1U  /* park the vCPU: its partition stops */
#define REQ_START 0x2U /* start the vCPU (CPU_ON, or partition boot) */
#define REQ_VIRQ 0x4U  /* virtual interrupts are pending for it */

/* The deepest path (a fault report: trap_sync, partition_fault, printk,
 * fmt_vsnprintf) needs about 1.1 KiB (gcc -fstack-usage). Every stack is
 * painted at boot and the most any CPU used is printed at system off
 * (main.c), so tests show the real depth. */
#define CPU_STACK_SIZE 2048U
#define STACK_PAINT 0x5354414b5354414bUL /* "KATSKATS" */

struct cpu {
	u8 stack[CPU_STACK_SIZE] aligned_to(16);
	struct vcpu vcpu; /* SP_EL2 == &vcpu.regs while the guest runs */
	const struct cpu_config *cfg;
	u64 gicr; /* this CPU's redistributor (RD_base) */
	u32 slot;
	u32 mailbox; /* REQ_* bits, atomic */
} aligned_to(16);

extern struct cpu percpu[];

/** The per-CPU area of the CPU running this code. */
struct cpu *this_cpu(void);
