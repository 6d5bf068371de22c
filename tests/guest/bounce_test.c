// SPDX-License-Identifier: GPL-2.0-only
/*
 * bounce_test: the DMA buffer's syncs, made observable. TCG models no
 * caches and, on a plain boot, the device reads and writes the buffer's
 * own pages, so a missing sync changes nothing. Booted with swiotlb=force
 * (make test KERNEL=debian-6.1-swiotlb, debian-7.3-swiotlb) every page is
 * mapped for the device through a bounce slot: the device works on the
 * slot, SYNC_FOR_DEVICE copies the page to it and SYNC_FOR_CPU copies it
 * back. Then a sync that is missing, or one that copies too much, shows
 * in the data. "Bouncing" is decided from /proc/cmdline (swiotlb=force,
 * or swiotlb=SIZE,force); a check that only a bouncing boot can make is a
 * SKIP elsewhere.
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
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"
#include "mmiodemo.h"

#define BLOB		"opt/mmiodemo/pattern"	/* workbench/blobs.py */
#define BLOB_SIZE	(64 << 10)
#define SWIOTLB_USED	"/sys/kernel/debug/swiotlb/io_tlb_used"
/* Asks the host for a screendump of ramfb, as tests/guest/fb_test.sh does. */
#define SCREENDUMP	"/tests/fb_test.sh screendump "

/* Byte @o of the pattern blob: the tool's "offset" pattern. */
static uint8_t pattern_byte(size_t o)
{
	return (uint8_t)(o ^ o >> 8 ^ o >> 16);
}

/* What the CPU writes at byte @o of a test page: never 0x11. */
static uint8_t cpu_byte(size_t o, unsigned int round)
{
	return (uint8_t)(0x12 + (o * 13 + 7 * round) % 0xee);
}

/*
 * Does the kernel command line force bouncing: swiotlb=force, or with a
 * size first (swiotlb=16384,force)?
 */
static int bouncing(void)
{
	char line[4096], *tok, *save, *last;
	FILE *f = fopen("/proc/cmdline", "r");
	int found = 0;

	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f))
		for (tok = strtok_r(line, "\n ", &save); tok;
		     tok = strtok_r(NULL, "\n ", &save)) {
			if (strncmp(tok, "swiotlb=", 8))
				continue;
			last = strrchr(tok, ',');
			found = !strcmp(last ? last + 1 : tok + 8, "force");
		}
	fclose(f);
	return found;
}

FIXTURE(bounce) {
	int fd;
	struct mmiodemo_info info;
	const struct mmiodemo_region *r;
	size_t ps;
	size_t npages;
	volatile uint8_t *map;
	int bouncing;
};

/* A sync of pages [first, first + n) (n 0: to the end); count or -errno. */
static int sync_pages(FIXTURE_DATA(bounce) *self, unsigned long cmd,
		      size_t first, size_t n)
{
	return sync_range(self->fd, cmd, self->ps, first, n);
}

/* The device loads [from, from + len) of the blob at buffer @offset. */
static int load(FIXTURE_DATA(bounce) *self, uint64_t from, uint64_t offset,
		uint64_t len)
{
	struct mmiodemo_load l = {
		.name = BLOB, .blob_offset = from, .offset = offset, .len = len,
	};

	return ioctl(self->fd, MMIODEMO_IOC_LOAD, &l) ? -errno : (int)l.len;
}

FIXTURE_SETUP(bounce)
{
	void *p;

	self->map = NULL;
	self->bouncing = bouncing();
	self->fd = open(DEVICE, O_RDWR);
	if (self->fd < 0 && errno == ENOENT)
		SETUP_SKIP(DEVICE " is absent: is the driver bound?");
	ASSERT_LE(0, self->fd) TH_LOG("open: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_INFO, &self->info));
	ASSERT_LT(MMIODEMO_REGION_DMA, self->info.nr_regions);
	self->r = &self->info.regions[MMIODEMO_REGION_DMA];
	self->ps = self->info.page_size;
	self->npages = self->r->size / self->ps;
	ASSERT_LE(16U, self->npages) TH_LOG("the tests want 16 pages or more");
	p = mmap(NULL, self->r->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, (off_t)self->r->offset);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap: %s", strerror(errno));
	self->map = p;
	/* What earlier programs wrote goes to the device (its slots) now. */
	ASSERT_LE(0, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 0, 0));
}

FIXTURE_TEARDOWN(bounce)
{
	if (self->map)
		munmap((void *)self->map, self->r->size);
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * The boot bounces exactly when its command line says swiotlb=force:
 * then each page of the buffer holds a bounce slot (io_tlb_used counts
 * slots of 2 KiB), else the buffer's pages hold none (6.1 then has no
 * swiotlb at all; 7.x has a small one for unaligned kmalloc() buffers).
 */
TEST_F(bounce, device_mappings_bounce_exactly_when_swiotlb_is_forced)
{
	FILE *f = fopen(SWIOTLB_USED, "r");
	long used = -1;

	if (f) {
		if (fscanf(f, "%ld", &used) != 1)
			used = -1;
		fclose(f);
	}
	/* Debugfs without a swiotlb directory: the kernel has no swiotlb. */
	if (used < 0 && !access(DEBUGFS, F_OK) && !self->bouncing)
		used = 0;
	if (used < 0)
		SKIP(return, "no " SWIOTLB_USED ": cannot tell");
	TH_LOG("swiotlb=force %s, %ld bounce slots in use, buffer of %zu pages",
	       self->bouncing ? "given" : "not given", used, self->npages);
	EXPECT_EQ(self->bouncing, used >= (long)self->npages);
}

/*
 * Pages [2, 4) hold 0xa5, handed to the device; then the device loads
 * the blob into the middle of them: ps bytes from 2.5 pages on.
 */
static void load_over_known_bytes(FIXTURE_DATA(bounce) *self,
				  struct __test_metadata *_metadata)
{
	size_t off = 2 * self->ps + self->ps / 2;

	memset((void *)(self->map + 2 * self->ps), 0xa5, 2 * self->ps);
	ASSERT_EQ(2, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 2, 2));
	ASSERT_EQ((int)self->ps, load(self, 100, off, self->ps))
		TH_LOG("the harness gives QEMU " BLOB);
}

/* Bytes of pages [2, 4) that are not what the load should leave there. */
static size_t wrong_after_load(FIXTURE_DATA(bounce) *self, size_t *first)
{
	size_t from = self->ps / 2, i, bad = 0;
	uint8_t want, got;

	for (i = 0; i < 2 * self->ps; i++) {
		want = 0xa5;
		if (i >= from && i < from + self->ps)
			want = pattern_byte(100 + i - from);
		got = self->map[2 * self->ps + i];
		if (got != want && !bad++)
			*first = i;
	}
	return bad;
}

/*
 * Before SYNC_FOR_CPU, the CPU still reads what it wrote: the device
 * wrote its bounce slots. Only a bouncing boot can show it (on a plain
 * one the device writes the pages the CPU reads).
 */
TEST_F(bounce, device_writes_are_not_seen_before_sync_for_cpu)
{
	size_t i, changed = 0;

	load_over_known_bytes(self, _metadata);
	for (i = 0; i < 2 * self->ps; i++)
		if (self->map[2 * self->ps + i] != 0xa5)
			changed++;
	if (!self->bouncing)
		SKIP(return, "swiotlb not forced: the device wrote the CPU's pages (%zu bytes)",
		     changed);
	EXPECT_EQ(0U, changed) TH_LOG("the load reached the CPU's pages before SYNC_FOR_CPU");
}

/* After SYNC_FOR_CPU of the range, the CPU reads what the device wrote. */
TEST_F(bounce, device_writes_are_seen_after_sync_for_cpu)
{
	size_t first = 0, bad;

	load_over_known_bytes(self, _metadata);
	EXPECT_EQ(2, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_CPU, 2, 2));
	bad = wrong_after_load(self, &first);
	EXPECT_EQ(0U, bad) TH_LOG("%zu bytes of pages 2-3 wrong, first byte %zu: 0x%02x",
				  bad, first, self->map[2 * self->ps + first]);
}

/*
 * A LOAD hands its pages to the device, CPU writes not yet synced
 * included: SYNC_FOR_CPU afterwards shows what the device wrote, and does
 * not hand those writes to the device again over it (with bounce buffers
 * it did: the whole page was the CPU's again).
 */
TEST_F(bounce, load_over_unsynced_cpu_writes_is_what_sync_for_cpu_shows)
{
	size_t first = 0, bad;

	memset((void *)(self->map + 2 * self->ps), 0xa5, 2 * self->ps);
	ASSERT_EQ((int)self->ps, load(self, 100, 2 * self->ps + self->ps / 2,
				      self->ps));
	EXPECT_EQ(2, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_CPU, 2, 2));
	bad = wrong_after_load(self, &first);
	EXPECT_EQ(0U, bad) TH_LOG("%zu bytes of pages 2-3 wrong, first byte %zu: 0x%02x",
				  bad, first, self->map[2 * self->ps + first]);
	/* Handed to the device by the load: not in the sync set any more. */
	EXPECT_EQ(0, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 2, 2));
}

/* Pages [first, first + 3): the bytes that are not cpu_byte(, round). */
static size_t wrong_cpu_bytes(FIXTURE_DATA(bounce) *self, size_t first,
			      unsigned int round, struct __test_metadata *_metadata)
{
	size_t p, i, bad, all = 0;
	uint8_t got;

	for (p = first; p < first + 3; p++) {
		bad = 0;
		for (i = 0; i < self->ps; i++) {
			got = self->map[p * self->ps + i];
			if (got != cpu_byte(i, round) && !bad++)
				TH_LOG("page %zu byte %zu: 0x%02x, written 0x%02x",
				       p, i, got, cpu_byte(i, round));
		}
		if (bad)
			TH_LOG("page %zu: %zu of %zu bytes changed", p, bad,
			       self->ps);
		all += bad;
	}
	return all;
}

/*
 * Pages [first, first + 3) hold 0x11, handed to the device (their bounce
 * slots too); then the CPU writes cpu_byte(, round) over them and does
 * not hand them to the device.
 */
static void write_unsynced(FIXTURE_DATA(bounce) *self, size_t first,
			   unsigned int round, struct __test_metadata *_metadata)
{
	size_t p, i;

	memset((void *)(self->map + first * self->ps), 0x11, 3 * self->ps);
	ASSERT_EQ(3, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, first, 3));
	for (p = first; p < first + 3; p++)
		for (i = 0; i < self->ps; i++)
			self->map[p * self->ps + i] = cpu_byte(i, round);
}

/*
 * SYNC_FOR_CPU of a range never discards CPU writes that were not
 * synced for the device: the pages of the range in the sync set go to
 * the device first (before, with bounce buffers, their stale slots were
 * copied over the writes).
 */
TEST_F(bounce, sync_for_cpu_of_a_range_keeps_unsynced_cpu_writes)
{
	write_unsynced(self, 4, 1, _metadata);
	EXPECT_EQ(3, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_CPU, 4, 3));
	EXPECT_EQ(0U, wrong_cpu_bytes(self, 4, 1, _metadata));
}

/*
 * The same for SYNC_FOR_CPU of the whole buffer (len 0) after a load
 * elsewhere, whose bytes it must also show.
 */
TEST_F(bounce, sync_for_cpu_of_the_whole_buffer_keeps_unsynced_cpu_writes)
{
	size_t off = 10 * self->ps, i, bad = 0;

	write_unsynced(self, 4, 2, _metadata);
	ASSERT_EQ(1000, load(self, 0, off, 1000));
	EXPECT_EQ((int)self->npages,
		  sync_pages(self, MMIODEMO_IOC_SYNC_FOR_CPU, 0, 0));
	EXPECT_EQ(0U, wrong_cpu_bytes(self, 4, 2, _metadata));
	for (i = 0; i < 1000; i++)
		if (self->map[off + i] != pattern_byte(i))
			bad++;
	EXPECT_EQ(0U, bad) TH_LOG("the load at page 10 is not what the CPU reads");
}

/* 16x16 XRGB8888 pixels of @color at buffer page @page. */
static void fill_picture(FIXTURE_DATA(bounce) *self, size_t page,
			 uint32_t color)
{
	volatile uint32_t *px =
		(volatile uint32_t *)(self->map + page * self->ps);
	int i;

	for (i = 0; i < 16 * 16; i++)
		px[i] = color;
}

/*
 * ramfb scans out what the device reads: a picture the CPU drew after
 * FB_SHOW reaches it only after SYNC_FOR_DEVICE. The guest asks for two
 * screendumps; the host checks them (tests/guest/bounce_test.host.py,
 * host.bounce_*): blue before the sync on a bouncing boot (green on a
 * plain one, where the device reads the CPU's pages), green after it.
 */
TEST_F_TIMEOUT(bounce, scan_out_shows_cpu_writes_after_sync_for_device, 120)
{
	struct mmiodemo_fb fb = {
		.offset = 12 * self->ps, .width = 16, .height = 16,
		.stride = 16 * 4, .format = MMIODEMO_FB_XRGB8888,
	};
	int ret;

	fill_picture(self, 12, 0x000000ff);	/* blue */
	ASSERT_EQ(1, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 12, 1));
	ret = ioctl(self->fd, MMIODEMO_IOC_FB_SHOW, &fb);
	if (ret && errno == EOPNOTSUPP)
		SKIP(return, "QEMU has no ramfb");
	ASSERT_EQ(0, ret) TH_LOG("FB_SHOW: %s", strerror(errno));
	fill_picture(self, 12, 0x0000ff00);	/* green, not synced */
	EXPECT_EQ(0, system(SCREENDUMP "bounce-unsynced"));
	EXPECT_EQ(1, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 12, 1));
	EXPECT_EQ(0, system(SCREENDUMP "bounce-synced"));
	EXPECT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_FB_OFF));
}

TEST_HARNESS_MAIN
