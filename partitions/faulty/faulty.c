// SPDX-License-Identifier: MIT
/*
 * faulty: misbehaves on purpose. After a few lines it writes outside its
 * memory (to guest address bad=ADDR, default 0x7f000000), which Bulkhead
 * must catch as a stage-2 fault and handle with the partition's policy. If
 * it finds itself restarted (boot count > 1) it reports that and powers
 * off instead, so a restart test ends on its own.
 * Boot arguments: lines=N (default 3), period=MS (default 100), bad=ADDR,
 * mode=0 (write outside memory, the default), 1 (read the EL1 physical
 * timer, which was not granted: CNTHCTL_EL2.EL1PCEN traps it to the core,
 * which has no handler for it), 2 (an SMC the core does not know: must
 * just return NOT_SUPPORTED, then the guest carries on to mode 0).
 */
#include <stdint.h>

#include "rt.h"

void guest_main(void)
{
	struct rt_whoami w = { .boots = 1 };
	uint64_t lines = rt_arg("lines", 3), period = rt_arg("period", 100);
	volatile uint64_t *bad = (volatile uint64_t *)rt_arg("bad", 0x7f000000);

	rt_whoami(&w);
	if (w.boots > 1) {
		printf("restarted (boot %u): behaving now\n", w.boots);
		rt_delay_us(period * 1000);
		rt_system_off();
	}
	for (uint64_t n = 1; n <= lines; n++) {
		printf("line %lu of %lu before the bad write\n", n, lines);
		rt_delay_us(period * 1000);
	}
	if (rt_arg("mode", 0) == 1) {
		uint64_t v;

		printf("reading the physical timer (CNTP_CTL_EL0)\n");
		__asm__ volatile("mrs %0, cntp_ctl_el0" : "=r"(v));
		printf("FAIL: the physical timer read returned 0x%lx\n", v);
		rt_system_off();
	}
	if (rt_arg("mode", 0) == 2) {
		int64_t r = rt_psci(0xc2000000, 0, 0, 0);

		printf("unknown SMC returned %ld (%s)\n", r,
		       r == -1 ? "NOT_SUPPORTED, good" : "FAIL");
	}
	printf("writing to 0x%lx, outside my memory\n", (uint64_t)bad);
	*bad = 0xbad;
	printf("FAIL: the write outside my memory went through\n");
	rt_system_off();
}
