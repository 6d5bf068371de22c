// SPDX-License-Identifier: GPL-2.0-only
/*
 * reg_bench: the time of one 32-bit register read and one write of the
 * PL061's DIR, in ns per access, through every path to the block, in the
 * guest ("make bench"):
 *
 *   mapping         mmiodemo's register region, mmap()ed, with
 *                   libmmiodemo's exact-width accessors
 *   UIO             the same block as the UIO device of the test module
 *                   mmiodemo-bench (tests/modules), mapped by the UIO
 *                   core's uio_mmap_physical(), the same accessors
 *   ioctl           MMIODEMO_IOC_REG_READ / MMIODEMO_IOC_REG_WRITE
 *   readl           the kernel's readl()/writel() (the test module's
 *                   debugfs files time them with ktime_get_ns())
 *   readl_relaxed   readl_relaxed()/writel_relaxed(), the same way
 *   /dev/mem        the block mapped from /dev/mem: the kernel refuses it
 *                   while a driver holds the block (IO_STRICT_DEVMEM), so
 *                   mmiodemo is unbound for it, then bound again; UIO is
 *                   measured again in that phase, as a witness of drift
 *
 * Each path runs ROUNDS rounds of about ROUND_MS ms per access kind,
 * interleaved (every path once per round, then the next round; every
 * other round in reverse order, so that no path always follows the same
 * one), pinned to one CPU, and the table gives per path the minimum and median ns per access, the spread
 * (max - min, % of the median) and the median's ratio to the mapping's.
 * A write writes the value DIR read before, so DIR is left as it was.
 *
 * The last line is the verdict on the target, the median over the rounds
 * of the mapping's read against UIO's, measured one right after the other
 * (paired_reads()): PASS, FAIL (exit 1) or SKIP (no UIO on this kernel, or
 * no register mapping: 16 KiB pages). It exits 1 too when it cannot
 * measure a path it must, or cannot bind mmiodemo again.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "mmiodemo.h"

#define REG		PL061_DIR
#define ROUNDS		21
#define ROUND_MS	20
#define MAX_N		10000000L	/* the test module's limit too */
#define TARGET		1.05		/* mapping / UIO, median read */
#define BENCH_DEBUGFS	"/sys/kernel/debug/mmiodemo-bench"
#define UIO_NAME	"mmiodemo-bench"
#define UIO_CLASS	"/sys/class/uio"

enum { RD, WR };

struct path {
	const char *name;
	/* ns taken by @n accesses of kind @op, or -errno */
	int (*run)(struct path *p, int op, long n, double *ns);
	volatile void *base;		/* a mapping of the block */
	int fd;				/* mmiodemo's, for the ioctls */
	const char *kfile[2];		/* the test module's debugfs files */
	char why[96];			/* not measured: why */
	long n[2];			/* accesses per round */
	double per[2][ROUNDS];		/* ns per access, per round */
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int run_map(struct path *p, int op, long n, double *ns)
{
	volatile void *b = p->base;
	uint32_t v = mmiodemo_ioread(b, REG, 32);
	double t;
	long i;

	t = now_ns();
	if (op == RD)
		for (i = 0; i < n; i++)
			(void)mmiodemo_ioread(b, REG, 32);
	else
		for (i = 0; i < n; i++)
			mmiodemo_iowrite(b, REG, 32, v);
	*ns = now_ns() - t;
	mmiodemo_iowrite(b, REG, 32, v);
	return 0;
}

static int run_ioctl(struct path *p, int op, long n, double *ns)
{
	struct mmiodemo_reg r = { .offset = REG, .width = 32 };
	unsigned long req;
	double t;
	long i;

	/* r.value: what DIR holds, written back by every write */
	req = op == RD ? MMIODEMO_IOC_REG_READ : MMIODEMO_IOC_REG_WRITE;
	if (ioctl(p->fd, MMIODEMO_IOC_REG_READ, &r))
		return -errno;
	t = now_ns();
	for (i = 0; i < n; i++)
		if (ioctl(p->fd, req, &r))
			return -errno;
	*ns = now_ns() - t;
	return 0;
}

/* The file @path's first line into @buf: 0 or -errno. */
static int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, size, f))
		ret = ferror(f) ? -errno : -EIO;
	fclose(f);
	return ret;
}

static int run_kernel(struct path *p, int op, long n, double *ns)
{
	unsigned long long loops, t;
	char buf[64];
	int ret;

	snprintf(buf, sizeof(buf), "%ld", n);
	if (sysfs_write(BENCH_DEBUGFS "/loops", buf))
		return -errno;
	ret = read_line(p->kfile[op], buf, sizeof(buf));
	if (ret)
		return ret;
	if (sscanf(buf, "%llu %llu", &loops, &t) != 2 || loops != (unsigned long long)n)
		return -EIO;
	*ns = t;
	return 0;
}

/* Accesses for about ROUND_MS ms of @op through @p: 0 or -errno. */
static int calibrate(struct path *p, int op)
{
	long n = 16;
	double ns, want;
	int ret;

	for (;;) {
		ret = p->run(p, op, n, &ns);
		if (ret)
			return ret;
		if (ns >= ROUND_MS * 1e5 || n >= MAX_N)
			break;
		n = n * 4 < MAX_N ? n * 4 : MAX_N;
	}
	want = n * (ROUND_MS * 1e6 / (ns > 1 ? ns : 1));
	p->n[op] = want < 1 ? 1 : want > MAX_N ? MAX_N : (long)want;
	return 0;
}

/* ROUNDS rounds over the measurable @paths, interleaved: 0 or -errno. */
static int measure(struct path **paths, int nr)
{
	double ns;
	int r, i, op, ret;

	for (i = 0; i < nr; i++)
		for (op = RD; op <= WR; op++) {
			if (paths[i]->why[0])
				continue;
			ret = calibrate(paths[i], op);
			if (ret) {
				fprintf(stderr, "reg_bench: %s: %s\n",
					paths[i]->name, strerror(-ret));
				return ret;
			}
		}
	for (r = 0; r < ROUNDS; r++)
		for (op = RD; op <= WR; op++)
			for (i = 0; i < nr; i++) {
				struct path *p = paths[r % 2 ? nr - 1 - i : i];

				if (p->why[0])
					continue;
				ret = p->run(p, op, p->n[op], &ns);
				if (ret) {
					fprintf(stderr, "reg_bench: %s: %s\n",
						p->name, strerror(-ret));
					return ret;
				}
				p->per[op][r] = ns / p->n[op];
			}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Minimum, median and spread (max - min, % of the median) of @op. */
static double stats(const struct path *p, int op, double *min, double *spread)
{
	double v[ROUNDS], med;

	memcpy(v, p->per[op], sizeof(v));
	qsort(v, ROUNDS, sizeof(v[0]), cmp_double);
	med = v[ROUNDS / 2];
	*min = v[0];
	*spread = (v[ROUNDS - 1] - v[0]) / med * 100;
	return med;
}

static double median(const struct path *p, int op)
{
	double min, spread;

	return stats(p, op, &min, &spread);
}

/*
 * The median over the rounds of @a's reads / @b's, the two measured one
 * right after the other in each round (the mapping and UIO are neighbours
 * in either order): a slow moment of the emulated machine that spans a
 * round weighs on both. The medians of each alone moved the ratio from
 * 0.99 to 1.07 between runs on debian-7.3.
 */
static double paired_reads(const struct path *a, const struct path *b)
{
	double v[ROUNDS];
	int r;

	for (r = 0; r < ROUNDS; r++)
		v[r] = a->per[RD][r] / b->per[RD][r];
	qsort(v, ROUNDS, sizeof(v[0]), cmp_double);
	return v[ROUNDS / 2];
}

static void row(const struct path *p, const struct path *ref)
{
	static const char *const ops[] = { "read", "write" };
	double min, med, spread;
	int op;

	if (p->why[0]) {
		printf("%-26s %s\n", p->name, p->why);
		return;
	}
	/* For the host's plot (tests/host/bench-plots.sh): label, read, write. */
	printf("mmiodemo-plot: reg \"%s\" %.1f %.1f\n", p->name, median(p, RD),
	       median(p, WR));
	for (op = RD; op <= WR; op++) {
		med = stats(p, op, &min, &spread);
		printf("%-26s %-5s %9ld %10.1f %10.1f %6.1f%%", op ? "" : p->name,
		       ops[op], p->n[op], min, med, spread);
		if (!ref->why[0])
			printf(" %9.2fx", med / median(ref, op));
		printf("\n");
	}
}

/* Maps @size bytes of @file at @offset into @p; sets p->why if refused. */
static void map_file(struct path *p, const char *file, int flags, off_t offset,
		     size_t size)
{
	void *m;
	int fd;

	fd = open(file, O_RDWR | flags);
	if (fd < 0) {
		snprintf(p->why, sizeof(p->why), "not available (%s: %s)", file,
			 strerror(errno));
		return;
	}
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
	if (m == MAP_FAILED)
		snprintf(p->why, sizeof(p->why), "refused (%s)",
			 errno == EPERM ? "EPERM" : strerror(errno));
	else
		p->base = m;
	close(fd);
}

/* The UIO device of the test module, mapped; p->why says why not. */
static void map_uio(struct path *p, size_t *size)
{
	char file[300], buf[64];
	struct dirent *d;
	DIR *dir;

	dir = opendir(UIO_CLASS);
	while (dir && (d = readdir(dir))) {
		snprintf(file, sizeof(file), UIO_CLASS "/%s/name", d->d_name);
		if (d->d_name[0] == '.' || read_line(file, buf, sizeof(buf)) ||
		    strcmp(buf, UIO_NAME "\n"))
			continue;
		snprintf(file, sizeof(file), UIO_CLASS "/%s/maps/map0/size",
			 d->d_name);
		if (read_line(file, buf, sizeof(buf)))
			break;
		*size = strtoull(buf, NULL, 0);
		snprintf(file, sizeof(file), "/dev/%s", d->d_name);
		closedir(dir);
		/* UIO's map N is at offset N pages */
		map_file(p, file, 0, 0, *size);
		return;
	}
	if (dir)
		closedir(dir);
	snprintf(p->why, sizeof(p->why), "not available (no UIO device %s)",
		 UIO_NAME);
}

/* Binds mmiodemo to the block again and waits for its node: 0 or -1. */
static int rebind(void)
{
	struct mmiodemo *md;
	int i;

	if (sysfs_write(DRIVER "/bind", DEVNAME)) {
		perror("reg_bench: bind " DEVNAME);
		return -1;
	}
	for (i = 0; i < 100; i++) {
		if (!mmiodemo_open(DEVICE, O_RDWR, &md)) {
			mmiodemo_close(md);
			printf("reg_bench: mmiodemo bound again, %s back\n", DEVICE);
			return 0;
		}
		usleep(20000);
	}
	fprintf(stderr, "reg_bench: %s not back after bind\n", DEVICE);
	return -1;
}

int main(void)
{
	struct path map = { .name = "mapping (mmiodemo mmap)", .run = run_map };
	struct path uio = { .name = "UIO mapping", .run = run_map };
	struct path ioc = { .name = "ioctl REG_READ/WRITE", .run = run_ioctl };
	struct path kr = { .name = "kernel readl/writel", .run = run_kernel,
			   .kfile = { BENCH_DEBUGFS "/readl", BENCH_DEBUGFS "/writel" } };
	struct path krr = { .name = "kernel *_relaxed", .run = run_kernel,
			    .kfile = { BENCH_DEBUGFS "/readl_relaxed",
				       BENCH_DEBUGFS "/writel_relaxed" } };
	struct path mem = { .name = "/dev/mem, unbound", .run = run_map };
	struct path uio2 = { .name = "UIO mapping, unbound", .run = run_map };
	struct path *bound[] = { &map, &uio, &ioc, &kr, &krr };
	struct path *unbound[] = { &mem, &uio2 };
	unsigned long long addr, size;
	size_t uio_size = 0;
	struct mmiodemo *md;
	void *regs;
	char buf[64];
	double ratio;
	cpu_set_t cpu;
	int ret, map_ret, rc = 0;

	CPU_ZERO(&cpu);
	CPU_SET(0, &cpu);
	if (sched_setaffinity(0, sizeof(cpu), &cpu))
		perror("reg_bench: sched_setaffinity (not pinned)");

	ret = mmiodemo_open(DEVICE, O_RDWR, &md);
	if (ret) {
		fprintf(stderr, "reg_bench: %s: %s\n", DEVICE, strerror(-ret));
		return 1;
	}
	ioc.fd = mmiodemo_fd(md);
	map_ret = mmiodemo_map(md, MMIODEMO_REGION_REGS, PROT_READ | PROT_WRITE,
			       &regs);
	if (map_ret)
		snprintf(map.why, sizeof(map.why), "not available (%s)",
			 strerror(-map_ret));
	else
		map.base = regs;
	if (read_line(BENCH_DEBUGFS "/block", buf, sizeof(buf)) ||
	    sscanf(buf, "%llx %llx", &addr, &size) != 2) {
		fprintf(stderr, "reg_bench: no %s: is the mmiodemo-bench module loaded?\n",
			BENCH_DEBUGFS "/block");
		return 1;
	}
	map_uio(&uio, &uio_size);
	uio2.base = uio.base;
	memcpy(uio2.why, uio.why, sizeof(uio.why));

	printf("reg_bench: 32-bit accesses of DIR (0x%x) of the block at 0x%llx (0x%llx bytes);\n"
	       "reg_bench: %d rounds of about %d ms per path and access kind, interleaved, on CPU 0\n",
	       REG, addr, size, ROUNDS, ROUND_MS);
	if (measure(bound, 5))
		return 1;
	mmiodemo_close(md);

	/* /dev/mem: only while no driver holds the block. */
	if (sysfs_write(DRIVER "/unbind", DEVNAME)) {
		perror("reg_bench: unbind " DEVNAME);
		return 1;
	}
	printf("reg_bench: mmiodemo unbound from %s\n", DEVNAME);
	map_file(&mem, "/dev/mem", O_SYNC, addr, size);
	ret = measure(unbound, 2);
	if (mem.base)
		munmap((void *)mem.base, size);
	if (rebind() || ret)
		rc = 1;

	printf("%-26s %-5s %9s %10s %10s %7s %10s\n", "path", "", "n/round",
	       "min ns", "median ns", "spread", "/ mapping");
	row(&map, &map);
	row(&uio, &map);
	row(&ioc, &map);
	row(&kr, &map);
	row(&krr, &map);
	row(&mem, &map);
	row(&uio2, &map);

	printf("VERDICT register read through the mapping <= %.2fx UIO: ", TARGET);
	if (map_ret == -EOPNOTSUPP) {
		printf("SKIP (no register mapping on this kernel)\n");
	} else if (map.why[0]) {
		printf("FAIL (the mapping %s)\n", map.why);
		rc = 1;
	} else if (uio.why[0]) {
		printf("SKIP (no UIO on this kernel)\n");
	} else {
		ratio = paired_reads(&map, &uio);
		printf("%s (median ratio of the rounds %.2f; median %.1f ns mapping, %.1f ns UIO)\n",
		       ratio <= TARGET ? "PASS" : "FAIL", ratio,
		       median(&map, RD), median(&uio, RD));
		if (ratio > TARGET)
			rc = 1;
	}
	if (uio.base)
		munmap((void *)uio.base, uio_size);
	return rc;
}
