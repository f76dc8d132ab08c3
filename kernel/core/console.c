// SPDX-License-Identifier: MIT
/*
 * Console multiplexing. The core's messages and partitions' CONSOLE_WRITE
 * output leave the core as whole lines, "[partition] text" CR LF, so that
 * lines from different CPUs never mix. Guest output is collected per vCPU
 * until a newline (or a full line). Carriage returns from guests are
 * dropped; any other byte outside printable ASCII (and tab) is shown as
 * \xNN: a guest must not be able to move the cursor, erase its own tag,
 * forge another partition's or the core's lines, or reset the operator's
 * terminal (ESC, backspace, C1 controls such as the 8-bit CSI 0x9b).
 *
 * Where a line goes:
 *  - with a console driver partition running (plat.con_driver), into this
 *    CPU's ring (struct bh_con_ring), which the driver drains and prints;
 *    each ring has one writer, this CPU, so no lock is taken at all;
 *  - otherwise (no such partition, before it runs, while it is down) to
 *    the UART itself, under a fair lock.
 * Nothing a partition prints makes another partition wait: a guest's
 * CONSOLE_WRITE that would need more room than its CPU's ring has, or the
 * UART while another CPU holds it, takes nothing and returns BH_BUSY; the
 * guest tries again at EL1, with its interrupts open. The core's own
 * messages are never lost: if its ring is full they go to the UART.
 */
#include <stdarg.h>
#include <bulkhead/abi.h>
#include <bulkhead/arch.h>
#include <bulkhead/atomic.h>
#include <bulkhead/console.h>
#include <bulkhead/lib.h>
#include <bulkhead/partition.h>
#include <bulkhead/spinlock.h>
#include <bulkhead/vdev.h>

static spinlock_t con_lock;
static bool con_smp;

void console_smp_on(void)
{
	con_smp = true;
}

/* No partition runs before the other CPUs may (con_smp): until then, and
 * before partitions_init() in particular (a panic at boot), the UART. */
static bool ring_mode(void)
{
	return con_smp && plat.con_driver >= 0 &&
	       this_cpu()->slot < (u32)BH_CON_SLOTS && /* bhconfig: always */
	       atomic_load(&partitions[plat.con_driver].state) == PART_RUNNING;
}

static volatile struct bh_con_ring *my_ring(u32 *slot)
{
	*slot = this_cpu()->slot;
	return (volatile struct bh_con_ring *)plat.con_rings + *slot;
}

/* Bytes free in this CPU's ring. The driver's read position is its own
 * to write: whatever it says, the answer stays within the ring. */
static u32 ring_room(void)
{
	const volatile struct bh_driver_page *pg =
		(const volatile struct bh_driver_page *)
			partitions[plat.con_driver]
				.cfg->drv_page;
	u32 slot;
	volatile struct bh_con_ring *r = my_ring(&slot);
	u32 used = r->written - pg->con_read[slot];

	return used > BH_CON_RING ? 0U : BH_CON_RING - used;
}

static void ring_put(const char *s, size_t n)
{
	u32 slot;
	volatile struct bh_con_ring *r = my_ring(&slot);
	u32 w = r->written;

	for (size_t i = 0; i < n; i++) {
		r->data[(w + i) % BH_CON_RING] = s[i];
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);
	r->written = w + (u32)n;
	vdev_ring_driver(&this_cpu()->vcpu, &partitions[plat.con_driver]);
}

/* A whole line (or several) the core must not lose. */
static void con_write(const char *s, size_t n)
{
	bool ring = ring_mode() && (ring_room() >= n);

	if (!ring && con_smp) {
		spin_lock(&con_lock);
		/* The console driver may have started meanwhile: it owns the
		 * UART from then on (line_reset()). */
		ring = ring_mode() && (ring_room() >= n);
		if (ring) {
			spin_unlock(&con_lock);
		}
	}
	if (ring) {
		ring_put(s, n);
	} else {
		uart_write(plat.uart, s, n);
		if (con_smp) {
			spin_unlock(&con_lock);
		}
	}
}

void printk(const char *fmt, ...)
{
	char buf[200];
	size_t n = 0, i;
	char out[220];
	va_list ap;

	va_start(ap, fmt);
	(void)fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (i = 0U; buf[i] && n < sizeof(out) - 2U; i++) {
		if (buf[i] == '\n') {
			out[n++] = '\r';
		}
		out[n++] = buf[i];
	}
	con_write(out, n);
}

/* Format @v's line, tagged, into @out; returns its length. */
static size_t line_format(const struct vcpu *v, char *out, size_t size)
{
	size_t n = fmt_snprintf(out, size - 2U, "[%s] ", v->part->cfg->name);

	(void)memcpy(&out[n], v->line, v->line_len);
	n += v->line_len;
	out[n++] = '\r';
	out[n++] = '\n';
	return n;
}

/* Write @v's line to the ring or (locked by the caller) the UART. */
static void line_out(struct vcpu *v, bool ring)
{
	char out[CON_LINE + 40U];
	size_t n = line_format(v, out, sizeof(out));

	if (ring) {
		ring_put(out, n);
	} else {
		uart_write(plat.uart, out, n);
	}
	v->line_len = 0;
}

void console_guest_flush(struct vcpu *v)
{
	char out[CON_LINE + 40U];

	if (!v->line_len) {
		return;
	}
	con_write(out, line_format(v, out, sizeof(out)));
	v->line_len = 0;
}

/* Bytes @c adds to a line as it will be shown: itself or \xNN. */
static u32 shown_len(u8 c)
{
	return (c >= 0x20U && c < 0x7fU) || c == (u8)'\t' ? 1U : 4U;
}

static void line_put(struct vcpu *v, u8 c)
{
	static const char hex[] = "0123456789abcdef";

	if (shown_len(c) == 1U) {
		v->line[v->line_len++] = (char)c;
		return;
	}
	v->line[v->line_len++] = '\\';
	v->line[v->line_len++] = 'x';
	v->line[v->line_len++] = hex[c >> 4];
	v->line[v->line_len++] = hex[c & 15U];
}

/* Output bytes @s would make leave the core (0: it only fills the line). */
static size_t output_of(const struct vcpu *v, const char *s, u32 n)
{
	size_t tag = strlen(v->part->cfg->name) + 5U, out = 0U;
	u32 len = v->line_len;

	for (; n; n--, s++) {
		u32 k = shown_len((u8)*s);

		if (*s == '\n' || len + k > CON_LINE) {
			out += tag + len;
			len = 0;
		}
		if (*s != '\n' && *s != '\r') {
			len += k;
		}
	}
	return out;
}

s64 console_guest_write(struct vcpu *v, const char *s, u32 n)
{
	size_t out = output_of(v, s, n);
	bool ring = ring_mode();

	if (out && ring && ring_room() < out) {
		return BH_BUSY;
	}
	if (out && !ring && con_smp && !spin_trylock(&con_lock)) {
		return BH_BUSY;
	}
	if (out && !ring && con_smp && ring_mode()) {
		spin_unlock(&con_lock); /* the driver started: rings now */
		return BH_BUSY;
	}
	for (; n; n--, s++) {
		if (*s == '\n') {
			line_out(v, ring);
		} else if (*s != '\r') {
			if (v->line_len + shown_len((u8)*s) > CON_LINE) {
				line_out(v, ring);
			}
			line_put(v, (u8)*s);
		} else {
			/* a carriage return: dropped */
		}
	}
	if (out && !ring && con_smp) {
		spin_unlock(&con_lock);
	}
	return SMCCC_SUCCESS;
}

/*
 * Every vCPU starts with an empty line. The console driver's vCPU 0
 * enters only once no CPU is still writing the UART directly: it is
 * RUNNING already, so whoever takes the lock after this writes to its
 * ring instead (the writers look again under the lock), and no line of
 * the core's can mix with the driver's first ones.
 */
static void line_reset(struct vcpu *v)
{
	v->line_len = 0;
	if (((s32)v->part->index == plat.con_driver) && (v->id == 0U) &&
	    con_smp) {
		spin_lock(&con_lock);
		spin_unlock(&con_lock);
	}
}

/*
 * The console driver stopping for good: whatever it had not read yet is
 * written to the UART, in ring order per CPU, so that nothing is lost
 * (from now on lines go to the UART directly).
 */
static void drain_rings(struct partition *p, u32 to)
{
	const volatile struct bh_driver_page *pg =
		(const volatile struct bh_driver_page *)p->cfg->drv_page;

	if ((s32)p->index != plat.con_driver || to == (u32)PART_RESET) {
		return;
	}
	spin_lock(&con_lock);
	for (u32 i = 0; (i < nr_cpus) && (i < (u32)BH_CON_SLOTS); i++) {
		volatile struct bh_con_ring *r =
			(volatile struct bh_con_ring *)plat.con_rings + i;
		u32 w = r->written, rd = pg->con_read[i];

		if (w - rd > BH_CON_RING) {
			rd = w - BH_CON_RING;
		}
		for (; rd != w; rd++) {
			char c = r->data[rd % BH_CON_RING];

			uart_write(plat.uart, &c, 1);
		}
	}
	spin_unlock(&con_lock);
}

const struct part_hooks console_hooks = {
	.stop = drain_rings,
	.vcpu_start = line_reset,
	.vcpu_park = console_guest_flush,
};

noreturn void panic(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	(void)fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("[bulkhead] panic on cpu %u: %s\n", this_cpu()->cfg->phys, buf);
	arch_halt();
}
