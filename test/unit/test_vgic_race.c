// SPDX-License-Identifier: MIT
/*
 * Two partitions hold and let go of their own SPIs at the same time, on
 * two host threads, through the virtual GIC's real code (kernel/core/
 * vgic.c) and an atomic fake GIC. SPI 48 (partition a) and SPI 56
 * (partition b) share a 32-bit word of the distributor's bit registers:
 * any state kept per word and guarded by a per-partition lock is a data
 * race here, which ThreadSanitizer (this test's build) reports whether or
 * not an update is lost in a given run. Each thread also checks, every
 * round, that its own SPI's enable state is what its own writes made it.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <bulkhead/partition.h>

#include "fake_gic.h"

#define ROUNDS 100000

static const u8 a_slots[] = { 1, 2 }, b_slots[] = { 3 };
const struct part_config part_configs[] = {
	{ .name = "a", .nvcpus = 2, .vcpu_slot = a_slots },
	{ .name = "b", .nvcpus = 1, .vcpu_slot = b_slots },
};
const u32 nr_partitions = 2;
const struct cpu_config cpu_configs[] = {
	{ .mpidr = 0x0, .part = -1 },
	{ .mpidr = 0x1, .part = 0, .vcpu = 0 },
	{ .mpidr = 0x2, .part = 0, .vcpu = 1 },
	{ .mpidr = 0x103, .part = 1, .vcpu = 0 },
};
const u32 nr_cpus = 4;
const struct plat_config plat = { .gicd = 0x08000000,
				  .gicr = 0x080a0000,
				  .gicr_stride = 0x20000 };
struct partition partitions[2];
struct cpu percpu[4];
struct vspi vspis[32];
const u32 nr_vspis = 32;

struct vcpu *partition_vcpu(const struct partition *p, u32 id)
{
	return id < p->cfg->nvcpus ? &percpu[p->cfg->vcpu_slot[id]].vcpu : NULL;
}

void vcpu_request(struct vcpu *v, u32 req)
{
	(void)v;
	(void)req;
}

static u32 dist(struct vcpu *v, u32 off, bool write, u32 val)
{
	struct mmio_access a = {
		.offset = off, .size = 4, .write = write, .value = val
	};

	vgic_mmio(v, plat.gicd + off, &a);
	return (u32)a.value;
}

struct worker {
	struct vcpu *v; /* a vCPU of the partition that owns @intid */
	u32 intid;
	u32 lost; /* rounds whose end state was not what the thread made */
};

/* One round of the supported hold path, then the guest enabling it again:
 * a parked CPU takes the SPI (its vCPU is off), the core holds it, the
 * guest writes ISENABLER, which lets it go. */
static void *hold_loop(void *arg)
{
	struct worker *w = arg;
	u32 bit = 1U << (w->intid % 32), word = w->intid / 32 * 4;

	for (u32 i = 0; i < ROUNDS; i++) {
		dist(w->v, GICD_ISENABLER + word, true, bit);
		__atomic_fetch_or(&fake_gic.gicd[(GICD_ISACTIVER + word) / 4],
				  bit, __ATOMIC_SEQ_CST);
		vgic_hold_spi(w->intid);
		__atomic_fetch_and(&fake_gic.gicd[(GICD_ISACTIVER + word) / 4],
				   ~bit, __ATOMIC_SEQ_CST);
		/* Held: off physically, on to the guest. */
		if ((arch_gicd_read(GICD_ISENABLER + word) & bit) ||
		    !(dist(w->v, GICD_ISENABLER + word, false, 0) & bit))
			w->lost++;
		dist(w->v, GICD_ISENABLER + word, true, bit);
		/* Let go: on physically and to the guest. */
		if (!(arch_gicd_read(GICD_ISENABLER + word) & bit) ||
		    !(dist(w->v, GICD_ISENABLER + word, false, 0) & bit))
			w->lost++;
	}
	return NULL;
}

static void holds_on_a_shared_word(void **state)
{
	struct worker wa = { &percpu[1].vcpu, 48, 0 };
	struct worker wb = { &percpu[3].vcpu, 56, 0 };
	pthread_t ta, tb;

	(void)state;
	fake_gic_reset();
	for (u32 i = 0; i < 2; i++) {
		partitions[i].cfg = &part_configs[i];
		partitions[i].index = i;
	}
	for (u32 s = 0; s < 4; s++) {
		percpu[s].slot = s;
		percpu[s].cfg = &cpu_configs[s];
		if (cpu_configs[s].part >= 0) {
			percpu[s].vcpu.part = &partitions[cpu_configs[s].part];
			percpu[s].vcpu.id = cpu_configs[s].vcpu;
		}
	}
	vspis[48 - 32].part = 1;
	vspis[56 - 32].part = 2;
	/* a routes SPI 48 to its vCPU 1, b keeps SPI 56 on vCPU 0: both
	 * targets are off, so every take is a hold. */
	dist(&percpu[1].vcpu, GICD_IROUTER + 8 * 48, true, 1);
	assert_int_equal(pthread_create(&ta, NULL, hold_loop, &wa), 0);
	assert_int_equal(pthread_create(&tb, NULL, hold_loop, &wb), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_int_equal(wa.lost, 0);
	assert_int_equal(wb.lost, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(holds_on_a_shared_word),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
