/* SPDX-License-Identifier: MIT */
/*
 * bhconfig: the partition config tool. It turns a config .dts (which
 * includes a platform .dtsi from dts/) into the tables compiled into the
 * core, after checking that the system can work. This header holds the
 * model every stage shares: compile (cpp, dtc: config and platform DTBs),
 * parse (DTB -> model, after checking the config left the platform alone),
 * validate (model -> errors), place (images -> load list), lay out and
 * generate (model -> C, assembly, guest DTBs, report). Validation works on
 * the model alone, so unit tests build models directly. Every table is
 * sized by the config (util.h's vec_grow); the only limits are those of
 * the hardware or the core's table formats, and hitting one is an error
 * that names it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tree.h"
#include "util.h"

#define NAME_MAX_LEN 15	    /* fits the 16-byte name of the WHOAMI hypercall */
#define MAX_PARTS 255	    /* VMID = index + 1 in 8 bits; vspi.part is a u8 */
#define MAX_SLOTS 256	    /* per-CPU slots are u8 in part_config.vcpu_slot */
#define MAX_PART_SPIS 47    /* VGIC_QUEUE (48) less the timer PPI */
#define GIC_MAX_INTIDS 1020 /* SPIs end at INTID 1019 (IHI 0069 2.2.1) */
#define DTB_RESERVE 0x10000ULL	 /* the guest device tree: top 64 KiB */
#define RESET_WAIT_MS 50U	 /* reset-wait-ms's default */
#define RESET_WAIT_MAX_MS 60000U /* part_config.reset_wait_ms is a u16 */

#define PAGE 0x1000ULL
#ifndef SZ_2M
#define SZ_2M 0x200000ULL
#endif
#ifndef SZ_1G
#define SZ_1G 0x40000000ULL
#endif

enum on_fault { ON_FAULT_STOP = 0, ON_FAULT_RESTART = 1 };

/** A CPU of the platform, in /cpus order. */
struct pcpu {
	char *path;
	int node; /* tree index */
	uint32_t phandle;
	uint64_t mpidr;
	int owner; /* partition index, -1 if unused */
	int vcpu;
};

/** A device node a config refers to (granted, or used by the core). */
struct pdev {
	char *path;
	int node; /* tree index */
	int off;  /* blob offset, for the guest DT generator */
	uint32_t phandle;
	char *compatible; /* first entry, "" if none */
	struct region *reg;
	int nreg;
	uint32_t *irq; /* INTIDs of its SPIs */
	uint32_t *irq_flags;
	int nirq;
	int nppi;  /* PPIs it uses (cannot be granted) */
	bool dma;  /* can master the bus (bulkhead,bus-master, ...) */
	bool bad;  /* unusable (reported when first referred to) */
	int owner; /* partition index, -1 if none */
};

/** A register window of any platform node, for page-sharing checks. */
struct node_reg {
	int node; /* tree index (-1 in hand-made models: use path) */
	const char *path;
	struct region reg;
};

/** One blob the core copies into partition memory at (re)boot. */
struct load {
	const char *what;   /* "image", "kernel", "initrd", "dtb" */
	char *shown;	    /* how the config names it */
	char *file;	    /* source file */
	bool explicit_path; /* named by path by the config's author */
	uint64_t offset;    /* bytes into the file */
	uint64_t size;	    /* bytes copied */
	uint64_t memsz;	    /* bytes of memory it occupies (>= size) */
	uint64_t ipa;
	uint64_t pa;
};

/** What an extra stage-2 mapping of a partition maps (virtio.c). */
enum s2map_what {
	S2MAP_REGS,   /* a device's register page (frontend, read-only) */
	S2MAP_STATE,  /* a device's state page (driver, read-only) */
	S2MAP_DRIVER, /* a driver's own page (read-write) */
	S2MAP_RINGS,  /* the core's console rings (console driver) */
	S2MAP_GRANT,  /* a frontend's memory (driver, read-write) */
};

struct s2map {
	uint64_t ipa, pa, size;
	unsigned attr; /* enum pt_attr */
	enum s2map_what what;
	int index; /* device, partition or grant it belongs to */
};

struct part {
	char *name;
	char *path;
	int node; /* tree index, -1 in hand-made models */
	int *cpu; /* platform CPU index of vCPU i */
	int ncpus;
	struct region *mem; /* physical */
	uint64_t *ipa;	    /* guest address of mem[i] */
	int nmem;
	bool has_ipa;	  /* memory-ipa given */
	int *dev;	  /* pdev index */
	bool *dev_dma_ok; /* granted through dma-devices */
	int ndev;
	char *image; /* NULL if absent */
	char *initrd;
	char *bootargs;
	enum on_fault on_fault;
	bool direct; /* interrupt-mode = "direct" */
	struct load *load;
	int nload, load_cap;
	struct region *devwin; /* granted device pages, merged */
	int ndevwin, devwin_cap;
	uint64_t entry;
	uint64_t dtb_ipa; /* 0: no guest DT */
	void *dtb;	  /* the generated guest device tree */
	size_t dtb_size;
	uint64_t seed_offset; /* of /chosen/rng-seed in the DTB, 0 if none */
	char *dtb_file;
	int vmid;
	/* Virtio (virtio.c): as a driver, and pages shared by the core. */
	bool hyp_console;	/* drains the core's console rings */
	uint32_t doorbell;	/* a driver's doorbell SPI, 0 if none */
	uint32_t reset_wait_ms; /* reset-wait-ms; 0 if not given */
	uint64_t drv_page_ipa;	/* its struct bh_driver_page, 0 if none */
	uint64_t drv_page_pa;
	uint64_t rings_ipa; /* the console rings, if hyp_console */
	struct s2map *maps;
	int nmaps, maps_cap;
};

/** A kind of virtio device (virtio.c). */
struct vdev_kind;

/** A virtio device of a frontend partition, served by a driver one. */
struct vdev {
	char *name, *path; /* its node under the frontend's virtio node */
	int node;
	int frontend, driver; /* partition indexes; driver -1 until known */
	uint32_t driver_ph;
	const struct vdev_kind *kind;
	const char *kind_name; /* "console", ... */
	uint32_t device_id, nqueues, queue_max, config_len;
	uint64_t features;
	uint8_t config[64]; /* device config space (as built) */
	uint64_t window;    /* frontend IPA of its register page */
	uint32_t irq;	    /* the frontend's virtual SPI */
	bool has_grant_ipa, has_dma_window;
	uint64_t grant_ipa;
	struct region dma_window; /* frontend IPAs */
	uint64_t regs_pa, state_pa;
	uint64_t state_ipa; /* where its driver sees the state page */
	/* A block device: a slice of one of its driver's disks. */
	uint32_t disk_ph;
	int disk;	     /* index into config.disk, -1 if none */
	struct region slice; /* bytes of the disk */
	bool has_slice, read_only;
	bool dma; /* its driver owns bus masters */
};

/** A disk a driver partition owns (a node of its `disks`). */
struct disk {
	char *name, *path;
	int node;
	int part; /* the driver partition */
	int dev;  /* pdev index of its controller, -1 until known */
	uint32_t dev_ph;
	uint64_t size;	  /* bytes */
	const char *file; /* image file (in the config blob), or NULL */
};

/** A frontend's memory seen by a driver: [guest, +size) at local. */
struct grant {
	int frontend, driver;
	uint64_t guest, size, local;
	bool window; /* a dma-window, not all its memory */
};

/** Where a node or property was written (first of its definitions). */
struct srcpos_at {
	char *file;
	int line;
};

struct srcpos {
	char *path; /* node path, or "NODE:PROPERTY" */
	struct srcpos_at first, last;
	int count; /* definitions dtc merged into this node */
};

/** A directory searched for #include; platform dirs hold platforms. */
struct search_dir {
	const char *path;
	bool platform;
};

struct compile_opts {
	const char *dts;
	const struct search_dir *dirs;
	int ndirs;
	int nplat; /* how many of them are platform dirs */
};

/** Bounds on cpp and dtc, so that no config can hang or flood the build. */
struct limits {
	unsigned cpu_s, wall_s;
	uint64_t mem, out;
};

extern const struct limits tool_limits;

struct config {
	const char *file;     /* the config as the user named it */
	const char *source;   /* the config as given to cpp */
	const void *fdt;      /* the compiled config, NULL in unit tests */
	const void *platform; /* the platform alone, NULL if not compiled */
	char *platform_file;
	struct tree tree; /* over fdt */
	bool *in_config;  /* per tree node: under the config's own nodes */
	const char *out;  /* where generated files go, NULL when checking */
	const char *const *image_dirs;
	int nimage_dirs;
	const char *config_dir; /* explicit image paths are relative to it */

	struct pcpu *cpu;
	int ncpus;
	struct region *ram;
	int nram;
	struct region *rsv; /* the platform's /memreserve/ entries */
	int nrsv;
	struct pdev *dev;
	int ndevs, dev_cap;
	struct node_reg *node_reg; /* every register window but RAM's */
	int nnode_regs, node_reg_cap;

	uint64_t gicd, gicd_size;
	uint64_t gicr, gicr_stride;
	uint32_t gic_intids; /* INTIDs 0..gic_intids-1 exist */
	int gic_node;	     /* tree index, -1 if none */
	int console;	     /* pdev index of the core's UART */
	struct region hyp;
	bool has_hyp; /* /hypervisor gave its memory */
	int boot_cpu;

	struct part *part;
	int nparts;

	/* Results of layout. */
	uint32_t addr_bits;
	uint32_t pt_pages;
	struct region *hyp_dev; /* device windows the core maps */
	int nhyp_dev, hyp_dev_cap;

	struct srcpos *srcpos;
	int nsrcpos, srcpos_cap;
	char **deps; /* files the outputs depend on */
	int ndeps, deps_cap;
	char **errors;
	int nerrors, errors_cap;

	/* Virtio devices and what the core shares (virtio.c). */
	struct vdev *vdev;
	int nvdevs, vdev_cap;
	struct grant *grant;
	int ngrants, grant_cap;
	int con_driver; /* partition draining the console rings, -1 */
	uint64_t shared_base, shared_size, rings_pa;
	struct disk *disk;
	int ndisks, disk_cap;
};

/* diag.c: errors name the file and line, the node and the reason. */
void diag(struct config *c, const char *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_prop(struct config *c, const char *node, const char *prop,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_file(struct config *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Like diag(), at the node's last definition (a config's, after the
 * platform's). */
void diag_last(struct config *c, const char *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* @path relative to the working directory when it lies below it. */
const char *display_path(const char *path);
void diag_print(const struct config *c);
void diag_free(struct config *c);
const char *shown_file(const struct config *c, const char *file);

/* dtc.c: preprocess and compile; sets c->fdt, c->platform and positions. */
int dts_compile(struct config *c, const struct compile_opts *o);
/*
 * Run argv within @l; what it prints on stderr is passed on unless a limit
 * explains the failure (then that is the error). @out: its output file, to
 * tell a full output. 0 if it succeeded, 1 if it failed, -1 on a limit.
 */
int run_limited(struct config *c, char *const argv[], const struct limits *l,
		const char *out);

/* srcpos.c: which files, which platform, where each node was written. */
int scan_line_markers(struct config *c, const struct compile_opts *o,
		      const char *pp);
void srcpos_read(struct config *c, const char *annotated);
const struct srcpos *srcpos_find(const struct config *c, const char *path);
void srcpos_free(struct config *c);

/* platform.c: the config may add its own nodes, and change nothing else. */
void platform_check(struct config *c);

/* parse.c: DTB -> model. Reports structural errors through diag(). */
void config_parse(struct config *c, const void *fdt);
bool config_node_allowed(const char *name);
/* Everything the model allocated (not the blobs fdt and platform). */
void config_free(struct config *c);

/* validate.c: semantic checks on the model. */
void config_validate(struct config *c);
const char *cpu_name(const struct config *c, int cpu);
struct region page_round(struct region r);

/* imgpath.c: which file an image or initrd name means. */
char *image_resolve(struct config *c, const struct part *p, const char *prop,
		    const char *name, bool *explicit_path);

/* image.c: decide where each blob goes. */
void config_place(struct config *c);
bool place_image(struct config *c, struct part *p, const char *file,
		 const unsigned char *buf, size_t len);
uint64_t part_ipa_to_pa(const struct part *p, uint64_t ipa, uint64_t size,
			bool *ok);

/* guestdt.c: build partition @pi's device tree into p->dtb. */
void guest_dt_build(struct config *c, int pi);

/* layout.c: address size, the core's device windows, table pool size. */
void config_layout(struct config *c);
uint64_t load_footprint(const struct load *l); /* bytes in the core image */

/* virtio.c: virtio devices, their windows, interrupts, grants, pages. */
void virtio_parse(struct config *c, struct part *p, int node);
void disks_parse(struct config *c, struct part *p, int node);
void virtio_assign(struct config *c);
uint64_t virtio_layout(struct config *c, uint64_t base);
uint64_t grant_pa(const struct config *c, const struct grant *g);
uint32_t con_ring_pages(const struct config *c);
int cpu_slots(const struct config *c, int *slot_cpu); /* slot_cpu may be NULL */
void virtio_free(struct config *c);
/* The pure rules of disks and slices (bytes; virtio.c). */
bool disk_size_ok(uint64_t size);
bool slice_ok(struct region slice, uint64_t disk_size);
bool slices_clash(struct region a, bool a_ro, struct region b, bool b_ro);

/*
 * spis.c: the SPIs the platform's nodes name (interrupts, the GIC entries
 * of interrupts-extended and interrupt-map), one flag per INTID below
 * c->gic_intids; a node whose specifiers cannot be read is an error.
 * spi_take() gives out one nobody uses yet and marks it: the lowest for
 * a virtual-mode partition, the highest for a direct one (whose virtual
 * SPIs, vspi.edge VSPI_DOORBELL, are real SPIs no device may raise); 0
 * and an error naming @node when none is left.
 */
bool *spis_used(struct config *c);
uint32_t spi_take(struct config *c, bool *used, bool direct, const char *node);

/* gen.c: write the generated sources and the build report. */
int gen_config_c(const struct config *c, const char *path);
int gen_images_s(const struct config *c, const char *path);
int gen_layout_ld(const struct config *c, const char *path);
int gen_report(const struct config *c, const char *path);
int gen_disks(const struct config *c, const char *path);
int gen_depfile(const struct config *c, const char *path, const char *target);

/* report.c: append the linked core's sizes to the report. */
int report_elf(const char *elf, const char *in, const char *report, bool quiet);
