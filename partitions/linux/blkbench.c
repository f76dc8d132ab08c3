// SPDX-License-Identifier: MIT
/*
 * blkbench: sequential block I/O with O_DIRECT, timed, for scripts/
 * bench-io (busybox's dd has no iflag=direct). A static aarch64 Linux
 * program with no C library (raw system calls), built by
 * scripts/linux-fetch into the initramfs as /bin/blkbench:
 *
 *	blkbench read|write DEVICE BLOCK-BYTES TOTAL-MIB [OFFSET-MIB]
 *
 * Reads or writes TOTAL-MIB from OFFSET-MIB (0) in blocks of BLOCK-BYTES (a
 * multiple of 4096, at most 1 MiB), each block one request, one at a
 * time; writes a fixed pattern. Prints one line:
 *
 *	blkbench: read bs=4096 bytes=67108864 requests=16384 ns=... MBps=...
 *
 * (MBps in 10^6 bytes per second of the partition's clock).
 */
#include <stdint.h>

#define SYS_openat 56
#define SYS_close 57
#define SYS_pread64 67
#define SYS_pwrite64 68
#define SYS_write 64
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

static int bench(int argc, char **argv)
{
	int write;
	uint64_t bs, total, t0, t1, at;
	long fd;

	if (argc != 5 && argc != 6)
		return fail(
			"usage: blkbench read|write DEVICE BLOCK-BYTES TOTAL-MIB [OFFSET-MIB]");
	at = argc == 6 ? num(argv[5]) << 20 : 0;
	write = argv[1][0] == 'w';
	bs = num(argv[3]);
	total = num(argv[4]) << 20;
	if (!bs || bs % 4096 || bs > MAX_BLOCK || !total || total % bs)
		return fail("bad block size or total");
	for (uint64_t i = 0; i < bs; i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	fd = sys(SYS_openat, AT_FDCWD, (long)argv[2],
		 (write ? O_WRONLY : O_RDONLY) | O_DIRECT, 0);
	if (fd < 0)
		return fail("cannot open the device with O_DIRECT");
	t0 = now_ns();
	for (uint64_t off = 0; off < total; off += bs)
		if (sys(write ? SYS_pwrite64 : SYS_pread64, fd, (long)buf,
			(long)bs, (long)(at + off)) != (long)bs)
			return fail("I/O error");
	t1 = now_ns();
	sys(SYS_close, fd, 0, 0, 0);
	put("blkbench: ");
	put(write ? "write" : "read");
	put(" bs=");
	put_u(bs);
	put(" bytes=");
	put_u(total);
	put(" requests=");
	put_u(total / bs);
	put(" ns=");
	put_u(t1 - t0);
	put(" MBps=");
	put_u(total * 1000 / (t1 - t0 ? t1 - t0 : 1));
	put("\n");
	return 0;
}

/* The kernel enters here with the stack holding argc, argv[], envp[]. */
__attribute__((used)) void start_c(long *sp);
__attribute__((used)) void start_c(long *sp)
{
	sys(SYS_exit, bench((int)sp[0], (char **)(sp + 1)), 0, 0, 0);
}

__asm__(".global _start\n_start:\n\tmov x0, sp\n\tbl start_c\n");
