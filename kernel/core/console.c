// SPDX-License-Identifier: MIT
/*
 * Console multiplexing. Messages are formatted into a buffer first and
 * written under one lock, so a line is never interleaved with another
 * CPU's. Guest output is collected per vCPU until a newline (or a full
 * line) and then printed as "[partition] text". Carriage returns from
 * guests are dropped; every line ends in CR LF for raw terminals. Any
 * other byte outside printable ASCII (and tab) is shown as \xNN: a guest
 * must not be able to move the cursor, erase its own tag, forge another
 * partition's or the core's lines, or reset the operator's terminal
 * (ESC, backspace, C1 controls such as the 8-bit CSI 0x9b).
 *
 * Lines are never dropped. What one partition's printing can cost another
 * is bounded instead: the lock is fair (a line waits for at most one line
 * from each other CPU) and writing a line never waits on the UART for
 * long (pl011.c). Real-time partitions should still not print on their
 * hot path: a line costs the UART's time at 115200 baud on hardware.
 */
#include <stdarg.h>
#include <bulkhead/arch.h>
#include <bulkhead/console.h>
#include <bulkhead/lib.h>
#include <bulkhead/partition.h>
#include <bulkhead/spinlock.h>

static spinlock_t con_lock;
static bool con_smp;

void console_smp_on(void)
{
	con_smp = true;
}

static void con_write(const char *s, size_t n)
{
	if (con_smp)
		spin_lock(&con_lock);
	uart_write(plat.uart, s, n);
	if (con_smp)
		spin_unlock(&con_lock);
}

void printk(const char *fmt, ...)
{
	char buf[200];
	size_t n = 0, i;
	char out[220];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (i = 0; buf[i] && n < sizeof(out) - 2; i++) {
		if (buf[i] == '\n')
			out[n++] = '\r';
		out[n++] = buf[i];
	}
	con_write(out, n);
}

static void line_out(struct vcpu *v)
{
	char out[CON_LINE + 40];
	size_t n;

	n = fmt_snprintf(out, sizeof(out) - 2, "[%s] ", v->part->cfg->name);
	memcpy(out + n, v->line, v->line_len);
	n += v->line_len;
	out[n++] = '\r';
	out[n++] = '\n';
	v->line_len = 0;
	con_write(out, n);
}

void console_guest_flush(struct vcpu *v)
{
	if (v->line_len)
		line_out(v);
}

/* Append @c to @v's line as it will be shown: itself or \xNN. */
static void line_put(struct vcpu *v, u8 c)
{
	static const char hex[] = "0123456789abcdef";
	bool plain = (c >= 0x20 && c < 0x7f) || c == '\t';

	if (v->line_len + (plain ? 1U : 4U) > CON_LINE)
		line_out(v);
	if (plain) {
		v->line[v->line_len++] = (char)c;
		return;
	}
	v->line[v->line_len++] = '\\';
	v->line[v->line_len++] = 'x';
	v->line[v->line_len++] = hex[c >> 4];
	v->line[v->line_len++] = hex[c & 15];
}

void console_guest_write(struct vcpu *v, const char *s, u32 n)
{
	for (; n; n--, s++) {
		if (*s == '\n')
			line_out(v);
		else if (*s != '\r')
			line_put(v, (u8)*s);
	}
}

static void line_reset(struct vcpu *v)
{
	v->line_len = 0;
}

const struct part_hooks console_hooks = {
	.vcpu_start = line_reset,
	.vcpu_park = console_guest_flush,
};

noreturn void panic(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("[bulkhead] panic on cpu %u: %s\n", this_cpu()->cfg->phys, buf);
	arch_halt();
}
