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

/** An extra stage-2 mapping: shared pages, grants (virtio, console). */
struct s2_map {
	u64 ipa;
	u64 pa;
	u64 size;
	u32 attr; /* enum pt_attr */
	u32 pad;
};

/** A virtio-mmio device a driver partition serves to a frontend. */
struct vdev_config {
	u8 frontend; /* partition indexes */
	u8 driver;
	u8 nqueues;	  /* <= BH_VDEV_QUEUES */
	u8 config_len;	  /* bytes of device config space */
	u16 queue_max;	  /* QueueNumMax */
	u16 fe_irq;	  /* the frontend's virtual SPI */
	u32 device_id;	  /* VIRTIO 1.2 §5 */
	u64 features;	  /* offered: VERSION_1 | ACCESS_PLATFORM | ... */
	u64 window;	  /* frontend IPA of the register page */
	u64 regs;	  /* PA of the register page (frontend, read-only) */
	u64 state;	  /* PA of the state page (driver, read-only) */
	const u8 *config; /* device config space as built */
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
	u32 nmaps;
	const struct s2_map *maps; /* shared pages and grants */
	u64 drv_page; /* PA of its struct bh_driver_page, 0 if no driver */
	u16 doorbell; /* a driver's doorbell: its virtual SPI, 0 if none */
	u16 vmid;
	u16 reset_wait_ms; /* a driver's bound on confirming a reset */
	u8 on_fault;
	u8 uart_granted; /* the physical console UART is mapped into it */
	u8 direct;	 /* interrupt-mode = "direct" (docs/design.md) */
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
	u64 shared_base; /* pages shared with partitions (Normal NC) */
	u64 shared_size;
	u64 con_rings;	/* PA of the console rings, 0 if none drains them */
	s32 con_driver; /* partition that drains them, -1 if none */
};

extern const struct plat_config plat;
extern const struct part_config part_configs[];
extern const u32 nr_partitions;
extern const struct cpu_config cpu_configs[];
extern const u32 nr_cpus;
extern const struct vdev_config vdev_configs[];
extern const u32 nr_vdevs;

/* Storage sized by the config (defined in the generated config.c). */
extern u64 (*const pt_pool_pages)[512];
extern const u32 pt_pool_total;
extern u64 *const pt_roots[]; /* [0] EL2 stage 1, [1 + i] partition i */
