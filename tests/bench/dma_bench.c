// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma_bench: mmiodemo's DMA buffer against the kernel's own shared file
 * mappings, in the guest ("make bench"). Figures, ratios and verdicts.
 *
 * The peer that does the same work is a shared mapping of a ramfs file
 * whose pages exist already: its vm_ops are the page cache's own
 * (filemap_fault, filemap_map_pages for fault-around, filemap_page_mkwrite
 * for dirty tracking), so a first write to each page faults, as it must
 * for the DMA buffer. A memfd (tmpfs) mapping is shown for context: tmpfs
 * does not track writes, so its first write after MAP_POPULATE costs no
 * fault at all. Anonymous memory is context too. Both files are filled
 * before they are mapped, as the driver's buffer is allocated at probe;
 * what each allocation costs is its own row.
 *
 * Every figure is measured RUNS times, the sides interleaved (dma, ramfs,
 * memfd, anon, dma, ...), and printed as the median, the range and the
 * spread ((max - min) / median). Ratios and verdicts use the medians.
 * With transparent huge pages off (anonymous and shmem) the targets are
 * checked: "VERDICT ... PASS|FAIL", and dma_bench exits 1 if one fails.
 * Then the same rows with THP on, reported against, not checked.
 * Last, for the host's plots ("mmiodemo-plot:" lines): the first write
 * per mapping size. Dirty tracking (the take, the writer's wait) is
 * tests/bench/track_bench.c's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "common.h"
#include "mmiodemo.h"

#define RAMFS_DIR	"/tmp/dma_bench"	/* in the guest: its /tmp is a tmpfs */
#define THP		"/sys/kernel/mm/transparent_hugepage/"
#define BLOB		"opt/mmiodemo/random"	/* 1 MiB, workbench/blobs.py */

/* The targets (Documentation/benchmarks.rst, "The targets"). */
#define TARGET_FIRST_TOUCH	1.2	/* x the ramfs peer */
#define TARGET_SYNC_ONE		0.01	/* x an all-dirty sync */

enum side { DMA, RAMFS, MEMFD, ANON, SIDES };
static const char *const side_name[SIDES] = { "dma", "ramfs", "memfd", "anon" };

static int fd[SIDES] = { -1, -1, -1, -1 };
static size_t ps, size, npages;
static off_t dma_offset;
static int failed;

/* @len bytes of side @s from its start, with mmap() @flags. */
static uint8_t *map(enum side s, size_t len, int flags)
{
	void *p;

	if (s == ANON)
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
	else
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | flags,
			 fd[s], s == DMA ? dma_offset : 0);
	if (p == MAP_FAILED)
		die(side_name[s]);
	return p;
}

static void write_pages(volatile uint8_t *p, size_t len, uint8_t v)
{
	size_t i;

	for (i = 0; i < len; i += ps)
		p[i] = v;
}

static void read_pages(volatile uint8_t *p, size_t len)
{
	unsigned int sum = 0;
	size_t i;

	for (i = 0; i < len; i += ps)
		sum += p[i];
	if (sum == 1u << 31)	/* keeps the reads */
		printf("#\n");
}

/* Seconds from mmap() until each page of @len bytes was read or written. */
static double first_touch(enum side s, size_t len, int flags, int write)
{
	double t = now();
	uint8_t *p = map(s, len, flags);

	if (write)
		write_pages(p, len, 1);
	else
		read_pages(p, len);
	t = now() - t;
	munmap(p, len);
	return t;
}

/* A take of the buffer's dirty log: the number of pages taken. */
static unsigned int get_dirty(void)
{
	static uint64_t *bitmap;
	struct mmiodemo_dirty d = { 0 };

	if (!bitmap) {
		bitmap = calloc((npages + 63) / 64, 8);
		if (!bitmap)
			die("calloc");
	}
	d.bitmap = (uintptr_t)bitmap;
	d.nr_pages = npages;
	if (ioctl(fd[DMA], MMIODEMO_IOC_GET_DIRTY, &d))
		die("MMIODEMO_IOC_GET_DIRTY");
	return d.count;
}

/*
 * Seconds to write every page again after a take: the buffer after
 * GET_DIRTY (which leaves each page it found written mapped, writable and
 * clean: the CPU marks the entry dirty as it writes, with no fault), a
 * file after MADV_DONTNEED (unmapped: each write faults).
 */
static double redirty(enum side s)
{
	uint8_t *p = map(s, size, 0);
	double t;

	write_pages(p, size, 3);
	if (s == DMA)
		get_dirty();
	else if (madvise(p, size, MADV_DONTNEED))
		die("madvise");
	t = now();
	write_pages(p, size, 4);
	t = now() - t;
	munmap(p, size);
	return t;
}

/* One SYNC_FOR_DEVICE after writing @dirty pages (@check: all it syncs). */
static double sync_time(uint8_t *p, size_t dirty, int check)
{
	struct mmiodemo_sync s = { 0 };
	double t;

	write_pages(p, dirty * ps, 5);
	t = now();
	if (ioctl(fd[DMA], MMIODEMO_IOC_SYNC_FOR_DEVICE, &s))
		die("MMIODEMO_IOC_SYNC_FOR_DEVICE");
	t = now() - t;
	if (check && s.count != dirty) {
		fprintf(stderr, "dma_bench: synced %u pages, wrote %zu\n",
			s.count, dirty);
		exit(2);
	}
	return t;
}

static void header(const char *what, int sides)
{
	int s;

	printf("%-30s", what);
	for (s = 0; s < SIDES; s++)
		if (sides & 1 << s)
			printf(" %24s", side_name[s]);
	printf("  %-11s %s\n", "dma/ramfs", "target");
}

/* A row of medians [min-max] spread; a verdict if @target > 0. */
static void row(const char *what, const char *unit, struct figure *f,
		int sides, double scale, double target, int check)
{
	double m[SIDES] = { 0 }, ratio;
	int s;

	printf("%-30s", what);
	for (s = 0; s < SIDES; s++) {
		if (!(sides & 1 << s))
			continue;
		m[s] = median(&f[s]) * scale;
		printf(" %24s", cell(&f[s], scale));
	}
	ratio = m[DMA] / m[RAMFS];
	printf("  %-11.3f %s", ratio, unit);
	if (target > 0)
		printf(" <= %.2f", target);
	printf("\n");
	if (target > 0 && check) {
		printf("VERDICT %s: dma %.3f %s vs ramfs %.3f, ratio %.3f <= %.2f: %s\n",
		       what, m[DMA], unit, m[RAMFS], ratio, target,
		       ratio <= target ? "PASS" : "FAIL");
		failed |= ratio > target;
	}
}

#define ALL	((1 << SIDES) - 1)
#define FILES	(1 << DMA | 1 << RAMFS | 1 << MEMFD)

/* The first-touch rows and the re-dirty row, in one THP setting. */
static void touch_rows(int check)
{
	static const struct {
		const char *what;
		int flags, write;
	} ops[] = {
		{ "first read, lazy", 0, 0 },
		{ "first write, lazy", 0, 1 },
		{ "first read, MAP_POPULATE", MAP_POPULATE, 0 },
		{ "first write, MAP_POPULATE", MAP_POPULATE, 1 },
	};
	double mib = size / 1048576.0;
	struct figure f[SIDES];
	unsigned int o;
	int r, s;

	header("ms per MiB, median [range] spread", ALL);
	for (o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
		for (r = 0; r < RUNS; r++)
			for (s = 0; s < SIDES; s++)
				f[s].v[r] = first_touch(s, size, ops[o].flags,
							ops[o].write);
		row(ops[o].what, "x", f, ALL, 1e3 / mib, TARGET_FIRST_TOUCH,
		    check);
	}
	for (r = 0; r < RUNS; r++)
		for (s = DMA; s <= MEMFD; s++)
			f[s].v[r] = redirty(s);
	row("re-dirty after a take", "x", f, FILES, 1e3 / mib, 0, 0);
}

/* Allocation: the driver's probe (unbind, bind), and filling the files. */
static void alloc_rows(void)
{
	double mib = size / 1048576.0, t;
	struct figure f[SIDES] = { 0 };
	uint8_t *buf;
	size_t done;
	int r;

	buf = calloc(1, 1 << 20);
	if (!buf)
		die("calloc");
	close(fd[DMA]);
	for (r = 0; r < RUNS; r++) {
		if (sysfs_write(DRIVER "/unbind", DEVNAME))
			die("unbind");
		t = now();
		if (sysfs_write(DRIVER "/bind", DEVNAME))
			die("bind");
		f[DMA].v[r] = now() - t;

		if (ftruncate(fd[RAMFS], 0))
			die("ftruncate");
		for (done = 0, t = now(); done < size; done += 1 << 20)
			if (pwrite(fd[RAMFS], buf, 1 << 20, done) != 1 << 20)
				die("pwrite to ramfs");
		f[RAMFS].v[r] = now() - t;

		if (ftruncate(fd[MEMFD], 0))
			die("ftruncate");
		t = now();
		if (fallocate(fd[MEMFD], 0, 0, size))
			die("fallocate");
		f[MEMFD].v[r] = now() - t;
	}
	fd[DMA] = open(DEVICE, O_RDWR);
	if (fd[DMA] < 0)
		die(DEVICE " after bind");
	free(buf);
	header("allocation, ms per MiB", FILES);
	row("probe | write() | fallocate()", "x", f, FILES, 1e3 / mib, 0, 0);
}

/*
 * SYNC_FOR_DEVICE of 1 written page against one of every page. The target
 * is the 1-page sync of a program that writes one page between syncs: the
 * first sync after every page was written also unmaps the pages no longer
 * written (their next write faults again, and later takes walk only the
 * pages being written), and is a row of its own, not checked. A round's
 * 1-page figure is the median of the ONE_SYNCS after that one: on
 * debian-6.1 the first of them alone measured 0.144 ms, the median of
 * the five 0.038 ms (two runs of one day), as track_bench's first 1-page
 * take after an all-dirty one runs slower than the next ones.
 */
#define ONE_SYNCS	5

static void sync_rows(void)
{
	struct figure one, first, all;
	double ratio, m1, mall, mfirst, t[ONE_SYNCS];
	uint8_t *p = map(DMA, size, 0);
	int r, k;

	sync_time(p, 0, 0);	/* from an empty sync set */
	for (r = 0; r < RUNS; r++) {
		all.v[r] = sync_time(p, npages, 1);
		first.v[r] = sync_time(p, 1, 1);
		for (k = 0; k < ONE_SYNCS; k++)
			t[k] = sync_time(p, 1, 1);
		qsort(t, ONE_SYNCS, sizeof(t[0]), cmp_double);
		one.v[r] = t[ONE_SYNCS / 2];
	}
	munmap(p, size);
	/* The medians first: each sorts its runs, min first, max last. */
	m1 = median(&one);
	mall = median(&all);
	mfirst = median(&first);
	ratio = m1 / mall;
	printf("SYNC_FOR_DEVICE, ms: 1 dirty page (median of %d) %.3f [%.3f-%.3f], %zu dirty pages %.3f [%.3f-%.3f] %.0f%%, 1 dirty page right after them %.3f [%.3f-%.3f]\n",
	       ONE_SYNCS, m1 * 1e3, one.v[0] * 1e3, one.v[RUNS - 1] * 1e3,
	       npages,
	       mall * 1e3, all.v[0] * 1e3, all.v[RUNS - 1] * 1e3,
	       spread(&all), mfirst * 1e3, first.v[0] * 1e3,
	       first.v[RUNS - 1] * 1e3);
	printf("VERDICT 1-dirty-page sync vs all-dirty: ratio %.4f <= %.2f: %s\n",
	       ratio, TARGET_SYNC_ONE, ratio <= TARGET_SYNC_ONE ? "PASS" : "FAIL");
	failed |= ratio > TARGET_SYNC_ONE;
}

/* The device (fw_cfg DMA) loading BLOB, against memcpy() of as much. */
static void load_row(void)
{
	struct figure dev, cpu;
	size_t len = 1 << 20;
	struct mmiodemo_load l;
	uint8_t *p, *src;
	double t;
	int r;

	src = malloc(len);
	if (!src)
		die("malloc");
	memset(src, 0x5a, len);
	p = map(DMA, size, 0);
	memset(p, 0, len);	/* mapped and writable: memcpy's best case */
	for (r = 0; r < RUNS; r++) {
		memset(&l, 0, sizeof(l));
		strcpy(l.name, BLOB);
		t = now();
		if (ioctl(fd[DMA], MMIODEMO_IOC_LOAD, &l))
			die("MMIODEMO_IOC_LOAD of " BLOB);
		dev.v[r] = now() - t;
		t = now();
		memcpy(p, src, len);
		cpu.v[r] = now() - t;
	}
	munmap(p, size);
	free(src);
	printf("load 1 MiB, MiB/s: device (fw_cfg DMA) %.1f, memcpy() %.1f\n",
	       1 / median(&dev), 1 / median(&cpu));
}

/* For the plots: first touch per size. */
static void plot_rows(void)
{
	size_t len;
	struct figure f[SIDES];
	int r, s;

	for (len = 1 << 20; len <= size; len *= 2) {
		for (r = 0; r < RUNS; r++)
			for (s = DMA; s <= RAMFS; s++)
				f[s].v[r] = first_touch(s, len, 0, 1);
		printf("mmiodemo-plot: first-write %zu %.4f %.4f\n", len >> 20,
		       median(&f[DMA]) * 1e3 / (len >> 20),
		       median(&f[RAMFS]) * 1e3 / (len >> 20));
	}
}

/* Sets THP for anonymous memory and shmem; false if the kernel has none. */
static int thp(const char *anon, const char *shmem)
{
	return !sysfs_write(THP "enabled", anon) &&
	       !sysfs_write(THP "shmem_enabled", shmem);
}

int main(void)
{
	struct mmiodemo_info info;

	fd[DMA] = open(DEVICE, O_RDWR);
	if (fd[DMA] < 0)
		die(DEVICE);
	if (ioctl(fd[DMA], MMIODEMO_IOC_INFO, &info))
		die("MMIODEMO_IOC_INFO");
	if (info.nr_regions <= MMIODEMO_REGION_DMA) {
		fprintf(stderr, "dma_bench: the device has no DMA buffer\n");
		return 2;
	}
	ps = info.page_size;
	size = info.regions[MMIODEMO_REGION_DMA].size;
	npages = size / ps;
	dma_offset = (off_t)info.regions[MMIODEMO_REGION_DMA].offset;

	mkdir(RAMFS_DIR, 0700);
	if (mount("ramfs", RAMFS_DIR, "ramfs", 0, NULL) && errno != EBUSY)
		die("mount ramfs");
	fd[RAMFS] = open(RAMFS_DIR "/peer", O_RDWR | O_CREAT | O_TRUNC, 0600);
	fd[MEMFD] = memfd_create("peer", 0);
	if (fd[RAMFS] < 0 || fd[MEMFD] < 0)
		die("the peer files");

	printf("dma_bench: %zu MiB, %zu-byte pages, %d runs a figure, interleaved\n",
	       size >> 20, ps, RUNS);
	alloc_rows();
	if (thp("never", "never"))
		printf("transparent huge pages: never (anonymous and shmem): the targets\n");
	else
		printf("transparent huge pages: not in this kernel: the targets\n");
	touch_rows(1);
	sync_rows();
	load_row();
	plot_rows();
	if (thp("always", "always")) {
		printf("transparent huge pages: always (anonymous and shmem): reported, not checked\n");
		touch_rows(0);
		thp("never", "never");
	}
	/*
	 * ramfs never frees a file's pages while it exists: the 64 MiB peer
	 * would stay in the guest's memory under the benchmarks after this.
	 */
	close(fd[RAMFS]);
	if (unlink(RAMFS_DIR "/peer") || umount(RAMFS_DIR))
		die("removing the ramfs peer");
	printf("dma_bench: %s\n", failed ? "a target was missed" :
		"every target met");
	return failed;
}
