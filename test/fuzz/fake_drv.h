/* SPDX-License-Identifier: MIT */
/*
 * The driver runtime (userland-drivers/runtime/drv.h) as the fuzz targets
 * of a device model see it, the parts they share: the devices, the
 * model's set-up and its idle function caught (drv_run() jumps back to
 * the target instead of serving), and what needs no checking. Included
 * once by the target, after the model's source; each target fakes the
 * queues, the resets and the failures itself.
 */
#pragma once

#include <setjmp.h>

#include "drv.h"
#include "fuzz_check.h"

struct drv_dev drv_devs[DRV_MAX_DEVS];
u32 drv_ndevs;
u32 drv_doorbells;
static const struct drv_ops *model; /* the model drv_init() was given */
static bool (*idle_fn)(bool);	    /* and its idle function */
static jmp_buf back;		    /* where drv_run() returns to */

u32 drv_init(const struct drv_ops *const *ops, u32 nops)
{
	check(nops == 1);
	model = ops[0];
	for (u32 i = 0; i < drv_ndevs; i++)
		drv_devs[i].ops = model;
	return drv_ndevs;
}

void drv_run(bool (*idle)(bool sleep), u64 poll)
{
	(void)poll;
	idle_fn = idle;
	longjmp(back, 1);
}

void drv_notify(struct drv_dev *d, u32 q)
{
	(void)d;
	(void)q;
}

void drv_set_irq_hook(void (*fn)(uint32_t intid))
{
	(void)fn;
}

/* Resets are synchronous in the targets: never one pending. */
bool drv_stale(const struct drv_dev *d)
{
	(void)d;
	return false;
}

uint64_t rt_arg(const char *key, uint64_t dflt)
{
	(void)key;
	return dflt;
}

uint64_t rt_frequency(void)
{
	return 62500000;
}

const void *rt_dtb(void)
{
	return NULL;
}

void rt_irq_config(uint32_t intid, uint8_t prio, bool enable)
{
	(void)intid;
	(void)prio;
	(void)enable;
}
