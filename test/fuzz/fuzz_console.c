// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the console driver (userland-drivers/console/
 * console.c, compiled in whole here so that its state can be cleared
 * between inputs). Three virtio consoles' frontends are hostile: what
 * they transmit (any bytes, escape sequences included, in buffers of any
 * size, empty ones too), the receive buffers they post, and their
 * resets come from the input, and so does what the operator types (the
 * focus switch, Ctrl-], included). The runtime and the PL011 are fakes;
 * what reaches the UART goes through a model of the operator's terminal
 * that checks, byte by byte:
 *
 *   - every line starts with a tag, "[name] ", of a frontend or of the
 *     console itself, so no partition's output can pass for another's:
 *     a backspace never moves the cursor into the tag, and an erase
 *     (ESC [ K) never starts inside it;
 *   - nothing else reaches the terminal but printable ASCII, tab,
 *     backspace, CR LF together, and the harmless escape sequences
 *     (ESC [ 6 n, ESC [ K, ESC [ 0 K);
 *   - input reaches only the focused frontend's receive buffers, never
 *     more bytes than they hold, and never the switch key itself;
 *   - the driver's line and escape buffers stay in bounds (an overflow
 *     inside struct con is not ASan's to see).
 *
 * Each buffer is a malloc'd block of exactly its length, so ASan reports
 * any access outside it. A violation traps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"

#include "rt.h" /* first: its MMIO helpers are Arm assembly, unused here */

static uint32_t uart_read(uint64_t a);
static void uart_write(uint64_t a, uint32_t v);
#define mmio_read32(a) uart_read(a)
#define mmio_write32(a, v) uart_write(a, v)
#define printf(...) con_printf(__VA_ARGS__) /* into its own output */
int con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include "../../userland-drivers/console/console.c"
#undef printf

#include "fake_drv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* --- the input ---------------------------------------------------------- */

static struct fuzz_input in;

static u32 take(u32 bytes)
{
	return (u32)fuzz_take(&in, bytes);
}

/* --- the operator's terminal ---------------------------------------------- */

#define NDEV 3
static const char *const names[NDEV] = { "linux", "rt", "baremetal-front" };

static char line[4096];
static u32 line_len, cursor, prefix; /* prefix: "[tag] " once complete */
static bool cr;			     /* a CR, waiting for its LF */
static char esc[8];
static u32 esc_len;

/* Does the line start with a complete, known tag? Its length, or 0. */
static u32 tag_len(void)
{
	for (u32 i = 0; i <= NDEV; i++) {
		const char *n = i < NDEV ? names[i] : "console";
		u32 k = (u32)strlen(n);

		if (line_len >= k + 3 && line[0] == '[' &&
		    !memcmp(line + 1, n, k) && line[k + 1] == ']' &&
		    line[k + 2] == ' ')
			return k + 3;
	}
	return 0;
}

static void terminal(u8 b)
{
	if (cr) {
		check(b == '\n'); /* CR only as part of CR LF */
		check(tag_len() > 0);
		line_len = cursor = prefix = 0;
		cr = false;
		return;
	}
	if (esc_len) {
		esc[esc_len++] = (char)b;
		if (esc_len == 2) {
			check(b == '[');
			return;
		}
		if (b >= 0x20 && b < 0x40 && esc_len < sizeof(esc))
			return;
		check((esc_len == 4 && !memcmp(esc, "\x1b[6n", 4)) ||
		      (esc_len == 3 && !memcmp(esc, "\x1b[K", 3)) ||
		      (esc_len == 4 && !memcmp(esc, "\x1b[0K", 4)));
		if (esc[esc_len - 1] == 'K') {
			check(prefix && cursor >= prefix);
			line_len = cursor;
		}
		esc_len = 0;
		return;
	}
	switch (b) {
	case '\r':
		cr = true;
		return;
	case 0x1b:
		esc[0] = (char)b;
		esc_len = 1;
		return;
	case '\b':
		check(prefix && cursor > prefix);
		cursor--;
		return;
	default:
		check((b >= 0x20 && b < 0x7f) || b == '\t');
		/* A streamed line has no length limit (the focused
		 * partition's output is shown as it comes): the model keeps
		 * its start, where the tag is. */
		if (cursor < sizeof(line))
			line[cursor] = (char)b;
		cursor++;
		if (cursor > line_len)
			line_len = cursor;
		if (!prefix)
			prefix = tag_len();
		return;
	}
}

/* --- the fake PL011 ------------------------------------------------------ */

static u8 rx[256];
static u32 rx_head, rx_tail;

static uint32_t uart_read(uint64_t a)
{
	if (a == uart + UARTFR)
		return rx_head == rx_tail ? FR_RXFE : 0;
	if (a == uart + UARTDR)
		return rx_head == rx_tail ? 0 : rx[rx_tail++ % sizeof(rx)];
	return 0;
}

static void uart_write(uint64_t a, uint32_t v)
{
	if (a == uart + UARTDR)
		terminal((u8)v);
}

/* --- chains the frontends offer --------------------------------------------
 */

#define CHAINS 256
#define SEGS 6

struct chain {
	u32 dev, q;
	u16 head;
	struct virtq_seg seg[SEGS];
	u32 nseg, nread, readable, writable;
	bool done;
};

static struct chain chains[CHAINS];
static u32 nchains;
static u16 next_head;
/* offered, not taken: per device and queue, a fifo of chain numbers */
static u32 pend[NDEV][2][CHAINS], pend_first[NDEV][2], pend_count[NDEV][2];

static void offer(u32 dev, u32 q)
{
	struct chain *c;
	u32 nseg = 1 + take(1) % SEGS;

	if (nchains == CHAINS || pend_count[dev][q] == CHAINS)
		return;
	c = &chains[nchains++];
	memset(c, 0, sizeof(*c));
	c->dev = dev;
	c->q = q;
	c->head = next_head++;
	for (u32 i = 0; i < nseg; i++) {
		u32 len = take(1) % (q == RECEIVEQ ? 33 : 97);

		c->seg[i].ptr = malloc(len ? len : 1);
		c->seg[i].len = len;
		/* transmit: readable; receive: writable (§5.3.6) */
		c->seg[i].writable = q == RECEIVEQ;
		if (q == TRANSMITQ) {
			for (u32 k = 0; k < len; k++) {
				u32 b = take(1);

				/* often an escape sequence's start */
				((u8 *)c->seg[i].ptr)[k] = (u8)(b == 0xfe ? 0x1b
								: b == 0xfd
									? '['
									: b);
			}
			c->readable += len;
			c->nread = i + 1;
		} else {
			memset(c->seg[i].ptr, 0xcc, len);
			c->writable += len;
		}
	}
	c->nseg = nseg;
	pend[dev][q][(pend_first[dev][q] + pend_count[dev][q]++) % CHAINS] =
		(u32)(c - chains);
}

static struct chain *next_chain(u32 dev, u32 q)
{
	u32 k;

	if (!pend_count[dev][q])
		return NULL;
	k = pend[dev][q][pend_first[dev][q]];
	pend_first[dev][q] = (pend_first[dev][q] + 1) % CHAINS;
	pend_count[dev][q]--;
	return &chains[k];
}

static void to_virtq_chain(const struct chain *ch, struct virtq_chain *c)
{
	memcpy(c->seg, ch->seg, ch->nseg * sizeof(ch->seg[0]));
	c->head = ch->head;
	c->nseg = ch->nseg;
	c->nread = ch->nread;
	c->readable = ch->readable;
	c->writable = ch->writable;
}

/* --- the fake runtime ------------------------------------------------------
 */

static struct bh_driver_page page;
static void (*output)(const char *s, size_t n);
static struct chain *popped_rx[NDEV]; /* the receive chain being filled */
static u32 delivered, typed;	      /* input bytes: to frontends, typed */

int con_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (output && n > 0)
		output(buf, MIN((size_t)n, sizeof(buf) - 1));
	return n;
}

bool drv_drain(struct drv_dev *d, u32 q,
	       u32 (*fn)(struct drv_dev *d, const struct virtq_chain *c))
{
	static struct virtq_seg seg[SEGS];
	struct virtq_chain c = { .seg = seg, .cap = SEGS };
	u32 dev = (u32)(d - drv_devs);
	struct chain *ch;
	bool any = false;

	check(dev < drv_ndevs && q == TRANSMITQ);
	while ((ch = next_chain(dev, q))) {
		to_virtq_chain(ch, &c);
		check(fn(d, &c) == 0); /* nothing written into a transmit */
		ch->done = true;
		any = true;
	}
	return any;
}

void drv_fail(struct drv_dev *d, u32 q, int err)
{
	(void)q;
	(void)err;
	d->broken = true;
}

volatile struct bh_driver_page *drv_page(void)
{
	return &page;
}

volatile struct bh_con_ring *drv_con_rings(u32 *n)
{
	*n = 0;
	return NULL;
}

/* The receive queue: only the focused device's is ever popped. */
int virtq_pop(struct virtq *q, struct virtq_chain *c)
{
	u32 dev = (u32)((struct drv_dev *)((char *)q -
					   offsetof(struct drv_dev, q)) -
			drv_devs);
	struct chain *ch;

	check(dev < drv_ndevs && q == &drv_devs[dev].q[RECEIVEQ]);
	check(&drv_devs[dev] == focus && drv_devs[dev].ready[RECEIVEQ]);
	check(!popped_rx[dev]);
	ch = next_chain(dev, RECEIVEQ);
	if (!ch)
		return 0;
	to_virtq_chain(ch, c);
	popped_rx[dev] = ch;
	return 1;
}

int virtq_push(struct virtq *q, u16 id, u32 len)
{
	u32 dev = (u32)((struct drv_dev *)((char *)q -
					   offsetof(struct drv_dev, q)) -
			drv_devs);
	struct chain *ch;

	check(dev < drv_ndevs && q == &drv_devs[dev].q[RECEIVEQ]);
	ch = popped_rx[dev];
	check(ch && ch->head == id && len <= ch->writable);
	/* what it wrote: typed bytes, never the switch key */
	for (u32 i = 0, at = 0; i < ch->nseg && at < len; i++)
		for (u32 k = 0; k < ch->seg[i].len && at < len; k++, at++)
			check(((u8 *)ch->seg[i].ptr)[k] != SWITCH_KEY);
	ch->done = true;
	popped_rx[dev] = NULL;
	delivered += len;
	return 0;
}

/* --- the fake rt ------------------------------------------------------- */

static u64 clock_now;

bool rt_whoami(struct rt_whoami *w)
{
	w->boots = 2; /* no crash hook */
	return true;
}
uint64_t rt_counter(void)
{
	return clock_now += 1000000; /* 2 s go by in 125 looks */
}
void rt_relax(void)
{
}
/* One PL011 at 0x9000000, SPI 1. */
void rt_fdt_walk(const void *fdt, rt_fdt_fn fn, void *ctx)
{
	static const char compat[] = "arm,pl011\0arm,primecell";
	static const u32 cells[4] = { 0 };

	(void)fdt;
	fn(ctx, "/pl011@9000000", "compatible", compat, sizeof(compat));
	fn(ctx, "/pl011@9000000", "reg", cells, sizeof(cells));
	fn(ctx, "/pl011@9000000", "interrupts", cells, 12);
}
uint64_t rt_fdt_cells(const void *val, uint32_t len, uint32_t i)
{
	(void)val;
	(void)len;
	(void)i;
	return 0x9000000;
}
uint32_t rt_fdt_u32(const void *val, uint32_t len, uint32_t i)
{
	(void)val;
	(void)len;
	return i;
}
uint64_t rt_hvc(uint64_t fn, const uint64_t args[7], uint64_t out[8])
{
	(void)fn;
	(void)args;
	(void)out;
	return 1; /* no exit counts here */
}
void rt_set_output(void (*out)(const char *s, size_t n))
{
	output = out;
}

/* --- the run ------------------------------------------------------------- */

static void clear(void)
{
	for (u32 i = 0; i < nchains; i++)
		for (u32 s = 0; s < chains[i].nseg; s++)
			free(chains[i].seg[s].ptr);
	nchains = 0;
	memset(pend_first, 0, sizeof(pend_first));
	memset(pend_count, 0, sizeof(pend_count));
	memset(popped_rx, 0, sizeof(popped_rx));
	memset(drv_devs, 0, sizeof(drv_devs));
	memset(&page, 0, sizeof(page));
	rx_head = rx_tail = 0;
	delivered = typed = 0;
	line_len = cursor = prefix = esc_len = 0;
	cr = false;
	output = NULL;
	/* console.c's own state */
	uart = 0;
	uart_irq = 0;
	memset(cons, 0, sizeof(cons));
	focus = open = NULL;
	open_col = 0;
	in_head = in_tail = 0;
	crash_after = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	in = (struct fuzz_input){ data, size };
	clear();
	drv_ndevs = NDEV;
	for (u32 i = 0; i < NDEV; i++) {
		drv_devs[i].index = i;
		strcpy(drv_devs[i].frontend, names[i]);
	}
	if (!setjmp(back))
		guest_main();
	check(idle_fn && model && output && uart);
	while (in.n) {
		u32 op = take(1), dev = (op >> 4 & 3) % NDEV;
		struct drv_dev *d = &drv_devs[dev];

		switch (op & 7) {
		case 0:
		case 1: /* a frontend transmits */
			for (u32 k = 0; k <= (op >> 6 & 1); k++)
				offer(dev, TRANSMITQ);
			if (!d->broken)
				model->queue(d, TRANSMITQ);
			break;
		case 2: /* the operator types */
			for (u32 n = 1 + take(1) % 16; n && in.n; n--) {
				u32 b = take(1);

				if (rx_head - rx_tail < sizeof(rx))
					rx[rx_head++ % sizeof(rx)] =
						(u8)(b == 0xff ? SWITCH_KEY
							       : b);
				typed += b != 0xff;
			}
			idle_fn(false);
			break;
		case 3: /* a frontend posts a receive buffer */
			offer(dev, RECEIVEQ);
			d->ready[RECEIVEQ] = true;
			if (!d->broken)
				model->queue(d, RECEIVEQ);
			break;
		case 4: /* a frontend resets its console */
			pend_count[dev][0] = pend_count[dev][1] = 0;
			popped_rx[dev] = NULL;
			d->ready[RECEIVEQ] = false;
			d->broken = false;
			model->reset(d);
			break;
		default:
			idle_fn(false);
			break;
		}
		check(delivered <= typed);
		/* its own state: a line and an escape in progress, in bounds */
		for (u32 i = 0; i < NDEV; i++)
			check(cons[i].len <= LINE &&
			      cons[i].esc_len < sizeof(cons[i].esc));
	}
	clear();
	return 0;
}
