// SPDX-License-Identifier: MIT
/*
 * The console driver partition. It owns the physical PL011 (granted to it
 * with `devices`) and everything that reaches the operator goes through
 * it:
 *  - the core's own lines and bare-metal partitions' CONSOLE_WRITE output,
 *    already tagged, from the per-CPU rings the core fills;
 *  - a virtio console (VIRTIO 1.2 §5.3, port 0: receiveq 0, transmitq 1)
 *    for each frontend the config gives it, tagged "[frontend] " here;
 *  - its own messages, tagged "[console] ".
 * Output leaves as whole lines, except from the partition that has the
 * input: its output is shown as it comes (a shell's prompt and echo
 * cannot wait for a newline), on a line of its own, closed as soon as
 * another line must be shown. Bytes outside printable ASCII and tab are
 * shown as \xNN, as the core does; a backspace is passed on only while it
 * erases the focused partition's own output on the current line.
 *
 * Input from the UART goes to one virtio console at a time; Ctrl-] (0x1d)
 * passes it to the next one, and the console says which has it.
 *
 * Test hook: bootargs crash-after=N makes its first boot fault (a write
 * outside its memory) once its frontends have sent it N bytes.
 */
#include <bulkhead/abi.h>
#include <bulkhead/lib.h>

#include "drv.h"
#include "rt.h"

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTIMSC 0x038
#define UARTICR 0x044
#define FR_RXFE (1U << 4)
#define FR_TXFF (1U << 5)
#define IM_RX (1U << 4)
#define IM_RT (1U << 6)
#define SWITCH_KEY 0x1d /* Ctrl-] */
#define LINE 240
#define INPUT 256
#define RECEIVEQ 0
#define TRANSMITQ 1

static u64 uart;
static u32 uart_irq;

/* One virtio console: its frontend's line being assembled, and an
 * escape sequence being read (streamed output). */
struct con {
	char line[LINE];
	u32 len;
	char esc[8];
	u32 esc_len;
};

static struct con cons[DRV_MAX_DEVS];
static struct drv_dev *focus; /* the device input goes to */
static struct drv_dev *open;  /* whose streamed line is on screen */
static u32 open_col;	      /* its bytes after the tag */

static char input[INPUT]; /* received, not yet given to a frontend */
static u32 in_head, in_tail;
static u64 crash_after; /* test hook: 0, or fault after so many bytes */

/* --- the UART ------------------------------------------------------- */

static void uart_put(char c)
{
	while (mmio_read32(uart + UARTFR) & FR_TXFF)
		rt_relax();
	mmio_write32(uart + UARTDR, (u8)c);
}

static void uart_puts(const char *s, size_t n)
{
	while (n--)
		uart_put(*s++);
}

static void uart_rx(void)
{
	while (!(mmio_read32(uart + UARTFR) & FR_RXFE)) {
		char c = (char)mmio_read32(uart + UARTDR);

		if (in_head - in_tail < INPUT)
			input[in_head++ % INPUT] = c;
	}
}

static void uart_irq_hook(uint32_t intid)
{
	if (intid == uart_irq) {
		uart_rx();
		mmio_write32(uart + UARTICR, IM_RX | IM_RT);
	}
}

/* --- output --------------------------------------------------------- */

/* End the focused partition's streamed line, if one is on screen. */
static void close_open(void)
{
	if (open)
		uart_puts("\r\n", 2);
	open = NULL;
}

/* Show @c as the console shows guest bytes; returns its width. */
static u32 put_shown(char c)
{
	static const char hex[] = "0123456789abcdef";
	u8 b = (u8)c;

	if ((b >= 0x20 && b < 0x7f) || b == '\t') {
		uart_put(c);
		return 1;
	}
	uart_put('\\');
	uart_put('x');
	uart_put(hex[b >> 4]);
	uart_put(hex[b & 15]);
	return 4;
}

static void put_tag(const char *name)
{
	uart_put('[');
	uart_puts(name, strlen(name));
	uart_puts("] ", 2);
}

/* A whole line of @name's: "[name] text" CR LF. */
static void line_out(const char *name, const char *s, u32 n)
{
	close_open();
	put_tag(name);
	for (u32 i = 0; i < n; i++)
		put_shown(s[i]);
	uart_puts("\r\n", 2);
}

/* The console's own messages (printf), as "[console] ..." lines. */
static void own_output(const char *s, size_t n)
{
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	line_out("console", s, (u32)n);
}

/*
 * The control sequences a focused partition may send the operator's
 * terminal as they are: a cursor-position query (ESC [ 6 n, which a shell
 * uses to learn the terminal's width) and erase to the end of the line
 * (ESC [ K, ESC [ 0 K). Neither moves the cursor or touches another line.
 */
static bool harmless(const char *e, u32 n)
{
	return (n == 4 && !memcmp(e, "\x1b[6n", 4)) ||
	       (n == 3 && !memcmp(e, "\x1b[K", 3)) ||
	       (n == 4 && !memcmp(e, "\x1b[0K", 4));
}

/* Collect an escape sequence; true while @c belongs to one. */
static bool escape_seq(struct con *c, char ch)
{
	if (!c->esc_len && ch != 0x1b)
		return false;
	c->esc[c->esc_len++] = ch;
	if (c->esc_len == 1 || (c->esc_len == 2 && ch == '['))
		return true;
	if (c->esc_len < sizeof(c->esc) && c->esc[1] == '[' && (u8)ch >= 0x20 &&
	    (u8)ch < 0x40)
		return true; /* parameters and intermediates */
	if (harmless(c->esc, c->esc_len)) {
		uart_puts(c->esc, c->esc_len);
	} else {
		for (u32 i = 0; i < c->esc_len; i++)
			open_col += put_shown(c->esc[i]);
	}
	c->esc_len = 0;
	return true;
}

/* Bytes from the focused partition, shown as they come. */
static void stream(struct drv_dev *d, const char *s, u32 n)
{
	struct con *c = &cons[d - drv_devs];

	for (; n; n--, s++) {
		if (*s == '\r')
			continue;
		if (open != d) {
			close_open();
			put_tag(d->frontend);
			open = d;
			open_col = 0;
		}
		if (escape_seq(c, *s)) {
			continue;
		} else if (*s == '\n') {
			uart_puts("\r\n", 2);
			open = NULL;
		} else if (*s == '\b') {
			if (open_col) {
				uart_put('\b');
				open_col--;
			}
		} else {
			open_col += put_shown(*s);
		}
	}
}

/* Bytes from another partition: whole lines only. */
static void buffered(struct drv_dev *d, const char *s, u32 n)
{
	struct con *c = &cons[d - drv_devs];

	for (; n; n--, s++) {
		if (*s == '\n' || c->len == LINE) {
			line_out(d->frontend, c->line, c->len);
			c->len = 0;
		}
		if (*s != '\n' && *s != '\r')
			c->line[c->len++] = *s;
	}
}

/* The core's rings: whole tagged lines, passed on as they are. */
static bool drain_rings(void)
{
	volatile struct bh_driver_page *pg = drv_page();
	u32 n;
	volatile struct bh_con_ring *r = drv_con_rings(&n);
	bool any = false;

	for (u32 i = 0; r && i < n && i < 32; i++) {
		u32 w = r[i].written, rd = pg->con_read[i];

		if (w == rd)
			continue;
		if (w - rd > BH_CON_RING) /* cannot be: resynchronise */
			rd = w - BH_CON_RING;
		close_open();
		for (; rd != w; rd++)
			uart_put(r[i].data[rd % BH_CON_RING]);
		pg->con_read[i] = rd;
		any = true;
	}
	return any;
}

/* --- input ---------------------------------------------------------- */

/* Input to the next virtio console (the first one at start). */
static void switch_focus(void)
{
	u32 at = focus ? (u32)(focus - drv_devs) + 1 : 0;

	for (u32 k = 0; k < drv_ndevs; k++) {
		struct drv_dev *d = &drv_devs[(at + k) % drv_ndevs];

		if (d->ops) {
			focus = d;
			break;
		}
	}
	if (focus)
		printf("input: %s (Ctrl-] switches)\n", focus->frontend);
}

/*
 * Give pending input to the focused console's receive queue, in order:
 * Ctrl-] passes the focus on, anything else goes to the partition that
 * has it (waiting for receive buffers if it has none yet), or is dropped
 * if it reads no input at all (no receive queue set up).
 */
static bool deliver(void)
{
	static u32 dropped;

	struct virtq_seg seg[DRV_MAX_SEGS];
	struct virtq_chain c = { .seg = seg, .cap = DRV_MAX_SEGS };
	bool any = false;

	while (in_head != in_tail) {
		struct drv_dev *f = focus;
		u32 len = 0;
		int r;

		if (input[in_tail % INPUT] == SWITCH_KEY) {
			in_tail++;
			switch_focus();
			any = true;
			continue;
		}
		if (!f || f->broken || !f->ready[RECEIVEQ]) {
			in_tail++; /* nobody reads it: say so, once a burst */
			if (!dropped++)
				printf("input: %s reads no input yet: dropped\n",
				       f ? f->frontend : "nobody");
			continue;
		}
		dropped = 0;
		r = virtq_pop(&f->q[RECEIVEQ], &c);
		if (r <= 0) {
			if (r < 0)
				drv_fail(f, RECEIVEQ, r);
			break; /* no buffer yet: keep it */
		}
		for (u32 i = c.nread; i < c.nseg; i++)
			for (u32 k = 0;
			     k < c.seg[i].len && in_head != in_tail &&
			     input[in_tail % INPUT] != SWITCH_KEY;
			     k++, len++)
				((volatile char *)c.seg[i].ptr)[k] =
					input[in_tail++ % INPUT];
		if (drv_stale(f) ||
		    virtq_push(&f->q[RECEIVEQ], c.head, len) < 0)
			break;
		drv_notify(f, RECEIVEQ);
		any = true;
	}
	return any;
}

/* --- the virtio console device ------------------------------------- */

static u32 transmit(struct drv_dev *d, const struct virtq_chain *c)
{
	if (crash_after && crash_after <= c->readable)
		*(volatile u64 *)0x7f000000UL = 0; /* the test hook's fault */
	crash_after -= crash_after ? c->readable : 0;
	for (u32 i = 0; i < c->nread; i++) {
		/* Shared memory the frontend may change meanwhile: each byte
		 * is read once, and any value is fine to show. */
		char buf[64];

		for (u32 off = 0; off < c->seg[i].len; off += sizeof(buf)) {
			u32 n = MIN(c->seg[i].len - off, (u32)sizeof(buf));

			for (u32 k = 0; k < n; k++)
				buf[k] = ((const volatile char *)c->seg[i]
						  .ptr)[off + k];
			if (d == focus)
				stream(d, buf, n);
			else
				buffered(d, buf, n);
		}
	}
	return 0;
}

static bool con_queue(struct drv_dev *d, u32 q)
{
	if (q == TRANSMITQ)
		return drv_drain(d, q, transmit);
	return d == focus && in_head != in_tail && deliver();
}

/* This partition's own exits (BH_HC_EXITS), for scripts/bench-io. */
static void report_exits(const char *why)
{
	uint64_t a[7] = { 0 }, x[8];

	if (rt_hvc(BH_HC_EXITS, a, x))
		return;
	printf("exits (%s): hvc %lu sysreg %lu gic %lu irq %lu total %lu\n",
	       why, x[1] & 0xffffffff, x[2] & 0xffffffff, x[2] >> 32,
	       x[4] >> 32,
	       (x[1] & 0xffffffff) + (x[1] >> 32) + (x[2] & 0xffffffff) +
		       (x[2] >> 32) + (x[3] & 0xffffffff) + (x[3] >> 32) +
		       (x[4] & 0xffffffff) + (x[4] >> 32));
}

static void con_reset(struct drv_dev *d)
{
	report_exits(d->frontend);
	cons[d - drv_devs].len = 0;
	cons[d - drv_devs].esc_len = 0;
	if (open == d)
		close_open();
}

static const struct drv_ops console_ops = {
	.device_id = 3,
	.type = "console",
	.max_bytes = 1U << 16,
	.reset = con_reset,
	.queue = con_queue,
};

/* Everything but the virtio queues: the core's rings, UART input. */
static bool idle(bool sleep)
{
	static u32 tail;
	static u64 since;
	bool any = drain_rings();

	(void)sleep; /* it never polls: its interrupts stay on */
	uart_rx();
	any |= deliver();
	/* Input the focused console has not taken for 2 s: say so, once. */
	if (in_head == in_tail || in_tail != tail) {
		tail = in_tail;
		since = rt_counter();
	} else if (since && rt_counter() - since > 2 * rt_frequency()) {
		printf("input: %u bytes wait for %s's receive buffers\n",
		       in_head - in_tail, focus ? focus->frontend : "nobody");
		since = 0;
	}
	return any;
}

/* The PL011 this partition was granted: its registers and SPI. */
static void find_uart(void *ctx, const char *path, const char *prop,
		      const void *val, uint32_t len)
{
	static bool pl011;

	(void)ctx;
	(void)path;
	if (!strcmp(prop, "compatible"))
		pl011 = len >= 9 && !memcmp(val, "arm,pl011", 9);
	else if (pl011 && !strcmp(prop, "reg") && !uart)
		uart = rt_fdt_cells(val, len, 0);
	else if (pl011 && !strcmp(prop, "interrupts") &&
		 rt_fdt_u32(val, len, 0) == 0) /* an SPI: <0 n flags> */
		uart_irq = 32 + rt_fdt_u32(val, len, 1);
}

void guest_main(void)
{
	static const struct drv_ops *const ops[] = { &console_ops };
	struct rt_whoami w = { .boots = 1 };

	rt_fdt_walk(rt_dtb(), find_uart, NULL);
	if (uart)
		rt_set_output(own_output);
	rt_whoami(&w);
	if (w.boots == 1)
		crash_after = rt_arg("crash-after", 0);
	drv_init(ops, 1);
	drain_rings(); /* what the core said while this partition was down */
	drv_set_irq_hook(uart_irq_hook);
	if (uart && uart_irq) {
		rt_irq_config(uart_irq, 0x80, true);
		mmio_write32(uart + UARTIMSC, IM_RX | IM_RT);
	}
	printf("console driver (boot %u): %u virtio consoles, UART at 0x%lx\n",
	       w.boots, drv_ndevs, uart);
	switch_focus();
	drv_run(idle, 0);
}
