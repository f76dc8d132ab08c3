// SPDX-License-Identifier: MIT
/*
 * Picking SPIs that nothing drives, for interrupts the core raises
 * itself: a virtual SPI (a virtio device's interrupt to its frontend, a
 * driver partition's doorbell) is an INTID of its own in the core's SPI
 * table, and for a partition in direct interrupt mode it must be a real
 * SPI of the GIC, which the core sets pending in the distributor and the
 * partition takes with no exit (vspi.edge VSPI_DOORBELL). No device may
 * share it: a level interrupt from a device would raise it too. So the
 * candidates are the platform GIC's SPIs (bulkhead,nr-interrupts) that
 * no node of the platform names in its "interrupts", given out from the
 * top of the range down, away from where boards wire their devices.
 */
#include <libfdt.h>

#include "bhconfig.h"

/* Does a node of the platform name SPI @intid as one of its interrupts?
 * Three-cell specifiers <type number flags> of the GIC, type 0: SPI; a
 * node's "interrupts" is read as such whoever its interrupt parent is,
 * which can only set aside more SPIs than needed. (board.c refuses
 * devices whose interrupts are not GIC triples; interrupts-extended is
 * not read.) */
static bool wired(const struct config *c, uint32_t intid)
{
	for (int i = 0; i < c->tree.count; i++) {
		int len;
		const fdt32_t *v = fdt_getprop(c->fdt, c->tree.n[i].off,
					       "interrupts", &len);

		if (c->in_config && c->in_config[i])
			continue;
		for (int k = 0; v && k + 3 <= len / 4; k += 3)
			if (fdt32_to_cpu(v[k]) == 0 &&
			    fdt32_to_cpu(v[k + 1]) + 32 == intid)
				return true;
	}
	return false;
}

uint32_t spi_unwired(const struct config *c, uint8_t *taken)
{
	for (uint32_t s = c->gic_intids; s-- > 32;) {
		if (taken[s / 8] & (1U << (s % 8)) || wired(c, s))
			continue;
		taken[s / 8] |= (uint8_t)(1U << (s % 8));
		return s;
	}
	return 0;
}
