// SPDX-License-Identifier: MIT
/*
 * Partition lifecycle. States move RUNNING -> STOPPED | OFF | RESET with a
 * compare-and-swap, so when several vCPUs of one partition fault or call
 * SYSTEM_OFF at once exactly one of them acts and the others just park.
 * Other vCPUs are told through their CPU's mailbox and doorbell; a reset
 * is carried out by the CPU of vCPU 0 once every other vCPU has parked.
 * Nothing here waits on a guest: only on other CPUs running core code.
 */
#include <bulkhead/abi.h>
#include <bulkhead/arch.h>
#include <bulkhead/atomic.h>
#include <bulkhead/console.h>
#include <bulkhead/lib.h>
#include <bulkhead/partition.h>
#include <bulkhead/rng.h>

/*
 * The lifecycle in one place. Each module keeps its own state and says in
 * its struct part_hooks what it does at each step; this file runs the
 * steps, in the order of the table below, and touches none of that state
 * itself.
 *
 *   clear       a restarting partition's memory is about to be cleared,
 *               on vCPU 0's CPU: bus masters that a driver partition
 *               pointed into it are done with it (vdev)
 *   start       partition (re)starts, on vCPU 0's CPU; none of its vCPUs
 *               runs: memory cleared (restart) and images loaded (here),
 *               SPIs configured (vgic), stage 2 open again (stage2)
 *   stop        it left RUNNING (for STOPPED, OFF or RESET), on the CPU
 *               that won the transition; its vCPUs may still be running:
 *               SPIs silenced (vgic); its virtio devices reset, or, for
 *               a driver stopping for good, the devices it serves left
 *               needing a reset (vdev); a direct partition's stage 2
 *               fenced (stage2), so that its vCPUs exit at their next
 *               access even if a doorbell cannot reach them
 *   vcpu_start  a vCPU is about to enter the guest, on its CPU, not yet
 *               ON: virtual interface reset, or for a direct vCPU the
 *               CPU interface and its SGIs and PPIs (vgic), empty line
 *               (console), exit counters zeroed (exits)
 *   vcpu_on     it is ON now: SPIs held for it let go (vgic)
 *   vcpu_park   a vCPU parks, on its CPU, before it is OFF: its line
 *               printed (console), LRs released and timer stopped, a
 *               direct CPU's interface back to the core (vgic), exit
 *               counters printed if its partition stops (exits)
 */
static const struct part_hooks *const hooks[] = {
	&vgic_hooks, &console_hooks, &exits_hooks, &vdev_hooks, &stage2_hooks,
};

#define RUN_HOOKS(step, ...)                                     \
	do {                                                     \
		for (u32 h_ = 0; h_ < ARRAY_SIZE(hooks); h_++) { \
			if (hooks[h_]->step != NULL) {           \
				hooks[h_]->step(__VA_ARGS__);    \
			}                                        \
		}                                                \
	} while (0)

struct vcpu *partition_vcpu(const struct partition *p, u32 id)
{
	if (id >= p->cfg->nvcpus) {
		return NULL;
	}
	return &percpu[p->cfg->vcpu_slot[id]].vcpu;
}

/*
 * A restart is a clean start: the memory of the boot that is gone is
 * cleared before the images are copied in again (the first boot finds it
 * as the machine's loader left it).
 */
static void clear_memory(const struct partition *p)
{
	for (u32 i = 0; i < p->cfg->nmem; i++) {
		arch_mem_zero((void *)p->cfg->mem[i].pa, p->cfg->mem[i].size);
	}
}

static void load_images(struct partition *p)
{
	u32 i;

	for (i = 0; i < p->cfg->nimg; i++) {
		const struct image_load *img = &p->cfg->img[i];

		(void)memcpy((void *)img->pa, img->src, img->size);
		arch_dcache_clean((void *)img->pa, img->size);
	}
	if (p->cfg->rng_seed != 0U) {
		rng_seed_partition(p, (u8 *)p->cfg->rng_seed);
		arch_dcache_clean((void *)p->cfg->rng_seed, 32);
	}
	arch_icache_invalidate();
}

static noreturn void vcpu_start(struct vcpu *v, u64 entry, u64 arg)
{
	arch_vcpu_reset(v, v->part, entry, arg);
	RUN_HOOKS(vcpu_start, v);
	__atomic_store_n(&v->state, VCPU_ON, __ATOMIC_SEQ_CST);
	RUN_HOOKS(vcpu_on, v);
	arch_vcpu_enter(v);
}

noreturn void partition_start(struct partition *p)
{
	struct vcpu *v0 = partition_vcpu(p, 0);

	/* Every vCPU is off and nothing can start one: no CPU_ON of the
	 * last boot survives into this one. */
	for (u32 i = 0; i < p->cfg->nvcpus; i++) {
		atomic_store(&partition_vcpu(p, i)->on_ready, 0);
	}

	u64 hz = arch_counter_hz(), cleared = arch_counter();

	if (p->boots != 0U) {
		RUN_HOOKS(clear, p);
		clear_memory(p);
	}
	cleared = arch_counter() - cleared;
	p->boots++;
	load_images(p);
	RUN_HOOKS(start, p);
	p->cntvoff = arch_counter();
	if (p->boots > 1U) {
		pr("partition %s: started (boot %u) at %lu us, memory cleared in %lu us\n",
		   p->cfg->name, p->boots, p->cntvoff * 1000000U / hz,
		   cleared * 1000000U / hz);
	} else {
		pr("partition %s: started (boot %u) at %lu us\n", p->cfg->name,
		   p->boots, p->cntvoff * 1000000U / hz);
	}
	atomic_store(&p->state, PART_RUNNING);
	vcpu_start(v0, p->cfg->entry, p->cfg->dtb);
}

void vcpu_request(struct vcpu *v, u32 req)
{
	struct cpu *c = container_of(v, struct cpu, vcpu);

	atomic_or(&c->mailbox, req);
	arch_doorbell(c->slot);
}

/* Tell every other vCPU of @self's partition to park. */
static void stop_others(struct vcpu *self)
{
	u32 i;

	for (i = 0; i < self->part->cfg->nvcpus; i++) {
		struct vcpu *v = partition_vcpu(self->part, i);

		if (v != self) {
			vcpu_request(v, REQ_STOP);
		}
	}
}

/* Power the machine off once no partition can run any more. */
static void system_check(void)
{
	u32 i;

	for (i = 0; i < nr_partitions; i++) {
		u32 s = atomic_load(&partitions[i].state);

		if (s == PART_RUNNING || s == PART_RESET) {
			return;
		}
	}
	stack_report();
	pr("no partition is running: system off\n");
	arch_system_off();
}

/*
 * Mark @v off; true if no vCPU of its partition is on or pending any more.
 * Two vCPUs going off at once may both see that; callers act on it through
 * a compare-and-swap of the partition state, so only one does. Runs on
 * @v's own CPU, the only one that moves @v away from ON or PENDING: its
 * interrupts are quiesced first, so that a restart waiting for OFF finds
 * nothing of @v's still being written to the GIC.
 */
static bool vcpu_go_off(struct vcpu *v)
{
	const struct partition *p = v->part;

	if (atomic_load(&v->state) == VCPU_OFF) {
		return false;
	}
	RUN_HOOKS(vcpu_park, v);
	/* Sequentially consistent: of two vCPUs going off at once, at least
	 * one must see the other's store. */
	__atomic_store_n(&v->state, VCPU_OFF, __ATOMIC_SEQ_CST);
	for (u32 i = 0; i < p->cfg->nvcpus; i++) {
		if (__atomic_load_n(&partition_vcpu(p, i)->state,
				    __ATOMIC_SEQ_CST) != VCPU_OFF) {
			return false;
		}
	}
	return true;
}

/*
 * Restart @p here (vCPU 0's CPU) once all its other vCPUs have parked.
 * They were told to stop and only run core code now: a short wait. It
 * takes two passes. A vCPU still running during the first can CPU_ON one
 * already seen off; but once a vCPU has been seen off it cannot run guest
 * code again in this boot (serve_start() wants RUNNING), so after the
 * first pass nobody issues CPU_ON, and the second sees the pending ones
 * through to off.
 */
static noreturn void restart_here(struct partition *p)
{
	for (u32 pass = 0U; pass < 2U; pass++) {
		for (u32 i = 1; i < p->cfg->nvcpus; i++) {
			while (atomic_load(&partition_vcpu(p, i)->state) !=
			       VCPU_OFF) {
				arch_relax();
			}
		}
	}
	partition_start(p);
}

/* Serve a stop request: park, or carry out the reset as vCPU 0. */
static void serve_stop(struct cpu *c)
{
	struct vcpu *v = &c->vcpu;

	(void)vcpu_go_off(v);
	if (v->id == 0U && atomic_load(&v->part->state) == PART_RESET) {
		restart_here(v->part);
	}
}

/* Start @c's vCPU if a CPU_ON for it is complete (a doorbell may come
 * early, between its state turning PENDING and on_ready). */
static void serve_start(struct cpu *c)
{
	struct vcpu *v = &c->vcpu;

	if (atomic_load(&v->state) != VCPU_PENDING ||
	    !atomic_xchg(&v->on_ready, 0)) {
		return;
	}
	if (atomic_load(&v->part->state) != PART_RUNNING) {
		(void)vcpu_go_off(v);
		return;
	}
	vcpu_start(v, v->on_entry, v->on_ctx);
}

noreturn void cpu_park(struct cpu *c)
{
	for (;;) {
		u32 req = atomic_xchg(&c->mailbox, 0);

		if ((req & REQ_STOP) != 0U) {
			serve_stop(c);
		}
		if ((req & REQ_START) != 0U) {
			serve_start(c);
		}
		if (!atomic_load(&c->mailbox)) {
			arch_wait();
		}
		arch_doorbell_ack();
	}
}

void cpu_check_mailbox(struct cpu *c)
{
	u32 req;

	if (!__atomic_load_n(&c->mailbox, __ATOMIC_RELAXED)) {
		return;
	}
	req = atomic_xchg(&c->mailbox, 0);
	if ((req & REQ_STOP) != 0U) {
		serve_stop(c);
		cpu_park(c);
	}
	if ((req & REQ_VIRQ) != 0U) {
		vgic_flush(&c->vcpu);
	}
}

/* Move @v's partition from RUNNING to @to; the winner tells the others
 * (first: the stop hooks may fence them, and a doorbell is the gentler
 * way out). */
static bool transition(struct vcpu *v, u32 to)
{
	if (!atomic_cas(&v->part->state, PART_RUNNING, to)) {
		return false;
	}
	stop_others(v);
	RUN_HOOKS(stop, v->part, to);
	return true;
}

/* The running vCPU @v stops here; its CPU waits for requests. */
static noreturn void park_running(struct vcpu *v)
{
	(void)vcpu_go_off(v);
	cpu_park(this_cpu());
}

static noreturn void halt(struct vcpu *v, u32 to)
{
	if (transition(v, to)) {
		system_check();
	}
	park_running(v);
}

static noreturn void restart(struct vcpu *v)
{
	if (transition(v, PART_RESET) && v->id == 0U) {
		(void)vcpu_go_off(v);
		restart_here(v->part);
	}
	park_running(v);
}

noreturn void partition_fault(struct vcpu *v, const struct fault_info *f)
{
	const struct partition *p = v->part;
	bool again = p->cfg->on_fault == (u8)FAULT_RESTART;
	char ipa[24] = "?";

	/* Its partition is stopping already: this is a vCPU running into
	 * the fence (stage2.c), or a late fault; it just parks. */
	if (atomic_load(&p->state) != PART_RUNNING) {
		park_running(v);
	}
	console_guest_flush(v);
	if (f->ipa != ~0UL) {
		(void)fmt_snprintf(ipa, sizeof(ipa), "0x%lx", f->ipa);
	}
	pr("fault: partition %s vcpu %u: %s; ESR 0x%lx IPA %s VA 0x%lx ELR 0x%lx: %s\n",
	   p->cfg->name, v->id, f->what, f->esr, ipa, f->far, v->regs.elr,
	   again ? "restarting" : "stopped");
	if (again) {
		restart(v);
	}
	halt(v, PART_STOPPED);
}

noreturn void partition_off(struct vcpu *v)
{
	console_guest_flush(v);
	pr("partition %s: off (PSCI SYSTEM_OFF)\n", v->part->cfg->name);
	halt(v, PART_OFF);
}

noreturn void partition_reset(struct vcpu *v)
{
	console_guest_flush(v);
	pr("partition %s: reset (PSCI SYSTEM_RESET)\n", v->part->cfg->name);
	restart(v);
}

s64 partition_cpu_on(struct vcpu *caller, u32 id, u64 entry, u64 ctx)
{
	struct partition *p = caller->part;
	struct vcpu *v = partition_vcpu(p, id);

	/* A partition on its way to stop or restart starts nothing (a race
	 * past this check is caught by serve_start()). DENIED is not among
	 * CPU_ON's return codes (DEN0022, CPU_ON): INTERNAL_FAILURE is. */
	if (atomic_load(&p->state) != PART_RUNNING) {
		return PSCI_INTERNAL_FAILURE;
	}
	if (!atomic_cas(&v->state, VCPU_OFF, VCPU_PENDING)) {
		return atomic_load(&v->state) == VCPU_PENDING ? PSCI_ON_PENDING
							      : PSCI_ALREADY_ON;
	}
	v->on_entry = entry;
	v->on_ctx = ctx;
	atomic_store(&v->on_ready, 1); /* release: publishes the two above */
	vcpu_request(v, REQ_START);
	return PSCI_SUCCESS;
}

noreturn void partition_cpu_off(struct vcpu *v)
{
	struct partition *p = v->part;

	if (vcpu_go_off(v) && atomic_cas(&p->state, PART_RUNNING, PART_OFF)) {
		RUN_HOOKS(stop, p, PART_OFF);
		pr("partition %s: off (last vCPU called PSCI CPU_OFF)\n",
		   p->cfg->name);
		system_check();
	}
	cpu_park(this_cpu());
}

u32 partition_affinity(const struct partition *p, u32 id)
{
	u32 s = atomic_load(&partition_vcpu(p, id)->state);

	return s == VCPU_ON ? 0 : s == VCPU_OFF ? 1 : 2;
}
