// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma_bench: mmiodemo's DMA buffer against anonymous memory of the same
 * size, in the guest ("make bench"). A benchmark, not a test: it prints
 * figures and ratios and fails only if it cannot measure.
 *
 *   first touch     ms per MiB to read one byte in every page, after a
 *                   plain mmap (lazy) and after mmap(MAP_POPULATE), best
 *                   of several passes (the mmap() call's share too)
 *   first write     the same, writing: for the DMA buffer this includes
 *                   the write-protect fault that records the page
 *   write, read     MiB/s over the whole buffer once every page is mapped
 *                   and writable (steady state), best of several passes
 *   sync            SYNC_FOR_DEVICE with one dirty page and with every
 *                   page dirty
 *   load            MiB/s of the device (fw_cfg DMA) loading the host's
 *                   1 MiB file into the buffer, against memcpy() of as
 *                   many bytes into the mapped buffer, best of several
 */
#include <errno.h>
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

#define PASSES	5

static int fd;
static size_t ps, size;
static off_t dma_offset;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "dma_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* The buffer (dma) or anonymous memory of the same size. */
static uint8_t *map(int dma, int flags)
{
	void *p;

	if (dma)
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | flags, fd, dma_offset);
	else
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
	if (p == MAP_FAILED)
		die(dma ? "mmap of the DMA buffer" : "mmap of anonymous memory");
	return p;
}

static void touch(volatile uint8_t *p)
{
	size_t i;

	for (i = 0; i < size; i += ps)
		p[i] = 1;
}

static void read_touch(volatile uint8_t *p)
{
	unsigned int sum = 0;
	size_t i;

	for (i = 0; i < size; i += ps)
		sum += p[i];
	if (sum == 1u << 31)	/* keeps the reads */
		printf("#\n");
}

/*
 * Seconds from mmap() until every page has been read (@write 0) or
 * written (@write 1) once; *@map_s gets the mmap() call's share.
 */
static double first_touch(int dma, int flags, int write, double *map_s)
{
	double t, m, best = 1e9, best_m = 0;
	uint8_t *p;
	int n;

	for (n = 0; n < PASSES; n++) {
		t = now();
		p = map(dma, flags);
		m = now() - t;
		if (write)
			touch(p);
		else
			read_touch(p);
		t = now() - t;
		munmap(p, size);
		if (t < best) {
			best = t;
			best_m = m;
		}
	}
	if (map_s)
		*map_s = best_m;
	return best;
}

static void write_pass(uint8_t *p, uint8_t v)
{
	uint64_t *w = (uint64_t *)p, x = v * 0x0101010101010101ULL;
	size_t i;

	for (i = 0; i < size / 8; i++)
		w[i] = x;
	__asm__ volatile("" : : "r"(w) : "memory");
}

static uint64_t read_pass(const uint8_t *p)
{
	const volatile uint64_t *w = (const volatile uint64_t *)p;
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < size / 8; i++)
		sum += w[i];
	return sum;
}

/* Best MiB/s of PASSES writes and reads over mapped, writable pages. */
static void bandwidth(int dma, double *wr, double *rd)
{
	uint8_t *p = map(dma, 0);
	uint64_t sum = 0;
	double t, best_w = 1e9, best_r = 1e9;
	int i;

	touch(p);
	for (i = 0; i < PASSES; i++) {
		t = now();
		write_pass(p, (uint8_t)i);
		t = now() - t;
		best_w = t < best_w ? t : best_w;
		t = now();
		sum += read_pass(p);
		t = now() - t;
		best_r = t < best_r ? t : best_r;
	}
	*wr = size / 1048576.0 / best_w;
	*rd = size / 1048576.0 / best_r;
	if (sum == 1)	/* keeps the reads */
		printf("#\n");
	munmap(p, size);
}

/* Best seconds of PASSES SYNC_FOR_DEVICE with @dirty pages written. */
static double sync_time(uint8_t *p, size_t dirty)
{
	struct mmiodemo_sync s;
	double t, best = 1e9;
	size_t i;
	int n;

	for (n = 0; n < PASSES; n++) {
		for (i = 0; i < dirty; i++)
			p[i * ps] = (uint8_t)n;
		memset(&s, 0, sizeof(s));
		t = now();
		if (ioctl(fd, MMIODEMO_IOC_SYNC_FOR_DEVICE, &s))
			die("MMIODEMO_IOC_SYNC_FOR_DEVICE");
		t = now() - t;
		if (s.count != dirty) {
			fprintf(stderr, "dma_bench: synced %u pages, wrote %zu\n",
				s.count, dirty);
			exit(1);
		}
		best = t < best ? t : best;
	}
	return best;
}

#define BLOB	"opt/mmiodemo/random"	/* 1 MiB, qemu/mkblobs.py */

/* Best MiB/s of the device loading BLOB, and of memcpy() of as much. */
static void load_rate(double *dev, double *cpu)
{
	struct mmiodemo_load l;
	double t, best_dev = 1e9, best_cpu = 1e9;
	size_t len = 1 << 20;
	uint8_t *p, *src;
	int n;

	src = malloc(len);
	if (!src)
		die("malloc");
	memset(src, 0x5a, len);
	p = map(1, 0);
	memset(p, 0, len);	/* mapped and writable: memcpy's best case */
	for (n = 0; n < PASSES; n++) {
		memset(&l, 0, sizeof(l));
		strcpy(l.name, BLOB);
		t = now();
		if (ioctl(fd, MMIODEMO_IOC_LOAD, &l))
			die("MMIODEMO_IOC_LOAD of " BLOB);
		t = now() - t;
		best_dev = t < best_dev ? t : best_dev;
		t = now();
		memcpy(p, src, len);
		t = now() - t;
		best_cpu = t < best_cpu ? t : best_cpu;
	}
	munmap(p, size);
	free(src);
	*dev = len / 1048576.0 / best_dev;
	*cpu = len / 1048576.0 / best_cpu;
}

static void row(const char *what, const char *unit, double dma, double anon,
		const char *target)
{
	printf("%-28s %12.3f %12.3f %s %8.3f  %s\n", what, dma, anon, unit,
	       dma / anon, target);
}

int main(void)
{
	struct mmiodemo_info info;
	struct mmiodemo_sync s;
	double mib, wd, rd, wa, ra, one, all, md, ma, ld, lc;
	uint8_t *p;

	fd = open(DEVICE, O_RDWR);
	if (fd < 0)
		die(DEVICE);
	if (ioctl(fd, MMIODEMO_IOC_INFO, &info))
		die("MMIODEMO_IOC_INFO");
	if (info.nr_regions <= MMIODEMO_REGION_DMA) {
		fprintf(stderr, "dma_bench: the device has no DMA buffer\n");
		return 1;
	}
	ps = info.page_size;
	size = info.regions[MMIODEMO_REGION_DMA].size;
	dma_offset = (off_t)info.regions[MMIODEMO_REGION_DMA].offset;
	mib = size / 1048576.0;

	printf("dma_bench: %.0f MiB buffer vs %.0f MiB anonymous memory, %zu-byte pages\n",
	       mib, mib, ps);
	printf("%-28s %12s %12s %-4s %8s  %s\n", "", "dma", "anonymous", "",
	       "ratio", "target");
	row("first touch, lazy", "ms/MiB", first_touch(1, 0, 0, NULL) * 1e3 / mib,
	    first_touch(0, 0, 0, NULL) * 1e3 / mib, "ratio <= 2");
	row("first touch, MAP_POPULATE", "ms/MiB",
	    first_touch(1, MAP_POPULATE, 0, &md) * 1e3 / mib,
	    first_touch(0, MAP_POPULATE, 0, &ma) * 1e3 / mib, "ratio <= 2");
	row("  of which mmap(MAP_POPULATE)", "ms/MiB", md * 1e3 / mib,
	    ma * 1e3 / mib, "");
	row("first write, lazy", "ms/MiB", first_touch(1, 0, 1, NULL) * 1e3 / mib,
	    first_touch(0, 0, 1, NULL) * 1e3 / mib, "");
	row("first write, MAP_POPULATE", "ms/MiB",
	    first_touch(1, MAP_POPULATE, 1, NULL) * 1e3 / mib,
	    first_touch(0, MAP_POPULATE, 1, NULL) * 1e3 / mib, "");
	bandwidth(1, &wd, &rd);
	bandwidth(0, &wa, &ra);
	row("steady-state write", "MiB/s", wd, wa, "ratio >= 0.9");
	row("steady-state read", "MiB/s", rd, ra, "");

	p = map(1, 0);
	/* Start from an empty sync set: the passes above wrote every page. */
	memset(&s, 0, sizeof(s));
	if (ioctl(fd, MMIODEMO_IOC_SYNC_FOR_DEVICE, &s))
		die("MMIODEMO_IOC_SYNC_FOR_DEVICE");
	one = sync_time(p, 1);
	all = sync_time(p, size / ps);
	munmap(p, size);
	printf("%-28s %12.3f ms (1 dirty page) %12.3f ms (%zu dirty pages)  ratio %.4f  target <= 0.02\n",
	       "SYNC_FOR_DEVICE", one * 1e3, all * 1e3, size / ps, one / all);
	load_rate(&ld, &lc);
	printf("%-28s %12s %12s\n", "", "device", "memcpy");
	row("load 1 MiB (fw_cfg DMA)", "MiB/s", ld, lc, "");
	close(fd);
	return 0;
}
