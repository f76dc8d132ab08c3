/* SPDX-License-Identifier: MIT */
/*
 * The compiled-in system description. bhconfig (tools/bhconfig) reads the
 * partition config .dts, validates it and writes config.c with these
 * tables, plus the storage whose size depends on the config (per-CPU areas,
 * partitions, translation-table pool). Nothing here changes after boot.
 */
#pragma once

#include <bulkhead/types.h>

enum fault_policy {
	FAULT_STOP = 0,
	FAULT_RESTART = 1,
};

/** A contiguous mapping: guest [ipa, ipa+size) -> physical [pa, ...). */
struct mem_region {
	u64 pa;
	u64 ipa;
	u64 size;
};

/** One blob to copy from the core image into partition memory at (re)boot. */
struct image_load {
	const u8 *src; /* in the core image (.incbin'd by images.s) */
	u64 size;
	u64 pa; /* destination, inside the partition's memory */
	const char *name;
};

/** An interrupt a partition owns (a granted device's SPI). */
struct irq_grant {
	u16 intid; /* physical = virtual INTID */
	u8 edge;   /* 1: edge triggered, 0: level */
	u8 pad;
};

struct part_config {
	const char *name;
	u32 nvcpus;
	const u8 *vcpu_slot; /* vCPU i runs on per-CPU slot vcpu_slot[i] */
	u32 nmem;
	const struct mem_region *mem;
	u32 ndev;
	const struct mem_region *dev; /* granted device pages, ipa == pa */
	u32 nimg;
	const struct image_load *img;
	u64 entry;    /* IPA of vCPU 0's first instruction */
	u64 dtb;      /* IPA of the guest device tree, 0 if none */
	u64 rng_seed; /* PA of its 32-byte /chosen/rng-seed, 0 if none */
	u16 vmid;
	u8 on_fault;
	u8 uart_granted; /* the physical console UART is mapped into it */
};

/** A physical CPU the system uses. Slot 0 is the boot CPU. */
struct cpu_config {
	u64 mpidr; /* affinity fields Aff3..Aff0 as in MPIDR_EL1 */
	u32 phys;  /* index of the CPU in the platform (cpu@N) */
	s32 part;  /* partition it runs, -1 for none (boot CPU only) */
	u32 vcpu;  /* vCPU index inside that partition */
};

struct plat_config {
	const char *config_name; /* the .dts the image was built from */
	u64 uart;		 /* PL011 the core prints on */
	u64 gicd;		 /* GICv3 distributor */
	u64 gicr;		 /* first redistributor frame */
	u64 gicr_stride;	 /* bytes between redistributor frames */
	u32 addr_bits;		 /* EL2 VA and stage-2 IPA size (30..39) */
	u32 ndev;
	const struct mem_region *dev; /* device windows the core maps */
	u64 hyp_base;		      /* the core's own memory region */
	u64 hyp_size;
};

extern const struct plat_config plat;
extern const struct part_config part_configs[];
extern const u32 nr_partitions;
extern const struct cpu_config cpu_configs[];
extern const u32 nr_cpus;

/* Storage sized by the config (defined in the generated config.c). */
extern u64 (*const pt_pool_pages)[512];
extern const u32 pt_pool_total;
extern u64 *const pt_roots[]; /* [0] EL2 stage 1, [1 + i] partition i */
