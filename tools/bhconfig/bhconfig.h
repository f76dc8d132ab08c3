/* SPDX-License-Identifier: MIT */
/*
 * bhconfig: the partition config tool. It turns a config .dts (which
 * includes a platform .dtsi from dts/) into the tables compiled into the
 * core, after checking that the system can work. This header holds the
 * model every stage shares: parse (DTB -> model), validate (model -> errors),
 * place (images -> load list), generate (model -> C, assembly, report).
 * Validation works on the model alone, so unit tests build models directly.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_CPUS 16
#define MAX_PARTS 32
#define MAX_VCPUS 16
#define MAX_MEM 8
#define MAX_PDEVS 128
#define MAX_GRANTS 32
#define MAX_REG 4
#define MAX_IRQ 8
#define MAX_LOADS 16
#define MAX_RAM 8
#define MAX_ERRORS 64
#define NAME_MAX_LEN 15 /* fits the 16-byte name of the WHOAMI hypercall */

#define PAGE 0x1000ULL
#ifndef SZ_2M
#define SZ_2M 0x200000ULL
#endif

enum on_fault { ON_FAULT_STOP = 0, ON_FAULT_RESTART = 1 };

struct region {
	uint64_t base;
	uint64_t size;
};

/** A CPU of the platform, in /cpus order. */
struct pcpu {
	char path[64];
	uint32_t phandle;
	uint64_t mpidr;
	int owner; /* partition index, -1 if unused */
	int vcpu;
};

/** A device node a config refers to (granted, or used by the core). */
struct pdev {
	char path[128];
	uint32_t phandle;
	int node; /* offset in the DTB, for the guest DT generator */
	char compatible[64];
	struct region reg[MAX_REG];
	int nreg;
	uint32_t irq[MAX_IRQ]; /* INTIDs of its SPIs */
	uint32_t irq_flags[MAX_IRQ];
	int nirq;
	int nppi;  /* PPIs it uses (cannot be granted) */
	bool dma;  /* can master the bus (dma-coherent, virtio, ...) */
	int owner; /* partition index, -1 if none */
};

/** A register window of any platform node, for page-sharing checks. */
struct node_reg {
	char path[128];
	struct region reg;
};

#define MAX_NODE_REGS 256

/** One blob the core copies into partition memory at (re)boot. */
struct load {
	char what[32];	 /* "image", "kernel", "initrd", "dtb" */
	char shown[256]; /* how the config names it */
	char file[512];	 /* source file (absolute) */
	uint64_t offset; /* bytes into the file */
	uint64_t size;	 /* bytes copied */
	uint64_t memsz;	 /* bytes of memory it occupies (>= size) */
	uint64_t ipa;
	uint64_t pa;
};

struct part {
	char name[64];
	char path[128];
	int cpu[MAX_VCPUS]; /* platform CPU index of vCPU i */
	int ncpus;
	struct region mem[MAX_MEM]; /* physical */
	uint64_t ipa[MAX_MEM];	    /* guest address of mem[i] */
	int nmem;
	int dev[MAX_GRANTS];	     /* pdev index */
	bool dev_dma_ok[MAX_GRANTS]; /* granted through dma-devices */
	int ndev;
	char image[256];
	char initrd[256];
	char bootargs[512];
	enum on_fault on_fault;
	struct load load[MAX_LOADS];
	int nload;
	struct region devwin[MAX_GRANTS]; /* granted device pages, merged */
	int ndevwin;
	uint64_t entry;
	uint64_t dtb_ipa; /* 0: no guest DT */
	void *dtb;	  /* the generated guest device tree */
	size_t dtb_size;
	uint64_t seed_offset; /* of /chosen/rng-seed in the DTB, 0 if none */
	char dtb_file[512];
	int vmid;
};

struct config {
	const char *file; /* the config as the user named it */
	const void *fdt;  /* the compiled config, NULL in unit tests */
	const char *out;  /* where generated files go, NULL when checking */
	const char *const *image_dirs;
	int nimage_dirs;

	struct pcpu cpu[MAX_CPUS];
	int ncpus;
	struct region ram[MAX_RAM];
	int nram;
	struct pdev dev[MAX_PDEVS];
	int ndevs;
	struct node_reg node_reg[MAX_NODE_REGS]; /* every node with reg */
	int nnode_regs;

	uint64_t gicd, gicd_size;
	uint64_t gicr, gicr_stride;
	int console; /* pdev index of the core's UART */
	struct region hyp;
	int boot_cpu;

	struct part part[MAX_PARTS];
	int nparts;

	/* Results of layout. */
	uint32_t addr_bits;
	uint32_t pt_pages;
	struct region hyp_dev[8]; /* device windows the core maps */
	int nhyp_dev;

	char *errors[MAX_ERRORS];
	int nerrors;
};

/* diag.c: errors name the file, the node and the reason. */
void diag(struct config *c, const char *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_print(const struct config *c);
void diag_free(struct config *c);

/* dtc.c: preprocess and compile a .dts; returns a malloc'd DTB or NULL. */
void *dts_compile(const char *dts, const char *const *incdirs, int nincdirs,
		  const char *depfile, const char *deptarget);

/* parse.c: DTB -> model. Reports structural errors through diag(). */
void config_parse(struct config *c, const void *fdt);

/* validate.c: semantic checks on the model. */
void config_validate(struct config *c);
bool regions_overlap(struct region a, struct region b);
const char *cpu_name(const struct config *c, int cpu);

/* image.c: find images and decide where each blob goes. */
void config_place(struct config *c);
uint64_t part_ipa_to_pa(const struct part *p, uint64_t ipa, uint64_t size,
			bool *ok);

/* guestdt.c: build partition @pi's device tree into p->dtb. */
void guest_dt_build(struct config *c, int pi);

/* layout.c: address size, the core's device windows, table pool size. */
void config_layout(struct config *c);
uint64_t load_footprint(const struct load *l); /* bytes in the core image */

/* gen.c: write the generated sources and the build report. */
int gen_config_c(const struct config *c, const char *path);
int gen_images_s(const struct config *c, const char *path);
int gen_layout_ld(const struct config *c, const char *path);
int gen_report(const struct config *c, const char *path);

/* report.c: append the linked core's sizes to the report. */
int report_elf(const char *elf, const char *in, const char *report, bool quiet);
