/* SPDX-License-Identifier: MIT */
/*
 * bhcheck: the independent check of a linked system image. It shares no
 * code with bhconfig (only libfdt, and the core's public headers for the
 * layout of its tables). Two models meet here:
 *  - "have": what the core will do, read back out of bulkhead.elf through
 *    its symbols and section headers (tables.c): the partitions, their
 *    stage-2 mappings, the copies made at every (re)boot, CPU slots, SPI
 *    owners, the core's own map;
 *  - "want": what the config asks for, derived afresh from the compiled
 *    config and platform DTBs and the image files (dt.c, images.c).
 * prove.c shows the isolation properties on "have" alone; match.c shows
 * that "have" is "want"; guest.c that each partition's device tree
 * describes exactly what it has. A new table (a grant, a virtio window, a
 * doorbell) means: read it into struct have_part, derive it into struct
 * want_part, add its mappings in prove.c's map_of(), compare in match.c.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** [base, base + size) */
struct range {
	uint64_t base, size;
};

bool range_end(struct range r, uint64_t *end);
bool ranges_meet(struct range a, struct range b);
bool range_within(struct range in, struct range out);
void *grow(void *arr, int *cap, int need, size_t size);
char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

/* --- the linked image ---------------------------------------------- */

struct elf;

struct elf *elf_open(const char *path, char **why);
void elf_close(struct elf *e);
/* Address and size of symbol @name; false if absent. */
bool elf_symbol(const struct elf *e, const char *name, uint64_t *addr,
		uint64_t *size);
/* @len bytes at address @addr (one allocated section; NOBITS reads 0). */
bool elf_read(const struct elf *e, uint64_t addr, uint64_t len, void *out);
/* A pointer to @len file-backed bytes at @addr, NULL if not all there. */
const uint8_t *elf_bytes(const struct elf *e, uint64_t addr, uint64_t len);
/* A NUL-terminated string at @addr (malloc'd), NULL if unterminated. */
char *elf_string(const struct elf *e, uint64_t addr);

/* --- what the core will do ("have") ---------------------------------- */

struct map {
	uint64_t pa, ipa, size;
};

struct copy {
	uint64_t src, size, pa;
	char *name;
};

/** An extra stage-2 mapping (part_config.maps): shared pages, grants. */
struct xmap {
	uint64_t ipa, pa, size;
	uint32_t attr; /* enum pt_attr */
};

struct have_part {
	char *name;
	uint32_t nvcpus;
	uint8_t *slot;
	struct map *mem;
	uint32_t nmem;
	struct map *dev;
	uint32_t ndev;
	struct copy *img;
	uint32_t nimg;
	uint64_t entry, dtb, rng_seed;
	uint32_t vmid;
	int on_fault;
	bool uart_granted;
	struct xmap *xmap;
	uint32_t nxmap;
	uint64_t drv_page; /* PA, 0 if none */
	uint32_t doorbell;
	uint32_t reset_wait_ms;
	bool direct; /* interrupt-mode = "direct" */
};

/** A virtio device as the core serves it (vdev_configs). */
struct have_vdev {
	uint32_t frontend, driver, nqueues, config_len;
	uint32_t queue_max, fe_irq, device_id;
	uint64_t features, window, regs, state;
};

struct have_cpu {
	uint64_t mpidr;
	uint32_t phys;
	int32_t part;
	uint32_t vcpu;
};

struct have {
	uint64_t uart, gicd, gicr, gicr_stride, hyp_base, hyp_size;
	uint32_t addr_bits;
	struct map *hyp_dev;
	uint32_t nhyp_dev;
	struct have_part *part;
	uint32_t nparts;
	struct have_cpu *cpu;
	uint32_t ncpus;
	uint8_t *spi_part; /* per INTID - 32: owner + 1, 0 if none */
	uint8_t *spi_edge;
	uint32_t nspis;
	struct have_vdev *vdev;
	uint32_t nvdevs;
	uint64_t shared_base, shared_size, con_rings;
	int32_t con_driver;
	/* the link layout */
	uint64_t core_start, text_end, rodata_end, core_end;
	uint64_t images_start, images_end, hyp_end;
};

/* --- what the config asks for ("want") ------------------------------- */

struct want_copy {
	const char *what; /* "image", "kernel", "initrd" */
	uint64_t ipa, size, memsz;
	const uint8_t *bytes; /* the file's bytes to be copied */
	bool placed;	      /* the IPA is the format's, not a policy's */
};

struct want_dev {
	char *path;
	struct range *reg;
	int nreg;
	uint32_t *spi; /* INTIDs */
	bool *edge;
	int nspi, nppi;
	bool bus_master;
};

/** A virtio device the config declares (a frontend's virtio child). */
struct want_vdev {
	char *path;
	int frontend, driver; /* partition indexes, driver -1 if unknown */
	uint32_t device_id, nqueues;
	bool has_window;
	struct range window; /* frontend IPAs (dma-window) */
};

struct want_part {
	char *name, *path;
	int *cpu; /* platform CPU indexes */
	int ncpus;
	struct range *mem;
	uint64_t *ipa;
	int nmem;
	int *dev; /* want_dev indexes */
	bool *dev_dma_ok;
	int ndev;
	char *image, *initrd;
	bool restart;
	bool direct;
	struct want_copy *copy;
	int ncopies, copy_cap;
	uint64_t entry;
	uint8_t *file_bytes[2]; /* image, initrd (owned) */
	bool hyp_console;
	uint32_t reset_wait_ms; /* 50 unless the config says */
	uint32_t phandle;
};

struct want_cpu {
	char *path;
	uint64_t mpidr;
};

struct want_reg {
	char *path;
	struct range r;
};

struct want {
	struct range *ram;
	int nram;
	struct range *rsv; /* the platform's /memreserve/ entries */
	int nrsv;
	struct want_cpu *cpu;
	int ncpus;
	uint64_t gicd, gicd_size, gicr, gicr_size, gicr_stride;
	uint32_t gic_intids;
	uint8_t spi_wired[1024 / 8]; /* SPIs some platform node names */
	char *spi_unread; /* a platform node whose SPIs cannot be read */
	char *gic_path;
	struct want_reg *regs; /* every platform register window */
	int nregs;
	struct want_dev *dev;
	int ndevs;
	struct range hyp;
	int console; /* want_dev index */
	struct want_part *part;
	int nparts;
	struct want_vdev *vdev;
	int nvdevs;
	int con_driver; /* partition with hypervisor-console, -1 if none */
};

/* --- running the check ------------------------------------------------ */

struct check {
	const char *config; /* shown name of the config, for messages */
	const char *image;
	const char *config_dir;
	const char *const *image_dirs;
	int nimage_dirs;
	struct have h;
	struct want w;
	const struct elf *elf;
	int failures;
	char **msgs; /* every failure's message, for tests */
	int nmsgs, msgs_cap;
	bool quiet; /* record, do not print */
};

/* One failed property: "error: CONFIG: NODE: bhcheck: REASON". */
void check_fail(struct check *k, const char *node, const char *f, ...)
	__attribute__((format(printf, 3, 4)));

/* The physical address of guest @ipa (+@size) in @hp; false: unmapped. */
bool ipa_to_pa(const struct have_part *hp, uint64_t ipa, uint64_t size,
	       uint64_t *pa);

/* The whole check (after elf, image dirs and names are set). */
void check_run(struct check *k, const void *config, const void *platform);
void check_free(struct check *k);

int tables_read(struct check *k); /* tables.c */
void tables_free(struct have *h);
int want_read(struct check *k, const void *config, const void *platform);
void want_free(struct want *w);		     /* dt.c */
void images_derive(struct check *k, int pi); /* images.c */
void prove_all(struct check *k);	     /* prove.c */
void match_all(struct check *k);	     /* match.c */
void guest_check(struct check *k, int pi);   /* guest.c */

/* vdevs.c: virtio devices, shared pages, grants. */
void vdev_check(struct check *k);
/* Is this extra mapping of partition @p one the config accounts for?
 * @kind: "shared" (a page the core shares) or "grant" (memory). */
const char *xmap_kind(const struct check *k, int p, const struct xmap *m);
/* May partitions @a and @b both map physical [pa, +size)? (a grant) */
bool grant_declared(const struct check *k, int a, int b, struct range pa);
/* A node of partition @p's device tree virtio.c put there, checked. */
bool vdev_guest_node(struct check *k, int p, const void *dt, int node);
