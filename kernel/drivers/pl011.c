// SPDX-License-Identifier: MIT
/*
 * Transmit-only PL011 driver for the core's console (ARM DDI 0183: UARTDR
 * at 0x000, UARTFR at 0x018 with TXFF = bit 5). The UART is used as the
 * firmware (or QEMU) left it configured; the core never reads from it.
 *
 * The wait for FIFO space is bounded: a partition granted the same UART
 * could disable it or stall it with flow control, and the core must not
 * spin forever on its behalf (it holds the console lock meanwhile). Once a
 * character times out, output is dropped without waiting until the FIFO
 * has room again.
 */
#include <bulkhead/arch.h>
#include <bulkhead/console.h>

#define UARTDR 0x000U
#define UARTFR 0x018U
#define UARTFR_TXFF (1U << 5)
#define TXFF_SPINS 200000 /* about a millisecond or more on hardware */

static bool stuck;

void uart_write(u64 base, const char *s, size_t n)
{
	volatile u32 *dr = (volatile u32 *)(base + UARTDR);
	volatile const u32 *fr = (volatile const u32 *)(base + UARTFR);

	for (; n; n--, s++) {
		u32 spins = 0;

		while ((*fr & UARTFR_TXFF) != 0U) {
			if (stuck || ++spins == TXFF_SPINS) {
				stuck = true;
				return;
			}
			arch_relax();
		}
		stuck = false;
		*dr = (u8)*s;
	}
}
