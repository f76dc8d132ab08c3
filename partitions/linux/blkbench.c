// SPDX-License-Identifier: MIT
/*
 * blkbench: sequential block I/O with O_DIRECT, timed, for scripts/
 * bench-io (busybox's dd has no iflag=direct). A static aarch64 Linux
 * program with no C library (raw system calls), built by
 * scripts/linux-fetch into the initramfs as /bin/blkbench:
 *
 *	blkbench read|write DEVICE BLOCK-BYTES TOTAL-MIB [OFFSET-MIB]
 *	blkbench read|write DEVICE,DEVICE-B BLOCK-BYTES TOTAL-MIB ROUNDS
 *
 * Reads or writes TOTAL-MIB from OFFSET-MIB (0) in blocks of BLOCK-BYTES (a
 * multiple of 4096, at most 1 MiB), each block one request, one at a
 * time; writes a fixed pattern. Prints one line:
 *
 *	blkbench: read bs=4096 bytes=67108864 requests=16384 ns=... MBps=...
 *
 * (MBps in 10^6 bytes per second of the partition's clock).
 *
 * With two devices it compares them in one run: TOTAL-MIB on each, in
 * ROUNDS equal parts taken in turn (A B, then B A, and so on, so that
 * neither always goes first), the part at the same offset on both, the
 * parts one after another and from the start again when the smaller
 * device ends (so TOTAL-MIB may exceed it). It prints a line per round
 * and one per device:
 *
 *	blkbench: round 1 read bs=4096 a_ns=... b_ns=...
 *	blkbench: read bs=4096 bytes=... requests=... ns=... MBps=... dev=A
 *
 * so that whatever else the machine does while it runs weighs on both.
 */
#include <stdint.h>

#define SYS_openat 56
#define SYS_close 57
#define SYS_pread64 67
#define SYS_pwrite64 68
#define SYS_write 64
#define SYS_lseek 62
#define SEEK_END 2
#define SYS_exit 93
#define SYS_clock_gettime 113
#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_WRONLY 1
#define O_DIRECT 0x10000 /* arm64 */
#define CLOCK_MONOTONIC 1
#define MAX_BLOCK (1 << 20)

static uint8_t buf[MAX_BLOCK] __attribute__((aligned(4096)));

static long sys(long n, long a, long b, long c, long d)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;

	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3)
			 : "memory");
	return x0;
}

static unsigned long len(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static void put(const char *s)
{
	sys(SYS_write, 1, (long)s, (long)len(s), 0);
}

static void put_u(uint64_t v)
{
	char b[24];
	int i = 23;

	b[i] = 0;
	do
		b[--i] = (char)('0' + v % 10);
	while (v /= 10);
	put(b + i);
}

static uint64_t num(const char *s)
{
	uint64_t v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (uint64_t)(*s++ - '0');
	return *s ? 0 : v;
}

static uint64_t now_ns(void)
{
	struct {
		long sec, nsec;
	} ts;

	sys(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&ts, 0, 0);
	return (uint64_t)ts.sec * 1000000000ULL + (uint64_t)ts.nsec;
}

static int fail(const char *why)
{
	put("blkbench: ");
	put(why);
	put("\n");
	return 1;
}

struct dev {
	const char *name;
	long fd;
	uint64_t ns; /* time spent on it so far */
};

static int open_dev(struct dev *d, int write)
{
	d->fd = sys(SYS_openat, AT_FDCWD, (long)d->name,
		    (write ? O_WRONLY : O_RDONLY) | O_DIRECT, 0);
	d->ns = 0;
	return d->fd < 0 ? fail("cannot open the device with O_DIRECT") : 0;
}

/* @bytes at @at on @d, one request of @bs at a time; adds its time. */
static int run(struct dev *d, int write, uint64_t bs, uint64_t at,
	       uint64_t bytes)
{
	uint64_t t0 = now_ns();

	for (uint64_t off = 0; off < bytes; off += bs)
		if (sys(write ? SYS_pwrite64 : SYS_pread64, d->fd, (long)buf,
			(long)bs, (long)(at + off)) != (long)bs)
			return fail("I/O error");
	d->ns += now_ns() - t0;
	return 0;
}

static void report(const struct dev *d, int write, uint64_t bs, uint64_t total,
		   int named)
{
	put("blkbench: ");
	put(write ? "write" : "read");
	put(" bs=");
	put_u(bs);
	put(" bytes=");
	put_u(total);
	put(" requests=");
	put_u(total / bs);
	put(" ns=");
	put_u(d->ns);
	put(" MBps=");
	put_u(total * 1000 / (d->ns ? d->ns : 1));
	if (named) {
		put(" dev=");
		put(d->name);
	}
	put("\n");
}

/* Two devices, "A,B", in turns (the header comment). */
static int compare(char *names, int write, uint64_t bs, uint64_t total,
		   uint64_t rounds)
{
	struct dev d[2] = { { .name = names } };
	char *comma = names;
	uint64_t part, span;
	long size[2];

	while (*comma && *comma != ',')
		comma++;
	if (!*comma || !rounds || total % rounds || (total / rounds) % bs)
		return fail("bad devices, rounds or total");
	*comma = 0;
	d[1].name = comma + 1;
	part = total / rounds;
	if (open_dev(&d[0], write) || open_dev(&d[1], write))
		return 1;
	for (int k = 0; k < 2; k++)
		size[k] = sys(SYS_lseek, d[k].fd, 0, SEEK_END, 0);
	if (size[0] <= 0 || size[1] <= 0)
		return fail("cannot find a device's size");
	span = (uint64_t)(size[0] < size[1] ? size[0] : size[1]) / part;
	if (!span)
		return fail("a device is smaller than one round");
	for (uint64_t r = 0; r < rounds; r++) {
		uint64_t a = d[0].ns, b = d[1].ns;

		for (int k = 0; k < 2; k++)
			if (run(&d[(r + (uint64_t)k) % 2], write, bs,
				r % span * part, part))
				return 1;
		put("blkbench: round ");
		put_u(r + 1);
		put(write ? " write" : " read");
		put(" bs=");
		put_u(bs);
		put(" a_ns=");
		put_u(d[0].ns - a);
		put(" b_ns=");
		put_u(d[1].ns - b);
		put("\n");
	}
	for (int k = 0; k < 2; k++) {
		sys(SYS_close, d[k].fd, 0, 0, 0);
		report(&d[k], write, bs, total, 1);
	}
	return 0;
}

static int bench(int argc, char **argv)
{
	int write;
	uint64_t bs, total, at;
	struct dev d;

	if (argc != 5 && argc != 6)
		return fail(
			"usage: blkbench read|write DEVICE[,DEVICE-B] BLOCK-BYTES TOTAL-MIB [OFFSET-MIB|ROUNDS]");
	at = argc == 6 ? num(argv[5]) << 20 : 0;
	write = argv[1][0] == 'w';
	bs = num(argv[3]);
	total = num(argv[4]) << 20;
	if (!bs || bs % 4096 || bs > MAX_BLOCK || !total || total % bs)
		return fail("bad block size or total");
	for (uint64_t i = 0; i < bs; i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	for (const char *p = argv[2]; *p; p++)
		if (*p == ',')
			return compare(argv[2], write, bs, total,
				       argc == 6 ? num(argv[5]) : 0);
	d.name = argv[2];
	if (open_dev(&d, write) || run(&d, write, bs, at, total))
		return 1;
	sys(SYS_close, d.fd, 0, 0, 0);
	report(&d, write, bs, total, 0);
	return 0;
}

/* The kernel enters here with the stack holding argc, argv[], envp[]. */
__attribute__((used)) void start_c(long *sp);
__attribute__((used)) void start_c(long *sp)
{
	sys(SYS_exit, bench((int)sp[0], (char **)(sp + 1)), 0, 0, 0);
}

__asm__(".global _start\n_start:\n\tmov x0, sp\n\tbl start_c\n");
