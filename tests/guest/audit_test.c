// SPDX-License-Identifier: GPL-2.0-only
/*
 * audit_test: the memory type of every mapped page, proved from the page
 * tables through the mapping audit (driver/mmiodemo-audit.c, debugfs
 * "mmiodemo-audit/maps"), in the guest.
 * Registers must be Device-nGnRE and the DMA buffer Normal, each the type
 * of the kernel's own mapping of the same memory; only touched pages are
 * present; read-only mappings and buffer pages not written since their
 * mapping or since a take found them clean have read-only PTEs.
 */
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
#include "mmiodemo-regs.h"
#include "common.h"
#include "mmiodemo.h"

#define AUDIT	"/sys/kernel/debug/mmiodemo-audit"
#define MAPS	AUDIT "/maps"
#define PID	AUDIT "/pid"

struct page_info {
	int present;
	char type[24];
	char access[16];
	char tracking[16];
};

struct audit {
	char kernel_regs[24];
	char kernel_dma[24];
	int nr_pages;		/* -1: the mapping is not listed */
	struct page_info pages[16];
};

/* What the audit says of this process's mapping that starts at @start. */
static int read_audit(void *start, struct audit *a)
{
	unsigned long vstart, vend, page, addr;
	char line[256], kernel[16], type[24];
	int pid, in = 0;
	FILE *f;

	memset(a, 0, sizeof(*a));
	a->nr_pages = -1;
	f = fopen(MAPS, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "kernel %15s %23s", kernel, type) == 2) {
			/* ioremap() maps the registers, the linear map RAM */
			strcpy(!strcmp(kernel, "ioremap") ? a->kernel_regs :
							    a->kernel_dma, type);
		} else if (sscanf(line, "vma %lx-%lx pid %d", &vstart, &vend,
				  &pid) == 3) {
			in = pid == getpid() && vstart == (uintptr_t)start;
			if (in)
				a->nr_pages = 0;
		} else if (in && a->nr_pages < 16 &&
			   sscanf(line, "  page %lu %lx", &page, &addr) == 2) {
			struct page_info *p = &a->pages[a->nr_pages++];

			p->tracking[0] = '\0';
			p->present = sscanf(line, "  page %*u %*x present %23s %15s %15s",
					    p->type, p->access, p->tracking) >= 2;
		}
	}
	fclose(f);
	return 0;
}

FIXTURE(audit) {
	int fd;
	struct mmiodemo_info info;
	const struct mmiodemo_region *regs, *dma;
	size_t ps;
	struct audit a;
};

FIXTURE_SETUP(audit)
{
	self->fd = open(DEVICE, O_RDWR);
	if (self->fd < 0 && errno == ENOENT)
		SETUP_SKIP(DEVICE " is absent: is the driver bound?");
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_INFO, &self->info));
	self->regs = &self->info.regions[MMIODEMO_REGION_REGS];
	self->dma = &self->info.regions[MMIODEMO_REGION_DMA];
	self->ps = self->info.page_size;
	ASSERT_EQ(0, access(MAPS, R_OK)) TH_LOG(MAPS ": %s", strerror(errno));
}

FIXTURE_TEARDOWN(audit)
{
	if (self->fd >= 0)
		close(self->fd);
}

static void *map(int fd, const struct mmiodemo_region *r, size_t len,
		 int prot)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)r->offset);

	return p == MAP_FAILED ? NULL : p;
}

/* A touched register page is Device-nGnRE, as the kernel's ioremap(). */
TEST_F(audit, register_page_is_device_ngnre_like_the_kernels)
{
	volatile uint8_t *p;

	if (!(self->regs->flags & MMIODEMO_REGION_F_MMAP))
		SKIP(return, "register region is not whole pages here");
	p = map(self->fd, self->regs, self->regs->size,
		PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	(void)rd32(p, PL061_PERIPHID(0));
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	ASSERT_EQ(1, self->a.nr_pages) TH_LOG("mapping not in the audit");
	EXPECT_TRUE(self->a.pages[0].present);
	EXPECT_STREQ("Device-nGnRE", self->a.pages[0].type);
	EXPECT_STREQ(self->a.kernel_regs, self->a.pages[0].type);
	EXPECT_STREQ("writable", self->a.pages[0].access);
	munmap((void *)p, self->regs->size);
}

/* A read-only register mapping has read-only PTEs. */
TEST_F(audit, read_only_register_mapping_has_read_only_ptes)
{
	volatile uint8_t *p;
	int ro;

	if (!(self->regs->flags & MMIODEMO_REGION_F_MMAP))
		SKIP(return, "register region is not whole pages here");
	ro = open(DEVICE, O_RDONLY);
	ASSERT_LE(0, ro);
	p = map(ro, self->regs, self->regs->size, PROT_READ);
	ASSERT_NE(NULL, p);
	/* Touched first: 6.1 and 6.12 map a register page at its first touch. */
	(void)rd32(p, PL061_PERIPHID(0));
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	ASSERT_EQ(1, self->a.nr_pages);
	EXPECT_TRUE(self->a.pages[0].present) TH_LOG("mapped by its first touch");
	EXPECT_STREQ("Device-nGnRE", self->a.pages[0].type);
	EXPECT_STREQ("read-only", self->a.pages[0].access);
	munmap((void *)p, self->regs->size);
	close(ro);
}

/*
 * A write maps exactly its page, writable; a read maps its page and,
 * ahead of time, its neighbours (fault-around), read-only and armed.
 * All Normal, like the linear map.
 */
TEST_F(audit, dma_pages_show_what_was_touched)
{
	volatile uint8_t *p = map(self->fd, self->dma, 4 * self->ps,
				  PROT_READ | PROT_WRITE);
	int i;

	ASSERT_NE(NULL, p);
	p[2 * self->ps] = 1;		/* write page 2 */
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	ASSERT_EQ(4, self->a.nr_pages);
	EXPECT_FALSE(self->a.pages[0].present);
	EXPECT_FALSE(self->a.pages[1].present);
	EXPECT_TRUE(self->a.pages[2].present);
	EXPECT_STREQ("Normal", self->a.pages[2].type);
	EXPECT_STREQ("writable", self->a.pages[2].access);
	EXPECT_STREQ("written", self->a.pages[2].tracking);
	EXPECT_FALSE(self->a.pages[3].present);

	(void)p[self->ps];		/* read page 1 */
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	EXPECT_TRUE(self->a.pages[1].present);
	EXPECT_STREQ(self->a.kernel_dma, self->a.pages[1].type);
	for (i = 0; i < 4; i++) {
		if (i == 2 || !self->a.pages[i].present)
			continue;
		EXPECT_STREQ("Normal", self->a.pages[i].type);
		EXPECT_STREQ("read-only", self->a.pages[i].access);
		EXPECT_STREQ("armed", self->a.pages[i].tracking);
	}
	EXPECT_STREQ("writable", self->a.pages[2].access);
	munmap((void *)p, 4 * self->ps);
}

/* A buffer mapping that can never be written shows no tracking state. */
TEST_F(audit, read_only_fd_dma_pages_show_no_tracking)
{
	volatile uint8_t *p;
	int ro;

	ro = open(DEVICE, O_RDONLY);
	ASSERT_LE(0, ro);
	p = map(ro, self->dma, self->ps, PROT_READ);
	ASSERT_NE(NULL, p);
	(void)p[0];
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	ASSERT_EQ(1, self->a.nr_pages);
	EXPECT_TRUE(self->a.pages[0].present);
	EXPECT_STREQ("read-only", self->a.pages[0].access);
	EXPECT_STREQ("", self->a.pages[0].tracking);
	munmap((void *)p, self->ps);
	close(ro);
}

/*
 * A take leaves a page it found written mapped, writable and clean: armed,
 * the CPU marks the entry dirty as it writes again, with no fault. A take
 * that finds it clean unmaps it: read again, the page is read-only and
 * armed until written, and its write faults to .page_mkwrite.
 */
TEST_F(audit, taken_dma_page_is_armed_until_written)
{
	uint64_t bits[512] = { 0 };
	struct mmiodemo_dirty d = {
		.bitmap = (uintptr_t)bits,
		.nr_pages = (uint32_t)(self->dma->size / self->ps),
	};
	volatile uint8_t *p = map(self->fd, self->dma, self->ps,
				  PROT_READ | PROT_WRITE);

	ASSERT_NE(NULL, p);
	ASSERT_GE(512U * 64, d.nr_pages);
	/* What earlier tests wrote, taken first. */
	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_GET_DIRTY, &d));
	p[0] = 1;
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	ASSERT_EQ(1, self->a.nr_pages);
	EXPECT_STREQ("writable", self->a.pages[0].access);
	EXPECT_STREQ("written", self->a.pages[0].tracking);
	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_GET_DIRTY, &d));
	EXPECT_EQ(1, d.count);
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	EXPECT_TRUE(self->a.pages[0].present) TH_LOG("a take found it written");
	EXPECT_STREQ("writable", self->a.pages[0].access);
	EXPECT_STREQ("armed", self->a.pages[0].tracking);
	p[0] = 2;
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	EXPECT_STREQ("writable", self->a.pages[0].access);
	EXPECT_STREQ("written", self->a.pages[0].tracking);
	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_GET_DIRTY, &d));
	EXPECT_EQ(1, d.count) TH_LOG("a write through a clean entry is taken");
	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_GET_DIRTY, &d));
	EXPECT_EQ(0, d.count);
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	EXPECT_FALSE(self->a.pages[0].present) TH_LOG("a take found it clean");
	EXPECT_EQ(2, p[0]);
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	EXPECT_TRUE(self->a.pages[0].present);
	EXPECT_STREQ("read-only", self->a.pages[0].access);
	EXPECT_STREQ("armed", self->a.pages[0].tracking);
	p[0] = 3;
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	EXPECT_STREQ("writable", self->a.pages[0].access);
	EXPECT_STREQ("written", self->a.pages[0].tracking);
	munmap((void *)p, self->ps);
}

/* After munmap() the audit lists the mapping no more. */
TEST_F(audit, unmapped_mapping_leaves_the_audit)
{
	volatile uint8_t *p = map(self->fd, self->dma, self->ps,
				  PROT_READ);

	ASSERT_NE(NULL, p);
	(void)p[0];
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	EXPECT_EQ(1, self->a.nr_pages);
	munmap((void *)p, self->ps);
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	EXPECT_EQ(-1, self->a.nr_pages);
}

/* After unbind an old mapping is still there, with no page present. */
TEST_F(audit, unbound_device_mappings_have_no_present_page)
{
	volatile uint8_t *p = map(self->fd, self->dma, self->ps,
				  PROT_READ);

	ASSERT_NE(NULL, p);
	(void)p[0];
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	ASSERT_EQ(1, self->a.nr_pages);
	EXPECT_TRUE(self->a.pages[0].present);
	ASSERT_EQ(0, sysfs_write(DRIVER "/unbind", DEVNAME));
	ASSERT_EQ(0, sysfs_write(DRIVER "/bind", DEVNAME));
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	ASSERT_EQ(1, self->a.nr_pages);
	EXPECT_FALSE(self->a.pages[0].present) TH_LOG("revoked: zapped");
	munmap((void *)p, self->ps);
}

/* Told a process, the audit walks that process's page tables only. */
TEST_F(audit, pid_restricts_the_walk_to_one_process)
{
	volatile uint8_t *p = map(self->fd, self->dma, self->ps,
				  PROT_READ);
	char pid[16];

	ASSERT_NE(NULL, p);
	(void)p[0];
	snprintf(pid, sizeof(pid), "%d", getpid());
	ASSERT_EQ(0, sysfs_write(PID, pid));
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	EXPECT_EQ(1, self->a.nr_pages) TH_LOG("this process: listed");
	ASSERT_EQ(0, sysfs_write(PID, "1"));
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	EXPECT_EQ(-1, self->a.nr_pages) TH_LOG("init's only: not listed");
	ASSERT_EQ(0, sysfs_write(PID, "0"));
	ASSERT_EQ(0, read_audit((void *)p, &self->a));
	EXPECT_EQ(1, self->a.nr_pages) TH_LOG("every process again");
	munmap((void *)p, self->ps);
}

TEST_HARNESS_MAIN
