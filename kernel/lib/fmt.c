// SPDX-License-Identifier: MIT
/*
 * A small vsnprintf for the core's console. It knows only what the core
 * prints: strings, characters, signed/unsigned decimals and hex, with an
 * optional zero-pad flag, left-justify flag and width. Length modifiers
 * (l, ll, z) select 64-bit arguments.
 */
#include <bulkhead/lib.h>

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1U < o->size) {
		o->buf[o->len] = c;
	}
	o->len++;
}

static void put_num(struct out *o, u64 v, unsigned base, bool neg,
		    unsigned width, char pad)
{
	char tmp[24];
	unsigned n = 0;

	do {
		unsigned d = (unsigned)(v % base);

		tmp[n++] = "0123456789abcdef"[d];
		v /= base;
	} while (v != 0U);
	if (neg) {
		tmp[n++] = '-';
	}
	for (; width > n; width--) {
		put(o, pad);
	}
	while (n != 0U) {
		put(o, tmp[--n]);
	}
}

static void put_str(struct out *o, const char *s, unsigned width, bool left)
{
	size_t len = s ? strlen(s) : 0U;

	if (!s) {
		s = "";
	}
	for (; !left && width > len; width--) {
		put(o, ' ');
	}
	while (*s != '\0') {
		put(o, *s++);
	}
	for (; left && width > len; width--) {
		put(o, ' ');
	}
}

static u64 get_arg(va_list *ap, unsigned lng, bool sgn, bool *neg)
{
	s64 sv;

	*neg = false;
	if (!sgn) {
		return lng ? va_arg(*ap, u64) : va_arg(*ap, unsigned);
	}
	sv = lng ? va_arg(*ap, s64) : va_arg(*ap, int);
	if (sv < 0) {
		*neg = true;
		return (u64)0 - (u64)sv;
	}
	return (u64)sv;
}

size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	va_list args;

	va_copy(args, ap);
	while (*fmt != '\0') {
		unsigned width = 0, lng = 0;
		bool left = false, neg;
		char pad = ' ';
		u64 v;

		if (*fmt != '%') {
			put(&o, *fmt);
			fmt++;
			continue;
		}
		fmt++;
		if (*fmt == '-') {
			left = true;
			fmt++;
		}
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9') {
			width = width * 10U + (unsigned)(*fmt - '0');
			fmt++;
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 's':
			put_str(&o, va_arg(args, const char *), width, left);
			break;
		case 'c':
			put(&o, (char)va_arg(args, int));
			break;
		case 'd':
			v = get_arg(&args, lng, true, &neg);
			put_num(&o, v, 10, neg, width, pad);
			break;
		case 'u':
		case 'x':
			v = get_arg(&args, lng, false, &neg);
			put_num(&o, v, *fmt == 'x' ? 16 : 10, false, width,
				pad);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (u64)va_arg(args, void *), 16, false, width,
				pad);
			break;
		case '\0':
			break; /* a lone '%' at the end */
		default:
			put(&o, *fmt);
			break;
		}
		if (*fmt != '\0') {
			fmt++;
		}
	}
	va_end(args);
	if (size != 0U) {
		buf[o.len < size ? o.len : size - 1U] = '\0';
	}
	return o.len < size ? o.len : (size ? size - 1U : 0U);
}

size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
