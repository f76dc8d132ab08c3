// SPDX-License-Identifier: MIT
/*
 * Notification suppression and restarts of split virtqueues
 * (userland-drivers/lib/virtq.c) against a fake frontend
 * (fake_frontend.h): interrupt decisions by flags and by used_event
 * across the index wrap, kicks by flags and by avail_event, the re-check
 * after re-enabling kicks (at a chosen barrier, and with a frontend
 * thread racing the device), and resuming a running queue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <cmocka.h>

#include "fake_frontend.h"

static void interrupts_by_flags(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	fe_set_desc(f, f->desc, 0, fe_buf(f, 0), 4, 0, 0);
	assert_false(virtq_need_interrupt(&f->q)); /* nothing pushed */
	fe_publish(f, 0);
	fe_publish(f, 0);
	assert_int_equal(fe_pop(f), 1);
	assert_int_equal(fe_pop(f), 1);
	assert_int_equal(virtq_push(&f->q, 0, 0), 0);
	assert_true(virtq_need_interrupt(&f->q));
	assert_false(virtq_need_interrupt(&f->q));
	fe_w16(f, f->avail, VIRTQ_AVAIL_F_NO_INTERRUPT);
	assert_int_equal(virtq_push(&f->q, 0, 0), 0);
	assert_false(virtq_need_interrupt(&f->q));
	fe_free(f);
}

/* Complete @k more chains, then ask whether to interrupt. */
static bool push_and_ask(struct fe *f, u16 k)
{
	fe_set_desc(f, f->desc, 0, fe_buf(f, 0), 4, 0, 0);
	for (u16 i = 0; i < k; i++) {
		fe_publish(f, 0);
		assert_int_equal(fe_pop(f), 1);
		assert_int_equal(virtq_push(&f->q, 0, 0), 0);
	}
	return virtq_need_interrupt(&f->q);
}

static void interrupts_by_event_idx(void **state)
{
	struct fe *f = fe_up(8, true, false);

	(void)state;
	/* §2.7.7: notify when used->idx passes used_event. Flags ignored. */
	fe_w16(f, f->avail, VIRTQ_AVAIL_F_NO_INTERRUPT);
	fe_set_used_event(f, 1);
	assert_false(push_and_ask(f, 1)); /* 0 -> 1 */
	assert_true(push_and_ask(f, 1));  /* 1 -> 2 passes 1 */
	fe_set_used_event(f, 1);
	assert_false(push_and_ask(f, 3)); /* 2 -> 5: 1 already signalled */
	fe_set_used_event(f, 5);
	assert_false(push_and_ask(f, 0));
	assert_true(push_and_ask(f, 1)); /* 5 -> 6 writes entry 5 */
	fe_set_used_event(f, 7);
	assert_true(push_and_ask(f, 3)); /* 6 -> 9 passes 7 */
	fe_free(f);

	/* Around the wrap: resume at 65534. */
	f = fe_new(8, true, false);
	fe_w16(f, f->used + 2, 65534);
	f->idx = 65534;
	fe_w16(f, f->avail + 2, f->idx);
	assert_int_equal(virtq_resume(&f->q, &f->cfg, f->reg, 2), 0);
	fe_set_used_event(f, 40000);
	assert_true(push_and_ask(f, 1)); /* first after a resume */
	fe_set_used_event(f, 65535);
	assert_false(push_and_ask(f, 0));
	assert_true(push_and_ask(f, 2)); /* 65535 -> 1 passes 65535 */
	fe_set_used_event(f, 1);
	assert_true(push_and_ask(f, 1)); /* 1 -> 2 passes 1 */
	fe_set_used_event(f, 65535);
	assert_false(push_and_ask(f, 2)); /* 2 -> 4 */
	fe_free(f);
}

static void kicks_by_flags(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	fe_set_desc(f, f->desc, 0, fe_buf(f, 0), 4, 0, 0);
	assert_int_equal(fe_r16(f, f->used), 0);
	virtq_kicks_off(&f->q);
	assert_int_equal(fe_r16(f, f->used), VIRTQ_USED_F_NO_NOTIFY);
	assert_false(virtq_kicks_on(&f->q));
	assert_int_equal(fe_r16(f, f->used), 0);
	/* An entry published while kicks were off is found on re-enable. */
	virtq_kicks_off(&f->q);
	assert_int_equal(fe_pop(f), 0);
	fe_publish(f, 0);
	assert_true(virtq_kicks_on(&f->q));
	assert_int_equal(fe_r16(f, f->used), 0);
	assert_int_equal(fe_pop(f), 1);
	/* The drain helper: kicks off while it finds chains, on when not. */
	fe_publish(f, 0);
	fe_publish(f, 0);
	assert_int_equal(virtq_next(&f->q, &f->c), 1);
	assert_int_equal(fe_r16(f, f->used), VIRTQ_USED_F_NO_NOTIFY);
	assert_int_equal(virtq_next(&f->q, &f->c), 1);
	assert_int_equal(virtq_next(&f->q, &f->c), 0);
	assert_int_equal(fe_r16(f, f->used), 0);
	fe_free(f);
}

static void kicks_by_event_idx(void **state)
{
	struct fe *f = fe_up(8, true, false);

	(void)state;
	fe_set_desc(f, f->desc, 0, fe_buf(f, 0), 4, 0, 0);
	assert_int_equal(fe_avail_event(f), 0);
	fe_publish(f, 0);
	fe_publish(f, 0);
	assert_int_equal(virtq_next(&f->q, &f->c), 1);
	assert_int_equal(virtq_next(&f->q, &f->c), 1);
	assert_int_equal(virtq_next(&f->q, &f->c), 0);
	/* Kick me when entry 2 is published; flags stay 0 (§2.7.10). */
	assert_int_equal(fe_avail_event(f), 2);
	assert_int_equal(fe_r16(f, f->used), 0);
	virtq_kicks_off(&f->q);
	assert_int_equal(fe_r16(f, f->used), 0);
	fe_publish(f, 0);
	assert_true(virtq_kicks_on(&f->q));
	fe_free(f);
}

static struct fe *hooked;
static bool hook_kicked;

static void publish_1_behind(void)
{
	hook_kicked = fe_publish_kick(hooked, 1);
}

/*
 * The frontend publishes right after virtq_next() found the ring empty
 * and before it re-enabled kicks: the frontend sees kicks off and does not
 * kick, so the device must find the chain by re-checking (§2.7.10).
 */
static void recheck_after_kicks_on(void **state)
{
	(void)state;
	for (int event_idx = 0; event_idx < 2; event_idx++) {
		struct fe *f = fe_up(8, event_idx, false);

		fe_set_desc(f, f->desc, 0, fe_buf(f, 0), 4, 0, 0);
		fe_set_desc(f, f->desc, 1, fe_buf(f, 1), 4, 0, 0);
		fe_publish(f, 0);
		assert_int_equal(virtq_next(&f->q, &f->c), 1);
		hooked = f;
		rmb_countdown = 1; /* the next read of avail->idx */
		rmb_hook = publish_1_behind;
		assert_int_equal(virtq_next(&f->q, &f->c), 1);
		rmb_hook = NULL;
		assert_int_equal(rmb_countdown, 0);
		assert_false(hook_kicked);
		assert_int_equal(f->c.head, 1);
		/* Drained: kicks are on again, and the next chain kicks. */
		assert_int_equal(virtq_next(&f->q, &f->c), 0);
		assert_true(fe_publish_kick(f, 0));
		fe_free(f);
	}
}

/*
 * Two threads: a frontend publishing chains and kicking only when the
 * device asks (flags or avail_event, after a full barrier, as Linux
 * does), and a device that sleeps until kicked and drains with
 * virtq_next(). A kick lost between the device's last pop and its
 * re-enabling would leave both waiting: the test fails on a timeout. The
 * window is narrow, so this is a smoke test of the protocol under real
 * concurrency; recheck_after_kicks_on hits the window every time.
 */
#define RACE_CHAINS 20000U
#define RACE_STUCK 10 /* seconds without progress: a lost kick */

struct race {
	struct fe *f;
	u32 kicks;
	u32 done;
};

/* Yield, or false once @t0 is RACE_STUCK seconds ago. */
static bool keep_waiting(time_t t0)
{
	if (time(NULL) - t0 >= RACE_STUCK)
		return false;
	sched_yield();
	return true;
}

static u16 load16(struct fe *f, u64 g)
{
	return __atomic_load_n((u16 *)(void *)fe_loc(f, g), __ATOMIC_ACQUIRE);
}

static void *race_frontend(void *arg)
{
	struct race *r = arg;
	struct fe *f = r->f;

	for (u32 i = 0; i < RACE_CHAINS; i++) {
		time_t t0 = time(NULL);

		while ((u16)(i - load16(f, f->used + 2)) >= f->n)
			if (!keep_waiting(t0))
				return NULL;
		fe_set_desc(f, f->desc, i % f->n, fe_buf(f, 0), 4, 0, 0);
		if (fe_publish_kick(f, (u16)(i % f->n)))
			__atomic_fetch_add(&r->kicks, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

/* Wait for a kick after the @seen first; false if none comes. */
static bool wait_kick(const struct race *r, u32 seen)
{
	time_t t0 = time(NULL);

	while (__atomic_load_n(&r->kicks, __ATOMIC_SEQ_CST) == seen)
		if (!keep_waiting(t0))
			return false;
	return true;
}

static void race(bool event_idx)
{
	struct race r = { .f = fe_up(4, event_idx, false) };
	u32 seen = 0;
	pthread_t t;
	int rc;

	assert_int_equal(pthread_create(&t, NULL, race_frontend, &r), 0);
	while (r.done < RACE_CHAINS && wait_kick(&r, seen)) {
		seen = __atomic_load_n(&r.kicks, __ATOMIC_SEQ_CST);
		while ((rc = virtq_next(&r.f->q, &r.f->c)) > 0) {
			assert_int_equal(virtq_push(&r.f->q, r.f->c.head, 0),
					 0);
			r.done++;
		}
		assert_int_equal(rc, 0);
	}
	pthread_join(t, NULL);
	assert_int_equal(r.done, RACE_CHAINS);
	fe_free(r.f);
}

static void no_lost_kicks(void **state)
{
	(void)state;
	race(false);
	race(true);
}

static void resume(void **state)
{
	struct fe *f = fe_up(8, false, false);

	(void)state;
	for (u16 i = 0; i < 4; i++) {
		fe_set_desc(f, f->desc, i, fe_buf(f, i), 4, 0, 0);
		fe_publish(f, i);
	}
	for (u16 i = 0; i < 3; i++)
		assert_int_equal(fe_pop(f), 1);
	assert_int_equal(virtq_push(&f->q, 0, 0), 0);
	virtq_kicks_off(&f->q);
	/* The driver restarts: 1 and 2 were popped, not completed. */
	memset(&f->q, 0xa5, sizeof(f->q));
	assert_int_equal(virtq_resume(&f->q, &f->cfg, f->reg, 2), 0);
	assert_int_equal(fe_r16(f, f->used), 0); /* kicks back on */
	for (u16 i = 1; i < 4; i++) {
		assert_int_equal(fe_pop(f), 1);
		assert_int_equal(f->c.head, i);
		assert_int_equal(virtq_push(&f->q, i, 0), 0);
	}
	assert_int_equal(fe_pop(f), 0);
	assert_int_equal(fe_r16(f, f->used + 2), 4);
	assert_int_equal(fe_r32(f, f->used + 4 + 8 * 3), 3);
	fe_free(f);

	/* More outstanding than the queue holds. */
	f = fe_new(8, false, false);
	fe_w16(f, f->used + 2, 100);
	fe_w16(f, f->avail + 2, 109);
	assert_int_equal(virtq_resume(&f->q, &f->cfg, f->reg, 2),
			 VIRTQ_E_RESUME_IDX);
	fe_check_broken(f, VIRTQ_E_RESUME_IDX, 100, 109);
	fe_w16(f, f->avail + 2, 99);
	assert_int_equal(virtq_resume(&f->q, &f->cfg, f->reg, 2),
			 VIRTQ_E_RESUME_IDX);
	fe_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(interrupts_by_flags),
		cmocka_unit_test(interrupts_by_event_idx),
		cmocka_unit_test(kicks_by_flags),
		cmocka_unit_test(kicks_by_event_idx),
		cmocka_unit_test(recheck_after_kicks_on),
		cmocka_unit_test(no_lost_kicks),
		cmocka_unit_test(resume),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
