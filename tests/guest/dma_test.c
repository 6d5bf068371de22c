// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma_test: the DMA buffer of /dev/mmiodemo, tested in the guest: pages
 * that appear on first touch, exact dirty sets, syncs, and the kernel's
 * view of the same memory (debugfs "dma"). Counters come from debugfs
 * "stats", page presence from /proc/self/pagemap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/io_uring.h>

#include "kselftest_harness.h"
#include "common.h"
#include "mmiodemo.h"

#define PM_PRESENT	(1ULL << 63)

/* Pages of [addr, addr + n pages) that have a present PTE, as a count. */
static int present_pages(void *addr, size_t n, size_t ps, int *first)
{
	uint64_t entry;
	int fd, count = 0;
	size_t i;

	*first = -1;
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return -1;
	for (i = 0; i < n; i++) {
		off_t off = (off_t)((uintptr_t)addr / ps + i) * 8;

		if (pread(fd, &entry, 8, off) != 8) {
			count = -1;
			break;
		}
		if (entry & PM_PRESENT) {
			if (*first < 0)
				*first = (int)i;
			count++;
		}
	}
	close(fd);
	return count;
}

FIXTURE(dma) {
	int fd;
	struct mmiodemo_info info;
	const struct mmiodemo_region *r;
	size_t ps;
	size_t npages;
	uint64_t *bitmap;
	volatile uint8_t *map;
};

/* Takes the dirty log; returns its count, the bits in self->bitmap. */
static int get_dirty(FIXTURE_DATA(dma) *self)
{
	struct mmiodemo_dirty d = {
		.bitmap = (uintptr_t)self->bitmap,
		.nr_pages = (uint32_t)self->npages,
	};

	if (ioctl(self->fd, MMIODEMO_IOC_GET_DIRTY, &d))
		return -errno;
	return (int)d.count;
}

/* A sync of pages [first, first + n) (n 0: to the end); count or -errno. */
static int sync_pages(FIXTURE_DATA(dma) *self, unsigned long cmd,
		      size_t first, size_t n)
{
	return sync_range(self->fd, cmd, self->ps, first, n);
}

static int bit(FIXTURE_DATA(dma) *self, size_t page)
{
	return (self->bitmap[page / 64] >> (page % 64)) & 1;
}

static volatile uint8_t *map_buffer(FIXTURE_DATA(dma) *self, int fd,
				    size_t first, size_t n, int prot,
				    int flags)
{
	void *p = mmap(NULL, n * self->ps, prot, MAP_SHARED | flags, fd,
		       (off_t)(self->r->offset + first * self->ps));

	return p == MAP_FAILED ? NULL : p;
}

FIXTURE_SETUP(dma)
{
	self->map = NULL;
	self->bitmap = NULL;
	self->fd = open(DEVICE, O_RDWR);
	if (self->fd < 0 && errno == ENOENT)
		SETUP_SKIP(DEVICE " is absent: is the driver bound?");
	ASSERT_LE(0, self->fd) TH_LOG("open: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_INFO, &self->info));
	ASSERT_LT(MMIODEMO_REGION_DMA, self->info.nr_regions);
	self->r = &self->info.regions[MMIODEMO_REGION_DMA];
	self->ps = self->info.page_size;
	self->npages = self->r->size / self->ps;
	ASSERT_LE(8U, self->npages) TH_LOG("the tests want 8 pages or more");
	self->bitmap = calloc((self->npages + 63) / 64, 8);
	ASSERT_NE(NULL, self->bitmap);

	/* Start from empty sets; counters count from here. */
	ASSERT_LE(0, get_dirty(self));
	ASSERT_LE(0, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 0, 0));
	ASSERT_EQ(0, counters_start()) TH_LOG("debugfs stats unreadable");
	ASSERT_EQ(0, counter("faults"));
}

FIXTURE_TEARDOWN(dma)
{
	if (self->map)
		munmap((void *)self->map, self->npages * self->ps);
	free(self->bitmap);
	if (self->fd >= 0)
		close(self->fd);
}

/* INFO describes the buffer: cacheable, dirty-tracked, whole pages. */
TEST_F(dma, info_describes_the_dma_region)
{
	EXPECT_STREQ("dma", self->r->name);
	EXPECT_EQ(MMIODEMO_CACHING_WRITEBACK, self->r->caching);
	EXPECT_EQ(MMIODEMO_REGION_F_READ | MMIODEMO_REGION_F_WRITE |
		  MMIODEMO_REGION_F_MMAP | MMIODEMO_REGION_F_DIRTY_LOG,
		  self->r->flags);
	EXPECT_EQ(0U, self->r->offset % self->ps);
	EXPECT_EQ(0U, self->r->size % self->ps);
}

/* Nothing is mapped at mmap() time: no fault, no present page. */
TEST_F(dma, nothing_is_mapped_before_the_first_touch)
{
	int first;

	self->map = map_buffer(self, self->fd, 0, self->npages,
			       PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, self->map) TH_LOG("mmap: %s", strerror(errno));
	EXPECT_EQ(0, counter("faults"));
	EXPECT_EQ(0, present_pages((void *)self->map, self->npages, self->ps,
				   &first));
}

/* Pages the driver mapped: each fault's own and those mapped around it. */
static long mapped(void)
{
	return counter("faults") + counter("faultaround");
}

/* The kernel's fault-around window in bytes, or -1 if unreadable. */
static long fault_around_bytes(void)
{
	FILE *f = fopen("/sys/kernel/debug/fault_around_bytes", "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/*
 * A read fault maps its page and the window of pages around it
 * (fault-around: .map_pages), all read-only: nothing is dirty, a first
 * write to each page is still recorded, and a later write fault maps
 * nothing new. The window is fault_around_bytes, aligned in the address
 * space; a fault into a page table that does not exist yet maps its page
 * alone (the next read fault there maps the rest).
 */
TEST_F(dma, a_read_fault_maps_its_window_read_only)
{
	long fab = fault_around_bytes();
	size_t win, k, i;
	uintptr_t base;
	int first;

	ASSERT_LT(0, fab) TH_LOG("cannot read fault_around_bytes");
	win = (size_t)fab / self->ps;
	ASSERT_LE(2U, win) TH_LOG("fault-around is off: %ld bytes", fab);
	self->map = map_buffer(self, self->fd, 0, self->npages,
			       PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, self->map);
	/* The first whole window inside the mapping, from the middle on. */
	base = (uintptr_t)self->map + self->npages / 2 * self->ps;
	base = (base + fab - 1) & ~(uintptr_t)(fab - 1);
	k = (base - (uintptr_t)self->map) / self->ps;
	ASSERT_LE(k + win, self->npages);

	/* Reads: what earlier programs left there does not matter. */
	(void)self->map[k * self->ps];
	if (present_pages((void *)self->map, self->npages, self->ps,
			  &first) == 1)
		(void)self->map[(k + 1) * self->ps];
	EXPECT_EQ((int)win, present_pages((void *)self->map, self->npages,
					  self->ps, &first));
	EXPECT_EQ((int)k, first);
	EXPECT_EQ((long)win, mapped());
	EXPECT_GE(2, counter("faults"));
	EXPECT_EQ(0, counter("mkwrites"));
	EXPECT_EQ(0, get_dirty(self));

	for (i = k; i < k + win; i++)
		self->map[i * self->ps] = 1;
	EXPECT_EQ((long)win, counter("mkwrites"));
	EXPECT_EQ((long)win, mapped());
	EXPECT_EQ((int)win, get_dirty(self));
}

/* Fault-around stays inside the VMA: a one-page mapping maps one page. */
TEST_F(dma, fault_around_stays_inside_the_mapping)
{
	volatile uint8_t *p;
	int first;

	p = map_buffer(self, self->fd, self->npages / 2, 1, PROT_READ, 0);
	ASSERT_NE(NULL, p);
	(void)p[0];
	EXPECT_EQ(1, present_pages((void *)p, 1, self->ps, &first));
	EXPECT_EQ(1, mapped());
	munmap((void *)p, self->ps);
}

/* MAP_POPULATE maps every page up front, and dirties none. */
TEST_F(dma, map_populate_maps_every_page)
{
	int first;

	self->map = map_buffer(self, self->fd, 0, self->npages,
			       PROT_READ | PROT_WRITE, MAP_POPULATE);
	ASSERT_NE(NULL, self->map);
	EXPECT_EQ((long)self->npages, mapped());
	EXPECT_EQ((int)self->npages,
		  present_pages((void *)self->map, self->npages, self->ps,
				&first));
	EXPECT_EQ(0, get_dirty(self));
}

/* Writing pages {0, 5, last} gives exactly that dirty set, once. */
TEST_F(dma, writes_give_exactly_their_dirty_set)
{
	size_t last = self->npages - 1, i;

	self->map = map_buffer(self, self->fd, 0, self->npages,
			       PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, self->map);
	self->map[0] = 1;
	self->map[5 * self->ps + 100] = 2;
	self->map[5 * self->ps + 200] = 3;
	self->map[last * self->ps + self->ps - 1] = 4;

	ASSERT_EQ(3, get_dirty(self));
	for (i = 0; i < self->npages; i++)
		EXPECT_EQ(i == 0 || i == 5 || i == last, bit(self, i))
			TH_LOG("page %zu", i);
	EXPECT_EQ(3, counter("mkwrites"));
	EXPECT_EQ(0, get_dirty(self)) TH_LOG("taking the log clears it");
}

/* After SYNC_FOR_DEVICE the set is empty; the next write shows again. */
TEST_F(dma, sync_for_device_empties_the_set_and_rearms_tracking)
{
	size_t last = self->npages - 1;

	self->map = map_buffer(self, self->fd, 0, self->npages,
			       PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, self->map);
	self->map[0] = 1;
	self->map[5 * self->ps] = 2;
	self->map[last * self->ps] = 3;

	EXPECT_EQ(3, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 0, 0));
	EXPECT_EQ(0, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 0, 0));
	EXPECT_EQ(3, get_dirty(self));
	EXPECT_EQ(0, get_dirty(self));

	self->map[5 * self->ps + 1] = 5;
	EXPECT_EQ(1, get_dirty(self));
	EXPECT_EQ(1, bit(self, 5));
	EXPECT_EQ(1, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 0, 0));
	EXPECT_EQ(4, counter("mkwrites"));
	EXPECT_EQ(4, counter("pages_synced"));
}

/* A sync of a range takes only the dirty pages inside it. */
TEST_F(dma, sync_of_a_range_takes_only_its_dirty_pages)
{
	self->map = map_buffer(self, self->fd, 0, self->npages,
			       PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, self->map);
	self->map[0] = 1;
	self->map[5 * self->ps] = 2;

	EXPECT_EQ(1, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 4, 4));
	EXPECT_EQ(1, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 0, 0));
}

/* Two mappings at other addresses and offsets share data and dirt. */
TEST_F(dma, a_buffer_mapped_twice_shares_data_and_dirty_state)
{
	volatile uint8_t *b;
	int fd2;

	self->map = map_buffer(self, self->fd, 0, self->npages,
			       PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, self->map);
	fd2 = open(DEVICE, O_RDWR);
	ASSERT_LE(0, fd2);
	b = map_buffer(self, fd2, 2, 4, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, b) TH_LOG("mmap at page 2: %s", strerror(errno));

	b[10] = 0xa1;			/* buffer page 2 */
	EXPECT_EQ(0xa1, self->map[2 * self->ps + 10]);
	EXPECT_EQ(1, get_dirty(self));
	EXPECT_EQ(1, bit(self, 2));

	self->map[3 * self->ps + 20] = 0xb2;	/* B's second page */
	EXPECT_EQ(0xb2, b[self->ps + 20]);
	EXPECT_EQ(1, get_dirty(self));
	EXPECT_EQ(1, bit(self, 3));

	/* Re-armed in both mappings: a write through either is seen. */
	b[11] = 0xa2;
	EXPECT_EQ(1, get_dirty(self));
	self->map[2 * self->ps + 12] = 0xa3;
	EXPECT_EQ(1, get_dirty(self));
	EXPECT_EQ(1, bit(self, 2));
	munmap((void *)b, 4 * self->ps);
	close(fd2);
}

/* What userspace writes is what the kernel reads, after the sync. */
TEST_F(dma, mapping_writes_are_what_the_kernel_reads)
{
	uint8_t buf[64];
	size_t i;
	int dfd;

	self->map = map_buffer(self, self->fd, 0, self->npages,
			       PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, self->map);
	for (i = 0; i < sizeof(buf); i++)
		self->map[self->ps + 32 + i] = (uint8_t)(i * 7 + 1);
	EXPECT_EQ(1, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 0, 0));

	dfd = open(DEBUGFS "/dma", O_RDONLY);
	ASSERT_LE(0, dfd) TH_LOG(DEBUGFS "/dma: %s", strerror(errno));
	ASSERT_EQ((ssize_t)sizeof(buf),
		  pread(dfd, buf, sizeof(buf), (off_t)self->ps + 32));
	for (i = 0; i < sizeof(buf); i++)
		EXPECT_EQ((uint8_t)(i * 7 + 1), buf[i]) TH_LOG("byte %zu", i);
	close(dfd);
}

#define BLOB		"opt/mmiodemo/pattern"	/* workbench/blobs.py */
#define BLOB_SIZE	(64 << 10)

/* The tool's "offset" pattern, which the pattern blob holds. */
static uint8_t pattern_byte(size_t o)
{
	return (uint8_t)(o ^ o >> 8 ^ o >> 16);
}

/* The device loads [from, from + len) of @name at buffer @offset. */
static int load(FIXTURE_DATA(dma) *self, int fd, const char *name,
		uint64_t from, uint64_t offset, uint64_t len)
{
	struct mmiodemo_load l = {
		.blob_offset = from, .offset = offset, .len = len,
	};

	strncpy(l.name, name, sizeof(l.name) - 1);
	(void)self;
	return ioctl(fd, MMIODEMO_IOC_LOAD, &l) ? -errno : (int)l.len;
}

/*
 * What the device writes (fw_cfg DMA of a host file) is what userspace
 * reads after SYNC_FOR_CPU, at any byte offset, and it dirties nothing.
 */
TEST_F(dma, device_writes_are_what_userspace_reads_after_sync_for_cpu)
{
	size_t off = 2 * self->ps + 8, i;

	ASSERT_EQ(1000, load(self, self->fd, BLOB, 100, off, 1000))
		TH_LOG("the harness gives QEMU " BLOB);
	EXPECT_EQ(1000, counter("bytes_loaded"));
	EXPECT_EQ((int)self->npages,
		  sync_pages(self, MMIODEMO_IOC_SYNC_FOR_CPU, 0, 0));
	self->map = map_buffer(self, self->fd, 0, self->npages, PROT_READ, 0);
	ASSERT_NE(NULL, self->map);
	for (i = 0; i < 1000; i++)
		ASSERT_EQ(pattern_byte(100 + i), self->map[off + i])
			TH_LOG("byte %zu", i);
	EXPECT_EQ(0, get_dirty(self)) TH_LOG("the device's writes are not the CPU's");
	EXPECT_EQ(0, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 0, 0));
}

/* len 0 loads the rest of the file, and says how much that was. */
TEST_F(dma, load_of_len_0_takes_the_rest_of_the_file)
{
	EXPECT_EQ(BLOB_SIZE - 4096, load(self, self->fd, BLOB, 4096, 0, 0));
}

/* Bad loads: their own errno each, and the buffer is untouched. */
TEST_F(dma, bad_loads_are_refused)
{
	uint64_t size = self->r->size;
	struct mmiodemo_load l = { .name = BLOB, .reserved = 1 };
	int ro;

	EXPECT_EQ(-ENOENT, load(self, self->fd, "opt/mmiodemo/nothing", 0, 0, 0));
	EXPECT_EQ(-EINVAL, load(self, self->fd, "", 0, 0, 0));
	EXPECT_EQ(-EINVAL, load(self, self->fd, BLOB, 0, size - 10, 100))
		TH_LOG("past the buffer's end");
	EXPECT_EQ(-EINVAL, load(self, self->fd, BLOB, BLOB_SIZE + 1, 0, 0))
		TH_LOG("past the file's end");
	EXPECT_EQ(-EINVAL, load(self, self->fd, BLOB, 10, 0, BLOB_SIZE))
		TH_LOG("runs past the file's end");
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_LOAD, &l));
	EXPECT_EQ(EINVAL, errno) TH_LOG("reserved not 0");
	memset(l.name, 'x', sizeof(l.name));
	l.reserved = 0;
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_LOAD, &l));
	EXPECT_EQ(EINVAL, errno) TH_LOG("a name without its NUL");
	ro = open(DEVICE, O_RDONLY);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-EBADF, load(self, ro, BLOB, 0, 0, 0));
	close(ro);
	EXPECT_EQ(0, counter("bytes_loaded"));
}

/* A scan-out request of 640x480 XRGB8888 at buffer @offset. */
static int fb_show(int fd, struct mmiodemo_fb *fb)
{
	return ioctl(fd, MMIODEMO_IOC_FB_SHOW, fb) ? -errno : 0;
}

static struct mmiodemo_fb vga(uint64_t offset)
{
	struct mmiodemo_fb fb = {
		.offset = offset, .width = 640, .height = 480,
		.stride = 640 * 4, .format = MMIODEMO_FB_XRGB8888,
	};

	return fb;
}

/* Bad scan-outs: their own errno each; one scan-out at a time. */
TEST_F(dma, bad_scan_outs_are_refused)
{
	struct mmiodemo_fb fb;
	int ro;

	fb = vga(0);
	fb.format = 0x34325241;	/* 'AR24': not supported */
	EXPECT_EQ(-EINVAL, fb_show(self->fd, &fb));
	fb = vga(0);
	fb.width = MMIODEMO_FB_MIN - 1;
	EXPECT_EQ(-EINVAL, fb_show(self->fd, &fb));
	fb = vga(0);
	fb.stride = 640 * 4 + 2;
	EXPECT_EQ(-EINVAL, fb_show(self->fd, &fb)) TH_LOG("an odd stride");
	fb.stride = 640 * 4 - 4;
	EXPECT_EQ(-EINVAL, fb_show(self->fd, &fb)) TH_LOG("lines overlap");
	fb = vga(1);
	EXPECT_EQ(-EINVAL, fb_show(self->fd, &fb)) TH_LOG("offset not a page");
	fb = vga(self->r->size - self->ps);
	EXPECT_EQ(-EINVAL, fb_show(self->fd, &fb)) TH_LOG("runs past the end");
	fb = vga(0);
	fb.width = fb.height = 8000;
	fb.stride = 8000 * 4;
	EXPECT_EQ(-EFBIG, fb_show(self->fd, &fb));
	fb = vga(0);
	fb.reserved = 1;
	EXPECT_EQ(-EINVAL, fb_show(self->fd, &fb));

	ro = open(DEVICE, O_RDONLY);
	ASSERT_LE(0, ro);
	fb = vga(0);
	EXPECT_EQ(-EBADF, fb_show(ro, &fb));
	EXPECT_EQ(-1, ioctl(ro, MMIODEMO_IOC_FB_OFF));
	EXPECT_EQ(EBADF, errno);
	close(ro);

	ASSERT_EQ(0, fb_show(self->fd, &fb)) TH_LOG("QEMU needs -device ramfb");
	EXPECT_EQ(-EBUSY, fb_show(self->fd, &fb));
	EXPECT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_FB_OFF));
	EXPECT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_FB_OFF)) TH_LOG("off is off");
	EXPECT_EQ(0, fb_show(self->fd, &fb)) TH_LOG("again after off");
	EXPECT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_FB_OFF));
}

static int dma_run(int fd, uint64_t offset, struct mmiodemo_dma_run *run)
{
	memset(run, 0, sizeof(*run));
	run->offset = offset;
	return ioctl(fd, MMIODEMO_IOC_DMA_RUN, run) ? -errno : 0;
}

/*
 * DMA_RUN: the runs tile the buffer in order, any byte of a run names it,
 * and a framebuffer is shown inside a run and refused across two (16
 * lines a page apart: 16 pages).
 */
TEST_F(dma, runs_tile_the_buffer_and_a_framebuffer_lies_in_one)
{
	struct mmiodemo_dma_run run, last;
	uint64_t offset = 0, cross = 0, big = 0;
	struct mmiodemo_fb fb = {
		.width = MMIODEMO_FB_MIN, .height = MMIODEMO_FB_MIN,
		.format = MMIODEMO_FB_XRGB8888,
	};
	int n = 0, ro;

	for (offset = 0; offset < self->r->size; offset += run.len, n++) {
		ASSERT_EQ(0, dma_run(self->fd, offset, &run));
		ASSERT_EQ(offset, run.offset);
		ASSERT_LT(0, run.len);
		ASSERT_EQ(0, run.len % self->ps);
		ASSERT_GE(self->r->size, run.offset + run.len);
		ASSERT_EQ(0, dma_run(self->fd, offset + run.len - 1, &last));
		EXPECT_EQ(run.offset, last.offset);
		EXPECT_EQ(run.len, last.len);
		if (offset && !cross)
			cross = offset;
		if (!big && run.len >= MMIODEMO_FB_MIN * self->ps)
			big = run.offset + 1;
	}
	EXPECT_EQ(self->r->size, offset);
	TH_LOG("%d runs, the first boundary at %#llx", n,
	       (unsigned long long)cross);

	EXPECT_EQ(-EINVAL, dma_run(self->fd, self->r->size, &run));
	memset(&run, 0, sizeof(run));
	run.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_DMA_RUN, &run));
	EXPECT_EQ(EINVAL, errno);
	ro = open(DEVICE, O_RDONLY);
	ASSERT_LE(0, ro);
	EXPECT_EQ(0, dma_run(ro, 0, &run)) TH_LOG("a read-only file may ask");
	close(ro);

	fb.stride = (uint32_t)self->ps;
	if (big) {
		fb.offset = big - 1;
		EXPECT_EQ(0, fb_show(self->fd, &fb)) TH_LOG("inside a run");
		EXPECT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_FB_OFF));
	}
	if (!cross)
		SKIP(return, "the buffer is one run: nothing to cross");
	/* 16 pages around the boundary, inside the buffer. */
	fb.offset = cross > MMIODEMO_FB_MIN / 2 * self->ps ?
		    cross - MMIODEMO_FB_MIN / 2 * self->ps : 0;
	if (fb.offset + MMIODEMO_FB_MIN * self->ps > self->r->size)
		fb.offset = self->r->size - MMIODEMO_FB_MIN * self->ps;
	EXPECT_EQ(-EINVAL, fb_show(self->fd, &fb)) TH_LOG("across two runs");
}

/* A read-only fd maps read-only and cannot dirty anything. */
TEST_F(dma, read_only_fd_cannot_dirty_anything)
{
	volatile uint8_t *p;
	unsigned int sum = 0;
	size_t i;
	int ro;

	ro = open(DEVICE, O_RDONLY);
	ASSERT_LE(0, ro);
	EXPECT_EQ(NULL, map_buffer(self, ro, 0, 1, PROT_READ | PROT_WRITE, 0));
	EXPECT_EQ(EACCES, errno);
	p = map_buffer(self, ro, 0, self->npages, PROT_READ, 0);
	ASSERT_NE(NULL, p);
	for (i = 0; i < self->npages; i++)
		sum += p[i * self->ps];
	EXPECT_EQ(-1, mprotect((void *)p, self->npages * self->ps,
			       PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(0, get_dirty(self));
	EXPECT_EQ(0, counter("mkwrites"));
	EXPECT_EQ((long)self->npages, mapped());
	TH_LOG("read %zu pages (byte sum %u)", self->npages, sum);
	munmap((void *)p, self->npages * self->ps);
	close(ro);
}

/* One writer and two takers (GET_DIRTY, SYNC_FOR_DEVICE), as threads. */
struct race {
	FIXTURE_DATA(dma) *self;
	atomic_int stop;
	uint64_t *seen;		/* every page a GET_DIRTY returned */
	long dirty_reports, sync_reports, takes;
};

static void *race_get_dirty(void *arg)
{
	struct race *rc = arg;
	size_t words = (rc->self->npages + 63) / 64, w;
	uint64_t *bm = calloc(words, 8);
	struct mmiodemo_dirty d = {
		.bitmap = (uintptr_t)bm,
		.nr_pages = (uint32_t)rc->self->npages,
	};

	while (bm && !atomic_load(&rc->stop)) {
		if (ioctl(rc->self->fd, MMIODEMO_IOC_GET_DIRTY, &d))
			break;
		for (w = 0; w < words; w++)
			rc->seen[w] |= bm[w];
		rc->dirty_reports += d.count;
		rc->takes++;
	}
	free(bm);
	return NULL;
}

static void *race_sync(void *arg)
{
	struct race *rc = arg;
	struct mmiodemo_sync s = { 0 };

	while (!atomic_load(&rc->stop)) {
		if (ioctl(rc->self->fd, MMIODEMO_IOC_SYNC_FOR_DEVICE, &s))
			break;
		rc->sync_reports += s.count;
	}
	return NULL;
}

/*
 * Writes racing with takes of both sets are never lost: over 20 rounds
 * (fewer if they take over 8 s, as on the debug kernel), every page
 * written once while two threads take the sets is reported, and
 * afterwards every page written once is reported exactly once by each set
 * (a lost write used to leave its page writable with its bit clear).
 */
TEST_F_TIMEOUT(dma, writes_racing_with_takes_are_never_lost, 60)
{
	size_t words = (self->npages + 63) / 64, p, w, missed = 0;
	pthread_t taker[2];
	struct race rc;
	time_t t0 = time(NULL);
	int round;

	self->map = map_buffer(self, self->fd, 0, self->npages,
			       PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, self->map);
	memset(&rc, 0, sizeof(rc));
	rc.self = self;
	rc.seen = calloc(words, 8);
	ASSERT_NE(NULL, rc.seen);

	for (round = 1; round <= 20 && (round == 1 || time(NULL) - t0 < 8);
	     round++) {
		atomic_store(&rc.stop, 0);
		memset(rc.seen, 0, words * 8);
		ASSERT_EQ(0, pthread_create(&taker[0], NULL, race_get_dirty,
					    &rc));
		ASSERT_EQ(0, pthread_create(&taker[1], NULL, race_sync, &rc));
		for (p = 0; p < self->npages; p++)
			self->map[p * self->ps + (size_t)round * 8] =
				(uint8_t)round;
		atomic_store(&rc.stop, 1);
		pthread_join(taker[0], NULL);
		pthread_join(taker[1], NULL);

		/* What the takers left is in the sets still. */
		ASSERT_LE(0, get_dirty(self));
		for (w = 0; w < words; w++)
			rc.seen[w] |= self->bitmap[w];
		for (p = 0; p < self->npages; p++)
			if (!((rc.seen[p / 64] >> (p % 64)) & 1))
				missed++;
		ASSERT_LE(0, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 0,
					0));
	}
	TH_LOG("%d rounds of %zu pages: %ld takes, %zu writes never reported",
	       round - 1, self->npages, rc.takes, missed);
	EXPECT_EQ(0U, missed);

	/* Quiet now: one write to each page, each reported exactly once. */
	for (p = 0; p < self->npages; p++)
		self->map[p * self->ps + 1] = 0x5a;
	EXPECT_EQ((int)self->npages, get_dirty(self));
	EXPECT_EQ((int)self->npages,
		  sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 0, 0));
	for (p = 0; p < self->npages; p++)
		EXPECT_EQ(0x5a, self->map[p * self->ps + 1]) TH_LOG("page %zu", p);
	free(rc.seen);
}

/* A writer through pins: one process_vm_writev() into its own mapping. */
struct pin_race {
	FIXTURE_DATA(dma) *self;
	atomic_int done;
	size_t npages;		/* pages written, from page 0 */
	uint8_t *src;		/* what they get */
	ssize_t ret;
};

static void *pin_writer(void *arg)
{
	struct pin_race *pr = arg;
	struct iovec local = {
		.iov_base = pr->src,
		.iov_len = pr->npages * pr->self->ps,
	};
	struct iovec remote = {
		.iov_base = (void *)pr->self->map,
		.iov_len = local.iov_len,
	};

	pr->ret = process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
	atomic_store(&pr->done, 1);
	return NULL;
}

/*
 * Writes through a pin are never lost to the dirty log. process_vm_writev()
 * pins the pages it writes (FOLL_PIN; a write fault, a dirty entry or
 * GUP's marking the page dirty records each), then copies into them page
 * after page, with no fault and no dirty entry: a take that takes a page
 * before its copy lands must find it pinned and keep it in the set, and
 * the unpin records it again. In each round one thread
 * writes the first 64 pages, whole, in one call, while this one takes the
 * log and notes what each reported page holds right after the take; then
 * a last take: a page whose content changed since it was last reported
 * must be in it. Rounds for 3 s.
 */
TEST_F_TIMEOUT(dma, writes_through_pins_are_in_a_later_set, 30)
{
	uint64_t noted[64], now;
	size_t p, changed = 0, missing = 0;
	struct pin_race pr = { .self = self };
	long rounds = 0, takes = 0;
	pthread_t writer;
	time_t t0;

	pr.npages = self->npages < 64 ? self->npages : 64;
	pr.src = malloc(pr.npages * self->ps);
	ASSERT_NE(NULL, pr.src);
	self->map = map_buffer(self, self->fd, 0, self->npages,
			       PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, self->map);
	for (p = 0; p < pr.npages; p++) {
		*(volatile uint64_t *)(self->map + p * self->ps) = 0;
		noted[p] = 0;
	}
	ASSERT_LE(0, get_dirty(self));

	for (t0 = time(NULL); time(NULL) - t0 < 3; rounds++) {
		memset(pr.src, (int)(rounds % 255) + 1, pr.npages * self->ps);
		atomic_store(&pr.done, 0);
		ASSERT_EQ(0, pthread_create(&writer, NULL, pin_writer, &pr));
		while (!atomic_load(&pr.done)) {
			ASSERT_LE(0, get_dirty(self));
			takes++;
			for (p = 0; p < pr.npages; p++)
				if (bit(self, p))
					noted[p] = *(volatile uint64_t *)(self->map + p * self->ps);
		}
		pthread_join(writer, NULL);
		ASSERT_EQ((ssize_t)(pr.npages * self->ps), pr.ret)
			TH_LOG("process_vm_writev: %s", strerror(errno));

		/* Quiet: what changed since its last report is in this set. */
		ASSERT_LE(0, get_dirty(self));
		for (p = 0; p < pr.npages; p++) {
			now = *(volatile uint64_t *)(self->map + p * self->ps);
			if (now != noted[p]) {
				changed++;
				missing += !bit(self, p);
			}
			noted[p] = now;
		}
	}
	TH_LOG("%ld rounds of %zu pages written through pins, %ld takes during them; %zu pages changed since their last report, %zu of them missing from the next set",
	       rounds, pr.npages, takes, changed, missing);
	EXPECT_EQ(0U, missing);
	free(pr.src);
}

/*
 * io_uring cannot make the buffer a fixed buffer, whose later writes
 * would land through a long-term pin: registering it is refused
 * (EOPNOTSUPP before Linux 6.5, which takes only shmem and hugetlb files;
 * EFAULT since, when GUP refuses long-term write pins of a file mapping
 * that tracks writes).
 */
TEST_F(dma, io_uring_cannot_register_the_buffer)
{
	struct io_uring_params params = { 0 };
	struct iovec iov;
	int ring, ret;

	ring = (int)syscall(__NR_io_uring_setup, 4, &params);
	if (ring < 0)
		SKIP(return, "no io_uring here: %s", strerror(errno));
	self->map = map_buffer(self, self->fd, 0, self->npages,
			       PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, self->map);
	iov.iov_base = (void *)self->map;
	iov.iov_len = 4 * self->ps;
	ret = (int)syscall(__NR_io_uring_register, ring,
			   IORING_REGISTER_BUFFERS, &iov, 1);
	TH_LOG("IORING_REGISTER_BUFFERS: %d (%s)", ret,
	       ret ? strerror(errno) : "registered");
	EXPECT_EQ(-1, ret);
	EXPECT_TRUE(errno == EOPNOTSUPP || errno == EFAULT);
	close(ring);
}

/*
 * A GET_DIRTY that cannot copy its bitmap out fails with EFAULT and loses
 * nothing: the pages it took are in the next one.
 */
TEST_F(dma, get_dirty_that_cannot_copy_out_loses_nothing)
{
	struct mmiodemo_dirty d = {
		.nr_pages = (uint32_t)self->npages,
	};
	void *ro;

	self->map = map_buffer(self, self->fd, 0, self->npages,
			       PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, self->map);
	ro = mmap(NULL, (self->npages + 63) / 64 * 8, PROT_READ,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	self->map[1 * self->ps] = 1;
	self->map[3 * self->ps] = 3;

	d.bitmap = (uintptr_t)ro;
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_GET_DIRTY, &d));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(2, get_dirty(self)) TH_LOG("the failed take lost its pages");
	EXPECT_EQ(1, bit(self, 1));
	EXPECT_EQ(1, bit(self, 3));
	munmap(ro, (self->npages + 63) / 64 * 8);
}

/*
 * msync(MS_SYNC) hands the dirty pages of its range to the device, as
 * SYNC_FOR_DEVICE of that range: they leave the sync set, not the dirty
 * log, and are counted in stats.
 */
TEST_F(dma, msync_hands_its_range_to_the_device)
{
	self->map = map_buffer(self, self->fd, 0, self->npages,
			       PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, self->map);
	self->map[1 * self->ps] = 1;
	self->map[3 * self->ps] = 3;
	self->map[4 * self->ps] = 4;

	/* Pages 3 and 4, given as one byte of 3 and the start of 4. */
	ASSERT_EQ(0, msync((void *)(self->map + 3 * self->ps), 2 * self->ps,
			   MS_SYNC)) TH_LOG("msync: %s", strerror(errno));
	EXPECT_EQ(2, counter("pages_synced"));
	EXPECT_EQ(1, counter("syncs"));
	EXPECT_EQ(1, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 0, 0))
		TH_LOG("only page 1 is left in the sync set");
	EXPECT_EQ(3, get_dirty(self)) TH_LOG("the dirty log is untouched");

	/* Re-armed: the next write to page 3 is seen again. */
	self->map[3 * self->ps + 1] = 5;
	EXPECT_EQ(0, msync((void *)self->map, self->npages * self->ps,
			   MS_SYNC));
	EXPECT_EQ(4, counter("pages_synced"));
}

/* MS_ASYNC does not reach the driver: nothing leaves the sync set. */
TEST_F(dma, msync_async_hands_nothing_to_the_device)
{
	self->map = map_buffer(self, self->fd, 0, self->npages,
			       PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, self->map);
	self->map[2 * self->ps] = 1;
	EXPECT_EQ(0, msync((void *)self->map, self->npages * self->ps,
			   MS_ASYNC));
	EXPECT_EQ(0, counter("syncs"));
	EXPECT_EQ(1, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 0, 0));
}

/* fsync() and fdatasync() hand every dirty page to the device. */
TEST_F(dma, fsync_hands_every_dirty_page_to_the_device)
{
	self->map = map_buffer(self, self->fd, 0, self->npages,
			       PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, self->map);
	self->map[0] = 1;
	self->map[(self->npages - 1) * self->ps] = 2;
	ASSERT_EQ(0, fsync(self->fd)) TH_LOG("fsync: %s", strerror(errno));
	EXPECT_EQ(2, counter("pages_synced"));
	EXPECT_EQ(0, sync_pages(self, MMIODEMO_IOC_SYNC_FOR_DEVICE, 0, 0));
	self->map[self->ps] = 3;
	ASSERT_EQ(0, fdatasync(self->fd));
	EXPECT_EQ(3, counter("pages_synced"));
	EXPECT_EQ(3, get_dirty(self)) TH_LOG("pages 0, 1 and the last");
}

/* Locked memory of this process, from /proc/self/status, in kB. */
static long vm_locked_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/*
 * mlock() of the buffer succeeds and locks nothing (the kernel skips
 * VM_DONTEXPAND mappings), but it does fault every page in, read-only:
 * nothing is dirtied.
 */
TEST_F(dma, mlock_succeeds_and_locks_nothing)
{
	long before = vm_locked_kb();

	self->map = map_buffer(self, self->fd, 0, self->npages,
			       PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, self->map);
	ASSERT_LE(0, before);
	EXPECT_EQ(0, mlock((void *)self->map, self->npages * self->ps));
	EXPECT_EQ(before, vm_locked_kb());
	EXPECT_EQ((long)self->npages, mapped());
	EXPECT_EQ(0, get_dirty(self));
	munlock((void *)self->map, self->npages * self->ps);
}

/* A mapping larger than the buffer is refused: ENXIO. */
TEST_F(dma, mapping_larger_than_the_buffer_is_refused_with_enxio)
{
	EXPECT_EQ(NULL, map_buffer(self, self->fd, 0, self->npages + 1,
				   PROT_READ, 0));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(NULL, map_buffer(self, self->fd, self->npages - 1, 2,
				   PROT_READ, 0));
	EXPECT_EQ(ENXIO, errno);
}

/* mremap() cannot grow a mapping past the buffer's end. */
TEST_F(dma, mremap_cannot_grow_the_mapping)
{
	void *p;

	self->map = map_buffer(self, self->fd, 0, self->npages - 1, PROT_READ,
			       0);
	ASSERT_NE(NULL, self->map);
	p = mremap((void *)self->map, (self->npages - 1) * self->ps,
		   (self->npages + 1) * self->ps, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EFAULT, errno);
	munmap((void *)self->map, (self->npages - 1) * self->ps);
	self->map = NULL;
}

/* A bitmap too short for the buffer, or reserved bits set: EINVAL. */
TEST_F(dma, bad_get_dirty_arguments_are_refused_with_einval)
{
	struct mmiodemo_dirty d = {
		.bitmap = (uintptr_t)self->bitmap,
		.nr_pages = (uint32_t)self->npages - 1,
	};

	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_GET_DIRTY, &d));
	EXPECT_EQ(EINVAL, errno);
	d.nr_pages = (uint32_t)self->npages;
	d.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_GET_DIRTY, &d));
	EXPECT_EQ(EINVAL, errno);
	d.reserved = 0;
	d.bitmap = 8;
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_GET_DIRTY, &d));
	EXPECT_EQ(EFAULT, errno);
}

/* A sync range that is not whole pages inside the buffer: EINVAL. */
TEST_F(dma, bad_sync_ranges_are_refused_with_einval)
{
	struct mmiodemo_sync s = { .offset = 1 };

	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_SYNC_FOR_DEVICE, &s));
	EXPECT_EQ(EINVAL, errno);
	s.offset = 0;
	s.len = (self->npages + 1) * self->ps;
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_SYNC_FOR_CPU, &s));
	EXPECT_EQ(EINVAL, errno);
	s.len = 0;
	s.offset = (self->npages + 1) * self->ps;
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_SYNC_FOR_DEVICE, &s));
	EXPECT_EQ(EINVAL, errno);
	s.offset = 0;
	s.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_SYNC_FOR_DEVICE, &s));
	EXPECT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
