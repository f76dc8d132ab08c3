// SPDX-License-Identifier: MIT
/*
 * Virtio-mmio devices in the core (kernel/core/vdev.c) on the host, with
 * the register and state pages in host memory: the register file a
 * frontend reads (banked registers follow their selects, features are
 * negotiated by the core alone, queue set-up freezes once ready, reset
 * clears everything), what the driver sees in the state page (generation,
 * notify counts), doorbells only when armed, interrupts raised only by
 * the device's own driver, and the lifecycle: a frontend's stop resets its
 * devices, a driver's restart changes nothing, a driver's stop leaves
 * them needing a reset; a restarting frontend waits (bounded) for a
 * driver with bus masters to confirm it is done with its memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <bulkhead/abi.h>
#include <bulkhead/arch.h>
#include <bulkhead/atomic.h>
#include <bulkhead/console.h>
#include <bulkhead/partition.h>
#include <bulkhead/vdev.h>

static u8 regs_page[4096] __attribute__((aligned(4096)));
static u8 state_page[4096] __attribute__((aligned(4096)));
static struct bh_driver_page drv_pg;
static const u8 cfg_space[4] = { 1, 2, 3, 4 };

#define FE 0
#define DRV 1
#define WINDOW 0x0a000000UL
#define FEATURES \
	(1UL << VIRTIO_F_VERSION_1 | 1UL << VIRTIO_F_ACCESS_PLATFORM | 1UL << 5)

static const u8 fe_slots[] = { 1 }, drv_slots[] = { 2 };
const struct part_config part_configs[] = {
	{ .name = "linux", .nvcpus = 1, .vcpu_slot = fe_slots },
	{ .name = "condrv",
	  .nvcpus = 1,
	  .vcpu_slot = drv_slots,
	  .drv_page = (u64)&drv_pg,
	  .doorbell = 130,
	  .reset_wait_ms = 70 }, /* its reset-wait-ms */
};
const u32 nr_partitions = 2;
struct partition partitions[2];
struct cpu percpu[3];
const struct vdev_config vdev_configs[] = {
	{ .frontend = FE,
	  .driver = DRV,
	  .nqueues = 2,
	  .config_len = 4,
	  .queue_max = 256,
	  .fe_irq = 129,
	  .device_id = 3,
	  .features = FEATURES,
	  .window = WINDOW,
	  .regs = (u64)regs_page,
	  .state = (u64)state_page,
	  .config = cfg_space },
};
const u32 nr_vdevs = 1;
struct vdev vdevs[1];

static struct vcpu *fe = &percpu[1].vcpu, *drv = &percpu[2].vcpu;
static struct {
	const struct partition *p;
	u32 intid;
	int n;
} raised;
static struct cpu *current;

void vgic_raise_virtual(struct vcpu *v, const struct partition *p, u32 intid)
{
	(void)v;
	raised.p = p;
	raised.intid = intid;
	raised.n++;
}

struct cpu *this_cpu(void)
{
	return current;
}

static u32 st_resets(void);

/* A fake clock: each read is a millisecond later. The driver "answers"
 * the quiesce wait after answer_after relaxes (0: never). */
static u64 now, relaxes, answer_after;
static char said[256];

u64 arch_counter(void)
{
	return now += 1000;
}

u64 arch_counter_hz(void)
{
	return 1000000;
}

void arch_relax(void)
{
	if (++relaxes == answer_after)
		drv_pg.quiesced[0] = st_resets();
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(said, sizeof(said), fmt, ap);
	va_end(ap);
}

/* The shared region (none here: the test's pages are set up by hand). */
void arch_mem_zero(void *p, u64 len)
{
	memset(p, 0, len);
}

const struct plat_config plat;

static u32 st_resets(void)
{
	return ((const struct bh_vdev_state *)state_page)->resets;
}

static u32 rd(u32 off)
{
	return *(u32 *)(regs_page + off);
}

static const struct bh_vdev_state *st(void)
{
	return (const struct bh_vdev_state *)state_page;
}

/* A frontend write through the fault path; true if it was the device's. */
static bool wr(u32 off, u32 val)
{
	struct mmio_access a = { .size = 4, .write = true, .value = val };

	return vdev_mmio(fe, WINDOW + off, &a);
}

static int setup(void **state)
{
	(void)state;
	memset(regs_page, 0, sizeof(regs_page));
	memset(state_page, 0, sizeof(state_page));
	memset(partitions, 0, sizeof(partitions));
	memset(vdevs, 0, sizeof(vdevs));
	memset(&drv_pg, 0, sizeof(drv_pg));
	memset(&raised, 0, sizeof(raised));
	for (u32 i = 0; i < 2; i++) {
		partitions[i].cfg = &part_configs[i];
		partitions[i].index = i;
		percpu[i + 1].vcpu.part = &partitions[i];
		percpu[i + 1].slot = i + 1;
	}
	current = &percpu[1];
	vdev_init();
	return 0;
}

static void probe_reads_without_a_driver(void **state)
{
	(void)state;
	assert_int_equal(rd(VMMIO_MAGIC), VMMIO_MAGIC_VALUE);
	assert_int_equal(rd(VMMIO_VERSION), 2);
	assert_int_equal(rd(VMMIO_DEVICE_ID), 3);
	assert_int_equal(rd(VMMIO_DEVICE_FEATURES), (u32)FEATURES);
	assert_int_equal(rd(VMMIO_STATUS), 0);
	assert_int_equal(rd(VMMIO_QUEUE_NUM_MAX), 256);
	assert_memory_equal(regs_page + VMMIO_CONFIG, cfg_space, 4);
	assert_int_equal(st()->magic, BH_VDEV_MAGIC);
	assert_string_equal(st()->frontend, "linux");
	assert_int_equal(st()->device_features, FEATURES);
	assert_true(wr(VMMIO_DEVICE_FEATURES_SEL, 1));
	assert_int_equal(rd(VMMIO_DEVICE_FEATURES), (u32)(FEATURES >> 32));
	wr(VMMIO_DEVICE_FEATURES_SEL, 7);
	assert_int_equal(rd(VMMIO_DEVICE_FEATURES), 0);
}

static void negotiate(u64 features)
{
	wr(VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VMMIO_DRIVER_FEATURES_SEL, 0);
	wr(VMMIO_DRIVER_FEATURES, (u32)features);
	wr(VMMIO_DRIVER_FEATURES_SEL, 1);
	wr(VMMIO_DRIVER_FEATURES, (u32)(features >> 32));
	wr(VMMIO_STATUS, rd(VMMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
}

/* §3.1.1: FEATURES_OK only for a subset of the offer, with VERSION_1. */
static void features_ok_is_decided_by_the_core(void **state)
{
	(void)state;
	negotiate(FEATURES | 1UL << 6); /* not offered */
	assert_false(rd(VMMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	wr(VMMIO_STATUS, 0);
	negotiate(1UL << VIRTIO_F_ACCESS_PLATFORM); /* no VERSION_1 */
	assert_false(rd(VMMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	wr(VMMIO_STATUS, 0);
	negotiate(1UL << VIRTIO_F_VERSION_1);
	assert_true(rd(VMMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(st()->driver_features, 1UL << VIRTIO_F_VERSION_1);
	/* Features are frozen once accepted. */
	wr(VMMIO_DRIVER_FEATURES_SEL, 0);
	wr(VMMIO_DRIVER_FEATURES, 1U << 5);
	wr(VMMIO_STATUS, rd(VMMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(st()->driver_features, 1UL << VIRTIO_F_VERSION_1);
}

static void queue_setup(void **state)
{
	u32 gen = st()->generation;

	(void)state;
	wr(VMMIO_QUEUE_SEL, 1);
	wr(VMMIO_QUEUE_NUM, 64);
	wr(VMMIO_QUEUE_DESC_LOW, 0x48001000);
	wr(VMMIO_QUEUE_DESC_HIGH, 0x1);
	wr(VMMIO_QUEUE_DRIVER_LOW, 0x48002000);
	wr(VMMIO_QUEUE_DEVICE_LOW, 0x48003000);
	assert_int_equal(rd(VMMIO_QUEUE_NUM), 64);
	assert_int_equal(st()->generation, gen);
	wr(VMMIO_QUEUE_READY, 1);
	assert_int_equal(st()->generation, gen + 1);
	assert_int_equal(st()->queue[1].desc, 0x148001000UL);
	assert_int_equal(st()->queue[1].driver, 0x48002000UL);
	assert_int_equal(st()->queue[1].device, 0x48003000UL);
	assert_int_equal(rd(VMMIO_QUEUE_READY), 1);
	/* Ready: set-up is frozen (§4.2.2.3). */
	wr(VMMIO_QUEUE_DESC_LOW, 0x1000);
	wr(VMMIO_QUEUE_NUM, 8);
	assert_int_equal(st()->queue[1].desc, 0x148001000UL);
	assert_int_equal(st()->queue[1].num, 64);
	/* Queue 0 shows its own (empty) bank; queue 5 does not exist. */
	wr(VMMIO_QUEUE_SEL, 0);
	assert_int_equal(rd(VMMIO_QUEUE_READY), 0);
	assert_int_equal(rd(VMMIO_QUEUE_NUM_MAX), 256);
	wr(VMMIO_QUEUE_SEL, 5);
	assert_int_equal(rd(VMMIO_QUEUE_NUM_MAX), 0);
	wr(VMMIO_QUEUE_READY, 1);
	wr(VMMIO_QUEUE_SEL, 0);
	assert_int_equal(rd(VMMIO_QUEUE_READY), 0);
	/* Reset clears it all. */
	wr(VMMIO_STATUS, 0);
	assert_int_equal(st()->queue[1].ready, 0);
	assert_int_equal(st()->queue[1].desc, 0);
	assert_int_equal(st()->status, 0);
}

/* Kicks are counted; the doorbell rings once per arming. */
static void doorbell_only_when_armed(void **state)
{
	(void)state;
	wr(VMMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(st()->notify[1], 1);
	assert_int_equal(raised.n, 0);
	drv_pg.armed = 1;
	wr(VMMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(raised.n, 1);
	assert_ptr_equal(raised.p, &partitions[DRV]);
	assert_int_equal(raised.intid, 130);
	wr(VMMIO_QUEUE_NOTIFY, 0);
	wr(VMMIO_QUEUE_NOTIFY, 9); /* no such queue: nothing */
	assert_int_equal(raised.n, 1);
	assert_int_equal(st()->notify[0], 1);
	drv_pg.armed = 2;
	wr(VMMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(raised.n, 2);
}

/* Only the serving driver raises the device's interrupt; ACK clears. */
static void interrupts(void **state)
{
	(void)state;
	current = &percpu[2];
	assert_int_equal(vdev_raise(fe, 0, VIRTIO_INT_VRING, false),
			 SMCCC_INVALID_PARAMETER);
	assert_int_equal(vdev_raise(drv, 1, VIRTIO_INT_VRING, false),
			 SMCCC_INVALID_PARAMETER);
	assert_int_equal(vdev_raise(drv, 0, 4, false), SMCCC_INVALID_PARAMETER);
	assert_int_equal(raised.n, 0);
	assert_int_equal(vdev_raise(drv, 0, VIRTIO_INT_VRING, false), 0);
	assert_int_equal(raised.n, 1);
	assert_ptr_equal(raised.p, &partitions[FE]);
	assert_int_equal(raised.intid, 129);
	assert_int_equal(rd(VMMIO_INTERRUPT_STATUS), VIRTIO_INT_VRING);
	current = &percpu[1];
	wr(VMMIO_INTERRUPT_ACK, VIRTIO_INT_VRING);
	assert_int_equal(rd(VMMIO_INTERRUPT_STATUS), 0);
	/* NEEDS_RESET for a device life that is over (the frontend reset
	 * the device since the driver looked): nothing happens. */
	raised.n = 0;
	assert_int_equal(vdev_raise(drv, 0, st_resets() - 1U, true), 0);
	assert_false(rd(VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(raised.n, 0);
	/* NEEDS_RESET for the current life: status bit, configuration
	 * interrupt; a status write keeps it until the frontend resets the
	 * device. */
	assert_int_equal(vdev_raise(drv, 0, st_resets(), true), 0);
	assert_true(rd(VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(rd(VMMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	wr(VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	assert_true(rd(VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	wr(VMMIO_STATUS, 0);
	assert_int_equal(rd(VMMIO_STATUS), 0);
}

/* Reads, other sizes, config space and other windows. */
static void what_is_not_a_register_write(void **state)
{
	struct mmio_access a = { .size = 4, .write = false };
	u32 exits = fe->exits[EXIT_VIRTIO];

	(void)state;
	assert_false(vdev_mmio(fe, WINDOW, &a)); /* reads never fault here */
	a = (struct mmio_access){ .size = 2, .write = true, .value = 5 };
	assert_true(vdev_mmio(fe, WINDOW + VMMIO_STATUS, &a));
	assert_int_equal(rd(VMMIO_STATUS), 0);
	assert_true(wr(VMMIO_CONFIG, 0xffffffff));
	assert_memory_equal(regs_page + VMMIO_CONFIG, cfg_space, 4);
	/* Ignored, but each was an exit, and counted as one. */
	assert_int_equal(fe->exits[EXIT_VIRTIO], exits + 2);
	assert_false(wr(4096, 1));
	a = (struct mmio_access){ .size = 4, .write = true, .value = 1 };
	assert_false(vdev_mmio(drv, WINDOW + VMMIO_STATUS, &a));
}

static void lifecycle(void **state)
{
	u32 gen;

	(void)state;
	negotiate(1UL << VIRTIO_F_VERSION_1);
	wr(VMMIO_QUEUE_SEL, 1);
	wr(VMMIO_QUEUE_READY, 1);
	/* The driver restarts: nothing the frontend can see changes. */
	current = &percpu[2];
	vdev_hooks.stop(&partitions[DRV], PART_RESET);
	assert_true(st()->queue[1].ready);
	assert_false(rd(VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(raised.n, 0);
	/* The driver stops for good: the device needs a reset. */
	vdev_hooks.stop(&partitions[DRV], PART_STOPPED);
	assert_true(rd(VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(raised.n, 1);
	/* The frontend stops: the device is reset, the driver told. */
	current = &percpu[1];
	gen = st()->generation;
	drv_pg.armed = 5;
	vdev_hooks.stop(&partitions[FE], PART_RESET);
	assert_int_equal(st()->status, 0);
	assert_false(st()->queue[1].ready);
	assert_int_equal(st()->generation, gen + 1);
	assert_ptr_equal(raised.p, &partitions[DRV]);
}

/* A restarting frontend's memory is cleared only once its driver
 * confirmed the reset (its page), or it is not running, or the driver's
 * reset-wait-ms (70) went by (reported). */
static void restart_waits_for_the_driver(void **state)
{
	(void)state;
	negotiate(1UL << VIRTIO_F_VERSION_1);
	current = &percpu[1];
	atomic_store(&partitions[DRV].state, PART_RUNNING);
	vdev_hooks.stop(&partitions[FE], PART_RESET);
	/* It answers after three looks. */
	relaxes = 0;
	answer_after = 3;
	said[0] = 0;
	vdev_hooks.clear(&partitions[FE]);
	assert_int_equal(relaxes, 3);
	assert_int_equal(drv_pg.quiesced[0], st_resets());
	assert_string_equal(said, "");
	/* Already confirmed: no wait at all. */
	relaxes = 0;
	vdev_hooks.clear(&partitions[FE]);
	assert_int_equal(relaxes, 0);
	/* It never answers: 70 ms, then a report. */
	vdev_hooks.stop(&partitions[FE], PART_RESET);
	relaxes = 0;
	answer_after = 0;
	vdev_hooks.clear(&partitions[FE]);
	assert_in_range(relaxes, 65, 75);
	assert_non_null(strstr(
		said,
		"linux: condrv did not confirm its device 0 idle within 70 ms"));
	/* A driver that is not running is not waited for. */
	atomic_store(&partitions[DRV].state, PART_STOPPED);
	relaxes = 0;
	said[0] = 0;
	vdev_hooks.clear(&partitions[FE]);
	assert_int_equal(relaxes, 0);
	assert_string_equal(said, "");
}

/* A frontend's Status 0 write returns once the driver confirmed the
 * reset (so no completion of the old life can land in its rings after
 * it), or after at most its reset-wait-ms (70), silently; a stopped driver is
 * not waited for. Other Status writes never wait. */
static void reset_waits_for_the_driver(void **state)
{
	(void)state;
	negotiate(1UL << VIRTIO_F_VERSION_1);
	atomic_store(&partitions[DRV].state, PART_RUNNING);
	relaxes = 0;
	answer_after = 3;
	wr(VMMIO_STATUS, rd(VMMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(relaxes, 0);
	said[0] = 0;
	assert_true(wr(VMMIO_STATUS, 0));
	assert_int_equal(relaxes, 3);
	assert_int_equal(drv_pg.quiesced[0], st_resets());
	/* It never answers: 70 ms at most. */
	relaxes = 0;
	answer_after = 0;
	assert_true(wr(VMMIO_STATUS, 0));
	assert_in_range(relaxes, 65, 75);
	assert_int_not_equal(drv_pg.quiesced[0], st_resets());
	assert_string_equal(said, "");
	/* Not running: not waited for. */
	atomic_store(&partitions[DRV].state, PART_STOPPED);
	relaxes = 0;
	assert_true(wr(VMMIO_STATUS, 0));
	assert_int_equal(relaxes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(probe_reads_without_a_driver, setup),
		cmocka_unit_test_setup(features_ok_is_decided_by_the_core,
				       setup),
		cmocka_unit_test_setup(queue_setup, setup),
		cmocka_unit_test_setup(doorbell_only_when_armed, setup),
		cmocka_unit_test_setup(interrupts, setup),
		cmocka_unit_test_setup(what_is_not_a_register_write, setup),
		cmocka_unit_test_setup(lifecycle, setup),
		cmocka_unit_test_setup(restart_waits_for_the_driver, setup),
		cmocka_unit_test_setup(reset_waits_for_the_driver, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
