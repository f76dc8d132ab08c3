/* SPDX-License-Identifier: MIT */
/*
 * Calls a guest makes with HVC or SMC (SMC Calling Convention): Bulkhead
 * hypercalls and PSCI. Each call is decoded and validated first, from the
 * guest's registers only, into a request; only a valid request is then
 * carried out. The decoders are pure and unit-tested on the host.
 */
#pragma once

#include <bulkhead/abi.h>
#include <bulkhead/types.h>

struct vcpu;

enum call_op {
	CALL_UNSUPPORTED = 0, /* x0 = NOT_SUPPORTED */
	CALL_INVALID,	      /* x0 = the decoder's error code */
	CALL_HC_VERSION,
	CALL_HC_CONSOLE,
	CALL_HC_WHOAMI,
	CALL_HC_EXITS,
	CALL_HC_VDEV,
	CALL_PSCI_VERSION,
	CALL_PSCI_FEATURES,
	CALL_PSCI_CPU_ON,
	CALL_PSCI_CPU_SUSPEND,
	CALL_PSCI_CPU_OFF,
	CALL_PSCI_AFFINITY_INFO,
	CALL_PSCI_MIGRATE_INFO_TYPE,
	CALL_PSCI_SYSTEM_OFF,
	CALL_PSCI_SYSTEM_RESET,
};

struct call_req {
	enum call_op op;
	s64 error; /* for CALL_INVALID */
	union {
		struct {
			u32 len;
			char buf[BH_CONSOLE_MAX];
		} console;
		struct {
			u32 vcpu; /* target vCPU index */
			u64 entry;
			u64 ctx;
		} cpu_on;
		u32 feature;	/* PSCI_FEATURES: queried function ID */
		u32 exits_vcpu; /* BH_HC_EXITS: vCPU index */
		struct {
			u32 dev;  /* device index */
			u32 bits; /* InterruptStatus bits */
			bool needs_reset;
		} vdev;
		u32 target; /* AFFINITY_INFO: vCPU index */
	};
};

/** What a partition looks like to the decoders. */
struct call_env {
	u32 nvcpus;
	u32 nmem;
	const struct mem_region *mem; /* for entry-point checks */
};

/**
 * Decode a call from the guest's x0..x7. @hvc: it came through HVC (with
 * immediate @imm); Bulkhead hypercalls exist only there, PSCI answers both.
 */
struct call_req call_decode(const u64 x[8], bool hvc, u32 imm,
			    const struct call_env *env);

/** Carry out a decoded call for @v; results go to its x0..x7. */
void call_invoke(struct vcpu *v, const struct call_req *req);

/** Is @fid a PSCI function this implementation provides (PSCI_FEATURES)? */
bool psci_supported(u32 fid);
