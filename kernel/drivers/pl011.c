// SPDX-License-Identifier: MIT
/*
 * Transmit-only PL011 driver for the core's console (ARM DDI 0183: UARTDR
 * at 0x000, UARTFR at 0x018 with TXFF = bit 5). The UART is used as the
 * firmware (or QEMU) left it configured; the core never reads from it.
 */
#include <bulkhead/console.h>

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTFR_TXFF (1U << 5)

void uart_write(u64 base, const char *s, size_t n)
{
	volatile u32 *dr = (volatile u32 *)(base + UARTDR);
	volatile const u32 *fr = (volatile const u32 *)(base + UARTFR);

	while (n--) {
		while (*fr & UARTFR_TXFF)
			;
		*dr = (u8)*s++;
	}
}
