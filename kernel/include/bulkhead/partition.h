/* SPDX-License-Identifier: MIT */
/*
 * Partitions at run time: their stage-2 map and lifecycle. A partition is
 * created from its config at boot and never destroyed; it can be stopped
 * (after a fault, or when it powers itself off) and restarted from its
 * image (after a fault when its policy says so, or on PSCI SYSTEM_RESET).
 */
#pragma once

#include <bulkhead/config.h>
#include <bulkhead/pt.h>
#include <bulkhead/vcpu.h>
#include <bulkhead/vgic.h>

/* Partition states (struct partition.state). */
#define PART_RUNNING 0U
#define PART_STOPPED 1U /* after a fault with on-fault = "stop" */
#define PART_OFF 2U	/* the guest called PSCI SYSTEM_OFF */
#define PART_RESET 3U	/* being restarted: its vCPUs are parking */

struct partition {
	const struct part_config *cfg;
	struct pt s2;
	u64 vttbr;
	u32 index;
	u32 state;	/* PART_*, atomic */
	u32 boots;	/* 1 on the first boot, +1 on every restart */
	u64 cntvoff;	/* CNTVOFF_EL2 of its vCPUs: virtual time starts at 0 */
	u32 rng_key[8]; /* its rng-seed generator's key (rng.c) */
	u32 doorbell_rung; /* a driver: the armed value last rung (vdev.c) */
	struct vgic_dist vgic;
};

/**
 * What a module does at each step of a partition's lifecycle (any of them
 * may be NULL). partition.c runs them in one fixed order; see the table
 * there for where and when each step runs.
 */
struct part_hooks {
	void (*clear)(struct partition *p); /* restart: memory to clear */
	void (*start)(struct partition *p); /* before vCPU 0 enters */
	void (*stop)(struct partition *p, u32 to); /* left RUNNING for @to */
	void (*vcpu_start)(struct vcpu *v);	   /* about to enter, not ON */
	void (*vcpu_on)(struct vcpu *v);	   /* ON published */
	void (*vcpu_park)(struct vcpu *v);	   /* parking, before OFF */
};

extern const struct part_hooks vgic_hooks, console_hooks, exits_hooks,
	vdev_hooks, stage2_hooks;

/** @v's exit counters, two per word: kind 2i in the low half of out[i]. */
void exits_read(const struct vcpu *v, u64 out[4]);

extern struct partition partitions[];
extern struct pt_pool pt_pool;

/** Create every partition's stage-2 map (boot CPU, once). */
void partitions_init(void);

/** Boot or restart @p on this CPU, which must host its vCPU 0. */
noreturn void partition_start(struct partition *p);

/** What to do after a guest fault or an exit the core cannot serve. */
struct fault_info {
	const char *what;
	u64 esr;
	u64 far; /* faulting VA (FAR_EL2), or 0 */
	u64 ipa; /* faulting IPA (HPFAR_EL2), or ~0 when not known */
};

/**
 * Report a fault of the current vCPU on one line and apply its partition's
 * policy: stop it, or restart it from its image. Never returns.
 */
noreturn void partition_fault(struct vcpu *v, const struct fault_info *f);

/** The current vCPU's partition powers off (PSCI SYSTEM_OFF). */
noreturn void partition_off(struct vcpu *v);

/** The current vCPU's partition restarts (PSCI SYSTEM_RESET). */
noreturn void partition_reset(struct vcpu *v);

/**
 * Wait for requests in this CPU's mailbox and serve them. The vCPU's state
 * is left alone: a CPU_ON may already be pending for it at boot.
 */
noreturn void cpu_park(struct cpu *c);

/** Serve requests in this CPU's mailbox before returning to the guest. */
void cpu_check_mailbox(struct cpu *c);

/** Post @req (REQ_* bits) to @v's CPU and ring its doorbell. */
void vcpu_request(struct vcpu *v, u32 req);

/** The vCPU of @p with index @id, or NULL. */
struct vcpu *partition_vcpu(const struct partition *p, u32 id);

/** PSCI CPU_ON of vCPU @id (already validated); a PSCI return code. */
s64 partition_cpu_on(struct vcpu *caller, u32 id, u64 entry, u64 ctx);

/** PSCI CPU_OFF of the calling vCPU. */
noreturn void partition_cpu_off(struct vcpu *v);

/** PSCI AFFINITY_INFO of vCPU @id: 0 on, 1 off, 2 on pending. */
u32 partition_affinity(const struct partition *p, u32 id);

/** Print the most stack any CPU has used (main.c). */
void stack_report(void);
